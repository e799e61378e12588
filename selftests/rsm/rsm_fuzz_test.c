// SPDX-License-Identifier: GPL-2.0-only
/*
 * /dev/rsm under random requests, on every node of a cluster of 2 or 3
 * at once.  Worker processes (some as nobody) open descriptors, issue
 * every request of rsm_ioctl.h and numbers that are none with arguments
 * from rsm_fuzz_args.h, and make sequences that look valid (export and
 * publish, connect, transfers, events, local memory), map import
 * segments and touch, split, protect, move and unmap the mappings, fork,
 * dup and close; the test process SIGKILLs one of them every 1-3 s so
 * that they die in the middle of all that.  Honest segments of every
 * node give the workers something real to connect to.
 *
 * Afterwards no process may be stuck (30 s after SIGKILL), nothing may
 * be left over (the module's counts are back where they were), every
 * connection is ACTIVE again and a put/get between nodes works.  The
 * runner checks the kernel log.
 *
 * RSM_FUZZ_SECONDS (default 45), RSM_FUZZ_SEED (default: the clock;
 * each node prints its own) and RSM_FUZZ_WORKERS (default 4 per node)
 * tune a run.  A node given its printed seed makes the same choices
 * again, though not at the same moments as the kills and the other
 * nodes: a replay is likely, not certain, to take the same path.
 * RSM_IOC_CLUSTER_SET and _KEY are never issued: they would reconfigure
 * the cluster under the test.
 */
#define _GNU_SOURCE		/* strerrorname_np */
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include <rsmapi.h>

#include "rsm_ctlr.h"
#include "../kselftest_harness.h"
#include "rsm_fuzz.h"
#include "rsm_fuzz_args.h"
#include "rsm_fuzz_steps.h"

#define FZ_SECONDS		45
#define FZ_SECONDS_MAX		1200
#define FZ_WORKERS		4
#define FZ_WORKERS_MAX		16
#define FZ_DYING_MAX		128	/* killed, not yet reaped */
#define FZ_STUCK_S		30	/* past SIGKILL: the process is stuck */
#define STEP_S			120
#define SETTLE_S		30
#define FZ_RT_LEN		64	/* the round trip: bytes per node */
#define FZ_RT_SEED		0x5a17

#define STEP(name) ASSERT_EQ(0, rsmt_step(name, STEP_S))

/* ---- the test process: workers started, killed, waited for ------- */

/* A process SIGKILLed and not reaped yet */
struct fz_kid {
	pid_t pid;
	double killed_at;
	bool stuck;		/* reported: SIGKILL did not end it */
};

struct fz_pool {
	struct fz_stats *st;
	uint64_t seed, rng;
	double deadline;
	int me, nodes, n;
	bool nobody;			/* root: every other worker is nobody */
	pid_t pid[FZ_WORKERS_MAX];	/* live workers; 0: a free slot */
	struct fz_kid kid[FZ_DYING_MAX];
	int nkids, nstuck;
	unsigned long started, killed, died, left;
};

static uint64_t fz_pool_below(struct fz_pool *p, uint64_t n)
{
	p->rng += 0x9e3779b97f4a7c15ULL;
	return fz_mix(p->rng) % n;
}

static void fz_spawn(struct fz_pool *p, int slot)
{
	pid_t parent = getpid(), pid;
	struct fz_worker w;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return;
	if (!pid) {
		memset(&w, 0, sizeof(w));
		w.rng = fz_mix(p->seed ^ ((uint64_t)p->me << 56) ^
			       (p->started << 16));
		w.me = p->me;
		w.nodes = p->nodes;
		w.deadline = p->deadline;
		w.pg = sysconf(_SC_PAGESIZE);
		w.st = p->st;
		fz_worker(&w, parent, p->nobody && (p->started & 1));
	}
	p->pid[slot] = pid;
	p->started++;
}

