// SPDX-License-Identifier: BSD-2-Clause
/*
 * rsm_get_interconnect_topology() / rsm_free_interconnect_topology()
 * (spec 2.14, 3.3).
 *
 * The kernel answers RSM_IOC_TOPOLOGY in its own fixed-width format
 * (struct rsm_topo_hdr, then per controller a struct rsm_topo_ctlr and its
 * struct rsm_topo_remote records).  The library converts that into the
 * Solaris layout: one block holding the header, the array of controller
 * pointers, then per controller an rsm_connections_hdr_t immediately
 * followed by its rsm_remote_cntlr_t records, so that a single free()
 * releases everything.
 */
#include <stdlib.h>
#include <string.h>

#include "rsm_internal.h"

/*
 * The topology can change between the size query and the fetch; each
 * retry uses the size the kernel just reported.  The bound only guards
 * against a kernel that keeps answering with a larger size.
 */
#define RSM_TOPOLOGY_TRIES 16

/* Start of the pointer array and of the first controller in the block. */
#define RSM_TOPO_PTRS_OFF offsetof(rsm_topology_t, connections)

static size_t rsm_topo_ctlr_size(uint32_t nremote)
{
	return sizeof(rsm_connections_hdr_t) +
	       (size_t)nremote * sizeof(rsm_remote_cntlr_t);
}

