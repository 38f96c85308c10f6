// SPDX-License-Identifier: GPL-2.0
/*
 * qlink purpose, request and receive: the scheduling of purposes over
 * generic netlink, and a quick-test client of AF_QLINK sockets (qlink(7)).
 * Compiled into the standalone `qlink` tool and, through ip/ipqlink.c,
 * into `ip` itself, like qlink_cmd.c.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>

#include "utils.h"
#include "json_print.h"

#include "qlink.h"
#include "qlink_params.h"
#include "qlink_cmd.h"

#define QR(n, a, u, w, j, z, h) \
	{ .name = n, .attr = a, .unit = u, .wire = w, .json = j, .zero = z, \
	  .help = h }

/* The settings of a purpose, as `purpose set` takes and `show` prints them. */
static const struct qp_desc qr_purpose[] = {
	QR("weight", QLINK_A_PURPOSE_WEIGHT, QP_NUMBER, QP_U32, "weight", NULL,
	   "fair-queueing weight, 1 to 1000000 (1)"),
	QR("rate", QLINK_A_PURPOSE_RATE, QP_RATE, QP_U64, "rate", "unlimited",
	   "quota: pairs per second (10, 2.5k, unlimited)"),
	QR("max-outstanding", QLINK_A_PURPOSE_MAX_OUTSTANDING, QP_NUMBER, QP_U32,
	   "max_outstanding", "unlimited",
	   "quota: requests queued at once (unlimited)"),
	QR("reserve", QLINK_A_PURPOSE_RESERVE, QP_NUMBER, QP_U32, "reserve", NULL,
	   "pairs kept generated for the purpose, 0 to 1024 (0)"),
	QR("reserve-fidelity", QLINK_A_PURPOSE_RESERVE_FIDELITY, QP_FRACTION,
	   QP_U32, "reserve_fidelity", NULL,
	   "minimum fidelity of reserved pairs (0.9, 90%)"),
	QR("owner", QLINK_A_PURPOSE_OWNER_UID, QP_NUMBER, QP_U32, "owner_uid",
	   NULL, "only this uid may bind sockets to it (none)"),
	QR("group", QLINK_A_PURPOSE_OWNER_GID, QP_NUMBER, QP_U32, "owner_gid",
	   NULL, "... or the members of this gid (none)"),
};
#define QR_PURPOSE_N	(sizeof(qr_purpose) / sizeof(qr_purpose[0]))

/* Request options with units. */
static const struct qp_desc qr_fidelity =
	QR("min-fidelity", 0, QP_FRACTION, QP_U32, NULL, NULL, NULL);
static const struct qp_desc qr_time =
	QR("deadline", 0, QP_TIME_NS, QP_U64, NULL, "none", NULL);
static const struct qp_desc qr_u32 =
	QR("number", 0, QP_NUMBER, QP_U32, NULL, NULL, NULL);

static volatile sig_atomic_t qr_stop;

static void qr_sigint(int sig)
{
	(void)sig;
	qr_stop = 1;
}

/* SIGINT and SIGTERM interrupt waits (no SA_RESTART) and stop the loop. */
static void qr_catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = qr_sigint;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static void qr_parse(const struct qp_desc *d, const char *key, const char *arg,
		     int64_t *v)
{
	const char *why = NULL;
	char msg[128];

	if (qp_parse(d, arg, v, &why)) {
		snprintf(msg, sizeof(msg), "%s: %s", key, why);
		invarg(msg, arg);
	}
}

static uint32_t qr_parse_id(const char *key, const char *arg)
{
	int64_t v;

	qr_parse(&qr_u32, key, arg, &v);
	if (!v)
		invarg("purpose ids are 1 to 4294967295", arg);
	return (uint32_t)v;
}

static uint64_t qr_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* How long to wait until END (qr_now_ns()) in ms; -1 (forever) if END is 0. */
static int qr_wait_ms(uint64_t end)
{
	uint64_t now;

	if (!end)
		return -1;
	now = qr_now_ns();
	return now >= end ? 0 : (int)((end - now + 999999) / 1000000);
}

