/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A worker of rsm_fuzz_test.c: the steps it takes at random (requests
 * alone and in sequences that look valid, mmap of imports and touches,
 * VMA and memory churn, descriptors, forks) and its life, until its
 * deadline or until the test process SIGKILLs it.
 */
#ifndef RSM_SELFTEST_FUZZ_STEPS_H
#define RSM_SELFTEST_FUZZ_STEPS_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* mremap() */
#endif
#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rsm_fuzz.h"
#include "rsm_fuzz_args.h"

#define FZ_GRACE_S		20	/* past the deadline: workers end */
#define FZ_NOBODY		65534

static sigjmp_buf fz_jmp;
static volatile sig_atomic_t fz_touching;
static struct fz_stats *fz_st;

/* A fault while touching is what touching is for; elsewhere it is ours. */
static void fz_fault(int sig)
{
	if (fz_touching) {
		fz_touching = 0;
		siglongjmp(fz_jmp, sig);
	}
	FZ_ADD(fz_st->stray);
	_exit(3);
}

static void fz_step(struct fz_worker *w);

/* Any number, any descriptor */
static void fz_op_raw(struct fz_worker *w)
{
	unsigned int cmd;
	enum fz_cmd idx = fz_pick_cmd(w, &cmd);

	fz_request(w, fz_fd_pick(w, fz_below(w, 4)), idx, cmd);
}

static void fz_op_open(struct fz_worker *w)
{
	fz_open(w, 75);
}

/* What is done with a descriptor once it is bound, by kind */
static const enum fz_cmd fz_after[][7] = {
	[FZ_K_EXPORT] = {
		FZ_EXPORT_PUBLISH, FZ_EXPORT_PUBLISH, FZ_EXPORT_REPUBLISH,
		FZ_EXPORT_UNPUBLISH, FZ_EXPORT_REBIND, FZ_SIGNAL_POST,
		FZ_SIGNAL_WAIT,
	},
	[FZ_K_IMPORT] = {
		FZ_IMPORT_PUT, FZ_IMPORT_GET, FZ_IMPORT_PUT, FZ_IMPORT_GET,
		FZ_IMPORT_PUTV, FZ_IMPORT_GETV, FZ_SIGNAL_POST,
	},
};

/* A sequence that looks valid: bind a new descriptor, then use it */
static void fz_op_bind(struct fz_worker *w)
{
	static const enum fz_cmd bind[] = {
		FZ_EXPORT_CREATE, FZ_IMPORT_CONNECT, FZ_IMPORT_CONNECT,
		FZ_LOCALMEM_CREATE,
	};
	enum fz_cmd idx = bind[fz_below(w, FZ_N(bind))];
	struct fz_fd *f = fz_open(w, 90);
	int n;

	if (!f || fz_request(w, f, idx, fz_cmd_nr[idx]) ||
	    (f->kind != FZ_K_EXPORT && f->kind != FZ_K_IMPORT))
		return;
	for (n = fz_below(w, 6); n > 0; n--) {
		idx = fz_after[f->kind][fz_below(w, 7)];
		fz_request(w, f, idx, fz_cmd_nr[idx]);
	}
}

/* Requests on a descriptor bound already: transfers, state, events */
static void fz_op_use(struct fz_worker *w)
{
	static const enum fz_cmd use[] = {
		FZ_IMPORT_PUT, FZ_IMPORT_GET, FZ_IMPORT_PUTV, FZ_IMPORT_GETV,
		FZ_IMPORT_STATE, FZ_MAP_SYNC, FZ_MAP_REFRESH, FZ_SIGNAL_POST,
		FZ_SIGNAL_WAIT, FZ_EXPORT_REBIND,
	};
	enum fz_cmd idx = use[fz_below(w, FZ_N(use))];
	bool ev = idx == FZ_SIGNAL_POST || idx == FZ_SIGNAL_WAIT;
	struct fz_fd *f = fz_fd_pick(w, idx == FZ_EXPORT_REBIND ||
				     (ev && fz_chance(w, 50)) ?
				     FZ_K_EXPORT : FZ_K_IMPORT);

	if (f && fz_chance(w, 5))
		fsync(f->fd);	/* the write-back of MAP_SYNC, by the VFS */
	else if (f)
		fz_request(w, f, idx, fz_cmd_nr[idx]);
}

