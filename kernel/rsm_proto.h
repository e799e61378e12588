/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rsm wire protocol: every message two nodes exchange, in one place.
 *
 * All fields are little-endian and the layouts are fixed; every message type
 * has exactly one length.  A connection is opened with a hello carried in the
 * RDMA CM private data (so that a node can refuse an unknown peer, a wrong
 * protocol version or an unprivileged source port before any resources are
 * committed); once connected, both sides send an INFO message and then
 * exchange control messages as SEND/RECV of at most RSM_MSG_MAX bytes.
 *
 * Authentication (rsm(7)).  Both sides prove that they hold the cluster key
 * with HMAC-SHA256 over a struct rsm_wire_auth built from this very
 * connection: both fresh nonces, both node ids, both QP numbers and both
 * RDMA CM ports.  The passive side proves first, in its accept private data
 * (struct rsm_wire_accept); the active side proves in its INFO message.
 * The passive side takes a connection as its peer's only once that INFO
 * checked out; no other message counts before.  Without a cluster key the
 * MACs are zero and only the privileged source port vouches for the peer.
 */
#ifndef _RSM_PROTO_H
#define _RSM_PROTO_H

#include <linux/types.h>

/* The RSMAPI kernel-agent version (spec: RSM_VERSION). */
#define RSM_PROTO_VERSION	15
#define RSM_WIRE_MAGIC		0x314d5352	/* "RSM1" */

/* Receives each side keeps posted for the other's messages. */
#define RSM_WIRE_RECEIVES	32

/* Largest control message, header included. */
#define RSM_MSG_MAX		512

/* Node ids on the wire are 0 .. RSM_WIRE_NODES - 1. */
#define RSM_WIRE_NODES		65
#define RSM_WIRE_NONCE_LEN	16
#define RSM_WIRE_MAC_LEN	32	/* HMAC-SHA256 */
/* Active sides connect from a source port below this (bind needs privilege). */
#define RSM_WIRE_PRIV_PORT_MAX	1024

/* struct rsm_wire_hello.flags */
#define RSM_HELLO_KEYED		0x1	/* the sender holds a cluster key */

/*
 * struct rsm_wire_hello - connection request private data
 * @magic:	RSM_WIRE_MAGIC
 * @version:	RSM_PROTO_VERSION of the sender
 * @flags:	RSM_HELLO_*; other bits zero
 * @src_nodeid:	node id of the sender
 * @dst_nodeid:	node id the sender believes it is talking to
 * @hwaddr:	hardware address of the sender's controller
 * @boot_id:	random per module load; lets a node see that its peer restarted
 * @qpn:	number of the sender's QP for this connection
 * @nonce:	fresh random bytes of the sender for this connection
 * @pad:	zero
 *
 * 56 bytes: just fits the 56 bytes RDMA CM allows in an RC connect request.
 */
struct rsm_wire_hello {
	__le32 magic;
	__le16 version;
	__le16 flags;
	__le32 src_nodeid;
	__le32 dst_nodeid;
	__le64 hwaddr;
	__le64 boot_id;
	__le32 qpn;
	__u8 nonce[RSM_WIRE_NONCE_LEN];
	__le32 pad;
};

/*
 * struct rsm_wire_accept - accept private data of the passive side
 * @hello:	the passive side's hello
 * @mac:	its proof: HMAC(key, struct rsm_wire_auth, RSM_AUTH_PASSIVE)
 */
struct rsm_wire_accept {
	struct rsm_wire_hello hello;
	__u8 mac[RSM_WIRE_MAC_LEN];
};

/* struct rsm_wire_auth.role: who proves */
#define RSM_AUTH_PASSIVE	1
#define RSM_AUTH_ACTIVE		2
#define RSM_AUTH_LABEL		"rsm-auth"	/* 8 bytes, no NUL */

/*
 * struct rsm_wire_auth - what a proof covers (never sent; both sides build
 * it from their own view of the connection and the two hellos)
 * @label:	RSM_AUTH_LABEL
 * @role:	RSM_AUTH_PASSIVE or RSM_AUTH_ACTIVE: who proves
 * @version:	RSM_PROTO_VERSION
 * @active_node: node id of the side that connected
 * @passive_node: node id of the side that accepted
 * @active_qpn:	its QP number
 * @passive_qpn: the accepting side's QP number
 * @active_port: RDMA CM port of the connecting side
 * @passive_port: RDMA CM port of the accepting side (the listener's)
 * @active_boot: boot id of the connecting side
 * @passive_boot: boot id of the accepting side
 * @active_nonce: the connecting side's nonce
 * @passive_nonce: the accepting side's nonce
 */
struct rsm_wire_auth {
	__u8 label[8];
	__le32 role;
	__le32 version;
	__le32 active_node;
	__le32 passive_node;
	__le32 active_qpn;
	__le32 passive_qpn;
	__le16 active_port;
	__le16 passive_port;
	__le32 pad;
	__le64 active_boot;
	__le64 passive_boot;
	__u8 active_nonce[RSM_WIRE_NONCE_LEN];
	__u8 passive_nonce[RSM_WIRE_NONCE_LEN];
};

