/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A program that includes <rsmapi.h> after something else defined
 * MAXNAMELEN (maxnamelen_guard.sh passes -DMAXNAMELEN=...).  The
 * topology layout must stay the library's, which the negative array
 * sizes below check at compile time in C and C++; a MAXNAMELEN other
 * than 256 must be refused by the header itself.
 */
#include <rsmapi.h>
#include <string.h>

#define CHECK(name, cond) typedef char check_##name[(cond) ? 1 : -1]

CHECK(maxnamelen, MAXNAMELEN == 256);
CHECK(cntlr_name, sizeof(((rsm_connections_hdr_t *)0)->cntlr_name) == 256);
CHECK(remote_cntlrname,
      sizeof(((rsm_remote_cntlr_t *)0)->remote_cntlrname) == 256);
#ifdef __LP64__
CHECK(connections_hdr, sizeof(rsm_connections_hdr_t) == 272);
CHECK(remote_cntlr, sizeof(rsm_remote_cntlr_t) == 280);
CHECK(connections, sizeof(rsm_connections_t) == 552);
#endif

/* Solaris programs copy the names into MAXNAMELEN buffers. */
int main(void)
{
	char name[MAXNAMELEN];
	rsm_remote_cntlr_t rc;

	memset(&rc, 0, sizeof(rc));
	memcpy(name, rc.remote_cntlrname, sizeof(name));
	return name[0];
}
