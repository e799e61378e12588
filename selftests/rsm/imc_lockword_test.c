// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lock sets on RDMA atomics (IMC.md 5.3): where the devices have atomics
 * (soft-RoCE), a free lock nobody waits for is taken and given back by a
 * compare-and-swap on its word at the set's home, from any host and from
 * the home itself (through its loopback); on soft-iWARP, which has none,
 * by message.  The words and the home's record must agree: a lock taken
 * by its word is LOCKPRIOR to its owner and busy to others, a waiter
 * queued at the home gets it when its word holder gives it back, and a
 * set deallocated and made again under load never costs a connection (a
 * compare-and-swap on a dropped registration would).
 * 2 or 3 nodes; node 1, the coordinator, is every set's home.  Runs after
 * imc_cluster_test, which makes every node a member.
 */
#include <sys/imc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "rsm_cluster.h"
#include "rsm_ctlr.h"
#include "rsm_ioctl.h"

#define STEP_S		120
#define KEY(n)		(0x10d000 + (n))
#define ROUNDS		50
#define CHURN_ROUNDS	12

FIXTURE(lkw) {
	int node, last;
	bool atomics;
	imc_lkid_t lk;
};

FIXTURE_SETUP(lkw)
{
	self->node = rsmt_node_id();
	self->last = rsmt_nodes();
	/* soft-iWARP has no atomics: every lock goes by message there */
	self->atomics = strcmp(rsmt_transport(), "siw") != 0;
	self->lk = 0;
	ASSERT_EQ(IMC_SUCCESS, imc_api_init(NULL));
}

FIXTURE_TEARDOWN(lkw)
{
}

/* Join set @key (@count locks); node 1 makes it, so it is the home. */
static void join(struct __test_metadata *_metadata, FIXTURE_DATA(lkw) *self,
		 imc_key_t key, int count)
{
	int c = count;

	if (self->node == 1)
		ASSERT_EQ(IMC_SUCCESS, imc_lkalloc(key, &c, IMC_LKU, 0,
						   &self->lk));
	ASSERT_EQ(0, rsmt_step("made", STEP_S));
	if (self->node != 1)
		ASSERT_EQ(IMC_SUCCESS, imc_lkalloc(key, &c, IMC_LKU, 0,
						   &self->lk));
	ASSERT_EQ(0, rsmt_step("joined", STEP_S));
}

/*
 * The word operations since @before, once they stand still: a release by
 * word returns before its outcome is known, and counts once its word took
 * it (at most 5 s).
 */
static long long settled_ops(unsigned long long before)
{
	unsigned long long now = rsmt_imc_lock_word_ops(), last;
	double end = rsmt_time() + 5;

	do {
		last = now;
		usleep(300 * 1000);
		now = rsmt_imc_lock_word_ops();
	} while (now != last && rsmt_time() < end);
	return (long long)(now - before);
}

/*
 * Where there are atomics, until a round of lock @i goes by its words
 * (the home makes its loopback in the background, and a host asks for
 * the words' key again 2 s after it had none): at most 30 s.
 */
static void warm(struct __test_metadata *_metadata, FIXTURE_DATA(lkw) *self,
		 int i)
{
	unsigned long long before;
	double end = rsmt_time() + 30;

	if (!self->atomics)
		return;
	do {
		before = rsmt_imc_lock_word_ops();
		ASSERT_EQ(IMC_SUCCESS, imc_lkacquire(self->lk, i, 0,
						     IMC_LOCKWAIT));
		ASSERT_EQ(IMC_SUCCESS, imc_lkrelease(self->lk, i));
		if (settled_ops(before) == 2)
			return;
		usleep(500 * 1000);
	} while (rsmt_time() < end);
	TH_LOG("node %d: lock %d never went by its word", self->node, i);
}

