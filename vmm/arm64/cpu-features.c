/* The guest CPU's optional features (cpu-features.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "../kvm-cpu.h"
#include "../kvm.h"
#include "../util.h"
#include "cpu-features.h"
#include "kvm-arch.h"

#define SVE_VQ_BITS	128	/* one vector quadword */

static const struct {
	const char *name;
	size_t offset;		/* of its bool in struct cpu_features */
} names[] = {
	{ "pauth", offsetof(struct cpu_features, pauth) },
	{ "sve", offsetof(struct cpu_features, sve) },
	{ "pmu", offsetof(struct cpu_features, pmu) },
};

static bool *flag(struct cpu_features *f, size_t i)
{
	return (bool *)((char *)f + names[i].offset);
}

static bool has_cap(struct kvm *kvm, long cap)
{
	return ioctl(kvm->vm_fd, KVM_CHECK_EXTENSION, cap) > 0;
}

/*
 * What KVM offers.  Pointer authentication counts only with both keys: with
 * both capabilities present, KVM_ARM_VCPU_INIT takes both features or
 * neither (api.rst 4.82, KVM_ARM_VCPU_INIT).
 */
struct cpu_features cpu_features__offered(struct kvm *kvm)
{
	return (struct cpu_features){
		.pauth = has_cap(kvm, KVM_CAP_ARM_PTRAUTH_ADDRESS) &&
			 has_cap(kvm, KVM_CAP_ARM_PTRAUTH_GENERIC),
		.sve = has_cap(kvm, KVM_CAP_ARM_SVE),
		.pmu = has_cap(kvm, KVM_CAP_ARM_PMU_V3),
	};
}

/* One token of --cpu-features into *want; why on error. */
static int apply(struct cpu_features *want, const struct cpu_features *have, const char *tok,
		 bool *listed, char *why, size_t whylen)
{
	bool minus = tok[0] == '-';

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (strcmp(tok + minus, names[i].name))
			continue;
		if (minus) {
			*flag(want, i) = false;
			return 0;
		}
		if (!*flag((struct cpu_features *)have, i)) {
			snprintf(why, whylen, "--cpu-features: %s: this host's KVM does not offer it",
				 names[i].name);
			return -EINVAL;
		}
		if (!*listed) {		/* a positive list: exactly these */
			*want = (struct cpu_features){ 0 };
			*listed = true;
		}
		*flag(want, i) = true;
		return 0;
	}
	snprintf(why, whylen, "--cpu-features: unknown feature '%s' (arm64 has pauth, sve, pmu; "
		 "-NAME turns one off, none turns all off)", tok);
	return -EINVAL;
}

static int parse(struct cpu_features *want, const struct cpu_features *have, const char *spec,
		 char *why, size_t whylen)
{
	char buf[128], *save = NULL;
	bool listed = false;

	*want = *have;
	if (!spec || !*spec)
		return 0;
	if (!strcmp(spec, "none")) {
		*want = (struct cpu_features){ 0 };
		return 0;
	}
	if (strlen(spec) >= sizeof(buf)) {
		snprintf(why, whylen, "--cpu-features: too long");
		return -EINVAL;
	}
	strcpy(buf, spec);
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int r = apply(want, have, tok, &listed, why, whylen);

		if (r)
			return r;
	}
	return 0;
}

int cpu_features__choose(struct kvm *kvm, const char *spec, unsigned int sve_vl, char *why,
			 size_t whylen)
{
	struct cpu_features have = cpu_features__offered(kvm), *want = &kvm->arch->features;
	int r = parse(want, &have, spec, why, whylen);

	if (r)
		return r;
	if (sve_vl) {
		if (!want->sve) {
			snprintf(why, whylen, "--sve-vl %u: SVE is off", sve_vl);
			return -EINVAL;
		}
		if (sve_vl % SVE_VQ_BITS || sve_vl / SVE_VQ_BITS < KVM_ARM64_SVE_VQ_MIN ||
		    sve_vl / SVE_VQ_BITS > KVM_ARM64_SVE_VQ_MAX) {
			snprintf(why, whylen, "--sve-vl %u: a multiple of %u bits from %u to %u",
				 sve_vl, SVE_VQ_BITS, KVM_ARM64_SVE_VQ_MIN * SVE_VQ_BITS,
				 KVM_ARM64_SVE_VQ_MAX * SVE_VQ_BITS);
			return -EINVAL;
		}
		want->sve_max_vq = sve_vl / SVE_VQ_BITS;
	}
	return 0;
}

