// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsm: import segments - connecting to a published segment, put and get,
 * scatter/gather, forced disconnects, and local memory handles.
 *
 * An import of a segment published by this node itself copies with the
 * CPU, straight to and from the exporter's pinned pages.  Any other import
 * asks the exporter's kernel (IMPORT_REQ), which checks access and hands
 * back the segment's size and memory keys; data then moves by RDMA READ and
 * WRITE on the connection to that node.  The exporter revokes keys with a
 * REVOKE request that is answered only once no transfer of ours uses them.
 */
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/highmem.h>
#include <linux/uaccess.h>
#include <linux/cred.h>
#include <linux/sched/mm.h>

#include "rsm_loc.h"

#define RSM_CONNECT_RPC_MS	10000
/* A connect waits this long for a connection coming (back) up. */
#define RSM_CONNECT_WAIT_MS	3000

atomic64_t rsm_imported_segments = ATOMIC64_INIT(0);
atomic64_t rsm_localmem_handles = ATOMIC64_INIT(0);

static void rsm_import_free(struct kref *ref)
{
	struct rsm_import *imp = container_of(ref, struct rsm_import, ref);

	rsm_map_free(imp);
	kvfree(imp->keys);
	if (imp->conn)
		rsm_conn_put(imp->conn);
	rsm_ctrl_put(imp->ctrl);
	kfree(imp);
}

/**
 * rsm_import_put - drop a reference to an import
 * @imp: import
 */
void rsm_import_put(struct rsm_import *imp)
{
	kref_put(&imp->ref, rsm_import_free);
}

/**
 * rsm_import_abort - forced disconnect of an import (final)
 * @imp: import
 *
 * Transfers stop between chains of work requests; a mapping is redirected
 * to the scratch page shortly (the caller may hold locks a fault needs).
 */
void rsm_import_abort(struct rsm_import *imp)
{
	if (READ_ONCE(imp->aborted))
		return;
	WRITE_ONCE(imp->aborted, true);
	rsm_map_abort_async(imp);
}

/**
 * rsm_import_conn_down_locked - a connection lost its active endpoint
 * @conn: connection, locked
 * @ep_id: the endpoint
 *
 * Every import made through it is forcibly disconnected.
 */
void rsm_import_conn_down_locked(struct rsm_conn *conn, u64 ep_id)
{
	struct rsm_import *imp;

	lockdep_assert_held(&conn->lock);
	list_for_each_entry(imp, rsm_seg_imports(conn), list)
		if (imp->ep_id == ep_id)
			rsm_import_abort(imp);
}

/* An active connection to @nodeid through @ctrl, with a reference. */
static struct rsm_conn *rsm_import_find_conn(u32 nodeid, struct rsm_ctrl *ctrl,
					     int *why)
{
	struct rsm_conn *conn, *found = NULL;
	bool ok;

	*why = RSMERR_REMOTE_NODE_UNREACHABLE;
	mutex_lock(&rsm_cluster.lock);
	list_for_each_entry(conn, &rsm_cluster.conns, list) {
		if (conn->nodeid != nodeid)
			continue;
		mutex_lock(&conn->lock);
		ok = conn->ep && conn->ep->state == RSM_EP_ACTIVE &&
		     conn->ep->ctrl == ctrl;
		if (!ok && conn->last_reject == RSMERR_BAD_DRIVER_VERSION)
			*why = RSMERR_BAD_DRIVER_VERSION;
		mutex_unlock(&conn->lock);
		if (ok) {
			kref_get(&conn->ref);
			found = conn;
			break;
		}
	}
	mutex_unlock(&rsm_cluster.lock);
	return found;
}

/*
 * An active connection to a configured node, waiting a little if it is not
 * up (it may be coming back after a fault, or the other side reconnecting).
 * A signal ends the wait with RSMERR_INTERRUPTED.
 */
