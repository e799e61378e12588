// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsm: lock set requests that must reach a set's home even when the
 * connection to it fails for a while: an owner's end (RSM_IMC_LK_DROP), a
 * waiter's cancel (RSM_IMC_LK_CANCEL) and a release that found no
 * connection.  The home keeps a host's locks for imc_lock_grace_ms after
 * its last connection to that host ends, and moves them to the next one;
 * a request lost in between would leave a lock with an owner that no
 * longer has it.  So each is asked again, from a work item of its own
 * queue, until the home answers, the home's module instance it was meant
 * for is gone, or the grace is long over (the home freed the locks).
 *
 * An owner's requests reach the home in order: before a process asks
 * anything of a set, what is still pending for its owner goes first
 * (rsm_imc_lkmsg_flush()).
 */
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "rsm_imc_reg.h"
#include "rsm_imc_lock.h"

#define RSM_IMC_LKMSG_RETRY_MS	500
#define RSM_IMC_LKMSG_MORE_MS	30000	/* past the home's grace */

/* Pending requests, oldest first. */
static LIST_HEAD(rsm_imc_lkmsgs);
static DEFINE_SPINLOCK(rsm_imc_lkmsgs_lock);	/* the list; a leaf */
static atomic_t rsm_imc_lkmsgs_n;
/* held while one is sent, so that an owner's go out in order */
static DEFINE_MUTEX(rsm_imc_lkmsg_mutex);
static struct workqueue_struct *rsm_imc_lk_wq;
static void rsm_imc_lkmsg_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(rsm_imc_lkmsg_work, rsm_imc_lkmsg_fn);

/* Done with @m: free it, or drop its set's reference. */
static void rsm_imc_lkmsg_done(struct rsm_imc_lkmsg *m)
{
	atomic_dec(&rsm_imc_lkmsgs_n);
	if (m->set)
		rsm_imc_plk_put(m->set);
	else
		kfree(m);
}

/* Send @m once; under rsm_imc_lkmsg_mutex.  Return: done with it. */
static bool rsm_imc_lkmsg_send(const struct rsm_imc_lkmsg *m)
{
	struct rsm_ep *ep;
	int ret;

	lockdep_assert_held(&rsm_imc_lkmsg_mutex);
	ep = rsm_cluster_active_ep(m->home);
	if (!ep)
		return time_after(jiffies, m->until);
	if (m->boot && ep->peer_boot != m->boot) {
		/* another instance of the home: it knows nothing of ours */
		rsm_ep_put_user(ep);
		return true;
	}
	ret = rsm_imc_lk_ask(m->key, &m->q, ep);
	rsm_ep_put_user(ep);
	/* answered, whatever the status: the home knows */
	return ret >= 0 || time_after(jiffies, m->until);
}

/*
 * Send the pending requests of owner @owner in set @key (@all: every
 * one), oldest first; under rsm_imc_lkmsg_mutex.  Return: all of them
 * are done.
 */
static bool rsm_imc_lkmsg_send_all(u32 key, u32 owner, bool all)
{
	DECLARE_BITMAP(stuck, RSM_WIRE_NODES);
	struct rsm_imc_lkmsg *m, *tmp;
	LIST_HEAD(mine);

	bitmap_zero(stuck, RSM_WIRE_NODES);
	spin_lock(&rsm_imc_lkmsgs_lock);
	list_for_each_entry_safe(m, tmp, &rsm_imc_lkmsgs, list)
		if (all || (m->key == key && m->q.owner == owner))
			list_move_tail(&m->list, &mine);
	spin_unlock(&rsm_imc_lkmsgs_lock);
	list_for_each_entry_safe(m, tmp, &mine, list) {
		/*
		 * After one to a home that is not done, the others to it
		 * wait their turn: an owner's requests all go to its set's
		 * home, in order.
		 */
		if (test_bit(m->home, stuck) || !rsm_imc_lkmsg_send(m)) {
			set_bit(m->home, stuck);
			continue;
		}
		list_del(&m->list);
		rsm_imc_lkmsg_done(m);
	}
	if (list_empty(&mine))
		return true;
	spin_lock(&rsm_imc_lkmsgs_lock);
	list_splice(&mine, &rsm_imc_lkmsgs);
	spin_unlock(&rsm_imc_lkmsgs_lock);
	return false;
}

static void rsm_imc_lkmsg_fn(struct work_struct *work)
{
	bool done;

	mutex_lock(&rsm_imc_lkmsg_mutex);
	done = rsm_imc_lkmsg_send_all(0, 0, true);
	mutex_unlock(&rsm_imc_lkmsg_mutex);
	if (!done)
		queue_delayed_work(rsm_imc_lk_wq, &rsm_imc_lkmsg_work,
				   msecs_to_jiffies(RSM_IMC_LKMSG_RETRY_MS));
}

/**
 * rsm_imc_lkmsg_queue - send a request to a set's home until it answers
 * @m: the request: @m->q, @m->key, @m->home and @m->boot (0: any
 *	instance of the home) set; allocated (@m->set NULL, freed when
 *	done) or a set's own (@m->set holds a reference, dropped when done)
 */
