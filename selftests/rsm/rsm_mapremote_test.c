// SPDX-License-Identifier: GPL-2.0-only
/*
 * Import mappings across nodes, on every node of a cluster of 2 or 3 at
 * once (spec 3.10, 3.11, 3.15; DESIGN decision 10).  Across nodes the
 * module serves a mapping from local pages: release consistency at
 * barrier boundaries.  Stores reach the exporter at close_barrier (also
 * order_barrier, msync(MS_SYNC) and unmap) and only the bytes a node
 * changed travel; an open barrier makes later loads see fresh data.
 *
 * Node 1 exports; the other nodes import (node 1 too, from itself, where
 * a test says so).  Mapped accesses after a forced disconnect must not
 * fault; rsm_guard.h turns a fault into a test failure instead of a crash.
 */
#include <errno.h>
#include <poll.h>
#include <sys/wait.h>

#include "rsm_node_fixture.h"
#include "rsm_guard.h"

#define SEG_HAND	0x4b0101
#define SEG_SHARE	0x4b0102
#define SEG_FIXED	0x4b0103
#define SEG_REBIND	0x4b0104
#define SEG_MSYNC	0x4b0105
#define SEG_UNMAP	0x4b0106
#define SEG_RDONLY	0x4b0107
#define SEG_UNPUB	0x4b0108
#define SEG_FORK	0x4b0109
#define SEG_LARGE	0x4b010a
#define SEG_REVOKE	0x4b010b
#define POLL_S		60	/* a consumer sees the flag within this */

static size_t pg(void)
{
	return sysconf(_SC_PAGESIZE);
}

/* Map import @k read/write (@perm) as [@off, @off + @len) at *@a. */
static int map_k(FIXTURE_DATA(node) *self, unsigned int k, rsm_permission_t perm,
		 off_t off, size_t len, void *a)
{
	return rsm_memseg_import_map(self->im[k], (void **)a, RSM_MAP_NONE, perm,
				     off, len);
}

static uint64_t load_flag(volatile void *p)
{
	return __atomic_load_n((volatile uint64_t *)p, __ATOMIC_ACQUIRE);
}

static void store_flag(volatile void *p, uint64_t v)
{
	__atomic_store_n((volatile uint64_t *)p, v, __ATOMIC_RELEASE);
}

static bool is_mapped(void *p, size_t len)
{
	return msync(p, len, MS_ASYNC) == 0 || errno != ENOMEM;
}

/*
 * The classic RSMAPI handshake through mappings: the producer writes data,
 * orders it (order_barrier, or close and open) before a flag, writes the
 * flag and closes; the consumer polls the flag inside open/close spans and
 * then reads the data, which must be this round's, byte for byte.  Every
 * node maps the segment (node 1 from itself); each round has another
 * producer and consumer, so every node produces and consumes across nodes.
 */
#define HAND_PAGES	8
#define HAND_DATA	64	/* data from here on; the flag is at 0 */
#define HAND_ROUNDS	6

