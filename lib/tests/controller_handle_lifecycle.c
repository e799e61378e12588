// SPDX-License-Identifier: BSD-2-Clause
/*
 * Controller handles against a stand-in /dev/rsm (fake_rsm_device.c):
 * spec checks 1-6, lazy opening of the control descriptor (and retrying
 * after /dev/rsm appears), name aliases, attribute caching, reference
 * counting, stale handles (A9/A10) and ioctl error translation.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "fake_rsm_device.h"
#include "rsm_internal.h"
#include "tap.h"

static void test_without_device(void)
{
	rsmapi_controller_handle_t h = (void *)&h;

	tap_eq(rsm_get_controller("loopback", &h), RSMERR_CTLR_NOT_PRESENT,
	       "no /dev/rsm: get_controller -> RSMERR_CTLR_NOT_PRESENT");
	tap_check(h == (void *)&h, "no /dev/rsm: handle left untouched");
	tap_eq(rsm_get_controller(NULL, &h), RSMERR_CTLR_NOT_PRESENT,
	       "no /dev/rsm: get_controller(NULL) -> RSMERR_CTLR_NOT_PRESENT");
}

/* The first successful open: stdin closed, so the device lands on fd 0. */
static void test_device_appears(void)
{
	rsmapi_controller_handle_t h1, h2;
	int opens = fake_rsm.open_calls;

	close(0);
	fake_rsm.present = true;
	tap_eq(rsm_get_controller("loopback", &h1), RSM_SUCCESS,
	       "/dev/rsm appears later: get_controller succeeds");
	tap_eq(fake_rsm.open_calls, opens + 1, "failed open was retried");
	tap_eq(fake_rsm.open_flags & (O_ACCMODE | O_CLOEXEC),
	       O_RDONLY | O_CLOEXEC, "opened read-only, close-on-exec");
	tap_check(fake_rsm.last_fd >= 3, "control descriptor moved to fd >= 3");
	tap_check(fcntl(fake_rsm.last_fd, F_GETFD) & FD_CLOEXEC,
		  "moved descriptor is close-on-exec");
	tap_check(fcntl(0, F_GETFD) < 0 && errno == EBADF,
		  "descriptor 0 given back");
	tap_eq(rsm_get_controller("loopback", &h2), RSM_SUCCESS,
	       "second get_controller");
	tap_eq(fake_rsm.open_calls, opens + 1, "device opened only once");
	rsm_release_controller(h1);
	rsm_release_controller(h2);
}

/* Checks 1, 2, 3, 4 and the loopback aliases of A25. */
static void test_get_and_release(void)
{
	rsmapi_controller_handle_t h1, h2, h3, h = NULL;
	int calls;

	tap_eq(rsm_get_controller("loopback", &h1), RSM_SUCCESS, "check 1: get");
	calls = fake_rsm.attr_calls;
	tap_eq(rsm_get_controller("loopback", &h2), RSM_SUCCESS,
	       "check 1: get again");
	tap_check(h1 == h2, "check 1: same handle");
	tap_eq(fake_rsm.attr_calls, calls, "open handle: kernel not asked again");
	tap_eq(rsm_release_controller(h1), RSM_SUCCESS, "check 1: release");
	tap_eq(rsm_release_controller(h1), RSM_SUCCESS, "check 1: release again");
	tap_eq(rsm_release_controller(h1), RSMERR_BAD_CTLR_HNDL,
	       "release beyond the count -> RSMERR_BAD_CTLR_HNDL");

	tap_eq(rsm_get_controller("loopback", &h1), RSM_SUCCESS, "get loopback");
	tap_eq(rsm_get_controller(NULL, &h2), RSM_SUCCESS, "check 2: get NULL");
	tap_check(h1 == h2, "check 2: NULL is the loopback controller");
	tap_eq(rsm_get_controller("LoopBack7", &h3), RSM_SUCCESS,
	       "get \"LoopBack7\"");
	tap_check(h3 == h1, "\"LoopBack7\" is the loopback controller");
	tap_check(strcmp(fake_rsm.last_name, "loopback") == 0,
		  "kernel asked for \"loopback\"");
	rsm_release_controller(h1);
	rsm_release_controller(h2);
	rsm_release_controller(h3);

	tap_eq(rsm_get_controller("loopback", NULL), RSMERR_BAD_CTLR_HNDL,
	       "check 3: NULL handle pointer -> RSMERR_BAD_CTLR_HNDL");
	tap_eq(rsm_get_controller("nosuchctl0", &h), RSMERR_CTLR_NOT_PRESENT,
	       "check 4: unknown controller -> RSMERR_CTLR_NOT_PRESENT");
	tap_check(h == NULL, "check 4: handle left untouched");
	tap_eq(rsm_get_controller("rxe1", &h), RSMERR_CTLR_NOT_PRESENT,
	       "unknown unit of a known type -> RSMERR_CTLR_NOT_PRESENT");
}

