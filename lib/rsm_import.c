// SPDX-License-Identifier: BSD-2-Clause
/*
 * Import segments: rsm_memseg_import_connect(), _disconnect() and the put
 * and get functions (spec 1.3, 1.9, 3.5, 3.6).
 *
 * Each import handle owns a descriptor on /dev/rsm, bound to the remote
 * segment by RSM_IOC_IMPORT_CONNECT; closing it disconnects.  The library
 * checks every argument the spec checks, in the spec's order, before a
 * request reaches the kernel, so the kernel only reports what it alone can
 * know: memory faults, revoked connections, interrupted waits.
 *
 * Every transfer completes in the kernel before the ioctl returns (a local
 * segment is copied by the CPU, a remote one by RDMA with a wait for the
 * completion), so put and get are synchronous in both barrier modes; the
 * modes differ only in who is told about a failure (spec 1.5, 3.6 step 10).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rsm_internal.h"

/* Source of import handle cookies; 0 is never handed out. */
static uint32_t rsm_import_cookie_next;

/**
 * rsm_import_lookup() - the import handle behind an application pointer
 * @im_memseg: any pointer
 *
 * Return: the handle if @im_memseg is a live import handle, else NULL.
 */
struct __rsm_memseg_import_handle *rsm_import_lookup(
	rsm_memseg_import_handle_t im_memseg)
{
	if (im_memseg == NULL ||
	    !rsm_handle_is_live(im_memseg, RSM_HANDLE_IMPORT))
		return NULL;
	return im_memseg;
}

static uint32_t rsm_import_new_cookie(void)
{
	uint32_t c;

	do {
		c = __atomic_add_fetch(&rsm_import_cookie_next, 1,
				       __ATOMIC_RELAXED);
	} while (c == 0);
	return c;
}

RSM_PUBLIC int rsm_memseg_import_connect(rsmapi_controller_handle_t controller,
	rsm_node_id_t node_id, rsm_memseg_id_t segment_id,
	rsm_permission_t perm, rsm_memseg_import_handle_t *im_memseg)
{
	struct rsm_ioc_import_connect req;
	struct __rsm_memseg_import_handle *imp;
	int err, fd;

	if (controller == NULL ||
	    !rsm_handle_is_live(controller, RSM_HANDLE_CONTROLLER))
		return RSMERR_BAD_CTLR_HNDL;
	if (im_memseg == NULL)
		return RSMERR_BAD_SEG_HNDL;
	*im_memseg = NULL;
	imp = calloc(1, sizeof(*imp));
	if (imp == NULL)
		return RSMERR_INSUFFICIENT_MEM;
	if (perm & ~(rsm_permission_t)RSM_PERM_RDWR) {
		free(imp);
		return RSMERR_PERM_DENIED;
	}
	memset(&req, 0, sizeof(req));
	snprintf(req.ctlr, sizeof(req.ctlr), "%s", controller->id.canon);
	req.nodeid = node_id;
	req.segid = segment_id;
	req.perm = perm;
	err = rsm_seg_fd_bind(RSM_IOC_IMPORT_CONNECT, &req, &fd);
	if (err) {
		free(imp);
		return err;
	}

	imp->fd = fd;
	imp->controller = controller;
	imp->perm = perm;
	imp->size = req.size;
	imp->generation = req.generation;
	imp->local = req.local != 0;
	imp->cookie = rsm_import_new_cookie();
	imp->state = RSM_IMPORT_CONNECTED;
	imp->mode = RSM_BARRIER_MODE_IMPLICIT;
	pthread_mutex_init(&imp->lock, NULL);
	rsm_handle_register(&imp->hdr, RSM_HANDLE_IMPORT);
	*im_memseg = imp;
	return RSM_SUCCESS;
}

