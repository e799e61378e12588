// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The canned /dev/rsm of fake_imc_device.h: the RSM_IOC_IMC_* requests of
 * libimc succeed with the answers of struct fake_imc (or fail as a test
 * asked) and are recorded there; no data is moved.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <unistd.h>

#include "fake_imc_device.h"

int __real_open(const char *path, int flags, ...);
int __wrap_open(const char *path, int flags, ...);
int __wrap_ioctl(int fd, unsigned long request, ...);
void *__real_mmap(void *addr, size_t len, int prot, int flags, int fd,
	off_t offset);
void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd,
	off_t offset);
int __real_munmap(void *addr, size_t len);
int __wrap_munmap(void *addr, size_t len);

struct fake_imc fake_imc = { .dev_fd = -1 };

/* Waits without a change before the fake takes a test for stuck. */
#define FAKE_WAIT_STUCK	3

void fake_imc_set_host(struct rsm_ioc_imc_info *info, unsigned int i,
		       uint32_t nodeid, const char *name)
{
	info->hosts[i].nodeid = nodeid;
	memset(info->hosts[i].name, 0, sizeof(info->hosts[i].name));
	strncpy(info->hosts[i].name, name, sizeof(info->hosts[i].name) - 1);
	if (info->nhosts < i + 1)
		info->nhosts = i + 1;
}

void fake_imc_defaults(void)
{
	struct rsm_ioc_imc_info *info = &fake_imc.info;

	fake_imc.present = true;
	memset(info, 0, sizeof(*info));
	info->gen = 5;
	info->member = 1;
	info->max_alloc_mb = 10;
	info->max_recv_mb = 10;
	info->nrails = 2;
	info->active_rails = 0x3;
	fake_imc_set_host(info, 0, 1, "alpha");
	fake_imc_set_host(info, 1, 2, "bravo");
	fake_imc_set_host(info, 2, 4, "charlie");
	fake_imc.asalloc_id = 7;
	fake_imc.attach_offset = 0x40000;
	fake_imc.attach_size = 2 * (uint64_t)sysconf(_SC_PAGESIZE);
	fake_imc.errcnt_count = 0;
	fake_imc.errcnt_code = 0;
	fake_imc.mmap_extra = 0;
}

void fake_imc_reset(void)
{
	fake_imc.open_calls = 0;
	fake_imc.open_flags = 0;
	fake_imc.open_path[0] = '\0';
	fake_imc.ioctl_calls = 0;
	fake_imc.last_request = 0;
	fake_imc.last_fd = -1;
	fake_imc.fail_errno = 0;
	fake_imc.fail_code = 0;
	fake_imc.fail_request = 0;
	fake_imc.info_calls = 0;
	fake_imc.lk_calls = 0;
	fake_imc.last_lk_cmd = 0;
	fake_imc.lk_count = 0;
	fake_imc.lk_status = 0;
	fake_imc.wait_calls = 0;
	memset(&fake_imc.last_wait, 0, sizeof(fake_imc.last_wait));
	fake_imc.wait_spurious = 0;
	fake_imc.wait_pending = false;
	fake_imc.wait_stuck = 0;
	fake_imc.asalloc_calls = 0;
	memset(&fake_imc.last_asalloc, 0, sizeof(fake_imc.last_asalloc));
	fake_imc.asdealloc_calls = 0;
	memset(&fake_imc.last_asdealloc, 0, sizeof(fake_imc.last_asdealloc));
	fake_imc.asattach_calls = 0;
	memset(&fake_imc.last_asattach, 0, sizeof(fake_imc.last_asattach));
	fake_imc.asdetach_calls = 0;
	memset(&fake_imc.last_asdetach, 0xff, sizeof(fake_imc.last_asdetach));
	fake_imc.put_calls = 0;
	memset(&fake_imc.last_put, 0, sizeof(fake_imc.last_put));
	fake_imc.put_watch = NULL;
	memset(fake_imc.put_seen, 0, sizeof(fake_imc.put_seen));
	fake_imc.flush_calls = 0;
	memset(&fake_imc.last_flush, 0xff, sizeof(fake_imc.last_flush));
	fake_imc.errcnt_calls = 0;
	memset(&fake_imc.last_errcnt, 0, sizeof(fake_imc.last_errcnt));
	fake_imc.mmap_calls = 0;
	memset(&fake_imc.last_mmap, 0, sizeof(fake_imc.last_mmap));
	fake_imc.last_mmap.fd = -1;
	fake_imc.mmap_errno = 0;
	fake_imc.mmap_elsewhere = false;
	fake_imc.munmap_calls = 0;
	fake_imc.last_munmap_addr = NULL;
	fake_imc.last_munmap_len = 0;
	fake_imc.asdetach_seq = 0;
	fake_imc.mmap_seq = 0;
	fake_imc.munmap_seq = 0;
}

