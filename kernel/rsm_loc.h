/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rsm: the segment layer of rsm.ko (DESIGN.md decision 16) - export and
 * import segments, mappings, local memory handles and events, on top of
 * the transport (rsm_tp.h), whose first client it is.
 */
#ifndef _RSM_LOC_H
#define _RSM_LOC_H

#include "rsm_tp.h"

/* What this layer keeps per endpoint: its struct rsm_expnode, ep_list. */
static inline struct rsm_tp_objs *rsm_seg_objs(struct rsm_ep *ep)
{
	return &ep->objs[RSM_TP_SEGMENTS];
}

/* What it keeps per connection: its remote imports, under conn->lock. */
static inline struct list_head *rsm_seg_imports(struct rsm_conn *conn)
{
	return &conn->objs[RSM_TP_SEGMENTS];
}

/*
 * struct rsm_event - the pending-event counter of a segment (spec 1.6).
 * @lock protects @pending; waiters and pollers sleep on @wq.
 */
struct rsm_event {
	spinlock_t		lock;		/* see above */
	u32			pending;
	wait_queue_head_t	wq;
};

enum rsm_export_state {
	RSM_EXPORT_BOUND,	/* pages pinned, not visible */
	RSM_EXPORT_PUBLISHED,	/* in rsm_segids under @segid */
};

/*
 * struct rsm_export - an export segment.
 * @lock protects @state, @segid, @acl, @acl_len, @pages, @vaddr, @instance,
 * @bind_gen, @nodes and @local_imports.  @pages is also stable while
 * @io_rwsem is held (local imports copy under it for reading).  The rest is
 * written once at create time.
 */
struct rsm_export {
	struct kref		ref;
	struct mutex		lock;		/* see above */
	struct rw_semaphore	io_rwsem;
	u64			instance;	/* of the current publication */
	u32			bind_gen;
	struct list_head	nodes;		/* struct rsm_expnode */
	struct list_head	local_imports;	/* struct rsm_import */
	struct rsm_ctrl		*ctrl;
	enum rsm_export_state	state;
	u32			segid;
	struct rsm_ioc_acl_entry *acl;		/* NULL: no list */
	u32			acl_len;
	struct page		**pages;
	unsigned long		npages;
	u64			vaddr;
	u64			len;
	u32			flags;
	struct mm_struct	*mm;		/* pins are charged here */
	struct pid		*creator;	/* thread group of the creator */
	kuid_t			uid;
	kgid_t			gid;
	umode_t			mode;		/* 0777 & ~umask at create */
	struct rsm_event	ev;
};

/* Unpublishes a connecting import remembers (publications rarely change). */
#define RSM_EARLY_REVOKES	4

/*
 * struct rsm_import - an import segment: this node's connection to a
 * segment published by @nodeid (possibly this node: @exp is then set).
 *
 * Remote imports are on their connection's @imports list (under conn->lock)
 * and moved by RDMA; @io_rwsem is held for reading by every transfer and
 * for writing by whoever must know that none is in flight (revocation,
 * rebind).  @keys, @nchunks, @keys_gen change under @io_rwsem for writing
 * and @key_mutex.  @aborted is final and read without locks.
 */
struct rsm_import {
	struct kref		ref;
	struct list_head	list;
	struct rsm_ctrl		*ctrl;
	u32			nodeid;
	u32			segid;
	u32			perm;
	u64			size;
	bool			aborted;
	atomic64_t		errors;

	struct rsm_export	*exp;		/* local: holds a reference */

	struct rsm_conn		*conn;		/* remote: holds a reference */
	u64			ep_id;
	u64			instance;
	struct rw_semaphore	io_rwsem;
	struct mutex		key_mutex;	/* one key fetch at a time */
	u32			*keys;
	u32			nchunks;
	u32			chunk_shift;
	u32			keys_gen;
	u32			want_gen;	/* written under io_rwsem */
	u32			rebinds;	/* REVOKE(rebind) seen */
	u64			revoke_xid;	/* under conn->lock */
	/* while connecting, what a REVOKE said (under conn->lock) */
	bool			connecting;
	u64			early_abort[RSM_EARLY_REVOKES]; /* instances */
	unsigned int		early_naborts;
	u64			early_rebind;	/* instance, 0: none */
	u32			early_gen;

