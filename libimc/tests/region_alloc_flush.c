// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * imc_asalloc(), imc_asdealloc() and imc_flush() against the stand-in
 * /dev/rsm (spec 3.4, 3.8, checks 7, 9, 15, 16): argument checks before
 * any request, the request the kernel sees, and how kernel statuses and
 * errno values come back.
 */
#include <errno.h>

#include "imc_fixture.h"

#define SENTINEL_ID 4242

static void test_asalloc_argument_checks(void)
{
	imc_asid_t id = SENTINEL_ID;

	tap_eq(imc_asalloc(1, 8192, IMC_URW, 0, NULL, 0), IMC_BADPARM,
	       "asalloc: id NULL -> IMC_BADPARM");
	tap_eq(imc_asalloc(1, 8192, IMC_URW, 2, &id, 0), IMC_BADPARM,
	       "asalloc: flag 2 -> IMC_BADPARM");
	tap_eq(imc_asalloc(1, 8192, IMC_URW, IMC_COHERENT | 4, &id, 0),
	       IMC_BADPARM, "asalloc: flag IMC_COHERENT|4 -> IMC_BADPARM");
	tap_eq(imc_asalloc(1, 8192, 0700, 0, &id, 0), IMC_BADPARM,
	       "asalloc: perm 0700 (owner execute) -> IMC_BADPARM");
	tap_eq(imc_asalloc(1, 8192, 0667, 0, &id, 0), IMC_BADPARM,
	       "asalloc: perm 0667 (other execute) -> IMC_BADPARM");
	tap_eq(imc_asalloc(1, 8192, 01600, 0, &id, 0), IMC_BADPARM,
	       "asalloc: perm with a bit above 0777 -> IMC_BADPARM");
	tap_eq(imc_asalloc(1, 8192, IMC_URW, 0, &id, -1), IMC_BADRAIL,
	       "check 9: asalloc rail -1 -> IMC_BADRAIL");
	tap_eq(imc_asalloc(1, 8192, IMC_URW, 0, &id, IMC_MAXRAILS),
	       IMC_BADRAIL, "check 9: asalloc rail IMC_MAXRAILS -> IMC_BADRAIL");
	tap_eq(id, SENTINEL_ID, "refused asalloc leaves *id as it was");
	tap_eq(fake_imc.ioctl_calls, 0, "refused asalloc arguments: no request");
}

static void test_asalloc_request(void)
{
	imc_asid_t id = SENTINEL_ID;

	fake_imc_reset();
	fake_imc.asalloc_id = 31;
	tap_eq(imc_asalloc(0x12345678, 10000, IMC_URW | IMC_GR | IMC_OR,
			   IMC_COHERENT, &id, IMC_MAXRAILS - 1), IMC_SUCCESS,
	       "check 7: asalloc -> IMC_SUCCESS");
	tap_eq(fake_imc.asalloc_calls, 1, "one RSM_IOC_IMC_ASALLOC");
	tap_eq(fake_imc.last_fd, fake_imc.dev_fd, "sent on the device descriptor");
	tap_eq(fake_imc.last_asalloc.key, 0x12345678, "the kernel sees the key");
	tap_eq(fake_imc.last_asalloc.size, 10000, "the kernel sees the size");
	tap_eq(fake_imc.last_asalloc.perm, 0644, "the kernel sees the perm");
	tap_eq(fake_imc.last_asalloc.flags, IMC_COHERENT,
	       "the kernel sees IMC_COHERENT");
	tap_eq(fake_imc.last_asalloc.rail, IMC_MAXRAILS - 1,
	       "the kernel sees the rail");
	tap_eq(id, 31, "*id is the kernel's id");

	tap_eq(imc_asalloc(-2, 1ULL << 40, 0, 0, &id, 0), IMC_SUCCESS,
	       "asalloc with a negative key, perm 0, flag 0 -> IMC_SUCCESS");
	tap_eq(fake_imc.last_asalloc.key, 0xfffffffe,
	       "the key travels as its 32 bits");
	tap_eq(fake_imc.last_asalloc.size, 1ULL << 40,
	       "the size travels unchanged (the kernel judges it)");
	tap_check(fake_imc.last_asalloc.perm == 0 &&
		  fake_imc.last_asalloc.flags == 0 &&
		  fake_imc.last_asalloc.rail == 0, "perm 0, flag 0, rail 0 sent");
	fake_imc_defaults();
}

