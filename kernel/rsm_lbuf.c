// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsm: local buffers of transfers - user memory copied element by element
 * (put16/32/64 never tear an element), pinned before a transfer takes its
 * locks, or kernel memory.
 */
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/highmem.h>
#include <linux/uaccess.h>

#include "rsm_tp.h"

/* One element of @width bytes, as a single access on both sides. */
static int rsm_copy_elem(void *k, void __user *u, bool to_user, u32 width)
{
	switch (width) {
	case 2: {
		u16 v;

		if (to_user)
			return put_user(READ_ONCE(*(u16 *)k), (u16 __user *)u);
		if (get_user(v, (u16 __user *)u))
			return -EFAULT;
		WRITE_ONCE(*(u16 *)k, v);
		return 0;
	}
	case 4: {
		u32 v;

		if (to_user)
			return put_user(READ_ONCE(*(u32 *)k), (u32 __user *)u);
		if (get_user(v, (u32 __user *)u))
			return -EFAULT;
		WRITE_ONCE(*(u32 *)k, v);
		return 0;
	}
	default: {
		u64 v;

		if (to_user)
			return put_user(READ_ONCE(*(u64 *)k), (u64 __user *)u);
		if (get_user(v, (u64 __user *)u))
			return -EFAULT;
		WRITE_ONCE(*(u64 *)k, v);
		return 0;
	}
	}
}

/**
 * rsm_copy_user_elems - copy between kernel and user memory, elements whole
 * @kaddr: kernel memory
 * @uaddr: user address
 * @len: bytes, a multiple of @width
 * @to_user: direction
 * @width: element width (1, 2, 4, 8): each element is one access
 *
 * Return: 0 or -EFAULT.
 */
int rsm_copy_user_elems(void *kaddr, u64 uaddr, size_t len, bool to_user,
			u32 width)
{
	void __user *u = u64_to_user_ptr(uaddr);
	size_t i;

	if (width <= 1) {
		if (to_user)
			return copy_to_user(u, kaddr, len) ? -EFAULT : 0;
		return copy_from_user(kaddr, u, len) ? -EFAULT : 0;
	}
	/* no torn elements */
	for (i = 0; i < len; i += width)
		if (rsm_copy_elem(kaddr + i, u + i, to_user, width))
			return -EFAULT;
	return 0;
}

/**
 * rsm_copy_kernel_elems - copy kernel memory, each element one access
 * @dst: destination
 * @src: source
 * @len: bytes, a multiple of @width
 * @width: element width (1, 2, 4, 8); 1 copies bytes
 */
void rsm_copy_kernel_elems(void *dst, const void *src, size_t len, u32 width)
{
	size_t i;

	switch (width) {
	case 2:
		for (i = 0; i < len; i += 2)
			WRITE_ONCE(*(u16 *)(dst + i), READ_ONCE(*(u16 *)(src + i)));
		break;
	case 4:
		for (i = 0; i < len; i += 4)
			WRITE_ONCE(*(u32 *)(dst + i), READ_ONCE(*(u32 *)(src + i)));
		break;
	case 8:
		for (i = 0; i < len; i += 8)
			WRITE_ONCE(*(u64 *)(dst + i), READ_ONCE(*(u64 *)(src + i)));
		break;
	default:
		memcpy(dst, src, len);
		break;
	}
}

/**
 * rsm_lbuf_pin_user - pin a buffer's user memory before a transfer
 * @lb: buffer with @uaddr set; on success @pages and @pgoff describe the
 *	pinned range (rsm_lbuf_unpin_user() undoes it)
 * @len: bytes, non-zero
 * @write: the transfer reads the buffer (a put); else it writes it
 *
 * Done before any lock is taken, so a fault that stalls (a FUSE file,
 * a remote mapping) stalls only this caller.
 *
 * Return: 0, -EFAULT or -ENOMEM.
 */
int rsm_lbuf_pin_user(struct rsm_lbuf *lb, u64 len, bool write)
{
	unsigned long first = offset_in_page(lb->uaddr), n;
	struct page **pages;
	long got;

	if (len > totalram_pages() << PAGE_SHIFT)
		return -ENOMEM;
	n = DIV_ROUND_UP(first + len, PAGE_SIZE);
	pages = kvcalloc(n, sizeof(*pages), GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!pages)
		return -ENOMEM;
	got = pin_user_pages_fast(lb->uaddr & PAGE_MASK, n,
				  write ? 0 : FOLL_WRITE, pages);
	if (got != n) {
		if (got > 0)
			unpin_user_pages(pages, got);
		kvfree(pages);
		return got < 0 && got != -EFAULT ? (int)got : -EFAULT;
	}
	lb->pages = pages;
	lb->pgoff = first;
	lb->npinned = n;
	return 0;
}

/**
 * rsm_lbuf_unpin_user - undo rsm_lbuf_pin_user() (nothing if not pinned)
 * @lb: the buffer
 * @write: as given to rsm_lbuf_pin_user(); a get dirties the pages
 */
void rsm_lbuf_unpin_user(struct rsm_lbuf *lb, bool write)
{
	if (!lb->npinned)
		return;
	unpin_user_pages_dirty_lock(lb->pages, lb->npinned, !write);
	kvfree(lb->pages);
	lb->pages = NULL;
	lb->npinned = 0;
}

/**
 * rsm_lbuf_copy - copy between a local buffer and kernel memory
 * @lb: local buffer (user memory or pinned pages)
 * @off: byte offset into @lb
 * @kaddr: kernel memory
 * @len: bytes
 * @to_lbuf: direction
 * @width: element width for user memory (1, 2, 4, 8)
 *
 * Pinned pages are marked dirty when they are unpinned, not here.
 *
 * Return: 0 or -EFAULT.
 */
int rsm_lbuf_copy(const struct rsm_lbuf *lb, u64 off, void *kaddr,
		  size_t len, bool to_lbuf, u32 width)
{
	if (lb->kbuf) {
		if (to_lbuf)
			memcpy(lb->kbuf + off, kaddr, len);
		else
			memcpy(kaddr, lb->kbuf + off, len);
		return 0;
	}
	if (!lb->pages)
		return rsm_copy_user_elems(kaddr, lb->uaddr + off, len,
					   to_lbuf, width);
	off += lb->pgoff;
	while (len) {
		struct page *pg = lb->pages[off >> PAGE_SHIFT];
		size_t po = offset_in_page(off);
		size_t n = min_t(size_t, len, PAGE_SIZE - po);
		void *p = kmap_local_page(pg);

		if (to_lbuf)
			memcpy(p + po, kaddr, n);
		else
			memcpy(kaddr, p + po, n);
		kunmap_local(p);
		kaddr += n;
		off += n;
		len -= n;
	}
	return 0;
}
