// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libimc: imc_asalloc(3) and imc_asdealloc(3) - regions of the cluster.
 */
#include <errno.h>
#include <sys/ioctl.h>

#include "imc_internal.h"

int imc_ioctl_status(int ret)
{
	if (ret > 0)
		return -ret;	/* the kernel's IMC status, negated */
	if (!ret)
		return IMC_SUCCESS;
	switch (errno) {
	case ENOMEM:
		return IMC_NOMEM;
	case EINTR:
		return IMC_INTR;
	case EFAULT:
		return IMC_BADPARM;
	default:
		return IMC_KERN_FAULT;
	}
}

/**
 * imc_asalloc - allocate a region of the cluster, or join it
 * @key: the region's cluster-wide name
 * @size: bytes, rounded up to pages
 * @perm: IMC_UR... bits, for a region this call creates
 * @flag: IMC_COHERENT or 0
 * @id: out: this process's id of the region
 * @logical_rail: the rail the region lives on
 */
__attribute__((visibility("default")))
int imc_asalloc(imc_key_t key, imc_size_t size, imc_perm_t perm, int flag,
		imc_asid_t *id, int logical_rail)
{
	struct rsm_ioc_imc_asalloc req = {
		.key = (__u32)key, .perm = (__u32)perm, .size = size,
		.flags = (__u32)flag, .rail = (__u32)logical_rail,
	};
	int fd = imc_fd(), st;

	if (fd < 0)
		return IMC_NOTINIT;
	if (!id || (flag & ~IMC_COHERENT) || (perm & ~0666))
		return IMC_BADPARM;
	if (logical_rail < 0 || logical_rail >= IMC_MAXRAILS)
		return IMC_BADRAIL;
	st = imc_ioctl_status(ioctl(fd, RSM_IOC_IMC_ASALLOC, &req));
	if (st == IMC_SUCCESS)
		*id = req.id;
	return st;
}

/**
 * imc_asdealloc - drop this process's allocation of a region
 * @id: from imc_asalloc()
 */
__attribute__((visibility("default")))
int imc_asdealloc(imc_asid_t id)
{
	struct rsm_ioc_imc_asid req = { .id = id };
	int fd = imc_fd();

	if (fd < 0)
		return IMC_NOTINIT;
	if (id <= 0)
		return IMC_BADPARM;
	return imc_ioctl_status(ioctl(fd, RSM_IOC_IMC_ASDEALLOC, &req));
}
