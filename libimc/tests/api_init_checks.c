// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * imc_api_init() against the stand-in /dev/rsm: every call of a process
 * that has not initialized returns IMC_NOTINIT without a request (spec
 * check 1), a device that does not open (IMC_OPENERR), a host that is no
 * member (check 1), RSM_DEVICE, success (check 2) and a second call, and
 * a child after fork() (spec 3.1).
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/wait.h>

#include "imc_fixture.h"

static bool fd_is_open(int fd)
{
	return fd >= 0 && fcntl(fd, F_GETFD) >= 0;
}

static void test_calls_before_init(void)
{
	imc_infoType items[] = { IMC_GET_NRAILS, 0 };
	imc_eventType ev[] = { IMC_CC_EVENT_RAIL };
	imc_railinfo rails = 0x3;
	unsigned int nrails = 0;
	imc_asid_t id = 0;
	caddr_t a = NULL;
	int n = 0;

	tap_eq(imc_getclusterinfo(items, 1, (char *)&nrails,
				  (int)sizeof(nrails)), IMC_NOTINIT,
	       "uninitialized: imc_getclusterinfo -> IMC_NOTINIT");
	tap_eq(imc_wait_cluster_event(ev, 1, 0, &rails, sizeof(rails)),
	       IMC_NOTINIT, "uninitialized: imc_wait_cluster_event -> IMC_NOTINIT");
	tap_eq(imc_asalloc(1, 8192, IMC_URW, 0, &id, 0), IMC_NOTINIT,
	       "check 1: uninitialized: imc_asalloc -> IMC_NOTINIT");
	tap_eq(imc_asdealloc(1), IMC_NOTINIT,
	       "uninitialized: imc_asdealloc -> IMC_NOTINIT");
	tap_eq(imc_asattach(1, IMC_TRANSMIT, IMC_SHARED, 0, &a), IMC_NOTINIT,
	       "uninitialized: imc_asattach -> IMC_NOTINIT");
	tap_eq(imc_asattach_ptp(1, IMC_SHARED, 0, "bravo", &a), IMC_NOTINIT,
	       "uninitialized: imc_asattach_ptp -> IMC_NOTINIT");
	tap_eq(imc_asdetach(1), IMC_NOTINIT,
	       "uninitialized: imc_asdetach -> IMC_NOTINIT");
	tap_eq(imc_flush(0), IMC_NOTINIT,
	       "uninitialized: imc_flush -> IMC_NOTINIT");
	tap_eq(imc_rderrcnt_mr(0), IMC_NOTINIT,
	       "uninitialized: imc_rderrcnt_mr -> IMC_NOTINIT");
	tap_eq(imc_ckerrcnt_mr(&n, 0), IMC_NOTINIT,
	       "uninitialized: imc_ckerrcnt_mr -> IMC_NOTINIT");
	tap_eq(imc_rderrcnt(), IMC_NOTINIT,
	       "uninitialized: imc_rderrcnt -> IMC_NOTINIT");
	tap_eq(imc_ckerrcnt(&n), IMC_NOTINIT,
	       "uninitialized: imc_ckerrcnt -> IMC_NOTINIT");
	tap_check(id == 0 && a == NULL && n == 0 && nrails == 0,
		  "uninitialized calls write no output");
	tap_eq(fake_imc.open_calls, 0, "uninitialized calls open no device");
	tap_eq(fake_imc.ioctl_calls, 0, "uninitialized calls make no request");
}

static void test_bcopy_before_init(void)
{
	char src[16] = "fifteen bytes!!", dst[16] = { 0 };

	tap_eq(imc_bcopy(src, dst, 16, 0, 0), 0,
	       "uninitialized: imc_bcopy -> 0");
	tap_check(memcmp(src, dst, 16) == 0,
		  "uninitialized: imc_bcopy is a plain copy");
	tap_eq(fake_imc.ioctl_calls, 0, "uninitialized imc_bcopy: no request");
}

static void test_open_fails(void)
{
	fake_imc_reset();
	fake_imc.present = false;
	tap_eq(imc_api_init(NULL), IMC_OPENERR,
	       "device does not open: imc_api_init -> IMC_OPENERR");
	tap_eq(fake_imc.open_calls, 1, "imc_api_init tried to open the device");
	tap_check(strcmp(fake_imc.open_path, RSM_DEVICE_PATH) == 0,
		  "imc_api_init opens " RSM_DEVICE_PATH " by default");
	tap_eq(imc_flush(0), IMC_NOTINIT,
	       "after the failed imc_api_init: imc_flush -> IMC_NOTINIT");
	fake_imc.present = true;
}

static void test_not_member(void)
{
	imc_asid_t id = 0;

	fake_imc_reset();
	fake_imc.info.member = 0;
	tap_eq(imc_api_init(NULL), IMC_NOTINIT,
	       "check 1: host not a member: imc_api_init -> IMC_NOTINIT");
	tap_eq(fake_imc.info_calls, 1, "imc_api_init asked RSM_IOC_IMC_INFO");
	tap_check(!fd_is_open(fake_imc.dev_fd),
		  "not a member: the device descriptor is closed again");
	tap_eq(imc_asalloc(1, 8192, IMC_URW, 0, &id, 0), IMC_NOTINIT,
	       "check 1: not a member: imc_asalloc -> IMC_NOTINIT");
	fake_imc.info.member = 1;
}

