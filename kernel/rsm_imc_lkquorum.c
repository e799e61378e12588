// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsm: whether this host may grant the locks of the sets homed here
 * (IMC.md 5.3).  A quorum is more than half of the configured nodes, or
 * half of them with the lowest node id among them, so two sides of a
 * split never both have one (a split the connections do not see both
 * ways aside).  A home without a quorum closes its sets' words and grants
 * nothing ("fenced"), since the side with a quorum may adopt its sets
 * (rsm_imc_lkadopt.c) once it has been lost for the grace.  If the quorum
 * comes back later than the grace less two heartbeat timeouts, that may
 * have happened: the home grants nothing from those sets any more
 * ("deposed", IMC_CORRUPTLOCK until they are deallocated).  It cannot
 * tell an adoption from a whole cluster's outage, so after one of those
 * its sets are deposed too: never a lock granted twice.
 */
#include <linux/workqueue.h>
#include <linux/moduleparam.h>

#include "rsm_imc_reg.h"
#include "rsm_imc_lock.h"

/*
 * How long a peer's locks outlive its last connection to this host, for
 * the peer (the same module instance) to come back: a link that fails
 * for a moment takes no lock from its holder.  A host that does not come
 * back loses its locks after it; a home that does not, its sets (they
 * are adopted).
 */
static unsigned int rsm_imc_lock_grace_ms = 10000;
module_param_named(imc_lock_grace_ms, rsm_imc_lock_grace_ms, uint, 0644);
MODULE_PARM_DESC(imc_lock_grace_ms,
		 "A lock set's home keeps the locks of a host it lost this long, in ms, at most an hour, and a home lost this long has its sets adopted; the same on every host (default 10000)");

#define RSM_IMC_LOCK_GRACE_MAX_MS	3600000

/**
 * rsm_imc_lock_grace - imc_lock_grace_ms in jiffies, at most an hour
 *
 * Return: the grace.
 */
unsigned long rsm_imc_lock_grace(void)
{
	return msecs_to_jiffies(min_t(unsigned int,
				      READ_ONCE(rsm_imc_lock_grace_ms),
				      RSM_IMC_LOCK_GRACE_MAX_MS));
}

/*
 * This host's standing, written by the work only: @fenced while it sees
 * no quorum, since @fenced_at (jiffies).
 */
static bool rsm_imc_lkq_fenced;
static unsigned long rsm_imc_lkq_fenced_at;
static void rsm_imc_lkq_fn(struct work_struct *work);
static DECLARE_WORK(rsm_imc_lkq_work, rsm_imc_lkq_fn);

/**
 * rsm_imc_lka_kick - membership changed: look at the quorum and the
 * lock sets' homes now
 */
void rsm_imc_lka_kick(void)
{
	queue_work(rsm_wq, &rsm_imc_lkq_work);
}

/**
 * rsm_imc_lka_quorum_ok - whether this host saw a quorum when it last
 * looked (at the last change of the members it reaches)
 *
 * Return: true when it did.
 */
bool rsm_imc_lka_quorum_ok(void)
{
	return !READ_ONCE(rsm_imc_lkq_fenced);
}

/* Whether this host and the members it reaches are a quorum. */
static bool rsm_imc_lkq_quorum(void)
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
	return lk->rebuilding || lk->deposed || READ_ONCE(rsm_imc_lkq_fenced);
}

/**
 * rsm_imc_lk_close_all - close every word of a set: its record decides
 * all its locks
 * @lk: the set, locked
 * @depose: NULL, or a set deposed from now on
 */
void rsm_imc_lk_close_all(struct rsm_imc_lkhome *lk, void *depose)
{
	u32 i;

	if (depose)
		lk->deposed = true;
	for (i = 0; i < lk->count; i++)
		rsm_imc_lkw_close(lk, i);
}

/**
 * rsm_imc_lk_open_all - open the words of a set's free locks, unless it
 * is shut
 * @lk: the set, locked
 * @arg: unused
 */
void rsm_imc_lk_open_all(struct rsm_imc_lkhome *lk, void *arg)
{
	u32 i;

	for (i = 0; i < lk->count && !rsm_imc_lk_shut(lk); i++)
		rsm_imc_lkw_open(lk, i);
}

static void rsm_imc_lkq_fn(struct work_struct *work)
{
	unsigned long hb = msecs_to_jiffies(READ_ONCE(rsm_hb_timeout_ms));
	unsigned long grace = rsm_imc_lock_grace();
	unsigned long keep = grace > 2 * hb ? grace - 2 * hb : 0;
	bool quorum = rsm_imc_lkq_quorum();

	if (!quorum && !rsm_imc_lkq_fenced) {
		rsm_imc_lkq_fenced_at = jiffies;
		WRITE_ONCE(rsm_imc_lkq_fenced, true);
		if (rsm_imc_lkhome_each(rsm_imc_lk_close_all, NULL))
			rsm_info("imc: no quorum: lock sets homed here grant nothing\n");
	} else if (quorum && rsm_imc_lkq_fenced) {
		bool late = time_after(jiffies, rsm_imc_lkq_fenced_at + keep);

		/* deposed before unfenced: no grant in between */
		if (late && rsm_imc_lkhome_each(rsm_imc_lk_close_all, (void *)1))
			rsm_info("imc: quorum back after the grace: lock sets homed here may have been adopted, and grant nothing more\n");
		WRITE_ONCE(rsm_imc_lkq_fenced, false);
		if (!late && rsm_imc_lkhome_each(rsm_imc_lk_open_all, NULL))
			rsm_info("imc: quorum back: lock sets homed here grant again\n");
	}
	/* lock sets whose home is lost: with a quorum, adopted */
	rsm_imc_lka_look();
}

/**
 * rsm_imc_lkq_exit - module exit: the work is done
 */
void rsm_imc_lkq_exit(void)
{
	cancel_work_sync(&rsm_imc_lkq_work);
	rsm_imc_lka_exit();
}
