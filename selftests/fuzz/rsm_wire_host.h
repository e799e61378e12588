/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What kernel/rsm_wire.c takes from the kernel headers, for a host build.
 *
 * The peer-message checks are compiled unchanged into the host fuzzer and
 * unit test (selftests/fuzz), so that they test the very code rsm.ko runs;
 * rsm_wire.c includes this header instead of <linux/kernel.h> and friends
 * when __KERNEL__ is not defined.  Only x86 and other little-endian hosts
 * matter here, but <endian.h> keeps the conversions right anywhere.
 */
#ifndef _RSM_WIRE_HOST_H
#define _RSM_WIRE_HOST_H

#include <endian.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include <linux/types.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;

static inline __u16 le16_to_cpu(__le16 x)
{
	return le16toh(x);
}

static inline __u32 le32_to_cpu(__le32 x)
{
	return le32toh(x);
}

static inline __u64 le64_to_cpu(__le64 x)
{
	return le64toh(x);
}

static inline __le16 cpu_to_le16(__u16 x)
{
	return htole16(x);
}

static inline __le32 cpu_to_le32(__u32 x)
{
	return htole32(x);
}

static inline __le64 cpu_to_le64(__u64 x)
{
	return htole64(x);
}

#endif /* _RSM_WIRE_HOST_H */
