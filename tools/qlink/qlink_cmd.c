// SPDX-License-Identifier: GPL-2.0
/*
 * qlink commands on top of libqlink, written with iproute2's helpers
 * (json_print.h, utils.h). Compiled into the standalone `qlink` tool and,
 * through ip/ipqlink.c, into `ip` itself.
 */
#include <errno.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utils.h"
#include "json_print.h"

#include "qlink.h"
#include "qlink_params.h"
#include "qlink_cmd.h"

const char *qc_prog_name = "qlink";

void qlink_cmd_usage(const char *prog, FILE *f)
{
	bool ip = !strcmp(prog, "ip qlink");

	fprintf(f,
		"Usage: %s OBJECT { COMMAND | help }\n"
		"where  OBJECT := { link | pair | purpose | request | receive |\n"
		"                   monitor | version | help }\n"
		"       OPTIONS := { -s[tatistics] | -d[etails] | -j[son] | -p[retty]%s }\n"
		"Commands:\n"
		"       %s link show [ dev DEV ]\n"
		"       %s link set dev DEV PARAM VALUE [ PARAM VALUE ... ]\n"
		"       %s pair show dev DEV\n"
		"       %s purpose show dev DEV [ id ID ]\n"
		"       %s purpose set dev DEV id ID SETTING VALUE [ SETTING VALUE ... ]\n"
		"       %s request dev DEV purpose ID [ OPTIONS ... ]\n"
		"       %s receive dev DEV purpose ID [ count N ] [ timeout TIME ]\n"
		"       %s monitor [ link | pairs | all ] [ count N ]\n"
		"       %s version\n"
		"-s adds statistics, -d expected rates, capabilities and all fault\n"
		"knobs; \"%s link set help\" lists the parameters and units.\n",
		ip ? "ip [ OPTIONS ] qlink" : "qlink [ OPTIONS ]",
		ip ? " | ..." : " |\n                    -n[etns] NAME | -V[ersion] | -h[elp]",
		prog, prog, prog, prog, prog, prog, prog, prog, prog, prog);
}

static void usage_link(FILE *f)
{
	fprintf(f,
		"Usage: %s link show [ dev DEV ]\n"
		"       %s link set dev DEV PARAM VALUE [ PARAM VALUE ... ]\n"
		"       %s link set help   (the parameters and their units)\n",
		qc_prog_name, qc_prog_name, qc_prog_name);
}

