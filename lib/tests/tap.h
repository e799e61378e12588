/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Minimal KTAP-style reporting for the librsm host unit tests: one
 * "ok N - name" / "not ok N - name" line per check, then the plan and a
 * final "N passed, N failed" line.  Exit status: 0 pass, 1 fail, 77 skip.
 */
#ifndef _RSM_TEST_TAP_H
#define _RSM_TEST_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#define TAP_SKIP 77

static int tap_count;
static int tap_failed;

static inline void tap_start(void)
{
	printf("TAP version 13\n");
	fflush(stdout);
}

static inline bool __attribute__((format(printf, 2, 3)))
tap_check(bool ok, const char *fmt, ...)
{
	va_list ap;

	tap_count++;
	if (!ok)
		tap_failed++;
	printf("%sok %d - ", ok ? "" : "not ", tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	return ok;
}

/* Integer equality, printing both values as a diagnostic on failure. */
#define tap_eq(got, want, ...)						\
	do {								\
		long long tap_g_ = (long long)(got);			\
		long long tap_w_ = (long long)(want);			\
		if (!tap_check(tap_g_ == tap_w_, __VA_ARGS__))		\
			printf("# got %lld (0x%llx), want %lld (0x%llx)\n", \
			       tap_g_, (unsigned long long)tap_g_,	\
			       tap_w_, (unsigned long long)tap_w_);	\
	} while (0)

static inline int tap_finish(void)
{
	printf("1..%d\n", tap_count);
	printf("%d passed, %d failed\n", tap_count - tap_failed, tap_failed);
	return tap_failed ? 1 : 0;
}

static inline int tap_skip_all(const char *why)
{
	printf("1..0 # SKIP %s\n", why);
	printf("0 passed, 0 failed\n");
	return TAP_SKIP;
}

#endif /* _RSM_TEST_TAP_H */
