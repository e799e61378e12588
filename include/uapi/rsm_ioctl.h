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
 * Honour remote root: an importer on another node whose uid is 0 keeps it,
 * and one with CAP_IPC_OWNER bypasses the mode checks, as on this node.
 * Without it (the default, rsm.conf "remote-root squash") uid 0 and gid 0
 * from other nodes count as 65534 and privileges are ignored (rsm(7)).
 */
#define RSM_CLUSTER_REMOTE_ROOT	0x2

/* Bytes of a cluster key (rsm(7)); /etc/rsm/rsm.key holds them in hex. */
#define RSM_KEY_MIN		32
#define RSM_KEY_MAX		64

/*
 * RSM_IOC_CLUSTER_KEY (needs CAP_NET_ADMIN): set the cluster key (@len
 * RSM_KEY_MIN..RSM_KEY_MAX bytes) or clear it (@len 0).  Every connection
 * authenticates with it (HMAC-SHA256); a key that differs from the one
 * set before restarts every connection.  Bad input -> -1/EINVAL and
 * nothing changes.  The key cannot be read back.
 */
struct rsm_ioc_cluster_key {
	__u32 len;
	__u32 flags;		/* zero */
	__u8 key[RSM_KEY_MAX];
};

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
	__aligned_u64 importers;	/* imports of this node's segments */
	__aligned_u64 registrations;	/* memory regions held for them */
	__aligned_u64 localmem_handles;
	__aligned_u64 mapped_pages;	/* cached pages and twins of mappings */
	/* trust (rsm(7)) */
	__aligned_u64 refused_auth;	/* peers that did not prove the key */
	__aligned_u64 refused_port;	/* connects from unprivileged ports */
	__aligned_u64 bad_msgs;		/* malformed peer messages */
	__u32 trust_flags;		/* RSM_TRUST_* */
	__u32 pad2;
};

/* struct rsm_stat_hdr.trust_flags */
#define RSM_TRUST_KEYED		0x1	/* a cluster key is set */
#define RSM_TRUST_REMOTE_ROOT	0x2	/* remote root is honoured */

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

/*
 * Import segments.  RSM_IOC_IMPORT_CONNECT binds a descriptor opened
 * read/write to a segment published on @nodeid; closing the descriptor
 * disconnects.  A connection to a segment of the local node (through any
 * controller) moves data with the CPU; a remote one with RDMA through the
 * exporter's kernel, which checks the access list and the user-level
 * permission (spec 3.8) under the list in force at connect time.
 */
#define RSM_PERM_MASK			0600

struct rsm_ioc_import_connect {
	char ctlr[RSM_NAME_MAX];	/* in: controller name */
	__u32 nodeid;			/* in: exporter's node */
	__u32 segid;			/* in */
	__u32 perm;			/* in: subset of 0600 */
	__u32 pad;
	__aligned_u64 size;		/* out: segment length */
	__u32 generation;		/* out: see struct rsm_ioc_import_state */
	__u32 local;			/* out: 1 when exporter is this node */
};

/*
 * RSM_IOC_IMPORT_PUT / RSM_IOC_IMPORT_GET: move @len bytes between user
 * memory at @addr and segment offset @offset.  @width (1, 2, 4 or 8) is
 * the element size: both @addr and @offset must be multiples of it, and on
 * a local segment each element is moved as one access of that width.
 * Errors: RSMERR_BAD_OFFSET (range outside the segment), RSMERR_PERM_DENIED
 * (connection lacks read/write), RSMERR_BAD_MEM_ALIGNMENT, RSMERR_BAD_ADDR
 * (user memory not accessible), RSMERR_CONN_ABORTED (the import was
 * revoked or its path failed; final), RSMERR_INTERRUPTED.
 */
struct rsm_ioc_xfer {
	__aligned_u64 offset;		/* segment offset */
	__aligned_u64 addr;		/* user address */
	__aligned_u64 len;		/* bytes */
	__u32 width;			/* 1, 2, 4 or 8 */
	__u32 flags;			/* zero */
};

/*
 * One scatter/gather entry.  With @lmem_fd < 0, @addr is a user address;
 * otherwise @lmem_fd is a descriptor bound by RSM_IOC_LOCALMEM_CREATE and
 * @addr the byte offset into that local memory.
 */
struct rsm_ioc_sg_entry {
	__aligned_u64 addr;
	__aligned_u64 remote_offset;
	__aligned_u64 len;
	__s32 lmem_fd;
	__u32 pad;
};

