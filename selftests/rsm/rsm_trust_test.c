// SPDX-License-Identifier: GPL-2.0-only
/*
 * The trust model (rsm(7)) on every node of a cluster of 3 at once: who may
 * join (a privileged source port and the cluster key, proven per
 * connection), what a remote key opens (only its own connection, only its
 * own grant), which exports stay local (loopback), and how much a remote
 * root is worth (nobody, by default).
 *
 * Node 1 is the node under attack or the exporter; node 2 plays the
 * intruder (rsm_forge_peer, a peer that is not a kernel) or an importer;
 * node 3 the node with the wrong key or a second importer.  Nodes without
 * a role in a test only meet the others at its steps.
 *
 * Some tests reset connections on purpose and need the raw RDMA hook, so
 * this runs in a cluster of its own with a module built RSM_TEST_HOOKS=1:
 *   utils/rsm-vcluster -n 3 --rsm-ko <hook rsm.ko> -- \
 *	selftests/rsm/run_node.sh rsm_trust_test
 * The cluster must be keyed (/etc/rsm/rsm.key on every node) and must not
 * say "remote-root trust"; tests that need what is missing skip.
 */
#include "rsm_trust.h"

/*
 * Node 1 exports @id to node 2, which puts and gets in a loop (checking
 * the data) until pump_stop().
 */
static void start_import_loop(struct __test_metadata *_metadata,
			      FIXTURE_DATA(trust) *self, rsm_memseg_id_t id)
{
	rsmapi_access_entry_t acl[] = { { INTRUDER, 0666 } };

	if (self->me == EXPORTER)
		export_k(_metadata, self, 0, self->ctl, id, 022, acl, 1);
	STEP("published");
	if (self->me == INTRUDER) {
		import_k(_metadata, self, 0, self->ctl, id, RSM_PERM_RDWR, 0);
		ASSERT_NE(NULL, self->im[0]);
		ASSERT_EQ(0, pump_start(&self->pump, self->im[0]));
	}
	STEP("pumping");
}

/* Node 2: the loop ran and never failed; its connection never moved. */
static void stop_import_loop(struct __test_metadata *_metadata,
			     FIXTURE_DATA(trust) *self)
{
	if (self->me == INTRUDER) {
		sleep(1);	/* the loop also runs after the intrusion */
		pump_stop(&self->pump);
		TH_LOG("%lu put/get rounds during the intrusion",
		       self->pump.ops);
		EXPECT_LT(0, self->pump.ops);
		EXPECT_EQ(0, self->pump.errors)
			TH_LOG("first error %d", self->pump.first_err);
		disconnect_k(_metadata, self, 0);
	}
	if (self->me == EXPORTER)
		expect_conn_untouched(_metadata, INTRUDER, &self->t0);
	if (self->me == INTRUDER)
		expect_conn_untouched(_metadata, EXPORTER, &self->t0);
}

/*
 * A user process on node 2 connects to node 1 as if it were node 2's
 * kernel: from a port it can bind (>= 1024) it is refused for the port;
 * a privileged port it cannot even bind.
 */
TRUST_TEST(forged_hello_from_unprivileged_user_is_refused_and_imports_survive,
	   240)
{
	char addr[64], out[256];

	ASSERT_EQ(0, node_addr(EXPORTER, addr, sizeof(addr)));
	start_import_loop(_metadata, self, SEG_FORGED);
	if (self->me == INTRUDER) {
		forge(true, out, sizeof(out), "--addr %s --src-node %d "
		      "--dst-node %d --timeout-ms 8000", addr, INTRUDER,
		      EXPORTER);
		TH_LOG("nobody, any port: %s", out);
		EXPECT_STREQ("rejected reason=8", out);	/* RSM_REJ_PORT */
		forge(true, out, sizeof(out), "--addr %s --src-node %d "
		      "--dst-node %d --src-port 1000 --timeout-ms 8000", addr,
		      INTRUDER, EXPORTER);
		TH_LOG("nobody, port 1000: %s", out);
		EXPECT_STREQ("bind-failed errno=13", out);	/* EACCES */
	}
	STEP("forged");
	if (self->me == EXPORTER)
		EXPECT_LE(self->t0.refused_port + 1,
			  wait_ge(get_refused_port, self->t0.refused_port + 1,
				  WAIT_S));
	stop_import_loop(_metadata, self);
	STEP("end");
}

