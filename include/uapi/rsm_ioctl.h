/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR BSD-2-Clause */
/*
 * rsm: the ioctl ABI of /dev/rsm, shared by rsm.ko, librsm and the utilities.
 *
 * Conventions
 *  - Fixed-width fields, explicit padding, no pointers: user addresses travel
 *    as __aligned_u64.
 *  - Return convention of every ioctl: 0 on success; a positive RSMERR_* code
 *    (values of <sys/rsm/rsm_common.h>) when the request was understood and
 *    refused for an RSMAPI reason; -1 with errno for transport failures
 *    (EFAULT, ENOTTY, EPERM, ENOMEM, ...).  librsm maps errno values to RSMERR
 *    codes so that public functions only ever return RSMERR codes.
 *  - Buffer-returning requests (topology, status) take a buffer and its size
 *    and always report the size they need in @needed; when the buffer is too
 *    small nothing but @needed is written and the call still returns 0.
 */
#ifndef _UAPI_RSM_IOCTL_H
#define _UAPI_RSM_IOCTL_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/ioctl.h>
#else
#include <linux/types.h>
#include <sys/ioctl.h>
#endif

#define RSM_DEVICE_PATH		"/dev/rsm"
#define RSM_ABI_VERSION		1

/* Longest controller / netdev name carried by the ABI, NUL included. */
#define RSM_NAME_MAX		64
/* Node ids are 0 .. RSM_MAX_NODE - 1 (the spec accepts ACL nodes <= 64). */
#define RSM_MAX_NODE		65
/* No local node id configured yet. */
#define RSM_NODEID_NONE		0xffffffffU
/* Most addresses (rails) one cluster configuration may list. */
#define RSM_MAX_PEER_ADDRS	256
/* Name of the software controller present on every node. */
#define RSM_LOOPBACK_NAME	"loopback"

/* Kernel path states, as rsm_remote_cntlr_t.connection_state reports them. */
#define RSM_PATH_DOWN		1
#define RSM_PATH_UP		2	/* transport up, hello not finished */
#define RSM_PATH_ACTIVE		3	/* == RSM_CONNECTION_ACTIVE */
#define RSM_PATH_GOING_DOWN	4

/* RSM_IOC_VERSION: ABI and wire protocol versions of the loaded module. */
struct rsm_ioc_version {
	__u32 abi_version;	/* out: RSM_ABI_VERSION */
	__u32 proto_version;	/* out: wire protocol (RSM_VERSION, 5) */
};

/*
 * RSM_IOC_CTLR_ATTR: attributes of one controller, by name.  The name is
 * matched case-insensitively; "loopback" names the software controller.
 * Unknown name -> RSMERR_CTLR_NOT_PRESENT.
 */
struct rsm_ioc_ctlr_attr {
	char name[RSM_NAME_MAX];		/* in */
	__u32 ctlr_index;			/* out: 0 = loopback */
	__u32 direct_access_sizes;		/* out */
	__u32 atomic_sizes;			/* out */
	__u32 pad;
	__aligned_u64 page_size;		/* out */
	__aligned_u64 max_export_segment_size;	/* out */
	__aligned_u64 tot_export_segment_size;	/* out */
	__aligned_u64 max_export_segments;	/* out */
	__aligned_u64 max_import_map_size;	/* out */
	__aligned_u64 tot_import_map_size;	/* out */
	__aligned_u64 max_import_segments;	/* out */
	__aligned_u64 controller_addr;		/* out: hardware address */
};

/* One configured peer address (a node may have several, one per rail). */
struct rsm_ioc_peer {
	__u32 nodeid;
	__u16 family;		/* AF_INET or AF_INET6 */
	__u16 pad;
	__u8 addr[16];		/* network byte order; IPv4 in the first 4 */
};

/*
 * RSM_IOC_CLUSTER_SET (needs CAP_NET_ADMIN): replace the cluster
 * configuration.  Peers no longer listed are disconnected; new peers are
 * connected; changing the local node id restarts every connection.  Entries
 * naming the local node id are ignored (they are the node's own addresses).
 * Bad input -> -1/EINVAL and nothing changes.
 */
struct rsm_ioc_cluster {
	__u32 local_nodeid;	/* RSM_NODEID_NONE to deconfigure */
	__u32 npeers;		/* <= RSM_MAX_PEER_ADDRS */
	__aligned_u64 peers;	/* struct rsm_ioc_peer[npeers] */
	__u32 flags;		/* RSM_CLUSTER_* */
	__u32 pad;
};

/* Drop and re-establish every connection, even those that did not change. */
#define RSM_CLUSTER_RESTART	0x1

/*
 * RSM_IOC_TOPOLOGY: the buffer receives a struct rsm_topo_hdr followed, per
 * controller (loopback excluded), by one struct rsm_topo_ctlr and its
 * nremote struct rsm_topo_remote records.
 */
struct rsm_ioc_buf {
	__aligned_u64 buf;	/* in: user buffer */
	__u32 len;		/* in: its size */
	__u32 needed;		/* out: size the full answer needs */
};

struct rsm_topo_hdr {
	__u32 local_nodeid;
	__u32 nctlr;
};

struct rsm_topo_ctlr {
	char name[RSM_NAME_MAX];
	__aligned_u64 hwaddr;
	__u32 nremote;
	__u32 pad;
};

