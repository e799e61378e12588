// SPDX-License-Identifier: GPL-2.0-only
/*
 * Events (remote interrupts; spec 1.6, 3.12, checks 89, 95-110, 113;
 * DESIGN decision 11).  First on one node, through the loopback
 * controller and through rxe0 importing from the local node (fixture
 * "imp"); then across nodes of a cluster of 2 or 3 (fixture "node"):
 * posts in both directions, counting with and without accumulation,
 * pollfds under epoll, and ordering of an event after the data it
 * announces.  Node 1 exports; the other nodes import.
 */
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/time.h>
#include <time.h>

#include "rsm_import_fixture.h"
#include "rsm_node_fixture.h"

#define SLACK_MS	50	/* a timed wait returns within this of its time */

static double ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1e3 + (t.tv_nsec - t0->tv_nsec) / 1e6;
}

/* Events waiting on @seg: consume them all, each within @ms. */
static int drain(void *seg, int ms)
{
	int n = 0;

	while (rsm_intr_signal_wait(seg, ms) == 0)
		n++;
	return n;
}

/* Spec check 89 */
IMPORT_TEST(pollfd_in_use_blocks_export_destroy)
{
	struct pollfd p;

	setup_e(_metadata, self, 0, NULL, 0);
	self->pollfds = true;
	ASSERT_EQ(0, rsm_memseg_get_pollfd(self->e, &p));
	EXPECT_EQ(RSMERR_POLLFD_IN_USE, rsm_memseg_export_destroy(self->e));
	EXPECT_EQ(0, rsm_memseg_release_pollfd(self->e));
	EXPECT_EQ(0, rsm_memseg_export_destroy(self->e));
	self->e = NULL;
}

/* Spec check 95 */
IMPORT_TEST(post_and_wait_on_null_are_bad_seg_handle)
{
	EXPECT_EQ(RSMERR_BAD_SEG_HNDL, rsm_intr_signal_post(NULL, 0));
	EXPECT_EQ(RSMERR_BAD_SEG_HNDL, rsm_intr_signal_wait(NULL, 0));
	EXPECT_EQ(RSMERR_BAD_SEG_HNDL, rsm_intr_signal_post(NULL,
							     RSM_SIGPOST_NO_ACCUMULATE));
}

/*
 * How long rsm_intr_signal_wait(@seg, @ms) takes to time out, and how late
 * a plain poll() of the same length came back right after it (how much
 * the virtual machine itself was held up at that moment).  -1 if the wait
 * did not time out.
 */
