// SPDX-License-Identifier: BSD-2-Clause
/*
 * Build-time check that the public types have the LP64 layout the spec
 * gives (section 2): a Solaris program's binary assumptions about them
 * must hold.  The values live in rsm_layout.h, shared with the unit test.
 */
#include <stddef.h>

#include "rsm_internal.h"
#include "rsm_layout.h"

_Static_assert(MAXNAMELEN == 256, "MAXNAMELEN must be 256 (spec 2.1)");

#if defined(__LP64__)
#define RSM_CHECK_SIZE(type, size) \
	_Static_assert(sizeof(type) == (size), "sizeof(" #type ")");
#define RSM_CHECK_OFFSET(type, member, off) \
	_Static_assert(offsetof(type, member) == (off), \
		       "offsetof(" #type ", " #member ")");

RSM_LAYOUT_SIZES(RSM_CHECK_SIZE)
RSM_LAYOUT_OFFSETS(RSM_CHECK_OFFSET)
#endif
