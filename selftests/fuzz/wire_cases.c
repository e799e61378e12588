// SPDX-License-Identifier: GPL-2.0-only
/*
 * Exact verdicts of the peer-message checks (kernel/rsm_wire.c, compiled
 * unchanged for the host) on crafted messages: one valid message of every
 * type, each changed in the one way a faulty or hostile peer might, and
 * the limits themselves.  The fuzzer (fuzz_wire.c) finds what nobody
 * thought of; these pin down what somebody did think of, including every
 * finding of the security review of the segment description, so that a
 * change to the checks that lets one through fails here by name.
 *
 * Usage: wire_cases [--corpus DIR]
 * With --corpus every message is also written to DIR, prefixed by its
 * fuzz target byte (wire_msgs.h): the fuzzer's seed corpus.
 * Prints TAP and "N passed, N failed"; exits 1 if any case failed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wire_msgs.h"
#include "wire_cases.h"

static int ntest, nfail;
static const char *seed_dir;

static void seed(const char *name, unsigned int target, const void *p,
		 size_t len)
{
	char path[4096];
	__u8 sel = (__u8)target;
	FILE *f;

	if (!seed_dir)
		return;
	snprintf(path, sizeof(path), "%s/%s", seed_dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(&sel, 1, 1, f) != 1 ||
	    (len && fwrite(p, len, 1, f) != 1)) {
		perror(path);
		exit(2);
	}
	fclose(f);
}

static void verdict(const char *name, bool ok, long got, long want)
{
	ntest++;
	if (ok) {
		printf("ok %d %s\n", ntest, name);
		return;
	}
	nfail++;
	printf("not ok %d %s\n# got %ld, want %ld\n", ntest, name, got, want);
}

enum probe_fn { PROBE_MSG, PROBE_HELLO, PROBE_REPLY };

struct probe_res {
	int rc;
	__u64 nchunks;	/* PROBE_REPLY */
};

/* One check on exactly @len bytes: a sanitizer sees any read beyond. */
static void probe_run(enum probe_fn fn, const void *p, size_t len,
		      struct probe_res *res)
{
	void *b = NULL;

	if (p) {
		b = malloc(len ? len : 1);
		if (!b)
			abort();
		memcpy(b, p, len);
	}
	res->nchunks = ~0ULL;
	switch (fn) {
	case PROBE_MSG:
		res->rc = rsm_wire_check_msg(b, (__u32)len);
		break;
	case PROBE_HELLO:
		res->rc = rsm_wire_check_hello(b, (__u32)len, RSM_PROTO_VERSION);
		break;
	default:
		res->rc = rsm_wire_check_reply(b, (__u32)len, &res->nchunks);
		break;
	}
	free(b);
}

/*
 * Run a check in a child process, so that a sanitizer report or a crash
 * fails the case it belongs to instead of ending the run there.
 * Return: false if the check did not return.
 */
static bool probe(enum probe_fn fn, const void *p, size_t len,
		  struct probe_res *res)
{
	ssize_t n;
	int fd[2], st;
	pid_t pid;

	fflush(stdout);
	if (pipe(fd))
		abort();
	pid = fork();
	if (pid < 0)
		abort();
	if (!pid) {
		close(fd[0]);
		probe_run(fn, p, len, res);
		n = write(fd[1], res, sizeof(*res));
		_exit(n == (ssize_t)sizeof(*res) ? 0 : 3);
	}
	close(fd[1]);
	n = read(fd[0], res, sizeof(*res));
	close(fd[0]);
	if (waitpid(pid, &st, 0) != pid)
		abort();
	return n == (ssize_t)sizeof(*res) && WIFEXITED(st) && !WEXITSTATUS(st);
}

static void crashed(const char *name)
{
	ntest++;
	nfail++;
	printf("not ok %d %s\n", ntest, name);
	printf("# the check did not return: see the report above\n");
}

void msg_case(const char *name, const void *p, size_t len, int want)
{
	struct probe_res r;

	seed(name, WIRE_T_MSG, p, len);
	if (!probe(PROBE_MSG, p, len, &r)) {
		crashed(name);
		return;
	}
	verdict(name, r.rc == want, r.rc, want);
}

