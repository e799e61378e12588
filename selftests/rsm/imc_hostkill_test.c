// SPDX-License-Identifier: GPL-2.0-only
/*
 * A Memory Channel host killed while it holds references (3 nodes; the
 * runner kills node RSM_KILL_NODE's VM: 3, or 1, the coordinator, which
 * decides creations): the survivors keep the region and its data,
 * drop the dead host's part and its entry in the host list, count the
 * loss as an error, and go on allocating, sending and receiving.  A lock
 * the dead host held is free for the survivors (check 53).  When the dead
 * host was the lock set's home, the new coordinator adopts the set
 * (IMC.md 5.3): the locks the survivors hold stay theirs, and no survivor
 * is granted one another holds, while the dead home's own lock is free.
 * Runs after imc_cluster_test, which makes every node a member.
 */
#include <sys/imc.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "rsm_cluster.h"
#include "rsm_ioctl.h"

#define STEP_S		120
#define KILL_S		60	/* the runner kills within this */
#define DETECT_S	30	/* the survivors notice within this */
#define KEY		0x6e001
#define KEY2		0x6e002
#define LKEY		0x6e003		/* a lock set; its home is node 1 */
#define NLOCKS		3
#define ADOPT_S		120	/* the set has a new home within this */
#define PAGE		4096

static int wait_hosts_of(unsigned int key, unsigned long long want)
{
	return rsmt_imc_wait_hosts_of(key, want, DETECT_S);
}

/* The API cluster's host count, once it is @want.  0 or -1. */
static int wait_nhosts(unsigned int want)
{
	double end = rsmt_time() + DETECT_S;
	imc_infoType items[] = { IMC_GET_HOSTS, 0 };
	imc_hostinfo hi;

	do {
		if (imc_getclusterinfo(items, 1, &hi, sizeof(hi)) ==
		    IMC_SUCCESS && hi.num_hosts == want)
			return 0;
		usleep(100 * 1000);
	} while (rsmt_time() < end);
	return -1;
}

/* Send @len bytes until a check passes (the rails may be recovering). */
static int send_checked(caddr_t tx, const void *src, long len)
{
	double end = rsmt_time() + DETECT_S;
	int n;

	do {
		while ((n = imc_rderrcnt_mr(0)) < 0 && rsmt_time() < end)
			usleep(10 * 1000);
		imc_bcopy((void *)src, tx, len, 1, 0);
		if (n >= 0 && imc_ckerrcnt_mr(&n, 0) == IMC_SUCCESS)
			return 0;
	} while (rsmt_time() < end);
	return -1;
}

/*
 * Lock @index, held by the other survivor, while the set finds its new
 * home: IMC_CORRUPTLOCK until then, IMC_NOLOCKGOT once it has, never a
 * grant.  Return: 0 once it said IMC_NOLOCKGOT, -1 on a grant or when it
 * never did.
 */
static int held_by_the_other(imc_lkid_t lk, int index)
{
	double end = rsmt_time() + ADOPT_S;
	int st;

	do {
		st = imc_lkacquire(lk, index, 0, IMC_LOCKNOWAIT);
		if (st == IMC_NOLOCKGOT)
			return 0;
		if (st != IMC_CORRUPTLOCK) {
			fprintf(stderr, "# lock %d held by the other survivor: %d\n",
				index, st);
			return -1;
		}
		usleep(200 * 1000);
	} while (rsmt_time() < end);
	fprintf(stderr, "# lock %d: no new home in %d s\n", index, ADOPT_S);
	return -1;
}

FIXTURE(imc) {
	int unused;
};

FIXTURE_SETUP(imc)
{
}

FIXTURE_TEARDOWN(imc)
{
}

/* The node the runner kills (RSM_KILL_NODE): 3, or 1 the coordinator. */
static int victim(void)
{
	const char *v = getenv("RSM_KILL_NODE");

	return v && atoi(v) >= 1 && atoi(v) <= 3 ? atoi(v) : 3;
}

