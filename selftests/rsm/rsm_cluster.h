/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers for rsm selftests that run on every node of a (virtual) cluster
 * at once: node identity, cross-node barriers through a shared directory,
 * and snapshots of the module's status.
 *
 * The cluster runner (utils/rsm-vcluster) sets RSM_NODE_ID, RSM_NODES,
 * RSM_SHARE (a directory every node can write) and RSM_TOP (the source
 * tree).  Every node runs the same test binary; tests meet at named
 * barriers so that they proceed in lockstep.
 */
#ifndef RSM_SELFTEST_CLUSTER_H
#define RSM_SELFTEST_CLUSTER_H

#include <stdbool.h>
#include "rsm_ctlr.h"
#include "rsm_dev.h"

/* This node's id, or -1 when not running on a cluster node. */
int rsmt_node_id(void);
/* Number of nodes, or 0. */
int rsmt_nodes(void);
/* RDMA controllers per node (rsm-vcluster --rails): 1 or 2. */
int rsmt_rails(void);
/* Path of the source tree. */
const char *rsmt_top(void);

/*
 * Wait until every node reached the barrier @name.  Names must be unique
 * within a run of one binary: use the test name plus a step.
 * Returns 0, or -1 after @timeout_s seconds (it prints which nodes are late).
 */
int rsmt_barrier(const char *name, int timeout_s);

/*
 * Steps of one test that spans nodes: rsmt_step_test() names the test;
 * rsmt_step() is rsmt_barrier() on "<test>.<name>" that also returns -1
 * as soon as another node gave up the test with rsmt_step_abort(), so a
 * failure on one node does not leave the others waiting for it.
 */
void rsmt_step_test(const char *test);
int rsmt_step(const char *name, int timeout_s);
void rsmt_step_abort(void);

/*
 * Whether node @node has reached the step @name, without waiting: lets a
 * node keep working until another one got somewhere.
 */
bool rsmt_step_reached(const char *name, int node);

/* Status snapshot of the local module (struct rsm_status from rsm_dev.h). */
int rsmt_status(struct rsm_status *st);
/* First connection to @nodeid in @st, or NULL. */
const struct rsm_stat_conn *rsmt_conn(const struct rsm_status *st,
				      unsigned int nodeid);
/* State (RSM_PATH_*) of the connection to @nodeid; 0 if none. */
unsigned int rsmt_conn_state(unsigned int nodeid);
/*
 * Poll until the connection to @nodeid is ACTIVE (@active) or not ACTIVE
 * (!@active), at most @timeout_s seconds.  Returns 0 or -1.
 */
int rsmt_wait_conn(unsigned int nodeid, bool active, int timeout_s);
/* Poll until every connection is ACTIVE.  Returns 0 or -1. */
int rsmt_wait_all_active(int timeout_s);

/* Run a shell command; returns its exit status, or -1. */
int rsmt_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Push the cluster configuration of /etc/rsm/rsm.conf into the module with
 * rsmadm, leaving out the lines of node @exclude (-1: none), as node
 * @local (-1: rsmadm works it out).  @restart re-establishes every
 * connection.  Returns rsmadm's exit status.
 */
int rsmt_load_config(int exclude, int local, bool restart);

/* Write @val to a parameter of rsm.ko under /sys/module/rsm/parameters. */
int rsmt_set_param(const char *name, unsigned int val);
/* Read such a parameter into *@val.  0 or -1. */
int rsmt_get_param(const char *name, unsigned int *val);

/* Seconds on a monotonic clock. */
double rsmt_time(void);
/* Local node id as the module reports it, or -1. */
int rsmt_local_nodeid(void);

/*
 * Module-wide object counts (struct rsm_stat_hdr).  Every test leaves them
 * as it found them: whatever it exported, imported, pinned or registered is
 * released by disconnect, destroy, free or process exit.
 */
struct rsmt_counts {
	unsigned long long exported_segments;
	unsigned long long imported_segments;
	unsigned long long pinned_pages;
	unsigned long long importers;		/* imports of this node's segments */
	unsigned long long registrations;	/* memory regions held for them */
	unsigned long long localmem_handles;
	unsigned long long mapped_pages;	/* cached pages and twins */
};

/* Snapshot of the counts; 0, or -1 (then every count reads ~0). */
int rsmt_counts(struct rsmt_counts *c);
bool rsmt_counts_equal(const struct rsmt_counts *a,
		       const struct rsmt_counts *b);
/*
 * Poll until the counts equal @base (peers release their side
 * asynchronously), at most @timeout_s seconds.  Returns 0, or -1 after
 * printing the counts that differ.
 */
int rsmt_counts_wait(const struct rsmt_counts *base, int timeout_s);

/*
 * Wait until this host holds nothing of the Memory Channel API: no region
 * state, receive memory or transmit mapping, and with @registry no region
 * in the (cluster-wide) registry either.  Returns 0, or -1 after
 * @timeout_s seconds (it prints what is left).
 */
int rsmt_imc_idle(int timeout_s, bool registry);
/* The registry's entry of @key on this node.  0, or -1 when absent. */
struct rsm_imc_region_info;
int rsmt_imc_region_of(unsigned int key, struct rsm_imc_region_info *out);
/* Locks this node's processes took or gave back by their words (~0: ?). */
unsigned long long rsmt_imc_lock_word_ops(void);
/* Nodes with allocators of @key as this node sees them (bit n: node n). */
unsigned long long rsmt_imc_hosts_of(unsigned int key);
/* Poll until rsmt_imc_hosts_of(@key) is @want.  0 or -1. */
/* The home of lock set @key in this host's registry, or -1. */
int rsmt_imc_home_of(unsigned int key);
int rsmt_imc_wait_hosts_of(unsigned int key, unsigned long long want,
			   int timeout_s);

/*
 * Have the runner kill node @k's VM (node 1 asks, node 2 for node 1;
 * every node waits until it is done; needs RSM_ALLOW_KILL=1).  Returns 0,
 * or -1 after @timeout_s seconds.
 */
int rsmt_kill_node(int k, int timeout_s);

/*
 * Deterministic test data: the byte at segment offset @off of pattern
 * @seed.  Not periodic in the offset, so data landing at the wrong place
 * is noticed; different seeds give different data at every offset.
 */
unsigned char rsmt_pattern_byte(unsigned int seed, size_t off);
/* Fill @buf with @len bytes of pattern @seed as if it started at @off. */
void rsmt_fill_pattern(void *buf, size_t len, size_t off, unsigned int seed);
/* Index of the first byte of @buf that differs from the pattern, or -1. */
long rsmt_check_pattern(const void *buf, size_t len, size_t off,
			unsigned int seed);

#endif
