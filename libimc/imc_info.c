// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libimc: imc_getclusterinfo(3) and imc_wait_cluster_event(3).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "imc_internal.h"

/* Items one call may ask for (each kind once is 3). */
#define IMC_MAXITEMS	16

unsigned long imc_hostinfo_size(unsigned int n)
{
	return offsetof(imc_hostinfo, name) +
	       (unsigned long)n * IMC_MAXHOSTNAMELEN;
}

void imc_hostinfo_fill(imc_hostinfo *hi, const struct rsm_ioc_imc_info *info)
{
	unsigned int i;

	hi->num_hosts = info->nhosts;
	for (i = 0; i < info->nhosts; i++) {
		memset(hi->name[i], 0, IMC_MAXHOSTNAMELEN);
		memcpy(hi->name[i], info->hosts[i].name,
		       strnlen(info->hosts[i].name, IMC_MAXHOSTNAMELEN - 1));
	}
}

struct imc_out {
	int item;
	char *data;
	int len;
};

static int imc_item_size(int item, const struct rsm_ioc_imc_info *info,
			 unsigned long *need)
{
	switch (item) {
	case IMC_GET_HOSTS:
		*need = imc_hostinfo_size(info->nhosts);
		return IMC_SUCCESS;
	case IMC_GET_NRAILS:
		*need = sizeof(unsigned int);
		return IMC_SUCCESS;
	case IMC_GET_ACTIVERAILS:
		*need = sizeof(imc_railinfo);
		return IMC_SUCCESS;
	default:
		return IMC_BADPARM;
	}
}

static void imc_item_fill(const struct imc_out *o,
			  const struct rsm_ioc_imc_info *info)
{
	unsigned int n = info->nrails;
	imc_railinfo r = info->active_rails;

	switch (o->item) {
	case IMC_GET_HOSTS:
		imc_hostinfo_fill((imc_hostinfo *)o->data, info);
		break;
	case IMC_GET_NRAILS:
		memcpy(o->data, &n, sizeof(n));
		break;
	case IMC_GET_ACTIVERAILS:
		memcpy(o->data, &r, sizeof(r));
		break;
	}
}

/**
 * imc_getclusterinfo - the hosts and rails of the API cluster
 * @i_items: item codes, ended by 0
 * @i_nitems: how many items (the 0 ends the list earlier)
 *
 * For each item, a (char *io_data, int i_datalen) pair follows.  Nothing
 * is written unless every item is valid and fits.
 */
__attribute__((visibility("default")))
int imc_getclusterinfo(imc_infoType *i_items, int i_nitems, ...)
{
	struct imc_out out[IMC_MAXITEMS];
	struct rsm_ioc_imc_info *info;
	unsigned long need;
	int fd = imc_fd(), n = 0, i, st = IMC_SUCCESS;
	va_list ap;

	if (fd < 0)
		return IMC_NOTINIT;
	if (i_nitems < 0 || (i_nitems > 0 && !i_items))
		return IMC_BADPARM;
	info = malloc(sizeof(*info));
	if (!info)
		return IMC_NOMEM;
	st = imc_info(fd, info);
	va_start(ap, i_nitems);
	for (i = 0; st == IMC_SUCCESS && i < i_nitems && i_items[i]; i++) {
		if (n == IMC_MAXITEMS) {
			st = IMC_BADPARM;
			break;
		}
		out[n].item = i_items[i];
		out[n].data = va_arg(ap, char *);
		out[n].len = va_arg(ap, int);
		st = imc_item_size(out[n].item, info, &need);
		if (st == IMC_SUCCESS && !out[n].data)
			st = IMC_BADPARM;
		else if (st == IMC_SUCCESS &&
			 (out[n].len < 0 || (unsigned long)out[n].len < need))
			st = IMC_INSUFFMEM;
		n++;
	}
	va_end(ap);
	for (i = 0; st == IMC_SUCCESS && i < n; i++)
		imc_item_fill(&out[i], info);
	free(info);
	return st;
}

struct imc_watch {
	int event;
	void *cfg;
	unsigned long len;
};

/* Is the caller's baseline usable, and what does it say? */
static int imc_watch_check(const struct imc_watch *w)
{
	const imc_hostinfo *hi = w->cfg;

	if (!w->cfg)
		return IMC_BADPARM;
	switch (w->event) {
	case IMC_CC_EVENT_HOST:
		if (w->len < imc_hostinfo_size(0) ||
		    hi->num_hosts > IMC_MAXHOSTS ||
		    w->len < imc_hostinfo_size(hi->num_hosts))
			return IMC_BADPARM;
		return IMC_SUCCESS;
	case IMC_CC_EVENT_RAIL:
		return w->len < sizeof(imc_railinfo) ? IMC_BADPARM : IMC_SUCCESS;
	default:
		return IMC_BADPARM;
	}
}

