// SPDX-License-Identifier: BSD-2-Clause
/*
 * rsm_get_interconnect_topology() against a stand-in /dev/rsm
 * (fake_rsm_device.c): spec checks 7 and 8, the size query / fetch /
 * retry-on-growth protocol of the uapi header, and error reporting.
 */
#include <errno.h>
#include <malloc.h>

#include "fake_rsm_device.h"
#include "rsm_internal.h"
#include "tap.h"

static bool inside(const void *p, const void *block, size_t size)
{
	return (const char *)p >= (const char *)block &&
	       (const char *)p < (const char *)block + size;
}

/* Check 8 on a block, plus the fake's contents. */
static void check_block(rsm_topology_t *t, uint32_t nremote)
{
	size_t size = malloc_usable_size(t);
	uint32_t k;
	bool ok = true;

	tap_eq(t->topology_hdr.local_nodeid, 2, "local node id");
	tap_eq(t->topology_hdr.local_cntlr_count, 2, "two controllers");
	for (k = 0; k < t->topology_hdr.local_cntlr_count; k++) {
		rsm_connections_t *c = t->connections[k];
		int n = c->hdr.remote_cntlr_count;

		ok = ok && inside(c, t, size) && n >= 0 &&
		     inside(&c->remote_cntlr[n], t, size + 1);
	}
	tap_check(ok, "check 8: every controller lies inside the block");
	tap_eq(t->connections[0]->hdr.remote_cntlr_count, nremote,
	       "rxe0 has %u remotes", nremote);
	tap_eq(t->connections[1]->hdr.remote_cntlr_count, 1,
	       "mlx5_0 has 1 remote");
	if (nremote > 1)
		tap_eq(t->connections[0]->remote_cntlr[1].connection_state,
		       RSM_PATH_DOWN, "states pass through");
}

static void test_query(void)
{
	rsm_topology_t *t = (void *)&t;
	int calls = fake_rsm.topo_calls;

	tap_eq(rsm_get_interconnect_topology(NULL), RSMERR_BAD_TOPOLOGY_PTR,
	       "check 7: NULL -> RSMERR_BAD_TOPOLOGY_PTR");
	fake_rsm.remote_count = 3;
	tap_eq(rsm_get_interconnect_topology(&t), RSM_SUCCESS,
	       "check 8: topology");
	tap_eq(fake_rsm.topo_calls, calls + 2, "size query, then one fetch");
	check_block(t, 3);
	rsm_free_interconnect_topology(t);
	rsm_free_interconnect_topology(NULL);
	tap_check(true, "check 8: freeing the block and NULL");
}

static void test_growth(void)
{
	rsm_topology_t *t = NULL;
	int calls = fake_rsm.topo_calls;

	fake_rsm.remote_count = 2;
	fake_rsm.grow_on_fetch = 1;
	tap_eq(rsm_get_interconnect_topology(&t), RSM_SUCCESS,
	       "topology grows between size query and fetch");
	tap_eq(fake_rsm.topo_calls, calls + 3, "fetched again at the new size");
	if (t != NULL)
		check_block(t, 3);
	rsm_free_interconnect_topology(t);

	fake_rsm.grow_on_fetch = -1;
	t = (void *)&t;
	tap_eq(rsm_get_interconnect_topology(&t),
	       RSMERR_INSUFFICIENT_RESOURCES,
	       "topology that never settles -> RSMERR_INSUFFICIENT_RESOURCES");
	tap_check(t == NULL, "no block on failure");
	fake_rsm.grow_on_fetch = 0;
}

static void test_errors(void)
{
	rsm_topology_t *t = (void *)&t;

	fake_rsm.fail_errno = EFAULT;
	tap_eq(rsm_get_interconnect_topology(&t), RSMERR_BAD_ADDR,
	       "EFAULT from the kernel -> RSMERR_BAD_ADDR");
	tap_check(t == NULL, "*topology_data set to NULL on failure");
	fake_rsm.fail_errno = EINTR;
	tap_eq(rsm_get_interconnect_topology(&t), RSMERR_INTERRUPTED,
	       "EINTR -> RSMERR_INTERRUPTED");
}

int main(void)
{
	rsm_topology_t *t = (void *)&t;

	tap_start();
	tap_eq(rsm_get_interconnect_topology(&t), RSMERR_CTLR_NOT_PRESENT,
	       "no /dev/rsm -> RSMERR_CTLR_NOT_PRESENT");
	if (fake_rsm.open_calls == 0)
		return tap_skip_all("open() of /dev/rsm is not intercepted");
	tap_check(t == NULL, "no /dev/rsm: *topology_data set to NULL");
	fake_rsm.present = true;
	test_query();
	test_growth();
	test_errors();
	return tap_finish();
}