/*
 * Root on node 2 binds a privileged port but has no key: keyed, it is
 * accepted, then dropped for its INFO's proof and counted once; without
 * the key flag it is refused at once.
 */
TRUST_TEST(root_without_the_key_is_refused, 240)
{
	char addr[64], out[256];
	struct trust_snap t;

	if (!(self->t0.trust_flags & RSM_TRUST_KEYED))
		SKIP(return, "the cluster has no key (/etc/rsm/rsm.key)");
	ASSERT_EQ(0, node_addr(EXPORTER, addr, sizeof(addr)));
	start_import_loop(_metadata, self, SEG_KEYLESS);
	if (self->me == INTRUDER) {
		forge_privileged(out, sizeof(out), addr,
				 "--keyed --send-info --hold-ms 10000");
		TH_LOG("root, keyed, random proof: %s", out);
		EXPECT_STREQ("established disconnected", out);
	}
	STEP("keyed");
	if (self->me == EXPORTER) {
		EXPECT_EQ(self->t0.refused_auth + 1,
			  wait_ge(get_refused_auth, self->t0.refused_auth + 1,
				  WAIT_S));
		/* well-formed: refused for the proof, not as garbage */
		ASSERT_EQ(0, trust_snap(&t));
		EXPECT_EQ(self->t0.bad_msgs, t.bad_msgs);
	}
	STEP("counted");
	if (self->me == INTRUDER) {
		forge_privileged(out, sizeof(out), addr, "");
		TH_LOG("root, unkeyed: %s", out);
		EXPECT_STREQ("rejected reason=7", out);	/* RSM_REJ_AUTH */
	}
	STEP("unkeyed");
	if (self->me == EXPORTER) {
		EXPECT_EQ(self->t0.refused_auth + 2,
			  wait_ge(get_refused_auth, self->t0.refused_auth + 2,
				  WAIT_S));
	}
	stop_import_loop(_metadata, self);
	STEP("end");
}

/* No connection to @peer becomes ACTIVE for QUIET_S seconds. */
static bool stays_down(unsigned int peer)
{
	double end = rsmt_time() + QUIET_S;

	while (rsmt_time() < end) {
		if (rsmt_conn_state(peer) == RSM_PATH_ACTIVE)
			return false;
		usleep(200 * 1000);
	}
	return true;
}

/*
 * Node 3 takes another key: neither side accepts the other's proof, both
 * count it, and nothing connects until node 3 has the real key again.
 */
TRUST_TEST(mismatched_keys_refuse_both_ways_and_are_counted, 300)
{
	unsigned int peers[2], np = 0, k;

	if (self->n < 3)
		SKIP(return, "needs a cluster of 3 nodes");
	if (!(self->t0.trust_flags & RSM_TRUST_KEYED))
		SKIP(return, "the cluster has no key (/etc/rsm/rsm.key)");
	if (self->me == OTHER) {
		peers[np++] = EXPORTER;
		peers[np++] = INTRUDER;
	} else if (self->me <= 2) {
		peers[np++] = OTHER;
	}
	STEP("start");
	if (self->me == OTHER) {
		ASSERT_EQ(0, rsmt_sh("%s/utils/rsmadm genkey -k %s --force",
				     rsmt_top(), OTHER_KEY));
		self->other_key = true;
		ASSERT_EQ(0, rsmt_sh("%s/utils/rsmadm load -k %s", rsmt_top(),
				     OTHER_KEY));
	}
	STEP("loaded");
	for (k = 0; k < np; k++)
		EXPECT_EQ(0, rsmt_wait_conn(peers[k], false, WAIT_S))
			TH_LOG("node %u still connected", peers[k]);
	if (np)
		EXPECT_LT(self->t0.refused_auth,
			  wait_ge(get_refused_auth, self->t0.refused_auth + 1,
				  WAIT_S));
	for (k = 0; k < np; k++)
		EXPECT_TRUE(stays_down(peers[k]))
			TH_LOG("node %u connected with another key", peers[k]);
	/* nodes with the same key keep their connection */
	if (self->me == EXPORTER || self->me == INTRUDER)
		expect_conn_untouched(_metadata, 3 - self->me, &self->t0);
	STEP("refused");
	if (self->me == OTHER) {
		EXPECT_EQ(0, rsmt_sh("%s/utils/rsmadm load", rsmt_top()));
		self->other_key = false;
		unlink(OTHER_KEY);
	}
	EXPECT_EQ(0, rsmt_wait_all_active(WAIT_S));
	STEP("end");
}