/* What a process is doing, for one that SIGKILL does not end */
static void fz_dump(pid_t pid)
{
	rsmt_sh("for f in stat wchan stack; do { cat /proc/%d/$f; echo; } 2>&1 |"
		" sed '/^$/d; s|^|# pid %d '$f': |'; done >&2", pid, pid);
}

/* Reap what ended.  Returns true when no child is left at all. */
static bool fz_reap(struct __test_metadata *_metadata, struct fz_pool *p)
{
	int status, k;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (k = 0; k < p->nkids; k++)
			if (p->kid[k].pid == pid)
				p->kid[k--] = p->kid[--p->nkids];
		for (k = 0; k < p->n; k++) {
			if (p->pid[k] != pid)
				continue;
			p->pid[k] = 0;
			if (WIFEXITED(status) && !WEXITSTATUS(status))
				continue;
			if (p->died++ < 8)
				TH_LOG("worker %d ended by itself: %s %d", pid,
				       WIFEXITED(status) ? "exit" : "signal",
				       WIFEXITED(status) ? WEXITSTATUS(status) :
							   WTERMSIG(status));
		}
	}
	return pid < 0 && errno == ECHILD;
}

/*
 * Processes SIGKILLed FZ_STUCK_S ago and still there: each is a failure.
 * Returns how many killed processes are not known to be stuck.
 */
static int fz_stuck(struct __test_metadata *_metadata, struct fz_pool *p)
{
	int k, dying = 0;

	for (k = 0; k < p->nkids; k++) {
		if (p->kid[k].stuck)
			continue;
		if (fz_now() - p->kid[k].killed_at < FZ_STUCK_S) {
			dying++;
			continue;
		}
		TH_LOG("pid %d still there %d s after SIGKILL", p->kid[k].pid,
		       FZ_STUCK_S);
		fz_dump(p->kid[k].pid);
		p->kid[k].stuck = true;
		p->nstuck++;
	}
	return dying;
}

/* SIGKILL @pid, once */
static void fz_kill(struct fz_pool *p, pid_t pid)
{
	int k;

	for (k = 0; k < p->nkids; k++)
		if (p->kid[k].pid == pid)
			return;
	kill(pid, SIGKILL);
	if (p->nkids < FZ_DYING_MAX)
		p->kid[p->nkids++] = (struct fz_kid){ pid, fz_now(), false };
}

/* SIGKILL every child: workers, and orphans of workers given to us */
static void fz_kill_children(struct fz_pool *p)
{
	char path[64], buf[512], *s;
	DIR *d = opendir("/proc");
	struct dirent *de;
	int ppid, k;
	pid_t pid;
	FILE *f;

	while (d && (de = readdir(d))) {
		pid = atoi(de->d_name);
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		f = pid > 0 ? fopen(path, "r") : NULL;
		if (!f)
			continue;
		s = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
		fclose(f);
		if (!s || sscanf(s, ") %*c %d", &ppid) != 1 || ppid != getpid())
			continue;
		for (k = 0; k < p->n; k++)
			if (p->pid[k] == pid) {
				p->pid[k] = 0;
				p->left++;
			}
		fz_kill(p, pid);
	}
	if (d)
		closedir(d);
}

/* Kill what is left; wait until it is reaped or known to be stuck */
static void fz_finish(struct __test_metadata *_metadata, struct fz_pool *p)
{
	do {
		fz_kill_children(p);
		if (fz_reap(_metadata, p))
			return;
		usleep(100 * 1000);
	} while (fz_stuck(_metadata, p));
}

