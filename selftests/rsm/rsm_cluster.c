// SPDX-License-Identifier: GPL-2.0-only
/* Cross-node helpers for rsm selftests; see rsm_cluster.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rsm_cluster.h"

int rsmt_node_id(void)
{
	const char *s = getenv("RSM_NODE_ID");

	return s ? atoi(s) : -1;
}

int rsmt_nodes(void)
{
	const char *s = getenv("RSM_NODES");

	return s ? atoi(s) : 0;
}

int rsmt_rails(void)
{
	const char *s = getenv("RSM_RAILS");

	return s && atoi(s) == 2 ? 2 : 1;
}

const char *rsmt_top(void)
{
	const char *s = getenv("RSM_TOP");

	return s ? s : "../..";
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The test whose steps rsmt_step() runs, for giving up together. */
static char step_test[128];

static bool step_aborted(const char *share, int n)
{
	char path[512];
	int k;

	if (!step_test[0])
		return false;
	for (k = 1; k <= n; k++) {
		snprintf(path, sizeof(path), "%s/abort.%s.node%d", share,
			 step_test, k);
		if (!access(path, F_OK)) {
			fprintf(stderr, "# %s: node %d gave up\n", step_test, k);
			return true;
		}
	}
	return false;
}

static int barrier_wait(const char *name, int timeout_s, bool abortable)
{
	const char *share = getenv("RSM_SHARE");
	int me = rsmt_node_id(), n = rsmt_nodes(), k, fd, missing = 0;
	double deadline = now_s() + timeout_s;
	char path[512];

	if (!share || me < 0 || n <= 0)
		return -1;
	snprintf(path, sizeof(path), "%s/barrier.%s.node%d", share, name, me);
	fd = open(path, O_CREAT | O_WRONLY, 0644);
	if (fd < 0)
		return -1;
	close(fd);
	for (;;) {
		missing = 0;
		for (k = 1; k <= n; k++) {
			snprintf(path, sizeof(path), "%s/barrier.%s.node%d",
				 share, name, k);
			if (!access(path, F_OK))
				continue;
			/* a node the runner killed never comes */
			snprintf(path, sizeof(path), "%s/killed-node%d",
				 share, k);
			if (access(path, F_OK))
				missing = k;
		}
		if (!missing)
			return 0;
		if (abortable && step_aborted(share, n))
			return -1;
		if (now_s() > deadline) {
			fprintf(stderr, "# barrier %s: node %d never came\n",
				name, missing);
			return -1;
		}
		usleep(50 * 1000);
	}
}

int rsmt_barrier(const char *name, int timeout_s)
{
	return barrier_wait(name, timeout_s, false);
}

void rsmt_step_test(const char *test)
{
	snprintf(step_test, sizeof(step_test), "%s", test);
}

int rsmt_step(const char *name, int timeout_s)
{
	char full[256];

	snprintf(full, sizeof(full), "%s.%s", step_test, name);
	return barrier_wait(full, timeout_s, true);
}

void rsmt_step_abort(void)
{
	const char *share = getenv("RSM_SHARE");
	char path[512];
	int fd;

	if (!share || !step_test[0])
		return;
	snprintf(path, sizeof(path), "%s/abort.%s.node%d", share, step_test,
		 rsmt_node_id());
	fd = open(path, O_CREAT | O_WRONLY, 0644);
	if (fd >= 0)
		close(fd);
}

bool rsmt_step_reached(const char *name, int node)
{
	const char *share = getenv("RSM_SHARE");
	char path[512];

	if (!share)
		return false;
	snprintf(path, sizeof(path), "%s/barrier.%s.%s.node%d", share,
		 step_test, name, node);
	return !access(path, F_OK);
}

int rsmt_status(struct rsm_status *st)
{
	int fd = open(RSM_DEVICE_PATH, O_RDONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -1;
	ret = rsm_status_fetch(fd, st);
	close(fd);
	return ret;
}

const struct rsm_stat_conn *rsmt_conn(const struct rsm_status *st,
				      unsigned int nodeid)
{
	unsigned int i;

	for (i = 0; i < st->hdr->nconn; i++)
		if (st->conn[i].nodeid == nodeid)
			return &st->conn[i];
	return NULL;
}

unsigned int rsmt_conn_state(unsigned int nodeid)
{
	const struct rsm_stat_conn *c;
	struct rsm_status st;
	unsigned int state = 0;

	if (rsmt_status(&st))
		return 0;
	c = rsmt_conn(&st, nodeid);
	if (c)
		state = c->state;
	rsm_status_free(&st);
	return state;
}

int rsmt_wait_conn(unsigned int nodeid, bool active, int timeout_s)
{
	double deadline = now_s() + timeout_s;

	do {
		if ((rsmt_conn_state(nodeid) == RSM_PATH_ACTIVE) == active)
			return 0;
		usleep(100 * 1000);
	} while (now_s() < deadline);
	return -1;
}

int rsmt_wait_all_active(int timeout_s)
{
	double deadline = now_s() + timeout_s;
	struct rsm_status st;
	unsigned int i, down;

	do {
		if (rsmt_status(&st))
			return -1;
		for (i = 0, down = 0; i < st.hdr->nconn; i++)
			down += st.conn[i].state != RSM_PATH_ACTIVE;
		rsm_status_free(&st);
		if (!down)
			return 0;
		usleep(100 * 1000);
	} while (now_s() < deadline);
	return -1;
}

int rsmt_sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int ret;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	ret = system(cmd);
	if (ret == -1 || !WIFEXITED(ret))
		return -1;
	return WEXITSTATUS(ret);
}

