// SPDX-License-Identifier: GPL-2.0-only
/*
 * Memory Channel data on every node of a cluster at once: what a transmit
 * mapping sends reaches the receive mappings of the other hosts, in order,
 * with loopback, point-to-point, coherent and non-coherent regions, at
 * imc_bcopy and at flush points; error counts in the steady state
 * (IMC.md 6, checks 8, 17, 21, 22, 28-31, 35, 37, 38).  Runs after
 * imc_cluster_test, which makes every node a member; node N is "nodeN".
 */
#include <sys/imc.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/wait.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "rsm_cluster.h"

#define STEP_S		120
#define WAIT_S		30
#define KEY(n)		(0x6b000 + (n))
#define PAGE		4096
#define RECORDS		10000

/* Poll until @len bytes at @p equal @want.  0 or -1. */
static int wait_bytes(const volatile void *p, const void *want, size_t len)
{
	int i;

	for (i = 0; i < WAIT_S * 100; i++) {
		if (!memcmp((const void *)p, want, len))
			return 0;
		usleep(10 * 1000);
	}
	return -1;
}

FIXTURE(imc) {
	int node, nodes;
	bool left;		/* this node left the cluster: back at teardown */
	imc_asid_t id;
	caddr_t rx, tx;
};

FIXTURE_SETUP(imc)
{
	self->node = rsmt_node_id();
	self->nodes = rsmt_nodes();
	self->id = 0;
	self->left = false;
	ASSERT_EQ(IMC_SUCCESS, imc_api_init(NULL));
}

FIXTURE_TEARDOWN(imc)
{
	/* a test that stopped while this node was away: come back */
	if (self->left) {
		EXPECT_EQ(0, rsmt_load_config(-1, -1, false));
		EXPECT_EQ(0, rsmt_wait_all_active(STEP_S));
	}
	if (self->id > 0) {
		EXPECT_EQ(IMC_SUCCESS, imc_asdetach(self->id));
		EXPECT_EQ(IMC_SUCCESS, imc_asdealloc(self->id));
	}
	/*
	 * every node deallocated: nothing of the test is left anywhere (no
	 * node starts the next test before every node looked)
	 */
	EXPECT_EQ(0, rsmt_step("released", STEP_S));
	EXPECT_EQ(0, rsmt_imc_idle(WAIT_S, true));
	EXPECT_EQ(0, rsmt_step("idle", STEP_S));
}

/* Every node allocates @key (@size, @flag) and attaches for receive. */
static int alloc_rx(struct __test_metadata *_metadata,
		    FIXTURE_DATA(imc) *self, unsigned int key, size_t size,
		    int flag)
{
	ASSERT_EQ(IMC_SUCCESS, imc_asalloc(key, size, IMC_URW, flag,
					   &self->id, 0));
	ASSERT_EQ(IMC_SUCCESS, imc_asattach(self->id, IMC_RECEIVE,
					    IMC_SHARED, 0, &self->rx));
	return 0;
}

TEST_F_TIMEOUT(imc, a_broadcast_reaches_every_receiver_but_not_its_sender, 300)
{
	unsigned char want[PAGE], zero[PAGE] = { 0 };
	int n;

	rsmt_step_test("imc.bcast");
	alloc_rx(_metadata, self, KEY(1), PAGE, 0);
	ASSERT_EQ(0, rsmt_step("attached", STEP_S));
	rsmt_fill_pattern(want, sizeof(want), 0, 1);
	if (self->node == 1) {
		ASSERT_EQ(IMC_SUCCESS, imc_asattach(self->id, IMC_TRANSMIT,
						    IMC_SHARED, 0, &self->tx));
		n = imc_rderrcnt_mr(0);
		ASSERT_LE(0, n);
		imc_bcopy(want, self->tx, PAGE, 1, 0);
		EXPECT_EQ(IMC_SUCCESS, imc_ckerrcnt_mr(&n, 0));
	}
	ASSERT_EQ(0, rsmt_step("sent", STEP_S));
	if (self->node == 1) {	/* no loopback: this host's copy unchanged */
		EXPECT_EQ(0, memcmp(self->rx, zero, PAGE));
	} else {
		EXPECT_EQ(0, wait_bytes(self->rx, want, PAGE));
	}
	ASSERT_EQ(0, rsmt_step("checked", STEP_S));
}

