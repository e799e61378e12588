// SPDX-License-Identifier: GPL-2.0-only
/*
 * Memory Channel logical rails (IMC.md 6, checks 10 and 63): every RDMA
 * controller is a rail, so this needs the virtual cluster's second
 * controller (rsm-vcluster --rails 2, rxe1 on eth1) and skips without it.
 * A key lives on one rail; rail 1's port going down wakes a rail waiter
 * with bit 1 cleared and raises the count; a region on rail 1 keeps
 * carrying data while rail 1 is down on one node (its writes fail over to
 * the other controller, and the retransmit protocol of imc_ckerrcnt_mr(3)
 * ends with identical copies); a lock stays with its holder while either
 * of its host's rails is down; and the Ingres update loop (IMC.md 3.9:
 * lock, read the receive copy, write by the retransmit protocol, wait for
 * the loopback, release) loses and doubles no update while the last node's
 * rails go down and up, one after the other.  2 or 3 nodes; runs after
 * imc_cluster_test, which makes every node a member.
 */
#include <sys/imc.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "rsm_cluster.h"

#define STEP_S		180
#define KEY_RAIL	0x6d001
#define KEY_DATA	0x6d002
#define PAGE		4096
#define RECORDS		40
#define KEY_BULK	0x6d003
#define KEY_LOCK	0x6d004
#define KEY_ILOCK	0x6d005
#define KEY_IDATA	0x6d006
#define KEY_WLOCK	0x6d007
#define BULK		(1 << 20)

#define NEED_TWO_RAILS()						\
	do {								\
		if (rsmt_rails() != 2)					\
			SKIP(return, "one controller per node (rsm-vcluster --rails 2)"); \
	} while (0)

static int active_rails(imc_railinfo *r)
{
	imc_infoType items[] = { IMC_GET_ACTIVERAILS, 0 };

	return imc_getclusterinfo(items, 1, (char *)r, (int)sizeof(*r));
}

/* Poll until the active rails are @want; IMC_SUCCESS or IMC_TIMEOUT. */
static int wait_rails(imc_railinfo want, int timeout_s)
{
	double end = rsmt_time() + timeout_s;
	imc_railinfo r = 0;
	int st;

	do {
		st = active_rails(&r);
		if (st != IMC_SUCCESS || r == want)
			return st;
		usleep(100 * 1000);
	} while (rsmt_time() < end);
	fprintf(stderr, "# active rails 0x%x, waited for 0x%x\n", r, want);
	return IMC_TIMEOUT;
}

/* Poll until rail @rail's count is above @than; the count, or -1. */
static int wait_count_above(int rail, int than, int timeout_s)
{
	double end = rsmt_time() + timeout_s;
	int n;

	do {
		n = imc_rderrcnt_mr(rail);
		if (n > than)
			return n;
		usleep(100 * 1000);
	} while (rsmt_time() < end);
	return -1;
}

