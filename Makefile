# SPDX-License-Identifier: GPL-2.0
#
# qlink top-level Makefile.
#
#   make            build modules, libraries, tools and tests
#   make userspace  libqlink, ip qlink, the qlink tool, the ip link plugin, tests
#   make install    libqlink, headers, qlink.pc, qlink, ip-qlink, the plugin,
#                   man pages, bash completion (PREFIX=/usr/local, DESTDIR=)
#   make deps       install what is missing (Debian packages, guest kernel)
#   make ynl        regenerate what uapi/qlink.yaml describes (scripts/ynl.sh)
#   make check      gates + host tests + guest tests; T=name runs one test
#   make check KERNEL=debug   the same guest tests on the KASAN/lockdep kernel
#   make demo       boot the guest and show qlink working
#   make vm         a shell in the guest with the modules loaded
#   make bench      benchmarks (host and guest)
#
# Kernel modules build against KDIR (default: the Debian 12 headers that
# `make deps` installs); KDIR=/path/to/tree builds against any 6.1+ tree.

TOP := $(CURDIR)
BUILD ?= $(TOP)/build
# Outside the checkout so that a clean clone reuses it (debug kernel, debs).
QLINK_CACHE ?= /var/cache/qlink
KERNEL ?= debian
T ?=
V ?= 0
export BUILD QLINK_CACHE KERNEL T

ABI = $(shell cat $(BUILD)/abi 2>/dev/null)
KSFT_DIR = $(BUILD)/ksrc/tools/testing/selftests
CHECKPATCH = $(BUILD)/ksrc/scripts/checkpatch.pl

ifeq ($(KERNEL),debug)
# Written by `make deps`, which builds the debug kernel once per machine.
KDIR ?= $(shell cat $(BUILD)/debug-kdir 2>/dev/null)
KMOD_DIR = $(BUILD)/kmod-debug
else
KDIR ?= /usr/src/linux-headers-$(ABI)
KMOD_DIR = $(TOP)
endif
export KMOD_DIR

KMAKE = $(MAKE) -C $(KDIR) M=$(KMOD_DIR)

.PHONY: all deps ynl modules kmod-sync sparse checkpatch gates userspace \
	host-tests check guest-run demo vm bench fuzz clean help \
	libqlink abi-check iproute2 ip-qlink tools plugin selftests man install

all: modules userspace

help:
	@sed -n '3,16p' Makefile | sed 's/^# \{0,1\}//'

deps:
	@$(TOP)/scripts/deps.sh $(BUILD) $(QLINK_CACHE)
ifeq ($(KERNEL),debug)
	@$(TOP)/scripts/debug-kernel.sh $(QLINK_CACHE) > $(BUILD)/debug-kdir.tmp
	@mv $(BUILD)/debug-kdir.tmp $(BUILD)/debug-kdir
endif

# The uapi header, kernel policies and userspace attribute tables generated
# from the family's spec (committed; `make gates` fails when they are stale).
ynl: deps
	@$(TOP)/scripts/ynl.sh gen

# The debug kernel's modules build from a copy of the sources so that the
# Debian-kernel objects in the tree are left alone.
kmod-sync:
ifneq ($(KMOD_DIR),$(TOP))
	@mkdir -p $(KMOD_DIR)
	@cd $(TOP) && find Kbuild kernel uapi \( -name '*.[ch]' -o -name Kbuild \) | \
		cpio -pdmu --quiet $(KMOD_DIR)
endif

modules: deps kmod-sync
	$(KMAKE) W=1 modules

# sparse on every kernel file (C=2 rechecks files that are up to date).
sparse: deps kmod-sync
	$(KMAKE) C=2 W=1 modules

# Not the files generated from uapi/qlink.yaml, as the kernel does not.
checkpatch: deps
	@cd $(TOP) && $(CHECKPATCH) --strict --no-tree --quiet --show-types \
		-f $$(grep -L 'Do not edit directly, auto-generated from' \
			$$(git ls-files -co --exclude-standard 'kernel/*.[ch]' 'uapi/*.h')) \
		&& echo "checkpatch: clean"

# W=1, sparse and checkpatch, failing on any warning.
gates: deps
	@$(TOP)/scripts/gates.sh

userspace: deps libqlink ip-qlink tools plugin selftests man

# Userspace pieces. iproute2 is Debian's own source (scripts/iproute2.sh):
# `ip qlink` is built into its ip, the qlink tool links its lib/, and the
# plugin is compiled against its headers.
PREFIX ?= /usr/local
DESTDIR ?=
MULTIARCH ?= x86_64-linux-gnu
USERSPACE_VARS = PREFIX=$(PREFIX) DESTDIR=$(DESTDIR) \
	LIBDIR=$(PREFIX)/lib/$(MULTIARCH) IPLIBDIR=$(PREFIX)/lib/$(MULTIARCH)/ip

libqlink: deps
	@$(MAKE) -s --no-print-directory -C $(TOP)/libqlink O=$(BUILD)/libqlink \
		$(USERSPACE_VARS)

