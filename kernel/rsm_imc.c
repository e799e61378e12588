// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsm: the Memory Channel API cluster - which hosts ran imc_init, under
 * which names, and the logical rails (imc_getclusterinfo(3),
 * imc_wait_cluster_event(3)).
 *
 * A host joins with RSM_IOC_IMC_INIT (imc_init(8)).  It tells every peer
 * its state in an RSM_MSG_IMC_HOST when a connection comes up and whenever
 * the state changes; a peer is a host of the API cluster while a usable
 * connection to it carries its latest "member" state.  Every change of the
 * hosts, and every connection coming or going (the rails), bumps a
 * generation that waiters sleep on.
 */
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/capability.h>
#include <linux/sort.h>
#include <linux/utsname.h>

#include "rsm_imc.h"

#define RSM_IMC_DEFAULT_MB	10	/* imc_init's -a and -r defaults */

/*
 * struct rsm_imc_peer - what a peer last said about itself over one
 * endpoint; listed while that endpoint is its connection's usable one.
 */
struct rsm_imc_peer {
	struct list_head	list;
	u64			ep_id;
	u32			nodeid;
	bool			member;
	char			name[RSM_WIRE_HOSTNAME];
};

/*
 * The API cluster as this host sees it.  @lock protects everything but
 * @gen and @wq; it nests inside a connection's lock (the transport's
 * callbacks run under it), so nothing that takes a connection's lock is
 * called with @lock held.
 */
static struct {
	struct mutex		lock;		/* see above */
	bool			member;		/* imc_init ran here */
	u32			max_alloc_mb;
	u32			max_recv_mb;
	char			conf_name[RSM_IMC_HOSTNAME];	/* "": default */
	struct list_head	peers;		/* struct rsm_imc_peer */
	/* members lost and not back yet, and until when that counts */
	DECLARE_BITMAP(lost, RSM_WIRE_NODES);
	unsigned long		lost_until;	/* jiffies */
	unsigned long		lost_at[RSM_WIRE_NODES];	/* jiffies */
	/* times each node came back after a lock grace away */
	u32			back_gen[RSM_WIRE_NODES];
	atomic64_t		gen;
	wait_queue_head_t	wq;
	struct work_struct	announce_work;
} rsm_imc = {
	.lock		= __MUTEX_INITIALIZER(rsm_imc.lock),
	.max_alloc_mb	= RSM_IMC_DEFAULT_MB,
	.max_recv_mb	= RSM_IMC_DEFAULT_MB,
	.peers		= LIST_HEAD_INIT(rsm_imc.peers),
	.gen		= ATOMIC64_INIT(1),
	.wq		= __WAIT_QUEUE_HEAD_INITIALIZER(rsm_imc.wq),
};

static u64 rsm_imc_gen(void)
{
	return atomic64_read(&rsm_imc.gen);
}

static void rsm_imc_changed(void)
{
	atomic64_inc(&rsm_imc.gen);
	wake_up_all(&rsm_imc.wq);
}

/*
 * This host's name: as configured, or the initial namespace's node name up
 * to its first '.' (characters outside the set above become '-').  The
 * node name is read without uts_sem, which modules cannot take: a racing
 * sethostname() can give a mix of both names, never an invalid one.
 */
static void rsm_imc_name_locked(char *buf, size_t size)
{
	const char *node;
	size_t i;

	lockdep_assert_held(&rsm_imc.lock);
	if (rsm_imc.conf_name[0]) {
		strscpy(buf, rsm_imc.conf_name, size);
		return;
	}
	node = init_utsname()->nodename;
	for (i = 0; i + 1 < size && i < __NEW_UTS_LEN; i++) {
		char c = READ_ONCE(node[i]);

		if (!c || c == '.')
			break;
		buf[i] = rsm_wire_name_char(c) ? c : '-';
	}
	if (!i)
		strscpy(buf, "localhost", size);
	else
		buf[i] = '\0';
}