/* Reasons a node refuses a connection (carried as reject private data). */
enum rsm_wire_reject_reason {
	RSM_REJ_UNKNOWN_NODE	= 1,	/* sender is not in our configuration */
	RSM_REJ_BAD_VERSION	= 2,	/* protocol version mismatch */
	RSM_REJ_WRONG_NODE	= 3,	/* sender meant another node id */
	RSM_REJ_NOT_CONFIGURED	= 4,	/* we have no node id yet */
	RSM_REJ_ROLE		= 5,	/* sender should wait for us to connect */
	RSM_REJ_RESOURCES	= 6,	/* we could not set up the connection */
	RSM_REJ_AUTH		= 7,	/* cluster key missing on one side */
	RSM_REJ_PORT		= 8,	/* unprivileged source port */
};

/*
 * struct rsm_wire_reject - reject private data
 * @magic:	RSM_WIRE_MAGIC
 * @version:	RSM_PROTO_VERSION of the rejecting node
 * @reason:	enum rsm_wire_reject_reason
 */
struct rsm_wire_reject {
	__le32 magic;
	__le16 version;
	__le16 reason;
};

enum rsm_msg_type {
	RSM_MSG_INFO		= 1,	/* first message on a new connection */
	RSM_MSG_HEARTBEAT	= 2,	/* liveness, sent every hb_interval */
	RSM_MSG_IMPORT_REQ	= 3,	/* importer -> exporter: connect */
	RSM_MSG_SEG_REPLY	= 4,	/* exporter -> importer: size and keys */
	RSM_MSG_KEYS_REQ	= 5,	/* importer -> exporter: more keys */
	RSM_MSG_RELEASE		= 6,	/* importer -> exporter: disconnect */
	RSM_MSG_REVOKE		= 7,	/* exporter -> importer: unpublish/rebind */
	RSM_MSG_ACK		= 8,	/* importer -> exporter: revoke done */
	RSM_MSG_SIGNAL		= 9,	/* either way: one event (interrupt) */
	RSM_MSG_IMC_HOST	= 10,	/* either way: Memory Channel API state */
	RSM_MSG_IMC_ALLOC	= 11,	/* host -> coordinator: allocate a key */
	RSM_MSG_IMC_ALLOC_REPLY	= 12,	/* coordinator -> host: granted or not */
	RSM_MSG_IMC_REGION	= 13,	/* either way: a host's part in a region */
	RSM_MSG_IMC_RXKEYS	= 14,	/* transmitter -> receiver: your keys */
	RSM_MSG_IMC_RXKEYS_REPLY = 15,	/* receiver -> transmitter: keys */
	RSM_MSG_IMC_RXUP	= 16,	/* receiver -> all: receive memory made */
	RSM_MSG_IMC_ERRCNT	= 17,	/* either way: a rail's error count */
	RSM_MSG_IMC_RXDOWN	= 18,	/* receiver -> transmitters: keys go */
	RSM_MSG_IMC_KILL	= 19,	/* either way: signal a process there */
	RSM_MSG_IMC_KILL_REPLY	= 20,	/* its outcome */
	RSM_MSG_IMC_LKOP	= 21,	/* host -> lock set's home: an operation */
	RSM_MSG_IMC_LKOP_REPLY	= 22,	/* its outcome */
	RSM_MSG_IMC_LKGRANT	= 23,	/* home -> host: a waiter has its lock */
	RSM_MSG_IMC_LKKEYS	= 24,	/* host -> home: keys of a set's words */
	RSM_MSG_IMC_LKKEYS_REPLY = 25,	/* home -> host: them, or none */
	RSM_MSG_IMC_LKDOWN	= 26,	/* home -> host: forget a set's key */
	RSM_MSG_IMC_LKADOPT	= 27,	/* new home -> host: your locks held */
	RSM_MSG_IMC_LKADOPT_REPLY = 28,	/* host -> new home: some of them */
	RSM_MSG_TYPE_MAX	= RSM_MSG_IMC_LKADOPT_REPLY
};

/*
 * What the transport does with a message type (rsm_wire_msg_kind()): its
 * own (INFO, HEARTBEAT), a request it queues for the layer above that
 * serves the type, or an answer it hands to the request waiting for it.
 */
enum rsm_wire_kind {
	RSM_WIRE_UNKNOWN,
	RSM_WIRE_TRANSPORT,
	RSM_WIRE_REQUEST,
	RSM_WIRE_ANSWER,
};

/*
 * struct rsm_msg_hdr - header of every control message
 * @type:	enum rsm_msg_type
 * @version:	RSM_PROTO_VERSION
 * @credits:	receives the sender posted again since its previous message,
 *		at most RSM_WIRE_RECEIVES: the receiver may send that many
 *		more.  Each side starts with RSM_WIRE_RECEIVES posted for the
 *		other and sends a message only against a credit: on iWARP a
 *		message that finds no receive resets the connection.
 * @len:	bytes of the message, header included
 * @seq:	sender's message counter on this connection
 */
