// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsm: requests and answers between two nodes' kernels, and the work items
 * that serve requests.
 *
 * A request carries a transaction id; its sender waits on a struct rsm_rpc
 * listed on the endpoint until the answer with that id arrives, the
 * endpoint dies, a timeout expires or (when allowed) a signal comes.
 * Requests from the peer are served from rsm_ctl_wq, never from the
 * completion handler: serving may sleep on locks whose holders wait for
 * completions of the same CQ.
 */
#include <linux/slab.h>
#include <linux/jiffies.h>
#include <linux/sched/signal.h>

#include "rsm_tp.h"

#define RSM_TX_WAIT_MS	5000

static atomic64_t rsm_next_xid = ATOMIC64_INIT(0);

/*
 * Requests one queue may look back over to merge a SIGNAL into an earlier
 * one for the same segment (a loop of posts costs one queued request).
 */
#define RSM_CTL_MERGE_SCAN	64

/*
 * One request from the peer, waiting on its queue (struct rsm_ctl_q).
 * @more: further accumulating posts merged into this SIGNAL.
 */
struct rsm_ctl_work {
	struct list_head	list;
	u32			len;
	u32			more;
	u8			msg[];
};

static __le64 *rsm_msg_xid(void *msg)
{
	return msg + sizeof(struct rsm_msg_hdr);
}

static int rsm_msg_send_until(struct rsm_ep *ep, const void *msg,
			      size_t len, bool killable)
{
	unsigned long end = jiffies + msecs_to_jiffies(RSM_TX_WAIT_MS);
	long left;
	int ret;

	for (;;) {
		ret = rsm_msg_send(ep, msg, len);
		if (ret != -EBUSY)
			return ret;
		left = (long)(end - jiffies);
		if (left <= 0)
			return -EBUSY;
		if (killable)
			left = wait_event_killable_timeout(ep->wq,
							   rsm_msg_can_send(ep),
							   left);
		else
			left = wait_event_timeout(ep->wq, rsm_msg_can_send(ep),
						  left);
		if (left < 0)
			return -EINTR;
		if (!left)
			return -EBUSY;
	}
}

/**
 * rsm_msg_send_wait - send a control message, waiting for a free buffer
 * and a credit
 * @ep: endpoint
 * @msg: message, type and len of its header set
 * @len: its length
 *
 * Waits RSM_TX_WAIT_MS at most in all: a peer that keeps its receives to
 * itself holds nobody longer.  Not interruptible: for messages that must
 * go, answers and releases sent on a process's way out included.
 *
 * Return: 0 or a negative errno (-ENOTCONN once the endpoint is dying,
 * -EBUSY after the time).
 */
int rsm_msg_send_wait(struct rsm_ep *ep, const void *msg, size_t len)
{
	return rsm_msg_send_until(ep, msg, len, false);
}

/**
 * rsm_msg_send_wait_killable - rsm_msg_send_wait() for a message a
 * process may give up: it waits no longer once the process is killed
 * @ep: endpoint
 * @msg: message, type and len of its header set
 * @len: its length
 *
 * Return: as rsm_msg_send_wait(), or -EINTR for a fatal signal.
 */
int rsm_msg_send_wait_killable(struct rsm_ep *ep, const void *msg,
			       size_t len)
{
	return rsm_msg_send_until(ep, msg, len, true);
}

/**
 * rsm_rpc_send - send a request and list it for its answer
 * @ep: endpoint, with a user reference
 * @rpc: caller's storage, valid until rsm_rpc_wait() returns
 * @msg: request; its transaction id is filled in here
 * @len: its length
 *
 * Return: 0 (then rsm_rpc_wait() must follow) or a negative errno.
 */