/* In a child: wait for a rail change from @base; exit 0 when bit 1 went. */
static pid_t rail_waiter(imc_railinfo base)
{
	imc_eventType ev[] = { IMC_CC_EVENT_RAIL };
	pid_t pid = fork();
	imc_railinfo r = base;
	int st;

	if (pid)
		return pid;
	if (imc_api_init(NULL) != IMC_SUCCESS)
		_exit(10);
	alarm(STEP_S);
	st = imc_wait_cluster_event(ev, 1, 0, &r, sizeof(r));
	if (st != IMC_RAIL_CHANGE)
		_exit(20 + (st < 0 ? -st : st) % 80);
	_exit(r == (base & ~2U) ? 0 : 11);
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

TEST_F_TIMEOUT(imc, a_key_lives_on_one_rail_another_rail_is_wrongrail, 300)
{
	int node = rsmt_node_id(), status;
	imc_asid_t id, other;
	pid_t pid;

	NEED_TWO_RAILS();
	ASSERT_EQ(IMC_SUCCESS, imc_api_init(NULL));
	rsmt_step_test("imc.wrongrail");
	if (node == 1)
		ASSERT_EQ(IMC_SUCCESS, imc_asalloc(KEY_RAIL, PAGE, IMC_URW, 0,
						   &id, 0));
	ASSERT_EQ(0, rsmt_step("allocated", STEP_S));
	/* check 10, from every node: another process, the other rail */
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (imc_api_init(NULL) != IMC_SUCCESS)
			_exit(10);
		if (imc_asalloc(KEY_RAIL, PAGE, IMC_URW, 0, &other, 1) !=
		    IMC_WRONGRAIL)
			_exit(11);
		/* rails are numbered below IMC_GET_NRAILS */
		if (imc_asalloc(KEY_RAIL + 100, PAGE, IMC_URW, 0, &other, 2) !=
		    IMC_BADRAIL)
			_exit(12);
		/* the key's own rail joins it */
		if (imc_asalloc(KEY_RAIL, PAGE, IMC_URW, 0, &other, 0) !=
		    IMC_SUCCESS || imc_asdealloc(other) != IMC_SUCCESS)
			_exit(13);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	ASSERT_EQ(0, rsmt_step("checked", STEP_S));
	if (node == 1)
		EXPECT_EQ(IMC_SUCCESS, imc_asdealloc(id));
	ASSERT_EQ(0, rsmt_step("released", STEP_S));
	/* gone everywhere: rail 1 may have it now */
	EXPECT_EQ(0, rsmt_imc_idle(60, true));
	ASSERT_EQ(0, rsmt_step("idle", STEP_S));
	EXPECT_EQ(IMC_SUCCESS, imc_asalloc(KEY_RAIL, PAGE, IMC_URW, 0, &id, 1));
	EXPECT_EQ(IMC_SUCCESS, imc_asdealloc(id));
	ASSERT_EQ(0, rsmt_step("rail1", STEP_S));
	EXPECT_EQ(0, rsmt_imc_idle(60, true));
	EXPECT_EQ(0, rsmt_step("idle1", STEP_S));
}

TEST_F_TIMEOUT(imc, rail_1_port_down_wakes_a_rail_waiter_and_clears_bit_1, 600)
{
	int node = rsmt_node_id(), n = rsmt_nodes(), before, status;
	imc_railinfo r = 0;
	pid_t pid;

	NEED_TWO_RAILS();
	ASSERT_EQ(IMC_SUCCESS, imc_api_init(NULL));
	rsmt_step_test("imc.raildown");
	ASSERT_EQ(IMC_SUCCESS, wait_rails(3, 60));
	before = imc_rderrcnt_mr(1);
	ASSERT_LE(0, before);
	ASSERT_EQ(0, rsmt_step("ready", STEP_S));
	if (node == n) {
		/* check 63: the waiter wakes with bit 1 cleared */
		pid = rail_waiter(3);
		ASSERT_LE(0, pid);
		usleep(500 * 1000);	/* the child is waiting */
		ASSERT_EQ(0, rsmt_sh("ip link set eth1 down"));
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_TRUE(WIFEXITED(status));
		EXPECT_EQ(0, WEXITSTATUS(status));
		ASSERT_EQ(IMC_SUCCESS, active_rails(&r));
		EXPECT_EQ(1, r);
	}
	/* a port down is an error on the rail, counted cluster-wide */
	EXPECT_LT(before, wait_count_above(1, before, 60));
	ASSERT_EQ(0, rsmt_step("down", STEP_S));
	if (node == n)
		ASSERT_EQ(0, rsmt_sh("ip link set eth1 up"));
	/* back: both rails active everywhere, every connection up */
	EXPECT_EQ(IMC_SUCCESS, wait_rails(3, 120));
	EXPECT_EQ(0, rsmt_wait_all_active(120));
	ASSERT_EQ(0, rsmt_step("up", STEP_S));
}

/* Packets controller @dev sent (rxe's counters); -1 without them. */
static long long sent_pkts(const char *dev)
{
	char path[256];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path),
		 "/sys/class/infiniband/%s/ports/1/hw_counters/sent_pkts", dev);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%lld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/*
 * Node 1 sends @BULK bytes on a region of rail @rail.  Return: the packets
 * each controller sent meanwhile, in @d[0] and @d[1].
 */
