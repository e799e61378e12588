/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rsm: Memory Channel lock sets, shared by rsm_imc_lkhome.c (a set's
 * locks at its home), rsm_imc_lkcli.c (what processes ask the home),
 * rsm_imc_lkmsg.c (requests sent until the home answers) and
 * rsm_imc_lock.c (processes' lock sets and their operations).
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

#define RSM_IMC_LK_MS		5000	/* the home answers at once */

/*
 * struct rsm_imc_lkmsg - a request sent to a set's home until it answers
 * (rsm_imc_lkmsg.c)
 * @list: in the queue, under its lock
 * @q: the request (op, owner, index, wait, pid)
 * @key: the lock set
 * @home: its home, a peer
 * @boot: the home's module instance it is for; 0: any
 * @until: when it is given up
 * @set: the set it is embedded in (holding a reference), or NULL when
 *	allocated on its own
 */
struct rsm_imc_lkmsg {
	struct list_head	list;
	struct rsm_imc_lkreq	q;
	u32			key;
	u32			home;
	u64			boot;
	unsigned long		until;
	struct rsm_imc_plk	*set;
};

/*
 * struct rsm_imc_lkfast - the key of a set's words for one endpoint
 * (rsm_imc_lkfast.c)
 * @ep_id: the endpoint (0: none asked yet)
 * @ok: the home gave one: else its locks go by message on that endpoint
 * @cid: the client id in this host's tags there
 * @rkey: the words' key
 * @until: without one, when to ask again
 */
struct rsm_imc_lkfast {
	u64		ep_id;
	bool		ok;
	u32		cid;
	u32		rkey;
	unsigned long	until;
};

/*
 * struct rsm_imc_plk - a lock set a process allocated
 * @home: the set's home node; it changes when another host adopts the set
 * @home_boot: the home's module instance (its endpoints' peer_boot) when
 *	@held was last set (0: home here)
 * @home_gen: rsm_imc_back_gen() of the home then; @home, @home_boot and
 *	@home_gen change together under @fast_lock
 * @held: the locks the process holds, under the process's lock
 * @dead: deallocated: operations still under way give back what they get
 * @owner: the lock owner id this allocation is (never two alike)
 * @pid: the process that allocated it, for a new home's ledger
 * @drop: its end, for the home (RSM_IMC_LK_DROP), needing no memory then
 * @fast: the key of the words at a remote home, under @fast_lock (a leaf)
 * @fast_sem: held for reading by compare-and-swaps on the words in
 *	flight, for writing by the allocation's end
 * @async_n: releases by word in flight (not waited for), all on endpoint
 *	@async_ep (under @fast_lock while one is added)
 */
struct rsm_imc_plk {
	struct kref		ref;
	u32			owner;
	u32			pid;
	u32			key;
	u32			count;
	u32			home;		/* changes: READ_ONCE() */
	u64			home_boot;
	u32			home_gen;
	DECLARE_BITMAP(held, RSM_IMC_LOCKS_MAX);
	bool			dead;
	struct rsm_imc_lkmsg	drop;
	spinlock_t		fast_lock;	/* see above; a leaf */
	struct rsm_imc_lkfast	fast;
	struct rw_semaphore	fast_sem;
	atomic_t		async_n;
	u64			async_ep;
	struct list_head	fast_all;	/* rsm_imc_lkfast.c's list */
};

/* A lock: its owner (@r.owner 0: free) and its waiters, oldest first. */
struct rsm_imc_lkword {
	struct rsm_imc_lkreq	r;
	struct list_head	waiters;
};

/*
 * struct rsm_imc_lkhome - a lock set's locks at its home
 * @ref: the registry's region holds one; so does every operation
 * @lock: protects everything below it
 * @gone: left the registry: no operation applies any more
 * @rebuilding: adopted here (rsm_imc_lkadopt.c), not every member's
 *	ledger in yet: no lock is taken, every word stays closed
 * @deposed: this host was without a quorum too long: another may have
 *	adopted the set, so it grants nothing more
 * @ad: adopted here: what the adoption remembers (rsm_imc_lkadopt.c)
 * @nwaiters: queued in all its locks
 *
 * A lock whose word is not RSM_IMC_LKW_HOME is decided by its word alone
 * (its @w entry is empty); one whose word is, by its @w entry.
 */
struct rsm_imc_lkhome {
	struct kref		ref;
	struct list_head	all;	/* rsm_imc_lkhomes, under its lock */
	u32			key;
	u32			count;
	struct mutex		lock;	/* see above; inside a conn's lock */
	bool			gone;
	bool			rebuilding;
	bool			deposed;
	struct rsm_imc_lkadopt	*ad;
	unsigned int		nwaiters;
	u16			node_waiters[RSM_WIRE_NODES];
	struct rsm_imc_lkwords	*wd;	/* its words (rsm_imc_lkword.c) */
	struct rsm_imc_lkword	w[];
};

/* rsm_imc_lock.c */
void rsm_imc_plk_put(struct rsm_imc_plk *s);

/* rsm_imc_lkcli.c */
bool rsm_imc_home_here(const struct rsm_imc_plk *s);
struct rsm_ep *rsm_imc_boot_ep(u32 node, u64 boot);
u32 rsm_imc_lk_here(u32 key, const struct rsm_imc_lkreq *q);
int rsm_imc_lk_ask(u32 key, const struct rsm_imc_lkreq *q, struct rsm_ep *ep);
void rsm_imc_lk_cancel(const struct rsm_imc_plk *s,
		       const struct rsm_imc_lkreq *q, u64 boot);
int rsm_imc_lk_try(const struct rsm_imc_plk *s, struct rsm_imc_lkreq *q,
		   u64 *boot);
void rsm_imc_lk_wake_set(const struct rsm_imc_plk *s);
void rsm_imc_lkop_msg(struct rsm_msg_imc_lkop *m, u32 key,
		      const struct rsm_imc_lkreq *q);
bool rsm_imc_lk_granted(u32 key, u32 index, u64 wait);

/* rsm_imc_lkmsg.c */
void rsm_imc_lkmsg_queue(struct rsm_imc_lkmsg *m);
struct rsm_imc_lkmsg *rsm_imc_lkmsg_new(u32 key, const struct rsm_imc_lkreq *q,
					u32 home, u64 boot);
int rsm_imc_lkmsg_send_later(u32 key, const struct rsm_imc_lkreq *q,
			     u32 home, u64 boot);
int rsm_imc_lkmsg_flush(u32 key, u32 owner);
void rsm_imc_lkmsg_rehome(u32 key, u32 home, u64 boot);

/* rsm_imc_lkhome.c */
struct rsm_imc_lkhome *rsm_imc_lkhome_get(u32 key);
void rsm_imc_lkhome_put(struct rsm_imc_lkhome *lk);
u32 rsm_imc_lkhome_op(u32 key, const struct rsm_imc_lkreq *q);
int rsm_imc_lkhome_holders(u32 key, struct rsm_imc_lk_holder *out, u32 max);
unsigned int rsm_imc_lkhome_each(void (*fn)(struct rsm_imc_lkhome *lk,
					    void *arg), void *arg);

/* rsm_imc_lkquorum.c, rsm_imc_lkadopt.c */
bool rsm_imc_lk_shut(const struct rsm_imc_lkhome *lk);
void rsm_imc_lk_close_all(struct rsm_imc_lkhome *lk, void *depose);
void rsm_imc_lk_open_all(struct rsm_imc_lkhome *lk, void *arg);
void rsm_imc_lka_look(void);
void rsm_imc_lka_tomb(struct rsm_imc_lkhome *lk, const struct rsm_imc_lkreq *q);
void rsm_imc_lka_exit(void);

/* rsm_imc_lkfast.c */
void rsm_imc_lk_rehome(u32 key, u32 home, u64 boot, bool gone);
void rsm_imc_lk_ledger(u32 key, u64 cursor,
		       struct rsm_msg_imc_lkadopt_reply *rep);
int rsm_imc_lk_fast(struct rsm_imc_plk *s, u32 index, bool take, u64 *boot,
		    bool *unsure);
void rsm_imc_lk_fast_start(struct rsm_imc_plk *s);
void rsm_imc_lk_settle(struct rsm_imc_plk *s);
void rsm_imc_lk_fast_end(struct rsm_imc_plk *s);

/* rsm_imc_lkword.c, rsm_imc_lkwreg.c: a set's words at its home */
#define RSM_IMC_LKW_CID_HERE	1	/* this host's processes */
#define RSM_IMC_LKW_PER_PAGE	(PAGE_SIZE / sizeof(u64))
#define RSM_IMC_LKW_PAGES	DIV_ROUND_UP(RSM_IMC_LOCKS_MAX, \
					     RSM_IMC_LKW_PER_PAGE)
