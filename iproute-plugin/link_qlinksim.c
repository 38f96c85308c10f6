// SPDX-License-Identifier: GPL-2.0
/*
 * link_qlinksim.so: `ip link ... type qlinksim` for iproute2's ip.
 *
 *   ip link add qa type qlinksim [ PARAM VALUE ... ]
 *                   [ peer name qb [ netns NS ] [ other ip link options ] ]
 *   ip link set qa type qlinksim PARAM VALUE ...
 *   ip -d [-j] link show qa
 *
 * ip dlopens $IP_LIB_DIR/link_qlinksim.so and looks up qlinksim_link_util
 * (struct link_util of iproute2 6.1's ip/ip_common.h). Everything this
 * file calls from iproute2 (addattr*, iplink_parse, print_*, matches...)
 * resolves against the running ip binary, which exports its symbols; the
 * parameter table and units are those of the qlink tool (qlink_params.c,
 * compiled in), so both speak the same words.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_link.h>
#include <linux/qlink.h>

#include "utils.h"
#include "ip_common.h"
#include "json_print.h"
#include "qlink_params.h"

static void print_usage(FILE *f)
{
	fprintf(f,
		"Usage: ip link add NAME type qlinksim [ PARAM VALUE ... ]\n"
		"                   [ peer [ name PEER ] [ netns NS ] [ ip link options ] ]\n"
		"       ip link set NAME type qlinksim PARAM VALUE [ PARAM VALUE ... ]\n"
		"Both ends of a link share the parameters; PARAMs may come before or\n"
		"after the peer options.\n");
	qp_help(f);
}

/* Is ARG the start of our own parameters again (ends the peer options)? */
static bool is_param_word(const char *arg)
{
	size_t i;

	for (i = 0; i < qp_table_len; i++)
		if (!strcmp(arg, qp_table[i].name))
			return true;
	return false;
}

/*
 * "peer OPTIONS": the peer's ifinfomsg and IFLA_* attributes in
 * IFLA_QLINKSIM_PEER, parsed by ip's own iplink_parse() as link_veth.c
 * does. Returns the number of words consumed after "peer".
 */
static int parse_peer(int argc, char **argv, struct nlmsghdr *n)
{
	struct ifinfomsg *ifm = NLMSG_DATA(n), *peer_ifm;
	unsigned int ifi_flags, ifi_change, ifi_index;
	struct rtattr *data;
	char *type = NULL;
	int len, err;

	for (len = 0; len < argc && !is_param_word(argv[len]); len++)
		;

	ifi_flags = ifm->ifi_flags;
	ifi_change = ifm->ifi_change;
	ifi_index = ifm->ifi_index;
	ifm->ifi_flags = 0;
	ifm->ifi_change = 0;
	ifm->ifi_index = 0;

	data = addattr_nest(n, 1024, IFLA_QLINKSIM_PEER);
	n->nlmsg_len += sizeof(struct ifinfomsg);

	err = len ? iplink_parse(len, argv, (struct iplink_req *)n, &type) : 0;
	if (err < 0)
		return err;
	if (type)
		duparg("type", argv[err]);
	if (err != len) {
		fprintf(stderr, "qlinksim: unexpected peer option \"%s\"\n",
			argv[err]);
		return -1;
	}

	peer_ifm = RTA_DATA(data);
	peer_ifm->ifi_index = ifm->ifi_index;
	peer_ifm->ifi_flags = ifm->ifi_flags;
	peer_ifm->ifi_change = ifm->ifi_change;
	ifm->ifi_flags = ifi_flags;
	ifm->ifi_change = ifi_change;
	ifm->ifi_index = ifi_index;

	addattr_nest_end(n, data);
	return len;
}

static int qlinksim_parse_opt(struct link_util *lu, int argc, char **argv,
			      struct nlmsghdr *n)
{
	struct qp_set s = { 0 };
	bool peer = false;
	int i, used;

	while (argc > 0) {
		if (strcmp(*argv, "peer") == 0) {
			if (peer)
				duparg("peer", *argv);
			peer = true;
			used = parse_peer(argc - 1, argv + 1, n);
			if (used < 0)
				return -1;
			argc -= used + 1;
			argv += used + 1;
		} else if (matches(*argv, "help") == 0) {
			print_usage(stdout);
			exit(0);
		} else if (qp_find(*argv)) {
			qp_parse_args(&argc, &argv, &s);
		} else {
			fprintf(stderr,
				"qlinksim: unknown option \"%s\", try \"ip link help qlinksim\"\n",
				*argv);
			return -1;
		}
	}

	if (s.present) {
		/* The kernel parses this nest strictly: flag it as a nest. */
		struct rtattr *nest = addattr_nest(n, 1024,
						   IFLA_QLINKSIM_PARAMS | NLA_F_NESTED);

		for (i = 1; i <= QLINK_A_PARAM_MAX; i++) {
			const struct qp_desc *d = qp_by_attr(i);

			if (!((s.present >> i) & 1) || !d)
				continue;
			if (d->wire == QP_U64 || d->wire == QP_S64)
				addattr64(n, 1024, i, (__u64)s.value[i]);
			else
				addattr32(n, 1024, i, (__u32)s.value[i]);
		}
		addattr_nest_end(n, nest);
	}
	return 0;
}

static void qlinksim_print_opt(struct link_util *lu, FILE *f,
			       struct rtattr *tb[])
{
	struct rtattr *ptb[QLINK_A_PARAM_MAX + 1];
	struct qp_set s = { 0 };
	int i;

	if (!tb || !tb[IFLA_QLINKSIM_PARAMS])
		return;
	parse_rtattr_nested(ptb, QLINK_A_PARAM_MAX, tb[IFLA_QLINKSIM_PARAMS]);
	for (i = 1; i <= QLINK_A_PARAM_MAX; i++) {
		const struct qp_desc *d = qp_by_attr(i);

		if (!ptb[i] || !d)
			continue;
		switch (d->wire) {
		case QP_U32:
			if (RTA_PAYLOAD(ptb[i]) < sizeof(__u32))
				continue;
			s.value[i] = rta_getattr_u32(ptb[i]);
			break;
		case QP_S32:
			if (RTA_PAYLOAD(ptb[i]) < sizeof(__u32))
				continue;
			s.value[i] = (__s32)rta_getattr_u32(ptb[i]);
			break;
		default:
			if (RTA_PAYLOAD(ptb[i]) < sizeof(__u64))
				continue;
			s.value[i] = (__s64)rta_getattr_u64(ptb[i]);
			break;
		}
		s.present |= 1ULL << i;
	}
	qp_print(&s, false, NULL);
}

static void qlinksim_print_help(struct link_util *lu, int argc, char **argv,
				FILE *f)
{
	print_usage(f);
}

__attribute__((visibility("default")))
struct link_util qlinksim_link_util = {
	.id		= "qlinksim",
	.maxattr	= IFLA_QLINKSIM_MAX,
	.parse_opt	= qlinksim_parse_opt,
	.print_opt	= qlinksim_print_opt,
	.print_help	= qlinksim_print_help,
};
