// SPDX-License-Identifier: GPL-2.0-only
/*
 * Barriers across nodes, on every node of a cluster of 2 or 3 at once
 * (spec 1.5, 3.9, 3.11, 3.15; DESIGN decision 9): a span whose segment is
 * unpublished, or whose path to the exporter is lost, fails its close;
 * an order barrier keeps the writes before it ahead of the writes after
 * it, for explicit-mode puts and for stores through a mapping.  Node 1
 * exports; the other nodes import.  The exporter's VM killed mid-span is
 * in rsm_peerkill_test.c (it needs a cluster of its own).
 */
#include "rsm_node_fixture.h"

#define SEG_UNPUB	0x4b0201
#define SEG_LINK	0x4b0202
#define SEG_ORDER	0x4b0203
#define SEG_ORDERMAP	0x4b0204
#define LINK_DETECT_S	5	/* the module notices a lost path within this */
#define CLOSE_S		30	/* a close on a lost path returns within this */

/* Spec check 81 across nodes */
NODE_TEST(unpublish_mid_span_fails_close_with_conn_aborted, 300)
{
	uint32_t v[256];
	int ret, k;

	if (self->me == EXPORTER)
		export_as(_metadata, self, 16 * 4096, SEG_UNPUB, 0, NULL, 0);
	STEP("unpub.published");
	if (self->me != EXPORTER) {
		import_k(_metadata, self, 0, SEG_UNPUB);
		ASSERT_EQ(0, rsm_memseg_import_set_mode(self->im[0],
							RSM_BARRIER_MODE_EXPLICIT));
		for (k = 0; k < 256; k++)
			v[k] = 0x81000000 + k;
		ASSERT_EQ(0, rsm_memseg_import_open_barrier(&self->bar[0]));
		for (k = 0; k < 8; k++)
			EXPECT_EQ(0, rsm_memseg_import_put32(self->im[0], k * 4096, v, 256));
	}
	STEP("unpub.opened");
	if (self->me == EXPORTER)
		ASSERT_EQ(0, rsm_memseg_export_unpublish(self->e));
	STEP("unpub.unpublished");
	if (self->me != EXPORTER) {
		ret = rsm_memseg_import_put32(self->im[0], 9 * 4096, v, 256);
		EXPECT_TRUE(ret == 0 || ret == RSMERR_CONN_ABORTED)
			TH_LOG("put32 after unpublish gave %d", ret);
		EXPECT_EQ(RSMERR_CONN_ABORTED, rsm_memseg_import_close_barrier(&self->bar[0]));
		/* the span is over; a new one fails the same way */
		EXPECT_EQ(RSMERR_BARRIER_NOT_OPENED,
			  rsm_memseg_import_close_barrier(&self->bar[0]));
		ret = rsm_memseg_import_open_barrier(&self->bar[0]);
		EXPECT_TRUE(ret == 0 || ret == RSMERR_BARRIER_OPEN_FAILED)
			TH_LOG("open after the abort gave %d", ret);
		if (!ret) {
			EXPECT_EQ(RSMERR_CONN_ABORTED,
				  rsm_memseg_import_close_barrier(&self->bar[0]));
		}
	}
	STEP("unpub.closed");
	if (self->me == EXPORTER) {
		/* what the span put before the unpublish may be there; none after */
		EXPECT_EQ(0, self->buf[9 * 4096]);
	}
	if (self->im[0])
		disconnect_k(_metadata, self, 0);
	STEP("unpub.end");
}

/*
 * Spec 3.9: the path to the exporter fails inside a span.  The close
 * reports the loss (RSMERR_CONN_ABORTED once the module has noticed it,
 * RSMERR_BARRIER_FAILURE when a transfer of the span failed first) within
 * a bound, and the import stays aborted after the path is back.
 */
