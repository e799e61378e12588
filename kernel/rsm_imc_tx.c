// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsm: transmitting to a Memory Channel region (imc_asattach(3) with
 * IMC_TRANSMIT, imc_asattach_ptp(3), imc_bcopy(3), imc_flush(3)).
 *
 * A transmit mapping is staging pages of the process's own plus a twin of
 * what was last sent from them.  imc_bcopy sends its range at once; a
 * flush point sends the 8-byte words that differ from the twin.  Either
 * way the bytes are first copied to snapshot pages, which are what goes
 * out, so a thread still storing cannot make the twin disagree with what
 * the receivers got.  After an error anywhere (the error epoch moved), the
 * next flush point sends again every word the mapping ever sent, so a
 * process that answers IMC_MC_ERROR by storing its record again - the
 * same values - does retransmit it (imc_ckerrcnt_mr(3)).
 *
 * A send is RDMA WRITEs to every receiving host in turn (software
 * fan-out), each complete before the next starts, so one
 * host's writes reach each receiver in the order they were sent; the
 * host's own receive memory gets them (loopback) only after every remote
 * write of the send completed.
 */
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/highmem.h>

#include "rsm_imc.h"

#define RSM_IMC_BATCH		64	/* pages (pieces) per send */
/* a receiver answers for its keys: it may drain its queue (5 s) first */
#define RSM_IMC_KEYS_MS		15000
#define RSM_IMC_NO_EP		U64_MAX	/* a dest's keys are for no endpoint */

/*
 * struct rsm_imc_dest - a peer as this host's transmitters of a region know
 * it; on the region's @dests.  @gen and @none_gen are under the region's
 * lock; @keys, @ep_id, @cshift and @nchunks change under its keys_sem
 * (written) and its lock, and senders, who hold its tx_lock, read them
 * under keys_sem; the rest is under tx_lock.
 */
struct rsm_imc_dest {
	struct list_head	list;
	u32			nodeid;
	u32			gen;		/* RXUPs heard from it */
	u64			ep_id;		/* what follows is for it */
	bool			none;		/* it said it has no memory */
	u32			none_gen;	/* ... while @gen was this */
	u32			cshift;
	u32			nchunks;
	u32			*keys;
};

/*
 * struct rsm_imc_tx - a process's transmit mapping of a region; used under
 * its region's tx_lock
 * @sent: bit n: the mapping sent 8-byte word n at least once
 * @epoch: rsm_imc_err_epoch() when every sent word last went out
 */
struct rsm_imc_tx {
	struct rsm_imc_mem	*m;
	u32			ptp;		/* its one host, or NONE */
	unsigned long		npages;
	struct page		**stage;
	struct page		**twin;
	unsigned long		*sent;
	u32			epoch;
};

/* What one send carries. */
struct rsm_imc_batch {
	unsigned int		n;
	u64			roff[RSM_IMC_BATCH];
	u64			len[RSM_IMC_BATCH];
	struct rsm_lbuf		lb[RSM_IMC_BATCH];
	struct page		*snap[RSM_IMC_BATCH];
	unsigned long		pidx[RSM_IMC_BATCH];	/* flush: page index */
};

#define RSM_IMC_WORDS	(PAGE_SIZE / sizeof(u64))

/* For imcs -s. */
static atomic_t rsm_imc_tx_maps = ATOMIC_INIT(0);
static atomic64_t rsm_imc_tx_pages = ATOMIC64_INIT(0);
static atomic64_t rsm_imc_sends = ATOMIC64_INIT(0);
static atomic64_t rsm_imc_send_bytes = ATOMIC64_INIT(0);
static atomic64_t rsm_imc_send_errors = ATOMIC64_INIT(0);

/**
 * rsm_imc_tx_new - a transmit mapping's pages
 * @m: the region, referenced by the caller for the mapping's life
 * @ptp: the one receiving node of a point-to-point mapping, or
 *	RSM_NODEID_NONE to send to every receiving host
 *
 * Return: the mapping, or NULL without memory.
 */
