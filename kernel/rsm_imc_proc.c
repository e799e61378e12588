// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsm: a process's Memory Channel allocations - the regions its libimc
 * descriptor allocated (imc_asalloc(3), imc_asdealloc(3)) and attached
 * (imc_asattach(3), imc_asdetach(3)), detached and dropped when the
 * descriptor goes (process exit), and its sends and error counts.
 *
 * A mapping is made in two steps: RSM_IOC_IMC_ASATTACH attaches and gives
 * an mmap offset that names the allocation and the direction, and mmap of
 * the descriptor at that offset maps it.
 */
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/cred.h>
#include <linux/xarray.h>
#include <linux/mm.h>

#include "rsm_imc.h"

/* mmap offsets: (id * 2 + transmit) << RSM_IMC_OFF_SHIFT */
#define RSM_IMC_OFF_SHIFT	24

/*
 * struct rsm_imc_proc - one process's allocations (its libimc descriptor)
 * @ids: imc_asid_t -> struct rsm_imc_pid
 * @failed: bit r: a send on rail r failed since the last imc_ckerrcnt_mr
 */
struct rsm_imc_proc {
	/* one request at a time; all below.  mmap takes it under mmap_lock:
	 * never touch user memory while holding it
	 */
	struct mutex		lock;
	struct xarray		ids;
	u32			failed;
	struct rsm_imc_lkproc	*locks;	/* its lock sets (rsm_imc_lock.c) */
};

/*
 * struct rsm_imc_pid - one allocation of the process
 * @key: the region
 * @m: this host's side of it, from the first attach on
 * @rx: attached for receive
 * @tx: the transmit mapping, if attached so
 * @tx_dir: RSM_IMC_DIR_TX or _PTP
 */
struct rsm_imc_pid {
	u32			key;
	struct rsm_imc_mem	*m;
	bool			rx;
	struct rsm_imc_tx	*tx;
	u32			tx_dir;
};

/**
 * rsm_imc_proc_new - the allocations of a process's libimc descriptor
 *
 * Return: a new, empty set, or NULL.
 */
struct rsm_imc_proc *rsm_imc_proc_new(void)
{
	struct rsm_imc_proc *pr = kzalloc(sizeof(*pr), GFP_KERNEL_ACCOUNT);

	if (!pr)
		return NULL;
	pr->locks = rsm_imc_lkproc_new();
	if (!pr->locks) {
		kfree(pr);
		return NULL;
	}
	mutex_init(&pr->lock);
	xa_init_flags(&pr->ids, XA_FLAGS_ALLOC1 | XA_FLAGS_ACCOUNT);
	return pr;
}

/* Send what the transmit mapping of @e holds that changed; count failures. */
static int rsm_imc_pid_flush(struct rsm_imc_proc *pr, struct rsm_imc_pid *e)
{
	int ret = rsm_imc_tx_send(e->tx, 0, 0, true);

	if (ret && ret != -EINTR)
		pr->failed |= BIT(rsm_imc_tx_rail(e->tx));
	return ret;
}

/* Detach @e in the directions @dirs; transmit data goes out first. */
static void rsm_imc_pid_detach(struct rsm_imc_proc *pr, struct rsm_imc_pid *e,
			       u32 dirs)
{
	if ((dirs & RSM_IMC_DIR_TX) && e->tx) {
		rsm_imc_pid_flush(pr, e);
		rsm_imc_tx_free(e->tx);
		e->tx = NULL;
		rsm_imc_mem_detach(e->m, e->tx_dir);
	}
	if ((dirs & RSM_IMC_DIR_RX) && e->rx) {
		e->rx = false;
		rsm_imc_mem_detach(e->m, RSM_IMC_DIR_RX);
	}
}

/* Drop the allocation @e (detached). */
static void rsm_imc_pid_free(struct rsm_imc_pid *e)
{
	rsm_imc_mem_put(e->m);
	rsm_imc_drop(e->key);
	kfree(e);
}

/**
 * rsm_imc_proc_release - the descriptor is closed (or its process exited):
 * deallocate what it allocated
 * @pr: from rsm_imc_proc_new()
 */