NODE_TEST(lost_link_mid_span_fails_close, 400)
{
	uint64_t x = 0x1234;
	uint8_t b = 1;
	double t;
	int ret;

	if (self->me == EXPORTER)
		export_as(_metadata, self, 4 * 4096, SEG_LINK, 0, NULL, 0);
	STEP("link.published");
	if (self->me != EXPORTER) {
		import_k(_metadata, self, 0, SEG_LINK);
		ASSERT_EQ(0, rsm_memseg_import_set_mode(self->im[0],
							RSM_BARRIER_MODE_EXPLICIT));
		ASSERT_EQ(0, rsm_memseg_import_open_barrier(&self->bar[0]));
		EXPECT_EQ(0, rsm_memseg_import_put64(self->im[0], 8 * self->me, &x, 1));
	}
	STEP("link.opened");
	if (self->me == EXPORTER) {
		self->link_down = true;
		ASSERT_EQ(0, rsmt_sh("ip link set eth0 down"));
	}
	STEP("link.down");
	if (self->me == EXPORTER) {
		EXPECT_EQ(0, rsmt_step("link.closed", STEP_S + CLOSE_S + LINK_DETECT_S));
		ASSERT_EQ(0, rsmt_sh("ip link set eth0 up"));
		self->link_down = false;
	} else {
		/* a put posted into the dead path; then the close */
		ret = rsm_memseg_import_put64(self->im[0], 4096 + 8 * self->me, &x, 1);
		EXPECT_TRUE(ret == 0 || ret == RSMERR_CONN_ABORTED)
			TH_LOG("put64 on the lost path gave %d", ret);
		t = rsmt_time();
		ret = rsm_memseg_import_close_barrier(&self->bar[0]);
		t = rsmt_time() - t;
		TH_LOG("close on the lost path gave %d after %.2f s", ret, t);
		EXPECT_TRUE(ret == RSMERR_CONN_ABORTED || ret == RSMERR_BARRIER_FAILURE);
		EXPECT_GE(CLOSE_S, t) TH_LOG("close took %.2f s", t);
		/* the module notices the loss: the import is aborted for good */
		t = rsmt_time();
		do {
			ret = rsm_memseg_import_set_mode(self->im[0], RSM_BARRIER_MODE_IMPLICIT);
			ret = ret ? ret : rsm_memseg_import_put8(self->im[0], 0, &b, 1);
			if (ret)
				break;
			usleep(100 * 1000);
		} while (rsmt_time() < t + 4 * LINK_DETECT_S);
		EXPECT_EQ(RSMERR_CONN_ABORTED, ret);
		EXPECT_EQ(0, rsmt_step("link.closed", STEP_S));
	}
	EXPECT_EQ(0, rsmt_wait_all_active(STEP_S));
	STEP("link.up");
	if (self->me != EXPORTER) {
		EXPECT_EQ(RSMERR_CONN_ABORTED, rsm_memseg_import_put8(self->im[0], 0, &b, 1));
		ret = rsm_memseg_import_open_barrier(&self->bar[0]);
		EXPECT_TRUE(ret == 0 || ret == RSMERR_BARRIER_OPEN_FAILED)
			TH_LOG("open after the abort gave %d", ret);
		if (!ret) {
			EXPECT_EQ(RSMERR_CONN_ABORTED,
				  rsm_memseg_import_close_barrier(&self->bar[0]));
		}
		disconnect_k(_metadata, self, 0);
	}
	STEP("link.end");
}

/*
 * Order barrier: each importer writes data then a flag, order_barrier
 * between them, ORDER_ROUNDS times in a row in explicit mode, into its own
 * region (node k: region k - 2).  The exporter polls every region's flag
 * in its own memory the whole time: whenever it sees flag f, every data
 * byte must be from round f or later.  Data bytes hold the round number
 * (rounds stay below 256, so a byte cannot tear); the region's first page
 * carries data after the flag too, so ordering within a page counts.
 */
#define REGION		(4 * 4096)
#define FLAG_DATA	64	/* data starts here, in the flag's page */
#define ORDER_ROUNDS	200
#define WATCH_S		180

struct order_watch {
	unsigned long looks, bad, seen;	/* flags seen between 0 and last */
	long bad_off;
	unsigned int bad_flag, bad_byte;
};

/* Exporter: watch regions 0 .. @nreg - 1 until every flag is final. */
static void watch_regions(FIXTURE_DATA(node) *self, unsigned int nreg,
			  struct order_watch *w)
{
	volatile unsigned char *m = (volatile unsigned char *)self->buf;
	double end = rsmt_time() + WATCH_S;
	unsigned int r, done;
	uint64_t f;
	size_t i;

