#!/bin/bash
# vmm-policy on every shipped config, every broken one, each warning,
# explain's answers, diff and replay (on recorded and synthetic audit
# trails), a generated 100,000-rule policy (timed); and the reference page
# names every key, action and PSCI function the parser accepts.  TAP.
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
refuse() {	# DESC PATTERN -- CMD...: the output must not match
	local desc=$1 pat=$2 out; shift 3
	out=$("$@" 2>&1)
	if grep -qE -- "$pat" <<<"$out"; then not_ok "$desc" "output has /$pat/: $(grep -E -- "$pat" <<<"$out" | head -n 2)"
	else ok "$desc"; fi
}
same() {	# DESC WANT GOT
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "expected '$2', got '$3'"; fi
}
fx=tests/host/fixtures

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

# ---------------------------------------------------------------- messages
expect "an empty file: PSCI is none, not left to KVM" 0 "PSCI: none \(no rule gives the PSCI IDs" \
	-- "$tool" check $fx/empty.conf
refuse "an empty file: no 'left to KVM'" "left to KVM" -- "$tool" check $fx/empty.conf
expect "kernel-psci.conf: PSCI handled by KVM" 0 "PSCI 1.1: handled by KVM" -- "$tool" check configs/kernel-psci.conf
expect "a kernel filter range is explained" 0 "kernel \(no filter entry needed: KVM handles what its filter does not name\)" \
	-- "$tool" check configs/kernel-psci.conf
refuse "no 'not installed: KVM's default'" "not installed" -- "$tool" check configs/kernel-psci.conf
same "default = kernel warns once" 1 "$("$tool" check $fx/default-kernel.conf | grep -c 'default = kernel')"
expect "explain --cpus 0 is a range error" 2 "^vmm-policy explain: --cpus 0: out of range \(1\.\.64\)" \
	-- "$tool" explain configs/default.conf 0xc4000003 --cpus 0
expect "explain --cpus 65 is a range error" 2 "--cpus 65: out of range" \
	-- "$tool" explain configs/default.conf 0xc4000003 --cpus 65
expect "explain --x1 junk names the reason" 2 "--x1 '12k': trailing junk" \
	-- "$tool" explain configs/default.conf 0xc4000003 --x1 12k
expect "explain defaults to the policy's conduit (smc)" 0 "^call: +SMC " -- "$tool" explain configs/smc.conf 0x84000000
expect "explain defaults to the policy's conduit (hvc)" 0 "^call: +HVC " -- "$tool" explain configs/default.conf 0x84000000
expect "explain --conduit overrides it" 0 "^call: +HVC " -- "$tool" explain configs/smc.conf 0x84000000 --conduit hvc
expect "explain: a PSCI function newer than psci_version" 0 "why: +PSCI_SYSTEM_RESET2 \(system_reset2\) is not in PSCI 1\.0: it needs PSCI 1\.1" \
	-- "$tool" explain configs/strict.conf 0x84000012
expect "explain: an optional PSCI function not listed" 0 "why: +PSCI_MIGRATE_INFO_TYPE is optional and not in psci_functions \(configs/strict.conf:[0-9]+\)" \
	-- "$tool" explain configs/strict.conf 0x84000006
expect "explain: a PSCI function the VMM does not implement" 0 "why: +PSCI_SYSTEM_SUSPEND \(system_suspend\) is not implemented" \
	-- "$tool" explain configs/default.conf 0x8400000e
refuse "explain: no 'why' for an offered function" "^why:" -- "$tool" explain configs/default.conf 0x84000012
expect "explain: a kernel rule where KVM has no handler" 0 "has no handler for this function .*NOT_SUPPORTED" \
	-- bash -c "'$tool' explain $fx/kernel-ffa.conf 0x84000060 | tr '\n' ' '"
expect "explain: a kernel rule KVM answers" 0 "KVM's vendor hypervisor service \(CALL_UID\)" \
	-- "$tool" explain configs/cloud.conf 0x8600ff01
