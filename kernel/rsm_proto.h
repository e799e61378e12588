/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rsm wire protocol: every message two nodes exchange, in one place.
 *
 * All fields are little-endian and the layouts are fixed.  A connection is
 * opened with a hello carried in the RDMA CM private data (so that a node can
 * refuse an unknown peer or a wrong protocol version before any resources are
 * committed); once connected, both sides send an INFO message and then
 * exchange control messages as SEND/RECV of at most RSM_MSG_MAX bytes.
 */
#ifndef _RSM_PROTO_H
#define _RSM_PROTO_H

#include <linux/types.h>

/* The RSMAPI kernel-agent version (spec: RSM_VERSION). */
#define RSM_PROTO_VERSION	5
#define RSM_WIRE_MAGIC		0x314d5352	/* "RSM1" */

/* Largest control message, header included. */
#define RSM_MSG_MAX		256

/*
 * struct rsm_wire_hello - connection request / accept private data
 * @magic:	RSM_WIRE_MAGIC
 * @version:	RSM_PROTO_VERSION of the sender
 * @flags:	reserved, zero
 * @src_nodeid:	node id of the sender
 * @dst_nodeid:	node id the sender believes it is talking to
 * @hwaddr:	hardware address of the sender's controller
 * @boot_id:	random per module load; lets a node see that its peer restarted
 *
 * 32 bytes: fits the 56 bytes RDMA CM allows in an RC connect request.
 */
struct rsm_wire_hello {
	__le32 magic;
	__le16 version;
	__le16 flags;
	__le32 src_nodeid;
	__le32 dst_nodeid;
	__le64 hwaddr;
	__le64 boot_id;
};

/* Reasons a node refuses a connection (carried as reject private data). */
enum rsm_wire_reject_reason {
	RSM_REJ_UNKNOWN_NODE	= 1,	/* sender is not in our configuration */
	RSM_REJ_BAD_VERSION	= 2,	/* protocol version mismatch */
	RSM_REJ_WRONG_NODE	= 3,	/* sender meant another node id */
	RSM_REJ_NOT_CONFIGURED	= 4,	/* we have no node id yet */
	RSM_REJ_ROLE		= 5,	/* sender should wait for us to connect */
	RSM_REJ_RESOURCES	= 6,	/* we could not set up the connection */
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
};

/*
 * struct rsm_msg_hdr - header of every control message
 * @type:	enum rsm_msg_type
 * @version:	RSM_PROTO_VERSION
 * @flags:	reserved, zero
 * @len:	bytes of the message, header included
 * @seq:	sender's message counter on this connection
 */
struct rsm_msg_hdr {
	__le16 type;
	__u8 version;
	__u8 flags;
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
 */
struct rsm_msg_info {
	struct rsm_msg_hdr hdr;
	__le32 nodeid;
	__le32 pad;
	__le64 hwaddr;
	char ctlr_name[RSM_WIRE_NAME_MAX];
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

#endif /* _RSM_PROTO_H */
