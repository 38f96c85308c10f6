// SPDX-License-Identifier: GPL-2.0
/*
 * The qlink parameter table and its unit parsers/printers (see
 * qlink_params.h). Values are parsed exactly: the decimal mantissa is an
 * integer, scaled by the unit, and must land on a whole kernel unit.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utils.h"
#include "json_print.h"
#include "qlink_params.h"

#define P(n, g, a, a2, u, w, j, z, f, d, h) \
	{ .name = n, .group = g, .attr = a, .attr2 = a2, .unit = u, \
	  .wire = w, .json = j, .zero = z, .fault = f, .def = d, .help = h }
#define S(n, a, a2, u, w, j, z, f, d, h) \
	P(n, QP_SIM, IFLA_QLINKSIM_##a, a2, u, w, j, z, f, d, h)
#define C(n, a, u, w, j, z, d, h) \
	P(n, QP_CONFIG, QLINK_A_CONFIG_##a, 0, u, w, j, z, false, d, h)
#define K(n, a, a2, u, w, j, z, h) \
	P(n, QP_CALIB, QLINK_A_CALIB_##a, a2, u, w, j, z, false, 0, h)

_Static_assert(QLINK_A_CONFIG_MAX <= QP_ATTR_MAX &&
	       QLINK_A_CALIB_MAX <= QP_ATTR_MAX &&
	       IFLA_QLINKSIM_MAX <= QP_ATTR_MAX, "qp_set too small");

/*
 * Order matters twice: prefixes resolve to the first row they match, and
 * text output follows the table (an alias row first, so that equal ends
 * print as one "efficiency 0.8").
 */
