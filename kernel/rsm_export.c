// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsm: export segments - pinning the exporter's pages, the node's table of
 * published segment ids, access lists, rebind.
 *
 * An export segment belongs to one /dev/rsm descriptor.  Creating it pins
 * the user range for the lifetime of the segment (or until rebind),
 * accounted like other long-term pins against RLIMIT_MEMLOCK.  Publishing
 * enters the segment id in rsm_segids; ids form one namespace per node.
 */
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/shmem_fs.h>
#include <linux/hugetlb.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/fs_struct.h>
#include <linux/xarray.h>
#include <linux/uaccess.h>
#include <linux/cred.h>
#include <linux/pid.h>
#include <linux/log2.h>
#include <linux/scatterlist.h>

#include "rsm_loc.h"

#define RSM_AUTO_ID_BASE	0x80000000U
#define RSM_RESERVED_ID_END	0x3fffffU
#define RSM_ACCESS_TRUSTED	0666

/* published segments by id; the xarray's lock covers rsm_next_auto_id */
static DEFINE_XARRAY(rsm_segids);
static u32 rsm_next_auto_id = RSM_AUTO_ID_BASE;
static bool rsm_auto_ids_exhausted;

/*
 * Automatic ids are never reused, so each user (but root) may take only
 * rsm_auto_ids_per_user of them while the module is loaded: one user
 * cannot run the node out.  @rsm_auto_id_users maps a uid (in the initial
 * user namespace) to the ids it took, as a value entry;
 * rsm_auto_id_lock serialises the check and the count.
 */
static DEFINE_XARRAY(rsm_auto_id_users);
static DEFINE_MUTEX(rsm_auto_id_lock);

atomic64_t rsm_exported_segments = ATOMIC64_INIT(0);
atomic64_t rsm_pinned_pages = ATOMIC64_INIT(0);
atomic64_t rsm_importers = ATOMIC64_INIT(0);
static atomic64_t rsm_next_instance = ATOMIC64_INIT(0);

/**
 * rsm_account_pinned - charge or release pages against a process's
 * RLIMIT_MEMLOCK, as long-term pins are
 * @mm: the process's mm
 * @npages: pages to charge (> 0) or release (< 0)
 *
 * Return: 0, or -ENOMEM when the charge would exceed the limit.
 */
int rsm_account_pinned(struct mm_struct *mm, long npages)
{
	unsigned long limit = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	s64 total;

	total = atomic64_add_return(npages, &mm->pinned_vm);
	if (npages > 0 && total > limit && !capable(CAP_IPC_LOCK)) {
		atomic64_sub(npages, &mm->pinned_vm);
		return -ENOMEM;
	}
	return 0;
}

static int rsm_errno_to_rsmerr(int err)
{
	switch (err) {
	case -EFAULT:
		return RSMERR_BAD_ADDR;
	case -EPERM:
	case -EACCES:
		return RSMERR_PERM_DENIED;
	default:
		return RSMERR_INSUFFICIENT_MEM;
	}
}

/*
 * Is [vaddr, vaddr + len) mapped, readable and writable, and memory that
 * may be pinned for good?  Like the kernel's own long-term pins, that is
 * anonymous memory, shmem and hugetlbfs; shared mappings of other files
 * are refused (their pages belong to a file system that may want them
 * back).  Return: 0 or an RSMERR code.
 */
static int rsm_pin_check_vmas(u64 vaddr, u64 len)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	u64 addr = vaddr, end = vaddr + len;
	int ret = 0;

	if (mmap_read_lock_killable(mm))
		return RSMERR_INTERRUPTED;
	while (addr < end) {
		vma = find_vma(mm, addr);
		if (!vma || vma->vm_start > addr ||
		    (vma->vm_flags & (VM_READ | VM_WRITE)) !=
		    (VM_READ | VM_WRITE) ||
		    (vma->vm_flags & (VM_IO | VM_PFNMAP))) {
			ret = RSMERR_BAD_ADDR;
			break;
		}
		if ((vma->vm_flags & VM_SHARED) && vma->vm_file &&
		    !shmem_file(vma->vm_file) && !is_vm_hugetlb_page(vma)) {
			ret = RSMERR_BAD_ADDR;
			break;
		}
		addr = vma->vm_end;
	}
	mmap_read_unlock(mm);
	return ret;
}

/**
 * rsm_segments_get - count one more segment of a kind, within the limit
 * @count: rsm_exported_segments or rsm_imported_segments
 *
 * Return: false when the node has max_segments of that kind already.
 */
