// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libimc: imc_lkalloc(3), imc_lkacquire(3), imc_lkrelease(3) and
 * imc_lkdealloc(3) - clusterwide lock sets.
 */
#include <sys/ioctl.h>

#include "imc_internal.h"

/**
 * imc_lkalloc - allocate a lock set of the cluster, or join it
 * @key: the set's cluster-wide name
 * @count: in: locks wanted (more than IMC_MAXNUMLOCKS are cut to it);
 *	out: locks in the set, also with IMC_BADSIZE (an existing set of
 *	another size)
 * @perm: IMC_LKU, IMC_LKG and IMC_LKO bits, for a set this call creates
 * @flag: IMC_CREATOR: create the set holding lock 0, IMC_EXISTS when it
 *	exists; 0: create or join, holding nothing
 * @lock: out: this process's id of the set
 *
 * Return: IMC_SUCCESS or a negative IMC status.
 */
__attribute__((visibility("default")))
int imc_lkalloc(imc_key_t key, int *count, imc_perm_t perm, int flag,
		imc_lkid_t *lock)
{
	struct rsm_ioc_imc_lkalloc req = {
		.key = (__u32)key, .perm = (__u32)perm,
		.flags = flag == IMC_CREATOR ? RSM_IMC_LK_CREATOR : 0,
	};
	int fd = imc_fd(), st;

	if (fd < 0)
		return IMC_NOTINIT;
	if (!count || !lock || *count <= 0 || (perm & ~0666) ||
	    (flag && flag != IMC_CREATOR))
		return IMC_BADPARM;
	req.count = *count > IMC_MAXNUMLOCKS ? IMC_MAXNUMLOCKS : *count;
	st = imc_ioctl_status(ioctl(fd, RSM_IOC_IMC_LKALLOC, &req));
	if (st == IMC_SUCCESS || st == IMC_BADSIZE)
		*count = (int)req.count;
	if (st == IMC_SUCCESS)
		*lock = req.id;
	return st;
}

static int imc_lkop(unsigned long cmd, imc_lkid_t lock, int index, int flag,
		    int wait)
{
	struct rsm_ioc_imc_lkop req = {
		.id = lock, .index = (__u32)index, .flags = (__u32)flag,
		.wait = (__u32)wait,
	};
	int fd = imc_fd();

	if (fd < 0)
		return IMC_NOTINIT;
	if (lock <= 0 || index < 0)
		return IMC_BADLOCK;
	return imc_ioctl_status(ioctl(fd, cmd, &req));
}

/**
 * imc_lkacquire - take a lock of a lock set
 * @lock: from imc_lkalloc()
 * @index: the lock, 0 .. count - 1
 * @flag: 0
 * @trylock: IMC_LOCKWAIT: wait until it is free (IMC_INTR when a signal
 *	comes first); IMC_LOCKNOWAIT: IMC_NOLOCKGOT when it is held
 *
 * Return: IMC_SUCCESS or a negative IMC status (IMC_LOCKPRIOR: the
 * process holds it already).
 */
__attribute__((visibility("default")))
int imc_lkacquire(imc_lkid_t lock, int index, int flag, int trylock)
{
	if (flag || (trylock != IMC_LOCKWAIT && trylock != IMC_LOCKNOWAIT))
		return imc_fd() < 0 ? IMC_NOTINIT : IMC_BADPARM;
	return imc_lkop(RSM_IOC_IMC_LKACQUIRE, lock, index, 0,
			trylock == IMC_LOCKWAIT);
}

/**
 * imc_lkrelease - give back a lock of a lock set, once what this
 * process's transmit mappings hold has been sent
 * @lock: from imc_lkalloc()
 * @index: the lock
 *
 * Return: IMC_SUCCESS or a negative IMC status (IMC_LOCKNOTHELD).
 */
__attribute__((visibility("default")))
int imc_lkrelease(imc_lkid_t lock, int index)
{
	return imc_lkop(RSM_IOC_IMC_LKRELEASE, lock, index, 0, 0);
}

/**
 * imc_lkdealloc - drop this process's allocation of a lock set
 * @lock: from imc_lkalloc()
 *
 * Return: IMC_SUCCESS or a negative IMC status (IMC_LOCKACTIVE while the
 * process holds one of its locks).
 */
__attribute__((visibility("default")))
int imc_lkdealloc(imc_lkid_t lock)
{
	int fd = imc_fd();
	struct rsm_ioc_imc_lkop req = { .id = lock };

	if (fd < 0)
		return IMC_NOTINIT;
	if (lock <= 0)
		return IMC_BADPARM;
	return imc_ioctl_status(ioctl(fd, RSM_IOC_IMC_LKDEALLOC, &req));
}
