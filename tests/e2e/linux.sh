#!/bin/sh
# Real Linux under ./vmm: SMP through the VMM's PSCI, a shell typed into
# through the console, poweroff, reboot and panic; with the seccomp sandbox on.
. "$(dirname "$0")/lib.sh"
# linux_boot DESC CPUS CONFIG
linux_boot() {
	desc=$1; cpus=$2
	start_linux "$(echo "$desc" | tr -c 'a-zA-Z0-9\n' '_')" "$cpus" "$3"
	why=""
	if ! wait_for "$out" '^linux-guest: ready' 300; then
		why="no shell within 300 s"
	else
		echo 'echo "answer=$((6*7))"' >&3
		wait_for "$out" '^answer=42' 60 || why="the command typed into the guest shell did not run"
		echo 'poweroff -f' >&3
	fi
	stop_linux
	online=$(sed -n 's/^linux-guest: cpus online: //p' "$out" | tr -d '\r')
	want_online=0; [ "$cpus" -gt 1 ] && want_online="0-$((cpus - 1))"
	cpu_on=$(grep -c 'x0=0xc4000003 .*-> psci' "$out")
	warns=$(sed -n 's/^linux-guest: dmesg warnings: //p' "$out" | tr -d '\r')
	# -m 512 (start_linux): 512 MiB less what the kernel keeps for itself.
	memkb=$(sed -n 's/^linux-guest: mem total: \([0-9]*\) kB.*/\1/p' "$out")
	if [ -n "$why" ]; then not_ok "$desc" "$why"
	elif [ "$st" != 0 ]; then not_ok "$desc" "vmm exit status '$st' after poweroff, expected 0"
	elif [ "$online" != "$want_online" ]; then not_ok "$desc" "guest CPUs online '$online', expected $want_online"
	elif [ "$cpu_on" != "$((cpus - 1))" ]; then not_ok "$desc" "$cpu_on forwarded CPU_ON calls in the VMM log, expected $((cpus - 1))"
	elif [ "$warns" != 0 ]; then not_ok "$desc" "guest dmesg has $warns device tree/PSCI warnings"
	elif [ "${memkb:-0}" -le 400000 ] || [ "$memkb" -gt 524288 ]; then
		not_ok "$desc" "guest MemTotal '$memkb' kB for -m 512"
	else ok "$desc"
	fi
}

# The SMCCC TRNG under Linux: the kernel found it (smccc_trng platform
# device), seeded its RNG from it at boot (TRNG_RND64 calls in the -v log
# before init), and the hwrng driver serves /dev/hwrng from it.
linux_trng() {	# OUT of a linux_boot
	desc="Linux finds the SMCCC TRNG, seeds from it, and /dev/hwrng reads it (smccc_trng)"
	dev=$(sed -n 's/^linux-guest: smccc_trng device: //p' "$1" | tr -d '\r')
	cur=$(sed -n 's/^linux-guest: hwrng: //p' "$1" | tr -d '\r')
	bytes=$(sed -n 's/^linux-guest: hwrng bytes: //p' "$1" | tr -d '\r')
	# The VMM's log lines (after the guest's output in OUT) up to init's
	# read of the unassigned address it was told to mark (linux_mark).
	early=$(sed -n '/^vmm: /p' "$1" | sed "/MMIO: guest read of 4 bytes at $LINUX_MARK: /q" |
		grep -c 'x0=0xc4000053 x1=0x[0-9a-f]* -> trng rule trng64 x0=0x0 ')
	grep -q "MMIO: guest read of 4 bytes at $LINUX_MARK: " "$1" || early="no mark from init, so"
	echo "# TRNG: device '$dev', rng_current '$cur', bytes '$bytes', $early TRNG_RND64 calls before init"
	if [ "$dev" != yes ]; then not_ok "$desc" "no /sys/bus/platform/devices/smccc_trng"
	elif [ "$cur" != smccc_trng ]; then not_ok "$desc" "rng_current is '$cur'"
	elif [ "${#bytes}" != 32 ]; then not_ok "$desc" "/dev/hwrng gave '$bytes'"
	elif [ "$early" = 0 ] || [ "${early#no}" != "$early" ]; then not_ok "$desc" "$early TRNG_RND64 calls before init"
	else ok "$desc"
	fi
}

# CPU hotplug through the VMM's PSCI: every secondary offline and online
# again through sysfs, 100 rounds one after the other, then 100 rounds with
# all secondaries at once.  Each round's writes must succeed.
hotplug() {
	desc="Linux, 4 vCPUs, CPU hotplug: 100 sequential and 100 parallel offline/online rounds"
	start_linux hotplug 4 "$CONFIGS/default.conf"
	why=""
	if ! wait_for "$out" '^linux-guest: ready' 300; then
		why="no shell within 300 s"
	else
		echo 'f=0; i=0; while [ $i -lt 100 ]; do for c in 1 2 3; do echo 0 > /sys/devices/system/cpu/cpu$c/online || f=$((f+1)); echo 1 > /sys/devices/system/cpu/cpu$c/online || f=$((f+1)); done; i=$((i+1)); done; echo "hotplug-seq: failures=$f online=$(cat /sys/devices/system/cpu/online)"' >&3
		wait_for "$out" '^hotplug-seq: ' 600 || why="sequential rounds did not finish"
		echo 'cyc() { f=0; i=0; while [ $i -lt 100 ]; do echo 0 > /sys/devices/system/cpu/cpu$1/online || f=$((f+1)); echo 1 > /sys/devices/system/cpu/cpu$1/online || f=$((f+1)); i=$((i+1)); done; echo "cpu$1 failures=$f" > /tmp/hp$1; }; for c in 1 2 3; do cyc $c & done; wait; echo "hotplug-par: $(cat /tmp/hp1 /tmp/hp2 /tmp/hp3 | tr "\n" " ")online=$(cat /sys/devices/system/cpu/online)"' >&3
		[ -z "$why" ] && { wait_for "$out" '^hotplug-par: ' 600 || why="parallel rounds did not finish"; }
		echo 'poweroff -f' >&3
	fi
	stop_linux
	seq=$(sed -n 's/^hotplug-seq: //p' "$out" | tr -d '\r')
	par=$(sed -n 's/^hotplug-par: //p' "$out" | tr -d '\r')
	echo "# hotplug: sequential: $seq; parallel: $par"
	if [ -n "$why" ]; then not_ok "$desc" "$why"
	elif [ "$seq" != "failures=0 online=0-3" ]; then not_ok "$desc" "sequential: $seq"
	elif [ "$par" != "cpu1 failures=0 cpu2 failures=0 cpu3 failures=0 online=0-3" ]; then not_ok "$desc" "parallel: $par"
	elif [ "$st" != 0 ]; then not_ok "$desc" "vmm exit status '$st'"
	else ok "$desc"
	fi
}

