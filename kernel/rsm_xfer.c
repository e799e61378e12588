// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsm: the data path - RDMA READ and WRITE on a connection's QP.
 *
 * Every data work request is signalled and completes into the struct
 * rsm_xfer of the request that posted it, which waits on the endpoint's
 * wait queue until all of them completed (successfully, with an error, or
 * flushed) or until the QP is gone.  So user pages are unpinned only once
 * the device is done with them.  A credit counter keeps the data work
 * requests within the send queue's RSM_DATA_SQ slots; control messages
 * have slots of their own.
 *
 * Transfers up to RSM_BOUNCE_SIZE go through a pre-registered buffer of
 * the endpoint; larger ones, and every scatter/gather request, are posted
 * zero-copy from the pinned user pages as chains of work requests.  The
 * remote address of segment offset X is X itself (see rsm_proto.h).
 */
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/highmem.h>
#include <linux/scatterlist.h>
#include <linux/uaccess.h>

#include "rsm_loc.h"

/* How long a registration waits for the send queue to drain. */
#define RSM_SQ_DRAIN_MS		5000

/* Work requests posted with one ib_post_send(). */
#define RSM_CHAIN_MAX		16
/*
 * RDMA READs in flight per transfer.  More do not go faster, and soft-RoCE
 * slows down by an order of magnitude with a deep queue of READs.
 */
#define RSM_READ_WINDOW		4
/* Bytes one RDMA READ asks for at most (64 responses at a 1 KiB MTU). */
#define RSM_READ_WR_MAX		SZ_64K
/* Most scatter/gather elements per work request. */
#define RSM_SGE_MAX		16

static DECLARE_WAIT_QUEUE_HEAD(rsm_ep_users_wq);
static atomic64_t rsm_next_ep_id = ATOMIC64_INIT(0);

/**
 * rsm_xfer_setup - data path resources of a new endpoint
 * @ep: endpoint whose controller is known, before its QP exists
 *
 * Return: 0 or a negative errno; rsm_xfer_free() undoes partial work.
 */
int rsm_xfer_setup(struct rsm_ep *ep)
{
	const struct ib_device_attr *a = &ep->ctrl->ibdev->attrs;
	struct ib_device *dev = ep->ctrl->ibdev;

	ep->max_sge = min3(a->max_send_sge, a->max_sge_rd, RSM_SGE_MAX);
	if (!ep->max_sge)
		ep->max_sge = 1;
	ep->bounce = rsm_dma_buf_alloc(dev, RSM_BOUNCE_SLOTS * RSM_BOUNCE_SIZE,
				       DMA_BIDIRECTIONAL, &ep->bounce_dma);
	if (!ep->bounce)
		return -ENOMEM;
	ep->bounce_free = GENMASK(RSM_BOUNCE_SLOTS - 1, 0);
	return 0;
}

/**
 * rsm_xfer_free - release what rsm_xfer_setup() allocated
 * @ep: endpoint whose QP is destroyed
 */
void rsm_xfer_free(struct rsm_ep *ep)
{
	rsm_dma_buf_free(ep->ctrl->ibdev, ep->bounce,
			 RSM_BOUNCE_SLOTS * RSM_BOUNCE_SIZE, DMA_BIDIRECTIONAL,
			 ep->bounce_dma);
	ep->bounce = NULL;
}

/**
 * rsm_ep_init_data - data path fields of a freshly allocated endpoint
 * @ep: endpoint
 */
void rsm_ep_init_data(struct rsm_ep *ep)
{
	ep->id = atomic64_inc_return(&rsm_next_ep_id);
	init_waitqueue_head(&ep->wq);
	atomic_set(&ep->sq_credits, RSM_DATA_SQ);
	atomic_set(&ep->users, 0);
	mutex_init(&ep->seg_lock);
	INIT_LIST_HEAD(&ep->expnodes);
	spin_lock_init(&ep->rpc_lock);
	INIT_LIST_HEAD(&ep->rpcs);
}

/**
 * rsm_ep_get_active - use a connection's endpoint for a while
 * @conn: connection
 * @ep_id: the endpoint wanted, or 0 for whichever is current
 *
 * Return: the endpoint, if it is active (and is @ep_id), with a user
 * reference that rsm_ep_put_user() drops; NULL otherwise.
 */
