// SPDX-License-Identifier: GPL-2.0
/*
 * qlink commands on top of libqlink, written with iproute2's helpers
 * (json_print.h, utils.h). Compiled into the standalone `qlink` tool and,
 * through ip/ipqlink.c, into `ip` itself.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "utils.h"
#include "json_print.h"

#include "qlink.h"
#include "qlink_params.h"
#include "qlink_peer.h"
#include "qlink_cmd.h"

const char *qc_prog_name = "qlink";

void qlink_cmd_usage(const char *prog, FILE *f)
{
	bool ip = !strcmp(prog, "ip qlink");

	fprintf(f,
		"Usage: %s OBJECT { COMMAND | help }\n"
		"where  OBJECT := { link | pair | purpose | request | receive |\n"
		"                   monitor | genkey | version | help }\n"
		"       OPTIONS := { -s[tatistics] | -d[etails] | -j[son] | -p[retty]%s }\n"
		"Commands:\n"
		"       %s link show [ dev DEV ]\n"
		"       %s link set dev DEV [ SETTING VALUE ... ] [ calib CALIB VALUE ... ]\n"
		"                [ peer ADDR:PORT key FILE [ PEER-OPTIONS ] | nopeer ]\n"
		"       %s pair show dev DEV\n"
		"       %s purpose show dev DEV [ id ID ]\n"
		"       %s purpose set dev DEV id ID SETTING VALUE [ SETTING VALUE ... ]\n"
		"       %s request dev DEV purpose ID [ OPTIONS ... ]\n"
		"       %s receive dev DEV purpose ID [ count N ] [ timeout TIME ]\n"
		"       %s monitor [ link | pairs | all ] [ count N ]\n"
		"       %s genkey\n"
		"       %s version\n"
		"-s adds statistics, -d capabilities, a simulator's physics and\n"
		"faults and what the link protocol measured; \"%s link set help\"\n"
		"lists the settings and units.\n",
		ip ? "ip [ OPTIONS ] qlink" : "qlink [ OPTIONS ]",
		ip ? " | ..." : " |\n                    -n[etns] NAME | -V[ersion] | -h[elp]",
		prog, prog, prog, prog, prog, prog, prog, prog, prog, prog,
		prog);
}

static void usage_link(FILE *f)
{
	fprintf(f,
		"Usage: %s link show [ dev DEV ]\n"
		"       %s link set dev DEV [ SETTING VALUE ... ] [ calib CALIB VALUE ... ]\n"
		"                [ peer ADDR:PORT key FILE [ PEER-OPTIONS ] | nopeer ]\n"
		"       %s link set help   (the settings and their units)\n",
		qc_prog_name, qc_prog_name, qc_prog_name);
}

static void usage_link_set(FILE *f)
{
	fprintf(f,
		"Usage: %s link set dev DEV [ SETTING VALUE ... ] [ calib CALIB VALUE ... ]\n"
		"                [ peer ADDR:PORT key FILE [ PEER-OPTIONS ] | nopeer ]\n"
		"SETTING: the configuration of every link (both ends):\n",
		qc_prog_name);
	qp_help(f, QP_CONFIG);
	fprintf(f, "SETTING: the physics and faults of a qlinksim link (both ends):\n");
	qp_help(f, QP_SIM);
	fprintf(f, "CALIB, after \"calib\": what the kernel assumes of the hardware\n"
		"(a qlinksim link reports it from its physics; a change of them\n"
		"reports it anew):\n");
	qp_help(f, QP_CALIB);
	qp_help_units(f);
	qpeer_help(f);
}

static void usage_genkey(FILE *f)
{
	fprintf(f,
		"Usage: %s genkey\n"
		"Print a new random 256-bit link key as 64 hex digits, for\n"
		"\"link set dev DEV peer ADDR:PORT key FILE\" at both ends:\n"
		"    (umask 077; %s genkey > /etc/qlink/qa.key)\n",
		qc_prog_name, qc_prog_name);
}

static void usage_monitor(FILE *f)
{
	fprintf(f,
		"Usage: %s monitor [ link | pairs | all ] [ count N ]\n"
		"Print events as they happen: \"link\" (the default) link events\n"
		"(create, delete, change), \"pairs\" pair events (pairs heralded,\n"
		"pairs dropped; -d lists the heralded pairs), \"all\" both;\n"
		"\"count N\" exits after N events.\n", qc_prog_name);
}

/* Like qp_explain() for QLINK_A_PEER_* messages. */
static bool peer_explain(const char *msg, char *buf, size_t len)
{
	static const struct {
		const char *json, *word;
	} words[] = {
		{ "address", "ADDR" }, { "port", "PORT" },
		{ "local_port", "local-port" }, { "netns_fd", "netns" },
		{ "key", "key" }, { "role", "role" }, { "timeout", "timeout" },
		{ "keepalive", "keepalive" }, { "clear", "nopeer" },
	};
	char name[48], lo_s[32], hi_s[32];
	unsigned long long lo, hi;
	const char *p;
	size_t i;

	if (!qp_attr_name(msg, "QLINK_A_PEER_", name, sizeof(name)))
		return false;
	for (i = 0; i < ARRAY_SIZE(words); i++)
		if (!strcmp(words[i].json, name))
			break;
	if (i == ARRAY_SIZE(words))
		return false;
	p = strstr(msg, "allowed [");
	if ((!strcmp(name, "timeout") || !strcmp(name, "keepalive")) && p &&
	    sscanf(p, "allowed [%llu, %llu]", &lo, &hi) == 2) {
		qpeer_format_ms(lo, lo_s, sizeof(lo_s));
		qpeer_format_ms(hi, hi_s, sizeof(hi_s));
		snprintf(buf, len, "peer \"%s\": allowed %s to %s",
			 words[i].word, lo_s, hi_s);
	} else {
		snprintf(buf, len, "peer \"%s\"", words[i].word);
	}
	return true;
}

/* "Error: <kernel message>." plus the parameter in command-line terms. */
int qc_kernel_error(struct ql_handle *h, const char *what)
{
	const char *msg = ql_errmsg(h);
	size_t n = strlen(msg);
	char hint[160], text[384];

	if (!n) {
		fprintf(stderr, "Error: %s failed.\n", what);
		return ERR_KERNEL;
	}
	msg = qp_kernel_msg(msg, text, sizeof(text));
	n = strlen(msg);
	if (msg[n - 1] == '.')
		n--;
	fprintf(stderr, "Error: %.*s", (int)n, msg);
	if (qp_explain(msg, hint, sizeof(hint)) ||
	    qc_purpose_explain(msg, hint, sizeof(hint)) ||
	    peer_explain(msg, hint, sizeof(hint)))
		fprintf(stderr, " (%s)", hint);
	fprintf(stderr, ".\n");
	return ERR_KERNEL;
}

