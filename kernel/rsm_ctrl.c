// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsm: controllers.
 *
 * Every port of an RDMA device that RDMA CM can use (InfiniBand, RoCE, iWARP)
 * is a controller, found through an ib_client, so devices that come and go at
 * runtime (rdma link add/del) are followed.  The software "loopback"
 * controller exists on every node for imports of segments exported on the
 * same node.
 */
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <linux/wait_bit.h>
#include <rdma/ib_cache.h>

#include "rsm_tp.h"

/* RSMAPI direct access sizes: RSM_DAS8 | RSM_DAS16 | RSM_DAS32 | RSM_DAS64 */
#define RSM_ALL_ACCESS_SIZES	(1 | 2 | 4 | 8)
#define RSM_DAS64_BIT		8

static LIST_HEAD(rsm_ctrls);		/* real controllers, by index */
static DEFINE_MUTEX(rsm_ctrl_lock);	/* protects rsm_ctrls, removing */
static u32 rsm_next_ctrl_index = 1;	/* under rsm_ctrl_lock */
static struct rsm_ctrl rsm_loopback;

static void rsm_ctrl_release(struct kref *ref)
{
	struct rsm_ctrl *ctrl = container_of(ref, struct rsm_ctrl, ref);

	kfree(ctrl);
}

/**
 * rsm_ctrl_put - drop a reference taken by one of the rsm_ctrl_get_* lookups
 * @ctrl: controller, may be NULL
 */
void rsm_ctrl_put(struct rsm_ctrl *ctrl)
{
	if (ctrl && ctrl != &rsm_loopback)
		kref_put(&ctrl->ref, rsm_ctrl_release);
}

static void rsm_ctrl_set_limits(struct rsm_ctrl *ctrl, u64 max_mr_size,
				u64 max_mr)
{
	u64 ram = (u64)totalram_pages() << PAGE_SHIFT;
	u64 seg = min(max_mr_size, ram) & PAGE_MASK;

	ctrl->attr.direct_access_sizes = RSM_ALL_ACCESS_SIZES;
	ctrl->attr.page_size = PAGE_SIZE;
	ctrl->attr.max_export_segment_size = seg;
	ctrl->attr.tot_export_segment_size = ram;
	ctrl->attr.max_export_segments = min_t(u64, max_mr, rsm_max_segments);
	ctrl->attr.max_import_map_size = seg;
	ctrl->attr.tot_import_map_size = ram;
	ctrl->attr.max_import_segments = rsm_max_segments;
	ctrl->attr.controller_addr = ctrl->hwaddr;
}

/*
 * A device rename changes ctrl->name under rsm_ctrl_lock and this leaf
 * lock; readers that cannot take rsm_ctrl_lock (they hold a connection's
 * lock, which rsm_ctrl_lock may be taken before) copy it under this one.
 */
static DEFINE_SPINLOCK(rsm_ctrl_name_lock);

static void rsm_ctrl_name_port(struct rsm_ctrl *ctrl, struct ib_device *ibdev,
			       u32 port)
{
	char name[RSM_NAME_MAX];

	/* One controller per port; multi-port devices get a port suffix. */
	if (rdma_end_port(ibdev) == rdma_start_port(ibdev))
		strscpy(name, dev_name(&ibdev->dev), sizeof(name));
	else
		snprintf(name, sizeof(name), "%sp%u", dev_name(&ibdev->dev),
			 port);
	spin_lock(&rsm_ctrl_name_lock);
	strscpy(ctrl->name, name, sizeof(ctrl->name));
	spin_unlock(&rsm_ctrl_name_lock);
}

/**
 * rsm_ctrl_name - copy a controller's current name
 * @ctrl: controller
 * @buf: receives the name, NUL-terminated
 * @len: size of @buf
 */
void rsm_ctrl_name(struct rsm_ctrl *ctrl, char *buf, size_t len)
{
	spin_lock(&rsm_ctrl_name_lock);
	strscpy(buf, ctrl->name, len);
	spin_unlock(&rsm_ctrl_name_lock);
}

static struct rsm_ctrl *rsm_ctrl_alloc(struct ib_device *ibdev, u32 port)
{
	struct rsm_ctrl *ctrl;

