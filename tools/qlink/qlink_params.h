/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one table of qlink link parameters as operators type and read them,
 * shared by the qlink tool, `ip qlink` and the `ip link ... type qlinksim`
 * plugin: command-line name, uapi attribute, wire width and unit kind,
 * with the unit parsers and printers (iproute2 style: "length 10km",
 * "window 1ns", "rate 100k", "efficiency 0.8" or "80%", "fidelity 0.95",
 * "coherence 10ms"). Text output uses the same units, so what `show`
 * prints can be typed back; JSON carries the raw uapi integers under the
 * uapi names ("source_rate" in mHz, "fidelity" in ppm...).
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
};

enum qp_wire {
	QP_U32,
	QP_S32,
	QP_U64,
	QP_S64,
};

/**
 * struct qp_desc - one operator-facing parameter
 * @name: keyword on the command line and in text output
 * @attr: enum qlink_param_attr it sets
 * @attr2: a second attribute set to the same value (aliases such as
 *	"efficiency" for both ends), or 0
 * @unit: enum qp_unit
 * @wire: enum qp_wire of @attr (and @attr2)
 * @json: uapi name, the JSON key ("source_rate"); NULL for aliases
 * @zero: word that means 0 ("inf" for coherence), or NULL
 * @fault: a fault knob (F1..F8), printed apart from the physics
 * @def: default value (fault knobs are printed when they differ from it)
 * @help: one line for help texts
 */
struct qp_desc {
	const char *name;
	int attr;
	int attr2;
	uint8_t unit;
	uint8_t wire;
	const char *json;
	const char *zero;
	bool fault;
	int64_t def;
	const char *help;
};

extern const struct qp_desc qp_table[];
extern const size_t qp_table_len;

/** A parameter set: value per enum qlink_param_attr, and which are set. */
struct qp_set {
	uint64_t present;
	int64_t value[QLINK_A_PARAM_MAX + 1];
};

/* The keyword ARG names, exact match first, then unambiguous prefix. */
const struct qp_desc *qp_find(const char *arg);

/* The descriptor whose @attr is ATTR (not an alias), or NULL. */
const struct qp_desc *qp_by_attr(int attr);

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
 * Consume "PARAM VALUE" pairs from ARGCP, ARGVP into S while the next
 * word is a parameter keyword. Bad values end the program with iproute2's
 * invarg() ("Error: argument ... is wrong: ..."). Returns the number of
 * parameters parsed.
 */
int qp_parse_args(int *argcp, char ***argvp, struct qp_set *s);

/*
 * Print a parameter set: text "name value" pairs on the current line (the
 * fault knobs on a line of their own, only when DETAILS or non-default),
 * JSON "uapi_name": integer members of the currently open object.
 */
void qp_print(const struct qp_set *s, bool details, const char *indent);

/* The parameter list with units, for help texts. */
void qp_help(FILE *f);

/*
 * If MSG (a kernel extack message) names a QLINK_A_PARAM_* attribute,
 * write a hint in command-line terms into BUF ("fidelity: allowed 0.25 to
 * 1") and return true.
 */
bool qp_explain(const char *msg, char *buf, size_t len);

/*
 * The attribute MSG names after PREFIX, lower case, into NAME (LEN bytes):
 * "... QLINK_A_PARAM_DARK_RATE out of range" with "QLINK_A_PARAM_" gives
 * "dark_rate", the json name. False if MSG names no PREFIX attribute.
 */
bool qp_attr_name(const char *msg, const char *prefix, char *name,
		  size_t len);

#endif /* _QLINK_PARAMS_H */
