// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsm: a process's lock operations by the set's lock words (the home's
 * side is rsm_imc_lkword.c): a free lock nobody waits for is taken, and a
 * lock taken so is given back, by one RDMA compare-and-swap on its word
 * at the home - over the connection to the home, or through the loopback
 * when the home is this host.  Anything else (the lock held, waiters, no
 * atomics on the way) goes to the home as an operation (rsm_imc_lkcli.c).
 *
 * The key of a set's words is asked for once per connection and
 * allocation (RSM_MSG_IMC_LKKEYS).  An allocation's end waits for its
 * compare-and-swaps in flight before its DROP goes, so none reaches a
 * registration its set's end has dropped.
 */
#include <linux/slab.h>
#include <linux/moduleparam.h>

#include "rsm_imc_reg.h"
#include "rsm_imc_lock.h"

static bool rsm_imc_lock_words = true;
module_param_named(imc_lock_words, rsm_imc_lock_words, bool, 0644);
MODULE_PARM_DESC(imc_lock_words,
		 "Take and give back free locks by RDMA atomics on their words at the set's home, where the devices have atomics (default Y)");

#define RSM_IMC_LKF_AGAIN_MS	2000	/* ask again after "none" */

static atomic64_t rsm_imc_lk_words_done;

/* Every allocation, for RSM_MSG_IMC_LKDOWN; a process's lock is inside. */
static LIST_HEAD(rsm_imc_lkfast_sets);
static DEFINE_MUTEX(rsm_imc_lkfast_lock);

/* Ask @s's home over @ep for the key of its words there, into @f. */
static int rsm_imc_lkf_ask(const struct rsm_imc_plk *s, struct rsm_ep *ep,
			   struct rsm_imc_lkfast *f)
{
	struct rsm_msg_imc_lkkeys m = {
		.hdr.type = cpu_to_le16(RSM_MSG_IMC_LKKEYS),
		.hdr.len = cpu_to_le32(sizeof(m)),
		.key = cpu_to_le32(s->key),
		.owner = cpu_to_le32(s->owner),
		.pid = cpu_to_le32(task_tgid_nr(current)),
	};
	const struct rsm_msg_imc_lkkeys_reply *rep;
	struct rsm_rpc *rpc;
	int ret;

	ret = rsm_imc_call(ep, &m, sizeof(m), RSM_IMC_LK_MS,
			   "lock words not answered", NULL, 0, 0, &rpc);
	if (ret)
		return ret;
	rep = (const void *)rpc->reply;
	memset(f, 0, sizeof(*f));
	/* a set of another size is not this allocation's */
	if (!rep->status && le32_to_cpu(rep->count) == s->count) {
		f->ok = true;
		f->cid = le32_to_cpu(rep->cid);
		f->rkey = le32_to_cpu(rep->rkey);
	}
	/*
	 * Remembered for this endpoint; "none" only for a while (the home
	 * may be making its loopback), "no such set" not at all (it may not
	 * know of the set yet).
	 */
	if (le32_to_cpu(rep->status) != RSM_IMC_LKR_UNKNOWN)
		f->ep_id = ep->id;
	f->until = jiffies + msecs_to_jiffies(RSM_IMC_LKF_AGAIN_MS);
	kfree(rpc);
	return 0;
}

/* The key of @s's words for @ep, asked for if not known.  Return: known. */
static bool rsm_imc_lkf_keys(struct rsm_imc_plk *s, struct rsm_ep *ep,
			     struct rsm_imc_lkfast *f)
{
	if (ep->ctrl->ibdev->attrs.atomic_cap == IB_ATOMIC_NONE)
		return false;
	spin_lock(&s->fast_lock);
	*f = s->fast;
	spin_unlock(&s->fast_lock);
	if (f->ep_id != ep->id || (!f->ok && time_after(jiffies, f->until))) {
		if (rsm_imc_lkf_ask(s, ep, f))
			return false;
		spin_lock(&s->fast_lock);
		if (f->ep_id)
			s->fast = *f;
		spin_unlock(&s->fast_lock);
	}
	return f->ok;
}

/* Releases by word in flight, for rsm_imc_lk_settle(). */
static DECLARE_WAIT_QUEUE_HEAD(rsm_imc_lkrel_wq);

/*
 * A lock given back by its word without waiting for the outcome: if the
 * word says no (the home closed it: the lock is in its record) or the
 * connection fails under it, @m gives it back by message.
 */
struct rsm_imc_lkrel {
	struct rsm_async_cas	ac;
	struct rsm_imc_plk	*s;	/* a reference */
	struct rsm_imc_lkmsg	*m;
	u64			tag;
};

