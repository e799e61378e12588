/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A FUSE file system that never answers a read, for rsm_stall_test.c:
 * user memory whose page fault stalls for as long as the test wants.
 *
 * No libfuse: the test opens /dev/fuse, mounts it and serves the requests
 * itself in a thread.  The file system has one regular file, "stall",
 * of STALL_FUSE_SIZE bytes.  INIT, LOOKUP, GETATTR, OPEN, FLUSH and
 * RELEASE are answered; READ is read from the device and never answered,
 * so a process that faults a page of the file waits in FUSE until the
 * connection is aborted.  Read-ahead is off (max_readahead 0): every
 * faulting page is a READ request of its own, and the server counts them.
 *
 * A request the daemon has read is waited for uninterruptibly, even by a
 * killed process (fs/fuse/dev.c, request_wait_answer()): only aborting
 * the connection lets such a process go.  stall_fuse_abort() does that,
 * through fusectl when it can, else by closing the last /dev/fuse
 * descriptor (which aborts too).
 */
#ifndef RSM_STALL_FUSE_H
#define RSM_STALL_FUSE_H

#include <errno.h>
#include <fcntl.h>
#include <linux/fuse.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <unistd.h>

#define STALL_FUSE_SIZE		(1024 * 1024)
#define STALL_FUSE_NAME		"stall"
#define STALL_FUSE_INO		2
#define STALL_FUSE_BUF		(256 * 1024)	/* > FUSE_MIN_READ_BUFFER */
#define STALL_FUSE_INIT_S	10
#define STALL_FUSECTL		"/sys/fs/fuse/connections"
#define STALL_FUSECTL_MAGIC	0x65735543

struct stall_fuse {
	int fd;			/* /dev/fuse, -1 when closed */
	int file;		/* "stall", open read-only; -1 */
	char *map;		/* its shared mapping, STALL_FUSE_SIZE */
	char dir[64];		/* mount point; "" before mkdtemp */
	bool mounted;
	bool serving;		/* the server thread runs */
	bool ctl_mounted;	/* we mounted fusectl, we unmount it */
	pthread_t thread;
	int stop;		/* atomic: the server thread must end */
	int inited;		/* atomic: INIT was answered */
	unsigned long reads;	/* atomic: READ requests left unanswered */
	unsigned long interrupts;	/* atomic */
	unsigned int conn;	/* connection number in fusectl (s_dev) */
};

static inline void stall_fuse_init(struct stall_fuse *f)
{
	memset(f, 0, sizeof(*f));
	f->fd = -1;
	f->file = -1;
}

static inline unsigned long stall_fuse_reads(struct stall_fuse *f)
{
	return __atomic_load_n(&f->reads, __ATOMIC_ACQUIRE);
}

static inline void stall_fuse_reply(struct stall_fuse *f, uint64_t unique, int err,
			     const void *payload, size_t len)
{
	char buf[sizeof(struct fuse_out_header) + 256];
	struct fuse_out_header *out = (void *)buf;

	out->len = sizeof(*out) + len;
	out->error = err;
	out->unique = unique;
	if (len)
		memcpy(buf + sizeof(*out), payload, len);
	/* ENOENT: the request was interrupted meanwhile; nothing to do */
	if (write(f->fd, buf, out->len) < 0 && errno != ENOENT)
		fprintf(stderr, "# fuse: reply to %llu: %s\n",
			(unsigned long long)unique, strerror(errno));
}

static inline void stall_fuse_attr(struct fuse_attr *a, uint64_t ino)
{
	memset(a, 0, sizeof(*a));
	a->ino = ino;
	a->blksize = 4096;
	if (ino == FUSE_ROOT_ID) {
		a->mode = S_IFDIR | 0755;
		a->nlink = 2;
	} else {
		a->mode = S_IFREG | 0444;
		a->nlink = 1;
		a->size = STALL_FUSE_SIZE;
		a->blocks = STALL_FUSE_SIZE / 512;
	}
}

/* INIT: protocol 7.x, no features, no read-ahead, 4 KiB writes. */
static inline void stall_fuse_do_init(struct stall_fuse *f,
			       const struct fuse_in_header *in,
			       const struct fuse_init_in *arg)
{
	struct fuse_init_out out;

	memset(&out, 0, sizeof(out));
	out.major = FUSE_KERNEL_VERSION;
	out.minor = arg->minor < FUSE_KERNEL_MINOR_VERSION ?
		    arg->minor : FUSE_KERNEL_MINOR_VERSION;
	out.max_readahead = 0;
	out.max_background = 16;
	out.congestion_threshold = 12;
	out.max_write = 4096;
	out.time_gran = 1;
	stall_fuse_reply(f, in->unique, 0, &out, sizeof(out));
	__atomic_store_n(&f->inited, 1, __ATOMIC_RELEASE);
}

