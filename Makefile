# vmm: a small arm64 KVM VMM with a policy over the guest's SMCCC calls.
#
#   make            host tools, the aarch64 vmm (cross-built and static on
#                   x86_64, native and dynamic on arm64) and the test guests
#   make check      setup (as root), unit tests under ASan+UBSan, fuzzers
#                   briefly, and the end-to-end suite: on this host's KVM on
#                   an arm64 host that can run the VMM, else in the emulated host
#   make native-check  x86_64, as root: the native arm64 build proven in an
#                   arm64 Debian chroot under qemu-user (tools/native-check)
#   make demo       boot the test guest and Linux, on KVM as make check does
#   make bench      benchmarks that print numbers (KVMTOOL=path: an aarch64
#                   lkvm to compare with; static for the emulated host)
#   make install    PREFIX=/usr/local DESTDIR=
#   V=1             show the commands

SHELL   := /bin/bash
PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   := build
CACHE   := .cache
HOSTARCH := $(shell uname -m)

ifeq ($(V),1)
Q :=
else
Q := @
endif

ifeq ($(HOSTARCH),aarch64)
CROSS_COMPILE ?=
else
CROSS_COMPILE ?= aarch64-linux-gnu-
endif

WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-missing-field-initializers
ifeq ($(CI),true)
WARN    += -Werror
endif
WERROR  ?=
CSTD    := -std=gnu11 -D_GNU_SOURCE
CFLAGS  ?= -O2 -g

include policy/policy.mk
include guest/guest.mk
POLICY_SRCS += policy/describe.c policy/kvm-handlers.c

VMM_SRCS := vmm/util.c vmm/cli.c vmm/kvm.c vmm/kvm-cpu.c vmm/mmio.c vmm/device.c \
	vmm/evloop.c vmm/console.c vmm/term.c vmm/thread.c vmm/boot.c vmm/smccc.c vmm/reset.c \
	vmm/audit.c vmm/audit-trail.c vmm/sandbox.c vmm/jail.c vmm/file.c vmm/main.c \
	vmm/devices/uart.c \
	vmm/virtio/queue.c vmm/virtio/mmio.c vmm/virtio/blk.c vmm/virtio/net.c \
	vmm/virtio/rng.c vmm/virtio/console.c \
	vmm/arm64/kvm.c vmm/arm64/kvm-cpu.c vmm/arm64/gic.c vmm/arm64/gic-reset.c vmm/arm64/fdt.c vmm/arm64/image.c \
	vmm/arm64/boot.c vmm/arm64/board.c vmm/arm64/smccc-filter.c vmm/arm64/cpu-features.c $(POLICY_SRCS)
VMM_GEN  := $(BUILD)/gen/default-policy.c
# Static aarch64 helpers the e2e suite and benchmarks run on the KVM host,
# and the Linux test guest's own programs.
BOOT_TIMER := $(BUILD)/aarch64/boot-timer
PTY_RUN    := $(BUILD)/aarch64/pty-run
PIPE_STALL := $(BUILD)/aarch64/pipe-stall
LOAD_BENCH := $(BUILD)/aarch64/load-bench
DISK_TEST  := $(BUILD)/aarch64/disk-test
# The Linux guest's initramfs and ext4 root disk.
LINUX_INITRD := $(BUILD)/linux-guest.cpio.gz
LINUX_ROOTFS := $(BUILD)/linux-rootfs.img

