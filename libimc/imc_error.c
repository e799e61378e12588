// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libimc: imc_perror(3) and imc_strerror(3) - the text of a status.
 */
#include <stdio.h>

#include "imc_internal.h"

/* By -status; NULL: no such status. */
static const char *const imc_msgs[] = {
	[0] = "success",
	[1] = "Memory Channel address space exhausted",
	[2] = "invalid parameter",
	[3] = "lock set already exists",
	[4] = "region still attached by this process",
	[5] = "lock not acquired",
	[6] = "receive space of this host used up",
	[7] = "no such lock set or lock",
	[8] = "region already mapped shared on this host",
	[9] = "region already mapped non-shared on this host",
	[10] = "permission denied",
	[11] = "region or lock set not allocated",
	[12] = "already allocated by this process",
	[13] = "a lock of the set is held",
	[14] = "host not initialized for the Memory Channel API (run imc_init)",
	[15] = "not superuser",
	[16] = "invalid size",
	[17] = "cannot open the rsm device",
	[18] = "cannot write to the rsm device",
	[19] = "cannot close the rsm device",
	[20] = "no such region",
	[21] = "region already mapped for receive by this process",
	[22] = "region already mapped for transmit by this process",
	[23] = "lock not held",
	[24] = "Memory Channel error detected or being handled",
	[25] = "remote host timed out",
	[26] = "no Memory Channel space allocated",
	[27] = "invalid signal",
	[28] = "no such process",
	[29] = "service id out of range",
	[30] = "service not registered on the remote host",
	[31] = "not permitted to signal the process",
	[32] = "root may not signal across the cluster",
	[33] = "inconsistent coherency flag",
	[34] = "undefined status",
	[35] = "kernel fault",
	[36] = "insufficient resources",
	[37] = "late-joining host cannot allocate coherently",
	[38] = "region already mapped with another loopback setting",
	[39] = "no such host in the API cluster",
	[40] = "cannot change the initialization limits",
	[41] = "lock already held by the caller",
	[42] = "coherency complement error",
	[44] = "kernel and user locks mixed",
	[45] = "interrupted by a signal",
	[46] = "out of memory",
	[47] = "lock set corrupted",
	[48] = "buffer too small",
	[49] = "point-to-point attach violation",
	[50] = "operation not supported",
	[51] = "wired memory limit reached",
	[52] = "map entry limit reached",
	[53] = "bad address",
	[54] = "logical rail configuration changed",
	[55] = "cluster membership changed",
	[56] = "more than one kind of cluster change",
	[57] = "invalid logical rail",
	[58] = "region allocated on another logical rail",
	[59] = "logical rail failed over",
	[60] = "no mapper",
	[61] = "initialization pending",
};

/**
 * imc_strerror - the text of an IMC status
 * @status: IMC_SUCCESS or an IMC_* status
 *
 * Return: a constant string; "unknown Memory Channel API status" for a
 * value that is no status.
 */
__attribute__((visibility("default")))
const char *imc_strerror(int status)
{
	unsigned int i = status <= 0 ? (unsigned int)-(long)status : ~0U;

	if (i < sizeof(imc_msgs) / sizeof(imc_msgs[0]) && imc_msgs[i])
		return imc_msgs[i];
	return "unknown Memory Channel API status";
}

/**
 * imc_perror - print the text of a status on standard error
 * @s: printed first, with ": ", unless NULL or empty
 * @status: as for imc_strerror()
 */
__attribute__((visibility("default")))
void imc_perror(const char *s, int status)
{
	if (s && *s)
		fprintf(stderr, "%s: %s\n", s, imc_strerror(status));
	else
		fprintf(stderr, "%s\n", imc_strerror(status));
}