static inline void stall_fuse_handle(struct stall_fuse *f, char *buf, size_t n)
{
	const struct fuse_in_header *in = (const void *)buf;
	const char *arg = buf + sizeof(*in);
	bool known = in->nodeid == FUSE_ROOT_ID || in->nodeid == STALL_FUSE_INO;
	union {
		struct fuse_entry_out entry;
		struct fuse_attr_out attr;
		struct fuse_open_out open;
	} out;

	buf[n] = '\0';		/* a LOOKUP name ends here at the latest */
	memset(&out, 0, sizeof(out));
	switch (in->opcode) {
	case FUSE_INIT:
		if (n >= sizeof(*in) + 3 * sizeof(uint32_t))
			stall_fuse_do_init(f, in, (const void *)arg);
		return;
	case FUSE_LOOKUP:
		if (in->nodeid != FUSE_ROOT_ID || strcmp(arg, STALL_FUSE_NAME))
			break;
		out.entry.nodeid = STALL_FUSE_INO;
		out.entry.generation = 1;
		out.entry.entry_valid = 3600;
		out.entry.attr_valid = 3600;
		stall_fuse_attr(&out.entry.attr, STALL_FUSE_INO);
		stall_fuse_reply(f, in->unique, 0, &out, sizeof(out.entry));
		return;
	case FUSE_GETATTR:
		if (!known)
			break;
		out.attr.attr_valid = 3600;
		stall_fuse_attr(&out.attr.attr, in->nodeid);
		stall_fuse_reply(f, in->unique, 0, &out, sizeof(out.attr));
		return;
	case FUSE_OPEN:
		if (in->nodeid != STALL_FUSE_INO)
			break;
		out.open.fh = 1;
		stall_fuse_reply(f, in->unique, 0, &out, sizeof(out.open));
		return;
	case FUSE_READ:
		/* the point of it all: never answered */
		__atomic_add_fetch(&f->reads, 1, __ATOMIC_ACQ_REL);
		return;
	case FUSE_INTERRUPT:
		/* answering would be optional; a stalled daemon does not */
		__atomic_add_fetch(&f->interrupts, 1, __ATOMIC_ACQ_REL);
		return;
	case FUSE_FORGET:
	case FUSE_BATCH_FORGET:
		return;		/* never answered, by protocol */
	case FUSE_FLUSH:
	case FUSE_RELEASE:
	case FUSE_RELEASEDIR:
	case FUSE_DESTROY:
		stall_fuse_reply(f, in->unique, 0, NULL, 0);
		return;
	default:
		stall_fuse_reply(f, in->unique, -ENOSYS, NULL, 0);
		return;
	}
	stall_fuse_reply(f, in->unique, -ENOENT, NULL, 0);
}

/* The server: polls so that it notices stop within 100 ms. */
static inline void *stall_fuse_serve(void *arg)
{
	struct stall_fuse *f = arg;
	struct pollfd p = { .fd = f->fd, .events = POLLIN };
	char *buf = malloc(STALL_FUSE_BUF + 1);
	ssize_t n;

	while (buf && !__atomic_load_n(&f->stop, __ATOMIC_ACQUIRE)) {
		if (poll(&p, 1, 100) <= 0)
			continue;
		n = read(f->fd, buf, STALL_FUSE_BUF);
		if (n < 0 && errno == ENODEV)
			break;		/* aborted or unmounted */
		if (n >= (ssize_t)sizeof(struct fuse_in_header))
			stall_fuse_handle(f, buf, n);
	}
	free(buf);
	return NULL;
}