TEST_F_TIMEOUT(imc, seeing_a_looped_back_write_means_every_receiver_has_it, 300)
{
	unsigned char rec[64];

	rsmt_step_test("imc.loop");
	alloc_rx(_metadata, self, KEY(2), PAGE, 0);
	ASSERT_EQ(0, rsmt_step("attached", STEP_S));
	rsmt_fill_pattern(rec, sizeof(rec), 0, 2);
	if (self->node == 1) {
		ASSERT_EQ(IMC_SUCCESS, imc_asattach(self->id, IMC_TRANSMIT,
						    IMC_SHARED, IMC_LOOPBACK,
						    &self->tx));
		imc_bcopy(rec, self->tx + 128, sizeof(rec), 1, 0);
		/* the record is back here: the others must have it now */
		EXPECT_EQ(0, wait_bytes(self->rx + 128, rec, sizeof(rec)));
	}
	ASSERT_EQ(0, rsmt_step("looped", STEP_S));
	EXPECT_EQ(0, memcmp(self->rx + 128, rec, sizeof(rec)));
	ASSERT_EQ(0, rsmt_step("checked", STEP_S));
}

TEST_F_TIMEOUT(imc, stores_go_out_at_flush_points_without_clobbering_others, 300)
{
	unsigned char want[2 * PAGE];
	volatile uint64_t *w;
	int n, i;

	rsmt_step_test("imc.flush");
	alloc_rx(_metadata, self, KEY(3), 2 * PAGE, 0);
	/* nodes 1 and 2 store into their own 64-byte slots of both pages */
	if (self->node <= 2)
		ASSERT_EQ(IMC_SUCCESS, imc_asattach(self->id, IMC_TRANSMIT,
						    IMC_SHARED, IMC_LOOPBACK,
						    &self->tx));
	ASSERT_EQ(0, rsmt_step("attached", STEP_S));
	memset(want, 0, sizeof(want));
	for (i = 0; i < 2 * PAGE; i += 128) {
		memset(want + i, 0x11, 64);
		memset(want + i + 64, 0x22, 64);
	}
	if (self->node <= 2) {
		w = (volatile uint64_t *)self->tx;
		for (i = 0; i < 2 * PAGE / 8; i++)
			if ((i / 8) % 2 == self->node - 1)
				w[i] = self->node == 1 ? 0x1111111111111111ULL :
				       0x2222222222222222ULL;
		n = imc_rderrcnt_mr(0);
		/* half through imc_flush, the rest at imc_ckerrcnt_mr */
		if (self->node == 1)
			EXPECT_EQ(IMC_SUCCESS, imc_flush(self->id));
		EXPECT_EQ(IMC_SUCCESS, imc_ckerrcnt_mr(&n, 0));
	}
	ASSERT_EQ(0, rsmt_step("stored", STEP_S));
	/* the writers loop back: all three copies hold both halves */
	EXPECT_EQ(0, wait_bytes(self->rx, want, sizeof(want)));
	ASSERT_EQ(0, rsmt_step("checked", STEP_S));
}

