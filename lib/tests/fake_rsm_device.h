/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A stand-in for /dev/rsm in host tests: the test program is linked with
 * -Wl,--wrap=open -Wl,--wrap=ioctl -Wl,--wrap=mmap -Wl,--wrap=munmap, so
 * librsm's open() of /dev/rsm, its ioctl()s and its mmap()s of segment
 * descriptors land here and get canned answers, while every other open()
 * goes to the C library.
 *
 * The control descriptor is /dev/null.  A segment descriptor (opened
 * read/write) is one end of a datagram socket pair whose queued datagrams
 * stand in for the segment's pending events: like the real descriptor it
 * polls POLLIN|POLLRDNORM while events are pending; fake_rsm_event_add()
 * queues events through the other end and RSM_IOC_SIGNAL_WAIT consumes
 * one.  mmap() of a descriptor gives anonymous shared memory with the
 * protection asked for.
 */
#ifndef _RSM_TEST_FAKE_DEVICE_H
#define _RSM_TEST_FAKE_DEVICE_H

#include <stdbool.h>
#include <stdint.h>

#include <rsm_ioctl.h>

struct fake_rsm {
	bool present;		/* does /dev/rsm exist? */
	int open_calls;		/* opens of /dev/rsm */
	int open_flags;		/* flags of the last one */
	int last_fd;		/* descriptor of the last ioctl */
	int attr_calls;		/* RSM_IOC_CTLR_ATTR requests */
	int topo_calls;		/* RSM_IOC_TOPOLOGY requests */
	char last_name[RSM_NAME_MAX];	/* name of the last attr request */
	uint64_t page_size;	/* reported for every controller */

	/* Fault injection for the next request, then cleared. */
	int fail_errno;		/* return -1 with this errno */
	int fail_code;		/* return this positive value */

	/* Topology: rxe0 with remote_count remotes, mlx5_0 with one. */
	uint32_t remote_count;
	int grow_on_fetch;	/* fetches that find one more remote; -1 = always */

	/* Segment descriptors: every request is counted and recorded. */
	unsigned long last_request;	/* RSM_IOC_* of the last ioctl */
	int export_calls;		/* RSM_IOC_EXPORT_CREATE */
	int connect_calls;		/* RSM_IOC_IMPORT_CONNECT */
	int put_calls;			/* RSM_IOC_IMPORT_PUT */
	int get_calls;			/* RSM_IOC_IMPORT_GET */
	int putv_calls;			/* RSM_IOC_IMPORT_PUTV */
	int getv_calls;			/* RSM_IOC_IMPORT_GETV */
	int state_calls;		/* RSM_IOC_IMPORT_STATE */
	int localmem_calls;		/* RSM_IOC_LOCALMEM_CREATE */
	int sync_calls;			/* RSM_IOC_MAP_SYNC */
	int refresh_calls;		/* RSM_IOC_MAP_REFRESH */
	int post_calls;			/* RSM_IOC_SIGNAL_POST */
	int wait_calls;			/* RSM_IOC_SIGNAL_WAIT */
	int mmap_calls;			/* mmap() of a descriptor */
	int munmap_calls;		/* munmap() of such a mapping */

	/* Answers of RSM_IOC_IMPORT_CONNECT and RSM_IOC_IMPORT_STATE. */
	uint64_t seg_size;		/* segment length */
	uint32_t generation;
	uint32_t local;
	uint32_t aborted;
	uint64_t errors;
	uint32_t rebinds;

	/* Answers of RSM_IOC_MAP_SYNC, _MAP_REFRESH, _SIGNAL_POST; they stay. */
	int sync_code;
	int refresh_code;
	int post_code;
	/* The next mmap() of a descriptor fails with this errno, once. */
	int mmap_errno;

	/* A putv/getv failure: the code and the entries reported done. */
	int sgio_fail_code;
	uint32_t sgio_fail_done;

	/* The last request of each kind, as the library sent it. */
	int connect_fd;
	struct rsm_ioc_import_connect last_connect;
	int xfer_fd;
	struct rsm_ioc_xfer last_xfer;
	int sgio_fd;
	struct rsm_ioc_sgio last_sgio;
	struct rsm_ioc_sg_entry last_entries[RSM_SGIO_MAX];
	int localmem_fd;
	struct rsm_ioc_localmem last_localmem;
	int sync_fd;
	int refresh_fd;
	int post_fd;
	struct rsm_ioc_signal last_post;
	int wait_fd;
	struct rsm_ioc_signal last_wait;
	/* The last mmap() of a descriptor, as asked, and what it returned. */
	struct {
		void *addr;
		size_t len;
		int prot;
		int flags;
		int fd;
		long long offset;
		void *result;
	} last_mmap;
	void *last_munmap_addr;
	size_t last_munmap_len;

	/*
	 * Every recorded request and (un)mapping takes the next number, so a
	 * test can tell what came first.
	 */
	unsigned long seq;
	unsigned long sync_seq;		/* of the last RSM_IOC_MAP_SYNC */
	unsigned long refresh_seq;	/* of the last RSM_IOC_MAP_REFRESH */
	unsigned long state_seq;	/* of the last RSM_IOC_IMPORT_STATE */
	unsigned long munmap_seq;	/* of the last munmap() */
};

/* Forget the recorded requests and counters; answers stay. */
void fake_rsm_reset_requests(void);

/* Make @n events pending on the segment descriptor @fd. */
void fake_rsm_event_add(int fd, unsigned int n);

extern struct fake_rsm fake_rsm;

#endif /* _RSM_TEST_FAKE_DEVICE_H */
