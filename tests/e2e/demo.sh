#!/bin/sh
# make demo: the test guest, then Linux to a shell prompt, under ./vmm on
# KVM (this host's, or the emulated host's: tests/e2e/launch); a command
# typed into the guest shell, then poweroff; then Linux from an ext4 root
# on a virtio disk (read-only), which checks its files and powers off.
set -e
. "$(dirname "$0")/lib.sh"
echo "### vmm --kernel build/guest/boot-test.img --cpus 2"
"$VMM" --kernel "$GUEST/boot-test.img" --cpus 2
echo "### vmm exited with $?"
[ -f "$LINUX_IMAGE" ] || exit 0
echo "### vmm -k Image -i initrd.cpio.gz -c 4 -m 512 -p quiet --config configs/default.conf -v"
rm -f "$OUT/demo-in" "$OUT/demo.out"; mkfifo "$OUT/demo-in"
"$VMM" -k "$LINUX_IMAGE" -i "$LINUX_INITRD" -c 4 -m 512 -p quiet \
	--config "$CONFIGS/default.conf" -v <"$OUT/demo-in" 2>&1 | tee "$OUT/demo.out" &
exec 3>"$OUT/demo-in"
i=0
while [ $i -lt 300 ] && ! grep -q '^linux-guest: ready' "$OUT/demo.out" 2>/dev/null; do sleep 1; i=$((i + 1)); done
echo 'uname -a; echo "CPUs: $(nproc)"; head -n 3 /proc/cpuinfo' >&3
sleep 3
echo 'poweroff -f' >&3
exec 3>&-
wait
[ -f "$LINUX_ROOTFS" ] || exit 0
echo "### vmm -k Image -i initrd.cpio.gz -m 512 --disk linux-rootfs.img,ro -p 'quiet root=/dev/vda ro modules=...'"
"$VMM" -k "$LINUX_IMAGE" -i "$LINUX_INITRD" -m 512 --disk "$LINUX_ROOTFS,ro" \
	-p "quiet root=/dev/vda ro modules=virtio_blk,crc32c_generic,ext4" </dev/null
echo "### vmm exited with $?"
echo "### done"
