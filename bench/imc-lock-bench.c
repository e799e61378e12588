// SPDX-License-Identifier: GPL-2.0
/*
 * imc-lock-bench: clusterwide locks for bench/run-lock-bench.sh.  Node 1
 * creates a lock set (so its home is node 1, the coordinator); then
 *   - uncontended: node 2, then node 1 (the home), take and release lock
 *     0 ITERS times alone; the median of each pair;
 *   - contended: 2 processes on each of nodes 1..H (H = 2, then 3) take
 *     and release lock 0 for SECS seconds.
 * Nodes meet through files in the run's shared directory.  Prints:
 *   lk lat remote USEC        (node 2: acquire + release, median)
 *   lk lat home USEC          (node 1)
 *   lk tput HOSTS GRANTS_PER_S MIN_SHARE MAX_SHARE   (node 1; the shares
 *                             are each process's part of all grants)
 *
 *   imc-lock-bench -S SHARE -N NODE -H MAXHOSTS -n ITERS -t SECS
 */
#include <sys/imc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench-share.h"

#define KEY		0x6c0b1
#define PROCS		2


static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median microseconds of @iters acquire + release pairs, or -1. */
static double uncontended(imc_lkid_t lk, int iters)
{
	double *t = calloc(iters, sizeof(*t)), med, t0;
	int i;

	if (!t)
		return -1;
	for (i = 0; i < iters; i++) {
		t0 = now_us();
		if (imc_lkacquire(lk, 0, 0, IMC_LOCKWAIT) ||
		    imc_lkrelease(lk, 0)) {
			free(t);
			return -1;
		}
		t[i] = now_us() - t0;
	}
	qsort(t, iters, sizeof(*t), cmp_double);
	med = t[iters / 2];
	free(t);
	return med;
}

/* One contending process: grants in @secs, written to @fd. */
static void contend(int fd, double secs)
{
	double end = now_us() + secs * 1e6;
	imc_lkid_t lk;
	long grants = 0;
	int n = 1;

	if (imc_api_init(NULL) || imc_lkalloc(KEY, &n, IMC_LKU, 0, &lk))
		_exit(1);
	while (now_us() < end) {
		if (imc_lkacquire(lk, 0, 0, IMC_LOCKWAIT) ||
		    imc_lkrelease(lk, 0))
			_exit(2);
		grants++;
	}
	if (write(fd, &grants, sizeof(grants)) != sizeof(grants))
		_exit(3);
	_exit(0);
}

/* Run PROCS contenders here; their grant counts into @out. */
static int contenders(double secs, long *out)
{
	int fds[2], i, st, rc = 0;
	pid_t pid[PROCS];

	if (pipe(fds))
		return -1;
	for (i = 0; i < PROCS; i++) {
		pid[i] = fork();
		if (pid[i] == 0)
			contend(fds[1], secs);
	}
	close(fds[1]);
	for (i = 0; i < PROCS; i++)
		if (read(fds[0], &out[i], sizeof(out[i])) != sizeof(out[i]))
			rc = -1;
	close(fds[0]);
	for (i = 0; i < PROCS; i++)
		if (waitpid(pid[i], &st, 0) != pid[i] || WEXITSTATUS(st))
			rc = -1;
	return rc;
}

/* Share each node's counts with node 1 as a file "lkb-counts.H.NODE". */
static int contended_round(int node, int hosts, double secs)
{
	long counts[PROCS], all = 0, mn = -1, mx = 0, c;
	char path[512], what[32];
	FILE *f;
	int k, i;

	snprintf(what, sizeof(what), "go%d", hosts);
	if (wait_mark(what, 1))
		return -1;
	if (node <= hosts) {
		if (contenders(secs, counts))
			return -1;
		snprintf(path, sizeof(path), "%s/lkb-counts.%d.%d", bench_share,
			 hosts, node);
		f = fopen(path, "w");
		if (!f)
			return -1;
		for (i = 0; i < PROCS; i++)
			fprintf(f, "%ld\n", counts[i]);
		fclose(f);
		snprintf(what, sizeof(what), "done%d", hosts);
		mark(what, node);
	}
	if (node != 1)
		return 0;
	snprintf(what, sizeof(what), "done%d", hosts);
	for (k = 1; k <= hosts; k++) {
		if (wait_mark(what, k))
			return -1;
		snprintf(path, sizeof(path), "%s/lkb-counts.%d.%d", bench_share,
			 hosts, k);
		f = fopen(path, "r");
		if (!f)
			return -1;
		for (i = 0; i < PROCS && fscanf(f, "%ld", &c) == 1; i++) {
			all += c;
			mn = mn < 0 || c < mn ? c : mn;
			mx = c > mx ? c : mx;
		}
		fclose(f);
	}
	printf("lk tput %d %.1f %.3f %.3f\n", hosts, all / secs,
	       all ? (double)mn / all : 0, all ? (double)mx / all : 0);
	return 0;
}

int main(int argc, char **argv)
{
	int c, node = 0, maxhosts = 3, iters = 200, n = 1, hosts, rc = 0;
	double secs = 10, med;
	imc_lkid_t lk;
	char what[32];

	bench_prefix = "lkb";
	while ((c = getopt(argc, argv, "S:N:H:n:t:")) != -1) {
		switch (c) {
		case 'S': bench_share = optarg; break;
		case 'N': node = atoi(optarg); break;
		case 'H': maxhosts = atoi(optarg); break;
		case 'n': iters = atoi(optarg); break;
		case 't': secs = atof(optarg); break;
		default: return 2;
		}
	}
	if (!bench_share || node < 1 || iters < 1) {
		fprintf(stderr, "usage: imc-lock-bench -S SHARE -N NODE [-H HOSTS] [-n ITERS] [-t SECS]\n");
		return 2;
	}
	if (imc_api_init(NULL))
		return 1;
	/* node 1 creates: the set's home is node 1 */
	if (node != 1 && wait_mark("created", 1))
		return 1;
	if (imc_lkalloc(KEY, &n, IMC_LKU, 0, &lk))
		return 1;
	if (node == 1)
		mark("created", 1);
	if (node == 2) {
		med = uncontended(lk, iters);
		printf("lk lat remote %.1f\n", med);
		rc |= med < 0;
		mark("remote", 2);
	}
	if (node == 1 && !wait_mark("remote", 2)) {
		med = uncontended(lk, iters);
		printf("lk lat home %.1f\n", med);
		rc |= med < 0;
	}
	for (hosts = 2; hosts <= maxhosts; hosts++) {
		if (node == 1) {
			snprintf(what, sizeof(what), "go%d", hosts);
			mark(what, 1);
		}
		rc |= contended_round(node, hosts, secs) != 0;
	}
	mark("end", node);
	/* the set lives until every node is through */
	for (c = 1; c <= maxhosts; c++)
		wait_mark("end", c);
	imc_lkdealloc(lk);
	return rc;
}
