// SPDX-License-Identifier: GPL-2.0-only
/*
 * Export churn under load, on every node of a cluster at once (issue:
 * "three nodes, three processes each").  Every process exports a 64 KiB
 * segment under an id of its own and, at random moments, rebinds it
 * (carrying the contents over) or unpublishes it and publishes it again,
 * while it connects to random segments on every node and writes, then
 * reads back, a slot of its own in explicit barrier spans: put/get,
 * put64/get64, putv/getv, or stores and loads through a mapping.
 *
 * The data rule: no close_barrier that returned 0 covered wrong data.  A
 * span the churn broke (a failed close, an aborted import) is expected;
 * the process reconnects and goes on.  The churn must also never tear a
 * node pair's connection down, never make a connect to a live node fail
 * with RSMERR_REMOTE_NODE_UNREACHABLE, and leave the module's counts as
 * they were.  Once the churn has stopped, every process writes its slot
 * into every segment once more, and every exporter must find each of them
 * in its own memory, byte for byte.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <rsmapi.h>

#include "../kselftest_harness.h"
#include "rsm_cluster.h"
#include "rsm_guard.h"
#include "rsm_stress.h"

#define PROCS		3		/* churning processes per node */
#define SEG_BASE	0x4c0000	/* + node * 16 + process */
#define SEG_LEN		(64 * 1024)
#define SLOT		64		/* one process's part of a segment */
#define SLOT_BASE	(4096 - 4 * SLOT - SLOT / 2)
#define MAX_SLOTS	24
#define EPOCH_OFF	0		/* u64 the exporter bumps at each rebind */
#define FINAL_SEQ	0xfffffff0u	/* the images written after the churn */
#define CHURN_S		60		/* default; RSM_CHURN_SECONDS */
#define CHURN_S_MAX	1200
#define STEP_S		120
#define SETTLE_S	30
#define REAP_S		60	/* workers exit after the last phase */
#define STUCK_S		10	/* a torn slot this old, and no churn: wrong */
#define NOISY		5	/* failures a process describes on stderr */

/*
 * The slots lie side by side around the end of the first page (4 KiB or
 * more), slot 4 across it: the processes' stores through mappings share
 * pages (only the bytes each changed may travel), and one of them dirties
 * two pages.
 */
static size_t slot_off(unsigned int g)
{
	return SLOT_BASE + (size_t)g * SLOT;
}

/* Segment of the process with global index @g (node g / PROCS + 1). */
static rsm_memseg_id_t seg_id(unsigned int g)
{
	return SEG_BASE + (g / PROCS + 1) * 16 + g % PROCS;
}

/*
 * A slot image: owner (g + 1) and sequence number, then 56 bytes that
 * depend on both, so that a mix of two writes is never a valid image.
 */
static void slot_make(uint64_t *s, unsigned int g, uint32_t seq)
{
	uint32_t hdr[2] = { g + 1, seq };

	memcpy(s, hdr, sizeof(hdr));
	rsmt_fill_pattern((char *)s + 8, SLOT - 8, 8, seq * 16 + g);
}

/* All zero (never written), or a whole image that process @g wrote. */
static bool slot_valid(const uint64_t *s, unsigned int g)
{
	static const uint64_t zero[SLOT / 8];
	uint64_t want[SLOT / 8];
	uint32_t hdr[2];

	memcpy(hdr, s, sizeof(hdr));
	if (!hdr[0])
		return !memcmp(zero, s, SLOT);
	slot_make(want, g, hdr[1]);
	return hdr[0] == g + 1 && !memcmp(want, s, SLOT);
}

enum method { M_PUTGET, M_PUT64, M_PUTV, M_MAP, NMETHODS };

static const char *const method_name[NMETHODS] = {
	"put/get", "put64/get64", "putv/getv", "mapping",
};

/* What one process saw; in memory it shares with the test process. */
struct churn_stats {
	unsigned long accesses, spans_ok, spans_failed;
	unsigned long exact;		/* read-backs checked in a later span */
	unsigned long skipped;		/* not checked: a rebind in between */
	unsigned long method_done[NMETHODS];
	unsigned long connects, aborted, dropped;
	unsigned long rebinds, unpublishes, self_checks, torn_seen;
	/* failures */
	unsigned long violations, torn_stuck, unreachable, unexpected;
	unsigned long final_bad;
	unsigned long rc_connect[RSMT_CODES], rc_open[RSMT_CODES];
	unsigned long rc_op[RSMT_CODES], rc_close[RSMT_CODES];
	char first[256];		/* the first failure, in words */
};

