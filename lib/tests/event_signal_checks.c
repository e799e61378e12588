// SPDX-License-Identifier: BSD-2-Clause
/*
 * Events against the stand-in /dev/rsm, whose segment descriptors poll
 * readable while events are pending: argument checks (checks 95, 105, 110), what post and wait ask
 * the kernel and how their errors map (spec 3.12), the pollfd references
 * and the table of registered descriptors, the preconditions they put on
 * destroy and disconnect (checks 89, 109), and how
 * rsm_intr_signal_wait_pollfd() processes revents (checks 106-108).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <time.h>

#include "import_fixture.h"

static rsm_memseg_export_handle_t e;
static rsm_memseg_import_handle_t im;

static bool pending(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

static void test_argument_checks(void)
{
	struct pollfd p;

	tap_eq(rsm_intr_signal_post(NULL, 0), RSMERR_BAD_SEG_HNDL,
	       "check 95: signal_post(NULL) -> 5");
	tap_eq(rsm_intr_signal_wait(NULL, 0), RSMERR_BAD_SEG_HNDL,
	       "check 95: signal_wait(NULL) -> 5");
	tap_eq(rsm_intr_signal_post(fix_stranger(), 0), RSMERR_BAD_SEG_HNDL,
	       "signal_post(unknown pointer) -> 5");
	tap_eq(rsm_intr_signal_wait(fix_stranger(), 0), RSMERR_BAD_SEG_HNDL,
	       "signal_wait(unknown pointer) -> 5");
	tap_eq(rsm_intr_signal_post(fix_ctl, 0), RSMERR_BAD_SEG_HNDL,
	       "signal_post(controller handle) -> 5");
	tap_eq(rsm_memseg_get_pollfd(NULL, &p), RSMERR_BAD_SEG_HNDL,
	       "get_pollfd(NULL) -> 5");
	tap_eq(rsm_memseg_get_pollfd(NULL, NULL), RSMERR_BAD_SEG_HNDL,
	       "get_pollfd(NULL, NULL) -> 5 (handle first)");
	tap_eq(rsm_memseg_get_pollfd(fix_ctl, &p), RSMERR_BAD_SEG_HNDL,
	       "get_pollfd(controller handle) -> 5");
	tap_eq(rsm_memseg_get_pollfd(e, NULL), RSMERR_BAD_ADDR,
	       "check 110: get_pollfd(e, NULL) -> 16");
	tap_eq(e->pollfd_refs, 0, "a refused get_pollfd takes no reference");
	tap_eq(rsm_memseg_release_pollfd(NULL), RSMERR_BAD_SEG_HNDL,
	       "release_pollfd(NULL) -> 5");
	tap_eq(rsm_memseg_release_pollfd(fix_stranger()), RSMERR_BAD_SEG_HNDL,
	       "release_pollfd(unknown pointer) -> 5");
}

static void test_post_request(void)
{
	int posts = fake_rsm.post_calls;

	fake_rsm.last_post.timeout_ms = 99;
	tap_eq(rsm_intr_signal_post(im, 0), RSM_SUCCESS,
	       "signal_post(import handle, 0) -> 0");
	tap_eq(fake_rsm.post_calls, posts + 1, "one post request");
	tap_eq(fake_rsm.post_fd, im->fd, "on the import's descriptor");
	tap_check(fake_rsm.last_post.flags == 0 &&
		  fake_rsm.last_post.timeout_ms == 0,
		  "flags 0, timeout 0 in the request");
	tap_eq(rsm_intr_signal_post(e, RSM_SIGPOST_NO_ACCUMULATE), RSM_SUCCESS,
	       "signal_post(export handle, NO_ACCUMULATE) -> 0");
	tap_eq(fake_rsm.post_fd, e->fd, "on the export's descriptor");
	tap_eq(fake_rsm.last_post.flags, RSM_SIGNAL_NO_ACCUMULATE,
	       "NO_ACCUMULATE passed on");
	rsm_intr_signal_post(im, 0xffffffffu);
	tap_eq(fake_rsm.last_post.flags, RSM_SIGNAL_NO_ACCUMULATE,
	       "all flag bits: only NO_ACCUMULATE passed on (spec 2.11)");
	rsm_intr_signal_post(im, RSM_IMPLICIT_SIGPOST | 0x100);
	tap_eq(fake_rsm.last_post.flags, 0, "other bits are ignored");

	fake_rsm.post_code = RSMERR_REMOTE_NODE_UNREACHABLE;
	tap_eq(rsm_intr_signal_post(e, 0), RSMERR_REMOTE_NODE_UNREACHABLE,
	       "kernel's 39 passed on");
	fake_rsm.post_code = RSMERR_CONN_ABORTED;
	tap_eq(rsm_intr_signal_post(im, 0), RSMERR_CONN_ABORTED,
	       "kernel's 40 passed on");
	fake_rsm.post_code = 0;
	fake_rsm.fail_errno = EINTR;
	tap_eq(rsm_intr_signal_post(im, 0), RSMERR_INTERRUPTED,
	       "EINTR during the post -> 41");
}

static void test_wait_request(void)
{
	static const struct {
		int err;
		int code;
	} errs[] = {
		{ EINTR, RSMERR_INTERRUPTED },
		{ ENOMEM, RSMERR_INSUFFICIENT_RESOURCES },
		{ EAGAIN, RSMERR_INSUFFICIENT_RESOURCES },
		{ EFAULT, RSMERR_BAD_ADDR },
		{ EINVAL, RSMERR_BAD_ARGS_ERRORS },
		{ EBADF, RSMERR_BAD_ARGS_ERRORS },
		{ ENODEV, RSMERR_BAD_ARGS_ERRORS },
	};
	struct timespec t0, t1;
	long ms;
	size_t i;

	tap_eq(rsm_intr_signal_wait(e, 0), RSMERR_TIMEOUT,
	       "check 96: signal_wait(e, 0), nothing pending -> 42");
	tap_check(fake_rsm.wait_fd == e->fd && fake_rsm.last_wait.flags == 0 &&
		  fake_rsm.last_wait.timeout_ms == 0,
		  "wait asked on the export's descriptor, flags 0, timeout 0");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	tap_eq(rsm_intr_signal_wait(e, 100), RSMERR_TIMEOUT,
	       "signal_wait(e, 100), nothing pending -> 42");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 +
	     (t1.tv_nsec - t0.tv_nsec) / 1000000;
	tap_check(fake_rsm.last_wait.timeout_ms == 100 && ms >= 99,
		  "the timeout goes to the kernel, which waits (%ld ms)", ms);
	fake_rsm_event_add(im->fd, 2);
	tap_eq(rsm_intr_signal_wait(im, -1), RSM_SUCCESS,
	       "signal_wait(i, -1) with an event pending -> 0");
	tap_eq(fake_rsm.last_wait.timeout_ms, -1, "timeout -1: no limit");
	tap_eq(fake_rsm.wait_fd, im->fd, "wait on an import's descriptor");
	rsm_intr_signal_wait(im, -7);
	tap_eq(fake_rsm.last_wait.timeout_ms, -1,
	       "any negative timeout: no limit (-1)");

	fake_rsm_event_add(e->fd, 3);
	tap_eq(rsm_intr_signal_wait(e, 0), RSM_SUCCESS,
	       "check 97: an event pending -> 0");
	tap_eq(rsm_intr_signal_wait(e, 0), RSM_SUCCESS, "check 97: second -> 0");
	tap_eq(rsm_intr_signal_wait(e, 0), RSM_SUCCESS, "check 97: third -> 0");
	tap_eq(rsm_intr_signal_wait(e, 0), RSMERR_TIMEOUT,
	       "check 97: one event consumed per wait; fourth -> 42");

	for (i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		fake_rsm.fail_errno = errs[i].err;
		tap_eq(rsm_intr_signal_wait(e, 10), errs[i].code,
		       "wait fails with %s -> %d", strerror(errs[i].err),
		       errs[i].code);
	}
	fake_rsm.fail_code = RSMERR_CONN_ABORTED;
	tap_eq(rsm_intr_signal_wait(im, 0), RSMERR_CONN_ABORTED,
	       "a positive RSMERR code from the kernel passes through");
	fake_rsm.fail_code = 4242;
	tap_eq(rsm_intr_signal_wait(im, 0), RSMERR_INTERNAL_ERROR,
	       "a positive value that is no RSMERR code -> 100");
}

/* Checks 105, 89, 109 and the table of registered descriptors. */
static void test_pollfd_references(void)
{
	struct pollfd p1, p2;

	memset(&p1, 0, sizeof(p1));
	p1.revents = 0x1234;
	tap_eq(rsm_memseg_get_pollfd(e, &p1), RSM_SUCCESS,
	       "check 105: get_pollfd(e) -> 0");
	tap_check(p1.fd == e->fd && p1.fd >= 0,
		  "check 105: the segment's own descriptor");
	tap_eq(p1.events, POLLRDNORM, "check 105: events == POLLRDNORM");
	tap_eq(p1.revents, 0x1234, "revents left alone");
	tap_check(rsm_pollfd_is_registered(p1.fd), "descriptor registered");
	tap_eq(rsm_memseg_get_pollfd(e, &p2), RSM_SUCCESS,
	       "check 105: second get_pollfd -> 0");
	tap_eq(p2.fd, p1.fd, "check 105: the same descriptor again");
	tap_eq(e->pollfd_refs, 2, "two references held");

	tap_eq(rsm_memseg_export_destroy(e), RSMERR_POLLFD_IN_USE,
	       "check 89: export_destroy with references -> 34");
	tap_eq(rsm_memseg_release_pollfd(e), RSM_SUCCESS,
	       "check 105: release -> 0");
	tap_check(rsm_pollfd_is_registered(p1.fd),
		  "still registered while a reference is left");
	tap_eq(rsm_memseg_export_destroy(e), RSMERR_POLLFD_IN_USE,
	       "one reference left: destroy -> 34");
	tap_eq(rsm_memseg_release_pollfd(e), RSM_SUCCESS,
	       "check 105: second release -> 0");
	tap_check(!rsm_pollfd_is_registered(p1.fd),
		  "the last release unregisters the descriptor");
	tap_eq(rsm_memseg_release_pollfd(e), RSM_SUCCESS,
	       "check 105: third release, nothing held -> 0");
	tap_eq(e->pollfd_refs, 0, "the count does not go below 0");
	tap_eq(rsm_memseg_get_pollfd(e, &p1), RSM_SUCCESS,
	       "get_pollfd again after the releases -> 0");
	tap_check(rsm_pollfd_is_registered(p1.fd), "registered again");
	rsm_memseg_release_pollfd(e);

	tap_eq(rsm_memseg_get_pollfd(im, &p1), RSM_SUCCESS,
	       "get_pollfd(import handle) -> 0");
	tap_eq(p1.fd, im->fd, "the import's own descriptor");
	tap_eq(rsm_memseg_import_disconnect(im), RSMERR_POLLFD_IN_USE,
	       "check 109: disconnect with a reference -> 34");
	tap_check(rsm_pollfd_is_registered(im->fd) &&
		  !rsm_pollfd_is_registered(e->fd),
		  "only the import's descriptor is registered");
	rsm_memseg_release_pollfd(im);
}

