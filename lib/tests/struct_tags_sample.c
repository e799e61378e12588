/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Solaris programs name the topology structs by their tags as well as by
 * their typedefs, and mix the two: each tag must name the very type of
 * its typedef.  Valid C (C89 on) and C++; struct_tags.sh compiles it with
 * -Werror, where a pointer to a different struct type is an error, and
 * runs it.  The tagged prototype comes before the header, as in a
 * program's own header that only declares.
 */
struct rsm_topology;
static int count_active(struct rsm_topology *t);

#include <rsmapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* sizeof(struct tag) == sizeof(typedef), at compile time in any C. */
#define SAME_SIZE(tag, type) \
	typedef char same_size_##tag[sizeof(struct tag) == sizeof(type) ? 1 : -1]

SAME_SIZE(rsm_topology, rsm_topology_t);
SAME_SIZE(rsm_topology_hdr, rsm_topology_hdr_t);
SAME_SIZE(rsm_connections_hdr, rsm_connections_hdr_t);
SAME_SIZE(rsm_remote_cntlr, rsm_remote_cntlr_t);
SAME_SIZE(rsm_connection, rsm_connections_t);

static int count_active(struct rsm_topology *t)
{
	struct rsm_topology_hdr *th = &t->topology_hdr;
	rsm_topology_hdr_t *th2 = th;
	int n = 0;
	uint_t i;

	for (i = 0; i < th2->local_cntlr_count; i++) {
		struct rsm_connection *c = t->connections[i];
		rsm_connections_t *c2 = c;
		struct rsm_connections_hdr *ch = &c2->hdr;
		int j;

		for (j = 0; j < ch->remote_cntlr_count; j++) {
			struct rsm_remote_cntlr *rc = &c->remote_cntlr[j];
			rsm_remote_cntlr_t *rc2 = rc;

			if (rc2->connection_state == RSM_CONNECTION_ACTIVE)
				n++;
		}
	}
	return n;
}

int main(void)
{
	struct {
		rsm_topology_t top;
		rsm_connections_t conn;
		rsm_remote_cntlr_t more;
	} buf;
	rsm_topology_t *t = &buf.top;
	struct rsm_connection *c = &buf.conn;
	int n;

	memset(&buf, 0, sizeof(buf));
	t->topology_hdr.local_nodeid = 1;
	t->topology_hdr.local_cntlr_count = 1;
	t->connections[0] = c;
	strcpy(c->hdr.cntlr_name, "rxe0");
	c->hdr.remote_cntlr_count = 1;
	c->remote_cntlr[0].remote_nodeid = 2;
	c->remote_cntlr[0].connection_state = RSM_CONNECTION_ACTIVE;
	n = count_active(t);
	printf("# %d active connection(s), sizeof(struct rsm_topology) %lu\n",
	       n, (unsigned long)sizeof(struct rsm_topology));
	return n == 1 ? EXIT_SUCCESS : EXIT_FAILURE;
}
