/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The arguments of rsm_fuzz_test.c's requests, the rest of its random
 * half (rsm_fuzz.h): values that sit on the edges the kernel checks, user
 * buffers good and bad, the argument structs of every /dev/rsm request
 * filled from them and placed at random, and the requests made with them.
 */
#ifndef RSM_SELFTEST_FUZZ_ARGS_H
#define RSM_SELFTEST_FUZZ_ARGS_H

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>

#include "rsm_ctlr.h"
#include "rsm_fuzz.h"

/* Sizes, lengths and addresses the kernel has to tell apart */
static inline uint64_t fz_u64(struct fz_worker *w)
{
	const uint64_t pg = w->pg;
	const uint64_t v[] = {
		0, 1, 2, 7, 8, pg - 1, pg, pg + 1, 17 * pg, 256 << 10,
		INT_MAX, 1ULL << 31, UINT32_MAX, 1ULL << 32, 1ULL << 63,
		UINT64_MAX, UINT64_MAX - pg + 1, FZ_DATA_PAGES * pg,
	};

	if (fz_chance(w, 25))
		return fz_rnd(w);
	return v[fz_below(w, FZ_N(v))];
}

static inline uint32_t fz_u32(struct fz_worker *w)
{
	return fz_chance(w, 80) ? (uint32_t)fz_u64(w) : (uint32_t)fz_rnd(w);
}

/* A node id: one of the cluster mostly */
static inline uint32_t fz_node(struct fz_worker *w)
{
	const uint32_t v[] = {
		0, RSM_MAX_NODE - 1, RSM_MAX_NODE, RSM_NODEID_NONE, 64, 128,
	};

	if (fz_chance(w, 85))
		return 1 + fz_below(w, w->nodes);
	if (fz_chance(w, 60))
		return v[fz_below(w, FZ_N(v))];
	return fz_rnd(w);
}

/* A segment id: the honest ones, the workers' own, reserved, random */
static inline uint32_t fz_segid(struct fz_worker *w)
{
	const uint32_t v[] = {
		0, 1, 0x3fffff, 0x400000, 0x7fffffff, 0x80000000U, UINT32_MAX,
	};

	switch (fz_below(w, 10)) {
	case 0: case 1: case 2: case 3: case 4:
		return FZ_SEGID(1 + fz_below(w, w->nodes),
				fz_below(w, FZ_HONEST));
	case 5: case 6: case 7:
		return FZ_WORKER_SEGID + fz_below(w, FZ_WORKER_SEGIDS);
	case 8:
		return v[fz_below(w, FZ_N(v))];
	default:
		return fz_rnd(w);
	}
}

/* An offset or length for something of @size: inside, on and past it */
static inline uint64_t fz_near(struct fz_worker *w, uint64_t size)
{
	switch (fz_below(w, 10)) {
	case 0:
		return 0;
	case 1:
		return size;
	case 2:
		return size + 1 + fz_below(w, w->pg);
	case 3:
		return fz_u64(w);
	default:
		return fz_below(w, size + 1);
	}
}

/* A number of pages: a few mostly, all of the data, none, too many */
static inline uint64_t fz_pages(struct fz_worker *w)
{
	switch (fz_below(w, 20)) {
	case 0:
		return 0;
	case 1:
		return FZ_DATA_PAGES;
	case 2:
		return FZ_DATA_PAGES + 1;
	case 3: case 4:
		return 17 + fz_below(w, FZ_DATA_PAGES - 17);
	default:
		return 1 + fz_below(w, 16);
	}
}

/* @pages pages of the data area, at a random page */
static inline uint64_t fz_data_at(struct fz_worker *w, uint64_t pages)
{
	uint64_t room = pages <= FZ_DATA_PAGES ? FZ_DATA_PAGES - pages : 0;

	return (uint64_t)w->data + fz_below(w, room + 1) * w->pg;
}

/* A controller name: good, wrong case, unknown, unterminated, junk */
static inline void fz_name(struct fz_worker *w, char *name)
{
	static const char *const v[] = {
		"rxe0", "loopback", "LOOPBACK", "RXE0", "rxe1", "", "lo",
		"eth0", "loopback0",
	};

	memset(name, 0, RSM_NAME_MAX);
	switch (fz_below(w, 10)) {
	case 0:
		memset(name, 'x', RSM_NAME_MAX);
		break;
	case 1:
		fz_bytes(w, name, RSM_NAME_MAX);
		break;
	case 2:
		fz_bytes(w, name, RSM_NAME_MAX);
		strcpy(name, rsmt_ctlr());	/* junk after the NUL */
		break;
	default:
		strcpy(name, v[fz_below(w, FZ_N(v))]);
	}
}