const struct qp_desc qp_table[] = {
	S("rate", SOURCE_RATE, 0, QP_RATE, QP_U64, "source_rate", NULL, false,
	  300000000, "pair source rate R (300k, 20Hz, 1.5MHz)"),
	S("efficiency", DET_EFF_A, IFLA_QLINKSIM_DET_EFF_B, QP_FRACTION, QP_U32,
	  NULL, NULL, false, 800000,
	  "detector efficiency of both ends (0.8 or 80%)"),
	S("efficiency-a", DET_EFF_A, 0, QP_FRACTION, QP_U32, "det_eff_a", NULL,
	  false, 800000, "detector efficiency at end A"),
	S("efficiency-b", DET_EFF_B, 0, QP_FRACTION, QP_U32, "det_eff_b", NULL,
	  false, 800000, "detector efficiency at end B"),
	S("dark-rate", DARK_RATE, 0, QP_RATE, QP_U32, "dark_rate", NULL, false,
	  20000, "dark count rate per detector (20Hz)"),
	S("jitter", JITTER, 0, QP_TIME_PS, QP_U32, "jitter", NULL, false, 50,
	  "detector timing jitter (50ps)"),
	S("length", FIBER_LEN_A, IFLA_QLINKSIM_FIBER_LEN_B, QP_LENGTH, QP_U32,
	  NULL, NULL, false, 1000,
	  "fiber length, source to each end (10km); sets the offset"),
	S("length-a", FIBER_LEN_A, 0, QP_LENGTH, QP_U32, "fiber_len_a", NULL,
	  false, 1000, "fiber length, source to end A"),
	S("length-b", FIBER_LEN_B, 0, QP_LENGTH, QP_U32, "fiber_len_b", NULL,
	  false, 1000, "fiber length, source to end B"),
	S("loss", FIBER_LOSS, 0, QP_LOSS_KM, QP_U32, "fiber_loss", NULL, false,
	  200, "fiber attenuation (0.2dB/km)"),
	C("window-full", WINDOW_FULL, QP_TIME_PS, QP_U32, "window_full", NULL,
	  1000, "coincidence window, full width (1ns)"),
	C("offset", OFFSET, QP_TIME_PS, QP_S64, "offset", NULL, 0,
	  "end B time offset (-5ns)"),
	S("fidelity", FIDELITY, 0, QP_FRACTION, QP_U32, "fidelity", NULL, false,
	  970000, "fidelity of the source's pairs (0.97)"),
	S("coherence", COHERENCE, 0, QP_TIME_NS, QP_U64, "coherence", "inf",
	  false, 0, "memory coherence time (10ms, inf)"),
	S("herald", HERALD_MODEL, 0, QP_HERALD, QP_U32, "herald_model", NULL,
	  false, QLINK_HERALD_TIME_TAGS, "herald model (time-tags | events)"),
	S("seed", SEED, 0, QP_NUMBER, QP_U64, "seed", NULL, false, 0,
	  "PRNG seed (0: random)"),
	S("direct", DIRECT, 0, QP_BOOL, QP_U8, "direct", NULL, false, 0,
	  "direct detection: the detectors measure (on | off)"),
	S("basis-z", BASIS_Z, 0, QP_FRACTION, QP_U32, "basis_z", NULL, false,
	  500000, "direct detection: probability of the Z basis (0.5)"),
	C("max-pairs", MAX_PAIRS, QP_NUMBER, QP_U32, "max_pairs", NULL, 1024,
	  "pair buffer capacity (1024)"),
	C("memory-slots", MEMORY_SLOTS, QP_NUMBER, QP_U32, "memory_slots",
	  "all", 0, "qubit memory slots pairs may hold (all)"),
	C("cutoff", CUTOFF, QP_TIME_NS, QP_U64, "cutoff", "none", 0,
	  "pair cutoff age (50ms, none)"),
	C("min-fidelity", MIN_FIDELITY, QP_FRACTION, QP_U32, "min_fidelity", NULL,
	  0, "lowest herald fidelity stored (0.5; 0: all)"),
	S("extra-loss", EXTRA_LOSS, 0, QP_LOSS, QP_U32, "extra_loss", NULL, true,
	  0, "F1 fault: extra link loss (3dB)"),
	S("fidelity-drop", FIDELITY_DROP, 0, QP_FRACTION, QP_U32,
	  "fidelity_drop", NULL, true, 0, "F2 fault: subtracted from F0 (0.1)"),
	S("coherence-scale", COHERENCE_SCALE, 0, QP_FRACTION, QP_U32,
	  "coherence_scale", NULL, true, 1000000,
	  "F3 fault: coherence time multiplied by this (0.5)"),
	S("dead-time", DEAD_TIME, 0, QP_TIME_NS, QP_U32, "dead_time", NULL, true,
	  0, "F5 fault: detector dead time (50ns)"),
	S("max-det-rate", MAX_DET_RATE, 0, QP_RATE, QP_U64, "max_det_rate",
	  "unlimited", true, 0,
	  "F5 fault: detector saturation rate (10M, unlimited)"),
	S("bit-flip", BIT_FLIP, 0, QP_FRACTION, QP_U32, "bit_flip", NULL, true, 0,
	  "F7 fault: end B's outcome flip probability (1%)"),
	S("offset-drift", OFFSET_DRIFT, 0, QP_DRIFT, QP_S32, "offset_drift", NULL,
	  true, 0, "F8 fault: offset drift (10ps/s)"),

	K("fidelity", FIDELITY, 0, QP_FRACTION, QP_U32, "fidelity", NULL,
	  "fidelity F0 of a true herald (0.95)"),
	K("coherence", COHERENCE, 0, QP_TIME_NS, QP_U64, "coherence", "inf",
	  "memory coherence time T (10ms, inf)"),
	K("efficiency", DET_EFF_A, QLINK_A_CALIB_DET_EFF_B, QP_FRACTION, QP_U32,
	  NULL, NULL, "detector efficiency of both ends (0.8)"),
	K("efficiency-a", DET_EFF_A, 0, QP_FRACTION, QP_U32, "det_eff_a", NULL,
	  "detector efficiency at end A"),
	K("efficiency-b", DET_EFF_B, 0, QP_FRACTION, QP_U32, "det_eff_b", NULL,
	  "detector efficiency at end B"),
	K("dark-rate", DARK_A, QLINK_A_CALIB_DARK_B, QP_RATE, QP_U32, NULL, NULL,
	  "dark count rate of both detectors (20Hz)"),
	K("dark-rate-a", DARK_A, 0, QP_RATE, QP_U32, "dark_a", NULL,
	  "dark count rate at end A"),
	K("dark-rate-b", DARK_B, 0, QP_RATE, QP_U32, "dark_b", NULL,
	  "dark count rate at end B"),
	K("loss", LOSS_A, QLINK_A_CALIB_LOSS_B, QP_LOSS, QP_U32, NULL, NULL,
	  "loss of each arm, source to detector (2dB)"),
	K("loss-a", LOSS_A, 0, QP_LOSS, QP_U32, "loss_a", NULL,
	  "loss of arm A"),
	K("loss-b", LOSS_B, 0, QP_LOSS, QP_U32, "loss_b", NULL,
	  "loss of arm B"),
	K("herald-rate", HERALD_RATE, 0, QP_RATE, QP_U64, "herald_rate", NULL,
	  "expected rate of true heralds (1.2k)"),
	K("accidental-rate", ACCIDENTAL_RATE, 0, QP_RATE, QP_U64,
	  "accidental_rate", NULL, "expected rate of accidental heralds (3Hz)"),
	K("direct", DIRECT, 0, QP_BOOL, QP_U8, "direct", NULL,
	  "the detectors measure the photons (on | off)"),
	{ .name = "fidelity", .group = QP_CALIB,
	  .attr = QLINK_A_CALIB_EXP_FIDELITY, .unit = QP_FRACTION,
	  .wire = QP_U32, .json = "exp_fidelity", .ro = true },
	{ .name = "qber", .group = QP_CALIB, .attr = QLINK_A_CALIB_EXP_QBER,
	  .unit = QP_FRACTION, .wire = QP_U32, .json = "exp_qber", .ro = true },
};