int qc_open_handle(struct ql_handle **hp)
{
	int err = ql_open(hp);

	if (err == -ENOENT) {
		fprintf(stderr,
			"Error: the qlink generic netlink family is not available (is the qlink module loaded?).\n");
		return ERR_LOCAL;
	}
	if (err) {
		fprintf(stderr, "Error: cannot open generic netlink: %s.\n",
			strerror(-err));
		return ERR_LOCAL;
	}
	return 0;
}

void qc_required(const char *name)
{
	fprintf(stderr, "Error: \"%s\" is required.\n", name);
	exit(-1);
}

const char *qc_dev(const char *dev)
{
	if (!dev)
		qc_required("dev");
	if (check_ifname(dev))
		invarg("not a valid ifname", dev);
	return dev;
}

void qc_print_name(const char *key, const char *name, const char *name_fmt,
		   const char *num_fmt, unsigned int v)
{
	if (name)
		print_string(PRINT_ANY, key, name_fmt, name);
	else
		print_uint(PRINT_ANY, key, num_fmt, v);
}

/*
 * The attributes of @a into @group of @s; a link kind's attributes come
 * without types: signed ones are sign-extended by the table's width.
 */
static void to_qp(const struct ql_attrs *a, int group, struct qp_set *s)
{
	const struct qp_desc *d;
	int64_t v;
	int i;

	for (i = ql_attrs_next(a, 0); i > 0 && i <= QP_ATTR_MAX;
	     i = ql_attrs_next(a, i)) {
		v = ql_attrs_get(a, i);
		d = qp_by_attr(group, i);
		if (d && d->wire == QP_S32)
			v = (int32_t)v;
		qp_put(s, group, i, v);
	}
}

static void print_flags(const struct ql_link *l)
{
	bool up = ql_link_value(l, QLINK_A_LINK_UP);
	bool carrier = ql_link_value(l, QLINK_A_LINK_CARRIER);

	if (!ql_link_has(l, QLINK_A_LINK_UP) &&
	    !ql_link_has(l, QLINK_A_LINK_CARRIER))
		return;
	print_string(PRINT_FP, NULL, "<%s", up ? "UP" : "DOWN");
	print_string(PRINT_FP, NULL, "%s> ", carrier ? ",CARRIER" : "");
	print_bool(PRINT_JSON, "up", NULL, up);
	print_bool(PRINT_JSON, "carrier", NULL, carrier);
}

/*
 * The names of the bits of @mask (1 << value) as "@text a,b" and as the
 * JSON array @key.
 */
static void print_bits(const char *key, const char *text, uint32_t mask,
		       int lo, int hi, const char *(*name)(uint8_t))
{
	int v, first = 1;

	print_string(PRINT_FP, NULL, " %s ", text);
	open_json_array(PRINT_JSON, key);
	for (v = lo; v <= hi; v++) {
		if (!(mask & (1u << v)))
			continue;
		print_string(PRINT_FP, NULL, first ? "%s" : ",%s", name(v));
		print_string(PRINT_JSON, NULL, NULL, name(v));
		first = 0;
	}
	if (first)
		print_string(PRINT_FP, NULL, "%s", "none");
	close_json_array(PRINT_JSON, NULL);
}

static const char *model_name(uint8_t m)
{
	return ql_herald_model_name(m);
}

static void print_caps(const struct ql_attrs *c)
{
	uint64_t max_rate = ql_attrs_get(c, QLINK_A_CAPS_MAX_RATE);
	char buf[64];

	print_string(PRINT_FP, NULL, "%s", "\n    caps");
	open_json_object("caps");
	print_bits("herald_models", "herald-models",
		   ql_attrs_get(c, QLINK_A_CAPS_HERALD_MODELS),
		   QLINK_HERALD_TIME_TAGS, QLINK_HERALD_EVENTS, model_name);
	qp_format_unit(QP_RATE, (int64_t)max_rate, buf, sizeof(buf));
	print_string(PRINT_FP, NULL, " max-rate %s", buf);
	print_u64(PRINT_JSON, "max_rate", NULL, max_rate);
	print_uint(PRINT_ANY, "memory_slots", " memory-slots %u",
		   (uint32_t)ql_attrs_get(c, QLINK_A_CAPS_MEMORY_SLOTS));
	print_bits("measure_bases", "measure-bases",
		   ql_attrs_get(c, QLINK_A_CAPS_MEASURE_BASES),
		   QLINK_BASIS_Z, QLINK_BASIS_Y, ql_basis_name);
	close_json_object();
}

/*
 * One group of settings on a line of its own: "    TITLE name value ...",
 * in JSON the object @key.
 */
static void print_group(const struct ql_attrs *a, int group, const char *key)
{
	struct qp_set s;

	memset(&s, 0, sizeof(s));
	to_qp(a, group, &s);
	print_string(PRINT_FP, NULL, "\n    %s ", qp_group_name(group));
	open_json_object(key);
	qp_print(&s, group, show_details, "    ");
	close_json_object();
}

/* How counters read best in text; JSON has the raw integers. */
static int stats_unit(int attr)
{
	switch (attr) {
	case QLINK_A_STATS_HERALD_RATE:
		return QP_RATE;
	case QLINK_A_STATS_FIDELITY_HERALD:
	case QLINK_A_STATS_FIDELITY_TAKEN:
		return QP_FRACTION;
	case QLINK_A_STATS_AGE_TAKEN:
	case QLINK_A_STATS_LATENCY_MEAN:
	case QLINK_A_STATS_LATENCY_MAX:
	case QLINK_A_STATS_REQ_LATENCY_MEAN:
	case QLINK_A_STATS_REQ_LATENCY_MAX:
		return QP_TIME_NS;
	case QLINK_A_STATS_LOSS_A_EST:
	case QLINK_A_STATS_LOSS_B_EST:
		return QP_LOSS;
	case QLINK_A_STATS_COVERED_TIME:
	case QLINK_A_STATS_LINK_TIME:
	case QLINK_A_STATS_OFFSET_EST:
	case QLINK_A_STATS_OFFSET_ERROR:
		return QP_TIME_PS;
	}
	return QP_NUMBER;
}

/* The link protocol's counters: in text a block of their own. */
static bool is_proto_counter(int attr)
{
	return attr >= QLINK_A_STATS_PROTO_TX &&
	       attr <= QLINK_A_STATS_PEER_TIMEOUTS;
}

