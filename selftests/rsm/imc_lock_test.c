// SPDX-License-Identifier: GPL-2.0-only
/*
 * Clusterwide lock sets (IMC.md 3.11-3.14, 5.3; checks 43-52, 54, 55):
 * creation holding lock 0, joining, sizes, the statuses of every call,
 * waiting across hosts, a killed holder, a signal to a waiter, a waiter
 * killed as its grant comes (its descriptor shared by fork), a holder cut
 * off from the home for a moment (it keeps the lock), the cluster's
 * room for lock sets (IMC_MCFULL), and mutual exclusion of 2 processes per
 * node over a coherent region.
 * 2 or 3 nodes; runs after imc_cluster_test, which makes every node a
 * member.  Each test uses its own keys.
 */
#include <sys/imc.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
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
#define NOBODY		65534
#define KEY(n)		(0x10c000 + (n))

/*
 * A second lock owner on this node: a child with its own descriptor that
 * runs @fn and exits with its result (an IMC status, negated).
 */
static int in_child(int (*fn)(void *), void *arg)
{
	pid_t c = fork();
	int status;

	if (c == 0) {
		if (imc_api_init(NULL) != IMC_SUCCESS)
			_exit(200);
		_exit(-fn(arg));
	}
	if (c < 0 || waitpid(c, &status, 0) != c || !WIFEXITED(status))
		return 1000;
	return -WEXITSTATUS(status);
}

struct try_arg {
	imc_key_t key;
	int count, perm, index, as_nobody;
};

/* Join set @key and try lock @index once. */
static int join_and_try(void *p)
{
	struct try_arg *a = p;
	imc_lkid_t lk;
	int c = a->count, st;

	if (a->as_nobody && (setgid(NOBODY) || setuid(NOBODY)))
		return -200;
	st = imc_lkalloc(a->key, &c, a->perm, 0, &lk);
	if (st)
		return st;
	return imc_lkacquire(lk, a->index, 0, IMC_LOCKNOWAIT);
}

/*
 * Wait for lock 0 of @lk, then give it back; IMC_SUCCESS only if both
 * worked and the wait took less than @s seconds (IMC_TIMEOUT if longer).
 */
static int take_and_give_back_within(imc_lkid_t lk, double s)
{
	double t0 = rsmt_time();
	int st = imc_lkacquire(lk, 0, 0, IMC_LOCKWAIT);

	if (st != IMC_SUCCESS)
		return st;
	if (rsmt_time() - t0 >= s) {
		imc_lkrelease(lk, 0);
		return IMC_TIMEOUT;
	}
	return imc_lkrelease(lk, 0);
}

FIXTURE(imc) {
	int node, last;
	imc_lkid_t lk;
};

FIXTURE_SETUP(imc)
{
	self->node = rsmt_node_id();
	self->last = rsmt_nodes();
	self->lk = 0;
	ASSERT_EQ(IMC_SUCCESS, imc_api_init(NULL));
}

FIXTURE_TEARDOWN(imc)
{
}

