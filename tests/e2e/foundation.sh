#!/bin/sh
# The foundation: the boot-test guest on KVM and the VMM's input errors.
. /opt/vmm/tests/lib.sh

guest_scenario "boot-test guest, 1 vCPU" 0 120 --kernel "$GUEST/boot-test.img"
guest_scenario "boot-test guest, 4 vCPUs, 512M" 0 120 --kernel "$GUEST/boot-test.img" --cpus 4 --mem 512M

error_scenario "a text file is not a kernel" "not an arm64 Image" --kernel /etc/passwd
error_scenario "a missing kernel" "No such file or directory" --kernel /nonexistent/Image
# An Image header that asks for 64 MiB (and 4 KiB of code after it),
# booted with 16 MiB of RAM.
printf 'ARMd' > /tmp/magic
{ dd if=/dev/zero bs=16 count=1 2>/dev/null
  printf '\000\000\000\004\000\000\000\000'	# image_size = 64 MiB
  printf '\012\000\000\000\000\000\000\000'	# flags: LE, 4K, anywhere
  dd if=/dev/zero bs=24 count=1 2>/dev/null
  cat /tmp/magic
  dd if=/dev/zero bs=4 count=1 2>/dev/null
  dd if=/dev/zero bs=4096 count=1 2>/dev/null
} > /tmp/big.img
error_scenario "a kernel larger than --mem" "image_size (64 MiB at offset 0x0) does not fit in --mem 16 MiB" \
	--kernel /tmp/big.img --mem 16M
error_scenario "a bad --mem" "--mem" --kernel "$GUEST/boot-test.img" --mem 3M
error_scenario "a missing config" "No such file" --kernel "$GUEST/boot-test.img" --config /nonexistent.conf
# No /dev/kvm (the node moved away for one run).
mv /dev/kvm /dev/kvm.off
error_scenario "no /dev/kvm" "/dev/kvm: no such device" --kernel "$GUEST/boot-test.img"
mv /dev/kvm.off /dev/kvm
finish
