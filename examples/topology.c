// SPDX-License-Identifier: BSD-2-Clause
/*
 * topology - print this node's RSM controllers and the cluster as RSMAPI
 * reports it.  The first thing to try on a new cluster.
 *
 *   cc -o topology topology.c -lrsm
 */
#include <rsmapi.h>
#include <stdio.h>

static int show_controller(char *name)
{
	rsmapi_controller_handle_t ctl;
	rsmapi_controller_attr_t attr;
	int err;

	err = rsm_get_controller(name, &ctl);
	if (err) {
		printf("controller %s: error %d\n", name, err);
		return err;
	}
	err = rsm_get_controller_attr(ctl, &attr);
	if (!err)
		printf("controller %-9s page %zu, max segment %zu MiB, "
		       "max segments %lu, access sizes 0x%x, atomics 0x%x\n",
		       name, attr.attr_page_size,
		       attr.attr_max_export_segment_size >> 20,
		       attr.attr_max_export_segments,
		       attr.attr_direct_access_sizes, attr.attr_atomic_sizes);
	rsm_release_controller(ctl);
	return err;
}

int main(void)
{
	rsm_topology_t *t;
	uint_t i;
	int j, err;

	err = rsm_get_interconnect_topology(&t);
	if (err) {
		fprintf(stderr, "rsm_get_interconnect_topology: error %d\n",
			err);
		return 1;
	}
	printf("local node id %u, %u controller(s)\n",
	       t->topology_hdr.local_nodeid, t->topology_hdr.local_cntlr_count);

	if (show_controller("loopback"))
		err = 1;
	for (i = 0; i < t->topology_hdr.local_cntlr_count; i++) {
		rsm_connections_t *c = t->connections[i];

		if (show_controller(c->hdr.cntlr_name))
			err = 1;
		for (j = 0; j < c->hdr.remote_cntlr_count; j++) {
			rsm_remote_cntlr_t *r = &c->remote_cntlr[j];

			printf("  -> node %u via %s: %s\n", r->remote_nodeid,
			       r->remote_cntlrname,
			       r->connection_state == RSM_CONNECTION_ACTIVE ?
			       "ACTIVE" : "not active");
		}
	}
	rsm_free_interconnect_topology(t);
	return err ? 1 : 0;
}
