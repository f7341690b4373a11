#!/bin/sh
# Hardening: a stalled reader never wedges the VMM; the audit trail is
# bounded, never in a vCPU's way, and reopened on SIGHUP; each sandbox
# restriction kills; bad input files are refused at once with one line; the
# terminal is restored after SIGQUIT; --jail runs the VMM unprivileged.
. "$(dirname "$0")/lib.sh"
STALL=$HELPERS/pipe-stall
PTY=$HELPERS/pty-run

# ---------------------------------------------------------- stalled readers
# stdout is a 4 KiB pipe nobody reads while the guest prints without end
# (about 1 KB/s through the 16550): each signal still ends the VMM within a
# second.  The signal comes a while after the pipe is full, so what the
# guest printed meanwhile waits in the console's buffer and the exit
# summary must count it as dropped.
stalled() {	# DESC SIGNAL WANT AFTER_MS [--stderr 1] ARGS...
	desc=$1; sig=$2; want=$3; after=$4; shift 4
	extra=""
	if [ "$1" = "--stderr" ]; then extra="--stderr 1"; shift 2; fi
	$STALL --size 4096 --after "$after" --signal "$sig" $extra -- "$VMM" "$@" \
		>"$OUT/stall.out" 2>"$OUT/stall.err"
	show "$OUT/stall.out"; show "$OUT/stall.err"
	res=$(sed -n 's/^pipe-stall: //p' "$OUT/stall.out")
	ms=$(echo "$res" | sed -n 's/.*ms_after_signal=\([0-9]*\).*/\1/p')
	echo "# $desc: $res"
	if [ "$(echo "$res" | sed 's/ .*//')" != "exit=$want" ]; then
		not_ok "$desc" "pipe-stall: $res"
	elif [ -z "$ms" ] || [ "$ms" -ge 1000 ]; then
		not_ok "$desc" "took ${ms:-?} ms after the signal (limit 1000)"
	elif [ "$sig" = 15 ] && [ -z "$extra" ] &&
	     ! grep -q 'console: [1-9][0-9]* bytes of guest output dropped' "$OUT/stall.err"; then
		not_ok "$desc" "no dropped-output count in the summary"
	else
		ok "$desc"
	fi
}
FLOOD="--kernel $GUEST/hostile.img --cmdline console_flood=1"
stalled "stdout never read (4 KiB pipe), guest printing: SIGTERM ends the VMM within 1 s (143), drops counted" \
	15 143 3000 $FLOOD
stalled "stdout never read, guest printing: SIGINT ends the VMM within 1 s (130)" 2 130 1000 $FLOOD
stalled "stdout never read, guest printing: SIGHUP (no --audit) ends the VMM within 1 s (129)" 1 129 1000 $FLOOD
stalled "stdout and stderr never read, -v and an upper-32 flood: SIGTERM within 1 s (143)" 15 143 1000 \
	--stderr 1 --kernel "$GUEST/hostile.img" -v --cmdline "flood=100000000"

# --------------------------------------------------------------- audit trail
# A flood of 20,000 forwarded PSCI_VERSION calls, timed by the guest, without
# and with an audit trail limited to 100 records a second.
bench_ns() {	# FILE: the forwarded calls' ns per call
	sed -n 's/^# bench: forwarded .* ns_per_call=\([0-9]*\).*/\1/p' "$1" | head -n 1
}
FLOODN=20000
# Without and with the trail, twice each, alternating: the emulated host's
# speed drifts, so the fastest run of each kind is compared.
for i in 1 2; do
	run_vmm "flood-plain-$i" 300 --kernel "$GUEST/smccc-bench.img" --cmdline "iters=$FLOODN kinds=psci"
	rm -f "$OUT/audit-flood.json"
	run_vmm flood-audit 300 --kernel "$GUEST/smccc-bench.img" --cmdline "iters=$FLOODN kinds=psci" \
		--audit "$OUT/audit-flood.json" --audit-limit 100
	cp "$OUT/flood-audit.out" "$OUT/flood-audit-$i.out"
