// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsm: a process's Memory Channel lock sets (imc_lkalloc(3),
 * imc_lkacquire(3), imc_lkrelease(3), imc_lkdealloc(3)).
 *
 * Each lock set a libimc descriptor allocates is one lock owner, with an
 * owner id this host gives it (the process's threads, and processes that
 * share the descriptor, are that owner).  Lock sets are allocated through
 * the registry like regions (rsm_imc_alloc.c); each operation on a lock
 * goes to the set's home (rsm_imc_lkhome.c), as rsm_imc_lkcli.c asks it,
 * and a waiter sleeps there.  An allocation's locks and places go when it
 * is deallocated or the descriptor closed (RSM_IMC_LK_DROP, answered),
 * after what its transmit mappings hold was sent.
 */
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/cred.h>
#include <linux/sched/signal.h>
#include <linux/idr.h>

#include "rsm_imc_reg.h"
#include "rsm_imc_lock.h"

#define RSM_IMC_LK_TRIES	3	/* asks of a home that did not answer */
#define RSM_IMC_MAX_LOCKSETS	1024	/* one process's */

/* struct rsm_imc_lkproc - a libimc descriptor's lock sets */
struct rsm_imc_lkproc {
	struct mutex		lock;	/* @sets, the sets' @held */
	struct xarray		sets;	/* imc_lkid_t -> struct rsm_imc_plk */
};

/* lock owner ids of allocated sets: never two alike */
static DEFINE_IDA(rsm_imc_owner_ida);
/*
 * Where the next search for a free owner id starts: ids go round rather
 * than the lowest free one at once, so that what a home may still hold
 * for an allocation that ended (its DROP not answered yet) is not taken
 * for the next one's.
 */
static atomic_t rsm_imc_owner_next = ATOMIC_INIT(1);
#define RSM_IMC_OWNER_MAX	RSM_IMC_LKW_OWNER_MAX	/* bit 31: rsm_imc_alloc.c */

static int rsm_imc_owner_alloc(void)
{
	int from = atomic_read(&rsm_imc_owner_next), id;

	if (from < 1)
		from = 1;
	id = ida_alloc_range(&rsm_imc_owner_ida, from, RSM_IMC_OWNER_MAX,
			     GFP_KERNEL);
	if (id == -ENOSPC && from > 1)
		id = ida_alloc_range(&rsm_imc_owner_ida, 1, RSM_IMC_OWNER_MAX,
				     GFP_KERNEL);
	if (id > 0)
		atomic_set(&rsm_imc_owner_next,
			   id == RSM_IMC_OWNER_MAX ? 1 : id + 1);
	return id;
}

static void rsm_imc_plk_free(struct kref *ref)
{
	struct rsm_imc_plk *s = container_of(ref, struct rsm_imc_plk, ref);

	if (s->owner)
		ida_free(&rsm_imc_owner_ida, s->owner);
	kfree(s);
}

/**
 * rsm_imc_plk_put - drop a reference on a process's lock set
 * @s: the set
 */
void rsm_imc_plk_put(struct rsm_imc_plk *s)
{
	kref_put(&s->ref, rsm_imc_plk_free);
}

/* @s's home and the instance of it its locks are from, read together. */
static void rsm_imc_plk_home(struct rsm_imc_plk *s, u32 *home, u64 *boot,
			     u32 *gen)
{
	spin_lock(&s->fast_lock);
	*home = s->home;
	*boot = s->home_boot;
	if (gen)
		*gen = s->home_gen;
	spin_unlock(&s->fast_lock);
}

/*
 * Void @s's held locks if their home no longer keeps them (locked): it is
 * up as another instance, or came back after the grace, or this host is
 * cut off from it past the grace without a quorum.  A home unreachable
 * otherwise keeps them: it may come back within its grace, or another
 * host adopt the set and take them from this host's ledger.
 */
static void rsm_imc_plk_check(struct rsm_imc_plk *s)
{
	bool stale = false;
	struct rsm_ep *ep;
	u32 home, gen;
	u64 boot;

	if (bitmap_empty(s->held, s->count))
		return;
	rsm_imc_plk_home(s, &home, &boot, &gen);
	if (home == READ_ONCE(rsm_cluster.local_nodeid))
		return;
	if (rsm_imc_back_gen(home) != gen ||
	    (!rsm_imc_lka_quorum_ok() &&
	     rsm_imc_lost_for(home, rsm_imc_lock_grace()))) {
		stale = true;
	} else if (boot) {
		ep = rsm_cluster_active_ep(home);
		stale = ep && ep->peer_boot != boot;
		if (ep)
			rsm_ep_put_user(ep);
	}
	if (stale)
		bitmap_zero(s->held, RSM_IMC_LOCKS_MAX);
}

