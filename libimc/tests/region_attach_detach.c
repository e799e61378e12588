// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * imc_asattach(), imc_asattach_ptp() and imc_asdetach() against the
 * stand-in /dev/rsm (spec 3.5-3.7, checks 26, 32-34): argument checks
 * before any request, the RSM_IOC_IMC_ASATTACH request, the mapping of
 * the descriptor the library makes, the undo of an attach whose mapping
 * failed, and detach.
 */
#include <errno.h>
#include <sys/mman.h>

#include "imc_fixture.h"

static char sentinel[1];
#define SENTINEL ((caddr_t)sentinel)

static bool is_mapped(const void *p)
{
	return msync((void *)p, fix_page(), MS_ASYNC) == 0;
}

/* A page-aligned range of @len bytes that nothing maps now. */
static void *free_range(size_t len)
{
	void *p = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);

	if (p == MAP_FAILED) {
		printf("Bail out! no address space\n");
		exit(1);
	}
	munmap(p, len);
	return p;
}

static void test_asattach_argument_checks(void)
{
	caddr_t a = SENTINEL;

	fake_imc_reset();
	tap_eq(imc_asattach(7, 0, IMC_SHARED, 0, &a), IMC_BADPARM,
	       "asattach dir 0 -> IMC_BADPARM");
	tap_eq(imc_asattach(7, 3, IMC_SHARED, 0, &a), IMC_BADPARM,
	       "asattach dir 3 -> IMC_BADPARM");
	tap_eq(imc_asattach(7, IMC_TRANSMIT, 0, 0, &a), IMC_BADPARM,
	       "asattach mode 0 -> IMC_BADPARM");
	tap_eq(imc_asattach(7, IMC_RECEIVE, 3, 0, &a), IMC_BADPARM,
	       "asattach mode 3 -> IMC_BADPARM");
	tap_eq(imc_asattach(7, IMC_TRANSMIT, IMC_SHARED, 0, NULL), IMC_BADPARM,
	       "asattach address NULL -> IMC_BADPARM");
	tap_eq(imc_asattach(0, IMC_TRANSMIT, IMC_SHARED, 0, &a), IMC_BADPARM,
	       "asattach id 0 -> IMC_BADPARM");
	tap_eq(imc_asattach(-1, IMC_RECEIVE, IMC_SHARED, 0, &a), IMC_BADPARM,
	       "asattach id -1 -> IMC_BADPARM");
	tap_eq(imc_asattach(7, IMC_TRANSMIT, IMC_SHARED, IMC_RXPTR, &a),
	       IMC_BADPARM, "transmit with IMC_RXPTR -> IMC_BADPARM");
	tap_eq(imc_asattach(7, IMC_TRANSMIT, IMC_SHARED, 4, &a), IMC_BADPARM,
	       "transmit with flag 4 -> IMC_BADPARM");
	tap_eq(imc_asattach(7, IMC_RECEIVE, IMC_SHARED, IMC_LOOPBACK, &a),
	       IMC_BADPARM, "receive with IMC_LOOPBACK -> IMC_BADPARM");
	tap_eq(imc_asattach(7, IMC_RECEIVE, IMC_SHARED,
			    IMC_RXPTR | IMC_LOOPBACK, &a), IMC_BADPARM,
	       "receive with IMC_RXPTR|IMC_LOOPBACK -> IMC_BADPARM");
	tap_check(a == SENTINEL, "refused asattach leaves *address as it was");
	a = (caddr_t)free_range(fix_page()) + 8;
	tap_eq(imc_asattach(7, IMC_RECEIVE, IMC_SHARED, IMC_RXPTR, &a),
	       IMC_BADADDR, "check 34: IMC_RXPTR, unaligned *address -> IMC_BADADDR");
	a = NULL;
	tap_eq(imc_asattach(7, IMC_RECEIVE, IMC_SHARED, IMC_RXPTR, &a),
	       IMC_BADADDR, "IMC_RXPTR, *address NULL -> IMC_BADADDR");
	tap_eq(fake_imc.ioctl_calls, 0, "refused asattach: no request");
	tap_eq(fake_imc.mmap_calls, 0, "refused asattach: nothing mapped");
}

