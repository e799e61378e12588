// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsm: a Memory Channel lock set outlives its home host (IMC.md 5.3).
 *
 * A set's locks live at its home; every host keeps a ledger of the locks
 * its own processes hold (their allocations' held bits).  When the home
 * is lost for longer than imc_lock_grace_ms, the coordinator adopts the
 * set, if it reaches a quorum of the configured nodes: it makes a record
 * with every word closed, tells every member it is the new home
 * (RSM_MSG_IMC_LKADOPT) and takes the locks their ledgers list as held
 * there; the dead home's own holders are gone, so their locks are free.
 * Until every member has answered, taking a lock of the set answers
 * IMC_CORRUPTLOCK, never a grant that another ledger may still hold.
 *
 * A member obeys only the node it sees as the coordinator, and only while
 * it does not reach the old home itself.  A home that finds itself
 * outside any quorum closes its sets' words and grants nothing until it
 * reaches one again ("fenced"); if that took longer than the grace less a
 * heartbeat timeout, another host may have adopted its sets meanwhile, so
 * it grants nothing from them any more ("deposed"), until deallocated.
 * A quorum is more than half of the configured nodes, or half of them
 * with the lowest node id among them, so two sides of a split never both
 * have one (a split the connections do not see both ways aside).
 */
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "rsm_imc_reg.h"
#include "rsm_imc_lock.h"

#define RSM_IMC_LKA_AGAIN_MS	1000	/* look again while anything waits */
#define RSM_IMC_LKA_PAGES	1024	/* answers one host may take */

static void rsm_imc_lka_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(rsm_imc_lka_work, rsm_imc_lka_fn);

/*
 * This host's standing, written by the work only: @fenced while it sees
 * no quorum, since @fenced_at (jiffies).
 */
static bool rsm_imc_lka_fenced;
static unsigned long rsm_imc_lka_fenced_at;

/**
 * rsm_imc_lka_kick - membership changed: look at quorum and homes now
 */
void rsm_imc_lka_kick(void)
{
	mod_delayed_work(rsm_wq, &rsm_imc_lka_work, 0);
}

/* Whether this host and the members it reaches are a quorum. */
static bool rsm_imc_lka_quorum(void)
{
	u32 self = READ_ONCE(rsm_cluster.local_nodeid), low, i, n;
	DECLARE_BITMAP(conf, RSM_WIRE_NODES);
	u32 nodes[RSM_WIRE_NODES];
	struct rsm_conn *conn;
	unsigned int nconf;
	bool low_in;

	if (self >= RSM_WIRE_NODES)
		return false;
	bitmap_zero(conf, RSM_WIRE_NODES);
	set_bit(self, conf);
	mutex_lock(&rsm_cluster.lock);
	list_for_each_entry(conn, &rsm_cluster.conns, list)
		if (conn->nodeid < RSM_WIRE_NODES)
			set_bit(conn->nodeid, conf);
	mutex_unlock(&rsm_cluster.lock);
	nconf = bitmap_weight(conf, RSM_WIRE_NODES);
	low = find_first_bit(conf, RSM_WIRE_NODES);
	n = rsm_imc_member_peers(nodes, ARRAY_SIZE(nodes));
	low_in = low == self;
	for (i = 0; i < n; i++)
		low_in |= nodes[i] == low;
	n++;	/* this host */
	return 2 * n > nconf || (2 * n == nconf && low_in);
}

/**
 * rsm_imc_lk_shut - whether a set homed here grants nothing now (adopted,
 * its ledgers not all in; this host fenced or deposed)
 * @lk: the set, locked
 *
 * Return: true when its words stay closed and its locks are not taken.
 */
bool rsm_imc_lk_shut(const struct rsm_imc_lkhome *lk)
{
	lockdep_assert_held(&lk->lock);
	return lk->rebuilding || lk->deposed || READ_ONCE(rsm_imc_lka_fenced);
}

/* Close every word of @lk (locked): the record decides all its locks. */
static void rsm_imc_lka_close_all(struct rsm_imc_lkhome *lk, void *arg)
{
	bool depose = arg;
	u32 i;

	if (depose)
		lk->deposed = true;
	for (i = 0; i < lk->count; i++)
		rsm_imc_lkw_close(lk, i);
}

/* Open the words of @lk's free locks again (locked), unless shut. */
static void rsm_imc_lka_open_all(struct rsm_imc_lkhome *lk, void *arg)
{
	u32 i;

	for (i = 0; i < lk->count && !rsm_imc_lk_shut(lk); i++)
		rsm_imc_lkw_open(lk, i);
}

/* Fence this host's sets without a quorum; depose or free them after. */
static void rsm_imc_lka_fence(bool quorum)
{
	unsigned long hb = msecs_to_jiffies(READ_ONCE(rsm_hb_timeout_ms));
	unsigned long grace = rsm_imc_lock_grace();
	unsigned long keep = grace > hb ? grace - hb : 0;

	if (!quorum && !rsm_imc_lka_fenced) {
		rsm_imc_lka_fenced_at = jiffies;
		WRITE_ONCE(rsm_imc_lka_fenced, true);
		if (rsm_imc_lkhome_each(rsm_imc_lka_close_all, NULL))
			rsm_info("imc: no quorum: lock sets homed here grant nothing\n");
	} else if (quorum && rsm_imc_lka_fenced) {
		WRITE_ONCE(rsm_imc_lka_fenced, false);
		if (!time_after(jiffies, rsm_imc_lka_fenced_at + keep)) {
			if (rsm_imc_lkhome_each(rsm_imc_lka_open_all, NULL))
				rsm_info("imc: quorum back: lock sets homed here grant again\n");
		} else if (rsm_imc_lkhome_each(rsm_imc_lka_close_all,
						(void *)1)) {
			rsm_info("imc: quorum back after the grace: lock sets homed here may have been adopted, and grant nothing more\n");
		}
	}
}

/* Take one held lock of a ledger into @lk (locked). */
static void rsm_imc_lka_claim(struct rsm_imc_lkhome *lk,
			      const struct rsm_imc_lkreq *c)
{
	struct rsm_imc_lkword *w;

	if (c->index >= lk->count || !c->owner)
		return;		/* a set of another size: not this one */
	w = &lk->w[c->index];
	if (w->r.owner) {
		if (w->r.owner != c->owner || w->r.node != c->node)
			rsm_warn_rl("imc: lock %u of set %u claimed by nodes %u and %u; the first keeps it\n",
				    c->index, lk->key, w->r.node, c->node);
		return;
	}
	w->r = *c;
	rsm_imc_lkw_note_pid(lk, c->node, c->owner, c->pid);
}

/* This host's own ledger of @lk's set into it. */
static void rsm_imc_lka_claim_here(struct rsm_imc_lkhome *lk)
{
	struct rsm_msg_imc_lkadopt_reply *rep;
	struct rsm_imc_lkreq c = {
		.node = READ_ONCE(rsm_cluster.local_nodeid),
		.op = RSM_IMC_LK_TRY,
	};
	u64 cursor = 0;
	u32 i, n;

	rep = kmalloc(sizeof(*rep), GFP_KERNEL);
	if (!rep)
		return;		/* left for the next look */
	do {
		rsm_imc_lk_ledger(lk->key, cursor, rep);
		n = le32_to_cpu(rep->n);
		mutex_lock(&lk->lock);
		for (i = 0; i < n; i++) {
			c.owner = le32_to_cpu(rep->held[i].owner);
			c.pid = le32_to_cpu(rep->held[i].pid);
			c.index = le32_to_cpu(rep->held[i].index);
			rsm_imc_lka_claim(lk, &c);
		}
		mutex_unlock(&lk->lock);
		cursor = le64_to_cpu(rep->next);
	} while (cursor);
	kfree(rep);
}

/* Take one answer of @ep's host into @lk.  Return: its next, or -errno. */
static s64 rsm_imc_lka_page(struct rsm_imc_lkhome *lk, struct rsm_ep *ep,
			    const struct rsm_msg_imc_lkadopt_reply *rep,
			    u64 from)
{
	struct rsm_imc_lkreq c = {
		.node = ep->conn->nodeid, .ep_id = ep->id,
		.boot = ep->peer_boot, .op = RSM_IMC_LK_TRY,
	};
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
	mutex_lock(&lk->lock);
	for (i = 0; i < n; i++) {
		c.owner = le32_to_cpu(rep->held[i].owner);
		c.pid = le32_to_cpu(rep->held[i].pid);
		c.index = le32_to_cpu(rep->held[i].index);
		rsm_imc_lka_claim(lk, &c);
	}
	mutex_unlock(&lk->lock);
	return next;
}

/* Ask @ep's host for its ledger of @lk's set.  Return: 0 or -errno. */
static int rsm_imc_lka_ask(struct rsm_imc_lkhome *lk, struct rsm_ep *ep)
{
	struct rsm_msg_imc_lkadopt m = {
		.hdr.type = cpu_to_le16(RSM_MSG_IMC_LKADOPT),
		.hdr.len = cpu_to_le32(sizeof(m)),
		.key = cpu_to_le32(lk->key),
	};
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
		next = rsm_imc_lka_page(lk, ep, (const void *)rpc->reply,
					next);
		kfree(rpc);
		if (next == -EPROTO) {
			atomic64_inc(&rsm_cluster.bad_msgs);
			rsm_conn_fail(ep, "a lock ledger out of order");
		}
	} while (next > 0);
	return next < 0 ? next : 0;
}

