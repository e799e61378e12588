// SPDX-License-Identifier: BSD-2-Clause
/*
 * rsm_memseg_import_map() and _unmap() against the stand-in /dev/rsm:
 * spec 3.10 checks in order (checks 64-71 at the library level), the
 * mmap() the library asks for, what each mmap() errno becomes, the
 * write-back before munmap, the states of spec 1.9 (checks 74-76), and the
 * window an explicit mapping puts on put/get/putv/getv (check 62, A6, A7).
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "import_fixture.h"

static size_t P;	/* page size; the fake segment is 4P long */

static int map(rsm_memseg_import_handle_t im, void **a, rsm_attribute_t attr,
	rsm_permission_t perm, off_t off, size_t len)
{
	return rsm_memseg_import_map(im, a, attr, perm, off, len);
}

/* Checks 64-71, each with a later check also failing to show the order. */
static void test_map_argument_order(void)
{
	rsm_memseg_import_handle_t im = fix_connect(RSM_PERM_RDWR);
	rsm_memseg_export_handle_t e = fix_export();
	void *a = NULL;
	int maps = fake_rsm.mmap_calls;

	tap_eq(map(NULL, NULL, RSM_MAP_NONE, 0700, 1, 0), RSMERR_BAD_SEG_HNDL,
	       "check 70: map(NULL, NULL, ...) -> 5 (handle first)");
	tap_eq(map(im, NULL, RSM_MAP_NONE, 0700, 1, 0), RSMERR_BAD_ADDR,
	       "check 70: map(i, NULL, bad perm, bad length) -> 16");
	tap_eq(map((void *)e, &a, RSM_MAP_NONE, RSM_PERM_RDWR, 0, P),
	       RSMERR_BAD_SEG_HNDL, "map(export handle) -> 5");
	tap_eq(map(fix_stranger(), &a, RSM_MAP_NONE, RSM_PERM_RDWR, 0, P),
	       RSMERR_BAD_SEG_HNDL, "map(unknown pointer) -> 5");
	tap_eq(map(im, &a, RSM_MAP_NONE, 0700, 0, 0), RSMERR_BAD_PERMS,
	       "check 68: perm 0700 (and length 0) -> 26: perm before length");
	tap_eq(map(im, &a, RSM_MAP_NONE, 0601, 0, P), RSMERR_BAD_PERMS,
	       "perm 0601 > 0600 -> 26");
	tap_eq(map(im, &a, RSM_MAP_NONE, RSM_PERM_RDWR, 1, 0), RSMERR_BAD_LENGTH,
	       "check 64: length 0 (and offset 1) -> 20: length before alignment");
	tap_eq(map(im, &a, RSM_MAP_NONE, RSM_PERM_RDWR, P, 4 * P),
	       RSMERR_BAD_LENGTH, "check 65: offset P, length 4P -> 20");
	tap_eq(map(im, &a, RSM_MAP_NONE, RSM_PERM_RDWR, 0, 4 * P + 1),
	       RSMERR_BAD_LENGTH, "length 4P + 1 -> 20");
	tap_eq(map(im, &a, RSM_MAP_NONE, RSM_PERM_RDWR, 1, 4 * P),
	       RSMERR_BAD_LENGTH, "offset 1, length 4P: range before alignment -> 20");
	tap_eq(map(im, &a, RSM_MAP_NONE, RSM_PERM_RDWR, -(off_t)P, P),
	       RSMERR_BAD_LENGTH, "negative offset -> 20");
	tap_eq(map(im, &a, RSM_MAP_NONE, RSM_PERM_RDWR, (off_t)P, SIZE_MAX),
	       RSMERR_BAD_LENGTH, "offset + length overflows -> 20");
	tap_eq(map(im, &a, RSM_MAP_NONE, RSM_PERM_RDWR, 1, P),
	       RSMERR_BAD_MEM_ALIGNMENT, "check 66: offset 1 -> 17");
	a = (char *)fix_stranger() + 1;
	tap_eq(map(im, &a, RSM_MAP_FIXED, RSM_PERM_RDWR, 0, P),
	       RSMERR_BAD_MEM_ALIGNMENT,
	       "check 67: RSM_MAP_FIXED, *address not page aligned -> 17");
	tap_check(a == (char *)fix_stranger() + 1,
		  "a refused map leaves *address alone");
	tap_eq(fake_rsm.mmap_calls, maps, "refused arguments map nothing");
	tap_eq(im->state, RSM_IMPORT_CONNECTED, "refused map: still CONNECTED");

	a = NULL;
	tap_eq(map(im, &a, RSM_MAP_NONE, RSM_PERM_RDWR, 0, P), RSM_SUCCESS,
	       "check 66: map after the refusals -> 0 (no lock kept)");
	tap_eq(map(im, &a, RSM_MAP_NONE, 0700, 0, 0), RSMERR_SEG_ALREADY_MAPPED,
	       "check 69: map again (bad perm, length 0) -> 9: state before "
	       "arguments");
	tap_eq(rsm_memseg_import_unmap(im), RSM_SUCCESS, "unmap -> 0");
	rsm_memseg_import_disconnect(im);
	rsm_memseg_export_destroy(e);
}

