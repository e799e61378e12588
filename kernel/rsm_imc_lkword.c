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
 * closes the lock's word by adding RSM_IMC_LKW_HOME to it (one atomic,
 * whatever the word holds): a tag found there becomes the lock's owner in
 * the home's record, and the hosts' compare-and-swaps fail until the home
 * opens the word again, when the lock is free and nobody waits.  So
 * waiters queue at the home and are served in order, and the words and
 * the record never both hold a lock.
 *
 * The home changes a word by its device's atomics (the loopback) once any
 * device can reach the word; before that, and after the registrations
 * went with the loopback's controller, by the CPU.  If the loopback
 * fails, the set's words cannot be changed here any more: its operations
 * answer IMC_CORRUPTLOCK (never a wrong grant) until it is deallocated,
 * as when its home is lost; the registrations are rsm_imc_lkwreg.c's.
 */
#include <linux/slab.h>

#include "rsm_imc_reg.h"
#include "rsm_imc_lock.h"

static u64 *rsm_imc_lkw_word(struct rsm_imc_lkwords *wd, u32 i)
{
	u64 *p = page_address(wd->pages[i / RSM_IMC_LKW_PER_PAGE]);

	return p + i % RSM_IMC_LKW_PER_PAGE;
}

/**
 * rsm_imc_lkw_peek - what a word holds now (a hint, unless closed)
 * @wd: the words
 * @i: the lock
 *
 * Return: the word.
 */
