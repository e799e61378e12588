// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsmbench - latency and bandwidth of RSMAPI put and get between two nodes,
 * and the costs of a mapped import segment.
 *
 * Server mode (-s) runs on the exporting node: it exports a buffer,
 * publishes it and waits.  Client mode runs on the importing node: it
 * connects, checks that data makes the round trip, then times
 * rsm_memseg_import_put/get in implicit barrier mode (every call returns
 * once its transfer is complete, as an application would use them).
 *
 * Then (unless -p 0) it maps the segment through a second import handle
 * (rsm_memseg_import_map; across nodes the mapping is a page cache kept by
 * the kernel) and measures
 *  - loads from pages already in that cache against the same loads from
 *    local memory (the sum of the 8-byte words of -p pages, many passes);
 *  - the first touch of a page that is not cached (after an open barrier
 *    dropped it): a page fault that fetches the page with an RDMA READ;
 *  - close_barrier with k dirty pages (-d), one byte or the whole of each
 *    page stored to since the open barrier, next to a put of k pages.
 *
 * Results go to stdout as one line per figure, for scripts,
 *	lat put <bytes> <typical-usec> <average-usec>
 *	bw put <bytes> <MB/s>
 *	map read <pages> <mapped-ns-per-page> <local-ns-per-page>
 *	map fault <page-bytes> <typical-usec> <average-usec>
 *	map close clean|byte|page <k> <typical-usec> <average-usec>
 *	map put <k> <typical-usec> <average-usec>	(put of k pages)
 * followed by tables for people (unless -k).  MB is 2^20 bytes, the unit
 * perftest reports, so the two compare directly.
 *
 * The two sides meet through a directory both can see (-S, default
 * $RSM_SHARE): the server writes the segment id there and the client
 * leaves a "done" file when it has finished.  Without a shared directory,
 * give the client the id with -i and stop the server with Ctrl-C.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <rsmapi.h>
#include "rsm_errname.h"

#define MAX_SIZES	32
#define SEGID_FILE	"rsmbench.segid"
#define DONE_FILE	"rsmbench.done"

struct options {
	int server;
	const char *controller;
	rsm_node_id_t remote_node;
	rsm_memseg_id_t segid;
	size_t seg_len;
	const char *share;
	int timeout;			/* seconds to wait for the other side */
	int lat_iters, bw_iters, warmup;
	size_t bw_bytes;		/* if set, bytes per bandwidth size */
	size_t lat_sizes[MAX_SIZES], bw_sizes[MAX_SIZES];
	int n_lat, n_bw;
	rsm_node_id_t acl[MAX_SIZES];
	int n_acl;
	int keys_only;
	int verbose;
	int map_pages;			/* pages read and faulted; 0: no mapping */
	size_t dirty[MAX_SIZES];	/* dirty page counts for close_barrier */
	int n_dirty;
	int map_iters;			/* timed closes and puts per count */
};

struct lat_result {
	size_t size;
	double typical, average;	/* microseconds */
};

struct bw_result {
	size_t size;
	double mbps;			/* 2^20 bytes per second */
};

/* What a mapping costs; usec unless named otherwise. */
enum { CLOSE_BYTE, CLOSE_PAGE, CLOSE_KINDS };

struct map_result {
	size_t pages;
	double mapped_ns, local_ns;	/* per page read, typical pass */
	struct lat_result fault;	/* one first touch of a page */
	struct lat_result clean;	/* close_barrier, nothing dirty */
	struct lat_result close[CLOSE_KINDS][MAX_SIZES];
	struct lat_result put[MAX_SIZES];	/* put of k pages */
};