struct rsm_imc_tx *rsm_imc_tx_new(struct rsm_imc_mem *m, u32 ptp)
{
	struct rsm_imc_tx *tx = kzalloc(sizeof(*tx), GFP_KERNEL_ACCOUNT);

	if (!tx)
		return NULL;
	tx->m = m;
	tx->ptp = ptp;
	tx->npages = m->npages;
	tx->epoch = rsm_imc_err_epoch();
	/* words can pass 2^32 (bitmap_zalloc() counts bits in an int) */
	tx->sent = kvcalloc(BITS_TO_LONGS(tx->npages * RSM_IMC_WORDS),
			    sizeof(long), GFP_KERNEL_ACCOUNT);
	tx->stage = tx->sent ? rsm_imc_pages_alloc(tx->npages) : NULL;
	tx->twin = tx->stage ? rsm_imc_pages_alloc(tx->npages) : NULL;
	atomic_inc(&rsm_imc_tx_maps);
	if (!tx->twin) {
		rsm_imc_tx_free(tx);
		return NULL;
	}
	atomic64_add(2 * tx->npages, &rsm_imc_tx_pages);
	return tx;
}

/**
 * rsm_imc_tx_free - free a transmit mapping's pages (a mapping of them
 * keeps its own references)
 * @tx: from rsm_imc_tx_new()
 */
void rsm_imc_tx_free(struct rsm_imc_tx *tx)
{
	if (tx->twin)
		atomic64_sub(2 * tx->npages, &rsm_imc_tx_pages);
	rsm_imc_pages_free(tx->stage, tx->npages);
	rsm_imc_pages_free(tx->twin, tx->npages);
	kvfree(tx->sent);
	kfree(tx);
	atomic_dec(&rsm_imc_tx_maps);
}

/**
 * rsm_imc_tx_rail - the rail a transmit mapping sends on
 * @tx: the mapping
 *
 * Return: its region's logical rail.
 */
u32 rsm_imc_tx_rail(const struct rsm_imc_tx *tx)
{
	return tx->m->a.rail;
}

/**
 * rsm_imc_tx_mmap - map the staging pages, readable and writable
 * @tx: the mapping
 * @vma: the whole region, shared
 *
 * Return: 0 or a negative errno.
 */
int rsm_imc_tx_mmap(struct rsm_imc_tx *tx, struct vm_area_struct *vma)
{
	unsigned long n = vma_pages(vma);

	if (n != tx->npages || !(vma->vm_flags & VM_SHARED))
		return -EINVAL;
#ifdef RSM_HAVE_VM_FLAGS_MOD
	vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP | VM_DONTCOPY);
#else
	vma->vm_flags |= VM_DONTEXPAND | VM_DONTDUMP | VM_DONTCOPY;
#endif
	return vm_insert_pages(vma, vma->vm_start, tx->stage, &n);
}

static struct rsm_imc_dest *rsm_imc_dest_find_locked(struct rsm_imc_mem *m,
						     u32 nodeid)
{
	struct rsm_imc_dest *d;

	lockdep_assert_held(&m->lock);
	list_for_each_entry(d, &m->dests, list)
		if (d->nodeid == nodeid)
			return d;
	return NULL;
}

/**
 * rsm_imc_dests_rxup - a peer made receive memory of a region: ask it for
 * its keys next time, even if it said it had none
 * @ep: the peer's endpoint
 * @key: the region
 */
void rsm_imc_dests_rxup(struct rsm_ep *ep, u32 key)
{
	struct rsm_imc_mem *m = rsm_imc_mem_get(key, RSM_IMC_FIND);
	struct rsm_imc_dest *d;

	if (!m)
		return;
	mutex_lock(&m->lock);
	d = rsm_imc_dest_find_locked(m, ep->conn->nodeid);
	if (d)
		d->gen++;
	mutex_unlock(&m->lock);
	rsm_imc_mem_put(m);
}