static double timed_wait(void *seg, int ms, double *ref_late)
{
	struct timespec t0;
	double el;
	int ret;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	ret = rsm_intr_signal_wait(seg, ms);
	el = ms_since(&t0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	poll(NULL, 0, ms);
	*ref_late = ms_since(&t0) - ms;
	return ret == RSMERR_TIMEOUT ? el : -1;
}

/*
 * Spec check 96: timeouts of 0, 200 and 500 ms on both sides come back
 * with RSMERR_TIMEOUT, never early, and within SLACK_MS of their time.
 * Under TCG a virtual machine sometimes stalls for longer than that, so
 * a late return is retried (up to ATTEMPTS times): a wait that is late
 * every time fails, whatever the reason.
 */
#define ATTEMPTS	5

IMPORT_TEST(wait_with_nothing_pending_times_out_on_time)
{
	static const int ms[] = { 0, 200, 500 };
	void *seg[2];
	unsigned int k, s, n;
	double el, late;

	setup_i(_metadata, self, 0);
	seg[0] = self->e;
	seg[1] = self->i;
	for (s = 0; s < 2; s++) {
		for (k = 0; k < sizeof(ms) / sizeof(ms[0]); k++) {
			for (n = 0; n < ATTEMPTS; n++) {
				el = timed_wait(seg[s], ms[k], &late);
				ASSERT_LE(0, el) TH_LOG("%s wait(%d) did not time out",
							s ? "import" : "export", ms[k]);
				EXPECT_LE(ms[k], el) TH_LOG("%s wait(%d) returned early, %.1f ms",
							    s ? "import" : "export", ms[k], el);
				if (el < ms[k] + SLACK_MS)
					break;
				TH_LOG("%s wait(%d) took %.1f ms; a poll(%d) right after was %.1f ms late",
				       s ? "import" : "export", ms[k], el, ms[k], late);
			}
			EXPECT_GT(ATTEMPTS, n) TH_LOG("%s wait(%d) late %d times in a row",
						      s ? "import" : "export", ms[k], ATTEMPTS);
		}
	}
}

/* Spec check 97 */
IMPORT_TEST(accumulated_posts_are_each_consumed_once)
{
	setup_i(_metadata, self, 0);
	EXPECT_EQ(0, rsm_intr_signal_post(self->i, 0));
	EXPECT_EQ(0, rsm_intr_signal_post(self->i, 0));
	EXPECT_EQ(0, rsm_intr_signal_post(self->i, 0));
	EXPECT_EQ(0, rsm_intr_signal_wait(self->e, 0));
	EXPECT_EQ(0, rsm_intr_signal_wait(self->e, 0));
	EXPECT_EQ(0, rsm_intr_signal_wait(self->e, 0));
	EXPECT_EQ(RSMERR_TIMEOUT, rsm_intr_signal_wait(self->e, 0));
	/* the importer's own counter got nothing */
	EXPECT_EQ(RSMERR_TIMEOUT, rsm_intr_signal_wait(self->i, 0));
}

/* Spec check 98 and A1 */
IMPORT_TEST(no_accumulate_posts_coalesce_into_one)
{
	setup_i(_metadata, self, 0);
	EXPECT_EQ(0, rsm_intr_signal_post(self->i, RSM_SIGPOST_NO_ACCUMULATE));
	EXPECT_EQ(0, rsm_intr_signal_post(self->i, RSM_SIGPOST_NO_ACCUMULATE));
	EXPECT_EQ(0, rsm_intr_signal_post(self->i, RSM_SIGPOST_NO_ACCUMULATE));
	EXPECT_EQ(0, rsm_intr_signal_wait(self->e, 0));
	EXPECT_EQ(RSMERR_TIMEOUT, rsm_intr_signal_wait(self->e, 0));
	/* once consumed, the next no-accumulate post counts again */
	EXPECT_EQ(0, rsm_intr_signal_post(self->i, RSM_SIGPOST_NO_ACCUMULATE));
	EXPECT_EQ(0, rsm_intr_signal_wait(self->e, 0));
	EXPECT_EQ(RSMERR_TIMEOUT, rsm_intr_signal_wait(self->e, 0));
	/* an accumulating post after a pending one still adds */
	EXPECT_EQ(0, rsm_intr_signal_post(self->i, RSM_SIGPOST_NO_ACCUMULATE));
	EXPECT_EQ(0, rsm_intr_signal_post(self->i, 0));
	EXPECT_EQ(2, drain(self->e, 0));
}

/* Spec check 99 */
IMPORT_TEST(export_post_reaches_every_import_once)
{
	setup_i(_metadata, self, 0);
	ASSERT_EQ(0, connect_perm(self, RSM_PERM_RDWR, &self->i2));
	EXPECT_EQ(0, rsm_intr_signal_post(self->e, 0));
	EXPECT_EQ(0, rsm_intr_signal_wait(self->i, 0));
	EXPECT_EQ(0, rsm_intr_signal_wait(self->i2, 0));
	EXPECT_EQ(RSMERR_TIMEOUT, rsm_intr_signal_wait(self->i, 0));
	EXPECT_EQ(RSMERR_TIMEOUT, rsm_intr_signal_wait(self->i2, 0));
	/* nor did the exporter post to itself */
	EXPECT_EQ(RSMERR_TIMEOUT, rsm_intr_signal_wait(self->e, 0));
	/* no-accumulate, per import */
	EXPECT_EQ(0, rsm_intr_signal_post(self->e, RSM_SIGPOST_NO_ACCUMULATE));
	EXPECT_EQ(0, rsm_intr_signal_post(self->e, RSM_SIGPOST_NO_ACCUMULATE));
	EXPECT_EQ(1, drain(self->i, 0));
	EXPECT_EQ(1, drain(self->i2, 0));
}

/* Spec check 100 */
IMPORT_TEST(event_posted_before_any_waiter_is_kept)
{
	setup_i(_metadata, self, 0);
	EXPECT_EQ(0, rsm_intr_signal_post(self->i, 0));
	EXPECT_EQ(0, rsm_intr_signal_post(self->e, 0));
	usleep(100 * 1000);
	EXPECT_EQ(0, rsm_intr_signal_wait(self->e, 0));
	EXPECT_EQ(0, rsm_intr_signal_wait(self->i, 0));
}

struct waiter {
	void *seg;
	int timeout, ret;
	volatile int waiting;
	double ms;
};

static void *wait_thread(void *arg)
{
	struct waiter *w = arg;
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	__atomic_store_n(&w->waiting, 1, __ATOMIC_RELEASE);
	w->ret = rsm_intr_signal_wait(w->seg, w->timeout);
	w->ms = ms_since(&t0);
	return NULL;
}

/* Spec check 101, for both sides */
IMPORT_TEST(waiting_thread_wakes_on_a_later_post)
{
	struct waiter w[2] = { { .timeout = -1 }, { .timeout = -1 } };
	pthread_t t;
	int k;

	setup_i(_metadata, self, 0);
	w[0].seg = self->e;
	w[1].seg = self->i;
	for (k = 0; k < 2; k++) {
		ASSERT_EQ(0, pthread_create(&t, NULL, wait_thread, &w[k]));
		while (!__atomic_load_n(&w[k].waiting, __ATOMIC_ACQUIRE))
			usleep(1000);
		usleep(100 * 1000);
		EXPECT_EQ(0, rsm_intr_signal_post(k ? (void *)self->e : (void *)self->i, 0));
		EXPECT_EQ(0, pthread_join(t, NULL));
		EXPECT_EQ(0, w[k].ret);
		EXPECT_LE(100, w[k].ms) TH_LOG("woke after %.1f ms", w[k].ms);
	}
}

/*
 * 3.12 and A17: one event wakes exactly one of two waiting threads; the
 * other keeps waiting for the rest of its time, then times out.
 */
IMPORT_TEST(one_event_wakes_one_of_two_waiters_the_other_waits_its_time)
{
	struct waiter w[2] = { { .timeout = 1000 }, { .timeout = 1000 } };
	pthread_t t[2];
	int k, woke;

	setup_i(_metadata, self, 0);
	for (k = 0; k < 2; k++) {
		w[k].seg = self->e;
		ASSERT_EQ(0, pthread_create(&t[k], NULL, wait_thread, &w[k]));
	}
	for (k = 0; k < 2; k++)
		while (!__atomic_load_n(&w[k].waiting, __ATOMIC_ACQUIRE))
			usleep(1000);
	usleep(100 * 1000);
	EXPECT_EQ(0, rsm_intr_signal_post(self->i, 0));
	for (k = 0; k < 2; k++)
		EXPECT_EQ(0, pthread_join(t[k], NULL));
	woke = !w[0].ret + !w[1].ret;
	EXPECT_EQ(1, woke) TH_LOG("returns %d and %d", w[0].ret, w[1].ret);
	for (k = 0; k < 2; k++) {
		if (!w[k].ret)
			continue;
		EXPECT_EQ(RSMERR_TIMEOUT, w[k].ret);
		EXPECT_LE(1000, w[k].ms) TH_LOG("the loser returned after %.1f ms",
						w[k].ms);
	}
}

static void on_alarm(int sig)
{
}

/* Spec check 102 */
IMPORT_TEST(wait_interrupted_by_a_caught_signal_is_interrupted)
{
	struct sigaction sa = { .sa_handler = on_alarm }, old;
	struct itimerval it = { .it_value = { .tv_usec = 100 * 1000 } };
	struct timespec t0;
	struct pollfd p;
	double el;
	int n;

	setup_i(_metadata, self, 0);
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;	/* no SA_RESTART */
	ASSERT_EQ(0, sigaction(SIGALRM, &sa, &old));
	ASSERT_EQ(0, setitimer(ITIMER_REAL, &it, NULL));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	EXPECT_EQ(RSMERR_INTERRUPTED, rsm_intr_signal_wait(self->e, -1));
	el = ms_since(&t0);
	EXPECT_LE(90, el);
	/* a timed wait is interrupted the same way, long before its time */
	ASSERT_EQ(0, setitimer(ITIMER_REAL, &it, NULL));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	EXPECT_EQ(RSMERR_INTERRUPTED, rsm_intr_signal_wait(self->i, 10000));
	el = ms_since(&t0);
	EXPECT_GT(5000, el) TH_LOG("interrupted wait took %.1f ms", el);
	/* and so is rsm_intr_signal_wait_pollfd */
	self->pollfds = true;
	ASSERT_EQ(0, rsm_memseg_get_pollfd(self->e, &p));
	ASSERT_EQ(0, setitimer(ITIMER_REAL, &it, NULL));
	EXPECT_EQ(RSMERR_INTERRUPTED, rsm_intr_signal_wait_pollfd(&p, 1, -1, &n));
	EXPECT_EQ(0, rsm_memseg_release_pollfd(self->e));
	sigaction(SIGALRM, &old, NULL);
	/* nothing was consumed or lost */
	EXPECT_EQ(0, rsm_intr_signal_post(self->i, 0));
	EXPECT_EQ(1, drain(self->e, 0));
}

/* Spec check 103 and A29 */
IMPORT_TEST(post_to_an_unpublished_exporter_is_dropped)
{
	int ret;

	setup_i(_metadata, self, 0);
	ASSERT_EQ(0, rsm_memseg_export_unpublish(self->e));
	ret = rsm_intr_signal_post(self->i, 0);
	EXPECT_TRUE(ret == 0 || ret == RSMERR_CONN_ABORTED) TH_LOG("post gave %d", ret);
	EXPECT_EQ(RSMERR_TIMEOUT, rsm_intr_signal_wait(self->e, 100));
	/* nor does publishing again (an auto id cannot be given back) */
	self->id = 0;
	ASSERT_EQ(0, rsm_memseg_export_publish(self->e, &self->id, NULL, 0));
	EXPECT_EQ(RSMERR_TIMEOUT, rsm_intr_signal_wait(self->e, 0));
	/* the aborted import only times out */
	EXPECT_EQ(0, rsm_intr_signal_post(self->e, 0));
	EXPECT_EQ(RSMERR_TIMEOUT, rsm_intr_signal_wait(self->i, 100));
}

/* Spec check 104 */
IMPORT_TEST(post_on_a_segment_without_importers_succeeds)
{
	ASSERT_EQ(0, rsm_memseg_export_create(self->ctl, &self->e, self->buf,
					      self->len, 0));
	EXPECT_EQ(0, rsm_intr_signal_post(self->e, 0));
	EXPECT_EQ(0, rsm_intr_signal_post(self->e, RSM_SIGPOST_NO_ACCUMULATE));
	self->id = 0;
	ASSERT_EQ(0, rsm_memseg_export_publish(self->e, &self->id, NULL, 0));
	EXPECT_EQ(0, rsm_intr_signal_post(self->e, 0));
	/* and the posts did not land on the exporter itself */
	EXPECT_EQ(RSMERR_TIMEOUT, rsm_intr_signal_wait(self->e, 0));
	/* nor on an importer that came later */
	ASSERT_EQ(0, connect_perm(self, RSM_PERM_RDWR, &self->i));
	EXPECT_EQ(RSMERR_TIMEOUT, rsm_intr_signal_wait(self->i, 0));
}

/* Spec check 105 */
IMPORT_TEST(get_pollfd_returns_one_descriptor_and_counts_references)
{
	struct pollfd p1, p2, pi;

	setup_i(_metadata, self, 0);
	self->pollfds = true;
	p1.revents = 0x55;
	ASSERT_EQ(0, rsm_memseg_get_pollfd(self->e, &p1));
	EXPECT_LE(0, p1.fd);
	EXPECT_EQ(POLLRDNORM, p1.events);
	EXPECT_EQ(0x55, p1.revents);
	ASSERT_EQ(0, rsm_memseg_get_pollfd(self->e, &p2));
	EXPECT_EQ(p1.fd, p2.fd);
	ASSERT_EQ(0, rsm_memseg_get_pollfd(self->i, &pi));
	EXPECT_LE(0, pi.fd);
	EXPECT_NE(p1.fd, pi.fd);
	EXPECT_EQ(0, rsm_memseg_release_pollfd(self->e));
	EXPECT_EQ(0, rsm_memseg_release_pollfd(self->e));
	EXPECT_EQ(0, rsm_memseg_release_pollfd(self->e));
	EXPECT_EQ(0, rsm_memseg_release_pollfd(self->i));
	/* all references gone: destroy and disconnect work */
	EXPECT_EQ(0, rsm_memseg_import_disconnect(self->i));
	self->i = NULL;
	EXPECT_EQ(0, rsm_memseg_export_destroy(self->e));
	self->e = NULL;
}

/* Spec check 106 */
IMPORT_TEST(wait_pollfd_passes_other_descriptors_through)
{
	struct pollfd fds[2];
	int pfd[2], n = -1;

	setup_i(_metadata, self, 0);
	self->pollfds = true;
	ASSERT_EQ(0, pipe(pfd));
	ASSERT_EQ(1, write(pfd[1], "x", 1));
	ASSERT_EQ(0, rsm_memseg_get_pollfd(self->e, &fds[0]));
	fds[1].fd = pfd[0];
	fds[1].events = POLLIN;
	EXPECT_EQ(0, rsm_intr_signal_wait_pollfd(fds, 2, 0, &n));
	EXPECT_EQ(1, n);
	EXPECT_EQ(0, fds[0].revents);
	EXPECT_TRUE(fds[1].revents & POLLIN);
	/* with the pipe drained, nothing is ready */
	ASSERT_EQ(1, read(pfd[0], &n, 1));
	n = -1;
	EXPECT_EQ(RSMERR_TIMEOUT, rsm_intr_signal_wait_pollfd(fds, 2, 0, &n));
	EXPECT_EQ(0, n);
	EXPECT_EQ(0, rsm_memseg_release_pollfd(self->e));
	close(pfd[0]);
	close(pfd[1]);
}

/* Spec check 107 */
IMPORT_TEST(wait_pollfd_consumes_one_event_per_segment)
{
	struct pollfd p[2];
	int n = -1;

	setup_i(_metadata, self, 0);
	self->pollfds = true;
	ASSERT_EQ(0, rsm_memseg_get_pollfd(self->e, &p[0]));
	ASSERT_EQ(0, rsm_memseg_get_pollfd(self->i, &p[1]));
	EXPECT_EQ(0, rsm_intr_signal_post(self->i, 0));
	EXPECT_EQ(0, rsm_intr_signal_wait_pollfd(p, 1, 0, &n));
	EXPECT_EQ(1, n);
	EXPECT_EQ(POLLRDNORM, p[0].revents);
	n = -1;
	EXPECT_EQ(RSMERR_TIMEOUT, rsm_intr_signal_wait_pollfd(p, 1, 0, &n));
	EXPECT_EQ(0, n);
	/* two events on one, one on the other: one of each per call */
	EXPECT_EQ(0, rsm_intr_signal_post(self->i, 0));
	EXPECT_EQ(0, rsm_intr_signal_post(self->i, 0));
	EXPECT_EQ(0, rsm_intr_signal_post(self->e, 0));
	EXPECT_EQ(0, rsm_intr_signal_wait_pollfd(p, 2, 0, &n));
	EXPECT_EQ(2, n);
	EXPECT_EQ(POLLRDNORM, p[0].revents);
	EXPECT_EQ(POLLRDNORM, p[1].revents);
	EXPECT_EQ(0, rsm_intr_signal_wait_pollfd(p, 2, 0, &n));
	EXPECT_EQ(1, n);
	EXPECT_EQ(POLLRDNORM, p[0].revents);
	EXPECT_EQ(0, p[1].revents);
	EXPECT_EQ(RSMERR_TIMEOUT, rsm_intr_signal_wait_pollfd(p, 2, 0, &n));
	EXPECT_EQ(0, rsm_memseg_release_pollfd(self->e));
	EXPECT_EQ(0, rsm_memseg_release_pollfd(self->i));
}

/* Spec check 108 */
IMPORT_TEST(wait_pollfd_accepts_a_null_count)
{
	struct pollfd p;

	setup_i(_metadata, self, 0);
	self->pollfds = true;
	ASSERT_EQ(0, rsm_memseg_get_pollfd(self->e, &p));
	EXPECT_EQ(0, rsm_intr_signal_post(self->i, 0));
	EXPECT_EQ(0, rsm_intr_signal_wait_pollfd(&p, 1, 0, NULL));
	EXPECT_EQ(POLLRDNORM, p.revents);
	EXPECT_EQ(RSMERR_TIMEOUT, rsm_intr_signal_wait_pollfd(&p, 1, 0, NULL));
	EXPECT_EQ(0, rsm_memseg_release_pollfd(self->e));
}

/* Spec check 109 */
IMPORT_TEST(pollfd_in_use_blocks_import_disconnect)
{
	struct pollfd p;

	setup_i(_metadata, self, 0);
	self->pollfds = true;
	ASSERT_EQ(0, rsm_memseg_get_pollfd(self->i, &p));
	EXPECT_EQ(RSMERR_POLLFD_IN_USE, rsm_memseg_import_disconnect(self->i));
	/* the handle still works */
	EXPECT_EQ(0, rsm_intr_signal_post(self->i, 0));
	EXPECT_EQ(0, rsm_intr_signal_wait(self->e, 0));
	EXPECT_EQ(0, rsm_memseg_release_pollfd(self->i));
	EXPECT_EQ(0, rsm_memseg_import_disconnect(self->i));
	self->i = NULL;
}

/* Spec check 110 and 3.12 */
IMPORT_TEST(pollfd_calls_check_their_arguments)
{
	struct pollfd p;

	setup_i(_metadata, self, 0);
	EXPECT_EQ(RSMERR_BAD_ADDR, rsm_memseg_get_pollfd(self->e, NULL));
	EXPECT_EQ(RSMERR_BAD_ADDR, rsm_memseg_get_pollfd(self->i, NULL));
	EXPECT_EQ(RSMERR_BAD_SEG_HNDL, rsm_memseg_get_pollfd(NULL, &p));
	EXPECT_EQ(RSMERR_BAD_SEG_HNDL, rsm_memseg_release_pollfd(NULL));
	/* the failed calls took no reference */
	EXPECT_EQ(0, rsm_memseg_import_disconnect(self->i));
	self->i = NULL;
	EXPECT_EQ(0, rsm_memseg_export_destroy(self->e));
	self->e = NULL;
}

/* 3.12 get_pollfd: plain poll() sees readiness and does not consume it */
IMPORT_TEST(plain_poll_sees_a_pending_event_without_consuming_it)
{
	struct pollfd p;

	setup_i(_metadata, self, 0);
	self->pollfds = true;
	ASSERT_EQ(0, rsm_memseg_get_pollfd(self->e, &p));
	EXPECT_EQ(0, poll(&p, 1, 0));
	EXPECT_EQ(0, rsm_intr_signal_post(self->i, 0));
	EXPECT_EQ(1, poll(&p, 1, 0));
	EXPECT_TRUE(p.revents & POLLRDNORM);
	EXPECT_EQ(1, poll(&p, 1, 0));
	EXPECT_EQ(0, rsm_intr_signal_wait(self->e, 0));
	EXPECT_EQ(0, poll(&p, 1, 0));
	EXPECT_EQ(0, rsm_memseg_release_pollfd(self->e));
}

/* Spec check 113 */
IMPORT_TEST(putv_with_implicit_sigpost_posts_one_event)
{
	rsm_iovec_t iov = { .io_type = RSM_VA_TYPE, .transfer_length = 64 };
	rsm_scat_gath_t sg = { .io_request_count = 1, .iovec = &iov,
			       .flags = RSM_IMPLICIT_SIGPOST };

	setup_i(_metadata, self, 0);
	iov.local.vaddr = self->lbuf;
	sg.remote_handle = self->i;
	rsmt_fill_pattern(self->lbuf, 64, 0, 113);
	EXPECT_EQ(0, rsm_memseg_import_putv(&sg));
	EXPECT_EQ(RSM_IMPLICIT_SIGPOST, sg.flags);
	EXPECT_EQ(0, rsm_intr_signal_wait(self->e, 0));
	EXPECT_EQ(-1, rsmt_check_pattern(self->buf, 64, 0, 113));
	EXPECT_EQ(RSMERR_TIMEOUT, rsm_intr_signal_wait(self->e, 0));
	/* with no-accumulate too; a failed vector posts nothing */
	sg.flags = RSM_IMPLICIT_SIGPOST | RSM_SIGPOST_NO_ACCUMULATE;
	EXPECT_EQ(0, rsm_memseg_import_putv(&sg));
	EXPECT_EQ(0, rsm_memseg_import_getv(&sg));
	EXPECT_EQ(RSM_IMPLICIT_SIGPOST | RSM_SIGPOST_NO_ACCUMULATE, sg.flags);
	EXPECT_EQ(1, drain(self->e, 0));
	iov.remote_offset = self->len;
	EXPECT_EQ(RSMERR_BAD_OFFSET, rsm_memseg_import_putv(&sg));
	EXPECT_EQ(RSMERR_TIMEOUT, rsm_intr_signal_wait(self->e, 0));
}

/* ---- across nodes --------------------------------------------------- */

#define SEG_EV_UP	0x4b0301
#define SEG_EV_DOWN	0x4b0302
#define SEG_EV_COUNT	0x4b0303
#define SEG_EV_EPOLL	0x4b0304
#define SEG_EV_ORDER	0x4b0305
#define SEG_EV_FLOOD	0x4b0306
#define EV_MS		20000	/* a remote event arrives within this */
#define QUIET_MS	1000	/* no further event within this */
#define SETTLE_US	(300 * 1000)	/* posts that returned have landed */

/* Importers post; the exporter, already waiting, gets one from each */
NODE_TEST(importer_posts_wake_an_exporter_waiting_on_another_node, 300)
{
	struct timespec t0;
	int k;

	if (self->me == EXPORTER)
		export_as(_metadata, self, 4096, SEG_EV_UP, 0, NULL, 0);
	STEP("up.published");
	if (self->me != EXPORTER)
		import_k(_metadata, self, 0, SEG_EV_UP);
	STEP("up.connected");
	if (self->me == EXPORTER) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (k = 2; k <= self->n; k++)
			EXPECT_EQ(0, rsm_intr_signal_wait(self->e, EV_MS));
		/* the posts came after the importers' half-second sleep */
		EXPECT_LE(400, ms_since(&t0));
		EXPECT_EQ(RSMERR_TIMEOUT, rsm_intr_signal_wait(self->e, QUIET_MS));
	} else {
		usleep(500 * 1000);
		EXPECT_EQ(0, rsm_intr_signal_post(self->im[0], 0));
		/* nothing comes back to the importer */
		EXPECT_EQ(RSMERR_TIMEOUT, rsm_intr_signal_wait(self->im[0], QUIET_MS));
	}
	STEP("up.done");
	if (self->im[0])
		disconnect_k(_metadata, self, 0);
	STEP("up.end");
}

