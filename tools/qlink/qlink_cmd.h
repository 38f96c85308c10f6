/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The qlink commands, one implementation for both front ends:
 * `ip qlink ...` (ip/ipqlink.c in the patched iproute2) and the standalone
 * `qlink ...` tool. Global options (-s, -d, -j, -p) are iproute2's
 * show_stats, show_details, json and pretty.
 */
#ifndef _QLINK_CMD_H
#define _QLINK_CMD_H

/*
 * Run one command: ARGV[0] is the object ("link", "monitor", "version",
 * "help"). PROG is how usage texts name the command ("ip qlink", "qlink").
 * Returns 0, 1 for errors found here, 2 for errors the kernel reported
 * (argument errors exit(255) from iproute2's helpers, as in ip).
 */
int qlink_cmd(const char *prog, int argc, char **argv);

/* Top-level usage text to F. */
void qlink_cmd_usage(const char *prog, FILE *f);

#endif /* _QLINK_CMD_H */