static void test_info_fails(void)
{
	fake_imc_reset();
	fake_imc.fail_request = RSM_IOC_IMC_INFO;
	fake_imc.fail_errno = ENOMEM;
	tap_eq(imc_api_init(NULL), IMC_NOMEM,
	       "RSM_IOC_IMC_INFO fails with ENOMEM: imc_api_init -> IMC_NOMEM");
	tap_check(!fd_is_open(fake_imc.dev_fd),
		  "failed INFO: the device descriptor is closed again");
	fake_imc.fail_request = RSM_IOC_IMC_INFO;
	fake_imc.fail_errno = EIO;
	tap_check(imc_api_init(NULL) < 0,
		  "RSM_IOC_IMC_INFO fails with EIO: imc_api_init fails");
	tap_eq(imc_flush(0), IMC_NOTINIT,
	       "after the failed INFO: imc_flush -> IMC_NOTINIT");
}

static void test_device_override(void)
{
	fake_imc_reset();
	fake_imc.info.member = 0;	/* stay uninitialized */
	setenv("RSM_DEVICE", "/dev/rsm-other", 1);
	imc_api_init(NULL);
	tap_check(strcmp(fake_imc.open_path, "/dev/rsm-other") == 0,
		  "RSM_DEVICE names the device imc_api_init opens");
	setenv("RSM_DEVICE", "", 1);
	imc_api_init(NULL);
	tap_check(strcmp(fake_imc.open_path, RSM_DEVICE_PATH) == 0,
		  "empty RSM_DEVICE: " RSM_DEVICE_PATH " again");
	unsetenv("RSM_DEVICE");
	fake_imc.info.member = 1;
}

static void test_init_succeeds(void)
{
	int fd;

	fake_imc_reset();
	tap_eq(imc_api_init(NULL), IMC_SUCCESS,
	       "check 2: member host: imc_api_init -> IMC_SUCCESS");
	fd = fake_imc.dev_fd;
	tap_eq(fake_imc.open_flags & (O_ACCMODE | O_CLOEXEC),
	       O_RDWR | O_CLOEXEC, "device opened read/write, close-on-exec");
	tap_check(fd_is_open(fd) && (fcntl(fd, F_GETFD) & FD_CLOEXEC),
		  "the device descriptor stays open, close-on-exec");
	tap_eq(imc_api_init(NULL), IMC_SUCCESS,
	       "second imc_api_init -> IMC_SUCCESS");
	tap_eq(fake_imc.open_calls, 1, "second imc_api_init opens nothing");
	tap_eq(imc_flush(0), IMC_SUCCESS, "initialized: imc_flush -> IMC_SUCCESS");
	tap_eq(fake_imc.last_fd, fd, "requests go to the descriptor opened");
}

/* In the child: what the calls before and after imc_api_init() do. */
struct child_report {
	int flush_before;
	int ioctls_before;
	int parent_fd_open;
	int init;
	int opens;
	int flush_after;
	int flush_after_fd_ok;
};

static void child_run(int wfd, int parent_fd)
{
	struct child_report r;
	int ioctls = fake_imc.ioctl_calls, opens = fake_imc.open_calls;

	r.parent_fd_open = fd_is_open(parent_fd);
	r.flush_before = imc_flush(0);
	r.ioctls_before = fake_imc.ioctl_calls - ioctls;
	r.init = imc_api_init(NULL);
	r.opens = fake_imc.open_calls - opens;
	r.flush_after = imc_flush(0);
	r.flush_after_fd_ok = fake_imc.last_fd == fake_imc.dev_fd;
	if (write(wfd, &r, sizeof(r)) != (ssize_t)sizeof(r))
		_exit(2);
	_exit(0);
}

static void test_fork_child(void)
{
	struct child_report r;
	int p[2], status = -1, parent_fd = fake_imc.dev_fd;
	bool got = false;
	pid_t pid;

	if (!tap_check(pipe(p) == 0, "pipe for the child's report"))
		return;
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		child_run(p[1], parent_fd);
	}
	close(p[1]);
	if (pid > 0) {
		got = read(p[0], &r, sizeof(r)) == (ssize_t)sizeof(r);
		waitpid(pid, &status, 0);
	}
	close(p[0]);
	if (!tap_check(got && WIFEXITED(status) && WEXITSTATUS(status) == 0,
		       "forked child reported"))
		return;
	tap_check(!r.parent_fd_open,
		  "fork child: the parent's descriptor is closed in the child");
	tap_eq(r.flush_before, IMC_NOTINIT,
	       "fork child: imc_flush before imc_api_init -> IMC_NOTINIT");
	tap_eq(r.ioctls_before, 0, "fork child: no request before imc_api_init");
	tap_eq(r.init, IMC_SUCCESS, "fork child: imc_api_init -> IMC_SUCCESS");
	tap_eq(r.opens, 1, "fork child: imc_api_init opens its own descriptor");
	tap_eq(r.flush_after, IMC_SUCCESS,
	       "fork child: imc_flush after imc_api_init -> IMC_SUCCESS");
	tap_check(r.flush_after_fd_ok,
		  "fork child: requests go to the child's descriptor");
	fake_imc_reset();
	tap_eq(imc_flush(0), IMC_SUCCESS,
	       "parent after fork: imc_flush -> IMC_SUCCESS");
	tap_eq(fake_imc.last_fd, parent_fd,
	       "parent after fork: requests go to its descriptor");
}

int main(void)
{
	fix_start_uninit();
	test_calls_before_init();
	test_bcopy_before_init();
	test_open_fails();
	test_not_member();
	test_info_fails();
	test_device_override();
	test_init_succeeds();
	test_fork_child();
	return tap_finish();
}
