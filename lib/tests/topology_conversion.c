// SPDX-License-Identifier: BSD-2-Clause
/*
 * Conversion of the kernel's RSM_IOC_TOPOLOGY answer into the Solaris
 * topology block (spec 2.14, check 8): one block with the header, the
 * controller pointers, then each controller's header directly followed by
 * its remote records; inconsistent kernel answers are refused.
 */
#include <string.h>

#include "kernel_topology.h"
#include "rsm_internal.h"
#include "tap.h"

static void test_empty(void)
{
	struct kbuf kb = { .len = 0 };
	rsm_topology_t *t = NULL;

	kb_header(&kb, 7, 0);
	tap_eq(rsm_topology_from_kernel(kb.data, kb.len, &t), RSM_SUCCESS,
	       "no controllers: converted");
	if (t == NULL)
		return;
	tap_eq(t->topology_hdr.local_nodeid, 7, "no controllers: local node id");
	tap_eq(t->topology_hdr.local_cntlr_count, 0,
	       "no controllers: local_cntlr_count 0");
	rsm_free_interconnect_topology(t);
}

/* Two controllers with 2 and 0 remotes, then one with 1. */
static void build_three(struct kbuf *kb, const char *longname)
{
	kb_header(kb, 3, 3);
	kb_ctlr(kb, "rxe0", 0x1111, 2);
	kb_remote(kb, 1, RSM_PATH_ACTIVE, "rxe0", 0xa1);
	kb_remote(kb, 2, RSM_PATH_DOWN, "mlx5_1", 0xa2);
	kb_ctlr(kb, "mlx5_0", 0x2222, 0);
	kb_ctlr(kb, longname, 0x3333, 1);
	kb_remote(kb, 4, RSM_PATH_GOING_DOWN, longname, 0xa4);
}

static void check_placement(rsm_topology_t *t)
{
	char *block = (char *)t;
	char *c0 = block + sizeof(rsm_topology_hdr_t) + 3 * sizeof(void *);
	char *c1 = c0 + sizeof(rsm_connections_hdr_t) +
		   2 * sizeof(rsm_remote_cntlr_t);
	char *c2 = c1 + sizeof(rsm_connections_hdr_t);

	tap_check((char *)t->connections[0] == c0,
		  "controller 0 follows the pointer array");
	tap_check((char *)t->connections[1] == c1,
		  "controller 1 follows controller 0's remote records");
	tap_check((char *)t->connections[2] == c2,
		  "controller 2 follows controller 1 (no remote records)");
	tap_check(((uintptr_t)c0 | (uintptr_t)c1 | (uintptr_t)c2) % 8 == 0,
		  "controller records are 8-byte aligned");
}

static void check_contents(rsm_topology_t *t, const char *longname)
{
	rsm_connections_t *c0 = t->connections[0], *c2 = t->connections[2];

	tap_eq(t->topology_hdr.local_nodeid, 3, "local node id");
	tap_eq(t->topology_hdr.local_cntlr_count, 3, "local_cntlr_count");
	tap_check(strcmp(c0->hdr.cntlr_name, "rxe0") == 0, "controller name");
	tap_eq(c0->hdr.local_hwaddr, 0x1111, "controller hardware address");
	tap_eq(c0->hdr.remote_cntlr_count, 2, "remote_cntlr_count");
	tap_eq(c0->remote_cntlr[0].remote_nodeid, 1, "remote node id");
	tap_check(strcmp(c0->remote_cntlr[1].remote_cntlrname, "mlx5_1") == 0,
		  "remote controller name");
	tap_eq(c0->remote_cntlr[1].remote_hwaddr, 0xa2,
	       "remote hardware address");
	tap_eq(c0->remote_cntlr[0].connection_state, RSM_CONNECTION_ACTIVE,
	       "active path reads RSM_CONNECTION_ACTIVE");
	tap_eq(c0->remote_cntlr[1].connection_state, RSM_PATH_DOWN,
	       "down path keeps the kernel's state");
	tap_eq(t->connections[1]->hdr.remote_cntlr_count, 0,
	       "controller without remotes");
	tap_check(strlen(c2->hdr.cntlr_name) == RSM_NAME_MAX &&
		  strncmp(c2->hdr.cntlr_name, longname, RSM_NAME_MAX) == 0,
		  "unterminated %d-byte kernel name is terminated",
		  RSM_NAME_MAX);
	tap_check(strlen(c2->remote_cntlr[0].remote_cntlrname) ==
		  RSM_NAME_MAX, "unterminated remote name is terminated");
	tap_eq(c2->remote_cntlr[0].connection_state, RSM_PATH_GOING_DOWN,
	       "going-down path keeps the kernel's state");
}

static void test_three_controllers(void)
{
	struct kbuf kb = { .len = 0 };
	char longname[RSM_NAME_MAX + 1];
	rsm_topology_t *t = NULL;

	memset(longname, 'n', RSM_NAME_MAX);
	longname[RSM_NAME_MAX] = '\0';
	build_three(&kb, longname);
	tap_eq(rsm_topology_from_kernel(kb.data, kb.len, &t), RSM_SUCCESS,
	       "three controllers: converted");
	if (t == NULL)
		return;
	check_placement(t);
	check_contents(t, longname);
	rsm_free_interconnect_topology(t);
}

/* Every truncation of a valid answer is refused, never read past. */
static void test_inconsistent(void)
{
	struct kbuf kb = { .len = 0 };
	rsm_topology_t *t;
	size_t len;
	int bad = 0;

	build_three(&kb, "x");
	for (len = 0; len < kb.len; len++) {
		/* Exactly @len bytes, so a sanitizer sees any overread. */
		void *exact = malloc(len ? len : 1);

		if (exact == NULL)
			exit(1);
		memcpy(exact, kb.data, len);
		t = NULL;
		if (rsm_topology_from_kernel(exact, len, &t) !=
		    RSMERR_INTERNAL_ERROR || t != NULL)
			bad++;
		free(exact);
	}
	tap_eq(bad, 0, "every truncated answer -> RSMERR_INTERNAL_ERROR");

	kb.len = 0;
	kb_header(&kb, 1, 0xffffffff);
	kb_ctlr(&kb, "rxe0", 0, 0);
	tap_eq(rsm_topology_from_kernel(kb.data, kb.len, &t),
	       RSMERR_INTERNAL_ERROR, "huge controller count -> 100");
	kb.len = 0;
	kb_header(&kb, 1, 1);
	kb_ctlr(&kb, "rxe0", 0, 0xffffffff);
	kb_remote(&kb, 2, RSM_PATH_ACTIVE, "rxe0", 0);
	tap_eq(rsm_topology_from_kernel(kb.data, kb.len, &t),
	       RSMERR_INTERNAL_ERROR, "huge remote count -> 100");
}

int main(void)
{
	tap_start();
	test_empty();
	test_three_controllers();
	test_inconsistent();
	rsm_free_interconnect_topology(NULL);
	tap_check(true, "rsm_free_interconnect_topology(NULL) is a no-op");
	return tap_finish();
}
