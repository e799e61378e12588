// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Memory Channel API cluster (libimc) on every node of a cluster at
 * once: imc_api_init before and after imc_init, the hosts and rails
 * imc_getclusterinfo reports, its argument checks, and
 * imc_wait_cluster_event woken by a host renamed, a host leaving and
 * coming back, and a signal (IMC.md 6, checks 1-6, 61, 62, 64's defaults).
 * The tests run in order: the first one runs imc_init on every node
 * (unless the runner did, --imc).
 */
#include <sys/imc.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "rsm_cluster.h"
#include "rsm_ioctl.h"

#define STEP_S		120	/* barrier timeout */
#define SETTLE_S	30	/* the hosts' states reach every node */

static int module_info(struct rsm_ioc_imc_info *in)
{
	int fd = open(RSM_DEVICE_PATH, O_RDONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -1;
	ret = ioctl(fd, RSM_IOC_IMC_INFO, in);
	close(fd);
	return ret;
}

static int set_hostname(const char *name)
{
	struct rsm_ioc_imc_hostname hn = { { 0 } };
	int fd = open(RSM_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -1;
	snprintf(hn.name, sizeof(hn.name), "%s", name);
	ret = ioctl(fd, RSM_IOC_IMC_HOSTNAME, &hn);
	close(fd);
	return ret;
}

static int get_hosts(imc_hostinfo *hi)
{
	imc_infoType items[] = { IMC_GET_HOSTS, 0 };

	return imc_getclusterinfo(items, 1, (char *)hi, (int)sizeof(*hi));
}

/* Poll until @n hosts are listed, the last one named @last (or any). */
static int wait_hosts(imc_hostinfo *hi, unsigned int n, const char *last)
{
	int i, st;

	for (i = 0; i < SETTLE_S * 10; i++) {
		st = get_hosts(hi);
		if (st != IMC_SUCCESS)
			return st;
		if (hi->num_hosts == n &&
		    (!last || !strcmp(hi->name[n - 1], last)))
			return IMC_SUCCESS;
		usleep(100 * 1000);
	}
	return IMC_TIMEOUT;
}

/* Run @cmd as user nobody; its exit status. */
static int run_as_nobody(const char *cmd)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		if (setgid(65534) || setuid(65534))
			_exit(126);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/*
 * Every lock set request on /dev/rsm of a host where imc_init did not run:
 * IMC_NOTINIT's status (positive, negated).  0, or the first that is not.
 */
static int lock_ioctls_not_init(void)
{
	static const unsigned long cmds[] = {
		RSM_IOC_IMC_LKACQUIRE, RSM_IOC_IMC_LKRELEASE,
		RSM_IOC_IMC_LKDEALLOC,
	};
	struct rsm_ioc_imc_lkalloc al = { .key = 0x6c0ff, .count = 1,
					  .perm = 0600 };
	struct rsm_ioc_imc_lkop op = { .id = 1 };
	int fd = open(RSM_DEVICE_PATH, O_RDWR | O_CLOEXEC), ret = 0;
	unsigned int i;

	if (fd < 0)
		return -1;
	if (ioctl(fd, RSM_IOC_IMC_LKALLOC, &al) != -IMC_NOTINIT)
		ret = 1;
	for (i = 0; !ret && i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (ioctl(fd, cmds[i], &op) != -IMC_NOTINIT)
			ret = 2 + (int)i;
	close(fd);
	return ret;
}

TEST(api_init_is_refused_until_imc_init_ran_then_limits_default_to_10_mb)
{
	struct rsm_ioc_imc_info in;
	imc_hostinfo hi;
	char cmd[512];

	ASSERT_EQ(0, module_info(&in));
	if (in.member)
		SKIP(return, "imc_init ran when the cluster came up (--imc)");
	EXPECT_EQ(IMC_NOTINIT, imc_api_init(NULL));
	EXPECT_EQ(IMC_NOTINIT, get_hosts(&hi));
	/* the module's own answer, to callers that skip the library */
	EXPECT_EQ(0, lock_ioctls_not_init());
	EXPECT_EQ(10, in.max_alloc_mb);
	EXPECT_EQ(10, in.max_recv_mb);

	/* imc_init: root only, sizes checked, nothing changed by a refusal */
	snprintf(cmd, sizeof(cmd), "%s/utils/imc_init 2>/dev/null", rsmt_top());
	EXPECT_EQ(1, run_as_nobody(cmd));
	EXPECT_EQ(2, rsmt_sh("%s/utils/imc_init -a 0 2>/dev/null", rsmt_top()));
	EXPECT_EQ(2, rsmt_sh("%s/utils/imc_init -r x 2>/dev/null", rsmt_top()));
	ASSERT_EQ(0, module_info(&in));
	EXPECT_EQ(0, in.member);

	ASSERT_EQ(0, rsmt_sh("%s/utils/imc_init", rsmt_top()));
	ASSERT_EQ(0, module_info(&in));
	EXPECT_EQ(1, in.member);
	EXPECT_EQ(10, in.max_alloc_mb);
	/* a second run changes the limits it names, keeps the others */
	ASSERT_EQ(0, rsmt_sh("%s/utils/imc_init -a 20", rsmt_top()));
	ASSERT_EQ(0, module_info(&in));
	EXPECT_EQ(20, in.max_alloc_mb);
	EXPECT_EQ(10, in.max_recv_mb);
	ASSERT_EQ(0, rsmt_sh("%s/utils/imc_init -a 10 -r 10", rsmt_top()));
}

TEST(every_host_that_ran_imc_init_is_listed_once_by_node_name)
{
	imc_infoType items[] = { IMC_GET_NRAILS, IMC_GET_ACTIVERAILS, 0 };
	unsigned int nrails = 99, n = rsmt_nodes(), i;
	imc_railinfo active = 0;
	imc_hostinfo hi;
	char want[IMC_MAXHOSTNAMELEN];

	ASSERT_EQ(0, rsmt_barrier("imc.joined", STEP_S));
	ASSERT_EQ(IMC_SUCCESS, imc_api_init(NULL));
	ASSERT_EQ(IMC_SUCCESS, imc_api_init(NULL));	/* again: nothing */
	ASSERT_EQ(IMC_SUCCESS, wait_hosts(&hi, n, NULL));
	for (i = 0; i < n; i++) {
		snprintf(want, sizeof(want), "node%u", i + 1);
		EXPECT_STREQ(want, hi.name[i]);
	}
	ASSERT_EQ(IMC_SUCCESS, imc_getclusterinfo(items, 2, (char *)&nrails,
						  (int)sizeof(nrails),
						  (char *)&active,
						  (int)sizeof(active)));
	/* one rail per controller: rxe0, and rxe1 with --rails 2 */
	EXPECT_EQ((unsigned int)rsmt_rails(), nrails);
	EXPECT_EQ((1U << rsmt_rails()) - 1, active);
	EXPECT_EQ(0, rsmt_sh("%s/utils/imcs -m -k | grep -qx hosts=%u",
			     rsmt_top(), n));
	EXPECT_EQ(0, rsmt_sh("%s/utils/imcs -f >/dev/null && %s/utils/imcs -h >/dev/null",
			     rsmt_top(), rsmt_top()));
}

TEST(getclusterinfo_checks_every_item_before_writing_anything)
{
	imc_infoType none[] = { 0 };
	imc_infoType hosts[] = { IMC_GET_HOSTS, 0 };
	imc_infoType bad[] = { IMC_GET_NRAILS, 99, 0 };
	unsigned int nrails = 0xdead;
	imc_hostinfo hi;
	size_t need;

	ASSERT_EQ(IMC_SUCCESS, imc_api_init(NULL));
	/* nothing asked, nothing written */
	EXPECT_EQ(IMC_SUCCESS, imc_getclusterinfo(none, 0));
	EXPECT_EQ(IMC_SUCCESS, imc_getclusterinfo(none, 1, (char *)&nrails, 4));
	EXPECT_EQ(0xdead, nrails);
	/* an unknown item: nothing written for the good one before it */
	EXPECT_EQ(IMC_BADPARM, imc_getclusterinfo(bad, 2, (char *)&nrails,
						  (int)sizeof(nrails),
						  (char *)&hi, (int)sizeof(hi)));
	EXPECT_EQ(0xdead, nrails);
	EXPECT_EQ(IMC_BADPARM, imc_getclusterinfo(hosts, -1));
	EXPECT_EQ(IMC_BADPARM, imc_getclusterinfo(NULL, 1));
	EXPECT_EQ(IMC_BADPARM, imc_getclusterinfo(hosts, 1, (char *)NULL,
						  (int)sizeof(hi)));
	/* one byte short of the hosts there are: IMC_INSUFFMEM */
	need = offsetof(imc_hostinfo, name) +
	       (size_t)rsmt_nodes() * IMC_MAXHOSTNAMELEN;
	memset(&hi, 0x5a, sizeof(hi));
	EXPECT_EQ(IMC_INSUFFMEM, imc_getclusterinfo(hosts, 1, (char *)&hi,
						    (int)need - 1));
	EXPECT_EQ(0x5a5a5a5a, hi.num_hosts);
	EXPECT_EQ(IMC_SUCCESS, imc_getclusterinfo(hosts, 1, (char *)&hi,
						  (int)need));
	EXPECT_EQ(rsmt_nodes(), hi.num_hosts);
}

TEST(wait_cluster_event_refuses_bad_arguments)
{
	imc_eventType host[] = { IMC_CC_EVENT_HOST };
	imc_eventType twice[] = { IMC_CC_EVENT_RAIL, IMC_CC_EVENT_RAIL };
	imc_eventType bad[] = { 7 };
	imc_railinfo r = 1, r2 = 1;
	imc_hostinfo hi;

	ASSERT_EQ(IMC_SUCCESS, imc_api_init(NULL));
	ASSERT_EQ(IMC_SUCCESS, get_hosts(&hi));
	EXPECT_EQ(IMC_BADPARM, imc_wait_cluster_event(host, 0, 0));
	EXPECT_EQ(IMC_BADPARM, imc_wait_cluster_event(host, 1, 1, &hi,
						      sizeof(hi)));
	EXPECT_EQ(IMC_BADPARM, imc_wait_cluster_event(bad, 1, 0, &r,
						      sizeof(r)));
	EXPECT_EQ(IMC_BADPARM, imc_wait_cluster_event(twice, 2, 0, &r,
						      sizeof(r), &r2,
						      sizeof(r2)));
	EXPECT_EQ(IMC_BADPARM, imc_wait_cluster_event(host, 1, 0, &hi,
						      (unsigned long)2));
	EXPECT_EQ(IMC_BADPARM, imc_wait_cluster_event(NULL, 1, 0));
}

static void on_alarm(int sig)
{
	(void)sig;
}

TEST(wait_cluster_event_returns_imc_intr_on_a_signal)
{
	struct sigaction sa = { .sa_handler = on_alarm };	/* no SA_RESTART */
	imc_eventType ev[] = { IMC_CC_EVENT_HOST, IMC_CC_EVENT_RAIL };
	imc_infoType items[] = { IMC_GET_ACTIVERAILS, 0 };
	imc_railinfo r;
	imc_hostinfo hi;

	ASSERT_EQ(IMC_SUCCESS, imc_api_init(NULL));
	ASSERT_EQ(IMC_SUCCESS, get_hosts(&hi));
	ASSERT_EQ(IMC_SUCCESS, imc_getclusterinfo(items, 1, (char *)&r,
						  (int)sizeof(r)));
	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
	alarm(2);
	EXPECT_EQ(IMC_INTR, imc_wait_cluster_event(ev, 2, 0, &hi, sizeof(hi),
						   &r, sizeof(r)));
	alarm(0);
}

TEST(a_host_renamed_wakes_waiters_with_the_new_list)
{
	imc_eventType ev[] = { IMC_CC_EVENT_HOST };
	unsigned int n = rsmt_nodes();
	char name[IMC_MAXHOSTNAMELEN], old[IMC_MAXHOSTNAMELEN];
	imc_hostinfo hi;
	int st;

	rsmt_step_test("imc.rename");
	snprintf(name, sizeof(name), "renamed%u", n);
	snprintf(old, sizeof(old), "node%u", n);
	ASSERT_EQ(IMC_SUCCESS, imc_api_init(NULL));
	ASSERT_EQ(IMC_SUCCESS, wait_hosts(&hi, n, old));
	ASSERT_EQ(0, rsmt_step("listed", STEP_S));
	if (rsmt_node_id() == (int)n) {
		ASSERT_EQ(0, rsmt_step("waiting", STEP_S));
		ASSERT_EQ(0, set_hostname(name));
		EXPECT_EQ(IMC_SUCCESS, wait_hosts(&hi, n, name));
		/* the names rsm.conf can give are checked */
		EXPECT_EQ(-1, set_hostname("bad name"));
		EXPECT_EQ(EINVAL, errno);
	} else {
		pid_t pid = fork();
		int status;

		ASSERT_LE(0, pid);
		if (pid == 0) {
			/* a child waits: it must call imc_api_init again */
			if (get_hosts(&hi) != IMC_NOTINIT ||
			    imc_api_init(NULL) != IMC_SUCCESS)
				_exit(10);
			alarm(SETTLE_S + STEP_S);
			st = imc_wait_cluster_event(ev, 1, 0, &hi, sizeof(hi));
			if (st != IMC_HOST_CHANGE)
				_exit(20 + (st < 0 ? -st : 0) % 80);
			_exit(hi.num_hosts == n && !strcmp(hi.name[n - 1], name) ?
			      0 : 11);
		}
		usleep(300 * 1000);	/* the child is waiting */
		ASSERT_EQ(0, rsmt_step("waiting", STEP_S));
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_TRUE(WIFEXITED(status));
		EXPECT_EQ(0, WEXITSTATUS(status));
	}
	ASSERT_EQ(0, rsmt_step("renamed", STEP_S));
	if (rsmt_node_id() == (int)n)
		ASSERT_EQ(0, set_hostname(""));		/* back to nodeN */
	EXPECT_EQ(IMC_SUCCESS, wait_hosts(&hi, n, old));
	ASSERT_EQ(0, rsmt_step("restored", STEP_S));
}

TEST(a_host_leaving_and_coming_back_wakes_waiters)
{
	imc_eventType ev[] = { IMC_CC_EVENT_HOST };
	unsigned int n = rsmt_nodes(), i;
	imc_hostinfo hi;
	char last[IMC_MAXHOSTNAMELEN];
	int st;

	rsmt_step_test("imc.leave");
	snprintf(last, sizeof(last), "node%u", n);
	ASSERT_EQ(IMC_SUCCESS, imc_api_init(NULL));
	ASSERT_EQ(IMC_SUCCESS, wait_hosts(&hi, n, last));
	ASSERT_EQ(0, rsmt_step("listed", STEP_S));
	if (rsmt_node_id() == (int)n) {
		/* leave: forget every peer; the others lose this host */
		ASSERT_EQ(0, rsmt_step("waiting", STEP_S));
		ASSERT_EQ(0, rsmt_sh("%s/utils/rsmadm clear", rsmt_top()));
		EXPECT_EQ(IMC_SUCCESS, wait_hosts(&hi, 1, last));
		ASSERT_EQ(0, rsmt_step("left", STEP_S));
		ASSERT_EQ(0, rsmt_load_config(-1, -1, false));
	} else {
		ASSERT_EQ(0, rsmt_step("waiting", STEP_S));
		st = imc_wait_cluster_event(ev, 1, 0, &hi, sizeof(hi));
		EXPECT_EQ(IMC_HOST_CHANGE, st);
		EXPECT_EQ(n - 1, hi.num_hosts);
		for (i = 0; i < hi.num_hosts; i++)
			EXPECT_STRNE(last, hi.name[i]);
		ASSERT_EQ(0, rsmt_step("left", STEP_S));
		/* and back: the list the waiter holds is n - 1 hosts */
		st = imc_wait_cluster_event(ev, 1, 0, &hi, sizeof(hi));
		EXPECT_EQ(IMC_HOST_CHANGE, st);
	}
	EXPECT_EQ(0, rsmt_wait_all_active(STEP_S));
	EXPECT_EQ(IMC_SUCCESS, wait_hosts(&hi, n, last));
	ASSERT_EQ(0, rsmt_step("back", STEP_S));
}

TEST(imc_strerror_and_imc_perror_name_every_status)
{
	int fds[2], st;
	char buf[256] = "";
	ssize_t got;

	EXPECT_STREQ("success", imc_strerror(IMC_SUCCESS));
	for (st = IMC_MCFULL; st >= IMC_INIT_PENDING; st--)
		if (st != -43)
			EXPECT_STRNE("unknown Memory Channel API status",
				     imc_strerror(st));
	EXPECT_STREQ("unknown Memory Channel API status", imc_strerror(-43));
	EXPECT_STREQ("unknown Memory Channel API status", imc_strerror(1));
	EXPECT_STREQ("unknown Memory Channel API status", imc_strerror(-1000));

	ASSERT_EQ(0, pipe(fds));
	if (fork() == 0) {
		dup2(fds[1], 2);
		imc_perror("imc_asalloc", IMC_NOTINIT);
		_exit(0);
	}
	close(fds[1]);
	wait(NULL);
	got = read(fds[0], buf, sizeof(buf) - 1);
	close(fds[0]);
	ASSERT_LT(0, got);
	buf[got] = '\0';
	EXPECT_EQ(0, strncmp(buf, "imc_asalloc: ", 13));
	EXPECT_NE(NULL, strstr(buf, imc_strerror(IMC_NOTINIT)));
}

TEST_HARNESS_MAIN