int rsmt_load_config(int exclude, int local, bool restart)
{
	char node[32] = "";

	if (local >= 0)
		snprintf(node, sizeof(node), "-n %d", local);
	return rsmt_sh("awk -v x=%d '$1 != x' /etc/rsm/rsm.conf > /tmp/rsmt.conf"
		       " && %s/utils/rsmadm load -f /tmp/rsmt.conf %s %s",
		       exclude, rsmt_top(), node, restart ? "--restart" : "");
}

/* Read (@val NULL) or write a parameter of rsm.ko. */
static int rsmt_param(const char *name, unsigned int *get, unsigned int val)
{
	char path[256];
	FILE *f;
	int ret;

	snprintf(path, sizeof(path), "/sys/module/rsm/parameters/%s", name);
	f = fopen(path, get ? "r" : "w");
	if (!f)
		return -1;
	if (get)
		ret = fscanf(f, "%u", get) == 1 ? 0 : -1;
	else
		ret = fprintf(f, "%u\n", val) < 0 ? -1 : 0;
	if (fclose(f))
		ret = -1;
	return ret;
}

int rsmt_set_param(const char *name, unsigned int val)
{
	return rsmt_param(name, NULL, val);
}

int rsmt_get_param(const char *name, unsigned int *val)
{
	return rsmt_param(name, val, 0);
}

double rsmt_time(void)
{
	return now_s();
}

int rsmt_local_nodeid(void)
{
	struct rsm_status st;
	int id;

	if (rsmt_status(&st))
		return -1;
	id = st.hdr->local_nodeid;
	rsm_status_free(&st);
	return id;
}

int rsmt_counts(struct rsmt_counts *c)
{
	struct rsm_status st;

	if (rsmt_status(&st)) {
		memset(c, 0xff, sizeof(*c));
		return -1;
	}
	c->exported_segments = st.hdr->exported_segments;
	c->imported_segments = st.hdr->imported_segments;
	c->pinned_pages = st.hdr->pinned_pages;
	c->importers = st.hdr->importers;
	c->registrations = st.hdr->registrations;
	c->localmem_handles = st.hdr->localmem_handles;
	c->mapped_pages = st.hdr->mapped_pages;
	rsm_status_free(&st);
	return 0;
}

bool rsmt_counts_equal(const struct rsmt_counts *a,
		       const struct rsmt_counts *b)
{
	return !memcmp(a, b, sizeof(*a));
}

int rsmt_counts_wait(const struct rsmt_counts *base, int timeout_s)
{
	double deadline = now_s() + timeout_s;
	struct rsmt_counts now;

	for (;;) {
		rsmt_counts(&now);
		if (rsmt_counts_equal(base, &now))
			return 0;
		if (now_s() > deadline)
			break;
		usleep(100 * 1000);
	}
#define RSMT_SHOW(f) if (now.f != base->f)					\
		fprintf(stderr, "# %s: %llu, was %llu\n", #f, now.f, base->f)
	RSMT_SHOW(exported_segments);
	RSMT_SHOW(imported_segments);
	RSMT_SHOW(pinned_pages);
	RSMT_SHOW(importers);
	RSMT_SHOW(registrations);
	RSMT_SHOW(localmem_handles);
	RSMT_SHOW(mapped_pages);
#undef RSMT_SHOW
	return -1;
}

unsigned char rsmt_pattern_byte(unsigned int seed, size_t off)
{
	unsigned long long x = off + seed * 0x9e3779b97f4a7c15ULL;

	x ^= x >> 29;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 32;
	return x;
}

void rsmt_fill_pattern(void *buf, size_t len, size_t off, unsigned int seed)
{
	unsigned char *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = rsmt_pattern_byte(seed, off + i);
}

long rsmt_check_pattern(const void *buf, size_t len, size_t off,
			unsigned int seed)
{
	const unsigned char *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != rsmt_pattern_byte(seed, off + i))
			return i;
	return -1;
}