#define RSM_SGIO_MAX			16	/* RSM_MAX_SGIOREQS */

/*
 * RSM_IOC_IMPORT_PUTV / RSM_IOC_IMPORT_GETV: all entries are posted as one
 * chain and complete in order.  @done (out) counts the entries completed;
 * on an error it is the index of the first entry that did not complete.
 * Entry errors: RSMERR_BAD_SGIO (bad descriptor or length 0 count),
 * RSMERR_BAD_OFFSET (remote range), RSMERR_BAD_LENGTH (local memory
 * range), and the errors of RSM_IOC_IMPORT_PUT.
 */
struct rsm_ioc_sgio {
	__aligned_u64 entries;		/* struct rsm_ioc_sg_entry[count] */
	__u32 count;			/* 1 .. RSM_SGIO_MAX */
	__u32 done;			/* out */
};

/*
 * RSM_IOC_IMPORT_STATE: barrier support.  @generation changes when the
 * import is forcibly disconnected (revoked, exporter gone, path failed);
 * @errors counts failed transfers on this import since connect.
 */
struct rsm_ioc_import_state {
	__u32 generation;		/* out */
	__u32 aborted;			/* out: 1 once forcibly disconnected */
	__aligned_u64 errors;		/* out */
	__u32 rebinds;			/* out: exporter rebinds seen */
	__u32 pad;
};

/*
 * mmap(2) on a descriptor bound to an import maps the segment: the file
 * offset is the segment offset (page aligned), MAP_SHARED only, at most one
 * mapping per import (EBUSY).  Errors: EINVAL (range outside the segment,
 * not MAP_SHARED), EACCES (protection beyond the connection's permission),
 * ECONNABORTED (forcibly disconnected), ENODEV (not an import).
 *
 * Same node: the mapping is the exporter's own pages.  Other node: pages
 * are fetched by RDMA READ at the first access and cached; the first store
 * to a cached page keeps a copy of it, and RSM_IOC_MAP_SYNC (also msync
 * with MS_SYNC, and the end of the mapping) writes back the bytes that
 * differ from that copy.  RSM_IOC_MAP_REFRESH drops the cached pages that
 * have no pending stores, so that the next access fetches them again.
 * After a forced disconnect every page of the mapping is a scratch page.
 * Both requests return 0, RSMERR_CONN_ABORTED, or RSMERR_BARRIER_FAILURE
 * (write-back failed: counted in rsm_ioc_import_state.errors too).
 */

/*
 * RSM_IOC_SIGNAL_POST (export or import descriptor): one event to the
 * exporting segment (import) or to every import of the segment (export).
 * @flags: 0 or RSM_SIGNAL_NO_ACCUMULATE (dropped when the target has an
 * event pending already); @timeout_ms must be 0.  Returns 0 (also when
 * there is no target), RSMERR_REMOTE_NODE_UNREACHABLE or
 * RSMERR_CONN_ABORTED.
 *
 * RSM_IOC_SIGNAL_WAIT: consume one pending event of this segment, waiting
 * at most @timeout_ms (negative: no limit; 0: do not wait); @flags must be
 * 0.  Returns 0, RSMERR_TIMEOUT, or -1/EINTR when a signal arrived.  The
 * descriptor polls readable (POLLIN | POLLRDNORM) while events are pending.
 */
#define RSM_SIGNAL_NO_ACCUMULATE	0x02

struct rsm_ioc_signal {
	__u32 flags;
	__s32 timeout_ms;
};

/* RSM_IOC_LOCALMEM_CREATE: pin [vaddr, vaddr + len) for putv/getv */
struct rsm_ioc_localmem {
	__aligned_u64 vaddr;		/* page aligned */
	__aligned_u64 len;		/* page multiple, > 0 */
};

/*
 * The Memory Channel API (libimc, imc(3)).
 *
 * RSM_IOC_IMC_INIT (needs CAP_SYS_ADMIN; imc_init(8)): join this host to
 * the API cluster, or change the limits of a host that joined; a limit of
 * 0 keeps the current one (10 MB at first).  @max_alloc_mb is the
 * cluster-wide allocation limit, @max_recv_mb this host's receive-mapping
 * limit, both at most RSM_IMC_MAX_MB.
 *
 * RSM_IOC_IMC_HOSTNAME (needs CAP_NET_ADMIN; rsmadm load): the name this
 * host has in the API cluster (rsm.conf "host"): letters, digits, '-',
 * '_' and '.', NUL-terminated; "" for the default, the kernel's node name
 * up to its first '.'.
 */
