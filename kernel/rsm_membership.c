// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsm: cluster membership, topology and status.
 *
 * The configuration utility pushes the whole cluster (local node id and the
 * addresses of every node) with RSM_IOC_CLUSTER_SET; this file turns it into
 * one struct rsm_conn per peer address, adding and removing connections as
 * the configuration changes at runtime.
 */
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/random.h>
#include <linux/list_sort.h>

#include "rsm_tp.h"

struct rsm_cluster rsm_cluster = {
	.lock		= __MUTEX_INITIALIZER(rsm_cluster.lock),
	.local_nodeid	= RSM_NODEID_NONE,
	.conns		= LIST_HEAD_INIT(rsm_cluster.conns),
	.up_wq		= __WAIT_QUEUE_HEAD_INITIALIZER(rsm_cluster.up_wq),
};

static bool rsm_addr_equal(const struct sockaddr *a,
			   const struct sockaddr *b)
{
	if (a->sa_family != b->sa_family)
		return false;
	if (a->sa_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	return ipv6_addr_equal(&((const struct sockaddr_in6 *)a)->sin6_addr,
			       &((const struct sockaddr_in6 *)b)->sin6_addr);
}

/* Peer addresses may arrive as IPv4-mapped IPv6; compare them as IPv4. */
static void rsm_addr_normalize(const struct sockaddr *in,
			       struct sockaddr_storage *out)
{
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)in;
	struct sockaddr_in *s4 = (struct sockaddr_in *)out;

	memset(out, 0, sizeof(*out));
	if (in->sa_family == AF_INET6 && ipv6_addr_v4mapped(&s6->sin6_addr)) {
		s4->sin_family = AF_INET;
		s4->sin_addr.s_addr = s6->sin6_addr.s6_addr32[3];
	} else if (in->sa_family == AF_INET) {
		memcpy(out, in, sizeof(struct sockaddr_in));
	} else {
		memcpy(out, in, sizeof(struct sockaddr_in6));
	}
}

/* Is @conn the connection to @nodeid at @addr (a normalized address)? */
static bool rsm_conn_is(const struct rsm_conn *conn, u32 nodeid,
			const struct sockaddr_storage *addr)
{
	return conn->nodeid == nodeid &&
	       rsm_addr_equal((const struct sockaddr *)&conn->addr,
			      (const struct sockaddr *)addr);
}

/**
 * rsm_cluster_find_conn - the connection object for a peer's address
 * @nodeid: peer node id
 * @addr: peer address, or NULL to match any address of @nodeid
 *
 * Return: a referenced connection, or NULL.
 */
struct rsm_conn *rsm_cluster_find_conn(u32 nodeid, const struct sockaddr *addr)
{
	struct sockaddr_storage norm;
	struct rsm_conn *conn, *found = NULL;

	if (addr)
		rsm_addr_normalize(addr, &norm);
	mutex_lock(&rsm_cluster.lock);
	list_for_each_entry(conn, &rsm_cluster.conns, list) {
		if (addr ? !rsm_conn_is(conn, nodeid, &norm) :
			   conn->nodeid != nodeid)
			continue;
		kref_get(&conn->ref);
		found = conn;
		break;
	}
	mutex_unlock(&rsm_cluster.lock);
	return found;
}

static int rsm_peer_to_sockaddr(const struct rsm_ioc_peer *p,
				struct sockaddr_storage *ss)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	switch (p->family) {
	case AF_INET:
		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, p->addr, 4);
		s4->sin_port = htons(rsm_listen_port);
		if (ipv4_is_zeronet(s4->sin_addr.s_addr) ||
		    ipv4_is_multicast(s4->sin_addr.s_addr) ||
		    ipv4_is_lbcast(s4->sin_addr.s_addr))
			return -EINVAL;
		return 0;
	case AF_INET6:
		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, p->addr, 16);
		s6->sin6_port = htons(rsm_listen_port);
		if (ipv6_addr_any(&s6->sin6_addr) ||
		    ipv6_addr_is_multicast(&s6->sin6_addr))
			return -EINVAL;
		return 0;
	default:
		return -EINVAL;
	}
}

static int rsm_conn_cmp(void *priv, const struct list_head *a,
			const struct list_head *b)
{
	const struct rsm_conn *ca = list_entry(a, struct rsm_conn, list);
	const struct rsm_conn *cb = list_entry(b, struct rsm_conn, list);

	return ca->nodeid < cb->nodeid ? -1 : ca->nodeid > cb->nodeid;
}

