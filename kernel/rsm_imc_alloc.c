// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsm: allocating a Memory Channel region (imc_asalloc(3),
 * imc_asdealloc(3)): decided here from the registry when this host
 * already has allocators of the key or is the coordinator, else asked of
 * the coordinator (RSM_MSG_IMC_ALLOC) and entered in the registry with
 * what it granted.  Also the requests to peers the Memory Channel layer
 * waits for (rsm_imc_call()), and who may join a region.
 */
#include <linux/slab.h>
#include <linux/cred.h>

#include "rsm_imc_reg.h"

#define RSM_IMC_ALLOC_MS	5000	/* one request to the coordinator */
#define RSM_IMC_ALLOC_TRIES	3	/* coordinators tried in a row */

/**
 * rsm_imc_call - send a request to a peer and wait for its answer
 * @ep: the peer's endpoint
 * @msg: the request (its xid is set here)
 * @len: its length
 * @ms: how long the peer has to answer
 * @what: what went unanswered, for the log, when the connection is failed
 * @orphan: who takes the answer if the caller is killed meanwhile (NULL:
 *	it is dropped); @arg0 and @arg1 are its rpc->orphan_arg
 * @arg0: see @orphan
 * @arg1: see @orphan
 * @rpcp: out: the answer in (*@rpcp)->reply; kfree() it
 *
 * An answer that does not come in time fails the connection: whatever
 * the peer did meanwhile ends with it.
 *
 * Return: 0, -ENOMEM, -EINTR (killed: @orphan has the request),
 * -ETIMEDOUT (the connection was failed) or another error of
 * rsm_rpc_call() (the peer is not usable).
 */
int rsm_imc_call(struct rsm_ep *ep, void *msg, size_t len, unsigned int ms,
		 const char *what,
		 void (*orphan)(struct rsm_ep *ep, struct rsm_rpc *rpc),
		 u32 arg0, u32 arg1, struct rsm_rpc **rpcp)
{
	struct rsm_rpc *rpc = kmalloc(sizeof(*rpc), GFP_KERNEL);
	int ret;

	if (!rpc)
		return -ENOMEM;
	rpc->orphan_arg[0] = arg0;
	rpc->orphan_arg[1] = arg1;
	ret = rsm_rpc_call(ep, rpc, msg, len, ms,
			   orphan ? orphan : rsm_rpc_orphan_free);
	if (ret == -EINTR)
		return ret;	/* the orphan path frees @rpc */
	if (ret == -ETIMEDOUT)
		rsm_conn_fail(ep, what);
	if (ret) {
		kfree(rpc);
		return ret;
	}
	*rpcp = rpc;
	return 0;
}

/**
 * rsm_imc_create_status - the status of a failed rsm_imc_create_locked()
 * @r: its error pointer
 *
 * Return: RSM_IMC_ST_MCFULL or RSM_IMC_ST_NOMEM.
 */
u32 rsm_imc_create_status(const struct rsm_imc_region *r)
{
	return PTR_ERR(r) == -ENOSPC ? RSM_IMC_ST_MCFULL : RSM_IMC_ST_NOMEM;
}

/* May the requester use @r: some permission bit of its class, or root. */
static bool rsm_imc_may(const struct rsm_imc_region *r,
			const struct rsm_imc_areq *q)
{
	u32 i, bits;
	bool group = q->a.gid == r->a.gid;

	if (!q->a.uid)
		return true;
	for (i = 0; i < q->ngroups && !group; i++)
		group = (q->groups ? le32_to_cpu(q->groups[i]) :
			 from_kgid_munged(&init_user_ns,
					  current_cred()->group_info->gid[i])) ==
			r->a.gid;
	if (q->a.uid == r->a.uid)
		bits = r->a.perm >> 6;
	else if (group)
		bits = r->a.perm >> 3;
	else
		bits = r->a.perm;
	return bits & 06;
}

/**
 * rsm_imc_join_check - may a request join a region?
 * @r: the region
 * @q: the request
 *
 * Return: 0 or an RSM_IMC_ST_* refusal.
 */
