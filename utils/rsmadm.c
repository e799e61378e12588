// SPDX-License-Identifier: GPL-2.0-only
/*
 * rsmadm - configure this node's rsm cluster membership.
 *
 * Reads /etc/rsm/rsm.conf (node id -> address lines, see rsm.conf(5)),
 * works out which node this is by matching the listed addresses against the
 * host's own, and pushes the configuration into rsm.ko, after the cluster
 * key of /etc/rsm/rsm.key (rsm(7)).  Also generates keys, waits for the
 * cluster to come up, and deconfigures.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <ifaddrs.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>

#include "rsm_dev.h"

#define RSM_CONF_DEFAULT	"/etc/rsm/rsm.conf"
#define RSM_KEY_DEFAULT		"/etc/rsm/rsm.key"
/* Bytes of random a new key gets (rsmadm genkey). */
#define RSM_KEY_GEN_BYTES	32
/* A key file holds at most this much (a too long file is refused). */
#define RSM_KEY_FILE_MAX	(4 * RSM_KEY_MAX)

struct rsm_conf {
	struct rsm_ioc_peer peers[RSM_MAX_PEER_ADDRS];
	unsigned int npeers;
	bool remote_root;	/* "remote-root trust" */
	int remote_root_line;	/* line of the remote-root setting, 0: none */
	/* "host NAME" of each node, its Memory Channel API name; "": none */
	char host[RSM_MAX_NODE][RSM_IMC_HOSTNAME];
};

/* The command line. */
struct rsmadm_opts {
	const char *cmd;
	const char *file;	/* -f */
	const char *keyfile;	/* -k */
	unsigned int local;	/* -n, else RSM_NODEID_NONE */
	unsigned int flags;	/* RSM_CLUSTER_* */
	int timeout_s;		/* -t */
	bool have_node;
	bool force;		/* --force */
};

static void usage(FILE *f)
{
	fprintf(f,
"usage: rsmadm load [-f FILE] [-k KEYFILE] [-n NODEID] [--restart]\n"
"       rsmadm check [-f FILE] [-k KEYFILE] [-n NODEID]\n"
"       rsmadm genkey [-k KEYFILE] [--force]\n"
"       rsmadm wait [-t SECONDS]\n"
"       rsmadm clear\n"
"\n"
"  load    read the cluster configuration (default " RSM_CONF_DEFAULT ")\n"
"          and push it into rsm.ko; peers no longer listed are dropped,\n"
"          new ones are connected. The local node id is the id whose\n"
"          address is configured on this host, unless -n gives it.\n"
"          The cluster key (default " RSM_KEY_DEFAULT ") is pushed\n"
"          first; without a key file the key is cleared, with a warning.\n"
"          --restart re-establishes every connection.\n"
"  check   parse the file and the key file and print the configuration,\n"
"          change nothing\n"
"  genkey  write a new random cluster key to KEYFILE (mode 0600); copy it\n"
"          to every node. --force replaces an existing file.\n"
"  wait    wait until every configured peer is connected (default 60 s);\n"
"          exit status 1 on timeout, naming the peers still down\n"
"  clear   forget the configuration and disconnect from every peer\n"
"\n"
"File format (rsm.conf(5)): one node per line, '<node id> <address>...'\n"
"with an optional 'host <name>' (its Memory Channel API host name);\n"
"'remote-root squash' (default) or 'remote-root trust'; '#' starts a\n"
"comment. Node ids are 0..%d; addresses IPv4 or IPv6.\n"
"Key file: one line of %d to %d hex digits, a regular file owned by root\n"
"with mode 0600 or 0400 (rsm(7)).\n",
		RSM_MAX_NODE - 1, 2 * RSM_KEY_MIN, 2 * RSM_KEY_MAX);
}