static int rsmt_imc_counters(struct rsm_imc_counters *c)
{
	struct rsm_ioc_imc_info *info = calloc(1, sizeof(*info));
	int fd = open(RSM_DEVICE_PATH, O_RDONLY | O_CLOEXEC), ret = -1;

	if (info && fd >= 0 && !ioctl(fd, RSM_IOC_IMC_INFO, info)) {
		*c = info->counters;
		ret = 0;
	}
	if (fd >= 0)
		close(fd);
	free(info);
	return ret;
}

unsigned long long rsmt_imc_lock_word_ops(void)
{
	struct rsm_imc_counters c;

	return rsmt_imc_counters(&c) ? ~0ULL : c.lock_word_ops;
}

int rsmt_imc_region_of(unsigned int key, struct rsm_imc_region_info *out)
{
	struct rsm_imc_region_info *buf = calloc(256, sizeof(*buf));
	struct rsm_ioc_imc_regions req = { .buf = (unsigned long)buf,
					   .max = 256,
					   .entry_size = sizeof(*buf) };
	int fd = open(RSM_DEVICE_PATH, O_RDONLY | O_CLOEXEC), ret = -1;
	unsigned int i;

	if (fd >= 0 && buf && !ioctl(fd, RSM_IOC_IMC_REGIONS, &req))
		for (i = 0; i < req.count && i < req.max; i++)
			if (buf[i].key == key) {
				*out = buf[i];
				ret = 0;
			}
	if (fd >= 0)
		close(fd);
	free(buf);
	return ret;
}

unsigned long long rsmt_imc_hosts_of(unsigned int key)
{
	struct rsm_imc_region_info r;
	unsigned long long m;

	if (rsmt_imc_region_of(key, &r))
		return 0;
	m = r.hosts[0];
	if (r.self)
		m |= 1ULL << rsmt_local_nodeid();
	return m;
}

int rsmt_imc_wait_hosts_of(unsigned int key, unsigned long long want,
			   int timeout_s)
{
	double end = rsmt_time() + timeout_s;

	while (rsmt_imc_hosts_of(key) != want) {
		if (rsmt_time() > end) {
			fprintf(stderr, "# key %#x: hosts %#llx, want %#llx\n",
				key, rsmt_imc_hosts_of(key), want);
			return -1;
		}
		usleep(100 * 1000);
	}
	return 0;
}

int rsmt_imc_home_of(unsigned int key)
{
	struct rsm_imc_lockset_info sets[64];
	struct rsm_ioc_imc_regions req = {
		.entry_size = sizeof(sets[0]),
		.max = 64,
		.buf = (unsigned long)sets,
	};
	int fd = open(RSM_DEVICE_PATH, O_RDONLY | O_CLOEXEC), home = -1;
	unsigned int i;

	if (fd >= 0 && !ioctl(fd, RSM_IOC_IMC_LOCKSETS, &req))
		for (i = 0; i < req.count && i < req.max; i++)
			if (sets[i].key == key)
				home = sets[i].home;
	if (fd >= 0)
		close(fd);
	return home;
}

int rsmt_imc_idle(int timeout_s, bool registry)
{
	double end = rsmt_time() + timeout_s;
	struct rsm_imc_counters c;

	do {
		if (rsmt_imc_counters(&c))
			return -1;
		if ((!registry || !c.regions) && !c.region_objs && !c.rx_bytes &&
		    !c.tx_mappings && !c.tx_pages)
			return 0;
		usleep(100 * 1000);
	} while (rsmt_time() < end);
	fprintf(stderr, "# imc not idle: %u regions, %u here, %llu receive bytes, %u transmit mappings, %llu pages\n",
		c.regions, c.region_objs, (unsigned long long)c.rx_bytes,
		c.tx_mappings, (unsigned long long)c.tx_pages);
	rsmt_sh("%s/utils/imcs -r -k | sed 's/^/# /' >&2", rsmt_top());
	return -1;
}

int rsmt_kill_node(int k, int timeout_s)
{
	const char *share = getenv("RSM_SHARE");
	double end = rsmt_time() + timeout_s;
	char path[512];
	FILE *f;

	if (!share)
		return -1;
	/* node 1 asks, or node 2 when node 1 is the one */
	if (rsmt_node_id() == (k == 1 ? 2 : 1)) {
		snprintf(path, sizeof(path), "%s/kill-node%d", share, k);
		f = fopen(path, "w");
		if (!f)
			return -1;
		fclose(f);
	}
	snprintf(path, sizeof(path), "%s/killed-node%d", share, k);
	while (access(path, F_OK)) {
		if (rsmt_time() > end)
			return -1;
		usleep(100 * 1000);
	}
	return 0;
}