u32 rsm_imc_join_check(const struct rsm_imc_region *r,
		       const struct rsm_imc_areq *q)
{
	if (r->a.flags & RSM_IMC_LOCKSET) {
		if (q->a.flags & RSM_IMC_EXCL)
			return RSM_IMC_ST_EXISTS;
		if (q->a.size != r->a.size)
			return RSM_IMC_ST_BADSIZE;
		return rsm_imc_may(r, q) ? 0 : RSM_IMC_ST_PERMIT;
	}
	if ((r->a.flags ^ q->a.flags) & RSM_IMC_COHERENT)
		return RSM_IMC_ST_COHERENCY;
	if (r->a.rail != q->a.rail)
		return RSM_IMC_ST_WRONGRAIL;
	if (q->a.size > r->a.size)
		return RSM_IMC_ST_BADSIZE;
	return rsm_imc_may(r, q) ? 0 : RSM_IMC_ST_PERMIT;
}

/*
 * Tell the coordinator (over @ep) that this host does not keep @rid; a
 * lock set's creator @owner (or 0) gives back lock 0 too.
 */
static void rsm_imc_give_back(struct rsm_ep *ep, u64 rid, u32 owner)
{
	struct rsm_msg_imc_region m;
	struct rsm_imc_region *r;
	bool mine;

	if (owner)
		rsm_imc_lk_drop_there(ep, rsm_imc_rid_key(rid), owner);
	mutex_lock(&rsm_imc_tx_lock);
	mutex_lock(&rsm_imc_reg_lock);
	r = rsm_imc_find_locked(rid);
	mine = r && r->local;
	mutex_unlock(&rsm_imc_reg_lock);
	if (!mine) {
		rsm_imc_region_msg(&m, RSM_MSG_IMC_REGION, NULL, rid);
		rsm_imc_send_region(ep, &m);
	}
	mutex_unlock(&rsm_imc_tx_lock);
}

/* orphan_arg[1]: a lock set's bit and its creator's owner id */
#define RSM_IMC_ORPHAN_LOCKSET	BIT(31)

/* Our process was killed waiting: give back what the coordinator granted. */
static void rsm_imc_alloc_orphan(struct rsm_ep *ep, struct rsm_rpc *rpc)
{
	const struct rsm_msg_imc_region *ans = (const void *)rpc->reply;
	u32 arg = rpc->orphan_arg[1];

	if (!ans->status)
		rsm_imc_give_back(ep, rsm_imc_rid(rpc->orphan_arg[0],
						  arg & RSM_IMC_ORPHAN_LOCKSET ?
						  RSM_IMC_LOCKSET : 0),
				  arg & ~RSM_IMC_ORPHAN_LOCKSET);
	kfree(rpc);
}

/* Is a grant an answer to @q: the same key, a region @q may join? */
static bool rsm_imc_grant_ok(const struct rsm_imc_areq *q,
			     const struct rsm_msg_imc_region *ans)
{
	struct rsm_imc_attrs g = RSM_IMC_ATTRS_OF(ans);

	if ((g.flags ^ q->a.flags) & RSM_IMC_LOCKSET)
		return false;
	if (g.flags & RSM_IMC_LOCKSET)
		return ans->status || (g.key == q->a.key && g.size == q->a.size);
	return ans->status || (g.key == q->a.key && g.size >= q->a.size &&
			       g.rail == q->a.rail &&
			       !((g.flags ^ q->a.flags) & RSM_IMC_COHERENT));
}

