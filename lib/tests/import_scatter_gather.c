// SPDX-License-Identifier: BSD-2-Clause
/*
 * putv/getv against the stand-in /dev/rsm: spec 3.7 checks in order
 * (checks 111, 114), the kernel form of each entry (address plus
 * local_offset with lmem_fd -1, or the local memory handle's descriptor
 * with local_offset), entries before a bad one still moved,
 * io_residual_count, flags left as the caller set them, and the event
 * RSM_IMPLICIT_SIGPOST posts after a successful transfer (check 113).
 */
#include <errno.h>
#include <string.h>

#include "import_fixture.h"

typedef int (*sgio_fn)(rsm_scat_gath_t *);

static const struct {
	const char *name;
	sgio_fn call;
	bool put;
} fns[] = {
	{ "putv", rsm_memseg_import_putv, true },
	{ "getv", rsm_memseg_import_getv, false },
};

static char buf[4096];
static rsm_iovec_t iov[RSM_MAX_SGIOREQS + 1];

static void va_entry(rsm_iovec_t *io, size_t loff, size_t roff, size_t len)
{
	memset(io, 0, sizeof(*io));
	io->io_type = RSM_VA_TYPE;
	io->local.vaddr = buf;
	io->local_offset = loff;
	io->remote_offset = roff;
	io->transfer_length = len;
}

static void handle_entry(rsm_iovec_t *io, rsm_localmemory_handle_t lh,
	size_t loff, size_t roff, size_t len)
{
	memset(io, 0, sizeof(*io));
	io->io_type = RSM_HANDLE_TYPE;
	io->local.handle = lh;
	io->local_offset = loff;
	io->remote_offset = roff;
	io->transfer_length = len;
}

static void sg_init(rsm_scat_gath_t *sg, rsm_memseg_import_handle_t im,
	unsigned long count)
{
	memset(sg, 0, sizeof(*sg));
	sg->remote_handle = im;
	sg->io_request_count = count;
	sg->io_residual_count = 99;
	sg->iovec = iov;
}

static int sgio_calls(void)
{
	return fake_rsm.putv_calls + fake_rsm.getv_calls;
}

static void test_header_checks(unsigned int f, rsm_memseg_import_handle_t im)
{
	rsm_memseg_export_handle_t e = fix_export();
	rsm_scat_gath_t sg;
	unsigned long i;

	for (i = 0; i <= RSM_MAX_SGIOREQS; i++)
		va_entry(&iov[i], i, 64 * i, 8);
	tap_eq(fns[f].call(NULL), RSMERR_BAD_SGIO,
	       "check 111: %s(NULL) -> 14", fns[f].name);
	sg_init(&sg, NULL, 0);
	tap_eq(fns[f].call(&sg), RSMERR_BAD_SEG_HNDL,
	       "check 111: %s, NULL handle, count 0 -> 5 (handle first)",
	       fns[f].name);
	sg_init(&sg, (void *)e, 1);
	tap_eq(fns[f].call(&sg), RSMERR_BAD_SEG_HNDL,
	       "%s with an export handle -> 5", fns[f].name);
	sg_init(&sg, im, 0);
	tap_eq(fns[f].call(&sg), RSMERR_BAD_SGIO,
	       "check 111: %s, count 0 -> 14", fns[f].name);
	sg_init(&sg, im, RSM_MAX_SGIOREQS + 1);
	tap_eq(fns[f].call(&sg), RSMERR_BAD_SGIO,
	       "check 111: %s, count 17 -> 14", fns[f].name);
	sg_init(&sg, im, 1);
	sg.iovec = NULL;
	tap_eq(fns[f].call(&sg), RSMERR_BAD_SGIO,
	       "%s, NULL iovec -> 14", fns[f].name);

	sg_init(&sg, im, RSM_MAX_SGIOREQS);
	tap_eq(fns[f].call(&sg), RSM_SUCCESS,
	       "check 111: %s, count 16 -> 0", fns[f].name);
	tap_eq(fake_rsm.last_sgio.count, RSM_MAX_SGIOREQS,
	       "%s: all 16 entries sent", fns[f].name);
	tap_eq(sg.io_residual_count, 0, "%s: residual 0 on success",
	       fns[f].name);
	tap_eq(fake_rsm.last_request,
	       fns[f].put ? RSM_IOC_IMPORT_PUTV : RSM_IOC_IMPORT_GETV,
	       "%s: sent as %s", fns[f].name, fns[f].put ? "PUTV" : "GETV");
	tap_eq(fake_rsm.sgio_fd, im->fd, "%s: sent on the handle's descriptor",
	       fns[f].name);
	rsm_memseg_export_destroy(e);
}

