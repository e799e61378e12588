/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <rsmapi.h> - the RSMAPI (Remote Shared Memory API) of librsm, link with
 * -lrsm.  This is the only header applications include; it provides the
 * Solaris names, types, constants and prototypes so that programs written
 * for Solaris compile unchanged.  See rsmapi(3).
 */
#ifndef _RSMAPI_H
#define _RSMAPI_H

#include <poll.h>
#include <sys/param.h>
#include <sys/rsm/rsm_common.h>
#include <sys/rsm/rsmapi_common.h>	/* also MAXNAMELEN, 256 */

/*
 * Documentation names this barrier type but Solaris headers never defined
 * it; documented examples use it, so provide it.
 */
#define RSM_BAR_DEFAULT RSM_BARRIER_SEGMENT

#ifdef __cplusplus
extern "C" {
#endif

/* Controllers */
int rsm_get_controller(char *name, rsmapi_controller_handle_t *controller);
int rsm_get_controller_attr(rsmapi_controller_handle_t chdl,
	rsmapi_controller_attr_t *attr);
int rsm_release_controller(rsmapi_controller_handle_t controller);

/* Topology */
int rsm_get_interconnect_topology(rsm_topology_t **topology_data);
void rsm_free_interconnect_topology(rsm_topology_t *topology_data);

/* Export side */
int rsm_memseg_export_create(rsmapi_controller_handle_t controller,
	rsm_memseg_export_handle_t *memseg, void *vaddr, size_t length,
	uint_t flags);
int rsm_memseg_export_destroy(rsm_memseg_export_handle_t memseg);
int rsm_memseg_export_rebind(rsm_memseg_export_handle_t memseg, void *vaddr,
	offset_t off, size_t length);
int rsm_memseg_export_publish(rsm_memseg_export_handle_t memseg,
	rsm_memseg_id_t *segment_id, rsmapi_access_entry_t access_list[],
	uint_t access_list_length);
int rsm_memseg_export_unpublish(rsm_memseg_export_handle_t memseg);
int rsm_memseg_export_republish(rsm_memseg_export_handle_t memseg,
	rsmapi_access_entry_t access_list[], uint_t access_list_length);

/* Import side: connection */
int rsm_memseg_import_connect(rsmapi_controller_handle_t controller,
	rsm_node_id_t node_id, rsm_memseg_id_t segment_id,
	rsm_permission_t perm, rsm_memseg_import_handle_t *im_memseg);
int rsm_memseg_import_disconnect(rsm_memseg_import_handle_t im_memseg);

/* Import side: data transfer */
int rsm_memseg_import_get(rsm_memseg_import_handle_t im_memseg, off_t offset,
	void *dst_addr, size_t length);
int rsm_memseg_import_get8(rsm_memseg_import_handle_t im_memseg,
	off_t offset, uint8_t *datap, ulong_t rep_cnt);
int rsm_memseg_import_get16(rsm_memseg_import_handle_t im_memseg,
	off_t offset, uint16_t *datap, ulong_t rep_cnt);
int rsm_memseg_import_get32(rsm_memseg_import_handle_t im_memseg,
	off_t offset, uint32_t *datap, ulong_t rep_cnt);
int rsm_memseg_import_get64(rsm_memseg_import_handle_t im_memseg,
	off_t offset, uint64_t *datap, ulong_t rep_cnt);
int rsm_memseg_import_put(rsm_memseg_import_handle_t im_memseg, off_t offset,
	void *src_addr, size_t length);
int rsm_memseg_import_put8(rsm_memseg_import_handle_t im_memseg,
	off_t offset, uint8_t *datap, ulong_t rep_cnt);
int rsm_memseg_import_put16(rsm_memseg_import_handle_t im_memseg,
	off_t offset, uint16_t *datap, ulong_t rep_cnt);
int rsm_memseg_import_put32(rsm_memseg_import_handle_t im_memseg,
	off_t offset, uint32_t *datap, ulong_t rep_cnt);
int rsm_memseg_import_put64(rsm_memseg_import_handle_t im_memseg,
	off_t offset, uint64_t *datap, ulong_t rep_cnt);

/* Import side: scatter/gather */
int rsm_memseg_import_putv(rsm_scat_gath_t *sg_io);
int rsm_memseg_import_getv(rsm_scat_gath_t *sg_io);

/* Import side: mapping */
int rsm_memseg_import_map(rsm_memseg_import_handle_t im_memseg,
	void **address, rsm_attribute_t attr, rsm_permission_t perm,
	off_t offset, size_t length);
int rsm_memseg_import_unmap(rsm_memseg_import_handle_t im_memseg);

/* Import side: barriers */
int rsm_memseg_import_init_barrier(rsm_memseg_import_handle_t im_memseg,
	rsm_barrier_type_t type, rsmapi_barrier_t *barrier);
int rsm_memseg_import_open_barrier(rsmapi_barrier_t *barrier);
int rsm_memseg_import_order_barrier(rsmapi_barrier_t *barrier);
int rsm_memseg_import_close_barrier(rsmapi_barrier_t *barrier);
int rsm_memseg_import_destroy_barrier(rsmapi_barrier_t *barrier);
int rsm_memseg_import_get_mode(rsm_memseg_import_handle_t im_memseg,
	rsm_barrier_mode_t *mode);
int rsm_memseg_import_set_mode(rsm_memseg_import_handle_t im_memseg,
	rsm_barrier_mode_t mode);

/* Events; memseg is an export or an import handle */
int rsm_intr_signal_post(void *memseg, uint_t flags);
int rsm_intr_signal_wait(void *memseg, int timeout);
int rsm_memseg_get_pollfd(void *memseg, struct pollfd *fd);
int rsm_memseg_release_pollfd(void *memseg);
int rsm_intr_signal_wait_pollfd(struct pollfd fds[], nfds_t nfds,
	int timeout, int *numfdsp);

/* Local memory handles for scatter/gather */
int rsm_create_localmemory_handle(rsmapi_controller_handle_t handle,
	rsm_localmemory_handle_t *l_handle, caddr_t local_vaddr,
	size_t length);
int rsm_free_localmemory_handle(rsmapi_controller_handle_t handle,
	rsm_localmemory_handle_t l_handle);

/* Segment id ranges administered in /etc/rsm/rsm.segmentid */
int rsm_get_segmentid_range(const char *appid, rsm_memseg_id_t *baseid,
	uint32_t *length);

#ifdef __cplusplus
}
#endif

#endif /* _RSMAPI_H */
