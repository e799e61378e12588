// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsm: what a process asks a Memory Channel lock set's home (the client
 * side of rsm_imc_lkhome.c): by a call when that is this host, else by
 * RSM_MSG_IMC_LKOP over an endpoint to it.  A waiter the home queued
 * sleeps here until the home's RSM_MSG_IMC_LKGRANT (or call) wakes it, a
 * signal comes (it then cancels its place: IMC_INTR), the endpoint to the
 * home ends (it asks again) or its set is deallocated.
 */
#include <linux/slab.h>
#include <linux/sched/signal.h>

#include "rsm_imc_reg.h"
#include "rsm_imc_lock.h"

/* A process sleeping for a lock its home queued it for. */
struct rsm_imc_lkwait {
	struct list_head	list;
	const struct rsm_imc_plk *set;
	u64			wait;
	u64			ep_id;	/* it asked over; 0: the home is here */
	u64			boot;	/* of the home, when asked */
	u32			key, index, home;
	bool			granted, lost;
	wait_queue_head_t	wq;
};

static LIST_HEAD(rsm_imc_lkwaits);
static DEFINE_SPINLOCK(rsm_imc_lkwaits_lock);	/* the list, the flags */
static atomic64_t rsm_imc_wait_seq;

/**
 * rsm_imc_home_here - whether this host is the home of a lock set
 * @s: a process's lock set
 *
 * Return: true when it is.
 */
bool rsm_imc_home_here(const struct rsm_imc_plk *s)
{
	return READ_ONCE(s->home) == READ_ONCE(rsm_cluster.local_nodeid);
}

/**
 * rsm_imc_boot_ep - an endpoint to one module instance of a node
 * @node: the node
 * @boot: its module instance (its endpoints' peer_boot)
 *
 * Return: the endpoint with a user reference, or NULL.
 */
struct rsm_ep *rsm_imc_boot_ep(u32 node, u64 boot)
{
	struct rsm_ep *ep = rsm_cluster_active_ep(node);

	if (ep && ep->peer_boot != boot) {
		rsm_ep_put_user(ep);
		ep = NULL;
	}
	return ep;
}

/*
 * The endpoint to @s's home in *@ep (a user reference), NULL when the home
 * is this host.  Return: 0 or -ENOTCONN.
 */
static int rsm_imc_home_ep(const struct rsm_imc_plk *s, struct rsm_ep **ep)
{
	*ep = NULL;
	if (rsm_imc_home_here(s))
		return 0;
	*ep = rsm_cluster_active_ep(READ_ONCE(s->home));
	return *ep ? 0 : -ENOTCONN;
}

/**
 * rsm_imc_lkop_msg - an RSM_MSG_IMC_LKOP of a request
 * @m: the message to fill
 * @key: the lock set
 * @q: the request
 */
void rsm_imc_lkop_msg(struct rsm_msg_imc_lkop *m, u32 key,
		      const struct rsm_imc_lkreq *q)
{
	memset(m, 0, sizeof(*m));
	m->hdr.type = cpu_to_le16(RSM_MSG_IMC_LKOP);
	m->hdr.len = cpu_to_le32(sizeof(*m));
	m->key = cpu_to_le32(key);
	m->op = cpu_to_le32(q->op);
	m->index = cpu_to_le32(q->index);
	m->owner = cpu_to_le32(q->owner);
	m->pid = cpu_to_le32(q->pid);
	m->wait = cpu_to_le64(q->wait);
}

/**
 * rsm_imc_lk_here - apply an operation at this host, the set's home, as
 * this host's
 * @key: the lock set
 * @q: the operation
 *
 * Return: 0 or an RSM_IMC_LKR_* status.
 */
u32 rsm_imc_lk_here(u32 key, const struct rsm_imc_lkreq *q)
{
	struct rsm_imc_lkreq lq = *q;

	lq.node = READ_ONCE(rsm_cluster.local_nodeid);
	lq.ep_id = 0;
	return rsm_imc_lkhome_op(key, &lq);
}

/**
 * rsm_imc_lk_drop_there - owner @owner (of this host) has no locks of
 * set @key any more (its creation was given up); to the home of @ep
 * @ep: an endpoint to the set's home
 * @key: the lock set
 * @owner: the lock owner id
 */
void rsm_imc_lk_drop_there(struct rsm_ep *ep, u32 key, u32 owner)
{
	struct rsm_imc_lkreq q = { .op = RSM_IMC_LK_DROP, .owner = owner };

	if (rsm_imc_lkmsg_send_later(key, &q, ep->conn->nodeid,
				     ep->peer_boot))
		rsm_warn_rl("imc: no memory to give back lock 0 of set %u\n",
			    key);
}

