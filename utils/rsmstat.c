// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsmstat - status of rsm on this node: controllers, node id, peers with
 * their connection state, and counters.  Human output by default; -k prints
 * key=value lines for scripts, -j prints JSON.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "rsm_dev.h"

static const char *port_state_name(unsigned int st)
{
	static const char *const names[] = {
		"NOP", "DOWN", "INIT", "ARMED", "ACTIVE", "ACTIVE_DEFER",
	};

	return st < sizeof(names) / sizeof(names[0]) ? names[st] : "?";
}

static const char *ctlr_name(const struct rsm_status *st, unsigned int index)
{
	unsigned int i;

	for (i = 0; i < st->hdr->nctlr; i++)
		if (st->ctlr[i].index == index)
			return st->ctlr[i].name;
	return "-";
}

static void print_human(const struct rsm_status *st)
{
	const struct rsm_stat_hdr *h = st->hdr;
	char addr[INET6_ADDRSTRLEN];
	unsigned int i;

	if (h->local_nodeid == RSM_NODEID_NONE)
		printf("local node id: none (not configured; run rsmadm load)\n");
	else
		printf("local node id: %u\n", h->local_nodeid);
	printf("protocol version: %u, RDMA CM port: %u\n", h->proto_version,
	       h->listen_port);
	printf("\ncontrollers:\n");
	printf("  %-12s %-10s %4s %-8s %s\n", "NAME", "NETDEV", "PORT",
	       "STATE", "HWADDR");
	printf("  %-12s %-10s %4s %-8s %s\n", "loopback", "-", "-", "ACTIVE",
	       "-");
	for (i = 0; i < h->nctlr; i++) {
		const struct rsm_stat_ctlr *c = &st->ctlr[i];

		printf("  %-12s %-10s %4u %-8s 0x%016" PRIx64 "\n", c->name,
		       c->netdev[0] ? c->netdev : "-", c->port,
		       port_state_name(c->port_state), (uint64_t)c->hwaddr);
	}
	printf("\npeers:\n");
	printf("  %-4s %-16s %-10s %-8s %-10s %8s %8s %8s %8s %8s %10s %10s\n",
	       "NODE", "ADDRESS", "VIA", "STATE", "PEER-CTLR", "CONNECTS",
	       "RECONN", "DISCONN", "REFUSED", "HB-LOST", "TX-MSGS",
	       "RX-MSGS");
	for (i = 0; i < h->nconn; i++) {
		const struct rsm_stat_conn *c = &st->conn[i];

		printf("  %-4u %-16s %-10s %-8s %-10s %8" PRIu64 " %8" PRIu64
		       " %8" PRIu64 " %8" PRIu64 " %8" PRIu64 " %10" PRIu64
		       " %10" PRIu64 "\n",
		       c->nodeid, rsm_conn_addr_str(c, addr, sizeof(addr)),
		       ctlr_name(st, c->ctlr_index),
		       rsm_path_state_name(c->state),
		       c->peer_ctlr[0] ? c->peer_ctlr : "-",
		       (uint64_t)c->connects, (uint64_t)c->reconnects,
		       (uint64_t)c->disconnects, (uint64_t)c->refused,
		       (uint64_t)c->hb_timeouts, (uint64_t)c->tx_msgs,
		       (uint64_t)c->rx_msgs);
	}
	if (!h->nconn)
		printf("  (none configured)\n");
	printf("\ncluster key: %s, remote root: %s\n",
	       h->trust_flags & RSM_TRUST_KEYED ? "yes" : "no",
	       h->trust_flags & RSM_TRUST_REMOTE_ROOT ? "trust" : "squash");
	printf("refused connection requests: unknown node %" PRIu64
	       ", bad version %" PRIu64 ", bad key %" PRIu64
	       ", unprivileged port %" PRIu64 ", other %" PRIu64 "\n",
	       (uint64_t)h->refused_unknown_node,
	       (uint64_t)h->refused_bad_version, (uint64_t)h->refused_auth,
	       (uint64_t)h->refused_port, (uint64_t)h->refused_other);
	printf("malformed peer messages: %" PRIu64 "\n",
	       (uint64_t)h->bad_msgs);
	printf("segments: exported %" PRIu64 ", imported %" PRIu64
	       ", pinned pages %" PRIu64 "\n",
	       (uint64_t)h->exported_segments, (uint64_t)h->imported_segments,
	       (uint64_t)h->pinned_pages);
	printf("importers of exported segments %" PRIu64
	       ", memory registrations for them %" PRIu64
	       ", local memory handles %" PRIu64
	       ", mapped pages %" PRIu64 "\n",
	       (uint64_t)h->importers, (uint64_t)h->registrations,
	       (uint64_t)h->localmem_handles, (uint64_t)h->mapped_pages);
}