	ctrl = kzalloc(sizeof(*ctrl), GFP_KERNEL);
	if (!ctrl)
		return ERR_PTR(-ENOMEM);
	kref_init(&ctrl->ref);
	ctrl->ibdev = ibdev;
	ctrl->port = port;
	rsm_ctrl_name_port(ctrl, ibdev, port);
	ctrl->hwaddr = be64_to_cpu(ibdev->node_guid) + port - 1;

	rsm_ctrl_set_limits(ctrl, ibdev->attrs.max_mr_size,
			    ibdev->attrs.max_mr);
	if (ibdev->attrs.atomic_cap != IB_ATOMIC_NONE)
		ctrl->attr.atomic_sizes = RSM_DAS64_BIT;
	return ctrl;
}

static bool rsm_port_usable(struct ib_device *ibdev, u32 port)
{
	return rdma_cap_ib_cm(ibdev, port) || rdma_cap_iw_cm(ibdev, port);
}

static int rsm_ib_add_one(struct ib_device *ibdev)
{
	struct rsm_ctrl *ctrl;
	unsigned int added = 0;
	u32 port;

	rdma_for_each_port(ibdev, port) {
		if (!rsm_port_usable(ibdev, port))
			continue;
		ctrl = rsm_ctrl_alloc(ibdev, port);
		if (IS_ERR(ctrl)) {
			rsm_err_rl("%s port %u: no controller: %ld\n",
				   dev_name(&ibdev->dev), port, PTR_ERR(ctrl));
			continue;
		}
		mutex_lock(&rsm_ctrl_lock);
		ctrl->index = rsm_next_ctrl_index++;
		list_add_tail(&ctrl->list, &rsm_ctrls);
		mutex_unlock(&rsm_ctrl_lock);
		rsm_info("controller %s added (index %u)\n", ctrl->name,
			 ctrl->index);
		added++;
	}
	return added ? 0 : -EOPNOTSUPP;
}

static void rsm_ib_remove_one(struct ib_device *ibdev, void *client_data)
{
	struct rsm_ctrl *ctrl, *tmp;
	LIST_HEAD(gone);

	mutex_lock(&rsm_ctrl_lock);
	list_for_each_entry_safe(ctrl, tmp, &rsm_ctrls, list) {
		if (ctrl->ibdev != ibdev)
			continue;
		ctrl->removing = true;
		list_move_tail(&ctrl->list, &gone);
	}
	mutex_unlock(&rsm_ctrl_lock);
	/* pairs with the barrier in rsm_cm_accept() */
	smp_mb();

	list_for_each_entry_safe(ctrl, tmp, &gone, list) {
		list_del_init(&ctrl->list);
		/* an accept past its check lists its endpoint first */
		wait_var_event(&ctrl->accepting, !atomic_read(&ctrl->accepting));
		/* every endpoint (QP, PD, MRs) must be gone before the device */
		rsm_conn_ctrl_removed(ctrl);
		rsm_loop_ctrl_removed(ctrl);
		rsm_info("controller %s removed\n", ctrl->name);
		rsm_ctrl_put(ctrl);
	}
}

static void rsm_ib_rename(struct ib_device *ibdev, void *client_data)
{
	struct rsm_ctrl *ctrl;

	mutex_lock(&rsm_ctrl_lock);
	list_for_each_entry(ctrl, &rsm_ctrls, list)
		if (ctrl->ibdev == ibdev)
			rsm_ctrl_name_port(ctrl, ibdev, ctrl->port);
	mutex_unlock(&rsm_ctrl_lock);
}

static struct ib_client rsm_ib_client = {
	.name	= "rsm",
	.add	= rsm_ib_add_one,
	.remove	= rsm_ib_remove_one,
	.rename	= rsm_ib_rename,
};

/**
 * rsm_ctrl_get_by_name - find a controller by name, case-insensitively
 * @name: controller name; "loopback" is the software controller
 *
 * Return: a referenced controller, or NULL.
 */
struct rsm_ctrl *rsm_ctrl_get_by_name(const char *name)
{
	struct rsm_ctrl *ctrl, *found = NULL;

	if (!strcasecmp(name, RSM_LOOPBACK_NAME))
		return &rsm_loopback;

