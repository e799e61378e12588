// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsm: pacing the data path of one endpoint.
 *
 * A control message goes out behind every RDMA READ and WRITE posted
 * before it on the same QP: requests and answers of every user of the
 * node pair, heartbeats included.  So the data one endpoint has in flight
 * is bounded by time, not only by count: about what the link moved in
 * RSM_PACE_QUEUE_MS at the rate measured (an operation is let in while
 * less than that is in flight), at least one operation.  One
 * user's long put then delays another's lock grant or signal by a fraction
 * of a second on a slow link (a guest on a debug kernel moves 150 KB/s
 * over siw), not by the seconds a queue of megabytes would take.
 *
 * The rate is what completed (READs and WRITEs alike) over time with data
 * admitted, measured over periods of at least RSM_PACE_PERIOD_MS, so that
 * an idle endpoint does not pass for a slow link and the burst a socket
 * takes in at once (iWARP completes a WRITE once it is in the local TCP
 * stream) does not pass for a fast one.  Time an admitted operation waits
 * to be posted (behind a memory registration, for send queue slots) counts
 * as busy: the rate errs low, the bound with it, for one period.  A new
 * endpoint starts at RSM_PACE_CAP_START; each period the bound can grow by
 * RSM_PACE_QUEUE_MS over the time one operation takes, so a fast link
 * reaches RSM_PACE_CAP_MAX after the first.
 *
 * iWARP only: a message among the WRITEs (a heartbeat, where no other
 * message was sent since) after every RSM_LIFE_SIGN_MS of data at the same
 * rate, never closer than RSM_LIFE_SIGN_MIN bytes.  The peer sees our
 * WRITEs as TCP traffic only, with no completion and so no sign of life,
 * and the socket may hold more than the send queue; a message among the
 * data reaches the peer as the data does.  Life signs use only the upper
 * half of our send buffers and credits (the peer's receives): the rest
 * stays for the messages users wait for.  On InfiniBand and RoCE the
 * peer's acknowledgements of our sends count as life.
 */
#include <linux/spinlock.h>

#include "rsm_tp.h"

#define RSM_PACE_QUEUE_MS	250
#define RSM_PACE_PERIOD_MS	1000
#define RSM_PACE_CAP_MIN	SZ_128K
#define RSM_PACE_CAP_START	SZ_1M
#define RSM_PACE_CAP_MAX	SZ_4M
#define RSM_LIFE_SIGN_MS	50
#define RSM_LIFE_SIGN_MIN	SZ_128K
#define RSM_LIFE_SIGN_MAX	SZ_1G

/**
 * rsm_pace_init - pacing of a new endpoint
 * @ep: endpoint, before its QP exists
 */
void rsm_pace_init(struct rsm_ep *ep)
{
	struct rsm_pace *p = &ep->pace;

	spin_lock_init(&p->lock);
	p->inflight = 0;
	p->cap = RSM_PACE_CAP_START;
	p->period_bytes = 0;
	p->busy = 0;
	p->since = jiffies;
	atomic_set(&p->life_bytes, 0);
	p->life_every = RSM_LIFE_SIGN_MIN;
}

/* Let @len bytes more be in flight, if the bound allows. */
static bool rsm_pace_admit(struct rsm_pace *p, u32 len)
{
	bool ok;

	spin_lock_bh(&p->lock);
	/* not "fits": small operations must not keep a large one out */
	ok = p->inflight < p->cap;
	if (ok) {
		if (!p->inflight)
			p->since = jiffies;
		p->inflight += len;
	}
	spin_unlock_bh(&p->lock);
	return ok;
}

/**
 * rsm_pace_wait - wait until @len bytes more of data may be in flight
 * @ep: endpoint
 * @len: bytes of the operation about to be posted
 *
 * Waits for operations admitted before to complete (or be flushed); they
 * are posted, or about to be.  Every successful call is followed by
 * rsm_pace_done() for @len, once the operation completed or was not
 * posted after all (or its endpoint died).
 *
 * Return: 0, or -ENOTCONN once the QP is dead.
 */
int rsm_pace_wait(struct rsm_ep *ep, u32 len)
{
	bool ok;

	wait_event(ep->wq, (ok = rsm_pace_admit(&ep->pace, len)) ||
		   READ_ONCE(ep->qp_dead));
	return ok ? 0 : -ENOTCONN;
}

/* A period ended at @now after @ms of data in flight: the new bounds. */
static void rsm_pace_measure(struct rsm_pace *p, unsigned long now,
			     unsigned int ms)
{
	u64 b = p->period_bytes;

	p->cap = clamp_t(u64, div_u64(b * RSM_PACE_QUEUE_MS, ms),
			 RSM_PACE_CAP_MIN, RSM_PACE_CAP_MAX);
	WRITE_ONCE(p->life_every,
		   clamp_t(u64, div_u64(b * RSM_LIFE_SIGN_MS, ms),
			   RSM_LIFE_SIGN_MIN, RSM_LIFE_SIGN_MAX));
	p->period_bytes = 0;
	p->busy = 0;
	p->since = now;
}

/**
 * rsm_pace_done - @len bytes admitted by rsm_pace_wait() left the flight
 * @ep: endpoint
 * @len: bytes
 * @moved: they completed successfully (they count for the rate)
 *
 * Called from the completion handler, or by the poster when it did not
 * post after all; the caller wakes @ep->wq.
 */
void rsm_pace_done(struct rsm_ep *ep, u32 len, bool moved)
{
	struct rsm_pace *p = &ep->pace;
	unsigned long now, busy;

	spin_lock_bh(&p->lock);
	now = jiffies;		/* not before @since, set under the lock */
	if (WARN_ON_ONCE(len > p->inflight))
		len = p->inflight;
	p->inflight -= len;
	if (moved)
		p->period_bytes += len;
	busy = p->busy + (now - p->since);
	if (!p->inflight) {
		p->busy = busy;
		p->since = now;
	}
	if (busy >= msecs_to_jiffies(RSM_PACE_PERIOD_MS))
		rsm_pace_measure(p, now, jiffies_to_msecs(busy));
	spin_unlock_bh(&p->lock);
}

/**
 * rsm_pace_life_sign - @bytes more of WRITE posted: a message after them
 * if one is due (iWARP)
 * @ep: endpoint
 * @bytes: bytes just posted
 */
void rsm_pace_life_sign(struct rsm_ep *ep, u32 bytes)
{
	struct rsm_pace *p = &ep->pace;
	u32 every = READ_ONCE(p->life_every);
	int b;

	if (ep->sends_acked ||
	    atomic_add_return(bytes, &p->life_bytes) < every)
		return;
	/* one poster sends it, even when several crossed the mark */
	b = atomic_xchg(&p->life_bytes, 0);
	if (b < every) {
		atomic_add(b, &p->life_bytes);
		return;
	}
	/* none spare: the next operation tries again (the count stays bounded) */
	if (rsm_msg_send_life_sign(ep))
		atomic_add(min_t(u32, b, every), &p->life_bytes);
}

/**
 * rsm_pace_msg_sent - a message went out: the next life sign is due
 * after as many bytes again
 * @ep: endpoint
 */
void rsm_pace_msg_sent(struct rsm_ep *ep)
{
	atomic_set(&ep->pace.life_bytes, 0);
}