/*
 * Lock @index of @s was granted by the instance @boot of its home @home:
 * held from now on.  Return: 0, -ENOENT (deallocated meanwhile) or
 * -ESTALE (the set has another home since: its ledger went without it).
 */
static int rsm_imc_plk_granted(struct rsm_imc_lkproc *lp,
			       struct rsm_imc_plk *s, u32 index, u32 home,
			       u64 boot)
{
	u32 gen = rsm_imc_back_gen(home);
	int ret = 0;

	mutex_lock(&lp->lock);
	if (s->dead) {
		ret = -ENOENT;
	} else {
		rsm_imc_plk_check(s);
		spin_lock(&s->fast_lock);
		if (s->home == home) {
			set_bit(index, s->held);
			s->home_boot = boot;
			s->home_gen = gen;
		} else {
			ret = -ESTALE;
		}
		spin_unlock(&s->fast_lock);
	}
	mutex_unlock(&lp->lock);
	return ret;
}

/**
 * rsm_imc_lkproc_new - a descriptor's lock sets, none yet
 *
 * Return: them, or NULL.
 */
struct rsm_imc_lkproc *rsm_imc_lkproc_new(void)
{
	struct rsm_imc_lkproc *lp = kzalloc(sizeof(*lp), GFP_KERNEL_ACCOUNT);

	if (!lp)
		return NULL;
	mutex_init(&lp->lock);
	xa_init_flags(&lp->sets, XA_FLAGS_ALLOC1 | XA_FLAGS_ACCOUNT);
	return lp;
}

/* The pause before asking a home again after try @tries: 0.4 s .. 1 s. */
static unsigned long rsm_imc_lk_backoff(int tries)
{
	return msecs_to_jiffies(tries < 3 ? 200 << tries : 1000);
}

/*
 * Ask the home of @s for lock @q->index until it answers, or for as long
 * as it keeps locks through a gap (a waiter).  Return: as rsm_imc_lk_try();
 * -ENOENT: the set was deallocated.
 */
static int rsm_imc_lk_ask_home(struct rsm_imc_plk *s,
			       struct rsm_imc_lkreq *q, bool wait, u64 *boot)
{
	unsigned long until = 0;
	int tries = 0, ret;

	for (;;) {
		if (READ_ONCE(s->dead))
			return -ENOENT;
		ret = rsm_imc_lk_try(s, q, boot);
		if (ret != -ENOTCONN) {
			tries = 0;
			until = 0;
		} else if (!until) {
			/* a waiter waits for the home as the home waits */
			until = jiffies + rsm_imc_lock_grace();
		}
		if (ret == -ENOTCONN &&
		    (tries++ < RSM_IMC_LK_TRIES ||
		     (wait && time_before(jiffies, until)))) {
			/* the home's endpoint ended: wait for the next */
			if (schedule_timeout_interruptible(rsm_imc_lk_backoff(tries)))
				return -EINTR;
			continue;
		}
		if (ret == RSM_IMC_LKR_BUSY && wait) {
			/* the home has no room for another waiter now */
			if (schedule_timeout_interruptible(msecs_to_jiffies(10)))
				return -EINTR;
			continue;
		}
		return ret;
	}
}

/*
 * A compare-and-swap that may have taken lock @index by its word as the
 * connection to the home failed, and the owner did not get the lock after
 * all: unless it holds it now, the home frees it, if it has it.
 */
static void rsm_imc_lk_unsure(struct rsm_imc_lkproc *lp,
			      struct rsm_imc_plk *s, u32 index, u64 boot)
{
	struct rsm_imc_lkreq q = {
		.owner = s->owner, .index = index, .op = RSM_IMC_LK_RELEASE,
	};
	bool held;

	mutex_lock(&lp->lock);
	held = test_bit(index, s->held);
	mutex_unlock(&lp->lock);
	if (!held &&
	    rsm_imc_lkmsg_send_later(s->key, &q, READ_ONCE(s->home), boot))
		rsm_warn_rl("imc: no memory to give back lock %u of set %u\n",
			    index, s->key);
}

static int rsm_imc_lk_give_back(struct rsm_imc_plk *s,
				const struct rsm_imc_lkreq *q);

