// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsm: control messages - the QP and CQ of an endpoint, its pre-registered
 * send and receive buffers, and dispatch of received messages.
 *
 * Buffers are mapped once with the PD's local DMA lkey.  Completions are
 * handled in process context (IB_POLL_WORKQUEUE), so handlers may sleep on
 * the connection lock.  @qp_rwsem orders every post against QP destruction:
 * posters hold it for reading and check @qp_dead.
 */
#include <linux/slab.h>
#include <linux/jiffies.h>

#include "rsm_tp.h"

/* One message buffer of an endpoint: its completion entry and index. */
struct rsm_msg_slot {
	struct ib_cqe		cqe;
	struct rsm_ep		*ep;
	unsigned int		idx;
};

static_assert(RSM_TX_DEPTH <= BITS_PER_LONG);

static u64 rsm_rx_addr(struct rsm_ep *ep, unsigned int idx)
{
	return ep->rx_dma + (u64)idx * RSM_MSG_MAX;
}

static u64 rsm_tx_addr(struct rsm_ep *ep, unsigned int idx)
{
	return ep->tx_dma + (u64)idx * RSM_MSG_MAX;
}

static void rsm_msg_recv_done(struct ib_cq *cq, struct ib_wc *wc);
static void rsm_msg_send_done(struct ib_cq *cq, struct ib_wc *wc);

/* Caller holds qp_rwsem for reading and has checked qp_dead. */
static int rsm_msg_post_recv(struct rsm_ep *ep, unsigned int idx)
{
	struct ib_sge sge = {
		.addr	= rsm_rx_addr(ep, idx),
		.length	= RSM_MSG_MAX,
		.lkey	= ep->pd->local_dma_lkey,
	};
	struct ib_recv_wr wr = {
		.wr_cqe		= &ep->rx_slots[idx].cqe,
		.sg_list	= &sge,
		.num_sge	= 1,
	};

	return ib_post_recv(ep->cm_id->qp, &wr, NULL);
}

static void rsm_msg_init_slots(struct rsm_ep *ep, struct rsm_msg_slot *slots,
			       unsigned int n,
			       void (*done)(struct ib_cq *, struct ib_wc *))
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		slots[i].cqe.done = done;
		slots[i].ep = ep;
		slots[i].idx = i;
	}
}

/**
 * rsm_dma_buf_alloc - a zeroed kernel buffer, mapped for a device
 * @dev: the device
 * @len: bytes
 * @dir: DMA direction
 * @dma: out, its DMA address
 *
 * Return: the buffer, or NULL (nothing to undo).
 */
void *rsm_dma_buf_alloc(struct ib_device *dev, size_t len,
			enum dma_data_direction dir, u64 *dma)
{
	void *buf = kzalloc(len, GFP_KERNEL);

	if (!buf)
		return NULL;
	*dma = ib_dma_map_single(dev, buf, len, dir);
	if (ib_dma_mapping_error(dev, *dma)) {
		kfree(buf);
		return NULL;
	}
	return buf;
}

/**
 * rsm_dma_buf_free - undo rsm_dma_buf_alloc()
 * @dev: the device
 * @buf: the buffer, or NULL
 * @len: bytes
 * @dir: DMA direction
 * @dma: its DMA address
 */
void rsm_dma_buf_free(struct ib_device *dev, void *buf, size_t len,
		      enum dma_data_direction dir, u64 dma)
{
	if (!buf)
		return;
	ib_dma_unmap_single(dev, dma, len, dir);
	kfree(buf);
}

static int rsm_msg_alloc_bufs(struct rsm_ep *ep)
{
	struct ib_device *dev = ep->ctrl->ibdev;

	ep->rx_slots = kcalloc(RSM_RX_DEPTH, sizeof(*ep->rx_slots), GFP_KERNEL);
	ep->tx_slots = kcalloc(RSM_TX_DEPTH, sizeof(*ep->tx_slots), GFP_KERNEL);
	ep->rx_bufs = rsm_dma_buf_alloc(dev, RSM_RX_DEPTH * RSM_MSG_MAX,
					DMA_FROM_DEVICE, &ep->rx_dma);
	ep->tx_bufs = rsm_dma_buf_alloc(dev, RSM_TX_DEPTH * RSM_MSG_MAX,
					DMA_TO_DEVICE, &ep->tx_dma);
	if (!ep->rx_slots || !ep->tx_slots || !ep->rx_bufs || !ep->tx_bufs)
		return -ENOMEM;

	rsm_msg_init_slots(ep, ep->rx_slots, RSM_RX_DEPTH, rsm_msg_recv_done);
	rsm_msg_init_slots(ep, ep->tx_slots, RSM_TX_DEPTH, rsm_msg_send_done);
	ep->tx_free = GENMASK(RSM_TX_DEPTH - 1, 0);
	return 0;
}