int rsm_rpc_send(struct rsm_ep *ep, struct rsm_rpc *rpc, void *msg,
		 size_t len)
{
	const struct rsm_msg_hdr *hdr = msg;
	int ret;

	rpc->want_type = rsm_wire_answer_type(le16_to_cpu(hdr->type));
	if (!rpc->want_type)
		return -EINVAL;
	rpc->xid = atomic64_inc_return(&rsm_next_xid);
	rpc->ep = ep;
	rpc->status = 0;
	rpc->len = 0;
	rpc->orphan = NULL;
	memset(rpc->reply, 0, sizeof(rpc->reply));
	init_completion(&rpc->done);
	*rsm_msg_xid(msg) = cpu_to_le64(rpc->xid);

	spin_lock_bh(&ep->rpc_lock);
	if (ep->rpc_dead) {
		spin_unlock_bh(&ep->rpc_lock);
		return -ENOTCONN;
	}
	list_add_tail(&rpc->list, &ep->rpcs);
	spin_unlock_bh(&ep->rpc_lock);

	ret = rsm_msg_send_wait(ep, msg, len);
	if (ret) {
		spin_lock_bh(&ep->rpc_lock);
		list_del_init(&rpc->list);
		spin_unlock_bh(&ep->rpc_lock);
	}
	return ret;
}

/**
 * rsm_rpc_wait - wait for the answer to a request sent by rsm_rpc_send()
 * @rpc: the request
 * @timeout_ms: give up after this long
 *
 * Return: 0 (answer in @rpc->reply, @rpc->len bytes), -ENOTCONN (the
 * endpoint died) or -ETIMEDOUT.
 */
int rsm_rpc_wait(struct rsm_rpc *rpc, unsigned int timeout_ms)
{
	if (!wait_for_completion_timeout(&rpc->done,
					 msecs_to_jiffies(timeout_ms))) {
		spin_lock_bh(&rpc->ep->rpc_lock);
		list_del_init(&rpc->list);
		spin_unlock_bh(&rpc->ep->rpc_lock);
		/* the answer may have won the race */
		if (!completion_done(&rpc->done))
			return -ETIMEDOUT;
	}
	return rpc->status;
}

/**
 * rsm_rpc_orphan_free - orphan handler that only frees the request
 * @ep: endpoint the answer came on
 * @rpc: the abandoned request, kmalloc()ed
 */
void rsm_rpc_orphan_free(struct rsm_ep *ep, struct rsm_rpc *rpc)
{
	kfree(rpc);
}

static void rsm_rpc_orphan_work(struct work_struct *work)
{
	struct rsm_rpc *rpc = container_of(work, struct rsm_rpc, orphan_work);
	struct rsm_ep *ep = rpc->ep;

	rpc->orphan(ep, rpc);	/* frees @rpc */
	rsm_ep_put_user(ep);
}

/*
 * rsm_rpc_wait_killable - wait for an answer; a fatal signal abandons it
 * @rpc: request sent by rsm_rpc_send(), kmalloc()ed
 * @timeout_ms: give up after this long
 * @orphan: runs (in process context, with a user reference on the
 *	    endpoint) when the answer to an abandoned request comes after
 *	    all, to undo what the peer did for it; it must kfree() @rpc
 *
 * Return: as rsm_rpc_wait(); -EINTR when the caller was killed before the
 * answer came: @rpc then belongs to the orphan path and must not be freed
 * by the caller (it is freed when the answer comes or the endpoint dies).
 */
static int rsm_rpc_wait_killable(struct rsm_rpc *rpc,
				 unsigned int timeout_ms,
				 void (*orphan)(struct rsm_ep *ep,
						struct rsm_rpc *rpc))
{
	unsigned long t = msecs_to_jiffies(timeout_ms);
	struct rsm_ep *ep = rpc->ep;
	long left;

	left = wait_for_completion_killable_timeout(&rpc->done, t);
	if (left > 0)
		return rpc->status;
	spin_lock_bh(&ep->rpc_lock);
	if (!list_empty(&rpc->list)) {
		if (left < 0) {
			rpc->orphan = orphan;
			spin_unlock_bh(&ep->rpc_lock);
			return -EINTR;
		}
		list_del_init(&rpc->list);
		spin_unlock_bh(&ep->rpc_lock);
		return -ETIMEDOUT;
	}
	spin_unlock_bh(&ep->rpc_lock);
	/* the answer (or the endpoint's end) won the race: it completed */
	wait_for_completion(&rpc->done);
	return rpc->status;
}

