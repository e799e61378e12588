// SPDX-License-Identifier: BSD-2-Clause
/*
 * <rsmapi.h> declares all 42 RSMAPI entry points with exactly the
 * prototypes of spec section 3.  Compares types only; nothing is called,
 * so functions the library does not implement yet are checked too.
 */
#include <rsmapi.h>

#include "tap.h"

#define PROTO(fn, type) \
	tap_check(__builtin_types_compatible_p(__typeof__(&fn), type), \
		  "prototype of " #fn)

typedef rsmapi_controller_handle_t ctlr_t;
typedef rsm_memseg_export_handle_t exp_t;
typedef rsm_memseg_import_handle_t imp_t;

static void test_controller_and_topology(void)
{
	PROTO(rsm_get_controller, int (*)(char *, ctlr_t *));
	PROTO(rsm_get_controller_attr,
	      int (*)(ctlr_t, rsmapi_controller_attr_t *));
	PROTO(rsm_release_controller, int (*)(ctlr_t));
	PROTO(rsm_get_interconnect_topology, int (*)(rsm_topology_t **));
	PROTO(rsm_free_interconnect_topology, void (*)(rsm_topology_t *));
	PROTO(rsm_get_segmentid_range,
	      int (*)(const char *, rsm_memseg_id_t *, uint32_t *));
}

static void test_export(void)
{
	PROTO(rsm_memseg_export_create,
	      int (*)(ctlr_t, exp_t *, void *, size_t, uint_t));
	PROTO(rsm_memseg_export_destroy, int (*)(exp_t));
	PROTO(rsm_memseg_export_rebind,
	      int (*)(exp_t, void *, offset_t, size_t));
	PROTO(rsm_memseg_export_publish,
	      int (*)(exp_t, rsm_memseg_id_t *, rsmapi_access_entry_t *,
		      uint_t));
	PROTO(rsm_memseg_export_unpublish, int (*)(exp_t));
	PROTO(rsm_memseg_export_republish,
	      int (*)(exp_t, rsmapi_access_entry_t *, uint_t));
}

static void test_import(void)
{
	PROTO(rsm_memseg_import_connect,
	      int (*)(ctlr_t, rsm_node_id_t, rsm_memseg_id_t,
		      rsm_permission_t, imp_t *));
	PROTO(rsm_memseg_import_disconnect, int (*)(imp_t));
	PROTO(rsm_memseg_import_get, int (*)(imp_t, off_t, void *, size_t));
	PROTO(rsm_memseg_import_get8,
	      int (*)(imp_t, off_t, uint8_t *, ulong_t));
	PROTO(rsm_memseg_import_get16,
	      int (*)(imp_t, off_t, uint16_t *, ulong_t));
	PROTO(rsm_memseg_import_get32,
	      int (*)(imp_t, off_t, uint32_t *, ulong_t));
	PROTO(rsm_memseg_import_get64,
	      int (*)(imp_t, off_t, uint64_t *, ulong_t));
	PROTO(rsm_memseg_import_put, int (*)(imp_t, off_t, void *, size_t));
	PROTO(rsm_memseg_import_put8,
	      int (*)(imp_t, off_t, uint8_t *, ulong_t));
	PROTO(rsm_memseg_import_put16,
	      int (*)(imp_t, off_t, uint16_t *, ulong_t));
	PROTO(rsm_memseg_import_put32,
	      int (*)(imp_t, off_t, uint32_t *, ulong_t));
	PROTO(rsm_memseg_import_put64,
	      int (*)(imp_t, off_t, uint64_t *, ulong_t));
	PROTO(rsm_memseg_import_putv, int (*)(rsm_scat_gath_t *));
	PROTO(rsm_memseg_import_getv, int (*)(rsm_scat_gath_t *));
	PROTO(rsm_memseg_import_map,
	      int (*)(imp_t, void **, rsm_attribute_t, rsm_permission_t,
		      off_t, size_t));
	PROTO(rsm_memseg_import_unmap, int (*)(imp_t));
}

static void test_barriers_events_localmem(void)
{
	PROTO(rsm_memseg_import_init_barrier,
	      int (*)(imp_t, rsm_barrier_type_t, rsmapi_barrier_t *));
	PROTO(rsm_memseg_import_open_barrier, int (*)(rsmapi_barrier_t *));
	PROTO(rsm_memseg_import_order_barrier, int (*)(rsmapi_barrier_t *));
	PROTO(rsm_memseg_import_close_barrier, int (*)(rsmapi_barrier_t *));
	PROTO(rsm_memseg_import_destroy_barrier,
	      int (*)(rsmapi_barrier_t *));
	PROTO(rsm_memseg_import_get_mode, int (*)(imp_t, rsm_barrier_mode_t *));
	PROTO(rsm_memseg_import_set_mode, int (*)(imp_t, rsm_barrier_mode_t));
	PROTO(rsm_intr_signal_post, int (*)(void *, uint_t));
	PROTO(rsm_intr_signal_wait, int (*)(void *, int));
	PROTO(rsm_memseg_get_pollfd, int (*)(void *, struct pollfd *));
	PROTO(rsm_memseg_release_pollfd, int (*)(void *));
	PROTO(rsm_intr_signal_wait_pollfd,
	      int (*)(struct pollfd *, nfds_t, int, int *));
	PROTO(rsm_create_localmemory_handle,
	      int (*)(ctlr_t, rsm_localmemory_handle_t *, caddr_t, size_t));
	PROTO(rsm_free_localmemory_handle,
	      int (*)(ctlr_t, rsm_localmemory_handle_t));
}

/* The handle types are pointers to distinct incomplete structs. */
static void test_handle_types(void)
{
	tap_check(__builtin_types_compatible_p(rsm_memseg_import_handle_t,
		  struct __rsm_memseg_import_handle *), "import handle type");
	tap_check(__builtin_types_compatible_p(rsm_memseg_export_handle_t,
		  struct __rsm_memseg_export_handle *), "export handle type");
	tap_check(__builtin_types_compatible_p(rsmapi_controller_handle_t,
		  struct __rsmapi_controller_handle *), "controller handle type");
	tap_check(__builtin_types_compatible_p(rsm_localmemory_handle_t,
		  struct __rsm_localmemory_handle *), "local memory handle type");
	tap_check(!__builtin_types_compatible_p(rsm_memseg_import_handle_t,
		  rsm_memseg_export_handle_t), "import and export handles differ");
}

int main(void)
{
	tap_start();
	test_controller_and_topology();
	test_export();
	test_import();
	test_barriers_events_localmem();
	test_handle_types();
	if (tap_count != 42 + 5)
		tap_check(false, "42 entry points checked (%d)", tap_count - 5);
	return tap_finish();
}
