// SPDX-License-Identifier: BSD-2-Clause
/*
 * Barriers on an explicitly mapped import, against the stand-in /dev/rsm:
 * open asks for RSM_IOC_MAP_REFRESH, order and close for RSM_IOC_MAP_SYNC
 * (release consistency of the mapping), what their failures become, and
 * close failing with 38 when the exporter rebound the segment during the
 * span.  Handles without an explicit mapping ask for neither.
 */
#include <errno.h>
#include <string.h>

#include "import_fixture.h"

static size_t P;

static rsm_memseg_import_handle_t mapped(rsmapi_barrier_t *bar)
{
	rsm_memseg_import_handle_t im = fix_connect_with_barrier(RSM_PERM_RDWR,
								 bar);
	void *a = NULL;

	if (rsm_memseg_import_map(im, &a, RSM_MAP_NONE, RSM_PERM_RDWR, 0,
				  P) != RSM_SUCCESS) {
		printf("Bail out! map through the fake device failed\n");
		exit(1);
	}
	return im;
}

static void done(rsm_memseg_import_handle_t im, rsmapi_barrier_t *bar)
{
	rsm_memseg_import_destroy_barrier(bar);
	rsm_memseg_import_unmap(im);
	rsm_memseg_import_disconnect(im);
}

static void test_unmapped_handles_ask_nothing(void)
{
	rsmapi_barrier_t bar;
	rsm_memseg_import_handle_t im = fix_connect_with_barrier(RSM_PERM_RDWR,
								 &bar);
	uint8_t b = 0;
	int refreshes = fake_rsm.refresh_calls, syncs = fake_rsm.sync_calls;

	rsm_memseg_import_open_barrier(&bar);
	rsm_memseg_import_order_barrier(&bar);
	rsm_memseg_import_close_barrier(&bar);
	rsm_memseg_import_get8(im, 0, &b, 1);	/* now MAPPED-IMPLICIT */
	rsm_memseg_import_open_barrier(&bar);
	rsm_memseg_import_order_barrier(&bar);
	tap_eq(rsm_memseg_import_close_barrier(&bar), RSM_SUCCESS,
	       "close on an implicitly mapped handle -> 0");
	tap_eq(fake_rsm.refresh_calls, refreshes,
	       "open without an explicit mapping asks for no refresh");
	tap_eq(fake_rsm.sync_calls, syncs,
	       "order and close without an explicit mapping ask for no "
	       "write-back");
	rsm_memseg_import_disconnect(im);
}

static void test_open_refreshes(void)
{
	rsmapi_barrier_t bar;
	rsm_memseg_import_handle_t im = mapped(&bar);
	int refreshes = fake_rsm.refresh_calls;

	tap_eq(rsm_memseg_import_open_barrier(&bar), RSM_SUCCESS, "open -> 0");
	tap_eq(fake_rsm.refresh_calls, refreshes + 1,
	       "open of a mapped handle asks for a refresh");
	tap_eq(fake_rsm.refresh_fd, im->fd, "on the handle's descriptor");
	tap_check(fake_rsm.state_seq < fake_rsm.refresh_seq,
		  "the state snapshot is taken before the refresh");
	rsm_memseg_import_close_barrier(&bar);

	fake_rsm.refresh_code = RSMERR_BARRIER_FAILURE;
	tap_eq(rsm_memseg_import_open_barrier(&bar), RSMERR_BARRIER_OPEN_FAILED,
	       "refresh fails -> open 36");
	tap_eq(rsm_memseg_import_close_barrier(&bar), RSMERR_BARRIER_NOT_OPENED,
	       "a failed open leaves the barrier idle (close 37)");
	fake_rsm.refresh_code = RSMERR_CONN_ABORTED;
	tap_eq(rsm_memseg_import_open_barrier(&bar), RSM_SUCCESS,
	       "refresh says the connection is gone -> open still 0");
	fake_rsm.refresh_code = 0;
	fake_rsm.aborted = 1;
	tap_eq(rsm_memseg_import_close_barrier(&bar), RSMERR_CONN_ABORTED,
	       "and the close reports it -> 40");
	fake_rsm.aborted = 0;
	done(im, &bar);
}

