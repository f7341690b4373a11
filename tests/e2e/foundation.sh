#!/bin/sh
# The foundation: the boot-test guest on KVM and the VMM's input errors.
. "$(dirname "$0")/lib.sh"

guest_scenario "boot-test guest, 1 vCPU" 0 120 --kernel "$GUEST/boot-test.img"
guest_scenario "boot-test guest, 4 vCPUs, 512M" 0 120 --kernel "$GUEST/boot-test.img" --cpus 4 --mem 512M

# kvmtool's habits: -m in MiB; -p adds to the default command line (each
# -p in turn), --nodefaults leaves exactly what -p gave (the guest prints
# its /chosen/bootargs quoted).
bootargs_scenario() {	# DESC WANT ARGS...
	desc=$1; want=$2; shift 2
	name=$(echo "$desc" | tr -c 'a-zA-Z0-9\n' '_')
	run_vmm "$name" 120 "$@"
	show "$OUT/$name.out"
	got=$(sed -n "s/^# bootargs: '\(.*\)'\r*\$/\1/p" "$OUT/$name.out")
	if [ "$status" != 0 ] || ! check_tap "$OUT/$name.out"; then not_ok "$desc" "status $status; $why"
	elif [ "$got" != "$want" ]; then not_ok "$desc" "bootargs '$got', expected '$want'"
	else ok "$desc"; fi
}
bootargs_scenario "-m 64 -p a=1 -p b=2: 64 MiB, both added to the default command line" \
	"console=ttyS0 earlycon panic=-1 reboot=panic_warm a=1 b=2" \
	-k "$GUEST/boot-test.img" -m 64 -p a=1 -p b=2
grep -q '^# memory: base=0x40000000 size=0x4000000' "$OUT/$name.out" &&
	ok "-m 64 is 64 MiB (the guest's /memory)" || not_ok "-m 64 is 64 MiB" "no 'memory: ... size=0x4000000' from the guest"
bootargs_scenario "--nodefaults -p X: the guest's command line is exactly X" "X" \
	-k "$GUEST/boot-test.img" --nodefaults -p X
# arm64 Linux keeps COMMAND_LINE_SIZE (2048) bytes with the NUL: 2047 fit.
long=$(head -c 2047 /dev/zero | tr '\0' 'x')
run_vmm long-cmdline 120 -k "$GUEST/boot-test.img" --nodefaults -p "$long"
show "$OUT/long-cmdline.out"
got=$(sed -n 's/^# bootargs length: \([0-9]*\).*/\1/p' "$OUT/long-cmdline.out")
if [ "$status" = 0 ] && check_tap "$OUT/long-cmdline.out" && [ "$got" = 2047 ]; then
	ok "a command line of 2047 bytes, the arm64 limit, reaches the guest whole"
else not_ok "a command line of 2047 bytes reaches the guest whole" "status $status, the guest has $got bytes"; fi
error_scenario "a command line of 2048 bytes is refused, naming the limit" \
	"command line: 2048 bytes, over the guest kernel's limit of 2047 (COMMAND_LINE_SIZE 2048 with the NUL)" \
	-k "$GUEST/boot-test.img" --nodefaults -p "${long}x"

# A flat binary (boot-test linked without the Image header): loaded at
# RAM + 0x80000 and entered at its first byte with --kernel-format raw;
# without it, one line that says what to do.
guest_scenario "boot-test as a flat binary, --kernel-format raw" 0 120 \
	--kernel "$GUEST/boot-test.flat" --kernel-format raw
if grep -q '^# boot-test: image at 0x40080000' "$OUT/$name.out"; then
	ok "the flat binary ran from RAM + 0x80000 (0x40080000), as kvmtool loads one"
else not_ok "the flat binary ran from RAM + 0x80000" "$(grep '^# boot-test: image at' "$OUT/$name.out")"; fi
error_scenario "a flat binary without --kernel-format raw" \
	"boot-test.flat: not an arm64 Image (no \"ARM.x64\" magic at offset 56); a flat binary needs --kernel-format raw" \
	--kernel "$GUEST/boot-test.flat"
error_scenario "an ELF file is not a kernel" "an ELF file (a vmlinux?): boot the kernel image made from it" \
	--kernel /bin/sh