TEST_F_TIMEOUT(imc, a_killed_host_drops_out_and_the_others_keep_the_region,
	       600)
{
	int node = rsmt_node_id(), dead = victim(), before = 0, after, i;
	/* the survivors: the lower one sends, the higher one allocates */
	int low = dead == 1 ? 2 : 1, high = dead == 3 ? 2 : 3;
	unsigned long long all = 0xe, alive = 0xe & ~(1ULL << dead);
	unsigned char want[PAGE], got_zero[PAGE] = { 0 };
	caddr_t rx = NULL, tx = NULL;
	imc_asid_t id, id2;
	imc_lkid_t lk;
	int nlocks = NLOCKS;
	double t0;

	if (rsmt_nodes() != 3 || !getenv("RSM_ALLOW_KILL") ||
	    strcmp(getenv("RSM_ALLOW_KILL"), "1"))
		SKIP(return, "needs 3 nodes and a runner that kills a node");
	ASSERT_EQ(IMC_SUCCESS, imc_api_init(NULL));
	rsmt_step_test("imc.hostkill");
	ASSERT_EQ(IMC_SUCCESS, imc_asalloc(KEY, PAGE, IMC_URW, 0, &id, 0));
	ASSERT_EQ(IMC_SUCCESS, imc_asattach(id, IMC_RECEIVE, IMC_SHARED, 0,
					    &rx));
	ASSERT_EQ(IMC_SUCCESS, imc_asattach(id, IMC_TRANSMIT, IMC_SHARED, 0,
					    &tx));
	EXPECT_EQ(0, wait_hosts_of(KEY, all));
	ASSERT_EQ(IMC_SUCCESS, imc_lkalloc(LKEY, &nlocks, IMC_LKU, 0, &lk));
	/* the home's victim holds lock 2, the survivors 0 (low) and 1 */
	if (node == dead) {
		ASSERT_EQ(IMC_SUCCESS, imc_lkacquire(lk, dead == 1 ? 2 : 0, 0,
						     IMC_LOCKWAIT));
	} else if (dead == 1) {
		ASSERT_EQ(IMC_SUCCESS, imc_lkacquire(lk, node == low ? 0 : 1,
						     0, IMC_LOCKWAIT));
	}
	before = imc_rderrcnt_mr(0);
	ASSERT_LE(0, before);
	ASSERT_EQ(0, rsmt_step("held", STEP_S));
	if (node == dead) {
		pause();	/* holding everything until the VM dies */
		return;
	}
	ASSERT_EQ(0, rsmt_kill_node(dead, KILL_S));

	/*
	 * A new key at once, before the survivors noticed: when node 1 is
	 * the one killed, the request goes to a dead coordinator first and
	 * must end with the next one.
	 */
	if (node == high)
		EXPECT_EQ(IMC_SUCCESS, imc_asalloc(KEY2, PAGE, IMC_URW, 0,
						   &id2, 0));

	/* its lock is free now */
	if (node == low && dead != 1) {
		t0 = rsmt_time();
		EXPECT_EQ(IMC_SUCCESS, imc_lkacquire(lk, 0, 0, IMC_LOCKWAIT));
		EXPECT_GT(KILL_S + DETECT_S, rsmt_time() - t0);
		EXPECT_EQ(IMC_SUCCESS, imc_lkrelease(lk, 0));
	}
	/*
	 * Its home gone: each survivor keeps its lock through the adoption,
	 * the other is never granted it, and the dead home's is free.
	 */
	if (dead == 1) {
		EXPECT_EQ(0, held_by_the_other(lk, node == low ? 1 : 0));
		ASSERT_EQ(0, rsmt_step("adopted", STEP_S));
		if (node == low) {
			EXPECT_EQ(IMC_SUCCESS, imc_lkacquire(lk, 2, 0,
							     IMC_LOCKNOWAIT));
			EXPECT_EQ(IMC_SUCCESS, imc_lkrelease(lk, 2));
		}
		EXPECT_EQ(IMC_SUCCESS, imc_lkrelease(lk, node == low ? 0 : 1));
		ASSERT_EQ(0, rsmt_step("given back", STEP_S));
		EXPECT_EQ(IMC_SUCCESS, imc_lkacquire(lk, node == low ? 1 : 0,
						     0, IMC_LOCKNOWAIT));
		EXPECT_EQ(IMC_SUCCESS, imc_lkrelease(lk, node == low ? 1 : 0));
	}

	/* the dead host's part and its place in the host list go */
	EXPECT_EQ(0, wait_hosts_of(KEY, alive));
	EXPECT_EQ(0, wait_nhosts(2));
	after = imc_rderrcnt_mr(0);
	for (i = 0; i < DETECT_S * 10 && after < 0; i++) {
		usleep(100 * 1000);
		after = imc_rderrcnt_mr(0);
	}
	EXPECT_LT(before, after);
	EXPECT_EQ(0, rsmt_sh("%s/utils/imcs -m -k | grep -qx hosts=2",
			     rsmt_top()));

	/* data still flows between the survivors */
	for (i = 0; i < PAGE; i++)
		want[i] = (unsigned char)(i * 13 + 7);
	if (node == low)
		EXPECT_EQ(0, send_checked(tx, want, PAGE));
	ASSERT_EQ(0, rsmt_step("sent", STEP_S));
	if (node == high) {
		EXPECT_EQ(0, memcmp(rx, want, PAGE));
	} else {
		EXPECT_EQ(0, memcmp(rx, got_zero, PAGE));	/* no loopback */
	}

	/* the registry took the new region, and both survivors know it */
	EXPECT_EQ(0, wait_hosts_of(KEY2, 1ULL << high));
	ASSERT_EQ(0, rsmt_step("seen", STEP_S));
	if (node == high)
		EXPECT_EQ(IMC_SUCCESS, imc_asdealloc(id2));
	EXPECT_EQ(IMC_SUCCESS, imc_asdetach(id));
	EXPECT_EQ(IMC_SUCCESS, imc_asdealloc(id));
	EXPECT_EQ(IMC_SUCCESS, imc_lkdealloc(lk));
	ASSERT_EQ(0, rsmt_step("released", STEP_S));
	EXPECT_EQ(0, rsmt_imc_idle(DETECT_S, true));
	ASSERT_EQ(0, rsmt_step("idle", STEP_S));
}

TEST_HARNESS_MAIN
