/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rsm: the Memory Channel region registry's own header, shared by
 * rsm_imc_region.c (the registry and what peers tell it) and
 * rsm_imc_alloc.c (allocating: asking the coordinator).
 */
#ifndef _RSM_IMC_REG_H
#define _RSM_IMC_REG_H

#include "rsm_imc.h"

/* The attributes in a checked ALLOC or REGION message (same names). */
#define RSM_IMC_ATTRS_OF(msg) ({					\
	typeof(msg) m_ = (msg);						\
	(struct rsm_imc_attrs){						\
		.key = le32_to_cpu(m_->key),				\
		.perm = le32_to_cpu(m_->perm),				\
		.size = le64_to_cpu(m_->size),				\
		.flags = le32_to_cpu(m_->flags),			\
		.rail = le32_to_cpu(m_->rail),				\
		.uid = le32_to_cpu(m_->uid),				\
		.gid = le32_to_cpu(m_->gid) };				\
})

struct rsm_imc_lkhome;

/*
 * struct rsm_imc_region - a region of the registry, under rsm_imc_reg_lock
 * @local: allocations on this host
 * @parts: the peers' parts (struct rsm_imc_part)
 * @mem: this host's side of it (rsm_imc_mem.c), made when first needed;
 *	the region holds a reference
 * @lk: a lock set's locks, on its home (rsm_imc_lkhome.c); the region
 *	holds a reference
 */
struct rsm_imc_region {
	struct rsm_imc_attrs	a;
	u32			local;
	struct list_head	parts;
	struct rsm_imc_mem	*mem;
	struct rsm_imc_lkhome	*lk;
};

/*
 * An allocation request, from this host or a peer: for imc_lkalloc(3)
 * with IMC_CREATOR (RSM_IMC_EXCL), the owner that takes lock 0 of the
 * set created: @node, its lock owner id @owner, @pid, and the endpoint
 * @ep_id it asked over (0: this host).
 */
struct rsm_imc_areq {
	struct rsm_imc_attrs	a;		/* uid, gid: the caller's */
	u32			ngroups;
	const __le32		*groups;	/* a peer's; NULL: local */
	u32			node, owner, pid;
	u64			ep_id, boot;
};

/* Lock sets in the registry, cluster-wide (each has up to 1024 locks). */
#define RSM_IMC_MAX_LOCKSETS_ALL	1024

u32 rsm_imc_locksets_list(struct rsm_imc_lockset_info *out, u32 max);
u32 rsm_imc_lockset_homes(u32 *keys, u32 *homes, u32 max);

/* rsm_imc_lkhome.c: a lock set's locks at its home */
struct rsm_imc_lkhome *rsm_imc_lkhome_new(const struct rsm_imc_areq *q);
void rsm_imc_lkhome_gone(struct rsm_imc_lkhome *lk);

/*
 * The registry's locks (rsm_imc_region.c): rsm_imc_reg_lock protects the
 * registry and nests inside a connection's lock (the transport's
 * callbacks take it) and inside rsm_imc_tx_lock, which serializes what
 * this host tells its peers about its parts, so that a stale "present"
 * cannot overtake an "absent".
 */
extern struct mutex rsm_imc_reg_lock;
extern struct mutex rsm_imc_tx_lock;

struct rsm_imc_region *rsm_imc_find_locked(u64 rid);
void rsm_imc_put_if_empty_locked(struct rsm_imc_region *r);
struct rsm_imc_region *rsm_imc_create_locked(const struct rsm_imc_areq *q);
void rsm_imc_snapshot(struct rsm_imc_region *dst,
		      const struct rsm_imc_region *r);
u32 rsm_imc_create_status(const struct rsm_imc_region *r);
u32 rsm_imc_join_check(const struct rsm_imc_region *r,
		       const struct rsm_imc_areq *q);
u32 rsm_imc_decide_locked(const struct rsm_imc_areq *q,
			  struct rsm_imc_region **out);
void rsm_imc_region_msg(struct rsm_msg_imc_region *m, u16 type,
			const struct rsm_imc_region *r, u64 rid);
void rsm_imc_send_region(struct rsm_ep *ep, void *arg);
void rsm_imc_tell_locked(u64 rid, const struct rsm_imc_region *r);
u64 rsm_imc_msg_rid(const void *msg);

#endif /* _RSM_IMC_REG_H */
