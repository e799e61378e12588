/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The fixture of the import tests that span nodes (rsm_remote_test.c,
 * rsm_failure_test.c).  Every node runs the same test at once; node 1
 * exports, node 2 writes, and the getter is node 3 when there is one,
 * else node 2 too.  Steps meet at rsmt_step()s of the test: when one node
 * fails the test, the others stop waiting for it.
 *
 * Whatever a test holds is in the fixture, so the teardown releases it
 * even after a failed ASSERT; then every module count of this node must
 * come back to what it was before the test.
 */
#ifndef RSM_NODE_FIXTURE_H
#define RSM_NODE_FIXTURE_H

#include <rsmapi.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "rsm_cluster.h"

#define STEP_S		120	/* default barrier timeout */
#define SETTLE_S	30	/* peers release their side asynchronously */
#define EXPORTER	1
#define PUTTER		2
#define MAX_IMPORTS	64

FIXTURE(node) {
	int me, n, getter;
	rsmapi_controller_handle_t ctl;
	char *buf;			/* exported, or local data */
	size_t buflen;
	char *lbuf;			/* second local buffer */
	size_t lbuflen;
	rsm_memseg_export_handle_t e;
	rsm_memseg_import_handle_t im[MAX_IMPORTS];
	rsmapi_barrier_t bar[MAX_IMPORTS];
	rsm_localmemory_handle_t lh;
	rsm_memseg_export_handle_t *many;	/* scale test's segments */
	unsigned int nmany;
	struct rsmt_counts base;
	bool skipped;
	bool link_down;			/* this node took eth0 down */
	bool pollfds;			/* a test took pollfds once each */
};

/* TEST_F_TIMEOUT whose body does not run when the setup skipped. */
#define NODE_TEST(name, timeout_s)					\
	static void name##_body(struct __test_metadata *_metadata,	\
				FIXTURE_DATA(node) *self);		\
	TEST_F_TIMEOUT(node, name, timeout_s)				\
	{								\
		if (!self->skipped)					\
			name##_body(_metadata, self);			\
	}								\
	static void name##_body(struct __test_metadata *_metadata,	\
				FIXTURE_DATA(node) *self)

FIXTURE_SETUP(node)
{
	self->me = rsmt_node_id();
	self->n = rsmt_nodes();
	if (self->me < 0 || self->n < 2) {
		self->skipped = true;
		SKIP(return, "needs a cluster of 2 or more nodes");
	}
	self->getter = self->n >= 3 ? 3 : PUTTER;
	rsmt_step_test(_metadata->name);
	ASSERT_EQ(0, rsmt_wait_all_active(STEP_S));
	ASSERT_EQ(0, rsmt_counts(&self->base));
	ASSERT_EQ(0, rsm_get_controller(rsmt_ctlr(), &self->ctl));
}

FIXTURE_TEARDOWN(node)
{
	unsigned int k;

	if (self->skipped)
		return;
	if (!_metadata->passed)
		rsmt_step_abort();
	if (self->link_down) {
		rsmt_sh("ip link set eth0 up");
		EXPECT_EQ(0, rsmt_wait_all_active(STEP_S));
	}
	if (self->lh)
		EXPECT_EQ(0, rsm_free_localmemory_handle(self->ctl, self->lh));
	/*
	 * A test may end with handles mapped or with pollfds taken (then
	 * disconnect and destroy would refuse); unmap of an unmapped handle
	 * and release of an unused pollfd change nothing.
	 */
	for (k = 0; k < MAX_IMPORTS; k++) {
		if (!self->im[k])
			continue;
		rsm_memseg_import_unmap(self->im[k]);
		if (self->pollfds)
			rsm_memseg_release_pollfd(self->im[k]);
		EXPECT_EQ(0, rsm_memseg_import_disconnect(self->im[k]));
	}
	if (self->e && self->pollfds)
		rsm_memseg_release_pollfd(self->e);
	if (self->e)
		EXPECT_EQ(0, rsm_memseg_export_destroy(self->e));
	for (k = 0; k < self->nmany; k++)
		EXPECT_EQ(0, rsm_memseg_export_destroy(self->many[k]));
	free(self->many);
	if (self->buf)
		munmap(self->buf, self->buflen);
	if (self->lbuf)
		munmap(self->lbuf, self->lbuflen);
	if (self->ctl)
		rsm_release_controller(self->ctl);
	EXPECT_EQ(0, rsmt_counts_wait(&self->base, SETTLE_S));
}

static inline char *node_map(size_t len)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* Node 1: export self->buf (@len bytes, zero) as @id with @acl. */
static inline void export_as(struct __test_metadata *_metadata,
			     FIXTURE_DATA(node) *self, size_t len,
			     rsm_memseg_id_t id, uint_t flags,
			     rsmapi_access_entry_t *acl, uint_t nacl)
{
	rsm_memseg_id_t got = id;

	self->buflen = len;
	self->buf = node_map(len);
	ASSERT_NE(NULL, self->buf);
	ASSERT_EQ(0, rsm_memseg_export_create(self->ctl, &self->e, self->buf,
					      len, flags));
	ASSERT_EQ(0, rsm_memseg_export_publish(self->e, &got, acl, nacl));
	ASSERT_EQ(id, got);
}

/* Import @id of node 1 read/write as self->im[@k] with barrier bar[@k]. */
static inline void import_k(struct __test_metadata *_metadata,
			    FIXTURE_DATA(node) *self, unsigned int k,
			    rsm_memseg_id_t id)
{
	ASSERT_EQ(0, rsm_memseg_import_connect(self->ctl, EXPORTER, id,
					       RSM_PERM_RDWR, &self->im[k]));
	ASSERT_EQ(0, rsm_memseg_import_init_barrier(self->im[k],
						    RSM_BARRIER_SEGMENT,
						    &self->bar[k]));
}

static inline void disconnect_k(struct __test_metadata *_metadata,
				FIXTURE_DATA(node) *self, unsigned int k)
{
	EXPECT_EQ(0, rsm_memseg_import_disconnect(self->im[k]));
	self->im[k] = NULL;
}

/* Losses of the connection to @peer so far: -1 if there is none. */
static inline long long node_conn_losses(unsigned int peer)
{
	const struct rsm_stat_conn *sc;
	struct rsm_status st;
	long long n = -1;

	if (rsmt_status(&st))
		return -1;
	sc = rsmt_conn(&st, peer);
	if (sc)
		n = sc->disconnects + sc->hb_timeouts;
	rsm_status_free(&st);
	return n;
}

/* A barrier every node must reach: a late node fails the test. */
#define STEP(name) ASSERT_EQ(0, rsmt_step(name, STEP_S))
#define STEP_LONG(name, s) ASSERT_EQ(0, rsmt_step(name, s))

#endif