static void test_entry_forms(unsigned int f, rsm_memseg_import_handle_t im,
	rsm_localmemory_handle_t lh)
{
	struct rsm_ioc_sg_entry *k = fake_rsm.last_entries;
	rsm_scat_gath_t sg;

	va_entry(&iov[0], 16, 0, 64);
	handle_entry(&iov[1], lh, 8, 2 * 4096, 32);
	sg_init(&sg, im, 2);
	tap_eq(fns[f].call(&sg), RSM_SUCCESS,
	       "check 112/116: %s with a VA and a handle entry -> 0",
	       fns[f].name);
	tap_eq(k[0].addr, (uintptr_t)buf + 16,
	       "%s: VA entry address is vaddr + local_offset", fns[f].name);
	tap_eq(k[0].lmem_fd, -1, "%s: VA entry has lmem_fd -1", fns[f].name);
	tap_eq(k[0].remote_offset, 0, "%s: VA entry remote offset",
	       fns[f].name);
	tap_eq(k[0].len, 64, "%s: VA entry length", fns[f].name);
	tap_eq(k[1].lmem_fd, lh->fd,
	       "%s: handle entry names the handle's descriptor", fns[f].name);
	tap_eq(k[1].addr, 8, "%s: handle entry address is local_offset",
	       fns[f].name);
	tap_eq(k[1].remote_offset, 2 * 4096, "%s: handle entry remote offset",
	       fns[f].name);
	tap_eq(k[1].len, 32, "%s: handle entry length", fns[f].name);
}

static void test_entry_checks(unsigned int f, rsm_memseg_import_handle_t im,
	rsm_localmemory_handle_t lh)
{
	rsm_localmemory_handle_t freed = NULL;
	rsm_scat_gath_t sg;
	int calls;

	sg_init(&sg, im, 1);
	calls = sgio_calls();
	rsm_create_localmemory_handle(fix_ctl, &freed, lh->vaddr, 100);
	rsm_free_localmemory_handle(fix_ctl, freed);
	handle_entry(&iov[0], freed, 0, 0, 8);
	tap_eq(fns[f].call(&sg), RSMERR_BAD_SGIO,
	       "%s: entry names a freed local handle -> 14", fns[f].name);
	handle_entry(&iov[0], fix_stranger(), 0, 0, 8);
	tap_eq(fns[f].call(&sg), RSMERR_BAD_SGIO,
	       "%s: entry names an unknown local handle -> 14", fns[f].name);
	va_entry(&iov[0], 0, 0, 8);
	iov[0].io_type = 3;
	tap_eq(fns[f].call(&sg), RSMERR_BAD_SGIO,
	       "%s: io_type 3 -> 14", fns[f].name);
	iov[0].remote_offset = FIX_SIZE;
	tap_eq(fns[f].call(&sg), RSMERR_BAD_SGIO,
	       "%s: io_type 0 and a bad range -> 14 (type first)", fns[f].name);
	tap_eq(sg.io_residual_count, 1, "%s: nothing moved, residual 1",
	       fns[f].name);

	va_entry(&iov[0], 0, FIX_SIZE - 8, 16);
	tap_eq(fns[f].call(&sg), RSMERR_BAD_OFFSET,
	       "check 114: %s past the end of the segment -> 18", fns[f].name);
	va_entry(&iov[0], 0, 8, (size_t)-4);
	tap_eq(fns[f].call(&sg), RSMERR_BAD_OFFSET,
	       "%s: remote range that wraps around -> 18", fns[f].name);
	handle_entry(&iov[0], lh, 200, FIX_SIZE, 8);
	tap_eq(fns[f].call(&sg), RSMERR_BAD_OFFSET,
	       "%s: bad remote and local range -> 18 (remote first)",
	       fns[f].name);
	handle_entry(&iov[0], lh, 90, 0, 16);
	tap_eq(fns[f].call(&sg), RSMERR_BAD_LENGTH,
	       "%s: beyond the local handle's 100 bytes -> 20", fns[f].name);
	handle_entry(&iov[0], lh, (size_t)-1, 0, 2);
	tap_eq(fns[f].call(&sg), RSMERR_BAD_LENGTH,
	       "%s: local range that wraps around -> 20", fns[f].name);
	tap_eq(sgio_calls(), calls, "%s: bad single entries send nothing",
	       fns[f].name);
	handle_entry(&iov[0], lh, 84, FIX_SIZE - 16, 16);
	tap_eq(fns[f].call(&sg), RSM_SUCCESS,
	       "%s: exactly the handle's end and the segment's end -> 0",
	       fns[f].name);
}

