// SPDX-License-Identifier: GPL-2.0-only
/*
 * User memory that stalls must stall only its owner: put, get, putv and
 * getv copy or pin user memory before they hold a lock, a bounce slot or
 * an endpoint that a revocation or a teardown waits for.  And the cache
 * behind a remote mapping is charged to whoever maps it.  On every node
 * of a cluster of 2 or more at once: node 1 exports, node 2 imports,
 * other nodes only meet them at the steps.
 *
 *  - Puts whose source is an uncached page of a remote mapping fault
 *    that page in by RDMA READ from inside the put: many threads at once
 *    (47 of them deadlocked once) must all finish.
 *  - Puts whose source is a FUSE file that never answers stall for good;
 *    the exporter's unpublish, other processes' imports and finally the
 *    module's unload must not wait for them.
 *  - The cache of a remote mapping counts against RLIMIT_MEMLOCK at mmap
 *    time and its pages against the memory cgroup of the faulting process.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* pthread_timedjoin_np() */
#endif
#include <grp.h>
#include <pthread.h>
#include <sys/resource.h>
#include <time.h>

#include "rsm_ctlr.h"
#include "rsm_stall.h"

#define SEG_A16		0x4d0101
#define SEG_B16		0x4d0102
#define SEG_A47		0x4d0103
#define SEG_B47		0x4d0104
#define SEG_FB		0x4d0111
#define SEG_FC		0x4d0112
#define SEG_MEM		0x4d0121
#define MIB		(1024 * 1024)

/* import slots of node 2 */
#define IA		0
#define IB		1

static void acl_all(rsmapi_access_entry_t *acl, int n, rsm_permission_t perm)
{
	int k;

	for (k = 0; k < n; k++) {
		acl[k].ae_node = k + 1;
		acl[k].ae_permission = perm;
	}
}

/*
 * 1. Puts from uncached pages of a remote mapping, from many threads.
 *
 * Node 2 maps A (16 MiB, read-only) without touching it and puts 8 bytes
 * at a time into B, each from the first bytes of a page of A: thread k of
 * N uses pages k, k + N, ...  A small put copies its source in the kernel
 * first, so every put faults a page of A in, which is an RDMA READ on the
 * same connection the put then writes through.  A thread of its own opens
 * a barrier on A every REFRESH_MS, which drops the cached pages, so the
 * faults go on for the whole run; another process puts into B meanwhile.
 * B's slot 8 * p receives page p's first 8 bytes; the other process
 * writes slots of its own from OTHER_BASE on.
 */
#define A_LEN		(16 * MIB)
#define B_LEN		(1 * MIB)
#define SEED_A		71
#define SEED_OTHER	72
#define RUN_S		5	/* the threads put for this long */
#define STUCK_S		60	/* and must all be back within this more */
#define REFRESH_MS	20
#define OTHER_BASE	(512 * 1024)
#define OTHER_SLOTS	4096

struct putter {
	pthread_t tid;
	bool started, joined;
	const char *a;			/* A's mapping */
	rsm_memseg_import_handle_t b;
	rsmapi_barrier_t *bar;		/* the refresher's: A's barrier */
	unsigned int k, nthreads, npages;
	double end;
	unsigned char *written;		/* per page of A: a put from it landed */
	unsigned long ops;
	int err;
};

static void *putter_run(void *arg)
{
	struct putter *p = arg;
	unsigned int per = (p->npages - p->k + p->nthreads - 1) / p->nthreads;
	unsigned long page;

	/* at least once: under a loaded host a thread may start after @end */
	do {
		page = p->k + (unsigned long)p->nthreads * (p->ops % per);
		p->err = rsm_memseg_import_put(p->b, page * 8,
					       (void *)(p->a + page * pg()), 8);
		if (p->err)
			break;
		p->written[page] = 1;
		p->ops++;
	} while (rsmt_time() < p->end);
	return NULL;
}

static void *refresher_run(void *arg)
{
	struct putter *p = arg;

	do {
		p->err = rsm_memseg_import_open_barrier(p->bar);
		if (!p->err)
			p->err = rsm_memseg_import_close_barrier(p->bar);
		if (p->err)
			break;
		p->ops++;
		usleep(REFRESH_MS * 1000);
	} while (rsmt_time() < p->end);
	return NULL;
}

