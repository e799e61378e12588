// SPDX-License-Identifier: BSD-2-Clause
/*
 * Local memory handles against the stand-in /dev/rsm: spec 3.13 checks in
 * order (checks 115, 117), the descriptor each handle owns and the
 * page-rounded range it asks the kernel to pin, for the loopback and an
 * RDMA controller alike, and kernel errors passed on.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>

#include "import_fixture.h"

static char *buf;	/* 4 pages, page aligned */

static bool fd_is_open(int fd)
{
	return fd >= 0 && fcntl(fd, F_GETFD) >= 0;
}

static void test_create_argument_order(void)
{
	rsm_localmemory_handle_t lh = NULL;
	size_t p = fix_page();
	int opens = fake_rsm.open_calls;

	tap_eq(rsm_create_localmemory_handle(fix_ctl, &lh, buf + 1, p),
	       RSMERR_BAD_ADDR, "check 115: unaligned address -> 16");
	tap_eq(rsm_create_localmemory_handle(NULL, &lh, buf + 1, p),
	       RSMERR_BAD_ADDR,
	       "check 115: NULL controller, unaligned address -> 16 (address first)");
	tap_eq(rsm_create_localmemory_handle(NULL, &lh, buf, p),
	       RSMERR_BAD_CTLR_HNDL, "check 115: NULL controller -> 3");
	tap_eq(rsm_create_localmemory_handle(fix_stranger(), &lh, buf, p),
	       RSMERR_BAD_CTLR_HNDL, "unknown controller pointer -> 3");
	tap_eq(rsm_create_localmemory_handle(fix_ctl, NULL, buf, 0),
	       RSMERR_BAD_LOCALMEM_HNDL,
	       "check 115: NULL l_handle, length 0 -> 15 (before length)");
	tap_eq(rsm_create_localmemory_handle(fix_ctl, &lh, buf, 0),
	       RSMERR_BAD_LENGTH, "check 115: length 0 -> 20");
	tap_eq(rsm_create_localmemory_handle(fix_ctl, &lh, NULL, 0),
	       RSMERR_BAD_LENGTH, "NULL address, length 0 -> 20 (before address)");
	tap_eq(rsm_create_localmemory_handle(fix_ctl, &lh, NULL, p),
	       RSMERR_BAD_ADDR, "NULL address -> 16");
	tap_eq(rsm_create_localmemory_handle(fix_ctl, &lh, buf, SIZE_MAX),
	       RSMERR_BAD_LENGTH, "length that cannot be page-rounded -> 20");
	tap_eq(fake_rsm.open_calls, opens, "rejected arguments open nothing");
	tap_eq(fake_rsm.localmem_calls, 0, "rejected arguments reach no kernel");
}