/**
 * rsm_imc_lk_settle - wait until the releases by word of an allocation in
 * flight are done, and those the words refused are queued as messages
 * @s: the allocation
 *
 * Each ends with its completion or its connection's teardown.
 */
void rsm_imc_lk_settle(struct rsm_imc_plk *s)
{
	wait_event(rsm_imc_lkrel_wq, !atomic_read(&s->async_n));
}

static void rsm_imc_lkrel_done(struct rsm_async_cas *ac, int status, u64 old)
{
	struct rsm_imc_lkrel *r = container_of(ac, struct rsm_imc_lkrel, ac);
	struct rsm_imc_plk *s = r->s;

	if (!status && old == r->tag) {
		kfree(r->m);
		atomic64_inc(&rsm_imc_lk_words_done);
	} else {
		/* by message: NOTHELD, if the swap was done after all */
		rsm_imc_lkmsg_queue(r->m);
	}
	if (atomic_dec_and_test(&s->async_n))
		wake_up_all(&rsm_imc_lkrel_wq);
	rsm_imc_plk_put(s);
	kfree(r);
}

/*
 * Whether @s has releases in flight on another endpoint than @ep_id (all
 * in flight are on one).  With @claim, when it has not, count one more
 * on @ep_id.
 */
static bool rsm_imc_lkf_elsewhere(struct rsm_imc_plk *s, u64 ep_id,
				  bool claim)
{
	bool other;

	spin_lock(&s->fast_lock);
	other = atomic_read(&s->async_n) && s->async_ep != ep_id;
	if (!other && claim) {
		s->async_ep = ep_id;
		atomic_inc(&s->async_n);
	}
	spin_unlock(&s->fast_lock);
	return other;
}

/*
 * Give lock @index of @s back by its word @tag over @ep, not waiting.
 * Return: 0 (posted: its outcome is dealt with), or -EAGAIN.
 */
static int rsm_imc_lkf_give(struct rsm_imc_plk *s, struct rsm_ep *ep,
			    u32 rkey, u32 index, u64 tag)
{
	struct rsm_imc_lkreq q = {
		.owner = s->owner, .index = index, .op = RSM_IMC_LK_RELEASE,
	};
	struct rsm_imc_lkrel *r = kzalloc(sizeof(*r), GFP_KERNEL);
	struct rsm_imc_lkmsg *m = rsm_imc_lkmsg_new(s->key, &q,
						    ep->conn->nodeid,
						    ep->peer_boot);

	if (!r || !m)
		goto fail;
	r->tag = tag;
	r->m = m;
	r->s = s;
	r->ac.done = rsm_imc_lkrel_done;
	/* completions come in order on one connection, not across two */
	while (rsm_imc_lkf_elsewhere(s, ep->id, true))
		rsm_imc_lk_settle(s);
	kref_get(&s->ref);
	if (!rsm_ep_cas_async(ep, &r->ac, (u64)index * sizeof(u64), rkey,
			      tag, 0))
		return 0;
	if (atomic_dec_and_test(&s->async_n))
		wake_up_all(&rsm_imc_lkrel_wq);
	rsm_imc_plk_put(s);
fail:
	kfree(m);
	kfree(r);
	return -EAGAIN;
}

/* By the word over the connection to a remote home; as rsm_imc_lk_fast(). */
static int rsm_imc_lkf_remote(struct rsm_imc_plk *s, u32 index, bool take,
			      u64 *boot, bool *unsure)
{
	struct rsm_ep *ep = rsm_cluster_active_ep(READ_ONCE(s->home));
	struct rsm_imc_lkfast f;
	u64 tag, old;
	int ret = -EAGAIN, cas;

	if (!ep)
		return -EAGAIN;
	if (rsm_imc_lkf_keys(s, ep, &f)) {
		tag = RSM_IMC_LKW_TAG(f.cid, s->owner);
		*boot = ep->peer_boot;
		if (!take) {
			ret = rsm_imc_lkf_give(s, ep, f.rkey, index, tag);
			rsm_ep_put_user(ep);
			return ret;
		}
		/*
		 * Releases in flight on another connection: by message, which
		 * sends what they leave to messages first
		 */
		if (rsm_imc_lkf_elsewhere(s, ep->id, false)) {
			rsm_ep_put_user(ep);
			return -EAGAIN;
		}
		cas = rsm_ep_cas(ep, (u64)index * sizeof(u64), f.rkey, 0, tag,
				 &old);
		if (cas)
			*unsure = cas != -ENOMEM;	/* done, or not? */
		else if (!old)
			ret = 0;
		else if (old == tag)
			ret = RSM_IMC_LKR_PRIOR;
	}
	rsm_ep_put_user(ep);
	return ret;
}

