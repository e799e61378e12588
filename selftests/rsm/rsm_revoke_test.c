// SPDX-License-Identifier: GPL-2.0-only
/*
 * What importers on other nodes see when the exporter changes its segment
 * (spec 3.9, DESIGN decision 6), on every node of a cluster of 2 or 3 at
 * once: unpublish revokes at once, even for an importer writing in a loop;
 * republish governs only new connects; rebind moves importers to the new
 * pages without an error.  Node 1 exports; node 2 writes; node 3 (when
 * there is one) reads.
 */
#include "rsm_node_fixture.h"

#define SEG_REVOKE	0x4a0005
#define SEG_REPUB	0x4a0006
#define SEG_REBIND	0x4a0007
#define REVOKE_LEN	(64 * 4096)
#define CHUNK		4096
#define QUIET_S		3	/* the revoked memory must stay unchanged */
#define LOOP_S		60	/* an importer's loop must end within this */

/*
 * Write (put and putv by turns) or read until an operation fails; returns
 * that error, or 0 when the loop ran out of time.  *ops counts the
 * operations that succeeded.
 */
static int hammer(FIXTURE_DATA(node) *self, bool write, unsigned long *ops)
{
	rsm_iovec_t iov = { .io_type = RSM_VA_TYPE, .transfer_length = CHUNK };
	rsm_scat_gath_t sg = { .io_request_count = 1, .iovec = &iov,
			       .remote_handle = self->im[0] };
	double end = rsmt_time() + LOOP_S;
	char chunk[CHUNK];
	size_t off;
	int ret;

	iov.local.vaddr = chunk;
	for (*ops = 0; rsmt_time() < end; (*ops)++) {
		off = (*ops % (REVOKE_LEN / CHUNK)) * CHUNK;
		if (!write) {
			ret = rsm_memseg_import_get(self->im[0], off, chunk, CHUNK);
		} else if (*ops % 2) {
			memset(chunk, 1 + *ops % 255, CHUNK);
			ret = rsm_memseg_import_put(self->im[0], off, chunk, CHUNK);
		} else {
			memset(chunk, 1 + *ops % 255, CHUNK);
			iov.remote_offset = off;
			ret = rsm_memseg_import_putv(&sg);
		}
		if (ret)
			return ret;
	}
	return 0;
}

NODE_TEST(unpublish_revokes_an_importer_writing_in_a_loop, 300)
{
	unsigned long ops = 0;
	uint8_t b = 0;
	char *snap;
	double end;
	int ret;

	if (self->me == EXPORTER)
		export_as(_metadata, self, REVOKE_LEN, SEG_REVOKE, 0, NULL, 0);
	STEP("revoke.published");
	if (self->me != EXPORTER)
		import_k(_metadata, self, 0, SEG_REVOKE);
	STEP("revoke.connected");
	if (self->me == EXPORTER) {
		snap = malloc(REVOKE_LEN);
		ASSERT_NE(NULL, snap);
		sleep(2);	/* let the importers get going */
		ASSERT_EQ(0, rsm_memseg_export_unpublish(self->e));
		memcpy(snap, self->buf, REVOKE_LEN);
		/* the writer did write before */
		EXPECT_NE(0, snap[0] | snap[CHUNK]);
		end = rsmt_time() + QUIET_S;
		while (rsmt_time() < end) {
			if (memcmp(snap, self->buf, REVOKE_LEN))
				break;
			usleep(20 * 1000);
		}
		EXPECT_EQ(0, memcmp(snap, self->buf, REVOKE_LEN))
			TH_LOG("segment memory changed after unpublish returned");
		free(snap);
	} else {
		ret = hammer(self, self->me == PUTTER, &ops);
		TH_LOG("%lu operations before the revocation", ops);
		EXPECT_EQ(RSMERR_CONN_ABORTED, ret);
		EXPECT_LT(0, ops);
		/* the state is final */
		EXPECT_EQ(RSMERR_CONN_ABORTED, rsm_memseg_import_put8(self->im[0], 0, &b, 1));
		EXPECT_EQ(RSMERR_CONN_ABORTED, rsm_memseg_import_get8(self->im[0], 0, &b, 1));
	}
	STEP("revoke.revoked");
	if (self->me != EXPORTER) {
		disconnect_k(_metadata, self, 0);
		EXPECT_EQ(RSMERR_SEG_NOT_PUBLISHED,
			  rsm_memseg_import_connect(self->ctl, EXPORTER, SEG_REVOKE,
						    RSM_PERM_RDWR, &self->im[0]));
	}
	STEP("revoke.end");
}

