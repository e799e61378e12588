// SPDX-License-Identifier: GPL-2.0-only
/*
 * Topology: rsm_get_interconnect_topology / rsm_free_interconnect_topology
 * (spec checks 7-9) on a cluster of 2 or more nodes.  Every node runs this
 * and checks its own view: the local node id, the controller, and every
 * other node listed ACTIVE through it.
 */
#include <rsmapi.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../kselftest_harness.h"
#include "rsm_cluster.h"

#define RDMA_CTLR rsmt_ctlr()

TEST(topology_null_pointer_is_bad_topology_ptr)
{
	EXPECT_EQ(RSMERR_BAD_TOPOLOGY_PTR, rsm_get_interconnect_topology(NULL));
}

TEST(topology_free_null_is_harmless)
{
	rsm_free_interconnect_topology(NULL);
}

TEST(topology_block_is_laid_out_as_on_solaris)
{
	rsm_topology_t *t;
	char *expect;
	uint_t i;

	ASSERT_EQ(0, rsm_get_interconnect_topology(&t));
	ASSERT_NE(NULL, t);
	/* header, pointer array, then each controller's records in turn */
	expect = (char *)&t->connections[t->topology_hdr.local_cntlr_count];
	for (i = 0; i < t->topology_hdr.local_cntlr_count; i++) {
		rsm_connections_t *c = t->connections[i];

		EXPECT_EQ(expect, (char *)c);
		ASSERT_LE(0, c->hdr.remote_cntlr_count);
		expect = (char *)&c->remote_cntlr[c->hdr.remote_cntlr_count];
	}
	rsm_free_interconnect_topology(t);
}

TEST(topology_local_nodeid_is_the_configured_node)
{
	rsm_topology_t *t;

	if (rsmt_node_id() < 0)
		SKIP(return, "not on a cluster node");
	ASSERT_EQ(0, rsm_get_interconnect_topology(&t));
	EXPECT_EQ((rsm_node_id_t)rsmt_node_id(), t->topology_hdr.local_nodeid);
	rsm_free_interconnect_topology(t);
}

TEST(topology_lists_every_other_node_active_through_the_rdma_controller)
{
	int me = rsmt_node_id(), n = rsmt_nodes(), seen[RSM_MAX_NODE] = { 0 };
	rsm_connections_t *c = NULL;
	rsm_topology_t *t;
	uint_t i;
	int j;

	if (me < 0 || n < 2)
		SKIP(return, "needs a cluster of 2 or more nodes");
	ASSERT_EQ(0, rsmt_wait_all_active(60));
	ASSERT_EQ(0, rsm_get_interconnect_topology(&t));
	/* the loopback controller is not listed, the RDMA one is */
	for (i = 0; i < t->topology_hdr.local_cntlr_count; i++) {
		EXPECT_NE(0, strcmp("loopback", t->connections[i]->hdr.cntlr_name));
		if (!strcmp(RDMA_CTLR, t->connections[i]->hdr.cntlr_name))
			c = t->connections[i];
	}
	ASSERT_NE(NULL, c);
	EXPECT_NE(0, c->hdr.local_hwaddr);
	EXPECT_EQ(n - 1, c->hdr.remote_cntlr_count);
	for (j = 0; j < c->hdr.remote_cntlr_count; j++) {
		rsm_remote_cntlr_t *r = &c->remote_cntlr[j];

		ASSERT_GT(RSM_MAX_NODE, r->remote_nodeid);
		EXPECT_NE((rsm_node_id_t)me, r->remote_nodeid);
		EXPECT_LE(1, (int)r->remote_nodeid);
		EXPECT_GE(n, (int)r->remote_nodeid);
		EXPECT_EQ(0, seen[r->remote_nodeid]);
		seen[r->remote_nodeid] = 1;
		EXPECT_EQ(RSM_CONNECTION_ACTIVE, r->connection_state);
		EXPECT_STREQ(RDMA_CTLR, r->remote_cntlrname);
		EXPECT_NE(0, r->remote_hwaddr);
	}
	rsm_free_interconnect_topology(t);
}

TEST(topology_controller_names_open_as_controllers)
{
	rsmapi_controller_handle_t h;
	rsm_topology_t *t;
	uint_t i;

	ASSERT_EQ(0, rsm_get_interconnect_topology(&t));
	for (i = 0; i < t->topology_hdr.local_cntlr_count; i++) {
		EXPECT_EQ(0, rsm_get_controller(t->connections[i]->hdr.cntlr_name,
						&h));
		rsm_release_controller(h);
	}
	rsm_free_interconnect_topology(t);
}

TEST_HARNESS_MAIN
