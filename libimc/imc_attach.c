// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libimc: imc_asattach(3), imc_asattach_ptp(3), imc_asdetach(3),
 * imc_bcopy(3) and imc_flush(3) - mapping regions and sending.
 *
 * The kernel attaches and hands out an mmap offset; the library maps it
 * and remembers where, so that imc_bcopy() can tell a transmit mapping
 * (copy, then have the kernel send the range) from ordinary memory.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "imc_internal.h"

/* One allocation's mappings in this process. */
struct imc_map {
	imc_asid_t	id;
	size_t		size;
	char		*rx;		/* receive mapping, or NULL */
	char		*tx;		/* transmit mapping, or NULL */
};

/* Under imc_maps_lock. */
static pthread_rwlock_t imc_maps_lock = PTHREAD_RWLOCK_INITIALIZER;
static struct imc_map *imc_maps;
static size_t imc_nmaps, imc_maps_room;

void imc_maps_forget(void)
{
	/* the child has none of the mappings (they are not inherited) */
	free(imc_maps);
	imc_maps = NULL;
	imc_nmaps = 0;
	imc_maps_room = 0;
	pthread_rwlock_init(&imc_maps_lock, NULL);
}

/* Under the write lock: the entry of @id, made if @make. */
static struct imc_map *imc_map_of(imc_asid_t id, int make)
{
	size_t i;

	for (i = 0; i < imc_nmaps; i++)
		if (imc_maps[i].id == id)
			return &imc_maps[i];
	if (!make)
		return NULL;
	if (imc_nmaps == imc_maps_room) {
		size_t room = imc_maps_room ? 2 * imc_maps_room : 16;
		struct imc_map *m = realloc(imc_maps, room * sizeof(*m));

		if (!m)
			return NULL;
		imc_maps = m;
		imc_maps_room = room;
	}
	memset(&imc_maps[imc_nmaps], 0, sizeof(imc_maps[0]));
	imc_maps[imc_nmaps].id = id;
	return &imc_maps[imc_nmaps++];
}

static void imc_map_drop(struct imc_map *m)
{
	if (m->rx || m->tx)
		return;
	*m = imc_maps[--imc_nmaps];
}

/* Undo a kernel attach in direction @dir. */
static void imc_undo_attach(int fd, imc_asid_t id, unsigned int dir)
{
	struct rsm_ioc_imc_detach req = {
		.id = id,
		.dirs = dir == RSM_IMC_DIR_RX ? RSM_IMC_DIR_RX : RSM_IMC_DIR_TX,
	};

	ioctl(fd, RSM_IOC_IMC_ASDETACH, &req);
}

/*
 * Attach as @req says and map; @want is where a receive mapping must be,
 * or NULL.
 */
static int imc_attach(struct rsm_ioc_imc_attach *req, void *want,
		      caddr_t *address)
{
	int fd = imc_fd(), st, prot = PROT_READ, flags = MAP_SHARED;
	struct imc_map *m;
	void *p;

	if (fd < 0)
		return IMC_NOTINIT;
	st = imc_ioctl_status(ioctl(fd, RSM_IOC_IMC_ASATTACH, req));
	if (st != IMC_SUCCESS)
		return st;
	if (req->dir != RSM_IMC_DIR_RX)
		prot |= PROT_WRITE;
	if (want)
		flags |= MAP_FIXED_NOREPLACE;
	p = mmap(want, req->size, prot, flags, fd, (off_t)req->offset);
	if (p == MAP_FAILED || (want && p != want)) {
		/* mapped elsewhere (no MAP_FIXED_NOREPLACE): errno is stale */
		st = p == MAP_FAILED && errno == ENOMEM ? IMC_MAPENTRIES :
							  IMC_BADADDR;
		if (p != MAP_FAILED)
			munmap(p, req->size);
		imc_undo_attach(fd, req->id, req->dir);
		return st;
	}
	pthread_rwlock_wrlock(&imc_maps_lock);
	m = imc_map_of(req->id, 1);
	if (m) {
		m->size = req->size;
		if (req->dir == RSM_IMC_DIR_RX)
			m->rx = p;
		else
			m->tx = p;
	}
	pthread_rwlock_unlock(&imc_maps_lock);
	if (!m) {
		munmap(p, req->size);
		imc_undo_attach(fd, req->id, req->dir);
		return IMC_NOMEM;
	}
	*address = p;
	return IMC_SUCCESS;
}

/**
 * imc_asattach - map a region for transmit or receive
 * @id: from imc_asalloc()
 * @dir: IMC_TRANSMIT or IMC_RECEIVE
 * @mode: IMC_SHARED or IMC_NONSHARED
 * @flag: transmit: IMC_LOOPBACK or 0; receive: IMC_RXPTR (map at
 *	*@address, page-aligned) or 0
 * @address: out (in with IMC_RXPTR): the mapping
 */
