/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * librsm private declarations: the handle registry, the controller handle,
 * the /dev/rsm helpers and the internal entry points the host unit tests
 * call directly (they link librsm_internal.a, where hidden symbols are
 * still reachable; librsm.a, like librsm.so, exports the RSMAPI only).
 */
#ifndef _RSM_INTERNAL_H
#define _RSM_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rsmapi.h>
#include <rsm_ioctl.h>

/* Marks the RSMAPI entry points; everything else stays hidden. */
#define RSM_PUBLIC __attribute__((visibility("default")))

/* ------------------------------------------------------------------ */
/* Handle registry (spec A10)                                          */
/* ------------------------------------------------------------------ */

/*
 * Every handle the library gives out starts with struct rsm_handle.  The
 * kind tag lets the functions that take "void *memseg" tell export from
 * import handles, and the registry lets every function reject pointers it
 * never handed out (stale, freed, foreign, wrong kind) with the NULL-handle
 * error code instead of dereferencing them.
 */
enum rsm_handle_kind {
	RSM_HANDLE_CONTROLLER = 1,
	RSM_HANDLE_EXPORT,
	RSM_HANDLE_IMPORT,
	RSM_HANDLE_LOCALMEM,
};

struct rsm_handle {
	enum rsm_handle_kind kind;	/* set by rsm_handle_register() */
	struct rsm_handle *hash_next;	/* registry chain, registry lock */
};

void rsm_handle_register(struct rsm_handle *h, enum rsm_handle_kind kind);
void rsm_handle_unregister(struct rsm_handle *h);
bool rsm_handle_is_live(const void *p, enum rsm_handle_kind kind);

/* ------------------------------------------------------------------ */
/* Controllers                                                         */
/* ------------------------------------------------------------------ */

/* A controller name split per spec 3.2. */
struct rsm_ctlr_name {
	char type[MAXNAMELEN];		/* prefix before the trailing digits */
	int unit;			/* value of the trailing digits, or 0 */
	bool loopback;			/* any case of "loopback<digits>" */
	char canon[RSM_NAME_MAX];	/* name the kernel is asked about */
};

int rsm_ctlr_name_parse(const char *name, struct rsm_ctlr_name *out);
bool rsm_ctlr_name_same(const struct rsm_ctlr_name *a,
	const struct rsm_ctlr_name *b);

/*
 * Per-process controller handle.  Handles are shared by every
 * rsm_get_controller() of the same controller and reference counted.
 * A handle whose count dropped to 0 stays allocated and registered, in
 * state "released": it owns no kernel resource, the set of controllers is
 * small and bounded, and keeping it turns later use of a released handle
 * into the spec's error codes (4 from get_controller_attr, 3 from
 * release_controller) instead of a use after free.  A later
 * rsm_get_controller() of the same name revives it.
 *
 * All fields after hdr are protected by the controller list lock
 * (rsm_controller.c); they only change while refcnt goes 0 -> 1.
 */
struct __rsmapi_controller_handle {
	struct rsm_handle hdr;
	struct __rsmapi_controller_handle *next;	/* process list */
	unsigned int refcnt;				/* 0 = released */
	struct rsm_ctlr_name id;	/* which controller; never changes */
	uint32_t ctlr_index;		/* kernel's index, 0 = loopback */
	rsm_addr_t controller_addr;	/* hardware address */
	rsmapi_controller_attr_t attr;
};

/* ------------------------------------------------------------------ */
/* Export segments                                                     */
/* ------------------------------------------------------------------ */

/*
 * An export segment handle.  @fd is the segment's own descriptor (bound in
 * the kernel); @lock protects @vaddr and @pollfd_refs.
 */
struct __rsm_memseg_export_handle {
	struct rsm_handle hdr;
	pthread_mutex_t lock;
	int fd;
	rsmapi_controller_handle_t controller;
	void *vaddr;
	size_t length;
	uint_t flags;
	unsigned int pollfd_refs;
};

/* ------------------------------------------------------------------ */
/* Import segments                                                     */
/* ------------------------------------------------------------------ */

/* Library-visible import states (spec 1.9); disconnect frees the handle. */
enum rsm_import_state {
	RSM_IMPORT_CONNECTED = 1,
	RSM_IMPORT_MAPPED_IMPLICIT,	/* first put/get; a state, no mapping */
	RSM_IMPORT_MAPPED_EXPLICIT,	/* rsm_memseg_import_map() */
};

/*
 * An import segment handle.  @fd is the handle's own descriptor, bound by
 * RSM_IOC_IMPORT_CONNECT; closing it disconnects.  The fields up to
 * @cookie are set at connect and never change.  @lock protects the rest.
 * The map_* fields describe the window of rsm_memseg_import_map() and are
 * meaningful only in state RSM_IMPORT_MAPPED_EXPLICIT.
 */
