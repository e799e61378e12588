// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsm: RDMA CM - the listener, the versioned hello, the proof of the
 * cluster key, and the event handler of every endpoint.
 *
 * A connect request carries a struct rsm_wire_hello in its private data.  The
 * passive side refuses (and counts) senders that are not in its
 * configuration, speak another protocol version, meant another node, come
 * from an unprivileged source port, or disagree about having a cluster key;
 * the refusal reason travels back as reject private data.  Otherwise it
 * accepts with its own hello and its proof (struct rsm_wire_accept), but the
 * new endpoint only waits on the connection's pending list: it replaces
 * nothing and serves nothing until the active side's INFO brings a valid
 * proof (rsm_msg.c).  The active side binds a privileged source port, which
 * only root can, and checks the passive side's proof before it says a word.
 */
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/random.h>
#include <linux/wait_bit.h>
#include <rdma/ib_cm.h>

#include "rsm_tp.h"

#define RSM_RESOLVE_TIMEOUT_MS	2000
/* Source ports the active side binds: privileged, above the well-known. */
#define RSM_SRC_PORT_LOW	512
#define RSM_SRC_PORT_SPAN	(RSM_WIRE_PRIV_PORT_MAX - RSM_SRC_PORT_LOW)

static struct rdma_cm_id *rsm_listen_v4;
static struct rdma_cm_id *rsm_listen_v6;

static void rsm_hello_fill(struct rsm_wire_hello *h, struct rsm_ep *ep)
{
	memset(h, 0, sizeof(*h));
	h->magic = cpu_to_le32(RSM_WIRE_MAGIC);
	h->version = cpu_to_le16(READ_ONCE(rsm_wire_version));
	h->flags = cpu_to_le16(rsm_auth_keyed() ? RSM_HELLO_KEYED : 0);
	h->src_nodeid = cpu_to_le32(READ_ONCE(rsm_cluster.local_nodeid));
	h->dst_nodeid = cpu_to_le32(ep->conn->nodeid);
	h->hwaddr = cpu_to_le64(ep->ctrl->hwaddr);
	h->boot_id = cpu_to_le64(rsm_cluster.boot_id);
	h->qpn = cpu_to_le32(ep->cm_id->qp->qp_num);
	memcpy(h->nonce, ep->nonce, sizeof(h->nonce));
}

static void rsm_conn_param_fill(struct rdma_conn_param *p, struct rsm_ep *ep,
				const void *data, u8 len)
{
	const struct ib_device_attr *a = &ep->ctrl->ibdev->attrs;

	memset(p, 0, sizeof(*p));
	p->private_data = data;
	p->private_data_len = len;
	p->responder_resources = min(a->max_qp_rd_atom, 16);
	p->initiator_depth = min(a->max_qp_init_rd_atom, 16);
	p->retry_count = 7;
	p->rnr_retry_count = 7;	/* RNR: wait for the peer to repost */
}

/*
 * Take what a checked hello says about the peer into @ep.  Where the
 * transport reports the peer's QP number itself (IB, RoCE), the hello
 * must agree with it.  Return: 0 or an enum rsm_wire_reject_reason.
 */
static int rsm_hello_take(struct rsm_ep *ep, const struct rsm_wire_hello *h,
			  u32 cm_qpn)
{
	bool keyed = le16_to_cpu(h->flags) & RSM_HELLO_KEYED;

	if (keyed != rsm_auth_keyed())
		return RSM_REJ_AUTH;
	ep->peer_qpn = le32_to_cpu(h->qpn);
	if (rdma_ib_or_roce(ep->cm_id->device, ep->cm_id->port_num) &&
	    ep->peer_qpn != cm_qpn)
		return RSM_REJ_AUTH;
	ep->peer_boot = le64_to_cpu(h->boot_id);
	memcpy(ep->peer_nonce, h->nonce, sizeof(ep->peer_nonce));
	return 0;
}

static void rsm_cm_reject(struct rdma_cm_id *id, unsigned int reason)
{
	struct rsm_wire_reject rej = {
		.magic = cpu_to_le32(RSM_WIRE_MAGIC),
		.version = cpu_to_le16(READ_ONCE(rsm_wire_version)),
		.reason = cpu_to_le16(reason),
	};

	switch (reason) {
	case RSM_REJ_UNKNOWN_NODE:
		atomic64_inc(&rsm_cluster.refused_unknown_node);
		break;
	case RSM_REJ_BAD_VERSION:
		atomic64_inc(&rsm_cluster.refused_bad_version);
		break;
	case RSM_REJ_AUTH:
		atomic64_inc(&rsm_cluster.refused_auth);
		break;
	case RSM_REJ_PORT:
		atomic64_inc(&rsm_cluster.refused_port);
		break;
	default:
		atomic64_inc(&rsm_cluster.refused_other);
		break;
	}
	rsm_warn_rl("refused a connection from %pISpc (reason %u)\n",
		    &id->route.addr.dst_addr, reason);
	rdma_reject(id, &rej, sizeof(rej), IB_CM_REJ_CONSUMER_DEFINED);
}

