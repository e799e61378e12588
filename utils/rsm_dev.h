/* SPDX-License-Identifier: GPL-2.0-only */
/* Helpers the rsm utilities share: talking to /dev/rsm. */
#ifndef RSM_UTILS_DEV_H
#define RSM_UTILS_DEV_H

#include <stddef.h>
#include "rsm_ioctl.h"

/* A status snapshot: pointers into one malloc'ed block. */
struct rsm_status {
	void *block;
	struct rsm_stat_hdr *hdr;
	struct rsm_stat_ctlr *ctlr;
	struct rsm_stat_conn *conn;
};

int rsm_dev_open(int flags);
int rsm_status_fetch(int fd, struct rsm_status *st);
void rsm_status_free(struct rsm_status *st);
const char *rsm_path_state_name(unsigned int state);
const char *rsm_conn_addr_str(const struct rsm_stat_conn *c, char *buf,
			      size_t len);

#endif
