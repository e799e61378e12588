// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsm_forge_peer - knock on an rsm node's listener the way a node would,
 * with whatever hello the options describe, and report what the node did.
 *
 * The trust tests (rsm_trust_test.c) use it to play a peer that is not a
 * kernel: a user process from an unprivileged port, root without the
 * cluster key, a hello of another version.  It speaks only the first steps
 * of the wire protocol (kernel/rsm_proto.h): the hello in the connect
 * private data and, on request, one INFO message whose proof is random,
 * since the tool never knows the key.
 *
 * Output: exactly one line on stdout, then exit status 0:
 *   rejected reason=N			reject private data with RSM_WIRE_MAGIC
 *   rejected reason=none status=S	any other refusal (S: CM status)
 *   bind-failed errno=E		the source port could not be bound
 *   established			connected (without --send-info)
 *   established disconnected		--send-info: the peer dropped us
 *   established still-connected	--send-info: it did not within --hold-ms
 * or "error ..." and exit status 1; usage errors exit with 2.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <infiniband/verbs.h>
#include <rdma/rdma_cma.h>

#include "rsm_ctlr.h"
#include "rsm_proto.h"

#define FORGE_PORT	18600	/* the rsm listener */
#define FORGE_NRECV	8	/* receives posted for the peer's messages */
#define FORGE_CQE	(FORGE_NRECV + 4)

struct forge_opts {
	struct sockaddr_storage dst;
	unsigned int port, src_port, src_node, dst_node, version;
	bool keyed, send_info;
	int hold_ms, timeout_ms;
};

struct forge {
	struct rdma_event_channel *ch;
	struct rdma_cm_id *id;
	struct ibv_pd *pd;
	struct ibv_cq *cq;
	struct ibv_mr *mr;
	char *buf;			/* FORGE_NRECV receives, one send */
	bool qp, established, disconnected;
	bool outcome;			/* a refusal was printed */
	double deadline;		/* of the step being waited for */
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: rsm_forge_peer --addr IP [--port P] [--src-port P] [--src-node N]\n"
"                      [--dst-node N] [--version V] [--keyed] [--send-info]\n"
"                      [--hold-ms MS] [--timeout-ms MS]\n"
"  --addr IP       the node to connect to (IPv4 or IPv6)\n"
"  --port P        its rsm listener port (default %d)\n"
"  --src-port P    bind this source port first (default 0: any)\n"
"  --src-node N    node id the hello claims (default 2)\n"
"  --dst-node N    node id the hello names as target (default 1)\n"
"  --version V     protocol version of the hello (default %d)\n"
"  --keyed         claim to hold a cluster key (RSM_HELLO_KEYED)\n"
"  --send-info     once connected send an INFO with a random proof\n"
"  --hold-ms MS    then wait this long for the peer to drop us (5000)\n"
"  --timeout-ms MS limit for each connection step (10000)\n",
		FORGE_PORT, RSM_PROTO_VERSION);
}

static int parse_uint(const char *s, unsigned int max, unsigned int *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || !*s || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_addr(const char *s, struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, s, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		return 0;
	}
	return -1;
}

static void set_port(struct sockaddr_storage *ss, unsigned int port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
}

