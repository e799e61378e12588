// SPDX-License-Identifier: GPL-2.0-only
/*
 * The /dev/rsm ioctl interface refuses bad input and changes nothing:
 * cluster configuration with bad counts, families, node ids, flags,
 * padding, pointers or duplicate addresses; unprivileged configuration;
 * unknown commands; short and bad answer buffers; unterminated names.
 * Runs on every node of a cluster; each node checks itself.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "rsm_cluster.h"

struct snapshot {
	unsigned int local, nconn, active;
};

static struct snapshot snap(void)
{
	struct snapshot s = { ~0u, 0, 0 };
	struct rsm_status st;
	unsigned int i;

	if (rsmt_status(&st))
		return s;
	s.local = st.hdr->local_nodeid;
	s.nconn = st.hdr->nconn;
	for (i = 0; i < st.hdr->nconn; i++)
		s.active += st.conn[i].state == RSM_PATH_ACTIVE;
	rsm_status_free(&st);
	return s;
}

FIXTURE(dev) {
	int fd;
	struct snapshot before;
	struct rsm_ioc_peer peer;
};

FIXTURE_SETUP(dev)
{
	self->fd = open(RSM_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
	if (rsmt_node_id() > 0)
		ASSERT_EQ(0, rsmt_wait_all_active(60));
	self->before = snap();
	memset(&self->peer, 0, sizeof(self->peer));
	self->peer.nodeid = 40;
	self->peer.family = AF_INET;
	inet_pton(AF_INET, "192.0.2.40", self->peer.addr);
}

FIXTURE_TEARDOWN(dev)
{
	struct snapshot after = snap();

	/* nothing a refused request did may show */
	EXPECT_EQ(self->before.local, after.local);
	EXPECT_EQ(self->before.nconn, after.nconn);
	EXPECT_EQ(self->before.active, after.active);
	close(self->fd);
}

static int cluster_set(int fd, struct rsm_ioc_cluster *req)
{
	return ioctl(fd, RSM_IOC_CLUSTER_SET, req) ? errno : 0;
}

TEST_F(dev, cluster_set_refuses_too_many_peers)
{
	struct rsm_ioc_cluster req = {
		.local_nodeid = 1, .npeers = RSM_MAX_PEER_ADDRS + 1,
		.peers = (unsigned long)&self->peer,
	};

	EXPECT_EQ(EINVAL, cluster_set(self->fd, &req));
}

TEST_F(dev, cluster_set_refuses_bad_node_ids)
{
	struct rsm_ioc_cluster req = {
		.local_nodeid = RSM_MAX_NODE, .npeers = 1,
		.peers = (unsigned long)&self->peer,
	};

	EXPECT_EQ(EINVAL, cluster_set(self->fd, &req));
	req.local_nodeid = 1;
	self->peer.nodeid = RSM_MAX_NODE;
	EXPECT_EQ(EINVAL, cluster_set(self->fd, &req));
}

TEST_F(dev, cluster_set_refuses_bad_addresses)
{
	struct rsm_ioc_peer two[2];
	struct rsm_ioc_cluster req = {
		.local_nodeid = 1, .npeers = 1,
		.peers = (unsigned long)&self->peer,
	};

	self->peer.family = 99;
	EXPECT_EQ(EINVAL, cluster_set(self->fd, &req));
	self->peer.family = AF_INET;
	inet_pton(AF_INET, "224.0.0.1", self->peer.addr);
	EXPECT_EQ(EINVAL, cluster_set(self->fd, &req));
	inet_pton(AF_INET, "0.0.0.0", self->peer.addr);
	EXPECT_EQ(EINVAL, cluster_set(self->fd, &req));
	self->peer.family = AF_INET6;
	memset(self->peer.addr, 0, 16);
	EXPECT_EQ(EINVAL, cluster_set(self->fd, &req));

	/* the same address twice */
	memset(two, 0, sizeof(two));
	two[0].nodeid = 40;
	two[1].nodeid = 41;
	two[0].family = two[1].family = AF_INET;
	inet_pton(AF_INET, "192.0.2.40", two[0].addr);
	inet_pton(AF_INET, "192.0.2.40", two[1].addr);
	req.npeers = 2;
	req.peers = (unsigned long)two;
	EXPECT_EQ(EINVAL, cluster_set(self->fd, &req));
}