static struct rsm_conn *rsm_import_wait_conn(u32 nodeid, struct rsm_ctrl *ctrl,
					     int *why)
{
	unsigned long end = jiffies + msecs_to_jiffies(RSM_CONNECT_WAIT_MS);
	unsigned long now;
	struct rsm_conn *conn;
	long left;
	int gen;

	for (;;) {
		gen = atomic_read(&rsm_cluster.up_gen);
		conn = rsm_import_find_conn(nodeid, ctrl, why);
		now = jiffies;
		if (conn || *why != RSMERR_REMOTE_NODE_UNREACHABLE ||
		    !time_before(now, end) || !rsm_cluster_has_node(nodeid))
			return conn;
		left = wait_event_interruptible_timeout(rsm_cluster.up_wq,
							atomic_read(&rsm_cluster.up_gen) != gen,
							end - now);
		if (left < 0) {
			*why = RSMERR_INTERRUPTED;
			return NULL;
		}
	}
}

/* One import of (@segid, publication @instance) with @perm is gone. */
static void rsm_import_send_release(struct rsm_ep *ep, u32 segid, u32 perm,
				    u64 instance)
{
	struct rsm_msg_release rel = {};

	rel.hdr.type = cpu_to_le16(RSM_MSG_RELEASE);
	rel.segid = cpu_to_le32(segid);
	rel.perm = cpu_to_le32(perm);
	rel.instance = cpu_to_le64(instance);
	rsm_msg_send_wait(ep, &rel, sizeof(rel));
}

/*
 * Check an exporter's description of the segment (rsm_wire_check_reply():
 * sizes, counts and indices within their caps and consistent) and that it
 * still describes what we imported.
 */
static bool rsm_reply_sane(const struct rsm_import *imp,
			   const struct rsm_msg_seg_reply *rep, u32 len)
{
	u32 cshift = le32_to_cpu(rep->chunk_shift);
	u64 size = le64_to_cpu(rep->size);

	if (rsm_wire_check_reply(rep, len, NULL) || cshift < PAGE_SHIFT)
		return false;
	if (imp->size && (size != imp->size || cshift != imp->chunk_shift ||
			  le32_to_cpu(rep->nchunks) != imp->nchunks ||
			  le64_to_cpu(rep->instance) != imp->instance))
		return false;
	return true;
}

/*
 * Fetch every key of the segment from its exporter.
 * Return: 0 or an RSMERR code.
 */
static int rsm_import_fetch_keys(struct rsm_import *imp, struct rsm_ep *ep,
				 u32 **keysp, u32 *genp)
{
	struct rsm_msg_seg_reply *rep;
	struct rsm_msg_keys_req req;
	struct rsm_rpc *rpc;
	u32 *keys, first = 0, gen = 0, n, i;
	int ret = 0, tries = 0;

	rpc = kmalloc(sizeof(*rpc), GFP_KERNEL);
	/* nchunks passed rsm_wire_check_reply(): at most RSM_WIRE_CHUNKS_MAX */
	keys = kvcalloc(imp->nchunks, sizeof(*keys), GFP_KERNEL_ACCOUNT);
	if (!rpc || !keys) {
		ret = RSMERR_INSUFFICIENT_MEM;
		goto out;
	}
	rep = (void *)rpc->reply;
	while (first < imp->nchunks) {
		memset(&req, 0, sizeof(req));
		req.hdr.type = cpu_to_le16(RSM_MSG_KEYS_REQ);
		req.segid = cpu_to_le32(imp->segid);
		req.first = cpu_to_le32(first);
		req.instance = cpu_to_le64(imp->instance);
		req.perm = cpu_to_le32(imp->perm);
		ret = rsm_rpc_call(ep, rpc, &req, sizeof(req),
				   RSM_CONNECT_RPC_MS, rsm_rpc_orphan_free);
		if (ret == -EINTR) {
			rpc = NULL;	/* the orphan path frees it */
			ret = RSMERR_INTERRUPTED;
			break;
		}
		if (ret == -ETIMEDOUT)
			rsm_conn_fail(ep, "no answer to a key request");
		if (ret) {
			ret = RSMERR_CONN_ABORTED;
			break;
		}
		ret = le32_to_cpu(rep->status);
		if (ret)
			break;
		n = le32_to_cpu(rep->nkeys);
		if (!rsm_reply_sane(imp, rep, rpc->len) ||
		    le32_to_cpu(rep->first) != first || !n ||
		    n > imp->nchunks - first) {
			ret = RSMERR_CONN_ABORTED;
			break;
		}
		if (first && le32_to_cpu(rep->bind_gen) != gen) {
			/* rebound meanwhile: start over */
			first = 0;
			ret = RSMERR_CONN_ABORTED;
			if (++tries > RSM_KEY_RETRIES)
				break;
			ret = 0;
			continue;
		}
		gen = le32_to_cpu(rep->bind_gen);
		for (i = 0; i < n; i++)
			keys[first + i] = le32_to_cpu(rep->keys[i]);
		first += n;
	}
out:
	kfree(rpc);
	if (ret) {
		kvfree(keys);
		return ret;
	}
	*keysp = keys;
	*genp = gen;
	return 0;
}

