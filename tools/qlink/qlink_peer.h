/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The link protocol's peer on the command line (Documentation/
 * qlink-protocol.rst), shared by the qlink tool and `ip qlink`, and usable
 * by an ip link plugin for a driver's creation attributes:
 *
 *   peer ADDR:PORT key FILE [ local-port PORT ] [ role { decide | follow } ]
 *        [ timeout TIME ] [ keepalive TIME ] [ netns NAME ]
 *
 * ADDR is a numeric IPv4 address, or an IPv6 one in brackets
 * ([2001:db8::1]:4747). FILE holds the 256-bit link key as 64 hex digits
 * (whitespace allowed, as `qlink genkey` writes it) or as exactly 32 raw
 * bytes. TIME is in ms, or with a unit ("250ms", "3s"). Keywords are exact.
 *
 * Parsing only (no libqlink, no netlink), with iproute2's helpers: a
 * command-line error ends the program with status 255, as ip's do.
 */
#ifndef _QLINK_PEER_H
#define _QLINK_PEER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define QPEER_KEY_LEN	32

/**
 * struct qpeer - a peer as the command line gives it
 * @family: AF_INET or AF_INET6
 * @addr: the address, network byte order (4 or 16 bytes)
 * @port: the peer's UDP port
 * @local_port: this end's UDP port, 0 if not given
 * @role: enum qlink_peer_role, 0 if not given
 * @timeout: ms, 0 if not given
 * @keepalive: ms, 0 if not given
 * @netns_fd: fd of the netns named by "netns", -1 if not given
 * @key: the link key; wiped by qpeer_release()
 */
struct qpeer {
	int family;
	uint8_t addr[16];
	uint16_t port;
	uint16_t local_port;
	uint32_t role;
	uint32_t timeout;
	uint32_t keepalive;
	int netns_fd;
	uint8_t key[QPEER_KEY_LEN];
};

/* An empty peer: nothing given, no netns fd. */
void qpeer_init(struct qpeer *p);

/* Wipe the key and close the netns fd. */
void qpeer_release(struct qpeer *p);

/*
 * "ADDR:PORT" or "[ADDR6]:PORT" into P's family, address and port; 0, or
 * -1 with *WHY set to a reason.
 */
int qpeer_parse_endpoint(const char *arg, struct qpeer *p, const char **why);

/*
 * The key in FILE into KEY; 0, or -1 with a reason in WHY. Warns on
 * stderr when a regular file is readable by group or others. The bytes
 * read are wiped.
 */
int qpeer_read_key(const char *file, uint8_t key[QPEER_KEY_LEN], char *why,
		   size_t len);

/* KEY as 64 lower-case hex digits and a NUL into HEX. */
void qpeer_key_hex(const uint8_t key[QPEER_KEY_LEN], char hex[65]);

/*
 * Consume the words after "peer" from ARGCP, ARGVP into P: ADDR:PORT,
 * then the peer's keywords until a word that is none of them (left for
 * the caller). "key" is required. ROLE: whether "role" may be given (not
 * when the driver fixes it). Errors exit(-1).
 */
void qpeer_parse_args(int *argcp, char ***argvp, struct qpeer *p, bool role);

/* ADDR:PORT (IPv6 in brackets) of FAMILY's ADDR into BUF. */
void qpeer_format_endpoint(int family, const void *addr, uint16_t port,
			   char *buf, size_t len);

/* MS as qpeer_parse_args() reads it back ("3s", "250ms"). */
void qpeer_format_ms(uint32_t ms, char *buf, size_t len);

/* The peer's syntax, for help texts. */
void qpeer_help(FILE *f);

#endif /* _QLINK_PEER_H */
