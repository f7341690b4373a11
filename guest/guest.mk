# Freestanding arm64 test guests, each packaged as an arm64 Linux Image
# (boot-test also as a flat binary without the header).
# Included by the top-level Makefile (run from the top of the tree):
# variables and pattern rules only.  See guest/README.md.

CROSS_COMPILE ?= aarch64-linux-gnu-
GUEST_CC = $(CROSS_COMPILE)gcc
GUEST_OBJCOPY = $(CROSS_COMPILE)objcopy

GUEST_IMAGES := build/guest/boot-test.img build/guest/psci-conformance.img \
	build/guest/smccc-bench.img build/guest/hostile.img build/guest/cpu-on-race.img \
	build/guest/trng-test.img build/guest/reset-test.img build/guest/boot-test.flat

GUEST_CFLAGS = -ffreestanding -nostdlib -nostartfiles -mgeneral-regs-only \
	-O2 -Wall -Wextra -Werror -std=gnu11 -g \
	-mstrict-align -fpie -fvisibility=hidden -fno-plt \
	-fno-stack-protector -fno-builtin -fno-tree-loop-distribute-patterns \
	-fno-asynchronous-unwind-tables -fno-unwind-tables \
	-mbranch-protection=none \
	-I. -Iguest/lib
GUEST_LDFLAGS = -nostdlib -nostartfiles -static-pie -Wl,--no-dynamic-linker \
	-Wl,--build-id=none -Wl,-z,norelro \
	-Wl,-z,max-page-size=4096 -Wl,--no-warn-rwx-segments

GUEST_LIB_SRCS := $(wildcard guest/lib/*.c) $(wildcard guest/lib/*.S)
GUEST_LIB_OBJS := $(patsubst guest/lib/%,build/guest/lib/%.o,$(GUEST_LIB_SRCS))
GUEST_HDRS := $(wildcard guest/lib/*.h) $(wildcard policy/smccc.h)

build/guest/lib/%.c.o: guest/lib/%.c $(GUEST_HDRS) guest/guest.mk
	@mkdir -p $(@D)
	@echo "  GUESTCC $@"
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) -c -o $@ $<

build/guest/lib/%.S.o: guest/lib/%.S guest/guest.mk
	@mkdir -p $(@D)
	@echo "  GUESTCC $@"
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) -c -o $@ $<

build/guest/%.o: guest/%.c $(GUEST_HDRS) guest/guest.mk
	@mkdir -p $(@D)
	@echo "  GUESTCC $@"
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) -c -o $@ $<

build/guest/%.elf: build/guest/%.o $(GUEST_LIB_OBJS) guest/guest.ld guest/sections.ld
	@echo "  GUESTLD $@"
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) $(GUEST_LDFLAGS) -Wl,-T,guest/guest.ld -o $@ $< $(GUEST_LIB_OBJS)

# The same guest without the Image header (vmm --kernel-format raw).
build/guest/%-flat.elf: build/guest/%.o $(GUEST_LIB_OBJS) guest/flat.ld guest/sections.ld
	@echo "  GUESTLD $@"
	$(Q)$(GUEST_CC) $(GUEST_CFLAGS) $(GUEST_LDFLAGS) -Wl,-T,guest/flat.ld -o $@ $< $(GUEST_LIB_OBJS)

build/guest/%.img: build/guest/%.elf
	@echo "  IMAGE   $@"
	$(Q)$(GUEST_OBJCOPY) -O binary $< $@

build/guest/%.flat: build/guest/%-flat.elf
	@echo "  FLAT    $@"
	$(Q)$(GUEST_OBJCOPY) -O binary $< $@

# Keep the ELF files (symbols for debugging) and objects.
.PRECIOUS: build/guest/%.elf build/guest/%-flat.elf build/guest/%.o build/guest/lib/%.c.o build/guest/lib/%.S.o