/* What mmap() is asked for, and what the handle records. */
static void test_map_request(void)
{
	static const struct {
		rsm_permission_t perm;
		int prot;
		const char *name;
	} prots[] = {
		{ RSM_PERM_RDWR, PROT_READ | PROT_WRITE, "RDWR" },
		{ RSM_PERM_READ, PROT_READ, "READ" },
		{ RSM_PERM_WRITE, PROT_WRITE, "WRITE" },
		{ RSM_PERM_NONE, PROT_NONE, "0" },
	};
	rsm_memseg_import_handle_t im = fix_connect(RSM_PERM_RDWR);
	void *hint = (void *)(uintptr_t)(64 * P);
	void *a = hint;
	size_t i;

	tap_eq(map(im, &a, RSM_MAP_NONE, RSM_PERM_RDWR, P, P + 1), RSM_SUCCESS,
	       "map(offset P, length P + 1) -> 0");
	tap_eq(fake_rsm.last_mmap.fd, im->fd, "mmap of the handle's descriptor");
	tap_eq(fake_rsm.last_mmap.offset, P, "file offset = segment offset");
	tap_eq(fake_rsm.last_mmap.len, 2 * P, "length rounded up to pages");
	tap_eq(fake_rsm.last_mmap.flags, MAP_SHARED,
	       "RSM_MAP_NONE: MAP_SHARED, not fixed");
	tap_check(fake_rsm.last_mmap.addr == hint,
		  "RSM_MAP_NONE: *address passed as the hint");
	tap_check(a == fake_rsm.last_mmap.result && a != MAP_FAILED,
		  "*address receives the mapping");
	tap_eq(im->state, RSM_IMPORT_MAPPED_EXPLICIT, "state MAPPED-EXPLICIT");
	tap_eq(im->map_offset, P, "window offset recorded");
	tap_eq(im->map_length, P + 1, "window length recorded as asked");
	tap_check(im->map_addr == a && im->map_len == 2 * P,
		  "mapping address and mapped length recorded");
	rsm_memseg_import_unmap(im);

	for (i = 0; i < sizeof(prots) / sizeof(prots[0]); i++) {
		a = NULL;
		tap_eq(map(im, &a, RSM_MAP_NONE, prots[i].perm, 0, P),
		       RSM_SUCCESS, "map with perm %s -> 0", prots[i].name);
		tap_eq(fake_rsm.last_mmap.prot, prots[i].prot,
		       "perm %s maps with the matching protection",
		       prots[i].name);
		rsm_memseg_import_unmap(im);
	}

	a = mmap(NULL, 3 * P, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (a == MAP_FAILED)
		a = NULL;
	a = (char *)a + P;
	hint = a;
	tap_eq(map(im, &a, RSM_MAP_FIXED, RSM_PERM_READ, 2 * P, P), RSM_SUCCESS,
	       "check 67: RSM_MAP_FIXED at a page-aligned address -> 0");
	tap_eq(fake_rsm.last_mmap.flags, MAP_SHARED | MAP_FIXED,
	       "RSM_MAP_FIXED: MAP_SHARED | MAP_FIXED");
	tap_check(a == hint && fake_rsm.last_mmap.addr == hint,
		  "RSM_MAP_FIXED: mapped exactly at *address");
	rsm_memseg_import_unmap(im);
	munmap((char *)hint - P, 3 * P);

	a = NULL;
	tap_eq(map(im, &a, RSM_MAP_RESERVED, RSM_PERM_RDWR, 0, 4 * P),
	       RSM_SUCCESS, "RSM_MAP_RESERVED is accepted, whole segment -> 0");
	tap_eq(fake_rsm.last_mmap.flags, MAP_SHARED,
	       "RSM_MAP_RESERVED changes nothing");
	rsm_memseg_import_unmap(im);
	rsm_memseg_import_disconnect(im);
}

/* Spec 3.10 step 9: each mmap() errno and the RSMERR code it becomes. */
static void test_map_errno(void)
{
	static const struct {
		int err;
		int code;
	} table[] = {
		{ EACCES, RSMERR_BAD_PERMS },
		{ ECONNABORTED, RSMERR_CONN_ABORTED },
		{ EINVAL, RSMERR_BAD_LENGTH },
		{ ENOMEM, RSMERR_BAD_LENGTH },
		{ EAGAIN, RSMERR_INSUFFICIENT_RESOURCES },
		{ EBUSY, RSMERR_SEG_ALREADY_MAPPED },
		{ ENODEV, RSMERR_MAP_FAILED },
		{ EPERM, RSMERR_MAP_FAILED },
		{ ENOTSUP, RSMERR_MAP_FAILED },
	};
	rsm_memseg_import_handle_t im = fix_connect(RSM_PERM_RDWR);
	void *a;
	size_t i;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		a = fix_stranger();
		fake_rsm.mmap_errno = table[i].err;
		tap_eq(map(im, &a, RSM_MAP_NONE, RSM_PERM_RDWR, 0, P),
		       table[i].code, "mmap fails with %s -> %d",
		       strerror(table[i].err), table[i].code);
		tap_check(im->state == RSM_IMPORT_CONNECTED &&
			  a == fix_stranger(),
			  "after %s: CONNECTED, *address untouched",
			  strerror(table[i].err));
	}
	a = NULL;
	tap_eq(map(im, &a, RSM_MAP_NONE, RSM_PERM_RDWR, 0, P), RSM_SUCCESS,
	       "map after the failures -> 0");
	rsm_memseg_import_unmap(im);
	rsm_memseg_import_disconnect(im);
}