const size_t qp_table_len = sizeof(qp_table) / sizeof(qp_table[0]);

struct qp_suffix {
	const char *s;
	uint64_t mult;	/* kernel units per unit of the suffix */
};

/* Accepted suffixes per unit kind; the first entry is the bare number. */
static const struct qp_suffix sfx_rate[] = {
	{ "", 1000 }, { "Hz", 1000 }, { "mHz", 1 },
	{ "k", 1000000 }, { "K", 1000000 }, { "kHz", 1000000 },
	{ "M", 1000000000 }, { "MHz", 1000000000 },
	{ "G", 1000000000000ULL }, { "GHz", 1000000000000ULL },
	{ "T", 1000000000000000ULL }, { "THz", 1000000000000000ULL },
	{ NULL, 0 } };
static const struct qp_suffix sfx_fraction[] = {
	{ "", 1000000 }, { "%", 10000 }, { "ppm", 1 }, { NULL, 0 } };
static const struct qp_suffix sfx_length[] = {
	{ "", 1 }, { "m", 1 }, { "km", 1000 }, { NULL, 0 } };
static const struct qp_suffix sfx_ps[] = {
	{ "", 1 }, { "ps", 1 }, { "ns", 1000 }, { "us", 1000000 },
	{ "ms", 1000000000 }, { "s", 1000000000000ULL }, { NULL, 0 } };
static const struct qp_suffix sfx_ns[] = {
	{ "", 1 }, { "ns", 1 }, { "us", 1000 }, { "ms", 1000000 },
	{ "s", 1000000000 }, { NULL, 0 } };
static const struct qp_suffix sfx_loss_km[] = {
	{ "", 1000 }, { "dB/km", 1000 }, { "dB", 1000 }, { "mdB/km", 1 },
	{ NULL, 0 } };
static const struct qp_suffix sfx_loss[] = {
	{ "", 1000 }, { "dB", 1000 }, { "mdB", 1 }, { NULL, 0 } };
static const struct qp_suffix sfx_drift[] = {
	{ "", 1 }, { "ps/s", 1 }, { "ns/s", 1000 }, { "us/s", 1000000 },
	{ NULL, 0 } };