/*
 * Counter @i of @st as " name value" text, @skip (a prefix of the names)
 * left out, six to a line indented by @indent.
 */
static void print_counter(const struct ql_attrs *st, int i, const char *skip,
			  const char *indent, int *col)
{
	const char *name = ql_attr_name(QLINK_A_STATS, i);
	uint64_t v = ql_attrs_get(st, i);
	int unit = stats_unit(i);
	char key[40], val[64], *p;

	if (!strncmp(name, skip, strlen(skip)))
		name += strlen(skip);
	snprintf(key, sizeof(key), "%s", name);
	for (p = key; *p; p++)
		if (*p == '_')
			*p = '-';
	if (unit == QP_NUMBER)
		snprintf(val, sizeof(val), "%llu", (unsigned long long)v);
	else
		qp_format_approx(unit, (int64_t)v, val, sizeof(val));
	if (++*col > 6) {
		print_string(PRINT_FP, NULL, "\n%s", indent);
		*col = 1;
	}
	print_string(PRINT_FP, NULL, " %s", key);
	print_string(PRINT_FP, NULL, " %s", val);
}

/*
 * The counters: in JSON all of them in "stats"; in text the link
 * protocol's in a "protocol" block of their own, for a link with a peer
 * (@peer) or that counted any.
 */
static void print_stats(const struct ql_attrs *st, bool peer)
{
	int i, col = 0;

	print_string(PRINT_FP, NULL, "%s", "\n    stats");
	open_json_object("stats");
	for (i = ql_attrs_next(st, 0); i > 0; i = ql_attrs_next(st, i)) {
		const char *name = ql_attr_name(QLINK_A_STATS, i);

		if (!name)
			continue;
		if (ql_attrs_type(st, i) == QL_TYPE_S64)
			print_s64(PRINT_JSON, name, NULL, ql_attrs_get(st, i));
		else
			print_u64(PRINT_JSON, name, NULL, ql_attrs_get(st, i));
		if (is_proto_counter(i))
			peer |= ql_attrs_get(st, i) != 0;
		else
			print_counter(st, i, "", "         ", &col);
	}
	close_json_object();
	if (!peer)
		return;
	print_string(PRINT_FP, NULL, "%s", "\n    protocol");
	col = 0;
	for (i = ql_attrs_next(st, 0); i > 0; i = ql_attrs_next(st, i))
		if (is_proto_counter(i) && ql_attr_name(QLINK_A_STATS, i))
			print_counter(st, i, "proto_", "            ", &col);
}

/*
 * The link protocol's peer: "peer ADDR:PORT local-port PORT role R state S
 * fingerprint F", with -d the timeout and keepalive and a line of what
 * the protocol measured. JSON has every value, raw.
 */
static void print_peer(const struct ql_attrs *p)
{
	struct sockaddr_storage ss;
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)&ss;
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)&ss;
	char buf[96], err[32];
	uint32_t v;

	print_string(PRINT_FP, NULL, "%s", "\n    peer");
	open_json_object("peer");
	if (!ql_peer_addr(p, &ss)) {
		const void *addr = ss.ss_family == AF_INET ?
				   (const void *)&s4->sin_addr :
				   (const void *)&s6->sin6_addr;
		uint16_t port = ntohs(ss.ss_family == AF_INET ?
				      s4->sin_port : s6->sin6_port);

		qpeer_format_endpoint(ss.ss_family, addr, port, buf,
				      sizeof(buf));
		print_string(PRINT_FP, NULL, " %s", buf);
		if (!inet_ntop(ss.ss_family, addr, buf, sizeof(buf)))
			buf[0] = '\0';
		print_string(PRINT_JSON, "address", NULL, buf);
		print_uint(PRINT_JSON, "port", NULL, port);
	}
	if (ql_attrs_has(p, QLINK_A_PEER_LOCAL_PORT))
		print_uint(PRINT_ANY, "local_port", " local-port %u",
			   ql_attrs_get(p, QLINK_A_PEER_LOCAL_PORT));
	if (ql_attrs_has(p, QLINK_A_PEER_ROLE)) {
		v = ql_attrs_get(p, QLINK_A_PEER_ROLE);
		qc_print_name("role", ql_peer_role_name(v), " role %s",
			      " role %u", v);
	}
	if (ql_attrs_has(p, QLINK_A_PEER_STATE)) {
		v = ql_attrs_get(p, QLINK_A_PEER_STATE);
		qc_print_name("state", ql_peer_state_name(v), " state %s",
			      " state %u", v);
	}
	if (ql_attrs_has(p, QLINK_A_PEER_FINGERPRINT)) {
		snprintf(buf, sizeof(buf), "%016llx", (unsigned long long)
			 ql_attrs_get(p, QLINK_A_PEER_FINGERPRINT));
		print_string(PRINT_ANY, "fingerprint", " fingerprint %s", buf);
	}
	if (ql_attrs_has(p, QLINK_A_PEER_TIMEOUT)) {
		v = ql_attrs_get(p, QLINK_A_PEER_TIMEOUT);
		qpeer_format_ms(v, buf, sizeof(buf));
		if (show_details)
			print_string(PRINT_FP, NULL, " timeout %s", buf);
		print_uint(PRINT_JSON, "timeout", NULL, v);
	}
	if (ql_attrs_has(p, QLINK_A_PEER_KEEPALIVE)) {
		v = ql_attrs_get(p, QLINK_A_PEER_KEEPALIVE);
		qpeer_format_ms(v, buf, sizeof(buf));
		if (show_details)
			print_string(PRINT_FP, NULL, " keepalive %s", buf);
		print_uint(PRINT_JSON, "keepalive", NULL, v);
	}
	/* what the protocol measured: a line of its own */
	if (show_details && (ql_attrs_has(p, QLINK_A_PEER_EPOCH) ||
			     ql_attrs_has(p, QLINK_A_PEER_RTT) ||
			     ql_attrs_has(p, QLINK_A_PEER_CLOCK_OFFSET)))
		print_string(PRINT_FP, NULL, "%s", "\n   ");
	if (ql_attrs_has(p, QLINK_A_PEER_EPOCH)) {
		if (show_details)
			print_u64(PRINT_FP, NULL, " epoch %llu",
				  ql_attrs_get(p, QLINK_A_PEER_EPOCH));
		print_u64(PRINT_JSON, "epoch", NULL,
			  ql_attrs_get(p, QLINK_A_PEER_EPOCH));
	}
	if (ql_attrs_has(p, QLINK_A_PEER_PEER_EPOCH)) {
		if (show_details)
			print_u64(PRINT_FP, NULL, " peer-epoch %llu",
				  ql_attrs_get(p, QLINK_A_PEER_PEER_EPOCH));
		print_u64(PRINT_JSON, "peer_epoch", NULL,
			  ql_attrs_get(p, QLINK_A_PEER_PEER_EPOCH));
	}
	if (ql_attrs_has(p, QLINK_A_PEER_RTT)) {
		qp_format_approx(QP_TIME_NS, ql_attrs_get(p, QLINK_A_PEER_RTT),
				 buf, sizeof(buf));
		if (show_details)
			print_string(PRINT_FP, NULL, " rtt %s", buf);
		print_u64(PRINT_JSON, "rtt", NULL,
			  ql_attrs_get(p, QLINK_A_PEER_RTT));
	}
	if (ql_attrs_has(p, QLINK_A_PEER_CLOCK_OFFSET)) {
		qp_format_approx(QP_TIME_PS,
				 ql_attrs_get(p, QLINK_A_PEER_CLOCK_OFFSET),
				 buf, sizeof(buf));
		qp_format_approx(QP_TIME_PS,
				 ql_attrs_get(p, QLINK_A_PEER_CLOCK_OFFSET_ERROR),
				 err, sizeof(err));
		if (show_details)
			print_string(PRINT_FP, NULL, " clock-offset %s", buf);
		if (show_details &&
		    ql_attrs_has(p, QLINK_A_PEER_CLOCK_OFFSET_ERROR))
			print_string(PRINT_FP, NULL, " +- %s", err);
		print_s64(PRINT_JSON, "clock_offset", NULL,
			  ql_attrs_get(p, QLINK_A_PEER_CLOCK_OFFSET));
	}
	if (ql_attrs_has(p, QLINK_A_PEER_CLOCK_OFFSET_ERROR))
		print_u64(PRINT_JSON, "clock_offset_error", NULL,
			  ql_attrs_get(p, QLINK_A_PEER_CLOCK_OFFSET_ERROR));
	close_json_object();
}

