// SPDX-License-Identifier: BSD-2-Clause
/*
 * imc-records: a Memory Channel program the TruCluster way.  Every host
 * keeps one record in a coherent region; it updates its record through
 * its transmit mapping with the error-count retransmit protocol of
 * imc_ckerrcnt_mr(3) and knows the update reached the cluster when it
 * sees it in its own receive mapping (loopback).  Then it prints every
 * host's record as its receive mapping shows them.
 *
 *   imc-records NHOSTS [UPDATES]
 *
 * Run it on NHOSTS hosts of an API cluster (imc_init(8) on each).
 */
#include <sys/imc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define KEY	0x494d4331	/* "IMC1" */
#define RAIL	0

/* One host's record: written in whole 8-byte words. */
struct record {
	uint64_t errcnt;		/* the count it was written under */
	uint64_t seq;			/* updates so far */
	uint64_t pid;
	uint64_t value;
	char host[32];
};

static void die(const char *what, int st)
{
	imc_perror(what, st);
	exit(1);
}

/* Wait until the count is not being updated. */
static int settled_errcnt(void)
{
	int n;

	while ((n = imc_rderrcnt_mr(RAIL)) < 0)
		usleep(1000);
	return n;
}

/* Update @mine to sequence number @seq; seen in @rx when it returns. */
static void update(volatile struct record *tx, volatile struct record *rx,
		   const char *host, uint64_t seq)
{
	struct record r;
	long spins;
	int n;

	for (;;) {
		n = settled_errcnt();
		memset(&r, 0, sizeof(r));
		r.errcnt = (uint64_t)n;
		r.seq = seq;
		r.pid = (uint64_t)getpid();
		r.value = seq * seq;
		snprintf(r.host, sizeof(r.host), "%s", host);
		/* store, then make sure it arrived everywhere; else again */
		do {
			memcpy((void *)tx, &r, sizeof(r));
		} while (imc_ckerrcnt_mr(&n, RAIL) != IMC_SUCCESS);
		/* loopback: seeing it here means every host has it */
		for (spins = 0; spins < 1L << 20; spins++) {
			if (rx->seq == seq && rx->pid == r.pid)
				return;
			if (spins % 1024 == 1023 &&
			    imc_ckerrcnt_mr(&n, RAIL) != IMC_SUCCESS)
				break;
			usleep(10);
		}
	}
}

int main(int argc, char **argv)
{
	int nhosts = argc > 1 ? atoi(argv[1]) : 2;
	int updates = argc > 2 ? atoi(argv[2]) : 5;
	imc_infoType items[] = { IMC_GET_HOSTS, 0 };
	volatile struct record *rx, *tx;
	caddr_t rxa, txa;
	imc_hostinfo hi;
	time_t end;
	int me = -1, st, i, done;
	unsigned int h;
	imc_asid_t id;

	if (nhosts < 1 || nhosts > IMC_MAXHOSTS || updates < 1) {
		fprintf(stderr, "usage: imc-records NHOSTS [UPDATES]\n");
		return 2;
	}
	st = imc_api_init(NULL);
	if (st)
		die("imc_api_init", st);
	st = imc_getclusterinfo(items, 1, &hi, sizeof(hi));
	if (st)
		die("imc_getclusterinfo", st);
	/* our slot: our place among the hosts, by name */
	for (h = 0; h < hi.num_hosts; h++) {
		char self[IMC_MAXHOSTNAMELEN];

		if (!gethostname(self, sizeof(self)) &&
		    !strncmp(self, hi.name[h], strcspn(self, ".")) &&
		    strlen(hi.name[h]) == strcspn(self, "."))
			me = (int)h;
	}
	if (me < 0 || me >= nhosts) {
		fprintf(stderr, "imc-records: this host is not among the first %d\n",
			nhosts);
		return 1;
	}
	st = imc_asalloc(KEY, nhosts * sizeof(struct record),
			 IMC_URW | IMC_GRW, IMC_COHERENT, &id, RAIL);
	if (st)
		die("imc_asalloc", st);
	st = imc_asattach(id, IMC_TRANSMIT, IMC_SHARED, IMC_LOOPBACK, &txa);
	if (!st)
		st = imc_asattach(id, IMC_RECEIVE, IMC_SHARED, 0, &rxa);
	if (st)
		die("imc_asattach", st);
	tx = (volatile struct record *)txa;
	rx = (volatile struct record *)rxa;

	for (i = 1; i <= updates; i++)
		update(&tx[me], &rx[me], hi.name[me], (uint64_t)i);

	/* everybody's last update, as this host receives it */
	end = time(NULL) + 120;
	do {
		for (done = 0, h = 0; h < (unsigned int)nhosts; h++)
			done += rx[h].seq == (uint64_t)updates;
		if (done < nhosts)
			usleep(10000);
	} while (done < nhosts && time(NULL) < end);
	printf("%s: records as received here (error count %d)\n",
	       hi.name[me], imc_rderrcnt_mr(RAIL));
	for (h = 0; h < (unsigned int)nhosts; h++)
		printf("  slot %u: host %-10.10s seq %llu value %llu pid %llu\n",
		       h, (const char *)rx[h].host,
		       (unsigned long long)rx[h].seq,
		       (unsigned long long)rx[h].value,
		       (unsigned long long)rx[h].pid);
	/* every host allocated before it wrote: the region outlives us */
	imc_asdetach(id);
	imc_asdealloc(id);
	return done == nhosts ? 0 : 1;
}