static int imc_watch_changed(const struct imc_watch *w,
			     const struct rsm_ioc_imc_info *info)
{
	const imc_hostinfo *hi = w->cfg;
	imc_railinfo r;
	unsigned int i;

	if (w->event == IMC_CC_EVENT_RAIL) {
		memcpy(&r, w->cfg, sizeof(r));
		return r != info->active_rails;
	}
	if (hi->num_hosts != info->nhosts)
		return 1;
	for (i = 0; i < info->nhosts; i++)
		if (strncmp(hi->name[i], info->hosts[i].name,
			    IMC_MAXHOSTNAMELEN))
			return 1;
	return 0;
}

/* Give the caller the new configuration of every event that changed. */
static int imc_watch_report(struct imc_watch *w, int n,
			    const struct rsm_ioc_imc_info *info)
{
	int i, host = 0, rail = 0;

	for (i = 0; i < n; i++) {
		if (!imc_watch_changed(&w[i], info))
			continue;
		if (w[i].event == IMC_CC_EVENT_HOST &&
		    w[i].len < imc_hostinfo_size(info->nhosts))
			return IMC_INSUFFMEM;
		host |= w[i].event == IMC_CC_EVENT_HOST;
		rail |= w[i].event == IMC_CC_EVENT_RAIL;
	}
	for (i = 0; i < n; i++) {
		if (!imc_watch_changed(&w[i], info))
			continue;
		if (w[i].event == IMC_CC_EVENT_HOST)
			imc_hostinfo_fill(w[i].cfg, info);
		else
			memcpy(w[i].cfg, &info->active_rails,
			       sizeof(imc_railinfo));
	}
	if (host && rail)
		return IMC_MULTIPLE_CHANGE;
	if (host)
		return IMC_HOST_CHANGE;
	return rail ? IMC_RAIL_CHANGE : IMC_SUCCESS;
}

/*
 * Sleep in the module until its configuration moves on from @info (the
 * generation, or the active rails, which it samples once a second).
 */
static int imc_wait_change(int fd, const struct rsm_ioc_imc_info *info)
{
	struct rsm_ioc_imc_wait req = {
		.gen = info->gen, .rails = info->active_rails,
	};

	if (ioctl(fd, RSM_IOC_IMC_WAIT, &req) == 0)
		return IMC_SUCCESS;
	return errno == EINTR ? IMC_INTR : IMC_KERN_FAULT;
}

/**
 * imc_wait_cluster_event - wait until the hosts or the rails change
 * @i_eventType: events (IMC_CC_EVENT_HOST, IMC_CC_EVENT_RAIL)
 * @i_numEvents: how many, at least 1, each event at most once
 * @i_unused: 0
 *
 * For each event, a (void *io_current_config, unsigned long length) pair
 * follows: the caller's view, replaced by the new one on return.
 */
__attribute__((visibility("default")))
int imc_wait_cluster_event(imc_eventType *i_eventType,
			   unsigned long i_numEvents, unsigned long i_unused,
			   ...)
{
	struct imc_watch w[2];
	struct rsm_ioc_imc_info *info;
	int fd = imc_fd(), st = IMC_SUCCESS;
	unsigned long i;
	va_list ap;

	if (fd < 0)
		return IMC_NOTINIT;
	if (!i_eventType || i_numEvents < 1 || i_numEvents > 2 || i_unused)
		return IMC_BADPARM;
	va_start(ap, i_unused);
	for (i = 0; i < i_numEvents; i++) {
		w[i].event = i_eventType[i];
		w[i].cfg = va_arg(ap, void *);
		w[i].len = va_arg(ap, unsigned long);
		if (st == IMC_SUCCESS)
			st = imc_watch_check(&w[i]);
	}
	va_end(ap);
	if (st != IMC_SUCCESS)
		return st;
	if (i_numEvents == 2 && w[0].event == w[1].event)
		return IMC_BADPARM;
	info = malloc(sizeof(*info));
	if (!info)
		return IMC_NOMEM;
	for (;;) {
		st = imc_info(fd, info);
		if (st != IMC_SUCCESS)
			break;
		st = imc_watch_report(w, (int)i_numEvents, info);
		if (st != IMC_SUCCESS)
			break;
		st = imc_wait_change(fd, info);
		if (st != IMC_SUCCESS)
			break;
	}
	free(info);
	return st;
}
