// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsm: checks of what a peer sends, before anything else looks at it.
 *
 * Every function here is a pure function of the received bytes: no locks,
 * no allocation, no state.  They run on every hello, every control message
 * and every segment description an importer is given, and the host-side
 * fuzzer (selftests/fuzz) compiles this very file.  What they accept is
 * safe to use as array sizes, indices and shifts without further checks;
 * what needs state (does this answer belong to that request, does the
 * segment still match what we imported) is checked by the callers.
 */
#ifdef __KERNEL__
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/string.h>
#else
#include "rsm_wire_host.h"
#endif

#include "rsm_proto.h"

/* Highest RSMERR code a peer may report (rsm_common.h). */
#define RSM_WIRE_STATUS_MAX	134
#define RSM_WIRE_IMPORT_FLAGS	0x7	/* RSM_IMPORT_* */
#define RSM_WIRE_SIGNAL_FLAGS	0x2	/* RSM_SIGNAL_NO_ACCUMULATE */

/**
 * rsm_wire_msg_len - the length of a control message type
 * @type: enum rsm_msg_type
 *
 * Return: the one length messages of @type have, or 0 for unknown types.
 */
__u32 rsm_wire_msg_len(unsigned int type)
{
	switch (type) {
	case RSM_MSG_INFO:
		return sizeof(struct rsm_msg_info);
	case RSM_MSG_HEARTBEAT:
		return sizeof(struct rsm_msg_heartbeat);
	case RSM_MSG_IMPORT_REQ:
		return sizeof(struct rsm_msg_import_req);
	case RSM_MSG_SEG_REPLY:
		return sizeof(struct rsm_msg_seg_reply);
	case RSM_MSG_KEYS_REQ:
		return sizeof(struct rsm_msg_keys_req);
	case RSM_MSG_RELEASE:
		return sizeof(struct rsm_msg_release);
	case RSM_MSG_REVOKE:
		return sizeof(struct rsm_msg_revoke);
	case RSM_MSG_ACK:
		return sizeof(struct rsm_msg_ack);
	case RSM_MSG_SIGNAL:
		return sizeof(struct rsm_msg_signal);
	case RSM_MSG_IMC_HOST:
		return sizeof(struct rsm_msg_imc_host);
	case RSM_MSG_IMC_ALLOC:
		return sizeof(struct rsm_msg_imc_alloc);
	case RSM_MSG_IMC_ALLOC_REPLY:
	case RSM_MSG_IMC_REGION:
		return sizeof(struct rsm_msg_imc_region);
	case RSM_MSG_IMC_RXKEYS:
		return sizeof(struct rsm_msg_imc_rxkeys);
	case RSM_MSG_IMC_RXKEYS_REPLY:
		return sizeof(struct rsm_msg_imc_rxkeys_reply);
	case RSM_MSG_IMC_RXUP:
	case RSM_MSG_IMC_RXDOWN:
		return sizeof(struct rsm_msg_imc_rxup);
	case RSM_MSG_IMC_ERRCNT:
		return sizeof(struct rsm_msg_imc_errcnt);
	case RSM_MSG_IMC_KILL:
		return sizeof(struct rsm_msg_imc_kill);
	case RSM_MSG_IMC_KILL_REPLY:
		return sizeof(struct rsm_msg_imc_kill_reply);
	case RSM_MSG_IMC_LKOP:
		return sizeof(struct rsm_msg_imc_lkop);
	case RSM_MSG_IMC_LKOP_REPLY:
		return sizeof(struct rsm_msg_imc_lkop_reply);
	case RSM_MSG_IMC_LKGRANT:
		return sizeof(struct rsm_msg_imc_lkgrant);
	case RSM_MSG_IMC_LKKEYS:
		return sizeof(struct rsm_msg_imc_lkkeys);
	case RSM_MSG_IMC_LKKEYS_REPLY:
		return sizeof(struct rsm_msg_imc_lkkeys_reply);
	case RSM_MSG_IMC_LKDOWN:
		return sizeof(struct rsm_msg_imc_lkdown);
	case RSM_MSG_IMC_LKADOPT:
		return sizeof(struct rsm_msg_imc_lkadopt);
	case RSM_MSG_IMC_LKADOPT_REPLY:
		return sizeof(struct rsm_msg_imc_lkadopt_reply);
	default:
		return 0;
	}
}