struct churn_import {
	rsm_memseg_import_handle_t im;
	rsmapi_barrier_t bar;
};

/* One slot of our own memory, as the self check last saw it. */
struct slot_watch {
	uint32_t seq;			/* of the last valid image */
	unsigned long churns;		/* our churn count when last valid */
	double since;			/* torn, unchanged, since; 0: valid */
	bool told;
	uint64_t seen[SLOT / 8];
};

struct churn_proc {
	unsigned int me, idx, g, ntargets;
	int cmd, rep;			/* pipes from and to the test process */
	rsmapi_controller_handle_t ctl;
	rsm_memseg_export_handle_t e;
	char *buf;			/* bound to e */
	uint64_t epoch;
	bool published;
	unsigned long churns;		/* rebinds and unpublishes so far */
	double republish_at, next_action;
	uint32_t seq;
	unsigned int rnd, complaints;
	struct churn_import imp[MAX_SLOTS];
	struct slot_watch watch[MAX_SLOTS];
	struct churn_stats *st;
};

static __attribute__((format(printf, 3, 4)))
void complain(struct churn_proc *p, unsigned long *counter, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	(*counter)++;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!p->st->first[0])
		snprintf(p->st->first, sizeof(p->st->first), "%s", msg);
	if (p->complaints++ < NOISY)
		fprintf(stderr, "# node %u process %u: %s\n", p->me, p->idx, msg);
}

static unsigned int rnd(struct churn_proc *p)
{
	p->rnd ^= p->rnd << 13;
	p->rnd ^= p->rnd >> 17;
	p->rnd ^= p->rnd << 5;
	return p->rnd;
}

/* A random time from now, @lo_ms to @hi_ms. */
static double rnd_later(struct churn_proc *p, unsigned int lo_ms,
			unsigned int hi_ms)
{
	return rsmt_time() + (lo_ms + rnd(p) % (hi_ms - lo_ms + 1)) / 1000.0;
}

/* ---- the import side ------------------------------------------------ */

static void import_drop(struct churn_proc *p, unsigned int t)
{
	int ret = rsm_memseg_import_disconnect(p->imp[t].im);

	if (ret)
		complain(p, &p->st->unexpected, "disconnect from segment %#x: %d",
			 seg_id(t), ret);
	p->imp[t].im = NULL;
}

/*
 * Connect to segment @t with a barrier, in explicit mode.  Not published
 * (the exporter is between unpublish and publish) is expected; any other
 * failure counts.
 */
static int import_connect(struct churn_proc *p, unsigned int t)
{
	struct churn_import *ci = &p->imp[t];
	unsigned int node = t / PROCS + 1;
	int ret;

	ret = rsm_memseg_import_connect(p->ctl, node, seg_id(t), RSM_PERM_RDWR,
					&ci->im);
	rsmt_code_count(p->st->rc_connect, ret);
	if (ret) {
		ci->im = NULL;
		if (ret == RSMERR_REMOTE_NODE_UNREACHABLE)
			complain(p, &p->st->unreachable,
				 "connect to node %u (up) gave RSMERR_REMOTE_NODE_UNREACHABLE",
				 node);
		else if (ret != RSMERR_SEG_NOT_PUBLISHED &&
			 ret != RSMERR_SEG_NOT_PUBLISHED_TO_NODE &&
			 ret != RSMERR_INTERRUPTED)
			complain(p, &p->st->unexpected,
				 "connect to segment %#x on node %u: %d",
				 seg_id(t), node, ret);
		return ret;
	}
	p->st->connects++;
	memset(&ci->bar, 0, sizeof(ci->bar));
	ret = rsm_memseg_import_init_barrier(ci->im, RSM_BARRIER_SEGMENT, &ci->bar);
	if (!ret)
		ret = rsm_memseg_import_set_mode(ci->im, RSM_BARRIER_MODE_EXPLICIT);
	if (ret) {
		complain(p, &p->st->unexpected, "barrier on segment %#x: %d",
			 seg_id(t), ret);
		import_drop(p, t);
	}
	return ret;
}