bool qc_purpose_explain(const char *msg, char *buf, size_t len)
{
	const struct qp_desc *d = NULL;
	const char *p;
	char name[48];
	long long lo, hi;
	size_t i;

	if (!qp_attr_name(msg, "QLINK_A_PURPOSE_", name, sizeof(name)))
		return false;
	if (!strcmp(name, "id")) {
		snprintf(buf, len, "the purpose \"id\"");
		return true;
	}
	for (i = 0; i < QR_PURPOSE_N; i++)
		if (!strcmp(qr_purpose[i].json, name))
			d = &qr_purpose[i];
	if (!d)
		return false;
	p = strstr(msg, "allowed [");
	if (p && sscanf(p, "allowed [%lld, %lld]", &lo, &hi) == 2) {
		char a[48], b[48];

		qp_format(d, lo, a, sizeof(a));
		qp_format(d, hi, b, sizeof(b));
		snprintf(buf, len, "setting \"%s\": allowed %s to %s", d->name,
			 a, b);
	} else {
		snprintf(buf, len, "setting \"%s\"", d->name);
	}
	return true;
}

/*
 * purpose
 */
void qc_usage_purpose(FILE *f)
{
	size_t i;

	fprintf(f,
		"Usage: %s purpose show dev DEV [ id ID ]\n"
		"       %s purpose set dev DEV id ID SETTING VALUE [ SETTING VALUE ... ]\n"
		"SETTING := { weight | rate | max-outstanding | reserve | reserve-fidelity |\n"
		"             owner | group }\n",
		qc_prog_name, qc_prog_name);
	for (i = 0; i < QR_PURPOSE_N; i++)
		fprintf(f, "  %-17s %s\n", qr_purpose[i].name, qr_purpose[i].help);
	fprintf(f,
		"Both ends of a link share one scheduler: either end shows and\n"
		"sets it. A purpose is listed once it is configured or used.\n"
		"Binding a socket to a purpose with an owner needs its uid or gid;\n"
		"one below 1024 without an owner needs CAP_NET_BIND_SERVICE;\n"
		"CAP_NET_ADMIN may always. \"none\" removes an owner.\n");
}

static void qr_counter(const struct ql_attrs *p, int attr,
		       const char *json, const char *text)
{
	if (!ql_attrs_has(p, attr))
		return;
	print_string(PRINT_FP, NULL, " %s", text);
	print_u64(PRINT_ANY, json, " %llu", ql_attrs_get(p, attr));
}

struct qr_show {
	const char *dev;
	int n;
};

static int qr_purpose_one(const struct ql_link *l, void *arg)
{
	const struct ql_attrs *p = ql_link_attrs(l, QLINK_A_PURPOSE);
	struct qr_show *c = arg;
	char buf[64];
	size_t i;

	if (!p)
		return 0;
	open_json_object(NULL);
	print_uint(PRINT_JSON, "ifindex", NULL, ql_link_ifindex(l));
	print_string(PRINT_ANY, "ifname", "%s ", c->dev);
	print_uint(PRINT_JSON, "link_id", NULL, ql_link_id(l));
	print_uint(PRINT_ANY, "id", "purpose %u:",
		   ql_attrs_get(p, QLINK_A_PURPOSE_ID));
	for (i = 0; i < QR_PURPOSE_N; i++) {
		const struct qp_desc *d = &qr_purpose[i];
		int64_t v = ql_attrs_get(p, d->attr);

		if (!ql_attrs_has(p, d->attr))
			continue;
		qp_format(d, v, buf, sizeof(buf));
		print_string(PRINT_FP, NULL, " %s", d->name);
		print_string(PRINT_FP, NULL, " %s", buf);
		if (d->wire == QP_U64)
			print_u64(PRINT_JSON, d->json, NULL, (uint64_t)v);
		else
			print_uint(PRINT_JSON, d->json, NULL, (uint32_t)v);
	}
	print_string(PRINT_FP, NULL, "%s", "\n   ");
	qr_counter(p, QLINK_A_PURPOSE_REQUESTS, "requests", "requests");
	qr_counter(p, QLINK_A_PURPOSE_REQ_SUCCEEDED, "req_succeeded",
		   "succeeded");
	qr_counter(p, QLINK_A_PURPOSE_REQ_FAILED, "req_failed", "failed");
	qr_counter(p, QLINK_A_PURPOSE_DELIVERED, "delivered", "delivered");
	qr_counter(p, QLINK_A_PURPOSE_OUTSTANDING, "outstanding", "outstanding");
	qr_counter(p, QLINK_A_PURPOSE_RESERVED, "reserved", "reserved");
	qr_counter(p, QLINK_A_PURPOSE_RECEIVERS, "receivers", "receivers");
	print_string(PRINT_FP, NULL, "%s", "\n");
	close_json_object();
	c->n++;
	return 0;
}

