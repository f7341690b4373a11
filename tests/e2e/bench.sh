#!/bin/sh
# Benchmarks on KVM (this arm64 host's, or the emulated host's:
# tests/e2e/launch): figures, not pass/fail.  In the emulated host (TCG)
# absolute times are far slower than hardware; the ratios measured in one
# run are the figures to watch.  With KVMTOOL (an lkvm; static for the
# emulated host, where launch adds it as build/kvmtool) the Linux figures
# are measured side by side with kvmtool's, alternating runs, and their
# ratios printed.  What needs root (a tap) is skipped without it, said.
. "$(dirname "$0")/lib.sh"
TIMER=$HELPERS/boot-timer
KVMTOOL=${KVMTOOL:-}
RUNS=${BENCH_RUNS:-3}
have_kvmtool() { [ -n "$KVMTOOL" ] && [ -x "$KVMTOOL" ]; }
# median of the numbers on stdin
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "" && b > 0) printf "%.2f", a / b; else printf "n/a" }'; }

# ----------------------------------------------------------------- SMCCC
# Every kind of exit in one guest run, against the null exit (a read of an
# unmapped address the VMM answers with 0) and the in-kernel call; the
# policy adds a return rule for the fixed-value kind.  Once without and
# once with the audit trail.
echo "## SMCCC round trip, guest-measured, each kind of exit against the null exit"
{ cat "$CONFIGS/default.conf"; printf '\n[rule bench-return]\nrange = 0x82000000\naction = return 0x1234\n'; } \
	> "$OUT/bench.conf"
smccc() {	# PREFIX VMM-ARGS...
	prefix=$1; shift
	"$VMM" --kernel "$GUEST/smccc-bench.img" --config "$OUT/bench.conf" \
		--cmdline "iters=${SMCCC_ITERS:-2000}" "$@" 2>/dev/null |
		sed -n "s/^# bench: /# bench: $prefix/p"
}
smccc ""
rm -f "$OUT/bench-audit.json"
smccc "audit_on_" --audit "$OUT/bench-audit.json"

# --------------------------------------------------------- start-up, RSS
echo "## The VMM's start-up: exec to the first console byte of a guest whose first act is to print"
for cpus in 1 4; do
	echo "# bench: startup_${cpus}cpu $("$TIMER" --mem-bytes 268435456 --marker '# guest: done' -- \
		"$VMM" --kernel "$GUEST/boot-test.img" --cpus $cpus)"
done
if [ -f "$LINUX_IMAGE" ]; then
	echo "## Loading the Linux Image ($(wc -c < "$LINUX_IMAGE") bytes): one pread(2) against mmap(2) + copy"
	"$HELPERS/load-bench" "$LINUX_IMAGE" 2>&1 | sed 's/^/# bench: /'
	echo "## Peak RSS excluding guest RAM, Linux with every device configured (disk, net, rng, virtio console, audit)"
	if [ "$(id -u)" = 0 ]; then
		rm -f "$OUT/rss.img"; truncate -s 64M "$OUT/rss.img"
		echo "# bench: $("$TIMER" --mem-bytes 536870912 --marker 'linux-guest: ready' --then 'poweroff -f
' -- "$VMM" --kernel "$LINUX_IMAGE" --initrd "$LINUX_INITRD" --mem 512M --cpus 4 \
			--disk "$OUT/rss.img" --net tap=rsstap0 --rng --console virtio --audit "$OUT/rss-audit.json" \
			--cpu-features -pauth --cmdline "quiet" | sed 's/.*\(vmm_peak_rss_kb_excluding_guest_ram=[0-9]*\).*/all_devices_\1/')"
		ip link del rsstap0 2>/dev/null
	else
		echo "# bench: all_devices RSS: skipped: the tap needs root, this run is uid $(id -u)"
	fi
fi

# --------------------------------------------------------- Linux boot
# To init and power-off (the initramfs powers off by itself with
# bench=poweroff), every CPU feature KVM offers on (kvmtool cannot turn
# pointer auth off, so neither do we here), 1 and 4 vCPUs, quiet and with
# the full log, RUNS runs each, ours and kvmtool's alternating.
boot_once() {	# WHO CPUS LOG: prints "init_ms total_ms"
	params="bench=poweroff"; [ "$3" = quiet ] && params="quiet $params"
	if [ "$1" = ours ]; then
		set -- "$VMM" --kernel "$LINUX_IMAGE" --initrd "$LINUX_INITRD" --mem 512M \
			--cpus "$2" --cmdline "$params"
	else
		set -- "$KVMTOOL" run --kernel "$LINUX_IMAGE" --initrd "$LINUX_INITRD" --mem 512 \
			--cpus "$2" --irqchip gicv3 --params "$params"
	fi
	"$TIMER" --mem-bytes 536870912 --marker 'linux-guest: init reached' -- "$@" |
		sed -n 's/.*marker_ms=\([0-9]*\).*total_ms=\([0-9]*\).*/\1 \2/p'
}
if [ -f "$LINUX_IMAGE" ]; then
	echo "## Linux to init and power-off, medians of $RUNS runs (ms)"
	for cpus in 1 4; do
		for log in quiet full; do
			: > "$OUT/boot-ours"; : > "$OUT/boot-kvmtool"
			for r in $(seq "$RUNS"); do
				boot_once ours $cpus $log >> "$OUT/boot-ours"
				have_kvmtool && boot_once kvmtool $cpus $log >> "$OUT/boot-kvmtool"
			done
			key="linux_${cpus}cpu_${log}"
			oi=$(cut -d' ' -f1 "$OUT/boot-ours" | median); ot=$(cut -d' ' -f2 "$OUT/boot-ours" | median)
			echo "# bench: ${key}_ours_init_ms=$oi ${key}_ours_poweroff_ms=$ot (runs: $(tr '\n' ';' < "$OUT/boot-ours"))"
			if have_kvmtool; then
				ki=$(cut -d' ' -f1 "$OUT/boot-kvmtool" | median); kt=$(cut -d' ' -f2 "$OUT/boot-kvmtool" | median)
				echo "# bench: ${key}_kvmtool_init_ms=$ki ${key}_kvmtool_poweroff_ms=$kt (runs: $(tr '\n' ';' < "$OUT/boot-kvmtool"))"
				echo "# bench: ratio_${key}_init_ours_over_kvmtool=$(ratio "$oi" "$ki") ratio_${key}_poweroff_ours_over_kvmtool=$(ratio "$ot" "$kt")"
			fi
		done
	done
	have_kvmtool || echo "# bench: kvmtool: not given (make bench KVMTOOL=/path/to/lkvm)"