static int pipe_with_data(int fds[2])
{
	if (pipe(fds) != 0 || write(fds[1], "x", 1) != 1) {
		printf("Bail out! pipe\n");
		exit(1);
	}
	return fds[0];
}

/* Checks 106-108: revents processing. */
static void test_wait_pollfd_revents(void)
{
	struct pollfd fds[3];
	int pfd[2], n, waits;

	rsm_memseg_get_pollfd(e, &fds[0]);
	fds[1].fd = pipe_with_data(pfd);
	fds[1].events = POLLIN;
	fds[0].revents = fds[1].revents = 0x7777;
	n = 99;
	waits = fake_rsm.wait_calls;
	tap_eq(rsm_intr_signal_wait_pollfd(fds, 2, 0, &n), RSM_SUCCESS,
	       "check 106: only the pipe readable -> 0");
	tap_eq(n, 1, "check 106: *numfdsp == 1");
	tap_eq(fds[0].revents, 0, "check 106: segment entry revents 0");
	tap_eq(fds[1].revents, POLLIN, "check 106: pipe entry keeps POLLIN");
	tap_eq(fake_rsm.wait_calls, waits, "nothing to consume, nothing asked");

	fake_rsm_event_add(e->fd, 1);
	tap_eq(rsm_intr_signal_wait_pollfd(fds, 1, 0, &n), RSM_SUCCESS,
	       "check 107: event pending -> 0");
	tap_eq(n, 1, "check 107: *numfdsp == 1");
	tap_eq(fds[0].revents, POLLRDNORM, "check 107: revents == POLLRDNORM");
	tap_check(fake_rsm.wait_calls == waits + 1 &&
		  fake_rsm.wait_fd == e->fd &&
		  fake_rsm.last_wait.timeout_ms == 0 && !pending(e->fd),
		  "the event was consumed, without waiting");
	n = 99;
	tap_eq(rsm_intr_signal_wait_pollfd(fds, 1, 0, &n), RSMERR_TIMEOUT,
	       "check 107: repeated at once -> 42");
	tap_eq(n, 0, "*numfdsp = 0 on timeout");

	fake_rsm_event_add(e->fd, 1);
	tap_eq(rsm_intr_signal_wait_pollfd(fds, 1, 0, NULL), RSM_SUCCESS,
	       "check 108: NULL numfdsp -> 0");

	fake_rsm_event_add(e->fd, 1);
	fds[0].events = POLLIN | POLLRDNORM;
	rsm_intr_signal_wait_pollfd(fds, 2, 0, &n);
	tap_eq(fds[0].revents, POLLRDNORM,
	       "poll says POLLIN|POLLRDNORM: after consumption exactly "
	       "POLLRDNORM");
	tap_eq(n, 2, "segment and pipe both counted");
	fds[0].events = POLLRDNORM;

	/* A descriptor the library did not hand out is an ordinary one. */
	fds[2].fd = fds[1].fd;
	fds[2].events = POLLIN | POLLRDNORM;
	waits = fake_rsm.wait_calls;
	tap_eq(rsm_intr_signal_wait_pollfd(&fds[2], 1, 0, &n), RSM_SUCCESS,
	       "a readable unregistered descriptor -> 0");
	tap_check(fds[2].revents == (POLLIN | POLLRDNORM) && n == 1 &&
		  fake_rsm.wait_calls == waits && pending(fds[2].fd),
		  "unregistered: revents as poll gave them, nothing consumed");

	rsm_memseg_release_pollfd(e);
	fake_rsm_event_add(e->fd, 1);
	rsm_intr_signal_wait_pollfd(fds, 1, 0, &n);
	tap_check(fake_rsm.wait_calls == waits && pending(e->fd),
		  "a released segment's descriptor is no longer consumed from");
	rsm_intr_signal_wait(e, 0);
	close(pfd[0]);
	close(pfd[1]);
}

