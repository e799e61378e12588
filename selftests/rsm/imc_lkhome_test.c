// SPDX-License-Identifier: GPL-2.0-only
/*
 * A lock set's home cut off from every peer (IMC.md 5.3), 3 nodes: node
 * 1, the coordinator that made the set, takes its link down.  Without a
 * quorum it grants nothing, not even to its own processes (IMC_CORRUPTLOCK);
 * nodes 2 and 3 keep a quorum, and once the home is lost for the grace the
 * new coordinator, node 2, adopts the set: the lock node 2 holds stays
 * its own, node 3 is never granted it, and the lock node 1 tried for is
 * free for node 3.  Node 1, back after the grace, may have been replaced:
 * it grants nothing from its record of the set any more, and hands the set
 * over to node 2, so nobody holds a lock twice and all agree on one home.
 * The grace is made short here (imc_lock_grace_ms), and locks go by
 * message (imc_lock_words off): taking the link down would end node 1's
 * loopback, and with it the set (IMC_CORRUPTLOCK for another reason than
 * the one tested).  Runs after imc_cluster_test, which makes every node
 * a member.
 */
#include <sys/imc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "rsm_cluster.h"

#define STEP_S		180
#define KEY		0x10e001
#define NLOCKS		3
#define GRACE_MS	4000
#define ADOPT_S		120	/* the set has a new home within this */

FIXTURE(lkhome) {
	int node;
	unsigned int grace;
	imc_lkid_t lk;
};

FIXTURE_SETUP(lkhome)
{
	self->node = rsmt_node_id();
	self->grace = 0;
	self->lk = 0;
	ASSERT_EQ(IMC_SUCCESS, imc_api_init(NULL));
}

FIXTURE_TEARDOWN(lkhome)
{
	if (self->grace) {
		rsmt_set_param("imc_lock_grace_ms", self->grace);
		rsmt_set_param("imc_lock_words", 1);
	}
}

/*
 * Until this host's registry names node @home as the home of the set:
 * meanwhile lock @index, held by another host, is never granted.  Then it
 * is busy (IMC_NOLOCKGOT) once the new home has rebuilt the set.  Return:
 * 0, or -1 on a grant, or when neither came in time.
 */
static int rehomed_and_still_held(imc_lkid_t lk, int home, int index)
{
	double end = rsmt_time() + ADOPT_S;
	int st;

	do {
		st = imc_lkacquire(lk, index, 0, IMC_LOCKNOWAIT);
		if (st == IMC_NOLOCKGOT && rsmt_imc_home_of(KEY) == home)
			return 0;
		if (st != IMC_CORRUPTLOCK && st != IMC_NOLOCKGOT) {
			fprintf(stderr, "# lock %d, held elsewhere: %d\n",
				index, st);
			return -1;
		}
		usleep(200 * 1000);
	} while (rsmt_time() < end);
	fprintf(stderr, "# lock %d: home %d, not node %d, after %d s\n",
		index, rsmt_imc_home_of(KEY), home, ADOPT_S);
	return -1;
}

/*
 * Node 1, back: lock 1, which node 3 holds, is never granted here; lock 2,
 * free, is once node 1 has handed the set over to node 2.  Return: 0, or
 * -1 on a grant of lock 1 or when lock 2 never came.
 */
static int handed_over(imc_lkid_t lk)
{
	double end = rsmt_time() + ADOPT_S;
	int st;

	do {
		st = imc_lkacquire(lk, 1, 0, IMC_LOCKNOWAIT);
		if (st != IMC_CORRUPTLOCK && st != IMC_NOLOCKGOT) {
			fprintf(stderr, "# lock 1, held on node 3: %d\n", st);
			return -1;
		}
		st = imc_lkacquire(lk, 2, 0, IMC_LOCKNOWAIT);
		if (st == IMC_SUCCESS)
			return imc_lkrelease(lk, 2) == IMC_SUCCESS &&
			       rsmt_imc_home_of(KEY) == 2 ? 0 : -1;
		usleep(200 * 1000);
	} while (rsmt_time() < end);
	fprintf(stderr, "# lock 2: %d, home %d after %d s\n", st,
		rsmt_imc_home_of(KEY), ADOPT_S);
	return -1;
}