struct rsm_msg_hdr {
	__le16 type;
	__u8 version;
	__u8 credits;
	__le32 len;
	__le64 seq;
};

#define RSM_WIRE_NAME_MAX	64

/*
 * struct rsm_msg_info - who is at the other end of a connection
 * @hdr:	type RSM_MSG_INFO
 * @nodeid:	sender's node id
 * @pad:	zero
 * @hwaddr:	sender's controller hardware address
 * @ctlr_name:	sender's controller name, NUL-terminated
 * @mac:	from the active side, its proof: HMAC(key, struct
 *		rsm_wire_auth, RSM_AUTH_ACTIVE); zero from the passive side
 */
struct rsm_msg_info {
	struct rsm_msg_hdr hdr;
	__le32 nodeid;
	__le32 pad;
	__le64 hwaddr;
	char ctlr_name[RSM_WIRE_NAME_MAX];
	__u8 mac[RSM_WIRE_MAC_LEN];
};

/*
 * struct rsm_msg_heartbeat - liveness probe
 * @hdr:	type RSM_MSG_HEARTBEAT
 * @jiffies_ms:	sender's clock in ms, for debugging only
 */
struct rsm_msg_heartbeat {
	struct rsm_msg_hdr hdr;
	__le64 jiffies_ms;
};

/*
 * Segment messages.  Requests that expect an answer carry a transaction id
 * (@xid), chosen by the requester and echoed in the answer (SEG_REPLY or
 * ACK), right after the header in every message type that has one.
 *
 * Memory keys never leave the kernels.  The exporter registers a segment
 * once per importing node, as chunks of 2^chunk_shift bytes, each a memory
 * region whose I/O virtual address is the chunk's offset in the segment; so
 * segment offset X is reached with address X and the key of chunk
 * X >> chunk_shift.  Keys are handed out in pages of RSM_WIRE_KEYS.
 */
#define RSM_WIRE_GROUPS		96	/* supplementary groups sent */
#define RSM_WIRE_KEYS		96	/* keys per SEG_REPLY */
/* Limits a receiver enforces on a segment description. */
#define RSM_WIRE_CHUNK_SHIFT_MIN 12
#define RSM_WIRE_CHUNK_SHIFT_MAX 30
#define RSM_WIRE_CHUNKS_MAX	0x100000U		/* 2^20 */
#define RSM_WIRE_SIZE_MAX	0x100000000000ULL	/* 16 TiB */
/* Permissions on the wire: read 0400, write 0200. */
#define RSM_WIRE_PERM_MASK	0600

/* struct rsm_msg_import_req.flags */
#define RSM_IMPORT_PRIV_READ	0x1	/* importer may bypass read checks */
#define RSM_IMPORT_PRIV_WRITE	0x2	/* ... and write checks */
#define RSM_IMPORT_GROUPS_CUT	0x4	/* more groups than RSM_WIRE_GROUPS */

/*
 * struct rsm_msg_import_req - connect to a published segment
 * @hdr:	type RSM_MSG_IMPORT_REQ
 * @xid:	transaction id
 * @segid:	segment id
 * @perm:	requested permission, subset of 0600
 * @uid:	importer's effective uid
 * @gid:	importer's effective gid
 * @flags:	RSM_IMPORT_*
 * @ngroups:	entries of @groups used
 * @groups:	importer's supplementary groups
 */
struct rsm_msg_import_req {
	struct rsm_msg_hdr hdr;
	__le64 xid;
	__le32 segid;
	__le32 perm;
	__le32 uid;
	__le32 gid;
	__le32 flags;
	__le32 ngroups;
	__le32 groups[RSM_WIRE_GROUPS];
};

/*
 * struct rsm_msg_seg_reply - answer to IMPORT_REQ and KEYS_REQ
 * @hdr:	type RSM_MSG_SEG_REPLY
 * @xid:	of the request
 * @status:	0 or an RSMERR code; nothing else is valid unless 0
 * @chunk_shift: log2 of the bytes one key covers
 * @instance:	identifies this publication of the segment
 * @size:	segment length in bytes
 * @nchunks:	keys the segment has
 * @bind_gen:	changes when the segment is rebound (keys change)
 * @first:	index of @keys[0]
 * @nkeys:	keys carried
 * @keys:	remote keys
 */
struct rsm_msg_seg_reply {
	struct rsm_msg_hdr hdr;
	__le64 xid;
	__le32 status;
	__le32 chunk_shift;
	__le64 instance;
	__le64 size;
	__le32 nchunks;
	__le32 bind_gen;
	__le32 first;
	__le32 nkeys;
	__le32 keys[RSM_WIRE_KEYS];
};