/* Unmap a mapping, or a piece of it (the VMA splits) */
static void fz_unmap(struct fz_worker *w, int i)
{
	struct fz_map m = w->maps[i];
	size_t pages = m.len / w->pg, a = 0, n = pages;

	if (pages > 1 && fz_chance(w, 30)) {
		a = fz_below(w, pages);
		n = 1 + fz_below(w, pages - a);
	}
	munmap(m.addr + a * w->pg, n * w->pg);
	if (m.fixed)	/* no hole in the scratch area for others to fill */
		fz_reserve(m.addr + a * w->pg, n * w->pg);
	w->maps[i] = w->maps[--w->nmaps];
}

/* mmap of a descriptor: shared mostly, private, in the scratch area */
static void fz_op_mmap(struct fz_worker *w)
{
	static const int prots[] = {
		PROT_READ | PROT_WRITE, PROT_READ, PROT_WRITE, PROT_NONE,
		PROT_READ | PROT_WRITE | PROT_EXEC,
	};
	static const int types[] = {
		MAP_SHARED, MAP_SHARED, MAP_SHARED, MAP_PRIVATE,
		MAP_SHARED_VALIDATE,
	};
	struct fz_fd *f = fz_fd_pick(w, FZ_K_IMPORT);
	uint64_t pages, len, off;
	int prot, flags;
	char *at = NULL, *p;

	if (!f)
		return;
	if (w->nmaps == FZ_MAX_MAPS)
		fz_unmap(w, fz_below(w, w->nmaps));
	pages = f->size / w->pg;
	len = fz_chance(w, 90) ? (1 + fz_below(w, pages + 1)) * w->pg : fz_u64(w);
	off = fz_chance(w, 85) ? fz_below(w, pages + 1) * w->pg : fz_u64(w);
	prot = prots[fz_chance(w, 50) ? 0 : fz_below(w, FZ_N(prots))];
	flags = types[fz_below(w, FZ_N(types))] |
		(fz_chance(w, 10) ? MAP_POPULATE : 0);
	if (len && !(len % w->pg) && len <= FZ_SCRATCH_PAGES * w->pg &&
	    fz_chance(w, 40)) {
		at = w->scratch + w->pg *
		     fz_below(w, FZ_SCRATCH_PAGES - len / w->pg + 1);
		flags |= MAP_FIXED;
	}
	FZ_ADD(w->st->mmaps);
	p = mmap(at, len, prot, flags, f->fd, off);
	if (p == MAP_FAILED) {
		if (errno > 0 && errno < FZ_CODES)
			FZ_ADD(w->st->mmap_errno[errno]);
		if (at)		/* a failed MAP_FIXED may leave a hole */
			fz_reserve(at, len);
		return;
	}
	FZ_ADD(w->st->mmap_ok);
	w->maps[w->nmaps++] = (struct fz_map){
		.addr = p, .len = (len + w->pg - 1) / w->pg * w->pg,
		.fixed = at != NULL,
	};
}

/* Out of line, so that nothing of the caller lives across siglongjmp */
static int __attribute__((noinline)) fz_touch(volatile char *p, bool wr,
					      char val)
{
	int sig;

	fz_touching = 1;
	sig = sigsetjmp(fz_jmp, 1);
	if (!sig && wr)
		*p = val;
	else if (!sig)
		(void)*p;
	fz_touching = 0;
	return sig;
}

/*
 * A load or a store in a mapping; now and then in the scratch area, where
 * what the fuzzer unmapped is PROT_NONE: a SIGSEGV there is expected.
 */