/* Take and give back lock @i @n times; the word operations it took. */
static long long rounds(struct __test_metadata *_metadata, imc_lkid_t lk,
			int i, int n)
{
	unsigned long long before = rsmt_imc_lock_word_ops();
	int k;

	for (k = 0; k < n; k++) {
		EXPECT_EQ(IMC_SUCCESS, imc_lkacquire(lk, i, 0, IMC_LOCKWAIT));
		EXPECT_EQ(IMC_SUCCESS, imc_lkrelease(lk, i));
	}
	return settled_ops(before);
}

/*
 * A host that is not the home takes and gives back a free lock by its
 * word, two compare-and-swaps a round; then the home does, through its
 * loopback.  Over iWARP both go by message: no word operation at all.
 */
TEST_F_TIMEOUT(lkw, free_locks_go_by_their_words_where_devices_have_atomics,
	       300)
{
	long long ops;

	rsmt_step_test("imc.lkw.free");
	join(_metadata, self, KEY(1), 4);
	if (self->node == self->last) {
		warm(_metadata, self, 1);
		ops = rounds(_metadata, self->lk, 1, ROUNDS);
		TH_LOG("%d rounds on node %d: %lld word operations", ROUNDS,
		       self->node, ops);
		EXPECT_EQ(self->atomics ? 2 * ROUNDS : 0, ops);
	}
	ASSERT_EQ(0, rsmt_step("remote", STEP_S));
	if (self->node == 1) {
		warm(_metadata, self, 1);
		ops = rounds(_metadata, self->lk, 1, ROUNDS);
		TH_LOG("%d rounds on the home: %lld word operations", ROUNDS,
		       ops);
		EXPECT_EQ(self->atomics ? 2 * ROUNDS : 0, ops);
	}
	ASSERT_EQ(0, rsmt_step("home", STEP_S));
	EXPECT_EQ(IMC_SUCCESS, imc_lkdealloc(self->lk));
	ASSERT_EQ(0, rsmt_step("gone", STEP_S));
}

/*
 * A lock the last node took by its word: LOCKPRIOR to it, NOLOCKGOT to the
 * home; that try moves the lock into the home's record, so the release
 * goes by message; then the lock is free again, for the home by its word.
 */
TEST_F_TIMEOUT(lkw, a_word_holder_is_lockprior_to_itself_and_busy_to_others,
	       300)
{
	unsigned long long before;

	rsmt_step_test("imc.lkw.busy");
	join(_metadata, self, KEY(2), 4);
	if (self->node == self->last) {
		warm(_metadata, self, 2);
		before = rsmt_imc_lock_word_ops();
		ASSERT_EQ(IMC_SUCCESS, imc_lkacquire(self->lk, 2, 0,
						     IMC_LOCKNOWAIT));
		EXPECT_EQ(self->atomics ? 1 : 0, settled_ops(before));
		EXPECT_EQ(IMC_LOCKPRIOR, imc_lkacquire(self->lk, 2, 0,
						       IMC_LOCKNOWAIT));
	}
	ASSERT_EQ(0, rsmt_step("held", STEP_S));
	if (self->node == 1)
		EXPECT_EQ(IMC_NOLOCKGOT, imc_lkacquire(self->lk, 2, 0,
						       IMC_LOCKNOWAIT));
	ASSERT_EQ(0, rsmt_step("tried", STEP_S));
	if (self->node == self->last) {
		before = rsmt_imc_lock_word_ops();
		EXPECT_EQ(IMC_SUCCESS, imc_lkrelease(self->lk, 2));
		/* the home's record had it: by message */
		EXPECT_EQ(0, settled_ops(before));
		EXPECT_EQ(IMC_LOCKNOTHELD, imc_lkrelease(self->lk, 2));
	}
	ASSERT_EQ(0, rsmt_step("released", STEP_S));
	if (self->node == 1) {
		before = rsmt_imc_lock_word_ops();
		EXPECT_EQ(IMC_SUCCESS, imc_lkacquire(self->lk, 2, 0,
						     IMC_LOCKNOWAIT));
		EXPECT_EQ(IMC_SUCCESS, imc_lkrelease(self->lk, 2));
		/* free and nobody waits: its word is open again */
		EXPECT_EQ(self->atomics ? 2 : 0, settled_ops(before));
	}
	ASSERT_EQ(0, rsmt_step("again", STEP_S));
	EXPECT_EQ(IMC_SUCCESS, imc_lkdealloc(self->lk));
	ASSERT_EQ(0, rsmt_step("gone", STEP_S));
}