/**
 * rsm_import_refresh_keys - fetch the keys again after a rebind
 * @imp: remote import; the caller holds neither @io_rwsem nor @map_lock
 *
 * Return: 0 or an RSMERR code.
 */
int rsm_import_refresh_keys(struct rsm_import *imp)
{
	struct rsm_ep *ep;
	u32 *keys, *old, gen;
	int ret = 0;

	mutex_lock(&imp->key_mutex);
	if (READ_ONCE(imp->keys_gen) == READ_ONCE(imp->want_gen))
		goto out;
	ret = RSMERR_CONN_ABORTED;
	ep = rsm_ep_get_active(imp->conn, imp->ep_id);
	if (!ep)
		goto out;
	ret = rsm_import_fetch_keys(imp, ep, &keys, &gen);
	rsm_ep_put_user(ep);
	if (ret)
		goto out;
	down_write(&imp->io_rwsem);
	mutex_lock(&imp->map_lock);
	old = imp->keys;
	imp->keys = keys;
	imp->keys_gen = gen;
	mutex_unlock(&imp->map_lock);
	up_write(&imp->io_rwsem);
	kvfree(old);
out:
	if (ret == RSMERR_CONN_ABORTED)
		rsm_import_abort(imp);
	mutex_unlock(&imp->key_mutex);
	return ret;
}

static void rsm_import_fill_req(struct rsm_import *imp,
				struct rsm_msg_import_req *req)
{
	const struct cred *cred = current_cred();
	struct group_info *gi = cred->group_info;
	u32 i, n = min_t(u32, gi->ngroups, RSM_WIRE_GROUPS);
	u32 flags = 0;

	memset(req, 0, sizeof(*req));
	req->hdr.type = cpu_to_le16(RSM_MSG_IMPORT_REQ);
	req->segid = cpu_to_le32(imp->segid);
	req->perm = cpu_to_le32(imp->perm);
	req->uid = cpu_to_le32(from_kuid_munged(&init_user_ns, cred->euid));
	req->gid = cpu_to_le32(from_kgid_munged(&init_user_ns, cred->egid));
	for (i = 0; i < n; i++)
		req->groups[i] = cpu_to_le32(from_kgid_munged(&init_user_ns,
							      gi->gid[i]));
	req->ngroups = cpu_to_le32(n);
	if (gi->ngroups > n)
		flags |= RSM_IMPORT_GROUPS_CUT;
	if (capable(CAP_IPC_OWNER))
		flags |= RSM_IMPORT_PRIV_READ | RSM_IMPORT_PRIV_WRITE;
	req->flags = cpu_to_le32(flags);
}

/*
 * The answer to the IMPORT_REQ of a connect whose process was killed:
 * if the exporter took us on, tell it we are gone.
 */
static void rsm_import_orphan_connect(struct rsm_ep *ep, struct rsm_rpc *rpc)
{
	const struct rsm_msg_seg_reply *rep = (const void *)rpc->reply;

	if (!rep->status)
		rsm_import_send_release(ep, rpc->orphan_arg[0],
					rpc->orphan_arg[1],
					le64_to_cpu(rep->instance));
	kfree(rpc);
}