/*
 * struct rsm_msg_keys_req - keys from index @first on
 * @hdr:	type RSM_MSG_KEYS_REQ
 * @xid:	transaction id
 * @segid:	segment id
 * @first:	first key wanted
 * @instance:	publication the importer is connected to
 * @perm:	permission of the import that wants them (0, 0400, 0200, 0600):
 *		the exporter registers a segment once per importing node and
 *		permission, with exactly that remote access
 * @pad:	zero
 */
struct rsm_msg_keys_req {
	struct rsm_msg_hdr hdr;
	__le64 xid;
	__le32 segid;
	__le32 first;
	__le64 instance;
	__le32 perm;
	__le32 pad;
};

/*
 * struct rsm_msg_release - one import of a segment on the sender is gone
 * @hdr:	type RSM_MSG_RELEASE
 * @segid:	segment id
 * @perm:	the import's permission, as in its IMPORT_REQ
 * @instance:	publication it was connected to
 */
struct rsm_msg_release {
	struct rsm_msg_hdr hdr;
	__le32 segid;
	__le32 perm;
	__le64 instance;
};

/* struct rsm_msg_revoke.kind */
#define RSM_REVOKE_ABORT	1	/* unpublished or destroyed: abort */
#define RSM_REVOKE_REBIND	2	/* keys changed: fetch them again */

/*
 * struct rsm_msg_revoke - stop using the keys of a segment
 * @hdr:	type RSM_MSG_REVOKE
 * @xid:	transaction id; answered with ACK once no operation of the
 *		receiver uses the old keys any more
 * @segid:	segment id
 * @kind:	RSM_REVOKE_*
 * @instance:	publication concerned
 * @bind_gen:	for REBIND: the generation of the new keys
 * @pad:	zero
 */
struct rsm_msg_revoke {
	struct rsm_msg_hdr hdr;
	__le64 xid;
	__le32 segid;
	__le32 kind;
	__le64 instance;
	__le32 bind_gen;
	__le32 pad;
};

/*
 * struct rsm_msg_ack - answer to REVOKE, IMC_RXUP and IMC_RXDOWN
 * @hdr:	type RSM_MSG_ACK
 * @xid:	of the request
 * @status:	0
 * @pad:	zero
 */
struct rsm_msg_ack {
	struct rsm_msg_hdr hdr;
	__le64 xid;
	__le32 status;
	__le32 pad;
};

#define RSM_SIGNAL_TO_EXPORT	1	/* importer -> the exported segment */
#define RSM_SIGNAL_TO_IMPORTS	2	/* exporter -> every import of it */

/*
 * struct rsm_msg_signal - post one event (rsm_intr_signal_post)
 * @hdr:	type RSM_MSG_SIGNAL
 * @xid:	zero: not answered; the sender's completion is the receipt
 * @segid:	segment id
 * @flags:	RSM_SIGNAL_NO_ACCUMULATE or 0
 * @instance:	publication concerned; other publications ignore it
 * @target:	RSM_SIGNAL_TO_*
 * @pad:	zero
 */
struct rsm_msg_signal {
	struct rsm_msg_hdr hdr;
	__le64 xid;
	__le32 segid;
	__le32 flags;
	__le64 instance;
	__le32 target;
	__le32 pad;
};

#define RSM_IMC_HOST_MEMBER	1	/* the sender ran imc_init */
#define RSM_WIRE_HOSTNAME	64	/* bytes of a host name, NUL included */

/*
 * struct rsm_msg_imc_host - the sender's Memory Channel API state, sent
 * when a connection comes up and whenever it changes (latest wins)
 * @hdr:	type RSM_MSG_IMC_HOST
 * @xid:	zero: not answered
 * @flags:	RSM_IMC_HOST_MEMBER or 0
 * @pad:	zero
 * @name:	the sender's host name, NUL-terminated, not empty for a
 *		member; zero after the NUL
 */
struct rsm_msg_imc_host {
	struct rsm_msg_hdr hdr;
	__le64 xid;
	__le32 flags;
	__le32 pad;
	char name[RSM_WIRE_HOSTNAME];
};

/* Memory Channel regions and lock sets (rsm_imc_region.c) */
#define RSM_IMC_COHERENT	1	/* region flag */
#define RSM_IMC_LOCKSET		2	/* a lock set, not a region */
#define RSM_IMC_EXCL		4	/* ALLOC only: create, never join */
#define RSM_IMC_LOCKS_MAX	1024	/* locks in a set (IMC_MAXNUMLOCKS) */
#define RSM_IMC_PERM_MASK	0666	/* region permission bits */
#define RSM_IMC_RAILS_MAX	4
#define RSM_IMC_SIZE_MAX	0x10000000000ULL	/* 1 TiB */
#define RSM_IMC_PAGE		4096	/* sizes are multiples of it */

