/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The fixture of rsm_stall_test.c and what its tests share.  Every node
 * runs the same test at once; node 1 exports, node 2 imports, other nodes
 * only meet the others at the steps.
 *
 * Whatever a test holds is in the fixture, so that the teardown releases
 * it after a failed ASSERT too: child processes (killed and reaped), the
 * FUSE mount (aborted, unmounted), a cgroup (removed), imports and
 * exports.  Then every module count of this node must come back to what
 * it was before the test.  Only when threads are stuck in the kernel does
 * the teardown leave everything alone: touching the segments could get
 * stuck behind them too, and the report matters more.
 */
#ifndef RSM_STALL_H
#define RSM_STALL_H

#include <dirent.h>
#include <rsmapi.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "rsm_cluster.h"
#include "rsm_stall_cg.h"
#include "rsm_stall_fuse.h"

#define STEP_S		120	/* default step timeout */
#define SETTLE_S	30	/* peers release their side asynchronously */
#define REAP_S		20	/* a killed child is gone within this */
#define EXPORTER	1
#define IMPORTER	2
#define MAX_SEGS	4
#define MAX_KIDS	8

FIXTURE(stall) {
	int me, n;
	bool skipped;
	bool stuck;			/* threads stuck in the kernel */
	rsmapi_controller_handle_t ctl;
	struct rsmt_counts base;
	rsm_memseg_export_handle_t e[MAX_SEGS];
	char *buf[MAX_SEGS];		/* exported memory */
	size_t len[MAX_SEGS];
	rsm_memseg_import_handle_t im[MAX_SEGS];
	rsmapi_barrier_t bar[MAX_SEGS];
	pid_t kids[MAX_KIDS];		/* killed and reaped by the teardown */
	struct stall_fuse fuse;
	struct stall_cg cg;		/* a memory cgroup of ours */
};

/* TEST_F_TIMEOUT whose body does not run when the setup skipped. */
#define STALL_TEST(name, timeout_s)					\
	static void name##_body(struct __test_metadata *_metadata,	\
				FIXTURE_DATA(stall) *self);		\
	TEST_F_TIMEOUT(stall, name, timeout_s)				\
	{								\
		if (!self->skipped)					\
			name##_body(_metadata, self);			\
	}								\
	static void name##_body(struct __test_metadata *_metadata,	\
				FIXTURE_DATA(stall) *self)

/* A step every node must reach: a late node fails the test. */
#define STEP(name) ASSERT_EQ(0, rsmt_step(name, STEP_S))
#define STEP_LONG(name, s) ASSERT_EQ(0, rsmt_step(name, s))

static inline size_t pg(void)
{
	return sysconf(_SC_PAGESIZE);
}

/* Reap @pid within @timeout_s seconds: true (with *@status) or false. */
static inline bool stall_reap(pid_t pid, double timeout_s, int *status)
{
	double end = rsmt_time() + timeout_s;
	pid_t got;

	do {
		got = waitpid(pid, status, WNOHANG);
		if (got == pid || (got < 0 && errno == ECHILD))
			return true;
		usleep(20 * 1000);
	} while (rsmt_time() < end);
	return false;
}

static inline void stall_kid_add(FIXTURE_DATA(stall) *self, pid_t pid)
{
	unsigned int k;

	for (k = 0; k < MAX_KIDS; k++)
		if (!self->kids[k]) {
			self->kids[k] = pid;
			return;
		}
}

static inline void stall_kid_forget(FIXTURE_DATA(stall) *self, pid_t pid)
{
	unsigned int k;

	for (k = 0; k < MAX_KIDS; k++)
		if (self->kids[k] == pid)
			self->kids[k] = 0;
}

/*
 * Print what the tasks of process @pid (0: this one) are waiting for,
 * and ask the kernel to log every blocked task (sysrq w), for the report
 * of a test that found something stuck.
 */
