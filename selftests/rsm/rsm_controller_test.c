// SPDX-License-Identifier: GPL-2.0-only
/*
 * Controllers: rsm_get_controller, rsm_get_controller_attr,
 * rsm_release_controller (spec checks 1-6), and that a real controller
 * reports its RDMA device's limits.  Runs on each node by itself.
 */
#include <ctype.h>
#include <infiniband/verbs.h>
#include <rsmapi.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "rsm_ctlr.h"
#include "../kselftest_harness.h"

#define RDMA_CTLR rsmt_ctlr()

TEST(get_controller_twice_returns_same_handle_and_counts_references)
{
	rsmapi_controller_handle_t h1, h2;

	ASSERT_EQ(0, rsm_get_controller("loopback", &h1));
	ASSERT_EQ(0, rsm_get_controller("loopback", &h2));
	EXPECT_EQ(h1, h2);
	EXPECT_EQ(0, rsm_release_controller(h1));
	EXPECT_EQ(0, rsm_release_controller(h1));
	/* the handle is gone now: using it again is detected */
	EXPECT_EQ(RSMERR_BAD_CTLR_HNDL, rsm_release_controller(h1));
}

TEST(get_controller_null_name_means_loopback)
{
	rsmapi_controller_handle_t h, lb;

	ASSERT_EQ(0, rsm_get_controller(NULL, &h));
	ASSERT_EQ(0, rsm_get_controller("loopback", &lb));
	EXPECT_EQ(h, lb);
	EXPECT_EQ(0, rsm_release_controller(h));
	EXPECT_EQ(0, rsm_release_controller(lb));
}

TEST(get_controller_loopback_with_unit_and_any_case_is_the_loopback)
{
	rsmapi_controller_handle_t a, b, c;

	ASSERT_EQ(0, rsm_get_controller("loopback", &a));
	ASSERT_EQ(0, rsm_get_controller("loopback7", &b));
	ASSERT_EQ(0, rsm_get_controller("LoopBack", &c));
	EXPECT_EQ(a, b);
	EXPECT_EQ(a, c);
	rsm_release_controller(a);
	rsm_release_controller(b);
	rsm_release_controller(c);
}

TEST(get_controller_null_handle_pointer_is_bad_ctlr_hndl)
{
	EXPECT_EQ(RSMERR_BAD_CTLR_HNDL, rsm_get_controller("loopback", NULL));
	EXPECT_EQ(RSMERR_BAD_CTLR_HNDL, rsm_get_controller(RDMA_CTLR, NULL));
}

TEST(get_controller_unknown_name_is_ctlr_not_present)
{
	rsmapi_controller_handle_t h;
	char longname[MAXNAMELEN + 8];

	EXPECT_EQ(RSMERR_CTLR_NOT_PRESENT, rsm_get_controller("nosuchctl0", &h));
	EXPECT_EQ(RSMERR_CTLR_NOT_PRESENT, rsm_get_controller("rxe9", &h));
	EXPECT_EQ(RSMERR_CTLR_NOT_PRESENT, rsm_get_controller("", &h));
	memset(longname, 'x', sizeof(longname) - 2);
	strcpy(longname + sizeof(longname) - 2, "0");
	EXPECT_EQ(RSMERR_CTLR_NOT_PRESENT, rsm_get_controller(longname, &h));
}

TEST(get_controller_attr_checks_handle_then_buffer)
{
	rsmapi_controller_handle_t h;
	rsmapi_controller_attr_t a;

	ASSERT_EQ(0, rsm_get_controller("loopback", &h));
	EXPECT_EQ(RSMERR_BAD_CTLR_HNDL, rsm_get_controller_attr(NULL, &a));
	EXPECT_EQ(RSMERR_BAD_ADDR, rsm_get_controller_attr(h, NULL));
	EXPECT_EQ(0, rsm_get_controller_attr(h, &a));
	EXPECT_EQ((size_t)sysconf(_SC_PAGESIZE), a.attr_page_size);
	EXPECT_EQ(0, rsm_release_controller(h));
	/* a released handle: refcount 0 */
	EXPECT_EQ(RSMERR_CTLR_NOT_PRESENT, rsm_get_controller_attr(h, &a));
}

TEST(release_controller_null_is_bad_ctlr_hndl)
{
	EXPECT_EQ(RSMERR_BAD_CTLR_HNDL, rsm_release_controller(NULL));
}

TEST(rdma_controller_name_is_case_insensitive)
{
	rsmapi_controller_handle_t a, b;
	char upper[32];
	size_t i;

	snprintf(upper, sizeof(upper), "%s", RDMA_CTLR);
	for (i = 0; upper[i]; i++)
		upper[i] = toupper((unsigned char)upper[i]);
	ASSERT_EQ(0, rsm_get_controller(RDMA_CTLR, &a));
	ASSERT_EQ(0, rsm_get_controller(upper, &b));
	EXPECT_EQ(a, b);
	rsm_release_controller(a);
	rsm_release_controller(b);
}

static struct ibv_device_attr query_rdma_device(const char *name, int *found)
{
	struct ibv_device_attr attr;
	struct ibv_device **list;
	struct ibv_context *ctx;
	int i, n;

	memset(&attr, 0, sizeof(attr));
	*found = 0;
	list = ibv_get_device_list(&n);
	for (i = 0; list && i < n; i++) {
		if (strcmp(ibv_get_device_name(list[i]), name))
			continue;
		ctx = ibv_open_device(list[i]);
		if (ctx && !ibv_query_device(ctx, &attr))
			*found = 1;
		if (ctx)
			ibv_close_device(ctx);
	}
	if (list)
		ibv_free_device_list(list);
	return attr;
}

TEST(rdma_controller_attributes_are_the_device_limits)
{
	rsmapi_controller_handle_t h;
	rsmapi_controller_attr_t a;
	struct ibv_device_attr dev;
	struct sysinfo si;
	size_t page = sysconf(_SC_PAGESIZE);
	unsigned long long ram, seg;
	int found;

	dev = query_rdma_device(RDMA_CTLR, &found);
	if (!found)
		SKIP(return, "no %s device on this node", RDMA_CTLR);
	ASSERT_EQ(0, sysinfo(&si));
	ram = (unsigned long long)si.totalram * si.mem_unit;
	seg = (dev.max_mr_size < ram ? dev.max_mr_size : ram) & ~(page - 1);

	ASSERT_EQ(0, rsm_get_controller(RDMA_CTLR, &h));
	ASSERT_EQ(0, rsm_get_controller_attr(h, &a));
	EXPECT_EQ(page, a.attr_page_size);
	EXPECT_EQ((uint_t)(RSM_DAS8 | RSM_DAS16 | RSM_DAS32 | RSM_DAS64),
		  a.attr_direct_access_sizes);
	EXPECT_EQ(dev.atomic_cap == IBV_ATOMIC_NONE ? 0u : (unsigned)RSM_DAS64,
		  a.attr_atomic_sizes);
	EXPECT_EQ(seg, a.attr_max_export_segment_size);
	EXPECT_EQ(seg, a.attr_max_import_map_size);
	EXPECT_EQ(ram, a.attr_tot_export_segment_size);
	EXPECT_EQ((unsigned long)(dev.max_mr < 65535 ? dev.max_mr : 65535),
		  a.attr_max_export_segments);
	EXPECT_LT(0UL, a.attr_max_import_segments);
	EXPECT_EQ(0, rsm_release_controller(h));
}

TEST_HARNESS_MAIN