/* How values print: largest unit first, with its suffix. */
static const struct qp_suffix out_rate[] = {
	{ "THz", 1000000000000000ULL }, { "GHz", 1000000000000ULL },
	{ "MHz", 1000000000 }, { "kHz", 1000000 }, { "Hz", 1000 },
	{ "mHz", 1 }, { NULL, 0 } };
static const struct qp_suffix out_fraction[] = {
	{ "", 1000000 }, { NULL, 0 } };
static const struct qp_suffix out_length[] = {
	{ "km", 1000 }, { "m", 1 }, { NULL, 0 } };
static const struct qp_suffix out_ps[] = {
	{ "s", 1000000000000ULL }, { "ms", 1000000000 }, { "us", 1000000 },
	{ "ns", 1000 }, { "ps", 1 }, { NULL, 0 } };
static const struct qp_suffix out_ns[] = {
	{ "s", 1000000000 }, { "ms", 1000000 }, { "us", 1000 }, { "ns", 1 },
	{ NULL, 0 } };
static const struct qp_suffix out_loss_km[] = {
	{ "dB/km", 1000 }, { NULL, 0 } };
static const struct qp_suffix out_loss[] = {
	{ "dB", 1000 }, { NULL, 0 } };
static const struct qp_suffix out_drift[] = {
	{ "us/s", 1000000 }, { "ns/s", 1000 }, { "ps/s", 1 }, { NULL, 0 } };

static const struct qp_suffix *in_sfx(int unit)
{
	switch (unit) {
	case QP_RATE:		return sfx_rate;
	case QP_FRACTION:	return sfx_fraction;
	case QP_LENGTH:		return sfx_length;
	case QP_TIME_PS:	return sfx_ps;
	case QP_TIME_NS:	return sfx_ns;
	case QP_LOSS_KM:	return sfx_loss_km;
	case QP_LOSS:		return sfx_loss;
	case QP_DRIFT:		return sfx_drift;
	}
	return NULL;
}

static const struct qp_suffix *out_sfx(int unit)
{
	switch (unit) {
	case QP_RATE:		return out_rate;
	case QP_FRACTION:	return out_fraction;
	case QP_LENGTH:		return out_length;
	case QP_TIME_PS:	return out_ps;
	case QP_TIME_NS:	return out_ns;
	case QP_LOSS_KM:	return out_loss_km;
	case QP_LOSS:		return out_loss;
	case QP_DRIFT:		return out_drift;
	}
	return NULL;
}

static bool is_signed(const struct qp_desc *d)
{
	return d->wire == QP_S32 || d->wire == QP_S64;
}

const char *qp_group_name(int group)
{
	switch (group) {
	case QP_CONFIG:	return "config";
	case QP_CALIB:	return "calib";
	case QP_SIM:	return "qlinksim";
	}
	return "?";
}

static bool in_groups(const struct qp_desc *d, unsigned int groups)
{
	return !d->ro && (QP_BIT(d->group) & groups);
}

const struct qp_desc *qp_find(const char *arg, unsigned int groups)
{
	size_t i;

	for (i = 0; i < qp_table_len; i++)
		if (in_groups(&qp_table[i], groups) &&
		    !strcmp(arg, qp_table[i].name))
			return &qp_table[i];
	for (i = 0; i < qp_table_len; i++)
		if (in_groups(&qp_table[i], groups) &&
		    !matches(arg, qp_table[i].name))
			return &qp_table[i];
	return NULL;
}

const struct qp_desc *qp_by_attr(int group, int attr)
{
	size_t i;

	for (i = 0; i < qp_table_len; i++)
		if (qp_table[i].group == group && qp_table[i].attr == attr &&
		    !qp_table[i].attr2)
			return &qp_table[i];
	return NULL;
}

bool qp_has(const struct qp_set *s, int group, int attr)
{
	return attr > 0 && attr <= QP_ATTR_MAX &&
	       (s->present[group] >> attr) & 1;
}

bool qp_any(const struct qp_set *s, int group)
{
	return s->present[group] != 0;
}