static int bulk_on_rail(int rail, long long d[2])
{
	const char *dev[2] = { "rxe0", "rxe1" };
	long long b[2];
	char *src, *tx;
	imc_asid_t id;
	int i, n = 0, ret = -1;

	src = malloc(BULK);
	if (!src || imc_asalloc(KEY_BULK + rail, BULK, IMC_URW, 0, &id,
				rail) != IMC_SUCCESS)
		goto out;
	if (imc_asattach(id, IMC_TRANSMIT, IMC_SHARED, 0, &tx) != IMC_SUCCESS)
		goto dealloc;
	rsmt_fill_pattern(src, BULK, 0, (unsigned int)rail + 1);
	for (i = 0; i < 2; i++)
		b[i] = sent_pkts(dev[i]);
	n = imc_rderrcnt_mr(rail);
	if (n < 0 || imc_bcopy(src, tx, BULK, 0, 0) != 0 ||
	    imc_ckerrcnt_mr(&n, rail) != IMC_SUCCESS)
		goto detach;
	for (i = 0; i < 2; i++)
		d[i] = sent_pkts(dev[i]) - b[i];
	ret = 0;
detach:
	imc_asdetach(id);
dealloc:
	imc_asdealloc(id);
out:
	free(src);
	return ret;
}

TEST_F_TIMEOUT(imc, a_region_sends_through_its_own_rails_controller, 300)
{
	int node = rsmt_node_id(), n = rsmt_nodes(), rail;
	long long d[2];
	caddr_t rxa;
	imc_asid_t id;

	NEED_TWO_RAILS();
	if (sent_pkts("rxe0") < 0 || sent_pkts("rxe1") < 0)
		SKIP(return, "no packet counters (siw)");
	ASSERT_EQ(IMC_SUCCESS, imc_api_init(NULL));
	rsmt_step_test("imc.railpath");
	for (rail = 0; rail < 2; rail++) {
		if (node != 1) {
			ASSERT_EQ(IMC_SUCCESS,
				  imc_asalloc(KEY_BULK + rail, BULK, IMC_URW, 0,
					      &id, rail));
			ASSERT_EQ(IMC_SUCCESS,
				  imc_asattach(id, IMC_RECEIVE, IMC_SHARED, 0,
					       &rxa));
		}
		ASSERT_EQ(0, rsmt_step(rail ? "attached1" : "attached0",
				       STEP_S));
		if (node == 1) {
			ASSERT_EQ(0, bulk_on_rail(rail, d));
			TH_LOG("rail %d: rxe0 sent %lld packets, rxe1 %lld",
			       rail, d[0], d[1]);
			/* 1 KiB packets (rxe's MTU on Ethernet) at most */
			EXPECT_LE(1024LL * (n - 1), d[rail]);
			EXPECT_GT(200LL * (n - 1), d[!rail]);
		}
		ASSERT_EQ(0, rsmt_step(rail ? "sent1" : "sent0", STEP_S));
		if (node != 1) {
			EXPECT_EQ(-1, rsmt_check_pattern(rxa, BULK, 0,
							(unsigned int)rail + 1));
			EXPECT_EQ(IMC_SUCCESS, imc_asdetach(id));
			EXPECT_EQ(IMC_SUCCESS, imc_asdealloc(id));
		}
	}
	ASSERT_EQ(0, rsmt_step("released", STEP_S));
	EXPECT_EQ(0, rsmt_imc_idle(60, true));
	EXPECT_EQ(0, rsmt_step("idle", STEP_S));
}

struct rec {
	uint64_t seq;
	uint64_t val[7];
};

