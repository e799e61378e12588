// SPDX-License-Identifier: BSD-2-Clause
/*
 * rsm-exporter - offer a page of this process's memory to another node,
 * wait for a message to land in it, and answer.
 *
 * Run it first, on the node that owns the memory:
 *
 *   rsm-exporter [controller [importer-node]]     (default: rxe0 2)
 *
 * then rsm-importer on the importer node.  Build:
 *
 *   cc -o rsm-exporter rsm-exporter.c -lrsm
 */
#include <rsmapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "rsm_errname.h"
#include "rsm_mailbox.h"

/* Wait up to 30 s for a byte that the importer writes from afar. */
static int wait_for(volatile char *byte)
{
	time_t end = time(NULL) + 30;

	while (time(NULL) < end) {
		if (*byte)	/* volatile: really read memory every time */
			return 0;
		usleep(10000);
	}
	return -1;
}

int main(int argc, char **argv)
{
	char *controller_name = argc > 1 ? argv[1] : "rxe0";
	rsm_node_id_t importer = argc > 2 ? atoi(argv[2]) : 2;
	rsmapi_controller_handle_t controller;
	rsm_memseg_export_handle_t segment;
	rsm_memseg_id_t segment_id = MAILBOX_SEGMENT_ID;
	size_t length = sysconf(_SC_PAGESIZE);	/* one page is plenty */
	struct mailbox *box;
	int err;

	/*
	 * 1. A controller is an RDMA port, named after its device (rxe0,
	 *    mlx5_0, ...).  Everything else hangs off this handle.
	 */
	err = rsm_get_controller(controller_name, &controller);
	if (err) {
		printf("rsm_get_controller(%s): %s\n", controller_name,
		       rsm_errname(err));
		return 1;
	}

	/*
	 * 2. Exported memory must be whole pages; mmap gives us that, already
	 *    zeroed.  Creating the segment pins the pages: from now on the
	 *    network card may read and write them.
	 */
	box = mmap(NULL, length, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (box == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	err = rsm_memseg_export_create(controller, &segment, box, length, 0);
	if (err) {
		printf("rsm_memseg_export_create: %s\n", rsm_errname(err));
		return 1;
	}

	/*
	 * 3. Publishing makes the segment visible under an id.  The access
	 *    list says who may connect: here only the importer node, with
	 *    read and write permission (0666, like a file mode).
	 */
	rsmapi_access_entry_t access_list[] = {
		{ .ae_node = importer, .ae_permission = 0666 },
	};
	err = rsm_memseg_export_publish(segment, &segment_id, access_list, 1);
	if (err) {
		printf("rsm_memseg_export_publish: %s\n", rsm_errname(err));
		rsm_memseg_export_destroy(segment);
		return 1;
	}
	printf("exporter: published segment 0x%x for node %u, waiting\n",
	       segment_id, importer);
	fflush(stdout);

	/*
	 * 4. The importer's put writes straight into our memory: no call on
	 *    this side.  We just look at it.
	 */
	if (wait_for(box->request)) {
		printf("exporter: no message within 30 s\n");
		err = 1;
	} else {
		printf("exporter: received \"%s\"\n", box->request);
		/* Answer in the same memory; the importer reads it with a get. */
		snprintf(box->reply, sizeof(box->reply),
			 "hello back from the exporter (%zu bytes seen)",
			 strlen(box->request));
		printf("exporter: replied \"%s\"\n", box->reply);
		fflush(stdout);
		if (wait_for(&box->done))
			printf("exporter: importer did not say goodbye\n");
	}

	/*
	 * 5. Clean up.  Unpublishing disconnects every importer; destroy
	 *    would also do it, and process exit does all of this anyway.
	 */
	rsm_memseg_export_unpublish(segment);
	rsm_memseg_export_destroy(segment);
	rsm_release_controller(controller);
	munmap(box, length);
	printf("exporter: done\n");
	return err ? 1 : 0;
}