/*
 * struct rsm_msg_imc_alloc - allocate a region key (imc_asalloc) or a lock
 * set key (imc_lkalloc); sent to the coordinator, the member with the
 * lowest node id
 * @hdr:	type RSM_MSG_IMC_ALLOC
 * @xid:	transaction id, not zero
 * @key:	the region's key
 * @perm:	within RSM_IMC_PERM_MASK, for a region this creates
 * @size:	a region: bytes, RSM_IMC_PAGE .. RSM_IMC_SIZE_MAX, a multiple
 *		of RSM_IMC_PAGE; a lock set: locks, 1 .. RSM_IMC_LOCKS_MAX
 * @flags:	a region: RSM_IMC_COHERENT or 0; a lock set: RSM_IMC_LOCKSET,
 *		with RSM_IMC_EXCL for imc_lkalloc(IMC_CREATOR)
 * @rail:	logical rail, below RSM_IMC_RAILS_MAX; 0 for a lock set
 * @uid:	the caller's effective uid, asserted by its kernel
 * @gid:	its effective gid
 * @ngroups:	supplementary groups that follow, at most RSM_WIRE_GROUPS
 * @owner:	RSM_IMC_EXCL: the caller's lock owner id (not zero), which
 *		holds lock 0 of the set created; else zero
 * @pid:	RSM_IMC_EXCL: the caller's pid (for imcs -l); else zero
 * @pad:	zero
 * @groups:	the first @ngroups count; the rest zero
 */
struct rsm_msg_imc_alloc {
	struct rsm_msg_hdr hdr;
	__le64 xid;
	__le32 key;
	__le32 perm;
	__le64 size;
	__le32 flags;
	__le32 rail;
	__le32 uid;
	__le32 gid;
	__le32 ngroups;
	__le32 owner;
	__le32 pid;
	__le32 pad;
	__le32 groups[RSM_WIRE_GROUPS];
};

/* The refusals an RSM_MSG_IMC_ALLOC_REPLY may carry: -IMC_* values. */
#define RSM_IMC_ST_MCFULL	1
#define RSM_IMC_ST_EXISTS	3
#define RSM_IMC_ST_PERMIT	10
#define RSM_IMC_ST_BADSIZE	16
#define RSM_IMC_ST_COHERENCY	33
#define RSM_IMC_ST_WRONGRAIL	58

/*
 * struct rsm_msg_imc_region - a region as one host knows it: the answer to
 * RSM_MSG_IMC_ALLOC (type RSM_MSG_IMC_ALLOC_REPLY, @xid of the request,
 * @present 0), or a host telling every peer that it has allocators of the
 * region or no longer has (type RSM_MSG_IMC_REGION, @xid 0)
 * @status:	an ALLOC_REPLY's RSM_IMC_ST_* or 0; 0 in a REGION
 * @present:	REGION: 1 the sender has allocators, 0 it has none
 * @key, @size, @perm, @flags, @rail: the region; all zero in a refusal
 *		and in a REGION with @present 0 (but @key and the
 *		RSM_IMC_LOCKSET bit of @flags, which says which key it is)
 * @uid, @gid:	its owner (the creator)
 * @id:		its id, not zero
 * @home:	a lock set: its home's node id + 1 (the coordinator that
 *		created it keeps its locks); a region: zero
 */
struct rsm_msg_imc_region {
	struct rsm_msg_hdr hdr;
	__le64 xid;
	__le32 status;
	__le32 present;
	__le32 key;
	__le32 perm;
	__le64 size;
	__le32 flags;
	__le32 rail;
	__le32 uid;
	__le32 gid;
	__le32 id;
	__le32 home;
};

/*
 * Receive memory (rsm_imc_rx.c).  A host that has receive memory of a
 * region (from its first receive attach, or from the start for a coherent
 * region) registers it for each transmitting peer that asks, with remote
 * write and read access, addressed by region offset in chunks of
 * 2^chunk_shift bytes like a segment; it keeps it while the region is in
 * its registry.  Making it, it tells every peer (RXUP), so that a peer
 * told "none" before asks again; before it deregisters, every peer it
 * registered for forgets the keys (RXDOWN).
 */

/*
 * struct rsm_msg_imc_rxkeys - the keys of the receiver's memory of @key
 * @hdr:	type RSM_MSG_IMC_RXKEYS
 * @xid:	transaction id, not zero
 * @key:	the region
 * @first:	index of the first key wanted, below RSM_WIRE_CHUNKS_MAX
 * @flags:	0 or RSM_IMC_RXKEYS_SNAPSHOT
 * @pad:	zero
 *
 * A host making receive memory of a coherent region copies the region
 * from a host that has it (RDMA READ) before it answers for its own
 * memory; it asks with RSM_IMC_RXKEYS_SNAPSHOT: "answer from memory you
 * have, and make none for this".  Such a request is served in order with
 * the peer's host states, not behind the region's other requests.
 */
struct rsm_msg_imc_rxkeys {
	struct rsm_msg_hdr hdr;
	__le64 xid;
	__le32 key;
	__le32 first;
	__le32 flags;
	__le32 pad;
};

#define RSM_IMC_RXKEYS_SNAPSHOT	1

#define RSM_IMC_RX_NONE		1	/* no receive memory of the region */
#define RSM_IMC_RX_FAILED	2	/* keys not available now: ask again */