static void test_ptp_argument_checks(void)
{
	char longname[IMC_MAXHOSTNAMELEN + 1];
	caddr_t a = SENTINEL;

	fake_imc_reset();
	tap_eq(imc_asattach_ptp(7, IMC_SHARED, IMC_LOOPBACK, "bravo", &a),
	       IMC_PTPERR, "check 32: ptp with IMC_LOOPBACK -> IMC_PTPERR");
	tap_eq(imc_asattach_ptp(7, IMC_SHARED, 2, "bravo", &a), IMC_PTPERR,
	       "ptp with flag 2 -> IMC_PTPERR");
	tap_eq(imc_asattach_ptp(7, IMC_SHARED, 0, NULL, &a), IMC_BADPARM,
	       "ptp hostname NULL -> IMC_BADPARM");
	tap_eq(imc_asattach_ptp(7, IMC_SHARED, 0, "bravo", NULL), IMC_BADPARM,
	       "ptp address NULL -> IMC_BADPARM");
	tap_eq(imc_asattach_ptp(0, IMC_SHARED, 0, "bravo", &a), IMC_BADPARM,
	       "ptp id 0 -> IMC_BADPARM");
	tap_eq(imc_asattach_ptp(7, 0, 0, "bravo", &a), IMC_BADPARM,
	       "ptp mode 0 -> IMC_BADPARM");
	tap_eq(imc_asattach_ptp(7, IMC_SHARED, 0, "", &a), IMC_BADHOST,
	       "ptp hostname \"\" -> IMC_BADHOST");
	memset(longname, 'h', IMC_MAXHOSTNAMELEN);
	longname[IMC_MAXHOSTNAMELEN] = '\0';
	tap_eq(imc_asattach_ptp(7, IMC_SHARED, 0, longname, &a), IMC_BADHOST,
	       "ptp hostname of 64 characters -> IMC_BADHOST");
	tap_check(a == SENTINEL, "refused ptp attach leaves *address as it was");
	tap_eq(fake_imc.ioctl_calls, 0, "refused ptp attach: no request");

	longname[IMC_MAXHOSTNAMELEN - 1] = '\0';
	tap_eq(imc_asattach_ptp(7, IMC_SHARED, 0, longname, &a), IMC_SUCCESS,
	       "ptp hostname of 63 characters -> IMC_SUCCESS");
	tap_check(strcmp(fake_imc.last_asattach.host, longname) == 0,
		  "the kernel sees all 63 characters");
	imc_asdetach(7);
}

static void test_attach_transmit(void)
{
	caddr_t a = NULL, b = NULL;

	fake_imc_reset();
	tap_eq(imc_asattach(7, IMC_TRANSMIT, IMC_SHARED, 0, &a), IMC_SUCCESS,
	       "transmit attach -> IMC_SUCCESS");
	tap_eq(fake_imc.asattach_calls, 1, "one RSM_IOC_IMC_ASATTACH");
	tap_check(fake_imc.last_asattach.id == 7 &&
		  fake_imc.last_asattach.dir == RSM_IMC_DIR_TX &&
		  fake_imc.last_asattach.mode == RSM_IMC_SHARED &&
		  fake_imc.last_asattach.flags == 0 &&
		  fake_imc.last_asattach.host[0] == '\0',
		  "request: id 7, RSM_IMC_DIR_TX, RSM_IMC_SHARED, flags 0, host \"\"");
	tap_eq(fake_imc.mmap_calls, 1, "the descriptor is mapped once");
	tap_eq(fake_imc.last_mmap.fd, fake_imc.dev_fd, "mmap of the device");
	tap_eq(fake_imc.last_mmap.offset, fake_imc.attach_offset,
	       "mmap at the offset the kernel returned");
	tap_eq(fake_imc.last_mmap.len, fake_imc.attach_size,
	       "mmap of the size the kernel returned");
	tap_eq(fake_imc.last_mmap.prot, PROT_READ | PROT_WRITE,
	       "transmit: PROT_READ|PROT_WRITE");
	tap_check((fake_imc.last_mmap.flags & MAP_SHARED) &&
		  !(fake_imc.last_mmap.flags &
		    (MAP_FIXED | MAP_FIXED_NOREPLACE)) &&
		  fake_imc.last_mmap.addr == NULL,
		  "transmit: MAP_SHARED where the kernel chooses");
	tap_check(a != NULL && a == fake_imc.last_mmap.result,
		  "*address is the mapping");

	tap_eq(imc_asattach(8, IMC_TRANSMIT, IMC_NONSHARED, IMC_LOOPBACK, &b),
	       IMC_SUCCESS, "transmit attach with IMC_LOOPBACK -> IMC_SUCCESS");
	tap_check(fake_imc.last_asattach.id == 8 &&
		  fake_imc.last_asattach.mode == RSM_IMC_NONSHARED &&
		  fake_imc.last_asattach.flags == RSM_IMC_LOOPBACK,
		  "request: RSM_IMC_NONSHARED, RSM_IMC_LOOPBACK");
	tap_check(b != NULL && b != a, "a second region: another mapping");
	imc_asdetach(7);
	imc_asdetach(8);
}

