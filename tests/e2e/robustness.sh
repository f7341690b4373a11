#!/bin/sh
# A hostile guest must not crash or hang the VMM; signals end it cleanly;
# the seccomp sandbox kills a forbidden syscall; a guest reset ends the VMM
# or restarts the guest with every device back to its power-on state.
. "$(dirname "$0")/lib.sh"

guest_scenario "hostile guest: garbage IDs, upper-32 flood, bad PSCI arguments, stray MMIO" 0 300 \
	--kernel "$GUEST/hostile.img" --cpus 2 --config "$CONFIGS/default.conf" --cmdline "flood=5000"
name=hostile_guest__garbage_IDs__upper_32_flood__bad_PSCI_arguments__stray_MMIO
logged=$(grep -c 'MMIO: guest .* at 0xb000000: no device there' "$OUT/$name.out")
if [ "$logged" = 1 ]; then ok "unknown MMIO is logged once per address"
else not_ok "unknown MMIO is logged once per address" "0xb000000 logged $logged times"; fi

# SIGUSR1 prints the call summary and the guest runs on; SIGTERM ends it
# with status 128+15 and the summary again.
"$VMM" --kernel "$GUEST/smccc-bench.img" --cmdline "iters=100000000" </dev/null >"$OUT/term.out" 2>&1 &
pid=$!
sleep 2
kill -USR1 $pid
sleep 1
summaries=$(grep -c 'forwarded SMCCC calls by decision: .*psci=' "$OUT/term.out")
kill -TERM $pid
wait $pid
st=$?
show "$OUT/term.out"
if [ "$summaries" = 1 ]; then ok "SIGUSR1 prints the summary of forwarded calls while the guest runs"
else not_ok "SIGUSR1 prints the summary" "$summaries summaries before SIGTERM"; fi
if [ $st = 143 ] && grep -q 'Terminated: stopping the guest' "$OUT/term.out" &&
   [ "$(grep -c 'forwarded SMCCC calls by decision' "$OUT/term.out")" = 2 ]; then
	ok "SIGTERM ends the VMM with status 143, with the summary"
else not_ok "SIGTERM ends the VMM with status 143" "status $st"; fi

# The sandbox: a forbidden syscall after the filter is installed is fatal.
run_vmm seccomp-kill 60 --kernel "$GUEST/boot-test.img" --debug-forbidden-syscall
show "$OUT/seccomp-kill.out"
if [ "$status" = $((128 + 31)) ]; then ok "seccomp: a forbidden syscall kills the VMM with SIGSYS"
else not_ok "seccomp: a forbidden syscall kills the VMM with SIGSYS" "status $status, expected 159"; fi
run_vmm seccomp-log 60 --kernel "$GUEST/boot-test.img" --debug-forbidden-syscall --seccomp=log
show "$OUT/seccomp-log.out"
if [ "$status" = 0 ] && grep -q 'seccomp: forbidden syscall' "$OUT/seccomp-log.out"; then
	ok "seccomp=log: the forbidden syscall is reported and fails, the guest runs on"
else not_ok "seccomp=log reports and survives" "status $status"; fi
run_vmm seccomp-off 60 --kernel "$GUEST/boot-test.img" --seccomp=off
if grep -q 'WARNING: --seccomp=off' "$OUT/seccomp-off.out" && [ "$status" = 0 ]; then ok "seccomp=off says so loudly"
else not_ok "seccomp=off says so loudly" "status $status"; fi

# A guest reset with on_reset = exit ends the VMM with 0: the hostile
# guest's last step asks for a vendor SYSTEM_RESET2 only where it is refused,
# so use the conformance guest's ret= to call SYSTEM_RESET directly.
guest_reset_exit() {
	run_vmm reset-exit 60 --kernel "$GUEST/psci-conformance.img" --config "$CONFIGS/default.conf" \
		--cmdline "ret=0x84000009:0"
	show "$OUT/reset-exit.out"
	if [ "$status" = 0 ] && ! grep -q '# guest: done' "$OUT/reset-exit.out"; then
		ok "SYSTEM_RESET with on_reset = exit ends the VMM with 0"
	else not_ok "SYSTEM_RESET with on_reset = exit ends the VMM with 0" "status $status"; fi
}
guest_reset_exit