NODE_TEST(mapped_flag_then_data_handshake_crosses_nodes, 600)
{
	const size_t len = HAND_PAGES * pg(), dlen = len - HAND_DATA;
	unsigned int r, producer, consumer;
	char name[64], *check;
	volatile char *a = NULL;
	uint64_t f = 0;
	double end;
	long bad;

	check = malloc(dlen);
	ASSERT_NE(NULL, check);
	if (self->me == EXPORTER)
		export_as(_metadata, self, len, SEG_HAND, 0, NULL, 0);
	STEP("hand.published");
	import_k(_metadata, self, 0, SEG_HAND);
	ASSERT_EQ(0, map_k(self, 0, RSM_PERM_RDWR, 0, len, &a));
	STEP("hand.mapped");
	for (r = 1; r <= HAND_ROUNDS; r++) {
		producer = 1 + r % self->n;
		consumer = 1 + (r + 1) % self->n;
		if (self->me == producer) {
			EXPECT_EQ(0, rsm_memseg_import_open_barrier(&self->bar[0]));
			rsmt_fill_pattern((void *)(a + HAND_DATA), dlen, HAND_DATA, 500 + r);
			if (r % 2) {
				EXPECT_EQ(0, rsm_memseg_import_order_barrier(&self->bar[0]));
			} else {
				EXPECT_EQ(0, rsm_memseg_import_close_barrier(&self->bar[0]));
				EXPECT_EQ(0, rsm_memseg_import_open_barrier(&self->bar[0]));
			}
			store_flag(a, r);
			EXPECT_EQ(0, rsm_memseg_import_close_barrier(&self->bar[0]))
				TH_LOG("round %u: producer's close", r);
		} else if (self->me == consumer) {
			end = rsmt_time() + POLL_S;
			do {
				ASSERT_EQ(0, rsm_memseg_import_open_barrier(&self->bar[0]));
				f = load_flag(a);
				ASSERT_EQ(0, rsm_memseg_import_close_barrier(&self->bar[0]));
				if (f != r)
					usleep(2000);
			} while (f != r && rsmt_time() < end);
			EXPECT_EQ(r, f) TH_LOG("round %u: node %u never saw the flag",
					       r, self->me);
			memcpy(check, (const void *)(a + HAND_DATA), dlen);
			bad = rsmt_check_pattern(check, dlen, HAND_DATA, 500 + r);
			EXPECT_EQ(-1, bad) TH_LOG("round %u: node %u -> %u, first bad byte at %ld",
						  r, producer, consumer, bad + HAND_DATA);
		}
		snprintf(name, sizeof(name), "hand.round%u", r);
		STEP(name);
	}
	free(check);
	if (self->me == EXPORTER) {
		EXPECT_EQ(HAND_ROUNDS, *(uint64_t *)self->buf);
		EXPECT_EQ(-1, rsmt_check_pattern(self->buf + HAND_DATA, dlen, HAND_DATA,
						 500 + HAND_ROUNDS));
	}
	EXPECT_EQ(0, rsm_memseg_import_unmap(self->im[0]));
	disconnect_k(_metadata, self, 0);
	STEP("hand.end");
}

/*
 * Two writers of different bytes of the same pages (nodes 2 and 3, or two
 * imports on node 2) and the exporter storing into its own memory between
 * their loads and their write-back: only the bytes each changed travel,
 * so every byte ends up as its writer left it.  Byte i belongs to the
 * exporter when i % 3 == 0, else to writer i % 3 - 1.
 */
#define SHARE_PAGES	2

static unsigned char share_owner_byte(size_t i)
{
	return i % 3 == 0 ? 0xE0 : 0xA0 + (i % 3 - 1);
}

static void check_shared_bytes(struct __test_metadata *_metadata,
			       const unsigned char *back, size_t len,
			       const char *who)
{
	size_t i, wrong = 0;

	for (i = 0; i < len; i++)
		if (back[i] != share_owner_byte(i) && wrong++ < 4)
			TH_LOG("%s on node %d: byte %zu is %#x, want %#x", who,
			       rsmt_node_id(), i, back[i], share_owner_byte(i));
	EXPECT_EQ(0, wrong) TH_LOG("%s: %zu bytes wrong", who, wrong);
}

