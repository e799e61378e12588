// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsm: this host's side of a Memory Channel region - its receive memory,
 * the registrations of that memory for transmitting peers, and how the
 * region is attached here (imc_asattach(3): sharing mode and loopback are
 * per host, fixed by the first attacher).
 *
 * Receive memory is made at the first receive attach here, or for a
 * coherent region when a peer first sends to it, and is zeroed.  It lives
 * as long as the region object, which lives while the region is in this
 * host's registry: a transmitter elsewhere holds an allocation, so it
 * keeps its part in our registry while it may still write, and its writes
 * are complete when it deallocates (imc_asdetach(3) waits for them).
 * Making it, this host tells every peer (RSM_MSG_IMC_RXUP) and waits for
 * their acknowledgment, so that a write that follows the attach reaches
 * it.  Before it deregisters the memory, every peer it registered it for
 * forgets the keys, after its writes with them completed
 * (RSM_MSG_IMC_RXDOWN, acknowledged): a key a peer still holds never
 * meets a dead registration, which would cost the node pair its
 * connection.
 */
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/highmem.h>
#include <linux/delay.h>

#include "rsm_imc.h"

/*
 * A peer acknowledges RXUP, and RXDOWN after its writes in flight, which
 * end by the heartbeat timeout at the latest.
 */
#define RSM_IMC_RXUP_MS		10000

/*
 * struct rsm_imc_rxreg - receive memory registered for one peer; on its
 * region's @regs and on the endpoint's IMC list, both under
 * rsm_imc_regs_lock
 */
struct rsm_imc_rxreg {
	struct list_head	mem_list;
	struct list_head	ep_list;
	struct rsm_ep		*ep;
	u32			cshift;
	struct rsm_mrset	*set;
};

/*
 * rsm_imc_regs_lock serializes making and dropping registrations, so that
 * an endpoint's teardown (rsm_imc_rx_ep_gone()) and a region's end never
 * race for one; it nests outside an endpoint's IMC object lock.
 */
static DEFINE_MUTEX(rsm_imc_regs_lock);
/* receive memory on this host, bytes (imc_init -r) */
static atomic64_t rsm_imc_rx_bytes = ATOMIC64_INIT(0);
/* region objects on this host */
static atomic_t rsm_imc_mem_objs = ATOMIC_INIT(0);

static struct rsm_tp_objs *rsm_imc_objs(struct rsm_ep *ep)
{
	return &ep->objs[RSM_TP_IMC];
}

static void rsm_imc_rxreg_free(struct rsm_imc_rxreg *rr)
{
	lockdep_assert_held(&rsm_imc_regs_lock);
	list_del(&rr->mem_list);
	mutex_lock(&rsm_imc_objs(rr->ep)->lock);
	list_del(&rr->ep_list);
	mutex_unlock(&rsm_imc_objs(rr->ep)->lock);
	rsm_mrset_destroy(rr->set);
	kfree(rr);
}

/**
 * rsm_imc_pages_free - drop pages from rsm_imc_pages_alloc() (a mapping
 * of them keeps its own references)
 * @p: the array, or NULL
 * @n: its length
 */
void rsm_imc_pages_free(struct page **p, unsigned long n)
{
	unsigned long i;

	if (!p)
		return;
	for (i = 0; i < n; i++)
		if (p[i])
			put_page(p[i]);
	kvfree(p);
}

/**
 * rsm_imc_pages_alloc - zeroed pages, charged to the caller's memory cgroup
 * @n: how many
 *
 * Return: an array of @n pages, or NULL (no memory, or a fatal signal).
 */
struct page **rsm_imc_pages_alloc(unsigned long n)
{
	struct page **p = kvcalloc(n, sizeof(*p), GFP_KERNEL_ACCOUNT);
	unsigned long i;

	for (i = 0; p && i < n; i++) {
		/* an OOM-killed task's charges are forced: stop at once */
		p[i] = fatal_signal_pending(current) ? NULL :
		       alloc_page(GFP_HIGHUSER | __GFP_ZERO | __GFP_ACCOUNT);
		if (!p[i]) {
			rsm_imc_pages_free(p, n);
			return NULL;
		}
		cond_resched();
	}
	return p;
}

/* Give back receive memory @rx of @m (NULL: none) and its charge. */
static void rsm_imc_rx_unalloc(struct rsm_imc_mem *m, struct page **rx)
{
	if (!rx)
		return;
	rsm_imc_pages_free(rx, m->npages);
	atomic64_sub(m->a.size, &rsm_imc_rx_bytes);
}

