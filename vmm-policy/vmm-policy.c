/*
 * vmm-policy: check, explain, compare and replay SMCCC policies without
 * booting anything.  The same parser and engine as the VMM (policy/), on
 * any host.
 */
#include <stdio.h>
#include <string.h>

#include "vmm-policy.h"

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;
} commands[] = {
	{ "check", cmd_check, "check [-q] FILE...   validate; print the rules, the effective table,\n"
	  "                                   the KVM filter (-q: not the tables) and warnings" },
	{ "explain", cmd_explain, "explain FILE FID [--x0 X0] [--x1 X1] [--x2 X2] [--x3 X3] [--conduit hvc|smc] [--cpus N]\n"
	  "                                   which rule decides the call, what the guest gets back, why" },
	{ "diff", cmd_diff, "diff OLD NEW         the function-ID ranges (and settings) handled differently" },
	{ "replay", cmd_replay, "replay POLICY AUDIT [--cpus N] [--mem SIZE] [--each]\n"
	  "                                   re-decide every call of an --audit trail under POLICY;\n"
	  "                                   report the answers that would change" },
};

static int usage(FILE *f)
{
	fprintf(f, "usage: vmm-policy COMMAND ...\n\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  vmm-policy %s\n", commands[i].usage);
	fprintf(f, "\nNumbers are decimal (leading zeros too: 010 is ten) or 0x hex.\n"
		   "Exit status: check, explain: 0 valid (warnings allowed), 1 invalid policy;\n"
		   "diff, replay: 0 no difference, 1 differences; 2 usage or unreadable input.\n");
	return f == stdout ? 0 : 2;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage(stderr);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))
		return usage(stdout);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 2, argv + 2);
	fprintf(stderr, "vmm-policy: unknown command '%s'\n", argv[1]);
	return usage(stderr);
}
