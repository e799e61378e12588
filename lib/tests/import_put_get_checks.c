// SPDX-License-Identifier: BSD-2-Clause
/*
 * The ten put/get functions against the stand-in /dev/rsm: the validation
 * steps of spec 3.6 in their order (checks 51, 53-61), overflow-free range
 * checks, the request each function sends (width, offset, length,
 * address, descriptor), and how the barrier mode decides whether a
 * transfer failure is returned.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "import_fixture.h"

typedef int (*xfer_fn)(rsm_memseg_import_handle_t, off_t, void *, ulong_t);

/* One of the ten functions, called through a common signature. */
struct xfer {
	const char *name;
	xfer_fn call;
	unsigned int width;
	bool put;
};

#define XFER_WRAP(fn, type)						\
	static int call_##fn(rsm_memseg_import_handle_t im, off_t off,	\
			     void *p, ulong_t n)			\
	{								\
		return rsm_memseg_import_##fn(im, off, (type *)p, n);	\
	}

XFER_WRAP(get, void)
XFER_WRAP(get8, uint8_t)
XFER_WRAP(get16, uint16_t)
XFER_WRAP(get32, uint32_t)
XFER_WRAP(get64, uint64_t)
XFER_WRAP(put, void)
XFER_WRAP(put8, uint8_t)
XFER_WRAP(put16, uint16_t)
XFER_WRAP(put32, uint32_t)
XFER_WRAP(put64, uint64_t)

static const struct xfer xfers[] = {
	{ "get", call_get, 1, false },
	{ "get8", call_get8, 1, false },
	{ "get16", call_get16, 2, false },
	{ "get32", call_get32, 4, false },
	{ "get64", call_get64, 8, false },
	{ "put", call_put, 1, true },
	{ "put8", call_put8, 1, true },
	{ "put16", call_put16, 2, true },
	{ "put32", call_put32, 4, true },
	{ "put64", call_put64, 8, true },
};

static uint64_t data[16];	/* 8-byte aligned local buffer */

static int xfer_calls(void)
{
	return fake_rsm.put_calls + fake_rsm.get_calls;
}

/* Spec 3.6 steps 1-5: each failing check wins over every later one. */
static void test_argument_order(const struct xfer *x,
	rsm_memseg_import_handle_t im, rsm_memseg_export_handle_t e)
{
	char *bytes = (char *)data;

	tap_eq(x->call(NULL, 1, NULL, 1), RSMERR_BAD_SEG_HNDL,
	       "%s: NULL handle and NULL data -> 5 (step 1 first)", x->name);
	tap_eq(x->call(im, 1, NULL, 1), RSMERR_BAD_ADDR,
	       "%s: NULL data, odd offset -> 16 (step 2 before 4)", x->name);
	tap_eq(x->call((void *)e, 0, NULL, 1), RSMERR_BAD_ADDR,
	       "%s: NULL data on an export handle -> 16 (step 2 before 5)",
	       x->name);
	if (x->width > 1) {
		tap_eq(x->call(im, 0, bytes + 1, 1), RSMERR_BAD_MEM_ALIGNMENT,
		       "%s: local pointer not a multiple of %u -> 17",
		       x->name, x->width);
		tap_eq(x->call(im, x->width / 2, data, 1),
		       RSMERR_BAD_MEM_ALIGNMENT,
		       "%s: offset %u not a multiple of %u -> 17",
		       x->name, x->width / 2, x->width);
		tap_eq(x->call((void *)e, 1, data, 1),
		       RSMERR_BAD_MEM_ALIGNMENT,
		       "%s: odd offset on an export handle -> 17 (4 before 5)",
		       x->name);
		tap_eq(x->call(im, -1, data, 1), RSMERR_BAD_MEM_ALIGNMENT,
		       "%s: offset -1 -> 17 (alignment before range)",
		       x->name);
	}
	tap_eq(x->call((void *)e, 0, data, 1), RSMERR_BAD_SEG_HNDL,
	       "%s: export handle -> 5", x->name);
	tap_eq(x->call(fix_stranger(), 0, data, 1), RSMERR_BAD_SEG_HNDL,
	       "%s: unknown pointer -> 5", x->name);
	tap_eq(x->call((void *)fix_ctl, 0, data, 1), RSMERR_BAD_SEG_HNDL,
	       "%s: controller handle -> 5", x->name);
}