static const char *const close_kind[CLOSE_KINDS] = { "byte", "page" };

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(FILE *f)
{
	fprintf(f,
"Usage: rsmbench -s [OPTIONS]            serve (export) on this node\n"
"       rsmbench -r NODE [OPTIONS]       measure against NODE's segment\n"
"\n"
"  -c NAME   controller (default rxe0)\n"
"  -i ID     segment id (server: publish under ID, default: assigned by\n"
"            the system; client: default: read from the shared directory)\n"
"  -m BYTES  server: segment size (default: the largest size measured)\n"
"  -a NODE   server: allow only NODE (repeatable; default: no access list)\n"
"  -S DIR    directory both nodes see (default $RSM_SHARE)\n"
"  -t SEC    how long to wait for the other side (default: client 120,\n"
"            server until the client is done; 0 = forever)\n"
"  -l LIST   latency sizes (default 8,16,...,4096)\n"
"  -b LIST   bandwidth sizes (default 64K,256K,1M,4M)\n"
"  -n N      timed iterations per latency size (default 1000)\n"
"  -N N      timed iterations per bandwidth size (default 100)\n"
"  -B BYTES  instead of -N: move BYTES per bandwidth size (>= 5 transfers)\n"
"  -w N      warm-up iterations before each latency size (default: n/10,\n"
"            >= 10); bandwidth sizes warm up with one transfer (none if 0)\n"
"  -p PAGES  mapping: pages read and first-touched (default 64; 0 = no\n"
"            mapping measurements); reads take n passes, first touches\n"
"            at least n faults\n"
"  -d LIST   mapping: dirty page counts for close_barrier (default\n"
"            1,4,16,64)\n"
"  -j N      mapping: timed closes (and puts) per dirty count (default 20)\n"
"  -k        machine-readable lines only, no table\n"
"  -v        say what is happening on stderr\n"
"  -h        this text\n"
"LISTs are sizes separated by commas or spaces, with optional K or M.\n");
}

static void fail(const char *what, int err)
{
	fprintf(stderr, "rsmbench: %s: %s (%d)\n", what, rsm_errname(err), err);
}

static int parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -1;
	if (*end == 'k' || *end == 'K')
		v <<= 10, end++;
	else if (*end == 'm' || *end == 'M')
		v <<= 20, end++;
	if (*end || v == 0)
		return -1;
	*out = v;
	return 0;
}

static int parse_size_list(const char *s, size_t *sizes, int *n)
{
	char buf[512], *tok, *save;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	*n = 0;
	for (tok = strtok_r(buf, ", ", &save); tok;
	     tok = strtok_r(NULL, ", ", &save)) {
		if (*n == MAX_SIZES || parse_size(tok, &sizes[*n]))
			return -1;
		(*n)++;
	}
	return *n ? 0 : -1;
}

static double now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void share_path(const struct options *o, const char *name, char *buf,
		       size_t len)
{
	snprintf(buf, len, "%s/%s", o->share, name);
}