static void rsm_imc_send_host(struct rsm_ep *ep, void *arg)
{
	int ret = rsm_msg_send_wait(ep, arg, sizeof(struct rsm_msg_imc_host));

	/* a peer that cannot take it loses its connection, and hears again */
	if (ret && ret != -ENOTCONN)
		rsm_conn_fail(ep, "cannot tell this host's state");
}

/* Tell every connected peer this host's state. */
static void rsm_imc_announce_work(struct work_struct *work)
{
	struct rsm_msg_imc_host msg = {};

	msg.hdr.type = cpu_to_le16(RSM_MSG_IMC_HOST);
	msg.hdr.len = cpu_to_le32(sizeof(msg));
	mutex_lock(&rsm_imc.lock);
	if (rsm_imc.member) {
		msg.flags = cpu_to_le32(RSM_IMC_HOST_MEMBER);
		rsm_imc_name_locked(msg.name, sizeof(msg.name));
	}
	mutex_unlock(&rsm_imc.lock);
	if (rsm_cluster_each_active(rsm_imc_send_host, &msg))
		rsm_warn_rl("imc: out of memory telling peers our state\n");
	rsm_imc_regions_announce();
}

static struct rsm_imc_peer *rsm_imc_find_locked(u64 ep_id)
{
	struct rsm_imc_peer *p;

	lockdep_assert_held(&rsm_imc.lock);
	list_for_each_entry(p, &rsm_imc.peers, list)
		if (p->ep_id == ep_id)
			return p;
	return NULL;
}

/* Forget what came over endpoint @ep_id.  Return: it was a member's. */
static bool rsm_imc_forget(u64 ep_id)
{
	struct rsm_imc_peer *p;
	bool member = false;

	mutex_lock(&rsm_imc.lock);
	p = rsm_imc_find_locked(ep_id);
	if (p) {
		member = p->member;
		list_del(&p->list);
		kfree(p);
	}
	mutex_unlock(&rsm_imc.lock);
	return member;
}

static void rsm_imc_conn_up(struct rsm_conn *conn, struct rsm_ep *ep)
{
	struct rsm_loop *loop;

	/* the new peer learns our state; the rails may have changed */
	queue_work(rsm_wq, &rsm_imc.announce_work);
	rsm_imc_errcnt_announce();
	rsm_imc_changed();
	/* lock words homed here will need the controller's loopback */
	loop = rsm_loop_get(ep->ctrl, (struct sockaddr *)&ep->src_addr);
	if (loop)
		rsm_loop_put(loop);
}

/*
 * A member's endpoint lost is an error on every rail: writes through it may
 * be lost.  When it was the member's last one, the rails are recovering
 * until the member is back or, if it does not come back, for two heartbeat
 * timeouts.  A member still reachable through another controller (another
 * rail) is not lost.
 */
static void rsm_imc_lost(u32 nodeid, u64 ep_id)
{
	struct rsm_imc_peer *p;
	bool reachable = false;
	u32 r;

	if (!rsm_imc_forget(ep_id))
		return;
	mutex_lock(&rsm_imc.lock);
	list_for_each_entry(p, &rsm_imc.peers, list)
		if (p->member && p->nodeid == nodeid)
			reachable = true;
	if (!reachable && nodeid < RSM_WIRE_NODES) {
		if (!test_and_set_bit(nodeid, rsm_imc.lost))
			rsm_imc.lost_at[nodeid] = jiffies;
		rsm_imc.lost_until = jiffies +
			msecs_to_jiffies(2 * READ_ONCE(rsm_hb_timeout_ms));
	}
	mutex_unlock(&rsm_imc.lock);
	/* a lock set homed there may need a new home; quorum may be lost */
	rsm_imc_lka_kick();
	for (r = 0; r < RSM_IMC_RAILS_MAX; r++)
		rsm_imc_errcnt_bump(r);
}

/**
 * rsm_imc_lost_for - whether a member lost is still away after a while
 * @nodeid: the member
 * @t: the while, in jiffies
 *
 * Return: true when @nodeid is not a connected member and has not been
 * since at least @t ago.
 */
