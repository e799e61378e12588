/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The random half of rsm_fuzz_test.c: a worker's address space laid out
 * with good and bad user memory of every kind, values that sit on the
 * edges the kernel checks, the argument structs of every /dev/rsm request
 * filled from them, and the counts the workers keep (in a shared page, so
 * that they survive SIGKILL).  The values and the argument structs are in
 * rsm_fuzz_args.h.
 *
 * Everything a request may make the kernel write to is bounded: buffers
 * are handed out for the length the request names, inside memory that
 * ends in a PROT_NONE page, so that a transfer the kernel accepts cannot
 * overwrite the worker's own stack, heap or libraries.  The only memory
 * a worker writes itself is its argument page and its mappings of import
 * segments.
 */
#ifndef RSM_SELFTEST_FUZZ_H
#define RSM_SELFTEST_FUZZ_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "rsm_cluster.h"

/* Segment ids: FZ_HONEST honest segments per node, then the workers' own. */
#define FZ_HONEST		3
#define FZ_SEGID(node, k)	(0x46f00000U | ((uint32_t)(node) << 4) | (k))
#define FZ_WORKER_SEGID		0x46f10000U
#define FZ_WORKER_SEGIDS	64

#define FZ_DATA_PAGES		512	/* plain memory: buffers, exports */
#define FZ_SCRATCH_PAGES	64	/* where MAP_FIXED mappings go */
#define FZ_ARRAYS		1024	/* access lists and vectors, in the arg page */
#define FZ_ARGBUF		2048	/* a buffer in the arg page */
#define FZ_MAX_FDS		16
#define FZ_MAX_MAPS		8
#define FZ_CODES		256
#define FZ_KERNEL_ADDR		0xffff888000000000ULL

/*
 * Every request of rsm_ioctl.h but RSM_IOC_CLUSTER_SET and _KEY, which
 * would reconfigure the cluster under the test (root may; not tested).
 */
#define FZ_CMDS(X)							\
	X(VERSION) X(CTLR_ATTR) X(TOPOLOGY) X(STATUS) X(EXPORT_CREATE)	\
	X(EXPORT_PUBLISH) X(EXPORT_REPUBLISH) X(EXPORT_UNPUBLISH)	\
	X(EXPORT_REBIND) X(IMPORT_CONNECT) X(IMPORT_PUT) X(IMPORT_GET)	\
	X(IMPORT_PUTV) X(IMPORT_GETV) X(IMPORT_STATE) X(MAP_SYNC)	\
	X(MAP_REFRESH) X(SIGNAL_POST) X(SIGNAL_WAIT) X(LOCALMEM_CREATE) \
	X(TEST_RDMA)
#define FZ_ENUM(c)	FZ_##c,
#define FZ_NR(c)	RSM_IOC_##c,
#define FZ_NAME(c)	#c,

enum fz_cmd {
	FZ_CMDS(FZ_ENUM)
	FZ_NREAL,
	FZ_MAGIC = FZ_NREAL,	/* type RSM_IOC_MAGIC, not a request */
	FZ_JUNK,		/* any other number */
	FZ_NCMD
};

static const unsigned int fz_cmd_nr[FZ_NREAL] = { FZ_CMDS(FZ_NR) };
static const char *const fz_cmd_name[FZ_NCMD] = {
	FZ_CMDS(FZ_NAME) "magic", "junk",
};

/* What a worker does in one step (rsm_fuzz_steps.h) */
enum fz_op {
	FZ_OP_RAW, FZ_OP_OPEN, FZ_OP_BIND, FZ_OP_USE, FZ_OP_MMAP, FZ_OP_TOUCH,
	FZ_OP_VMA, FZ_OP_MEMCHURN, FZ_OP_FDS, FZ_OP_FORK,
	FZ_NOPS
};

/* Shared by the test process and every worker; counts only grow. */
struct fz_stats {
	unsigned long ioctls;
	unsigned long cmd[FZ_NCMD];
	unsigned long ret_ok, ret_other;
	unsigned long ret_rsmerr[FZ_CODES];	/* positive RSMERR codes */
	unsigned long ret_errno[FZ_CODES];	/* -1 with errno */
	unsigned long mmaps, mmap_ok;
	unsigned long mmap_errno[FZ_CODES];
	unsigned long op[FZ_NOPS];
	unsigned long touches, segv, bus;
	unsigned long stray;		/* faults outside a touch */
};

#define FZ_ADD(x)	__atomic_fetch_add(&(x), 1, __ATOMIC_RELAXED)

enum fz_kind { FZ_K_NONE, FZ_K_EXPORT, FZ_K_IMPORT, FZ_K_LOCALMEM };

/* A descriptor of /dev/rsm and what the worker believes it is bound to */
struct fz_fd {
	int fd;
	enum fz_kind kind;
	uint64_t size;
};

