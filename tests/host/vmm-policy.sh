#!/bin/bash
# vmm-policy on every shipped config, every broken one, each warning, and
# explain's answers; and the reference page names every key, action and
# PSCI function the parser accepts.  TAP.
set -u
tool=${1:-build/vmm-policy}
cd "$(dirname "$0")/../.."
n=0; failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; echo "# $2"; }
expect() {	# DESC STATUS PATTERN -- CMD...: status and output (grep -E)
	local desc=$1 want=$2 pat=$3 out st; shift 4
	out=$("$@" 2>&1); st=$?
	if [ "$st" != "$want" ]; then not_ok "$desc" "status $st, expected $want: $(echo "$out" | head -n 3)"
	elif ! grep -qE -- "$pat" <<<"$out"; then not_ok "$desc" "output lacks /$pat/: $(echo "$out" | head -n 5)"
	else ok "$desc"; fi
}

for c in configs/*.conf; do
	expect "check $c is valid" 0 "^$c: valid" -- "$tool" check "$c"
done
for c in configs/bad/*.conf; do
	line=$(sed -n 's/^# expect: \([0-9]*\): \(.*\)/\1/p' "$c")
	msg=$(sed -n 's/^# expect: \([0-9]*\): \(.*\)/\2/p' "$c")
	expect "check $(basename "$c") fails at line $line" 1 "^$c:$line: .*$(printf '%s' "$msg" | sed 's/[][\.*^$()+?{}|]/\\&/g')" \
		-- "$tool" check "$c"
done

expect "warning: a kernel rule cannot enforce the 32-bit rule" 0 \
	"kernel-psci.conf:[0-9]+: warning: rule 'psci32' leaves 0x84000000-0x8400001f to KVM: the 32-bit" \
	-- "$tool" check configs/kernel-psci.conf
expect "warning: a deny rule that changes nothing" 0 \
	"redundant-deny.conf:9: warning: rule 'sip' denies in KVM, which is already the default" \
	-- "$tool" check tests/host/fixtures/redundant-deny.conf
expect "warning: default = kernel" 0 "default-kernel.conf:3: warning: default = kernel" \
	-- "$tool" check tests/host/fixtures/default-kernel.conf
expect "warning: psci_functions without a psci rule" 0 "no-psci.conf:3: warning: psci_functions has no effect" \
	-- "$tool" check tests/host/fixtures/no-psci.conf
expect "warning: no rule covers PSCI" 0 "no-psci.conf:[0-9]+: warning: no rule covers PSCI" \
	-- "$tool" check tests/host/fixtures/no-psci.conf
expect "check shows the KVM filter with the reserved ranges" 0 \
	"0x80000000-0x8000ffff  reserved by KVM" -- "$tool" check configs/default.conf
expect "default.conf has no warnings" 0 "default.conf: 0 warnings" -- "$tool" check configs/default.conf

expect "explain: upper-32 PSCI_VERSION is NOT_SUPPORTED by the 32-bit rule" 0 \
	"verdict: upper32: .*returns: X0=0xffffffffffffffff" \
	-- bash -c "'$tool' explain configs/default.conf 0x84000000 --x0 0x184000000 | tr '\n' ' '"
expect "explain: the rule and its file:line" 0 "rule: +'psci32' at configs/default.conf:[0-9]+" \
	-- "$tool" explain configs/default.conf 0x84000000
expect "explain: PSCI_VERSION answers 1.1" 0 "returns: X0=0x0000000000010001" \
	-- "$tool" explain configs/default.conf 0x84000000
expect "explain: KVM's PSCI would alias the upper-32 call" 0 "warning: KVM reads W0 only" \
	-- "$tool" explain configs/kernel-psci.conf 0x84000000 --x0 0x184000000
expect "explain: a return rule" 0 "returns: X0=0x0000000000001234" \
	-- "$tool" explain configs/sip-return.conf 0x82000042
expect "explain: an unnamed ID is denied in KVM" 0 "KVM: +answers NOT_SUPPORTED" \
	-- "$tool" explain configs/default.conf 0x83000001
expect "explain: the reserved arch range stays in KVM" 0 "reserved by KVM" \
	-- "$tool" explain configs/default.conf 0x80000000
expect "explain: CPU_ON outside RAM is INVALID_ADDRESS" 0 "X0=0xfffffffffffffff7 \(-9\)" \
	-- "$tool" explain configs/default.conf 0xc4000003 --x1 1 --x2 0x1000 --cpus 2
expect "explain: CPU_ON of a secondary starts it" 0 "then: +the VMM starts vCPU 1 at 0x40080000" \
	-- "$tool" explain configs/default.conf 0xc4000003 --x1 1 --x2 0x40080000 --cpus 2
expect "explain: --conduit smc" 0 "call: +SMC" -- "$tool" explain configs/smc.conf 0x84000000 --conduit smc
expect "explain: a bad FID is refused" 2 "FID must be a 32-bit number" -- "$tool" explain configs/default.conf 0x184000000
expect "explain: --x0 must carry the FID" 2 "does not carry FID" \
	-- "$tool" explain configs/default.conf 0x84000000 --x0 0x84000001
expect "a missing file is one line with the name" 1 "^nonexistent.conf: " -- "$tool" check nonexistent.conf
expect "usage on no command" 2 "usage: vmm-policy" -- "$tool"

# The reference page names everything the parser accepts.
doc=docs/policy-format.md
for key in $(sed -n 's/^	{ SEC_[A-Z]*, *"\([a-z0-9_]*\)".*/\1/p' policy/config.c) \
	   $(sed -n 's/^	\.name = "\([a-z-]*\)",/\1/p' policy/*.c) \
	   $(sed -n 's/^	\[0x[0-9A-F]*\] = { "\([a-z0-9_]*\)".*/\1/p' policy/psci.c); do
	if grep -q "\`$key" "$doc"; then ok "$doc documents '$key'"
	else not_ok "$doc documents '$key'" "not found"; fi
done
echo "1..$n"
echo "vmm-policy: $((n - failed)) passed, $failed failed"
[ "$failed" = 0 ]