	memset(w, 0, sizeof(*w));
	do {
		for (r = 0, done = 0; r < nreg; r++) {
			volatile unsigned char *reg = m + r * REGION;

			f = __atomic_load_n((volatile uint64_t *)reg, __ATOMIC_ACQUIRE);
			if (f == ORDER_ROUNDS)
				done++;
			if (!f)
				continue;
			w->looks++;
			if (f < ORDER_ROUNDS)
				w->seen++;
			for (i = FLAG_DATA; i < REGION; i++) {
				if (reg[i] >= f)
					continue;
				if (!w->bad++) {
					w->bad_off = r * REGION + i;
					w->bad_flag = f;
					w->bad_byte = reg[i];
				}
				break;
			}
		}
	} while (done < nreg && rsmt_time() < end);
}

static void order_writer(struct __test_metadata *_metadata,
			 FIXTURE_DATA(node) *self, bool mapped)
{
	const size_t base = (self->me - 2) * REGION;
	volatile unsigned char *a = NULL;
	char *data = malloc(REGION);
	uint64_t r;

	ASSERT_NE(NULL, data);
	if (mapped) {
		ASSERT_EQ(0, rsm_memseg_import_map(self->im[0], (void **)&a, RSM_MAP_NONE,
						   RSM_PERM_RDWR, base, REGION));
	} else {
		ASSERT_EQ(0, rsm_memseg_import_set_mode(self->im[0],
							RSM_BARRIER_MODE_EXPLICIT));
	}
	for (r = 1; r <= ORDER_ROUNDS; r++) {
		ASSERT_EQ(0, rsm_memseg_import_open_barrier(&self->bar[0]));
		if (mapped) {
			memset((void *)(a + FLAG_DATA), r, REGION - FLAG_DATA);
		} else {
			memset(data, r, REGION);
			ASSERT_EQ(0, rsm_memseg_import_put(self->im[0], base + FLAG_DATA,
							   data, REGION - FLAG_DATA));
		}
		ASSERT_EQ(0, rsm_memseg_import_order_barrier(&self->bar[0]));
		if (mapped) {
			__atomic_store_n((volatile uint64_t *)a, r, __ATOMIC_RELEASE);
		} else {
			ASSERT_EQ(0, rsm_memseg_import_put64(self->im[0], base, &r, 1));
		}
		ASSERT_EQ(0, rsm_memseg_import_close_barrier(&self->bar[0]))
			TH_LOG("round %llu", (unsigned long long)r);
	}
	free(data);
	if (mapped) {
		EXPECT_EQ(0, rsm_memseg_import_unmap(self->im[0]));
	}
}

static void order_test(struct __test_metadata *_metadata,
		       FIXTURE_DATA(node) *self, rsm_memseg_id_t id, bool mapped)
{
	const unsigned int nreg = self->n - 1;
	struct order_watch w;
	size_t i;

	if (self->me == EXPORTER)
		export_as(_metadata, self, nreg * REGION, id, 0, NULL, 0);
	STEP("order.published");
	if (self->me != EXPORTER)
		import_k(_metadata, self, 0, id);
	STEP("order.connected");
	if (self->me == EXPORTER) {
		watch_regions(self, nreg, &w);
		TH_LOG("%lu looks at a flag, %lu of them before the last round",
		       w.looks, w.seen);
		EXPECT_EQ(0, w.bad) TH_LOG("flag %u seen with data byte %u at %ld",
					   w.bad_flag, w.bad_byte, w.bad_off);
		/* the watch ran while the writers wrote */
		EXPECT_LT(0, w.seen);
		for (i = 0; i < nreg * REGION; i++)
			if (i % REGION >= FLAG_DATA &&
			    (uint8_t)self->buf[i] != ORDER_ROUNDS)
				break;
		EXPECT_EQ(nreg * REGION, i) TH_LOG("final data wrong at %zu", i);
	} else {
		order_writer(_metadata, self, mapped);
	}
	STEP("order.end");
	if (self->im[0])
		disconnect_k(_metadata, self, 0);
	STEP("order.disconnected");
}

NODE_TEST(order_barrier_keeps_put_data_ahead_of_the_flag, 600)
{
	order_test(_metadata, self, SEG_ORDER, false);
}

NODE_TEST(order_barrier_keeps_mapped_data_ahead_of_the_flag, 600)
{
	order_test(_metadata, self, SEG_ORDERMAP, true);
}

TEST_HARNESS_MAIN