void cpu_features__vcpu_init(const struct kvm *kvm, struct kvm_vcpu_init *init)
{
	const struct cpu_features *f = &kvm->arch->features;

	if (f->pauth)
		init->features[0] |= (1U << KVM_ARM_VCPU_PTRAUTH_ADDRESS) |
				     (1U << KVM_ARM_VCPU_PTRAUTH_GENERIC);
	if (f->sve)
		init->features[0] |= 1U << KVM_ARM_VCPU_SVE;
	if (f->pmu)
		init->features[0] |= 1U << KVM_ARM_VCPU_PMU_V3;
}

/*
 * The vector lengths KVM_REG_ARM64_SVE_VLS offers, cut at the largest one
 * asked for; then KVM_ARM_VCPU_FINALIZE, without which an SVE vCPU cannot
 * run, and which may be done only once (api.rst 4.82 and
 * KVM_ARM_VCPU_FINALIZE; a re-init on CPU_ON keeps it).
 */
static int sve_finalize(struct kvm_cpu *cpu, unsigned int max_vq)
{
	uint64_t vls[KVM_ARM64_SVE_VLS_WORDS];
	struct kvm_one_reg reg = { .id = KVM_REG_ARM64_SVE_VLS, .addr = (uintptr_t)vls };
	int what = KVM_ARM_VCPU_SVE;

	if (max_vq) {
		unsigned int bit = max_vq - KVM_ARM64_SVE_VQ_MIN;

		if (ioctl(cpu->fd, KVM_GET_ONE_REG, &reg) < 0)
			return -errno;
		if (!(vls[bit / 64] >> (bit % 64) & 1))
			return -EOPNOTSUPP;
		for (unsigned int b = bit + 1; b < KVM_ARM64_SVE_VLS_WORDS * 64; b++)
			vls[b / 64] &= ~(1ULL << (b % 64));
		if (ioctl(cpu->fd, KVM_SET_ONE_REG, &reg) < 0)
			return -errno;
	}
	return ioctl(cpu->fd, KVM_ARM_VCPU_FINALIZE, &what) < 0 ? -errno : 0;
}

int cpu_features__finalize(struct kvm_cpu *cpu)
{
	const struct cpu_features *f = &cpu->kvm->arch->features;

	return f->sve ? sve_finalize(cpu, f->sve_max_vq) : 0;
}

static int pmu_attr(struct kvm_cpu *cpu, uint64_t attr, void *addr)
{
	struct kvm_device_attr a = {
		.group = KVM_ARM_VCPU_PMU_V3_CTRL, .attr = attr, .addr = (uintptr_t)addr,
	};

	return ioctl(cpu->fd, KVM_SET_DEVICE_ATTR, &a) < 0 ? -errno : 0;
}

/* Its interrupt first, then INIT, which needs the vGIC initialised
 * (Documentation/virt/kvm/devices/vcpu.rst, KVM_ARM_VCPU_PMU_V3_CTRL). */
int cpu_features__pmu_init(struct kvm *kvm)
{
	int intid = 16 + ARM64_PMU_PPI;

	if (!kvm->arch->features.pmu)
		return 0;
	for (unsigned int i = 0; i < kvm->nr_cpus; i++) {
		int r = pmu_attr(kvm->cpus[i], KVM_ARM_VCPU_PMU_V3_IRQ, &intid);

		if (!r)
			r = pmu_attr(kvm->cpus[i], KVM_ARM_VCPU_PMU_V3_INIT, NULL);
		if (r)
			return r;
	}
	return 0;
}

const char *cpu_features__describe(const struct kvm *kvm)
{
	static char buf[64];
	const struct cpu_features *f = &kvm->arch->features;
	int n = 0;

	buf[0] = '\0';
	if (f->pauth)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, " pauth");
	if (f->sve && f->sve_max_vq)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, " sve(vl %u)",
			      f->sve_max_vq * SVE_VQ_BITS);
	else if (f->sve)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, " sve");
	if (f->pmu)
		snprintf(buf + n, sizeof(buf) - (size_t)n, " pmu");
	return buf[0] ? buf + 1 : "none";
}