#define RSM_IMC_HOSTNAME	64
#define RSM_IMC_HOSTS		64
#define RSM_IMC_RAILS		4
#define RSM_IMC_MAX_MB		(1U << 20)

struct rsm_ioc_imc_init {
	__u32 max_alloc_mb;
	__u32 max_recv_mb;
};

struct rsm_ioc_imc_hostname {
	char name[RSM_IMC_HOSTNAME];
};

/*
 * RSM_IOC_IMC_INFO: the API cluster as this host sees it.  @gen changes
 * whenever the hosts or the rails do.  @hosts lists this host (when it
 * joined) and every connected peer that joined, by node id.  Logical rail
 * r is this node's (r + 1)th RDMA controller; it is active while its port
 * is and, when the cluster has peers, a connection through it is up.
 */
struct rsm_imc_host {
	__u32 nodeid;
	__u32 pad;
	char name[RSM_IMC_HOSTNAME];
};

/*
 * What this host's part of the API holds and did (imcs -s).  The objects
 * (@regions on, @region_objs, @rx_bytes, @tx_mappings, @tx_pages) go back to
 * zero when nothing uses the API any more.
 */
struct rsm_imc_counters {
	__u32 regions;			/* in the registry */
	__u32 region_objs;		/* regions with state on this host */
	__aligned_u64 rx_bytes;		/* receive memory on this host */
	__u32 tx_mappings;		/* transmit mappings of its processes */
	__u32 pad;
	__aligned_u64 tx_pages;		/* their staging and twin pages */
	__aligned_u64 sends;		/* writes to one receiving host */
	__aligned_u64 send_bytes;
	__aligned_u64 send_errors;
	__s32 errcnt[RSM_IMC_RAILS];	/* negative while recovering */
	/* locks taken or given back here by RDMA atomics on their words */
	__aligned_u64 lock_word_ops;
};

struct rsm_ioc_imc_info {
	__aligned_u64 gen;
	__u32 member;			/* this host ran imc_init */
	__u32 max_alloc_mb;
	__u32 max_recv_mb;
	__u32 nrails;
	__u32 active_rails;		/* bit r: rail r is active */
	__u32 nhosts;
	struct rsm_imc_host hosts[RSM_IMC_HOSTS];
	struct rsm_imc_counters counters;
};

/*
 * RSM_IOC_IMC_WAIT: sleep until the generation differs from @gen or the
 * active rails from @rails (sampled once a second), for at most
 * @timeout_ms (0: no limit).  Return: 0 (something changed or the time is
 * up: read RSM_IOC_IMC_INFO), or -1 with EINTR when a signal came.
 */
struct rsm_ioc_imc_wait {
	__aligned_u64 gen;
	__u32 timeout_ms;
	__u32 rails;
};

/*
 * Memory Channel regions, on a descriptor that is (or becomes) a process's
 * libimc descriptor: what it allocated goes when it is closed.  These
 * return 0, a positive number that is an IMC status negated (IMC_PRIOR is
 * -12: 12), or -1 with errno.
 *
 * RSM_IOC_IMC_ASALLOC: allocate @key (imc_asalloc); @size in bytes is
 * rounded up to pages and returned so; @id out.
 * RSM_IOC_IMC_ASDEALLOC: drop allocation @id.
 * RSM_IOC_IMC_REGIONS: the cluster's registry; @count of them out, at
 * most @max copied to @buf.
 */
struct rsm_ioc_imc_asalloc {
	__u32 key;
	__u32 perm;			/* 0666 bits */
	__aligned_u64 size;
	__u32 flags;			/* IMC_COHERENT */
	__u32 rail;
	__s32 id;
	__u32 pad;
};

struct rsm_ioc_imc_asid {
	__s32 id;
	__u32 pad;
};

struct rsm_imc_region_info {
	__u32 key;
	__u32 perm;
	__aligned_u64 size;
	__u32 flags;
	__u32 rail;
	__u32 uid;			/* owner: the creator */
	__u32 gid;
	__u32 local;			/* allocations on this host */
	__u32 self;			/* 1: this host has allocators */
	__aligned_u64 hosts[2];		/* bit n: node n has allocators */
	__u32 id;			/* the region's id, the same everywhere */
	__u32 rx_attached;		/* receive attaches on this host */
	__u32 tx_attached;		/* transmit attaches on this host */
	__u32 pad;
};

