// SPDX-License-Identifier: BSD-2-Clause
/*
 * Local memory handles: rsm_create_localmemory_handle(),
 * rsm_free_localmemory_handle() (spec 1.4, 3.13).
 *
 * A handle pins a local buffer once so that putv/getv entries can name it
 * instead of a virtual address.  It owns a descriptor on /dev/rsm bound by
 * RSM_IOC_LOCALMEM_CREATE over the page-rounded range; closing it unpins.
 * The loopback controller gets the same kind of handle: a local import is
 * copied by the CPU, and the kernel resolves handle entries the same way
 * for every controller.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rsm_internal.h"

RSM_PUBLIC int rsm_create_localmemory_handle(rsmapi_controller_handle_t handle,
	rsm_localmemory_handle_t *l_handle, caddr_t local_vaddr, size_t length)
{
	struct __rsm_localmemory_handle *lh;
	struct rsm_ioc_localmem req;
	size_t page = rsm_page_size();
	int err, fd;

	/* The address comes first, before the controller (spec 3.13). */
	if ((uintptr_t)local_vaddr % page != 0)
		return RSMERR_BAD_ADDR;
	if (handle == NULL || !rsm_handle_is_live(handle, RSM_HANDLE_CONTROLLER))
		return RSMERR_BAD_CTLR_HNDL;
	if (l_handle == NULL)
		return RSMERR_BAD_LOCALMEM_HNDL;
	if (length == 0)
		return RSMERR_BAD_LENGTH;
	/* A NULL address is aligned, but no memory to pin (spec 3.13). */
	if (local_vaddr == NULL)
		return RSMERR_BAD_ADDR;
	if (length > SIZE_MAX - (page - 1))
		return RSMERR_BAD_LENGTH;

	lh = calloc(1, sizeof(*lh));
	if (lh == NULL)
		return RSMERR_INSUFFICIENT_MEM;
	memset(&req, 0, sizeof(req));
	req.vaddr = (uintptr_t)local_vaddr;
	req.len = (length + page - 1) / page * page;
	err = rsm_seg_fd_bind(RSM_IOC_LOCALMEM_CREATE, &req, &fd);
	if (err) {
		free(lh);
		return err;
	}
	lh->fd = fd;
	lh->controller = handle;
	lh->vaddr = local_vaddr;
	lh->length = length;
	rsm_handle_register(&lh->hdr, RSM_HANDLE_LOCALMEM);
	*l_handle = lh;
	return RSM_SUCCESS;
}

RSM_PUBLIC int rsm_free_localmemory_handle(rsmapi_controller_handle_t handle,
	rsm_localmemory_handle_t l_handle)
{
	if (handle == NULL || !rsm_handle_is_live(handle, RSM_HANDLE_CONTROLLER))
		return RSMERR_BAD_CTLR_HNDL;
	if (l_handle == NULL ||
	    !rsm_handle_is_live(l_handle, RSM_HANDLE_LOCALMEM))
		return RSMERR_BAD_LOCALMEM_HNDL;
	rsm_handle_unregister(&l_handle->hdr);
	/* the kernel unpins once no putv/getv uses the memory any more */
	close(l_handle->fd);
	free(l_handle);
	return RSM_SUCCESS;
}
