// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsm: registering local pages for one peer - a set of fast-registration
 * memory regions over the pages, in the peer connection's protection
 * domain, one region per power-of-two chunk, addressed by offset.  The
 * segment layer registers exported segments so; the Memory Channel layer
 * registers receive memory.
 */
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/log2.h>
#include <linux/scatterlist.h>

#include "rsm_tp.h"

/* Pages one memory region covers at most (a power of two). */
#define RSM_CHUNK_PAGES_MAX	512

/* Memory regions registered, for the status report. */
atomic64_t rsm_registrations = ATOMIC64_INIT(0);

/**
 * rsm_mr_chunk_shift - the chunk size registrations on @ep use
 * @ep: an endpoint whose controller is known
 *
 * Every region has room for one page more than it maps: soft-RoCE (6.1)
 * reads one map pointer past the end of a region when an access ends at a
 * boundary of its page maps (KASAN reports it).  So a chunk is the largest
 * power of two of pages below what the device can map.
 *
 * Return: log2 of the chunk size in bytes, or 0 if the device cannot map.
 */
u32 rsm_mr_chunk_shift(struct rsm_ep *ep)
{
	u32 max = ep->ctrl->ibdev->attrs.max_fast_reg_page_list_len;
	u32 n = min_t(u32, max ? max - 1 : 0, RSM_CHUNK_PAGES_MAX);

	return n ? PAGE_SHIFT + ilog2(n) : 0;
}

/**
 * rsm_mrset_destroy - deregister and free a registration
 * @set: from rsm_mrset_create(), or NULL
 */
void rsm_mrset_destroy(struct rsm_mrset *set)
{
	u32 i;

	if (!set)
		return;
	for (i = 0; i < set->nchunks; i++) {
		struct rsm_mrchunk *c = &set->chunk[i];

		if (c->mr) {
			ib_dereg_mr(c->mr);
			atomic64_dec(&rsm_registrations);
		}
		if (c->nents)
			ib_dma_unmap_sg(set->dev, c->sgt.sgl, c->sgt.orig_nents,
					DMA_BIDIRECTIONAL);
		if (c->sgt_alloc)
			sg_free_table(&c->sgt);
	}
	kvfree(set);
}

/* Map and allocate the region of chunk @k; fill its registration request. */
static int rsm_mrchunk_init(struct ib_pd *pd, struct rsm_mrset *set, u32 k,
			    struct page **pages, unsigned long n, u32 cshift,
			    int access, struct ib_reg_wr *wr)
{
	struct rsm_mrchunk *c = &set->chunk[k];
	int mapped;

	if (sg_alloc_table_from_pages(&c->sgt, pages, n, 0,
				      (u64)n << PAGE_SHIFT, GFP_KERNEL))
		return -ENOMEM;
	c->sgt_alloc = true;
	c->nents = ib_dma_map_sg(set->dev, c->sgt.sgl, c->sgt.orig_nents,
				 DMA_BIDIRECTIONAL);
	if (!c->nents)
		return -ENOMEM;
	c->mr = ib_alloc_mr(pd, IB_MR_TYPE_MEM_REG, n + 1);
	if (IS_ERR(c->mr)) {
		int ret = PTR_ERR(c->mr);

		c->mr = NULL;
		return ret;
	}
	atomic64_inc(&rsm_registrations);
	mapped = ib_map_mr_sg(c->mr, c->sgt.sgl, c->nents, NULL, PAGE_SIZE);
	if (mapped != c->nents)
		return mapped < 0 ? mapped : -EINVAL;
	/* the importer addresses segment offsets (rsm_proto.h) */
	c->mr->iova = (u64)k << cshift;
	ib_update_fast_reg_key(c->mr, ib_inc_rkey(c->mr->rkey));

	memset(wr, 0, sizeof(*wr));
	wr->wr.opcode = IB_WR_REG_MR;
	wr->wr.send_flags = IB_SEND_SIGNALED;
	wr->mr = c->mr;
	wr->key = c->mr->rkey;
	wr->access = access;
	return 0;
}