# libqlink's ABI against its committed baseline (a gate).
abi-check: libqlink
	@$(MAKE) -s --no-print-directory -C $(TOP)/libqlink O=$(BUILD)/libqlink \
		$(USERSPACE_VARS) abi-check

iproute2 ip-qlink: libqlink
	@$(TOP)/scripts/iproute2.sh $(BUILD) $(QLINK_CACHE)

tools: libqlink ip-qlink
	@$(MAKE) -s --no-print-directory -C $(TOP)/tools/qlink O=$(BUILD)/tools \
		IPROUTE2=$(BUILD)/iproute2 LIBQLINK=$(BUILD)/libqlink $(USERSPACE_VARS)
	@$(MAKE) -s --no-print-directory -C $(TOP)/tools/qkd O=$(BUILD)/tools \
		LIBQLINK=$(BUILD)/libqlink $(USERSPACE_VARS)

plugin: ip-qlink
	@$(MAKE) -s --no-print-directory -C $(TOP)/iproute-plugin \
		O=$(BUILD)/iproute-plugin IPROUTE2=$(BUILD)/iproute2 $(USERSPACE_VARS)

# Man pages must render without groff warnings.
man:
	@$(MAKE) -s --no-print-directory -C $(TOP)/man check >/dev/null

selftests: deps libqlink
	@$(MAKE) -s -C $(TOP)/selftests O=$(BUILD)/selftests KSFT_DIR=$(KSFT_DIR) \
		LIBQLINK=$(BUILD)/libqlink

# Installs only userspace. The patched ip goes in as $(PREFIX)/sbin/ip-qlink
# (a complete ip with the qlink object), never over the system's ip.
install: userspace
	@$(MAKE) -s --no-print-directory -C $(TOP)/libqlink O=$(BUILD)/libqlink \
		$(USERSPACE_VARS) install
	@$(MAKE) -s --no-print-directory -C $(TOP)/tools/qlink O=$(BUILD)/tools \
		IPROUTE2=$(BUILD)/iproute2 LIBQLINK=$(BUILD)/libqlink \
		$(USERSPACE_VARS) install
	@$(MAKE) -s --no-print-directory -C $(TOP)/tools/qkd O=$(BUILD)/tools \
		LIBQLINK=$(BUILD)/libqlink $(USERSPACE_VARS) install
	@$(MAKE) -s --no-print-directory -C $(TOP)/iproute-plugin \
		O=$(BUILD)/iproute-plugin IPROUTE2=$(BUILD)/iproute2 \
		$(USERSPACE_VARS) install
	install -D -m 0755 $(BUILD)/iproute2/ip/ip $(DESTDIR)$(PREFIX)/sbin/ip-qlink
	@$(MAKE) -s --no-print-directory -C $(TOP)/man $(USERSPACE_VARS) install
	install -D -m 0644 $(TOP)/tools/qlink/qlink.bash-completion \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/qlink

host-tests: deps
	@$(TOP)/scripts/host-tests.sh

check: deps
	@$(TOP)/scripts/check.sh

# Boot the guest and run the selftests (check.sh builds first).
guest-run:
	@KDIR=$(KDIR) $(TOP)/scripts/vm.sh run

demo: deps
	@echo "qlink demo: building modules and tools..."
	@$(MAKE) -s --no-print-directory modules userspace
	@KDIR=$(KDIR) $(TOP)/scripts/vm.sh demo

vm: deps modules userspace
	@KDIR=$(KDIR) $(TOP)/scripts/vm.sh shell

# Host benchmarks of the shared core, then the guest's (ingest, AF_QLINK
# latency and throughput against UDP); figures are ratios against
# baselines of the same run. Builds every program the guest runs, and
# fails unless the guest's benchmarks all ran (bench.status).
BENCH_OUT = $(BUILD)/vm/$(KERNEL)/out
bench: deps
	@$(MAKE) -s --no-print-directory -C $(TOP)/tools/bench O=$(BUILD)/bench all run
	@$(MAKE) -s --no-print-directory modules
	@KDIR=$(KDIR) $(TOP)/scripts/vm.sh bench
	@st=$$(cat $(BENCH_OUT)/bench.status 2>/dev/null); \
	if [ "$$st" != 0 ]; then \
		grep -h 'FAIL' $(BENCH_OUT)/bench.txt >&2 2>/dev/null; \
		echo "bench: guest benchmarks failed (status $${st:-missing}; output $(BENCH_OUT)/bench.txt, console $(BENCH_OUT)/console.log)" >&2; \
		exit 1; \
	fi

# A longer libFuzzer run than the bounded one in `make check`.
fuzz: deps
	@$(MAKE) -s --no-print-directory -C $(TOP)/selftests/fuzz O=$(BUILD)/fuzz long

clean:
	-$(MAKE) -C $(KDIR) M=$(TOP) clean >/dev/null 2>&1
	rm -rf $(BUILD)
