// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsm: the cluster-wide registry of Memory Channel regions - keys, their
 * attributes, which hosts have allocators, and the allocation quota
 * (imc_asalloc(3), imc_asdealloc(3), imcs -r).
 *
 * Every host tells every peer in which regions it has allocators
 * (RSM_MSG_IMC_REGION, on a change and when a connection comes up), so
 * every host holds the whole registry: the union of the hosts' parts.  A
 * region lives while any host that is still connected has allocators of
 * it; a host that goes away takes its parts with it.  Only creating a
 * region, or joining one from a host without allocators of it, asks the
 * coordinator, the member with the lowest node id (RSM_MSG_IMC_ALLOC): it
 * decides one request at a time from its copy of the registry, so two
 * hosts cannot create one key differently, and it holds the quota.  When
 * the coordinator goes, the next lowest member has the same registry.
 */
#include <linux/slab.h>
#include <linux/random.h>
#include <linux/uaccess.h>
#include <linux/cred.h>
#include <linux/hash.h>

#include "rsm_imc_reg.h"

#define RSM_IMC_MAX_REGIONS	65536	/* in the registry, cluster-wide */
#define RSM_IMC_NODE_PARTS	16384	/* regions one peer may have parts in */

/* A peer's part in a region: it has allocators (told over @ep_id). */
struct rsm_imc_part {
	struct list_head	list;
	u32			nodeid;
	u64			ep_id;
};

/*
 * The registry.  rsm_imc_reg_lock nests inside a connection's lock (the
 * transport's callbacks take it) and inside rsm_imc_tx_lock, which
 * serializes what this host tells its peers about its parts, so that a
 * stale "present" cannot overtake an "absent".
 */
DEFINE_MUTEX(rsm_imc_reg_lock);
static DEFINE_XARRAY(rsm_imc_regions);		/* key -> region */
static unsigned int rsm_imc_nregions;		/* lock sets included */
static unsigned int rsm_imc_nlocksets;
static u64 rsm_imc_allocated;			/* bytes, all regions */
/* the last region id this host made: node id << 20 | sequence number */
#define RSM_IMC_ID_SEQ	0xfffffU
static u32 rsm_imc_seq;
/* parts each peer node holds: no node fills the registry alone */
static unsigned int rsm_imc_node_parts[RSM_WIRE_NODES];
DEFINE_MUTEX(rsm_imc_tx_lock);	/* see rsm_imc_reg.h */

/**
 * rsm_imc_find_locked - a region or lock set of the registry
 * @rid: its key and kind (rsm_imc_rid())
 *
 * Return: the region, or NULL.
 */
struct rsm_imc_region *rsm_imc_find_locked(u64 rid)
{
	lockdep_assert_held(&rsm_imc_reg_lock);
	return xa_load(&rsm_imc_regions, rid);
}

/**
 * rsm_imc_put_if_empty_locked - drop a region nobody allocates any more
 * @r: the region; freed if neither this host nor a peer has allocators
 */
void rsm_imc_put_if_empty_locked(struct rsm_imc_region *r)
{
	if (r->local || !list_empty(&r->parts))
		return;
	xa_erase(&rsm_imc_regions, rsm_imc_rid(r->a.key, r->a.flags));
	rsm_imc_nregions--;
	if (r->a.flags & RSM_IMC_LOCKSET)
		rsm_imc_nlocksets--;
	else
		rsm_imc_allocated -= r->a.size;
	if (r->mem)
		rsm_imc_mem_gone(r->mem);
	if (r->lk)
		rsm_imc_lkhome_gone(r->lk);
	kfree(r);
}

/**
 * rsm_imc_mem_get_known - this host's side of a region in the registry
 * @key: the region
 * @how: whether to make it when there is none yet
 * @known: out: whether the region is in the registry (or NULL)
 *
 * Return: a reference to it, or NULL (not in the registry, not made, or
 * no memory).
 */
struct rsm_imc_mem *rsm_imc_mem_get_known(u32 key, enum rsm_imc_get how,
					  bool *known)
{
	struct rsm_imc_region *r;
	struct rsm_imc_mem *m = NULL;

	mutex_lock(&rsm_imc_reg_lock);
	r = rsm_imc_find_locked(key);
	if (known)
		*known = r;
	if (r && !r->mem &&
	    (how == RSM_IMC_MAKE ||
	     (how == RSM_IMC_IF_COHERENT && (r->a.flags & RSM_IMC_COHERENT))))
		r->mem = rsm_imc_mem_new(&r->a);
	if (r && r->mem) {
		m = r->mem;
		kref_get(&m->ref);
	}
	mutex_unlock(&rsm_imc_reg_lock);
	return m;
}

