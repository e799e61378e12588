// SPDX-License-Identifier: GPL-2.0-only
/* Helpers the rsm utilities share: talking to /dev/rsm. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rsm_dev.h"

int rsm_dev_open(int flags)
{
	int fd = open(RSM_DEVICE_PATH, flags | O_CLOEXEC);

	if (fd < 0)
		fprintf(stderr, "cannot open %s: %s%s\n", RSM_DEVICE_PATH,
			strerror(errno),
			errno == ENOENT ? " (is rsm.ko loaded?)" : "");
	return fd;
}

/* Size query, then fetch; retry if the answer grew in between. */
int rsm_status_fetch(int fd, struct rsm_status *st)
{
	struct rsm_ioc_buf req = { 0 };
	void *buf = NULL;

	for (;;) {
		req.buf = (unsigned long)buf;
		if (ioctl(fd, RSM_IOC_STATUS, &req) != 0) {
			fprintf(stderr, "RSM_IOC_STATUS: %s\n",
				strerror(errno));
			free(buf);
			return -1;
		}
		if (buf && req.needed <= req.len)
			break;
		free(buf);
		buf = calloc(1, req.needed);
		if (!buf)
			return -1;
		req.len = req.needed;
	}
	st->block = buf;
	st->hdr = buf;
	st->ctlr = (struct rsm_stat_ctlr *)(st->hdr + 1);
	st->conn = (struct rsm_stat_conn *)(st->ctlr + st->hdr->nctlr);
	return 0;
}

void rsm_status_free(struct rsm_status *st)
{
	free(st->block);
	st->block = NULL;
}

const char *rsm_path_state_name(unsigned int state)
{
	switch (state) {
	case RSM_PATH_DOWN:
		return "DOWN";
	case RSM_PATH_UP:
		return "UP";
	case RSM_PATH_ACTIVE:
		return "ACTIVE";
	case RSM_PATH_GOING_DOWN:
		return "GOING_DOWN";
	default:
		return "UNKNOWN";
	}
}

const char *rsm_conn_addr_str(const struct rsm_stat_conn *c, char *buf,
			      size_t len)
{
	if (!inet_ntop(c->family == AF_INET6 ? AF_INET6 : AF_INET, c->addr,
		       buf, len))
		snprintf(buf, len, "?");
	return buf;
}
