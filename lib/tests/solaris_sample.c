// SPDX-License-Identifier: BSD-2-Clause
/*
 * A program written the way Solaris RSMAPI programs are, using the spec's
 * names, types and constants.  solaris_source_compiles.sh compiles it
 * (without linking: most functions are not in librsm yet) in several
 * language and feature-macro modes; it must build unchanged in all.
 */
#ifdef SYS_TYPES_FIRST
#include <sys/types.h>
#endif
#include <rsmapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SEG_SIZE	(64 * 1024)
#define APPID		"SUNWexample"

static boolean_t verbose = B_TRUE;

static int pick_segment_id(rsm_memseg_id_t *id)
{
	rsm_memseg_id_t base;
	uint32_t count;
	int e = rsm_get_segmentid_range(APPID, &base, &count);

	if (e == RSMERR_BAD_APPID || e == RSMERR_BAD_CONF) {
		*id = 0;	/* let the system choose */
		return RSM_SUCCESS;
	}
	if (e == RSM_SUCCESS)
		*id = base + (count > 1 ? 1 : 0);
	return e;
}

static void show_topology(void)
{
	rsm_topology_t *topo;
	uint_t i;
	int j;

	if (rsm_get_interconnect_topology(&topo) != RSM_SUCCESS)
		return;
	printf("local node %u\n", topo->topology_hdr.local_nodeid);
	for (i = 0; i < topo->topology_hdr.local_cntlr_count; i++) {
		rsm_connections_t *c = topo->connections[i];
		char name[MAXNAMELEN];

		(void) strcpy(name, c->hdr.cntlr_name);
		for (j = 0; j < c->hdr.remote_cntlr_count; j++) {
			rsm_remote_cntlr_t *r = &c->remote_cntlr[j];

			if (r->connection_state == RSM_CONNECTION_ACTIVE)
				printf("%s -> node %u (%s, 0x%llx)\n", name,
				    r->remote_nodeid, r->remote_cntlrname,
				    (unsigned long long)r->remote_hwaddr);
		}
	}
	rsm_free_interconnect_topology(topo);
}

/* Page-aligned memory without valloc(), which strict modes hide. */
static caddr_t page_alloc(size_t len, void **base)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);

	if ((*base = malloc(len + pg)) == NULL)
		return (NULL);
	return ((caddr_t)(((uintptr_t)*base + pg - 1) & ~(uintptr_t)(pg - 1)));
}

static int exporter(rsmapi_controller_handle_t ctl, rsm_node_id_t peer)
{
	rsm_memseg_export_handle_t seg;
	rsmapi_access_entry_t acl[1];
	rsm_memseg_id_t id;
	struct pollfd pfd;
	caddr_t buf;
	void *mem;
	int e, n;

	buf = page_alloc(SEG_SIZE, &mem);
	if (buf == NULL)
		return RSMERR_INSUFFICIENT_MEM;
	e = rsm_memseg_export_create(ctl, &seg, buf, SEG_SIZE,
	    RSM_ALLOW_REBIND | RSM_CREATE_SEG_DONTWAIT);
	if (e != RSM_SUCCESS)
		return e;
	acl[0].ae_node = peer;
	acl[0].ae_permission = RSM_PERM_RDWR;
	if ((e = pick_segment_id(&id)) != RSM_SUCCESS ||
	    (e = rsm_memseg_export_publish(seg, &id, acl, 1)) != RSM_SUCCESS)
		goto out;
	(void) rsm_memseg_get_pollfd(seg, &pfd);
	e = rsm_intr_signal_wait_pollfd(&pfd, 1, 5000, &n);
	if (e == RSMERR_TIMEOUT)
		e = rsm_intr_signal_wait(seg, 1000);
	(void) rsm_memseg_release_pollfd(seg);
	(void) rsm_memseg_export_republish(seg, NULL, 0);
	(void) rsm_memseg_export_rebind(seg, buf, (offset_t)0, SEG_SIZE);
	(void) rsm_memseg_export_unpublish(seg);
out:
	(void) rsm_memseg_export_destroy(seg);
	free(mem);
	return e;
}

