// SPDX-License-Identifier: GPL-2.0-only
/*
 * One valid message of every type, so that tests and the fuzzer start
 * from what a correct peer sends and change one thing at a time: a check
 * that rejects the changed message then rejects it for that change.
 * What "valid" means is what kernel/rsm_wire.c and the field comments of
 * kernel/rsm_proto.h ask: transaction ids nonzero where answers are
 * expected, zero in a SIGNAL, reserved fields zero, permissions within 0600.
 */
#include "wire_msgs.h"

static void wire_hdr(struct rsm_msg_hdr *hdr, unsigned int type, __u32 len)
{
	hdr->type = cpu_to_le16(type);
	hdr->version = RSM_PROTO_VERSION;
	hdr->credits = 0;
	hdr->len = cpu_to_le32(len);
	hdr->seq = cpu_to_le64(41);
}

/**
 * wire_reply_set - fill in a segment description
 * @r: SEG_REPLY to change (header, xid and status left alone)
 * @size: segment length in bytes
 * @shift: chunk_shift
 * @nchunks: keys the segment has
 * @first: index of the first key carried
 * @nkeys: keys carried; as many made-up keys as fit are stored
 */
void wire_reply_set(struct rsm_msg_seg_reply *r, __u64 size, __u32 shift,
		    __u32 nchunks, __u32 first, __u32 nkeys)
{
	__u32 i;

	r->size = cpu_to_le64(size);
	r->chunk_shift = cpu_to_le32(shift);
	r->nchunks = cpu_to_le32(nchunks);
	r->first = cpu_to_le32(first);
	r->nkeys = cpu_to_le32(nkeys);
	memset(r->keys, 0, sizeof(r->keys));
	for (i = 0; i < nkeys && i < RSM_WIRE_KEYS; i++)
		r->keys[i] = cpu_to_le32(0x1000u + i);
}