static uint64_t other_word(unsigned long slot)
{
	uint64_t w;

	rsmt_fill_pattern(&w, sizeof(w), OTHER_BASE + slot * 8, SEED_OTHER);
	return w;
}

/* The other process: small puts into B until @end; reports how many. */
static void other_putter(FIXTURE_DATA(stall) *self, rsm_memseg_id_t id,
			 double end, int wfd)
{
	rsm_memseg_import_handle_t im;
	rsmapi_barrier_t bar;
	unsigned long n;
	int ret = 0;
	uint64_t v;

	memset(&bar, 0, sizeof(bar));
	if (rsm_memseg_import_connect(self->ctl, EXPORTER, id, RSM_PERM_RDWR,
				      &im) ||
	    rsm_memseg_import_init_barrier(im, RSM_BARRIER_SEGMENT, &bar))
		_exit(2);
	for (n = 0; rsmt_time() < end; n++) {
		v = other_word(n % OTHER_SLOTS);
		ret = rsm_memseg_import_put(im, OTHER_BASE + n % OTHER_SLOTS * 8,
					    &v, 8);
		if (ret)
			break;
	}
	if (write(wfd, &n, sizeof(n)) != sizeof(n))
		_exit(3);
	rsm_memseg_import_disconnect(im);
	_exit(ret ? 4 : 0);
}

static pid_t spawn_other_putter(FIXTURE_DATA(stall) *self, rsm_memseg_id_t id,
				double end, int *rfd)
{
	int fds[2];
	pid_t pid;

	if (pipe(fds))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		other_putter(self, id, end, fds[1]);
	}
	close(fds[1]);
	*rfd = fds[0];
	if (pid > 0)
		stall_kid_add(self, pid);
	return pid;
}

/* Start the putters p[0..n-1] and the refresher p[n]. */
static void start_threads(struct putter *p, unsigned int n, const char *a,
			  FIXTURE_DATA(stall) *self, unsigned char *written,
			  double end)
{
	pthread_attr_t attr;
	unsigned int k;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 512 * 1024);
	for (k = 0; k <= n; k++) {
		p[k].a = a;
		p[k].b = self->im[IB];
		p[k].bar = &self->bar[IA];
		p[k].k = k;
		p[k].nthreads = n;
		p[k].npages = A_LEN / pg();
		p[k].end = end;
		p[k].written = written;
		p[k].started = !pthread_create(&p[k].tid, &attr,
					       k < n ? putter_run : refresher_run,
					       &p[k]);
	}
	pthread_attr_destroy(&attr);
}

/* Join every thread within @limit_s seconds; false if one is stuck. */
static bool join_all(struct putter *p, unsigned int n, double limit_s)
{
	struct timespec dl;
	bool all = true;
	unsigned int k;

	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += (time_t)limit_s;
	for (k = 0; k < n; k++) {
		if (!p[k].started)
			continue;
		p[k].joined = !pthread_timedjoin_np(p[k].tid, NULL, &dl);
		all = all && p[k].joined;
	}
	return all;
}

static void check_threads(struct __test_metadata *_metadata,
			  const struct putter *p, unsigned int n)
{
	unsigned long puts = 0, idle = 0;
	unsigned int k;

	for (k = 0; k <= n; k++) {
		EXPECT_TRUE(p[k].started) TH_LOG("thread %u did not start", k);
		EXPECT_EQ(0, p[k].err) TH_LOG("%s %u failed after %lu operations",
					      k < n ? "putter" : "refresher", k,
					      p[k].ops);
		if (k < n) {
			puts += p[k].ops;
			idle += !p[k].ops;
		}
	}
	TH_LOG("%lu puts by %u threads (%lu of them got none through), %lu refreshes",
	       puts, n, idle, p[n].ops);
	EXPECT_LT(0, puts);
	EXPECT_EQ(0, idle);	/* each made its first put, at least */
	EXPECT_LT(0, p[n].ops);
}