/* One link, in the layout of `ip link show`. */
static void print_link(const struct ql_link *l, const struct ql_link *st,
		       const struct ql_attrs *kind, const char *event)
{
	const struct ql_attrs *a;

	open_json_object(NULL);
	if (event)
		print_string(PRINT_ANY, "event", "[%s] ", event);
	print_uint(PRINT_ANY, "ifindex", "%u: ", ql_link_ifindex(l));
	print_string(PRINT_ANY, "ifname", "%s: ", ql_link_ifname(l));
	print_flags(l);
	if (ql_link_kind(l))
		print_string(PRINT_ANY, "kind", "%s ", ql_link_kind(l));
	print_uint(PRINT_ANY, "id", "id %u ", ql_link_id(l));
	if (ql_link_has(l, QLINK_A_LINK_SIDE))
		print_string(PRINT_ANY, "end", "end %s ",
			     ql_link_value(l, QLINK_A_LINK_SIDE) ? "B" : "A");
	if (ql_link_has(l, QLINK_A_LINK_PEER_IFINDEX))
		print_uint(PRINT_ANY, "peer_ifindex", "peer %u ",
			   ql_link_value(l, QLINK_A_LINK_PEER_IFINDEX));
	if (ql_link_has(l, QLINK_A_LINK_PEER_NETNS_COOKIE)) {
		uint64_t cookie = ql_link_value(l, QLINK_A_LINK_PEER_NETNS_COOKIE);

		if (show_details)
			print_u64(PRINT_FP, NULL, "peer-netns-cookie %llu ",
				  cookie);
		print_u64(PRINT_JSON, "peer_netns_cookie", NULL, cookie);
	}
	if (show_details && ql_link_has(l, QLINK_A_LINK_PAIR_ID))
		print_uint(PRINT_ANY, "pair_link_id", "pair-id %u ",
			   ql_link_value(l, QLINK_A_LINK_PAIR_ID));
	/* CLOCK_MONOTONIC of the link clock's zero: herald times to system time */
	if (show_details && ql_link_has(l, QLINK_A_LINK_CLOCK_BASE))
		print_u64(PRINT_ANY, "clock_base", "clock-base %llu ",
			  ql_link_value(l, QLINK_A_LINK_CLOCK_BASE));
	if (ql_link_has(l, QLINK_A_LINK_CHANGE) &&
	    ql_change_name(ql_link_value(l, QLINK_A_LINK_CHANGE)))
		print_string(PRINT_ANY, "change", "change %s ",
			     ql_change_name(ql_link_value(l, QLINK_A_LINK_CHANGE)));
	a = ql_link_attrs(l, QLINK_A_LINK_CONFIG);
	if (a)
		print_group(a, QP_CONFIG, "config");
	a = ql_link_attrs(l, QLINK_A_LINK_CALIB);
	if (a)
		print_group(a, QP_CALIB, "calib");
	if (kind)
		print_group(kind, QP_SIM, "physics");
	a = ql_link_attrs(l, QLINK_A_LINK_PEER);
	if (a)
		print_peer(a);
	a = ql_link_attrs(l, QLINK_A_LINK_CAPS);
	if (show_details && a)
		print_caps(a);
	if (st)
		print_stats(ql_link_attrs(st, QLINK_A_STATS),
			    ql_link_has(l, QLINK_A_LINK_PEER));
	print_string(PRINT_FP, NULL, "%s", "\n");
	close_json_object();
}

struct show_ctx {
	struct ql_handle *h;
	struct ql_link **links;
	size_t n, size;
	int err;
};

/* Keep @l (taken) in @c; ERR_LOCAL without memory. */
static int keep(struct show_ctx *c, struct ql_link *l)
{
	if (l && c->n == c->size) {
		size_t size = c->size ? 2 * c->size : 16;
		struct ql_link **p = realloc(c->links, size * sizeof(*p));

		if (!p) {
			ql_link_free(l);
			l = NULL;
		} else {
			c->links = p;
			c->size = size;
		}
	}
	if (!l) {
		fprintf(stderr, "Error: out of memory.\n");
		c->err = ERR_LOCAL;
		return 1;
	}
	c->links[c->n++] = l;
	return 0;
}

/* Dump callback: keep a copy (no request may run inside a dump). */
static int collect(const struct ql_link *l, void *arg)
{
	return keep(arg, ql_link_dup(l));
}

/* Is @l a qlinksim link (whose kind attributes this tool knows)? */
static bool is_qlinksim(const struct ql_link *l)
{
	return ql_link_kind(l) && !strcmp(ql_link_kind(l), "qlinksim");
}