/*
 * Passive side: a new endpoint on @ctrl (whose reference it takes),
 * pending on @conn until proven; accept.
 */
static int rsm_cm_accept_on(struct rdma_cm_id *id, struct rsm_conn *conn,
			    const struct rsm_wire_hello *hello, u32 cm_qpn,
			    struct rsm_ctrl *ctrl)
{
	struct rsm_wire_accept acc;
	struct rdma_conn_param param;
	struct rsm_ep *ep;
	int ret;

	ep = rsm_ep_alloc(conn, false);
	if (!ep) {
		rsm_ctrl_put(ctrl);
		return RSM_REJ_RESOURCES;
	}
	ep->cm_id = id;
	ep->ctrl = ctrl;
	rsm_auth_new_nonce(ep);

	/*
	 * As on the active side: cm_lock, then the connection's lock.  The
	 * QP is made under cm_lock only: creating it may run the provider's
	 * send queue (siw: socket locks), which user copies nest in.  The
	 * endpoint is on no list yet, so nobody else sees it meanwhile.
	 */
	mutex_lock(&ep->cm_lock);
	ret = rsm_hello_take(ep, hello, cm_qpn);
	if (ret)
		goto err_cm;
	ret = RSM_REJ_RESOURCES;
	if (rsm_msg_setup(ep))
		goto err_cm;
	rsm_hello_fill(&acc.hello, ep);
	if (rsm_auth_prove(ep, acc.mac))
		goto err_cm;
	rsm_conn_param_fill(&param, ep, &acc, sizeof(acc));
	mutex_lock(&conn->lock);
	ret = RSM_REJ_UNKNOWN_NODE;
	if (!conn->configured || READ_ONCE(ctrl->removing))
		goto err_unlock;
	/*
	 * Listed before the accept: a removal of the peer or of the
	 * controller meanwhile finds it, and so does the peer's first
	 * message, which may come as soon as the QP is connected.  Its
	 * destroy work waits for cm_lock, and the CM id is ours from now on.
	 */
	id->context = ep;
	rsm_conn_add_pending_locked(conn, ep);
	mutex_unlock(&conn->lock);
	/*
	 * Not under the connection's lock: the provider's accept may take
	 * socket locks (siw), which user copies nest in.
	 */
	if (rdma_accept(id, &param)) {
		mutex_unlock(&ep->cm_lock);
		rsm_conn_fail(ep, "accept failed");
		return 0;	/* the destroy work destroys the id */
	}
	ep->connect_sent = true;
	mutex_unlock(&ep->cm_lock);
	return 0;

err_unlock:
	mutex_unlock(&conn->lock);
err_cm:
	mutex_unlock(&ep->cm_lock);
	rsm_ep_free_unused(ep);
	return ret;
}

/* Passive side: accept on the controller of the request's port. */
static int rsm_cm_accept(struct rdma_cm_id *id, struct rsm_conn *conn,
			 const struct rsm_wire_hello *hello, u32 cm_qpn)
{
	struct rsm_ctrl *ctrl;
	int ret = RSM_REJ_RESOURCES;

	ctrl = rsm_ctrl_get_by_port(id->device, id->port_num);
	if (!ctrl)
		return ret;
	/*
	 * The QP is made before the endpoint is listed, where the removal
	 * of the controller would find it: the removal waits for us.
	 */
	atomic_inc(&ctrl->accepting);
	smp_mb__after_atomic();	/* pairs with rsm_ib_remove_one() */
	if (!READ_ONCE(ctrl->removing)) {
		kref_get(&ctrl->ref);	/* the endpoint's */
		ret = rsm_cm_accept_on(id, conn, hello, cm_qpn, ctrl);
	}
	if (atomic_dec_and_test(&ctrl->accepting))
		wake_up_var(&ctrl->accepting);
	rsm_ctrl_put(ctrl);
	return ret;
}

static int rsm_cm_connect_request(struct rdma_cm_id *id,
				  struct rdma_cm_event *ev)
{
	struct sockaddr *peer = (struct sockaddr *)&id->route.addr.dst_addr;
	const struct rsm_wire_hello *hello = ev->param.conn.private_data;
	struct rsm_conn *conn;
	u32 src, dst, local;
	int reason;

