// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsm: moving data through an import - put and get of every width,
 * scatter/gather, and the requests on an import descriptor.
 *
 * Same-node imports copy with the CPU, a page at a time under the
 * exporter's io_rwsem; remote ones move by RDMA on the connection the
 * import was made on (rsm_xfer.c), holding the import's io_rwsem so that
 * revocation can wait for them.  User memory is never touched while a
 * lock, a bounce slot or an endpoint reference is held: it is copied to a
 * kernel buffer (small transfers) or pinned (large ones) first.
 */
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/highmem.h>
#include <linux/uaccess.h>
#include <linux/sched.h>

#include "rsm_loc.h"

/**
 * rsm_import_xfer_status - the RSMAPI result of a transfer
 * @imp: import
 * @err: result of rsm_rdma_rw() or rsm_rdma_rw_vec()
 *
 * A failure on the wire aborts the import.
 *
 * Return: 0 or an RSMERR code.
 */
int rsm_import_xfer_status(struct rsm_import *imp, int err)
{
	switch (err) {
	case 0:
		return 0;
	case -EFAULT:
		return RSMERR_BAD_ADDR;
	case -ENOMEM:
		return RSMERR_INSUFFICIENT_RESOURCES;
	default:
		/* the wire failed: on RC that is the connection */
		atomic64_inc(&imp->errors);
		rsm_import_abort(imp);
		return RSMERR_CONN_ABORTED;
	}
}

/* One exporter page of a same-node transfer, under the export's io_rwsem. */
static int rsm_import_local_page(struct rsm_import *imp, bool write, u64 o,
				 void *kbuf, const struct rsm_lbuf *lb,
				 u64 done, size_t n, u32 width)
{
	struct rsm_export *exp = imp->exp;
	void *kaddr;
	int ret = 0;

	down_read(&exp->io_rwsem);
	if (READ_ONCE(imp->aborted)) {
		up_read(&exp->io_rwsem);
		return RSMERR_CONN_ABORTED;
	}
	kaddr = kmap_local_page(exp->pages[o >> PAGE_SHIFT]);
	if (kbuf && write)
		rsm_copy_kernel_elems(kaddr + offset_in_page(o), kbuf, n, width);
	else if (kbuf)
		rsm_copy_kernel_elems(kbuf, kaddr + offset_in_page(o), n, width);
	else if (rsm_lbuf_copy(lb, done, kaddr + offset_in_page(o), n, !write,
			       width))
		ret = RSMERR_BAD_ADDR;
	kunmap_local(kaddr);
	up_read(&exp->io_rwsem);
	return ret;
}

/*
 * Same node: copy with the CPU, one exporter page at a time under its
 * io_rwsem.  User memory is copied through a kernel page outside the lock,
 * so a stalled fault never holds up a revocation.
 */
static int rsm_import_rw_local(struct rsm_import *imp, bool write, u64 off,
			       const struct rsm_lbuf *lb, u64 len, u32 width)
{
	void *kbuf = NULL;
	u64 done = 0;
	int ret = 0;

	if (!lb->pages && !lb->kbuf) {
		kbuf = kmalloc(PAGE_SIZE, GFP_KERNEL);
		if (!kbuf)
			return RSMERR_INSUFFICIENT_MEM;
	}
	while (done < len && !ret) {
		u64 o = off + done;
		size_t n = min_t(u64, len - done, PAGE_SIZE - offset_in_page(o));

		if (kbuf && write &&
		    rsm_copy_user_elems(kbuf, lb->uaddr + done, n, false, width))
			ret = RSMERR_BAD_ADDR;
		if (!ret)
			ret = rsm_import_local_page(imp, write, o, kbuf, lb, done,
						    n, width);
		if (!ret && kbuf && !write &&
		    rsm_copy_user_elems(kbuf, lb->uaddr + done, n, true, width))
			ret = RSMERR_BAD_ADDR;
		done += n;
		cond_resched();	/* a 1 GiB copy must not hog the CPU */
	}
	kfree(kbuf);
	return ret;
}

