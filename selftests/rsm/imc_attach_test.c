// SPDX-License-Identifier: GPL-2.0-only
/*
 * Memory Channel mappings (libimc) on every node of a cluster at once:
 * imc_asattach, imc_asattach_ptp, imc_asdetach, imc_bcopy, imc_flush and
 * the error counts, with their status codes (IMC.md 6, checks 15-17,
 * 20-26, 28-38, 42).  Runs after imc_cluster_test, which makes every node
 * a member; node N is host "nodeN".
 */
#include <sys/imc.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "rsm_cluster.h"

#define STEP_S		120
#define WAIT_S		30
#define KEY(n)		(0x6a000 + (n))
#define PAGE		4096

/* A child's result: its exit status, or 100+ when it did not exit. */
static int child_status(pid_t pid)
{
	int status;

	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return 100;
	if (WIFSIGNALED(status))
		return 100 + WTERMSIG(status);
	return WEXITSTATUS(status);
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
	/* the process's mappings and regions are gone here and everywhere */
	EXPECT_EQ(0, rsmt_imc_idle(30, false));
}

TEST_F_TIMEOUT(imc, attach_and_detach_check_their_arguments, 300)
{
	caddr_t a = NULL;
	imc_asid_t id;
	int n = 0;

	ASSERT_EQ(IMC_SUCCESS, imc_asalloc(KEY(1) + self->node, PAGE, IMC_URW,
					   0, &id, 0));
	EXPECT_EQ(IMC_BADPARM, imc_asattach(id, 3, IMC_SHARED, 0, &a));
	EXPECT_EQ(IMC_BADPARM, imc_asattach(id, IMC_RECEIVE, 7, 0, &a));
	EXPECT_EQ(IMC_BADPARM, imc_asattach(id, IMC_TRANSMIT, IMC_SHARED, 4,
					    &a));
	EXPECT_EQ(IMC_BADPARM, imc_asattach(id, IMC_RECEIVE, IMC_SHARED, 0,
					    NULL));
	EXPECT_EQ(IMC_BADREGION, imc_asattach(9999, IMC_RECEIVE, IMC_SHARED,
					      0, &a));
	a = (caddr_t)0x10001;
	EXPECT_EQ(IMC_BADADDR, imc_asattach(id, IMC_RECEIVE, IMC_SHARED,
					    IMC_RXPTR, &a));
	/* point-to-point: no loopback, a member other than this host */
	EXPECT_EQ(IMC_PTPERR, imc_asattach_ptp(id, IMC_SHARED, IMC_LOOPBACK,
					       "node1", &a));
	EXPECT_EQ(IMC_BADHOST, imc_asattach_ptp(id, IMC_SHARED, 0, "nohost",
						&a));
	EXPECT_EQ(IMC_BADPARM, imc_asattach_ptp(id, IMC_SHARED, 0, NULL, &a));
	EXPECT_EQ(IMC_BADPARM, imc_asdetach(0));
	EXPECT_EQ(IMC_BADPARM, imc_asdetach(-3));
	EXPECT_EQ(IMC_BADREGION, imc_asdetach(9999));
	EXPECT_EQ(IMC_BADREGION, imc_flush(9999));
	EXPECT_EQ(IMC_BADPARM, imc_flush(-1));
	/* error counts: a rail out of range is an error, not a crash */
	EXPECT_GT(0, imc_rderrcnt_mr(-1));
	EXPECT_EQ(IMC_BADRAIL, imc_rderrcnt_mr(IMC_MAXRAILS));
	EXPECT_EQ(IMC_BADRAIL, imc_ckerrcnt_mr(&n, IMC_MAXRAILS));
	EXPECT_EQ(IMC_BADRAIL, imc_ckerrcnt_mr(&n, -1));
	EXPECT_EQ(IMC_BADPARM, imc_ckerrcnt_mr(NULL, 0));
	EXPECT_EQ(IMC_BADPARM, imc_ckerrcnt(NULL));
	EXPECT_EQ(IMC_SUCCESS, imc_asdealloc(id));
}

