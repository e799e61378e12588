// SPDX-License-Identifier: GPL-2.0-only
/*
 * Memory Channel regions (libimc): the cluster-wide registry of keys on
 * every node of a cluster at once - imc_asalloc and imc_asdealloc with
 * their status codes, the allocation quota, region lifetime across
 * processes and hosts, and allocations while the coordinator is away
 * (IMC.md 6, checks 7-9, 11-14, 16, 18, 19).  Runs after
 * imc_cluster_test, which makes every node a member.
 */
#include <sys/imc.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "rsm_cluster.h"
#include "rsm_ioctl.h"

#define STEP_S		120
#define SETTLE_S	30
#define KEY(n)		(0x5e000 + (n))
#define PAGE		4096

/* The registry's entry for @key on this node; 0 found, -1 not. */
static int wait_hosts_of(unsigned int key, unsigned long long want)
{
	return rsmt_imc_wait_hosts_of(key, want, SETTLE_S);
}

static unsigned long long all_nodes(void)
{
	unsigned long long m = 0;
	int n;

	for (n = 1; n <= rsmt_nodes(); n++)
		m |= 1ULL << n;
	return m;
}

FIXTURE(imc) {
	int node, nodes;
};

FIXTURE_SETUP(imc)
{
	self->node = rsmt_node_id();
	self->nodes = rsmt_nodes();
	ASSERT_EQ(IMC_SUCCESS, imc_api_init(NULL));
}

FIXTURE_TEARDOWN(imc)
{
}

TEST_F(imc, asalloc_checks_its_arguments)
{
	imc_asid_t id;

	EXPECT_EQ(IMC_BADPARM, imc_asalloc(KEY(1), PAGE, IMC_URW, 0, NULL, 0));
	EXPECT_EQ(IMC_BADPARM, imc_asalloc(KEY(1), PAGE, IMC_URW, 4, &id, 0));
	EXPECT_EQ(IMC_BADPARM, imc_asalloc(KEY(1), PAGE, 0700, 0, &id, 0));
	EXPECT_EQ(IMC_BADRAIL, imc_asalloc(KEY(1), PAGE, IMC_URW, 0, &id, -1));
	/* a rail per controller: rail 1 does not exist with one */
	EXPECT_EQ(IMC_BADRAIL, imc_asalloc(KEY(1), PAGE, IMC_URW, 0, &id,
					   rsmt_rails()));
	EXPECT_EQ(IMC_BADRAIL, imc_asalloc(KEY(1), PAGE, IMC_URW, 0, &id,
					   IMC_MAXRAILS));
	EXPECT_EQ(IMC_BADSIZE, imc_asalloc(KEY(1), 0, IMC_URW, 0, &id, 0));
	EXPECT_EQ(IMC_BADPARM, imc_asdealloc(0));
	EXPECT_EQ(IMC_BADPARM, imc_asdealloc(-5));
	EXPECT_EQ(IMC_BADREGION, imc_asdealloc(9999));
	EXPECT_EQ(-1, rsmt_imc_region_of(KEY(1),
					 &(struct rsm_imc_region_info){ 0 }));
}

TEST_F(imc, every_node_allocates_one_key_and_every_registry_lists_all)
{
	struct rsm_imc_region_info r;
	imc_asid_t id, id2;

	rsmt_step_test("imc.alloc_all");
	/* 100 bytes: one page; the first allocator creates it */
	ASSERT_EQ(IMC_SUCCESS, imc_asalloc(KEY(2), 100, IMC_URW | IMC_GR, 0,
					   &id, 0));
	EXPECT_LT(0, id);
	EXPECT_EQ(IMC_PRIOR, imc_asalloc(KEY(2), 100, IMC_URW, 0, &id2, 0));
	EXPECT_EQ(0, wait_hosts_of(KEY(2), all_nodes()));
	ASSERT_EQ(0, rsmt_imc_region_of(KEY(2), &r));
	EXPECT_EQ(PAGE, r.size);
	EXPECT_EQ(IMC_URW | IMC_GR, r.perm);
	EXPECT_EQ(0, r.flags);
	EXPECT_EQ(1, r.local);
	EXPECT_EQ(0, rsmt_sh("%s/utils/imcs -r -k | grep -q '^region.*key=%u$'",
			     rsmt_top(), KEY(2)));
	/* check 65: Type IMC, ID, KEY, SIZE, MODE; one id on every host */
	EXPECT_NE(0, r.id);
	EXPECT_EQ(0, rsmt_sh("%s/utils/imcs -r | grep -q '^  TYPE  *ID  *KEY  *SIZE  *MODE '",
			     rsmt_top()));
	EXPECT_EQ(0, rsmt_sh("%s/utils/imcs -r | grep -qE '^  IMC +%u +%u +%u +rw-r----- '",
			     rsmt_top(), r.id, KEY(2), PAGE));
	ASSERT_EQ(0, rsmt_sh("echo %u > \"$RSM_SHARE\"/imc_region_id.%d",
			     r.id, self->node));
	ASSERT_EQ(0, rsmt_step("listed", STEP_S));
	EXPECT_EQ(0, rsmt_sh("test $(sort -u \"$RSM_SHARE\"/imc_region_id.* | wc -l) -eq 1"));
	EXPECT_EQ(IMC_SUCCESS, imc_asdealloc(id));
	EXPECT_EQ(IMC_BADREGION, imc_asdealloc(id));
	EXPECT_EQ(0, wait_hosts_of(KEY(2), 0));
	ASSERT_EQ(0, rsmt_step("gone", STEP_S));
}