static void test_unmap(void)
{
	rsm_memseg_import_handle_t im = fix_connect(RSM_PERM_RDWR);
	rsm_memseg_export_handle_t e = fix_export();
	rsmapi_barrier_t bar;
	void *a = NULL;
	uint8_t b = 0;
	int syncs, unmaps;

	tap_eq(rsm_memseg_import_unmap(NULL), RSMERR_BAD_SEG_HNDL,
	       "check 71: unmap(NULL) -> 5");
	tap_eq(rsm_memseg_import_unmap((void *)e), RSMERR_BAD_SEG_HNDL,
	       "unmap(export handle) -> 5");
	tap_eq(rsm_memseg_import_unmap(im), RSMERR_SEG_NOT_MAPPED,
	       "check 71: unmap when not mapped -> 11");

	map(im, &a, RSM_MAP_NONE, RSM_PERM_RDWR, P, 2 * P);
	syncs = fake_rsm.sync_calls;
	unmaps = fake_rsm.munmap_calls;
	tap_eq(rsm_memseg_import_unmap(im), RSM_SUCCESS, "unmap -> 0");
	tap_eq(fake_rsm.sync_calls, syncs + 1, "unmap asks for a write-back");
	tap_eq(fake_rsm.sync_fd, im->fd, "write-back asked on the handle's fd");
	tap_eq(fake_rsm.munmap_calls, unmaps + 1, "unmap calls munmap once");
	tap_check(fake_rsm.last_munmap_addr == a &&
		  fake_rsm.last_munmap_len == 2 * P,
		  "munmap of the whole mapping");
	tap_check(fake_rsm.sync_seq < fake_rsm.munmap_seq,
		  "write-back before munmap");
	tap_eq(im->state, RSM_IMPORT_CONNECTED, "unmap -> CONNECTED");
	tap_eq(rsm_memseg_import_unmap(im), RSMERR_SEG_NOT_MAPPED,
	       "unmap again -> 11");

	map(im, &a, RSM_MAP_NONE, RSM_PERM_RDWR, 0, P);
	fake_rsm.sync_code = RSMERR_BARRIER_FAILURE;
	tap_eq(rsm_memseg_import_unmap(im), RSM_SUCCESS,
	       "a failed write-back does not fail unmap");
	tap_eq(im->state, RSM_IMPORT_CONNECTED, "and the mapping is gone");
	fake_rsm.sync_code = 0;
	rsm_memseg_import_disconnect(im);

	/* Check 74: an implicit mapping is only a state. */
	im = fix_connect_with_barrier(RSM_PERM_RDWR, &bar);
	tap_eq(rsm_memseg_import_get8(im, 0, &b, 1), RSM_SUCCESS,
	       "check 74: get8 -> 0");
	tap_eq(map(im, &a, RSM_MAP_NONE, RSM_PERM_RDWR, 0, P),
	       RSMERR_SEG_ALREADY_MAPPED, "check 74: then map -> 9");
	syncs = fake_rsm.sync_calls;
	unmaps = fake_rsm.munmap_calls;
	tap_eq(rsm_memseg_import_unmap(im), RSM_SUCCESS,
	       "check 74: unmap of the implicit mapping -> 0");
	tap_check(fake_rsm.sync_calls == syncs &&
		  fake_rsm.munmap_calls == unmaps,
		  "implicit unmap: no write-back, no munmap");
	tap_eq(im->state, RSM_IMPORT_CONNECTED, "implicit unmap -> CONNECTED");
	tap_eq(map(im, &a, RSM_MAP_NONE, RSM_PERM_RDWR, 0, P), RSM_SUCCESS,
	       "check 74: map -> 0");

	/* Check 75 */
	tap_eq(rsm_memseg_import_disconnect(im), RSMERR_SEG_STILL_MAPPED,
	       "check 75: disconnect while mapped -> 10");
	tap_eq(im->state, RSM_IMPORT_MAPPED_EXPLICIT, "and it stays mapped");
	im->pollfd_refs = 1;
	tap_eq(rsm_memseg_import_disconnect(im), RSMERR_SEG_STILL_MAPPED,
	       "mapped and pollfd held: disconnect -> 10 (mapping first)");
	im->pollfd_refs = 0;
	tap_eq(rsm_memseg_import_unmap(im), RSM_SUCCESS, "check 75: unmap -> 0");
	tap_eq(rsm_memseg_import_disconnect(im), RSM_SUCCESS,
	       "check 75: disconnect -> 0");

	/* Check 76 */
	im = fix_connect_with_barrier(RSM_PERM_RDWR, &bar);
	rsm_memseg_import_get8(im, 0, &b, 1);
	tap_eq(rsm_memseg_import_disconnect(im), RSM_SUCCESS,
	       "check 76: disconnect when only implicitly mapped -> 0");
	rsm_memseg_export_destroy(e);
}

