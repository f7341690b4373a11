# Shared helpers for the end-to-end scripts, which run on an arm64 KVM host
# (a real one, or the emulated one of tools/arm64-host; POSIX sh, busybox's
# too) from a checkout-shaped tree: TREE, the tree this file is in, holds
# what they use at the paths a checkout has after make (tests/e2e/run-direct
# runs them; tests/e2e/launch lays a copy out in the emulated host).  Each
# check prints one TAP line; guest output is shown indented by four spaces,
# like a TAP subtest.
TREE=${TREE:-$(cd "$(dirname "$0")/../.." && pwd)}
VMM=${VMM:-$TREE/build/aarch64/vmm}
GUEST=${GUEST:-$TREE/build/guest}
CONFIGS=${CONFIGS:-$TREE/configs}
# Static helpers: boot-timer, pty-run, pipe-stall (tests/bench/).
HELPERS=${HELPERS:-$TREE/build/aarch64}
# What the scripts write, big disk images included: inside the tree, never
# a shared /tmp name another user's run could collide with.
OUT=${OUT:-$TREE/build/e2e}
mkdir -p "$OUT"
n=0
failed=0
skipped=0

# Each check says how long it took (this host's uptime, in seconds), so the
# suite's time can be kept within CI's budget.
uptime_s() { cut -d' ' -f1 /proc/uptime; }
_t0=$(uptime_s)
took() {
	_t1=$(uptime_s)
	echo "# took $(awk -v a="$_t0" -v b="$_t1" 'BEGIN { printf "%.1f", b - a }') s"
	_t0=$_t1
}
ok() {	# description
	n=$((n + 1)); echo "ok $n - $1"; took
}
not_ok() {	# description why
	n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; echo "# $2"; took
}
# skip DESC WHY: a check that cannot run here, counted and said as TAP's
# "ok N - DESC # SKIP WHY" (tests/e2e/run-all totals and lists them).
skip() {
	n=$((n + 1)); skipped=$((skipped + 1)); echo "ok $n - $1 # SKIP $2"
}
# needs_root DESC: true as root; else skips DESC (tap devices, loop mounts
# and --jail need root, which direct mode on a real host does not have).
needs_root() {
	[ "$(id -u)" = 0 ] && return 0
	skip "$1" "needs root (this run is uid $(id -u))"
	return 1
}
show() {	# file
	sed 's/^/    /' "$1"
}

# run_vmm NAME TIMEOUT ARGS...: run the VMM, output in $OUT/NAME.out
# (stdout, then stderr: the VMM's own lines never split a guest's line),
# status in $status.  Its stdin: the file $vmm_in names, else nothing.
run_vmm() {
	name=$1; t=$2; shift 2
	timeout -s KILL "$t" "$VMM" "$@" <"${vmm_in:-/dev/null}" >"$OUT/$name.out" 2>"$OUT/$name.err"
	status=$?
	cat "$OUT/$name.err" >> "$OUT/$name.out"
}

# check_tap FILE: the guest's TAP is complete and all ok.  Sets $why.
check_tap() {
	f=$1
	plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' "$f" | head -n 1)
	oks=$(grep -c '^ok [0-9]' "$f")
	bad=$(grep -c '^not ok [0-9]' "$f")
	if [ -z "$plan" ]; then why="no TAP plan in the guest output"; return 1; fi
	if [ "$bad" != 0 ]; then why="$bad guest test(s) failed: $(grep '^not ok' "$f" | head -n 3 | tr '\n' ';')"; return 1; fi
	if [ "$oks" != "$plan" ]; then why="guest planned $plan tests, $oks passed"; return 1; fi
	if ! grep -q '^# guest: done' "$f"; then why="guest did not finish"; return 1; fi
	return 0
}

# guest_scenario DESC EXPECTED_STATUS TIMEOUT ARGS...: boot a test guest,
# expect its TAP all ok and the VMM's exit status.
guest_scenario() {
	desc=$1; want=$2; t=$3; shift 3
	name=$(echo "$desc" | tr -c 'a-zA-Z0-9\n' '_')
	run_vmm "$name" "$t" "$@"
	show "$OUT/$name.out"
	if [ "$status" != "$want" ]; then
		not_ok "$desc" "vmm exit status $status, expected $want"
	elif ! check_tap "$OUT/$name.out"; then
		not_ok "$desc" "$why"
	else
		ok "$desc"
	fi
}

# error_scenario DESC MESSAGE ARGS...: the VMM must fail with status 1 and
# one line of error that contains MESSAGE.
error_scenario() {
	desc=$1; msg=$2; shift 2
	name=$(echo "$desc" | tr -c 'a-zA-Z0-9\n' '_')
	run_vmm "$name" 30 "$@"
	show "$OUT/$name.out"
	lines=$(wc -l < "$OUT/$name.out")
	if [ "$status" != 1 ]; then
		not_ok "$desc" "vmm exit status $status, expected 1"
	elif [ "$lines" != 1 ]; then
		not_ok "$desc" "expected one line of error, got $lines"
	elif ! grep -q "^vmm: .*$msg" "$OUT/$name.out"; then
		not_ok "$desc" "error does not say '$msg'"
	else
		ok "$desc"
	fi
}