	struct rsm_event	ev;

	/*
	 * Mapping (rsm_map.c), under @map_lock: @mapping is the address
	 * space our VMAs are in, at page offsets from @map_base on; @mcache
	 * holds the pages of a remote segment fetched so far (struct
	 * rsm_mpage, marked RSM_MPAGE_DIRTY while a twin exists).  Whoever
	 * changes @keys or @exp->pages takes @map_lock too, after @io_rwsem
	 * or the export's locks; faults take only @map_lock.
	 */
	struct mutex		map_lock;
	struct address_space	*mapping;
	unsigned long		map_base;
	unsigned int		map_vmas;
	struct xarray		mcache;
	unsigned long		ndirty;
	struct page		*scratch;
	struct mm_struct	*map_mm;	/* charged for the cache */
	unsigned long		map_charged;	/* pages, RLIMIT_MEMLOCK */
	struct work_struct	abort_work;
};

/* struct rsm_mpage - a cached page of a remotely mapped segment */
struct rsm_mpage {
	struct page		*page;
	struct page		*twin;		/* copy at the first store */
};

#define RSM_MPAGE_DIRTY		XA_MARK_0

/* struct rsm_localmem - pinned user memory named in putv/getv entries */
struct rsm_localmem {
	struct kref		ref;
	struct page		**pages;
	unsigned long		npages;
	u64			vaddr;
	u64			len;
	struct mm_struct	*mm;
};

enum rsm_file_kind {
	RSM_FILE_NONE,
	RSM_FILE_EXPORT,
	RSM_FILE_IMPORT,
	RSM_FILE_LOCALMEM,
	RSM_FILE_IMC,		/* a libimc descriptor: struct rsm_imc_proc */
};

/*
 * struct rsm_file - one open /dev/rsm descriptor.
 * @lock protects @kind and the binding; once bound it never changes, and
 * the object bound lives as long as the file.
 */
struct rsm_file {
	struct mutex		lock;		/* see above */
	enum rsm_file_kind	kind;
	union {				/* by @kind */
		void			*obj;
		struct rsm_export	*exp;
		struct rsm_import	*imp;
		struct rsm_localmem	*lmem;
	};
};

/*
 * struct rsm_xfer - a set of work requests posted together; every one is
 * signalled and completes into @cqe.  Lives on the poster's stack: the
 * poster waits until @pending is 0 or the QP is gone.
 */
/* rsm_main.c */
bool rsm_file_bind(struct rsm_file *rf, enum rsm_file_kind kind, void *obj);

/* rsm_export.c, rsm_expnode.c */
extern atomic64_t rsm_exported_segments;
extern atomic64_t rsm_pinned_pages;
extern atomic64_t rsm_importers;
int rsm_export_create(struct rsm_file *rf, void __user *uarg);
int rsm_export_publish(struct rsm_export *exp, void __user *uarg);
int rsm_export_republish(struct rsm_export *exp, void __user *uarg);
int rsm_export_unpublish(struct rsm_export *exp);
int rsm_export_rebind(struct rsm_export *exp, void __user *uarg);
void rsm_export_destroy(struct rsm_export *exp);
void rsm_export_put(struct rsm_export *exp);
struct rsm_export *rsm_export_lookup(u32 segid);
void rsm_export_exit(void);
int rsm_export_check_access(struct rsm_export *exp, u32 nodeid, u32 perm,
			    kuid_t uid, bool in_group, u32 priv);
int rsm_export_attach_local(struct rsm_export *exp, struct rsm_import *imp);
void rsm_export_detach_local(struct rsm_export *exp, struct rsm_import *imp);
void rsm_export_revoke_locked(struct rsm_export *exp);
void rsm_export_rebind_locked(struct rsm_export *exp, struct page **pages,
			      u64 vaddr);