void rsm_imc_lkmsg_queue(struct rsm_imc_lkmsg *m)
{
	m->until = jiffies + rsm_imc_lock_grace() +
		   msecs_to_jiffies(RSM_IMC_LKMSG_MORE_MS);
	atomic_inc(&rsm_imc_lkmsgs_n);
	spin_lock(&rsm_imc_lkmsgs_lock);
	list_add_tail(&m->list, &rsm_imc_lkmsgs);
	spin_unlock(&rsm_imc_lkmsgs_lock);
	mod_delayed_work(rsm_imc_lk_wq, &rsm_imc_lkmsg_work, 0);
}

/**
 * rsm_imc_lkmsg_new - a request for rsm_imc_lkmsg_queue(), allocated on
 * its own (freed when done, or with kfree() if never queued)
 * @key: the lock set
 * @q: the request
 * @home: the set's home, a peer
 * @boot: the home's module instance it is meant for (0: any)
 *
 * Return: it, or NULL.
 */
struct rsm_imc_lkmsg *rsm_imc_lkmsg_new(u32 key, const struct rsm_imc_lkreq *q,
					u32 home, u64 boot)
{
	struct rsm_imc_lkmsg *m = kzalloc(sizeof(*m), GFP_KERNEL);

	if (m) {
		m->q = *q;
		m->key = key;
		m->home = home;
		m->boot = boot;
	}
	return m;
}

/**
 * rsm_imc_lkmsg_send_later - rsm_imc_lkmsg_queue() of a copy of a request
 * @key: the lock set
 * @q: the request
 * @home: the set's home, a peer
 * @boot: the home's module instance it is meant for (0: any)
 *
 * Return: 0, or -ENOMEM (then it is not sent).
 */
int rsm_imc_lkmsg_send_later(u32 key, const struct rsm_imc_lkreq *q,
			     u32 home, u64 boot)
{
	struct rsm_imc_lkmsg *m = rsm_imc_lkmsg_new(key, q, home, boot);

	if (!m)
		return -ENOMEM;
	rsm_imc_lkmsg_queue(m);
	return 0;
}

/**
 * rsm_imc_lkmsg_flush - what is pending for one owner goes first
 * @key: the lock set
 * @owner: the owner
 *
 * Return: 0, -ENOTCONN (some could not be sent yet) or -EINTR.
 */
int rsm_imc_lkmsg_flush(u32 key, u32 owner)
{
	bool done;

	if (!atomic_read(&rsm_imc_lkmsgs_n))
		return 0;
	if (mutex_lock_killable(&rsm_imc_lkmsg_mutex))
		return -EINTR;
	done = rsm_imc_lkmsg_send_all(key, owner, false);
	mutex_unlock(&rsm_imc_lkmsg_mutex);
	return done ? 0 : -ENOTCONN;
}

/**
 * rsm_imc_lkmsg_rehome - a set has a new home (RSM_MSG_IMC_LKADOPT): what
 * is pending for it goes there
 * @key: the lock set
 * @home: its new home
 * @boot: the new home's module instance
 *
 * When the new home is this host, what is pending goes: it was for locks
 * its ledger no longer holds, so the new home never had them.
 */
void rsm_imc_lkmsg_rehome(u32 key, u32 home, u64 boot)
{
	bool here = home == READ_ONCE(rsm_cluster.local_nodeid);
	struct rsm_imc_lkmsg *m, *tmp;
	LIST_HEAD(gone);

	/*
	 * Without rsm_imc_lkmsg_mutex, which a send holds for up to
	 * RSM_IMC_LK_MS: one being sent meanwhile stays for the old home and
	 * goes at its end.  Either way each is for a lock its owner no longer
	 * holds here, so no ledger gave it to the new home.
	 */
	spin_lock(&rsm_imc_lkmsgs_lock);
	list_for_each_entry_safe(m, tmp, &rsm_imc_lkmsgs, list) {
		if (m->key != key || m->home == home)
			continue;
		if (here) {
			list_move_tail(&m->list, &gone);
			continue;
		}
		m->home = home;
		m->boot = boot;
	}
	spin_unlock(&rsm_imc_lkmsgs_lock);
	list_for_each_entry_safe(m, tmp, &gone, list) {
		list_del(&m->list);
		rsm_imc_lkmsg_done(m);
	}
}

/**
 * rsm_imc_lkmsg_init - the queue's workqueue
 *
 * Return: 0 or -ENOMEM.
 */
int rsm_imc_lkmsg_init(void)
{
	/* its own: a request may wait RSM_IMC_LK_MS for its answer */
	rsm_imc_lk_wq = alloc_workqueue("rsm_imc_lk", WQ_UNBOUND, 1);
	return rsm_imc_lk_wq ? 0 : -ENOMEM;
}

/**
 * rsm_imc_lkmsg_exit - module exit: every connection is gone, and with
 * it what the homes held for this host
 */
void rsm_imc_lkmsg_exit(void)
{
	struct rsm_imc_lkmsg *m, *tmp;

	cancel_delayed_work_sync(&rsm_imc_lkmsg_work);
	list_for_each_entry_safe(m, tmp, &rsm_imc_lkmsgs, list) {
		list_del(&m->list);
		rsm_imc_lkmsg_done(m);
	}
	destroy_workqueue(rsm_imc_lk_wq);
}