NODE_TEST(false_sharing_writers_on_two_nodes_keep_both_byte_sets, 300)
{
	const size_t len = SHARE_PAGES * pg();
	volatile unsigned char *a[2] = { NULL, NULL };
	unsigned int w, nw, w0;
	unsigned char *back;
	size_t i;

	/* writer w0.. on this node: node 2 has both on two nodes */
	nw = self->n >= 3 ? 1 : 2;
	w0 = self->n >= 3 ? self->me - 2 : 0;
	if (self->me == EXPORTER)
		export_as(_metadata, self, len, SEG_SHARE, 0, NULL, 0);
	STEP("share.published");
	if (self->me == PUTTER || self->me == 3) {
		for (w = 0; w < nw; w++) {
			import_k(_metadata, self, w, SEG_SHARE);
			ASSERT_EQ(0, rsm_memseg_import_set_mode(self->im[w],
								RSM_BARRIER_MODE_EXPLICIT));
			ASSERT_EQ(0, map_k(self, w, RSM_PERM_RDWR, 0, len, &a[w]));
			ASSERT_EQ(0, rsm_memseg_import_open_barrier(&self->bar[w]));
			/* load every page first: each writer holds a copy */
			for (i = 0; i < len; i += pg())
				EXPECT_EQ(0, a[w][i + 1]);
		}
		for (w = 0; w < nw; w++)
			for (i = 0; i < len; i++)
				if (i % 3 == w0 + w + 1)
					a[w][i] = share_owner_byte(i);
	}
	STEP("share.written");
	if (self->me == EXPORTER)
		for (i = 0; i < len; i += 3)
			((volatile unsigned char *)self->buf)[i] = 0xE0;
	STEP("share.exporter_wrote");
	for (w = 0; (self->me == PUTTER || self->me == 3) && w < nw; w++) {
		EXPECT_EQ(0, rsm_memseg_import_close_barrier(&self->bar[w]))
			TH_LOG("writer %u", w0 + w);
	}
	STEP("share.closed");
	back = malloc(len);
	ASSERT_NE(NULL, back);
	if (self->me == EXPORTER) {
		memcpy(back, self->buf, len);
		check_shared_bytes(_metadata, back, len, "exporter");
	}
	for (w = 0; (self->me == PUTTER || self->me == 3) && w < nw; w++) {
		/* after an open barrier a writer sees the others' bytes too */
		EXPECT_EQ(0, rsm_memseg_import_open_barrier(&self->bar[w]));
		memcpy(back, (const void *)a[w], len);
		EXPECT_EQ(0, rsm_memseg_import_close_barrier(&self->bar[w]));
		check_shared_bytes(_metadata, back, len, "writer");
	}
	free(back);
	for (w = 0; w < nw; w++)
		if (self->im[w]) {
			EXPECT_EQ(0, rsm_memseg_import_unmap(self->im[w]));
			disconnect_k(_metadata, self, w);
		}
	STEP("share.end");
}

/* RSM_MAP_FIXED at a chosen page-aligned address, across nodes */
NODE_TEST(fixed_address_map_works_across_nodes, 300)
{
	const size_t P = pg(), len = 4 * P;
	char *hole = NULL, *want = NULL;
	void *a = NULL;
	int k;

	if (self->me == EXPORTER)
		export_as(_metadata, self, len, SEG_FIXED, 0, NULL, 0);
	STEP("fixed.published");
	if (self->me != EXPORTER) {
		hole = rsmt_free_range(8 * P);
		ASSERT_NE(NULL, hole);
		want = hole + 2 * P;
		a = want;
		import_k(_metadata, self, 0, SEG_FIXED);
		ASSERT_EQ(0, rsm_memseg_import_map(self->im[0], &a, RSM_MAP_FIXED,
						   RSM_PERM_RDWR, P, 2 * P));
		EXPECT_EQ(want, a);
		/* node k writes page k - 2 of the window [P, 3P) */
		EXPECT_EQ(0, rsm_memseg_import_open_barrier(&self->bar[0]));
		rsmt_fill_pattern(want + (self->me - 2) * P, P, (self->me - 1) * P, 67);
		EXPECT_EQ(0, rsm_memseg_import_close_barrier(&self->bar[0]));
	}
	STEP("fixed.written");
	if (self->me == EXPORTER) {
		for (k = 2; k <= self->n; k++) {
			EXPECT_EQ(-1, rsmt_check_pattern(self->buf + (k - 1) * P, P,
							 (k - 1) * P, 67)) TH_LOG("node %d", k);
		}
		rsmt_fill_pattern(self->buf, len, 0, 68);
	}
	STEP("fixed.refilled");
	if (self->me != EXPORTER) {
		EXPECT_EQ(0, rsm_memseg_import_open_barrier(&self->bar[0]));
		EXPECT_EQ(-1, rsmt_check_pattern(want, 2 * P, P, 68));
		EXPECT_EQ(0, rsm_memseg_import_close_barrier(&self->bar[0]));
		EXPECT_EQ(0, rsm_memseg_import_unmap(self->im[0]));
		EXPECT_FALSE(is_mapped(want, 2 * P));
		disconnect_k(_metadata, self, 0);
	}
	STEP("fixed.end");
}

/*
 * Rebind under a mapping: stores made before the rebind and closed after
 * it do not reach the new memory (nor the old), and their close reports
 * RSMERR_BARRIER_FAILURE; after an open barrier the mapping reads the new
 * pages, whether the importer kept its mapping or mapped again; stores
 * after the rebind land in the new pages.
 */