static int show_one(const struct ql_link *l, struct show_ctx *c)
{
	struct ql_attrs *kind = NULL;
	struct ql_link *st = NULL;

	if (show_stats) {
		if (ql_stats_get(c->h, ql_link_ifname(l), &st)) {
			if (ql_errno(c->h) == -ENODEV)
				return 0;	/* gone meanwhile */
			c->err = qc_kernel_error(c->h, "stats");
			return 1;
		}
	}
	if (show_details && is_qlinksim(l) &&
	    ql_link_kind_get(c->h, ql_link_ifname(l), &kind)) {
		if (ql_errno(c->h) == -ENODEV) {
			ql_link_free(st);
			return 0;
		}
		c->err = qc_kernel_error(c->h, "link kind get");
		ql_link_free(st);
		return 1;
	}
	print_link(l, st, kind, NULL);
	ql_attrs_free(kind);
	ql_link_free(st);
	return 0;
}

static int link_show(int argc, char **argv)
{
	struct show_ctx c = { 0 };
	struct ql_link *l;
	const char *dev = NULL;
	size_t i;
	int err;

	while (argc > 0) {
		if (strcmp(*argv, "dev") == 0) {
			NEXT_ARG();
			if (dev)
				duparg("dev", *argv);
			dev = *argv;
		} else if (matches(*argv, "help") == 0) {
			usage_link(stdout);
			return 0;
		} else {
			if (dev)
				duparg2("dev", *argv);
			dev = *argv;
		}
		argc--;
		argv++;
	}
	if (dev && check_ifname(dev))
		invarg("not a valid ifname", dev);

	err = qc_open_handle(&c.h);
	if (err)
		return err;
	if (dev) {
		if (ql_link_get(c.h, dev, &l))
			c.err = qc_kernel_error(c.h, "link get");
		else
			keep(&c, l);
	} else if (ql_link_dump(c.h, collect, &c) < 0 && !c.err) {
		c.err = qc_kernel_error(c.h, "link dump");
	}
	if (!c.err) {
		new_json_obj(json);
		for (i = 0; i < c.n && !show_one(c.links[i], &c); i++)
			;
		delete_json_obj();
	}
	for (i = 0; i < c.n; i++)
		ql_link_free(c.links[i]);
	free(c.links);
	ql_close(c.h);
	return c.err;
}

/* The settings of @group in @s as a set of @nest; NULL: no memory. */
static struct ql_attrs *to_attrs(const struct qp_set *s, int group, int nest)
{
	static const int types[] = {
		[QP_U8] = QL_TYPE_U8, [QP_U32] = QL_TYPE_U32,
		[QP_S32] = QL_TYPE_S32, [QP_U64] = QL_TYPE_U64,
		[QP_S64] = QL_TYPE_S64,
	};
	struct ql_attrs *a = ql_attrs_new(nest);
	const struct qp_desc *d;
	int i, err = 0;

	for (i = 1; a && !err && i <= QP_ATTR_MAX; i++) {
		if (!qp_has(s, group, i))
			continue;
		d = qp_by_attr(group, i);
		err = nest == QL_NEST_RAW ?
		      ql_attrs_put_type(a, i, types[d->wire], s->value[group][i]) :
		      ql_attrs_put(a, i, s->value[group][i]);
	}
	if (err) {
		ql_attrs_free(a);
		return NULL;
	}
	return a;
}

static void __attribute__((noreturn)) peer_conflict(void)
{
	fprintf(stderr, "Error: \"peer\" and \"nopeer\" exclude each other.\n");
	exit(-1);
}

/*
 * The QLINK_A_LINK_PEER set of @p (the netns fd is sent as a number: it
 * stays open until @p is released), or one that clears the peer;
 * NULL: no memory.
 */
static struct ql_attrs *peer_attrs(const struct qpeer *p, bool clear)
{
	struct ql_attrs *a = ql_attrs_new(QLINK_A_LINK_PEER);
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in s4 = { .sin_family = AF_INET };
	int err;

	if (!a)
		return NULL;
	if (clear) {
		err = ql_attrs_put_flag(a, QLINK_A_PEER_CLEAR);
	} else if (p->family == AF_INET) {
		memcpy(&s4.sin_addr, p->addr, sizeof(s4.sin_addr));
		s4.sin_port = htons(p->port);
		err = ql_peer_put_addr(a, (struct sockaddr *)&s4, sizeof(s4));
	} else {
		memcpy(&s6.sin6_addr, p->addr, sizeof(s6.sin6_addr));
		s6.sin6_port = htons(p->port);
		err = ql_peer_put_addr(a, (struct sockaddr *)&s6, sizeof(s6));
	}
	if (!clear && !err)
		err = ql_attrs_put_bin(a, QLINK_A_PEER_KEY, p->key,
				       sizeof(p->key));
	if (!clear && !err && p->local_port)
		err = ql_attrs_put(a, QLINK_A_PEER_LOCAL_PORT, p->local_port);
	if (!clear && !err && p->role)
		err = ql_attrs_put(a, QLINK_A_PEER_ROLE, p->role);
	if (!clear && !err && p->timeout)
		err = ql_attrs_put(a, QLINK_A_PEER_TIMEOUT, p->timeout);
	if (!clear && !err && p->keepalive)
		err = ql_attrs_put(a, QLINK_A_PEER_KEEPALIVE, p->keepalive);
	if (!clear && !err && p->netns_fd >= 0)
		err = ql_attrs_put(a, QLINK_A_PEER_NETNS_FD, p->netns_fd);
	if (err) {
		ql_attrs_free(a);
		return NULL;
	}
	return a;
}

/* The first keyword of the simulator's group @s sets, for messages. */
static const char *first_sim_word(const struct qp_set *s)
{
	size_t i;

	for (i = 0; i < qp_table_len; i++)
		if (qp_table[i].group == QP_SIM &&
		    qp_has(s, QP_SIM, qp_table[i].attr))
			return qp_table[i].name;
	return "?";
}

/*
 * Everything is parsed and checked before anything is sent. The
 * simulator's physics go first (rtnetlink changelink): the driver then
 * reports the calibration they imply and moves the offset with the fiber
 * lengths, so that the configuration and calibration given in the same
 * command (QLINK_CMD_LINK_SET, all or nothing) apply over them.
 */
