// SPDX-License-Identifier: GPL-2.0-only
/*
 * imcs - status of the Memory Channel API cluster (imcs(8)).
 *
 *   imcs [-m] [-r] [-l] [-s] [-f] [-k] [-h]
 *
 * -m the hosts that ran imc_init; -r the regions of the cluster; -l its
 * lock sets, with the holders of those homed on this host; -s this
 * host's limits and the logical rails; -f all of them; with no option
 * -m, -r and -l; -k key=value lines for scripts.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "rsm_dev.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: imcs [-m] [-r] [-l] [-s] [-f] [-k] [-h]\n"
		"  -m  hosts of the Memory Channel API cluster\n"
		"  -r  regions of the cluster\n"
		"  -l  lock sets of the cluster, with holders on their home\n"
		"  -s  this host's limits and the logical rails\n"
		"  -f  everything (no option: -m, -r and -l)\n"
		"  -k  key=value lines for scripts\n"
		"  -h  this help\n");
}

static void print_hosts(const struct rsm_ioc_imc_info *in, int kv)
{
	unsigned int i;

	if (kv) {
		printf("hosts=%u\n", in->nhosts);
		for (i = 0; i < in->nhosts; i++)
			printf("host.%u.node=%u\nhost.%u.name=%.*s\n", i,
			       in->hosts[i].nodeid, i, RSM_IMC_HOSTNAME,
			       in->hosts[i].name);
		return;
	}
	printf("Memory Channel API cluster: %u host%s%s\n", in->nhosts,
	       in->nhosts == 1 ? "" : "s",
	       in->member ? "" : " (this host has not run imc_init)");
	printf("  %-6s %s\n", "NODE", "HOST");
	for (i = 0; i < in->nhosts; i++)
		printf("  %-6u %.*s\n", in->hosts[i].nodeid, RSM_IMC_HOSTNAME,
		       in->hosts[i].name);
}

static void print_stats(const struct rsm_ioc_imc_info *in, int kv)
{
	unsigned int r;

	const struct rsm_imc_counters *c = &in->counters;

	if (kv) {
		printf("member=%u\nmax_alloc_mb=%u\nmax_recv_mb=%u\n"
		       "rails=%u\nactive_rails=0x%x\n", in->member,
		       in->max_alloc_mb, in->max_recv_mb, in->nrails,
		       in->active_rails);
		printf("regions=%u\nregion_objs=%u\nrx_bytes=%llu\n"
		       "tx_mappings=%u\ntx_pages=%llu\nsends=%llu\n"
		       "send_bytes=%llu\nsend_errors=%llu\n", c->regions,
		       c->region_objs, (unsigned long long)c->rx_bytes,
		       c->tx_mappings, (unsigned long long)c->tx_pages,
		       (unsigned long long)c->sends,
		       (unsigned long long)c->send_bytes,
		       (unsigned long long)c->send_errors);
		for (r = 0; r < in->nrails && r < RSM_IMC_RAILS; r++)
			printf("rail%u_errcnt=%d\n", r, c->errcnt[r]);
		printf("lock_word_ops=%llu\n",
		       (unsigned long long)c->lock_word_ops);
		return;
	}
	printf("this host: %s, allocation limit %u MB (cluster-wide), receive limit %u MB\n",
	       in->member ? "initialized" : "not initialized",
	       in->max_alloc_mb, in->max_recv_mb);
	printf("logical rails: %u\n", in->nrails);
	for (r = 0; r < in->nrails; r++)
		printf("  rail %u: %s, error count %d%s\n", r,
		       in->active_rails & (1U << r) ? "active" : "inactive",
		       r < RSM_IMC_RAILS ? c->errcnt[r] : 0,
		       r < RSM_IMC_RAILS && c->errcnt[r] < 0 ?
		       " (recovering)" : "");
	printf("regions: %u in the registry, %u with state here, %llu bytes of receive memory\n",
	       c->regions, c->region_objs, (unsigned long long)c->rx_bytes);
	printf("transmit mappings: %u (%llu pages); sends: %llu, %llu bytes, %llu failed\n",
	       c->tx_mappings, (unsigned long long)c->tx_pages,
	       (unsigned long long)c->sends, (unsigned long long)c->send_bytes,
	       (unsigned long long)c->send_errors);
	printf("locks taken or given back by RDMA atomics on their words: %llu\n",
	       (unsigned long long)c->lock_word_ops);
}

/* "rw-r-----" for 0640 */
static void mode_str(unsigned int perm, char *out)
{
	static const char rw[] = "rw-rw-rw-";
	int i;

	for (i = 0; i < 9; i++)
		out[i] = (perm & (0400 >> i)) && rw[i] != '-' ? rw[i] : '-';
	out[9] = '\0';
}

