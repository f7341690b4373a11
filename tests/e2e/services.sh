#!/bin/sh
# SMCCC services and the vCPU lifecycle: racing CPU_ONs (KVM's semantics),
# the SMCCC TRNG, the registers a forwarded call costs, what the VMM says
# about a policy at start-up, and the PSCI version KVM reports.
. "$(dirname "$0")/lib.sh"

# Every CPU but one calls CPU_ON on the same target at once, many times:
# exactly one SUCCESS, the rest ALREADY_ON.  KVM's own PSCI first, as the
# reference, then the VMM's over HVC and SMC.
RACE_ROUNDS=${RACE_ROUNDS:-100}
for cpus in 4 8; do
	guest_scenario "CPU_ON race, KVM's PSCI (kernel-psci.conf), $cpus vCPUs, $RACE_ROUNDS rounds" 0 300 \
		--kernel "$GUEST/cpu-on-race.img" --cpus $cpus --config "$CONFIGS/kernel-psci.conf" \
		--cmdline "rounds=$RACE_ROUNDS"
	for conf in default smc; do
		guest_scenario "CPU_ON race, the VMM's PSCI ($conf.conf), $cpus vCPUs, $RACE_ROUNDS rounds" 0 300 \
			--kernel "$GUEST/cpu-on-race.img" --cpus $cpus --config "$CONFIGS/$conf.conf" \
			--cmdline "rounds=$RACE_ROUNDS"
	done
done

# The TRNG from a test guest, over HVC and SMC.
UUID=d86a4bca-abea-4c43-911d-4fa3bf0e5371
guest_scenario "SMCCC TRNG from a test guest (default.conf, hvc)" 0 120 \
	--kernel "$GUEST/trng-test.img" --config "$CONFIGS/default.conf" --cmdline "uuid=$UUID"
guest_scenario "SMCCC TRNG from a test guest (smc.conf, smc)" 0 120 \
	--kernel "$GUEST/trng-test.img" --config "$CONFIGS/smc.conf" --cmdline "uuid=$UUID"

# ONE_REG ioctls per forwarded call, as -v reports them: X0 is always read,
# then only what the deciding service declares; only what it sets is
# written back.
ioctls() {	# DESC FILE PATTERN GET SET
	line=$(grep -m1 -- "$3" "$2")
	got=$(echo "$line" | sed -n 's/.*(ONE_REG ioctls: \([0-9]*\) get, \([0-9]*\) set).*/\1+\2/p')
	echo "# ioctls: $1: ${got:-none} ($line)"
	if [ "$got" = "$4+$5" ]; then ok "ONE_REG ioctls per call: $1: $4 get + $5 set"
	else not_ok "ONE_REG ioctls per call: $1: $4 get + $5 set" "got '${got:-no such line}'"; fi
}
run_vmm ioctls 120 --kernel "$GUEST/psci-conformance.img" --cpus 2 --config "$CONFIGS/default.conf" -v \
	--cmdline "upper=0x84000000:-1"
run_vmm ioctls-trng 120 --kernel "$GUEST/trng-test.img" --config "$CONFIGS/default.conf" -v
ioctls "upper-32 refusal" "$OUT/ioctls.out" 'x0=0x184000000 -> upper32' 1 1
ioctls "PSCI_VERSION" "$OUT/ioctls.out" 'x0=0x84000000 -> psci' 1 1
ioctls "CPU_ON" "$OUT/ioctls.out" 'x0=0xc4000003 x1=0x1 x2=.* -> psci rule psci64 x0=0x0 ' 4 1
ioctls "CPU_OFF (does not return)" "$OUT/ioctls.out" 'x0=0x84000002 -> psci' 1 0
ioctls "TRNG_RND64" "$OUT/ioctls-trng.out" 'x0=0xc4000053 x1=0xc0 -> trng' 2 4

# What a policy means, said at start-up: a policy without PSCI boots with
# its warnings on stderr (the guest can never power off, so stop it).
printf '[policy]\nconduit = hvc\n' > "$OUT/empty-policy.conf"
"$VMM" --kernel "$GUEST/boot-test.img" --config "$OUT/empty-policy.conf" \
	</dev/null >"$OUT/empty-policy.out" 2>&1 &
pid=$!
wait_for "$OUT/empty-policy.out" 'warning: no rule covers PSCI' 20
sleep 1
kill -TERM $pid; wait $pid; st=$?
show "$OUT/empty-policy.out"
if grep -q "^vmm: $OUT/empty-policy.conf:1: warning: no rule covers PSCI" "$OUT/empty-policy.out" &&
   [ "$st" = 143 ]; then
	ok "a policy without PSCI is announced at start-up (FILE:LINE: warning)"
else not_ok "a policy without PSCI is announced at start-up" "status $st, no warning line"; fi

# PSCI left to KVM reports the policy's psci_version (KVM_REG_ARM_PSCI_VERSION),
# and the device tree says the same.
sed 's/^on_reset = exit/psci_version = 1.0\non_reset = exit/' "$CONFIGS/kernel-psci.conf" > "$OUT/kernel-psci-10.conf"
guest_scenario "PSCI left to KVM reports the policy's psci_version 1.0" 0 120 \
	--kernel "$GUEST/psci-conformance.img" --cpus 2 --config "$OUT/kernel-psci-10.conf" \
	--cmdline "psci=kernel psci_version=0x10000 cpus=2"
finish