#define KV_U64(prefix, name, v) \
	printf("%s%s=%" PRIu64 "\n", prefix, name, (uint64_t)(v))

static void print_keyvalue(const struct rsm_status *st)
{
	const struct rsm_stat_hdr *h = st->hdr;
	char addr[INET6_ADDRSTRLEN], pfx[160];
	unsigned int i;

	printf("local_nodeid=%d\n", h->local_nodeid == RSM_NODEID_NONE ?
	       -1 : (int)h->local_nodeid);
	KV_U64("", "proto_version", h->proto_version);
	KV_U64("", "listen_port", h->listen_port);
	KV_U64("", "refused_unknown_node", h->refused_unknown_node);
	KV_U64("", "refused_bad_version", h->refused_bad_version);
	KV_U64("", "refused_auth", h->refused_auth);
	KV_U64("", "refused_port", h->refused_port);
	KV_U64("", "refused_other", h->refused_other);
	KV_U64("", "bad_msgs", h->bad_msgs);
	KV_U64("", "keyed", !!(h->trust_flags & RSM_TRUST_KEYED));
	KV_U64("", "remote_root", !!(h->trust_flags & RSM_TRUST_REMOTE_ROOT));
	KV_U64("", "exported_segments", h->exported_segments);
	KV_U64("", "imported_segments", h->imported_segments);
	KV_U64("", "pinned_pages", h->pinned_pages);
	KV_U64("", "importers", h->importers);
	KV_U64("", "registrations", h->registrations);
	KV_U64("", "localmem_handles", h->localmem_handles);
	KV_U64("", "mapped_pages", h->mapped_pages);
	KV_U64("", "controllers", h->nctlr);
	for (i = 0; i < h->nctlr; i++) {
		const struct rsm_stat_ctlr *c = &st->ctlr[i];

		snprintf(pfx, sizeof(pfx), "ctlr.%s.", c->name);
		printf("%snetdev=%s\n", pfx, c->netdev);
		printf("%sport_state=%s\n", pfx,
		       port_state_name(c->port_state));
		KV_U64(pfx, "index", c->index);
		printf("%shwaddr=0x%016" PRIx64 "\n", pfx, (uint64_t)c->hwaddr);
	}
	KV_U64("", "peers", h->nconn);
	for (i = 0; i < h->nconn; i++) {
		const struct rsm_stat_conn *c = &st->conn[i];

		snprintf(pfx, sizeof(pfx), "peer.%u.%s.", c->nodeid,
			 rsm_conn_addr_str(c, addr, sizeof(addr)));
		printf("%sstate=%s\n", pfx, rsm_path_state_name(c->state));
		printf("%svia=%s\n", pfx, ctlr_name(st, c->ctlr_index));
		printf("%speer_ctlr=%s\n", pfx, c->peer_ctlr);
		KV_U64(pfx, "initiator", c->initiator);
		KV_U64(pfx, "connects", c->connects);
		KV_U64(pfx, "reconnects", c->reconnects);
		KV_U64(pfx, "disconnects", c->disconnects);
		KV_U64(pfx, "refused", c->refused);
		KV_U64(pfx, "last_reject", c->last_reject);
		KV_U64(pfx, "hb_timeouts", c->hb_timeouts);
		KV_U64(pfx, "tx_msgs", c->tx_msgs);
		KV_U64(pfx, "rx_msgs", c->rx_msgs);
	}
}

