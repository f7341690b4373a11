#!/bin/sh
# Benchmarks on KVM (this arm64 host's or the emulated host's: tests/e2e/launch):
# figures, not pass/fail.
# (The emulated host is TCG: absolute times are far slower than hardware;
# the ratios are the figures to watch.)
. "$(dirname "$0")/lib.sh"
TIMER=$HELPERS/boot-timer

echo "## SMCCC round trip, guest-measured (default.conf: PSCI forwarded to the VMM)"
"$VMM" --kernel "$GUEST/smccc-bench.img" --config "$CONFIGS/default.conf" \
	--cmdline "iters=2000 fwd=0x84000000 kernel=0x80000000" 2>/dev/null | grep '^# bench:'

echo "## Boot to first console byte and to the test guest's end"
for cpus in 1 4; do
	echo "boot-test, $cpus vCPU: $("$TIMER" --mem-bytes 268435456 --marker '# guest: done' -- \
		"$VMM" --kernel "$GUEST/boot-test.img" --cpus $cpus)"
done
if [ -f "$LINUX_IMAGE" ]; then
	echo "## Linux (default command line: earlycon, full boot log): first console byte, init (the initramfs's first line), peak RSS"
	for cpus in 1 4; do
		echo "linux, $cpus vCPU: $("$TIMER" --mem-bytes 536870912 --marker 'linux-guest: ready' \
			--then 'poweroff -f
' -- "$VMM" --kernel "$LINUX_IMAGE" --initrd "$LINUX_INITRD" \
			--cpus $cpus --mem 512M)"
	done
fi

# ------------------------------------------------------------ disk and network
# Figures the guest measures: sequential O_DIRECT write and read (64 KiB
# requests, 128 MiB), 4 KiB random-read IOPS for 10 s, and TCP throughput
# both ways over a tap (64 MiB), as root only (it makes tap0).  With
# KVMTOOL (an lkvm: tests/e2e/launch passes it on), the same under kvmtool,
# and the ratios.
uptime_cs() { awk '{ printf "%d", $1 * 100 }' /proc/uptime; }

# io_bench LABEL CMD...: CMD boots the Linux guest with $OUT/bench.img as its
# first disk and tap0 as its network; prints "# bench: LABEL_...=N" lines.
io_bench() {
	label=$1; shift
	rm -f "$OUT/bench.img"; truncate -s 256M "$OUT/bench.img"
	ip link del tap0 2>/dev/null
	ip tuntap add tap0 mode tap 2>/dev/null || tunctl -t tap0 >/dev/null
	ip addr add 10.0.2.2/24 dev tap0; ip link set tap0 up
	start_cmd "io-$label" "$@"
	if ! wait_for "$out" '^linux-guest: ready' 300; then
		echo "# bench: $label: no shell within 300 s"; stop_bg; return
	fi
	echo 'disk-test verify /dev/vda 1 134217728; disk-test randread /dev/vda 1 10' >&3
	wait_for "$out" '^disk-test: randread' 600
	echo 'ip addr add 10.0.2.15/24 dev eth0; ip link set eth0 up; sleep 1; echo net-up' >&3
	wait_for "$out" '^net-up' 60
	echo 'nc -l -p 5001 > /dev/null; echo rx-done' >&3
	sleep 3
	t0=$(uptime_cs)
	dd if=/dev/zero bs=64k count=1024 2>/dev/null | nc 10.0.2.15 5001
	wait_for "$out" '^rx-done' 300
	t1=$(uptime_cs)
	listen 5002 /dev/null
	sleep 1
	t2=$(uptime_cs)
	echo 'dd if=/dev/zero bs=64k count=1024 2>/dev/null | nc 10.0.2.2 5002; echo tx-done' >&3
	wait_for "$out" '^tx-done' 300
	listen_end
	t3=$(uptime_cs)
	echo 'poweroff -f' >&3
	stop_bg >/dev/null
	sed -n "s/^disk-test: verify ok .* write_mibs=\([0-9.]*\) read_mibs=\([0-9.]*\).*/# bench: ${label}_disk_seq_write_mibs=\1\n# bench: ${label}_disk_seq_read_mibs=\2/p" "$out" | tr -d '\r'
	sed -n "s/^disk-test: randread iops=\([0-9]*\).*/# bench: ${label}_disk_randread_4k_iops=\1/p" "$out" | tr -d '\r'
	awk -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" -v l="$label" 'BEGIN {
		printf "# bench: %s_net_host_to_guest_mibs=%.1f\n", l, 64 / ((b - a) / 100)
		printf "# bench: %s_net_guest_to_host_mibs=%.1f\n", l, 64 / ((d - c) / 100) }'
}

if [ "$(id -u)" != 0 ]; then
	echo "# bench: disk and network: skipped: they need root (tap0), this run is uid $(id -u)"
elif [ -f "$LINUX_IMAGE" ]; then
	echo "## Disk and network, measured in the guest (nested TCG: compare ratios)"
	io_bench ours "$VMM" --kernel "$LINUX_IMAGE" --initrd "$LINUX_INITRD" --mem 512M \
		--disk "$OUT/bench.img" --net tap=tap0 --cmdline "+quiet modules=virtio_blk,virtio_net" | tee "$OUT/bench-ours.txt"
	if [ -n "${KVMTOOL:-}" ] && [ -x "$KVMTOOL" ]; then
		io_bench kvmtool "$KVMTOOL" run --kernel "$LINUX_IMAGE" --initrd "$LINUX_INITRD" \
			--mem 512 --cpus 1 --irqchip gicv3 --virtio-transport mmio --disk "$OUT/bench.img" \
			--network mode=tap,tapif=tap0 --params "quiet modules=virtio_blk,virtio_net" |
			tee "$OUT/bench-kvmtool.txt"
		for k in disk_seq_write_mibs disk_seq_read_mibs disk_randread_4k_iops net_host_to_guest_mibs net_guest_to_host_mibs; do
			a=$(sed -n "s/^# bench: ours_$k=//p" "$OUT/bench-ours.txt")
			b=$(sed -n "s/^# bench: kvmtool_$k=//p" "$OUT/bench-kvmtool.txt")
			[ -n "$a" ] && [ -n "$b" ] && awk -v a="$a" -v b="$b" -v k="$k" \
				'BEGIN { if (b > 0) printf "# bench: ratio_%s_ours_over_kvmtool=%.2f\n", k, a / b }'
		done
	else
		echo "# bench: kvmtool: not given (make bench KVMTOOL=/path/to/static/lkvm)"
	fi
fi
