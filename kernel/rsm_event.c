// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsm: events ("remote interrupts", spec 1.6 and 3.12).
 *
 * Every export and import segment counts its pending events.  A post on an
 * import adds one to the exported segment, a post on an export adds one to
 * each of its imports; across nodes the post travels as a SIGNAL message on
 * the connection that also carries the segment's data, so it arrives after
 * every RDMA WRITE that completed before it was sent.  A wait consumes
 * exactly one event; the descriptor polls readable while one is pending.
 * A post with RSM_SIGNAL_NO_ACCUMULATE is dropped when the target has one
 * pending already.
 */
#include <linux/sched/signal.h>
#include <linux/uaccess.h>

#include "rsm_loc.h"

/**
 * rsm_event_init - an empty event counter
 * @ev: counter
 */
void rsm_event_init(struct rsm_event *ev)
{
	spin_lock_init(&ev->lock);
	ev->pending = 0;
	init_waitqueue_head(&ev->wq);
}

/**
 * rsm_event_post - add one event
 * @ev: target
 * @flags: RSM_SIGNAL_NO_ACCUMULATE or 0
 */
void rsm_event_post(struct rsm_event *ev, u32 flags)
{
	rsm_event_post_more(ev, flags, 0);
}

/**
 * rsm_event_post_more - one post, then @more accumulating ones
 * @ev: target
 * @flags: of the first post: RSM_SIGNAL_NO_ACCUMULATE or 0
 * @more: further posts without RSM_SIGNAL_NO_ACCUMULATE (merged SIGNALs)
 *
 * The count saturates at U32_MAX.
 */
void rsm_event_post_more(struct rsm_event *ev, u32 flags, u32 more)
{
	unsigned long irqf;
	bool added;
	u32 before;

	spin_lock_irqsave(&ev->lock, irqf);
	before = ev->pending;
	if (!(ev->pending && (flags & RSM_SIGNAL_NO_ACCUMULATE)) &&
	    ev->pending < U32_MAX)
		ev->pending++;
	ev->pending += min(more, U32_MAX - ev->pending);
	added = ev->pending != before;
	spin_unlock_irqrestore(&ev->lock, irqf);
	if (added)
		wake_up_interruptible_poll(&ev->wq, EPOLLIN | EPOLLRDNORM);
}

/* Consume one event if there is one. */
static bool rsm_event_take(struct rsm_event *ev)
{
	unsigned long irqf;
	bool taken = false;

	spin_lock_irqsave(&ev->lock, irqf);
	if (ev->pending) {
		ev->pending--;
		taken = true;
	}
	spin_unlock_irqrestore(&ev->lock, irqf);
	return taken;
}

/**
 * rsm_event_poll - readiness of a segment descriptor
 * @ev: the segment's events
 * @file: descriptor
 * @wait: poll table
 *
 * Return: EPOLLIN | EPOLLRDNORM while an event is pending.
 */
__poll_t rsm_event_poll(struct rsm_event *ev, struct file *file,
			poll_table *wait)
{
	poll_wait(file, &ev->wq, wait);
	return READ_ONCE(ev->pending) ? EPOLLIN | EPOLLRDNORM : 0;
}

/**
 * rsm_event_wait_ioctl - RSM_IOC_SIGNAL_WAIT
 * @ev: the segment's events
 * @uarg: struct rsm_ioc_signal
 *
 * An event taken by another waiter first does not end the wait early.
 *
 * Return: 0 (one event consumed), RSMERR_TIMEOUT, -EINTR, or an errno.
 */
int rsm_event_wait_ioctl(struct rsm_event *ev, void __user *uarg)
{
	struct rsm_ioc_signal req;
	int ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (req.flags)
		return -EINVAL;
	if (rsm_event_take(ev))
		return 0;
	if (!req.timeout_ms)
		return RSMERR_TIMEOUT;
	if (req.timeout_ms < 0) {
		if (wait_event_interruptible(ev->wq, rsm_event_take(ev)))
			return -EINTR;
		return 0;
	}
	/*
	 * A high-resolution timer on CLOCK_MONOTONIC, the clock callers
	 * measure with: the wait never ends before the timeout has passed,
	 * whatever jiffies do (they lag and catch up in virtual machines).
	 */
	ret = wait_event_interruptible_hrtimeout(ev->wq, rsm_event_take(ev),
						 ms_to_ktime(req.timeout_ms));
	if (ret == -ETIME)
		return RSMERR_TIMEOUT;
	return ret ? -EINTR : 0;
}

/**
 * rsm_signal_post_ioctl - read and check the argument of RSM_IOC_SIGNAL_POST
 * @uarg: struct rsm_ioc_signal
 * @flags: out, the post flags
 *
 * Return: 0 or a negative errno.
 */
int rsm_signal_post_ioctl(void __user *uarg, u32 *flags)
{
	struct rsm_ioc_signal req;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if ((req.flags & ~RSM_SIGNAL_NO_ACCUMULATE) || req.timeout_ms)
		return -EINVAL;
	*flags = req.flags;
	return 0;
}

/**
 * rsm_signal_send - post an event to a segment on the peer
 * @ep: active endpoint, with a user reference
 * @segid: segment id
 * @instance: its publication
 * @flags: RSM_SIGNAL_NO_ACCUMULATE or 0
 * @to_exporter: to the exported segment, or to every import of it
 *
 * Waits for a buffer and a credit as long as rsm_msg_send_wait() does,
 * but not once the caller is being killed.
 *
 * Return: 0 or a negative errno (the connection is going away, or no
 * buffer or credit in time, or -EINTR).
 */
int rsm_signal_send(struct rsm_ep *ep, u32 segid, u64 instance, u32 flags,
		    bool to_exporter)
{
	struct rsm_msg_signal msg = {};

	msg.hdr.type = cpu_to_le16(RSM_MSG_SIGNAL);
	msg.segid = cpu_to_le32(segid);
	msg.flags = cpu_to_le32(flags & RSM_SIGNAL_NO_ACCUMULATE);
	msg.instance = cpu_to_le64(instance);
	msg.target = cpu_to_le32(to_exporter ? RSM_SIGNAL_TO_EXPORT :
					       RSM_SIGNAL_TO_IMPORTS);
	return rsm_msg_send_wait_killable(ep, &msg, sizeof(msg));
}

/**
 * rsm_signal_handle - a SIGNAL message from the peer
 * @ep: endpoint it came on (user reference held)
 * @msg: struct rsm_msg_signal
 * @more: accumulating SIGNALs merged into it (rsm_ctl_queue())
 */
void rsm_signal_handle(struct rsm_ep *ep, const void *msg, u32 more)
{
	const struct rsm_msg_signal *sig = msg;

	if (le32_to_cpu(sig->target) == RSM_SIGNAL_TO_EXPORT)
		rsm_export_handle_signal(ep, msg, more);
	else
		rsm_import_handle_signal(ep, msg, more);
}
