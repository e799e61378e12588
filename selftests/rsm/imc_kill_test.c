// SPDX-License-Identifier: GPL-2.0-only
/*
 * Cluster signals (IMC.md 3.15, checks 56-60): imc_kill() from node 1 to
 * processes on the last node, with exact statuses.  The callers are
 * children running as nobody (root may not send cluster signals); the
 * targets are children running as nobody (same user) or as root (another
 * user).  2 or 3 nodes; runs after imc_cluster_test, which makes every
 * node a member.
 */
#include <sys/imc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "rsm_cluster.h"

#define STEP_S		120
#define NOBODY		65534
#define NO_PID		4194000		/* below pid_max's limit, unused */

static volatile sig_atomic_t got_usr1;

static void on_usr1(int sig)
{
	(void)sig;
	got_usr1++;
}

static void host_name(char *buf, size_t len, int node)
{
	snprintf(buf, len, "node%d", node);
}

/*
 * A target: a child (as nobody if @nobody) that waits up to @wait_s for
 * SIGUSR1 and exits with the number of them it got.  Returns once the
 * child has its ids and its handler.  SIGUSR1 stays blocked except inside
 * sigsuspend(): one arriving between the check of the count and the wait
 * would otherwise be taken before the wait and leave it to the alarm.
 */
static pid_t target(bool nobody, int wait_s)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	sigset_t usr1, old;
	int fds[2];
	pid_t pid;
	char c = 0;

	if (pipe(fds))
		return -1;
	pid = fork();
	if (pid) {
		close(fds[1]);
		if (pid > 0 && read(fds[0], &c, 1) != 1)
			pid = -1;
		close(fds[0]);
		return pid;
	}
	close(fds[0]);
	if (nobody && (setgid(NOBODY) || setuid(NOBODY)))
		_exit(100);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, &old);
	sigdelset(&old, SIGUSR1);
	sigaction(SIGUSR1, &sa, NULL);
	if (write(fds[1], &c, 1) != 1)
		_exit(101);
	close(fds[1]);
	alarm(wait_s);
	while (!got_usr1)
		sigsuspend(&old);
	_exit(got_usr1);
}