void qp_put(struct qp_set *s, int group, int attr, int64_t v)
{
	if (attr <= 0 || attr > QP_ATTR_MAX)
		return;
	s->present[group] |= 1u << attr;
	s->value[group][attr] = v;
}

/*
 * "[-]digits[.digits]suffix" -> mantissa, number of decimals, suffix.
 * At most 30 significant digits; a 128-bit mantissa holds them.
 */
static int parse_decimal(const char *s, bool neg_ok, bool *neg,
			 unsigned __int128 *mant, int *decimals,
			 const char **suffix)
{
	int digits = 0;

	*neg = false;
	*mant = 0;
	*decimals = -1;
	if (*s == '-' && neg_ok) {
		*neg = true;
		s++;
	}
	for (; (*s >= '0' && *s <= '9') || *s == '.'; s++) {
		if (*s == '.') {
			if (*decimals >= 0)
				return -1;
			*decimals = 0;
			continue;
		}
		if (++digits > 30)
			return -1;
		*mant = *mant * 10 + (unsigned)(*s - '0');
		if (*decimals >= 0)
			(*decimals)++;
	}
	if (!digits)
		return -1;
	if (*decimals < 0)
		*decimals = 0;
	*suffix = s;
	return 0;
}

int qp_parse(const struct qp_desc *d, const char *arg, int64_t *v,
	     const char **why)
{
	const struct qp_suffix *sfx = in_sfx(d->unit);
	unsigned __int128 mant, val, pow10 = 1, max;
	const char *suffix;
	int decimals, i;
	bool neg;

	if (d->zero && !strcmp(arg, d->zero)) {
		*v = 0;
		return 0;
	}
	if (d->unit == QP_BOOL) {
		if (!strcmp(arg, "on"))
			*v = 1;
		else if (!strcmp(arg, "off"))
			*v = 0;
		else {
			*why = "expected \"on\" or \"off\"";
			return -1;
		}
		return 0;
	}
	if (d->unit == QP_HERALD) {
		if (!matches(arg, "time-tags"))
			*v = QLINK_HERALD_TIME_TAGS;
		else if (!matches(arg, "events"))
			*v = QLINK_HERALD_EVENTS;
		else {
			*why = "expected \"time-tags\" or \"events\"";
			return -1;
		}
		return 0;
	}
	if (parse_decimal(arg, is_signed(d), &neg, &mant, &decimals, &suffix)) {
		*why = "not a number";
		return -1;
	}
	if (d->unit == QP_NUMBER) {
		if (*suffix || decimals) {
			*why = "expected an integer";
			return -1;
		}
		val = mant;
	} else {
		for (i = 0; sfx[i].s; i++)
			if (!strcmp(suffix, sfx[i].s))
				break;
		if (!sfx[i].s) {
			*why = "unknown unit";
			return -1;
		}
		for (; decimals > 0; decimals--)
			pow10 *= 10;
		val = mant * sfx[i].mult;
		if (val % pow10) {
			*why = "more precise than the kernel's unit";
			return -1;
		}
		val /= pow10;
	}
	switch (d->wire) {
	case QP_U8:	max = UINT8_MAX; break;
	case QP_U32:	max = UINT32_MAX; break;
	case QP_S32:	max = (unsigned __int128)INT32_MAX + neg; break;
	case QP_U64:	max = UINT64_MAX; break;
	default:	max = (unsigned __int128)INT64_MAX + neg; break;
	}
	if (val > max) {
		*why = "value too large";
		return -1;
	}
	/* u64 values above INT64_MAX travel as their bit pattern. */
	*v = neg ? (int64_t)(0 - (uint64_t)val) : (int64_t)(uint64_t)val;
	return 0;
}