/*
 * @entry_size: bytes of struct rsm_imc_region_info the caller knows, and
 * the stride of @buf; 0 means 56, the layout without @id and the attach
 * counts.  Entries get the fields that fit, the rest are not written.
 */
#define RSM_IMC_REGION_INFO_V1	56
struct rsm_ioc_imc_regions {
	__aligned_u64 buf;		/* @max entries of @entry_size bytes */
	__u32 max;
	__u32 count;
	__u32 entry_size;
	__u32 pad2;
};

/*
 * Attaching regions (imc_asattach(3), imc_asattach_ptp(3)) and sending.
 *
 * RSM_IOC_IMC_ASATTACH: attach allocation @id for @dir (RSM_IMC_DIR_TX or
 * _RX) in @mode (RSM_IMC_SHARED or _NONSHARED) with @flags
 * (RSM_IMC_LOOPBACK for transmit); @host names the one receiving host of
 * a point-to-point transmit attach (RSM_IMC_DIR_PTP), "" otherwise.  Out:
 * @offset and @size to mmap(2) the descriptor with (PROT_READ for
 * receive, PROT_READ|PROT_WRITE for transmit, MAP_SHARED).  Receive
 * mappings are this host's receive memory; transmit mappings are staging
 * pages whose stores go out at RSM_IOC_IMC_PUT and RSM_IOC_IMC_FLUSH.
 * RSM_IOC_IMC_ASDETACH: detach @id in the directions @dirs (0: both);
 * transmit data not sent yet goes first.  The caller unmaps.
 * RSM_IOC_IMC_PUT: send @len bytes of the transmit mapping of @id from
 * @offset now (imc_bcopy(3)), to every receiving host, in order.
 * RSM_IOC_IMC_FLUSH: send what changed in the transmit mappings of @id
 * (0: of all) since they were last sent (imc_flush(3)).
 * RSM_IOC_IMC_ERRCNT: the error count of @rail (RSM_IMC_ALL_RAILS: the sum)
 * in @count; with @check (imc_ckerrcnt_mr(3)) first send what changed in
 * the caller's transmit mappings on the rail and wait for it, then
 * return IMC_MC_ERROR's status if a send failed since the last check, if
 * recovery is under way, or if the count is above the @count passed in.
 */
#define RSM_IMC_DIR_TX		1
#define RSM_IMC_DIR_RX		2
#define RSM_IMC_DIR_PTP		4
#define RSM_IMC_SHARED		1
#define RSM_IMC_NONSHARED	2
#define RSM_IMC_LOOPBACK	1
#define RSM_IMC_ALL_RAILS	0xffffffffU

struct rsm_ioc_imc_attach {
	__s32 id;
	__u32 dir;
	__u32 mode;
	__u32 flags;
	char host[RSM_IMC_HOSTNAME];
	__aligned_u64 offset;		/* out */
	__aligned_u64 size;		/* out */
};

struct rsm_ioc_imc_detach {
	__s32 id;
	__u32 dirs;
};

struct rsm_ioc_imc_put {
	__s32 id;
	__u32 pad;
	__aligned_u64 offset;
	__aligned_u64 len;
};

struct rsm_ioc_imc_errcnt {
	__u32 rail;
	__u32 check;
	__s32 count;			/* in (check) and out */
	__u32 pad;
};

/*
 * RSM_IOC_IMC_KILL: send signal @sig (0 .. 64) to process @pid (> 0) on
 * the API-cluster host named @host (imc_kill(3)); this host's own name
 * signals here.  A caller whose real or effective uid is 0 is refused
 * (IMC_NOROOT's status); the target host applies kill(2)'s rules of
 * permission to the caller's real and effective uids.
 */
struct rsm_ioc_imc_kill {
	char host[RSM_IMC_HOSTNAME];
	__s32 pid;
	__s32 sig;
};

