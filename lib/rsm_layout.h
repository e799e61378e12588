/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The LP64 layout of the public RSMAPI types, as the spec (section 2)
 * gives it.  One table, expanded twice: into build-time assertions in
 * rsm_layout.c, and into the runtime checks of the layout unit test.
 *
 * RSM_LAYOUT_SIZES(X): X(type, size in bytes)
 * RSM_LAYOUT_OFFSETS(X): X(type, member, offset in bytes)
 */
#ifndef _RSM_LAYOUT_H
#define _RSM_LAYOUT_H

#define RSM_LAYOUT_SIZES(X)					\
	X(uint_t, 4)						\
	X(ulong_t, 8)						\
	X(uchar_t, 1)						\
	X(caddr_t, 8)						\
	X(offset_t, 8)						\
	X(off_t, 8)						\
	X(minor_t, 4)						\
	X(boolean_t, 4)						\
	X(nfds_t, 8)						\
	X(rsm_addr_t, 8)					\
	X(rsm_node_id_t, 4)					\
	X(rsm_memseg_id_t, 4)					\
	X(rsm_permission_t, 4)					\
	X(rsm_access_size_t, 4)					\
	X(rsm_barrier_type_t, 4)				\
	X(rsm_barrier_mode_t, 4)				\
	X(rsm_attribute_t, 4)					\
	X(rsm_barrier_component_t, 8)				\
	X(rsm_barrier_t, 32)					\
	X(rsmapi_barrier_t, 24)					\
	X(rsm_iovec_t, 40)					\
	X(rsm_scat_gath_t, 48)					\
	X(rsmapi_access_entry_t, 8)				\
	X(rsmapi_controller_attr_t, 64)				\
	X(rsm_topology_hdr_t, 8)				\
	X(rsm_connections_hdr_t, 272)				\
	X(rsm_remote_cntlr_t, 280)				\
	X(rsm_connections_t, 552)				\
	X(rsm_topology_t, 16)

#define RSM_LAYOUT_OFFSETS(X)					\
	X(rsmapi_barrier_t, seg, 0)				\
	X(rsmapi_barrier_t, gnum, 8)				\
	X(rsmapi_barrier_t, privdata, 16)			\
	X(rsm_barrier_t, comp, 0)				\
	X(rsm_iovec_t, io_type, 0)				\
	X(rsm_iovec_t, local, 8)				\
	X(rsm_iovec_t, local.handle, 8)				\
	X(rsm_iovec_t, local.vaddr, 8)				\
	X(rsm_iovec_t, local_offset, 16)			\
	X(rsm_iovec_t, remote_offset, 24)			\
	X(rsm_iovec_t, transfer_length, 32)			\
	X(rsm_scat_gath_t, local_nodeid, 0)			\
	X(rsm_scat_gath_t, io_request_count, 8)			\
	X(rsm_scat_gath_t, io_residual_count, 16)		\
	X(rsm_scat_gath_t, flags, 24)				\
	X(rsm_scat_gath_t, remote_handle, 32)			\
	X(rsm_scat_gath_t, iovec, 40)				\
	X(rsmapi_access_entry_t, ae_node, 0)			\
	X(rsmapi_access_entry_t, ae_permission, 4)		\
	X(rsmapi_controller_attr_t, attr_direct_access_sizes, 0)	\
	X(rsmapi_controller_attr_t, attr_atomic_sizes, 4)	\
	X(rsmapi_controller_attr_t, attr_page_size, 8)		\
	X(rsmapi_controller_attr_t, attr_max_export_segment_size, 16) \
	X(rsmapi_controller_attr_t, attr_tot_export_segment_size, 24) \
	X(rsmapi_controller_attr_t, attr_max_export_segments, 32)	\
	X(rsmapi_controller_attr_t, attr_max_import_map_size, 40)	\
	X(rsmapi_controller_attr_t, attr_tot_import_map_size, 48)	\
	X(rsmapi_controller_attr_t, attr_max_import_segments, 56)	\
	X(rsm_topology_hdr_t, local_nodeid, 0)			\
	X(rsm_topology_hdr_t, local_cntlr_count, 4)		\
	X(rsm_connections_hdr_t, cntlr_name, 0)			\
	X(rsm_connections_hdr_t, local_hwaddr, 256)		\
	X(rsm_connections_hdr_t, remote_cntlr_count, 264)	\
	X(rsm_remote_cntlr_t, remote_nodeid, 0)			\
	X(rsm_remote_cntlr_t, remote_cntlrname, 4)		\
	X(rsm_remote_cntlr_t, remote_hwaddr, 264)		\
	X(rsm_remote_cntlr_t, connection_state, 272)		\
	X(rsm_connections_t, hdr, 0)				\
	X(rsm_connections_t, remote_cntlr, 272)			\
	X(rsm_topology_t, topology_hdr, 0)			\
	X(rsm_topology_t, connections, 8)

#endif /* _RSM_LAYOUT_H */