u64 rsm_imc_lkw_peek(struct rsm_imc_lkwords *wd, u32 i)
{
	return READ_ONCE(*rsm_imc_lkw_word(wd, i));
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
 * (registrations left over hold pages of their own)
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

static bool rsm_imc_lkw_is_tag(u64 v)
{
	return v && !(v & RSM_IMC_LKW_HOME);
}

/* The loopback failed: the words cannot be changed here any more. */
static void rsm_imc_lkw_broken(struct rsm_imc_lkhome *lk)
{
	if (!lk->wd->broken)
		rsm_warn_rl("imc: set %u: lock words unchangeable; CORRUPTLOCK until deallocated\n",
			    lk->key);
	lk->wd->broken = true;
}

/*
 * Compare-and-swap word @i: through the device once one can reach the
 * word, else by the CPU.  Under the set's lock.  Return: 0 or -errno.
 */
static int rsm_imc_lkw_cas(struct rsm_imc_lkhome *lk, u32 i, u64 cmp,
			   u64 swap, u64 *old)
{
	struct rsm_imc_lkwords *wd = lk->wd;
	u64 *w = rsm_imc_lkw_word(wd, i);
	int ret;

	if (wd->broken)
		return -EIO;
	if (wd->loop_set) {
		ret = rsm_loop_cas(wd->loop, (u64)i * sizeof(u64),
				   rsm_mrset_key(wd->loop_set, 0), cmp, swap,
				   old);
		if (ret)
			rsm_imc_lkw_broken(lk);
		return ret;
	}
	*old = READ_ONCE(*w);
	if (*old == cmp)
		WRITE_ONCE(*w, swap);
	return 0;
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
	memset(r, 0, sizeof(*r));
	if (rsm_imc_lkw_cid_owner(v >> 32, r)) {
		/* its endpoint's end closed its words first: not so */
		rsm_warn_rl("imc: a lock word of an unknown client\n");
		return;
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
 * operations change it, until rsm_imc_lkw_open().  One fetch-and-add:
 * no host's compare-and-swap can keep it from happening.
 *
 * Return: 0, or -errno when the word cannot be changed (the loopback
 * failed; the connections using the words are being reset).
 */
int rsm_imc_lkw_close(struct rsm_imc_lkhome *lk, u32 i)
{
	struct rsm_imc_lkwords *wd = lk->wd;
	u64 *w = rsm_imc_lkw_word(wd, i), old;
	int ret;

	lockdep_assert_held(&lk->lock);
	/* only the home sets the bit, under this lock */
	if (READ_ONCE(*w) & RSM_IMC_LKW_HOME)
		return 0;
	if (wd->broken)
		return -EIO;
	if (wd->loop_set) {
		ret = rsm_loop_fadd(wd->loop, (u64)i * sizeof(u64),
				    rsm_mrset_key(wd->loop_set, 0),
				    RSM_IMC_LKW_HOME, &old);
		if (ret) {
			rsm_imc_lkw_broken(lk);
			return ret;
		}
	} else {
		old = READ_ONCE(*w);
		WRITE_ONCE(*w, old | RSM_IMC_LKW_HOME);
	}
	if (old)
		rsm_imc_lkw_owner(wd, old, &lk->w[i].r);
	return 0;
}

/**
 * rsm_imc_lkw_open - hosts may take a lock by its word again, if it is
 * free and nobody waits
 * @lk: the set, locked
 * @i: the lock
 */
void rsm_imc_lkw_open(struct rsm_imc_lkhome *lk, u32 i)
{
	u64 v = rsm_imc_lkw_peek(lk->wd, i), old;

	lockdep_assert_held(&lk->lock);
	if (lk->gone || rsm_imc_lk_shut(lk) || !(v & RSM_IMC_LKW_HOME) ||
	    lk->w[i].r.owner ||
	    !list_empty(&lk->w[i].waiters))
		return;
	/* only the home changes a closed word: @v is what it holds */
	rsm_imc_lkw_cas(lk, i, v, 0, &old);
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
	int ret = 0;

	for (i = 0; i < lk->count; i++) {
		v = rsm_imc_lkw_peek(lk->wd, i);
		if (!rsm_imc_lkw_is_tag(v) || (u32)v != owner)
			continue;
		rsm_imc_lkw_owner(lk->wd, v, &r);
		if (r.node == node)
			ret = rsm_imc_lkw_close(lk, i) ?: ret;
	}
	return ret;
}

/**
 * rsm_imc_lkw_close_cid - close the words the tags of a client id hold
 * (its endpoint ended)
 * @lk: the set, locked
 * @cid: the client id
 */
void rsm_imc_lkw_close_cid(struct rsm_imc_lkhome *lk, u32 cid)
{
	u32 i;
	u64 v;

	for (i = 0; i < lk->count && !lk->gone; i++) {
		v = rsm_imc_lkw_peek(lk->wd, i);
		if (rsm_imc_lkw_is_tag(v) && v >> 32 == cid &&
		    rsm_imc_lkw_close(lk, i))
			rsm_warn_rl("imc: lock %u of set %u: its word is lost\n",
				    i, lk->key);
	}
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
	u64 v = rsm_imc_lkw_peek(lk->wd, i);

	if (rsm_imc_lkw_is_tag(v))
		rsm_imc_lkw_owner(lk->wd, v, r);
	else
		*r = lk->w[i].r;
}

/**
 * rsm_imc_lkw_note_pid - remember the pid of an owner, for imcs -l
 * @lk: the set, locked
 * @node: the owner's host
 * @owner: its lock owner id
 * @pid: its pid
 */
void rsm_imc_lkw_note_pid(struct rsm_imc_lkhome *lk, u32 node, u32 owner,
			  u32 pid)
{
	struct rsm_imc_lkwords *wd = lk->wd;
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

/**
 * rsm_imc_lkw_loop_reg - register the words in a loopback's domain, if
 * they are in none yet: from now on the device changes them
 * @lk: the set, locked
 * @loop: the loopback, with a user reference
 *
 * Return: 0, -EXDEV (they are in another one) or -errno.
 */
int rsm_imc_lkw_loop_reg(struct rsm_imc_lkhome *lk, struct rsm_loop *loop)
{
	struct rsm_imc_lkwords *wd = lk->wd;
	int ret;

	if (wd->loop_set)
		return wd->loop == loop ? 0 : -EXDEV;
	if (wd->broken)
		return -EIO;
	ret = rsm_loop_reg(loop, wd->pages, wd->npages, RSM_IMC_LKW_ACCESS,
			   &wd->loop_set);
	if (ret)
		return ret;
	rsm_loop_hold(loop);
	wd->loop = loop;
	return 0;
}

/**
 * rsm_imc_lkw_put_loop - the words leave their loopback (the set is
 * freed, the loopback goes, or it failed): the CPU changes them again, as
 * no device reaches them any more
 * @lk: the set, locked, its words registered for no peer
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
 * rsm_imc_lkw_local_op - take or give back a lock by its word, for a
 * process of this host, the set's home
 * @key: the lock set
 * @owner: the process's lock owner id
 * @pid: its pid
 * @index: the lock, below the set's count
 * @take: take it (compare 0, swap the tag), or give it back (the reverse)
 *
 * Through the loopback, under the set's lock, so its registration holds;
 * only once the words are in one (a peer asked for their key).
 *
 * Return: 0 (done), RSM_IMC_LKR_PRIOR (take: the owner's tag is there
 * already), or -EAGAIN: ask the home.
 */
int rsm_imc_lkw_local_op(u32 key, u32 owner, u32 pid, u32 index, bool take)
{
	struct rsm_imc_lkhome *lk = rsm_imc_lkhome_get(key);
	u64 tag = RSM_IMC_LKW_TAG(RSM_IMC_LKW_CID_HERE, owner), old;
	int ret = -EAGAIN;

	if (!lk)
		return -EAGAIN;
	mutex_lock(&lk->lock);
	if (lk->wd->loop_set && !lk->gone && index < lk->count &&
	    !rsm_imc_lkw_cas(lk, index, take ? 0 : tag, take ? tag : 0,
			     &old)) {
		if (old == (take ? 0 : tag))
			ret = 0;
		else if (take && old == tag)
			ret = RSM_IMC_LKR_PRIOR;
		if (!ret && take)
			rsm_imc_lkw_note_pid(lk,
					     READ_ONCE(rsm_cluster.local_nodeid),
					     owner, pid);
	}
	mutex_unlock(&lk->lock);
	rsm_imc_lkhome_put(lk);
	return ret;
}