# ---------------------------------------------------------------- aarch64 vmm
# Libraries: pkg-config's flags where the package ships a .pc file; Debian
# 12's libfdt-dev ships none, so -lfdt with its header in the default
# include path (/usr/include/libfdt.h) is the fallback, as for any library
# without one.
pc_cflags = $(foreach l,$(1),$(shell pkg-config --cflags $(l) 2>/dev/null))
pc_libs   = $(foreach l,$(1),$(or $(shell pkg-config --libs $(l) 2>/dev/null),$(2.$(l))))
2.libfdt      := -lfdt
2.libseccomp  := -lseccomp
2.yajl        := -lyajl
UAPI := $(BUILD)/uapi
ifeq ($(HOSTARCH),aarch64)
# Native: the system's 6.12 UAPI (/usr/include, linux-libc-dev from
# bookworm-backports), dynamic libraries; vmm-static (same objects, static
# libraries) is the one the emulated host can run, for e2e's fallback.
A64_CC      := $(CROSS_COMPILE)gcc
A64_CFLAGS  := $(CFLAGS) $(CSTD) $(WARN) $(call pc_cflags,libfdt libseccomp yajl)
A64_LDLIBS  := $(call pc_libs,libfdt libseccomp yajl) -lpthread
A64_LDFLAGS :=
A64_STATIC_LDLIBS := -lfdt -lseccomp -lyajl_s -lpthread
VMM_BIN     := $(BUILD)/aarch64/vmm
A64_DEPS    := $(BUILD)/aarch64/.deps-ok
else
# The 6.12 UAPI must win over the cross toolchain's 6.1 copy
# (/usr/aarch64-linux-gnu/include): a folder of links to /usr/include.
A64_CC      := $(CROSS_COMPILE)gcc
A64_SYSROOT := $(CACHE)/arm64/usr
A64_CFLAGS  := $(CFLAGS) $(CSTD) $(WARN) -isystem $(UAPI) -isystem $(A64_SYSROOT)/include
A64_LDFLAGS := -static -L$(A64_SYSROOT)/lib/aarch64-linux-gnu
A64_LDLIBS  := -lfdt -lseccomp -lyajl_s -lpthread
VMM_BIN     := $(BUILD)/aarch64/vmm
A64_DEPS    := $(UAPI)/.stamp $(BUILD)/aarch64/.deps-ok
endif
SETUP_HINT := run 'sudo tools/setup.sh'
A64_OBJS := $(patsubst %.c,$(BUILD)/aarch64/obj/%.o,$(VMM_SRCS)) $(BUILD)/aarch64/obj/gen/default-policy.o

.PHONY: all vmm guests man check unit host-checks e2e demo demo-run bench fuzz install clean setup distclean host-tools \
	native-check
all: vmm guests host-tools man

vmm: $(VMM_BIN)
guests: $(GUEST_IMAGES)

$(UAPI)/.stamp:
	$(Q)mkdir -p $(UAPI)
	$(Q)ln -sfn /usr/include/linux $(UAPI)/linux
	$(Q)ln -sfn /usr/include/aarch64-linux-gnu/asm $(UAPI)/asm
	$(Q)ln -sfn /usr/include/asm-generic $(UAPI)/asm-generic
	$(Q)touch $@

# Before the first object: what the VMM needs, as its compiler sees it (cross
# or native), each missing piece named with the fix instead of a page of
# compiler errors.  The 6.12 KVM UAPI: KVM_ARM_VM_SMCCC_CTRL came in 6.4.
$(BUILD)/aarch64/.deps-ok: $(if $(filter aarch64,$(HOSTARCH)),,$(UAPI)/.stamp)
	$(Q)mkdir -p $(dir $@)
	$(Q)command -v $(A64_CC) >/dev/null || { echo "make: no $(A64_CC): $(SETUP_HINT)" >&2; exit 1; }
	$(Q)printf '#include <linux/kvm.h>\n#ifndef KVM_ARM_VM_SMCCC_CTRL\n#error\n#endif\n' | \
		$(A64_CC) $(A64_CFLAGS) -E -x c - -o /dev/null 2>/dev/null || \
		{ echo "make: the 6.12 KVM UAPI is missing (<linux/kvm.h> for $(A64_CC) has no KVM_ARM_VM_SMCCC_CTRL): $(SETUP_HINT)" >&2; exit 1; }
	$(Q)for h in libfdt.h seccomp.h yajl/yajl_gen.h; do \
		printf '#include <%s>\n' $$h | $(A64_CC) $(A64_CFLAGS) -E -x c - -o /dev/null 2>/dev/null || \
		{ echo "make: <$$h> is missing for $(A64_CC): $(SETUP_HINT)" >&2; exit 1; }; done
	$(Q)touch $@

