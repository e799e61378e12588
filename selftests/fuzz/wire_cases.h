/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * wire_cases: the verdict helpers the case files share.
 */
#ifndef WIRE_CASES_H
#define WIRE_CASES_H

#include <stddef.h>

#define REJECT	(-EPROTO)

/* rsm_wire_check_msg() on @p must give @want (a type, or REJECT). */
void msg_case(const char *name, const void *p, size_t len, int want);
/* rsm_wire_answer_ok(@want, a message of @type) must be @ok. */
void answer_case(const char *name, unsigned int want, unsigned int type,
		 bool ok);

/* wire_imc_cases.c: the Memory Channel layer's messages */
void test_imc_host(void);
void test_imc_regions(void);
void test_imc_receive_memory(void);
void test_imc_locks(void);

#endif
