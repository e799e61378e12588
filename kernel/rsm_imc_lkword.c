// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsm: a Memory Channel lock set's lock words at its home (IMC.md 5.3,
 * the encoding in rsm_proto.h).
 *
 * Hosts whose connection to the home has RDMA atomics take a free lock
 * nobody waits for, and give back one they took so, by compare-and-swap
 * on its word, with no message and no work at the home; this host's own
 * processes do the same through the controller's loopback.  Everything
 * else goes to the home as an operation (rsm_imc_lkhome.c), which first
 * closes the lock's word (RSM_IMC_LKW_HOME): a tag found there becomes the
 * lock's owner in the home's record, and the hosts' compare-and-swaps fail
 * until the home opens the word again, when the lock is free and nobody
 * waits.  So waiters queue at the home and are served in order, and the
 * words and the record never both hold a lock.
 *
 * The home changes a word by its device's atomics (the loopback) once any
 * device can reach it; before that, and after every registration went,
 * by the CPU.  Words are registered for a connection on the loopback's
 * controller only: all atomics on a set go through one device.  A
 * connection's registration goes with the connection (its locks held by
 * tags pass to the home's record first, under the usual grace), or with
 * the set.
 */
#include <linux/slab.h>
#include <linux/xarray.h>

#include "rsm_imc_reg.h"
#include "rsm_imc_lock.h"

#define RSM_IMC_LKW_CID_HERE	1	/* this host's processes */
#define RSM_IMC_LKW_PER_PAGE	(PAGE_SIZE / sizeof(u64))
#define RSM_IMC_LKW_PAGES	DIV_ROUND_UP(RSM_IMC_LOCKS_MAX, \
					     RSM_IMC_LKW_PER_PAGE)
#define RSM_IMC_LKW_TRIES	64	/* compare-and-swaps to close a word */
#define RSM_IMC_LKW_PIDS	128	/* owners' pids a set remembers */
#define RSM_IMC_LKW_ACCESS	(IB_ACCESS_LOCAL_WRITE | \
				 IB_ACCESS_REMOTE_ATOMIC)

/* What the tags of a client id stand for: a peer's endpoint. */
struct rsm_imc_lkcid {
	u32	node;
	u64	ep_id;
	u64	boot;
};

/*
 * A set's words registered for one endpoint: on @lk's regs list under
 * its lock, and on rsm_imc_lkwregs until the endpoint's end takes it.
 */
struct rsm_imc_lkwreg {
	struct list_head	wd_list;
	struct list_head	all;
	struct rsm_imc_lkhome	*lk;
	struct rsm_ep		*ep;
	u32			cid;
	struct rsm_mrset	*set;
};

/* An owner's pid, for imcs -l (its tags do not say). */
struct rsm_imc_lkpid {
	u32	node;
	u32	owner;
	u32	pid;
};

/*
 * struct rsm_imc_lkwords - a set's words, under the set's lock
 * @loop: the loopback the words are registered in (@loop_set), with a
 *	user reference; once it is, every change goes through it
 * @regs: registrations for peers' endpoints (only with @loop_set)
 */
struct rsm_imc_lkwords {
	u32			count;
	u32			npages;
	struct page		*pages[RSM_IMC_LKW_PAGES];
	struct rsm_loop		*loop;
	struct rsm_mrset	*loop_set;
	struct list_head	regs;
	u32			npids;
	struct rsm_imc_lkpid	pids[RSM_IMC_LKW_PIDS];
};

/* client ids of endpoints (struct rsm_imc_lkcid) */
static DEFINE_XARRAY_ALLOC1(rsm_imc_lkcids);
static u32 rsm_imc_lkcid_next;
/* every registration (struct rsm_imc_lkwreg) */
static LIST_HEAD(rsm_imc_lkwregs);
/*
 * The list and the client ids; held while a registration is made, so an
 * endpoint's end waits for those under way.  Inside a set's lock.
 */
static DEFINE_MUTEX(rsm_imc_lkw_lock);
static atomic64_t rsm_imc_lkw_regs_made;

static u64 *rsm_imc_lkw_word(struct rsm_imc_lkwords *wd, u32 i)
{
	u64 *p = page_address(wd->pages[i / RSM_IMC_LKW_PER_PAGE]);

	return p + i % RSM_IMC_LKW_PER_PAGE;
}