/**
 * rsm_imc_mem_get - rsm_imc_mem_get_known() without asking
 * @key: the region
 * @how: whether to make it when there is none yet
 *
 * Return: as rsm_imc_mem_get_known().
 */
struct rsm_imc_mem *rsm_imc_mem_get(u32 key, enum rsm_imc_get how)
{
	return rsm_imc_mem_get_known(key, how, NULL);
}

/**
 * rsm_imc_create_locked - enter a new region in the registry
 * @q: its attributes
 *
 * Return: the new region, ERR_PTR(-ENOSPC) when the registry is full, or
 * ERR_PTR(-ENOMEM).
 */
struct rsm_imc_region *rsm_imc_create_locked(const struct rsm_imc_areq *q)
{
	struct rsm_imc_region *r;

	if (rsm_imc_nregions >= RSM_IMC_MAX_REGIONS ||
	    ((q->a.flags & RSM_IMC_LOCKSET) &&
	     rsm_imc_nlocksets >= RSM_IMC_MAX_LOCKSETS_ALL))
		return ERR_PTR(-ENOSPC);
	r = kzalloc(sizeof(*r), GFP_KERNEL_ACCOUNT);
	if (!r)
		return ERR_PTR(-ENOMEM);
	r->a = q->a;
	r->a.flags &= ~RSM_IMC_EXCL;
	/* created here: unique by this node's id and a sequence number */
	if (!r->a.id) {
		/* from a random start: a reloaded module reuses no id soon */
		if (!rsm_imc_seq)
			rsm_imc_seq = get_random_u32() & RSM_IMC_ID_SEQ;
		rsm_imc_seq = (rsm_imc_seq + 1) & RSM_IMC_ID_SEQ;
		if (!rsm_imc_seq)
			rsm_imc_seq = 1;
		r->a.id = (READ_ONCE(rsm_cluster.local_nodeid) & 0xfff) << 20 |
			  rsm_imc_seq;
	}
	INIT_LIST_HEAD(&r->parts);
	if (xa_insert(&rsm_imc_regions, rsm_imc_rid(r->a.key, r->a.flags), r,
		      GFP_KERNEL_ACCOUNT)) {
		kfree(r);
		return ERR_PTR(-ENOMEM);
	}
	rsm_imc_nregions++;
	if (r->a.flags & RSM_IMC_LOCKSET)
		rsm_imc_nlocksets++;
	else
		rsm_imc_allocated += r->a.size;
	return r;
}

/**
 * rsm_imc_snapshot - a copy of a region's attributes, to tell peers
 * without the registry's lock
 * @dst: the copy (no parts)
 * @r: the region
 */
void rsm_imc_snapshot(struct rsm_imc_region *dst,
		      const struct rsm_imc_region *r)
{
	*dst = *r;
	INIT_LIST_HEAD(&dst->parts);
	dst->mem = NULL;
	dst->lk = NULL;
}

/**
 * rsm_imc_decide_locked - the coordinator's decision: join @q's key or
 * create it
 * @q: the request
 * @out: on success the region (created if new)
 *
 * Return: 0 or an RSM_IMC_ST_* refusal.
 */
u32 rsm_imc_decide_locked(const struct rsm_imc_areq *q,
			  struct rsm_imc_region **out)
{
	struct rsm_imc_region *r;
	bool lockset = q->a.flags & RSM_IMC_LOCKSET;
	struct rsm_imc_areq d = *q;
	u32 st;

	lockdep_assert_held(&rsm_imc_reg_lock);
	r = rsm_imc_find_locked(rsm_imc_rid(q->a.key, q->a.flags));
	*out = NULL;
	if (r) {
		st = rsm_imc_join_check(r, q);
		if (!st)
			*out = r;
		return st;
	}
	if (!lockset &&
	    rsm_imc_allocated + q->a.size > (u64)rsm_imc_max_alloc_mb() << 20)
		return RSM_IMC_ST_MCFULL;
	/* a lock set's home is the coordinator that creates it: here */
	if (lockset)
		d.a.home = READ_ONCE(rsm_cluster.local_nodeid);
	r = rsm_imc_create_locked(&d);
	if (IS_ERR(r))
		return rsm_imc_create_status(r);
	if (lockset) {
		r->lk = rsm_imc_lkhome_new(q);
		if (!r->lk) {
			rsm_imc_put_if_empty_locked(r);
			return RSM_IMC_ST_NOMEM;
		}
	}
	*out = r;
	return 0;
}