/* How one access moves the slot and reads the epoch. */
struct span_io {
	struct churn_import *ci;
	enum method m;
	size_t off;			/* of the slot */
	char *map;			/* M_MAP: the whole segment */
};

static void iov_set(rsm_iovec_t *v, void *local, size_t remote, size_t len)
{
	memset(v, 0, sizeof(*v));
	v->io_type = RSM_VA_TYPE;
	v->local.vaddr = local;
	v->remote_offset = remote;
	v->transfer_length = len;
}

static int sg_run(struct span_io *io, rsm_iovec_t *iov, unsigned long n,
		  bool put)
{
	rsm_scat_gath_t sg;

	memset(&sg, 0, sizeof(sg));
	sg.io_request_count = n;
	sg.remote_handle = io->ci->im;
	sg.iovec = iov;
	return put ? rsm_memseg_import_putv(&sg) : rsm_memseg_import_getv(&sg);
}

/* Write the slot; a fault through the mapping comes back negative. */
static int slot_put(struct span_io *io, uint64_t *src)
{
	rsm_memseg_import_handle_t im = io->ci->im;
	rsm_iovec_t iov[2];

	switch (io->m) {
	case M_PUTGET:
		return rsm_memseg_import_put(im, io->off, src, SLOT);
	case M_PUT64:
		return rsm_memseg_import_put64(im, io->off, src, SLOT / 8);
	case M_PUTV:
		/* two entries, the second half first */
		iov_set(&iov[0], (char *)src + SLOT / 2, io->off + SLOT / 2, SLOT / 2);
		iov_set(&iov[1], src, io->off, SLOT / 2);
		return sg_run(io, iov, 2, true);
	default:
		return -rsmt_guarded_copy(io->map + io->off, src, SLOT);
	}
}

static int slot_get(struct span_io *io, uint64_t *dst, uint64_t *epoch)
{
	rsm_memseg_import_handle_t im = io->ci->im;
	rsm_iovec_t iov[3];
	int ret;

	switch (io->m) {
	case M_PUTGET:
		ret = rsm_memseg_import_get(im, io->off, dst, SLOT);
		return ret ? ret : rsm_memseg_import_get(im, EPOCH_OFF, epoch, 8);
	case M_PUT64:
		ret = rsm_memseg_import_get64(im, io->off, dst, SLOT / 8);
		return ret ? ret : rsm_memseg_import_get64(im, EPOCH_OFF, epoch, 1);
	case M_PUTV:
		iov_set(&iov[0], epoch, EPOCH_OFF, 8);
		iov_set(&iov[1], dst, io->off, SLOT / 2);
		iov_set(&iov[2], (char *)dst + SLOT / 2, io->off + SLOT / 2, SLOT / 2);
		return sg_run(io, iov, 3, false);
	default:
		ret = -rsmt_guarded_copy(dst, io->map + io->off, SLOT);
		return ret ? ret : -rsmt_guarded_copy(epoch, io->map + EPOCH_OFF, 8);
	}
}

/* An explicit mapping of the whole segment (put/get may have left an implicit one). */
static int slot_map(struct churn_proc *p, struct span_io *io)
{
	void *a = NULL;
	int ret;

	ret = rsm_memseg_import_unmap(io->ci->im);
	if (ret && ret != RSMERR_SEG_NOT_MAPPED)
		complain(p, &p->st->unexpected, "unmap before map: %d", ret);
	ret = rsm_memseg_import_map(io->ci->im, &a, RSM_MAP_NONE, RSM_PERM_RDWR,
				    0, SEG_LEN);
	rsmt_code_count(p->st->rc_op, ret);
	if (!ret)
		io->map = a;
	else if (ret != RSMERR_CONN_ABORTED)
		complain(p, &p->st->unexpected, "map: %d", ret);
	return ret;
}

static void slot_unmap(struct churn_proc *p, struct span_io *io)
{
	int ret = rsm_memseg_import_unmap(io->ci->im);

	if (ret)
		complain(p, &p->st->unexpected, "unmap: %d", ret);
	io->map = NULL;
}