/* Step 8: [offset, offset + L) inside the segment, without overflow. */
static void test_range(const struct xfer *x, rsm_memseg_import_handle_t im)
{
	off_t w = x->width, size = (off_t)FIX_SIZE;
	int calls = xfer_calls();

	tap_eq(x->call(im, size, data, 0), RSM_SUCCESS,
	       "%s: count 0 at the end of the segment -> 0", x->name);
	tap_eq(x->call(im, 0, data, 0), RSM_SUCCESS,
	       "%s: count 0 at offset 0 -> 0", x->name);
	tap_eq(xfer_calls(), calls, "%s: count 0 sends no request", x->name);
	tap_eq(x->call(im, size, data, 1), RSMERR_BAD_OFFSET,
	       "%s: one element at the end -> 18", x->name);
	tap_eq(x->call(im, size + w, data, 0), RSMERR_BAD_OFFSET,
	       "%s: count 0 beyond the end -> 18", x->name);
	tap_eq(x->call(im, size - w, data, 2), RSMERR_BAD_OFFSET,
	       "%s: two elements from the last one -> 18", x->name);
	tap_eq(x->call(im, size - w, data, 1), RSM_SUCCESS,
	       "%s: the last element -> 0", x->name);
	tap_eq(x->call(im, -w, data, 1), RSMERR_BAD_OFFSET,
	       "%s: negative aligned offset -> 18", x->name);
	tap_eq(x->call(im, 0, data, ULONG_MAX), RSMERR_BAD_OFFSET,
	       "%s: count ULONG_MAX -> 18", x->name);
	if (x->width > 1)
		tap_eq(x->call(im, 0, data, ULONG_MAX / x->width + 1),
		       RSMERR_BAD_OFFSET,
		       "%s: count whose byte length wraps around -> 18",
		       x->name);
	tap_eq(x->call(im, LLONG_MAX - (LLONG_MAX % w), data, 1),
	       RSMERR_BAD_OFFSET, "%s: offset near OFF_MAX -> 18", x->name);
}

/* Step 10: the request carries exactly what the caller asked for. */
static void test_request(const struct xfer *x, rsm_memseg_import_handle_t im)
{
	int puts = fake_rsm.put_calls, gets = fake_rsm.get_calls;

	memset(&fake_rsm.last_xfer, 0xee, sizeof(fake_rsm.last_xfer));
	tap_eq(x->call(im, 2 * x->width, &data[1], 3), RSM_SUCCESS,
	       "%s: 3 elements at offset %u -> 0", x->name, 2 * x->width);
	tap_eq(fake_rsm.put_calls - puts, x->put ? 1 : 0,
	       "%s: %s requests sent", x->name, x->put ? "PUT" : "no PUT");
	tap_eq(fake_rsm.get_calls - gets, x->put ? 0 : 1,
	       "%s: %s requests sent", x->name, x->put ? "no GET" : "GET");
	tap_eq(fake_rsm.xfer_fd, im->fd, "%s: sent on the handle's descriptor",
	       x->name);
	tap_eq(fake_rsm.last_xfer.width, x->width, "%s: width %u", x->name,
	       x->width);
	tap_eq(fake_rsm.last_xfer.offset, 2 * x->width, "%s: offset", x->name);
	tap_eq(fake_rsm.last_xfer.len, 3 * x->width, "%s: byte length",
	       x->name);
	tap_eq(fake_rsm.last_xfer.addr, (uintptr_t)&data[1],
	       "%s: local address", x->name);
	tap_eq(fake_rsm.last_xfer.flags, 0, "%s: flags zero", x->name);
}

/* Step 7 before step 8; checks 60 and 61. */
static void test_permission(const struct xfer *x)
{
	rsmapi_barrier_t bar;
	rsm_memseg_import_handle_t ro, wo;

	ro = fix_connect_with_barrier(RSM_PERM_READ, &bar);
	tap_eq(x->call(ro, 0, data, 1), x->put ? RSMERR_PERM_DENIED : 0,
	       "%s: read-only connection -> %d", x->name,
	       x->put ? RSMERR_PERM_DENIED : 0);
	if (x->put)
		tap_eq(x->call(ro, (off_t)FIX_SIZE, data, 1),
		       RSMERR_PERM_DENIED,
		       "%s: read-only, out of range -> 27 (7 before 8)",
		       x->name);
	rsm_memseg_import_disconnect(ro);

	wo = fix_connect_with_barrier(RSM_PERM_WRITE, &bar);
	tap_eq(x->call(wo, 0, data, 1), x->put ? 0 : RSMERR_PERM_DENIED,
	       "%s: write-only connection -> %d", x->name,
	       x->put ? 0 : RSMERR_PERM_DENIED);
	rsm_memseg_import_disconnect(wo);
}