/* Drop every part told over @ep_id from @r. */
static void rsm_imc_drop_parts_locked(struct rsm_imc_region *r, u64 ep_id)
{
	struct rsm_imc_part *p, *tmp;

	list_for_each_entry_safe(p, tmp, &r->parts, list) {
		if (p->ep_id != ep_id)
			continue;
		rsm_imc_node_parts[p->nodeid]--;
		list_del(&p->list);
		kfree(p);
	}
}

/* Consumes @fresh.  Return: false when node @nodeid has too many parts. */
static bool rsm_imc_add_part_locked(struct rsm_imc_region *r, u32 nodeid,
				    u64 ep_id, struct rsm_imc_part *fresh)
{
	struct rsm_imc_part *p;

	list_for_each_entry(p, &r->parts, list)
		if (p->ep_id == ep_id) {
			kfree(fresh);
			return true;
		}
	if (rsm_imc_node_parts[nodeid] >= RSM_IMC_NODE_PARTS) {
		kfree(fresh);
		return false;
	}
	rsm_imc_node_parts[nodeid]++;
	fresh->nodeid = nodeid;
	fresh->ep_id = ep_id;
	list_add_tail(&fresh->list, &r->parts);
	return true;
}

/**
 * rsm_imc_region_msg - a message describing a region or lock set
 * @m: the message
 * @type: RSM_MSG_IMC_REGION or RSM_MSG_IMC_ALLOC_REPLY
 * @r: the region, or NULL for one with nothing but its key
 * @rid: its key and kind
 */
void rsm_imc_region_msg(struct rsm_msg_imc_region *m, u16 type,
			const struct rsm_imc_region *r, u64 rid)
{
	memset(m, 0, sizeof(*m));
	m->hdr.type = cpu_to_le16(type);
	m->hdr.len = cpu_to_le32(sizeof(*m));
	m->key = cpu_to_le32(rsm_imc_rid_key(rid));
	m->flags = cpu_to_le32(rsm_imc_rid_flags(rid));
	if (!r)
		return;
	if (r->a.flags & RSM_IMC_LOCKSET)
		m->home = cpu_to_le32(r->a.home + 1);
	m->perm = cpu_to_le32(r->a.perm);
	m->size = cpu_to_le64(r->a.size);
	m->flags = cpu_to_le32(r->a.flags);
	m->rail = cpu_to_le32(r->a.rail);
	m->uid = cpu_to_le32(r->a.uid);
	m->gid = cpu_to_le32(r->a.gid);
	m->id = cpu_to_le32(r->a.id);
}

/**
 * rsm_imc_send_region - send a region message to one peer
 * @ep: the peer's endpoint
 * @arg: the struct rsm_msg_imc_region
 */
void rsm_imc_send_region(struct rsm_ep *ep, void *arg)
{
	int ret = rsm_msg_send_wait(ep, arg, sizeof(struct rsm_msg_imc_region));

	/* a peer that missed it hears everything again when it reconnects */
	if (ret && ret != -ENOTCONN)
		rsm_conn_fail(ep, "cannot tell a region's state");
}

/**
 * rsm_imc_tell_locked - tell every peer whether this host has allocators
 * of a region
 * @rid: the region's key and kind
 * @r: a snapshot of it, or NULL for "none here"
 */
void rsm_imc_tell_locked(u64 rid, const struct rsm_imc_region *r)
{
	struct rsm_msg_imc_region m;

	lockdep_assert_held(&rsm_imc_tx_lock);
	rsm_imc_region_msg(&m, RSM_MSG_IMC_REGION, r, rid);
	m.present = cpu_to_le32(!!r);
	if (rsm_cluster_each_active(rsm_imc_send_region, &m))
		rsm_warn_rl("imc: out of memory telling peers about key %u\n",
			    rsm_imc_rid_key(rid));
}

