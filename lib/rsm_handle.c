// SPDX-License-Identifier: BSD-2-Clause
/*
 * Registry of the handles this process holds (spec A10).
 *
 * Functions look a pointer up here before dereferencing it, so a stale,
 * freed or foreign pointer, or a handle of the wrong kind, yields the
 * NULL-handle error code instead of a crash.  Lookups compare addresses
 * only; the candidate pointer itself is never dereferenced.
 *
 * A chained hash keyed by address.  Chains are intrusive (struct
 * rsm_handle.hash_next) so registering never allocates and cannot fail;
 * the bucket array grows when chains get long, and if that allocation
 * fails the table simply keeps its size.
 */
#include <pthread.h>
#include <stdlib.h>

#include "rsm_internal.h"

#define RSM_HANDLE_MIN_BUCKETS 64

static pthread_mutex_t rsm_handle_lock = PTHREAD_MUTEX_INITIALIZER;
/* All below protected by rsm_handle_lock. */
static struct rsm_handle *rsm_handle_initial[RSM_HANDLE_MIN_BUCKETS];
static struct rsm_handle **rsm_handle_buckets = rsm_handle_initial;
static size_t rsm_handle_nbuckets = RSM_HANDLE_MIN_BUCKETS;	/* power of 2 */
static size_t rsm_handle_count;

static size_t rsm_handle_bucket(const void *p, size_t nbuckets)
{
	/* Handles are malloc'ed: the low bits carry no information. */
	uint64_t h = (uint64_t)(uintptr_t)p >> 4;

	h *= 0x9e3779b97f4a7c15ULL;
	return (size_t)(h >> 32) & (nbuckets - 1);
}

static void rsm_handle_grow(void)
{
	size_t nb = rsm_handle_nbuckets * 2, i;
	struct rsm_handle **nt = calloc(nb, sizeof(*nt));

	if (nt == NULL)
		return;
	for (i = 0; i < rsm_handle_nbuckets; i++) {
		struct rsm_handle *h = rsm_handle_buckets[i], *next;

		for (; h != NULL; h = next) {
			size_t b = rsm_handle_bucket(h, nb);

			next = h->hash_next;
			h->hash_next = nt[b];
			nt[b] = h;
		}
	}
	if (rsm_handle_buckets != rsm_handle_initial)
		free(rsm_handle_buckets);
	rsm_handle_buckets = nt;
	rsm_handle_nbuckets = nb;
}

/**
 * rsm_handle_register() - make a new handle known to the library
 * @h: the handle's common header; must not be registered already
 * @kind: what kind of handle it is
 */
void rsm_handle_register(struct rsm_handle *h, enum rsm_handle_kind kind)
{
	size_t b;

	pthread_mutex_lock(&rsm_handle_lock);
	if (rsm_handle_count >= 2 * rsm_handle_nbuckets)
		rsm_handle_grow();
	h->kind = kind;
	b = rsm_handle_bucket(h, rsm_handle_nbuckets);
	h->hash_next = rsm_handle_buckets[b];
	rsm_handle_buckets[b] = h;
	rsm_handle_count++;
	pthread_mutex_unlock(&rsm_handle_lock);
}

/**
 * rsm_handle_unregister() - forget a handle before it is freed
 * @h: a registered handle; unknown handles are ignored
 */
void rsm_handle_unregister(struct rsm_handle *h)
{
	struct rsm_handle **pp;

	pthread_mutex_lock(&rsm_handle_lock);
	pp = &rsm_handle_buckets[rsm_handle_bucket(h, rsm_handle_nbuckets)];
	for (; *pp != NULL; pp = &(*pp)->hash_next) {
		if (*pp == h) {
			*pp = h->hash_next;
			h->hash_next = NULL;
			rsm_handle_count--;
			break;
		}
	}
	pthread_mutex_unlock(&rsm_handle_lock);
}

/**
 * rsm_handle_is_live() - is @p a registered handle of @kind?
 * @p: any pointer, including NULL and garbage; never dereferenced
 * @kind: the kind the caller needs
 *
 * Return: true if @p was registered with @kind and not unregistered since.
 * The answer only stays true while the caller keeps the handle from being
 * destroyed (each handle kind has its own lock for that).
 */
bool rsm_handle_is_live(const void *p, enum rsm_handle_kind kind)
{
	const struct rsm_handle *h;
	bool live = false;

	if (p == NULL)
		return false;
	pthread_mutex_lock(&rsm_handle_lock);
	h = rsm_handle_buckets[rsm_handle_bucket(p, rsm_handle_nbuckets)];
	for (; h != NULL; h = h->hash_next) {
		if ((const void *)h == p) {
			live = h->kind == kind;
			break;
		}
	}
	pthread_mutex_unlock(&rsm_handle_lock);
	return live;
}