TEST_F_TIMEOUT(imc, a_creator_holds_lock_0_and_a_second_creator_gets_exists,
	       400)
{
	struct try_arg t = { .key = KEY(1), .count = 4, .perm = IMC_LKU };
	int c = 4;

	rsmt_step_test("imc.lock.create");
	if (self->node == 1) {
		/* check 43 */
		ASSERT_EQ(IMC_SUCCESS, imc_lkalloc(KEY(1), &c, IMC_LKU,
						   IMC_CREATOR, &self->lk));
		EXPECT_EQ(4, c);
		/* another process of this host: lock 0 is taken */
		EXPECT_EQ(IMC_NOLOCKGOT, in_child(join_and_try, &t));
	}
	ASSERT_EQ(0, rsmt_step("created", STEP_S));
	if (self->node == self->last) {
		/* check 44 */
		EXPECT_EQ(IMC_EXISTS, imc_lkalloc(KEY(1), &c, IMC_LKU,
						  IMC_CREATOR, &self->lk));
		c = 8;
		EXPECT_EQ(IMC_BADSIZE, imc_lkalloc(KEY(1), &c, IMC_LKU, 0,
						   &self->lk));
		EXPECT_EQ(4, c);
		ASSERT_EQ(IMC_SUCCESS, imc_lkalloc(KEY(1), &c, IMC_LKU, 0,
						   &self->lk));
		EXPECT_EQ(4, c);
		EXPECT_EQ(IMC_NOLOCKGOT,
			  imc_lkacquire(self->lk, 0, 0, IMC_LOCKNOWAIT));
		/* check 46: a free lock, then busy for another host */
		EXPECT_EQ(IMC_SUCCESS,
			  imc_lkacquire(self->lk, 1, 0, IMC_LOCKNOWAIT));
	}
	ASSERT_EQ(0, rsmt_step("tried", STEP_S));
	if (self->node == 1) {
		t.index = 1;
		EXPECT_EQ(IMC_NOLOCKGOT, in_child(join_and_try, &t));
		EXPECT_EQ(IMC_SUCCESS, imc_lkrelease(self->lk, 0));
	}
	ASSERT_EQ(0, rsmt_step("released", STEP_S));
	if (self->node == self->last) {
		EXPECT_EQ(IMC_SUCCESS,
			  imc_lkacquire(self->lk, 0, 0, IMC_LOCKNOWAIT));
		EXPECT_EQ(IMC_SUCCESS, imc_lkrelease(self->lk, 0));
		EXPECT_EQ(IMC_SUCCESS, imc_lkrelease(self->lk, 1));
	}
	ASSERT_EQ(0, rsmt_step("done", STEP_S));
	if (self->lk)
		EXPECT_EQ(IMC_SUCCESS, imc_lkdealloc(self->lk));
	ASSERT_EQ(0, rsmt_step("gone", STEP_S));
}

TEST_F(imc, a_count_above_the_maximum_is_cut_to_it)
{
	int c = IMC_MAXNUMLOCKS + 4000;

	/* check 45 */
	ASSERT_EQ(IMC_SUCCESS, imc_lkalloc(KEY(10 + self->node), &c, IMC_LKU,
					   0, &self->lk));
	EXPECT_EQ(IMC_MAXNUMLOCKS, c);
	EXPECT_EQ(IMC_SUCCESS, imc_lkacquire(self->lk, IMC_MAXNUMLOCKS - 1, 0,
					     IMC_LOCKWAIT));
	EXPECT_EQ(IMC_SUCCESS, imc_lkrelease(self->lk, IMC_MAXNUMLOCKS - 1));
	EXPECT_EQ(IMC_SUCCESS, imc_lkdealloc(self->lk));
	c = 0;
	EXPECT_EQ(IMC_BADPARM, imc_lkalloc(KEY(10), &c, IMC_LKU, 0, &self->lk));
}

TEST_F(imc, bad_flags_and_indexes_are_refused)
{
	int c = 4;

	ASSERT_EQ(IMC_SUCCESS, imc_lkalloc(KEY(20 + self->node), &c, IMC_LKU,
					   0, &self->lk));
	/* check 47 */
	EXPECT_EQ(IMC_BADPARM, imc_lkacquire(self->lk, 0, 1, IMC_LOCKWAIT));
	EXPECT_EQ(IMC_BADPARM, imc_lkacquire(self->lk, 0, 0, 7));
	/* check 48 */
	EXPECT_EQ(IMC_BADLOCK, imc_lkacquire(self->lk, 4, 0, IMC_LOCKNOWAIT));
	EXPECT_EQ(IMC_BADLOCK, imc_lkacquire(self->lk, -1, 0, IMC_LOCKWAIT));
	EXPECT_EQ(IMC_BADLOCK, imc_lkrelease(self->lk, 4));
	EXPECT_EQ(IMC_BADLOCK, imc_lkacquire(self->lk + 100, 0, 0,
					     IMC_LOCKNOWAIT));
	EXPECT_EQ(IMC_BADPARM, imc_lkalloc(KEY(20), &c, 0777, 0, &self->lk));
	EXPECT_EQ(IMC_BADPARM, imc_lkalloc(KEY(20), &c, IMC_LKU, 2,
					   &self->lk));
	/* a second allocation of one key by one process */
	EXPECT_EQ(IMC_PRIOR, imc_lkalloc(KEY(20 + self->node), &c, IMC_LKU, 0,
					 &self->lk));
	EXPECT_EQ(IMC_SUCCESS, imc_lkdealloc(self->lk));
}

