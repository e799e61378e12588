/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The fixture and helpers of the trust tests (rsm_trust_test.c): counters
 * of the trust model, the forging tool run as root or as nobody, an import
 * loop that must not notice an intrusion, and segments to export and
 * import.  Every node runs the same test at once and meets the others at
 * rsmt_step()s; whatever a test holds is in the fixture, so the teardown
 * releases it even after a failed ASSERT, and then the module counts of
 * this node must be back where they were.
 */
#ifndef RSM_TRUST_H
#define RSM_TRUST_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* pipe2(), fexecve() */
#endif
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rsmapi.h>

#include "../kselftest_harness.h"
#include "rsm_cluster.h"

#define STEP_S		60	/* barrier timeout */
#define WAIT_S		40	/* connections back, counters grown */
#define SETTLE_S	30	/* peers release their side asynchronously */
#define QUIET_S		5	/* a refused peer must stay refused this long */
#define FORGE_S		45	/* the forging tool never runs longer */
#define NOBODY		65534
#define EXPORTER	1
#define INTRUDER	2	/* also the read-only importer */
#define OTHER		3	/* other key; read-write importer */
#define SEG_LEN		(64 * 1024)
#define XFER		4096
#define NSEG		3
#define MAX_NODE	16	/* nodes whose connection state is kept */

#define SEG_FORGED	0x4e0101
#define SEG_KEYLESS	0x4e0102
#define SEG_LOOP	0x4e0103
#define SEG_GRANT	0x4e0104
#define SEG_ROOT_ONLY	0x4e0105
#define SEG_OTHER_READ	0x4e0106
#define SEG_ROOT_ACL	0x4e0107
#define SEG_FLOOD	0x4e0108
#define SEG_SILENT	0x4e0109
#define SEG_NO_CREDIT	0x4e010a


#define OTHER_KEY	"/tmp/rsm_trust_other.key"

/* Trust counters and connection counters of this node. */
struct conn_snap {
	unsigned int state;
	unsigned long long connects, disconnects;
};

struct trust_snap {
	unsigned long long refused_auth, refused_port, bad_msgs;
	unsigned int trust_flags;
	struct conn_snap conn[MAX_NODE];
};

/* Node 2's import loop, running while the intruder knocks. */
struct pump {
	pthread_t thread;
	bool running;
	int stop;
	rsm_memseg_import_handle_t im;
	unsigned long ops, errors;
	int first_err;
};

FIXTURE(trust) {
	int me, n;
	bool skipped;
	rsmapi_controller_handle_t ctl;		/* rxe0 */
	rsmapi_controller_handle_t lb;		/* loopback */
	char *buf[NSEG];
	rsm_memseg_export_handle_t e[NSEG];
	rsm_memseg_import_handle_t im[NSEG];
	int raw;				/* own import descriptor */
	struct pump pump;
	bool other_key;				/* node 3 holds another key */
	struct rsmt_counts base;
	struct trust_snap t0;
	unsigned int queue_max;			/* to restore, if set */
	bool queue_max_set;
	bool silent;				/* REVOKEs unanswered */
	bool withhold;				/* credits unreturned */
};

/* TEST_F_TIMEOUT whose body does not run when the setup skipped. */
#define TRUST_TEST(name, timeout_s)					\
	static void name##_body(struct __test_metadata *_metadata,	\
				FIXTURE_DATA(trust) *self);		\
	TEST_F_TIMEOUT(trust, name, timeout_s)				\
	{								\
		if (!self->skipped)					\
			name##_body(_metadata, self);			\
	}								\
	static void name##_body(struct __test_metadata *_metadata,	\
				FIXTURE_DATA(trust) *self)

#define STEP(name) ASSERT_EQ(0, rsmt_step(name, STEP_S))

static int trust_snap(struct trust_snap *t)
{
	const struct rsm_stat_conn *c;
	struct rsm_status st;
	unsigned int k;

	memset(t, 0, sizeof(*t));
	if (rsmt_status(&st))
		return -1;
	t->refused_auth = st.hdr->refused_auth;
	t->refused_port = st.hdr->refused_port;
	t->bad_msgs = st.hdr->bad_msgs;
	t->trust_flags = st.hdr->trust_flags;
	for (k = 0; k < MAX_NODE; k++) {
		c = rsmt_conn(&st, k);
		if (!c)
			continue;
		t->conn[k].state = c->state;
		t->conn[k].connects = c->connects;
		t->conn[k].disconnects = c->disconnects;
	}
	rsm_status_free(&st);
	return 0;
}