void rsm_imc_proc_release(struct rsm_imc_proc *pr)
{
	struct rsm_imc_pid *e;
	unsigned long id;

	/* its locks go after what it sent (release semantics) */
	xa_for_each(&pr->ids, id, e)
		if (e->tx)
			rsm_imc_pid_flush(pr, e);
	rsm_imc_lkproc_release(pr->locks);
	xa_for_each(&pr->ids, id, e) {
		rsm_imc_pid_detach(pr, e, RSM_IMC_DIR_TX | RSM_IMC_DIR_RX);
		rsm_imc_pid_free(e);
	}
	xa_destroy(&pr->ids);
	kfree(pr);
}

static bool rsm_imc_proc_has(struct rsm_imc_proc *pr, u32 key)
{
	struct rsm_imc_pid *e;
	unsigned long id;

	xa_for_each(&pr->ids, id, e)
		if (e->key == key)
			return true;
	return false;
}

/**
 * rsm_imc_ioctl_asalloc - RSM_IOC_IMC_ASALLOC
 * @pr: the caller's allocations
 * @uarg: struct rsm_ioc_imc_asalloc in user memory
 *
 * Return: 0, a positive RSM_IMC_ST_* status, or a negative errno.
 */
int rsm_imc_ioctl_asalloc(struct rsm_imc_proc *pr, void __user *uarg)
{
	struct rsm_ioc_imc_asalloc req;
	struct rsm_imc_attrs a = { }, got;
	u64 via;
	struct rsm_imc_pid *e;
	u32 nrails, active, id;
	int ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (!rsm_imc_member())
		return RSM_IMC_ST_NOTINIT;
	if ((req.perm & ~RSM_IMC_PERM_MASK) || (req.flags & ~RSM_IMC_COHERENT) ||
	    req.pad)
		return RSM_IMC_ST_BADPARM;
	rsm_cluster_rails(RSM_IMC_RAILS, &nrails, &active);
	if (req.rail >= nrails)
		return RSM_IMC_ST_BADRAIL;
	if (!req.size || req.size > RSM_IMC_SIZE_MAX)
		return RSM_IMC_ST_BADSIZE;
	a.key = req.key;
	a.perm = req.perm;
	a.size = round_up(req.size, RSM_IMC_PAGE);
	a.flags = req.flags;
	a.rail = req.rail;
	a.uid = from_kuid_munged(&init_user_ns, current_euid());
	a.gid = from_kgid_munged(&init_user_ns, current_egid());

	e = kzalloc(sizeof(*e), GFP_KERNEL_ACCOUNT);
	if (!e)
		return RSM_IMC_ST_NOMEM;
	e->key = a.key;
	mutex_lock(&pr->lock);
	ret = RSM_IMC_ST_PRIOR;
	if (rsm_imc_proc_has(pr, a.key))
		goto out;
	ret = rsm_imc_alloc(&a, 0, &got, &via);
	if (ret)
		goto out;
	if (xa_alloc(&pr->ids, &id, e, xa_limit_31b, GFP_KERNEL_ACCOUNT)) {
		rsm_imc_drop(a.key);
		ret = RSM_IMC_ST_NOMEM;
		goto out;
	}
	req.id = id;
	req.size = a.size;
	e = NULL;
out:
	mutex_unlock(&pr->lock);
	kfree(e);
	/* never fault on user memory under @pr->lock (mmap takes it) */
	if (!ret && copy_to_user(uarg, &req, sizeof(req))) {
		mutex_lock(&pr->lock);
		e = xa_load(&pr->ids, req.id);
		if (e && !e->rx && !e->tx)
			xa_erase(&pr->ids, req.id);
		else
			e = NULL;
		mutex_unlock(&pr->lock);
		if (e)
			rsm_imc_pid_free(e);
		ret = -EFAULT;
	}
	return ret;
}

/**
 * rsm_imc_ioctl_asdealloc - RSM_IOC_IMC_ASDEALLOC
 * @pr: the caller's allocations
 * @uarg: struct rsm_ioc_imc_asid in user memory
 *
 * Return: 0, a positive RSM_IMC_ST_* status, or a negative errno.
 */
