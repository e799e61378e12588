/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rsm: the transport layer of rsm.ko (DESIGN.md decision 16) - controllers,
 * the connection manager, connections and their endpoints, control messages
 * and requests, and the data path on the RDMA core's read/write API.
 *
 * The files of this layer include only this header.  They know nothing of
 * segments: they call up only through the struct rsm_tp_client a layer
 * above registers (rsm_tp_register()).  The segment layer (rsm_loc.h) is
 * the first client; the Memory Channel objects will be the second.
 */
#ifndef _RSM_TP_H
#define _RSM_TP_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <linux/socket.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/atomic.h>
#include <linux/rwsem.h>
#include <linux/wait.h>
#include <linux/poll.h>
#include <linux/completion.h>
#include <linux/uidgid.h>
#include <linux/xarray.h>
#include <linux/scatterlist.h>
#include <rdma/ib_verbs.h>
#include <rdma/rdma_cm.h>

#include "rsm_ioctl.h"
#include "rsm_proto.h"
#include "rsm_errno.h"

#define rsm_err_rl(fmt, ...)  pr_err_ratelimited("rsm: " fmt, ##__VA_ARGS__)
#define rsm_warn_rl(fmt, ...) pr_warn_ratelimited("rsm: " fmt, ##__VA_ARGS__)
#define rsm_info(fmt, ...)    pr_info("rsm: " fmt, ##__VA_ARGS__)
#define rsm_dbg(fmt, ...)     pr_debug("rsm: " fmt, ##__VA_ARGS__)

/* Tunables (module parameters, rsm_main.c). */
extern unsigned int rsm_listen_port;
extern unsigned int rsm_hb_interval_ms;
extern unsigned int rsm_hb_timeout_ms;
extern unsigned int rsm_connect_timeout_ms;
extern unsigned int rsm_wire_version;
extern unsigned int rsm_max_segments;
extern unsigned int rsm_ctl_queue_max;
extern unsigned int rsm_auto_ids_per_user;

/*
 * struct rsm_ctrl - a controller: one RDMA device port, or the loopback
 * controller (index 0, no device).
 *
 * Controllers are on rsm_ctrls (protected by rsm_ctrl_lock) from the ib_client
 * add callback until the remove callback; a kref keeps the memory alive for
 * connections that still point at a controller being removed.  Everything but
 * @removing and @name is written once, before the controller is listed; a
 * device rename changes @name (rsm_ctrl_name()).  Protection domains belong
 * to connections (struct rsm_ep), not to controllers.
 */
struct rsm_ctrl {
	struct list_head	list;
	struct kref		ref;
	u32			index;
	char			name[RSM_NAME_MAX];	/* see rsm_ctrl_name() */
	struct ib_device	*ibdev;		/* NULL for loopback */
	u32			port;
	u64			hwaddr;
	struct rsm_ioc_ctlr_attr attr;		/* name and index not used */
	bool			removing;	/* under rsm_ctrl_lock */
	/*
	 * Accepts in progress on it: they make a QP before they list their
	 * endpoint, so its removal waits for them (rsm_ib_remove_one()).
	 */
	atomic_t		accepting;
};

/*
 * Clients of the transport, each with a fixed index: the state a client
 * keeps per endpoint and per connection is indexed by it.
 */
enum rsm_tp_client_id {
	RSM_TP_SEGMENTS,	/* RSMAPI segments (rsm_loc.h) */
	RSM_TP_IMC,		/* the Memory Channel API (rsm_imc.h) */
	RSM_TP_NCLIENTS
};

/*
 * struct rsm_tp_objs - a client's objects bound to one endpoint.  The
 * transport initializes it and never looks inside; @lock protects @list
 * and @dead, which the client sets in its ep_gone callback so that nothing
 * is added to an endpoint on its way out.
 */
struct rsm_tp_objs {
	struct mutex		lock;		/* see above */
	struct list_head	list;
	bool			dead;
};