static void store_rec(volatile struct rec *tx, uint64_t seq)
{
	int i;

	for (i = 0; i < 7; i++)
		tx->val[i] = seq * 100 + (uint64_t)i;
	__sync_synchronize();
	tx->seq = seq;
	__sync_synchronize();
}

/* Node 1 writes RECORDS records on rail 1 by the retransmit protocol. */
static int write_records(volatile struct rec *tx, int *retries)
{
	uint64_t seq;
	int n, tries;

	for (seq = 1; seq <= RECORDS; seq++) {
		for (tries = 0; tries < 3000; tries++) {
			n = imc_rderrcnt_mr(1);
			if (n < 0) {
				usleep(10 * 1000);
				continue;
			}
			store_rec(tx, seq);
			if (imc_ckerrcnt_mr(&n, 1) == IMC_SUCCESS)
				break;
			(*retries)++;
		}
		if (tries == 3000)
			return -1;
		usleep(100 * 1000);	/* spread over the outage */
	}
	return 0;
}

/* A page on rail 1 under @key, attached for receive here; or NULL. */
static caddr_t rail1_region(imc_key_t key, imc_asid_t *id)
{
	caddr_t rx;

	if (imc_asalloc(key, PAGE, IMC_URW, 0, id, 1) != IMC_SUCCESS ||
	    imc_asattach(*id, IMC_RECEIVE, IMC_SHARED, 0, &rx) != IMC_SUCCESS)
		return NULL;
	return rx;
}

TEST_F_TIMEOUT(imc,
	       a_region_on_rail_1_keeps_its_data_while_rail_1_is_down_on_a_node,
	       600)
{
	int node = rsmt_node_id(), n = rsmt_nodes(), retries = 0, i;
	volatile struct rec *rx, *tx = NULL;
	caddr_t rxa, txa;
	imc_asid_t id;

	NEED_TWO_RAILS();
	ASSERT_EQ(IMC_SUCCESS, imc_api_init(NULL));
	rsmt_step_test("imc.raildata");
	rxa = rail1_region(KEY_DATA, &id);
	ASSERT_NE(NULL, rxa);
	rx = (volatile struct rec *)rxa;
	if (node == 1) {
		ASSERT_EQ(IMC_SUCCESS, imc_asattach(id, IMC_TRANSMIT,
						    IMC_SHARED, IMC_LOOPBACK,
						    &txa));
		tx = (volatile struct rec *)txa;
	}
	ASSERT_EQ(0, rsmt_step("attached", STEP_S));
	if (node == n)
		ASSERT_EQ(0, rsmt_sh("ip link set eth1 down"));
	ASSERT_EQ(0, rsmt_step("down", STEP_S));
	if (node == 1) {
		ASSERT_EQ(0, write_records(tx, &retries));
		TH_LOG("%d records on rail 1, %d retransmissions", RECORDS,
		       retries);
	}
	ASSERT_EQ(0, rsmt_step("written", STEP_S));
	/* every copy, the one behind the down rail included, is whole */
	for (i = 0; i < 3000 && rx->seq != RECORDS; i++)
		usleep(10 * 1000);
	EXPECT_EQ(RECORDS, rx->seq);
	for (i = 0; i < 7; i++)
		EXPECT_EQ(RECORDS * 100 + i, rx->val[i]);
	ASSERT_EQ(0, rsmt_step("checked", STEP_S));
	if (node == n)
		ASSERT_EQ(0, rsmt_sh("ip link set eth1 up"));
	EXPECT_EQ(IMC_SUCCESS, imc_asdetach(id));
	EXPECT_EQ(IMC_SUCCESS, imc_asdealloc(id));
	EXPECT_EQ(IMC_SUCCESS, wait_rails(3, 120));
	EXPECT_EQ(0, rsmt_wait_all_active(120));
	ASSERT_EQ(0, rsmt_step("released", STEP_S));
	EXPECT_EQ(0, rsmt_imc_idle(60, true));
	EXPECT_EQ(0, rsmt_step("idle", STEP_S));
}