struct waiter {
	imc_lkid_t lk;
	int st;
};

static void *wait_for_lock_0(void *p)
{
	struct waiter *w = p;

	w->st = imc_lkacquire(w->lk, 0, 0, IMC_LOCKWAIT);
	return NULL;
}

/*
 * The home queues a waiter behind the last node, which holds lock 0 by
 * its word: the waiter gets the lock only once the holder gives it back
 * (by message now), and then the word opens again for everyone.
 */
TEST_F_TIMEOUT(lkw, a_waiter_at_the_home_gets_the_lock_its_word_holder_gives,
	       300)
{
	struct waiter w = { 0 };
	pthread_t th;

	rsmt_step_test("imc.lkw.wait");
	join(_metadata, self, KEY(3), 2);
	if (self->node == self->last) {
		warm(_metadata, self, 0);
		ASSERT_EQ(IMC_SUCCESS, imc_lkacquire(self->lk, 0, 0,
						     IMC_LOCKWAIT));
	}
	ASSERT_EQ(0, rsmt_step("held", STEP_S));
	if (self->node == 1) {
		w.lk = self->lk;
		ASSERT_EQ(0, pthread_create(&th, NULL, wait_for_lock_0, &w));
	}
	ASSERT_EQ(0, rsmt_step("waiting", STEP_S));
	if (self->node == self->last) {
		sleep(2);	/* the waiter is queued at the home */
		EXPECT_EQ(IMC_SUCCESS, imc_lkrelease(self->lk, 0));
	}
	if (self->node == 1) {
		pthread_join(th, NULL);
		EXPECT_EQ(IMC_SUCCESS, w.st);
		EXPECT_EQ(IMC_SUCCESS, imc_lkrelease(self->lk, 0));
	}
	ASSERT_EQ(0, rsmt_step("handed", STEP_S));
	/* nobody waits now: the holder's next round goes by the word */
	if (self->node == self->last)
		EXPECT_EQ(self->atomics ? 2 : 0,
			  rounds(_metadata, self->lk, 0, 1));
	ASSERT_EQ(0, rsmt_step("open", STEP_S));
	EXPECT_EQ(IMC_SUCCESS, imc_lkdealloc(self->lk));
	ASSERT_EQ(0, rsmt_step("gone", STEP_S));
}

/*
 * Sets made, used by their words and deallocated, round after round,
 * every node at once: each round's set has fresh words and registrations
 * at the home, and no compare-and-swap ever meets one the home dropped -
 * which would fail the connection, and raise the rail's error count.
 */
TEST_F_TIMEOUT(lkw, sets_made_and_dropped_under_word_use_cost_no_connection,
	       600)
{
	int before = imc_rderrcnt_mr(0), r, c;
	char name[32];

	rsmt_step_test("imc.lkw.churn");
	ASSERT_LE(0, before);
	for (r = 0; r < CHURN_ROUNDS; r++) {
		c = 4;
		ASSERT_EQ(IMC_SUCCESS, imc_lkalloc(KEY(100 + r % 2), &c,
						   IMC_LKU, 0, &self->lk));
		rounds(_metadata, self->lk, self->node % 4, 5);
		EXPECT_EQ(IMC_SUCCESS, imc_lkdealloc(self->lk));
		snprintf(name, sizeof(name), "round%d", r);
		ASSERT_EQ(0, rsmt_step(name, STEP_S));
	}
	EXPECT_EQ(before, imc_rderrcnt_mr(0));
	EXPECT_EQ(0, rsmt_imc_idle(30, true));
}

TEST_HARNESS_MAIN