fi

# ------------------------------------------------------------ disk and network
# Figures the guest measures: sequential O_DIRECT write and read (64 KiB
# requests, 128 MiB), 4 KiB random-read IOPS for 10 s, and TCP throughput
# both ways over a tap (64 MiB).  Pointer auth off on our side, which
# kvmtool cannot do: the figures are the devices', so compare the ratios
# knowing kvmtool's guest pays for pointer auth.  As root only (tap0).
uptime_cs() { awk '{ printf "%d", $1 * 100 }' /proc/uptime; }

# io_bench LABEL CMD...: CMD boots the Linux guest with $OUT/bench.img as its
# first disk, tap0 as its network and "bench=io" on its command line (its
# init runs the steps by itself: kvmtool takes no typed input from a file);
# prints "# bench: LABEL_...=N" lines.
io_bench() {
	label=$1; shift
	rm -f "$OUT/bench.img"; truncate -s 256M "$OUT/bench.img"
	ip link del tap0 2>/dev/null
	ip tuntap add tap0 mode tap 2>/dev/null || tunctl -t tap0 >/dev/null
	ip addr add 10.0.2.2/24 dev tap0; ip link set tap0 up
	start_cmd "io-$label" "$@"
	if ! wait_for "$out" '^net-up' 900; then
		echo "# bench: $label: the guest's network never came up"; kill -9 "$(bg_pid)"; stop_bg; return
	fi
	# The host listens for the guest's stream before sending its own: the
	# guest sends the moment it has received.
	listen 5002 /dev/null
	sleep 3
	t0=$(uptime_cs)
	dd if=/dev/zero bs=64k count=1024 2>/dev/null | nc 10.0.2.15 5001
	wait_for "$out" '^rx-done' 300
	t1=$(uptime_cs)
	wait_for "$out" '^tx-done' 300
	listen_end
	t3=$(uptime_cs)
	stop_bg >/dev/null
	sed -n "s/^disk-test: verify ok .* write_mibs=\([0-9.]*\) read_mibs=\([0-9.]*\).*/# bench: ${label}_disk_seq_write_mibs=\1\n# bench: ${label}_disk_seq_read_mibs=\2/p" "$out" | tr -d '\r'
	sed -n "s/^disk-test: randread iops=\([0-9]*\).*/# bench: ${label}_disk_randread_4k_iops=\1/p" "$out" | tr -d '\r'
	awk -v a="$t0" -v b="$t1" -v c="$t1" -v d="$t3" -v l="$label" 'BEGIN {
		printf "# bench: %s_net_host_to_guest_mibs=%.1f\n", l, 64 / ((b - a) / 100)
		printf "# bench: %s_net_guest_to_host_mibs=%.1f\n", l, 64 / ((d - c) / 100) }'
}

if [ "$(id -u)" != 0 ]; then
	echo "# bench: disk and network: skipped: they need root (tap0), this run is uid $(id -u)"
elif [ -f "$LINUX_IMAGE" ]; then
	echo "## Disk and network, measured in the guest"
	io_bench ours "$VMM" --kernel "$LINUX_IMAGE" --initrd "$LINUX_INITRD" --mem 512M \
		--disk "$OUT/bench.img" --net tap=tap0 --cpu-features -pauth \
		--cmdline "quiet bench=io modules=virtio_blk,virtio_net" | tee "$OUT/bench-ours.txt"
	if have_kvmtool; then
		io_bench kvmtool "$KVMTOOL" run --kernel "$LINUX_IMAGE" --initrd "$LINUX_INITRD" \
			--mem 512 --cpus 1 --irqchip gicv3 --virtio-transport mmio --disk "$OUT/bench.img" \
			--network mode=tap,tapif=tap0 --params "quiet bench=io modules=virtio_blk,virtio_net" |
			tee "$OUT/bench-kvmtool.txt"
		for k in disk_seq_write_mibs disk_seq_read_mibs disk_randread_4k_iops net_host_to_guest_mibs net_guest_to_host_mibs; do
			a=$(sed -n "s/^# bench: ours_$k=//p" "$OUT/bench-ours.txt")
			b=$(sed -n "s/^# bench: kvmtool_$k=//p" "$OUT/bench-kvmtool.txt")
			echo "# bench: ratio_${k}_ours_over_kvmtool=$(ratio "$a" "$b")"
		done
	fi
fi