static int qr_purpose_show(int argc, char **argv)
{
	struct qr_show c = { 0 };
	struct ql_link *p;
	struct ql_handle *h;
	uint32_t id = 0;
	int err;

	while (argc > 0) {
		if (strcmp(*argv, "dev") == 0) {
			NEXT_ARG();
			if (c.dev)
				duparg("dev", *argv);
			c.dev = *argv;
		} else if (strcmp(*argv, "id") == 0) {
			NEXT_ARG();
			if (id)
				duparg("id", *argv);
			id = qr_parse_id("id", *argv);
		} else if (matches(*argv, "help") == 0) {
			qc_usage_purpose(stdout);
			return 0;
		} else if (!c.dev) {
			c.dev = *argv;
		} else {
			fprintf(stderr,
				"Error: argument \"%s\" is wrong: try \"%s purpose help\".\n",
				*argv, qc_prog_name);
			exit(-1);
		}
		argc--;
		argv++;
	}
	qc_dev(c.dev);
	err = qc_open_handle(&h);
	if (err)
		return err;
	if (id) {
		if (ql_purpose_get(h, c.dev, id, &p)) {
			err = qc_kernel_error(h, "purpose get");
		} else {
			new_json_obj(json);
			qr_purpose_one(p, &c);
			delete_json_obj();
			ql_link_free(p);
		}
	} else {
		new_json_obj(json);
		if (ql_purpose_dump(h, c.dev, qr_purpose_one, &c) < 0)
			err = qc_kernel_error(h, "purpose dump");
		delete_json_obj();
	}
	ql_close(h);
	return err;
}

static int qr_purpose_set(int argc, char **argv)
{
	struct ql_attrs *p = ql_attrs_new(QLINK_A_PURPOSE);
	struct ql_handle *h;
	const char *dev = NULL;
	size_t i;
	int err;

	if (!p) {
		fprintf(stderr, "Error: out of memory.\n");
		return ERR_LOCAL;
	}

	while (argc > 0) {
		const struct qp_desc *d = NULL;

		for (i = 0; i < QR_PURPOSE_N && !d; i++)
			if (!strcmp(*argv, qr_purpose[i].name))
				d = &qr_purpose[i];
		for (i = 0; i < QR_PURPOSE_N && !d; i++)
			if (!matches(*argv, qr_purpose[i].name))
				d = &qr_purpose[i];
		if (strcmp(*argv, "dev") == 0) {
			NEXT_ARG();
			if (dev)
				duparg("dev", *argv);
			dev = *argv;
		} else if (strcmp(*argv, "id") == 0) {
			NEXT_ARG();
			if (ql_attrs_has(p, QLINK_A_PURPOSE_ID))
				duparg("id", *argv);
			ql_attrs_put(p, QLINK_A_PURPOSE_ID,
				     qr_parse_id("id", *argv));
		} else if (matches(*argv, "help") == 0) {
			qc_usage_purpose(stdout);
			ql_attrs_free(p);
			return 0;
		} else if (d) {
			const char *key = *argv;
			int64_t v;

			NEXT_ARG();
			if ((d->attr == QLINK_A_PURPOSE_OWNER_UID ||
			     d->attr == QLINK_A_PURPOSE_OWNER_GID) &&
			    strcmp(*argv, "none") == 0)
				v = QLINK_OWNER_NONE;
			else
				qr_parse(d, d->name, *argv, &v);
			if (ql_attrs_has(p, d->attr))
				duparg(key, *argv);
			if (ql_attrs_put(p, d->attr, v)) {
				fprintf(stderr, "Error: out of memory.\n");
				ql_attrs_free(p);
				return ERR_LOCAL;
			}
		} else if (!dev) {
			dev = *argv;
		} else {
			fprintf(stderr,
				"Error: unknown setting \"%s\", try \"%s purpose help\".\n",
				*argv, qc_prog_name);
			exit(-1);
		}
		argc--;
		argv++;
	}
	qc_dev(dev);
	if (!ql_attrs_has(p, QLINK_A_PURPOSE_ID))
		qc_required("id");
	if (ql_attrs_count(p) < 2) {
		fprintf(stderr,
			"Error: nothing to set, try \"%s purpose help\".\n",
			qc_prog_name);
		exit(-1);
	}
	err = qc_open_handle(&h);
	if (!err && ql_purpose_set(h, dev, p))
		err = qc_kernel_error(h, "purpose set");
	ql_close(h);
	ql_attrs_free(p);
	return err;
}

