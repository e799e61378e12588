// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsm: connections to peer nodes.
 *
 * One struct rsm_conn exists per configured peer address.  Of two nodes the
 * one with the higher node id connects actively (and reconnects after a
 * fault); the other accepts.  Each attempt is a fresh struct rsm_ep, so a
 * broken endpoint can be torn down from a workqueue while the connection
 * already tries again.  A heartbeat detects silent peers (a dead node or a
 * cut link), and a connect timeout bounds every attempt.
 */
#include <linux/slab.h>
#include <linux/jiffies.h>
#include <linux/delay.h>
#include <linux/log2.h>
#include <net/route.h>
#include <net/ip6_route.h>
#include <rdma/ib_cache.h>

#include "rsm_tp.h"

#define RSM_RETRY_MIN_MS	250
#define RSM_RETRY_MAX_MS	4000
#define RSM_PORT_POLL_MS	100
/* Accepted connections per peer still to prove the key; older ones go. */
#define RSM_MAX_PENDING		4

bool rsm_exiting;

static void rsm_conn_release(struct kref *ref)
{
	struct rsm_conn *conn = container_of(ref, struct rsm_conn, ref);

	WARN_ON_ONCE(conn->ep);
	kfree(conn);
}

/**
 * rsm_conn_put - drop a connection reference
 * @conn: connection
 */
void rsm_conn_put(struct rsm_conn *conn)
{
	kref_put(&conn->ref, rsm_conn_release);
}

/* Whether the IP stack has a route from @ep's address to the peer's. */
static bool rsm_ep_routable(struct rsm_ep *ep)
{
	const struct rdma_addr *a = &ep->cm_id->route.addr;
	int oif = a->dev_addr.bound_dev_if;
	bool ok = false;

	if (a->src_addr.ss_family == AF_INET) {
		const struct sockaddr_in *s = (const void *)&a->src_addr;
		const struct sockaddr_in *d = (const void *)&a->dst_addr;
		struct rtable *rt;

		rt = ip_route_output(&init_net, d->sin_addr.s_addr,
				     s->sin_addr.s_addr, 0, oif);
		ok = !IS_ERR(rt);
		if (ok)
			ip_rt_put(rt);
	} else if (IS_ENABLED(CONFIG_IPV6) &&
		   a->src_addr.ss_family == AF_INET6) {
		const struct sockaddr_in6 *s = (const void *)&a->src_addr;
		const struct sockaddr_in6 *d = (const void *)&a->dst_addr;
		struct flowi6 fl6 = {
			.flowi6_oif = oif,
			.saddr = s->sin6_addr,
			.daddr = d->sin6_addr,
		};
		struct dst_entry *dst = ip6_route_output(&init_net, NULL, &fl6);

		ok = !dst->error;
		dst_release(dst);
	}
	return ok;
}

/*
 * Whether a CM message can leave for @ep's peer: the port is up and, on
 * RoCE, the IP stack has a route there.
 */
static bool rsm_ep_path_ready(struct rsm_ep *ep)
{
	struct rsm_ctrl *ctrl = ep->ctrl;
	enum ib_port_state st;

	if (ib_get_cached_port_state(ctrl->ibdev, ctrl->port, &st) ||
	    st != IB_PORT_ACTIVE)
		return false;
	return !rdma_protocol_roce(ctrl->ibdev, ctrl->port) ||
	       rsm_ep_routable(ep);
}

/*
 * Destroying a connected CM id sends a DREQ on the port's GSI QP.
 * Soft-RoCE (rxe, 6.1 at least) puts that QP in error for good when a MAD
 * finds no route to its destination (a link that is down, an address that
 * is gone): the node is then deaf to every connection request until rxe is
 * re-created.  So the DREQ waits for the path however long the link stays
 * down; only unloading, removing the controller and removing the peer from
 * the configuration end the wait.  It blocks only this endpoint's
 * destruction: its transfers failed already and its users are gone, and a
 * connection has at most one such endpoint (while the path is down, new
 * attempts fail before they send anything).
 */