bool rsm_imc_lost_for(u32 nodeid, unsigned long t)
{
	bool ret;

	if (nodeid >= RSM_WIRE_NODES)
		return false;
	mutex_lock(&rsm_imc.lock);
	ret = test_bit(nodeid, rsm_imc.lost) &&
	      time_after_eq(jiffies, rsm_imc.lost_at[nodeid] + t);
	mutex_unlock(&rsm_imc.lock);
	return ret;
}

/**
 * rsm_imc_lost_recently - whether a member other than one was lost less
 * than a while ago and is not back
 * @except: the one (a lock set's old home)
 * @t: the while, in jiffies
 *
 * Return: true when there is such a member.
 */
bool rsm_imc_lost_recently(u32 except, unsigned long t)
{
	bool ret = false;
	u32 n;

	mutex_lock(&rsm_imc.lock);
	for_each_set_bit(n, rsm_imc.lost, RSM_WIRE_NODES)
		if (n != except &&
		    time_before(jiffies, rsm_imc.lost_at[n] + t))
			ret = true;
	mutex_unlock(&rsm_imc.lock);
	return ret;
}

/**
 * rsm_imc_back_gen - how often a node came back after being away for
 * longer than the lock grace (the homes freed its locks meanwhile)
 * @nodeid: the node
 *
 * Return: the count.
 */
u32 rsm_imc_back_gen(u32 nodeid)
{
	u32 gen = 0;

	if (nodeid >= RSM_WIRE_NODES)
		return 0;
	mutex_lock(&rsm_imc.lock);
	gen = rsm_imc.back_gen[nodeid];
	mutex_unlock(&rsm_imc.lock);
	return gen;
}

/**
 * rsm_imc_recovering - whether the rails are recovering from a lost
 * member (imc_rderrcnt_mr(3) is negative meanwhile)
 *
 * Return: true while a member lost lately has not come back.
 */
bool rsm_imc_recovering(void)
{
	bool rec;

	mutex_lock(&rsm_imc.lock);
	rec = !bitmap_empty(rsm_imc.lost, RSM_WIRE_NODES) &&
	      time_before(jiffies, rsm_imc.lost_until);
	mutex_unlock(&rsm_imc.lock);
	return rec;
}

static void rsm_imc_conn_down(struct rsm_conn *conn, u64 ep_id)
{
	rsm_imc_lost(conn->nodeid, ep_id);
	rsm_imc_lkhome_ep_gone(conn->nodeid, ep_id);
	rsm_imc_lk_ep_gone(ep_id);
	rsm_imc_regions_ep_gone(ep_id);
	rsm_imc_changed();
}

static void rsm_imc_ep_gone(struct rsm_ep *ep)
{
	rsm_imc_lost(ep->conn->nodeid, ep->id);
	rsm_imc_rx_ep_gone(ep);
	/* locks its tags held pass to the homes' records, then the grace */
	rsm_imc_lkw_ep_gone(ep);
	rsm_imc_lkhome_ep_gone(ep->conn->nodeid, ep->id);
	rsm_imc_lk_ep_gone(ep->id);
	rsm_imc_regions_ep_gone(ep->id);
}

static unsigned int rsm_imc_req_queue(const void *msg)
{
	const struct rsm_msg_hdr *hdr = msg;

	/* one peer's host states and counts in order; the rest by key */
	switch (le16_to_cpu(hdr->type)) {
	case RSM_MSG_IMC_RXKEYS:
		/* a snapshot's request never waits behind the region's */
		if (((const struct rsm_msg_imc_rxkeys *)msg)->flags)
			return 0;
		return rsm_imc_region_queue(msg);
	case RSM_MSG_IMC_HOST:
	case RSM_MSG_IMC_ERRCNT:
	case RSM_MSG_IMC_KILL:
		return 0;
	default:
		return rsm_imc_region_queue(msg);
	}
}

/**
 * rsm_imc_member - whether this host ran imc_init
 *
 * Return: true once it did.
 */
bool rsm_imc_member(void)
{
	bool m;

	mutex_lock(&rsm_imc.lock);
	m = rsm_imc.member;
	mutex_unlock(&rsm_imc.lock);
	return m;
}

