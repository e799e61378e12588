// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsmadm - configure this node's rsm cluster membership.
 *
 * Reads /etc/rsm/rsm.conf (node id -> address lines, see rsm.conf(5)),
 * works out which node this is by matching the listed addresses against the
 * host's own, and pushes the configuration into rsm.ko.  Also waits for the
 * cluster to come up, and deconfigures.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <ifaddrs.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>

#include "rsm_dev.h"

#define RSM_CONF_DEFAULT	"/etc/rsm/rsm.conf"

struct rsm_conf {
	struct rsm_ioc_peer peers[RSM_MAX_PEER_ADDRS];
	unsigned int npeers;
};

static void usage(FILE *f)
{
	fprintf(f,
"usage: rsmadm load [-f FILE] [-n NODEID] [--restart]\n"
"       rsmadm check [-f FILE]\n"
"       rsmadm wait [-t SECONDS]\n"
"       rsmadm clear\n"
"\n"
"  load    read the cluster configuration (default " RSM_CONF_DEFAULT ")\n"
"          and push it into rsm.ko; peers no longer listed are dropped,\n"
"          new ones are connected. The local node id is the id whose\n"
"          address is configured on this host, unless -n gives it.\n"
"          --restart re-establishes every connection.\n"
"  check   parse the file and print the configuration, change nothing\n"
"  wait    wait until every configured peer is connected (default 60 s);\n"
"          exit status 1 on timeout, naming the peers still down\n"
"  clear   forget the configuration and disconnect from every peer\n"
"\n"
"File format (rsm.conf(5)): one node per line, '<node id> <address>...';\n"
"'#' starts a comment. Node ids are 0..%d; addresses IPv4 or IPv6.\n",
		RSM_MAX_NODE - 1);
}

static int conf_add(struct rsm_conf *conf, const char *file, int line,
		    unsigned long id, const char *word)
{
	struct rsm_ioc_peer *p;
	unsigned int i;

	if (conf->npeers >= RSM_MAX_PEER_ADDRS) {
		fprintf(stderr, "%s:%d: more than %d addresses\n", file, line,
			RSM_MAX_PEER_ADDRS);
		return -1;
	}
	p = &conf->peers[conf->npeers];
	memset(p, 0, sizeof(*p));
	p->nodeid = id;
	if (inet_pton(AF_INET, word, p->addr) == 1) {
		p->family = AF_INET;
	} else if (inet_pton(AF_INET6, word, p->addr) == 1) {
		p->family = AF_INET6;
	} else {
		fprintf(stderr, "%s:%d: '%s' is not an IPv4 or IPv6 address\n",
			file, line, word);
		return -1;
	}
	for (i = 0; i < conf->npeers; i++) {
		if (conf->peers[i].family == p->family &&
		    !memcmp(conf->peers[i].addr, p->addr, sizeof(p->addr))) {
			fprintf(stderr, "%s:%d: address %s listed twice\n",
				file, line, word);
			return -1;
		}
	}
	conf->npeers++;
	return 0;
}

static int conf_parse_line(struct rsm_conf *conf, const char *file, int line,
			   char *s)
{
	char *save = NULL, *word, *end;
	unsigned long id;
	int naddr = 0;

	s[strcspn(s, "#\n")] = '\0';
	word = strtok_r(s, " \t\r", &save);
	if (!word)
		return 0;	/* blank or comment */
	errno = 0;
	id = strtoul(word, &end, 10);
	if (errno || *end || !isdigit((unsigned char)word[0]) ||
	    id >= RSM_MAX_NODE) {
		fprintf(stderr, "%s:%d: bad node id '%s' (0..%d)\n", file,
			line, word, RSM_MAX_NODE - 1);
		return -1;
	}
	while ((word = strtok_r(NULL, " \t\r", &save))) {
		if (conf_add(conf, file, line, id, word))
			return -1;
		naddr++;
	}
	if (!naddr) {
		fprintf(stderr, "%s:%d: node %lu has no address\n", file, line,
			id);
		return -1;
	}
	return 0;
}

static int conf_read(struct rsm_conf *conf, const char *file)
{
	char buf[1024];
	int line = 0, ret = 0;
	FILE *f = fopen(file, "r");

	if (!f) {
		fprintf(stderr, "cannot read %s: %s\n", file, strerror(errno));
		return -1;
	}
	conf->npeers = 0;
	while (!ret && fgets(buf, sizeof(buf), f)) {
		line++;
		if (!strchr(buf, '\n') && !feof(f)) {
			fprintf(stderr, "%s:%d: line too long\n", file, line);
			ret = -1;
			break;
		}
		ret = conf_parse_line(conf, file, line, buf);
	}
	fclose(f);
	return ret;
}

