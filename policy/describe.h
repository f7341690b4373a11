/* Human-readable SMCCC function IDs, for vmm-policy and the audit log. */
#ifndef POLICY_DESCRIBE_H
#define POLICY_DESCRIBE_H

#include <stddef.h>
#include <stdint.h>

/* The owning entity's name (Arm DEN 0028, 2.5, table 6-2). */
const char *smccc_owner_name(uint32_t fid);
/* A well-known function's name ("PSCI_CPU_ON_64"), or NULL. */
const char *smccc_fid_name(uint32_t fid);
/* "fast, SMC64, Standard Secure Service, function 0x0003 (PSCI_CPU_ON_64)" */
void smccc_describe(uint32_t fid, char *buf, size_t len);

#endif