/*
 * struct rsm_msg_imc_rxkeys_reply - answer to RSM_MSG_IMC_RXKEYS
 * @hdr:	type RSM_MSG_IMC_RXKEYS_REPLY
 * @xid:	of the request
 * @flags:	RSM_IMC_RX_NONE or RSM_IMC_RX_FAILED (then everything after
 *		@key is zero), or 0
 * @key:	the region asked for
 * @size:	bytes of receive memory, as for a region
 * @chunk_shift: RSM_WIRE_CHUNK_SHIFT_MIN .. RSM_WIRE_CHUNK_SHIFT_MAX
 * @nchunks:	size / 2^chunk_shift rounded up, at most RSM_WIRE_CHUNKS_MAX
 * @first:	index of @keys[0], below @nchunks
 * @nkeys:	keys carried: 1 .. RSM_WIRE_KEYS, @first + @nkeys at most
 *		@nchunks; the rest of @keys zero
 * @pad:	zero
 */
struct rsm_msg_imc_rxkeys_reply {
	struct rsm_msg_hdr hdr;
	__le64 xid;
	__le32 flags;
	__le32 key;
	__le64 size;
	__le32 chunk_shift;
	__le32 nchunks;
	__le32 first;
	__le32 nkeys;
	__le32 pad;
	__le32 keys[RSM_WIRE_KEYS];
};

/*
 * struct rsm_msg_imc_rxup - the sender now has receive memory of @key
 * (RXUP: answered with RSM_MSG_ACK once the receiver will ask for its
 * keys), or is about to drop it (RXDOWN: answered once the receiver
 * forgot the keys and has no write with them in flight)
 * @hdr:	type RSM_MSG_IMC_RXUP or RSM_MSG_IMC_RXDOWN
 * @xid:	transaction id, not zero
 * @key:	the region
 * @pad:	zero
 */
struct rsm_msg_imc_rxup {
	struct rsm_msg_hdr hdr;
	__le64 xid;
	__le32 key;
	__le32 pad;
};

/*
 * struct rsm_msg_imc_errcnt - the error count of a rail as the sender
 * knows it (imc_rderrcnt_mr(3)); every host keeps the largest it heard
 * @hdr:	type RSM_MSG_IMC_ERRCNT
 * @xid:	zero
 * @rail:	below RSM_IMC_RAILS_MAX
 * @count:	0 .. RSM_IMC_ERRCNT_MAX
 */
#define RSM_IMC_ERRCNT_MAX	0x7fffffffU
struct rsm_msg_imc_errcnt {
	struct rsm_msg_hdr hdr;
	__le64 xid;
	__le32 rail;
	__le32 count;
};

/*
 * struct rsm_msg_imc_kill - send signal @sig to process @pid on the
 * receiving host for a process of uid @uid, euid @euid on the sender
 * (imc_kill(3)); the receiver applies kill(2)'s rules of permission to
 * these ids, as if the sender were local, and answers with
 * RSM_MSG_IMC_KILL_REPLY.  The sender refuses root callers itself; the
 * receiver refuses uid or euid 0 as well.
 * @hdr:	type RSM_MSG_IMC_KILL
 * @xid:	transaction id, not zero
 * @pid:	1 .. RSM_IMC_PID_MAX (Linux's largest pid_max), in the
 *		receiver's initial pid namespace
 * @sig:	0 .. RSM_IMC_SIG_MAX
 * @uid:	the caller's real uid
 * @euid:	the caller's effective uid
 */
#define RSM_IMC_SIG_MAX		64
#define RSM_IMC_PID_MAX		0x400000
struct rsm_msg_imc_kill {
	struct rsm_msg_hdr hdr;
	__le64 xid;
	__le32 pid;
	__le32 sig;
	__le32 uid;
	__le32 euid;
};

/*
 * struct rsm_msg_imc_kill_reply - the outcome of RSM_MSG_IMC_KILL
 * @hdr:	type RSM_MSG_IMC_KILL_REPLY
 * @xid:	the request's
 * @status:	0, or RSM_IMC_KILL_EINVAL, _ESRCH, _EPERM or _NOROOT
 * @pad:	zero
 */
#define RSM_IMC_KILL_EINVAL	1
#define RSM_IMC_KILL_ESRCH	2
#define RSM_IMC_KILL_EPERM	3
#define RSM_IMC_KILL_NOROOT	4
struct rsm_msg_imc_kill_reply {
	struct rsm_msg_hdr hdr;
	__le64 xid;
	__le32 status;
	__le32 pad;
};

