/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A stand-in for /dev/rsm in the libimc host tests: the test program is
 * linked with -Wl,--wrap=open -Wl,--wrap=ioctl -Wl,--wrap=mmap
 * -Wl,--wrap=munmap, so libimc's open() of the device, its RSM_IOC_IMC_*
 * ioctls and its mmap()s of the device land here and get canned answers,
 * while every other open() goes to the C library.
 *
 * The device descriptor is /dev/null.  Every request is counted and the
 * last one of each kind recorded as the library sent it; the answers come
 * from struct fake_imc.  mmap() of a descriptor gives anonymous shared
 * memory with the protection asked for.
 */
#ifndef _IMC_TEST_FAKE_DEVICE_H
#define _IMC_TEST_FAKE_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rsm_ioctl.h>

/* The last mmap() of a descriptor, as asked, and what it returned. */
struct fake_imc_mmap {
	void *addr;
	size_t len;
	int prot;
	int flags;
	int fd;
	long long offset;
	void *result;
};

struct fake_imc {
	/* open(): paths starting with "/dev/rsm" are the device. */
	bool present;			/* does the device open? */
	int open_calls;
	int open_flags;			/* of the last one */
	char open_path[64];		/* of the last one */
	int dev_fd;			/* what the last one returned */

	/* Every ioctl on any descriptor. */
	int ioctl_calls;
	unsigned long last_request;
	int last_fd;

	/*
	 * Fault injection for the next ioctl (only the next @fail_request
	 * if that is not 0), then cleared.
	 */
	int fail_errno;			/* return -1 with this errno */
	int fail_code;			/* return this positive status */
	unsigned long fail_request;

	/* RSM_IOC_IMC_INFO: the answer (the test edits it). */
	int info_calls;
	struct rsm_ioc_imc_info info;

	/*
	 * RSM_IOC_IMC_WAIT: @wait_spurious wake-ups that change nothing
	 * come first; then, when @wait_pending, @wait_info becomes the
	 * answer of RSM_IOC_IMC_INFO with the next generation.  A wait that
	 * would block for ever fails with EINTR instead and counts in
	 * @wait_stuck, so that a test cannot hang.
	 */
	int wait_calls;
	struct rsm_ioc_imc_wait last_wait;
	int wait_spurious;
	bool wait_pending;
	struct rsm_ioc_imc_info wait_info;
	int wait_stuck;

	/* Region requests and their answers. */
	int asalloc_calls;
	struct rsm_ioc_imc_asalloc last_asalloc;
	int32_t asalloc_id;		/* id the kernel hands out */
	int asdealloc_calls;
	struct rsm_ioc_imc_asid last_asdealloc;
	int asattach_calls;
	struct rsm_ioc_imc_attach last_asattach;
	uint64_t attach_offset;		/* mmap offset handed out */
	uint64_t attach_size;		/* and the mapping's length */
	int asdetach_calls;
	struct rsm_ioc_imc_detach last_asdetach;
	int put_calls;
	struct rsm_ioc_imc_put last_put;
	/*
	 * When @put_watch is set (a transmit mapping), RSM_IOC_IMC_PUT copies
	 * the first bytes of the range it is asked to send from there into
	 * @put_seen: what the mapping held when the send was asked for.
	 */
	const unsigned char *put_watch;
	unsigned char put_seen[64];
	int flush_calls;
	struct rsm_ioc_imc_detach last_flush;
	int errcnt_calls;
	struct rsm_ioc_imc_errcnt last_errcnt;
	int32_t errcnt_count;		/* count the kernel reports */
	int errcnt_code;		/* and the status it returns with it */

	/* RSM_IOC_IMC_KILL, as sent */
	int kill_calls;
	struct rsm_ioc_imc_kill last_kill;
	int lk_calls;			/* the four lock set requests */
	unsigned long last_lk_cmd;
	struct rsm_ioc_imc_lkalloc last_lkalloc;
	struct rsm_ioc_imc_lkop last_lkop;
	__u32 lk_count;			/* LKALLOC answers with it (0: as asked) */
	int lk_status;			/* and returns it */

	/* mmap() and munmap() of descriptors. */
	int mmap_calls;
	struct fake_imc_mmap last_mmap;
	int mmap_errno;			/* next mmap() fails so, once */
	bool mmap_elsewhere;		/* next one maps elsewhere, once */
	size_t mmap_extra;		/* bytes mapped past the length */
	int munmap_calls;
	void *last_munmap_addr;
	size_t last_munmap_len;

	/* Order of events: every recorded request takes the next number. */
	unsigned long seq;
	unsigned long asdetach_seq;	/* of the last ASDETACH */
	unsigned long mmap_seq;		/* of the last mmap() */
	unsigned long munmap_seq;	/* of the last munmap() */
};

extern struct fake_imc fake_imc;

/* The default answers: a member host, three hosts, two active rails. */
void fake_imc_defaults(void);

/* Forget the recorded requests, counters and injected faults. */
void fake_imc_reset(void);

/* Set host @i of @info (and nhosts to at least @i + 1). */
void fake_imc_set_host(struct rsm_ioc_imc_info *info, unsigned int i,
		       uint32_t nodeid, const char *name);

#endif /* _IMC_TEST_FAKE_DEVICE_H */