static void rsm_ep_wait_for_port(struct rsm_ep *ep)
{
	unsigned long start = jiffies;
	bool said = false;

	if (!ep->connect_sent || !ep->ctrl || !ep->cm_id)
		return;
	while (!READ_ONCE(rsm_exiting) && !READ_ONCE(ep->ctrl->removing) &&
	       READ_ONCE(ep->conn->configured) && !rsm_ep_path_ready(ep)) {
		if (!said && time_after(jiffies, start + 5 * HZ)) {
			rsm_info("node %u: no path yet to say goodbye; waiting\n",
				 ep->conn->nodeid);
			said = true;
		}
		msleep(RSM_PORT_POLL_MS);
	}
	if (said)
		rsm_info("node %u: path back after %u ms\n", ep->conn->nodeid,
			 jiffies_to_msecs(jiffies - start));
}

static void rsm_ep_destroy_work(struct work_struct *work)
{
	struct rsm_ep *ep = container_of(work, struct rsm_ep, destroy_work);
	struct rsm_conn *conn = ep->conn;

	/* wait for a CM handler that may be setting up the QP right now */
	mutex_lock(&ep->cm_lock);
	mutex_unlock(&ep->cm_lock);
	mutex_lock(&conn->lock);
	mutex_unlock(&conn->lock);

	/* fail transfers in flight at once, then say goodbye properly */
	rsm_msg_stop(ep);
	rsm_ep_wait_for_port(ep);
	rsm_msg_teardown(ep);
	if (ep->cm_id)
		rdma_destroy_id(ep->cm_id);
	cancel_work_sync(&ep->fail_work);
	rsm_ep_wait_users(ep);
	rsm_tp_ep_gone(ep);
	rsm_msg_free(ep);
	rsm_ctrl_put(ep->ctrl);
	rsm_conn_put(conn);
	kfree(ep);
}

static void rsm_ep_fail_work(struct work_struct *work)
{
	struct rsm_ep *ep = container_of(work, struct rsm_ep, fail_work);

	rsm_conn_fail(ep, "QP error");
}

/**
 * rsm_ep_alloc - a new endpoint for a connection
 * @conn: connection; the endpoint takes a reference on it
 * @active_side: we initiate
 *
 * Return: the endpoint or NULL.
 */
struct rsm_ep *rsm_ep_alloc(struct rsm_conn *conn, bool active_side)
{
	struct rsm_ep *ep = kzalloc(sizeof(*ep), GFP_KERNEL);

	if (!ep)
		return NULL;
	kref_get(&conn->ref);
	ep->conn = conn;
	ep->active_side = active_side;
	ep->state = active_side ? RSM_EP_RESOLVING : RSM_EP_CONNECTING;
	ep->started = jiffies;
	INIT_LIST_HEAD(&ep->pending_list);
	init_rwsem(&ep->qp_rwsem);
	init_rwsem(&ep->sq_rwsem);
	mutex_init(&ep->cm_lock);
	spin_lock_init(&ep->tx_lock);
	rsm_ep_init_data(ep);
	rsm_ctl_init(ep);
	INIT_WORK(&ep->destroy_work, rsm_ep_destroy_work);
	INIT_WORK(&ep->fail_work, rsm_ep_fail_work);
	return ep;
}

/**
 * rsm_ep_free_unused - free an endpoint that never got a CM id of its own
 * @ep: endpoint, not attached to its connection
 */
void rsm_ep_free_unused(struct rsm_ep *ep)
{
	rsm_msg_teardown(ep);
	/* a QP event may have come between its creation and now */
	cancel_work_sync(&ep->fail_work);
	rsm_msg_free(ep);
	rsm_ctrl_put(ep->ctrl);
	rsm_conn_put(ep->conn);
	kfree(ep);
}

static void rsm_conn_schedule_connect(struct rsm_conn *conn)
{
	lockdep_assert_held(&conn->lock);
	if (!conn->initiator || !conn->configured)
		return;
	conn->retry_ms = clamp(conn->retry_ms * 2, RSM_RETRY_MIN_MS,
			       RSM_RETRY_MAX_MS);
	mod_delayed_work(rsm_wq, &conn->connect_work,
			 msecs_to_jiffies(conn->retry_ms));
}

