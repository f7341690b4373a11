#!/bin/sh
# make demo: the test guest, then Linux to a shell prompt, under ./vmm on
# KVM inside the emulated arm64 host; a command typed into the guest shell,
# then poweroff.
set -e
echo "### vmm --kernel /opt/vmm/guest/boot-test.img --cpus 2"
vmm --kernel /opt/vmm/guest/boot-test.img --cpus 2
echo "### vmm exited with $?"
[ -f /opt/vmm/linux/Image ] || exit 0
echo "### vmm --kernel Image --initrd initrd.cpio.gz --cpus 4 --mem 512M --config configs/default.conf -v"
rm -f /tmp/in; mkfifo /tmp/in
vmm --kernel /opt/vmm/linux/Image --initrd /opt/vmm/linux/initrd.cpio.gz --cmdline +quiet \
	--cpus 4 --mem 512M --config /opt/vmm/configs/default.conf -v </tmp/in 2>&1 | tee /tmp/demo.out &
exec 3>/tmp/in
i=0
while [ $i -lt 300 ] && ! grep -q '^linux-guest: ready' /tmp/demo.out 2>/dev/null; do sleep 1; i=$((i + 1)); done
echo 'uname -a; echo "CPUs: $(nproc)"; head -n 3 /proc/cpuinfo' >&3
sleep 3
echo 'poweroff -f' >&3
exec 3>&-
wait
echo "### done"
