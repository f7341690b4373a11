#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "image.h"
#include "layout.h"

/* The header is little-endian whatever the host. */
static uint64_t le64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)le64((const unsigned char[8]){ p[0], p[1], p[2], p[3] });
}

/*
 * Where the header's code sends the CPU: code0 (offset 0) is a branch over
 * the header in most images; with an EFI stub, code0 is the "MZ" magic as
 * an instruction and code1 (offset 4) the branch (booting.rst).  An
 * unconditional B is 0b000101 then imm26 words, signed (as binutils encodes
 * it: "b .+0x40" is 0x14000010, "b .-4" 0x17ffffff).
 * Returns false when neither word is such a branch.
 */
static bool entry_branch(const unsigned char *h, uint64_t *target)
{
	for (unsigned int at = 0; at <= 4; at += 4) {
		uint32_t insn = le32(h + at);
		int64_t words;

		if ((insn >> 26) != 0x05)
			continue;
		words = (int64_t)(insn & 0x03ffffff);
		if (words & 0x02000000)
			words -= 0x04000000;
		*target = (uint64_t)((int64_t)at + words * 4);
		return true;
	}
	return false;
}

int arm64_image_parse(const void *buf, size_t len, uint64_t file_size, struct arm64_image *img,
		      const char **why)
{
	const unsigned char *h = buf;
	uint64_t entry;

	if (len < ARM64_IMAGE_HEADER_SIZE || file_size < ARM64_IMAGE_HEADER_SIZE) {
		*why = "not an arm64 Image (shorter than the 64-byte header)";
		return -ENOEXEC;
	}
	if (le32(h + 56) != ARM64_IMAGE_MAGIC) {
		*why = "not an arm64 Image (no \"ARM\\x64\" magic at offset 56)";
		return -ENOEXEC;
	}
	img->text_offset = le64(h + 8);
	img->image_size = le64(h + 16);
	img->flags = le64(h + 24);
	img->file_size = file_size;

	if (img->flags & ARM64_IMAGE_FLAG_BE) {
		*why = "big-endian Image not supported";
		return -EINVAL;
	}
	if (img->image_size == 0) {
		/* booting.rst: image_size 0 means a pre-3.17 kernel. */
		img->text_offset = ARM64_IMAGE_LEGACY_TEXT_OFFSET;
		img->image_size = file_size;
	}
	if (img->text_offset >= ARM64_KERNEL_ALIGN || img->text_offset % 4096) {
		*why = "text_offset is not a page-aligned offset below 2 MiB";
		return -EINVAL;
	}
	if (img->image_size < file_size) {
		*why = "image_size in the header is smaller than the file";
		return -EINVAL;
	}
	/* A file cut short would boot into zeroes and hang: the code the
	 * header branches to must be in the file. */
	if (entry_branch(h, &entry)) {
		if (entry >= file_size) {
			*why = "the header's entry branch jumps past the end of the file (truncated?)";
			return -EINVAL;
		}
	} else if (file_size <= ARM64_IMAGE_HEADER_SIZE) {
		*why = "the file holds nothing but the 64-byte header (truncated?)";
		return -EINVAL;
	}
	return 0;
}

int arm64_image_place(const struct arm64_image *img, uint64_t ram_base, uint64_t ram_size,
		      uint64_t reserve, uint64_t *load)
{
	uint64_t need = img->text_offset + img->image_size;

	if (need < img->image_size || reserve > ram_size || need > ram_size - reserve)
		return -E2BIG;
	*load = ram_base + img->text_offset;
	return 0;
}
