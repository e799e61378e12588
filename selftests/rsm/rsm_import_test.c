// SPDX-License-Identifier: GPL-2.0-only
/*
 * Import segments on one node: connect and its permission checks, put and
 * get, forced disconnect and rebind as an importer sees them (spec checks
 * 35-49, 51-61, 63, 88 without mapping, 90-94), through the loopback
 * controller and through rxe0 importing from the local node.  Barriers,
 * scatter/gather and local memory handles are in rsm_import_sync_test.c.
 */
#include "rsm_import_fixture.h"

#define OTHER_UID	4242	/* not the exporter, not in its group */
#define GROUP_UID	4243	/* not the exporter, in its group (0) */

/* Spec check 35 */
IMPORT_TEST(republish_governs_only_future_connects)
{
	rsmapi_access_entry_t acl = { self->local, 0 };
	uint8_t b = 7;

	setup_i(_metadata, self, 0);
	ASSERT_EQ(0, rsm_memseg_export_republish(self->e, &acl, 1));
	EXPECT_EQ(0, rsm_memseg_import_put8(self->i, 0, &b, 1));
	EXPECT_EQ(0, rsm_memseg_import_get8(self->i, 0, &b, 1));
	EXPECT_EQ(7, b);
	EXPECT_EQ(RSMERR_PERM_DENIED, connect_perm(self, RSM_PERM_RDWR, &self->i2));
	EXPECT_EQ(NULL, self->i2);
	ASSERT_EQ(0, rsm_memseg_export_republish(self->e, NULL, 0));
	EXPECT_EQ(0, connect_perm(self, RSM_PERM_RDWR, &self->i2));
}

/* Spec check 36 */
IMPORT_TEST(read_only_acl_refuses_read_write_connect_by_owner)
{
	rsmapi_access_entry_t acl = { self->local, 0400 };

	setup_e(_metadata, self, 0, &acl, 1);
	EXPECT_EQ(RSMERR_PERM_DENIED, connect_perm(self, RSM_PERM_RDWR, &self->i));
	EXPECT_EQ(RSMERR_PERM_DENIED, connect_perm(self, RSM_PERM_WRITE, &self->i));
	EXPECT_EQ(0, connect_perm(self, RSM_PERM_READ, &self->i));
}

/* Spec check 37, with an importer connected that must not notice */
IMPORT_TEST(forked_child_cannot_change_an_imported_segment)
{
	uint32_t v = 0x01020304;
	int status;
	pid_t pid;

	setup_i(_metadata, self, RSM_ALLOW_REBIND);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int bad = 0;

		bad |= rsm_memseg_export_unpublish(self->e) != RSMERR_NOT_CREATOR;
		bad |= rsm_memseg_export_republish(self->e, NULL, 0) != RSMERR_NOT_CREATOR;
		bad |= rsm_memseg_export_rebind(self->e, self->buf2, 0, self->len) !=
		       RSMERR_NOT_CREATOR;
		_exit(bad);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(0, rsm_memseg_import_put32(self->i, 4, &v, 1));
	EXPECT_EQ(v, *(uint32_t *)(self->buf + 4));
}

/* Spec check 38: no ACL, umask 022, so the creation mode is 0644 */
IMPORT_TEST(default_mode_gives_other_users_read_only)
{
	setup_e(_metadata, self, 0, NULL, 0);
	EXPECT_EQ(0, connect_as(self, rsmt_vctlr(variant->ctlr), RSM_PERM_READ, OTHER_UID,
				OTHER_UID, -1));
	EXPECT_EQ(RSMERR_PERM_DENIED, connect_as(self, rsmt_vctlr(variant->ctlr), RSM_PERM_WRITE,
						 OTHER_UID, OTHER_UID, -1));
	EXPECT_EQ(RSMERR_PERM_DENIED, connect_as(self, rsmt_vctlr(variant->ctlr), RSM_PERM_RDWR,
						 OTHER_UID, OTHER_UID, -1));
	/* a group member is in the same position with mode 0644 */
	EXPECT_EQ(RSMERR_PERM_DENIED, connect_as(self, rsmt_vctlr(variant->ctlr), RSM_PERM_WRITE,
						 GROUP_UID, GROUP_UID, getegid()));
}