static void hello_case(const char *name, const void *p, size_t len, int want)
{
	struct probe_res r;

	seed(name, WIRE_T_HELLO, p, len);
	if (!probe(PROBE_HELLO, p, len, &r)) {
		crashed(name);
		return;
	}
	verdict(name, r.rc == want, r.rc, want);
}

/* rsm_wire_check_reply by itself, on @len bytes of @r. */
static void reply_only_case(const char *name, const void *r, size_t len,
			    int want)
{
	struct probe_res res;

	seed(name, WIRE_T_REPLY, r, len);
	if (!probe(PROBE_REPLY, r, len, &res)) {
		crashed(name);
		return;
	}
	verdict(name, res.rc == want, res.rc, want);
}

/*
 * A segment description: rsm_wire_check_msg must take the whole message
 * as a SEG_REPLY or refuse it, and rsm_wire_check_reply must agree and,
 * on acceptance, report @want_n chunks.
 */
static void reply_case(const char *name, const struct rsm_msg_seg_reply *r,
		       bool accept, __u64 want_n)
{
	__u8 fields[WIRE_FIELDS_LEN];
	struct probe_res msg, rep;
	char fname[128];
	bool ok;

	seed(name, WIRE_T_MSG, r, sizeof(*r));
	wire_fields_encode(fields, r);
	snprintf(fname, sizeof(fname), "fields_%s", name);
	seed(fname, WIRE_T_REPLY_FIELDS, fields, sizeof(fields));
	if (!probe(PROBE_MSG, r, sizeof(*r), &msg) ||
	    !probe(PROBE_REPLY, r, sizeof(*r), &rep)) {
		crashed(name);
		return;
	}
	ok = msg.rc == (accept ? RSM_MSG_SEG_REPLY : REJECT) &&
	     rep.rc == (accept ? 0 : REJECT) &&
	     (!accept || rep.nchunks == want_n);
	verdict(name, ok, rep.rc, accept ? 0 : REJECT);
	if (!ok)
		printf("# check_msg %d, check_reply %d, nchunks %llu\n",
		       msg.rc, rep.rc, (unsigned long long)rep.nchunks);
}

/* A valid SEG_REPLY header and xid around the given description. */
static struct rsm_msg_seg_reply *reply(union wire_msg *m, __u64 size,
				       __u32 shift, __u32 nchunks,
				       __u32 first, __u32 nkeys)
{
	wire_build(m, RSM_MSG_SEG_REPLY);
	wire_reply_set(&m->reply, size, shift, nchunks, first, nkeys);
	return &m->reply;
}