/* The node whose configured address is one of this host's addresses. */
static int conf_local_nodeid(const struct rsm_conf *conf, unsigned int *id)
{
	struct ifaddrs *ifa, *i;
	unsigned int k;
	int found = -1;

	if (getifaddrs(&ifa)) {
		perror("getifaddrs");
		return -1;
	}
	for (i = ifa; i; i = i->ifa_next) {
		const void *a;
		int fam;

		if (!i->ifa_addr)
			continue;
		fam = i->ifa_addr->sa_family;
		if (fam == AF_INET)
			a = &((struct sockaddr_in *)i->ifa_addr)->sin_addr;
		else if (fam == AF_INET6)
			a = &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr;
		else
			continue;
		for (k = 0; k < conf->npeers; k++) {
			const struct rsm_ioc_peer *p = &conf->peers[k];

			if (p->family != fam ||
			    memcmp(p->addr, a, fam == AF_INET ? 4 : 16))
				continue;
			if (found >= 0 && (unsigned int)found != p->nodeid) {
				fprintf(stderr,
					"this host has addresses of nodes %d and %u\n",
					found, p->nodeid);
				freeifaddrs(ifa);
				return -1;
			}
			found = p->nodeid;
		}
	}
	freeifaddrs(ifa);
	if (found < 0) {
		fprintf(stderr,
			"none of the configured addresses is on this host; use -n NODEID\n");
		return -1;
	}
	*id = found;
	return 0;
}

static int push(unsigned int local, const struct rsm_conf *conf,
		unsigned int flags)
{
	struct rsm_ioc_cluster req = {
		.local_nodeid = local,
		.npeers = conf ? conf->npeers : 0,
		.peers = conf ? (unsigned long)conf->peers : 0,
		.flags = flags,
	};
	int fd = rsm_dev_open(O_RDWR);
	int ret;

	if (fd < 0)
		return 1;
	ret = ioctl(fd, RSM_IOC_CLUSTER_SET, &req);
	if (ret)
		fprintf(stderr, "RSM_IOC_CLUSTER_SET: %s\n",
			ret < 0 ? strerror(errno) : "refused");
	close(fd);
	return ret ? 1 : 0;
}

static void conf_print(const struct rsm_conf *conf, int local)
{
	char buf[INET6_ADDRSTRLEN];
	unsigned int k;

	printf("local node id: %d\n", local);
	for (k = 0; k < conf->npeers; k++) {
		const struct rsm_ioc_peer *p = &conf->peers[k];

		inet_ntop(p->family, p->addr, buf, sizeof(buf));
		printf("node %u %s%s\n", p->nodeid, buf,
		       (int)p->nodeid == local ? " (this node)" : "");
	}
}

/* Every configured peer node has at least one ACTIVE connection. */
static int all_active(int fd, bool report)
{
	struct rsm_status st;
	unsigned int i, j, down = 0;

	if (rsm_status_fetch(fd, &st))
		return -1;
	if (st.hdr->local_nodeid == RSM_NODEID_NONE) {
		if (report)
			fprintf(stderr, "rsm is not configured (rsmadm load)\n");
		rsm_status_free(&st);
		return 0;
	}
	for (i = 0; i < st.hdr->nconn; i++) {
		bool up = false;

		for (j = 0; j < st.hdr->nconn; j++)
			if (st.conn[j].nodeid == st.conn[i].nodeid &&
			    st.conn[j].state == RSM_PATH_ACTIVE)
				up = true;
		if (!up) {
			down++;
			if (report)
				fprintf(stderr, "node %u is not connected\n",
					st.conn[i].nodeid);
		}
	}
	rsm_status_free(&st);
	return down == 0;
}

static int cmd_wait(int timeout_s)
{
	struct timespec start, now;
	int fd = rsm_dev_open(O_RDONLY);
	int ok;

	if (fd < 0)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		ok = all_active(fd, false);
		if (ok)
			break;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (ok < 0 || now.tv_sec - start.tv_sec >= timeout_s) {
			fprintf(stderr, "rsmadm wait: timed out after %d s\n",
				timeout_s);
			all_active(fd, true);
			close(fd);
			return 1;
		}
		usleep(100 * 1000);
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "file", required_argument, NULL, 'f' },
		{ "node", required_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' },
		{ "restart", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct rsm_conf conf;
	const char *file = RSM_CONF_DEFAULT, *cmd;
	unsigned int local = RSM_NODEID_NONE, flags = 0;
	int timeout_s = 60, c;
	bool have_node = false;
	char *end;

	while ((c = getopt_long(argc, argv, "f:n:t:rh", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			file = optarg;
			break;
		case 'n':
			local = strtoul(optarg, &end, 10);
			if (*end || local >= RSM_MAX_NODE) {
				fprintf(stderr, "bad node id '%s'\n", optarg);
				return 2;
			}
			have_node = true;
			break;
		case 't':
			timeout_s = atoi(optarg);
			break;
		case 'r':
			flags |= RSM_CLUSTER_RESTART;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	cmd = argv[optind];

	if (!strcmp(cmd, "wait"))
		return cmd_wait(timeout_s);
	if (!strcmp(cmd, "clear"))
		return push(RSM_NODEID_NONE, NULL, 0);
	if (strcmp(cmd, "load") && strcmp(cmd, "check")) {
		usage(stderr);
		return 2;
	}
	if (conf_read(&conf, file))
		return 1;
	if (!have_node && conf_local_nodeid(&conf, &local))
		return 1;
	if (!strcmp(cmd, "check")) {
		conf_print(&conf, local);
		return 0;
	}
	return push(local, &conf, flags);
}
