// SPDX-License-Identifier: GPL-2.0-only
/*
 * Exact verdicts of the peer-message checks on the Memory Channel
 * layer's messages (hosts, regions, receive memory, lock sets); see
 * wire_cases.c.
 */
#include <stdio.h>

#include "wire_msgs.h"
#include "wire_cases.h"

void test_imc_host(void)
{
	union wire_msg m;
	__u32 len;

	len = wire_build(&m, RSM_MSG_IMC_HOST);
	memset(m.imc.name, 'h', sizeof(m.imc.name));
	msg_case("imc_host_name_without_nul_rejected", &m, len, REJECT);
	m.imc.name[sizeof(m.imc.name) - 1] = 0;
	msg_case("imc_host_name_of_63_chars_accepted", &m, len,
		 RSM_MSG_IMC_HOST);
	len = wire_build(&m, RSM_MSG_IMC_HOST);
	m.imc.name[7] = 'x';	/* after the NUL of "node1" */
	msg_case("imc_host_bytes_after_the_name_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_HOST);
	memset(m.imc.name, 0, sizeof(m.imc.name));
	msg_case("imc_host_member_without_name_rejected", &m, len, REJECT);
	m.imc.flags = 0;
	msg_case("imc_host_non_member_without_name_accepted", &m, len,
		 RSM_MSG_IMC_HOST);
	len = wire_build(&m, RSM_MSG_IMC_HOST);
	m.imc.name[2] = '\033';	/* an escape sequence for imcs to print */
	msg_case("imc_host_name_with_a_control_character_rejected", &m, len,
		 REJECT);
	len = wire_build(&m, RSM_MSG_IMC_HOST);
	m.imc.name[2] = ' ';
	msg_case("imc_host_name_with_a_blank_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_HOST);
	m.imc.flags = cpu_to_le32(2);
	msg_case("imc_host_unknown_flag_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_HOST);
	m.imc.xid = cpu_to_le64(1);
	msg_case("imc_host_nonzero_xid_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_HOST);
	m.imc.pad = cpu_to_le32(1);
	msg_case("imc_host_nonzero_pad_rejected", &m, len, REJECT);
}

void test_imc_regions(void)
{
	union wire_msg m;
	__u32 len;

	len = wire_build(&m, RSM_MSG_IMC_ALLOC);
	m.ialloc.size = cpu_to_le64(8193);
	msg_case("imc_alloc_size_not_a_page_multiple_rejected", &m, len, REJECT);
	m.ialloc.size = 0;
	msg_case("imc_alloc_size_0_rejected", &m, len, REJECT);
	m.ialloc.size = cpu_to_le64(RSM_IMC_SIZE_MAX + RSM_IMC_PAGE);
	msg_case("imc_alloc_size_above_1_tib_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_ALLOC);
	m.ialloc.ngroups = cpu_to_le32(RSM_WIRE_GROUPS + 1);
	msg_case("imc_alloc_97_groups_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_ALLOC);
	m.ialloc.groups[5] = cpu_to_le32(4);	/* past ngroups (1) */
	msg_case("imc_alloc_group_past_ngroups_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_ALLOC);
	m.ialloc.perm = cpu_to_le32(0700);
	msg_case("imc_alloc_execute_bit_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_ALLOC);
	m.ialloc.rail = cpu_to_le32(RSM_IMC_RAILS_MAX);
	msg_case("imc_alloc_rail_4_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_ALLOC);
	m.ialloc.flags = cpu_to_le32(8);
	msg_case("imc_alloc_unknown_flag_rejected", &m, len, REJECT);
	m.ialloc.flags = cpu_to_le32(RSM_IMC_EXCL);
	msg_case("imc_alloc_region_exclusive_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_ALLOC);
	m.ialloc.xid = 0;
	msg_case("imc_alloc_xid_0_rejected", &m, len, REJECT);

	len = wire_build(&m, RSM_MSG_IMC_ALLOC_REPLY);
	m.ireg.status = cpu_to_le32(RSM_IMC_ST_PERMIT);
	msg_case("imc_alloc_reply_refusal_with_attributes_rejected", &m, len,
		 REJECT);
	memset(&m.ireg.perm, 0, len - offsetof(struct rsm_msg_imc_region, perm));
	msg_case("imc_alloc_reply_bare_refusal_accepted", &m, len,
		 RSM_MSG_IMC_ALLOC_REPLY);
	m.ireg.status = cpu_to_le32(7);
	msg_case("imc_alloc_reply_unknown_status_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_ALLOC_REPLY);
	m.ireg.present = cpu_to_le32(1);
	msg_case("imc_alloc_reply_present_rejected", &m, len, REJECT);

	len = wire_build(&m, RSM_MSG_IMC_REGION);
	m.ireg.present = cpu_to_le32(2);
	msg_case("imc_region_present_2_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_REGION);
	m.ireg.present = 0;
	msg_case("imc_region_absent_with_attributes_rejected", &m, len, REJECT);
	memset(&m.ireg.perm, 0, len - offsetof(struct rsm_msg_imc_region, perm));
	msg_case("imc_region_absent_bare_accepted", &m, len, RSM_MSG_IMC_REGION);
	len = wire_build(&m, RSM_MSG_IMC_REGION);
	m.ireg.xid = cpu_to_le64(1);
	msg_case("imc_region_nonzero_xid_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_REGION);
	m.ireg.size = cpu_to_le64(100);
	msg_case("imc_region_size_100_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_REGION);
	m.ireg.id = 0;
	msg_case("imc_region_id_0_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_ALLOC_REPLY);
	m.ireg.home = cpu_to_le32(1);
	msg_case("imc_alloc_reply_region_with_a_home_rejected", &m, len,
		 REJECT);
}

void test_imc_receive_memory(void)
{
	union wire_msg m;
	__u32 len;

	len = wire_build(&m, RSM_MSG_IMC_RXKEYS);
	m.rxk.xid = 0;
	msg_case("imc_rxkeys_xid_0_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_RXKEYS);
	m.rxk.first = cpu_to_le32(RSM_WIRE_CHUNKS_MAX);
	msg_case("imc_rxkeys_first_past_the_wire_limit_rejected", &m, len,
		 REJECT);
	len = wire_build(&m, RSM_MSG_IMC_RXKEYS);
	m.rxk.flags = cpu_to_le32(RSM_IMC_RXKEYS_SNAPSHOT);
	msg_case("imc_rxkeys_for_a_snapshot_accepted", &m, len,
		 RSM_MSG_IMC_RXKEYS);
	len = wire_build(&m, RSM_MSG_IMC_RXKEYS);
	m.rxk.flags = cpu_to_le32(2);
	msg_case("imc_rxkeys_unknown_flag_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_RXKEYS);
	m.rxk.pad = cpu_to_le32(1);
	msg_case("imc_rxkeys_pad_not_zero_rejected", &m, len, REJECT);

	len = wire_build(&m, RSM_MSG_IMC_RXKEYS_REPLY);
	m.rxr.nchunks = cpu_to_le32(2);
	msg_case("imc_rxkeys_reply_chunks_not_the_size_rejected", &m, len,
		 REJECT);
	len = wire_build(&m, RSM_MSG_IMC_RXKEYS_REPLY);
	m.rxr.nkeys = cpu_to_le32(2);
	msg_case("imc_rxkeys_reply_keys_past_nchunks_rejected", &m, len,
		 REJECT);
	len = wire_build(&m, RSM_MSG_IMC_RXKEYS_REPLY);
	m.rxr.nkeys = 0;
	msg_case("imc_rxkeys_reply_no_keys_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_RXKEYS_REPLY);
	m.rxr.keys[1] = cpu_to_le32(7);
	msg_case("imc_rxkeys_reply_key_past_nkeys_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_RXKEYS_REPLY);
	m.rxr.chunk_shift = cpu_to_le32(RSM_WIRE_CHUNK_SHIFT_MAX + 1);
	msg_case("imc_rxkeys_reply_chunk_shift_31_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_RXKEYS_REPLY);
	m.rxr.size = cpu_to_le64(4097);
	msg_case("imc_rxkeys_reply_size_not_pages_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_RXKEYS_REPLY);
	m.rxr.flags = cpu_to_le32(RSM_IMC_RX_NONE);
	msg_case("imc_rxkeys_reply_none_with_keys_rejected", &m, len, REJECT);
	memset(&m.rxr.size, 0,
	       len - offsetof(struct rsm_msg_imc_rxkeys_reply, size));
	msg_case("imc_rxkeys_reply_bare_none_accepted", &m, len,
		 RSM_MSG_IMC_RXKEYS_REPLY);
	m.rxr.flags = cpu_to_le32(RSM_IMC_RX_FAILED);
	msg_case("imc_rxkeys_reply_bare_failed_accepted", &m, len,
		 RSM_MSG_IMC_RXKEYS_REPLY);
	m.rxr.flags = cpu_to_le32(RSM_IMC_RX_NONE | RSM_IMC_RX_FAILED);
	msg_case("imc_rxkeys_reply_none_and_failed_rejected", &m, len, REJECT);
	m.rxr.flags = cpu_to_le32(4);
	msg_case("imc_rxkeys_reply_unknown_flag_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_KILL);
	m.kill.xid = 0;
	msg_case("imc_kill_xid_0_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_KILL);
	m.kill.pid = 0;
	msg_case("imc_kill_pid_0_rejected", &m, len, REJECT);
	m.kill.pid = cpu_to_le32(RSM_IMC_PID_MAX + 1);
	msg_case("imc_kill_pid_past_pid_max_rejected", &m, len, REJECT);
	m.kill.pid = cpu_to_le32(0xfffffffbU);
	msg_case("imc_kill_negative_pid_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_KILL);
	m.kill.sig = cpu_to_le32(RSM_IMC_SIG_MAX + 1);
	msg_case("imc_kill_signal_past_64_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_KILL_REPLY);
	m.killr.status = cpu_to_le32(RSM_IMC_KILL_NOROOT + 1);
	msg_case("imc_kill_reply_unknown_status_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_KILL_REPLY);
	m.killr.pad = cpu_to_le32(1);
	msg_case("imc_kill_reply_nonzero_pad_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_RXDOWN);
	m.rxup.xid = 0;
	msg_case("imc_rxdown_xid_0_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_RXDOWN);
	m.rxup.pad = cpu_to_le32(1);
	msg_case("imc_rxdown_nonzero_pad_rejected", &m, len, REJECT);

	len = wire_build(&m, RSM_MSG_IMC_RXUP);
	m.rxup.xid = 0;
	msg_case("imc_rxup_xid_0_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_RXUP);
	m.rxup.pad = cpu_to_le32(1);
	msg_case("imc_rxup_nonzero_pad_rejected", &m, len, REJECT);

	len = wire_build(&m, RSM_MSG_IMC_ERRCNT);
	m.errc.rail = cpu_to_le32(RSM_IMC_RAILS_MAX);
	msg_case("imc_errcnt_rail_4_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_ERRCNT);
	m.errc.count = cpu_to_le32(RSM_IMC_ERRCNT_MAX + 1);
	msg_case("imc_errcnt_negative_count_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_ERRCNT);
	m.errc.xid = cpu_to_le64(3);
	msg_case("imc_errcnt_nonzero_xid_rejected", &m, len, REJECT);
}


/* A valid lock set allocation: 16 locks, created holding lock 0. */
static __u32 lockset_alloc(union wire_msg *m)
{
	__u32 len = wire_build(m, RSM_MSG_IMC_ALLOC);

	m->ialloc.size = cpu_to_le64(16);
	m->ialloc.flags = cpu_to_le32(RSM_IMC_LOCKSET | RSM_IMC_EXCL);
	m->ialloc.rail = 0;
	m->ialloc.owner = cpu_to_le32(7);
	m->ialloc.pid = cpu_to_le32(4242);
	return len;
}

static __u32 lockset_region(union wire_msg *m)
{
	__u32 len = wire_build(m, RSM_MSG_IMC_REGION);

	m->ireg.size = cpu_to_le64(16);
	m->ireg.flags = cpu_to_le32(RSM_IMC_LOCKSET);
	m->ireg.rail = 0;
	m->ireg.home = cpu_to_le32(2);
	return len;
}

static void test_imc_lockset_alloc(void)
{
	union wire_msg m;
	__u32 len;

	len = lockset_alloc(&m);
	msg_case("imc_alloc_lockset_creator_accepted", &m, len,
		 RSM_MSG_IMC_ALLOC);
	m.ialloc.size = cpu_to_le64(RSM_IMC_LOCKS_MAX);
	msg_case("imc_alloc_lockset_of_1024_accepted", &m, len,
		 RSM_MSG_IMC_ALLOC);
	m.ialloc.size = cpu_to_le64(RSM_IMC_LOCKS_MAX + 1);
	msg_case("imc_alloc_lockset_of_1025_rejected", &m, len, REJECT);
	m.ialloc.size = 0;
	msg_case("imc_alloc_lockset_of_0_rejected", &m, len, REJECT);
	len = lockset_alloc(&m);
	m.ialloc.rail = cpu_to_le32(1);
	msg_case("imc_alloc_lockset_on_a_rail_rejected", &m, len, REJECT);
	len = lockset_alloc(&m);
	m.ialloc.owner = 0;
	msg_case("imc_alloc_lockset_creator_without_owner_rejected", &m, len,
		 REJECT);
	len = lockset_alloc(&m);
	m.ialloc.flags = cpu_to_le32(RSM_IMC_LOCKSET);
	msg_case("imc_alloc_lockset_owner_without_creator_rejected", &m, len,
		 REJECT);
	m.ialloc.owner = 0;
	m.ialloc.pid = 0;
	msg_case("imc_alloc_lockset_join_accepted", &m, len, RSM_MSG_IMC_ALLOC);
	m.ialloc.pid = cpu_to_le32(1);
	msg_case("imc_alloc_lockset_join_with_pid_rejected", &m, len, REJECT);
	len = lockset_alloc(&m);
	m.ialloc.flags = cpu_to_le32(RSM_IMC_LOCKSET | RSM_IMC_COHERENT);
	msg_case("imc_alloc_coherent_lockset_rejected", &m, len, REJECT);
	len = lockset_alloc(&m);
	m.ialloc.pid = cpu_to_le32(RSM_IMC_PID_MAX + 1);
	msg_case("imc_alloc_lockset_pid_past_pid_max_rejected", &m, len,
		 REJECT);

	len = lockset_region(&m);
	msg_case("imc_region_lockset_accepted", &m, len, RSM_MSG_IMC_REGION);
	m.ireg.home = 0;
	msg_case("imc_region_lockset_without_home_rejected", &m, len, REJECT);
	m.ireg.home = cpu_to_le32(RSM_WIRE_NODES + 1);
	msg_case("imc_region_lockset_home_past_nodes_rejected", &m, len,
		 REJECT);
	len = lockset_region(&m);
	m.ireg.flags = cpu_to_le32(RSM_IMC_LOCKSET | RSM_IMC_EXCL);
	msg_case("imc_region_exclusive_lockset_rejected", &m, len, REJECT);
	len = lockset_region(&m);
	m.ireg.present = 0;
	memset(&m.ireg.perm, 0, len - offsetof(struct rsm_msg_imc_region, perm));
	m.ireg.flags = cpu_to_le32(RSM_IMC_LOCKSET);
	msg_case("imc_region_lockset_absent_bare_accepted", &m, len,
		 RSM_MSG_IMC_REGION);
	m.ireg.flags = cpu_to_le32(RSM_IMC_COHERENT);
	msg_case("imc_region_absent_with_coherent_flag_rejected", &m, len,
		 REJECT);
	len = wire_build(&m, RSM_MSG_IMC_ALLOC_REPLY);
	memset(&m.ireg.perm, 0, len - offsetof(struct rsm_msg_imc_region, perm));
	m.ireg.status = cpu_to_le32(RSM_IMC_ST_EXISTS);
	m.ireg.flags = cpu_to_le32(RSM_IMC_LOCKSET);
	msg_case("imc_alloc_reply_exists_accepted", &m, len,
		 RSM_MSG_IMC_ALLOC_REPLY);
}

static void test_imc_lkkeys(void)
{
	union wire_msg m;
	__u32 len;

	len = wire_build(&m, RSM_MSG_IMC_LKKEYS);
	m.lkkeys.xid = 0;
	msg_case("imc_lkkeys_xid_0_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_LKKEYS);
	m.lkkeys.owner = 0;
	msg_case("imc_lkkeys_owner_0_rejected", &m, len, REJECT);
	m.lkkeys.owner = cpu_to_le32(RSM_IMC_LKW_OWNER_MAX + 1);
	msg_case("imc_lkkeys_owner_past_31_bits_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_LKKEYS);
	m.lkkeys.pid = cpu_to_le32(RSM_IMC_PID_MAX + 1);
	msg_case("imc_lkkeys_pid_past_pid_max_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_LKKEYS);
	m.lkkeys.pad = cpu_to_le32(1);
	msg_case("imc_lkkeys_nonzero_pad_rejected", &m, len, REJECT);

	len = wire_build(&m, RSM_MSG_IMC_LKKEYS_REPLY);
	m.lkkeysr.cid = 0;
	msg_case("imc_lkkeys_reply_cid_0_rejected", &m, len, REJECT);
	m.lkkeysr.cid = cpu_to_le32(RSM_IMC_LKW_CID_MAX + 1);
	msg_case("imc_lkkeys_reply_cid_past_16_bits_rejected", &m, len,
		 REJECT);
	len = wire_build(&m, RSM_MSG_IMC_LKKEYS_REPLY);
	m.lkkeysr.count = cpu_to_le32(RSM_IMC_LOCKS_MAX + 1);
	msg_case("imc_lkkeys_reply_1025_locks_rejected", &m, len, REJECT);
	m.lkkeysr.count = 0;
	msg_case("imc_lkkeys_reply_0_locks_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_LKKEYS_REPLY);
	m.lkkeysr.status = cpu_to_le32(RSM_IMC_LKR_NOWORDS);
	msg_case("imc_lkkeys_reply_none_with_a_key_rejected", &m, len,
		 REJECT);
	m.lkkeysr.cid = 0;
	m.lkkeysr.rkey = 0;
	m.lkkeysr.count = 0;
	msg_case("imc_lkkeys_reply_none_accepted", &m, len,
		 RSM_MSG_IMC_LKKEYS_REPLY);
	m.lkkeysr.status = cpu_to_le32(RSM_IMC_LKR_BUSY);
	msg_case("imc_lkkeys_reply_busy_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_LKKEYS_REPLY);
	m.lkkeysr.xid = 0;
	msg_case("imc_lkkeys_reply_xid_0_rejected", &m, len, REJECT);
	answer_case("lkkeys_reply_answers_lkkeys",
		    rsm_wire_answer_type(RSM_MSG_IMC_LKKEYS),
		    RSM_MSG_IMC_LKKEYS_REPLY, true);

	len = wire_build(&m, RSM_MSG_IMC_LKDOWN);
	m.lkdown.xid = 0;
	msg_case("imc_lkdown_xid_0_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_LKDOWN);
	m.lkdown.pad = cpu_to_le32(1);
	msg_case("imc_lkdown_nonzero_pad_rejected", &m, len, REJECT);
	answer_case("ack_answers_lkdown",
		    rsm_wire_answer_type(RSM_MSG_IMC_LKDOWN), RSM_MSG_ACK,
		    true);
}

/* A new home's LKADOPT and the ledgers it gets back. */
static void test_imc_lkadopt(void)
{
	union wire_msg m;
	__u32 len;

	len = wire_build(&m, RSM_MSG_IMC_LKADOPT);
	m.lkadopt.xid = 0;
	msg_case("imc_lkadopt_xid_0_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_LKADOPT);
	m.lkadopt.flags = cpu_to_le32(RSM_IMC_LKA_LATE);
	msg_case("imc_lkadopt_late_accepted", &m, len, RSM_MSG_IMC_LKADOPT);
	m.lkadopt.flags = cpu_to_le32(2);
	msg_case("imc_lkadopt_unknown_flag_rejected", &m, len, REJECT);
	answer_case("lkadopt_reply_answers_lkadopt",
		    rsm_wire_answer_type(RSM_MSG_IMC_LKADOPT),
		    RSM_MSG_IMC_LKADOPT_REPLY, true);

	len = wire_build(&m, RSM_MSG_IMC_LKADOPT_REPLY);
	m.lkadoptr.xid = 0;
	msg_case("imc_lkadopt_reply_xid_0_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_LKADOPT_REPLY);
	m.lkadoptr.n = cpu_to_le32(RSM_IMC_LKA_HELD + 1);
	msg_case("imc_lkadopt_reply_33_held_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_LKADOPT_REPLY);
	m.lkadoptr.held[1].index = cpu_to_le32(RSM_IMC_LOCKS_MAX);
	msg_case("imc_lkadopt_reply_index_1024_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_LKADOPT_REPLY);
	m.lkadoptr.held[0].owner = 0;
	msg_case("imc_lkadopt_reply_owner_0_rejected", &m, len, REJECT);
	m.lkadoptr.held[0].owner = cpu_to_le32(RSM_IMC_LKW_OWNER_MAX + 1);
	msg_case("imc_lkadopt_reply_owner_past_31_bits_rejected", &m, len,
		 REJECT);
	len = wire_build(&m, RSM_MSG_IMC_LKADOPT_REPLY);
	m.lkadoptr.held[0].pid = cpu_to_le32(RSM_IMC_PID_MAX + 1);
	msg_case("imc_lkadopt_reply_pid_past_pid_max_rejected", &m, len,
		 REJECT);
	len = wire_build(&m, RSM_MSG_IMC_LKADOPT_REPLY);
	m.lkadoptr.held[2].index = cpu_to_le32(5);
	msg_case("imc_lkadopt_reply_entry_past_n_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_LKADOPT_REPLY);
	m.lkadoptr.status = cpu_to_le32(RSM_IMC_LKR_UNKNOWN);
	msg_case("imc_lkadopt_reply_refused_with_entries_rejected", &m, len,
		 REJECT);
	memset(m.lkadoptr.held, 0, sizeof(m.lkadoptr.held));
	m.lkadoptr.n = 0;
	m.lkadoptr.next = 0;
	msg_case("imc_lkadopt_reply_refused_accepted", &m, len,
		 RSM_MSG_IMC_LKADOPT_REPLY);
	m.lkadoptr.status = cpu_to_le32(RSM_IMC_LKR_BUSY);
	msg_case("imc_lkadopt_reply_busy_rejected", &m, len, REJECT);
}

void test_imc_locks(void)
{
	union wire_msg m;
	__u32 len;

	test_imc_lockset_alloc();
	test_imc_lkadopt();
	len = wire_build(&m, RSM_MSG_IMC_LKOP);
	m.lkop.op = 0;
	msg_case("imc_lkop_op_0_rejected", &m, len, REJECT);
	m.lkop.op = cpu_to_le32(RSM_IMC_LK_OP_MAX + 1);
	msg_case("imc_lkop_unknown_op_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_LKOP);
	m.lkop.index = cpu_to_le32(RSM_IMC_LOCKS_MAX);
	msg_case("imc_lkop_index_1024_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_LKOP);
	m.lkop.owner = 0;
	msg_case("imc_lkop_owner_0_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_LKOP);
	m.lkop.wait = 0;
	msg_case("imc_lkop_wait_without_waiter_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_LKOP);
	m.lkop.xid = 0;
	msg_case("imc_lkop_wait_without_xid_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_LKOP);
	m.lkop.pad = cpu_to_le32(1);
	msg_case("imc_lkop_nonzero_pad_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_LKOP);
	m.lkop.pid = cpu_to_le32(RSM_IMC_PID_MAX + 1);
	msg_case("imc_lkop_pid_past_pid_max_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_LKOP);
	m.lkop.op = cpu_to_le32(RSM_IMC_LK_RELEASE);
	msg_case("imc_lkop_release_with_waiter_rejected", &m, len, REJECT);
	m.lkop.wait = 0;
	msg_case("imc_lkop_release_accepted", &m, len, RSM_MSG_IMC_LKOP);
	m.lkop.op = cpu_to_le32(RSM_IMC_LK_DROP);
	msg_case("imc_lkop_drop_of_lock_3_rejected", &m, len, REJECT);
	m.lkop.index = 0;
	msg_case("imc_lkop_drop_accepted", &m, len, RSM_MSG_IMC_LKOP);
	m.lkop.xid = 0;
	msg_case("imc_lkop_drop_without_xid_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_LKOP);
	m.lkop.op = cpu_to_le32(RSM_IMC_LK_CANCEL);
	msg_case("imc_lkop_cancel_accepted", &m, len, RSM_MSG_IMC_LKOP);
	m.lkop.xid = 0;
	msg_case("imc_lkop_cancel_without_xid_rejected", &m, len, REJECT);

	len = wire_build(&m, RSM_MSG_IMC_LKOP_REPLY);
	m.lkopr.status = cpu_to_le32(RSM_IMC_LKR_MAX + 1);
	msg_case("imc_lkop_reply_unknown_status_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_LKOP_REPLY);
	m.lkopr.xid = 0;
	msg_case("imc_lkop_reply_xid_0_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_LKGRANT);
	m.lkgrant.index = cpu_to_le32(RSM_IMC_LOCKS_MAX);
	msg_case("imc_lkgrant_index_1024_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_LKGRANT);
	m.lkgrant.wait = 0;
	msg_case("imc_lkgrant_waiter_0_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_LKGRANT);
	m.lkgrant.xid = cpu_to_le64(1);
	msg_case("imc_lkgrant_with_xid_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_LKGRANT);
	m.lkgrant.owner = 0;
	msg_case("imc_lkgrant_owner_0_rejected", &m, len, REJECT);
	len = wire_build(&m, RSM_MSG_IMC_LKGRANT);
	m.lkgrant.pad = cpu_to_le32(1);
	msg_case("imc_lkgrant_nonzero_pad_rejected", &m, len, REJECT);
	test_imc_lkkeys();
	answer_case("lkop_reply_answers_an_lkop",
		    rsm_wire_answer_type(RSM_MSG_IMC_LKOP),
		    RSM_MSG_IMC_LKOP_REPLY, true);
	answer_case("kill_reply_is_no_answer_to_an_lkop",
		    rsm_wire_answer_type(RSM_MSG_IMC_LKOP),
		    RSM_MSG_IMC_KILL_REPLY, false);
}
