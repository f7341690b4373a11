#ifndef VMM_POLICY_TOOL_H
#define VMM_POLICY_TOOL_H

#include <stdint.h>

struct policy;
struct policy_rule;

int cmd_check(int argc, char **argv);
int cmd_explain(int argc, char **argv);

/* Shared by the commands. */
struct policy *tool_load(const char *path);
/* "forward -> psci", "kernel", "deny", "forward -> return 0x1234"... */
void tool_rule_action(const struct policy_rule *r, char *buf, size_t len);

#endif
