/*
 * Input files (kernel, initrd, config): opened without blocking and refused
 * unless they are regular files, before anything reads them — a FIFO would
 * hang the VMM, a device would feed it whatever it produces.
 */
#ifndef VMM_FILE_H
#define VMM_FILE_H

#include <stdint.h>

/* Setup: an open fd (O_RDONLY, close-on-exec) and the file's size in *size
 * (may be NULL); dies with "vmm: WHAT PATH: why" otherwise. */
int file__open_regular(const char *path, const char *what, uint64_t *size);

#endif