$(VMM_GEN): configs/default.conf
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	$(Q){ echo '/* Generated from configs/default.conf: do not edit. */'; \
	     echo '#include "../../vmm/default-policy.h"'; \
	     echo 'const char default_policy_text[] ='; \
	     sed 's/\\/\\\\/g; s/"/\\"/g; s/^/"/; s/$$/\\n"/' $<; echo ';'; } > $@

$(BUILD)/aarch64/obj/gen/default-policy.o: $(VMM_GEN) | $(A64_DEPS)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(A64_CC) $(A64_CFLAGS) -c $< -o $@

$(BUILD)/aarch64/obj/%.o: %.c | $(A64_DEPS)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(A64_CC) $(A64_CFLAGS) -DVMM_VERSION=\"$(VERSION)\" -MMD -MP -c $< -o $@

$(VMM_BIN): $(A64_OBJS)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(A64_CC) $(A64_LDFLAGS) -o $@ $^ $(A64_LDLIBS)

# On arm64: the same objects linked statically, for the emulated host.
$(BUILD)/aarch64/vmm-static: $(A64_OBJS)
	@echo "  LD      $@"
	$(Q)$(A64_CC) -static -o $@ $^ $(A64_STATIC_LDLIBS)

VERSION := $(shell git describe --always --dirty 2>/dev/null || echo dev)

# ---------------------------------------------------------------- host parts
HOST_CC      ?= cc
HOST_CFLAGS  := $(CFLAGS) $(CSTD) $(WARN)
HOST_LDLIBS  := -lfdt -lpthread
SAN          := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
CHECK_LIBS   := $(shell pkg-config --libs check 2>/dev/null)

# Pure C that builds and is unit-tested on any host.
PURE_SRCS := vmm/cli.c vmm/arm64/image.c vmm/arm64/fdt.c vmm/virtio/queue.c $(POLICY_SRCS)
SAN_OBJS  := $(patsubst %.c,$(BUILD)/san/obj/%.o,$(PURE_SRCS))

include tests/unit/unit.mk
UNIT_TESTS := tests/unit/test_image.c tests/unit/test_fdt.c tests/unit/test_cli.c \
	tests/unit/test_virtq.c $(UNIT_POLICY_TESTS)
UNIT_BINS  := $(patsubst tests/unit/%.c,$(BUILD)/san/%,$(UNIT_TESTS))
# tree.c's plain-C node search, which compilers without GNU vector
# extensions get: the table tests run against it too.
UNIT_BINS  += $(BUILD)/san/test_table-scalar

$(BUILD)/san/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(SAN) -MMD -MP -c $< -o $@