/* The exporter posts once; each import on each other node gets one */
NODE_TEST(exporter_post_reaches_each_importer_on_each_node_once, 300)
{
	int k;

	if (self->me == EXPORTER)
		export_as(_metadata, self, 4096, SEG_EV_DOWN, 0, NULL, 0);
	STEP("down.published");
	if (self->me != EXPORTER) {
		import_k(_metadata, self, 0, SEG_EV_DOWN);
		import_k(_metadata, self, 1, SEG_EV_DOWN);
	}
	STEP("down.connected");
	if (self->me == EXPORTER) {
		EXPECT_EQ(0, rsm_intr_signal_post(self->e, 0));
		EXPECT_EQ(RSMERR_TIMEOUT, rsm_intr_signal_wait(self->e, QUIET_MS));
	} else {
		for (k = 0; k < 2; k++) {
			EXPECT_EQ(0, rsm_intr_signal_wait(self->im[k], EV_MS))
				TH_LOG("import %d", k);
		}
		for (k = 0; k < 2; k++) {
			EXPECT_EQ(RSMERR_TIMEOUT, rsm_intr_signal_wait(self->im[k], QUIET_MS))
				TH_LOG("import %d got a second event", k);
		}
	}
	STEP("down.done");
	if (self->im[0]) {
		disconnect_k(_metadata, self, 0);
		disconnect_k(_metadata, self, 1);
	}
	STEP("down.end");
}