/* A controller that exists mostly */
static inline void fz_ctlr(struct fz_worker *w, char *name)
{
	if (!fz_chance(w, 85)) {
		fz_name(w, name);
		return;
	}
	memset(name, 0, RSM_NAME_MAX);
	strcpy(name, fz_chance(w, 70) ? rsmt_ctlr() : RSM_LOOPBACK_NAME);
}

/*
 * An address nothing may be read or written at.  Not "random user
 * addresses": one of those could hit the worker's own libraries, so
 * random ones are kernel-half.
 */
static inline uint64_t fz_ptr_bad(struct fz_worker *w)
{
	switch (fz_below(w, 8)) {
	case 0:
		return 0;
	case 1:		/* below mmap_min_addr */
		return 0x1000 * (1 + fz_below(w, 14)) + fz_below(w, 8);
	case 2:		/* the end of user space, non-canonical */
		return fz_chance(w, 50) ? 0x7ffffffff000ULL : 0x800000000000ULL;
	case 3:
		return FZ_KERNEL_ADDR + w->pg * fz_below(w, 16) +
		       fz_below(w, 8);
	case 4:
		return (uint64_t)w->none + fz_below(w, w->pg);
	case 5:		/* readable, never writable: zeroes */
		return (uint64_t)w->ro + fz_below(w, w->pg);
	case 6:
		return (uint64_t)w->data + FZ_DATA_PAGES * w->pg - 1 -
		       fz_below(w, 8);
	default:
		return fz_rnd(w) | (1ULL << 63);
	}
}

/*
 * A user buffer for @len bytes: the data area mostly, a mapping of an
 * import, the arg page, misaligned, or bad.  Whatever the kind, the
 * kernel can reach nothing but these areas and their guard pages with
 * @len bytes from it.
 */
static inline uint64_t fz_ptr(struct fz_worker *w, uint64_t len)
{
	uint64_t dlen = FZ_DATA_PAGES * w->pg;
	struct fz_map *m;

	switch (fz_below(w, 20)) {
	case 0: case 1:
		return (uint64_t)w->data + 1 + fz_below(w, 7) +
		       w->pg * fz_below(w, 4);
	case 2:		/* runs into the guard page after the data */
		return (uint64_t)w->data + dlen - 1 - fz_below(w, w->pg);
	case 3: case 4:
		if (!w->nmaps)
			break;
		m = &w->maps[fz_below(w, w->nmaps)];
		/* scratch mappings end in scratch; others must hold @len */
		if (m->fixed)
			return (uint64_t)m->addr + fz_below(w, m->len);
		if (len <= m->len)
			return (uint64_t)m->addr + fz_below(w, m->len - len + 1);
		break;
	case 5:
		return (uint64_t)w->arg + FZ_ARGBUF + fz_below(w, 8);
	case 6: case 7:
		return fz_ptr_bad(w);
	default:
		break;
	}
	return fz_data_at(w, (len + w->pg - 1) / w->pg);
}

/*
 * Where an argument struct of @len bytes goes: the arg page mostly, also
 * misaligned, across the guard page after it, or somewhere bad.  *@back
 * tells whether it is all in the arg page (so that the answer can be
 * read back).
 */
static inline void *fz_place(struct fz_worker *w, const void *s, size_t len,
			     bool *back)
{
	size_t room;
	char *p;

	switch (fz_below(w, 25)) {
	case 0: case 1:
		p = w->arg + 1 + fz_below(w, 7);
		break;
	case 2:
		p = w->arg + w->pg - 1 - fz_below(w, len > 1 ? len - 1 : 1);
		break;
	case 3: case 4:
		*back = false;
		return (void *)fz_ptr_bad(w);
	default:
		p = w->arg;
	}
	room = w->arg + w->pg - p;
	memcpy(p, s, len < room ? len : room);
	*back = len <= room;
	return p;
}

/* The one place requests are made: counted by request and by answer. */
static inline long fz_ioctl(struct fz_worker *w, int fd, enum fz_cmd idx,
			    unsigned int cmd, void *arg)
{
	struct fz_stats *st = w->st;
	long ret = ioctl(fd, cmd, arg);

	FZ_ADD(st->ioctls);
	FZ_ADD(st->cmd[idx]);
	if (ret == 0)
		FZ_ADD(st->ret_ok);
	else if (ret > 0 && ret < FZ_CODES)
		FZ_ADD(st->ret_rsmerr[ret]);
	else if (ret == -1 && errno > 0 && errno < FZ_CODES)
		FZ_ADD(st->ret_errno[errno]);
	else
		FZ_ADD(st->ret_other);
	return ret;
}

