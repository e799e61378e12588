// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * imc_wait_cluster_event() against the stand-in /dev/rsm (spec 3.3,
 * checks 61-63): argument checks before any request, the variable
 * (configuration, length) pairs, RSM_IOC_IMC_WAIT as the library asks
 * it, which change status comes back and what is written, and signals.
 */
#include <errno.h>
#include <stddef.h>

#include "imc_fixture.h"

static imc_hostinfo hi, hi_copy;

static unsigned long hosts_len(unsigned int n)
{
	return offsetof(imc_hostinfo, name) + n * IMC_MAXHOSTNAMELEN;
}

/* The caller's view: the hosts as imc_getclusterinfo() gives them. */
static void current_hosts(imc_hostinfo *h)
{
	imc_infoType items[] = { IMC_GET_HOSTS, 0 };

	memset(h, 0, sizeof(*h));
	if (imc_getclusterinfo(items, 1, (char *)h, (int)sizeof(*h)) !=
	    IMC_SUCCESS) {
		printf("Bail out! imc_getclusterinfo failed\n");
		exit(1);
	}
}

/* The next RSM_IOC_IMC_WAIT ends with charlie gone and/or rail 1 down. */
static void change_on_wait(bool hosts, bool rails)
{
	fake_imc.wait_info = fake_imc.info;
	if (hosts)
		fake_imc.wait_info.nhosts = 2;
	if (rails)
		fake_imc.wait_info.active_rails = 0x1;
	fake_imc.wait_pending = true;
}

static void test_argument_checks(void)
{
	imc_eventType host[] = { IMC_CC_EVENT_HOST };
	imc_eventType rail[] = { IMC_CC_EVENT_RAIL };
	imc_eventType bad[] = { 9 };
	imc_eventType twice[] = { IMC_CC_EVENT_RAIL, IMC_CC_EVENT_RAIL };
	imc_eventType three[] = { IMC_CC_EVENT_HOST, IMC_CC_EVENT_RAIL,
				  IMC_CC_EVENT_HOST };
	imc_railinfo r = 0x3;

	current_hosts(&hi);
	fake_imc_reset();
	tap_eq(imc_wait_cluster_event(host, 0, 0, &hi, sizeof(hi)),
	       IMC_BADPARM, "check 62: i_numEvents 0 -> IMC_BADPARM");
	tap_eq(imc_wait_cluster_event(host, 1, 1, &hi, sizeof(hi)),
	       IMC_BADPARM, "check 62: i_unused 1 -> IMC_BADPARM");
	tap_eq(imc_wait_cluster_event(NULL, 1, 0, &hi, sizeof(hi)),
	       IMC_BADPARM, "i_eventType NULL -> IMC_BADPARM");
	tap_eq(imc_wait_cluster_event(bad, 1, 0, &r, sizeof(r)), IMC_BADPARM,
	       "unknown event type 9 -> IMC_BADPARM");
	tap_eq(imc_wait_cluster_event(twice, 2, 0, &r, sizeof(r), &r,
				      sizeof(r)), IMC_BADPARM,
	       "an event listed twice -> IMC_BADPARM");
	tap_eq(imc_wait_cluster_event(three, 3, 0, &hi, sizeof(hi), &r,
				      sizeof(r), &hi, sizeof(hi)), IMC_BADPARM,
	       "i_numEvents 3 -> IMC_BADPARM");
	tap_eq(imc_wait_cluster_event(rail, 1, 0, NULL, sizeof(r)),
	       IMC_BADPARM, "NULL configuration -> IMC_BADPARM");
	tap_eq(imc_wait_cluster_event(rail, 1, 0, &r, sizeof(r) - 1),
	       IMC_BADPARM, "imc_railinfo length 3 -> IMC_BADPARM");
	tap_eq(imc_wait_cluster_event(host, 1, 0, &hi,
				      offsetof(imc_hostinfo, name) - 1),
	       IMC_BADPARM, "imc_hostinfo shorter than its count -> IMC_BADPARM");
	tap_eq(imc_wait_cluster_event(host, 1, 0, &hi, hosts_len(3) - 1),
	       IMC_BADPARM, "imc_hostinfo shorter than its hosts -> IMC_BADPARM");
	hi.num_hosts = IMC_MAXHOSTS + 1;
	tap_eq(imc_wait_cluster_event(host, 1, 0, &hi, sizeof(hi)),
	       IMC_BADPARM, "num_hosts above IMC_MAXHOSTS -> IMC_BADPARM");
	tap_eq(fake_imc.ioctl_calls, 0, "bad arguments: no request made");
}