	reason = rsm_wire_check_hello(hello, ev->param.conn.private_data_len,
				      READ_ONCE(rsm_wire_version));
	if (reason)
		goto refuse;
	/* only root can bind these: the NFS rule, with or without a key */
	reason = RSM_REJ_PORT;
	if (rsm_sockaddr_port(&id->route.addr.dst_addr) >=
	    RSM_WIRE_PRIV_PORT_MAX)
		goto refuse;
	src = le32_to_cpu(hello->src_nodeid);
	dst = le32_to_cpu(hello->dst_nodeid);
	local = READ_ONCE(rsm_cluster.local_nodeid);
	reason = RSM_REJ_NOT_CONFIGURED;
	if (local == RSM_NODEID_NONE)
		goto refuse;
	reason = RSM_REJ_WRONG_NODE;
	if (dst != local)
		goto refuse;
	reason = RSM_REJ_UNKNOWN_NODE;
	conn = rsm_cluster_find_conn(src, peer);
	if (!conn)
		goto refuse;
	reason = conn->initiator ? RSM_REJ_ROLE :
		 rsm_cm_accept(id, conn, hello, ev->param.conn.qp_num);
	rsm_conn_put(conn);
	if (!reason)
		return 0;
refuse:
	rsm_cm_reject(id, reason);
	return 1;	/* the CM destroys the id */
}

/* Active side: the route is known, so is the controller; send the hello. */
static void rsm_cm_route_resolved(struct rsm_ep *ep)
{
	struct rdma_cm_id *id = ep->cm_id;
	struct rsm_conn *conn = ep->conn;
	struct rdma_conn_param param;
	struct rsm_wire_hello hello;
	struct rsm_ctrl *ctrl;
	const char *why = NULL;

	ctrl = rsm_ctrl_get_by_port(id->device, id->port_num);
	mutex_lock(&ep->cm_lock);
	mutex_lock(&conn->lock);
	if (conn->ep != ep || ep->state == RSM_EP_DEAD) {
		mutex_unlock(&conn->lock);
		mutex_unlock(&ep->cm_lock);
		rsm_ctrl_put(ctrl);
		return;
	}
	if (!ctrl || READ_ONCE(ctrl->removing)) {
		rsm_ctrl_put(ctrl);
		why = "no controller for the route";
		goto out;
	}
	ep->ctrl = ctrl;
	mutex_unlock(&conn->lock);
	/*
	 * The QP is made under cm_lock only, as in the accept: creating it
	 * may run the provider's send queue (siw: socket locks).  The
	 * destroy work waits for cm_lock, so the endpoint stays meanwhile.
	 */
	if (rsm_msg_setup(ep)) {
		mutex_unlock(&ep->cm_lock);
		rsm_conn_fail(ep, "no resources");
		return;
	}
	rsm_auth_new_nonce(ep);
	rsm_hello_fill(&hello, ep);
	rsm_conn_param_fill(&param, ep, &hello, sizeof(hello));
	mutex_lock(&conn->lock);
	if (conn->ep != ep || ep->state == RSM_EP_DEAD) {
		/* failed or removed meanwhile: its destroy work cleans up */
		mutex_unlock(&conn->lock);
		mutex_unlock(&ep->cm_lock);
		return;
	}
	WRITE_ONCE(ep->state, RSM_EP_CONNECTING);
	mutex_unlock(&conn->lock);
	/*
	 * Under cm_lock only: the provider's connect may take socket locks
	 * (siw), which user copies nest in, so the connection's lock (taken
	 * under locks that mmap takes) must not be held here.  The destroy
	 * work waits for cm_lock before the QP goes.
	 */
	if (rdma_connect_locked(id, &param))
		why = "connect failed";
	else
		ep->connect_sent = true;
	mutex_unlock(&ep->cm_lock);
	if (why)
		rsm_conn_fail(ep, why);
	return;
out:
	mutex_unlock(&conn->lock);
	mutex_unlock(&ep->cm_lock);
	if (why)
		rsm_conn_fail(ep, why);
}

/*
 * Active side: check the passive side's hello and proof in its accept.
 * Return: NULL or why not.
 */
static const char *rsm_cm_check_accept(struct rsm_ep *ep,
				       struct rdma_cm_event *ev)
{
	const struct rsm_wire_accept *acc = ev->param.conn.private_data;
	u32 len = ev->param.conn.private_data_len;

