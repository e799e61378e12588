// SPDX-License-Identifier: BSD-2-Clause
/*
 * The canned /dev/rsm of fake_rsm_device.h.  Controllers it knows:
 * "loopback" (index 0), "rxe0" (index 1), "mlx5_0" (index 2), matched
 * case-insensitively like the kernel does.  Segment requests (export
 * create, import connect, transfers, import state, local memory, mapping
 * write-back and refresh, event post) succeed with the canned answers of
 * struct fake_rsm and are recorded there; no data is moved.  Event waits
 * consume from the descriptor's eventfd.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include "fake_rsm_device.h"
#include "kernel_topology.h"

int __real_open(const char *path, int flags, ...);
int __wrap_open(const char *path, int flags, ...);
int __wrap_ioctl(int fd, unsigned long request, ...);
void *__real_mmap(void *addr, size_t len, int prot, int flags, int fd,
	off_t offset);
void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd,
	off_t offset);
int __real_munmap(void *addr, size_t len);
int __wrap_munmap(void *addr, size_t len);

struct fake_rsm fake_rsm = { .page_size = 4096, .seg_size = 4 * 4096 };

/*
 * The other end of each segment descriptor's socket pair, by descriptor
 * number.  The library closes its end without the fake knowing, so an
 * entry is replaced (and the stale peer closed) when the number comes
 * back from a later open.
 */
#define FAKE_MAX_FD 1024
static int fake_peer[FAKE_MAX_FD];
static bool fake_peer_ready;

static int fake_segment_open(int flags)
{
	int sv[2], i;

	if (!fake_peer_ready) {
		for (i = 0; i < FAKE_MAX_FD; i++)
			fake_peer[i] = -1;
		fake_peer_ready = true;
	}
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK |
		       ((flags & O_CLOEXEC) ? SOCK_CLOEXEC : 0), 0, sv) != 0)
		return -1;
	if (sv[0] >= FAKE_MAX_FD) {
		close(sv[0]);
		close(sv[1]);
		errno = EMFILE;
		return -1;
	}
	if (fake_peer[sv[0]] >= 0)
		close(fake_peer[sv[0]]);
	fake_peer[sv[0]] = sv[1];
	return sv[0];
}

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
	if ((flags & O_ACCMODE) == O_RDWR)	/* a segment descriptor */
		return fake_segment_open(flags);
	return __real_open("/dev/null", flags);
}

void fake_rsm_event_add(int fd, unsigned int n)
{
	if (fd < 0 || fd >= FAKE_MAX_FD || fake_peer[fd] < 0)
		abort();	/* not a fake segment descriptor: a test bug */
	while (n-- > 0) {
		if (send(fake_peer[fd], "e", 1, 0) != 1)
			abort();
	}
}