TEST_F_TIMEOUT(imc, a_reader_that_sees_record_k_sees_records_1_to_k, 900)
{
	uint64_t *rec;
	uint64_t k, last = 0, seen = 0;
	int i, bad = 0;

	rsmt_step_test("imc.order");
	/* slot 0 counts; slots 1..RECORDS hold i * 3 + 1 */
	alloc_rx(_metadata, self, KEY(4), (RECORDS + 1) * 8, 0);
	ASSERT_EQ(0, rsmt_step("attached", STEP_S));
	if (self->node == 1) {
		ASSERT_EQ(IMC_SUCCESS, imc_asattach(self->id, IMC_TRANSMIT,
						    IMC_SHARED, 0, &self->tx));
		for (k = 1; k <= RECORDS; k++) {
			uint64_t v = k * 3 + 1;

			imc_bcopy(&v, self->tx + k * 8, 8, 1, 0);
			imc_bcopy(&k, self->tx, 8, 1, 0);
		}
	} else {
		rec = (uint64_t *)self->rx;
		for (i = 0; i < 600 * 100 && last < RECORDS; i++) {
			k = __atomic_load_n(&rec[0], __ATOMIC_ACQUIRE);
			if (k > RECORDS) {
				bad++;
				break;
			}
			for (; seen < k; seen++)
				if (rec[seen + 1] != (seen + 1) * 3 + 1)
					bad++;
			if (k == last)
				usleep(10 * 1000);
			last = k;
		}
		EXPECT_EQ(RECORDS, last);
		EXPECT_EQ(0, bad);
	}
	ASSERT_EQ(0, rsmt_step("read", 900));
}

TEST_F_TIMEOUT(imc, point_to_point_reaches_only_the_named_host, 300)
{
	unsigned char want[256], zero[256] = { 0 };

	rsmt_step_test("imc.ptp");
	alloc_rx(_metadata, self, KEY(5), PAGE, 0);
	ASSERT_EQ(0, rsmt_step("attached", STEP_S));
	rsmt_fill_pattern(want, sizeof(want), 0, 5);
	if (self->node == 1) {
		int n = imc_rderrcnt_mr(0);

		ASSERT_EQ(IMC_SUCCESS, imc_asattach_ptp(self->id, IMC_SHARED,
							0, "node2", &self->tx));
		imc_bcopy(want, self->tx, sizeof(want), 1, 0);
		EXPECT_EQ(IMC_SUCCESS, imc_ckerrcnt_mr(&n, 0));
	}
	ASSERT_EQ(0, rsmt_step("sent", STEP_S));
	if (self->node == 2) {
		EXPECT_EQ(0, wait_bytes(self->rx, want, sizeof(want)));
	} else {
		/* give a stray write time to land before looking */
		sleep(1);
		EXPECT_EQ(0, memcmp(self->rx, zero, sizeof(zero)));
	}
	ASSERT_EQ(0, rsmt_step("checked", STEP_S));
}

TEST_F_TIMEOUT(imc, a_late_receiver_gets_every_write_after_its_attach, 300)
{
	unsigned char first[64], second[64];
	int n;

	rsmt_step_test("imc.late");
	ASSERT_EQ(IMC_SUCCESS, imc_asalloc(KEY(6), PAGE, IMC_URW, 0,
					   &self->id, 0));
	rsmt_fill_pattern(first, sizeof(first), 0, 6);
	rsmt_fill_pattern(second, sizeof(second), 0, 7);
	if (self->node == 1) {
		ASSERT_EQ(IMC_SUCCESS, imc_asattach(self->id, IMC_TRANSMIT,
						    IMC_SHARED, 0, &self->tx));
		n = imc_rderrcnt_mr(0);
		imc_bcopy(first, self->tx, sizeof(first), 1, 0);
		EXPECT_EQ(IMC_SUCCESS, imc_ckerrcnt_mr(&n, 0));
	}
	ASSERT_EQ(0, rsmt_step("first", STEP_S));
	if (self->node != 1)
		ASSERT_EQ(IMC_SUCCESS, imc_asattach(self->id, IMC_RECEIVE,
						    IMC_SHARED, 0, &self->rx));
	ASSERT_EQ(0, rsmt_step("attached", STEP_S));
	if (self->node == 1) {
		imc_bcopy(second, self->tx + 64, sizeof(second), 1, 0);
		EXPECT_EQ(IMC_SUCCESS, imc_ckerrcnt_mr(&n, 0));
	}
	ASSERT_EQ(0, rsmt_step("second", STEP_S));
	/* nothing is promised about the first write */
	if (self->node != 1)
		EXPECT_EQ(0, wait_bytes(self->rx + 64, second, sizeof(second)));
	ASSERT_EQ(0, rsmt_step("checked", STEP_S));
}