/**
 * rsm_wire_msg_kind - what a control message type is to the transport
 * @type: enum rsm_msg_type
 *
 * Return: enum rsm_wire_kind; RSM_WIRE_UNKNOWN for unknown types.
 */
enum rsm_wire_kind rsm_wire_msg_kind(unsigned int type)
{
	switch (type) {
	case RSM_MSG_INFO:
	case RSM_MSG_HEARTBEAT:
		return RSM_WIRE_TRANSPORT;
	case RSM_MSG_IMPORT_REQ:
	case RSM_MSG_KEYS_REQ:
	case RSM_MSG_RELEASE:
	case RSM_MSG_REVOKE:
	case RSM_MSG_SIGNAL:
	case RSM_MSG_IMC_HOST:
	case RSM_MSG_IMC_ALLOC:
	case RSM_MSG_IMC_REGION:
	case RSM_MSG_IMC_RXKEYS:
	case RSM_MSG_IMC_RXUP:
	case RSM_MSG_IMC_RXDOWN:
	case RSM_MSG_IMC_ERRCNT:
	case RSM_MSG_IMC_KILL:
	case RSM_MSG_IMC_LKOP:
	case RSM_MSG_IMC_LKGRANT:
	case RSM_MSG_IMC_LKKEYS:
	case RSM_MSG_IMC_LKDOWN:
	case RSM_MSG_IMC_LKADOPT:
		return RSM_WIRE_REQUEST;
	case RSM_MSG_SEG_REPLY:
	case RSM_MSG_ACK:
	case RSM_MSG_IMC_ALLOC_REPLY:
	case RSM_MSG_IMC_RXKEYS_REPLY:
	case RSM_MSG_IMC_KILL_REPLY:
	case RSM_MSG_IMC_LKOP_REPLY:
	case RSM_MSG_IMC_LKKEYS_REPLY:
	case RSM_MSG_IMC_LKADOPT_REPLY:
		return RSM_WIRE_ANSWER;
	default:
		return RSM_WIRE_UNKNOWN;
	}
}

/**
 * rsm_wire_answer_type - the answer a request waits for
 * @request: enum rsm_msg_type
 *
 * Return: the type of its answer, or 0 for a type nobody answers.
 */
unsigned int rsm_wire_answer_type(unsigned int request)
{
	switch (request) {
	case RSM_MSG_IMPORT_REQ:
	case RSM_MSG_KEYS_REQ:
		return RSM_MSG_SEG_REPLY;
	case RSM_MSG_REVOKE:
	case RSM_MSG_IMC_RXUP:
	case RSM_MSG_IMC_RXDOWN:
	case RSM_MSG_IMC_LKDOWN:
		return RSM_MSG_ACK;
	case RSM_MSG_IMC_ALLOC:
		return RSM_MSG_IMC_ALLOC_REPLY;
	case RSM_MSG_IMC_RXKEYS:
		return RSM_MSG_IMC_RXKEYS_REPLY;
	case RSM_MSG_IMC_KILL:
		return RSM_MSG_IMC_KILL_REPLY;
	case RSM_MSG_IMC_LKOP:
		return RSM_MSG_IMC_LKOP_REPLY;
	case RSM_MSG_IMC_LKKEYS:
		return RSM_MSG_IMC_LKKEYS_REPLY;
	case RSM_MSG_IMC_LKADOPT:
		return RSM_MSG_IMC_LKADOPT_REPLY;
	default:
		return 0;
	}
}

/* Read 0400, write 0200, both, or neither (RSM_PERM_NONE). */
static bool rsm_wire_perm_ok(__u32 perm)
{
	return !(perm & ~RSM_WIRE_PERM_MASK);
}

static bool rsm_wire_zero(const void *p, size_t len)
{
	const __u8 *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		if (b[i])
			return false;
	return true;
}

static int rsm_wire_check_info(const struct rsm_msg_info *m)
{
	if (le32_to_cpu(m->nodeid) >= RSM_WIRE_NODES || m->pad)
		return -EPROTO;
	if (!memchr(m->ctlr_name, 0, sizeof(m->ctlr_name)))
		return -EPROTO;
	return 0;
}

static int rsm_wire_check_import_req(const struct rsm_msg_import_req *m)
{
	if (!m->xid || !rsm_wire_perm_ok(le32_to_cpu(m->perm)))
		return -EPROTO;
	if (le32_to_cpu(m->flags) & ~RSM_WIRE_IMPORT_FLAGS)
		return -EPROTO;
	if (le32_to_cpu(m->ngroups) > RSM_WIRE_GROUPS)
		return -EPROTO;
	return 0;
}