/* Tell @ep's peer about receive memory of @key, and wait for its answer. */
static void rsm_imc_send_rxmsg(struct rsm_ep *ep, u32 key, u16 type)
{
	struct rsm_msg_imc_rxup m = {
		.hdr.type = cpu_to_le16(type),
		.hdr.len = cpu_to_le32(sizeof(m)),
		.key = cpu_to_le32(key),
	};
	struct rsm_rpc *rpc;
	int ret;

	ret = rsm_imc_call(ep, &m, sizeof(m), RSM_IMC_RXUP_MS,
			   "receive memory change not acknowledged", NULL, 0,
			   0, &rpc);
	if (!ret)
		kfree(rpc);
	/* a peer that cannot hear it starts afresh: keys die with its QP */
	else if (ret != -EINTR && ret != -ENOTCONN && ret != -ETIMEDOUT)
		rsm_conn_fail(ep, "cannot tell of receive memory");
}

static void rsm_imc_send_rxup(struct rsm_ep *ep, void *arg)
{
	rsm_imc_send_rxmsg(ep, *(u32 *)arg, RSM_MSG_IMC_RXUP);
}

/*
 * Every peer the memory of @m is registered for forgets its keys.  @m is
 * unreachable (no reference left), so no registration is added meanwhile.
 */
static void rsm_imc_rx_revoke(struct rsm_imc_mem *m)
{
	struct rsm_imc_rxreg *rr;
	struct rsm_ep **eps;
	unsigned int n = 0, i;

	mutex_lock(&rsm_imc_regs_lock);
	list_for_each_entry(rr, &m->regs, mem_list)
		n++;
	eps = n ? kcalloc(n, sizeof(*eps), GFP_KERNEL) : NULL;
	n = 0;
	/*
	 * Listed, so the endpoint is not freed (rsm_imc_rx_ep_gone() takes
	 * our lock); but it may be past waiting for its users: only an
	 * active one is used.  The keys of one that is not die with its QP.
	 */
	list_for_each_entry(rr, &m->regs, mem_list) {
		struct rsm_ep *ep = rsm_ep_get_active(rr->ep->conn,
						      rr->ep->id);

		if (ep && !eps) {
			rsm_conn_fail(ep, "out of memory revoking keys");
			rsm_ep_put_user(ep);
		} else if (ep) {
			eps[n++] = ep;
		}
	}
	mutex_unlock(&rsm_imc_regs_lock);
	for (i = 0; i < n; i++) {
		rsm_imc_send_rxmsg(eps[i], m->a.key, RSM_MSG_IMC_RXDOWN);
		rsm_ep_put_user(eps[i]);
	}
	kfree(eps);
}

static void rsm_imc_mem_free_work(struct work_struct *work)
{
	struct rsm_imc_mem *m = container_of(work, struct rsm_imc_mem,
					     free_work);
	struct rsm_imc_rxreg *rr, *tmp;

	rsm_imc_rx_revoke(m);
	mutex_lock(&rsm_imc_regs_lock);
	list_for_each_entry_safe(rr, tmp, &m->regs, mem_list)
		rsm_imc_rxreg_free(rr);
	mutex_unlock(&rsm_imc_regs_lock);
	rsm_imc_dests_free(m);
	rsm_imc_rx_unalloc(m, m->rx);
	kfree(m);
	atomic_dec(&rsm_imc_mem_objs);
}

static void rsm_imc_mem_release(struct kref *ref)
{
	struct rsm_imc_mem *m = container_of(ref, struct rsm_imc_mem, ref);

	/* deregistering sleeps, and callers may hold the registry's lock */
	queue_work(rsm_wq, &m->free_work);
}

/**
 * rsm_imc_mem_new - a region object for this host, without memory yet
 * @a: the region
 *
 * Return: the object with one reference (the registry's), or NULL.
 */
struct rsm_imc_mem *rsm_imc_mem_new(const struct rsm_imc_attrs *a)
{
	struct rsm_imc_mem *m;

	/* regions are multiples of RSM_IMC_PAGE, mapped page by page */
	BUILD_BUG_ON(PAGE_SIZE != RSM_IMC_PAGE);
	m = kzalloc(sizeof(*m), GFP_KERNEL_ACCOUNT);