/* Spec check 39 */
IMPORT_TEST(acl_0624_grants_owner_group_and_other_their_classes)
{
	rsmapi_access_entry_t acl = { self->local, 0624 };
	gid_t g = getegid();

	setup_e(_metadata, self, 0, &acl, 1);
	EXPECT_EQ(0, connect_perm(self, RSM_PERM_RDWR, &self->i));
	EXPECT_EQ(0, connect_as(self, rsmt_vctlr(variant->ctlr), RSM_PERM_WRITE, GROUP_UID,
				GROUP_UID, g));
	EXPECT_EQ(RSMERR_PERM_DENIED, connect_as(self, rsmt_vctlr(variant->ctlr), RSM_PERM_READ,
						 GROUP_UID, GROUP_UID, g));
	EXPECT_EQ(RSMERR_PERM_DENIED, connect_as(self, rsmt_vctlr(variant->ctlr), RSM_PERM_RDWR,
						 GROUP_UID, GROUP_UID, g));
	EXPECT_EQ(0, connect_as(self, rsmt_vctlr(variant->ctlr), RSM_PERM_READ, OTHER_UID,
				OTHER_UID, -1));
	EXPECT_EQ(RSMERR_PERM_DENIED, connect_as(self, rsmt_vctlr(variant->ctlr), RSM_PERM_WRITE,
						 OTHER_UID, OTHER_UID, -1));
}

/* Spec check 40 */
IMPORT_TEST(connect_with_bits_outside_0600_is_perm_denied)
{
	setup_e(_metadata, self, 0, NULL, 0);
	EXPECT_EQ(RSMERR_PERM_DENIED, connect_perm(self, 0700, &self->i));
	EXPECT_EQ(RSMERR_PERM_DENIED, connect_perm(self, 0001, &self->i));
	EXPECT_EQ(RSMERR_PERM_DENIED, connect_perm(self, 0604, &self->i));
	EXPECT_EQ(NULL, self->i);
}

/* Spec check 41 */
IMPORT_TEST(connect_without_permission_can_neither_put_nor_get)
{
	uint8_t b = 1;

	setup_e(_metadata, self, 0, NULL, 0);
	ASSERT_EQ(0, connect_perm(self, RSM_PERM_NONE, &self->i));
	ASSERT_EQ(0, rsm_memseg_import_init_barrier(self->i, RSM_BARRIER_SEGMENT,
						    &self->bar));
	EXPECT_EQ(RSMERR_PERM_DENIED, rsm_memseg_import_put8(self->i, 0, &b, 1));
	EXPECT_EQ(RSMERR_PERM_DENIED, rsm_memseg_import_get8(self->i, 0, &b, 1));
	EXPECT_EQ(0, self->buf[0]);
}

/* Spec check 42 */
IMPORT_TEST(cap_ipc_owner_bypasses_the_access_list)
{
	rsmapi_access_entry_t acl = { self->local, 0400 };
	uint8_t b = 9;

	setup_e(_metadata, self, 0, &acl, 1);
	ASSERT_EQ(0, cap_ipc_owner(1));
	ASSERT_EQ(0, connect_perm(self, RSM_PERM_RDWR, &self->i));
	ASSERT_EQ(0, rsm_memseg_import_init_barrier(self->i, RSM_BARRIER_SEGMENT,
						    &self->bar));
	EXPECT_EQ(0, rsm_memseg_import_put8(self->i, 3, &b, 1));
	EXPECT_EQ(9, self->buf[3]);
}

/* Spec check 43 */
IMPORT_TEST(connect_checks_controller_and_handle_pointer)
{
	setup_e(_metadata, self, 0, NULL, 0);
	EXPECT_EQ(RSMERR_BAD_CTLR_HNDL, rsm_memseg_import_connect(NULL, self->local,
				self->id, RSM_PERM_RDWR, &self->i));
	EXPECT_EQ(RSMERR_BAD_SEG_HNDL, rsm_memseg_import_connect(self->ctl, self->local,
				self->id, RSM_PERM_RDWR, NULL));
}

/* Spec check 44 */
IMPORT_TEST(connect_needs_a_published_id)
{
	struct rsmt_counts c;

	setup_e(_metadata, self, 0, NULL, 0);
	self->i2 = (void *)1;
	EXPECT_EQ(RSMERR_SEG_NOT_PUBLISHED, rsm_memseg_import_connect(self->ctl,
				self->local, UNUSED_SEGID, RSM_PERM_RDWR, &self->i2));
	EXPECT_EQ(NULL, self->i2);
	self->i2 = NULL;
	ASSERT_EQ(0, connect_perm(self, RSM_PERM_RDWR, &self->i));
	ASSERT_EQ(0, rsmt_counts(&c));
	EXPECT_EQ(self->base.imported_segments + 1, c.imported_segments);
	EXPECT_EQ(self->base.importers + 1, c.importers);
}

