/* Accounting of forwarded SMCCC calls: log, audit trail, summary. */
#ifndef VMM_AUDIT_H
#define VMM_AUDIT_H

struct audit;
struct policy;
struct policy_call;
struct policy_result;

struct audit *audit__create(const struct policy *p, const char *path);
void audit__call(struct audit *a, const struct policy_call *c, const struct policy_result *r);
void audit__summary(struct audit *a);

#endif