/* imc_lkacquire(3) of a looked-up set.  Return: 0 or a status. */
static int rsm_imc_lk_acquire(struct rsm_imc_lkproc *lp,
			      struct rsm_imc_plk *s, u32 index, bool wait)
{
	struct rsm_imc_lkreq q = {
		.owner = s->owner, .pid = task_tgid_nr(current),
		.index = index,
		.op = wait ? RSM_IMC_LK_WAIT : RSM_IMC_LK_TRY,
	};
	u32 home = READ_ONCE(s->home);
	bool unsure, fast = true;
	u64 boot = 0;
	int ret, got;

	/* a free lock nobody waits for: by its word, if it can be */
	ret = rsm_imc_lk_fast(s, index, true, &boot, &unsure);
	if (ret == -EAGAIN) {
		/* what its releases by word left to messages goes first */
		rsm_imc_lk_settle(s);
		fast = false;
		ret = rsm_imc_lk_ask_home(s, &q, wait, &boot);
	}
	/* taken by the word as the connection failed: ours all the same */
	if (unsure && ret == RSM_IMC_LKR_PRIOR)
		ret = 0;
	else if (unsure && ret)
		rsm_imc_lk_unsure(lp, s, index, boot);
	switch (ret) {
	case 0:
	case RSM_IMC_LKR_PRIOR:
		got = rsm_imc_plk_granted(lp, s, index, home, boot);
		if (got == -ESTALE) {
			/*
			 * Adopted meanwhile: whoever granted it, the new home
			 * frees it if it has it (IMC.md 5.3: until rebuilt,
			 * operations may fail)
			 */
			q.op = RSM_IMC_LK_RELEASE;
			if (!ret)
				rsm_imc_lk_give_back(s, &q);
			return RSM_IMC_ST_CORRUPTLOCK;
		}
		if (got) {
			/*
			 * Deallocated meanwhile: what this try got goes back
			 * (only it: the key may have a new set of ours now);
			 * a word's tag goes with the allocation's DROP
			 */
			if (!ret && !fast)
				rsm_imc_lk_cancel(s, &q, boot);
			return RSM_IMC_ST_BADLOCK;
		}
		return ret ? RSM_IMC_ST_LOCKPRIOR : 0;
	case RSM_IMC_LKR_BUSY:
		return RSM_IMC_ST_NOLOCKGOT;
	case RSM_IMC_LKR_BADLOCK:
	case -ENOENT:
		return RSM_IMC_ST_BADLOCK;
	case -EINTR:
		return fatal_signal_pending(current) ? -EINTR : RSM_IMC_ST_INTR;
	case -ENOMEM:
		return RSM_IMC_ST_NOMEM;
	default:	/* no home, or it does not know the set */
		return RSM_IMC_ST_CORRUPTLOCK;
	}
}

/*
 * RELEASE @q at the home.  To a peer: after what the owner asked before
 * and was not answered; to the instance that granted the lock (with it
 * gone, so is the lock: NOTHELD); if not answered (no connection now, or
 * killed while waiting), sent until it is, as the home may keep the lock
 * through the gap.  Return: 0, an RSM_IMC_LKR_* status, -EINTR (nothing
 * was sent) or -ENOMEM.
 */
static int rsm_imc_lk_give_back(struct rsm_imc_plk *s,
				const struct rsm_imc_lkreq *q)
{
	struct rsm_ep *ep;
	u32 home;
	u64 boot;
	int ret;

	rsm_imc_plk_home(s, &home, &boot, NULL);
	if (home == READ_ONCE(rsm_cluster.local_nodeid))
		return rsm_imc_lk_ask(s->key, q, NULL);
	ret = rsm_imc_lkmsg_flush(s->key, s->owner);
	if (ret == -EINTR)
		return ret;
	ep = ret ? NULL : rsm_cluster_active_ep(home);
	if (ep && boot && ep->peer_boot != boot) {
		rsm_ep_put_user(ep);
		return RSM_IMC_LKR_NOTHELD;
	}
	ret = -ENOTCONN;
	if (ep) {
		ret = rsm_imc_lk_ask(s->key, q, ep);
		rsm_ep_put_user(ep);
	}
	if (ret != -ENOTCONN && ret != -EINTR)
		return ret;
	return rsm_imc_lkmsg_send_later(s->key, q, home, boot);
}

