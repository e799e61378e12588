/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libimc internals: the process's descriptor of /dev/rsm.
 */
#ifndef IMC_INTERNAL_H
#define IMC_INTERNAL_H

#include <sys/imc.h>
#include <rsm_ioctl.h>

#define IMC_HIDDEN __attribute__((visibility("hidden")))

/* Where the module is; RSM_DEVICE in the environment overrides it. */
#define IMC_DEVICE	"/dev/rsm"

/*
 * The descriptor imc_api_init() opened in this process, or -1: a child
 * after fork() must call imc_api_init() again (IMC_NOTINIT until then).
 */
IMC_HIDDEN int imc_fd(void);

/* An ioctl's result as an IMC status (see rsm_ioctl.h). */
IMC_HIDDEN int imc_ioctl_status(int ret);

/* RSM_IOC_IMC_INFO on @fd; IMC_SUCCESS or an IMC status. */
IMC_HIDDEN int imc_info(int fd, struct rsm_ioc_imc_info *info);

/* Bytes an imc_hostinfo with @n hosts needs. */
IMC_HIDDEN unsigned long imc_hostinfo_size(unsigned int n);

/* The hosts of @info as an imc_hostinfo (which has room for them). */
IMC_HIDDEN void imc_hostinfo_fill(imc_hostinfo *hi,
				  const struct rsm_ioc_imc_info *info);

/* A child after fork() has no mappings of its parent's (imc_attach.c). */
IMC_HIDDEN void imc_maps_forget(void);

#endif