RSM_PUBLIC int rsm_memseg_import_disconnect(rsm_memseg_import_handle_t im_memseg)
{
	struct __rsm_memseg_import_handle *imp = rsm_import_lookup(im_memseg);

	if (imp == NULL)
		return RSMERR_BAD_SEG_HNDL;
	pthread_mutex_lock(&imp->lock);
	if (imp->state == RSM_IMPORT_MAPPED_EXPLICIT) {
		pthread_mutex_unlock(&imp->lock);
		return RSMERR_SEG_STILL_MAPPED;
	}
	/* The implicit "mapping" is only a state: nothing to unmap. */
	if (imp->state == RSM_IMPORT_MAPPED_IMPLICIT)
		imp->state = RSM_IMPORT_CONNECTED;
	if (imp->pollfd_refs > 0) {
		pthread_mutex_unlock(&imp->lock);
		return RSMERR_POLLFD_IN_USE;
	}
	pthread_mutex_unlock(&imp->lock);

	rsm_handle_unregister(&imp->hdr);
	/* the kernel tears the connection down when the descriptor closes */
	close(imp->fd);
	pthread_mutex_destroy(&imp->lock);
	free(imp);
	return RSM_SUCCESS;
}

/*
 * [offset, offset + count * width) inside [lo, hi), computed so that
 * nothing overflows: count * width <= hi - offset exactly when
 * count <= (hi - offset) / width.
 */
static bool rsm_import_range_ok(uint64_t lo, uint64_t hi, off_t offset,
	uint64_t count, uint64_t width)
{
	if (offset < 0 || (uint64_t)offset < lo || (uint64_t)offset > hi)
		return false;
	return count <= (hi - (uint64_t)offset) / width;
}

/*
 * Step 7: the connection's permission, and that of an explicit mapping
 * (spec A7: a put through a read-only mapping is refused, not faulted).
 * Caller holds imp->lock.
 */
static bool rsm_import_may(const struct __rsm_memseg_import_handle *imp,
	rsm_permission_t need)
{
	if ((imp->perm & need) == 0)
		return false;
	return imp->state != RSM_IMPORT_MAPPED_EXPLICIT ||
	       (imp->map_perm & need) != 0;
}

/*
 * What put and get share (spec 3.6): @count elements of @width bytes
 * between @local and segment offset @offset.
 */
static int rsm_import_xfer(rsm_memseg_import_handle_t im_memseg, off_t offset,
	void *local, uint64_t count, unsigned int width, bool put)
{
	struct __rsm_memseg_import_handle *imp;
	rsm_permission_t need = put ? RSM_PERM_WRITE : RSM_PERM_READ;
	rsm_barrier_mode_t mode;
	struct rsm_ioc_xfer req;
	uint64_t lo, hi;
	int err;

	if (im_memseg == NULL)					/* step 1 */
		return RSMERR_BAD_SEG_HNDL;
	if (local == NULL)					/* step 2 */
		return RSMERR_BAD_ADDR;
	if ((uintptr_t)local % width != 0)			/* step 3 */
		return RSMERR_BAD_MEM_ALIGNMENT;
	if (offset % (off_t)width != 0)				/* step 4 */
		return RSMERR_BAD_MEM_ALIGNMENT;
	imp = rsm_import_lookup(im_memseg);			/* step 5 */
	if (imp == NULL)
		return RSMERR_BAD_SEG_HNDL;

	pthread_mutex_lock(&imp->lock);
	/*
	 * Step 6: transfers go through the kernel and need no mapping, but
	 * the handle enters MAPPED-IMPLICIT as the spec's state machine
	 * requires, so that map and disconnect see the state they expect.
	 * An explicit mapping stays what it is and confines the range.
	 */
	if (imp->state == RSM_IMPORT_CONNECTED)
		imp->state = RSM_IMPORT_MAPPED_IMPLICIT;
	rsm_import_reach(imp, &lo, &hi);
	if (!rsm_import_may(imp, need))				/* step 7 */
		err = RSMERR_PERM_DENIED;
	else if (!rsm_import_range_ok(lo, hi, offset, count, width))
		err = RSMERR_BAD_OFFSET;			/* step 8 */
	else if (imp->mode == RSM_BARRIER_MODE_IMPLICIT &&
		 imp->barrier == NULL)				/* step 9 */
		err = RSMERR_BARRIER_UNINITIALIZED;
	else
		err = RSM_SUCCESS;
	mode = imp->mode;
	pthread_mutex_unlock(&imp->lock);
	if (err != RSM_SUCCESS || count == 0)
		return err;

	memset(&req, 0, sizeof(req));				/* step 10 */
	req.offset = (uint64_t)offset;
	req.addr = (uintptr_t)local;
	req.len = count * width;
	req.width = width;
	err = rsm_seg_ioctl(imp->fd, put ? RSM_IOC_IMPORT_PUT :
				     RSM_IOC_IMPORT_GET, &req);
	if (err == RSM_SUCCESS || mode == RSM_BARRIER_MODE_IMPLICIT)
		return err;
	/* Explicit mode: the failure belongs to the next close_barrier. */
	pthread_mutex_lock(&imp->lock);
	imp->failures++;
	pthread_mutex_unlock(&imp->lock);
	return RSM_SUCCESS;
}