static void rsm_qp_event(struct ib_event *event, void *context)
{
	struct rsm_ep *ep = context;

	switch (event->event) {
	case IB_EVENT_COMM_EST:
	case IB_EVENT_SQ_DRAINED:
	case IB_EVENT_QP_LAST_WQE_REACHED:
		break;
	default:
		/* may be atomic context: fail the endpoint from a work */
		queue_work(rsm_wq, &ep->fail_work);
		break;
	}
}

/**
 * rsm_msg_setup - create the CQ and QP of an endpoint and post its receives
 * @ep: endpoint with cm_id and ctrl set, its cm_lock held (not the
 *      connection's lock: creating a QP may run the provider's send queue)
 *
 * Return: 0 or a negative errno; partial state is undone by teardown/free.
 */
int rsm_msg_setup(struct rsm_ep *ep)
{
	struct ib_qp_init_attr qa = {};
	unsigned int i;
	int ret;

	/*
	 * A protection domain of its own: the keys registered for this peer
	 * (rsm_export.c) work on this connection's QP and on no other.
	 */
	ep->pd = ib_alloc_pd(ep->ctrl->ibdev, 0);
	if (IS_ERR(ep->pd)) {
		ret = PTR_ERR(ep->pd);
		ep->pd = NULL;
		return ret;
	}
	ret = rsm_msg_alloc_bufs(ep);
	if (ret)
		return ret;

	ep->cq = ib_alloc_cq(ep->ctrl->ibdev, ep,
			     RSM_RX_DEPTH + RSM_TX_DEPTH + RSM_DATA_SQ + 4, 0,
			     IB_POLL_WORKQUEUE);
	if (IS_ERR(ep->cq)) {
		ret = PTR_ERR(ep->cq);
		ep->cq = NULL;
		return ret;
	}

	qa.event_handler = rsm_qp_event;
	qa.qp_context = ep;
	qa.send_cq = ep->cq;
	qa.recv_cq = ep->cq;
	qa.cap.max_send_wr = RSM_TX_DEPTH + RSM_DATA_SQ + 1;
	qa.cap.max_recv_wr = RSM_RX_DEPTH + 1;
	qa.cap.max_send_sge = 1;		/* rsm_rw_setup() raises it */
	qa.cap.max_recv_sge = 1;
	qa.sq_sig_type = IB_SIGNAL_REQ_WR;
	qa.qp_type = IB_QPT_RC;
	rsm_rw_setup(ep, &qa);
	ret = rdma_create_qp(ep->cm_id, ep->pd, &qa);
	if (ret)
		return ret;
	ep->qp_created = true;

	down_read(&ep->qp_rwsem);
	for (i = 0; i < RSM_RX_DEPTH && !ret; i++)
		ret = rsm_msg_post_recv(ep, i);
	up_read(&ep->qp_rwsem);
	return ret;
}

/**
 * rsm_msg_stop - no more posts; flush what is in flight
 * @ep: endpoint, detached from its connection (or never attached)
 *
 * Moving the QP to the error state completes every outstanding work
 * request with a flush status, so that waiters learn of the failure at
 * once; it sends nothing on the wire.
 */
void rsm_msg_stop(struct rsm_ep *ep)
{
	struct ib_qp_attr attr = { .qp_state = IB_QPS_ERR };

	down_write(&ep->qp_rwsem);
	ep->qp_dead = true;
	up_write(&ep->qp_rwsem);
	if (ep->qp_created)
		ib_modify_qp(ep->cm_id->qp, &attr, IB_QP_STATE);
	wake_up_all(&ep->wq);
}

/**
 * rsm_msg_teardown - stop the QP and release QP and CQ
 * @ep: endpoint, detached from its connection (or never attached)
 *
 * After this no completion handler runs and nothing is posted any more.
 */