struct fz_map {
	char *addr;
	size_t len;
	bool fixed;		/* in the scratch area */
};

struct fz_worker {
	uint64_t rng;
	int me, nodes;
	double deadline;
	size_t pg;
	/*
	 * One reservation: data | none | ro ro | none | arg | none |
	 * scratch... | none.  The PROT_NONE pages end every area.
	 */
	char *data, *none, *ro, *arg, *scratch;
	struct fz_fd fds[FZ_MAX_FDS];
	int nfds;
	struct fz_map maps[FZ_MAX_MAPS];
	int nmaps;
	bool child;		/* forked by a worker: forks no further */
	struct fz_stats *st;
};

union fz_arg {
	unsigned char raw[256];
	struct rsm_ioc_ctlr_attr attr;
	struct rsm_ioc_buf buf;
	struct rsm_ioc_export_create create;
	struct rsm_ioc_export_publish pub;
	struct rsm_ioc_export_rebind rebind;
	struct rsm_ioc_import_connect conn;
	struct rsm_ioc_xfer xfer;
	struct rsm_ioc_sgio sgio;
	struct rsm_ioc_signal sig;
	struct rsm_ioc_localmem lm;
	struct rsm_ioc_test_rdma rdma;
};

static inline double fz_now(void)
{
	return rsmt_time();
}

/* splitmix64: small, and any seed is a good one */
static inline uint64_t fz_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static inline uint64_t fz_rnd(struct fz_worker *w)
{
	w->rng += 0x9e3779b97f4a7c15ULL;
	return fz_mix(w->rng);
}

static inline uint64_t fz_below(struct fz_worker *w, uint64_t n)
{
	return n ? fz_rnd(w) % n : 0;
}

static inline bool fz_chance(struct fz_worker *w, unsigned int pct)
{
	return fz_below(w, 100) < pct;
}

static inline void fz_bytes(struct fz_worker *w, void *p, size_t len)
{
	unsigned char *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		b[i] = fz_rnd(w);
}

#define FZ_N(a)	(sizeof(a) / sizeof((a)[0]))

/* A descriptor bound to @kind mostly, any other else; NULL if none */
static inline struct fz_fd *fz_fd_pick(struct fz_worker *w,
				       enum fz_kind kind)
{
	int i, k, start;

	if (!w->nfds)
		return NULL;
	start = fz_below(w, w->nfds);
	for (i = 0; i < w->nfds && fz_chance(w, 85); i++) {
		k = (start + i) % w->nfds;
		if (w->fds[k].kind == kind)
			return &w->fds[k];
	}
	return &w->fds[start];
}

static inline void fz_bound(struct fz_fd *f, enum fz_kind kind,
			    uint64_t size)
{
	f->kind = kind;
	f->size = size;
}

static inline void fz_reserve(char *addr, size_t len)
{
	mmap(addr, len, PROT_NONE,
	     MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
}

/* The layout of struct fz_worker, in one reservation */
static inline int fz_arena(struct fz_worker *w)
{
	size_t pg = w->pg, total = (FZ_DATA_PAGES + 7 + FZ_SCRATCH_PAGES) * pg;
	const int rw = PROT_READ | PROT_WRITE;
	char *p = mmap(NULL, total, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return -1;
	w->data = p;
	w->none = p + FZ_DATA_PAGES * pg;
	w->ro = w->none + pg;
	w->arg = w->ro + 3 * pg;
	w->scratch = w->arg + 2 * pg;
	if (mprotect(w->data, FZ_DATA_PAGES * pg, rw) ||
	    mprotect(w->ro, 2 * pg, PROT_READ) || mprotect(w->arg, pg, rw))
		return -1;
	return 0;
}

static inline void fz_fd_del(struct fz_worker *w, int i)
{
	w->fds[i] = w->fds[--w->nfds];
}

/* A new descriptor, read/write @rw_pct % of the time; a full table loses one */
static inline struct fz_fd *fz_open(struct fz_worker *w,
				    unsigned int rw_pct)
{
	int i, fd, flags = fz_chance(w, rw_pct) ? O_RDWR :
			   fz_chance(w, 80) ? O_RDONLY : O_WRONLY;

	if (fz_chance(w, 20))
		flags |= O_CLOEXEC;
	if (fz_chance(w, 10))
		flags |= O_NONBLOCK;
	if (w->nfds == FZ_MAX_FDS) {
		i = fz_below(w, w->nfds);
		close(w->fds[i].fd);
		fz_fd_del(w, i);
	}
	fd = open(RSM_DEVICE_PATH, flags);
	if (fd < 0)
		return NULL;
	w->fds[w->nfds] = (struct fz_fd){ .fd = fd, .kind = FZ_K_NONE };
	return &w->fds[w->nfds++];
}

#endif
