/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Valid peer messages, built from the structs of kernel/rsm_proto.h, for
 * the crafted cases (wire_cases.c) and as the fuzzer's starting points
 * (fuzz_wire.c).  Both share the input format described here, so that the
 * cases wire_cases writes out are the fuzzer's seed corpus.
 */
#ifndef _WIRE_MSGS_H
#define _WIRE_MSGS_H

#include "rsm_wire_host.h"
#include "rsm_proto.h"

/*
 * First byte of a fuzz input (modulo WIRE_T_COUNT): what the rest is.
 * WIRE_T_MSG, WIRE_T_HELLO, WIRE_T_REPLY: the bytes received, given to
 * rsm_wire_check_msg, rsm_wire_check_hello and rsm_wire_check_reply.
 * WIRE_T_BUILT_MSG: a type byte, a length byte and edits (fuzz_wire.c)
 * applied to the valid message of that type from wire_build().
 * WIRE_T_BUILT_HELLO: a length byte and edits applied to a valid hello.
 * WIRE_T_REPLY_FIELDS: the numbers of a segment description (fuzz_wire.c).
 */
enum wire_target {
	WIRE_T_MSG,
	WIRE_T_HELLO,
	WIRE_T_REPLY,
	WIRE_T_BUILT_MSG,
	WIRE_T_BUILT_HELLO,
	WIRE_T_REPLY_FIELDS,
	WIRE_T_COUNT
};

/* Every message, and room to build one that is too long. */
union wire_msg {
	struct rsm_wire_hello hello;
	struct rsm_msg_hdr hdr;
	struct rsm_msg_info info;
	struct rsm_msg_heartbeat hb;
	struct rsm_msg_import_req ireq;
	struct rsm_msg_seg_reply reply;
	struct rsm_msg_keys_req kreq;
	struct rsm_msg_release rel;
	struct rsm_msg_revoke rv;
	struct rsm_msg_ack ack;
	struct rsm_msg_signal sig;
	struct rsm_msg_imc_host imc;
	struct rsm_msg_imc_alloc ialloc;
	struct rsm_msg_imc_region ireg;
	struct rsm_msg_imc_rxkeys rxk;
	struct rsm_msg_imc_rxkeys_reply rxr;
	struct rsm_msg_imc_rxup rxup;
	struct rsm_msg_imc_errcnt errc;
	struct rsm_msg_imc_kill kill;
	struct rsm_msg_imc_kill_reply killr;
	struct rsm_msg_imc_lkop lkop;
	struct rsm_msg_imc_lkop_reply lkopr;
	struct rsm_msg_imc_lkgrant lkgrant;
	struct rsm_msg_imc_lkkeys lkkeys;
	struct rsm_msg_imc_lkkeys_reply lkkeysr;
	struct rsm_msg_imc_lkdown lkdown;
	struct rsm_msg_imc_lkadopt lkadopt;
	struct rsm_msg_imc_lkadopt_reply lkadoptr;
	__u8 bytes[2 * RSM_MSG_MAX];
};

#define WIRE_TYPE_FIRST	RSM_MSG_INFO
#define WIRE_TYPE_LAST	RSM_MSG_IMC_LKADOPT_REPLY

/*
 * The numbers of a segment description, the input of WIRE_T_REPLY_FIELDS:
 * WIRE_FIELDS_LEN bytes after the selector, in this order, little-endian;
 * missing bytes read as zero.  @derive asks for some fields to be computed
 * from the others, which gets the fuzzer past the checks that relate them.
 */
struct wire_fields {
	__u8 derive;	/* WIRE_DERIVE_* */
	__u8 shift;
	__u64 size;
	__u32 nchunks;
	__u32 first;
	__u32 nkeys;
	__u32 status;
};

#define WIRE_FIELDS_LEN		26
#define WIRE_DERIVE_SHIFT	0x1	/* shift 12 + shift % 20: 12..31 */
#define WIRE_DERIVE_PAGES	0x2	/* size rounded down to 4096 bytes */
#define WIRE_DERIVE_NCHUNKS	0x4	/* nchunks: size in chunks, rounded up */
#define WIRE_DERIVE_NKEYS	0x8	/* nkeys: the keys from first on, <= 96 */

size_t wire_fields_encode(__u8 *out, const struct rsm_msg_seg_reply *r);
void wire_fields_decode(struct wire_fields *f, const __u8 *in, size_t len);

__u32 wire_build(union wire_msg *m, unsigned int type);
void wire_reply_set(struct rsm_msg_seg_reply *r, __u64 size, __u32 shift,
		    __u32 nchunks, __u32 first, __u32 nkeys);
void wire_build_hello(struct rsm_wire_hello *h);

#endif /* _WIRE_MSGS_H */