/**
 * rsm_imc_dests_rxdown - a peer drops its receive memory of a region:
 * forget its keys once no send with them is in flight
 * @ep: the peer's endpoint
 * @key: the region
 */
void rsm_imc_dests_rxdown(struct rsm_ep *ep, u32 key)
{
	struct rsm_imc_mem *m = rsm_imc_mem_get(key, RSM_IMC_FIND);
	struct rsm_imc_dest *d;

	/* copies in flight end first, whatever region they copy */
	rsm_imc_snap_fence();
	if (!m)
		return;
	/* writes in flight end, at the heartbeat timeout at the latest */
	down_write(&m->keys_sem);
	mutex_lock(&m->lock);
	d = rsm_imc_dest_find_locked(m, ep->conn->nodeid);
	if (d) {
		kvfree(d->keys);
		d->keys = NULL;
		d->none = false;
		d->ep_id = RSM_IMC_NO_EP;
		d->gen++;
	}
	mutex_unlock(&m->lock);
	up_write(&m->keys_sem);
	rsm_imc_mem_put(m);
}

/**
 * rsm_imc_dests_free - the region object goes: forget the receivers
 * @m: the region
 */
void rsm_imc_dests_free(struct rsm_imc_mem *m)
{
	struct rsm_imc_dest *d, *tmp;

	list_for_each_entry_safe(d, tmp, &m->dests, list) {
		kvfree(d->keys);
		kfree(d);
	}
}

/**
 * rsm_imc_ask_keys - one request for a peer's receive keys
 * @ep: active endpoint to the peer, with a user reference
 * @key: the region
 * @first: index of the first key wanted
 * @flags: 0 or RSM_IMC_RXKEYS_SNAPSHOT
 * @rpcp: out: the answered call; its reply is the answer (kfree() it)
 *
 * Return: 0, -EINTR, -ENOMEM or -EAGAIN (the peer is not usable).
 */
int rsm_imc_ask_keys(struct rsm_ep *ep, u32 key, u32 first, u32 flags,
		     struct rsm_rpc **rpcp)
{
	struct rsm_msg_imc_rxkeys req = {
		.hdr.type = cpu_to_le16(RSM_MSG_IMC_RXKEYS),
		.hdr.len = cpu_to_le32(sizeof(req)),
		.key = cpu_to_le32(key),
		.first = cpu_to_le32(first),
		.flags = cpu_to_le32(flags),
	};
	int ret = rsm_imc_call(ep, &req, sizeof(req), RSM_IMC_KEYS_MS,
			       "receive keys not answered", NULL, 0, 0, rpcp);

	return ret == -EINTR || ret == -ENOMEM || !ret ? ret : -EAGAIN;
}

/**
 * rsm_imc_keys_ok - whether an answer for keys is about a region, from the
 * index asked, and consistent with the answers before it
 * @m: the region
 * @rep: the answer, checked by rsm_wire_check_msg()
 * @first: the index asked
 * @nchunks: for @first > 0, what the first answer said
 * @cshift: likewise
 *
 * Return: true when it may be used.
 */
bool rsm_imc_keys_ok(const struct rsm_imc_mem *m,
		     const struct rsm_msg_imc_rxkeys_reply *rep,
		     u32 first, u32 nchunks, u32 cshift)
{
	if (le32_to_cpu(rep->key) != m->a.key)
		return false;
	if (rep->flags)
		return !first || rep->flags == cpu_to_le32(RSM_IMC_RX_FAILED);
	if (le64_to_cpu(rep->size) != m->a.size ||
	    le32_to_cpu(rep->first) != first)
		return false;
	return !first || (le32_to_cpu(rep->nchunks) == nchunks &&
			  le32_to_cpu(rep->chunk_shift) == cshift);
}

/*
 * Fetch @d's keys over @ep.  Under @m's tx_lock.  Return: 0 (keys in @d,
 * or @d->none), -EINTR, -ENOMEM, -EIO (no keys there for now) or -EAGAIN
 * (the peer is not usable, or changed its memory meanwhile).
 */