static void test_every_type_valid(void)
{
	static const char *const names[] = {
		[RSM_MSG_INFO] = "info_valid_accepted",
		[RSM_MSG_HEARTBEAT] = "heartbeat_valid_accepted",
		[RSM_MSG_IMPORT_REQ] = "import_req_valid_accepted",
		[RSM_MSG_SEG_REPLY] = "seg_reply_valid_accepted",
		[RSM_MSG_KEYS_REQ] = "keys_req_valid_accepted",
		[RSM_MSG_RELEASE] = "release_valid_accepted",
		[RSM_MSG_REVOKE] = "revoke_valid_accepted",
		[RSM_MSG_ACK] = "ack_valid_accepted",
		[RSM_MSG_SIGNAL] = "signal_valid_accepted",
		[RSM_MSG_IMC_HOST] = "imc_host_valid_accepted",
		[RSM_MSG_IMC_ALLOC] = "imc_alloc_valid_accepted",
		[RSM_MSG_IMC_ALLOC_REPLY] = "imc_alloc_reply_valid_accepted",
		[RSM_MSG_IMC_REGION] = "imc_region_valid_accepted",
		[RSM_MSG_IMC_RXKEYS] = "imc_rxkeys_valid_accepted",
		[RSM_MSG_IMC_RXKEYS_REPLY] = "imc_rxkeys_reply_valid_accepted",
		[RSM_MSG_IMC_RXUP] = "imc_rxup_valid_accepted",
		[RSM_MSG_IMC_ERRCNT] = "imc_errcnt_valid_accepted",
		[RSM_MSG_IMC_RXDOWN] = "imc_rxdown_valid_accepted",
		[RSM_MSG_IMC_KILL] = "imc_kill_valid_accepted",
		[RSM_MSG_IMC_KILL_REPLY] = "imc_kill_reply_valid_accepted",
		[RSM_MSG_IMC_LKOP] = "imc_lkop_valid_accepted",
		[RSM_MSG_IMC_LKOP_REPLY] = "imc_lkop_reply_valid_accepted",
		[RSM_MSG_IMC_LKGRANT] = "imc_lkgrant_valid_accepted",
		[RSM_MSG_IMC_LKKEYS] = "imc_lkkeys_valid_accepted",
		[RSM_MSG_IMC_LKKEYS_REPLY] = "imc_lkkeys_reply_valid_accepted",
		[RSM_MSG_IMC_LKDOWN] = "imc_lkdown_valid_accepted",
		[RSM_MSG_IMC_LKADOPT] = "imc_lkadopt_valid_accepted",
		[RSM_MSG_IMC_LKADOPT_REPLY] = "imc_lkadopt_reply_valid_accepted",
	};
	union wire_msg m;
	unsigned int t;
	__u32 len;
	bool fits = true;

	for (t = WIRE_TYPE_FIRST; t <= WIRE_TYPE_LAST; t++) {
		len = wire_build(&m, t);
		fits &= len >= sizeof(m.hdr) && len <= RSM_MSG_MAX;
		msg_case(names[t], &m, len, (int)t);
	}
	verdict("every_type_has_a_length_within_msg_max", fits, 0, 0);
	verdict("type_0_has_no_length", !rsm_wire_msg_len(0), 1, 0);
	verdict("type_after_the_last_has_no_length",
		!rsm_wire_msg_len(RSM_MSG_TYPE_MAX + 1), 1, 0);
}

