/* arm64 Image header parsing and placement. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check-main.h"
#include "arm64/image.h"
#include "arm64/layout.h"

static void put64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = v >> (8 * i);
}

/* A header as Linux writes it (Documentation/arch/arm64/booting.rst). */
static void make_header(unsigned char *h, uint64_t text_offset, uint64_t image_size,
			uint64_t flags)
{
	memset(h, 0, ARM64_IMAGE_HEADER_SIZE);
	put64(h + 8, text_offset);
	put64(h + 16, image_size);
	put64(h + 24, flags);
	memcpy(h + 56, "ARM\x64", 4);
}

START_TEST(valid_image)
{
	unsigned char h[64];
	struct arm64_image img;
	const char *why = NULL;

	make_header(h, 0, 0x1000000, 0xa);
	ck_assert_int_eq(arm64_image_parse(h, sizeof(h), 0x800000, &img, &why), 0);
	ck_assert_uint_eq(img.text_offset, 0);
	ck_assert_uint_eq(img.image_size, 0x1000000);
	ck_assert_uint_eq(img.file_size, 0x800000);
}
END_TEST

START_TEST(wrong_magic)
{
	unsigned char h[64];
	struct arm64_image img;
	const char *why = NULL;

	make_header(h, 0, 0x1000, 0xa);
	h[56] = 'X';
	ck_assert_int_eq(arm64_image_parse(h, sizeof(h), 0x1000, &img, &why), -ENOEXEC);
	ck_assert_ptr_nonnull(strstr(why, "magic"));
}
END_TEST

START_TEST(text_file_is_not_an_image)
{
	const char *passwd = "root:x:0:0:root:/root:/bin/bash\n"
			     "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n";
	struct arm64_image img;
	const char *why = NULL;

	ck_assert_int_eq(arm64_image_parse(passwd, 64, strlen(passwd), &img, &why), -ENOEXEC);
}
END_TEST

START_TEST(truncated)
{
	unsigned char h[64];
	struct arm64_image img;
	const char *why = NULL;

	make_header(h, 0, 0x1000, 0xa);
	ck_assert_int_eq(arm64_image_parse(h, 63, 63, &img, &why), -ENOEXEC);
	ck_assert_ptr_nonnull(strstr(why, "short"));
	/* A whole header but a file shorter than a header cannot be. */
	ck_assert_int_eq(arm64_image_parse(h, 64, 10, &img, &why), -ENOEXEC);
}
END_TEST

START_TEST(file_larger_than_image_size)
{
	unsigned char h[64];
	struct arm64_image img;
	const char *why = NULL;

	make_header(h, 0, 0x1000, 0xa);
	ck_assert_int_eq(arm64_image_parse(h, 64, 0x2000, &img, &why), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "image_size"));
}
END_TEST

START_TEST(big_endian_refused)
{
	unsigned char h[64];
	struct arm64_image img;
	const char *why = NULL;

	make_header(h, 0, 0x1000, 0xb);
	ck_assert_int_eq(arm64_image_parse(h, 64, 0x1000, &img, &why), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "big-endian"));
}
END_TEST

START_TEST(bad_text_offset)
{
	unsigned char h[64];
	struct arm64_image img;
	const char *why = NULL;

	make_header(h, 0x200000, 0x1000, 0xa);
	ck_assert_int_eq(arm64_image_parse(h, 64, 0x1000, &img, &why), -EINVAL);
	make_header(h, 0x123, 0x1000, 0xa);
	ck_assert_int_eq(arm64_image_parse(h, 64, 0x1000, &img, &why), -EINVAL);
}
END_TEST

START_TEST(legacy_zero_image_size)
{
	unsigned char h[64];
	struct arm64_image img;
	const char *why = NULL;

	make_header(h, 0, 0, 0);
	ck_assert_int_eq(arm64_image_parse(h, 64, 0x5000, &img, &why), 0);
	ck_assert_uint_eq(img.text_offset, ARM64_IMAGE_LEGACY_TEXT_OFFSET);
	ck_assert_uint_eq(img.image_size, 0x5000);
}
END_TEST

/* The header's branch (code0, or code1 after an EFI stub's "MZ") must land
 * inside the file: a header alone, or a file cut short, is refused. */
static void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = v >> (8 * i);
}

START_TEST(truncated_past_entry_branch)
{
	unsigned char h[64];
	struct arm64_image img;
	const char *why = NULL;

	make_header(h, 0, 0x100000, 0xa);
	put32(h, 0x14000000 | (0x1000 / 4));		/* b +0x1000 */
	ck_assert_int_eq(arm64_image_parse(h, sizeof(h), 0x1000, &img, &why), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "entry branch"));
	ck_assert_int_eq(arm64_image_parse(h, sizeof(h), 0x1004, &img, &why), 0);

	/* EFI stub: "MZ" in code0, the branch in code1. */
	make_header(h, 0, 0x100000, 0xa);
	put32(h, 0x91005a4d);
	put32(h + 4, 0x14000000 | (0x2000 / 4));	/* b +0x2000 from offset 4 */
	ck_assert_int_eq(arm64_image_parse(h, sizeof(h), 0x2004, &img, &why), -EINVAL);
	ck_assert_int_eq(arm64_image_parse(h, sizeof(h), 0x2008, &img, &why), 0);
}
END_TEST

START_TEST(header_only)
{
	unsigned char h[64];
	struct arm64_image img;
	const char *why = NULL;

	make_header(h, 0, 0x200000, 0xa);
	ck_assert_int_eq(arm64_image_parse(h, sizeof(h), sizeof(h), &img, &why), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "nothing but the 64-byte header"));
	put32(h, 0x14000000 | (64 / 4));		/* b +64: just past it */
	ck_assert_int_eq(arm64_image_parse(h, sizeof(h), sizeof(h), &img, &why), -EINVAL);
}
END_TEST

START_TEST(placement)
{
	struct arm64_image img = { .text_offset = 0x80000, .image_size = 0x100000, .file_size = 0x1000 };
	uint64_t load = 0;

	ck_assert_int_eq(arm64_image_place(&img, ARM64_RAM_BASE, 16 << 20, 2 << 20, &load), 0);
	ck_assert_uint_eq(load, ARM64_RAM_BASE + 0x80000);
	/* Larger than --mem once the device tree is reserved. */
	img.image_size = 15 << 20;
	ck_assert_int_eq(arm64_image_place(&img, ARM64_RAM_BASE, 16 << 20, 2 << 20, &load), -E2BIG);
	/* Overflowing sizes do not wrap. */
	img.image_size = UINT64_MAX - 10;
	ck_assert_int_eq(arm64_image_place(&img, ARM64_RAM_BASE, 16 << 20, 0, &load), -E2BIG);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("image");
	TCase *tc = tcase_create("header");

	tcase_add_test(tc, valid_image);
	tcase_add_test(tc, wrong_magic);
	tcase_add_test(tc, text_file_is_not_an_image);
	tcase_add_test(tc, truncated);
	tcase_add_test(tc, file_larger_than_image_size);
	tcase_add_test(tc, big_endian_refused);
	tcase_add_test(tc, bad_text_offset);
	tcase_add_test(tc, legacy_zero_image_size);
	tcase_add_test(tc, truncated_past_entry_branch);
	tcase_add_test(tc, header_only);
	tcase_add_test(tc, placement);
	suite_add_tcase(s, tc);
	return check_run(s);
}
