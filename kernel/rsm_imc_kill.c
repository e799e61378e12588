// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsm: cluster signals (imc_kill(3)).
 *
 * A process sends a signal to a process on any host of the API cluster,
 * its own included.  Callers running as root (real or effective uid 0)
 * are refused, as on Tru64.  The caller's host checks the arguments and
 * asks the target host (RSM_MSG_IMC_KILL) with the caller's real and
 * effective uid; that host, which trusts the ids because the peer proved
 * the cluster key, signals with credentials of those ids and no
 * capabilities, so that kill(2)'s own checks decide (one of the ids must
 * be the target's real or saved uid; security modules have their say).
 * It refuses uid 0 as well, so a peer cannot borrow root's rights.  Uids
 * are those of the initial user namespace and are taken to mean the same
 * user on every host, as for regions; pids are those of the target
 * host's initial pid namespace, or of the caller's for its own host.
 */
#include <linux/cred.h>
#include <linux/pid.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "rsm_imc.h"

#define RSM_IMC_KILL_MS	5000	/* the target answers at once */

/* A signal number kill(2) takes; none that would stop or end init. */
static bool rsm_imc_sig_ok(s32 pid, s32 sig)
{
	if (sig < 0 || sig > RSM_IMC_SIG_MAX)
		return false;
	return pid != 1 || (sig != SIGKILL && sig != SIGSTOP &&
			    sig != SIGTSTP && sig != SIGCONT);
}

/* kill_pid()'s answer as an RSM_IMC_KILL_* outcome. */
static u32 rsm_imc_kill_outcome(int err)
{
	switch (err) {
	case 0:
		return 0;
	case -EPERM:
		return RSM_IMC_KILL_EPERM;
	case -EINVAL:
		return RSM_IMC_KILL_EINVAL;
	default:
		return RSM_IMC_KILL_ESRCH;
	}
}

/*
 * Send @sig (0: only check) to @pid of this host, from a caller on this
 * host: in its pid namespace, with its credentials, through every check
 * kill(2) makes (security modules included).
 */
static u32 rsm_imc_kill_local(s32 pid, s32 sig)
{
	struct pid *p = find_get_pid(pid);
	int err;

	if (!p)
		return RSM_IMC_KILL_ESRCH;
	err = kill_pid(p, sig, 0);
	put_pid(p);
	return rsm_imc_kill_outcome(err);
}

/*
 * Send @sig (0: only check) to @pid of this host for a peer's caller of
 * @uid and @euid: with credentials of those ids and no capabilities, so
 * that kill(2)'s checks decide (the initial namespaces).
 */
static u32 rsm_imc_kill_remote(s32 pid, s32 sig, u32 uid, u32 euid)
{
	kuid_t ku = make_kuid(&init_user_ns, uid);
	kuid_t keu = make_kuid(&init_user_ns, euid);
	kgid_t nog = make_kgid(&init_user_ns, 65534);
	const struct cred *old;
	struct cred *c;
	struct pid *p;
	int err;

	if (!uid || !euid)
		return RSM_IMC_KILL_NOROOT;
	if (!rsm_imc_sig_ok(pid, sig))
		return RSM_IMC_KILL_EINVAL;
	if (!uid_valid(ku) || !uid_valid(keu))
		return RSM_IMC_KILL_EPERM;
	rcu_read_lock();
	p = get_pid(find_pid_ns(pid, &init_pid_ns));
	rcu_read_unlock();
	if (!p)
		return RSM_IMC_KILL_ESRCH;
	c = prepare_creds();
	if (!c) {
		put_pid(p);
		return RSM_IMC_KILL_ESRCH;
	}
	c->uid = ku;
	c->suid = ku;
	c->euid = keu;
	c->fsuid = keu;
	c->gid = nog;
	c->sgid = nog;
	c->egid = nog;
	c->fsgid = nog;
	cap_clear(c->cap_inheritable);
	cap_clear(c->cap_permitted);
	cap_clear(c->cap_effective);
	cap_clear(c->cap_bset);
	cap_clear(c->cap_ambient);
	old = override_creds(c);
	err = kill_pid(p, sig, 0);
	revert_creds(old);
	put_cred(c);
	put_pid(p);
	return rsm_imc_kill_outcome(err);
}

static int rsm_imc_kill_status(u32 outcome)
{
	switch (outcome) {
	case 0:
		return 0;
	case RSM_IMC_KILL_EINVAL:
		return RSM_IMC_ST_EINVAL;
	case RSM_IMC_KILL_ESRCH:
		return RSM_IMC_ST_ESRCH;
	case RSM_IMC_KILL_EPERM:
		return RSM_IMC_ST_EPERM;
	default:
		return RSM_IMC_ST_NOROOT;
	}
}