	mutex_lock(&rsm_ctrl_lock);
	list_for_each_entry(ctrl, &rsm_ctrls, list) {
		if (!strcasecmp(ctrl->name, name)) {
			kref_get(&ctrl->ref);
			found = ctrl;
			break;
		}
	}
	mutex_unlock(&rsm_ctrl_lock);
	return found;
}

/**
 * rsm_ctrl_get_by_port - find the controller of an RDMA device port
 * @ibdev: device
 * @port: port number
 *
 * Return: a referenced controller, or NULL if none (or it is being removed).
 */
struct rsm_ctrl *rsm_ctrl_get_by_port(struct ib_device *ibdev, u32 port)
{
	struct rsm_ctrl *ctrl, *found = NULL;

	mutex_lock(&rsm_ctrl_lock);
	list_for_each_entry(ctrl, &rsm_ctrls, list) {
		if (ctrl->ibdev == ibdev && ctrl->port == port &&
		    !ctrl->removing) {
			kref_get(&ctrl->ref);
			found = ctrl;
			break;
		}
	}
	mutex_unlock(&rsm_ctrl_lock);
	return found;
}

/**
 * rsm_ctrl_ioctl_attr - RSM_IOC_CTLR_ATTR
 * @uarg: struct rsm_ioc_ctlr_attr in user memory
 *
 * Return: 0, RSMERR_CTLR_NOT_PRESENT, or a negative errno.
 */
int rsm_ctrl_ioctl_attr(void __user *uarg)
{
	struct rsm_ioc_ctlr_attr req;
	struct rsm_ctrl *ctrl;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (strnlen(req.name, sizeof(req.name)) == sizeof(req.name))
		return RSMERR_CTLR_NOT_PRESENT;

	ctrl = rsm_ctrl_get_by_name(req.name);
	if (!ctrl)
		return RSMERR_CTLR_NOT_PRESENT;
	memcpy(&req, &ctrl->attr, sizeof(req));
	rsm_ctrl_name(ctrl, req.name, sizeof(req.name));
	req.ctlr_index = ctrl->index;
	rsm_ctrl_put(ctrl);

	return copy_to_user(uarg, &req, sizeof(req)) ? -EFAULT : 0;
}

/**
 * rsm_ctrl_netdev_name - name of the IP network device behind a controller
 * @ctrl: controller
 * @name: buffer, receives "" when the port has no netdev (yet)
 * @len: size of @name
 */
void rsm_ctrl_netdev_name(struct rsm_ctrl *ctrl, char *name, size_t len)
{
	const struct ib_gid_attr *gattr;
	struct net_device *ndev;

	name[0] = '\0';
	if (!ctrl->ibdev)
		return;
	gattr = rdma_get_gid_attr(ctrl->ibdev, ctrl->port, 0);
	if (IS_ERR(gattr))
		return;
	rcu_read_lock();
	ndev = rdma_read_gid_attr_ndev_rcu(gattr);
	if (!IS_ERR(ndev))
		strscpy(name, ndev->name, len);
	rcu_read_unlock();
	rdma_put_gid_attr(gattr);
}

/**
 * rsm_ctrl_fill_stat - describe every real controller for RSM_IOC_STATUS
 * @out: array to fill, may be NULL to count
 * @max: room in @out
 *
 * Return: the number of controllers (may exceed @max).
 */
int rsm_ctrl_fill_stat(struct rsm_stat_ctlr *out, unsigned int max)
{
	struct rsm_ctrl *ctrl;
	unsigned int n = 0;
	enum ib_port_state st;

	mutex_lock(&rsm_ctrl_lock);
	list_for_each_entry(ctrl, &rsm_ctrls, list) {
		if (out && n < max) {
			struct rsm_stat_ctlr *s = &out[n];

			memset(s, 0, sizeof(*s));
			strscpy(s->name, ctrl->name, sizeof(s->name));
			rsm_ctrl_netdev_name(ctrl, s->netdev,
					     sizeof(s->netdev));
			s->hwaddr = ctrl->hwaddr;
			s->index = ctrl->index;
			s->port = ctrl->port;
			if (!ib_get_cached_port_state(ctrl->ibdev, ctrl->port,
						      &st))
				s->port_state = st;
		}
		n++;
	}
	mutex_unlock(&rsm_ctrl_lock);
	return n;
}

