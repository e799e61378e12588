// SPDX-License-Identifier: BSD-2-Clause
/*
 * Barriers and barrier modes against the stand-in /dev/rsm: the barrier
 * state machine of spec 1.10 and checks 77-87, what close reports from
 * the import state snapshot (generation, aborted, failed transfers, and
 * explicit-mode failures the library recorded), and get/set_mode.
 */
#include <errno.h>
#include <string.h>

#include "import_fixture.h"

typedef int (*barrier_fn)(rsmapi_barrier_t *);

static const struct {
	const char *name;
	barrier_fn call;
} ops[] = {
	{ "open", rsm_memseg_import_open_barrier },
	{ "order", rsm_memseg_import_order_barrier },
	{ "close", rsm_memseg_import_close_barrier },
	{ "destroy", rsm_memseg_import_destroy_barrier },
};
#define NOPS (sizeof(ops) / sizeof(ops[0]))

static uint32_t word;
static uint64_t dword;

static void test_init_arguments(void)
{
	rsm_memseg_import_handle_t im = fix_connect(RSM_PERM_RDWR);
	rsm_memseg_export_handle_t e = fix_export();
	rsmapi_barrier_t b;

	memset(&b, 0, sizeof(b));
	tap_eq(rsm_memseg_import_init_barrier(NULL, RSM_BARRIER_SEGMENT, &b),
	       RSMERR_BAD_SEG_HNDL, "check 77: init_barrier(NULL, ...) -> 5");
	tap_eq(rsm_memseg_import_init_barrier(im, RSM_BARRIER_SEGMENT, NULL),
	       RSMERR_BAD_BARRIER_PTR, "check 77: init_barrier(i, NULL) -> 13");
	tap_eq(rsm_memseg_import_init_barrier(NULL, RSM_BARRIER_SEGMENT, NULL),
	       RSMERR_BAD_SEG_HNDL, "init_barrier(NULL, NULL) -> 5 (handle first)");
	tap_eq(rsm_memseg_import_init_barrier((void *)e, RSM_BARRIER_SEGMENT,
					      &b), RSMERR_BAD_SEG_HNDL,
	       "init_barrier(export handle) -> 5");
	tap_eq(rsm_memseg_import_init_barrier(im, (rsm_barrier_type_t)0x77, &b),
	       RSM_SUCCESS, "init_barrier with any type value -> 0");
	tap_check(b.seg == (void *)im, "the barrier names its import segment");
	tap_check(im->barrier == &b, "init makes it the current barrier");
	rsm_memseg_import_destroy_barrier(&b);
	rsm_memseg_import_disconnect(im);
	rsm_memseg_export_destroy(e);
}

static void test_uninitialised(void)
{
	rsmapi_barrier_t zero, junk;
	size_t i;

	for (i = 0; i < NOPS; i++)
		tap_eq(ops[i].call(NULL), RSMERR_BAD_BARRIER_PTR,
		       "check 78: %s_barrier(NULL) -> 13", ops[i].name);
	for (i = 0; i < NOPS; i++) {
		memset(&zero, 0, sizeof(zero));
		tap_eq(ops[i].call(&zero), RSMERR_BARRIER_UNINITIALIZED,
		       "check 79: %s on a zero-filled barrier -> 35",
		       ops[i].name);
	}
	for (i = 0; i < NOPS; i++) {
		memset(&junk, 0xa5, sizeof(junk));
		tap_eq(ops[i].call(&junk), RSMERR_BARRIER_UNINITIALIZED,
		       "%s on a barrier full of junk -> 35", ops[i].name);
	}
}