/* Detach the current endpoint and queue its destruction. */
static void rsm_conn_detach_locked(struct rsm_conn *conn, const char *why)
{
	struct rsm_ep *ep = conn->ep;
	bool was_active;

	lockdep_assert_held(&conn->lock);
	if (!ep)
		return;
	if (ep->state == RSM_EP_ACTIVE) {
		conn->disconnects++;
		rsm_info("node %u: connection lost (%s)\n", conn->nodeid, why);
	} else if (is_power_of_2(++conn->failed_attempts)) {
		/* the 1st, 2nd, 4th, 8th... in a row: a pair that stays apart */
		rsm_info("node %u: attempt %u to connect failed (%s)\n",
			 conn->nodeid, conn->failed_attempts, why);
	}
	was_active = ep->state == RSM_EP_ACTIVE;
	/* nobody gets it any more, then its clients hear that it went */
	spin_lock(&conn->ep_lock);
	WRITE_ONCE(ep->state, RSM_EP_DEAD);
	conn->ep = NULL;
	spin_unlock(&conn->ep_lock);
	if (was_active)
		rsm_tp_conn_down(conn, ep->id);
	/* the only way to destruction: waiters for answers learn it here */
	rsm_rpc_fail_ep(ep);
	queue_work(rsm_wq, &ep->destroy_work);
	rsm_conn_schedule_connect(conn);
}

/*
 * Give up an accepted endpoint that has not proven the key.  Unless the
 * connection itself is going away, that is a refused authentication.
 */
static void rsm_conn_drop_pending_locked(struct rsm_conn *conn,
					 struct rsm_ep *ep, const char *why,
					 bool refused)
{
	lockdep_assert_held(&conn->lock);
	list_del_init(&ep->pending_list);
	conn->npending--;
	ep->pending = false;
	ep->state = RSM_EP_DEAD;
	if (refused) {
		atomic64_inc(&rsm_cluster.refused_auth);
		rsm_warn_rl("node %u: connection not authenticated (%s)\n",
			    conn->nodeid, why);
	}
	rsm_rpc_fail_ep(ep);
	queue_work(rsm_wq, &ep->destroy_work);
}

/* Drop the unproven endpoints (on @ctrl, or all when NULL). */
static void rsm_conn_drop_all_pending_locked(struct rsm_conn *conn,
					     const struct rsm_ctrl *ctrl)
{
	struct rsm_ep *ep, *tmp;

	list_for_each_entry_safe(ep, tmp, &conn->pending, pending_list)
		if (!ctrl || ep->ctrl == ctrl)
			rsm_conn_drop_pending_locked(conn, ep, "removed",
						     false);
}

/**
 * rsm_conn_fail - give up an endpoint after an error
 * @ep: endpoint; nothing happens if it is neither its connection's current
 *	nor one still proving the key
 * @why: reason, for the log
 *
 * Process context only.
 */
void rsm_conn_fail(struct rsm_ep *ep, const char *why)
{
	struct rsm_conn *conn = ep->conn;

	mutex_lock(&conn->lock);
	if (conn->ep == ep)
		rsm_conn_detach_locked(conn, why);
	else if (ep->pending)	/* up, but gone before proving the key */
		rsm_conn_drop_pending_locked(conn, ep, why,
					     ep->state == RSM_EP_ESTABLISHED);
	mutex_unlock(&conn->lock);
}

/**
 * rsm_conn_refuse - a pending endpoint's peer failed to prove the key
 * @ep: endpoint; nothing happens if it is no longer pending
 * @why: reason, for the log
 *
 * Counted as a refused authentication whatever state the transport is in.
 */
void rsm_conn_refuse(struct rsm_ep *ep, const char *why)
{
	struct rsm_conn *conn = ep->conn;

	mutex_lock(&conn->lock);
	if (ep->pending)
		rsm_conn_drop_pending_locked(conn, ep, why, true);
	mutex_unlock(&conn->lock);
}

