// SPDX-License-Identifier: GPL-2.0-only
/*
 * Cluster membership and connections, on every node of a cluster of 2 or
 * more nodes at once: peers removed from and added to the configuration at
 * runtime, a node id that is not configured, a peer speaking another
 * protocol version, and a link that goes down and comes back.  Node 1 and
 * node 2 play the roles; other nodes check that they are not disturbed.
 */
#include <rsmapi.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "rsm_cluster.h"
#include "rsm_ioctl.h"

/* The wire protocol version of the loaded module (0 if unknown). */
static unsigned int module_proto_version(void)
{
	struct rsm_ioc_version v = { 0 };
	int fd = open(RSM_DEVICE_PATH, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		if (ioctl(fd, RSM_IOC_VERSION, &v) != 0)
			v.proto_version = 0;
		close(fd);
	}
	return v.proto_version;
}

#define RSMERR_UNREACHABLE	RSMERR_REMOTE_NODE_UNREACHABLE
#define STEP_S			60	/* barrier timeout */
#define DETECT_S		30	/* loss/refusal must show within this */

struct counters {
	unsigned long long refused_unknown, refused_version, refused_other;
	unsigned long long refused, reconnects, disconnects, hb_timeouts;
	unsigned int last_reject, state;
	int have_conn;
};

static struct counters read_counters(unsigned int peer)
{
	struct counters c = { 0 };
	const struct rsm_stat_conn *sc;
	struct rsm_status st;

	if (rsmt_status(&st))
		return c;
	c.refused_unknown = st.hdr->refused_unknown_node;
	c.refused_version = st.hdr->refused_bad_version;
	c.refused_other = st.hdr->refused_other;
	sc = rsmt_conn(&st, peer);
	if (sc) {
		c.have_conn = 1;
		c.refused = sc->refused;
		c.reconnects = sc->reconnects;
		c.disconnects = sc->disconnects;
		c.hb_timeouts = sc->hb_timeouts;
		c.last_reject = sc->last_reject;
		c.state = sc->state;
	}
	rsm_status_free(&st);
	return c;
}

/* Poll until @expr (over a fresh struct counters `now`) holds. */
#define WAIT_FOR(peer, expr, secs) ({					\
	struct counters now = read_counters(peer);			\
	int __left = (secs) * 10;					\
	while (!(expr) && __left-- > 0) {				\
		usleep(100 * 1000);					\
		now = read_counters(peer);				\
	}								\
	(expr);								\
})

static bool remote_listed(unsigned int node)
{
	rsm_topology_t *t;
	bool found = false;
	uint_t i;
	int j;

	if (rsm_get_interconnect_topology(&t))
		return true;
	for (i = 0; i < t->topology_hdr.local_cntlr_count; i++)
		for (j = 0; j < t->connections[i]->hdr.remote_cntlr_count; j++)
			if (t->connections[i]->remote_cntlr[j].remote_nodeid ==
			    node)
				found = true;
	rsm_free_interconnect_topology(t);
	return found;
}

FIXTURE(cluster) {
	int me;
	int n;
};

FIXTURE_SETUP(cluster)
{
	self->me = rsmt_node_id();
	self->n = rsmt_nodes();
	if (self->me < 0 || self->n < 2)
		SKIP(return, "needs a cluster of 2 or more nodes");
	ASSERT_EQ(0, rsmt_wait_all_active(STEP_S));
}

/* Whatever happened, leave the cluster as the next test expects it. */
FIXTURE_TEARDOWN(cluster)
{
	if (self->me < 0 || self->n < 2)
		return;
	if (self->me == 2) {
		rsmt_sh("ip link set eth0 up");
		rsmt_sh("rdma link show %s/1 >/dev/null 2>&1 || "
			"rdma link add %s type %s netdev eth0", rsmt_ctlr(),
			rsmt_ctlr(), rsmt_transport());
	}
	rsmt_set_param("wire_version", module_proto_version());
	if (rsmt_load_config(-1, -1, false))
		TH_LOG("cannot restore the configuration");
	EXPECT_EQ(0, rsmt_wait_all_active(STEP_S));
}

