// SPDX-License-Identifier: BSD-2-Clause
/*
 * The registry of live handles (spec A10): only registered handles of the
 * right kind are recognised; NULL, foreign, stale and wrong-kind pointers
 * are not, and the table keeps working as it grows and shrinks.
 */
#include "rsm_internal.h"
#include "tap.h"

#define NHANDLES 5000

static enum rsm_handle_kind kind_of(int i)
{
	static const enum rsm_handle_kind kinds[] = {
		RSM_HANDLE_CONTROLLER, RSM_HANDLE_EXPORT,
		RSM_HANDLE_IMPORT, RSM_HANDLE_LOCALMEM,
	};

	return kinds[i % 4];
}

static enum rsm_handle_kind other_kind(int i)
{
	return kind_of(i + 1);
}

/* Count handles whose registry answers differ from @registered[i]. */
static int count_wrong(struct rsm_handle **h, const bool *registered)
{
	int i, wrong = 0;

	for (i = 0; i < NHANDLES; i++) {
		if (rsm_handle_is_live(h[i], kind_of(i)) != registered[i])
			wrong++;
		if (rsm_handle_is_live(h[i], other_kind(i)))
			wrong++;
	}
	return wrong;
}

int main(void)
{
	static struct rsm_handle *h[NHANDLES];
	static bool registered[NHANDLES];
	struct rsm_handle on_stack;
	int i;

	tap_start();
	for (i = 0; i < NHANDLES; i++) {
		h[i] = malloc(sizeof(*h[i]));
		if (h[i] == NULL)
			return 1;
	}

	tap_check(!rsm_handle_is_live(NULL, RSM_HANDLE_CONTROLLER),
		  "NULL is never live");
	tap_check(!rsm_handle_is_live(h[0], RSM_HANDLE_CONTROLLER),
		  "unregistered pointer is not live");

	rsm_handle_register(h[0], RSM_HANDLE_EXPORT);
	tap_check(rsm_handle_is_live(h[0], RSM_HANDLE_EXPORT),
		  "registered handle is live with its kind");
	tap_check(!rsm_handle_is_live(h[0], RSM_HANDLE_IMPORT),
		  "registered handle is not live with another kind");
	tap_check(!rsm_handle_is_live((char *)h[0] + 1, RSM_HANDLE_EXPORT),
		  "pointer into a handle is not live");
	tap_check(!rsm_handle_is_live(&on_stack, RSM_HANDLE_EXPORT),
		  "foreign pointer is not live");
	rsm_handle_unregister(h[0]);
	tap_check(!rsm_handle_is_live(h[0], RSM_HANDLE_EXPORT),
		  "unregistered handle is stale");
	rsm_handle_unregister(h[0]);
	tap_check(!rsm_handle_is_live(h[0], RSM_HANDLE_EXPORT),
		  "unregistering twice is harmless");

	for (i = 0; i < NHANDLES; i++) {
		rsm_handle_register(h[i], kind_of(i));
		registered[i] = true;
	}
	tap_eq(count_wrong(h, registered), 0,
	       "%d handles of four kinds: all found, kinds kept", NHANDLES);

	for (i = 0; i < NHANDLES; i += 2) {
		rsm_handle_unregister(h[i]);
		registered[i] = false;
	}
	tap_eq(count_wrong(h, registered), 0,
	       "every other handle unregistered: only the rest are live");

	for (i = 0; i < NHANDLES; i += 2) {
		rsm_handle_register(h[i], kind_of(i));
		registered[i] = true;
	}
	tap_eq(count_wrong(h, registered), 0, "re-registered handles are live");

	for (i = 0; i < NHANDLES; i++) {
		rsm_handle_unregister(h[i]);
		registered[i] = false;
	}
	tap_eq(count_wrong(h, registered), 0, "all unregistered: none live");

	for (i = 0; i < NHANDLES; i++)
		free(h[i]);
	return tap_finish();
}