/* Access list: none, a few, the most, one too many; in the arg page */
static inline void fz_acl(struct fz_worker *w,
			  struct rsm_ioc_export_publish *p)
{
	struct rsm_ioc_acl_entry *e = (void *)(w->arg + FZ_ARRAYS);
	const uint32_t perms[] = { 0666, 0600, 0444, 0644, 0, 0777, 01000 };
	uint32_t n, i;

	switch (fz_below(w, 10)) {
	case 0: case 1: case 2: case 3:
		n = 0;
		break;
	case 4:
		n = RSM_ACL_MAX + fz_below(w, 2);
		break;
	case 5:
		n = fz_u32(w);
		break;
	default:
		n = 1 + fz_below(w, 4);
	}
	for (i = 0; i < n && i <= RSM_ACL_MAX; i++) {
		e[i].node = fz_node(w);
		e[i].perm = fz_chance(w, 90) ?
			    perms[fz_below(w, FZ_N(perms))] :
			    fz_u32(w);
	}
	p->acl_len = n;
	p->acl = fz_chance(w, 90) ? (uint64_t)e :
				    fz_ptr(w, (uint64_t)n * sizeof(*e));
}

/* One vector entry: user memory, a local memory handle, or junk */
static inline void fz_sg_entry(struct fz_worker *w,
			       struct rsm_ioc_sg_entry *e, uint64_t size,
			       const struct fz_fd *lm, const struct fz_fd *any)
{
	memset(e, 0, sizeof(*e));
	e->remote_offset = fz_near(w, size);
	e->len = fz_near(w, size > e->remote_offset ?
			 size - e->remote_offset : 0);
	switch (fz_below(w, 10)) {
	case 5: case 6: case 7:
		if (!lm)
			goto user;
		e->lmem_fd = lm->fd;
		e->addr = fz_near(w, lm->size);
		break;
	case 8:
		e->lmem_fd = any ? any->fd : -1;
		e->addr = fz_u64(w);
		break;
	case 9:
		e->lmem_fd = fz_u32(w);
		e->addr = fz_u64(w);
		break;
	default:
user:
		e->lmem_fd = -1;
		e->addr = fz_ptr(w, e->len);
	}
	if (fz_chance(w, 3))
		e->pad = fz_u32(w);
}

/* A transfer request for an import of @size bytes */
static inline void fz_fill_xfer(struct fz_worker *w, struct rsm_ioc_xfer *x,
				uint64_t size)
{
	const uint32_t widths[] = { 1, 2, 4, 8, 0, 3, 16 };
	uint32_t width = widths[fz_below(w, fz_chance(w, 95) ? 4 : 7)];

	x->width = width;
	x->offset = fz_near(w, size);
	x->len = fz_near(w, size > x->offset ? size - x->offset : 0);
	if (width && !(width & (width - 1)) && fz_chance(w, 80)) {
		x->offset &= ~(uint64_t)(width - 1);
		x->len &= ~(uint64_t)(width - 1);
	}
	x->addr = fz_ptr(w, x->len);
	x->flags = fz_chance(w, 95) ? 0 : fz_u32(w);
}

/* Events: waits of 0..50 ms only, whatever else the struct holds */
static inline void fz_fill_signal(struct fz_worker *w,
				  struct rsm_ioc_signal *s, bool wait)
{
	s->flags = fz_chance(w, 80) ? 0 :
		   fz_chance(w, 50) ? RSM_SIGNAL_NO_ACCUMULATE : fz_u32(w);
	s->timeout_ms = fz_chance(w, 85) ? 0 : (int32_t)fz_u32(w);
	if (wait)
		s->timeout_ms = fz_below(w, 51);
}

static inline void fz_fill_export(struct fz_worker *w, enum fz_cmd idx,
				  union fz_arg *a, uint64_t size)
{
	uint64_t pages = fz_pages(w);