TEST_F(imc, a_holder_that_asks_again_gets_lockprior)
{
	int c = 2;

	ASSERT_EQ(IMC_SUCCESS, imc_lkalloc(KEY(30 + self->node), &c, IMC_LKU,
					   0, &self->lk));
	/* check 49 */
	ASSERT_EQ(IMC_SUCCESS, imc_lkacquire(self->lk, 1, 0, IMC_LOCKWAIT));
	EXPECT_EQ(IMC_LOCKPRIOR, imc_lkacquire(self->lk, 1, 0, IMC_LOCKWAIT));
	EXPECT_EQ(IMC_LOCKPRIOR, imc_lkacquire(self->lk, 1, 0,
					       IMC_LOCKNOWAIT));
	EXPECT_EQ(IMC_SUCCESS, imc_lkrelease(self->lk, 1));
	EXPECT_EQ(IMC_SUCCESS, imc_lkdealloc(self->lk));
}

static int hold_and_wait(void *p)
{
	struct try_arg *a = p;
	imc_lkid_t lk;
	int c = a->count, st;

	st = imc_lkalloc(a->key, &c, a->perm, 0, &lk);
	if (!st)
		st = imc_lkacquire(lk, a->index, 0, IMC_LOCKWAIT);
	if (st)
		return st;
	/* hold it until the parent's step (a file) says so */
	while (access("/tmp/imc_lock.release", F_OK))
		usleep(10000);
	return imc_lkrelease(lk, a->index);
}

/*
 * Start a child that takes lock 0 of set @t (hold_and_wait()); returns
 * once @lk, ours, finds it taken: IMC_NOLOCKGOT, or what went wrong.
 */
static int start_holder(struct try_arg *t, imc_lkid_t lk, pid_t *pid)
{
	int st;

	*pid = fork();
	if (*pid < 0)
		return IMC_NOMEM;
	if (*pid == 0)
		_exit(-in_child(hold_and_wait, t));
	while ((st = imc_lkacquire(lk, 0, 0, IMC_LOCKNOWAIT)) ==
	       IMC_SUCCESS) {
		/* the child has not taken it yet */
		st = imc_lkrelease(lk, 0);
		if (st)
			return st;
		usleep(20000);
	}
	return st;
}

TEST_F_TIMEOUT(imc, releasing_a_lock_not_held_is_locknotheld, 120)
{
	struct try_arg t = { .key = KEY(40 + self->node), .count = 2,
			     .perm = IMC_LKU, .index = 0 };
	int c = 2, st;
	pid_t pid;

	unlink("/tmp/imc_lock.release");
	ASSERT_EQ(IMC_SUCCESS, imc_lkalloc(t.key, &c, IMC_LKU, 0, &self->lk));
	/* check 50 */
	EXPECT_EQ(IMC_LOCKNOTHELD, imc_lkrelease(self->lk, 1));
	/* another process holds lock 0: not ours to release */
	ASSERT_EQ(IMC_NOLOCKGOT, start_holder(&t, self->lk, &pid));
	EXPECT_EQ(IMC_LOCKNOTHELD, imc_lkrelease(self->lk, 0));
	ASSERT_EQ(0, rsmt_sh("touch /tmp/imc_lock.release"));
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, WEXITSTATUS(st));
	unlink("/tmp/imc_lock.release");
	EXPECT_EQ(IMC_SUCCESS, imc_lkdealloc(self->lk));
}

TEST_F(imc, dealloc_while_holding_is_lockactive_and_the_id_goes_after)
{
	int c = 2;

	ASSERT_EQ(IMC_SUCCESS, imc_lkalloc(KEY(50 + self->node), &c, IMC_LKU,
					   0, &self->lk));
	ASSERT_EQ(IMC_SUCCESS, imc_lkacquire(self->lk, 0, 0, IMC_LOCKWAIT));
	/* check 54 */
	EXPECT_EQ(IMC_LOCKACTIVE, imc_lkdealloc(self->lk));
	EXPECT_EQ(IMC_SUCCESS, imc_lkrelease(self->lk, 0));
	EXPECT_EQ(IMC_SUCCESS, imc_lkdealloc(self->lk));
	EXPECT_EQ(IMC_BADLOCK, imc_lkacquire(self->lk, 0, 0, IMC_LOCKNOWAIT));
	EXPECT_EQ(IMC_BADLOCK, imc_lkrelease(self->lk, 0));
	EXPECT_EQ(IMC_BADLOCK, imc_lkdealloc(self->lk));
	EXPECT_EQ(IMC_BADPARM, imc_lkdealloc(0));
}

