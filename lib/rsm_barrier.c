// SPDX-License-Identifier: BSD-2-Clause
/*
 * Barriers and barrier modes: rsm_memseg_import_init_barrier(), _open_,
 * _order_, _close_ and _destroy_barrier(), rsm_memseg_import_get_mode(),
 * _set_mode() (spec 1.5, 1.10, 3.11, A3, A10, A31).
 *
 * Every put, get, putv and getv completes in the kernel before its call
 * returns, so for them a barrier has nothing to flush or fence.  Stores
 * through an explicit mapping of a remote segment are different: the
 * kernel keeps them in cached pages until RSM_IOC_MAP_SYNC writes them
 * back, so order and close ask for that write-back, and open asks for
 * RSM_IOC_MAP_REFRESH, which drops cached pages without pending stores so
 * that loads in the span see the exporter's current data (release
 * consistency at barrier boundaries; rsm_memseg_import_map(3)).
 *
 * A barrier must also tell whether anything went wrong during its span:
 * open takes a snapshot of the import's kernel state (RSM_IOC_IMPORT_STATE:
 * generation, aborted flag, failed transfers and write-backs, exporter
 * rebinds) and of the failures the library recorded for explicit-mode
 * put/get; close compares the live values with it.
 *
 * The barrier object lives in the application's memory (rsmapi_barrier_t,
 * which the application zero-fills).  The library keeps its state there,
 * in struct rsm_barrier_priv, always copied in and out with memcpy(): a
 * magic value tells initialised barriers from zero-filled ones, and the
 * import handle's cookie tells a barrier of a disconnected handle from one
 * of a new handle that happens to reuse the address.
 */
#include <pthread.h>
#include <stddef.h>
#include <string.h>

#include "rsm_internal.h"

#define RSM_BARRIER_MAGIC	0x7273426dU	/* "rsBm" */

enum rsm_barrier_state {
	RSM_BARRIER_IDLE = 1,
	RSM_BARRIER_OPEN,
	RSM_BARRIER_DESTROYED,
};

/*
 * The library's view of an rsmapi_barrier_t.  @seg and @gnum sit where the
 * public struct has them and mean what the spec says (2.8); the rest uses
 * the padding after gnum and the space of privdata.
 */
struct rsm_barrier_priv {
	struct __rsm_memseg_import_handle *seg;	/* owning import handle */
	uint16_t gnum;		/* generation at open (low 16 bits) */
	uint16_t state;		/* enum rsm_barrier_state */
	uint32_t magic;		/* RSM_BARRIER_MAGIC once initialised */
	uint32_t cookie;	/* seg->cookie at init */
	uint32_t failures;	/* trouble count at open, mod 2^32 */
};

_Static_assert(sizeof(struct rsm_barrier_priv) <= sizeof(rsmapi_barrier_t),
	       "barrier state must fit the caller's rsmapi_barrier_t");
_Static_assert(offsetof(struct rsm_barrier_priv, seg) ==
	       offsetof(rsmapi_barrier_t, seg), "seg stays where it is");
_Static_assert(offsetof(struct rsm_barrier_priv, gnum) ==
	       offsetof(rsmapi_barrier_t, gnum), "gnum stays where it is");

static void rsm_barrier_store(rsmapi_barrier_t *barrier,
	const struct rsm_barrier_priv *p)
{
	memcpy(barrier, p, sizeof(*p));
}

/*
 * Load an initialised, not destroyed barrier.  Its import handle is
 * returned in *@impp, or NULL when that handle was disconnected.
 *
 * Return: 0, RSMERR_BAD_BARRIER_PTR or RSMERR_BARRIER_UNINITIALIZED.
 */
static int rsm_barrier_load(rsmapi_barrier_t *barrier,
	struct rsm_barrier_priv *p, struct __rsm_memseg_import_handle **impp)
{
	struct __rsm_memseg_import_handle *imp;

	if (barrier == NULL)
		return RSMERR_BAD_BARRIER_PTR;
	memcpy(p, barrier, sizeof(*p));
	if (p->magic != RSM_BARRIER_MAGIC ||
	    (p->state != RSM_BARRIER_IDLE && p->state != RSM_BARRIER_OPEN))
		return RSMERR_BARRIER_UNINITIALIZED;
	imp = rsm_import_lookup(p->seg);
	if (imp != NULL && imp->cookie != p->cookie)
		imp = NULL;
	*impp = imp;
	return RSM_SUCCESS;
}

/* Like rsm_barrier_load(), but the import handle must still exist. */
static int rsm_barrier_load_live(rsmapi_barrier_t *barrier,
	struct rsm_barrier_priv *p, struct __rsm_memseg_import_handle **impp)
{
	int err = rsm_barrier_load(barrier, p, impp);