expect "check: a kernel rule where KVM has no handler" 0 "kernel-ffa.conf:8: warning: rule 'ffa': KVM has no handler for any ID it decides" \
	-- "$tool" check $fx/kernel-ffa.conf
expect "explain: a log rule logs each call" 0 "^log: +one line on stderr per call" \
	-- "$tool" explain configs/sip-return.conf 0x83000001

# ------------------------------------------------------------- lexical story
expect "comments after values, any case, indentation, upper32_check = yes" 0 "lexical.conf: valid" \
	-- "$tool" check $fx/lexical.conf
expect "a leading zero is decimal in the policy" 0 "returns: X0=0x000000000000000a \(10\)" \
	-- "$tool" explain $fx/lexical.conf 0x82000000
expect "a leading zero is decimal on the command line" 0 "W0=0x0000000a" -- "$tool" explain configs/default.conf 010
expect "psci_functions errors list the names" 1 "unknown PSCI function 'cpu_onn' \(the VMM implements: psci_version, cpu_suspend" \
	-- "$tool" check configs/bad/bad-function.conf

# ----------------------------------------------------------- nested rules
expect "check: the SiP carve-out's inner rule decides its ID" 0 \
	"^  0x82000010 +forward -> return 0x2a +rule 'sip-fixed' \(configs/sip-carve-out.conf:[0-9]+\), inside 'sip'" \
	-- "$tool" check configs/sip-carve-out.conf
expect "check: the outer rule decides around it" 0 "^  0x82000011-0x8200ffff +forward -> log +rule 'sip' " \
	-- "$tool" check configs/sip-carve-out.conf
expect "explain: the inner rule decides" 0 "rule: +'sip-fixed' at configs/sip-carve-out.conf:[0-9]+, 0x82000010, forward -> return 0x2a .*inside 'sip'.*returns: X0=0x000000000000002a" \
	-- bash -c "'$tool' explain configs/sip-carve-out.conf 0x82000010 | tr '\n' ' '"
expect "explain: the outer rule logs the rest" 0 "rule: +'sip' at .*verdict: log" \
	-- bash -c "'$tool' explain configs/sip-carve-out.conf 0x82000011 | tr '\n' ' '"

# ----------------------------------------------------------- 100,000 rules
# 1,000 logged blocks of 128 IDs, each with 99 single-ID rules inside that
# alternate return and deny: 100,000 rules, about 5 MB (the old cap was
# 1 MiB).  The figure is printed; the bound is generous.
big=build/host-100000-rules.conf
mkdir -p build
awk 'BEGIN {
	for (b = 0; b < 1000; b++) {
		base = 2181038080 + b * 128	# 0x82000000
		printf "[rule blk%d]\nbase = 0x%08X\ncount = 128\naction = log\n", b, base
		for (i = 1; i <= 99; i++)
			printf "[rule f%d.%d]\nrange = 0x%08X\naction = %s\n", b, i, base + i, (i % 2 ? "return 7" : "deny")
	}
}' > "$big"
same "the generated policy has 100,000 rules" 100000 "$(grep -c '^\[rule ' "$big")"
t0=$(date +%s%N)
out=$("$tool" check -q "$big" 2>&1); st=$?
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
echo "# vmm-policy check -q of 100,000 rules ($(wc -c < "$big") bytes): $ms ms"
same "100,000 rules check valid" "0 valid" "$st $(sed -n '1s/.*: //p' <<<"$out")"
expect "100,000 rules: the counts" 0 "100000 rules, 101000 pieces in the effective table, 98005 KVM filter ranges" \
	-- "$tool" check -q "$big"
if [ "$ms" -lt 5000 ]; then ok "100,000 rules checked in $ms ms (bound 5000 ms)"
else not_ok "100,000 rules checked in under 5 s" "$ms ms"; fi
expect "explain in the 100,000-rule policy" 0 "rule: +'f999\.99' .*returns: X0=0x0000000000000007" \
	-- bash -c "'$tool' explain '$big' 0x8201f3e3 | tr '\n' ' '"

