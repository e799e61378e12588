/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench-share.h - what the in-node benchmarks (imc-bench, imc-lock-bench)
 * share: a clock, and marks in the run's shared directory through which
 * nodes meet.  Set bench_share and bench_prefix before the first mark.
 */
#ifndef BENCH_SHARE_H
#define BENCH_SHARE_H

#include <stdio.h>
#include <time.h>
#include <unistd.h>

#define BENCH_WAIT_S	300

static const char *bench_share;		/* the shared directory */
static const char *bench_prefix;	/* of the mark files: "imcb" */

static inline double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* Leave mark @what of node @node. */
static inline void mark(const char *what, int node)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s-%s.%d", bench_share, bench_prefix,
		 what, node);
	f = fopen(path, "w");
	if (f)
		fclose(f);
}

/* Wait for mark @what of node @node: 0, or -1 after BENCH_WAIT_S. */
static inline int wait_mark(const char *what, int node)
{
	char path[512];
	int i;

	snprintf(path, sizeof(path), "%s/%s-%s.%d", bench_share, bench_prefix,
		 what, node);
	for (i = 0; i < BENCH_WAIT_S * 100; i++) {
		if (!access(path, F_OK))
			return 0;
		usleep(10 * 1000);
	}
	fprintf(stderr, "bench: timed out waiting for %s\n", path);
	return -1;
}

#endif