/* Check 62 and spec A6: an explicit mapping confines put and get. */
static void test_window_confines_put_get(void)
{
	rsmapi_barrier_t bar;
	rsm_memseg_import_handle_t im = fix_connect_with_barrier(RSM_PERM_RDWR,
								 &bar);
	uint8_t b[8] = { 0 };
	uint64_t w = 0;
	void *a = NULL;
	int gets;

	tap_eq(map(im, &a, RSM_MAP_NONE, RSM_PERM_RDWR, P, P), RSM_SUCCESS,
	       "check 62: map(P, P) -> 0");
	gets = fake_rsm.get_calls;
	tap_eq(rsm_memseg_import_get8(im, 0, b, 1), RSMERR_BAD_OFFSET,
	       "check 62: get8 at 0, before the window -> 18");
	tap_eq(rsm_memseg_import_get8(im, P, b, 1), RSM_SUCCESS,
	       "check 62: get8 at P, inside the window -> 0");
	tap_eq(rsm_memseg_import_get8(im, 2 * P, b, 1), RSMERR_BAD_OFFSET,
	       "check 62: get8 at 2P, after the window -> 18");
	tap_eq(fake_rsm.get_calls, gets + 1, "only the get inside went out");
	tap_eq(rsm_memseg_import_get8(im, 2 * P - 1, b, 1), RSM_SUCCESS,
	       "get8 of the window's last byte -> 0");
	tap_eq(rsm_memseg_import_get(im, 2 * P - 1, b, 2), RSMERR_BAD_OFFSET,
	       "get of 2 bytes across the window's end -> 18");
	tap_eq(rsm_memseg_import_get64(im, P - 8, &w, 2), RSMERR_BAD_OFFSET,
	       "get64 starting before the window -> 18");
	tap_eq(rsm_memseg_import_get8(im, 2 * P, b, 0), RSM_SUCCESS,
	       "zero-length get8 at the window's end -> 0");
	tap_eq(rsm_memseg_import_put8(im, 2 * P, b, 1), RSMERR_BAD_OFFSET,
	       "put8 after the window -> 18");
	tap_eq(rsm_memseg_import_put64(im, P, &w, 1), RSM_SUCCESS,
	       "put64 inside the window -> 0");
	tap_eq(im->state, RSM_IMPORT_MAPPED_EXPLICIT,
	       "put and get leave the handle MAPPED-EXPLICIT");
	rsm_memseg_import_unmap(im);
	tap_eq(rsm_memseg_import_get8(im, 0, b, 1), RSM_SUCCESS,
	       "after unmap get8 at 0 -> 0: the whole segment again");
	rsm_memseg_import_disconnect(im);
}