/* Page-aligned, zeroed memory of at least len bytes (exports need pages). */
static void *alloc_pages(size_t len, size_t *rounded)
{
	long page = sysconf(_SC_PAGESIZE);
	void *p;

	*rounded = (len + page - 1) & ~(size_t)(page - 1);
	p = mmap(NULL, *rounded, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

/* ---- server ----------------------------------------------------------- */

static int publish_segid(const struct options *o, rsm_memseg_id_t id)
{
	char path[4096], tmp[4200];
	FILE *f;

	if (!o->share)
		return 0;
	share_path(o, SEGID_FILE, path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f || fprintf(f, "0x%x %zu\n", id, o->seg_len) < 0 || fclose(f)) {
		perror(tmp);
		return -1;
	}
	/* rename: the client never sees a half-written file */
	if (rename(tmp, path)) {
		perror(path);
		return -1;
	}
	return 0;
}

/* Wait for the client's done file, a signal, or the timeout (0 = none). */
static void serve_until_done(const struct options *o)
{
	char done[4096];
	double end = now_usec() + o->timeout * 1e6;

	if (o->share)
		share_path(o, DONE_FILE, done, sizeof(done));
	while (!stop) {
		if (o->share && access(done, F_OK) == 0)
			break;
		if (o->timeout && now_usec() > end) {
			fprintf(stderr, "rsmbench: no client finished within %d s\n",
				o->timeout);
			break;
		}
		usleep(100000);
	}
}

static int run_server(struct options *o)
{
	rsmapi_controller_handle_t ctl;
	rsm_memseg_export_handle_t seg;
	rsmapi_access_entry_t acl[MAX_SIZES];
	rsm_memseg_id_t id = o->segid;
	char path[4096];
	size_t len;
	void *buf;
	int err, i, rc = 1;

	buf = alloc_pages(o->seg_len, &len);
	if (!buf) {
		perror("rsmbench: mmap");
		return 1;
	}
	o->seg_len = len;
	for (i = 0; i < o->n_acl; i++) {
		acl[i].ae_node = o->acl[i];
		acl[i].ae_permission = 0666;
	}
	if (o->share) {
		share_path(o, DONE_FILE, path, sizeof(path));
		unlink(path);
	}

	err = rsm_get_controller((char *)o->controller, &ctl);
	if (err) {
		fail(o->controller, err);
		goto out_unmap;
	}
	err = rsm_memseg_export_create(ctl, &seg, buf, len, 0);
	if (err) {
		fail("rsm_memseg_export_create", err);
		goto out_release;
	}
	err = rsm_memseg_export_publish(seg, &id, o->n_acl ? acl : NULL,
					o->n_acl);
	if (err) {
		fail("rsm_memseg_export_publish", err);
		goto out_destroy;
	}
	if (publish_segid(o, id))
		goto out_destroy;
	printf("serving segment 0x%x, %zu bytes, on %s\n", id, len,
	       o->controller);
	fflush(stdout);

	serve_until_done(o);
	rc = 0;
	if (o->share) {
		share_path(o, SEGID_FILE, path, sizeof(path));
		unlink(path);
	}
out_destroy:
	/* destroy also unpublishes */
	err = rsm_memseg_export_destroy(seg);
	if (err) {
		fail("rsm_memseg_export_destroy", err);
		rc = 1;
	}
out_release:
	rsm_release_controller(ctl);
out_unmap:
	munmap(buf, len);
	return rc;
}

/* ---- client ----------------------------------------------------------- */

/* The segment id (and size) from the server's file, waiting for it. */
static int read_segid(struct options *o)
{
	char path[4096];
	double end = now_usec() + o->timeout * 1e6;
	unsigned int id;
	size_t len;
	FILE *f;

	if (!o->share) {
		fprintf(stderr, "rsmbench: give -i ID or a shared directory (-S)\n");
		return -1;
	}
	share_path(o, SEGID_FILE, path, sizeof(path));
	while (!stop) {
		f = fopen(path, "r");
		if (f) {
			int n = fscanf(f, "%i %zu", &id, &len);

			fclose(f);
			if (n == 2) {
				o->segid = id;
				o->seg_len = len;
				return 0;
			}
		}
		if (now_usec() > end)
			break;
		usleep(100000);
	}
	fprintf(stderr, "rsmbench: no segment id in %s\n", path);
	return -1;
}

/* Connect, retrying while the segment is not published yet. */
static int connect_segment(const struct options *o,
			   rsmapi_controller_handle_t ctl,
			   rsm_memseg_import_handle_t *imp)
{
	double end = now_usec() + o->timeout * 1e6;
	int err;

	for (;;) {
		err = rsm_memseg_import_connect(ctl, o->remote_node, o->segid,
						RSM_PERM_RDWR, imp);
		if (err != RSMERR_SEG_NOT_PUBLISHED &&
		    err != RSMERR_REMOTE_NODE_UNREACHABLE)
			break;
		if (stop || now_usec() > end)
			break;
		usleep(200000);
	}
	if (err)
		fail("rsm_memseg_import_connect", err);
	return err;
}

/* Put a pattern, get it back into another buffer and compare. */
static int check_round_trip(rsm_memseg_import_handle_t imp, char *out,
			    char *in, size_t len)
{
	size_t i;
	int err;

	for (i = 0; i < len; i++)
		out[i] = (char)(i * 7 + 3);
	memset(in, 0, len);
	err = rsm_memseg_import_put(imp, 0, out, len);
	if (err) {
		fail("rsm_memseg_import_put", err);
		return -1;
	}
	err = rsm_memseg_import_get(imp, 0, in, len);
	if (err) {
		fail("rsm_memseg_import_get", err);
		return -1;
	}
	if (memcmp(out, in, len)) {
		fprintf(stderr, "rsmbench: data read back differs from data written\n");
		return -1;
	}
	return 0;
}

static int transfer(int is_put, rsm_memseg_import_handle_t imp, void *buf,
		    size_t len)
{
	return is_put ? rsm_memseg_import_put(imp, 0, buf, len) :
			rsm_memseg_import_get(imp, 0, buf, len);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Time each of o->lat_iters transfers of len bytes. */
static int measure_latency(const struct options *o, int is_put,
			   rsm_memseg_import_handle_t imp, void *buf,
			   size_t len, double *samples, struct lat_result *r)
{
	double t, sum = 0;
	int i, err;

	for (i = 0; i < o->warmup; i++) {
		err = transfer(is_put, imp, buf, len);
		if (err)
			goto fail;
	}
	for (i = 0; i < o->lat_iters; i++) {
		t = now_usec();
		err = transfer(is_put, imp, buf, len);
		samples[i] = now_usec() - t;
		if (err)
			goto fail;
		sum += samples[i];
	}
	qsort(samples, o->lat_iters, sizeof(*samples), cmp_double);
	r->size = len;
	r->typical = samples[o->lat_iters / 2];
	r->average = sum / o->lat_iters;
	return 0;
fail:
	fail(is_put ? "rsm_memseg_import_put" : "rsm_memseg_import_get", err);
	return -1;
}

/* Iterations for one bandwidth size: -N, or -B bytes' worth (at least 5). */
static int bw_iterations(const struct options *o, size_t len)
{
	size_t n;

	if (!o->bw_bytes)
		return o->bw_iters;
	n = o->bw_bytes / len;
	return n < 5 ? 5 : n > 1000000 ? 1000000 : (int)n;
}

/* Time back-to-back transfers of len bytes. */
static int measure_bandwidth(const struct options *o, int is_put,
			     rsm_memseg_import_handle_t imp, void *buf,
			     size_t len, struct bw_result *r)
{
	/* one untimed transfer: large ones are slow enough to warm up alone */
	int i, err, warm = o->warmup < 1 ? o->warmup : 1;
	int iters = bw_iterations(o, len);
	double t;

	for (i = 0; i < warm; i++) {
		err = transfer(is_put, imp, buf, len);
		if (err)
			goto fail;
	}
	t = now_usec();
	for (i = 0; i < iters; i++) {
		err = transfer(is_put, imp, buf, len);
		if (err)
			goto fail;
	}
	t = now_usec() - t;
	r->size = len;
	r->mbps = (double)len * iters / (1 << 20) / (t / 1e6);
	return 0;
fail:
	fail(is_put ? "rsm_memseg_import_put" : "rsm_memseg_import_get", err);
	return -1;
}

static void print_table(const struct options *o, struct lat_result lat[2][MAX_SIZES],
			struct bw_result bw[2][MAX_SIZES])
{
	int i;

	printf("\nrsmbench: node %u segment 0x%x over %s, implicit barrier mode\n",
	       o->remote_node, o->segid, o->controller);
	printf("%10s  %12s %12s  %12s %12s\n", "bytes", "put typ us",
	       "put avg us", "get typ us", "get avg us");
	for (i = 0; i < o->n_lat; i++)
		printf("%10zu  %12.2f %12.2f  %12.2f %12.2f\n", lat[0][i].size,
		       lat[0][i].typical, lat[0][i].average,
		       lat[1][i].typical, lat[1][i].average);
	printf("%10s  %12s %12s\n", "bytes", "put MB/s", "get MB/s");
	for (i = 0; i < o->n_bw; i++)
		printf("%10zu  %12.1f %12.1f\n", bw[0][i].size, bw[0][i].mbps,
		       bw[1][i].mbps);
}

static int measure_all(const struct options *o, rsm_memseg_import_handle_t imp,
		       char *buf, size_t buf_len)
{
	static struct lat_result lat[2][MAX_SIZES];
	static struct bw_result bw[2][MAX_SIZES];
	double *samples;
	int dir, i, rc = -1;

	samples = calloc(o->lat_iters, sizeof(*samples));
	if (!samples) {
		perror("rsmbench");
		return -1;
	}
	if (check_round_trip(imp, buf, buf + buf_len / 2,
			     buf_len / 2 < 65536 ? buf_len / 2 : 65536))
		goto out;
	if (o->verbose)
		fprintf(stderr, "rsmbench: round trip checked\n");

	/* dir 0 = put, 1 = get */
	for (dir = 0; dir < 2; dir++)
		for (i = 0; i < o->n_lat; i++) {
			if (measure_latency(o, !dir, imp, buf, o->lat_sizes[i],
					    samples, &lat[dir][i]))
				goto out;
			printf("lat %s %zu %.2f %.2f\n", dir ? "get" : "put",
			       lat[dir][i].size, lat[dir][i].typical,
			       lat[dir][i].average);
			fflush(stdout);
		}
	for (dir = 0; dir < 2; dir++)
		for (i = 0; i < o->n_bw; i++) {
			if (measure_bandwidth(o, !dir, imp, buf, o->bw_sizes[i],
					      &bw[dir][i]))
				goto out;
			printf("bw %s %zu %.1f\n", dir ? "get" : "put",
			       bw[dir][i].size, bw[dir][i].mbps);
			fflush(stdout);
		}
	if (!o->keys_only)
		print_table(o, lat, bw);
	rc = 0;
out:
	free(samples);
	return rc;
}

/* ---- mapping ---------------------------------------------------------- */

static size_t page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

/* Pages the mapping measurements need mapped: -p, and the largest -d. */
static size_t map_window_pages(const struct options *o)
{
	size_t n = o->map_pages;
	int i;

	if (!o->map_pages)
		return 0;
	for (i = 0; i < o->n_dirty; i++)
		if (o->dirty[i] > n)
			n = o->dirty[i];
	return n;
}

static volatile uint64_t sink;	/* keeps the summing loops honest */

/* The same loop reads both kinds of memory. */
static __attribute__((noinline)) uint64_t sum_words(const uint64_t *p,
						     size_t words)
{
	uint64_t s = 0;
	size_t i;

	for (i = 0; i < words; i++)
		s += p[i];
	return s;
}

static void lat_from_samples(double *samples, int n, size_t size,
			     struct lat_result *r)
{
	double sum = 0;
	int i;

	for (i = 0; i < n; i++)
		sum += samples[i];
	qsort(samples, n, sizeof(*samples), cmp_double);
	r->size = size;
	r->typical = samples[n / 2];
	r->average = sum / n;
}

/*
 * Loads from cached pages against loads from local memory: passes over
 * @pages pages of each, alternating so that both see the same conditions;
 * the typical (median) pass, per page, in nanoseconds.
 */
static int measure_map_read(const struct options *o, const char *map,
			    size_t pages, struct map_result *r)
{
	size_t pg = page_size(), words = pages * pg / sizeof(uint64_t);
	int passes = o->lat_iters, i;
	double *tm, *tl, t;
	uint64_t *local;

	tm = calloc(passes, sizeof(*tm));
	tl = calloc(passes, sizeof(*tl));
	local = aligned_alloc(pg, pages * pg);
	if (!tm || !tl || !local) {
		perror("rsmbench");
		free(local);
		free(tl);
		free(tm);
		return -1;
	}
	memcpy(local, map, pages * pg);	/* same data; faults the pages in */
	sink += sum_words((const uint64_t *)map, words);	/* warm both */
	sink += sum_words(local, words);
	for (i = 0; i < passes; i++) {
		t = now_usec();
		sink += sum_words((const uint64_t *)map, words);
		tm[i] = now_usec() - t;
		t = now_usec();
		sink += sum_words(local, words);
		tl[i] = now_usec() - t;
	}
	qsort(tm, passes, sizeof(*tm), cmp_double);
	qsort(tl, passes, sizeof(*tl), cmp_double);
	r->pages = pages;
	r->mapped_ns = tm[passes / 2] * 1e3 / pages;
	r->local_ns = tl[passes / 2] * 1e3 / pages;
	free(local);
	free(tl);
	free(tm);
	return 0;
}

/*
 * First touch of pages that are not cached: each round opens the barrier,
 * which drops the clean cached pages, and reads one byte of each of @pages
 * pages, each touch timed on its own; rounds until at least -n touches.
 */
static int measure_map_fault(const struct options *o, rsmapi_barrier_t *mb,
			     const char *map, size_t pages, struct map_result *r)
{
	int rounds = (o->lat_iters + pages - 1) / pages, n = 0, k, err;
	size_t pg = page_size(), i;
	double *samples, t;

	samples = calloc((size_t)rounds * pages, sizeof(*samples));
	if (!samples) {
		perror("rsmbench");
		return -1;
	}
	sink += *(const volatile char *)map;	/* first fault of the mapping */
	for (k = 0; k < rounds; k++) {
		err = rsm_memseg_import_open_barrier(mb);
		if (err) {
			fail("rsm_memseg_import_open_barrier", err);
			goto fail;
		}
		for (i = 0; i < pages; i++) {
			t = now_usec();
			sink += *(const volatile char *)(map + i * pg);
			samples[n++] = now_usec() - t;
		}
		err = rsm_memseg_import_close_barrier(mb);
		if (err) {
			fail("rsm_memseg_import_close_barrier", err);
			goto fail;
		}
	}
	lat_from_samples(samples, n, pg, &r->fault);
	free(samples);
	return 0;
fail:
	free(samples);
	return -1;
}

/*
 * Store to @k pages since an open barrier: one byte of each, or each page
 * whole.  Every stored byte differs from what the page held (the page
 * variant runs first and leaves uniform pages), so that the write-back
 * moves exactly 1 or page-size bytes per page.
 */
static void dirty_pages(char *map, size_t k, int kind)
{
	size_t pg = page_size(), i;
	unsigned char *p, v;

	for (i = 0; i < k; i++) {
		p = (unsigned char *)map + i * pg;
		if (kind == CLOSE_BYTE) {
			p[0]++;
			continue;
		}
		v = p[1] + 1;
		if (v == p[0])
			v++;
		memset(p, v, pg);
	}
}

/* Open, store to k pages (kind), close; the close timed.  -j times. */
static int measure_map_close(const struct options *o, rsmapi_barrier_t *mb,
			     char *map, size_t k, int kind, double *samples,
			     struct lat_result *r)
{
	int i, warm = 2, err;
	double t;

	for (i = -warm; i < o->map_iters; i++) {
		err = rsm_memseg_import_open_barrier(mb);
		if (err) {
			fail("rsm_memseg_import_open_barrier", err);
			return -1;
		}
		if (kind >= 0)
			dirty_pages(map, k, kind);
		t = now_usec();
		err = rsm_memseg_import_close_barrier(mb);
		t = now_usec() - t;
		if (err) {
			fail("rsm_memseg_import_close_barrier", err);
			return -1;
		}
		if (i >= 0)
			samples[i] = t;
	}
	lat_from_samples(samples, o->map_iters, k, r);
	return 0;
}

/* A put of k pages through the first (unmapped) handle, -j times. */
static int measure_map_put(const struct options *o,
			   rsm_memseg_import_handle_t imp, char *buf, size_t k,
			   double *samples, struct lat_result *r)
{
	size_t len = k * page_size();
	int i, warm = 2, err;
	double t;

	for (i = -warm; i < o->map_iters; i++) {
		t = now_usec();
		err = rsm_memseg_import_put(imp, 0, buf, len);
		t = now_usec() - t;
		if (err) {
			fail("rsm_memseg_import_put", err);
			return -1;
		}
		if (i >= 0)
			samples[i] = t;
	}
	lat_from_samples(samples, o->map_iters, k, r);
	return 0;
}

static void print_map_table(const struct options *o, const struct map_result *r)
{
	int i;

	printf("\nrsmbench: mapping of node %u segment 0x%x (usec unless named)\n",
	       o->remote_node, o->segid);
	printf("read %zu cached pages: %.1f ns/page mapped, %.1f ns/page local\n",
	       r->pages, r->mapped_ns, r->local_ns);
	printf("first touch of a page: typical %.2f, average %.2f\n",
	       r->fault.typical, r->fault.average);
	printf("close_barrier, nothing dirty: typical %.2f\n", r->clean.typical);
	printf("%6s  %12s %12s  %12s %12s  %12s\n", "pages", "close 1B/pg",
	       "per page", "close whole", "per page", "put k pages");
	for (i = 0; i < o->n_dirty; i++)
		printf("%6zu  %12.2f %12.2f  %12.2f %12.2f  %12.2f\n",
		       o->dirty[i], r->close[CLOSE_BYTE][i].typical,
		       r->close[CLOSE_BYTE][i].typical / o->dirty[i],
		       r->close[CLOSE_PAGE][i].typical,
		       r->close[CLOSE_PAGE][i].typical / o->dirty[i],
		       r->put[i].typical);
}

static void print_lat_line(const char *what, const char *kind,
			   const struct lat_result *r)
{
	printf("%s%s%s %zu %.2f %.2f\n", what, kind ? " " : "", kind ? kind : "",
	       r->size, r->typical, r->average);
	fflush(stdout);
}

/*
 * The mapping measurements, through a second import handle of the same
 * segment (a handle used for put and get cannot be mapped); @imp, the
 * first, makes the puts they are compared with.
 */
static int measure_map(const struct options *o, rsmapi_controller_handle_t ctl,
		       rsm_memseg_import_handle_t imp, char *buf)
{
	static struct map_result r;
	size_t win = map_window_pages(o), pg = page_size();
	rsm_memseg_import_handle_t mimp;
	rsmapi_barrier_t mb;
	double *samples;
	void *addr = NULL;
	int i, kind, err, rc = -1;

	samples = calloc(o->map_iters, sizeof(*samples));
	if (!samples) {
		perror("rsmbench");
		return -1;
	}
	if (connect_segment(o, ctl, &mimp))
		goto out_free;
	memset(&mb, 0, sizeof(mb));
	err = rsm_memseg_import_init_barrier(mimp, RSM_BARRIER_SEGMENT, &mb);
	if (err) {
		fail("rsm_memseg_import_init_barrier", err);
		goto out_disconnect;
	}
	err = rsm_memseg_import_map(mimp, &addr, RSM_MAP_NONE, RSM_PERM_RDWR, 0,
				    win * pg);
	if (err) {
		fail("rsm_memseg_import_map", err);
		goto out_barrier;
	}
	if (o->verbose)
		fprintf(stderr, "rsmbench: mapped %zu pages\n", win);

	if (measure_map_fault(o, &mb, addr, o->map_pages, &r))
		goto out_unmap;
	print_lat_line("map fault", NULL, &r.fault);
	/* the pages just touched stay cached: no barrier until the reads */
	if (measure_map_read(o, addr, o->map_pages, &r))
		goto out_unmap;
	printf("map read %zu %.2f %.2f\n", r.pages, r.mapped_ns, r.local_ns);
	fflush(stdout);

	if (measure_map_close(o, &mb, addr, 0, -1, samples, &r.clean))
		goto out_unmap;
	print_lat_line("map close", "clean", &r.clean);
	for (i = 0; i < o->n_dirty; i++) {
		/* page first: it leaves uniform pages (see dirty_pages) */
		for (kind = CLOSE_KINDS - 1; kind >= 0; kind--) {
			if (measure_map_close(o, &mb, addr, o->dirty[i], kind,
					      samples, &r.close[kind][i]))
				goto out_unmap;
			print_lat_line("map close", close_kind[kind],
				       &r.close[kind][i]);
		}
		if (measure_map_put(o, imp, buf, o->dirty[i], samples, &r.put[i]))
			goto out_unmap;
		print_lat_line("map put", NULL, &r.put[i]);
	}
	if (!o->keys_only)
		print_map_table(o, &r);
	rc = 0;
out_unmap:
	err = rsm_memseg_import_unmap(mimp);
	if (err) {
		fail("rsm_memseg_import_unmap", err);
		rc = -1;
	}
out_barrier:
	err = rsm_memseg_import_destroy_barrier(&mb);
	if (err) {
		fail("rsm_memseg_import_destroy_barrier", err);
		rc = -1;
	}
out_disconnect:
	err = rsm_memseg_import_disconnect(mimp);
	if (err) {
		fail("rsm_memseg_import_disconnect", err);
		rc = -1;
	}
out_free:
	free(samples);
	return rc;
}

static size_t largest_size(const struct options *o)
{
	size_t max = 0;
	int i;

	for (i = 0; i < o->n_lat; i++)
		if (o->lat_sizes[i] > max)
			max = o->lat_sizes[i];
	for (i = 0; i < o->n_bw; i++)
		if (o->bw_sizes[i] > max)
			max = o->bw_sizes[i];
	if (map_window_pages(o) * page_size() > max)
		max = map_window_pages(o) * page_size();
	return max;
}

static void tell_server_done(const struct options *o)
{
	char path[4096];
	FILE *f;

	if (!o->share)
		return;
	share_path(o, DONE_FILE, path, sizeof(path));
	f = fopen(path, "w");
	if (f)
		fclose(f);
}

static int run_client(struct options *o)
{
	rsmapi_controller_handle_t ctl;
	rsm_memseg_import_handle_t imp;
	rsmapi_barrier_t barrier;
	size_t need = largest_size(o), len;
	char *buf;
	int err, rc = 1;

	if (!o->segid && read_segid(o))
		goto out_done;
	if (o->seg_len && need > o->seg_len) {
		fprintf(stderr, "rsmbench: sizes up to %zu do not fit the %zu-byte segment\n",
			need, o->seg_len);
		goto out_done;
	}
	/* twice the largest size: round-trip check writes one half, reads the other */
	buf = alloc_pages(2 * need, &len);
	if (!buf) {
		perror("rsmbench: mmap");
		goto out_done;
	}
	err = rsm_get_controller((char *)o->controller, &ctl);
	if (err) {
		fail(o->controller, err);
		goto out_unmap;
	}
	if (connect_segment(o, ctl, &imp))
		goto out_release;
	if (o->verbose)
		fprintf(stderr, "rsmbench: connected to node %u segment 0x%x\n",
			o->remote_node, o->segid);

	/* Implicit mode (the default) still needs a barrier on the segment. */
	memset(&barrier, 0, sizeof(barrier));
	err = rsm_memseg_import_init_barrier(imp, RSM_BARRIER_SEGMENT, &barrier);
	if (err) {
		fail("rsm_memseg_import_init_barrier", err);
		goto out_disconnect;
	}
	err = rsm_memseg_import_set_mode(imp, RSM_BARRIER_MODE_IMPLICIT);
	if (err) {
		fail("rsm_memseg_import_set_mode", err);
		goto out_barrier;
	}
	if (measure_all(o, imp, buf, len) == 0 &&
	    (!o->map_pages || measure_map(o, ctl, imp, buf) == 0))
		rc = 0;
out_barrier:
	err = rsm_memseg_import_destroy_barrier(&barrier);
	if (err) {
		fail("rsm_memseg_import_destroy_barrier", err);
		rc = 1;
	}
out_disconnect:
	err = rsm_memseg_import_disconnect(imp);
	if (err) {
		fail("rsm_memseg_import_disconnect", err);
		rc = 1;
	}
out_release:
	rsm_release_controller(ctl);
out_unmap:
	munmap(buf, len);
out_done:
	/* even on failure, so that the server does not wait in vain */
	tell_server_done(o);
	return rc;
}

/* ---- options ---------------------------------------------------------- */

static int parse_options(int argc, char **argv, struct options *o)
{
	int c;

	o->controller = "rxe0";
	o->share = getenv("RSM_SHARE");
	o->timeout = -1;
	o->lat_iters = 1000;
	o->bw_iters = 100;
	o->warmup = -1;
	o->map_pages = 64;
	o->map_iters = 20;
	parse_size_list("1,4,16,64", o->dirty, &o->n_dirty);
	parse_size_list("8,16,32,64,128,256,512,1K,2K,4K", o->lat_sizes,
			&o->n_lat);
	parse_size_list("64K,256K,1M,4M", o->bw_sizes, &o->n_bw);

	while ((c = getopt(argc, argv, "sr:c:i:m:a:S:t:l:b:n:N:B:w:p:d:j:kvh")) != -1) {
		switch (c) {
		case 's': o->server = 1; break;
		case 'r': o->remote_node = strtoul(optarg, NULL, 0); break;
		case 'c': o->controller = optarg; break;
		case 'i': o->segid = strtoul(optarg, NULL, 0); break;
		case 'm':
			if (parse_size(optarg, &o->seg_len))
				goto bad;
			break;
		case 'a':
			if (o->n_acl == MAX_SIZES)
				goto bad;
			o->acl[o->n_acl++] = strtoul(optarg, NULL, 0);
			break;
		case 'S': o->share = optarg; break;
		case 't': o->timeout = atoi(optarg); break;
		case 'l':
			if (parse_size_list(optarg, o->lat_sizes, &o->n_lat))
				goto bad;
			break;
		case 'b':
			if (parse_size_list(optarg, o->bw_sizes, &o->n_bw))
				goto bad;
			break;
		case 'n': o->lat_iters = atoi(optarg); break;
		case 'N': o->bw_iters = atoi(optarg); break;
		case 'B':
			if (parse_size(optarg, &o->bw_bytes))
				goto bad;
			break;
		case 'w': o->warmup = atoi(optarg); break;
		case 'p': o->map_pages = atoi(optarg); break;
		case 'd':
			if (parse_size_list(optarg, o->dirty, &o->n_dirty))
				goto bad;
			break;
		case 'j': o->map_iters = atoi(optarg); break;
		case 'k': o->keys_only = 1; break;
		case 'v': o->verbose = 1; break;
		case 'h': usage(stdout); exit(0);
		default: goto bad;
		}
	}
	if (optind != argc || o->lat_iters < 1 || o->bw_iters < 1 ||
	    o->map_pages < 0 || o->map_iters < 1)
		goto bad;
	if (!o->server && !o->remote_node) {
		fprintf(stderr, "rsmbench: the client needs -r NODE\n");
		goto bad;
	}
	if (o->share && !*o->share)
		o->share = NULL;
	if (o->timeout < 0)		/* the server waits for its client */
		o->timeout = o->server ? 0 : 120;
	if (o->warmup < 0)
		o->warmup = o->lat_iters / 10 < 10 ? 10 : o->lat_iters / 10;
	if (o->server && !o->seg_len)
		o->seg_len = largest_size(o);
	return 0;
bad:
	usage(stderr);
	return -1;
}

int main(int argc, char **argv)
{
	struct options o = { 0 };
	struct sigaction sa = { .sa_handler = on_signal };

	if (parse_options(argc, argv, &o))
		return 2;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	return o.server ? run_server(&o) : run_client(&o);
}
