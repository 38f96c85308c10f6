/* SPDX-License-Identifier: GPL-2.0 */
/* Internal interfaces between the files of the qlink core module. */
#ifndef _QLINK_CORE_H
#define _QLINK_CORE_H

int qlink_genl_init(void);
void qlink_genl_exit(void);

#endif /* _QLINK_CORE_H */