static int rsm_imc_dest_fetch(struct rsm_imc_mem *m, struct rsm_imc_dest *d,
			      struct rsm_ep *ep, u32 gen)
{
	const struct rsm_msg_imc_rxkeys_reply *rep;
	u32 first = 0, nchunks = 0, cshift = 0, *keys = NULL;
	struct rsm_rpc *rpc;
	int ret;

	do {
		ret = rsm_imc_ask_keys(ep, m->a.key, first, 0, &rpc);
		if (ret)
			break;
		rep = (const void *)rpc->reply;
		if (!rsm_imc_keys_ok(m, rep, first, nchunks, cshift)) {
			atomic64_inc(&rsm_cluster.bad_msgs);
			rsm_conn_fail(ep, "receive keys for another region");
			ret = -EAGAIN;
		} else if (rep->flags == cpu_to_le32(RSM_IMC_RX_FAILED)) {
			/* not now: not remembered, and the send failed */
			ret = -EIO;
		} else if (rep->flags) {
			/* remembered until the peer says it made memory */
			down_write(&m->keys_sem);
			mutex_lock(&m->lock);
			if (d->gen == gen) {
				d->none = true;
				d->none_gen = gen;
				d->ep_id = ep->id;
			}
			mutex_unlock(&m->lock);
			up_write(&m->keys_sem);
		} else {
			u32 i, n = le32_to_cpu(rep->nkeys);

			if (!first) {
				nchunks = le32_to_cpu(rep->nchunks);
				cshift = le32_to_cpu(rep->chunk_shift);
				keys = kvcalloc(nchunks, sizeof(*keys),
						GFP_KERNEL_ACCOUNT);
			}
			for (i = 0; keys && i < n; i++)
				keys[first + i] = le32_to_cpu(rep->keys[i]);
			ret = keys ? 0 : -ENOMEM;
			first += n;
		}
		kfree(rpc);
	} while (!ret && keys && first < nchunks);
	if (ret || !keys) {
		kvfree(keys);
		return ret;
	}
	/* an RXDOWN (or RXUP) since we asked: these keys may be stale */
	down_write(&m->keys_sem);
	mutex_lock(&m->lock);
	if (d->gen != gen) {
		mutex_unlock(&m->lock);
		up_write(&m->keys_sem);
		kvfree(keys);
		return -EAGAIN;
	}
	kvfree(d->keys);
	d->keys = keys;
	d->nchunks = nchunks;
	d->cshift = cshift;
	d->none = false;
	d->ep_id = ep->id;
	mutex_unlock(&m->lock);
	up_write(&m->keys_sem);
	return 0;
}

/*
 * The receiver @nodeid as the sends of @m see it over @ep: NULL when it has
 * no receive memory (or cannot be asked now).  Under @m's tx_lock.
 */
static struct rsm_imc_dest *rsm_imc_dest_get(struct rsm_imc_mem *m,
					     struct rsm_ep *ep, u32 nodeid,
					     int *err)
{
	struct rsm_imc_dest *d, *fresh = kzalloc(sizeof(*fresh), GFP_KERNEL);
	bool fetch;
	u32 gen;

	lockdep_assert_held(&m->tx_lock);
	*err = 0;
	mutex_lock(&m->lock);
	d = rsm_imc_dest_find_locked(m, nodeid);
	if (!d && fresh) {
		d = fresh;
		fresh = NULL;
		d->nodeid = nodeid;
		d->ep_id = RSM_IMC_NO_EP;
		list_add_tail(&d->list, &m->dests);
	}
	gen = d ? d->gen : 0;
	fetch = d && (d->ep_id != ep->id ||
		      (d->none ? d->none_gen != gen : !d->keys));
	mutex_unlock(&m->lock);
	kfree(fresh);
	if (!d) {
		*err = -ENOMEM;
		return NULL;
	}
	if (fetch)
		*err = rsm_imc_dest_fetch(m, d, ep, gen);
	return *err || d->none || d->ep_id != ep->id ? NULL : d;
}