static void test_partial_and_residual(unsigned int f,
	rsm_memseg_import_handle_t im)
{
	rsm_scat_gath_t sg;
	int calls;

	va_entry(&iov[0], 0, 0, 8);
	va_entry(&iov[1], 8, 8, 8);
	va_entry(&iov[2], 16, FIX_SIZE, 8);
	va_entry(&iov[3], 24, 24, 8);
	sg_init(&sg, im, 4);
	calls = sgio_calls();
	tap_eq(fns[f].call(&sg), RSMERR_BAD_OFFSET,
	       "%s: third of four entries out of range -> 18", fns[f].name);
	tap_eq(sgio_calls(), calls + 1, "%s: the entries before it are sent",
	       fns[f].name);
	tap_eq(fake_rsm.last_sgio.count, 2, "%s: exactly the two good ones",
	       fns[f].name);
	tap_eq(sg.io_residual_count, 2, "%s: residual 2", fns[f].name);

	va_entry(&iov[2], 16, 16, 8);
	fake_rsm.sgio_fail_code = RSMERR_CONN_ABORTED;
	fake_rsm.sgio_fail_done = 1;
	tap_eq(fns[f].call(&sg), RSMERR_CONN_ABORTED,
	       "%s: kernel fails the second entry -> 40", fns[f].name);
	tap_eq(sg.io_residual_count, 3, "%s: residual = count - done = 3",
	       fns[f].name);

	fake_rsm.fail_errno = EFAULT;
	tap_eq(fns[f].call(&sg), RSMERR_BAD_ADDR,
	       "%s: EFAULT from the kernel -> 16", fns[f].name);
	tap_eq(sg.io_residual_count, 4, "%s: nothing reported done, residual 4",
	       fns[f].name);
}

static void test_flags(unsigned int f, rsm_memseg_import_handle_t im)
{
	uint_t both = RSM_IMPLICIT_SIGPOST | RSM_SIGPOST_NO_ACCUMULATE;
	rsm_scat_gath_t sg;
	int posts = fake_rsm.post_calls;

	va_entry(&iov[0], 0, 0, 8);
	sg_init(&sg, im, 1);
	sg.flags = both;
	tap_eq(fns[f].call(&sg), RSM_SUCCESS,
	       "check 113: %s with RSM_IMPLICIT_SIGPOST -> 0", fns[f].name);
	tap_eq(sg.flags, both, "check 113: %s leaves flags as given",
	       fns[f].name);
	tap_eq(fake_rsm.post_calls, posts + 1,
	       "check 113: %s with RSM_IMPLICIT_SIGPOST posts one event",
	       fns[f].name);
	tap_eq(fake_rsm.post_fd, im->fd, "%s posts on the import's descriptor",
	       fns[f].name);
	tap_eq(fake_rsm.last_post.flags, RSM_SIGNAL_NO_ACCUMULATE,
	       "%s passes RSM_SIGPOST_NO_ACCUMULATE on to the post",
	       fns[f].name);

	sg.flags = RSM_IMPLICIT_SIGPOST | 0x100;
	fns[f].call(&sg);
	tap_eq(fake_rsm.post_calls, posts + 2,
	       "%s: RSM_IMPLICIT_SIGPOST alone posts too", fns[f].name);
	tap_eq(fake_rsm.last_post.flags, 0,
	       "%s: without NO_ACCUMULATE the post's flags are 0 (other bits "
	       "not passed on)", fns[f].name);
	tap_eq(sg.flags, RSM_IMPLICIT_SIGPOST | 0x100,
	       "%s leaves unknown flag bits as given", fns[f].name);

	sg.flags = RSM_SIGPOST_NO_ACCUMULATE;
	fns[f].call(&sg);
	tap_eq(fake_rsm.post_calls, posts + 2,
	       "%s without RSM_IMPLICIT_SIGPOST posts nothing", fns[f].name);

	sg.flags = both;
	fake_rsm.sgio_fail_code = RSMERR_CONN_ABORTED;
	fake_rsm.sgio_fail_done = 0;
	fns[f].call(&sg);
	tap_eq(sg.flags, both, "%s: flags as given after a failure too",
	       fns[f].name);
	tap_eq(fake_rsm.post_calls, posts + 2,
	       "%s: a failed transfer posts no event", fns[f].name);

	fake_rsm.post_code = RSMERR_REMOTE_NODE_UNREACHABLE;
	tap_eq(fns[f].call(&sg), RSMERR_REMOTE_NODE_UNREACHABLE,
	       "%s: the post's error is the result (39)", fns[f].name);
	tap_eq(sg.io_residual_count, 0,
	       "%s: all entries done although the post failed", fns[f].name);
	tap_eq(sg.flags, both, "%s: flags as given after a failed post",
	       fns[f].name);
	fake_rsm.post_code = 0;
}