done
show "$OUT/flood-audit.out"
fastest() {	# FILES...: the smallest forwarded ns per call among them
	for f in "$@"; do bench_ns "$f"; done | sort -n | head -n 1
}
plain=$(fastest "$OUT/flood-plain-1.out" "$OUT/flood-plain-2.out")
audited=$(fastest "$OUT/flood-audit-1.out" "$OUT/flood-audit-2.out")
echo "# flood: $FLOODN forwarded calls, runs: $(for f in "$OUT"/flood-plain-?.out "$OUT"/flood-audit-?.out; do printf '%s=%s ' "$(basename "$f" .out)" "$(bench_ns "$f")"; done)"
echo "# flood: fastest ${plain:-?} ns/call without --audit, ${audited:-?} with"
calls=$(grep 'forwarded SMCCC calls by decision' "$OUT/flood-audit.out" |
	sed 's/.*decision://' | tr ' ' '\n' | sed -n 's/.*=//p' | awk '{ s += $1 } END { print s + 0 }')
records=$(grep -c '"x0"' "$OUT/audit-flood.json")
suppressed=$(sed -n 's/.*"suppressed":\([0-9]*\).*/\1/p' "$OUT/audit-flood.json" | awk '{ s += $1 } END { print s + 0 }')
busiest=$(grep '"x0"' "$OUT/audit-flood.json" | sed 's/^{"time":\([0-9]*\)\..*/\1/' | sort | uniq -c |
	sort -rn | head -n 1 | awk '{ print $1 }')
echo "# audit: $records call records, $suppressed suppressed in summaries, $calls calls forwarded, busiest second $busiest records"
if [ "$status" != 0 ] || [ -z "$calls" ] || [ "$calls" -lt "$FLOODN" ]; then
	not_ok "audit flood: the run" "status $status, $calls calls"
else
	ok "audit flood: $calls forwarded calls with --audit --audit-limit 100"
fi
if [ -n "$busiest" ] && [ "$busiest" -le 100 ]; then
	ok "audit flood: at most 100 call records in any second ($busiest)"
else not_ok "audit flood: at most 100 call records in any second" "busiest second: $busiest"; fi
if [ "$((records + suppressed))" = "$calls" ] && [ "$suppressed" -gt 0 ]; then
	ok "audit flood: records + summaries' suppressed counts = calls made ($records + $suppressed = $calls)"
else not_ok "audit flood: records and summaries add up" "$records + $suppressed != $calls"; fi
if [ -n "$plain" ] && [ -n "$audited" ] && [ "$((audited * 100))" -le "$((plain * 110))" ]; then
	ok "audit flood: no vCPU waits on the trail ($audited ns/call with it, $plain without: within 10%)"
else not_ok "audit flood: no vCPU waits on the trail" "$audited ns/call with --audit, $plain without"; fi

# logrotate: mv the file, SIGHUP, and new records land in a new file.
rm -f "$OUT/rot.json" "$OUT/rot.json.1"
# The hostile guest's upper-32 flood: forwarded calls without end.
"$VMM" --kernel "$GUEST/hostile.img" --cmdline "flood=100000000" --audit "$OUT/rot.json" \
	--audit-limit 50 </dev/null >"$OUT/rot.out" 2>&1 &
pid=$!
wait_for "$OUT/rot.json" '"x0"' 60
mv "$OUT/rot.json" "$OUT/rot.json.1"
kill -HUP $pid
wait_for "$OUT/rot.json" '"x0"' 30
kill -TERM $pid; wait $pid; st=$?
show "$OUT/rot.out"
old=$(grep -c '"x0"' "$OUT/rot.json.1" 2>/dev/null); new=$(grep -c '"x0"' "$OUT/rot.json" 2>/dev/null)
echo "# rotation: ${old:-0} records in the old file, ${new:-0} in the new one; status $st"
if [ "${old:-0}" -gt 0 ] && [ "${new:-0}" -gt 0 ] && [ "$st" = 143 ] &&
   grep -q 'reopened (SIGHUP)' "$OUT/rot.out"; then
	ok "audit: mv + SIGHUP: new records land in a new file, the VMM runs on"
else not_ok "audit: mv + SIGHUP reopens the file" "old ${old:-0}, new ${new:-0}, status $st"; fi

# ------------------------------------------------------------------ sandbox
for probe in socket tgkill mmap-exec mprotect-exec ioctl-fd openat; do
	run_vmm "probe-$probe" 60 --kernel "$GUEST/boot-test.img" --debug-forbidden-syscall=$probe
	if [ "$status" = $((128 + 31)) ]; then ok "sandbox: $probe kills the VMM (SIGSYS, 159)"
	else show "$OUT/probe-$probe.out"; not_ok "sandbox: $probe kills the VMM" "status $status"; fi
