// SPDX-License-Identifier: GPL-2.0-only
/*
 * Import mappings on one node (spec 1.9, 3.10, checks 50, 62, 64-76 and
 * the mapping part of 88), through the loopback controller and through
 * rxe0 importing from the local node.  On the exporter's own node a
 * mapping is the exporter's very pages (DESIGN decision 10): stores on
 * either side show on the other at once, without a barrier.  Mappings
 * across nodes are in rsm_mapremote_test.c.
 */
#include <errno.h>

#include "rsm_import_fixture.h"
#include "rsm_guard.h"

/* Whether [@p, @p + @len) is mapped at all in this process. */
static bool is_mapped(void *p, size_t len)
{
	return msync(p, len, MS_ASYNC) == 0 || errno != ENOMEM;
}

/* Spec check 50 */
IMPORT_TEST(connected_size_is_the_exporter_length)
{
	void *a = NULL, *b = NULL;

	setup_i(_metadata, self, 0);
	ASSERT_EQ(0, connect_perm(self, RSM_PERM_RDWR, &self->i2));
	EXPECT_EQ(0, rsm_memseg_import_map(self->i, &a, RSM_MAP_NONE, RSM_PERM_RDWR,
					   0, self->len));
	EXPECT_NE(NULL, a);
	EXPECT_EQ(RSMERR_BAD_LENGTH, rsm_memseg_import_map(self->i2, &b, RSM_MAP_NONE,
							   RSM_PERM_RDWR, 0,
							   self->len + self->P));
	/* the failed map left i2 connected, not mapped */
	EXPECT_EQ(RSMERR_SEG_NOT_MAPPED, rsm_memseg_import_unmap(self->i2));
	EXPECT_EQ(0, rsm_memseg_import_unmap(self->i));
}

/* Spec check 62 */
IMPORT_TEST(explicit_map_window_restricts_put_and_get)
{
	uint8_t b = 0;
	void *a = NULL;

	setup_i(_metadata, self, 0);
	self->buf[self->P] = 0x62;
	ASSERT_EQ(0, rsm_memseg_import_map(self->i, &a, RSM_MAP_NONE, RSM_PERM_RDWR,
					   self->P, self->P));
	EXPECT_EQ(RSMERR_BAD_OFFSET, rsm_memseg_import_get8(self->i, 0, &b, 1));
	EXPECT_EQ(0, rsm_memseg_import_get8(self->i, self->P, &b, 1));
	EXPECT_EQ(0x62, b);
	EXPECT_EQ(RSMERR_BAD_OFFSET, rsm_memseg_import_get8(self->i, 2 * self->P, &b, 1));
	EXPECT_EQ(RSMERR_BAD_OFFSET, rsm_memseg_import_put8(self->i, 2 * self->P, &b, 1));
	EXPECT_EQ(RSMERR_BAD_OFFSET, rsm_memseg_import_get(self->i, 2 * self->P - 1,
							   self->lbuf, 2));
	EXPECT_EQ(0, self->buf[2 * self->P]);
	EXPECT_EQ(0, rsm_memseg_import_unmap(self->i));
}

/* Spec check 64 */
IMPORT_TEST(map_of_zero_length_is_bad_length)
{
	void *a = NULL;

	setup_i(_metadata, self, 0);
	EXPECT_EQ(RSMERR_BAD_LENGTH, rsm_memseg_import_map(self->i, &a, RSM_MAP_NONE,
							   RSM_PERM_RDWR, 0, 0));
	EXPECT_EQ(RSMERR_SEG_NOT_MAPPED, rsm_memseg_import_unmap(self->i));
}

/* Spec check 65, and ranges that overflow or start before the segment */
IMPORT_TEST(map_beyond_the_segment_is_bad_length)
{
	void *a = NULL;

	setup_i(_metadata, self, 0);
	EXPECT_EQ(RSMERR_BAD_LENGTH, rsm_memseg_import_map(self->i, &a, RSM_MAP_NONE,
							   RSM_PERM_RDWR, self->P,
							   self->len));
	EXPECT_EQ(RSMERR_BAD_LENGTH, rsm_memseg_import_map(self->i, &a, RSM_MAP_NONE,
							   RSM_PERM_RDWR, self->len, self->P));
	EXPECT_EQ(RSMERR_BAD_LENGTH, rsm_memseg_import_map(self->i, &a, RSM_MAP_NONE,
							   RSM_PERM_RDWR, self->P,
							   (size_t)-self->P));
	EXPECT_EQ(RSMERR_BAD_LENGTH, rsm_memseg_import_map(self->i, &a, RSM_MAP_NONE,
							   RSM_PERM_RDWR, -(off_t)self->P,
							   self->P));
	EXPECT_EQ(RSMERR_SEG_NOT_MAPPED, rsm_memseg_import_unmap(self->i));
}