static inline void stall_dump_tasks(pid_t pid)
{
	char dir[64], path[512], line[256];
	struct dirent *d;
	FILE *f;
	DIR *t;

	if (pid)
		snprintf(dir, sizeof(dir), "/proc/%d/task", pid);
	else
		snprintf(dir, sizeof(dir), "/proc/self/task");
	t = opendir(dir);
	while (t && (d = readdir(t))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/wchan", dir, d->d_name);
		f = fopen(path, "r");
		if (f && fgets(line, sizeof(line), f))
			fprintf(stderr, "# task %s waits in %s\n", d->d_name, line);
		if (f)
			fclose(f);
		snprintf(path, sizeof(path), "%s/%s/stack", dir, d->d_name);
		f = fopen(path, "r");
		while (f && fgets(line, sizeof(line), f))
			fprintf(stderr, "#   %s", line);
		if (f)
			fclose(f);
	}
	if (t)
		closedir(t);
	rsmt_sh("echo w > /proc/sysrq-trigger 2>/dev/null");
}

/*
 * Run @fn(@self, @arg) in a child process, named @what in the log; its
 * exit status, or -1 when it did not exit within @timeout_s (then the
 * teardown kills it).  The child closes /dev/fuse first: only the
 * parent's descriptor may keep a FUSE connection alive.
 */
static inline int stall_run_child(FIXTURE_DATA(stall) *self,
				  int (*fn)(FIXTURE_DATA(stall) *, int),
				  int arg, double timeout_s, const char *what)
{
	double t = rsmt_time();
	int status = 0;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (self->fuse.fd >= 0)
			close(self->fuse.fd);
		_exit(fn(self, arg));
	}
	stall_kid_add(self, pid);
	if (!stall_reap(pid, timeout_s, &status)) {
		fprintf(stderr, "# %s: still running after %.0f s\n", what,
			timeout_s);
		stall_dump_tasks(pid);
		return -1;
	}
	stall_kid_forget(self, pid);
	fprintf(stderr, "# %s: %.2f s\n", what, rsmt_time() - t);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* What /proc/@pid/wchan says, into @buf. */
static inline const char *stall_wchan(pid_t pid, char *buf, size_t n)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/wchan", pid);
	snprintf(buf, n, "?");
	f = fopen(path, "r");
	if (f) {
		if (!fgets(buf, n, f))
			snprintf(buf, n, "?");
		fclose(f);
	}
	return buf;
}

/*
 * Markers in $RSM_SHARE that a node leaves for the others without
 * waiting, e.g. "node 2 cannot mount FUSE, the test is skipped".
 */
static inline void stall_mark_path(char *p, size_t n, const char *test,
				   const char *what, int node)
{
	const char *share = getenv("RSM_SHARE");

	snprintf(p, n, "%s/stall.%s.%s.node%d", share ? share : "/tmp", test,
		 what, node);
}

static inline void stall_mark(const char *test, const char *what)
{
	char p[512];
	int fd;

	stall_mark_path(p, sizeof(p), test, what, rsmt_node_id());
	fd = open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	if (fd >= 0)
		close(fd);
}

static inline bool stall_marked(const char *test, const char *what, int node)
{
	char p[512];

	stall_mark_path(p, sizeof(p), test, what, node);
	return !access(p, F_OK);
}

/* The 8 bytes pattern @seed has at the start of page @page. */
static inline uint64_t stall_page_word(unsigned int seed, size_t page)
{
	uint64_t w;

	rsmt_fill_pattern(&w, sizeof(w), page * pg(), seed);
	return w;
}

/*
 * Node 1: export @len bytes as segment @k under @id with @acl; the first
 * 8 bytes of every page hold pattern @seed (0: all zero).  Only those
 * bytes are ever checked, and filling 16 MiB byte by byte takes seconds
 * under TCG.
 */
