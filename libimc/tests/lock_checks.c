// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Lock sets against the stand-in /dev/rsm (spec 3.11-3.14, checks 45,
 * 47, 48, 54): the library's own argument checks, made before any
 * request; the requests as sent; and the kernel's statuses and counts
 * passed through.
 */
#include <errno.h>
#include <sys/wait.h>

#include "imc_fixture.h"

static void test_lkalloc(void)
{
	imc_lkid_t lk = 0;
	int n = 4;

	fake_imc_reset();
	tap_eq(imc_lkalloc(1, NULL, IMC_LKU, 0, &lk), IMC_BADPARM,
	       "count NULL -> IMC_BADPARM");
	tap_eq(imc_lkalloc(1, &n, IMC_LKU, 0, NULL), IMC_BADPARM,
	       "lock NULL -> IMC_BADPARM");
	n = 0;
	tap_eq(imc_lkalloc(1, &n, IMC_LKU, 0, &lk), IMC_BADPARM,
	       "count 0 -> IMC_BADPARM");
	n = 4;
	tap_eq(imc_lkalloc(1, &n, 0700, 0, &lk), IMC_BADPARM,
	       "an execute bit in perm -> IMC_BADPARM");
	tap_eq(imc_lkalloc(1, &n, IMC_LKU, 2, &lk), IMC_BADPARM,
	       "flag 2 -> IMC_BADPARM");
	tap_eq(fake_imc.lk_calls, 0, "refused arguments: no request");

	tap_eq(imc_lkalloc(0x77, &n, IMC_LKU | IMC_LKG, IMC_CREATOR, &lk),
	       IMC_SUCCESS, "check 43: IMC_CREATOR -> IMC_SUCCESS");
	tap_check(fake_imc.last_lk_cmd == RSM_IOC_IMC_LKALLOC &&
		  fake_imc.last_lkalloc.key == 0x77 &&
		  fake_imc.last_lkalloc.count == 4 &&
		  fake_imc.last_lkalloc.perm == 0660 &&
		  fake_imc.last_lkalloc.flags == RSM_IMC_LK_CREATOR,
		  "request: key, count 4, perm 0660, the creator flag");
	tap_eq(lk, 7, "the kernel's id comes back");
	n = IMC_MAXNUMLOCKS + 1;
	tap_eq(imc_lkalloc(0x78, &n, IMC_LKU, 0, &lk), IMC_SUCCESS,
	       "check 45: count 1025 -> IMC_SUCCESS");
	tap_eq((int)fake_imc.last_lkalloc.count, IMC_MAXNUMLOCKS,
	       "check 45: asked for IMC_MAXNUMLOCKS");
	tap_eq(n, IMC_MAXNUMLOCKS, "check 45: count out is the set's");
	n = 8;
	fake_imc.lk_count = 4;
	fake_imc.lk_status = 16;
	lk = 0;
	tap_eq(imc_lkalloc(0x77, &n, IMC_LKU, 0, &lk), IMC_BADSIZE,
	       "kernel status 16 -> IMC_BADSIZE");
	tap_check(n == 4 && lk == 0,
		  "IMC_BADSIZE: count out is the set's, no id");
	fake_imc.lk_status = 3;
	tap_eq(imc_lkalloc(0x77, &n, IMC_LKU, IMC_CREATOR, &lk), IMC_EXISTS,
	       "check 44: kernel status 3 -> IMC_EXISTS");
	fake_imc_defaults();
}