typedef unsigned long long (*snap_get_t)(const struct trust_snap *t);

/* Poll until @get of a fresh snapshot reaches @want; returns the last value. */
static unsigned long long wait_ge(snap_get_t get, unsigned long long want,
				  int secs)
{
	double end = rsmt_time() + secs;
	struct trust_snap t;
	unsigned long long v;

	for (;;) {
		v = trust_snap(&t) ? 0 : get(&t);
		if (v >= want || rsmt_time() > end)
			return v;
		usleep(100 * 1000);
	}
}

static unsigned long long get_refused_auth(const struct trust_snap *t)
{
	return t->refused_auth;
}

static unsigned long long get_refused_port(const struct trust_snap *t)
{
	return t->refused_port;
}

static unsigned long long get_bad_msgs(const struct trust_snap *t)
{
	return t->bad_msgs;
}

/* The connection to @peer went down and is ACTIVE again, within WAIT_S. */
static int wait_reset(unsigned int peer, const struct trust_snap *before)
{
	double end = rsmt_time() + WAIT_S;
	struct trust_snap t;

	do {
		if (!trust_snap(&t) &&
		    t.conn[peer].disconnects > before->conn[peer].disconnects &&
		    t.conn[peer].state == RSM_PATH_ACTIVE)
			return 0;
		usleep(100 * 1000);
	} while (rsmt_time() < end);
	return -1;
}

/* The connection to @peer is ACTIVE and never went down since @t0. */
static void expect_conn_untouched(struct __test_metadata *_metadata,
				  unsigned int peer,
				  const struct trust_snap *t0)
{
	struct trust_snap t;

	ASSERT_EQ(0, trust_snap(&t));
	EXPECT_EQ(RSM_PATH_ACTIVE, t.conn[peer].state);
	EXPECT_EQ(t0->conn[peer].connects, t.conn[peer].connects)
		TH_LOG("the connection to node %u came up again", peer);
	EXPECT_EQ(t0->conn[peer].disconnects, t.conn[peer].disconnects)
		TH_LOG("the connection to node %u went down", peer);
}

/* First address of @node in /etc/rsm/rsm.conf. */
static int node_addr(int node, char *out, size_t len)
{
	FILE *f = fopen("/etc/rsm/rsm.conf", "r");
	char line[256], word[64];
	int id, ret = -1;

	if (!f)
		return -1;
	while (ret && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%d %63s", &id, word) == 2 && id == node) {
			snprintf(out, len, "%s", word);
			ret = 0;
		}
	}
	fclose(f);
	return ret;
}

/* The forging tool, next to this program. */
static int forge_tool_fd(void)
{
	char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 32);
	char *slash;

	if (n <= 0)
		return -1;
	path[n] = 0;
	slash = strrchr(path, '/');
	if (!slash)
		return -1;
	strcpy(slash + 1, "rsm_forge_peer");
	return open(path, O_RDONLY | O_CLOEXEC);
}

/*
 * Child side: become nobody if asked (raw system calls: this child of a
 * threaded process has one thread) and run the tool, stdout to @out_fd.
 * Opened as root, executed from its descriptor: nobody needs no path to it.
 */
static void forge_child(int tool, int out_fd, bool nobody, char **argv)
{
	static char *const envp[] = { "PATH=/usr/bin:/bin", NULL };

	if (dup2(out_fd, STDOUT_FILENO) < 0)
		_exit(127);
	if (nobody &&
	    (syscall(SYS_setgroups, 0, NULL) ||
	     syscall(SYS_setresgid, NOBODY, NOBODY, NOBODY) ||
	     syscall(SYS_setresuid, NOBODY, NOBODY, NOBODY)))
		_exit(126);
	fexecve(tool, argv, envp);
	_exit(127);
}

/* Read the child's line into @out until EOF or the deadline. */
static void forge_read(int fd, char *out, size_t len)
{
	double end = rsmt_time() + FORGE_S;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	size_t got = 0;
	ssize_t n;

	while (got + 1 < len && rsmt_time() < end) {
		if (poll(&pfd, 1, 500) <= 0)
			continue;
		n = read(fd, out + got, len - 1 - got);
		if (n <= 0)
			break;
		got += n;
	}
	out[got] = 0;
	out[strcspn(out, "\n")] = 0;
}