static void print_region(const struct rsm_imc_region_info *r, unsigned int i,
			 int kv)
{
	char mode[10], hosts[512] = "";
	unsigned int n, len = 0;

	for (n = 0; n < 128 && len + 8 < sizeof(hosts); n++)
		if (r->hosts[n / 64] & (1ULL << (n % 64)))
			len += snprintf(hosts + len, sizeof(hosts) - len,
					"%s%u", len ? "," : "", n);
	if (r->self && len + 8 < sizeof(hosts))
		snprintf(hosts + len, sizeof(hosts) - len, "%sthis",
			 len ? "," : "");
	mode_str(r->perm, mode);
	if (kv) {
		printf("region.%u.id=%u\nregion.%u.key=%u\nregion.%u.size=%llu\n"
		       "region.%u.mode=0%o\nregion.%u.uid=%u\n"
		       "region.%u.gid=%u\nregion.%u.rail=%u\n"
		       "region.%u.coherent=%u\nregion.%u.local=%u\n"
		       "region.%u.rx_attached=%u\nregion.%u.tx_attached=%u\n"
		       "region.%u.hosts=%s\n", i, r->id, i, r->key, i,
		       (unsigned long long)r->size, i, r->perm, i, r->uid, i,
		       r->gid, i, r->rail, i, r->flags & 1, i, r->local, i,
		       r->rx_attached, i, r->tx_attached, i, hosts);
		return;
	}
	printf("  %-4s %-10u %-10u %-12llu %-9s %-6u %-6u %-4u %-8s %-5u %-3u %-3u %s\n",
	       "IMC", r->id, r->key, (unsigned long long)r->size, mode,
	       r->uid, r->gid, r->rail, r->flags & 1 ? "yes" : "no", r->local,
	       r->rx_attached, r->tx_attached, hosts);
}

/*
 * The entries @cmd lists (of @size bytes each): size, then fetch, again
 * if more came in between.  Return: them (free()), or NULL; *@n: how many.
 */
static void *fetch_list(int fd, unsigned long cmd, const char *what,
			size_t size, unsigned int *n)
{
	struct rsm_ioc_imc_regions req = { .entry_size = size };
	void *buf = NULL;

	for (;;) {
		req.buf = (unsigned long)buf;
		if (ioctl(fd, cmd, &req)) {
			fprintf(stderr, "imcs: %s: %s\n", what, strerror(errno));
			free(buf);
			return NULL;
		}
		if (req.count <= req.max)
			break;
		free(buf);
		req.max = req.count + 16;
		buf = calloc(req.max, size);
		if (!buf) {
			perror("imcs");
			return NULL;
		}
	}
	*n = req.count;
	return buf ? buf : calloc(1, size);
}

static int print_regions(int fd, int kv)
{
	struct rsm_imc_region_info *buf;
	unsigned int i, n;

	buf = fetch_list(fd, RSM_IOC_IMC_REGIONS, "RSM_IOC_IMC_REGIONS",
			 sizeof(*buf), &n);
	if (!buf)
		return -1;
	if (kv)
		printf("regions=%u\n", n);
	else
		printf("regions: %u\n  %-4s %-10s %-10s %-12s %-9s %-6s %-6s %-4s %-8s %-5s %-3s %-3s %s\n",
		       n, "TYPE", "ID", "KEY", "SIZE", "MODE", "OWNER",
		       "GROUP", "RAIL", "COHERENT", "LOCAL", "RX", "TX",
		       "HOSTS");
	for (i = 0; i < n; i++)
		print_region(&buf[i], i, kv);
	free(buf);
	return 0;
}

/* The name of node @node in @in, or "node@node". */
static void host_of(const struct rsm_ioc_imc_info *in, unsigned int node,
		    char *out, size_t len)
{
	unsigned int i;

	for (i = 0; i < in->nhosts && i < RSM_IMC_HOSTS; i++)
		if (in->hosts[i].nodeid == node) {
			snprintf(out, len, "%.*s", RSM_IMC_HOSTNAME,
				 in->hosts[i].name);
			return;
		}
	snprintf(out, len, "node%u", node);
}

