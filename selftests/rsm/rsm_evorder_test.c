// SPDX-License-Identifier: GPL-2.0-only
/*
 * An event posted right before a disconnect is delivered (issue: "an
 * importer that posts rsm_intr_signal_post and right afterwards unmaps and
 * disconnects: in 2 of 3 runs on 3 nodes the exporter's
 * rsm_intr_signal_wait never saw the event").  Control messages from one
 * peer must take effect in the order they were sent (DESIGN decision 15):
 * the RELEASE that a disconnect sends must not overtake the SIGNAL posted
 * before it, or the exporter drops the event of an importer it has
 * already forgotten.
 *
 * Node 1 exports a segment; every other node, round after round, connects,
 * maps (in the first test), posts one event, unmaps and disconnects at
 * once.  The posters tell node 1 how many posts returned 0 (a file in
 * $RSM_SHARE); node 1 must receive exactly that many events, as posts
 * accumulate by default.  Neither test may tear a node-pair connection
 * down, and both leave the module's counts as they were.
 */
#include <stdio.h>
#include <stdlib.h>

#include "rsm_node_fixture.h"
#include "rsm_stress.h"

#define SEG_EVO_MAP	0x4c0101
#define SEG_EVO_PLAIN	0x4c0102
#define SEG_EVO_LEN	4096
#define ROUNDS		200	/* per posting node; RSM_EVORDER_ROUNDS */
#define ROUNDS_MAX	100000
#define POST_S		300	/* a poster stops after this, whatever the rounds */
#define WAIT_MS		2000	/* one rsm_intr_signal_wait */
#define GRACE_S		5	/* for the last events once the posters are done */
#define EXTRA_MS	1000	/* and then no event beyond the count */

static unsigned long evo_rounds(void)
{
	const char *s = getenv("RSM_EVORDER_ROUNDS");
	long v = s ? strtol(s, NULL, 0) : 0;

	if (v <= 0)
		return ROUNDS;
	return v < ROUNDS_MAX ? v : ROUNDS_MAX;
}

/* $RSM_SHARE/<test>.posted.node<k> holds how many posts of node k returned 0. */
static void evo_count_path(char *path, size_t len, const char *test, int node)
{
	snprintf(path, len, "%s/%s.posted.node%d", getenv("RSM_SHARE"), test, node);
}

static int evo_count_write(const char *test, int node, unsigned long n)
{
	char path[512], tmp[520];
	FILE *f;

	evo_count_path(path, sizeof(path), test, node);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return -1;
	fprintf(f, "%lu\n", n);
	if (fclose(f))
		return -1;
	/* whole or not at all for the reader */
	return rename(tmp, path);
}

/* The count of @node, waiting a little for the file to show up; -1 without. */
static long evo_count_read(const char *test, int node)
{
	double end = rsmt_time() + 10;
	char path[512];
	long n;
	FILE *f;

	evo_count_path(path, sizeof(path), test, node);
	do {
		f = fopen(path, "r");
		if (f) {
			if (fscanf(f, "%ld", &n) != 1)
				n = -1;
			fclose(f);
			return n;
		}
		usleep(100 * 1000);
	} while (rsmt_time() < end);
	return -1;
}

/* What a posting node did; each failure keeps the first code it saw. */
struct evo_poster {
	unsigned long rounds, posted, post_failed;
	int post_rc, connect_rc, map_rc, unmap_rc, disconnect_rc;
};

/*
 * One round: connect, map (with @map), post, unmap, disconnect, with
 * nothing in between.  Returns -1 when the round could not be made.
 */
static int evo_round(FIXTURE_DATA(node) *self, rsm_memseg_id_t id, bool map,
		     struct evo_poster *ps)
{
	void *a = NULL;
	int ret;

	ret = rsm_memseg_import_connect(self->ctl, EXPORTER, id, RSM_PERM_RDWR,
					&self->im[0]);
	if (ret) {
		self->im[0] = NULL;
		ps->connect_rc = ret;
		return -1;
	}
	if (map) {
		ret = rsm_memseg_import_map(self->im[0], &a, RSM_MAP_NONE,
					    RSM_PERM_RDWR, 0, SEG_EVO_LEN);
		if (ret) {
			ps->map_rc = ret;
			return -1;
		}
	}
	ret = rsm_intr_signal_post(self->im[0], 0);
	if (!ret) {
		ps->posted++;
	} else {
		ps->post_failed++;
		if (!ps->post_rc)
			ps->post_rc = ret;
	}
	if (map) {
		ret = rsm_memseg_import_unmap(self->im[0]);
		if (ret) {
			ps->unmap_rc = ret;
			return -1;
		}
	}
	ret = rsm_memseg_import_disconnect(self->im[0]);
	if (ret) {
		ps->disconnect_rc = ret;
		return -1;
	}
	self->im[0] = NULL;
	return 0;
}

