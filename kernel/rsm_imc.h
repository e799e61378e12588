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

/* rsm_imc_region.c */
void rsm_imc_regions_announce(void);
void rsm_imc_region_serve(struct rsm_ep *ep, const void *msg);
unsigned int rsm_imc_region_queue(const void *msg);
void rsm_imc_regions_ep_gone(u64 ep_id);
struct rsm_imc_proc *rsm_imc_proc_new(void);
void rsm_imc_proc_release(struct rsm_imc_proc *pr);
int rsm_imc_ioctl_asalloc(struct rsm_imc_proc *pr, void __user *uarg);
int rsm_imc_ioctl_asdealloc(struct rsm_imc_proc *pr, void __user *uarg);
int rsm_imc_ioctl_regions(void __user *uarg);
void rsm_imc_regions_exit(void);

#endif /* _RSM_IMC_H */
