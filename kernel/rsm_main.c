// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsm: remote shared memory over RDMA - module setup and /dev/rsm.
 *
 * /dev/rsm is a misc device.  Each open file is one RSMAPI descriptor: the
 * library keeps one for control requests (controllers, topology) and, in
 * later versions, binds further ones to export or import segments.
 */
#include <linux/module.h>
#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <linux/uaccess.h>
#include <linux/capability.h>
#include <linux/slab.h>
#include <linux/file.h>

#include "rsm_loc.h"
#include "rsm_imc.h"

unsigned int rsm_listen_port = 18600;
module_param_named(port, rsm_listen_port, uint, 0444);
MODULE_PARM_DESC(port, "RDMA CM port rsm listens on (default 18600)");

unsigned int rsm_hb_interval_ms = 1000;
module_param_named(hb_interval_ms, rsm_hb_interval_ms, uint, 0644);
MODULE_PARM_DESC(hb_interval_ms, "Heartbeat interval in ms (default 1000)");

unsigned int rsm_hb_timeout_ms = 3000;
module_param_named(hb_timeout_ms, rsm_hb_timeout_ms, uint, 0644);
MODULE_PARM_DESC(hb_timeout_ms,
		 "Peer declared lost after this many ms of silence (default 3000)");

unsigned int rsm_connect_timeout_ms = 10000;
module_param_named(connect_timeout_ms, rsm_connect_timeout_ms, uint, 0644);
MODULE_PARM_DESC(connect_timeout_ms,
		 "Give up a connection attempt after this many ms (default 10000)");

unsigned int rsm_wire_version = RSM_PROTO_VERSION;
module_param_named(wire_version, rsm_wire_version, uint, 0644);
MODULE_PARM_DESC(wire_version,
		 "Protocol version announced to peers (testing only; default 7)");

unsigned int rsm_max_segments = 65535;
module_param_named(max_segments, rsm_max_segments, uint, 0644);
MODULE_PARM_DESC(max_segments,
		 "Most export plus import segments on this node (default 65535)");

unsigned int rsm_auto_ids_per_user = 1U << 24;
module_param_named(auto_ids_per_user, rsm_auto_ids_per_user, uint, 0644);
MODULE_PARM_DESC(auto_ids_per_user,
		 "Automatic segment ids one user other than root may take while rsm is loaded (default 16777216)");

unsigned int rsm_ctl_queue_max = 65536 + 4096;
module_param_named(ctl_queue_max, rsm_ctl_queue_max, uint, 0644);
MODULE_PARM_DESC(ctl_queue_max,
		 "Most requests from one peer waiting to be served; a peer that sends more is reset (default 69632)");

struct workqueue_struct *rsm_wq;
struct workqueue_struct *rsm_ctl_wq;

static long rsm_ioctl_version(void __user *uarg)
{
	struct rsm_ioc_version v = {
		.abi_version = RSM_ABI_VERSION,
		.proto_version = RSM_PROTO_VERSION,
	};

	return copy_to_user(uarg, &v, sizeof(v)) ? -EFAULT : 0;
}

/**
 * rsm_file_bind - bind a fresh descriptor to what it stands for
 * @rf: descriptor state
 * @kind: RSM_FILE_EXPORT, _IMPORT or _LOCALMEM
 * @obj: the object of that kind; the descriptor owns it from now on
 *
 * Return: true, or false if the descriptor was bound already (the caller
 * still owns @obj).
 */
bool rsm_file_bind(struct rsm_file *rf, enum rsm_file_kind kind, void *obj)
{
	bool ok;

	mutex_lock(&rf->lock);
	ok = rf->kind == RSM_FILE_NONE;
	if (ok) {
		rf->kind = kind;
		rf->obj = obj;
	}
	mutex_unlock(&rf->lock);
	return ok;
}

/* What @rf is bound to, if that is a @kind; valid while @rf is. */
static void *rsm_file_bound(struct rsm_file *rf, enum rsm_file_kind kind)
{
	void *obj;

	mutex_lock(&rf->lock);
	obj = rf->kind == kind ? rf->obj : NULL;
	mutex_unlock(&rf->lock);
	return obj;
}

/* Requests on a descriptor bound to an export segment. */
static long rsm_ioctl_export(struct rsm_file *rf, unsigned int cmd,
			     void __user *uarg)
{
	struct rsm_export *exp = rsm_file_bound(rf, RSM_FILE_EXPORT);

	if (!exp)
		return RSMERR_BAD_SEG_HNDL;

	switch (cmd) {
	case RSM_IOC_EXPORT_PUBLISH:
		return rsm_export_publish(exp, uarg);
	case RSM_IOC_EXPORT_REPUBLISH:
		return rsm_export_republish(exp, uarg);
	case RSM_IOC_EXPORT_UNPUBLISH:
		return rsm_export_unpublish(exp);
	case RSM_IOC_EXPORT_REBIND:
		return rsm_export_rebind(exp, uarg);
	default:
		return -ENOTTY;
	}
}