/*
 * Run rsm_forge_peer with the arguments @fmt gives (split at spaces), as
 * nobody when @nobody; its line of output lands in @out ("" if none).
 */
static void forge(bool nobody, char *out, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void forge(bool nobody, char *out, size_t len, const char *fmt, ...)
{
	char args[512], *argv[24], *save = NULL, *w;
	int tool, pipefd[2], argc = 0, status;
	va_list ap;
	pid_t pid;

	out[0] = 0;
	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	argv[argc++] = "rsm_forge_peer";
	for (w = strtok_r(args, " ", &save); w && argc < 23;
	     w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	argv[argc] = NULL;
	tool = forge_tool_fd();
	if (tool < 0 || pipe2(pipefd, O_CLOEXEC)) {
		snprintf(out, len, "cannot run rsm_forge_peer: %s",
			 strerror(errno));
		if (tool >= 0)
			close(tool);
		return;
	}
	pid = fork();
	if (pid == 0)
		forge_child(tool, pipefd[1], nobody, argv);
	close(pipefd[1]);
	close(tool);
	if (pid > 0)
		forge_read(pipefd[0], out, len);
	else
		snprintf(out, len, "cannot fork: %s", strerror(errno));
	close(pipefd[0]);
	if (pid > 0) {
		/* ends it if it overran; an exited child is not reaped yet */
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
}

/*
 * As root from a free privileged port (700..899): the kernels bind ports
 * of 512..1023 themselves, so a port may be taken.
 */
static void forge_privileged(char *out, size_t len, const char *addr,
			     const char *extra)
{
	char busy[32], taken[32];
	unsigned int k, port;

	/*
	 * A port in use: EADDRINUSE, or EADDRNOTAVAIL from the RDMA CM when
	 * one of its ids (the module's own connects) holds it.
	 */
	snprintf(busy, sizeof(busy), "bind-failed errno=%d", EADDRINUSE);
	snprintf(taken, sizeof(taken), "bind-failed errno=%d", EADDRNOTAVAIL);
	for (k = 0; k < 200; k++) {
		port = 700 + (getpid() + k) % 200;
		forge(false, out, len, "--addr %s --src-node %d --dst-node %d "
		      "--src-port %u --timeout-ms 8000 %s", addr, INTRUDER,
		      EXPORTER, port, extra);
		if (strcmp(out, busy) && strcmp(out, taken))
			return;
	}
}

static void *pump_run(void *arg)
{
	unsigned char out[XFER], back[XFER];
	struct pump *p = arg;
	size_t off;
	int ret;

	while (!__atomic_load_n(&p->stop, __ATOMIC_ACQUIRE)) {
		off = (p->ops % (SEG_LEN / XFER)) * XFER;
		rsmt_fill_pattern(out, XFER, off, 100 + p->ops % 1000);
		ret = rsm_memseg_import_put(p->im, off, out, XFER);
		if (!ret)
			ret = rsm_memseg_import_get(p->im, off, back, XFER);
		if (!ret && memcmp(out, back, XFER))
			ret = -1;	/* wrong data */
		if (ret && !p->errors++)
			p->first_err = ret;
		p->ops++;
		usleep(20 * 1000);	/* leave the CPU to the intruder */
	}
	return NULL;
}

static int pump_start(struct pump *p, rsm_memseg_import_handle_t im)
{
	memset(p, 0, sizeof(*p));
	p->im = im;
	if (pthread_create(&p->thread, NULL, pump_run, p))
		return -1;
	p->running = true;
	return 0;
}

static void pump_stop(struct pump *p)
{
	if (!p->running)
		return;
	__atomic_store_n(&p->stop, 1, __ATOMIC_RELEASE);
	pthread_join(p->thread, NULL);
	p->running = false;
}

static char *seg_map(size_t len)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/*
 * Export self->buf[@k] (SEG_LEN bytes of pattern @id) as @id through @ctl.
 * @mask: the umask at creation, which sets the mode without an access list.
 */
static void export_k(struct __test_metadata *_metadata,
		     FIXTURE_DATA(trust) *self, unsigned int k,
		     rsmapi_controller_handle_t ctl, rsm_memseg_id_t id,
		     mode_t mask, rsmapi_access_entry_t *acl, uint_t nacl)
{
	rsm_memseg_id_t got = id;
	mode_t old;
	int ret;

	self->buf[k] = seg_map(SEG_LEN);
	ASSERT_NE(NULL, self->buf[k]);
	rsmt_fill_pattern(self->buf[k], SEG_LEN, 0, id);
	old = umask(mask);
	ret = rsm_memseg_export_create(ctl, &self->e[k], self->buf[k],
				       SEG_LEN, 0);
	umask(old);
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, rsm_memseg_export_publish(self->e[k], &got, acl, nacl));
	ASSERT_EQ(id, got);
}

/* Connect self->im[@k] to @id of node 1; expect @want. */
static void import_k(struct __test_metadata *_metadata,
		     FIXTURE_DATA(trust) *self, unsigned int k,
		     rsmapi_controller_handle_t ctl, rsm_memseg_id_t id,
		     rsm_permission_t perm, int want)
{
	int ret = rsm_memseg_import_connect(ctl, EXPORTER, id, perm,
					    &self->im[k]);

	EXPECT_EQ(want, ret) TH_LOG("connect to %#x for %#o", id, perm);
	if (ret) {
		self->im[k] = NULL;
		return;
	}
	/* put/get without barriers: implicit mode would need one (spec 51) */
	EXPECT_EQ(0, rsm_memseg_import_set_mode(self->im[k],
						RSM_BARRIER_MODE_EXPLICIT));
}

static void disconnect_k(struct __test_metadata *_metadata,
			 FIXTURE_DATA(trust) *self, unsigned int k)
{
	if (!self->im[k])
		return;
	EXPECT_EQ(0, rsm_memseg_import_disconnect(self->im[k]));
	self->im[k] = NULL;
}

/* Read @len bytes at @off of import @k and compare with pattern @seed. */
static void expect_data(struct __test_metadata *_metadata,
			FIXTURE_DATA(trust) *self, unsigned int k,
			size_t off, unsigned int seed)
{
	unsigned char back[XFER];

	memset(back, 0, sizeof(back));
	EXPECT_EQ(0, rsm_memseg_import_get(self->im[k], off, back, XFER));
	EXPECT_EQ(-1, rsmt_check_pattern(back, XFER, off, seed));
}

FIXTURE_SETUP(trust)
{
	self->raw = -1;
	self->me = rsmt_node_id();
	self->n = rsmt_nodes();
	if (self->me < 0 || self->n < 2) {
		self->skipped = true;
		SKIP(return, "needs a cluster of 2 or more nodes");
	}
	rsmt_step_test(_metadata->name);
	ASSERT_EQ(0, rsmt_wait_all_active(WAIT_S));
	ASSERT_EQ(0, rsmt_counts(&self->base));
	ASSERT_EQ(0, trust_snap(&self->t0));
	ASSERT_EQ(0, rsm_get_controller(rsmt_ctlr(), &self->ctl));
	ASSERT_EQ(0, rsm_get_controller("loopback", &self->lb));
}

FIXTURE_TEARDOWN(trust)
{
	unsigned int k;

	if (self->skipped)
		return;
	if (!_metadata->passed)
		rsmt_step_abort();
	pump_stop(&self->pump);
	if (self->other_key) {
		EXPECT_EQ(0, rsmt_sh("%s/utils/rsmadm load", rsmt_top()));
		unlink(OTHER_KEY);
	}
	if (self->raw >= 0)
		close(self->raw);
	if (self->silent)
		EXPECT_EQ(0, rsmt_set_param("test_silent_revokes", 0));
	if (self->withhold)
		EXPECT_EQ(0, rsmt_set_param("test_withhold_credits", 0));
	if (self->queue_max_set)
		EXPECT_EQ(0, rsmt_set_param("ctl_queue_max", self->queue_max));
	for (k = 0; k < NSEG; k++) {
		disconnect_k(_metadata, self, k);
		if (self->e[k])
			EXPECT_EQ(0, rsm_memseg_export_destroy(self->e[k]));
		if (self->buf[k])
			munmap(self->buf[k], SEG_LEN);
	}
	if (self->lb)
		rsm_release_controller(self->lb);
	if (self->ctl)
		rsm_release_controller(self->ctl);
	EXPECT_EQ(0, rsmt_wait_all_active(WAIT_S));
	EXPECT_EQ(0, rsmt_counts_wait(&self->base, SETTLE_S));
}

#endif
