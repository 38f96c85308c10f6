/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The qlink commands, one implementation for both front ends:
 * `ip qlink ...` (ip/ipqlink.c in the patched iproute2) and the standalone
 * `qlink ...` tool. Global options (-s, -d, -j, -p) are iproute2's
 * show_stats, show_details, json and pretty.
 */
#ifndef _QLINK_CMD_H
#define _QLINK_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/*
 * Run one command: ARGV[0] is the object ("link", "monitor", "version",
 * "help"). PROG is how usage texts name the command ("ip qlink", "qlink").
 * Returns 0, 1 for errors found here, 2 for errors the kernel reported
 * (argument errors exit(255) from iproute2's helpers, as in ip).
 */
int qlink_cmd(const char *prog, int argc, char **argv);

/* Top-level usage text to F. */
void qlink_cmd_usage(const char *prog, FILE *f);

/*
 * Shared by qlink_cmd.c and qlink_req.c (one translation unit in ip, two
 * in the qlink tool).
 */

/* Exit statuses, as ip's: 1 for our own errors, 2 for the kernel's. */
#define ERR_LOCAL	1
#define ERR_KERNEL	2

struct ql_handle;

/* How usage texts name the command ("ip qlink", "qlink"). */
extern const char *qc_prog_name;

/* "Error: <kernel message> (<hint>)." to stderr; returns ERR_KERNEL. */
int qc_kernel_error(struct ql_handle *h, const char *what);

/* ql_open() with the tool's messages; 0 or ERR_LOCAL. */
int qc_open_handle(struct ql_handle **hp);

/* "Error: \"NAME\" is required." and exit(-1), as ip's argument errors. */
void qc_required(const char *name) __attribute__((noreturn));

/* DEV, which must be given and be a valid ifname (else exits as above). */
const char *qc_dev(const char *dev);

/*
 * Print the enum value V under KEY: its NAME with NAME_FMT when there is
 * one, else the number with NUM_FMT (a value newer than this tool).
 */
void qc_print_name(const char *key, const char *name, const char *name_fmt,
		   const char *num_fmt, unsigned int v);

/* The objects of qlink_req.c: purpose, request, receive. */
int qc_do_purpose(int argc, char **argv);
int qc_do_request(int argc, char **argv);
int qc_do_receive(int argc, char **argv);
void qc_usage_purpose(FILE *f);
void qc_usage_request(FILE *f);
void qc_usage_receive(FILE *f);

/* Like qp_explain() for QLINK_A_PURPOSE_* messages. */
bool qc_purpose_explain(const char *msg, char *buf, size_t len);

#endif /* _QLINK_CMD_H */