/**
 * rsm_conn_reset - drop a connection's endpoints; the active side reconnects
 * @conn: connection
 * @why: reason, for the log
 */
void rsm_conn_reset(struct rsm_conn *conn, const char *why)
{
	mutex_lock(&conn->lock);
	rsm_conn_detach_locked(conn, why);
	rsm_conn_drop_all_pending_locked(conn, NULL);
	mutex_unlock(&conn->lock);
}

/**
 * rsm_conn_add_pending_locked - list an accepted endpoint until it is proven
 * @conn: connection, locked
 * @ep: the endpoint; it does not touch @conn->ep meanwhile
 *
 * At most RSM_MAX_PENDING wait; the oldest gives way, so that unproven
 * attempts cannot keep the real peer out for longer than one handshake.
 */
void rsm_conn_add_pending_locked(struct rsm_conn *conn, struct rsm_ep *ep)
{
	lockdep_assert_held(&conn->lock);
	if (conn->npending >= RSM_MAX_PENDING)
		rsm_conn_drop_pending_locked(conn,
					     list_first_entry(&conn->pending,
							      struct rsm_ep,
							      pending_list),
					     "too many attempts", true);
	ep->pending = true;
	list_add_tail(&ep->pending_list, &conn->pending);
	conn->npending++;
}

/**
 * rsm_conn_promote_locked - a pending endpoint proved the key: make it
 * current (the peer reconnected; the old endpoint goes)
 * @conn: connection, locked
 * @ep: the endpoint, pending
 */
void rsm_conn_promote_locked(struct rsm_conn *conn, struct rsm_ep *ep)
{
	lockdep_assert_held(&conn->lock);
	list_del_init(&ep->pending_list);
	conn->npending--;
	ep->pending = false;
	if (conn->ep)
		rsm_conn_detach_locked(conn, "peer reconnected");
	spin_lock(&conn->ep_lock);
	conn->ep = ep;
	spin_unlock(&conn->ep_lock);
}

/**
 * rsm_conn_established_locked - an endpoint became usable
 * @conn: connection, locked
 * @ep: its current endpoint
 */
void rsm_conn_established_locked(struct rsm_conn *conn, struct rsm_ep *ep)
{
	char name[RSM_NAME_MAX];

	lockdep_assert_held(&conn->lock);
	spin_lock(&conn->ep_lock);
	ep->state = RSM_EP_ACTIVE;
	spin_unlock(&conn->ep_lock);
	ep->last_rx = jiffies;
	conn->connects++;
	if (conn->connects > 1)
		conn->reconnects++;
	conn->retry_ms = 0;
	conn->failed_attempts = 0;
	atomic_inc(&rsm_cluster.up_gen);
	wake_up_all(&rsm_cluster.up_wq);
	rsm_ctrl_name(ep->ctrl, name, sizeof(name));
	rsm_info("node %u: connected via %s to %s\n", conn->nodeid, name,
		 conn->peer_ctlr);
	rsm_tp_conn_up(conn, ep);
}

/**
 * rsm_conn_refused_locked - the peer refused our connection request
 * @conn: connection, locked
 * @reason: enum rsm_wire_reject_reason
 */
void rsm_conn_refused_locked(struct rsm_conn *conn, unsigned int reason)
{
	lockdep_assert_held(&conn->lock);
	conn->refused++;
	conn->last_reject = reason == RSM_REJ_BAD_VERSION ?
			    RSMERR_BAD_DRIVER_VERSION :
			    RSMERR_REMOTE_NODE_UNREACHABLE;
	rsm_warn_rl("node %u refused the connection (reason %u)\n",
		    conn->nodeid, reason);
}

