// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsm: a controller's loopback - an RC QP connected to another QP on the
 * same device, so that this host can run RDMA atomics on its own memory.
 *
 * A device's atomics are atomic only against other atomics of the same
 * device (unless it says IB_ATOMIC_GLOB): soft-RoCE, for one, runs them
 * under a lock of its own with plain loads and stores, and a CPU store to
 * the same word can be lost.  So memory that peers change by atomics is
 * changed here by atomics too, through this loopback on the same device.
 *
 * The loopback is made in the background on first use (rsm_loop_get()
 * answers NULL until it is up), by the RDMA CM from an address of this
 * host on the controller to a listener of its own on that address, which
 * goes once both sides are connected.  It lives until the controller goes
 * (at the latest when the module unregisters from the RDMA core); before
 * it goes, the clients drop what they registered in its protection domain
 * (rsm_tp_client.loop_gone).  One that fails serves no more: it leaves
 * the list, a new one may be made after RSM_LOOP_RETRY_MS, and it is
 * destroyed once its users let it go.  Its completion queue is polled by
 * the caller of an operation: an atomic on local memory takes
 * microseconds.
 */
#include <linux/slab.h>
#include <linux/delay.h>
#include <rdma/rdma_cm.h>

#include "rsm_tp.h"

#define RSM_LOOP_DEPTH		64	/* atomics in flight */
#define RSM_LOOP_SETUP_MS	5000
#define RSM_LOOP_OP_MS		10000	/* an operation the device lost */
#define RSM_LOOP_RETRY_MS	30000	/* after one failed */

/*
 * struct rsm_loop - a controller's loopback
 * @list: on rsm_loops while usable, then on rsm_loops_failed (if it
 *	failed) until destroyed; under rsm_loops_lock
 * @ctrl: the controller (a reference)
 * @users: rsm_loop_get() references; it goes when they are all put,
 *	after the controller went or it failed
 * @dead: off rsm_loops, under rsm_loops_lock
 * @act: the active side, whose QP posts the operations
 * @pas: the passive side, which answers them
 * @listen: the listener the active side connected to, while setting up
 * @slots: free places in the send queue
 * @sq_rwsem: held for reading by an atomic in flight, for writing by a
 *	registration: soft-RoCE may run a registration again when it
 *	retransmits what was posted before it, so it goes into an idle queue
 * @cq_lock: one poller of @cq at a time
 * @est: both sides established (or failed: @err)
 * @err: failed, and serves no more
 */
struct rsm_loop {
	struct list_head	list;
	struct rsm_ctrl		*ctrl;
	atomic_t		users;
	bool			dead;
	struct rdma_cm_id	*listen, *act, *pas;
	struct ib_pd		*pd;
	struct ib_cq		*cq;
	struct semaphore	slots;
	struct rw_semaphore	sq_rwsem;
	spinlock_t		cq_lock;	/* see above */
	struct completion	est;
	atomic_t		nest;
	int			err;
	struct work_struct	destroy_work;
};

/*
 * One operation in flight; an atomic's result lands in @old (its own
 * allocation: the device writes it while the CPU writes the others).
 */
struct rsm_loop_op {
	struct ib_cqe		cqe;
	bool			done;
	enum ib_wc_status	status;
};

static LIST_HEAD(rsm_loops);
static LIST_HEAD(rsm_loops_failed);
/* the lists, @dead, the maker's state; a leaf */
static DEFINE_SPINLOCK(rsm_loops_lock);
/*
 * The maker: one loopback made at a time, in the background (it calls
 * into the RDMA CM, so under no lock of the module).  @ctrl (a reference)
 * and @addr are what it makes; @retry: no new one before then.
 */
static void rsm_loop_make_fn(struct work_struct *work);
static struct {
	struct work_struct	work;
	bool			busy;
	struct rsm_ctrl		*ctrl;
	struct sockaddr_storage	addr;
	unsigned long		retry;
} rsm_loop_maker = {
	.work = __WORK_INITIALIZER(rsm_loop_maker.work, rsm_loop_make_fn),
};

