/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Builds RSM_IOC_TOPOLOGY answers in the kernel's format (uapi struct
 * rsm_topo_hdr, rsm_topo_ctlr, rsm_topo_remote) for the host tests.
 */
#ifndef _RSM_TEST_KERNEL_TOPOLOGY_H
#define _RSM_TEST_KERNEL_TOPOLOGY_H

#include <stdint.h>
#include <string.h>

#include <rsm_ioctl.h>

/* A kernel answer under construction; 8-byte aligned like the kernel's. */
struct kbuf {
	uint64_t data[4096];
	size_t len;
};

static inline void *kb_add(struct kbuf *kb, size_t size)
{
	void *p = (char *)kb->data + kb->len;

	kb->len += size;
	memset(p, 0, size);
	return p;
}

/* Kernel names are NUL padded, and unterminated when they fill 64 bytes. */
static inline void kb_name(char *dst, const char *name)
{
	size_t n = strlen(name);

	memcpy(dst, name, n < RSM_NAME_MAX ? n : RSM_NAME_MAX);
}

static inline void kb_header(struct kbuf *kb, uint32_t nodeid, uint32_t nctlr)
{
	struct rsm_topo_hdr *h = kb_add(kb, sizeof(*h));

	h->local_nodeid = nodeid;
	h->nctlr = nctlr;
}

static inline void kb_ctlr(struct kbuf *kb, const char *name, uint64_t hw,
		    uint32_t nremote)
{
	struct rsm_topo_ctlr *c = kb_add(kb, sizeof(*c));

	kb_name(c->name, name);
	c->hwaddr = hw;
	c->nremote = nremote;
}

static inline void kb_remote(struct kbuf *kb, uint32_t node, uint32_t state,
		      const char *name, uint64_t hw)
{
	struct rsm_topo_remote *r = kb_add(kb, sizeof(*r));

	r->nodeid = node;
	r->state = state;
	kb_name(r->name, name);
	r->hwaddr = hw;
}

#endif /* _RSM_TEST_KERNEL_TOPOLOGY_H */
