/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Shared setup of the libimc host tests: TAP reporting (librsm's tap.h),
 * the stand-in /dev/rsm (fake_imc_device.c) answering as a member host,
 * and a process that called imc_api_init() through it.
 */
#ifndef _IMC_TEST_FIXTURE_H
#define _IMC_TEST_FIXTURE_H

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/imc.h>

#include "fake_imc_device.h"
#include "../../lib/tests/tap.h"

/* A test that waits in the library longer than this has hung. */
#define FIX_TIMEOUT_S	30

static inline size_t fix_page(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

/* TAP header, default answers, no RSM_DEVICE override; not initialized. */
static inline void fix_start_uninit(void)
{
	tap_start();
	alarm(FIX_TIMEOUT_S);
	unsetenv("RSM_DEVICE");
	fake_imc_defaults();
	fake_imc_reset();
}

/* As fix_start_uninit(), then imc_api_init() through the fake, or bail. */
static inline void fix_start(void)
{
	fix_start_uninit();
	if (imc_api_init(NULL) != IMC_SUCCESS) {
		printf("Bail out! imc_api_init() through the fake device failed\n");
		exit(1);
	}
	fake_imc_reset();
}

/* imc_asalloc() of a region with the fake's id, or bail. */
static inline imc_asid_t fix_alloc(void)
{
	imc_asid_t id = 0;

	if (imc_asalloc(0x1234, 8192, IMC_URW, 0, &id, 0) != IMC_SUCCESS ||
	    id <= 0) {
		printf("Bail out! imc_asalloc() through the fake device failed\n");
		exit(1);
	}
	return id;
}

/* imc_asattach() in @dir, or bail. */
static inline caddr_t fix_attach(imc_asid_t id, imc_dir_t dir, int flag)
{
	caddr_t a = NULL;

	if (imc_asattach(id, dir, IMC_SHARED, flag, &a) != IMC_SUCCESS || !a) {
		printf("Bail out! imc_asattach() through the fake device failed\n");
		exit(1);
	}
	return a;
}

#endif /* _IMC_TEST_FIXTURE_H */