TEST_F_TIMEOUT(imc, dealloc_of_an_attached_region_waits_for_detach, 300)
{
	struct rsm_imc_region_info r;
	caddr_t rx = NULL, tx = NULL;
	imc_asid_t id;

	ASSERT_EQ(IMC_SUCCESS, imc_asalloc(KEY(10) + self->node, PAGE,
					   IMC_URW, 0, &id, 0));
	ASSERT_EQ(IMC_SUCCESS, imc_asattach(id, IMC_RECEIVE, IMC_SHARED, 0,
					    &rx));
	ASSERT_EQ(IMC_SUCCESS, imc_asattach(id, IMC_TRANSMIT, IMC_SHARED, 0,
					    &tx));
	EXPECT_EQ(IMC_RECMAPPED, imc_asattach(id, IMC_RECEIVE, IMC_SHARED, 0,
					      &rx));
	EXPECT_EQ(IMC_XMITMAPPED, imc_asattach(id, IMC_TRANSMIT, IMC_SHARED,
					       0, &tx));
	EXPECT_EQ(IMC_XMITMAPPED, imc_asattach_ptp(id, IMC_SHARED, 0,
						   self->node == 1 ? "node2" :
						   "node1", &tx));
	/* imcs -r counts the attaches on this host */
	ASSERT_EQ(0, rsmt_imc_region_of(KEY(10) + self->node, &r));
	EXPECT_EQ(1, r.rx_attached);
	EXPECT_EQ(1, r.tx_attached);
	EXPECT_EQ(IMC_ATTACHED, imc_asdealloc(id));
	EXPECT_EQ(IMC_SUCCESS, imc_asdetach(id));
	ASSERT_EQ(0, rsmt_imc_region_of(KEY(10) + self->node, &r));
	EXPECT_EQ(0, r.rx_attached);
	EXPECT_EQ(0, r.tx_attached);
	EXPECT_EQ(IMC_SUCCESS, imc_asdealloc(id));
	EXPECT_EQ(IMC_BADREGION, imc_asdetach(id));
}

static sigjmp_buf fault_jmp;

static void on_segv(int sig)
{
	(void)sig;
	siglongjmp(fault_jmp, 1);
}

/* Does touching @p (a store if @store) fault?  1 or 0. */
static int faults(volatile char *p, int store)
{
	struct sigaction sa = { .sa_handler = on_segv }, old;
	volatile int hit = 0;

	sigaction(SIGSEGV, &sa, &old);
	if (!sigsetjmp(fault_jmp, 1)) {
		if (store)
			p[0] = 1;
		else
			(void)p[0];
	} else {
		hit = 1;
	}
	sigaction(SIGSEGV, &old, NULL);
	return hit;
}

TEST_F_TIMEOUT(imc, a_receive_mapping_is_read_only_and_gone_after_detach, 300)
{
	volatile char *rx = NULL;
	caddr_t a = NULL;
	imc_asid_t id;

	ASSERT_EQ(IMC_SUCCESS, imc_asalloc(KEY(20) + self->node, PAGE,
					   IMC_URW, 0, &id, 0));
	ASSERT_EQ(IMC_SUCCESS, imc_asattach(id, IMC_RECEIVE, IMC_SHARED, 0,
					    &a));
	rx = (volatile char *)a;
	EXPECT_EQ(0, rx[0]);		/* new receive memory is zero */
	EXPECT_EQ(-1, mprotect(a, PAGE, PROT_READ | PROT_WRITE));
	EXPECT_EQ(0, faults(rx, 0));
	EXPECT_EQ(1, faults(rx, 1));
	EXPECT_EQ(IMC_SUCCESS, imc_asdetach(id));
	EXPECT_EQ(1, faults(rx, 0));
	EXPECT_EQ(IMC_SUCCESS, imc_asdealloc(id));
}

TEST_F_TIMEOUT(imc, a_receive_mapping_goes_where_it_is_asked, 300)
{
	caddr_t a;
	void *free_spot;
	imc_asid_t id;

	ASSERT_EQ(IMC_SUCCESS, imc_asalloc(KEY(30) + self->node, 2 * PAGE,
					   IMC_URW, 0, &id, 0));
	free_spot = mmap(NULL, 2 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
			 -1, 0);
	ASSERT_NE(MAP_FAILED, free_spot);
	/* taken: refused, the mapping there untouched */
	a = free_spot;
	EXPECT_EQ(IMC_BADADDR, imc_asattach(id, IMC_RECEIVE, IMC_SHARED,
					    IMC_RXPTR, &a));
	ASSERT_EQ(0, munmap(free_spot, 2 * PAGE));
	a = free_spot;
	ASSERT_EQ(IMC_SUCCESS, imc_asattach(id, IMC_RECEIVE, IMC_SHARED,
					    IMC_RXPTR, &a));
	EXPECT_EQ(free_spot, (void *)a);
	EXPECT_EQ(IMC_SUCCESS, imc_asdetach(id));
	EXPECT_EQ(IMC_SUCCESS, imc_asdealloc(id));
}