NODE_TEST(rebind_under_a_mapping_moves_it_and_fails_stores_of_the_old_epoch, 300)
{
	const size_t P = pg(), len = 4 * P;
	volatile char *a = NULL;
	bool remap;
	int k;

	if (self->me == EXPORTER) {
		export_as(_metadata, self, len, SEG_REBIND, RSM_ALLOW_REBIND, NULL, 0);
		rsmt_fill_pattern(self->buf, len, 0, 41);
		self->lbuflen = len;
		self->lbuf = node_map(len);
		ASSERT_NE(NULL, self->lbuf);
		rsmt_fill_pattern(self->lbuf, len, 0, 42);
	}
	STEP("rebind.published");
	if (self->me != EXPORTER) {
		import_k(_metadata, self, 0, SEG_REBIND);
		ASSERT_EQ(0, map_k(self, 0, RSM_PERM_RDWR, 0, len, &a));
		EXPECT_EQ(0, rsm_memseg_import_open_barrier(&self->bar[0]));
		EXPECT_EQ(-1, rsmt_check_pattern((const void *)a, len, 0, 41));
		EXPECT_EQ(0, rsm_memseg_import_close_barrier(&self->bar[0]));
		/* stores of the old epoch, still open at the rebind */
		EXPECT_EQ(0, rsm_memseg_import_open_barrier(&self->bar[0]));
		memset((void *)(a + P + 10 * self->me), 0x5A, 100);
		memset((void *)(a + 3 * P + 200 * self->me), 0x5B, 7);
	}
	STEP("rebind.stored");
	if (self->me == EXPORTER) {
		char *old = self->buf;

		ASSERT_EQ(0, rsm_memseg_export_rebind(self->e, self->lbuf, 0, len));
		self->buf = self->lbuf;
		self->lbuf = old;
	}
	STEP("rebind.rebound");
	if (self->me != EXPORTER)
		EXPECT_EQ(RSMERR_BARRIER_FAILURE,
			  rsm_memseg_import_close_barrier(&self->bar[0]));
	STEP("rebind.closed");
	if (self->me == EXPORTER) {
		EXPECT_EQ(-1, rsmt_check_pattern(self->buf, len, 0, 42))
			TH_LOG("old-epoch stores reached the new memory");
		EXPECT_EQ(-1, rsmt_check_pattern(self->lbuf, len, 0, 41))
			TH_LOG("old-epoch stores reached the old memory");
	}
	STEP("rebind.checked");
	if (self->me != EXPORTER) {
		/* node 2 keeps its mapping first; node 3, or node 2 again, maps anew */
		for (remap = self->me != PUTTER; ; remap = true) {
			if (remap) {
				EXPECT_EQ(0, rsm_memseg_import_unmap(self->im[0]));
				a = NULL;
				ASSERT_EQ(0, map_k(self, 0, RSM_PERM_RDWR, 0, len, &a));
			}
			EXPECT_EQ(0, rsm_memseg_import_open_barrier(&self->bar[0]));
			EXPECT_EQ(-1, rsmt_check_pattern((const void *)a, len, 0, 42))
				TH_LOG("node %d, %s", self->me, remap ? "mapped again" : "kept");
			EXPECT_EQ(0, rsm_memseg_import_close_barrier(&self->bar[0]));
			if (remap || self->n >= 3)
				break;
		}
	}
	STEP("rebind.reread");
	if (self->me != EXPORTER) {
		/* stores of the new epoch land in the new pages */
		EXPECT_EQ(0, rsm_memseg_import_open_barrier(&self->bar[0]));
		rsmt_fill_pattern((void *)(a + (self->me - 2) * P), P, (self->me - 2) * P, 43);
		EXPECT_EQ(0, rsm_memseg_import_close_barrier(&self->bar[0]));
	}
	STEP("rebind.written");
	if (self->me == EXPORTER) {
		for (k = 2; k <= self->n; k++) {
			EXPECT_EQ(-1, rsmt_check_pattern(self->buf + (k - 2) * P, P,
							 (k - 2) * P, 43)) TH_LOG("node %d", k);
		}
		EXPECT_EQ(-1, rsmt_check_pattern(self->buf + 3 * P, P, 3 * P, 42));
		EXPECT_EQ(-1, rsmt_check_pattern(self->lbuf, len, 0, 41));
	}
	if (self->im[0]) {
		EXPECT_EQ(0, rsm_memseg_import_unmap(self->im[0]));
		disconnect_k(_metadata, self, 0);
	}
	STEP("rebind.end");
}

