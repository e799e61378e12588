// SPDX-License-Identifier: BSD-2-Clause
/*
 * imc-counter: a clusterwide counter under a Memory Channel lock.  The
 * first process anywhere in the cluster creates the lock set holding
 * lock 0 (imc_lkalloc with IMC_CREATOR), initializes the shared data and
 * lets the others in; every process then adds 1 to the counter UPDATES
 * times, each time under lock 0: read it from the receive mapping, write
 * it through the transmit mapping, wait for its own copy to come back
 * (loopback: every host has it), release.  At the end every host's copy
 * must read HOSTS x UPDATES.
 *
 *   imc-counter HOSTS [UPDATES]
 *
 * Run it once on each of HOSTS hosts of an API cluster (imc_init(8)).
 */
#include <sys/imc.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define REGION_KEY	0x494d4332	/* "IMC2" */
#define LOCK_KEY	0x494d4332
#define RAIL		0

/* The shared data: 8-byte words of the region. */
enum {
	W_MAGIC,		/* set by the creator: initialized */
	W_COUNTER,
	W_DONE,			/* processes finished */
};

#define MAGIC		0x636f756e74657231ULL

static void die(const char *what, int st)
{
	imc_perror(what, st);
	exit(1);
}

/* Send @v to word @w of the region and wait until it is back here. */
static void put(caddr_t tx, volatile uint64_t *rx, int w, uint64_t v)
{
	imc_bcopy(&v, tx + w * 8, 8, 1, 0);
	while (rx[w] != v)
		usleep(100);
}

/* The first process to get here initializes; the others join. */
static imc_lkid_t join(caddr_t tx, volatile uint64_t *sh)
{
	imc_lkid_t lk;
	int n = 1, st;

	st = imc_lkalloc(LOCK_KEY, &n, IMC_LKU, IMC_CREATOR, &lk);
	if (st == IMC_SUCCESS) {
		/* lock 0 is ours: nobody else sees half-made data */
		put(tx, sh, W_COUNTER, 0);
		put(tx, sh, W_DONE, 0);
		put(tx, sh, W_MAGIC, MAGIC);
		printf("created the lock set and initialized the counter\n");
		st = imc_lkrelease(lk, 0);
		if (st)
			die("imc_lkrelease", st);
		return lk;
	}
	if (st != IMC_EXISTS)
		die("imc_lkalloc(IMC_CREATOR)", st);
	st = imc_lkalloc(LOCK_KEY, &n, IMC_LKU, 0, &lk);
	if (st)
		die("imc_lkalloc", st);
	/* the creator may still hold lock 0: wait for its data */
	st = imc_lkacquire(lk, 0, 0, IMC_LOCKWAIT);
	if (st)
		die("imc_lkacquire", st);
	while (sh[W_MAGIC] != MAGIC)
		usleep(1000);
	imc_lkrelease(lk, 0);
	printf("joined the lock set\n");
	return lk;
}

int main(int argc, char **argv)
{
	volatile uint64_t *sh;
	long hosts, updates, i;
	bool ok;
	caddr_t rx, tx;
	imc_asid_t id;
	imc_lkid_t lk;
	int st;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: %s HOSTS [UPDATES]\n", argv[0]);
		return 2;
	}
	hosts = atol(argv[1]);
	updates = argc > 2 ? atol(argv[2]) : 100;
	st = imc_api_init(NULL);
	if (st)
		die("imc_api_init", st);
	st = imc_asalloc(REGION_KEY, 8192, IMC_URW, IMC_COHERENT, &id, RAIL);
	if (st)
		die("imc_asalloc", st);
	st = imc_asattach(id, IMC_RECEIVE, IMC_SHARED, 0, &rx);
	if (!st)
		st = imc_asattach(id, IMC_TRANSMIT, IMC_SHARED, IMC_LOOPBACK,
				  &tx);
	if (st)
		die("imc_asattach", st);
	sh = (volatile uint64_t *)rx;
	lk = join(tx, sh);
	for (i = 0; i < updates; i++) {
		st = imc_lkacquire(lk, 0, 0, IMC_LOCKWAIT);
		if (st)
			die("imc_lkacquire", st);
		put(tx, sh, W_COUNTER, sh[W_COUNTER] + 1);
		st = imc_lkrelease(lk, 0);
		if (st)
			die("imc_lkrelease", st);
	}
	st = imc_lkacquire(lk, 0, 0, IMC_LOCKWAIT);
	if (st)
		die("imc_lkacquire", st);
	put(tx, sh, W_DONE, sh[W_DONE] + 1);
	imc_lkrelease(lk, 0);
	while (sh[W_DONE] < (uint64_t)hosts)
		usleep(10000);
	ok = sh[W_COUNTER] == (uint64_t)(hosts * updates);
	printf("counter %llu, expected %ld: %s\n",
	       (unsigned long long)sh[W_COUNTER], hosts * updates,
	       ok ? "ok" : "WRONG");
	/* let the others see "done" before the region goes */
	sleep(1);
	imc_lkdealloc(lk);
	imc_asdetach(id);
	imc_asdealloc(id);
	return !ok;
}