/**
 * rsm_imc_lkw_new - the words of a new set, every lock free
 * @count: its locks
 *
 * Return: the words, or NULL.
 */
struct rsm_imc_lkwords *rsm_imc_lkw_new(u32 count)
{
	struct rsm_imc_lkwords *wd = kzalloc(sizeof(*wd), GFP_KERNEL_ACCOUNT);
	u32 i;

	if (!wd)
		return NULL;
	wd->count = count;
	wd->npages = DIV_ROUND_UP(count, RSM_IMC_LKW_PER_PAGE);
	INIT_LIST_HEAD(&wd->regs);
	for (i = 0; i < wd->npages; i++) {
		wd->pages[i] = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
		if (!wd->pages[i]) {
			rsm_imc_lkw_free(wd);
			return NULL;
		}
	}
	return wd;
}

/**
 * rsm_imc_lkw_free - free a set's words, registered nowhere any more
 * @wd: from rsm_imc_lkw_new(), or NULL
 */
void rsm_imc_lkw_free(struct rsm_imc_lkwords *wd)
{
	u32 i;

	if (!wd)
		return;
	WARN_ON(!list_empty(&wd->regs) || wd->loop_set);
	for (i = 0; i < wd->npages; i++)
		if (wd->pages[i])
			__free_page(wd->pages[i]);
	kfree(wd);
}

/*
 * Compare-and-swap word @i: through the device once one can reach the
 * word, else by the CPU.  Under the set's lock.  Return: 0 or -errno.
 */
static int rsm_imc_lkw_cas(struct rsm_imc_lkwords *wd, u32 i, u64 cmp,
			   u64 swap, u64 *old)
{
	u64 *w = rsm_imc_lkw_word(wd, i);

	if (wd->loop_set)
		return rsm_loop_cas(wd->loop, (u64)i * sizeof(u64),
				    rsm_mrset_key(wd->loop_set, 0), cmp, swap,
				    old);
	*old = READ_ONCE(*w);
	if (*old == cmp)
		WRITE_ONCE(*w, swap);
	return 0;
}

static bool rsm_imc_lkw_is_tag(u64 v)
{
	return v && !(v & RSM_IMC_LKW_HOME);
}

static u32 rsm_imc_lkw_pid(struct rsm_imc_lkwords *wd, u32 node, u32 owner)
{
	u32 i;

	for (i = 0; i < wd->npids; i++)
		if (wd->pids[i].node == node && wd->pids[i].owner == owner)
			return wd->pids[i].pid;
	return 0;
}

/* The owner tag @v stands for, into @r (its owner 0 if nobody known). */
static void rsm_imc_lkw_owner(struct rsm_imc_lkwords *wd, u64 v,
			      struct rsm_imc_lkreq *r)
{
	u32 cid = v >> 32;
	struct rsm_imc_lkcid *c;

	memset(r, 0, sizeof(*r));
	if (cid == RSM_IMC_LKW_CID_HERE) {
		r->node = READ_ONCE(rsm_cluster.local_nodeid);
	} else {
		xa_lock(&rsm_imc_lkcids);
		c = xa_load(&rsm_imc_lkcids, cid);
		if (c) {
			r->node = c->node;
			r->ep_id = c->ep_id;
			r->boot = c->boot;
		}
		xa_unlock(&rsm_imc_lkcids);
		if (!c) {
			/* its endpoint's end closed its words: not so */
			rsm_warn_rl("imc: a lock word of an unknown client\n");
			return;
		}
	}
	r->owner = (u32)v;
	r->pid = rsm_imc_lkw_pid(wd, r->node, r->owner);
}

/**
 * rsm_imc_lkw_close - the home takes a lock's word into its record
 * @lk: the set, locked
 * @i: the lock
 *
 * A lock its word held goes to @lk->w[@i]; from now on only the home's
 * operations change it, until rsm_imc_lkw_open().
 *
 * Return: 0, or -errno when the word cannot be changed (the loopback
 * failed, or hosts kept changing it).
 */