/*
 * Three posts make three events, three no-accumulate posts before any
 * wait make one, in both directions.  Each node counts what it got.
 */
NODE_TEST(accumulate_counts_every_post_no_accumulate_coalesces_across_nodes, 300)
{
	static const uint_t flags[2] = { 0, RSM_SIGPOST_NO_ACCUMULATE };
	const int importers = self->n - 1;
	char name[64];
	int f, k, got;

	if (self->me == EXPORTER)
		export_as(_metadata, self, 4096, SEG_EV_COUNT, 0, NULL, 0);
	STEP("count.published");
	if (self->me != EXPORTER)
		import_k(_metadata, self, 0, SEG_EV_COUNT);
	for (f = 0; f < 2; f++) {
		/* importers to the exporter */
		snprintf(name, sizeof(name), "count.up%d", f);
		STEP(name);
		for (k = 0; self->me != EXPORTER && k < 3; k++)
			EXPECT_EQ(0, rsm_intr_signal_post(self->im[0], flags[f]));
		snprintf(name, sizeof(name), "count.up%d.posted", f);
		STEP(name);
		if (self->me == EXPORTER) {
			usleep(SETTLE_US);
			got = drain(self->e, QUIET_MS);
			EXPECT_EQ(f ? 1 : 3 * importers, got)
				TH_LOG("flags %#x: %d events", flags[f], got);
		}
		/* the exporter to every importer */
		snprintf(name, sizeof(name), "count.down%d", f);
		STEP(name);
		for (k = 0; self->me == EXPORTER && k < 3; k++)
			EXPECT_EQ(0, rsm_intr_signal_post(self->e, flags[f]));
		snprintf(name, sizeof(name), "count.down%d.posted", f);
		STEP(name);
		if (self->me != EXPORTER) {
			usleep(SETTLE_US);
			got = drain(self->im[0], QUIET_MS);
			EXPECT_EQ(f ? 1 : 3, got) TH_LOG("flags %#x: %d events", flags[f], got);
		}
	}
	STEP("count.done");
	if (self->im[0])
		disconnect_k(_metadata, self, 0);
	STEP("count.end");
}