__attribute__((visibility("default")))
int imc_asattach(imc_asid_t id, imc_dir_t dir, int mode, int flag,
		 caddr_t *address)
{
	struct rsm_ioc_imc_attach req = { .id = id, .mode = (__u32)mode };
	void *want = NULL;
	long page = sysconf(_SC_PAGESIZE);

	if (imc_fd() < 0)
		return IMC_NOTINIT;
	if (!address || id <= 0 ||
	    (mode != IMC_SHARED && mode != IMC_NONSHARED))
		return IMC_BADPARM;
	if (dir == IMC_TRANSMIT) {
		if (flag & ~IMC_LOOPBACK)
			return IMC_BADPARM;
		req.dir = RSM_IMC_DIR_TX;
		req.flags = flag ? RSM_IMC_LOOPBACK : 0;
	} else if (dir == IMC_RECEIVE) {
		if (flag & ~IMC_RXPTR)
			return IMC_BADPARM;
		if (flag) {
			want = *address;
			if (!want || (uintptr_t)want % (uintptr_t)page)
				return IMC_BADADDR;
		}
		req.dir = RSM_IMC_DIR_RX;
	} else {
		return IMC_BADPARM;
	}
	return imc_attach(&req, want, address);
}

/**
 * imc_asattach_ptp - map a region for transmit to one host only
 * @id: from imc_asalloc()
 * @mode: IMC_SHARED or IMC_NONSHARED
 * @flag: 0 (no loopback to a single host)
 * @hostname: the receiving host, as imc_getclusterinfo() names it
 * @address: out: the mapping
 */
__attribute__((visibility("default")))
int imc_asattach_ptp(imc_asid_t id, int mode, int flag, char *hostname,
		     caddr_t *address)
{
	struct rsm_ioc_imc_attach req = {
		.id = id, .dir = RSM_IMC_DIR_PTP, .mode = (__u32)mode,
		.flags = (__u32)flag,
	};

	if (imc_fd() < 0)
		return IMC_NOTINIT;
	if (!address || !hostname || id <= 0 ||
	    (mode != IMC_SHARED && mode != IMC_NONSHARED))
		return IMC_BADPARM;
	if (flag)
		return IMC_PTPERR;
	if (!*hostname || strlen(hostname) >= sizeof(req.host))
		return IMC_BADHOST;
	strcpy(req.host, hostname);
	return imc_attach(&req, NULL, address);
}

/**
 * imc_asdetach - remove every mapping of a region from this process
 * @id: from imc_asalloc()
 *
 * Stores to the transmit mapping not sent yet are sent first.
 */
__attribute__((visibility("default")))
int imc_asdetach(imc_asid_t id)
{
	struct rsm_ioc_imc_detach req = { .id = id };
	int fd = imc_fd(), st;
	struct imc_map *m;

	if (fd < 0)
		return IMC_NOTINIT;
	if (id <= 0)
		return IMC_BADPARM;
	st = imc_ioctl_status(ioctl(fd, RSM_IOC_IMC_ASDETACH, &req));
	if (st != IMC_SUCCESS)
		return st;
	pthread_rwlock_wrlock(&imc_maps_lock);
	m = imc_map_of(id, 0);
	if (m) {
		if (m->rx)
			munmap(m->rx, m->size);
		if (m->tx)
			munmap(m->tx, m->size);
		m->rx = m->tx = NULL;
		imc_map_drop(m);
	}
	pthread_rwlock_unlock(&imc_maps_lock);
	return IMC_SUCCESS;
}

/* The transmit mapping holding @p: its id and @p's offset, or -1. */
static int imc_tx_of(const char *p, imc_asid_t *id, size_t *off, size_t *room)
{
	int found = -1;
	size_t i;

	pthread_rwlock_rdlock(&imc_maps_lock);
	for (i = 0; i < imc_nmaps && found; i++) {
		const struct imc_map *m = &imc_maps[i];

		if (m->tx && p >= m->tx && p < m->tx + m->size) {
			*id = m->id;
			*off = (size_t)(p - m->tx);
			*room = m->size - *off;
			found = 0;
		}
	}
	pthread_rwlock_unlock(&imc_maps_lock);
	return found;
}

/**
 * imc_bcopy - copy bytes, sending them at once when the destination is a
 * transmit mapping
 * @src: source
 * @dest: destination: ordinary memory or a transmit mapping
 * @length: bytes; nothing happens unless it is positive
 * @dest_write_only: accepted and ignored (transmit pages are readable
 *	here)
 * @first_dest_quad: accepted and ignored, for the same reason
 *
 * Return: 0.
 */
__attribute__((visibility("default")))
long imc_bcopy(void *src, void *dest, long length, long dest_write_only,
	       long first_dest_quad)
{
	struct rsm_ioc_imc_put req = { .len = 0 };
	size_t off, room;
	imc_asid_t id;
	int fd;

	(void)dest_write_only;
	(void)first_dest_quad;
	if (length <= 0)
		return 0;
	memmove(dest, src, (size_t)length);
	fd = imc_fd();
	if (fd < 0 || imc_tx_of(dest, &id, &off, &room))
		return 0;
	req.id = id;
	req.offset = off;
	req.len = (size_t)length < room ? (size_t)length : room;
	/* a failed send shows in the rail's error count */
	ioctl(fd, RSM_IOC_IMC_PUT, &req);
	return 0;
}

/**
 * imc_flush - send what was stored into transmit mappings and not sent
 * yet (an extension: Memory Channel hardware needed no flush)
 * @id: one region, or 0 for every region of the process
 */
__attribute__((visibility("default")))
int imc_flush(imc_asid_t id)
{
	struct rsm_ioc_imc_detach req = { .id = id };
	int fd = imc_fd();

	if (fd < 0)
		return IMC_NOTINIT;
	if (id < 0)
		return IMC_BADPARM;
	return imc_ioctl_status(ioctl(fd, RSM_IOC_IMC_FLUSH, &req));
}