/* What a client's req_merge callback found (rsm_ctl_queue()). */
enum rsm_tp_merge {
	RSM_TP_MERGE_NEXT,	/* unrelated: look at the request before */
	RSM_TP_MERGE_STOP,	/* related but not mergeable: queue it */
	RSM_TP_MERGED,		/* absorbed by the queued request */
};

enum rsm_ep_state {
	RSM_EP_RESOLVING,	/* active side: address/route resolution */
	RSM_EP_CONNECTING,	/* connect request sent or accepted */
	RSM_EP_ESTABLISHED,	/* transport up, waiting for the peer's INFO */
	RSM_EP_ACTIVE,		/* INFO received: usable */
	RSM_EP_DEAD,		/* detached from its connection */
};

struct rsm_conn;
struct rsm_msg_slot;
struct rsm_ep;
struct rsm_loop;

/**
 * struct rsm_tp_client - a layer above the transport
 * @id: its index in the per-endpoint and per-connection state
 * @types: the request types (enum rsm_msg_type) it serves
 * @ntypes: how many
 * @req_queue: the queue (0..RSM_CTL_QUEUES-1) of a checked request; the
 *	requests of one queue are served one after the other, in the order
 *	they came, and queues run in parallel
 * @req_merge: optional; may absorb a checked request into one still
 *	queued (@old, with @old_more further merged copies), changing
 *	@old in place if it likes (same type and length); called under the
 *	queue's spinlock, from the newest queued request back
 * @req_serve: serve a checked request in process context (rsm_ctl_wq);
 *	@more copies were merged into it
 * @conn_up: optional; @ep became @conn's usable endpoint; under
 *	@conn->lock, so it may only queue work
 * @conn_down: the usable endpoint @ep_id left @conn; under @conn->lock
 * @ep_gone: an endpoint is being destroyed: its QP is gone, no request
 *	of it is being served and no user holds it
 * @fill_status: optional; add the client's counters to RSM_IOC_STATUS
 *
 * Registered before the first connection exists and unregistered after
 * the last is gone (module init and exit), so the callbacks are read
 * without locks.
 */
struct rsm_tp_client {
	enum rsm_tp_client_id	id;
	const u16		*types;
	unsigned int		ntypes;
	unsigned int		(*req_queue)(const void *msg);
	enum rsm_tp_merge	(*req_merge)(void *old, u32 *old_more,
					     const void *msg);
	void			(*req_serve)(struct rsm_ep *ep,
					     const void *msg, u32 more);
	void			(*conn_up)(struct rsm_conn *conn,
					   struct rsm_ep *ep);
	void			(*conn_down)(struct rsm_conn *conn, u64 ep_id);
	void			(*ep_gone)(struct rsm_ep *ep);
	void			(*loop_gone)(struct rsm_loop *lp);
	void			(*fill_status)(struct rsm_stat_hdr *hdr);
};

/*
 * Ordered queues of the peer's requests per endpoint (rsm_rpc.c): half for
 * requests to us as exporter, half for those to us as importer.
 */
#define RSM_CTL_QUEUES	16

/*
 * struct rsm_ctl_q - requests from the peer waiting to be served in order.
 * @lock protects @list and @running; while @running, @work is queued or
 * runs and holds a user reference on @ep.
 */
struct rsm_ctl_q {
	struct rsm_ep		*ep;
	spinlock_t		lock;		/* see above */
	struct list_head	list;
	bool			running;
	struct work_struct	work;
};

/*
 * struct rsm_pace - the data an endpoint has in flight, bounded by what
 * its link moves (rsm_pace.c).  @lock (taken from the completion handler)
 * protects every field but @life_bytes, and @life_every for writing.
 */
struct rsm_pace {
	spinlock_t		lock;		/* see above */
	u64			inflight;	/* READ, WRITE bytes admitted */
	u64			cap;		/* bytes allowed in flight */
	u64			period_bytes;	/* completed this period */
	unsigned long		busy;		/* jiffies with data in flight */
	unsigned long		since;		/* before this, in @busy */
	atomic_t		life_bytes;	/* iWARP: WRITE since a message */
	u32			life_every;	/* iWARP: bytes between those */
};