static bool attr_is(const rsmapi_controller_attr_t *a, int i, size_t page)
{
	return a->attr_direct_access_sizes == 0xf &&
	       a->attr_atomic_sizes == 0x8 && a->attr_page_size == page &&
	       a->attr_max_export_segment_size == 1ULL << (30 + i) &&
	       a->attr_tot_export_segment_size == 2ULL << (30 + i) &&
	       a->attr_max_export_segments == 100UL + i &&
	       a->attr_max_import_map_size == 3ULL << (30 + i) &&
	       a->attr_tot_import_map_size == 4ULL << (30 + i) &&
	       a->attr_max_import_segments == 200UL + i;
}

/* Checks 5 and 6, A9/A10 and reviving a released handle. */
static void test_attributes(void)
{
	rsmapi_controller_handle_t h, h2;
	rsmapi_controller_attr_t a, bogus;
	int calls;

	tap_eq(rsm_get_controller("RXE00", &h), RSM_SUCCESS, "get \"RXE00\"");
	tap_check(strcmp(fake_rsm.last_name, "RXE0") == 0,
		  "kernel asked for canonical \"RXE0\"");
	tap_eq(rsm_get_controller("rxe0", &h2), RSM_SUCCESS, "get \"rxe0\"");
	tap_check(h == h2, "\"RXE00\" and \"rxe0\" are one handle");
	rsm_release_controller(h2);

	tap_eq(rsm_get_controller_attr(NULL, &a), RSMERR_BAD_CTLR_HNDL,
	       "check 5: attr of NULL -> RSMERR_BAD_CTLR_HNDL");
	tap_eq(rsm_get_controller_attr(h, NULL), RSMERR_BAD_ADDR,
	       "check 5: attr into NULL -> RSMERR_BAD_ADDR");
	memset(&a, 0, sizeof(a));
	tap_eq(rsm_get_controller_attr(h, &a), RSM_SUCCESS, "check 5: attr");
	tap_check(attr_is(&a, 1, 4096), "all nine attributes from the kernel");

	tap_eq(rsm_get_controller_attr((void *)&bogus, &a),
	       RSMERR_BAD_CTLR_HNDL, "attr of a foreign pointer -> 3");
	tap_eq(rsm_release_controller((void *)&bogus), RSMERR_BAD_CTLR_HNDL,
	       "release of a foreign pointer -> 3");
	tap_eq(rsm_release_controller(NULL), RSMERR_BAD_CTLR_HNDL,
	       "check 6: release NULL -> RSMERR_BAD_CTLR_HNDL");

	tap_eq(rsm_release_controller(h), RSM_SUCCESS, "final release");
	tap_eq(rsm_get_controller_attr(h, &a), RSMERR_CTLR_NOT_PRESENT,
	       "attr of a released handle -> RSMERR_CTLR_NOT_PRESENT");
	tap_eq(rsm_release_controller(h), RSMERR_BAD_CTLR_HNDL,
	       "release of a released handle -> RSMERR_BAD_CTLR_HNDL");

	fake_rsm.page_size = 65536;
	calls = fake_rsm.attr_calls;
	tap_eq(rsm_get_controller("rxe0", &h2), RSM_SUCCESS,
	       "get after the final release");
	tap_eq(fake_rsm.attr_calls, calls + 1, "kernel asked again");
	tap_eq(rsm_get_controller_attr(h2, &a), RSM_SUCCESS, "attr again");
	tap_check(attr_is(&a, 1, 65536), "attributes refreshed");
	rsm_release_controller(h2);
	fake_rsm.page_size = 4096;
}

