// SPDX-License-Identifier: GPL-2.0-only
/*
 * Import segments on one node: barriers and barrier modes, forced
 * disconnect as barriers report it (spec checks 77-87), scatter/gather and
 * local memory handles (111, 112, 114-117), through the loopback
 * controller and through rxe0 importing from the local node.
 */
#include "rsm_import_fixture.h"

/* Spec check 77 */
IMPORT_TEST(init_barrier_checks_segment_and_barrier_pointer)
{
	setup_e(_metadata, self, 0, NULL, 0);
	ASSERT_EQ(0, connect_perm(self, RSM_PERM_RDWR, &self->i));
	EXPECT_EQ(RSMERR_BAD_SEG_HNDL, rsm_memseg_import_init_barrier(NULL,
				RSM_BARRIER_SEGMENT, &self->bar));
	EXPECT_EQ(RSMERR_BAD_BARRIER_PTR, rsm_memseg_import_init_barrier(self->i,
				RSM_BARRIER_SEGMENT, NULL));
	/* the type is not validated (spec 2.8) */
	EXPECT_EQ(0, rsm_memseg_import_init_barrier(self->i, 0x77, &self->bar));
}

/* Spec check 78 */
IMPORT_TEST(barrier_calls_on_null_are_bad_barrier_ptr)
{
	EXPECT_EQ(RSMERR_BAD_BARRIER_PTR, rsm_memseg_import_open_barrier(NULL));
	EXPECT_EQ(RSMERR_BAD_BARRIER_PTR, rsm_memseg_import_order_barrier(NULL));
	EXPECT_EQ(RSMERR_BAD_BARRIER_PTR, rsm_memseg_import_close_barrier(NULL));
	EXPECT_EQ(RSMERR_BAD_BARRIER_PTR, rsm_memseg_import_destroy_barrier(NULL));
}

/* Spec check 79 */
IMPORT_TEST(never_initialised_barrier_is_uninitialized)
{
	rsmapi_barrier_t b;

	memset(&b, 0, sizeof(b));
	EXPECT_EQ(RSMERR_BARRIER_UNINITIALIZED, rsm_memseg_import_open_barrier(&b));
	EXPECT_EQ(RSMERR_BARRIER_UNINITIALIZED, rsm_memseg_import_order_barrier(&b));
	EXPECT_EQ(RSMERR_BARRIER_UNINITIALIZED, rsm_memseg_import_close_barrier(&b));
	EXPECT_EQ(RSMERR_BARRIER_UNINITIALIZED, rsm_memseg_import_destroy_barrier(&b));
}

/* Spec check 80 */
IMPORT_TEST(explicit_span_with_order_barrier_delivers_both_writes)
{
	uint32_t a = 0xaaaa5555, b = 0x12345678;

	setup_i(_metadata, self, 0);
	ASSERT_EQ(0, rsm_memseg_import_set_mode(self->i, RSM_BARRIER_MODE_EXPLICIT));
	EXPECT_EQ(0, rsm_memseg_import_open_barrier(&self->bar));
	EXPECT_EQ(0, rsm_memseg_import_put32(self->i, 0, &a, 1));
	EXPECT_EQ(0, rsm_memseg_import_order_barrier(&self->bar));
	EXPECT_EQ(0, rsm_memseg_import_put32(self->i, self->P, &b, 1));
	EXPECT_EQ(0, rsm_memseg_import_close_barrier(&self->bar));
	EXPECT_EQ(a, *(uint32_t *)self->buf);
	EXPECT_EQ(b, *(uint32_t *)(self->buf + self->P));
	/* a barrier may be opened again after a close */
	EXPECT_EQ(0, rsm_memseg_import_open_barrier(&self->bar));
	EXPECT_EQ(0, rsm_memseg_import_close_barrier(&self->bar));
}

/* Spec check 81 */
IMPORT_TEST(unpublish_inside_an_explicit_span_fails_its_close)
{
	uint32_t v = 1;
	int ret;

	setup_i(_metadata, self, 0);
	ASSERT_EQ(0, rsm_memseg_import_set_mode(self->i, RSM_BARRIER_MODE_EXPLICIT));
	EXPECT_EQ(0, rsm_memseg_import_put32(self->i, 0, &v, 1));
	EXPECT_EQ(0, rsm_memseg_import_open_barrier(&self->bar));
	ASSERT_EQ(0, rsm_memseg_export_unpublish(self->e));
	ret = rsm_memseg_import_put32(self->i, 0, &v, 1);
	EXPECT_TRUE(ret == 0 || ret == RSMERR_CONN_ABORTED) TH_LOG("put32 gave %d", ret);
	EXPECT_EQ(RSMERR_CONN_ABORTED, rsm_memseg_import_close_barrier(&self->bar));
}

