// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * imc_strerror() and imc_perror() (spec 2.3, 3.16): a distinct text for
 * every status of <sys/imc.h>, one generic text for any other value, and
 * what imc_perror() prints on standard error.
 */
#include <limits.h>
#include <stdio.h>

#include "imc_fixture.h"

#define ST(x) { x, #x }

static const struct {
	int value;
	const char *name;
} statuses[] = {
	ST(IMC_SUCCESS), ST(IMC_MCFULL), ST(IMC_BADPARM), ST(IMC_EXISTS),
	ST(IMC_ATTACHED), ST(IMC_NOLOCKGOT), ST(IMC_RXFULL), ST(IMC_BADLOCK),
	ST(IMC_SHARERR), ST(IMC_NONSHARERR), ST(IMC_PERMIT), ST(IMC_NOTALLOC),
	ST(IMC_PRIOR), ST(IMC_LOCKACTIVE), ST(IMC_NOTINIT), ST(IMC_NOTSUPER),
	ST(IMC_BADSIZE), ST(IMC_OPENERR), ST(IMC_WRITEERR), ST(IMC_CLOSERR),
	ST(IMC_BADREGION), ST(IMC_RECMAPPED), ST(IMC_XMITMAPPED),
	ST(IMC_LOCKNOTHELD), ST(IMC_MC_ERROR), ST(IMC_TIMEOUT),
	ST(IMC_NOMCSPACE), ST(IMC_EINVAL), ST(IMC_ESRCH), ST(IMC_BADSERVICE),
	ST(IMC_NOTREGISTERED), ST(IMC_EPERM), ST(IMC_NOROOT),
	ST(IMC_COHERENCYERR), ST(IMC_UNDEFINED), ST(IMC_KERN_FAULT),
	ST(IMC_NORESOURCES), ST(IMC_LATEJOIN), ST(IMC_LOOPBACKERR),
	ST(IMC_BADHOST), ST(IMC_INITERR), ST(IMC_LOCKPRIOR),
	ST(IMC_COMPLEMENTERR), ST(IMC_BADMAP), ST(IMC_INTR), ST(IMC_NOMEM),
	ST(IMC_CORRUPTLOCK), ST(IMC_INSUFFMEM), ST(IMC_PTPERR),
	ST(IMC_NOTSUPPORTED), ST(IMC_WIRED_LIMIT), ST(IMC_MAPENTRIES),
	ST(IMC_BADADDR), ST(IMC_RAIL_CHANGE), ST(IMC_HOST_CHANGE),
	ST(IMC_MULTIPLE_CHANGE), ST(IMC_BADRAIL), ST(IMC_WRONGRAIL),
	ST(IMC_FAILEDOVER), ST(IMC_NOMAPPER), ST(IMC_INIT_PENDING),
};

#define NSTATUS (int)(sizeof(statuses) / sizeof(statuses[0]))

static const char *generic;

static void test_every_status(void)
{
	int i, j, empty = 0, same = 0, is_generic = 0;

	tap_eq(NSTATUS, 61, "the table lists the 61 statuses (0, -1..-61 but -43)");
	tap_eq(statuses[NSTATUS - 1].value, -61, "the last one is -61");
	for (i = 0; i < NSTATUS; i++) {
		const char *m = imc_strerror(statuses[i].value);

		if (!m || !*m) {
			printf("# %s: no text\n", statuses[i].name);
			empty++;
			continue;
		}
		if (strcmp(m, generic) == 0) {
			printf("# %s: the generic text\n", statuses[i].name);
			is_generic++;
		}
		for (j = 0; j < i; j++) {
			const char *o = imc_strerror(statuses[j].value);

			if (o && strcmp(m, o) == 0) {
				printf("# %s and %s: the same text\n",
				       statuses[i].name, statuses[j].name);
				same++;
			}
		}
	}
	tap_eq(empty, 0, "every status has a non-empty text");
	tap_eq(same, 0, "no two statuses share a text");
	tap_eq(is_generic, 0, "no status gets the text of unknown values");
}

static void test_unknown_values(void)
{
	static const int unknown[] = { -43, -62, 1, 100, -1000, INT_MIN,
				       INT_MAX };
	unsigned int i, other = 0;

	tap_check(generic && *generic, "an unknown value has a non-empty text");
	for (i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		const char *m = imc_strerror(unknown[i]);

		if (!m || strcmp(m, generic) != 0) {
			printf("# %d: \"%s\"\n", unknown[i], m ? m : "(null)");
			other++;
		}
	}
	tap_eq(other, 0, "-43, -62, 1, 100, -1000, INT_MIN, INT_MAX: "
	       "the same generic text");
}

/* What imc_perror(@s, @status) writes on file descriptor 2. */
static bool perror_output(const char *s, int status, char *out, size_t len)
{
	FILE *f = tmpfile();
	int saved = dup(2);
	size_t n = 0;

	if (!f || saved < 0)
		return false;
	fflush(stderr);
	dup2(fileno(f), 2);
	imc_perror(s, status);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(f);
	n = fread(out, 1, len - 1, f);
	out[n] = '\0';
	fclose(f);
	return true;
}

static void test_perror(void)
{
	char got[256], want[256];

	snprintf(want, sizeof(want), "prog: %s\n", imc_strerror(IMC_BADPARM));
	tap_check(perror_output("prog", IMC_BADPARM, got, sizeof(got)) &&
		  strcmp(got, want) == 0,
		  "imc_perror(\"prog\", IMC_BADPARM) prints \"prog: <text>\\n\"");
	snprintf(want, sizeof(want), "%s\n", imc_strerror(IMC_NOTINIT));
	tap_check(perror_output(NULL, IMC_NOTINIT, got, sizeof(got)) &&
		  strcmp(got, want) == 0,
		  "imc_perror(NULL, IMC_NOTINIT) prints the text alone");
	tap_check(perror_output("", IMC_NOTINIT, got, sizeof(got)) &&
		  strcmp(got, want) == 0,
		  "imc_perror(\"\", IMC_NOTINIT) prints the text alone");
	snprintf(want, sizeof(want), "x: %s\n", generic);
	tap_check(perror_output("x", -999, got, sizeof(got)) &&
		  strcmp(got, want) == 0,
		  "imc_perror of an unknown value prints the generic text");
}

int main(void)
{
	tap_start();
	generic = imc_strerror(-999);
	if (!generic)
		generic = "";
	test_every_status();
	test_unknown_values();
	test_perror();
	return tap_finish();
}