/* Ask @nodeid to signal.  Return: 0, an RSM_IMC_ST_* status or -EINTR. */
static int rsm_imc_kill_there(u32 nodeid, s32 pid, s32 sig, u32 uid,
			      u32 euid)
{
	struct rsm_msg_imc_kill m = {
		.hdr.type = cpu_to_le16(RSM_MSG_IMC_KILL),
		.hdr.len = cpu_to_le32(sizeof(m)),
		.pid = cpu_to_le32(pid),
		.sig = cpu_to_le32(sig),
		.uid = cpu_to_le32(uid),
		.euid = cpu_to_le32(euid),
	};
	const struct rsm_msg_imc_kill_reply *rep;
	struct rsm_ep *ep = rsm_cluster_active_ep(nodeid);
	struct rsm_rpc *rpc;
	int ret;

	if (!ep)
		return RSM_IMC_ST_BADHOST;	/* not connected any more */
	ret = rsm_imc_call(ep, &m, sizeof(m), RSM_IMC_KILL_MS,
			   "signal request not answered", NULL, 0, 0, &rpc);
	rsm_ep_put_user(ep);
	switch (ret) {
	case 0:
		rep = (const void *)rpc->reply;
		ret = rsm_imc_kill_status(le32_to_cpu(rep->status));
		kfree(rpc);
		return ret;
	case -EINTR:
		return ret;
	case -ENOMEM:
		return RSM_IMC_ST_NOMEM;
	case -ETIMEDOUT:
		return RSM_IMC_ST_TIMEOUT;
	default:
		return RSM_IMC_ST_BADHOST;
	}
}

/**
 * rsm_imc_ioctl_kill - RSM_IOC_IMC_KILL: signal a process on a host of the
 * API cluster
 * @uarg: struct rsm_ioc_imc_kill in user memory
 *
 * Return: 0, an RSM_IMC_ST_* status, -EFAULT or -EINTR.
 */
int rsm_imc_ioctl_kill(void __user *uarg)
{
	u32 uid = from_kuid_munged(&init_user_ns, current_uid());
	u32 euid = from_kuid_munged(&init_user_ns, current_euid());
	struct rsm_ioc_imc_kill req;
	u32 nodeid;
	int st;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (!rsm_imc_member())
		return RSM_IMC_ST_NOTINIT;
	if (!memchr(req.host, 0, sizeof(req.host)) || req.pid <= 0)
		return RSM_IMC_ST_BADPARM;
	if (!uid || !euid)
		return RSM_IMC_ST_NOROOT;
	if (!rsm_imc_sig_ok(req.pid, req.sig))
		return RSM_IMC_ST_EINVAL;
	st = rsm_imc_host_node(req.host, &nodeid);
	if (st == RSM_IMC_ST_PTPERR)	/* this host's own name */
		return rsm_imc_kill_status(rsm_imc_kill_local(req.pid,
							      req.sig));
	if (st)
		return st;
	if (req.pid > RSM_IMC_PID_MAX)
		return RSM_IMC_ST_ESRCH;	/* no host has such a pid */
	return rsm_imc_kill_there(nodeid, req.pid, req.sig, uid, euid);
}

/**
 * rsm_imc_kill_serve - a peer's RSM_MSG_IMC_KILL: signal here, answer
 * @ep: endpoint it came on
 * @msg: the request, checked
 */
void rsm_imc_kill_serve(struct rsm_ep *ep, const void *msg)
{
	const struct rsm_msg_imc_kill *m = msg;
	struct rsm_msg_imc_kill_reply rep = {
		.hdr.type = cpu_to_le16(RSM_MSG_IMC_KILL_REPLY),
		.hdr.len = cpu_to_le32(sizeof(rep)),
		.xid = m->xid,
	};
	u32 st = RSM_IMC_KILL_ESRCH;	/* not in the API cluster here */

	if (rsm_imc_member())
		st = rsm_imc_kill_remote(le32_to_cpu(m->pid),
					 le32_to_cpu(m->sig),
					 le32_to_cpu(m->uid),
					 le32_to_cpu(m->euid));
	rep.status = cpu_to_le32(st);
	if (rsm_msg_send_wait(ep, &rep, sizeof(rep)))
		rsm_conn_fail(ep, "cannot answer a signal request");
}