/* In a child (its own process): imc_asattach's status, or 100+. */
static int attach_in_child(unsigned int key, imc_dir_t dir, int mode,
			   int flag, int as_nobody)
{
	pid_t pid = fork();

	if (pid == 0) {
		caddr_t a;
		imc_asid_t id;

		if (as_nobody && (setgid(65534) || setuid(65534)))
			_exit(100);
		if (imc_api_init(NULL) != IMC_SUCCESS ||
		    imc_asalloc(key, PAGE, IMC_URW, 0, &id, 0) != IMC_SUCCESS)
			_exit(101);
		_exit(-imc_asattach(id, dir, mode, flag, &a));
	}
	return -child_status(pid);
}

TEST_F_TIMEOUT(imc, sharing_mode_and_loopback_are_the_first_attachers_per_host, 300)
{
	caddr_t a, b;
	imc_asid_t id, id2;
	unsigned int key = KEY(40), key2 = KEY(41);

	rsmt_step_test("imc.modes");
	if (self->node == 1) {
		ASSERT_EQ(IMC_SUCCESS, imc_asalloc(key, PAGE, IMC_URW, 0,
						   &id, 0));
		ASSERT_EQ(IMC_SUCCESS, imc_asattach(id, IMC_RECEIVE,
						    IMC_SHARED, 0, &a));
		ASSERT_EQ(IMC_SUCCESS, imc_asattach(id, IMC_TRANSMIT,
						    IMC_SHARED, IMC_LOOPBACK,
						    &b));
		EXPECT_EQ(IMC_SHARERR, attach_in_child(key, IMC_RECEIVE,
						       IMC_NONSHARED, 0, 0));
		EXPECT_EQ(IMC_SUCCESS, attach_in_child(key, IMC_RECEIVE,
						       IMC_SHARED, 0, 0));
		EXPECT_EQ(IMC_LOOPBACKERR,
			  attach_in_child(key, IMC_TRANSMIT, IMC_SHARED, 0, 0));
		EXPECT_EQ(IMC_SUCCESS,
			  attach_in_child(key, IMC_TRANSMIT, IMC_SHARED,
					  IMC_LOOPBACK, 0));
		/* non-shared: one process of the host */
		ASSERT_EQ(IMC_SUCCESS, imc_asalloc(key2, PAGE, IMC_URW, 0,
						   &id2, 0));
		ASSERT_EQ(IMC_SUCCESS, imc_asattach(id2, IMC_RECEIVE,
						    IMC_NONSHARED, 0, &a));
		/* its owner may add the other direction */
		ASSERT_EQ(IMC_SUCCESS, imc_asattach(id2, IMC_TRANSMIT,
						    IMC_NONSHARED, 0, &b));
		EXPECT_EQ(IMC_NONSHARERR, attach_in_child(key2, IMC_RECEIVE,
							  IMC_NONSHARED, 0, 0));
		EXPECT_EQ(IMC_NONSHARERR, attach_in_child(key2, IMC_RECEIVE,
							  IMC_SHARED, 0, 0));
	}
	ASSERT_EQ(0, rsmt_step("attached", STEP_S));
	if (self->node == 2) {
		/* another host chooses for itself */
		ASSERT_EQ(IMC_SUCCESS, imc_asalloc(key, PAGE, IMC_URW, 0,
						   &id, 0));
		EXPECT_EQ(IMC_SUCCESS, imc_asattach(id, IMC_RECEIVE,
						    IMC_NONSHARED, 0, &a));
		EXPECT_EQ(IMC_SUCCESS, imc_asattach(id, IMC_TRANSMIT,
						    IMC_NONSHARED, 0, &b));
		EXPECT_EQ(IMC_SUCCESS, imc_asdetach(id));
		EXPECT_EQ(IMC_SUCCESS, imc_asdealloc(id));
	}
	ASSERT_EQ(0, rsmt_step("elsewhere", STEP_S));
	if (self->node == 1) {
		EXPECT_EQ(IMC_SUCCESS, imc_asdetach(id));
		EXPECT_EQ(IMC_SUCCESS, imc_asdetach(id2));
		/* nothing attached here any more: the host chooses again */
		EXPECT_EQ(IMC_SUCCESS, attach_in_child(key, IMC_RECEIVE,
						       IMC_NONSHARED, 0, 0));
		EXPECT_EQ(IMC_SUCCESS, imc_asdealloc(id));
		EXPECT_EQ(IMC_SUCCESS, imc_asdealloc(id2));
	}
	ASSERT_EQ(0, rsmt_step("done", STEP_S));
}

