// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsm: mapping import segments (rsm_memseg_import_map).
 *
 * A segment exported by this node itself is mapped straight onto the
 * exporter's pinned pages: true shared memory.
 *
 * RDMA cannot map another node's memory, so a remote segment is mapped
 * onto local pages that act as a cache of it, with release consistency at
 * barrier boundaries:
 *  - the first access of a page fetches it with RDMA READ; the page is
 *    mapped read-only;
 *  - the first store to a cached page keeps a copy of it (its twin) and
 *    makes the page writable;
 *  - RSM_IOC_MAP_SYNC (close and order barriers, msync, the end of the
 *    mapping) write-protects every page with a twin and writes back only
 *    the bytes that differ from it, so that nodes storing to different
 *    bytes of one page do not undo each other's stores;
 *  - RSM_IOC_MAP_REFRESH (open barrier) drops the cached pages without
 *    pending stores, so that later loads see the exporter's memory anew.
 * A rebind drops every cached page (stores not written back are lost; the
 * barrier reports it), and a forced disconnect redirects the whole mapping
 * to a scratch page so that loads and stores do not fault.
 *
 * Pages are inserted as PFN mappings: the exporter's pages are anonymous
 * memory of another process, and neither they nor our cache pages may be
 * reference-counted or reverse-mapped through our VMAs.  So every VMA of
 * the module shares the address space of /dev/rsm, each import at page
 * offsets of its own (@map_base), and whatever drops or replaces a page
 * first unmaps it from every VMA with unmap_mapping_pages().
 *
 * Locking: @map_lock serialises faults, write-back, refresh and
 * invalidation of one import.  Page faults take nothing else of ours
 * (they may happen inside a put or get holding @io_rwsem or the
 * exporter's rwsem); whoever changes the keys or the exporter's pages
 * takes @map_lock last.
 */
#include <linux/idr.h>
#include <linux/mm.h>
#include <linux/highmem.h>
#include <linux/slab.h>

#include "rsm_loc.h"

/* Cached pages and twins of remote mappings, for the status report. */
atomic64_t rsm_mapped_pages = ATOMIC64_INIT(0);

/*
 * Page offsets in /dev/rsm's address space: a mapped import holds slot k
 * (1..) of RSM_MAP_SLOT_PAGES pages from k * RSM_MAP_SLOT_PAGES on, given
 * back when the import goes.  A segment has fewer pages than a slot
 * (RSM_WIRE_SIZE_MAX, and same-node exports fit in memory).
 */
static DEFINE_IDA(rsm_map_slots);
#define RSM_MAP_SLOT_SHIFT	32
#define RSM_MAP_SLOT_PAGES	BIT(RSM_MAP_SLOT_SHIFT)
#define RSM_MAP_SLOT_MAX	((MAX_LFS_FILESIZE >> PAGE_SHIFT) >> \
				 RSM_MAP_SLOT_SHIFT)

/* Runs, and pages they cover, written back per chain of work requests. */
#define RSM_SYNC_BATCH		32
#define RSM_SYNC_PAGES		128

static void rsm_vma_flags_mod(struct vm_area_struct *vma, vm_flags_t set,
			      vm_flags_t clear)
{
#ifdef RSM_HAVE_VM_FLAGS_MOD
	vm_flags_mod(vma, set, clear);
#else
	vma->vm_flags = (vma->vm_flags | set) & ~clear;
#endif
}

static unsigned long rsm_map_npages(const struct rsm_import *imp)
{
	return imp->size >> PAGE_SHIFT;
}

/* Unmap pages [idx, idx + n) of the segment from every VMA. */
static void rsm_map_zap(struct rsm_import *imp, unsigned long idx,
			unsigned long n)
{
	lockdep_assert_held(&imp->map_lock);
	if (imp->mapping)
		unmap_mapping_pages(imp->mapping, imp->map_base + idx, n, true);
}