# With on_reset = restart, "reboot -f" boots the guest again (RAM reloaded,
# secondaries off again); then poweroff ends the VMM with 0.
reboot_restart() {
	desc="Linux, 2 vCPUs, reboot -f restarts the guest (on_reset = restart), then poweroff"
	start_linux reboot 2 "$CONFIGS/sip-return.conf"
	why=""
	if ! wait_for "$out" '^linux-guest: ready' 300; then
		why="no shell within 300 s"
	else
		echo 'reboot -f' >&3
		wait_for "$out" '^linux-guest: ready' 300 2 || why="the guest did not come back after reboot -f"
		echo 'poweroff -f' >&3
	fi
	stop_linux
	if [ -n "$why" ]; then not_ok "$desc" "$why"
	elif ! grep -q 'guest reset: restarting' "$out"; then not_ok "$desc" "the VMM did not report the restart"
	elif [ "$(grep -c '^linux-guest: cpus online: 0-1' "$out")" != 2 ]; then not_ok "$desc" "both boots should see 2 CPUs"
	elif [ "$st" != 0 ]; then not_ok "$desc" "vmm exit status '$st', expected 0"
	else ok "$desc"
	fi
}

# A guest kernel panic (sysrq c): with the default command line Linux resets
# with SYSTEM_RESET2 warm, which the VMM reports as exit status 3.
panic_exit() {
	desc="Linux kernel panic ends the VMM with status 3"
	start_linux panic 1 "$CONFIGS/default.conf"
	why=""
	if wait_for "$out" '^linux-guest: ready' 300; then
		echo 'echo c > /proc/sysrq-trigger' >&3
	else
		why="no shell within 300 s"
	fi
	stop_linux
	if [ -n "$why" ]; then not_ok "$desc" "$why"
	elif [ "$st" != 3 ]; then not_ok "$desc" "vmm exit status '$st', expected 3"
	else ok "$desc"
	fi
}

# The guest's CPU features: what /proc/cpuinfo and /sys show against what the
# VMM said it gave (-v: "vCPU features: ...").  want: words that must be in
# the Features line, unwanted: words that must not.
linux_features() {	# DESC OUT WANT UNWANTED PMU(yes|no)
	desc=$1
	feats=" $(sed -n 's/^linux-guest: cpu features: //p' "$2" | tr -d '\r') "
	pmu=$(sed -n 's/^linux-guest: pmu: //p' "$2" | tr -d '\r')
	said=$(sed -n 's/^vmm: vCPU features: //p' "$2" | head -n 1)
	echo "# features: the VMM gave '$said'; the guest has '$feats'; PMU '$pmu'"
	why=""
	for w in $3; do case "$feats" in *" $w "*) ;; *) why="$why no $w;" ;; esac; done
	for w in $4; do case "$feats" in *" $w "*) why="$why $w present;" ;; esac; done
	if [ "$5" = yes ] && [ -z "$pmu" ]; then why="$why no PMU in /sys/bus/event_source;"; fi
	if [ "$5" = no ] && [ -n "$pmu" ]; then why="$why a PMU ($pmu);"; fi
	if [ -z "$why" ]; then ok "$desc"; else not_ok "$desc" "$why"; fi
}

# One boot keeps every default, the others drop pointer auth for speed.
saved=$LINUX_CPU_FEATURES; LINUX_CPU_FEATURES=
linux_boot "Linux, 1 vCPU, userspace PSCI over HVC, seccomp on, every CPU feature" 1 "$CONFIGS/default.conf"
LINUX_CPU_FEATURES=$saved
linux_features "Linux sees pointer auth, SVE and a PMU by default (paca pacg sve, armv8 PMU)" "$out" \
	"paca pacg sve" "" yes
linux_trng "$out"
LINUX_CPU_FEATURES=-pauth
linux_boot "Linux, 4 vCPUs, userspace PSCI over HVC, seccomp on; kvmtool's -k -i -m 512 -c 4 -p: 512 MiB, ttyS0" 4 "$CONFIGS/default.conf"
LINUX_CPU_FEATURES=$saved
linux_features "--cpu-features -pauth: Linux has no pointer auth, keeps SVE and the PMU" "$out" \
	"sve" "paca pacg" yes
linux_boot "Linux, 4 vCPUs, userspace PSCI over SMC, seccomp on" 4 "$CONFIGS/smc.conf"
hotplug
reboot_restart
panic_exit
finish
