// SPDX-License-Identifier: GPL-2.0-only
/*
 * Failures around an import, on every node of a cluster of 2 or 3 at once
 * (spec 1.3, 3.9; DESIGN decisions 6 and 12): the exporting process killed,
 * an importing process killed, the exporter's link lost and back.  No
 * operation hangs: each fails with the spec's error within a bound, and
 * every count on every node (exported and imported segments, importers,
 * registrations, pinned pages, local memory handles) returns to where it
 * was.  Node 1 exports; every other node imports.
 */
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>

#include "rsm_node_fixture.h"

#define SEG_KEXP	0x4a0101
#define SEG_KIMP	0x4a0102
#define SEG_LINK	0x4a0103
#define SEG_RECON	0x4a0104
#define ABORT_S		10	/* a revoked import must fail within this */
/*
 * Loss of the path must show within this: the heartbeat timeout in force
 * (3 s by default, 6 s on the debug kernel) + one check interval (1 s) +
 * 2 s for a slow (debug or loaded) guest.
 */
static double link_detect_s(void)
{
	unsigned int ms = 3000;

	rsmt_get_param("hb_timeout_ms", &ms);
	return ms / 1000.0 + 3;
}
#define LINK_DETECT_S	link_detect_s()
/*
 * The link stays down at least this long: longer than any fixed wait for
 * it (soft-RoCE loses its CM for good when a CM message is sent while the
 * route is gone, kernel/rsm_conn.c).
 */
#define LINK_DOWN_S	20

/* Read one byte a child writes when it is ready, at most @s seconds. */
static int child_ready(int fd, int s)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char c;

	return poll(&p, 1, s * 1000) == 1 && read(fd, &c, 1) == 1 ? 0 : -1;
}

/* Node 1: a child process exports and publishes @len bytes as @id. */

/*
 * Parent side of a forked helper that writes one byte to @ready once set
 * up: SIGKILL it then.  Return: -1 once killed, else the pid (set-up
 * failed; the caller reaps it).
 */