/* Node 1's part: cut off, refused; back, still refused. */
static void cut_home(struct __test_metadata *_metadata,
		     FIXTURE_DATA(lkhome) *self)
{
	ASSERT_EQ(0, rsmt_sh("ip link set eth0 down"));
	EXPECT_EQ(0, rsmt_wait_conn(2, false, 60));
	EXPECT_EQ(0, rsmt_wait_conn(3, false, 60));
	sleep(2);	/* the module looks at its quorum at once */
	/* a free lock, and this host's own process: still no grant */
	EXPECT_EQ(IMC_CORRUPTLOCK, imc_lkacquire(self->lk, 1, 0,
						 IMC_LOCKNOWAIT));
	EXPECT_EQ(IMC_CORRUPTLOCK, imc_lkacquire(self->lk, 2, 0,
						 IMC_LOCKWAIT));
	EXPECT_EQ(0, rsmt_step("adopted", STEP_S));
	EXPECT_EQ(0, rsmt_sh("ip link set eth0 up"));
	EXPECT_EQ(0, rsmt_wait_all_active(120));
}

TEST_F_TIMEOUT(lkhome,
	       a_home_cut_off_grants_nothing_and_the_others_adopt_its_set,
	       900)
{
	int c = NLOCKS;

	if (rsmt_nodes() != 3)
		SKIP(return, "needs 3 nodes: two keep a quorum");
	if (rsmt_rails() > 1)
		SKIP(return, "one rail: with two, another connection is up");
	rsmt_step_test("imc.lkhome.cut");
	ASSERT_EQ(0, rsmt_get_param("imc_lock_grace_ms", &self->grace));
	ASSERT_EQ(0, rsmt_set_param("imc_lock_grace_ms", GRACE_MS));
	ASSERT_EQ(0, rsmt_set_param("imc_lock_words", 0));
	/* every node done with the tests before (their idle checks) */
	ASSERT_EQ(0, rsmt_step("ready", STEP_S));
	if (self->node == 1)
		ASSERT_EQ(IMC_SUCCESS, imc_lkalloc(KEY, &c, IMC_LKU, 0,
						   &self->lk));
	ASSERT_EQ(0, rsmt_step("made", STEP_S));
	if (self->node != 1)
		ASSERT_EQ(IMC_SUCCESS, imc_lkalloc(KEY, &c, IMC_LKU, 0,
						   &self->lk));
	if (self->node == 2)
		ASSERT_EQ(IMC_SUCCESS, imc_lkacquire(self->lk, 0, 0,
						     IMC_LOCKNOWAIT));
	ASSERT_EQ(0, rsmt_step("held", STEP_S));

	if (self->node == 1) {
		cut_home(_metadata, self);
	} else {
		if (self->node == 3) {
			EXPECT_EQ(0, rehomed_and_still_held(self->lk, 2, 0));
			EXPECT_EQ(IMC_SUCCESS, imc_lkacquire(self->lk, 1, 0,
							     IMC_LOCKNOWAIT));
		}
		EXPECT_EQ(0, rsmt_step("adopted", STEP_S));
	}
	ASSERT_EQ(0, rsmt_step("back", STEP_S));

	/*
	 * Node 1 may have been replaced: it grants nothing from its record,
	 * and hands the set over to node 2, so its processes use it again
	 */
	if (self->node == 1)
		EXPECT_EQ(0, handed_over(self->lk));
	if (self->node == 2) {
		EXPECT_EQ(IMC_LOCKPRIOR, imc_lkacquire(self->lk, 0, 0,
						       IMC_LOCKNOWAIT));
		EXPECT_EQ(IMC_NOLOCKGOT, imc_lkacquire(self->lk, 1, 0,
						       IMC_LOCKNOWAIT));
	}
	ASSERT_EQ(0, rsmt_step("tried", STEP_S));
	if (self->node != 1)
		EXPECT_EQ(IMC_SUCCESS, imc_lkrelease(self->lk,
						     self->node == 2 ? 0 : 1));
	ASSERT_EQ(0, rsmt_step("released", STEP_S));
	EXPECT_EQ(IMC_SUCCESS, imc_lkdealloc(self->lk));
	ASSERT_EQ(0, rsmt_step("gone", STEP_S));
	EXPECT_EQ(0, rsmt_imc_idle(60, true));
}

TEST_HARNESS_MAIN
