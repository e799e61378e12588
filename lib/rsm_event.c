// SPDX-License-Identifier: BSD-2-Clause
/*
 * Events: rsm_intr_signal_post(), rsm_intr_signal_wait(),
 * rsm_memseg_get_pollfd(), rsm_memseg_release_pollfd(),
 * rsm_intr_signal_wait_pollfd() (spec 1.6, 2.11, 3.12, A1, A9, A11, A17).
 *
 * The kernel keeps each segment's pending-event counter; a segment's
 * descriptor polls readable while the counter is non-zero, and
 * RSM_IOC_SIGNAL_WAIT consumes one event, waiting for it if need be.  The
 * kernel does the waiting, so a waiter that loses an event to another
 * thread keeps waiting for the time left (A17).
 *
 * rsm_intr_signal_wait_pollfd() must tell segment descriptors from the
 * application's other descriptors in the set it polls.  For that the
 * library keeps a table of the descriptors handed out by
 * rsm_memseg_get_pollfd() and not yet released.  A registered descriptor
 * cannot be reused for something else: its segment cannot be destroyed or
 * disconnected while it has pollfd references (RSMERR_POLLFD_IN_USE).
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include "rsm_internal.h"

/* ------------------------------------------------------------------ */
/* The segments behind "void *memseg"                                  */
/* ------------------------------------------------------------------ */

/* What the event functions need of an export or an import handle. */
struct rsm_event_seg {
	int fd;
	pthread_mutex_t *lock;		/* protects *pollfd_refs */
	unsigned int *pollfd_refs;
};

/* Return: true if @memseg is a live export or import handle. */
static bool rsm_event_seg(void *memseg, struct rsm_event_seg *seg)
{
	if (memseg == NULL)
		return false;
	if (rsm_handle_is_live(memseg, RSM_HANDLE_EXPORT)) {
		struct __rsm_memseg_export_handle *e = memseg;

		seg->fd = e->fd;
		seg->lock = &e->lock;
		seg->pollfd_refs = &e->pollfd_refs;
		return true;
	}
	if (rsm_handle_is_live(memseg, RSM_HANDLE_IMPORT)) {
		struct __rsm_memseg_import_handle *imp = memseg;

		seg->fd = imp->fd;
		seg->lock = &imp->lock;
		seg->pollfd_refs = &imp->pollfd_refs;
		return true;
	}
	return false;
}

/* ------------------------------------------------------------------ */
/* Registered pollfd descriptors                                       */
/* ------------------------------------------------------------------ */

static pthread_mutex_t rsm_pollfd_lock = PTHREAD_MUTEX_INITIALIZER;
/* All below protected by rsm_pollfd_lock: sorted, no duplicates. */
static int *rsm_pollfd_fds;
static size_t rsm_pollfd_count;
static size_t rsm_pollfd_cap;