/* Spec check 82 and 3.9 (putv/getv too) */
IMPORT_TEST(every_implicit_op_after_unpublish_is_conn_aborted)
{
	rsm_iovec_t iov = { .io_type = RSM_VA_TYPE, .transfer_length = 8 };
	rsm_scat_gath_t sg = { .io_request_count = 1, .iovec = &iov };
	uint8_t b = 1;
	int k;

	setup_i(_metadata, self, 0);
	ASSERT_EQ(0, rsm_memseg_export_unpublish(self->e));
	for (k = 0; k < 3; k++) {
		EXPECT_EQ(RSMERR_CONN_ABORTED, rsm_memseg_import_put8(self->i, 0, &b, 1));
		EXPECT_EQ(RSMERR_CONN_ABORTED, rsm_memseg_import_get8(self->i, 0, &b, 1));
	}
	iov.local.vaddr = self->lbuf;
	sg.remote_handle = self->i;
	EXPECT_EQ(RSMERR_CONN_ABORTED, rsm_memseg_import_putv(&sg));
	EXPECT_EQ(RSMERR_CONN_ABORTED, rsm_memseg_import_getv(&sg));
	EXPECT_EQ(0, self->buf[0]);
}

/* Spec check 83 */
IMPORT_TEST(publishing_the_id_again_does_not_revive_an_aborted_import)
{
	rsm_memseg_id_t id = 0x4c0083;	/* auto ids cannot be given back */
	uint8_t b = 0x83;

	ASSERT_EQ(0, rsm_memseg_export_create(self->ctl, &self->e, self->buf,
					      self->len, 0));
	self->id = id;
	ASSERT_EQ(0, rsm_memseg_export_publish(self->e, &self->id, NULL, 0));
	ASSERT_EQ(0, connect_perm(self, RSM_PERM_RDWR, &self->i));
	ASSERT_EQ(0, rsm_memseg_import_init_barrier(self->i, RSM_BARRIER_SEGMENT,
						    &self->bar));
	ASSERT_EQ(0, rsm_memseg_export_unpublish(self->e));
	EXPECT_EQ(RSMERR_CONN_ABORTED, rsm_memseg_import_put8(self->i, 0, &b, 1));
	ASSERT_EQ(0, rsm_memseg_export_publish(self->e, &id, NULL, 0));
	EXPECT_EQ(self->id, id);
	EXPECT_EQ(RSMERR_CONN_ABORTED, rsm_memseg_import_put8(self->i, 0, &b, 1));
	EXPECT_EQ(RSMERR_CONN_ABORTED, rsm_memseg_import_get8(self->i, 0, &b, 1));
	EXPECT_EQ(0, rsm_memseg_import_disconnect(self->i));
	self->i = NULL;
	ASSERT_EQ(0, connect_perm(self, RSM_PERM_RDWR, &self->i));
	memset(&self->bar, 0, sizeof(self->bar));
	ASSERT_EQ(0, rsm_memseg_import_init_barrier(self->i, RSM_BARRIER_SEGMENT,
						    &self->bar));
	EXPECT_EQ(0, rsm_memseg_import_put8(self->i, 0, &b, 1));
	EXPECT_EQ(0x83, (uint8_t)self->buf[0]);
}

/* Spec check 84 */
IMPORT_TEST(destroyed_barrier_leaves_implicit_ops_uninitialized)
{
	uint8_t b = 1;

	setup_i(_metadata, self, 0);
	EXPECT_EQ(0, rsm_memseg_import_destroy_barrier(&self->bar));
	EXPECT_EQ(RSMERR_BARRIER_UNINITIALIZED, rsm_memseg_import_put8(self->i, 0, &b, 1));
	EXPECT_EQ(RSMERR_BARRIER_UNINITIALIZED, rsm_memseg_import_get8(self->i, 0, &b, 1));
	EXPECT_EQ(RSMERR_BARRIER_UNINITIALIZED, rsm_memseg_import_destroy_barrier(&self->bar));
	EXPECT_EQ(RSMERR_BARRIER_UNINITIALIZED, rsm_memseg_import_open_barrier(&self->bar));
	EXPECT_EQ(0, self->buf[0]);
}