/* Spec A7: the mapping's protection governs put and get too. */
static void test_mapping_permission_governs_put_get(void)
{
	rsmapi_barrier_t bar;
	rsm_memseg_import_handle_t im = fix_connect_with_barrier(RSM_PERM_RDWR,
								 &bar);
	uint8_t b = 0;
	void *a = NULL;

	map(im, &a, RSM_MAP_NONE, RSM_PERM_READ, 0, P);
	tap_eq(rsm_memseg_import_put8(im, 0, &b, 1), RSMERR_PERM_DENIED,
	       "read-only mapping: put8 -> 27");
	tap_eq(rsm_memseg_import_get8(im, 0, &b, 1), RSM_SUCCESS,
	       "read-only mapping: get8 -> 0");
	tap_eq(rsm_memseg_import_put8(im, 2 * P, &b, 1), RSMERR_PERM_DENIED,
	       "read-only mapping, put8 outside: permission before range -> 27");
	rsm_memseg_import_unmap(im);
	map(im, &a, RSM_MAP_NONE, RSM_PERM_WRITE, 0, P);
	tap_eq(rsm_memseg_import_get8(im, 0, &b, 1), RSMERR_PERM_DENIED,
	       "write-only mapping: get8 -> 27");
	tap_eq(rsm_memseg_import_put8(im, 0, &b, 1), RSM_SUCCESS,
	       "write-only mapping: put8 -> 0");
	rsm_memseg_import_unmap(im);
	map(im, &a, RSM_MAP_NONE, RSM_PERM_NONE, 0, P);
	tap_check(rsm_memseg_import_get8(im, 0, &b, 1) == RSMERR_PERM_DENIED &&
		  rsm_memseg_import_put8(im, 0, &b, 1) == RSMERR_PERM_DENIED,
		  "mapping without access: get8 and put8 -> 27");
	rsm_memseg_import_unmap(im);
	tap_check(rsm_memseg_import_get8(im, 0, &b, 1) == RSM_SUCCESS &&
		  rsm_memseg_import_put8(im, 0, &b, 1) == RSM_SUCCESS,
		  "after unmap the connection's permission alone counts");
	rsm_memseg_import_disconnect(im);
}

/* Spec 1.9: the window restricts put/get only; putv/getv reach it all. */
static void test_putv_getv_reach_beyond_window(void)
{
	rsm_memseg_import_handle_t im = fix_connect(RSM_PERM_RDWR);
	static char local[64];
	rsm_iovec_t io[2];
	rsm_scat_gath_t sg;
	void *a = NULL;
	int f, calls;

	memset(io, 0, sizeof(io));
	io[0].io_type = RSM_VA_TYPE;
	io[0].local.vaddr = local;
	io[0].transfer_length = 8;
	io[1] = io[0];
	memset(&sg, 0, sizeof(sg));
	sg.remote_handle = im;
	sg.iovec = io;
	map(im, &a, RSM_MAP_NONE, RSM_PERM_RDWR, P, P);
	for (f = 0; f < 2; f++) {
		int (*call)(rsm_scat_gath_t *) = f ? rsm_memseg_import_getv :
						     rsm_memseg_import_putv;
		const char *name = f ? "getv" : "putv";

		calls = fake_rsm.putv_calls + fake_rsm.getv_calls;
		sg.io_request_count = 2;
		io[0].remote_offset = 0;
		io[1].remote_offset = 4 * P - 8;
		tap_eq(call(&sg), RSM_SUCCESS,
		       "%s entries outside the window -> 0", name);
		tap_eq(fake_rsm.putv_calls + fake_rsm.getv_calls, calls + 1,
		       "%s: sent to the kernel", name);
		io[1].remote_offset = 4 * P - 4;
		tap_eq(call(&sg), RSMERR_BAD_OFFSET,
		       "%s entry past the segment's end -> 18", name);
		tap_eq(im->state, RSM_IMPORT_MAPPED_EXPLICIT,
		       "%s leaves the handle MAPPED-EXPLICIT", name);
	}
	rsm_memseg_import_unmap(im);
	rsm_memseg_import_disconnect(im);
}

int main(void)
{
	fix_start();
	P = fix_page();
	fake_rsm.seg_size = 4 * P;
	test_map_argument_order();
	test_map_request();
	test_map_errno();
	test_unmap();
	test_window_confines_put_get();
	test_mapping_permission_governs_put_get();
	test_putv_getv_reach_beyond_window();
	return tap_finish();
}