static void rsm_mpage_free(struct rsm_mpage *mp)
{
	if (mp->twin) {
		__free_page(mp->twin);
		atomic64_dec(&rsm_mapped_pages);
	}
	__free_page(mp->page);
	atomic64_dec(&rsm_mapped_pages);
	kfree(mp);
}

/* Drop every cached page, or only those without pending stores. */
static void rsm_map_drop(struct rsm_import *imp, bool all)
{
	struct rsm_mpage *mp;
	unsigned long idx;

	lockdep_assert_held(&imp->map_lock);
	if (!imp->ndirty)
		all = true;	/* the same, with one unmap for all pages */
	if (all)
		rsm_map_zap(imp, 0, rsm_map_npages(imp));
	xa_for_each(&imp->mcache, idx, mp) {
		if (!all) {
			if (xa_get_mark(&imp->mcache, idx, RSM_MPAGE_DIRTY))
				continue;
			rsm_map_zap(imp, idx, 1);
		}
		xa_erase(&imp->mcache, idx);
		rsm_mpage_free(mp);
	}
	if (all)
		imp->ndirty = 0;
}

/*
 * Fetch page @idx of a remote segment into the cache, over @ep (NULL: the
 * import's endpoint has ended).  RSMERR code.
 */
static int rsm_map_fetch(struct rsm_import *imp, struct rsm_ep *ep,
			 unsigned long idx, struct rsm_mpage **mpp)
{
	struct rsm_lbuf lb = {};
	struct rsm_mpage *mp;
	int ret = 0;

	mp = kzalloc(sizeof(*mp), GFP_KERNEL_ACCOUNT);
	if (!mp)
		return RSMERR_INSUFFICIENT_MEM;
	mp->page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!mp->page) {
		kfree(mp);
		return RSMERR_INSUFFICIENT_MEM;
	}
	/* a connection without read permission sees zeros */
	if (imp->perm & 0400) {
		if (ep) {
			lb.pages = &mp->page;
			ret = rsm_rdma_rw(ep, false, imp->keys, imp->chunk_shift,
					  (u64)idx << PAGE_SHIFT, &lb, PAGE_SIZE,
					  &imp->aborted, true);
			ret = rsm_import_xfer_status(imp, ret);
		} else {
			rsm_import_abort(imp);
			ret = RSMERR_CONN_ABORTED;
		}
	}
	if (!ret && xa_err(xa_store(&imp->mcache, idx, mp, GFP_KERNEL)))
		ret = RSMERR_INSUFFICIENT_MEM;
	if (ret) {
		__free_page(mp->page);
		kfree(mp);
		return ret;
	}
	atomic64_inc(&rsm_mapped_pages);
	*mpp = mp;
	return 0;
}

static vm_fault_t rsm_map_fault_local(struct rsm_import *imp,
				      struct vm_fault *vmf, unsigned long idx)
{
	struct page *page;
	vm_fault_t ret;

	mutex_lock(&imp->map_lock);
	if (READ_ONCE(imp->aborted))
		page = imp->scratch;
	else
		page = READ_ONCE(imp->exp->pages)[idx];
	ret = vmf_insert_pfn(vmf->vma, vmf->address, page_to_pfn(page));
	mutex_unlock(&imp->map_lock);
	return ret;
}

static vm_fault_t rsm_map_fault_remote(struct rsm_import *imp,
				       struct vm_fault *vmf, unsigned long idx)
{
	struct rsm_ep *ep;
	struct rsm_mpage *mp;
	struct page *page;
	vm_fault_t ret;
	int err;

