// SPDX-License-Identifier: GPL-2.0
/*
 * imc-bench: imc_bcopy into a transmit mapping followed by
 * imc_ckerrcnt_mr (so every byte has landed), to 1, 2 and 3 receiving
 * hosts, for bench/run-imc-bench.sh.  Node 1 transmits; nodes 2..4
 * receive: region r (r = 1..3) has receive mappings on nodes 2..r+1.
 * Nodes meet through files in the run's shared directory.
 *
 *   imc-bench -S SHARE -N NODE -R MAXRECV -l "SIZES" -b "SIZES" -n ITERS
 *             -B BYTES
 *
 * Node 1 prints one line per figure:
 *   imc lat RECEIVERS SIZE USEC      (median of ITERS bcopy+ckerrcnt)
 *   imc bw RECEIVERS SIZE MBPS       (BYTES moved in SIZE pieces)
 */
#include <sys/imc.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench-share.h"

#define KEY(r)		(0x6d000 + (r))
#define REGION		(1 << 20)
#define MAX_SIZES	32


static int parse_sizes(const char *s, long *out)
{
	char *copy = strdup(s), *tok, *save = NULL;
	int n = 0;

	for (tok = strtok_r(copy, " ,", &save); tok && n < MAX_SIZES;
	     tok = strtok_r(NULL, " ,", &save))
		if (atol(tok) > 0 && atol(tok) <= REGION)
			out[n++] = atol(tok);
	free(copy);
	return n;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* One bcopy of @size and the check that it landed; false on error. */
static int send_once(char *tx, const char *src, long size)
{
	int n = imc_rderrcnt_mr(0);

	imc_bcopy((void *)src, tx, size, 1, 0);
	return n >= 0 && imc_ckerrcnt_mr(&n, 0) == IMC_SUCCESS;
}

static void bench_region(int r, char *tx, const char *src, const long *lat,
			 int nlat, const long *bw, int nbw, int iters,
			 long bytes)
{
	double *t = calloc(iters, sizeof(*t)), t0;
	int i, k, bad = 0;

	for (k = 0; k < nlat; k++) {
		for (i = 0; i < 3; i++)
			send_once(tx, src, lat[k]);
		for (i = 0; i < iters; i++) {
			t0 = now_us();
			bad += !send_once(tx, src, lat[k]);
			t[i] = now_us() - t0;
		}
		qsort(t, iters, sizeof(*t), cmp_double);
		printf("imc lat %d %ld %.2f\n", r, lat[k], t[iters / 2]);
	}
	for (k = 0; k < nbw; k++) {
		long n = bytes / bw[k] < 5 ? 5 : bytes / bw[k];

		int c;

		send_once(tx, src, bw[k]);
		c = imc_rderrcnt_mr(0);
		t0 = now_us();
		for (i = 0; i < n; i++)
			imc_bcopy((void *)src, tx, bw[k], 1, 0);
		/* one check covers them all */
		bad += imc_ckerrcnt_mr(&c, 0) != IMC_SUCCESS;
		printf("imc bw %d %ld %.2f\n", r, bw[k],
		       n * bw[k] / (now_us() - t0));
	}
	if (bad)
		fprintf(stderr, "imc-bench: %d sends to %d receivers failed\n",
			bad, r);
	fflush(stdout);
	free(t);
}

static int transmit(int maxr, const long *lat, int nlat, const long *bw,
		    int nbw, int iters, long bytes)
{
	char *src = malloc(REGION);
	caddr_t tx;
	imc_asid_t id;
	int r, node;

	if (!src)
		return 1;
	memset(src, 0x5a, REGION);
	for (r = 1; r <= maxr; r++) {
		if (imc_asalloc(KEY(r), REGION, IMC_URW, 0, &id, 0) ||
		    imc_asattach(id, IMC_TRANSMIT, IMC_SHARED, 0, &tx))
			return 1;
		mark("alloc", r);
		for (node = 2; node <= r + 1; node++)
			if (wait_mark("rx", node * 10 + r))
				return 1;
		bench_region(r, tx, src, lat, nlat, bw, nbw, iters, bytes);
		imc_asdetach(id);
		imc_asdealloc(id);
	}
	mark("done", 1);
	free(src);
	return 0;
}

static int receive(int node, int maxr)
{
	imc_asid_t id[4] = { 0 };
	caddr_t rx;
	int r;

	for (r = node - 1; r <= maxr; r++) {
		if (wait_mark("alloc", r) ||
		    imc_asalloc(KEY(r), REGION, IMC_URW, 0, &id[r], 0) ||
		    imc_asattach(id[r], IMC_RECEIVE, IMC_SHARED, 0, &rx))
			return 1;
		mark("rx", node * 10 + r);
	}
	if (wait_mark("done", 1))
		return 1;
	for (r = node - 1; r <= maxr; r++) {
		imc_asdetach(id[r]);
		imc_asdealloc(id[r]);
	}
	return 0;
}

int main(int argc, char **argv)
{
	long lat[MAX_SIZES], bw[MAX_SIZES], bytes = 8 << 20;
	int node = 0, maxr = 1, iters = 100, nlat = 0, nbw = 0, c;

	bench_prefix = "imcb";
	while ((c = getopt(argc, argv, "S:N:R:l:b:n:B:")) != -1) {
		switch (c) {
		case 'S': bench_share = optarg; break;
		case 'N': node = atoi(optarg); break;
		case 'R': maxr = atoi(optarg); break;
		case 'l': nlat = parse_sizes(optarg, lat); break;
		case 'b': nbw = parse_sizes(optarg, bw); break;
		case 'n': iters = atoi(optarg); break;
		case 'B': bytes = atol(optarg); break;
		default: return 2;
		}
	}
	if (!bench_share || node < 1 || maxr < 1 || maxr > 3 || iters < 1)
		return 2;
	if (imc_api_init(NULL))
		return 1;
	if (node == 1)
		return transmit(maxr, lat, nlat, bw, nbw, iters, bytes);
	if (node - 1 > maxr)
		return 0;
	return receive(node, maxr);
}