static void test_host_change(void)
{
	imc_eventType host[] = { IMC_CC_EVENT_HOST };

	current_hosts(&hi);
	fake_imc_reset();
	fake_imc.info.gen = 41;
	change_on_wait(true, false);
	tap_eq(imc_wait_cluster_event(host, 1, 0, &hi, sizeof(hi)),
	       IMC_HOST_CHANGE, "check 61: a host left -> IMC_HOST_CHANGE");
	tap_eq(fake_imc.wait_calls, 1, "one RSM_IOC_IMC_WAIT");
	tap_eq(fake_imc.last_wait.gen, 41,
	       "RSM_IOC_IMC_WAIT carries the generation read");
	tap_eq(fake_imc.last_wait.rails, 0x3,
	       "RSM_IOC_IMC_WAIT carries the active rails read");
	tap_eq(fake_imc.last_wait.timeout_ms, 0, "RSM_IOC_IMC_WAIT has no limit");
	tap_check(hi.num_hosts == 2 && strcmp(hi.name[0], "alpha") == 0 &&
		  strcmp(hi.name[1], "bravo") == 0,
		  "check 61: the configuration now lists 2 hosts");

	fake_imc_reset();
	fake_imc.wait_info = fake_imc.info;
	fake_imc_set_host(&fake_imc.wait_info, 1, 2, "bravo2");
	fake_imc.wait_pending = true;
	tap_eq(imc_wait_cluster_event(host, 1, 0, &hi, sizeof(hi)),
	       IMC_HOST_CHANGE, "a host renamed -> IMC_HOST_CHANGE");
	tap_check(strcmp(hi.name[1], "bravo2") == 0, "the new name written");
	fake_imc_defaults();
}

static void test_stale_baseline(void)
{
	imc_eventType host[] = { IMC_CC_EVENT_HOST };

	memset(&hi, 0, sizeof(hi));
	hi.num_hosts = 1;
	strcpy(hi.name[0], "alpha");
	fake_imc_reset();
	tap_eq(imc_wait_cluster_event(host, 1, 0, &hi, sizeof(hi)),
	       IMC_HOST_CHANGE, "out-of-date hosts -> IMC_HOST_CHANGE at once");
	tap_eq(fake_imc.wait_calls, 0, "out-of-date hosts: no wait");
	tap_check(hi.num_hosts == 3 && strcmp(hi.name[2], "charlie") == 0,
		  "out-of-date hosts: the current hosts written");
}

static void test_rail_change(void)
{
	imc_eventType rail[] = { IMC_CC_EVENT_RAIL };
	imc_railinfo r = 0x3;

	fake_imc_reset();
	change_on_wait(false, true);
	tap_eq(imc_wait_cluster_event(rail, 1, 0, &r, sizeof(r)),
	       IMC_RAIL_CHANGE, "check 63: rail 1 down -> IMC_RAIL_CHANGE");
	tap_eq(r, 0x1, "check 63: the imc_railinfo lost bit 1");
	fake_imc_defaults();

	r = 0x3;
	fake_imc_reset();
	change_on_wait(true, false);
	tap_eq(imc_wait_cluster_event(rail, 1, 0, &r, sizeof(r)), IMC_INTR,
	       "waiting for rails, hosts change: still waiting at the signal");
	tap_check(fake_imc.wait_calls >= 2,
		  "a host change does not end a wait for rails only");
	tap_eq(r, 0x3, "the rails configuration is left as it was");
	fake_imc_defaults();
}