TEST_F(imc, a_key_keeps_the_attributes_it_was_created_with)
{
	imc_asid_t id;

	rsmt_step_test("imc.attrs");
	if (self->node == 1)
		ASSERT_EQ(IMC_SUCCESS, imc_asalloc(KEY(3), 2 * PAGE,
						   IMC_URW | IMC_GRW | IMC_ORW,
						   IMC_COHERENT, &id, 0));
	ASSERT_EQ(0, rsmt_step("created", STEP_S));
	if (self->node != 1) {
		EXPECT_EQ(IMC_COHERENCYERR, imc_asalloc(KEY(3), PAGE, IMC_URW,
							0, &id, 0));
		EXPECT_EQ(IMC_BADSIZE, imc_asalloc(KEY(3), 3 * PAGE, IMC_URW,
						   IMC_COHERENT, &id, 0));
		/* smaller is fine; the region keeps its size */
		ASSERT_EQ(IMC_SUCCESS, imc_asalloc(KEY(3), PAGE, IMC_URW,
						   IMC_COHERENT, &id, 0));
	} else {
		/* a second process on the creator's host: decided locally */
		pid_t pid = fork();
		int status;

		if (pid == 0) {
			imc_asid_t cid;

			if (imc_api_init(NULL) != IMC_SUCCESS)
				_exit(10);
			_exit(imc_asalloc(KEY(3), PAGE, IMC_URW, 0, &cid, 0) ==
			      IMC_COHERENCYERR ? 0 : 11);
		}
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_EQ(0, WEXITSTATUS(status));
	}
	EXPECT_EQ(0, wait_hosts_of(KEY(3), all_nodes()));
	ASSERT_EQ(0, rsmt_step("joined", STEP_S));
	EXPECT_EQ(IMC_SUCCESS, imc_asdealloc(id));
	EXPECT_EQ(0, wait_hosts_of(KEY(3), 0));
	ASSERT_EQ(0, rsmt_step("done", STEP_S));
}

/* In a child as nobody: imc_asalloc's status for @key, or 100+. */
static int alloc_as_nobody(unsigned int key, int perm)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		imc_asid_t id;
		int st;

		if (setgid(65534) || setuid(65534))
			_exit(100);
		if (imc_api_init(NULL) != IMC_SUCCESS)
			_exit(101);
		st = imc_asalloc(key, PAGE, perm, 0, &id, 0);
		_exit(-st);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return 102;
	return -WEXITSTATUS(status);
}

