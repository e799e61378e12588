// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsm: test hooks, built only with RSM_TEST_HOOKS=1 (never in production).
 *
 * The security tests must show that a key works only where it was granted:
 * that a read-only importing node cannot write with its key, and that one
 * connection's key is useless on another.  User space never sees a key, so
 * this hook lets a test post one raw RDMA operation on an import's
 * connection, with the import's key or any key it names, past the import's
 * own permission check - exactly what a compromised importing kernel could
 * do.  The exporter's registrations must stop it.
 */
#include <linux/delay.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/moduleparam.h>

#include "rsm_loc.h"

/*
 * test_silent_revokes: this node leaves every REVOKE unanswered, as a
 * node that hangs would - the exporter's one deadline is what the test
 * measures.
 */
static bool rsm_test_silent;
module_param_named(test_silent_revokes, rsm_test_silent, bool, 0644);
MODULE_PARM_DESC(test_silent_revokes,
		 "Testing only: leave REVOKE requests unanswered");

/**
 * rsm_test_silent_revokes - whether REVOKEs go unanswered (test hook)
 *
 * Return: the test_silent_revokes parameter.
 */
bool rsm_test_silent_revokes(void)
{
	return READ_ONCE(rsm_test_silent);
}

/*
 * test_withhold_credits: this node returns no message credits to its
 * peers (it posts its receives again but never says so), as a peer that
 * misbehaves would: its peers' messages to it stall once their credits
 * are spent, and the test checks that only what goes to it waits.
 */
static bool rsm_test_withhold;
module_param_named(test_withhold_credits, rsm_test_withhold, bool, 0644);
MODULE_PARM_DESC(test_withhold_credits,
		 "Testing only: return no message credits to peers");

/**
 * rsm_test_withhold_credits - whether credits go unreturned (test hook)
 *
 * Return: the test_withhold_credits parameter.
 */
bool rsm_test_withhold_credits(void)
{
	return READ_ONCE(rsm_test_withhold);
}

/*
 * test_dereg_delay_ms: an exporter waits this long before it drops the
 * registrations of a node's importers, so that the teardown of that
 * node's endpoint runs meanwhile (it must wait: the registrations are in
 * the endpoint's PD).
 */
static unsigned int rsm_test_dereg_ms;
module_param_named(test_dereg_delay_ms, rsm_test_dereg_ms, uint, 0644);
MODULE_PARM_DESC(test_dereg_delay_ms,
		 "Testing only: delay before a node's registrations are dropped");

/**
 * rsm_test_dereg_delay - the test_dereg_delay_ms wait (test hook), at
 * most 10 s
 */
void rsm_test_dereg_delay(void)
{
	unsigned int ms = READ_ONCE(rsm_test_dereg_ms);

	if (ms)
		msleep(min(ms, 10000U));
}

#define RSM_TEST_RDMA_FLAGS	(RSM_TEST_RDMA_WRITE | RSM_TEST_RDMA_RKEY | \
				 RSM_TEST_RDMA_GET_KEY)
#define RSM_TEST_SIGNAL_FLAGS	(RSM_TEST_SIGNALS | RSM_TEST_SIGNALS_SPREAD)
#define RSM_TEST_SIGNALS_MAX	BIT(20)

/*
 * Send @count SIGNALs to the exporter of @imp as fast as the send queue
 * takes them: all for the segment, or (@spread) one each for @count
 * different segment ids - a peer flooding the exporter's request queues.
 * Like rsm_import_signal(), it holds the endpoint, never the import's
 * io_rwsem, so a REVOKE is answered while it runs.
 */
static long rsm_test_signals(struct rsm_import *imp, u32 count, bool spread)
{
	struct rsm_ep *ep;
	u32 i;
	int ret = 0;

	if (!count || count > RSM_TEST_SIGNALS_MAX)
		return -EINVAL;
	if (READ_ONCE(imp->aborted))
		return RSMERR_CONN_ABORTED;
	ep = rsm_ep_get_active(imp->conn, imp->ep_id);
	if (!ep)
		return RSMERR_CONN_ABORTED;
	for (i = 0; i < count && !ret; i++) {
		ret = rsm_signal_send(ep, spread ? imp->segid + i : imp->segid,
				      imp->instance, 0, true);
		if (!ret && fatal_signal_pending(current))
			ret = -EINTR;
		cond_resched();
	}
	rsm_ep_put_user(ep);
	return ret;
}

/* Every chunk's key replaced by @rkey. */
static u32 *rsm_test_keys(const struct rsm_import *imp, u32 rkey)
{
	u32 *keys = kvcalloc(imp->nchunks, sizeof(*keys), GFP_KERNEL);
	u32 i;

	for (i = 0; keys && i < imp->nchunks; i++)
		keys[i] = rkey;
	return keys;
}

/**
 * rsm_test_rdma_ioctl - RSM_IOC_TEST_RDMA on an import descriptor
 * @imp: the import
 * @uarg: struct rsm_ioc_test_rdma
 *
 * Return: 0, -EIO when the operation failed (@status says why), an RSMERR
 * code when the import is unusable, or another negative errno.
 */
long rsm_test_rdma_ioctl(struct rsm_import *imp, void __user *uarg)
{
	struct rsm_ioc_test_rdma req;
	struct rsm_lbuf lb = {};
	struct rsm_ep *ep;
	u32 *keys = NULL;
	int ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (!imp->exp && (req.flags & RSM_TEST_SIGNALS) &&
	    !(req.flags & ~RSM_TEST_SIGNAL_FLAGS))
		return rsm_test_signals(imp, req.len,
					req.flags & RSM_TEST_SIGNALS_SPREAD);
	if (imp->exp || (req.flags & ~RSM_TEST_RDMA_FLAGS) || !req.len ||
	    req.len > RSM_BOUNCE_SIZE || req.offset > imp->size ||
	    req.len > imp->size - req.offset)
		return -EINVAL;
	lb.kbuf = kzalloc(req.len, GFP_KERNEL);
	if (!lb.kbuf)
		return -ENOMEM;
	if ((req.flags & RSM_TEST_RDMA_WRITE) &&
	    copy_from_user(lb.kbuf, u64_to_user_ptr(req.buf), req.len)) {
		kfree(lb.kbuf);
		return -EFAULT;
	}
	ret = rsm_import_begin_remote(imp, &ep);
	if (ret) {
		kfree(lb.kbuf);
		return ret;
	}
	if (req.flags & RSM_TEST_RDMA_GET_KEY) {
		req.rkey = imp->keys[req.offset >> imp->chunk_shift];
		goto out;
	}
	if (req.flags & RSM_TEST_RDMA_RKEY) {
		keys = rsm_test_keys(imp, req.rkey);
		if (!keys) {
			ret = -ENOMEM;
			goto out;
		}
	}
	ret = rsm_rdma_rw(ep, req.flags & RSM_TEST_RDMA_WRITE,
			  keys ?: imp->keys, imp->chunk_shift, req.offset, &lb,
			  req.len, &imp->aborted, false);
out:
	rsm_import_end_remote(imp, ep);
	kvfree(keys);
	if (!ret && !(req.flags & (RSM_TEST_RDMA_WRITE | RSM_TEST_RDMA_GET_KEY)) &&
	    copy_to_user(u64_to_user_ptr(req.buf), lb.kbuf, req.len))
		ret = -EFAULT;
	kfree(lb.kbuf);
	req.status = ret < 0 ? -ret : 0;
	if (copy_to_user(uarg, &req, sizeof(req)))
		return -EFAULT;
	return ret ? -EIO : 0;
}