/* Ask the exporter; on success @imp knows size, keys and instance. */
static int rsm_import_request(struct rsm_import *imp, struct rsm_ep *ep)
{
	struct rsm_msg_import_req *req;
	struct rsm_msg_seg_reply *rep;
	struct rsm_rpc *rpc;
	u32 i, n, gen;
	int ret;

	req = kmalloc(sizeof(*req), GFP_KERNEL);
	rpc = kmalloc(sizeof(*rpc), GFP_KERNEL);
	ret = RSMERR_INSUFFICIENT_MEM;
	if (!req || !rpc)
		goto out;
	rsm_import_fill_req(imp, req);
	rpc->orphan_arg[0] = imp->segid;
	rpc->orphan_arg[1] = imp->perm;
	ret = rsm_rpc_call(ep, rpc, req, sizeof(*req), RSM_CONNECT_RPC_MS,
			   rsm_import_orphan_connect);
	if (ret == -EINTR) {
		rpc = NULL;	/* the orphan path frees it */
		ret = RSMERR_INTERRUPTED;
		goto out;
	}
	if (ret == -ETIMEDOUT)
		rsm_conn_fail(ep, "no answer to a connect request");
	if (ret) {
		ret = ret == -ETIMEDOUT ? RSMERR_REMOTE_NODE_UNREACHABLE :
					  RSMERR_CONN_ABORTED;
		goto out;
	}
	rep = (void *)rpc->reply;
	ret = le32_to_cpu(rep->status);
	if (ret)
		goto out;
	/* from here on the exporter counts us: undo with a RELEASE */
	imp->instance = le64_to_cpu(rep->instance);
	imp->size = 0;
	if (!rsm_reply_sane(imp, rep, rpc->len)) {
		ret = RSMERR_CONN_ABORTED;
		goto release;
	}
	imp->size = le64_to_cpu(rep->size);
	imp->chunk_shift = le32_to_cpu(rep->chunk_shift);
	imp->nchunks = le32_to_cpu(rep->nchunks);
	gen = le32_to_cpu(rep->bind_gen);
	n = le32_to_cpu(rep->nkeys);
	if (n == imp->nchunks && !le32_to_cpu(rep->first)) {
		ret = RSMERR_INSUFFICIENT_MEM;
		imp->keys = kvcalloc(n, sizeof(u32), GFP_KERNEL_ACCOUNT);
		if (!imp->keys)
			goto release;
		for (i = 0; i < n; i++)
			imp->keys[i] = le32_to_cpu(rep->keys[i]);
		ret = 0;
	} else {
		ret = rsm_import_fetch_keys(imp, ep, &imp->keys, &gen);
		if (ret)
			goto release;
	}
	imp->keys_gen = gen;
	imp->want_gen = gen;
	goto out;
release:
	rsm_import_send_release(ep, imp->segid, imp->perm,
				imp->instance);
out:
	kfree(req);
	kfree(rpc);
	return ret;
}

/*
 * The answer is in: apply what a REVOKE said meanwhile.  An unpublish means
 * the exporter has forgotten us again (no RELEASE is due); a rebind means
 * the keys we got are old.  Return: 0 or an RSMERR code.
 */
static int rsm_import_connected_locked(struct rsm_import *imp)
{
	lockdep_assert_held(&imp->conn->lock);
	unsigned int i;

	for (i = 0; i < imp->early_naborts && i < RSM_EARLY_REVOKES; i++)
		if (imp->early_abort[i] == imp->instance)
			return RSMERR_SEG_NOT_PUBLISHED;
	if (imp->early_rebind == imp->instance &&
	    imp->early_gen != imp->keys_gen) {
		imp->want_gen = imp->early_gen;
		imp->rebinds++;
	}
	return 0;
}