bool rsm_segments_get(atomic64_t *count)
{
	if (atomic64_inc_return(count) <= READ_ONCE(rsm_max_segments))
		return true;
	atomic64_dec(count);
	return false;
}

/* Anonymous, shmem or hugetlb pages only (see rsm_pin_check_vmas()). */
static bool rsm_pages_pinnable(struct page **pages, unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++) {
		struct page *head = compound_head(pages[i]);

		if (!PageAnon(head) && !PageHuge(head) &&
		    !(head->mapping && shmem_mapping(head->mapping)))
			return false;
	}
	return true;
}

/**
 * rsm_pin_range - pin [vaddr, vaddr + len) of the current process for good
 * @vaddr: page aligned user address
 * @len: page multiple
 * @pagesp: out, the page array
 *
 * The pages are charged to the process's RLIMIT_MEMLOCK.
 *
 * Return: 0 or an RSMERR code.
 */
int rsm_pin_range(u64 vaddr, u64 len, struct page ***pagesp)
{
	unsigned long npages = len >> PAGE_SHIFT;
	struct page **pages;
	unsigned long done = 0;
	long ret;

	if (!PAGE_ALIGNED(vaddr) || !len || !PAGE_ALIGNED(len))
		return RSMERR_BAD_ADDR;
	if (vaddr + len < vaddr || !access_ok(u64_to_user_ptr(vaddr), len))
		return RSMERR_BAD_ADDR;
	/* nobody pins more than the memory there is: checked before any size */
	if (npages > totalram_pages())
		return RSMERR_INSUFFICIENT_MEM;
	ret = rsm_pin_check_vmas(vaddr, len);
	if (ret)
		return ret;
	if (rsm_account_pinned(current->mm, npages))
		return RSMERR_INSUFFICIENT_MEM;

	pages = kvcalloc(npages, sizeof(*pages),
			 GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!pages) {
		rsm_account_pinned(current->mm, -(long)npages);
		return RSMERR_INSUFFICIENT_MEM;
	}
	while (done < npages) {
		ret = pin_user_pages_fast(vaddr + (done << PAGE_SHIFT),
					  min_t(unsigned long, npages - done,
						SZ_64K),
					  FOLL_WRITE | FOLL_LONGTERM,
					  pages + done);
		if (ret <= 0) {
			/* a short pin means a hole in the range */
			ret = ret ? rsm_errno_to_rsmerr(ret) : RSMERR_BAD_ADDR;
			unpin_user_pages(pages, done);
			kvfree(pages);
			rsm_account_pinned(current->mm, -(long)npages);
			return ret;
		}
		done += ret;
	}
	/* the VMAs may have changed since they were checked */
	if (!rsm_pages_pinnable(pages, npages)) {
		unpin_user_pages(pages, npages);
		kvfree(pages);
		rsm_account_pinned(current->mm, -(long)npages);
		return RSMERR_BAD_ADDR;
	}
	*pagesp = pages;
	atomic64_add(npages, &rsm_pinned_pages);
	return 0;
}

/**
 * rsm_unpin_pages - undo rsm_pin_range()
 * @mm: the mm the pages were charged to
 * @pages: page array, freed
 * @npages: its length
 */
void rsm_unpin_pages(struct mm_struct *mm, struct page **pages,
		     unsigned long npages)
{
	unpin_user_pages_dirty_lock(pages, npages, true);
	kvfree(pages);
	atomic64_sub(npages, &mm->pinned_vm);
	atomic64_sub(npages, &rsm_pinned_pages);
}

static void rsm_unpin_range(struct rsm_export *exp, struct page **pages)
{
	rsm_unpin_pages(exp->mm, pages, exp->npages);
}

static bool rsm_is_creator(struct rsm_export *exp)
{
	return task_tgid(current) == exp->creator;
}

/*
 * Copy and check an access list (publish step 7).
 * Return: 0 or an RSMERR code; on success *aclp is NULL for "no list".
 */
static int rsm_acl_get(struct rsm_export *exp,
		       const struct rsm_ioc_export_publish *req,
		       struct rsm_ioc_acl_entry **aclp)
{
	bool loopback = !exp->ctrl->ibdev;
	struct rsm_ioc_acl_entry *acl;
	u32 i, local = READ_ONCE(rsm_cluster.local_nodeid);

