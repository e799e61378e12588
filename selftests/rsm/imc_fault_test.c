// SPDX-License-Identifier: GPL-2.0-only
/*
 * Memory Channel error counts under a fault (IMC.md 6, checks 39-41): node
 * 2 loses its link for a while; node 1 keeps updating a record with the
 * retransmit protocol of imc_ckerrcnt_mr(3) (IMC.md 3.9, as Ingres does);
 * every node's count goes up, reads negative while the rails recover, and
 * in the end every receive copy holds the last record, whose sequence
 * numbers went up by one per update.  2 or 3 nodes; runs after
 * imc_cluster_test, which makes every node a member.
 */
#include <sys/imc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "rsm_cluster.h"

#define STEP_S		180
#define KEY		0x6c001
#define PAGE		4096
#define DOWN_S		8	/* node 2's link, down */
#define AFTER		20	/* updates once node 2 is back */
#define NVALS		5

struct rec {
	uint64_t errcnt;
	uint64_t seq;
	uint64_t pid;
	uint64_t val[NVALS];
};

static uint64_t val_of(uint64_t seq, int i)
{
	return seq * 1000 + (uint64_t)i;
}

static void store_rec(volatile struct rec *tx, const struct rec *r)
{
	int i;

	tx->errcnt = r->errcnt;
	tx->seq = r->seq;
	tx->pid = r->pid;
	for (i = 0; i < NVALS; i++)
		tx->val[i] = r->val[i];
	__sync_synchronize();
}

/* The count of rail 0 once it is not being updated; counts negatives. */
static int settled_count(int *negatives)
{
	int n;

	while ((n = imc_rderrcnt_mr(0)) < 0) {
		if (n < IMC_MAXRAILS * -100)	/* a status, not a count */
			return n;
		(*negatives)++;
		usleep(10 * 1000);
	}
	return n;
}

/*
 * One update of the record by the retransmit protocol.  Return: 0, or -1
 * when it gave up (2^20 spins without seeing its own write).
 */
/* Say where an update is stuck, every 5 s. */
static void stuck(double *next, const char *where, uint64_t want,
		  volatile struct rec *rx, int n)
{
	if (rsmt_time() < *next)
		return;
	*next = rsmt_time() + 5;
	fprintf(stderr, "# update to %llu stuck %s: receive copy %llu/%llu, count %d, now %d\n",
		(unsigned long long)want, where, (unsigned long long)rx->seq,
		(unsigned long long)rx->pid, n, imc_rderrcnt_mr(0));
}

