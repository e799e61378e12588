/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The RDMA controller the cluster tests use: the device utils/rsm-vcluster
 * created on eth0, rxe0 on soft-RoCE or siw0 on soft-iWARP.  The runner
 * names it and its transport in RSM_CONTROLLER and RSM_TRANSPORT.
 */
#ifndef RSM_CTLR_H
#define RSM_CTLR_H

#include <stdlib.h>
#include <string.h>

/* not const: rsm_get_controller() takes a plain char * on Solaris */
static inline char *rsmt_ctlr(void)
{
	char *c = getenv("RSM_CONTROLLER");

	return c && *c ? c : (char *)"rxe0";
}

/* the rdma(8) link type of that device: rxe or siw */
static inline const char *rsmt_transport(void)
{
	const char *t = getenv("RSM_TRANSPORT");

	return t && *t ? t : "rxe";
}

/* A fixture's controller: "rxe0" there stands for the RDMA controller. */
static inline char *rsmt_vctlr(const char *name)
{
	return strcmp(name, "rxe0") ? (char *)name : rsmt_ctlr();
}

#endif