int rsm_imc_lkw_close(struct rsm_imc_lkhome *lk, u32 i)
{
	struct rsm_imc_lkwords *wd = lk->wd;
	u64 v, old;
	int tries, ret;

	lockdep_assert_held(&lk->lock);
	for (tries = 0; tries < RSM_IMC_LKW_TRIES; tries++) {
		v = READ_ONCE(*rsm_imc_lkw_word(wd, i));
		if (v == RSM_IMC_LKW_HOME)
			return 0;
		ret = rsm_imc_lkw_cas(wd, i, v, RSM_IMC_LKW_HOME, &old);
		if (ret)
			return ret;
		if (old != v)
			continue;	/* a host took or gave it back meanwhile */
		if (v)
			rsm_imc_lkw_owner(wd, v, &lk->w[i].r);
		return 0;
	}
	return -EBUSY;
}

/**
 * rsm_imc_lkw_open - hosts may take a lock by its word again, if it is
 * free and nobody waits
 * @lk: the set, locked
 * @i: the lock
 */
void rsm_imc_lkw_open(struct rsm_imc_lkhome *lk, u32 i)
{
	struct rsm_imc_lkwords *wd = lk->wd;
	u64 old;

	lockdep_assert_held(&lk->lock);
	if (lk->gone || lk->w[i].r.owner || !list_empty(&lk->w[i].waiters) ||
	    READ_ONCE(*rsm_imc_lkw_word(wd, i)) != RSM_IMC_LKW_HOME)
		return;
	/* only the home moves a word from HOME: this cannot miss */
	rsm_imc_lkw_cas(wd, i, RSM_IMC_LKW_HOME, 0, &old);
}

/**
 * rsm_imc_lkw_close_owner - close the words an owner's tags hold
 * @lk: the set, locked
 * @node: the owner's host
 * @owner: its lock owner id
 *
 * Return: 0 or -errno, as rsm_imc_lkw_close().
 */
