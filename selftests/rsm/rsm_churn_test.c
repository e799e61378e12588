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
#include "rsm_churn.h"

#define FINAL_SEQ	0xfffffff0u	/* the images written after the churn */
#define CHURN_S		60		/* default; RSM_CHURN_SECONDS */
#define CHURN_S_MAX	1200
#define STEP_S		120
#define SETTLE_S	30
#define REAP_S		60	/* workers exit after the last phase */

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

/* ---- the churn (the export side is in rsm_churn.h) ------------------ */

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
	ASSERT_EQ(0, rsm_get_controller(rsmt_ctlr(), &self->ctl));
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
