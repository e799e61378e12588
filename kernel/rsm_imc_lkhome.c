// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsm: the locks of a Memory Channel lock set at its home (imc_lkalloc(3),
 * imc_lkacquire(3), imc_lkrelease(3)).
 *
 * The coordinator that creates a lock set is its home and keeps its locks:
 * for each lock its owner (a host's node id and the lock owner id that
 * host gave a process) and a queue of waiters.  Every operation on a lock
 * is decided here, one at a time under the set's mutex: from a process on
 * this host by a call, from a peer's by RSM_MSG_IMC_LKOP, which the
 * transport serves in order per key.  A lock given back goes straight to
 * the first waiter, so waiters are served in the order they came and none
 * starves; the waiter hears of it by RSM_MSG_IMC_LKGRANT (or a call).
 *
 * An owner's locks and waits end when it says so (RSM_IMC_LK_DROP, at
 * process exit or imc_lkdealloc(3)) and when its host is gone: when the
 * endpoint its host asked over ends and no other connection to the same
 * module instance of that host is up (a node pair has one connection per
 * rail), or comes up within imc_lock_grace_ms: so a host that fails or is
 * cut off loses its locks, as on Tru64, while one rail's fault, or a link
 * that fails for a moment, takes nobody's.  That host voids its own
 * record of them sooner (when it finds no connection to this module
 * instance), and its releases ask here all the same.
 */
#include <linux/slab.h>
#include <linux/overflow.h>

#include "rsm_imc_reg.h"
#include "rsm_imc_lock.h"

#define RSM_IMC_LK_WAITERS	4096	/* queued in one set */
#define RSM_IMC_LK_NODE_WAITERS	1024	/* of them, from one node */
#define RSM_IMC_LK_ALL_WAITERS	16384	/* queued in all sets homed here */
#define RSM_IMC_LK_NODE_ALL	4096	/* of them, from one node */

/*
 * A queued waiter: @r.owner of host @r.node, asking over @r.ep_id (0:
 * here).  Granted, it carries the news (rsm_imc_deliver(), then
 * rsm_imc_grants for a peer's), so a grant needs no memory.
 */
struct rsm_imc_lkwaiter {
	struct list_head	list;
	struct rsm_imc_lkreq	r;
	u32			key;
};

/* Every set homed here, for endpoint ends and listings. */
static LIST_HEAD(rsm_imc_lkhomes);
/* inside rsm_imc_reg_lock and a connection's lock, outside any set's lock */
static DEFINE_MUTEX(rsm_imc_lkhomes_lock);

static atomic_t rsm_imc_lk_all_waiters;
/* waiters of each node in all sets: no node keeps the others out */
static atomic_t rsm_imc_lk_node_all[RSM_WIRE_NODES];

/* Granted waiters on peers (struct rsm_imc_lkwaiter), told by the work. */
static LIST_HEAD(rsm_imc_grants);
static DEFINE_SPINLOCK(rsm_imc_grants_lock);	/* the list; a leaf */
static void rsm_imc_grant_fn(struct work_struct *work);
static DECLARE_WORK(rsm_imc_grant_work, rsm_imc_grant_fn);

static bool rsm_imc_same_owner(const struct rsm_imc_lkreq *a,
			       const struct rsm_imc_lkreq *b)
{
	return a->owner && a->owner == b->owner && a->node == b->node;
}

/**
 * rsm_imc_lkhome_new - the locks of a lock set its coordinator creates
 * @q: the creating request: its size is the count of locks; with
 *	RSM_IMC_EXCL its owner holds lock 0 from the start
 *
 * Return: the locks (one reference, the region's), or NULL.
 */
struct rsm_imc_lkhome *rsm_imc_lkhome_new(const struct rsm_imc_areq *q)
{
	struct rsm_imc_lkhome *lk;
	u32 i, n = q->a.size;

