// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsm: the initiator's data path (put, get, putv/getv, the pages of remote
 * mappings) on the RDMA core's read/write API.
 *
 * A transfer is cut into operations, each one rdma_rw context: a run of at
 * most ep->rw_pages local pages that falls inside one chunk of the remote
 * segment (one remote key).  The core maps the pages for the device,
 * builds work requests within the device's limits and, where the
 * transport needs it (the sink of an RDMA READ on iWARP), registers the
 * local pages with a memory region from the QP's pool.  What stays here:
 * the send queue credits, the window of operations one transfer keeps in
 * flight (within the endpoint's bound in bytes, rsm_pace.c), the wait for
 * their completions, and the order of failures.
 *
 * Every context lives between rsm_rw_op_start() and rsm_rw_op_retire() and
 * is counted in ep->rw_live; teardown (rsm_rw_quiesce()) drains the send
 * queue and waits for that count to reach zero before the QP goes, since a
 * context gives its memory region back to the QP's pool when destroyed.
 * Posts take sq_rwsem before credits, as every post does (rsm_xfer.c).
 *
 * Small transfers (callers copy them to kernel memory first) take the same
 * path: a single work request on a buffer the core maps.  Large ones move
 * zero-copy from the caller's pinned pages.  The remote address of segment
 * offset X is X itself (see rsm_proto.h).
 */
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/scatterlist.h>
#include <rdma/rw.h>

#include "rsm_tp.h"

/* Operations (rdma_rw contexts) one endpoint has at most. */
#define RSM_RW_CTXS		32
/* Local pages of one operation, at most. */
#define RSM_RW_OP_PAGES		32
/* Operations in flight per transfer: RDMA WRITEs, RDMA READs. */
#define RSM_RW_WRITE_WINDOW	16
#define RSM_RW_READ_WINDOW	8
/*
 * Soft-RoCE only: its responder answers a deep queue of RDMA READs an
 * order of magnitude slower, and resends a whole READ after any loss.  So
 * on rxe a READ asks for 64 KiB at most and a transfer keeps 4 in flight.
 */
#define RSM_RXE_READ_WINDOW	4
#define RSM_RXE_READ_PAGES	(SZ_64K / PAGE_SIZE)
/* One rdma_rw context. */
struct rsm_rw_op {
	struct rdma_rw_ctx	ctx;
	struct ib_cqe		cqe;
	struct rsm_ep		*ep;
	unsigned int		piece;		/* of the transfer */
	u32			nsg;
	u32			len;		/* bytes */
	u32			nwr;		/* send queue slots it holds */
	bool			busy;		/* context initialized */
	bool			posted;		/* completion outstanding */
	bool			completed;	/* set by rsm_rw_done() */
	bool			read;		/* RDMA READ */
	bool			partial;	/* a prefix was posted */
	enum ib_wc_status	status;
	struct scatterlist	sg[RSM_RW_OP_PAGES];
};

/* One transfer: its pieces and a ring of operations. */
struct rsm_rw_req {
	struct rsm_ep		*ep;
	enum dma_data_direction	dir;
	const u32		*keys;
	u32			cshift;
	u32			op_pages;
	const bool		*stop;
	unsigned int		nops;		/* ring size */
	unsigned int		head;		/* next op of the ring to fill */
	unsigned int		held;		/* context slots of the ep held */
	unsigned int		fail_piece;	/* first piece that failed */
	int			err;
	struct rsm_rw_op	ops[];
};

/**
 * rsm_rw_setup - read/write limits of a new endpoint
 * @ep: endpoint whose controller is known, before its QP exists
 * @qa: the QP's attributes, completed here for the core's read/write API
 */
void rsm_rw_setup(struct rsm_ep *ep, struct ib_qp_init_attr *qa)
{
	struct ib_device *dev = ep->ctrl->ibdev;
	u32 pages = RSM_RW_OP_PAGES;

	/* one memory region per operation where the core registers */
	if (rdma_protocol_iwarp(dev, ep->ctrl->port) || dev->attrs.max_sgl_rd)
		pages = clamp_t(u32, dev->attrs.max_fast_reg_page_list_len, 1,
				pages);
	ep->rw_pages = pages;
	ep->rw_rxe = dev->ops.driver_id == RDMA_DRIVER_RXE;
	ep->sends_acked = rdma_ib_or_roce(dev, ep->ctrl->port);
	atomic_set(&ep->rw_slots, RSM_RW_CTXS);
	atomic_set(&ep->rw_live, 0);
	rsm_pace_init(ep);
	qa->port_num = ep->ctrl->port;
	qa->cap.max_rdma_ctxs = RSM_RW_CTXS;
	/* the core gathers a WRITE from, and scatters a READ into, this many */
	qa->cap.max_send_sge = clamp_t(u32, dev->attrs.max_send_sge, 1,
				       RSM_SGE_MAX);
}

/**
 * rsm_rw_quiesce - wait until no read/write context uses the QP
 * @ep: endpoint, @qp_dead set and the QP moved to the error state
 *
 * Draining the send queue completes every operation posted; their owners
 * then destroy the contexts.  Called before the QP is destroyed.
 */
void rsm_rw_quiesce(struct rsm_ep *ep)
{
	if (!atomic_read(&ep->rw_live))
		return;
	ib_drain_sq(ep->cm_id->qp);
	WRITE_ONCE(ep->rw_drained, true);
	wake_up_all(&ep->wq);
	wait_event(ep->wq, !atomic_read(&ep->rw_live));
}

static void rsm_rw_done(struct ib_cq *cq, struct ib_wc *wc)
{
	struct rsm_rw_op *op = container_of(wc->wr_cqe, struct rsm_rw_op, cqe);
	struct rsm_ep *ep = op->ep;
	enum ib_wc_status st = wc->status;

	op->status = st;
	/* the peer answered: READ data, or a WRITE it acknowledged */
	if (st == IB_WC_SUCCESS && (ep->sends_acked || op->read))
		WRITE_ONCE(ep->last_rx, jiffies);
	rsm_pace_done(ep, op->len, st == IB_WC_SUCCESS);
	atomic_add(op->nwr, &ep->sq_credits);
	/* @op may be reused once this is seen */
	smp_store_release(&op->completed, true);
	wake_up_all(&ep->wq);
	/* a flush on a live QP: an earlier unsignalled request failed */
	if (st != IB_WC_SUCCESS && !READ_ONCE(ep->qp_dead))
		rsm_conn_fail(ep, ib_wc_status_msg(st));
}

static bool rsm_rw_slot_take(struct rsm_ep *ep)
{
	return atomic_add_unless(&ep->rw_slots, -1, 0);
}

static void rsm_rw_slots_put(struct rsm_ep *ep, unsigned int n)
{
	if (!n)
		return;
	atomic_add(n, &ep->rw_slots);
	wake_up_all(&ep->wq);
}

/* Note a failure; the error reported is the one of the first piece. */
static void rsm_rw_fail(struct rsm_rw_req *r, unsigned int piece, int err)
{
	if (err != -ENOTCONN && err != -ECANCELED && err != -EFAULT &&
	    err != -ENOMEM) {
		/* the import is aborted for it: say why, for the admin */
		rsm_warn_rl("node %u: transfer failed (%d)\n",
			    r->ep->conn->nodeid, err);
		err = -EIO;
	}
	if (piece < r->fail_piece || !r->err) {
		r->fail_piece = min(piece, r->fail_piece);
		r->err = err;
	}
}

/* Wait for an operation's completion and destroy its context. */
static void rsm_rw_op_retire(struct rsm_rw_req *r, struct rsm_rw_op *op)
{
	struct rsm_ep *ep = r->ep;

	if (!op->busy)
		return;
	if (op->partial) {
		/* the connection failed; teardown drains, then we may go */
		wait_event(ep->wq, READ_ONCE(ep->rw_drained));
		atomic_add(op->nwr, &ep->sq_credits);
		/* its signalled request was not posted: no completion came */
		rsm_pace_done(ep, op->len, false);
		rsm_rw_fail(r, op->piece, -EIO);
	} else if (op->posted) {
		/* acquire: pairs with the release in rsm_rw_done() */
		wait_event(ep->wq, smp_load_acquire(&op->completed));
		if (op->status == IB_WC_WR_FLUSH_ERR)
			rsm_rw_fail(r, op->piece, -ENOTCONN);
		else if (op->status != IB_WC_SUCCESS)
			rsm_rw_fail(r, op->piece, -EIO);
	}
	rdma_rw_ctx_destroy(&op->ctx, ep->cm_id->qp, ep->ctrl->port, op->sg,
			    op->nsg, r->dir);
	op->busy = false;
	op->posted = false;
	op->partial = false;
	if (atomic_dec_and_test(&ep->rw_live))
		wake_up_all(&ep->wq);
}

/* The oldest operation still in flight, or NULL. */
static struct rsm_rw_op *rsm_rw_oldest(struct rsm_rw_req *r)
{
	unsigned int i;

	for (i = 1; i <= r->nops; i++) {
		struct rsm_rw_op *op = &r->ops[(r->head + i) % r->nops];

		if (op->busy)
			return op;
	}
	return NULL;
}

/*
 * The ring's next operation, free and with a context slot: retire what
 * was there, or the oldest operation when the endpoint has no slot left.
 */
static struct rsm_rw_op *rsm_rw_next_op(struct rsm_rw_req *r)
{
	struct rsm_rw_op *op = &r->ops[r->head], *old;
	struct rsm_ep *ep = r->ep;
	unsigned int busy = 0, i;
	bool took;

	rsm_rw_op_retire(r, op);
	for (i = 0; i < r->nops; i++)
		busy += r->ops[i].busy;
	while (r->held == busy) {
		if (rsm_rw_slot_take(ep)) {
			r->held++;
			break;
		}
		old = rsm_rw_oldest(r);
		if (old) {
			rsm_rw_op_retire(r, old);
			busy--;
			continue;
		}
		wait_event(ep->wq, (took = rsm_rw_slot_take(ep)) ||
			   READ_ONCE(ep->qp_dead));
		if (!took)
			return NULL;
		r->held++;
	}
	r->head = (r->head + 1) % r->nops;
	return op;
}

/*
 * Post @op's work requests.  Return: 0, or an errno with nothing posted
 * (credits given back), or -EIO after a partial post: the posted prefix
 * may still run, so @op is left for rsm_rw_op_retire() to destroy only
 * after teardown drained the send queue, and the connection is failed.
 */
static int rsm_rw_op_post(struct rsm_rw_req *r, struct rsm_rw_op *op)
{
	const struct ib_send_wr *bad = NULL, *wr;
	struct rsm_ep *ep = r->ep;
	struct ib_send_wr *first;
	unsigned int unposted = 0;
	bool took;
	int ret;

	/* completions free room without any lock: wait before taking one */
	if (rsm_pace_wait(ep, op->len))
		return -ENOTCONN;
	/*
	 * As every post: sq_rwsem first, so that a registration never waits
	 * for credits held by someone who waits for sq_rwsem.
	 */
	down_read(&ep->sq_rwsem);
	wait_event(ep->wq, (took = rsm_credits_take(ep, op->nwr)) ||
		   READ_ONCE(ep->qp_dead));
	if (!took) {
		up_read(&ep->sq_rwsem);
		rsm_pace_done(ep, op->len, false);
		wake_up_all(&ep->wq);
		return -ENOTCONN;
	}
	down_read(&ep->qp_rwsem);
	ret = -ENOTCONN;
	if (!ep->qp_dead) {
		first = rdma_rw_ctx_wrs(&op->ctx, ep->cm_id->qp, ep->ctrl->port,
					&op->cqe, NULL);
		ret = ib_post_send(ep->cm_id->qp, first, &bad);
		if (ret) {
			for (wr = bad; wr; wr = wr->next)
				unposted++;
			if (!bad || bad == first)
				unposted = op->nwr;
		}
	}
	up_read(&ep->qp_rwsem);
	up_read(&ep->sq_rwsem);
	if (!ret) {
		op->posted = true;
		return 0;
	}
	if (ret == -ENOTCONN)
		unposted = op->nwr;
	atomic_add(unposted, &ep->sq_credits);
	if (unposted == op->nwr)	/* no completion will come */
		rsm_pace_done(ep, op->len, false);
	wake_up_all(&ep->wq);
	if (unposted < op->nwr) {
		op->partial = true;
		op->nwr -= unposted;	/* given back once drained */
		rsm_conn_fail(ep, "partial post");
	}
	return ret == -ENOTCONN ? ret : -EIO;
}

/*
 * Initialize and post @op for @len bytes at remote offset @roff from the
 * local pages @pages (the first at offset @off).  Return: 0 or an errno.
 */
static int rsm_rw_op_start(struct rsm_rw_req *r, struct rsm_rw_op *op,
			   struct page **pages, u32 off, u32 len, u64 roff)
{
	struct rsm_ep *ep = r->ep;
	u32 i, n;
	int ret;

	op->len = len;
	op->nsg = DIV_ROUND_UP(off + len, PAGE_SIZE);
	sg_init_table(op->sg, op->nsg);
	for (i = 0; i < op->nsg; i++, off = 0) {
		n = min_t(u32, len, PAGE_SIZE - off);
		sg_set_page(&op->sg[i], pages[i], n, off);
		len -= n;
	}
	op->ep = ep;
	op->read = r->dir == DMA_FROM_DEVICE;
	op->cqe.done = rsm_rw_done;
	op->completed = false;
	op->partial = false;

	down_read(&ep->qp_rwsem);
	if (ep->qp_dead || !ep->qp_created) {
		up_read(&ep->qp_rwsem);
		return -ENOTCONN;
	}
	ret = rdma_rw_ctx_init(&op->ctx, ep->cm_id->qp, ep->ctrl->port,
			       op->sg, op->nsg, 0, roff,
			       r->keys[roff >> r->cshift], r->dir);
	if (ret > 0)
		atomic_inc(&ep->rw_live);
	up_read(&ep->qp_rwsem);
	if (ret <= 0)
		return ret == -EAGAIN ? -ENOMEM : ret ?: -EIO;
	op->busy = true;
	op->nwr = ret;
	return rsm_rw_op_post(r, op);
}

/* Bytes of the next operation at local offset @lo, remote offset @ro. */
static u64 rsm_rw_op_len(const struct rsm_rw_req *r, u64 lo, u64 ro,
			 u64 left)
{
	u64 chunk_end = ((ro >> r->cshift) + 1) << r->cshift;
	u64 page_room = (u64)r->op_pages * PAGE_SIZE - offset_in_page(lo);

	return min3(left, chunk_end - ro, page_room);
}

/* Post the operations of piece @k (@lb, @len bytes to @roff). */
static void rsm_rw_piece(struct rsm_rw_req *r, unsigned int k,
			 const struct rsm_lbuf *lb, u64 roff, u64 len)
{
	struct page *kpages[RSM_RW_OP_PAGES];
	u64 done = 0, lo, n;
	struct page **pages;
	struct rsm_rw_op *op;
	u32 i, np;
	int ret;

	while (done < len && !r->err) {
		if (r->stop && READ_ONCE(*r->stop)) {
			rsm_rw_fail(r, k, -ECANCELED);
			return;
		}
		if (lb->kbuf) {
			/* linear kernel memory: kmalloc, never vmalloc */
			if (WARN_ON_ONCE(is_vmalloc_addr(lb->kbuf))) {
				rsm_rw_fail(r, k, -EFAULT);
				return;
			}
			lo = offset_in_page(lb->kbuf) + done;
			n = rsm_rw_op_len(r, lo, roff + done, len - done);
			np = DIV_ROUND_UP(offset_in_page(lo) + n, PAGE_SIZE);
			for (i = 0; i < np; i++)
				kpages[i] = virt_to_page(lb->kbuf + done +
							 i * PAGE_SIZE);
			pages = kpages;
		} else {
			lo = lb->pgoff + done;
			n = rsm_rw_op_len(r, lo, roff + done, len - done);
			pages = lb->pages + (lo >> PAGE_SHIFT);
		}
		op = rsm_rw_next_op(r);
		if (!op) {
			rsm_rw_fail(r, k, -ENOTCONN);
			return;
		}
		/* retiring may have found a failure, or waited for a while */
		if (r->err)
			return;
		if (r->stop && READ_ONCE(*r->stop)) {
			rsm_rw_fail(r, k, -ECANCELED);
			return;
		}
		op->piece = k;
		ret = rsm_rw_op_start(r, op, pages, offset_in_page(lo), n,
				      roff + done);
		if (ret) {
			rsm_rw_fail(r, k, ret);
			return;
		}
		if (r->dir == DMA_TO_DEVICE)
			rsm_pace_life_sign(r->ep, n);
		done += n;
	}
}

static struct rsm_rw_req *rsm_rw_req_alloc(struct rsm_ep *ep, bool write,
					   unsigned int n, const u64 *len)
{
	unsigned int window, ops = 0, i;
	struct rsm_rw_req *r;

	if (write)
		window = RSM_RW_WRITE_WINDOW;
	else
		window = ep->rw_rxe ? RSM_RXE_READ_WINDOW : RSM_RW_READ_WINDOW;
	for (i = 0; i < n && ops < window; i++)
		ops += min_t(u64, window, len[i] / PAGE_SIZE + 2);
	ops = clamp(ops, 1U, window);
	r = kvzalloc(struct_size(r, ops, ops), GFP_KERNEL);
	if (!r)
		return NULL;
	r->ep = ep;
	r->dir = write ? DMA_TO_DEVICE : DMA_FROM_DEVICE;
	r->nops = ops;
	r->op_pages = ep->rw_pages;
	if (!write && ep->rw_rxe)
		r->op_pages = min_t(u32, r->op_pages, RSM_RXE_READ_PAGES);
	r->fail_piece = n;
	return r;
}

/*
 * Where a WRITE completes before the peer has the data (iWARP: once it is
 * in the local TCP stream), a READ that follows it returns only after the
 * WRITEs before it were placed: read the last byte written.
 */
static int rsm_rw_fence(struct rsm_ep *ep, const u32 *keys, u32 cshift,
			u64 roff)
{
	struct rsm_lbuf lb = {};
	unsigned int done;
	u64 len = 1;
	int ret;

	lb.kbuf = kmalloc(sizeof(u64), GFP_KERNEL);
	if (!lb.kbuf)
		return -ENOMEM;
	ret = rsm_rdma_rw_vec(ep, false, keys, cshift, 1, &roff, &lb, &len,
			      NULL, false, &done);
	kfree(lb.kbuf);
	return ret;
}

/**
 * rsm_rdma_rw_vec - move several pieces between local memory and a remote
 * segment
 * @ep: active endpoint, with a user reference
 * @write: RDMA WRITE (put) or READ (get)
 * @keys: remote keys, one per chunk
 * @cshift: log2 of the chunk size
 * @n: number of pieces
 * @roff: remote offset of each piece
 * @lb: local buffer of each piece: pinned pages or kernel memory
 * @len: length of each piece (non-zero)
 * @stop: when this becomes true, no more work requests are posted
 * @readable: @keys allow RDMA READ too
 * @done: out, pieces completed in order
 *
 * WRITEs are complete when this returns: on a transport whose WRITE
 * completions are local (iWARP) a READ confirms them, if @readable.
 *
 * Return: 0, -EFAULT (local memory not pinned), -ENOMEM, -ECANCELED
 * (@stop), or -EIO/-ENOTCONN when the transfer failed on the wire.
 */
int rsm_rdma_rw_vec(struct rsm_ep *ep, bool write, const u32 *keys,
		    u32 cshift, unsigned int n, const u64 *roff,
		    const struct rsm_lbuf *lb, const u64 *len,
		    const bool *stop, bool readable, unsigned int *done)
{
	struct rsm_rw_req *r;
	unsigned int k;
	int ret;

	*done = 0;
	r = rsm_rw_req_alloc(ep, write, n, len);
	if (!r)
		return -ENOMEM;
	r->keys = keys;
	r->cshift = cshift;
	r->stop = stop;
	for (k = 0; k < n && !r->err; k++) {
		/* pieces before a bad one still move, as the spec's order wants */
		if (!lb[k].pages && !lb[k].kbuf)
			rsm_rw_fail(r, k, -EFAULT);
		else
			rsm_rw_piece(r, k, &lb[k], roff[k], len[k]);
	}
	for (k = 0; k < r->nops; k++)
		rsm_rw_op_retire(r, &r->ops[k]);
	rsm_rw_slots_put(ep, r->held);
	k = r->fail_piece;
	ret = r->err;
	kvfree(r);
	/* confirm what the WRITEs of pieces 0..k-1 did */
	if (write && k && readable && !ep->sends_acked) {
		int fret = rsm_rw_fence(ep, keys, cshift,
					roff[k - 1] + len[k - 1] - 1);

		if (fret) {
			k = 0;
			ret = fret == -ENOTCONN ? fret : -EIO;
		}
	}
	*done = k;
	return ret;
}

/**
 * rsm_rdma_rw - move one range between local memory and a remote segment
 * @ep: active endpoint, with a user reference
 * @write: RDMA WRITE (put) or READ (get)
 * @keys: remote keys, one per chunk
 * @cshift: log2 of the chunk size
 * @roff: remote offset
 * @lb: local buffer
 * @len: bytes, non-zero
 * @stop: as for rsm_rdma_rw_vec()
 * @readable: as for rsm_rdma_rw_vec()
 *
 * Return: as rsm_rdma_rw_vec().
 */
int rsm_rdma_rw(struct rsm_ep *ep, bool write, const u32 *keys, u32 cshift,
		u64 roff, const struct rsm_lbuf *lb, u64 len, const bool *stop,
		bool readable)
{
	unsigned int done;

	return rsm_rdma_rw_vec(ep, write, keys, cshift, 1, &roff, lb, &len,
			       stop, readable, &done);
}