static void fz_run(struct __test_metadata *_metadata, struct fz_pool *p)
{
	double next = fz_now() + 1 + fz_pool_below(p, 2000) / 1000.0;
	int k, live = 1;

	/* until the deadline, then until the workers stopped by themselves */
	while (fz_now() < p->deadline ||
	       (live && fz_now() < p->deadline + FZ_GRACE_S)) {
		fz_reap(_metadata, p);
		fz_stuck(_metadata, p);
		for (k = 0, live = 0; k < p->n; k++) {
			if (!p->pid[k] && fz_now() < p->deadline)
				fz_spawn(p, k);
			live += p->pid[k] != 0;
		}
		k = fz_pool_below(p, p->n);
		if (fz_now() >= next && fz_now() < p->deadline && p->pid[k]) {
			fz_kill(p, p->pid[k]);
			p->pid[k] = 0;
			p->killed++;
			next = fz_now() + 1 + fz_pool_below(p, 2000) / 1000.0;
		}
		usleep(50 * 1000);
	}
	fz_finish(_metadata, p);
}

/* ---- the report ---------------------------------------------------- */

static void fz_cat(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

static void fz_errnos(char *l, size_t len, const unsigned long *v)
{
	const char *name;
	unsigned int k;

	l[0] = 0;
	for (k = 1; k < FZ_CODES; k++) {
		if (!v[k])
			continue;
		name = strerrorname_np(k);
		if (name)
			fz_cat(l, len, " %s=%lu", name, v[k]);
		else
			fz_cat(l, len, " %u=%lu", k, v[k]);
	}
}

static void fz_report(struct __test_metadata *_metadata,
		      const struct fz_pool *p)
{
	const struct fz_stats *st = p->st;
	char l[2048];
	unsigned int k;

	TH_LOG("node %d: seed %llu, %lu ioctls (0: %lu, other: %lu), %lu mmaps (%lu mapped), %lu touches",
	       p->me, (unsigned long long)p->seed, st->ioctls, st->ret_ok,
	       st->ret_other, st->mmaps, st->mmap_ok, st->touches);
	for (l[0] = 0, k = 0; k < FZ_NCMD; k++)
		if (st->cmd[k])
			fz_cat(l, sizeof(l), " %s=%lu", fz_cmd_name[k], st->cmd[k]);
	TH_LOG("requests:%s", l);
	for (l[0] = 0, k = 1; k < FZ_CODES; k++)
		if (st->ret_rsmerr[k])
			fz_cat(l, sizeof(l), " %u=%lu", k, st->ret_rsmerr[k]);
	TH_LOG("RSMERR codes returned:%s", l);
	fz_errnos(l, sizeof(l), st->ret_errno);
	TH_LOG("errno of -1:%s", l);
	fz_errnos(l, sizeof(l), st->mmap_errno);
	TH_LOG("mmap errno:%s", l);
	for (l[0] = 0, k = 0; k < FZ_NOPS; k++)
		fz_cat(l, sizeof(l), " %s=%lu", fz_ops[k].name, st->op[k]);
	TH_LOG("steps:%s", l);
	TH_LOG("workers: %lu started, %lu killed, %lu ended by themselves, %lu left at the end, %d stuck; faults caught: SIGSEGV %lu, SIGBUS %lu; outside touches: %lu",
	       p->started, p->killed, p->died, p->left, p->nstuck, st->segv,
	       st->bus, st->stray);
}

/* ---- the test ------------------------------------------------------ */

enum { FZ_ACL_NONE, FZ_ACL_ALL, FZ_ACL_SELF };

static const struct fz_honest {
	size_t pages;		/* 0: 256 KiB */
	bool loopback;
	int acl;
} fz_honest[FZ_HONEST] = {
	{ 1, false, FZ_ACL_ALL },	/* every node may write: the round trip */
	{ 0, false, FZ_ACL_NONE },	/* the creation mode decides */
	[FZ_LOOPBACK_SEG] = { 17, true, FZ_ACL_SELF },
};

FIXTURE(node) {
	int me, n;
	bool skipped;
	rsmapi_controller_handle_t ctl, loop;
	char *buf[FZ_HONEST];
	size_t len[FZ_HONEST];
	rsm_memseg_export_handle_t seg[FZ_HONEST];
	rsm_memseg_import_handle_t im;
	struct rsmt_counts base;
	struct fz_pool pool;
};

FIXTURE_SETUP(node)
{
	void *st;

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
	ASSERT_EQ(0, rsm_get_controller(RSM_LOOPBACK_NAME, &self->loop));
	/* orphans of workers come to us, so that none is left behind */
	ASSERT_EQ(0, prctl(PR_SET_CHILD_SUBREAPER, 1));
	st = mmap(NULL, sizeof(struct fz_stats), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, st);
	self->pool.st = st;
}

FIXTURE_TEARDOWN(node)
{
	int k;

	if (self->skipped)
		return;
	if (!_metadata->passed)
		rsmt_step_abort();
	/* after a failed ASSERT, workers may still be running */
	if (self->pool.st)
		fz_finish(_metadata, &self->pool);
	if (self->im)
		rsm_memseg_import_disconnect(self->im);
	for (k = 0; k < FZ_HONEST; k++) {
		if (self->seg[k])
			rsm_memseg_export_destroy(self->seg[k]);
		if (self->buf[k])
			munmap(self->buf[k], self->len[k]);
	}
	if (self->loop)
		rsm_release_controller(self->loop);
	if (self->ctl)
		rsm_release_controller(self->ctl);
	if (self->pool.st)
		munmap(self->pool.st, sizeof(struct fz_stats));
}

/* Segments every node's workers can reach, under ids they know */
static void fz_honest_publish(struct __test_metadata *_metadata,
			      FIXTURE_DATA(node) *self)
{
	rsmapi_access_entry_t acl[RSM_ACL_MAX];
	size_t pg = sysconf(_SC_PAGESIZE);
	const struct fz_honest *h;
	unsigned int k, nacl;
	rsm_memseg_id_t id;
	void *buf;

	for (k = 0; k < FZ_HONEST; k++) {
		h = &fz_honest[k];
		self->len[k] = h->pages ? h->pages * pg : 256 << 10;
		buf = mmap(NULL, self->len[k], PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		ASSERT_NE(MAP_FAILED, buf);
		self->buf[k] = buf;
		ASSERT_EQ(0, rsm_memseg_export_create(h->loopback ? self->loop :
						      self->ctl, &self->seg[k],
						      buf, self->len[k], 0));
		nacl = 0;
		if (h->acl == FZ_ACL_SELF)
			acl[nacl++] = (rsmapi_access_entry_t){ self->me, 0666 };
		while (h->acl == FZ_ACL_ALL && (int)nacl < self->n) {
			acl[nacl] = (rsmapi_access_entry_t){ nacl + 1, 0666 };
			nacl++;
		}
		id = FZ_SEGID(self->me, k);
		ASSERT_EQ(0, rsm_memseg_export_publish(self->seg[k], &id,
						       nacl ? acl : NULL, nacl));
		ASSERT_EQ(FZ_SEGID(self->me, k), id);
	}
}

static void fz_honest_destroy(struct __test_metadata *_metadata,
			      FIXTURE_DATA(node) *self)
{
	int k;

	for (k = 0; k < FZ_HONEST; k++) {
		EXPECT_EQ(0, rsm_memseg_export_unpublish(self->seg[k]));
		EXPECT_EQ(0, rsm_memseg_export_destroy(self->seg[k]));
		self->seg[k] = NULL;
	}
}

/* One put and get of FZ_RT_LEN bytes in the next node's first segment */
static int fz_round_trip(struct __test_metadata *_metadata,
			 FIXTURE_DATA(node) *self)
{
	unsigned int next = self->me % self->n + 1;
	size_t off = FZ_RT_LEN * self->me;
	unsigned char out[FZ_RT_LEN], in[FZ_RT_LEN];
	int ret;

	rsmt_fill_pattern(out, sizeof(out), off, FZ_RT_SEED);
	memset(in, 0, sizeof(in));
	ret = rsm_memseg_import_connect(self->ctl, next, FZ_SEGID(next, 0),
					RSM_PERM_RDWR, &self->im);
	if (ret) {
		TH_LOG("connect to segment 0 of node %u: %d", next, ret);
		return ret;
	}
	/* put/get without a barrier: implicit mode would want one */
	ret = rsm_memseg_import_set_mode(self->im, RSM_BARRIER_MODE_EXPLICIT);
	if (!ret)
		ret = rsm_memseg_import_put(self->im, off, out, sizeof(out));
	if (!ret)
		ret = rsm_memseg_import_get(self->im, off, in, sizeof(in));
	if (!ret && memcmp(in, out, sizeof(in)))
		ret = -1;
	if (ret)
		TH_LOG("put/get at node %u: %d", next, ret);
	EXPECT_EQ(0, rsm_memseg_import_disconnect(self->im));
	self->im = NULL;
	return ret;
}

static long fz_env(const char *name, long def, long min, long max)
{
	const char *s = getenv(name);
	long v = s && *s ? strtol(s, NULL, 0) : def;

	return v < min ? min : v > max ? max : v;
}

/*
 * RSM_FUZZ_SEED, or the clock.  Every stream is mixed with the node id,
 * so a node given the seed it printed makes the same choices again.
 */
static uint64_t fz_seed(void)
{
	const char *s = getenv("RSM_FUZZ_SEED");
	struct timespec ts;

	if (s && *s)
		return strtoull(s, NULL, 0);
	clock_gettime(CLOCK_REALTIME, &ts);
	return fz_mix(ts.tv_sec * 1000000000ULL + ts.tv_nsec);
}

TEST_F_TIMEOUT(node, random_ioctls_and_mmaps_leave_the_kernel_clean,
	       FZ_SECONDS_MAX + 600)
{
	struct fz_pool *p = &self->pool;
	int secs = fz_env("RSM_FUZZ_SECONDS", FZ_SECONDS, 1, FZ_SECONDS_MAX);
	size_t prev_off;
	int prev;

	if (self->skipped)
		return;
	fz_honest_publish(_metadata, self);
	STEP("published");

	p->seed = fz_seed();
	p->rng = fz_mix(p->seed ^ ((uint64_t)self->me << 56));
	p->me = self->me;
	p->nodes = self->n;
	p->n = fz_env("RSM_FUZZ_WORKERS", FZ_WORKERS, 1, FZ_WORKERS_MAX);
	p->nobody = geteuid() == 0;
	TH_LOG("node %d: seed %llu (RSM_FUZZ_SEED), %d s (RSM_FUZZ_SECONDS), %d workers (RSM_FUZZ_WORKERS)",
	       self->me, (unsigned long long)p->seed, secs, p->n);
	p->deadline = fz_now() + secs;
	fz_run(_metadata, p);
	fz_report(_metadata, p);
	EXPECT_EQ(0, p->nstuck) TH_LOG("processes SIGKILL did not end");
	EXPECT_LT(0, p->st->ioctls);
	/* the kernel wrote where it must not, or the fuzzer has a bug */
	EXPECT_EQ(0, p->st->stray) TH_LOG("faults outside touches");

	/* every node's workers are gone: nothing of theirs may be left */
	ASSERT_EQ(0, rsmt_step("stopped", STEP_S + FZ_GRACE_S + FZ_STUCK_S));
	EXPECT_EQ(0, rsmt_wait_all_active(60));
	EXPECT_EQ(0, fz_round_trip(_metadata, self));
	STEP("put");
	prev = (self->me + self->n - 2) % self->n + 1;
	prev_off = FZ_RT_LEN * prev;
	EXPECT_EQ(-1, rsmt_check_pattern(self->buf[0] + prev_off, FZ_RT_LEN,
					 prev_off, FZ_RT_SEED))
		TH_LOG("what node %d put is not in our segment", prev);
	STEP("checked");
	fz_honest_destroy(_metadata, self);
	STEP("destroyed");
	EXPECT_EQ(0, rsmt_counts_wait(&self->base, SETTLE_S));
}

TEST_HARNESS_MAIN
