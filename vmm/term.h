/*
 * The user's terminal: raw mode while the VMM runs (restored on every exit
 * the process can catch), and the escape keys: Ctrl-A x quits, Ctrl-A Ctrl-A
 * sends one Ctrl-A (QEMU's and kvmtool's keys).
 */
#ifndef VMM_TERM_H
#define VMM_TERM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Raw mode when stdin is a terminal.  0 or a negative errno. */
int term__init(void);
/* Restore the terminal (idempotent; safe from any exit path). */
void term__restore(void);
/* Remove the escape keys from buf[0..n) in place (only in raw mode);
 * returns the bytes left; sets *quit on Ctrl-A x (the rest is dropped). */
size_t term__filter(uint8_t *buf, size_t n, bool *quit);

#endif
