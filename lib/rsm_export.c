// SPDX-License-Identifier: BSD-2-Clause
/*
 * Export segments: rsm_memseg_export_create(), _destroy(), _publish(),
 * _unpublish(), _republish(), _rebind() (spec 1.8, 3.4).
 *
 * Each export segment owns a descriptor on /dev/rsm, bound to the segment
 * by RSM_IOC_EXPORT_CREATE; closing it destroys the segment in the kernel.
 * The library checks the arguments the spec checks before anything reaches
 * the kernel; the kernel checks state, creator, ids and access lists in the
 * spec's order and answers with RSMERR codes.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rsm_internal.h"

static struct __rsm_memseg_export_handle *rsm_export_lookup(
	rsm_memseg_export_handle_t memseg)
{
	if (memseg == NULL || !rsm_handle_is_live(memseg, RSM_HANDLE_EXPORT))
		return NULL;
	return memseg;
}

RSM_PUBLIC int rsm_memseg_export_create(rsmapi_controller_handle_t controller,
	rsm_memseg_export_handle_t *memseg, void *vaddr, size_t length,
	uint_t flags)
{
	struct rsm_ioc_export_create req;
	struct __rsm_memseg_export_handle *seg;
	size_t page = rsm_page_size();
	int err, fd;

	if (controller == NULL ||
	    !rsm_handle_is_live(controller, RSM_HANDLE_CONTROLLER))
		return RSMERR_BAD_CTLR_HNDL;
	if (memseg == NULL)
		return RSMERR_BAD_SEG_HNDL;
	*memseg = NULL;
	if (vaddr == NULL)
		return RSMERR_BAD_ADDR;
	if (length == 0)
		return RSMERR_BAD_LENGTH;
	if ((uintptr_t)vaddr % page || length % page)
		return RSMERR_BAD_MEM_ALIGNMENT;
	if (!controller->id.loopback &&
	    length > controller->attr.attr_max_export_segment_size)
		return RSMERR_BAD_LENGTH;

	seg = calloc(1, sizeof(*seg));
	if (seg == NULL)
		return RSMERR_INSUFFICIENT_MEM;
	memset(&req, 0, sizeof(req));
	snprintf(req.ctlr, sizeof(req.ctlr), "%s", controller->id.canon);
	req.vaddr = (uintptr_t)vaddr;
	req.len = length;
	req.flags = flags;
	err = rsm_seg_fd_bind(RSM_IOC_EXPORT_CREATE, &req, &fd);
	if (err) {
		free(seg);
		return err;
	}
	seg->fd = fd;
	seg->controller = controller;
	seg->vaddr = vaddr;
	seg->length = length;
	seg->flags = flags;
	pthread_mutex_init(&seg->lock, NULL);
	rsm_handle_register(&seg->hdr, RSM_HANDLE_EXPORT);
	*memseg = seg;
	return RSM_SUCCESS;
}

RSM_PUBLIC int rsm_memseg_export_destroy(rsm_memseg_export_handle_t memseg)
{
	struct __rsm_memseg_export_handle *seg = rsm_export_lookup(memseg);

	if (seg == NULL)
		return RSMERR_BAD_SEG_HNDL;
	pthread_mutex_lock(&seg->lock);
	if (seg->pollfd_refs > 0) {
		pthread_mutex_unlock(&seg->lock);
		return RSMERR_POLLFD_IN_USE;
	}
	pthread_mutex_unlock(&seg->lock);

	rsm_handle_unregister(&seg->hdr);
	/* the kernel unpublishes (importers are cut off) and unpins */
	close(seg->fd);
	pthread_mutex_destroy(&seg->lock);
	free(seg);
	return RSM_SUCCESS;
}

RSM_PUBLIC int rsm_memseg_export_publish(rsm_memseg_export_handle_t memseg,
	rsm_memseg_id_t *segment_id, rsmapi_access_entry_t access_list[],
	uint_t access_list_length)
{
	struct __rsm_memseg_export_handle *seg;
	struct rsm_ioc_export_publish req;
	int err;

	if (segment_id == NULL)
		return RSMERR_BAD_SEGID;
	seg = rsm_export_lookup(memseg);
	if (seg == NULL)
		return RSMERR_BAD_SEG_HNDL;
	if (access_list_length > 0 && access_list == NULL)
		return RSMERR_BAD_ACL;

	memset(&req, 0, sizeof(req));
	req.segid = *segment_id;
	req.acl_len = access_list_length;
	req.acl = (uintptr_t)access_list;
	err = rsm_seg_ioctl(seg->fd, RSM_IOC_EXPORT_PUBLISH, &req);
	if (err == RSM_SUCCESS)
		*segment_id = req.segid;
	return err;
}

RSM_PUBLIC int rsm_memseg_export_unpublish(rsm_memseg_export_handle_t memseg)
{
	struct __rsm_memseg_export_handle *seg = rsm_export_lookup(memseg);

	if (seg == NULL)
		return RSMERR_BAD_SEG_HNDL;
	return rsm_seg_ioctl(seg->fd, RSM_IOC_EXPORT_UNPUBLISH, NULL);
}

RSM_PUBLIC int rsm_memseg_export_republish(rsm_memseg_export_handle_t memseg,
	rsmapi_access_entry_t access_list[], uint_t access_list_length)
{
	struct __rsm_memseg_export_handle *seg = rsm_export_lookup(memseg);
	struct rsm_ioc_export_publish req;

	if (seg == NULL)
		return RSMERR_BAD_SEG_HNDL;
	/* the kernel checks in the spec's order: 7, a NULL list (21), 12 */
	memset(&req, 0, sizeof(req));
	req.acl_len = access_list_length;
	req.acl = (uintptr_t)access_list;
	return rsm_seg_ioctl(seg->fd, RSM_IOC_EXPORT_REPUBLISH, &req);
}

RSM_PUBLIC int rsm_memseg_export_rebind(rsm_memseg_export_handle_t memseg,
	void *vaddr, offset_t off, size_t length)
{
	struct __rsm_memseg_export_handle *seg = rsm_export_lookup(memseg);
	struct rsm_ioc_export_rebind req;
	int err;

	(void)off;	/* documented as unused */
	if (seg == NULL)
		return RSMERR_BAD_SEG_HNDL;
	if (vaddr == NULL)
		return RSMERR_BAD_ADDR;
	memset(&req, 0, sizeof(req));
	req.vaddr = (uintptr_t)vaddr;
	req.len = length;
	err = rsm_seg_ioctl(seg->fd, RSM_IOC_EXPORT_REBIND, &req);
	if (err == RSM_SUCCESS) {
		pthread_mutex_lock(&seg->lock);
		seg->vaddr = vaddr;
		pthread_mutex_unlock(&seg->lock);
	}
	return err;
}
