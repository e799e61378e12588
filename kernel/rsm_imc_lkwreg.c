// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsm: the registrations of a lock set's words at its home, one per peer
 * endpoint that asked (RSM_MSG_IMC_LKKEYS), and the client ids their tags
 * carry (rsm_imc_lkword.c has the words).
 *
 * A registration ends with its endpoint: the locks the endpoint's tags
 * hold pass to the home's record first, where the grace of
 * rsm_imc_lkhome.c applies.  When the set ends first, its registrations
 * outlive it, holding the pages, until every peer they were made for has
 * forgotten the key (RSM_MSG_IMC_LKDOWN, answered after its
 * compare-and-swaps in flight completed) or its endpoint is gone: a
 * compare-and-swap never meets a registration that was dropped, which
 * would reset the node pair's connection.
 */
#include <linux/slab.h>
#include <linux/xarray.h>

#include "rsm_imc_reg.h"
#include "rsm_imc_lock.h"

/* What the tags of a client id stand for: a peer's endpoint. */
struct rsm_imc_lkcid {
	u32	node;
	u64	ep_id;
	u64	boot;
};

/*
 * A set's words registered for one endpoint: on @lk's regs while the set
 * lives (under its lock), then an orphan holding the pages itself; on
 * rsm_imc_lkwregs or rsm_imc_lkw_orphans until its endpoint's end (or the
 * peer's answer to LKDOWN) takes it, under rsm_imc_lkw_lock.
 */
struct rsm_imc_lkwreg {
	struct list_head	wd_list;
	struct list_head	all;
	struct rsm_imc_lkhome	*lk;
	struct rsm_ep		*ep;
	u32			cid;
	u32			key;
	bool			taken;	/* by its endpoint's end */
	bool			busy;	/* the orphan work asks the peer */
	u64			pass;	/* the orphan work's last look */
	u32			npages;
	struct page		*pages[RSM_IMC_LKW_PAGES];
	struct rsm_mrset	*set;
};

/* client ids of endpoints (struct rsm_imc_lkcid) */
static DEFINE_XARRAY_ALLOC1(rsm_imc_lkcids);
static u32 rsm_imc_lkcid_next;
static LIST_HEAD(rsm_imc_lkwregs);
static LIST_HEAD(rsm_imc_lkw_orphans);
static u64 rsm_imc_lkw_pass;
/* the lists, the client ids, @taken, @busy; inside a set's lock */
static DEFINE_MUTEX(rsm_imc_lkw_lock);
static void rsm_imc_lkw_orphan_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(rsm_imc_lkw_orphan_work, rsm_imc_lkw_orphan_fn);

/**
 * rsm_imc_lkw_cid_owner - the host and endpoint a client id stands for
 * @cid: from a tag
 * @r: out: node, ep_id, boot
 *
 * Return: 0, or -ENOENT for an unknown id.
 */
int rsm_imc_lkw_cid_owner(u32 cid, struct rsm_imc_lkreq *r)
{
	struct rsm_imc_lkcid *c;
	int ret = -ENOENT;

	if (cid == RSM_IMC_LKW_CID_HERE) {
		r->node = READ_ONCE(rsm_cluster.local_nodeid);
		return 0;
	}
	xa_lock(&rsm_imc_lkcids);
	c = xa_load(&rsm_imc_lkcids, cid);
	if (c) {
		r->node = c->node;
		r->ep_id = c->ep_id;
		r->boot = c->boot;
		ret = 0;
	}
	xa_unlock(&rsm_imc_lkcids);
	return ret;
}

/* The client id of endpoint @ep_id, or 0.  Under rsm_imc_lkw_lock. */
static u32 rsm_imc_lkw_cid_of(u64 ep_id)
{
	struct rsm_imc_lkcid *c;
	unsigned long id;

	lockdep_assert_held(&rsm_imc_lkw_lock);
	xa_for_each(&rsm_imc_lkcids, id, c)
		if (c->ep_id == ep_id)
			return id;
	return 0;
}