/*
 * A loopback export is for the exporting node only, even without an
 * access list and with a mode that lets everybody in.
 */
TRUST_TEST(loopback_export_cannot_be_imported_from_another_node, 180)
{
	struct rsmt_counts c;
	unsigned char b;
	int ret;

	if (self->me == EXPORTER)
		export_k(_metadata, self, 0, self->lb, SEG_LOOP, 0, NULL, 0);
	STEP("published");
	if (self->me != EXPORTER) {
		ret = rsm_memseg_import_connect(self->ctl, EXPORTER, SEG_LOOP,
						RSM_PERM_READ, &self->im[0]);
		EXPECT_TRUE(ret == RSMERR_SEG_NOT_PUBLISHED ||
			    ret == RSMERR_SEG_NOT_PUBLISHED_TO_NODE)
			TH_LOG("connect from node %d gave %d", self->me, ret);
		if (ret)
			self->im[0] = NULL;
		else	/* held until node 1 counted its importers */
			TH_LOG("get after the connect: %d",
			       rsm_memseg_import_get(self->im[0], 0, &b, 1));
	}
	STEP("tried");
	if (self->me == EXPORTER) {
		ASSERT_EQ(0, rsmt_counts(&c));
		EXPECT_EQ(self->base.importers, c.importers);
		import_k(_metadata, self, 0, self->lb, SEG_LOOP, RSM_PERM_RDWR,
			 0);
		if (self->im[0])
			expect_data(_metadata, self, 0, XFER, SEG_LOOP);
	}
	disconnect_k(_metadata, self, 0);
	STEP("end");
}