static int rsm_wire_check_seg_reply(const struct rsm_msg_seg_reply *m)
{
	__u32 status = le32_to_cpu(m->status);

	if (!m->xid || status > RSM_WIRE_STATUS_MAX)
		return -EPROTO;
	/* a refusal carries nothing else */
	if (status)
		return rsm_wire_zero(&m->chunk_shift, sizeof(*m) -
				     offsetof(struct rsm_msg_seg_reply,
					      chunk_shift)) ? 0 : -EPROTO;
	return rsm_wire_check_reply(m, sizeof(*m), NULL);
}

/**
 * rsm_wire_name_char - whether a host name may hold @c
 * @c: a byte
 *
 * Return: true for ASCII letters, digits, '-', '_' and '.', what rsm.conf
 * allows in a host name.
 */
bool rsm_wire_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

/*
 * A host name: NUL-terminated, of rsm_wire_name_char() only, zero after
 * it, not empty for a member.
 */
static int rsm_wire_check_imc_host(const struct rsm_msg_imc_host *m)
{
	__u32 flags = le32_to_cpu(m->flags);
	__u32 n;

	if (m->xid || m->pad || (flags & ~RSM_IMC_HOST_MEMBER))
		return -EPROTO;
	for (n = 0; n < sizeof(m->name) && m->name[n]; n++)
		if (!rsm_wire_name_char(m->name[n]))
			return -EPROTO;
	if (n == sizeof(m->name) || ((flags & RSM_IMC_HOST_MEMBER) && !n))
		return -EPROTO;
	return rsm_wire_zero(m->name + n, sizeof(m->name) - n) ? 0 : -EPROTO;
}

static bool rsm_wire_imc_size_ok(__u64 size)
{
	return size >= RSM_IMC_PAGE && size <= RSM_IMC_SIZE_MAX &&
	       !(size % RSM_IMC_PAGE);
}

/* A lock set's size (locks) and flags, or a region's. */
static bool rsm_wire_imc_kind_ok(__u64 size, __u32 flags, __u32 rail,
				 __u32 allowed)
{
	if (flags & RSM_IMC_LOCKSET)
		return !(flags & ~(RSM_IMC_LOCKSET | (allowed & RSM_IMC_EXCL))) &&
		       !rail && size && size <= RSM_IMC_LOCKS_MAX;
	return !(flags & ~RSM_IMC_COHERENT) && rail < RSM_IMC_RAILS_MAX &&
	       rsm_wire_imc_size_ok(size);
}

static int rsm_wire_check_imc_alloc(const struct rsm_msg_imc_alloc *m)
{
	__u32 n = le32_to_cpu(m->ngroups), flags = le32_to_cpu(m->flags);
	bool excl = flags & RSM_IMC_EXCL;

	if (!m->xid || m->pad || n > RSM_WIRE_GROUPS ||
	    (le32_to_cpu(m->perm) & ~RSM_IMC_PERM_MASK) ||
	    !rsm_wire_imc_kind_ok(le64_to_cpu(m->size), flags,
				  le32_to_cpu(m->rail), RSM_IMC_EXCL) ||
	    excl != !!m->owner || (!excl && m->pid) ||
	    le32_to_cpu(m->pid) > RSM_IMC_PID_MAX)
		return -EPROTO;
	return rsm_wire_zero(&m->groups[n], (RSM_WIRE_GROUPS - n) *
			     sizeof(m->groups[0])) ? 0 : -EPROTO;
}

/* A region described: every field in range. */
static bool rsm_wire_imc_desc_ok(const struct rsm_msg_imc_region *m)
{
	__u32 flags = le32_to_cpu(m->flags), home = le32_to_cpu(m->home);

	return !(le32_to_cpu(m->perm) & ~RSM_IMC_PERM_MASK) &&
	       rsm_wire_imc_kind_ok(le64_to_cpu(m->size), flags,
				    le32_to_cpu(m->rail), 0) && m->id &&
	       ((flags & RSM_IMC_LOCKSET) ? home && home <= RSM_WIRE_NODES :
		!home);
}

/*
 * Nothing but @key and which kind of key it is: a refusal, or a host
 * without allocators.
 */