static int update(volatile struct rec *tx, volatile struct rec *rx,
		  uint64_t *seq_out, int *negatives, int *retries)
{
	double next = rsmt_time() + 5;
	struct rec r;
	uint64_t old;
	long spins;
	int n, i;

	for (;;) {
		n = settled_count(negatives);
		if (n < 0)
			return -1;
		old = rx->seq;
		r.errcnt = (uint64_t)n;
		r.seq = old + 1;
		r.pid = (uint64_t)getpid();
		for (i = 0; i < NVALS; i++)
			r.val[i] = val_of(r.seq, i);
		for (;;) {
			store_rec(tx, &r);
			if (imc_ckerrcnt_mr(&n, 0) == IMC_SUCCESS)
				break;
			(*retries)++;
			stuck(&next, "storing", r.seq, rx, n);
			if (n < 0) {
				(*negatives)++;
				usleep(10 * 1000);
			}
		}
		for (spins = 0; spins < (1L << 20); spins++) {
			if (rx->seq == r.seq && rx->pid == r.pid) {
				*seq_out = r.seq;
				return 0;
			}
			if (!(spins % 1024) && spins &&
			    imc_ckerrcnt_mr(&n, 0) != IMC_SUCCESS)
				break;
			if (!(spins % 64))
				usleep(100);
		}
		if (spins == (1L << 20))
			return -1;
		(*retries)++;
		stuck(&next, "waiting for loopback", r.seq, rx, n);
	}
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

TEST_F_TIMEOUT(imc, a_lost_link_raises_every_count_and_the_writer_retransmits,
	       600)
{
	int node = rsmt_node_id();
	int before, after, negatives = 0, retries = 0, n;
	volatile struct rec *rx, *tx = NULL;
	caddr_t rxa, txa;
	uint64_t seq = 0, last = 0, k = 0;
	unsigned long long got;
	char path[512];
	imc_asid_t id;
	FILE *f;

	ASSERT_EQ(IMC_SUCCESS, imc_api_init(NULL));
	rsmt_step_test("imc.fault");
	ASSERT_EQ(IMC_SUCCESS, imc_asalloc(KEY, PAGE, IMC_URW, 0, &id, 0));
	ASSERT_EQ(IMC_SUCCESS, imc_asattach(id, IMC_RECEIVE, IMC_SHARED, 0,
					    &rxa));
	rx = (volatile struct rec *)rxa;
	if (node == 1) {
		ASSERT_EQ(IMC_SUCCESS, imc_asattach(id, IMC_TRANSMIT, IMC_SHARED,
						    IMC_LOOPBACK, &txa));
		tx = (volatile struct rec *)txa;
	}
	before = settled_count(&negatives);
	ASSERT_LE(0, before);
	ASSERT_EQ(0, rsmt_step("attached", STEP_S));

	if (node == 2) {
		ASSERT_EQ(0, rsmt_sh("ip link set eth0 down"));
		sleep(DOWN_S);
		ASSERT_EQ(0, rsmt_sh("ip link set eth0 up"));
		EXPECT_EQ(0, rsmt_wait_all_active(STEP_S));
		ASSERT_EQ(0, rsmt_step("healed", STEP_S));
	} else if (node == 1) {
		/* through the fault, then AFTER more once node 2 is back */
		while (!rsmt_step_reached("healed", 2) ||
		       k < AFTER) {
			if (rsmt_step_reached("healed", 2))
				k++;
			ASSERT_EQ(0, update(tx, rx, &seq, &negatives, &retries));
			/* strictly one more per update: nothing lost, none twice */
			EXPECT_EQ(last + 1, seq);
			last = seq;
		}
		TH_LOG("%llu updates, %d retries, %d negative reads",
		       (unsigned long long)last, retries, negatives);
		/* check 40: the count read negative while the rails recovered */
		EXPECT_LT(0, negatives);
		ASSERT_EQ(0, rsmt_sh("echo %llu > \"$RSM_SHARE\"/imc_fault_seq",
				     (unsigned long long)last));
		ASSERT_EQ(0, rsmt_step("healed", STEP_S));
	} else {
		ASSERT_EQ(0, rsmt_step("healed", STEP_S));
	}
	ASSERT_EQ(0, rsmt_step("written", STEP_S));

	/* check 41: every copy holds the last record, whole */
	ASSERT_NE(NULL, getenv("RSM_SHARE"));
	snprintf(path, sizeof(path), "%s/imc_fault_seq", getenv("RSM_SHARE"));
	f = fopen(path, "r");
	ASSERT_NE(NULL, f);
	ASSERT_EQ(1, fscanf(f, "%llu", &got));
	fclose(f);
	last = got;
	for (n = 0; n < 3000 && rx->seq != last; n++)
		usleep(10 * 1000);
	EXPECT_EQ(last, rx->seq);
	for (n = 0; n < NVALS; n++)
		EXPECT_EQ(val_of(last, n), rx->val[n]);
	EXPECT_NE(0, rx->pid);

	/* check 39: the count went up here too; a check against it fails */
	after = settled_count(&negatives);
	EXPECT_LT(before, after);
	n = before;
	EXPECT_EQ(IMC_MC_ERROR, imc_ckerrcnt_mr(&n, 0));
	EXPECT_EQ(after, n);
	EXPECT_EQ(IMC_SUCCESS, imc_ckerrcnt_mr(&n, 0));
	ASSERT_EQ(0, rsmt_step("checked", STEP_S));
	EXPECT_EQ(IMC_SUCCESS, imc_asdetach(id));
	EXPECT_EQ(IMC_SUCCESS, imc_asdealloc(id));
	EXPECT_EQ(0, rsmt_step("released", STEP_S));
	EXPECT_EQ(0, rsmt_imc_idle(60, true));
	EXPECT_EQ(0, rsmt_step("idle", STEP_S));
}

TEST_HARNESS_MAIN