int rsm_imc_ioctl_asdealloc(struct rsm_imc_proc *pr, void __user *uarg)
{
	struct rsm_ioc_imc_asid req;
	struct rsm_imc_pid *e;
	int ret = 0;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (req.id <= 0 || req.pad)
		return RSM_IMC_ST_BADPARM;
	mutex_lock(&pr->lock);
	e = xa_load(&pr->ids, req.id);
	if (!e)
		ret = RSM_IMC_ST_BADREGION;
	else if (e->rx || e->tx)
		ret = RSM_IMC_ST_ATTACHED;
	else
		xa_erase(&pr->ids, req.id);
	mutex_unlock(&pr->lock);
	if (!ret)
		rsm_imc_pid_free(e);
	return ret;
}

/* May the caller attach @a for @want (04 receive, 02 transmit)? */
static bool rsm_imc_attach_may(const struct rsm_imc_attrs *a, u32 want)
{
	kuid_t uid = current_euid();
	u32 bits = a->perm;

	if (uid_eq(uid, GLOBAL_ROOT_UID))
		return true;
	if (from_kuid_munged(&init_user_ns, uid) == a->uid)
		bits >>= 6;
	else if (in_egroup_p(make_kgid(&init_user_ns, a->gid)))
		bits >>= 3;
	return bits & want;
}

/* An attach request's arguments: 0 or an RSM_IMC_ST_* status. */
static int rsm_imc_attach_check(struct rsm_ioc_imc_attach *req, u32 *ptp)
{
	size_t n = strnlen(req->host, sizeof(req->host));

	*ptp = RSM_NODEID_NONE;
	if (req->id <= 0 || n == sizeof(req->host) ||
	    (req->mode != RSM_IMC_SHARED && req->mode != RSM_IMC_NONSHARED))
		return RSM_IMC_ST_BADPARM;
	switch (req->dir) {
	case RSM_IMC_DIR_TX:
		return req->flags & ~RSM_IMC_LOOPBACK || n ?
		       RSM_IMC_ST_BADPARM : 0;
	case RSM_IMC_DIR_RX:
		return req->flags || n ? RSM_IMC_ST_BADPARM : 0;
	case RSM_IMC_DIR_PTP:
		if (req->flags)
			return RSM_IMC_ST_PTPERR;
		return rsm_imc_host_node(req->host, ptp);
	default:
		return RSM_IMC_ST_BADPARM;
	}
}

/* Attach @e as @req asks; under the process's lock. */
static int rsm_imc_pid_attach(struct rsm_imc_proc *pr, struct rsm_imc_pid *e,
			      const struct rsm_ioc_imc_attach *req, u32 ptp)
{
	bool rx = req->dir == RSM_IMC_DIR_RX;
	int st;

	if (rx && e->rx)
		return RSM_IMC_ST_RECMAPPED;
	if (!rx && e->tx)
		return RSM_IMC_ST_XMITMAPPED;
	if (!e->m) {
		e->m = rsm_imc_mem_get(e->key, RSM_IMC_MAKE);
		if (!e->m)
			return RSM_IMC_ST_NOMEM;
	}
	if (!rsm_imc_attach_may(&e->m->a, rx ? 04 : 02))
		return RSM_IMC_ST_PERMIT;
	st = rsm_imc_mem_attach(e->m, pr, req->dir, req->mode, req->flags);
	if (st)
		return st;
	if (rx) {
		e->rx = true;
		return 0;
	}
	e->tx = rsm_imc_tx_new(e->m, ptp);
	if (!e->tx) {
		rsm_imc_mem_detach(e->m, req->dir);
		return RSM_IMC_ST_NOMEM;
	}
	e->tx_dir = req->dir;
	return 0;
}

/**
 * rsm_imc_ioctl_asattach - RSM_IOC_IMC_ASATTACH
 * @pr: the caller's allocations
 * @uarg: struct rsm_ioc_imc_attach in user memory
 *
 * Return: 0, a positive RSM_IMC_ST_* status, or a negative errno.
 */