/**
 * rsm_imc_regions_announce - tell every peer this host's parts
 *
 * When a connection comes up (rsm_imc.c's announce work).  Walks the
 * registry in key order, one region at a time, so that it needs no memory.
 */
void rsm_imc_regions_announce(void)
{
	struct rsm_imc_region *r, copy;
	unsigned long key = 0;

	mutex_lock(&rsm_imc_tx_lock);
	for (;;) {
		bool found = false;

		mutex_lock(&rsm_imc_reg_lock);
		xa_for_each_start(&rsm_imc_regions, key, r, key) {
			if (r->local) {
				rsm_imc_snapshot(&copy, r);
				found = true;
				break;
			}
		}
		mutex_unlock(&rsm_imc_reg_lock);
		if (!found)
			break;
		rsm_imc_tell_locked(rsm_imc_rid(copy.a.key, copy.a.flags),
				    &copy);
		if (key == ULONG_MAX)
			break;
		key++;
	}
	mutex_unlock(&rsm_imc_tx_lock);
}

/* A peer asks us, the coordinator, for a key; checked by rsm_wire. */
static void rsm_imc_handle_alloc(struct rsm_ep *ep,
				 const struct rsm_msg_imc_alloc *m)
{
	struct rsm_imc_areq q = {
		.a = RSM_IMC_ATTRS_OF(m), .ngroups = le32_to_cpu(m->ngroups),
		.groups = m->groups, .node = ep->conn->nodeid,
		.owner = le32_to_cpu(m->owner), .pid = le32_to_cpu(m->pid),
		.ep_id = ep->id, .boot = ep->peer_boot,
	};
	struct rsm_imc_part *fresh = kzalloc(sizeof(*fresh), GFP_KERNEL_ACCOUNT);
	struct rsm_conn *conn = ep->conn;
	struct rsm_msg_imc_region ans;
	struct rsm_imc_region *r = NULL;
	u32 st;

	if (!fresh) {
		rsm_conn_fail(ep, "out of memory for an allocation");
		return;
	}
	/* root elsewhere is nobody here unless rsm.conf trusts it */
	if ((!q.a.uid || !q.a.gid) && !READ_ONCE(rsm_cluster.remote_root)) {
		q.a.uid = q.a.uid ?: 65534;
		q.a.gid = q.a.gid ?: 65534;
	}
	/*
	 * Only the usable endpoint speaks for the peer: what comes over one
	 * after conn_down() would otherwise outlive it.
	 */
	mutex_lock(&conn->lock);
	if (!rsm_ep_usable_locked(conn, ep)) {
		/* its request fails with the endpoint */
		mutex_unlock(&conn->lock);
		kfree(fresh);
		return;
	}
	mutex_lock(&rsm_imc_reg_lock);
	st = rsm_imc_decide_locked(&q, &r);
	/* the requester's part until it says otherwise */
	if (!st && !rsm_imc_add_part_locked(r, conn->nodeid, ep->id, fresh))
		st = RSM_IMC_ST_MCFULL;
	else if (!st)
		fresh = NULL;
	if (st && r)
		rsm_imc_put_if_empty_locked(r);
	rsm_imc_region_msg(&ans, RSM_MSG_IMC_ALLOC_REPLY, st ? NULL : r,
			   rsm_imc_rid(q.a.key, q.a.flags));
	mutex_unlock(&rsm_imc_reg_lock);
	mutex_unlock(&conn->lock);
	kfree(fresh);
	ans.xid = m->xid;
	ans.status = cpu_to_le32(st);
	if (rsm_msg_send_wait(ep, &ans, sizeof(ans)))
		rsm_conn_fail(ep, "cannot answer an allocation");
}

