// SPDX-License-Identifier: BSD-2-Clause
/*
 * Scatter/gather: rsm_memseg_import_putv(), rsm_memseg_import_getv()
 * (spec 2.10, 3.7, A20).
 *
 * The library checks the vector and translates it into the kernel's form
 * (struct rsm_ioc_sg_entry): a virtual-address entry travels as the
 * address plus local_offset with lmem_fd -1, a local memory handle entry
 * as the handle's descriptor plus local_offset.  The kernel moves all
 * entries in order and reports how many completed.
 */
#include <pthread.h>
#include <string.h>

#include "rsm_internal.h"

/**
 * rsm_import_sigpost() - the event RSM_IMPLICIT_SIGPOST asks for
 * @imp: the import handle whose exporter gets the event
 * @flags: 0 or RSM_SIGPOST_NO_ACCUMULATE
 *
 * Posted exactly as rsm_intr_signal_post(@imp, @flags) would (spec 3.7
 * step 7), after the whole vector completed, so the exporter cannot see
 * the event before the data.
 *
 * Return: 0 or the error of the post.
 */
int rsm_import_sigpost(struct __rsm_memseg_import_handle *imp, uint_t flags)
{
	return rsm_signal_post_fd(imp->fd, flags);
}

/*
 * Check one entry (spec 3.7 step 5, in the spec's order) and fill its
 * kernel form.  Return: 0, RSMERR_BAD_SGIO, RSMERR_BAD_ADDR,
 * RSMERR_BAD_OFFSET or RSMERR_BAD_LENGTH.
 */
static int rsm_sgio_entry(const rsm_iovec_t *io, uint64_t lo, uint64_t hi,
	struct rsm_ioc_sg_entry *ke)
{
	const struct __rsm_localmemory_handle *lh = NULL;
	uint64_t len = io->transfer_length;

	memset(ke, 0, sizeof(*ke));
	if (io->io_type == RSM_HANDLE_TYPE) {
		if (!rsm_handle_is_live(io->local.handle, RSM_HANDLE_LOCALMEM))
			return RSMERR_BAD_SGIO;
		lh = io->local.handle;
	} else if (io->io_type != RSM_VA_TYPE) {
		return RSMERR_BAD_SGIO;
	}
	if (io->remote_offset < lo || io->remote_offset > hi ||
	    len > hi - io->remote_offset)
		return RSMERR_BAD_OFFSET;
	if (lh != NULL) {
		if (io->local_offset > lh->length ||
		    len > lh->length - io->local_offset)
			return RSMERR_BAD_LENGTH;
		ke->lmem_fd = lh->fd;
		ke->addr = io->local_offset;
	} else {
		uintptr_t va = (uintptr_t)io->local.vaddr;

		if (io->local_offset > UINTPTR_MAX - va)
			return RSMERR_BAD_ADDR;
		ke->lmem_fd = -1;
		ke->addr = va + io->local_offset;
	}
	ke->remote_offset = io->remote_offset;
	ke->len = len;
	return RSM_SUCCESS;
}

/*
 * Issue the first @count checked entries.  Return: 0 or the error of the
 * first entry that did not complete, with *@done the entries completed.
 */
static int rsm_sgio_issue(struct __rsm_memseg_import_handle *imp, bool put,
	struct rsm_ioc_sg_entry *entries, uint32_t count, uint32_t *done)
{
	struct rsm_ioc_sgio req;
	int err;

	memset(&req, 0, sizeof(req));
	req.entries = (uintptr_t)entries;
	req.count = count;
	err = rsm_seg_ioctl(imp->fd, put ? RSM_IOC_IMPORT_PUTV :
				     RSM_IOC_IMPORT_GETV, &req);
	if (err == RSM_SUCCESS)
		*done = count;
	else
		*done = req.done < count ? req.done : count - 1;
	return err;
}

/* Spec 3.7 steps 4-6 once the vector's header is known to be sane. */
static int rsm_sgio_run(struct __rsm_memseg_import_handle *imp, bool put,
	const rsm_iovec_t *iov, uint32_t count, uint32_t *done)
{
	struct rsm_ioc_sg_entry entries[RSM_MAX_SGIOREQS];
	rsm_permission_t need = put ? RSM_PERM_WRITE : RSM_PERM_READ;
	uint64_t lo, hi;
	uint32_t valid;
	int err = RSM_SUCCESS, xerr;

	*done = 0;
	pthread_mutex_lock(&imp->lock);
	/* Step 4: a local import is moved like put/get; a state, no mapping. */
	if (imp->local && imp->state == RSM_IMPORT_CONNECTED)
		imp->state = RSM_IMPORT_MAPPED_IMPLICIT;
	/*
	 * Unlike put/get, entries reach the whole segment even with an
	 * explicit mapping (spec 1.9: the window restricts put/get only).
	 */
	lo = 0;
	hi = imp->size;
	pthread_mutex_unlock(&imp->lock);
	if ((imp->perm & need) == 0)	/* fixed at connect */
		return RSMERR_PERM_DENIED;
	if (iov == NULL)
		return RSMERR_BAD_SGIO;

	for (valid = 0; valid < count; valid++) {
		err = rsm_sgio_entry(&iov[valid], lo, hi, &entries[valid]);
		if (err)
			break;
	}
	/* Entries before the first bad one are still moved, in order. */
	if (valid > 0) {
		xerr = rsm_sgio_issue(imp, put, entries, valid, done);
		if (xerr)
			return xerr;
	}
	return err;
}

static int rsm_import_sgio(rsm_scat_gath_t *sg_io, bool put)
{
	struct __rsm_memseg_import_handle *imp;
	uint_t flags;
	uint32_t done;
	int err;

	if (sg_io == NULL)					/* step 1 */
		return RSMERR_BAD_SGIO;
	flags = sg_io->flags;
	imp = rsm_import_lookup(sg_io->remote_handle);		/* step 2 */
	if (imp == NULL)
		return RSMERR_BAD_SEG_HNDL;
	if (sg_io->io_request_count == 0 ||			/* step 3 */
	    sg_io->io_request_count > RSM_MAX_SGIOREQS)
		return RSMERR_BAD_SGIO;

	err = rsm_sgio_run(imp, put, sg_io->iovec,		/* steps 4-6 */
			   (uint32_t)sg_io->io_request_count, &done);
	sg_io->io_residual_count = sg_io->io_request_count - done;
	if (err == RSM_SUCCESS && (flags & RSM_IMPLICIT_SIGPOST))	/* 7 */
		err = rsm_import_sigpost(imp, flags & RSM_SIGPOST_NO_ACCUMULATE);
	sg_io->flags = flags;
	return err;
}

RSM_PUBLIC int rsm_memseg_import_putv(rsm_scat_gath_t *sg_io)
{
	return rsm_import_sgio(sg_io, true);
}

RSM_PUBLIC int rsm_memseg_import_getv(rsm_scat_gath_t *sg_io)
{
	return rsm_import_sgio(sg_io, false);
}