/*
 * Write-back without a barrier: msync(MS_SYNC) on the mapping, or
 * rsm_memseg_import_unmap(), sends the stores.  Node k writes bytes
 * [16, P - 16) of page k - 2 (the page's first and last 16 bytes stay).
 */
static void writeback_test(struct __test_metadata *_metadata,
			   FIXTURE_DATA(node) *self, rsm_memseg_id_t id,
			   bool by_msync)
{
	const size_t P = pg(), len = 4 * P;
	unsigned int seed = by_msync ? 71 : 72;
	char *a = NULL;
	int k;

	if (self->me == EXPORTER) {
		export_as(_metadata, self, len, id, 0, NULL, 0);
		memset(self->buf, 0xCC, len);
	}
	STEP("wb.published");
	if (self->me != EXPORTER) {
		import_k(_metadata, self, 0, id);
		ASSERT_EQ(0, map_k(self, 0, RSM_PERM_RDWR, 0, len, &a));
		rsmt_fill_pattern(a + (self->me - 2) * P + 16, P - 32,
				  (self->me - 2) * P + 16, seed);
		if (by_msync) {
			EXPECT_EQ(0, msync(a, len, MS_SYNC)) TH_LOG("errno %d", errno);
		} else {
			EXPECT_EQ(0, rsm_memseg_import_unmap(self->im[0]));
		}
	}
	STEP("wb.synced");
	if (self->me == EXPORTER) {
		for (k = 2; k <= self->n; k++) {
			char *pgp = self->buf + (k - 2) * P;

			EXPECT_EQ(-1, rsmt_check_pattern(pgp + 16, P - 32, (k - 2) * P + 16,
							 seed)) TH_LOG("node %d", k);
			EXPECT_EQ(0xCC, (uint8_t)pgp[15]);
			EXPECT_EQ(0xCC, (uint8_t)pgp[P - 16]);
		}
		EXPECT_EQ(0xCC, (uint8_t)self->buf[len - 1]);
	}
	STEP("wb.checked");
	if (self->im[0]) {
		if (by_msync)
			EXPECT_EQ(0, rsm_memseg_import_unmap(self->im[0]));
		disconnect_k(_metadata, self, 0);
	}
	STEP("wb.end");
}

NODE_TEST(msync_ms_sync_writes_mapped_stores_back, 300)
{
	writeback_test(_metadata, self, SEG_MSYNC, true);
}

NODE_TEST(unmap_writes_mapped_stores_back, 300)
{
	writeback_test(_metadata, self, SEG_UNMAP, false);
}

/* Spec check 73 and A2 across nodes: loads work, a store faults */
NODE_TEST(read_only_connection_maps_read_only_across_nodes, 300)
{
	const size_t P = pg(), len = 2 * P;
	void *a = NULL;
	char *back;

	if (self->me == EXPORTER) {
		export_as(_metadata, self, len, SEG_RDONLY, 0, NULL, 0);
		rsmt_fill_pattern(self->buf, len, 0, 73);
	}
	STEP("rdonly.published");
	if (self->me != EXPORTER) {
		back = malloc(len);
		ASSERT_NE(NULL, back);
		ASSERT_EQ(0, rsm_memseg_import_connect(self->ctl, EXPORTER, SEG_RDONLY,
						       RSM_PERM_READ, &self->im[0]));
		ASSERT_EQ(0, rsm_memseg_import_init_barrier(self->im[0], RSM_BARRIER_SEGMENT,
							    &self->bar[0]));
		EXPECT_EQ(RSMERR_BAD_PERMS, map_k(self, 0, RSM_PERM_RDWR, 0, len, &a));
		ASSERT_EQ(0, map_k(self, 0, RSM_PERM_READ, 0, len, &a));
		EXPECT_EQ(0, rsm_memseg_import_open_barrier(&self->bar[0]));
		EXPECT_EQ(0, rsmt_guarded_copy(back, a, len));
		EXPECT_EQ(-1, rsmt_check_pattern(back, len, 0, 73));
		EXPECT_EQ(SIGSEGV, rsmt_guarded_set((char *)a + P + 5, 0, 1));
		EXPECT_EQ(0, rsm_memseg_import_close_barrier(&self->bar[0]));
		EXPECT_EQ(0, rsm_memseg_import_unmap(self->im[0]));
		free(back);
	}
	STEP("rdonly.stored");
	if (self->me == EXPORTER)
		EXPECT_EQ(-1, rsmt_check_pattern(self->buf, len, 0, 73));
	if (self->im[0])
		disconnect_k(_metadata, self, 0);
	STEP("rdonly.end");
}