struct rsm_topo_remote {
	__u32 nodeid;
	__u32 state;		/* RSM_PATH_* */
	char name[RSM_NAME_MAX];	/* peer's controller name */
	__aligned_u64 hwaddr;
};

/*
 * RSM_IOC_STATUS: observability for the status utility.  The buffer
 * receives a struct rsm_stat_hdr, then nctlr struct rsm_stat_ctlr, then
 * nconn struct rsm_stat_conn.
 */
struct rsm_stat_hdr {
	__u32 local_nodeid;
	__u32 proto_version;
	__u32 nctlr;
	__u32 nconn;
	__u32 listen_port;
	__u32 pad;
	/* connection requests refused by this node, by reason */
	__aligned_u64 refused_unknown_node;
	__aligned_u64 refused_bad_version;
	__aligned_u64 refused_other;
	__aligned_u64 exported_segments;
	__aligned_u64 imported_segments;
	__aligned_u64 pinned_pages;
};

struct rsm_stat_ctlr {
	char name[RSM_NAME_MAX];
	char netdev[RSM_NAME_MAX];	/* "" when none */
	__aligned_u64 hwaddr;
	__u32 index;
	__u32 port;
	__u32 port_state;		/* IB port state, 4 = ACTIVE */
	__u32 pad;
};

struct rsm_stat_conn {
	__u32 nodeid;
	__u32 state;			/* RSM_PATH_* */
	__u32 ctlr_index;		/* 0 when not bound to a controller */
	__u16 family;
	__u8 initiator;			/* this node connects actively */
	__u8 pad;
	__u8 addr[16];
	char peer_ctlr[RSM_NAME_MAX];
	__aligned_u64 connects;		/* times the connection came up */
	__aligned_u64 reconnects;	/* came up again after being up */
	__aligned_u64 disconnects;	/* times it went down */
	__aligned_u64 refused;		/* our attempts the peer refused */
	__aligned_u64 hb_timeouts;	/* losses detected by heartbeat */
	__aligned_u64 tx_msgs;
	__aligned_u64 rx_msgs;
	__aligned_u64 last_reject;	/* RSMERR code of the last refusal */
};

/*
 * Segment descriptors.  A descriptor opened read/write is bound to an
 * export segment by RSM_IOC_EXPORT_CREATE; closing it (or process exit)
 * destroys the segment.  Requests on a descriptor bound to something else
 * get RSMERR_BAD_SEG_HNDL.
 */
#define RSM_EXPORT_ALLOW_REBIND		0x01	/* RSM_ALLOW_REBIND */
#define RSM_EXPORT_CREATE_DONTWAIT	0x02	/* RSM_CREATE_SEG_DONTWAIT */
#define RSM_ACL_MAX			64

/* RSM_IOC_EXPORT_CREATE: pin and bind [vaddr, vaddr + len) */
struct rsm_ioc_export_create {
	char ctlr[RSM_NAME_MAX];	/* controller name */
	__aligned_u64 vaddr;		/* page aligned */
	__aligned_u64 len;		/* page multiple, > 0 */
	__u32 flags;			/* RSM_EXPORT_*; other bits ignored */
	__u32 pad;
};

/* One access list entry; the layout of rsmapi_access_entry_t. */
struct rsm_ioc_acl_entry {
	__u32 node;
	__u32 perm;			/* <= 0666 */
};

/* RSM_IOC_EXPORT_PUBLISH and RSM_IOC_EXPORT_REPUBLISH */
struct rsm_ioc_export_publish {
	__u32 segid;			/* publish: in 0 = assign, out: the id */
	__u32 acl_len;			/* <= RSM_ACL_MAX; 0 = no list */
	__aligned_u64 acl;		/* struct rsm_ioc_acl_entry[acl_len] */
};

/* RSM_IOC_EXPORT_REBIND: switch to other pages of the same length */
struct rsm_ioc_export_rebind {
	__aligned_u64 vaddr;
	__aligned_u64 len;
};

#define RSM_IOC_MAGIC		0xb7
#define RSM_IOC_VERSION		_IOR(RSM_IOC_MAGIC, 0x00, struct rsm_ioc_version)
#define RSM_IOC_CTLR_ATTR	_IOWR(RSM_IOC_MAGIC, 0x01, struct rsm_ioc_ctlr_attr)
#define RSM_IOC_TOPOLOGY	_IOWR(RSM_IOC_MAGIC, 0x02, struct rsm_ioc_buf)
#define RSM_IOC_CLUSTER_SET	_IOW(RSM_IOC_MAGIC, 0x03, struct rsm_ioc_cluster)
#define RSM_IOC_STATUS		_IOWR(RSM_IOC_MAGIC, 0x04, struct rsm_ioc_buf)
#define RSM_IOC_EXPORT_CREATE	_IOW(RSM_IOC_MAGIC, 0x10, struct rsm_ioc_export_create)
#define RSM_IOC_EXPORT_PUBLISH	_IOWR(RSM_IOC_MAGIC, 0x11, struct rsm_ioc_export_publish)
#define RSM_IOC_EXPORT_REPUBLISH _IOW(RSM_IOC_MAGIC, 0x12, struct rsm_ioc_export_publish)
#define RSM_IOC_EXPORT_UNPUBLISH _IO(RSM_IOC_MAGIC, 0x13)
#define RSM_IOC_EXPORT_REBIND	_IOW(RSM_IOC_MAGIC, 0x14, struct rsm_ioc_export_rebind)

#endif /* _UAPI_RSM_IOCTL_H */