/* Spec check 66 and A8 */
IMPORT_TEST(misaligned_map_offset_is_bad_alignment_and_leaves_no_lock)
{
	void *a = NULL;

	setup_i(_metadata, self, 0);
	EXPECT_EQ(RSMERR_BAD_MEM_ALIGNMENT, rsm_memseg_import_map(self->i, &a,
				RSM_MAP_NONE, RSM_PERM_RDWR, 1, self->P));
	EXPECT_EQ(RSMERR_BAD_MEM_ALIGNMENT, rsm_memseg_import_map(self->i, &a,
				RSM_MAP_NONE, RSM_PERM_RDWR, self->P + 8, self->P));
	/* a lock left held would hang this call */
	EXPECT_EQ(0, rsm_memseg_import_map(self->i, &a, RSM_MAP_NONE, RSM_PERM_RDWR,
					   0, self->P));
	EXPECT_EQ(0, rsm_memseg_import_unmap(self->i));
}

/* Spec check 67 */
IMPORT_TEST(fixed_map_needs_an_aligned_address_and_maps_exactly_there)
{
	char *hole = rsmt_free_range(4 * self->P);
	void *a;

	ASSERT_NE(NULL, hole);
	setup_i(_metadata, self, 0);
	a = self->buf2 + 1;
	EXPECT_EQ(RSMERR_BAD_MEM_ALIGNMENT, rsm_memseg_import_map(self->i, &a,
				RSM_MAP_FIXED, RSM_PERM_RDWR, 0, self->P));
	/* the failed fixed map did not replace buf2's page */
	self->buf2[0] = 0x67;
	EXPECT_EQ(0x67, self->buf2[0]);
	a = hole + self->P;
	ASSERT_EQ(0, rsm_memseg_import_map(self->i, &a, RSM_MAP_FIXED, RSM_PERM_RDWR,
					   self->P, 2 * self->P));
	EXPECT_EQ(hole + self->P, a);
	self->buf[self->P + 3] = 0x3;
	EXPECT_EQ(0x3, ((volatile char *)a)[3]);
	EXPECT_EQ(0, rsm_memseg_import_unmap(self->i));
	EXPECT_FALSE(is_mapped(hole + self->P, 2 * self->P));
}

/* Spec check 68 and 3.10 step 4 */
IMPORT_TEST(map_permission_beyond_0600_is_bad_perms)
{
	void *a = NULL;

	setup_i(_metadata, self, 0);
	EXPECT_EQ(RSMERR_BAD_PERMS, rsm_memseg_import_map(self->i, &a, RSM_MAP_NONE,
							  0700, 0, self->P));
	EXPECT_EQ(RSMERR_BAD_PERMS, rsm_memseg_import_map(self->i, &a, RSM_MAP_NONE,
							  0604, 0, self->P));
	EXPECT_EQ(RSMERR_SEG_NOT_MAPPED, rsm_memseg_import_unmap(self->i));
}

/* Spec check 69 */
IMPORT_TEST(second_map_is_already_mapped)
{
	void *a = NULL, *b = NULL;

	setup_i(_metadata, self, 0);
	ASSERT_EQ(0, rsm_memseg_import_map(self->i, &a, RSM_MAP_NONE, RSM_PERM_RDWR,
					   0, self->P));
	EXPECT_EQ(RSMERR_SEG_ALREADY_MAPPED, rsm_memseg_import_map(self->i, &b,
				RSM_MAP_NONE, RSM_PERM_RDWR, self->P, self->P));
	/* the first mapping still works */
	self->buf[9] = 0x69;
	EXPECT_EQ(0x69, ((volatile char *)a)[9]);
	EXPECT_EQ(0, rsm_memseg_import_unmap(self->i));
}