static void fz_op_touch(struct fz_worker *w)
{
	struct fz_map *m = w->nmaps ? &w->maps[fz_below(w, w->nmaps)] : NULL;
	int sig;

	FZ_ADD(w->st->touches);
	if (m && fz_chance(w, 90))
		sig = fz_touch(m->addr + fz_below(w, m->len), fz_chance(w, 50),
			       fz_rnd(w));
	else
		sig = fz_touch(w->scratch + fz_below(w, FZ_SCRATCH_PAGES * w->pg),
			       fz_chance(w, 50), fz_rnd(w));
	if (sig == SIGSEGV)
		FZ_ADD(w->st->segv);
	else if (sig == SIGBUS)
		FZ_ADD(w->st->bus);
}

/* munmap, mprotect, madvise, msync, mremap of a mapping */
static void fz_op_vma(struct fz_worker *w)
{
	static const int prots[] = {
		PROT_READ | PROT_WRITE, PROT_READ, PROT_NONE, PROT_WRITE,
	};
	static const int advice[] = {
		MADV_DONTNEED, MADV_WILLNEED, MADV_DONTFORK, MADV_DOFORK,
		MADV_COLD, MADV_PAGEOUT, MADV_REMOVE,
	};
	int i = fz_below(w, w->nmaps);
	struct fz_map *m = &w->maps[i];
	size_t len;
	char *q;

	if (!w->nmaps)
		return;
	switch (fz_below(w, 6)) {
	case 0: case 1:
		fz_unmap(w, i);
		break;
	case 2:
		mprotect(m->addr, m->len, prots[fz_below(w, FZ_N(prots))]);
		break;
	case 3:
		madvise(m->addr, m->len, advice[fz_below(w, FZ_N(advice))]);
		break;
	case 4:
		msync(m->addr, m->len, fz_chance(w, 70) ? MS_SYNC :
			     MS_ASYNC | (fz_chance(w, 50) ? MS_INVALIDATE : 0));
		break;
	default:
		/* moves and shrinks; scratch mappings stay where they are */
		if (m->fixed)
			break;
		len = (1 + fz_below(w, m->len / w->pg + 1)) * w->pg;
		q = mremap(m->addr, m->len, len, MREMAP_MAYMOVE);
		if (q != MAP_FAILED) {
			m->addr = q;
			m->len = len;
		}
	}
}

/* Under exports and local memory: pages dropped, replaced, protected */
static void fz_op_memchurn(struct fz_worker *w)
{
	size_t pages = 1 + fz_below(w, 16), len = pages * w->pg;
	char *a = (char *)fz_data_at(w, pages);
	const int rw = PROT_READ | PROT_WRITE;
	void *p = a;

	switch (fz_below(w, 6)) {
	case 0:
		madvise(a, len, MADV_DONTNEED);
		break;
	case 1: case 2:		/* new pages, private or shmem */
		p = mmap(a, len, rw, MAP_FIXED | MAP_ANONYMOUS |
			 (fz_chance(w, 50) ? MAP_SHARED : MAP_PRIVATE), -1, 0);
		break;
	case 3: case 4:
		mprotect(a, len, fz_chance(w, 50) ? PROT_READ : rw);
		break;
	default:
		madvise(a, len, fz_chance(w, 50) ? MADV_DONTFORK : MADV_DOFORK);
	}
	if (p == MAP_FAILED)
		fz_reserve(a, len);
}

/* close, dup, dup2 over another descriptor of ours (closing it), poll */
static void fz_op_fds(struct fz_worker *w)
{
	int i = fz_below(w, w->nfds), j = fz_below(w, w->nfds), fd;
	struct pollfd pf[2];

	if (!w->nfds)
		return;
	switch (fz_below(w, 6)) {
	case 0: case 1: case 2:
		close(w->fds[i].fd);
		fz_fd_del(w, i);
		break;
	case 3:
		if (i != j && dup2(w->fds[i].fd, w->fds[j].fd) >= 0)
			fz_bound(&w->fds[j], w->fds[i].kind, w->fds[i].size);
		break;
	case 4:
		fd = w->nfds < FZ_MAX_FDS ? dup(w->fds[i].fd) : -1;
		if (fd >= 0)
			w->fds[w->nfds++] = (struct fz_fd){
				.fd = fd, .kind = w->fds[i].kind,
				.size = w->fds[i].size,
			};
		break;
	default:
		pf[0] = (struct pollfd){ w->fds[i].fd, POLLIN | POLLRDNORM, 0 };
		pf[1] = (struct pollfd){ w->fds[j].fd, fz_rnd(w), 0 };
		poll(pf, 2, fz_below(w, 20));
	}
}

