// SPDX-License-Identifier: BSD-2-Clause
/*
 * <rsmapi.h> from C++: the header parses in C++ modes, enums and handle
 * types behave, and the entry points have C linkage, so this program
 * links against librsm.so and the calls reach the library.
 */
#include <rsmapi.h>
#include <cstdio>

int main()
{
	rsmapi_controller_handle_t ctl = 0;
	rsm_memseg_id_t base;
	uint32_t len;
	rsm_barrier_type_t type = RSM_BAR_DEFAULT;
	rsm_barrier_mode_t mode = RSM_BARRIER_MODE_IMPLICIT;
	rsm_attribute_t attr = RSM_MAP_FIXED;
	boolean_t flag = B_TRUE;
	rsmapi_barrier_t bar = rsmapi_barrier_t();
	int fails = 0;

	(void)type; (void)mode; (void)attr; (void)flag; (void)bar;
	if (rsm_get_controller(const_cast<char *>("loopback"), 0) !=
	    RSMERR_BAD_CTLR_HNDL)
		fails++;
	if (rsm_release_controller(ctl) != RSMERR_BAD_CTLR_HNDL)
		fails++;
	if (rsm_get_interconnect_topology(0) != RSMERR_BAD_TOPOLOGY_PTR)
		fails++;
	if (rsm_get_segmentid_range(0, &base, &len) != RSMERR_BAD_ADDR)
		fails++;
	rsm_free_interconnect_topology(0);
	std::printf("# %d failures\n", fails);
	return fails ? 1 : 0;
}