	/*
	 * New keys after a rebind are fetched before taking map_lock (the
	 * fetch takes io_rwsem).  A fault inside a transfer of this import
	 * never gets here: the transfer holds io_rwsem with current keys.
	 */
	if (!READ_ONCE(imp->aborted) &&
	    READ_ONCE(imp->keys_gen) != READ_ONCE(imp->want_gen))
		rsm_import_refresh_keys(imp);
	/*
	 * The endpoint before map_lock, which mmap takes under mmap_lock:
	 * nothing that reaches the connection's state belongs inside it.
	 */
	ep = rsm_ep_get_active(imp->conn, imp->ep_id);
	mutex_lock(&imp->map_lock);
	page = imp->scratch;
	if (READ_ONCE(imp->aborted))
		goto insert;
	mp = xa_load(&imp->mcache, idx);
	if (!mp) {
		if (imp->keys_gen != READ_ONCE(imp->want_gen)) {
			/* rebound again meanwhile: fault once more */
			ret = VM_FAULT_NOPAGE;
			goto out;
		}
		err = rsm_map_fetch(imp, ep, idx, &mp);
		if (err == RSMERR_CONN_ABORTED)
			goto insert;
		if (err) {
			ret = VM_FAULT_OOM;
			goto out;
		}
	}
	page = mp->page;
insert:
	/* read-only unless the VMA is writable and the page has a twin */
	ret = vmf_insert_pfn(vmf->vma, vmf->address, page_to_pfn(page));
out:
	mutex_unlock(&imp->map_lock);
	if (ep)
		rsm_ep_put_user(ep);
	return ret;
}

static vm_fault_t rsm_map_fault(struct vm_fault *vmf)
{
	struct rsm_import *imp = vmf->vma->vm_private_data;
	unsigned long idx = vmf->pgoff - imp->map_base;

	if (vmf->pgoff < imp->map_base || idx >= rsm_map_npages(imp))
		return VM_FAULT_SIGBUS;
	if (imp->exp)
		return rsm_map_fault_local(imp, vmf, idx);
	return rsm_map_fault_remote(imp, vmf, idx);
}

/* First store to a cached page: keep its twin, then let it be written. */
static vm_fault_t rsm_map_mkwrite(struct vm_fault *vmf)
{
	struct rsm_import *imp = vmf->vma->vm_private_data;
	unsigned long idx = vmf->pgoff - imp->map_base;
	struct rsm_mpage *mp;
	vm_fault_t ret = 0;

	mutex_lock(&imp->map_lock);
	/* aborted: the scratch page, or a cached page never written back */
	if (READ_ONCE(imp->aborted))
		goto out;
	mp = xa_load(&imp->mcache, idx);
	if (!mp) {
		/* dropped (and unmapped) meanwhile */
		ret = VM_FAULT_NOPAGE;
		goto out;
	}
	if (!mp->twin) {
		mp->twin = alloc_page(GFP_KERNEL_ACCOUNT);
		if (!mp->twin) {
			ret = VM_FAULT_OOM;
			goto out;
		}
		atomic64_inc(&rsm_mapped_pages);
		/* no writable PTE maps the page yet: its content is stable */
		copy_highpage(mp->twin, mp->page);
		xa_set_mark(&imp->mcache, idx, RSM_MPAGE_DIRTY);
		imp->ndirty++;
	}
out:
	mutex_unlock(&imp->map_lock);
	return ret;
}

static void rsm_map_vma_open(struct vm_area_struct *vma)
{
	struct rsm_import *imp = vma->vm_private_data;

	mutex_lock(&imp->map_lock);
	imp->map_vmas++;
	mutex_unlock(&imp->map_lock);
}

static void rsm_map_vma_close(struct vm_area_struct *vma)
{
	struct rsm_import *imp = vma->vm_private_data;
	bool last;

	mutex_lock(&imp->map_lock);
	last = !--imp->map_vmas;
	mutex_unlock(&imp->map_lock);
	if (!last || imp->exp)
		return;
	/* the end of the mapping writes back, as msync would */
	rsm_map_sync(imp);
	rsm_map_invalidate(imp);
	mutex_lock(&imp->map_lock);
	if (imp->map_mm) {
		rsm_account_pinned(imp->map_mm, -(long)imp->map_charged);
		mmdrop(imp->map_mm);
		imp->map_mm = NULL;
	}
	mutex_unlock(&imp->map_lock);
}

static const struct vm_operations_struct rsm_map_local_ops = {
	.open		= rsm_map_vma_open,
	.close		= rsm_map_vma_close,
	.fault		= rsm_map_fault,
};