/* Connections to @node that are ACTIVE here, or -1. */
static int active_conns_to(unsigned int node)
{
	struct rsm_status st;
	unsigned int i;
	int n = 0;

	if (rsmt_status(&st))
		return -1;
	for (i = 0; i < st.hdr->nconn; i++)
		n += st.conn[i].nodeid == node &&
		     st.conn[i].state == RSM_PATH_ACTIVE;
	rsm_status_free(&st);
	return n;
}

/* Poll until fewer than 2 connections to @node are ACTIVE: 0 or -1. */
static int wait_one_conn_down(unsigned int node, int timeout_s)
{
	double end = rsmt_time() + timeout_s;

	do {
		if (active_conns_to(node) == 1)
			return 0;
		usleep(100 * 1000);
	} while (rsmt_time() < end);
	return -1;
}

/*
 * Join lock set @key of one lock, which node 1 (the coordinator) creates
 * first, so that it is the set's home.  0, an IMC status, or -1.
 */
static int alloc_homed_at_1(imc_key_t key, int perm, imc_lkid_t *lk)
{
	int c = 1, st;

	if (rsmt_node_id() != 1 && rsmt_step("created", STEP_S))
		return -1;
	st = imc_lkalloc(key, &c, perm, 0, lk);
	if (st != IMC_SUCCESS)
		return st;
	if (rsmt_node_id() == 1 && rsmt_step("created", STEP_S))
		return -1;
	return 0;
}

TEST_F_TIMEOUT(imc, a_lock_stays_with_its_holder_while_one_of_its_rails_is_down,
	       900)
{
	static const char *const links[] = { "eth0", "eth1" };
	int node = rsmt_node_id(), n = rsmt_nodes(), i;
	char step[32];
	imc_lkid_t lk;

	NEED_TWO_RAILS();
	ASSERT_EQ(IMC_SUCCESS, imc_api_init(NULL));
	rsmt_step_test("imc.raillock");
	ASSERT_EQ(0, alloc_homed_at_1(KEY_LOCK, IMC_LKU | IMC_LKO, &lk));
	if (node == n)
		ASSERT_EQ(IMC_SUCCESS, imc_lkacquire(lk, 0, 0, IMC_LOCKWAIT));
	ASSERT_EQ(0, rsmt_step("held", STEP_S));
	/* whichever connection it was granted over goes down once */
	for (i = 0; i < 2; i++) {
		if (node == n)
			ASSERT_EQ(0, rsmt_sh("ip link set %s down", links[i]));
		snprintf(step, sizeof(step), "%s.down", links[i]);
		ASSERT_EQ(0, rsmt_step(step, STEP_S));
		if (node == 1) {
			/* the home saw that connection end; the lock stays */
			EXPECT_EQ(0, wait_one_conn_down(n, 60));
			sleep(2);
			EXPECT_EQ(IMC_NOLOCKGOT,
				  imc_lkacquire(lk, 0, 0, IMC_LOCKNOWAIT));
		}
		snprintf(step, sizeof(step), "%s.checked", links[i]);
		ASSERT_EQ(0, rsmt_step(step, STEP_S));
		if (node == n)
			ASSERT_EQ(0, rsmt_sh("ip link set %s up", links[i]));
		EXPECT_EQ(0, rsmt_wait_all_active(120));
		snprintf(step, sizeof(step), "%s.back", links[i]);
		ASSERT_EQ(0, rsmt_step(step, STEP_S));
	}
	if (node == n)
		EXPECT_EQ(IMC_SUCCESS, imc_lkrelease(lk, 0));
	ASSERT_EQ(0, rsmt_step("released", STEP_S));
	if (node == 1) {
		EXPECT_EQ(IMC_SUCCESS, imc_lkacquire(lk, 0, 0, IMC_LOCKNOWAIT));
		EXPECT_EQ(IMC_SUCCESS, imc_lkrelease(lk, 0));
	}
	EXPECT_EQ(IMC_SUCCESS, imc_lkdealloc(lk));
	EXPECT_EQ(IMC_SUCCESS, wait_rails(3, 120));
	ASSERT_EQ(0, rsmt_step("done", STEP_S));
}