int rsm_imc_lkw_close_owner(struct rsm_imc_lkhome *lk, u32 node, u32 owner)
{
	struct rsm_imc_lkreq r;
	u32 i;
	u64 v;
	int ret;

	for (i = 0; i < lk->count; i++) {
		v = READ_ONCE(*rsm_imc_lkw_word(lk->wd, i));
		if (!rsm_imc_lkw_is_tag(v) || (u32)v != owner)
			continue;
		rsm_imc_lkw_owner(lk->wd, v, &r);
		if (r.node != node)
			continue;
		ret = rsm_imc_lkw_close(lk, i);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * rsm_imc_lkw_holder - who holds a lock, for imcs -l
 * @lk: the set, locked
 * @i: the lock
 * @r: out: its owner (owner 0: free)
 */
void rsm_imc_lkw_holder(struct rsm_imc_lkhome *lk, u32 i,
			struct rsm_imc_lkreq *r)
{
	u64 v = READ_ONCE(*rsm_imc_lkw_word(lk->wd, i));

	if (rsm_imc_lkw_is_tag(v))
		rsm_imc_lkw_owner(lk->wd, v, r);
	else
		*r = lk->w[i].r;
}

/* Remember the pid of @node's @owner for imcs -l.  Under the set's lock. */
static void rsm_imc_lkw_note_pid(struct rsm_imc_lkwords *wd, u32 node,
				 u32 owner, u32 pid)
{
	u32 i;

	for (i = 0; i < wd->npids; i++)
		if (wd->pids[i].node == node && wd->pids[i].owner == owner)
			break;
	if (i == RSM_IMC_LKW_PIDS)
		i = owner % RSM_IMC_LKW_PIDS;	/* full: one is forgotten */
	else if (i == wd->npids)
		wd->npids++;
	wd->pids[i].node = node;
	wd->pids[i].owner = owner;
	wd->pids[i].pid = pid;
}

/**
 * rsm_imc_lkw_forget - an owner is gone: its pid too
 * @lk: the set, locked
 * @node: the owner's host
 * @owner: its lock owner id
 */
void rsm_imc_lkw_forget(struct rsm_imc_lkhome *lk, u32 node, u32 owner)
{
	struct rsm_imc_lkwords *wd = lk->wd;
	u32 i;

	for (i = 0; i < wd->npids; i++)
		if (wd->pids[i].node == node && wd->pids[i].owner == owner) {
			wd->pids[i] = wd->pids[--wd->npids];
			return;
		}
}

/* Register the words in @loop's domain, if not yet.  Under the set's lock. */
static int rsm_imc_lkw_loop_reg(struct rsm_imc_lkwords *wd,
				struct rsm_loop *loop)
{
	int ret;

	if (wd->loop_set)
		return wd->loop == loop ? 0 : -EXDEV;
	ret = rsm_loop_reg(loop, wd->pages, wd->npages, RSM_IMC_LKW_ACCESS,
			   &wd->loop_set);
	if (ret)
		return ret;
	rsm_loop_hold(loop);
	wd->loop = loop;
	return 0;
}

/* @ep's client id, made if new.  Under rsm_imc_lkw_lock.  0: none. */
static u32 rsm_imc_lkw_cid(struct rsm_ep *ep)
{
	struct rsm_imc_lkcid *c;
	unsigned long id;
	u32 cid;

	lockdep_assert_held(&rsm_imc_lkw_lock);
	xa_for_each(&rsm_imc_lkcids, id, c)
		if (c->ep_id == ep->id)
			return id;
	c = kzalloc(sizeof(*c), GFP_KERNEL_ACCOUNT);
	if (!c)
		return 0;
	c->node = ep->conn->nodeid;
	c->ep_id = ep->id;
	c->boot = ep->peer_boot;
	if (xa_alloc_cyclic(&rsm_imc_lkcids, &cid, c,
			    XA_LIMIT(RSM_IMC_LKW_CID_HERE + 1,
				     RSM_IMC_LKW_CID_MAX),
			    &rsm_imc_lkcid_next, GFP_KERNEL_ACCOUNT) < 0) {
		kfree(c);
		return 0;
	}
	return cid;
}

/*
 * The registration of @lk's words for @ep, made if new.  Under the set's
 * lock, the words in @ep's controller's loopback already.
 */
static struct rsm_imc_lkwreg *rsm_imc_lkw_reg(struct rsm_imc_lkhome *lk,
					      struct rsm_ep *ep)
{
	struct rsm_imc_lkwords *wd = lk->wd;
	struct rsm_imc_lkwreg *reg;
	u32 cshift = rsm_mr_chunk_shift(ep);

	list_for_each_entry(reg, &wd->regs, wd_list)
		if (reg->ep == ep)
			return reg;
	/* one region: the words are addressed from 0 */
	if (!cshift || wd->npages > 1U << (cshift - PAGE_SHIFT))
		return NULL;
	reg = kzalloc(sizeof(*reg), GFP_KERNEL_ACCOUNT);
	if (!reg)
		return NULL;
	mutex_lock(&rsm_imc_lkw_lock);
	/* an endpoint on its way out gets nothing more */
	if (rsm_imc_ep_dead(ep))
		goto fail;
	reg->cid = rsm_imc_lkw_cid(ep);
	if (!reg->cid || rsm_mrset_create(ep, wd->pages, wd->npages, cshift,
					  RSM_IMC_LKW_ACCESS, &reg->set))
		goto fail;
	reg->lk = lk;
	reg->ep = ep;
	list_add_tail(&reg->all, &rsm_imc_lkwregs);
	list_add_tail(&reg->wd_list, &wd->regs);
	atomic64_inc(&rsm_imc_lkw_regs_made);
	mutex_unlock(&rsm_imc_lkw_lock);
	return reg;
fail:
	mutex_unlock(&rsm_imc_lkw_lock);
	kfree(reg);
	return NULL;
}

/**
 * rsm_imc_lkw_keys - the key of a set's words for a peer's endpoint
 * @lk: the set, locked
 * @ep: the endpoint the peer asked on
 * @loop: the loopback of @ep's controller (a user reference), or NULL
 * @owner: the peer's lock owner id that asked
 * @pid: its pid
 * @rep: the answer to fill: cid, rkey, count
 *
 * Return: 0, RSM_IMC_LKR_UNKNOWN or RSM_IMC_LKR_NOWORDS.
 */
u32 rsm_imc_lkw_keys(struct rsm_imc_lkhome *lk, struct rsm_ep *ep,
		     struct rsm_loop *loop, u32 owner, u32 pid,
		     struct rsm_msg_imc_lkkeys_reply *rep)
{
	struct rsm_imc_lkwreg *reg;

	lockdep_assert_held(&lk->lock);
	if (lk->gone)
		return RSM_IMC_LKR_UNKNOWN;
	if (!loop || rsm_loop_ctrl(loop) != ep->ctrl ||
	    rsm_imc_lkw_loop_reg(lk->wd, loop))
		return RSM_IMC_LKR_NOWORDS;
	reg = rsm_imc_lkw_reg(lk, ep);
	if (!reg)
		return RSM_IMC_LKR_NOWORDS;
	rsm_imc_lkw_note_pid(lk->wd, ep->conn->nodeid, owner, pid);
	rep->cid = cpu_to_le32(reg->cid);
	rep->rkey = cpu_to_le32(rsm_mrset_key(reg->set, 0));
	rep->count = cpu_to_le32(lk->count);
	return 0;
}

/**
 * rsm_imc_lkkeys_serve - a peer's RSM_MSG_IMC_LKKEYS: the key of a set's
 * words for its endpoint, if its device and ours have atomics
 * @ep: the endpoint it came on
 * @msg: the request, checked
 */
void rsm_imc_lkkeys_serve(struct rsm_ep *ep, const void *msg)
{
	const struct rsm_msg_imc_lkkeys *m = msg;
	struct rsm_msg_imc_lkkeys_reply rep = {
		.hdr.type = cpu_to_le16(RSM_MSG_IMC_LKKEYS_REPLY),
		.hdr.len = cpu_to_le32(sizeof(rep)),
		.xid = m->xid,
	};
	struct rsm_imc_lkhome *lk = rsm_imc_lkhome_get(le32_to_cpu(m->key));
	struct rsm_loop *loop;
	u32 st = RSM_IMC_LKR_UNKNOWN;

	if (lk) {
		/* made outside any lock: it calls into the RDMA CM */
		loop = rsm_loop_get(ep->ctrl, (struct sockaddr *)
				    &ep->cm_id->route.addr.src_addr);
		mutex_lock(&lk->lock);
		st = rsm_imc_lkw_keys(lk, ep, loop, le32_to_cpu(m->owner),
				      le32_to_cpu(m->pid), &rep);
		mutex_unlock(&lk->lock);
		if (loop)
			rsm_loop_put(loop);
		rsm_imc_lkhome_put(lk);
	}
	if (st) {
		rep.cid = 0;
		rep.rkey = 0;
		rep.count = 0;
	}
	rep.status = cpu_to_le32(st);
	if (rsm_msg_send_wait(ep, &rep, sizeof(rep)))
		rsm_conn_fail(ep, "cannot answer for lock words");
}

/**
 * rsm_imc_lkw_local_op - take or give back a lock by its word, for a
 * process of this host, the set's home
 * @key: the lock set
 * @owner: the process's lock owner id
 * @pid: its pid
 * @index: the lock, below the set's count
 * @take: take it (compare 0, swap the tag), or give it back (the reverse)
 *
 * Through the loopback, under the set's lock, so its registration holds.
 *
 * Return: 0 (done), RSM_IMC_LKR_PRIOR (take: the owner's tag is there
 * already), or -EAGAIN: ask the home (no loopback, or the word says
 * something else).
 */
int rsm_imc_lkw_local_op(u32 key, u32 owner, u32 pid, u32 index, bool take)
{
	struct rsm_imc_lkhome *lk = rsm_imc_lkhome_get(key);
	u64 tag = RSM_IMC_LKW_TAG(RSM_IMC_LKW_CID_HERE, owner), old;
	struct rsm_loop *loop = NULL;
	int ret = -EAGAIN;

	if (!lk)
		return -EAGAIN;
	mutex_lock(&lk->lock);
	if (!lk->wd->loop_set && take && !lk->gone) {
		/* the first loopback made for a peer serves here too */
		loop = rsm_loop_get_any();
		if (loop)
			rsm_imc_lkw_loop_reg(lk->wd, loop);
	}
	if (lk->wd->loop_set && !lk->gone && index < lk->count &&
	    !rsm_imc_lkw_cas(lk->wd, index, take ? 0 : tag, take ? tag : 0,
			     &old)) {
		if (old == (take ? 0 : tag))
			ret = 0;
		else if (take && old == tag)
			ret = RSM_IMC_LKR_PRIOR;
		if (!ret && take)
			rsm_imc_lkw_note_pid(lk->wd,
					     READ_ONCE(rsm_cluster.local_nodeid),
					     owner, pid);
	}
	mutex_unlock(&lk->lock);
	if (loop)
		rsm_loop_put(loop);
	rsm_imc_lkhome_put(lk);
	return ret;
}

/* Drop registration @reg, taken off rsm_imc_lkwregs.  Under the set's lock. */
static void rsm_imc_lkw_unreg(struct rsm_imc_lkwreg *reg)
{
	list_del(&reg->wd_list);
	rsm_mrset_destroy(reg->set);
	kfree(reg);
}

/**
 * rsm_imc_lkw_gone - a set left the registry: its words are registered
 * nowhere any more
 * @lk: the set, locked, marked gone
 */
void rsm_imc_lkw_gone(struct rsm_imc_lkhome *lk)
{
	struct rsm_imc_lkwords *wd = lk->wd;
	struct rsm_imc_lkwreg *reg, *tmp;

	lockdep_assert_held(&lk->lock);
	mutex_lock(&rsm_imc_lkw_lock);
	list_for_each_entry_safe(reg, tmp, &wd->regs, wd_list) {
		/* one an endpoint's end took is its to drop */
		if (list_empty(&reg->all))
			continue;
		list_del_init(&reg->all);
		rsm_imc_lkw_unreg(reg);
	}
	mutex_unlock(&rsm_imc_lkw_lock);
}

/**
 * rsm_imc_lkw_put_loop - the words leave their loopback (the set is
 * freed, or the loopback goes): the CPU changes them again, as no device
 * reaches them any more
 * @lk: the set, locked
 * @lp: only if the words are in this loopback; NULL: any
 */
void rsm_imc_lkw_put_loop(struct rsm_imc_lkhome *lk, struct rsm_loop *lp)
{
	struct rsm_imc_lkwords *wd = lk->wd;

	lockdep_assert_held(&lk->lock);
	if (!wd->loop_set || (lp && wd->loop != lp))
		return;
	WARN_ON(!list_empty(&wd->regs));
	rsm_mrset_destroy(wd->loop_set);
	wd->loop_set = NULL;
	rsm_loop_put(wd->loop);
	wd->loop = NULL;
}

/**
 * rsm_imc_lkw_ep_gone - an endpoint ends (its QP is gone): the locks its
 * tags hold pass to the homes' records, its registrations go
 * @ep: the endpoint
 *
 * Before rsm_imc_lkhome_ep_gone(), which gives those locks the grace.
 */
void rsm_imc_lkw_ep_gone(struct rsm_ep *ep)
{
	struct rsm_imc_lkwreg *reg, *tmp;
	struct rsm_imc_lkcid *c;
	LIST_HEAD(mine);
	unsigned long id;
	u32 cid = 0, i;
	u64 v;

	mutex_lock(&rsm_imc_lkw_lock);
	list_for_each_entry_safe(reg, tmp, &rsm_imc_lkwregs, all) {
		if (reg->ep != ep)
			continue;
		list_move_tail(&reg->all, &mine);
		kref_get(&reg->lk->ref);
	}
	xa_for_each(&rsm_imc_lkcids, id, c)
		if (c->ep_id == ep->id)
			cid = id;
	mutex_unlock(&rsm_imc_lkw_lock);

	list_for_each_entry_safe(reg, tmp, &mine, all) {
		struct rsm_imc_lkhome *lk = reg->lk;

		list_del_init(&reg->all);
		mutex_lock(&lk->lock);
		for (i = 0; i < lk->count && !lk->gone; i++) {
			v = READ_ONCE(*rsm_imc_lkw_word(lk->wd, i));
			if (rsm_imc_lkw_is_tag(v) && v >> 32 == reg->cid &&
			    rsm_imc_lkw_close(lk, i))
				rsm_warn_rl("imc: lock %u of set %u: its word is lost\n",
					    i, lk->key);
		}
		rsm_imc_lkw_unreg(reg);
		mutex_unlock(&lk->lock);
		rsm_imc_lkhome_put(lk);
	}
	if (!cid)
		return;
	mutex_lock(&rsm_imc_lkw_lock);
	kfree(xa_erase(&rsm_imc_lkcids, cid));
	mutex_unlock(&rsm_imc_lkw_lock);
}

/**
 * rsm_imc_lkw_regs - registrations of lock words made, for the status
 *
 * Return: how many were made since the module loaded.
 */
u64 rsm_imc_lkw_regs(void)
{
	return atomic64_read(&rsm_imc_lkw_regs_made);
}