static int link_set(int argc, char **argv)
{
	struct ql_attrs *top, *conf = NULL, *cal = NULL, *sim = NULL;
	struct ql_attrs *peer = NULL;
	unsigned int groups = QP_BIT(QP_CONFIG) | QP_BIT(QP_CALIB) |
			      QP_BIT(QP_SIM);
	struct ql_handle *h = NULL;
	struct qp_set s;
	struct qpeer qp;
	const char *dev = NULL;
	struct ql_link *l = NULL;
	bool has_peer = false, nopeer = false;
	int err;

	memset(&s, 0, sizeof(s));
	qpeer_init(&qp);
	while (argc > 0) {
		if (strcmp(*argv, "dev") == 0) {
			NEXT_ARG();
			if (dev)
				duparg("dev", *argv);
			dev = *argv;
		} else if (strcmp(*argv, "peer") == 0) {
			NEXT_ARG();
			if (has_peer)
				duparg("peer", *argv);
			if (nopeer)
				peer_conflict();
			qpeer_parse_args(&argc, &argv, &qp, true);
			has_peer = true;
			continue;
		} else if (strcmp(*argv, "nopeer") == 0) {
			if (has_peer)
				peer_conflict();
			nopeer = true;
		} else if (matches(*argv, "help") == 0) {
			qpeer_release(&qp);
			usage_link_set(stdout);
			return 0;
		} else if (qp_is_word(*argv, groups)) {
			qp_parse_args(&argc, &argv, &s, groups);
			continue;
		} else if (!dev) {
			dev = *argv;
		} else {
			fprintf(stderr,
				"Error: unknown setting \"%s\", try \"%s link set help\".\n",
				*argv, qc_prog_name);
			exit(-1);
		}
		argc--;
		argv++;
	}
	qc_dev(dev);
	if (!qp_any(&s, QP_CONFIG) && !qp_any(&s, QP_CALIB) &&
	    !qp_any(&s, QP_SIM) && !has_peer && !nopeer) {
		fprintf(stderr,
			"Error: nothing to set, try \"%s link set help\".\n",
			qc_prog_name);
		exit(-1);
	}

	top = ql_attrs_new(QL_NEST_TOP);
	if (qp_any(&s, QP_CONFIG))
		conf = to_attrs(&s, QP_CONFIG, QLINK_A_LINK_CONFIG);
	if (qp_any(&s, QP_CALIB))
		cal = to_attrs(&s, QP_CALIB, QLINK_A_LINK_CALIB);
	if (qp_any(&s, QP_SIM))
		sim = to_attrs(&s, QP_SIM, QL_NEST_RAW);
	if (has_peer || nopeer)
		peer = peer_attrs(&qp, nopeer);
	/* the key now lives (wiped when freed) in the peer's set only */
	explicit_bzero(qp.key, sizeof(qp.key));
	if (!top || (qp_any(&s, QP_CONFIG) &&
		     (!conf || ql_attrs_put_nest(top, QLINK_A_LINK_CONFIG, conf))) ||
	    (qp_any(&s, QP_CALIB) &&
	     (!cal || ql_attrs_put_nest(top, QLINK_A_LINK_CALIB, cal))) ||
	    ((has_peer || nopeer) &&
	     (!peer || ql_attrs_put_nest(top, QLINK_A_LINK_PEER, peer))) ||
	    (qp_any(&s, QP_SIM) && !sim)) {
		fprintf(stderr, "Error: out of memory.\n");
		err = ERR_LOCAL;
		goto out;
	}
	err = qc_open_handle(&h);
	if (err)
		goto out;
	if (sim) {
		/* Physics only for the simulator: say so before sending. */
		if (ql_link_get(h, dev, &l)) {
			err = qc_kernel_error(h, "link get");
			goto out;
		}
		if (!is_qlinksim(l)) {
			const char *w = first_sim_word(&s);
			char what[64];

			if (ql_link_kind(l))
				snprintf(what, sizeof(what), "is a \"%s\" link",
					 ql_link_kind(l));
			else
				snprintf(what, sizeof(what), "is not one");
			fprintf(stderr,
				"Error: \"%s\" sets the physics of a qlinksim link, and %s %s%s.\n",
				w, dev, what,
				qp_find(w, QP_BIT(QP_CALIB)) ?
				"; its calibration is set with \"calib\"" : "");
			err = ERR_LOCAL;
			goto out;
		}
		if (ql_link_kind_set(h, dev, "qlinksim", sim)) {
			err = qc_kernel_error(h, "link kind set");
			goto out;
		}
	}
	if (conf || cal || peer) {
		if (ql_link_set(h, dev, top)) {
			err = qc_kernel_error(h, "link set");
			if (sim)
				fprintf(stderr,
					"The simulator's physics were changed; the configuration and calibration were not.\n");
		}
	}
out:
	ql_link_free(l);
	ql_close(h);
	ql_attrs_free(top);
	ql_attrs_free(conf);
	ql_attrs_free(cal);
	ql_attrs_free(sim);
	ql_attrs_free(peer);
	qpeer_release(&qp);
	return err;
}

static int do_link(int argc, char **argv)
{
	if (argc < 1)
		return link_show(0, NULL);
	if (matches(*argv, "show") == 0 || matches(*argv, "list") == 0 ||
	    matches(*argv, "lst") == 0)
		return link_show(argc - 1, argv + 1);
	if (matches(*argv, "set") == 0 || matches(*argv, "change") == 0)
		return link_set(argc - 1, argv + 1);
	if (matches(*argv, "help") == 0) {
		usage_link(stdout);
		return 0;
	}
	fprintf(stderr, "Command \"%s\" is unknown, try \"%s link help\".\n",
		*argv, qc_prog_name);
	exit(-1);
}

/*
 * Pairs.
 */
static void usage_pair(FILE *f)
{
	fprintf(f,
		"Usage: %s pair show dev DEV\n"
		"The entangled pairs waiting in the link's buffer, oldest first:\n"
		"sequence number, Bell state, fidelity now and at herald, age.\n",
		qc_prog_name);
}

