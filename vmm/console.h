/*
 * The guest console's byte streams, between the VMM's stdin/stdout and the
 * guest's console device (the 16550 or virtio-console).
 *
 * Output: console__write() appends to a bounded buffer from any thread and
 * never blocks; the main thread's event loop drains it into stdout without
 * blocking.  When stdout's reader stalls and the buffer is full, output is
 * dropped and counted (console__dropped(), in the exit summary).
 *
 * Input: the event loop reads stdin, passes it through the terminal's escape
 * filter (Ctrl-A x quits, term.h) and offers it to the input device; what
 * the device has no room for waits, and stdin is not read, until the device
 * calls console__input_ready().
 *
 * Call order: console__init() at setup (after term__init()),
 * console__set_input() by the console device, console__flush() at exit.
 */
#ifndef VMM_CONSOLE_H
#define VMM_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

struct evloop;
struct kvm;

/* The input device: take up to len bytes, return how many it took. */
typedef size_t (*console_input_fn)(void *opaque, const uint8_t *buf, size_t len);

#define CONSOLE_OUT_BUFFER	(64 * 1024)

void console__init(struct kvm *kvm, struct evloop *loop, int in_fd, int out_fd);
void console__set_input(console_input_fn fn, void *opaque);
/* Any thread; never blocks.  Returns the bytes kept (the rest is dropped). */
size_t console__write(const void *buf, size_t len);
/* Any thread: the input device has room again. */
void console__input_ready(void);
uint64_t console__dropped(void);
/* At exit: write what is buffered, giving up after timeout_ms. */
void console__flush(int timeout_ms);

#endif