static void print_json(const struct rsm_status *st)
{
	const struct rsm_stat_hdr *h = st->hdr;
	char addr[INET6_ADDRSTRLEN];
	unsigned int i;

	printf("{\"local_nodeid\":%d,\"proto_version\":%u,\"listen_port\":%u,",
	       h->local_nodeid == RSM_NODEID_NONE ? -1 : (int)h->local_nodeid,
	       h->proto_version, h->listen_port);
	printf("\"keyed\":%s,\"remote_root\":%s,",
	       h->trust_flags & RSM_TRUST_KEYED ? "true" : "false",
	       h->trust_flags & RSM_TRUST_REMOTE_ROOT ? "true" : "false");
	printf("\"refused\":{\"unknown_node\":%" PRIu64 ",\"bad_version\":%"
	       PRIu64 ",\"auth\":%" PRIu64 ",\"port\":%" PRIu64
	       ",\"other\":%" PRIu64 "},\"bad_msgs\":%" PRIu64 ",",
	       (uint64_t)h->refused_unknown_node,
	       (uint64_t)h->refused_bad_version, (uint64_t)h->refused_auth,
	       (uint64_t)h->refused_port, (uint64_t)h->refused_other,
	       (uint64_t)h->bad_msgs);
	printf("\"segments\":{\"exported\":%" PRIu64 ",\"imported\":%" PRIu64
	       ",\"pinned_pages\":%" PRIu64 ",\"importers\":%" PRIu64
	       ",\"registrations\":%" PRIu64 ",\"localmem_handles\":%" PRIu64
	       ",\"mapped_pages\":%" PRIu64 "},",
	       (uint64_t)h->exported_segments, (uint64_t)h->imported_segments,
	       (uint64_t)h->pinned_pages, (uint64_t)h->importers,
	       (uint64_t)h->registrations, (uint64_t)h->localmem_handles,
	       (uint64_t)h->mapped_pages);
	printf("\"controllers\":[");
	for (i = 0; i < h->nctlr; i++) {
		const struct rsm_stat_ctlr *c = &st->ctlr[i];

		printf("%s{\"name\":\"%s\",\"netdev\":\"%s\",\"index\":%u,"
		       "\"port\":%u,\"port_state\":\"%s\",\"hwaddr\":%" PRIu64
		       "}", i ? "," : "", c->name, c->netdev, c->index,
		       c->port, port_state_name(c->port_state),
		       (uint64_t)c->hwaddr);
	}
	printf("],\"peers\":[");
	for (i = 0; i < h->nconn; i++) {
		const struct rsm_stat_conn *c = &st->conn[i];

		printf("%s{\"nodeid\":%u,\"address\":\"%s\",\"via\":\"%s\","
		       "\"state\":\"%s\",\"peer_ctlr\":\"%s\",\"initiator\":%s,"
		       "\"connects\":%" PRIu64 ",\"reconnects\":%" PRIu64
		       ",\"disconnects\":%" PRIu64 ",\"refused\":%" PRIu64
		       ",\"last_reject\":%" PRIu64 ",\"hb_timeouts\":%" PRIu64
		       ",\"tx_msgs\":%" PRIu64 ",\"rx_msgs\":%" PRIu64 "}",
		       i ? "," : "", c->nodeid,
		       rsm_conn_addr_str(c, addr, sizeof(addr)),
		       ctlr_name(st, c->ctlr_index),
		       rsm_path_state_name(c->state), c->peer_ctlr,
		       c->initiator ? "true" : "false",
		       (uint64_t)c->connects, (uint64_t)c->reconnects,
		       (uint64_t)c->disconnects, (uint64_t)c->refused,
		       (uint64_t)c->last_reject, (uint64_t)c->hb_timeouts,
		       (uint64_t)c->tx_msgs, (uint64_t)c->rx_msgs);
	}
	printf("]}\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "keys", no_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct rsm_status st;
	int mode = 0, c, fd;

	while ((c = getopt_long(argc, argv, "jkh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
		case 'k':
			mode = c;
			break;
		case 'h':
			printf("usage: rsmstat [-j|--json] [-k|--keys]\n"
			       "Shows rsm controllers, the local node id, peers "
			       "with their connection state,\nand counters. "
			       "-k prints key=value lines, -j one JSON object.\n");
			return 0;
		default:
			return 2;
		}
	}
	fd = rsm_dev_open(O_RDONLY);
	if (fd < 0)
		return 1;
	if (rsm_status_fetch(fd, &st)) {
		close(fd);
		return 1;
	}
	if (mode == 'j')
		print_json(&st);
	else if (mode == 'k')
		print_keyvalue(&st);
	else
		print_human(&st);
	rsm_status_free(&st);
	close(fd);
	return 0;
}