/**
 * rsm_ctrl_nth_index - the index of a controller by its place in the list
 * @nth: 0 for the first controller (the order rsm_ctrl_fill_stat() gives)
 * @index: out: its index
 *
 * Return: 0, or -ENODEV when there are not that many controllers.
 */
int rsm_ctrl_nth_index(u32 nth, u32 *index)
{
	struct rsm_ctrl *ctrl;
	int ret = -ENODEV;

	mutex_lock(&rsm_ctrl_lock);
	list_for_each_entry(ctrl, &rsm_ctrls, list) {
		if (!nth--) {
			*index = ctrl->index;
			ret = 0;
			break;
		}
	}
	mutex_unlock(&rsm_ctrl_lock);
	return ret;
}

/**
 * rsm_ctrl_fill_topo - append the topology records of every controller
 * @buf: kernel buffer (at least @len bytes) or NULL when @count_only
 * @len: size of @buf
 * @used: in: bytes of @buf already used; out: bytes used after the records
 * @count_only: only compute the size
 *
 * Each controller is a struct rsm_topo_ctlr followed by one struct
 * rsm_topo_remote per configured peer node.  The caller holds
 * rsm_cluster.lock so that the peer list cannot change underneath.
 *
 * Return: number of controllers, or -ENOSPC if @buf is too small.
 */
int rsm_ctrl_fill_topo(void *buf, size_t len, size_t *used, bool count_only)
{
	struct rsm_ctrl *ctrl;
	struct rsm_conn *conn;
	int n = 0, ret = 0;

	lockdep_assert_held(&rsm_cluster.lock);
	mutex_lock(&rsm_ctrl_lock);
	list_for_each_entry(ctrl, &rsm_ctrls, list) {
		struct rsm_topo_ctlr *tc = buf + *used;
		u32 last = RSM_NODEID_NONE;

		n++;
		if (!count_only && *used + sizeof(*tc) > len) {
			ret = -ENOSPC;
			break;
		}
		if (!count_only) {
			memset(tc, 0, sizeof(*tc));
			strscpy(tc->name, ctrl->name, sizeof(tc->name));
			tc->hwaddr = ctrl->hwaddr;
		}
		*used += sizeof(*tc);

		/* conns are kept sorted by node id: one record per node */
		list_for_each_entry(conn, &rsm_cluster.conns, list) {
			struct rsm_topo_remote *tr = buf + *used;
			u32 st = rsm_conn_state(conn, ctrl);

			if (conn->nodeid == last) {
				struct rsm_topo_remote *prev = tr - 1;

				if (!count_only && st == RSM_PATH_ACTIVE)
					prev->state = st;
				continue;
			}
			last = conn->nodeid;
			if (!count_only && *used + sizeof(*tr) > len) {
				ret = -ENOSPC;
				break;
			}
			if (!count_only) {
				memset(tr, 0, sizeof(*tr));
				tr->nodeid = conn->nodeid;
				tr->state = st;
				mutex_lock(&conn->lock);
				strscpy(tr->name, conn->peer_ctlr,
					sizeof(tr->name));
				tr->hwaddr = conn->peer_hwaddr;
				mutex_unlock(&conn->lock);
				tc->nremote++;
			}
			*used += sizeof(*tr);
		}
		if (ret)
			break;
	}
	mutex_unlock(&rsm_ctrl_lock);
	return ret ? ret : n;
}

/**
 * rsm_ctrl_init - set up the loopback controller and register the ib_client
 *
 * Return: 0 or a negative errno.
 */
int rsm_ctrl_init(void)
{
	kref_init(&rsm_loopback.ref);
	rsm_loopback.index = 0;
	strscpy(rsm_loopback.name, RSM_LOOPBACK_NAME, sizeof(rsm_loopback.name));
	rsm_ctrl_set_limits(&rsm_loopback, U64_MAX, U64_MAX);

	return ib_register_client(&rsm_ib_client);
}

/**
 * rsm_ctrl_exit - unregister the ib_client; removes every controller
 */
void rsm_ctrl_exit(void)
{
	ib_unregister_client(&rsm_ib_client);
}