void rsm_export_handle_import_req(struct rsm_ep *ep, const void *msg);
void rsm_export_handle_keys_req(struct rsm_ep *ep, const void *msg);
void rsm_export_handle_release(struct rsm_ep *ep, const void *msg);
void rsm_export_ep_gone(struct rsm_ep *ep);
int rsm_export_signal(struct rsm_export *exp, u32 flags);
void rsm_export_handle_signal(struct rsm_ep *ep, const void *msg, u32 more);
int rsm_pin_range(u64 vaddr, u64 len, struct page ***pagesp);
bool rsm_segments_get(atomic64_t *count);
int rsm_account_pinned(struct mm_struct *mm, long npages);
void rsm_unpin_pages(struct mm_struct *mm, struct page **pages,
		     unsigned long npages);

/* rsm_import.c, rsm_import_io.c */
#define RSM_KEY_RETRIES		8	/* key fetches before giving up */
extern atomic64_t rsm_imported_segments;
extern atomic64_t rsm_localmem_handles;
int rsm_import_connect(struct rsm_file *rf, void __user *uarg);
long rsm_import_ioctl(struct rsm_import *imp, unsigned int cmd,
		      void __user *uarg);
void rsm_import_put(struct rsm_import *imp);
void rsm_import_release(struct rsm_import *imp);
void rsm_import_abort_locked(struct rsm_import *imp);
void rsm_import_conn_down_locked(struct rsm_conn *conn, u64 ep_id);
void rsm_import_handle_revoke(struct rsm_ep *ep, const void *msg);
int rsm_localmem_create(struct rsm_file *rf, void __user *uarg);
void rsm_localmem_put(struct rsm_localmem *lm);
struct rsm_localmem *rsm_localmem_from_fd(int fd);

void rsm_import_abort(struct rsm_import *imp);
int rsm_import_begin_remote(struct rsm_import *imp, struct rsm_ep **epp);
void rsm_import_end_remote(struct rsm_import *imp, struct rsm_ep *ep);
long rsm_test_rdma_ioctl(struct rsm_import *imp, void __user *uarg);
#ifdef RSM_TEST_HOOKS
bool rsm_test_silent_revokes(void);
void rsm_test_dereg_delay(void);
#else
static inline bool rsm_test_silent_revokes(void)
{
	return false;
}

static inline void rsm_test_dereg_delay(void)
{
}
#endif
int rsm_import_refresh_keys(struct rsm_import *imp);
int rsm_import_xfer_status(struct rsm_import *imp, int err);
void rsm_import_handle_signal(struct rsm_ep *ep, const void *msg, u32 more);
int rsm_import_signal(struct rsm_import *imp, u32 flags);

/* rsm_map.c */
extern atomic64_t rsm_mapped_pages;
int rsm_map_mmap(struct rsm_import *imp, struct file *file,
		 struct vm_area_struct *vma);
int rsm_map_sync(struct rsm_import *imp);
int rsm_map_refresh(struct rsm_import *imp);
void rsm_map_invalidate(struct rsm_import *imp);
void rsm_map_abort_async(struct rsm_import *imp);
void rsm_map_init(struct rsm_import *imp);
void rsm_map_release(struct rsm_import *imp);
void rsm_map_free(struct rsm_import *imp);

/* rsm_event.c */
void rsm_event_init(struct rsm_event *ev);
void rsm_event_post(struct rsm_event *ev, u32 flags);
void rsm_event_post_more(struct rsm_event *ev, u32 flags, u32 more);
__poll_t rsm_event_poll(struct rsm_event *ev, struct file *file,
			poll_table *wait);
int rsm_event_wait_ioctl(struct rsm_event *ev, void __user *uarg);
int rsm_signal_post_ioctl(void __user *uarg, u32 *flags);
int rsm_signal_send(struct rsm_ep *ep, u32 segid, u64 instance, u32 flags,
		    bool to_exporter);
void rsm_signal_handle(struct rsm_ep *ep, const void *msg, u32 more);

/* rsm_seg.c */
int rsm_seg_init(void);
void rsm_seg_exit(void);

#endif /* _RSM_LOC_H */