/* Malformed peer messages this node counted, or -1. */
static long long bad_msgs(void)
{
	struct rsm_status st;
	long long n;

	if (rsmt_status(&st))
		return -1;
	n = (long long)st.hdr->bad_msgs;
	rsm_status_free(&st);
	return n;
}

TEST_F_TIMEOUT(imc, a_waiter_keeps_its_place_while_the_rails_it_asks_over_fail,
	       900)
{
	static const char *const links[] = { "eth0", "eth1" };
	int node = rsmt_node_id(), n = rsmt_nodes(), c = 1, i, st;
	long long bad0 = bad_msgs();
	pid_t waiter = 0;
	char step[32];
	imc_lkid_t lk;

	NEED_TWO_RAILS();
	ASSERT_EQ(IMC_SUCCESS, imc_api_init(NULL));
	rsmt_step_test("imc.railwait");
	ASSERT_EQ(0, alloc_homed_at_1(KEY_WLOCK, IMC_LKU, &lk));
	if (node == 1)
		ASSERT_EQ(IMC_SUCCESS, imc_lkacquire(lk, 0, 0, IMC_LOCKWAIT));
	ASSERT_EQ(0, rsmt_step("held", STEP_S));
	/* the last node waits for it, in a child, while its rails fail */
	if (node == n) {
		waiter = fork();
		ASSERT_LE(0, waiter);
		if (waiter == 0) {
			imc_lkid_t wl;

			alarm(STEP_S * 4);
			/* a process of its own: its own initialization */
			if (imc_api_init(NULL) != IMC_SUCCESS ||
			    imc_lkalloc(KEY_WLOCK, &c, IMC_LKU, 0, &wl))
				_exit(100);
			_exit(-imc_lkacquire(wl, 0, 0, IMC_LOCKWAIT));
		}
		sleep(1);
	}
	ASSERT_EQ(0, rsmt_step("waiting", STEP_S));
	for (i = 0; i < 2; i++) {
		if (node == n) {
			ASSERT_EQ(0, rsmt_sh("ip link set %s down", links[i]));
			EXPECT_EQ(0, wait_one_conn_down(1, 60));
			sleep(1);
			ASSERT_EQ(0, rsmt_sh("ip link set %s up", links[i]));
		}
		EXPECT_EQ(0, rsmt_wait_all_active(120));
		snprintf(step, sizeof(step), "%s.back", links[i]);
		ASSERT_EQ(0, rsmt_step(step, STEP_S));
	}
	if (node == n)
		/* still waiting: the lock is node 1's */
		EXPECT_EQ(0, waitpid(waiter, &st, WNOHANG));
	ASSERT_EQ(0, rsmt_step("still.waiting", STEP_S));
	if (node == 1)
		EXPECT_EQ(IMC_SUCCESS, imc_lkrelease(lk, 0));
	if (node == n) {
		ASSERT_EQ(waiter, waitpid(waiter, &st, 0));
		EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == -IMC_SUCCESS)
			TH_LOG("waiter: status 0x%x", st);
	}
	ASSERT_EQ(0, rsmt_step("granted", STEP_S));
	/* nothing it asked was taken for a malformed message */
	EXPECT_EQ(bad0, bad_msgs());
	EXPECT_EQ(IMC_SUCCESS, imc_lkdealloc(lk));
	EXPECT_EQ(IMC_SUCCESS, wait_rails(3, 120));
	ASSERT_EQ(0, rsmt_step("done", STEP_S));
}

/*
 * The record of the update loop: one 8-byte store per field, @tag (the
 * sequence number and the writer's node) last, as the loop spins on it.
 */