/* Spec check 70 */
IMPORT_TEST(map_checks_address_pointer_and_handle)
{
	void *a = NULL;

	setup_i(_metadata, self, 0);
	EXPECT_EQ(RSMERR_BAD_ADDR, rsm_memseg_import_map(self->i, NULL, RSM_MAP_NONE,
							 RSM_PERM_RDWR, 0, self->P));
	EXPECT_EQ(RSMERR_BAD_SEG_HNDL, rsm_memseg_import_map(NULL, &a, RSM_MAP_NONE,
							     RSM_PERM_RDWR, 0, self->P));
	EXPECT_EQ(RSMERR_BAD_SEG_HNDL, rsm_memseg_import_map(
			(rsm_memseg_import_handle_t)self->e, &a, RSM_MAP_NONE,
			RSM_PERM_RDWR, 0, self->P));
	EXPECT_EQ(RSMERR_SEG_NOT_MAPPED, rsm_memseg_import_unmap(self->i));
}

/* Spec check 71 */
IMPORT_TEST(unmap_of_an_unmapped_or_null_handle_fails)
{
	setup_i(_metadata, self, 0);
	EXPECT_EQ(RSMERR_SEG_NOT_MAPPED, rsm_memseg_import_unmap(self->i));
	EXPECT_EQ(RSMERR_BAD_SEG_HNDL, rsm_memseg_import_unmap(NULL));
	EXPECT_EQ(RSMERR_BAD_SEG_HNDL, rsm_memseg_import_unmap(
			(rsm_memseg_import_handle_t)self->e));
}

/* Spec check 72 and DESIGN 10: same node, the mapping is the pages */
IMPORT_TEST(same_node_mapping_shares_stores_both_ways_at_once)
{
	volatile char *a = NULL;

	setup_i(_metadata, self, 0);
	ASSERT_EQ(0, rsm_memseg_import_map(self->i, (void **)&a, RSM_MAP_NONE,
					   RSM_PERM_RDWR, 0, self->len));
	self->buf[100] = 0x72;
	EXPECT_EQ(0x72, a[100]);
	a[200] = 0x27;
	EXPECT_EQ(0x27, self->buf[200]);
	/* every page, both ways */
	rsmt_fill_pattern(self->buf, self->len, 0, 72);
	EXPECT_EQ(-1, rsmt_check_pattern((const void *)a, self->len, 0, 72));
	rsmt_fill_pattern((void *)a, self->len, 0, 73);
	EXPECT_EQ(-1, rsmt_check_pattern(self->buf, self->len, 0, 73));
	/* put and get meet the same memory */
	self->lbuf[0] = 0x11;
	EXPECT_EQ(0, rsm_memseg_import_put8(self->i, 3 * self->P + 1,
					    (uint8_t *)self->lbuf, 1));
	EXPECT_EQ(0x11, a[3 * self->P + 1]);
	EXPECT_EQ(0, rsm_memseg_import_unmap(self->i));
}

/* 3.10 step 9: a window at an offset maps segment offset + index */
IMPORT_TEST(mapped_window_at_an_offset_addresses_the_segment_there)
{
	volatile char *a = NULL;

	setup_i(_metadata, self, 0);
	rsmt_fill_pattern(self->buf, self->len, 0, 74);
	ASSERT_EQ(0, rsm_memseg_import_map(self->i, (void **)&a, RSM_MAP_NONE,
					   RSM_PERM_RDWR, self->P, 2 * self->P));
	EXPECT_EQ(0, (uintptr_t)a % self->P);
	EXPECT_EQ(-1, rsmt_check_pattern((const void *)a, 2 * self->P, self->P, 74));
	a[0] = 1;
	a[2 * self->P - 1] = 2;
	EXPECT_EQ(1, self->buf[self->P]);
	EXPECT_EQ(2, self->buf[3 * self->P - 1]);
	EXPECT_EQ(-1, rsmt_check_pattern(self->buf, self->P, 0, 74));
	EXPECT_EQ(-1, rsmt_check_pattern(self->buf + 3 * self->P, self->P,
					 3 * self->P, 74));
	EXPECT_EQ(0, rsm_memseg_import_unmap(self->i));
}

