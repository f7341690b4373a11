/* Command-line parsing: defaults, sizes, and every error's message. */
#include <check.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "check-main.h"
#include "cli.h"

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

	ck_assert_int_eq(parse(&o, err, "-k", "K", "--initrd", "I", "--cmdline", "+quiet",
			       "--cpus", "4", "--mem", "1G", "--config", "c.conf",
			       "--seccomp", "log", "--audit", "-", "-v", NULL), 0);
	ck_assert_str_eq(o.initrd, "I");
	ck_assert_str_eq(o.cmdline, "+quiet");
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
	uint64_t v;

	ck_assert_int_eq(cli_parse_size("512M", &v), 0);
	ck_assert_uint_eq(v, 512ULL << 20);
	ck_assert_int_eq(cli_parse_size("2G", &v), 0);
	ck_assert_uint_eq(v, 2ULL << 30);
	ck_assert_int_eq(cli_parse_size("4096K", &v), 0);
	ck_assert_uint_eq(v, 4ULL << 20);
	ck_assert_int_eq(cli_parse_size("1048576", &v), 0);
	ck_assert_uint_eq(v, 1ULL << 20);
	ck_assert_int_eq(cli_parse_size("256MiB", &v), 0);
	ck_assert_uint_eq(v, 256ULL << 20);
	ck_assert_int_eq(cli_parse_size("", &v), -EINVAL);
	ck_assert_int_eq(cli_parse_size("-1M", &v), -EINVAL);
	ck_assert_int_eq(cli_parse_size("12Q", &v), -EINVAL);
	ck_assert_int_eq(cli_parse_size("M", &v), -EINVAL);
	ck_assert_int_eq(cli_parse_size("99999999999999999999G", &v), -EINVAL);
	ck_assert_int_eq(cli_parse_size("17179869184G", &v), -EINVAL);
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
	tcase_add_test(tc, errors);
	tcase_add_test(tc, help_needs_no_kernel);
	tcase_add_test(tc, probe_needs_no_kernel);
	suite_add_tcase(s, tc);
	return check_run(s);
}