static bool rsm_wire_imc_bare(const struct rsm_msg_imc_region *m)
{
	__u32 flags = le32_to_cpu(m->flags);

	return (!flags || flags == RSM_IMC_LOCKSET) && !m->perm && !m->size &&
	       !m->rail && !m->uid && !m->gid && !m->id && !m->home;
}

static int rsm_wire_check_imc_region(const struct rsm_msg_imc_region *m,
				     bool reply)
{
	__u32 st = le32_to_cpu(m->status);

	if (reply) {
		if (!m->xid || m->present)
			return -EPROTO;
		if (st == RSM_IMC_ST_MCFULL || st == RSM_IMC_ST_PERMIT ||
		    st == RSM_IMC_ST_EXISTS ||
		    st == RSM_IMC_ST_BADSIZE || st == RSM_IMC_ST_COHERENCY ||
		    st == RSM_IMC_ST_WRONGRAIL)
			return rsm_wire_imc_bare(m) ? 0 : -EPROTO;
		return !st && rsm_wire_imc_desc_ok(m) ? 0 : -EPROTO;
	}
	if (m->xid || st || le32_to_cpu(m->present) > 1)
		return -EPROTO;
	if (!m->present)
		return rsm_wire_imc_bare(m) ? 0 : -EPROTO;
	return rsm_wire_imc_desc_ok(m) ? 0 : -EPROTO;
}

/* Keys of receive memory: a region's size in chunks the wire allows. */
static int rsm_wire_check_rxkeys_reply(const struct rsm_msg_imc_rxkeys_reply *m)
{
	__u32 flags = le32_to_cpu(m->flags), shift = le32_to_cpu(m->chunk_shift);
	__u32 nchunks = le32_to_cpu(m->nchunks), first = le32_to_cpu(m->first);
	__u32 nkeys = le32_to_cpu(m->nkeys);
	__u64 size = le64_to_cpu(m->size);

	if (!m->xid || m->pad ||
	    (flags && flags != RSM_IMC_RX_NONE && flags != RSM_IMC_RX_FAILED))
		return -EPROTO;
	if (flags)
		return rsm_wire_zero(&m->size, sizeof(*m) -
				     offsetof(struct rsm_msg_imc_rxkeys_reply,
					      size)) ? 0 : -EPROTO;
	if (!rsm_wire_imc_size_ok(size) || shift < RSM_WIRE_CHUNK_SHIFT_MIN ||
	    shift > RSM_WIRE_CHUNK_SHIFT_MAX ||
	    nchunks > RSM_WIRE_CHUNKS_MAX ||
	    ((size - 1) >> shift) + 1 != nchunks)
		return -EPROTO;
	if (first >= nchunks || !nkeys || nkeys > RSM_WIRE_KEYS ||
	    nkeys > nchunks - first)
		return -EPROTO;
	return rsm_wire_zero(&m->keys[nkeys], (RSM_WIRE_KEYS - nkeys) *
			     sizeof(m->keys[0])) ? 0 : -EPROTO;
}

static int rsm_wire_check_imc_small(unsigned int type, const void *buf)
{
	const struct rsm_msg_imc_rxkeys *rk = buf;
	const struct rsm_msg_imc_rxup *up = buf;
	const struct rsm_msg_imc_errcnt *ec = buf;
	const struct rsm_msg_imc_kill *k = buf;
	const struct rsm_msg_imc_kill_reply *kr = buf;

	switch (type) {
	case RSM_MSG_IMC_KILL:
		return k->xid && le32_to_cpu(k->pid) &&
		       le32_to_cpu(k->pid) <= RSM_IMC_PID_MAX &&
		       le32_to_cpu(k->sig) <= RSM_IMC_SIG_MAX ? 0 : -EPROTO;
	case RSM_MSG_IMC_KILL_REPLY:
		return kr->xid && le32_to_cpu(kr->status) <= RSM_IMC_KILL_NOROOT &&
		       !kr->pad ? 0 : -EPROTO;
	case RSM_MSG_IMC_RXKEYS:
		return rk->xid &&
		       le32_to_cpu(rk->first) < RSM_WIRE_CHUNKS_MAX &&
		       !(le32_to_cpu(rk->flags) & ~RSM_IMC_RXKEYS_SNAPSHOT) &&
		       !rk->pad ? 0 : -EPROTO;
	case RSM_MSG_IMC_RXUP:
	case RSM_MSG_IMC_RXDOWN:
		return up->xid && !up->pad ? 0 : -EPROTO;
	default:
		return !ec->xid && le32_to_cpu(ec->rail) < RSM_IMC_RAILS_MAX &&
		       le32_to_cpu(ec->count) <= RSM_IMC_ERRCNT_MAX ?
		       0 : -EPROTO;
	}
}