/**
 * rsm_imc_lk_ask - apply an operation to a lock set at its home
 * @key: the set's key
 * @q: the operation
 * @ep: the endpoint to the home, NULL when the home is this host
 *
 * Return: 0, an RSM_IMC_LKR_* status, -ENOTCONN (the home did not
 * answer), -ENOMEM or -EINTR (a signal; either way the home may have
 * applied it, which the caller undoes or sends again).
 */
int rsm_imc_lk_ask(u32 key, const struct rsm_imc_lkreq *q, struct rsm_ep *ep)
{
	const struct rsm_msg_imc_lkop_reply *rep;
	struct rsm_msg_imc_lkop m;
	struct rsm_rpc *rpc;
	int ret;

	if (!ep)
		return rsm_imc_lk_here(key, q);
	rsm_imc_lkop_msg(&m, key, q);
	ret = rsm_imc_call(ep, &m, sizeof(m), RSM_IMC_LK_MS,
			   "lock operation not answered", NULL, 0, 0, &rpc);
	if (ret)
		return ret == -EINTR || ret == -ENOMEM ? ret : -ENOTCONN;
	rep = (const void *)rpc->reply;
	ret = le32_to_cpu(rep->status);
	kfree(rpc);
	return ret;
}

/**
 * rsm_imc_lk_cancel - give up a waiter's place, or the lock it got, at
 * the home (it gave up, or its endpoint ended)
 * @s: the set
 * @q: the waiter's operation (@q->wait)
 * @boot: the home instance it asked (0: the home is here)
 *
 * To a peer, sent until the home answers (rsm_imc_lkmsg.c): it keeps
 * what this host holds through a short loss of the connection.
 */
void rsm_imc_lk_cancel(const struct rsm_imc_plk *s,
		       const struct rsm_imc_lkreq *q, u64 boot)
{
	/* a copy: the caller may ask again with @q */
	struct rsm_imc_lkreq c = *q;

	c.op = RSM_IMC_LK_CANCEL;
	if (!boot) {
		rsm_imc_lk_here(s->key, &c);
		return;
	}
	if (rsm_imc_lkmsg_send_later(s->key, &c, READ_ONCE(s->home), boot))
		rsm_warn_rl("imc: no memory to cancel a wait in set %u\n",
			    s->key);
}

/*
 * Wake waiter @wait for lock @index of set @key, if it asked home @home,
 * module instance @boot (0: the home is this host).  Return: found.
 */
static bool rsm_imc_lk_wake(u32 key, u32 index, u64 wait, u32 home,
			    u64 boot)
{
	struct rsm_imc_lkwait *w;
	bool found = false;

	spin_lock(&rsm_imc_lkwaits_lock);
	list_for_each_entry(w, &rsm_imc_lkwaits, list) {
		if (w->wait != wait || w->key != key || w->index != index ||
		    w->home != home || w->boot != boot)
			continue;
		w->granted = true;
		wake_up(&w->wq);
		found = true;
		break;
	}
	spin_unlock(&rsm_imc_lkwaits_lock);
	return found;
}

/**
 * rsm_imc_lk_granted - the home, this host, gave a waiter here its lock
 * @key: the lock set
 * @index: the lock
 * @wait: the waiter
 *
 * Return: false when there is no such waiter (it gave up).
 */
bool rsm_imc_lk_granted(u32 key, u32 index, u64 wait)
{
	return rsm_imc_lk_wake(key, index, wait,
			       READ_ONCE(rsm_cluster.local_nodeid), 0);
}

/**
 * rsm_imc_lkgrant_serve - a home's RSM_MSG_IMC_LKGRANT
 * @ep: endpoint it came on
 * @msg: the grant, checked
 *
 * A grant for no waiter here (it gave up) goes back at once: its cancel
 * may have been lost with an endpoint.
 */
void rsm_imc_lkgrant_serve(struct rsm_ep *ep, const void *msg)
{
	const struct rsm_msg_imc_lkgrant *m = msg;
	struct rsm_imc_lkreq q = {
		.op = RSM_IMC_LK_CANCEL, .owner = le32_to_cpu(m->owner),
		.index = le32_to_cpu(m->index), .wait = le64_to_cpu(m->wait),
	};
	u32 key = le32_to_cpu(m->key);

	/* only from the waiter's home, the instance it asked */
	if (!rsm_imc_lk_wake(key, q.index, q.wait, ep->conn->nodeid,
			     ep->peer_boot) &&
	    rsm_imc_lkmsg_send_later(key, &q, ep->conn->nodeid,
				     ep->peer_boot))
		rsm_warn_rl("imc: no memory to give back a lock of set %u\n",
			    key);
}

/**
 * rsm_imc_lk_ep_gone - waiters that asked over an endpoint that ended
 * ask again
 * @ep_id: the endpoint
 */