struct irec {
	uint64_t value;
	uint64_t errcnt;
	uint64_t cnt[4];	/* updates by node 1..3 */
	uint64_t spare;
	uint64_t tag;		/* seq << 8 | node */
};

struct iloop {
	imc_lkid_t lk;
	volatile struct irec *rx, *tx;
	int me;
	uint64_t done;		/* updates this node made */
	int isolation;		/* receive copy not what we wrote */
	int retransmits;
};

static void irec_store(volatile struct irec *tx, const struct irec *r)
{
	tx->value = r->value;
	tx->errcnt = r->errcnt;
	tx->cnt[1] = r->cnt[1];
	tx->cnt[2] = r->cnt[2];
	tx->cnt[3] = r->cnt[3];
	__sync_synchronize();
	tx->tag = r->tag;
	__sync_synchronize();
}

/*
 * Write the next record until the count says it went everywhere, then
 * wait for it to come back by loopback.  0, 1 (retry: the count moved while
 * waiting) or -1 (it never came back).
 */
static int iloop_write(struct iloop *l)
{
	struct irec r;
	uint64_t old;
	double end;
	long spins;
	int n;

	while ((n = imc_rderrcnt_mr(1)) < 0)
		usleep(1000);
	old = l->rx->tag;
	r.value = l->rx->value + 1;
	r.cnt[1] = l->rx->cnt[1];
	r.cnt[2] = l->rx->cnt[2];
	r.cnt[3] = l->rx->cnt[3];
	r.cnt[l->me]++;
	r.errcnt = (uint64_t)n;
	r.tag = ((old >> 8) + 1) << 8 | (uint64_t)l->me;
	for (;;) {
		irec_store(l->tx, &r);
		if (imc_ckerrcnt_mr(&n, 1) == IMC_SUCCESS)
			break;
		l->retransmits++;
		while (n < 0 && (n = imc_rderrcnt_mr(1)) < 0)
			usleep(1000);
	}
	end = rsmt_time() + 60;
	for (spins = 1; l->rx->tag == old; spins++) {
		if (!(spins % 1024)) {
			sched_yield();
			if (imc_ckerrcnt_mr(&n, 1) != IMC_SUCCESS)
				return 1;
			if (rsmt_time() > end)
				return -1;
		}
	}
	if (l->rx->tag != r.tag)
		l->isolation++;
	return 0;
}

/* One update under the lock; IMC_SUCCESS or what went wrong. */
static int iloop_update(struct iloop *l)
{
	int st, ret;

	while ((st = imc_lkacquire(l->lk, 0, 0, IMC_LOCKWAIT)) == IMC_LOCKPRIOR)
		sched_yield();
	if (st != IMC_SUCCESS)
		return st;
	while ((ret = iloop_write(l)) == 1)
		l->retransmits++;
	st = imc_lkrelease(l->lk, 0);
	if (ret)
		return IMC_TIMEOUT;
	l->done++;
	return st;
}

/*
 * On the last node, in a child: take eth1, eth0, eth1, eth0 down in turn,
 * each until a connection to node 1 is gone, and back up until every
 * connection is active; never both at once, so the host stays a member.
 */
static pid_t rail_faults(void)
{
	static const char *const links[] = { "eth1", "eth0", "eth1", "eth0" };
	pid_t pid = fork();
	unsigned int i;

	if (pid)
		return pid;
	for (i = 0; i < 4; i++) {
		if (rsmt_sh("ip link set %s down", links[i]))
			_exit(10 + i);
		if (wait_one_conn_down(1, 60))
			_exit(20 + i);
		sleep(1);
		if (rsmt_sh("ip link set %s up", links[i]))
			_exit(30 + i);
		if (rsmt_wait_all_active(120))
			_exit(40 + i);
	}
	_exit(0);
}

#define ILOOP_MIN	100	/* updates per node at least */