/* A peer has allocators of a region, or no longer has. */
static void rsm_imc_handle_region(struct rsm_ep *ep,
				  const struct rsm_msg_imc_region *m)
{
	struct rsm_imc_areq q = { .a = RSM_IMC_ATTRS_OF(m) };
	struct rsm_imc_part *fresh = NULL;
	struct rsm_conn *conn = ep->conn;
	struct rsm_imc_region *r;
	const char *bad = NULL;

	if (m->present) {
		fresh = kzalloc(sizeof(*fresh), GFP_KERNEL_ACCOUNT);
		if (!fresh) {
			rsm_conn_fail(ep, "out of memory for a region");
			return;
		}
	}
	mutex_lock(&conn->lock);
	if (!rsm_ep_usable_locked(conn, ep)) {
		mutex_unlock(&conn->lock);
		kfree(fresh);
		return;
	}
	q.a.id = le32_to_cpu(m->id);
	q.a.home = le32_to_cpu(m->home) - 1;	/* regions: unused */
	mutex_lock(&rsm_imc_reg_lock);
	r = rsm_imc_find_locked(rsm_imc_rid(q.a.key, q.a.flags));
	if (!m->present) {
		if (r) {
			rsm_imc_drop_parts_locked(r, ep->id);
			rsm_imc_put_if_empty_locked(r);
		}
	} else {
		if (!r)
			r = rsm_imc_create_locked(&q);
		if (IS_ERR(r)) {
			kfree(fresh);
			bad = "more regions than a cluster may have";
		} else if (!rsm_imc_add_part_locked(r, conn->nodeid, ep->id,
						    fresh)) {
			bad = "more regions than one node may have";
			rsm_imc_put_if_empty_locked(r);
		} else if (r->a.size != q.a.size || r->a.flags != q.a.flags ||
			   r->a.rail != q.a.rail || r->a.id != q.a.id ||
			   ((r->a.flags & RSM_IMC_LOCKSET) &&
			    r->a.home != q.a.home)) {
			rsm_warn_rl("imc: node %u describes key %u otherwise than this host\n",
				    conn->nodeid, q.a.key);
		}
	}
	mutex_unlock(&rsm_imc_reg_lock);
	mutex_unlock(&conn->lock);
	if (bad) {
		atomic64_inc(&rsm_cluster.bad_msgs);
		rsm_conn_fail(ep, bad);
	}
}

/**
 * rsm_imc_msg_rid - the key and kind a request about a key names
 * @msg: a checked request of the Memory Channel layer about a key
 *
 * Return: its rsm_imc_rid().
 */
u64 rsm_imc_msg_rid(const void *msg)
{
	const struct rsm_msg_imc_alloc *a = msg;
	const struct rsm_msg_imc_region *g = msg;
	const struct rsm_msg_hdr *hdr = msg;

	switch (le16_to_cpu(hdr->type)) {
	case RSM_MSG_IMC_ALLOC:
		return rsm_imc_rid(le32_to_cpu(a->key), le32_to_cpu(a->flags));
	case RSM_MSG_IMC_REGION:
		return rsm_imc_rid(le32_to_cpu(g->key), le32_to_cpu(g->flags));
	case RSM_MSG_IMC_LKOP:
		return rsm_imc_rid(le32_to_cpu(((const struct rsm_msg_imc_lkop *)
						msg)->key), RSM_IMC_LOCKSET);
	case RSM_MSG_IMC_LKGRANT:
		return rsm_imc_rid(le32_to_cpu(((const struct rsm_msg_imc_lkgrant *)
						msg)->key), RSM_IMC_LOCKSET);
	case RSM_MSG_IMC_LKKEYS:
		return rsm_imc_rid(le32_to_cpu(((const struct rsm_msg_imc_lkkeys *)
						msg)->key), RSM_IMC_LOCKSET);
	case RSM_MSG_IMC_LKDOWN:
		return rsm_imc_rid(le32_to_cpu(((const struct rsm_msg_imc_lkdown *)
						msg)->key), RSM_IMC_LOCKSET);
	case RSM_MSG_IMC_LKADOPT:
		return rsm_imc_rid(le32_to_cpu(((const struct rsm_msg_imc_lkadopt *)
						msg)->key), RSM_IMC_LOCKSET);
	case RSM_MSG_IMC_RXKEYS:
		return le32_to_cpu(((const struct rsm_msg_imc_rxkeys *)msg)->key);
	case RSM_MSG_IMC_RXUP:
	case RSM_MSG_IMC_RXDOWN:
		return le32_to_cpu(((const struct rsm_msg_imc_rxup *)msg)->key);
	default:
		return 0;
	}
}

/**
 * rsm_imc_region_merge - merge a region message into one still queued
 * @queued: a request on the same queue
 * @msg: the new request, RSM_MSG_IMC_ALLOC or RSM_MSG_IMC_REGION
 *
 * Latest wins: a REGION replaces one for the same key still queued, as
 * long as no other request about that key sits between them.
 *
 * Return: as for struct rsm_tp_client's req_merge.
 */