TEST_F_TIMEOUT(imc, a_coherent_region_holds_what_was_written_before_a_host_joined, 300)
{
	unsigned char want[3 * PAGE];
	int n;

	rsmt_step_test("imc.coherent");
	rsmt_fill_pattern(want, sizeof(want), 0, 8);
	if (self->node == 1) {
		ASSERT_EQ(IMC_SUCCESS, imc_asalloc(KEY(7), sizeof(want),
						   IMC_URW, IMC_COHERENT,
						   &self->id, 0));
		ASSERT_EQ(IMC_SUCCESS, imc_asattach(self->id, IMC_TRANSMIT,
						    IMC_SHARED, 0, &self->tx));
		n = imc_rderrcnt_mr(0);
		imc_bcopy(want, self->tx, sizeof(want), 1, 0);
		EXPECT_EQ(IMC_SUCCESS, imc_ckerrcnt_mr(&n, 0));
	}
	ASSERT_EQ(0, rsmt_step("written", STEP_S));
	if (self->node != 1) {
		alloc_rx(_metadata, self, KEY(7), sizeof(want), IMC_COHERENT);
		EXPECT_EQ(0, memcmp(self->rx, want, sizeof(want)));
	}
	ASSERT_EQ(0, rsmt_step("checked", STEP_S));
}

/*
 * A host that joins the API cluster after a coherent region was written
 * gets a copy of it (IMC.md 5.2): node N leaves, node 1 writes (looping
 * back into its own receive memory) and detaches, so no later send can
 * bring the bytes; node N comes back and finds them in its receive copy.
 */
TEST_F_TIMEOUT(imc, a_host_joining_late_gets_a_snapshot_of_a_coherent_region,
	       300)
{
	const size_t size = 3 * PAGE;
	unsigned char *want = malloc(size);
	imc_hostinfo hi;
	imc_infoType items[] = { IMC_GET_HOSTS, 0 };
	int n, i;

	ASSERT_NE(NULL, want);
	rsmt_step_test("imc.latejoin");
	rsmt_fill_pattern(want, size, 0, 23);
	if (self->node == self->nodes) {
		self->left = true;
		ASSERT_EQ(0, rsmt_sh("%s/utils/rsmadm clear", rsmt_top()));
	} else {
		/* the others see it gone before anything is written */
		for (i = 0; i < WAIT_S * 10; i++) {
			ASSERT_EQ(IMC_SUCCESS,
				  imc_getclusterinfo(items, 1, (char *)&hi,
						     (int)sizeof(hi)));
			if ((int)hi.num_hosts == self->nodes - 1)
				break;
			usleep(100 * 1000);
		}
		EXPECT_EQ(self->nodes - 1, (int)hi.num_hosts);
		alloc_rx(_metadata, self, KEY(9), size, IMC_COHERENT);
	}
	ASSERT_EQ(0, rsmt_step("left", STEP_S));
	if (self->node == 1) {
		ASSERT_EQ(IMC_SUCCESS, imc_asattach(self->id, IMC_TRANSMIT,
						    IMC_SHARED, IMC_LOOPBACK,
						    &self->tx));
		/* node N's loss moved the count: the retransmit protocol */
		for (i = 0; i < WAIT_S * 10; i++) {
			n = imc_rderrcnt_mr(0);
			if (n < 0) {
				usleep(100 * 1000);
				continue;
			}
			imc_bcopy(want, self->tx, (long)size, 1, 0);
			if (imc_ckerrcnt_mr(&n, 0) == IMC_SUCCESS)
				break;
		}
		EXPECT_GT(WAIT_S * 10, i);
		EXPECT_EQ(0, wait_bytes(self->rx, want, size));
		/* the writer is gone: only a copy brings the bytes now */
		EXPECT_EQ(IMC_SUCCESS, imc_asdetach(self->id));
		EXPECT_EQ(IMC_SUCCESS, imc_asattach(self->id, IMC_RECEIVE,
						    IMC_SHARED, 0, &self->rx));
	}
	ASSERT_EQ(0, rsmt_step("written", STEP_S));
	if (self->node == self->nodes) {
		ASSERT_EQ(0, rsmt_load_config(-1, -1, false));
		self->left = false;
		EXPECT_EQ(0, rsmt_wait_all_active(STEP_S));
		for (i = 0; i < WAIT_S * 10; i++) {
			ASSERT_EQ(IMC_SUCCESS,
				  imc_getclusterinfo(items, 1, (char *)&hi,
						     (int)sizeof(hi)));
			if ((int)hi.num_hosts == self->nodes)
				break;
			usleep(100 * 1000);
		}
		ASSERT_EQ(self->nodes, (int)hi.num_hosts);
		ASSERT_EQ(IMC_SUCCESS, imc_asalloc(KEY(9), size, IMC_URW,
						   IMC_COHERENT, &self->id,
						   0));
		ASSERT_EQ(IMC_SUCCESS, imc_asattach(self->id, IMC_RECEIVE,
						    IMC_SHARED, 0, &self->rx));
		EXPECT_EQ(0, memcmp(self->rx, want, size));
	}
	free(want);
	ASSERT_EQ(0, rsmt_step("checked", STEP_S));
}