	lk = kvzalloc(struct_size(lk, w, n), GFP_KERNEL_ACCOUNT);
	if (!lk)
		return NULL;
	lk->wd = rsm_imc_lkw_new(n);
	if (!lk->wd) {
		kvfree(lk);
		return NULL;
	}
	kref_init(&lk->ref);
	mutex_init(&lk->lock);
	lk->key = q->a.key;
	lk->count = n;
	for (i = 0; i < n; i++)
		INIT_LIST_HEAD(&lk->w[i].waiters);
	if (q->a.flags & RSM_IMC_EXCL) {
		lk->w[0].r.node = q->node;
		lk->w[0].r.owner = q->owner;
		lk->w[0].r.pid = q->pid;
		lk->w[0].r.ep_id = q->ep_id;
		lk->w[0].r.boot = q->boot;
		/* held through the home's record: its word says so */
		mutex_lock(&lk->lock);
		rsm_imc_lkw_close(lk, 0);
		mutex_unlock(&lk->lock);
	}
	mutex_lock(&rsm_imc_lkhomes_lock);
	list_add_tail(&lk->all, &rsm_imc_lkhomes);
	mutex_unlock(&rsm_imc_lkhomes_lock);
	return lk;
}

static void rsm_imc_lkhome_free(struct kref *ref)
{
	struct rsm_imc_lkhome *lk = container_of(ref, struct rsm_imc_lkhome,
						 ref);
	struct rsm_imc_lkwaiter *wt, *tmp;
	u32 i;

	for (i = 0; i < lk->count; i++)
		list_for_each_entry_safe(wt, tmp, &lk->w[i].waiters, list) {
			atomic_dec(&rsm_imc_lk_node_all[wt->r.node]);
			atomic_dec(&rsm_imc_lk_all_waiters);
			kfree(wt);
		}
	mutex_lock(&lk->lock);
	rsm_imc_lkw_put_loop(lk, NULL);
	mutex_unlock(&lk->lock);
	rsm_imc_lkw_free(lk->wd);
	kfree(lk->ad);
	kvfree(lk);
}

/**
 * rsm_imc_lkhome_put - drop a reference on a set's locks
 * @lk: from rsm_imc_lkhome_get()
 */
void rsm_imc_lkhome_put(struct rsm_imc_lkhome *lk)
{
	kref_put(&lk->ref, rsm_imc_lkhome_free);
}

/**
 * rsm_imc_lkhome_gone - a lock set left the registry (its last allocator
 * went): its locks apply no more
 * @lk: the region's reference, consumed
 */
void rsm_imc_lkhome_gone(struct rsm_imc_lkhome *lk)
{
	mutex_lock(&rsm_imc_lkhomes_lock);
	list_del_init(&lk->all);
	mutex_unlock(&rsm_imc_lkhomes_lock);
	mutex_lock(&lk->lock);
	lk->gone = true;
	rsm_imc_lkw_gone(lk);
	mutex_unlock(&lk->lock);
	kref_put(&lk->ref, rsm_imc_lkhome_free);
}

/* Waiter @wt leaves the queue of @lk. */
static void rsm_imc_unwait(struct rsm_imc_lkhome *lk,
			   struct rsm_imc_lkwaiter *wt)
{
	list_del(&wt->list);
	lk->nwaiters--;
	lk->node_waiters[wt->r.node]--;
	atomic_dec(&rsm_imc_lk_node_all[wt->r.node]);
	atomic_dec(&rsm_imc_lk_all_waiters);
}

/* Hand lock @i, just freed, to its first waiter; queue the news. */
static void rsm_imc_hand_over(struct rsm_imc_lkhome *lk, u32 i,
			      struct list_head *grants)
{
	struct rsm_imc_lkword *w = &lk->w[i];
	struct rsm_imc_lkwaiter *wt;

	wt = list_first_entry_or_null(&w->waiters, struct rsm_imc_lkwaiter,
				      list);
	if (!wt)
		return;
	rsm_imc_unwait(lk, wt);
	w->r = wt->r;
	/* the waiter's own entry carries the news (rsm_imc_deliver()) */
	wt->r.index = i;
	list_add_tail(&wt->list, grants);
}