static void usage_link_set(FILE *f)
{
	fprintf(f, "Usage: %s link set dev DEV PARAM VALUE [ PARAM VALUE ... ]\n",
		qc_prog_name);
	qp_help(f);
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

/* "Error: <kernel message>." plus the parameter in command-line terms. */
int qc_kernel_error(struct qlink_handle *h, const char *what)
{
	const char *msg = qlink_errmsg(h);
	size_t n = strlen(msg);
	char hint[160];

	if (!n) {
		fprintf(stderr, "Error: %s failed.\n", what);
		return ERR_KERNEL;
	}
	if (msg[n - 1] == '.')
		n--;
	fprintf(stderr, "Error: %.*s", (int)n, msg);
	if (qp_explain(msg, hint, sizeof(hint)) ||
	    qc_purpose_explain(msg, hint, sizeof(hint)))
		fprintf(stderr, " (%s)", hint);
	fprintf(stderr, ".\n");
	return ERR_KERNEL;
}

int qc_open_handle(struct qlink_handle **hp)
{
	int err = qlink_open(hp);

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

static void to_qp(const struct qlink_param_set *ps, struct qp_set *s)
{
	int i;

	memset(s, 0, sizeof(*s));
	for (i = 1; i <= QLINK_A_PARAM_MAX && i < QLINK_SLOTS; i++)
		if (qlink_params_has(ps, i)) {
			s->present |= 1ULL << i;
			s->value[i] = qlink_params_get(ps, i);
		}
}

static void print_flags(const struct qlink_link *l)
{
	if (!(l->has & QLINK_LINK_HAS_STATE))
		return;
	print_string(PRINT_FP, NULL, "<%s", l->up ? "UP" : "DOWN");
	print_string(PRINT_FP, NULL, "%s> ", l->carrier ? ",CARRIER" : "");
	print_bool(PRINT_JSON, "up", NULL, l->up);
	print_bool(PRINT_JSON, "carrier", NULL, l->carrier);
}

static void print_caps(const struct qlink_caps *c)
{
	char buf[64];
	int m, first = 1;

	print_string(PRINT_FP, NULL, "%s", "\n    caps herald-models ");
	open_json_object("caps");
	open_json_array(PRINT_JSON, "herald_models");
	for (m = QLINK_HERALD_TIME_TAGS; m <= QLINK_HERALD_EVENTS; m++) {
		if (!(c->herald_models & (1u << m)))
			continue;
		print_string(PRINT_FP, NULL, first ? "%s" : ",%s",
			     qlink_herald_model_name(m));
		print_string(PRINT_JSON, NULL, NULL, qlink_herald_model_name(m));
		first = 0;
	}
	close_json_array(PRINT_JSON, NULL);
	qp_format_unit(QP_RATE, (int64_t)c->max_rate, buf, sizeof(buf));
	print_string(PRINT_FP, NULL, " max-rate %s", buf);
	print_u64(PRINT_JSON, "max_rate", NULL, c->max_rate);
	print_uint(PRINT_ANY, "memory_slots", " memory-slots %u", c->memory_slots);
	print_0xhex(PRINT_ANY, "params", " params %#llx", c->params);
	close_json_object();
}

static void print_expected(const struct qlink_link *l)
{
	const struct qlink_expected *e = &l->expected;
	char buf[64];

	print_string(PRINT_FP, NULL, "%s", "\n    expected ");
	open_json_object("expected");
	qp_format_approx(QP_RATE, (int64_t)e->herald_rate, buf, sizeof(buf));
	print_string(PRINT_FP, NULL, "herald-rate %s ", buf);
	print_u64(PRINT_JSON, "herald_rate", NULL, e->herald_rate);
	qp_format_approx(QP_RATE, (int64_t)e->accidental_rate, buf,
			 sizeof(buf));
	print_string(PRINT_FP, NULL, "accidental-rate %s ", buf);
	print_u64(PRINT_JSON, "accidental_rate", NULL, e->accidental_rate);
	if (l->has & QLINK_LINK_HAS_EXP_FIDELITY) {
		qp_format_unit(QP_FRACTION, e->fidelity, buf, sizeof(buf));
		print_string(PRINT_FP, NULL, "fidelity %s ", buf);
		print_uint(PRINT_JSON, "fidelity", NULL, e->fidelity);
		qp_format_unit(QP_FRACTION, e->qber, buf, sizeof(buf));
		print_string(PRINT_FP, NULL, "qber %s ", buf);
		print_uint(PRINT_JSON, "qber", NULL, e->qber);
	}
	qp_format_unit(QP_LOSS, e->loss_a, buf, sizeof(buf));
	print_string(PRINT_FP, NULL, "loss-a %s ", buf);
	print_uint(PRINT_JSON, "loss_a", NULL, e->loss_a);
	qp_format_unit(QP_LOSS, e->loss_b, buf, sizeof(buf));
	print_string(PRINT_FP, NULL, "loss-b %s", buf);
	print_uint(PRINT_JSON, "loss_b", NULL, e->loss_b);
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

static void print_stats(const struct qlink_stats *st)
{
	int i, col = 0;

	print_string(PRINT_FP, NULL, "%s", "\n    stats");
	open_json_object("stats");
	for (i = 1; i < QLINK_SLOTS; i++) {
		const char *name = qlink_stats_name(i);
		int unit = stats_unit(i);
		char key[40], val[64], *p;

		if (!name || !((st->present >> i) & 1))
			continue;
		snprintf(key, sizeof(key), "%s", name);
		for (p = key; *p; p++)
			if (*p == '_')
				*p = '-';
		if (unit == QP_NUMBER)
			snprintf(val, sizeof(val), "%llu",
				 (unsigned long long)st->value[i]);
		else
			qp_format_approx(unit, (int64_t)st->value[i], val,
					 sizeof(val));
		if (++col > 6) {
			print_string(PRINT_FP, NULL, "%s", "\n         ");
			col = 1;
		}
		print_string(PRINT_FP, NULL, " %s", key);
		print_string(PRINT_FP, NULL, " %s", val);
		if (qlink_stats_type(i) == QLINK_PARAM_TYPE_S64)
			print_s64(PRINT_JSON, name, NULL, (int64_t)st->value[i]);
		else
			print_u64(PRINT_JSON, name, NULL, st->value[i]);
	}
	close_json_object();
}

/* One link, in the layout of `ip link show`. */
static void print_link(const struct qlink_link *l, const struct qlink_stats *st,
		       const char *event)
{
	struct qp_set s;

	open_json_object(NULL);
	if (event)
		print_string(PRINT_ANY, "event", "[%s] ", event);
	print_uint(PRINT_ANY, "ifindex", "%u: ", l->ifindex);
	print_string(PRINT_ANY, "ifname", "%s: ", l->ifname);
	print_flags(l);
	if (l->has & QLINK_LINK_HAS_KIND)
		print_string(PRINT_ANY, "kind", "%s ", l->kind);
	print_uint(PRINT_ANY, "id", "id %u ", l->id);
	if (l->has & QLINK_LINK_HAS_SIDE)
		print_string(PRINT_ANY, "end", "end %s ", l->side ? "B" : "A");
	if (l->has & QLINK_LINK_HAS_PEER)
		print_uint(PRINT_ANY, "peer_ifindex", "peer %u ",
			   l->peer_ifindex);
	if (l->has & QLINK_LINK_HAS_PEER_NETNS) {
		if (show_details)
			print_u64(PRINT_FP, NULL, "peer-netns-cookie %llu ",
				  l->peer_netns_cookie);
		print_u64(PRINT_JSON, "peer_netns_cookie", NULL,
			  l->peer_netns_cookie);
	}
	if (show_details && (l->has & QLINK_LINK_HAS_PAIR_ID))
		print_uint(PRINT_ANY, "pair_link_id", "pair-id %u ",
			   l->pair_link_id);
	if (l->has & QLINK_LINK_HAS_CHANGE && qlink_change_name(l->change))
		print_string(PRINT_ANY, "change", "change %s ",
			     qlink_change_name(l->change));
	if (l->has & QLINK_LINK_HAS_PARAMS) {
		print_string(PRINT_FP, NULL, "%s", "\n    ");
		open_json_object("params");
		to_qp(&l->params, &s);
		qp_print(&s, show_details, "    ");
		close_json_object();
	}
	if (show_details && (l->has & QLINK_LINK_HAS_EXPECTED))
		print_expected(l);
	if (show_details && (l->has & QLINK_LINK_HAS_CAPS))
		print_caps(&l->caps);
	if (st)
		print_stats(st);
	print_string(PRINT_FP, NULL, "%s", "\n");
	close_json_object();
}

struct show_ctx {
	struct qlink_handle *h;
	struct qlink_link *links;
	size_t n, size;
	int err;
};

/* Dump callback: keep a copy (no request may run inside a dump). */
static int collect(const struct qlink_link *l, void *arg)
{
	struct show_ctx *c = arg;

	if (c->n == c->size) {
		size_t size = c->size ? 2 * c->size : 16;
		struct qlink_link *p = realloc(c->links, size * sizeof(*p));

		if (!p) {
			fprintf(stderr, "Error: out of memory.\n");
			c->err = ERR_LOCAL;
			return 1;
		}
		c->links = p;
		c->size = size;
	}
	c->links[c->n++] = *l;
	return 0;
}

static int show_one(const struct qlink_link *l, struct show_ctx *c)
{
	struct qlink_stats st;

	if (show_stats) {
		if (qlink_stats_get(c->h, l->ifname, &st)) {
			if (qlink_errno(c->h) == -ENODEV)
				return 0;	/* gone meanwhile */
			c->err = qc_kernel_error(c->h, "stats");
			return 1;
		}
	}
	print_link(l, show_stats ? &st : NULL, NULL);
	return 0;
}

static int link_show(int argc, char **argv)
{
	struct show_ctx c = { 0 };
	struct qlink_link l;
	const char *dev = NULL;
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
		if (qlink_link_get(c.h, dev, &l))
			c.err = qc_kernel_error(c.h, "link get");
		else
			collect(&l, &c);
	} else if (qlink_link_dump(c.h, collect, &c) < 0 && !c.err) {
		c.err = qc_kernel_error(c.h, "link dump");
	}
	if (!c.err) {
		size_t i;

		new_json_obj(json);
		for (i = 0; i < c.n && !show_one(&c.links[i], &c); i++)
			;
		delete_json_obj();
	}
	free(c.links);
	qlink_close(c.h);
	return c.err;
}

static int link_set(int argc, char **argv)
{
	struct qlink_param_set ps;
	struct qlink_handle *h;
	struct qp_set s = { 0 };
	const char *dev = NULL;
	int i, err;

	while (argc > 0) {
		if (strcmp(*argv, "dev") == 0) {
			NEXT_ARG();
			if (dev)
				duparg("dev", *argv);
			dev = *argv;
		} else if (matches(*argv, "help") == 0) {
			usage_link_set(stdout);
			return 0;
		} else if (qp_find(*argv)) {
			qp_parse_args(&argc, &argv, &s);
			continue;
		} else if (!dev) {
			dev = *argv;
		} else {
			fprintf(stderr,
				"Error: unknown parameter \"%s\", try \"%s link set help\".\n",
				*argv, qc_prog_name);
			exit(-1);
		}
		argc--;
		argv++;
	}
	qc_dev(dev);
	if (!s.present) {
		fprintf(stderr,
			"Error: nothing to set, try \"%s link set help\".\n",
			qc_prog_name);
		exit(-1);
	}

	qlink_params_clear(&ps);
	for (i = 1; i <= QLINK_A_PARAM_MAX; i++)
		if ((s.present >> i) & 1)
			qlink_params_put(&ps, i, s.value[i]);
	err = qc_open_handle(&h);
	if (err)
		return err;
	if (qlink_link_set(h, dev, &ps))
		err = qc_kernel_error(h, "link set");
	qlink_close(h);
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

static int pair_one(const struct qlink_pair *p, void *arg)
{
	char buf[64];

	open_json_object(NULL);
	print_u64(PRINT_ANY, "seq", "seq %llu ", p->seq);
	print_uint(PRINT_ANY, "link_id", "link-id %u ", p->link_id);
	print_0xhex(PRINT_ANY, "trace_id", "trace %#llx ", p->trace_id);
	print_string(PRINT_ANY, "bell", "bell %s ",
		     qlink_bell_name(p->bell_index) ?: "?");
	print_uint(PRINT_JSON, "bell_index", NULL, p->bell_index);
	qp_format_unit(QP_FRACTION, p->fidelity, buf, sizeof(buf));
	print_string(PRINT_FP, NULL, "fidelity %s ", buf);
	print_uint(PRINT_JSON, "fidelity", NULL, p->fidelity);
	qp_format_unit(QP_FRACTION, p->fidelity_herald, buf, sizeof(buf));
	print_string(PRINT_FP, NULL, "herald-fidelity %s ", buf);
	print_uint(PRINT_JSON, "fidelity_herald", NULL, p->fidelity_herald);
	qp_format_approx(QP_TIME_PS, (int64_t)p->age, buf, sizeof(buf));
	print_string(PRINT_FP, NULL, "age %s ", buf);
	print_u64(PRINT_JSON, "age", NULL, p->age);
	if (show_details) {
		qp_format_approx(QP_TIME_PS, (int64_t)p->herald_time, buf,
				 sizeof(buf));
		print_string(PRINT_FP, NULL, "herald-time %s ", buf);
	}
	print_u64(PRINT_JSON, "herald_time", NULL, p->herald_time);
	print_u64(PRINT_JSON, "link_time", NULL, p->link_time);
	if (p->has_slot)
		print_uint(PRINT_ANY, "slot", "slot %u ", p->slot);
	print_string(PRINT_ANY, "state", "%s",
		     qlink_pair_state_name(p->state) ?: "unknown");
	if (p->purpose)
		print_uint(PRINT_ANY, "purpose", " purpose %u", p->purpose);
	/* arg: inside a monitor line, which ends it */
	if (!arg)
		print_string(PRINT_FP, NULL, "%s", "\n");
	close_json_object();
	return 0;
}

static int do_pair(int argc, char **argv)
{
	struct qlink_handle *h;
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
	if (qlink_pair_dump(h, dev, pair_one, NULL) < 0)
		err = qc_kernel_error(h, "pair dump");
	delete_json_obj();
	qlink_close(h);
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
static void print_pair_event(const struct qlink_event *ev, const char *name)
{
	const struct qlink_pair_event *pe = &ev->pair;
	char ifname[IF_NAMESIZE] = "";
	char buf[64];
	uint32_t i;

	open_json_object(NULL);
	print_string(PRINT_ANY, "event", "[%s] ", name);
	print_uint(PRINT_ANY, "ifindex", "%u: ", pe->ifindex);
	if (if_indextoname(pe->ifindex, ifname))
		print_string(PRINT_ANY, "ifname", "%s: ", ifname);
	print_uint(PRINT_ANY, "link_id", "id %u ", pe->link_id);
	if (ev->cmd == QLINK_CMD_PAIR_DROP_NTF) {
		qc_print_name("reason", qlink_drop_reason_name(pe->reason),
			      "%s ", "reason %u ", pe->reason);
	}
	print_u64(PRINT_ANY, "seq_first", "seq %llu", pe->seq_first);
	print_u64(PRINT_ANY, "seq_last", "-%llu ", pe->seq_last);
	print_uint(PRINT_ANY, "count", "count %u ", pe->count);
	qp_format_approx(QP_TIME_PS, (int64_t)pe->link_time, buf, sizeof(buf));
	print_string(PRINT_FP, NULL, "link-time %s", buf);
	print_u64(PRINT_JSON, "link_time", NULL, pe->link_time);
	if (ev->cmd == QLINK_CMD_PAIR_NTF) {
		open_json_array(PRINT_JSON, "pairs");
		for (i = 0; i < pe->n_pairs; i++) {
			if (show_details)
				print_string(PRINT_FP, NULL, "%s", "\n    ");
			if (show_details || is_json_context())
				pair_one(&pe->pairs[i], (void *)1);
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

static int mon_event(const struct qlink_event *ev, void *arg)
{
	struct mon_ctx *m = arg;
	const char *name = qlink_event_name(ev->cmd);

	/* One JSON object per line, as `ip -j monitor` does. */
	new_json_obj_plain(json);
	if (ev->cmd == QLINK_CMD_PAIR_NTF || ev->cmd == QLINK_CMD_PAIR_DROP_NTF)
		print_pair_event(ev, name);
	else
		print_link(&ev->link, NULL, name ? name : "unknown");
	delete_json_obj_plain();
	fflush(stdout);
	m->seen++;
	return m->count && m->seen >= m->count;
}

static int do_monitor(int argc, char **argv)
{
	struct mon_ctx m = { 0 };
	struct qlink_handle *h;
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
	if ((links && qlink_event_subscribe_group(h, QLINK_MCGRP_LINK_NAME)) ||
	    (pairs && qlink_event_subscribe_group(h, QLINK_MCGRP_PAIRS_NAME))) {
		err = qc_kernel_error(h, "subscribe");
		qlink_close(h);
		return err;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = mon_sigint;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (!mon_stop) {
		err = qlink_event_loop(h, mon_event, &m, -1);
		if (err > 0)
			break;	/* count reached */
		if (err == -EINTR)
			continue;
		if (err < 0) {
			if (err == -ENOBUFS) {
				fprintf(stderr, "Warning: %s.\n", qlink_errmsg(h));
				continue;
			}
			err = qc_kernel_error(h, "monitor");
			qlink_close(h);
			return err;
		}
	}
	qlink_close(h);
	return 0;
}

static int do_version(int argc, char **argv)
{
	struct qlink_version v;
	struct qlink_handle *h;
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
	if (qlink_get_version(h, &v)) {
		err = qc_kernel_error(h, "version");
		qlink_close(h);
		return err;
	}
	new_json_obj_plain(json);
	open_json_object(NULL);
	print_string(PRINT_FP, NULL, "%s", "qlink core ");
	print_uint(PRINT_ANY, "major", "%u", v.major);
	print_uint(PRINT_ANY, "minor", ".%u", v.minor);
	print_uint(PRINT_ANY, "genl_version", " genl-version %u", v.genl_version);
	print_u64(PRINT_ANY, "netns_cookie", " netns-cookie %llu", v.netns_cookie);
	print_uint(PRINT_ANY, "libqlink_major", " libqlink %u",
		   LIBQLINK_VERSION_MAJOR);
	print_uint(PRINT_ANY, "libqlink_minor", ".%u\n",
		   LIBQLINK_VERSION_MINOR);
	close_json_object();
	delete_json_obj_plain();
	qlink_close(h);
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
	if (matches(*argv, "help") == 0) {
		qlink_cmd_usage(prog, stdout);
		return 0;
	}
	fprintf(stderr, "Object \"%s\" is unknown, try \"%s help\".\n",
		*argv, prog);
	exit(-1);
}
