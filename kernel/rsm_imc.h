/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rsm: the Memory Channel API layer of rsm.ko (libimc, imc(3)), the second
 * client of the transport (rsm_tp.h, DESIGN.md decision 16).
 */
#ifndef _RSM_IMC_H
#define _RSM_IMC_H

#include "rsm_tp.h"

/* rsm_imc.c */
int rsm_imc_init(void);
void rsm_imc_exit(void);
int rsm_imc_ioctl_init(void __user *uarg);
int rsm_imc_ioctl_hostname(void __user *uarg);
int rsm_imc_ioctl_info(void __user *uarg);
int rsm_imc_ioctl_wait(void __user *uarg);

#endif /* _RSM_IMC_H */
