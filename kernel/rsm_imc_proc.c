// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsm: a process's Memory Channel allocations - the regions its libimc
 * descriptor allocated (imc_asalloc(3), imc_asdealloc(3)), dropped when
 * the descriptor goes (process exit).
 */
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/cred.h>
#include <linux/xarray.h>

#include "rsm_imc.h"

/* struct rsm_imc_proc - one process's allocations (its libimc descriptor) */
struct rsm_imc_proc {
	struct mutex		lock;		/* one request at a time */
	struct xarray		ids;		/* imc_asid_t -> key */
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
	mutex_init(&pr->lock);
	xa_init_flags(&pr->ids, XA_FLAGS_ALLOC1 | XA_FLAGS_ACCOUNT);
	return pr;
}

/**
 * rsm_imc_proc_release - the descriptor is closed (or its process exited):
 * deallocate what it allocated
 * @pr: from rsm_imc_proc_new()
 */
void rsm_imc_proc_release(struct rsm_imc_proc *pr)
{
	unsigned long id;
	void *entry;

	xa_for_each(&pr->ids, id, entry)
		rsm_imc_drop(xa_to_value(entry));
	xa_destroy(&pr->ids);
	kfree(pr);
}

static bool rsm_imc_proc_has(struct rsm_imc_proc *pr, u32 key)
{
	unsigned long id;
	void *entry;

	xa_for_each(&pr->ids, id, entry)
		if (xa_to_value(entry) == key)
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
	struct rsm_imc_attrs a = { };
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

	mutex_lock(&pr->lock);
	ret = RSM_IMC_ST_PRIOR;
	if (rsm_imc_proc_has(pr, a.key))
		goto out;
	ret = rsm_imc_alloc(&a);
	if (ret)
		goto out;
	if (xa_alloc(&pr->ids, &id, xa_mk_value(a.key), xa_limit_31b,
		     GFP_KERNEL_ACCOUNT)) {
		rsm_imc_drop(a.key);
		ret = RSM_IMC_ST_NOMEM;
		goto out;
	}
	req.id = id;
	req.size = a.size;
	if (copy_to_user(uarg, &req, sizeof(req))) {
		xa_erase(&pr->ids, id);
		rsm_imc_drop(a.key);
		ret = -EFAULT;
	}
out:
	mutex_unlock(&pr->lock);
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
	void *entry;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (req.id <= 0 || req.pad)
		return RSM_IMC_ST_BADPARM;
	mutex_lock(&pr->lock);
	entry = xa_erase(&pr->ids, req.id);
	mutex_unlock(&pr->lock);
	if (!entry)
		return RSM_IMC_ST_BADREGION;
	rsm_imc_drop(xa_to_value(entry));
	return 0;
}