/**
 * rsm_mrset_create - register pages for the peer of one endpoint
 * @ep: active endpoint, with a user reference; the registration is in its
 *	protection domain, so its keys work on its QP only
 * @pages: the pages, kept by the caller until the set is destroyed
 * @npages: how many
 * @cshift: from rsm_mr_chunk_shift(): each chunk of 2^@cshift bytes is one
 *	memory region, addressed from (chunk index << @cshift)
 * @access: IB_ACCESS_* the peer gets, exactly
 * @out: the registration
 *
 * The registrations are posted on @ep's QP; this waits for them.
 *
 * Return: 0, or a negative errno (-E2BIG: too many chunks for the wire).
 */
int rsm_mrset_create(struct rsm_ep *ep, struct page **pages,
		     unsigned long npages, u32 cshift, int access,
		     struct rsm_mrset **out)
{
	unsigned long cpages = 1UL << (cshift - PAGE_SHIFT);
	u32 k, nchunks = DIV_ROUND_UP(npages, cpages);
	struct ib_reg_wr wr[8];
	struct rsm_mrset *set;
	struct rsm_xfer x;
	unsigned int i, nw = 0;
	int ret = 0, wret;

	if (nchunks > RSM_WIRE_CHUNKS_MAX)
		return -E2BIG;
	set = kvzalloc(struct_size(set, chunk, nchunks), GFP_KERNEL_ACCOUNT);
	if (!set)
		return -ENOMEM;
	set->dev = ep->ctrl->ibdev;
	set->nchunks = nchunks;
	ret = rsm_sq_exclusive_begin(ep);
	if (ret) {
		kvfree(set);
		return ret;
	}
	rsm_xfer_init(&x, ep);
	for (k = 0; k < nchunks && !ret; k++) {
		unsigned long n = min(cpages, npages - k * cpages);

		ret = rsm_mrchunk_init(ep->pd, set, k, pages + k * cpages, n,
				       cshift, access,
				       &wr[nw]);
		if (ret)
			break;
		wr[nw].wr.wr_cqe = &x.cqe;
		nw++;
		if (nw == ARRAY_SIZE(wr) || k + 1 == nchunks) {
			for (i = 0; i + 1 < nw; i++)
				wr[i].wr.next = &wr[i + 1].wr;
			wr[nw - 1].wr.next = NULL;
			ret = rsm_xfer_post_exclusive(&x, &wr[0].wr, nw);
			nw = 0;
		}
	}
	wret = rsm_xfer_wait(&x);
	rsm_sq_exclusive_end(ep);
	if (ret || wret) {
		rsm_mrset_destroy(set);
		return ret ?: wret;
	}
	*out = set;
	return 0;
}

/**
 * rsm_loop_reg - register pages in a loopback's protection domain, so
 * that its atomics reach them
 * @lp: a loopback, with a user reference
 * @pages: the pages, kept by the caller until the registration goes
 * @npages: how many, at most RSM_CHUNK_PAGES_MAX
 * @access: IB_ACCESS_* the loopback gets
 * @out: the registration, one chunk addressed from 0
 *
 * Return: 0 or a negative errno.
 */
int rsm_loop_reg(struct rsm_loop *lp, struct page **pages,
		 unsigned long npages, int access, struct rsm_mrset **out)
{
	struct rsm_ctrl *ctrl = rsm_loop_ctrl(lp);
	struct rsm_mrset *set;
	struct ib_reg_wr wr;
	int ret;

	if (!npages || npages > RSM_CHUNK_PAGES_MAX)
		return -EINVAL;
	set = kvzalloc(struct_size(set, chunk, 1), GFP_KERNEL_ACCOUNT);
	if (!set)
		return -ENOMEM;
	set->dev = ctrl->ibdev;
	set->nchunks = 1;
	ret = rsm_mrchunk_init(rsm_loop_pd(lp), set, 0, pages, npages,
			       PAGE_SHIFT + ilog2(RSM_CHUNK_PAGES_MAX), access,
			       &wr);
	if (!ret)
		ret = rsm_loop_post_wait(lp, &wr.wr);
	if (ret) {
		rsm_mrset_destroy(set);
		return ret;
	}
	*out = set;
	return 0;
}

/**
 * rsm_mrset_key - the remote key of one chunk
 * @set: a registration
 * @k: chunk index, below @set->nchunks
 *
 * Return: the key the peer uses for chunk @k.
 */
u32 rsm_mrset_key(const struct rsm_mrset *set, u32 k)
{
	return set->chunk[k].mr->rkey;
}