/* Validate the whole request before anything changes. */
static int rsm_cluster_check(const struct rsm_ioc_cluster *req,
			     const struct rsm_ioc_peer *peers,
			     struct sockaddr_storage *addrs)
{
	u32 i, j;

	if (req->pad ||
	    (req->flags & ~(RSM_CLUSTER_RESTART | RSM_CLUSTER_REMOTE_ROOT)))
		return -EINVAL;
	if (req->local_nodeid != RSM_NODEID_NONE &&
	    req->local_nodeid >= RSM_MAX_NODE)
		return -EINVAL;
	for (i = 0; i < req->npeers; i++) {
		if (peers[i].nodeid >= RSM_MAX_NODE || peers[i].pad)
			return -EINVAL;
		if (rsm_peer_to_sockaddr(&peers[i], &addrs[i]))
			return -EINVAL;
		for (j = 0; j < i; j++)
			if (rsm_addr_equal((struct sockaddr *)&addrs[i],
					   (struct sockaddr *)&addrs[j]))
				return -EINVAL;
	}
	return 0;
}

static bool rsm_conn_still_wanted(struct rsm_conn *conn,
				  const struct rsm_ioc_cluster *req,
				  const struct rsm_ioc_peer *peers,
				  struct sockaddr_storage *addrs)
{
	u32 i;

	if (req->local_nodeid != rsm_cluster.local_nodeid)
		return false;
	if (req->flags & RSM_CLUSTER_RESTART)
		return false;
	for (i = 0; i < req->npeers; i++)
		if (rsm_conn_is(conn, peers[i].nodeid, &addrs[i]))
			return true;
	return false;
}

static void rsm_cluster_apply(const struct rsm_ioc_cluster *req,
			      const struct rsm_ioc_peer *peers,
			      struct sockaddr_storage *addrs)
{
	struct rsm_conn *conn, *tmp;
	LIST_HEAD(gone);
	u32 i;

	mutex_lock(&rsm_cluster.lock);
	list_for_each_entry_safe(conn, tmp, &rsm_cluster.conns, list)
		if (!rsm_conn_still_wanted(conn, req, peers, addrs))
			list_move_tail(&conn->list, &gone);

	if (req->local_nodeid != rsm_cluster.local_nodeid)
		rsm_info("local node id %d -> %d\n",
			 (int)rsm_cluster.local_nodeid, (int)req->local_nodeid);
	rsm_cluster.local_nodeid = req->local_nodeid;
	WRITE_ONCE(rsm_cluster.remote_root,
		   !!(req->flags & RSM_CLUSTER_REMOTE_ROOT));
	if (req->local_nodeid != RSM_NODEID_NONE && !rsm_auth_keyed())
		pr_warn("rsm: no cluster key: peers are vouched for only by their address and a privileged source port (rsm(7))\n");

	for (i = 0; req->local_nodeid != RSM_NODEID_NONE && i < req->npeers;
	     i++) {
		bool exists = false;

		if (peers[i].nodeid == req->local_nodeid)
			continue;
		list_for_each_entry(conn, &rsm_cluster.conns, list)
			if (rsm_conn_is(conn, peers[i].nodeid, &addrs[i]))
				exists = true;
		if (exists)
			continue;
		conn = rsm_conn_create(peers[i].nodeid,
				       (struct sockaddr *)&addrs[i],
				       req->local_nodeid > peers[i].nodeid);
		if (IS_ERR(conn)) {
			rsm_err_rl("node %u: no connection: %ld\n",
				   peers[i].nodeid, PTR_ERR(conn));
			continue;
		}
		list_add_tail(&conn->list, &rsm_cluster.conns);
	}
	list_sort(NULL, &rsm_cluster.conns, rsm_conn_cmp);
	mutex_unlock(&rsm_cluster.lock);

	/* tear down outside the lock: it waits for CM handlers */
	list_for_each_entry_safe(conn, tmp, &gone, list) {
		list_del_init(&conn->list);
		rsm_conn_remove(conn);
	}
}

/**
 * rsm_cluster_has_node - is a node configured as a peer?
 * @nodeid: node id
 *
 * Return: true if a connection to it is configured (up or not).
 */
bool rsm_cluster_has_node(u32 nodeid)
{
	struct rsm_conn *conn;
	bool found = false;

	mutex_lock(&rsm_cluster.lock);
	list_for_each_entry(conn, &rsm_cluster.conns, list)
		if (conn->nodeid == nodeid)
			found = true;
	mutex_unlock(&rsm_cluster.lock);
	return found;
}

/**
 * rsm_cluster_reset_conns - restart every connection (the key changed)
 * @why: reason, for the log
 */