TEST_F_TIMEOUT(imc,
	       the_ingres_update_loop_loses_no_update_while_rails_fail_and_return,
	       900)
{
	int node = rsmt_node_id(), n = rsmt_nodes(), c = 1, st, status, k;
	struct iloop l = { .me = node };
	pid_t faults = 0;
	uint64_t sum = 0;
	caddr_t rxa, txa;
	imc_asid_t id;
	double end;

	NEED_TWO_RAILS();
	ASSERT_EQ(IMC_SUCCESS, imc_api_init(NULL));
	rsmt_step_test("imc.ingres");
	rxa = rail1_region(KEY_IDATA, &id);
	ASSERT_NE(NULL, rxa);
	ASSERT_EQ(IMC_SUCCESS, imc_asattach(id, IMC_TRANSMIT, IMC_SHARED,
					    IMC_LOOPBACK, &txa));
	l.rx = (volatile struct irec *)rxa;
	l.tx = (volatile struct irec *)txa;
	/* the creator pattern: node 1 makes the set, holding lock 0 */
	if (node == 1) {
		ASSERT_EQ(IMC_SUCCESS, imc_lkalloc(KEY_ILOCK, &c, IMC_LKU,
						   IMC_CREATOR, &l.lk));
		ASSERT_EQ(0, l.rx->tag);
		ASSERT_EQ(IMC_SUCCESS, imc_lkrelease(l.lk, 0));
	}
	ASSERT_EQ(0, rsmt_step("created", STEP_S));
	if (node != 1)
		ASSERT_EQ(IMC_SUCCESS, imc_lkalloc(KEY_ILOCK, &c, IMC_LKU, 0,
						   &l.lk));
	ASSERT_EQ(0, rsmt_step("ready", STEP_S));
	if (node == n)
		faults = rail_faults();
	ASSERT_LE(0, faults);
	/* until the faults are over (and a minimum), at most 7 minutes */
	end = rsmt_time() + 420;
	for (;;) {
		st = iloop_update(&l);
		if (st != IMC_SUCCESS)
			TH_LOG("update %llu: status %d",
			       (unsigned long long)l.done, st);
		ASSERT_EQ(IMC_SUCCESS, st);
		if (l.done < ILOOP_MIN)
			continue;
		if (faults > 0 && waitpid(faults, &status, WNOHANG) == faults) {
			EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
				TH_LOG("rail faults: status 0x%x", status);
			faults = 0;
		}
		if (!faults && (node == n || rsmt_step_reached("faults", n)))
			break;
		ASSERT_GT(end, rsmt_time());
	}
	/* the last node is there first; the others follow once they see it */
	ASSERT_EQ(0, rsmt_step("faults", STEP_S));
	TH_LOG("%llu updates, %d retransmissions",
	       (unsigned long long)l.done, l.retransmits);
	ASSERT_EQ(0, rsmt_step("updated", STEP_S));
	/* every copy: each node's updates all there, and nothing else */
	EXPECT_EQ(0, l.isolation);
	EXPECT_EQ(l.done, l.rx->cnt[node]);
	for (k = 1; k <= n; k++)
		sum += l.rx->cnt[k];
	EXPECT_EQ(sum, l.rx->value);
	EXPECT_EQ(sum, l.rx->tag >> 8);
	ASSERT_EQ(0, rsmt_step("checked", STEP_S));
	EXPECT_EQ(IMC_SUCCESS, imc_lkdealloc(l.lk));
	EXPECT_EQ(IMC_SUCCESS, imc_asdetach(id));
	EXPECT_EQ(IMC_SUCCESS, imc_asdealloc(id));
	EXPECT_EQ(IMC_SUCCESS, wait_rails(3, 120));
	EXPECT_EQ(0, rsmt_wait_all_active(120));
	ASSERT_EQ(0, rsmt_step("released", STEP_S));
	EXPECT_EQ(0, rsmt_imc_idle(60, true));
	EXPECT_EQ(0, rsmt_step("idle", STEP_S));
}

TEST_HARNESS_MAIN