/*
 * One explicit span on the slot: open, write @img (unless NULL), read the
 * slot and the epoch back, close.  *@op gets the first access that failed
 * (0: none); returns what open_barrier or else close_barrier returned.
 */
static int slot_span(struct churn_proc *p, struct span_io *io, uint64_t *img,
		     uint64_t *back, uint64_t *epoch, int *op)
{
	int ret;

	*op = 0;
	ret = rsm_memseg_import_open_barrier(&io->ci->bar);
	rsmt_code_count(p->st->rc_open, ret);
	if (ret)
		return ret;
	if (img)
		*op = slot_put(io, img);
	if (!*op)
		*op = slot_get(io, back, epoch);
	rsmt_code_count(p->st->rc_op, *op);
	if (*op < 0)
		complain(p, &p->st->unexpected, "%s: access faulted (signal %d)",
			 method_name[io->m], -*op);
	ret = rsm_memseg_import_close_barrier(&io->ci->bar);
	rsmt_code_count(p->st->rc_close, ret);
	return ret;
}

/*
 * The data rule for one span that closed with @cl: if it returned 0 and
 * no access in it failed, what it read must be @want (NULL: anything).
 * Returns 0 for a good span, else the code that failed it.
 */
static int span_judge(struct churn_proc *p, struct span_io *io, unsigned int t,
		      int cl, int op, const uint64_t *want, const uint64_t *back,
		      const char *what)
{
	uint32_t hdr[2];

	if (cl || op) {
		p->st->spans_failed++;
		return cl ? cl : op;
	}
	p->st->spans_ok++;
	if (want && memcmp(want, back, SLOT)) {
		memcpy(hdr, back, sizeof(hdr));
		complain(p, &p->st->violations,
			 "%s span (%s) on %#x closed with 0 over wrong data: wrote seq %u, read tag %u seq %u%s",
			 what, method_name[io->m], seg_id(t), p->seq, hdr[0],
			 hdr[1], slot_valid(back, p->g) ? "" : " (torn)");
	}
	return 0;
}

/*
 * After an access: an aborted import (the exporter unpublished; open
 * reports it as RSMERR_BARRIER_OPEN_FAILED) is replaced by a new
 * connection next time; now and then a good one is dropped too, so that
 * connects keep coming.
 */
static void import_after(struct churn_proc *p, unsigned int t, int ret)
{
	if (ret == RSMERR_CONN_ABORTED || ret == RSMERR_BARRIER_OPEN_FAILED) {
		p->st->aborted++;
		import_drop(p, t);
	} else if (rnd(p) % 8 == 0) {
		p->st->dropped++;
		import_drop(p, t);
	}
}

/*
 * One access to a random segment by a random method: a span that writes
 * the slot and reads it back, then a span that reads it again.  Between
 * the two an exporter's rebind may have lost the write (its copy raced
 * with it); the epoch word tells, and then the second read is not held
 * to the write.
 */
static void churn_access(struct churn_proc *p)
{
	unsigned int t = rnd(p) % p->ntargets;
	struct span_io io = {
		.ci = &p->imp[t], .m = rnd(p) % NMETHODS, .off = slot_off(p->g),
	};
	uint64_t img[SLOT / 8], back[SLOT / 8], e1 = 0, e2 = 0;
	int ret, op = 0;

	if (!io.ci->im && import_connect(p, t))
		return;
	p->st->accesses++;
	ret = io.m == M_MAP ? slot_map(p, &io) : 0;
	if (!ret) {
		slot_make(img, p->g, ++p->seq);
		ret = slot_span(p, &io, img, back, &e1, &op);
		ret = span_judge(p, &io, t, ret, op, img, back, "writing");
	}
	if (!ret) {
		memset(back, 0, sizeof(back));
		ret = slot_span(p, &io, NULL, back, &e2, &op);
		if (!ret && !op && e1 == e2)
			p->st->exact++;
		else if (!ret && !op)
			p->st->skipped++;
		ret = span_judge(p, &io, t, ret, op, e1 == e2 ? img : NULL, back,
				 "reading");
		if (!ret)
			p->st->method_done[io.m]++;
	}
	if (io.map)
		slot_unmap(p, &io);
	import_after(p, t, ret);
}