#define RSM_RX_DEPTH	RSM_WIRE_RECEIVES	/* receives posted per endpoint */
/* Of the peer's receives, the last ones only for messages returning credits. */
#define RSM_CREDIT_RESERVE	2
/* Credits returned by a message of their own once this many are owed. */
#define RSM_CREDIT_BATCH	8
#define RSM_TX_DEPTH	16	/* send buffers per endpoint */

/*
 * struct rsm_ep - one incarnation of a connection: an RDMA CM id with its QP,
 * CQ and message buffers.  A connection that breaks gets a new endpoint; the
 * old one is detached (state DEAD) and destroyed from rsm_wq.
 *
 * The CM id's context points here.  The endpoint holds a reference on its
 * connection and on its controller.  @state, @peer_info_seen, @pending,
 * @authed, @pending_list and the connection's @ep pointer change only under
 * the connection's lock (@state to or from ACTIVE, and @ep, also under the
 * connection's @ep_lock); the QP and @pd are set up under that lock too
 * (rdma_create_qp(), which reaches neither the CM's mutex nor sockets).
 * An endpoint the passive side accepted stays off @conn->ep, on
 * @conn->pending, until the peer proved the cluster key (rsm(7)); the
 * completion handler reads @authed without the lock (it is set before the
 * peer can have a reason to send anything but INFO).  @qp_dead is written under @qp_rwsem held
 * for writing; whoever posts holds it for reading.  @tx_free (bitmap of free
 * send buffers) is under @tx_lock.
 */
struct rsm_ep {
	struct rsm_conn		*conn;
	struct rdma_cm_id	*cm_id;
	struct rsm_ctrl		*ctrl;		/* set once the device is known */
	struct ib_cq		*cq;
	enum rsm_ep_state	state;
	bool			active_side;
	bool			qp_created;
	bool			connect_sent;	/* connect or accept issued */
	bool			peer_info_seen;
	bool			qp_dead;
	bool			pending;	/* passive, not yet proven */
	bool			authed;		/* the peer proved the key */
	bool			info_held;	/* iWARP responder: INFO waits */
	struct list_head	pending_list;	/* conn->pending while @pending */
	struct ib_pd		*pd;		/* this connection's own */
	unsigned long		started;	/* jiffies, for connect timeout */
	unsigned long		last_rx;	/* jiffies of the last message */
	atomic64_t		tx_seq;
	struct rw_semaphore	qp_rwsem;
	/*
	 * Every post to the send queue holds @sq_rwsem for reading; memory
	 * registrations hold it for writing and post only into an idle send
	 * queue (rsm_sq_exclusive_begin()).
	 */
	struct rw_semaphore	sq_rwsem;

	void			*rx_bufs;
	u64			rx_dma;
	struct rsm_msg_slot	*rx_slots;

	/*
	 * Message credits (rsm_msg.c): receives the peer has posted for us
	 * and we have not used, and receives we posted again since our last
	 * message (returned with the next one, or by @credit_work).
	 */
	atomic_t		tx_credits;
	atomic_t		rx_owed;
	struct work_struct	credit_work;
	atomic_t		hb_unsent;	/* periodic ones that found none */

	spinlock_t		tx_lock;	/* protects tx_free */
	unsigned long		tx_free;
	void			*tx_bufs;
	u64			tx_dma;
	struct rsm_msg_slot	*tx_slots;

	struct work_struct	destroy_work;
	struct work_struct	fail_work;
	/*
	 * Held across the calls into the RDMA CM that set a connection up:
	 * create, bind and resolve (the connect work), connect (the route
	 * handler) and accept (the connect request handler).  They take the
	 * CM's global mutex and reach the provider (siw takes socket locks),
	 * so they must not run under the connection's lock, which is taken
	 * inside this one.  @cm_id and @connect_sent are set under it; the
	 * destroy work waits for it before the CM id and the QP go.
	 */
	struct mutex		cm_lock;