/* Spec check 45 */
IMPORT_TEST(connect_after_unpublish_is_seg_not_published)
{
	setup_e(_metadata, self, 0, NULL, 0);
	ASSERT_EQ(0, rsm_memseg_export_unpublish(self->e));
	EXPECT_EQ(RSMERR_SEG_NOT_PUBLISHED, connect_perm(self, RSM_PERM_RDWR, &self->i));
}

/* Spec check 47 */
IMPORT_TEST(loopback_cannot_reach_another_node)
{
	if (strcmp(rsmt_vctlr(variant->ctlr), "loopback"))
		SKIP(return, "loopback only");
	setup_e(_metadata, self, 0, NULL, 0);
	EXPECT_EQ(RSMERR_CTLR_NOT_PRESENT, rsm_memseg_import_connect(self->ctl,
				self->local + 1, self->id, RSM_PERM_RDWR, &self->i));
}

/* Spec check 48 and A19: node ids without a path, and beyond RSM_MAX_NODE */
IMPORT_TEST(connect_to_a_node_without_path_is_unreachable)
{
	static const rsm_node_id_t nodes[] = { 63, 64, 1000, 0xffffffff };
	unsigned int k;

	if (!strcmp(rsmt_vctlr(variant->ctlr), "loopback"))
		SKIP(return, "needs an RDMA controller");
	for (k = 0; k < sizeof(nodes) / sizeof(nodes[0]); k++) {
		if (nodes[k] == self->local)
			continue;
		EXPECT_EQ(RSMERR_REMOTE_NODE_UNREACHABLE,
			  rsm_memseg_import_connect(self->ctl, nodes[k], 0x400000,
						    RSM_PERM_RDWR, &self->i));
	}
}

/* Spec check 49 */
IMPORT_TEST(disconnect_releases_the_import)
{
	struct rsmt_counts c;

	EXPECT_EQ(RSMERR_BAD_SEG_HNDL, rsm_memseg_import_disconnect(NULL));
	setup_i(_metadata, self, 0);
	EXPECT_EQ(0, rsm_memseg_import_disconnect(self->i));
	self->i = NULL;
	ASSERT_EQ(0, rsmt_counts(&c));
	EXPECT_EQ(self->base.imported_segments, c.imported_segments);
}

/* Spec check 51 */
IMPORT_TEST(implicit_mode_without_barrier_is_uninitialized)
{
	uint8_t b = 1, dst[4];

	setup_e(_metadata, self, 0, NULL, 0);
	ASSERT_EQ(0, connect_perm(self, RSM_PERM_RDWR, &self->i));
	EXPECT_EQ(RSMERR_BARRIER_UNINITIALIZED, rsm_memseg_import_put8(self->i, 0, &b, 1));
	EXPECT_EQ(RSMERR_BARRIER_UNINITIALIZED, rsm_memseg_import_get(self->i, 0, dst, 1));
	EXPECT_EQ(0, self->buf[0]);
}

/* Spec check 52 */
IMPORT_TEST(put32_lands_in_exporter_memory_and_get64_reads_it)
{
	uint32_t v = 0xA5A5A5A5;
	uint64_t w = 0, want = 0x1122334455667788ULL;

	setup_i(_metadata, self, 0);
	EXPECT_EQ(0, rsm_memseg_import_put32(self->i, 8, &v, 1));
	EXPECT_EQ(v, *(uint32_t *)(self->buf + 8));
	EXPECT_EQ(0, *(uint32_t *)(self->buf + 4));
	EXPECT_EQ(0, *(uint32_t *)(self->buf + 12));
	memcpy(self->buf + 16, &want, 8);
	EXPECT_EQ(0, rsm_memseg_import_get64(self->i, 16, &w, 1));
	EXPECT_EQ(want, w);
}

/* Spec check 53 */
IMPORT_TEST(explicit_mode_put_needs_no_barrier)
{
	uint64_t x = 0x0102030405060708ULL;

	setup_e(_metadata, self, 0, NULL, 0);
	ASSERT_EQ(0, connect_perm(self, RSM_PERM_RDWR, &self->i));
	ASSERT_EQ(0, rsm_memseg_import_set_mode(self->i, RSM_BARRIER_MODE_EXPLICIT));
	EXPECT_EQ(0, rsm_memseg_import_put64(self->i, 0, &x, 1));
	EXPECT_EQ(0, rsm_memseg_import_get64(self->i, 8, &x, 1));
}

