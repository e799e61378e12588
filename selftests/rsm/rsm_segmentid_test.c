// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsm_get_segmentid_range through the public function and the real file,
 * /etc/rsm/rsm.segmentid (spec section 4, checks 118-127).  The file is
 * replaced for each case, so this runs only where /etc/rsm is scratch
 * space: a virtual cluster node (RSM_NODE_ID set).
 */
#include <rsmapi.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../kselftest_harness.h"

#define SEGID_FILE "/etc/rsm/rsm.segmentid"

static int write_file(const char *text)
{
	FILE *f = fopen(SEGID_FILE, "w");

	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

FIXTURE(segid) {
	rsm_memseg_id_t base;
	uint32_t len;
};

FIXTURE_SETUP(segid)
{
	if (!getenv("RSM_NODE_ID"))
		SKIP(return, "rewrites " SEGID_FILE ": only on cluster nodes");
	self->base = 0;
	self->len = 0;
}

FIXTURE_TEARDOWN(segid)
{
	unlink(SEGID_FILE);
}

TEST_F(segid, any_null_argument_is_bad_addr)
{
	ASSERT_EQ(0, write_file("reserved SUNWfoo 0x600000 1000\n"));
	EXPECT_EQ(RSMERR_BAD_ADDR, rsm_get_segmentid_range(NULL, &self->base,
							   &self->len));
	EXPECT_EQ(RSMERR_BAD_ADDR, rsm_get_segmentid_range("SUNWfoo", NULL,
							   &self->len));
	EXPECT_EQ(RSMERR_BAD_ADDR, rsm_get_segmentid_range("SUNWfoo",
							   &self->base, NULL));
}

TEST_F(segid, missing_file_is_bad_conf)
{
	unlink(SEGID_FILE);
	EXPECT_EQ(RSMERR_BAD_CONF, rsm_get_segmentid_range("SUNWfoo",
							   &self->base,
							   &self->len));
}

TEST_F(segid, reserved_entry_is_found_case_insensitively)
{
	ASSERT_EQ(0, write_file("reserved SUNWfoo 0x600000 1000\n"));
	EXPECT_EQ(0, rsm_get_segmentid_range("sunwfoo", &self->base,
					     &self->len));
	EXPECT_EQ(0x600000, self->base);
	EXPECT_EQ(1000, self->len);
}

TEST_F(segid, unknown_appid_is_bad_appid)
{
	ASSERT_EQ(0, write_file("reserved SUNWfoo 0x600000 1000\n"));
	EXPECT_EQ(RSMERR_BAD_APPID, rsm_get_segmentid_range("other",
							    &self->base,
							    &self->len));
}

TEST_F(segid, blank_line_before_the_entry_is_bad_conf_after_it_is_not)
{
	ASSERT_EQ(0, write_file("\nreserved SUNWfoo 0x600000 1000\n"));
	EXPECT_EQ(RSMERR_BAD_CONF, rsm_get_segmentid_range("SUNWfoo",
							   &self->base,
							   &self->len));
	ASSERT_EQ(0, write_file("reserved SUNWfoo 0x600000 1000\n\n"));
	EXPECT_EQ(0, rsm_get_segmentid_range("SUNWfoo", &self->base,
					     &self->len));
}

TEST_F(segid, indented_comment_is_skipped)
{
	ASSERT_EQ(0, write_file("   # comment\nreserved SUNWfoo 0x600000 1000\n"));
	EXPECT_EQ(0, rsm_get_segmentid_range("SUNWfoo", &self->base,
					     &self->len));
}

TEST_F(segid, documented_reserve_keyword_works_a_typo_is_bad_conf)
{
	ASSERT_EQ(0, write_file("reserve SUNWfoo 0x600000 100\n"));
	EXPECT_EQ(0, rsm_get_segmentid_range("SUNWfoo", &self->base,
					     &self->len));
	EXPECT_EQ(0x600000, self->base);
	EXPECT_EQ(100, self->len);
	ASSERT_EQ(0, write_file("reservd SUNWfoo 0x600000 100\n"));
	EXPECT_EQ(RSMERR_BAD_CONF, rsm_get_segmentid_range("SUNWfoo",
							   &self->base,
							   &self->len));
}

TEST_F(segid, base_is_hexadecimal_without_prefix_too)
{
	ASSERT_EQ(0, write_file("reserved SUNWfoo 600000 1000\n"));
	EXPECT_EQ(0, rsm_get_segmentid_range("SUNWfoo", &self->base,
					     &self->len));
	EXPECT_EQ(0x600000, self->base);
}

TEST_F(segid, first_matching_line_wins)
{
	ASSERT_EQ(0, write_file("reserved SUNWfoo 0x600000 1000\n"
				"reserved SUNWfoo 0x700000 5\n"));
	EXPECT_EQ(0, rsm_get_segmentid_range("SUNWfoo", &self->base,
					     &self->len));
	EXPECT_EQ(0x600000, self->base);
	EXPECT_EQ(1000, self->len);
}

TEST_F(segid, three_fields_is_bad_conf)
{
	ASSERT_EQ(0, write_file("reserved SUNWfoo 0x600000\n"));
	EXPECT_EQ(RSMERR_BAD_CONF, rsm_get_segmentid_range("SUNWfoo",
							   &self->base,
							   &self->len));
}

TEST_HARNESS_MAIN