# ------------------------------------------------------------------- diff
expect "diff of a policy with itself: nothing" 0 "^diff: 0 function-ID ranges differ$" \
	-- "$tool" diff configs/default.conf configs/default.conf
expect "diff: the carve-out is one ID" 1 "^0x82000010 +forward -> log \(rule 'sip', .*\) -> forward -> return 0x2a \(rule 'sip-fixed'" \
	-- "$tool" diff $fx/sip-log.conf configs/sip-carve-out.conf
same "diff: nothing else" 0x82000010 "$("$tool" diff $fx/sip-log.conf configs/sip-carve-out.conf | awk '/^0x/ { print $1 }' | paste -sd ' ')"
expect "diff: PSCI 1.0 without system_reset2" 1 "^0x84000000 .*PSCI_VERSION answers 1\.1 -> 1\.0" \
	-- "$tool" diff configs/default.conf $fx/default-psci10.conf
same "diff: exactly the four PSCI IDs" "0x84000000 0x8400000a 0x84000012 0xc4000012" \
	"$("$tool" diff configs/default.conf $fx/default-psci10.conf | awk '/^0x/ { printf "%s%s", s, $1; s = " " }')"
expect "diff: deny -> kernel where KVM has no handler says so" 1 "KVM has no handler there: NOT_SUPPORTED either way" \
	-- "$tool" diff configs/default.conf $fx/kernel-ffa.conf
expect "diff: usage" 2 "usage: vmm-policy diff OLD NEW" -- "$tool" diff configs/default.conf

# ----------------------------------------------------------------- replay
trail=$fx/conformance-4cpu.jsonl
expect "replay under the recording policy: nothing changes" 0 \
	"^replay: 31 calls: 31 unchanged, 0 changed, 0 not replayed exactly; 1 other record skipped$" \
	-- "$tool" replay configs/default.conf $trail
same "replay: PSCI 1.0 changes exactly PSCI_VERSION and PSCI_FEATURES(SYSTEM_RESET2)" \
	"$trail:1: changed: 0x84000000 PSCI_VERSION, vCPU 0: psci 0x10001 -> psci 0x10000|$trail:2: changed: 0x8400000a PSCI_FEATURES, vCPU 0: psci 0x0 -> psci -1" \
	"$("$tool" replay $fx/default-psci10.conf $trail --each | grep ': changed: ' | paste -sd '|')"
expect "replay: changes exit 1, with totals" 1 "^replay: 31 calls: 29 unchanged, 2 changed, 0 not replayed exactly" \
	-- "$tool" replay $fx/default-psci10.conf $trail
expect "replay: changes by function" 1 "^  0x84000000 PSCI_VERSION: 1 call: psci 0x10001 -> psci 0x10000$" \
	-- "$tool" replay $fx/default-psci10.conf $trail
expect "replay: changes by rule" 1 "^  psci32 -> psci32 \($fx/default-psci10.conf:[0-9]+\): 2 calls$" \
	-- "$tool" replay $fx/default-psci10.conf $trail
# Every function replay finds changed lies in a range diff lists.
ok_all=yes
for fid in $("$tool" replay $fx/default-psci10.conf $trail --each | sed -n 's/.*: changed: \(0x[0-9a-f]*\) .*/\1/p' | sort -u); do
	"$tool" diff configs/default.conf $fx/default-psci10.conf | grep -q "^$fid " || ok_all="no: $fid"
done
same "replay's changed functions are in diff's ranges" yes "$ok_all"
expect "replay: a refused CPU_ON keeps its target off" 1 "^  0x84000002 PSCI_CPU_OFF: 3 calls: under the new policy this vCPU is off" \
	-- "$tool" replay $fx/no-cpu-on64.conf $trail
expect "replay: AFFINITY_INFO follows the refused CPU_ON" 1 "^  0xc4000004 PSCI_AFFINITY_INFO_64: 6 calls: psci 0x0 -> psci 0x1$" \
	-- "$tool" replay $fx/no-cpu-on64.conf $trail