static inline void stall_export(struct __test_metadata *_metadata,
				FIXTURE_DATA(stall) *self, unsigned int k,
				size_t len, rsm_memseg_id_t id,
				unsigned int seed, rsmapi_access_entry_t *acl,
				uint_t nacl)
{
	rsm_memseg_id_t got = id;
	size_t page;

	self->buf[k] = mmap(NULL, len, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->buf[k]);
	self->len[k] = len;
	for (page = 0; seed && page < len / pg(); page++)
		*(uint64_t *)(self->buf[k] + page * pg()) =
			stall_page_word(seed, page);
	ASSERT_EQ(0, rsm_memseg_export_create(self->ctl, &self->e[k],
					      self->buf[k], len, 0));
	ASSERT_EQ(0, rsm_memseg_export_publish(self->e[k], &got, acl, nacl));
	ASSERT_EQ(id, got);
}

/* Node 1: unpublish and destroy export @k now; seconds it took, or -1. */
static inline double stall_destroy(FIXTURE_DATA(stall) *self, unsigned int k)
{
	double t = rsmt_time();
	int ret = rsm_memseg_export_destroy(self->e[k]);

	if (ret)
		return -1;
	self->e[k] = NULL;
	return rsmt_time() - t;
}

/* Import @id of node 1 with @perm as im[@k], with barrier bar[@k]. */
static inline void stall_import(struct __test_metadata *_metadata,
				FIXTURE_DATA(stall) *self, unsigned int k,
				rsm_memseg_id_t id, rsm_permission_t perm)
{
	ASSERT_EQ(0, rsm_memseg_import_connect(self->ctl, EXPORTER, id, perm,
					       &self->im[k]));
	ASSERT_EQ(0, rsm_memseg_import_init_barrier(self->im[k],
						    RSM_BARRIER_SEGMENT,
						    &self->bar[k]));
}

FIXTURE_SETUP(stall)
{
	stall_fuse_init(&self->fuse);
	self->me = rsmt_node_id();
	self->n = rsmt_nodes();
	if (self->me < 0 || self->n < 2) {
		self->skipped = true;
		SKIP(return, "needs a cluster of 2 or more nodes");
	}
	rsmt_step_test(_metadata->name);
	ASSERT_EQ(0, rsmt_wait_all_active(STEP_S));
	ASSERT_EQ(0, rsmt_counts(&self->base));
	ASSERT_EQ(0, rsm_get_controller(rsmt_ctlr(), &self->ctl));
}

/* Kill the children; a FUSE wait lets them go only once aborted. */
static inline void stall_kill_kids(FIXTURE_DATA(stall) *self)
{
	unsigned int k;
	int status;

	for (k = 0; k < MAX_KIDS; k++)
		if (self->kids[k])
			kill(self->kids[k], SIGKILL);
	for (k = 0; k < MAX_KIDS; k++) {
		if (!self->kids[k])
			continue;
		if (!stall_reap(self->kids[k], REAP_S / 2, &status) &&
		    stall_fuse_abort(&self->fuse) &&
		    !stall_reap(self->kids[k], REAP_S / 2, &status))
			fprintf(stderr, "# child %d does not go away\n",
				self->kids[k]);
		self->kids[k] = 0;
	}
}

FIXTURE_TEARDOWN(stall)
{
	unsigned int k;

	if (self->skipped)
		return;
	if (!_metadata->passed)
		rsmt_step_abort();
	stall_kill_kids(self);
	if (self->stuck)
		return;
	stall_fuse_stop(&self->fuse);
	stall_cg_remove(&self->cg);
	for (k = 0; k < MAX_SEGS; k++) {
		if (!self->im[k])
			continue;
		rsm_memseg_import_unmap(self->im[k]);
		EXPECT_EQ(0, rsm_memseg_import_disconnect(self->im[k]));
	}
	for (k = 0; k < MAX_SEGS; k++) {
		if (self->e[k])
			EXPECT_EQ(0, rsm_memseg_export_destroy(self->e[k]));
		if (self->buf[k])
			munmap(self->buf[k], self->len[k]);
	}
	if (self->ctl)
		rsm_release_controller(self->ctl);
	EXPECT_EQ(0, rsmt_counts_wait(&self->base, SETTLE_S));
}

#endif
