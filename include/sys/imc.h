/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * <sys/imc.h> - the Memory Channel API (Tru64 TruCluster) on rsm.
 *
 * Names, argument lists and the numeric values of the status codes follow
 * the Tru64 reference pages and the programs written for them; the values
 * of the other constants and the layouts of imc_hostinfo and imc_railinfo
 * were never published and are this implementation's own (imc(3)).
 * Link with -limc.
 */
#ifndef _SYS_IMC_H
#define _SYS_IMC_H

#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Types */
typedef int imc_key_t;			/* cluster-wide name of a region or lock set */
typedef unsigned long imc_size_t;	/* bytes */
typedef int imc_perm_t;			/* IMC_UR... or IMC_LK... bits */
typedef int imc_asid_t;			/* a process's id of a region */
typedef int imc_lkid_t;			/* a process's id of a lock set */
typedef int imc_dir_t;			/* IMC_TRANSMIT or IMC_RECEIVE */

/* imc_getclusterinfo() items; 0 ends an item list */
typedef enum imc_infoType {
	IMC_GET_HOSTS = 1,		/* imc_hostinfo */
	IMC_GET_NRAILS = 2,		/* unsigned int */
	IMC_GET_ACTIVERAILS = 3		/* imc_railinfo */
} imc_infoType;

/* imc_wait_cluster_event() events */
typedef enum imc_eventType {
	IMC_CC_EVENT_HOST = 1,		/* a host joined or left: imc_hostinfo */
	IMC_CC_EVENT_RAIL = 2		/* a rail came or went: imc_railinfo */
} imc_eventType;

#define IMC_MAXHOSTS		64	/* hosts in an API cluster */
#define IMC_MAXHOSTNAMELEN	64	/* bytes of a host name, NUL included */
#define IMC_MAXRAILS		4	/* logical rails 0..IMC_MAXRAILS-1 */
#define IMC_MAXNUMLOCKS		1024	/* locks in a lock set */

/*
 * The hosts of the API cluster (those that ran imc_init) in ascending
 * order of node id.  A caller may pass a shorter buffer than the whole
 * struct: imc_getclusterinfo() needs offsetof(imc_hostinfo, name[n]) bytes
 * for n hosts.
 */
typedef struct imc_hostinfo {
	unsigned int num_hosts;
	char name[IMC_MAXHOSTS][IMC_MAXHOSTNAMELEN];
} imc_hostinfo;

/* Bit r set: logical rail r is active. */
typedef unsigned int imc_railinfo;

/* Region permissions (imc_asalloc) */
#define IMC_URW		0600
#define IMC_UR		0400
#define IMC_UW		0200
#define IMC_GRW		0060
#define IMC_GR		0040
#define IMC_GW		0020
#define IMC_ORW		0006
#define IMC_OR		0004
#define IMC_OW		0002

/* Lock set permissions (imc_lkalloc) */
#define IMC_LKU		0600
#define IMC_LKG		0060
#define IMC_LKO		0006

/* imc_asalloc flag */
#define IMC_COHERENT	1

/* imc_asattach: direction, mode and flags */
#define IMC_TRANSMIT	1
#define IMC_RECEIVE	2
#define IMC_SHARED	1
#define IMC_NONSHARED	2
#define IMC_LOOPBACK	1	/* transmit: writes reach this host too */
#define IMC_RXPTR	2	/* receive: *address is where to map */

/* imc_lkalloc flag, imc_lkacquire modes */
#define IMC_CREATOR	1
#define IMC_LOCKWAIT	1
#define IMC_LOCKNOWAIT	0