static int conf_add(struct rsm_conf *conf, const char *file, int line,
		    unsigned long id, const char *word)
{
	struct rsm_ioc_peer *p;
	unsigned int i;

	if (conf->npeers >= RSM_MAX_PEER_ADDRS) {
		fprintf(stderr, "%s:%d: more than %d addresses\n", file, line,
			RSM_MAX_PEER_ADDRS);
		return -1;
	}
	p = &conf->peers[conf->npeers];
	memset(p, 0, sizeof(*p));
	p->nodeid = id;
	if (inet_pton(AF_INET, word, p->addr) == 1) {
		p->family = AF_INET;
	} else if (inet_pton(AF_INET6, word, p->addr) == 1) {
		p->family = AF_INET6;
	} else {
		fprintf(stderr, "%s:%d: '%s' is not an IPv4 or IPv6 address\n",
			file, line, word);
		return -1;
	}
	for (i = 0; i < conf->npeers; i++) {
		if (conf->peers[i].family == p->family &&
		    !memcmp(conf->peers[i].addr, p->addr, sizeof(p->addr))) {
			fprintf(stderr, "%s:%d: address %s listed twice\n",
				file, line, word);
			return -1;
		}
	}
	conf->npeers++;
	return 0;
}

/* "remote-root squash|trust": the words after the keyword. */
static int conf_remote_root(struct rsm_conf *conf, const char *file,
			    int line, char **save)
{
	char *word = strtok_r(NULL, " \t\r", save);

	if (conf->remote_root_line) {
		fprintf(stderr, "%s:%d: remote-root already set on line %d\n",
			file, line, conf->remote_root_line);
		return -1;
	}
	if (!word) {
		fprintf(stderr, "%s:%d: remote-root needs a value: squash or trust\n",
			file, line);
		return -1;
	}
	if (strcmp(word, "squash") && strcmp(word, "trust")) {
		fprintf(stderr,
			"%s:%d: bad remote-root '%s' (squash or trust)\n",
			file, line, word);
		return -1;
	}
	if (strtok_r(NULL, " \t\r", save)) {
		fprintf(stderr, "%s:%d: remote-root takes one value\n", file,
			line);
		return -1;
	}
	conf->remote_root = !strcmp(word, "trust");
	conf->remote_root_line = line;
	return 0;
}

/* "host NAME" on node @id's line: letters, digits, '-', '_', '.'. */
static int conf_host(struct rsm_conf *conf, const char *file, int line,
		     unsigned long id, char **save)
{
	char *name = strtok_r(NULL, " \t\r", save);
	unsigned int k;
	size_t i;

	if (!name) {
		fprintf(stderr, "%s:%d: host needs a name\n", file, line);
		return -1;
	}
	for (i = 0; name[i]; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("-_.", name[i]))
			break;
	if (name[i] || i >= RSM_IMC_HOSTNAME) {
		fprintf(stderr,
			"%s:%d: bad host name '%s' (up to %d letters, digits, '-', '_' or '.')\n",
			file, line, name, RSM_IMC_HOSTNAME - 1);
		return -1;
	}
	if (conf->host[id][0]) {
		fprintf(stderr, "%s:%d: node %lu already has a host name\n",
			file, line, id);
		return -1;
	}
	for (k = 0; k < RSM_MAX_NODE; k++)
		if (!strcmp(conf->host[k], name)) {
			fprintf(stderr, "%s:%d: host name '%s' is node %u's already\n",
				file, line, name, k);
			return -1;
		}
	strcpy(conf->host[id], name);
	return 0;
}

static int conf_parse_line(struct rsm_conf *conf, const char *file, int line,
			   char *s)
{
	char *save = NULL, *word, *end;
	unsigned long id;
	int naddr = 0;

	s[strcspn(s, "#\n")] = '\0';
	word = strtok_r(s, " \t\r", &save);
	if (!word)
		return 0;	/* blank or comment */
	if (!strcmp(word, "remote-root"))
		return conf_remote_root(conf, file, line, &save);
	errno = 0;
	id = strtoul(word, &end, 10);
	if (errno || *end || !isdigit((unsigned char)word[0]) ||
	    id >= RSM_MAX_NODE) {
		fprintf(stderr, "%s:%d: bad node id '%s' (0..%d)\n", file,
			line, word, RSM_MAX_NODE - 1);
		return -1;
	}
	while ((word = strtok_r(NULL, " \t\r", &save))) {
		if (!strcmp(word, "host")) {
			if (conf_host(conf, file, line, id, &save))
				return -1;
			continue;
		}
		if (conf_add(conf, file, line, id, word))
			return -1;
		naddr++;
	}
	if (!naddr) {
		fprintf(stderr, "%s:%d: node %lu has no address\n", file, line,
			id);
		return -1;
	}
	return 0;
}