/* A posting node: the rounds, bounded by time; a failed round ends them. */
static void evo_post(struct __test_metadata *_metadata, FIXTURE_DATA(node) *self,
		     rsm_memseg_id_t id, bool map)
{
	unsigned long rounds = evo_rounds();
	double t0 = rsmt_time(), end = t0 + POST_S;
	struct evo_poster ps = { 0 };
	bool failed = false;

	while (!failed && ps.rounds < rounds && rsmt_time() < end) {
		ps.rounds++;
		failed = evo_round(self, id, map, &ps) != 0;
	}
	TH_LOG("node %d: %lu rounds in %.1f s, %lu posts returned 0, %lu failed",
	       self->me, ps.rounds, rsmt_time() - t0, ps.posted, ps.post_failed);
	ASSERT_EQ(0, evo_count_write(_metadata->name, self->me, ps.posted));
	EXPECT_EQ(0, ps.connect_rc);
	EXPECT_EQ(0, ps.map_rc);
	EXPECT_EQ(0, ps.unmap_rc);
	EXPECT_EQ(0, ps.disconnect_rc);
	EXPECT_EQ(0, ps.post_failed) TH_LOG("first failed post: %d", ps.post_rc);
	if (!failed && ps.rounds < rounds)
		TH_LOG("node %d: out of time after %lu of %lu rounds", self->me,
		       ps.rounds, rounds);
}

/* Whether every posting node has reached step @name. */
static bool evo_posters_done(FIXTURE_DATA(node) *self, const char *name)
{
	int k;

	for (k = 1; k <= self->n; k++)
		if (k != EXPORTER && !rsmt_step_reached(name, k))
			return false;
	return true;
}

/*
 * Whether a node gave the test up (rsmt_step_abort(), rsm_cluster.c):
 * then node 1 stops waiting for posters that will never be done.
 */
static bool evo_given_up(FIXTURE_DATA(node) *self, const char *test)
{
	char path[512];
	int k;

	for (k = 1; k <= self->n; k++) {
		snprintf(path, sizeof(path), "%s/abort.%s.node%d",
			 getenv("RSM_SHARE"), test, k);
		if (!access(path, F_OK))
			return true;
	}
	return false;
}

/*
 * Node 1: consume events while the posters post; once they are all done,
 * read their counts and wait up to GRACE_S for what is still missing,
 * then EXTRA_MS more for anything beyond it.  Stops at a hard deadline,
 * or when a node gave up, if the posters never finish.
 */
static void evo_collect(struct __test_metadata *_metadata,
			FIXTURE_DATA(node) *self)
{
	double hard = rsmt_time() + POST_S + STEP_S, grace = 0;
	unsigned long got = 0, extra = 0, got_when_done = 0;
	long posted = -1, n;
	int k, ret, other = 0;

	for (;;) {
		if (!grace && evo_posters_done(self, "posted")) {
			for (k = 1, posted = 0; k <= self->n; k++) {
				if (k == EXPORTER)
					continue;
				n = evo_count_read(_metadata->name, k);
				ASSERT_LE(0, n) TH_LOG("no count from node %d", k);
				posted += n;
			}
			grace = rsmt_time() + GRACE_S;
			got_when_done = got;
		}
		if (grace && (got >= (unsigned long)posted || rsmt_time() > grace))
			break;
		if (!grace && (rsmt_time() > hard ||
			       evo_given_up(self, _metadata->name)))
			break;
		ret = rsm_intr_signal_wait(self->e, WAIT_MS);
		if (!ret)
			got++;
		else if (ret != RSMERR_TIMEOUT && !other++)
			TH_LOG("rsm_intr_signal_wait: %d", ret);
	}
	while (grace && rsm_intr_signal_wait(self->e, EXTRA_MS) == 0)
		extra++;
	TH_LOG("node %d: %ld events posted, %lu received, %lu more after that",
	       self->me, posted, got, extra);
	TH_LOG("node %d: %lu had come when it saw the posters done", self->me,
	       got_when_done);
	ASSERT_TRUE(grace != 0) TH_LOG("the posters never finished");
	EXPECT_EQ(posted, got) TH_LOG("%ld posted events were never delivered",
				      posted - (long)got);
	EXPECT_EQ(0, extra);
	EXPECT_EQ(0, other);
}

static void evo_test(struct __test_metadata *_metadata, FIXTURE_DATA(node) *self,
		     rsm_memseg_id_t id, bool map)
{
	struct rsmt_peer_conns before, after;

	ASSERT_EQ(0, rsmt_peer_conns_get(&before));
	if (self->me == EXPORTER)
		export_as(_metadata, self, SEG_EVO_LEN, id, 0, NULL, 0);
	STEP("published");
	if (self->me == EXPORTER)
		evo_collect(_metadata, self);
	else
		evo_post(_metadata, self, id, map);
	STEP_LONG("posted", POST_S + STEP_S);
	STEP("end");
	ASSERT_EQ(0, rsmt_peer_conns_get(&after));
	EXPECT_EQ(0, rsmt_peer_conns_changed(&before, &after))
		TH_LOG("connect/disconnect rounds tore node-pair connections down");
}

NODE_TEST(event_posted_before_disconnect_is_delivered, 900)
{
	evo_test(_metadata, self, SEG_EVO_MAP, true);
}

NODE_TEST(event_posted_before_disconnect_without_mapping_is_delivered, 900)
{
	evo_test(_metadata, self, SEG_EVO_PLAIN, false);
}

TEST_HARNESS_MAIN