/* Requests on a descriptor bound to an import segment. */
static long rsm_ioctl_import(struct rsm_file *rf, unsigned int cmd,
			     void __user *uarg)
{
	struct rsm_import *imp = rsm_file_bound(rf, RSM_FILE_IMPORT);

	if (!imp)
		return RSMERR_BAD_SEG_HNDL;
	return rsm_import_ioctl(imp, cmd, uarg);
}

/*
 * The segment @rf is bound to: *@expp or *@impp is set, or neither.
 * Return: true if one is.
 */
static bool rsm_file_segment(struct rsm_file *rf, struct rsm_export **expp,
			     struct rsm_import **impp)
{
	mutex_lock(&rf->lock);
	*expp = rf->kind == RSM_FILE_EXPORT ? rf->exp : NULL;
	*impp = rf->kind == RSM_FILE_IMPORT ? rf->imp : NULL;
	mutex_unlock(&rf->lock);
	return *expp || *impp;
}

/* Events: on an export or an import descriptor. */
static long rsm_ioctl_signal(struct rsm_file *rf, unsigned int cmd,
			     void __user *uarg)
{
	struct rsm_export *exp;
	struct rsm_import *imp;
	u32 flags;
	int ret;

	if (!rsm_file_segment(rf, &exp, &imp))
		return RSMERR_BAD_SEG_HNDL;
	if (cmd == RSM_IOC_SIGNAL_WAIT)
		return rsm_event_wait_ioctl(exp ? &exp->ev : &imp->ev, uarg);
	ret = rsm_signal_post_ioctl(uarg, &flags);
	if (ret)
		return ret;
	return exp ? rsm_export_signal(exp, flags) :
		     rsm_import_signal(imp, flags);
}

static const struct file_operations rsm_fops;

/**
 * rsm_localmem_from_fd - the local memory a descriptor of ours is bound to
 * @fd: descriptor of the calling process
 *
 * Return: the local memory with a reference, or NULL.
 */
struct rsm_localmem *rsm_localmem_from_fd(int fd)
{
	struct rsm_localmem *lm = NULL;
	struct fd f = fdget(fd);

	if (!f.file)
		return NULL;
	/* our file reference keeps the binding until we have ours */
	if (f.file->f_op == &rsm_fops)
		lm = rsm_file_bound(f.file->private_data, RSM_FILE_LOCALMEM);
	if (lm)
		kref_get(&lm->ref);
	fdput(f);
	return lm;
}

/* A region request: the descriptor becomes the process's libimc one. */
static long rsm_ioctl_imc(struct rsm_file *rf, unsigned int cmd,
			  void __user *uarg)
{
	struct rsm_imc_proc *pr = rsm_file_bound(rf, RSM_FILE_IMC);

	if (!pr) {
		pr = rsm_imc_proc_new();
		if (!pr)
			return -ENOMEM;
		if (!rsm_file_bind(rf, RSM_FILE_IMC, pr)) {
			/* another thread bound it first, or it is a segment */
			rsm_imc_proc_release(pr);
			pr = rsm_file_bound(rf, RSM_FILE_IMC);
			if (!pr)
				return -EINVAL;
		}
	}
	switch (cmd) {
	case RSM_IOC_IMC_ASALLOC:
		return rsm_imc_ioctl_asalloc(pr, uarg);
	case RSM_IOC_IMC_ASDEALLOC:
		return rsm_imc_ioctl_asdealloc(pr, uarg);
	case RSM_IOC_IMC_ASATTACH:
		return rsm_imc_ioctl_asattach(pr, uarg);
	case RSM_IOC_IMC_ASDETACH:
		return rsm_imc_ioctl_asdetach(pr, uarg);
	case RSM_IOC_IMC_PUT:
		return rsm_imc_ioctl_put(pr, uarg);
	case RSM_IOC_IMC_FLUSH:
		return rsm_imc_ioctl_flush(pr, uarg);
	case RSM_IOC_IMC_LKALLOC:
		return rsm_imc_ioctl_lkalloc(pr, uarg);
	case RSM_IOC_IMC_LKACQUIRE:
	case RSM_IOC_IMC_LKRELEASE:
	case RSM_IOC_IMC_LKDEALLOC:
		return rsm_imc_ioctl_lkop(pr, cmd, uarg);
	default:
		return rsm_imc_ioctl_errcnt(pr, uarg);
	}
}