	if (!acc || len < sizeof(*acc) ||
	    rsm_wire_check_hello(&acc->hello, len,
				 READ_ONCE(rsm_wire_version)))
		return "bad hello in reply";
	if (le32_to_cpu(acc->hello.src_nodeid) != ep->conn->nodeid ||
	    le32_to_cpu(acc->hello.dst_nodeid) !=
	    READ_ONCE(rsm_cluster.local_nodeid))
		return "reply from an unexpected node";
	if (rsm_hello_take(ep, &acc->hello, ev->param.conn.qp_num) ||
	    !rsm_auth_check(ep, acc->mac)) {
		atomic64_inc(&rsm_cluster.refused_auth);
		return "the peer did not prove the cluster key";
	}
	return NULL;
}

static void rsm_cm_established(struct rsm_ep *ep, struct rdma_cm_event *ev)
{
	struct rsm_conn *conn = ep->conn;
	const char *why = NULL;
	u8 mac[RSM_WIRE_MAC_LEN] = {};

	mutex_lock(&conn->lock);
	if ((conn->ep != ep && !ep->pending) || ep->state == RSM_EP_DEAD) {
		mutex_unlock(&conn->lock);
		return;
	}
	memcpy(&ep->src_addr, &ep->cm_id->route.addr.src_addr,
	       sizeof(ep->src_addr));
	if (ep->active_side) {
		why = rsm_cm_check_accept(ep, ev);
		if (!why && rsm_auth_prove(ep, mac))
			why = "cannot compute a proof";
		if (!why)
			WRITE_ONCE(ep->authed, true);
	}
	/*
	 * Our INFO goes out before the endpoint can become ACTIVE, so that
	 * nothing else we send can overtake it.  (No registration can hold
	 * the send queue yet: the peer has no reason to ask before INFO.)
	 * On iWARP the responder may send nothing before the initiator's
	 * first message (MPA, RFC 5044): the initiator could still be
	 * reading our MPA reply, and an early frame breaks its connection.
	 * Its INFO then goes out when the initiator's INFO came
	 * (rsm_msg_handle_info()).
	 */
	if (!why && !ep->active_side && !ep->peer_info_seen &&
	    rdma_protocol_iwarp(ep->cm_id->device, ep->cm_id->port_num))
		ep->info_held = true;
	else if (!why && rsm_msg_send_info(ep, mac))
		why = "cannot send INFO";
	if (!why) {
		WRITE_ONCE(ep->state, RSM_EP_ESTABLISHED);
		ep->last_rx = jiffies;
		if (ep->peer_info_seen && !ep->pending)
			rsm_conn_established_locked(conn, ep);
	}
	mutex_unlock(&conn->lock);

	if (why)
		rsm_conn_fail(ep, why);
}

static void rsm_cm_rejected(struct rsm_ep *ep, struct rdma_cm_event *ev)
{
	struct rsm_conn *conn = ep->conn;
	const struct rsm_wire_reject *rej;
	u8 len = 0;

	rej = rdma_consumer_reject_data(ep->cm_id, ev, &len);
	/*
	 * soft-iWARP reports a consumer's reject (an MPA reply with the
	 * reject flag and our private data) with -ECONNRESET, which the CM
	 * does not take for one; the private data is there all the same.
	 */
	if (!rej && rdma_protocol_iwarp(ep->cm_id->device, ep->cm_id->port_num)) {
		rej = ev->param.conn.private_data;
		len = ev->param.conn.private_data_len;
	}
	if (rej && len >= sizeof(*rej) &&
	    le32_to_cpu(rej->magic) == RSM_WIRE_MAGIC) {
		mutex_lock(&conn->lock);
		if (conn->ep == ep)
			rsm_conn_refused_locked(conn, le16_to_cpu(rej->reason));
		mutex_unlock(&conn->lock);
	}
	rsm_conn_fail(ep, rdma_reject_msg(ep->cm_id, ev->status));
}

/**
 * rsm_cm_handler - RDMA CM event handler of the listeners and every endpoint
 * @id: CM id; its context is the endpoint (NULL for listeners)
 * @ev: event
 *
 * Return: non-zero only to make the CM destroy a refused request's id.
 */
int rsm_cm_handler(struct rdma_cm_id *id, struct rdma_cm_event *ev)
{
	struct rsm_ep *ep = id->context;

	if (ev->event == RDMA_CM_EVENT_CONNECT_REQUEST)
		return rsm_cm_connect_request(id, ev);
	if (!ep)
		return 0;

	switch (ev->event) {
	case RDMA_CM_EVENT_ADDR_RESOLVED:
		if (rdma_resolve_route(id, RSM_RESOLVE_TIMEOUT_MS))
			rsm_conn_fail(ep, "cannot resolve route");
		break;
	case RDMA_CM_EVENT_ROUTE_RESOLVED:
		rsm_cm_route_resolved(ep);
		break;
	case RDMA_CM_EVENT_ESTABLISHED:
		rsm_cm_established(ep, ev);
		break;
	case RDMA_CM_EVENT_REJECTED:
		rsm_cm_rejected(ep, ev);
		break;
	case RDMA_CM_EVENT_TIMEWAIT_EXIT:
	case RDMA_CM_EVENT_CONNECT_RESPONSE:
		break;
	default:
		/* errors, disconnect, device removal, address change */
		rsm_conn_fail(ep, rdma_event_msg(ev->event));
		break;
	}
	return 0;
}

