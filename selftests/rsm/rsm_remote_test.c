// SPDX-License-Identifier: GPL-2.0-only
/*
 * Import segments across nodes, on every node of a cluster of 2 or 3 at
 * once: data put on one node is what the exporter holds and what another
 * node gets, byte for byte, for byte strings, elements of every width and
 * scatter/gather vectors; access lists (spec check 46) and nodes without a
 * path (48).  Node 1 exports; node 2 puts; node 3 (node 2 on two nodes)
 * gets.  Revocation is in rsm_revoke_test.c, scale in rsm_scale_test.c.
 */
#include <pthread.h>

#include "rsm_node_fixture.h"

#define MiB		(1024 * 1024UL)
#define SEG_XFER	0x4a0001
#define SEG_WIDTH	0x4a0002
#define SEG_SGIO	0x4a0003
#define SEG_ACL		0x4a0004
#define SEG_SLOW	0x4a0005
#define SEG_QUEUE	0x4a0006

static const struct xfer_case {
	size_t len, off;
} xfer_cases[] = {
	{ 1, 0 }, { 7, 1 }, { 4096, 0 }, { 4096, 4095 }, { 65536 + 3, 0 },
	{ 65536 + 3, 1 }, { MiB, 0 }, { MiB, 4095 }, { 64 * MiB, 0 },
};

static void step_name(char *out, size_t len, const char *test, int k,
		      const char *what)
{
	snprintf(out, len, "%s.%d.%s", test, k, what);
}

/* Byte strings of every size at aligned and unaligned offsets */
NODE_TEST(put_data_is_what_exporter_holds_and_others_get, 900)
{
	const size_t seglen = 64 * MiB + 2 * sysconf(_SC_PAGESIZE);
	char name[64];
	unsigned int k;
	double t;

	if (self->me == EXPORTER)
		export_as(_metadata, self, seglen, SEG_XFER, 0, NULL, 0);
	STEP("xfer.published");
	if (self->me == PUTTER || self->me == self->getter) {
		self->lbuflen = 64 * MiB;
		self->lbuf = node_map(self->lbuflen);
		ASSERT_NE(NULL, self->lbuf);
		import_k(_metadata, self, 0, SEG_XFER);
	}
	for (k = 0; k < sizeof(xfer_cases) / sizeof(xfer_cases[0]); k++) {
		size_t len = xfer_cases[k].len, off = xfer_cases[k].off;
		uint8_t g = 0;

		if (self->me == EXPORTER) {
			/* guards: the bytes around the range stay as they are */
			if (off)
				self->buf[off - 1] = 0xEE;
			self->buf[off + len] = 0xEE;
		}
		step_name(name, sizeof(name), "xfer", k, "ready");
		STEP(name);
		if (self->me == PUTTER) {
			rsmt_fill_pattern(self->lbuf, len, off, k + 1);
			t = rsmt_time();
			EXPECT_EQ(0, rsm_memseg_import_put(self->im[0], off, self->lbuf, len))
				TH_LOG("put of %zu bytes at %zu", len, off);
			TH_LOG("put %zu bytes at offset %zu: %.3f s", len, off, rsmt_time() - t);
		}
		/* 64 MiB take 2 min on a debug guest over soft-iWARP */
		step_name(name, sizeof(name), "xfer", k, "put");
		STEP_LONG(name, 600);
		if (self->me == EXPORTER) {
			EXPECT_EQ(-1, rsmt_check_pattern(self->buf + off, len, off, k + 1))
				TH_LOG("exporter: %zu bytes at %zu", len, off);
			if (off)
				EXPECT_EQ(0xEE, (uint8_t)self->buf[off - 1]);
			EXPECT_EQ(0xEE, (uint8_t)self->buf[off + len]);
		}
		if (self->me == self->getter) {
			memset(self->lbuf, 0, len);
			EXPECT_EQ(0, rsm_memseg_import_get(self->im[0], off, self->lbuf, len));
			EXPECT_EQ(-1, rsmt_check_pattern(self->lbuf, len, off, k + 1))
				TH_LOG("getter: %zu bytes at %zu", len, off);
			EXPECT_EQ(0, rsm_memseg_import_get(self->im[0], off + len, &g, 1));
			EXPECT_EQ(0xEE, g);
		}
		step_name(name, sizeof(name), "xfer", k, "checked");
		STEP_LONG(name, 600);
	}
	if (self->im[0])
		disconnect_k(_metadata, self, 0);
	STEP("xfer.end");
}