static void test_lkops(void)
{
	fake_imc_reset();
	tap_eq(imc_lkacquire(7, 0, 1, IMC_LOCKWAIT), IMC_BADPARM,
	       "check 47: flag 1 -> IMC_BADPARM");
	tap_eq(imc_lkacquire(7, 0, 0, 2), IMC_BADPARM,
	       "trylock 2 -> IMC_BADPARM");
	tap_eq(imc_lkacquire(7, -1, 0, IMC_LOCKWAIT), IMC_BADLOCK,
	       "check 48: index -1 -> IMC_BADLOCK");
	tap_eq(imc_lkrelease(0, 0), IMC_BADLOCK, "lock 0 -> IMC_BADLOCK");
	tap_eq(imc_lkdealloc(-3), IMC_BADPARM,
	       "lkdealloc(-3) -> IMC_BADPARM");
	tap_eq(fake_imc.lk_calls, 0, "refused arguments: no request");

	tap_eq(imc_lkacquire(7, 3, 0, IMC_LOCKWAIT), IMC_SUCCESS,
	       "acquire WAIT -> IMC_SUCCESS");
	tap_check(fake_imc.last_lk_cmd == RSM_IOC_IMC_LKACQUIRE &&
		  fake_imc.last_lkop.id == 7 && fake_imc.last_lkop.index == 3 &&
		  fake_imc.last_lkop.wait == 1 && !fake_imc.last_lkop.flags,
		  "request: id 7, index 3, waiting");
	tap_eq(imc_lkacquire(7, 3, 0, IMC_LOCKNOWAIT), IMC_SUCCESS,
	       "acquire NOWAIT -> IMC_SUCCESS");
	tap_eq((int)fake_imc.last_lkop.wait, 0, "request: not waiting");
	fake_imc.fail_code = 5;
	tap_eq(imc_lkacquire(7, 3, 0, IMC_LOCKNOWAIT), IMC_NOLOCKGOT,
	       "check 46: kernel status 5 -> IMC_NOLOCKGOT");
	fake_imc.fail_code = 41;
	tap_eq(imc_lkacquire(7, 3, 0, IMC_LOCKWAIT), IMC_LOCKPRIOR,
	       "check 49: kernel status 41 -> IMC_LOCKPRIOR");
	fake_imc.fail_code = 45;
	tap_eq(imc_lkacquire(7, 3, 0, IMC_LOCKWAIT), IMC_INTR,
	       "kernel status 45 -> IMC_INTR");
	tap_eq(imc_lkrelease(7, 3), IMC_SUCCESS, "release -> IMC_SUCCESS");
	tap_check(fake_imc.last_lk_cmd == RSM_IOC_IMC_LKRELEASE &&
		  fake_imc.last_lkop.index == 3, "request: release index 3");
	fake_imc.fail_code = 23;
	tap_eq(imc_lkrelease(7, 3), IMC_LOCKNOTHELD,
	       "check 50: kernel status 23 -> IMC_LOCKNOTHELD");
	fake_imc.fail_code = 13;
	tap_eq(imc_lkdealloc(7), IMC_LOCKACTIVE,
	       "check 54: kernel status 13 -> IMC_LOCKACTIVE");
	tap_eq(imc_lkdealloc(7), IMC_SUCCESS, "lkdealloc -> IMC_SUCCESS");
	tap_check(fake_imc.last_lk_cmd == RSM_IOC_IMC_LKDEALLOC &&
		  fake_imc.last_lkop.id == 7, "request: dealloc id 7");
	fake_imc_defaults();
}

static void test_not_initialized(void)
{
	pid_t pid = fork();
	int status = 0, n = 1;
	imc_lkid_t lk;

	if (pid == 0)	/* a child has not called imc_api_init() */
		_exit(imc_lkalloc(1, &n, IMC_LKU, 0, &lk) == IMC_NOTINIT &&
		      imc_lkacquire(7, 0, 0, IMC_LOCKWAIT) == IMC_NOTINIT &&
		      imc_lkrelease(7, 0) == IMC_NOTINIT &&
		      imc_lkdealloc(7) == IMC_NOTINIT ? 0 : 1);
	tap_check(pid > 0 && waitpid(pid, &status, 0) == pid &&
		  WIFEXITED(status) && !WEXITSTATUS(status),
		  "a process without imc_api_init() -> IMC_NOTINIT, all four");
}

int main(void)
{
	fix_start();
	test_lkalloc();
	test_lkops();
	test_not_initialized();
	return tap_finish();
}