/**
 * rsm_import_begin_remote - start a transfer of a remote import
 * @imp: remote import
 * @epp: out, the endpoint the import was made through (user reference)
 *
 * Holds io_rwsem for reading (revocation waits for us), with the current
 * keys; rsm_import_end_remote() ends it.
 *
 * Return: 0 or an RSMERR code.
 */
int rsm_import_begin_remote(struct rsm_import *imp, struct rsm_ep **epp)
{
	int ret, tries = 0;

	down_read(&imp->io_rwsem);
	for (;;) {
		if (READ_ONCE(imp->aborted)) {
			ret = RSMERR_CONN_ABORTED;
			goto err;
		}
		if (imp->keys_gen == imp->want_gen)
			break;
		up_read(&imp->io_rwsem);
		ret = rsm_import_refresh_keys(imp);
		if (!ret && ++tries > RSM_KEY_RETRIES) {
			rsm_import_abort(imp);
			ret = RSMERR_CONN_ABORTED;
		}
		if (ret)
			return ret;
		down_read(&imp->io_rwsem);
	}
	*epp = rsm_ep_get_active(imp->conn, imp->ep_id);
	if (*epp)
		return 0;
	rsm_import_abort(imp);
	ret = RSMERR_CONN_ABORTED;
err:
	up_read(&imp->io_rwsem);
	return ret;
}

/**
 * rsm_import_end_remote - end what rsm_import_begin_remote() started
 * @imp: remote import
 * @ep: its endpoint
 */
void rsm_import_end_remote(struct rsm_import *imp, struct rsm_ep *ep)
{
	rsm_ep_put_user(ep);
	up_read(&imp->io_rwsem);
}

/* Why user memory could not be pinned, as the spec's error. */
static int rsm_pin_status(int err)
{
	return err == -EFAULT ? RSMERR_BAD_ADDR : RSMERR_INSUFFICIENT_RESOURCES;
}

/*
 * Remote: small transfers go through a kernel copy of the user buffer,
 * large ones from its pinned pages; either is ready before the transfer
 * holds io_rwsem, a bounce slot or the endpoint.
 */
static int rsm_import_rw_remote(struct rsm_import *imp, bool write, u64 uaddr,
				u64 off, u64 len, u32 w)
{
	struct rsm_lbuf lb = { .uaddr = uaddr };
	struct rsm_ep *ep;
	int ret;

	if (len <= RSM_BOUNCE_SIZE) {
		lb.kbuf = kmalloc(len, GFP_KERNEL);
		if (!lb.kbuf)
			return RSMERR_INSUFFICIENT_MEM;
		ret = write ? rsm_copy_user_elems(lb.kbuf, uaddr, len, false,
						  w) : 0;
	} else {
		ret = rsm_lbuf_pin_user(&lb, len, write);
	}
	if (ret) {
		ret = rsm_pin_status(ret);
		goto out;
	}
	ret = rsm_import_begin_remote(imp, &ep);
	if (ret)
		goto out;
	ret = rsm_rdma_rw(ep, write, imp->keys, imp->chunk_shift, off, &lb,
			  len, &imp->aborted, imp->perm & 0400);
	rsm_import_end_remote(imp, ep);
	ret = rsm_import_xfer_status(imp, ret);
	if (!ret && !write && lb.kbuf &&
	    rsm_copy_user_elems(lb.kbuf, uaddr, len, true, w))
		ret = RSMERR_BAD_ADDR;
out:
	rsm_lbuf_unpin_user(&lb, write);
	kfree(lb.kbuf);
	return ret;
}