void rsm_cluster_reset_conns(const char *why)
{
	struct rsm_conn *conn;

	mutex_lock(&rsm_cluster.lock);
	list_for_each_entry(conn, &rsm_cluster.conns, list)
		rsm_conn_reset(conn, why);
	mutex_unlock(&rsm_cluster.lock);
}

/**
 * rsm_cluster_each_active - call @fn on every usable endpoint
 * @fn: called without locks, with a user reference on the endpoint
 * @arg: for @fn
 *
 * Return: 0 or -ENOMEM.
 */
int rsm_cluster_each_active(void (*fn)(struct rsm_ep *ep, void *arg),
			    void *arg)
{
	struct rsm_conn *conn;
	struct rsm_ep **eps;
	unsigned int n = 0, i = 0;

	mutex_lock(&rsm_cluster.lock);
	list_for_each_entry(conn, &rsm_cluster.conns, list)
		n++;
	eps = kcalloc(max(n, 1U), sizeof(*eps), GFP_KERNEL);
	if (!eps) {
		mutex_unlock(&rsm_cluster.lock);
		return -ENOMEM;
	}
	list_for_each_entry(conn, &rsm_cluster.conns, list) {
		eps[i] = rsm_ep_get_active(conn, 0);
		if (eps[i])
			i++;
	}
	mutex_unlock(&rsm_cluster.lock);
	while (i--) {
		fn(eps[i], arg);
		rsm_ep_put_user(eps[i]);
	}
	kfree(eps);
	return 0;
}

/**
 * rsm_cluster_active_ep - a usable endpoint to a node, through any of its
 * connections
 * @nodeid: the node
 *
 * Return: the endpoint with a user reference (rsm_ep_put_user()), or NULL.
 */
struct rsm_ep *rsm_cluster_active_ep(u32 nodeid)
{
	struct rsm_conn *conn;
	struct rsm_ep *ep = NULL;

	mutex_lock(&rsm_cluster.lock);
	list_for_each_entry(conn, &rsm_cluster.conns, list) {
		if (conn->nodeid != nodeid)
			continue;
		ep = rsm_ep_get_active(conn, 0);
		if (ep)
			break;
	}
	mutex_unlock(&rsm_cluster.lock);
	return ep;
}

/**
 * rsm_cluster_ep_by_id - a node's endpoint, if it is still active
 * @nodeid: peer node id
 * @ep_id: the endpoint (of any of the node's connections)
 *
 * Return: the endpoint with a user reference (rsm_ep_put_user()), or NULL
 * when it is no longer the active endpoint of its connection.
 */
struct rsm_ep *rsm_cluster_ep_by_id(u32 nodeid, u64 ep_id)
{
	struct rsm_conn *conn;
	struct rsm_ep *ep = NULL;

	if (!ep_id)
		return NULL;
	mutex_lock(&rsm_cluster.lock);
	list_for_each_entry(conn, &rsm_cluster.conns, list) {
		if (conn->nodeid != nodeid)
			continue;
		ep = rsm_ep_get_active(conn, ep_id);
		if (ep)
			break;
	}
	mutex_unlock(&rsm_cluster.lock);
	return ep;
}

/**
 * rsm_cluster_rail_ep - an active endpoint to a node on a logical rail
 * @nodeid: peer node id
 * @rail: logical rail, the controller at that place (rsm_cluster_rails())
 *
 * A rail that does not reach the node fails over: any other active
 * endpoint to it serves (the rail's loss already raised its error count).
 *
 * Return: the endpoint with a user reference (rsm_ep_put_user()), one
 * through the rail's controller when there is one, or NULL.
 */
struct rsm_ep *rsm_cluster_rail_ep(u32 nodeid, u32 rail)
{
	struct rsm_ep *ep, *best = NULL;
	struct rsm_conn *conn;
	u32 index;

	if (rsm_ctrl_nth_index(rail, &index))
		return rsm_cluster_active_ep(nodeid);
	mutex_lock(&rsm_cluster.lock);
	list_for_each_entry(conn, &rsm_cluster.conns, list) {
		if (conn->nodeid != nodeid)
			continue;
		ep = rsm_ep_get_active(conn, 0);
		if (!ep)
			continue;
		if (!best) {
			best = ep;
		} else if (ep->ctrl->index == index) {
			rsm_ep_put_user(best);
			best = ep;
		} else {
			rsm_ep_put_user(ep);
		}
		if (best->ctrl->index == index)
			break;
	}
	mutex_unlock(&rsm_cluster.lock);
	return best;
}