static void rsm_imc_alloc_msg(struct rsm_msg_imc_alloc *m,
			      const struct rsm_imc_areq *q)
{
	const struct group_info *gi = current_cred()->group_info;
	u32 i, n = min_t(u32, gi->ngroups, RSM_WIRE_GROUPS);

	m->hdr.type = cpu_to_le16(RSM_MSG_IMC_ALLOC);
	m->hdr.len = cpu_to_le32(sizeof(*m));
	m->key = cpu_to_le32(q->a.key);
	m->perm = cpu_to_le32(q->a.perm);
	m->size = cpu_to_le64(q->a.size);
	m->flags = cpu_to_le32(q->a.flags);
	m->rail = cpu_to_le32(q->a.rail);
	m->uid = cpu_to_le32(q->a.uid);
	m->gid = cpu_to_le32(q->a.gid);
	for (i = 0; i < n; i++)
		m->groups[i] = cpu_to_le32(from_kgid_munged(&init_user_ns,
							    gi->gid[i]));
	m->ngroups = cpu_to_le32(n);
	m->owner = cpu_to_le32(q->owner);
	m->pid = cpu_to_le32(q->pid);
}

/*
 * Ask coordinator @coord for @q.  Return: 0 with *@ans filled and *@epp
 * the endpoint it came over (with a user reference), -EINTR (killed),
 * -ENOMEM, or -EAGAIN when the coordinator could not answer.
 */
static int rsm_imc_ask(u32 coord, const struct rsm_imc_areq *q,
		       struct rsm_msg_imc_region *ans, struct rsm_ep **epp)
{
	struct rsm_ep *ep = rsm_cluster_active_ep(coord);
	struct rsm_msg_imc_alloc *m;
	struct rsm_rpc *rpc = NULL;
	int ret;

	if (!ep)
		return -EAGAIN;
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	ret = -ENOMEM;
	if (!m)
		goto out;
	rsm_imc_alloc_msg(m, q);
	/* a late grant would count us in: not answered, that peer restarts */
	ret = rsm_imc_call(ep, m, sizeof(*m), RSM_IMC_ALLOC_MS,
			   "allocation request timed out", rsm_imc_alloc_orphan,
			   q->a.key, q->owner | (q->a.flags & RSM_IMC_LOCKSET ?
						 RSM_IMC_ORPHAN_LOCKSET : 0),
			   &rpc);
	if (ret) {
		if (ret != -EINTR && ret != -ENOMEM)
			ret = -EAGAIN;
	} else if (!rsm_imc_grant_ok(q, (const void *)rpc->reply)) {
		atomic64_inc(&rsm_cluster.bad_msgs);
		rsm_conn_fail(ep, "allocation answer for another region");
		ret = -EAGAIN;
	} else {
		memcpy(ans, rpc->reply, sizeof(*ans));
		*epp = ep;
		ep = NULL;
	}
out:
	kfree(rpc);
	kfree(m);
	if (ep)
		rsm_ep_put_user(ep);
	return ret;
}

/*
 * One more local allocation of @q->a.key, whose region the registry has or
 * @ans describes.  *@first: the peers must hear of it (tell them @copy
 * once rsm_imc_reg_lock is dropped).  Return: 0 or RSM_IMC_ST_NOMEM.
 */
static u32 rsm_imc_take_locked(const struct rsm_imc_areq *q,
			       const struct rsm_msg_imc_region *ans,
			       struct rsm_imc_region *copy, bool *first)
{
	struct rsm_imc_region *r;
	struct rsm_imc_areq d = *q;

	lockdep_assert_held(&rsm_imc_tx_lock);
	r = rsm_imc_find_locked(rsm_imc_rid(q->a.key, q->a.flags));
	if (!r && ans) {
		d.a = RSM_IMC_ATTRS_OF(ans);
		d.a.id = le32_to_cpu(ans->id);
		d.a.home = le32_to_cpu(ans->home) - 1;
		r = rsm_imc_create_locked(&d);
		if (IS_ERR(r))
			return rsm_imc_create_status(r);
	}
	if (!r)
		return RSM_IMC_ST_NOMEM;
	*first = !r->local++;
	rsm_imc_snapshot(copy, r);
	return 0;
}

/**
 * rsm_imc_drop - one local allocation of a key fewer; the peers hear of
 * the last one
 * @rid: a key (and kind) this host has allocated
 */