/* Status codes */
#define IMC_SUCCESS		0
#define IMC_MCFULL		(-1)
#define IMC_BADPARM		(-2)
#define IMC_EXISTS		(-3)
#define IMC_ATTACHED		(-4)
#define IMC_NOLOCKGOT		(-5)
#define IMC_RXFULL		(-6)
#define IMC_BADLOCK		(-7)
#define IMC_SHARERR		(-8)
#define IMC_NONSHARERR		(-9)
#define IMC_PERMIT		(-10)
#define IMC_NOTALLOC		(-11)
#define IMC_PRIOR		(-12)
#define IMC_LOCKACTIVE		(-13)
#define IMC_NOTINIT		(-14)
#define IMC_NOTSUPER		(-15)
#define IMC_BADSIZE		(-16)
#define IMC_OPENERR		(-17)
#define IMC_WRITEERR		(-18)
#define IMC_CLOSERR		(-19)
#define IMC_BADREGION		(-20)
#define IMC_RECMAPPED		(-21)
#define IMC_XMITMAPPED		(-22)
#define IMC_LOCKNOTHELD		(-23)
#define IMC_MC_ERROR		(-24)
#define IMC_TIMEOUT		(-25)
#define IMC_NOMCSPACE		(-26)
#define IMC_EINVAL		(-27)
#define IMC_ESRCH		(-28)
#define IMC_BADSERVICE		(-29)
#define IMC_NOTREGISTERED	(-30)
#define IMC_EPERM		(-31)
#define IMC_NOROOT		(-32)
#define IMC_COHERENCYERR	(-33)
#define IMC_UNDEFINED		(-34)
#define IMC_KERN_FAULT		(-35)
#define IMC_NORESOURCES		(-36)
#define IMC_LATEJOIN		(-37)
#define IMC_LOOPBACKERR		(-38)
#define IMC_BADHOST		(-39)
#define IMC_INITERR		(-40)
#define IMC_LOCKPRIOR		(-41)
#define IMC_COMPLEMENTERR	(-42)
#define IMC_BADMAP		(-44)
#define IMC_INTR		(-45)
#define IMC_NOMEM		(-46)
#define IMC_CORRUPTLOCK		(-47)
#define IMC_INSUFFMEM		(-48)
#define IMC_PTPERR		(-49)
#define IMC_NOTSUPPORTED	(-50)
#define IMC_WIRED_LIMIT		(-51)
#define IMC_MAPENTRIES		(-52)
#define IMC_BADADDR		(-53)
#define IMC_RAIL_CHANGE		(-54)
#define IMC_HOST_CHANGE		(-55)
#define IMC_MULTIPLE_CHANGE	(-56)
#define IMC_BADRAIL		(-57)
#define IMC_WRONGRAIL		(-58)
#define IMC_FAILEDOVER		(-59)
#define IMC_NOMAPPER		(-60)
#define IMC_INIT_PENDING	(-61)

/* Library and cluster information */
int imc_api_init(unsigned long *reserved);
int imc_getclusterinfo(imc_infoType *i_items, int i_nitems, ...);
int imc_wait_cluster_event(imc_eventType *i_eventType,
			   unsigned long i_numEvents, unsigned long i_unused,
			   ...);
void imc_perror(const char *s, int status);

/* Regions */
int imc_asalloc(imc_key_t key, imc_size_t size, imc_perm_t perm, int flag,
		imc_asid_t *id, int logical_rail);
int imc_asdealloc(imc_asid_t id);
int imc_asattach(imc_asid_t id, imc_dir_t dir, int mode, int flag,
		 caddr_t *address);
int imc_asattach_ptp(imc_asid_t id, int mode, int flag, char *hostname,
		     caddr_t *address);
int imc_asdetach(imc_asid_t id);
long imc_bcopy(void *src, void *dest, long length, long dest_write_only,
	       long first_dest_quad);
int imc_flush(imc_asid_t id);
const char *imc_strerror(int status);

/* Error counts */
int imc_rderrcnt_mr(int logical_rail);
int imc_ckerrcnt_mr(int *errcnt, int logical_rail);
int imc_rderrcnt(void);
int imc_ckerrcnt(int *errcnt);

/* Lock sets */
int imc_lkalloc(imc_key_t key, int *count, imc_perm_t perm, int flag,
		imc_lkid_t *lock);
int imc_lkacquire(imc_lkid_t lock, int index, int flag, int trylock);
int imc_lkrelease(imc_lkid_t lock, int index);
int imc_lkdealloc(imc_lkid_t lock);

/* Cluster signals */
int imc_kill(char *hostname, pid_t pid, int signal);

#ifdef __cplusplus
}
#endif

#endif /* _SYS_IMC_H */