/* Free lock @i and hand it over. */
static void rsm_imc_lk_free(struct rsm_imc_lkhome *lk, u32 i,
			    struct list_head *grants)
{
	memset(&lk->w[i].r, 0, sizeof(lk->w[i].r));
	rsm_imc_hand_over(lk, i, grants);
}

/* Forget the waiters of lock @i that @match says. */
static void rsm_imc_unqueue(struct rsm_imc_lkhome *lk, u32 i,
			    bool (*match)(const struct rsm_imc_lkreq *w,
					  const struct rsm_imc_lkreq *q),
			    const struct rsm_imc_lkreq *q)
{
	struct rsm_imc_lkwaiter *wt, *tmp;

	list_for_each_entry_safe(wt, tmp, &lk->w[i].waiters, list) {
		if (!match(&wt->r, q))
			continue;
		rsm_imc_unwait(lk, wt);
		kfree(wt);
	}
}

static bool rsm_imc_match_wait(const struct rsm_imc_lkreq *w,
			       const struct rsm_imc_lkreq *q)
{
	return rsm_imc_same_owner(w, q) && w->wait == q->wait;
}

static bool rsm_imc_match_owner(const struct rsm_imc_lkreq *w,
				const struct rsm_imc_lkreq *q)
{
	return rsm_imc_same_owner(w, q);
}

/* Take lock @q->index now, or queue @q (WAIT).  Under @lk->lock. */
static u32 rsm_imc_lk_take(struct rsm_imc_lkhome *lk,
			   const struct rsm_imc_lkreq *q)
{
	struct rsm_imc_lkword *w = &lk->w[q->index];
	struct rsm_imc_lkwaiter *wt;

	if (rsm_imc_same_owner(&w->r, q))
		return RSM_IMC_LKR_PRIOR;
	if (!w->r.owner) {
		/* a free lock has no waiters: a release hands it over */
		w->r = *q;
		return 0;
	}
	if (q->op != RSM_IMC_LK_WAIT)
		return RSM_IMC_LKR_BUSY;
	/* one place per owner and lock; no node fills the queues alone */
	list_for_each_entry(wt, &w->waiters, list)
		if (rsm_imc_same_owner(&wt->r, q))
			return RSM_IMC_LKR_BUSY;
	if (lk->nwaiters >= RSM_IMC_LK_WAITERS ||
	    lk->node_waiters[q->node] >= RSM_IMC_LK_NODE_WAITERS)
		return RSM_IMC_LKR_BUSY;
	if (atomic_inc_return(&rsm_imc_lk_all_waiters) > RSM_IMC_LK_ALL_WAITERS)
		goto busy_all;
	if (atomic_inc_return(&rsm_imc_lk_node_all[q->node]) >
	    RSM_IMC_LK_NODE_ALL)
		goto busy_node;
	wt = kzalloc(sizeof(*wt), GFP_KERNEL_ACCOUNT);
	if (!wt)
		goto busy_node;	/* the waiter asks again */
	wt->r = *q;
	wt->key = lk->key;
	list_add_tail(&wt->list, &w->waiters);
	lk->nwaiters++;
	lk->node_waiters[q->node]++;
	return RSM_IMC_LKR_QUEUED;
busy_node:
	atomic_dec(&rsm_imc_lk_node_all[q->node]);
busy_all:
	atomic_dec(&rsm_imc_lk_all_waiters);
	return RSM_IMC_LKR_BUSY;
}

/* Apply @q to @lk, its words closed.  Return: 0 or RSM_IMC_LKR_*. */
static u32 rsm_imc_lk_decide(struct rsm_imc_lkhome *lk,
			     const struct rsm_imc_lkreq *q,
			     struct list_head *grants)
{
	struct rsm_imc_lkword *w = &lk->w[q->index];
	u32 i;

