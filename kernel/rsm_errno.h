/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * RSMAPI error codes as rsm.ko returns them (positive ioctl return values);
 * the values of <sys/rsm/rsm_common.h>.
 */
#ifndef _RSM_ERRNO_H
#define _RSM_ERRNO_H

#define RSMERR_CTLR_NOT_PRESENT		4
#define RSMERR_BAD_SEG_HNDL		5
#define RSMERR_SEG_ALREADY_PUBLISHED	6
#define RSMERR_SEG_NOT_PUBLISHED	7
#define RSMERR_NOT_CREATOR		12
#define RSMERR_BAD_ADDR			16
#define RSMERR_BAD_MEM_ALIGNMENT	17
#define RSMERR_BAD_LENGTH		20
#define RSMERR_BAD_ACL			21
#define RSMERR_RESERVED_SEGID		23
#define RSMERR_SEGID_IN_USE		24
#define RSMERR_PERM_DENIED		27
#define RSMERR_REBIND_NOT_ALLOWED	30
#define RSMERR_INSUFFICIENT_RESOURCES	31
#define RSMERR_INSUFFICIENT_MEM		32
#define RSMERR_REMOTE_NODE_UNREACHABLE	39
#define RSMERR_BAD_DRIVER_VERSION	101

#endif /* _RSM_ERRNO_H */
