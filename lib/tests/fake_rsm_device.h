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

	/* Answers of RSM_IOC_IMPORT_CONNECT and RSM_IOC_IMPORT_STATE. */
	uint64_t seg_size;		/* segment length */
	uint32_t generation;
	uint32_t local;
	uint32_t aborted;
	uint64_t errors;

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
};

/* Forget the recorded requests and counters; answers stay. */
void fake_rsm_reset_requests(void);

extern struct fake_rsm fake_rsm;

#endif /* _RSM_TEST_FAKE_DEVICE_H */
