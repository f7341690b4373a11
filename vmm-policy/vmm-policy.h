/*
 * vmm-policy's commands and what they share.  Every command loads policies
 * with the VMM's own library (policy/) and reports on stdout; errors are one
 * "FILE:LINE: message" (or "vmm-policy CMD: message") line on stderr.
 * Exit statuses: 0 yes/valid/no change, 1 no/invalid/changes, 2 usage or
 * unreadable input.
 */
#ifndef VMM_POLICY_TOOL_H
#define VMM_POLICY_TOOL_H

#include <stddef.h>
#include <stdint.h>

struct policy;
struct policy_rule;

int cmd_check(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_replay(int argc, char **argv);

/* common.c */

/* The VMM's defaults, so answers match a default boot (--mem, MPIDRs). */
#define TOOL_RAM_BASE		0x40000000ULL
#define TOOL_RAM_SIZE		(256ULL << 20)
#define TOOL_MAX_CPUS		64

/* Load, or print the error and return NULL. */
struct policy *tool_load(const char *path);
/* "forward -> psci", "deny (in KVM)", "forward -> return 0x1234", ... */
void tool_rule_action(const struct policy_rule *r, char *buf, size_t len);
/* What decides IDs no rule names: "deny (in KVM)", "kernel (in KVM)". */
void tool_default_action(const struct policy *p, char *buf, size_t len);
/* "0x84000000-0x8400001f" or "0x84000000" for one ID. */
void tool_range(uint32_t first, uint32_t last, char *buf, size_t len);
/* vCPU i's MPIDR as the VMM lays them out (Aff0 = i % 16, Aff1 = i / 16). */
uint64_t tool_mpidr(unsigned i);
/* "0.2", "1.0", "1.1" */
const char *tool_psci_version_name(uint32_t v);
/* "--opt VALUE" as a number (number.h): 0, or a message on stderr and -1. */
int tool_number(const char *cmd, const char *opt, const char *val, uint64_t min, uint64_t max,
		uint64_t *out);
/* "SIZE" as the VMM's --mem takes it (number_parse_size(), MiB when bare). */
int tool_size(const char *cmd, const char *opt, const char *val, uint64_t *out);

#endif