done
# TCSETS is allowed on the terminal (stdin) only: on a pty, stdout too is a
# terminal, and TCSETS on it must kill.
$PTY -- "$VMM" --kernel "$GUEST/boot-test.img" --debug-forbidden-syscall=tcsets-fd >"$OUT/probe-tcsets.out" 2>&1
show "$OUT/probe-tcsets.out"
if grep -q 'exit=159' "$OUT/probe-tcsets.out"; then ok "sandbox: TCSETS on a fd that is not the terminal kills (159)"
else not_ok "sandbox: TCSETS on another fd kills" "$(grep pty-run: "$OUT/probe-tcsets.out")"; fi

# ------------------------------------------------------------ input files
# A FIFO given as any input file is refused at once, in one line.
mkfifo "$OUT/fifo" 2>/dev/null
fifo_case() {	# WHAT ARGS...
	what=$1; shift
	t0=$(uptime_s)
	run_vmm "fifo-$what" 10 "$@"
	ms=$(awk -v a="$t0" -v b="$(uptime_s)" 'BEGIN { printf "%d", (b - a) * 1000 }')
	show "$OUT/fifo-$what.out"
	if [ "$status" = 1 ] && [ "$(wc -l < "$OUT/fifo-$what.out")" = 1 ] &&
	   grep -q "not a regular file" "$OUT/fifo-$what.out" && [ "$ms" -lt 1000 ]; then
		ok "a FIFO as $what is refused in one line, in $ms ms"
	else not_ok "a FIFO as $what is refused at once" "status $status after $ms ms"; fi
}
fifo_case kernel --kernel "$OUT/fifo"
fifo_case initrd --kernel "$GUEST/boot-test.img" --initrd "$OUT/fifo"
fifo_case config --kernel "$GUEST/boot-test.img" --config "$OUT/fifo"

# Image headers (booting.rst: code0, code1, text_offset, image_size, flags,
# res2-4, magic "ARM\x64", res5), written with octal escapes.
header() {	# FILE CODE0 IMAGE_SIZE: 64 bytes
	printf "$2\000\000\000\000\000\000\000\000\000\000\000\000$3\012\000\000\000\000\000\000\000" > "$1"
	printf '\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000ARMd\000\000\000\000' >> "$1"
}
# image_size 0xfffffffffffff000 in a 4 KiB file whose code0 branches to 0x40.
header "$OUT/huge.img" '\020\000\000\024' '\000\360\377\377\377\377\377\377'
dd if=/dev/zero bs=4032 count=1 2>/dev/null >> "$OUT/huge.img"
error_scenario "an Image whose image_size is huge: one line naming the field" \
	"kernel $OUT/huge.img: the header's image_size (.* MiB at offset 0x0) does not fit in --mem 256 MiB" \
	--kernel "$OUT/huge.img"
# A header with nothing after it, and one whose branch leaves the file.
header "$OUT/header-only.img" '\000\000\000\000' '\000\000\002\000\000\000\000\000'
error_scenario "an Image that is only a header is refused" "nothing but the 64-byte header" \
	--kernel "$OUT/header-only.img"
header "$OUT/short.img" '\000\004\000\024' '\000\000\002\000\000\000\000\000'
error_scenario "an Image cut short before its entry point is refused" "entry branch jumps past the end" \
	--kernel "$OUT/short.img"

# ------------------------------------------------------------------ terminal
if "$PTY" --after "smccc-bench:" --signal 3 -- "$VMM" --kernel "$GUEST/smccc-bench.img" \
	--cmdline iters=100000000 >"$OUT/pty-quit.out" 2>&1; then :; fi
show "$OUT/pty-quit.out"
if grep -q 'raw_during=1 restored=1 exit=131' "$OUT/pty-quit.out"; then
	ok "terminal: SIGQUIT ends the VMM (131), terminal restored"
else not_ok "terminal: SIGQUIT restores the terminal" "$(grep pty-run: "$OUT/pty-quit.out")"; fi