static int conf_read(struct rsm_conf *conf, const char *file)
{
	char buf[1024];
	int line = 0, ret = 0;
	FILE *f = fopen(file, "r");

	if (!f) {
		fprintf(stderr, "cannot read %s: %s\n", file, strerror(errno));
		return -1;
	}
	conf->npeers = 0;
	memset(conf->host, 0, sizeof(conf->host));
	conf->remote_root = false;
	conf->remote_root_line = 0;
	while (!ret && fgets(buf, sizeof(buf), f)) {
		line++;
		if (!strchr(buf, '\n') && !feof(f)) {
			fprintf(stderr, "%s:%d: line too long\n", file, line);
			ret = -1;
			break;
		}
		ret = conf_parse_line(conf, file, line, buf);
	}
	fclose(f);
	return ret;
}

/* The node whose configured address is one of this host's addresses. */
static int conf_local_nodeid(const struct rsm_conf *conf, unsigned int *id)
{
	struct ifaddrs *ifa, *i;
	unsigned int k;
	int found = -1;

	if (getifaddrs(&ifa)) {
		perror("getifaddrs");
		return -1;
	}
	for (i = ifa; i; i = i->ifa_next) {
		const void *a;
		int fam;

		if (!i->ifa_addr)
			continue;
		fam = i->ifa_addr->sa_family;
		if (fam == AF_INET)
			a = &((struct sockaddr_in *)i->ifa_addr)->sin_addr;
		else if (fam == AF_INET6)
			a = &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr;
		else
			continue;
		for (k = 0; k < conf->npeers; k++) {
			const struct rsm_ioc_peer *p = &conf->peers[k];

			if (p->family != fam ||
			    memcmp(p->addr, a, fam == AF_INET ? 4 : 16))
				continue;
			if (found >= 0 && (unsigned int)found != p->nodeid) {
				fprintf(stderr,
					"this host has addresses of nodes %d and %u\n",
					found, p->nodeid);
				freeifaddrs(ifa);
				return -1;
			}
			found = p->nodeid;
		}
	}
	freeifaddrs(ifa);
	if (found < 0) {
		fprintf(stderr,
			"none of the configured addresses is on this host; use -n NODEID\n");
		return -1;
	}
	*id = found;
	return 0;
}

/*
 * Cluster key files (rsm(7)): one line of hex digits, 2 * RSM_KEY_MIN to
 * 2 * RSM_KEY_MAX of them, and an optional newline; a regular file owned by
 * root that neither group nor others may access.  Key bytes are never
 * printed, and every buffer that held them is wiped.
 */
static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int key_parse(const char *file, const char *text, size_t len,
		     struct rsm_ioc_cluster_key *key)
{
	size_t digits = len, i;

	if (digits && text[digits - 1] == '\n')
		digits--;
	for (i = 0; i < digits; i++) {
		if (hex_value(text[i]) < 0) {
			fprintf(stderr,
				"%s: byte %zu is not a hex digit (a cluster key is one line of hex digits)\n",
				file, i + 1);
			return -1;
		}
	}
	if (digits % 2 || digits < 2 * RSM_KEY_MIN ||
	    digits > 2 * RSM_KEY_MAX) {
		fprintf(stderr,
			"%s: %zu hex digits; a cluster key has an even number from %d to %d (%d to %d bytes)\n",
			file, digits, 2 * RSM_KEY_MIN, 2 * RSM_KEY_MAX,
			RSM_KEY_MIN, RSM_KEY_MAX);
		return -1;
	}
	for (i = 0; i < digits / 2; i++)
		key->key[i] = hex_value(text[2 * i]) << 4 |
			      hex_value(text[2 * i + 1]);
	key->len = digits / 2;
	return 0;
}

/* Type and permissions, checked on the open file before reading it. */
static int key_file_stat(const char *file, int fd, struct stat *st)
{
	if (fstat(fd, st)) {
		fprintf(stderr, "cannot stat %s: %s\n", file, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st->st_mode)) {
		fprintf(stderr, "%s: not a regular file\n", file);
		return -1;
	}
	if (st->st_mode & 077) {
		fprintf(stderr,
			"%s: mode %04o gives group or others access; a cluster key must be mode 0600 or 0400 (chmod 600 %s)\n",
			file, (unsigned int)(st->st_mode & 07777), file);
		return -1;
	}
	return 0;
}