/* Whether the module has the test hooks: production modules say ENOTTY. */
static bool have_test_hooks(void)
{
	struct rsm_ioc_test_rdma t = { .flags = RSM_TEST_RDMA_GET_KEY };
	int fd = open(RSM_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	bool ret;

	if (fd < 0)
		return false;
	/* an unbound descriptor: a hook module refuses it otherwise */
	ret = !(ioctl(fd, RSM_IOC_TEST_RDMA, &t) == -1 && errno == ENOTTY);
	close(fd);
	return ret;
}

/* The tests that reset connections on purpose: skip unless they can. */
static bool three_nodes_with_hooks(struct __test_metadata *_metadata,
				   FIXTURE_DATA(trust) *self)
{
	if (self->n < 3)
		SKIP(return false, "needs a cluster of 3 nodes");
	if (!have_test_hooks())
		SKIP(return false, "RSM_IOC_TEST_RDMA gives ENOTTY: %s",
		     "load a module built with RSM_TEST_HOOKS=1");
	return true;
}

/*
 * Bind a descriptor of our own to segment @id of node 1 through rxe0, as
 * librsm does, into self->raw.  Returns 0, an RSMERR code or -errno.
 */
static int raw_import(FIXTURE_DATA(trust) *self, rsm_memseg_id_t id,
		      unsigned int perm)
{
	struct rsm_ioc_import_connect req;
	int fd = open(RSM_DEVICE_PATH, O_RDWR | O_CLOEXEC), ret;

	if (fd < 0)
		return -errno;
	memset(&req, 0, sizeof(req));
	snprintf(req.ctlr, sizeof(req.ctlr), "%s", rsmt_ctlr());
	req.nodeid = EXPORTER;
	req.segid = id;
	req.perm = perm;
	ret = ioctl(fd, RSM_IOC_IMPORT_CONNECT, &req);
	if (ret) {
		ret = ret < 0 ? -errno : ret;
		close(fd);
		return ret;
	}
	self->raw = fd;
	return 0;
}

static void raw_close(FIXTURE_DATA(trust) *self)
{
	if (self->raw >= 0)
		close(self->raw);
	self->raw = -1;
}

/*
 * One raw RDMA operation (RSM_TEST_RDMA_*) of XFER bytes at @off on self->raw,
 * with @rkey if RSM_TEST_RDMA_RKEY.  Returns the ioctl's result, or -errno.
 */
static int raw_rdma(FIXTURE_DATA(trust) *self, void *buf, size_t off,
		    unsigned int flags, unsigned int *rkey,
		    unsigned int *status)
{
	struct rsm_ioc_test_rdma t = {
		.buf = (uintptr_t)buf, .offset = off, .len = XFER,
		.flags = flags, .rkey = *rkey,
	};
	int ret = ioctl(self->raw, RSM_IOC_TEST_RDMA, &t);

	if (ret < 0)
		ret = -errno;
	*status = t.status;
	if (flags & RSM_TEST_RDMA_GET_KEY)
		*rkey = t.rkey;
	return ret;
}

/*
 * An operation that must fail on the wire: -EIO, and @status the errno
 * of the failed transfer.  The failure resets the connection to node 1;
 * wait until it is back.
 */
static void expect_wire_failure(struct __test_metadata *_metadata,
				FIXTURE_DATA(trust) *self, void *buf,
				unsigned int flags, unsigned int rkey,
				const char *what)
{
	struct trust_snap before;
	unsigned int status = 0;
	int ret;

	ASSERT_EQ(0, trust_snap(&before));
	ret = raw_rdma(self, buf, 0, flags, &rkey, &status);
	TH_LOG("%s: %d, status %u", what, ret, status);
	EXPECT_EQ(-EIO, ret);
	EXPECT_NE(0, status);
	if (ret == -EIO)
		EXPECT_EQ(0, wait_reset(EXPORTER, &before))
			TH_LOG("the connection did not come back");
	raw_close(self);
}

static int share_rkey(bool put, unsigned int *rkey)
{
	const char *share = getenv("RSM_SHARE");
	char path[512];
	FILE *f;
	int ret;

	if (!share)
		return -1;
	snprintf(path, sizeof(path), "%s/trust.rkey.node%d", share, INTRUDER);
	f = fopen(path, put ? "w" : "r");
	if (!f)
		return -1;
	ret = put ? fprintf(f, "%u\n", *rkey) < 0 : fscanf(f, "%u", rkey) != 1;
	return fclose(f) || ret ? -1 : 0;
}

/* Node 2 (read-only): read with its key, publish the key. */
static void grant_reader_ready(struct __test_metadata *_metadata,
			       FIXTURE_DATA(trust) *self, unsigned char *buf)
{
	unsigned int status = 0, rkey = 0;

	ASSERT_EQ(0, raw_import(self, SEG_GRANT, RSM_PERM_READ));
	EXPECT_EQ(0, raw_rdma(self, buf, 0, 0, &rkey, &status));
	EXPECT_EQ(0, status);
	EXPECT_EQ(-1, rsmt_check_pattern(buf, XFER, 0, SEG_GRANT));
	ASSERT_EQ(0, raw_rdma(self, buf, 0, RSM_TEST_RDMA_GET_KEY, &rkey,
			      &status));
	ASSERT_EQ(0, share_rkey(true, &rkey));
}

/* Node 3 (read-write): a write with its own key lands. */
static void grant_writer_ready(struct __test_metadata *_metadata,
			       FIXTURE_DATA(trust) *self, unsigned char *buf)
{
	unsigned int status = 0, rkey = 0;

	ASSERT_EQ(0, raw_import(self, SEG_GRANT, RSM_PERM_RDWR));
	rsmt_fill_pattern(buf, XFER, 2 * XFER, OTHER);
	EXPECT_EQ(0, raw_rdma(self, buf, 2 * XFER, RSM_TEST_RDMA_WRITE, &rkey,
			      &status));
	EXPECT_EQ(0, status);
}

/* Node 1: the segment holds its pattern and node 3's write, nothing else. */
static void expect_grant_memory(struct __test_metadata *_metadata,
				FIXTURE_DATA(trust) *self)
{
	unsigned char *want = malloc(SEG_LEN);

	ASSERT_NE(NULL, want);
	rsmt_fill_pattern(want, SEG_LEN, 0, SEG_GRANT);
	rsmt_fill_pattern(want + 2 * XFER, XFER, 2 * XFER, OTHER);
	EXPECT_EQ(0, memcmp(want, self->buf[0], SEG_LEN));
	free(want);
}

/*
 * Keys open only what they were granted for, and only on their own
 * connection.  Node 1 exports to node 2 for reading and to node 3 for
 * reading and writing; RSM_IOC_TEST_RDMA posts RDMA operations past the
 * importers' own permission checks.  Node 3 writes with its key (the hook
 * works), then tries node 2's key on its connection; node 2 tries to
 * write with its read key.  Every failure resets a connection.
 */
TRUST_TEST(read_only_node_cannot_write_with_the_key, 300)
{
	rsmapi_access_entry_t acl[] = {
		{ EXPORTER, 0666 }, { INTRUDER, 0444 }, { OTHER, 0666 },
	};
	unsigned char buf[XFER];
	unsigned int rkey2 = 0;

	if (!three_nodes_with_hooks(_metadata, self))
		return;
	if (self->me == EXPORTER)
		export_k(_metadata, self, 0, self->ctl, SEG_GRANT, 022, acl, 3);
	STEP("published");
	if (self->me == INTRUDER)
		grant_reader_ready(_metadata, self, buf);
	if (self->me == OTHER)
		grant_writer_ready(_metadata, self, buf);
	STEP("ready");
	if (self->me == EXPORTER)
		expect_grant_memory(_metadata, self);
	STEP("written");
	if (self->me == OTHER) {
		ASSERT_EQ(0, share_rkey(false, &rkey2));
		rsmt_fill_pattern(buf, XFER, 0, OTHER + 1);
		expect_wire_failure(_metadata, self, buf,
				    RSM_TEST_RDMA_WRITE | RSM_TEST_RDMA_RKEY,
				    rkey2, "write with node 2's key");
	}
	EXPECT_EQ(0, rsmt_wait_all_active(WAIT_S));
	STEP("stolen_write");
	if (self->me == EXPORTER)
		expect_grant_memory(_metadata, self);
	if (self->me == OTHER) {
		ASSERT_EQ(0, raw_import(self, SEG_GRANT, RSM_PERM_RDWR));
		expect_wire_failure(_metadata, self, buf, RSM_TEST_RDMA_RKEY,
				    rkey2, "read with node 2's key");
	}
	EXPECT_EQ(0, rsmt_wait_all_active(WAIT_S));
	STEP("stolen_read");
	if (self->me == INTRUDER) {
		rsmt_fill_pattern(buf, XFER, 0, INTRUDER);
		expect_wire_failure(_metadata, self, buf, RSM_TEST_RDMA_WRITE,
				    0, "write with its own read key");
	}
	EXPECT_EQ(0, rsmt_wait_all_active(WAIT_S));
	STEP("own_write");
	if (self->me == EXPORTER)
		expect_grant_memory(_metadata, self);
	STEP("end");
}

/*
 * Remote root counts as nobody: it is not the owner, not in group 0, and
 * its CAP_IPC_OWNER does not bypass the mode.  Node 1 (root) exports a
 * segment of mode 0700, one of mode 0704 (others may read) and one whose
 * access list grants 0600 to the other nodes; node 1's own root is not
 * squashed.
 */
TRUST_TEST(remote_root_is_squashed_by_default, 180)
{
	rsmapi_access_entry_t acl[] = {
		{ EXPORTER, 0600 }, { INTRUDER, 0600 }, { OTHER, 0600 },
	};

	if (self->t0.trust_flags & RSM_TRUST_REMOTE_ROOT)
		SKIP(return, "rsm.conf says remote-root trust");
	if (geteuid() != 0)
		SKIP(return, "needs root");
	if (self->me == EXPORTER) {
		export_k(_metadata, self, 0, self->ctl, SEG_ROOT_ONLY, 077,
			 NULL, 0);
		export_k(_metadata, self, 1, self->ctl, SEG_OTHER_READ, 073,
			 NULL, 0);
		export_k(_metadata, self, 2, self->ctl, SEG_ROOT_ACL, 022,
			 acl, 3);
		import_k(_metadata, self, 0, self->ctl, SEG_ROOT_ONLY,
			 RSM_PERM_RDWR, 0);
		disconnect_k(_metadata, self, 0);
	}
	STEP("published");
	if (self->me != EXPORTER) {
		import_k(_metadata, self, 0, self->ctl, SEG_ROOT_ONLY,
			 RSM_PERM_READ, RSMERR_PERM_DENIED);
		disconnect_k(_metadata, self, 0);
		import_k(_metadata, self, 0, self->ctl, SEG_ROOT_ACL,
			 RSM_PERM_READ, RSMERR_PERM_DENIED);
		disconnect_k(_metadata, self, 0);
		import_k(_metadata, self, 0, self->ctl, SEG_OTHER_READ,
			 RSM_PERM_RDWR, RSMERR_PERM_DENIED);
		disconnect_k(_metadata, self, 0);
		import_k(_metadata, self, 0, self->ctl, SEG_OTHER_READ,
			 RSM_PERM_READ, 0);
		if (self->im[0])
			expect_data(_metadata, self, 0, 0, SEG_OTHER_READ);
		disconnect_k(_metadata, self, 0);
	}
	STEP("end");
}

TEST_HARNESS_MAIN

/*
 * Node 1 lowers how many requests one peer may have waiting (the module's
 * ctl_queue_max) to @max; the fixture puts the old value back.
 */
static void set_queue_max(struct __test_metadata *_metadata,
			  FIXTURE_DATA(trust) *self, unsigned int max)
{
	ASSERT_EQ(0, rsmt_get_param("ctl_queue_max", &self->queue_max));
	self->queue_max_set = true;
	ASSERT_EQ(0, rsmt_set_param("ctl_queue_max", max));
}

/* Node 2: @count SIGNALs to node 1 through the hook (spread: many ids). */
static int flood_signals(FIXTURE_DATA(trust) *self, unsigned int count,
			 bool spread)
{
	struct rsm_ioc_test_rdma t = {
		.len = count,
		.flags = RSM_TEST_SIGNALS |
			 (spread ? RSM_TEST_SIGNALS_SPREAD : 0),
	};

	return ioctl(self->raw, RSM_IOC_TEST_RDMA, &t) ? -errno : 0;
}

/* Node 1: consume the events of export @k until none comes for 2 s. */
static unsigned long drain_events(FIXTURE_DATA(trust) *self, unsigned int k)
{
	unsigned long n = 0;

	while (rsm_intr_signal_wait(self->e[k], 2000) == 0)
		n++;
	return n;
}

#define FLOOD_SIGNALS	20000
/* posts in a loop: ~3 ms each on a debug kernel, so fewer, and more time */
#define LOOP_SIGNALS	5000
#define LOOP_S		(3 * STEP_S)
#define FLOOD_QUEUE_MAX	4
#define FLOOD_ROUNDS	5

/*
 * Node 1 allows FLOOD_QUEUE_MAX waiting requests and exports SEG_FLOOD to
 * node 2, which binds self->raw to it.  False when the test skipped.
 */
static bool flood_setup(struct __test_metadata *_metadata,
			FIXTURE_DATA(trust) *self)
{
	rsmapi_access_entry_t acl[] = { { INTRUDER, 0666 } };

	if (!three_nodes_with_hooks(_metadata, self))
		return false;
	if (self->me == EXPORTER) {
		set_queue_max(_metadata, self, FLOOD_QUEUE_MAX);
		export_k(_metadata, self, 0, self->ctl, SEG_FLOOD, 022, acl, 1);
	}
	if (rsmt_step("published", STEP_S))
		return false;
	if (self->me == INTRUDER &&
	    raw_import(self, SEG_FLOOD, RSM_PERM_RDWR))
		return false;
	return _metadata->passed;
}

/*
 * A peer kernel that posts events in a loop faster than node 1 serves them
 * (5,000 SIGNALs back to back, through the hook) is a legitimate user:
 * with only 4 requests allowed to wait, posts to one segment merge, every
 * one of them is counted, and the connection stays up.
 */
TRUST_TEST(signal_loop_merges_counts_every_event_and_keeps_the_connection,
	   300)
{
	struct trust_snap t;

	if (!flood_setup(_metadata, self))
		return;
	if (self->me == INTRUDER)
		EXPECT_EQ(0, flood_signals(self, LOOP_SIGNALS, false));
	ASSERT_EQ(0, rsmt_step("posted", LOOP_S));
	if (self->me == EXPORTER) {
		EXPECT_EQ(LOOP_SIGNALS, drain_events(self, 0));
		ASSERT_EQ(0, trust_snap(&t));
		EXPECT_EQ(self->t0.bad_msgs, t.bad_msgs);
	}
	if (self->me == EXPORTER || self->me == INTRUDER)
		expect_conn_untouched(_metadata, EXPORTER + INTRUDER - self->me,
				      &self->t0);
	raw_close(self);
	STEP("end");
}

/*
 * A peer that floods node 1 with requests it cannot serve as fast (one
 * SIGNAL each for 20,000 segment ids) goes past the bound on waiting
 * requests: node 1 counts a bad peer and resets that connection only;
 * node 3's stays up, and node 2 comes back.
 */
TRUST_TEST(request_flood_past_the_bound_resets_only_that_peer, 300)
{
	int ret = 0, i;

	if (!flood_setup(_metadata, self))
		return;
	if (self->me == INTRUDER) {
		for (i = 0; i < FLOOD_ROUNDS && !ret; i++)
			ret = flood_signals(self, FLOOD_SIGNALS, true);
		TH_LOG("flood ended after %d rounds: %d", i, ret);
		EXPECT_NE(0, ret);
		if (ret)
			EXPECT_EQ(0, wait_reset(EXPORTER, &self->t0))
				TH_LOG("the connection did not come back");
		raw_close(self);
	}
	STEP("flooded");
	if (self->me == EXPORTER) {
		EXPECT_LT(self->t0.bad_msgs, wait_ge(get_bad_msgs,
						     self->t0.bad_msgs + 1,
						     WAIT_S));
		expect_conn_untouched(_metadata, OTHER, &self->t0);
	}
	if (self->me == OTHER)
		expect_conn_untouched(_metadata, EXPORTER, &self->t0);
	EXPECT_EQ(0, rsmt_wait_all_active(WAIT_S));
	STEP("end");
}

#define REVOKE_DEADLINE_S	5.0	/* kernel/rsm_expnode.c */
#define DEREG_DELAY_MS		1000	/* test_dereg_delay_ms, per node */

/*
 * Two importing nodes that leave the REVOKE unanswered (the hook's
 * test_silent_revokes, as hung nodes would) cost an unpublish one
 * deadline, not one each: node 1 waits about 5 s, not 10, then resets
 * both connections; their imports are aborted and both come back.  The
 * resets' teardowns run while node 1 still drops the keys (the hook's
 * test_dereg_delay_ms), and must wait for them.
 */
TRUST_TEST(revoke_with_two_silent_importers_waits_one_deadline, 300)
{
	rsmapi_access_entry_t acl[] = {
		{ INTRUDER, 0666 }, { OTHER, 0666 },
	};
	rsmapi_barrier_t bar;
	unsigned char b = 1;
	double t;
	int ret;

	if (!three_nodes_with_hooks(_metadata, self))
		return;
	if (self->me == EXPORTER)
		export_k(_metadata, self, 0, self->ctl, SEG_SILENT, 022, acl, 2);
	STEP("published");
	if (self->me != EXPORTER) {
		import_k(_metadata, self, 0, self->ctl, SEG_SILENT,
			 RSM_PERM_RDWR, 0);
		ASSERT_NE(NULL, self->im[0]);
		self->silent = true;
		ASSERT_EQ(0, rsmt_set_param("test_silent_revokes", 1));
	}
	STEP("silent");
	if (self->me == EXPORTER) {
		/*
		 * The connections' teardowns run while the keys are still
		 * registered: they must wait for them (the KASAN kernel of
		 * make check-debug saw a PD freed under them).
		 */
		ASSERT_EQ(0, rsmt_set_param("test_dereg_delay_ms",
					    DEREG_DELAY_MS));
		t = rsmt_time();
		EXPECT_EQ(0, rsm_memseg_export_unpublish(self->e[0]));
		t = rsmt_time() - t;
		EXPECT_EQ(0, rsmt_set_param("test_dereg_delay_ms", 0));
		TH_LOG("unpublish took %.2f s", t);
		/* it waited for them once (and the delay per node's keys) */
		EXPECT_LT(REVOKE_DEADLINE_S - 1, t);
		EXPECT_GT(2 * REVOKE_DEADLINE_S - 1 + 2 * DEREG_DELAY_MS / 1e3,
			  t);
	}
	STEP("revoked");
	if (self->me != EXPORTER) {
		EXPECT_EQ(0, rsmt_set_param("test_silent_revokes", 0));
		self->silent = false;
		/* the reset reaches this node a little after the step */
		EXPECT_EQ(0, wait_reset(EXPORTER, &self->t0));
		/* explicit mode: the close of a barrier span says it */
		ASSERT_EQ(0, rsm_memseg_import_init_barrier(self->im[0],
							    RSM_BAR_DEFAULT,
							    &bar));
		ret = rsm_memseg_import_open_barrier(&bar);
		if (!ret) {
			EXPECT_EQ(0, rsm_memseg_import_put8(self->im[0], 0,
							    &b, 1));
			ret = rsm_memseg_import_close_barrier(&bar);
		}
		EXPECT_EQ(RSMERR_CONN_ABORTED, ret);
		EXPECT_EQ(0, rsm_memseg_import_destroy_barrier(&bar));
		disconnect_k(_metadata, self, 0);
	} else {
		EXPECT_EQ(0, wait_reset(INTRUDER, &self->t0));
		EXPECT_EQ(0, wait_reset(OTHER, &self->t0));
	}
	STEP("end");
}

#define NO_CREDIT_POSTS		400	/* far more than a peer's credits */
#define NO_CREDIT_WAIT_MS	2500	/* node 3 posts 1 s after the step */
#define NO_CREDIT_STALL_S	2.0	/* node 2 held node 1's posts up */

/* Node 1: events to every importer of a segment, until one fails. */
struct post_loop {
	void *seg;
	int posts, ret;
	double secs;
};

static void *post_loop_fn(void *arg)
{
	struct post_loop *p = arg;
	double t = rsmt_time();

	for (p->posts = 0; p->posts < NO_CREDIT_POSTS; p->posts++) {
		p->ret = rsm_intr_signal_post(p->seg, 0);
		if (p->ret)
			break;
	}
	p->secs = rsmt_time() - t;
	return NULL;
}

/*
 * A peer kernel that never gives message credits back (the hook's
 * test_withhold_credits on node 2) holds up what node 1 sends it, and
 * only that: while node 1's events to the segment's importers wait for
 * node 2, the event node 3 posts to the same segment reaches node 1 at
 * once.  Node 1 used to wait for node 2 under the segment's lock, so node
 * 3's event waited too, up to 5 s per post.
 */
TRUST_TEST(a_peer_that_returns_no_credits_holds_up_only_what_goes_to_it,
	   240)
{
	rsmapi_access_entry_t acl[] = {
		{ INTRUDER, 0666 }, { OTHER, 0666 },
	};
	struct post_loop p = { 0 };
	pthread_t th;
	double t;

	if (!three_nodes_with_hooks(_metadata, self))
		return;
	if (self->me == EXPORTER)
		export_k(_metadata, self, 0, self->ctl, SEG_NO_CREDIT, 022, acl,
			 2);
	STEP("published");
	if (self->me != EXPORTER) {
		import_k(_metadata, self, 0, self->ctl, SEG_NO_CREDIT,
			 RSM_PERM_RDWR, 0);
		ASSERT_NE(NULL, self->im[0]);
	}
	if (self->me == INTRUDER) {
		self->withhold = true;
		ASSERT_EQ(0, rsmt_set_param("test_withhold_credits", 1));
	}
	STEP("withholding");
	if (self->me == EXPORTER) {
		p.seg = self->e[0];
		ASSERT_EQ(0, pthread_create(&th, NULL, post_loop_fn, &p));
		t = rsmt_time();
		EXPECT_EQ(0, rsm_intr_signal_wait(self->e[0],
						  NO_CREDIT_WAIT_MS));
		TH_LOG("node 3's event came after %.2f s", rsmt_time() - t);
		pthread_join(th, NULL);
		TH_LOG("%d posts, then %d after %.2f s", p.posts, p.ret,
		       p.secs);
		/* node 2 did hold them up: the check above means something */
		EXPECT_LT(NO_CREDIT_STALL_S, p.secs);
		EXPECT_NE(0, p.ret);
	}
	if (self->me == OTHER) {
		sleep(1);
		EXPECT_EQ(0, rsm_intr_signal_post(self->im[0], 0));
	}
	STEP("posted");
	if (self->me == INTRUDER) {
		EXPECT_EQ(0, rsmt_set_param("test_withhold_credits", 0));
		self->withhold = false;
	}
	if (self->me == EXPORTER)
		expect_conn_untouched(_metadata, OTHER, &self->t0);
	if (self->me == OTHER)
		expect_conn_untouched(_metadata, EXPORTER, &self->t0);
	EXPECT_EQ(0, rsmt_wait_all_active(WAIT_S));
	if (self->me != EXPORTER)
		disconnect_k(_metadata, self, 0);
	STEP("end");
}