/*
 * Spec 3.9 and check 88 across nodes: after unpublish a mapping's loads
 * and stores do not fault, the open span's close reports
 * RSMERR_CONN_ABORTED, and nothing reaches the exporter: neither stores
 * made before the unpublish nor those made after.
 */
NODE_TEST(mapped_access_after_unpublish_does_not_fault_or_reach_the_exporter, 300)
{
	const size_t P = pg(), len = 4 * P;
	volatile char *a = NULL;
	unsigned char c;
	uint8_t b = 0;
	size_t off;
	void *again = NULL;

	if (self->me == EXPORTER) {
		export_as(_metadata, self, len, SEG_UNPUB, 0, NULL, 0);
		rsmt_fill_pattern(self->buf, len, 0, 88);
	}
	STEP("unpub.published");
	if (self->me != EXPORTER) {
		import_k(_metadata, self, 0, SEG_UNPUB);
		ASSERT_EQ(0, map_k(self, 0, RSM_PERM_RDWR, 0, len, &a));
		ASSERT_EQ(0, rsm_memseg_import_open_barrier(&self->bar[0]));
		EXPECT_EQ(-1, rsmt_check_pattern((const void *)a, len, 0, 88));
		/* dirty two of the pages; they are not written back yet */
		memset((void *)(a + 10 * self->me), 0x11, 10);
		memset((void *)(a + 2 * P + 10 * self->me), 0x22, 10);
	}
	STEP("unpub.touched");
	if (self->me == EXPORTER)
		ASSERT_EQ(0, rsm_memseg_export_unpublish(self->e));
	STEP("unpub.unpublished");
	if (self->me != EXPORTER) {
		for (off = 0; off < len; off += P) {
			EXPECT_EQ(0, rsmt_guarded_load((const void *)(a + off + 3), &c))
				TH_LOG("load at %zu", off);
			EXPECT_EQ(0, rsmt_guarded_set((void *)(a + off + 100), 0x33, 64))
				TH_LOG("store at %zu", off);
		}
		EXPECT_EQ(RSMERR_CONN_ABORTED, rsm_memseg_import_close_barrier(&self->bar[0]));
		EXPECT_EQ(RSMERR_CONN_ABORTED, rsm_memseg_import_get8(self->im[0], 0, &b, 1));
		EXPECT_EQ(0, rsm_memseg_import_unmap(self->im[0]));
		EXPECT_EQ(RSMERR_CONN_ABORTED, map_k(self, 0, RSM_PERM_RDWR, 0, P, &again));
	}
	STEP("unpub.stored");
	if (self->me == EXPORTER) {
		EXPECT_EQ(-1, rsmt_check_pattern(self->buf, len, 0, 88))
			TH_LOG("a store reached the exporter after unpublish");
	}
	if (self->im[0])
		disconnect_k(_metadata, self, 0);
	STEP("unpub.end");
}

/*
 * Process life around a remote mapping (DESIGN decision 12, spec 1.7): a
 * child forked while the parent holds a dirty mapping inside an open span
 * touches the mapping and exits, and a second process that maps the
 * segment, stores into it and is killed with SIGKILL in the middle of its
 * span.  Neither disturbs the parent's span or data, and every count on
 * both nodes (imports, importers, registrations, pinned and mapped pages)
 * returns to where it was.  What the child's stores do is not checked:
 * whether a forked child shares the mapping is the kernel's choice.
 */