	if (err == RSM_SUCCESS && *impp == NULL)
		return RSMERR_BARRIER_UNINITIALIZED;	/* spec 3.5: invalid */
	return err;
}

/*
 * The import's trouble count: transfers and write-backs the kernel saw
 * fail, the explicit-mode failures recorded by the library, and the
 * exporter's rebinds (a rebind discards stores not yet written back, and
 * puts before it went to the old pages).  Each term only ever grows, so
 * the sum is unchanged exactly when none of them changed; only that
 * matters, so it is kept modulo 2^32.  Caller holds imp->lock.
 */
static int rsm_barrier_state_now(struct __rsm_memseg_import_handle *imp,
	struct rsm_ioc_import_state *st, uint32_t *failures)
{
	int err;

	memset(st, 0, sizeof(*st));
	err = rsm_seg_ioctl(imp->fd, RSM_IOC_IMPORT_STATE, st);
	if (err == RSM_SUCCESS)
		*failures = (uint32_t)(st->errors + imp->failures +
				       st->rebinds);
	return err;
}

/*
 * Write back the stores of an explicit mapping; 0 without one.  Caller
 * holds imp->lock.  Return: 0 or an RSMERR code (RSMERR_CONN_ABORTED,
 * RSMERR_BARRIER_FAILURE, or that of a failed request); callers turn
 * every code but RSMERR_CONN_ABORTED into RSMERR_BARRIER_FAILURE.
 */
static int rsm_barrier_map_sync(struct __rsm_memseg_import_handle *imp)
{
	if (imp->state != RSM_IMPORT_MAPPED_EXPLICIT)
		return RSM_SUCCESS;
	return rsm_seg_ioctl(imp->fd, RSM_IOC_MAP_SYNC, NULL);
}

RSM_PUBLIC int rsm_memseg_import_init_barrier(
	rsm_memseg_import_handle_t im_memseg, rsm_barrier_type_t type,
	rsmapi_barrier_t *barrier)
{
	struct __rsm_memseg_import_handle *imp = rsm_import_lookup(im_memseg);
	struct rsm_barrier_priv p;

	(void)type;	/* not validated, no effect (spec 2.8) */
	if (imp == NULL)
		return RSMERR_BAD_SEG_HNDL;
	if (barrier == NULL)
		return RSMERR_BAD_BARRIER_PTR;
	memset(&p, 0, sizeof(p));
	p.seg = imp;
	p.state = RSM_BARRIER_IDLE;
	p.magic = RSM_BARRIER_MAGIC;
	p.cookie = imp->cookie;
	pthread_mutex_lock(&imp->lock);
	rsm_barrier_store(barrier, &p);
	imp->barrier = barrier;
	pthread_mutex_unlock(&imp->lock);
	return RSM_SUCCESS;
}

RSM_PUBLIC int rsm_memseg_import_open_barrier(rsmapi_barrier_t *barrier)
{
	struct __rsm_memseg_import_handle *imp;
	struct rsm_ioc_import_state st;
	struct rsm_barrier_priv p;
	uint32_t failures;
	int err;

	err = rsm_barrier_load_live(barrier, &p, &imp);
	if (err)
		return err;
	pthread_mutex_lock(&imp->lock);
	/*
	 * The snapshot comes first: a rebind between it and the refresh
	 * then shows at close instead of slipping through.
	 */
	err = rsm_barrier_state_now(imp, &st, &failures);
	/*
	 * A forcibly disconnected mapping has nothing to refresh; opening
	 * still works and close reports RSMERR_CONN_ABORTED.
	 */
	if (err == RSM_SUCCESS && imp->state == RSM_IMPORT_MAPPED_EXPLICIT) {
		err = rsm_seg_ioctl(imp->fd, RSM_IOC_MAP_REFRESH, NULL);
		if (err == RSMERR_CONN_ABORTED)
			err = RSM_SUCCESS;
	}
	if (err != RSM_SUCCESS) {
		pthread_mutex_unlock(&imp->lock);
		return RSMERR_BARRIER_OPEN_FAILED;
	}
	/* Opening an open barrier restarts its span. */
	p.gnum = (uint16_t)st.generation;
	p.failures = failures;
	p.state = RSM_BARRIER_OPEN;
	rsm_barrier_store(barrier, &p);
	pthread_mutex_unlock(&imp->lock);
	return RSM_SUCCESS;
}

/* Like rsm_barrier_load_live(), but the barrier must be open too. */
static int rsm_barrier_load_open(rsmapi_barrier_t *barrier,
	struct rsm_barrier_priv *p, struct __rsm_memseg_import_handle **impp)
{
	int err = rsm_barrier_load_live(barrier, p, impp);

