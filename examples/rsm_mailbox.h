/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rsm_mailbox.h - what rsm-exporter and rsm-importer agree on: the segment
 * id and the layout of the shared memory.
 *
 * The exporter's memory is laid out as this struct.  The importer names
 * its parts by their offsets (offsetof), because it never maps the memory:
 * it copies bytes in and out with rsm_memseg_import_put/get.
 */
#ifndef RSM_MAILBOX_H
#define RSM_MAILBOX_H

#include <stddef.h>

/*
 * Applications choose segment ids in 0x400000..0x7fffffff (lower ids are
 * reserved, higher ones are handed out by the system when you publish with
 * id 0).  A real program reads its range from /etc/rsm/rsm.segmentid with
 * rsm_get_segmentid_range().
 */
#define MAILBOX_SEGMENT_ID	0x400042

#define MAILBOX_TEXT		256	/* room for one message */

struct mailbox {
	char request[MAILBOX_TEXT];	/* written by the importer */
	char reply[MAILBOX_TEXT];	/* written by the exporter */
	char done;			/* set by the importer at the end */
};

#endif /* RSM_MAILBOX_H */