int qc_do_purpose(int argc, char **argv)
{
	if (argc < 1 || matches(*argv, "help") == 0) {
		qc_usage_purpose(argc < 1 ? stderr : stdout);
		return argc < 1 ? ERR_LOCAL : 0;
	}
	if (matches(*argv, "show") == 0 || matches(*argv, "list") == 0)
		return qr_purpose_show(argc - 1, argv + 1);
	if (matches(*argv, "set") == 0 || matches(*argv, "change") == 0)
		return qr_purpose_set(argc - 1, argv + 1);
	fprintf(stderr, "Command \"%s\" is unknown, try \"%s purpose help\".\n",
		*argv, qc_prog_name);
	exit(-1);
}

/*
 * Records, as request and receive print them.
 */
static void qr_print_record(const struct qlink_record *r)
{
	const char *s;
	char buf[64];

	open_json_object(NULL);
	print_string(PRINT_ANY, "kind", "%s",
		     r->kind == QLINK_REC_OK ? "ok" :
		     r->kind == QLINK_REC_ERR ? "err" : "unknown");
	if (r->kind == QLINK_REC_ERR) {
		qc_print_name("error", ql_err_name(r->error), " %s",
			      " error %u", r->error);
	}
	print_uint(PRINT_ANY, "create_id", " create-id %u", r->create_id);
	print_uint(PRINT_ANY, "index", " index %u", r->index);
	print_string(PRINT_ANY, "role", " %s",
		     r->role == QLINK_ROLE_CREATOR ? "creator" :
		     r->role == QLINK_ROLE_RECEIVER ? "receiver" : "unknown");
	s = ql_req_type_name(r->type);
	print_string(PRINT_ANY, "type", " %s", s ? s : "unknown");
	print_uint(PRINT_ANY, "purpose", " purpose %u", r->purpose);
	print_uint(PRINT_ANY, "remote_link_id", " remote-id %u",
		   r->remote_link_id);
	if (r->kind == QLINK_REC_OK) {
		print_u64(PRINT_ANY, "seq", " seq %llu", r->seq);
		print_uint(PRINT_ANY, "pair_link_id", " pair-id %u",
			   r->pair_link_id);
		print_string(PRINT_ANY, "bell", " bell %s",
			     ql_bell_name(r->bell_index) ?: "?");
		print_uint(PRINT_JSON, "bell_index", NULL, r->bell_index);
		qp_format_unit(QP_FRACTION, r->fidelity, buf, sizeof(buf));
		print_string(PRINT_FP, NULL, " fidelity %s", buf);
		print_uint(PRINT_JSON, "fidelity", NULL, r->fidelity);
		if (r->slot != 0xffff)
			print_uint(PRINT_ANY, "slot", " slot %u", r->slot);
		if (r->type == QLINK_REQ_MEASURE ||
		    (r->type == QLINK_REQ_RSP && r->role == QLINK_ROLE_CREATOR)) {
			print_uint(PRINT_ANY, "outcome", " outcome %u",
				   r->outcome);
			print_string(PRINT_ANY, "basis", " basis %s",
				     ql_basis_name(r->basis) ?: "?");
		}
		qp_format_approx(QP_TIME_PS, (int64_t)r->herald_time, buf,
				 sizeof(buf));
		print_string(PRINT_FP, NULL, " herald-time %s", buf);
		print_u64(PRINT_JSON, "herald_time", NULL, r->herald_time);
		if (show_details)
			print_0xhex(PRINT_FP, NULL, " trace %#llx", r->trace_id);
		print_0xhex(PRINT_JSON, "trace_id", NULL, r->trace_id);
	} else {
		if (r->error == QLINK_ERR_EXPIRE) {
			print_u64(PRINT_ANY, "seq", " seq %llu", r->seq);
			print_u64(PRINT_ANY, "seq_last", "-%llu", r->seq_last);
		}
		if (r->sys_errno > 0) {
			s = strerrorname_np(r->sys_errno);
			print_string(PRINT_ANY, "errno_name", " errno %s",
				     s ? s : "?");
			print_int(PRINT_JSON, "errno", NULL, r->sys_errno);
		}
	}
	print_bool(PRINT_JSON, "last", NULL, r->flags & QLINK_REC_LAST);
	if (r->flags & QLINK_REC_LAST)
		print_string(PRINT_FP, NULL, "%s", " last");
	print_string(PRINT_FP, NULL, "%s", "\n");
	close_json_object();
	fflush(stdout);
}

