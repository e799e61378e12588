// SPDX-License-Identifier: GPL-2.0-only
/*
 * imc_init - join this host to the Memory Channel API cluster, or change
 * its limits (imc_init(8)).
 *
 *   imc_init [-a maxalloc] [-r maxrecv]
 *
 * -a: megabytes the API may allocate cluster-wide; -r: megabytes this host
 * may attach for receive.  Both default to 10 the first time and keep
 * their value afterwards.  The host's name is rsm.conf's "host" (pushed by
 * rsmadm load) or its node name.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <sys/imc.h>
#include "rsm_dev.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: imc_init [-a maxalloc] [-r maxrecv]\n"
		"  -a MB  Memory Channel space the API may allocate, cluster-wide (default 10)\n"
		"  -r MB  space this host may attach for receive (default 10)\n");
}

static int parse_mb(const char *s, __u32 *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || !v ||
	    v > RSM_IMC_MAX_MB)
		return -1;
	*out = v;
	return 0;
}

int main(int argc, char **argv)
{
	struct rsm_ioc_imc_init req = { 0 };
	int c, fd;

	while ((c = getopt(argc, argv, "a:r:h")) != -1) {
		switch (c) {
		case 'a':
		case 'r':
			if (parse_mb(optarg, c == 'a' ? &req.max_alloc_mb :
						      &req.max_recv_mb)) {
				fprintf(stderr, "imc_init: bad size '%s' (1..%u MB)\n",
					optarg, RSM_IMC_MAX_MB);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (geteuid() != 0) {
		imc_perror("imc_init", IMC_NOTSUPER);
		return 1;
	}
	fd = rsm_dev_open(O_RDWR);
	if (fd < 0)
		return 1;
	if (ioctl(fd, RSM_IOC_IMC_INIT, &req)) {
		int err = errno;

		imc_perror("imc_init", err == EPERM ? IMC_NOTSUPER : IMC_INITERR);
		close(fd);
		return 1;
	}
	close(fd);
	return 0;
}