static int rsm_wire_check_imc_lock(unsigned int type, const void *buf)
{
	const struct rsm_msg_imc_lkop *op = buf;
	const struct rsm_msg_imc_lkop_reply *rep = buf;
	const struct rsm_msg_imc_lkgrant *g = buf;
	__u32 o = le32_to_cpu(op->op);
	bool waiter = o == RSM_IMC_LK_TRY || o == RSM_IMC_LK_WAIT ||
		      o == RSM_IMC_LK_CANCEL;

	switch (type) {
	case RSM_MSG_IMC_LKOP:
		return o && o <= RSM_IMC_LK_OP_MAX && op->xid &&
		       le32_to_cpu(op->index) < RSM_IMC_LOCKS_MAX &&
		       (o != RSM_IMC_LK_DROP || !op->index) && op->owner &&
		       le32_to_cpu(op->pid) <= RSM_IMC_PID_MAX && !op->pad &&
		       !op->wait == !waiter ? 0 : -EPROTO;
	case RSM_MSG_IMC_LKOP_REPLY:
		return rep->xid && le32_to_cpu(rep->status) <= RSM_IMC_LKR_MAX &&
		       !rep->pad ? 0 : -EPROTO;
	default:
		return !g->xid && le32_to_cpu(g->index) < RSM_IMC_LOCKS_MAX &&
		       g->wait && g->owner && !g->pad ? 0 : -EPROTO;
	}
}

static int rsm_wire_check_imc_lkkeys(unsigned int type, const void *buf)
{
	const struct rsm_msg_imc_lkdown *d = buf;
	const struct rsm_msg_imc_lkkeys *k = buf;
	const struct rsm_msg_imc_lkkeys_reply *r = buf;
	__u32 st, n, cid;

	if (type == RSM_MSG_IMC_LKDOWN)
		return d->xid && !d->pad ? 0 : -EPROTO;
	if (type == RSM_MSG_IMC_LKKEYS)
		return k->xid && k->owner &&
		       le32_to_cpu(k->owner) <= RSM_IMC_LKW_OWNER_MAX &&
		       le32_to_cpu(k->pid) <= RSM_IMC_PID_MAX && !k->pad ?
		       0 : -EPROTO;
	/* RSM_MSG_IMC_LKKEYS_REPLY: only its fields are read */
	st = le32_to_cpu(r->status);
	n = le32_to_cpu(r->count);
	cid = le32_to_cpu(r->cid);
	if (!r->xid)
		return -EPROTO;
	if (st)
		return (st == RSM_IMC_LKR_UNKNOWN ||
			st == RSM_IMC_LKR_NOWORDS) && !cid && !r->rkey &&
		       !n ? 0 : -EPROTO;
	return cid && cid <= RSM_IMC_LKW_CID_MAX && n &&
	       n <= RSM_IMC_LOCKS_MAX ? 0 : -EPROTO;
}

/* One held lock of an LKADOPT answer: @used, or all zero. */
static bool rsm_wire_lkheld_ok(const struct rsm_wire_lkheld *h, bool used)
{
	if (!used)
		return !h->owner && !h->pid && !h->index;
	return h->owner && le32_to_cpu(h->owner) <= RSM_IMC_LKW_OWNER_MAX &&
	       le32_to_cpu(h->pid) <= RSM_IMC_PID_MAX &&
	       le32_to_cpu(h->index) < RSM_IMC_LOCKS_MAX;
}

static int rsm_wire_check_imc_lkadopt(unsigned int type, const void *buf)
{
	const struct rsm_msg_imc_lkadopt *a = buf;
	const struct rsm_msg_imc_lkadopt_reply *r = buf;
	__u32 st, n, i;

	if (type == RSM_MSG_IMC_LKADOPT)
		return a->xid && !(le32_to_cpu(a->flags) & ~RSM_IMC_LKA_LATE) ?
		       0 : -EPROTO;
	st = le32_to_cpu(r->status);
	n = le32_to_cpu(r->n);
	if (!r->xid || (st && st != RSM_IMC_LKR_UNKNOWN) ||
	    n > RSM_IMC_LKA_HELD || (st && (n || r->next)))
		return -EPROTO;
	for (i = 0; i < RSM_IMC_LKA_HELD; i++)
		if (!rsm_wire_lkheld_ok(&r->held[i], i < n))
			return -EPROTO;
	return 0;
}