TEST_F(imc, another_user_is_refused_without_lko)
{
	struct try_arg t = { .count = 1, .perm = IMC_LKU, .as_nobody = 1 };
	imc_lkid_t open_lk;
	int c = 1;

	t.key = KEY(60 + self->node);
	ASSERT_EQ(IMC_SUCCESS, imc_lkalloc(t.key, &c, IMC_LKU, 0, &self->lk));
	/* check 55 */
	EXPECT_EQ(IMC_PERMIT, in_child(join_and_try, &t));
	t.key = KEY(70 + self->node);
	ASSERT_EQ(IMC_SUCCESS, imc_lkalloc(t.key, &c, IMC_LKU | IMC_LKO, 0,
					   &open_lk));
	EXPECT_EQ(IMC_SUCCESS, in_child(join_and_try, &t));
	EXPECT_EQ(IMC_SUCCESS, imc_lkdealloc(open_lk));
	EXPECT_EQ(IMC_SUCCESS, imc_lkdealloc(self->lk));
}

static void on_alarm(int sig)
{
	(void)sig;
}

TEST_F_TIMEOUT(imc, a_signal_ends_a_wait_with_intr_and_leaves_no_trace, 120)
{
	struct try_arg t = { .key = KEY(80 + self->node), .count = 1,
			     .perm = IMC_LKU };
	struct sigaction sa = { .sa_handler = on_alarm };
	int c = 1, st;
	pid_t pid;

	unlink("/tmp/imc_lock.release");
	ASSERT_EQ(IMC_SUCCESS, imc_lkalloc(t.key, &c, IMC_LKU, 0, &self->lk));
	ASSERT_EQ(IMC_NOLOCKGOT, start_holder(&t, self->lk, &pid));
	sigaction(SIGALRM, &sa, NULL);	/* no SA_RESTART */
	alarm(1);
	EXPECT_EQ(IMC_INTR, imc_lkacquire(self->lk, 0, 0, IMC_LOCKWAIT));
	/* the waiter's place went with it: the next holder is us, now */
	ASSERT_EQ(0, rsmt_sh("touch /tmp/imc_lock.release"));
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, WEXITSTATUS(st));
	EXPECT_EQ(IMC_SUCCESS, imc_lkacquire(self->lk, 0, 0, IMC_LOCKNOWAIT));
	EXPECT_EQ(IMC_SUCCESS, imc_lkrelease(self->lk, 0));
	unlink("/tmp/imc_lock.release");
	EXPECT_EQ(IMC_SUCCESS, imc_lkdealloc(self->lk));
}

TEST_F_TIMEOUT(imc, a_waiter_on_another_host_gets_the_lock_at_release, 400)
{
	int c = 1;
	double t0;

	rsmt_step_test("imc.lock.wait");
	ASSERT_EQ(IMC_SUCCESS, imc_lkalloc(KEY(90), &c, IMC_LKU | IMC_LKO, 0,
					   &self->lk));
	if (self->node == 1)
		ASSERT_EQ(IMC_SUCCESS, imc_lkacquire(self->lk, 0, 0,
						     IMC_LOCKWAIT));
	ASSERT_EQ(0, rsmt_step("held", STEP_S));
	if (self->node == self->last) {
		t0 = rsmt_time();
		EXPECT_EQ(IMC_SUCCESS, imc_lkacquire(self->lk, 0, 0,
						     IMC_LOCKWAIT));
		/* not before node 1 let go, about 2 s after "held" */
		EXPECT_LT(1.0, rsmt_time() - t0);
		EXPECT_EQ(IMC_SUCCESS, imc_lkrelease(self->lk, 0));
	} else if (self->node == 1) {
		sleep(2);
		EXPECT_EQ(IMC_SUCCESS, imc_lkrelease(self->lk, 0));
	}
	ASSERT_EQ(0, rsmt_step("done", STEP_S));
	EXPECT_EQ(IMC_SUCCESS, imc_lkdealloc(self->lk));
	ASSERT_EQ(0, rsmt_step("gone", STEP_S));
}