static pid_t kill_when_ready(pid_t pid, int ready[2])
{
	close(ready[1]);
	if (pid > 0 && child_ready(ready[0], STEP_S)) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		pid = -1;
	}
	close(ready[0]);
	return pid;
}
static pid_t exporting_child(FIXTURE_DATA(node) *self, rsm_memseg_id_t id,
			     size_t len)
{
	int ready[2];
	pid_t pid;

	if (pipe(ready))
		return -1;
	pid = fork();
	if (pid == 0) {
		rsm_memseg_export_handle_t e;
		char *mem = node_map(len);

		if (!mem || rsm_memseg_export_create(self->ctl, &e, mem, len, 0) ||
		    rsm_memseg_export_publish(e, &id, NULL, 0))
			_exit(1);
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	return kill_when_ready(pid, ready);
}

NODE_TEST(killed_exporter_aborts_importers_and_releases_its_pages, 300)
{
	uint8_t b = 1;
	pid_t pid = -1;
	double t;
	int ret;

	if (self->me == EXPORTER) {
		pid = exporting_child(self, SEG_KEXP, 16 * 4096);
		ASSERT_LT(0, pid);
	}
	STEP("kexp.published");
	if (self->me != EXPORTER) {
		import_k(_metadata, self, 0, SEG_KEXP);
		EXPECT_EQ(0, rsm_memseg_import_put8(self->im[0], 0, &b, 1));
	}
	STEP("kexp.connected");
	if (self->me == EXPORTER) {
		ASSERT_EQ(0, kill(pid, SIGKILL));
		ASSERT_EQ(pid, waitpid(pid, NULL, 0));
		/* pinned pages, exports and importers all go */
		EXPECT_EQ(0, rsmt_counts_wait(&self->base, ABORT_S));
	} else {
		t = rsmt_time();
		do {
			ret = rsm_memseg_import_put8(self->im[0], 0, &b, 1);
			if (ret)
				break;
			usleep(20 * 1000);
		} while (rsmt_time() < t + ABORT_S);
		EXPECT_EQ(RSMERR_CONN_ABORTED, ret);
		TH_LOG("import failed %.2f s after the barrier", rsmt_time() - t);
		EXPECT_EQ(RSMERR_CONN_ABORTED, rsm_memseg_import_get8(self->im[0], 0, &b, 1));
		disconnect_k(_metadata, self, 0);
	}
	STEP("kexp.killed");
	if (self->me != EXPORTER)
		EXPECT_EQ(RSMERR_SEG_NOT_PUBLISHED,
			  rsm_memseg_import_connect(self->ctl, EXPORTER, SEG_KEXP,
						    RSM_PERM_RDWR, &self->im[0]));
	STEP("kexp.end");
}

/* Poll until this node's importers and registrations are back at @base. */
static int exporter_side_released(const struct rsmt_counts *base, int s)
{
	double end = rsmt_time() + s;
	struct rsmt_counts c;

	do {
		if (!rsmt_counts(&c) && c.importers == base->importers &&
		    c.registrations == base->registrations)
			return 0;
		usleep(100 * 1000);
	} while (rsmt_time() < end);
	fprintf(stderr, "# importers %llu (was %llu), registrations %llu (was %llu)\n",
		c.importers, base->importers, c.registrations, base->registrations);
	return -1;
}

/* Node 2: a child imports @id three times, makes a local handle, writes. */
static pid_t importing_child(FIXTURE_DATA(node) *self, rsm_memseg_id_t id)
{
	int ready[2];
	pid_t pid;

	if (pipe(ready))
		return -1;
	pid = fork();
	if (pid == 0) {
		rsm_memseg_import_handle_t im[3];
		rsm_localmemory_handle_t lh;
		rsmapi_barrier_t bar[3];
		char *mem = node_map(4096);
		int k;

		memset(bar, 0, sizeof(bar));
		for (k = 0; k < 3; k++)
			if (rsm_memseg_import_connect(self->ctl, EXPORTER, id,
						      RSM_PERM_RDWR, &im[k]) ||
			    rsm_memseg_import_init_barrier(im[k], RSM_BARRIER_SEGMENT,
							   &bar[k]) ||
			    rsm_memseg_import_put(im[k], 0, "abc", 3))
				_exit(1);
		if (!mem || rsm_create_localmemory_handle(self->ctl, &lh, mem, 4096))
			_exit(1);
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	return kill_when_ready(pid, ready);
}

NODE_TEST(killed_importer_releases_its_imports_on_both_nodes, 300)
{
	struct rsmt_counts c;
	uint8_t b = 0x5c;
	pid_t pid = -1;

	if (self->me == EXPORTER)
		export_as(_metadata, self, 4 * 4096, SEG_KIMP, 0, NULL, 0);
	STEP("kimp.published");
	if (self->me == PUTTER) {
		pid = importing_child(self, SEG_KIMP);
		ASSERT_LT(0, pid);
		ASSERT_EQ(0, rsmt_counts(&c));
		EXPECT_EQ(self->base.imported_segments + 3, c.imported_segments);
		EXPECT_EQ(self->base.localmem_handles + 1, c.localmem_handles);
	}
	STEP("kimp.connected");
	if (self->me == EXPORTER) {
		ASSERT_EQ(0, rsmt_counts(&c));
		EXPECT_EQ(self->base.importers + 3, c.importers);
		EXPECT_LT(self->base.registrations, c.registrations);
	}
	STEP("kimp.counted");
	if (self->me == PUTTER) {
		ASSERT_EQ(0, kill(pid, SIGKILL));
		ASSERT_EQ(pid, waitpid(pid, NULL, 0));
		EXPECT_EQ(0, rsmt_counts_wait(&self->base, ABORT_S));
	}
	STEP("kimp.killed");
	if (self->me == EXPORTER)
		EXPECT_EQ(0, exporter_side_released(&self->base, ABORT_S));
	STEP("kimp.released");
	/* the segment is as good as before */
	if (self->me == PUTTER) {
		import_k(_metadata, self, 0, SEG_KIMP);
		EXPECT_EQ(0, rsm_memseg_import_put8(self->im[0], 9, &b, 1));
		disconnect_k(_metadata, self, 0);
	}
	STEP("kimp.reused");
	if (self->me == EXPORTER) {
		EXPECT_EQ(0, memcmp(self->buf, "abc", 3));
		EXPECT_EQ(0x5c, (uint8_t)self->buf[9]);
	}
	STEP("kimp.end");
}

/* Connect until it gives RSMERR_REMOTE_NODE_UNREACHABLE, at most @s s. */
static int connect_unreachable(FIXTURE_DATA(node) *self, int s)
{
	rsm_memseg_import_handle_t im;
	double end = rsmt_time() + s;
	int ret;

	do {
		ret = rsm_memseg_import_connect(self->ctl, EXPORTER, SEG_LINK,
						RSM_PERM_RDWR, &im);
		if (!ret)
			rsm_memseg_import_disconnect(im);
		if (ret == RSMERR_REMOTE_NODE_UNREACHABLE)
			break;
		usleep(100 * 1000);
	} while (rsmt_time() < end);
	return ret;
}

NODE_TEST(link_lost_for_20_s_aborts_imports_and_a_new_connect_works_after, 400)
{
	uint8_t b = 0x11;
	double t, down;
	int ret;

	if (self->me == EXPORTER)
		export_as(_metadata, self, 4 * 4096, SEG_LINK, 0, NULL, 0);
	STEP("link.published");
	if (self->me != EXPORTER) {
		import_k(_metadata, self, 0, SEG_LINK);
		EXPECT_EQ(0, rsm_memseg_import_put8(self->im[0], 0, &b, 1));
	}
	STEP("link.connected");
	if (self->me == EXPORTER) {
		self->link_down = true;
		down = rsmt_time();
		ASSERT_EQ(0, rsmt_sh("ip link set eth0 down"));
		/* down until every importer saw it (or gave up) */
		EXPECT_EQ(0, rsmt_step("link.observed", STEP_S));
		t = LINK_DOWN_S - (rsmt_time() - down);
		if (t > 0)
			usleep((useconds_t)(t * 1e6));
		ASSERT_EQ(0, rsmt_sh("ip link set eth0 up"));
		self->link_down = false;
	} else {
		t = rsmt_time();
		do {
			ret = rsm_memseg_import_put8(self->im[0], 0, &b, 1);
			if (ret)
				break;
			usleep(50 * 1000);
		} while (rsmt_time() < t + 4 * LINK_DETECT_S);
		t = rsmt_time() - t;
		EXPECT_EQ(RSMERR_CONN_ABORTED, ret);
		EXPECT_GE(LINK_DETECT_S, t) TH_LOG("import failed after %.2f s", t);
		EXPECT_EQ(RSMERR_REMOTE_NODE_UNREACHABLE,
			  connect_unreachable(self, LINK_DETECT_S));
		EXPECT_EQ(0, rsmt_step("link.observed", STEP_S));
	}
	EXPECT_EQ(0, rsmt_wait_all_active(STEP_S));
	STEP("link.up");
	if (self->me != EXPORTER) {
		/* the aborted import stays aborted; a new one works */
		EXPECT_EQ(RSMERR_CONN_ABORTED, rsm_memseg_import_put8(self->im[0], 0, &b, 1));
		disconnect_k(_metadata, self, 0);
		import_k(_metadata, self, 0, SEG_LINK);
		b = self->me;
		EXPECT_EQ(0, rsm_memseg_import_put8(self->im[0], self->me, &b, 1));
		disconnect_k(_metadata, self, 0);
	}
	STEP("link.reconnected");
	if (self->me == EXPORTER)
		for (ret = 2; ret <= self->n; ret++)
			EXPECT_EQ(ret, self->buf[ret]);
	STEP("link.end");
}

/* Poll until this node's connection to @node is not ACTIVE, at most @s s. */
static int wait_conn_down(unsigned int node, int s)
{
	double end = rsmt_time() + s;

	while (rsmt_conn_state(node) == RSM_PATH_ACTIVE)
		if (rsmt_time() > end || usleep(1000))
			return -1;
	return 0;
}

/*
 * A connect made while the connection to the exporter is coming back up
 * (the exporter's node restarts its connections; the importer connects
 * the moment it sees its connection go) waits for it, rather than failing
 * at once with RSMERR_REMOTE_NODE_UNREACHABLE.
 */
NODE_TEST(connect_while_reconnecting_waits_for_the_connection, 300)
{
	rsmapi_barrier_t bar;
	uint8_t b = 0x5a;
	int ret;

	if (self->me == EXPORTER)
		export_as(_metadata, self, 4 * 4096, SEG_RECON, 0, NULL, 0);
	ASSERT_EQ(0, rsmt_wait_all_active(STEP_S));
	STEP("recon.published");
	if (self->me == EXPORTER) {
		ASSERT_EQ(0, rsmt_load_config(-1, -1, true));
	} else {
		ASSERT_EQ(0, wait_conn_down(EXPORTER, 30));
		ret = rsm_memseg_import_connect(self->ctl, EXPORTER, SEG_RECON,
						RSM_PERM_RDWR, &self->im[0]);
		EXPECT_EQ(0, ret) TH_LOG("connect right after a restart: %d", ret);
		if (!ret) {
			EXPECT_EQ(0, rsm_memseg_import_init_barrier(self->im[0],
					RSM_BARRIER_SEGMENT, &bar));
			EXPECT_EQ(0, rsm_memseg_import_put8(self->im[0], self->me,
							    &b, 1));
			rsm_memseg_import_destroy_barrier(&bar);
			disconnect_k(_metadata, self, 0);
		}
	}
	EXPECT_EQ(0, rsmt_wait_all_active(STEP_S));
	STEP("recon.done");
	if (self->me == EXPORTER)
		for (ret = 2; ret <= self->n; ret++)
			EXPECT_EQ(0x5a, self->buf[ret]);
	STEP("recon.end");
}

TEST_HARNESS_MAIN
