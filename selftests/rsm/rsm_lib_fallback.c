// SPDX-License-Identifier: GPL-2.0-only
/*
 * Weak stand-ins for librsm entry points the library may not have yet (the
 * import side is written while these tests are).  The Makefile links
 * librsm.a whole, so every function the library does define overrides its
 * stand-in here; the stand-ins only let the test programs link.  Each one
 * says once that it was called and fails with RSMERR_INTERNAL_ERROR, a code
 * no test expects, so a test can never pass through one.
 */
#include <rsmapi.h>
#include <stdio.h>

static int missing(const char *fn, int *said)
{
	if (!*said) {
		*said = 1;
		fprintf(stderr, "# librsm has no %s: test build fallback used\n",
			fn);
	}
	return RSMERR_INTERNAL_ERROR;
}

#define FALLBACK(name, params)						\
	int __attribute__((weak)) name params				\
	{								\
		static int said;					\
		return missing(#name, &said);				\
	}

FALLBACK(rsm_memseg_import_connect, (rsmapi_controller_handle_t c,
	 rsm_node_id_t n, rsm_memseg_id_t s, rsm_permission_t p,
	 rsm_memseg_import_handle_t *i))
FALLBACK(rsm_memseg_import_disconnect, (rsm_memseg_import_handle_t i))
FALLBACK(rsm_memseg_import_get, (rsm_memseg_import_handle_t i, off_t o,
	 void *d, size_t l))
FALLBACK(rsm_memseg_import_get8, (rsm_memseg_import_handle_t i, off_t o,
	 uint8_t *d, ulong_t r))
FALLBACK(rsm_memseg_import_get16, (rsm_memseg_import_handle_t i, off_t o,
	 uint16_t *d, ulong_t r))
FALLBACK(rsm_memseg_import_get32, (rsm_memseg_import_handle_t i, off_t o,
	 uint32_t *d, ulong_t r))
FALLBACK(rsm_memseg_import_get64, (rsm_memseg_import_handle_t i, off_t o,
	 uint64_t *d, ulong_t r))
FALLBACK(rsm_memseg_import_put, (rsm_memseg_import_handle_t i, off_t o,
	 void *d, size_t l))
FALLBACK(rsm_memseg_import_put8, (rsm_memseg_import_handle_t i, off_t o,
	 uint8_t *d, ulong_t r))
FALLBACK(rsm_memseg_import_put16, (rsm_memseg_import_handle_t i, off_t o,
	 uint16_t *d, ulong_t r))
FALLBACK(rsm_memseg_import_put32, (rsm_memseg_import_handle_t i, off_t o,
	 uint32_t *d, ulong_t r))
FALLBACK(rsm_memseg_import_put64, (rsm_memseg_import_handle_t i, off_t o,
	 uint64_t *d, ulong_t r))
FALLBACK(rsm_memseg_import_putv, (rsm_scat_gath_t *sg))
FALLBACK(rsm_memseg_import_getv, (rsm_scat_gath_t *sg))
FALLBACK(rsm_memseg_import_init_barrier, (rsm_memseg_import_handle_t i,
	 rsm_barrier_type_t t, rsmapi_barrier_t *b))
FALLBACK(rsm_memseg_import_open_barrier, (rsmapi_barrier_t *b))
FALLBACK(rsm_memseg_import_order_barrier, (rsmapi_barrier_t *b))
FALLBACK(rsm_memseg_import_close_barrier, (rsmapi_barrier_t *b))
FALLBACK(rsm_memseg_import_destroy_barrier, (rsmapi_barrier_t *b))
FALLBACK(rsm_memseg_import_get_mode, (rsm_memseg_import_handle_t i,
	 rsm_barrier_mode_t *m))
FALLBACK(rsm_memseg_import_set_mode, (rsm_memseg_import_handle_t i,
	 rsm_barrier_mode_t m))
FALLBACK(rsm_create_localmemory_handle, (rsmapi_controller_handle_t c,
	 rsm_localmemory_handle_t *l, caddr_t v, size_t len))
FALLBACK(rsm_free_localmemory_handle, (rsmapi_controller_handle_t c,
	 rsm_localmemory_handle_t l))
