/* The arm64 Linux Image header (Documentation/arch/arm64/booting.rst). */
#ifndef VMM_ARM64_IMAGE_H
#define VMM_ARM64_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#define ARM64_IMAGE_MAGIC	0x644d5241U	/* "ARM\x64" */
#define ARM64_IMAGE_HEADER_SIZE	64
#define ARM64_IMAGE_FLAG_BE	(1ULL << 0)
/* text_offset of pre-3.17 kernels whose image_size is 0. */
#define ARM64_IMAGE_LEGACY_TEXT_OFFSET 0x80000ULL

struct arm64_image {
	uint64_t text_offset;	/* load at a 2 MiB aligned base + this */
	uint64_t image_size;	/* bytes the image occupies once loaded, incl. bss */
	uint64_t flags;
	uint64_t file_size;
};

/*
 * Parse and validate the header (the first len bytes of a file_size-byte
 * file). 0, -ENOEXEC when it is not an arm64 Image, -EINVAL when it is one
 * we cannot load (big-endian, inconsistent sizes). *why gets a short reason.
 */
int arm64_image_parse(const void *buf, size_t len, uint64_t file_size, struct arm64_image *img,
		      const char **why);

/*
 * Where the image goes in RAM [ram_base, ram_base + ram_size) with reserve
 * bytes kept free at the top: 0 with *load set, or -E2BIG.
 */
int arm64_image_place(const struct arm64_image *img, uint64_t ram_base, uint64_t ram_size,
		      uint64_t reserve, uint64_t *load);

#endif