/* The image of the misaligned copies: slot (s, d, len) at 128 * index. */
static void bcopy_image(unsigned char *img, size_t size)
{
	unsigned char src[128];
	size_t slot = 0;
	int s, d, len;

	memset(img, 0xee, size);
	for (s = 0; s < 8; s++)
		for (d = 0; d < 8; d++)
			for (len = 1; len <= 64; len++, slot++) {
				rsmt_fill_pattern(src, sizeof(src), 0,
						  (unsigned int)slot);
				memcpy(img + slot * 128 + d, src + s, len);
			}
}

TEST_F_TIMEOUT(imc, bcopy_into_a_transmit_mapping_sends_exactly_its_bytes,
	       600)
{
	const size_t size = 8 * 8 * 64 * 128;
	unsigned char *img = malloc(size), src[128];
	size_t slot = 0;
	int s, d, len, n;

	ASSERT_NE(NULL, img);
	rsmt_step_test("imc.bcopy");
	alloc_rx(_metadata, self, KEY(8), size, 0);
	ASSERT_EQ(0, rsmt_step("attached", STEP_S));
	if (self->node == 1) {
		ASSERT_EQ(IMC_SUCCESS, imc_asattach(self->id, IMC_TRANSMIT,
						    IMC_SHARED, 0, &self->tx));
		n = imc_rderrcnt_mr(0);
		memset(img, 0xee, size);
		imc_bcopy(img, self->tx, (long)size, 1, 0);
		for (s = 0; s < 8; s++)
			for (d = 0; d < 8; d++)
				for (len = 1; len <= 64; len++, slot++) {
					rsmt_fill_pattern(src, sizeof(src), 0,
							  (unsigned int)slot);
					imc_bcopy(src + s,
						  self->tx + slot * 128 + d,
						  len, 1, 0);
				}
		EXPECT_EQ(IMC_SUCCESS, imc_ckerrcnt_mr(&n, 0));
	}
	ASSERT_EQ(0, rsmt_step("sent", 600));
	if (self->node != 1) {
		bcopy_image(img, size);
		EXPECT_EQ(0, wait_bytes(self->rx, img, size));
	}
	free(img);
	ASSERT_EQ(0, rsmt_step("checked", STEP_S));
}