/* Events another thread took, errors on the descriptor, failures. */
static void test_wait_pollfd_races_and_errors(void)
{
	struct pollfd fds[1];
	int pfd[2], save, n, waits;

	rsm_memseg_get_pollfd(e, &fds[0]);
	fake_rsm_event_add(e->fd, 1);
	fake_rsm.fail_code = RSMERR_TIMEOUT;	/* someone else took it */
	n = 99;
	tap_eq(rsm_intr_signal_wait_pollfd(fds, 1, 0, &n), RSMERR_TIMEOUT,
	       "event taken by another thread, timeout 0 -> 42");
	tap_check(fds[0].revents == 0 && n == 0,
		  "the lost entry's revents is 0, *numfdsp 0");
	fake_rsm.fail_code = RSMERR_TIMEOUT;
	tap_eq(rsm_intr_signal_wait_pollfd(fds, 1, 1000, &n), RSM_SUCCESS,
	       "event lost with time left: waits again and gets the next -> 0");
	tap_check(n == 1 && fds[0].revents == POLLRDNORM && !pending(e->fd),
		  "and consumed it");

	fake_rsm_event_add(e->fd, 1);
	fake_rsm.fail_errno = EINTR;
	tap_eq(rsm_intr_signal_wait_pollfd(fds, 1, 0, &n), RSMERR_INTERRUPTED,
	       "consumption interrupted -> 41");
	fake_rsm.fail_code = RSMERR_CONN_ABORTED;
	tap_eq(rsm_intr_signal_wait_pollfd(fds, 1, 0, &n), RSMERR_CONN_ABORTED,
	       "consumption fails otherwise -> its error");
	tap_eq(n, 0, "*numfdsp 0 after an error");
	rsm_intr_signal_wait(e, 0);

	/* A registered descriptor that reports POLLRDNORM with POLLHUP. */
	pipe_with_data(pfd);
	close(pfd[1]);
	save = dup(e->fd);
	dup2(pfd[0], e->fd);
	fds[0].events = POLLIN | POLLRDNORM;
	waits = fake_rsm.wait_calls;
	tap_eq(rsm_intr_signal_wait_pollfd(fds, 1, 0, &n), RSM_SUCCESS,
	       "registered descriptor with POLLHUP -> 0");
	tap_check((fds[0].revents & POLLHUP) && (fds[0].revents & POLLRDNORM) &&
		  n == 1 && fake_rsm.wait_calls == waits,
		  "with an error condition: not consumed, revents kept");
	dup2(save, e->fd);
	close(save);
	close(pfd[0]);
	fds[0].events = POLLRDNORM;
	rsm_memseg_release_pollfd(e);
}