TEST_F(imc, permission_bits_decide_who_joins)
{
	imc_asid_t id = 0, id2 = 0;

	rsmt_step_test("imc.perm");
	if (self->node == 1) {
		ASSERT_EQ(IMC_SUCCESS, imc_asalloc(KEY(4), PAGE, IMC_URW, 0,
						   &id, 0));
		ASSERT_EQ(IMC_SUCCESS, imc_asalloc(KEY(5), PAGE,
						   IMC_URW | IMC_OR, 0, &id2, 0));
	}
	ASSERT_EQ(0, rsmt_step("created", STEP_S));
	/* root created both; nobody is "other" */
	EXPECT_EQ(IMC_PERMIT, alloc_as_nobody(KEY(4), IMC_URW));
	EXPECT_EQ(IMC_SUCCESS, alloc_as_nobody(KEY(5), IMC_URW));
	ASSERT_EQ(0, rsmt_step("tried", STEP_S));
	/* process exit dropped the child's allocation: only node 1 holds */
	EXPECT_EQ(0, wait_hosts_of(KEY(5), 1ULL << 1));
	ASSERT_EQ(0, rsmt_step("checked", STEP_S));
	if (self->node == 1) {
		EXPECT_EQ(IMC_SUCCESS, imc_asdealloc(id));
		EXPECT_EQ(IMC_SUCCESS, imc_asdealloc(id2));
	}
	EXPECT_EQ(0, wait_hosts_of(KEY(4), 0));
	EXPECT_EQ(0, wait_hosts_of(KEY(5), 0));
	ASSERT_EQ(0, rsmt_step("done", STEP_S));
}

TEST_F(imc, the_cluster_wide_quota_refuses_with_imc_mcfull)
{
	imc_asid_t a, b;

	rsmt_step_test("imc.quota");
	/* the coordinator's limit is 10 MB (imc_cluster_test restores it) */
	if (self->node == 2) {
		EXPECT_EQ(IMC_MCFULL, imc_asalloc(KEY(6), (10 << 20) + PAGE,
						  IMC_URW, 0, &a, 0));
		ASSERT_EQ(IMC_SUCCESS, imc_asalloc(KEY(6), 6 << 20, IMC_URW, 0,
						   &a, 0));
		EXPECT_EQ(IMC_MCFULL, imc_asalloc(KEY(7), 6 << 20, IMC_URW, 0,
						  &b, 0));
		/* joining takes no new space */
	}
	ASSERT_EQ(0, rsmt_step("full", STEP_S));
	if (self->node != 2)
		EXPECT_EQ(IMC_MCFULL, imc_asalloc(KEY(7), 6 << 20, IMC_URW, 0,
						  &b, 0));
	ASSERT_EQ(0, rsmt_step("tried", STEP_S));
	if (self->node == 2) {
		EXPECT_EQ(IMC_SUCCESS, imc_asdealloc(a));
		EXPECT_EQ(IMC_SUCCESS, imc_asalloc(KEY(7), 6 << 20, IMC_URW,
						   0, &b, 0));
		EXPECT_EQ(IMC_SUCCESS, imc_asdealloc(b));
	}
	EXPECT_EQ(0, wait_hosts_of(KEY(7), 0));
	ASSERT_EQ(0, rsmt_step("done", STEP_S));
}

TEST_F(imc, a_region_lives_while_any_host_has_allocators)
{
	imc_asid_t id = 0;
	int last = self->nodes;

	rsmt_step_test("imc.life");
	if (self->node == 1 || self->node == last)
		ASSERT_EQ(IMC_SUCCESS, imc_asalloc(KEY(8), PAGE, IMC_URW, 0,
						   &id, 0));
	EXPECT_EQ(0, wait_hosts_of(KEY(8), (1ULL << 1) | (1ULL << last)));
	ASSERT_EQ(0, rsmt_step("both", STEP_S));
	if (self->node == 1)
		EXPECT_EQ(IMC_SUCCESS, imc_asdealloc(id));
	EXPECT_EQ(0, wait_hosts_of(KEY(8), 1ULL << last));
	ASSERT_EQ(0, rsmt_step("one", STEP_S));
	/* a host that leaves takes its part with it */
	if (self->node == last) {
		ASSERT_EQ(0, rsmt_sh("%s/utils/rsmadm clear", rsmt_top()));
		ASSERT_EQ(0, rsmt_step("left", STEP_S));
		ASSERT_EQ(0, rsmt_step("seen", STEP_S));
		ASSERT_EQ(0, rsmt_load_config(-1, -1, false));
	} else {
		ASSERT_EQ(0, rsmt_step("left", STEP_S));
		EXPECT_EQ(0, wait_hosts_of(KEY(8), 0));
		ASSERT_EQ(0, rsmt_step("seen", STEP_S));
	}
	EXPECT_EQ(0, rsmt_wait_all_active(STEP_S));
	/* and brings it back when it comes back */
	EXPECT_EQ(0, wait_hosts_of(KEY(8), 1ULL << last));
	ASSERT_EQ(0, rsmt_step("back", STEP_S));
	if (self->node == last)
		EXPECT_EQ(IMC_SUCCESS, imc_asdealloc(id));
	EXPECT_EQ(0, wait_hosts_of(KEY(8), 0));
	ASSERT_EQ(0, rsmt_step("done", STEP_S));
}