/*
 * Lock sets (imc_lkalloc(3), imc_lkacquire(3), imc_lkrelease(3),
 * imc_lkdealloc(3)), on the libimc descriptor, with the same returns as
 * regions.  A descriptor is one lock owner: locks it holds go when it is
 * closed.
 *
 * RSM_IOC_IMC_LKALLOC: allocate lock set @key of @count locks (1 ..
 * RSM_IMC_MAXLOCKS; more is cut to that) with @perm (0666 bits);
 * @flags RSM_IMC_LK_CREATOR creates it holding lock 0 (IMC_EXISTS's
 * status when it exists).  Out: @id, and @count, which is also set
 * with IMC_BADSIZE's status (an existing set of another count).
 * RSM_IOC_IMC_LKACQUIRE: take lock @index of @id; @wait 1 waits for it
 * (IMC_INTR's status when a signal comes first), 0 does not
 * (IMC_NOLOCKGOT's); @flags 0.
 * RSM_IOC_IMC_LKRELEASE: give lock @index of @id back, after sending
 * what the descriptor's transmit mappings hold that changed.
 * RSM_IOC_IMC_LKDEALLOC: drop lock set @id (@index, @flags, @wait 0).
 * RSM_IOC_IMC_LOCKSETS: the cluster's lock sets, as RSM_IOC_IMC_REGIONS
 * (@entry_size: of struct rsm_imc_lockset_info); holders are known on
 * the set's home only (@held ~0U elsewhere).
 */
#define RSM_IMC_MAXLOCKS	1024
#define RSM_IMC_LK_CREATOR	1
#define RSM_IMC_LK_HOLDERS	8

struct rsm_ioc_imc_lkalloc {
	__u32 key;
	__u32 count;			/* in and out */
	__u32 perm;
	__u32 flags;
	__s32 id;			/* out */
	__u32 pad;
};

struct rsm_ioc_imc_lkop {
	__s32 id;
	__u32 index;
	__u32 flags;
	__u32 wait;
};

struct rsm_imc_lk_holder {
	__u32 index;
	__u32 node;
	__u32 pid;			/* on that node */
	__u32 waiters;
};