/* epoll on a pollfd sees a post from another node; wait_pollfd consumes */
static void epoll_one(struct __test_metadata *_metadata, void *seg,
		      bool expect_event)
{
	struct epoll_event ev = { .events = EPOLLIN }, out[4];
	struct pollfd p;
	int ep, n = -1;

	ASSERT_EQ(0, rsm_memseg_get_pollfd(seg, &p));
	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	ev.data.fd = p.fd;
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, p.fd, &ev));
	if (!expect_event) {
		EXPECT_EQ(0, epoll_wait(ep, out, 4, 0));
		goto out;
	}
	EXPECT_EQ(1, epoll_wait(ep, out, 4, EV_MS));
	EXPECT_TRUE(out[0].events & EPOLLIN);
	EXPECT_EQ(p.fd, out[0].data.fd);
	EXPECT_EQ(0, rsm_intr_signal_wait_pollfd(&p, 1, 0, &n));
	EXPECT_EQ(1, n);
	EXPECT_EQ(POLLRDNORM, p.revents);
	EXPECT_EQ(RSMERR_TIMEOUT, rsm_intr_signal_wait_pollfd(&p, 1, 0, &n));
	EXPECT_EQ(0, epoll_wait(ep, out, 4, 0));
out:
	close(ep);
	EXPECT_EQ(0, rsm_memseg_release_pollfd(seg));
}

