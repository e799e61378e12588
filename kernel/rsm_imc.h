/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rsm: the Memory Channel API layer of rsm.ko (libimc, imc(3)), the second
 * client of the transport (rsm_tp.h, DESIGN.md decision 16).
 */
#ifndef _RSM_IMC_H
#define _RSM_IMC_H

#include "rsm_tp.h"

/* IMC statuses the kernel returns, negated (IMC_NOTINIT is -14). */
#define RSM_IMC_ST_BADPARM	2
#define RSM_IMC_ST_NOLOCKGOT	5
#define RSM_IMC_ST_BADLOCK	7
#define RSM_IMC_ST_NOTALLOC	11
#define RSM_IMC_ST_LOCKACTIVE	13
#define RSM_IMC_ST_LOCKNOTHELD	23
#define RSM_IMC_ST_LOCKPRIOR	41
#define RSM_IMC_ST_INTR		45
#define RSM_IMC_ST_CORRUPTLOCK	47
#define RSM_IMC_ST_PRIOR	12
#define RSM_IMC_ST_NOTINIT	14
#define RSM_IMC_ST_ATTACHED	4
#define RSM_IMC_ST_RXFULL	6
#define RSM_IMC_ST_SHARERR	8
#define RSM_IMC_ST_NONSHARERR	9
#define RSM_IMC_ST_BADREGION	20
#define RSM_IMC_ST_RECMAPPED	21
#define RSM_IMC_ST_XMITMAPPED	22
#define RSM_IMC_ST_MC_ERROR	24
#define RSM_IMC_ST_TIMEOUT	25
#define RSM_IMC_ST_EINVAL	27
#define RSM_IMC_ST_ESRCH	28
#define RSM_IMC_ST_EPERM	31
#define RSM_IMC_ST_NOROOT	32
#define RSM_IMC_ST_LATEJOIN	37
#define RSM_IMC_ST_LOOPBACKERR	38
#define RSM_IMC_ST_BADHOST	39
#define RSM_IMC_ST_NOMEM	46
#define RSM_IMC_ST_PTPERR	49
#define RSM_IMC_ST_BADRAIL	57

/* rsm_imc_coordinator(): this host */
#define RSM_IMC_SELF		U32_MAX

struct rsm_imc_proc;
struct rsm_imc_tx;

/* What a region is: its creator's choices, which never change. */
struct rsm_imc_attrs {
	u32			key;
	u32			perm;
	u64			size;
	u32			flags;
	u32			rail;
	u32			uid;		/* the owner */
	u32			gid;
	u32			id;		/* imcs(8)'s region id, not 0 */
	u32			home;		/* a lock set's home node */
};

/* A registry index: regions and lock sets have separate keys. */
static inline u64 rsm_imc_rid(u32 key, u32 flags)
{
	return (u64)key | ((u64)!!(flags & RSM_IMC_LOCKSET) << 32);
}

static inline u32 rsm_imc_rid_key(u64 rid)
{
	return (u32)rid;
}

static inline u32 rsm_imc_rid_flags(u64 rid)
{
	return rid >> 32 ? RSM_IMC_LOCKSET : 0;
}

/*
 * struct rsm_imc_mem - this host's side of a region: its receive memory,
 * how it is attached here, and what this host's transmitters know of the
 * receiving peers.  It exists while the region is in this host's registry
 * (the region holds a reference) and while anything here uses it.
 * @lock protects what follows it but @tx_lock; @tx_lock serializes this
 * host's sends of the region (so they go out in order) and nests outside
 * @lock, as @rxup_lock does.  @lock nests inside rsm_imc_reg_lock (rsm_imc_mem_gone()) and
 * outside rsm_imc_regs_lock.
 */
struct rsm_imc_mem {
	struct kref		ref;
	struct rsm_imc_attrs	a;
	unsigned long		npages;
	struct work_struct	free_work;
	/* a receive attach waits for the first one's RXUP round */
	struct mutex		rxup_lock;
	struct mutex		tx_lock;	/* see above */
	/* senders use peers' keys under it (read); RXDOWN takes it (write) */
	struct rw_semaphore	keys_sem;
	struct mutex		lock;		/* see above */
	bool			gone;		/* left the registry */
	struct page		**rx;		/* receive memory, or NULL */
	struct list_head	regs;		/* struct rsm_imc_rxreg */
	struct list_head	dests;		/* struct rsm_imc_dest */
	u32			mode;		/* RSM_IMC_SHARED.., 0: none */
	const void		*owner;		/* of a non-shared attach */
	u32			nrx, ntx;	/* attaches here */
	int			loopback;	/* -1 until a transmit attach */
};