/**
 * rsm_imc_max_alloc_mb - the cluster-wide allocation limit (imc_init -a)
 *
 * Return: megabytes.
 */
u32 rsm_imc_max_alloc_mb(void)
{
	return READ_ONCE(rsm_imc.max_alloc_mb);
}

/**
 * rsm_imc_max_recv_mb - this host's receive memory limit (imc_init -r)
 *
 * Return: megabytes.
 */
u32 rsm_imc_max_recv_mb(void)
{
	return READ_ONCE(rsm_imc.max_recv_mb);
}

/**
 * rsm_imc_host_node - the node of a member host, by its name
 * @name: NUL-terminated
 * @nodeid: out
 *
 * Return: 0; RSM_IMC_ST_BADHOST for a name no connected member has, or
 * RSM_IMC_ST_PTPERR for this host's own.
 */
int rsm_imc_host_node(const char *name, u32 *nodeid)
{
	char self[RSM_IMC_HOSTNAME];
	struct rsm_imc_peer *p;
	int st = RSM_IMC_ST_BADHOST;

	mutex_lock(&rsm_imc.lock);
	rsm_imc_name_locked(self, sizeof(self));
	if (!strcmp(self, name))
		st = RSM_IMC_ST_PTPERR;
	list_for_each_entry(p, &rsm_imc.peers, list) {
		if (st == RSM_IMC_ST_BADHOST && p->member &&
		    !strcmp(p->name, name)) {
			*nodeid = p->nodeid;
			st = 0;
		}
	}
	mutex_unlock(&rsm_imc.lock);
	return st;
}

/**
 * rsm_imc_member_peers - the connected members other than this host
 * @nodes: out: their node ids
 * @max: room in @nodes
 *
 * Return: how many were stored.
 */
unsigned int rsm_imc_member_peers(u32 *nodes, unsigned int max)
{
	DECLARE_BITMAP(seen, RSM_WIRE_NODES) = { 0 };
	struct rsm_imc_peer *p;
	unsigned int n = 0;

	/* one entry per usable endpoint: a node may have several */
	mutex_lock(&rsm_imc.lock);
	list_for_each_entry(p, &rsm_imc.peers, list)
		if (p->member && p->nodeid < RSM_WIRE_NODES &&
		    !test_and_set_bit(p->nodeid, seen) && n < max)
			nodes[n++] = p->nodeid;
	mutex_unlock(&rsm_imc.lock);
	return n;
}

/**
 * rsm_imc_coordinator - the member that decides allocations: the one with
 * the lowest node id among this host and its connected members
 *
 * Return: its node id, or RSM_IMC_SELF for this host.
 */
u32 rsm_imc_coordinator(void)
{
	u32 self = READ_ONCE(rsm_cluster.local_nodeid), low = self;
	struct rsm_imc_peer *p;

	mutex_lock(&rsm_imc.lock);
	if (self != RSM_NODEID_NONE)
		list_for_each_entry(p, &rsm_imc.peers, list)
			if (p->member && p->nodeid < low)
				low = p->nodeid;
	mutex_unlock(&rsm_imc.lock);
	return low == self ? RSM_IMC_SELF : low;
}