/* Spec check 54 */
IMPORT_TEST(offset_not_a_multiple_of_the_width_is_bad_alignment)
{
	uint64_t a[2] = { 0 };

	setup_i(_metadata, self, 0);
	EXPECT_EQ(RSMERR_BAD_MEM_ALIGNMENT, rsm_memseg_import_get16(self->i, 1, (uint16_t *)a, 1));
	EXPECT_EQ(RSMERR_BAD_MEM_ALIGNMENT, rsm_memseg_import_get32(self->i, 2, (uint32_t *)a, 1));
	EXPECT_EQ(RSMERR_BAD_MEM_ALIGNMENT, rsm_memseg_import_get64(self->i, 4, a, 1));
	EXPECT_EQ(RSMERR_BAD_MEM_ALIGNMENT, rsm_memseg_import_put64(self->i, 12, a, 1));
	EXPECT_EQ(0, rsm_memseg_import_put64(self->i, 8, a, 1));
}

/* Spec check 55 */
IMPORT_TEST(local_pointer_not_a_multiple_of_the_width_is_bad_alignment)
{
	uint64_t a[2] = { 0 };
	char *c = (char *)a;

	setup_i(_metadata, self, 0);
	EXPECT_EQ(RSMERR_BAD_MEM_ALIGNMENT, rsm_memseg_import_get32(self->i, 0,
				(uint32_t *)(void *)(c + 1), 1));
	EXPECT_EQ(RSMERR_BAD_MEM_ALIGNMENT, rsm_memseg_import_put16(self->i, 0,
				(uint16_t *)(void *)(c + 1), 1));
	EXPECT_EQ(RSMERR_BAD_MEM_ALIGNMENT, rsm_memseg_import_get64(self->i, 0,
				(uint64_t *)(void *)(c + 4), 1));
}

/* Spec check 56 */
IMPORT_TEST(null_local_buffer_is_bad_addr)
{
	setup_i(_metadata, self, 0);
	EXPECT_EQ(RSMERR_BAD_ADDR, rsm_memseg_import_get(self->i, 0, NULL, 4));
	EXPECT_EQ(RSMERR_BAD_ADDR, rsm_memseg_import_put8(self->i, 0, NULL, 1));
	EXPECT_EQ(RSMERR_BAD_ADDR, rsm_memseg_import_put(self->i, 0, NULL, 4));
}

/* Spec check 57 */
IMPORT_TEST(zero_length_transfer_at_the_end_succeeds)
{
	uint8_t b;

	setup_i(_metadata, self, 0);
	EXPECT_EQ(0, rsm_memseg_import_get8(self->i, self->len, &b, 0));
	EXPECT_EQ(0, rsm_memseg_import_put(self->i, self->len, &b, 0));
}

/* Spec check 58 and A5 (overflow-safe range checks) */
IMPORT_TEST(range_outside_the_segment_is_bad_offset)
{
	uint64_t src[2] = { 0 };
	uint8_t b;

	setup_i(_metadata, self, 0);
	EXPECT_EQ(RSMERR_BAD_OFFSET, rsm_memseg_import_get8(self->i, self->len, &b, 1));
	EXPECT_EQ(RSMERR_BAD_OFFSET, rsm_memseg_import_put(self->i, self->len - 4, src, 8));
	EXPECT_EQ(RSMERR_BAD_OFFSET, rsm_memseg_import_get8(self->i, -1, &b, 1));
	EXPECT_EQ(RSMERR_BAD_OFFSET, rsm_memseg_import_get(self->i, 8, src, (size_t)-4));
	EXPECT_EQ(RSMERR_BAD_OFFSET, rsm_memseg_import_get64(self->i, 8, src,
							     ~0UL / 4 + 1));
	EXPECT_EQ(0, memcmp(self->buf + self->len - 8, "\0\0\0\0\0\0\0\0", 8));
}

/* Spec check 59 */
IMPORT_TEST(null_or_export_handle_is_bad_seg_handle)
{
	uint8_t b;

	setup_i(_metadata, self, 0);
	EXPECT_EQ(RSMERR_BAD_SEG_HNDL, rsm_memseg_import_get8(NULL, 0, &b, 1));
	EXPECT_EQ(RSMERR_BAD_SEG_HNDL, rsm_memseg_import_put8(NULL, 0, &b, 1));
	EXPECT_EQ(RSMERR_BAD_SEG_HNDL, rsm_memseg_import_get8(
			(rsm_memseg_import_handle_t)self->e, 0, &b, 1));
	EXPECT_EQ(RSMERR_BAD_SEG_HNDL, rsm_memseg_import_disconnect(
			(rsm_memseg_import_handle_t)self->e));
}