static long rsm_import_xfer(struct rsm_import *imp, bool write,
			    void __user *uarg)
{
	struct rsm_ioc_xfer req;
	struct rsm_lbuf lb = {};
	u32 w;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	w = req.width;
	if (req.flags || (w != 1 && w != 2 && w != 4 && w != 8))
		return -EINVAL;
	if (!req.addr && req.len)
		return RSMERR_BAD_ADDR;
	if ((req.addr | req.offset | req.len) & (w - 1))
		return RSMERR_BAD_MEM_ALIGNMENT;
	if (!(imp->perm & (write ? 0200 : 0400)))
		return RSMERR_PERM_DENIED;
	if (req.offset > imp->size || req.len > imp->size - req.offset)
		return RSMERR_BAD_OFFSET;
	if (!req.len)
		return 0;
	if (imp->exp) {
		lb.uaddr = req.addr;
		return rsm_import_rw_local(imp, write, req.offset, &lb,
					   req.len, w);
	}
	return rsm_import_rw_remote(imp, write, req.addr, req.offset, req.len,
				    w);
}

/* Check one scatter/gather entry.  Return: 0 or an RSMERR code. */
static int rsm_sg_entry_check(struct rsm_import *imp,
			      const struct rsm_ioc_sg_entry *e,
			      struct rsm_localmem **lmp, struct rsm_lbuf *lb)
{
	struct rsm_localmem *lm;

	if (e->pad)
		return RSMERR_BAD_SGIO;
	if (e->lmem_fd >= 0) {
		lm = rsm_localmem_from_fd(e->lmem_fd);
		if (!lm)
			return RSMERR_BAD_SGIO;
		*lmp = lm;
		if (e->addr > lm->len || e->len > lm->len - e->addr)
			return RSMERR_BAD_LENGTH;
		lb->pages = lm->pages;
		lb->pgoff = e->addr;
	} else {
		if (!e->addr && e->len)
			return RSMERR_BAD_ADDR;
		lb->uaddr = e->addr;
	}
	if (e->remote_offset > imp->size ||
	    e->len > imp->size - e->remote_offset)
		return RSMERR_BAD_OFFSET;
	return 0;
}

struct rsm_sgio_state {
	struct rsm_ioc_sg_entry	ent[RSM_SGIO_MAX];
	struct rsm_localmem	*lm[RSM_SGIO_MAX];
	struct rsm_lbuf		lb[RSM_SGIO_MAX];	/* per entry */
	struct rsm_lbuf		plb[RSM_SGIO_MAX];	/* per piece */
	u64			roff[RSM_SGIO_MAX];
	u64			len[RSM_SGIO_MAX];
	unsigned int		idx[RSM_SGIO_MAX];	/* entry of a piece */
};

/* Move entries [0, n); *done counts those completed. */
static int rsm_sgio_move(struct rsm_import *imp, bool write,
			 struct rsm_sgio_state *st, unsigned int n,
			 unsigned int *done)
{
	unsigned int i, np = 0, pdone;
	struct rsm_ep *ep;
	int ret = 0;

	*done = 0;
	if (imp->exp) {
		for (i = 0; i < n && !ret; i++) {
			if (st->ent[i].len)
				ret = rsm_import_rw_local(imp, write,
							  st->ent[i].remote_offset,
							  &st->lb[i],
							  st->ent[i].len, 1);
			if (!ret)
				*done = i + 1;
		}
		return ret;
	}

	for (i = 0; i < n; i++) {
		if (!st->ent[i].len)
			continue;
		st->roff[np] = st->ent[i].remote_offset;
		st->len[np] = st->ent[i].len;
		st->plb[np] = st->lb[i];
		st->idx[np] = i;
		np++;
	}
	if (!np) {
		*done = n;
		return READ_ONCE(imp->aborted) ? RSMERR_CONN_ABORTED : 0;
	}
	ret = rsm_import_begin_remote(imp, &ep);
	if (ret)
		return ret;
	ret = rsm_rdma_rw_vec(ep, write, imp->keys, imp->chunk_shift, np,
			      st->roff, st->plb, st->len, &imp->aborted,
			      imp->perm & 0400, &pdone);
	rsm_import_end_remote(imp, ep);
	/* entries complete in order; empty ones with their predecessor */
	*done = pdone == np ? n : st->idx[pdone];
	return rsm_import_xfer_status(imp, ret);
}