	/* authentication (rsm_auth.c), set before the first message */
	u8			nonce[RSM_WIRE_NONCE_LEN];
	u8			peer_nonce[RSM_WIRE_NONCE_LEN];
	u32			peer_qpn;
	u64			peer_boot;
	/*
	 * this host's address on it, set once established (the CM id goes
	 * before the endpoint's last users do)
	 */
	struct sockaddr_storage	src_addr;

	/* data path (rsm_xfer.c) */
	u64			id;		/* unique, never reused */
	wait_queue_head_t	wq;		/* credits, buffers, xfers, pace */
	atomic_t		sq_credits;	/* free data send queue slots */
	atomic_t		users;		/* ioctls and works using @ep */
	bool			qp_gone;	/* QP destroyed, CQ freed */
	/* read/write contexts (rsm_rw.c) */
	u32			rw_pages;	/* local pages per context */
	bool			rw_rxe;		/* soft-RoCE's READ window */
	bool			sends_acked;	/* completion = peer's ack */
	atomic_t		rw_slots;	/* contexts still allowed */
	atomic_t		rw_live;	/* contexts initialized */
	struct rsm_pace		pace;		/* rsm_pace.c */
	bool			rw_drained;	/* teardown drained the SQ */

	/* what each client keeps per endpoint (struct rsm_tp_objs) */
	struct rsm_tp_objs	objs[RSM_TP_NCLIENTS];

	/* requests from the peer, by segment (rsm_rpc.c) */
	struct rsm_ctl_q	ctlq[RSM_CTL_QUEUES];
	atomic_t		ctl_queued;	/* on all of @ctlq */

	/* requests waiting for an answer (rsm_rpc.c) */
	spinlock_t		rpc_lock;	/* protects the two below */
	struct list_head	rpcs;
	bool			rpc_dead;

	/* atomics nobody waits for (rsm_xfer.c), until their completion */
	spinlock_t		async_lock;	/* protects @async; a leaf */
	struct list_head	async;
};

/*
 * struct rsm_conn - this node's relationship with one configured address of
 * a peer node.  Created and removed by cluster configuration (under
 * rsm_cluster.lock); reconnected by its own delayed work.
 *
 * @lock protects @ep, @configured, the peer's controller identity and the
 * state counters written outside the data path.  Message counters are atomic.
 * No RDMA CM call that connects, accepts, binds or resolves is made under
 * @lock (see rsm_ep's @cm_lock).
 */
struct rsm_conn {
	struct list_head	list;		/* rsm_cluster.conns */
	struct kref		ref;
	struct mutex		lock;		/* see above */
	u32			nodeid;
	struct sockaddr_storage	addr;
	bool			initiator;	/* we connect actively */
	bool			configured;	/* false once removed */
	struct rsm_ep		*ep;
	/*
	 * @ep_lock: @ep and its endpoint's move to or from ACTIVE change
	 * under it too (inside @lock), so that rsm_ep_get_active() needs
	 * only it.  That one runs under mmap_lock (a remote mapping's
	 * fault), and @lock is taken under locks that mmap also takes
	 * (the IMC process lock, then rsm_cluster.lock for the status).
	 */
	spinlock_t		ep_lock;
	struct list_head	pending;	/* accepted, not yet proven */
	unsigned int		npending;
	unsigned int		retry_ms;

	char			peer_ctlr[RSM_NAME_MAX];
	u64			peer_hwaddr;

	u64			connects;
	u64			reconnects;
	u64			disconnects;
	u32			failed_attempts;	/* since the last connect */
	u64			refused;
	u64			hb_timeouts;
	u32			last_reject;
	atomic64_t		tx_msgs;
	atomic64_t		rx_msgs;

	struct delayed_work	connect_work;
	struct delayed_work	hb_work;

	/* each client's objects bound to this peer, under @lock */
	struct list_head	objs[RSM_TP_NCLIENTS];
};

/*
 * struct rsm_cluster - the node's cluster membership.
 * @lock protects @local_nodeid and @conns.
 */