	if (err == RSM_SUCCESS && p->state != RSM_BARRIER_OPEN)
		return RSMERR_BARRIER_NOT_OPENED;
	return err;
}

RSM_PUBLIC int rsm_memseg_import_order_barrier(rsmapi_barrier_t *barrier)
{
	struct __rsm_memseg_import_handle *imp;
	struct rsm_barrier_priv p;
	int err;

	err = rsm_barrier_load_open(barrier, &p, &imp);
	if (err)
		return err;
	/*
	 * Put and get have completed already; stores through a mapping
	 * are written back before any store after this call can be.
	 */
	pthread_mutex_lock(&imp->lock);
	err = rsm_barrier_map_sync(imp);
	pthread_mutex_unlock(&imp->lock);
	return err == RSM_SUCCESS ? RSM_SUCCESS : RSMERR_BARRIER_FAILURE;
}

/*
 * The verdict of a close (spec 3.11): a forced disconnect (40) outranks
 * a failed access (38).  Caller holds imp->lock.
 */
static int rsm_barrier_verdict(struct __rsm_memseg_import_handle *imp,
	const struct rsm_barrier_priv *p)
{
	struct rsm_ioc_import_state st;
	uint32_t failures;
	int sync_err, err;

	/* First, so that a failed write-back is in the state read next. */
	sync_err = rsm_barrier_map_sync(imp);
	err = rsm_barrier_state_now(imp, &st, &failures);
	if (err == RSMERR_CONN_ABORTED || sync_err == RSMERR_CONN_ABORTED)
		return RSMERR_CONN_ABORTED;
	if (err)
		return RSMERR_BARRIER_FAILURE;
	if (st.aborted || st.generation != imp->generation ||
	    (uint16_t)st.generation != p->gnum)
		return RSMERR_CONN_ABORTED;
	if (sync_err || failures != p->failures)
		return RSMERR_BARRIER_FAILURE;
	return RSM_SUCCESS;
}

RSM_PUBLIC int rsm_memseg_import_close_barrier(rsmapi_barrier_t *barrier)
{
	struct __rsm_memseg_import_handle *imp;
	struct rsm_barrier_priv p;
	int err;

	err = rsm_barrier_load_open(barrier, &p, &imp);
	if (err)
		return err;
	pthread_mutex_lock(&imp->lock);
	err = rsm_barrier_verdict(imp, &p);
	/* Successful or not, the span is over; the barrier may be reopened. */
	p.state = RSM_BARRIER_IDLE;
	rsm_barrier_store(barrier, &p);
	pthread_mutex_unlock(&imp->lock);
	return err;
}

RSM_PUBLIC int rsm_memseg_import_destroy_barrier(rsmapi_barrier_t *barrier)
{
	struct __rsm_memseg_import_handle *imp;
	struct rsm_barrier_priv p;
	int err;

	/* Works after disconnect too, so cleanup may come in any order. */
	err = rsm_barrier_load(barrier, &p, &imp);
	if (err)
		return err;
	p.state = RSM_BARRIER_DESTROYED;
	if (imp == NULL) {
		rsm_barrier_store(barrier, &p);
		return RSM_SUCCESS;
	}
	pthread_mutex_lock(&imp->lock);
	/* Even when another barrier is current (spec A31, check 87). */
	imp->barrier = NULL;
	rsm_barrier_store(barrier, &p);
	pthread_mutex_unlock(&imp->lock);
	return RSM_SUCCESS;
}

RSM_PUBLIC int rsm_memseg_import_get_mode(rsm_memseg_import_handle_t im_memseg,
	rsm_barrier_mode_t *mode)
{
	struct __rsm_memseg_import_handle *imp = rsm_import_lookup(im_memseg);

	if (imp == NULL)
		return RSMERR_BAD_SEG_HNDL;
	if (mode == NULL)
		return RSMERR_BAD_ADDR;
	pthread_mutex_lock(&imp->lock);
	*mode = imp->mode;
	pthread_mutex_unlock(&imp->lock);
	return RSM_SUCCESS;
}

RSM_PUBLIC int rsm_memseg_import_set_mode(rsm_memseg_import_handle_t im_memseg,
	rsm_barrier_mode_t mode)
{
	struct __rsm_memseg_import_handle *imp = rsm_import_lookup(im_memseg);

	if (imp == NULL)
		return RSMERR_BAD_SEG_HNDL;
	if (mode != RSM_BARRIER_MODE_EXPLICIT &&
	    mode != RSM_BARRIER_MODE_IMPLICIT)
		return RSMERR_BAD_MODE;
	pthread_mutex_lock(&imp->lock);
	imp->mode = mode;
	pthread_mutex_unlock(&imp->lock);
	return RSM_SUCCESS;
}