/* A peer's state; checked by rsm_wire_check_msg(). */
static void rsm_imc_host_serve(struct rsm_ep *ep, const void *msg)
{
	const struct rsm_msg_imc_host *m = msg;
	struct rsm_conn *conn = ep->conn;
	struct rsm_imc_peer *p, *fresh;
	bool back;

	fresh = kzalloc(sizeof(*fresh), GFP_KERNEL_ACCOUNT);
	if (!fresh) {
		rsm_conn_fail(ep, "out of memory for a peer's state");
		return;
	}
	/* only the usable endpoint speaks for its node (see rsm_imc.lock) */
	mutex_lock(&conn->lock);
	if (!rsm_ep_usable_locked(conn, ep)) {
		mutex_unlock(&conn->lock);
		kfree(fresh);
		return;
	}
	mutex_lock(&rsm_imc.lock);
	p = rsm_imc_find_locked(ep->id);
	if (!p) {
		p = fresh;
		fresh = NULL;
		p->ep_id = ep->id;
		p->nodeid = conn->nodeid;
		list_add_tail(&p->list, &rsm_imc.peers);
	}
	back = !p->member && (le32_to_cpu(m->flags) & RSM_IMC_HOST_MEMBER);
	p->member = le32_to_cpu(m->flags) & RSM_IMC_HOST_MEMBER;
	if (p->member && p->nodeid < RSM_WIRE_NODES &&
	    test_and_clear_bit(p->nodeid, rsm_imc.lost) &&	/* back */
	    time_after_eq(jiffies, rsm_imc.lost_at[p->nodeid] +
			  rsm_imc_lock_grace()))
		rsm_imc.back_gen[p->nodeid]++;
	strscpy(p->name, m->name, sizeof(p->name));
	mutex_unlock(&rsm_imc.lock);
	mutex_unlock(&conn->lock);
	kfree(fresh);
	/* a member (back) here: what was sent without it goes out again */
	if (back) {
		rsm_imc_epoch_next();
		rsm_imc_lka_kick();
	}
	rsm_imc_changed();
}

static enum rsm_tp_merge rsm_imc_req_merge(void *queued, u32 *more,
					   const void *msg)
{
	const struct rsm_msg_hdr *hdr = msg;

	/* only a region's state merges into an earlier one */
	if (le16_to_cpu(hdr->type) != RSM_MSG_IMC_REGION)
		return RSM_TP_MERGE_STOP;
	return rsm_imc_region_merge(queued, msg);
}

static void rsm_imc_req_serve(struct rsm_ep *ep, const void *msg, u32 more)
{
	const struct rsm_msg_hdr *hdr = msg;

	switch (le16_to_cpu(hdr->type)) {
	case RSM_MSG_IMC_HOST:
		rsm_imc_host_serve(ep, msg);
		break;
	case RSM_MSG_IMC_ERRCNT:
		rsm_imc_errcnt_serve(ep, msg);
		break;
	case RSM_MSG_IMC_RXKEYS:
	case RSM_MSG_IMC_RXUP:
	case RSM_MSG_IMC_RXDOWN:
		rsm_imc_rx_serve(ep, msg);
		break;
	case RSM_MSG_IMC_KILL:
		rsm_imc_kill_serve(ep, msg);
		break;
	case RSM_MSG_IMC_LKOP:
		rsm_imc_lkop_serve(ep, msg);
		break;
	case RSM_MSG_IMC_LKGRANT:
		rsm_imc_lkgrant_serve(ep, msg);
		break;
	case RSM_MSG_IMC_LKKEYS:
		rsm_imc_lkkeys_serve(ep, msg);
		break;
	case RSM_MSG_IMC_LKDOWN:
		rsm_imc_lkdown_serve(ep, msg);
		break;
	case RSM_MSG_IMC_LKADOPT:
		rsm_imc_lkadopt_serve(ep, msg);
		break;
	default:
		rsm_imc_region_serve(ep, msg);
	}
}

static const u16 rsm_imc_req_types[] = {
	RSM_MSG_IMC_HOST, RSM_MSG_IMC_ALLOC, RSM_MSG_IMC_REGION,
	RSM_MSG_IMC_RXKEYS, RSM_MSG_IMC_RXUP, RSM_MSG_IMC_RXDOWN,
	RSM_MSG_IMC_ERRCNT, RSM_MSG_IMC_KILL, RSM_MSG_IMC_LKOP,
	RSM_MSG_IMC_LKGRANT, RSM_MSG_IMC_LKKEYS, RSM_MSG_IMC_LKDOWN,
	RSM_MSG_IMC_LKADOPT,
};