static void wire_build_payload(union wire_msg *m, unsigned int type)
{
	switch (type) {
	case RSM_MSG_INFO:
		m->info.nodeid = cpu_to_le32(2);
		m->info.hwaddr = cpu_to_le64(0x0200000000a1ULL);
		strcpy(m->info.ctlr_name, "rxe0");
		memset(m->info.mac, 0xa5, sizeof(m->info.mac));
		break;
	case RSM_MSG_HEARTBEAT:
		m->hb.jiffies_ms = cpu_to_le64(123456);
		break;
	case RSM_MSG_IMPORT_REQ:
		m->ireq.xid = cpu_to_le64(7);
		m->ireq.segid = cpu_to_le32(0x40001);
		m->ireq.perm = cpu_to_le32(0600);
		m->ireq.uid = cpu_to_le32(1000);
		m->ireq.gid = cpu_to_le32(1000);
		m->ireq.ngroups = cpu_to_le32(2);
		m->ireq.groups[0] = cpu_to_le32(24);
		m->ireq.groups[1] = cpu_to_le32(27);
		break;
	case RSM_MSG_SEG_REPLY:
		/* 3 MiB in 2 MiB chunks: the last chunk is partial */
		m->reply.xid = cpu_to_le64(7);
		m->reply.instance = cpu_to_le64(5);
		m->reply.bind_gen = cpu_to_le32(1);
		wire_reply_set(&m->reply, 3 << 20, 21, 2, 0, 2);
		break;
	case RSM_MSG_KEYS_REQ:
		m->kreq.xid = cpu_to_le64(8);
		m->kreq.segid = cpu_to_le32(0x40001);
		m->kreq.first = cpu_to_le32(RSM_WIRE_KEYS);
		m->kreq.instance = cpu_to_le64(5);
		m->kreq.perm = cpu_to_le32(0400);
		break;
	case RSM_MSG_RELEASE:
		m->rel.segid = cpu_to_le32(0x40001);
		m->rel.perm = cpu_to_le32(0200);
		m->rel.instance = cpu_to_le64(5);
		break;
	case RSM_MSG_REVOKE:
		m->rv.xid = cpu_to_le64(9);
		m->rv.segid = cpu_to_le32(0x40001);
		m->rv.kind = cpu_to_le32(RSM_REVOKE_REBIND);
		m->rv.instance = cpu_to_le64(5);
		m->rv.bind_gen = cpu_to_le32(2);
		break;
	case RSM_MSG_ACK:
		m->ack.xid = cpu_to_le64(9);
		break;
	case RSM_MSG_SIGNAL:
		m->sig.segid = cpu_to_le32(0x40001);
		m->sig.flags = cpu_to_le32(0x2);	/* no accumulate */
		m->sig.instance = cpu_to_le64(5);
		m->sig.target = cpu_to_le32(RSM_SIGNAL_TO_IMPORTS);
		break;
	case RSM_MSG_IMC_HOST:
		m->imc.flags = cpu_to_le32(RSM_IMC_HOST_MEMBER);
		memcpy(m->imc.name, "node1", 5);
		break;
	case RSM_MSG_IMC_ALLOC:
		m->ialloc.xid = cpu_to_le64(11);
		m->ialloc.key = cpu_to_le32(0x5e001);
		m->ialloc.perm = cpu_to_le32(0640);
		m->ialloc.size = cpu_to_le64(8192);
		m->ialloc.flags = cpu_to_le32(RSM_IMC_COHERENT);
		m->ialloc.uid = cpu_to_le32(1000);
		m->ialloc.gid = cpu_to_le32(1000);
		m->ialloc.ngroups = cpu_to_le32(1);
		m->ialloc.groups[0] = cpu_to_le32(27);
		break;
	case RSM_MSG_IMC_ALLOC_REPLY:
	case RSM_MSG_IMC_REGION:
		m->ireg.xid = cpu_to_le64(type == RSM_MSG_IMC_REGION ? 0 : 11);
		m->ireg.present = cpu_to_le32(type == RSM_MSG_IMC_REGION);
		m->ireg.key = cpu_to_le32(0x5e001);
		m->ireg.perm = cpu_to_le32(0640);
		m->ireg.size = cpu_to_le64(8192);
		m->ireg.rail = cpu_to_le32(1);
		m->ireg.uid = cpu_to_le32(1000);
		m->ireg.gid = cpu_to_le32(1000);
		m->ireg.id = cpu_to_le32(1 << 20 | 1);
		break;
	case RSM_MSG_IMC_RXKEYS:
		m->rxk.xid = cpu_to_le64(12);
		m->rxk.key = cpu_to_le32(0x6b001);
		m->rxk.first = cpu_to_le32(96);
		break;
	case RSM_MSG_IMC_RXKEYS_REPLY:
		/* 200 pages in 2 MiB chunks: keys 0..0 of 1 */
		m->rxr.xid = cpu_to_le64(12);
		m->rxr.key = cpu_to_le32(0x6b001);
		m->rxr.size = cpu_to_le64(200 * 4096);
		m->rxr.chunk_shift = cpu_to_le32(21);
		m->rxr.nchunks = cpu_to_le32(1);
		m->rxr.nkeys = cpu_to_le32(1);
		m->rxr.keys[0] = cpu_to_le32(0x1234);
		break;
	case RSM_MSG_IMC_RXUP:
	case RSM_MSG_IMC_RXDOWN:
		m->rxup.xid = cpu_to_le64(13);
		m->rxup.key = cpu_to_le32(0x6b001);
		break;
	case RSM_MSG_IMC_ERRCNT:
		m->errc.rail = cpu_to_le32(1);
		m->errc.count = cpu_to_le32(42);
		break;
	case RSM_MSG_IMC_KILL:
		m->kill.xid = cpu_to_le64(14);
		m->kill.pid = cpu_to_le32(4242);
		m->kill.sig = cpu_to_le32(10);
		m->kill.uid = cpu_to_le32(1000);
		m->kill.euid = cpu_to_le32(1000);
		break;
	case RSM_MSG_IMC_KILL_REPLY:
		m->killr.xid = cpu_to_le64(14);
		m->killr.status = cpu_to_le32(RSM_IMC_KILL_EPERM);
		break;
	case RSM_MSG_IMC_LKOP:
		m->lkop.xid = cpu_to_le64(15);
		m->lkop.key = cpu_to_le32(0x10c01);
		m->lkop.op = cpu_to_le32(RSM_IMC_LK_WAIT);
		m->lkop.index = cpu_to_le32(3);
		m->lkop.owner = cpu_to_le32(9);
		m->lkop.pid = cpu_to_le32(4242);
		m->lkop.wait = cpu_to_le64(77);
		break;
	case RSM_MSG_IMC_LKOP_REPLY:
		m->lkopr.xid = cpu_to_le64(15);
		m->lkopr.status = cpu_to_le32(RSM_IMC_LKR_QUEUED);
		break;
	case RSM_MSG_IMC_LKGRANT:
		m->lkgrant.key = cpu_to_le32(0x10c01);
		m->lkgrant.index = cpu_to_le32(3);
		m->lkgrant.wait = cpu_to_le64(77);
		m->lkgrant.owner = cpu_to_le32(9);
		break;
	case RSM_MSG_IMC_LKKEYS:
		m->lkkeys.xid = cpu_to_le64(16);
		m->lkkeys.key = cpu_to_le32(0x10c01);
		m->lkkeys.owner = cpu_to_le32(9);
		m->lkkeys.pid = cpu_to_le32(4242);
		break;
	case RSM_MSG_IMC_LKKEYS_REPLY:
		m->lkkeysr.xid = cpu_to_le64(16);
		m->lkkeysr.cid = cpu_to_le32(2);
		m->lkkeysr.rkey = cpu_to_le32(0x1234);
		m->lkkeysr.count = cpu_to_le32(8);
		break;
	case RSM_MSG_IMC_LKDOWN:
		m->lkdown.xid = cpu_to_le64(17);
		m->lkdown.key = cpu_to_le32(0x10c01);
		break;
	case RSM_MSG_IMC_LKADOPT:
		m->lkadopt.xid = cpu_to_le64(18);
		m->lkadopt.key = cpu_to_le32(0x10c01);
		m->lkadopt.cursor = cpu_to_le64(RSM_IMC_LKA_CURSOR(9, 3));
		break;
	case RSM_MSG_IMC_LKADOPT_REPLY:
		m->lkadoptr.xid = cpu_to_le64(18);
		m->lkadoptr.n = cpu_to_le32(2);
		m->lkadoptr.next = cpu_to_le64(RSM_IMC_LKA_CURSOR(11, 0));
		m->lkadoptr.held[0].owner = cpu_to_le32(9);
		m->lkadoptr.held[0].pid = cpu_to_le32(4242);
		m->lkadoptr.held[0].index = cpu_to_le32(3);
		m->lkadoptr.held[1].owner = cpu_to_le32(10);
		m->lkadoptr.held[1].pid = cpu_to_le32(4243);
		m->lkadoptr.held[1].index = cpu_to_le32(1023);
		break;
	}
}