static void test_permission_and_state(unsigned int f)
{
	rsm_memseg_import_handle_t ro, wo, other;
	rsm_scat_gath_t sg;
	int calls = sgio_calls();

	va_entry(&iov[0], 0, FIX_SIZE, 8);	/* out of range too */
	ro = fix_connect(RSM_PERM_READ);
	sg_init(&sg, ro, 1);
	tap_eq(fns[f].call(&sg), fns[f].put ? RSMERR_PERM_DENIED :
					     RSMERR_BAD_OFFSET,
	       "%s on a read-only connection -> %d", fns[f].name,
	       fns[f].put ? RSMERR_PERM_DENIED : RSMERR_BAD_OFFSET);
	wo = fix_connect(RSM_PERM_WRITE);
	sg_init(&sg, wo, 1);
	tap_eq(fns[f].call(&sg), fns[f].put ? RSMERR_BAD_OFFSET :
					     RSMERR_PERM_DENIED,
	       "%s on a write-only connection -> %d", fns[f].name,
	       fns[f].put ? RSMERR_BAD_OFFSET : RSMERR_PERM_DENIED);
	tap_eq(sgio_calls(), calls, "%s: refused vectors send nothing",
	       fns[f].name);
	rsm_memseg_import_disconnect(ro);
	rsm_memseg_import_disconnect(wo);

	va_entry(&iov[0], 0, 0, 8);
	fake_rsm.local = 0;
	other = fix_connect(RSM_PERM_RDWR);
	sg_init(&sg, other, 1);
	fns[f].call(&sg);
	tap_eq(other->state, RSM_IMPORT_CONNECTED,
	       "%s on a remote import: still CONNECTED", fns[f].name);
	rsm_memseg_import_disconnect(other);
	fake_rsm.local = 1;
	other = fix_connect(RSM_PERM_RDWR);
	sg_init(&sg, other, 1);
	fns[f].call(&sg);
	tap_eq(other->state, RSM_IMPORT_MAPPED_IMPLICIT,
	       "%s on a local import: MAPPED-IMPLICIT", fns[f].name);
	rsm_memseg_import_disconnect(other);
	fake_rsm.local = 0;

	other = fix_connect(RSM_PERM_RDWR);
	rsm_memseg_import_disconnect(other);
	sg_init(&sg, other, 1);
	tap_eq(fns[f].call(&sg), RSMERR_BAD_SEG_HNDL,
	       "%s on a disconnected handle -> 5", fns[f].name);
}

int main(void)
{
	rsm_localmemory_handle_t lh;
	rsm_memseg_import_handle_t im;
	static char *mem;
	unsigned int f;

	fix_start();
	if (posix_memalign((void **)&mem, fix_page(), 2 * fix_page()) != 0 ||
	    rsm_create_localmemory_handle(fix_ctl, &lh, mem, 100) != 0) {
		printf("Bail out! local memory handles through the fake device\n");
		return 1;
	}
	im = fix_connect(RSM_PERM_RDWR);
	for (f = 0; f < 2; f++) {
		test_header_checks(f, im);
		test_entry_forms(f, im, lh);
		test_entry_checks(f, im, lh);
		test_partial_and_residual(f, im);
		test_flags(f, im);
		test_permission_and_state(f);
	}
	rsm_memseg_import_disconnect(im);
	rsm_free_localmemory_handle(fix_ctl, lh);
	free(mem);
	return tap_finish();
}