/* Send @b to node @nodeid.  Return: 0 (sent, or not a receiver) or < 0. */
static int rsm_imc_send_one(struct rsm_imc_mem *m, struct rsm_imc_batch *b,
			    u32 nodeid)
{
	struct rsm_ep *ep = rsm_cluster_rail_ep(nodeid, m->a.rail);
	struct rsm_imc_dest *d;
	unsigned int done;
	int ret;

	if (!ep)
		return 0;	/* not connected: not receiving */
	d = rsm_imc_dest_get(m, ep, nodeid, &ret);
	/* RXDOWN may take the keys until the writes are done */
	down_read(&m->keys_sem);
	if (d && d->keys && d->ep_id == ep->id) {
		ret = rsm_rdma_rw_vec(ep, true, d->keys, d->cshift, b->n,
				      b->roff, b->lb, b->len, NULL, true,
				      &done);
		atomic64_inc(&rsm_imc_sends);
		for (done = 0; !ret && done < b->n; done++)
			atomic64_add(b->len[done], &rsm_imc_send_bytes);
	}
	up_read(&m->keys_sem);
	if (ret && ret != -EINTR)
		atomic64_inc(&rsm_imc_send_errors);
	rsm_ep_put_user(ep);
	return ret == -EAGAIN ? -EIO : ret;
}

/* Send @b to every receiver of @tx, then to this host if it loops back. */
static int rsm_imc_send(struct rsm_imc_tx *tx, struct rsm_imc_batch *b)
{
	struct rsm_imc_mem *m = tx->m;
	u32 nodes[RSM_IMC_HOSTS];
	unsigned int i, n = 1;
	int ret = 0, r;

	if (!b->n)
		return 0;
	for (i = 0; i < b->n; i++) {
		u64 w0 = b->roff[i] / sizeof(u64);
		u64 nw = DIV_ROUND_UP(b->roff[i] + b->len[i], sizeof(u64)) - w0;

		/* a piece is at most a batch of pages: its bits fit an int */
		bitmap_set(tx->sent + w0 / BITS_PER_LONG, w0 % BITS_PER_LONG,
			   nw);
	}
	if (tx->ptp == RSM_NODEID_NONE)
		n = rsm_imc_member_peers(nodes, ARRAY_SIZE(nodes));
	else
		nodes[0] = tx->ptp;
	for (i = 0; i < n && ret != -EINTR; i++) {
		r = rsm_imc_send_one(m, b, nodes[i]);
		if (r && !ret)
			ret = r;
	}
	if (ret) {
		/* a write that failed on the wire: every host hears of it */
		if (ret == -EIO || ret == -ENOTCONN)
			rsm_imc_errcnt_bump(m->a.rail);
		return ret;
	}
	if (tx->ptp == RSM_NODEID_NONE && READ_ONCE(m->loopback) == 1)
		for (i = 0; i < b->n; i++)
			rsm_imc_mem_loopback(m, b->lb[i].pages, b->roff[i],
					     b->len[i]);
	return 0;
}

static void rsm_imc_batch_reset(struct rsm_imc_batch *b)
{
	unsigned int i;

	for (i = 0; i < RSM_IMC_BATCH; i++)
		if (b->snap[i])
			__free_page(b->snap[i]);
	memset(b, 0, sizeof(*b));
}

