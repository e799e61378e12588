// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * imc_rderrcnt_mr(), imc_ckerrcnt_mr(), imc_rderrcnt() and imc_ckerrcnt()
 * against the stand-in /dev/rsm (spec 3.9, checks 37-40, 42): argument
 * checks before any request, the RSM_IOC_IMC_ERRCNT request, and the
 * count that comes back with IMC_SUCCESS, with IMC_MC_ERROR and while
 * the rails recover.
 */
#include <errno.h>

#include "imc_fixture.h"

static void test_argument_checks(void)
{
	int n = 5;

	fake_imc_reset();
	tap_eq(imc_rderrcnt_mr(-1), IMC_BADRAIL,
	       "check 42: rderrcnt_mr(-1) -> IMC_BADRAIL");
	tap_eq(imc_rderrcnt_mr(IMC_MAXRAILS), IMC_BADRAIL,
	       "rderrcnt_mr(IMC_MAXRAILS) -> IMC_BADRAIL");
	tap_eq(imc_ckerrcnt_mr(&n, -1), IMC_BADRAIL,
	       "ckerrcnt_mr(&n, -1) -> IMC_BADRAIL");
	tap_eq(imc_ckerrcnt_mr(&n, IMC_MAXRAILS), IMC_BADRAIL,
	       "check 42: ckerrcnt_mr(&n, IMC_MAXRAILS) -> IMC_BADRAIL");
	tap_eq(n, 5, "refused ckerrcnt_mr leaves *errcnt as it was");
	tap_eq(imc_ckerrcnt_mr(NULL, 0), IMC_BADPARM,
	       "ckerrcnt_mr(NULL, 0) -> IMC_BADPARM");
	tap_eq(imc_ckerrcnt(NULL), IMC_BADPARM, "ckerrcnt(NULL) -> IMC_BADPARM");
	tap_eq(fake_imc.ioctl_calls, 0, "refused arguments: no request");
}

static void test_rderrcnt_mr(void)
{
	fake_imc_reset();
	fake_imc.errcnt_count = 17;
	tap_eq(imc_rderrcnt_mr(2), 17, "check 37: rderrcnt_mr(2) -> the count 17");
	tap_eq(fake_imc.errcnt_calls, 1, "one RSM_IOC_IMC_ERRCNT");
	tap_check(fake_imc.last_errcnt.rail == 2 &&
		  fake_imc.last_errcnt.check == 0,
		  "request: rail 2, check 0");
	tap_eq(imc_rderrcnt_mr(IMC_MAXRAILS - 1), 17,
	       "rderrcnt_mr(IMC_MAXRAILS - 1) reaches the kernel");

	fake_imc.errcnt_count = -6;
	tap_eq(imc_rderrcnt_mr(0), -6,
	       "check 40: a negative count (recovering) is passed through");
	fake_imc.fail_code = 57;
	tap_eq(imc_rderrcnt_mr(3), IMC_BADRAIL,
	       "kernel status 57 (no such rail) -> IMC_BADRAIL");
	fake_imc.fail_errno = EINTR;
	tap_eq(imc_rderrcnt_mr(0), IMC_INTR, "rderrcnt_mr: errno EINTR -> IMC_INTR");
	fake_imc_defaults();
}

static void test_ckerrcnt_mr(void)
{
	int n = 5;

	fake_imc_reset();
	fake_imc.errcnt_count = 5;
	tap_eq(imc_ckerrcnt_mr(&n, 1), IMC_SUCCESS,
	       "check 38: ckerrcnt_mr with the current count -> IMC_SUCCESS");
	tap_check(fake_imc.last_errcnt.rail == 1 &&
		  fake_imc.last_errcnt.check == 1 &&
		  fake_imc.last_errcnt.count == 5,
		  "request: rail 1, check 1, count 5 in");
	tap_eq(n, 5, "check 38: *errcnt unchanged at 5");

	fake_imc.errcnt_count = 9;
	fake_imc.errcnt_code = 24;
	tap_eq(imc_ckerrcnt_mr(&n, 1), IMC_MC_ERROR,
	       "check 39: kernel status 24 -> IMC_MC_ERROR");
	tap_eq(n, 9, "check 39: IMC_MC_ERROR: *errcnt updated to 9");

	fake_imc.errcnt_count = -10;
	tap_eq(imc_ckerrcnt_mr(&n, 0), IMC_MC_ERROR,
	       "check 40: recovering -> IMC_MC_ERROR");
	tap_eq(n, -10, "check 40: the negative count stored in *errcnt");
	fake_imc.errcnt_count = 12;
	fake_imc.errcnt_code = 0;
	n = 12;
	tap_eq(imc_ckerrcnt_mr(&n, 0), IMC_SUCCESS,
	       "after recovery, with the new count -> IMC_SUCCESS");

	fake_imc.fail_errno = EINTR;
	tap_eq(imc_ckerrcnt_mr(&n, 0), IMC_INTR,
	       "ckerrcnt_mr: errno EINTR -> IMC_INTR");
	fake_imc.fail_code = 40;
	tap_eq(imc_ckerrcnt_mr(&n, 0), IMC_INITERR,
	       "ckerrcnt_mr: kernel status 40 -> IMC_INITERR");
	tap_eq(n, 12, "other errors leave *errcnt as it was");
	fake_imc_defaults();
}

static void test_legacy(void)
{
	int n = 3;

	fake_imc_reset();
	fake_imc.errcnt_count = 21;
	tap_eq(imc_rderrcnt(), 21, "rderrcnt() -> the summed count 21");
	tap_check(fake_imc.last_errcnt.rail == RSM_IMC_ALL_RAILS &&
		  fake_imc.last_errcnt.check == 0,
		  "rderrcnt: rail 0xffffffff (all rails), check 0");
	fake_imc.errcnt_count = -2;
	tap_eq(imc_rderrcnt(), -2, "rderrcnt: a negative sum is passed through");

	fake_imc.errcnt_count = 3;
	tap_eq(imc_ckerrcnt(&n), IMC_SUCCESS, "ckerrcnt(&3) -> IMC_SUCCESS");
	tap_check(fake_imc.last_errcnt.rail == RSM_IMC_ALL_RAILS &&
		  fake_imc.last_errcnt.check == 1 &&
		  fake_imc.last_errcnt.count == 3,
		  "ckerrcnt: rail 0xffffffff, check 1, count 3 in");
	fake_imc.errcnt_count = 4;
	fake_imc.errcnt_code = 24;
	tap_eq(imc_ckerrcnt(&n), IMC_MC_ERROR,
	       "ckerrcnt: kernel status 24 -> IMC_MC_ERROR");
	tap_eq(n, 4, "ckerrcnt: IMC_MC_ERROR: *errcnt updated to 4");
	tap_eq(fake_imc.errcnt_calls, 4, "one RSM_IOC_IMC_ERRCNT a call");
	fake_imc_defaults();
}

int main(void)
{
	fix_start();
	test_argument_checks();
	test_rderrcnt_mr();
	test_ckerrcnt_mr();
	test_legacy();
	return tap_finish();
}