NODE_TEST(epoll_sees_a_post_from_another_node_and_wait_pollfd_consumes_it, 300)
{
	if (self->me == EXPORTER)
		export_as(_metadata, self, 4096, SEG_EV_EPOLL, 0, NULL, 0);
	STEP("epoll.published");
	self->pollfds = true;
	if (self->me != EXPORTER)
		import_k(_metadata, self, 0, SEG_EV_EPOLL);
	STEP("epoll.connected");
	/* nothing pending anywhere yet */
	epoll_one(_metadata, self->me == EXPORTER ? (void *)self->e : (void *)self->im[0], false);
	STEP("epoll.idle");
	if (self->me == PUTTER) {
		usleep(200 * 1000);
		EXPECT_EQ(0, rsm_intr_signal_post(self->im[0], 0));
	}
	if (self->me == EXPORTER)
		epoll_one(_metadata, self->e, true);
	STEP("epoll.up");
	if (self->me == EXPORTER) {
		usleep(200 * 1000);
		EXPECT_EQ(0, rsm_intr_signal_post(self->e, 0));
	} else {
		epoll_one(_metadata, self->im[0], true);
	}
	STEP("epoll.down");
	/* rsm_intr_signal_wait_pollfd itself waits for a remote post */
	if (self->me == EXPORTER) {
		usleep(200 * 1000);
		EXPECT_EQ(0, rsm_intr_signal_post(self->e, 0));
	} else {
		struct pollfd p;
		int n = -1;

		ASSERT_EQ(0, rsm_memseg_get_pollfd(self->im[0], &p));
		EXPECT_EQ(0, rsm_intr_signal_wait_pollfd(&p, 1, EV_MS, &n));
		EXPECT_EQ(1, n);
		EXPECT_EQ(POLLRDNORM, p.revents);
		EXPECT_EQ(0, rsm_memseg_release_pollfd(self->im[0]));
	}
	STEP("epoll.pollfd");
	if (self->im[0])
		disconnect_k(_metadata, self, 0);
	STEP("epoll.end");
}