error_scenario "a text file is not a kernel" "not an arm64 Image" --kernel /etc/passwd
error_scenario "a missing kernel" "No such file or directory" --kernel /nonexistent/Image
# An Image header that asks for 64 MiB (and 4 KiB of code after it),
# booted with 16 MiB of RAM.
printf 'ARMd' > "$OUT/magic"
{ dd if=/dev/zero bs=16 count=1 2>/dev/null
  printf '\000\000\000\004\000\000\000\000'	# image_size = 64 MiB
  printf '\012\000\000\000\000\000\000\000'	# flags: LE, 4K, anywhere
  dd if=/dev/zero bs=24 count=1 2>/dev/null
  cat "$OUT/magic"
  dd if=/dev/zero bs=4 count=1 2>/dev/null
  dd if=/dev/zero bs=4096 count=1 2>/dev/null
} > "$OUT/big.img"
error_scenario "a kernel larger than --mem" "image_size (64 MiB at offset 0x0) does not fit in --mem 16 MiB" \
	--kernel "$OUT/big.img" --mem 16M
error_scenario "a bad --mem" "--mem" --kernel "$GUEST/boot-test.img" --mem 3M
error_scenario "a missing config" "No such file" --kernel "$GUEST/boot-test.img" --config /nonexistent.conf
# No KVM device: --kvm-device names a path that does not exist (the host's
# /dev/kvm is never touched: other VMs may be using it).
error_scenario "no KVM device (--kvm-device: a path that does not exist)" \
	"$OUT/no-kvm: no such device (is KVM enabled" --kernel "$GUEST/boot-test.img" --kvm-device "$OUT/no-kvm"
error_scenario "a KVM device that is not KVM (--kvm-device /dev/null)" \
	"/dev/null: not a KVM device: KVM_GET_API_VERSION: Inappropriate ioctl" --kernel "$GUEST/boot-test.img" --kvm-device /dev/null
# A KVM device the VMM may not open: EACCES names the fix.  Root passes
# any file mode, so the node sits on a nodev mount, which refuses the open
# to root too (the real /dev/kvm is never touched).
desc="a KVM device without access (EACCES): the line names the kvm group"
if needs_root "$desc"; then
	mkdir -p "$OUT/nodev" && mount -t tmpfs -o nodev,size=64k none "$OUT/nodev" &&
		mknod "$OUT/nodev/kvm" c 10 232
	error_scenario "$desc" "$OUT/nodev/kvm: Permission denied: the VMM needs read-write access to it, not root: join its group" \
		--kernel "$GUEST/boot-test.img" --kvm-device "$OUT/nodev/kvm"
	umount "$OUT/nodev"
fi

# vmm --probe: this host's KVM has what the VMM needs (exit 0), one line per
# fact; without the device it says so with the fix and exits 1.
"$VMM" --probe >"$OUT/probe.out" 2>&1; st=$?
show "$OUT/probe.out"
why=""
for fact in "kvm: /dev/kvm: opened read-write" "kvm-api: version 12" "smccc-filter: yes" "vgic-v3: yes" \
	"ipa-size: [0-9]* bits" "pauth: " "sve: " "pmu: " "verdict: ok: the VMM can run here"; do
	grep -q "^$fact" "$OUT/probe.out" || why="$why no '$fact';"
done
if [ "$st" = 0 ] && [ -z "$why" ] && ! grep -q MISSING "$OUT/probe.out"; then
	ok "vmm --probe: KVM, the SMCCC filter, a vGICv3, the IPA size and the optional features; exit 0"
else not_ok "vmm --probe on this host's KVM" "status $st;$why"; fi
"$VMM" --probe --kvm-device "$OUT/no-kvm" >"$OUT/probe-none.out" 2>&1; st=$?
show "$OUT/probe-none.out"
if [ "$st" = 1 ] && grep -q "^kvm: MISSING: $OUT/no-kvm: no such device" "$OUT/probe-none.out" &&
   grep -q '^verdict: the VMM cannot run here: 1 requirement missing' "$OUT/probe-none.out"; then
	ok "vmm --probe without a KVM device: MISSING with the fix, exit 1"
else not_ok "vmm --probe without a KVM device" "status $st"; fi
finish