static int rsm_wire_check_payload(unsigned int type, const void *buf)
{
	const struct rsm_msg_keys_req *kr = buf;
	const struct rsm_msg_release *rel = buf;
	const struct rsm_msg_revoke *rv = buf;
	const struct rsm_msg_ack *ack = buf;
	const struct rsm_msg_signal *sig = buf;
	__u32 v;

	switch (type) {
	case RSM_MSG_INFO:
		return rsm_wire_check_info(buf);
	case RSM_MSG_HEARTBEAT:
		return 0;
	case RSM_MSG_IMPORT_REQ:
		return rsm_wire_check_import_req(buf);
	case RSM_MSG_SEG_REPLY:
		return rsm_wire_check_seg_reply(buf);
	case RSM_MSG_KEYS_REQ:
		if (!kr->xid || kr->pad || !rsm_wire_perm_ok(le32_to_cpu(kr->perm)))
			return -EPROTO;
		return le32_to_cpu(kr->first) < RSM_WIRE_CHUNKS_MAX ? 0 : -EPROTO;
	case RSM_MSG_RELEASE:
		return rsm_wire_perm_ok(le32_to_cpu(rel->perm)) ? 0 : -EPROTO;
	case RSM_MSG_REVOKE:
		v = le32_to_cpu(rv->kind);
		if (!rv->xid || rv->pad ||
		    (v != RSM_REVOKE_ABORT && v != RSM_REVOKE_REBIND))
			return -EPROTO;
		return 0;
	case RSM_MSG_ACK:
		return ack->xid && !ack->status && !ack->pad ? 0 : -EPROTO;
	case RSM_MSG_SIGNAL:
		v = le32_to_cpu(sig->target);
		if (sig->xid || sig->pad ||
		    (le32_to_cpu(sig->flags) & ~RSM_WIRE_SIGNAL_FLAGS) ||
		    (v != RSM_SIGNAL_TO_EXPORT && v != RSM_SIGNAL_TO_IMPORTS))
			return -EPROTO;
		return 0;
	case RSM_MSG_IMC_HOST:
		return rsm_wire_check_imc_host(buf);
	case RSM_MSG_IMC_ALLOC:
		return rsm_wire_check_imc_alloc(buf);
	case RSM_MSG_IMC_ALLOC_REPLY:
	case RSM_MSG_IMC_REGION:
		return rsm_wire_check_imc_region(buf,
						 type == RSM_MSG_IMC_ALLOC_REPLY);
	case RSM_MSG_IMC_RXKEYS_REPLY:
		return rsm_wire_check_rxkeys_reply(buf);
	case RSM_MSG_IMC_RXKEYS:
	case RSM_MSG_IMC_RXUP:
	case RSM_MSG_IMC_RXDOWN:
	case RSM_MSG_IMC_ERRCNT:
	case RSM_MSG_IMC_KILL:
	case RSM_MSG_IMC_KILL_REPLY:
		return rsm_wire_check_imc_small(type, buf);
	case RSM_MSG_IMC_LKOP:
	case RSM_MSG_IMC_LKOP_REPLY:
	case RSM_MSG_IMC_LKGRANT:
		return rsm_wire_check_imc_lock(type, buf);
	case RSM_MSG_IMC_LKKEYS:
	case RSM_MSG_IMC_LKKEYS_REPLY:
	case RSM_MSG_IMC_LKDOWN:
		return rsm_wire_check_imc_lkkeys(type, buf);
	case RSM_MSG_IMC_LKADOPT:
	case RSM_MSG_IMC_LKADOPT_REPLY:
		return rsm_wire_check_imc_lkadopt(type, buf);
	default:
		return -EPROTO;
	}
}

/**
 * rsm_wire_check_msg - check a received control message
 * @buf: the bytes received
 * @len: how many
 *
 * The header must state exactly @len, the protocol version and a known
 * type whose one length @len is; reserved fields must be zero and every
 * count, permission, kind and flag within its range.
 *
 * Return: the message type (> 0), or -EPROTO.
 */