	*aclp = NULL;
	if (!req->acl_len)
		return 0;
	if (req->acl_len > RSM_ACL_MAX || (loopback && req->acl_len > 1))
		return RSMERR_BAD_ACL;
	acl = memdup_user(u64_to_user_ptr(req->acl),
			  array_size(req->acl_len, sizeof(*acl)));
	if (IS_ERR(acl))
		return PTR_ERR(acl) == -EFAULT ? RSMERR_BAD_ADDR :
						 RSMERR_INSUFFICIENT_MEM;
	for (i = 0; i < req->acl_len; i++) {
		if (acl[i].node >= RSM_MAX_NODE ||
		    acl[i].perm > RSM_ACCESS_TRUSTED ||
		    (loopback && acl[i].node != local)) {
			kfree(acl);
			return RSMERR_BAD_ACL;
		}
	}
	*aclp = acl;
	return 0;
}

/* Replace the access list (NULL: none); the old one is freed. */
static void rsm_export_set_acl_locked(struct rsm_export *exp,
				      struct rsm_ioc_acl_entry *acl, u32 len)
{
	lockdep_assert_held(&exp->lock);
	kfree(exp->acl);
	exp->acl = acl;
	exp->acl_len = acl ? len : 0;
}

/* Assign the next automatic id to @exp.  Return: RSMERR. */
static int rsm_segid_insert_auto(struct rsm_export *exp, u32 *segid)
{
	int ret;

	xa_lock(&rsm_segids);
	for (;;) {
		if (rsm_auto_ids_exhausted) {
			ret = RSMERR_INSUFFICIENT_RESOURCES;
			break;
		}
		*segid = rsm_next_auto_id++;
		if (!rsm_next_auto_id)	/* ids are never reused */
			rsm_auto_ids_exhausted = true;
		ret = __xa_insert(&rsm_segids, *segid, exp, GFP_KERNEL);
		if (ret != -EBUSY) {
			ret = ret ? RSMERR_INSUFFICIENT_MEM : 0;
			break;
		}
	}
	xa_unlock(&rsm_segids);
	return ret;
}

/* Enter @exp in the table under *@segid (0: assign one).  Return: RSMERR. */
static int rsm_segid_insert(struct rsm_export *exp, u32 *segid)
{
	unsigned long uid = from_kuid(&init_user_ns, exp->uid);
	unsigned long taken;
	void *old;
	int ret;

	if (*segid)
		return xa_insert(&rsm_segids, *segid, exp, GFP_KERNEL) ?
		       RSMERR_SEGID_IN_USE : 0;
	if (uid_eq(exp->uid, GLOBAL_ROOT_UID))
		return rsm_segid_insert_auto(exp, segid);

	mutex_lock(&rsm_auto_id_lock);
	old = xa_load(&rsm_auto_id_users, uid);
	taken = old ? xa_to_value(old) : 0;
	ret = RSMERR_INSUFFICIENT_RESOURCES;
	if (taken >= READ_ONCE(rsm_auto_ids_per_user))
		goto out;
	ret = RSMERR_INSUFFICIENT_MEM;
	if (xa_is_err(xa_store(&rsm_auto_id_users, uid,
			       xa_mk_value(taken + 1), GFP_KERNEL)))
		goto out;
	ret = rsm_segid_insert_auto(exp, segid);
	if (ret)	/* no id taken: give the count back */
		xa_store(&rsm_auto_id_users, uid, xa_mk_value(taken),
			 GFP_KERNEL);
out:
	mutex_unlock(&rsm_auto_id_lock);
	return ret;
}

/**
 * rsm_export_exit - forget the automatic ids users took (module unload)
 */
void rsm_export_exit(void)
{
	xa_destroy(&rsm_auto_id_users);
}

/**
 * rsm_export_create - RSM_IOC_EXPORT_CREATE
 * @rf: descriptor state, not yet bound
 * @uarg: struct rsm_ioc_export_create
 *
 * Return: 0, an RSMERR code, or a negative errno.
 */
