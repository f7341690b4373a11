#!/bin/sh
# virtio devices under Linux: an ext4 root disk read and written (and read
# back by this host), a read-only disk, a data-integrity run through 4 vCPUs,
# data on the host file after SIGTERM, a network to this host over a tap,
# virtio-rng, and the virtio console.
. "$(dirname "$0")/lib.sh"
ROOT_MODULES=virtio_blk,crc32c_generic,ext4

# read_back IMAGE FILE: FILE of the ext4 IMAGE on stdout, its journal
# replayed first.  As root, a loop mount (the emulated host's busybox has no
# e2fsprogs); else e2fsprogs, which needs no privilege.
read_back() {
	if [ "$(id -u)" = 0 ]; then
		mkdir -p "$OUT/mnt"
		mount -o loop "$1" "$OUT/mnt" || return
		cat "$OUT/mnt/$2" 2>/dev/null
		umount "$OUT/mnt"
	else
		e2fsck -p -E journal_only "$1" >/dev/null 2>&1
		debugfs -R "cat /$2" "$1" 2>/dev/null
	fi
}

# The root disk: a writable copy of the image made with mkfs.ext4 -d.
rootfs_rw() {
	desc="Linux boots from an ext4 virtio disk (root=/dev/vda), reads a file, writes one that this host reads back"
	cp "$LINUX_ROOTFS" "$OUT/root.img"
	run_vmm rootfs-rw 300 --kernel "$LINUX_IMAGE" --initrd "$LINUX_INITRD" --mem 512M --cpu-features "$LINUX_CPU_FEATURES" \
		--disk "$OUT/root.img" --cmdline "quiet root=/dev/vda modules=$ROOT_MODULES"
	show "$OUT/rootfs-rw.out"
	data=$(field "$OUT/rootfs-rw.out" 'rootfs-guest: data sha256 ')
	new=$(field "$OUT/rootfs-rw.out" 'rootfs-guest: new sha256 ')
	root=$(field "$OUT/rootfs-rw.out" 'rootfs-guest: root ')
	# Read-write: the guest powered off without unmounting, so the journal
	# is replayed (on a copy: the image itself stays as the guest left it).
	cp "$OUT/root.img" "$OUT/root-check.img"
	host_new=$(read_back "$OUT/root-check.img" new.bin | sha256sum | cut -d' ' -f1)
	echo "# root '$root'; data $data (host: $(cat "$LINUX_ROOTFS.sha256")); new $new, read back here: $host_new"
	if [ "$status" != 0 ]; then not_ok "$desc" "vmm exit status $status"
	elif [ "$root" != "/dev/vda ext4 rw" ]; then not_ok "$desc" "root is '$root'"
	elif [ "$data" != "$(cat "$LINUX_ROOTFS.sha256")" ]; then not_ok "$desc" "the guest read data.bin as $data"
	elif [ -z "$new" ]; then not_ok "$desc" "the guest wrote no new file"
	elif [ "$host_new" != "$new" ]; then not_ok "$desc" "this host read new.bin as '$host_new'"
	else ok "$desc"
	fi
}

