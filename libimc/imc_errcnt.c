// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libimc: imc_rderrcnt_mr(3), imc_ckerrcnt_mr(3) and their single-rail
 * predecessors - the cluster-wide error counts of the rails.
 */
#include <sys/ioctl.h>

#include "imc_internal.h"

static int imc_errcnt(__u32 rail, int check, int *count)
{
	struct rsm_ioc_imc_errcnt req = {
		.rail = rail, .check = (__u32)check, .count = *count,
	};
	int fd = imc_fd(), st;

	if (fd < 0)
		return IMC_NOTINIT;
	st = imc_ioctl_status(ioctl(fd, RSM_IOC_IMC_ERRCNT, &req));
	if (st == IMC_SUCCESS || st == IMC_MC_ERROR)
		*count = req.count;
	return st;
}

/**
 * imc_rderrcnt_mr - the error count of a rail
 * @logical_rail: 0 .. IMC_MAXRAILS - 1
 *
 * Return: the count (>= 0), or a negative IMC status.
 */
__attribute__((visibility("default")))
int imc_rderrcnt_mr(int logical_rail)
{
	int count = 0, st;

	if (logical_rail < 0 || logical_rail >= IMC_MAXRAILS)
		return IMC_BADRAIL;
	st = imc_errcnt((__u32)logical_rail, 0, &count);
	return st == IMC_SUCCESS ? count : st;
}

/**
 * imc_ckerrcnt_mr - have this process's writes on a rail arrived, and has
 * no error happened since a count?
 * @errcnt: in: the count last seen; out: the current one
 * @logical_rail: 0 .. IMC_MAXRAILS - 1
 */
__attribute__((visibility("default")))
int imc_ckerrcnt_mr(int *errcnt, int logical_rail)
{
	if (!errcnt)
		return IMC_BADPARM;
	if (logical_rail < 0 || logical_rail >= IMC_MAXRAILS)
		return IMC_BADRAIL;
	return imc_errcnt((__u32)logical_rail, 1, errcnt);
}

/**
 * imc_rderrcnt - the error counts of all rails, summed
 *
 * Return: the sum (>= 0), or a negative IMC status.
 */
__attribute__((visibility("default")))
int imc_rderrcnt(void)
{
	int count = 0, st = imc_errcnt(RSM_IMC_ALL_RAILS, 0, &count);

	return st == IMC_SUCCESS ? count : st;
}

/**
 * imc_ckerrcnt - imc_ckerrcnt_mr() over all rails, summed
 * @errcnt: in: the sum last seen; out: the current one
 */
__attribute__((visibility("default")))
int imc_ckerrcnt(int *errcnt)
{
	if (!errcnt)
		return IMC_BADPARM;
	return imc_errcnt(RSM_IMC_ALL_RAILS, 1, errcnt);
}