int rsm_export_create(struct rsm_file *rf, void __user *uarg)
{
	struct rsm_ioc_export_create req;
	struct rsm_export *exp;
	struct rsm_ctrl *ctrl;
	int ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (strnlen(req.ctlr, sizeof(req.ctlr)) == sizeof(req.ctlr))
		return RSMERR_CTLR_NOT_PRESENT;
	if (!req.vaddr)
		return RSMERR_BAD_ADDR;
	if (!req.len)
		return RSMERR_BAD_LENGTH;
	if (!PAGE_ALIGNED(req.vaddr) || !PAGE_ALIGNED(req.len))
		return RSMERR_BAD_MEM_ALIGNMENT;

	ctrl = rsm_ctrl_get_by_name(req.ctlr);
	if (!ctrl)
		return RSMERR_CTLR_NOT_PRESENT;
	ret = RSMERR_BAD_LENGTH;
	if (ctrl->ibdev && req.len > ctrl->attr.max_export_segment_size)
		goto err_ctrl;
	ret = RSMERR_INSUFFICIENT_RESOURCES;
	if (!rsm_segments_get(&rsm_exported_segments))
		goto err_ctrl;
	ret = RSMERR_INSUFFICIENT_MEM;
	exp = kzalloc(sizeof(*exp), GFP_KERNEL_ACCOUNT);
	if (!exp)
		goto err_count;

	ret = rsm_pin_range(req.vaddr, req.len, &exp->pages);
	if (ret) {
		kfree(exp);
		goto err_count;
	}
	kref_init(&exp->ref);
	mutex_init(&exp->lock);
	init_rwsem(&exp->io_rwsem);
	INIT_LIST_HEAD(&exp->nodes);
	INIT_LIST_HEAD(&exp->local_imports);
	rsm_event_init(&exp->ev);
	exp->ctrl = ctrl;
	exp->vaddr = req.vaddr;
	exp->len = req.len;
	exp->npages = req.len >> PAGE_SHIFT;
	exp->flags = req.flags;
	exp->state = RSM_EXPORT_BOUND;
	exp->creator = get_pid(task_tgid(current));
	exp->uid = current_euid();
	exp->gid = current_egid();
	exp->mode = 0777 & ~current_umask();
	mmgrab(current->mm);
	exp->mm = current->mm;

	if (!rsm_file_bind(rf, RSM_FILE_EXPORT, exp)) {
		rsm_export_destroy(exp);
		return RSMERR_BAD_SEG_HNDL;
	}
	return 0;

err_count:
	atomic64_dec(&rsm_exported_segments);
err_ctrl:
	rsm_ctrl_put(ctrl);
	return ret;
}

/**
 * rsm_export_publish - RSM_IOC_EXPORT_PUBLISH
 * @exp: export segment
 * @uarg: struct rsm_ioc_export_publish
 *
 * Return: 0, an RSMERR code, or a negative errno.
 */
int rsm_export_publish(struct rsm_export *exp, void __user *uarg)
{
	struct rsm_ioc_export_publish req;
	struct rsm_ioc_acl_entry *acl;
	int ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;

	mutex_lock(&exp->lock);
	ret = RSMERR_SEG_ALREADY_PUBLISHED;
	if (exp->state == RSM_EXPORT_PUBLISHED)
		goto out;
	ret = RSMERR_RESERVED_SEGID;
	if ((req.segid && req.segid <= RSM_RESERVED_ID_END) ||
	    req.segid >= RSM_AUTO_ID_BASE)
		goto out;
	ret = RSMERR_NOT_CREATOR;
	if (!rsm_is_creator(exp))
		goto out;
	/* user memory is read with no lock held (spec order kept) */
	mutex_unlock(&exp->lock);
	ret = rsm_acl_get(exp, &req, &acl);
	if (ret)
		return ret;
	mutex_lock(&exp->lock);
	ret = RSMERR_SEG_ALREADY_PUBLISHED;
	if (exp->state == RSM_EXPORT_PUBLISHED) {
		kfree(acl);
		goto out;
	}
	ret = rsm_segid_insert(exp, &req.segid);
	if (ret) {
		kfree(acl);
		goto out;
	}
	exp->segid = req.segid;
	exp->instance = atomic64_inc_return(&rsm_next_instance);
	rsm_export_set_acl_locked(exp, acl, req.acl_len);
	exp->state = RSM_EXPORT_PUBLISHED;
	mutex_unlock(&exp->lock);
	if (copy_to_user(uarg, &req, sizeof(req)))
		return -EFAULT;	/* published all the same, as asked */
	return 0;
out:
	mutex_unlock(&exp->lock);
	return ret;
}

/**
 * rsm_export_republish - RSM_IOC_EXPORT_REPUBLISH: a new access list for
 * future connects
 * @exp: export segment
 * @uarg: struct rsm_ioc_export_publish (segid ignored)
 *
 * Return: 0, an RSMERR code, or a negative errno.
 */