static const struct option forge_lopts[] = {
	{ "addr", required_argument, NULL, 'a' },
	{ "port", required_argument, NULL, 'p' },
	{ "src-port", required_argument, NULL, 's' },
	{ "src-node", required_argument, NULL, 'S' },
	{ "dst-node", required_argument, NULL, 'D' },
	{ "version", required_argument, NULL, 'V' },
	{ "keyed", no_argument, NULL, 'k' },
	{ "send-info", no_argument, NULL, 'i' },
	{ "hold-ms", required_argument, NULL, 'H' },
	{ "timeout-ms", required_argument, NULL, 'T' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

/* Take option @c with argument @arg into @o.  Returns 0 or -1. */
static int set_opt(struct forge_opts *o, int c, const char *arg)
{
	unsigned int v;

	switch (c) {
	case 'a':
		return parse_addr(arg, &o->dst);
	case 'p':
		return parse_uint(arg, 65535, &o->port);
	case 's':
		return parse_uint(arg, 65535, &o->src_port);
	case 'S':
		return parse_uint(arg, UINT32_MAX, &o->src_node);
	case 'D':
		return parse_uint(arg, UINT32_MAX, &o->dst_node);
	case 'V':
		return parse_uint(arg, 65535, &o->version);
	case 'k':
		o->keyed = true;
		return 0;
	case 'i':
		o->send_info = true;
		return 0;
	case 'H':
	case 'T':
		if (parse_uint(arg, 600000, &v))
			return -1;
		*(c == 'H' ? &o->hold_ms : &o->timeout_ms) = v;
		return 0;
	case 'h':
		usage(stdout);
		exit(0);
	default:
		return -1;
	}
}

static int parse_opts(int argc, char **argv, struct forge_opts *o)
{
	int c, bad = 0;

	memset(o, 0, sizeof(*o));
	o->port = FORGE_PORT;
	o->src_node = 2;
	o->dst_node = 1;
	o->version = RSM_PROTO_VERSION;
	o->hold_ms = 5000;
	o->timeout_ms = 10000;
	while ((c = getopt_long(argc, argv, "h", forge_lopts, NULL)) != -1)
		bad |= set_opt(o, c, optarg);
	if (bad || !o->dst.ss_family || optind != argc || !o->timeout_ms)
		return -1;
	set_port(&o->dst, o->port);
	return 0;
}

/*
 * The next CM event, within the deadline.  Returns the event (to be acked
 * by the caller) or NULL on timeout or error.
 */
static struct rdma_cm_event *next_event(struct forge *f)
{
	struct pollfd pfd = { .fd = f->ch->fd, .events = POLLIN };
	struct rdma_cm_event *ev;
	int left, ret;

	for (;;) {
		left = f->deadline - now_ms();
		if (left <= 0)
			return NULL;
		ret = poll(&pfd, 1, left);
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret <= 0)
			return NULL;
		return rdma_get_cm_event(f->ch, &ev) ? NULL : ev;
	}
}

/*
 * Wait for event @want; any other event ends the wait.  Returns 0, or -1
 * after printing the outcome line (a refusal is an outcome, not an error).
 */
static int wait_event(struct forge *f, enum rdma_cm_event_type want,
		      int timeout_ms)
{
	const struct rsm_wire_reject *rej;
	struct rdma_cm_event *ev;

	f->deadline = now_ms() + timeout_ms;
	ev = next_event(f);
	if (!ev) {
		printf("error timeout waiting for %s\n", rdma_event_str(want));
		return -1;
	}
	if (ev->event == want) {
		rdma_ack_cm_event(ev);
		return 0;
	}
	if (ev->event == RDMA_CM_EVENT_REJECTED) {
		f->outcome = true;
		rej = ev->param.conn.private_data;
		if (rej && ev->param.conn.private_data_len >= sizeof(*rej) &&
		    le32toh(rej->magic) == RSM_WIRE_MAGIC)
			printf("rejected reason=%u\n", le16toh(rej->reason));
		else
			printf("rejected reason=none status=%d\n", ev->status);
	} else {
		printf("error %s status=%d while waiting for %s\n",
		       rdma_event_str(ev->event), ev->status,
		       rdma_event_str(want));
	}
	rdma_ack_cm_event(ev);
	return -1;
}

/* PD, CQ, RC QP and one registered buffer; receives posted. */
static int setup_qp(struct forge *f)
{
	struct ibv_qp_init_attr attr;
	struct ibv_recv_wr wr, *bad;
	struct ibv_sge sge;
	size_t len = (FORGE_NRECV + 1) * RSM_MSG_MAX;
	int i;

	f->pd = ibv_alloc_pd(f->id->verbs);
	if (!f->pd)
		return -1;
	f->cq = ibv_create_cq(f->id->verbs, FORGE_CQE, NULL, NULL, 0);
	if (!f->cq)
		return -1;
	memset(&attr, 0, sizeof(attr));
	attr.send_cq = f->cq;
	attr.recv_cq = f->cq;
	attr.qp_type = IBV_QPT_RC;
	attr.cap.max_send_wr = 2;
	attr.cap.max_recv_wr = FORGE_NRECV;
	attr.cap.max_send_sge = 1;
	attr.cap.max_recv_sge = 1;
	if (rdma_create_qp(f->id, f->pd, &attr))
		return -1;
	f->qp = true;
	f->buf = aligned_alloc(4096, len);
	if (!f->buf)
		return -1;
	memset(f->buf, 0, len);
	f->mr = ibv_reg_mr(f->pd, f->buf, len, IBV_ACCESS_LOCAL_WRITE);
	if (!f->mr)
		return -1;
	/* the peer sends its own INFO at once: have somewhere to put it */
	for (i = 0; i < FORGE_NRECV; i++) {
		sge.addr = (uintptr_t)(f->buf + i * RSM_MSG_MAX);
		sge.length = RSM_MSG_MAX;
		sge.lkey = f->mr->lkey;
		memset(&wr, 0, sizeof(wr));
		wr.wr_id = i;
		wr.sg_list = &sge;
		wr.num_sge = 1;
		if (ibv_post_recv(f->id->qp, &wr, &bad))
			return -1;
	}
	return 0;
}

static void random_bytes(void *p, size_t len)
{
	unsigned char *b = p;
	ssize_t n;

	while (len) {
		n = getrandom(b, len, 0);
		if (n <= 0)
			continue;
		b += n;
		len -= n;
	}
}

static void fill_hello(const struct forge *f, const struct forge_opts *o,
		       struct rsm_wire_hello *h)
{
	uint64_t r[2];

	memset(h, 0, sizeof(*h));
	random_bytes(r, sizeof(r));
	h->magic = htole32(RSM_WIRE_MAGIC);
	h->version = htole16(o->version);
	h->flags = htole16(o->keyed ? RSM_HELLO_KEYED : 0);
	h->src_nodeid = htole32(o->src_node);
	h->dst_nodeid = htole32(o->dst_node);
	h->hwaddr = htole64(r[0]);
	h->boot_id = htole64(r[1]);
	/* the node compares it with the QP number the CM reports */
	h->qpn = htole32(f->id->qp->qp_num);
	random_bytes(h->nonce, sizeof(h->nonce));
}

/* Resolve, create the QP and connect with our hello.  0, or -1 (printed). */
static int forge_connect(struct forge *f, const struct forge_opts *o)
{
	struct rdma_conn_param param;
	struct rsm_wire_hello hello;
	struct sockaddr_storage src;

	if (rdma_create_id(f->ch, &f->id, NULL, RDMA_PS_TCP)) {
		printf("error rdma_create_id: %s\n", strerror(errno));
		return -1;
	}
	if (o->src_port) {
		memset(&src, 0, sizeof(src));
		src.ss_family = o->dst.ss_family;
		set_port(&src, o->src_port);
		if (rdma_bind_addr(f->id, (struct sockaddr *)&src)) {
			printf("bind-failed errno=%d\n", errno);
			f->outcome = true;
			return -1;
		}
	}
	if (rdma_resolve_addr(f->id, NULL, (struct sockaddr *)&o->dst,
			      o->timeout_ms)) {
		printf("error rdma_resolve_addr: %s\n", strerror(errno));
		return -1;
	}
	if (wait_event(f, RDMA_CM_EVENT_ADDR_RESOLVED, o->timeout_ms))
		return -1;
	if (rdma_resolve_route(f->id, o->timeout_ms)) {
		printf("error rdma_resolve_route: %s\n", strerror(errno));
		return -1;
	}
	if (wait_event(f, RDMA_CM_EVENT_ROUTE_RESOLVED, o->timeout_ms))
		return -1;
	if (setup_qp(f)) {
		printf("error queue pair setup: %s\n", strerror(errno));
		return -1;
	}
	fill_hello(f, o, &hello);
	memset(&param, 0, sizeof(param));
	param.private_data = &hello;
	param.private_data_len = sizeof(hello);
	param.responder_resources = 1;
	param.initiator_depth = 1;
	param.retry_count = 7;
	param.rnr_retry_count = 7;
	if (rdma_connect(f->id, &param)) {
		printf("error rdma_connect: %s\n", strerror(errno));
		return -1;
	}
	if (wait_event(f, RDMA_CM_EVENT_ESTABLISHED, o->timeout_ms))
		return -1;
	f->established = true;
	return 0;
}

/* The INFO a node sends first, with a proof we cannot know. */
static int send_info(struct forge *f, const struct forge_opts *o)
{
	char *slot = f->buf + FORGE_NRECV * RSM_MSG_MAX;
	struct rsm_msg_info *info = (struct rsm_msg_info *)slot;
	struct ibv_send_wr wr, *bad;
	struct ibv_sge sge;

	memset(info, 0, sizeof(*info));
	info->hdr.type = htole16(RSM_MSG_INFO);
	info->hdr.version = o->version;
	info->hdr.len = htole32(sizeof(*info));
	info->hdr.seq = htole64(1);
	info->nodeid = htole32(o->src_node);
	snprintf(info->ctlr_name, sizeof(info->ctlr_name), "%s", rsmt_ctlr());
	random_bytes(info->mac, sizeof(info->mac));
	sge.addr = (uintptr_t)info;
	sge.length = sizeof(*info);
	sge.lkey = f->mr->lkey;
	memset(&wr, 0, sizeof(wr));
	wr.wr_id = FORGE_NRECV;
	wr.sg_list = &sge;
	wr.num_sge = 1;
	wr.opcode = IBV_WR_SEND;
	wr.send_flags = IBV_SEND_SIGNALED;
	return ibv_post_send(f->id->qp, &wr, &bad) ? -1 : 0;
}

/* A failed send means the peer's QP is gone: it dropped us too. */
static bool send_failed(struct forge *f)
{
	struct ibv_wc wc[FORGE_CQE];
	int i, n = ibv_poll_cq(f->cq, FORGE_CQE, wc);

	for (i = 0; i < n; i++)
		if (wc[i].status != IBV_WC_SUCCESS &&
		    wc[i].status != IBV_WC_WR_FLUSH_ERR)
			return true;
	return false;
}

/* After INFO: does the peer drop us within @hold_ms? */
static void hold(struct forge *f, int hold_ms)
{
	struct rdma_cm_event *ev;
	double end = now_ms() + hold_ms;

	while (!f->disconnected && now_ms() < end) {
		f->deadline = now_ms() + 100;
		if (f->deadline > end)
			f->deadline = end;
		ev = next_event(f);
		if (ev) {
			/* DISCONNECTED, or any error the drop causes */
			if (ev->event != RDMA_CM_EVENT_ESTABLISHED)
				f->disconnected = true;
			rdma_ack_cm_event(ev);
		}
		if (send_failed(f))
			f->disconnected = true;
	}
	printf("established %s\n",
	       f->disconnected ? "disconnected" : "still-connected");
}

static void cleanup(struct forge *f)
{
	struct rdma_cm_event *ev;

	if (f->established && !f->disconnected && !rdma_disconnect(f->id)) {
		/* let the peer see an orderly end; do not wait long */
		f->deadline = now_ms() + 1000;
		while ((ev = next_event(f))) {
			bool done = ev->event == RDMA_CM_EVENT_DISCONNECTED;

			rdma_ack_cm_event(ev);
			if (done)
				break;
		}
	}
	if (f->qp)
		rdma_destroy_qp(f->id);
	if (f->mr)
		ibv_dereg_mr(f->mr);
	free(f->buf);
	if (f->cq)
		ibv_destroy_cq(f->cq);
	if (f->pd)
		ibv_dealloc_pd(f->pd);
	if (f->id)
		rdma_destroy_id(f->id);
	if (f->ch)
		rdma_destroy_event_channel(f->ch);
}

int main(int argc, char **argv)
{
	struct forge_opts o;
	struct forge f;
	int ret = 1;

	if (parse_opts(argc, argv, &o)) {
		usage(stderr);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	memset(&f, 0, sizeof(f));
	f.ch = rdma_create_event_channel();
	if (!f.ch) {
		printf("error rdma_create_event_channel: %s\n",
		       strerror(errno));
		return 1;
	}
	if (forge_connect(&f, &o)) {
		/* a refusal or a bind failure is an outcome */
		ret = f.outcome ? 0 : 1;
		goto out;
	}
	ret = 0;
	if (!o.send_info) {
		printf("established\n");
		goto out;
	}
	if (send_info(&f, &o)) {
		printf("error ibv_post_send: %s\n", strerror(errno));
		ret = 1;
		goto out;
	}
	hold(&f, o.hold_ms);
out:
	cleanup(&f);
	return ret;
}