/* Send @len bytes from @off now (imc_bcopy). */
static int rsm_imc_tx_range(struct rsm_imc_tx *tx, struct rsm_imc_batch *b,
			    u64 off, u64 len)
{
	while (len) {
		u64 n = min_t(u64, len, (u64)RSM_IMC_BATCH * PAGE_SIZE -
			      (off & ~PAGE_MASK));
		unsigned long p0 = off >> PAGE_SHIFT, k;
		unsigned long np = ((off + n - 1) >> PAGE_SHIFT) - p0 + 1;
		int ret;

		for (k = 0; k < np; k++) {
			b->snap[k] = alloc_page(GFP_KERNEL_ACCOUNT);
			if (!b->snap[k])
				return -ENOMEM;
			copy_highpage(b->snap[k], tx->stage[p0 + k]);
		}
		b->n = 1;
		b->roff[0] = off;
		b->len[0] = n;
		b->lb[0].pages = b->snap;
		b->lb[0].pgoff = off & ~PAGE_MASK;
		ret = rsm_imc_send(tx, b);
		/* what went out is what the twin holds now */
		for (k = 0; !ret && k < np; k++) {
			u64 s = max_t(u64, off, (u64)(p0 + k) << PAGE_SHIFT);
			u64 e = min_t(u64, off + n,
				      (u64)(p0 + k + 1) << PAGE_SHIFT);
			void *to = kmap_local_page(tx->twin[p0 + k]);
			void *from = kmap_local_page(b->snap[k]);

			memcpy(to + (s & ~PAGE_MASK), from + (s & ~PAGE_MASK),
			       e - s);
			kunmap_local(from);
			kunmap_local(to);
		}
		rsm_imc_batch_reset(b);
		if (ret)
			return ret;
		off += n;
		len -= n;
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
	}
	return 0;
}

/* Does word @w of page @idx go out: changed, or sent before and resent? */
static bool rsm_imc_word_out(struct rsm_imc_tx *tx, const u64 *new,
			     const u64 *old, unsigned long idx, unsigned int w,
			     bool resend)
{
	return new[w] != old[w] ||
	       (resend && test_bit(idx * RSM_IMC_WORDS + w, tx->sent));
}

/*
 * Add the runs of words of page @idx (snapshot @k) that differ from its
 * twin (or, with @resend, were ever sent) to @b, from word @w on, until
 * @b is full.  Return: the word to go on
 * from, RSM_IMC_WORDS when the page is done.
 */
static unsigned int rsm_imc_diff_page(struct rsm_imc_tx *tx,
				      struct rsm_imc_batch *b,
				      unsigned long idx, unsigned int k,
				      unsigned int w, bool resend)
{
	const u64 *new = kmap_local_page(b->snap[k]);
	const u64 *old = kmap_local_page(tx->twin[idx]);

	while (b->n < RSM_IMC_BATCH) {
		unsigned int s;

		while (w < RSM_IMC_WORDS &&
		       !rsm_imc_word_out(tx, new, old, idx, w, resend))
			w++;
		if (w == RSM_IMC_WORDS)
			break;
		s = w;
		while (w < RSM_IMC_WORDS &&
		       rsm_imc_word_out(tx, new, old, idx, w, resend))
			w++;
		b->roff[b->n] = ((u64)idx << PAGE_SHIFT) + s * sizeof(u64);
		b->len[b->n] = (w - s) * sizeof(u64);
		b->lb[b->n].pages = &b->snap[k];
		b->lb[b->n].pgoff = s * sizeof(u64);
		b->n++;
	}
	/* a full batch may have ended the page's last run exactly */
	while (w < RSM_IMC_WORDS &&
	       !rsm_imc_word_out(tx, new, old, idx, w, resend))
		w++;
	kunmap_local(old);
	kunmap_local(new);
	return w;
}

static bool rsm_imc_page_same(struct page *a, struct page *b)
{
	const void *pa = kmap_local_page(a), *pb = kmap_local_page(b);
	bool same = !memcmp(pa, pb, PAGE_SIZE);

	kunmap_local(pb);
	kunmap_local(pa);
	return same;
}

/* Send @b; the first @nsnap snapshots become their pages' twins. */
static int rsm_imc_flush_batch(struct rsm_imc_tx *tx, struct rsm_imc_batch *b,
			       unsigned int nsnap)
{
	int ret = rsm_imc_send(tx, b);
	unsigned int k;

	for (k = 0; !ret && k < nsnap; k++)
		copy_highpage(tx->twin[b->pidx[k]], b->snap[k]);
	b->n = 0;
	return ret;
}