static const struct rsm_tp_client rsm_imc_client = {
	.id		= RSM_TP_IMC,
	.types		= rsm_imc_req_types,
	.ntypes		= ARRAY_SIZE(rsm_imc_req_types),
	.req_queue	= rsm_imc_req_queue,
	.req_merge	= rsm_imc_req_merge,
	.req_serve	= rsm_imc_req_serve,
	.conn_up	= rsm_imc_conn_up,
	.conn_down	= rsm_imc_conn_down,
	.ep_gone	= rsm_imc_ep_gone,
	.loop_gone	= rsm_imc_lkhome_loop_gone,
};

/* Not empty, NUL-terminated, rsm_wire_name_char() only. */
static bool rsm_imc_name_ok(const char *name, size_t size)
{
	size_t i;

	for (i = 0; i < size && name[i]; i++)
		if (!rsm_wire_name_char(name[i]))
			return false;
	return i > 0 && i < size;
}

/**
 * rsm_imc_ioctl_init - RSM_IOC_IMC_INIT: join the API cluster, or change
 * this host's limits
 * @uarg: struct rsm_ioc_imc_init in user memory
 *
 * Return: 0, -EPERM without CAP_SYS_ADMIN, -EFAULT, or -EINVAL for a
 * limit above RSM_IMC_MAX_MB.
 */
int rsm_imc_ioctl_init(void __user *uarg)
{
	struct rsm_ioc_imc_init req;
	bool joined;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (req.max_alloc_mb > RSM_IMC_MAX_MB || req.max_recv_mb > RSM_IMC_MAX_MB)
		return -EINVAL;
	mutex_lock(&rsm_imc.lock);
	joined = !rsm_imc.member;
	rsm_imc.member = true;
	if (req.max_alloc_mb)
		rsm_imc.max_alloc_mb = req.max_alloc_mb;
	if (req.max_recv_mb)
		rsm_imc.max_recv_mb = req.max_recv_mb;
	mutex_unlock(&rsm_imc.lock);
	if (joined) {
		rsm_info("imc: this host joined the Memory Channel API cluster\n");
		queue_work(rsm_wq, &rsm_imc.announce_work);
		rsm_imc_changed();
	}
	return 0;
}

/**
 * rsm_imc_ioctl_hostname - RSM_IOC_IMC_HOSTNAME: this host's name
 * @uarg: struct rsm_ioc_imc_hostname in user memory
 *
 * Return: 0, -EPERM without CAP_NET_ADMIN, -EFAULT or -EINVAL.
 */
int rsm_imc_ioctl_hostname(void __user *uarg)
{
	struct rsm_ioc_imc_hostname req;
	bool news;

	if (!capable(CAP_NET_ADMIN))
		return -EPERM;
	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (req.name[0] && !rsm_imc_name_ok(req.name, sizeof(req.name)))
		return -EINVAL;
	mutex_lock(&rsm_imc.lock);
	news = strcmp(rsm_imc.conf_name, req.name) && rsm_imc.member;
	strscpy(rsm_imc.conf_name, req.name, sizeof(rsm_imc.conf_name));
	mutex_unlock(&rsm_imc.lock);
	if (news) {
		queue_work(rsm_wq, &rsm_imc.announce_work);
		rsm_imc_changed();
	}
	return 0;
}

static int rsm_imc_host_cmp(const void *a, const void *b)
{
	const struct rsm_imc_host *x = a, *y = b;

	return x->nodeid < y->nodeid ? -1 : x->nodeid > y->nodeid;
}

/* Add @nodeid unless it is there already (several connections). */
static void rsm_imc_add_host(struct rsm_ioc_imc_info *info, u32 nodeid,
			     const char *name)
{
	u32 i;

	for (i = 0; i < info->nhosts; i++)
		if (info->hosts[i].nodeid == nodeid)
			return;
	if (info->nhosts == RSM_IMC_HOSTS)
		return;
	info->hosts[i].nodeid = nodeid;
	strscpy(info->hosts[i].name, name, sizeof(info->hosts[i].name));
	info->nhosts++;
}

/**
 * rsm_imc_ioctl_info - RSM_IOC_IMC_INFO
 * @uarg: struct rsm_ioc_imc_info in user memory
 *
 * Return: 0, -ENOMEM or -EFAULT.
 */