struct __rsm_memseg_import_handle {
	struct rsm_handle hdr;
	pthread_mutex_t lock;
	int fd;
	rsmapi_controller_handle_t controller;
	rsm_permission_t perm;		/* granted connection permission */
	uint64_t size;			/* exporter's segment length */
	uint32_t generation;		/* kernel generation at connect */
	bool local;			/* exporter is this node: CPU copies */
	uint32_t cookie;		/* tells barriers of a reused address */

	enum rsm_import_state state;
	rsm_barrier_mode_t mode;
	rsmapi_barrier_t *barrier;	/* current barrier (spec 1.10), or NULL */
	uint64_t failures;		/* explicit-mode transfers that failed */
	unsigned int pollfd_refs;	/* rsm_memseg_get_pollfd() references */
	uint64_t map_offset;		/* window start in the segment */
	uint64_t map_length;		/* window length as asked */
	void *map_addr;			/* where it is mapped */
	size_t map_len;			/* bytes mapped: map_length in pages */
	rsm_permission_t map_perm;	/* protection asked for */
};

struct __rsm_memseg_import_handle *rsm_import_lookup(
	rsm_memseg_import_handle_t im_memseg);
int rsm_import_sigpost(struct __rsm_memseg_import_handle *imp, uint_t flags);

/*
 * The part of the segment put and get may reach, [*lo, *hi):
 * the window of an explicit mapping, else the whole segment.  Caller holds
 * imp->lock.
 */
static inline void rsm_import_reach(const struct __rsm_memseg_import_handle *imp,
	uint64_t *lo, uint64_t *hi)
{
	if (imp->state == RSM_IMPORT_MAPPED_EXPLICIT) {
		*lo = imp->map_offset;
		*hi = imp->map_offset + imp->map_length;
	} else {
		*lo = 0;
		*hi = imp->size;
	}
}

/* ------------------------------------------------------------------ */
/* Events                                                              */
/* ------------------------------------------------------------------ */

int rsm_signal_post_fd(int fd, uint_t flags);
int rsm_signal_consume_fd(int fd, int timeout);
bool rsm_pollfd_is_registered(int fd);

/* ------------------------------------------------------------------ */
/* Local memory handles                                                */
/* ------------------------------------------------------------------ */

/*
 * A local memory handle (spec 1.4, 3.13): its own descriptor, bound by
 * RSM_IOC_LOCALMEM_CREATE over the page-rounded range.  Nothing changes
 * after creation, so there is no lock.
 */
struct __rsm_localmemory_handle {
	struct rsm_handle hdr;
	int fd;
	rsmapi_controller_handle_t controller;
	caddr_t vaddr;
	size_t length;			/* as given; entries must stay inside */
};

/* ------------------------------------------------------------------ */
/* /dev/rsm                                                            */
/* ------------------------------------------------------------------ */

int rsm_errno_to_rsmerr(int err);
int rsm_ioctl_status(int rc, int err);
int rsm_ctl_fd(int *fdp);
int rsm_ctl_ioctl(unsigned long request, void *arg);
int rsm_seg_fd_bind(unsigned long request, void *arg, int *fdp);
int rsm_seg_ioctl(int fd, unsigned long request, void *arg);
size_t rsm_page_size(void);

/* ------------------------------------------------------------------ */
/* Topology and segment id file                                        */
/* ------------------------------------------------------------------ */

int rsm_topology_from_kernel(const void *kbuf, size_t klen,
	rsm_topology_t **topology);

#define RSM_SEGMENTID_PATH "/etc/rsm/rsm.segmentid"

int rsm_segmentid_range_lookup(const char *path, const char *appid,
	rsm_memseg_id_t *baseid, uint32_t *length);

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */
/* ------------------------------------------------------------------ */

/*
 * Name and keyword comparisons are ASCII case-insensitive on purpose:
 * strcasecmp() follows the locale, and a controller or appid must not
 * match differently because the application called setlocale().
 */
static inline int rsm_ascii_lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

static inline bool rsm_ascii_caseeq(const char *a, const char *b)
{
	while (*a != '\0' && rsm_ascii_lower((unsigned char)*a) ==
	       rsm_ascii_lower((unsigned char)*b)) {
		a++;
		b++;
	}
	return rsm_ascii_lower((unsigned char)*a) ==
	       rsm_ascii_lower((unsigned char)*b);
}

static inline bool rsm_ascii_isspace(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static inline bool rsm_ascii_isdigit(int c)
{
	return c >= '0' && c <= '9';
}

#endif /* _RSM_INTERNAL_H */