/* @ep's client id, made if new.  Under rsm_imc_lkw_lock.  0: none. */
static u32 rsm_imc_lkw_cid(struct rsm_ep *ep)
{
	struct rsm_imc_lkcid *c;
	u32 cid = rsm_imc_lkw_cid_of(ep->id);

	if (cid)
		return cid;
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

static void rsm_imc_lkw_reg_free(struct rsm_imc_lkwreg *reg)
{
	u32 i;

	rsm_mrset_destroy(reg->set);
	for (i = 0; i < reg->npages; i++)
		put_page(reg->pages[i]);
	kfree(reg);
}

/*
 * A registration of @lk's words for @ep, made with no lock held (it waits
 * for @ep's send queue).  The caller holds a reference on @lk (its pages
 * stay) and a user reference on @ep (its end waits).  NULL: none.
 */
static struct rsm_imc_lkwreg *rsm_imc_lkw_reg_new(struct rsm_imc_lkhome *lk,
						  struct rsm_ep *ep)
{
	struct rsm_imc_lkwords *wd = lk->wd;
	u32 cshift = rsm_mr_chunk_shift(ep), i;
	struct rsm_imc_lkwreg *reg;

	/* one region: the words are addressed from 0 */
	if (!cshift || wd->npages > 1U << (cshift - PAGE_SHIFT))
		return NULL;
	reg = kzalloc(sizeof(*reg), GFP_KERNEL_ACCOUNT);
	if (!reg)
		return NULL;
	INIT_LIST_HEAD(&reg->wd_list);
	INIT_LIST_HEAD(&reg->all);
	reg->ep = ep;
	reg->key = lk->key;
	reg->npages = wd->npages;
	for (i = 0; i < wd->npages; i++) {
		get_page(wd->pages[i]);
		reg->pages[i] = wd->pages[i];
	}
	mutex_lock(&rsm_imc_lkw_lock);
	reg->cid = rsm_imc_lkw_cid(ep);
	mutex_unlock(&rsm_imc_lkw_lock);
	if (!reg->cid || rsm_mrset_create(ep, reg->pages, reg->npages, cshift,
					  RSM_IMC_LKW_ACCESS, &reg->set)) {
		reg->set = NULL;
		rsm_imc_lkw_reg_free(reg);
		return NULL;
	}
	return reg;
}

/* @lk's registration for @ep, if any.  Under @lk's lock. */
static struct rsm_imc_lkwreg *rsm_imc_lkw_reg_find(struct rsm_imc_lkhome *lk,
						   struct rsm_ep *ep)
{
	struct rsm_imc_lkwreg *reg;

	list_for_each_entry(reg, &lk->wd->regs, wd_list)
		if (reg->ep == ep)
			return reg;
	return NULL;
}

/*
 * Under @lk's lock: whether its words can be registered for @ep at all
 * (in @loop, the loopback of @ep's controller); their registration for
 * @ep into *@found if there is one.  Return: 0 or RSM_IMC_LKR_*.
 */
static u32 rsm_imc_lkw_usable(struct rsm_imc_lkhome *lk, struct rsm_ep *ep,
			      struct rsm_loop *loop,
			      struct rsm_imc_lkwreg **found)
{
	lockdep_assert_held(&lk->lock);
	if (lk->gone)
		return RSM_IMC_LKR_UNKNOWN;
	/* all atomics on a set through one device: the loopback's */
	if (!loop || rsm_loop_ctrl(loop) != ep->ctrl ||
	    rsm_imc_lkw_loop_reg(lk, loop))
		return RSM_IMC_LKR_NOWORDS;
	*found = rsm_imc_lkw_reg_find(lk, ep);
	return 0;
}

/* The words' key for @ep, made if need be.  Return: 0 or RSM_IMC_LKR_*. */
static u32 rsm_imc_lkw_keys(struct rsm_imc_lkhome *lk, struct rsm_ep *ep,
			    u32 owner, u32 pid,
			    struct rsm_msg_imc_lkkeys_reply *rep)
{
	/* made with no lock held: it calls into the RDMA CM */
	struct rsm_loop *loop = rsm_loop_get(ep->ctrl, (struct sockaddr *)
					     &ep->src_addr);
	struct rsm_imc_lkwreg *reg = NULL, *made = NULL;
	u32 st;

	mutex_lock(&lk->lock);
	st = rsm_imc_lkw_usable(lk, ep, loop, &reg);
	mutex_unlock(&lk->lock);
	if (!st && !reg) {
		made = rsm_imc_lkw_reg_new(lk, ep);
		if (!made)
			st = RSM_IMC_LKR_NOWORDS;
	}
	mutex_lock(&lk->lock);
	if (!st)
		st = rsm_imc_lkw_usable(lk, ep, loop, &reg);
	if (!st && !reg && made) {
		mutex_lock(&rsm_imc_lkw_lock);
		made->lk = lk;
		list_add_tail(&made->all, &rsm_imc_lkwregs);
		list_add_tail(&made->wd_list, &lk->wd->regs);
		mutex_unlock(&rsm_imc_lkw_lock);
		reg = made;
		made = NULL;
	}
	if (!st && !reg)
		st = RSM_IMC_LKR_NOWORDS;
	if (!st) {
		rsm_imc_lkw_note_pid(lk, ep->conn->nodeid, owner, pid);
		rep->cid = cpu_to_le32(reg->cid);
		rep->rkey = cpu_to_le32(rsm_mrset_key(reg->set, 0));
		rep->count = cpu_to_le32(lk->count);
	}
	mutex_unlock(&lk->lock);
	/* nobody was told its key */
	if (made)
		rsm_imc_lkw_reg_free(made);
	if (loop)
		rsm_loop_put(loop);
	return st;
}

/**
 * rsm_imc_lkkeys_serve - a peer's RSM_MSG_IMC_LKKEYS: the key of a set's
 * words for its endpoint, if its device and ours have atomics
 * @ep: the endpoint it came on (a user reference held)
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
	u32 st = RSM_IMC_LKR_UNKNOWN;

	if (lk) {
		st = rsm_imc_lkw_keys(lk, ep, le32_to_cpu(m->owner),
				      le32_to_cpu(m->pid), &rep);
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
 * rsm_imc_lkw_gone - a set left the registry: its registrations outlive
 * it until their peers forgot the key
 * @lk: the set, locked, marked gone
 */
void rsm_imc_lkw_gone(struct rsm_imc_lkhome *lk)
{
	struct rsm_imc_lkwreg *reg, *tmp;
	bool any = false;

	lockdep_assert_held(&lk->lock);
	mutex_lock(&rsm_imc_lkw_lock);
	list_for_each_entry_safe(reg, tmp, &lk->wd->regs, wd_list) {
		/* one its endpoint's end took is that end's to drop */
		if (reg->taken)
			continue;
		list_del_init(&reg->wd_list);
		reg->lk = NULL;
		list_move_tail(&reg->all, &rsm_imc_lkw_orphans);
		any = true;
	}
	mutex_unlock(&rsm_imc_lkw_lock);
	if (any)
		mod_delayed_work(rsm_wq, &rsm_imc_lkw_orphan_work, 0);
}

/*
 * The next orphan the work has not looked at in pass @pass, with a user
 * reference on its endpoint in *@ep (busy), or NULL when none is left.
 */
static struct rsm_imc_lkwreg *rsm_imc_lkw_next_orphan(u64 pass,
						      struct rsm_ep **ep)
{
	struct rsm_imc_lkwreg *reg;

	lockdep_assert_held(&rsm_imc_lkw_lock);
	list_for_each_entry(reg, &rsm_imc_lkw_orphans, all) {
		if (reg->pass == pass)
			continue;
		reg->pass = pass;
		/* a dying endpoint's end drops it */
		*ep = rsm_ep_get_active(reg->ep->conn, reg->ep->id);
		if (!*ep)
			continue;
		reg->busy = true;
		return reg;
	}
	return NULL;
}

/* Ask the peer of each orphan to forget its key, then drop it. */
static void rsm_imc_lkw_orphan_fn(struct work_struct *work)
{
	struct rsm_msg_imc_lkdown m = {
		.hdr.type = cpu_to_le16(RSM_MSG_IMC_LKDOWN),
		.hdr.len = cpu_to_le32(sizeof(m)),
	};
	struct rsm_imc_lkwreg *reg;
	struct rsm_rpc *rpc;
	struct rsm_ep *ep;
	bool again = false;
	u64 pass;
	int ret;

	mutex_lock(&rsm_imc_lkw_lock);
	pass = ++rsm_imc_lkw_pass;
	while ((reg = rsm_imc_lkw_next_orphan(pass, &ep))) {
		mutex_unlock(&rsm_imc_lkw_lock);
		m.key = cpu_to_le32(reg->key);
		ret = rsm_imc_call(ep, &m, sizeof(m), RSM_IMC_LK_MS,
				   "lock words not forgotten", NULL, 0, 0,
				   &rpc);
		if (!ret)
			kfree(rpc);
		mutex_lock(&rsm_imc_lkw_lock);
		reg->busy = false;
		if (!ret)
			list_del_init(&reg->all);
		/* unanswered: the connection was failed, and its end drops it */
		again |= ret && ret != -ETIMEDOUT;
		rsm_ep_put_user(ep);
		if (!ret) {
			mutex_unlock(&rsm_imc_lkw_lock);
			rsm_imc_lkw_reg_free(reg);
			mutex_lock(&rsm_imc_lkw_lock);
		}
	}
	mutex_unlock(&rsm_imc_lkw_lock);
	if (again)
		queue_delayed_work(rsm_wq, &rsm_imc_lkw_orphan_work, HZ);
}

/* Drop @reg, taken by its endpoint's end: its tags pass to the record. */
static void rsm_imc_lkw_reg_end(struct rsm_imc_lkwreg *reg)
{
	struct rsm_imc_lkhome *lk = reg->lk;

	if (lk) {
		mutex_lock(&lk->lock);
		list_del_init(&reg->wd_list);
		rsm_imc_lkw_close_cid(lk, reg->cid);
		mutex_unlock(&lk->lock);
		rsm_imc_lkhome_put(lk);
	}
	rsm_imc_lkw_reg_free(reg);
}

/**
 * rsm_imc_lkw_ep_gone - an endpoint ends (no QP, no user left): the locks
 * its tags hold pass to the homes' records, its registrations go
 * @ep: the endpoint
 *
 * Before rsm_imc_lkhome_ep_gone(), which gives those locks the grace.
 */
void rsm_imc_lkw_ep_gone(struct rsm_ep *ep)
{
	struct rsm_imc_lkwreg *reg, *tmp;
	struct rsm_imc_lkcid *c = NULL;
	LIST_HEAD(mine);
	unsigned long id;

	mutex_lock(&rsm_imc_lkw_lock);
	list_for_each_entry_safe(reg, tmp, &rsm_imc_lkwregs, all)
		if (reg->ep == ep) {
			reg->taken = true;
			kref_get(&reg->lk->ref);
			list_move_tail(&reg->all, &mine);
		}
	/* no orphan of it is busy: that holds a user reference */
	list_for_each_entry_safe(reg, tmp, &rsm_imc_lkw_orphans, all)
		if (reg->ep == ep)
			list_move_tail(&reg->all, &mine);
	mutex_unlock(&rsm_imc_lkw_lock);

	list_for_each_entry_safe(reg, tmp, &mine, all) {
		list_del_init(&reg->all);
		rsm_imc_lkw_reg_end(reg);
	}
	mutex_lock(&rsm_imc_lkw_lock);
	id = rsm_imc_lkw_cid_of(ep->id);
	c = id ? xa_erase(&rsm_imc_lkcids, id) : NULL;
	mutex_unlock(&rsm_imc_lkw_lock);
	kfree(c);
}

/**
 * rsm_imc_lkw_exit - module exit: every endpoint is gone, and with it
 * every registration
 */
void rsm_imc_lkw_exit(void)
{
	cancel_delayed_work_sync(&rsm_imc_lkw_orphan_work);
	WARN_ON(!list_empty(&rsm_imc_lkwregs) ||
		!list_empty(&rsm_imc_lkw_orphans));
	xa_destroy(&rsm_imc_lkcids);
}
