/* Command-line parsing: defaults, sizes, and every error's message. */
#include <check.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-main.h"
#include "cli.h"
#include "number.h"

static int parse(struct vmm_options *o, char *err, const char *a0, ...)
{
	char *argv[32] = { "vmm" };
	int argc = 1;
	va_list ap;
	const char *a;

	va_start(ap, a0);
	for (a = a0; a && argc < 31; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;
	return cli_parse(argc, argv, o, err, 256);
}

START_TEST(defaults)
{
	struct vmm_options o;
	char err[256] = "";

	ck_assert_int_eq(parse(&o, err, "--kernel", "Image", NULL), 0);
	ck_assert_str_eq(o.kernel, "Image");
	ck_assert_uint_eq(o.cpus, 1);
	ck_assert_uint_eq(o.mem, 256ULL << 20);
	ck_assert_ptr_null(o.config);
	ck_assert_ptr_null(o.cmdline);
	ck_assert_int_eq(o.seccomp, SECCOMP_MODE_KILL);
	ck_assert_str_eq(o.kvm_device, "/dev/kvm");
	ck_assert(!o.probe);
}
END_TEST

START_TEST(all_options)
{
	struct vmm_options o;
	char err[256] = "";

	ck_assert_int_eq(parse(&o, err, "-k", "K", "--initrd", "I", "--cmdline", "quiet",
			       "--cpus", "4", "--mem", "1G", "--config", "c.conf",
			       "--seccomp", "log", "--audit", "-", "-v", NULL), 0);
	ck_assert_str_eq(o.initrd, "I");
	ck_assert_str_eq(o.cmdline, "quiet");
	ck_assert(!o.nodefaults);
	ck_assert_int_eq(o.kernel_format, KERNEL_FORMAT_IMAGE);
	ck_assert_uint_eq(o.cpus, 4);
	ck_assert_uint_eq(o.mem, 1ULL << 30);
	ck_assert_str_eq(o.config, "c.conf");
	ck_assert_str_eq(o.audit, "-");
	ck_assert_int_eq(o.seccomp, SECCOMP_MODE_LOG);
	ck_assert(o.verbose);
}
END_TEST

START_TEST(sizes)
{
	const char *why;
	uint64_t v;

	ck_assert_int_eq(number_parse_size("512M", 0, &v, &why), 0);
	ck_assert_uint_eq(v, 512ULL << 20);
	ck_assert_int_eq(number_parse_size("2G", 0, &v, &why), 0);
	ck_assert_uint_eq(v, 2ULL << 30);
	ck_assert_int_eq(number_parse_size("4096K", 0, &v, &why), 0);
	ck_assert_uint_eq(v, 4ULL << 20);
	ck_assert_int_eq(number_parse_size("1048576", 0, &v, &why), 0);
	ck_assert_uint_eq(v, 1ULL << 20);
	ck_assert_int_eq(number_parse_size("256MiB", 0, &v, &why), 0);
	ck_assert_uint_eq(v, 256ULL << 20);
	ck_assert_int_eq(number_parse_size("", 0, &v, &why), -EINVAL);
	ck_assert_int_eq(number_parse_size("-1M", 0, &v, &why), -EINVAL);
	ck_assert_int_eq(number_parse_size("12Q", 0, &v, &why), -EINVAL);
	ck_assert_int_eq(number_parse_size("M", 0, &v, &why), -EINVAL);
	ck_assert_int_eq(number_parse_size("99999999999999999999G", 0, &v, &why), -ERANGE);
	ck_assert_int_eq(number_parse_size("17179869184G", 0, &v, &why), -ERANGE);
	/* No octal: leading zeros are decimal, 0x is hex, as in the policy. */
	ck_assert_int_eq(number_parse_size("020M", 0, &v, &why), 0);
	ck_assert_uint_eq(v, 20ULL << 20);
	ck_assert_int_eq(number_parse_size("0x100M", 0, &v, &why), 0);
	ck_assert_uint_eq(v, 256ULL << 20);
	ck_assert_int_eq(number_parse_size("1T", 0, &v, &why), 0);
	ck_assert_uint_eq(v, 1ULL << 40);
	ck_assert_int_eq(number_parse_size("2GB", 0, &v, &why), 0);
	ck_assert_uint_eq(v, 2ULL << 30);
	/* A bare number is in the caller's unit (--mem: MiB, as kvmtool's -m). */
	ck_assert_int_eq(number_parse_size("512", 20, &v, &why), 0);
	ck_assert_uint_eq(v, 512ULL << 20);
	ck_assert_int_eq(number_parse_size("0x20", 20, &v, &why), 0);
	ck_assert_uint_eq(v, 32ULL << 20);
	ck_assert_int_eq(number_parse_size("4096K", 20, &v, &why), 0);
	ck_assert_uint_eq(v, 4ULL << 20);
	/* 0x1B is hex 27, not one byte: B alone is no unit. */
	ck_assert_int_eq(number_parse_size("0x1B", 0, &v, &why), 0);
	ck_assert_uint_eq(v, 27);
	ck_assert_int_eq(number_parse_size("12B", 0, &v, &why), -EINVAL);
	ck_assert_int_eq(number_parse_size("0x", 0, &v, &why), -EINVAL);
	ck_assert_int_eq(number_parse_size("1 M", 0, &v, &why), -EINVAL);
	ck_assert_int_eq(number_parse_size("16777216T", 0, &v, &why), -ERANGE);
	ck_assert_int_eq(number_parse_size("17592186044416", 20, &v, &why), -ERANGE);
}
END_TEST

/* kvmtool's habits: -m in MiB, -p adds to the defaults (repeatable). */
START_TEST(kvmtool_habits)
{
	struct vmm_options o;
	char err[256] = "";

	ck_assert_int_eq(parse(&o, err, "-k", "K", "-m", "512", "-c", "0x4", "-p", "quiet",
			       "-p", "root=/dev/vda", NULL), 0);
	ck_assert_uint_eq(o.mem, 512ULL << 20);
	ck_assert_uint_eq(o.cpus, 4);
	ck_assert_str_eq(o.cmdline, "quiet root=/dev/vda");
	ck_assert(!o.nodefaults);
	ck_assert_int_eq(parse(&o, err, "-k", "K", "--mem", "020", "--nodefaults",
			       "--cmdline", "X", "--kernel-format", "raw", NULL), 0);
	ck_assert_uint_eq(o.mem, 20ULL << 20);
	ck_assert_str_eq(o.cmdline, "X");
	ck_assert(o.nodefaults);
	ck_assert_int_eq(o.kernel_format, KERNEL_FORMAT_RAW);
	/* A second parse starts from nothing: no -p left over. */
	ck_assert_int_eq(parse(&o, err, "-k", "K", NULL), 0);
	ck_assert_ptr_null(o.cmdline);
}
END_TEST

static void expect_error(const char *want, const char *a0, ...)
{
	char *argv[32] = { "vmm" };
	struct vmm_options o;
	char err[256] = "";
	int argc = 1;
	va_list ap;

	va_start(ap, a0);
	for (const char *a = a0; a && argc < 31; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	ck_assert_int_eq(cli_parse(argc, argv, &o, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, want), "error '%s' lacks '%s'", err, want);
	ck_assert_ptr_null(strchr(err, '\n'));
}

START_TEST(errors)
{
	expect_error("--kernel IMAGE is required", NULL);
	expect_error("--cpus '0'", "-k", "K", "--cpus", "0", NULL);
	expect_error("--cpus '65'", "-k", "K", "--cpus", "65", NULL);
	expect_error("--cpus 'two'", "-k", "K", "--cpus", "two", NULL);
	expect_error("--mem 'lots'", "-k", "K", "--mem", "lots", NULL);
	expect_error("multiple of 2M", "-k", "K", "--mem", "3M", NULL);
	expect_error("from 16M to 64G", "-k", "K", "--mem", "8M", NULL);
	expect_error("from 16M to 64G", "-k", "K", "--mem", "128G", NULL);
	expect_error("--seccomp 'maybe'", "-k", "K", "--seccomp", "maybe", NULL);
	expect_error("missing argument", "-k", "K", "--mem", NULL);
	expect_error("unknown option '--frobnicate'", "-k", "K", "--frobnicate", NULL);
	expect_error("unknown option '-z'", "-k", "K", "-z", NULL);
	expect_error("unexpected argument 'extra'", "-k", "K", "extra", NULL);
	expect_error("--kvm-device: expected the KVM device's path", "-k", "K", "--kvm-device", "", NULL);
	expect_error("unknown option '-f': the policy file is --config FILE", "-k", "K", "-f", "x", NULL);
	expect_error("--kernel-format 'elf'", "-k", "K", "--kernel-format", "elf", NULL);
	expect_error("--mem '020Q'", "-k", "K", "--mem", "020Q", NULL);
	expect_error("multiple of 2M", "-k", "K", "-m", "0x11", NULL);
	expect_error("--cpus '010x'", "-k", "K", "--cpus", "010x", NULL);
}
END_TEST

START_TEST(help_needs_no_kernel)
{
	struct vmm_options o;
	char err[256] = "";

	ck_assert_int_eq(parse(&o, err, "--help", NULL), 0);
	ck_assert(o.help);
	ck_assert_ptr_nonnull(strstr(cli_usage_text(), "Exit status"));
}
END_TEST

/*
 * The README's "vmm --help" block is the help, byte for byte: the fenced
 * block between the begin and end markers.  The unit tests run from the
 * top of the tree.
 */
START_TEST(help_is_the_readme)
{
	static char readme[1 << 20];
	const char *want = cli_usage_text(), *begin, *end;
	FILE *f = fopen("README.md", "r");
	size_t n;

	ck_assert_msg(f != NULL, "README.md: not found from the current directory");
	n = fread(readme, 1, sizeof(readme) - 1, f);
	fclose(f);
	readme[n] = '\0';
	begin = strstr(readme, "<!-- vmm --help: begin -->\n```text\n");
	end = strstr(readme, "```\n<!-- vmm --help: end -->");
	ck_assert_msg(begin && end && end > begin, "README.md: no vmm --help block");
	begin += strlen("<!-- vmm --help: begin -->\n```text\n");
	for (size_t line = 1; *want || begin < end; line++) {
		size_t a = strcspn(want, "\n"), b = strcspn(begin, "\n");

		ck_assert_msg(a == b && !strncmp(want, begin, a) && begin < end,
			      "--help line %zu is '%.*s', README.md has '%.*s'", line, (int)a,
			      want, begin < end ? (int)b : 0, begin);
		want += a + (want[a] == '\n');
		begin += b + 1;
	}
}
END_TEST

/* --probe looks at KVM only: no guest, so no --kernel; --kvm-device with it. */
START_TEST(probe_needs_no_kernel)
{
	struct vmm_options o;
	char err[256] = "";

	ck_assert_int_eq(parse(&o, err, "--probe", "--kvm-device", "/nonexistent/kvm", NULL), 0);
	ck_assert(o.probe);
	ck_assert_ptr_null(o.kernel);
	ck_assert_str_eq(o.kvm_device, "/nonexistent/kvm");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, defaults);
	tcase_add_test(tc, all_options);
	tcase_add_test(tc, sizes);
	tcase_add_test(tc, kvmtool_habits);
	tcase_add_test(tc, errors);
	tcase_add_test(tc, help_needs_no_kernel);
	tcase_add_test(tc, help_is_the_readme);
	tcase_add_test(tc, probe_needs_no_kernel);
	suite_add_tcase(s, tc);
	return check_run(s);
}