static int pair_one(const struct ql_link *msg, const struct ql_attrs *p,
		    void *arg)
{
	uint8_t bell = ql_attrs_get(p, QLINK_A_PAIR_BELL_INDEX);
	uint32_t v;
	uint64_t t;
	char buf[64];

	open_json_object(NULL);
	print_u64(PRINT_ANY, "seq", "seq %llu ",
		  ql_attrs_get(p, QLINK_A_PAIR_SEQ));
	print_uint(PRINT_ANY, "link_id", "link-id %u ",
		   ql_attrs_get(p, QLINK_A_PAIR_LINK_ID));
	print_0xhex(PRINT_ANY, "trace_id", "trace %#llx ",
		    ql_attrs_get(p, QLINK_A_PAIR_TRACE_ID));
	print_string(PRINT_ANY, "bell", "bell %s ", ql_bell_name(bell) ?: "?");
	print_uint(PRINT_JSON, "bell_index", NULL, bell);
	v = ql_attrs_get(p, QLINK_A_PAIR_FIDELITY);
	qp_format_unit(QP_FRACTION, v, buf, sizeof(buf));
	print_string(PRINT_FP, NULL, "fidelity %s ", buf);
	print_uint(PRINT_JSON, "fidelity", NULL, v);
	v = ql_attrs_get(p, QLINK_A_PAIR_FIDELITY_HERALD);
	qp_format_unit(QP_FRACTION, v, buf, sizeof(buf));
	print_string(PRINT_FP, NULL, "herald-fidelity %s ", buf);
	print_uint(PRINT_JSON, "fidelity_herald", NULL, v);
	t = ql_attrs_get(p, QLINK_A_PAIR_AGE);
	qp_format_approx(QP_TIME_PS, (int64_t)t, buf, sizeof(buf));
	print_string(PRINT_FP, NULL, "age %s ", buf);
	print_u64(PRINT_JSON, "age", NULL, t);
	t = ql_attrs_get(p, QLINK_A_PAIR_HERALD_TIME);
	if (show_details) {
		qp_format_approx(QP_TIME_PS, (int64_t)t, buf, sizeof(buf));
		print_string(PRINT_FP, NULL, "herald-time %s ", buf);
	}
	print_u64(PRINT_JSON, "herald_time", NULL, t);
	print_u64(PRINT_JSON, "link_time", NULL,
		  ql_link_value(msg, QLINK_A_LINK_TIME));
	if (ql_attrs_has(p, QLINK_A_PAIR_SLOT))
		print_uint(PRINT_ANY, "slot", "slot %u ",
			   ql_attrs_get(p, QLINK_A_PAIR_SLOT));
	print_string(PRINT_ANY, "state", "%s",
		     ql_pair_state_name(ql_attrs_get(p, QLINK_A_PAIR_STATE)) ?:
		     "unknown");
	v = ql_attrs_get(p, QLINK_A_PAIR_PURPOSE);
	if (v)
		print_uint(PRINT_ANY, "purpose", " purpose %u", v);
	/* arg: inside a monitor line, which ends it */
	if (!arg)
		print_string(PRINT_FP, NULL, "%s", "\n");
	close_json_object();
	return 0;
}

static int do_pair(int argc, char **argv)
{
	struct ql_handle *h;
	const char *dev = NULL;
	int err;

	if (argc < 1 || matches(*argv, "help") == 0) {
		usage_pair(argc < 1 ? stderr : stdout);
		return argc < 1 ? ERR_LOCAL : 0;
	}
	if (matches(*argv, "show") && matches(*argv, "list")) {
		fprintf(stderr, "Command \"%s\" is unknown, try \"%s pair help\".\n",
			*argv, qc_prog_name);
		exit(-1);
	}
	argc--;
	argv++;
	while (argc > 0) {
		if (strcmp(*argv, "dev") == 0) {
			NEXT_ARG();
			if (dev)
				duparg("dev", *argv);
			dev = *argv;
		} else if (matches(*argv, "help") == 0) {
			usage_pair(stdout);
			return 0;
		} else if (!dev) {
			dev = *argv;
		} else {
			duparg2("dev", *argv);
		}
		argc--;
		argv++;
	}
	qc_dev(dev);
	err = qc_open_handle(&h);
	if (err)
		return err;
	new_json_obj(json);
	if (ql_pair_dump(h, dev, pair_one, NULL) < 0)
		err = qc_kernel_error(h, "pair dump");
	delete_json_obj();
	ql_close(h);
	return err;
}

/*
 * Monitor.
 */
struct mon_ctx {
	unsigned long count;	/* stop after this many (0: never) */
	unsigned long seen;
};

/* A pair event: one line, the heralded pairs below it with -d. */
static void print_pair_event(const struct ql_event *ev, const char *name)
{
	const struct ql_link *l = ql_event_link(ev);
	uint32_t reason = ql_link_value(l, QLINK_A_DROP_REASON);
	uint64_t link_time = ql_link_value(l, QLINK_A_LINK_TIME);
	char ifname[IF_NAMESIZE] = "";
	char buf[64];
	int i;

	open_json_object(NULL);
	print_string(PRINT_ANY, "event", "[%s] ", name);
	print_uint(PRINT_ANY, "ifindex", "%u: ", ql_link_ifindex(l));
	if (if_indextoname(ql_link_ifindex(l), ifname))
		print_string(PRINT_ANY, "ifname", "%s: ", ifname);
	print_uint(PRINT_ANY, "link_id", "id %u ", ql_link_id(l));
	if (ql_event_cmd(ev) == QLINK_CMD_PAIR_DROP_NTF) {
		qc_print_name("reason", ql_drop_reason_name(reason),
			      "%s ", "reason %u ", reason);
	}
	print_u64(PRINT_ANY, "seq_first", "seq %llu",
		  ql_link_value(l, QLINK_A_SEQ_FIRST));
	print_u64(PRINT_ANY, "seq_last", "-%llu ",
		  ql_link_value(l, QLINK_A_SEQ_LAST));
	print_uint(PRINT_ANY, "count", "count %u ",
		   ql_link_value(l, QLINK_A_PAIR_COUNT));
	qp_format_approx(QP_TIME_PS, (int64_t)link_time, buf, sizeof(buf));
	print_string(PRINT_FP, NULL, "link-time %s", buf);
	print_u64(PRINT_JSON, "link_time", NULL, link_time);
	if (ql_event_cmd(ev) == QLINK_CMD_PAIR_NTF) {
		open_json_array(PRINT_JSON, "pairs");
		for (i = 0; i < ql_event_pair_count(ev); i++) {
			if (show_details)
				print_string(PRINT_FP, NULL, "%s", "\n    ");
			if (show_details || is_json_context())
				pair_one(l, ql_event_pair(ev, i), (void *)1);
		}
		close_json_array(PRINT_JSON, NULL);
	}
	print_string(PRINT_FP, NULL, "%s", "\n");
	close_json_object();
}

static volatile sig_atomic_t mon_stop;

static void mon_sigint(int sig)
{
	(void)sig;
	mon_stop = 1;
}