/* Node 2: B, read back, holds what the puts carried, and nothing else. */
static void check_b_importer(struct __test_metadata *_metadata,
			     FIXTURE_DATA(stall) *self,
			     const unsigned char *written, unsigned long other)
{
	const unsigned int npages = A_LEN / pg();
	uint64_t *got = malloc(OTHER_SLOTS * 8 + npages * 8), want;
	unsigned long k, bad = 0, n = 0;

	ASSERT_NE(NULL, got);
	EXPECT_EQ(0, rsm_memseg_import_get(self->im[IB], 0, got, npages * 8));
	for (k = 0; k < npages; k++) {
		want = written[k] ? stall_page_word(SEED_A, k) : 0;
		n += written[k];
		if (got[k] != want && bad++ < 4)
			TH_LOG("slot of page %lu holds %#llx, want %#llx", k,
			       (unsigned long long)got[k],
			       (unsigned long long)want);
	}
	EXPECT_LT(0, n);
	EXPECT_EQ(0, rsm_memseg_import_get(self->im[IB], OTHER_BASE, got,
					   OTHER_SLOTS * 8));
	for (k = 0; k < OTHER_SLOTS; k++) {
		want = k < other ? other_word(k) : 0;
		if (got[k] != want && bad++ < 8)
			TH_LOG("other process's slot %lu holds %#llx, want %#llx",
			       k, (unsigned long long)got[k],
			       (unsigned long long)want);
	}
	EXPECT_EQ(0, bad) TH_LOG("%lu slots of B are wrong (%lu pages put)", bad, n);
	free(got);
}

/* Node 2: the other process is back too, and says how many puts it made. */
static unsigned long reap_other(struct __test_metadata *_metadata,
				FIXTURE_DATA(stall) *self, pid_t pid, int rfd)
{
	unsigned long n = 0;
	int status = 0;

	if (!stall_reap(pid, STUCK_S, &status)) {
		TH_LOG("the other process is still in the kernel after %d s",
		       STUCK_S);
		stall_dump_tasks(pid);
		close(rfd);
		ASSERT_TRUE(false);
	}
	stall_kid_forget(self, pid);
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
		TH_LOG("the other process ended with status %#x", status);
	if (read(rfd, &n, sizeof(n)) != sizeof(n))
		n = 0;
	close(rfd);
	TH_LOG("%lu puts by the other process", n);
	EXPECT_LT(0, n);
	return n;
}

static void puts_importer(struct __test_metadata *_metadata,
			  FIXTURE_DATA(stall) *self, unsigned int nthreads,
			  rsm_memseg_id_t ida, rsm_memseg_id_t idb)
{
	struct rsmt_counts now;
	unsigned char *written;
	unsigned long other;
	struct putter *p;
	char *a = NULL;
	int rfd = -1;
	double end;
	pid_t kid;

	stall_import(_metadata, self, IA, ida, RSM_PERM_READ);
	ASSERT_EQ(0, rsm_memseg_import_map(self->im[IA], (void **)&a, RSM_MAP_NONE,
					   RSM_PERM_READ, 0, A_LEN));
	/* nothing is cached yet: the first put from each page faults it in */
	ASSERT_EQ(0, rsmt_counts(&now));
	EXPECT_EQ(self->base.mapped_pages, now.mapped_pages);
	stall_import(_metadata, self, IB, idb, RSM_PERM_RDWR);
	/* not freed when threads are stuck: they still use them */
	p = calloc(nthreads + 1, sizeof(*p));
	written = calloc(A_LEN / pg(), 1);
	ASSERT_NE(NULL, p);
	ASSERT_NE(NULL, written);
	end = rsmt_time() + RUN_S;
	kid = spawn_other_putter(self, idb, end, &rfd);
	ASSERT_LT(0, kid);
	start_threads(p, nthreads, a, self, written, end);
	if (!join_all(p, nthreads + 1, RUN_S + STUCK_S)) {
		TH_LOG("threads are still in the kernel %d s after the end of the run",
		       STUCK_S);
		stall_dump_tasks(0);
		self->stuck = true;
		ASSERT_TRUE(false);
	}
	check_threads(_metadata, p, nthreads);
	other = reap_other(_metadata, self, kid, rfd);
	check_b_importer(_metadata, self, written, other);
	EXPECT_EQ(0, rsm_memseg_import_unmap(self->im[IA]));
	free(written);
	free(p);
}