	if (!m)
		return NULL;
	kref_init(&m->ref);
	m->a = *a;
	m->npages = a->size >> PAGE_SHIFT;
	INIT_WORK(&m->free_work, rsm_imc_mem_free_work);
	mutex_init(&m->rxup_lock);
	init_rwsem(&m->keys_sem);
	mutex_init(&m->tx_lock);
	mutex_init(&m->lock);
	INIT_LIST_HEAD(&m->regs);
	INIT_LIST_HEAD(&m->dests);
	m->loopback = -1;
	atomic_inc(&rsm_imc_mem_objs);
	return m;
}

/**
 * rsm_imc_mem_put - drop a reference
 * @m: the object, or NULL
 */
void rsm_imc_mem_put(struct rsm_imc_mem *m)
{
	if (m)
		kref_put(&m->ref, rsm_imc_mem_release);
}

/**
 * rsm_imc_mem_gone - the region left the registry: drop its reference
 * @m: the object
 */
void rsm_imc_mem_gone(struct rsm_imc_mem *m)
{
	mutex_lock(&m->lock);
	m->gone = true;
	mutex_unlock(&m->lock);
	rsm_imc_mem_put(m);
}

/*
 * New receive memory for @m, zeroed and charged to the host's limit
 * (imc_init -r).  Return: 0 with @rxp, or an RSM_IMC_ST_* status.
 */
static int rsm_imc_rx_alloc(struct rsm_imc_mem *m, struct page ***rxp)
{
	u64 limit = (u64)rsm_imc_max_recv_mb() << 20;

	if (atomic64_add_return(m->a.size, &rsm_imc_rx_bytes) > limit) {
		atomic64_sub(m->a.size, &rsm_imc_rx_bytes);
		return RSM_IMC_ST_RXFULL;
	}
	*rxp = rsm_imc_pages_alloc(m->npages);
	if (!*rxp) {
		atomic64_sub(m->a.size, &rsm_imc_rx_bytes);
		return RSM_IMC_ST_NOMEM;
	}
	return 0;
}

/*
 * Make the receive memory of coherent @m, with the region's contents from
 * a member that has them (rsm_imc_snap.c).  Under @m's rxup_lock, which
 * every maker of receive memory holds.  Return: 0 once it is made (@made:
 * by this call), -ENOENT when the region left the registry, an
 * RSM_IMC_ST_* status, or -EINTR.
 */
static int rsm_imc_rx_make_coherent(struct rsm_imc_mem *m, bool *made)
{
	struct page **rx;
	int st;

	lockdep_assert_held(&m->rxup_lock);
	*made = false;
	mutex_lock(&m->lock);
	st = m->rx ? 0 : m->gone ? -ENOENT : 1;
	mutex_unlock(&m->lock);
	if (st <= 0)
		return st;
	st = rsm_imc_rx_alloc(m, &rx);
	if (st)
		return st;
	st = rsm_imc_rx_copy(m, rx);
	if (st) {
		rsm_imc_rx_unalloc(m, rx);
		return st == -EINTR ? st : RSM_IMC_ST_LATEJOIN;
	}
	mutex_lock(&m->lock);
	smp_store_release(&m->rx, rx);	/* read without the lock too */
	mutex_unlock(&m->lock);
	*made = true;
	return 0;
}

/**
 * rsm_imc_mem_attach - count an attach of this host, checking the host's
 * sharing mode and loopback setting; the first receive attach makes the
 * receive memory
 * @m: the region
 * @owner: the attaching process (its allocations)
 * @dir: RSM_IMC_DIR_TX, _RX or _PTP (a point-to-point transmit attach)
 * @mode: RSM_IMC_SHARED or RSM_IMC_NONSHARED
 * @flags: RSM_IMC_LOOPBACK or 0 for RSM_IMC_DIR_TX
 *
 * Return: 0, an RSM_IMC_ST_* status (nothing counted then), or -EINTR.
 */