/* Spec check 85 and A3 */
IMPORT_TEST(close_or_order_of_an_unopened_barrier_is_not_opened)
{
	setup_i(_metadata, self, 0);
	EXPECT_EQ(RSMERR_BARRIER_NOT_OPENED, rsm_memseg_import_close_barrier(&self->bar));
	EXPECT_EQ(RSMERR_BARRIER_NOT_OPENED, rsm_memseg_import_order_barrier(&self->bar));
	EXPECT_EQ(0, rsm_memseg_import_open_barrier(&self->bar));
	EXPECT_EQ(0, rsm_memseg_import_close_barrier(&self->bar));
	EXPECT_EQ(RSMERR_BARRIER_NOT_OPENED, rsm_memseg_import_close_barrier(&self->bar));
}

/* Spec check 86 */
IMPORT_TEST(barrier_mode_is_implicit_after_connect_and_settable)
{
	rsm_barrier_mode_t m = RSM_BARRIER_MODE_EXPLICIT;

	setup_e(_metadata, self, 0, NULL, 0);
	ASSERT_EQ(0, connect_perm(self, RSM_PERM_RDWR, &self->i));
	EXPECT_EQ(RSMERR_BAD_MODE, rsm_memseg_import_set_mode(self->i, 2));
	EXPECT_EQ(RSMERR_BAD_SEG_HNDL, rsm_memseg_import_set_mode(NULL,
				RSM_BARRIER_MODE_EXPLICIT));
	EXPECT_EQ(RSMERR_BAD_SEG_HNDL, rsm_memseg_import_get_mode(NULL, &m));
	EXPECT_EQ(RSMERR_BAD_ADDR, rsm_memseg_import_get_mode(self->i, NULL));
	EXPECT_EQ(0, rsm_memseg_import_get_mode(self->i, &m));
	EXPECT_EQ(RSM_BARRIER_MODE_IMPLICIT, m);
	EXPECT_EQ(0, rsm_memseg_import_set_mode(self->i, RSM_BARRIER_MODE_EXPLICIT));
	EXPECT_EQ(0, rsm_memseg_import_get_mode(self->i, &m));
	EXPECT_EQ(RSM_BARRIER_MODE_EXPLICIT, m);
	EXPECT_EQ(0, rsm_memseg_import_set_mode(self->i, RSM_BARRIER_MODE_IMPLICIT));
	EXPECT_EQ(0, rsm_memseg_import_get_mode(self->i, &m));
	EXPECT_EQ(RSM_BARRIER_MODE_IMPLICIT, m);
}

/* Spec check 87 and A31 */
IMPORT_TEST(destroying_either_barrier_clears_the_current_one)
{
	uint8_t b = 1;

	setup_i(_metadata, self, 0);
	ASSERT_EQ(0, rsm_memseg_import_init_barrier(self->i, RSM_BARRIER_SEGMENT,
						    &self->bar2));
	EXPECT_EQ(0, rsm_memseg_import_put8(self->i, 0, &b, 1));
	EXPECT_EQ(0, rsm_memseg_import_destroy_barrier(&self->bar));
	EXPECT_EQ(RSMERR_BARRIER_UNINITIALIZED, rsm_memseg_import_put8(self->i, 0, &b, 1));
	EXPECT_EQ(RSMERR_BARRIER_UNINITIALIZED, rsm_memseg_import_get8(self->i, 0, &b, 1));
}