/* Its exit status, or -1. */
static int reap(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* imc_kill() in a child running as nobody; its status, or 1000. */
static int kill_as_nobody(const char *host, pid_t pid, int sig)
{
	pid_t c = fork();
	int status;

	if (c == 0) {
		char h[IMC_MAXHOSTNAMELEN];

		snprintf(h, sizeof(h), "%s", host);
		if (setgid(NOBODY) || setuid(NOBODY))
			_exit(200);
		if (imc_api_init(NULL) != IMC_SUCCESS)
			_exit(201);
		_exit(-imc_kill(h, pid, sig));
	}
	if (c < 0 || waitpid(c, &status, 0) != c || !WIFEXITED(status))
		return 1000;
	return -WEXITSTATUS(status);
}

/* The pid another node published under @name, or -1. */
static pid_t read_pid(const char *name)
{
	char path[512];
	FILE *f;
	int pid = -1;

	snprintf(path, sizeof(path), "%s/imc_kill.%s", getenv("RSM_SHARE"),
		 name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%d", &pid) != 1)
		pid = -1;
	fclose(f);
	return pid;
}

static int write_pid(const char *name, pid_t pid)
{
	return rsmt_sh("echo %d > \"$RSM_SHARE\"/imc_kill.%s", (int)pid, name);
}

FIXTURE(imc) {
	int node, last;
	char last_host[IMC_MAXHOSTNAMELEN];
};

FIXTURE_SETUP(imc)
{
	self->node = rsmt_node_id();
	self->last = rsmt_nodes();
	host_name(self->last_host, sizeof(self->last_host), self->last);
	ASSERT_NE(NULL, getenv("RSM_SHARE"));
	ASSERT_EQ(IMC_SUCCESS, imc_api_init(NULL));
}

FIXTURE_TEARDOWN(imc)
{
}

TEST_F_TIMEOUT(imc, a_signal_reaches_a_process_of_the_same_user_on_another_host,
	       300)
{
	pid_t t = 0;

	rsmt_step_test("imc.kill.same");
	if (self->node == self->last) {
		t = target(true, STEP_S);
		ASSERT_LT(0, t);
		ASSERT_EQ(0, write_pid("same", t));
	}
	ASSERT_EQ(0, rsmt_step("ready", STEP_S));
	if (self->node == 1) {
		/* check 56; signal 0 only checks */
		EXPECT_EQ(IMC_SUCCESS, kill_as_nobody(self->last_host,
						      read_pid("same"), 0));
		EXPECT_EQ(IMC_SUCCESS, kill_as_nobody(self->last_host,
						      read_pid("same"),
						      SIGUSR1));
	}
	if (self->node == self->last)
		EXPECT_EQ(1, reap(t));	/* exactly one SIGUSR1 arrived */
	ASSERT_EQ(0, rsmt_step("done", STEP_S));
}

TEST_F_TIMEOUT(imc, this_hosts_own_name_signals_here, 120)
{
	char self_host[IMC_MAXHOSTNAMELEN];
	pid_t t = target(true, 60);

	ASSERT_LT(0, t);
	host_name(self_host, sizeof(self_host), self->node);
	EXPECT_EQ(IMC_SUCCESS, kill_as_nobody(self_host, t, SIGUSR1));
	EXPECT_EQ(1, reap(t));
}

TEST_F(imc, bad_pids_and_signal_numbers_are_refused)
{
	/* check 57 */
	EXPECT_EQ(IMC_BADPARM, kill_as_nobody(self->last_host, 0, SIGUSR1));
	EXPECT_EQ(IMC_BADPARM, kill_as_nobody(self->last_host, -5, SIGUSR1));
	/* check 58 */
	EXPECT_EQ(IMC_EINVAL, kill_as_nobody(self->last_host, 1, 9999));
	EXPECT_EQ(IMC_EINVAL, kill_as_nobody(self->last_host, 1, -1));
	EXPECT_EQ(IMC_EINVAL, kill_as_nobody(self->last_host, 1, SIGSTOP));
	EXPECT_EQ(IMC_EINVAL, kill_as_nobody(self->last_host, 1, SIGKILL));
	EXPECT_EQ(IMC_EINVAL, kill_as_nobody(self->last_host, 1, SIGCONT));
}

TEST_F_TIMEOUT(imc, a_missing_process_is_esrch_and_another_users_is_eperm,
	       300)
{
	pid_t t = 0;

	rsmt_step_test("imc.kill.perm");
	if (self->node == self->last) {
		t = target(false, STEP_S);	/* root's */
		ASSERT_LT(0, t);
		ASSERT_EQ(0, write_pid("root", t));
	}
	ASSERT_EQ(0, rsmt_step("ready", STEP_S));
	if (self->node == 1) {
		/* check 59 */
		EXPECT_EQ(IMC_EPERM, kill_as_nobody(self->last_host,
						    read_pid("root"),
						    SIGUSR1));
		EXPECT_EQ(IMC_EPERM, kill_as_nobody(self->last_host,
						    read_pid("root"), 0));
		EXPECT_EQ(IMC_ESRCH, kill_as_nobody(self->last_host, NO_PID,
						    SIGUSR1));
		EXPECT_EQ(IMC_ESRCH, kill_as_nobody(self->last_host,
						    5000000, SIGUSR1));
	}
	ASSERT_EQ(0, rsmt_step("tried", STEP_S));
	if (self->node == self->last) {
		/* nothing arrived: end it ourselves */
		EXPECT_EQ(0, kill(t, SIGUSR1));
		EXPECT_EQ(1, reap(t));
	}
	ASSERT_EQ(0, rsmt_step("done", STEP_S));
}

TEST_F(imc, unknown_hosts_and_root_callers_are_refused)
{
	pid_t c;
	int status;

	/* check 60 */
	EXPECT_EQ(IMC_BADHOST, kill_as_nobody("nosuchhost", 1234, SIGUSR1));
	EXPECT_EQ(IMC_NOROOT, imc_kill(self->last_host, 1234, SIGUSR1));
	EXPECT_EQ(IMC_NOROOT, imc_kill(self->last_host, getpid(), 0));
	/* a process that did not call imc_api_init() */
	c = fork();
	ASSERT_LE(0, c);
	if (c == 0) {
		if (setgid(NOBODY) || setuid(NOBODY))
			_exit(1);
		_exit(imc_kill(self->last_host, 1234, 0) == IMC_NOTINIT ? 0 : 2);
	}
	ASSERT_EQ(c, waitpid(c, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_HARNESS_MAIN