TEST_F_TIMEOUT(cluster, removed_peer_leaves_topology_and_its_connects_are_refused,
	       300)
{
	struct counters base = read_counters(self->me == 1 ? 2 : 1);

	ASSERT_EQ(0, rsmt_barrier("removed.start", STEP_S));
	if (self->me == 1) {
		ASSERT_EQ(0, rsmt_load_config(2, -1, false));
		EXPECT_FALSE(remote_listed(2));
		EXPECT_EQ(0, rsmt_conn_state(2));
		/* node 2 has the higher id: it keeps trying, we refuse */
		EXPECT_TRUE(WAIT_FOR(2, now.refused_unknown > base.refused_unknown,
				     DETECT_S));
		if (self->n > 2)
			EXPECT_EQ(RSM_PATH_ACTIVE, rsmt_conn_state(3));
	} else if (self->me == 2) {
		EXPECT_TRUE(WAIT_FOR(1, now.state != RSM_PATH_ACTIVE, DETECT_S));
		EXPECT_TRUE(WAIT_FOR(1, now.refused > base.refused, DETECT_S));
		EXPECT_EQ(RSMERR_UNREACHABLE, read_counters(1).last_reject);
		EXPECT_TRUE(remote_listed(1));
	} else {
		EXPECT_EQ(RSM_PATH_ACTIVE, rsmt_conn_state(1));
	}
	ASSERT_EQ(0, rsmt_barrier("removed.checked", STEP_S));

	/* adding the peer back at runtime reconnects it */
	if (self->me == 1) {
		ASSERT_EQ(0, rsmt_load_config(-1, -1, false));
		EXPECT_TRUE(remote_listed(2));
	}
	EXPECT_EQ(0, rsmt_wait_all_active(STEP_S));
	ASSERT_EQ(0, rsmt_barrier("removed.end", STEP_S));
}

TEST_F_TIMEOUT(cluster, unconfigured_node_id_is_refused_and_counted, 300)
{
	struct counters base = read_counters(self->me == 1 ? 2 : 1);
	rsm_topology_t *t;

	ASSERT_EQ(0, rsmt_barrier("unconf.start", STEP_S));
	if (self->me == 2) {
		/* the node id changes at runtime to one nobody knows */
		ASSERT_EQ(0, rsmt_load_config(2, 9, false));
		ASSERT_EQ(0, rsm_get_interconnect_topology(&t));
		EXPECT_EQ(9, t->topology_hdr.local_nodeid);
		rsm_free_interconnect_topology(t);
		EXPECT_TRUE(WAIT_FOR(1, now.refused > base.refused, DETECT_S));
		EXPECT_EQ(RSMERR_UNREACHABLE, read_counters(1).last_reject);
		EXPECT_NE(RSM_PATH_ACTIVE, rsmt_conn_state(1));
	} else if (self->me == 1) {
		EXPECT_TRUE(WAIT_FOR(2, now.refused_unknown > base.refused_unknown,
				     DETECT_S));
		EXPECT_TRUE(WAIT_FOR(2, now.state != RSM_PATH_ACTIVE, DETECT_S));
	}
	ASSERT_EQ(0, rsmt_barrier("unconf.checked", STEP_S));
	if (self->me == 2)
		ASSERT_EQ(0, rsmt_load_config(-1, -1, false));
	EXPECT_EQ(0, rsmt_wait_all_active(STEP_S));
	ASSERT_EQ(0, rsmt_barrier("unconf.end", STEP_S));
}