void rsm_msg_teardown(struct rsm_ep *ep)
{
	down_write(&ep->qp_rwsem);
	ep->qp_dead = true;
	up_write(&ep->qp_rwsem);

	if (ep->qp_created) {
		if (ep->connect_sent)
			rdma_disconnect(ep->cm_id);
		rsm_rw_quiesce(ep);
		rdma_destroy_qp(ep->cm_id);
		ep->qp_created = false;
	}
	if (ep->cq) {
		ib_free_cq(ep->cq);	/* waits for running handlers */
		ep->cq = NULL;
	}
	/* no handler queues it any more; it may still use the buffers */
	cancel_work_sync(&ep->credit_work);
	/* atomics whose completion went with the QP */
	rsm_ep_async_orphans(ep);
	/* waiters on work requests that never completed may go now */
	WRITE_ONCE(ep->qp_gone, true);
	wake_up_all(&ep->wq);
}

/**
 * rsm_msg_free - unmap and free the message buffers of an endpoint
 * @ep: endpoint after rsm_msg_teardown
 */
void rsm_msg_free(struct rsm_ep *ep)
{
	/* buffers exist only once the controller is known */
	if (ep->ctrl) {
		rsm_dma_buf_free(ep->ctrl->ibdev, ep->rx_bufs,
				 RSM_RX_DEPTH * RSM_MSG_MAX, DMA_FROM_DEVICE,
				 ep->rx_dma);
		rsm_dma_buf_free(ep->ctrl->ibdev, ep->tx_bufs,
				 RSM_TX_DEPTH * RSM_MSG_MAX, DMA_TO_DEVICE,
				 ep->tx_dma);
	}
	/* after every MR of the peer's registrations (rsm_export_ep_gone) */
	if (ep->pd)
		ib_dealloc_pd(ep->pd);
	ep->pd = NULL;
	kfree(ep->rx_slots);
	kfree(ep->tx_slots);
	ep->rx_bufs = NULL;
	ep->tx_bufs = NULL;
	ep->rx_slots = NULL;
	ep->tx_slots = NULL;
}

/* Give back send buffer @idx. */
static void rsm_msg_tx_put(struct rsm_ep *ep, unsigned int idx)
{
	spin_lock_bh(&ep->tx_lock);
	__set_bit(idx, &ep->tx_free);
	spin_unlock_bh(&ep->tx_lock);
}

/* Take a credit, leaving at least @floor.  Return: taken. */
static bool rsm_credit_take(struct rsm_ep *ep, int floor)
{
	int c = atomic_read(&ep->tx_credits);

	do {
		if (c <= floor)
			return false;
	} while (!atomic_try_cmpxchg(&ep->tx_credits, &c, c - 1));
	return true;
}

/* What a message may use of the send buffers and credits. */
enum rsm_post_kind {
	RSM_POST_MSG,		/* all but RSM_CREDIT_RESERVE credits */
	RSM_POST_RETURN,	/* all, if it returns credits */
	RSM_POST_SPARE,		/* only the upper half of both */
};

/* Take a send buffer; RSM_TX_DEPTH if none (or none spare) is free. */
static unsigned int rsm_msg_tx_get(struct rsm_ep *ep, enum rsm_post_kind kind)
{
	unsigned int idx = RSM_TX_DEPTH;

	spin_lock_bh(&ep->tx_lock);
	if (ep->tx_free && (kind != RSM_POST_SPARE ||
			    hweight_long(ep->tx_free) > RSM_TX_DEPTH / 2)) {
		idx = __ffs(ep->tx_free);
		__clear_bit(idx, &ep->tx_free);
	}
	spin_unlock_bh(&ep->tx_lock);
	return idx;
}

static int rsm_msg_credit_floor(enum rsm_post_kind kind, unsigned int owed)
{
	if (kind == RSM_POST_SPARE)
		return RSM_RX_DEPTH / 2;
	/* the peer may be waiting for the credits, with none left to ask */
	if (kind == RSM_POST_RETURN && owed)
		return 0;
	return RSM_CREDIT_RESERVE;
}

/* Post @msg against a send buffer and a credit, as @kind allows them. */
static int rsm_msg_post(struct rsm_ep *ep, const void *msg, size_t len,
			enum rsm_post_kind kind)
{
	struct ib_device *dev = ep->ctrl->ibdev;
	struct rsm_msg_hdr *hdr;
	struct ib_sge sge;
	struct ib_send_wr wr = {};
	unsigned int idx, owed;
	int ret;

	if (WARN_ON_ONCE(len < sizeof(*hdr) || len > RSM_MSG_MAX))
		return -EINVAL;

