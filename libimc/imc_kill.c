// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libimc: imc_kill(3) - a signal to a process on a host of the API
 * cluster.
 */
#include <string.h>
#include <sys/ioctl.h>

#include "imc_internal.h"

/**
 * imc_kill - send a signal to a process on a host of the API cluster
 * @hostname: the host, a name imc_getclusterinfo(3) lists (this host's
 *	own included)
 * @pid: the process there, above 0
 * @signal: 0 (check only) or a signal number
 *
 * Return: IMC_SUCCESS or a negative IMC status.
 */
__attribute__((visibility("default")))
int imc_kill(char *hostname, pid_t pid, int signal)
{
	struct rsm_ioc_imc_kill req = { .pid = pid, .sig = signal };
	int fd = imc_fd();
	size_t n;

	if (fd < 0)
		return IMC_NOTINIT;
	if (!hostname || pid <= 0)
		return IMC_BADPARM;
	n = strlen(hostname);
	if (!n || n >= sizeof(req.host))
		return IMC_BADHOST;
	memcpy(req.host, hostname, n + 1);
	return imc_ioctl_status(ioctl(fd, RSM_IOC_IMC_KILL, &req));
}