	switch (q->op) {
	case RSM_IMC_LK_TRY:
	case RSM_IMC_LK_WAIT:
		return rsm_imc_lk_take(lk, q);
	case RSM_IMC_LK_RELEASE:
		if (!rsm_imc_same_owner(&w->r, q))
			return RSM_IMC_LKR_NOTHELD;
		rsm_imc_lk_free(lk, q->index, grants);
		return 0;
	case RSM_IMC_LK_CANCEL:
		/* a waiter that gave up: its place, or the lock it got since */
		rsm_imc_unqueue(lk, q->index, rsm_imc_match_wait, q);
		if (rsm_imc_same_owner(&w->r, q) && w->r.wait == q->wait)
			rsm_imc_lk_free(lk, q->index, grants);
		return 0;
	default:	/* RSM_IMC_LK_DROP */
		for (i = 0; i < lk->count; i++) {
			rsm_imc_unqueue(lk, i, rsm_imc_match_owner, q);
			if (rsm_imc_same_owner(&lk->w[i].r, q))
				rsm_imc_lk_free(lk, i, grants);
		}
		rsm_imc_lkw_forget(lk, q->node, q->owner);
		return 0;
	}
}

/*
 * Apply @q to @lk: the words it concerns are closed first (their tags
 * join the record), and opened again after if free and nobody waits.
 * Return: 0 or an RSM_IMC_LKR_* status.
 */
static u32 rsm_imc_lk_apply(struct rsm_imc_lkhome *lk,
			    const struct rsm_imc_lkreq *q,
			    struct list_head *grants)
{
	bool drop = q->op == RSM_IMC_LK_DROP;
	u32 st, i;
	int ret;

	if (lk->gone)
		return RSM_IMC_LKR_UNKNOWN;
	if (!drop && q->index >= lk->count)
		return RSM_IMC_LKR_BADLOCK;
	/* adopted and rebuilding, or fenced: no lock is taken (IMC.md 5.3) */
	if (rsm_imc_lk_shut(lk) &&
	    (q->op == RSM_IMC_LK_TRY || q->op == RSM_IMC_LK_WAIT))
		return RSM_IMC_LKR_UNKNOWN;
	ret = drop ? rsm_imc_lkw_close_owner(lk, q->node, q->owner) :
		     rsm_imc_lkw_close(lk, q->index);
	/*
	 * The words cannot be changed (the loopback failed): the set's
	 * operations fail (IMC_CORRUPTLOCK), but an owner's end still frees
	 * what the record holds, so the set can be deallocated.
	 */
	if (ret && !drop)
		return RSM_IMC_LKR_UNKNOWN;
	st = rsm_imc_lk_decide(lk, q, grants);
	/* a lock a ledger may not have told yet: not "not held" */
	if (lk->rebuilding && (drop || st == RSM_IMC_LKR_NOTHELD))
		rsm_imc_lka_tomb(lk, q);
	if (st == RSM_IMC_LKR_NOTHELD && lk->rebuilding)
		st = RSM_IMC_LKR_UNKNOWN;
	if (!drop)
		rsm_imc_lkw_open(lk, q->index);
	else
		for (i = 0; i < lk->count; i++)
			rsm_imc_lkw_open(lk, i);
	return st;
}

/*
 * Tell the new owners in @grants (from rsm_imc_hand_over()), after
 * @lk->lock is dropped: those here by a call, peers' by a message (the
 * work sends it).  A grant whose waiter here is gone is given back.
 */
static void rsm_imc_deliver(struct rsm_imc_lkhome *lk,
			    struct list_head *grants)
{
	struct rsm_imc_lkwaiter *wt;
	bool queued = false;