/* Slow this node's link to 0.5 MB/s where the kernel can (tbf). */
static bool slow_link(void)
{
	return !rsmt_sh("tc qdisc replace dev eth0 root tbf rate 4mbit burst 16kb latency 200ms 2>/dev/null");
}

/*
 * The exporter publishes @seg (@len bytes), the putter fills a buffer with
 * @pattern and imports it, then both slow their links.  Steps are named
 * after @name.  Return: this node's link was slowed (to undo).
 */
static bool slow_pair(struct __test_metadata *_metadata,
		      FIXTURE_DATA(node) *self, size_t len, rsm_memseg_id_t seg,
		      int pattern, const char *name)
{
	char step[64];
	bool slowed = false;

	if (self->me == EXPORTER)
		export_as(_metadata, self, len, seg, 0, NULL, 0);
	if (self->me == PUTTER) {
		self->lbuflen = len;
		self->lbuf = node_map(len);
		ASSERT_NE(NULL, self->lbuf);
		rsmt_fill_pattern(self->lbuf, len, 0, pattern);
	}
	snprintf(step, sizeof(step), "%s.published", name);
	ASSERT_EQ(0, rsmt_step(step, STEP_S));
	if (self->me == PUTTER)
		import_k(_metadata, self, 0, seg);
	if (self->me == EXPORTER || self->me == PUTTER)
		slowed = slow_link();
	snprintf(step, sizeof(step), "%s.slowed", name);
	ASSERT_EQ(0, rsmt_step(step, STEP_S));
	return slowed;
}

/* A put or get of @len bytes that must last longer than the timeout. */
static void slow_xfer(struct __test_metadata *_metadata,
		      FIXTURE_DATA(node) *self, bool put, size_t len)
{
	unsigned int hb_ms = 0;
	double t;
	int ret;

	ASSERT_EQ(0, rsmt_get_param("hb_timeout_ms", &hb_ms));
	t = rsmt_time();
	if (put)
		ret = rsm_memseg_import_put(self->im[0], 0, self->lbuf, len);
	else
		ret = rsm_memseg_import_get(self->im[0], 0, self->lbuf, len);
	t = rsmt_time() - t;
	TH_LOG("%s of %zu MiB: %.1f s; heartbeat timeout %u ms", put ? "put" : "get",
	       len / MiB, t, hb_ms);
	EXPECT_EQ(0, ret);
	/* else it proves nothing */
	EXPECT_LT(hb_ms / 1000.0, t);
}

/*
 * A put or a get that lasts longer than the heartbeat timeout keeps the
 * connection.  On iWARP the exporter sees RDMA WRITEs as TCP traffic only,
 * no sign of life, and the putter's periodic heartbeats leave after all the
 * data queued before them.  Both links are slowed to 0.5 MB/s here (tbf);
 * a guest on the debug kernel, which has no tbf, is slower than that.  On
 * RoCE every send is acknowledged, which counts as life.
 */
NODE_TEST(a_put_longer_than_the_heartbeat_timeout_keeps_the_connection, 300)
{
	const size_t len = 8 * MiB;
	long long before = 0;
	bool slowed = false;

	if (strcmp(rsmt_transport(), "siw"))
		SKIP(return, "RoCE: acknowledged sends keep heartbeats apart from data");
	if (self->me == EXPORTER) {
		before = node_conn_losses(PUTTER);
		ASSERT_LE(0, before);
	}
	slowed = slow_pair(_metadata, self, len, SEG_SLOW, 77, "slow");
	if (self->me == PUTTER)
		slow_xfer(_metadata, self, true, len);
	STEP_LONG("slow.put", 600);
	if (self->me == EXPORTER)
		EXPECT_EQ(-1, rsmt_check_pattern(self->buf, len, 0, 77));
	if (self->me == PUTTER) {
		memset(self->lbuf, 0, len);
		slow_xfer(_metadata, self, false, len);
		EXPECT_EQ(-1, rsmt_check_pattern(self->lbuf, len, 0, 77));
	}
	STEP_LONG("slow.got", 600);
	if (slowed)
		rsmt_sh("tc qdisc del dev eth0 root");
	if (self->me == EXPORTER)
		EXPECT_EQ(before, node_conn_losses(PUTTER));
	if (self->im[0])
		disconnect_k(_metadata, self, 0);
	STEP("slow.end");
}

