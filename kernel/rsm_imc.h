/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rsm: the Memory Channel API layer of rsm.ko (libimc, imc(3)), the second
 * client of the transport (rsm_tp.h, DESIGN.md decision 16).
 */
#ifndef _RSM_IMC_H
#define _RSM_IMC_H

#include "rsm_tp.h"

/* IMC statuses the kernel returns, negated (IMC_NOTINIT is -14). */
#define RSM_IMC_ST_BADPARM	2
#define RSM_IMC_ST_PRIOR	12
#define RSM_IMC_ST_NOTINIT	14
#define RSM_IMC_ST_BADREGION	20
#define RSM_IMC_ST_TIMEOUT	25
#define RSM_IMC_ST_NOMEM	46
#define RSM_IMC_ST_BADRAIL	57

/* rsm_imc_coordinator(): this host */
#define RSM_IMC_SELF		U32_MAX

struct rsm_imc_proc;

/* What a region is: its creator's choices, which never change. */
struct rsm_imc_attrs {
	u32			key;
	u32			perm;
	u64			size;
	u32			flags;
	u32			rail;
	u32			uid;		/* the owner */
	u32			gid;
};

/* rsm_imc.c */
bool rsm_imc_member(void);
u32 rsm_imc_max_alloc_mb(void);
u32 rsm_imc_coordinator(void);
int rsm_imc_init(void);
void rsm_imc_exit(void);
int rsm_imc_ioctl_init(void __user *uarg);
int rsm_imc_ioctl_hostname(void __user *uarg);
int rsm_imc_ioctl_info(void __user *uarg);
int rsm_imc_ioctl_wait(void __user *uarg);

/* rsm_imc_proc.c */
struct rsm_imc_proc *rsm_imc_proc_new(void);
void rsm_imc_proc_release(struct rsm_imc_proc *pr);
int rsm_imc_ioctl_asalloc(struct rsm_imc_proc *pr, void __user *uarg);
int rsm_imc_ioctl_asdealloc(struct rsm_imc_proc *pr, void __user *uarg);

/* rsm_imc_region.c */
void rsm_imc_regions_announce(void);
void rsm_imc_region_serve(struct rsm_ep *ep, const void *msg);
unsigned int rsm_imc_region_queue(const void *msg);
enum rsm_tp_merge rsm_imc_region_merge(void *queued, const void *msg);
void rsm_imc_regions_ep_gone(u64 ep_id);
int rsm_imc_ioctl_regions(void __user *uarg);
int rsm_imc_alloc(const struct rsm_imc_attrs *a);
void rsm_imc_drop(u32 key);
void rsm_imc_regions_exit(void);

#endif /* _RSM_IMC_H */
