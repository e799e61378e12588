/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A cgroup v2 memory cgroup of its own for rsm_stall_test.c, and its
 * removal, whatever state the system was in: the cluster's nodes run no
 * systemd, so the unified hierarchy may not be mounted at all (then it is
 * mounted aside, under /tmp, and unmounted again), and the memory
 * controller may not be enabled for the root's children (then it is
 * enabled, and disabled again).
 */
#ifndef RSM_STALL_CG_H
#define RSM_STALL_CG_H

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "rsm_cluster.h"

#define STALL_CG_ROOT	"/sys/fs/cgroup"
#define STALL_CG_NAME	"rsmtest"

struct stall_cg {
	char root[64];		/* the hierarchy's root directory */
	char mnt[64];		/* our own mount of it, to undo; "" */
	char dir[128];		/* our cgroup, to remove; "" */
	bool enabled;		/* we enabled +memory at the root */
};

/* Write @val to @dir/@file; 0 or an errno. */
static inline int stall_cg_write(const char *dir, const char *file,
				 const char *val)
{
	char p[256];
	int fd, ret = 0;

	snprintf(p, sizeof(p), "%s/%s", dir, file);
	fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (write(fd, val, strlen(val)) < 0)
		ret = errno;
	close(fd);
	return ret;
}

/* Read @dir/@file into @buf (NUL-terminated); 0 or -1. */
static inline int stall_cg_read(const char *dir, const char *file, char *buf,
				size_t n)
{
	char p[256];
	ssize_t got;
	int fd;

	snprintf(p, sizeof(p), "%s/%s", dir, file);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	got = read(fd, buf, n - 1);
	close(fd);
	if (got < 0)
		return -1;
	buf[got] = '\0';
	return 0;
}

/* memory.current of cgroup @dir, or -1. */
static inline long long stall_cg_current(const char *dir)
{
	char buf[64];

	return stall_cg_read(dir, "memory.current", buf, sizeof(buf)) ?
	       -1 : atoll(buf);
}

/* Find or mount the unified hierarchy; 0, or -1 and why. */
static inline int stall_cg_root(struct stall_cg *cg, char *why, size_t n)
{
	struct statfs sf;

	if (!statfs(STALL_CG_ROOT, &sf) && sf.f_type == CGROUP2_SUPER_MAGIC) {
		snprintf(cg->root, sizeof(cg->root), STALL_CG_ROOT);
		return 0;
	}
	/* not mounted, or cgroup v1 there: leave that alone, mount aside */
	snprintf(cg->mnt, sizeof(cg->mnt), "/tmp/rsm_cg.XXXXXX");
	if (!mkdtemp(cg->mnt)) {
		snprintf(why, n, "mkdtemp: %s", strerror(errno));
		cg->mnt[0] = '\0';
		return -1;
	}
	if (mount("none", cg->mnt, "cgroup2", 0, NULL)) {
		snprintf(why, n, "mount -t cgroup2: %s", strerror(errno));
		rmdir(cg->mnt);
		cg->mnt[0] = '\0';
		return -1;
	}
	snprintf(cg->root, sizeof(cg->root), "%s", cg->mnt);
	return 0;
}

/*
 * A new cgroup cg->dir with memory.max @max; 0, or -1 with why (the
 * caller skips).  stall_cg_remove() undoes what was done, also after a
 * failure.
 */
static inline int stall_cg_make(struct stall_cg *cg, const char *max,
				char *why, size_t n)
{
	char text[256];
	int err;

	if (stall_cg_root(cg, why, n))
		return -1;
	if (stall_cg_read(cg->root, "cgroup.controllers", text, sizeof(text)) ||
	    !strstr(text, "memory")) {
		snprintf(why, n, "no memory controller in %s", cg->root);
		return -1;
	}
	if (stall_cg_read(cg->root, "cgroup.subtree_control", text,
			  sizeof(text)) || !strstr(text, "memory")) {
		err = stall_cg_write(cg->root, "cgroup.subtree_control",
				     "+memory");
		if (err) {
			snprintf(why, n, "+memory: %s", strerror(err));
			return -1;
		}
		cg->enabled = true;
	}
	snprintf(cg->dir, sizeof(cg->dir), "%s/" STALL_CG_NAME, cg->root);
	/* left over by a run that died: empty, so it can go */
	if (mkdir(cg->dir, 0755) && (errno != EEXIST || rmdir(cg->dir) ||
				     mkdir(cg->dir, 0755))) {
		snprintf(why, n, "mkdir %s: %s", cg->dir, strerror(errno));
		cg->dir[0] = '\0';
		return -1;
	}
	err = stall_cg_write(cg->dir, "memory.max", max);
	if (err)
		snprintf(why, n, "memory.max: %s", strerror(err));
	return err ? -1 : 0;
}

/*
 * Remove the cgroup (its processes are gone; charges of freed memory
 * may keep it busy for a moment) and undo the rest; 0, or -1 when the
 * cgroup stays.
 */
static inline int stall_cg_remove(struct stall_cg *cg)
{
	double end = rsmt_time() + 10;
	int ret = 0;

	while (cg->dir[0] && rmdir(cg->dir) && errno == EBUSY &&
	       rsmt_time() < end)
		usleep(100 * 1000);
	if (cg->dir[0] && !access(cg->dir, F_OK)) {
		fprintf(stderr, "# cgroup %s stays: %s\n", cg->dir,
			strerror(errno));
		ret = -1;
	}
	cg->dir[0] = '\0';
	if (cg->enabled && !ret)
		stall_cg_write(cg->root, "cgroup.subtree_control", "-memory");
	cg->enabled = false;
	if (cg->mnt[0] && !umount2(cg->mnt, MNT_DETACH))
		rmdir(cg->mnt);
	cg->mnt[0] = '\0';
	return ret;
}

#endif