/* Spec check 73 and A2 */
IMPORT_TEST(read_only_connection_maps_read_only)
{
	volatile char *a = NULL;
	unsigned char c = 0;

	setup_e(_metadata, self, 0, NULL, 0);
	ASSERT_EQ(0, connect_perm(self, RSM_PERM_READ, &self->i));
	EXPECT_EQ(RSMERR_BAD_PERMS, rsm_memseg_import_map(self->i, (void **)&a,
				RSM_MAP_NONE, RSM_PERM_RDWR, 0, self->P));
	EXPECT_EQ(RSMERR_BAD_PERMS, rsm_memseg_import_map(self->i, (void **)&a,
				RSM_MAP_NONE, RSM_PERM_WRITE, 0, self->P));
	ASSERT_EQ(0, rsm_memseg_import_map(self->i, (void **)&a, RSM_MAP_NONE,
					   RSM_PERM_READ, 0, self->P));
	self->buf[5] = 0x73;
	EXPECT_EQ(0, rsmt_guarded_load((const void *)(a + 5), &c));
	EXPECT_EQ(0x73, c);
	/* a store faults and changes nothing */
	EXPECT_EQ(SIGSEGV, rsmt_guarded_set((void *)(a + 6), 0x37, 1));
	EXPECT_EQ(0, self->buf[6]);
	EXPECT_EQ(0, rsm_memseg_import_unmap(self->i));
}

/* 3.10 step 9: perm 0 maps without access */
IMPORT_TEST(map_without_permission_gives_no_access)
{
	void *a = NULL;
	unsigned char c;

	setup_i(_metadata, self, 0);
	self->buf[0] = 1;
	ASSERT_EQ(0, rsm_memseg_import_map(self->i, &a, RSM_MAP_NONE, RSM_PERM_NONE,
					   0, self->P));
	EXPECT_EQ(SIGSEGV, rsmt_guarded_load(a, &c));
	EXPECT_EQ(SIGSEGV, rsmt_guarded_set(a, 2, 1));
	EXPECT_EQ(1, self->buf[0]);
	EXPECT_EQ(0, rsm_memseg_import_unmap(self->i));
}

/* Spec check 74 */
IMPORT_TEST(implicit_mapping_blocks_map_until_unmapped)
{
	uint8_t b = 0;
	void *a = NULL;

	setup_i(_metadata, self, 0);
	EXPECT_EQ(0, rsm_memseg_import_get8(self->i, 0, &b, 1));
	EXPECT_EQ(RSMERR_SEG_ALREADY_MAPPED, rsm_memseg_import_map(self->i, &a,
				RSM_MAP_NONE, RSM_PERM_RDWR, 0, self->P));
	EXPECT_EQ(0, rsm_memseg_import_unmap(self->i));
	EXPECT_EQ(0, rsm_memseg_import_map(self->i, &a, RSM_MAP_NONE, RSM_PERM_RDWR,
					   0, self->P));
	EXPECT_NE(NULL, a);
	EXPECT_EQ(0, rsm_memseg_import_unmap(self->i));
}

/* Spec check 75, and unmap really removes the mapping */
IMPORT_TEST(explicit_mapping_blocks_disconnect_until_unmapped)
{
	void *a = NULL;

	setup_i(_metadata, self, 0);
	ASSERT_EQ(0, rsm_memseg_import_map(self->i, &a, RSM_MAP_NONE, RSM_PERM_RDWR,
					   0, 2 * self->P));
	EXPECT_TRUE(is_mapped(a, 2 * self->P));
	EXPECT_EQ(RSMERR_SEG_STILL_MAPPED, rsm_memseg_import_disconnect(self->i));
	EXPECT_EQ(0, rsm_memseg_import_unmap(self->i));
	EXPECT_FALSE(is_mapped(a, 2 * self->P));
	EXPECT_EQ(RSMERR_SEG_NOT_MAPPED, rsm_memseg_import_unmap(self->i));
	EXPECT_EQ(0, rsm_memseg_import_disconnect(self->i));
	self->i = NULL;
}

/* Spec check 76 */
IMPORT_TEST(implicit_mapping_does_not_block_disconnect)
{
	uint8_t b = 0;

	setup_i(_metadata, self, 0);
	EXPECT_EQ(0, rsm_memseg_import_get8(self->i, 0, &b, 1));
	EXPECT_EQ(0, rsm_memseg_import_disconnect(self->i));
	self->i = NULL;
}