TEST_F_TIMEOUT(cluster, peer_with_other_protocol_version_is_refused_and_counted,
	       300)
{
	struct counters base = read_counters(self->me == 1 ? 2 : 1);

	ASSERT_EQ(0, rsmt_barrier("version.start", STEP_S));
	if (self->me == 2) {
		ASSERT_EQ(0, rsmt_set_param("wire_version",
						 module_proto_version() - 1));
		ASSERT_EQ(0, rsmt_load_config(-1, -1, true));
		EXPECT_TRUE(WAIT_FOR(1, now.refused > base.refused, DETECT_S));
		EXPECT_EQ(RSMERR_BAD_DRIVER_VERSION,
			  read_counters(1).last_reject);
		EXPECT_NE(RSM_PATH_ACTIVE, rsmt_conn_state(1));
	} else if (self->me == 1) {
		EXPECT_TRUE(WAIT_FOR(2, now.refused_version > base.refused_version,
				     DETECT_S));
	}
	ASSERT_EQ(0, rsmt_barrier("version.checked", STEP_S));
	if (self->me == 2) {
		ASSERT_EQ(0, rsmt_set_param("wire_version", module_proto_version()));
		ASSERT_EQ(0, rsmt_load_config(-1, -1, true));
	}
	EXPECT_EQ(0, rsmt_wait_all_active(STEP_S));
	ASSERT_EQ(0, rsmt_barrier("version.end", STEP_S));
}

TEST_F_TIMEOUT(cluster, connection_comes_back_after_the_link_drops, 300)
{
	unsigned int peer = self->me == 1 ? 2 : 1;
	struct counters base = read_counters(peer);

	ASSERT_EQ(0, rsmt_barrier("link.start", STEP_S));
	if (self->me == 2) {
		ASSERT_EQ(0, rsmt_sh("ip link set eth0 down"));
		EXPECT_TRUE(WAIT_FOR(1, now.state != RSM_PATH_ACTIVE, DETECT_S));
		sleep(2);
		ASSERT_EQ(0, rsmt_sh("ip link set eth0 up"));
	}
	if (self->me <= 2) {
		EXPECT_TRUE(WAIT_FOR(peer, now.disconnects > base.disconnects,
				     DETECT_S));
		EXPECT_EQ(0, rsmt_wait_conn(peer, true, STEP_S));
		EXPECT_LT(base.reconnects, read_counters(peer).reconnects);
	}
	ASSERT_EQ(0, rsmt_barrier("link.end", STEP_S));
}

static unsigned int controller_count(void)
{
	rsm_topology_t *t;
	unsigned int n;

	if (rsm_get_interconnect_topology(&t))
		return ~0u;
	n = t->topology_hdr.local_cntlr_count;
	rsm_free_interconnect_topology(t);
	return n;
}

TEST_F_TIMEOUT(cluster, rdma_device_removed_and_added_back_at_runtime, 300)
{
	rsmapi_controller_handle_t h;
	unsigned int peer = self->me == 1 ? 2 : 1;
	struct counters base = read_counters(peer);

	ASSERT_EQ(0, rsmt_barrier("device.start", STEP_S));
	if (self->me == 2) {
		ASSERT_EQ(0, rsmt_sh("rdma link delete %s", rsmt_ctlr()));
		EXPECT_EQ(0, controller_count());
		EXPECT_EQ(RSMERR_CTLR_NOT_PRESENT, rsm_get_controller(rsmt_ctlr(), &h));
		EXPECT_NE(RSM_PATH_ACTIVE, rsmt_conn_state(1));
		ASSERT_EQ(0, rsmt_sh("rdma link add %s type %s netdev eth0",
				     rsmt_ctlr(), rsmt_transport()));
		EXPECT_EQ(0, rsmt_wait_conn(1, true, STEP_S));
		EXPECT_EQ(1, controller_count());
		ASSERT_EQ(0, rsm_get_controller(rsmt_ctlr(), &h));
		EXPECT_EQ(0, rsm_release_controller(h));
	} else if (self->me == 1) {
		EXPECT_TRUE(WAIT_FOR(2, now.disconnects > base.disconnects,
				     DETECT_S));
		EXPECT_EQ(0, rsmt_wait_conn(2, true, STEP_S));
	}
	EXPECT_EQ(0, rsmt_wait_all_active(STEP_S));
	ASSERT_EQ(0, rsmt_barrier("device.end", STEP_S));
}

TEST_HARNESS_MAIN
