// SPDX-License-Identifier: BSD-2-Clause
/*
 * rsm_get_segmentid_range(): the segment-id file format and lookup rules
 * of spec section 4 (checks 118-127), the A21 resolutions and the edge
 * cases of the 256-byte line buffer, run against temporary files through
 * the path-taking internal lookup.
 */
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "rsm_internal.h"
#include "tap.h"

static char tmpdir[PATH_MAX];
static char segfile[PATH_MAX + 32];

static void write_file(const char *text)
{
	FILE *fp = fopen(segfile, "w");

	if (fp == NULL || fputs(text, fp) == EOF || fclose(fp) != 0) {
		perror(segfile);
		exit(1);
	}
}

struct lookup {
	int rc;
	rsm_memseg_id_t base;
	uint32_t len;
};

/* Look @appid up in a file holding @text; outputs start as sentinels. */
static struct lookup lookup_in(const char *text, const char *appid)
{
	struct lookup r = { .base = 0xdeadbeef, .len = 0xdeadbeef };

	write_file(text);
	r.rc = rsm_segmentid_range_lookup(segfile, appid, &r.base, &r.len);
	return r;
}

static void expect_found(const char *text, const char *appid,
			 rsm_memseg_id_t base, uint32_t len, const char *name)
{
	struct lookup r = lookup_in(text, appid);

	tap_eq(r.rc, RSM_SUCCESS, "%s: found", name);
	tap_eq(r.base, base, "%s: baseid", name);
	tap_eq(r.len, len, "%s: length", name);
}

static void expect_rc(const char *text, const char *appid, int rc,
		      const char *name)
{
	tap_eq(lookup_in(text, appid).rc, rc, "%s", name);
}

/* Check 118 and the public wrapper's argument checks. */
static void test_null_arguments(void)
{
	rsm_memseg_id_t base;
	uint32_t len;

	write_file("reserved SUNWfoo 0x600000 1000\n");
	tap_eq(rsm_segmentid_range_lookup(segfile, NULL, &base, &len),
	       RSMERR_BAD_ADDR, "NULL appid -> RSMERR_BAD_ADDR");
	tap_eq(rsm_segmentid_range_lookup(segfile, "SUNWfoo", NULL, &len),
	       RSMERR_BAD_ADDR, "NULL baseid -> RSMERR_BAD_ADDR");
	tap_eq(rsm_segmentid_range_lookup(segfile, "SUNWfoo", &base, NULL),
	       RSMERR_BAD_ADDR, "NULL length -> RSMERR_BAD_ADDR");
	tap_eq(rsm_get_segmentid_range(NULL, &base, &len), RSMERR_BAD_ADDR,
	       "public: NULL appid -> RSMERR_BAD_ADDR");
	tap_eq(rsm_get_segmentid_range("SUNWfoo", NULL, &len),
	       RSMERR_BAD_ADDR, "public: NULL baseid -> RSMERR_BAD_ADDR");
	tap_eq(rsm_get_segmentid_range("SUNWfoo", &base, NULL),
	       RSMERR_BAD_ADDR, "public: NULL length -> RSMERR_BAD_ADDR");
}

/* Check 119 and other unreadable files. */
static void test_unreadable_file(void)
{
	char missing[PATH_MAX + 16];
	rsm_memseg_id_t base;
	uint32_t len;

	snprintf(missing, sizeof(missing), "%s/absent", tmpdir);
	tap_eq(rsm_segmentid_range_lookup(missing, "SUNWfoo", &base, &len),
	       RSMERR_BAD_CONF, "absent file -> RSMERR_BAD_CONF");
	tap_eq(rsm_segmentid_range_lookup(tmpdir, "SUNWfoo", &base, &len),
	       RSMERR_BAD_CONF, "directory instead of a file -> RSMERR_BAD_CONF");
	expect_rc("", "SUNWfoo", RSMERR_BAD_APPID,
		  "empty file -> RSMERR_BAD_APPID");
}