/* rsm_imc.c */
bool rsm_imc_member(void);
u32 rsm_imc_max_alloc_mb(void);
u32 rsm_imc_coordinator(void);
int rsm_imc_init(void);
void rsm_imc_exit(void);
int rsm_imc_ioctl_init(void __user *uarg);
int rsm_imc_ioctl_hostname(void __user *uarg);
int rsm_imc_ioctl_info(void __user *uarg);
int rsm_imc_ioctl_wait(void __user *uarg);

int rsm_imc_call(struct rsm_ep *ep, void *msg, size_t len, unsigned int ms,
		 const char *what,
		 void (*orphan)(struct rsm_ep *ep, struct rsm_rpc *rpc),
		 u32 arg0, u32 arg1, struct rsm_rpc **rpcp);
u32 rsm_imc_max_recv_mb(void);
bool rsm_imc_recovering(void);
bool rsm_imc_lost_for(u32 nodeid, unsigned long t);
bool rsm_imc_lost_recently(u32 except, unsigned long t);
u32 rsm_imc_back_gen(u32 nodeid);
unsigned long rsm_imc_lock_grace(void);
int rsm_imc_host_node(const char *name, u32 *nodeid);
unsigned int rsm_imc_member_peers(u32 *nodes, unsigned int max);

/* rsm_imc_mem.c */
struct page **rsm_imc_pages_alloc(unsigned long n);
void rsm_imc_pages_free(struct page **p, unsigned long n);
struct rsm_imc_mem *rsm_imc_mem_new(const struct rsm_imc_attrs *a);
void rsm_imc_mem_put(struct rsm_imc_mem *m);
void rsm_imc_mem_gone(struct rsm_imc_mem *m);
int rsm_imc_mem_attach(struct rsm_imc_mem *m, const void *owner, u32 dir,
		       u32 mode, u32 flags);
void rsm_imc_mem_detach(struct rsm_imc_mem *m, u32 dir);
int rsm_imc_mem_mmap_rx(struct rsm_imc_mem *m, struct vm_area_struct *vma);
void rsm_imc_mem_loopback(struct rsm_imc_mem *m, struct page **src,
			  u64 off, u64 len);
void rsm_imc_rx_serve(struct rsm_ep *ep, const void *msg);
void rsm_imc_rx_ep_gone(struct rsm_ep *ep);
void rsm_imc_mem_counters(struct rsm_imc_counters *c);
void rsm_imc_mem_exit(void);

/* rsm_imc_tx.c */
struct rsm_imc_tx *rsm_imc_tx_new(struct rsm_imc_mem *m, u32 ptp_node);
void rsm_imc_tx_free(struct rsm_imc_tx *tx);
int rsm_imc_tx_mmap(struct rsm_imc_tx *tx, struct vm_area_struct *vma);
int rsm_imc_tx_send(struct rsm_imc_tx *tx, u64 off, u64 len, bool all);
u32 rsm_imc_tx_rail(const struct rsm_imc_tx *tx);
void rsm_imc_dests_rxup(struct rsm_ep *ep, u32 key);
void rsm_imc_dests_rxdown(struct rsm_ep *ep, u32 key);
void rsm_imc_dests_free(struct rsm_imc_mem *m);
void rsm_imc_tx_counters(struct rsm_imc_counters *c);
void rsm_imc_tx_exit(void);

int rsm_imc_ask_keys(struct rsm_ep *ep, u32 key, u32 first, u32 flags,
		     struct rsm_rpc **rpcp);
struct rsm_msg_imc_rxkeys_reply;
bool rsm_imc_keys_ok(const struct rsm_imc_mem *m,
		     const struct rsm_msg_imc_rxkeys_reply *rep,
		     u32 first, u32 nchunks, u32 cshift);

/* rsm_imc_lock.c */
struct rsm_imc_lkproc;
struct rsm_imc_lkproc *rsm_imc_lkproc_new(void);
void rsm_imc_lkproc_release(struct rsm_imc_lkproc *lp);
int rsm_imc_ioctl_lkalloc(struct rsm_imc_proc *pr, void __user *uarg);
int rsm_imc_ioctl_lkop(struct rsm_imc_proc *pr, unsigned int cmd,
		       void __user *uarg);