/* imc_lkrelease(3) of a looked-up set.  Return: 0 or a status. */
static int rsm_imc_lk_release(struct rsm_imc_proc *pr,
			      struct rsm_imc_lkproc *lp,
			      struct rsm_imc_plk *s, u32 index)
{
	struct rsm_imc_lkreq q = {
		.owner = s->owner, .index = index, .op = RSM_IMC_LK_RELEASE,
	};
	bool held, unsure = false;
	u64 boot;
	int ret;

	/*
	 * The bit goes before the lock does: another thread of the process
	 * that gets the lock next sets it after the home has freed it.
	 */
	mutex_lock(&lp->lock);
	rsm_imc_plk_check(s);
	held = test_and_clear_bit(index, s->held);
	mutex_unlock(&lp->lock);
	/*
	 * A remote home may know better: a connection that failed for a
	 * moment voids the bits here, while the home keeps the lock for a
	 * while (imc_lock_grace_ms).  It says so if it is not ours.
	 */
	if (!held && rsm_imc_home_here(s))
		return RSM_IMC_ST_LOCKNOTHELD;
	/*
	 * Release semantics: the next holder reads what this one wrote.
	 * A lock taken by its word goes back by it, if nobody waits.
	 */
	ret = rsm_imc_proc_flush(pr) ? -EINTR :
	      !held ? -EAGAIN :
	      rsm_imc_lk_fast(s, index, false, &boot, &unsure);
	if (ret == -EAGAIN) {
		rsm_imc_lk_settle(s);
		ret = rsm_imc_lk_give_back(s, &q);
	}
	/* given back by the word as the connection failed: done */
	if (unsure && ret == RSM_IMC_LKR_NOTHELD)
		ret = 0;
	if (ret == -EINTR) {
		/* nothing went to the home: still held */
		mutex_lock(&lp->lock);
		if (held && !s->dead)
			set_bit(index, s->held);
		mutex_unlock(&lp->lock);
		return ret;
	}
	switch (ret) {
	case 0:
		return 0;
	case RSM_IMC_LKR_NOTHELD:
		/* not ours, or lost with the home instance that granted it */
		return RSM_IMC_ST_LOCKNOTHELD;
	case -ENOMEM:
		return RSM_IMC_ST_NOMEM;
	default:
		/* the home's record of the set is gone, and the lock with it */
		return RSM_IMC_ST_CORRUPTLOCK;
	}
}

/* Tell the home of @s that @lp's locks and places in it are no more. */
static void rsm_imc_lk_drop(struct rsm_imc_lkproc *lp, struct rsm_imc_plk *s)
{
	struct rsm_imc_lkreq q = { .owner = s->owner, .op = RSM_IMC_LK_DROP };

	if (rsm_imc_home_here(s)) {
		rsm_imc_lk_here(s->key, &q);
		return;
	}
	/* sent until answered, with memory of its own */
	kref_get(&s->ref);
	s->drop.q = q;
	s->drop.key = s->key;
	rsm_imc_plk_home(s, &s->drop.home, &s->drop.boot, NULL);
	s->drop.set = s;
	rsm_imc_lkmsg_queue(&s->drop);
}

/* Give up @s: its locks at the home, then this host's allocation. */
static void rsm_imc_plk_end(struct rsm_imc_lkproc *lp, struct rsm_imc_plk *s)
{
	/* no atomic on its words may follow its DROP */
	rsm_imc_lk_fast_end(s);
	rsm_imc_lk_drop(lp, s);
	rsm_imc_drop(rsm_imc_rid(s->key, RSM_IMC_LOCKSET));
	kref_put(&s->ref, rsm_imc_plk_free);
}

/**
 * rsm_imc_lkproc_release - a lock owner's descriptor is closed: its locks
 * and lock sets go
 * @lp: from rsm_imc_lkproc_new()
 */
void rsm_imc_lkproc_release(struct rsm_imc_lkproc *lp)
{
	struct rsm_imc_plk *s;
	unsigned long id;

	xa_for_each(&lp->sets, id, s)
		rsm_imc_plk_end(lp, s);
	xa_destroy(&lp->sets);
	kfree(lp);
}

/* The count of locks of lock set @key in the registry, or 0. */
static u32 rsm_imc_lockset_count(u32 key)
{
	struct rsm_imc_region *r;
	u32 n = 0;

	mutex_lock(&rsm_imc_reg_lock);
	r = rsm_imc_find_locked(rsm_imc_rid(key, RSM_IMC_LOCKSET));
	if (r)
		n = r->a.size;
	mutex_unlock(&rsm_imc_reg_lock);
	return n;
}