/* Checks 120-127. */
static void test_spec_checks(void)
{
	const char *entry = "reserved SUNWfoo 0x600000 1000\n";
	const char *two = "reserved SUNWfoo 0x600000 1000\n"
			  "reserved SUNWfoo 0x700000 5\n";

	expect_found(entry, "sunwfoo", 0x600000, 1000,
		     "documented entry, appid in another case");
	expect_rc(entry, "other", RSMERR_BAD_APPID,
		  "appid not listed -> RSMERR_BAD_APPID");
	expect_rc("\nreserved SUNWfoo 0x600000 1000\n", "SUNWfoo",
		  RSMERR_BAD_CONF, "empty line before the entry -> RSMERR_BAD_CONF");
	expect_found("reserved SUNWfoo 0x600000 1000\n\n", "SUNWfoo",
		     0x600000, 1000, "empty line after the entry");
	expect_found("   # comment\nreserved SUNWfoo 0x600000 1000\n",
		     "SUNWfoo", 0x600000, 1000,
		     "comment after leading white space");
	expect_found("reserve SUNWfoo 0x600000 100\n", "SUNWfoo",
		     0x600000, 100, "keyword 'reserve' (documented form)");
	expect_rc("reservd SUNWfoo 0x600000 100\n", "SUNWfoo",
		  RSMERR_BAD_CONF, "misspelt keyword -> RSMERR_BAD_CONF");
	expect_found("reserved SUNWfoo 600000 1000\n", "SUNWfoo",
		     0x600000, 1000, "baseid without 0x is still hexadecimal");
	expect_found(two, "SUNWfoo", 0x600000, 1000, "first match wins");
	expect_rc("reserved SUNWfoo 0x600000\n", "SUNWfoo", RSMERR_BAD_CONF,
		  "three fields -> RSMERR_BAD_CONF");
}

/* A21 resolutions: comments, blank lines, keyword forms. */
static void test_a21_rules(void)
{
	expect_found("#comment\n\t# tab then comment\n"
		     "reserved SUNWfoo 0x10 20\n", "SUNWfoo", 0x10, 20,
		     "comments in column 1 and after a tab");
	expect_rc("   \t \nreserved SUNWfoo 0x10 20\n", "SUNWfoo",
		  RSMERR_BAD_CONF,
		  "white-space-only line before the entry -> RSMERR_BAD_CONF");
	expect_found("reserved SUNWfoo 0x10 20\n   \n", "SUNWfoo", 0x10, 20,
		     "white-space-only line after the entry");
	expect_found("RESERVED SUNWfoo 0x10 20\n", "SUNWfoo", 0x10, 20,
		     "keyword 'RESERVED' in upper case");
	expect_found("Reserve SUNWfoo 0x10 20\n", "SUNWfoo", 0x10, 20,
		     "keyword 'Reserve' in mixed case");
	expect_found("bogus other 0x1 1\nreserved SUNWfoo 0x10 20\n",
		     "SUNWfoo", 0x10, 20,
		     "bad keyword on a line for another appid is ignored");
	expect_rc("bogus SUNWfoo 0x1 1\nreserved SUNWfoo 0x10 20\n",
		  "SUNWfoo", RSMERR_BAD_CONF,
		  "bad keyword on the first matching line -> RSMERR_BAD_CONF");
	expect_found("reserved other 0x1 1\nreserved SUNWfoo 0x10 20\n",
		     "SUNWfoo", 0x10, 20, "entry after another appid's");
	expect_rc("reserved SUNWfoo 0x10\nreserved other 0x1 1\n", "other",
		  RSMERR_BAD_CONF, "short line before the match is fatal");
}

/* Fill @buf with @n copies of @c, NUL terminated. */
static char *fill(char *buf, int c, size_t n)
{
	memset(buf, c, n);
	buf[n] = '\0';
	return buf;
}

