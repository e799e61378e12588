/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <sys/rsm/rsmapi_common.h> - types of the RSMAPI user interface:
 * controller and local memory handles, controller attributes, the
 * interconnect topology, barriers, scatter/gather and access lists.
 *
 * The LP64 layouts are part of the Solaris-compatible ABI; librsm checks
 * them at build time.  Applications normally include <rsmapi.h> only.
 */
#ifndef _SYS_RSM_RSMAPI_COMMON_H
#define _SYS_RSM_RSMAPI_COMMON_H

#include <sys/param.h>
#include <sys/rsm/rsm_common.h>

/*
 * The controller names in the topology structs are 256 bytes, as on
 * Solaris.  The arrays are sized with this constant of the header, never
 * with MAXNAMELEN, so that no other header can change the layout librsm
 * was built with.  MAXNAMELEN itself (Linux lacks it) is provided with
 * the same value for programs that size their name buffers with it; a
 * different earlier definition would make those buffers disagree with
 * the structs, so it is refused.
 */
#define _RSM_MAXNAMELEN 256

#ifndef MAXNAMELEN
#define MAXNAMELEN 256
#elif MAXNAMELEN != _RSM_MAXNAMELEN
#error "MAXNAMELEN must be 256 for RSMAPI: define it as 256, or not at all, before <rsmapi.h>"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Opaque handles; the structs are private to librsm. */
typedef struct __rsmapi_controller_handle *rsmapi_controller_handle_t;
typedef struct __rsm_localmemory_handle *rsm_localmemory_handle_t;

/* Controller attributes, as returned by rsm_get_controller_attr(). */
typedef struct {
	uint_t attr_direct_access_sizes;	/* RSM_DAS* bits */
	uint_t attr_atomic_sizes;		/* RSM_DAS* bits */
	size_t attr_page_size;
	size_t attr_max_export_segment_size;
	size_t attr_tot_export_segment_size;
	ulong_t attr_max_export_segments;
	size_t attr_max_import_map_size;
	size_t attr_tot_import_map_size;
	ulong_t attr_max_import_segments;
} rsmapi_controller_attr_t;

/*
 * Interconnect topology, as returned by rsm_get_interconnect_topology().
 * Programs name these types by their Solaris struct tags as well as by
 * their typedefs.  (The other structs here have no tags on Solaris.)
 */
#define RSM_CONNECTION_ACTIVE	3	/* only such connections are usable */

typedef struct rsm_topology_hdr {
	rsm_node_id_t local_nodeid;
	uint_t local_cntlr_count;
} rsm_topology_hdr_t;

typedef struct rsm_connections_hdr {
	char cntlr_name[_RSM_MAXNAMELEN];	/* "<type><unit>" */
	rsm_addr_t local_hwaddr;
	int remote_cntlr_count;
} rsm_connections_hdr_t;

typedef struct rsm_remote_cntlr {
	rsm_node_id_t remote_nodeid;
	char remote_cntlrname[_RSM_MAXNAMELEN];
	rsm_addr_t remote_hwaddr;
	uint_t connection_state;	/* RSM_CONNECTION_ACTIVE when usable */
} rsm_remote_cntlr_t;

typedef struct rsm_connection {
	rsm_connections_hdr_t hdr;
	rsm_remote_cntlr_t remote_cntlr[1];	/* remote_cntlr_count of them */
} rsm_connections_t;

typedef struct rsm_topology {
	rsm_topology_hdr_t topology_hdr;
	rsm_connections_t *connections[1];	/* local_cntlr_count of them */
} rsm_topology_t;

/* Mapping attributes of rsm_memseg_import_map() */
typedef enum {
	RSM_MAP_NONE = 0x0,
	RSM_MAP_FIXED = 0x1,
	RSM_MAP_RESERVED = 0x2
} rsm_attribute_t;

/* Barrier modes of an import segment */
typedef enum {
	RSM_BARRIER_MODE_EXPLICIT = 0,
	RSM_BARRIER_MODE_IMPLICIT = 1
} rsm_barrier_mode_t;

/*
 * Barrier object: allocated by the application, which must zero-fill it
 * before rsm_memseg_import_init_barrier(); its contents are private.
 */
typedef struct {
	void *seg;
	uint16_t gnum;
	void *privdata;
} rsmapi_barrier_t;

/* Scatter/gather */
#define RSM_HANDLE_TYPE		0x01	/* local is an rsm_localmemory_handle_t */
#define RSM_VA_TYPE		0x02	/* local is a virtual address */
#define RSM_MAX_SGIOREQS	16
#define RSM_IMPLICIT_SIGPOST	0x01	/* post one event after the vector */

typedef struct {
	int io_type;
	union {
		rsm_localmemory_handle_t handle;
		caddr_t vaddr;
	} local;
	size_t local_offset;
	size_t remote_offset;
	size_t transfer_length;
} rsm_iovec_t;

typedef struct {
	rsm_node_id_t local_nodeid;
	ulong_t io_request_count;
	ulong_t io_residual_count;
	uint_t flags;
	rsm_memseg_import_handle_t remote_handle;
	rsm_iovec_t *iovec;
} rsm_scat_gath_t;

/* Access list entry of rsm_memseg_export_publish()/republish() */
typedef struct {
	rsm_node_id_t ae_node;
	rsm_permission_t ae_permission;	/* file-like mode, at most 0666 */
} rsmapi_access_entry_t;

#ifdef __cplusplus
}
#endif

#endif /* _SYS_RSM_RSMAPI_COMMON_H */