/* The kernel's names are NUL padded but need not be NUL terminated. */
static void rsm_topo_copy_name(char *dst, const char *src)
{
	size_t n = strnlen(src, RSM_NAME_MAX);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/*
 * First pass over the kernel's answer: check that every record it
 * announces is inside the buffer and compute the size of the converted
 * block.  Records are read with memcpy() because nothing promises that a
 * caller's buffer is aligned.
 */
static int rsm_topo_measure(const unsigned char *kbuf, size_t klen,
			    size_t *outlen)
{
	struct rsm_topo_hdr kh;
	struct rsm_topo_ctlr kc;
	size_t off = sizeof(kh), need;
	uint32_t i;

	if (klen < sizeof(kh))
		return RSMERR_INTERNAL_ERROR;
	memcpy(&kh, kbuf, sizeof(kh));
	/* Each controller takes at least one record: bounds the arrays. */
	if (kh.nctlr > (klen - off) / sizeof(kc))
		return RSMERR_INTERNAL_ERROR;
	need = RSM_TOPO_PTRS_OFF + (size_t)kh.nctlr * sizeof(rsm_connections_t *);
	for (i = 0; i < kh.nctlr; i++) {
		if (klen - off < sizeof(kc))
			return RSMERR_INTERNAL_ERROR;
		memcpy(&kc, kbuf + off, sizeof(kc));
		off += sizeof(kc);
		if (kc.nremote > (klen - off) / sizeof(struct rsm_topo_remote) ||
		    kc.nremote > INT32_MAX)
			return RSMERR_INTERNAL_ERROR;
		off += (size_t)kc.nremote * sizeof(struct rsm_topo_remote);
		/* Cannot trigger on LP64; keeps 32-bit builds safe. */
		if (rsm_topo_ctlr_size(kc.nremote) > SIZE_MAX - need)
			return RSMERR_INSUFFICIENT_MEM;
		need += rsm_topo_ctlr_size(kc.nremote);
	}
	*outlen = need < sizeof(rsm_topology_t) ? sizeof(rsm_topology_t) : need;
	return RSM_SUCCESS;
}

/* Second pass: fill the zeroed block; the buffer was validated. */
static void rsm_topo_fill(const unsigned char *kbuf, rsm_topology_t *t)
{
	struct rsm_topo_hdr kh;
	struct rsm_topo_ctlr kc;
	struct rsm_topo_remote kr;
	unsigned char *out;
	size_t off = sizeof(kh);
	uint32_t i, j;

	memcpy(&kh, kbuf, sizeof(kh));
	t->topology_hdr.local_nodeid = kh.local_nodeid;
	t->topology_hdr.local_cntlr_count = kh.nctlr;
	out = (unsigned char *)t + RSM_TOPO_PTRS_OFF +
	      (size_t)kh.nctlr * sizeof(rsm_connections_t *);
	for (i = 0; i < kh.nctlr; i++) {
		rsm_connections_t *conn = (rsm_connections_t *)out;

		memcpy(&kc, kbuf + off, sizeof(kc));
		off += sizeof(kc);
		t->connections[i] = conn;
		rsm_topo_copy_name(conn->hdr.cntlr_name, kc.name);
		conn->hdr.local_hwaddr = kc.hwaddr;
		conn->hdr.remote_cntlr_count = (int)kc.nremote;
		for (j = 0; j < kc.nremote; j++) {
			rsm_remote_cntlr_t *rc = &conn->remote_cntlr[j];

			memcpy(&kr, kbuf + off, sizeof(kr));
			off += sizeof(kr);
			rc->remote_nodeid = kr.nodeid;
			rsm_topo_copy_name(rc->remote_cntlrname, kr.name);
			rc->remote_hwaddr = kr.hwaddr;
			rc->connection_state = kr.state;
		}
		out += rsm_topo_ctlr_size(kc.nremote);
	}
}

/**
 * rsm_topology_from_kernel() - convert an RSM_IOC_TOPOLOGY answer
 * @kbuf: the kernel's answer
 * @klen: its length (the kernel's @needed)
 * @topology: receives a block to release with free()
 *
 * Return: 0, RSMERR_INSUFFICIENT_MEM, or RSMERR_INTERNAL_ERROR when the
 * answer is inconsistent (records beyond @klen).
 */
int rsm_topology_from_kernel(const void *kbuf, size_t klen,
			     rsm_topology_t **topology)
{
	size_t outlen;
	rsm_topology_t *t;
	int err;

	err = rsm_topo_measure(kbuf, klen, &outlen);
	if (err != RSM_SUCCESS)
		return err;
	/* malloc alignment covers the 8 bytes the layout needs. */
	t = calloc(1, outlen);
	if (t == NULL)
		return RSMERR_INSUFFICIENT_MEM;
	rsm_topo_fill(kbuf, t);
	*topology = t;
	return RSM_SUCCESS;
}

/* One RSM_IOC_TOPOLOGY request into @buf of @len bytes. */
static int rsm_topo_query(void *buf, uint32_t len, uint32_t *needed)
{
	struct rsm_ioc_buf q;
	int err;

	memset(&q, 0, sizeof(q));
	q.buf = (uintptr_t)buf;
	q.len = len;
	err = rsm_ctl_ioctl(RSM_IOC_TOPOLOGY, &q);
	if (err == RSM_SUCCESS)
		*needed = q.needed;
	return err;
}

/**
 * rsm_get_interconnect_topology() - the controllers and their connections
 * @topology_data: receives the block (NULL on failure)
 *
 * Return: 0, RSMERR_BAD_TOPOLOGY_PTR, RSMERR_INSUFFICIENT_MEM,
 * RSMERR_CTLR_NOT_PRESENT when /dev/rsm is missing, or a kernel error.
 */
RSM_PUBLIC int rsm_get_interconnect_topology(rsm_topology_t **topology_data)
{
	uint32_t len, needed;
	void *kbuf;
	int err, tries;

	if (topology_data == NULL)
		return RSMERR_BAD_TOPOLOGY_PTR;
	*topology_data = NULL;

	err = rsm_topo_query(NULL, 0, &needed);
	for (tries = 0; err == RSM_SUCCESS && tries < RSM_TOPOLOGY_TRIES;
	     tries++) {
		len = needed;
		kbuf = malloc(len ? len : 1);
		if (kbuf == NULL)
			return RSMERR_INSUFFICIENT_MEM;
		err = rsm_topo_query(kbuf, len, &needed);
		if (err == RSM_SUCCESS && needed <= len) {
			err = rsm_topology_from_kernel(kbuf, needed,
						       topology_data);
			free(kbuf);
			return err;
		}
		/* Grew since the last answer: retry with the new size. */
		free(kbuf);
	}
	return err != RSM_SUCCESS ? err : RSMERR_INSUFFICIENT_RESOURCES;
}

/**
 * rsm_free_interconnect_topology() - release a topology block
 * @topology_data: from rsm_get_interconnect_topology(), or NULL
 */
RSM_PUBLIC void rsm_free_interconnect_topology(rsm_topology_t *topology_data)
{
	free(topology_data);
}
