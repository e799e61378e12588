/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers for the long tests under load (rsm_churn_test.c,
 * rsm_evorder_test.c):
 *
 * - the node-pair connections of this node, counted (struct
 *   rsm_stat_conn's connects and disconnects): a test whose traffic must
 *   never cost a node pair its connection (DESIGN decision 15: a fault of
 *   one segment, import or process stays with it) takes a snapshot before
 *   and compares after.  A connection that went down and came back up in
 *   between leaves its trace in the counters even when it is ACTIVE again;
 * - worker processes that a test process drives in phases through a pair
 *   of pipes each: it tells them all one command byte, they each answer
 *   with one byte when done.  A worker dies with the test process, and a
 *   worker that died makes the next wait fail instead of hang;
 * - result codes counted by value, for the log.
 */
#ifndef RSM_SELFTEST_STRESS_H
#define RSM_SELFTEST_STRESS_H

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rsm_cluster.h"

/* ---- node-pair connections ------------------------------------------ */

struct rsmt_peer_conns {
	bool known[RSM_MAX_NODE];
	unsigned int state[RSM_MAX_NODE];	/* RSM_PATH_* of the last entry */
	unsigned long long connects[RSM_MAX_NODE];
	unsigned long long disconnects[RSM_MAX_NODE];
};

/* Snapshot; a peer with several connections (controllers) is summed. */
static inline int rsmt_peer_conns_get(struct rsmt_peer_conns *pc)
{
	struct rsm_status st;
	unsigned int i, id;

	memset(pc, 0, sizeof(*pc));
	if (rsmt_status(&st))
		return -1;
	for (i = 0; i < st.hdr->nconn; i++) {
		id = st.conn[i].nodeid;
		if (id >= RSM_MAX_NODE)
			continue;
		pc->known[id] = true;
		pc->state[id] = st.conn[i].state;
		pc->connects[id] += st.conn[i].connects;
		pc->disconnects[id] += st.conn[i].disconnects;
	}
	rsm_status_free(&st);
	return 0;
}

/*
 * Peers whose connection went down, came up again, appeared or vanished
 * between @a and @b, or is not ACTIVE in @b; each is described on stderr.
 */
static inline int rsmt_peer_conns_changed(const struct rsmt_peer_conns *a,
					  const struct rsmt_peer_conns *b)
{
	unsigned int id;
	int changed = 0;

	for (id = 0; id < RSM_MAX_NODE; id++) {
		if (!a->known[id] && !b->known[id])
			continue;
		if (a->known[id] != b->known[id] ||
		    a->connects[id] != b->connects[id] ||
		    a->disconnects[id] != b->disconnects[id] ||
		    b->state[id] != RSM_PATH_ACTIVE) {
			fprintf(stderr,
				"# node %d: connection to node %u: connects %llu -> %llu, disconnects %llu -> %llu, state %u\n",
				rsmt_node_id(), id, a->connects[id],
				b->connects[id], a->disconnects[id],
				b->disconnects[id], b->state[id]);
			changed++;
		}
	}
	return changed;
}

/* ---- worker processes ------------------------------------------------ */

#define RSMT_WORKERS_MAX	16

struct rsmt_workers {
	int n;
	pid_t parent;
	pid_t pid[RSMT_WORKERS_MAX];
	int cmd[RSMT_WORKERS_MAX];	/* the test process's ends */
	int rep[RSMT_WORKERS_MAX];
};

/* Worker @k's body: returns its exit status (0: saw nothing wrong). */
typedef int (*rsmt_worker_fn)(int k, int cmd, int rep, void *arg);

static inline void rsmt_workers_init(struct rsmt_workers *w)
{
	int k;

	memset(w, 0, sizeof(*w));
	for (k = 0; k < RSMT_WORKERS_MAX; k++) {
		w->cmd[k] = -1;
		w->rep[k] = -1;
	}
	/* a worker that died must fail the test, not kill it by SIGPIPE */
	signal(SIGPIPE, SIG_IGN);
}

static inline void rsmt_worker_run(struct rsmt_workers *w, int k, int cmd,
				   int rep, rsmt_worker_fn fn, void *arg)
{
	int j;

	/* an orphan would go on and hold what it has */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != w->parent)
		_exit(1);
	for (j = 0; j < k; j++) {
		close(w->cmd[j]);
		close(w->rep[j]);
	}
	/* _exit: the test process's buffered output is not ours to flush */
	_exit(fn(k, cmd, rep, arg));
}