/*
 * Lock sets (rsm_imc_lkhome.c, rsm_imc_lock.c).  The home of a set keeps
 * its locks; an owner is a host (its node id) and a lock owner id that
 * host gave one process's libimc descriptor.
 *
 * struct rsm_msg_imc_lkop - an operation on lock set @key at its home
 * @hdr:	type RSM_MSG_IMC_LKOP
 * @xid:	transaction id, not zero: every operation is answered, so
 *		that a host can send a DROP, a CANCEL or a RELEASE again
 *		until it is (the home keeps a host's locks through a short
 *		loss of its connections)
 * @key:	the lock set
 * @op:		RSM_IMC_LK_*
 * @index:	the lock, below RSM_IMC_LOCKS_MAX (zero for _DROP)
 * @owner:	the sender's lock owner id, not zero
 * @pid:	the owner's pid, for imcs -l, 0 .. RSM_IMC_PID_MAX
 * @pad:	zero
 * @wait:	RSM_IMC_LK_TRY, _WAIT and _CANCEL: the sender's waiter (its
 *		attempt), not zero; else zero
 */
#define RSM_IMC_LK_TRY		1	/* take it if free, else busy */
#define RSM_IMC_LK_WAIT		2	/* take it, or queue a waiter */
#define RSM_IMC_LK_RELEASE	3	/* give it back */
#define RSM_IMC_LK_CANCEL	4	/* forget waiter @wait (or its grant) */
#define RSM_IMC_LK_DROP		5	/* the owner is gone: all of its locks */
#define RSM_IMC_LK_OP_MAX	RSM_IMC_LK_DROP
struct rsm_msg_imc_lkop {
	struct rsm_msg_hdr hdr;
	__le64 xid;
	__le32 key;
	__le32 op;
	__le32 index;
	__le32 owner;
	__le32 pid;
	__le32 pad;
	__le64 wait;
};

/*
 * struct rsm_msg_imc_lkop_reply - the outcome of RSM_MSG_IMC_LKOP
 * @hdr:	type RSM_MSG_IMC_LKOP_REPLY
 * @xid:	the request's
 * @status:	0 (taken, released, queued), or RSM_IMC_LKR_*
 * @pad:	zero
 */
#define RSM_IMC_LKR_BUSY	1	/* held by another owner (TRY) */
#define RSM_IMC_LKR_PRIOR	2	/* the owner holds it already */
#define RSM_IMC_LKR_NOTHELD	3	/* RELEASE of a lock it does not hold */
#define RSM_IMC_LKR_QUEUED	4	/* WAIT: the grant comes later */
#define RSM_IMC_LKR_UNKNOWN	5	/* no such set here (not its home) */
#define RSM_IMC_LKR_BADLOCK	6	/* @index beyond the set */
#define RSM_IMC_LKR_MAX		RSM_IMC_LKR_BADLOCK
struct rsm_msg_imc_lkop_reply {
	struct rsm_msg_hdr hdr;
	__le64 xid;
	__le32 status;
	__le32 pad;
};

/*
 * struct rsm_msg_imc_lkgrant - waiter @wait of the receiver now holds lock
 * @index of set @key (it asked with RSM_IMC_LK_WAIT); a receiver without
 * that waiter gives it back (RSM_IMC_LK_CANCEL)
 * @hdr:	type RSM_MSG_IMC_LKGRANT
 * @xid:	zero: not answered
 * @key:	the lock set
 * @index:	the lock, below RSM_IMC_LOCKS_MAX
 * @wait:	the waiter, not zero
 * @owner:	its lock owner id, not zero
 * @pad:	zero
 */
struct rsm_msg_imc_lkgrant {
	struct rsm_msg_hdr hdr;
	__le64 xid;
	__le32 key;
	__le32 index;
	__le64 wait;
	__le32 owner;
	__le32 pad;
};

/*
 * Lock words (IMC.md 5.3).  Where the connection's devices have RDMA
 * atomics, a set's home keeps one 8-byte word per lock, which hosts take
 * and give back by compare-and-swap without a message: 0 is a free lock
 * nobody waits for, a tag a lock its owner holds (nobody waits either),
 * and RSM_IMC_LKW_HOME a lock the home decides on (RSM_MSG_IMC_LKOP):
 * one with waiters, or held through a message.  Only the home sets and
 * clears RSM_IMC_LKW_HOME, by atomics through its own device.
 *
 * A tag is RSM_IMC_LKW_TAG(@cid, @owner): @cid the client id the home gave
 * the sender's connection (RSM_MSG_IMC_LKKEYS_REPLY), @owner its lock
 * owner id (below 2^31).
 */
#define RSM_IMC_LKW_HOME		0x8000000000000000ULL
#define RSM_IMC_LKW_CID_MAX		0xffff
#define RSM_IMC_LKW_OWNER_MAX		0x7fffffffU
#define RSM_IMC_LKW_TAG(cid, owner)	((__u64)(cid) << 32 | (owner))

/*
 * struct rsm_msg_imc_lkkeys - ask a lock set's home for the key of its
 * words on this connection; answered by RSM_MSG_IMC_LKKEYS_REPLY
 * @hdr:	type RSM_MSG_IMC_LKKEYS
 * @xid:	transaction id, not zero
 * @key:	the lock set
 * @owner:	the lock owner id that will use them, not zero
 * @pid:	its pid, for imcs -l, 0 .. RSM_IMC_PID_MAX
 * @pad:	zero
 */
