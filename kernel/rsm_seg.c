// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsm: the segment layer as a client of the transport (DESIGN.md decision
 * 16) - which requests it serves, in which order, and what it does when a
 * connection goes down or an endpoint is destroyed.
 */
#include <linux/hash.h>
#include <linux/log2.h>

#include "rsm_loc.h"

static const u16 rsm_seg_req_types[] = {
	RSM_MSG_IMPORT_REQ,
	RSM_MSG_KEYS_REQ,
	RSM_MSG_RELEASE,
	RSM_MSG_REVOKE,
	RSM_MSG_SIGNAL,
};

/* The segment a checked request is about. */
static u32 rsm_seg_req_segid(const void *msg)
{
	const struct rsm_msg_hdr *hdr = msg;

	switch (le16_to_cpu(hdr->type)) {
	case RSM_MSG_IMPORT_REQ:
		return le32_to_cpu(((const struct rsm_msg_import_req *)msg)->segid);
	case RSM_MSG_KEYS_REQ:
		return le32_to_cpu(((const struct rsm_msg_keys_req *)msg)->segid);
	case RSM_MSG_RELEASE:
		return le32_to_cpu(((const struct rsm_msg_release *)msg)->segid);
	case RSM_MSG_REVOKE:
		return le32_to_cpu(((const struct rsm_msg_revoke *)msg)->segid);
	case RSM_MSG_SIGNAL:
		return le32_to_cpu(((const struct rsm_msg_signal *)msg)->segid);
	default:
		return 0;
	}
}

/*
 * The queue of a checked request: by the segment it is about, and by our
 * role for it.  Requests about one segment take effect in the order they
 * were sent (a SIGNAL before the RELEASE that follows it, a RELEASE before
 * a later IMPORT_REQ).  Requests to an exporter (IMPORT_REQ, KEYS_REQ,
 * RELEASE, SIGNAL to the export) may wait for an export's lock, which its
 * holder keeps while it waits for the peer to answer a REVOKE; requests to
 * an importer (REVOKE, SIGNAL to its imports) go to the other half of the
 * queues and never wait behind them.
 */
static unsigned int rsm_seg_req_queue(const void *msg)
{
	const struct rsm_msg_hdr *hdr = msg;
	const struct rsm_msg_signal *sig = msg;
	unsigned int half = RSM_CTL_QUEUES / 2;
	unsigned int q = hash_32(rsm_seg_req_segid(msg), ilog2(half));

	switch (le16_to_cpu(hdr->type)) {
	case RSM_MSG_REVOKE:
		return half + q;
	case RSM_MSG_SIGNAL:
		return le32_to_cpu(sig->target) == RSM_SIGNAL_TO_IMPORTS ?
		       half + q : q;
	default:
		return q;
	}
}

/*
 * Merge a SIGNAL into one for the same segment, target and publication
 * still queued, unless a request about that segment came between them (it
 * must see the events in order).  A post without RSM_SIGNAL_NO_ACCUMULATE
 * adds one event after the earlier post took effect; one with it adds
 * nothing, as the earlier post leaves an event pending.
 */
static enum rsm_tp_merge rsm_seg_req_merge(void *queued, u32 *more,
					   const void *msg)
{
	const struct rsm_msg_signal *old = queued, *sig = msg;

	if (le16_to_cpu(sig->hdr.type) != RSM_MSG_SIGNAL)
		return RSM_TP_MERGE_STOP;
	if (rsm_seg_req_segid(queued) != le32_to_cpu(sig->segid))
		return RSM_TP_MERGE_NEXT;
	if (le16_to_cpu(old->hdr.type) != RSM_MSG_SIGNAL ||
	    old->target != sig->target || old->instance != sig->instance)
		return RSM_TP_MERGE_STOP;
	if (le32_to_cpu(sig->flags) & RSM_SIGNAL_NO_ACCUMULATE)
		return RSM_TP_MERGED;
	if (*more == U32_MAX)
		return RSM_TP_MERGE_STOP;
	(*more)++;
	return RSM_TP_MERGED;
}

static void rsm_seg_req_serve(struct rsm_ep *ep, const void *msg, u32 more)
{
	const struct rsm_msg_hdr *hdr = msg;

	switch (le16_to_cpu(hdr->type)) {
	case RSM_MSG_IMPORT_REQ:
		rsm_export_handle_import_req(ep, msg);
		break;
	case RSM_MSG_KEYS_REQ:
		rsm_export_handle_keys_req(ep, msg);
		break;
	case RSM_MSG_RELEASE:
		rsm_export_handle_release(ep, msg);
		break;
	case RSM_MSG_REVOKE:
		rsm_import_handle_revoke(ep, msg);
		break;
	case RSM_MSG_SIGNAL:
		rsm_signal_handle(ep, msg, more);
		break;
	}
}

static void rsm_seg_fill_status(struct rsm_stat_hdr *hdr)
{
	hdr->exported_segments = atomic64_read(&rsm_exported_segments);
	hdr->pinned_pages = atomic64_read(&rsm_pinned_pages);
	hdr->imported_segments = atomic64_read(&rsm_imported_segments);
	hdr->importers = atomic64_read(&rsm_importers);
	hdr->registrations = atomic64_read(&rsm_registrations);
	hdr->localmem_handles = atomic64_read(&rsm_localmem_handles);
	hdr->mapped_pages = atomic64_read(&rsm_mapped_pages);
}

static const struct rsm_tp_client rsm_seg_client = {
	.id		= RSM_TP_SEGMENTS,
	.types		= rsm_seg_req_types,
	.ntypes		= ARRAY_SIZE(rsm_seg_req_types),
	.req_queue	= rsm_seg_req_queue,
	.req_merge	= rsm_seg_req_merge,
	.req_serve	= rsm_seg_req_serve,
	.conn_down	= rsm_import_conn_down_locked,
	.ep_gone	= rsm_export_ep_gone,
	.fill_status	= rsm_seg_fill_status,
};

/**
 * rsm_seg_init - register the segment layer with the transport
 *
 * Return: 0 or a negative errno.
 */
int rsm_seg_init(void)
{
	return rsm_tp_register(&rsm_seg_client);
}

/**
 * rsm_seg_exit - unregister, once the last connection is gone
 */
void rsm_seg_exit(void)
{
	rsm_tp_unregister(&rsm_seg_client);
	rsm_export_exit();
}