static const struct vm_operations_struct rsm_map_remote_ops = {
	.open		= rsm_map_vma_open,
	.close		= rsm_map_vma_close,
	.fault		= rsm_map_fault,
	.pfn_mkwrite	= rsm_map_mkwrite,
};

/**
 * rsm_map_mmap - mmap() of a descriptor bound to an import
 * @imp: the import
 * @file: the descriptor
 * @vma: the new mapping; vm_pgoff is the segment offset in pages
 *
 * Return: 0 or a negative errno (see include/uapi/rsm_ioctl.h).
 */
int rsm_map_mmap(struct rsm_import *imp, struct file *file,
		 struct vm_area_struct *vma)
{
	unsigned long segpages = rsm_map_npages(imp);
	unsigned long npages = vma_pages(vma);
	vm_flags_t clear = 0;
	int ret = 0;

	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (vma->vm_pgoff >= segpages || npages > segpages - vma->vm_pgoff)
		return -EINVAL;

	mutex_lock(&imp->map_lock);
	if (READ_ONCE(imp->aborted)) {
		ret = -ECONNABORTED;
		goto out;
	}
	if (((vma->vm_flags & VM_WRITE) && !(imp->perm & 0200)) ||
	    ((vma->vm_flags & VM_READ) && !(imp->perm & 0400))) {
		ret = -EACCES;
		goto out;
	}
	/* mapped, or the last mapping's close has not finished yet */
	if (imp->map_vmas || imp->map_mm) {
		ret = -EBUSY;
		goto out;
	}
	if (!imp->scratch) {
		imp->scratch = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!imp->scratch) {
			ret = -ENOMEM;
			goto out;
		}
	}
	if (!imp->map_base) {
		ret = -ENOMEM;
		if (segpages >= RSM_MAP_SLOT_PAGES)
			goto out;
		ret = ida_alloc_range(&rsm_map_slots, 1, RSM_MAP_SLOT_MAX - 1,
				      GFP_KERNEL);
		if (ret < 0)
			goto out;
		imp->map_base = (unsigned long)ret << RSM_MAP_SLOT_SHIFT;
		ret = 0;
	}

	/*
	 * The cache of a remote mapping is kernel memory the process makes
	 * us keep: charged like locked memory to its RLIMIT_MEMLOCK for the
	 * window it maps (and its pages to its memory cgroup).
	 */
	if (!imp->exp) {
		ret = -EAGAIN;
		if (rsm_account_pinned(vma->vm_mm, npages))
			goto out;
		mmgrab(vma->vm_mm);
		imp->map_mm = vma->vm_mm;
		imp->map_charged = npages;
		ret = 0;
	}
	if (!(imp->perm & 0200))
		clear |= VM_MAYWRITE;
	if (!(imp->perm & 0400))
		clear |= VM_MAYREAD;
	imp->mapping = file->f_mapping;
	imp->map_vmas = 1;
	vma->vm_pgoff += imp->map_base;
	vma->vm_private_data = imp;
	vma->vm_ops = imp->exp ? &rsm_map_local_ops : &rsm_map_remote_ops;
	rsm_vma_flags_mod(vma, VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP |
			  VM_DONTCOPY, clear);
out:
	mutex_unlock(&imp->map_lock);
	return ret;
}

struct rsm_sync_batch {
	unsigned int		n;
	unsigned int		npages;
	u64			roff[RSM_SYNC_BATCH];
	u64			len[RSM_SYNC_BATCH];
	struct rsm_lbuf		lb[RSM_SYNC_BATCH];
	struct page		*pages[RSM_SYNC_PAGES];
};

/*
 * Queue bytes [start, end) of page @idx.  A run that goes on where the
 * previous one ended, at the start of the next page, extends it: pages
 * rewritten whole go back as a few long writes.
 */