rootfs_ro() {
	desc="a ,ro disk: the guest's writes fail, the image is byte-identical afterwards"
	cp "$LINUX_ROOTFS" "$OUT/root.img"
	before=$(sha256sum "$OUT/root.img" | cut -d' ' -f1)
	run_vmm rootfs-ro 300 --kernel "$LINUX_IMAGE" --initrd "$LINUX_INITRD" --mem 512M --cpu-features "$LINUX_CPU_FEATURES" \
		--disk "$OUT/root.img,ro" --cmdline "quiet root=/dev/vda ro modules=$ROOT_MODULES"
	show "$OUT/rootfs-ro.out"
	after=$(sha256sum "$OUT/root.img" | cut -d' ' -f1)
	if [ "$status" != 0 ]; then not_ok "$desc" "vmm exit status $status"
	elif ! grep -q '^rootfs-guest: root /dev/vda ext4 ro' "$OUT/rootfs-ro.out"; then not_ok "$desc" "not mounted read-only"
	elif ! grep -q '^rootfs-guest: write failed: .*Read-only file system' "$OUT/rootfs-ro.out"; then
		not_ok "$desc" "a file write did not fail as read-only: $(grep '^rootfs-guest: .*write' "$OUT/rootfs-ro.out" | head -n 1)"
	elif ! grep -q '^rootfs-guest: raw write failed: .*\(Permission denied\|Read-only file system\|Operation not permitted\)' "$OUT/rootfs-ro.out"; then
		not_ok "$desc" "a raw write to /dev/vda did not fail as read-only: $(grep '^rootfs-guest: raw' "$OUT/rootfs-ro.out")"
	elif [ "$before" != "$after" ]; then not_ok "$desc" "the image changed"
	else ok "$desc"
	fi
}

# Patterned data written and read back with O_DIRECT by 4 threads on 4 vCPUs.
integrity() {
	desc="data integrity: 256 MiB patterned, O_DIRECT, 4 threads on 4 vCPUs, no mismatch"
	rm -f "$OUT/data.img"; truncate -s 288M "$OUT/data.img"
	start_linux integrity 4 "$CONFIGS/default.conf" --disk "$OUT/data.img" \
		--cmdline "quiet modules=virtio_blk"
	why=""
	if ! wait_for "$out" '^linux-guest: ready' 300; then
		why="no shell within 300 s"
	else
		echo 'disk-test verify /dev/vda 4 268435456' >&3
		wait_for "$out" '^disk-test: verify' 900 || why="disk-test did not finish"
		echo 'poweroff -f' >&3
	fi
	stop_bg
	rm -f "$OUT/data.img"
	res=$(field "$out" 'disk-test: verify ')
	echo "# disk-test: $res"
	if [ -n "$why" ]; then not_ok "$desc" "$why"
	elif [ "${res%% *}" != ok ]; then not_ok "$desc" "$res"
	elif [ "$st" != 0 ]; then not_ok "$desc" "vmm exit status '$st'"
	else ok "$desc"
	fi
}

# Written and flushed by the guest, then SIGTERM: the data is in the file.
sigterm_durable() {
	desc="data the guest wrote and flushed is in the image after SIGTERM (143)"
	rm -f "$OUT/term.img"; truncate -s 16M "$OUT/term.img"
	start_linux sigterm 1 "$CONFIGS/default.conf" --disk "$OUT/term.img" --cmdline "modules=virtio_blk"
	why=""
	if ! wait_for "$out" '^linux-guest: ready' 300; then
		why="no shell within 300 s"
	else
		echo 'dd if=/dev/urandom of=/tmp/p bs=64k count=4 2>/dev/null; dd if=/tmp/p of=/dev/vda bs=64k conv=fsync 2>/dev/null; echo "written $(sha256sum /tmp/p | cut -d" " -f1)"' >&3
		# The whole digest before the signal: the VMM's "Terminated" line
		# (stderr, the same file) may land right after it, before the
		# guest's newline.
		wait_for "$out" '^written [0-9a-f]\{64\}' 120 || why="the guest did not write"
	fi
	kill -TERM "$(bg_pid)"
	stop_bg
	guest=$(field "$out" 'written ' | cut -c1-64)
	host=$(head -c 262144 "$OUT/term.img" | sha256sum | cut -d' ' -f1)
	if [ -n "$why" ]; then not_ok "$desc" "$why"
	elif [ "$st" != 143 ]; then not_ok "$desc" "vmm exit status '$st'"
	elif [ "$guest" != "$host" ]; then not_ok "$desc" "the guest wrote $guest, the file holds $host"
	else ok "$desc"
	fi
}

