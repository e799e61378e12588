// SPDX-License-Identifier: BSD-2-Clause
/*
 * Controller names (spec 3.2, A25): split at the longest run of trailing
 * digits, case-insensitive types, every loopback<digits> is the loopback
 * controller, and names no controller can have are refused with
 * RSMERR_CTLR_NOT_PRESENT.
 */
#include <string.h>

#include "rsm_internal.h"
#include "tap.h"

static void expect_split(const char *name, const char *type, int unit,
			 bool loopback, const char *canon)
{
	struct rsm_ctlr_name cn;
	int rc;

	memset(&cn, 0x5a, sizeof(cn));
	rc = rsm_ctlr_name_parse(name, &cn);
	tap_eq(rc, RSM_SUCCESS, "\"%s\" parses", name ? name : "(NULL)");
	if (rc != RSM_SUCCESS)
		return;
	if (!loopback)
		tap_check(strcmp(cn.type, type) == 0, "\"%s\": type \"%s\"",
			  name, type);
	tap_eq(cn.unit, unit, "\"%s\": unit %d", name ? name : "(NULL)",
	       unit);
	tap_eq(cn.loopback, loopback, "\"%s\": %sloopback",
	       name ? name : "(NULL)", loopback ? "" : "not ");
	if (!tap_check(strcmp(cn.canon, canon) == 0,
		       "\"%s\": kernel is asked for \"%s\"",
		       name ? name : "(NULL)", canon))
		printf("# got \"%s\"\n", cn.canon);
}

static void expect_refused(const char *name, const char *what)
{
	struct rsm_ctlr_name cn;

	tap_eq(rsm_ctlr_name_parse(name, &cn), RSMERR_CTLR_NOT_PRESENT,
	       "%s -> RSMERR_CTLR_NOT_PRESENT", what);
}

static bool same(const char *a, const char *b)
{
	struct rsm_ctlr_name na, nb;

	if (rsm_ctlr_name_parse(a, &na) || rsm_ctlr_name_parse(b, &nb))
		return false;
	return rsm_ctlr_name_same(&na, &nb);
}

static void test_split_rules(void)
{
	expect_split("sci0", "sci", 0, false, "sci0");
	expect_split("wrsm12", "wrsm", 12, false, "wrsm12");
	expect_split("mlx5_0", "mlx5_", 0, false, "mlx5_0");
	expect_split("mlx5_10", "mlx5_", 10, false, "mlx5_10");
	expect_split("rxe", "rxe", 0, false, "rxe0");
	expect_split("rxe007", "rxe", 7, false, "rxe7");
	expect_split("a1b2", "a1b", 2, false, "a1b2");
	expect_split("rxe2147483647", "rxe", 2147483647, false,
		     "rxe2147483647");
	expect_split("RXE0", "RXE", 0, false, "RXE0");
}

static void test_loopback_aliases(void)
{
	expect_split(NULL, "", 0, true, "loopback");
	expect_split("loopback", "", 0, true, "loopback");
	expect_split("loopback0", "", 0, true, "loopback");
	expect_split("loopback7", "", 0, true, "loopback");
	expect_split("LOOPBACK", "", 0, true, "loopback");
	expect_split("LoopBack3", "", 0, true, "loopback");
	expect_split("loopback99999999999999999999", "", 0, true, "loopback");
	expect_split("loopbackx", "loopbackx", 0, false, "loopbackx0");
	expect_split("loopbac0", "loopbac", 0, false, "loopbac0");
}

static void test_same_controller(void)
{
	tap_check(same("sci0", "SCI0"), "\"sci0\" and \"SCI0\" are one controller");
	tap_check(same("sci0", "sci"), "\"sci0\" and \"sci\" are one controller");
	tap_check(same("sci1", "sci01"), "\"sci1\" and \"sci01\" are one controller");
	tap_check(!same("sci0", "sci1"), "\"sci0\" and \"sci1\" differ");
	tap_check(!same("sci0", "wrsm0"), "\"sci0\" and \"wrsm0\" differ");
	tap_check(same("loopback", "LOOPBACK5"),
		  "\"loopback\" and \"LOOPBACK5\" are one controller");
	tap_check(same(NULL, "loopback"),
		  "NULL and \"loopback\" are one controller");
	tap_check(!same("loopback", "loopbackx0"),
		  "\"loopback\" and \"loopbackx0\" differ");
}

static void test_refused_names(void)
{
	char name[MAXNAMELEN + 64], type[RSM_NAME_MAX];

	expect_refused("", "empty name");
	expect_refused("123", "digits only");
	expect_refused("rxe2147483648", "unit beyond INT_MAX");
	expect_refused("rxe99999999999999999999", "huge unit");

	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	expect_refused(name, "name longer than MAXNAMELEN");
	name[MAXNAMELEN] = '\0';
	expect_refused(name, "name of exactly MAXNAMELEN characters");
	memcpy(name + MAXNAMELEN - 9, "loopback0", 10);
	expect_refused(name, "255-character name ending in loopback0");
	memcpy(name, "loopback", 8);
	memset(name + 8, '0', MAXNAMELEN - 9);
	name[MAXNAMELEN - 1] = '\0';
	expect_split(name, "", 0, true, "loopback");
	name[MAXNAMELEN - 1] = '0';
	expect_refused(name, "loopback with digits up to MAXNAMELEN");

	/* The kernel ABI carries RSM_NAME_MAX - 1 characters. */
	memset(type, 'a', RSM_NAME_MAX - 2);
	type[RSM_NAME_MAX - 2] = '\0';
	snprintf(name, sizeof(name), "%s0", type);
	expect_split(name, type, 0, false, name);
	memset(name, 'a', RSM_NAME_MAX - 1);
	strcpy(name + RSM_NAME_MAX - 1, "0");
	expect_refused(name, "canonical name beyond the kernel's limit");
}

int main(void)
{
	tap_start();
	test_split_rules();
	test_loopback_aliases();
	test_same_controller();
	test_refused_names();
	return tap_finish();
}