struct rsm_cluster {
	struct mutex		lock;		/* see above */
	u32			local_nodeid;
	struct list_head	conns;
	u64			boot_id;
	atomic64_t		refused_unknown_node;
	atomic64_t		refused_bad_version;
	atomic64_t		refused_other;
	atomic64_t		refused_auth;
	atomic64_t		refused_port;
	atomic64_t		bad_msgs;
	bool			remote_root;	/* RSM_CLUSTER_REMOTE_ROOT */
	/* connects waiting for a connection coming (back) up sleep here */
	wait_queue_head_t	up_wq;
	atomic_t		up_gen;		/* bumped when one comes up */
};

extern struct rsm_cluster rsm_cluster;

/* Under @conn's lock: is @ep still the connection's usable endpoint? */
static inline bool rsm_ep_usable_locked(struct rsm_conn *conn,
					struct rsm_ep *ep)
{
	lockdep_assert_held(&conn->lock);
	return conn->ep == ep && ep->state == RSM_EP_ACTIVE;
}

struct rsm_xfer {
	struct ib_cqe		cqe;
	struct rsm_ep		*ep;
	atomic_t		pending;
	atomic_t		ok;		/* successful completions */
	int			status;		/* first failure, ib_wc_status */
};

/*
 * A local buffer for a transfer: pinned pages, a kernel buffer, or user
 * memory.  Transfers never touch user memory while they hold a lock, a
 * context slot or an endpoint reference that teardown waits for: user
 * memory is pinned (rsm_lbuf_pin_user()) or copied to @kbuf first.
 */
struct rsm_lbuf {
	u64			uaddr;		/* when neither of the others */
	struct page		**pages;	/* pinned, offset @pgoff */
	u64			pgoff;
	unsigned long		npinned;	/* pinned by rsm_lbuf_pin_user */
	void			*kbuf;		/* kernel memory */
};

/* struct rsm_rpc - an outstanding request waiting for its answer */
struct rsm_rpc {
	struct list_head	list;
	u64			xid;
	struct rsm_ep		*ep;
	struct completion	done;
	int			status;		/* 0 or -ENOTCONN */
	u16			want_type;	/* of the answer */
	u32			len;
	/*
	 * Abandoned by a waiter that was killed (rsm_rpc_wait_killable()):
	 * @orphan runs from @orphan_work once the answer came, and frees
	 * the request; @orphan_arg is for it.  Set under the rpc_lock.
	 */
	void			(*orphan)(struct rsm_ep *ep, struct rsm_rpc *rpc);
	struct work_struct	orphan_work;
	u32			orphan_arg[2];
	u8			reply[RSM_MSG_MAX];
};

extern struct workqueue_struct *rsm_wq;
extern struct workqueue_struct *rsm_ctl_wq;

/* The port of an RDMA CM address (host order); 0 for other families. */
static inline u16 rsm_sockaddr_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return 0;
}

/* rsm_auth.c */
int rsm_auth_init(void);
void rsm_auth_exit(void);
bool rsm_auth_keyed(void);
int rsm_auth_ioctl_key(void __user *uarg);
void rsm_auth_new_nonce(struct rsm_ep *ep);
int rsm_auth_prove(const struct rsm_ep *ep, u8 *mac);
bool rsm_auth_check(const struct rsm_ep *ep, const u8 *mac);

/* rsm_ctrl.c */
int rsm_ctrl_init(void);
void rsm_ctrl_exit(void);
struct rsm_ctrl *rsm_ctrl_get_by_name(const char *name);
struct rsm_ctrl *rsm_ctrl_get_by_port(struct ib_device *ibdev, u32 port);
void rsm_ctrl_put(struct rsm_ctrl *ctrl);
int rsm_ctrl_ioctl_attr(void __user *uarg);
int rsm_ctrl_fill_stat(struct rsm_stat_ctlr *out, unsigned int max);
int rsm_ctrl_nth_index(u32 nth, u32 *index);
int rsm_ctrl_fill_topo(void *buf, size_t len, size_t *used, bool count_only);
void rsm_ctrl_netdev_name(struct rsm_ctrl *ctrl, char *name, size_t len);
void rsm_ctrl_name(struct rsm_ctrl *ctrl, char *buf, size_t len);