static void test_open_order_close(void)
{
	rsmapi_barrier_t b;
	rsm_memseg_import_handle_t im = fix_connect_with_barrier(RSM_PERM_RDWR,
								 &b);
	int states = fake_rsm.state_calls;

	tap_eq(rsm_memseg_import_close_barrier(&b), RSMERR_BARRIER_NOT_OPENED,
	       "check 85: close of a never-opened barrier -> 37");
	tap_eq(rsm_memseg_import_order_barrier(&b), RSMERR_BARRIER_NOT_OPENED,
	       "order of a never-opened barrier -> 37");
	tap_eq(fake_rsm.state_calls, states, "37 asks the kernel nothing");
	tap_eq(rsm_memseg_import_open_barrier(&b), RSM_SUCCESS, "open -> 0");
	tap_eq(fake_rsm.state_calls, states + 1,
	       "open takes a snapshot of the import state");
	tap_eq(fake_rsm.last_fd, im->fd, "snapshot asked on the handle's fd");
	tap_eq(rsm_memseg_import_open_barrier(&b), RSM_SUCCESS,
	       "open of an open barrier -> 0 (restarts the span)");
	tap_eq(rsm_memseg_import_put32(im, 0, &word, 1), RSM_SUCCESS,
	       "check 80: put32 in the span -> 0");
	tap_eq(rsm_memseg_import_order_barrier(&b), RSM_SUCCESS, "order -> 0");
	tap_eq(rsm_memseg_import_close_barrier(&b), RSM_SUCCESS, "close -> 0");
	tap_eq(fake_rsm.state_calls, states + 3,
	       "close compares with the live import state");
	tap_eq(rsm_memseg_import_close_barrier(&b), RSMERR_BARRIER_NOT_OPENED,
	       "close again -> 37: close leaves the barrier idle");

	rsm_memseg_import_open_barrier(&b);
	tap_eq(rsm_memseg_import_init_barrier(im, RSM_BARRIER_SEGMENT, &b),
	       RSM_SUCCESS, "init of an open barrier -> 0");
	tap_eq(rsm_memseg_import_close_barrier(&b), RSMERR_BARRIER_NOT_OPENED,
	       "after re-init the barrier is idle -> close 37");

	fake_rsm.fail_errno = EIO;
	tap_eq(rsm_memseg_import_open_barrier(&b), RSMERR_BARRIER_OPEN_FAILED,
	       "open, state request fails -> 36");
	tap_eq(rsm_memseg_import_close_barrier(&b), RSMERR_BARRIER_NOT_OPENED,
	       "failed open leaves the barrier idle");
	rsm_memseg_import_destroy_barrier(&b);
	rsm_memseg_import_disconnect(im);
}

/* What close reports, from the snapshot taken by open. */
static void test_close_verdicts(void)
{
	rsmapi_barrier_t b;
	rsm_memseg_import_handle_t im = fix_connect_with_barrier(RSM_PERM_RDWR,
								 &b);

	rsm_memseg_import_open_barrier(&b);
	fake_rsm.errors += 3;
	tap_eq(rsm_memseg_import_close_barrier(&b), RSMERR_BARRIER_FAILURE,
	       "kernel counted failed transfers in the span -> close 38");
	tap_eq(rsm_memseg_import_open_barrier(&b), RSM_SUCCESS,
	       "barrier reopens after a failed close");
	tap_eq(rsm_memseg_import_close_barrier(&b), RSM_SUCCESS,
	       "failures before the open do not count -> 0");

	rsm_memseg_import_set_mode(im, RSM_BARRIER_MODE_EXPLICIT);
	rsm_memseg_import_open_barrier(&b);
	fake_rsm.fail_code = RSMERR_INTERRUPTED;
	tap_eq(rsm_memseg_import_put32(im, 0, &word, 1), RSM_SUCCESS,
	       "explicit put32 whose transfer fails -> 0");
	tap_eq(rsm_memseg_import_close_barrier(&b), RSMERR_BARRIER_FAILURE,
	       "close reports the recorded explicit failure -> 38");

	rsm_memseg_import_open_barrier(&b);
	fake_rsm.fail_errno = EIO;
	tap_eq(rsm_memseg_import_close_barrier(&b), RSMERR_BARRIER_FAILURE,
	       "close, state request fails -> 38");
	rsm_memseg_import_open_barrier(&b);
	fake_rsm.fail_errno = ENXIO;
	tap_eq(rsm_memseg_import_close_barrier(&b), RSMERR_CONN_ABORTED,
	       "close, state request says the import is gone -> 40");

	rsm_memseg_import_open_barrier(&b);
	fake_rsm.fail_code = RSMERR_CONN_ABORTED;
	rsm_memseg_import_put32(im, 0, &word, 1);
	fake_rsm.generation++;
	tap_eq(rsm_memseg_import_close_barrier(&b), RSMERR_CONN_ABORTED,
	       "check 81: generation changed in the span -> close 40");
	rsm_memseg_import_open_barrier(&b);
	tap_eq(rsm_memseg_import_close_barrier(&b), RSMERR_CONN_ABORTED,
	       "generation differs from connect -> every close 40");
	fake_rsm.generation--;
	rsm_memseg_import_destroy_barrier(&b);
	rsm_memseg_import_disconnect(im);

	im = fix_connect_with_barrier(RSM_PERM_RDWR, &b);
	rsm_memseg_import_open_barrier(&b);
	fake_rsm.aborted = 1;
	tap_eq(rsm_memseg_import_close_barrier(&b), RSMERR_CONN_ABORTED,
	       "import aborted, same generation -> close 40");
	fake_rsm.aborted = 0;
	rsm_memseg_import_destroy_barrier(&b);
	rsm_memseg_import_disconnect(im);
}

