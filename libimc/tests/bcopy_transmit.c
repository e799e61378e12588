// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * imc_bcopy() against the stand-in /dev/rsm (spec 3.10, checks 35, 36):
 * between ordinary buffers a memmove() without requests, for every
 * misalignment and small length, overlapping or not; into a transmit
 * mapping a copy followed by exactly one RSM_IOC_IMC_PUT of the range,
 * clipped to the mapping; and a forked child that does not take its
 * parent's mappings for its own.
 */
#include <errno.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "imc_fixture.h"

#define MAXLEN	64
#define BUFLEN	(2 * MAXLEN + 16)

static unsigned char pattern[BUFLEN];

static void fill(unsigned char *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(seed * 31 + i * 7 + 1);
}

/* imc_bcopy() and memmove() of src..len to dst, from the same buffers. */
static bool copy_matches(size_t src, size_t dst, size_t len, bool overlap)
{
	unsigned char a[2][BUFLEN], b[2][BUFLEN];
	unsigned char *as = overlap ? a[0] : a[1], *bs = overlap ? b[0] : b[1];

	fill(a[0], BUFLEN, 1);
	fill(a[1], BUFLEN, 2);
	memcpy(b, a, sizeof(a));
	if (imc_bcopy(as + src, a[0] + dst, (long)len, 0, 0) != 0)
		return false;
	memmove(b[0] + dst, bs + src, len);
	return memcmp(a, b, sizeof(a)) == 0;
}

/* Every misalignment 0..7 of both ends and every length 0..MAXLEN. */
static void test_plain_copies(void)
{
	size_t s, d, len, bad_sep = 0, bad_fwd = 0, bad_back = 0;

	for (s = 0; s < 8; s++)
		for (d = 0; d < 8; d++)
			for (len = 0; len <= MAXLEN; len++) {
				size_t up = s + d + 1;

				bad_sep += !copy_matches(s, d, len, false);
				/* dst after src, inside it: copy backwards */
				bad_fwd += !copy_matches(s, up, len, true);
				/* dst before src, inside it */
				bad_back += !copy_matches(up, s, len, true);
			}
	tap_eq(bad_sep, 0, "check 36: separate buffers, misalignments 0..7, "
	       "lengths 0..64: like memmove");
	tap_eq(bad_fwd, 0, "overlapping, destination above the source: "
	       "like memmove");
	tap_eq(bad_back, 0, "overlapping, destination below the source: "
	       "like memmove");
	tap_eq(fake_imc.ioctl_calls, 0, "copies between ordinary buffers: no request");
}

static void test_no_length(void)
{
	unsigned char src[8] = "abcdefg", dst[8] = "1234567";

	tap_eq(imc_bcopy(src, dst, 0, 0, 0), 0, "length 0 -> 0");
	tap_eq(imc_bcopy(src, dst, -1, 0, 0), 0, "length -1 -> 0");
	tap_eq(imc_bcopy(src, dst, -4096, 0, 0), 0, "length -4096 -> 0");
	tap_check(memcmp(dst, "1234567", 8) == 0,
		  "length <= 0: nothing copied");
	tap_eq(fake_imc.ioctl_calls, 0, "length <= 0: no request");
}

static void test_transmit(void)
{
	caddr_t tx = fix_attach(7, IMC_TRANSMIT, 0);
	unsigned char dst[16];

	fake_imc_reset();
	fake_imc.put_watch = (unsigned char *)tx;
	tap_eq(imc_bcopy(pattern, tx + 100, 50, 1, 0), 0,
	       "check 35: bcopy into a transmit mapping -> 0");
	tap_check(memcmp(tx + 100, pattern, 50) == 0,
		  "check 35: the bytes are in the mapping");
	tap_eq(fake_imc.put_calls, 1, "exactly one RSM_IOC_IMC_PUT");
	tap_eq(fake_imc.ioctl_calls, 1, "and no other request");
	tap_eq(fake_imc.last_put.id, 7, "PUT of the allocation id 7");
	tap_eq(fake_imc.last_put.offset, 100, "PUT from offset 100 of the mapping");
	tap_eq(fake_imc.last_put.len, 50, "PUT of the 50 bytes copied");
	tap_check(memcmp(fake_imc.put_seen, pattern, 50) == 0,
		  "the bytes were copied before the PUT was asked");

	fake_imc_reset();
	tap_eq(imc_bcopy(tx + 100, dst, 16, 0, 0), 0,
	       "bcopy from a transmit mapping to ordinary memory -> 0");
	tap_check(memcmp(dst, pattern, 16) == 0 && fake_imc.ioctl_calls == 0,
		  "source in a transmit mapping: a plain copy, no request");

	fake_imc.fail_errno = EIO;
	tap_eq(imc_bcopy(pattern, tx, 8, 0, 0), 0,
	       "a failed PUT is not reported: bcopy -> 0");
	imc_asdetach(7);
}

/* Every misalignment 0..7 and length 1..64 into a transmit mapping. */
static void test_transmit_alignments(void)
{
	caddr_t tx = fix_attach(7, IMC_TRANSMIT, 0);
	size_t off, len, wrong = 0, calls = 0;

	fake_imc_reset();
	for (off = 0; off < 8; off++)
		for (len = 1; len <= MAXLEN; len++) {
			const unsigned char *src = pattern + len % 8;

			memset(tx, 0, 2 * MAXLEN);
			imc_bcopy((void *)src, tx + off, (long)len, 1, 0);
			calls++;
			wrong += memcmp(tx + off, src, len) != 0 ||
				 fake_imc.put_calls != (int)calls ||
				 fake_imc.last_put.id != 7 ||
				 fake_imc.last_put.offset != off ||
				 fake_imc.last_put.len != len ||
				 tx[off + len] != 0 || (off && tx[off - 1]);
		}
	tap_eq(wrong, 0, "check 35: misalignments 0..7, lengths 1..64: the "
	       "bytes copied, nothing around them, one PUT of exactly them");
	imc_asdetach(7);
}