static int mon_event(const struct ql_event *ev, void *arg)
{
	struct mon_ctx *m = arg;
	int cmd = ql_event_cmd(ev);
	const char *name = ql_event_name(cmd);

	/* One JSON object per line, as `ip -j monitor` does. */
	new_json_obj_plain(json);
	if (cmd == QLINK_CMD_PAIR_NTF || cmd == QLINK_CMD_PAIR_DROP_NTF)
		print_pair_event(ev, name);
	else
		print_link(ql_event_link(ev), NULL, NULL,
			   name ? name : "unknown");
	delete_json_obj_plain();
	fflush(stdout);
	m->seen++;
	return m->count && m->seen >= m->count;
}

static int do_monitor(int argc, char **argv)
{
	struct mon_ctx m = { 0 };
	struct ql_handle *h;
	struct sigaction sa;
	bool links = false, pairs = false;
	int err;

	while (argc > 0) {
		if (strcmp(*argv, "all") == 0) {
			links = pairs = true;
		} else if (matches(*argv, "link") == 0) {
			links = true;
		} else if (matches(*argv, "pairs") == 0) {
			pairs = true;
		} else if (matches(*argv, "count") == 0) {
			NEXT_ARG();
			if (get_unsigned((unsigned int *)&err, *argv, 0) || !err)
				invarg("count must be a positive integer", *argv);
			m.count = (unsigned int)err;
		} else if (matches(*argv, "help") == 0) {
			usage_monitor(stdout);
			return 0;
		} else {
			fprintf(stderr,
				"Error: argument \"%s\" is wrong: try \"%s monitor help\".\n",
				*argv, qc_prog_name);
			exit(-1);
		}
		argc--;
		argv++;
	}

	if (!links && !pairs)
		links = true;
	err = qc_open_handle(&h);
	if (err)
		return err;
	if ((links && ql_event_subscribe_group(h, QLINK_MCGRP_LINK_NAME)) ||
	    (pairs && ql_event_subscribe_group(h, QLINK_MCGRP_PAIRS_NAME))) {
		err = qc_kernel_error(h, "subscribe");
		ql_close(h);
		return err;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = mon_sigint;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (!mon_stop) {
		err = ql_event_loop(h, mon_event, &m, -1);
		if (err > 0)
			break;	/* count reached */
		if (err == -EINTR)
			continue;
		if (err < 0) {
			if (err == -ENOBUFS) {
				fprintf(stderr, "Warning: %s.\n", ql_errmsg(h));
				continue;
			}
			err = qc_kernel_error(h, "monitor");
			ql_close(h);
			return err;
		}
	}
	ql_close(h);
	return 0;
}

/*
 * A new link key from getrandom(), written with write(2) so that no stdio
 * buffer keeps a copy.
 */
static int do_genkey(int argc, char **argv)
{
	uint8_t key[QPEER_KEY_LEN];
	char hex[66];
	struct stat st;
	ssize_t n;
	int err = 0;

	if (argc > 0 && matches(*argv, "help") == 0) {
		usage_genkey(stdout);
		return 0;
	}
	if (argc > 0) {
		fprintf(stderr, "Error: \"genkey\" takes no arguments.\n");
		exit(-1);
	}
	if (!fstat(STDOUT_FILENO, &st) && S_ISREG(st.st_mode) &&
	    (st.st_mode & (S_IRGRP | S_IROTH)))
		fprintf(stderr,
			"Warning: writing a key to a file readable by group or others.\n");
	do {
		n = getrandom(key, sizeof(key), 0);
	} while (n < 0 && errno == EINTR);
	if (n != sizeof(key)) {
		fprintf(stderr, "Error: getrandom: %s.\n",
			n < 0 ? strerror(errno) : "short read");
		return ERR_LOCAL;
	}
	qpeer_key_hex(key, hex);
	hex[64] = '\n';
	n = write(STDOUT_FILENO, hex, 65);
	if (n != 65) {
		fprintf(stderr, "Error: cannot write the key: %s.\n",
			n < 0 ? strerror(errno) : "short write");
		err = ERR_LOCAL;
	}
	explicit_bzero(key, sizeof(key));
	explicit_bzero(hex, sizeof(hex));
	return err;
}

/*
 * The family's version comes from the kernel's generic netlink controller,
 * the netns cookie from SO_NETNS_COOKIE.
 */
static int do_version(int argc, char **argv)
{
	struct ql_handle *h;
	uint64_t cookie;
	int err;

	if (argc > 0 && matches(*argv, "help") == 0) {
		fprintf(stdout, "Usage: %s version\n", qc_prog_name);
		return 0;
	}
	if (argc > 0) {
		fprintf(stderr, "Error: \"version\" takes no arguments.\n");
		exit(-1);
	}
	err = qc_open_handle(&h);
	if (err)
		return err;
	err = ql_netns_cookie(-1, &cookie);
	if (err) {
		fprintf(stderr, "Error: cannot read the netns cookie: %s.\n",
			strerror(-err));
		ql_close(h);
		return ERR_LOCAL;
	}
	new_json_obj_plain(json);
	open_json_object(NULL);
	print_uint(PRINT_ANY, "genl_version", "qlink genl-version %u",
		   ql_family_version(h));
	print_u64(PRINT_ANY, "netns_cookie", " netns-cookie %llu", cookie);
	print_uint(PRINT_ANY, "libqlink_major", " libqlink %u",
		   QL_VERSION_MAJOR);
	print_uint(PRINT_ANY, "libqlink_minor", ".%u\n", QL_VERSION_MINOR);
	close_json_object();
	delete_json_obj_plain();
	ql_close(h);
	return 0;
}

int qlink_cmd(const char *prog, int argc, char **argv)
{
	qc_prog_name = prog;
	if (argc < 1) {
		qlink_cmd_usage(prog, stderr);
		exit(-1);
	}
	if (matches(*argv, "link") == 0)
		return do_link(argc - 1, argv + 1);
	if (matches(*argv, "monitor") == 0)
		return do_monitor(argc - 1, argv + 1);
	if (matches(*argv, "pair") == 0)
		return do_pair(argc - 1, argv + 1);
	if (matches(*argv, "purpose") == 0)
		return qc_do_purpose(argc - 1, argv + 1);
	if (matches(*argv, "request") == 0)
		return qc_do_request(argc - 1, argv + 1);
	if (matches(*argv, "receive") == 0)
		return qc_do_receive(argc - 1, argv + 1);
	if (matches(*argv, "version") == 0)
		return do_version(argc - 1, argv + 1);
	if (strcmp(*argv, "genkey") == 0)
		return do_genkey(argc - 1, argv + 1);
	if (matches(*argv, "help") == 0) {
		qlink_cmd_usage(prog, stdout);
		return 0;
	}
	fprintf(stderr, "Object \"%s\" is unknown, try \"%s help\".\n",
		*argv, prog);
	exit(-1);
}