finish() {	# the plan comes last: scripts add checks as they go
	[ "$skipped" = 0 ] || echo "# $skipped of $n checks skipped"
	echo "1..$n"
	[ "$failed" = 0 ]
}

# ------------------------------------------------- a VMM in the background
# The Linux guest: Debian's arm64 kernel (tools/setup.sh puts it in the
# cache), the test initramfs and the ext4 root disk (make e2e builds them).
LINUX_IMAGE=${LINUX_IMAGE:-$(ls "${VMM_CACHE:-$TREE/.cache}"/arm64/boot/vmlinuz-* 2>/dev/null | head -n 1)}
LINUX_INITRD=${LINUX_INITRD:-$TREE/build/linux-guest.cpio.gz}
LINUX_ROOTFS=${LINUX_ROOTFS:-$TREE/build/linux-rootfs.img}

# wait_for FILE PATTERN SECONDS [COUNT]: PATTERN on COUNT (default 1) lines.
wait_for() {
	i=0
	while [ $i -lt "$3" ]; do
		_c=$(grep -c "$2" "$1" 2>/dev/null)
		[ "${_c:-0}" -ge "${4:-1}" ] && return 0
		sleep 1; i=$((i + 1))
	done
	return 1
}

# start_cmd NAME CMD ARGS...: run CMD in the background, its stdout in
# $out (its stderr joins it at stop_bg: -v lines never split a guest's
# line); type into the guest with "echo ... >&3"; signal it with
# "kill -SIG $(bg_pid)"; then stop_bg.
start_cmd() {
	out=$OUT/$1.out; shift
	rm -f "$OUT/in" "$OUT/status" "$OUT/pid"; mkfifo "$OUT/in"
	( timeout -s KILL 900 "$@" <"$OUT/in" >"$out" 2>"$out.err" &
	  echo $! > "$OUT/pid"; wait $!; echo $? > "$OUT/status" ) &
	exec 3>"$OUT/in"
}

# The background command's pid: busybox's timeout execs the command in its
# own process, GNU timeout passes SIGTERM, SIGINT and SIGHUP on to it.  Never
# "pidof vmm": on a real host that names every user's VMMs.
bg_pid() {
	cat "$OUT/pid"
}

# start_bg NAME ARGS...: the VMM, as start_cmd.
start_bg() {
	_n=$1; shift
	start_cmd "$_n" "$VMM" "$@"
}

# stop_bg: close the guest's input, wait for the VMM; its status in $st.
stop_bg() {
	exec 3>&-
	wait
	cat "$out.err" >> "$out" 2>/dev/null
	show "$out"
	st=$(cat "$OUT/status" 2>/dev/null)
}

# listen PORT FILE: nc listening on PORT in the background, what it
# receives in FILE.  nc ends when its stdin does: it reads a FIFO held open
# on fd 4 (a background job's stdin is /dev/null).  listen_end waits, up to
# 120 s, for the sender to close the connection, then ends only our own nc
# (never killall: on a real host that is every user's).
listen() {
	rm -f "$OUT/nc-in"; mkfifo "$OUT/nc-in"
	nc -l -p "$1" <"$OUT/nc-in" >"$2" &
	nc_pid=$!
	exec 4>"$OUT/nc-in"
}
listen_end() {
	i=0; while kill -0 $nc_pid 2>/dev/null && [ $i -lt 120 ]; do sleep 1; i=$((i + 1)); done
	exec 4>&-
	kill $nc_pid 2>/dev/null; wait $nc_pid 2>/dev/null
}

# The emulated host's TCG makes pointer-auth instructions very slow, and SVE
# and PMU state on every CPU_ON (hotplug: 200 rounds took 12 minutes with
# them): Linux boots with none unless a test asks (linux.sh checks every
# feature once, and -pauth once).
LINUX_CPU_FEATURES=${LINUX_CPU_FEATURES-none}

# Where the test guest's init reads once as it begins (mark= on its
# command line): the null exit's address, where the VMM has no device.
LINUX_MARK=0xc000000

# start_linux NAME CPUS CONFIG [ARGS...]: Linux from the test initramfs,
# with 512 MiB, in kvmtool's words (-m in MiB; -p, and any --cmdline in
# ARGS, added to the default command line).
start_linux() {
	_name=$1; _cpus=$2; _conf=$3; shift 3
	start_bg "$_name" -k "$LINUX_IMAGE" -i "$LINUX_INITRD" -m 512 -c "$_cpus" \
		-p "quiet mark=$LINUX_MARK" --config "$_conf" -v \
		--cpu-features "$LINUX_CPU_FEATURES" "$@"
}
stop_linux() { stop_bg; }

# field FILE PREFIX: what follows PREFIX on its first line (no CR).
field() {
	sed -n "s/^$2//p" "$1" | head -n 1 | tr -d '\r'
}
