// SPDX-License-Identifier: BSD-2-Clause
/*
 * Translation of /dev/rsm results into RSMERR codes (spec 5.3 and the
 * uapi return convention): genuine errno values map to the spec's codes,
 * positive RSMERR codes pass through, and nothing outside the codes the
 * spec lists can reach an application.
 */
#include <errno.h>

#include "rsm_internal.h"
#include "tap.h"

static void test_errno_map(void)
{
	static const struct {
		int err;
		int code;
		const char *name;
	} map[] = {
		{ EINTR, RSMERR_INTERRUPTED, "EINTR" },
		{ EFAULT, RSMERR_BAD_ADDR, "EFAULT" },
		{ ENOMEM, RSMERR_INSUFFICIENT_MEM, "ENOMEM" },
		{ EAGAIN, RSMERR_INSUFFICIENT_RESOURCES, "EAGAIN" },
		{ EMFILE, RSMERR_INSUFFICIENT_RESOURCES, "EMFILE" },
		{ ENFILE, RSMERR_INSUFFICIENT_RESOURCES, "ENFILE" },
		{ ENODEV, RSMERR_CONN_ABORTED, "ENODEV" },
		{ ENXIO, RSMERR_CONN_ABORTED, "ENXIO" },
		{ EINVAL, RSMERR_INTERNAL_ERROR, "EINVAL" },
		{ ENOTTY, RSMERR_INTERNAL_ERROR, "ENOTTY" },
		{ EPERM, RSMERR_INTERNAL_ERROR, "EPERM" },
		{ EBADF, RSMERR_INTERNAL_ERROR, "EBADF" },
		{ E2BIG, RSMERR_INTERNAL_ERROR, "E2BIG" },
		{ 0, RSMERR_INTERNAL_ERROR, "errno 0" },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		tap_eq(rsm_errno_to_rsmerr(map[i].err), map[i].code,
		       "errno %s -> %d", map[i].name, map[i].code);
		tap_eq(rsm_ioctl_status(-1, map[i].err), map[i].code,
		       "ioctl -1/%s -> %d", map[i].name, map[i].code);
	}
}

static void test_positive_codes(void)
{
	int code, passed = 0, refused = 0;

	tap_eq(rsm_ioctl_status(0, EINVAL), RSM_SUCCESS,
	       "ioctl 0 -> success, errno ignored");
	for (code = 1; code <= 200; code++) {
		bool listed = (code <= RSMERR_SEG_NOT_CONNECTED) ||
			      (code >= RSMERR_INTERNAL_ERROR &&
			       code <= RSMERR_QUEUE_FULL);
		int got = rsm_ioctl_status(code, 0);

		if (listed && got == code)
			passed++;
		if (!listed && got == RSMERR_INTERNAL_ERROR)
			refused++;
	}
	tap_eq(passed, 45 + 35, "every listed RSMERR code passes through");
	tap_eq(refused, 200 - 80,
	       "unlisted positive codes -> RSMERR_INTERNAL_ERROR");
	tap_eq(rsm_ioctl_status(0x7fffffff, 0), RSMERR_INTERNAL_ERROR,
	       "huge positive code -> RSMERR_INTERNAL_ERROR");
}

int main(void)
{
	tap_start();
	test_errno_map();
	test_positive_codes();
	return tap_finish();
}