static void rsm_conn_connect_work(struct work_struct *work)
{
	struct rsm_conn *conn = container_of(to_delayed_work(work),
					     struct rsm_conn, connect_work);
	struct rsm_ep *ep = rsm_ep_alloc(conn, true);

	if (!ep) {
		mutex_lock(&conn->lock);
		rsm_conn_schedule_connect(conn);
		mutex_unlock(&conn->lock);
		return;
	}
	/*
	 * No RDMA CM call under the connection's lock: they take the CM's
	 * global mutex, under which siw takes socket locks, which user
	 * copies nest in.  The endpoint's cm_lock (taken before the
	 * connection's lock, as in the route and connect request handlers)
	 * covers them instead: its
	 * destroy work waits for it, so a concurrent removal finds the CM id
	 * set and the endpoint cannot go before we are done with it.
	 */
	mutex_lock(&ep->cm_lock);
	mutex_lock(&conn->lock);
	if (!conn->configured || conn->ep) {
		mutex_unlock(&conn->lock);
		mutex_unlock(&ep->cm_lock);
		rsm_ep_free_unused(ep);
		return;
	}
	spin_lock(&conn->ep_lock);
	conn->ep = ep;
	spin_unlock(&conn->ep_lock);
	mutex_unlock(&conn->lock);
	if (rsm_cm_connect(ep))
		rsm_conn_fail(ep, "cannot start connecting");
	mutex_unlock(&ep->cm_lock);
}

/* What an operator needs to tell a dead peer from a starved connection. */
static void rsm_conn_hb_lost(struct rsm_conn *conn, struct rsm_ep *ep,
			     unsigned long now)
{
	rsm_info("node %u: nothing heard for %u ms; credits %d, owed %d, send buffers %#lx, data slots %d, heartbeats unsent %d\n",
		 conn->nodeid, jiffies_to_msecs(now - READ_ONCE(ep->last_rx)),
		 atomic_read(&ep->tx_credits), atomic_read(&ep->rx_owed),
		 READ_ONCE(ep->tx_free), atomic_read(&ep->sq_credits),
		 atomic_read(&ep->hb_unsent));
}

/*
 * Check the connection; return its endpoint with a user reference when a
 * heartbeat is due (sent by the caller once the lock is dropped: a send
 * may wait for a registration, whose completions may need the lock).
 */
static struct rsm_ep *rsm_conn_hb_check_locked(struct rsm_conn *conn)
{
	unsigned long now = jiffies, limit;
	struct rsm_ep *ep, *tmp;

	limit = msecs_to_jiffies(rsm_connect_timeout_ms);
	list_for_each_entry_safe(ep, tmp, &conn->pending, pending_list)
		if (time_after(now, ep->started + limit))
			rsm_conn_drop_pending_locked(conn, ep, "no proof in time",
						     true);
	ep = conn->ep;
	if (!ep)
		return NULL;
	if (ep->state != RSM_EP_ACTIVE) {
		if (time_after(now, ep->started + limit))
			rsm_conn_detach_locked(conn, "connect timeout");
		return NULL;
	}
	if (time_after(now, READ_ONCE(ep->last_rx) +
		       msecs_to_jiffies(rsm_hb_timeout_ms))) {
		conn->hb_timeouts++;
		rsm_conn_hb_lost(conn, ep, now);
		rsm_conn_detach_locked(conn, "heartbeat timeout");
		return NULL;
	}
	rsm_ep_get_user(ep);
	return ep;
}

static void rsm_conn_hb_work(struct work_struct *work)
{
	struct rsm_conn *conn = container_of(to_delayed_work(work),
					     struct rsm_conn, hb_work);

	struct rsm_ep *ep;

	mutex_lock(&conn->lock);
	ep = rsm_conn_hb_check_locked(conn);
	if (conn->configured)
		queue_delayed_work(rsm_wq, &conn->hb_work,
				   msecs_to_jiffies(max(rsm_hb_interval_ms,
							50U)));
	mutex_unlock(&conn->lock);
	if (ep) {
		if (rsm_msg_send_heartbeat(ep) == -EBUSY)
			atomic_inc(&ep->hb_unsent);
		rsm_ep_put_user(ep);
	}
}

/**
 * rsm_conn_create - a connection object for one peer address
 * @nodeid: peer node id
 * @addr: peer address, port set
 * @initiator: this node connects actively
 *
 * Called with rsm_cluster.lock held; the caller lists the connection.
 *
 * Return: the connection or an ERR_PTR.
 */
