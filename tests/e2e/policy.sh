#!/bin/sh
# The SMCCC policy end to end: the PSCI conformance guest under every shipped
# config, over HVC and SMC, with 1 and 4 vCPUs.  The guest takes its
# expectations from the command line (guest/README.md).
. /opt/vmm/tests/lib.sh
IMG=$GUEST/psci-conformance.img

# What each config promises, in the guest's bootargs.
common_user="psci=user upper=0x84000000:-1 upper=0xc4000000:-1 ret=0x86000000:-1 upper=0x86000000:-1"
expect_default="$common_user psci_version=0x10001 features=0x84000012:0 features=0xc4000003:0 ret=0x82000000:-1"
expect_strict="$common_user psci_version=0x10000 migrate=-1 features=0x84000006:-1 features=0x84000012:-1 features=0xc4000003:0"
expect_sip="$common_user psci_version=0x10001 ret=0x82000000:0x1234 ret=0x8200abcd:0x1234 upper=0x82000000:-1 ret=0x83000010:-1 upper=0x83000010:-1 ret=0xc2000001:-1 upper=0xc2000001:-1"
# KVM's own PSCI: the VMM never sees the calls, and KVM aliases an X0 with
# upper bits set onto PSCI_VERSION -- the bug the userspace path prevents.
expect_kernel="psci=kernel psci_version=0x10001 upper=0x84000000:0x10001 ret=0x82000000:-1"

# conf_for CONFIG CONDUIT: the shipped config, or a copy with the other conduit.
conf_for() {
	if grep -q "^conduit = $2" "$CONFIGS/$1.conf"; then
		echo "$CONFIGS/$1.conf"
	else
		sed "s/^conduit = .*/conduit = $2/" "$CONFIGS/$1.conf" > "$OUT/$1-$2.conf"
		echo "$OUT/$1-$2.conf"
	fi
}

for conf in default smc strict sip-return kernel-psci; do
	case $conf in
	default|smc) expect=$expect_default ;;
	strict) expect=$expect_strict ;;
	sip-return) expect=$expect_sip ;;
	kernel-psci) expect=$expect_kernel ;;
	esac
	for conduit in hvc smc; do
		# smc.conf is default.conf over SMC: its HVC twin is default.conf.
		[ $conf = smc ] && [ $conduit = hvc ] && continue
		[ $conf = default ] && [ $conduit = smc ] && continue
		c=$(conf_for $conf $conduit)
		for cpus in 1 4; do
			guest_scenario "conformance: $conf.conf, $conduit, $cpus vCPU" 0 120 \
				--kernel "$IMG" --cpus $cpus --config "$c" \
				--cmdline "conduit=$conduit cpus=$cpus $expect"
		done
	done
done

# The audit trail of one run, for run-all to parse and match against the
# calls the guest made (tests/e2e/check-audit).
guest_scenario "conformance with --audit: default.conf, hvc, 4 vCPU" 0 120 \
	--kernel "$IMG" --cpus 4 --config "$CONFIGS/default.conf" --audit "$OUT/audit.json" \
	--cmdline "conduit=hvc cpus=4 $expect_default"
echo "# audit-begin"
sed 's/^/# audit: /' "$OUT/audit.json"
echo "# audit-end"

# vmm-policy-style errors reach the VMM user as one line with file:line.
for bad in "$CONFIGS"/bad/*.conf; do
	want=$(sed -n 's/^# expect: \([0-9]*\):.*/\1/p' "$bad" | head -n 1)
	error_scenario "bad config $(basename "$bad") is refused at line $want" "$(basename "$bad"):$want:" \
		--kernel "$IMG" --config "$bad"
done
finish