int rsm_imc_ioctl_asattach(struct rsm_imc_proc *pr, void __user *uarg)
{
	struct rsm_ioc_imc_attach req;
	struct rsm_imc_pid *e;
	u32 ptp;
	int st;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	st = rsm_imc_attach_check(&req, &ptp);
	if (st)
		return st;
	mutex_lock(&pr->lock);
	e = xa_load(&pr->ids, req.id);
	st = e ? rsm_imc_pid_attach(pr, e, &req, ptp) : RSM_IMC_ST_BADREGION;
	if (!st) {
		req.offset = ((u64)req.id * 2 + (req.dir != RSM_IMC_DIR_RX)) <<
			     RSM_IMC_OFF_SHIFT;
		req.size = e->m->a.size;
	}
	mutex_unlock(&pr->lock);
	/* never fault on user memory under @pr->lock (mmap takes it) */
	if (!st && copy_to_user(uarg, &req, sizeof(req))) {
		mutex_lock(&pr->lock);
		e = xa_load(&pr->ids, req.id);
		if (e)
			rsm_imc_pid_detach(pr, e, req.dir == RSM_IMC_DIR_RX ?
					   RSM_IMC_DIR_RX : RSM_IMC_DIR_TX);
		mutex_unlock(&pr->lock);
		st = -EFAULT;
	}
	return st;
}

/**
 * rsm_imc_ioctl_asdetach - RSM_IOC_IMC_ASDETACH
 * @pr: the caller's allocations
 * @uarg: struct rsm_ioc_imc_detach in user memory
 *
 * Return: 0, a positive RSM_IMC_ST_* status, or a negative errno.
 */
int rsm_imc_ioctl_asdetach(struct rsm_imc_proc *pr, void __user *uarg)
{
	struct rsm_ioc_imc_detach req;
	struct rsm_imc_pid *e;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (req.id <= 0 || (req.dirs & ~(RSM_IMC_DIR_TX | RSM_IMC_DIR_RX)))
		return RSM_IMC_ST_BADPARM;
	mutex_lock(&pr->lock);
	e = xa_load(&pr->ids, req.id);
	if (e)
		rsm_imc_pid_detach(pr, e, req.dirs ?:
				   RSM_IMC_DIR_TX | RSM_IMC_DIR_RX);
	mutex_unlock(&pr->lock);
	return e ? 0 : RSM_IMC_ST_BADREGION;
}

/**
 * rsm_imc_ioctl_put - RSM_IOC_IMC_PUT: send a range of a transmit mapping
 * @pr: the caller's allocations
 * @uarg: struct rsm_ioc_imc_put in user memory
 *
 * Return: 0 (a failed write counts as an error of the rail), a positive
 * RSM_IMC_ST_* status, or a negative errno.
 */
int rsm_imc_ioctl_put(struct rsm_imc_proc *pr, void __user *uarg)
{
	struct rsm_ioc_imc_put req;
	struct rsm_imc_pid *e;
	u64 end;
	int ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (req.id <= 0 || req.pad || !req.len ||
	    check_add_overflow(req.offset, req.len, &end))
		return RSM_IMC_ST_BADPARM;
	mutex_lock(&pr->lock);
	e = xa_load(&pr->ids, req.id);
	if (!e || !e->tx)
		ret = RSM_IMC_ST_BADREGION;
	else if (end > e->m->a.size)
		ret = RSM_IMC_ST_BADPARM;
	else
		ret = rsm_imc_tx_send(e->tx, req.offset, req.len, false);
	if (ret == -EIO || ret == -ENOTCONN) {
		pr->failed |= BIT(rsm_imc_tx_rail(e->tx));
		ret = 0;
	}
	mutex_unlock(&pr->lock);
	return ret == -ENOMEM ? RSM_IMC_ST_NOMEM : ret;
}

/* Flush the transmit mappings of @id (0: all) on @rail (ALL: any). */
static int rsm_imc_flush_locked(struct rsm_imc_proc *pr, s32 id, u32 rail)
{
	struct rsm_imc_pid *e;
	unsigned long i;
	int ret = 0;

	xa_for_each(&pr->ids, i, e) {
		if ((id && i != id) || !e->tx ||
		    (rail != RSM_IMC_ALL_RAILS && rsm_imc_tx_rail(e->tx) != rail))
			continue;
		if (rsm_imc_pid_flush(pr, e) == -EINTR)
			ret = -EINTR;
	}
	return ret;
}

/**
 * rsm_imc_proc_locks - a process's lock sets
 * @pr: its allocations
 *
 * Return: its struct rsm_imc_lkproc.
 */
struct rsm_imc_lkproc *rsm_imc_proc_locks(struct rsm_imc_proc *pr)
{
	return pr->locks;
}

/**
 * rsm_imc_proc_flush - send what every transmit mapping of a process
 * holds that changed (before it releases a lock)
 * @pr: its allocations
 *
 * Return: 0 or -EINTR.
 */