/*
 * Send what changed since the last send (a flush point).  A page's twin
 * changes only once all of its runs went out; a page with more runs than a
 * batch holds goes out over several.
 */
static int rsm_imc_tx_changes(struct rsm_imc_tx *tx, struct rsm_imc_batch *b)
{
	u32 epoch = rsm_imc_err_epoch();
	bool resend = epoch != tx->epoch;
	unsigned int k = 0, w;
	unsigned long i;
	int ret;

	for (i = 0; i < tx->npages; i++) {
		if ((!resend ||
		     find_next_bit(tx->sent, (i + 1) * RSM_IMC_WORDS,
				   i * RSM_IMC_WORDS) >= (i + 1) * RSM_IMC_WORDS) &&
		    rsm_imc_page_same(tx->stage[i], tx->twin[i]))
			continue;
		if (!b->snap[k]) {
			b->snap[k] = alloc_page(GFP_KERNEL_ACCOUNT);
			if (!b->snap[k])
				return -ENOMEM;
		}
		copy_highpage(b->snap[k], tx->stage[i]);
		b->pidx[k] = i;
		w = 0;
		for (;;) {
			w = rsm_imc_diff_page(tx, b, i, k, w, resend);
			if (w == RSM_IMC_WORDS)
				break;
			/* full in the middle of page @i: it waits in slot 0 */
			ret = rsm_imc_flush_batch(tx, b, k);
			if (ret)
				return ret;
			swap(b->snap[0], b->snap[k]);
			b->pidx[0] = i;
			k = 0;
		}
		if (++k == RSM_IMC_BATCH || b->n == RSM_IMC_BATCH) {
			ret = rsm_imc_flush_batch(tx, b, k);
			if (ret)
				return ret;
			k = 0;
		}
		cond_resched();
	}
	ret = rsm_imc_flush_batch(tx, b, k);
	/* only a complete flush sent everything again */
	if (!ret)
		tx->epoch = epoch;
	return ret;
}

/**
 * rsm_imc_tx_send - send from a transmit mapping
 * @tx: the mapping
 * @off: region offset (@all false)
 * @len: bytes from @off, within the region (@all false)
 * @all: send every word that changed since it was last sent instead
 *
 * Return: 0 when every receiving host has the bytes; -EIO or -ENOTCONN
 * when a write failed or its connection went (the rail's error count went
 * up), -ENOMEM, or -EINTR.
 */
int rsm_imc_tx_send(struct rsm_imc_tx *tx, u64 off, u64 len, bool all)
{
	struct rsm_imc_batch *b = kzalloc(sizeof(*b), GFP_KERNEL);
	int ret;

	if (!b)
		return -ENOMEM;
	if (mutex_lock_killable(&tx->m->tx_lock)) {
		kfree(b);
		return -EINTR;
	}
	ret = all ? rsm_imc_tx_changes(tx, b) : rsm_imc_tx_range(tx, b, off, len);
	mutex_unlock(&tx->m->tx_lock);
	rsm_imc_batch_reset(b);
	kfree(b);
	return ret;
}

/**
 * rsm_imc_tx_counters - this host's transmit mappings, sends and counts
 * @c: filled in part
 */
void rsm_imc_tx_counters(struct rsm_imc_counters *c)
{
	bool rec = rsm_imc_recovering();
	u32 r;

	c->tx_mappings = atomic_read(&rsm_imc_tx_maps);
	c->tx_pages = atomic64_read(&rsm_imc_tx_pages);
	c->sends = atomic64_read(&rsm_imc_sends);
	c->send_bytes = atomic64_read(&rsm_imc_send_bytes);
	c->send_errors = atomic64_read(&rsm_imc_send_errors);
	for (r = 0; r < RSM_IMC_RAILS_MAX; r++)
		c->errcnt[r] = rec ? -rsm_imc_errcnt(r) - 1 : rsm_imc_errcnt(r);
}

/**
 * rsm_imc_tx_exit - module unload
 */
void rsm_imc_tx_exit(void)
{
	rsm_imc_errcnt_exit();
}
