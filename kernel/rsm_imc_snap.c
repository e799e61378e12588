// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsm: a coherent region's contents for a host that makes its receive
 * memory late (IMC.md 5.2: a host joining later gets a snapshot).
 *
 * Coherent memory is made on a host when a peer first sends to it or a
 * process there attaches for receive.  If another member already has
 * memory of the region, its contents are copied by RDMA READ into the new
 * pages before this host answers for them or maps them, under the
 * region's rxup_lock.  Why nothing is lost:
 *  - a peer that sends to this host first asks for its keys, and the
 *    answer waits for the copy; so every write that reaches this host
 *    lands after the copy, and every write that reached the source before
 *    the copy is in it;
 *  - a write of this host's own loopback meanwhile finds no memory here;
 *    the copy is followed by a new error epoch on this host, so that its
 *    own transmit mappings send everything again at their next flush
 *    point;
 *  - a peer that did not yet count this host as a member writes only to
 *    the others; this host joining moves that peer's epoch too (the
 *    member "came back"), so its mappings send everything again.
 * A write by a process that detached in the meantime and never learnt of
 * this host is the one case a copy can miss; the count that went up when
 * the host joined tells programs to check.
 *
 * The request for the source's keys is served apart from the region's
 * other requests there and never makes memory, so two hosts copying at
 * once do not wait for each other.  The source deregisters its memory
 * only after this host acknowledged RXDOWN, and every RXDOWN, for any
 * region and whether or not the region is still in this host's registry,
 * first waits for the copies in flight and voids keys asked for before
 * it (rsm_imc_snap_fence()).
 */
#include <linux/slab.h>
#include <linux/mm.h>

#include "rsm_imc.h"

/* RXDOWNs heard, and the copies' READs in flight (read) against them */
static atomic_t rsm_imc_rxdowns = ATOMIC_INIT(0);
static DECLARE_RWSEM(rsm_imc_snap_sem);

/**
 * rsm_imc_snap_fence - a peer drops receive memory (RXDOWN): return once
 * no copy reads with keys asked for before
 */
void rsm_imc_snap_fence(void)
{
	atomic_inc(&rsm_imc_rxdowns);
	down_write(&rsm_imc_snap_sem);
	up_write(&rsm_imc_snap_sem);
}

/*
 * The keys of the source's memory of @m over @ep.  Return: 0 with @keys
 * (kvfree()) and @cshift, -ENODATA when it has no memory of the region,
 * or another error.
 */
static int rsm_imc_snap_keys(struct rsm_imc_mem *m, struct rsm_ep *ep,
			     u32 **keysp, u32 *cshift)
{
	const struct rsm_msg_imc_rxkeys_reply *rep;
	u32 first = 0, nchunks = 0, *keys = NULL, i, n;
	struct rsm_rpc *rpc;
	int ret;

	*cshift = 0;
	do {
		ret = rsm_imc_ask_keys(ep, m->a.key, first,
				       RSM_IMC_RXKEYS_SNAPSHOT, &rpc);
		if (ret)
			break;
		rep = (const void *)rpc->reply;
		if (!rsm_imc_keys_ok(m, rep, first, nchunks, *cshift)) {
			atomic64_inc(&rsm_cluster.bad_msgs);
			rsm_conn_fail(ep, "receive keys for another region");
			ret = -EAGAIN;
		} else if (rep->flags) {
			ret = rep->flags == cpu_to_le32(RSM_IMC_RX_NONE) ?
			      -ENODATA : -EIO;
		} else {
			n = le32_to_cpu(rep->nkeys);
			if (!first) {
				nchunks = le32_to_cpu(rep->nchunks);
				*cshift = le32_to_cpu(rep->chunk_shift);
				keys = kvcalloc(nchunks, sizeof(*keys),
						GFP_KERNEL_ACCOUNT);
				if (!keys)
					ret = -ENOMEM;
			}
			/* checked: first + n <= nchunks */
			for (i = 0; keys && i < n; i++)
				keys[first + i] = le32_to_cpu(rep->keys[i]);
			first += n;
		}
		kfree(rpc);
	} while (!ret && first < nchunks);
	if (ret) {
		kvfree(keys);
		return ret;
	}
	*keysp = keys;
	return 0;
}

/* Copy @m from @nodeid into @rx.  Return: 0, -ENODATA (none there) or < 0. */
static int rsm_imc_snap_from(struct rsm_imc_mem *m, struct page **rx,
			     u32 nodeid)
{
	struct rsm_ep *ep = rsm_cluster_rail_ep(nodeid, m->a.rail);
	struct rsm_lbuf lb = { .pages = rx };
	u64 roff = 0, len = m->a.size;
	unsigned int done;
	int seen = atomic_read(&rsm_imc_rxdowns);
	u32 *keys, cshift;
	int ret;

	if (!ep)
		return -ENOTCONN;
	ret = rsm_imc_snap_keys(m, ep, &keys, &cshift);
	if (ret)
		goto out;
	/* an RXDOWN waits for the READ; one since we asked: maybe stale */
	down_read(&rsm_imc_snap_sem);
	ret = atomic_read(&rsm_imc_rxdowns) == seen ? 0 : -EAGAIN;
	if (!ret)
		ret = rsm_rdma_rw_vec(ep, false, keys, cshift, 1, &roff, &lb,
				      &len, NULL, true, &done);
	up_read(&rsm_imc_snap_sem);
	kvfree(keys);
out:
	rsm_ep_put_user(ep);
	return ret;
}

/**
 * rsm_imc_rx_copy - copy a coherent region from a member that has it
 * @m: the region, coherent; its memory is not made yet
 * @rx: the new memory, zeroed, @m->npages pages
 *
 * Under @m's rxup_lock.  When no member has memory of the region, there
 * is nothing to copy.
 *
 * Return: 0 (copied, or nothing to copy), -EINTR, or another error when
 * no member that may have it could be read.
 */
int rsm_imc_rx_copy(struct rsm_imc_mem *m, struct page **rx)
{
	u32 nodes[RSM_IMC_HOSTS];
	unsigned int n, i;
	bool copied = false;
	int ret = 0, r;

	n = rsm_imc_member_peers(nodes, ARRAY_SIZE(nodes));
	for (i = 0; i < n && !copied; i++) {
		if (fatal_signal_pending(current))
			return -EINTR;
		r = rsm_imc_snap_from(m, rx, nodes[i]);
		if (r == -EAGAIN)	/* an RXDOWN meanwhile: ask again */
			r = rsm_imc_snap_from(m, rx, nodes[i]);
		if (!r)
			copied = true;
		else if (r != -ENODATA)
			ret = r;
	}
	if (!copied)
		return ret;
	/* what this host looped back meanwhile found no memory here */
	rsm_imc_epoch_next();
	return 0;
}