	switch (idx) {
	case FZ_EXPORT_CREATE:
		fz_ctlr(w, a->create.ctlr);
		a->create.len = fz_chance(w, 85) ? pages * w->pg : fz_u64(w);
		a->create.vaddr = fz_chance(w, 85) ? fz_data_at(w, pages) :
						     fz_ptr(w, a->create.len);
		a->create.flags = fz_chance(w, 85) ? fz_below(w, 4) : fz_u32(w);
		break;
	case FZ_EXPORT_PUBLISH:
	case FZ_EXPORT_REPUBLISH:
		a->pub.segid = fz_chance(w, 10) ? 0 : fz_segid(w);
		fz_acl(w, &a->pub);
		break;
	case FZ_EXPORT_REBIND:
		if (fz_chance(w, 60))	/* what a rebind may be: same length */
			pages = size / w->pg;
		a->rebind.len = fz_chance(w, 85) ? pages * w->pg : fz_u64(w);
		a->rebind.vaddr = fz_chance(w, 85) ? fz_data_at(w, pages) :
						     fz_ptr(w, a->rebind.len);
		break;
	default:
		break;
	}
}

/* The honest segment on the loopback controller (rsm_fuzz_test.c) */
#define FZ_LOOPBACK_SEG		2

static inline void fz_fill_connect(struct fz_worker *w,
				   struct rsm_ioc_import_connect *c)
{
	const uint32_t perms[] = { 0600, 0400, 0200, 0 };
	uint32_t k = fz_below(w, FZ_HONEST);

	c->perm = fz_chance(w, 90) ? perms[fz_below(w, 4)] : fz_u32(w);
	if (fz_chance(w, 50)) {	/* an honest segment, the way it is reached */
		c->nodeid = 1 + fz_below(w, w->nodes);
		c->segid = FZ_SEGID(c->nodeid, k);
		memset(c->ctlr, 0, sizeof(c->ctlr));
		strcpy(c->ctlr, k == FZ_LOOPBACK_SEG && (int)c->nodeid == w->me ?
				RSM_LOOPBACK_NAME : rsmt_ctlr());
		c->pad = 0;
		return;
	}
	fz_ctlr(w, c->ctlr);
	c->nodeid = fz_node(w);
	c->segid = fz_segid(w);
	c->pad = fz_chance(w, 95) ? 0 : fz_u32(w);
}

static inline void fz_fill_import(struct fz_worker *w, enum fz_cmd idx,
				  union fz_arg *a, uint64_t size)
{
	struct rsm_ioc_sg_entry *e = (void *)(w->arg + FZ_ARRAYS);
	const struct fz_fd *lm = fz_fd_pick(w, FZ_K_LOCALMEM);
	const struct fz_fd *any = fz_fd_pick(w, fz_below(w, 4));
	uint32_t i;

	switch (idx) {
	case FZ_IMPORT_CONNECT:
		fz_fill_connect(w, &a->conn);
		break;
	case FZ_IMPORT_PUT:
	case FZ_IMPORT_GET:
		fz_fill_xfer(w, &a->xfer, size);
		break;
	case FZ_IMPORT_PUTV:
	case FZ_IMPORT_GETV:
		a->sgio.count = fz_chance(w, 90) ?
				1 + fz_below(w, RSM_SGIO_MAX) : fz_u32(w);
		for (i = 0; i < a->sgio.count && i <= RSM_SGIO_MAX; i++)
			fz_sg_entry(w, &e[i], size, lm, any);
		a->sgio.entries = fz_chance(w, 90) ? (uint64_t)e :
				  fz_ptr(w, (uint64_t)a->sgio.count * sizeof(*e));
		break;
	case FZ_TEST_RDMA:
		a->rdma.len = fz_chance(w, 80) ? 1 + fz_below(w, 4096) :
						 fz_u32(w);
		a->rdma.buf = fz_ptr(w, a->rdma.len);
		a->rdma.offset = fz_near(w, size);
		a->rdma.flags = fz_chance(w, 80) ? fz_below(w, 8) : fz_u32(w);
		break;
	default:
		break;
	}
}

/*
 * The argument of request @idx: random bytes or zeroes, then most fields
 * set to values worth trying.  @size is the size of what the descriptor
 * is bound to.
 */