#define RSM_IMC_LKW_PIDS	128	/* owners' pids a set remembers */
#define RSM_IMC_LKW_ACCESS	(IB_ACCESS_LOCAL_WRITE | \
				 IB_ACCESS_REMOTE_ATOMIC)

/* An owner's pid, for imcs -l (its tags do not say). */
struct rsm_imc_lkpid {
	u32	node;
	u32	owner;
	u32	pid;
};

/*
 * struct rsm_imc_lkwords - a set's words, under the set's lock
 * @loop: the loopback the words are registered in (@loop_set), with a
 *	user reference; once they are, every change goes through it
 * @regs: registrations for peers' endpoints (struct rsm_imc_lkwreg; only
 *	with @loop_set)
 * @broken: the loopback failed: the words cannot be changed any more
 */
struct rsm_imc_lkwords {
	u32			count;
	u32			npages;
	struct page		*pages[RSM_IMC_LKW_PAGES];
	struct rsm_loop		*loop;
	struct rsm_mrset	*loop_set;
	struct list_head	regs;
	bool			broken;
	u32			npids;
	struct rsm_imc_lkpid	pids[RSM_IMC_LKW_PIDS];
};

/* rsm_imc_lkword.c */
u64 rsm_imc_lkw_peek(struct rsm_imc_lkwords *wd, u32 i);
struct rsm_imc_lkwords *rsm_imc_lkw_new(u32 count);
void rsm_imc_lkw_free(struct rsm_imc_lkwords *wd);
int rsm_imc_lkw_close(struct rsm_imc_lkhome *lk, u32 i);
void rsm_imc_lkw_open(struct rsm_imc_lkhome *lk, u32 i);
int rsm_imc_lkw_close_owner(struct rsm_imc_lkhome *lk, u32 node, u32 owner);
void rsm_imc_lkw_close_cid(struct rsm_imc_lkhome *lk, u32 cid);
void rsm_imc_lkw_holder(struct rsm_imc_lkhome *lk, u32 i,
			struct rsm_imc_lkreq *r);
void rsm_imc_lkw_note_pid(struct rsm_imc_lkhome *lk, u32 node, u32 owner,
			  u32 pid);
void rsm_imc_lkw_forget(struct rsm_imc_lkhome *lk, u32 node, u32 owner);
int rsm_imc_lkw_loop_reg(struct rsm_imc_lkhome *lk, struct rsm_loop *loop);
void rsm_imc_lkw_put_loop(struct rsm_imc_lkhome *lk, struct rsm_loop *lp);
int rsm_imc_lkw_local_op(u32 key, u32 owner, u32 pid, u32 index, bool take);

/* rsm_imc_lkwreg.c */
int rsm_imc_lkw_cid_owner(u32 cid, struct rsm_imc_lkreq *r);
void rsm_imc_lkw_gone(struct rsm_imc_lkhome *lk);

#endif /* _RSM_IMC_LOCK_H */
