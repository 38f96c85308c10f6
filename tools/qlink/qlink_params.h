/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one table of qlink link settings as operators type and read them,
 * shared by the qlink tool, `ip qlink` and the `ip link ... type qlinksim`
 * plugin: command-line name, group, uapi attribute, wire width and unit
 * kind, with the unit parsers and printers (iproute2 style: "length 10km",
 * "window-full 1ns", "rate 100k", "efficiency 0.8" or "80%", "fidelity
 * 0.95", "coherence 10ms"). Text output uses the same units, so what
 * `show` prints can be typed back; JSON carries the raw uapi integers
 * under the uapi names ("window_full" in ps, "fidelity" in ppm...).
 *
 * Every setting belongs to one group, which says where it goes:
 *  - config: the core's configuration every link has (QLINK_A_LINK_CONFIG,
 *    set with QLINK_CMD_LINK_SET; at creation of a qlinksim link in
 *    IFLA_QLINKSIM_CONFIG);
 *  - calib: the calibration (QLINK_A_LINK_CALIB, QLINK_CMD_LINK_SET); on
 *    the command line these follow the word "calib", as several of them
 *    share their names with the simulator's physics;
 *  - qlinksim: the simulator's physics and faults, attributes of its link
 *    kind (rtnetlink IFLA_INFO_DATA, IFLA_QLINKSIM_*).
 *
 * Built against iproute2's utils.h / json_print.h: in the tools they come
 * from iproute2's libutil.a, in the plugin from the running `ip` binary.
 */
#ifndef _QLINK_PARAMS_H
#define _QLINK_PARAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/qlink.h>

enum qp_group {
	QP_CONFIG,	/* enum qlink_config_attr */
	QP_CALIB,	/* enum qlink_calib_attr */
	QP_SIM,		/* enum qlinksim_info_attr */
	QP_GROUPS
};

#define QP_BIT(group)	(1u << (group))

enum qp_unit {
	QP_RATE,	/* mHz:   "300k", "20Hz", "1.5MHz", "500mHz" */
	QP_FRACTION,	/* ppm:   "0.8", "80%", "800000ppm" */
	QP_LENGTH,	/* m:     "10km", "500m" */
	QP_TIME_PS,	/* ps:    "1ns", "50ps", "1.5us" (bare: ps) */
	QP_TIME_NS,	/* ns:    "10ms", "2s" (bare: ns) */
	QP_LOSS_KM,	/* mdB/km: "0.2dB/km" (bare: dB/km) */
	QP_LOSS,	/* mdB:   "3dB" (bare: dB) */
	QP_DRIFT,	/* ps/s:  "10ps/s", "-1ns/s" (bare: ps/s) */
	QP_HERALD,	/* enum qlink_herald_model: "time-tags", "events" */
	QP_NUMBER,	/* plain integer */
	QP_BOOL,	/* 0 or 1: "on", "off" */
};

enum qp_wire {
	QP_U8,
	QP_U32,
	QP_S32,
	QP_U64,
	QP_S64,
};

/* Above the highest attribute number of every group. */
#define QP_ATTR_MAX	31

/**
 * struct qp_desc - one operator-facing setting
 * @name: keyword on the command line and in text output
 * @group: enum qp_group
 * @attr: attribute of the group it sets
 * @attr2: a second attribute set to the same value (aliases such as
 *	"efficiency" for both ends), or 0
 * @unit: enum qp_unit
 * @wire: enum qp_wire of @attr (and @attr2)
 * @json: uapi name, the JSON key ("source_rate"); NULL for aliases
 * @zero: word that means 0 ("inf" for coherence), or NULL
 * @fault: a fault knob of the simulator (F1..F8), printed apart
 * @ro: read only (derived by the kernel): shown, never set
 * @def: default value (fault knobs are printed when they differ from it)
 * @help: one line for help texts
 */
struct qp_desc {
	const char *name;
	uint8_t group;
	int attr;
	int attr2;
	uint8_t unit;
	uint8_t wire;
	const char *json;
	const char *zero;
	bool fault;
	bool ro;
	int64_t def;
	const char *help;
};

extern const struct qp_desc qp_table[];
extern const size_t qp_table_len;