/* Fork @n workers running @fn.  Returns 0 or -1. */
static inline int rsmt_workers_start(struct rsmt_workers *w, int n,
				     rsmt_worker_fn fn, void *arg)
{
	int c[2], r[2], k;

	w->parent = getpid();
	for (k = 0; k < n && k < RSMT_WORKERS_MAX; k++) {
		if (pipe(c))
			return -1;
		if (pipe(r)) {
			close(c[0]);
			close(c[1]);
			return -1;
		}
		w->pid[k] = fork();
		if (w->pid[k] == 0) {
			close(c[1]);
			close(r[0]);
			rsmt_worker_run(w, k, c[0], r[1], fn, arg);
		}
		close(c[0]);
		close(r[1]);
		w->cmd[k] = c[1];
		w->rep[k] = r[0];
		if (w->pid[k] < 0)
			return -1;
		w->n = k + 1;
	}
	return w->n == n ? 0 : -1;
}

/* Send command @what to every worker.  Returns 0 or -1. */
static inline int rsmt_workers_tell(struct rsmt_workers *w, char what)
{
	int k;

	for (k = 0; k < w->n; k++)
		if (write(w->cmd[k], &what, 1) != 1)
			return -1;
	return 0;
}

/* Answer @want from every worker within @secs; -1 if one died or is late. */
static inline int rsmt_workers_wait(struct rsmt_workers *w, char want,
				    double secs)
{
	double end = rsmt_time() + secs;
	struct pollfd pf;
	int k, ms;
	char c;

	for (k = 0; k < w->n; k++) {
		pf.fd = w->rep[k];
		pf.events = POLLIN;
		ms = (end - rsmt_time()) * 1000;
		if (poll(&pf, 1, ms > 0 ? ms : 0) != 1 ||
		    read(w->rep[k], &c, 1) != 1 || c != want) {
			fprintf(stderr, "# node %d worker %d: no '%c' answer\n",
				rsmt_node_id(), k, want);
			return -1;
		}
	}
	return 0;
}

static inline void rsmt_workers_kill(struct rsmt_workers *w)
{
	int k;

	fprintf(stderr, "# node %d: killing the workers left\n", rsmt_node_id());
	for (k = 0; k < w->n; k++)
		if (w->pid[k] > 0)
			kill(w->pid[k], SIGKILL);
}

/*
 * Wait for the workers to exit within @secs, then kill the rest and give
 * them 10 s more.  Returns how many did not exit with status 0.
 */
static inline int rsmt_workers_reap(struct rsmt_workers *w, double secs)
{
	double end = rsmt_time() + secs;
	bool killed = false;
	int k, status, bad = 0;
	pid_t r;

	for (k = 0; k < w->n; k++) {
		while (w->pid[k] > 0) {
			r = waitpid(w->pid[k], &status, WNOHANG);
			if (r == w->pid[k] || r < 0) {
				if (r < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
					fprintf(stderr, "# node %d worker %d: status %#x\n",
						rsmt_node_id(), k, r < 0 ? -1 : status);
					bad++;
				}
				w->pid[k] = 0;
			} else if (rsmt_time() <= end) {
				usleep(20 * 1000);
			} else if (!killed) {
				rsmt_workers_kill(w);
				killed = true;
				end = rsmt_time() + 10;
			} else {
				fprintf(stderr, "# node %d worker %d does not die\n",
					rsmt_node_id(), k);
				bad++;
				break;
			}
		}
	}
	return bad;
}

/* Kill and reap what is left, close the pipes. */
static inline void rsmt_workers_end(struct rsmt_workers *w)
{
	int k;

	rsmt_workers_reap(w, 0);
	for (k = 0; k < RSMT_WORKERS_MAX; k++) {
		if (w->cmd[k] >= 0)
			close(w->cmd[k]);
		if (w->rep[k] >= 0)
			close(w->rep[k]);
		w->cmd[k] = -1;
		w->rep[k] = -1;
	}
}

/* In a worker: answer @what; wait for command @what.  0 or -1. */
static inline int rsmt_worker_answer(int rep, char what)
{
	return write(rep, &what, 1) == 1 ? 0 : -1;
}

static inline int rsmt_worker_await(int cmd, char what)
{
	char c;

	return read(cmd, &c, 1) == 1 && c == what ? 0 : -1;
}

/* ---- result codes ---------------------------------------------------- */

#define RSMT_CODES	128	/* codes 0 .. 126 by value; the last: others */

static inline void rsmt_code_count(unsigned long *h, int rc)
{
	h[rc >= 0 && rc < RSMT_CODES - 1 ? rc : RSMT_CODES - 1]++;
}

/* " code:count" for every code seen, into @buf. */
static inline const char *rsmt_codes_str(char *buf, size_t len,
					 const unsigned long *h)
{
	size_t at = 0;
	int rc;

	buf[0] = 0;
	for (rc = 0; rc < RSMT_CODES && at + 40 < len; rc++)
		if (h[rc])
			at += rc < RSMT_CODES - 1 ?
			      snprintf(buf + at, len - at, " %d:%lu", rc, h[rc]) :
			      snprintf(buf + at, len - at, " other:%lu", h[rc]);
	return buf;
}

#endif