int rsm_imc_ioctl_info(void __user *uarg)
{
	struct rsm_ioc_imc_info *info;
	struct rsm_imc_peer *p;
	u32 self = READ_ONCE(rsm_cluster.local_nodeid);
	int ret = 0;

	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		return -ENOMEM;
	/* first the generation: a change after it is seen next time */
	info->gen = atomic64_read(&rsm_imc.gen);
	rsm_cluster_rails(RSM_IMC_RAILS, &info->nrails, &info->active_rails);
	mutex_lock(&rsm_imc.lock);
	info->member = rsm_imc.member;
	info->max_alloc_mb = rsm_imc.max_alloc_mb;
	info->max_recv_mb = rsm_imc.max_recv_mb;
	if (rsm_imc.member) {
		char name[RSM_IMC_HOSTNAME];

		rsm_imc_name_locked(name, sizeof(name));
		rsm_imc_add_host(info, self, name);
	}
	list_for_each_entry(p, &rsm_imc.peers, list)
		if (p->member && p->nodeid != self)
			rsm_imc_add_host(info, p->nodeid, p->name);
	mutex_unlock(&rsm_imc.lock);
	sort(info->hosts, info->nhosts, sizeof(info->hosts[0]),
	     rsm_imc_host_cmp, NULL);
	info->counters.regions = rsm_imc_region_count();
	rsm_imc_mem_counters(&info->counters);
	rsm_imc_tx_counters(&info->counters);
	info->counters.lock_word_ops = rsm_imc_lk_word_ops();
	if (copy_to_user(uarg, info, sizeof(*info)))
		ret = -EFAULT;
	kfree(info);
	return ret;
}

/**
 * rsm_imc_ioctl_wait - RSM_IOC_IMC_WAIT
 * @uarg: struct rsm_ioc_imc_wait in user memory
 *
 * One interruptible sleep for the whole wait, so that a signal finds the
 * caller in it (imc_wait_cluster_event()'s IMC_INTR).
 *
 * Return: 0 once the generation or the active rails differ or the time is
 * up, -EINTR on a signal, or -EFAULT.
 */
int rsm_imc_ioctl_wait(void __user *uarg)
{
	struct rsm_ioc_imc_wait req;
	unsigned long end;
	u32 nrails, active;
	long left;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	end = jiffies + msecs_to_jiffies(req.timeout_ms);
	for (;;) {
		left = wait_event_interruptible_timeout(rsm_imc.wq,
							rsm_imc_gen() != req.gen,
							HZ);
		/* the caller's IMC_INTR: never restarted behind its back */
		if (left < 0)
			return -EINTR;
		if (left)
			return 0;
		rsm_cluster_rails(RSM_IMC_RAILS, &nrails, &active);
		if (active != req.rails)
			return 0;
		if (req.timeout_ms && time_after_eq(jiffies, end))
			return 0;
	}
}

/**
 * rsm_imc_init - register the Memory Channel API layer with the transport
 *
 * Return: 0 or a negative errno.
 */
int rsm_imc_init(void)
{
	int ret;

	INIT_WORK(&rsm_imc.announce_work, rsm_imc_announce_work);
	ret = rsm_imc_lkmsg_init();
	if (ret)
		return ret;
	ret = rsm_tp_register(&rsm_imc_client);
	if (ret)
		rsm_imc_lkmsg_exit();
	return ret;
}

/**
 * rsm_imc_exit - unregister, once the last connection is gone
 */
void rsm_imc_exit(void)
{
	struct rsm_imc_peer *p, *tmp;

	cancel_work_sync(&rsm_imc.announce_work);
	rsm_tp_unregister(&rsm_imc_client);
	rsm_imc_lkq_exit();
	rsm_imc_lkw_exit();
	rsm_imc_lkhome_exit();
	rsm_imc_lkmsg_exit();
	rsm_imc_lk_exit();
	rsm_imc_tx_exit();
	list_for_each_entry_safe(p, tmp, &rsm_imc.peers, list) {
		list_del(&p->list);
		kfree(p);
	}
	rsm_imc_regions_exit();
	rsm_imc_mem_exit();
}