static bool rsm_imc_lkproc_has(struct rsm_imc_lkproc *lp, u32 key)
{
	struct rsm_imc_plk *s;
	unsigned long id;

	xa_for_each(&lp->sets, id, s)
		if (s->key == key)
			return true;
	return false;
}

/* Allocate @a for @lp as @req asks; Return: 0 or a status. */
static int rsm_imc_lkalloc_locked(struct rsm_imc_lkproc *lp,
				  struct rsm_ioc_imc_lkalloc *req,
				  const struct rsm_imc_attrs *a)
{
	bool creator = req->flags & RSM_IMC_LK_CREATOR;
	struct rsm_imc_attrs got;
	struct rsm_imc_plk *s;
	u64 via = 0;
	u32 id;
	int st;

	if (rsm_imc_lkproc_has(lp, a->key))
		return RSM_IMC_ST_PRIOR;
	s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);
	if (!s)
		return RSM_IMC_ST_NOMEM;
	kref_init(&s->ref);
	spin_lock_init(&s->fast_lock);
	init_rwsem(&s->fast_sem);
	INIT_LIST_HEAD(&s->fast_all);
	st = rsm_imc_owner_alloc();
	if (st < 0) {
		kref_put(&s->ref, rsm_imc_plk_free);
		return RSM_IMC_ST_NOMEM;
	}
	s->owner = st;
	st = rsm_imc_alloc(a, creator ? s->owner : 0, &got, &via);
	if (st == RSM_IMC_ST_BADSIZE)
		req->count = rsm_imc_lockset_count(a->key);
	if (st) {
		kref_put(&s->ref, rsm_imc_plk_free);
		return st;
	}
	s->key = a->key;
	s->count = got.size;
	s->home = got.home;
	s->home_gen = rsm_imc_back_gen(got.home);
	s->pid = task_tgid_nr(current);
	if (creator) {
		/* lock 0, granted by the coordinator instance that answered */
		set_bit(0, s->held);
		s->home_boot = via;
	}
	rsm_imc_lk_fast_start(s);
	if (xa_alloc(&lp->sets, &id, s, XA_LIMIT(1, RSM_IMC_MAX_LOCKSETS),
		     GFP_KERNEL_ACCOUNT)) {
		rsm_imc_plk_end(lp, s);
		return RSM_IMC_ST_MCFULL;
	}
	req->id = id;
	req->count = s->count;
	return 0;
}

/**
 * rsm_imc_ioctl_lkalloc - RSM_IOC_IMC_LKALLOC
 * @pr: the caller's allocations
 * @uarg: struct rsm_ioc_imc_lkalloc in user memory
 *
 * Return: 0, a positive RSM_IMC_ST_* status, or a negative errno.
 */
int rsm_imc_ioctl_lkalloc(struct rsm_imc_proc *pr, void __user *uarg)
{
	struct rsm_imc_lkproc *lp = rsm_imc_proc_locks(pr);
	struct rsm_ioc_imc_lkalloc req;
	struct rsm_imc_attrs a = { };
	struct rsm_imc_plk *s;
	int st;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (!rsm_imc_member())
		return RSM_IMC_ST_NOTINIT;
	if ((req.perm & ~RSM_IMC_PERM_MASK) ||
	    (req.flags & ~RSM_IMC_LK_CREATOR) || req.pad || !req.count)
		return RSM_IMC_ST_BADPARM;
	a.key = req.key;
	a.perm = req.perm;
	a.size = min_t(u32, req.count, RSM_IMC_LOCKS_MAX);
	a.flags = RSM_IMC_LOCKSET;
	if (req.flags & RSM_IMC_LK_CREATOR)
		a.flags |= RSM_IMC_EXCL;
	a.uid = from_kuid_munged(&init_user_ns, current_euid());
	a.gid = from_kgid_munged(&init_user_ns, current_egid());
	req.count = a.size;

	if (mutex_lock_killable(&lp->lock))
		return -EINTR;
	st = rsm_imc_lkalloc_locked(lp, &req, &a);
	mutex_unlock(&lp->lock);
	if (st && st != RSM_IMC_ST_BADSIZE)
		return st;
	if (!copy_to_user(uarg, &req, sizeof(req)))
		return st;
	if (st)
		return -EFAULT;
	mutex_lock(&lp->lock);
	s = xa_erase(&lp->sets, req.id);
	mutex_unlock(&lp->lock);
	if (s)
		rsm_imc_plk_end(lp, s);
	return -EFAULT;
}