static void test_destroy(void)
{
	rsmapi_barrier_t b1, b2;
	rsm_memseg_import_handle_t im = fix_connect_with_barrier(RSM_PERM_RDWR,
								 &b1);
	size_t i;

	tap_eq(rsm_memseg_import_destroy_barrier(&b1), RSM_SUCCESS,
	       "check 84: destroy -> 0");
	tap_eq(rsm_memseg_import_put8(im, 0, (uint8_t *)&word, 1),
	       RSMERR_BARRIER_UNINITIALIZED,
	       "check 84: implicit put8 after destroy -> 35");
	for (i = 0; i < NOPS; i++)
		tap_eq(ops[i].call(&b1), RSMERR_BARRIER_UNINITIALIZED,
		       "check 84: %s of a destroyed barrier -> 35",
		       ops[i].name);

	memset(&b1, 0, sizeof(b1));
	memset(&b2, 0, sizeof(b2));
	rsm_memseg_import_init_barrier(im, RSM_BARRIER_SEGMENT, &b1);
	rsm_memseg_import_init_barrier(im, RSM_BARRIER_SEGMENT, &b2);
	tap_check(im->barrier == &b2, "the later init is the current barrier");
	tap_eq(rsm_memseg_import_destroy_barrier(&b1), RSM_SUCCESS,
	       "check 87: destroy the first of two barriers -> 0");
	tap_eq(rsm_memseg_import_get8(im, 0, (uint8_t *)&word, 1),
	       RSMERR_BARRIER_UNINITIALIZED,
	       "check 87: the current barrier is cleared -> get8 35");
	tap_eq(rsm_memseg_import_open_barrier(&b2), RSM_SUCCESS,
	       "the second barrier still opens");
	tap_eq(rsm_memseg_import_close_barrier(&b2), RSM_SUCCESS,
	       "and closes");
	rsm_memseg_import_init_barrier(im, RSM_BARRIER_SEGMENT, &b2);
	tap_eq(rsm_memseg_import_get8(im, 0, (uint8_t *)&word, 1), RSM_SUCCESS,
	       "init again: implicit get8 -> 0");
	rsm_memseg_import_disconnect(im);

	tap_eq(rsm_memseg_import_open_barrier(&b2), RSMERR_BARRIER_UNINITIALIZED,
	       "open of a barrier of a disconnected handle -> 35");
	tap_eq(rsm_memseg_import_close_barrier(&b2), RSMERR_BARRIER_UNINITIALIZED,
	       "close of a barrier of a disconnected handle -> 35");
	tap_eq(rsm_memseg_import_destroy_barrier(&b2), RSM_SUCCESS,
	       "destroy of a barrier of a disconnected handle -> 0");
}