TEST_F(imc, allocations_go_on_while_the_coordinator_is_away)
{
	imc_asid_t id = 0;

	rsmt_step_test("imc.coord");
	/* node 1, the lowest id, decides; it leaves the cluster */
	if (self->node == 1) {
		ASSERT_EQ(0, rsmt_sh("%s/utils/rsmadm clear", rsmt_top()));
		ASSERT_EQ(0, rsmt_step("left", STEP_S));
		ASSERT_EQ(0, rsmt_step("allocated", STEP_S));
		ASSERT_EQ(0, rsmt_load_config(-1, -1, false));
	} else {
		ASSERT_EQ(0, rsmt_step("left", STEP_S));
		ASSERT_EQ(0, rsmt_wait_conn(1, false, SETTLE_S));
		usleep(500 * 1000);	/* node 1's state is gone too */
		ASSERT_EQ(IMC_SUCCESS, imc_asalloc(KEY(9) + self->node, PAGE,
						   IMC_URW, 0, &id, 0));
		ASSERT_EQ(0, rsmt_step("allocated", STEP_S));
	}
	EXPECT_EQ(0, rsmt_wait_all_active(STEP_S));
	/* back: node 1 learns every other node's region */
	if (self->node == 1) {
		int n;

		for (n = 2; n <= self->nodes; n++)
			EXPECT_EQ(0, wait_hosts_of(KEY(9) + n, 1ULL << n));
	}
	ASSERT_EQ(0, rsmt_step("back", STEP_S));
	if (self->node != 1)
		EXPECT_EQ(IMC_SUCCESS, imc_asdealloc(id));
	ASSERT_EQ(0, rsmt_step("done", STEP_S));
}

TEST(the_regions_listing_keeps_the_first_layout_for_old_callers)
{
	unsigned char buf[2 * RSM_IMC_REGION_INFO_V1 + 64];
	struct rsm_ioc_imc_regions req = { .buf = (unsigned long)buf,
					   .max = 2 };
	struct rsm_imc_region_info e;
	imc_asid_t id;
	size_t i;
	int fd;

	ASSERT_EQ(IMC_SUCCESS, imc_api_init(NULL));
	ASSERT_EQ(IMC_SUCCESS, imc_asalloc(KEY(21), PAGE, IMC_URW, 0, &id, 0));
	fd = open(RSM_DEVICE_PATH, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	/* entry_size 0: 56-byte entries, nothing written past them */
	memset(buf, 0xa5, sizeof(buf));
	ASSERT_EQ(0, ioctl(fd, RSM_IOC_IMC_REGIONS, &req));
	EXPECT_LE(1, req.count);
	for (i = 2 * RSM_IMC_REGION_INFO_V1; i < sizeof(buf); i++)
		if (buf[i] != 0xa5)
			break;
	EXPECT_EQ(sizeof(buf), i);
	memset(&e, 0, sizeof(e));
	memcpy(&e, buf, RSM_IMC_REGION_INFO_V1);
	EXPECT_NE(0, e.size);
	EXPECT_EQ(0, e.size % PAGE);
	/* a stride below the first layout is refused */
	req.entry_size = RSM_IMC_REGION_INFO_V1 - 1;
	EXPECT_EQ(-1, ioctl(fd, RSM_IOC_IMC_REGIONS, &req));
	EXPECT_EQ(EINVAL, errno);
	close(fd);
	EXPECT_EQ(IMC_SUCCESS, imc_asdealloc(id));
}

TEST(a_process_without_imc_api_init_gets_imc_notinit)
{
	pid_t pid;
	int status;

	ASSERT_EQ(IMC_SUCCESS, imc_api_init(NULL));
	pid = fork();
	if (pid == 0) {
		imc_asid_t id;

		/* the parent's initialization is not the child's */
		_exit(imc_asalloc(KEY(20), PAGE, IMC_URW, 0, &id, 0) ==
		      IMC_NOTINIT && imc_asdealloc(1) == IMC_NOTINIT ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_HARNESS_MAIN
