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

static atomic64_t rsm_imc_lk_words_done;

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
	f->ep_id = ep->id;
	/* a set of another size is not this allocation's */
	if (!rep->status && le32_to_cpu(rep->count) == s->count) {
		f->ok = true;
		f->cid = le32_to_cpu(rep->cid);
		f->rkey = le32_to_cpu(rep->rkey);
	}
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
	if (f->ep_id != ep->id) {
		if (rsm_imc_lkf_ask(s, ep, f))
			return false;
		spin_lock(&s->fast_lock);
		s->fast = *f;
		spin_unlock(&s->fast_lock);
	}
	return f->ok;
}

/* By the word over the connection to a remote home; as rsm_imc_lk_fast(). */
static int rsm_imc_lkf_remote(struct rsm_imc_plk *s, u32 index, bool take,
			      u64 *boot, bool *unsure)
{
	struct rsm_ep *ep = rsm_cluster_active_ep(s->home);
	struct rsm_imc_lkfast f;
	u64 tag, old;
	int ret = -EAGAIN, cas;

	if (!ep)
		return -EAGAIN;
	if (rsm_imc_lkf_keys(s, ep, &f)) {
		tag = RSM_IMC_LKW_TAG(f.cid, s->owner);
		*boot = ep->peer_boot;
		cas = rsm_ep_cas(ep, (u64)index * sizeof(u64), f.rkey,
				 take ? 0 : tag, take ? tag : 0, &old);
		if (cas)
			*unsure = cas != -ENOMEM;	/* done, or not? */
		else if (old == (take ? 0 : tag))
			ret = 0;
		else if (take && old == tag)
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
		*boot = 0;
		ret = rsm_imc_lkw_local_op(s->key, s->owner,
					   task_tgid_nr(current), index, take);
	} else {
		ret = rsm_imc_lkf_remote(s, index, take, boot, unsure);
	}
	up_read(&s->fast_sem);
	if (!ret)
		atomic64_inc(&rsm_imc_lk_words_done);
	return ret;
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