static void test_two_events(void)
{
	imc_eventType both[] = { IMC_CC_EVENT_RAIL, IMC_CC_EVENT_HOST };
	imc_railinfo r = 0x3;

	current_hosts(&hi);
	fake_imc_reset();
	change_on_wait(true, false);
	tap_eq(imc_wait_cluster_event(both, 2, 0, &r, sizeof(r), &hi,
				      sizeof(hi)), IMC_HOST_CHANGE,
	       "rails and hosts asked, hosts change -> IMC_HOST_CHANGE");
	tap_check(hi.num_hosts == 2 && r == 0x3,
		  "only the hosts configuration rewritten");
	fake_imc_defaults();

	current_hosts(&hi);
	fake_imc_reset();
	change_on_wait(true, true);
	tap_eq(imc_wait_cluster_event(both, 2, 0, &r, sizeof(r), &hi,
				      sizeof(hi)), IMC_MULTIPLE_CHANGE,
	       "rails and hosts change -> IMC_MULTIPLE_CHANGE");
	tap_check(hi.num_hosts == 2 && r == 0x1,
		  "both configurations rewritten, each from its pair");
	fake_imc_defaults();
}

static void test_spurious_wakeups(void)
{
	imc_eventType host[] = { IMC_CC_EVENT_HOST };

	current_hosts(&hi);
	fake_imc_reset();
	fake_imc.wait_spurious = 2;
	change_on_wait(true, false);
	tap_eq(imc_wait_cluster_event(host, 1, 0, &hi, sizeof(hi)),
	       IMC_HOST_CHANGE, "two wake-ups without change, then a host left");
	tap_eq(fake_imc.wait_calls, 3, "the library waited again after each");
	tap_eq(fake_imc.info_calls, 4,
	       "RSM_IOC_IMC_INFO read before the first wait and after each");
	fake_imc_defaults();
}

static void test_too_short_for_new_hosts(void)
{
	imc_eventType both[] = { IMC_CC_EVENT_HOST, IMC_CC_EVENT_RAIL };
	imc_railinfo r = 0x3;

	current_hosts(&hi);
	hi.num_hosts = 2;
	memset(hi.name[2], 0, IMC_MAXHOSTNAMELEN);
	hi_copy = hi;
	fake_imc_reset();
	fake_imc.info.active_rails = 0x1;
	tap_eq(imc_wait_cluster_event(both, 2, 0, &hi, hosts_len(2), &r,
				      sizeof(r)), IMC_INSUFFMEM,
	       "3 hosts now, room for 2 -> IMC_INSUFFMEM");
	tap_check(memcmp(&hi, &hi_copy, sizeof(hi)) == 0 && r == 0x3,
		  "IMC_INSUFFMEM: no configuration written");
	fake_imc_defaults();
}

static void test_wait_errors(void)
{
	imc_eventType host[] = { IMC_CC_EVENT_HOST };

	current_hosts(&hi);
	hi_copy = hi;
	fake_imc_reset();
	change_on_wait(true, false);
	fake_imc.fail_request = RSM_IOC_IMC_WAIT;
	fake_imc.fail_errno = EINTR;
	tap_eq(imc_wait_cluster_event(host, 1, 0, &hi, sizeof(hi)), IMC_INTR,
	       "RSM_IOC_IMC_WAIT interrupted -> IMC_INTR");
	tap_check(memcmp(&hi, &hi_copy, sizeof(hi)) == 0,
		  "IMC_INTR: the configuration is unchanged");
	fake_imc.fail_request = RSM_IOC_IMC_WAIT;
	fake_imc.fail_errno = EIO;
	tap_check(imc_wait_cluster_event(host, 1, 0, &hi, sizeof(hi)) < 0,
		  "RSM_IOC_IMC_WAIT fails with EIO -> an error");
	fake_imc.fail_request = RSM_IOC_IMC_INFO;
	fake_imc.fail_errno = ENOMEM;
	tap_eq(imc_wait_cluster_event(host, 1, 0, &hi, sizeof(hi)), IMC_NOMEM,
	       "RSM_IOC_IMC_INFO fails with ENOMEM -> IMC_NOMEM");
	fake_imc_defaults();
}

int main(void)
{
	fix_start();
	test_argument_checks();
	test_host_change();
	test_stale_baseline();
	test_rail_change();
	test_two_events();
	test_spurious_wakeups();
	test_too_short_for_new_hosts();
	test_wait_errors();
	return tap_finish();
}