# The guest and this host over tap0: pings both ways and a TCP stream each
# way, checksummed at both ends.
network() {
	desc="network: pings both ways and 4 MiB over TCP each way, checksums equal at both ends"
	needs_root "$desc (creates and configures tap0)" || return 0
	start_linux net 2 "$CONFIGS/default.conf" --net tap=tap0,mac=02:00:00:00:00:02 \
		--cmdline "quiet modules=virtio_net"
	why=""
	i=0; while ! ip link show tap0 >/dev/null 2>&1 && [ $i -lt 100 ]; do sleep 0.2; i=$((i + 1)); done
	ip addr add 10.0.2.2/24 dev tap0 && ip link set tap0 up || why="cannot configure tap0"
	head -c 4194304 /dev/urandom > "$OUT/tx.bin"
	tx=$(sha256sum "$OUT/tx.bin" | cut -d' ' -f1)
	if [ -z "$why" ] && ! wait_for "$out" '^linux-guest: ready' 300; then why="no shell within 300 s"; fi
	if [ -z "$why" ]; then
		echo 'ip addr add 10.0.2.15/24 dev eth0; ip link set eth0 up; sleep 1; echo "gping: $(ping -c 3 -W 5 10.0.2.2 >/dev/null 2>&1 && echo ok || echo failed)"' >&3
		wait_for "$out" '^gping: ' 120 || why="the guest's ping did not finish"
		hping=$(ping -c 3 -W 5 10.0.2.15 >/dev/null 2>&1 && echo ok || echo failed)
		# Host -> guest: the guest listens, this host sends.
		echo 'nc -l -p 5001 > /tmp/rx.bin; echo "grx: $(sha256sum /tmp/rx.bin | cut -d" " -f1)"' >&3
		sleep 3
		nc 10.0.2.15 5001 < "$OUT/tx.bin"
		wait_for "$out" '^grx: ' 300 || why="the guest did not receive the stream"
		# Guest -> host: this host listens, the guest sends what it got.
		listen 5002 "$OUT/back.bin"
		sleep 1
		echo 'nc 10.0.2.2 5002 < /tmp/rx.bin; echo "gtx: done"' >&3
		wait_for "$out" '^gtx: ' 300 || why="the guest did not send the stream"
		listen_end
		echo 'poweroff -f' >&3
	fi
	stop_bg
	gping=$(field "$out" 'gping: '); grx=$(field "$out" 'grx: ')
	back=$(sha256sum "$OUT/back.bin" 2>/dev/null | cut -d' ' -f1)
	echo "# ping guest->host $gping, host->guest $hping; sent $tx, guest got $grx, host got back $back ($(wc -c < "$OUT/back.bin" 2>/dev/null) bytes)"
	[ "$back" = "$tx" ] || cmp "$OUT/tx.bin" "$OUT/back.bin" 2>&1 | head -n 3
	if [ -n "$why" ]; then not_ok "$desc" "$why"
	elif [ "$gping" != ok ] || [ "$hping" != ok ]; then not_ok "$desc" "ping guest->host $gping, host->guest $hping"
	elif [ "$grx" != "$tx" ]; then not_ok "$desc" "the guest received $grx"
	elif [ "$back" != "$tx" ]; then not_ok "$desc" "this host received $back"
	elif [ "$st" != 0 ]; then not_ok "$desc" "vmm exit status '$st'"
	else ok "$desc"
	fi
}

rng() {
	desc="--rng: /dev/hwrng reads bytes from virtio-rng (rng_current)"
	# strict.conf offers no SMCCC TRNG: virtio-rng is the only hwrng.
	start_linux rng 1 "$CONFIGS/strict.conf" --rng --cmdline "modules=virtio_rng"
	why=""
	wait_for "$out" '^linux-guest: ready' 300 || why="no shell within 300 s"
	echo 'poweroff -f' >&3
	stop_bg
	cur=$(field "$out" 'linux-guest: hwrng: ')
	bytes=$(field "$out" 'linux-guest: hwrng bytes: ')
	if [ -n "$why" ]; then not_ok "$desc" "$why"
	elif [ "${cur#virtio_rng}" = "$cur" ]; then not_ok "$desc" "rng_current is '$cur'"
	elif [ "${#bytes}" != 32 ]; then not_ok "$desc" "read '$bytes'"
	else ok "$desc"
	fi
}