static pid_t dirty_mapper(FIXTURE_DATA(node) *self, size_t len)
{
	int ready[2], status;
	pid_t pid;

	if (pipe(ready))
		return -1;
	pid = fork();
	if (pid == 0) {
		rsm_memseg_import_handle_t im;
		rsmapi_barrier_t bar;
		char *a = NULL;

		memset(&bar, 0, sizeof(bar));
		if (rsm_memseg_import_connect(self->ctl, EXPORTER, SEG_FORK,
					      RSM_PERM_RDWR, &im) ||
		    rsm_memseg_import_init_barrier(im, RSM_BARRIER_SEGMENT, &bar) ||
		    rsm_memseg_import_map(im, (void **)&a, RSM_MAP_NONE, RSM_PERM_RDWR,
					  0, len) ||
		    rsm_memseg_import_open_barrier(&bar))
			_exit(1);
		memset(a + 3 * pg() + 512, 0x6B, 512);
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(ready[1]);
	if (pid > 0) {
		struct pollfd p = { .fd = ready[0], .events = POLLIN };
		char c;

		if (poll(&p, 1, STEP_S * 1000) == 1 && read(ready[0], &c, 1) == 1) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			pid = 0;
		} else {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			pid = -1;
		}
	}
	close(ready[0]);
	return pid;
}

NODE_TEST(forked_and_killed_processes_with_remote_mappings_leave_no_trace, 300)
{
	const size_t P = pg(), len = 4 * P;
	unsigned char c;
	int status, k;
	char *a = NULL;
	pid_t pid;

	if (self->me == EXPORTER) {
		export_as(_metadata, self, len, SEG_FORK, 0, NULL, 0);
		rsmt_fill_pattern(self->buf, len, 0, 90);
	}
	STEP("fork.published");
	if (self->me != EXPORTER) {
		import_k(_metadata, self, 0, SEG_FORK);
		ASSERT_EQ(0, map_k(self, 0, RSM_PERM_RDWR, 0, len, &a));
		ASSERT_EQ(0, rsm_memseg_import_open_barrier(&self->bar[0]));
		EXPECT_EQ(-1, rsmt_check_pattern(a, P, 0, 90));
		/* node k's bytes in page 1 */
		memset(a + P + 64 * self->me, self->me, 64);
		pid = fork();
		ASSERT_LE(0, pid);
		if (pid == 0) {
			/* fault-free or SIGSEGV, both allowed; never a hang */
			rsmt_guarded_load(a + 2 * P + 7, &c);
			rsmt_guarded_set(a + 2 * P + 8, 0x55, 8);
			_exit(0);
		}
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_TRUE(WIFEXITED(status)) TH_LOG("child status %#x", status);
		/* a process killed inside its own mapped span */
		EXPECT_EQ(0, dirty_mapper(self, len));
		EXPECT_EQ(0, rsm_memseg_import_close_barrier(&self->bar[0]));
		EXPECT_EQ(0, rsm_memseg_import_unmap(self->im[0]));
		disconnect_k(_metadata, self, 0);
	}
	STEP("fork.closed");
	if (self->me == EXPORTER) {
		for (k = 2; k <= self->n; k++) {
			char want[64];

			memset(want, k, 64);
			EXPECT_EQ(0, memcmp(self->buf + P + 64 * k, want, 64))
				TH_LOG("node %d's bytes", k);
		}
		EXPECT_EQ(-1, rsmt_check_pattern(self->buf, P, 0, 90));
		EXPECT_EQ(-1, rsmt_check_pattern(self->buf + P + 64 * (self->n + 1),
						 P - 64 * (self->n + 1),
						 P + 64 * (self->n + 1), 90));
	}
	STEP("fork.end");
}

/* A 4 MiB mapping across nodes: every page out and back, byte for byte */
#define LARGE_LEN	(4 * 1024 * 1024)

NODE_TEST(large_mapping_moves_every_page_both_ways, 600)
{
	char *a = NULL;
	double t;

	if (self->me == EXPORTER)
		export_as(_metadata, self, LARGE_LEN, SEG_LARGE, 0, NULL, 0);
	STEP("large.published");
	if (self->me == PUTTER) {
		import_k(_metadata, self, 0, SEG_LARGE);
		ASSERT_EQ(0, map_k(self, 0, RSM_PERM_RDWR, 0, LARGE_LEN, &a));
		t = rsmt_time();
		EXPECT_EQ(0, rsm_memseg_import_open_barrier(&self->bar[0]));
		rsmt_fill_pattern(a, LARGE_LEN, 0, 95);
		EXPECT_EQ(0, rsm_memseg_import_close_barrier(&self->bar[0]));
		TH_LOG("4 MiB stored and written back in %.2f s", rsmt_time() - t);
	}
	STEP("large.written");
	if (self->me == EXPORTER) {
		EXPECT_EQ(-1, rsmt_check_pattern(self->buf, LARGE_LEN, 0, 95));
		rsmt_fill_pattern(self->buf, LARGE_LEN, 0, 96);
	}
	STEP("large.refilled");
	if (self->me == PUTTER) {
		t = rsmt_time();
		EXPECT_EQ(0, rsm_memseg_import_open_barrier(&self->bar[0]));
		EXPECT_EQ(-1, rsmt_check_pattern(a, LARGE_LEN, 0, 96));
		EXPECT_EQ(0, rsm_memseg_import_close_barrier(&self->bar[0]));
		TH_LOG("4 MiB read in %.2f s", rsmt_time() - t);
		EXPECT_EQ(0, rsm_memseg_import_unmap(self->im[0]));
		disconnect_k(_metadata, self, 0);
	}
	STEP("large.end");
}

