// SPDX-License-Identifier: BSD-2-Clause
/*
 * Mapping an import segment: rsm_memseg_import_map(), _unmap()
 * (spec 1.9, 2.7, 3.10, A6, A8).
 *
 * The mapping is an mmap() of the import's own descriptor; the file offset
 * is the segment offset.  The kernel decides what the pages are: the
 * exporter's own pages on the same node, or a cache of the remote segment
 * that it fills by RDMA READ and writes back on RSM_IOC_MAP_SYNC (see
 * <rsm_ioctl.h>).  The library checks the arguments in the spec's order,
 * keeps the window, and asks for a write-back before the mapping goes.
 */
#include <errno.h>
#include <pthread.h>
#include <sys/mman.h>

#include "rsm_internal.h"

/* What a failed mmap() of an import descriptor means (spec 3.10 step 9). */
static int rsm_map_errno(int err)
{
	switch (err) {
	case EACCES:
		return RSMERR_BAD_PERMS;	/* beyond the connection's perm */
	case ECONNABORTED:
		return RSMERR_CONN_ABORTED;
	case EINVAL:
	case ENOMEM:
		return RSMERR_BAD_LENGTH;	/* range, overflow, no VA space */
	case EAGAIN:
		return RSMERR_INSUFFICIENT_RESOURCES;
	case EBUSY:
		return RSMERR_SEG_ALREADY_MAPPED;
	default:
		return RSMERR_MAP_FAILED;
	}
}

static int rsm_map_prot(rsm_permission_t perm)
{
	int prot = PROT_NONE;

	if (perm & RSM_PERM_READ)
		prot |= PROT_READ;
	if (perm & RSM_PERM_WRITE)
		prot |= PROT_WRITE;
	return prot;
}

/*
 * Steps 4-8 of spec 3.10, on a CONNECTED handle.  The window fits the
 * segment; *@maplen receives @length rounded up to pages.
 */
static int rsm_map_check(const struct __rsm_memseg_import_handle *imp,
	void *hint, rsm_attribute_t attr, rsm_permission_t perm,
	off_t offset, size_t length, size_t *maplen)
{
	size_t page = rsm_page_size();

	if (perm > RSM_PERM_RDWR)				/* step 4 */
		return RSMERR_BAD_PERMS;
	if (length == 0)					/* step 5 */
		return RSMERR_BAD_LENGTH;
	if (offset < 0 || (uint64_t)offset > imp->size ||	/* step 6 */
	    length > imp->size - (uint64_t)offset)
		return RSMERR_BAD_LENGTH;
	if ((uint64_t)offset % page != 0)			/* step 7 */
		return RSMERR_BAD_MEM_ALIGNMENT;
	if ((attr & RSM_MAP_FIXED) && (uintptr_t)hint % page != 0)
		return RSMERR_BAD_MEM_ALIGNMENT;		/* step 8 */
	if (length > SIZE_MAX - (page - 1))
		return RSMERR_BAD_LENGTH;
	*maplen = (length + page - 1) / page * page;
	return RSM_SUCCESS;
}

RSM_PUBLIC int rsm_memseg_import_map(rsm_memseg_import_handle_t im_memseg,
	void **address, rsm_attribute_t attr, rsm_permission_t perm,
	off_t offset, size_t length)
{
	struct __rsm_memseg_import_handle *imp;
	size_t maplen = 0;
	void *addr;
	int err;

	if (im_memseg == NULL)					/* step 1 */
		return RSMERR_BAD_SEG_HNDL;
	if (address == NULL)
		return RSMERR_BAD_ADDR;
	/* Steps 2 and 3 both need a live import handle to look at. */
	imp = rsm_import_lookup(im_memseg);
	if (imp == NULL)
		return RSMERR_BAD_SEG_HNDL;

	/*
	 * The lock is held across mmap() so that the handle cannot be
	 * mapped twice or disconnected half way; no check returns with it
	 * held (spec A8).
	 */
	pthread_mutex_lock(&imp->lock);
	if (imp->state == RSM_IMPORT_MAPPED_IMPLICIT ||		/* step 2 */
	    imp->state == RSM_IMPORT_MAPPED_EXPLICIT)
		err = RSMERR_SEG_ALREADY_MAPPED;
	else if (imp->state != RSM_IMPORT_CONNECTED)		/* step 3 */
		err = RSMERR_BAD_SEG_HNDL;
	else
		err = rsm_map_check(imp, *address, attr, perm, offset, length,
				    &maplen);
	if (err != RSM_SUCCESS)
		goto out;

	addr = mmap(*address, maplen, rsm_map_prot(perm),	/* step 9 */
		    MAP_SHARED | ((attr & RSM_MAP_FIXED) ? MAP_FIXED : 0),
		    imp->fd, offset);
	if (addr == MAP_FAILED) {
		err = rsm_map_errno(errno);
		goto out;
	}
	imp->map_offset = (uint64_t)offset;			/* step 10 */
	imp->map_length = length;
	imp->map_addr = addr;
	imp->map_len = maplen;
	imp->map_perm = perm;
	imp->state = RSM_IMPORT_MAPPED_EXPLICIT;
	*address = addr;
out:
	pthread_mutex_unlock(&imp->lock);
	return err;
}

RSM_PUBLIC int rsm_memseg_import_unmap(rsm_memseg_import_handle_t im_memseg)
{
	struct __rsm_memseg_import_handle *imp = rsm_import_lookup(im_memseg);
	int err = RSM_SUCCESS;

	if (imp == NULL)
		return RSMERR_BAD_SEG_HNDL;
	pthread_mutex_lock(&imp->lock);
	switch (imp->state) {
	case RSM_IMPORT_MAPPED_EXPLICIT:
		/*
		 * Stores not yet written back go out now (the kernel would
		 * also write them back when the mapping ends).  Unmap has
		 * no error for a failed write-back; the kernel counts it in
		 * the import's errors, so a barrier open across the unmap
		 * reports it at close.
		 */
		(void)rsm_seg_ioctl(imp->fd, RSM_IOC_MAP_SYNC, NULL);
		munmap(imp->map_addr, imp->map_len);
		imp->map_addr = NULL;
		imp->map_len = 0;
		imp->map_offset = 0;
		imp->map_length = 0;
		imp->map_perm = 0;
		imp->state = RSM_IMPORT_CONNECTED;
		break;
	case RSM_IMPORT_MAPPED_IMPLICIT:
		/* Put/get move data through the kernel: only a state. */
		imp->state = RSM_IMPORT_CONNECTED;
		break;
	default:
		err = RSMERR_SEG_NOT_MAPPED;
		break;
	}
	pthread_mutex_unlock(&imp->lock);
	return err;
}