static int rsm_import_connect_remote(struct rsm_import *imp)
{
	struct rsm_conn *conn;
	struct rsm_ep *ep;
	int ret;

	if (imp->nodeid >= RSM_MAX_NODE - 1)
		return RSMERR_REMOTE_NODE_UNREACHABLE;
	conn = rsm_import_wait_conn(imp->nodeid, imp->ctrl, &ret);
	if (!conn)
		return ret;
	imp->conn = conn;
	ep = rsm_ep_get_active(conn, 0);
	if (!ep)
		return RSMERR_REMOTE_NODE_UNREACHABLE;

	/*
	 * Listed (as connecting) before the request goes out, so that a
	 * REVOKE the exporter sends right after its answer finds us.
	 */
	imp->ep_id = ep->id;
	mutex_lock(&conn->lock);
	imp->connecting = true;
	list_add_tail(&imp->list, rsm_seg_imports(conn));
	mutex_unlock(&conn->lock);

	ret = rsm_import_request(imp, ep);

	mutex_lock(&conn->lock);
	imp->connecting = false;
	if (!ret)
		ret = rsm_import_connected_locked(imp);
	if (ret)
		list_del_init(&imp->list);
	/* lost already?  then it is a forced disconnect */
	else if (!rsm_ep_usable_locked(conn, ep))
		rsm_import_abort(imp);
	mutex_unlock(&conn->lock);
	rsm_ep_put_user(ep);
	return ret;
}

/**
 * rsm_import_connect - RSM_IOC_IMPORT_CONNECT
 * @rf: descriptor state, not yet bound
 * @uarg: struct rsm_ioc_import_connect
 *
 * Return: 0, an RSMERR code, or a negative errno.
 */
int rsm_import_connect(struct rsm_file *rf, void __user *uarg)
{
	struct rsm_ioc_import_connect req;
	struct rsm_import *imp;
	struct rsm_export *exp;
	struct rsm_ctrl *ctrl;
	u32 local = READ_ONCE(rsm_cluster.local_nodeid);
	int ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (req.pad)
		return -EINVAL;
	if (req.perm & ~RSM_PERM_MASK)
		return RSMERR_PERM_DENIED;
	if (strnlen(req.ctlr, sizeof(req.ctlr)) == sizeof(req.ctlr))
		return RSMERR_CTLR_NOT_PRESENT;
	ctrl = rsm_ctrl_get_by_name(req.ctlr);
	if (!ctrl)
		return RSMERR_CTLR_NOT_PRESENT;
	if (!ctrl->ibdev && req.nodeid != local) {
		rsm_ctrl_put(ctrl);
		return RSMERR_CTLR_NOT_PRESENT;
	}

	if (!rsm_segments_get(&rsm_imported_segments)) {
		rsm_ctrl_put(ctrl);
		return RSMERR_INSUFFICIENT_RESOURCES;
	}
	imp = kzalloc(sizeof(*imp), GFP_KERNEL_ACCOUNT);
	if (!imp) {
		atomic64_dec(&rsm_imported_segments);
		rsm_ctrl_put(ctrl);
		return RSMERR_INSUFFICIENT_MEM;
	}
	kref_init(&imp->ref);
	INIT_LIST_HEAD(&imp->list);
	init_rwsem(&imp->io_rwsem);
	mutex_init(&imp->key_mutex);
	atomic64_set(&imp->errors, 0);
	rsm_event_init(&imp->ev);
	rsm_map_init(imp);
	imp->ctrl = ctrl;
	imp->nodeid = req.nodeid;
	imp->segid = req.segid;
	imp->perm = req.perm;

	if (req.nodeid == local) {
		exp = rsm_export_lookup(req.segid);
		ret = RSMERR_SEG_NOT_PUBLISHED;
		if (exp) {
			ret = rsm_export_attach_local(exp, imp);
			if (ret)
				rsm_export_put(exp);
		}
	} else {
		ret = rsm_import_connect_remote(imp);
	}
	if (ret) {
		atomic64_dec(&rsm_imported_segments);
		rsm_import_put(imp);
		return ret;
	}

	if (!rsm_file_bind(rf, RSM_FILE_IMPORT, imp)) {
		rsm_import_release(imp);
		return RSMERR_BAD_SEG_HNDL;
	}

	req.size = imp->size;
	req.generation = 1;
	req.local = !!imp->exp;
	if (copy_to_user(uarg, &req, sizeof(req)))
		return -EFAULT;	/* bound all the same; close undoes it */
	return 0;
}

/**
 * rsm_import_release - disconnect (descriptor closed)
 * @imp: import; the descriptor's reference is dropped
 */