enum rsm_tp_merge rsm_imc_region_merge(void *queued, const void *msg)
{
	struct rsm_msg_imc_region *old = queued;
	const struct rsm_msg_imc_region *m = msg;
	const struct rsm_msg_hdr *qh = queued;

	if (le16_to_cpu(m->hdr.type) != RSM_MSG_IMC_REGION)
		return RSM_TP_MERGE_STOP;
	if (rsm_imc_msg_rid(queued) != rsm_imc_msg_rid(msg))
		return RSM_TP_MERGE_NEXT;
	if (le16_to_cpu(qh->type) != RSM_MSG_IMC_REGION)
		return RSM_TP_MERGE_STOP;
	memcpy(old, m, sizeof(*old));
	return RSM_TP_MERGED;
}

/**
 * rsm_imc_region_serve - a peer's request about regions
 * @ep: endpoint it came on
 * @msg: RSM_MSG_IMC_ALLOC or RSM_MSG_IMC_REGION, checked
 */
void rsm_imc_region_serve(struct rsm_ep *ep, const void *msg)
{
	const struct rsm_msg_hdr *hdr = msg;

	if (le16_to_cpu(hdr->type) == RSM_MSG_IMC_ALLOC)
		rsm_imc_handle_alloc(ep, msg);
	else
		rsm_imc_handle_region(ep, msg);
}

/**
 * rsm_imc_region_queue - the request queue of a message about a key
 * @msg: RSM_MSG_IMC_ALLOC, _REGION, _RXKEYS, _RXUP or _RXDOWN
 *
 * Return: 1 .. RSM_CTL_QUEUES - 1 by key (queue 0 is for hosts' states).
 */
unsigned int rsm_imc_region_queue(const void *msg)
{
	u32 key = rsm_imc_rid_key(rsm_imc_msg_rid(msg));

	return 1 + hash_32(key, 16) % (RSM_CTL_QUEUES - 1);
}

/**
 * rsm_imc_regions_ep_gone - a peer's parts told over @ep_id are void
 * @ep_id: endpoint that left its connection or is destroyed
 */
void rsm_imc_regions_ep_gone(u64 ep_id)
{
	struct rsm_imc_region *r;
	unsigned long key;

	mutex_lock(&rsm_imc_reg_lock);
	xa_for_each(&rsm_imc_regions, key, r) {
		rsm_imc_drop_parts_locked(r, ep_id);
		rsm_imc_put_if_empty_locked(r);
	}
	mutex_unlock(&rsm_imc_reg_lock);
}

/* The node ids of @r's peers with parts, as bits of @hosts[2]. */
static void rsm_imc_parts_mask(const struct rsm_imc_region *r, __u64 *hosts)
{
	const struct rsm_imc_part *p;

	list_for_each_entry(p, &r->parts, list)
		if (p->nodeid < 128)
			hosts[p->nodeid / 64] |= BIT_ULL(p->nodeid % 64);
}

static void rsm_imc_region_info(struct rsm_imc_region_info *o,
				const struct rsm_imc_region *r)
{
	memset(o, 0, sizeof(*o));
	o->key = r->a.key;
	o->perm = r->a.perm;
	o->size = r->a.size;
	o->flags = r->a.flags;
	o->rail = r->a.rail;
	o->uid = r->a.uid;
	o->gid = r->a.gid;
	o->local = r->local;
	o->id = r->a.id;
	if (r->mem) {
		/* a glance for imcs(8): not under the object's lock */
		o->rx_attached = READ_ONCE(r->mem->nrx);
		o->tx_attached = READ_ONCE(r->mem->ntx);
	}
	if (r->local)
		o->self = 1;
	rsm_imc_parts_mask(r, o->hosts);
}

/**
 * rsm_imc_ioctl_regions - RSM_IOC_IMC_REGIONS: the registry
 * @uarg: struct rsm_ioc_imc_regions in user memory
 *
 * Return: 0, or -EFAULT, -EINVAL or -ENOMEM.
 */