/* Node 1: every slot of B is empty or holds what its put carried. */
static void check_b_exporter(struct __test_metadata *_metadata,
			     FIXTURE_DATA(stall) *self)
{
	const uint64_t *b = (const void *)self->buf[1];
	const unsigned long npages = A_LEN / pg();
	unsigned long k, n = 0, bad = 0;

	for (k = 0; k < npages; k++) {
		n += !!b[k];
		if (b[k] && b[k] != stall_page_word(SEED_A, k) && bad++ < 4)
			TH_LOG("slot of page %lu holds %#llx", k,
			       (unsigned long long)b[k]);
	}
	for (k = 0; k < OTHER_SLOTS; k++) {
		if (b[OTHER_BASE / 8 + k] && b[OTHER_BASE / 8 + k] != other_word(k) &&
		    bad++ < 8)
			TH_LOG("other process's slot %lu is wrong", k);
	}
	EXPECT_EQ(0, bad);
	EXPECT_LT(0, n);
}

static void many_puts_test(struct __test_metadata *_metadata,
			   FIXTURE_DATA(stall) *self, unsigned int nthreads,
			   rsm_memseg_id_t ida, rsm_memseg_id_t idb)
{
	rsmapi_access_entry_t acl[RSM_MAX_NODE];

	acl_all(acl, self->n, 0666);
	if (self->me == EXPORTER) {
		stall_export(_metadata, self, 0, A_LEN, ida, SEED_A, acl, self->n);
		stall_export(_metadata, self, 1, B_LEN, idb, 0, acl, self->n);
	}
	STEP("published");
	if (self->me == IMPORTER)
		puts_importer(_metadata, self, nthreads, ida, idb);
	STEP_LONG("done", RUN_S + 2 * STUCK_S + STEP_S);
	if (self->me == EXPORTER)
		check_b_exporter(_metadata, self);
	STEP("end");
}

STALL_TEST(mapping_source_puts_from_many_threads_do_not_deadlock, 420)
{
	many_puts_test(_metadata, self, 16, SEG_A16, SEG_B16);
}

STALL_TEST(mapping_source_puts_from_47_threads_do_not_deadlock, 420)
{
	many_puts_test(_metadata, self, 47, SEG_A47, SEG_B47);
}

/*
 * 2. A put whose user buffer never arrives.
 *
 * Node 2 maps a file of a FUSE file system that never answers a READ
 * (rsm_stall_fuse.h) and two children put from it into B, an import
 * they share with their parent: 256 KiB, which the kernel pins first,
 * and 8 bytes, which it copies first.  Either faults a page of the file
 * and waits for FUSE, for good.  Meanwhile:
 *  - another put through the same import, and another process's import
 *    of another segment of node 1, work (within PROBE_S);
 *  - node 1 unpublishes and destroys B within UNPUB_S: the revocation
 *    on node 2 waits for nothing the stuck children hold;
 *  - killed, the children go once FUSE lets them: FUSE waits for a
 *    request the daemon has read even after SIGKILL, so the connection
 *    is aborted if they are still there after KILL_S; then nothing of
 *    rsm may keep them.
 * The last part of this check is the runner's rmmod at the end of the
 * run: the stuck transfers must have left no reference on the module,
 * its devices or its connections.
 */
#define LARGE_LEN	(256 * 1024)
#define SMALL_OFF	(512 * 1024)	/* in the file, and in B */
#define PROBE_OFF	8192
#define C_LEN		(64 * 1024)
#define SEED_C		73
#define STALL_S		2	/* the children must still be stuck by then */
#define PROBE_S		10
#define UNPUB_S		10
#define KILL_S		10
#define REMOVE_S	30	/* rxe0 is removed within this */

/* A child that puts @len bytes from @src into B at @off: it stalls. */
static pid_t spawn_stuck_put(FIXTURE_DATA(stall) *self, off_t off, char *src,
			     size_t len)
{
	pid_t pid = fork();

	if (pid == 0) {
		/* only the parent's descriptor may keep the FUSE connection */
		close(self->fuse.fd);
		_exit(rsm_memseg_import_put(self->im[IB], off, src, len));
	}
	return pid;
}