static int importer(rsmapi_controller_handle_t ctl, rsm_node_id_t node,
    rsm_memseg_id_t id)
{
	rsm_memseg_import_handle_t im;
	rsmapi_barrier_t bar;
	rsm_barrier_mode_t mode;
	uint32_t words[4] = { 1, 2, 3, 4 };
	uint8_t b8 = 0;
	uint16_t b16 = 0;
	uint64_t b64 = 0;
	void *addr = NULL;
	int e;

	e = rsm_memseg_import_connect(ctl, node, id, RSM_PERM_RDWR, &im);
	if (e != RSM_SUCCESS)
		return e;
	(void) memset(&bar, 0, sizeof (bar));
	(void) rsm_memseg_import_init_barrier(im, RSM_BAR_DEFAULT, &bar);
	(void) rsm_memseg_import_get_mode(im, &mode);
	(void) rsm_memseg_import_set_mode(im, RSM_BARRIER_MODE_EXPLICIT);
	(void) rsm_memseg_import_open_barrier(&bar);
	(void) rsm_memseg_import_put32(im, 0, words, 4);
	(void) rsm_memseg_import_order_barrier(&bar);
	(void) rsm_memseg_import_put(im, 16, words, sizeof (words));
	(void) rsm_memseg_import_get8(im, 0, &b8, 1);
	(void) rsm_memseg_import_get16(im, 2, &b16, 1);
	(void) rsm_memseg_import_get64(im, 8, &b64, 1);
	e = rsm_memseg_import_close_barrier(&bar);
	(void) rsm_memseg_import_set_mode(im, RSM_BARRIER_MODE_IMPLICIT);
	if (rsm_memseg_import_map(im, &addr, RSM_MAP_NONE, RSM_PERM_READ,
	    (off_t)0, SEG_SIZE) == RSM_SUCCESS)
		(void) rsm_memseg_import_unmap(im);
	(void) rsm_intr_signal_post(im, RSM_SIGPOST_NO_ACCUMULATE);
	(void) rsm_memseg_import_destroy_barrier(&bar);
	(void) rsm_memseg_import_disconnect(im);
	return e;
}

static int scatter(rsmapi_controller_handle_t ctl,
    rsm_memseg_import_handle_t im, caddr_t local)
{
	rsm_localmemory_handle_t lh;
	rsm_iovec_t iov[2];
	rsm_scat_gath_t sg;
	int e;

	e = rsm_create_localmemory_handle(ctl, &lh, local,
	    (size_t)sysconf(_SC_PAGESIZE));
	if (e != RSM_SUCCESS)
		return e;
	iov[0].io_type = RSM_VA_TYPE;
	iov[0].local.vaddr = local;
	iov[1].io_type = RSM_HANDLE_TYPE;
	iov[1].local.handle = lh;
	iov[0].local_offset = iov[1].local_offset = 0;
	iov[0].remote_offset = 0;
	iov[1].remote_offset = 4096;
	iov[0].transfer_length = iov[1].transfer_length = 64;
	sg.local_nodeid = 0;
	sg.io_request_count = 2;
	sg.io_residual_count = 0;
	sg.flags = RSM_IMPLICIT_SIGPOST;
	sg.remote_handle = im;
	sg.iovec = iov;
	if ((e = rsm_memseg_import_putv(&sg)) == RSM_SUCCESS)
		e = rsm_memseg_import_getv(&sg);
	(void) rsm_free_localmemory_handle(ctl, lh);
	return e;
}

int main(int argc, char **argv)
{
	rsmapi_controller_handle_t ctl;
	rsmapi_controller_attr_t attr;
	int e;

	if ((e = rsm_get_controller(argc > 1 ? argv[1] : "sci0", &ctl)) !=
	    RSM_SUCCESS) {
		(void) fprintf(stderr, "rsm_get_controller: %d\n", e);
		return (1);
	}
	if (rsm_get_controller_attr(ctl, &attr) == RSM_SUCCESS && verbose)
		printf("page %lu, max segment %lu, DAS64 %s\n",
		    (ulong_t)attr.attr_page_size,
		    (ulong_t)attr.attr_max_export_segment_size,
		    (attr.attr_direct_access_sizes & RSM_DAS64) ? "yes" : "no");
	show_topology();
	e = argc > 2 ? importer(ctl, (rsm_node_id_t)atoi(argv[2]),
	    RSM_USER_APP_ID_BASE - 1) : exporter(ctl, 1);
	if (e == RSMERR_CONN_ABORTED || e == RSMERR_BARRIER_FAILURE)
		(void) scatter(ctl, NULL, NULL);
	(void) rsm_release_controller(ctl);
	return (e == RSM_SUCCESS ? 0 : 1);
}