/* Spec 3.4 republish, 3.9 and A28 */
NODE_TEST(republish_excluding_a_node_keeps_its_import_refuses_new_ones, 180)
{
	rsmapi_access_entry_t acl[2] = { { EXPORTER, 0666 }, { PUTTER, 0666 } };
	rsm_memseg_import_handle_t extra = NULL;
	uint32_t v = 0xfeed0000 + self->me;
	int ret;

	if (self->me == EXPORTER)
		export_as(_metadata, self, 4096, SEG_REPUB, 0, NULL, 0);
	STEP("repub.published");
	if (self->me == PUTTER)
		import_k(_metadata, self, 0, SEG_REPUB);
	STEP("repub.connected");
	/* list nodes 1 and 2: node 3 never connected, it is refused with 8 */
	if (self->me == EXPORTER)
		ASSERT_EQ(0, rsm_memseg_export_republish(self->e, acl, 2));
	STEP("repub.without3");
	if (self->me == 3) {
		EXPECT_EQ(RSMERR_SEG_NOT_PUBLISHED_TO_NODE,
			  rsm_memseg_import_connect(self->ctl, EXPORTER, SEG_REPUB,
						    RSM_PERM_RDWR, &self->im[1]));
	}
	/* list node 1 only: node 2 keeps its import */
	STEP("repub.checked3");
	if (self->me == EXPORTER)
		ASSERT_EQ(0, rsm_memseg_export_republish(self->e, acl, 1));
	STEP("repub.without2");
	if (self->me == PUTTER) {
		EXPECT_EQ(0, rsm_memseg_import_put32(self->im[0], 8, &v, 1));
		v = 0;
		EXPECT_EQ(0, rsm_memseg_import_get32(self->im[0], 8, &v, 1));
		EXPECT_EQ(0xfeed0000 + PUTTER, v);
		ret = rsm_memseg_import_connect(self->ctl, EXPORTER, SEG_REPUB,
						RSM_PERM_RDWR, &extra);
		/* A28: 8, or 27 on a node sharing a live connection */
		EXPECT_TRUE(ret == RSMERR_SEG_NOT_PUBLISHED_TO_NODE ||
			    ret == RSMERR_PERM_DENIED) TH_LOG("new connect gave %d", ret);
		if (!ret)
			rsm_memseg_import_disconnect(extra);
	}
	STEP("repub.checked2");
	if (self->me == EXPORTER)
		EXPECT_EQ(0xfeed0000 + PUTTER, *(uint32_t *)(self->buf + 8));
	if (self->im[0])
		disconnect_k(_metadata, self, 0);
	STEP("repub.end");
}

/* Spec check 91 across nodes, with importers busy during the rebind */
NODE_TEST(rebind_moves_importers_to_the_new_pages_without_error, 300)
{
	const size_t len = 256 * 4096;
	unsigned long ops;
	char *old = NULL;
	int ret = 0;

	if (self->me == EXPORTER) {
		export_as(_metadata, self, len, SEG_REBIND, RSM_ALLOW_REBIND, NULL, 0);
		rsmt_fill_pattern(self->buf, len, 0, 81);
		self->lbuflen = len;
		self->lbuf = node_map(len);
		ASSERT_NE(NULL, self->lbuf);
		rsmt_fill_pattern(self->lbuf, len, 0, 82);
	} else {
		self->lbuflen = len;
		self->lbuf = node_map(len);
		ASSERT_NE(NULL, self->lbuf);
	}
	STEP("rebind.published");
	if (self->me != EXPORTER) {
		import_k(_metadata, self, 0, SEG_REBIND);
		EXPECT_EQ(0, rsm_memseg_import_get(self->im[0], 0, self->lbuf, len));
		EXPECT_EQ(-1, rsmt_check_pattern(self->lbuf, len, 0, 81));
	}
	STEP("rebind.before");
	if (self->me == EXPORTER) {
		usleep(500 * 1000);
		old = self->buf;
		ASSERT_EQ(0, rsm_memseg_export_rebind(self->e, self->lbuf, 0, len));
		/* the fixture releases the new binding's memory last */
		self->buf = self->lbuf;
		self->lbuf = old;
	} else {
		/* data read while the rebind runs is undefined; errors are not */
		for (ops = 0; !rsmt_step_reached("rebind.swapped", EXPORTER) &&
			      !ret; ops++)
			ret = rsm_memseg_import_get(self->im[0], (ops % 256) * 4096,
						    self->lbuf, 4096);
		EXPECT_EQ(0, ret) TH_LOG("after %lu reads during the rebind", ops);
	}
	STEP("rebind.swapped");
	if (self->me != EXPORTER) {
		memset(self->lbuf, 0, len);
		EXPECT_EQ(0, rsm_memseg_import_get(self->im[0], 0, self->lbuf, len));
		EXPECT_EQ(-1, rsmt_check_pattern(self->lbuf, len, 0, 82));
	}
	STEP("rebind.read");
	if (self->me == PUTTER) {
		rsmt_fill_pattern(self->lbuf, 2 * 4096, 4096, 83);
		EXPECT_EQ(0, rsm_memseg_import_put(self->im[0], 4096, self->lbuf, 2 * 4096));
	}
	STEP("rebind.written");
	if (self->me == EXPORTER) {
		EXPECT_EQ(-1, rsmt_check_pattern(self->buf + 4096, 2 * 4096, 4096, 83));
		EXPECT_EQ(-1, rsmt_check_pattern(self->buf + 3 * 4096, len - 3 * 4096,
						 3 * 4096, 82));
		/* nothing reached the old pages */
		EXPECT_EQ(-1, rsmt_check_pattern(self->lbuf, len, 0, 81));
	}
	if (self->im[0])
		disconnect_k(_metadata, self, 0);
	STEP("rebind.end");
}

TEST_HARNESS_MAIN