static long rsm_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct rsm_file *rf = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case RSM_IOC_EXPORT_CREATE:
		if (!(file->f_mode & FMODE_WRITE))
			return RSMERR_BAD_SEG_HNDL;
		return rsm_export_create(rf, uarg);
	case RSM_IOC_IMPORT_CONNECT:
		if (!(file->f_mode & FMODE_WRITE))
			return RSMERR_BAD_SEG_HNDL;
		return rsm_import_connect(rf, uarg);
	case RSM_IOC_LOCALMEM_CREATE:
		if (!(file->f_mode & FMODE_WRITE))
			return RSMERR_BAD_LOCALMEM_HNDL;
		return rsm_localmem_create(rf, uarg);
	case RSM_IOC_IMPORT_PUT:
	case RSM_IOC_IMPORT_GET:
	case RSM_IOC_IMPORT_PUTV:
	case RSM_IOC_IMPORT_GETV:
	case RSM_IOC_IMPORT_STATE:
	case RSM_IOC_MAP_SYNC:
	case RSM_IOC_MAP_REFRESH:
		return rsm_ioctl_import(rf, cmd, uarg);
	case RSM_IOC_SIGNAL_POST:
	case RSM_IOC_SIGNAL_WAIT:
		return rsm_ioctl_signal(rf, cmd, uarg);
	case RSM_IOC_EXPORT_PUBLISH:
	case RSM_IOC_EXPORT_REPUBLISH:
	case RSM_IOC_EXPORT_UNPUBLISH:
	case RSM_IOC_EXPORT_REBIND:
		return rsm_ioctl_export(rf, cmd, uarg);
	case RSM_IOC_VERSION:
		return rsm_ioctl_version(uarg);
	case RSM_IOC_CTLR_ATTR:
		return rsm_ctrl_ioctl_attr(uarg);
	case RSM_IOC_TOPOLOGY:
		return rsm_cluster_ioctl_topology(uarg);
	case RSM_IOC_STATUS:
		return rsm_cluster_ioctl_status(uarg);
	case RSM_IOC_IMC_INIT:
		return rsm_imc_ioctl_init(uarg);
	case RSM_IOC_IMC_HOSTNAME:
		return rsm_imc_ioctl_hostname(uarg);
	case RSM_IOC_IMC_REGIONS:
		return rsm_imc_ioctl_regions(uarg);
	case RSM_IOC_IMC_ASALLOC:
	case RSM_IOC_IMC_ASDEALLOC:
	case RSM_IOC_IMC_ASATTACH:
	case RSM_IOC_IMC_ASDETACH:
	case RSM_IOC_IMC_PUT:
	case RSM_IOC_IMC_FLUSH:
	case RSM_IOC_IMC_ERRCNT:
	case RSM_IOC_IMC_LKALLOC:
	case RSM_IOC_IMC_LKACQUIRE:
	case RSM_IOC_IMC_LKRELEASE:
	case RSM_IOC_IMC_LKDEALLOC:
		return rsm_ioctl_imc(rf, cmd, uarg);
	case RSM_IOC_IMC_LOCKSETS:
		return rsm_imc_ioctl_locksets(uarg);
	case RSM_IOC_IMC_INFO:
		return rsm_imc_ioctl_info(uarg);
	case RSM_IOC_IMC_WAIT:
		return rsm_imc_ioctl_wait(uarg);
	case RSM_IOC_IMC_KILL:
		return rsm_imc_ioctl_kill(uarg);
	case RSM_IOC_CLUSTER_SET:
		if (!capable(CAP_NET_ADMIN))
			return -EPERM;
		return rsm_cluster_ioctl_set(uarg);
	case RSM_IOC_CLUSTER_KEY:
		if (!capable(CAP_NET_ADMIN))
			return -EPERM;
		return rsm_auth_ioctl_key(uarg);
#ifdef RSM_TEST_HOOKS
	case RSM_IOC_TEST_RDMA:
		return rsm_ioctl_import(rf, cmd, uarg);
#endif
	default:
		return -ENOTTY;
	}
}

static int rsm_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct rsm_import *imp = rsm_file_bound(file->private_data,
						RSM_FILE_IMPORT);
	struct rsm_imc_proc *pr = rsm_file_bound(file->private_data,
						 RSM_FILE_IMC);

	if (pr)
		return rsm_imc_proc_mmap(pr, vma);
	if (!imp)
		return -ENODEV;
	return rsm_map_mmap(imp, file, vma);
}