static void rsm_loop_destroy_fn(struct work_struct *work);

static void rsm_loop_setup_failed(struct rsm_loop *lp, int err)
{
	if (!READ_ONCE(lp->err))
		WRITE_ONCE(lp->err, err);
	complete(&lp->est);
}

static int rsm_loop_qp(struct rsm_loop *lp, struct rdma_cm_id *id)
{
	struct ib_qp_init_attr qa = {
		.send_cq = lp->cq,
		.recv_cq = lp->cq,
		.qp_type = IB_QPT_RC,
		.sq_sig_type = IB_SIGNAL_REQ_WR,
		.cap = {
			.max_send_wr = RSM_LOOP_DEPTH,
			.max_recv_wr = 1,
			.max_send_sge = 1,
			.max_recv_sge = 1,
		},
	};

	return rdma_create_qp(id, lp->pd, &qa);
}

static void rsm_loop_param(struct rsm_loop *lp, struct rdma_conn_param *p)
{
	const struct ib_device_attr *a = &lp->ctrl->ibdev->attrs;

	memset(p, 0, sizeof(*p));
	p->responder_resources = min(a->max_qp_rd_atom, 16);
	p->initiator_depth = min(a->max_qp_init_rd_atom, 16);
	p->retry_count = 7;
	p->rnr_retry_count = 7;
}

/* The listener's new id: the passive side, once. */
static int rsm_loop_request(struct rsm_loop *lp, struct rdma_cm_id *id)
{
	struct rdma_conn_param p;

	if (lp->pas || id->device != lp->ctrl->ibdev)
		return -EINVAL;	/* a stranger: the CM destroys @id */
	if (rsm_loop_qp(lp, id))
		return -ENOMEM;
	rsm_loop_param(lp, &p);
	if (rdma_accept(id, &p)) {
		rdma_destroy_qp(id);
		return -EINVAL;
	}
	lp->pas = id;
	return 0;
}

static int rsm_loop_handler(struct rdma_cm_id *id, struct rdma_cm_event *ev)
{
	struct rsm_loop *lp = id->context;
	struct rdma_conn_param p;
	int ret;

	switch (ev->event) {
	case RDMA_CM_EVENT_ADDR_RESOLVED:
		ret = rdma_resolve_route(id, RSM_LOOP_SETUP_MS);
		if (ret)
			rsm_loop_setup_failed(lp, ret);
		return 0;
	case RDMA_CM_EVENT_ROUTE_RESOLVED:
		ret = rsm_loop_qp(lp, id);
		if (!ret) {
			rsm_loop_param(lp, &p);
			/* the handler holds the id's lock */
			ret = rdma_connect_locked(id, &p);
		}
		if (ret)
			rsm_loop_setup_failed(lp, ret);
		return 0;
	case RDMA_CM_EVENT_CONNECT_REQUEST:
		/* a request that is not ours fails nothing */
		return rsm_loop_request(lp, id);
	case RDMA_CM_EVENT_ESTABLISHED:
		if (atomic_inc_return(&lp->nest) == 2)
			complete(&lp->est);
		return 0;
	case RDMA_CM_EVENT_DISCONNECTED:
	case RDMA_CM_EVENT_TIMEWAIT_EXIT:
		return 0;
	default:
		/* errors; a removal comes after rsm_loop_ctrl_removed() */
		rsm_loop_setup_failed(lp, -ECONNABORTED);
		return 0;
	}
}

static void rsm_loop_destroy(struct rsm_loop *lp)
{
	if (lp->act) {
		if (lp->act->qp)
			rdma_destroy_qp(lp->act);
		rdma_destroy_id(lp->act);
	}
	if (lp->listen)
		rdma_destroy_id(lp->listen);	/* waits for its handler */
	if (lp->pas) {
		if (lp->pas->qp)
			rdma_destroy_qp(lp->pas);
		rdma_destroy_id(lp->pas);
	}
	if (lp->cq)
		ib_free_cq(lp->cq);
	if (lp->pd)
		ib_dealloc_pd(lp->pd);
	rsm_ctrl_put(lp->ctrl);
	kfree(lp);
}