/* imc_lkdealloc(3): Return: 0 or a status. */
static int rsm_imc_lk_dealloc(struct rsm_imc_lkproc *lp, s32 id)
{
	struct rsm_imc_plk *s;
	int st = 0;

	/* another thread's lkalloc holds it while asking the coordinator */
	if (mutex_lock_killable(&lp->lock))
		return -EINTR;
	s = xa_load(&lp->sets, id);
	if (!s) {
		st = RSM_IMC_ST_BADLOCK;
	} else {
		rsm_imc_plk_check(s);
		if (!bitmap_empty(s->held, s->count)) {
			st = RSM_IMC_ST_LOCKACTIVE;
		} else {
			xa_erase(&lp->sets, id);
			s->dead = true;
		}
	}
	mutex_unlock(&lp->lock);
	if (st)
		return st;
	rsm_imc_lk_wake_set(s);
	rsm_imc_plk_end(lp, s);
	return 0;
}

/**
 * rsm_imc_ioctl_lkop - RSM_IOC_IMC_LKACQUIRE, _LKRELEASE and _LKDEALLOC
 * @pr: the caller's allocations
 * @cmd: which
 * @uarg: struct rsm_ioc_imc_lkop in user memory
 *
 * Return: 0, a positive RSM_IMC_ST_* status, or a negative errno.
 */
int rsm_imc_ioctl_lkop(struct rsm_imc_proc *pr, unsigned int cmd,
		       void __user *uarg)
{
	struct rsm_imc_lkproc *lp = rsm_imc_proc_locks(pr);
	struct rsm_ioc_imc_lkop req;
	struct rsm_imc_plk *s;
	int st;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (!rsm_imc_member())
		return RSM_IMC_ST_NOTINIT;
	if (cmd == RSM_IOC_IMC_LKDEALLOC) {
		if (req.id <= 0 || req.index || req.flags || req.wait)
			return RSM_IMC_ST_BADPARM;
		return rsm_imc_lk_dealloc(lp, req.id);
	}
	if (req.flags || req.wait > 1 ||
	    (cmd == RSM_IOC_IMC_LKRELEASE && req.wait))
		return RSM_IMC_ST_BADPARM;
	if (mutex_lock_killable(&lp->lock))
		return -EINTR;
	s = req.id > 0 ? xa_load(&lp->sets, req.id) : NULL;
	if (s && req.index < s->count)
		kref_get(&s->ref);
	else
		s = NULL;
	mutex_unlock(&lp->lock);
	if (!s)
		return RSM_IMC_ST_BADLOCK;
	if (cmd == RSM_IOC_IMC_LKRELEASE)
		st = rsm_imc_lk_release(pr, lp, s, req.index);
	else
		st = rsm_imc_lk_acquire(lp, s, req.index, req.wait);
	kref_put(&s->ref, rsm_imc_plk_free);
	return st;
}

/**
 * rsm_imc_ioctl_locksets - RSM_IOC_IMC_LOCKSETS: the registry's lock sets
 * @uarg: struct rsm_ioc_imc_regions in user memory
 *
 * Return: 0, or -EFAULT, -EINVAL or -ENOMEM.
 */
int rsm_imc_ioctl_locksets(void __user *uarg)
{
	struct rsm_imc_lockset_info *out;
	struct rsm_ioc_imc_regions req;
	size_t stride;
	int ret = 0, held;
	u32 i, n;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	stride = req.entry_size;
	if (req.max > RSM_IMC_MAX_LOCKSETS_ALL || req.pad2 ||
	    stride < sizeof(*out) || stride > PAGE_SIZE)
		return -EINVAL;
	out = kvcalloc(max(req.max, 1U), sizeof(*out), GFP_KERNEL_ACCOUNT);
	if (!out)
		return -ENOMEM;
	n = rsm_imc_locksets_list(out, req.max);
	for (i = 0; i < min(n, req.max); i++) {
		held = rsm_imc_lkhome_holders(out[i].key, out[i].holders,
					      RSM_IMC_LK_HOLDERS);
		out[i].held = held < 0 ? ~0U : held;
	}
	req.count = n;
	for (i = 0; i < min(n, req.max) && !ret; i++)
		if (copy_to_user(u64_to_user_ptr(req.buf) + i * stride,
				 &out[i], sizeof(*out)))
			ret = -EFAULT;
	if (!ret && copy_to_user(uarg, &req, sizeof(req)))
		ret = -EFAULT;
	kvfree(out);
	return ret;
}
