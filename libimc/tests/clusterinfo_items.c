// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * imc_getclusterinfo() against the stand-in /dev/rsm (spec 3.2, checks
 * 3-6): the item list and its variable (buffer, length) pairs, the
 * answers taken from RSM_IOC_IMC_INFO, lengths, unknown items, and that
 * a failing call writes nothing.
 */
#include <errno.h>
#include <stddef.h>

#include "imc_fixture.h"

#define POISON 0xa5

static imc_hostinfo hi;

/* Bytes an imc_hostinfo with @n hosts needs. */
static int hosts_len(unsigned int n)
{
	return (int)(offsetof(imc_hostinfo, name) + n * IMC_MAXHOSTNAMELEN);
}

static bool all_bytes(const void *p, size_t len, unsigned char c)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		if (b[i] != c)
			return false;
	return true;
}

static void test_no_items(void)
{
	imc_infoType none[] = { 0 };
	unsigned int nrails = 77;

	tap_eq(imc_getclusterinfo(none, 0), IMC_SUCCESS,
	       "check 3: items {0}, n 0 -> IMC_SUCCESS");
	tap_eq(imc_getclusterinfo(none, 0, (char *)&nrails,
				  (int)sizeof(nrails)), IMC_SUCCESS,
	       "items {0}, n 0, a stray pair -> IMC_SUCCESS");
	tap_eq(nrails, 77, "check 3: no item asked: nothing written");
	tap_eq(imc_getclusterinfo(none, 2, (char *)&nrails,
				  (int)sizeof(nrails)), IMC_SUCCESS,
	       "items {0}, n 2: the 0 ends the list -> IMC_SUCCESS");
	tap_eq(nrails, 77, "items {0}, n 2: nothing written");
	tap_eq(imc_getclusterinfo(NULL, 0), IMC_SUCCESS,
	       "items NULL, n 0 -> IMC_SUCCESS");
}

static void test_hosts(void)
{
	imc_infoType items[] = { IMC_GET_HOSTS, 0 };

	fake_imc_reset();
	memset(&hi, POISON, sizeof(hi));
	tap_eq(imc_getclusterinfo(items, 1, (char *)&hi, (int)sizeof(hi)),
	       IMC_SUCCESS, "check 4: IMC_GET_HOSTS -> IMC_SUCCESS");
	tap_eq(fake_imc.info_calls, 1, "the answer comes from RSM_IOC_IMC_INFO");
	tap_eq(hi.num_hosts, 3, "check 4: num_hosts from the kernel: 3");
	tap_check(strcmp(hi.name[0], "alpha") == 0 &&
		  strcmp(hi.name[1], "bravo") == 0 &&
		  strcmp(hi.name[2], "charlie") == 0,
		  "check 4: the host names, in the kernel's order");
	tap_check(all_bytes(hi.name[0] + 5, IMC_MAXHOSTNAMELEN - 5, 0),
		  "a host name is NUL-padded to IMC_MAXHOSTNAMELEN");
	tap_check(all_bytes(hi.name[3], IMC_MAXHOSTNAMELEN, POISON),
		  "nothing written past the last host");

	fake_imc_set_host(&fake_imc.info, 0, 9, "zulu");
	fake_imc.info.nhosts = 1;
	memset(&hi, POISON, sizeof(hi));
	tap_eq(imc_getclusterinfo(items, 1, (char *)&hi, hosts_len(1)),
	       IMC_SUCCESS, "one host, a buffer of exactly its size -> SUCCESS");
	tap_check(hi.num_hosts == 1 && strcmp(hi.name[0], "zulu") == 0,
		  "a changed kernel answer shows: 1 host \"zulu\"");
	fake_imc_defaults();
}

static void test_long_host_name(void)
{
	imc_infoType items[] = { IMC_GET_HOSTS, 0 };

	memset(fake_imc.info.hosts[1].name, 'x', RSM_IMC_HOSTNAME);
	memset(&hi, POISON, sizeof(hi));
	tap_eq(imc_getclusterinfo(items, 1, (char *)&hi, (int)sizeof(hi)),
	       IMC_SUCCESS, "a 64-byte unterminated kernel name -> SUCCESS");
	tap_check(strnlen(hi.name[1], IMC_MAXHOSTNAMELEN) ==
		  IMC_MAXHOSTNAMELEN - 1 && hi.name[1][0] == 'x',
		  "the name is cut to 63 bytes and NUL-terminated");
	fake_imc_defaults();
}

static void test_hosts_buffer_checks(void)
{
	imc_infoType items[] = { IMC_GET_HOSTS, 0 };

	memset(&hi, POISON, sizeof(hi));
	tap_eq(imc_getclusterinfo(items, 1, (char *)&hi, hosts_len(3) - 1),
	       IMC_INSUFFMEM, "check 6: hosts buffer 1 byte short -> IMC_INSUFFMEM");
	tap_eq(imc_getclusterinfo(items, 1, (char *)&hi, 0), IMC_INSUFFMEM,
	       "check 6: hosts buffer length 0 -> IMC_INSUFFMEM");
	tap_check(all_bytes(&hi, sizeof(hi), POISON),
		  "a too small buffer is left as it was");
	tap_eq(imc_getclusterinfo(items, 1, (char *)NULL, (int)sizeof(hi)),
	       IMC_BADPARM, "NULL buffer -> IMC_BADPARM");
}

