// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness of the peer-message checks (kernel/rsm_wire.c).
 *
 * The checks promise that what they accept is safe to use as array sizes,
 * indices and shifts without further checks.  So after every acceptance
 * this harness does what the kernel does with the message, on a buffer of
 * exactly the received length, and asserts what the kernel relies on: a
 * wrong acceptance becomes an ASan/UBSan report or an abort() here rather
 * than an out-of-bounds key table or group list in rsm.ko.
 *
 * The first input byte picks the target (enum wire_target, wire_msgs.h):
 * raw bytes for each of the three checks, or a valid message of a chosen
 * type that the rest of the input then edits field by field, which gets
 * past the header checks at once and into the payload checks.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "wire_msgs.h"

#define must(cond) \
	do { \
		if (!(cond)) \
			broken(#cond, __LINE__); \
	} while (0)

static void broken(const char *what, int line)
{
	fprintf(stderr, "%s:%d: an accepted message breaks: %s\n", __FILE__,
		line, what);
	abort();
}

/* where reads of accepted fields go, so that none is optimised away */
static volatile __u64 sink;
/* what the kernel indexes by a node id */
static const __u64 node_of[RSM_WIRE_NODES] = { [RSM_WIRE_NODES - 1] = 1 };

/* read 0400, write 0200, both, or neither (RSM_PERM_NONE) */
static bool perm_ok(__le32 perm)
{
	return !(le32_to_cpu(perm) & ~RSM_WIRE_PERM_MASK);
}

/* How many chunks of 2^shift bytes hold size bytes; shift < 64. */
static __u64 chunks_for(__u64 size, __u32 shift)
{
	return (size >> shift) + !!(size & ((1ULL << shift) - 1));
}

/*
 * The importer with a segment description: a key table of nchunks
 * entries, filled from first on, and every segment offset mapped to the
 * key of its chunk; mappings are made of whole pages.
 */
static void use_reply(const struct rsm_msg_seg_reply *m, __u64 nchunks)
{
	__u32 shift = le32_to_cpu(m->chunk_shift);
	__u32 n = le32_to_cpu(m->nchunks);
	__u32 first = le32_to_cpu(m->first);
	__u32 nkeys = le32_to_cpu(m->nkeys);
	__u64 size = le64_to_cpu(m->size);
	__u32 *keys, i;
	int chunk;

	must(nchunks == n);
	must(n >= 1 && n <= RSM_WIRE_CHUNKS_MAX);
	/* a chunk is at least a page, and its size fits an int */
	must(shift >= 12 && shift < 31);
	chunk = 1 << shift;
	must(chunk >= 4096);
	must(size && size % 4096 == 0);
	must(size <= (__u64)n << shift);
	must(size > (__u64)(n - 1) << shift);
	/* the key fetch loop advances by nkeys */
	must(nkeys >= 1 && nkeys <= RSM_WIRE_KEYS);
	must((__u64)first + nkeys <= n);

	keys = calloc(n, sizeof(*keys));
	if (!keys)
		abort();
	for (i = 0; i < nkeys; i++)
		keys[first + i] = le32_to_cpu(m->keys[i]);
	/* the first, middle and last byte of the segment have keys */
	sink = keys[0] ^ keys[(size / 2) >> shift] ^ keys[(size - 1) >> shift];
	free(keys);
}

static void use_info(const struct rsm_msg_info *m)
{
	char peer_ctlr[RSM_WIRE_NAME_MAX];
	__u32 node = le32_to_cpu(m->nodeid);
	size_t n = strlen(m->ctlr_name);

	must(n < sizeof(m->ctlr_name));
	memcpy(peer_ctlr, m->ctlr_name, n + 1);
	must(node < RSM_WIRE_NODES && !m->pad);
	sink = node_of[node] ^ strlen(peer_ctlr);
}

static void use_import_req(const struct rsm_msg_import_req *m)
{
	__u32 groups[RSM_WIRE_GROUPS], i, n = le32_to_cpu(m->ngroups);

	must(m->xid && perm_ok(m->perm));
	must(!(le32_to_cpu(m->flags) & ~(RSM_IMPORT_PRIV_READ |
					 RSM_IMPORT_PRIV_WRITE |
					 RSM_IMPORT_GROUPS_CUT)));
	must(n <= RSM_WIRE_GROUPS);
	for (i = 0; i < n; i++)
		groups[i] = le32_to_cpu(m->groups[i]);
	if (n)
		sink = groups[n - 1];
}

static void use_seg_reply(const void *buf, __u32 len)
{
	const struct rsm_msg_seg_reply *m = buf;
	__u32 status = le32_to_cpu(m->status);
	__u64 n = 0;

	must(m->xid);
	/* a refusal becomes the RSMERR code the importer returns */
	must(status <= 134);
	if (status) {
		must(rsm_wire_check_reply(buf, len, NULL) == -EPROTO);
		return;
	}
	must(rsm_wire_check_reply(buf, len, &n) == 0);
	use_reply(m, n);
}

static void use_payload(const void *buf, __u32 len, unsigned int type)
{
	const union wire_msg *m = buf;

	switch (type) {
	case RSM_MSG_INFO:
		use_info(&m->info);
		break;
	case RSM_MSG_HEARTBEAT:
		break;
	case RSM_MSG_IMPORT_REQ:
		use_import_req(&m->ireq);
		break;
	case RSM_MSG_SEG_REPLY:
		use_seg_reply(buf, len);
		break;
	case RSM_MSG_KEYS_REQ:
		must(m->kreq.xid && !m->kreq.pad && perm_ok(m->kreq.perm));
		must(le32_to_cpu(m->kreq.first) < RSM_WIRE_CHUNKS_MAX);
		break;
	case RSM_MSG_RELEASE:
		must(perm_ok(m->rel.perm));
		break;
	case RSM_MSG_REVOKE:
		must(m->rv.xid && !m->rv.pad);
		must(le32_to_cpu(m->rv.kind) == RSM_REVOKE_ABORT ||
		     le32_to_cpu(m->rv.kind) == RSM_REVOKE_REBIND);
		break;
	case RSM_MSG_ACK:
		must(m->ack.xid && !m->ack.status && !m->ack.pad);
		break;
	case RSM_MSG_SIGNAL:
		must(!m->sig.xid && !m->sig.pad);
		must(!(le32_to_cpu(m->sig.flags) & ~0x2u));
		must(le32_to_cpu(m->sig.target) == RSM_SIGNAL_TO_EXPORT ||
		     le32_to_cpu(m->sig.target) == RSM_SIGNAL_TO_IMPORTS);
		break;
	case RSM_MSG_IMC_HOST: {
		/* the kernel copies the name as a string */
		size_t n = strnlen(m->imc.name, sizeof(m->imc.name));

		must(!m->imc.xid && !m->imc.pad);
		must(!(le32_to_cpu(m->imc.flags) & ~RSM_IMC_HOST_MEMBER));
		must(n < sizeof(m->imc.name));
		must(n || !(le32_to_cpu(m->imc.flags) & RSM_IMC_HOST_MEMBER));
		for (size_t i = 0; i < n; i++)	/* imcs prints it */
			must(m->imc.name[i] > ' ' && m->imc.name[i] < 0x7f);
		break;
	}
	case RSM_MSG_IMC_ALLOC:
		/* the kernel reads ngroups groups and sizes the region */
		must(m->ialloc.xid && !m->ialloc.pad);
		must(le32_to_cpu(m->ialloc.ngroups) <= RSM_WIRE_GROUPS);
		if (le32_to_cpu(m->ialloc.flags) & RSM_IMC_LOCKSET) {
			/* the home allocates size lock words */
			must(m->ialloc.size && le64_to_cpu(m->ialloc.size) <=
			     RSM_IMC_LOCKS_MAX && !m->ialloc.rail);
			break;
		}
		must(le64_to_cpu(m->ialloc.size) >= RSM_IMC_PAGE &&
		     le64_to_cpu(m->ialloc.size) <= RSM_IMC_SIZE_MAX &&
		     !(le64_to_cpu(m->ialloc.size) % RSM_IMC_PAGE));
		must(le32_to_cpu(m->ialloc.rail) < RSM_IMC_RAILS_MAX);
		must(!(le32_to_cpu(m->ialloc.perm) & ~RSM_IMC_PERM_MASK));
		break;
	case RSM_MSG_IMC_ALLOC_REPLY:
	case RSM_MSG_IMC_REGION:
		must(le32_to_cpu(m->ireg.present) <= 1);
		if (le32_to_cpu(m->ireg.status) || !m->ireg.present) {
			if (type == RSM_MSG_IMC_REGION || m->ireg.status)
				must(!m->ireg.size && !m->ireg.perm);
			break;
		}
		if (le32_to_cpu(m->ireg.flags) & RSM_IMC_LOCKSET) {
			/* the home is a node id + 1 */
			must(m->ireg.size && le64_to_cpu(m->ireg.size) <=
			     RSM_IMC_LOCKS_MAX);
			must(m->ireg.home &&
			     le32_to_cpu(m->ireg.home) <= RSM_WIRE_NODES);
			break;
		}
		must(le64_to_cpu(m->ireg.size) >= RSM_IMC_PAGE &&
		     le64_to_cpu(m->ireg.size) <= RSM_IMC_SIZE_MAX);
		must(le32_to_cpu(m->ireg.rail) < RSM_IMC_RAILS_MAX);
		must(m->ireg.id && !m->ireg.home);
		break;
	case RSM_MSG_IMC_RXKEYS:
		must(m->rxk.xid && le32_to_cpu(m->rxk.first) < RSM_WIRE_CHUNKS_MAX);
		must(!(le32_to_cpu(m->rxk.flags) & ~RSM_IMC_RXKEYS_SNAPSHOT) &&
		     !m->rxk.pad);
		break;
	case RSM_MSG_IMC_RXKEYS_REPLY: {
		/* the transmitter stores keys[first .. first + nkeys) */
		__u32 nc = le32_to_cpu(m->rxr.nchunks);
		__u32 sh = le32_to_cpu(m->rxr.chunk_shift);

		if (m->rxr.flags) {
			must(le32_to_cpu(m->rxr.flags) == RSM_IMC_RX_NONE ||
			     le32_to_cpu(m->rxr.flags) == RSM_IMC_RX_FAILED);
			must(!m->rxr.size && !m->rxr.nkeys);
			break;
		}
		must(sh >= RSM_WIRE_CHUNK_SHIFT_MIN &&
		     sh <= RSM_WIRE_CHUNK_SHIFT_MAX);
		must(nc && nc <= RSM_WIRE_CHUNKS_MAX);
		must(((le64_to_cpu(m->rxr.size) - 1) >> sh) + 1 == nc);
		must(le32_to_cpu(m->rxr.nkeys) >= 1 &&
		     le32_to_cpu(m->rxr.nkeys) <= RSM_WIRE_KEYS);
		must(le32_to_cpu(m->rxr.first) + le32_to_cpu(m->rxr.nkeys) <=
		     nc);
		break;
	}
	case RSM_MSG_IMC_RXUP:
	case RSM_MSG_IMC_RXDOWN:
		must(m->rxup.xid && !m->rxup.pad);
		break;
	case RSM_MSG_IMC_ERRCNT:
		/* indexes the rails' counts; kept as a signed int */
		must(le32_to_cpu(m->errc.rail) < RSM_IMC_RAILS_MAX);
		must(le32_to_cpu(m->errc.count) <= RSM_IMC_ERRCNT_MAX);
		break;
	case RSM_MSG_IMC_KILL:
		/* the target takes pid and signal as ints of kill(2) */
		must(m->kill.xid && le32_to_cpu(m->kill.pid) >= 1 &&
		     le32_to_cpu(m->kill.pid) <= RSM_IMC_PID_MAX);
		must(le32_to_cpu(m->kill.sig) <= RSM_IMC_SIG_MAX);
		break;
	case RSM_MSG_IMC_KILL_REPLY:
		must(m->killr.xid && !m->killr.pad &&
		     le32_to_cpu(m->killr.status) <= RSM_IMC_KILL_NOROOT);
		break;
	case RSM_MSG_IMC_LKOP:
		/* the home indexes its lock words by index */
		must(le32_to_cpu(m->lkop.index) < RSM_IMC_LOCKS_MAX);
		must(m->lkop.owner && m->lkop.op &&
		     le32_to_cpu(m->lkop.op) <= RSM_IMC_LK_OP_MAX);
		break;
	case RSM_MSG_IMC_LKOP_REPLY:
		must(le32_to_cpu(m->lkopr.status) <= RSM_IMC_LKR_MAX);
		break;
	case RSM_MSG_IMC_LKGRANT:
		/* a grant nobody waits for goes back as the owner's cancel */
		must(le32_to_cpu(m->lkgrant.index) < RSM_IMC_LOCKS_MAX &&
		     m->lkgrant.wait && m->lkgrant.owner);
		break;
	case RSM_MSG_IMC_LKKEYS:
		/* the owner goes into a lock word's tag: 31 bits */
		must(m->lkkeys.xid && m->lkkeys.owner &&
		     le32_to_cpu(m->lkkeys.owner) <= RSM_IMC_LKW_OWNER_MAX);
		break;
	case RSM_MSG_IMC_LKKEYS_REPLY:
		/* a client id goes into tags: 16 bits; the count sizes them */
		must(le32_to_cpu(m->lkkeysr.cid) <= RSM_IMC_LKW_CID_MAX &&
		     le32_to_cpu(m->lkkeysr.count) <= RSM_IMC_LOCKS_MAX);
		must(!m->lkkeysr.status ==
		     (m->lkkeysr.cid && m->lkkeysr.count));
		break;
	case RSM_MSG_IMC_LKDOWN:
		/* answered: an ACK needs the request's id */
		must(m->lkdown.xid);
		break;
	case RSM_MSG_IMC_LKADOPT:
		must(m->lkadopt.xid);
		break;
	case RSM_MSG_IMC_LKADOPT_REPLY: {
		/* the new home indexes the set's locks by these */
		__u32 i, n = le32_to_cpu(m->lkadoptr.n);

		must(n <= RSM_IMC_LKA_HELD);
		for (i = 0; i < n; i++)
			must(le32_to_cpu(m->lkadoptr.held[i].index) <
			     RSM_IMC_LOCKS_MAX && m->lkadoptr.held[i].owner &&
			     le32_to_cpu(m->lkadoptr.held[i].owner) <=
			     RSM_IMC_LKW_OWNER_MAX);
		break;
	}
	default:
		must(!"an unknown type accepted");
	}
}

/* rsm_wire_check_msg on exactly @len bytes, then its consumer. */
static int run_msg(const void *data, size_t len)
{
	const struct rsm_msg_hdr *hdr;
	void *buf = malloc(len ? len : 1);
	int rc;

	if (!buf)
		abort();
	memcpy(buf, data, len);
	rc = rsm_wire_check_msg(buf, (__u32)len);
	must(rc == rsm_wire_check_msg(buf, (__u32)len));
	if (rc < 0) {
		must(rc == -EPROTO);
		free(buf);
		return rc;
	}
	hdr = buf;
	must(len >= sizeof(*hdr) && len <= RSM_MSG_MAX);
	must((unsigned int)rc == le16_to_cpu(hdr->type));
	must(le32_to_cpu(hdr->len) == len);
	must(rsm_wire_msg_len((unsigned int)rc) == len);
	must(hdr->version == RSM_PROTO_VERSION &&
	     hdr->credits <= RSM_WIRE_RECEIVES);
	use_payload(buf, (__u32)len, (unsigned int)rc);
	free(buf);
	return rc;
}

/* rsm_wire_check_reply on exactly @len bytes, then the importer. */
static int run_reply(const void *data, size_t len)
{
	const struct rsm_msg_seg_reply *m;
	void *buf = malloc(len ? len : 1);
	__u64 n = ~0ULL;
	int rc;

	if (!buf)
		abort();
	memcpy(buf, data, len);
	rc = rsm_wire_check_reply(buf, (__u32)len, &n);
	must(rc == 0 || rc == -EPROTO);
	if (!rc) {
		m = buf;
		must(len == sizeof(*m) && !m->status);
		use_reply(m, n);
		/* with a valid header, the whole message must pass too */
		if (m->xid && m->hdr.credits <= RSM_WIRE_RECEIVES &&
		    m->hdr.version == RSM_PROTO_VERSION &&
		    le16_to_cpu(m->hdr.type) == RSM_MSG_SEG_REPLY &&
		    le32_to_cpu(m->hdr.len) == len)
			must(rsm_wire_check_msg(buf, (__u32)len) ==
			     RSM_MSG_SEG_REPLY);
	}
	free(buf);
	return rc;
}

static void run_hello(const void *data, size_t len)
{
	struct rsm_wire_hello h;
	void *buf = malloc(len ? len : 1);
	int rc;

	if (!buf)
		abort();
	memcpy(buf, data, len);
	rc = rsm_wire_check_hello(buf, (__u32)len, RSM_PROTO_VERSION);
	must(rc >= 0 && rc <= RSM_REJ_PORT);
	if (!rc) {
		must(len >= sizeof(h));
		memcpy(&h, buf, sizeof(h));
		must(le32_to_cpu(h.magic) == RSM_WIRE_MAGIC && !h.pad);
		must(le16_to_cpu(h.version) == RSM_PROTO_VERSION);
		must(!(le16_to_cpu(h.flags) & ~RSM_HELLO_KEYED));
		must(le32_to_cpu(h.src_nodeid) < RSM_WIRE_NODES);
		must(le32_to_cpu(h.dst_nodeid) < RSM_WIRE_NODES);
		sink = node_of[le32_to_cpu(h.src_nodeid)] ^
		       node_of[le32_to_cpu(h.dst_nodeid)];
	}
	free(buf);
}

/* Interesting values for field edits: limits and one past them. */
static const __u32 vals32[] = {
	0, 1, 2, 3, 7, 8, 9, 10, 11, 12, 13, 20, 21, 29, 30, 31, 32, 40, 63,
	64, 65, 95, 96, 97, 0200, 0400, 0600, 0700, 0777, 134, 135, 448, 512,
	4095, 4096, 4097, (1U << 14), (1U << 20) - 1, 1U << 20, (1U << 20) + 1,
	1U << 30, 0x7fffffff, 0x80000000, 0xfffffff0, 0xfffffffe, 0xffffffff,
	RSM_WIRE_MAGIC,
};

static const __u64 vals64[] = {
	0, 1, 4095, 4096, 4097, 1ULL << 20, 3ULL << 20, 1ULL << 21, 1ULL << 30,
	1ULL << 32, 1ULL << 42, (1ULL << 44) - 4096, 1ULL << 44,
	(1ULL << 44) + 4096, 1ULL << 63, ~0ULL << 12, ~0ULL - 4095, ~0ULL,
};

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define N_VALS32	ARRAY_SIZE(vals32)
#define N_VALS64	ARRAY_SIZE(vals64)

struct edits {
	const __u8 *p;
	size_t n, pos;
};

static __u64 take(struct edits *e, unsigned int bytes)
{
	__u64 v = 0;
	unsigned int i;

	for (i = 0; i < bytes; i++, e->pos++)
		if (e->pos < e->n)
			v |= (__u64)e->p[e->pos] << (8 * i);
	return v;
}

static void put32(__u8 *b, __le32 v)
{
	memcpy(b, &v, sizeof(v));
}

static void put64(__u8 *b, __le64 v)
{
	memcpy(b, &v, sizeof(v));
}

/*
 * Apply the edits of @e to @buf (@span bytes, a multiple of 8).  An edit
 * is an op byte (low 3 bits: what; bit 3: byte offset + 256; bits 4-6:
 * bit number), a position byte, and the value bytes its kind takes; the
 * fields of every message are aligned to their size, so field writes are.
 * A step below 0 or above 2^32 - 1 wraps on purpose.
 */
__attribute__((no_sanitize("unsigned-integer-overflow")))
static void apply_edits(__u8 *buf, size_t span, struct edits *e)
{
	__u8 op, at;
	size_t off;
	__u32 v;

	while (e->pos + 2 <= e->n) {
		op = (__u8)take(e, 1);
		at = (__u8)take(e, 1);
		off = (at + (op & 8 ? 256u : 0u)) % span;
		switch (op & 7) {
		case 0:
			buf[off] = (__u8)take(e, 1);
			break;
		case 1:
			buf[off] ^= (__u8)(1u << ((op >> 4) & 7));
			break;
		case 2:
			put32(buf + at * 4u % span, cpu_to_le32((__u32)take(e, 4)));
			break;
		case 3:
			put64(buf + at * 8u % span, cpu_to_le64(take(e, 8)));
			break;
		case 4:
			v = vals32[take(e, 1) % N_VALS32];
			put32(buf + at * 4u % span, cpu_to_le32(v));
			break;
		case 5:
			put64(buf + at * 8u % span,
			      cpu_to_le64(vals64[take(e, 1) % N_VALS64]));
			break;
		case 6:	/* a small step: one chunk more, one key less */
			off = at * 4u % span;
			memcpy(&v, buf + off, sizeof(v));
			v = le32_to_cpu(v) + (__u32)(__s8)take(e, 1);
			put32(buf + off, cpu_to_le32(v));
			break;
		default:
			v = (__u32)take(e, 2);
			memcpy(buf + at * 2u % span, &v, 2);
			break;
		}
	}
}

/* The received length: mostly the template's, else near it or another's. */
static size_t pick_len(__u8 op, size_t tlen)
{
	switch (op & 15) {
	case 10:
		return tlen - 1;
	case 11:
		return tlen + 1;
	case 12:
		return tlen - 8;
	case 13:
		return tlen + 8;
	case 14:
		return rsm_wire_msg_len(op >> 4);
	case 15:
		return (size_t)(op >> 4) * 36;	/* up to 540 > RSM_MSG_MAX */
	default:
		return tlen;
	}
}

static size_t span_for(size_t len, size_t tlen)
{
	size_t span = len > tlen ? len : tlen;

	return (span + 7) & ~(size_t)7;
}

static void run_built_msg(const __u8 *data, size_t size)
{
	struct edits e = { data, size, 0 };
	union wire_msg m;
	unsigned int type = WIRE_TYPE_FIRST + (unsigned int)take(&e, 1) %
			    (WIRE_TYPE_LAST - WIRE_TYPE_FIRST + 1);
	size_t tlen = wire_build(&m, type);
	size_t len = pick_len((__u8)take(&e, 1), tlen);

	apply_edits(m.bytes, span_for(len, tlen), &e);
	if (run_msg(&m, len) == RSM_MSG_SEG_REPLY || type == RSM_MSG_SEG_REPLY)
		run_reply(&m, len);
}

static void run_built_hello(const __u8 *data, size_t size)
{
	struct edits e = { data, size, 0 };
	union wire_msg m = { 0 };
	size_t tlen = sizeof(m.hello);
	size_t len = pick_len((__u8)take(&e, 1), tlen);

	wire_build_hello(&m.hello);
	apply_edits(m.bytes, span_for(len, tlen), &e);
	run_hello(&m, len);
}

/* A SEG_REPLY with a valid header from numbers, some derived (wire_msgs.h). */
static void run_reply_fields(const __u8 *data, size_t size)
{
	struct wire_fields f;
	union wire_msg m;
	__u32 shift, n, nkeys;
	__u64 sz;
	int rc_msg, rc;

	wire_fields_decode(&f, data, size);
	shift = f.derive & WIRE_DERIVE_SHIFT ? 12u + f.shift % 20u : f.shift;
	sz = f.derive & WIRE_DERIVE_PAGES ? f.size & ~4095ULL : f.size;
	n = f.nchunks;
	if ((f.derive & WIRE_DERIVE_NCHUNKS) && shift < 64)
		n = (__u32)chunks_for(sz, shift);
	nkeys = f.nkeys;
	if ((f.derive & WIRE_DERIVE_NKEYS) && f.first < n)
		nkeys = n - f.first < RSM_WIRE_KEYS ? n - f.first : RSM_WIRE_KEYS;
	wire_build(&m, RSM_MSG_SEG_REPLY);
	m.reply.status = cpu_to_le32(f.status);
	wire_reply_set(&m.reply, sz, shift, n, f.first, nkeys);

	rc_msg = run_msg(&m, sizeof(m.reply));
	rc = run_reply(&m, sizeof(m.reply));
	/* header and xid are valid: the two checks agree on a description */
	if (!f.status)
		must((rc_msg == RSM_MSG_SEG_REPLY) == (rc == 0));
	else
		must(rc == -EPROTO);
}

/* The builders must make messages the checks take, or fuzzing is moot. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct rsm_wire_hello h;
	union wire_msg m;
	unsigned int t;
	__u32 len;

	(void)argc;
	(void)argv;
	for (t = WIRE_TYPE_FIRST; t <= WIRE_TYPE_LAST; t++) {
		len = wire_build(&m, t);
		if (rsm_wire_check_msg(&m, len) != (int)t) {
			fprintf(stderr, "fuzz_wire: valid type %u rejected\n", t);
			abort();
		}
	}
	wire_build_hello(&h);
	if (rsm_wire_check_hello(&h, sizeof(h), RSM_PROTO_VERSION)) {
		fprintf(stderr, "fuzz_wire: valid hello rejected\n");
		abort();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	switch (data[0] % WIRE_T_COUNT) {
	case WIRE_T_MSG:
		run_msg(data + 1, size - 1);
		break;
	case WIRE_T_HELLO:
		run_hello(data + 1, size - 1);
		break;
	case WIRE_T_REPLY:
		run_reply(data + 1, size - 1);
		break;
	case WIRE_T_BUILT_MSG:
		run_built_msg(data + 1, size - 1);
		break;
	case WIRE_T_BUILT_HELLO:
		run_built_hello(data + 1, size - 1);
		break;
	default:
		run_reply_fields(data + 1, size - 1);
		break;
	}
	return 0;
}