	down_read(&ep->sq_rwsem);
	down_read(&ep->qp_rwsem);
	if (ep->qp_dead || !ep->qp_created) {
		ret = -ENOTCONN;
		goto out;
	}
	idx = rsm_msg_tx_get(ep, kind);
	if (idx >= RSM_TX_DEPTH) {
		ret = -EBUSY;
		goto out;
	}
	/* decided on what this message returns, not on what another did */
	owed = min_t(unsigned int, atomic_xchg(&ep->rx_owed, 0),
		     RSM_WIRE_RECEIVES);
	if (!rsm_credit_take(ep, rsm_msg_credit_floor(kind, owed))) {
		atomic_add(owed, &ep->rx_owed);
		rsm_msg_tx_put(ep, idx);
		ret = -EBUSY;
		goto out;
	}

	hdr = ep->tx_bufs + (size_t)idx * RSM_MSG_MAX;
	memcpy(hdr, msg, len);
	hdr->version = RSM_PROTO_VERSION;
	hdr->credits = owed;
	hdr->len = cpu_to_le32(len);
	hdr->seq = cpu_to_le64(atomic64_inc_return(&ep->tx_seq));
	ib_dma_sync_single_for_device(dev, rsm_tx_addr(ep, idx), len,
				      DMA_TO_DEVICE);

	sge.addr = rsm_tx_addr(ep, idx);
	sge.length = len;
	sge.lkey = ep->pd->local_dma_lkey;
	wr.wr_cqe = &ep->tx_slots[idx].cqe;
	wr.sg_list = &sge;
	wr.num_sge = 1;
	wr.opcode = IB_WR_SEND;
	wr.send_flags = IB_SEND_SIGNALED;
	ret = ib_post_send(ep->cm_id->qp, &wr, NULL);
	if (ret) {
		atomic_add(owed, &ep->rx_owed);
		atomic_inc(&ep->tx_credits);
		rsm_msg_tx_put(ep, idx);
	} else {
		atomic64_inc(&ep->conn->tx_msgs);
		/* a sign of life after the WRITEs before it */
		rsm_pace_msg_sent(ep);
	}
out:
	up_read(&ep->qp_rwsem);
	up_read(&ep->sq_rwsem);
	return ret;
}

/**
 * rsm_msg_send - post one control message
 * @ep: endpoint
 * @msg: message starting with struct rsm_msg_hdr; type and len are set by
 *	 the caller, the rest of the header here
 * @len: its length, at most RSM_MSG_MAX
 *
 * Return: 0, -ENOTCONN if the endpoint is going away, -EBUSY if every send
 * buffer is in flight or the peer has no receive left for it (no credit:
 * see struct rsm_msg_hdr), or a verbs error.
 */
int rsm_msg_send(struct rsm_ep *ep, const void *msg, size_t len)
{
	return rsm_msg_post(ep, msg, len, RSM_POST_MSG);
}

static void rsm_msg_send_done(struct ib_cq *cq, struct ib_wc *wc)
{
	struct rsm_msg_slot *slot = container_of(wc->wr_cqe, struct rsm_msg_slot,
						cqe);
	struct rsm_ep *ep = slot->ep;

	rsm_msg_tx_put(ep, slot->idx);
	wake_up_all(&ep->wq);
	/* the credit work may have found no buffer: the peer may wait */
	if (atomic_read(&ep->rx_owed) >= RSM_CREDIT_BATCH &&
	    !READ_ONCE(ep->qp_dead))
		queue_work(rsm_wq, &ep->credit_work);
	/*
	 * On InfiniBand and RoCE a send completes once the peer acknowledged
	 * it, which proves the peer alive as well as a message from it does
	 * (our receive side may be stuck behind a long RDMA READ the peer is
	 * serving, our sends are not).  On iWARP it completes once the data
	 * is in the local TCP stream, which proves nothing.
	 */
	if (wc->status == IB_WC_SUCCESS && ep->sends_acked)
		WRITE_ONCE(ep->last_rx, jiffies);

	if (wc->status != IB_WC_SUCCESS && wc->status != IB_WC_WR_FLUSH_ERR)
		rsm_conn_fail(ep, ib_wc_status_msg(wc->status));
}

/**
 * rsm_msg_send_info - tell the peer who we are (first message)
 * @ep: endpoint, transport established
 * @mac: the active side's proof of the key (rsm_auth_prove()), else zero
 *
 * Return: 0 or a negative errno.
 */
