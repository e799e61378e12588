// SPDX-License-Identifier: BSD-2-Clause
/*
 * Controller handles: rsm_get_controller(), rsm_get_controller_attr(),
 * rsm_release_controller() (spec 1.11, 3.2).
 *
 * A controller is named "<type><unit>".  Linux RDMA devices take the place
 * of Solaris adapters, so there are no per-type extension libraries: the
 * kernel is asked directly whether it knows the controller and what its
 * limits are.  The answer is cached in the handle for its lifetime.
 */
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rsm_internal.h"

static pthread_mutex_t rsm_ctlr_lock = PTHREAD_MUTEX_INITIALIZER;
/* Every controller handle ever created; protected by rsm_ctlr_lock. */
static struct __rsmapi_controller_handle *rsm_ctlr_list;

/**
 * rsm_ctlr_name_parse() - split a controller name per spec 3.2
 * @name: the name given to rsm_get_controller(); NULL means "loopback"
 * @out: receives type, unit, loopback flag and canonical name
 *
 * The type is everything before the longest run of trailing decimal
 * digits; the unit is the value of those digits (0 when there are none).
 * The canonical name "<type><unit>" is what the kernel is asked about,
 * except that every "loopback<digits>", in any case, is the one loopback
 * controller (spec A25).
 *
 * Return: 0, or RSMERR_CTLR_NOT_PRESENT for a name no controller can have:
 * MAXNAMELEN or longer, no type, a unit beyond INT_MAX, or a canonical
 * name longer than the kernel ABI carries.
 */
int rsm_ctlr_name_parse(const char *name, struct rsm_ctlr_name *out)
{
	size_t len, split, i;
	long long unit = 0;
	int n;

	if (name == NULL)
		name = RSM_LOOPBACK_NAME;
	len = strnlen(name, MAXNAMELEN);
	if (len >= MAXNAMELEN)
		return RSMERR_CTLR_NOT_PRESENT;
	for (split = len; split > 0; split--) {
		if (!rsm_ascii_isdigit((unsigned char)name[split - 1]))
			break;
	}
	if (split == 0)
		return RSMERR_CTLR_NOT_PRESENT;
	memcpy(out->type, name, split);
	out->type[split] = '\0';
	out->loopback = rsm_ascii_caseeq(out->type, RSM_LOOPBACK_NAME);
	if (out->loopback) {
		/* The unit is irrelevant, however large. */
		out->unit = 0;
		n = snprintf(out->canon, sizeof(out->canon), "%s",
			     RSM_LOOPBACK_NAME);
	} else {
		for (i = split; i < len; i++) {
			unit = unit * 10 + (name[i] - '0');
			if (unit > INT_MAX)
				return RSMERR_CTLR_NOT_PRESENT;
		}
		out->unit = (int)unit;
		n = snprintf(out->canon, sizeof(out->canon), "%s%d",
			     out->type, out->unit);
	}
	if (n < 0 || (size_t)n >= sizeof(out->canon))
		return RSMERR_CTLR_NOT_PRESENT;
	return RSM_SUCCESS;
}

/**
 * rsm_ctlr_name_same() - do two parsed names denote the same controller?
 * @a: a parsed name
 * @b: another one
 *
 * Same unit and the same type ignoring case; all loopback names are one.
 */
bool rsm_ctlr_name_same(const struct rsm_ctlr_name *a,
			const struct rsm_ctlr_name *b)
{
	if (a->loopback || b->loopback)
		return a->loopback == b->loopback;
	return a->unit == b->unit && rsm_ascii_caseeq(a->type, b->type);
}

/* The ABI carries 64-bit limits; a 32-bit size_t/ulong_t saturates. */
static size_t rsm_clamp_size(uint64_t v)
{
	return v > SIZE_MAX ? SIZE_MAX : (size_t)v;
}

static ulong_t rsm_clamp_ulong(uint64_t v)
{
	return v > ULONG_MAX ? ULONG_MAX : (ulong_t)v;
}

/* The nine public attributes out of the kernel's RSM_IOC_CTLR_ATTR answer */
static void rsm_ctlr_attr_from_kernel(const struct rsm_ioc_ctlr_attr *k,
				      rsmapi_controller_attr_t *attr)
{
	attr->attr_direct_access_sizes = k->direct_access_sizes;
	attr->attr_atomic_sizes = k->atomic_sizes;
	attr->attr_page_size = rsm_clamp_size(k->page_size);
	attr->attr_max_export_segment_size =
		rsm_clamp_size(k->max_export_segment_size);
	attr->attr_tot_export_segment_size =
		rsm_clamp_size(k->tot_export_segment_size);
	attr->attr_max_export_segments =
		rsm_clamp_ulong(k->max_export_segments);
	attr->attr_max_import_map_size =
		rsm_clamp_size(k->max_import_map_size);
	attr->attr_tot_import_map_size =
		rsm_clamp_size(k->tot_import_map_size);
	attr->attr_max_import_segments =
		rsm_clamp_ulong(k->max_import_segments);
}

/* Caller holds rsm_ctlr_lock. */
static struct __rsmapi_controller_handle *
rsm_ctlr_find(const struct rsm_ctlr_name *cn)
{
	struct __rsmapi_controller_handle *c;

	for (c = rsm_ctlr_list; c != NULL; c = c->next) {
		if (rsm_ctlr_name_same(&c->id, cn))
			return c;
	}
	return NULL;
}