/* Settings per group: value per attribute, and which are set. */
struct qp_set {
	uint32_t present[QP_GROUPS];
	int64_t value[QP_GROUPS][QP_ATTR_MAX + 1];
};

/* Group names as the command line and text output spell them. */
const char *qp_group_name(int group);

/*
 * The keyword ARG names among the groups of the mask GROUPS (QP_BIT()s),
 * exact match first, then unambiguous prefix; read-only rows never match.
 */
const struct qp_desc *qp_find(const char *arg, unsigned int groups);

/* The descriptor of ATTR of GROUP (not an alias), or NULL. */
const struct qp_desc *qp_by_attr(int group, int attr);

/* Does S set anything of GROUP? */
bool qp_any(const struct qp_set *s, int group);

/* Is ATTR of GROUP in S? */
bool qp_has(const struct qp_set *s, int group, int attr);

/* Put V as ATTR of GROUP into S. */
void qp_put(struct qp_set *s, int group, int attr, int64_t v);

/* Parse ARG for D into *V; 0, or -1 with *why set to a reason. */
int qp_parse(const struct qp_desc *d, const char *arg, int64_t *v,
	     const char **why);

/* Format V for D into BUF the way qp_parse() reads it back. */
void qp_format(const struct qp_desc *d, int64_t v, char *buf, size_t len);

/* Format V in unit kind UNIT, exactly. */
void qp_format_unit(int unit, int64_t v, char *buf, size_t len);

/*
 * Format V in unit kind UNIT for reading (measured and derived values):
 * the largest unit not above it, rounded to 3 decimals; fractions exact.
 */
void qp_format_approx(int unit, int64_t v, char *buf, size_t len);

/*
 * Is ARG a word qp_parse_args() takes with the groups GROUPS: a keyword,
 * or "calib" / "config" when GROUPS has QP_CALIB?
 */
bool qp_is_word(const char *arg, unsigned int groups);

/*
 * Consume "KEYWORD VALUE" pairs from ARGCP, ARGVP into S while the next
 * word is a keyword of GROUPS. With QP_CALIB in GROUPS, the word "calib"
 * makes the keywords after it calibration keywords (the others keep their
 * meaning) until the word "config", which returns to the configuration and
 * the simulator's settings. Bad values end the program with iproute2's
 * invarg() ("Error: argument ... is wrong: ..."). Returns the number of
 * settings parsed.
 */
int qp_parse_args(int *argcp, char ***argvp, struct qp_set *s,
		  unsigned int groups);

/*
 * Print the settings of GROUP in S: text "name value" pairs on the current
 * line (QP_SIM: the fault knobs on a line of their own after INDENT when
 * DETAILS or non-default; QP_CALIB: the read-only values as "expected
 * ..." on a line of their own), JSON "uapi_name": integer members of the
 * currently open object.
 */
void qp_print(const struct qp_set *s, int group, bool details,
	      const char *indent);

/* The keywords of GROUP with units, for help texts. */
void qp_help(FILE *f, int group);

/* The units, for help texts. */
void qp_help_units(FILE *f);

/*
 * If MSG (a kernel extack message) names an attribute of the table
 * (QLINK_A_CONFIG_*, QLINK_A_CALIB_*, IFLA_QLINKSIM_* or libqlink's
 * "qlinksim attribute N"), write a hint in command-line terms into BUF
 * ("calib \"fidelity\": allowed 0.25 to 1") and return true.
 */
bool qp_explain(const char *msg, char *buf, size_t len);

/*
 * MSG with libqlink's "qlinksim attribute N" replaced by the attribute's
 * uapi name (IFLA_QLINKSIM_FIDELITY), into BUF; returns BUF.
 */
const char *qp_kernel_msg(const char *msg, char *buf, size_t len);

/*
 * The attribute MSG names after PREFIX, lower case, into NAME (LEN bytes):
 * "... QLINK_A_CALIB_DARK_A out of range" with "QLINK_A_CALIB_" gives
 * "dark_a", the json name. False if MSG names no PREFIX attribute.
 */
bool qp_attr_name(const char *msg, const char *prefix, char *name,
		  size_t len);

#endif /* _QLINK_PARAMS_H */