TEST_F_TIMEOUT(imc, a_killed_holder_frees_its_lock_for_a_waiter, 400)
{
	struct try_arg t = { .key = KEY(100), .count = 1,
			     .perm = IMC_LKU | IMC_LKO };
	pid_t pid = 0;
	int c = 1, st;

	unlink("/tmp/imc_lock.release");
	rsmt_step_test("imc.lock.killed");
	ASSERT_EQ(IMC_SUCCESS, imc_lkalloc(KEY(100), &c, IMC_LKU | IMC_LKO, 0,
					   &self->lk));
	if (self->node == self->last)
		ASSERT_EQ(IMC_NOLOCKGOT, start_holder(&t, self->lk, &pid));
	ASSERT_EQ(0, rsmt_step("held", STEP_S));
	if (self->node == 1) {
		/* check 52 */
		EXPECT_EQ(IMC_SUCCESS, take_and_give_back_within(self->lk, 60));
	} else if (self->node == self->last) {
		sleep(2);
		/* the whole process group: the holder is the grandchild */
		EXPECT_EQ(0, rsmt_sh("pkill -KILL -P %d; kill -KILL %d", pid,
				     pid));
		waitpid(pid, &st, 0);
	}
	ASSERT_EQ(0, rsmt_step("done", STEP_S));
	EXPECT_EQ(IMC_SUCCESS, imc_lkdealloc(self->lk));
	ASSERT_EQ(0, rsmt_step("gone", STEP_S));
}

TEST_F_TIMEOUT(imc, imcs_lists_a_lock_set_with_its_holder, 300)
{
	int c = 3;

	rsmt_step_test("imc.lock.imcs");
	ASSERT_EQ(IMC_SUCCESS, imc_lkalloc(KEY(110), &c, IMC_LKU, 0,
					   &self->lk));
	if (self->node == self->last)
		ASSERT_EQ(IMC_SUCCESS, imc_lkacquire(self->lk, 2, 0,
						     IMC_LOCKWAIT));
	ASSERT_EQ(0, rsmt_step("held", STEP_S));
	/* every host lists it; its home names the holder */
	EXPECT_EQ(0, rsmt_sh("%s/utils/imcs -l > /tmp/imcs.l; sed 's/^/# /' /tmp/imcs.l >&2; grep -q '^  IMC  *[0-9]*  *1097838  *3 ' /tmp/imcs.l",
			     rsmt_top()));
	if (self->node == 1)	/* the coordinator, which made it */
		EXPECT_EQ(0, rsmt_sh("%s/utils/imcs -l | grep -q ' 2:node%d/'",
				     rsmt_top(), self->last));
	ASSERT_EQ(0, rsmt_step("listed", STEP_S));
	if (self->node == self->last)
		EXPECT_EQ(IMC_SUCCESS, imc_lkrelease(self->lk, 2));
	EXPECT_EQ(IMC_SUCCESS, imc_lkdealloc(self->lk));
	ASSERT_EQ(0, rsmt_step("gone", STEP_S));
}

/*
 * One process of the mutual-exclusion test: @iters times take lock 0,
 * read the counter from the receive mapping, send counter + 1 through a
 * loopback transmit mapping, wait until it comes back, and let go.
 * Exits 0, or 1 + why; prints its slowest wait for the lock.
 */
static int counting(int iters, imc_key_t rkey, imc_key_t lkey)
{
	volatile long *rx;
	caddr_t rxa, txa;
	imc_asid_t id;
	imc_lkid_t lk;
	double worst = 0, t, t0 = rsmt_time();
	int c = 1, i;
	long v;

	if (imc_api_init(NULL) ||
	    imc_asalloc(rkey, 8192, IMC_URW, IMC_COHERENT, &id, 0) ||
	    imc_asattach(id, IMC_RECEIVE, IMC_SHARED, 0, &rxa) ||
	    imc_asattach(id, IMC_TRANSMIT, IMC_SHARED, IMC_LOOPBACK, &txa) ||
	    imc_lkalloc(lkey, &c, IMC_LKU, 0, &lk))
		return 2;
	rx = (volatile long *)rxa;
	for (i = 0; i < iters; i++) {
		t = rsmt_time();
		if (imc_lkacquire(lk, 0, 0, IMC_LOCKWAIT))
			return 3;
		t = rsmt_time() - t;
		worst = t > worst ? t : worst;
		v = rx[0] + 1;
		imc_bcopy(&v, txa, sizeof(v), 1, 0);
		/* the loopback copy: the write is everywhere */
		for (t = rsmt_time(); rx[0] != v; )
			if (rsmt_time() - t > 30)
				return 5;	/* another write overtook it */
		if (imc_lkrelease(lk, 0))
			return 4;
	}
	/* a process that starved would finish long after the others */
	fprintf(stderr, "# node %d pid %d: %d grants in %.1f s, slowest wait %.3f s\n",
		rsmt_node_id(), (int)getpid(), iters, rsmt_time() - t0, worst);
	return 0;
}