/**
 * rsm_cluster_rails - the controllers as logical rails
 * @max: rails counted at most
 * @nrails: out: RDMA controllers (at most @max), in the order they came
 * @active: out: bit r set when rail r's port is active and, if the node
 *	has peers, a connection through it is usable
 */
void rsm_cluster_rails(u32 max, u32 *nrails, u32 *active)
{
	struct rsm_stat_ctlr *st;
	struct rsm_conn *conn;
	u64 used = 0;
	bool peers = false;
	u32 n, r;

	*nrails = 0;
	*active = 0;
	st = kcalloc(max, sizeof(*st), GFP_KERNEL);
	if (!st)
		return;
	n = min_t(u32, rsm_ctrl_fill_stat(st, max), max);
	mutex_lock(&rsm_cluster.lock);
	list_for_each_entry(conn, &rsm_cluster.conns, list) {
		peers = true;
		mutex_lock(&conn->lock);
		if (conn->ep && conn->ep->state == RSM_EP_ACTIVE &&
		    conn->ep->ctrl->index < 64)
			used |= BIT_ULL(conn->ep->ctrl->index);
		mutex_unlock(&conn->lock);
	}
	mutex_unlock(&rsm_cluster.lock);
	for (r = 0; r < n && r < 32; r++)
		if (st[r].port_state == IB_PORT_ACTIVE &&
		    (!peers || (st[r].index < 64 && (used & BIT_ULL(st[r].index)))))
			*active |= BIT(r);
	*nrails = n;
	kfree(st);
}

/**
 * rsm_cluster_ioctl_set - RSM_IOC_CLUSTER_SET
 * @uarg: struct rsm_ioc_cluster in user memory
 *
 * Return: 0 or a negative errno; on error nothing changed.
 */
int rsm_cluster_ioctl_set(void __user *uarg)
{
	struct rsm_ioc_cluster req;
	struct rsm_ioc_peer *peers = NULL;
	struct sockaddr_storage *addrs = NULL;
	int ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (req.npeers > RSM_MAX_PEER_ADDRS)
		return -EINVAL;
	if (req.npeers) {
		peers = memdup_user(u64_to_user_ptr(req.peers),
				    array_size(req.npeers, sizeof(*peers)));
		if (IS_ERR(peers))
			return PTR_ERR(peers);
		addrs = kcalloc(req.npeers, sizeof(*addrs), GFP_KERNEL);
		if (!addrs) {
			ret = -ENOMEM;
			goto out;
		}
	}
	ret = rsm_cluster_check(&req, peers, addrs);
	if (!ret)
		rsm_cluster_apply(&req, peers, addrs);
out:
	kfree(addrs);
	kfree(peers);
	return ret;
}

static int rsm_copy_buf_answer(void __user *uarg, struct rsm_ioc_buf *req,
			       const void *data, size_t size)
{
	if (size > U32_MAX)
		return -EOVERFLOW;
	req->needed = size;
	if (req->len >= size &&
	    copy_to_user(u64_to_user_ptr(req->buf), data, size))
		return -EFAULT;
	return copy_to_user(uarg, req, sizeof(*req)) ? -EFAULT : 0;
}

/**
 * rsm_cluster_ioctl_topology - RSM_IOC_TOPOLOGY
 * @uarg: struct rsm_ioc_buf in user memory
 *
 * Return: 0 or a negative errno.
 */
int rsm_cluster_ioctl_topology(void __user *uarg)
{
	struct rsm_ioc_buf req;
	struct rsm_topo_hdr *hdr;
	size_t size, used;
	void *buf;
	int ret, n;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	for (;;) {
		mutex_lock(&rsm_cluster.lock);
		size = sizeof(*hdr);
		rsm_ctrl_fill_topo(NULL, 0, &size, true);
		mutex_unlock(&rsm_cluster.lock);

		buf = kvzalloc(size, GFP_KERNEL);
		if (!buf)
			return -ENOMEM;
		hdr = buf;
		used = sizeof(*hdr);
		mutex_lock(&rsm_cluster.lock);
		hdr->local_nodeid = rsm_cluster.local_nodeid;
		n = rsm_ctrl_fill_topo(buf, size, &used, false);
		mutex_unlock(&rsm_cluster.lock);
		if (n != -ENOSPC)
			break;
		kvfree(buf);	/* a controller appeared meanwhile */
	}
	hdr->nctlr = n;
	ret = rsm_copy_buf_answer(uarg, &req, buf, used);
	kvfree(buf);
	return ret;
}

static size_t rsm_status_size(unsigned int nctlr, unsigned int nconn)
{
	return sizeof(struct rsm_stat_hdr) +
	       nctlr * sizeof(struct rsm_stat_ctlr) +
	       nconn * sizeof(struct rsm_stat_conn);
}