/* Open the socket with the tool's messages; fd or -1 (message printed). */
static int qr_sock(const char *dev, uint32_t purpose)
{
	int fd = ql_sock_open(dev, purpose, SOCK_SEQPACKET);

	if (fd >= 0)
		return fd;
	switch (-fd) {
	case ENODEV:
		fprintf(stderr, "Error: no such device \"%s\".\n", dev);
		break;
	case EAFNOSUPPORT:
		fprintf(stderr,
			"Error: AF_QLINK sockets (family %d) are not available: is a qlink module with sockets loaded?\n",
			ql_socket_family());
		break;
	case EADDRINUSE:
		fprintf(stderr,
			"Error: purpose %u of %s already has a socket (one per link end and purpose).\n",
			purpose, dev);
		break;
	default:
		fprintf(stderr, "Error: cannot open a socket on %s for purpose %u: %s.\n",
			dev, purpose, strerror(-fd));
	}
	return -1;
}

/*
 * request
 */
void qc_usage_request(FILE *f)
{
	fprintf(f,
		"Usage: %s request dev DEV purpose ID [ number N ] [ min-fidelity F ]\n"
		"               [ deadline TIME ] [ type { keep | measure | rsp } ]\n"
		"               [ basis { z | x | y | random } ]\n"
		"               [ priority { interactive | normal | batch } ]\n"
		"               [ atomic ] [ consecutive ] [ create-id N ] [ timeout TIME ]\n"
		"Send one CREATE request on an AF_QLINK socket bound to DEV and\n"
		"purpose ID, and print its records (one per pair, or an error) until\n"
		"the last one. The other end needs a receiver for the purpose\n"
		"(\"%s receive\"). Defaults: number 1, min-fidelity 0 (any), deadline\n"
		"none, type keep, basis z, priority normal, create-id 1, timeout 10s\n"
		"(or the deadline plus 5s; \"none\" waits forever).\n"
		"Exit status 1 if the request fails (an error record) or times out.\n",
		qc_prog_name, qc_prog_name);
}

static int qr_keyword(const char *arg, const char *const *words, int n,
		      const char *what)
{
	int i;
	char msg[96];

	for (i = 0; i < n; i++)
		if (words[i] && !strcmp(arg, words[i]))
			return i;
	for (i = 0; i < n; i++)
		if (words[i] && !matches(arg, words[i]))
			return i;
	snprintf(msg, sizeof(msg), "%s: unknown", what);
	invarg(msg, arg);
	return -1;
}