struct bg_put {
	rsm_memseg_import_handle_t im;
	void *buf;
	size_t len;
	int ret;
};

static void *bg_put_run(void *arg)
{
	struct bg_put *p = arg;

	p->ret = rsm_memseg_import_put(p->im, 0, p->buf, p->len);
	return NULL;
}

#define PROBES		3
#define PROBE_MAX_S	6.0

/*
 * A message does not wait behind all the data of another user's long put:
 * an endpoint keeps in flight only what its link moves in a fraction of a
 * second.  While one thread puts 8 MiB over links slowed to 0.5 MB/s,
 * another posts a signal to the exporter, which answers with a signal to
 * its importers; each round trip takes under 6 s (2.3-3.5 s measured).
 * What the local TCP socket holds (about 1.3 MB here) is beyond the
 * module's reach; a send queue of 2 MiB on top of it (4 s more, as before
 * the bound) starved the heartbeats and lost the connection.  RoCE retransmits whole READs and WRITEs on a
 * slowed link, which says nothing about queues: siw only.
 */
NODE_TEST(a_signal_is_not_held_up_behind_a_long_put, 300)
{
	const size_t len = 8 * MiB;
	struct bg_put bg = { 0 };
	bool slowed = false;
	pthread_t th;
	double t;
	int k;

	if (strcmp(rsmt_transport(), "siw"))
		SKIP(return, "needs siw");
	slowed = slow_pair(_metadata, self, len, SEG_QUEUE, 78, "queue");
	if (self->me == EXPORTER) {
		/* echo each probe; the putter's round trips are the check */
		for (k = 0; k < PROBES; k++) {
			EXPECT_EQ(0, rsm_intr_signal_wait(self->e, 120000));
			EXPECT_EQ(0, rsm_intr_signal_post(self->e, 0));
		}
	}
	if (self->me == PUTTER) {
		bg.im = self->im[0];
		bg.buf = self->lbuf;
		bg.len = len;
		ASSERT_EQ(0, pthread_create(&th, NULL, bg_put_run, &bg));
		sleep(3);	/* every queue on the way is full by now */
		for (k = 0; k < PROBES; k++) {
			t = rsmt_time();
			EXPECT_EQ(0, rsm_intr_signal_post(self->im[0], 0));
			EXPECT_EQ(0, rsm_intr_signal_wait(self->im[0], 60000));
			t = rsmt_time() - t;
			TH_LOG("round trip %d during the put: %.2f s", k, t);
			EXPECT_GT(PROBE_MAX_S, t);
			sleep(1);
		}
		pthread_join(th, NULL);
		EXPECT_EQ(0, bg.ret);
	}
	STEP_LONG("queue.done", 600);
	if (slowed)
		rsmt_sh("tc qdisc del dev eth0 root");
	if (self->me == EXPORTER)
		EXPECT_EQ(-1, rsmt_check_pattern(self->buf, len, 0, 78));
	if (self->im[0])
		disconnect_k(_metadata, self, 0);
	STEP("queue.end");
}