static long rsm_import_sgio(struct rsm_import *imp, bool write,
			    void __user *uarg)
{
	struct rsm_ioc_sgio req;
	struct rsm_sgio_state *st;
	unsigned int i, n, done = 0;
	int ret, err = 0;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (!req.count || req.count > RSM_SGIO_MAX)
		return RSMERR_BAD_SGIO;
	st = kzalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	ret = -EFAULT;
	if (copy_from_user(st->ent, u64_to_user_ptr(req.entries),
			   req.count * sizeof(st->ent[0])))
		goto out;

	ret = RSMERR_PERM_DENIED;
	if (!(imp->perm & (write ? 0200 : 0400)))
		goto out;
	for (n = 0; n < req.count; n++) {
		err = rsm_sg_entry_check(imp, &st->ent[n], &st->lm[n],
					 &st->lb[n]);
		/* user memory pinned now: nothing below touches it */
		if (!err && !st->lm[n] && st->ent[n].len)
			err = rsm_lbuf_pin_user(&st->lb[n], st->ent[n].len,
						write);
		if (err) {
			err = err < 0 ? rsm_pin_status(err) : err;
			break;
		}
	}
	ret = rsm_sgio_move(imp, write, st, n, &done);
	if (!ret)
		ret = err;
out:
	for (i = 0; i < RSM_SGIO_MAX; i++) {
		rsm_lbuf_unpin_user(&st->lb[i], write);
		if (st->lm[i])
			rsm_localmem_put(st->lm[i]);
	}
	kfree(st);
	req.done = done;
	if (ret >= 0 && put_user(req.done, &((struct rsm_ioc_sgio __user *)
					     uarg)->done))
		return -EFAULT;
	return ret;
}

static long rsm_import_state(struct rsm_import *imp, void __user *uarg)
{
	struct rsm_ioc_import_state st = {};

	st.aborted = READ_ONCE(imp->aborted);
	st.generation = st.aborted ? 2 : 1;
	st.errors = atomic64_read(&imp->errors);
	st.rebinds = imp->exp ? READ_ONCE(imp->exp->bind_gen) :
				READ_ONCE(imp->rebinds);
	return copy_to_user(uarg, &st, sizeof(st)) ? -EFAULT : 0;
}

/**
 * rsm_import_ioctl - requests on a descriptor bound to an import
 * @imp: the import
 * @cmd: ioctl command
 * @uarg: its argument
 *
 * Return: 0, an RSMERR code, or a negative errno.
 */
long rsm_import_ioctl(struct rsm_import *imp, unsigned int cmd,
		      void __user *uarg)
{
	switch (cmd) {
	case RSM_IOC_IMPORT_PUT:
		return rsm_import_xfer(imp, true, uarg);
	case RSM_IOC_IMPORT_GET:
		return rsm_import_xfer(imp, false, uarg);
	case RSM_IOC_IMPORT_PUTV:
		return rsm_import_sgio(imp, true, uarg);
	case RSM_IOC_IMPORT_GETV:
		return rsm_import_sgio(imp, false, uarg);
	case RSM_IOC_IMPORT_STATE:
		return rsm_import_state(imp, uarg);
	case RSM_IOC_MAP_SYNC:
		return rsm_map_sync(imp);
	case RSM_IOC_MAP_REFRESH:
		return rsm_map_refresh(imp);
#ifdef RSM_TEST_HOOKS
	case RSM_IOC_TEST_RDMA:
		return rsm_test_rdma_ioctl(imp, uarg);
#endif
	default:
		return -ENOTTY;
	}
}
