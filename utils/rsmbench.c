// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsmbench - latency and bandwidth of RSMAPI put and get between two nodes.
 *
 * Server mode (-s) runs on the exporting node: it exports a buffer,
 * publishes it and waits.  Client mode runs on the importing node: it
 * connects, checks that data makes the round trip, then times
 * rsm_memseg_import_put/get in implicit barrier mode (every call returns
 * once its transfer is complete, as an application would use them).
 *
 * Results go to stdout as one line per figure, for scripts,
 *	lat put <bytes> <typical-usec> <average-usec>
 *	bw put <bytes> <MB/s>
 * followed by a table for people (unless -k).  MB is 2^20 bytes, the unit
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
};

struct lat_result {
	size_t size;
	double typical, average;	/* microseconds */
};

struct bw_result {
	size_t size;
	double mbps;			/* 2^20 bytes per second */
};

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
	if (measure_all(o, imp, buf, len) == 0)
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
	parse_size_list("8,16,32,64,128,256,512,1K,2K,4K", o->lat_sizes,
			&o->n_lat);
	parse_size_list("64K,256K,1M,4M", o->bw_sizes, &o->n_bw);

	while ((c = getopt(argc, argv, "sr:c:i:m:a:S:t:l:b:n:N:B:w:kvh")) != -1) {
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
		case 'k': o->keys_only = 1; break;
		case 'v': o->verbose = 1; break;
		case 'h': usage(stdout); exit(0);
		default: goto bad;
		}
	}
	if (optind != argc || o->lat_iters < 1 || o->bw_iters < 1)
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
