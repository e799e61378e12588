// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsm: endpoint users, send queue credits, and the work requests the
 * exporter posts for itself (memory registrations).
 *
 * A credit counter keeps the data work requests within the send queue's
 * RSM_DATA_SQ slots; control messages have slots of their own.  The
 * initiator's reads and writes are in rsm_rw.c.  A registration completes
 * into the struct rsm_xfer of the request that posted it, which waits on
 * the endpoint's wait queue until all of its work requests completed
 * (successfully, with an error, or flushed) or until the QP is gone.
 */
#include <linux/slab.h>

#include "rsm_tp.h"

/* How long a registration waits for the send queue to drain. */
#define RSM_SQ_DRAIN_MS		5000

static DECLARE_WAIT_QUEUE_HEAD(rsm_ep_users_wq);
static atomic64_t rsm_next_ep_id = ATOMIC64_INIT(0);

/**
 * rsm_ep_init_data - data path fields of a freshly allocated endpoint
 * @ep: endpoint
 */
void rsm_ep_init_data(struct rsm_ep *ep)
{
	unsigned int i;

	ep->id = atomic64_inc_return(&rsm_next_ep_id);
	init_waitqueue_head(&ep->wq);
	atomic_set(&ep->sq_credits, RSM_DATA_SQ);
	atomic_set(&ep->users, 0);
	for (i = 0; i < RSM_TP_NCLIENTS; i++) {
		mutex_init(&ep->objs[i].lock);
		INIT_LIST_HEAD(&ep->objs[i].list);
	}
	spin_lock_init(&ep->rpc_lock);
	INIT_LIST_HEAD(&ep->rpcs);
	spin_lock_init(&ep->async_lock);
	INIT_LIST_HEAD(&ep->async);
	rsm_msg_init_ep(ep);
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

	/* not the connection's mutex: see rsm_conn's @ep_lock */
	spin_lock(&conn->ep_lock);
	ep = conn->ep;
	if (ep && READ_ONCE(ep->state) == RSM_EP_ACTIVE &&
	    (!ep_id || ep->id == ep_id))
		atomic_inc(&ep->users);
	else
		ep = NULL;
	spin_unlock(&conn->ep_lock);
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

	/* registrations are local: no sign of the peer's liveness */
	if (st == IB_WC_SUCCESS)
		atomic_inc(&x->ok);
	else if (!x->status)
		x->status = st;
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

/**
 * rsm_credits_take - take @n data slots of the send queue if free
 * @ep: endpoint
 * @n: work requests about to be posted
 *
 * Return: whether they were taken.
 */
bool rsm_credits_take(struct rsm_ep *ep, unsigned int n)
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
 * Waits for send queue credits.  Whatever was posted completes into @x,
 * even when an error is returned.
 *
 * Return: 0, or -ENOTCONN / a verbs error when (some of) the chain could
 * not be posted.
 */
int rsm_xfer_post_exclusive(struct rsm_xfer *x, struct ib_send_wr *first,
			    unsigned int n)
{
	lockdep_assert_held_write(&x->ep->sq_rwsem);
	return rsm_xfer_post_sq(x, first, n);
}

/**
 * rsm_atomic_prep - an RDMA atomic and the buffer its result goes to
 * @a: out: the work request (its completion and flags left to the
 *	caller) and the buffer, mapped for the device
 * @dev: the device
 * @lkey: the local DMA key of the QP's protection domain
 * @opcode: IB_WR_ATOMIC_CMP_AND_SWP or IB_WR_ATOMIC_FETCH_AND_ADD
 * @raddr: the word's address in its registration (8-byte aligned)
 * @rkey: the registration's key
 * @cmp_add: the value expected (compare and swap) or added
 * @swap: the value stored if @cmp_add is found (compare and swap)
 *
 * Return: 0 (rsm_atomic_end() follows), or -ENOMEM.
 */
int rsm_atomic_prep(struct rsm_atomic *a, struct ib_device *dev, u32 lkey,
		    enum ib_wr_opcode opcode, u64 raddr, u32 rkey,
		    u64 cmp_add, u64 swap)
{
	memset(a, 0, sizeof(*a));
	a->dev = dev;
	a->buf = kmalloc(sizeof(*a->buf), GFP_KERNEL);
	if (!a->buf)
		return -ENOMEM;
	a->dma = ib_dma_map_single(dev, a->buf, sizeof(*a->buf),
				   DMA_FROM_DEVICE);
	if (ib_dma_mapping_error(dev, a->dma)) {
		kfree(a->buf);
		return -ENOMEM;
	}
	a->sge.addr = a->dma;
	a->sge.length = sizeof(*a->buf);
	a->sge.lkey = lkey;
	a->wr.wr.sg_list = &a->sge;
	a->wr.wr.num_sge = 1;
	a->wr.wr.opcode = opcode;
	a->wr.remote_addr = raddr;
	a->wr.rkey = rkey;
	a->wr.compare_add = cmp_add;
	a->wr.swap = swap;
	return 0;
}

/**
 * rsm_atomic_end - an atomic is done with its buffer: unmap and free it
 * @a: from rsm_atomic_prep(), completed, or never posted
 * @ok: it completed without error: *@old is set
 * @old: out: the value the word held
 */
void rsm_atomic_end(struct rsm_atomic *a, bool ok, u64 *old)
{
	ib_dma_unmap_single(a->dev, a->dma, sizeof(*a->buf), DMA_FROM_DEVICE);
	if (ok)
		*old = *a->buf;
	kfree(a->buf);
}

/**
 * rsm_ep_cas - compare and swap a word of the peer (RDMA atomic)
 * @ep: active endpoint, with a user reference
 * @raddr: the word's address in the peer's registration (8-byte aligned)
 * @rkey: the registration's key, for this endpoint
 * @cmp: the value expected
 * @swap: the value to store if @cmp is found
 * @old: out: the value found
 *
 * Waits for the completion, as long as the QP lives.
 *
 * Return: 0 (then *@old == @cmp says whether it swapped), -ENOMEM,
 * -ENOTCONN or -EIO (the connection fails).
 */
int rsm_ep_cas(struct rsm_ep *ep, u64 raddr, u32 rkey, u64 cmp, u64 swap,
	       u64 *old)
{
	struct rsm_atomic a;
	struct rsm_xfer x;
	int ret;

	ret = rsm_atomic_prep(&a, ep->ctrl->ibdev, ep->pd->local_dma_lkey,
			      IB_WR_ATOMIC_CMP_AND_SWP, raddr, rkey, cmp, swap);
	if (ret)
		return ret;
	rsm_xfer_init(&x, ep);
	a.wr.wr.wr_cqe = &x.cqe;
	a.wr.wr.send_flags = IB_SEND_SIGNALED;
	down_read(&ep->sq_rwsem);
	ret = rsm_xfer_post_sq(&x, &a.wr.wr, 1);
	up_read(&ep->sq_rwsem);
	/* what was posted completes (or the QP goes) before the buffer does */
	if (!ret)
		ret = rsm_xfer_wait(&x);
	rsm_atomic_end(&a, !ret, old);
	return ret;
}

/* @ac is done: its buffer goes, its callback runs, its user reference. */
static void rsm_async_finish(struct rsm_async_cas *ac, int status)
{
	struct rsm_ep *ep = ac->ep;
	u64 old = 0;

	rsm_atomic_end(&ac->a, !status, &old);
	ac->done(ac, status, old);
	rsm_ep_put_user(ep);
}

static void rsm_async_done(struct ib_cq *cq, struct ib_wc *wc)
{
	struct rsm_async_cas *ac = container_of(wc->wr_cqe,
						struct rsm_async_cas, cqe);
	struct rsm_ep *ep = ac->ep;
	enum ib_wc_status st = wc->status;
	int status = st == IB_WC_SUCCESS ? 0 :
		     st == IB_WC_WR_FLUSH_ERR ? -ENOTCONN : -EIO;
	bool posting;

	spin_lock(&ep->async_lock);
	posting = ac->posting;
	if (posting) {
		ac->ended = true;	/* rsm_ep_cas_async() finishes it */
		ac->status = status;
	} else {
		list_del_init(&ac->list);
	}
	spin_unlock(&ep->async_lock);
	atomic_inc(&ep->sq_credits);
	wake_up_all(&ep->wq);
	if (!posting)
		rsm_async_finish(ac, status);
	if (st != IB_WC_SUCCESS && st != IB_WC_WR_FLUSH_ERR)
		rsm_conn_fail(ep, ib_wc_status_msg(st));
}

/**
 * rsm_ep_cas_async - compare and swap a word of the peer, not waiting
 * @ep: active endpoint, with a user reference (@ac takes another)
 * @ac: the operation; @ac->done set, the rest filled here
 * @raddr: the word's address in the peer's registration (8-byte aligned)
 * @rkey: the registration's key, for this endpoint
 * @cmp: the value expected
 * @swap: the value to store if @cmp is found
 *
 * Completions on one endpoint come in the order posted: @ac->done has run
 * before a later compare-and-swap on @ep is seen complete.
 *
 * Return: 0 (@ac->done runs, exactly once, maybe already), -ENOMEM or
 * -ENOTCONN (nothing was posted, @ac->done does not run).
 */
int rsm_ep_cas_async(struct rsm_ep *ep, struct rsm_async_cas *ac, u64 raddr,
		     u32 rkey, u64 cmp, u64 swap)
{
	struct rsm_xfer x;
	bool ended;
	int ret;

	ret = rsm_atomic_prep(&ac->a, ep->ctrl->ibdev, ep->pd->local_dma_lkey,
			      IB_WR_ATOMIC_CMP_AND_SWP, raddr, rkey, cmp, swap);
	if (ret)
		return ret;
	ac->ep = ep;
	ac->cqe.done = rsm_async_done;
	ac->a.wr.wr.wr_cqe = &ac->cqe;
	ac->a.wr.wr.send_flags = IB_SEND_SIGNALED;
	ac->ended = false;
	rsm_ep_get_user(ep);
	spin_lock(&ep->async_lock);
	ac->posting = true;
	list_add_tail(&ac->list, &ep->async);
	spin_unlock(&ep->async_lock);
	/* the transfer only carries the credits: the completion is @ac's */
	rsm_xfer_init(&x, ep);
	down_read(&ep->sq_rwsem);
	ret = rsm_xfer_post_sq(&x, &ac->a.wr.wr, 1);
	up_read(&ep->sq_rwsem);
	spin_lock(&ep->async_lock);
	ac->posting = false;
	ended = ac->ended;
	if (ret || ended)
		list_del_init(&ac->list);
	spin_unlock(&ep->async_lock);
	if (ret) {
		rsm_atomic_end(&ac->a, false, NULL);
		rsm_ep_put_user(ep);
		return -ENOTCONN;
	}
	/* completed, or orphaned, while this was posting it */
	if (ended)
		rsm_async_finish(ac, ac->status);
	return 0;
}

/**
 * rsm_ep_async_orphans - the endpoint's QP and CQ are gone: the atomics
 * whose completion never came are done, status -ENOTCONN
 * @ep: endpoint, after its CQ was freed (no completion handler runs)
 */
void rsm_ep_async_orphans(struct rsm_ep *ep)
{
	struct rsm_async_cas *ac, *tmp;
	LIST_HEAD(orphans);

	spin_lock(&ep->async_lock);
	list_for_each_entry_safe(ac, tmp, &ep->async, list) {
		if (ac->posting) {
			/* its poster finishes it, as completed if it was */
			if (!ac->ended) {
				ac->ended = true;
				ac->status = -ENOTCONN;
			}
			continue;
		}
		list_move_tail(&ac->list, &orphans);
	}
	spin_unlock(&ep->async_lock);
	while ((ac = list_first_entry_or_null(&orphans, struct rsm_async_cas,
					      list))) {
		list_del_init(&ac->list);
		rsm_async_finish(ac, -ENOTCONN);
	}
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