$(BUILD)/san/test_table-scalar: tests/unit/test_table.c $(POLICY_SRCS) $(wildcard policy/*.h) \
		tests/unit/check-main.h tests/unit/fake-platform.h
	@mkdir -p $(dir $@)
	@echo "  CCLD    $@"
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(SAN) -DTREE_SCALAR -Ipolicy -Ivmm -o $@ \
		tests/unit/test_table.c $(POLICY_SRCS) $(CHECK_LIBS) $(HOST_LDLIBS)

$(BUILD)/san/%: tests/unit/%.c $(SAN_OBJS) tests/unit/check-main.h tests/unit/fake-platform.h
	@mkdir -p $(dir $@)
	@echo "  CCLD    $@"
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(SAN) -Ipolicy -Ivmm -o $@ $(filter %.c %.o,$^) $(CHECK_LIBS) $(HOST_LDLIBS)

# vmm-policy: the same parser and engine as the VMM, for any host.
VMM_POLICY_TOOL_SRCS := vmm-policy/vmm-policy.c vmm-policy/common.c vmm-policy/check.c \
	vmm-policy/explain.c vmm-policy/diff.c vmm-policy/replay.c vmm-policy/record.c \
	vmm-policy/sim.c vmm-policy/tally.c
VMM_POLICY_SRCS := $(VMM_POLICY_TOOL_SRCS) $(POLICY_SRCS)
VMM_POLICY_OBJS := $(patsubst %.c,$(BUILD)/host/obj/%.o,$(VMM_POLICY_SRCS))

$(BUILD)/host/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@

# replay reads the audit trail with yajl, as the VMM writes it.
YAJL_LIBS := $(shell pkg-config --libs yajl 2>/dev/null || echo -lyajl)

$(BUILD)/vmm-policy: $(VMM_POLICY_OBJS)
	@echo "  LD      $@"
	$(Q)$(HOST_CC) -o $@ $^ $(HOST_LDLIBS) $(YAJL_LIBS)

host-tools: $(BUILD)/vmm-policy

# ---------------------------------------------------------------- checks
# vmm-policy on every shipped and broken config, and the reference page.
host-checks: $(BUILD)/vmm-policy $(MAN_PAGES)
	$(Q)tests/host/vmm-policy.sh $(BUILD)/vmm-policy
	$(Q)tests/host/docs.sh $(MAN_PAGES)

setup:
	$(Q)if [ "$$(id -u)" = 0 ]; then sh tools/setup.sh; \
	else echo "make: not root, so no setup: run 'sudo tools/setup.sh' once (packages, then .cache), then make $(MAKECMDGOALS) again"; fi

unit: $(UNIT_BINS)
	$(Q)fail=0; for t in $(UNIT_BINS); do \
		echo "== $$t"; CK_FORK=yes $$t || fail=1; done; exit $$fail

# What the e2e scripts use (tests/e2e/lib.sh finds each in the tree); on
# arm64 also the static VMM, for the emulated host when KVM is unusable.
E2E_DEPS := vmm guests $(BOOT_TIMER) $(PTY_RUN) $(PIPE_STALL) $(LINUX_INITRD) $(LINUX_ROOTFS) \
	$(if $(filter aarch64,$(HOSTARCH)),$(BUILD)/aarch64/vmm-static)

# On this host's KVM when it is an arm64 host the VMM can use, else in the
# emulated host (tests/e2e/launch).
e2e: $(E2E_DEPS) $(BUILD)/vmm-policy
	$(Q)tests/e2e/run-all

check:
	$(Q)$(MAKE) --no-print-directory setup
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(MAKE) --no-print-directory unit
	$(Q)$(MAKE) --no-print-directory host-checks
	$(Q)$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=10
	$(Q)$(MAKE) --no-print-directory e2e

# x86_64, as root: the native arm64 build in an arm64 chroot under qemu-user.
native-check:
	$(Q)tools/native-check

# ---------------------------------------------------------------- fuzzing
# libFuzzer (clang) with ASan+UBSan.  New inputs go to build/fuzz; the seed
# corpus in tests/fuzz/corpus is read, never written.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_NAMES   := config decide virtq audit
FUZZERS      := $(patsubst %,$(BUILD)/fuzz/fuzz-%,$(FUZZ_NAMES))
FUZZ_FLAGS   := -g -O1 $(CSTD) $(WARN) -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

$(BUILD)/fuzz/fuzz-virtq: tests/fuzz/fuzz-virtq.c vmm/virtio/queue.c
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) -Ivmm -o $@ $^

$(BUILD)/fuzz/fuzz-audit: tests/fuzz/fuzz-audit.c vmm-policy/record.c vmm-policy/sim.c \
		vmm-policy/common.c $(POLICY_SRCS)
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $^ $(HOST_LDLIBS) $(YAJL_LIBS)

$(BUILD)/fuzz/fuzz-%: tests/fuzz/fuzz-%.c $(POLICY_SRCS)
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) -Ipolicy -o $@ $^ $(HOST_LDLIBS)

fuzz: $(FUZZERS)
	$(Q)set -o pipefail; for f in $(FUZZ_NAMES); do \
		mkdir -p $(BUILD)/fuzz/corpus-$$f; \
		echo "== fuzz-$$f for $(FUZZ_SECONDS) s"; \
		$(BUILD)/fuzz/fuzz-$$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			-artifact_prefix=$(BUILD)/fuzz/ $(BUILD)/fuzz/corpus-$$f tests/fuzz/corpus/$$f \
			2>&1 | { grep -E '^(Done|stat::number_of_executed_units|==.*ERROR|SUMMARY)' || true; } \
			|| { echo "fuzz-$$f: FAILED (inputs in $(BUILD)/fuzz/)"; exit 1; }; \
	done

# ---------------------------------------------------------------- test helpers
# Small static aarch64 programs used inside the emulated host.
$(BUILD)/aarch64/%: tests/bench/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(A64_CC) $(CFLAGS) $(WARN) -static -o $@ $<

$(DISK_TEST): tests/linux-guest/disk-test.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(A64_CC) $(CFLAGS) $(WARN) -static -o $@ $< -lpthread

$(LINUX_INITRD): tools/mk-linux-initrd tools/guest-modules tests/linux-guest/init $(DISK_TEST)
	@echo "  INITRD  $@"
	$(Q)tools/mk-linux-initrd $@ $(DISK_TEST)

$(LINUX_ROOTFS): tools/mk-linux-rootfs tests/linux-guest/rootfs/init
	@echo "  ROOTFS  $@"
	$(Q)tools/mk-linux-rootfs $@

# ---------------------------------------------------------------- bench
$(BUILD)/bench-decide: tests/bench/bench-decide.c $(POLICY_SRCS)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -O2 -Ipolicy -o $@ $^ $(HOST_LDLIBS)

# Side by side with kvmtool the Linux boots alone take most of an hour in
# the emulated host.
BENCH_TIMEOUT ?= 7200
bench: $(E2E_DEPS) $(LOAD_BENCH) $(BUILD)/bench-decide
	@echo "## Policy decision cost, host-native"
	$(Q)$(BUILD)/bench-decide
	$(Q)KVMTOOL=$(KVMTOOL) E2E_TIMEOUT=$(BENCH_TIMEOUT) tests/e2e/launch bench.sh

# Like check, the setup first: a fresh clone needs nothing else.
demo:
	$(Q)$(MAKE) --no-print-directory setup
	$(Q)$(MAKE) --no-print-directory demo-run

demo-run: $(E2E_DEPS)
	$(Q)tests/e2e/launch demo.sh

# ---------------------------------------------------------------- man pages
MAN_PAGES := $(BUILD)/man/vmm.1 $(BUILD)/man/vmm-policy.1

$(BUILD)/man/vmm.1: README.md tools/mkman
	@mkdir -p $(dir $@)
	@echo "  MAN     $@"
	$(Q)tools/mkman vmm $(VERSION) README.md > $@.tmp && mv $@.tmp $@

$(BUILD)/man/vmm-policy.1: $(BUILD)/vmm-policy tools/mkman
	@mkdir -p $(dir $@)
	@echo "  MAN     $@"
	$(Q)tools/mkman vmm-policy $(VERSION) $(BUILD)/vmm-policy > $@.tmp && mv $@.tmp $@

man: $(MAN_PAGES)

# ---------------------------------------------------------------- install
install: all man
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/vmm/configs $(DESTDIR)$(PREFIX)/share/vmm/guest
	install -m 755 $(VMM_BIN) $(DESTDIR)$(PREFIX)/bin/vmm
	install -m 755 $(BUILD)/vmm-policy $(DESTDIR)$(PREFIX)/bin/vmm-policy
	install -m 644 configs/*.conf $(DESTDIR)$(PREFIX)/share/vmm/configs/
	install -m 644 $(GUEST_IMAGES) $(DESTDIR)$(PREFIX)/share/vmm/guest/
	install -d $(DESTDIR)$(PREFIX)/share/doc/vmm
	install -m 644 README.md docs/policy-format.md $(DESTDIR)$(PREFIX)/share/doc/vmm/
	install -d $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 644 $(MAN_PAGES) $(DESTDIR)$(PREFIX)/share/man/man1/

clean:
	rm -rf $(BUILD)

distclean: clean
	rm -rf $(CACHE)

# Not into build/native-check: an arm64 root file system (rc2.d...).
-include $(shell find $(BUILD) -path $(BUILD)/native-check -prune -o -name '*.d' -type f -print 2>/dev/null)