/**
 * wire_build - a valid control message
 * @m: where to build it; cleared first
 * @type: enum rsm_msg_type
 *
 * Return: its length, or 0 for an unknown type (@m is then all zero).
 */
__u32 wire_build(union wire_msg *m, unsigned int type)
{
	__u32 len = rsm_wire_msg_len(type);

	memset(m, 0, sizeof(*m));
	if (!len)
		return 0;
	wire_hdr(&m->hdr, type, len);
	wire_build_payload(m, type);
	return len;
}

/* A valid connection request of node 1 to node 2, no cluster key. */
void wire_build_hello(struct rsm_wire_hello *h)
{
	memset(h, 0, sizeof(*h));
	h->magic = cpu_to_le32(RSM_WIRE_MAGIC);
	h->version = cpu_to_le16(RSM_PROTO_VERSION);
	h->src_nodeid = cpu_to_le32(1);
	h->dst_nodeid = cpu_to_le32(2);
	h->hwaddr = cpu_to_le64(0x0200000000a1ULL);
	h->boot_id = cpu_to_le64(0x1122334455667788ULL);
	h->qpn = cpu_to_le32(0x11);
	memset(h->nonce, 0x3c, sizeof(h->nonce));
}

static void wire_put(__u8 **p, __u64 v, unsigned int bytes)
{
	unsigned int i;

	for (i = 0; i < bytes; i++)
		*(*p)++ = (__u8)(v >> (8 * i));
}

static __u64 wire_get(const __u8 *in, size_t len, size_t *pos,
		      unsigned int bytes)
{
	__u64 v = 0;
	unsigned int i;

	for (i = 0; i < bytes; i++, (*pos)++)
		if (*pos < len)
			v |= (__u64)in[*pos] << (8 * i);
	return v;
}

/**
 * wire_fields_encode - the WIRE_T_REPLY_FIELDS form of a SEG_REPLY
 * @out: WIRE_FIELDS_LEN bytes
 * @r: the reply (no fields derived)
 *
 * Return: WIRE_FIELDS_LEN.
 */
size_t wire_fields_encode(__u8 *out, const struct rsm_msg_seg_reply *r)
{
	__u8 *p = out;

	wire_put(&p, 0, 1);
	wire_put(&p, le32_to_cpu(r->chunk_shift), 1);
	wire_put(&p, le64_to_cpu(r->size), 8);
	wire_put(&p, le32_to_cpu(r->nchunks), 4);
	wire_put(&p, le32_to_cpu(r->first), 4);
	wire_put(&p, le32_to_cpu(r->nkeys), 4);
	wire_put(&p, le32_to_cpu(r->status), 4);
	return (size_t)(p - out);
}

/* Read struct wire_fields from @len bytes at @in; nothing derived yet. */
void wire_fields_decode(struct wire_fields *f, const __u8 *in, size_t len)
{
	size_t pos = 0;

	f->derive = (__u8)wire_get(in, len, &pos, 1);
	f->shift = (__u8)wire_get(in, len, &pos, 1);
	f->size = wire_get(in, len, &pos, 8);
	f->nchunks = (__u32)wire_get(in, len, &pos, 4);
	f->first = (__u32)wire_get(in, len, &pos, 4);
	f->nkeys = (__u32)wire_get(in, len, &pos, 4);
	f->status = (__u32)wire_get(in, len, &pos, 4);
}