/* Every member's ledger of @lk's set.  Return: all of them answered. */
static bool rsm_imc_lka_collect(struct rsm_imc_lkhome *lk)
{
	u32 nodes[RSM_WIRE_NODES];
	unsigned int n, i;
	struct rsm_ep *ep;
	bool all = true;

	rsm_imc_lka_claim_here(lk);
	n = rsm_imc_member_peers(nodes, ARRAY_SIZE(nodes));
	for (i = 0; i < n; i++) {
		ep = rsm_cluster_active_ep(nodes[i]);
		if (!ep || rsm_imc_lka_ask(lk, ep))
			all = false;
		if (ep)
			rsm_ep_put_user(ep);
	}
	return all;
}

/*
 * Make this host the home of set @key, whose home @old is lost.  Return:
 * its new record with a reference, or NULL (not adopted).
 */
static struct rsm_imc_lkhome *rsm_imc_lka_take(u32 key, u32 old)
{
	struct rsm_imc_lkhome *lk = NULL;
	struct rsm_imc_areq q = { };
	struct rsm_imc_region *r;

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
		lk->rebuilding = true;
		rsm_imc_lka_close_all(lk, NULL);
		mutex_unlock(&lk->lock);
		r->lk = lk;
		r->a.home = READ_ONCE(rsm_cluster.local_nodeid);
		kref_get(&lk->ref);
	}
	mutex_unlock(&rsm_imc_reg_lock);
	if (!lk)
		return NULL;
	rsm_info("imc: lock set %u: its home, node %u, is lost; adopted here\n",
		 key, old);
	/* this host's own requests: here from now on */
	rsm_imc_lk_rehome(key, READ_ONCE(rsm_cluster.local_nodeid), 0);
	rsm_imc_lkmsg_rehome(key, READ_ONCE(rsm_cluster.local_nodeid), 0);
	return lk;
}