/* rsm_membership.c */
int rsm_cluster_init(void);
void rsm_cluster_exit(void);
int rsm_cluster_ioctl_set(void __user *uarg);
int rsm_cluster_ioctl_topology(void __user *uarg);
int rsm_cluster_ioctl_status(void __user *uarg);
struct rsm_conn *rsm_cluster_find_conn(u32 nodeid,
				       const struct sockaddr *addr);
void rsm_cluster_reset_conns(const char *why);
int rsm_cluster_each_active(void (*fn)(struct rsm_ep *ep, void *arg),
			    void *arg);
struct rsm_ep *rsm_cluster_active_ep(u32 nodeid);
struct rsm_ep *rsm_cluster_ep_by_id(u32 nodeid, u64 ep_id);
struct rsm_ep *rsm_cluster_rail_ep(u32 nodeid, u32 rail);
void rsm_cluster_rails(u32 max, u32 *nrails, u32 *active);
bool rsm_cluster_has_node(u32 nodeid);

/* rsm_conn.c */
extern bool rsm_exiting;
struct rsm_ep *rsm_ep_alloc(struct rsm_conn *conn, bool active_side);
void rsm_ep_free_unused(struct rsm_ep *ep);
void rsm_conn_established_locked(struct rsm_conn *conn, struct rsm_ep *ep);
void rsm_conn_refused_locked(struct rsm_conn *conn, unsigned int reason);
struct rsm_conn *rsm_conn_create(u32 nodeid, const struct sockaddr *addr,
				 bool initiator);
void rsm_conn_remove(struct rsm_conn *conn);
void rsm_conn_put(struct rsm_conn *conn);
void rsm_conn_ctrl_removed(struct rsm_ctrl *ctrl);
u32 rsm_conn_state(struct rsm_conn *conn, const struct rsm_ctrl *ctrl);
void rsm_conn_fail(struct rsm_ep *ep, const char *why);
void rsm_conn_reset(struct rsm_conn *conn, const char *why);
void rsm_conn_refuse(struct rsm_ep *ep, const char *why);
void rsm_conn_add_pending_locked(struct rsm_conn *conn, struct rsm_ep *ep);
void rsm_conn_promote_locked(struct rsm_conn *conn, struct rsm_ep *ep);

/* rsm_xfer.c */
#define RSM_DATA_SQ		128	/* data work requests in flight */
#define RSM_BOUNCE_SIZE		4096	/* transfers up to this are copied */
#define RSM_SGE_MAX		16	/* gather entries per work request */
void rsm_xfer_init(struct rsm_xfer *x, struct rsm_ep *ep);
bool rsm_credits_take(struct rsm_ep *ep, unsigned int n);
int rsm_xfer_post_exclusive(struct rsm_xfer *x, struct ib_send_wr *first,
			    unsigned int n);
int rsm_sq_exclusive_begin(struct rsm_ep *ep);
void rsm_sq_exclusive_end(struct rsm_ep *ep);
int rsm_xfer_wait(struct rsm_xfer *x);
int rsm_ep_cas(struct rsm_ep *ep, u64 raddr, u32 rkey, u64 cmp, u64 swap,
	       u64 *old);

/* An RDMA atomic's work request and the 8-byte buffer of its result. */
struct rsm_atomic {
	struct ib_atomic_wr	wr;
	struct ib_sge		sge;
	struct ib_device	*dev;
	u64			*buf;
	u64			dma;
};

int rsm_atomic_prep(struct rsm_atomic *a, struct ib_device *dev, u32 lkey,
		    enum ib_wr_opcode opcode, u64 raddr, u32 rkey,
		    u64 cmp_add, u64 swap);
void rsm_atomic_end(struct rsm_atomic *a, bool ok, u64 *old);

/*
 * struct rsm_async_cas - a compare-and-swap whose poster does not wait:
 * @done runs once, from the endpoint's completion handler, or from its
 * teardown when the completion is lost with the QP (status -ENOTCONN,
 * then the swap may or may not have happened); status -EIO: it failed.
 */
