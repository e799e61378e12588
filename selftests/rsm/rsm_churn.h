/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A churning process of rsm_churn_test.c and its export side: where the
 * processes' slots lie in the segments and what a slot holds, the state
 * and counts of a process, and its export, which it rebinds, unpublishes
 * and publishes again at random while it checks its own memory.
 */
#ifndef RSM_SELFTEST_CHURN_H
#define RSM_SELFTEST_CHURN_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <rsmapi.h>

#include "rsm_cluster.h"
#include "rsm_stress.h"

#define PROCS		3		/* churning processes per node */
#define SEG_BASE	0x4c0000	/* + node * 16 + process */
#define SEG_LEN		(64 * 1024)
#define SLOT		64		/* one process's part of a segment */
#define SLOT_BASE	(4096 - 4 * SLOT - SLOT / 2)
#define MAX_SLOTS	24
#define EPOCH_OFF	0		/* u64 the exporter bumps at each rebind */
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

#endif