TEST_F_TIMEOUT(imc, two_processes_per_host_count_without_losing_an_update,
	       3000)
{
	const char *env = getenv("RSM_LOCK_ITERS");
	/*
	 * check 51 is 3 hosts x 2 x 10000; 2 hosts count less, and so do
	 * two rails (there, every node pair has two connections)
	 */
	int iters = env ? atoi(env) : rsmt_rails() > 1 ? 1000 :
		    rsmt_nodes() >= 3 ? 10000 : 2000, st, i;
	long want = (long)rsmt_nodes() * 2 * iters;
	volatile long *rx;
	caddr_t rxa;
	imc_asid_t id;
	pid_t pid[2];

	/* check 51 */
	rsmt_step_test("imc.lock.count");
	ASSERT_EQ(IMC_SUCCESS, imc_asalloc(KEY(120), 8192, IMC_URW,
					   IMC_COHERENT, &id, 0));
	ASSERT_EQ(IMC_SUCCESS, imc_asattach(id, IMC_RECEIVE, IMC_SHARED, 0,
					    &rxa));
	rx = (volatile long *)rxa;
	ASSERT_EQ(0, rsmt_step("ready", STEP_S));
	for (i = 0; i < 2; i++) {
		pid[i] = fork();
		ASSERT_LE(0, pid[i]);
		if (pid[i] == 0)
			_exit(counting(iters, KEY(120), KEY(121)));
	}
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(pid[i], waitpid(pid[i], &st, 0));
		EXPECT_EQ(0, WEXITSTATUS(st));
	}
	ASSERT_EQ(0, rsmt_step("counted", 2400));
	/* every host's copy holds every process's every update */
	EXPECT_EQ(want, rx[0]);
	ASSERT_EQ(0, rsmt_step("checked", STEP_S));
	EXPECT_EQ(IMC_SUCCESS, imc_asdetach(id));
	EXPECT_EQ(IMC_SUCCESS, imc_asdealloc(id));
}

#define FULL_FIRST	600	/* sets the last node takes first */
#define FULL_ALL	1024	/* lock sets in the cluster at most */

/*
 * Allocate one-lock sets on keys KEY(1000 + @from ..) into @lk until one
 * is refused or @max were made; the number made, its status in @st.
 */
static int alloc_sets(imc_lkid_t *lk, int from, int max, int *st)
{
	int k, c;

	for (k = 0; k < max; k++) {
		c = 1;
		*st = imc_lkalloc(KEY(1000 + from + k), &c, IMC_LKU, 0, &lk[k]);
		if (*st != IMC_SUCCESS)
			break;
	}
	return k;
}

TEST_F_TIMEOUT(imc, lock_sets_beyond_the_clusters_room_are_mcfull, 600)
{
	static imc_lkid_t lk[FULL_ALL + 1];
	int n = 0, st = IMC_SUCCESS, k, c = 1;

	rsmt_step_test("imc.lock.full");
	/* the last node takes most of the room, over the wire */
	if (self->node == self->last) {
		n = alloc_sets(lk, 0, FULL_FIRST, &st);
		ASSERT_EQ(IMC_SUCCESS, st);
	}
	ASSERT_EQ(0, rsmt_step("first", STEP_S));
	/* node 1 (the coordinator) fills the rest and one more is refused */
	if (self->node == 1) {
		n = alloc_sets(lk, FULL_FIRST, FULL_ALL, &st);
		EXPECT_EQ(IMC_MCFULL, st);
		EXPECT_EQ(FULL_ALL - FULL_FIRST, n);
		/* a refusal changes nothing: no set of that key exists */
		EXPECT_EQ(IMC_MCFULL, imc_lkalloc(KEY(1000 + FULL_FIRST + n), &c,
						  IMC_LKU, 0, &lk[n]));
	}
	ASSERT_EQ(0, rsmt_step("full", STEP_S));
	/* room made by one set's end is there for the next */
	if (self->node == self->last)
		EXPECT_EQ(IMC_SUCCESS, imc_lkdealloc(lk[--n]));
	ASSERT_EQ(0, rsmt_step("one.freed", STEP_S));
	if (self->node == 1) {
		EXPECT_EQ(IMC_SUCCESS, imc_lkalloc(KEY(1000 + FULL_ALL), &c,
						   IMC_LKU, 0, &lk[n]));
		n++;
	}
	for (k = 0; k < n; k++)
		EXPECT_EQ(IMC_SUCCESS, imc_lkdealloc(lk[k]));
	ASSERT_EQ(0, rsmt_step("done", STEP_S));
	EXPECT_EQ(0, rsmt_imc_idle(60, true));
}