static inline void fz_fill(struct fz_worker *w, enum fz_cmd idx,
			   union fz_arg *a, uint64_t size)
{
	if (fz_chance(w, 50))
		fz_bytes(w, a, sizeof(*a));
	else
		memset(a, 0, sizeof(*a));
	if (fz_chance(w, 10) && idx != FZ_SIGNAL_WAIT)
		return;		/* the random bytes as they are */
	switch (idx) {
	case FZ_CTLR_ATTR:
		fz_name(w, a->attr.name);
		break;
	case FZ_TOPOLOGY:
	case FZ_STATUS:
		a->buf.len = fz_chance(w, 70) ? fz_below(w, 2 * w->pg) :
						fz_u32(w);
		a->buf.buf = fz_ptr(w, a->buf.len);
		break;
	case FZ_EXPORT_CREATE ... FZ_EXPORT_REBIND:
		fz_fill_export(w, idx, a, size);
		break;
	case FZ_IMPORT_CONNECT ... FZ_IMPORT_GETV:
	case FZ_TEST_RDMA:
		fz_fill_import(w, idx, a, size);
		break;
	case FZ_SIGNAL_POST:
	case FZ_SIGNAL_WAIT:
		fz_fill_signal(w, &a->sig, idx == FZ_SIGNAL_WAIT);
		break;
	case FZ_LOCALMEM_CREATE:
		a->lm.len = fz_chance(w, 85) ? fz_pages(w) * w->pg : fz_u64(w);
		a->lm.vaddr = fz_chance(w, 85) ?
			      fz_data_at(w, a->lm.len / w->pg) :
			      fz_ptr(w, a->lm.len);
		break;
	default:
		break;
	}
}

/*
 * The VFS answers some numbers itself, before the driver: FIFREEZE would
 * freeze /dev, FS_IOC_SETFLAGS could make /dev/rsm immutable.  They test
 * the VFS, not us, and would break the run; so would the cluster
 * requests.
 */
static inline bool fz_forbidden(unsigned int cmd)
{
	const unsigned char vfs[] = { 0x00, 0x15, 'T', 'X', 'f', 0x94 };
	unsigned int i;

	if (cmd == RSM_IOC_CLUSTER_SET || cmd == RSM_IOC_CLUSTER_KEY)
		return true;
	for (i = 0; i < sizeof(vfs); i++)
		if (_IOC_TYPE(cmd) == vfs[i])
			return true;
	return false;
}

/* A request: a real one mostly, a near miss of type 0xb7, or junk */
static inline enum fz_cmd fz_pick_cmd(struct fz_worker *w, unsigned int *cmd)
{
	unsigned int r = fz_below(w, 10), i = fz_below(w, FZ_NREAL);

	if (r < 8) {
		*cmd = fz_cmd_nr[i];
		return i;
	}
	do {
		if (r == 9)
			*cmd = fz_rnd(w);
		else if (fz_chance(w, 50))
			*cmd = fz_cmd_nr[i] ^ (1U << fz_below(w, 32));
		else
			*cmd = _IOC(fz_below(w, 4), RSM_IOC_MAGIC,
				    fz_below(w, 256),
				    fz_below(w, 1U << _IOC_SIZEBITS));
	} while (fz_forbidden(*cmd));
	for (i = 0; i < FZ_NREAL; i++)
		if (*cmd == fz_cmd_nr[i])
			return i;
	return r == 9 ? FZ_JUNK : FZ_MAGIC;
}

/*
 * Request @idx (number @cmd) on @f (NULL: no descriptor), its argument
 * filled and placed at random; what a successful request binds @f to is
 * noted.  Returns what the ioctl returned, or -1 when the answer could
 * not be read back.
 */
static inline long fz_request(struct fz_worker *w, struct fz_fd *f,
			      enum fz_cmd idx, unsigned int cmd)
{
	size_t len = _IOC_SIZE(cmd) < sizeof(union fz_arg) ?
		     _IOC_SIZE(cmd) : sizeof(union fz_arg);
	int fd = f ? f->fd : -1;
	union fz_arg a;
	bool back;
	long ret;
	void *p;

	if (fz_chance(w, 3))	/* none, or closed */
		fd = fz_chance(w, 50) ? -1 : 1000 + (int)fz_below(w, 24);
	fz_fill(w, idx, &a, f ? f->size : fz_u64(w));
	p = fz_place(w, &a, len, &back);
	ret = fz_ioctl(w, fd, idx, cmd, p);
	if (ret || !back)
		return ret ? ret : -1;
	memcpy(&a, p, len);
	if (!f || fd != f->fd)
		return 0;
	if (idx == FZ_EXPORT_CREATE)
		fz_bound(f, FZ_K_EXPORT, a.create.len);
	else if (idx == FZ_IMPORT_CONNECT)
		fz_bound(f, FZ_K_IMPORT, a.conn.size);
	else if (idx == FZ_LOCALMEM_CREATE)
		fz_bound(f, FZ_K_LOCALMEM, a.lm.len);
	return 0;
}

#endif