/* Index of @fd, or where it would go; caller holds rsm_pollfd_lock. */
static size_t rsm_pollfd_slot(int fd)
{
	size_t lo = 0, hi = rsm_pollfd_count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (rsm_pollfd_fds[mid] < fd)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Return: 0 or RSMERR_INSUFFICIENT_MEM. */
static int rsm_pollfd_register(int fd)
{
	size_t i;
	int err = RSM_SUCCESS;

	pthread_mutex_lock(&rsm_pollfd_lock);
	i = rsm_pollfd_slot(fd);
	if (i < rsm_pollfd_count && rsm_pollfd_fds[i] == fd)
		goto out;
	if (rsm_pollfd_count == rsm_pollfd_cap) {
		size_t cap = rsm_pollfd_cap ? 2 * rsm_pollfd_cap : 16;
		int *fds = realloc(rsm_pollfd_fds, cap * sizeof(*fds));

		if (fds == NULL) {
			err = RSMERR_INSUFFICIENT_MEM;
			goto out;
		}
		rsm_pollfd_fds = fds;
		rsm_pollfd_cap = cap;
	}
	memmove(&rsm_pollfd_fds[i + 1], &rsm_pollfd_fds[i],
		(rsm_pollfd_count - i) * sizeof(*rsm_pollfd_fds));
	rsm_pollfd_fds[i] = fd;
	rsm_pollfd_count++;
out:
	pthread_mutex_unlock(&rsm_pollfd_lock);
	return err;
}

static void rsm_pollfd_unregister(int fd)
{
	size_t i;

	pthread_mutex_lock(&rsm_pollfd_lock);
	i = rsm_pollfd_slot(fd);
	if (i < rsm_pollfd_count && rsm_pollfd_fds[i] == fd) {
		memmove(&rsm_pollfd_fds[i], &rsm_pollfd_fds[i + 1],
			(rsm_pollfd_count - i - 1) * sizeof(*rsm_pollfd_fds));
		rsm_pollfd_count--;
	}
	pthread_mutex_unlock(&rsm_pollfd_lock);
}

/**
 * rsm_pollfd_is_registered() - was @fd handed out by rsm_memseg_get_pollfd()?
 * @fd: any descriptor number
 *
 * Return: true while a segment with that descriptor has pollfd references.
 */
bool rsm_pollfd_is_registered(int fd)
{
	bool found;
	size_t i;

	if (fd < 0)
		return false;
	pthread_mutex_lock(&rsm_pollfd_lock);
	i = rsm_pollfd_slot(fd);
	found = i < rsm_pollfd_count && rsm_pollfd_fds[i] == fd;
	pthread_mutex_unlock(&rsm_pollfd_lock);
	return found;
}

/* ------------------------------------------------------------------ */
/* Requests                                                            */
/* ------------------------------------------------------------------ */

/* A failed wait, in the words of spec 3.12. */
static int rsm_wait_errno(int err)
{
	switch (err) {
	case EINTR:
		return RSMERR_INTERRUPTED;
	case ENOMEM:
	case EAGAIN:
		return RSMERR_INSUFFICIENT_RESOURCES;
	case EFAULT:
		return RSMERR_BAD_ADDR;
	default:
		return RSMERR_BAD_ARGS_ERRORS;
	}
}

/**
 * rsm_signal_post_fd() - post one event through a segment descriptor
 * @fd: an export or import segment's descriptor
 * @flags: the caller's flags; only RSM_SIGPOST_NO_ACCUMULATE counts
 *
 * Return: 0 (also when there is nobody to receive it) or an RSMERR code.
 */
int rsm_signal_post_fd(int fd, uint_t flags)
{
	struct rsm_ioc_signal req;

	memset(&req, 0, sizeof(req));
	if (flags & RSM_SIGPOST_NO_ACCUMULATE)	/* other bits ignored (2.11) */
		req.flags = RSM_SIGNAL_NO_ACCUMULATE;
	return rsm_seg_ioctl(fd, RSM_IOC_SIGNAL_POST, &req);
}

/**
 * rsm_signal_consume_fd() - consume one event of a segment
 * @fd: the segment's descriptor
 * @timeout: milliseconds to wait for one; negative: no limit, 0: none
 *
 * Return: 0, RSMERR_TIMEOUT, or the error of the wait (spec 3.12).
 */
int rsm_signal_consume_fd(int fd, int timeout)
{
	struct rsm_ioc_signal req;
	int rc;

	memset(&req, 0, sizeof(req));
	req.timeout_ms = timeout < 0 ? -1 : timeout;
	rc = ioctl(fd, RSM_IOC_SIGNAL_WAIT, &req);
	if (rc < 0)
		return rsm_wait_errno(errno);
	return rsm_ioctl_status(rc, 0);
}

/* ------------------------------------------------------------------ */
/* Entry points                                                        */
/* ------------------------------------------------------------------ */

RSM_PUBLIC int rsm_intr_signal_post(void *memseg, uint_t flags)
{
	struct rsm_event_seg seg;

	if (!rsm_event_seg(memseg, &seg))
		return RSMERR_BAD_SEG_HNDL;
	return rsm_signal_post_fd(seg.fd, flags);
}

RSM_PUBLIC int rsm_intr_signal_wait(void *memseg, int timeout)
{
	struct rsm_event_seg seg;

	if (!rsm_event_seg(memseg, &seg))
		return RSMERR_BAD_SEG_HNDL;
	/* No lock held: the wait may be long, the descriptor never changes. */
	return rsm_signal_consume_fd(seg.fd, timeout);
}

RSM_PUBLIC int rsm_memseg_get_pollfd(void *memseg, struct pollfd *fd)
{
	struct rsm_event_seg seg;
	int err = RSM_SUCCESS;

	if (!rsm_event_seg(memseg, &seg))
		return RSMERR_BAD_SEG_HNDL;
	if (fd == NULL)
		return RSMERR_BAD_ADDR;
	pthread_mutex_lock(seg.lock);
	if (*seg.pollfd_refs == 0)
		err = rsm_pollfd_register(seg.fd);
	if (err == RSM_SUCCESS) {
		(*seg.pollfd_refs)++;
		fd->fd = seg.fd;
		fd->events = POLLRDNORM;	/* revents is the caller's */
	}
	pthread_mutex_unlock(seg.lock);
	return err;
}

RSM_PUBLIC int rsm_memseg_release_pollfd(void *memseg)
{
	struct rsm_event_seg seg;

	if (!rsm_event_seg(memseg, &seg))
		return RSMERR_BAD_SEG_HNDL;
	pthread_mutex_lock(seg.lock);
	if (*seg.pollfd_refs > 0 && --*seg.pollfd_refs == 0)
		rsm_pollfd_unregister(seg.fd);
	pthread_mutex_unlock(seg.lock);
	return RSM_SUCCESS;	/* also when nothing was held */
}

/* Milliseconds from now until @deadline, rounded up; 0 once it passed. */
static int rsm_ms_left(const struct timespec *deadline)
{
	struct timespec now;
	long long ns;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ns = (long long)(deadline->tv_sec - now.tv_sec) * 1000000000LL +
	     (deadline->tv_nsec - now.tv_nsec);
	return ns <= 0 ? 0 : (int)((ns + 999999) / 1000000);
}

/*
 * After poll(): consume one event of every signalled segment descriptor
 * (spec 3.12).  A segment entry is signalled when POLLRDNORM is set and no
 * error condition is; it ends with revents exactly POLLRDNORM when an
 * event was consumed, 0 when another thread took it first.  Other entries
 * keep what poll() reported.  Return: 0 or the error of a consumption,
 * with *@ready the entries with non-zero revents.
 */
static int rsm_pollfd_consume(struct pollfd fds[], nfds_t nfds, int *ready)
{
	nfds_t i;
	int err;

	*ready = 0;
	for (i = 0; i < nfds; i++) {
		short rev = fds[i].revents;

		if ((rev & POLLRDNORM) &&
		    !(rev & (POLLERR | POLLHUP | POLLNVAL)) &&
		    rsm_pollfd_is_registered(fds[i].fd)) {
			err = rsm_signal_consume_fd(fds[i].fd, 0);
			if (err == RSMERR_TIMEOUT)
				fds[i].revents = 0;
			else if (err == RSM_SUCCESS)
				fds[i].revents = POLLRDNORM;
			else
				return err;
		}
		if (fds[i].revents != 0)
			(*ready)++;
	}
	return RSM_SUCCESS;
}

RSM_PUBLIC int rsm_intr_signal_wait_pollfd(struct pollfd fds[], nfds_t nfds,
	int timeout, int *numfdsp)
{
	struct timespec deadline;
	int rc, ready, err;

	if (numfdsp != NULL)
		*numfdsp = 0;
	if (timeout > 0) {
		clock_gettime(CLOCK_MONOTONIC, &deadline);
		deadline.tv_sec += timeout / 1000;
		deadline.tv_nsec += (long)(timeout % 1000) * 1000000;
		if (deadline.tv_nsec >= 1000000000) {
			deadline.tv_sec++;
			deadline.tv_nsec -= 1000000000;
		}
	}
	for (;;) {
		rc = poll(fds, nfds, timeout);
		if (rc < 0)
			return rsm_wait_errno(errno);
		if (rc == 0)
			return RSMERR_TIMEOUT;
		err = rsm_pollfd_consume(fds, nfds, &ready);
		if (err != RSM_SUCCESS)
			return err;
		if (ready > 0)
			break;
		/*
		 * Only segment events were reported, and other threads took
		 * them all: wait again for the time left, as
		 * rsm_intr_signal_wait() does (spec A17).
		 */
		if (timeout == 0)
			return RSMERR_TIMEOUT;
		if (timeout > 0) {
			timeout = rsm_ms_left(&deadline);
			if (timeout == 0)
				return RSMERR_TIMEOUT;
		}
	}
	if (numfdsp != NULL)
		*numfdsp = ready;
	return RSM_SUCCESS;
}