int rsm_wire_check_msg(const void *buf, __u32 len)
{
	const struct rsm_msg_hdr *hdr = buf;
	unsigned int type;

	if (!buf || len < sizeof(*hdr) || len > RSM_MSG_MAX)
		return -EPROTO;
	type = le16_to_cpu(hdr->type);
	if (hdr->version != RSM_PROTO_VERSION ||
	    hdr->credits > RSM_WIRE_RECEIVES ||
	    le32_to_cpu(hdr->len) != len || rsm_wire_msg_len(type) != len)
		return -EPROTO;
	if (rsm_wire_check_payload(type, buf))
		return -EPROTO;
	return type;
}

/**
 * rsm_wire_check_hello - check a connection request's or accept's hello
 * @data: private data received (the hello first)
 * @len: its length (RDMA CM may pad it)
 * @version: the protocol version this node speaks
 *
 * Return: 0, or the enum rsm_wire_reject_reason to refuse it with.
 */
int rsm_wire_check_hello(const void *data, __u32 len, __u32 version)
{
	const struct rsm_wire_hello *h = data;

	if (!data || len < sizeof(*h) ||
	    le32_to_cpu(h->magic) != RSM_WIRE_MAGIC)
		return RSM_REJ_BAD_VERSION;
	if (le16_to_cpu(h->version) != version)
		return RSM_REJ_BAD_VERSION;
	if ((le16_to_cpu(h->flags) & ~RSM_HELLO_KEYED) || h->pad)
		return RSM_REJ_BAD_VERSION;
	if (le32_to_cpu(h->src_nodeid) >= RSM_WIRE_NODES ||
	    le32_to_cpu(h->dst_nodeid) >= RSM_WIRE_NODES)
		return RSM_REJ_UNKNOWN_NODE;
	return 0;
}

/**
 * rsm_wire_check_reply - check a segment description (SEG_REPLY, status 0)
 * @buf: struct rsm_msg_seg_reply
 * @len: bytes received
 * @nchunks: out (may be NULL): the number of keys the segment has
 *
 * The size is within RSM_WIRE_SIZE_MAX, the chunk size within its bounds,
 * the key count exactly what size and chunk size give, and the keys
 * carried lie within it: first + nkeys <= nchunks, nkeys in 1..RSM_WIRE_KEYS.
 *
 * Return: 0 or -EPROTO.
 */
int rsm_wire_check_reply(const void *buf, __u32 len, __u64 *nchunks)
{
	const struct rsm_msg_seg_reply *m = buf;
	__u32 shift, n, first, nkeys;
	__u64 size, want;

	if (!buf || len != sizeof(*m) || m->status)
		return -EPROTO;
	shift = le32_to_cpu(m->chunk_shift);
	size = le64_to_cpu(m->size);
	n = le32_to_cpu(m->nchunks);
	first = le32_to_cpu(m->first);
	nkeys = le32_to_cpu(m->nkeys);
	if (shift < RSM_WIRE_CHUNK_SHIFT_MIN || shift > RSM_WIRE_CHUNK_SHIFT_MAX)
		return -EPROTO;
	if (!size || size > RSM_WIRE_SIZE_MAX || (size & 4095))
		return -EPROTO;
	/* no rounding overflow: size and shift are bounded above */
	want = (size >> shift) + !!(size & ((1ULL << shift) - 1));
	if (want != n || n > RSM_WIRE_CHUNKS_MAX)
		return -EPROTO;
	if (!nkeys || nkeys > RSM_WIRE_KEYS || first >= n || nkeys > n - first)
		return -EPROTO;
	if (nchunks)
		*nchunks = n;
	return 0;
}

/**
 * rsm_wire_answer_ok - is a checked message the kind of answer wanted?
 * @want_type: the answer type the request expects (SEG_REPLY or ACK)
 * @buf: a message rsm_wire_check_msg() accepted
 * @len: its length
 *
 * The transaction id alone is not enough: an ACK carrying the id of an
 * IMPORT_REQ must not pass for its SEG_REPLY.
 *
 * Return: true if @buf is of @want_type and has that type's length.
 */
bool rsm_wire_answer_ok(unsigned int want_type, const void *buf, __u32 len)
{
	const struct rsm_msg_hdr *hdr = buf;

	if (!buf || len < sizeof(*hdr) || !rsm_wire_msg_len(want_type))
		return false;
	return le16_to_cpu(hdr->type) == want_type &&
	       len == rsm_wire_msg_len(want_type);
}
