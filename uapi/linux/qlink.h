/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * qlink: quantum network links as Linux network devices.
 *
 * User API of the "qlink" generic netlink family. The family is per network
 * namespace (netnsok): every request is answered from, and acts on, the
 * caller's netns. Attribute and command numbers are ABI: append only.
 */
#ifndef _UAPI_LINUX_QLINK_H
#define _UAPI_LINUX_QLINK_H

#define QLINK_GENL_NAME		"qlink"
#define QLINK_GENL_VERSION	1

/* Version of the qlink core, as reported by QLINK_CMD_GET_VERSION. */
#define QLINK_VERSION_MAJOR	0
#define QLINK_VERSION_MINOR	1

/**
 * enum qlink_cmd - commands of the qlink generic netlink family
 * @QLINK_CMD_GET_VERSION: report the core version and the caller's netns
 *	cookie; takes no attributes, replies with %QLINK_A_VERSION_*.
 */
enum qlink_cmd {
	QLINK_CMD_UNSPEC,
	QLINK_CMD_GET_VERSION,

	__QLINK_CMD_MAX,
	QLINK_CMD_MAX = __QLINK_CMD_MAX - 1
};

/**
 * enum qlink_attr - top-level attributes
 * @QLINK_A_VERSION_MAJOR: u32, core major version
 * @QLINK_A_VERSION_MINOR: u32, core minor version
 * @QLINK_A_GENL_VERSION: u32, family version (%QLINK_GENL_VERSION)
 * @QLINK_A_NETNS_COOKIE: u64, cookie of the netns that answered; two
 *	namespaces never share one, so tests can tell them apart
 */
enum qlink_attr {
	QLINK_A_UNSPEC,
	QLINK_A_PAD,
	QLINK_A_VERSION_MAJOR,
	QLINK_A_VERSION_MINOR,
	QLINK_A_GENL_VERSION,
	QLINK_A_NETNS_COOKIE,

	__QLINK_A_MAX,
	QLINK_A_MAX = __QLINK_A_MAX - 1
};

#endif /* _UAPI_LINUX_QLINK_H */