int qc_do_request(int argc, char **argv)
{
	static const char *const types[] = {
		[QLINK_REQ_KEEP] = "keep", [QLINK_REQ_MEASURE] = "measure",
		[QLINK_REQ_RSP] = "rsp" };
	static const char *const bases[] = {
		[QLINK_BASIS_Z] = "z", [QLINK_BASIS_X] = "x",
		[QLINK_BASIS_Y] = "y", [QLINK_BASIS_RANDOM] = "random" };
	static const char *const prios[] = {
		[QLINK_PRIO_INTERACTIVE] = "interactive",
		[QLINK_PRIO_NORMAL] = "normal", [QLINK_PRIO_BATCH] = "batch" };
	struct qlink_create req = {
		.create_id = 1, .number = 1, .type = QLINK_REQ_KEEP,
		.basis = QLINK_BASIS_Z, .priority = QLINK_PRIO_NORMAL,
	};
	int64_t timeout = -1, v;
	uint64_t end = 0;
	bool failed = false, done = false;
	const char *dev = NULL;
	int fd, err = 0;

	if (argc > 0 && matches(*argv, "help") == 0) {
		qc_usage_request(stdout);
		return 0;
	}
	while (argc > 0) {
		if (strcmp(*argv, "dev") == 0) {
			NEXT_ARG();
			if (dev)
				duparg("dev", *argv);
			dev = *argv;
		} else if (matches(*argv, "purpose") == 0) {
			NEXT_ARG();
			req.purpose = qr_parse_id("purpose", *argv);
		} else if (matches(*argv, "number") == 0) {
			NEXT_ARG();
			qr_parse(&qr_u32, "number", *argv, &v);
			req.number = (uint32_t)v;
		} else if (matches(*argv, "min-fidelity") == 0) {
			NEXT_ARG();
			qr_parse(&qr_fidelity, "min-fidelity", *argv, &v);
			req.min_fidelity = (uint32_t)v;
		} else if (matches(*argv, "deadline") == 0) {
			NEXT_ARG();
			qr_parse(&qr_time, "deadline", *argv, &v);
			req.max_time = (uint64_t)v;
		} else if (matches(*argv, "type") == 0) {
			NEXT_ARG();
			req.type = qr_keyword(*argv, types, 4, "type");
		} else if (matches(*argv, "basis") == 0) {
			NEXT_ARG();
			req.basis = qr_keyword(*argv, bases, 4, "basis");
		} else if (matches(*argv, "priority") == 0) {
			NEXT_ARG();
			req.priority = qr_keyword(*argv, prios, 3, "priority");
		} else if (matches(*argv, "atomic") == 0) {
			req.flags |= QLINK_CREATE_ATOMIC;
		} else if (matches(*argv, "consecutive") == 0) {
			req.flags |= QLINK_CREATE_CONSECUTIVE;
		} else if (matches(*argv, "create-id") == 0) {
			NEXT_ARG();
			qr_parse(&qr_u32, "create-id", *argv, &v);
			req.create_id = (uint32_t)v;
		} else if (matches(*argv, "timeout") == 0) {
			NEXT_ARG();
			qr_parse(&qr_time, "timeout", *argv, &timeout);
		} else if (matches(*argv, "help") == 0) {
			qc_usage_request(stdout);
			return 0;
		} else {
			fprintf(stderr,
				"Error: argument \"%s\" is wrong: try \"%s request help\".\n",
				*argv, qc_prog_name);
			exit(-1);
		}
		argc--;
		argv++;
	}
	qc_dev(dev);
	if (!req.purpose)
		qc_required("purpose");
	if (timeout < 0)
		timeout = req.max_time ? (int64_t)req.max_time + 5000000000ll :
			  10000000000ll;

	fd = qr_sock(dev, req.purpose);
	if (fd < 0)
		return ERR_KERNEL;
	qr_catch_signals();
	err = ql_sock_request(fd, &req);
	if (err) {
		fprintf(stderr, "Error: the request was refused: %s.\n",
			strerror(-err));
		close(fd);
		return ERR_KERNEL;
	}
	if (timeout)
		end = qr_now_ns() + (uint64_t)timeout;
	new_json_obj(json);
	while (!done && !qr_stop) {
		struct qlink_record rec;

		err = ql_sock_recv(fd, &rec, qr_wait_ms(end));
		if (err == -EINTR)
			continue;
		if (err == -EAGAIN) {
			err = ERR_LOCAL;
			break;
		}
		if (err) {
			fprintf(stderr, "Error: reading records: %s.\n",
				strerror(-err));
			err = ERR_KERNEL;
			break;
		}
		qr_print_record(&rec);
		if (rec.kind == QLINK_REC_ERR)
			failed = true;
		if ((rec.flags & QLINK_REC_LAST) ||
		    (rec.kind == QLINK_REC_ERR && rec.error != QLINK_ERR_EXPIRE))
			done = true;
	}
	delete_json_obj();
	close(fd);
	if (err == ERR_LOCAL)
		fprintf(stderr, "Error: no %srecord within the timeout.\n",
			failed ? "last " : "");
	if (!err && !done)
		err = ERR_LOCAL;	/* interrupted */
	if (!err && failed)
		err = ERR_LOCAL;
	return err;
}