struct rsm_ep *rsm_ep_get_active(struct rsm_conn *conn, u64 ep_id)
{
	struct rsm_ep *ep;

	mutex_lock(&conn->lock);
	ep = conn->ep;
	if (ep && ep->state == RSM_EP_ACTIVE && (!ep_id || ep->id == ep_id))
		atomic_inc(&ep->users);
	else
		ep = NULL;
	mutex_unlock(&conn->lock);
	return ep;
}

/**
 * rsm_ep_get_user - another user reference on an endpoint in use
 * @ep: endpoint that is not destroyed yet (its CQ handlers still run)
 */
void rsm_ep_get_user(struct rsm_ep *ep)
{
	atomic_inc(&ep->users);
}

/**
 * rsm_ep_put_user - drop a user reference
 * @ep: endpoint
 */
void rsm_ep_put_user(struct rsm_ep *ep)
{
	/* the wait queue is global: @ep may be freed once the count is 0 */
	if (atomic_dec_and_test(&ep->users))
		wake_up_all(&rsm_ep_users_wq);
}

/**
 * rsm_ep_wait_users - wait until nobody uses an endpoint any more
 * @ep: endpoint, detached and with its QP destroyed
 */
void rsm_ep_wait_users(struct rsm_ep *ep)
{
	wait_event(rsm_ep_users_wq, !atomic_read(&ep->users));
}

static void rsm_xfer_done(struct ib_cq *cq, struct ib_wc *wc)
{
	struct rsm_xfer *x = container_of(wc->wr_cqe, struct rsm_xfer, cqe);
	struct rsm_ep *ep = x->ep;
	enum ib_wc_status st = wc->status;

	if (st == IB_WC_SUCCESS) {
		atomic_inc(&x->ok);
		WRITE_ONCE(ep->last_rx, jiffies);	/* the peer answered */
	} else if (!x->status) {
		x->status = st;
	}
	atomic_inc(&ep->sq_credits);
	/* fully ordered: the poster reads @status once @pending is 0 */
	atomic_dec_return(&x->pending);
	/* @x may be gone now; @ep lives until its CQ is freed */
	wake_up_all(&ep->wq);
	if (st != IB_WC_SUCCESS && st != IB_WC_WR_FLUSH_ERR)
		rsm_conn_fail(ep, ib_wc_status_msg(st));
}

/**
 * rsm_xfer_init - prepare an rsm_xfer
 * @x: the transfer
 * @ep: endpoint its work requests go to
 */
void rsm_xfer_init(struct rsm_xfer *x, struct rsm_ep *ep)
{
	x->cqe.done = rsm_xfer_done;
	x->ep = ep;
	atomic_set(&x->pending, 0);
	atomic_set(&x->ok, 0);
	x->status = 0;
}

static bool rsm_credits_take(struct rsm_ep *ep, unsigned int n)
{
	int c = atomic_read(&ep->sq_credits);

	while (c >= (int)n)
		if (atomic_try_cmpxchg(&ep->sq_credits, &c, c - n))
			return true;
	return false;
}

static int rsm_xfer_post_sq(struct rsm_xfer *x, struct ib_send_wr *first,
			    unsigned int n)
{
	struct rsm_ep *ep = x->ep;
	const struct ib_send_wr *bad = NULL;
	const struct ib_send_wr *wr;
	unsigned int unposted = 0;
	bool took;
	int ret;

	wait_event(ep->wq,
		   (took = rsm_credits_take(ep, n)) || READ_ONCE(ep->qp_dead));
	if (!took)
		return -ENOTCONN;
	down_read(&ep->qp_rwsem);
	if (ep->qp_dead || !ep->qp_created) {
		up_read(&ep->qp_rwsem);
		atomic_add(n, &ep->sq_credits);
		return -ENOTCONN;
	}
	atomic_add(n, &x->pending);
	ret = ib_post_send(ep->cm_id->qp, first, &bad);
	if (ret) {
		for (wr = bad; wr; wr = wr->next)
			unposted++;
		if (!bad)
			unposted = n;
		atomic_sub(unposted, &x->pending);
		atomic_add(unposted, &ep->sq_credits);
	}
	up_read(&ep->qp_rwsem);
	return ret;
}