/* Spec check 111 */
IMPORT_TEST(scatter_gather_checks_the_vector)
{
	rsm_iovec_t iov[RSM_MAX_SGIOREQS + 1];
	rsm_scat_gath_t sg = { 0 };
	int k;

	setup_i(_metadata, self, 0);
	for (k = 0; k <= RSM_MAX_SGIOREQS; k++) {
		iov[k].io_type = RSM_VA_TYPE;
		iov[k].local.vaddr = self->lbuf;
		iov[k].local_offset = 8 * k;
		iov[k].remote_offset = 8 * k;
		iov[k].transfer_length = 8;
	}
	rsmt_fill_pattern(self->lbuf, 8 * RSM_MAX_SGIOREQS, 0, 111);
	EXPECT_EQ(RSMERR_BAD_SGIO, rsm_memseg_import_putv(NULL));
	EXPECT_EQ(RSMERR_BAD_SGIO, rsm_memseg_import_getv(NULL));
	sg.iovec = iov;
	sg.io_request_count = 1;
	EXPECT_EQ(RSMERR_BAD_SEG_HNDL, rsm_memseg_import_putv(&sg));
	sg.remote_handle = self->i;
	sg.io_request_count = 0;
	EXPECT_EQ(RSMERR_BAD_SGIO, rsm_memseg_import_putv(&sg));
	sg.io_request_count = RSM_MAX_SGIOREQS + 1;
	EXPECT_EQ(RSMERR_BAD_SGIO, rsm_memseg_import_putv(&sg));
	EXPECT_EQ(RSMERR_BAD_SGIO, rsm_memseg_import_getv(&sg));
	iov[0].io_type = 7;
	sg.io_request_count = 1;
	EXPECT_EQ(RSMERR_BAD_SGIO, rsm_memseg_import_putv(&sg));
	iov[0].io_type = RSM_VA_TYPE;
	EXPECT_EQ(0, memcmp(self->buf, "\0\0\0\0\0\0\0\0", 8));
	sg.io_request_count = RSM_MAX_SGIOREQS;
	EXPECT_EQ(0, rsm_memseg_import_putv(&sg));
	EXPECT_EQ(0, sg.io_residual_count);
	EXPECT_EQ(-1, rsmt_check_pattern(self->buf, 8 * RSM_MAX_SGIOREQS, 0, 111));
}

/* Spec check 112 */
IMPORT_TEST(putv_and_getv_move_every_entry)
{
	char *out = self->lbuf, *in = self->lbuf + self->P;
	rsm_iovec_t iov[2] = {
		{ .io_type = RSM_VA_TYPE, .local.vaddr = out,
		  .remote_offset = 0, .transfer_length = 64 },
		{ .io_type = RSM_VA_TYPE, .local.vaddr = out, .local_offset = 64,
		  .remote_offset = 2 * self->P, .transfer_length = 64 },
	};
	rsm_scat_gath_t sg = { .io_request_count = 2, .io_residual_count = 9,
			       .remote_handle = NULL, .iovec = iov };

	setup_i(_metadata, self, 0);
	sg.remote_handle = self->i;
	rsmt_fill_pattern(out, 128, 0, 112);
	EXPECT_EQ(0, rsm_memseg_import_putv(&sg));
	EXPECT_EQ(0, sg.io_residual_count);
	EXPECT_EQ(0, sg.flags);
	EXPECT_EQ(0, memcmp(self->buf, out, 64));
	EXPECT_EQ(0, memcmp(self->buf + 2 * self->P, out + 64, 64));
	EXPECT_EQ(0, self->buf[64]);
	iov[0].local.vaddr = in;
	iov[1].local.vaddr = in;
	sg.io_residual_count = 9;
	EXPECT_EQ(0, rsm_memseg_import_getv(&sg));
	EXPECT_EQ(0, sg.io_residual_count);
	EXPECT_EQ(0, memcmp(in, out, 128));
}

/* Spec check 114 and 3.7 step 6 (stop at the first failing entry) */
IMPORT_TEST(scatter_gather_entry_beyond_the_segment_is_bad_offset)
{
	rsm_iovec_t iov[2] = {
		{ .io_type = RSM_VA_TYPE, .remote_offset = 0, .transfer_length = 8 },
		{ .io_type = RSM_VA_TYPE, .remote_offset = self->len - 8,
		  .transfer_length = 16 },
	};
	rsm_scat_gath_t sg = { .io_request_count = 1, .iovec = &iov[1] };

	setup_i(_metadata, self, 0);
	iov[0].local.vaddr = self->lbuf;
	iov[1].local.vaddr = self->lbuf;
	memset(self->lbuf, 0x72, 16);
	sg.remote_handle = self->i;
	EXPECT_EQ(RSMERR_BAD_OFFSET, rsm_memseg_import_putv(&sg));
	EXPECT_EQ(1, sg.io_residual_count);
	EXPECT_EQ(RSMERR_BAD_OFFSET, rsm_memseg_import_getv(&sg));
	EXPECT_EQ(0, self->buf[self->len - 1]);
	sg.iovec = iov;
	sg.io_request_count = 2;
	EXPECT_EQ(RSMERR_BAD_OFFSET, rsm_memseg_import_putv(&sg));
	EXPECT_EQ(1, sg.io_residual_count);
	EXPECT_EQ(0x72, self->buf[0]);
}