void rsm_import_release(struct rsm_import *imp)
{
	struct rsm_ep *ep;

	rsm_map_release(imp);
	if (imp->exp) {
		rsm_export_detach_local(imp->exp, imp);
		imp->exp = NULL;
	} else if (imp->conn) {
		mutex_lock(&imp->conn->lock);
		list_del_init(&imp->list);
		mutex_unlock(&imp->conn->lock);
		/*
		 * Tell the exporter whenever the connection is still the one
		 * the import was made on, aborted or not: an import that
		 * failed locally is still counted there.  After a revoke the
		 * publication is over and the RELEASE is ignored.
		 */
		ep = rsm_ep_get_active(imp->conn, imp->ep_id);
		if (ep) {
			rsm_import_send_release(ep, imp->segid, imp->perm,
						imp->instance);
			rsm_ep_put_user(ep);
		}
	}
	atomic64_dec(&rsm_imported_segments);
	rsm_import_put(imp);
}

/*
 * A REVOKE for a segment an import is still connecting to: it has no
 * transfer in flight, so only note it for rsm_import_connected_locked().
 */
static void rsm_import_note_early_revoke(struct rsm_import *imp, u32 kind,
					 u64 instance,
					 const struct rsm_msg_revoke *rv)
{
	lockdep_assert_held(&imp->conn->lock);
	/* the answer may be for any publication noted here: keep each */
	if (kind == RSM_REVOKE_REBIND) {
		imp->early_rebind = instance;
		imp->early_gen = le32_to_cpu(rv->bind_gen);
	} else {
		imp->early_abort[imp->early_naborts++ % RSM_EARLY_REVOKES] =
			instance;
	}
}

/**
 * rsm_import_handle_revoke - the exporter revokes or rebinds a segment
 * @ep: endpoint the request came on (user reference held)
 * @msg: struct rsm_msg_revoke
 *
 * Answered once no transfer of the imports concerned is in flight.
 */
void rsm_import_handle_revoke(struct rsm_ep *ep, const void *msg)
{
	const struct rsm_msg_revoke *rv = msg;
	u32 segid = le32_to_cpu(rv->segid);
	u32 kind = le32_to_cpu(rv->kind);
	u64 instance = le64_to_cpu(rv->instance);
	u64 xid = le64_to_cpu(rv->xid);
	struct rsm_conn *conn = ep->conn;
	struct rsm_import *imp, *it;
	struct rsm_msg_ack ack = {};

	if (rsm_test_silent_revokes())
		return;
	for (;;) {
		imp = NULL;
		mutex_lock(&conn->lock);
		list_for_each_entry(it, rsm_seg_imports(conn), list) {
			if (it->segid != segid || it->ep_id != ep->id ||
			    it->revoke_xid == xid)
				continue;
			if (it->connecting) {
				rsm_import_note_early_revoke(it, kind,
							     instance, rv);
				continue;
			}
			if (it->instance != instance)
				continue;
			it->revoke_xid = xid;
			kref_get(&it->ref);
			imp = it;
			break;
		}
		mutex_unlock(&conn->lock);
		if (!imp)
			break;

		/*
		 * An abort stops transfers between chains of work requests;
		 * then wait for what is in flight.
		 */
		if (kind != RSM_REVOKE_REBIND)
			rsm_import_abort(imp);
		down_write(&imp->io_rwsem);
		if (kind == RSM_REVOKE_REBIND) {
			imp->want_gen = le32_to_cpu(rv->bind_gen);
			imp->rebinds++;
		}
		/* cached pages are of the old memory: none is written back */
		rsm_map_invalidate(imp);
		up_write(&imp->io_rwsem);
		rsm_import_put(imp);
	}

	ack.hdr.type = cpu_to_le16(RSM_MSG_ACK);
	ack.xid = rv->xid;
	rsm_msg_send_wait(ep, &ack, sizeof(ack));
}

/**
 * rsm_import_signal - RSM_IOC_SIGNAL_POST on an import
 * @imp: the import
 * @flags: RSM_SIGNAL_NO_ACCUMULATE or 0
 *
 * The event goes to the exported segment; after a forced disconnect it is
 * dropped (spec 3.9).  On the wire it follows every transfer that has
 * completed, so the exporter sees their data first.
 *
 * Return: 0 or an RSMERR code.
 */