/* The 256-byte line buffer: lines are read in pieces of 255 bytes. */
static void test_long_lines(void)
{
	char text[1024], pad[512];

	/* A 255-byte comment piece; the rest of the line is a line itself. */
	snprintf(text, sizeof(text), "#%sreserved LONG 0x10 5\n",
		 fill(pad, 'x', 254));
	expect_found(text, "LONG", 0x10, 5,
		     "line longer than 255 bytes is split at 255");

	/* Trailing text pushes the newline past 255: tolerated. */
	snprintf(text, sizeof(text), "reserved SUNWfoo 0x600000 1000 %s\n",
		 fill(pad, 'y', 300));
	expect_found(text, "SUNWfoo", 0x600000, 1000,
		     "matching line longer than 255 bytes");

	/* The second piece of a long line has one field: fatal before. */
	snprintf(text, sizeof(text),
		 "reserved other 0x1 1 %s\nreserved SUNWfoo 0x10 20\n",
		 fill(pad, 'z', 300));
	expect_rc(text, "SUNWfoo", RSMERR_BAD_CONF,
		  "tail of a long line counts as a malformed line");

	/* 255 characters then the newline: the newline is a piece alone. */
	snprintf(text, sizeof(text), "#%s\nreserved SUNWfoo 0x10 20\n",
		 fill(pad, 'c', 254));
	expect_rc(text, "SUNWfoo", RSMERR_BAD_CONF,
		  "255-character line leaves an empty piece before the entry");
	snprintf(text, sizeof(text), "#%s\nreserved SUNWfoo 0x10 20\n",
		 fill(pad, 'c', 253));
	expect_found(text, "SUNWfoo", 0x10, 20,
		     "254-character line fits the buffer");
}

/* Field and number parsing. */
static void test_number_parsing(void)
{
	struct lookup r;

	expect_found("reserved SUNWfoo 0x600000 1000 ids for foo\n",
		     "SUNWfoo", 0x600000, 1000, "trailing text after length");
	expect_found("reserved SUNWfoo 0x600000 0x10\n", "SUNWfoo",
		     0x600000, 0, "length is decimal: '0x10' parses as 0");
	expect_found("reserved SUNWfoo zz 12\n", "SUNWfoo", 0, 12,
		     "non-numeric baseid silently parses as 0");
	expect_found("   reserved SUNWfoo 0x600000 1000\n", "SUNWfoo",
		     0x600000, 1000, "leading white space before the keyword");
	expect_found("reserved\tSUNWfoo\t\t0x600000\t1000\n", "SUNWfoo",
		     0x600000, 1000, "tabs separate fields");
	expect_found("reserved SUNWfoo 0x600000 1000\r\n", "SUNWfoo",
		     0x600000, 1000, "CRLF line end");
	expect_found("reserved SUNWfoo 0x600000 1000", "SUNWfoo",
		     0x600000, 1000, "last line without newline");
	expect_rc("reserved SUNWfoo 0x600000   \n", "SUNWfoo",
		  RSMERR_BAD_CONF, "white space but no fourth field");

	expect_rc("reserved SUNWfoo 0x10000000000000000 10\n", "SUNWfoo",
		  RSMERR_BAD_CONF, "baseid overflow -> RSMERR_BAD_CONF");
	r = lookup_in("reserved SUNWfoo 0x600000 99999999999999999999\n",
		      "SUNWfoo");
	tap_eq(r.rc, RSMERR_BAD_CONF, "length overflow -> RSMERR_BAD_CONF");
	tap_eq(r.base, 0x600000,
	       "length overflow: baseid was already stored");
#if LONG_MAX > 0xffffffffL
	expect_found("reserved SUNWfoo 0x100000010 4294967297\n", "SUNWfoo",
		     0x10, 1, "values are truncated to 32 bits");
#endif
}

int main(void)
{
	const char *base = getenv("TMPDIR");

	snprintf(tmpdir, sizeof(tmpdir), "%s/rsm-segid-XXXXXX",
		 base && *base ? base : "/tmp");
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(segfile, sizeof(segfile), "%s/rsm.segmentid", tmpdir);

	tap_start();
	test_null_arguments();
	test_unreadable_file();
	test_spec_checks();
	test_a21_rules();
	test_long_lines();
	test_number_parsing();

	unlink(segfile);
	rmdir(tmpdir);
	return tap_finish();
}