int __wrap_open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;
	int fd;

	if (flags & O_CREAT) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	if (strncmp(path, RSM_DEVICE_PATH, strlen(RSM_DEVICE_PATH)) != 0)
		return __real_open(path, flags, mode);
	fake_imc.open_calls++;
	fake_imc.open_flags = flags;
	snprintf(fake_imc.open_path, sizeof(fake_imc.open_path), "%s", path);
	if (!fake_imc.present) {
		errno = ENOENT;
		return -1;
	}
	fd = __real_open("/dev/null", flags);
	fake_imc.dev_fd = fd;
	return fd;
}

/*
 * A mapping anywhere but at @addr, as a kernel without MAP_FIXED_NOREPLACE
 * makes when it takes the address for a hint it cannot follow.
 */
static void *fake_mmap_elsewhere(void *addr, size_t len, int prot)
{
	int flags = MAP_SHARED | MAP_ANONYMOUS;
	void *res = __real_mmap(NULL, len, prot, flags, -1, 0), *other;

	if (res == MAP_FAILED || res != addr)
		return res;
	other = __real_mmap(NULL, len, prot, flags, -1, 0);
	__real_munmap(res, len);
	return other;
}

/* Any descriptor mapped here is taken for the device. */
void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd,
	off_t offset)
{
	int keep = flags & (MAP_FIXED | MAP_FIXED_NOREPLACE);
	void *res;

	if (fd < 0)
		return __real_mmap(addr, len, prot, flags, fd, offset);
	fake_imc.mmap_calls++;
	fake_imc.mmap_seq = ++fake_imc.seq;
	fake_imc.last_mmap.addr = addr;
	fake_imc.last_mmap.len = len;
	fake_imc.last_mmap.prot = prot;
	fake_imc.last_mmap.flags = flags;
	fake_imc.last_mmap.fd = fd;
	fake_imc.last_mmap.offset = offset;
	if (fake_imc.mmap_errno) {
		errno = fake_imc.mmap_errno;
		fake_imc.mmap_errno = 0;
		res = MAP_FAILED;
	} else if (fake_imc.mmap_elsewhere) {
		fake_imc.mmap_elsewhere = false;
		res = fake_mmap_elsewhere(addr, len, prot);
	} else {
		res = __real_mmap(addr, len + fake_imc.mmap_extra, prot,
				  keep | MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	}
	fake_imc.last_mmap.result = res;
	return res;
}

int __wrap_munmap(void *addr, size_t len)
{
	fake_imc.munmap_calls++;
	fake_imc.munmap_seq = ++fake_imc.seq;
	fake_imc.last_munmap_addr = addr;
	fake_imc.last_munmap_len = len;
	return __real_munmap(addr, len);
}

static int fake_wait(const struct rsm_ioc_imc_wait *w)
{
	uint64_t gen = fake_imc.info.gen;

	fake_imc.wait_calls++;
	fake_imc.last_wait = *w;
	if (fake_imc.wait_spurious > 0) {
		fake_imc.wait_spurious--;
		return 0;
	}
	if (fake_imc.wait_pending) {
		fake_imc.wait_pending = false;
		fake_imc.info = fake_imc.wait_info;
		fake_imc.info.gen = gen + 1;
		return 0;
	}
	if (++fake_imc.wait_stuck >= FAKE_WAIT_STUCK) {
		errno = EINTR;
		return -1;
	}
	return 0;
}

static int fake_asalloc(struct rsm_ioc_imc_asalloc *a)
{
	fake_imc.asalloc_calls++;
	fake_imc.last_asalloc = *a;
	a->id = fake_imc.asalloc_id;
	return 0;
}

static int fake_asattach(struct rsm_ioc_imc_attach *a)
{
	fake_imc.asattach_calls++;
	fake_imc.last_asattach = *a;
	a->offset = fake_imc.attach_offset;
	a->size = fake_imc.attach_size;
	return 0;
}

/* Record a request whose answer is only its return value. */
static int fake_record(int *calls, void *last, const void *req, size_t len)
{
	(*calls)++;
	memcpy(last, req, len);
	return 0;
}

static int fake_put(const struct rsm_ioc_imc_put *q)
{
	size_t n = q->len < sizeof(fake_imc.put_seen) ?
		   (size_t)q->len : sizeof(fake_imc.put_seen);

	fake_imc.put_calls++;
	fake_imc.last_put = *q;
	memset(fake_imc.put_seen, 0, sizeof(fake_imc.put_seen));
	if (fake_imc.put_watch)
		memcpy(fake_imc.put_seen, fake_imc.put_watch + q->offset, n);
	return 0;
}

static int fake_errcnt(struct rsm_ioc_imc_errcnt *e)
{
	fake_imc.errcnt_calls++;
	fake_imc.last_errcnt = *e;
	e->count = fake_imc.errcnt_count;
	return fake_imc.errcnt_code;
}

/* The injected fault of the next request, if any: true if it failed. */
static bool fake_fault(unsigned long request, int *ret)
{
	if (fake_imc.fail_request && fake_imc.fail_request != request)
		return false;
	fake_imc.fail_request = 0;
	if (fake_imc.fail_errno) {
		errno = fake_imc.fail_errno;
		fake_imc.fail_errno = 0;
		*ret = -1;
		return true;
	}
	if (fake_imc.fail_code) {
		*ret = fake_imc.fail_code;
		fake_imc.fail_code = 0;
		return true;
	}
	return false;
}

/*
 * A lock set request: recorded.  LKALLOC answers @lk_count (if set) and
 * @lk_status; id 7 when that is 0.
 */
static int fake_lock(unsigned long request, void *arg)
{
	struct rsm_ioc_imc_lkalloc *a = arg;

	fake_imc.lk_calls++;
	fake_imc.last_lk_cmd = request;
	if (request != RSM_IOC_IMC_LKALLOC) {
		memcpy(&fake_imc.last_lkop, arg, sizeof(fake_imc.last_lkop));
		return 0;
	}
	memcpy(&fake_imc.last_lkalloc, a, sizeof(*a));
	if (fake_imc.lk_count)
		a->count = fake_imc.lk_count;
	if (!fake_imc.lk_status)
		a->id = 7;
	return fake_imc.lk_status;
}

static int fake_dispatch(unsigned long request, void *arg)
{
	switch (request) {
	case RSM_IOC_IMC_INFO:
		fake_imc.info_calls++;
		memcpy(arg, &fake_imc.info, sizeof(fake_imc.info));
		return 0;
	case RSM_IOC_IMC_WAIT:
		return fake_wait(arg);
	case RSM_IOC_IMC_ASALLOC:
		return fake_asalloc(arg);
	case RSM_IOC_IMC_ASDEALLOC:
		return fake_record(&fake_imc.asdealloc_calls,
				   &fake_imc.last_asdealloc, arg,
				   sizeof(fake_imc.last_asdealloc));
	case RSM_IOC_IMC_ASATTACH:
		return fake_asattach(arg);
	case RSM_IOC_IMC_ASDETACH:
		fake_imc.asdetach_seq = fake_imc.seq;
		return fake_record(&fake_imc.asdetach_calls,
				   &fake_imc.last_asdetach, arg,
				   sizeof(fake_imc.last_asdetach));
	case RSM_IOC_IMC_PUT:
		return fake_put(arg);
	case RSM_IOC_IMC_FLUSH:
		return fake_record(&fake_imc.flush_calls, &fake_imc.last_flush,
				   arg, sizeof(fake_imc.last_flush));
	case RSM_IOC_IMC_ERRCNT:
		return fake_errcnt(arg);
	case RSM_IOC_IMC_KILL:
		return fake_record(&fake_imc.kill_calls, &fake_imc.last_kill,
				   arg, sizeof(fake_imc.last_kill));
	case RSM_IOC_IMC_LKALLOC:
	case RSM_IOC_IMC_LKACQUIRE:
	case RSM_IOC_IMC_LKRELEASE:
	case RSM_IOC_IMC_LKDEALLOC:
		return fake_lock(request, arg);
	default:
		errno = ENOTTY;
		return -1;
	}
}

int __wrap_ioctl(int fd, unsigned long request, ...)
{
	void *arg;
	va_list ap;
	int ret;

	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);
	fake_imc.ioctl_calls++;
	fake_imc.seq++;
	fake_imc.last_fd = fd;
	fake_imc.last_request = request;
	if (fake_fault(request, &ret))
		return ret;
	return fake_dispatch(request, arg);
}