RSM_PUBLIC int rsm_memseg_import_get(rsm_memseg_import_handle_t im_memseg,
	off_t offset, void *dst_addr, size_t length)
{
	return rsm_import_xfer(im_memseg, offset, dst_addr, length, 1, false);
}

RSM_PUBLIC int rsm_memseg_import_get8(rsm_memseg_import_handle_t im_memseg,
	off_t offset, uint8_t *datap, ulong_t rep_cnt)
{
	return rsm_import_xfer(im_memseg, offset, datap, rep_cnt, 1, false);
}

RSM_PUBLIC int rsm_memseg_import_get16(rsm_memseg_import_handle_t im_memseg,
	off_t offset, uint16_t *datap, ulong_t rep_cnt)
{
	return rsm_import_xfer(im_memseg, offset, datap, rep_cnt, 2, false);
}

RSM_PUBLIC int rsm_memseg_import_get32(rsm_memseg_import_handle_t im_memseg,
	off_t offset, uint32_t *datap, ulong_t rep_cnt)
{
	return rsm_import_xfer(im_memseg, offset, datap, rep_cnt, 4, false);
}

RSM_PUBLIC int rsm_memseg_import_get64(rsm_memseg_import_handle_t im_memseg,
	off_t offset, uint64_t *datap, ulong_t rep_cnt)
{
	return rsm_import_xfer(im_memseg, offset, datap, rep_cnt, 8, false);
}

RSM_PUBLIC int rsm_memseg_import_put(rsm_memseg_import_handle_t im_memseg,
	off_t offset, void *src_addr, size_t length)
{
	return rsm_import_xfer(im_memseg, offset, src_addr, length, 1, true);
}

RSM_PUBLIC int rsm_memseg_import_put8(rsm_memseg_import_handle_t im_memseg,
	off_t offset, uint8_t *datap, ulong_t rep_cnt)
{
	return rsm_import_xfer(im_memseg, offset, datap, rep_cnt, 1, true);
}

RSM_PUBLIC int rsm_memseg_import_put16(rsm_memseg_import_handle_t im_memseg,
	off_t offset, uint16_t *datap, ulong_t rep_cnt)
{
	return rsm_import_xfer(im_memseg, offset, datap, rep_cnt, 2, true);
}

RSM_PUBLIC int rsm_memseg_import_put32(rsm_memseg_import_handle_t im_memseg,
	off_t offset, uint32_t *datap, ulong_t rep_cnt)
{
	return rsm_import_xfer(im_memseg, offset, datap, rep_cnt, 4, true);
}

RSM_PUBLIC int rsm_memseg_import_put64(rsm_memseg_import_handle_t im_memseg,
	off_t offset, uint64_t *datap, ulong_t rep_cnt)
{
	return rsm_import_xfer(im_memseg, offset, datap, rep_cnt, 8, true);
}