/* Reads all of the open file into @text; -1 if it has @size bytes or more. */
static int key_file_text(const char *file, int fd, char *text, size_t size,
			 size_t *len)
{
	ssize_t n;

	*len = 0;
	while (*len < size) {
		n = read(fd, text + *len, size - *len);
		if (n == 0)
			return 0;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "cannot read %s: %s\n", file,
				strerror(errno));
			return -1;
		}
		*len += n;
	}
	fprintf(stderr, "%s: too long for a cluster key (%d to %d hex digits)\n",
		file, 2 * RSM_KEY_MIN, 2 * RSM_KEY_MAX);
	return -1;
}

/*
 * Load the key of @file into @key.  Returns 0, 1 when the file does not
 * exist (@key is then the "clear" request), or -1 after printing why the
 * file is refused.
 */
static int key_read(const char *file, struct rsm_ioc_cluster_key *key)
{
	char text[RSM_KEY_FILE_MAX];
	struct stat st;
	size_t len = 0;
	int fd, ret = -1;

	memset(key, 0, sizeof(*key));
	fd = open(file, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 1;
		fprintf(stderr, "cannot read %s: %s\n", file, strerror(errno));
		return -1;
	}
	if (key_file_stat(file, fd, &st) ||
	    key_file_text(file, fd, text, sizeof(text), &len) ||
	    key_parse(file, text, len, key))
		goto out;
	if (st.st_uid != 0) {
		fprintf(stderr,
			"%s: owned by uid %u; a cluster key must be owned by root\n",
			file, (unsigned int)st.st_uid);
		goto out;
	}
	ret = 0;
out:
	explicit_bzero(text, sizeof(text));
	if (ret)
		explicit_bzero(key, sizeof(*key));
	close(fd);
	return ret;
}

/* A fresh key as hex digits and a newline, written to @fd and synced. */
static int key_write_new(const char *file, int fd)
{
	static const char digits[] = "0123456789abcdef";
	unsigned char raw[RSM_KEY_GEN_BYTES];
	char text[2 * RSM_KEY_GEN_BYTES + 1];
	size_t got = 0, done = 0, i;
	ssize_t n;
	int ret = -1;

	while (got < sizeof(raw)) {
		n = getrandom(raw + got, sizeof(raw) - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "getrandom: %s\n", strerror(errno));
			goto out;
		}
		got += n;
	}
	for (i = 0; i < sizeof(raw); i++) {
		text[2 * i] = digits[raw[i] >> 4];
		text[2 * i + 1] = digits[raw[i] & 0xf];
	}
	text[sizeof(text) - 1] = '\n';
	while (done < sizeof(text)) {
		n = write(fd, text + done, sizeof(text) - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += n;
	}
	if (done < sizeof(text) || fsync(fd)) {
		fprintf(stderr, "cannot write %s: %s\n", file, strerror(errno));
		goto out;
	}
	ret = 0;
out:
	explicit_bzero(raw, sizeof(raw));
	explicit_bzero(text, sizeof(text));
	return ret;
}

/* Mode 0600 whatever the umask, the key, close; the file goes on error. */
static int key_fill(const char *path, const char *file, int fd)
{
	int ret = 0;

	if (fchmod(fd, 0600)) {
		fprintf(stderr, "cannot chmod %s: %s\n", path, strerror(errno));
		ret = -1;
	} else if (key_write_new(file, fd)) {
		ret = -1;
	}
	if (close(fd) && !ret) {
		fprintf(stderr, "cannot write %s: %s\n", file, strerror(errno));
		ret = -1;
	}
	if (ret)
		unlink(path);
	return ret;
}

/*
 * rsmadm genkey: a new file, never an existing one; with --force a
 * temporary file next to it that then replaces it in one rename.
 */