/**
 * rsm_xfer_post_exclusive - post work requests between
 * rsm_sq_exclusive_begin() and rsm_sq_exclusive_end()
 * @x: the transfer they belong to
 * @first: first work request of the chain
 * @n: how many
 *
 * Return: as rsm_xfer_post().
 */
int rsm_xfer_post_exclusive(struct rsm_xfer *x, struct ib_send_wr *first,
			    unsigned int n)
{
	lockdep_assert_held_write(&x->ep->sq_rwsem);
	return rsm_xfer_post_sq(x, first, n);
}

/**
 * rsm_xfer_post - post a chain of signalled work requests
 * @x: the transfer they belong to; each wr_cqe must be &x->cqe
 * @first: first of @n work requests linked through ->next
 * @n: their number, at most RSM_CHAIN_MAX
 *
 * Waits for send queue credits.  Whatever was posted completes into @x,
 * even when an error is returned.
 *
 * Return: 0, or -ENOTCONN / a verbs error when (some of) the chain could
 * not be posted.
 */
int rsm_xfer_post(struct rsm_xfer *x, struct ib_send_wr *first,
		  unsigned int n)
{
	struct rsm_ep *ep = x->ep;
	int ret;

	down_read(&ep->sq_rwsem);
	ret = rsm_xfer_post_sq(x, first, n);
	up_read(&ep->sq_rwsem);
	return ret;
}

static bool rsm_sq_idle(struct rsm_ep *ep)
{
	return atomic_read(&ep->sq_credits) == RSM_DATA_SQ &&
	       READ_ONCE(ep->tx_free) == GENMASK(RSM_TX_DEPTH - 1, 0);
}

/**
 * rsm_sq_exclusive_begin - have the send queue to ourselves, idle
 * @ep: endpoint
 *
 * For memory registrations.  A device may run a local operation again
 * when it retransmits what was posted before it (soft-RoCE does, and then
 * fails the registration and the connection): so registrations go into a
 * send queue where nothing else is outstanding, and nothing is posted
 * after them until they completed.
 *
 * Return: 0 (then rsm_sq_exclusive_end() must follow), -EBUSY when the
 * queue did not drain in time, -ENOTCONN when the endpoint is dying.
 */
int rsm_sq_exclusive_begin(struct rsm_ep *ep)
{
	down_write(&ep->sq_rwsem);
	if (!wait_event_timeout(ep->wq, rsm_sq_idle(ep) ||
				READ_ONCE(ep->qp_dead),
				msecs_to_jiffies(RSM_SQ_DRAIN_MS))) {
		up_write(&ep->sq_rwsem);
		return -EBUSY;
	}
	if (READ_ONCE(ep->qp_dead)) {
		up_write(&ep->sq_rwsem);
		return -ENOTCONN;
	}
	return 0;
}

/**
 * rsm_sq_exclusive_end - let others post again
 * @ep: endpoint
 */
void rsm_sq_exclusive_end(struct rsm_ep *ep)
{
	up_write(&ep->sq_rwsem);
}

/**
 * rsm_xfer_wait - wait until every work request of a transfer completed
 * @x: the transfer
 *
 * Return: 0 when all succeeded, -EIO when one failed, -ENOTCONN when the
 * QP was destroyed first.
 */
int rsm_xfer_wait(struct rsm_xfer *x)
{
	struct rsm_ep *ep = x->ep;

	wait_event(ep->wq, !atomic_read(&x->pending) || READ_ONCE(ep->qp_gone));
	if (atomic_read(&x->pending))
		return -ENOTCONN;
	smp_rmb();	/* pairs with the ordered decrement of @pending */
	return x->status ? -EIO : 0;
}

/* ------------------------------------------------------------------ */
/* Small transfers: the bounce buffer                                  */
/* ------------------------------------------------------------------ */