int rsm_export_republish(struct rsm_export *exp, void __user *uarg)
{
	struct rsm_ioc_export_publish req;
	struct rsm_ioc_acl_entry *acl;
	int ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;

	mutex_lock(&exp->lock);
	ret = RSMERR_SEG_NOT_PUBLISHED;
	if (exp->state != RSM_EXPORT_PUBLISHED)
		goto out;
	ret = RSMERR_BAD_ACL;
	if (req.acl_len && !req.acl)
		goto out;
	ret = RSMERR_NOT_CREATOR;
	if (!rsm_is_creator(exp))
		goto out;
	mutex_unlock(&exp->lock);
	/* user memory is read with no lock held (spec order kept) */
	ret = rsm_acl_get(exp, &req, &acl);
	if (ret)
		return ret;
	mutex_lock(&exp->lock);
	if (exp->state != RSM_EXPORT_PUBLISHED) {
		kfree(acl);
		ret = RSMERR_SEG_NOT_PUBLISHED;
		goto out;
	}
	rsm_export_set_acl_locked(exp, acl, req.acl_len);
out:
	mutex_unlock(&exp->lock);
	return ret;
}

/*
 * No new connects, then no importer: when this returns, nobody can reach
 * the segment's memory any more.
 */
static void rsm_export_unpublish_locked(struct rsm_export *exp)
{
	lockdep_assert_held(&exp->lock);
	xa_erase(&rsm_segids, exp->segid);
	exp->state = RSM_EXPORT_BOUND;
	rsm_export_revoke_locked(exp);
	rsm_export_set_acl_locked(exp, NULL, 0);
}

/**
 * rsm_export_unpublish - RSM_IOC_EXPORT_UNPUBLISH
 * @exp: export segment
 *
 * Return: 0 or an RSMERR code.
 */
int rsm_export_unpublish(struct rsm_export *exp)
{
	int ret = 0;

	mutex_lock(&exp->lock);
	if (exp->state != RSM_EXPORT_PUBLISHED)
		ret = RSMERR_SEG_NOT_PUBLISHED;
	else if (!rsm_is_creator(exp))
		ret = RSMERR_NOT_CREATOR;
	else
		rsm_export_unpublish_locked(exp);
	mutex_unlock(&exp->lock);
	return ret;
}

/**
 * rsm_export_rebind - RSM_IOC_EXPORT_REBIND: back the segment with other
 * pages of the same length
 * @exp: export segment
 * @uarg: struct rsm_ioc_export_rebind
 *
 * Return: 0, an RSMERR code, or a negative errno.
 */
int rsm_export_rebind(struct rsm_export *exp, void __user *uarg)
{
	struct rsm_ioc_export_rebind req;
	struct page **pages;
	int ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (!req.vaddr)
		return RSMERR_BAD_ADDR;

	/* flags, creator and length never change: checked without the lock */
	if (!(exp->flags & RSM_EXPORT_ALLOW_REBIND))
		return RSMERR_REBIND_NOT_ALLOWED;
	if (!rsm_is_creator(exp))
		return RSMERR_NOT_CREATOR;
	if (req.len != exp->len)
		return RSMERR_BAD_LENGTH;
	if (req.vaddr == READ_ONCE(exp->vaddr))
		return 0;
	/* pinned before the lock: a stalled fault holds up no importer */
	ret = rsm_pin_range(req.vaddr, req.len, &pages);
	if (ret)
		return ret;
	mutex_lock(&exp->lock);
	if (req.vaddr == exp->vaddr)
		rsm_unpin_pages(exp->mm, pages, exp->npages);
	else
		rsm_export_rebind_locked(exp, pages, req.vaddr);
	mutex_unlock(&exp->lock);
	return 0;
}

static void rsm_export_release(struct kref *ref)
{
	struct rsm_export *exp = container_of(ref, struct rsm_export, ref);

	WARN_ON_ONCE(!list_empty(&exp->nodes) ||
		     !list_empty(&exp->local_imports));
	rsm_unpin_range(exp, exp->pages);
	mmdrop(exp->mm);
	put_pid(exp->creator);
	rsm_ctrl_put(exp->ctrl);
	kfree(exp->acl);
	atomic64_dec(&rsm_exported_segments);
	kfree(exp);
}

/**
 * rsm_export_put - drop a reference to an export segment
 * @exp: export segment
 */
void rsm_export_put(struct rsm_export *exp)
{
	kref_put(&exp->ref, rsm_export_release);
}