void rsm_imc_drop(u64 rid)
{
	struct rsm_imc_region *r;
	bool last = false;

	mutex_lock(&rsm_imc_tx_lock);
	mutex_lock(&rsm_imc_reg_lock);
	r = rsm_imc_find_locked(rid);
	if (!WARN_ON_ONCE(!r || !r->local)) {
		last = !--r->local;
		rsm_imc_put_if_empty_locked(r);
	}
	mutex_unlock(&rsm_imc_reg_lock);
	if (last)
		rsm_imc_tell_locked(rid, NULL);
	mutex_unlock(&rsm_imc_tx_lock);
}

/**
 * rsm_imc_alloc - one more local allocation of a key, for the calling
 * process: decided here when this host has allocators of it already or
 * is the coordinator, else by the coordinator
 * @a: the key and what the caller asks for; uid and gid its effective ones
 * @owner: RSM_IMC_EXCL: the caller's lock owner id, which takes lock 0
 * @out: the region or lock set's attributes (lock sets: its home)
 * @via: out: the module instance (peer_boot) of the coordinator that
 *	decided, or 0 for this host
 *
 * Return: 0, an RSM_IMC_ST_* status, or -EINTR.
 */
int rsm_imc_alloc(const struct rsm_imc_attrs *a, u32 owner,
		  struct rsm_imc_attrs *out, u64 *via)
{
	const struct rsm_imc_areq areq = {
		.a = *a, .ngroups = current_cred()->group_info->ngroups,
		.node = READ_ONCE(rsm_cluster.local_nodeid),
		.owner = owner, .pid = owner ? task_tgid_nr(current) : 0,
	};
	const struct rsm_imc_areq *q = &areq;
	u64 rid = rsm_imc_rid(a->key, a->flags);
	struct rsm_imc_region *r, copy;
	struct rsm_msg_imc_region ans;
	struct rsm_ep *ep;
	bool first = false;
	int tries, ret;
	u32 st, coord;

	for (tries = 0; tries < RSM_IMC_ALLOC_TRIES; tries++) {
		mutex_lock(&rsm_imc_tx_lock);
		mutex_lock(&rsm_imc_reg_lock);
		r = rsm_imc_find_locked(rid);
		coord = rsm_imc_coordinator();
		if ((r && r->local) || coord == RSM_IMC_SELF) {
			/* decided here, from the registry */
			st = r && r->local ? rsm_imc_join_check(r, q) :
			     rsm_imc_decide_locked(q, &r);
			if (!st)
				st = rsm_imc_take_locked(q, NULL, &copy, &first);
			mutex_unlock(&rsm_imc_reg_lock);
			if (!st && first)
				rsm_imc_tell_locked(rid, &copy);
			mutex_unlock(&rsm_imc_tx_lock);
			if (!st)
				*out = copy.a;
			*via = 0;
			return st;
		}
		mutex_unlock(&rsm_imc_reg_lock);
		mutex_unlock(&rsm_imc_tx_lock);

		ret = rsm_imc_ask(coord, q, &ans, &ep);
		if (ret == -EINTR)
			return ret;
		if (ret == -ENOMEM)
			return RSM_IMC_ST_NOMEM;
		if (ret) {
			/* the coordinator went: wait a little for the next */
			if (schedule_timeout_killable(msecs_to_jiffies(200 << tries)))
				return -EINTR;
			continue;
		}
		st = le32_to_cpu(ans.status);
		if (!st) {
			mutex_lock(&rsm_imc_tx_lock);
			mutex_lock(&rsm_imc_reg_lock);
			st = rsm_imc_take_locked(q, &ans, &copy, &first);
			mutex_unlock(&rsm_imc_reg_lock);
			if (!st && first)
				rsm_imc_tell_locked(rid, &copy);
			mutex_unlock(&rsm_imc_tx_lock);
			if (st)
				rsm_imc_give_back(ep, rid, q->owner);
			else
				*out = copy.a;
			*via = ep->peer_boot;
		}
		rsm_ep_put_user(ep);
		return st;
	}
	return RSM_IMC_ST_TIMEOUT;
}
