// SPDX-License-Identifier: BSD-2-Clause
/*
 * rsm_memseg_import_connect() and _disconnect() against the stand-in
 * /dev/rsm: spec 3.5 checks in order (checks 40, 43, 49), the descriptor
 * each handle owns, what the kernel is asked, kernel errors passed on,
 * and the disconnect preconditions of spec 1.9 (10, 34).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "import_fixture.h"

static bool fd_is_open(int fd)
{
	return fd >= 0 && fcntl(fd, F_GETFD) >= 0;
}

static void test_connect_argument_order(void)
{
	rsm_memseg_import_handle_t im;
	int opens = fake_rsm.open_calls;

	tap_eq(rsm_memseg_import_connect(NULL, 0, FIX_SEGID, RSM_PERM_RDWR,
					 NULL), RSMERR_BAD_CTLR_HNDL,
	       "connect(NULL ctl, NULL out) -> 3: controller checked first");
	tap_eq(rsm_memseg_import_connect(fix_stranger(), 0, FIX_SEGID,
					 RSM_PERM_RDWR, &im),
	       RSMERR_BAD_CTLR_HNDL, "connect with an unknown controller -> 3");
	tap_eq(rsm_memseg_import_connect(fix_ctl, 0, FIX_SEGID, RSM_PERM_RDWR,
					 NULL), RSMERR_BAD_SEG_HNDL,
	       "check 43: connect(..., NULL) -> 5");

	im = fix_stranger();
	tap_eq(rsm_memseg_import_connect(fix_ctl, 0, FIX_SEGID, 0700, &im),
	       RSMERR_PERM_DENIED, "check 40: perm 0700 -> 27");
	tap_check(im == NULL, "failed connect leaves *im_memseg NULL");
	tap_eq(rsm_memseg_import_connect(fix_ctl, 0, FIX_SEGID, 0001, &im),
	       RSMERR_PERM_DENIED, "check 40: perm 0001 -> 27");
	tap_eq(fake_rsm.open_calls, opens,
	       "rejected arguments open no descriptor");
	tap_eq(fake_rsm.connect_calls, 0, "rejected arguments reach no kernel");
}

static void test_connect_request(void)
{
	rsm_memseg_import_handle_t im = NULL;
	int opens = fake_rsm.open_calls;

	fake_rsm.generation = 7;
	tap_eq(rsm_memseg_import_connect(fix_ctl, 3, 0x123456, RSM_PERM_READ,
					 &im), RSM_SUCCESS, "connect -> 0");
	tap_eq(fake_rsm.open_calls, opens + 1, "connect opens a descriptor");
	tap_eq(fake_rsm.open_flags & (O_ACCMODE | O_CLOEXEC),
	       O_RDWR | O_CLOEXEC, "opened read/write, close-on-exec");
	tap_check(strcmp(fake_rsm.last_connect.ctlr, "loopback") == 0,
		  "kernel asked through controller \"loopback\"");
	tap_eq(fake_rsm.last_connect.nodeid, 3, "kernel asked for node 3");
	tap_eq(fake_rsm.last_connect.segid, 0x123456, "kernel asked for the id");
	tap_eq(fake_rsm.last_connect.perm, RSM_PERM_READ,
	       "kernel asked for the permission");
	tap_check(im != NULL && im->fd == fake_rsm.connect_fd,
		  "the handle keeps the descriptor it connected");
	tap_check(im != NULL && (fcntl(im->fd, F_GETFD) & FD_CLOEXEC),
		  "the handle's descriptor is close-on-exec");
	tap_eq(im ? im->size : 0, FIX_SIZE, "segment size from the kernel");
	tap_eq(im ? im->generation : 0, 7, "generation from the kernel");
	tap_eq(im ? im->state : 0, RSM_IMPORT_CONNECTED, "state CONNECTED");
	tap_eq(im ? im->mode : 9, RSM_BARRIER_MODE_IMPLICIT,
	       "barrier mode IMPLICIT after connect");
	tap_check(im != NULL && im->barrier == NULL, "no barrier after connect");
	fake_rsm.generation = 0;
	rsm_memseg_import_disconnect(im);

	tap_eq(rsm_memseg_import_connect(fix_ctl, 0, FIX_SEGID, 0, &im),
	       RSM_SUCCESS, "check 41: connect with perm 0 -> 0");
	rsm_memseg_import_disconnect(im);
}

static void test_connect_through_rdma_controller(void)
{
	rsmapi_controller_handle_t rxe;
	rsm_memseg_import_handle_t im = NULL;

	if (!tap_check(rsm_get_controller("rxe0", &rxe) == RSM_SUCCESS,
		       "get controller rxe0"))
		return;
	tap_eq(rsm_memseg_import_connect(rxe, 2, FIX_SEGID, RSM_PERM_RDWR, &im),
	       RSM_SUCCESS, "connect through rxe0 -> 0");
	tap_check(strcmp(fake_rsm.last_connect.ctlr, "rxe0") == 0,
		  "kernel asked through controller \"rxe0\"");
	rsm_memseg_import_disconnect(im);
	rsm_release_controller(rxe);
}

static void test_connect_kernel_errors(void)
{
	rsm_memseg_import_handle_t im;
	int fd;

	im = fix_stranger();
	fake_rsm.fail_code = RSMERR_SEG_NOT_PUBLISHED;
	tap_eq(rsm_memseg_import_connect(fix_ctl, 0, FIX_SEGID, RSM_PERM_RDWR,
					 &im), RSMERR_SEG_NOT_PUBLISHED,
	       "check 44: kernel's RSMERR_SEG_NOT_PUBLISHED -> 7");
	fd = fake_rsm.last_fd;
	tap_check(im == NULL, "refused connect leaves *im_memseg NULL");
	tap_check(!fd_is_open(fd), "refused connect closes its descriptor");

	fake_rsm.fail_code = RSMERR_CTLR_NOT_PRESENT;
	tap_eq(rsm_memseg_import_connect(fix_ctl, 1, FIX_SEGID, RSM_PERM_RDWR,
					 &im), RSMERR_CTLR_NOT_PRESENT,
	       "check 47: kernel's RSMERR_CTLR_NOT_PRESENT -> 4");
	fake_rsm.fail_errno = EINTR;
	tap_eq(rsm_memseg_import_connect(fix_ctl, 0, FIX_SEGID, RSM_PERM_RDWR,
					 &im), RSMERR_INTERRUPTED,
	       "EINTR from the kernel -> RSMERR_INTERRUPTED (41)");
	fake_rsm.present = false;
	tap_eq(rsm_memseg_import_connect(fix_ctl, 0, FIX_SEGID, RSM_PERM_RDWR,
					 &im), RSMERR_CTLR_NOT_PRESENT,
	       "/dev/rsm gone -> RSMERR_CTLR_NOT_PRESENT (4)");
	fake_rsm.present = true;
}

static void test_disconnect(void)
{
	rsm_memseg_import_handle_t im = fix_connect(RSM_PERM_RDWR);
	rsm_memseg_export_handle_t e = fix_export();
	rsm_barrier_mode_t mode;
	uint8_t b = 0;
	int fd = im->fd;

	tap_eq(rsm_memseg_import_disconnect(NULL), RSMERR_BAD_SEG_HNDL,
	       "check 49: disconnect(NULL) -> 5");
	tap_eq(rsm_memseg_import_disconnect((void *)e), RSMERR_BAD_SEG_HNDL,
	       "disconnect(export handle) -> 5");
	tap_eq(rsm_memseg_import_disconnect(fix_stranger()),
	       RSMERR_BAD_SEG_HNDL, "disconnect(unknown pointer) -> 5");

	im->pollfd_refs = 1;
	tap_eq(rsm_memseg_import_disconnect(im), RSMERR_POLLFD_IN_USE,
	       "pollfd reference held: disconnect -> 34");
	tap_eq(rsm_memseg_import_get_mode(im, &mode), RSM_SUCCESS,
	       "handle still usable after the refused disconnect");
	tap_check(fd_is_open(fd), "descriptor still open after 34");
	im->pollfd_refs = 0;

	im->state = RSM_IMPORT_MAPPED_EXPLICIT;
	tap_eq(rsm_memseg_import_disconnect(im), RSMERR_SEG_STILL_MAPPED,
	       "explicitly mapped: disconnect -> 10");
	im->state = RSM_IMPORT_CONNECTED;

	rsm_memseg_import_set_mode(im, RSM_BARRIER_MODE_EXPLICIT);
	rsm_memseg_import_put8(im, 0, &b, 1);
	tap_eq(im->state, RSM_IMPORT_MAPPED_IMPLICIT,
	       "a put makes the handle MAPPED-IMPLICIT");
	im->pollfd_refs = 1;
	rsm_memseg_import_disconnect(im);
	tap_eq(im->state, RSM_IMPORT_CONNECTED,
	       "disconnect drops the implicit mapping before the pollfd check");
	im->pollfd_refs = 0;

	tap_eq(rsm_memseg_import_disconnect(im), RSM_SUCCESS,
	       "check 49: disconnect -> 0");
	tap_check(!fd_is_open(fd), "disconnect closes the handle's descriptor");
	tap_eq(rsm_memseg_import_disconnect(im), RSMERR_BAD_SEG_HNDL,
	       "disconnect of a disconnected handle -> 5");
	rsm_memseg_export_destroy(e);
}

int main(void)
{
	fix_start();
	test_connect_argument_order();
	test_connect_request();
	test_connect_through_rdma_controller();
	test_connect_kernel_errors();
	test_disconnect();
	return tap_finish();
}