expect "replay: the SiP carve-out changes the carved-out calls only" 1 \
	"^replay: 4 calls: 2 unchanged, 2 changed, 0 not replayed exactly; 1 other record skipped$" \
	-- "$tool" replay configs/sip-carve-out.conf $fx/sip-log.jsonl
expect "replay: log -> return, by rule" 1 "^  sip -> sip-fixed \(configs/sip-carve-out.conf:[0-9]+\): 2 calls$" \
	-- "$tool" replay configs/sip-carve-out.conf $fx/sip-log.jsonl
expect "replay: a service needing unrecorded arguments is not guessed" 1 \
	"0xc4000003 PSCI_CPU_ON_64: 1 call: the new policy's psci reads X1\.\.X3, the trail recorded none" \
	-- "$tool" replay configs/smc.conf $fx/forward-deny-psci.jsonl
expect "replay: KVM's answers are not simulated" 1 "0x84000000 PSCI_VERSION: 1 call: the new policy leaves it to KVM" \
	-- "$tool" replay configs/kernel-psci.conf $trail
expect "replay: a malformed record is FILE:LINE" 2 "^$fx/bad-gap.jsonl:2: x2: recorded without x1" \
	-- "$tool" replay configs/default.conf $fx/bad-gap.jsonl
expect "replay: an unreadable trail" 2 "^$fx/none.jsonl: No such file" -- "$tool" replay configs/default.conf $fx/none.jsonl
expect "replay: an invalid policy" 2 "^configs/bad/overlap.conf:10: " -- "$tool" replay configs/bad/overlap.conf $trail
expect "replay: --cpus below the trail's vCPUs" 2 "calls from vCPU 3: --cpus must be at least 4" \
	-- "$tool" replay configs/default.conf $trail --cpus 2
expect "replay: usage" 2 "usage: vmm-policy replay POLICY AUDIT" -- "$tool" replay configs/default.conf
expect "usage lists replay and diff" 2 "vmm-policy replay POLICY AUDIT.*vmm-policy diff|vmm-policy diff.*" -- "$tool"

# The reference page names everything the parser accepts.
doc=docs/policy-format.md
keys=$(sed -n 's/^	{ SEC_[A-Z]*, *"\([a-z0-9_]*\)".*/\1/p' policy/keys.c)
same "policy/keys.c defines the 10 keys the checks below look for" 10 "$(wc -w <<<"$keys")"
for key in $keys \
	   $(sed -n 's/^	\.name = "\([a-z-]*\)",/\1/p' policy/*.c) \
	   $(sed -n 's/^	\[0x[0-9A-F]*\] = { "\([a-z0-9_]*\)".*/\1/p' policy/psci.c); do
	if grep -q "\`$key" "$doc"; then ok "$doc documents '$key'"
	else not_ok "$doc documents '$key'" "not found"; fi
done
# ... every shipped example, KVM's handlers, upper32_check's words.
for c in configs/*.conf; do
	if grep -q "^| \`$(basename "$c")\` |" "$doc"; then ok "$doc lists the example $(basename "$c")"
	else not_ok "$doc lists the example $(basename "$c")" "no row in the examples table"; fi
done
for fid in $(sed -n 's/^#define SMCCC_\(KVM\|VENDOR_HYP\|PV_TIME\)[A-Z_]*_FID[[:space:]]*\(0x[0-9A-F]*\)U.*/\2/p' policy/smccc.h); do
	if grep -q "\`$fid\`" "$doc"; then ok "$doc's KVM table names $fid"
	else not_ok "$doc's KVM table names $fid" "not found"; fi
done
expect "$doc says log logs every call, rate-limited, without -v" 0 "one line per call on stderr, rate-limited \(see .--audit-limit.\), with or without .-v." -- cat "$doc"
expect "$doc gives upper32_check's values" 0 "upper32_check\` \| \`on\`, \`yes\`, \`true\`, \`1\`" -- cat "$doc"
echo "1..$n"
echo "vmm-policy: $((n - failed)) passed, $failed failed"
[ "$failed" = 0 ]