/* A put and a get through B, the import the stuck children share. */
static int probe_shared_b(FIXTURE_DATA(stall) *self, int unused)
{
	uint64_t v = 0x5354414c4c000000ULL | getpid(), back = 0;
	int ret;

	ret = rsm_memseg_import_put(self->im[IB], PROBE_OFF, &v, sizeof(v));
	if (!ret)
		ret = rsm_memseg_import_get(self->im[IB], PROBE_OFF, &back,
					    sizeof(back));
	return !ret && back != v ? 200 : ret;
}

/* Another segment of node 1, from a process of its own: C gets SEED_C. */
static int probe_other_segment(FIXTURE_DATA(stall) *self, int unused)
{
	char *out = malloc(C_LEN), *back = calloc(1, C_LEN);
	rsm_memseg_import_handle_t im;
	rsmapi_barrier_t bar;
	int ret;

	if (!out || !back)
		return 201;
	memset(&bar, 0, sizeof(bar));
	rsmt_fill_pattern(out, C_LEN, 0, SEED_C);
	ret = rsm_memseg_import_connect(self->ctl, EXPORTER, SEG_FC,
					RSM_PERM_RDWR, &im);
	if (ret)
		return ret;
	ret = rsm_memseg_import_init_barrier(im, RSM_BARRIER_SEGMENT, &bar);
	if (!ret)
		ret = rsm_memseg_import_put(im, 0, out, C_LEN);
	if (!ret)
		ret = rsm_memseg_import_get(im, 0, back, C_LEN);
	if (!ret && memcmp(out, back, C_LEN))
		ret = 202;
	if (rsm_memseg_import_disconnect(im) && !ret)
		ret = 203;
	return ret;
}

/* Node 2: both children are in FUSE's hands, and stay there. */
static void expect_stuck(struct __test_metadata *_metadata,
			 FIXTURE_DATA(stall) *self)
{
	static const char *const what[2] = { "256 KiB put (pins)",
					     "8-byte put (copies)" };
	double end = rsmt_time() + STALL_S;
	char wchan[64];
	int k, status;

	/* one READ per faulting page: the first page of each buffer */
	while ((stall_fuse_reads(&self->fuse) < 2 || rsmt_time() < end) &&
	       rsmt_time() < end + PROBE_S)
		usleep(50 * 1000);
	EXPECT_LE(2, stall_fuse_reads(&self->fuse))
		TH_LOG("FUSE saw %lu reads", stall_fuse_reads(&self->fuse));
	for (k = 0; k < 2; k++) {
		status = 0;
		if (waitpid(self->kids[k], &status, WNOHANG) == self->kids[k]) {
			self->kids[k] = 0;
			EXPECT_TRUE(false)
				TH_LOG("the %s returned (status %#x) instead of stalling",
				       what[k], status);
			continue;
		}
		TH_LOG("the %s waits in %s", what[k],
		       stall_wchan(self->kids[k], wchan, sizeof(wchan)));
	}
}

static void fuse_stall_start(struct __test_metadata *_metadata,
			     FIXTURE_DATA(stall) *self)
{
	char why[160];

	if (stall_fuse_start(&self->fuse, why, sizeof(why))) {
		TH_LOG("no FUSE on node %d (%s)", self->me, why);
		stall_fuse_stop(&self->fuse);
		stall_mark(_metadata->name, "nofuse");
		return;
	}
	stall_import(_metadata, self, IB, SEG_FB, RSM_PERM_RDWR);
	self->kids[0] = spawn_stuck_put(self, 0, self->fuse.map, LARGE_LEN);
	ASSERT_LT(0, self->kids[0]);
	self->kids[1] = spawn_stuck_put(self, SMALL_OFF,
					self->fuse.map + SMALL_OFF, 8);
	ASSERT_LT(0, self->kids[1]);
	expect_stuck(_metadata, self);
	EXPECT_EQ(0, stall_run_child(self, probe_shared_b, 0, PROBE_S,
				     "put and get through the shared import"));
	EXPECT_EQ(0, stall_run_child(self, probe_other_segment, 0, PROBE_S,
				     "another process imports another segment"));
}