static void on_alarm(int sig)
{
	(void)sig;
}

static void test_wait_pollfd_poll_errors(void)
{
	struct sigaction sa;
	struct itimerval it;
	struct rlimit rl;
	struct pollfd p;
	int pfd[2], n;

	memset(&p, 0, sizeof(p));
	n = 99;
	tap_eq(rsm_intr_signal_wait_pollfd(NULL, 1, 0, &n), RSMERR_BAD_ADDR,
	       "fds not accessible -> 16");
	tap_eq(n, 0, "*numfdsp 0");
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		tap_eq(rsm_intr_signal_wait_pollfd(&p, rl.rlim_cur + 1, 0, &n),
		       RSMERR_BAD_ARGS_ERRORS,
		       "nfds above RLIMIT_NOFILE (poll: EINVAL) -> 117");
	tap_eq(rsm_intr_signal_wait_pollfd(NULL, 0, 0, &n), RSMERR_TIMEOUT,
	       "no entries, timeout 0 -> 42");

	if (pipe(pfd) != 0)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;	/* no SA_RESTART */
	sigaction(SIGALRM, &sa, NULL);
	memset(&it, 0, sizeof(it));
	it.it_value.tv_usec = 50000;
	setitimer(ITIMER_REAL, &it, NULL);
	p.fd = pfd[0];
	p.events = POLLIN;
	tap_eq(rsm_intr_signal_wait_pollfd(&p, 1, -1, &n), RSMERR_INTERRUPTED,
	       "signal during the wait -> 41");
	close(pfd[0]);
	close(pfd[1]);
}

int main(void)
{
	fix_start();
	e = fix_export();
	im = fix_connect(RSM_PERM_RDWR);
	test_argument_checks();
	test_post_request();
	test_wait_request();
	test_pollfd_references();
	test_wait_pollfd_revents();
	test_wait_pollfd_races_and_errors();
	test_wait_pollfd_poll_errors();
	tap_eq(rsm_memseg_import_disconnect(im), RSM_SUCCESS,
	       "disconnect after the release -> 0");
	tap_eq(rsm_memseg_export_destroy(e), RSM_SUCCESS,
	       "check 89: destroy after the releases -> 0");
	return tap_finish();
}
