// SPDX-License-Identifier: GPL-2.0
/*
 * The link protocol's peer on the command line (see qlink_peer.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "utils.h"
#include "namespace.h"

#include <linux/qlink_genl.h>
#include "qlink_peer.h"

/* Longer than any key file qpeer_read_key() accepts. */
#define QPEER_FILE_MAX	256

void qpeer_init(struct qpeer *p)
{
	memset(p, 0, sizeof(*p));
	p->netns_fd = -1;
}

void qpeer_release(struct qpeer *p)
{
	explicit_bzero(p->key, sizeof(p->key));
	if (p->netns_fd >= 0)
		close(p->netns_fd);
	p->netns_fd = -1;
}

int qpeer_parse_endpoint(const char *arg, struct qpeer *p, const char **why)
{
	char host[INET6_ADDRSTRLEN];
	const char *colon, *end;
	size_t n;

	if (arg[0] == '[') {
		end = strchr(arg, ']');
		if (!end || end[1] != ':') {
			*why = "ADDR:PORT expected, an IPv6 address as [ADDR]:PORT";
			return -1;
		}
		n = end - arg - 1;
		colon = end + 1;
		p->family = AF_INET6;
	} else {
		colon = strrchr(arg, ':');
		if (!colon) {
			*why = "ADDR:PORT expected (the port is required)";
			return -1;
		}
		if (strchr(arg, ':') != colon) {
			*why = "an IPv6 address is written [ADDR]:PORT";
			return -1;
		}
		n = colon - arg;
		p->family = AF_INET;
	}
	if (n < sizeof(host)) {
		memcpy(host, arg + (p->family == AF_INET6), n);
		host[n] = '\0';
	}
	if (n >= sizeof(host) || inet_pton(p->family, host, p->addr) != 1) {
		*why = p->family == AF_INET ?
		       "not a numeric IPv4 address before \":PORT\"" :
		       "not a numeric IPv6 address in [ADDR]:PORT";
		return -1;
	}
	if (get_u16(&p->port, colon + 1, 10) || !p->port) {
		*why = "the port must be 1 to 65535";
		return -1;
	}
	return 0;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

/*
 * @n bytes of a key file into @key: only hex digits and whitespace make
 * hex (64 digits needed), anything else raw bytes (32 needed).
 */
static int parse_key(const uint8_t *buf, size_t n, uint8_t *key, char *why,
		     size_t len)
{
	size_t i, digits = 0;
	bool hex = true;

	for (i = 0; i < n && hex; i++)
		if (hexval(buf[i]) >= 0)
			digits++;
		else if (!is_space(buf[i]))
			hex = false;
	if (hex && digits == 2 * QPEER_KEY_LEN) {
		for (i = 0, digits = 0; i < n; i++) {
			int v = hexval(buf[i]);

			if (v < 0)
				continue;
			if (digits % 2)
				key[digits / 2] |= v;
			else
				key[digits / 2] = v << 4;
			digits++;
		}
		return 0;
	}
	if (!hex && n == QPEER_KEY_LEN) {
		memcpy(key, buf, n);
		return 0;
	}
	if (hex && n)
		snprintf(why, len, "%zu hex digits, a key is 64", digits);
	else
		snprintf(why, len,
			 "%zu%s bytes, a key is 64 hex digits or 32 raw bytes",
			 n, n > QPEER_FILE_MAX ? " or more" : "");
	return -1;
}

int qpeer_read_key(const char *file, uint8_t key[QPEER_KEY_LEN], char *why,
		   size_t len)
{
	uint8_t buf[QPEER_FILE_MAX + 1];
	struct stat st;
	size_t n = 0;
	ssize_t r;
	int fd, err;

	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, len, "%s", strerror(errno));
		return -1;
	}
	if (!fstat(fd, &st) && S_ISREG(st.st_mode) &&
	    (st.st_mode & (S_IRGRP | S_IROTH)))
		fprintf(stderr,
			"Warning: key file \"%s\" is readable by group or others (chmod 600 it).\n",
			file);
	while (n < sizeof(buf)) {
		r = read(fd, buf + n, sizeof(buf) - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += r;
	}
	err = r < 0 ? errno : 0;
	close(fd);
	if (err)
		snprintf(why, len, "%s", strerror(err));
	else
		err = parse_key(buf, n, key, why, len);
	explicit_bzero(buf, sizeof(buf));
	return err ? -1 : 0;
}

void qpeer_key_hex(const uint8_t key[QPEER_KEY_LEN], char hex[65])
{
	static const char digit[] = "0123456789abcdef";
	int i;

	for (i = 0; i < QPEER_KEY_LEN; i++) {
		hex[2 * i] = digit[key[i] >> 4];
		hex[2 * i + 1] = digit[key[i] & 15];
	}
	hex[64] = '\0';
}

/* "250", "250ms", "3s" into ms (at least 1). */
static int parse_ms(const char *arg, uint32_t *ms)
{
	unsigned long long v;
	unsigned int mult = 1;
	char *end;

	if (*arg < '0' || *arg > '9')
		return -1;
	errno = 0;
	v = strtoull(arg, &end, 10);
	if (!strcmp(end, "s"))
		mult = 1000;
	else if (*end && strcmp(end, "ms"))
		return -1;
	if (errno || !v || v > UINT32_MAX / mult)
		return -1;
	*ms = v * mult;
	return 0;
}