console_virtio() {
	desc="--console virtio: a shell on hvc0 runs a typed command"
	start_linux vcon 1 "$CONFIGS/default.conf" --console virtio
	why=""
	if ! wait_for "$out" '^linux-guest: ready' 300; then
		why="no shell within 300 s"
	else
		echo 'echo "answer=$((6*7)) on $(tty)"' >&3
		wait_for "$out" '^answer=42 on /dev/hvc0' 60 || why="the typed command did not run on hvc0"
		echo 'poweroff -f' >&3
	fi
	stop_bg
	if [ -n "$why" ]; then not_ok "$desc" "$why"
	elif [ "$(field "$out" 'linux-guest: console: ')" != /dev/hvc0 ]; then not_ok "$desc" "console is not hvc0"
	elif [ "$st" != 0 ]; then not_ok "$desc" "vmm exit status '$st'"
	else ok "$desc"
	fi
}

# Ctrl-A x on a terminal with the virtio console: quits, terminal restored.
console_virtio_pty() {
	desc="--console virtio on a terminal: Ctrl-A x quits (0), terminal restored"
	"$HELPERS/pty-run" --after "linux-guest: ready" --type '\x01x' -- "$VMM" \
		--kernel "$LINUX_IMAGE" --initrd "$LINUX_INITRD" --mem 512M --cpu-features "$LINUX_CPU_FEATURES" --console virtio \
		--cmdline "quiet" >"$OUT/vcon-pty.out" 2>&1
	show "$OUT/vcon-pty.out"
	res=$(sed -n 's/^pty-run: //p' "$OUT/vcon-pty.out")
	if [ "$res" = "raw_during=1 restored=1 exit=0" ]; then ok "$desc"
	else not_ok "$desc" "pty-run: $res"; fi
}

# A guest that feeds every device malformed rings and floods notifications:
# each device is marked broken (DEVICE_NEEDS_RESET) and logged once, the
# VMM stays up and powers off cleanly.
hostile_virtio() {
	desc="hostile guest: malformed rings and floods on blk, net, rng, console; each device broken and logged once; clean poweroff"
	needs_root "$desc (creates tap1; 3 checks)" || return 0
	rm -f "$OUT/h.img"; truncate -s 1M "$OUT/h.img"
	guest_scenario "$desc" 0 300 --kernel "$GUEST/hostile.img" --disk "$OUT/h.img" \
		--net tap=tap1 --rng --console virtio --cmdline "virtio=4"
	f=$OUT/$(echo "$desc" | tr -c 'a-zA-Z0-9\n' '_').out
	logged=$(grep -c 'DEVICE_NEEDS_RESET (logged once)' "$f")
	kinds=$(sed -n 's/^vmm: \(virtio-[a-z]*\)@.*DEVICE_NEEDS_RESET (logged once)/\1/p' "$f" | sort -u | tr '\n' ' ')
	echo "# broken devices logged: $logged ($kinds)"
	if [ "$logged" = 4 ] && [ "$kinds" = "virtio-blk virtio-console virtio-net virtio-rng " ]; then
		ok "each broken device is logged exactly once"
	else not_ok "each broken device is logged exactly once" "$logged lines: $kinds"; fi
	grep -q '^hostile: a line through virtio-console' "$f" &&
		ok "the hostile guest's valid virtio-console line reached stdout" ||
		not_ok "the hostile guest's valid virtio-console line reached stdout" "not in the output"
}

# E2E_ONLY (from tests/e2e/run-all) picks some of them.
for t in ${E2E_ONLY:-rootfs_rw rootfs_ro integrity sigterm_durable network rng console_virtio \
	console_virtio_pty hostile_virtio}; do
	$t
done
finish
