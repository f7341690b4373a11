#!/bin/sh
# Benchmarks inside the emulated arm64 host: figures, not pass/fail.
# (The emulated host is TCG: absolute times are far slower than hardware;
# the ratios are the figures to watch.)
VMM=/opt/vmm/bin/vmm
GUEST=/opt/vmm/guest
CONFIGS=/opt/vmm/configs
TIMER=/opt/vmm/bin/boot-timer
LINUX=/opt/vmm/linux

echo "## SMCCC round trip, guest-measured (default.conf: PSCI forwarded to the VMM)"
"$VMM" --kernel "$GUEST/smccc-bench.img" --config "$CONFIGS/default.conf" \
	--cmdline "iters=2000 fwd=0x84000000 kernel=0x80000000" 2>/dev/null | grep '^# bench:'

echo "## Boot to first console byte and to the test guest's end"
for cpus in 1 4; do
	echo "boot-test, $cpus vCPU: $("$TIMER" --mem-bytes 268435456 --marker '# guest: done' -- \
		"$VMM" --kernel "$GUEST/boot-test.img" --cpus $cpus)"
done
if [ -f "$LINUX/Image" ]; then
	echo "## Linux (default command line: earlycon, full boot log): first console byte, init (the initramfs's first line), peak RSS"
	for cpus in 1 4; do
		echo "linux, $cpus vCPU: $("$TIMER" --mem-bytes 536870912 --marker 'linux-guest: ready' \
			--then 'poweroff -f
' -- "$VMM" --kernel "$LINUX/Image" --initrd "$LINUX/initrd.cpio.gz" \
			--cpus $cpus --mem 512M)"
	done
fi
