// SPDX-License-Identifier: GPL-2.0-only
/*
 * Many published segments, on every node of a cluster of 2 or 3 at once:
 * the time to connect does not grow with the number of segments published
 * on the exporter's node (10 against 10,000).  Node 1 exports, node 2
 * measures.  Many importers of one segment are in rsm_importers_test.c.
 */
#include <sys/resource.h>

#include "rsm_node_fixture.h"

#define SEG_SCALE	0x4b0000	/* .. + SCALE_COUNT - 1 */
#define SCALE_COUNT	10000
#define SCALE_FEW	10
#define SCALE_REPS	15
#define SCALE_RATIO	3.0	/* TCG timing is noisy: be lenient */

/* Median time of a connect and disconnect of @id on node 1. */
static double connect_time(FIXTURE_DATA(node) *self, rsm_memseg_id_t id)
{
	rsm_memseg_import_handle_t im;
	double t[SCALE_REPS], x;
	int k, j;

	for (k = 0; k < SCALE_REPS; k++) {
		t[k] = rsmt_time();
		if (rsm_memseg_import_connect(self->ctl, EXPORTER, id, RSM_PERM_RDWR, &im))
			return -1;
		t[k] = rsmt_time() - t[k];
		rsm_memseg_import_disconnect(im);
	}
	for (k = 1; k < SCALE_REPS; k++)
		for (j = k; j > 0 && t[j - 1] > t[j]; j--) {
			x = t[j];
			t[j] = t[j - 1];
			t[j - 1] = x;
		}
	return t[SCALE_REPS / 2];
}

/* Node 1: export one page @count more times, as SEG_SCALE + nmany .. */
static int export_more(FIXTURE_DATA(node) *self, unsigned int count)
{
	rsm_memseg_id_t id;
	unsigned int k;

	for (k = 0; k < count; k++, self->nmany++) {
		id = SEG_SCALE + self->nmany;
		if (rsm_memseg_export_create(self->ctl, &self->many[self->nmany],
					     self->buf, 4096, 0))
			return -1;
		if (rsm_memseg_export_publish(self->many[self->nmany], &id, NULL, 0)) {
			rsm_memseg_export_destroy(self->many[self->nmany]);
			return -1;
		}
	}
	return 0;
}

NODE_TEST(connect_time_does_not_grow_with_published_segments, 1500)
{
	double few_first = 0, few_last = 0, first, last, t;
	struct rlimit rl = { SCALE_COUNT + 256, SCALE_COUNT + 256 };

	if (self->me == EXPORTER) {
		ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl));
		self->many = calloc(SCALE_COUNT, sizeof(*self->many));
		ASSERT_NE(NULL, self->many);
		self->buflen = 4096;
		self->buf = node_map(4096);
		ASSERT_NE(NULL, self->buf);
		ASSERT_EQ(0, export_more(self, SCALE_FEW));
	}
	STEP("scale.few");
	if (self->me == PUTTER) {
		ASSERT_LE(0, connect_time(self, SEG_SCALE));	/* warm up */
		few_first = connect_time(self, SEG_SCALE);
		few_last = connect_time(self, SEG_SCALE + SCALE_FEW - 1);
		TH_LOG("%d published: connect %.6f s (first), %.6f s (last)",
		       SCALE_FEW, few_first, few_last);
		ASSERT_LT(0, few_first);
		ASSERT_LT(0, few_last);
	}
	STEP("scale.measured_few");
	if (self->me == EXPORTER) {
		t = rsmt_time();
		EXPECT_EQ(0, export_more(self, SCALE_COUNT - SCALE_FEW))
			TH_LOG("published %u", self->nmany);
		TH_LOG("%u segments published in %.1f s", self->nmany, rsmt_time() - t);
	}
	STEP_LONG("scale.many", 1200);
	if (self->me == PUTTER) {
		first = connect_time(self, SEG_SCALE);
		last = connect_time(self, SEG_SCALE + SCALE_COUNT - 1);
		TH_LOG("%d published: connect %.6f s (first), %.6f s (last)",
		       SCALE_COUNT, first, last);
		ASSERT_LT(0, first);
		ASSERT_LT(0, last);
		EXPECT_LT(first / few_first, SCALE_RATIO);
		EXPECT_LT(last / few_last, SCALE_RATIO);
		EXPECT_LT(last / first, SCALE_RATIO);
	}
	STEP("scale.end");
}

TEST_HARNESS_MAIN