	while ((wt = list_first_entry_or_null(grants, struct rsm_imc_lkwaiter,
					      list))) {
		list_del(&wt->list);
		if (wt->r.ep_id) {
			spin_lock(&rsm_imc_grants_lock);
			list_add_tail(&wt->list, &rsm_imc_grants);
			spin_unlock(&rsm_imc_grants_lock);
			queued = true;
			continue;
		}
		if (!rsm_imc_lk_granted(lk->key, wt->r.index, wt->r.wait)) {
			/* its grants go on @grants: a loop, not a recursion */
			wt->r.op = RSM_IMC_LK_CANCEL;
			mutex_lock(&lk->lock);
			rsm_imc_lk_apply(lk, &wt->r, grants);
			mutex_unlock(&lk->lock);
		}
		kfree(wt);
	}
	if (queued)
		queue_work(rsm_wq, &rsm_imc_grant_work);
}

static void rsm_imc_grant_fn(struct work_struct *work)
{
	struct rsm_msg_imc_lkgrant m = {
		.hdr.type = cpu_to_le16(RSM_MSG_IMC_LKGRANT),
		.hdr.len = cpu_to_le32(sizeof(m)),
	};
	struct rsm_imc_lkwaiter *wt;
	struct rsm_ep *ep;

	for (;;) {
		spin_lock(&rsm_imc_grants_lock);
		wt = list_first_entry_or_null(&rsm_imc_grants,
					      struct rsm_imc_lkwaiter, list);
		if (wt)
			list_del(&wt->list);
		spin_unlock(&rsm_imc_grants_lock);
		if (!wt)
			return;
		/*
		 * Only over the endpoint the waiter asked on: when that one is
		 * gone, so are the grant and the waiter (rsm_imc_lkhome_ep_gone).
		 */
		ep = rsm_cluster_ep_by_id(wt->r.node, wt->r.ep_id);
		if (ep) {
			m.key = cpu_to_le32(wt->key);
			m.index = cpu_to_le32(wt->r.index);
			m.wait = cpu_to_le64(wt->r.wait);
			m.owner = cpu_to_le32(wt->r.owner);
			if (rsm_msg_send_wait(ep, &m, sizeof(m)))
				rsm_conn_fail(ep, "cannot tell a lock's grant");
			rsm_ep_put_user(ep);
		} else {
			/*
			 * The waiter asks again over another endpoint: the
			 * lock it cannot hear of goes back now, rather than
			 * wait out the grace for a host that is still there.
			 */
			wt->r.op = RSM_IMC_LK_CANCEL;
			rsm_imc_lkhome_op(wt->key, &wt->r);
		}
		kfree(wt);
	}
}

/**
 * rsm_imc_lkhome_get - the locks of a set homed here, made if missing
 * (a set this host was cut off from)
 * @key: the lock set
 *
 * Return: them with a reference (rsm_imc_lkhome_put()), or NULL.
 */
struct rsm_imc_lkhome *rsm_imc_lkhome_get(u32 key)
{
	struct rsm_imc_areq q = { };
	struct rsm_imc_lkhome *lk = NULL;
	struct rsm_imc_region *r;

	mutex_lock(&rsm_imc_reg_lock);
	r = rsm_imc_find_locked(rsm_imc_rid(key, RSM_IMC_LOCKSET));
	if (r && r->a.home == READ_ONCE(rsm_cluster.local_nodeid)) {
		/*
		 * A set this host was cut off from: its owners here and there
		 * lost their locks with the endpoints; start with none held.
		 */
		if (!r->lk) {
			q.a = r->a;
			q.a.flags &= ~RSM_IMC_EXCL;
			r->lk = rsm_imc_lkhome_new(&q);
		}
		lk = r->lk;
		if (lk)
			kref_get(&lk->ref);
	}
	mutex_unlock(&rsm_imc_reg_lock);
	return lk;
}

/**
 * rsm_imc_lkhome_op - apply an operation to a lock set homed here
 * @key: the lock set
 * @q: the operation; @q->ep_id 0 for one from this host
 *
 * Return: 0 or an RSM_IMC_LKR_* status (UNKNOWN: not homed here).
 */