/* A new handle at the old address does not adopt the old barriers. */
static void test_handle_address_reused(void)
{
	rsmapi_barrier_t b;
	rsm_memseg_import_handle_t im = fix_connect_with_barrier(RSM_PERM_RDWR,
								 &b);

	im->cookie++;	/* what a new handle at this address would have */
	tap_eq(rsm_memseg_import_open_barrier(&b), RSMERR_BARRIER_UNINITIALIZED,
	       "barrier of an earlier handle at the same address -> 35");
	im->cookie--;
	tap_eq(rsm_memseg_import_open_barrier(&b), RSM_SUCCESS,
	       "with the right cookie it opens");
	rsm_memseg_import_disconnect(im);
}

static void test_modes(void)
{
	rsm_memseg_import_handle_t im = fix_connect(RSM_PERM_RDWR);
	rsm_memseg_export_handle_t e = fix_export();
	rsm_barrier_mode_t mode = (rsm_barrier_mode_t)7;

	tap_eq(rsm_memseg_import_get_mode(im, &mode), RSM_SUCCESS, "get_mode");
	tap_eq(mode, RSM_BARRIER_MODE_IMPLICIT,
	       "check 86: mode after connect is IMPLICIT");
	tap_eq(rsm_memseg_import_set_mode(im, RSM_BARRIER_MODE_EXPLICIT),
	       RSM_SUCCESS, "set_mode(EXPLICIT) -> 0");
	rsm_memseg_import_get_mode(im, &mode);
	tap_eq(mode, RSM_BARRIER_MODE_EXPLICIT,
	       "check 86: get_mode after set_mode(EXPLICIT)");
	tap_eq(rsm_memseg_import_set_mode(im, (rsm_barrier_mode_t)2),
	       RSMERR_BAD_MODE, "check 86: set_mode(2) -> 25");
	tap_eq(rsm_memseg_import_set_mode(im, (rsm_barrier_mode_t)-1),
	       RSMERR_BAD_MODE, "set_mode(-1) -> 25");
	rsm_memseg_import_get_mode(im, &mode);
	tap_eq(mode, RSM_BARRIER_MODE_EXPLICIT, "a refused set_mode changes nothing");
	tap_eq(rsm_memseg_import_set_mode(NULL, RSM_BARRIER_MODE_IMPLICIT),
	       RSMERR_BAD_SEG_HNDL, "check 86: set_mode(NULL) -> 5");
	tap_eq(rsm_memseg_import_set_mode(NULL, (rsm_barrier_mode_t)2),
	       RSMERR_BAD_SEG_HNDL, "set_mode(NULL, 2) -> 5 (handle first)");
	tap_eq(rsm_memseg_import_set_mode((void *)e, RSM_BARRIER_MODE_IMPLICIT),
	       RSMERR_BAD_SEG_HNDL, "set_mode(export handle) -> 5");
	tap_eq(rsm_memseg_import_get_mode(im, NULL), RSMERR_BAD_ADDR,
	       "check 86: get_mode(i, NULL) -> 16");
	tap_eq(rsm_memseg_import_get_mode(NULL, &mode), RSMERR_BAD_SEG_HNDL,
	       "get_mode(NULL) -> 5");
	tap_eq(rsm_memseg_import_get_mode(NULL, NULL), RSMERR_BAD_SEG_HNDL,
	       "get_mode(NULL, NULL) -> 5 (handle first)");
	tap_eq(rsm_memseg_import_get_mode(fix_stranger(), &mode),
	       RSMERR_BAD_SEG_HNDL, "get_mode(unknown pointer) -> 5");
	tap_eq(rsm_memseg_import_put64(im, 0, &dword, 1),
	       RSM_SUCCESS, "check 53: explicit put64 without a barrier -> 0");
	rsm_memseg_import_disconnect(im);
	rsm_memseg_export_destroy(e);
}

int main(void)
{
	fix_start();
	test_init_arguments();
	test_uninitialised();
	test_open_order_close();
	test_close_verdicts();
	test_destroy();
	test_handle_address_reused();
	test_modes();
	return tap_finish();
}