TEST_F(dev, cluster_set_refuses_unknown_flags_and_padding)
{
	struct rsm_ioc_cluster req = {
		.local_nodeid = 1, .npeers = 1,
		.peers = (unsigned long)&self->peer, .flags = 0x80,
	};

	EXPECT_EQ(EINVAL, cluster_set(self->fd, &req));
	req.flags = 0;
	req.pad = 1;
	EXPECT_EQ(EINVAL, cluster_set(self->fd, &req));
	req.pad = 0;
	self->peer.pad = 1;
	EXPECT_EQ(EINVAL, cluster_set(self->fd, &req));
}

TEST_F(dev, cluster_set_refuses_bad_pointers)
{
	struct rsm_ioc_cluster req = {
		.local_nodeid = 1, .npeers = 2, .peers = 1,
	};

	EXPECT_EQ(EFAULT, cluster_set(self->fd, &req));
	EXPECT_EQ(-1, ioctl(self->fd, RSM_IOC_CLUSTER_SET, (void *)8));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F(dev, cluster_set_needs_cap_net_admin)
{
	struct rsm_ioc_cluster req = { .local_nodeid = RSM_NODEID_NONE };
	pid_t pid = fork();
	int status;

	ASSERT_LE(0, pid);
	if (pid == 0) {
		/* nobody, with no capabilities left */
		if (setgid(65534) || setuid(65534))
			_exit(2);
		_exit(cluster_set(self->fd, &req) == EPERM ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_F(dev, unknown_command_is_enotty)
{
	EXPECT_EQ(-1, ioctl(self->fd, _IO(RSM_IOC_MAGIC, 0x7f)));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->fd, 0x5401 /* TCGETS */, NULL));
	EXPECT_EQ(ENOTTY, errno);
}

TEST_F(dev, short_answer_buffer_gets_only_the_needed_size)
{
	unsigned char buf[8];
	struct rsm_ioc_buf req = {
		.buf = (unsigned long)buf, .len = sizeof(buf),
	};

	memset(buf, 0xa5, sizeof(buf));
	ASSERT_EQ(0, ioctl(self->fd, RSM_IOC_STATUS, &req));
	EXPECT_LT(sizeof(buf), req.needed);
	EXPECT_EQ(0xa5, buf[0]);
	req.needed = 0;
	ASSERT_EQ(0, ioctl(self->fd, RSM_IOC_TOPOLOGY, &req));
	EXPECT_LT(sizeof(buf), req.needed);
	EXPECT_EQ(0xa5, buf[0]);
}

TEST_F(dev, bad_answer_buffer_is_efault)
{
	struct rsm_ioc_buf req = { .buf = 1, .len = 1 << 20 };

	EXPECT_EQ(-1, ioctl(self->fd, RSM_IOC_STATUS, &req));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->fd, RSM_IOC_TOPOLOGY, &req));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F(dev, unterminated_controller_name_is_not_present)
{
	struct rsm_ioc_ctlr_attr req;

	memset(&req, 'x', sizeof(req));
	/* RSMERR_CTLR_NOT_PRESENT, as a positive return value */
	EXPECT_EQ(4, ioctl(self->fd, RSM_IOC_CTLR_ATTR, &req));
	memset(&req, 0, sizeof(req));
	strcpy(req.name, "nosuchctl0");
	EXPECT_EQ(4, ioctl(self->fd, RSM_IOC_CTLR_ATTR, &req));
	strcpy(req.name, "LOOPBACK");
	EXPECT_EQ(0, ioctl(self->fd, RSM_IOC_CTLR_ATTR, &req));
	EXPECT_STREQ("loopback", req.name);
	EXPECT_EQ(0u, req.ctlr_index);
}

TEST_HARNESS_MAIN