static void test_asalloc_kernel_errors(void)
{
	imc_asid_t id = SENTINEL_ID;

	fake_imc.fail_code = 10;
	tap_eq(imc_asalloc(1, 8192, IMC_URW, 0, &id, 0), IMC_PERMIT,
	       "kernel status 10 -> IMC_PERMIT (-10)");
	tap_eq(id, SENTINEL_ID, "failed asalloc leaves *id as it was");
	fake_imc.fail_code = 12;
	tap_eq(imc_asalloc(1, 8192, IMC_URW, 0, &id, 0), IMC_PRIOR,
	       "kernel status 12 -> IMC_PRIOR (-12)");
	fake_imc.fail_code = 57;
	tap_eq(imc_asalloc(1, 8192, IMC_URW, 0, &id, 1), IMC_BADRAIL,
	       "kernel status 57 (no such rail here) -> IMC_BADRAIL");
	fake_imc.fail_errno = ENOMEM;
	tap_eq(imc_asalloc(1, 8192, IMC_URW, 0, &id, 0), IMC_NOMEM,
	       "errno ENOMEM -> IMC_NOMEM");
	fake_imc.fail_errno = EINTR;
	tap_eq(imc_asalloc(1, 8192, IMC_URW, 0, &id, 0), IMC_INTR,
	       "errno EINTR -> IMC_INTR");
	fake_imc.fail_errno = EIO;
	tap_check(imc_asalloc(1, 8192, IMC_URW, 0, &id, 0) < 0,
		  "errno EIO -> an error");
	tap_eq(id, SENTINEL_ID, "no failed asalloc wrote *id");
}

static void test_asdealloc(void)
{
	fake_imc_reset();
	tap_eq(imc_asdealloc(0), IMC_BADPARM, "asdealloc(0) -> IMC_BADPARM");
	tap_eq(imc_asdealloc(-3), IMC_BADPARM, "asdealloc(-3) -> IMC_BADPARM");
	tap_eq(fake_imc.ioctl_calls, 0, "refused asdealloc: no request");
	tap_eq(imc_asdealloc(7), IMC_SUCCESS, "check 15: asdealloc(7) -> OK");
	tap_eq(fake_imc.asdealloc_calls, 1, "one RSM_IOC_IMC_ASDEALLOC");
	tap_eq(fake_imc.last_asdealloc.id, 7, "the kernel sees id 7");
	fake_imc.fail_code = 4;
	tap_eq(imc_asdealloc(7), IMC_ATTACHED,
	       "check 15: kernel status 4 -> IMC_ATTACHED");
	fake_imc.fail_code = 20;
	tap_eq(imc_asdealloc(99), IMC_BADREGION,
	       "check 16: kernel status 20 -> IMC_BADREGION");
	fake_imc.fail_errno = EINTR;
	tap_eq(imc_asdealloc(7), IMC_INTR, "asdealloc: errno EINTR -> IMC_INTR");
}

static void test_flush(void)
{
	fake_imc_reset();
	tap_eq(imc_flush(-1), IMC_BADPARM, "flush(-1) -> IMC_BADPARM");
	tap_eq(fake_imc.ioctl_calls, 0, "flush(-1): no request");
	tap_eq(imc_flush(0), IMC_SUCCESS, "flush(0) -> IMC_SUCCESS");
	tap_eq(fake_imc.last_request, RSM_IOC_IMC_FLUSH, "flush: RSM_IOC_IMC_FLUSH");
	tap_eq(fake_imc.last_flush.id, 0, "flush(0): the kernel sees id 0 (all)");
	tap_eq(fake_imc.last_flush.dirs, 0, "flush: dirs 0, as the kernel wants");
	tap_eq(imc_flush(7), IMC_SUCCESS, "flush(7) -> IMC_SUCCESS");
	tap_eq(fake_imc.last_flush.id, 7, "flush(7): the kernel sees id 7");
	tap_eq(fake_imc.flush_calls, 2, "one RSM_IOC_IMC_FLUSH a call");
	fake_imc.fail_code = 20;
	tap_eq(imc_flush(8), IMC_BADREGION,
	       "flush: kernel status 20 -> IMC_BADREGION");
	fake_imc.fail_errno = ENOMEM;
	tap_eq(imc_flush(7), IMC_NOMEM, "flush: errno ENOMEM -> IMC_NOMEM");
}

int main(void)
{
	fix_start();
	test_asalloc_argument_checks();
	test_asalloc_request();
	test_asalloc_kernel_errors();
	test_asdealloc();
	test_flush();
	return tap_finish();
}
