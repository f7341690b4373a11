#!/bin/sh
# The foundation: the boot-test guest on KVM and the VMM's input errors.
. "$(dirname "$0")/lib.sh"

guest_scenario "boot-test guest, 1 vCPU" 0 120 --kernel "$GUEST/boot-test.img"
guest_scenario "boot-test guest, 4 vCPUs, 512M" 0 120 --kernel "$GUEST/boot-test.img" --cpus 4 --mem 512M

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
