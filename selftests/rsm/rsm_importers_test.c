// SPDX-License-Identifier: GPL-2.0-only
/*
 * 64 importers of one segment, on every node of a cluster of 2 or 3 at
 * once: node 1 exports; every other node runs several processes that
 * import it 64 times in all.  Each import writes its own slot; the
 * exporter finds every slot, and every import reads back all of them.
 */
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>

#include "rsm_node_fixture.h"

#define SEG_MANY	0x4a0008
#define SLOT		1024	/* one importer's part of the segment */
#define PROCS		4	/* importing processes per node */

/*
 * One importing process: @nh handles with global indexes @g0 ..; waits for
 * a byte on @go before each phase and reports each phase on @done.
 * Phase 1 connects, 2 writes each handle's slot, 3 reads and checks all.
 * Exits with the number of failures.
 */
static int importer_proc(FIXTURE_DATA(node) *self, unsigned int g0,
			 unsigned int nh, unsigned int total, int go, int done)
{
	rsm_memseg_import_handle_t im[MAX_IMPORTS];
	rsmapi_barrier_t bar[MAX_IMPORTS];
	char slot[SLOT], *all = malloc(total * SLOT);
	unsigned int h, j, bad = 0;
	char c;

	memset(bar, 0, sizeof(bar));
	for (h = 0; h < nh; h++)
		if (!all || rsm_memseg_import_connect(self->ctl, EXPORTER, SEG_MANY,
						      RSM_PERM_RDWR, &im[h]) ||
		    rsm_memseg_import_init_barrier(im[h], RSM_BARRIER_SEGMENT, &bar[h]))
			return 100;
	if (write(done, "c", 1) != 1 || read(go, &c, 1) != 1)
		return 101;
	for (h = 0; h < nh; h++) {
		int ret;

		rsmt_fill_pattern(slot, SLOT, 0, 1000 + g0 + h);
		ret = rsm_memseg_import_put(im[h], (g0 + h) * SLOT, slot, SLOT);
		if (ret)
			fprintf(stderr, "# import %u: put: %d\n", g0 + h, ret);
		bad += !!ret;
	}
	if (write(done, "w", 1) != 1 || read(go, &c, 1) != 1)
		return 102;
	for (h = 0; h < nh; h++) {
		memset(all, 0, total * SLOT);
		bad += !!rsm_memseg_import_get(im[h], 0, all, total * SLOT);
		for (j = 0; j < total; j++)
			bad += rsmt_check_pattern(all + j * SLOT, SLOT, 0, 1000 + j) != -1;
		bad += !!rsm_memseg_import_disconnect(im[h]);
	}
	return bad > 99 ? 99 : bad;
}

/*
 * Wait for one byte from each of @n processes on @fd, at most @s seconds.
 * On a timeout, say which of @pid are gone (and how) and where the others
 * are in the kernel, so that a failure in CI can be read.
 */
static int wait_reports(int fd, int n, int s, const pid_t *pid)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char c, path[64], buf[256];
	int k, st, len, wfd;

	while (n > 0) {
		if (poll(&p, 1, s * 1000) != 1 || read(fd, &c, 1) != 1)
			goto stalled;
		n--;
	}
	return 0;
stalled:
	for (k = 0; k < PROCS; k++) {
		if (waitpid(pid[k], &st, WNOHANG) == pid[k]) {
			fprintf(stderr, "# importing process %d: gone, status 0x%x\n",
				k, st);
			continue;
		}
		snprintf(path, sizeof(path), "/proc/%d/wchan", pid[k]);
		wfd = open(path, O_RDONLY);
		len = wfd < 0 ? -1 : read(wfd, buf, sizeof(buf) - 1);
		if (wfd >= 0)
			close(wfd);
		buf[len < 0 ? 0 : len] = 0;
		fprintf(stderr, "# importing process %d: running, waits in '%s'\n",
			k, buf);
	}
	return -1;
}

/* Let every process start its next phase. */
static int go_all(int go[PROCS][2])
{
	int k;

	for (k = 0; k < PROCS; k++)
		if (write(go[k][1], "g", 1) != 1)
			return -1;
	return 0;
}

NODE_TEST(sixty_four_importers_of_one_segment_all_read_and_write, 600)
{
	const unsigned int total = MAX_IMPORTS, per_node = total / (self->n - 1);
	const unsigned int g0 = (self->me - 2) * per_node, per_proc = per_node / PROCS;
	int go[PROCS][2], done[2] = { -1, -1 }, status;
	struct rsmt_counts c;
	pid_t pid[PROCS];
	unsigned int k, j;

	ASSERT_EQ(0, per_node % PROCS);
	if (self->me == EXPORTER)
		export_as(_metadata, self, total * SLOT, SEG_MANY, 0, NULL, 0);
	STEP("many.published");
	if (self->me != EXPORTER) {
		/*
		 * A pipe of its own per process: from one shared pipe, a
		 * process done with a phase could take the byte that lets a
		 * slower one start it.
		 */
		for (k = 0; k < PROCS; k++)
			ASSERT_EQ(0, pipe(go[k]));
		ASSERT_EQ(0, pipe(done));
		for (k = 0; k < PROCS; k++) {
			pid[k] = fork();
			ASSERT_LE(0, pid[k]);
			if (pid[k] == 0) {
				/* see the parent's ends: its exit ends the wait */
				for (j = 0; j < PROCS; j++)
					close(go[j][1]);
				close(done[0]);
				_exit(importer_proc(self, g0 + k * per_proc, per_proc,
						    total, go[k][0], done[1]));
			}
		}
		ASSERT_EQ(0, wait_reports(done[0], PROCS, STEP_S, pid));
		ASSERT_EQ(0, rsmt_counts(&c));
		EXPECT_EQ(self->base.imported_segments + per_node, c.imported_segments);
	}
	STEP("many.connected");
	if (self->me == EXPORTER) {
		ASSERT_EQ(0, rsmt_counts(&c));
		EXPECT_EQ(self->base.importers + total, c.importers);
	} else {
		ASSERT_EQ(0, go_all(go));
		ASSERT_EQ(0, wait_reports(done[0], PROCS, STEP_S, pid));
	}
	STEP("many.written");
	if (self->me == EXPORTER)
		for (j = 0; j < total; j++)
			EXPECT_EQ(-1, rsmt_check_pattern(self->buf + j * SLOT, SLOT, 0,
							 1000 + j)) TH_LOG("slot %u", j);
	STEP("many.checked");
	if (self->me != EXPORTER) {
		ASSERT_EQ(0, go_all(go));
		for (k = 0; k < PROCS; k++) {
			ASSERT_EQ(pid[k], waitpid(pid[k], &status, 0));
			EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
				TH_LOG("importing process %u: status 0x%x", k, status);
		}
		for (k = 0; k < PROCS; k++) {
			close(go[k][0]);
			close(go[k][1]);
		}
		close(done[0]);
		close(done[1]);
	}
	STEP("many.end");
}

TEST_HARNESS_MAIN