/* Spec check 115 */
IMPORT_TEST(create_localmemory_handle_checks_arguments_in_order)
{
	rsm_localmemory_handle_t lh = NULL;

	EXPECT_EQ(RSMERR_BAD_ADDR, rsm_create_localmemory_handle(self->ctl, &lh,
				self->lbuf + 1, self->P));
	EXPECT_EQ(RSMERR_BAD_ADDR, rsm_create_localmemory_handle(NULL, &lh,
				self->lbuf + 1, self->P));
	EXPECT_EQ(RSMERR_BAD_CTLR_HNDL, rsm_create_localmemory_handle(NULL, &lh,
				self->lbuf, self->P));
	EXPECT_EQ(RSMERR_BAD_LOCALMEM_HNDL, rsm_create_localmemory_handle(self->ctl,
				NULL, self->lbuf, self->P));
	EXPECT_EQ(RSMERR_BAD_LENGTH, rsm_create_localmemory_handle(self->ctl, &lh,
				self->lbuf, 0));
	EXPECT_EQ(RSMERR_BAD_ADDR, rsm_create_localmemory_handle(self->ctl, &lh,
				NULL, self->P));
	EXPECT_EQ(0, rsm_create_localmemory_handle(self->ctl, &self->lh, self->lbuf, 100));
	EXPECT_NE(NULL, self->lh);
}

/* Spec check 116 and 3.7 step 5 (handle range) */
IMPORT_TEST(scatter_gather_through_a_local_handle)
{
	rsm_iovec_t iov = { .io_type = RSM_HANDLE_TYPE, .local_offset = 8,
			    .remote_offset = 100, .transfer_length = 32 };
	rsm_scat_gath_t sg = { .io_request_count = 1, .iovec = &iov };

	setup_i(_metadata, self, 0);
	sg.remote_handle = self->i;
	rsmt_fill_pattern(self->lbuf, self->P, 0, 116);
	ASSERT_EQ(0, rsm_create_localmemory_handle(self->ctl, &self->lh, self->lbuf,
						   self->P));
	iov.local.handle = self->lh;
	EXPECT_EQ(0, rsm_memseg_import_putv(&sg));
	EXPECT_EQ(0, memcmp(self->buf + 100, self->lbuf + 8, 32));
	EXPECT_EQ(0, self->buf[99]);
	EXPECT_EQ(0, self->buf[132]);
	/* getv into the handle */
	rsmt_fill_pattern(self->buf + 2 * self->P, 32, 0, 1160);
	iov.remote_offset = 2 * self->P;
	iov.local_offset = self->P - 32;
	EXPECT_EQ(0, rsm_memseg_import_getv(&sg));
	EXPECT_EQ(-1, rsmt_check_pattern(self->lbuf + self->P - 32, 32, 0, 1160));
	/* beyond the handle's memory */
	iov.local_offset = self->P - 8;
	iov.transfer_length = 16;
	EXPECT_EQ(RSMERR_BAD_LENGTH, rsm_memseg_import_putv(&sg));
	EXPECT_EQ(1, sg.io_residual_count);
}

/* Spec check 117 */
IMPORT_TEST(free_localmemory_handle_checks_and_forgets_the_handle)
{
	rsm_iovec_t iov = { .io_type = RSM_HANDLE_TYPE, .transfer_length = 8 };
	rsm_scat_gath_t sg = { .io_request_count = 1, .iovec = &iov };
	struct rsmt_counts c;

	setup_i(_metadata, self, 0);
	sg.remote_handle = self->i;
	ASSERT_EQ(0, rsm_create_localmemory_handle(self->ctl, &self->lh, self->lbuf,
						   self->P));
	EXPECT_EQ(RSMERR_BAD_CTLR_HNDL, rsm_free_localmemory_handle(NULL, self->lh));
	EXPECT_EQ(RSMERR_BAD_LOCALMEM_HNDL, rsm_free_localmemory_handle(self->ctl, NULL));
	iov.local.handle = self->lh;
	EXPECT_EQ(0, rsm_free_localmemory_handle(self->ctl, self->lh));
	self->lh = NULL;
	ASSERT_EQ(0, rsmt_counts(&c));
	EXPECT_EQ(self->base.localmem_handles, c.localmem_handles);
	/* a freed handle named in a vector is refused (normative) */
	EXPECT_EQ(RSMERR_BAD_SGIO, rsm_memseg_import_putv(&sg));
}

TEST_HARNESS_MAIN
