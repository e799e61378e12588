// SPDX-License-Identifier: BSD-2-Clause
/*
 * An application with functions of its own whose names librsm uses
 * internally, linked statically against librsm.a (static_archive.sh
 * generates those functions, one per internal name, into a second file)
 * and run against the stand-in /dev/rsm (fake_rsm_device.c).  It must
 * link, its calls must reach its own functions, and the library's must
 * reach the library's: the RSMAPI calls below give the right answers and
 * no generated function is called from inside librsm.
 */
#include <string.h>
#include <rsmapi.h>

#include "fake_rsm_device.h"
#include "tap.h"

/* In the generated file: calls each of its functions once. */
extern int clash_calls;
int clash_call_all(void);

int main(void)
{
	rsmapi_controller_handle_t h;
	rsmapi_controller_attr_t attr;
	rsm_topology_t *t = NULL;
	int n;

	tap_start();
	n = clash_call_all();
	tap_eq(clash_calls, n, "the program's own %d functions are its own", n);

	fake_rsm.present = true;
	fake_rsm.remote_count = 2;
	tap_eq(rsm_get_controller("rxe0", &h), RSM_SUCCESS,
	       "rsm_get_controller(\"rxe0\")");
	tap_eq(rsm_get_controller_attr(h, &attr), RSM_SUCCESS,
	       "rsm_get_controller_attr");
	tap_eq(attr.attr_page_size, 4096, "attributes come from the device");
	tap_eq(rsm_get_controller_attr(NULL, &attr), RSMERR_BAD_CTLR_HNDL,
	       "NULL handle refused");
	tap_eq(rsm_get_interconnect_topology(&t), RSM_SUCCESS,
	       "rsm_get_interconnect_topology");
	if (t) {
		tap_eq(t->topology_hdr.local_cntlr_count, 2, "two controllers");
		tap_check(strcmp(t->connections[0]->hdr.cntlr_name, "rxe0") == 0,
			  "first controller rxe0");
		tap_eq(t->connections[0]->hdr.remote_cntlr_count, 2,
		       "rxe0 has two remotes");
		rsm_free_interconnect_topology(t);
	}
	tap_eq(rsm_release_controller(h), RSM_SUCCESS, "rsm_release_controller");
	tap_eq(rsm_release_controller(h), RSMERR_BAD_CTLR_HNDL,
	       "released handle refused");
	tap_eq(clash_calls, n, "librsm called none of the program's functions");
	return tap_finish();
}