static int rsm_bounce_get(struct rsm_ep *ep)
{
	int idx = -1;

	spin_lock_bh(&ep->tx_lock);
	if (ep->bounce_free) {
		idx = __ffs(ep->bounce_free);
		__clear_bit(idx, &ep->bounce_free);
	}
	spin_unlock_bh(&ep->tx_lock);
	return idx;
}

static void rsm_bounce_put(struct rsm_ep *ep, int idx)
{
	spin_lock_bh(&ep->tx_lock);
	__set_bit(idx, &ep->bounce_free);
	spin_unlock_bh(&ep->tx_lock);
	wake_up_all(&ep->wq);
}

static int rsm_rw_bounce(struct rsm_ep *ep, bool write, const u32 *keys,
			 u32 cshift, u64 roff, const struct rsm_lbuf *lb,
			 u64 len, u32 width)
{
	struct ib_device *dev = ep->ctrl->ibdev;
	struct ib_rdma_wr wr[2] = {};
	struct ib_sge sge[2];
	struct rsm_xfer x;
	u64 dma, split;
	unsigned int i, n = 1;
	void *kaddr;
	int idx, ret;

	wait_event(ep->wq,
		   (idx = rsm_bounce_get(ep)) >= 0 || READ_ONCE(ep->qp_dead));
	if (idx < 0)
		return -ENOTCONN;
	kaddr = ep->bounce + (size_t)idx * RSM_BOUNCE_SIZE;
	dma = ep->bounce_dma + (u64)idx * RSM_BOUNCE_SIZE;

	if (write) {
		ret = rsm_lbuf_copy(lb, 0, kaddr, len, false, width);
		if (ret)
			goto out;
		ib_dma_sync_single_for_device(dev, dma, len, DMA_BIDIRECTIONAL);
	}

	/* at most one chunk boundary inside RSM_BOUNCE_SIZE bytes */
	split = min(len, (((roff >> cshift) + 1) << cshift) - roff);
	sge[0].addr = dma;
	sge[0].length = split;
	sge[0].lkey = ep->pd->local_dma_lkey;
	wr[0].remote_addr = roff;
	wr[0].rkey = keys[roff >> cshift];
	if (split < len) {
		sge[1].addr = dma + split;
		sge[1].length = len - split;
		sge[1].lkey = sge[0].lkey;
		wr[1].remote_addr = roff + split;
		wr[1].rkey = keys[(roff + split) >> cshift];
		wr[0].wr.next = &wr[1].wr;
		n = 2;
	}
	rsm_xfer_init(&x, ep);
	for (i = 0; i < n; i++) {
		wr[i].wr.wr_cqe = &x.cqe;
		wr[i].wr.sg_list = &sge[i];
		wr[i].wr.num_sge = 1;
		wr[i].wr.opcode = write ? IB_WR_RDMA_WRITE : IB_WR_RDMA_READ;
		wr[i].wr.send_flags = IB_SEND_SIGNALED;
	}
	ret = rsm_xfer_post(&x, &wr[0].wr, n);
	if (rsm_xfer_wait(&x) || ret) {
		ret = ret ?: -EIO;
		goto out;
	}
	if (!write) {
		ib_dma_sync_single_for_cpu(dev, dma, len, DMA_BIDIRECTIONAL);
		ret = rsm_lbuf_copy(lb, 0, kaddr, len, true, width);
	}
out:
	rsm_bounce_put(ep, idx);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Large transfers and scatter/gather: zero copy                       */
/* ------------------------------------------------------------------ */

/* Builds chains of RDMA work requests and posts them. */
struct rsm_poster {
	struct rsm_xfer		x;
	bool			write;
	unsigned int		nwr;		/* in the current chain */
	unsigned int		total;		/* posted, all chains */
	int			err;
	const bool		*stop;		/* set: post no more */
	struct ib_rdma_wr	wr[RSM_CHAIN_MAX];
	struct ib_sge		sge[RSM_CHAIN_MAX][RSM_SGE_MAX];
};

static void rsm_poster_flush(struct rsm_poster *p)
{
	unsigned int i;

	if (!p->nwr)
		return;
	for (i = 0; i + 1 < p->nwr; i++)
		p->wr[i].wr.next = &p->wr[i + 1].wr;
	p->wr[p->nwr - 1].wr.next = NULL;
	/* READs: one window at a time */
	if (!p->write && !p->err && rsm_xfer_wait(&p->x))
		p->err = -EIO;
	/* revoked meanwhile: the revoker waits for what is posted */
	if (!p->err && p->stop && READ_ONCE(*p->stop))
		p->err = -ECANCELED;
	if (!p->err)
		p->err = rsm_xfer_post(&p->x, &p->wr[0].wr, p->nwr);
	p->total += p->nwr;
	p->nwr = 0;
}

/* Start a work request for remote offset @roff. */
static struct ib_rdma_wr *rsm_poster_new_wr(struct rsm_poster *p, u64 roff,
					    u32 rkey)
{
	struct ib_rdma_wr *wr;

	if (p->nwr == (p->write ? RSM_CHAIN_MAX : RSM_READ_WINDOW))
		rsm_poster_flush(p);
	wr = &p->wr[p->nwr];
	memset(wr, 0, sizeof(*wr));
	wr->wr.wr_cqe = &p->x.cqe;
	wr->wr.sg_list = p->sge[p->nwr];
	wr->wr.opcode = p->write ? IB_WR_RDMA_WRITE : IB_WR_RDMA_READ;
	wr->wr.send_flags = IB_SEND_SIGNALED;
	wr->remote_addr = roff;
	wr->rkey = rkey;
	p->nwr++;
	return wr;
}

/* One local piece of a zero-copy transfer, pinned and DMA mapped. */
struct rsm_rw_piece {
	struct page		**pages;
	unsigned long		npages;
	struct sg_table		sgt;
	bool			sgt_alloc;
	int			nents;		/* DMA mapped */
	u64			roff;
	u64			len;
	unsigned int		wr_end;		/* WRs posted up to this one */
};

static int rsm_piece_prepare(struct rsm_ep *ep, struct rsm_rw_piece *pc,
			     const struct rsm_lbuf *lb, bool write)
{
	struct ib_device *dev = ep->ctrl->ibdev;
	u64 first_off;

	/* callers pin user memory first (rsm_lbuf_pin_user()) */
	if (!lb->pages)
		return -EFAULT;
	first_off = lb->pgoff;
	pc->pages = lb->pages + (first_off >> PAGE_SHIFT);
	first_off = offset_in_page(first_off);
	pc->npages = DIV_ROUND_UP(first_off + pc->len, PAGE_SIZE);
	if (sg_alloc_table_from_pages(&pc->sgt, pc->pages, pc->npages,
				      first_off, pc->len, GFP_KERNEL))
		return -ENOMEM;
	pc->sgt_alloc = true;
	pc->nents = ib_dma_map_sg(dev, pc->sgt.sgl, pc->sgt.orig_nents,
				  write ? DMA_TO_DEVICE : DMA_FROM_DEVICE);
	return pc->nents ? 0 : -ENOMEM;
}

static void rsm_piece_finish(struct rsm_ep *ep, struct rsm_rw_piece *pc,
			     bool write)
{
	if (pc->nents)
		ib_dma_unmap_sg(ep->ctrl->ibdev, pc->sgt.sgl,
				pc->sgt.orig_nents,
				write ? DMA_TO_DEVICE : DMA_FROM_DEVICE);
	if (pc->sgt_alloc)
		sg_free_table(&pc->sgt);
}

/* Append the work requests of one piece. */
static void rsm_piece_build(struct rsm_ep *ep, struct rsm_poster *p,
			    struct rsm_rw_piece *pc, const u32 *keys,
			    u32 cshift)
{
	u64 wr_max = p->write ? U64_MAX : RSM_READ_WR_MAX;
	u32 lkey = ep->pd->local_dma_lkey;
	struct ib_rdma_wr *wr = NULL;
	struct scatterlist *sg;
	u64 ro = pc->roff, wr_len = 0;
	int i;

	for_each_sg(pc->sgt.sgl, sg, pc->nents, i) {
		u64 dma = sg_dma_address(sg);
		u64 dlen = sg_dma_len(sg);

		while (dlen) {
			u64 cend = ((ro >> cshift) + 1) << cshift;
			u64 n;
			struct ib_sge *sge;

			/* a WR stays inside one remote chunk */
			if (!wr || wr->wr.num_sge == ep->max_sge ||
			    wr_len == wr_max ||
			    !(ro & ((1ULL << cshift) - 1))) {
				wr = rsm_poster_new_wr(p, ro,
						       keys[ro >> cshift]);
				wr_len = 0;
			}
			n = min3(dlen, cend - ro, wr_max - wr_len);
			wr_len += n;
			sge = &wr->wr.sg_list[wr->wr.num_sge++];
			sge->addr = dma;
			sge->length = n;
			sge->lkey = lkey;
			ro += n;
			dma += n;
			dlen -= n;
		}
	}
	pc->wr_end = p->total + p->nwr;
}

/**
 * rsm_rdma_rw_vec - move several pieces as one chain of work requests
 * @ep: active endpoint, with a user reference
 * @write: RDMA WRITE (put) or READ (get)
 * @keys: remote keys, one per chunk
 * @cshift: log2 of the chunk size
 * @n: number of pieces
 * @roff: remote offset of each piece
 * @lb: local buffer of each piece
 * @len: length of each piece (non-zero)
 * @stop: when this becomes true, no more work requests are posted
 * @done: out, pieces completed in order
 *
 * Return: 0, -EFAULT (local memory), -ENOMEM, -ECANCELED (@stop), or
 * -EIO/-ENOTCONN when the transfer failed on the wire.
 */
int rsm_rdma_rw_vec(struct rsm_ep *ep, bool write, const u32 *keys,
		    u32 cshift, unsigned int n, const u64 *roff,
		    const struct rsm_lbuf *lb, const u64 *len,
		    const bool *stop, unsigned int *done)
{
	struct rsm_rw_piece *pc;
	struct rsm_poster *p;
	unsigned int i, prepared = 0;
	int ret = 0, wret, ok;

	*done = 0;
	pc = kcalloc(n, sizeof(*pc), GFP_KERNEL);
	p = kmalloc(sizeof(*p), GFP_KERNEL);
	if (!pc || !p) {
		kfree(pc);
		kfree(p);
		return -ENOMEM;
	}
	rsm_xfer_init(&p->x, ep);
	p->write = write;
	p->nwr = 0;
	p->total = 0;
	p->err = 0;
	p->stop = stop;

	for (i = 0; i < n; i++) {
		pc[i].roff = roff[i];
		pc[i].len = len[i];
		ret = rsm_piece_prepare(ep, &pc[i], &lb[i], write);
		if (ret) {
			rsm_piece_finish(ep, &pc[i], write);
			break;
		}
		prepared++;
	}
	/* pieces before a bad one still move, as the spec's order wants */
	for (i = 0; i < prepared; i++)
		rsm_piece_build(ep, p, &pc[i], keys, cshift);
	rsm_poster_flush(p);

	wret = rsm_xfer_wait(&p->x);
	ok = atomic_read(&p->x.ok);
	for (i = 0; i < prepared && pc[i].wr_end <= ok; i++)
		;
	*done = i;
	if (wret || p->err) {
		ret = p->err ?: wret;
		if (ret != -ENOTCONN && ret != -ECANCELED)
			ret = -EIO;
	}
	for (i = 0; i < prepared; i++)
		rsm_piece_finish(ep, &pc[i], write);
	kfree(pc);
	kfree(p);
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
 * @width: element width, for copies through the bounce buffer
 * @stop: as for rsm_rdma_rw_vec()
 *
 * Return: as rsm_rdma_rw_vec().
 */
int rsm_rdma_rw(struct rsm_ep *ep, bool write, const u32 *keys, u32 cshift,
		u64 roff, const struct rsm_lbuf *lb, u64 len, u32 width,
		const bool *stop)
{
	unsigned int done;

	if (len <= RSM_BOUNCE_SIZE)
		return rsm_rw_bounce(ep, write, keys, cshift, roff, lb, len,
				     width);
	return rsm_rdma_rw_vec(ep, write, keys, cshift, 1, &roff, lb, &len,
			       stop, &done);
}