/* V / MULT as an exact decimal with trailing zeros trimmed. */
static void fmt_scaled(uint64_t v, uint64_t mult, bool neg, const char *sfx,
		       char *buf, size_t len)
{
	uint64_t ip = v / mult, frac = v % mult;
	char fbuf[24] = "";
	int w = 0, n;

	for (uint64_t m = mult; m > 1 && w < 20; m /= 10)
		w++;
	if (frac) {
		/* frac < mult, so it has at most w digits */
		fbuf[0] = '.';
		for (n = w; n > 0; n--) {
			fbuf[n] = (char)('0' + frac % 10);
			frac /= 10;
		}
		for (n = w; n > 0 && fbuf[n] == '0'; n--)
			;
		fbuf[n + 1] = '\0';
	}
	snprintf(buf, len, "%s%llu%s%s", neg ? "-" : "",
		 (unsigned long long)ip, fbuf, sfx);
}

void qp_format_unit(int unit, int64_t v, char *buf, size_t len)
{
	const struct qp_suffix *o = out_sfx(unit);
	bool neg = (unit == QP_TIME_PS || unit == QP_DRIFT) && v < 0;
	uint64_t a = neg ? 0 - (uint64_t)v : (uint64_t)v;
	int i;

	if (!o) {
		snprintf(buf, len, "%llu", (unsigned long long)a);
		return;
	}
	/*
	 * Zero in the unit a bare number has; otherwise the largest unit
	 * not above the value that shows it with at most 3 decimals.
	 */
	for (i = 0; o[i + 1].s; i++) {
		if (!a) {
			if (o[i].mult == in_sfx(unit)[0].mult)
				break;
			continue;
		}
		if (a < o[i].mult)
			continue;
		if (o[i].mult <= 1000 || a % (o[i].mult / 1000) == 0)
			break;
	}
	fmt_scaled(a, o[i].mult, neg, o[i].s, buf, len);
}

void qp_format_approx(int unit, int64_t v, char *buf, size_t len)
{
	const struct qp_suffix *o = out_sfx(unit);
	bool neg = (unit == QP_TIME_PS || unit == QP_DRIFT) && v < 0;
	uint64_t a = neg ? 0 - (uint64_t)v : (uint64_t)v;
	unsigned __int128 scaled;
	int i;

	if (!o || unit == QP_FRACTION || !a) {
		qp_format_unit(unit, v, buf, len);
		return;
	}
	for (i = 0; o[i + 1].s && a < o[i].mult; i++)
		;
	/* Thousandths of the unit, rounded to nearest. */
	scaled = ((unsigned __int128)a * 1000 + o[i].mult / 2) / o[i].mult;
	if (scaled > UINT64_MAX) {
		qp_format_unit(unit, v, buf, len);
		return;
	}
	fmt_scaled((uint64_t)scaled, 1000, neg, o[i].s, buf, len);
}

void qp_format(const struct qp_desc *d, int64_t v, char *buf, size_t len)
{
	if (d->zero && v == 0) {
		snprintf(buf, len, "%s", d->zero);
		return;
	}
	switch (d->unit) {
	case QP_BOOL:
		snprintf(buf, len, "%s", v ? "on" : "off");
		return;
	case QP_HERALD:
		if (v == QLINK_HERALD_TIME_TAGS)
			snprintf(buf, len, "time-tags");
		else if (v == QLINK_HERALD_EVENTS)
			snprintf(buf, len, "events");
		else
			snprintf(buf, len, "%lld", (long long)v);
		return;
	case QP_NUMBER:
		snprintf(buf, len, "%llu", (unsigned long long)v);
		return;
	}
	qp_format_unit(d->unit, v, buf, len);
}

bool qp_is_word(const char *arg, unsigned int groups)
{
	if ((groups & QP_BIT(QP_CALIB)) &&
	    (!strcmp(arg, "calib") || !strcmp(arg, "config")))
		return true;
	return qp_find(arg, groups & ~QP_BIT(QP_CALIB)) != NULL;
}