/* ---- the export side ------------------------------------------------ */

static char *seg_alloc(void)
{
	void *a = mmap(NULL, SEG_LEN, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return a == MAP_FAILED ? NULL : a;
}

static int export_publish(struct churn_proc *p)
{
	rsm_memseg_id_t id = seg_id(p->g);
	int ret;

	ret = rsm_memseg_export_publish(p->e, &id, NULL, 0);
	if (ret || id != seg_id(p->g)) {
		complain(p, &p->st->unexpected, "publish as %#x: %d (id %#x)",
			 seg_id(p->g), ret, id);
		return -1;
	}
	p->published = true;
	return 0;
}

static int export_start(struct churn_proc *p)
{
	int ret;

	p->buf = seg_alloc();
	if (!p->buf)
		return -1;
	p->epoch = 1;
	memcpy(p->buf + EPOCH_OFF, &p->epoch, sizeof(p->epoch));
	ret = rsm_memseg_export_create(p->ctl, &p->e, p->buf, SEG_LEN,
				       RSM_ALLOW_REBIND);
	if (ret) {
		complain(p, &p->st->unexpected, "export create: %d", ret);
		return ret;
	}
	return export_publish(p);
}

/*
 * Rebind to new memory that holds what the old one held, with the epoch
 * word bumped: importers that read it learn that writes which landed in
 * the old memory after the copy are gone.
 */
static void export_rebind(struct churn_proc *p)
{
	char *nb = seg_alloc();
	uint64_t epoch = p->epoch + 1;
	int ret;

	if (!nb) {
		complain(p, &p->st->unexpected, "no memory to rebind to");
		return;
	}
	memcpy(nb, p->buf, SEG_LEN);
	memcpy(nb + EPOCH_OFF, &epoch, sizeof(epoch));
	ret = rsm_memseg_export_rebind(p->e, nb, 0, SEG_LEN);
	if (ret) {
		complain(p, &p->st->unexpected, "rebind: %d", ret);
		munmap(nb, SEG_LEN);
		return;
	}
	munmap(p->buf, SEG_LEN);
	p->buf = nb;
	p->epoch = epoch;
	p->churns++;
	p->st->rebinds++;
}

static void export_unpublish(struct churn_proc *p)
{
	int ret = rsm_memseg_export_unpublish(p->e);

	if (ret) {
		complain(p, &p->st->unexpected, "unpublish: %d", ret);
		return;
	}
	p->published = false;
	p->churns++;
	p->st->unpublishes++;
	p->republish_at = rnd_later(p, 10, 150);
	p->next_action = p->republish_at + 0.05;
}

/*
 * Every slot of our memory holds nothing, or a whole image its owner
 * wrote, never older than one seen before: nothing but the owner writes
 * a slot, and its sequence numbers only grow (a rebind's copy takes what
 * is there).  A write in flight shows torn for a moment, and so may a
 * slot that a rebind's copy or an unpublish cut in two; but a slot torn
 * for STUCK_S without any churn of ours since it was last whole is wrong.
 */
static void export_self_check(struct churn_proc *p)
{
	uint64_t s[SLOT / 8];
	struct slot_watch *w;
	double now = rsmt_time();
	unsigned int g;
	uint32_t hdr[2];

	p->st->self_checks++;
	for (g = 0; g < p->ntargets; g++) {
		w = &p->watch[g];
		memcpy(s, p->buf + slot_off(g), SLOT);
		if (slot_valid(s, g)) {
			memcpy(hdr, s, sizeof(hdr));
			if (hdr[1] < w->seq)
				complain(p, &p->st->violations,
					 "process %u's slot in my memory went back from seq %u to %u",
					 g, w->seq, hdr[1]);
			w->seq = hdr[1];
			w->churns = p->churns;
			w->since = 0;
			w->told = false;
			continue;
		}
		if (!w->since || memcmp(s, w->seen, SLOT)) {
			p->st->torn_seen += !w->since;
			w->since = now;
			memcpy(w->seen, s, SLOT);
		} else if (!w->told && w->churns == p->churns &&
			   now - w->since > STUCK_S) {
			w->told = true;
			complain(p, &p->st->torn_stuck,
				 "process %u's slot in my memory torn for %.0f s with no churn",
				 g, now - w->since);
		}
	}
}

static void churn_run(struct churn_proc *p, double secs)
{
	double now, end = rsmt_time() + secs, next_check = 0;

	p->next_action = rnd_later(p, 50, 500);
	while ((now = rsmt_time()) < end) {
		if (!p->published && now >= p->republish_at) {
			export_publish(p);
		} else if (p->published && now >= p->next_action) {
			if (rnd(p) % 2)
				export_rebind(p);
			else
				export_unpublish(p);
			if (p->published)
				p->next_action = rnd_later(p, 50, 500);
		}
		if (now >= next_check) {
			export_self_check(p);
			next_check = now + 0.05;
		}
		churn_access(p);
	}
	if (!p->published)
		export_publish(p);
	export_self_check(p);
}

/* ---- after the churn ------------------------------------------------ */

/*
 * Write the final image into every segment, each by another method, on a
 * new connection; with nothing churning every step must work and both
 * spans must read exactly what was written.
 */
static void churn_final_write(struct churn_proc *p)
{
	uint64_t img[SLOT / 8], b1[SLOT / 8], b2[SLOT / 8], e1, e2;
	struct span_io io;
	int ret, op1, op2, cl1, cl2;
	unsigned int t;

	slot_make(img, p->g, FINAL_SEQ);
	for (t = 0; t < p->ntargets; t++) {
		op1 = 0;
		op2 = 0;
		cl1 = -1;
		cl2 = -1;
		e1 = 0;
		e2 = 0;
		memset(b1, 0, sizeof(b1));
		memset(b2, 0, sizeof(b2));
		if (p->imp[t].im)
			import_drop(p, t);
		ret = import_connect(p, t);
		if (ret) {
			complain(p, &p->st->final_bad, "final connect to %#x: %d",
				 seg_id(t), ret);
			continue;
		}
		io = (struct span_io){ .ci = &p->imp[t], .off = slot_off(p->g),
				       .m = (t + p->g) % NMETHODS };
		ret = io.m == M_MAP ? slot_map(p, &io) : 0;
		if (!ret)
			cl1 = slot_span(p, &io, img, b1, &e1, &op1);
		if (!ret && !cl1 && !op1)
			cl2 = slot_span(p, &io, NULL, b2, &e2, &op2);
		if (ret || cl1 || op1 || cl2 || op2 || e1 != e2 ||
		    memcmp(img, b1, SLOT) || memcmp(img, b2, SLOT))
			complain(p, &p->st->final_bad,
				 "final %s on %#x: map %d, spans %d/%d and %d/%d, epochs %llu %llu, data %s",
				 method_name[io.m], seg_id(t), ret, cl1, op1, cl2, op2,
				 (unsigned long long)e1, (unsigned long long)e2,
				 memcmp(img, b1, SLOT) || memcmp(img, b2, SLOT) ?
				 "wrong" : "right");
		if (io.map)
			slot_unmap(p, &io);
	}
}

/* Every process's final image is in our memory; then let go of imports. */
static void churn_final_check(struct churn_proc *p)
{
	uint64_t want[SLOT / 8];
	uint32_t hdr[2];
	unsigned int g;

	for (g = 0; g < p->ntargets; g++) {
		slot_make(want, g, FINAL_SEQ);
		if (!memcmp(want, p->buf + slot_off(g), SLOT))
			continue;
		memcpy(hdr, p->buf + slot_off(g), sizeof(hdr));
		complain(p, &p->st->final_bad,
			 "process %u's final slot is not in my memory (owner %u, seq %u)",
			 g, hdr[0], hdr[1]);
	}
	for (g = 0; g < p->ntargets; g++)
		if (p->imp[g].im)
			import_drop(p, g);
}

/* Tell the test process that phase @done is over; wait for @next. */
static int churn_phase(struct churn_proc *p, char done, char next)
{
	if (rsmt_worker_answer(p->rep, done) ||
	    rsmt_worker_await(p->cmd, next))
		return -1;
	return 0;
}

/*
 * One churning process, in phases the test process starts: publish,
 * churn, final write, final check, destroy.  Exits 0 when it saw nothing
 * wrong (the test process reads the details from its stats).
 */
static int churn_child(struct churn_proc *p, double secs)
{
	int ret;

	if (export_start(p))
		return 2;
	if (churn_phase(p, 'p', 'g'))
		return 3;
	churn_run(p, secs);
	if (churn_phase(p, 's', 'f'))
		return 3;
	churn_final_write(p);
	if (churn_phase(p, 'w', 'c'))
		return 3;
	churn_final_check(p);
	if (churn_phase(p, 'k', 'd'))
		return 3;
	ret = rsm_memseg_export_destroy(p->e);
	if (ret)
		complain(p, &p->st->unexpected, "export destroy: %d", ret);
	munmap(p->buf, SEG_LEN);
	return !!(p->st->violations + p->st->torn_stuck + p->st->unreachable +
		  p->st->unexpected + p->st->final_bad);
}

/* ---- the test process ----------------------------------------------- */

FIXTURE(node) {
	int me, n, ntargets;
	rsmapi_controller_handle_t ctl;
	struct rsmt_workers w;		/* the churning processes */
	struct churn_stats *st;		/* PROCS of them, shared */
	struct rsmt_counts base;
	bool skipped, logged;
};

static void churn_log(struct __test_metadata *_metadata,
		      FIXTURE_DATA(node) *self, int k);

FIXTURE_SETUP(node)
{
	void *st;

	rsmt_workers_init(&self->w);
	self->me = rsmt_node_id();
	self->n = rsmt_nodes();
	if (self->me < 1 || self->n < 2 || self->n * PROCS > MAX_SLOTS) {
		self->skipped = true;
		SKIP(return, "needs a cluster of 2 to %d nodes", MAX_SLOTS / PROCS);
	}
	self->ntargets = self->n * PROCS;
	rsmt_step_test(_metadata->name);
	ASSERT_EQ(0, rsmt_wait_all_active(STEP_S));
	ASSERT_EQ(0, rsmt_counts(&self->base));
	ASSERT_EQ(0, rsm_get_controller("rxe0", &self->ctl));
	st = mmap(NULL, PROCS * sizeof(*self->st), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, st);
	self->st = st;
}

FIXTURE_TEARDOWN(node)
{
	int k;

	if (self->skipped)
		return;
	if (!_metadata->passed)
		rsmt_step_abort();
	rsmt_workers_end(&self->w);
	/* what the workers saw up to a failure that cut the test short */
	for (k = 0; !self->logged && self->st && k < self->w.n; k++)
		churn_log(_metadata, self, k);
	if (self->st)
		munmap(self->st, PROCS * sizeof(*self->st));
	if (self->ctl)
		rsm_release_controller(self->ctl);
	EXPECT_EQ(0, rsmt_counts_wait(&self->base, SETTLE_S));
}

static double churn_seconds(void)
{
	const char *s = getenv("RSM_CHURN_SECONDS");
	double v = s ? strtod(s, NULL) : 0;

	if (v <= 0)
		return CHURN_S;
	return v < CHURN_S_MAX ? v : CHURN_S_MAX;
}

/* Worker @k of this node: its state, then churn_child(). */
static int churn_worker(int k, int cmd, int rep, void *arg)
{
	FIXTURE_DATA(node) *self = arg;
	struct churn_proc *p = calloc(1, sizeof(*p));

	if (!p)
		return 1;
	*p = (struct churn_proc){
		.me = self->me, .idx = k, .g = (self->me - 1) * PROCS + k,
		.ntargets = self->ntargets, .cmd = cmd, .rep = rep,
		.ctl = self->ctl, .st = &self->st[k],
		.rnd = ((getpid() * 2654435761u) ^
			(unsigned int)(rsmt_time() * 1e6)) | 1,
	};
	return churn_child(p, churn_seconds());
}

static void churn_log(struct __test_metadata *_metadata,
		      FIXTURE_DATA(node) *self, int k)
{
	const struct churn_stats *s = &self->st[k];
	char b[4][600];

	TH_LOG("node %d process %d: %lu accesses, spans %lu closed, %lu failed",
	       self->me, k, s->accesses, s->spans_ok, s->spans_failed);
	TH_LOG("    read back in a later span: %lu, not (rebind between): %lu",
	       s->exact, s->skipped);
	TH_LOG("    done by %s %lu, %s %lu, %s %lu, %s %lu",
	       method_name[0], s->method_done[0], method_name[1], s->method_done[1],
	       method_name[2], s->method_done[2], method_name[3], s->method_done[3]);
	TH_LOG("    %lu connects, %lu imports aborted, %lu dropped at will",
	       s->connects, s->aborted, s->dropped);
	TH_LOG("    %lu rebinds, %lu unpublishes; %lu self checks saw %lu torn slots",
	       s->rebinds, s->unpublishes, s->self_checks, s->torn_seen);
	TH_LOG("    failures: %lu data, %lu stuck torn, %lu unreachable, %lu unexpected, %lu final",
	       s->violations, s->torn_stuck, s->unreachable, s->unexpected,
	       s->final_bad);
	TH_LOG("    connect results (code:count):%s",
	       rsmt_codes_str(b[0], sizeof(b[0]), s->rc_connect));
	TH_LOG("    open_barrier results:%s",
	       rsmt_codes_str(b[1], sizeof(b[1]), s->rc_open));
	TH_LOG("    access results (map, put, get ...):%s",
	       rsmt_codes_str(b[2], sizeof(b[2]), s->rc_op));
	TH_LOG("    close_barrier results:%s",
	       rsmt_codes_str(b[3], sizeof(b[3]), s->rc_close));
	if (s->first[0])
		TH_LOG("    first failure: %s", s->first);
}

#define STEP(name) ASSERT_EQ(0, rsmt_step(name, STEP_S))

TEST_F_TIMEOUT(node, churn_keeps_data_and_connections, CHURN_S_MAX + 600)
{
	struct churn_stats sum = { 0 };
	struct rsmt_peer_conns before, after;
	double secs = churn_seconds();
	struct rsmt_workers *w = &self->w;
	int k;

	if (self->skipped)
		return;
	ASSERT_EQ(0, rsmt_peer_conns_get(&before));
	ASSERT_EQ(0, rsmt_workers_start(w, PROCS, churn_worker, self));
	ASSERT_EQ(0, rsmt_workers_wait(w, 'p', STEP_S));
	STEP("published");
	ASSERT_EQ(0, rsmt_workers_tell(w, 'g'));
	ASSERT_EQ(0, rsmt_workers_wait(w, 's', secs + STEP_S));
	STEP("stopped");
	ASSERT_EQ(0, rsmt_workers_tell(w, 'f'));
	ASSERT_EQ(0, rsmt_workers_wait(w, 'w', STEP_S));
	STEP("written");
	ASSERT_EQ(0, rsmt_workers_tell(w, 'c'));
	ASSERT_EQ(0, rsmt_workers_wait(w, 'k', STEP_S));
	STEP("checked");
	ASSERT_EQ(0, rsmt_workers_tell(w, 'd'));
	EXPECT_EQ(0, rsmt_workers_reap(w, REAP_S));
	self->logged = true;
	for (k = 0; k < PROCS; k++) {
		churn_log(_metadata, self, k);
		sum.violations += self->st[k].violations;
		sum.torn_stuck += self->st[k].torn_stuck;
		sum.unreachable += self->st[k].unreachable;
		sum.unexpected += self->st[k].unexpected;
		sum.final_bad += self->st[k].final_bad;
		sum.exact += self->st[k].exact;
		sum.aborted += self->st[k].aborted;
	}
	TH_LOG("node %d: %.0f s of churn; %lu imports got RSMERR_CONN_ABORTED",
	       self->me, secs, sum.aborted);
	EXPECT_EQ(0, sum.violations) TH_LOG("close_barrier returned 0 over wrong data");
	EXPECT_EQ(0, sum.torn_stuck);
	EXPECT_EQ(0, sum.unreachable);
	EXPECT_EQ(0, sum.unexpected);
	EXPECT_EQ(0, sum.final_bad);
	/* the run checked something */
	EXPECT_LT(0, sum.exact);
	STEP("released");
	ASSERT_EQ(0, rsmt_peer_conns_get(&after));
	EXPECT_EQ(0, rsmt_peer_conns_changed(&before, &after))
		TH_LOG("the churn tore node-pair connections down");
}

TEST_HARNESS_MAIN
