// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsm: the importers of this node's segments on other nodes - their
 * registrations, their requests (connect, keys, release, events), and
 * revocation and rebind as they see it.
 *
 * A segment is registered separately for every importing connection (in
 * that connection's own protection domain, so a key works on its QP only)
 * and, within it, for every permission its imports hold (read, write or
 * both), each with exactly that remote access: a node whose imports are
 * all read-only holds no key that allows writes (rsm(7)).  The registration
 * of a permission goes with the last import holding it.
 */
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/log2.h>
#include <linux/scatterlist.h>
#include <linux/cred.h>
#include <linux/sched/signal.h>

#include "rsm_loc.h"

/* How long an importer may take to stop using revoked memory. */
#define RSM_REVOKE_TIMEOUT_MS	5000
/* Registrations per permission class: none, read, write, read and write. */
#define RSM_NCLASS		4
/* Remote uid and gid 0 count as these unless remote root is trusted. */
#define RSM_SQUASH_ID		65534

/*
 * struct rsm_expnode - the importers of a segment reached through one
 * endpoint (one peer node).  On the export's @nodes (under exp->lock) and
 * on the endpoint's list (rsm_seg_objs(), under its lock, and exp->lock
 * to remove).  Everything else is under exp->lock.
 */
struct rsm_expnode {
	struct list_head	exp_list;
	struct list_head	ep_list;
	struct rsm_export	*exp;
	struct rsm_ep		*ep;
	unsigned int		nimports[RSM_NCLASS];
	unsigned int		total;		/* sum of @nimports */
	u32			chunk_shift;
	struct rsm_mrset	*mrs[RSM_NCLASS];
	struct rsm_mrset	*old_mrs[RSM_NCLASS];	/* during rebind */
	struct rsm_rpc		rpc;		/* revoke in flight */
	bool			rpc_sent;
};

/* The class of a wire permission (checked: a subset of 0600). */
static unsigned int rsm_perm_class(u32 perm)
{
	return (perm & 0400 ? 1 : 0) | (perm & 0200 ? 2 : 0);
}

static int rsm_class_access(unsigned int class)
{
	return IB_ACCESS_LOCAL_WRITE |
	       (class & 1 ? IB_ACCESS_REMOTE_READ : 0) |
	       (class & 2 ? IB_ACCESS_REMOTE_WRITE : 0);
}

static struct rsm_expnode *rsm_expnode_find(struct rsm_export *exp,
					    struct rsm_ep *ep)
{
	struct rsm_expnode *en;

	lockdep_assert_held(&exp->lock);
	list_for_each_entry(en, &exp->nodes, exp_list)
		if (en->ep == ep)
			return en;
	return NULL;
}

/* The importers behind @ep get @exp: a node entry, nothing registered yet. */
static int rsm_expnode_create_locked(struct rsm_export *exp,
				     struct rsm_ep *ep,
				     struct rsm_expnode **out)
{
	struct rsm_expnode *en;

	lockdep_assert_held(&exp->lock);
	en = kzalloc(sizeof(*en), GFP_KERNEL_ACCOUNT);
	if (!en)
		return RSMERR_INSUFFICIENT_MEM;
	en->chunk_shift = rsm_mr_chunk_shift(ep);
	if (!en->chunk_shift) {
		kfree(en);
		return RSMERR_INSUFFICIENT_RESOURCES;
	}
	/* set before it is listed: rsm_export_ep_gone() reads @exp */
	en->exp = exp;
	en->ep = ep;
	mutex_lock(&rsm_seg_objs(ep)->lock);
	if (rsm_seg_objs(ep)->dead) {
		mutex_unlock(&rsm_seg_objs(ep)->lock);
		kfree(en);
		return RSMERR_CONN_ABORTED;
	}
	list_add_tail(&en->ep_list, &rsm_seg_objs(ep)->list);
	mutex_unlock(&rsm_seg_objs(ep)->lock);
	list_add_tail(&en->exp_list, &exp->nodes);
	*out = en;
	return 0;
}

/* Forget the importers behind one endpoint; their keys die here. */
static void rsm_expnode_free_locked(struct rsm_expnode *en)
{
	unsigned int c;

	lockdep_assert_held(&en->exp->lock);
	list_del(&en->exp_list);
	rsm_test_dereg_delay();
	for (c = 0; c < RSM_NCLASS; c++) {
		rsm_mrset_destroy(en->old_mrs[c]);
		rsm_mrset_destroy(en->mrs[c]);
	}
	/*
	 * Only now off the endpoint's list: until then the endpoint's
	 * destroy work (rsm_export_ep_gone()) finds us and waits for the
	 * export's lock, so its PD outlives the registrations in it.
	 */
	mutex_lock(&rsm_seg_objs(en->ep)->lock);
	list_del(&en->ep_list);
	mutex_unlock(&rsm_seg_objs(en->ep)->lock);
	atomic64_sub(en->total, &rsm_importers);
	kfree(en);
}

/* One more import of @class behind @en; registers the class if new. */
static int rsm_expnode_add_import_locked(struct rsm_export *exp,
					 struct rsm_expnode *en,
					 unsigned int class)
{
	lockdep_assert_held(&exp->lock);
	if (!en->mrs[class] &&
	    rsm_mrset_create(en->ep, exp->pages, exp->npages, en->chunk_shift,
			     rsm_class_access(class), &en->mrs[class]))
		return RSMERR_INSUFFICIENT_RESOURCES;
	en->nimports[class]++;
	en->total++;
	atomic64_inc(&rsm_importers);
	return 0;
}

/* One import of @class behind @en is gone; its keys go with the last. */
static void rsm_expnode_drop_import_locked(struct rsm_expnode *en,
					   unsigned int class)
{
	en->nimports[class]--;
	en->total--;
	atomic64_dec(&rsm_importers);
	if (!en->nimports[class]) {
		rsm_mrset_destroy(en->mrs[class]);
		en->mrs[class] = NULL;
	}
	if (!en->total)
		rsm_expnode_free_locked(en);
}

/*
 * Tell every importing node to stop using the segment's keys (REVOKE of
 * @kind), and wait until each has answered that no operation of its uses
 * them any more.  A node that does not answer in time loses its
 * connection, which stops its operations just as well.
 */
static void rsm_export_notify_locked(struct rsm_export *exp, u32 kind)
{
	unsigned long deadline, left, now;
	struct rsm_msg_revoke msg;
	struct rsm_expnode *en;
	int ret;

	lockdep_assert_held(&exp->lock);
	list_for_each_entry(en, &exp->nodes, exp_list) {
		memset(&msg, 0, sizeof(msg));
		msg.hdr.type = cpu_to_le16(RSM_MSG_REVOKE);
		msg.segid = cpu_to_le32(exp->segid);
		msg.kind = cpu_to_le32(kind);
		msg.instance = cpu_to_le64(exp->instance);
		msg.bind_gen = cpu_to_le32(exp->bind_gen);
		en->rpc_sent = !rsm_rpc_send(en->ep, &en->rpc, &msg,
					     sizeof(msg));
	}
	/* one deadline for all: silent nodes cost 5 s together, not each */
	deadline = jiffies + msecs_to_jiffies(RSM_REVOKE_TIMEOUT_MS);
	list_for_each_entry(en, &exp->nodes, exp_list) {
		now = jiffies;
		left = time_before(now, deadline) ? deadline - now : 0;
		ret = en->rpc_sent ? rsm_rpc_wait(&en->rpc,
						  jiffies_to_msecs(left)) :
				     -ENOTCONN;
		if (ret)
			rsm_conn_fail(en->ep, "revocation not acknowledged");
	}
}

/**
 * rsm_export_revoke_locked - abort every import of @exp and drop their
 * registrations
 * @exp: export segment, locked
 *
 * When this returns nobody can reach the segment's memory any more.
 */
void rsm_export_revoke_locked(struct rsm_export *exp)
{
	struct rsm_expnode *en, *tmp;
	struct rsm_import *imp;

	lockdep_assert_held(&exp->lock);
	down_write(&exp->io_rwsem);
	list_for_each_entry(imp, &exp->local_imports, list) {
		WRITE_ONCE(imp->aborted, true);
		/* mapped: from now on the scratch page */
		rsm_map_invalidate(imp);
	}
	up_write(&exp->io_rwsem);

	rsm_export_notify_locked(exp, RSM_REVOKE_ABORT);
	list_for_each_entry_safe(en, tmp, &exp->nodes, exp_list)
		rsm_expnode_free_locked(en);
}

/* Register @pages for every class @en holds; false if one failed. */
static bool rsm_expnode_rebind_locked(struct rsm_export *exp,
				      struct rsm_expnode *en,
				      struct page **pages)
{
	struct rsm_mrset *set[RSM_NCLASS] = {};
	unsigned int c;

	for (c = 0; c < RSM_NCLASS; c++) {
		if (!en->mrs[c])
			continue;
		if (rsm_mrset_create(en->ep, pages, exp->npages,
				     en->chunk_shift, rsm_class_access(c),
				     &set[c])) {
			while (c--)
				rsm_mrset_destroy(set[c]);
			return false;
		}
	}
	for (c = 0; c < RSM_NCLASS; c++) {
		en->old_mrs[c] = en->mrs[c];
		en->mrs[c] = set[c];
	}
	return true;
}

/**
 * rsm_export_rebind_locked - switch @exp to freshly pinned pages
 * @exp: export segment, locked
 * @pages: the new pages, pinned; the segment owns them from now on
 * @vaddr: their user address
 *
 * Registers them for every importing node, switches, makes the importers
 * drop the old keys, then releases the old pages.  Importers stay
 * connected.
 */
void rsm_export_rebind_locked(struct rsm_export *exp, struct page **pages,
			      u64 vaddr)
{
	struct rsm_expnode *en, *tmp;
	struct rsm_import *imp;
	struct page **old;
	unsigned int c;

	lockdep_assert_held(&exp->lock);
	list_for_each_entry_safe(en, tmp, &exp->nodes, exp_list) {
		if (!rsm_expnode_rebind_locked(exp, en, pages)) {
			/* its importers lose the connection, hence abort */
			rsm_conn_fail(en->ep, "cannot register rebound pages");
			rsm_expnode_free_locked(en);
		}
	}

	down_write(&exp->io_rwsem);
	old = exp->pages;
	exp->pages = pages;
	exp->vaddr = vaddr;
	exp->bind_gen++;
	/* same-node mappings fault the new pages in */
	list_for_each_entry(imp, &exp->local_imports, list)
		rsm_map_invalidate(imp);
	up_write(&exp->io_rwsem);

	rsm_export_notify_locked(exp, RSM_REVOKE_REBIND);
	list_for_each_entry(en, &exp->nodes, exp_list) {
		for (c = 0; c < RSM_NCLASS; c++) {
			rsm_mrset_destroy(en->old_mrs[c]);
			en->old_mrs[c] = NULL;
		}
	}
	rsm_unpin_pages(exp->mm, old, exp->npages);
}

static void rsm_fill_reply(struct rsm_export *exp, struct rsm_expnode *en,
			   unsigned int class, struct rsm_msg_seg_reply *rep,
			   u32 first)
{
	const struct rsm_mrset *set = en->mrs[class];
	u32 i, n = 0;

	rep->chunk_shift = cpu_to_le32(en->chunk_shift);
	rep->instance = cpu_to_le64(exp->instance);
	rep->size = cpu_to_le64(exp->len);
	rep->nchunks = cpu_to_le32(set->nchunks);
	rep->bind_gen = cpu_to_le32(exp->bind_gen);
	if (first < set->nchunks)
		n = min_t(u32, set->nchunks - first, RSM_WIRE_KEYS);
	for (i = 0; i < n; i++)
		rep->keys[i] = cpu_to_le32(rsm_mrset_key(set, first + i));
	rep->first = cpu_to_le32(first);
	rep->nkeys = cpu_to_le32(n);
}

/* A refusal carries nothing but its status (rsm_wire_check_msg()). */
static void rsm_send_reply(struct rsm_ep *ep, struct rsm_msg_seg_reply *rep,
			   __le64 xid, int status)
{
	if (status || !rep->nkeys) {
		memset(rep, 0, sizeof(*rep));
		if (!status)
			status = RSMERR_CONN_ABORTED;
	}
	rep->hdr.type = cpu_to_le16(RSM_MSG_SEG_REPLY);
	rep->xid = xid;
	rep->status = cpu_to_le32(status);
	rsm_msg_send_wait(ep, rep, sizeof(*rep));
}

/*
 * Who the importer is, as its kernel asserts it (AUTH_SYS-style, rsm(7)):
 * uid, gid and groups, with root squashed and privileges ignored unless
 * this node's configuration trusts remote root.
 */
struct rsm_remote_id {
	kuid_t	uid;
	bool	in_group;
	u32	priv;
};

static kgid_t rsm_remote_gid(u32 gid, bool squash)
{
	return make_kgid(&init_user_ns, squash && !gid ? RSM_SQUASH_ID : gid);
}

static void rsm_remote_id(const struct rsm_msg_import_req *req, kgid_t group,
			  struct rsm_remote_id *id)
{
	bool trust = READ_ONCE(rsm_cluster.remote_root);
	u32 uid = le32_to_cpu(req->uid);
	u32 i, n = le32_to_cpu(req->ngroups);	/* <= RSM_WIRE_GROUPS */

	id->uid = make_kuid(&init_user_ns, !trust && !uid ? RSM_SQUASH_ID : uid);
	id->priv = trust ? le32_to_cpu(req->flags) &
			   (RSM_IMPORT_PRIV_READ | RSM_IMPORT_PRIV_WRITE) : 0;
	id->in_group = gid_eq(rsm_remote_gid(le32_to_cpu(req->gid), !trust),
			      group);
	for (i = 0; i < n && !id->in_group; i++)
		id->in_group = gid_eq(rsm_remote_gid(le32_to_cpu(req->groups[i]),
						     !trust), group);
}

/* Checks and registration of one IMPORT_REQ.  Return: status. */
static int rsm_export_import_locked(struct rsm_export *exp, struct rsm_ep *ep,
				    const struct rsm_msg_import_req *req,
				    struct rsm_msg_seg_reply *rep)
{
	u32 perm = le32_to_cpu(req->perm);
	unsigned int class = rsm_perm_class(perm);
	struct rsm_remote_id id;
	struct rsm_expnode *en;
	int status;

	lockdep_assert_held(&exp->lock);
	/* loopback segments are for this node's importers only */
	if (exp->state != RSM_EXPORT_PUBLISHED ||
	    exp->segid != le32_to_cpu(req->segid) || !exp->ctrl->ibdev)
		return RSMERR_SEG_NOT_PUBLISHED;
	rsm_remote_id(req, exp->gid, &id);
	status = rsm_export_check_access(exp, ep->conn->nodeid, perm, id.uid,
					 id.in_group, id.priv);
	if (status)
		return status;
	en = rsm_expnode_find(exp, ep);
	if (!en) {
		status = rsm_expnode_create_locked(exp, ep, &en);
		if (status)
			return status;
	}
	status = rsm_expnode_add_import_locked(exp, en, class);
	if (status) {
		if (!en->total)
			rsm_expnode_free_locked(en);
		return status;
	}
	rsm_fill_reply(exp, en, class, rep, 0);
	return 0;
}

/**
 * rsm_export_handle_import_req - a node wants to connect to a segment
 * @ep: endpoint the request came on (user reference held)
 * @msg: struct rsm_msg_import_req, checked by rsm_wire_check_msg()
 */
void rsm_export_handle_import_req(struct rsm_ep *ep, const void *msg)
{
	const struct rsm_msg_import_req *req = msg;
	struct rsm_msg_seg_reply rep = {};
	struct rsm_export *exp;
	int status = RSMERR_SEG_NOT_PUBLISHED;

	exp = rsm_export_lookup(le32_to_cpu(req->segid));
	if (exp) {
		mutex_lock(&exp->lock);
		status = rsm_export_import_locked(exp, ep, req, &rep);
		mutex_unlock(&exp->lock);
		rsm_export_put(exp);
	}
	rsm_send_reply(ep, &rep, req->xid, status);
}

/**
 * rsm_export_handle_keys_req - an importer wants (more, or new) keys
 * @ep: endpoint the request came on (user reference held)
 * @msg: struct rsm_msg_keys_req, checked by rsm_wire_check_msg()
 *
 * Only keys of a permission the node holds imports of are handed out.
 */
void rsm_export_handle_keys_req(struct rsm_ep *ep, const void *msg)
{
	const struct rsm_msg_keys_req *req = msg;
	unsigned int class = rsm_perm_class(le32_to_cpu(req->perm));
	u32 segid = le32_to_cpu(req->segid);
	struct rsm_msg_seg_reply rep = {};
	struct rsm_expnode *en;
	struct rsm_export *exp;
	int status = RSMERR_CONN_ABORTED;

	exp = rsm_export_lookup(segid);
	if (!exp)
		goto reply;
	mutex_lock(&exp->lock);
	en = rsm_expnode_find(exp, ep);
	if (exp->state == RSM_EXPORT_PUBLISHED && exp->segid == segid &&
	    exp->instance == le64_to_cpu(req->instance) && en &&
	    en->nimports[class] &&
	    le32_to_cpu(req->first) < en->mrs[class]->nchunks) {
		rsm_fill_reply(exp, en, class, &rep, le32_to_cpu(req->first));
		status = 0;
	}
	mutex_unlock(&exp->lock);
	rsm_export_put(exp);
reply:
	rsm_send_reply(ep, &rep, req->xid, status);
}

/**
 * rsm_export_handle_release - an import on the peer disconnected
 * @ep: endpoint the message came on (user reference held)
 * @msg: struct rsm_msg_release, checked by rsm_wire_check_msg()
 */
void rsm_export_handle_release(struct rsm_ep *ep, const void *msg)
{
	const struct rsm_msg_release *rel = msg;
	unsigned int class = rsm_perm_class(le32_to_cpu(rel->perm));
	u32 segid = le32_to_cpu(rel->segid);
	struct rsm_expnode *en;
	struct rsm_export *exp;

	exp = rsm_export_lookup(segid);
	if (!exp)
		return;
	mutex_lock(&exp->lock);
	en = rsm_expnode_find(exp, ep);
	if (en && exp->instance == le64_to_cpu(rel->instance) &&
	    en->nimports[class])
		rsm_expnode_drop_import_locked(en, class);
	mutex_unlock(&exp->lock);
	rsm_export_put(exp);
}

/**
 * rsm_export_ep_gone - an endpoint is destroyed: drop what it imported
 * @ep: endpoint, QP destroyed and without users
 */
void rsm_export_ep_gone(struct rsm_ep *ep)
{
	struct rsm_expnode *en;
	struct rsm_export *exp;

	for (;;) {
		mutex_lock(&rsm_seg_objs(ep)->lock);
		rsm_seg_objs(ep)->dead = true;
		en = list_first_entry_or_null(&rsm_seg_objs(ep)->list,
					      struct rsm_expnode, ep_list);
		exp = en ? en->exp : NULL;
		/* listed, so its descriptor still holds a reference */
		if (exp)
			kref_get(&exp->ref);
		mutex_unlock(&rsm_seg_objs(ep)->lock);
		if (!exp)
			return;

		mutex_lock(&exp->lock);
		en = rsm_expnode_find(exp, ep);
		if (en)
			rsm_expnode_free_locked(en);
		mutex_unlock(&exp->lock);
		rsm_export_put(exp);
	}
}

/**
 * rsm_export_signal - RSM_IOC_SIGNAL_POST on an export
 * @exp: the segment
 * @flags: RSM_SIGNAL_NO_ACCUMULATE or 0
 *
 * One event to every import of the segment, on this node and on every
 * importing node; nothing when it is not published.  The messages go out
 * after the segment's lock is dropped: a peer slow to take them holds up
 * this call only (up to rsm_msg_send_wait()'s bound each, and not once
 * the caller is killed), never the segment's other users.
 *
 * Return: 0, RSMERR_REMOTE_NODE_UNREACHABLE when a node could not be
 * told (the others are), or RSMERR_INTERRUPTED when the caller was killed
 * before every node was.
 */
int rsm_export_signal(struct rsm_export *exp, u32 flags)
{
	struct rsm_ep **eps = NULL;
	struct rsm_expnode *en;
	struct rsm_import *imp;
	unsigned int n = 0, i;
	u32 segid = 0;
	u64 instance = 0;
	int ret = 0;

	mutex_lock(&exp->lock);
	if (exp->state != RSM_EXPORT_PUBLISHED)
		goto out;
	list_for_each_entry(imp, &exp->local_imports, list)
		if (!READ_ONCE(imp->aborted))
			rsm_event_post(&imp->ev, flags);
	list_for_each_entry(en, &exp->nodes, exp_list)
		n += en->total ? 1 : 0;
	if (!n)
		goto out;
	eps = kmalloc_array(n, sizeof(*eps), GFP_KERNEL);
	if (!eps) {
		ret = RSMERR_REMOTE_NODE_UNREACHABLE;
		goto out;
	}
	n = 0;
	list_for_each_entry(en, &exp->nodes, exp_list) {
		if (!en->total)
			continue;
		/* the endpoint outlives its node entry, under this lock */
		rsm_ep_get_user(en->ep);
		eps[n++] = en->ep;
	}
	segid = exp->segid;
	instance = exp->instance;
out:
	mutex_unlock(&exp->lock);
	for (i = 0; i < n; i++) {
		if (fatal_signal_pending(current))
			ret = RSMERR_INTERRUPTED;
		else if (rsm_signal_send(eps[i], segid, instance, flags, false))
			ret = RSMERR_REMOTE_NODE_UNREACHABLE;
		rsm_ep_put_user(eps[i]);
	}
	kfree(eps);
	return ret;
}

/**
 * rsm_export_handle_signal - an importer posted an event to a segment
 * @ep: endpoint it came on (user reference held)
 * @msg: struct rsm_msg_signal
 * @more: accumulating posts merged into it
 *
 * Events for a publication that is over, or from a node that does not
 * import the segment, are dropped.
 */
void rsm_export_handle_signal(struct rsm_ep *ep, const void *msg, u32 more)
{
	const struct rsm_msg_signal *sig = msg;
	struct rsm_export *exp;

	exp = rsm_export_lookup(le32_to_cpu(sig->segid));
	if (!exp)
		return;
	mutex_lock(&exp->lock);
	if (exp->state == RSM_EXPORT_PUBLISHED &&
	    exp->instance == le64_to_cpu(sig->instance) &&
	    rsm_expnode_find(exp, ep))
		rsm_event_post_more(&exp->ev, le32_to_cpu(sig->flags) &
					      RSM_SIGNAL_NO_ACCUMULATE, more);
	mutex_unlock(&exp->lock);
	rsm_export_put(exp);
}