/**
 * rsm_imc_lk_fast - take or give back a lock by its word, if it can be
 * @s: a process's lock set
 * @index: the lock, below @s->count
 * @take: take it, or give it back
 * @boot: out: the home instance when done (0: the home is here)
 * @unsure: out: the connection failed under the compare-and-swap, which
 *	may or may not have been done
 *
 * Return: 0 (done), RSM_IMC_LKR_PRIOR (take: the owner holds it by its
 * word already), or -EAGAIN: ask the home.
 */
int rsm_imc_lk_fast(struct rsm_imc_plk *s, u32 index, bool take, u64 *boot,
		    bool *unsure)
{
	bool remote = false;
	int ret = -EAGAIN;

	*unsure = false;
	if (!READ_ONCE(rsm_imc_lock_words))
		return -EAGAIN;
	down_read(&s->fast_sem);
	if (READ_ONCE(s->dead)) {
		up_read(&s->fast_sem);
		return -EAGAIN;
	}
	if (rsm_imc_home_here(s)) {
		/* releases to a home it had before go first */
		rsm_imc_lk_settle(s);
		*boot = 0;
		ret = rsm_imc_lkw_local_op(s->key, s->owner,
					   task_tgid_nr(current), index, take);
	} else if (!rsm_imc_lkmsg_flush(s->key, s->owner)) {
		/* what the owner asked before and was not answered goes first */
		remote = true;
		ret = rsm_imc_lkf_remote(s, index, take, boot, unsure);
	}
	up_read(&s->fast_sem);
	/* a release to a remote home counts once its word took it */
	if (!ret && (take || !remote))
		atomic64_inc(&rsm_imc_lk_words_done);
	return ret;
}

/**
 * rsm_imc_lk_fast_start - a new allocation, listed for RSM_MSG_IMC_LKDOWN
 * @s: the set
 */
void rsm_imc_lk_fast_start(struct rsm_imc_plk *s)
{
	mutex_lock(&rsm_imc_lkfast_lock);
	list_add_tail(&s->fast_all, &rsm_imc_lkfast_sets);
	mutex_unlock(&rsm_imc_lkfast_lock);
}

/* @s forgets the key of its words for @ep, its operations with it done. */
static void rsm_imc_lkf_forget(struct rsm_imc_plk *s, struct rsm_ep *ep)
{
	down_write(&s->fast_sem);
	spin_lock(&s->fast_lock);
	if (s->fast.ep_id == ep->id)
		memset(&s->fast, 0, sizeof(s->fast));
	spin_unlock(&s->fast_lock);
	up_write(&s->fast_sem);
	rsm_imc_lk_settle(s);
}

/**
 * rsm_imc_lkdown_serve - a home's RSM_MSG_IMC_LKDOWN: forget the key of a
 * set's words there, and answer once no compare-and-swap with it is in
 * flight
 * @ep: the endpoint it came on
 * @msg: the request, checked
 */
void rsm_imc_lkdown_serve(struct rsm_ep *ep, const void *msg)
{
	const struct rsm_msg_imc_lkdown *m = msg;
	struct rsm_msg_ack ack = {
		.hdr.type = cpu_to_le16(RSM_MSG_ACK),
		.hdr.len = cpu_to_le32(sizeof(ack)),
		.xid = m->xid,
	};
	u32 key = le32_to_cpu(m->key), n = 0, i;
	struct rsm_imc_plk *s, **sets;

	/* the allocations concerned, held; then each drained in turn */
	mutex_lock(&rsm_imc_lkfast_lock);
	list_for_each_entry(s, &rsm_imc_lkfast_sets, fast_all)
		n += s->key == key && READ_ONCE(s->home) == ep->conn->nodeid;
	sets = kcalloc(n, sizeof(*sets), GFP_KERNEL);
	n = 0;
	list_for_each_entry(s, &rsm_imc_lkfast_sets, fast_all) {
		if (s->key != key || READ_ONCE(s->home) != ep->conn->nodeid)
			continue;
		if (sets) {
			kref_get(&s->ref);
			sets[n++] = s;
		} else {
			/* no memory: under the list's lock, then */
			rsm_imc_lkf_forget(s, ep);
		}
	}
	mutex_unlock(&rsm_imc_lkfast_lock);
	for (i = 0; i < n; i++) {
		rsm_imc_lkf_forget(sets[i], ep);
		rsm_imc_plk_put(sets[i]);
	}
	kfree(sets);
	if (rsm_msg_send_wait(ep, &ack, sizeof(ack)))
		rsm_conn_fail(ep, "cannot answer LKDOWN");
}

/**
 * rsm_imc_lk_fast_end - an allocation ends: wait for its compare-and-swaps
 * in flight, and let no more start
 * @s: the set, marked dead
 */