void rsm_imc_lk_ep_gone(u64 ep_id)
{
	struct rsm_imc_lkwait *w;

	spin_lock(&rsm_imc_lkwaits_lock);
	list_for_each_entry(w, &rsm_imc_lkwaits, list) {
		if (!w->ep_id || w->ep_id != ep_id)
			continue;
		w->lost = true;
		wake_up(&w->wq);
	}
	spin_unlock(&rsm_imc_lkwaits_lock);
}

/* Sleep until queued waiter @w is granted, lost or signalled. */
static int rsm_imc_lk_sleep(struct rsm_imc_lkwait *w)
{
	int ret = wait_event_interruptible(w->wq, READ_ONCE(w->granted) ||
					   READ_ONCE(w->lost));

	spin_lock(&rsm_imc_lkwaits_lock);
	list_del_init(&w->list);
	spin_unlock(&rsm_imc_lkwaits_lock);
	if (w->granted)
		return 0;
	return w->lost ? -ENOTCONN : ret;
}

/* Ask once for lock @q->index over @ep (NULL: home here); may sleep. */
static int rsm_imc_lk_try_ep(const struct rsm_imc_plk *s,
			     struct rsm_imc_lkreq *q, struct rsm_ep *ep)
{
	struct rsm_imc_lkwait w = {
		.set = s, .key = s->key, .index = q->index,
		.home = READ_ONCE(s->home),
		.wait = q->wait, .ep_id = ep ? ep->id : 0,
		.boot = ep ? ep->peer_boot : 0,
	};
	int ret;

	if (q->op == RSM_IMC_LK_TRY) {
		ret = rsm_imc_lk_ask(s->key, q, ep);
		/* not answered (or killed first), yet maybe taken: back */
		if (ret == -ENOTCONN || ret == -EINTR)
			rsm_imc_lk_cancel(s, q, w.boot);
		return ret;
	}
	/* known before asking: the grant can come before the answer */
	init_waitqueue_head(&w.wq);
	spin_lock(&rsm_imc_lkwaits_lock);
	list_add_tail(&w.list, &rsm_imc_lkwaits);
	spin_unlock(&rsm_imc_lkwaits_lock);
	ret = rsm_imc_lk_ask(s->key, q, ep);
	if (ret == RSM_IMC_LKR_QUEUED) {
		ret = rsm_imc_lk_sleep(&w);
		/* gave up, or asks again: the place or its grant goes back */
		if (ret)
			rsm_imc_lk_cancel(s, q, w.boot);
		return ret == -ERESTARTSYS ? -EINTR : ret;
	}
	spin_lock(&rsm_imc_lkwaits_lock);
	list_del(&w.list);
	spin_unlock(&rsm_imc_lkwaits_lock);
	/* the answer lost: a place or a lock may be ours at the home */
	if (ret == -ENOTCONN || ret == -EINTR)
		rsm_imc_lk_cancel(s, q, w.boot);
	return ret;
}

/**
 * rsm_imc_lk_try - one attempt at a lock, as a new waiter; may sleep
 * @s: the set
 * @q: the operation (TRY or WAIT); its @wait is chosen here
 * @boot: out: the home instance it asked (0: the home is here)
 *
 * Return: an RSM_IMC_LKR_* status or an errno (-ENOTCONN: the home could
 * not be asked, or the endpoint ended; -EINTR).
 */
int rsm_imc_lk_try(const struct rsm_imc_plk *s,
		   struct rsm_imc_lkreq *q, u64 *boot)
{
	struct rsm_ep *ep;
	int ret;

	q->wait = atomic64_inc_return(&rsm_imc_wait_seq);
	/* what this owner asked before and was not answered goes first */
	if (!rsm_imc_home_here(s)) {
		ret = rsm_imc_lkmsg_flush(s->key, s->owner);
		if (ret)
			return ret;
	}
	ret = rsm_imc_home_ep(s, &ep);
	if (ret)
		return ret;
	*boot = ep ? ep->peer_boot : 0;
	ret = rsm_imc_lk_try_ep(s, q, ep);
	if (ep)
		rsm_ep_put_user(ep);
	return ret;
}

/**
 * rsm_imc_lk_wake_set - the waits of other threads in a deallocated set end
 * (BADLOCK)
 * @s: the set
 */
void rsm_imc_lk_wake_set(const struct rsm_imc_plk *s)
{
	struct rsm_imc_lkwait *w;

	spin_lock(&rsm_imc_lkwaits_lock);
	list_for_each_entry(w, &rsm_imc_lkwaits, list) {
		if (w->set != s)
			continue;
		w->lost = true;
		wake_up(&w->wq);
	}
	spin_unlock(&rsm_imc_lkwaits_lock);
}

/**
 * rsm_imc_lk_exit - module exit: no process has a lock set left
 */
void rsm_imc_lk_exit(void)
{
	WARN_ON(!list_empty(&rsm_imc_lkwaits));
}