/*
 * Ask the kernel about the controller and (re)open the handle: either a
 * released one (refcnt 0) being revived, or a new one.  The kernel is
 * asked again on revival because the device may have gone or changed.
 * Caller holds rsm_ctlr_lock.
 */
static int rsm_ctlr_open(const struct rsm_ctlr_name *cn,
			 struct __rsmapi_controller_handle **cp)
{
	struct __rsmapi_controller_handle *c = *cp;
	struct rsm_ioc_ctlr_attr k;
	bool created = false;
	int err;

	if (c == NULL) {
		c = calloc(1, sizeof(*c));
		if (c == NULL)
			return RSMERR_INSUFFICIENT_MEM;
		created = true;
	}
	memset(&k, 0, sizeof(k));
	memcpy(k.name, cn->canon, strlen(cn->canon) + 1);
	err = rsm_ctl_ioctl(RSM_IOC_CTLR_ATTR, &k);
	if (err != RSM_SUCCESS) {
		if (created)
			free(c);
		return err;
	}
	rsm_ctlr_attr_from_kernel(&k, &c->attr);
	c->ctlr_index = k.ctlr_index;
	c->controller_addr = k.controller_addr;
	c->refcnt = 1;
	if (created) {
		c->id = *cn;
		c->next = rsm_ctlr_list;
		rsm_ctlr_list = c;
		rsm_handle_register(&c->hdr, RSM_HANDLE_CONTROLLER);
	}
	*cp = c;
	return RSM_SUCCESS;
}

/**
 * rsm_get_controller() - get a handle on a controller (spec 3.2)
 * @name: "<type><unit>", or NULL for the loopback controller
 * @controller: receives the handle
 *
 * Return: 0, RSMERR_BAD_CTLR_HNDL, RSMERR_CTLR_NOT_PRESENT,
 * RSMERR_INSUFFICIENT_MEM, or a code from the kernel request.
 */
RSM_PUBLIC int rsm_get_controller(char *name,
				  rsmapi_controller_handle_t *controller)
{
	struct __rsmapi_controller_handle *c;
	struct rsm_ctlr_name cn;
	int err;

	if (controller == NULL)
		return RSMERR_BAD_CTLR_HNDL;
	err = rsm_ctlr_name_parse(name, &cn);
	if (err != RSM_SUCCESS)
		return err;

	pthread_mutex_lock(&rsm_ctlr_lock);
	c = rsm_ctlr_find(&cn);
	if (c == NULL || c->refcnt == 0)
		err = rsm_ctlr_open(&cn, &c);
	else if (c->refcnt == UINT_MAX)
		err = RSMERR_INSUFFICIENT_RESOURCES;
	else
		c->refcnt++;
	if (err == RSM_SUCCESS)
		*controller = c;
	pthread_mutex_unlock(&rsm_ctlr_lock);
	return err;
}

/**
 * rsm_get_controller_attr() - the attributes of a controller (spec 3.2)
 * @chdl: a handle from rsm_get_controller()
 * @attr: receives the nine attributes cached when the handle was opened
 *
 * Return: 0, RSMERR_BAD_CTLR_HNDL, RSMERR_BAD_ADDR, or
 * RSMERR_CTLR_NOT_PRESENT for a handle released to a count of 0.
 */
RSM_PUBLIC int rsm_get_controller_attr(rsmapi_controller_handle_t chdl,
				       rsmapi_controller_attr_t *attr)
{
	int err = RSM_SUCCESS;

	if (chdl == NULL)
		return RSMERR_BAD_CTLR_HNDL;
	if (attr == NULL)
		return RSMERR_BAD_ADDR;
	pthread_mutex_lock(&rsm_ctlr_lock);
	if (!rsm_handle_is_live(chdl, RSM_HANDLE_CONTROLLER))
		err = RSMERR_BAD_CTLR_HNDL;
	else if (chdl->refcnt == 0)
		err = RSMERR_CTLR_NOT_PRESENT;
	else
		*attr = chdl->attr;
	pthread_mutex_unlock(&rsm_ctlr_lock);
	return err;
}

/**
 * rsm_release_controller() - drop one reference to a controller handle
 * @controller: a handle from rsm_get_controller()
 *
 * Segments created through the controller do not hold references; the
 * application must not use them after the last release (spec 3.2).
 *
 * Return: 0, or RSMERR_BAD_CTLR_HNDL for NULL, unknown or already fully
 * released handles.
 */
RSM_PUBLIC int rsm_release_controller(rsmapi_controller_handle_t controller)
{
	int err = RSM_SUCCESS;

	if (controller == NULL)
		return RSMERR_BAD_CTLR_HNDL;
	pthread_mutex_lock(&rsm_ctlr_lock);
	if (!rsm_handle_is_live(controller, RSM_HANDLE_CONTROLLER) ||
	    controller->refcnt == 0)
		err = RSMERR_BAD_CTLR_HNDL;
	else
		controller->refcnt--;
	pthread_mutex_unlock(&rsm_ctlr_lock);
	return err;
}