int rsm_import_signal(struct rsm_import *imp, u32 flags)
{
	struct rsm_export *exp = imp->exp;
	struct rsm_ep *ep;
	int ret;

	if (exp) {
		down_read(&exp->io_rwsem);
		if (!READ_ONCE(imp->aborted))
			rsm_event_post(&exp->ev, flags);
		up_read(&exp->io_rwsem);
		return 0;
	}
	if (READ_ONCE(imp->aborted))
		return 0;
	ep = rsm_ep_get_active(imp->conn, imp->ep_id);
	if (!ep) {
		rsm_import_abort(imp);
		return RSMERR_CONN_ABORTED;
	}
	ret = rsm_signal_send(ep, imp->segid, imp->instance, flags, true);
	rsm_ep_put_user(ep);
	return ret ? RSMERR_REMOTE_NODE_UNREACHABLE : 0;
}

/**
 * rsm_import_handle_signal - the exporter posted an event to its importers
 * @ep: endpoint it came on (user reference held)
 * @msg: struct rsm_msg_signal
 * @more: accumulating posts merged into it
 */
void rsm_import_handle_signal(struct rsm_ep *ep, const void *msg, u32 more)
{
	const struct rsm_msg_signal *sig = msg;
	u32 segid = le32_to_cpu(sig->segid);
	u32 flags = le32_to_cpu(sig->flags) & RSM_SIGNAL_NO_ACCUMULATE;
	u64 instance = le64_to_cpu(sig->instance);
	struct rsm_conn *conn = ep->conn;
	struct rsm_import *imp;

	mutex_lock(&conn->lock);
	list_for_each_entry(imp, rsm_seg_imports(conn), list)
		if (imp->segid == segid && imp->instance == instance &&
		    imp->ep_id == ep->id && !READ_ONCE(imp->aborted))
			rsm_event_post_more(&imp->ev, flags, more);
	mutex_unlock(&conn->lock);
}

/* ------------------------------------------------------------------ */
/* Local memory handles                                                */
/* ------------------------------------------------------------------ */

static void rsm_localmem_free(struct kref *ref)
{
	struct rsm_localmem *lm = container_of(ref, struct rsm_localmem, ref);

	rsm_unpin_pages(lm->mm, lm->pages, lm->npages);
	mmdrop(lm->mm);
	atomic64_dec(&rsm_localmem_handles);
	kfree(lm);
}

/**
 * rsm_localmem_put - drop a reference to local memory
 * @lm: local memory
 */
void rsm_localmem_put(struct rsm_localmem *lm)
{
	kref_put(&lm->ref, rsm_localmem_free);
}

/**
 * rsm_localmem_create - RSM_IOC_LOCALMEM_CREATE
 * @rf: descriptor state, not yet bound
 * @uarg: struct rsm_ioc_localmem
 *
 * Return: 0, an RSMERR code, or a negative errno.
 */
int rsm_localmem_create(struct rsm_file *rf, void __user *uarg)
{
	struct rsm_ioc_localmem req;
	struct rsm_localmem *lm;
	int ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (!req.vaddr || !PAGE_ALIGNED(req.vaddr))
		return RSMERR_BAD_ADDR;
	if (!req.len || !PAGE_ALIGNED(req.len))
		return RSMERR_BAD_LENGTH;
	lm = kzalloc(sizeof(*lm), GFP_KERNEL);
	if (!lm)
		return RSMERR_INSUFFICIENT_MEM;
	ret = rsm_pin_range(req.vaddr, req.len, &lm->pages);
	if (ret) {
		kfree(lm);
		return ret;
	}
	kref_init(&lm->ref);
	lm->vaddr = req.vaddr;
	lm->len = req.len;
	lm->npages = req.len >> PAGE_SHIFT;
	mmgrab(current->mm);
	lm->mm = current->mm;
	atomic64_inc(&rsm_localmem_handles);

	if (!rsm_file_bind(rf, RSM_FILE_LOCALMEM, lm)) {
		rsm_localmem_put(lm);
		return RSMERR_BAD_SEG_HNDL;
	}
	return 0;
}
