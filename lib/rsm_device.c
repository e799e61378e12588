// SPDX-License-Identifier: BSD-2-Clause
/*
 * The process-wide control descriptor on /dev/rsm and the translation of
 * ioctl results into RSMERR codes (spec 1.7, 3.1, 5.3).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "rsm_internal.h"

/*
 * Opened lazily by the first call that needs it, not at load time, so that
 * a failure is reported to a caller (spec A26).  A failed open is not
 * remembered: a long-running process started before rsm.ko was loaded
 * finds the device on a later call.  Once open, the descriptor stays for
 * the life of the process.
 */
static pthread_mutex_t rsm_ctl_lock = PTHREAD_MUTEX_INITIALIZER;
static int rsm_ctl_desc = -1;	/* written under rsm_ctl_lock, read atomically */

/**
 * rsm_errno_to_rsmerr() - the RSMERR code for a genuine errno (spec 5.3)
 * @err: errno value from a failed request on a segment descriptor
 *
 * Return: an RSMERR code; never 0.
 */
int rsm_errno_to_rsmerr(int err)
{
	switch (err) {
	case EINTR:
		return RSMERR_INTERRUPTED;
	case EFAULT:
		return RSMERR_BAD_ADDR;
	case ENOMEM:
		return RSMERR_INSUFFICIENT_MEM;
	case EAGAIN:
	case EMFILE:
	case ENFILE:
		return RSMERR_INSUFFICIENT_RESOURCES;
	case ENODEV:
	case ENXIO:
		return RSMERR_CONN_ABORTED;
	default:
		return RSMERR_INTERNAL_ERROR;
	}
}

/* Public functions may only return codes the spec lists (5.1, 5.2). */
static bool rsm_is_rsmerr(int code)
{
	return (code >= RSMERR_BAD_LIBRARY_VERSION &&
		code <= RSMERR_SEG_NOT_CONNECTED) ||
	       (code >= RSMERR_INTERNAL_ERROR && code <= RSMERR_QUEUE_FULL);
}

/**
 * rsm_ioctl_status() - an RSMERR code for the result of one ioctl()
 * @rc: what ioctl() returned
 * @err: errno right after it
 *
 * The uapi convention: 0, a positive RSMERR code, or -1 with errno.
 * A positive value the spec does not list would be a kernel bug; it must
 * not reach the application as if it were an RSMERR code.
 *
 * Return: 0 or an RSMERR code.
 */
int rsm_ioctl_status(int rc, int err)
{
	if (rc == 0)
		return RSM_SUCCESS;
	if (rc > 0)
		return rsm_is_rsmerr(rc) ? rc : RSMERR_INTERNAL_ERROR;
	return rsm_errno_to_rsmerr(err);
}

/*
 * Without rsm.ko there is no /dev/rsm (ENOENT), or the node exists without
 * a driver behind it (ENODEV/ENXIO): either way no controller is present.
 */
static int rsm_ctl_open_error(int err)
{
	if (err == ENOENT || err == ENODEV || err == ENXIO)
		return RSMERR_CTLR_NOT_PRESENT;
	return rsm_errno_to_rsmerr(err);
}

static int rsm_ctl_open(int *fdp)
{
	int fd, fd3;

	fd = open(RSM_DEVICE_PATH, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return rsm_ctl_open_error(errno);
	if (fd >= 3) {
		*fdp = fd;
		return RSM_SUCCESS;
	}
	/*
	 * Keep 0-2 free: a program that closed stdin/stdout/stderr and then
	 * reopens them must not end up writing into /dev/rsm.
	 */
	fd3 = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (fd3 < 0) {
		int err = errno;

		close(fd);
		return rsm_errno_to_rsmerr(err);
	}
	close(fd);
	*fdp = fd3;
	return RSM_SUCCESS;
}

/**
 * rsm_ctl_fd() - the process-wide control descriptor, opened on first use
 * @fdp: receives the descriptor
 *
 * Return: 0, RSMERR_CTLR_NOT_PRESENT when /dev/rsm is missing, or the code
 * for another open failure.
 */
int rsm_ctl_fd(int *fdp)
{
	int fd = __atomic_load_n(&rsm_ctl_desc, __ATOMIC_ACQUIRE);
	int err = RSM_SUCCESS;

	if (fd < 0) {
		pthread_mutex_lock(&rsm_ctl_lock);
		fd = rsm_ctl_desc;
		if (fd < 0) {
			err = rsm_ctl_open(&fd);
			if (err == RSM_SUCCESS)
				__atomic_store_n(&rsm_ctl_desc, fd,
						 __ATOMIC_RELEASE);
		}
		pthread_mutex_unlock(&rsm_ctl_lock);
	}
	if (err == RSM_SUCCESS)
		*fdp = fd;
	return err;
}

/**
 * rsm_ctl_ioctl() - one request on the control descriptor
 * @request: RSM_IOC_* code
 * @arg: its argument structure
 *
 * ENODEV/ENXIO here mean the device went away under us, which for a
 * controller or topology request is "controller not present" rather than
 * the "connection aborted" they mean on a segment descriptor.
 *
 * Return: 0 or an RSMERR code.
 */
int rsm_ctl_ioctl(unsigned long request, void *arg)
{
	int fd, rc, err;

	err = rsm_ctl_fd(&fd);
	if (err != RSM_SUCCESS)
		return err;
	rc = ioctl(fd, request, arg);
	if (rc < 0 && (errno == ENODEV || errno == ENXIO))
		return RSMERR_CTLR_NOT_PRESENT;
	return rsm_ioctl_status(rc, errno);
}

/**
 * rsm_page_size() - the system page size (spec 0: PAGESIZE)
 *
 * Return: sysconf(_SC_PAGESIZE).
 */
size_t rsm_page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

/**
 * rsm_seg_fd_bind() - a descriptor of its own, bound to one object
 * @request: the binding request (RSM_IOC_EXPORT_CREATE, _IMPORT_CONNECT,
 *	     _LOCALMEM_CREATE)
 * @arg: its argument structure
 * @fdp: receives the descriptor
 *
 * Export segments, import segments and local memory handles each own a
 * descriptor (spec 1.7): read/write, so that the kernel gives it a fresh
 * resource, and close-on-exec.  Nothing is left open on failure.
 *
 * Return: 0, RSMERR_CTLR_NOT_PRESENT without /dev/rsm,
 * RSMERR_INSUFFICIENT_RESOURCES (descriptor or kernel slot limits), or the
 * error of @request.
 */
int rsm_seg_fd_bind(unsigned long request, void *arg, int *fdp)
{
	int fd = open(RSM_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	int err;

	if (fd < 0)
		return errno == ENOENT || errno == ENODEV || errno == ENXIO ?
		       RSMERR_CTLR_NOT_PRESENT : RSMERR_INSUFFICIENT_RESOURCES;
	err = rsm_seg_ioctl(fd, request, arg);
	if (err) {
		close(fd);
		return err;
	}
	*fdp = fd;
	return RSM_SUCCESS;
}

/**
 * rsm_seg_ioctl() - one request on a segment descriptor
 * @fd: the segment's descriptor
 * @request: RSM_IOC_* code
 * @arg: its argument structure
 *
 * Return: 0 or an RSMERR code (errno mapped per spec 5.3).
 */
int rsm_seg_ioctl(int fd, unsigned long request, void *arg)
{
	int rc = ioctl(fd, request, arg);

	return rsm_ioctl_status(rc, rc < 0 ? errno : 0);
}