static void test_header(void)
{
	union wire_msg m;
	__u32 len;

	msg_case("null_buffer_rejected", NULL, 0, REJECT);
	wire_build(&m, RSM_MSG_HEARTBEAT);
	msg_case("truncated_header_rejected", &m, sizeof(m.hdr) - 1, REJECT);
	m.hdr.len = cpu_to_le32(sizeof(m.hdr));
	msg_case("header_without_payload_rejected", &m, sizeof(m.hdr), REJECT);

	/* an ACK's 32 bytes where a SEG_REPLY is expected */
	wire_build(&m, RSM_MSG_SEG_REPLY);
	m.hdr.len = cpu_to_le32(sizeof(struct rsm_msg_ack));
	msg_case("seg_reply_header_with_len_32_rejected", &m,
		 sizeof(struct rsm_msg_ack), REJECT);
	len = wire_build(&m, RSM_MSG_SEG_REPLY);
	m.hdr.len = cpu_to_le32(len - 1);
	msg_case("header_len_shorter_than_received_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_SEG_REPLY);
	msg_case("received_shorter_than_header_len_rejected", &m, len - 1,
		 REJECT);
	len = wire_build(&m, RSM_MSG_SEG_REPLY);
	m.hdr.len = cpu_to_le32(RSM_MSG_MAX + 1);
	msg_case("longer_than_msg_max_rejected", &m, RSM_MSG_MAX + 1, REJECT);

	len = wire_build(&m, RSM_MSG_ACK);
	m.hdr.version = RSM_PROTO_VERSION - 1;
	msg_case("older_version_rejected", &m, len, REJECT);
	m.hdr.version = RSM_PROTO_VERSION + 1;
	msg_case("newer_version_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_ACK);
	m.hdr.credits = RSM_WIRE_RECEIVES;
	msg_case("credits_of_every_receive_accepted", &m, len, RSM_MSG_ACK);
	m.hdr.credits = RSM_WIRE_RECEIVES + 1;
	msg_case("more_credits_than_receives_rejected", &m, len, REJECT);
	m.hdr.credits = 0x80;
	msg_case("credits_0x80_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_ACK);
	m.hdr.type = cpu_to_le16(0);
	msg_case("type_0_rejected", &m, len, REJECT);
	m.hdr.type = cpu_to_le16(RSM_MSG_TYPE_MAX + 1);
	msg_case("type_after_the_last_rejected", &m, len, REJECT);
	m.hdr.type = cpu_to_le16(0x100 | RSM_MSG_ACK);
	msg_case("type_with_high_byte_set_rejected", &m, len, REJECT);
}

static void test_seg_reply_review(void)
{
	union wire_msg m;

	/* an unchecked DIV_ROUND_UP wraps to 0 chunks */
	reply_case("seg_reply_size_2pow64_minus_1_no_chunks_rejected",
		   reply(&m, ~0ULL, 12, 0, 0, 1), false, 0);
	/* 2^52 chunks truncated to 32 bits are 0 */
	reply_case("seg_reply_size_near_2pow64_chunks_truncated_to_0_rejected",
		   reply(&m, ~0ULL << 12, 12, 0, 0, 1), false, 0);
	reply_case("seg_reply_2pow30_chunks_rejected",
		   reply(&m, 1ULL << 42, 12, 1U << 30, 0, 1), false, 0);
	reply_case("seg_reply_one_chunk_over_chunks_max_rejected",
		   reply(&m, (RSM_WIRE_CHUNKS_MAX + 1ULL) << 12, 12,
			 RSM_WIRE_CHUNKS_MAX + 1, 0, 1), false, 0);
	reply_case("seg_reply_chunks_max_last_keys_accepted",
		   reply(&m, (__u64)RSM_WIRE_CHUNKS_MAX << 12, 12,
			 RSM_WIRE_CHUNKS_MAX,
			 RSM_WIRE_CHUNKS_MAX - RSM_WIRE_KEYS, RSM_WIRE_KEYS),
		   true, RSM_WIRE_CHUNKS_MAX);
	reply_case("seg_reply_no_keys_rejected",
		   reply(&m, 3 << 20, 21, 2, 0, 0), false, 0);
	reply_case("seg_reply_keys_beyond_last_chunk_rejected",
		   reply(&m, 3 << 20, 21, 2, 1, 2), false, 0);
	reply_case("seg_reply_first_equal_to_nchunks_rejected",
		   reply(&m, 3 << 20, 21, 2, 2, 1), false, 0);
	/* first + nkeys = 2^32 + 16: would wrap below nchunks = 32 */
	reply_case("seg_reply_first_plus_nkeys_wrapping_32_bits_rejected",
		   reply(&m, 32 << 12, 12, 32, 0xfffffff0u, 32), false, 0);
	reply_case("seg_reply_first_2pow32_minus_1_rejected",
		   reply(&m, 32 << 12, 12, 32, 0xffffffffu, 1), false, 0);
	reply_case("seg_reply_97_keys_rejected",
		   reply(&m, 128 << 12, 12, 128, 0, RSM_WIRE_KEYS + 1),
		   false, 0);
	reply_case("seg_reply_96_keys_accepted",
		   reply(&m, 128 << 12, 12, 128, 32, RSM_WIRE_KEYS), true, 128);
	reply_case("seg_reply_chunk_shift_11_rejected",
		   reply(&m, 1 << 20, 11, 512, 0, 1), false, 0);
	reply_case("seg_reply_chunk_shift_31_rejected",
		   reply(&m, 1ULL << 31, 31, 1, 0, 1), false, 0);
	reply_case("seg_reply_chunk_shift_32_rejected",
		   reply(&m, 1ULL << 32, 32, 1, 0, 1), false, 0);
	reply_case("seg_reply_chunk_shift_12_accepted",
		   reply(&m, 1 << 20, 12, 256, 0, 96), true, 256);
	reply_case("seg_reply_chunk_shift_30_accepted",
		   reply(&m, 1ULL << 30, 30, 1, 0, 1), true, 1);
	reply_case("seg_reply_size_not_page_multiple_rejected",
		   reply(&m, (1 << 20) + 512, 21, 1, 0, 1), false, 0);
	reply_case("seg_reply_size_0_rejected",
		   reply(&m, 0, 21, 0, 0, 1), false, 0);
	reply_case("seg_reply_size_16tib_accepted",
		   reply(&m, RSM_WIRE_SIZE_MAX, 30, 1U << 14, 0, 1), true,
		   1U << 14);
	reply_case("seg_reply_size_over_16tib_rejected",
		   reply(&m, RSM_WIRE_SIZE_MAX + (1 << 30), 30,
			 (1U << 14) + 1, 0, 1), false, 0);
	reply_case("seg_reply_nchunks_too_many_for_size_rejected",
		   reply(&m, 3 << 20, 21, 3, 0, 1), false, 0);
	reply_case("seg_reply_nchunks_too_few_for_size_rejected",
		   reply(&m, 3 << 20, 21, 1, 0, 1), false, 0);
	reply_case("seg_reply_1mib_shift_21_one_key_accepted",
		   reply(&m, 1 << 20, 21, 1, 0, 1), true, 1);
}

static void test_seg_reply_status(void)
{
	union wire_msg m;

	reply(&m, 3 << 20, 21, 2, 0, 2)->xid = 0;
	msg_case("seg_reply_xid_0_rejected", &m, sizeof(m.reply), REJECT);

	/* a refusal: the status and nothing else */
	wire_build(&m, RSM_MSG_SEG_REPLY);
	wire_reply_set(&m.reply, 0, 0, 0, 0, 0);
	m.reply.instance = 0;
	m.reply.bind_gen = 0;
	m.reply.status = cpu_to_le32(40);
	msg_case("seg_reply_refusal_status_40_accepted", &m, sizeof(m.reply),
		 RSM_MSG_SEG_REPLY);
	reply_only_case("refusal_is_no_segment_description", &m,
			sizeof(m.reply), REJECT);
	m.reply.status = cpu_to_le32(134);
	msg_case("seg_reply_refusal_status_134_accepted", &m, sizeof(m.reply),
		 RSM_MSG_SEG_REPLY);
	m.reply.status = cpu_to_le32(135);
	msg_case("seg_reply_status_135_rejected", &m, sizeof(m.reply), REJECT);
	m.reply.status = cpu_to_le32(40);
	m.reply.xid = 0;
	msg_case("seg_reply_refusal_xid_0_rejected", &m, sizeof(m.reply),
		 REJECT);
	m.reply.xid = cpu_to_le64(7);
	m.reply.keys[RSM_WIRE_KEYS - 1] = cpu_to_le32(1);
	msg_case("seg_reply_refusal_with_a_key_rejected", &m, sizeof(m.reply),
		 REJECT);
	m.reply.keys[RSM_WIRE_KEYS - 1] = 0;
	m.reply.instance = cpu_to_le64(5);
	msg_case("seg_reply_refusal_with_instance_rejected", &m,
		 sizeof(m.reply), REJECT);

	reply(&m, 1 << 20, 21, 1, 0, 1);
	reply_only_case("reply_one_byte_short_rejected", &m,
			sizeof(m.reply) - 1, REJECT);
	reply_only_case("reply_one_byte_long_rejected", &m,
			sizeof(m.reply) + 1, REJECT);
	reply_only_case("reply_null_rejected", NULL, 0, REJECT);
}

static void test_import_req(void)
{
	union wire_msg m;
	__u32 len;

	len = wire_build(&m, RSM_MSG_IMPORT_REQ);
	m.ireq.ngroups = cpu_to_le32(RSM_WIRE_GROUPS + 1);
	msg_case("import_req_97_groups_rejected", &m, len, REJECT);
	m.ireq.ngroups = cpu_to_le32(0xffffffffu);
	msg_case("import_req_2pow32_minus_1_groups_rejected", &m, len, REJECT);
	m.ireq.ngroups = cpu_to_le32(RSM_WIRE_GROUPS);
	msg_case("import_req_96_groups_accepted", &m, len, RSM_MSG_IMPORT_REQ);
	len = wire_build(&m, RSM_MSG_IMPORT_REQ);
	m.ireq.perm = cpu_to_le32(0777);
	msg_case("import_req_perm_0777_rejected", &m, len, REJECT);
	m.ireq.perm = cpu_to_le32(0001);
	msg_case("import_req_perm_0001_rejected", &m, len, REJECT);
	/* RSM_PERM_NONE: a connection for signals and barriers only */
	m.ireq.perm = cpu_to_le32(0);
	msg_case("import_req_perm_none_accepted", &m, len, RSM_MSG_IMPORT_REQ);
	m.ireq.perm = cpu_to_le32(0400);
	msg_case("import_req_perm_0400_accepted", &m, len, RSM_MSG_IMPORT_REQ);
	len = wire_build(&m, RSM_MSG_IMPORT_REQ);
	m.ireq.flags = cpu_to_le32(0x8);
	msg_case("import_req_unknown_flag_rejected", &m, len, REJECT);
	m.ireq.flags = cpu_to_le32(RSM_IMPORT_PRIV_READ | RSM_IMPORT_PRIV_WRITE |
				   RSM_IMPORT_GROUPS_CUT);
	msg_case("import_req_all_known_flags_accepted", &m, len,
		 RSM_MSG_IMPORT_REQ);
	len = wire_build(&m, RSM_MSG_IMPORT_REQ);
	m.ireq.xid = 0;
	msg_case("import_req_xid_0_rejected", &m, len, REJECT);
}

static void test_other_requests(void)
{
	union wire_msg m;
	__u32 len;

	len = wire_build(&m, RSM_MSG_KEYS_REQ);
	m.kreq.first = cpu_to_le32(RSM_WIRE_CHUNKS_MAX);
	msg_case("keys_req_first_at_chunks_max_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_KEYS_REQ);
	m.kreq.perm = cpu_to_le32(0777);
	msg_case("keys_req_perm_0777_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_KEYS_REQ);
	m.kreq.pad = cpu_to_le32(1);
	msg_case("keys_req_nonzero_pad_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_KEYS_REQ);
	m.kreq.xid = 0;
	msg_case("keys_req_xid_0_rejected", &m, len, REJECT);

	len = wire_build(&m, RSM_MSG_RELEASE);
	m.rel.perm = cpu_to_le32(01000);
	msg_case("release_perm_01000_rejected", &m, len, REJECT);
	m.rel.perm = 0;
	msg_case("release_perm_none_accepted", &m, len, RSM_MSG_RELEASE);

	len = wire_build(&m, RSM_MSG_REVOKE);
	m.rv.kind = cpu_to_le32(3);
	msg_case("revoke_kind_3_rejected", &m, len, REJECT);
	m.rv.kind = 0;
	msg_case("revoke_kind_0_rejected", &m, len, REJECT);
	m.rv.kind = cpu_to_le32(RSM_REVOKE_ABORT);
	msg_case("revoke_abort_accepted", &m, len, RSM_MSG_REVOKE);
	m.rv.pad = cpu_to_le32(1);
	msg_case("revoke_nonzero_pad_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_REVOKE);
	m.rv.xid = 0;
	msg_case("revoke_xid_0_rejected", &m, len, REJECT);

	len = wire_build(&m, RSM_MSG_ACK);
	m.ack.status = cpu_to_le32(1);
	msg_case("ack_nonzero_status_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_ACK);
	m.ack.xid = 0;
	msg_case("ack_xid_0_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_ACK);
	m.ack.pad = cpu_to_le32(1);
	msg_case("ack_nonzero_pad_rejected", &m, len, REJECT);
}

static void test_signal_info(void)
{
	union wire_msg m;
	__u32 len;

	len = wire_build(&m, RSM_MSG_SIGNAL);
	m.sig.xid = cpu_to_le64(1);
	msg_case("signal_nonzero_xid_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_SIGNAL);
	m.sig.target = cpu_to_le32(3);
	msg_case("signal_target_3_rejected", &m, len, REJECT);
	m.sig.target = 0;
	msg_case("signal_target_0_rejected", &m, len, REJECT);
	m.sig.target = cpu_to_le32(RSM_SIGNAL_TO_EXPORT);
	msg_case("signal_to_export_accepted", &m, len, RSM_MSG_SIGNAL);
	m.sig.flags = cpu_to_le32(0x1);
	msg_case("signal_unknown_flag_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_SIGNAL);
	m.sig.pad = cpu_to_le32(1);
	msg_case("signal_nonzero_pad_rejected", &m, len, REJECT);

	len = wire_build(&m, RSM_MSG_INFO);
	memset(m.info.ctlr_name, 'x', sizeof(m.info.ctlr_name));
	msg_case("info_ctlr_name_without_nul_rejected", &m, len, REJECT);
	m.info.ctlr_name[sizeof(m.info.ctlr_name) - 1] = 0;
	msg_case("info_ctlr_name_of_63_chars_accepted", &m, len, RSM_MSG_INFO);
	len = wire_build(&m, RSM_MSG_INFO);
	m.info.nodeid = cpu_to_le32(RSM_WIRE_NODES);
	msg_case("info_nodeid_65_rejected", &m, len, REJECT);
	m.info.nodeid = cpu_to_le32(RSM_WIRE_NODES - 1);
	msg_case("info_nodeid_64_accepted", &m, len, RSM_MSG_INFO);
	len = wire_build(&m, RSM_MSG_INFO);
	m.info.pad = cpu_to_le32(1);
	msg_case("info_nonzero_pad_rejected", &m, len, REJECT);
}

static void test_hello(void)
{
	struct rsm_wire_hello h;
	__u8 padded[64] = { 0 };

	wire_build_hello(&h);
	hello_case("hello_valid_accepted", &h, sizeof(h), 0);
	memcpy(padded, &h, sizeof(h));
	hello_case("hello_padded_by_rdma_cm_accepted", padded, sizeof(padded),
		   0);
	hello_case("hello_of_55_bytes_rejected", &h, sizeof(h) - 1,
		   RSM_REJ_BAD_VERSION);
	hello_case("hello_null_rejected", NULL, 0, RSM_REJ_BAD_VERSION);
	h.flags = cpu_to_le16(RSM_HELLO_KEYED);
	hello_case("hello_keyed_accepted", &h, sizeof(h), 0);
	h.flags = cpu_to_le16(0x2);
	hello_case("hello_unknown_flag_rejected", &h, sizeof(h),
		   RSM_REJ_BAD_VERSION);
	wire_build_hello(&h);
	h.magic = cpu_to_le32(RSM_WIRE_MAGIC ^ 0x01000000);
	hello_case("hello_wrong_magic_rejected", &h, sizeof(h),
		   RSM_REJ_BAD_VERSION);
	wire_build_hello(&h);
	h.version = cpu_to_le16(RSM_PROTO_VERSION + 1);
	hello_case("hello_other_version_rejected", &h, sizeof(h),
		   RSM_REJ_BAD_VERSION);
	wire_build_hello(&h);
	h.pad = cpu_to_le32(1);
	hello_case("hello_nonzero_pad_rejected", &h, sizeof(h),
		   RSM_REJ_BAD_VERSION);
	wire_build_hello(&h);
	h.src_nodeid = cpu_to_le32(RSM_WIRE_NODES);
	hello_case("hello_src_node_65_rejected", &h, sizeof(h),
		   RSM_REJ_UNKNOWN_NODE);
	wire_build_hello(&h);
	h.dst_nodeid = cpu_to_le32(RSM_WIRE_NODES);
	hello_case("hello_dst_node_65_rejected", &h, sizeof(h),
		   RSM_REJ_UNKNOWN_NODE);
	h.dst_nodeid = cpu_to_le32(RSM_WIRE_NODES - 1);
	hello_case("hello_dst_node_64_accepted", &h, sizeof(h), 0);
}

/* Starting points for the fuzzer's structured modes (wire_msgs.h). */
static void seed_built(void)
{
	__u8 in[2] = { 0, 0 };
	char name[32];
	unsigned int t;

	for (t = WIRE_TYPE_FIRST; t <= WIRE_TYPE_LAST; t++) {
		in[0] = (__u8)t;
		snprintf(name, sizeof(name), "built_type_%u", t);
		seed(name, WIRE_T_BUILT_MSG, in, sizeof(in));
	}
	seed("built_hello", WIRE_T_BUILT_HELLO, in, 1);
}

void answer_case(const char *name, unsigned int want,
			unsigned int type, bool expect)
{
	union wire_msg m;
	__u32 len = wire_build(&m, type);

	verdict(name, rsm_wire_answer_ok(want, &m, len) == expect,
		!expect, expect);
}

/* An answer matches its request by type and length, not by id alone. */
static void test_answer_matching(void)
{
	union wire_msg m;
	__u32 len;

	answer_case("ack_is_no_answer_to_an_import_req", RSM_MSG_SEG_REPLY,
		    RSM_MSG_ACK, false);
	answer_case("seg_reply_answers_an_import_req", RSM_MSG_SEG_REPLY,
		    RSM_MSG_SEG_REPLY, true);
	answer_case("ack_answers_a_revoke", RSM_MSG_ACK, RSM_MSG_ACK, true);
	answer_case("seg_reply_is_no_answer_to_a_revoke", RSM_MSG_ACK,
		    RSM_MSG_SEG_REPLY, false);
	answer_case("signal_is_no_answer", RSM_MSG_SEG_REPLY, RSM_MSG_SIGNAL,
		    false);
	answer_case("rxkeys_reply_answers_an_rxkeys",
		    rsm_wire_answer_type(RSM_MSG_IMC_RXKEYS),
		    RSM_MSG_IMC_RXKEYS_REPLY, true);
	answer_case("ack_answers_an_rxup", rsm_wire_answer_type(RSM_MSG_IMC_RXUP),
		    RSM_MSG_ACK, true);
	answer_case("ack_answers_an_rxdown",
		    rsm_wire_answer_type(RSM_MSG_IMC_RXDOWN), RSM_MSG_ACK, true);
	answer_case("kill_reply_answers_a_kill",
		    rsm_wire_answer_type(RSM_MSG_IMC_KILL),
		    RSM_MSG_IMC_KILL_REPLY, true);
	answer_case("ack_is_no_answer_to_a_kill",
		    rsm_wire_answer_type(RSM_MSG_IMC_KILL), RSM_MSG_ACK, false);
	answer_case("alloc_reply_is_no_answer_to_an_rxkeys",
		    rsm_wire_answer_type(RSM_MSG_IMC_RXKEYS),
		    RSM_MSG_IMC_ALLOC_REPLY, false);
	len = wire_build(&m, RSM_MSG_SEG_REPLY);
	verdict("short_seg_reply_is_no_answer",
		!rsm_wire_answer_ok(RSM_MSG_SEG_REPLY, &m, len - 4), 1, 0);
	verdict("unknown_wanted_type_matches_nothing",
		!rsm_wire_answer_ok(0, &m, len), 1, 0);
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--corpus")) {
		seed_dir = argv[2];
	} else if (argc != 1) {
		fprintf(stderr, "usage: %s [--corpus DIR]\n", argv[0]);
		return 2;
	}
	test_every_type_valid();
	test_header();
	test_seg_reply_review();
	test_seg_reply_status();
	test_import_req();
	test_other_requests();
	test_signal_info();
	test_imc_host();
	test_imc_regions();
	test_imc_receive_memory();
	test_imc_locks();
	test_hello();
	test_answer_matching();
	seed_built();
	printf("1..%d\n", ntest);
	printf("%d passed, %d failed\n", ntest - nfail, nfail);
	return nfail ? 1 : 0;
}