/**
 * rsm_rpc_call - send a request and wait killably for its answer
 * @ep: endpoint, with a user reference
 * @rpc: storage for the request's state and answer, kmalloc()ed
 * @msg: request
 * @len: its length
 * @timeout_ms: give up after this long
 * @orphan: as for rsm_rpc_wait_killable()
 *
 * Return: as rsm_rpc_send(), then as rsm_rpc_wait_killable().
 */
int rsm_rpc_call(struct rsm_ep *ep, struct rsm_rpc *rpc, void *msg,
		 size_t len, unsigned int timeout_ms,
		 void (*orphan)(struct rsm_ep *ep, struct rsm_rpc *rpc))
{
	int ret = rsm_rpc_send(ep, rpc, msg, len);

	return ret ?: rsm_rpc_wait_killable(rpc, timeout_ms, orphan);
}

/**
 * rsm_rpc_answer - an answer arrived: hand it to its waiter
 * @ep: endpoint it arrived on
 * @msg: the answer, checked by rsm_wire_check_msg(), starting with a
 *	 header and a transaction id
 * @len: its length
 *
 * An answer must match its request by transaction id, type and length.
 * One for a request nobody waits for any more (it timed out, and the
 * connection is being reset for that) is dropped.
 *
 * Return: 0, or -EPROTO when it claims a request's id with the wrong type.
 */
int rsm_rpc_answer(struct rsm_ep *ep, const void *msg, u32 len)
{
	u64 xid = le64_to_cpu(*rsm_msg_xid((void *)msg));
	struct rsm_rpc *rpc;
	int ret = 0;

	spin_lock_bh(&ep->rpc_lock);
	list_for_each_entry(rpc, &ep->rpcs, list) {
		if (rpc->xid != xid)
			continue;
		if (!rsm_wire_answer_ok(rpc->want_type, msg, len) ||
		    len > sizeof(rpc->reply)) {
			ret = -EPROTO;
			break;
		}
		memcpy(rpc->reply, msg, len);
		rpc->len = len;
		list_del_init(&rpc->list);
		if (rpc->orphan) {
			rsm_ep_get_user(ep);
			INIT_WORK(&rpc->orphan_work, rsm_rpc_orphan_work);
			queue_work(rsm_wq, &rpc->orphan_work);
		} else {
			complete(&rpc->done);
		}
		break;
	}
	spin_unlock_bh(&ep->rpc_lock);
	return ret;
}

/**
 * rsm_rpc_fail_ep - the endpoint is going away: fail its waiting requests
 * @ep: endpoint
 */
void rsm_rpc_fail_ep(struct rsm_ep *ep)
{
	struct rsm_rpc *rpc, *tmp;

	spin_lock_bh(&ep->rpc_lock);
	ep->rpc_dead = true;
	list_for_each_entry_safe(rpc, tmp, &ep->rpcs, list) {
		rpc->status = -ENOTCONN;
		list_del_init(&rpc->list);
		/* abandoned: the peer forgets everything with the connection */
		if (rpc->orphan)
			kfree(rpc);
		else
			complete(&rpc->done);
	}
	spin_unlock_bh(&ep->rpc_lock);
}

static void rsm_ctl_serve(struct rsm_ep *ep, const struct rsm_ctl_work *cw)
{
	const struct rsm_tp_client *cl = rsm_tp_client_of(cw->msg);

	/* rsm_ctl_queue() queued nothing nobody serves */
	if (!WARN_ON_ONCE(!cl))
		cl->req_serve(ep, cw->msg, cw->more);
}

/*
 * Let the request's client absorb it into one still queued on @q.
 * Return: merged.
 */
static bool rsm_ctl_merge(struct rsm_ctl_q *q, const struct rsm_tp_client *cl,
			  const void *msg)
{
	struct rsm_ctl_work *cw;
	unsigned int seen = 0;

	lockdep_assert_held(&q->lock);
	list_for_each_entry_reverse(cw, &q->list, list) {
		if (++seen > RSM_CTL_MERGE_SCAN)
			return false;
		switch (cl->req_merge(cw->msg, &cw->more, msg)) {
		case RSM_TP_MERGED:
			return true;
		case RSM_TP_MERGE_STOP:
			return false;
		case RSM_TP_MERGE_NEXT:
			break;
		}
	}
	return false;
}