static void test_attach_receive(void)
{
	size_t len = fake_imc.attach_size;
	caddr_t a = NULL, want;

	fake_imc_reset();
	tap_eq(imc_asattach(7, IMC_RECEIVE, IMC_SHARED, 0, &a), IMC_SUCCESS,
	       "receive attach -> IMC_SUCCESS");
	tap_check(fake_imc.last_asattach.dir == RSM_IMC_DIR_RX &&
		  fake_imc.last_asattach.flags == 0,
		  "request: RSM_IMC_DIR_RX, flags 0");
	tap_eq(fake_imc.last_mmap.prot, PROT_READ, "receive: PROT_READ only");
	tap_check(a != NULL && a == fake_imc.last_mmap.result,
		  "*address is the receive mapping");
	imc_asdetach(7);

	want = free_range(len);
	a = want;
	fake_imc_reset();
	tap_eq(imc_asattach(7, IMC_RECEIVE, IMC_SHARED, IMC_RXPTR, &a),
	       IMC_SUCCESS, "check 34: IMC_RXPTR, a free aligned address -> OK");
	tap_eq(fake_imc.last_asattach.flags, 0,
	       "IMC_RXPTR is not passed to the kernel");
	tap_check(fake_imc.last_mmap.addr == want &&
		  (fake_imc.last_mmap.flags & MAP_FIXED_NOREPLACE) &&
		  !(fake_imc.last_mmap.flags & MAP_FIXED),
		  "mmap at *address with MAP_FIXED_NOREPLACE, not MAP_FIXED");
	tap_check(a == want, "check 34: the mapping is at exactly that address");
	imc_asdetach(7);
}