/* Open and map the file once INIT is through; 0 or -1 (why in @why). */
static inline int stall_fuse_open_file(struct stall_fuse *f, char *why, size_t n)
{
	char path[96];
	int i;

	for (i = 0; i < STALL_FUSE_INIT_S * 20 &&
		    !__atomic_load_n(&f->inited, __ATOMIC_ACQUIRE); i++)
		usleep(50 * 1000);
	if (!__atomic_load_n(&f->inited, __ATOMIC_ACQUIRE)) {
		snprintf(why, n, "FUSE INIT never arrived");
		return -1;
	}
	snprintf(path, sizeof(path), "%s/%s", f->dir, STALL_FUSE_NAME);
	f->file = open(path, O_RDONLY | O_CLOEXEC);
	if (f->file < 0) {
		snprintf(why, n, "open %s: %s", path, strerror(errno));
		return -1;
	}
	f->map = mmap(NULL, STALL_FUSE_SIZE, PROT_READ, MAP_SHARED, f->file, 0);
	if (f->map == MAP_FAILED) {
		f->map = NULL;
		snprintf(why, n, "mmap %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Mount the file system and open its file, mapped at f->map (nothing of
 * it is touched).  0, or -1 with the reason in @why: the caller skips.
 * stall_fuse_stop() undoes whatever was done, also after a failure.
 */
static inline int stall_fuse_start(struct stall_fuse *f, char *why, size_t n)
{
	char opts[128];
	struct stat st;

	if (access("/dev/fuse", F_OK) &&
	    system("modprobe fuse >/dev/null 2>&1") == -1)
		fprintf(stderr, "# fuse: could not run modprobe\n");
	f->fd = open("/dev/fuse", O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (f->fd < 0) {
		snprintf(why, n, "/dev/fuse: %s", strerror(errno));
		return -1;
	}
	snprintf(f->dir, sizeof(f->dir), "/tmp/rsm_stall.XXXXXX");
	if (!mkdtemp(f->dir)) {
		f->dir[0] = '\0';
		snprintf(why, n, "mkdtemp: %s", strerror(errno));
		return -1;
	}
	snprintf(opts, sizeof(opts), "fd=%d,rootmode=40000,user_id=0,group_id=0",
		 f->fd);
	if (mount("rsm_stall", f->dir, "fuse", MS_NOSUID | MS_NODEV, opts)) {
		snprintf(why, n, "mount fuse: %s", strerror(errno));
		return -1;
	}
	f->mounted = true;
	if (pthread_create(&f->thread, NULL, stall_fuse_serve, f)) {
		snprintf(why, n, "pthread_create failed");
		return -1;
	}
	f->serving = true;
	if (stall_fuse_open_file(f, why, n))
		return -1;
	/* a GETATTR of the root: only once the server answers */
	if (stat(f->dir, &st)) {
		snprintf(why, n, "stat %s: %s", f->dir, strerror(errno));
		return -1;
	}
	/* fusectl names a connection by the kernel's dev_t of the mount */
	f->conn = major(st.st_dev) << 20 | minor(st.st_dev);
	return 0;
}

static inline void stall_fuse_join(struct stall_fuse *f)
{
	if (!f->serving)
		return;
	__atomic_store_n(&f->stop, 1, __ATOMIC_RELEASE);
	pthread_join(f->thread, NULL);
	f->serving = false;
}

/* Abort through /sys/fs/fuse/connections/<conn>/abort; 0 or -1. */
static inline int stall_fuse_ctl_abort(struct stall_fuse *f)
{
	char path[128];
	struct statfs sf;
	int fd, ret;

	if (statfs(STALL_FUSECTL, &sf))
		return -1;
	if (sf.f_type != STALL_FUSECTL_MAGIC) {
		if (mount("fusectl", STALL_FUSECTL, "fusectl", 0, NULL))
			return -1;
		f->ctl_mounted = true;
	}
	snprintf(path, sizeof(path), STALL_FUSECTL "/%u/abort", f->conn);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = write(fd, "1", 1) == 1 ? 0 : -1;
	close(fd);
	return ret;
}

/*
 * End every request of the connection, answered or not: its waiters
 * get an error and go.  Returns how, or NULL when there was no way.
 */
static inline const char *stall_fuse_abort(struct stall_fuse *f)
{
	if (f->fd < 0)
		return NULL;
	if (!stall_fuse_ctl_abort(f))
		return "fusectl abort";
	/* the last descriptor of the device going aborts the connection */
	stall_fuse_join(f);
	close(f->fd);
	f->fd = -1;
	return "closing /dev/fuse";
}

/* Undo stall_fuse_start(), whatever part of it was done. */
static inline void stall_fuse_stop(struct stall_fuse *f)
{
	if (f->map)
		munmap(f->map, STALL_FUSE_SIZE);
	f->map = NULL;
	/* FLUSH is answered while the server runs, or fails once aborted */
	if (f->file >= 0)
		close(f->file);
	f->file = -1;
	if (f->mounted && umount2(f->dir, MNT_DETACH))
		fprintf(stderr, "# fuse: umount %s: %s\n", f->dir, strerror(errno));
	f->mounted = false;
	stall_fuse_join(f);
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	if (f->dir[0] && rmdir(f->dir))
		fprintf(stderr, "# fuse: rmdir %s: %s\n", f->dir, strerror(errno));
	f->dir[0] = '\0';
	if (f->ctl_mounted)
		umount2(STALL_FUSECTL, MNT_DETACH);
	f->ctl_mounted = false;
}

#endif