/*
 * Spec 3.12: an event posted after a put that returned 0 in implicit mode,
 * or after a successful close_barrier, is not seen before the data.  Node
 * 2 writes 64 KiB of new data each round, by turns with an implicit put, a
 * putv with RSM_IMPLICIT_SIGPOST, explicit puts and close_barrier, and
 * stores through a mapping and close_barrier, then posts; the exporter
 * waits for the event, checks every byte at once and answers with an
 * event of its own.
 */
#define ORDER_LEN	(64 * 1024)
#define ORDER_ROUNDS	16

NODE_TEST(event_after_the_data_is_never_seen_before_it, 600)
{
	rsm_iovec_t iov = { .io_type = RSM_VA_TYPE, .transfer_length = ORDER_LEN };
	rsm_scat_gath_t sg = { .io_request_count = 1, .iovec = &iov };
	char *a = NULL;
	unsigned int r;
	long bad;

	if (self->me == EXPORTER)
		export_as(_metadata, self, ORDER_LEN, SEG_EV_ORDER, 0, NULL, 0);
	STEP("order.published");
	if (self->me == PUTTER) {
		self->lbuflen = ORDER_LEN;
		self->lbuf = node_map(ORDER_LEN);
		ASSERT_NE(NULL, self->lbuf);
		import_k(_metadata, self, 0, SEG_EV_ORDER);
		/* the mapping needs a handle of its own (one mapping each) */
		import_k(_metadata, self, 1, SEG_EV_ORDER);
		ASSERT_EQ(0, rsm_memseg_import_map(self->im[1], (void **)&a, RSM_MAP_NONE,
						   RSM_PERM_RDWR, 0, ORDER_LEN));
		iov.local.vaddr = self->lbuf;
		sg.remote_handle = self->im[0];
	}
	STEP("order.connected");
	for (r = 1; r <= ORDER_ROUNDS; r++) {
		if (self->me == PUTTER) {
			rsmt_fill_pattern(self->lbuf, ORDER_LEN, 0, 600 + r);
			switch (r % 4) {
			case 0:
				ASSERT_EQ(0, rsm_memseg_import_put(self->im[0], 0, self->lbuf,
								   ORDER_LEN));
				ASSERT_EQ(0, rsm_intr_signal_post(self->im[0], 0));
				break;
			case 1:
				sg.flags = RSM_IMPLICIT_SIGPOST;
				ASSERT_EQ(0, rsm_memseg_import_putv(&sg));
				break;
			case 2:
				ASSERT_EQ(0, rsm_memseg_import_set_mode(self->im[0],
						RSM_BARRIER_MODE_EXPLICIT));
				ASSERT_EQ(0, rsm_memseg_import_open_barrier(&self->bar[0]));
				ASSERT_EQ(0, rsm_memseg_import_put(self->im[0], 0, self->lbuf,
								   ORDER_LEN / 2));
				ASSERT_EQ(0, rsm_memseg_import_put(self->im[0], ORDER_LEN / 2,
								   self->lbuf + ORDER_LEN / 2,
								   ORDER_LEN / 2));
				ASSERT_EQ(0, rsm_memseg_import_close_barrier(&self->bar[0]));
				ASSERT_EQ(0, rsm_memseg_import_set_mode(self->im[0],
						RSM_BARRIER_MODE_IMPLICIT));
				ASSERT_EQ(0, rsm_intr_signal_post(self->im[0], 0));
				break;
			default:
				ASSERT_EQ(0, rsm_memseg_import_open_barrier(&self->bar[1]));
				memcpy(a, self->lbuf, ORDER_LEN);
				ASSERT_EQ(0, rsm_memseg_import_close_barrier(&self->bar[1]));
				ASSERT_EQ(0, rsm_intr_signal_post(self->im[1], 0));
				break;
			}
			/* the exporter's answer: it checked this round */
			ASSERT_EQ(0, rsm_intr_signal_wait(self->im[0], EV_MS)) TH_LOG("round %u", r);
		} else if (self->me == EXPORTER) {
			ASSERT_EQ(0, rsm_intr_signal_wait(self->e, EV_MS)) TH_LOG("round %u", r);
			bad = rsmt_check_pattern(self->buf, ORDER_LEN, 0, 600 + r);
			EXPECT_EQ(-1, bad) TH_LOG("round %u (way %u): byte %ld not there yet",
						  r, r % 4, bad);
			ASSERT_EQ(0, rsm_intr_signal_post(self->e, 0));
		}
	}
	STEP("order.done");
	if (self->me == EXPORTER)
		EXPECT_EQ(RSMERR_TIMEOUT, rsm_intr_signal_wait(self->e, 0));
	if (self->me == PUTTER) {
		EXPECT_EQ(0, rsm_memseg_import_unmap(self->im[1]));
		disconnect_k(_metadata, self, 1);
		disconnect_k(_metadata, self, 0);
	}
	STEP("order.end");
}