/* Any descriptor mapped here is taken for a segment descriptor. */
void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd,
	off_t offset)
{
	void *res;

	if (fd < 0)
		return __real_mmap(addr, len, prot, flags, fd, offset);
	fake_rsm.mmap_calls++;
	fake_rsm.seq++;
	fake_rsm.last_mmap.addr = addr;
	fake_rsm.last_mmap.len = len;
	fake_rsm.last_mmap.prot = prot;
	fake_rsm.last_mmap.flags = flags;
	fake_rsm.last_mmap.fd = fd;
	fake_rsm.last_mmap.offset = offset;
	if (fake_rsm.mmap_errno) {
		errno = fake_rsm.mmap_errno;
		fake_rsm.mmap_errno = 0;
		res = MAP_FAILED;
	} else {
		res = __real_mmap(addr, len, prot, (flags & MAP_FIXED) |
				  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	}
	fake_rsm.last_mmap.result = res;
	return res;
}

int __wrap_munmap(void *addr, size_t len)
{
	fake_rsm.munmap_calls++;
	fake_rsm.munmap_seq = ++fake_rsm.seq;
	fake_rsm.last_munmap_addr = addr;
	fake_rsm.last_munmap_len = len;
	return __real_munmap(addr, len);
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

/* The current topology: rxe0 with remote_count remotes, mlx5_0 with one. */
static void fake_topology(struct kbuf *kb)
{
	uint32_t j;

	kb->len = 0;
	kb_header(kb, 2, 2);
	kb_ctlr(kb, "rxe0", 0x10, fake_rsm.remote_count);
	for (j = 0; j < fake_rsm.remote_count; j++)
		kb_remote(kb, j, j % 2 ? RSM_PATH_DOWN : RSM_PATH_ACTIVE,
			  "rxe0", 0x100 + j);
	kb_ctlr(kb, "mlx5_0", 0x20, 1);
	kb_remote(kb, 10, RSM_PATH_ACTIVE, "mlx5_0", 0x100);
}

static int fake_topology_request(struct rsm_ioc_buf *q)
{
	static struct kbuf kb;

	fake_rsm.topo_calls++;
	if (q->len > 0 && fake_rsm.grow_on_fetch != 0) {
		fake_rsm.remote_count++;
		if (fake_rsm.grow_on_fetch > 0)
			fake_rsm.grow_on_fetch--;
	}
	fake_topology(&kb);
	q->needed = (uint32_t)kb.len;
	if (q->len >= q->needed)
		memcpy((void *)(uintptr_t)q->buf, kb.data, kb.len);
	return 0;
}

void fake_rsm_reset_requests(void)
{
	fake_rsm.last_request = 0;
	fake_rsm.export_calls = 0;
	fake_rsm.connect_calls = 0;
	fake_rsm.put_calls = 0;
	fake_rsm.get_calls = 0;
	fake_rsm.putv_calls = 0;
	fake_rsm.getv_calls = 0;
	fake_rsm.state_calls = 0;
	fake_rsm.localmem_calls = 0;
	fake_rsm.sync_calls = 0;
	fake_rsm.refresh_calls = 0;
	fake_rsm.post_calls = 0;
	fake_rsm.wait_calls = 0;
	fake_rsm.mmap_calls = 0;
	fake_rsm.munmap_calls = 0;
	fake_rsm.sync_fd = -1;
	fake_rsm.refresh_fd = -1;
	fake_rsm.post_fd = -1;
	fake_rsm.wait_fd = -1;
	memset(&fake_rsm.last_post, 0, sizeof(fake_rsm.last_post));
	memset(&fake_rsm.last_wait, 0, sizeof(fake_rsm.last_wait));
	memset(&fake_rsm.last_mmap, 0, sizeof(fake_rsm.last_mmap));
	fake_rsm.last_mmap.fd = -1;
	fake_rsm.last_munmap_addr = NULL;
	fake_rsm.last_munmap_len = 0;
	fake_rsm.connect_fd = -1;
	fake_rsm.xfer_fd = -1;
	fake_rsm.sgio_fd = -1;
	fake_rsm.localmem_fd = -1;
	memset(&fake_rsm.last_connect, 0, sizeof(fake_rsm.last_connect));
	memset(&fake_rsm.last_xfer, 0, sizeof(fake_rsm.last_xfer));
	memset(&fake_rsm.last_sgio, 0, sizeof(fake_rsm.last_sgio));
	memset(fake_rsm.last_entries, 0, sizeof(fake_rsm.last_entries));
	memset(&fake_rsm.last_localmem, 0, sizeof(fake_rsm.last_localmem));
}

static int fake_import_connect(int fd, struct rsm_ioc_import_connect *c)
{
	fake_rsm.connect_calls++;
	fake_rsm.connect_fd = fd;
	fake_rsm.last_connect = *c;
	c->size = fake_rsm.seg_size;
	c->generation = fake_rsm.generation;
	c->local = fake_rsm.local;
	return 0;
}

static int fake_import_xfer(int fd, bool put, const struct rsm_ioc_xfer *x)
{
	if (put)
		fake_rsm.put_calls++;
	else
		fake_rsm.get_calls++;
	fake_rsm.xfer_fd = fd;
	fake_rsm.last_xfer = *x;
	return 0;
}

static int fake_import_sgio(int fd, bool put, struct rsm_ioc_sgio *q)
{
	uint32_t n = q->count < RSM_SGIO_MAX ? q->count : RSM_SGIO_MAX;

	if (put)
		fake_rsm.putv_calls++;
	else
		fake_rsm.getv_calls++;
	fake_rsm.sgio_fd = fd;
	fake_rsm.last_sgio = *q;
	memset(fake_rsm.last_entries, 0, sizeof(fake_rsm.last_entries));
	memcpy(fake_rsm.last_entries, (void *)(uintptr_t)q->entries,
	       n * sizeof(fake_rsm.last_entries[0]));
	if (fake_rsm.sgio_fail_code) {
		int code = fake_rsm.sgio_fail_code;

		fake_rsm.sgio_fail_code = 0;
		q->done = fake_rsm.sgio_fail_done;
		return code;
	}
	q->done = q->count;
	return 0;
}

static int fake_import_state(struct rsm_ioc_import_state *st)
{
	fake_rsm.state_calls++;
	fake_rsm.state_seq = ++fake_rsm.seq;
	st->generation = fake_rsm.generation;
	st->aborted = fake_rsm.aborted;
	st->errors = fake_rsm.errors;
	st->rebinds = fake_rsm.rebinds;
	return 0;
}

static int fake_map_sync(int fd)
{
	fake_rsm.sync_calls++;
	fake_rsm.sync_seq = ++fake_rsm.seq;
	fake_rsm.sync_fd = fd;
	return fake_rsm.sync_code;
}

static int fake_map_refresh(int fd)
{
	fake_rsm.refresh_calls++;
	fake_rsm.refresh_seq = ++fake_rsm.seq;
	fake_rsm.refresh_fd = fd;
	return fake_rsm.refresh_code;
}

static int fake_signal_post(int fd, const struct rsm_ioc_signal *q)
{
	fake_rsm.post_calls++;
	fake_rsm.seq++;
	fake_rsm.post_fd = fd;
	fake_rsm.last_post = *q;
	return fake_rsm.post_code;
}

/* Consume one event queued on the descriptor, waiting as asked. */
static int fake_signal_wait(int fd, const struct rsm_ioc_signal *q)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char c;

	fake_rsm.wait_calls++;
	fake_rsm.seq++;
	fake_rsm.wait_fd = fd;
	fake_rsm.last_wait = *q;
	if (recv(fd, &c, 1, MSG_DONTWAIT) == 1)
		return 0;
	if (errno != EAGAIN) {
		errno = EBADF;
		return -1;
	}
	if (q->timeout_ms == 0)
		return 42;	/* RSMERR_TIMEOUT */
	if (poll(&p, 1, q->timeout_ms) < 0)
		return -1;	/* EINTR */
	if (recv(fd, &c, 1, MSG_DONTWAIT) == 1)
		return 0;
	return 42;
}

static int fake_localmem(int fd, const struct rsm_ioc_localmem *m)
{
	fake_rsm.localmem_calls++;
	fake_rsm.localmem_fd = fd;
	fake_rsm.last_localmem = *m;
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
	fake_rsm.last_request = request;
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
	case RSM_IOC_EXPORT_CREATE:
		fake_rsm.export_calls++;
		return 0;
	case RSM_IOC_IMPORT_CONNECT:
		return fake_import_connect(fd, arg);
	case RSM_IOC_IMPORT_PUT:
		return fake_import_xfer(fd, true, arg);
	case RSM_IOC_IMPORT_GET:
		return fake_import_xfer(fd, false, arg);
	case RSM_IOC_IMPORT_PUTV:
		return fake_import_sgio(fd, true, arg);
	case RSM_IOC_IMPORT_GETV:
		return fake_import_sgio(fd, false, arg);
	case RSM_IOC_IMPORT_STATE:
		return fake_import_state(arg);
	case RSM_IOC_LOCALMEM_CREATE:
		return fake_localmem(fd, arg);
	case RSM_IOC_MAP_SYNC:
		return fake_map_sync(fd);
	case RSM_IOC_MAP_REFRESH:
		return fake_map_refresh(fd);
	case RSM_IOC_SIGNAL_POST:
		return fake_signal_post(fd, arg);
	case RSM_IOC_SIGNAL_WAIT:
		return fake_signal_wait(fd, arg);
	default:
		errno = ENOTTY;
		return -1;
	}
}
