/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The fixture the single-node import tests share (rsm_import_test.c,
 * rsm_import_sync_test.c): an exporter and its importers in one process,
 * through the loopback controller and through rxe0 with the local node as
 * the exporter (same-node import), as in the spec's conformance notation
 * (section 6): "setup E" and "setup I" on a 4-page buffer.
 *
 * The tests run as root; the spec's checks assume an importer without
 * CAP_IPC_OWNER, so the fixture drops it from the effective set (a test
 * that needs it raises it again).  Every module count returns to what it
 * was before the test.
 */
#ifndef RSM_IMPORT_FIXTURE_H
#define RSM_IMPORT_FIXTURE_H

#include <grp.h>
#include <linux/capability.h>
#include <rsmapi.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "rsm_cluster.h"

#define COUNTS_SETTLE_S	10	/* releases may finish asynchronously */
#define UNUSED_SEGID	0x7ffffff0u	/* no test publishes this id */

FIXTURE(imp) {
	rsmapi_controller_handle_t ctl;
	rsm_node_id_t local;
	size_t P, len;			/* page size; segment length 4P */
	char *buf, *buf2;		/* exported memory, rebind target */
	char *lbuf;			/* importer's local memory */
	rsm_memseg_export_handle_t e;
	rsm_memseg_id_t id;
	rsm_memseg_import_handle_t i, i2;
	rsmapi_barrier_t bar, bar2;
	rsm_localmemory_handle_t lh;
	struct rsmt_counts base;
	bool skipped;
	bool pollfds;			/* a test took pollfds */
};

FIXTURE_VARIANT(imp) {
	char *ctlr;
};

FIXTURE_VARIANT_ADD(imp, loopback) {
	.ctlr = "loopback",
};

FIXTURE_VARIANT_ADD(imp, rxe0) {
	.ctlr = "rxe0",
};

/*
 * TEST_F whose body does not run when the setup skipped (the harness
 * would run it anyway).
 */
#define IMPORT_TEST(name)						\
	static void name##_body(struct __test_metadata *_metadata,	\
				FIXTURE_DATA(imp) *self,		\
				const FIXTURE_VARIANT(imp) *variant);	\
	TEST_F(imp, name)						\
	{								\
		if (!self->skipped)					\
			name##_body(_metadata, self, variant);		\
	}								\
	static void name##_body(struct __test_metadata *_metadata,	\
				FIXTURE_DATA(imp) *self,		\
				const FIXTURE_VARIANT(imp) *variant)

/* Raise or drop CAP_IPC_OWNER in the effective set (it stays permitted). */
static inline int cap_ipc_owner(int on)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -1;
	if (on)
		d[0].effective |= 1u << CAP_IPC_OWNER;
	else
		d[0].effective &= ~(1u << CAP_IPC_OWNER);
	return syscall(SYS_capset, &h, d);
}

static inline char *map_pages(size_t len)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

FIXTURE_SETUP(imp)
{
	rsm_topology_t *t;

	ASSERT_EQ(0, rsmt_counts(&self->base));
	self->P = sysconf(_SC_PAGESIZE);
	self->len = 4 * self->P;
	if (rsm_get_controller(rsmt_vctlr(variant->ctlr), &self->ctl)) {
		self->skipped = true;
		SKIP(return, "no %s controller", rsmt_vctlr(variant->ctlr));
	}
	ASSERT_EQ(0, rsm_get_interconnect_topology(&t));
	self->local = t->topology_hdr.local_nodeid;
	rsm_free_interconnect_topology(t);
	self->buf = map_pages(self->len);
	self->buf2 = map_pages(self->len);
	self->lbuf = map_pages(self->len);
	ASSERT_NE(NULL, self->buf);
	ASSERT_NE(NULL, self->buf2);
	ASSERT_NE(NULL, self->lbuf);
	umask(022);
	ASSERT_EQ(0, cap_ipc_owner(0));
}

FIXTURE_TEARDOWN(imp)
{
	if (!self->ctl)
		return;
	if (self->lh)
		EXPECT_EQ(0, rsm_free_localmemory_handle(self->ctl, self->lh));
	/*
	 * A mapping test may end with a handle mapped (disconnect would say
	 * RSMERR_SEG_STILL_MAPPED); unmap of an unmapped handle changes
	 * nothing.
	 */
	if (self->pollfds) {	/* a test took pollfds, each at most once */
		if (self->e)
			rsm_memseg_release_pollfd(self->e);
		if (self->i)
			rsm_memseg_release_pollfd(self->i);
		if (self->i2)
			rsm_memseg_release_pollfd(self->i2);
	}
	if (self->i) {
		rsm_memseg_import_unmap(self->i);
		EXPECT_EQ(0, rsm_memseg_import_disconnect(self->i));
	}
	if (self->i2) {
		rsm_memseg_import_unmap(self->i2);
		EXPECT_EQ(0, rsm_memseg_import_disconnect(self->i2));
	}
	if (self->e)
		EXPECT_EQ(0, rsm_memseg_export_destroy(self->e));
	rsm_release_controller(self->ctl);
	munmap(self->buf, self->len);
	munmap(self->buf2, self->len);
	munmap(self->lbuf, self->len);
	/* nothing stays exported, imported, pinned or registered */
	EXPECT_EQ(0, rsmt_counts_wait(&self->base, COUNTS_SETTLE_S));
}

/* "setup E": export buf (4P) with @flags, publish with @acl (auto id). */
static inline void setup_e(struct __test_metadata *_metadata,
			   FIXTURE_DATA(imp) *self, uint_t flags,
			   rsmapi_access_entry_t *acl, uint_t nacl)
{
	ASSERT_EQ(0, rsm_memseg_export_create(self->ctl, &self->e, self->buf,
					      self->len, flags));
	self->id = 0;
	ASSERT_EQ(0, rsm_memseg_export_publish(self->e, &self->id, acl, nacl));
}

static inline int connect_perm(FIXTURE_DATA(imp) *self, rsm_permission_t perm,
			       rsm_memseg_import_handle_t *im)
{
	return rsm_memseg_import_connect(self->ctl, self->local, self->id,
					 perm, im);
}

/* "setup I": setup E, connect RDWR as self->i, barrier self->bar. */
static inline void setup_i(struct __test_metadata *_metadata,
			   FIXTURE_DATA(imp) *self, uint_t flags)
{
	setup_e(_metadata, self, flags, NULL, 0);
	ASSERT_EQ(0, connect_perm(self, RSM_PERM_RDWR, &self->i));
	ASSERT_EQ(0, rsm_memseg_import_init_barrier(self->i, RSM_BARRIER_SEGMENT,
						    &self->bar));
}

/*
 * Connect from a child process with other credentials (uid, gid and at
 * most one supplementary group, -1 for none; no capabilities).  Returns
 * the connect result, or -1 when the child could not run.
 */
static inline int connect_as(FIXTURE_DATA(imp) *self, char *ctlr,
			     rsm_permission_t perm, uid_t uid, gid_t gid,
			     gid_t group)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		rsm_memseg_import_handle_t im;
		rsmapi_controller_handle_t c;
		int ret;

		if (setgroups(group == (gid_t)-1 ? 0 : 1, &group) ||
		    setgid(gid) || setuid(uid) || !getuid())
			_exit(255);
		if (rsm_get_controller(ctlr, &c))
			_exit(254);
		ret = rsm_memseg_import_connect(c, self->local, self->id, perm,
						&im);
		if (!ret && rsm_memseg_import_disconnect(im))
			_exit(253);
		_exit(ret > 250 ? 250 : ret);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

#endif