struct rsm_imc_lockset_info {
	__u32 key;
	__u32 id;
	__u32 count;
	__u32 perm;
	__u32 uid;
	__u32 gid;
	__u32 home;			/* node id */
	__u32 local;			/* allocations on this host */
	__aligned_u64 hosts[2];		/* bit n: node n has allocators */
	__u32 held;			/* locks held; ~0U: not homed here */
	__u32 pad;
	struct rsm_imc_lk_holder holders[RSM_IMC_LK_HOLDERS];
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
#define RSM_IOC_IMPORT_CONNECT	_IOWR(RSM_IOC_MAGIC, 0x20, struct rsm_ioc_import_connect)
#define RSM_IOC_IMPORT_PUT	_IOW(RSM_IOC_MAGIC, 0x21, struct rsm_ioc_xfer)
#define RSM_IOC_IMPORT_GET	_IOW(RSM_IOC_MAGIC, 0x22, struct rsm_ioc_xfer)
#define RSM_IOC_IMPORT_PUTV	_IOWR(RSM_IOC_MAGIC, 0x23, struct rsm_ioc_sgio)
#define RSM_IOC_IMPORT_GETV	_IOWR(RSM_IOC_MAGIC, 0x24, struct rsm_ioc_sgio)
#define RSM_IOC_IMPORT_STATE	_IOR(RSM_IOC_MAGIC, 0x25, struct rsm_ioc_import_state)
#define RSM_IOC_MAP_SYNC	_IO(RSM_IOC_MAGIC, 0x26)
#define RSM_IOC_MAP_REFRESH	_IO(RSM_IOC_MAGIC, 0x27)
#define RSM_IOC_SIGNAL_POST	_IOW(RSM_IOC_MAGIC, 0x40, struct rsm_ioc_signal)
#define RSM_IOC_SIGNAL_WAIT	_IOW(RSM_IOC_MAGIC, 0x41, struct rsm_ioc_signal)
#define RSM_IOC_LOCALMEM_CREATE	_IOW(RSM_IOC_MAGIC, 0x30, struct rsm_ioc_localmem)
#define RSM_IOC_CLUSTER_KEY	_IOW(RSM_IOC_MAGIC, 0x05, struct rsm_ioc_cluster_key)
#define RSM_IOC_IMC_INIT	_IOW(RSM_IOC_MAGIC, 0x50, struct rsm_ioc_imc_init)
#define RSM_IOC_IMC_INFO	_IOR(RSM_IOC_MAGIC, 0x51, struct rsm_ioc_imc_info)
#define RSM_IOC_IMC_WAIT	_IOW(RSM_IOC_MAGIC, 0x52, struct rsm_ioc_imc_wait)
#define RSM_IOC_IMC_HOSTNAME	_IOW(RSM_IOC_MAGIC, 0x53, struct rsm_ioc_imc_hostname)
#define RSM_IOC_IMC_ASALLOC	_IOWR(RSM_IOC_MAGIC, 0x54, struct rsm_ioc_imc_asalloc)
#define RSM_IOC_IMC_ASDEALLOC	_IOW(RSM_IOC_MAGIC, 0x55, struct rsm_ioc_imc_asid)
#define RSM_IOC_IMC_REGIONS	_IOWR(RSM_IOC_MAGIC, 0x56, struct rsm_ioc_imc_regions)
#define RSM_IOC_IMC_ASATTACH	_IOWR(RSM_IOC_MAGIC, 0x57, struct rsm_ioc_imc_attach)
#define RSM_IOC_IMC_ASDETACH	_IOW(RSM_IOC_MAGIC, 0x58, struct rsm_ioc_imc_detach)
#define RSM_IOC_IMC_PUT		_IOW(RSM_IOC_MAGIC, 0x59, struct rsm_ioc_imc_put)
#define RSM_IOC_IMC_FLUSH	_IOW(RSM_IOC_MAGIC, 0x5a, struct rsm_ioc_imc_detach)
#define RSM_IOC_IMC_ERRCNT	_IOWR(RSM_IOC_MAGIC, 0x5b, struct rsm_ioc_imc_errcnt)
#define RSM_IOC_IMC_KILL	_IOW(RSM_IOC_MAGIC, 0x5c, struct rsm_ioc_imc_kill)
#define RSM_IOC_IMC_LKALLOC	_IOWR(RSM_IOC_MAGIC, 0x5d, struct rsm_ioc_imc_lkalloc)
#define RSM_IOC_IMC_LKACQUIRE	_IOW(RSM_IOC_MAGIC, 0x5e, struct rsm_ioc_imc_lkop)
#define RSM_IOC_IMC_LKRELEASE	_IOW(RSM_IOC_MAGIC, 0x5f, struct rsm_ioc_imc_lkop)
#define RSM_IOC_IMC_LKDEALLOC	_IOW(RSM_IOC_MAGIC, 0x60, struct rsm_ioc_imc_lkop)
#define RSM_IOC_IMC_LOCKSETS	_IOWR(RSM_IOC_MAGIC, 0x61, struct rsm_ioc_imc_regions)

/*
 * RSM_IOC_TEST_RDMA exists only in modules built with RSM_TEST_HOOKS=1 for
 * the security tests; production modules answer -1/ENOTTY.  On the
 * descriptor of an import of a segment on another node it posts one RDMA
 * READ or WRITE (@flags RSM_TEST_RDMA_WRITE) of @len (1..4096) bytes at
 * segment offset @offset on the import's connection, with the key the
 * import uses for that offset or, with RSM_TEST_RDMA_RKEY, with @rkey;
 * the import's own permission is not checked.  RSM_TEST_RDMA_GET_KEY only
 * reports in @rkey the key the import would use.  Returns 0 when the work
 * request completed successfully, else -1/EIO with @status set to the
 * errno of the failed transfer (a failed RDMA operation resets the
 * connection, as any remote access error does).
 *
 * With @flags RSM_TEST_SIGNALS it instead sends @len (1..2^20) SIGNAL
 * messages to the exporter as fast as the connection takes them, all for
 * the imported segment or, with RSM_TEST_SIGNALS_SPREAD, one each for
 * @len consecutive segment ids from the imported one (a flooding peer).
 * Returns 0, or -1 with errno set when the connection failed.
 */
struct rsm_ioc_test_rdma {
	__aligned_u64 buf;	/* user buffer of @len bytes */
	__aligned_u64 offset;
	__u32 len;
	__u32 flags;		/* RSM_TEST_RDMA_* */
	__u32 rkey;
	__u32 status;		/* out */
};

#define RSM_TEST_RDMA_WRITE	0x1
#define RSM_TEST_RDMA_RKEY	0x2
#define RSM_TEST_RDMA_GET_KEY	0x4
#define RSM_TEST_SIGNALS	0x8
#define RSM_TEST_SIGNALS_SPREAD	0x10

#define RSM_IOC_TEST_RDMA	_IOWR(RSM_IOC_MAGIC, 0x70, struct rsm_ioc_test_rdma)

#endif /* _UAPI_RSM_IOCTL_H */