static void test_rails(void)
{
	imc_infoType both[] = { IMC_GET_NRAILS, IMC_GET_ACTIVERAILS, 0 };
	imc_infoType rev[] = { IMC_GET_ACTIVERAILS, IMC_GET_NRAILS, 0 };
	unsigned int nrails = 77;
	imc_railinfo active = 77;

	fake_imc.info.nrails = 3;
	fake_imc.info.active_rails = 0x5;
	tap_eq(imc_getclusterinfo(both, 2, (char *)&nrails, (int)sizeof(nrails),
				  (char *)&active, (int)sizeof(active)),
	       IMC_SUCCESS, "check 5: NRAILS + ACTIVERAILS -> IMC_SUCCESS");
	tap_eq(nrails, 3, "check 5: first pair: number of rails 3");
	tap_eq(active, 0x5, "check 5: second pair: active rails 0x5");

	nrails = active = 77;
	tap_eq(imc_getclusterinfo(rev, 2, (char *)&active, (int)sizeof(active),
				  (char *)&nrails, (int)sizeof(nrails)),
	       IMC_SUCCESS, "ACTIVERAILS + NRAILS -> IMC_SUCCESS");
	tap_check(active == 0x5 && nrails == 3,
		  "the pairs follow the order of the items");

	nrails = active = 77;
	tap_eq(imc_getclusterinfo(both, 1, (char *)&nrails, (int)sizeof(nrails),
				  (char *)&active, (int)sizeof(active)),
	       IMC_SUCCESS, "two items listed, n 1 -> IMC_SUCCESS");
	tap_check(nrails == 3 && active == 77,
		  "n 1: only the first item answered");

	nrails = 77;
	tap_eq(imc_getclusterinfo(both, 1, (char *)&nrails,
				  (int)sizeof(nrails) - 1), IMC_INSUFFMEM,
	       "NRAILS with 3 bytes -> IMC_INSUFFMEM");
	tap_eq(nrails, 77, "NRAILS too small: nothing written");
	fake_imc_defaults();
}

static void test_all_items(void)
{
	imc_infoType all[] = { IMC_GET_HOSTS, IMC_GET_NRAILS,
			       IMC_GET_ACTIVERAILS, 0 };
	unsigned int nrails = 77;
	imc_railinfo active = 77;

	memset(&hi, POISON, sizeof(hi));
	tap_eq(imc_getclusterinfo(all, 3, (char *)&hi, (int)sizeof(hi),
				  (char *)&nrails, (int)sizeof(nrails),
				  (char *)&active, (int)sizeof(active)),
	       IMC_SUCCESS, "all three items in one call -> IMC_SUCCESS");
	tap_check(hi.num_hosts == 3 && nrails == 2 && active == 0x3,
		  "all three answers written");

	memset(&hi, POISON, sizeof(hi));
	nrails = active = 77;
	tap_eq(imc_getclusterinfo(all, 3, (char *)&hi, hosts_len(3),
				  (char *)&nrails, (int)sizeof(nrails),
				  (char *)&active, 2), IMC_INSUFFMEM,
	       "last buffer too small -> IMC_INSUFFMEM");
	tap_check(all_bytes(&hi, sizeof(hi), POISON) && nrails == 77 &&
		  active == 77, "a failing call writes no buffer at all");
}

static void test_bad_items(void)
{
	imc_infoType unknown[] = { 7, 0 };
	imc_infoType late[] = { IMC_GET_NRAILS, 99, 0 };
	imc_infoType neg[] = { -1, 0 };
	unsigned int nrails = 77, other = 77;

	tap_eq(imc_getclusterinfo(unknown, 1, (char *)&nrails,
				  (int)sizeof(nrails)), IMC_BADPARM,
	       "unknown item 7 -> IMC_BADPARM");
	tap_eq(imc_getclusterinfo(neg, 1, (char *)&nrails, (int)sizeof(nrails)),
	       IMC_BADPARM, "unknown item -1 -> IMC_BADPARM");
	tap_eq(imc_getclusterinfo(late, 2, (char *)&nrails, (int)sizeof(nrails),
				  (char *)&other, (int)sizeof(other)),
	       IMC_BADPARM, "valid item then unknown item -> IMC_BADPARM");
	tap_check(nrails == 77 && other == 77,
		  "unknown item: the valid item's buffer is not written");

	fake_imc_reset();
	tap_eq(imc_getclusterinfo(NULL, 1, (char *)&nrails,
				  (int)sizeof(nrails)), IMC_BADPARM,
	       "items NULL, n 1 -> IMC_BADPARM");
	tap_eq(imc_getclusterinfo(late, -1), IMC_BADPARM,
	       "n -1 -> IMC_BADPARM");
	tap_eq(fake_imc.ioctl_calls, 0,
	       "NULL items or negative n: rejected before any request");
}

static void test_kernel_error(void)
{
	imc_infoType items[] = { IMC_GET_NRAILS, 0 };
	unsigned int nrails = 77;

	fake_imc.fail_request = RSM_IOC_IMC_INFO;
	fake_imc.fail_errno = ENOMEM;
	tap_eq(imc_getclusterinfo(items, 1, (char *)&nrails,
				  (int)sizeof(nrails)), IMC_NOMEM,
	       "RSM_IOC_IMC_INFO fails with ENOMEM -> IMC_NOMEM");
	fake_imc.fail_request = RSM_IOC_IMC_INFO;
	fake_imc.fail_errno = EIO;
	tap_check(imc_getclusterinfo(items, 1, (char *)&nrails,
				     (int)sizeof(nrails)) < 0,
		  "RSM_IOC_IMC_INFO fails with EIO -> an error");
	tap_eq(nrails, 77, "failed request: nothing written");
}

int main(void)
{
	fix_start();
	test_no_items();
	test_hosts();
	test_long_host_name();
	test_hosts_buffer_checks();
	test_rails();
	test_all_items();
	test_bad_items();
	test_kernel_error();
	return tap_finish();
}