static int cmd_genkey(const char *file, bool force)
{
	char *tmp;
	int fd, ret = 1;

	if (!force) {
		fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
			  O_CLOEXEC, 0600);
		if (fd < 0 && errno == EEXIST) {
			fprintf(stderr,
				"%s exists; rsmadm genkey --force replaces it (then every node needs the new key)\n",
				file);
			return 1;
		}
		if (fd < 0) {
			fprintf(stderr, "cannot create %s: %s\n", file,
				strerror(errno));
			return 1;
		}
		return key_fill(file, file, fd) ? 1 : 0;
	}
	if (asprintf(&tmp, "%s.XXXXXX", file) < 0) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "cannot create a file next to %s: %s\n", file,
			strerror(errno));
	} else if (!key_fill(tmp, file, fd)) {
		if (rename(tmp, file)) {
			fprintf(stderr, "cannot replace %s: %s\n", file,
				strerror(errno));
			unlink(tmp);
		} else {
			ret = 0;
		}
	}
	free(tmp);
	return ret;
}

/*
 * Push @key (unless NULL), then the configuration, through one descriptor.
 * A refused key leaves the configuration alone.
 */
static int push(unsigned int local, const struct rsm_conf *conf,
		unsigned int flags, struct rsm_ioc_cluster_key *key)
{
	struct rsm_ioc_cluster req = {
		.local_nodeid = local,
		.npeers = conf ? conf->npeers : 0,
		.peers = conf ? (unsigned long)conf->peers : 0,
		.flags = flags,
	};
	int fd = rsm_dev_open(O_RDWR);
	int ret = 0;

	if (fd < 0)
		return 1;
	if (key) {
		ret = ioctl(fd, RSM_IOC_CLUSTER_KEY, key);
		if (ret)
			fprintf(stderr, "RSM_IOC_CLUSTER_KEY: %s%s\n",
				ret < 0 ? strerror(errno) : "refused",
				ret < 0 && errno == ENOTTY ?
				" (rsm.ko without cluster keys?)" : "");
	}
	if (!ret) {
		ret = ioctl(fd, RSM_IOC_CLUSTER_SET, &req);
		if (ret)
			fprintf(stderr, "RSM_IOC_CLUSTER_SET: %s\n",
				ret < 0 ? strerror(errno) : "refused");
	}
	if (!ret && conf && local < RSM_MAX_NODE) {
		struct rsm_ioc_imc_hostname hn = { { 0 } };

		/* the Memory Channel API name; "" is the node name */
		memcpy(hn.name, conf->host[local], sizeof(hn.name));
		ret = ioctl(fd, RSM_IOC_IMC_HOSTNAME, &hn);
		if (ret)
			fprintf(stderr, "RSM_IOC_IMC_HOSTNAME: %s\n",
				strerror(errno));
	}
	close(fd);
	return ret ? 1 : 0;
}

static void conf_print(const struct rsm_conf *conf, int local)
{
	char buf[INET6_ADDRSTRLEN];
	unsigned int k;

	printf("local node id: %d\n", local);
	for (k = 0; k < conf->npeers; k++) {
		const struct rsm_ioc_peer *p = &conf->peers[k];

		inet_ntop(p->family, p->addr, buf, sizeof(buf));
		printf("node %u %s%s%s%s\n", p->nodeid, buf,
		       conf->host[p->nodeid][0] ? " host " : "",
		       conf->host[p->nodeid],
		       (int)p->nodeid == local ? " (this node)" : "");
	}
	printf("remote root: %s\n", conf->remote_root ? "trust" : "squash");
}

/* rsmadm check: the configuration and the key file, changing nothing. */
static int cmd_check(const struct rsmadm_opts *o, const struct rsm_conf *conf)
{
	struct rsm_ioc_cluster_key key;
	int ret = key_read(o->keyfile, &key);

	if (ret < 0)
		return 1;
	conf_print(conf, o->local);
	if (ret)
		printf("cluster key: none\n");
	else
		printf("cluster key: %s (%u bytes)\n", o->keyfile, key.len);
	explicit_bzero(&key, sizeof(key));
	return 0;
}