static void test_order_writes_back(void)
{
	rsmapi_barrier_t bar;
	rsm_memseg_import_handle_t im = mapped(&bar);
	int syncs;

	rsm_memseg_import_open_barrier(&bar);
	syncs = fake_rsm.sync_calls;
	tap_eq(rsm_memseg_import_order_barrier(&bar), RSM_SUCCESS,
	       "order -> 0");
	tap_eq(fake_rsm.sync_calls, syncs + 1, "order asks for a write-back");
	tap_eq(fake_rsm.sync_fd, im->fd, "on the handle's descriptor");
	fake_rsm.sync_code = RSMERR_BARRIER_FAILURE;
	tap_eq(rsm_memseg_import_order_barrier(&bar), RSMERR_BARRIER_FAILURE,
	       "write-back fails -> order 38");
	fake_rsm.sync_code = RSMERR_CONN_ABORTED;
	tap_eq(rsm_memseg_import_order_barrier(&bar), RSMERR_BARRIER_FAILURE,
	       "write-back finds the connection gone -> order 38");
	fake_rsm.sync_code = 0;
	fake_rsm.fail_errno = EIO;
	tap_eq(rsm_memseg_import_order_barrier(&bar), RSMERR_BARRIER_FAILURE,
	       "write-back request fails -> order 38");
	tap_eq(rsm_memseg_import_close_barrier(&bar), RSM_SUCCESS,
	       "order's failures leave the barrier open; close -> 0");
	done(im, &bar);
}

static void test_close_writes_back(void)
{
	rsmapi_barrier_t bar;
	rsm_memseg_import_handle_t im = mapped(&bar);
	int syncs;

	rsm_memseg_import_open_barrier(&bar);
	syncs = fake_rsm.sync_calls;
	tap_eq(rsm_memseg_import_close_barrier(&bar), RSM_SUCCESS,
	       "close -> 0");
	tap_eq(fake_rsm.sync_calls, syncs + 1, "close asks for a write-back");
	tap_check(fake_rsm.sync_seq < fake_rsm.state_seq,
		  "write-back before the state is read (its failures count)");

	rsm_memseg_import_open_barrier(&bar);
	fake_rsm.sync_code = RSMERR_BARRIER_FAILURE;
	tap_eq(rsm_memseg_import_close_barrier(&bar), RSMERR_BARRIER_FAILURE,
	       "write-back fails -> close 38");
	rsm_memseg_import_open_barrier(&bar);
	fake_rsm.sync_code = RSMERR_CONN_ABORTED;
	tap_eq(rsm_memseg_import_close_barrier(&bar), RSMERR_CONN_ABORTED,
	       "write-back finds the connection gone -> close 40");
	rsm_memseg_import_open_barrier(&bar);
	fake_rsm.sync_code = RSMERR_BARRIER_FAILURE;
	fake_rsm.generation++;
	tap_eq(rsm_memseg_import_close_barrier(&bar), RSMERR_CONN_ABORTED,
	       "write-back fails and generation changed -> close 40 (40 "
	       "outranks 38)");
	fake_rsm.generation--;
	fake_rsm.sync_code = 0;
	rsm_memseg_import_open_barrier(&bar);
	tap_eq(rsm_memseg_import_close_barrier(&bar), RSM_SUCCESS,
	       "the next span is clean -> 0");
	done(im, &bar);
}

static void test_rebind_in_span_fails_close(void)
{
	rsmapi_barrier_t bar;
	rsm_memseg_import_handle_t im = mapped(&bar);

	rsm_memseg_import_open_barrier(&bar);
	fake_rsm.rebinds++;
	tap_eq(rsm_memseg_import_close_barrier(&bar), RSMERR_BARRIER_FAILURE,
	       "exporter rebound during the span -> close 38");
	rsm_memseg_import_open_barrier(&bar);
	tap_eq(rsm_memseg_import_close_barrier(&bar), RSM_SUCCESS,
	       "rebinds before the open do not count -> 0");
	rsm_memseg_import_open_barrier(&bar);
	fake_rsm.rebinds++;
	tap_eq(rsm_memseg_import_close_barrier(&bar), RSMERR_BARRIER_FAILURE,
	       "another rebind -> close 38 again");
	done(im, &bar);

	im = fix_connect_with_barrier(RSM_PERM_RDWR, &bar);
	rsm_memseg_import_open_barrier(&bar);
	fake_rsm.rebinds++;
	tap_eq(rsm_memseg_import_close_barrier(&bar), RSMERR_BARRIER_FAILURE,
	       "rebind during a span without a mapping -> close 38 too");
	rsm_memseg_import_destroy_barrier(&bar);
	rsm_memseg_import_disconnect(im);
}

int main(void)
{
	fix_start();
	P = fix_page();
	fake_rsm.seg_size = 4 * P;
	test_unmapped_handles_ask_nothing();
	test_open_refreshes();
	test_order_writes_back();
	test_close_writes_back();
	test_rebind_in_span_fails_close();
	return tap_finish();
}