/* Spec check 60 */
IMPORT_TEST(read_only_connection_gets_but_cannot_put)
{
	uint32_t v = 0x5eed;

	setup_e(_metadata, self, 0, NULL, 0);
	*(uint32_t *)self->buf = 77;
	ASSERT_EQ(0, connect_perm(self, RSM_PERM_READ, &self->i));
	ASSERT_EQ(0, rsm_memseg_import_init_barrier(self->i, RSM_BARRIER_SEGMENT,
						    &self->bar));
	EXPECT_EQ(0, rsm_memseg_import_get32(self->i, 0, &v, 1));
	EXPECT_EQ(77, v);
	EXPECT_EQ(RSMERR_PERM_DENIED, rsm_memseg_import_put32(self->i, 0, &v, 1));
}

/* Spec check 61 */
IMPORT_TEST(write_only_connection_puts_but_cannot_get)
{
	uint8_t b = 0x42;

	setup_e(_metadata, self, 0, NULL, 0);
	ASSERT_EQ(0, connect_perm(self, RSM_PERM_WRITE, &self->i));
	ASSERT_EQ(0, rsm_memseg_import_init_barrier(self->i, RSM_BARRIER_SEGMENT,
						    &self->bar));
	EXPECT_EQ(RSMERR_PERM_DENIED, rsm_memseg_import_get8(self->i, 0, &b, 1));
	EXPECT_EQ(0, rsm_memseg_import_put8(self->i, 0, &b, 1));
	EXPECT_EQ(0x42, self->buf[0]);
}

/* Spec check 63: elements of every width see the same bytes */
IMPORT_TEST(put64_array_reads_back_through_every_width)
{
	uint64_t arr[4] = { 0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL,
			    0xdeadbeefcafef00dULL, 0x8000000000000001ULL };
	uint16_t a16[16];
	uint32_t a32[8];
	uint8_t a8[32];

	setup_i(_metadata, self, 0);
	EXPECT_EQ(0, rsm_memseg_import_put64(self->i, 0, arr, 4));
	EXPECT_EQ(0, memcmp(self->buf, arr, sizeof(arr)));
	EXPECT_EQ(0, rsm_memseg_import_get16(self->i, 0, a16, 16));
	EXPECT_EQ(0, memcmp(a16, arr, sizeof(arr)));
	EXPECT_EQ(0, rsm_memseg_import_get32(self->i, 0, a32, 8));
	EXPECT_EQ(0, memcmp(a32, arr, sizeof(arr)));
	EXPECT_EQ(0, rsm_memseg_import_get8(self->i, 0, a8, 32));
	EXPECT_EQ(0, memcmp(a8, arr, sizeof(arr)));
	/* and byte strings of any length at any offset */
	rsmt_fill_pattern(self->lbuf, 3 * self->P + 5, 1, 63);
	EXPECT_EQ(0, rsm_memseg_import_put(self->i, 1, self->lbuf, 3 * self->P + 5));
	EXPECT_EQ(-1, rsmt_check_pattern(self->buf + 1, 3 * self->P + 5, 1, 63));
	memset(self->lbuf, 0, self->len);
	EXPECT_EQ(0, rsm_memseg_import_get(self->i, 1, self->lbuf, 3 * self->P + 5));
	EXPECT_EQ(-1, rsmt_check_pattern(self->lbuf, 3 * self->P + 5, 1, 63));
}

/* Spec check 88 (without the mapping part) */
IMPORT_TEST(export_destroy_aborts_the_import)
{
	uint8_t b = 1;

	setup_i(_metadata, self, 0);
	ASSERT_EQ(0, rsm_memseg_export_destroy(self->e));
	self->e = NULL;
	EXPECT_EQ(RSMERR_CONN_ABORTED, rsm_memseg_import_get8(self->i, 0, &b, 1));
	EXPECT_EQ(RSMERR_CONN_ABORTED, rsm_memseg_import_put8(self->i, 0, &b, 1));
	EXPECT_EQ(RSMERR_SEG_NOT_PUBLISHED, connect_perm(self, RSM_PERM_RDWR, &self->i2));
}