void rsm_imc_lk_fast_end(struct rsm_imc_plk *s)
{
	WRITE_ONCE(s->dead, true);
	down_write(&s->fast_sem);
	up_write(&s->fast_sem);
	rsm_imc_lk_settle(s);
	mutex_lock(&rsm_imc_lkfast_lock);
	if (!list_empty(&s->fast_all))
		list_del_init(&s->fast_all);
	mutex_unlock(&rsm_imc_lkfast_lock);
}

/**
 * rsm_imc_lk_word_ops - locks this host's processes took or gave back by
 * their words, for imcs -s
 *
 * Return: the count since the module loaded.
 */
u64 rsm_imc_lk_word_ops(void)
{
	return atomic64_read(&rsm_imc_lk_words_done);
}

/**
 * rsm_imc_lk_rehome - this host's allocations of a set send to its new
 * home from now on (RSM_MSG_IMC_LKADOPT)
 * @key: the lock set
 * @home: its new home
 * @boot: the new home's module instance (0: this host)
 * @gone: their locks are gone (the new home was made without them)
 *
 * Else the locks they hold stay held: the new home takes them from the
 * ledger.
 */
void rsm_imc_lk_rehome(u32 key, u32 home, u64 boot, bool gone)
{
	u32 gen = rsm_imc_back_gen(home);
	struct rsm_imc_plk *s;

	mutex_lock(&rsm_imc_lkfast_lock);
	list_for_each_entry(s, &rsm_imc_lkfast_sets, fast_all) {
		if (s->key != key)
			continue;
		spin_lock(&s->fast_lock);
		if (s->home != home) {
			s->home_boot = boot;
			s->home_gen = gen;
			WRITE_ONCE(s->home, home);
			/* nothing sets them meanwhile: the old home is lost */
			if (gone)
				bitmap_zero(s->held, RSM_IMC_LOCKS_MAX);
		}
		spin_unlock(&s->fast_lock);
	}
	mutex_unlock(&rsm_imc_lkfast_lock);
}

/* Put @at (with @pid) in @at_s/@pid_s, sorted, keeping the @max least. */
static void rsm_imc_lk_ledger_add(u64 *at_s, u32 *pid_s, u32 *n, u32 max,
				  u64 at, u32 pid)
{
	u32 i = *n;

	if (i == max && at >= at_s[max - 1])
		return;
	if (i == max)
		i--;
	else
		(*n)++;
	for (; i && at_s[i - 1] > at; i--) {
		at_s[i] = at_s[i - 1];
		pid_s[i] = pid_s[i - 1];
	}
	at_s[i] = at;
	pid_s[i] = pid;
}

/**
 * rsm_imc_lk_ledger - the locks of a set this host's processes hold, for
 * a new home (RSM_MSG_IMC_LKADOPT_REPLY)
 * @key: the lock set
 * @cursor: the least RSM_IMC_LKA_CURSOR() to tell
 * @rep: out: up to RSM_IMC_LKA_HELD of them in order, and the next
 *	cursor if there are more; its other fields are left alone
 */
void rsm_imc_lk_ledger(u32 key, u64 cursor,
		       struct rsm_msg_imc_lkadopt_reply *rep)
{
	u64 at_s[RSM_IMC_LKA_HELD + 1], at;
	u32 pid_s[RSM_IMC_LKA_HELD + 1];
	struct rsm_imc_plk *s;
	unsigned long i;
	u32 n = 0, j;

	mutex_lock(&rsm_imc_lkfast_lock);
	list_for_each_entry(s, &rsm_imc_lkfast_sets, fast_all) {
		if (s->key != key || READ_ONCE(s->dead))
			continue;
		for_each_set_bit(i, s->held, s->count) {
			at = RSM_IMC_LKA_CURSOR(s->owner, i);
			if (at >= cursor)
				rsm_imc_lk_ledger_add(at_s, pid_s, &n,
						      ARRAY_SIZE(at_s), at,
						      s->pid);
		}
	}
	mutex_unlock(&rsm_imc_lkfast_lock);
	memset(rep->held, 0, sizeof(rep->held));
	rep->next = cpu_to_le64(n > RSM_IMC_LKA_HELD ?
				at_s[RSM_IMC_LKA_HELD] : 0);
	n = min_t(u32, n, RSM_IMC_LKA_HELD);
	rep->n = cpu_to_le32(n);
	for (j = 0; j < n; j++) {
		rep->held[j].owner = cpu_to_le32(at_s[j] >> 32);
		rep->held[j].index = cpu_to_le32((u32)at_s[j]);
		rep->held[j].pid = cpu_to_le32(pid_s[j]);
	}
}