static void rsm_status_conn(struct rsm_conn *conn, struct rsm_stat_conn *s)
{
	memset(s, 0, sizeof(*s));
	s->nodeid = conn->nodeid;
	s->state = rsm_conn_state(conn, NULL);
	s->family = conn->addr.ss_family;
	s->initiator = conn->initiator;
	if (s->family == AF_INET)
		memcpy(s->addr, &((struct sockaddr_in *)&conn->addr)->sin_addr,
		       4);
	else
		memcpy(s->addr,
		       &((struct sockaddr_in6 *)&conn->addr)->sin6_addr, 16);
	mutex_lock(&conn->lock);
	if (conn->ep && conn->ep->ctrl)
		s->ctlr_index = conn->ep->ctrl->index;
	strscpy(s->peer_ctlr, conn->peer_ctlr, sizeof(s->peer_ctlr));
	s->connects = conn->connects;
	s->reconnects = conn->reconnects;
	s->disconnects = conn->disconnects;
	s->refused = conn->refused;
	s->hb_timeouts = conn->hb_timeouts;
	s->last_reject = conn->last_reject;
	mutex_unlock(&conn->lock);
	s->tx_msgs = atomic64_read(&conn->tx_msgs);
	s->rx_msgs = atomic64_read(&conn->rx_msgs);
}

/**
 * rsm_cluster_ioctl_status - RSM_IOC_STATUS
 * @uarg: struct rsm_ioc_buf in user memory
 *
 * Return: 0 or a negative errno.
 */
int rsm_cluster_ioctl_status(void __user *uarg)
{
	struct rsm_ioc_buf req;
	struct rsm_stat_hdr *hdr;
	struct rsm_stat_ctlr *sc;
	struct rsm_stat_conn *sn;
	struct rsm_conn *conn;
	unsigned int nctlr, nconn = 0;
	void *buf;
	int ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;

	mutex_lock(&rsm_cluster.lock);
	list_for_each_entry(conn, &rsm_cluster.conns, list)
		nconn++;
	nctlr = rsm_ctrl_fill_stat(NULL, 0);
	/* a little slack for controllers added while we fill */
	buf = kvzalloc(rsm_status_size(nctlr + 4, nconn), GFP_KERNEL);
	if (!buf) {
		mutex_unlock(&rsm_cluster.lock);
		return -ENOMEM;
	}
	hdr = buf;
	sc = buf + sizeof(*hdr);
	nctlr = min(rsm_ctrl_fill_stat(sc, nctlr + 4), (int)nctlr + 4);
	sn = (void *)(sc + nctlr);
	list_for_each_entry(conn, &rsm_cluster.conns, list)
		rsm_status_conn(conn, sn++);
	hdr->local_nodeid = rsm_cluster.local_nodeid;
	mutex_unlock(&rsm_cluster.lock);

	hdr->proto_version = RSM_PROTO_VERSION;
	hdr->nctlr = nctlr;
	hdr->nconn = nconn;
	hdr->listen_port = rsm_listen_port;
	hdr->refused_unknown_node =
		atomic64_read(&rsm_cluster.refused_unknown_node);
	hdr->refused_bad_version =
		atomic64_read(&rsm_cluster.refused_bad_version);
	hdr->refused_other = atomic64_read(&rsm_cluster.refused_other);
	rsm_tp_fill_status(hdr);
	hdr->refused_auth = atomic64_read(&rsm_cluster.refused_auth);
	hdr->refused_port = atomic64_read(&rsm_cluster.refused_port);
	hdr->bad_msgs = atomic64_read(&rsm_cluster.bad_msgs);
	hdr->trust_flags = (rsm_auth_keyed() ? RSM_TRUST_KEYED : 0) |
			   (READ_ONCE(rsm_cluster.remote_root) ?
			    RSM_TRUST_REMOTE_ROOT : 0);

	ret = rsm_copy_buf_answer(uarg, &req, buf,
				  rsm_status_size(nctlr, nconn));
	kvfree(buf);
	return ret;
}

/**
 * rsm_cluster_init - prepare the cluster state
 *
 * Return: 0.
 */
int rsm_cluster_init(void)
{
	rsm_cluster.boot_id = get_random_u64();
	return 0;
}

/**
 * rsm_cluster_exit - disconnect from every peer and forget the configuration
 */
void rsm_cluster_exit(void)
{
	struct rsm_ioc_cluster none = { .local_nodeid = RSM_NODEID_NONE };

	rsm_cluster_apply(&none, NULL, NULL);
	flush_workqueue(rsm_wq);
}