int rsm_imc_ioctl_locksets(void __user *uarg);
void rsm_imc_lkgrant_serve(struct rsm_ep *ep, const void *msg);
void rsm_imc_lk_ep_gone(u64 ep_id);
void rsm_imc_lkhome_ep_gone(u32 node, u64 ep_id);
void rsm_imc_lkop_serve(struct rsm_ep *ep, const void *msg);
void rsm_imc_lkhome_loop_gone(struct rsm_loop *lp);
void rsm_imc_lkhome_exit(void);
void rsm_imc_lkkeys_serve(struct rsm_ep *ep, const void *msg);
void rsm_imc_lkdown_serve(struct rsm_ep *ep, const void *msg);
u64 rsm_imc_lk_word_ops(void);
void rsm_imc_lkw_ep_gone(struct rsm_ep *ep);
void rsm_imc_lkw_exit(void);
void rsm_imc_lk_exit(void);
int rsm_imc_lkmsg_init(void);
void rsm_imc_lkmsg_exit(void);
void rsm_imc_lk_drop_there(struct rsm_ep *ep, u32 key, u32 owner);

/* rsm_imc_lkquorum.c, rsm_imc_lkadopt.c */
void rsm_imc_lka_kick(void);
bool rsm_imc_lka_quorum_ok(void);
void rsm_imc_lkadopt_serve(struct rsm_ep *ep, const void *msg);
void rsm_imc_lkq_exit(void);

/* rsm_imc_kill.c */
int rsm_imc_ioctl_kill(void __user *uarg);
void rsm_imc_kill_serve(struct rsm_ep *ep, const void *msg);

/* rsm_imc_snap.c */
int rsm_imc_rx_copy(struct rsm_imc_mem *m, struct page **rx);
void rsm_imc_snap_fence(void);

/* rsm_imc_errcnt.c */
s32 rsm_imc_errcnt(u32 rail);
void rsm_imc_errcnt_bump(u32 rail);
void rsm_imc_errcnt_serve(struct rsm_ep *ep, const void *msg);
void rsm_imc_errcnt_announce(void);
u32 rsm_imc_err_epoch(void);
void rsm_imc_epoch_next(void);
void rsm_imc_errcnt_exit(void);

/* rsm_imc_proc.c */
struct rsm_imc_proc *rsm_imc_proc_new(void);
void rsm_imc_proc_release(struct rsm_imc_proc *pr);
int rsm_imc_ioctl_asalloc(struct rsm_imc_proc *pr, void __user *uarg);
int rsm_imc_ioctl_asdealloc(struct rsm_imc_proc *pr, void __user *uarg);
int rsm_imc_ioctl_asattach(struct rsm_imc_proc *pr, void __user *uarg);
int rsm_imc_ioctl_asdetach(struct rsm_imc_proc *pr, void __user *uarg);
int rsm_imc_ioctl_put(struct rsm_imc_proc *pr, void __user *uarg);
int rsm_imc_ioctl_flush(struct rsm_imc_proc *pr, void __user *uarg);
int rsm_imc_ioctl_errcnt(struct rsm_imc_proc *pr, void __user *uarg);
int rsm_imc_proc_mmap(struct rsm_imc_proc *pr, struct vm_area_struct *vma);
struct rsm_imc_lkproc *rsm_imc_proc_locks(struct rsm_imc_proc *pr);
int rsm_imc_proc_flush(struct rsm_imc_proc *pr);

/* rsm_imc_region.c */
void rsm_imc_regions_announce(void);
void rsm_imc_region_serve(struct rsm_ep *ep, const void *msg);
unsigned int rsm_imc_region_queue(const void *msg);
enum rsm_tp_merge rsm_imc_region_merge(void *queued, const void *msg);
void rsm_imc_regions_ep_gone(u64 ep_id);
int rsm_imc_ioctl_regions(void __user *uarg);
u32 rsm_imc_region_count(void);
int rsm_imc_alloc(const struct rsm_imc_attrs *a, u32 owner,
		  struct rsm_imc_attrs *out, u64 *via);
/* rsm_imc_mem_get(): what to do when the region has no memory object yet */
enum rsm_imc_get {
	RSM_IMC_FIND,		/* nothing */
	RSM_IMC_IF_COHERENT,	/* make one if the region is coherent */
	RSM_IMC_MAKE,		/* make one */
};

struct rsm_imc_mem *rsm_imc_mem_get(u32 key, enum rsm_imc_get how);
struct rsm_imc_mem *rsm_imc_mem_get_known(u32 key, enum rsm_imc_get how,
					  bool *known);
void rsm_imc_drop(u64 rid);
void rsm_imc_regions_exit(void);

#endif /* _RSM_IMC_H */
