/* Accounting of forwarded SMCCC calls: log, audit trail, summary. */
#ifndef VMM_AUDIT_H
#define VMM_AUDIT_H

#include <stdint.h>

struct audit;
struct policy;
struct policy_call;
struct policy_result;

struct audit *audit__create(const struct policy *p, const char *path);
/* One forwarded call, with the ONE_REG ioctls it cost the vCPU (-v shows them). */
void audit__call(struct audit *a, const struct policy_call *c, const struct policy_result *r,
		 uint64_t nr_get, uint64_t nr_set);
void audit__summary(struct audit *a);

#endif
