/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared setup of the import-side host tests: a present stand-in
 * /dev/rsm (fake_rsm_device.c), a loopback controller handle, import
 * handles connected through it, and an export handle to pass where an
 * import handle is expected.
 */
#ifndef _RSM_TEST_IMPORT_FIXTURE_H
#define _RSM_TEST_IMPORT_FIXTURE_H

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fake_rsm_device.h"
#include "rsm_internal.h"
#include "tap.h"

#define FIX_SEGID	0x400000u
#define FIX_SIZE	(4 * 4096ULL)	/* segment length the fake reports */

static rsmapi_controller_handle_t fix_ctl;

static inline size_t fix_page(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

/* Bring up the fake device and the loopback controller, or bail out. */
static inline void fix_start(void)
{
	tap_start();
	fake_rsm.present = true;
	fake_rsm.seg_size = FIX_SIZE;
	fake_rsm_reset_requests();
	if (rsm_get_controller("loopback", &fix_ctl) != RSM_SUCCESS) {
		printf("Bail out! no loopback controller from the fake device\n");
		exit(1);
	}
}

static inline rsm_memseg_import_handle_t fix_connect(rsm_permission_t perm)
{
	rsm_memseg_import_handle_t im = NULL;

	if (rsm_memseg_import_connect(fix_ctl, 0, FIX_SEGID, perm, &im) !=
	    RSM_SUCCESS || im == NULL) {
		printf("Bail out! connect through the fake device failed\n");
		exit(1);
	}
	return im;
}

/* Connected, with an initialised barrier: the spec's "setup I". */
static inline rsm_memseg_import_handle_t fix_connect_with_barrier(
	rsm_permission_t perm, rsmapi_barrier_t *bar)
{
	rsm_memseg_import_handle_t im = fix_connect(perm);

	memset(bar, 0, sizeof(*bar));
	if (rsm_memseg_import_init_barrier(im, RSM_BARRIER_SEGMENT, bar) !=
	    RSM_SUCCESS) {
		printf("Bail out! init_barrier failed\n");
		exit(1);
	}
	return im;
}

/* An export handle: the wrong kind for every import function. */
static inline rsm_memseg_export_handle_t fix_export(void)
{
	static void *mem;
	rsm_memseg_export_handle_t e = NULL;

	if (mem == NULL && posix_memalign(&mem, fix_page(), fix_page()) != 0)
		mem = NULL;
	if (mem == NULL ||
	    rsm_memseg_export_create(fix_ctl, &e, mem, fix_page(), 0) !=
	    RSM_SUCCESS) {
		printf("Bail out! export create through the fake device failed\n");
		exit(1);
	}
	return e;
}

/* A pointer the library never handed out. */
static inline void *fix_stranger(void)
{
	static long stranger[8];

	return stranger;
}

#endif /* _RSM_TEST_IMPORT_FIXTURE_H */