int qp_parse_args(int *argcp, char ***argvp, struct qp_set *s,
		  unsigned int groups)
{
	unsigned int top = groups & ~QP_BIT(QP_CALIB);
	int argc = *argcp, n = 0;
	char **argv = *argvp;
	bool calib = false;

	while (argc > 0) {
		const struct qp_desc *d = NULL;
		const char *why = NULL, *key = *argv;
		char msg[128];
		int64_t v;

		if ((groups & QP_BIT(QP_CALIB)) && !strcmp(key, "calib")) {
			calib = true;
			argc--;
			argv++;
			continue;
		}
		if ((groups & QP_BIT(QP_CALIB)) && !strcmp(key, "config")) {
			calib = false;
			argc--;
			argv++;
			continue;
		}
		if (calib)
			d = qp_find(key, QP_BIT(QP_CALIB));
		if (!d)
			d = qp_find(key, top);
		if (!d)
			break;
		NEXT_ARG();
		if (qp_parse(d, *argv, &v, &why)) {
			snprintf(msg, sizeof(msg), "%s: %s", d->name, why);
			invarg(msg, *argv);
		}
		if (qp_has(s, d->group, d->attr) ||
		    (d->attr2 && qp_has(s, d->group, d->attr2)))
			duparg(key, *argv);
		qp_put(s, d->group, d->attr, v);
		if (d->attr2)
			qp_put(s, d->group, d->attr2, v);
		n++;
		argc--;
		argv++;
	}
	*argcp = argc;
	*argvp = argv;
	return n;
}

static void print_one(const struct qp_desc *d, int64_t v)
{
	char buf[64];

	qp_format(d, v, buf, sizeof(buf));
	print_string(PRINT_FP, NULL, "%s ", d->name);
	print_string(PRINT_FP, NULL, "%s ", buf);
}

/*
 * Text: the rows of @group whose fault / ro flags are @apart, after a line
 * "@title" when @apart; only non-default fault knobs unless @details.
 */
static void print_text(const struct qp_set *s, int group, bool apart,
		       bool details, const char *title, const char *indent)
{
	uint32_t done = 0;
	bool started = false;
	size_t i;

	for (i = 0; i < qp_table_len; i++) {
		const struct qp_desc *d = &qp_table[i];
		int64_t v = s->value[group][d->attr];

		if (d->group != group || (d->fault || d->ro) != apart ||
		    !qp_has(s, group, d->attr) || ((done >> d->attr) & 1))
			continue;
		if (d->fault && !details && v == d->def)
			continue;
		if (d->attr2) {
			if (!qp_has(s, group, d->attr2) ||
			    v != s->value[group][d->attr2])
				continue;
			done |= 1u << d->attr2;
		}
		done |= 1u << d->attr;
		if (apart && !started) {
			if (indent)
				print_string(PRINT_FP, NULL, "\n%s", indent);
			print_string(PRINT_FP, NULL, "%s ", title);
			started = true;
		}
		print_one(d, v);
	}
}

void qp_print(const struct qp_set *s, int group, bool details,
	      const char *indent)
{
	size_t i;

	print_text(s, group, false, details, NULL, indent);
	print_text(s, group, true, details,
		   group == QP_SIM ? "faults" : "expected", indent);

	/* JSON: every setting, raw uapi integers under uapi names. */
	for (i = 0; i < qp_table_len; i++) {
		const struct qp_desc *d = &qp_table[i];
		int64_t v;

		if (d->group != group || !d->json ||
		    !qp_has(s, group, d->attr))
			continue;
		v = s->value[group][d->attr];
		switch (d->wire) {
		case QP_U8:
		case QP_U32:
			print_uint(PRINT_JSON, d->json, NULL, (uint32_t)v);
			break;
		case QP_S32:
			print_int(PRINT_JSON, d->json, NULL, (int32_t)v);
			break;
		case QP_U64:
			print_u64(PRINT_JSON, d->json, NULL, (uint64_t)v);
			break;
		default:
			print_s64(PRINT_JSON, d->json, NULL, v);
			break;
		}
	}
}

void qp_help(FILE *f, int group)
{
	size_t i;

	for (i = 0; i < qp_table_len; i++)
		if (qp_table[i].group == group && !qp_table[i].ro)
			fprintf(f, "  %-16s %s\n", qp_table[i].name,
				qp_table[i].help);
}