/**
 * rsm_export_destroy - unpublish, unpin and free (descriptor closed)
 * @exp: export segment
 *
 * Importers are cut off before this returns; the memory goes with the
 * last reference.
 */
void rsm_export_destroy(struct rsm_export *exp)
{
	mutex_lock(&exp->lock);
	if (exp->state == RSM_EXPORT_PUBLISHED)
		rsm_export_unpublish_locked(exp);
	mutex_unlock(&exp->lock);
	rsm_export_put(exp);
}

/**
 * rsm_export_lookup - the segment published under an id
 * @segid: segment id
 *
 * Return: the segment with a reference (rsm_export_put()), or NULL.
 */
struct rsm_export *rsm_export_lookup(u32 segid)
{
	struct rsm_export *exp;

	/* entries leave the table before their descriptor's reference goes */
	xa_lock(&rsm_segids);
	exp = xa_load(&rsm_segids, segid);
	if (exp)
		kref_get(&exp->ref);
	xa_unlock(&rsm_segids);
	return exp;
}

/**
 * rsm_export_check_access - may an importer connect (spec 3.8)?
 * @exp: published segment, locked
 * @nodeid: importing node
 * @perm: requested permission, subset of 0600
 * @uid: importer's effective uid
 * @in_group: the exporter's gid is one of the importer's groups
 * @priv: RSM_IMPORT_PRIV_* the importer holds
 *
 * Return: 0, RSMERR_SEG_NOT_PUBLISHED_TO_NODE or RSMERR_PERM_DENIED.
 */
int rsm_export_check_access(struct rsm_export *exp, u32 nodeid, u32 perm,
			    kuid_t uid, bool in_group, u32 priv)
{
	u32 mode, want, have, shift, missing, i;

	lockdep_assert_held(&exp->lock);
	if (exp->acl_len) {
		for (i = 0; i < exp->acl_len; i++)
			if (exp->acl[i].node == nodeid)
				break;
		if (i == exp->acl_len)
			return RSMERR_SEG_NOT_PUBLISHED_TO_NODE;
		mode = exp->acl[i].perm;
	} else {
		mode = exp->mode;
	}
	mode &= 0666;

	want = (perm & 0400 ? 0444 : 0) | (perm & 0200 ? 0222 : 0);
	have = want & mode;
	if (uid_eq(uid, exp->uid))
		shift = 0;
	else if (in_group)
		shift = 3;
	else
		shift = 6;
	missing = perm & ~(have << shift);
	if ((missing & 0400) && !(priv & RSM_IMPORT_PRIV_READ))
		return RSMERR_PERM_DENIED;
	if ((missing & 0200) && !(priv & RSM_IMPORT_PRIV_WRITE))
		return RSMERR_PERM_DENIED;
	return 0;
}

/**
 * rsm_export_attach_local - connect an import of this node to @exp
 * @exp: segment found by rsm_export_lookup(); on success the import keeps
 *	 that reference
 * @imp: the import, with segid and perm set
 *
 * Return: 0 or an RSMERR code.
 */
int rsm_export_attach_local(struct rsm_export *exp, struct rsm_import *imp)
{
	u32 priv = capable(CAP_IPC_OWNER) ?
		   RSM_IMPORT_PRIV_READ | RSM_IMPORT_PRIV_WRITE : 0;
	int ret;

	mutex_lock(&exp->lock);
	ret = RSMERR_SEG_NOT_PUBLISHED;
	if (exp->state != RSM_EXPORT_PUBLISHED || exp->segid != imp->segid)
		goto out;
	ret = rsm_export_check_access(exp, READ_ONCE(rsm_cluster.local_nodeid),
				      imp->perm, current_euid(),
				      in_egroup_p(exp->gid), priv);
	if (ret)
		goto out;
	imp->exp = exp;
	imp->size = exp->len;
	imp->instance = exp->instance;
	list_add_tail(&imp->list, &exp->local_imports);
	atomic64_inc(&rsm_importers);
out:
	mutex_unlock(&exp->lock);
	return ret;
}

/**
 * rsm_export_detach_local - a local import goes away
 * @exp: its segment; the import's reference is dropped
 * @imp: the import
 */
void rsm_export_detach_local(struct rsm_export *exp, struct rsm_import *imp)
{
	mutex_lock(&exp->lock);
	list_del_init(&imp->list);
	atomic64_dec(&rsm_importers);
	mutex_unlock(&exp->lock);
	rsm_export_put(exp);
}
