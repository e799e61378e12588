// SPDX-License-Identifier: BSD-2-Clause
/*
 * The canned /dev/rsm of fake_rsm_device.h.  Controllers it knows:
 * "loopback" (index 0), "rxe0" (index 1), "mlx5_0" (index 2), matched
 * case-insensitively like the kernel does.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>

#include "fake_rsm_device.h"

int __real_open(const char *path, int flags, ...);
int __wrap_open(const char *path, int flags, ...);
int __wrap_ioctl(int fd, unsigned long request, ...);

struct fake_rsm fake_rsm = { .page_size = 4096 };

int __wrap_open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	if (flags & O_CREAT) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	if (strcmp(path, RSM_DEVICE_PATH) != 0)
		return __real_open(path, flags, mode);
	fake_rsm.open_calls++;
	fake_rsm.open_flags = flags;
	if (!fake_rsm.present) {
		errno = ENOENT;
		return -1;
	}
	return __real_open("/dev/null", flags);
}

static int fake_ctlr_attr(struct rsm_ioc_ctlr_attr *a)
{
	static const char *const names[] = { "loopback", "rxe0", "mlx5_0" };
	uint32_t i;

	fake_rsm.attr_calls++;
	memcpy(fake_rsm.last_name, a->name, sizeof(a->name));
	for (i = 0; i < 3; i++) {
		if (strncasecmp(a->name, names[i], sizeof(a->name)) == 0)
			break;
	}
	if (i == 3)
		return 4;	/* RSMERR_CTLR_NOT_PRESENT */
	a->ctlr_index = i;
	a->direct_access_sizes = 0xf;
	a->atomic_sizes = 0x8;
	a->page_size = fake_rsm.page_size;
	a->max_export_segment_size = 1ULL << (30 + i);
	a->tot_export_segment_size = 2ULL << (30 + i);
	a->max_export_segments = 100 + i;
	a->max_import_map_size = 3ULL << (30 + i);
	a->tot_import_map_size = 4ULL << (30 + i);
	a->max_import_segments = 200 + i;
	a->controller_addr = 0xabc0 + i;
	return 0;
}

static void fake_put_name(char *dst, const char *name)
{
	memset(dst, 0, RSM_NAME_MAX);
	memcpy(dst, name, strlen(name));
}

/* Lay out the current topology into @buf (NULL: only measure). */
static uint32_t fake_topology(unsigned char *buf)
{
	struct rsm_topo_hdr h = { .local_nodeid = 2, .nctlr = 2 };
	struct rsm_topo_ctlr c[2];
	struct rsm_topo_remote r;
	size_t off = 0;
	uint32_t i, j;

	memset(c, 0, sizeof(c));
	fake_put_name(c[0].name, "rxe0");
	c[0].hwaddr = 0x10;
	c[0].nremote = fake_rsm.remote_count;
	fake_put_name(c[1].name, "mlx5_0");
	c[1].hwaddr = 0x20;
	c[1].nremote = 1;
	if (buf)
		memcpy(buf, &h, sizeof(h));
	off += sizeof(h);
	for (i = 0; i < 2; i++) {
		if (buf)
			memcpy(buf + off, &c[i], sizeof(c[i]));
		off += sizeof(c[i]);
		for (j = 0; j < c[i].nremote; j++) {
			memset(&r, 0, sizeof(r));
			r.nodeid = 10 * i + j;
			r.state = j % 2 ? RSM_PATH_DOWN : RSM_PATH_ACTIVE;
			fake_put_name(r.name, i ? "mlx5_0" : "rxe0");
			r.hwaddr = 0x100 + j;
			if (buf)
				memcpy(buf + off, &r, sizeof(r));
			off += sizeof(r);
		}
	}
	return (uint32_t)off;
}

static int fake_topology_request(struct rsm_ioc_buf *q)
{
	fake_rsm.topo_calls++;
	if (q->len > 0 && fake_rsm.grow_on_fetch != 0) {
		fake_rsm.remote_count++;
		if (fake_rsm.grow_on_fetch > 0)
			fake_rsm.grow_on_fetch--;
	}
	q->needed = fake_topology(NULL);
	if (q->len >= q->needed)
		fake_topology((unsigned char *)(uintptr_t)q->buf);
	return 0;
}

int __wrap_ioctl(int fd, unsigned long request, ...)
{
	void *arg;
	va_list ap;

	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);
	fake_rsm.last_fd = fd;
	if (fake_rsm.fail_errno) {
		errno = fake_rsm.fail_errno;
		fake_rsm.fail_errno = 0;
		return -1;
	}
	if (fake_rsm.fail_code) {
		int code = fake_rsm.fail_code;

		fake_rsm.fail_code = 0;
		return code;
	}
	switch (request) {
	case RSM_IOC_CTLR_ATTR:
		return fake_ctlr_attr(arg);
	case RSM_IOC_TOPOLOGY:
		return fake_topology_request(arg);
	default:
		errno = ENOTTY;
		return -1;
	}
}
