/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rsm: Memory Channel lock sets, shared by rsm_imc_lkhome.c (a set's
 * locks at its home) and rsm_imc_lock.c (processes' lock sets and their
 * operations).
 */
#ifndef _RSM_IMC_LOCK_H
#define _RSM_IMC_LOCK_H

#include "rsm_imc.h"

/*
 * struct rsm_imc_lkreq - an operation on a lock, or a lock's owner or
 * waiter: @owner (a lock owner id of host @node, 0: nobody) with @pid,
 * asking over endpoint @ep_id (0: from the home itself) from that host's
 * module instance @boot (its endpoints' peer_boot), as waiter @wait
 * (RSM_IMC_LK_TRY, _WAIT, _CANCEL) of that host.
 */
struct rsm_imc_lkreq {
	u32	node;
	u32	owner;
	u32	pid;
	u32	op;		/* RSM_IMC_LK_* */
	u32	index;
	u64	ep_id;
	u64	boot;
	u64	wait;
};

/* rsm_imc_lkhome.c */
u32 rsm_imc_lkhome_op(u32 key, const struct rsm_imc_lkreq *q);
int rsm_imc_lkhome_holders(u32 key, struct rsm_imc_lk_holder *out, u32 max);

/* rsm_imc_lock.c */
bool rsm_imc_lk_granted(u32 key, u32 index, u64 wait);

#endif /* _RSM_IMC_LOCK_H */