/*
 * Bind a free privileged source port (any address): the passive side takes
 * it as the sign of a kernel, not of a user process (rsm(7)).
 */
static int rsm_cm_bind_privileged(struct rdma_cm_id *id, sa_family_t family)
{
	struct sockaddr_storage ss;
	u32 first = get_random_u32() % RSM_SRC_PORT_SPAN, i;
	__be16 port;
	int ret = -EADDRINUSE;

	for (i = 0; i < RSM_SRC_PORT_SPAN && ret == -EADDRINUSE; i++) {
		port = htons(RSM_SRC_PORT_LOW + (first + i) % RSM_SRC_PORT_SPAN);
		memset(&ss, 0, sizeof(ss));
		ss.ss_family = family;
		if (family == AF_INET)
			((struct sockaddr_in *)&ss)->sin_port = port;
		else
			((struct sockaddr_in6 *)&ss)->sin6_port = port;
		ret = rdma_bind_addr(id, (struct sockaddr *)&ss);
	}
	return ret;
}

/**
 * rsm_cm_connect - start an active connection attempt
 * @ep: endpoint, current on its connection
 *
 * Return: 0 or a negative errno (the caller fails the endpoint).
 */
int rsm_cm_connect(struct rsm_ep *ep)
{
	struct rdma_cm_id *id;
	int ret;

	id = rdma_create_id(&init_net, rsm_cm_handler, ep, RDMA_PS_TCP,
			    IB_QPT_RC);
	if (IS_ERR(id))
		return PTR_ERR(id);
	ep->cm_id = id;
	ret = rsm_cm_bind_privileged(id, ep->conn->addr.ss_family);
	if (ret)
		return ret;
	ret = rdma_resolve_addr(id, NULL, (struct sockaddr *)&ep->conn->addr,
				RSM_RESOLVE_TIMEOUT_MS);
	return ret;
}

static struct rdma_cm_id *rsm_cm_listen_one(int family)
{
	struct sockaddr_storage ss = {};
	struct rdma_cm_id *id;
	int ret;

	id = rdma_create_id(&init_net, rsm_cm_handler, NULL, RDMA_PS_TCP,
			    IB_QPT_RC);
	if (IS_ERR(id))
		return id;
	ss.ss_family = family;
	if (family == AF_INET) {
		((struct sockaddr_in *)&ss)->sin_port = htons(rsm_listen_port);
	} else {
		((struct sockaddr_in6 *)&ss)->sin6_port =
			htons(rsm_listen_port);
		ret = rdma_set_afonly(id, 1);
		if (ret)
			goto err;
	}
	ret = rdma_bind_addr(id, (struct sockaddr *)&ss);
	if (ret)
		goto err;
	ret = rdma_listen(id, 64);
	if (ret)
		goto err;
	return id;
err:
	rdma_destroy_id(id);
	return ERR_PTR(ret);
}

/**
 * rsm_cm_listen - listen for peers on IPv4 and, where available, IPv6
 *
 * Return: 0 or a negative errno if IPv4 listening fails.
 */
int rsm_cm_listen(void)
{
	struct rdma_cm_id *id;

	id = rsm_cm_listen_one(AF_INET);
	if (IS_ERR(id)) {
		rsm_err_rl("cannot listen on port %u: %ld\n", rsm_listen_port,
			   PTR_ERR(id));
		return PTR_ERR(id);
	}
	rsm_listen_v4 = id;

	id = rsm_cm_listen_one(AF_INET6);
	if (IS_ERR(id))
		rsm_info("no IPv6 listener: %ld\n", PTR_ERR(id));
	else
		rsm_listen_v6 = id;
	return 0;
}

/**
 * rsm_cm_stop_listen - stop accepting connections
 */
void rsm_cm_stop_listen(void)
{
	if (rsm_listen_v6)
		rdma_destroy_id(rsm_listen_v6);
	if (rsm_listen_v4)
		rdma_destroy_id(rsm_listen_v4);
	rsm_listen_v6 = NULL;
	rsm_listen_v4 = NULL;
}
