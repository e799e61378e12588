/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A stand-in for /dev/rsm in host tests: the test program is linked with
 * -Wl,--wrap=open -Wl,--wrap=ioctl, so librsm's open() of /dev/rsm and
 * its ioctl()s on the control descriptor land here and get canned
 * answers, while every other open() goes to the C library.
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
};

extern struct fake_rsm fake_rsm;

#endif /* _RSM_TEST_FAKE_DEVICE_H */