#define SHARED_ROUNDS	8

/*
 * A waiter killed while its grant may be on the way, in a child sharing
 * its parent's descriptor: the grant either reached it (the descriptor,
 * which lives on in the parent, holds the lock: IMC_LOCKPRIOR there) or
 * went back (the lock is free); never a lock nobody can give back.  The
 * waiter is on the set's home (node 1) in even rounds, on the last node
 * (its grant comes by message) in odd ones.
 */
TEST_F_TIMEOUT(imc, a_waiter_killed_as_its_grant_comes_leaves_no_ghost_holder,
	       600)
{
	struct rsm_ioc_imc_lkalloc al = { .key = KEY(130), .count = 1,
					  .perm = IMC_LKU | IMC_LKO };
	struct rsm_ioc_imc_lkop op = { .index = 0 };
	int c = 1, fd, round, st, got = 0, back = 0, waiter, holder;
	char step[32];
	pid_t pid = 0;

	rsmt_step_test("imc.lock.shared");
	if (self->node != 1)
		ASSERT_EQ(0, rsmt_step("created", STEP_S));
	ASSERT_EQ(IMC_SUCCESS, imc_lkalloc(KEY(130), &c, IMC_LKU | IMC_LKO, 0,
					   &self->lk));
	/* a descriptor of its own, shared with each child by fork */
	fd = open(RSM_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, RSM_IOC_IMC_LKALLOC, &al));
	op.id = al.id;
	if (self->node == 1)
		ASSERT_EQ(0, rsmt_step("created", STEP_S));
	for (round = 0; round < SHARED_ROUNDS; round++) {
		waiter = round % 2 ? self->last : 1;
		holder = round % 2 ? 1 : self->last;
		if (self->node == holder)
			ASSERT_EQ(IMC_SUCCESS, imc_lkacquire(self->lk, 0, 0,
							     IMC_LOCKWAIT));
		snprintf(step, sizeof(step), "held.%d", round);
		ASSERT_EQ(0, rsmt_step(step, STEP_S));
		if (self->node == waiter) {
			pid = fork();
			ASSERT_LE(0, pid);
			if (pid == 0) {
				op.wait = 1;
				_exit(ioctl(fd, RSM_IOC_IMC_LKACQUIRE, &op) ?
				      1 : 0);
			}
			usleep(500 * 1000);	/* it waits at the home now */
		}
		snprintf(step, sizeof(step), "waiting.%d", round);
		ASSERT_EQ(0, rsmt_step(step, STEP_S));
		/* the release and the kill close together, spread a little */
		if (self->node == holder)
			EXPECT_EQ(IMC_SUCCESS, imc_lkrelease(self->lk, 0));
		if (self->node == waiter) {
			usleep(round / 2 * 3000);
			kill(pid, SIGKILL);
			ASSERT_EQ(pid, waitpid(pid, &st, 0));
		}
		/* the release done, whichever came first */
		snprintf(step, sizeof(step), "released.%d", round);
		ASSERT_EQ(0, rsmt_step(step, STEP_S));
		if (self->node == waiter) {
			/* whichever way it went, the descriptor can tell */
			op.wait = 0;
			st = ioctl(fd, RSM_IOC_IMC_LKACQUIRE, &op);
			EXPECT_TRUE(st == 0 || st == -IMC_LOCKPRIOR)
				TH_LOG("round %d: %d", round, st);
			got += st == -IMC_LOCKPRIOR;
			back += st == 0;
			EXPECT_EQ(0, ioctl(fd, RSM_IOC_IMC_LKRELEASE, &op));
		}
		snprintf(step, sizeof(step), "checked.%d", round);
		ASSERT_EQ(0, rsmt_step(step, STEP_S));
		/* and then it is free for anyone */
		if (self->node == holder) {
			EXPECT_EQ(IMC_SUCCESS, imc_lkacquire(self->lk, 0, 0,
							     IMC_LOCKNOWAIT));
			EXPECT_EQ(IMC_SUCCESS, imc_lkrelease(self->lk, 0));
		}
		snprintf(step, sizeof(step), "free.%d", round);
		ASSERT_EQ(0, rsmt_step(step, STEP_S));
	}
	if (self->node == 1 || self->node == self->last)
		TH_LOG("the killed waiters here got the lock %d times, it went back %d times",
		       got, back);
	close(fd);
	EXPECT_EQ(IMC_SUCCESS, imc_lkdealloc(self->lk));
	ASSERT_EQ(0, rsmt_step("gone", STEP_S));
}