/* Node 1: unpublish and destroy B, each within UNPUB_S. */
static void fuse_revoke(struct __test_metadata *_metadata,
			FIXTURE_DATA(stall) *self)
{
	double t = rsmt_time(), took;

	EXPECT_EQ(0, rsm_memseg_export_unpublish(self->e[0]));
	took = rsmt_time() - t;
	TH_LOG("unpublish took %.2f s", took);
	EXPECT_TRUE(took < UNPUB_S);
	took = stall_destroy(self, 0);
	TH_LOG("destroy took %.2f s", took);
	EXPECT_TRUE(took >= 0 && took < UNPUB_S);
}

/* Node 2: kill the stuck children; abort FUSE if that is not enough. */
static void kill_stuck(struct __test_metadata *_metadata,
		       FIXTURE_DATA(stall) *self)
{
	const char *how = "SIGKILL alone";
	bool gone[2] = { true, true };
	int k, status;

	for (k = 0; k < 2; k++)
		if (self->kids[k])
			kill(self->kids[k], SIGKILL);
	for (k = 0; k < 2; k++)
		if (self->kids[k])
			gone[k] = stall_reap(self->kids[k], KILL_S, &status);
	if (!gone[0] || !gone[1]) {
		how = stall_fuse_abort(&self->fuse);
		for (k = 0; k < 2; k++)
			if (!gone[k])
				gone[k] = stall_reap(self->kids[k], KILL_S, &status);
	}
	TH_LOG("the stalled children were gone after %s%s", how ? how : "no abort",
	       how && strcmp(how, "SIGKILL alone") ?
	       " (FUSE waits for a request it handed out even after SIGKILL)" : "");
	for (k = 0; k < 2; k++) {
		EXPECT_TRUE(gone[k]) TH_LOG("child %d is still there", self->kids[k]);
		if (!gone[k])
			stall_dump_tasks(self->kids[k]);
		else
			self->kids[k] = 0;
	}
}

/*
 * Node 2 removes its RDMA device while the children are stuck: the
 * removal tears down every endpoint on it and must not wait for them (it
 * would if they held an endpoint, a slot or a lock of rsm).  The device
 * comes back and the connections with it.
 */
static void remove_device_while_stuck(struct __test_metadata *_metadata)
{
	double t = rsmt_time();

	EXPECT_EQ(0, rsmt_sh("timeout %d rdma link delete %s", REMOVE_S,
			     rsmt_ctlr()))
		TH_LOG("removing rxe0 did not complete within %d s", REMOVE_S);
	TH_LOG("rxe0 removed in %.2f s, the children still stuck",
	       rsmt_time() - t);
	EXPECT_EQ(0, rsmt_sh("rdma link add %s type %s netdev eth0",
			     rsmt_ctlr(), rsmt_transport()));
	EXPECT_EQ(0, rsmt_wait_all_active(STEP_S));
}

static void fuse_stall_finish(struct __test_metadata *_metadata,
			      FIXTURE_DATA(stall) *self)
{
	char wchan[64];
	int k;

	/* the revocation reached the import the stuck children share */
	EXPECT_EQ(RSMERR_CONN_ABORTED,
		  stall_run_child(self, probe_shared_b, 0, PROBE_S,
				  "put through the revoked import"));
	EXPECT_EQ(0, stall_run_child(self, probe_other_segment, 0, PROBE_S,
				     "another segment after the revocation"));
	for (k = 0; k < 2; k++) {
		if (!self->kids[k])
			continue;
		EXPECT_EQ(0, waitpid(self->kids[k], NULL, WNOHANG))
			TH_LOG("child %d returned", self->kids[k]);
		TH_LOG("child %d still waits in %s", self->kids[k],
		       stall_wchan(self->kids[k], wchan, sizeof(wchan)));
	}
	remove_device_while_stuck(_metadata);
	kill_stuck(_metadata, self);
	EXPECT_EQ(0, rsm_memseg_import_disconnect(self->im[IB]));
	self->im[IB] = NULL;
	stall_fuse_stop(&self->fuse);
}