/* Request failures become RSMERR codes, and no handle is left behind. */
static void test_request_errors(void)
{
	static const struct {
		int err, code, rc;
		const char *what;
	} cases[] = {
		{ EINTR, 0, RSMERR_INTERRUPTED, "EINTR" },
		{ ENOMEM, 0, RSMERR_INSUFFICIENT_MEM, "ENOMEM" },
		{ EAGAIN, 0, RSMERR_INSUFFICIENT_RESOURCES, "EAGAIN" },
		{ EFAULT, 0, RSMERR_BAD_ADDR, "EFAULT" },
		{ ENODEV, 0, RSMERR_CTLR_NOT_PRESENT, "ENODEV (device gone)" },
		{ EINVAL, 0, RSMERR_INTERNAL_ERROR, "EINVAL" },
		{ 0, RSMERR_INSUFFICIENT_MEM, RSMERR_INSUFFICIENT_MEM,
		  "RSMERR_INSUFFICIENT_MEM from the kernel" },
		{ 0, 77, RSMERR_INTERNAL_ERROR, "unlisted positive code 77" },
	};
	rsmapi_controller_handle_t h = NULL, h2;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fake_rsm.fail_errno = cases[i].err;
		fake_rsm.fail_code = cases[i].code;
		tap_eq(rsm_get_controller("mlx5_0", &h), cases[i].rc,
		       "attr request fails with %s -> %d", cases[i].what,
		       cases[i].rc);
	}
	tap_eq(rsm_get_controller("mlx5_0", &h), RSM_SUCCESS,
	       "get succeeds once the kernel answers");
	tap_eq(rsm_get_controller("mlx5_0", &h2), RSM_SUCCESS, "get again");
	tap_eq(rsm_release_controller(h), RSM_SUCCESS, "release");
	tap_eq(rsm_release_controller(h2), RSM_SUCCESS, "release again");
	tap_eq(rsm_release_controller(h), RSMERR_BAD_CTLR_HNDL,
	       "failed gets took no references");
}

#define NTHREADS 8
#define NLOOPS 2000

static void *get_release_loop(void *arg)
{
	rsmapi_controller_handle_t h;
	long bad = 0;
	int i;

	for (i = 0; i < NLOOPS; i++) {
		if (rsm_get_controller(arg, &h) != RSM_SUCCESS ||
		    rsm_release_controller(h) != RSM_SUCCESS)
			bad++;
	}
	return (void *)bad;
}

static void test_threads(void)
{
	rsmapi_controller_handle_t h;
	pthread_t t[NTHREADS];
	long bad = 0;
	void *ret;
	int i;

	tap_eq(rsm_get_controller("loopback", &h), RSM_SUCCESS,
	       "threads: hold one reference");
	for (i = 0; i < NTHREADS; i++)
		pthread_create(&t[i], NULL, get_release_loop,
			       i % 2 ? "loopback" : "LOOPBACK");
	for (i = 0; i < NTHREADS; i++) {
		pthread_join(t[i], &ret);
		bad += (long)ret;
	}
	tap_eq(bad, 0, "threads: concurrent get/release all succeed");
	tap_eq(rsm_release_controller(h), RSM_SUCCESS,
	       "threads: the held reference is still there");
	tap_eq(rsm_release_controller(h), RSMERR_BAD_CTLR_HNDL,
	       "threads: and it was the last one");
}

int main(void)
{
	rsmapi_controller_handle_t h;

	tap_start();
	rsm_get_controller("loopback", &h);
	if (fake_rsm.open_calls == 0)
		return tap_skip_all("open() of /dev/rsm is not intercepted");
	test_without_device();
	test_device_appears();
	test_get_and_release();
	test_attributes();
	test_request_errors();
	test_threads();
	return tap_finish();
}
