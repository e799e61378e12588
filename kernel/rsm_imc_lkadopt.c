// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsm: a Memory Channel lock set outlives its home host (IMC.md 5.3).
 *
 * A set's locks live at its home; every host keeps a ledger of the locks
 * its own processes hold (their allocations' held bits).  When the home
 * is lost for longer than imc_lock_grace_ms, the coordinator adopts the
 * set, if it reaches a quorum (rsm_imc_lkquorum.c): it makes a record with
 * every word closed, tells every member it is the new home
 * (RSM_MSG_IMC_LKADOPT) and takes the locks their ledgers list as held
 * there; the dead home's own holders are gone, so their locks are free.
 * Until every member has answered, and no other member lost lately may
 * still come back with locks (within the grace), taking a lock of the set
 * answers IMC_CORRUPTLOCK, never a grant that another ledger may hold.
 * A release or an owner's end that reaches the new home before its ledger
 * leaves a tombstone, so the ledger read before it does not bring the lock
 * back.  A member that comes back after the rebuild is told the new home
 * too, and that its locks are gone (it was away for longer than the grace).
 *
 * A member obeys the node it sees as the coordinator, or the one its
 * registry names as the set's home already, and only while it does not
 * reach the old home itself.  The old home, back and deposed, hands the
 * set over: so the cluster agrees on one home again.
 */
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "rsm_imc_reg.h"
#include "rsm_imc_lock.h"

#define RSM_IMC_LKA_AGAIN_MS	1000	/* look again while anything waits */
#define RSM_IMC_LKA_PAGES	64	/* answers one host may take */
#define RSM_IMC_LKA_TOMBS	64	/* releases a rebuild remembers */
#define RSM_IMC_LKA_ALL		U32_MAX	/* a tombstone's index: every lock */

/* A release (or, index RSM_IMC_LKA_ALL, an end) seen while rebuilding. */
struct rsm_imc_lktomb {
	u32	node;
	u32	owner;
	u32	index;
};

/*
 * struct rsm_imc_lkadopt - what a set adopted here remembers, under the
 * set's lock
 * @old_home: the home it had
 * @told: the members that answered (they send here from now on)
 * @ntombs: entries in @tombs; beyond RSM_IMC_LKA_TOMBS, no more are kept
 */
struct rsm_imc_lkadopt {
	u32			old_home;
	DECLARE_BITMAP(told, RSM_WIRE_NODES);
	u32			ntombs;
	struct rsm_imc_lktomb	tombs[RSM_IMC_LKA_TOMBS];
};

static void rsm_imc_lka_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(rsm_imc_lka_work, rsm_imc_lka_fn);

/**
 * rsm_imc_lka_look - look for lock sets to adopt or rebuild, now
 */
void rsm_imc_lka_look(void)
{
	mod_delayed_work(rsm_wq, &rsm_imc_lka_work, 0);
}

/**
 * rsm_imc_lka_tomb - an operation of @q's owner reached a set being
 * rebuilt: a release that found the lock not held, or its end
 * @lk: the set, locked
 * @q: the operation
 *
 * A ledger read before it does not give the owner that lock back.
 */
void rsm_imc_lka_tomb(struct rsm_imc_lkhome *lk, const struct rsm_imc_lkreq *q)
{
	struct rsm_imc_lkadopt *ad = lk->ad;
	struct rsm_imc_lktomb *t;

	lockdep_assert_held(&lk->lock);
	if (!ad || ad->ntombs >= RSM_IMC_LKA_TOMBS)
		return;
	t = &ad->tombs[ad->ntombs++];
	t->node = q->node;
	t->owner = q->owner;
	t->index = q->op == RSM_IMC_LK_DROP ? RSM_IMC_LKA_ALL : q->index;
}

static bool rsm_imc_lka_tombed(const struct rsm_imc_lkadopt *ad,
			       const struct rsm_imc_lkreq *c)
{
	u32 i;

	for (i = 0; i < ad->ntombs; i++)
		if (ad->tombs[i].node == c->node &&
		    ad->tombs[i].owner == c->owner &&
		    (ad->tombs[i].index == c->index ||
		     ad->tombs[i].index == RSM_IMC_LKA_ALL))
			return true;
	return false;
}

/* Take one held lock of a ledger into @lk (locked), while rebuilding. */
static void rsm_imc_lka_claim(struct rsm_imc_lkhome *lk,
			      const struct rsm_imc_lkreq *c)
{
	struct rsm_imc_lkword *w;

	if (!lk->rebuilding || c->index >= lk->count || !c->owner ||
	    rsm_imc_lka_tombed(lk->ad, c))
		return;		/* late, another size, or given back */
	w = &lk->w[c->index];
	if (w->r.owner) {
		if (w->r.owner != c->owner || w->r.node != c->node)
			rsm_warn_rl("imc: set %u lock %u claimed by nodes %u and %u\n",
				    lk->key, c->index, w->r.node, c->node);
		return;
	}
	w->r = *c;
	rsm_imc_lkw_note_pid(lk, c->node, c->owner, c->pid);
}

/* Claim the @n held locks of @held into @lk, as @c's host's. */
static void rsm_imc_lka_claim_all(struct rsm_imc_lkhome *lk,
				  struct rsm_imc_lkreq *c,
				  const struct rsm_wire_lkheld *held, u32 n)
{
	u32 i;

	mutex_lock(&lk->lock);
	for (i = 0; i < n; i++) {
		c->owner = le32_to_cpu(held[i].owner);
		c->pid = le32_to_cpu(held[i].pid);
		c->index = le32_to_cpu(held[i].index);
		rsm_imc_lka_claim(lk, c);
	}
	mutex_unlock(&lk->lock);
}

/* This host's own ledger of @lk's set into it.  Return: 0 or -ENOMEM. */
static int rsm_imc_lka_claim_here(struct rsm_imc_lkhome *lk)
{
	struct rsm_msg_imc_lkadopt_reply *rep;
	struct rsm_imc_lkreq c = {
		.node = READ_ONCE(rsm_cluster.local_nodeid),
		.op = RSM_IMC_LK_TRY,
	};
	u64 cursor = 0;

	rep = kmalloc(sizeof(*rep), GFP_KERNEL);
	if (!rep)
		return -ENOMEM;
	do {
		rsm_imc_lk_ledger(lk->key, cursor, rep);
		rsm_imc_lka_claim_all(lk, &c, rep->held,
				      le32_to_cpu(rep->n));
		cursor = le64_to_cpu(rep->next);
	} while (cursor);
	kfree(rep);
	return 0;
}

/* Check one answer of a ledger.  Return: its next, or -errno. */
static s64 rsm_imc_lka_page(const struct rsm_msg_imc_lkadopt_reply *rep,
			    u64 from)
{
	u64 next = le64_to_cpu(rep->next), cursor = from, at;
	u32 i, n = le32_to_cpu(rep->n);

	if (rep->status)
		return -EAGAIN;
	/* in order, from the cursor on, and the next one past them all */
	if (next > S64_MAX || (next && next <= from))
		return -EPROTO;
	for (i = 0; i < n; i++) {
		at = RSM_IMC_LKA_CURSOR(le32_to_cpu(rep->held[i].owner),
					le32_to_cpu(rep->held[i].index));
		if (at < cursor || (next && at >= next))
			return -EPROTO;
		cursor = at + 1;
	}
	return next;
}

/*
 * Ask @ep's host for its ledger of @lk's set (@late: only tell it the new
 * home; its locks are gone).  Return: 0 or -errno.
 */
static int rsm_imc_lka_ask(struct rsm_imc_lkhome *lk, struct rsm_ep *ep,
			   bool late)
{
	struct rsm_msg_imc_lkadopt m = {
		.hdr.type = cpu_to_le16(RSM_MSG_IMC_LKADOPT),
		.hdr.len = cpu_to_le32(sizeof(m)),
		.key = cpu_to_le32(lk->key),
		.flags = cpu_to_le32(late ? RSM_IMC_LKA_LATE : 0),
	};
	struct rsm_imc_lkreq c = {
		.node = ep->conn->nodeid, .ep_id = ep->id,
		.boot = ep->peer_boot, .op = RSM_IMC_LK_TRY,
	};
	const struct rsm_msg_imc_lkadopt_reply *rep;
	struct rsm_rpc *rpc;
	u32 pages = 0;
	s64 next = 0;
	int ret;

	do {
		if (pages++ >= RSM_IMC_LKA_PAGES) {
			rsm_conn_fail(ep, "a lock ledger without end");
			return -EPROTO;
		}
		m.cursor = cpu_to_le64(next);
		ret = rsm_imc_call(ep, &m, sizeof(m), RSM_IMC_LK_MS,
				   "a lock set's adoption not answered", NULL,
				   0, 0, &rpc);
		if (ret)
			return ret;
		rep = (const void *)rpc->reply;
		next = rsm_imc_lka_page(rep, next);
		if (next >= 0)
			rsm_imc_lka_claim_all(lk, &c, rep->held,
					      le32_to_cpu(rep->n));
		kfree(rpc);
		if (next == -EPROTO) {
			atomic64_inc(&rsm_cluster.bad_msgs);
			rsm_conn_fail(ep, "a lock ledger out of order");
		}
	} while (next > 0);
	return next < 0 ? next : 0;
}

/*
 * Tell every member not told yet about @lk's set (@late: after its
 * rebuild).  Return: all are told.
 */
static bool rsm_imc_lka_tell(struct rsm_imc_lkhome *lk, bool late)
{
	u32 nodes[RSM_WIRE_NODES];
	unsigned int n, i;
	struct rsm_ep *ep;
	bool all = true, told;

	n = rsm_imc_member_peers(nodes, ARRAY_SIZE(nodes));
	for (i = 0; i < n; i++) {
		mutex_lock(&lk->lock);
		told = test_bit(nodes[i], lk->ad->told);
		mutex_unlock(&lk->lock);
		if (told)
			continue;
		ep = rsm_cluster_active_ep(nodes[i]);
		if (ep && !rsm_imc_lka_ask(lk, ep, late)) {
			mutex_lock(&lk->lock);
			set_bit(nodes[i], lk->ad->told);
			mutex_unlock(&lk->lock);
		} else {
			all = false;
		}
		if (ep)
			rsm_ep_put_user(ep);
	}
	return all;
}

/*
 * Make this host the home of set @key, whose home @old is lost.  Return:
 * 0, or -errno (not adopted).
 */
static int rsm_imc_lka_take(u32 key, u32 old)
{
	u32 self = READ_ONCE(rsm_cluster.local_nodeid);
	struct rsm_imc_lkhome *lk = NULL;
	struct rsm_imc_areq q = { };
	struct rsm_imc_lkadopt *ad;
	struct rsm_imc_region *r;

	ad = kzalloc(sizeof(*ad), GFP_KERNEL);
	if (!ad)
		return -ENOMEM;
	ad->old_home = old;
	mutex_lock(&rsm_imc_reg_lock);
	r = rsm_imc_find_locked(rsm_imc_rid(key, RSM_IMC_LOCKSET));
	if (r && r->a.home == old && !r->lk) {
		q.a = r->a;
		q.a.flags &= ~RSM_IMC_EXCL;
		lk = rsm_imc_lkhome_new(&q);
	}
	if (lk) {
		/* its words closed before anyone may ask: none is free yet */
		mutex_lock(&lk->lock);
		lk->ad = ad;
		lk->rebuilding = true;
		rsm_imc_lk_close_all(lk, NULL);
		mutex_unlock(&lk->lock);
		r->lk = lk;
		r->a.home = self;
	}
	mutex_unlock(&rsm_imc_reg_lock);
	if (!lk) {
		kfree(ad);
		return -ENOENT;
	}
	rsm_info("imc: lock set %u: its home, node %u, is lost; adopted here\n",
		 key, old);
	/* this host's own requests: here from now on */
	rsm_imc_lk_rehome(key, self, 0, false);
	rsm_imc_lkmsg_rehome(key, self, 0);
	return 0;
}

/* Rebuild a set adopted here, or tell latecomers.  Return: not done. */
static bool rsm_imc_lka_rebuild(u32 key)
{
	struct rsm_imc_lkhome *lk = rsm_imc_lkhome_get(key);
	bool done = true, rebuilding, here;
	u32 i, held = 0, old;

	if (!lk)
		return false;
	mutex_lock(&lk->lock);
	rebuilding = lk->rebuilding && !lk->gone;
	here = lk->ad && !lk->gone;
	old = lk->ad ? lk->ad->old_home : 0;
	mutex_unlock(&lk->lock);
	if (rebuilding) {
		done = !rsm_imc_lka_claim_here(lk) &&
		       rsm_imc_lka_tell(lk, false) &&
		       !rsm_imc_lost_recently(old, rsm_imc_lock_grace());
	} else if (here) {
		done = rsm_imc_lka_tell(lk, true);
	}
	if (rebuilding && done) {
		mutex_lock(&lk->lock);
		lk->rebuilding = false;
		for (i = 0; i < lk->count; i++)
			held += !!lk->w[i].r.owner;
		rsm_imc_lk_open_all(lk, NULL);
		mutex_unlock(&lk->lock);
		rsm_info("imc: lock set %u rebuilt here: %u locks held\n",
			 key, held);
	}
	rsm_imc_lkhome_put(lk);
	return !done;
}

/*
 * Adopt what needs a home (as the coordinator, with a quorum), rebuild
 * what was adopted.  Return: look again.
 */
static bool rsm_imc_lka_adopt_all(void)
{
	u32 self = READ_ONCE(rsm_cluster.local_nodeid), n, i;
	unsigned long grace = rsm_imc_lock_grace();
	u32 *keys, *homes;
	bool again = false, adopt;

	keys = kmalloc_array(2 * RSM_IMC_MAX_LOCKSETS_ALL, sizeof(u32),
			     GFP_KERNEL);
	if (!keys)
		return true;
	homes = keys + RSM_IMC_MAX_LOCKSETS_ALL;
	n = rsm_imc_lockset_homes(keys, homes, RSM_IMC_MAX_LOCKSETS_ALL);
	for (i = 0; i < n; i++) {
		if (homes[i] == self) {
			again |= rsm_imc_lka_rebuild(keys[i]);
			continue;
		}
		if (!rsm_imc_lost_for(homes[i], 0))
			continue;	/* reachable, or never a member here */
		/* its holders' grace first; asked again each time */
		adopt = rsm_imc_lka_quorum_ok() &&
			rsm_imc_coordinator() == RSM_IMC_SELF;
		if (!adopt || !rsm_imc_lost_for(homes[i], grace)) {
			again = true;
			continue;
		}
		if (!rsm_imc_lka_take(keys[i], homes[i]))
			again |= rsm_imc_lka_rebuild(keys[i]);
	}
	kfree(keys);
	return again;
}

static void rsm_imc_lka_fn(struct work_struct *work)
{
	if (rsm_imc_lka_adopt_all())
		queue_delayed_work(rsm_wq, &rsm_imc_lka_work,
				   msecs_to_jiffies(RSM_IMC_LKA_AGAIN_MS));
}

/*
 * This host, the home of set @key, was deposed (rsm_imc_lkquorum.c): @from
 * adopted the set meanwhile and is its home from now on; this host's
 * record goes.  Return: whether it was deposed.
 */
static bool rsm_imc_lka_hand_over(u32 key, u32 from)
{
	struct rsm_imc_lkhome *lk = NULL;
	struct rsm_imc_region *r;
	bool deposed = false;

	mutex_lock(&rsm_imc_reg_lock);
	r = rsm_imc_find_locked(rsm_imc_rid(key, RSM_IMC_LOCKSET));
	if (r && r->lk) {
		mutex_lock(&r->lk->lock);
		deposed = r->lk->deposed;
		mutex_unlock(&r->lk->lock);
	}
	if (deposed) {
		lk = r->lk;
		r->lk = NULL;
		r->a.home = from;
	}
	mutex_unlock(&rsm_imc_reg_lock);
	if (lk) {
		rsm_info("imc: lock set %u: node %u adopted it; its home is there now\n",
			 key, from);
		rsm_imc_lkhome_gone(lk);
	}
	return deposed;
}

/*
 * Whether @from may be the new home of set @key here: it is already; or
 * it is the coordinator and the home this host knows is neither this host
 * nor reachable; or this host is that home, deposed.  If so, this host's
 * registry says so from now on.  Return: 1 (it may), 0 (it may not) or
 * -ENOENT (no such set here).
 */
static int rsm_imc_lka_obey(u32 key, u32 from)
{
	u32 self = READ_ONCE(rsm_cluster.local_nodeid), old;
	struct rsm_imc_region *r;
	struct rsm_ep *ep;
	bool ok;

	mutex_lock(&rsm_imc_reg_lock);
	r = rsm_imc_find_locked(rsm_imc_rid(key, RSM_IMC_LOCKSET));
	old = r ? r->a.home : self;
	mutex_unlock(&rsm_imc_reg_lock);
	if (!r)
		return -ENOENT;
	if (old == from)
		return 1;
	if (old == self)
		return rsm_imc_lka_hand_over(key, from);
	if (rsm_imc_coordinator() != from)
		return 0;
	ep = rsm_cluster_active_ep(old);
	if (ep) {
		rsm_ep_put_user(ep);
		return 0;
	}
	mutex_lock(&rsm_imc_reg_lock);
	r = rsm_imc_find_locked(rsm_imc_rid(key, RSM_IMC_LOCKSET));
	ok = r && r->a.home == old;
	if (ok)
		r->a.home = from;
	mutex_unlock(&rsm_imc_reg_lock);
	return ok;
}

/**
 * rsm_imc_lkadopt_serve - RSM_MSG_IMC_LKADOPT: the sender is the new home
 * of a set; answer with the locks this host's processes hold
 * @ep: the endpoint it came on
 * @msg: the request, checked
 */
void rsm_imc_lkadopt_serve(struct rsm_ep *ep, const void *msg)
{
	const struct rsm_msg_imc_lkadopt *m = msg;
	u32 key = le32_to_cpu(m->key), from = ep->conn->nodeid;
	bool late = le32_to_cpu(m->flags) & RSM_IMC_LKA_LATE;
	struct rsm_msg_imc_lkadopt_reply *rep;
	struct rsm_conn *conn = ep->conn;
	bool usable;

	/* only the usable endpoint speaks for the new home */
	mutex_lock(&conn->lock);
	usable = rsm_ep_usable_locked(conn, ep);
	mutex_unlock(&conn->lock);
	if (!usable)
		return;
	rep = kzalloc(sizeof(*rep), GFP_KERNEL);
	if (!rep) {
		rsm_conn_fail(ep, "out of memory for a lock ledger");
		return;
	}
	switch (rsm_imc_lka_obey(key, from)) {
	case 1:
		/* requests go to the new home before the ledger is read */
		rsm_imc_lk_rehome(key, from, ep->peer_boot, late);
		rsm_imc_lkmsg_rehome(key, from, ep->peer_boot);
		if (!late)
			rsm_imc_lk_ledger(key, le64_to_cpu(m->cursor), rep);
		break;
	case 0:
		rep->status = cpu_to_le32(RSM_IMC_LKR_UNKNOWN);
		break;
	default:
		break;	/* no allocation here: nothing held */
	}
	rep->hdr.type = cpu_to_le16(RSM_MSG_IMC_LKADOPT_REPLY);
	rep->hdr.len = cpu_to_le32(sizeof(*rep));
	rep->xid = m->xid;
	if (rsm_msg_send_wait(ep, rep, sizeof(*rep)))
		rsm_conn_fail(ep, "cannot answer LKADOPT");
	kfree(rep);
}

/**
 * rsm_imc_lka_exit - module exit: the work is done
 */
void rsm_imc_lka_exit(void)
{
	cancel_delayed_work_sync(&rsm_imc_lka_work);
}