void qpeer_format_ms(uint32_t ms, char *buf, size_t len)
{
	if (ms && !(ms % 1000))
		snprintf(buf, len, "%us", ms / 1000);
	else
		snprintf(buf, len, "%ums", ms);
}

void qpeer_format_endpoint(int family, const void *addr, uint16_t port,
			   char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN];

	if (!inet_ntop(family, addr, host, sizeof(host)))
		snprintf(host, sizeof(host), "?");
	snprintf(buf, len, family == AF_INET6 ? "[%s]:%u" : "%s:%u", host,
		 port);
}

static void key_arg(const char *file, struct qpeer *p)
{
	char why[128];

	if (qpeer_read_key(file, p->key, why, sizeof(why))) {
		fprintf(stderr, "Error: key file \"%s\": %s.\n", file, why);
		exit(-1);
	}
}

void qpeer_parse_args(int *argcp, char ***argvp, struct qpeer *p, bool role)
{
	int argc = *argcp;
	char **argv = *argvp;
	bool key = false;
	const char *why;

	if (qpeer_parse_endpoint(*argv, p, &why))
		invarg(why, *argv);
	NEXT_ARG_FWD();
	while (argc > 0) {
		if (strcmp(*argv, "key") == 0) {
			NEXT_ARG();
			if (key)
				duparg("key", *argv);
			key_arg(*argv, p);
			key = true;
		} else if (strcmp(*argv, "local-port") == 0) {
			NEXT_ARG();
			if (p->local_port)
				duparg("local-port", *argv);
			if (get_u16(&p->local_port, *argv, 10) || !p->local_port)
				invarg("the port must be 1 to 65535", *argv);
		} else if (strcmp(*argv, "role") == 0) {
			NEXT_ARG();
			if (!role) {
				fprintf(stderr,
					"Error: the driver sets this end's role, \"role\" is not taken here.\n");
				exit(-1);
			}
			if (p->role)
				duparg("role", *argv);
			if (strcmp(*argv, "decide") == 0)
				p->role = QLINK_ROLE_DECIDE;
			else if (strcmp(*argv, "follow") == 0)
				p->role = QLINK_ROLE_FOLLOW;
			else
				invarg("the role is \"decide\" or \"follow\"", *argv);
		} else if (strcmp(*argv, "timeout") == 0) {
			NEXT_ARG();
			if (p->timeout)
				duparg("timeout", *argv);
			if (parse_ms(*argv, &p->timeout))
				invarg("timeout: a time in ms (\"3000\", \"3s\")", *argv);
		} else if (strcmp(*argv, "keepalive") == 0) {
			NEXT_ARG();
			if (p->keepalive)
				duparg("keepalive", *argv);
			if (parse_ms(*argv, &p->keepalive))
				invarg("keepalive: a time in ms (\"1000\", \"1s\")", *argv);
		} else if (strcmp(*argv, "netns") == 0) {
			NEXT_ARG();
			if (p->netns_fd >= 0)
				duparg("netns", *argv);
			p->netns_fd = netns_get_fd(*argv);
			if (p->netns_fd < 0) {
				fprintf(stderr,
					"Error: cannot open network namespace \"%s\": %s.\n",
					*argv, strerror(errno));
				exit(-1);
			}
		} else {
			break;	/* not ours: the caller's next word */
		}
		NEXT_ARG_FWD();
	}
	if (!key) {
		fprintf(stderr, "Error: \"key\" is required after \"peer\".\n");
		exit(-1);
	}
	*argcp = argc;
	*argvp = argv;
}

void qpeer_help(FILE *f)
{
	fprintf(f,
		"peer ADDR:PORT key FILE [ PEER-OPTIONS ]: the link's other end on\n"
		"another host, reached through the link protocol:\n"
		"    PEER-OPTIONS := [ local-port PORT ] [ role { decide | follow } ]\n"
		"                    [ timeout TIME ] [ keepalive TIME ] [ netns NAME ]\n"
		"  ADDR:PORT  the peer's numeric address and UDP port; IPv6 as [ADDR]:PORT\n"
		"  key FILE   the link's 256-bit key, the same at both ends: 64 hex digits\n"
		"             (\"qlink genkey\") or 32 raw bytes; never shown again\n"
		"  local-port this end's UDP port (default the peer's)\n"
		"  role       decide: this end matches and heralds; follow: it sends its\n"
		"             tags (the ends differ; not for drivers that fix it)\n"
		"  timeout    the peer is gone after this long without a message (3s)\n"
		"  keepalive  time between hellos (1s)\n"
		"  netns      the network namespace whose UDP socket carries the protocol\n"
		"             (a name in /run/netns or a path; default the current one)\n"
		"  TIME       ms: \"250\", \"250ms\", \"3s\"\n"
		"\"nopeer\" removes the peer. The peer cannot change while the link is up.\n");
}