int rsm_msg_send_info(struct rsm_ep *ep, const u8 *mac)
{
	struct rsm_msg_info info = {};

	info.hdr.type = cpu_to_le16(RSM_MSG_INFO);
	info.nodeid = cpu_to_le32(READ_ONCE(rsm_cluster.local_nodeid));
	info.hwaddr = cpu_to_le64(ep->ctrl->hwaddr);
	rsm_ctrl_name(ep->ctrl, info.ctlr_name, sizeof(info.ctlr_name));
	memcpy(info.mac, mac, sizeof(info.mac));
	return rsm_msg_send(ep, &info, sizeof(info));
}

static int rsm_msg_send_hb(struct rsm_ep *ep, enum rsm_post_kind kind)
{
	struct rsm_msg_heartbeat hb = {};

	hb.hdr.type = cpu_to_le16(RSM_MSG_HEARTBEAT);
	hb.jiffies_ms = cpu_to_le64(jiffies_to_msecs(jiffies));
	return rsm_msg_post(ep, &hb, sizeof(hb), kind);
}

/**
 * rsm_msg_send_heartbeat - liveness probe
 * @ep: active endpoint
 *
 * Return: 0 or a negative errno; -EBUSY (buffers in flight) is harmless.
 */
int rsm_msg_send_heartbeat(struct rsm_ep *ep)
{
	return rsm_msg_send_hb(ep, RSM_POST_RETURN);
}

/**
 * rsm_msg_send_life_sign - a heartbeat among data (rsm_pace.c), from the
 * upper half of the send buffers and credits only
 * @ep: active endpoint
 *
 * Return: 0 or a negative errno; -EBUSY when none is spare.
 */
int rsm_msg_send_life_sign(struct rsm_ep *ep)
{
	return rsm_msg_send_hb(ep, RSM_POST_SPARE);
}

/* Return the credits owed to the peer when no other message did. */
static void rsm_msg_credit_work(struct work_struct *work)
{
	struct rsm_ep *ep = container_of(work, struct rsm_ep, credit_work);

	/* -EBUSY: the next receive, send completion or heartbeat tries again */
	if (atomic_read(&ep->rx_owed) >= RSM_CREDIT_BATCH)
		rsm_msg_send_heartbeat(ep);
}

/**
 * rsm_msg_init_ep - message fields of a freshly allocated endpoint
 * @ep: endpoint
 *
 * The peer posts RSM_RX_DEPTH receives for us before it connects, as we
 * do for it (rsm_msg_setup()).
 */
void rsm_msg_init_ep(struct rsm_ep *ep)
{
	atomic_set(&ep->tx_credits, RSM_RX_DEPTH);
	atomic_set(&ep->rx_owed, 0);
	atomic_set(&ep->hb_unsent, 0);
	INIT_WORK(&ep->credit_work, rsm_msg_credit_work);
}

/*
 * The peer's INFO.  On the passive side it carries the active side's proof:
 * only a valid one makes the endpoint the connection's (and lets any other
 * message count); anything else drops just this endpoint.
 */
static void rsm_msg_handle_info(struct rsm_ep *ep,
				const struct rsm_msg_info *info)
{
	struct rsm_conn *conn = ep->conn;
	const char *why = NULL;

	mutex_lock(&conn->lock);
	if ((conn->ep != ep && !ep->pending) || ep->state == RSM_EP_DEAD ||
	    ep->peer_info_seen)
		why = "unexpected INFO";
	else if (le32_to_cpu(info->nodeid) != conn->nodeid)
		why = "INFO from an unexpected node";
	if (!why && !ep->active_side && !rsm_auth_check(ep, info->mac)) {
		mutex_unlock(&conn->lock);
		rsm_conn_refuse(ep, "bad proof of the cluster key");
		return;
	}
	if (why) {
		mutex_unlock(&conn->lock);
		rsm_conn_fail(ep, why);
		return;
	}
	if (ep->info_held) {
		/* an iWARP responder answers the initiator's first message */
		u8 none[RSM_WIRE_MAC_LEN] = {};

		ep->info_held = false;
		if (rsm_msg_send_info(ep, none)) {
			mutex_unlock(&conn->lock);
			rsm_conn_fail(ep, "cannot send INFO");
			return;
		}
	}
	if (ep->pending) {
		WRITE_ONCE(ep->authed, true);
		rsm_conn_promote_locked(conn, ep);
	}
	strscpy(conn->peer_ctlr, info->ctlr_name, sizeof(conn->peer_ctlr));
	conn->peer_hwaddr = le64_to_cpu(info->hwaddr);
	ep->peer_info_seen = true;
	if (ep->state == RSM_EP_ESTABLISHED)
		rsm_conn_established_locked(conn, ep);
	mutex_unlock(&conn->lock);
}