/* Gather the ledgers of a set adopted here.  Return: not done yet. */
static bool rsm_imc_lka_rebuild(u32 key)
{
	struct rsm_imc_lkhome *lk = rsm_imc_lkhome_get(key);
	bool done, rebuilding;
	u32 i, held = 0;

	if (!lk)
		return false;
	mutex_lock(&lk->lock);
	rebuilding = lk->rebuilding && !lk->gone;
	mutex_unlock(&lk->lock);
	done = !rebuilding || rsm_imc_lka_collect(lk);
	if (rebuilding && done) {
		mutex_lock(&lk->lock);
		lk->rebuilding = false;
		for (i = 0; i < lk->count; i++)
			held += !!lk->w[i].r.owner;
		rsm_imc_lka_open_all(lk, NULL);
		mutex_unlock(&lk->lock);
		rsm_info("imc: lock set %u rebuilt here: %u locks held\n",
			 key, held);
	}
	rsm_imc_lkhome_put(lk);
	return !done;
}

/* Adopt what needs a home, rebuild what was adopted.  Return: again. */
static bool rsm_imc_lka_adopt_all(void)
{
	u32 self = READ_ONCE(rsm_cluster.local_nodeid), n, i;
	unsigned long grace = rsm_imc_lock_grace();
	struct rsm_imc_lkhome *lk;
	u32 *keys, *homes;
	bool again = false;

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
		if (!rsm_imc_lost_for(homes[i], grace)) {
			again = true;	/* its holders' grace first */
			continue;
		}
		lk = rsm_imc_lka_take(keys[i], homes[i]);
		if (lk) {
			rsm_imc_lkhome_put(lk);
			again |= rsm_imc_lka_rebuild(keys[i]);
		}
	}
	kfree(keys);
	return again;
}