int rsm_imc_ioctl_regions(void __user *uarg)
{
	struct rsm_ioc_imc_regions req;
	struct rsm_imc_region_info *out;
	struct rsm_imc_region *r;
	unsigned long key;
	u32 n = 0;
	int ret = 0;

	size_t stride, len;
	u32 i;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	/* callers built before the id and attach counts say 0 */
	stride = req.entry_size ? req.entry_size : RSM_IMC_REGION_INFO_V1;
	if (req.max > RSM_IMC_MAX_REGIONS || req.pad2 ||
	    stride < RSM_IMC_REGION_INFO_V1 || stride > PAGE_SIZE)
		return -EINVAL;
	len = min(stride, sizeof(*out));
	out = kvcalloc(max(req.max, 1U), sizeof(*out), GFP_KERNEL_ACCOUNT);
	if (!out)
		return -ENOMEM;
	mutex_lock(&rsm_imc_reg_lock);
	xa_for_each_range(&rsm_imc_regions, key, r, 0, U32_MAX) {
		if (n < req.max)
			rsm_imc_region_info(&out[n], r);
		n++;
	}
	mutex_unlock(&rsm_imc_reg_lock);
	req.count = n;
	for (i = 0; i < min(n, req.max) && !ret; i++)
		if (copy_to_user(u64_to_user_ptr(req.buf) + i * stride,
				 &out[i], len))
			ret = -EFAULT;
	if (!ret && copy_to_user(uarg, &req, sizeof(req)))
		ret = -EFAULT;
	kvfree(out);
	return ret;
}

/**
 * rsm_imc_locksets_list - the lock sets of the registry (imcs -l)
 * @out: room for @max, filled but for the holders
 * @max: how many
 *
 * Return: how many lock sets there are (may exceed @max).
 */
u32 rsm_imc_locksets_list(struct rsm_imc_lockset_info *out, u32 max)
{
	struct rsm_imc_region *r;
	unsigned long rid;
	u32 n = 0;

	mutex_lock(&rsm_imc_reg_lock);
	xa_for_each_start(&rsm_imc_regions, rid, r, 1UL << 32) {
		struct rsm_imc_lockset_info *o;

		if (n >= max) {
			n++;
			continue;
		}
		o = &out[n++];
		memset(o, 0, sizeof(*o));
		o->key = r->a.key;
		o->id = r->a.id;
		o->count = r->a.size;
		o->perm = r->a.perm;
		o->uid = r->a.uid;
		o->gid = r->a.gid;
		o->home = r->a.home;
		o->local = r->local;
		rsm_imc_parts_mask(r, o->hosts);
	}
	mutex_unlock(&rsm_imc_reg_lock);
	return n;
}

/**
 * rsm_imc_lockset_homes - the lock sets in the registry and their homes
 * @keys: out: their keys
 * @homes: out: their homes
 * @max: room in both
 *
 * Return: how many were stored.
 */
u32 rsm_imc_lockset_homes(u32 *keys, u32 *homes, u32 max)
{
	struct rsm_imc_region *r;
	unsigned long rid;
	u32 n = 0;

	mutex_lock(&rsm_imc_reg_lock);
	xa_for_each_start(&rsm_imc_regions, rid, r, 1UL << 32) {
		if (n >= max)
			break;
		keys[n] = r->a.key;
		homes[n++] = r->a.home;
	}
	mutex_unlock(&rsm_imc_reg_lock);
	return n;
}

/**
 * rsm_imc_region_count - regions in the registry
 *
 * Return: how many.
 */
u32 rsm_imc_region_count(void)
{
	u32 n;

	mutex_lock(&rsm_imc_reg_lock);
	n = rsm_imc_nregions - rsm_imc_nlocksets;
	mutex_unlock(&rsm_imc_reg_lock);
	return n;
}

/**
 * rsm_imc_regions_exit - forget the registry (module exit)
 */
void rsm_imc_regions_exit(void)
{
	struct rsm_imc_region *r;
	struct rsm_imc_part *p, *pt;
	unsigned long key;

	xa_for_each(&rsm_imc_regions, key, r) {
		list_for_each_entry_safe(p, pt, &r->parts, list)
			kfree(p);
		if (r->mem)
			rsm_imc_mem_gone(r->mem);
		if (r->lk)
			rsm_imc_lkhome_gone(r->lk);
		kfree(r);
	}
	xa_destroy(&rsm_imc_regions);
	rsm_imc_nregions = 0;
	rsm_imc_nlocksets = 0;
	rsm_imc_allocated = 0;
	memset(rsm_imc_node_parts, 0, sizeof(rsm_imc_node_parts));
}