STALL_TEST(stalled_user_buffer_blocks_neither_unpublish_nor_device_removal,
	   420)
{
	rsmapi_access_entry_t acl[RSM_MAX_NODE];
	char want[256];
	bool nofuse;

	acl_all(acl, self->n, 0666);
	if (self->me == EXPORTER) {
		stall_export(_metadata, self, 0, B_LEN, SEG_FB, 0, acl, self->n);
		stall_export(_metadata, self, 1, C_LEN, SEG_FC, 0, acl, self->n);
	}
	STEP("published");
	if (self->me == IMPORTER)
		fuse_stall_start(_metadata, self);
	STEP_LONG("stuck", STEP_S + 3 * PROBE_S);
	nofuse = stall_marked(_metadata->name, "nofuse", IMPORTER);
	if (self->me == EXPORTER && !nofuse)
		fuse_revoke(_metadata, self);
	STEP_LONG("unpublished", STEP_S + 2 * UNPUB_S);
	if (self->me == IMPORTER && !nofuse)
		fuse_stall_finish(_metadata, self);
	STEP_LONG("end", 2 * STEP_S + 2 * PROBE_S + 3 * KILL_S + REMOVE_S);
	if (self->me == EXPORTER && !nofuse) {
		rsmt_fill_pattern(want, sizeof(want), 0, SEED_C);
		EXPECT_EQ(0, memcmp(self->buf[1], want, sizeof(want)))
			TH_LOG("the other process's put did not reach C");
	}
	if (nofuse && _metadata->passed)
		SKIP(return, "node %d cannot mount a FUSE file system", IMPORTER);
}

/*
 * 3. What a remote mapping's cache is charged to.
 *
 * RLIMIT_MEMLOCK, at mmap time, for the window mapped: a process without
 * CAP_IPC_LOCK (nobody) and an 8 MiB limit cannot map 16 MiB; it can map
 * 6 MiB, then not 3 MiB more through a second import, but 1 MiB (no case
 * sits exactly at the limit); unmapping gives the charge back.
 * The memory cgroup of the process whose loads fault the pages in: a
 * process in a cgroup of ours maps 4 MiB, loads every page, and the
 * cgroup's memory.current grows by at least 3 MiB.
 */
#define MEM_LEN		(16 * MIB)
#define MEMLOCK		(8 * MIB)
#define CG_MAP		(4 * MIB)
#define CG_MAX		"67108864"	/* 64 MiB */
#define CG_MIN_GROWTH	(3LL * MIB)
#define SEED_M		74
#define NOBODY		65534
#define CHILD_S		120

static int map_as(rsm_memseg_import_handle_t im, void *a, size_t len)
{
	*(void **)a = NULL;
	return rsm_memseg_import_map(im, a, RSM_MAP_NONE, RSM_PERM_READ, 0, len);
}

static bool first_word_ok(const char *a, size_t off)
{
	return *(volatile const uint64_t *)(a + off) ==
	       stall_page_word(SEED_M, off / pg());
}

/* Returns 0, or the number of the check that failed. */
static int memlock_child(FIXTURE_DATA(stall) *self)
{
	struct rlimit rl = { .rlim_cur = MEMLOCK, .rlim_max = MEMLOCK };
	rsm_memseg_import_handle_t i1, i2;
	char *a1, *a2;
	int ret;

	/* the limit first: nobody may not raise it, nor lock beyond it */
	if (setrlimit(RLIMIT_MEMLOCK, &rl) || setgroups(0, NULL) ||
	    setgid(NOBODY) || setuid(NOBODY) || getuid() != NOBODY)
		return 1;
	if (rsm_memseg_import_connect(self->ctl, EXPORTER, SEG_MEM,
				      RSM_PERM_READ, &i1) ||
	    rsm_memseg_import_connect(self->ctl, EXPORTER, SEG_MEM,
				      RSM_PERM_READ, &i2))
		return 2;
	ret = map_as(i1, &a1, MEM_LEN);
	if (ret != RSMERR_INSUFFICIENT_RESOURCES) {
		fprintf(stderr, "# memlock: mapping 16 MiB gave %d\n", ret);
		return 3;
	}
	if (map_as(i1, &a1, 6 * MIB))
		return 4;
	ret = map_as(i2, &a2, 3 * MIB);
	if (ret != RSMERR_INSUFFICIENT_RESOURCES) {
		fprintf(stderr, "# memlock: 6 + 3 MiB gave %d\n", ret);
		return 5;
	}
	if (map_as(i2, &a2, 1 * MIB))
		return 6;
	if (!first_word_ok(a1, 5 * MIB) || !first_word_ok(a2, 0))
		return 7;
	if (rsm_memseg_import_unmap(i1) || map_as(i1, &a1, 6 * MIB) ||
	    !first_word_ok(a1, 3 * MIB))
		return 8;
	if (rsm_memseg_import_unmap(i1) || rsm_memseg_import_unmap(i2) ||
	    rsm_memseg_import_disconnect(i1) || rsm_memseg_import_disconnect(i2))
		return 9;
	return 0;
}