static void test_create_and_free(rsmapi_controller_handle_t ctl,
	const char *ctl_name)
{
	rsm_localmemory_handle_t lh = NULL;
	int opens = fake_rsm.open_calls, calls = fake_rsm.localmem_calls, fd;

	tap_eq(rsm_create_localmemory_handle(ctl, &lh, buf, 100), RSM_SUCCESS,
	       "check 115: %s: 100 bytes -> 0", ctl_name);
	tap_eq(fake_rsm.open_calls, opens + 1, "%s: one descriptor opened",
	       ctl_name);
	tap_eq(fake_rsm.open_flags & (O_ACCMODE | O_CLOEXEC),
	       O_RDWR | O_CLOEXEC, "%s: opened read/write, close-on-exec",
	       ctl_name);
	tap_eq(fake_rsm.localmem_calls, calls + 1, "%s: one LOCALMEM_CREATE",
	       ctl_name);
	tap_eq(fake_rsm.last_localmem.vaddr, (uintptr_t)buf,
	       "%s: kernel asked to pin from the address", ctl_name);
	tap_eq(fake_rsm.last_localmem.len, fix_page(),
	       "%s: kernel asked to pin the length rounded to a page", ctl_name);
	fd = fake_rsm.localmem_fd;
	tap_check(lh != NULL && lh->fd == fd,
		  "%s: the handle keeps the descriptor it bound", ctl_name);
	tap_eq(lh ? lh->length : 0, 100, "%s: the handle's length is 100",
	       ctl_name);

	tap_eq(rsm_free_localmemory_handle(NULL, lh), RSMERR_BAD_CTLR_HNDL,
	       "check 117: free(NULL, lh) -> 3");
	tap_eq(rsm_free_localmemory_handle(NULL, NULL), RSMERR_BAD_CTLR_HNDL,
	       "free(NULL, NULL) -> 3 (controller first)");
	tap_eq(rsm_free_localmemory_handle(ctl, NULL), RSMERR_BAD_LOCALMEM_HNDL,
	       "check 117: free(ctl, NULL) -> 15");
	tap_eq(rsm_free_localmemory_handle(ctl, fix_stranger()),
	       RSMERR_BAD_LOCALMEM_HNDL, "free(ctl, unknown pointer) -> 15");
	tap_check(fd_is_open(fd), "%s: refused frees keep the descriptor",
		  ctl_name);
	tap_eq(rsm_free_localmemory_handle(ctl, lh), RSM_SUCCESS,
	       "check 117: %s: free -> 0", ctl_name);
	tap_check(!fd_is_open(fd), "%s: free closes the descriptor", ctl_name);
	tap_eq(rsm_free_localmemory_handle(ctl, lh), RSMERR_BAD_LOCALMEM_HNDL,
	       "%s: free again -> 15", ctl_name);

	tap_eq(rsm_create_localmemory_handle(ctl, &lh, buf, 3 * fix_page() + 1),
	       RSM_SUCCESS, "%s: 3 pages + 1 byte -> 0", ctl_name);
	tap_eq(fake_rsm.last_localmem.len, 4 * fix_page(),
	       "%s: pinned as 4 pages", ctl_name);
	rsm_free_localmemory_handle(ctl, lh);
}

static void test_wrong_kind(void)
{
	rsm_memseg_import_handle_t im = fix_connect(RSM_PERM_RDWR);
	rsm_localmemory_handle_t lh = NULL;

	tap_eq(rsm_free_localmemory_handle(fix_ctl, (void *)im),
	       RSMERR_BAD_LOCALMEM_HNDL, "free(ctl, import handle) -> 15");
	tap_eq(rsm_create_localmemory_handle((void *)im, &lh, buf, 100),
	       RSMERR_BAD_CTLR_HNDL, "create with an import handle -> 3");
	rsm_memseg_import_disconnect(im);
}

static void test_kernel_errors(void)
{
	rsm_localmemory_handle_t lh = NULL;
	int fd;

	fake_rsm.fail_code = RSMERR_BAD_ADDR;
	tap_eq(rsm_create_localmemory_handle(fix_ctl, &lh, buf, 100),
	       RSMERR_BAD_ADDR, "kernel says the range is unmapped -> 16");
	fd = fake_rsm.last_fd;
	tap_check(!fd_is_open(fd), "refused create closes its descriptor");
	tap_check(lh == NULL, "refused create stores no handle");
	fake_rsm.fail_errno = ENOMEM;
	tap_eq(rsm_create_localmemory_handle(fix_ctl, &lh, buf, 100),
	       RSMERR_INSUFFICIENT_MEM, "ENOMEM from the kernel -> 32");
}

int main(void)
{
	rsmapi_controller_handle_t rxe;

	fix_start();
	if (posix_memalign((void **)&buf, fix_page(), 4 * fix_page()) != 0) {
		printf("Bail out! no memory\n");
		return 1;
	}
	test_create_argument_order();
	test_create_and_free(fix_ctl, "loopback");
	if (tap_check(rsm_get_controller("rxe0", &rxe) == RSM_SUCCESS,
		      "get controller rxe0")) {
		test_create_and_free(rxe, "rxe0");
		rsm_release_controller(rxe);
	}
	test_wrong_kind();
	test_kernel_errors();
	free(buf);
	return tap_finish();
}