# A crash of the VMM itself (a fault) restores the terminal, then dies of it.
if "$PTY" --after "smccc-bench:" --signal 10 -- "$VMM" --kernel "$GUEST/smccc-bench.img" \
	--cmdline iters=100000000 --debug-crash >"$OUT/pty-segv.out" 2>&1; then :; fi
show "$OUT/pty-segv.out"
if grep -q 'raw_during=1 restored=1 exit=139' "$OUT/pty-segv.out"; then
	ok "terminal: a crash of the VMM (SIGSEGV, 139) restores the terminal"
else not_ok "terminal: a crash of the VMM restores the terminal" "$(grep pty-run: "$OUT/pty-segv.out")"; fi

# --------------------------------------------------------------------- jail
jail() {
	rm -rf "$OUT/jail"; mkdir -p "$OUT/jail"
	"$VMM" --kernel "$GUEST/smccc-bench.img" --cmdline "iters=100000000" \
		--jail "$OUT/jail" --user 1234:2345 </dev/null >"$OUT/jail.out" 2>&1 &
	pid=$!
	wait_for "$OUT/jail.out" '^# smccc-bench:' 60
	ids=$(sed -n 's/^Uid:[[:space:]]*\([0-9]*\).*/\1/p; s/^Gid:[[:space:]]*\([0-9]*\).*/\1/p; s/^CapEff:[[:space:]]*\([0-9a-f]*\)/\1/p' \
		/proc/$pid/status 2>/dev/null | tr '\n' ' ')
	inside=$(ls -A /proc/$pid/root/ 2>&1 | tr '\n' ' ')
	etc=$(ls /proc/$pid/root/etc/passwd 2>&1)
	nofile=$(sed -n 's/^Max open files *\([0-9]*\).*/\1/p' /proc/$pid/limits)
	fsize=$(sed -n 's/^Max file size *\([0-9]*\).*/\1/p' /proc/$pid/limits)
	nnp=$(sed -n 's/^NoNewPrivs:[[:space:]]*//p' /proc/$pid/status)
	newns=""
	for ns in mnt ipc uts net; do
		[ "$(readlink /proc/$pid/ns/$ns)" != "$(readlink /proc/self/ns/$ns)" ] && newns="$newns $ns"
	done
	kill -TERM $pid; wait $pid; st=$?
	show "$OUT/jail.out"
	echo "# jail: uid gid capeff: $ids; root holds: '$inside'; RLIMIT_NOFILE $nofile; RLIMIT_FSIZE $fsize; no_new_privs $nnp; new namespaces:$newns; status $st"
	if [ "$ids" = "1234 2345 0000000000000000 " ] && [ -z "$inside" ] && [ "$st" = 143 ]; then
		ok "--jail --user: the VMM runs as 1234:2345 with no capabilities in an empty root"
	else not_ok "--jail --user" "ids '$ids', root '$inside', status $st"; fi
	if [ "$newns" = " mnt ipc uts net" ] && [ "$nnp" = 1 ] && [ "${nofile:-9999}" -le 600 ] &&
	   [ "$fsize" = 1073741824 ]; then
		ok "--jail: new mount, IPC, UTS and network namespaces, no_new_privs, RLIMIT_NOFILE $nofile, RLIMIT_FSIZE 1 GiB"
	else not_ok "--jail: namespaces, no_new_privs and limits" "namespaces:$newns nnp $nnp nofile $nofile fsize $fsize"; fi
	case "$etc" in
	*"No such file"*) ok "--jail: /etc/passwd is out of the VMM's reach" ;;
	*) not_ok "--jail: /etc/passwd is out of reach" "$etc" ;;
	esac
	run_vmm jail-open 60 --kernel "$GUEST/boot-test.img" --jail "$OUT/jail" --user 1234:2345 \
		--seccomp=off --debug-forbidden-syscall=openat
	show "$OUT/jail-open.out"
	if [ "$status" = 0 ] && grep -q 'returned -1 (errno 2)' "$OUT/jail-open.out"; then
		ok "--jail: without the sandbox, opening /etc/hostname finds nothing (ENOENT), the guest runs"
	else not_ok "--jail: opening a host file fails" "status $status"; fi
}
needs_root "--jail --user: unprivileged in an empty root, namespaces and limits, host files out of reach (4 checks)" && jail
error_scenario "--jail needs --user" "go together" --kernel "$GUEST/boot-test.img" --jail "$OUT/jail"
finish