# A guest reset with on_reset = restart brings every device back to its
# power-on state: the reset-test guest reads the UART, the vGIC (distributor,
# each redistributor and CPU interface) and the virtio-blk transport at
# power-on, dirties them (this input left unread in the UART's FIFO, an
# interrupt acknowledged and never completed), resets and compares.  Its
# power-on readings survive the reset on a scratch disk.
guest_reset_restart() {	# DESC CPUS CONFIG
	desc=$1
	sed 's/^on_reset = exit$/on_reset = restart/' "$3" >"$OUT/restart.conf"
	if ! grep -q '^on_reset = restart$' "$OUT/restart.conf"; then
		not_ok "$desc" "$3 has no 'on_reset = exit' line to turn into restart"
		return
	fi
	dd if=/dev/zero of="$OUT/reset-store.img" bs=4096 count=1 2>/dev/null
	printf 'left in the FIFO\n' >"$OUT/reset.in"
	vmm_in=$OUT/reset.in
	guest_scenario "$desc" 0 180 --kernel "$GUEST/reset-test.img" --cpus "$2" \
		--config "$OUT/restart.conf" --disk "$OUT/reset-store.img" --cmdline "rx=1"
	vmm_in=
}
guest_reset_restart "guest reset (on_reset = restart), 1 vCPU: UART, vGIC, virtio-blk back to power-on" \
	1 "$CONFIGS/default.conf"
guest_reset_restart "guest reset (on_reset = restart), 2 vCPUs: UART, vGIC, virtio-blk back to power-on" \
	2 "$CONFIGS/default.conf"
guest_reset_restart "guest reset (on_reset = restart), 2 vCPUs, KVM's PSCI: UART, vGIC, virtio-blk back to power-on" \
	2 "$CONFIGS/kernel-psci.conf"

# A guest crash: an MMIO access KVM cannot decode ends the VMM with 2 and a
# register dump.
run_vmm crash 60 --kernel "$GUEST/hostile.img" --cmdline "crash=nisv"
show "$OUT/crash.out"
if [ "$status" = 2 ] && grep -q 'vCPU 0: pc ' "$OUT/crash.out"; then
	ok "a guest crash ends the VMM with status 2 and a register dump"
else not_ok "a guest crash ends the VMM with status 2 and a register dump" "status $status"; fi

# The console on a terminal (a pseudo-terminal from pty-run): raw while the
# VMM runs, restored on every way out; Ctrl-A x quits.
PTY=$HELPERS/pty-run
pty_case() {	# DESC WANT_EXIT PTY-RUN-ARGS...
	desc=$1; want=$2; shift 2
	"$PTY" "$@" >"$OUT/pty.out" 2>&1
	show "$OUT/pty.out"
	res=$(sed -n 's/^pty-run: //p' "$OUT/pty.out")
	if [ "$res" = "raw_during=1 restored=1 exit=$want" ]; then ok "$desc"
	else not_ok "$desc" "pty-run: $res"; fi
}
long="$VMM --kernel $GUEST/smccc-bench.img --cmdline iters=100000000"
pty_case "terminal: raw while running, Ctrl-A x quits (0), terminal restored" 0 \
	--after "smccc-bench:" --type '\x01x' -- $long
pty_case "terminal: SIGTERM ends the VMM (143), terminal restored" 143 \
	--after "smccc-bench:" --signal 15 -- $long
pty_case "terminal: guest crash (2), terminal restored" 2 \
	--after "crash:" -- "$VMM" --kernel "$GUEST/hostile.img" --cmdline crash=nisv
pty_case "terminal: guest poweroff (0), terminal restored" 0 \
	--after "1..8" -- "$VMM" --kernel "$GUEST/boot-test.img"
finish