int rsm_imc_mem_attach(struct rsm_imc_mem *m, const void *owner, u32 dir,
		       u32 mode, u32 flags)
{
	int loop = !!(flags & RSM_IMC_LOOPBACK), st = 0;
	struct page **rx;
	bool made = false;

	/* returns only once every peer heard of the memory (RXUP) */
	if (dir == RSM_IMC_DIR_RX && mutex_lock_killable(&m->rxup_lock))
		return -EINTR;
	if (dir == RSM_IMC_DIR_RX && (m->a.flags & RSM_IMC_COHERENT)) {
		/* backed on every host anyway: made before the checks */
		st = rsm_imc_rx_make_coherent(m, &made);
		if (st) {
			mutex_unlock(&m->rxup_lock);
			return st;
		}
	}
	mutex_lock(&m->lock);
	if (m->mode && m->mode != mode) {
		st = m->mode == RSM_IMC_SHARED ? RSM_IMC_ST_SHARERR :
		     RSM_IMC_ST_NONSHARERR;
	} else if (m->mode == RSM_IMC_NONSHARED && m->owner != owner) {
		st = RSM_IMC_ST_NONSHARERR;
	} else if (dir == RSM_IMC_DIR_TX && m->loopback >= 0 &&
		   m->loopback != loop) {
		st = RSM_IMC_ST_LOOPBACKERR;
	} else if (dir == RSM_IMC_DIR_RX && !m->rx) {
		st = rsm_imc_rx_alloc(m, &rx);
		made = !st;
		if (made)	/* rsm_imc_rx_fill() looks without the lock */
			smp_store_release(&m->rx, rx);
	}
	if (!st) {
		m->mode = mode;
		m->owner = owner;
		if (dir == RSM_IMC_DIR_RX) {
			m->nrx++;
		} else {
			m->ntx++;
			if (dir == RSM_IMC_DIR_TX)
				m->loopback = loop;
		}
	}
	mutex_unlock(&m->lock);
	/* peers that cannot hear it start afresh (and ask again) */
	if (made && rsm_cluster_each_active(rsm_imc_send_rxup, &m->a.key))
		rsm_cluster_reset_conns("out of memory telling of receive memory");
	if (dir == RSM_IMC_DIR_RX)
		mutex_unlock(&m->rxup_lock);
	return st;
}

/**
 * rsm_imc_mem_detach - count a detach of this host
 * @m: the region
 * @dir: as attached
 *
 * The receive memory stays (rsm_imc_mem.c's comment); the mode and the
 * loopback setting are free again once nothing is attached here.
 */
void rsm_imc_mem_detach(struct rsm_imc_mem *m, u32 dir)
{
	mutex_lock(&m->lock);
	if (dir == RSM_IMC_DIR_RX)
		m->nrx--;
	else
		m->ntx--;
	if (!m->nrx && !m->ntx) {
		m->mode = 0;
		m->owner = NULL;
		m->loopback = -1;
	}
	mutex_unlock(&m->lock);
}

/**
 * rsm_imc_mem_mmap_rx - map the receive memory, read-only
 * @m: a region attached for receive here
 * @vma: the whole region, shared, not writable
 *
 * Return: 0 or a negative errno.
 */
int rsm_imc_mem_mmap_rx(struct rsm_imc_mem *m, struct vm_area_struct *vma)
{
	unsigned long n = vma_pages(vma);
	int ret;

	if (n != m->npages || (vma->vm_flags & VM_WRITE) ||
	    !(vma->vm_flags & VM_SHARED))
		return -EINVAL;
#ifdef RSM_HAVE_VM_FLAGS_MOD
	vm_flags_mod(vma, VM_DONTEXPAND | VM_DONTDUMP | VM_DONTCOPY,
		     VM_MAYWRITE);
#else
	vma->vm_flags |= VM_DONTEXPAND | VM_DONTDUMP | VM_DONTCOPY;
	vma->vm_flags &= ~VM_MAYWRITE;
#endif
	mutex_lock(&m->lock);
	ret = m->rx ? vm_insert_pages(vma, vma->vm_start, m->rx, &n) : -ENXIO;
	mutex_unlock(&m->lock);
	return ret;
}

/**
 * rsm_imc_mem_loopback - this host's own write reaches its receive memory
 * @m: the region
 * @src: pages holding the bytes, the first at offset @off % PAGE_SIZE
 * @off: region offset
 * @len: bytes, within the region
 */
void rsm_imc_mem_loopback(struct rsm_imc_mem *m, struct page **src,
			  u64 off, u64 len)
{
	u64 soff = off & ~PAGE_MASK, done = 0;

	mutex_lock(&m->lock);
	while (m->rx && done < len) {
		u64 d = off + done, s = soff + done;
		size_t n = min3(len - done, PAGE_SIZE - (d & ~PAGE_MASK),
				PAGE_SIZE - (s & ~PAGE_MASK));
		void *to = kmap_local_page(m->rx[d >> PAGE_SHIFT]);
		void *from = kmap_local_page(src[s >> PAGE_SHIFT]);

		memcpy(to + (d & ~PAGE_MASK), from + (s & ~PAGE_MASK), n);
		kunmap_local(from);
		kunmap_local(to);
		done += n;
	}
	mutex_unlock(&m->lock);
}