/* Step 9 and the modes (checks 51, 53). */
static void test_barrier_needed(const struct xfer *x)
{
	rsm_memseg_import_handle_t im = fix_connect(RSM_PERM_RDWR);
	int calls = xfer_calls();

	tap_eq(x->call(im, 0, data, 1), RSMERR_BARRIER_UNINITIALIZED,
	       "check 51: %s without a barrier, implicit mode -> 35", x->name);
	tap_eq(x->call(im, (off_t)FIX_SIZE, data, 1), RSMERR_BAD_OFFSET,
	       "%s: no barrier, out of range -> 18 (8 before 9)", x->name);
	tap_eq(xfer_calls(), calls, "%s: refused calls send no request",
	       x->name);
	rsm_memseg_import_set_mode(im, RSM_BARRIER_MODE_EXPLICIT);
	tap_eq(x->call(im, 0, data, 1), RSM_SUCCESS,
	       "check 53: %s in explicit mode needs no barrier", x->name);
	tap_eq(xfer_calls(), calls + 1, "%s: explicit mode sends the request",
	       x->name);
	rsm_memseg_import_disconnect(im);
}

/* Implicit mode returns the transfer's error, explicit mode swallows it. */
static void test_transfer_errors(const struct xfer *x)
{
	rsmapi_barrier_t bar;
	rsm_memseg_import_handle_t im;

	im = fix_connect_with_barrier(RSM_PERM_RDWR, &bar);
	fake_rsm.fail_code = RSMERR_CONN_ABORTED;
	tap_eq(x->call(im, 0, data, 1), RSMERR_CONN_ABORTED,
	       "check 82: implicit %s, kernel says 40 -> 40", x->name);
	fake_rsm.fail_errno = EFAULT;
	tap_eq(x->call(im, 0, data, 1), RSMERR_BAD_ADDR,
	       "implicit %s, EFAULT -> 16", x->name);
	fake_rsm.fail_errno = EINTR;
	tap_eq(x->call(im, 0, data, 1), RSMERR_INTERRUPTED,
	       "implicit %s, EINTR -> 41", x->name);
	tap_eq(im->failures, 0, "implicit %s: no failure recorded", x->name);

	rsm_memseg_import_set_mode(im, RSM_BARRIER_MODE_EXPLICIT);
	fake_rsm.fail_code = RSMERR_CONN_ABORTED;
	tap_eq(x->call(im, 0, data, 1), RSM_SUCCESS,
	       "explicit %s, kernel says 40 -> 0", x->name);
	tap_eq(im->failures, 1, "explicit %s: the failure is recorded",
	       x->name);
	tap_eq(x->call(im, 0, data, 1), RSM_SUCCESS,
	       "explicit %s, success -> 0", x->name);
	tap_eq(im->failures, 1, "explicit %s: success records nothing",
	       x->name);
	rsm_memseg_import_disconnect(im);
}

/* Spec 1.9: put/get move CONNECTED to MAPPED-IMPLICIT at step 6. */
static void test_state(const struct xfer *x)
{
	rsm_memseg_import_handle_t im = fix_connect(RSM_PERM_RDWR);
	char *bytes = (char *)data;

	if (x->width > 1) {
		x->call(im, 0, bytes + 1, 1);
		tap_eq(im->state, RSM_IMPORT_CONNECTED,
		       "%s: refused at step 3, still CONNECTED", x->name);
	}
	x->call(im, 0, data, 1);	/* refused at step 9: no barrier */
	tap_eq(im->state, RSM_IMPORT_MAPPED_IMPLICIT,
	       "%s: past step 6 the handle is MAPPED-IMPLICIT", x->name);
	rsm_memseg_import_disconnect(im);
}

int main(void)
{
	rsmapi_barrier_t bar;
	rsm_memseg_import_handle_t im, gone;
	rsm_memseg_export_handle_t e;
	size_t i;

	fix_start();
	im = fix_connect_with_barrier(RSM_PERM_RDWR, &bar);
	e = fix_export();

	for (i = 0; i < sizeof(xfers) / sizeof(xfers[0]); i++) {
		const struct xfer *x = &xfers[i];

		test_argument_order(x, im, e);
		/* before another connect can reuse the address */
		gone = fix_connect(RSM_PERM_RDWR);
		rsm_memseg_import_disconnect(gone);
		tap_eq(x->call(gone, 0, data, 1), RSMERR_BAD_SEG_HNDL,
		       "%s: disconnected handle -> 5", x->name);
		test_range(x, im);
		test_request(x, im);
		test_permission(x);
		test_barrier_needed(x);
		test_transfer_errors(x);
		test_state(x);
	}
	rsm_memseg_import_disconnect(im);
	rsm_memseg_export_destroy(e);
	return tap_finish();
}