u32 rsm_imc_lkhome_op(u32 key, const struct rsm_imc_lkreq *q)
{
	struct rsm_imc_lkhome *lk = rsm_imc_lkhome_get(key);
	LIST_HEAD(grants);
	u32 st;

	if (!lk)
		return RSM_IMC_LKR_UNKNOWN;
	mutex_lock(&lk->lock);
	st = rsm_imc_lk_apply(lk, q, &grants);
	mutex_unlock(&lk->lock);
	rsm_imc_deliver(lk, &grants);
	kref_put(&lk->ref, rsm_imc_lkhome_free);
	return st;
}

/**
 * rsm_imc_lkop_serve - a peer's RSM_MSG_IMC_LKOP: apply it, answer
 * @ep: endpoint it came on
 * @msg: the request, checked
 */
void rsm_imc_lkop_serve(struct rsm_ep *ep, const void *msg)
{
	const struct rsm_msg_imc_lkop *m = msg;
	struct rsm_msg_imc_lkop_reply rep = {
		.hdr.type = cpu_to_le16(RSM_MSG_IMC_LKOP_REPLY),
		.hdr.len = cpu_to_le32(sizeof(rep)),
		.xid = m->xid,
	};
	struct rsm_imc_lkreq q = {
		.node = ep->conn->nodeid,
		.owner = le32_to_cpu(m->owner),
		.pid = le32_to_cpu(m->pid),
		.ep_id = ep->id,
		.boot = ep->peer_boot,
		.wait = le64_to_cpu(m->wait),
		.op = le32_to_cpu(m->op),
		.index = le32_to_cpu(m->index),
	};
	struct rsm_conn *conn = ep->conn;
	u32 st;

	/*
	 * Only the usable endpoint speaks for the peer, and it stays usable
	 * while the lock is taken: what is taken over one that ended would
	 * never be given back (its end frees what it holds).
	 */
	mutex_lock(&conn->lock);
	if (!rsm_ep_usable_locked(conn, ep)) {
		mutex_unlock(&conn->lock);
		return;
	}
	st = rsm_imc_lkhome_op(le32_to_cpu(m->key), &q);
	mutex_unlock(&conn->lock);
	if (!m->xid)
		return;
	rep.status = cpu_to_le32(st);
	if (rsm_msg_send_wait(ep, &rep, sizeof(rep)))
		rsm_conn_fail(ep, "cannot answer a lock operation");
}

/*
 * An endpoint that ended, for rsm_imc_lkhome_gone_fn(): what was waited
 * for over it is dealt with at once, what was held by @deadline.
 */
struct rsm_imc_ep_end {
	struct list_head	list;
	u32			node;
	u64			ep_id;
	unsigned long		deadline;
	bool			waiters_done;
};

static LIST_HEAD(rsm_imc_ep_ends);
static DEFINE_SPINLOCK(rsm_imc_ep_ends_lock);	/* the list; a leaf */
static void rsm_imc_lkhome_gone_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(rsm_imc_ep_end_work, rsm_imc_lkhome_gone_fn);

/*
 * The waiters of lock @i that asked over @e's endpoint move to @alt
 * (another endpoint to the same module instance @boot of that host), or
 * go: they ask again.
 */
static void rsm_imc_move_waiters(struct rsm_imc_lkhome *lk, u32 i,
				 const struct rsm_imc_ep_end *e, u64 alt,
				 u64 boot)
{
	struct rsm_imc_lkwaiter *wt, *tmp;

	list_for_each_entry_safe(wt, tmp, &lk->w[i].waiters, list) {
		if (wt->r.ep_id != e->ep_id)
			continue;
		if (alt && wt->r.boot == boot) {
			wt->r.ep_id = alt;
			continue;
		}
		rsm_imc_unwait(lk, wt);
		kfree(wt);
	}
}

/*
 * What was held or waited for over @e's endpoint moves to @alt (another
 * endpoint to the same module instance @boot there), or ends; a lock
 * held waits for such an endpoint until @e->deadline.
 * Return: some lock still waits.
 */