TEST_F_TIMEOUT(imc, attaching_needs_the_permission_of_the_direction, 300)
{
	caddr_t a;
	imc_asid_t id;
	unsigned int key = KEY(50) + self->node;

	/* root creates it readable by others: nobody receives, not sends */
	ASSERT_EQ(IMC_SUCCESS, imc_asalloc(key, PAGE, IMC_URW | IMC_OR, 0,
					   &id, 0));
	ASSERT_EQ(IMC_SUCCESS, imc_asattach(id, IMC_RECEIVE, IMC_SHARED, 0,
					    &a));
	EXPECT_EQ(IMC_SUCCESS, attach_in_child(key, IMC_RECEIVE, IMC_SHARED,
					       0, 1));
	EXPECT_EQ(IMC_PERMIT, attach_in_child(key, IMC_TRANSMIT, IMC_SHARED,
					      0, 1));
	EXPECT_EQ(IMC_SUCCESS, imc_asdetach(id));
	EXPECT_EQ(IMC_SUCCESS, imc_asdealloc(id));
}

TEST_F_TIMEOUT(imc, receive_memory_beyond_the_host_limit_is_imc_rxfull, 300)
{
	caddr_t a;
	imc_asid_t id, id2;

	/* imc_init -r 1: 1 MB of receive memory on this host */
	ASSERT_EQ(0, rsmt_sh("%s/utils/imc_init -r 1", rsmt_top()));
	ASSERT_EQ(IMC_SUCCESS, imc_asalloc(KEY(60) + self->node, 768 << 10,
					   IMC_URW, 0, &id, 0));
	ASSERT_EQ(IMC_SUCCESS, imc_asalloc(KEY(70) + self->node, 768 << 10,
					   IMC_URW, 0, &id2, 0));
	EXPECT_EQ(IMC_SUCCESS, imc_asattach(id, IMC_RECEIVE, IMC_SHARED, 0,
					    &a));
	EXPECT_EQ(IMC_RXFULL, imc_asattach(id2, IMC_RECEIVE, IMC_SHARED, 0,
					   &a));
	/* transmitting takes no receive memory */
	EXPECT_EQ(IMC_SUCCESS, imc_asattach(id2, IMC_TRANSMIT, IMC_SHARED, 0,
					    &a));
	EXPECT_EQ(IMC_SUCCESS, imc_asdetach(id));
	EXPECT_EQ(IMC_SUCCESS, imc_asdetach(id2));
	EXPECT_EQ(IMC_SUCCESS, imc_asdealloc(id));
	EXPECT_EQ(IMC_SUCCESS, imc_asdealloc(id2));
	EXPECT_EQ(0, rsmt_sh("%s/utils/imc_init -r 10", rsmt_top()));
}

TEST_F_TIMEOUT(imc, bcopy_between_ordinary_buffers_is_memmove, 300)
{
	unsigned char a[256], b[256], want[256];
	int s, d, len;

	for (s = 0; s < 8; s++)
		for (d = 0; d < 8; d++)
			for (len = 0; len <= 64; len++) {
				rsmt_fill_pattern(a, sizeof(a), 0, s + 1);
				memset(b, 0x5a, sizeof(b));
				memcpy(want, b, sizeof(b));
				memcpy(want + d, a + s, len);
				EXPECT_EQ(0, imc_bcopy(a + s, b + d, len, 0, 0));
				ASSERT_EQ(0, memcmp(b, want, sizeof(b)));
			}
	/* overlapping, both ways */
	rsmt_fill_pattern(a, sizeof(a), 0, 9);
	memcpy(want, a, sizeof(a));
	memmove(want + 3, want, 100);
	imc_bcopy(a, a + 3, 100, 0, 0);
	EXPECT_EQ(0, memcmp(a, want, sizeof(a)));
	memmove(want, want + 5, 100);
	imc_bcopy(a + 5, a, 100, 0, 0);
	EXPECT_EQ(0, memcmp(a, want, sizeof(a)));
}

TEST_HARNESS_MAIN