/* Spec check 90, with an importer connected */
IMPORT_TEST(rebind_without_allow_rebind_is_refused)
{
	uint8_t b;

	setup_i(_metadata, self, 0);
	self->buf[0] = 3;
	EXPECT_EQ(RSMERR_REBIND_NOT_ALLOWED, rsm_memseg_export_rebind(self->e, self->buf2,
								  0, self->len));
	EXPECT_EQ(0, rsm_memseg_import_get8(self->i, 0, &b, 1));
	EXPECT_EQ(3, b);
}

/* Spec check 91 and A27 */
IMPORT_TEST(rebind_moves_the_importer_to_the_new_pages)
{
	uint8_t c = 0, d = 0xd1;
	struct rsmt_counts cnt;

	setup_i(_metadata, self, RSM_ALLOW_REBIND);
	ASSERT_EQ(0, rsm_memseg_import_get8(self->i, 0, &c, 1));
	memset(self->buf2, 0x5A, self->len);
	ASSERT_EQ(0, rsm_memseg_export_rebind(self->e, self->buf2, 0, self->len));
	EXPECT_EQ(0, rsm_memseg_import_get8(self->i, 0, &c, 1));
	EXPECT_EQ(0x5A, c);
	EXPECT_EQ(0, rsm_memseg_import_put8(self->i, 1, &d, 1));
	EXPECT_EQ(0xd1, (uint8_t)self->buf2[1]);
	EXPECT_EQ(0, self->buf[1]);
	EXPECT_EQ(0, rsm_memseg_import_get(self->i, 2 * self->P, self->lbuf, self->P));
	EXPECT_EQ(0x5A, (uint8_t)self->lbuf[self->P - 1]);
	/* the old pages are no longer pinned */
	ASSERT_EQ(0, rsmt_counts(&cnt));
	EXPECT_EQ(self->base.pinned_pages + 4, cnt.pinned_pages);
}

/* Spec check 92, with an importer connected */
IMPORT_TEST(failed_rebinds_leave_the_importer_on_the_old_pages)
{
	uint8_t c = 0;

	setup_i(_metadata, self, RSM_ALLOW_REBIND);
	self->buf[5] = 0x55;
	EXPECT_EQ(RSMERR_BAD_LENGTH, rsm_memseg_export_rebind(self->e, self->buf2, 0,
							      2 * self->P));
	EXPECT_EQ(RSMERR_BAD_ADDR, rsm_memseg_export_rebind(self->e, NULL, 0, self->len));
	EXPECT_EQ(RSMERR_BAD_ADDR, rsm_memseg_export_rebind(self->e, self->buf2 + 1, 0,
							    self->len));
	EXPECT_EQ(RSMERR_BAD_SEG_HNDL, rsm_memseg_export_rebind(NULL, self->buf2, 0,
								self->len));
	EXPECT_EQ(0, rsm_memseg_import_get8(self->i, 5, &c, 1));
	EXPECT_EQ(0x55, c);
}

/* Spec check 93 */
IMPORT_TEST(rebind_to_the_bound_address_is_a_no_op)
{
	uint8_t c = 0;

	setup_i(_metadata, self, RSM_ALLOW_REBIND);
	self->buf[6] = 0x66;
	EXPECT_EQ(0, rsm_memseg_export_rebind(self->e, self->buf, 0, self->len));
	EXPECT_EQ(0, rsm_memseg_import_get8(self->i, 6, &c, 1));
	EXPECT_EQ(0x66, c);
}

/* Spec check 94: rebound while BOUND, the importer finds the new pages */
IMPORT_TEST(rebind_of_an_unpublished_segment_holds_at_publish)
{
	uint8_t c = 0;

	ASSERT_EQ(0, rsm_memseg_export_create(self->ctl, &self->e, self->buf,
					      self->len, RSM_ALLOW_REBIND));
	memset(self->buf2, 0x94, self->len);
	EXPECT_EQ(0, rsm_memseg_export_rebind(self->e, self->buf2, 0, self->len));
	self->id = 0;
	ASSERT_EQ(0, rsm_memseg_export_publish(self->e, &self->id, NULL, 0));
	ASSERT_EQ(0, connect_perm(self, RSM_PERM_RDWR, &self->i));
	ASSERT_EQ(0, rsm_memseg_import_init_barrier(self->i, RSM_BARRIER_SEGMENT,
						    &self->bar));
	EXPECT_EQ(0, rsm_memseg_import_get8(self->i, self->len - 1, &c, 1));
	EXPECT_EQ(0x94, c);
}

TEST_HARNESS_MAIN