int rsm_imc_proc_flush(struct rsm_imc_proc *pr)
{
	int ret;

	if (mutex_lock_killable(&pr->lock))
		return -EINTR;
	ret = rsm_imc_flush_locked(pr, 0, RSM_IMC_ALL_RAILS);
	mutex_unlock(&pr->lock);
	return ret;
}

/**
 * rsm_imc_ioctl_flush - RSM_IOC_IMC_FLUSH
 * @pr: the caller's allocations
 * @uarg: struct rsm_ioc_imc_detach in user memory (@dirs zero)
 *
 * Return: 0, a positive RSM_IMC_ST_* status, or a negative errno.
 */
int rsm_imc_ioctl_flush(struct rsm_imc_proc *pr, void __user *uarg)
{
	struct rsm_ioc_imc_detach req;
	int ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (req.id < 0 || req.dirs)
		return RSM_IMC_ST_BADPARM;
	mutex_lock(&pr->lock);
	if (req.id && !xa_load(&pr->ids, req.id))
		ret = RSM_IMC_ST_BADREGION;
	else
		ret = rsm_imc_flush_locked(pr, req.id, RSM_IMC_ALL_RAILS);
	mutex_unlock(&pr->lock);
	return ret;
}

/**
 * rsm_imc_ioctl_errcnt - RSM_IOC_IMC_ERRCNT
 * @pr: the caller's allocations
 * @uarg: struct rsm_ioc_imc_errcnt in user memory
 *
 * Return: 0, a positive RSM_IMC_ST_* status, or a negative errno.
 */
int rsm_imc_ioctl_errcnt(struct rsm_imc_proc *pr, void __user *uarg)
{
	struct rsm_ioc_imc_errcnt req;
	u32 r, nrails, active, mask;
	s64 sum = 0;
	int ret = 0;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	rsm_cluster_rails(RSM_IMC_RAILS, &nrails, &active);
	if (req.pad || req.check > 1)
		return RSM_IMC_ST_BADPARM;
	if (req.rail != RSM_IMC_ALL_RAILS && req.rail >= nrails)
		return RSM_IMC_ST_BADRAIL;
	/* the legacy calls sum the rails there are */
	mask = req.rail == RSM_IMC_ALL_RAILS ? (u32)BIT(nrails) - 1 :
	       BIT(req.rail);
	mutex_lock(&pr->lock);
	if (req.check)
		ret = rsm_imc_flush_locked(pr, 0, req.rail);
	for (r = 0; r < RSM_IMC_RAILS; r++)
		if (mask & BIT(r))
			sum += rsm_imc_errcnt(r);
	sum = min_t(s64, sum, RSM_IMC_ERRCNT_MAX - 1);
	/* while the rails recover, the count reads negative */
	if (rsm_imc_recovering())
		sum = -sum - 1;
	if (!ret && req.check) {
		if ((pr->failed & mask) || sum < 0 || sum > req.count)
			ret = RSM_IMC_ST_MC_ERROR;
		pr->failed &= ~mask;
	}
	mutex_unlock(&pr->lock);
	req.count = sum;
	if (ret >= 0 && copy_to_user(uarg, &req, sizeof(req)))
		ret = -EFAULT;
	return ret;
}

/**
 * rsm_imc_proc_mmap - map an attached region at the offset its attach gave
 * @pr: the caller's allocations
 * @vma: the whole region
 *
 * Return: 0 or a negative errno.
 */
int rsm_imc_proc_mmap(struct rsm_imc_proc *pr, struct vm_area_struct *vma)
{
	u64 cookie = (u64)vma->vm_pgoff << PAGE_SHIFT;
	u64 slot = cookie >> RSM_IMC_OFF_SHIFT;
	struct rsm_imc_pid *e;
	int ret = -EINVAL;

	if (cookie & ((1ULL << RSM_IMC_OFF_SHIFT) - 1) || slot / 2 > INT_MAX)
		return -EINVAL;
	mutex_lock(&pr->lock);
	e = xa_load(&pr->ids, slot / 2);
	if (e && (slot & 1) && e->tx)
		ret = rsm_imc_tx_mmap(e->tx, vma);
	else if (e && !(slot & 1) && e->rx)
		ret = rsm_imc_mem_mmap_rx(e->m, vma);
	mutex_unlock(&pr->lock);
	return ret;
}