/* rsmadm load: the key (or no key), then the configuration. */
static int cmd_load(const struct rsmadm_opts *o, const struct rsm_conf *conf)
{
	struct rsm_ioc_cluster_key key;
	unsigned int flags = o->flags;
	int ret = key_read(o->keyfile, &key);

	if (ret < 0)
		return 1;
	if (ret)
		fprintf(stderr,
			"rsmadm: warning: no cluster key (%s): peers are only checked by address and privileged source port (see rsm(7))\n",
			o->keyfile);
	if (conf->remote_root)
		flags |= RSM_CLUSTER_REMOTE_ROOT;
	ret = push(o->local, conf, flags, &key);
	explicit_bzero(&key, sizeof(key));
	return ret;
}

/* Every configured peer node has at least one ACTIVE connection. */
static int all_active(int fd, bool report)
{
	struct rsm_status st;
	unsigned int i, j, down = 0;

	if (rsm_status_fetch(fd, &st))
		return -1;
	if (st.hdr->local_nodeid == RSM_NODEID_NONE) {
		if (report)
			fprintf(stderr, "rsm is not configured (rsmadm load)\n");
		rsm_status_free(&st);
		return 0;
	}
	for (i = 0; i < st.hdr->nconn; i++) {
		bool up = false;

		for (j = 0; j < st.hdr->nconn; j++)
			if (st.conn[j].nodeid == st.conn[i].nodeid &&
			    st.conn[j].state == RSM_PATH_ACTIVE)
				up = true;
		if (!up) {
			down++;
			if (report)
				fprintf(stderr, "node %u is not connected\n",
					st.conn[i].nodeid);
		}
	}
	rsm_status_free(&st);
	return down == 0;
}

static int cmd_wait(int timeout_s)
{
	struct timespec start, now;
	int fd = rsm_dev_open(O_RDONLY);
	int ok;

	if (fd < 0)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		ok = all_active(fd, false);
		if (ok)
			break;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (ok < 0 || now.tv_sec - start.tv_sec >= timeout_s) {
			fprintf(stderr, "rsmadm wait: timed out after %d s\n",
				timeout_s);
			all_active(fd, true);
			close(fd);
			return 1;
		}
		usleep(100 * 1000);
	}
	close(fd);
	return 0;
}

/* Returns -1 when the options are good, else the exit status. */
static int parse_opts(int argc, char **argv, struct rsmadm_opts *o)
{
	static const struct option opts[] = {
		{ "file", required_argument, NULL, 'f' },
		{ "key", required_argument, NULL, 'k' },
		{ "node", required_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' },
		{ "restart", no_argument, NULL, 'r' },
		{ "force", no_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "f:k:n:t:rh", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			o->file = optarg;
			break;
		case 'k':
			o->keyfile = optarg;
			break;
		case 'n':
			o->local = strtoul(optarg, &end, 10);
			if (*end || o->local >= RSM_MAX_NODE) {
				fprintf(stderr, "bad node id '%s'\n", optarg);
				return 2;
			}
			o->have_node = true;
			break;
		case 't':
			o->timeout_s = atoi(optarg);
			break;
		case 'r':
			o->flags |= RSM_CLUSTER_RESTART;
			break;
		case 'F':
			o->force = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	o->cmd = argv[optind];
	return -1;
}

int main(int argc, char **argv)
{
	struct rsmadm_opts o = {
		.file = RSM_CONF_DEFAULT,
		.keyfile = RSM_KEY_DEFAULT,
		.local = RSM_NODEID_NONE,
		.timeout_s = 60,
	};
	static struct rsm_conf conf;
	int ret = parse_opts(argc, argv, &o);

	if (ret >= 0)
		return ret;
	if (!strcmp(o.cmd, "wait"))
		return cmd_wait(o.timeout_s);
	if (!strcmp(o.cmd, "clear"))
		return push(RSM_NODEID_NONE, NULL, 0, NULL);
	if (!strcmp(o.cmd, "genkey"))
		return cmd_genkey(o.keyfile, o.force);
	if (strcmp(o.cmd, "load") && strcmp(o.cmd, "check")) {
		usage(stderr);
		return 2;
	}
	if (conf_read(&conf, o.file))
		return 1;
	if (!o.have_node && conf_local_nodeid(&conf, &o.local))
		return 1;
	if (!strcmp(o.cmd, "check"))
		return cmd_check(&o, &conf);
	return cmd_load(&o, &conf);
}
