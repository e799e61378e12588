// SPDX-License-Identifier: GPL-2.0-only
/*
 * Export segments: create, destroy, publish, unpublish, republish, rebind
 * (spec checks 10-34, 37, 90, 92-94) through the loopback controller and
 * the RDMA controller, on each node by itself.  Pinned pages and segment
 * counts go back to zero after every test.
 */
#define _GNU_SOURCE	/* setresuid() */
#include <rsmapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "rsm_cluster.h"

static unsigned long long pinned_pages(void)
{
	struct rsm_status st;
	unsigned long long n;

	if (rsmt_status(&st))
		return ~0ULL;
	n = st.hdr->pinned_pages + (st.hdr->exported_segments << 32);
	rsm_status_free(&st);
	return n;
}

FIXTURE(exp) {
	rsmapi_controller_handle_t ctl;
	rsm_memseg_export_handle_t e;
	size_t P;
	char *buf, *buf2;
	unsigned long long pinned_before;
};

FIXTURE_SETUP(exp)
{
	self->P = sysconf(_SC_PAGESIZE);
	self->pinned_before = pinned_pages();
	ASSERT_EQ(0, rsm_get_controller("loopback", &self->ctl));
	self->buf = mmap(NULL, 4 * self->P, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	self->buf2 = mmap(NULL, 4 * self->P, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->buf);
	ASSERT_NE(MAP_FAILED, self->buf2);
	self->e = NULL;
}

FIXTURE_TEARDOWN(exp)
{
	if (self->e)
		EXPECT_EQ(0, rsm_memseg_export_destroy(self->e));
	rsm_release_controller(self->ctl);
	munmap(self->buf, 4 * self->P);
	munmap(self->buf2, 4 * self->P);
	/* nothing stays pinned or exported */
	EXPECT_EQ(self->pinned_before, pinned_pages());
}

static int create(struct __test_metadata *_metadata, FIXTURE_DATA(exp) *self,
		  uint_t flags)
{
	return rsm_memseg_export_create(self->ctl, &self->e, self->buf,
					4 * self->P, flags);
}

TEST_F(exp, create_checks_arguments_in_order)
{
	rsm_memseg_export_handle_t e = (void *)1;

	EXPECT_EQ(RSMERR_BAD_ADDR, rsm_memseg_export_create(self->ctl, &e, NULL, 4 * self->P, 0));
	EXPECT_EQ(NULL, e);
	EXPECT_EQ(RSMERR_BAD_LENGTH, rsm_memseg_export_create(self->ctl, &e, self->buf, 0, 0));
	EXPECT_EQ(RSMERR_BAD_MEM_ALIGNMENT, rsm_memseg_export_create(self->ctl, &e, self->buf + 1, self->P, 0));
	EXPECT_EQ(RSMERR_BAD_MEM_ALIGNMENT, rsm_memseg_export_create(self->ctl, &e, self->buf, self->P + 1, 0));
	EXPECT_EQ(RSMERR_BAD_CTLR_HNDL, rsm_memseg_export_create(NULL, &e, self->buf, self->P, 0));
	EXPECT_EQ(RSMERR_BAD_SEG_HNDL, rsm_memseg_export_create(self->ctl, NULL, self->buf, self->P, 0));
	EXPECT_EQ(self->pinned_before, pinned_pages());
}

TEST_F(exp, create_on_unmapped_range_is_bad_addr)
{
	char *hole = mmap(NULL, 2 * self->P, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(MAP_FAILED, hole);
	ASSERT_EQ(0, munmap(hole + self->P, self->P));
	EXPECT_EQ(RSMERR_BAD_ADDR, rsm_memseg_export_create(self->ctl, &self->e, hole, 2 * self->P, 0));
	ASSERT_EQ(0, munmap(hole, self->P));
	EXPECT_EQ(RSMERR_BAD_ADDR, rsm_memseg_export_create(self->ctl, &self->e, hole, self->P, 0));
	EXPECT_EQ(self->pinned_before, pinned_pages());
}

TEST_F(exp, create_pins_the_pages_and_destroy_releases_them)
{
	ASSERT_EQ(0, create(_metadata, self, 0x100));	/* unknown flags ignored */
	EXPECT_EQ(self->pinned_before + 4 + (1ULL << 32), pinned_pages());
	EXPECT_EQ(0, rsm_memseg_export_destroy(self->e));
	self->e = NULL;
	EXPECT_EQ(self->pinned_before, pinned_pages());
	EXPECT_EQ(RSMERR_BAD_SEG_HNDL, rsm_memseg_export_destroy(NULL));
}

TEST_F(exp, rdma_controller_refuses_segments_over_its_limit)
{
	rsmapi_controller_handle_t rc;
	rsmapi_controller_attr_t a;

	if (rsm_get_controller(rsmt_ctlr(), &rc))
		SKIP(return, "no rxe0 controller");
	ASSERT_EQ(0, rsm_get_controller_attr(rc, &a));
	EXPECT_EQ(RSMERR_BAD_LENGTH, rsm_memseg_export_create(rc, &self->e, self->buf,
			a.attr_max_export_segment_size + self->P, 0));
	ASSERT_EQ(0, rsm_memseg_export_create(rc, &self->e, self->buf, 4 * self->P, 0));
	EXPECT_EQ(0, rsm_memseg_export_destroy(self->e));
	self->e = NULL;
	rsm_release_controller(rc);
}

TEST_F(exp, publish_checks_arguments_and_state)
{
	rsm_memseg_id_t id = 0;

	ASSERT_EQ(0, create(_metadata, self, 0));
	EXPECT_EQ(RSMERR_BAD_SEGID, rsm_memseg_export_publish(self->e, NULL, NULL, 0));
	EXPECT_EQ(RSMERR_BAD_SEG_HNDL, rsm_memseg_export_publish(NULL, &id, NULL, 0));
	EXPECT_EQ(RSMERR_BAD_ACL, rsm_memseg_export_publish(self->e, &id, NULL, 1));
	EXPECT_EQ(RSMERR_SEG_NOT_PUBLISHED, rsm_memseg_export_unpublish(self->e));
	EXPECT_EQ(RSMERR_BAD_SEG_HNDL, rsm_memseg_export_unpublish(NULL));
	EXPECT_EQ(RSMERR_SEG_NOT_PUBLISHED, rsm_memseg_export_republish(self->e, NULL, 0));
	EXPECT_EQ(RSMERR_BAD_SEG_HNDL, rsm_memseg_export_republish(NULL, NULL, 0));
	ASSERT_EQ(0, rsm_memseg_export_publish(self->e, &id, NULL, 0));
	EXPECT_LE(0x80000000u, id);
	EXPECT_EQ(RSMERR_SEG_ALREADY_PUBLISHED, rsm_memseg_export_publish(self->e, &id, NULL, 0));
	EXPECT_EQ(RSMERR_BAD_ACL, rsm_memseg_export_republish(self->e, NULL, 1));
	EXPECT_EQ(0, rsm_memseg_export_republish(self->e, NULL, 0));
	EXPECT_EQ(0, rsm_memseg_export_unpublish(self->e));
	/* publish, unpublish, publish again */
	id = 0;
	EXPECT_EQ(0, rsm_memseg_export_publish(self->e, &id, NULL, 0));
}

TEST_F(exp, auto_ids_differ_and_reserved_ids_are_refused)
{
	static const rsm_memseg_id_t reserved[] = {
		1, 0x0FFFFF, 0x100000, 0x200000, 0x2FFFFF, 0x3FFFFF,
		0x80000000, 0xFFFFFFFF,
	};
	rsm_memseg_export_handle_t e2;
	rsm_memseg_id_t id = 0, id2 = 0;
	unsigned int i;

	ASSERT_EQ(0, create(_metadata, self, 0));
	ASSERT_EQ(0, rsm_memseg_export_create(self->ctl, &e2, self->buf2, self->P, 0));
	for (i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
		id = reserved[i];
		EXPECT_EQ(RSMERR_RESERVED_SEGID, rsm_memseg_export_publish(self->e, &id, NULL, 0));
	}
	id = 0;
	ASSERT_EQ(0, rsm_memseg_export_publish(self->e, &id, NULL, 0));
	ASSERT_EQ(0, rsm_memseg_export_publish(e2, &id2, NULL, 0));
	EXPECT_NE(id, id2);
	EXPECT_EQ(0, rsm_memseg_export_destroy(e2));
}

TEST_F(exp, user_ids_are_used_as_given_and_unique_per_node)
{
	rsm_memseg_export_handle_t e2;
	rsm_memseg_id_t id = 0x400000, id2 = 0x400000, top = 0x7FFFFFFF;

	ASSERT_EQ(0, create(_metadata, self, 0));
	ASSERT_EQ(0, rsm_memseg_export_create(self->ctl, &e2, self->buf2, self->P, 0));
	ASSERT_EQ(0, rsm_memseg_export_publish(self->e, &id, NULL, 0));
	EXPECT_EQ(0x400000u, id);
	EXPECT_EQ(RSMERR_SEGID_IN_USE, rsm_memseg_export_publish(e2, &id2, NULL, 0));
	ASSERT_EQ(0, rsm_memseg_export_unpublish(self->e));
	EXPECT_EQ(0, rsm_memseg_export_publish(e2, &id2, NULL, 0));
	EXPECT_EQ(0, rsm_memseg_export_publish(self->e, &top, NULL, 0));
	EXPECT_EQ(0x7FFFFFFFu, top);
	EXPECT_EQ(0, rsm_memseg_export_destroy(e2));
}

TEST_F(exp, access_lists_are_validated)
{
	rsmapi_access_entry_t acl[65], *unreadable;
	rsm_topology_t *t;
	rsm_node_id_t local;
	rsm_memseg_id_t id;
	unsigned int i;

	ASSERT_EQ(0, rsm_get_interconnect_topology(&t));
	local = t->topology_hdr.local_nodeid;
	rsm_free_interconnect_topology(t);
	ASSERT_EQ(0, create(_metadata, self, 0));
	for (i = 0; i < 65; i++) {
		acl[i].ae_node = local;
		acl[i].ae_permission = 0600;
	}
	id = 0;
	EXPECT_EQ(RSMERR_BAD_ACL, rsm_memseg_export_publish(self->e, &id, acl, 65));
	acl[0].ae_permission = 0667;
	EXPECT_EQ(RSMERR_BAD_ACL, rsm_memseg_export_publish(self->e, &id, acl, 1));
	acl[0].ae_permission = 0700;
	EXPECT_EQ(RSMERR_BAD_ACL, rsm_memseg_export_publish(self->e, &id, acl, 1));
	acl[0].ae_permission = 0600;
	acl[0].ae_node = 65;
	EXPECT_EQ(RSMERR_BAD_ACL, rsm_memseg_export_publish(self->e, &id, acl, 1));
	/* loopback: one entry, the local node */
	acl[0].ae_node = local + 1;
	EXPECT_EQ(RSMERR_BAD_ACL, rsm_memseg_export_publish(self->e, &id, acl, 1));
	acl[0].ae_node = local;
	EXPECT_EQ(RSMERR_BAD_ACL, rsm_memseg_export_publish(self->e, &id, acl, 2));
	/* an unreadable list (hidden from the compiler's bounds checks) */
	unreadable = (rsmapi_access_entry_t *)(uintptr_t)rsmt_nodes() + 1;
	EXPECT_EQ(RSMERR_BAD_ADDR, rsm_memseg_export_publish(self->e, &id, unreadable, 1));
	acl[0].ae_permission = 0666;
	id = 0;
	EXPECT_EQ(0, rsm_memseg_export_publish(self->e, &id, acl, 1));
	acl[0].ae_permission = 0667;
	EXPECT_EQ(RSMERR_BAD_ACL, rsm_memseg_export_republish(self->e, acl, 1));
	acl[0].ae_permission = 0400;
	EXPECT_EQ(0, rsm_memseg_export_republish(self->e, acl, 1));
}

TEST_F(exp, only_the_creating_process_may_change_the_segment)
{
	rsm_memseg_export_handle_t e2;
	rsm_memseg_id_t id = 0;
	int status;
	pid_t pid;

	ASSERT_EQ(0, create(_metadata, self, RSM_ALLOW_REBIND));
	ASSERT_EQ(0, rsm_memseg_export_create(self->ctl, &e2, self->buf2, self->P, 0));
	ASSERT_EQ(0, rsm_memseg_export_publish(self->e, &id, NULL, 0));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		rsm_memseg_id_t id2 = 0;
		int bad = 0;

		bad |= rsm_memseg_export_unpublish(self->e) != RSMERR_NOT_CREATOR;
		bad |= rsm_memseg_export_republish(self->e, NULL, 0) != RSMERR_NOT_CREATOR;
		bad |= rsm_memseg_export_rebind(self->e, self->buf2, 0, 4 * self->P) != RSMERR_NOT_CREATOR;
		bad |= rsm_memseg_export_publish(e2, &id2, NULL, 0) != RSMERR_NOT_CREATOR;
		_exit(bad);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	/* the parent still can */
	EXPECT_EQ(0, rsm_memseg_export_unpublish(self->e));
	EXPECT_EQ(0, rsm_memseg_export_destroy(e2));
}

TEST_F(exp, rebind_rules)
{
	rsm_memseg_export_handle_t plain;
	rsm_memseg_id_t id = 0;

	ASSERT_EQ(0, rsm_memseg_export_create(self->ctl, &plain, self->buf2, 4 * self->P, 0));
	EXPECT_EQ(RSMERR_REBIND_NOT_ALLOWED, rsm_memseg_export_rebind(plain, self->buf, 0, 4 * self->P));
	EXPECT_EQ(0, rsm_memseg_export_destroy(plain));

	ASSERT_EQ(0, create(_metadata, self, RSM_ALLOW_REBIND));
	EXPECT_EQ(RSMERR_BAD_LENGTH, rsm_memseg_export_rebind(self->e, self->buf2, 0, 2 * self->P));
	EXPECT_EQ(RSMERR_BAD_ADDR, rsm_memseg_export_rebind(self->e, NULL, 0, 4 * self->P));
	EXPECT_EQ(RSMERR_BAD_ADDR, rsm_memseg_export_rebind(self->e, self->buf2 + 1, 0, 4 * self->P));
	EXPECT_EQ(RSMERR_BAD_SEG_HNDL, rsm_memseg_export_rebind(NULL, self->buf2, 0, 4 * self->P));
	EXPECT_EQ(0, rsm_memseg_export_rebind(self->e, self->buf, 0, 4 * self->P));
	/* BOUND, then PUBLISHED */
	EXPECT_EQ(0, rsm_memseg_export_rebind(self->e, self->buf2, 0, 4 * self->P));
	ASSERT_EQ(0, rsm_memseg_export_publish(self->e, &id, NULL, 0));
	EXPECT_EQ(0, rsm_memseg_export_rebind(self->e, self->buf, 12345, 4 * self->P));
	EXPECT_EQ(self->pinned_before + 4 + (1ULL << 32), pinned_pages());
}

TEST_F(exp, closing_the_process_releases_its_segments)
{
	rsm_memseg_id_t id = 0x500123;
	int status;
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0) {
		rsm_memseg_export_handle_t e;

		if (rsm_memseg_export_create(self->ctl, &e, self->buf, 4 * self->P, 0) ||
		    rsm_memseg_export_publish(e, &id, NULL, 0))
			_exit(1);
		_exit(0);	/* no destroy: exit must clean up */
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(self->pinned_before, pinned_pages());
	/* the id is free again */
	ASSERT_EQ(0, create(_metadata, self, 0));
	EXPECT_EQ(0, rsm_memseg_export_publish(self->e, &id, NULL, 0));
}

/*
 * In a child running as @uid: publish with automatic ids (unpublishing
 * each) until one fails.  Exit status: how many worked (at most 100).
 */
static int auto_ids_as(FIXTURE_DATA(exp) *self, uid_t uid)
{
	rsm_memseg_export_handle_t e;
	rsm_memseg_id_t id;
	int status, n = 0, ret;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (setresgid(uid, uid, uid) || setresuid(uid, uid, uid) ||
		    rsm_memseg_export_create(self->ctl, &e, self->buf,
					     self->P, 0))
			_exit(255);
		while (n < 100) {
			id = 0;
			ret = rsm_memseg_export_publish(e, &id, NULL, 0);
			if (ret)
				_exit(ret == RSMERR_INSUFFICIENT_RESOURCES ? n :
				      254);
			if (rsm_memseg_export_unpublish(e))
				_exit(253);
			n++;
		}
		_exit(n);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/*
 * Automatic ids are never reused, so a user (but root) may take only
 * auto_ids_per_user of them; then publish says
 * RSMERR_INSUFFICIENT_RESOURCES to that user alone.  Fresh uids: the
 * count lasts as long as the module.
 */
TEST_F(exp, auto_ids_are_limited_per_user_but_not_for_others_or_root)
{
	uid_t user = 40000 + getpid() % 20000;
	rsm_memseg_id_t id = 0;
	unsigned int old;

	ASSERT_EQ(0, rsmt_get_param("auto_ids_per_user", &old));
	ASSERT_EQ(0, rsmt_set_param("auto_ids_per_user", 3));
	EXPECT_EQ(3, auto_ids_as(self, user));
	EXPECT_EQ(0, auto_ids_as(self, user));
	EXPECT_EQ(3, auto_ids_as(self, user + 1));
	ASSERT_EQ(0, create(_metadata, self, 0));
	EXPECT_EQ(0, rsm_memseg_export_publish(self->e, &id, NULL, 0));
	EXPECT_LE(0x80000000u, id);
	EXPECT_EQ(0, rsmt_set_param("auto_ids_per_user", old));
	EXPECT_EQ(100, auto_ids_as(self, user + 2));
}

/* Export segments past max_segments: RSMERR_INSUFFICIENT_RESOURCES. */
TEST_F(exp, create_past_max_segments_is_insufficient_resources)
{
	rsm_memseg_export_handle_t e2 = NULL;
	struct rsm_status st;
	unsigned long long now;
	unsigned int old;

	ASSERT_EQ(0, rsmt_status(&st));
	now = st.hdr->exported_segments;
	rsm_status_free(&st);
	ASSERT_EQ(0, rsmt_get_param("max_segments", &old));
	ASSERT_EQ(0, rsmt_set_param("max_segments", now + 1));
	EXPECT_EQ(0, create(_metadata, self, 0));
	EXPECT_EQ(RSMERR_INSUFFICIENT_RESOURCES,
		  rsm_memseg_export_create(self->ctl, &e2, self->buf2,
					   self->P, 0));
	EXPECT_EQ(NULL, e2);
	EXPECT_EQ(0, rsmt_set_param("max_segments", old));
	ASSERT_EQ(0, rsm_memseg_export_create(self->ctl, &e2, self->buf2,
					      self->P, 0));
	EXPECT_EQ(0, rsm_memseg_export_destroy(e2));
}

/*
 * More memory than the node has, by a process allowed to lock any amount
 * (usual on RDMA clusters): refused as RSMERR_INSUFFICIENT_MEM before the
 * kernel sizes anything for it (no allocation warning in the kernel log,
 * which the runner checks).  512 GiB reserved, never touched.
 */
TEST_F(exp, more_than_the_node_has_is_refused_before_any_allocation)
{
	const size_t huge = 512ULL << 30;
	struct rlimit unl = { RLIM_INFINITY, RLIM_INFINITY }, old;
	rsm_localmemory_handle_t lm = NULL;
	rsm_memseg_export_handle_t e2 = NULL;
	rsmapi_controller_handle_t rdma;
	void *p;

	/* loopback handles are plain addresses: the kernel sees rxe0's */
	ASSERT_EQ(0, rsm_get_controller(rsmt_ctlr(), &rdma));
	ASSERT_EQ(0, getrlimit(RLIMIT_MEMLOCK, &old));
	ASSERT_EQ(0, setrlimit(RLIMIT_MEMLOCK, &unl));
	p = mmap(NULL, huge, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(RSMERR_INSUFFICIENT_MEM,
		  rsm_create_localmemory_handle(rdma, &lm, p, huge));
	EXPECT_EQ(RSMERR_INSUFFICIENT_MEM,
		  rsm_memseg_export_create(self->ctl, &e2, p, huge, 0));
	EXPECT_EQ(NULL, e2);
	/* past rxe0's largest segment: the spec's error comes first */
	EXPECT_EQ(RSMERR_BAD_LENGTH,
		  rsm_memseg_export_create(rdma, &e2, p, huge, 0));
	EXPECT_EQ(NULL, e2);
	munmap(p, huge);
	rsm_release_controller(rdma);
	EXPECT_EQ(0, setrlimit(RLIMIT_MEMLOCK, &old));
}

/*
 * Pages the module pins for as long as a segment lives are refused where
 * long-term pins are: a shared mapping of an ordinary file (one on a
 * ramfs mounted for the test); shmem (memfd) is fine.
 */
TEST_F(exp, a_shared_file_mapping_is_refused_and_shmem_is_not)
{
	char dir[] = "/tmp/rsm_export_test.XXXXXX", path[64];
	void *p;
	int fd;

	ASSERT_NE(NULL, mkdtemp(dir));
	if (rsmt_sh("mount -t ramfs none %s", dir)) {
		rmdir(dir);
		SKIP(return, "cannot mount a ramfs");
	}
	snprintf(path, sizeof(path), "%s/file", dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, 4 * self->P));
	p = mmap(NULL, 4 * self->P, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	ASSERT_NE(MAP_FAILED, p);
	memset(p, 1, 4 * self->P);
	EXPECT_EQ(RSMERR_BAD_ADDR,
		  rsm_memseg_export_create(self->ctl, &self->e, p,
					   4 * self->P, 0));
	EXPECT_EQ(NULL, self->e);
	munmap(p, 4 * self->P);
	EXPECT_EQ(0, rsmt_sh("umount %s && rmdir %s", dir, dir));

	fd = memfd_create("rsm_export_test", 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, 4 * self->P));
	p = mmap(NULL, 4 * self->P, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	ASSERT_NE(MAP_FAILED, p);
	memset(p, 2, 4 * self->P);
	EXPECT_EQ(0, rsm_memseg_export_create(self->ctl, &self->e, p,
					      4 * self->P, 0));
	if (self->e)
		EXPECT_EQ(0, rsm_memseg_export_destroy(self->e));
	self->e = NULL;
	munmap(p, 4 * self->P);
}

TEST_HARNESS_MAIN