/* Spec check 88 (mapping part) and 3.9 */
IMPORT_TEST(export_destroy_redirects_the_mapping_without_faults)
{
	volatile char *a = NULL;
	char *snap = self->buf2;
	unsigned char c = 0;
	uint8_t b = 0;
	size_t off;

	setup_i(_metadata, self, 0);
	ASSERT_EQ(0, rsm_memseg_import_map(self->i, (void **)&a, RSM_MAP_NONE,
					   RSM_PERM_RDWR, 0, self->len));
	rsmt_fill_pattern(self->buf, self->len, 0, 88);
	EXPECT_EQ(-1, rsmt_check_pattern((const void *)a, self->len, 0, 88));
	ASSERT_EQ(0, rsm_memseg_import_set_mode(self->i, RSM_BARRIER_MODE_EXPLICIT));
	ASSERT_EQ(0, rsm_memseg_import_open_barrier(&self->bar));
	ASSERT_EQ(0, rsm_memseg_export_destroy(self->e));
	self->e = NULL;
	memcpy(snap, self->buf, self->len);
	EXPECT_EQ(0, rsm_memseg_import_set_mode(self->i, RSM_BARRIER_MODE_IMPLICIT));
	EXPECT_EQ(RSMERR_CONN_ABORTED, rsm_memseg_import_get8(self->i, 0, &b, 1));
	/* every page still loads and stores, and none reaches the exporter */
	for (off = 0; off < self->len; off += self->P) {
		EXPECT_EQ(0, rsmt_guarded_load((const void *)(a + off + 1), &c))
			TH_LOG("load at %zu", off);
		EXPECT_EQ(0, rsmt_guarded_set((void *)(a + off), 0x88, self->P))
			TH_LOG("store at %zu", off);
	}
	EXPECT_EQ(0, memcmp(snap, self->buf, self->len));
	EXPECT_EQ(RSMERR_CONN_ABORTED, rsm_memseg_import_close_barrier(&self->bar));
	EXPECT_EQ(0, rsm_memseg_import_unmap(self->i));
	EXPECT_EQ(RSMERR_CONN_ABORTED, rsm_memseg_import_map(self->i, (void **)&a,
				RSM_MAP_NONE, RSM_PERM_RDWR, 0, self->P));
}

/* A27: after rebind returns, a same-node mapping is on the new pages */
IMPORT_TEST(rebind_moves_a_same_node_mapping_to_the_new_pages)
{
	volatile char *a = NULL;

	setup_i(_metadata, self, RSM_ALLOW_REBIND);
	rsmt_fill_pattern(self->buf, self->len, 0, 27);
	rsmt_fill_pattern(self->buf2, self->len, 0, 28);
	ASSERT_EQ(0, rsm_memseg_import_map(self->i, (void **)&a, RSM_MAP_NONE,
					   RSM_PERM_RDWR, 0, self->len));
	/* every page is in use through the mapping before the rebind */
	EXPECT_EQ(-1, rsmt_check_pattern((const void *)a, self->len, 0, 27));
	ASSERT_EQ(0, rsm_memseg_export_rebind(self->e, self->buf2, 0, self->len));
	EXPECT_EQ(-1, rsmt_check_pattern((const void *)a, self->len, 0, 28));
	a[self->P + 1] = 0x29;
	EXPECT_EQ(0x29, self->buf2[self->P + 1]);
	EXPECT_EQ(-1, rsmt_check_pattern(self->buf, self->len, 0, 27));
	self->buf2[2 * self->P] = 0x30;
	EXPECT_EQ(0x30, a[2 * self->P]);
	EXPECT_EQ(0, rsm_memseg_import_unmap(self->i));
}

/* 3.9: unpublish sends a same-node mapping to scratch pages */
IMPORT_TEST(unpublish_redirects_a_same_node_mapping_without_faults)
{
	volatile char *a = NULL;
	unsigned char c;
	size_t off;

	setup_i(_metadata, self, 0);
	rsmt_fill_pattern(self->buf, self->len, 0, 31);
	ASSERT_EQ(0, rsm_memseg_import_map(self->i, (void **)&a, RSM_MAP_NONE,
					   RSM_PERM_RDWR, 0, self->len));
	EXPECT_EQ(-1, rsmt_check_pattern((const void *)a, self->len, 0, 31));
	ASSERT_EQ(0, rsm_memseg_export_unpublish(self->e));
	for (off = 0; off < self->len; off += self->P) {
		EXPECT_EQ(0, rsmt_guarded_load((const void *)(a + off), &c));
		EXPECT_EQ(0, rsmt_guarded_set((void *)(a + off), 0x31, self->P));
	}
	EXPECT_EQ(-1, rsmt_check_pattern(self->buf, self->len, 0, 31));
	/* and the exporter's own stores no longer show through it */
	self->buf[5] = ~a[5];
	EXPECT_NE(self->buf[5], a[5]);
	EXPECT_EQ(0, rsm_memseg_import_unmap(self->i));
}

TEST_HARNESS_MAIN