/*
 * Serve a queue's requests one after the other, in the order they came.
 * The queue holds a user reference on its endpoint while it runs (the
 * endpoint is not destroyed under it); dropping it is the last thing done.
 */
static void rsm_ctl_q_work(struct work_struct *work)
{
	struct rsm_ctl_q *q = container_of(work, struct rsm_ctl_q, work);
	struct rsm_ep *ep = q->ep;
	struct rsm_ctl_work *cw;

	for (;;) {
		spin_lock_bh(&q->lock);
		cw = list_first_entry_or_null(&q->list, struct rsm_ctl_work,
					      list);
		if (cw)
			list_del(&cw->list);
		else
			q->running = false;
		spin_unlock_bh(&q->lock);
		if (!cw)
			break;
		rsm_ctl_serve(ep, cw);
		kfree(cw);
		atomic_dec(&ep->ctl_queued);
	}
	rsm_ep_put_user(ep);
}

/**
 * rsm_ctl_init - set up the request queues of an endpoint
 * @ep: endpoint being allocated
 */
void rsm_ctl_init(struct rsm_ep *ep)
{
	unsigned int i;

	for (i = 0; i < RSM_CTL_QUEUES; i++) {
		struct rsm_ctl_q *q = &ep->ctlq[i];

		q->ep = ep;
		spin_lock_init(&q->lock);
		INIT_LIST_HEAD(&q->list);
		INIT_WORK(&q->work, rsm_ctl_q_work);
	}
}

/**
 * rsm_ctl_queue - serve a request from the peer in process context
 * @ep: endpoint it arrived on (its completion handler is running)
 * @msg: the request, checked by rsm_wire_check_msg()
 * @len: its length
 *
 * The client that serves the request's type picks one of RSM_CTL_QUEUES
 * queues for it; each queue is served in order, different queues run in
 * parallel (the segment layer keeps the requests about one segment in
 * order: a SIGNAL before the RELEASE that follows it).
 *
 * What waits is bounded: the client may merge a request into one still
 * queued, and an endpoint holds at most rsm_ctl_queue_max requests (a
 * legitimate peer has one per import it releases and per request it waits
 * for, far fewer).
 *
 * Return: 0, -EPROTO for a request type no client serves, -ENOMEM, or
 * -ENOBUFS when the peer exceeded the bound.
 */
int rsm_ctl_queue(struct rsm_ep *ep, const void *msg, u32 len)
{
	const struct rsm_tp_client *cl = rsm_tp_client_of(msg);
	struct rsm_ctl_work *cw;
	struct rsm_ctl_q *q;
	bool start;

	if (!cl)
		return -EPROTO;
	q = &ep->ctlq[cl->req_queue(msg) % RSM_CTL_QUEUES];
	if (cl->req_merge) {
		spin_lock_bh(&q->lock);
		start = rsm_ctl_merge(q, cl, msg);
		spin_unlock_bh(&q->lock);
		if (start)
			return 0;
	}
	if (atomic_inc_return(&ep->ctl_queued) > READ_ONCE(rsm_ctl_queue_max)) {
		atomic_dec(&ep->ctl_queued);
		return -ENOBUFS;
	}
	cw = kmalloc(struct_size(cw, msg, len), GFP_KERNEL);
	if (!cw) {
		atomic_dec(&ep->ctl_queued);
		return -ENOMEM;
	}
	cw->len = len;
	cw->more = 0;
	memcpy(cw->msg, msg, len);
	spin_lock_bh(&q->lock);
	list_add_tail(&cw->list, &q->list);
	start = !q->running;
	q->running = true;
	spin_unlock_bh(&q->lock);
	if (start) {
		rsm_ep_get_user(ep);
		queue_work(rsm_ctl_wq, &q->work);
	}
	return 0;
}