/* "INDEX:HOST/PID[+WAITERS]" for each holder the home knows. */
static void holders_str(const struct rsm_ioc_imc_info *in,
			const struct rsm_imc_lockset_info *l, char *out,
			size_t len)
{
	unsigned int i, n = l->held < RSM_IMC_LK_HOLDERS ? l->held :
			    RSM_IMC_LK_HOLDERS;
	size_t used = 0;
	char host[RSM_IMC_HOSTNAME + 1];

	out[0] = '\0';
	if (l->held == ~0U) {
		host_of(in, l->home, host, sizeof(host));
		snprintf(out, len, "(at %s)", host);
		return;
	}
	for (i = 0; i < n && used + 1 < len; i++) {
		const struct rsm_imc_lk_holder *h = &l->holders[i];

		host_of(in, h->node, host, sizeof(host));
		used += snprintf(out + used, len - used, "%s%u:%s/%u", i ? "," : "",
				 h->index, host, h->pid);
		if (h->waiters && used + 1 < len)
			used += snprintf(out + used, len - used, "+%u",
					 h->waiters);
	}
	if (l->held > n && used + 1 < len)
		snprintf(out + used, len - used, ",...");
	if (!l->held)
		snprintf(out, len, "-");
}

static int print_locksets(int fd, const struct rsm_ioc_imc_info *in, int kv)
{
	struct rsm_imc_lockset_info *buf;
	char mode[10], home[RSM_IMC_HOSTNAME + 1], holders[512], held[12];
	unsigned int i, n;

	buf = fetch_list(fd, RSM_IOC_IMC_LOCKSETS, "RSM_IOC_IMC_LOCKSETS",
			 sizeof(*buf), &n);
	if (!buf)
		return -1;
	if (kv)
		printf("locksets=%u\n", n);
	else
		printf("lock sets: %u\n  %-4s %-10s %-10s %-5s %-9s %-6s %-6s %-10s %-5s %-5s %s\n",
		       n, "TYPE", "ID", "KEY", "COUNT", "MODE", "OWNER",
		       "GROUP", "HOME", "LOCAL", "HELD", "HOLDERS");
	for (i = 0; i < n; i++) {
		const struct rsm_imc_lockset_info *l = &buf[i];

		mode_str(l->perm, mode);
		host_of(in, l->home, home, sizeof(home));
		holders_str(in, l, holders, sizeof(holders));
		snprintf(held, sizeof(held), "%u", l->held);
		if (kv)
			printf("lockset.%u.id=%u\nlockset.%u.key=%u\n"
			       "lockset.%u.count=%u\nlockset.%u.mode=0%o\n"
			       "lockset.%u.uid=%u\nlockset.%u.gid=%u\n"
			       "lockset.%u.home=%s\nlockset.%u.local=%u\n"
			       "lockset.%u.held=%d\nlockset.%u.holders=%s\n",
			       i, l->id, i, l->key, i, l->count, i, l->perm,
			       i, l->uid, i, l->gid, i, home, i, l->local, i,
			       l->held == ~0U ? -1 : (int)l->held, i, holders);
		else
			printf("  %-4s %-10u %-10u %-5u %-9s %-6u %-6u %-10s %-5u %-5s %s\n",
			       "IMC", l->id, l->key, l->count, mode, l->uid,
			       l->gid, home, l->local,
			       l->held == ~0U ? "?" : held, holders);
	}
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	struct rsm_ioc_imc_info in;
	int c, fd, hosts = 0, regions = 0, stats = 0, kv = 0, ret = 0;
	int locks = 0;

	while ((c = getopt(argc, argv, "msfkhrl")) != -1) {
		switch (c) {
		case 'm':
			hosts = 1;
			break;
		case 's':
			stats = 1;
			break;
		case 'f':
			hosts = regions = stats = locks = 1;
			break;
		case 'r':
			regions = 1;
			break;
		case 'k':
			kv = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'l':
			locks = 1;
			break;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (!hosts && !regions && !stats && !locks)
		hosts = regions = locks = 1;
	fd = rsm_dev_open(O_RDONLY);
	if (fd < 0)
		return 1;
	if (ioctl(fd, RSM_IOC_IMC_INFO, &in)) {
		perror("imcs: RSM_IOC_IMC_INFO");
		close(fd);
		return 1;
	}
	if (hosts)
		print_hosts(&in, kv);
	if (regions && print_regions(fd, kv))
		ret = 1;
	if (locks && print_locksets(fd, &in, kv))
		ret = 1;
	if (stats)
		print_stats(&in, kv);
	close(fd);
	return ret;
}