static bool rsm_imc_lkhome_move(struct rsm_imc_ep_end *e, u64 alt, u64 boot)
{
	bool late = time_after_eq(jiffies, e->deadline), kept = false;
	struct rsm_imc_lkhome *lk;
	struct rsm_imc_lkreq *r;
	LIST_HEAD(grants);
	u32 i;

	mutex_lock(&rsm_imc_lkhomes_lock);
	list_for_each_entry(lk, &rsm_imc_lkhomes, all) {
		mutex_lock(&lk->lock);
		for (i = 0; i < lk->count && !lk->gone; i++) {
			if (!e->waiters_done)
				rsm_imc_move_waiters(lk, i, e, alt, boot);
			r = &lk->w[i].r;
			if (r->owner && r->ep_id == e->ep_id) {
				if (alt && r->boot == boot)
					r->ep_id = alt;
				else if (!late)
					kept = true;
				else
					rsm_imc_lk_free(lk, i, &grants);
			}
			rsm_imc_lkw_open(lk, i);
		}
		mutex_unlock(&lk->lock);
		rsm_imc_deliver(lk, &grants);
	}
	mutex_unlock(&rsm_imc_lkhomes_lock);
	e->waiters_done = true;
	return kept;
}

static void rsm_imc_lkhome_gone_fn(struct work_struct *work)
{
	unsigned long next = 0, delay;
	struct rsm_imc_ep_end *e;
	LIST_HEAD(todo);
	LIST_HEAD(later);
	struct rsm_ep *ep;
	bool fresh = false;
	u64 alt, boot;

	spin_lock(&rsm_imc_ep_ends_lock);
	list_splice_init(&rsm_imc_ep_ends, &todo);
	spin_unlock(&rsm_imc_ep_ends_lock);
	while ((e = list_first_entry_or_null(&todo, struct rsm_imc_ep_end,
					     list))) {
		list_del(&e->list);
		/* the host's other connection, if one is up */
		ep = rsm_cluster_active_ep(e->node);
		alt = ep && ep->id != e->ep_id ? ep->id : 0;
		boot = ep ? ep->peer_boot : 0;
		if (ep)
			rsm_ep_put_user(ep);
		if (!rsm_imc_lkhome_move(e, alt, boot)) {
			kfree(e);
			continue;
		}
		/* held locks wait for the host: look again at the deadline */
		if (list_empty(&later) || time_before(e->deadline, next))
			next = e->deadline;
		list_add_tail(&e->list, &later);
	}
	if (list_empty(&later))
		return;
	spin_lock(&rsm_imc_ep_ends_lock);
	/* one that ended meanwhile is dealt with at once, not at @next */
	list_for_each_entry(e, &rsm_imc_ep_ends, list)
		fresh |= !e->waiters_done;
	list_splice_tail(&later, &rsm_imc_ep_ends);
	spin_unlock(&rsm_imc_ep_ends_lock);
	delay = time_after(next, jiffies) ? next - jiffies : 0;
	mod_delayed_work(rsm_wq, &rsm_imc_ep_end_work, fresh ? 0 : delay);
}

/**
 * rsm_imc_lkhome_ep_gone - a peer's endpoint ended: what its owners hold
 * and wait for here moves to another connection to that host, or ends
 * @node: the peer
 * @ep_id: the endpoint
 *
 * Called under the connection's lock: the move runs in a work item, which
 * can look at the host's other connections.  A lock held waits up to
 * imc_lock_grace_ms for one to the same module instance of the host.
 */
void rsm_imc_lkhome_ep_gone(u32 node, u64 ep_id)
{
	struct rsm_imc_ep_end *e;

	if (!ep_id)
		return;
	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!e) {
		/* no memory to look further: as if the host had gone */
		struct rsm_imc_ep_end now = {
			.node = node, .ep_id = ep_id, .deadline = jiffies,
		};

		rsm_imc_lkhome_move(&now, 0, 0);
		return;
	}
	e->node = node;
	e->ep_id = ep_id;
	e->deadline = jiffies + rsm_imc_lock_grace();
	spin_lock(&rsm_imc_ep_ends_lock);
	list_add_tail(&e->list, &rsm_imc_ep_ends);
	spin_unlock(&rsm_imc_ep_ends_lock);
	mod_delayed_work(rsm_wq, &rsm_imc_ep_end_work, 0);
}

