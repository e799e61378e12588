// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * imc_kill() against the stand-in /dev/rsm (spec 3.15, checks 56-60):
 * argument checks before any request, the RSM_IOC_IMC_KILL request as
 * sent, and the kernel's statuses passed through.
 */
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>

#include "imc_fixture.h"

static void test_argument_checks(void)
{
	char long_name[IMC_MAXHOSTNAMELEN + 1];

	fake_imc_reset();
	memset(long_name, 'h', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	tap_eq(imc_kill(NULL, 5, SIGUSR1), IMC_BADPARM,
	       "hostname NULL -> IMC_BADPARM");
	tap_eq(imc_kill("node2", 0, SIGUSR1), IMC_BADPARM,
	       "check 57: pid 0 -> IMC_BADPARM");
	tap_eq(imc_kill("node2", -5, SIGUSR1), IMC_BADPARM,
	       "check 57: pid -5 -> IMC_BADPARM");
	tap_eq(imc_kill("", 5, SIGUSR1), IMC_BADHOST,
	       "empty host name -> IMC_BADHOST");
	tap_eq(imc_kill(long_name, 5, SIGUSR1), IMC_BADHOST,
	       "a name longer than any host's -> IMC_BADHOST");
	tap_eq(fake_imc.ioctl_calls, 0, "refused arguments: no request");
}

static void test_request(void)
{
	fake_imc_reset();
	tap_eq(imc_kill("node2", 1234, SIGUSR1), IMC_SUCCESS,
	       "check 56: kill(node2, 1234, SIGUSR1) -> IMC_SUCCESS");
	tap_eq(fake_imc.kill_calls, 1, "one RSM_IOC_IMC_KILL");
	tap_check(!strcmp(fake_imc.last_kill.host, "node2") &&
		  fake_imc.last_kill.pid == 1234 &&
		  fake_imc.last_kill.sig == SIGUSR1,
		  "request: host node2, pid 1234, SIGUSR1");
	/* the kernel decides the rest: its statuses come back as they are */
	fake_imc.fail_code = 27;
	tap_eq(imc_kill("node2", 1, SIGSTOP), IMC_EINVAL,
	       "check 58: kernel status 27 -> IMC_EINVAL");
	fake_imc.fail_code = 28;
	tap_eq(imc_kill("node2", 99999, 0), IMC_ESRCH,
	       "check 59: kernel status 28 -> IMC_ESRCH");
	fake_imc.fail_code = 31;
	tap_eq(imc_kill("node2", 1, SIGUSR1), IMC_EPERM,
	       "check 59: kernel status 31 -> IMC_EPERM");
	fake_imc.fail_code = 32;
	tap_eq(imc_kill("node2", 5, SIGUSR1), IMC_NOROOT,
	       "check 60: kernel status 32 -> IMC_NOROOT");
	fake_imc.fail_code = 39;
	tap_eq(imc_kill("nohost", 5, SIGUSR1), IMC_BADHOST,
	       "check 60: kernel status 39 -> IMC_BADHOST");
	fake_imc.fail_errno = EINTR;
	tap_eq(imc_kill("node2", 5, SIGUSR1), IMC_INTR,
	       "errno EINTR -> IMC_INTR");
	fake_imc_defaults();
}

static void test_not_initialized(void)
{
	pid_t pid = fork();
	int status = 0;

	if (pid == 0)	/* a child has not called imc_api_init() */
		_exit(imc_kill("node2", 5, SIGUSR1) == IMC_NOTINIT ? 0 : 1);
	tap_check(pid > 0 && waitpid(pid, &status, 0) == pid &&
		  WIFEXITED(status) && !WEXITSTATUS(status),
		  "a process without imc_api_init() -> IMC_NOTINIT");
}

int main(void)
{
	fix_start();
	test_argument_checks();
	test_request();
	test_not_initialized();
	return tap_finish();
}