static void test_rxptr_overlap(void)
{
	size_t len = fake_imc.attach_size;
	char *mine = mmap(NULL, len, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	caddr_t a = mine;

	if (!tap_check(mine != MAP_FAILED, "a mapping of the test's own"))
		return;
	mine[0] = 'm';
	fake_imc_reset();
	tap_eq(imc_asattach(7, IMC_RECEIVE, IMC_SHARED, IMC_RXPTR, &a),
	       IMC_BADADDR, "IMC_RXPTR over an existing mapping -> IMC_BADADDR");
	tap_check(a == mine, "IMC_BADADDR leaves *address as it was");
	tap_check(mine[0] == 'm', "the existing mapping is left alone");
	tap_eq(fake_imc.asdetach_calls, 1, "the kernel attach is undone");
	tap_check(fake_imc.last_asdetach.id == 7 &&
		  fake_imc.last_asdetach.dirs == RSM_IMC_DIR_RX,
		  "undo: RSM_IOC_IMC_ASDETACH of id 7, RSM_IMC_DIR_RX");
	munmap(mine, len);
}

static void test_mmap_failure_undo(void)
{
	caddr_t a = SENTINEL;

	fake_imc_reset();
	fake_imc.mmap_errno = EACCES;
	tap_eq(imc_asattach(7, IMC_TRANSMIT, IMC_SHARED, 0, &a), IMC_BADADDR,
	       "transmit, mmap fails with EACCES -> IMC_BADADDR");
	tap_eq(fake_imc.asdetach_calls, 1, "failed mmap: the attach is undone");
	tap_check(fake_imc.last_asdetach.id == 7 &&
		  fake_imc.last_asdetach.dirs == RSM_IMC_DIR_TX,
		  "undo: RSM_IOC_IMC_ASDETACH of id 7, RSM_IMC_DIR_TX");
	tap_check(fake_imc.asdetach_seq > fake_imc.mmap_seq,
		  "the undo comes after the failed mmap");
	tap_check(a == SENTINEL, "failed mmap leaves *address as it was");

	fake_imc_reset();
	fake_imc.mmap_errno = ENOMEM;
	tap_eq(imc_asattach(8, IMC_RECEIVE, IMC_SHARED, 0, &a), IMC_MAPENTRIES,
	       "receive, mmap fails with ENOMEM -> IMC_MAPENTRIES");
	tap_check(fake_imc.asdetach_calls == 1 &&
		  fake_imc.last_asdetach.id == 8 &&
		  fake_imc.last_asdetach.dirs == RSM_IMC_DIR_RX,
		  "undo: RSM_IOC_IMC_ASDETACH of id 8, RSM_IMC_DIR_RX");

	fake_imc_reset();
	fake_imc.mmap_errno = EINVAL;
	tap_eq(imc_asattach_ptp(9, IMC_SHARED, 0, "bravo", &a), IMC_BADADDR,
	       "ptp, mmap fails with EINVAL -> IMC_BADADDR");
	tap_check(fake_imc.asdetach_calls == 1 &&
		  fake_imc.last_asdetach.id == 9 &&
		  fake_imc.last_asdetach.dirs == RSM_IMC_DIR_TX,
		  "undo of a ptp attach: RSM_IMC_DIR_TX (its transmit side)");
	tap_check(a == SENTINEL, "failed ptp mmap leaves *address as it was");
}

static void test_rxptr_elsewhere(void)
{
	caddr_t want = free_range(fake_imc.attach_size), a = want;

	fake_imc_reset();
	fake_imc.mmap_elsewhere = true;
	errno = ENOMEM;		/* left over from an earlier call */
	tap_eq(imc_asattach(7, IMC_RECEIVE, IMC_SHARED, IMC_RXPTR, &a),
	       IMC_BADADDR, "IMC_RXPTR mapped elsewhere (old kernel) -> IMC_BADADDR");
	tap_check(fake_imc.munmap_calls == 1 &&
		  fake_imc.last_munmap_addr == fake_imc.last_mmap.result,
		  "the misplaced mapping is unmapped");
	tap_check(fake_imc.asdetach_calls == 1 &&
		  fake_imc.last_asdetach.dirs == RSM_IMC_DIR_RX,
		  "and the receive attach undone");
	tap_check(a == want, "*address left as it was");
}

static void test_kernel_errors(void)
{
	caddr_t a = SENTINEL;

	fake_imc_reset();
	fake_imc.fail_code = 20;
	tap_eq(imc_asattach(99, IMC_TRANSMIT, IMC_SHARED, 0, &a), IMC_BADREGION,
	       "kernel status 20 -> IMC_BADREGION");
	tap_eq(fake_imc.mmap_calls, 0, "refused attach: nothing mapped");
	tap_check(a == SENTINEL, "refused attach leaves *address as it was");
	fake_imc.fail_code = 21;
	tap_eq(imc_asattach(7, IMC_RECEIVE, IMC_SHARED, 0, &a), IMC_RECMAPPED,
	       "check 26: kernel status 21 -> IMC_RECMAPPED");
	fake_imc.fail_code = 22;
	tap_eq(imc_asattach(7, IMC_TRANSMIT, IMC_SHARED, 0, &a), IMC_XMITMAPPED,
	       "check 26: kernel status 22 -> IMC_XMITMAPPED");
	fake_imc.fail_errno = ENOMEM;
	tap_eq(imc_asattach(7, IMC_TRANSMIT, IMC_SHARED, 0, &a), IMC_NOMEM,
	       "asattach: errno ENOMEM -> IMC_NOMEM");
	fake_imc.fail_code = 39;
	tap_eq(imc_asattach_ptp(7, IMC_SHARED, 0, "nohost", &a), IMC_BADHOST,
	       "check 33: ptp, kernel status 39 -> IMC_BADHOST");
	fake_imc.fail_code = 49;
	tap_eq(imc_asattach_ptp(7, IMC_SHARED, 0, "alpha", &a), IMC_PTPERR,
	       "ptp to this host, kernel status 49 -> IMC_PTPERR");
	tap_eq(fake_imc.mmap_calls, 0, "no refused attach mapped anything");
}

static void test_ptp_request(void)
{
	caddr_t a = NULL;

	fake_imc_reset();
	tap_eq(imc_asattach_ptp(7, IMC_NONSHARED, 0, "bravo", &a), IMC_SUCCESS,
	       "ptp attach to bravo -> IMC_SUCCESS");
	tap_check(fake_imc.last_asattach.id == 7 &&
		  fake_imc.last_asattach.dir == RSM_IMC_DIR_PTP &&
		  fake_imc.last_asattach.mode == RSM_IMC_NONSHARED &&
		  fake_imc.last_asattach.flags == 0 &&
		  strcmp(fake_imc.last_asattach.host, "bravo") == 0,
		  "request: RSM_IMC_DIR_PTP, RSM_IMC_NONSHARED, flags 0, \"bravo\"");
	tap_eq(fake_imc.last_mmap.prot, PROT_READ | PROT_WRITE,
	       "ptp: PROT_READ|PROT_WRITE");
	tap_check(a != NULL && a == fake_imc.last_mmap.result,
		  "*address is the ptp mapping");
	imc_asdetach(7);
}

static void test_detach(void)
{
	caddr_t tx = fix_attach(7, IMC_TRANSMIT, 0);
	caddr_t rx = fix_attach(7, IMC_RECEIVE, 0);

	fake_imc_reset();
	tap_eq(imc_asdetach(0), IMC_BADPARM, "asdetach(0) -> IMC_BADPARM");
	tap_eq(imc_asdetach(-2), IMC_BADPARM, "asdetach(-2) -> IMC_BADPARM");
	tap_eq(fake_imc.ioctl_calls, 0, "refused asdetach: no request");

	fake_imc.fail_code = 20;
	tap_eq(imc_asdetach(7), IMC_BADREGION,
	       "kernel status 20 -> IMC_BADREGION");
	tap_check(fake_imc.munmap_calls == 0 && is_mapped(tx) && is_mapped(rx),
		  "refused detach: the mappings stay");

	fake_imc_reset();
	tap_eq(imc_asdetach(7), IMC_SUCCESS, "asdetach(7) -> IMC_SUCCESS");
	tap_check(fake_imc.asdetach_calls == 1 &&
		  fake_imc.last_asdetach.id == 7 &&
		  fake_imc.last_asdetach.dirs == 0,
		  "RSM_IOC_IMC_ASDETACH of id 7, dirs 0 (both)");
	tap_eq(fake_imc.munmap_calls, 2, "both mappings unmapped");
	tap_eq(fake_imc.last_munmap_len, fake_imc.attach_size,
	       "unmapped with the mapping's size");
	tap_check(!is_mapped(tx) && !is_mapped(rx),
		  "the transmit and receive addresses are gone");
	tap_check(fake_imc.munmap_seq > fake_imc.asdetach_seq,
		  "unmapped after the kernel detached (pending data sent)");

	fake_imc_reset();
	tap_eq(imc_asdetach(7), IMC_SUCCESS,
	       "asdetach of a region not attached -> IMC_SUCCESS");
	tap_eq(fake_imc.munmap_calls, 0, "nothing attached: nothing unmapped");
}

int main(void)
{
	fix_start();
	test_asattach_argument_checks();
	test_ptp_argument_checks();
	test_attach_transmit();
	test_attach_receive();
	test_rxptr_overlap();
	test_mmap_failure_undo();
	test_rxptr_elsewhere();
	test_kernel_errors();
	test_ptp_request();
	test_detach();
	return tap_finish();
}