/* put8/16/32/64 and get8/16/32/64 with repeat counts */
NODE_TEST(element_widths_with_repeat_counts_cross_nodes, 180)
{
	static const struct { unsigned int w; size_t off; unsigned long rep; } el[] = {
		{ 1, 3, 13 }, { 2, 34, 7 }, { 4, 100, 9 }, { 8, 1024, 33 },
		{ 8, 4096, 512 }, { 4, 8192 + 4, 1023 }, { 2, 14000, 2 },
	};
	uint64_t data[1024], back[1024];
	unsigned int k;
	int ret;

	if (self->me == EXPORTER)
		export_as(_metadata, self, 4 * 4096, SEG_WIDTH, 0, NULL, 0);
	STEP("width.published");
	if (self->me == PUTTER || self->me == self->getter)
		import_k(_metadata, self, 0, SEG_WIDTH);
	for (k = 0; self->me == PUTTER && k < sizeof(el) / sizeof(el[0]); k++) {
		rsmt_fill_pattern(data, el[k].w * el[k].rep, el[k].off, 200 + k);
		switch (el[k].w) {
		case 1: ret = rsm_memseg_import_put8(self->im[0], el[k].off, (uint8_t *)data, el[k].rep); break;
		case 2: ret = rsm_memseg_import_put16(self->im[0], el[k].off, (uint16_t *)data, el[k].rep); break;
		case 4: ret = rsm_memseg_import_put32(self->im[0], el[k].off, (uint32_t *)data, el[k].rep); break;
		default: ret = rsm_memseg_import_put64(self->im[0], el[k].off, data, el[k].rep); break;
		}
		EXPECT_EQ(0, ret) TH_LOG("put%u x %lu at %zu", 8 * el[k].w, el[k].rep, el[k].off);
	}
	STEP("width.put");
	for (k = 0; k < sizeof(el) / sizeof(el[0]); k++) {
		size_t len = el[k].w * el[k].rep;

		if (self->me == EXPORTER)
			EXPECT_EQ(-1, rsmt_check_pattern(self->buf + el[k].off, len,
							 el[k].off, 200 + k))
				TH_LOG("exporter: width %u at %zu", el[k].w, el[k].off);
		if (self->me != self->getter)
			continue;
		memset(back, 0, sizeof(back));
		switch (el[k].w) {
		case 1: ret = rsm_memseg_import_get8(self->im[0], el[k].off, (uint8_t *)back, el[k].rep); break;
		case 2: ret = rsm_memseg_import_get16(self->im[0], el[k].off, (uint16_t *)back, el[k].rep); break;
		case 4: ret = rsm_memseg_import_get32(self->im[0], el[k].off, (uint32_t *)back, el[k].rep); break;
		default: ret = rsm_memseg_import_get64(self->im[0], el[k].off, back, el[k].rep); break;
		}
		EXPECT_EQ(0, ret);
		EXPECT_EQ(-1, rsmt_check_pattern(back, len, el[k].off, 200 + k))
			TH_LOG("getter: width %u at %zu", el[k].w, el[k].off);
	}
	if (self->im[0])
		disconnect_k(_metadata, self, 0);
	STEP("width.end");
}

/*
 * One vector of address and local-handle entries: the remote ranges and
 * the local ones (a 2-page handle buffer, then an address buffer).
 */
static const struct { int handle; size_t loff, roff, len; } sg_ent[] = {
	{ 0, 3, 5, 100 }, { 1, 8, 4096 - 10, 300 }, { 0, 4096, 2 * 4096, 4096 },
	{ 1, 4096, 3 * 4096 + 1, 777 }, { 1, 2 * 4096 - 64, 4 * 4096 - 64, 64 },
};

static void sg_vector(FIXTURE_DATA(node) *self, rsm_iovec_t *iov,
		      rsm_scat_gath_t *sg, char *va)
{
	unsigned int k;

	memset(sg, 0, sizeof(*sg));
	for (k = 0; k < sizeof(sg_ent) / sizeof(sg_ent[0]); k++) {
		iov[k].io_type = sg_ent[k].handle ? RSM_HANDLE_TYPE : RSM_VA_TYPE;
		if (sg_ent[k].handle)
			iov[k].local.handle = self->lh;
		else
			iov[k].local.vaddr = va;
		iov[k].local_offset = sg_ent[k].loff;
		iov[k].remote_offset = sg_ent[k].roff;
		iov[k].transfer_length = sg_ent[k].len;
	}
	sg->io_request_count = k;
	sg->remote_handle = self->im[0];
	sg->iovec = iov;
}