/*
 * DESIGN decision 6 with mappings: importers store through their mappings
 * and close their spans in a loop (each close writes back) while the
 * exporter unpublishes.  Once unpublish has returned the exporter's memory
 * does not change any more, the loop ends with a failed close, accesses
 * through the mapping never fault, and the import stays aborted.
 */
#define REVOKE_PAGES	64
#define REVOKE_QUIET_S	3
#define REVOKE_LOOP_S	60

NODE_TEST(unpublish_revokes_importers_writing_through_mappings, 300)
{
	const size_t P = pg(), len = REVOKE_PAGES * P;
	unsigned long spans = 0;
	char *a = NULL, *snap;
	int ret = 0, sig = 0;
	double end;

	if (self->me == EXPORTER)
		export_as(_metadata, self, len, SEG_REVOKE, 0, NULL, 0);
	STEP("mrevoke.published");
	if (self->me != EXPORTER) {
		import_k(_metadata, self, 0, SEG_REVOKE);
		ASSERT_EQ(0, map_k(self, 0, RSM_PERM_RDWR, 0, len, &a));
	}
	STEP("mrevoke.mapped");
	if (self->me == EXPORTER) {
		snap = malloc(len);
		ASSERT_NE(NULL, snap);
		sleep(2);	/* let the importers get going */
		ASSERT_EQ(0, rsm_memseg_export_unpublish(self->e));
		memcpy(snap, self->buf, len);
		EXPECT_NE(0, snap[64 * 2] | snap[P + 64 * 2])
			TH_LOG("no write-back before the unpublish");
		end = rsmt_time() + REVOKE_QUIET_S;
		while (rsmt_time() < end && !memcmp(snap, self->buf, len))
			usleep(20 * 1000);
		EXPECT_EQ(0, memcmp(snap, self->buf, len))
			TH_LOG("segment memory changed after unpublish returned");
		free(snap);
	} else {
		end = rsmt_time() + REVOKE_LOOP_S;
		for (spans = 0; rsmt_time() < end; spans++) {
			char *pgp = a + (spans % REVOKE_PAGES) * P;

			ret = rsm_memseg_import_open_barrier(&self->bar[0]);
			if (ret)
				break;
			sig = rsmt_guarded_set(pgp + 64 * self->me, 1 + spans % 255, 64);
			if (sig)
				break;
			ret = rsm_memseg_import_close_barrier(&self->bar[0]);
			if (ret)
				break;
		}
		TH_LOG("%lu spans closed before the revocation; it ended with %d", spans, ret);
		EXPECT_EQ(0, sig) TH_LOG("a store through the mapping faulted");
		EXPECT_TRUE(ret == RSMERR_CONN_ABORTED || ret == RSMERR_BARRIER_FAILURE ||
			    ret == RSMERR_BARRIER_OPEN_FAILED);
		EXPECT_LT(0, spans);
		/* the state is final */
		ret = rsm_memseg_import_open_barrier(&self->bar[0]);
		if (!ret) {
			EXPECT_EQ(0, rsmt_guarded_set(a, 0x44, 16));
			EXPECT_EQ(RSMERR_CONN_ABORTED,
				  rsm_memseg_import_close_barrier(&self->bar[0]));
		} else {
			EXPECT_EQ(RSMERR_BARRIER_OPEN_FAILED, ret);
		}
		EXPECT_EQ(0, rsm_memseg_import_unmap(self->im[0]));
	}
	STEP("mrevoke.revoked");
	if (self->im[0])
		disconnect_k(_metadata, self, 0);
	STEP("mrevoke.end");
}

TEST_HARNESS_MAIN