void qp_help_units(FILE *f)
{
	fprintf(f, "Units: rates k/M/G[Hz]; fractions 0.8, 80%% or ppm; "
		"lengths m, km;\n"
		"times ps, ns, us, ms, s; losses dB (per km for the fiber's \"loss\").\n"
		"Bare numbers: rates in Hz, fractions 0..1, lengths in m, jitter,\n"
		"window-full and offset in ps, other times in ns, losses in dB.\n");
}

bool qp_attr_name(const char *msg, const char *prefix, char *name,
		  size_t len)
{
	const char *p = msg ? strstr(msg, prefix) : NULL;
	size_t n;

	if (!p || !len)
		return false;
	p += strlen(prefix);
	for (n = 0; n < len - 1 &&
	     ((p[n] >= 'A' && p[n] <= 'Z') || p[n] == '_' ||
	      (p[n] >= '0' && p[n] <= '9')); n++)
		name[n] = p[n] - (p[n] >= 'A' && p[n] <= 'Z' ? 'A' - 'a' : 0);
	name[n] = '\0';
	return true;
}

/* The row of @group whose uapi name is @json, or NULL. */
static const struct qp_desc *by_json(int group, const char *json)
{
	size_t i;

	for (i = 0; i < qp_table_len; i++)
		if (qp_table[i].group == group && qp_table[i].json &&
		    !strcmp(qp_table[i].json, json))
			return &qp_table[i];
	return NULL;
}

/* The row a kernel message names, or NULL. */
static const struct qp_desc *named_in(const char *msg)
{
	static const struct {
		int group;
		const char *prefix;
	} pfx[] = {
		{ QP_CONFIG, "QLINK_A_CONFIG_" },
		{ QP_CALIB, "QLINK_A_CALIB_" },
		{ QP_SIM, "IFLA_QLINKSIM_" },
	};
	const char *p;
	char name[48];
	size_t i;
	int attr;

	for (i = 0; i < sizeof(pfx) / sizeof(pfx[0]); i++)
		if (qp_attr_name(msg, pfx[i].prefix, name, sizeof(name)))
			return by_json(pfx[i].group, name);
	p = msg ? strstr(msg, "qlinksim attribute ") : NULL;
	if (p && sscanf(p, "qlinksim attribute %d", &attr) == 1)
		return qp_by_attr(QP_SIM, attr);
	return NULL;
}

bool qp_explain(const char *msg, char *buf, size_t len)
{
	const struct qp_desc *d = named_in(msg);
	const char *p;
	long long lo, hi;

	if (!d)
		return false;
	p = strstr(msg, "allowed [");
	if (p && sscanf(p, "allowed [%lld, %lld]", &lo, &hi) == 2 &&
	    d->unit != QP_HERALD && d->unit != QP_NUMBER &&
	    d->unit != QP_BOOL) {
		char a[48], b[48];

		qp_format_unit(d->unit, lo, a, sizeof(a));
		qp_format_unit(d->unit, hi, b, sizeof(b));
		snprintf(buf, len, "%s \"%s\": allowed %s to %s",
			 qp_group_name(d->group), d->name, a, b);
	} else {
		snprintf(buf, len, "%s \"%s\"", qp_group_name(d->group),
			 d->name);
	}
	return true;
}

const char *qp_kernel_msg(const char *msg, char *buf, size_t len)
{
	const char *p = strstr(msg, "qlinksim attribute ");
	const struct qp_desc *d;
	char *q;
	int attr, n;

	if (!p || sscanf(p, "qlinksim attribute %d%n", &attr, &n) != 1 ||
	    !(d = qp_by_attr(QP_SIM, attr)) || !d->json)
		return msg;
	snprintf(buf, len, "%.*sIFLA_QLINKSIM_%s%s", (int)(p - msg), msg,
		 d->json, p + n);
	for (q = buf + (p - msg); *q && *q != ':' && *q != ' '; q++)
		if (*q >= 'a' && *q <= 'z')
			*q -= 'a' - 'A';
	return buf;
}