static void rsm_sync_add(struct rsm_sync_batch *b, struct page *page,
			 unsigned long idx, unsigned int start,
			 unsigned int end)
{
	u64 roff = ((u64)idx << PAGE_SHIFT) + start;
	unsigned int k = b->n - 1;

	if (b->n && !start && b->roff[k] + b->len[k] == roff) {
		b->pages[b->npages++] = page;
		b->len[k] += end;
		return;
	}
	k = b->n++;
	b->roff[k] = roff;
	b->len[k] = end - start;
	b->lb[k].uaddr = 0;
	b->lb[k].pages = &b->pages[b->npages];
	b->lb[k].pgoff = start;
	b->pages[b->npages++] = page;
}

static bool rsm_sync_full(const struct rsm_sync_batch *b)
{
	return b->n == RSM_SYNC_BATCH || b->npages == RSM_SYNC_PAGES;
}

/*
 * Queue the runs of bytes of page @idx that differ from its twin, from
 * byte *@pos on, until the page is done (*@pos == PAGE_SIZE) or the batch
 * is full.
 */
static void rsm_sync_diff(struct rsm_mpage *mp, unsigned long idx,
			  unsigned int *pos, struct rsm_sync_batch *b)
{
	const u8 *cur = kmap_local_page(mp->page);
	const u8 *old = kmap_local_page(mp->twin);
	unsigned int i = *pos, start;

	while (i < PAGE_SIZE && !rsm_sync_full(b)) {
		if (IS_ALIGNED(i, sizeof(long)) &&
		    *(const unsigned long *)(cur + i) ==
		    *(const unsigned long *)(old + i)) {
			i += sizeof(long);
			continue;
		}
		if (cur[i] == old[i]) {
			i++;
			continue;
		}
		start = i;
		while (i < PAGE_SIZE && cur[i] != old[i])
			i++;
		rsm_sync_add(b, mp->page, idx, start, i);
	}
	kunmap_local(old);
	kunmap_local(cur);
	*pos = i;
}

static int rsm_sync_flush(struct rsm_import *imp, struct rsm_ep *ep,
			  struct rsm_sync_batch *b)
{
	unsigned int done;
	int ret;

	if (!b->n)
		return 0;
	ret = rsm_rdma_rw_vec(ep, true, imp->keys, imp->chunk_shift, b->n,
			      b->roff, b->lb, b->len, &imp->aborted,
			      imp->perm & 0400, &done);
	b->n = 0;
	b->npages = 0;
	return rsm_import_xfer_status(imp, ret);
}

/* Write back every page with a twin.  Return: 0 or an RSMERR code. */
static int rsm_map_writeback(struct rsm_import *imp, struct rsm_ep *ep)
{
	struct rsm_sync_batch *b;
	struct rsm_mpage *mp;
	unsigned long idx;
	unsigned int pos;
	int ret = 0;

	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return RSMERR_INSUFFICIENT_MEM;
	xa_for_each_marked(&imp->mcache, idx, mp, RSM_MPAGE_DIRTY) {
		/* from now on a store faults, and twins the page again */
		rsm_map_zap(imp, idx, 1);
		pos = 0;
		while (!ret && pos < PAGE_SIZE) {
			rsm_sync_diff(mp, idx, &pos, b);
			if (rsm_sync_full(b))
				ret = rsm_sync_flush(imp, ep, b);
		}
		if (ret)
			break;
	}
	if (!ret)
		ret = rsm_sync_flush(imp, ep, b);
	kfree(b);
	if (ret)
		return ret;

	xa_for_each_marked(&imp->mcache, idx, mp, RSM_MPAGE_DIRTY) {
		xa_clear_mark(&imp->mcache, idx, RSM_MPAGE_DIRTY);
		__free_page(mp->twin);
		mp->twin = NULL;
		atomic64_dec(&rsm_mapped_pages);
	}
	imp->ndirty = 0;
	return 0;
}

/**
 * rsm_map_sync - RSM_IOC_MAP_SYNC: write back the stores to a mapping
 * @imp: the import
 *
 * Return: 0, RSMERR_CONN_ABORTED, or RSMERR_BARRIER_FAILURE.
 */