/* The registration of @m for @ep, made if new.  Under rsm_imc_regs_lock. */
static struct rsm_imc_rxreg *rsm_imc_rxreg_get(struct rsm_imc_mem *m,
					       struct rsm_ep *ep)
{
	struct rsm_imc_rxreg *rr;

	lockdep_assert_held(&rsm_imc_regs_lock);
	list_for_each_entry(rr, &m->regs, mem_list)
		if (rr->ep == ep)
			return rr;
	if (rsm_imc_objs(ep)->dead)
		return NULL;
	rr = kzalloc(sizeof(*rr), GFP_KERNEL_ACCOUNT);
	if (!rr)
		return NULL;
	rr->ep = ep;
	rr->cshift = rsm_mr_chunk_shift(ep);
	if (!rr->cshift ||
	    rsm_mrset_create(ep, m->rx, m->npages, rr->cshift,
			     IB_ACCESS_LOCAL_WRITE | IB_ACCESS_REMOTE_WRITE |
			     IB_ACCESS_REMOTE_READ, &rr->set)) {
		kfree(rr);
		return NULL;
	}
	list_add_tail(&rr->mem_list, &m->regs);
	mutex_lock(&rsm_imc_objs(ep)->lock);
	list_add_tail(&rr->ep_list, &rsm_imc_objs(ep)->list);
	mutex_unlock(&rsm_imc_objs(ep)->lock);
	return rr;
}

/*
 * Fill @rep with the keys of @m for @ep from @first.  Return: 0,
 * RSM_IMC_RX_NONE (no receive memory here: the peer may remember that
 * until RXUP) or RSM_IMC_RX_FAILED (memory, but no keys now).
 */
static u32 rsm_imc_rx_fill(struct rsm_imc_mem *m, struct rsm_ep *ep,
			   u32 first, bool snapshot,
			   struct rsm_msg_imc_rxkeys_reply *rep)
{
	struct rsm_imc_rxreg *rr;
	bool made;
	u32 i, n;
	int st;

	/*
	 * Coherent memory that cannot be made (the host's receive limit)
	 * stays unmade: "none", as for a region not received here.  One
	 * whose copy failed is not an answer to remember.  A snapshot's
	 * request never makes memory.
	 */
	st = 0;
	while (!snapshot && (m->a.flags & RSM_IMC_COHERENT)) {
		/* pairs with the makers' smp_store_release(): pages there */
		if (smp_load_acquire(&m->rx))
			break;
		/*
		 * Not behind an attacher's RXUP round, which may wait for
		 * this host's queue: that one made the memory already.
		 */
		if (!mutex_trylock(&m->rxup_lock)) {
			msleep(20);
			continue;
		}
		st = rsm_imc_rx_make_coherent(m, &made);
		mutex_unlock(&m->rxup_lock);
		break;
	}
	if (st == RSM_IMC_ST_LATEJOIN)
		return RSM_IMC_RX_FAILED;
	if (st == RSM_IMC_ST_RXFULL)
		rsm_warn_rl("imc: no receive memory for coherent key %u (imc_init -r)\n",
			    m->a.key);
	if (!smp_load_acquire(&m->rx))	/* as above */
		return RSM_IMC_RX_NONE;
	mutex_lock(&rsm_imc_regs_lock);
	rr = rsm_imc_rxreg_get(m, ep);
	if (!rr || first >= rr->set->nchunks) {
		mutex_unlock(&rsm_imc_regs_lock);
		return RSM_IMC_RX_FAILED;
	}
	n = min_t(u32, rr->set->nchunks - first, RSM_WIRE_KEYS);
	for (i = 0; i < n; i++)
		rep->keys[i] = cpu_to_le32(rsm_mrset_key(rr->set, first + i));
	rep->size = cpu_to_le64(m->a.size);
	rep->chunk_shift = cpu_to_le32(rr->cshift);
	rep->nchunks = cpu_to_le32(rr->set->nchunks);
	rep->first = cpu_to_le32(first);
	rep->nkeys = cpu_to_le32(n);
	mutex_unlock(&rsm_imc_regs_lock);
	return 0;
}