/*
 * Take the last node's only link down until node 1 is gone, and back;
 * with @release, release @lk while cut off.  Return: 0 or -1.
 */
static int cut_for_a_moment(imc_lkid_t lk, bool release)
{
	int ret;

	if (rsmt_sh("ip link set eth0 down"))
		return -1;
	ret = rsmt_wait_conn(1, false, 60);
	if (!ret && release && imc_lkrelease(lk, 0) != IMC_SUCCESS)
		ret = -1;
	if (rsmt_sh("ip link set eth0 up"))
		ret = -1;
	return ret;
}

/*
 * The holder's host loses its only connection to the set's home for a
 * moment (imc_lock_grace_ms made long here): the home keeps the lock for
 * it and nobody else gets it; its release then works.  A release made
 * during such a gap succeeds and reaches the home once the connection is
 * back, long before the grace would have freed the lock.
 */
TEST_F_TIMEOUT(imc, a_holder_cut_off_from_the_home_for_a_moment_keeps_its_lock,
	       900)
{
	unsigned int grace = 0;
	int c = 1;

	if (rsmt_rails() > 1)
		SKIP(return, "one rail: with two, another connection is up");
	rsmt_step_test("imc.lock.grace");
	ASSERT_EQ(0, rsmt_get_param("imc_lock_grace_ms", &grace));
	ASSERT_EQ(0, rsmt_set_param("imc_lock_grace_ms", 120000));
	if (self->node != 1)
		ASSERT_EQ(0, rsmt_step("created", STEP_S));
	ASSERT_EQ(IMC_SUCCESS, imc_lkalloc(KEY(140), &c, IMC_LKU | IMC_LKO, 0,
					   &self->lk));
	if (self->node == 1)
		ASSERT_EQ(0, rsmt_step("created", STEP_S));
	if (self->node == self->last) {
		ASSERT_EQ(IMC_SUCCESS, imc_lkacquire(self->lk, 0, 0,
						     IMC_LOCKNOWAIT));
		EXPECT_EQ(0, cut_for_a_moment(self->lk, false));
	}
	EXPECT_EQ(0, rsmt_wait_all_active(120));
	ASSERT_EQ(0, rsmt_step("back", STEP_S));
	if (self->node == 1)
		EXPECT_EQ(IMC_NOLOCKGOT, imc_lkacquire(self->lk, 0, 0,
						       IMC_LOCKNOWAIT));
	ASSERT_EQ(0, rsmt_step("tried", STEP_S));
	if (self->node == self->last) {
		EXPECT_EQ(IMC_SUCCESS, imc_lkrelease(self->lk, 0));
		/* again, released while cut off this time */
		ASSERT_EQ(IMC_SUCCESS, imc_lkacquire(self->lk, 0, 0,
						     IMC_LOCKNOWAIT));
		EXPECT_EQ(0, cut_for_a_moment(self->lk, true));
	}
	EXPECT_EQ(0, rsmt_wait_all_active(120));
	ASSERT_EQ(0, rsmt_step("released", STEP_S));
	if (self->node == 1) {
		/* the release came, not the end of the grace */
		EXPECT_EQ(IMC_SUCCESS, take_and_give_back_within(self->lk, 60));
	}
	ASSERT_EQ(0, rsmt_step("done", STEP_S));
	EXPECT_EQ(IMC_SUCCESS, imc_lkdealloc(self->lk));
	EXPECT_EQ(0, rsmt_set_param("imc_lock_grace_ms", grace));
	ASSERT_EQ(0, rsmt_step("gone", STEP_S));
}

TEST_HARNESS_MAIN