struct rsm_async_cas {
	struct rsm_atomic	a;
	struct ib_cqe		cqe;
	struct rsm_ep		*ep;
	struct list_head	list;		/* ep->async */
	void			(*done)(struct rsm_async_cas *ac, int status,
					u64 old);
	/* under ep->async_lock: while posting, the poster finishes it */
	bool			posting;
	bool			ended;		/* meanwhile, with @status */
	int			status;
};

int rsm_ep_cas_async(struct rsm_ep *ep, struct rsm_async_cas *ac, u64 raddr,
		     u32 rkey, u64 cmp, u64 swap);
void rsm_ep_async_orphans(struct rsm_ep *ep);
void rsm_ep_init_data(struct rsm_ep *ep);
struct rsm_ep *rsm_ep_get_active(struct rsm_conn *conn, u64 ep_id);
void rsm_ep_get_user(struct rsm_ep *ep);
void rsm_ep_put_user(struct rsm_ep *ep);
void rsm_ep_wait_users(struct rsm_ep *ep);
int rsm_lbuf_copy(const struct rsm_lbuf *lb, u64 off, void *kaddr,
		  size_t len, bool to_lbuf, u32 width);
int rsm_copy_user_elems(void *kaddr, u64 uaddr, size_t len, bool to_user,
			u32 width);
void rsm_copy_kernel_elems(void *dst, const void *src, size_t len, u32 width);
int rsm_lbuf_pin_user(struct rsm_lbuf *lb, u64 len, bool write);
void rsm_lbuf_unpin_user(struct rsm_lbuf *lb, bool write);

/* rsm_mr.c */
/* One memory region over a chunk of pages. */
struct rsm_mrchunk {
	struct sg_table		sgt;
	bool			sgt_alloc;
	int			nents;
	struct ib_mr		*mr;
};

/* struct rsm_mrset - pages registered for one peer (rsm_mrset_create()) */
struct rsm_mrset {
	struct ib_device	*dev;
	u32			nchunks;
	struct rsm_mrchunk	chunk[];
};

extern atomic64_t rsm_registrations;
u32 rsm_mr_chunk_shift(struct rsm_ep *ep);
int rsm_mrset_create(struct rsm_ep *ep, struct page **pages,
		     unsigned long npages, u32 cshift, int access,
		     struct rsm_mrset **out);
void rsm_mrset_destroy(struct rsm_mrset *set);
u32 rsm_mrset_key(const struct rsm_mrset *set, u32 k);
int rsm_loop_reg(struct rsm_loop *lp, struct page **pages,
		 unsigned long npages, int access, struct rsm_mrset **out);

/* rsm_pace.c */
void rsm_pace_init(struct rsm_ep *ep);
int rsm_pace_wait(struct rsm_ep *ep, u32 len);
void rsm_pace_done(struct rsm_ep *ep, u32 len, bool moved);
void rsm_pace_life_sign(struct rsm_ep *ep, u32 bytes);
void rsm_pace_msg_sent(struct rsm_ep *ep);

/* rsm_rw.c */
void rsm_rw_setup(struct rsm_ep *ep, struct ib_qp_init_attr *qa);
void rsm_rw_quiesce(struct rsm_ep *ep);
int rsm_rdma_rw(struct rsm_ep *ep, bool write, const u32 *keys, u32 cshift,
		u64 roff, const struct rsm_lbuf *lb, u64 len, const bool *stop,
		bool readable);
int rsm_rdma_rw_vec(struct rsm_ep *ep, bool write, const u32 *keys,
		    u32 cshift, unsigned int n, const u64 *roff,
		    const struct rsm_lbuf *lb, const u64 *len,
		    const bool *stop, bool readable, unsigned int *done);

/* rsm_tp.c */
int rsm_tp_register(const struct rsm_tp_client *cl);
void rsm_tp_unregister(const struct rsm_tp_client *cl);
const struct rsm_tp_client *rsm_tp_client_of(const void *msg);
void rsm_tp_conn_up(struct rsm_conn *conn, struct rsm_ep *ep);
void rsm_tp_conn_down(struct rsm_conn *conn, u64 ep_id);
void rsm_tp_ep_gone(struct rsm_ep *ep);
void rsm_tp_fill_status(struct rsm_stat_hdr *hdr);