struct rsm_conn *rsm_conn_create(u32 nodeid, const struct sockaddr *addr,
				 bool initiator)
{
	struct rsm_conn *conn = kzalloc(sizeof(*conn), GFP_KERNEL);
	unsigned int i;

	if (!conn)
		return ERR_PTR(-ENOMEM);
	kref_init(&conn->ref);
	mutex_init(&conn->lock);
	spin_lock_init(&conn->ep_lock);
	INIT_LIST_HEAD(&conn->list);
	for (i = 0; i < RSM_TP_NCLIENTS; i++)
		INIT_LIST_HEAD(&conn->objs[i]);
	INIT_LIST_HEAD(&conn->pending);
	conn->nodeid = nodeid;
	memcpy(&conn->addr, addr, addr->sa_family == AF_INET ?
	       sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6));
	conn->initiator = initiator;
	conn->configured = true;
	atomic64_set(&conn->tx_msgs, 0);
	atomic64_set(&conn->rx_msgs, 0);
	INIT_DELAYED_WORK(&conn->connect_work, rsm_conn_connect_work);
	INIT_DELAYED_WORK(&conn->hb_work, rsm_conn_hb_work);

	if (initiator)
		queue_delayed_work(rsm_wq, &conn->connect_work, 0);
	queue_delayed_work(rsm_wq, &conn->hb_work,
			   msecs_to_jiffies(rsm_hb_interval_ms));
	return conn;
}

/**
 * rsm_conn_remove - disconnect and drop a connection taken off the list
 * @conn: connection; the list's reference is dropped
 *
 * Waits until its endpoint is destroyed.  Process context, no locks held.
 */
void rsm_conn_remove(struct rsm_conn *conn)
{
	mutex_lock(&conn->lock);
	conn->configured = false;
	rsm_conn_detach_locked(conn, "removed from configuration");
	rsm_conn_drop_all_pending_locked(conn, NULL);
	mutex_unlock(&conn->lock);

	cancel_delayed_work_sync(&conn->connect_work);
	cancel_delayed_work_sync(&conn->hb_work);
	flush_workqueue(rsm_wq);
	rsm_conn_put(conn);
}

/**
 * rsm_conn_ctrl_removed - tear down every endpoint on a departing controller
 * @ctrl: controller, already marked removing
 *
 * Returns when none of them uses the controller's PD any more.  Initiating
 * connections retry, possibly through another controller.
 */
void rsm_conn_ctrl_removed(struct rsm_ctrl *ctrl)
{
	struct rsm_conn *conn;

	mutex_lock(&rsm_cluster.lock);
	list_for_each_entry(conn, &rsm_cluster.conns, list) {
		mutex_lock(&conn->lock);
		if (conn->ep && conn->ep->ctrl == ctrl)
			rsm_conn_detach_locked(conn, "controller removed");
		rsm_conn_drop_all_pending_locked(conn, ctrl);
		mutex_unlock(&conn->lock);
	}
	mutex_unlock(&rsm_cluster.lock);
	flush_workqueue(rsm_wq);
}

/**
 * rsm_conn_state - RSM_PATH_* state of a connection
 * @conn: connection
 * @ctrl: only count an endpoint on this controller; NULL for any
 *
 * Return: RSM_PATH_ACTIVE, RSM_PATH_UP or RSM_PATH_DOWN.
 */
u32 rsm_conn_state(struct rsm_conn *conn, const struct rsm_ctrl *ctrl)
{
	u32 st = RSM_PATH_DOWN;

	mutex_lock(&conn->lock);
	if (conn->ep && (!ctrl || conn->ep->ctrl == ctrl)) {
		if (conn->ep->state == RSM_EP_ACTIVE)
			st = RSM_PATH_ACTIVE;
		else if (conn->ep->state == RSM_EP_ESTABLISHED)
			st = RSM_PATH_UP;
	}
	mutex_unlock(&conn->lock);
	return st;
}