#define FLOOD_THREADS	4
#define FLOOD_S		5

struct flood {
	rsm_memseg_import_handle_t im;
	long posts, errors;
};

static void *flood_fn(void *arg)
{
	struct flood *f = arg;
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (ms_since(&t0) < FLOOD_S * 1000) {
		if (rsm_intr_signal_post(f->im, RSM_SIGPOST_NO_ACCUMULATE))
			f->errors++;
		f->posts++;
	}
	return NULL;
}

/*
 * Four threads on every importing node post signals as fast as they can
 * for 5 s: no connection between any two nodes is lost, and the exporter
 * gets its event.  On iWARP a message that finds no receive posted at the
 * peer resets the connection (there is no RNR retry as on RoCE), so one
 * process's flood would abort every import between the two nodes.
 */
NODE_TEST(a_flood_of_signal_posts_keeps_every_connection, 300)
{
	struct flood f[FLOOD_THREADS] = { 0 };
	pthread_t th[FLOOD_THREADS];
	long long before[65] = { 0 };	/* by node id */
	long posts = 0;
	int i;

	for (i = 1; i <= self->n; i++)
		if (i != self->me)
			before[i] = node_conn_losses(i);
	if (self->me == EXPORTER)
		export_as(_metadata, self, 4096, SEG_EV_FLOOD, 0, NULL, 0);
	STEP("flood.published");
	if (self->me != EXPORTER) {
		import_k(_metadata, self, 0, SEG_EV_FLOOD);
		for (i = 0; i < FLOOD_THREADS; i++) {
			f[i].im = self->im[0];
			ASSERT_EQ(0, pthread_create(&th[i], NULL, flood_fn, &f[i]));
		}
		for (i = 0; i < FLOOD_THREADS; i++) {
			pthread_join(th[i], NULL);
			EXPECT_EQ(0, f[i].errors);
			posts += f[i].posts;
		}
		TH_LOG("%ld posts in %d s", posts, FLOOD_S);
	}
	STEP("flood.posted");
	if (self->me == EXPORTER)
		EXPECT_LE(1, drain(self->e, EV_MS));
	for (i = 1; i <= self->n; i++) {
		/* braces: the harness's message is a statement of its own */
		if (i != self->me) {
			EXPECT_EQ(before[i], node_conn_losses(i))
				TH_LOG("connection to node %d", i);
		}
	}
	STEP("flood.checked");
	if (self->im[0])
		disconnect_k(_metadata, self, 0);
	STEP("flood.end");
}

TEST_HARNESS_MAIN