/* rsm_rpc.c */
int rsm_rpc_call(struct rsm_ep *ep, struct rsm_rpc *rpc, void *msg,
		 size_t len, unsigned int timeout_ms,
		 void (*orphan)(struct rsm_ep *ep, struct rsm_rpc *rpc));
int rsm_rpc_send(struct rsm_ep *ep, struct rsm_rpc *rpc, void *msg,
		 size_t len);
int rsm_rpc_wait(struct rsm_rpc *rpc, unsigned int timeout_ms);
void rsm_rpc_orphan_free(struct rsm_ep *ep, struct rsm_rpc *rpc);
int rsm_rpc_answer(struct rsm_ep *ep, const void *msg, u32 len);
void rsm_rpc_fail_ep(struct rsm_ep *ep);
int rsm_ctl_queue(struct rsm_ep *ep, const void *msg, u32 len);
void rsm_ctl_init(struct rsm_ep *ep);
int rsm_msg_send_wait(struct rsm_ep *ep, const void *msg, size_t len);
int rsm_msg_send_wait_killable(struct rsm_ep *ep, const void *msg,
			       size_t len);

/* rsm_cm.c */
int rsm_cm_listen(void);
void rsm_cm_stop_listen(void);
int rsm_cm_connect(struct rsm_ep *ep);
int rsm_cm_handler(struct rdma_cm_id *id, struct rdma_cm_event *ev);

/* rsm_msg.c */
void *rsm_dma_buf_alloc(struct ib_device *dev, size_t len,
			enum dma_data_direction dir, u64 *dma);
void rsm_dma_buf_free(struct ib_device *dev, void *buf, size_t len,
		      enum dma_data_direction dir, u64 dma);
void rsm_msg_init_ep(struct rsm_ep *ep);
int rsm_msg_setup(struct rsm_ep *ep);
void rsm_msg_stop(struct rsm_ep *ep);
void rsm_msg_teardown(struct rsm_ep *ep);
void rsm_msg_free(struct rsm_ep *ep);
int rsm_msg_send(struct rsm_ep *ep, const void *msg, size_t len);

/* Whether a message could be sent now (a buffer and a credit), or never. */
static inline bool rsm_msg_can_send(struct rsm_ep *ep)
{
	return (READ_ONCE(ep->tx_free) &&
		atomic_read(&ep->tx_credits) > RSM_CREDIT_RESERVE) ||
	       READ_ONCE(ep->qp_dead);
}

int rsm_msg_send_info(struct rsm_ep *ep, const u8 *mac);
int rsm_msg_send_heartbeat(struct rsm_ep *ep);
int rsm_msg_send_life_sign(struct rsm_ep *ep);

/* rsm_loop.c */
struct rsm_loop *rsm_loop_get(struct rsm_ctrl *ctrl,
			      const struct sockaddr *addr);
void rsm_loop_hold(struct rsm_loop *lp);
void rsm_loop_put(struct rsm_loop *lp);
struct ib_pd *rsm_loop_pd(const struct rsm_loop *lp);
struct rsm_ctrl *rsm_loop_ctrl(const struct rsm_loop *lp);
int rsm_loop_post_wait(struct rsm_loop *lp, struct ib_send_wr *wr);
int rsm_loop_cas(struct rsm_loop *lp, u64 addr, u32 rkey, u64 cmp, u64 swap,
		 u64 *old);
int rsm_loop_fadd(struct rsm_loop *lp, u64 addr, u32 rkey, u64 add, u64 *old);
void rsm_loop_ctrl_removed(struct rsm_ctrl *ctrl);
void rsm_tp_loop_gone(struct rsm_loop *lp);

/* rsm_test.c: test hooks, built only with RSM_TEST_HOOKS */
#ifdef RSM_TEST_HOOKS
bool rsm_test_withhold_credits(void);
#else
static inline bool rsm_test_withhold_credits(void)
{
	return false;
}
#endif

#endif /* _RSM_TP_H */
