// SPDX-License-Identifier: BSD-2-Clause
/*
 * rsm-importer - connect to the memory rsm-exporter published on another
 * node, write a message into it, and read the answer back.
 *
 *   rsm-importer [controller [exporter-node [message]]]   (default: rxe0 1)
 *
 * Build:
 *
 *   cc -o rsm-importer rsm-importer.c -lrsm
 */
#include <rsmapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rsm_errname.h"
#include "rsm_mailbox.h"

int main(int argc, char **argv)
{
	char *controller_name = argc > 1 ? argv[1] : "rxe0";
	rsm_node_id_t exporter = argc > 2 ? atoi(argv[2]) : 1;
	char *message = argc > 3 ? argv[3] : "hello from the importer";
	rsmapi_controller_handle_t controller;
	rsm_memseg_import_handle_t segment;
	rsmapi_barrier_t barrier;
	char reply[MAILBOX_TEXT];
	char done = 1;
	time_t end;
	int err;

	if (strlen(message) >= MAILBOX_TEXT) {
		printf("message longer than %d bytes\n", MAILBOX_TEXT - 1);
		return 1;
	}

	/* 1. The controller: the local RDMA port to reach the exporter by. */
	err = rsm_get_controller(controller_name, &controller);
	if (err) {
		printf("rsm_get_controller(%s): %s\n", controller_name,
		       rsm_errname(err));
		return 1;
	}

	/*
	 * 2. Connect to (node, segment id), asking for read and write.  The
	 *    exporter may still be starting, so try again for a while when
	 *    the segment is not published yet.
	 */
	end = time(NULL) + 30;
	do {
		err = rsm_memseg_import_connect(controller, exporter,
						MAILBOX_SEGMENT_ID,
						RSM_PERM_RDWR, &segment);
		if (err != RSMERR_SEG_NOT_PUBLISHED)
			break;
		usleep(200000);
	} while (time(NULL) < end);
	if (err) {
		printf("rsm_memseg_import_connect(node %u, 0x%x): %s\n",
		       exporter, MAILBOX_SEGMENT_ID, rsm_errname(err));
		return 1;
	}
	printf("importer: connected to segment 0x%x on node %u\n",
	       MAILBOX_SEGMENT_ID, exporter);

	/*
	 * 3. A new connection is in implicit barrier mode: each put or get
	 *    returns only when its data has arrived, and reports its own
	 *    errors.  It still needs a barrier set up once (zeroed first).
	 */
	memset(&barrier, 0, sizeof(barrier));
	err = rsm_memseg_import_init_barrier(segment, RSM_BARRIER_SEGMENT,
					     &barrier);
	if (err) {
		printf("rsm_memseg_import_init_barrier: %s\n", rsm_errname(err));
		goto disconnect;
	}

	/*
	 * 4. Put: copy our message (with its final '\0') into the remote
	 *    memory, at the offset of mailbox.request.
	 */
	err = rsm_memseg_import_put(segment, offsetof(struct mailbox, request),
				    message, strlen(message) + 1);
	if (err) {
		printf("rsm_memseg_import_put: %s\n", rsm_errname(err));
		goto barrier;
	}
	printf("importer: put \"%s\"\n", message);
	fflush(stdout);

	/* 5. Get: read the reply area until the exporter has written it. */
	end = time(NULL) + 30;
	do {
		err = rsm_memseg_import_get(segment,
					    offsetof(struct mailbox, reply),
					    reply, sizeof(reply));
		if (err || reply[0])
			break;
		usleep(100000);
	} while (time(NULL) < end);
	if (err) {
		printf("rsm_memseg_import_get: %s\n", rsm_errname(err));
		goto barrier;
	}
	if (!reply[0]) {
		printf("importer: no reply within 30 s\n");
		err = 1;
		goto barrier;
	}
	reply[sizeof(reply) - 1] = '\0';	/* never trust remote strings */
	printf("importer: got \"%s\"\n", reply);

	/* Tell the exporter we are finished, so it can clean up. */
	err = rsm_memseg_import_put(segment, offsetof(struct mailbox, done),
				    &done, 1);
	if (err)
		printf("rsm_memseg_import_put: %s\n", rsm_errname(err));

	/* 6. Clean up in reverse order. */
barrier:
	rsm_memseg_import_destroy_barrier(&barrier);
disconnect:
	rsm_memseg_import_disconnect(segment);
	rsm_release_controller(controller);
	printf("importer: done\n");
	return err ? 1 : 0;
}