/*
 * receive
 */
void qc_usage_receive(FILE *f)
{
	fprintf(f,
		"Usage: %s receive dev DEV purpose ID [ count N ] [ timeout TIME ]\n"
		"Accept the requests the other end of the link creates for purpose\n"
		"ID (QLINK_SO_RECEIVE) and print the records they give here, until\n"
		"N records came (count), TIME passed (timeout) or a signal.\n"
		"Exit status 1 if the timeout passed before N records.\n",
		qc_prog_name);
}

int qc_do_receive(int argc, char **argv)
{
	const char *dev = NULL;
	uint32_t purpose = 0;
	int64_t count = 0, timeout = 0;
	uint64_t end = 0, seen = 0;
	int fd, err = 0;

	while (argc > 0) {
		if (strcmp(*argv, "dev") == 0) {
			NEXT_ARG();
			if (dev)
				duparg("dev", *argv);
			dev = *argv;
		} else if (matches(*argv, "purpose") == 0) {
			NEXT_ARG();
			purpose = qr_parse_id("purpose", *argv);
		} else if (matches(*argv, "count") == 0) {
			NEXT_ARG();
			qr_parse(&qr_u32, "count", *argv, &count);
		} else if (matches(*argv, "timeout") == 0) {
			NEXT_ARG();
			qr_parse(&qr_time, "timeout", *argv, &timeout);
		} else if (matches(*argv, "help") == 0) {
			qc_usage_receive(stdout);
			return 0;
		} else {
			fprintf(stderr,
				"Error: argument \"%s\" is wrong: try \"%s receive help\".\n",
				*argv, qc_prog_name);
			exit(-1);
		}
		argc--;
		argv++;
	}
	qc_dev(dev);
	if (!purpose)
		qc_required("purpose");
	fd = qr_sock(dev, purpose);
	if (fd < 0)
		return ERR_KERNEL;
	err = ql_sock_set_receive(fd, true);
	if (err) {
		fprintf(stderr, "Error: cannot receive for purpose %u: %s.\n",
			purpose, strerror(-err));
		close(fd);
		return ERR_KERNEL;
	}
	qr_catch_signals();
	if (timeout)
		end = qr_now_ns() + (uint64_t)timeout;
	new_json_obj(json);
	while (!qr_stop && (!count || seen < (uint64_t)count)) {
		struct qlink_record rec;

		err = ql_sock_recv(fd, &rec, qr_wait_ms(end));
		if (err == -EINTR) {
			err = 0;
			continue;
		}
		if (err == -EAGAIN) {
			err = count ? ERR_LOCAL : 0;
			break;
		}
		if (err) {
			fprintf(stderr, "Error: reading records: %s.\n",
				strerror(-err));
			err = ERR_KERNEL;
			break;
		}
		qr_print_record(&rec);
		seen++;
	}
	delete_json_obj();
	close(fd);
	if (err == ERR_LOCAL)
		fprintf(stderr, "Error: %llu of %lld records within the timeout.\n",
			(unsigned long long)seen, (long long)count);
	return err;
}