/* A peer sent something malformed or out of turn: its connection goes. */
static void rsm_msg_bad(struct rsm_ep *ep, const char *why)
{
	atomic64_inc(&rsm_cluster.bad_msgs);
	rsm_warn_rl("node %u: %s; resetting the connection\n",
		    ep->conn->nodeid, why);
	rsm_conn_fail(ep, why);
}

static void rsm_msg_dispatch(struct rsm_ep *ep, const void *buf, u32 len)
{
	int type = rsm_wire_check_msg(buf, len);
	unsigned int credits;
	int ret;

	if (type < 0) {
		rsm_msg_bad(ep, "malformed message");
		return;
	}
	/* nothing but INFO before the peer proved itself (rsm(7)) */
	if (type != RSM_MSG_INFO && !READ_ONCE(ep->authed)) {
		rsm_msg_bad(ep, "message before authentication");
		return;
	}
	credits = ((const struct rsm_msg_hdr *)buf)->credits;
	if (credits) {
		if (atomic_add_return(credits, &ep->tx_credits) >
		    RSM_WIRE_RECEIVES) {
			rsm_msg_bad(ep, "more credits than receives");
			return;
		}
		wake_up_all(&ep->wq);
	}
	switch (rsm_wire_msg_kind(type)) {
	case RSM_WIRE_TRANSPORT:
		if (type == RSM_MSG_INFO)
			rsm_msg_handle_info(ep, buf);
		return;
	case RSM_WIRE_REQUEST:
		if (!ep->peer_info_seen) {
			rsm_msg_bad(ep, "request before INFO");
			return;
		}
		ret = rsm_ctl_queue(ep, buf, len);
		if (ret == -ENOBUFS)
			rsm_msg_bad(ep, "too many requests waiting");
		else if (ret == -EPROTO)
			rsm_msg_bad(ep, "request nobody here serves");
		else if (ret)
			rsm_conn_fail(ep, "out of memory for a request");
		return;
	case RSM_WIRE_ANSWER:
		if (rsm_rpc_answer(ep, buf, len))
			rsm_msg_bad(ep, "answer to no request of ours");
		return;
	case RSM_WIRE_UNKNOWN:
		/* rsm_wire_check_msg() let no such type through */
		rsm_msg_bad(ep, "message of unknown type");
		return;
	}
}

static void rsm_msg_recv_done(struct ib_cq *cq, struct ib_wc *wc)
{
	struct rsm_msg_slot *slot = container_of(wc->wr_cqe, struct rsm_msg_slot,
						cqe);
	struct rsm_ep *ep = slot->ep;
	void *buf = ep->rx_bufs + (size_t)slot->idx * RSM_MSG_MAX;

	if (wc->status != IB_WC_SUCCESS) {
		if (wc->status != IB_WC_WR_FLUSH_ERR)
			rsm_conn_fail(ep, ib_wc_status_msg(wc->status));
		return;
	}

	ib_dma_sync_single_for_cpu(ep->ctrl->ibdev, rsm_rx_addr(ep, slot->idx),
				   RSM_MSG_MAX, DMA_FROM_DEVICE);
	WRITE_ONCE(ep->last_rx, jiffies);
	atomic64_inc(&ep->conn->rx_msgs);
	rsm_msg_dispatch(ep, buf, wc->byte_len);
	ib_dma_sync_single_for_device(ep->ctrl->ibdev,
				      rsm_rx_addr(ep, slot->idx), RSM_MSG_MAX,
				      DMA_FROM_DEVICE);

	down_read(&ep->qp_rwsem);
	if (!ep->qp_dead) {
		if (rsm_msg_post_recv(ep, slot->idx))
			queue_work(rsm_wq, &ep->fail_work);
		else if (!rsm_test_withhold_credits() &&
			 atomic_inc_return(&ep->rx_owed) >= RSM_CREDIT_BATCH)
			queue_work(rsm_wq, &ep->credit_work);
	}
	up_read(&ep->qp_rwsem);
}