/* Connect @lp's two sides through @addr, an address of this host. */
static int rsm_loop_connect(struct rsm_loop *lp, const struct sockaddr *addr)
{
	struct sockaddr_storage ss = {};
	size_t alen;
	int ret;

	if (addr->sa_family == AF_INET)
		alen = sizeof(struct sockaddr_in);
	else if (addr->sa_family == AF_INET6)
		alen = sizeof(struct sockaddr_in6);
	else
		return -EAFNOSUPPORT;
	memcpy(&ss, addr, alen);
	if (ss.ss_family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_port = 0;
	else
		((struct sockaddr_in6 *)&ss)->sin6_port = 0;
	lp->listen = rdma_create_id(&init_net, rsm_loop_handler, lp,
				    RDMA_PS_TCP, IB_QPT_RC);
	if (IS_ERR(lp->listen)) {
		ret = PTR_ERR(lp->listen);
		lp->listen = NULL;
		return ret;
	}
	ret = rdma_bind_addr(lp->listen, (struct sockaddr *)&ss) ?:
	      rdma_listen(lp->listen, 1);
	if (ret)
		return ret;
	lp->act = rdma_create_id(&init_net, rsm_loop_handler, lp,
				 RDMA_PS_TCP, IB_QPT_RC);
	if (IS_ERR(lp->act)) {
		ret = PTR_ERR(lp->act);
		lp->act = NULL;
		return ret;
	}
	/* to the listener's port, from any port of the same address */
	memcpy(&ss, &lp->listen->route.addr.src_addr, alen);
	ret = rdma_resolve_addr(lp->act, NULL, (struct sockaddr *)&ss,
				RSM_LOOP_SETUP_MS);
	if (ret)
		return ret;
	if (!wait_for_completion_timeout(&lp->est,
					 msecs_to_jiffies(2 * RSM_LOOP_SETUP_MS)))
		return -ETIMEDOUT;
	ret = READ_ONCE(lp->err);
	if (!ret) {
		/* nobody else may connect to it */
		rdma_destroy_id(lp->listen);
		lp->listen = NULL;
	}
	return ret;
}

static struct rsm_loop *rsm_loop_create(struct rsm_ctrl *ctrl,
					const struct sockaddr *addr)
{
	struct rsm_loop *lp = kzalloc(sizeof(*lp), GFP_KERNEL);
	int ret;

	if (!lp)
		return ERR_PTR(-ENOMEM);
	kref_get(&ctrl->ref);
	lp->ctrl = ctrl;
	sema_init(&lp->slots, RSM_LOOP_DEPTH);
	init_rwsem(&lp->sq_rwsem);
	spin_lock_init(&lp->cq_lock);
	INIT_WORK(&lp->destroy_work, rsm_loop_destroy_fn);
	init_completion(&lp->est);
	lp->pd = ib_alloc_pd(ctrl->ibdev, 0);
	if (IS_ERR(lp->pd)) {
		ret = PTR_ERR(lp->pd);
		lp->pd = NULL;
		goto fail;
	}
	lp->cq = ib_alloc_cq(ctrl->ibdev, lp, 2 * RSM_LOOP_DEPTH + 2, 0,
			     IB_POLL_DIRECT);
	if (IS_ERR(lp->cq)) {
		ret = PTR_ERR(lp->cq);
		lp->cq = NULL;
		goto fail;
	}
	ret = rsm_loop_connect(lp, addr);
	if (!ret)
		return lp;
fail:
	rsm_warn_rl("%s: no loopback for atomics (%d)\n", ctrl->name, ret);
	rsm_loop_destroy(lp);
	return ERR_PTR(ret);
}

/* @ctrl's usable loopback with a user reference, or NULL. */
static struct rsm_loop *rsm_loop_find(struct rsm_ctrl *ctrl)
{
	struct rsm_loop *lp, *found = NULL;

	spin_lock(&rsm_loops_lock);
	list_for_each_entry(lp, &rsm_loops, list)
		if (lp->ctrl == ctrl && !READ_ONCE(lp->err)) {
			atomic_inc(&lp->users);
			found = lp;
			break;
		}
	spin_unlock(&rsm_loops_lock);
	return found;
}

static void rsm_loop_make_fn(struct work_struct *work)
{
	struct rsm_ctrl *ctrl = rsm_loop_maker.ctrl;
	struct rsm_loop *lp = ERR_PTR(-ENODEV);

	if (!READ_ONCE(ctrl->removing))
		lp = rsm_loop_create(ctrl,
				     (struct sockaddr *)&rsm_loop_maker.addr);
	spin_lock(&rsm_loops_lock);
	if (IS_ERR(lp))
		rsm_loop_maker.retry = jiffies +
				       msecs_to_jiffies(RSM_LOOP_RETRY_MS);
	else
		list_add_tail(&lp->list, &rsm_loops);
	rsm_loop_maker.ctrl = NULL;
	rsm_loop_maker.busy = false;
	spin_unlock(&rsm_loops_lock);
	rsm_ctrl_put(ctrl);
}

/**
 * rsm_loop_get - the loopback of a controller; one is made in the
 * background if there is none
 * @ctrl: a controller
 * @addr: an address of this host on it (an endpoint's source address)
 *
 * Return: the loopback with a user reference (rsm_loop_put()), or NULL
 * when there is none yet (or the device has no atomics).
 */
struct rsm_loop *rsm_loop_get(struct rsm_ctrl *ctrl,
			      const struct sockaddr *addr)
{
	struct rsm_loop *lp;
	bool make = false;

	if (!ctrl->ibdev || ctrl->ibdev->attrs.atomic_cap == IB_ATOMIC_NONE)
		return NULL;
	lp = rsm_loop_find(ctrl);
	if (lp)
		return lp;
	spin_lock(&rsm_loops_lock);
	if (!rsm_loop_maker.busy && !READ_ONCE(ctrl->removing) &&
	    time_after_eq(jiffies, rsm_loop_maker.retry)) {
		rsm_loop_maker.busy = true;
		kref_get(&ctrl->ref);
		rsm_loop_maker.ctrl = ctrl;
		memcpy(&rsm_loop_maker.addr, addr,
		       sizeof(rsm_loop_maker.addr));
		make = true;
	}
	spin_unlock(&rsm_loops_lock);
	if (make)
		queue_work(rsm_wq, &rsm_loop_maker.work);
	return NULL;
}

/**
 * rsm_loop_hold - another user reference
 * @lp: a loopback the caller has a user reference on
 */
void rsm_loop_hold(struct rsm_loop *lp)
{
	atomic_inc(&lp->users);
}

static void rsm_loop_destroy_fn(struct work_struct *work)
{
	rsm_loop_destroy(container_of(work, struct rsm_loop, destroy_work));
}

/**
 * rsm_loop_put - drop a user reference; a failed loopback goes with its
 * last one
 * @lp: from rsm_loop_get()
 */
void rsm_loop_put(struct rsm_loop *lp)
{
	bool last = false;

	if (!atomic_dec_and_test(&lp->users))
		return;
	wake_up_var(&lp->users);
	spin_lock(&rsm_loops_lock);
	/* a failed one nobody removes: the last user's */
	if (lp->dead && !list_empty(&lp->list) && READ_ONCE(lp->err) &&
	    !atomic_read(&lp->users)) {
		list_del_init(&lp->list);
		last = true;
	}
	spin_unlock(&rsm_loops_lock);
	if (last)
		queue_work(rsm_wq, &lp->destroy_work);
}

/* @lp failed: it leaves the usable ones; a new one may come later. */
static void rsm_loop_failed(struct rsm_loop *lp, int err)
{
	WRITE_ONCE(lp->err, err);
	spin_lock(&rsm_loops_lock);
	if (!lp->dead) {
		lp->dead = true;
		list_move_tail(&lp->list, &rsm_loops_failed);
		rsm_loop_maker.retry = jiffies +
				       msecs_to_jiffies(RSM_LOOP_RETRY_MS);
	}
	spin_unlock(&rsm_loops_lock);
}

/**
 * rsm_loop_pd - the protection domain of a loopback: memory its atomics
 * reach is registered there (with rsm_loop_reg())
 * @lp: a loopback
 *
 * Return: the PD.
 */
struct ib_pd *rsm_loop_pd(const struct rsm_loop *lp)
{
	return lp->pd;
}

/**
 * rsm_loop_ctrl - the controller of a loopback
 * @lp: a loopback
 *
 * Return: the controller.
 */
struct rsm_ctrl *rsm_loop_ctrl(const struct rsm_loop *lp)
{
	return lp->ctrl;
}

static void rsm_loop_done(struct ib_cq *cq, struct ib_wc *wc)
{
	struct rsm_loop_op *op = container_of(wc->wr_cqe, struct rsm_loop_op,
					      cqe);

	op->status = wc->status;
	WRITE_ONCE(op->done, true);
}

/* Poll @lp's queue until @op completed; false after the timeout. */
static bool rsm_loop_poll(struct rsm_loop *lp, struct rsm_loop_op *op)
{
	unsigned long until = jiffies + msecs_to_jiffies(RSM_LOOP_OP_MS);

	while (!READ_ONCE(op->done)) {
		spin_lock_bh(&lp->cq_lock);
		ib_process_cq_direct(lp->cq, RSM_LOOP_DEPTH);
		spin_unlock_bh(&lp->cq_lock);
		if (READ_ONCE(op->done))
			break;
		if (time_after(jiffies, until))
			return false;
		cond_resched();
	}
	return true;
}

/* Post @wr (signalled, its cqe @op's) and poll until it completed. */
static int rsm_loop_run(struct rsm_loop *lp, struct ib_send_wr *wr,
			struct rsm_loop_op *op)
{
	int ret;

	if (READ_ONCE(lp->err))
		return -ENOTCONN;
	op->cqe.done = rsm_loop_done;
	wr->wr_cqe = &op->cqe;
	wr->send_flags = IB_SEND_SIGNALED;
	wr->next = NULL;
	down(&lp->slots);
	ret = ib_post_send(lp->act->qp, wr, NULL);
	if (!ret && !rsm_loop_poll(lp, op)) {
		/* the device lost it: flush it, and serve no more */
		struct ib_qp_attr qa = { .qp_state = IB_QPS_ERR };

		rsm_warn_rl("%s: loopback operation not completed\n",
			    lp->ctrl->name);
		rsm_loop_failed(lp, -ETIMEDOUT);
		ib_modify_qp(lp->act->qp, &qa, IB_QP_STATE);
		if (!rsm_loop_poll(lp, op)) {
			up(&lp->slots);
			return -EBUSY;	/* @op stays with the device */
		}
	}
	up(&lp->slots);
	if (!ret && op->status != IB_WC_SUCCESS) {
		rsm_warn_rl("%s: loopback operation: %s\n", lp->ctrl->name,
			    ib_wc_status_msg(op->status));
		rsm_loop_failed(lp, -EIO);
		ret = -EIO;
	}
	return ret;
}

/**
 * rsm_loop_post_wait - run one local operation (a registration) on a
 * loopback's send queue
 * @lp: a loopback, with a user reference
 * @wr: the work request; its completion fields are set here
 *
 * Return: 0 or a negative errno (the loopback serves no more).
 */
int rsm_loop_post_wait(struct rsm_loop *lp, struct ib_send_wr *wr)
{
	struct rsm_loop_op *op = kzalloc(sizeof(*op), GFP_KERNEL);
	int ret;

	if (!op)
		return -ENOMEM;
	down_write(&lp->sq_rwsem);
	ret = rsm_loop_run(lp, wr, op);
	up_write(&lp->sq_rwsem);
	if (ret != -EBUSY)
		kfree(op);
	return ret;
}

/* Run one atomic on a word of this host; its old value into *@old. */
static int rsm_loop_atomic(struct rsm_loop *lp, enum ib_wr_opcode opcode,
			   u64 addr, u32 rkey, u64 cmp_add, u64 swap, u64 *old)
{
	struct rsm_loop_op *op;
	struct rsm_atomic a;
	int ret;

	op = kzalloc(sizeof(*op), GFP_KERNEL);
	if (!op)
		return -ENOMEM;
	ret = rsm_atomic_prep(&a, lp->ctrl->ibdev, lp->pd->local_dma_lkey,
			      opcode, addr, rkey, cmp_add, swap);
	if (ret) {
		kfree(op);
		return ret;
	}
	down_read(&lp->sq_rwsem);
	ret = rsm_loop_run(lp, &a.wr.wr, op);
	up_read(&lp->sq_rwsem);
	if (ret == -EBUSY)
		return ret;	/* @op and the buffer stay with the lost device */
	rsm_atomic_end(&a, !ret, old);
	kfree(op);
	return ret;
}

/**
 * rsm_loop_cas - compare and swap a word of this host through the device
 * @lp: a loopback, with a user reference
 * @addr: the word's address in its registration (8-byte aligned)
 * @rkey: the registration's key, in rsm_loop_pd()
 * @cmp: the value expected
 * @swap: the value to store if @cmp is found
 * @old: out: the value found
 *
 * Atomic against the device's other atomics on the word, from peers and
 * from here.  May sleep.
 *
 * Return: 0 (then *@old == @cmp says whether it swapped) or a negative
 * errno: the loopback failed, and serves no more.
 */
int rsm_loop_cas(struct rsm_loop *lp, u64 addr, u32 rkey, u64 cmp, u64 swap,
		 u64 *old)
{
	return rsm_loop_atomic(lp, IB_WR_ATOMIC_CMP_AND_SWP, addr, rkey, cmp,
			       swap, old);
}

/**
 * rsm_loop_fadd - fetch and add on a word of this host through the device
 * @lp: a loopback, with a user reference
 * @addr: the word's address in its registration (8-byte aligned)
 * @rkey: the registration's key, in rsm_loop_pd()
 * @add: what to add
 * @old: out: the value before
 *
 * Return: 0 or a negative errno, as rsm_loop_cas().
 */
int rsm_loop_fadd(struct rsm_loop *lp, u64 addr, u32 rkey, u64 add, u64 *old)
{
	return rsm_loop_atomic(lp, IB_WR_ATOMIC_FETCH_AND_ADD, addr, rkey, add,
			       0, old);
}

/* Take one loopback of @ctrl off the lists, or NULL when none is left. */
static struct rsm_loop *rsm_loop_unlist(struct rsm_ctrl *ctrl)
{
	struct rsm_loop *lp, *found = NULL;

	spin_lock(&rsm_loops_lock);
	list_for_each_entry(lp, &rsm_loops, list)
		if (lp->ctrl == ctrl) {
			found = lp;
			goto out;
		}
	list_for_each_entry(lp, &rsm_loops_failed, list)
		if (lp->ctrl == ctrl) {
			found = lp;
			goto out;
		}
out:
	if (found) {
		found->dead = true;
		list_del_init(&found->list);
	}
	spin_unlock(&rsm_loops_lock);
	return found;
}

/**
 * rsm_loop_ctrl_removed - a controller goes: its loopbacks too, after the
 * clients dropped their registrations in them
 * @ctrl: the controller, marked removing, its endpoints gone
 */
void rsm_loop_ctrl_removed(struct rsm_ctrl *ctrl)
{
	struct rsm_loop *lp;

	/* one being made for it finds it removing, or is listed */
	flush_work(&rsm_loop_maker.work);
	while ((lp = rsm_loop_unlist(ctrl))) {
		rsm_tp_loop_gone(lp);
		wait_var_event(&lp->users, !atomic_read(&lp->users));
		rsm_loop_destroy(lp);
	}
	/* failed ones whose last user queued their end */
	flush_workqueue(rsm_wq);
}