/* A child with the worker's descriptors: a few steps, then it ends */
static void __attribute__((noreturn)) fz_child(struct fz_worker *w,
					       pid_t parent)
{
	double left = w->deadline - fz_now();
	unsigned int n;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(0);
	alarm((left > 0 ? (unsigned int)left : 0) + FZ_GRACE_S);
	w->child = true;
	/* mappings of /dev/rsm are not inherited (VM_DONTCOPY) */
	w->nmaps = 0;
	fz_reserve(w->scratch, FZ_SCRATCH_PAGES * w->pg);
	w->rng = fz_mix(w->rng ^ (uint64_t)getpid());
	for (n = 1 + fz_below(w, 30); n && fz_now() < w->deadline; n--)
		fz_step(w);
	_exit(0);
}

static void fz_op_fork(struct fz_worker *w)
{
	pid_t parent = getpid(), pid;
	int status;

	if (w->child)
		return;
	pid = fork();
	if (pid < 0)
		return;
	if (!pid)
		fz_child(w, parent);
	if (fz_chance(w, 50)) {	/* it dies in the middle of something */
		usleep(fz_below(w, 20000));
		kill(pid, SIGKILL);
	}
	waitpid(pid, &status, 0);
}

static const struct {
	void (*fn)(struct fz_worker *w);
	const char *name;
	unsigned int weight;
} fz_ops[FZ_NOPS] = {
	[FZ_OP_RAW] = { fz_op_raw, "raw", 30 },
	[FZ_OP_OPEN] = { fz_op_open, "open", 4 },
	[FZ_OP_BIND] = { fz_op_bind, "bind", 16 },
	[FZ_OP_USE] = { fz_op_use, "use", 22 },
	[FZ_OP_MMAP] = { fz_op_mmap, "mmap", 7 },
	[FZ_OP_TOUCH] = { fz_op_touch, "touch", 7 },
	[FZ_OP_VMA] = { fz_op_vma, "vma", 6 },
	[FZ_OP_MEMCHURN] = { fz_op_memchurn, "memchurn", 2 },
	[FZ_OP_FDS] = { fz_op_fds, "fds", 9 },
	[FZ_OP_FORK] = { fz_op_fork, "fork", 1 },
};

static void fz_step(struct fz_worker *w)
{
	unsigned int total = 0, r, k;

	for (k = 0; k < FZ_NOPS; k++)
		total += fz_ops[k].weight;
	r = fz_below(w, total);
	for (k = 0; r >= fz_ops[k].weight; k++)
		r -= fz_ops[k].weight;
	FZ_ADD(w->st->op[k]);
	fz_ops[k].fn(w);
}

static void __attribute__((noreturn)) fz_worker(struct fz_worker *w,
						pid_t parent, bool nobody)
{
	struct sigaction sa = { .sa_handler = fz_fault };
	double left = w->deadline - fz_now();
	int fd;

	/* the test process's descriptors (the honest segments) are not ours */
	for (fd = 3; fd < 1024; fd++)
		close(fd);
	/* nobody, no groups, no capabilities: the unprivileged paths */
	if (nobody && (setgroups(0, NULL) || setgid(FZ_NOBODY) ||
		       setuid(FZ_NOBODY)))
		_exit(4);
	/* after setuid, which clears it: an orphan would go on fuzzing */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
	signal(SIGALRM, SIG_DFL);
	alarm((left > 0 ? (unsigned int)left : 0) + FZ_GRACE_S);
	fz_st = w->st;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	if (fz_arena(w))
		_exit(2);
	while (fz_now() < w->deadline)
		fz_step(w);
	_exit(0);
}

#endif
