// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libimc: imc_api_init(3) - the process's connection to the module.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "imc_internal.h"

/* Under imc_lock: the descriptor and the process that opened it. */
static pthread_mutex_t imc_lock = PTHREAD_MUTEX_INITIALIZER;
static int imc_dev_fd = -1;
static pid_t imc_dev_pid;

/*
 * A child after fork(): the descriptor is the parent's (its allocations
 * go when the parent's process ends, not when the child's copy is closed
 * too); the child has none until it calls imc_api_init().
 */
static void imc_atfork_child(void)
{
	if (imc_dev_fd >= 0)
		close(imc_dev_fd);
	imc_dev_fd = -1;
	imc_dev_pid = 0;
	pthread_mutex_init(&imc_lock, NULL);
	imc_maps_forget();
}

static pthread_once_t imc_once = PTHREAD_ONCE_INIT;

static void imc_register_atfork(void)
{
	pthread_atfork(NULL, NULL, imc_atfork_child);
}

int imc_fd(void)
{
	int fd;

	pthread_mutex_lock(&imc_lock);
	fd = imc_dev_pid == getpid() ? imc_dev_fd : -1;
	pthread_mutex_unlock(&imc_lock);
	return fd;
}

int imc_info(int fd, struct rsm_ioc_imc_info *info)
{
	if (ioctl(fd, RSM_IOC_IMC_INFO, info) == 0)
		return IMC_SUCCESS;
	return errno == ENOMEM ? IMC_NOMEM : IMC_KERN_FAULT;
}

/**
 * imc_api_init - make the Memory Channel API usable in this process
 * @reserved: pass NULL
 *
 * Opens the module's device (kept open, close-on-exec) and checks that this
 * host joined the API cluster (imc_init(8)).  A second call in the same
 * process does nothing; a child after fork() calls it again.
 */
__attribute__((visibility("default")))
int imc_api_init(unsigned long *reserved)
{
	struct rsm_ioc_imc_info *info;
	const char *dev = getenv("RSM_DEVICE");
	int fd, st;

	(void)reserved;
	pthread_once(&imc_once, imc_register_atfork);
	if (imc_fd() >= 0)
		return IMC_SUCCESS;
	info = malloc(sizeof(*info));
	if (!info)
		return IMC_NOMEM;
	fd = open(dev && *dev ? dev : IMC_DEVICE, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		free(info);
		return IMC_OPENERR;
	}
	st = imc_info(fd, info);
	if (st == IMC_SUCCESS && !info->member)
		st = IMC_NOTINIT;
	free(info);
	if (st != IMC_SUCCESS) {
		close(fd);
		return st;
	}
	pthread_mutex_lock(&imc_lock);
	if (imc_dev_pid == getpid()) {
		/* another thread got there first */
		close(fd);
	} else {
		imc_dev_fd = fd;
		imc_dev_pid = getpid();
	}
	pthread_mutex_unlock(&imc_lock);
	return IMC_SUCCESS;
}