TEST_F_TIMEOUT(imc, error_counts_agree_and_pass_in_the_steady_state, 300)
{
	int n, m, legacy;

	rsmt_step_test("imc.errcnt");
	ASSERT_EQ(0, rsmt_step("quiet", STEP_S));
	n = imc_rderrcnt_mr(0);
	ASSERT_LE(0, n);
	m = n;
	EXPECT_EQ(IMC_SUCCESS, imc_ckerrcnt_mr(&m, 0));
	EXPECT_EQ(n, m);
	/* a count from before the last error is behind: IMC_MC_ERROR */
	if (n > 0) {
		m = n - 1;
		EXPECT_EQ(IMC_MC_ERROR, imc_ckerrcnt_mr(&m, 0));
		EXPECT_EQ(n, m);
	}
	/* the legacy form sums the rails */
	for (m = 1; m < rsmt_rails(); m++)
		n += imc_rderrcnt_mr(m);
	legacy = imc_rderrcnt();
	EXPECT_EQ(n, legacy);
	EXPECT_EQ(IMC_SUCCESS, imc_ckerrcnt(&legacy));
	/* every host has the same count (RSM_SHARE: the run's shared dir) */
	ASSERT_NE(NULL, getenv("RSM_SHARE"));
	ASSERT_EQ(0, rsmt_sh("echo %d > \"$RSM_SHARE\"/imc_errcnt.%d", n,
			     self->node));
	ASSERT_EQ(0, rsmt_step("told", STEP_S));
	EXPECT_EQ(0, rsmt_sh("test $(cat \"$RSM_SHARE\"/imc_errcnt.* | sort -u | wc -l) -eq 1"));
	ASSERT_EQ(0, rsmt_step("checked", STEP_S));
}

/* In a child: allocate @key, attach for receive, compare @len bytes. */
static int child_receives(unsigned int key, const unsigned char *want,
			  size_t len, bool hang)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		caddr_t a;
		imc_asid_t id;

		if (imc_api_init(NULL) != IMC_SUCCESS ||
		    imc_asalloc(key, PAGE, IMC_URW, 0, &id, 0) != IMC_SUCCESS ||
		    imc_asattach(id, IMC_RECEIVE, IMC_SHARED, 0, &a) !=
		    IMC_SUCCESS)
			_exit(10);
		if (hang)
			pause();
		_exit(wait_bytes(a, want, len) ? 11 : 0);
	}
	if (hang)
		return pid;
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

TEST_F_TIMEOUT(imc, a_killed_receiver_comes_back_and_an_exiting_sender_flushes,
	       300)
{
	unsigned char want[512];
	pid_t victim = 0, pid;
	int status;

	rsmt_step_test("imc.kill");
	ASSERT_EQ(IMC_SUCCESS, imc_asalloc(KEY(9), PAGE, IMC_URW, 0,
					   &self->id, 0));
	rsmt_fill_pattern(want, sizeof(want), 0, 9);
	/* node 2's receiver is killed with its mapping */
	if (self->node == 2) {
		victim = child_receives(KEY(9), want, sizeof(want), true);
		ASSERT_LT(0, victim);
		usleep(500 * 1000);
		ASSERT_EQ(0, kill(victim, SIGKILL));
		ASSERT_EQ(victim, waitpid(victim, &status, 0));
	}
	ASSERT_EQ(0, rsmt_step("killed", STEP_S));
	/* node 1's sender stores and exits: exit sends what it stored */
	if (self->node == 1) {
		pid = fork();
		if (pid == 0) {
			caddr_t tx;
			imc_asid_t id;

			if (imc_api_init(NULL) != IMC_SUCCESS ||
			    imc_asalloc(KEY(9), PAGE, IMC_URW, 0, &id, 0) ||
			    imc_asattach(id, IMC_TRANSMIT, IMC_SHARED, 0, &tx))
				_exit(10);
			memcpy(tx, want, sizeof(want));
			_exit(0);
		}
		ASSERT_LT(0, pid);
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_EQ(0, WEXITSTATUS(status));
	}
	ASSERT_EQ(0, rsmt_step("sent", STEP_S));
	/* a new receiver on node 2 finds it in the host's receive memory */
	if (self->node == 2)
		EXPECT_EQ(0, child_receives(KEY(9), want, sizeof(want), false));
	ASSERT_EQ(0, rsmt_step("checked", STEP_S));
}

TEST_HARNESS_MAIN
