#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What `make demo` shows, run inside the guest with the modules loaded.
set -eu
say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }

echo "qlink demo: guest kernel $(uname -r)"
say lsmod
say genl ctrl get name qlink
say ip netns add site-a
say ip netns exec site-a genl ctrl get name qlink
ip netns del site-a