struct rsm_msg_imc_lkkeys {
	struct rsm_msg_hdr hdr;
	__le64 xid;
	__le32 key;
	__le32 owner;
	__le32 pid;
	__le32 pad;
};

/*
 * struct rsm_msg_imc_lkkeys_reply - the words of a lock set for the
 * connection it came on: lock i at address 8 * i of key @rkey
 * @hdr:	type RSM_MSG_IMC_LKKEYS_REPLY
 * @xid:	the request's
 * @status:	0, RSM_IMC_LKR_UNKNOWN (no such set here) or
 *		RSM_IMC_LKR_NOWORDS (none on this connection: use
 *		RSM_MSG_IMC_LKOP); else the other fields are zero
 * @cid:	the client id of this connection, 1 .. RSM_IMC_LKW_CID_MAX
 * @rkey:	the words' key
 * @count:	the locks in the set, 1 .. RSM_IMC_LOCKS_MAX
 */
#define RSM_IMC_LKR_NOWORDS	(RSM_IMC_LKR_MAX + 1)
struct rsm_msg_imc_lkkeys_reply {
	struct rsm_msg_hdr hdr;
	__le64 xid;
	__le32 status;
	__le32 cid;
	__le32 rkey;
	__le32 count;
};

/*
 * struct rsm_msg_imc_lkdown - the home drops the registrations of lock
 * set @key's words it made for this connection: the receiver forgets
 * their key and answers (RSM_MSG_ACK) once none of its compare-and-swaps
 * with it is in flight
 * @hdr:	type RSM_MSG_IMC_LKDOWN
 * @xid:	transaction id, not zero
 * @key:	the lock set
 * @pad:	zero
 */
struct rsm_msg_imc_lkdown {
	struct rsm_msg_hdr hdr;
	__le64 xid;
	__le32 key;
	__le32 pad;
};

/*
 * struct rsm_msg_imc_lkadopt - the sender is the new home of lock set @key,
 * whose home is lost (it adopted the set): the receiver sends its requests
 * there from now on and tells the locks its processes hold, from @cursor
 * on; answered by RSM_MSG_IMC_LKADOPT_REPLY
 * @hdr:	type RSM_MSG_IMC_LKADOPT
 * @xid:	transaction id, not zero
 * @key:	the lock set
 * @flags:	RSM_IMC_LKA_LATE or 0
 * @cursor:	0, or the @next of the previous answer
 */
#define RSM_IMC_LKA_LATE	1	/* rebuilt without them: locks are gone */
struct rsm_msg_imc_lkadopt {
	struct rsm_msg_hdr hdr;
	__le64 xid;
	__le32 key;
	__le32 flags;
	__le64 cursor;
};

/* A lock a process of the sender holds: the owner, its pid, the lock. */
struct rsm_wire_lkheld {
	__le32 owner;
	__le32 pid;
	__le32 index;
};

/*
 * struct rsm_msg_imc_lkadopt_reply - locks held, in ascending order of
 * RSM_IMC_LKA_CURSOR(owner, index), none below the request's cursor
 * @hdr:	type RSM_MSG_IMC_LKADOPT_REPLY
 * @xid:	the request's
 * @status:	0, or RSM_IMC_LKR_UNKNOWN (refused: the receiver does not see
 *		the sender as the coordinator, or reaches the old home)
 * @n:		entries in @held, at most RSM_IMC_LKA_HELD (0 if refused)
 * @next:	where the next request starts; 0: that was all
 * @held:	owner not zero and at most RSM_IMC_LKW_OWNER_MAX, pid at most
 *		RSM_IMC_PID_MAX, index below RSM_IMC_LOCKS_MAX; the rest zero
 */
#define RSM_IMC_LKA_HELD		32
#define RSM_IMC_LKA_CURSOR(owner, index)	((__u64)(owner) << 32 | (index))
struct rsm_msg_imc_lkadopt_reply {
	struct rsm_msg_hdr hdr;
	__le64 xid;
	__le32 status;
	__le32 n;
	__le64 next;
	struct rsm_wire_lkheld held[RSM_IMC_LKA_HELD];
};

/*
 * Checks of received messages that need no state (rsm_wire.c).  They are
 * plain functions of the bytes received, so the host-side fuzzer
 * (selftests/fuzz) runs the very code the module runs.
 */
int rsm_wire_check_msg(const void *buf, __u32 len);
int rsm_wire_check_hello(const void *data, __u32 len, __u32 version);
int rsm_wire_check_reply(const void *buf, __u32 len, __u64 *nchunks);
__u32 rsm_wire_msg_len(unsigned int type);
enum rsm_wire_kind rsm_wire_msg_kind(unsigned int type);
bool rsm_wire_name_char(char c);
unsigned int rsm_wire_answer_type(unsigned int request);
bool rsm_wire_answer_ok(unsigned int want_type, const void *buf, __u32 len);

#endif /* _RSM_PROTO_H */