static void test_transmit_clipped(void)
{
	size_t size = fake_imc.attach_size;
	caddr_t tx;

	fake_imc.mmap_extra = fix_page();	/* room past the end */
	tx = fix_attach(8, IMC_TRANSMIT, 0);
	fake_imc.mmap_extra = 0;
	fake_imc_reset();
	tap_eq(imc_bcopy(pattern, tx + size - 10, 30, 0, 0), 0,
	       "bcopy running past the end of a transmit mapping -> 0");
	tap_check(memcmp(tx + size - 10, pattern, 30) == 0,
		  "all 30 bytes copied, as memmove would");
	tap_check(fake_imc.put_calls == 1 && fake_imc.last_put.id == 8 &&
		  fake_imc.last_put.offset == size - 10,
		  "one PUT from the offset of the destination");
	tap_eq(fake_imc.last_put.len, 10, "the PUT stops at the mapping's end");
	imc_asdetach(8);
	munmap(tx + size, fix_page());
}

static void test_several_mappings(void)
{
	caddr_t tx7 = fix_attach(7, IMC_TRANSMIT, 0);
	caddr_t tx9, ptp = NULL;

	fake_imc.attach_offset += 0x10000;
	tx9 = fix_attach(9, IMC_TRANSMIT, IMC_LOOPBACK);
	imc_asattach_ptp(10, IMC_SHARED, 0, "bravo", &ptp);
	fake_imc_reset();
	imc_bcopy(pattern, tx9 + 8, 16, 0, 0);
	tap_check(fake_imc.put_calls == 1 && fake_imc.last_put.id == 9 &&
		  fake_imc.last_put.offset == 8 && fake_imc.last_put.len == 16,
		  "of two transmit mappings, the PUT names the right one");
	imc_bcopy(pattern, tx7 + 24, 4, 0, 0);
	tap_check(fake_imc.put_calls == 2 && fake_imc.last_put.id == 7 &&
		  fake_imc.last_put.offset == 24 && fake_imc.last_put.len == 4,
		  "and the other one for the other mapping");
	if (tap_check(ptp != NULL, "a point-to-point mapping")) {
		imc_bcopy(pattern, ptp + 1, 3, 0, 0);
		tap_check(fake_imc.put_calls == 3 &&
			  fake_imc.last_put.id == 10 &&
			  fake_imc.last_put.offset == 1 &&
			  fake_imc.last_put.len == 3,
			  "bcopy into a point-to-point mapping: one PUT of it");
	}
	imc_asdetach(7);
	imc_asdetach(9);
	imc_asdetach(10);
	fake_imc_reset();
	fake_imc_defaults();
}

static void test_after_detach(void)
{
	caddr_t tx = fix_attach(7, IMC_TRANSMIT, 0);
	caddr_t keep;

	/* a mapping at the same place that libimc did not make */
	imc_asdetach(7);
	keep = mmap(tx, fake_imc.attach_size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	fake_imc_reset();
	if (!tap_check(keep == tx, "the detached range mapped again by the test"))
		return;
	imc_bcopy(pattern, tx, 8, 0, 0);
	tap_eq(fake_imc.put_calls, 0,
	       "after asdetach the old address is no transmit mapping");
	munmap(keep, fake_imc.attach_size);
}

/* The child's bcopy into its parent's transmit mapping sends nothing. */
static void test_fork_child(void)
{
	caddr_t tx = fix_attach(7, IMC_TRANSMIT, 0);
	int p[2], r[3] = { -1, -1, -1 }, status = -1;
	bool got = false;
	pid_t pid;

	if (!tap_check(pipe(p) == 0, "pipe for the child's report"))
		return;
	pid = fork();
	if (pid == 0) {
		r[0] = imc_api_init(NULL);
		fake_imc_reset();
		r[1] = (int)imc_bcopy(pattern, tx, 8, 0, 0);
		r[2] = fake_imc.put_calls;
		_exit(write(p[1], r, sizeof(r)) == (ssize_t)sizeof(r) ? 0 : 2);
	}
	close(p[1]);
	if (pid > 0) {
		got = read(p[0], r, sizeof(r)) == (ssize_t)sizeof(r);
		waitpid(pid, &status, 0);
	}
	close(p[0]);
	if (tap_check(got && WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "forked child reported")) {
		tap_eq(r[0], IMC_SUCCESS, "fork child: imc_api_init -> OK");
		tap_eq(r[2], 0, "fork child: the parent's transmit mapping is "
		       "not the child's: no PUT");
	}
	fake_imc_reset();
	imc_bcopy(pattern, tx, 8, 0, 0);
	tap_eq(fake_imc.put_calls, 1, "the parent's mapping still sends");
	imc_asdetach(7);
}

int main(void)
{
	fix_start();
	fill(pattern, sizeof(pattern), 3);
	test_plain_copies();
	test_no_length();
	test_transmit();
	test_transmit_alignments();
	test_transmit_clipped();
	test_several_mappings();
	test_after_detach();
	test_fork_child();
	return tap_finish();
}