static void rsm_imc_rx_keys(struct rsm_ep *ep,
			    const struct rsm_msg_imc_rxkeys *req)
{
	struct rsm_msg_imc_rxkeys_reply *rep = kzalloc(sizeof(*rep), GFP_KERNEL);
	bool snapshot = le32_to_cpu(req->flags) & RSM_IMC_RXKEYS_SNAPSHOT;
	u32 key = le32_to_cpu(req->key), st;
	struct rsm_imc_mem *m;
	bool known;

	if (!rep) {
		rsm_conn_fail(ep, "out of memory for receive keys");
		return;
	}
	/*
	 * A peer tells its allocations before it asks (same queue), so a
	 * region not in the registry is one this host lost track of for
	 * the moment: not an answer to remember.
	 */
	m = rsm_imc_mem_get_known(key, snapshot ? RSM_IMC_FIND :
				  RSM_IMC_IF_COHERENT, &known);
	if (!known)	/* for a copy: then it has no memory of it */
		st = snapshot ? RSM_IMC_RX_NONE : RSM_IMC_RX_FAILED;
	else
		st = m ? rsm_imc_rx_fill(m, ep, le32_to_cpu(req->first),
					 snapshot, rep) : RSM_IMC_RX_NONE;
	if (st) {
		memset(rep, 0, sizeof(*rep));
		rep->flags = cpu_to_le32(st);
	}
	rsm_imc_mem_put(m);
	rep->hdr.type = cpu_to_le16(RSM_MSG_IMC_RXKEYS_REPLY);
	rep->hdr.len = cpu_to_le32(sizeof(*rep));
	rep->xid = req->xid;
	rep->key = req->key;
	if (rsm_msg_send_wait(ep, rep, sizeof(*rep)))
		rsm_conn_fail(ep, "cannot answer for receive keys");
	kfree(rep);
}

static void rsm_imc_rx_up(struct rsm_ep *ep, const struct rsm_msg_imc_rxup *m)
{
	struct rsm_msg_ack ack = {
		.hdr.type = cpu_to_le16(RSM_MSG_ACK),
		.hdr.len = cpu_to_le32(sizeof(ack)),
		.xid = m->xid,
	};

	if (le16_to_cpu(m->hdr.type) == RSM_MSG_IMC_RXUP)
		rsm_imc_dests_rxup(ep, le32_to_cpu(m->key));
	else
		rsm_imc_dests_rxdown(ep, le32_to_cpu(m->key));
	if (rsm_msg_send_wait(ep, &ack, sizeof(ack)))
		rsm_conn_fail(ep, "cannot acknowledge receive memory");
}

/**
 * rsm_imc_rx_serve - a peer's request about receive memory
 * @ep: endpoint it came on
 * @msg: RSM_MSG_IMC_RXKEYS, _RXUP or _RXDOWN, checked
 */
void rsm_imc_rx_serve(struct rsm_ep *ep, const void *msg)
{
	const struct rsm_msg_hdr *hdr = msg;

	if (le16_to_cpu(hdr->type) == RSM_MSG_IMC_RXKEYS)
		rsm_imc_rx_keys(ep, msg);
	else
		rsm_imc_rx_up(ep, msg);
}

/**
 * rsm_imc_rx_ep_gone - an endpoint is going: drop its registrations
 * @ep: the endpoint
 */
void rsm_imc_rx_ep_gone(struct rsm_ep *ep)
{
	struct rsm_imc_rxreg *rr, *tmp;
	LIST_HEAD(mine);

	mutex_lock(&rsm_imc_regs_lock);
	mutex_lock(&rsm_imc_objs(ep)->lock);
	rsm_imc_objs(ep)->dead = true;
	list_splice_init(&rsm_imc_objs(ep)->list, &mine);
	mutex_unlock(&rsm_imc_objs(ep)->lock);
	list_for_each_entry_safe(rr, tmp, &mine, ep_list) {
		list_del(&rr->mem_list);
		rsm_mrset_destroy(rr->set);
		kfree(rr);
	}
	mutex_unlock(&rsm_imc_regs_lock);
}

/**
 * rsm_imc_mem_counters - this host's region objects and receive memory
 * @c: filled in part
 */
void rsm_imc_mem_counters(struct rsm_imc_counters *c)
{
	c->region_objs = atomic_read(&rsm_imc_mem_objs);
	c->rx_bytes = atomic64_read(&rsm_imc_rx_bytes);
}

/**
 * rsm_imc_mem_exit - module unload: region objects' frees have run
 */
void rsm_imc_mem_exit(void)
{
	flush_workqueue(rsm_wq);
	WARN_ON(atomic64_read(&rsm_imc_rx_bytes) ||
		atomic_read(&rsm_imc_mem_objs));
}
