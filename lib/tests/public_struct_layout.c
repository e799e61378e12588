// SPDX-License-Identifier: BSD-2-Clause
/*
 * The public types have the LP64 sizes and member offsets the spec lists
 * (section 2), as seen by an application including <rsmapi.h>.  The table
 * is the library's own (rsm_layout.h), which the build also asserts.
 */
#include <stddef.h>
#include <rsmapi.h>

#include "rsm_layout.h"
#include "tap.h"

#define CHECK_SIZE(type, size) \
	tap_eq(sizeof(type), size, "sizeof(" #type ") == " #size);
#define CHECK_OFFSET(type, member, off) \
	tap_eq(offsetof(type, member), off, \
	       "offsetof(" #type ", " #member ") == " #off);

int main(void)
{
#if !defined(__LP64__)
	return tap_skip_all("the spec's layouts are LP64");
#else
	tap_start();
	tap_eq(MAXNAMELEN, 256, "MAXNAMELEN == 256");
	RSM_LAYOUT_SIZES(CHECK_SIZE)
	RSM_LAYOUT_OFFSETS(CHECK_OFFSET)
	tap_eq(_Alignof(rsm_topology_t), 8, "rsm_topology_t is 8-byte aligned");
	tap_eq(_Alignof(rsm_connections_t), 8,
	       "rsm_connections_t is 8-byte aligned");
	return tap_finish();
#endif
}
