// SPDX-License-Identifier: GPL-2.0-only
/*
 * imcs - status of the Memory Channel API cluster (imcs(8)).
 *
 *   imcs [-m] [-s] [-f] [-k] [-h]
 *
 * -m the hosts that ran imc_init (the default); -s this host's limits and
 * the logical rails; -f both; -k key=value lines for scripts.  Regions
 * (-r) and lock sets (-l) come with the API functions that create them.
 */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "rsm_dev.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: imcs [-m] [-s] [-f] [-k] [-h]\n"
		"  -m  hosts of the Memory Channel API cluster (default)\n"
		"  -s  this host's limits and the logical rails\n"
		"  -f  everything\n"
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

	if (kv) {
		printf("member=%u\nmax_alloc_mb=%u\nmax_recv_mb=%u\n"
		       "rails=%u\nactive_rails=0x%x\n", in->member,
		       in->max_alloc_mb, in->max_recv_mb, in->nrails,
		       in->active_rails);
		return;
	}
	printf("this host: %s, allocation limit %u MB (cluster-wide), receive limit %u MB\n",
	       in->member ? "initialized" : "not initialized",
	       in->max_alloc_mb, in->max_recv_mb);
	printf("logical rails: %u\n", in->nrails);
	for (r = 0; r < in->nrails; r++)
		printf("  rail %u: %s\n", r,
		       in->active_rails & (1U << r) ? "active" : "inactive");
}

int main(int argc, char **argv)
{
	struct rsm_ioc_imc_info in;
	int c, fd, hosts = 0, stats = 0, kv = 0;

	while ((c = getopt(argc, argv, "msfkhrl")) != -1) {
		switch (c) {
		case 'm':
			hosts = 1;
			break;
		case 's':
			stats = 1;
			break;
		case 'f':
			hosts = stats = 1;
			break;
		case 'k':
			kv = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'r':
		case 'l':
			fprintf(stderr, "imcs: -%c: this version has no Memory Channel %s yet\n",
				c, c == 'r' ? "regions" : "lock sets");
			return 2;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (!hosts && !stats)
		hosts = 1;
	fd = rsm_dev_open(O_RDONLY);
	if (fd < 0)
		return 1;
	if (ioctl(fd, RSM_IOC_IMC_INFO, &in)) {
		perror("imcs: RSM_IOC_IMC_INFO");
		close(fd);
		return 1;
	}
	close(fd);
	if (hosts)
		print_hosts(&in, kv);
	if (stats)
		print_stats(&in, kv);
	return 0;
}