int rsm_map_sync(struct rsm_import *imp)
{
	struct rsm_ep *ep;
	int ret = 0;

	if (imp->exp)
		return READ_ONCE(imp->aborted) ? RSMERR_CONN_ABORTED : 0;
	/* before map_lock, as in rsm_map_fault_remote() */
	ep = rsm_ep_get_active(imp->conn, imp->ep_id);
	mutex_lock(&imp->map_lock);
	if (READ_ONCE(imp->aborted)) {
		ret = RSMERR_CONN_ABORTED;
		goto out;
	}
	if (!imp->ndirty)
		goto out;
	if (!ep) {
		rsm_import_abort(imp);
		ret = RSMERR_CONN_ABORTED;
		goto out;
	}
	ret = rsm_map_writeback(imp, ep);
	if (ret == RSMERR_CONN_ABORTED)
		goto out;
	if (ret) {
		/* pending stores stay; the barrier reports the failure */
		atomic64_inc(&imp->errors);
		ret = RSMERR_BARRIER_FAILURE;
	}
out:
	mutex_unlock(&imp->map_lock);
	if (ep)
		rsm_ep_put_user(ep);
	return ret;
}

/**
 * rsm_map_refresh - RSM_IOC_MAP_REFRESH: forget cached pages
 * @imp: the import
 *
 * Pages with stores not yet written back stay.
 *
 * Return: 0 or RSMERR_CONN_ABORTED.
 */
int rsm_map_refresh(struct rsm_import *imp)
{
	int ret = 0;

	if (imp->exp)
		return READ_ONCE(imp->aborted) ? RSMERR_CONN_ABORTED : 0;
	mutex_lock(&imp->map_lock);
	if (READ_ONCE(imp->aborted))
		ret = RSMERR_CONN_ABORTED;
	else
		rsm_map_drop(imp, false);
	mutex_unlock(&imp->map_lock);
	return ret;
}

/**
 * rsm_map_invalidate - unmap every page and drop the cache
 * @imp: the import; its keys or the exporter's pages have changed, or it
 *	 is aborted (faults then map the scratch page)
 */
void rsm_map_invalidate(struct rsm_import *imp)
{
	mutex_lock(&imp->map_lock);
	rsm_map_drop(imp, true);
	mutex_unlock(&imp->map_lock);
}

static void rsm_map_abort_work(struct work_struct *work)
{
	struct rsm_import *imp = container_of(work, struct rsm_import,
					      abort_work);

	rsm_map_invalidate(imp);
	rsm_import_put(imp);
}

/**
 * rsm_map_abort_async - invalidate an aborted import's mapping soon
 * @imp: the import, aborted; the caller may hold locks a fault needs
 */
void rsm_map_abort_async(struct rsm_import *imp)
{
	kref_get(&imp->ref);
	if (!queue_work(rsm_wq, &imp->abort_work))
		rsm_import_put(imp);
}

/**
 * rsm_map_init - mapping state of a new import
 * @imp: the import
 */
void rsm_map_init(struct rsm_import *imp)
{
	mutex_init(&imp->map_lock);
	xa_init(&imp->mcache);
	INIT_WORK(&imp->abort_work, rsm_map_abort_work);
}

/**
 * rsm_map_release - the import's descriptor is closed
 * @imp: the import; no VMA maps it any more
 */
void rsm_map_release(struct rsm_import *imp)
{
	mutex_lock(&imp->map_lock);
	rsm_map_drop(imp, true);
	imp->mapping = NULL;
	mutex_unlock(&imp->map_lock);
}

/**
 * rsm_map_free - free what the mapping left
 * @imp: the import, unreferenced
 */
void rsm_map_free(struct rsm_import *imp)
{
	struct rsm_mpage *mp;
	unsigned long idx;

	xa_for_each(&imp->mcache, idx, mp)
		rsm_mpage_free(mp);
	xa_destroy(&imp->mcache);
	if (imp->scratch)
		__free_page(imp->scratch);
	if (imp->map_base)
		ida_free(&rsm_map_slots, imp->map_base >> RSM_MAP_SLOT_SHIFT);
}