static int memlock_child_fn(FIXTURE_DATA(stall) *self, int unused)
{
	return memlock_child(self);
}

/* In the cgroup: map CG_MAP, load every page; reports memory.current. */
static int memcg_child(FIXTURE_DATA(stall) *self, int wfd)
{
	rsm_memseg_import_handle_t im;
	long long cur[2];
	char pid[24], *a;
	size_t off;

	snprintf(pid, sizeof(pid), "%d", getpid());
	if (stall_cg_write(self->cg.dir, "cgroup.procs", pid))
		return 1;
	if (rsm_memseg_import_connect(self->ctl, EXPORTER, SEG_MEM,
				      RSM_PERM_READ, &im))
		return 2;
	cur[0] = stall_cg_current(self->cg.dir);
	if (map_as(im, &a, CG_MAP))
		return 3;
	for (off = 0; off < CG_MAP; off += pg())
		if (!first_word_ok(a, off))
			return 4;
	cur[1] = stall_cg_current(self->cg.dir);
	if (write(wfd, cur, sizeof(cur)) != sizeof(cur))
		return 5;
	if (rsm_memseg_import_unmap(im) || rsm_memseg_import_disconnect(im))
		return 6;
	return 0;
}

static void memcg_part(struct __test_metadata *_metadata,
		       FIXTURE_DATA(stall) *self)
{
	long long cur[2] = { -1, -1 };
	char why[160];
	int fds[2], ret;

	if (stall_cg_make(&self->cg, CG_MAX, why, sizeof(why))) {
		TH_LOG("memcg part skipped: %s", why);
		stall_cg_remove(&self->cg);
		return;
	}
	ASSERT_EQ(0, pipe(fds));
	ret = stall_run_child(self, memcg_child, fds[1], CHILD_S,
			      "4 MiB loaded in a cgroup");
	close(fds[1]);
	EXPECT_EQ(0, ret) TH_LOG("memcg check %d failed", ret);
	if (!ret && read(fds[0], cur, sizeof(cur)) != sizeof(cur))
		cur[0] = cur[1] = -1;
	close(fds[0]);
	TH_LOG("memory.current %lld -> %lld after loading %d MiB", cur[0],
	       cur[1], CG_MAP / MIB);
	if (!ret)
		EXPECT_LE(CG_MIN_GROWTH, cur[1] - cur[0]);
	if (!ret)
		EXPECT_EQ(0, stall_cg_remove(&self->cg));
}

STALL_TEST(remote_mapping_cache_is_charged_to_memlock_and_memcg, 400)
{
	/* others may read: the memlock child is nobody on node 2 */
	rsmapi_access_entry_t acl = { .ae_node = IMPORTER, .ae_permission = 0444 };
	int ret;

	if (self->me == EXPORTER)
		stall_export(_metadata, self, 0, MEM_LEN, SEG_MEM, SEED_M, &acl, 1);
	STEP("published");
	if (self->me == IMPORTER) {
		ret = stall_run_child(self, memlock_child_fn, -1, CHILD_S,
				      "memlock checks as nobody");
		EXPECT_EQ(0, ret) TH_LOG("memlock check %d failed", ret);
		memcg_part(_metadata, self);
	}
	STEP_LONG("done", 2 * CHILD_S + STEP_S);
}

TEST_HARNESS_MAIN