NODE_TEST(putv_getv_with_addresses_and_local_handles_cross_nodes, 180)
{
	const unsigned int nent = sizeof(sg_ent) / sizeof(sg_ent[0]);
	rsm_iovec_t iov[8];
	rsm_scat_gath_t sg;
	unsigned int k;
	char *src;

	if (self->me == EXPORTER)
		export_as(_metadata, self, 4 * 4096, SEG_SGIO, 0, NULL, 0);
	STEP("sgio.published");
	if (self->me == PUTTER || self->me == self->getter) {
		self->lbuflen = 4 * 4096;
		self->lbuf = node_map(self->lbuflen);
		ASSERT_NE(NULL, self->lbuf);
		import_k(_metadata, self, 0, SEG_SGIO);
		ASSERT_EQ(0, rsm_create_localmemory_handle(self->ctl, &self->lh,
							   self->lbuf, 2 * 4096));
	}
	if (self->me == PUTTER) {
		/* local data: pattern 300 + k at the entry's remote offset */
		for (k = 0; k < nent; k++) {
			src = (sg_ent[k].handle ? self->lbuf : self->lbuf + 2 * 4096) +
			      sg_ent[k].loff;
			rsmt_fill_pattern(src, sg_ent[k].len, sg_ent[k].roff, 300 + k);
		}
		sg_vector(self, iov, &sg, self->lbuf + 2 * 4096);
		EXPECT_EQ(0, rsm_memseg_import_putv(&sg));
		EXPECT_EQ(0, sg.io_residual_count);
	}
	STEP("sgio.put");
	if (self->me == EXPORTER)
		for (k = 0; k < nent; k++)
			EXPECT_EQ(-1, rsmt_check_pattern(self->buf + sg_ent[k].roff,
							 sg_ent[k].len, sg_ent[k].roff,
							 300 + k)) TH_LOG("entry %u", k);
	if (self->me == self->getter) {
		memset(self->lbuf, 0, self->lbuflen);
		sg_vector(self, iov, &sg, self->lbuf + 2 * 4096);
		EXPECT_EQ(0, rsm_memseg_import_getv(&sg));
		EXPECT_EQ(0, sg.io_residual_count);
		for (k = 0; k < nent; k++) {
			src = (sg_ent[k].handle ? self->lbuf : self->lbuf + 2 * 4096) +
			      sg_ent[k].loff;
			EXPECT_EQ(-1, rsmt_check_pattern(src, sg_ent[k].len,
							 sg_ent[k].roff, 300 + k))
				TH_LOG("entry %u", k);
		}
	}
	if (self->lh) {
		EXPECT_EQ(0, rsm_free_localmemory_handle(self->ctl, self->lh));
		self->lh = NULL;
	}
	if (self->im[0])
		disconnect_k(_metadata, self, 0);
	STEP("sgio.end");
}

/* Spec check 46 */
NODE_TEST(access_list_of_only_the_exporter_refuses_other_nodes, 120)
{
	rsmapi_access_entry_t acl = { EXPORTER, 0666 };

	if (self->me == EXPORTER)
		export_as(_metadata, self, 4096, SEG_ACL, 0, &acl, 1);
	STEP("acl.published");
	if (self->me == EXPORTER) {
		EXPECT_EQ(0, rsm_memseg_import_connect(self->ctl, EXPORTER, SEG_ACL,
						       RSM_PERM_RDWR, &self->im[0]));
	} else {
		EXPECT_EQ(RSMERR_SEG_NOT_PUBLISHED_TO_NODE,
			  rsm_memseg_import_connect(self->ctl, EXPORTER, SEG_ACL,
						    RSM_PERM_READ, &self->im[0]));
	}
	STEP("acl.checked");
	if (self->im[0])
		disconnect_k(_metadata, self, 0);
	STEP("acl.end");
}

/* Spec check 48 and A19/A35 */
NODE_TEST(connect_to_a_node_without_path_is_unreachable, 60)
{
	rsm_node_id_t nodes[] = { self->n + 1, 63, 64 };
	unsigned int k;

	for (k = 0; k < sizeof(nodes) / sizeof(nodes[0]); k++) {
		EXPECT_EQ(RSMERR_REMOTE_NODE_UNREACHABLE,
			  rsm_memseg_import_connect(self->ctl, nodes[k], 0x400000,
						    RSM_PERM_RDWR, &self->im[0]))
			TH_LOG("node %u", nodes[k]);
	}
	STEP("nopath.end");
}

TEST_HARNESS_MAIN