/* msync(MS_SYNC) of a mapping: write its stores back. */
static int rsm_fsync(struct file *file, loff_t start, loff_t end,
		     int datasync)
{
	struct rsm_import *imp = rsm_file_bound(file->private_data,
						RSM_FILE_IMPORT);

	if (!imp)
		return -EINVAL;
	return rsm_map_sync(imp) ? -EIO : 0;
}

static __poll_t rsm_poll(struct file *file, poll_table *wait)
{
	struct rsm_export *exp;
	struct rsm_import *imp;

	if (!rsm_file_segment(file->private_data, &exp, &imp))
		return 0;
	return rsm_event_poll(exp ? &exp->ev : &imp->ev, file, wait);
}

static int rsm_open(struct inode *inode, struct file *file)
{
	struct rsm_file *rf = kzalloc(sizeof(*rf), GFP_KERNEL);

	if (!rf)
		return -ENOMEM;
	mutex_init(&rf->lock);
	rf->kind = RSM_FILE_NONE;
	file->private_data = rf;
	return nonseekable_open(inode, file);
}

/* The last reference to the descriptor: destroy what it held. */
static int rsm_release(struct inode *inode, struct file *file)
{
	struct rsm_file *rf = file->private_data;

	switch (rf->kind) {
	case RSM_FILE_EXPORT:
		rsm_export_destroy(rf->exp);
		break;
	case RSM_FILE_IMPORT:
		rsm_import_release(rf->imp);
		break;
	case RSM_FILE_LOCALMEM:
		rsm_localmem_put(rf->lmem);
		break;
	case RSM_FILE_IMC:
		rsm_imc_proc_release(rf->obj);
		break;
	default:
		break;
	}
	kfree(rf);
	return 0;
}

static const struct file_operations rsm_fops = {
	.owner		= THIS_MODULE,
	.open		= rsm_open,
	.release	= rsm_release,
	.unlocked_ioctl	= rsm_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.mmap		= rsm_mmap,
	.fsync		= rsm_fsync,
	.poll		= rsm_poll,
	.llseek		= no_llseek,
};

static struct miscdevice rsm_miscdev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "rsm",
	.fops	= &rsm_fops,
	.mode	= 0666,
};

static int __init rsm_init(void)
{
	int ret;

	rsm_wq = alloc_workqueue("rsm", WQ_MEM_RECLAIM | WQ_UNBOUND, 0);
	if (!rsm_wq)
		return -ENOMEM;
	rsm_ctl_wq = alloc_workqueue("rsm_ctl", WQ_MEM_RECLAIM | WQ_UNBOUND, 0);
	if (!rsm_ctl_wq) {
		destroy_workqueue(rsm_wq);
		return -ENOMEM;
	}

	ret = rsm_auth_init();
	if (ret)
		goto err_free_wq;

	ret = rsm_seg_init();
	if (ret)
		goto err_auth;

	ret = rsm_imc_init();
	if (ret)
		goto err_seg;

	ret = rsm_cluster_init();
	if (ret)
		goto err_imc;

	ret = rsm_ctrl_init();
	if (ret)
		goto err_cluster;

	ret = rsm_cm_listen();
	if (ret)
		goto err_ctrl;

	ret = misc_register(&rsm_miscdev);
	if (ret)
		goto err_listen;

	rsm_info("loaded, protocol version %u, listening on port %u\n",
		 RSM_PROTO_VERSION, rsm_listen_port);
	return 0;

err_listen:
	rsm_cm_stop_listen();
err_ctrl:
	rsm_ctrl_exit();
err_cluster:
	rsm_cluster_exit();
err_imc:
	rsm_imc_exit();
err_seg:
	rsm_seg_exit();
err_auth:
	rsm_auth_exit();
err_free_wq:
	destroy_workqueue(rsm_ctl_wq);
	destroy_workqueue(rsm_wq);
	return ret;
}

static void __exit rsm_exit(void)
{
	WRITE_ONCE(rsm_exiting, true);
	misc_deregister(&rsm_miscdev);
	rsm_cm_stop_listen();
	/* connections go before controllers: they hold QPs on their PDs */
	rsm_cluster_exit();
	rsm_ctrl_exit();
	rsm_imc_exit();
	rsm_seg_exit();
	rsm_auth_exit();
	destroy_workqueue(rsm_ctl_wq);
	destroy_workqueue(rsm_wq);
	rsm_info("unloaded\n");
}

module_init(rsm_init);
module_exit(rsm_exit);

MODULE_AUTHOR("The rsm developers");
MODULE_DESCRIPTION("Remote shared memory (Solaris RSMAPI model) over RDMA");
MODULE_LICENSE("GPL");
MODULE_VERSION("0.1");
