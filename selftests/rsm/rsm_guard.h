/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Loads and stores through an import mapping that report a fault instead
 * of dying of it: the mapping tests check that accesses after a forced
 * disconnect do not fault, and that a read-only mapping refuses a store,
 * and the harness must see either outcome as a result, not as a crash.
 */
#ifndef RSM_SELFTEST_GUARD_H
#define RSM_SELFTEST_GUARD_H

#include <setjmp.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>

static sigjmp_buf rsmt_guard_jmp;
static volatile sig_atomic_t rsmt_guard_sig;

static void rsmt_guard_handler(int sig, siginfo_t *si, void *uc)
{
	rsmt_guard_sig = sig;
	siglongjmp(rsmt_guard_jmp, 1);
}

/*
 * Copy @len bytes from @src to @dst, where either may be an import
 * mapping.  Returns 0, or SIGSEGV / SIGBUS when an access faulted.
 */
static inline int rsmt_guarded_copy(void *dst, const void *src, size_t len)
{
	struct sigaction sa, old_segv, old_bus;
	volatile int ret = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = rsmt_guard_handler;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, &old_segv);
	sigaction(SIGBUS, &sa, &old_bus);
	rsmt_guard_sig = 0;
	if (sigsetjmp(rsmt_guard_jmp, 1) == 0) {
		volatile unsigned char *d = dst;
		const volatile unsigned char *s = src;
		size_t i;

		for (i = 0; i < len; i++)
			d[i] = s[i];
	} else {
		ret = rsmt_guard_sig;
	}
	sigaction(SIGSEGV, &old_segv, NULL);
	sigaction(SIGBUS, &old_bus, NULL);
	return ret;
}

/* Store @len bytes of value @c at @dst; 0, or the signal a fault raised. */
static inline int rsmt_guarded_set(void *dst, int c, size_t len)
{
	unsigned char chunk[256];
	size_t n;
	int ret;

	memset(chunk, c, sizeof(chunk));
	for (; len; len -= n, dst = (char *)dst + n) {
		n = len < sizeof(chunk) ? len : sizeof(chunk);
		ret = rsmt_guarded_copy(dst, chunk, n);
		if (ret)
			return ret;
	}
	return 0;
}

/* Load one byte at @p into *@out; 0, or the signal a fault raised. */
static inline int rsmt_guarded_load(const void *p, unsigned char *out)
{
	return rsmt_guarded_copy(out, p, 1);
}

/*
 * A page-aligned range of @len bytes that nothing maps (reserved, then
 * given back), for RSM_MAP_FIXED; NULL on failure.
 */
static inline char *rsmt_free_range(size_t len)
{
	char *p = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	munmap(p, len);
	return p;
}

#endif