static void rsm_imc_lka_fn(struct work_struct *work)
{
	bool quorum = rsm_imc_lka_quorum(), again = !quorum;

	rsm_imc_lka_fence(quorum);
	if (quorum && rsm_imc_coordinator() == RSM_IMC_SELF)
		again = rsm_imc_lka_adopt_all();
	if (again)
		queue_delayed_work(rsm_wq, &rsm_imc_lka_work,
				   msecs_to_jiffies(RSM_IMC_LKA_AGAIN_MS));
}

/*
 * Whether the coordinator @from may be the new home of set @key here: it
 * is already, or the home this host knows is neither this host nor
 * reachable.  If so, this host's registry says so from now on.  Return:
 * 1 (it may), 0 (it may not) or -ENOENT (no such set here: no ledger).
 */
static int rsm_imc_lka_obey(u32 key, u32 from)
{
	u32 self = READ_ONCE(rsm_cluster.local_nodeid), old;
	struct rsm_imc_region *r;
	struct rsm_ep *ep;
	bool ok;

	if (rsm_imc_coordinator() != from)
		return 0;
	mutex_lock(&rsm_imc_reg_lock);
	r = rsm_imc_find_locked(rsm_imc_rid(key, RSM_IMC_LOCKSET));
	old = r ? r->a.home : self;
	mutex_unlock(&rsm_imc_reg_lock);
	if (!r)
		return -ENOENT;
	if (old == from)
		return 1;
	if (old == self)
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
 * rsm_imc_lkadopt_serve - the coordinator's RSM_MSG_IMC_LKADOPT: it is the
 * new home of a set; answer with the locks this host's processes hold
 * @ep: the endpoint it came on
 * @msg: the request, checked
 */
void rsm_imc_lkadopt_serve(struct rsm_ep *ep, const void *msg)
{
	const struct rsm_msg_imc_lkadopt *m = msg;
	u32 key = le32_to_cpu(m->key), from = ep->conn->nodeid;
	struct rsm_msg_imc_lkadopt_reply *rep;

	rep = kzalloc(sizeof(*rep), GFP_KERNEL);
	if (!rep) {
		rsm_conn_fail(ep, "out of memory for a lock ledger");
		return;
	}
	switch (rsm_imc_lka_obey(key, from)) {
	case 1:
		/* requests go to the new home before the ledger is read */
		rsm_imc_lk_rehome(key, from, ep->peer_boot);
		rsm_imc_lkmsg_rehome(key, from, ep->peer_boot);
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