static u32 rsm_imc_nwaiting(const struct rsm_imc_lkword *w)
{
	const struct rsm_imc_lkwaiter *wt;
	u32 n = 0;

	list_for_each_entry(wt, &w->waiters, list)
		n++;
	return n;
}

/**
 * rsm_imc_lkhome_holders - the owners of a set's locks, for imcs -l
 * @key: the lock set, homed here
 * @out: room for @max holders
 * @max: how many
 *
 * Return: the number of locks held (may exceed @max), or -ENOENT when
 * the set is not homed here.
 */
int rsm_imc_lkhome_holders(u32 key, struct rsm_imc_lk_holder *out, u32 max)
{
	struct rsm_imc_lkhome *lk = rsm_imc_lkhome_get(key);
	u32 i, n = 0;

	if (!lk)
		return -ENOENT;
	mutex_lock(&lk->lock);
	for (i = 0; i < lk->count; i++) {
		struct rsm_imc_lkreq r;

		rsm_imc_lkw_holder(lk, i, &r);
		if (!r.owner)
			continue;
		if (n < max) {
			out[n].index = i;
			out[n].node = r.node;
			out[n].pid = r.pid;
			out[n].waiters = rsm_imc_nwaiting(&lk->w[i]);
		}
		n++;
	}
	mutex_unlock(&lk->lock);
	rsm_imc_lkhome_put(lk);
	return n;
}

/**
 * rsm_imc_lkhome_loop_gone - a loopback goes: the words of sets homed
 * here leave it
 * @lp: the loopback
 */
void rsm_imc_lkhome_loop_gone(struct rsm_loop *lp)
{
	struct rsm_imc_lkhome *lk;

	mutex_lock(&rsm_imc_lkhomes_lock);
	list_for_each_entry(lk, &rsm_imc_lkhomes, all) {
		mutex_lock(&lk->lock);
		rsm_imc_lkw_put_loop(lk, lp);
		mutex_unlock(&lk->lock);
	}
	mutex_unlock(&rsm_imc_lkhomes_lock);
}

/**
 * rsm_imc_lkhome_each - apply a function to every set homed here
 * @fn: the function, called with the set locked
 * @arg: its second argument
 *
 * Return: the count of sets it was applied to.
 */
unsigned int rsm_imc_lkhome_each(void (*fn)(struct rsm_imc_lkhome *lk,
					    void *arg), void *arg)
{
	struct rsm_imc_lkhome *lk;
	unsigned int n = 0;

	mutex_lock(&rsm_imc_lkhomes_lock);
	list_for_each_entry(lk, &rsm_imc_lkhomes, all) {
		mutex_lock(&lk->lock);
		if (!lk->gone) {
			fn(lk, arg);
			n++;
		}
		mutex_unlock(&lk->lock);
	}
	mutex_unlock(&rsm_imc_lkhomes_lock);
	return n;
}

/**
 * rsm_imc_lkhome_exit - module exit: no grant is still to be sent
 */
void rsm_imc_lkhome_exit(void)
{
	struct rsm_imc_lkwaiter *wt, *tmp;
	struct rsm_imc_ep_end *e, *et;

	cancel_delayed_work_sync(&rsm_imc_ep_end_work);
	list_for_each_entry_safe(e, et, &rsm_imc_ep_ends, list)
		kfree(e);
	INIT_LIST_HEAD(&rsm_imc_ep_ends);
	cancel_work_sync(&rsm_imc_grant_work);
	list_for_each_entry_safe(wt, tmp, &rsm_imc_grants, list)
		kfree(wt);
	INIT_LIST_HEAD(&rsm_imc_grants);
}
