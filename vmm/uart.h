/* A 16550A UART on MMIO: output to a file descriptor, input from term.c. */
#ifndef VMM_UART_H
#define VMM_UART_H

#include <stdbool.h>
#include <stdint.h>

struct kvm;
struct uart;

typedef int (*uart_irq_fn)(struct kvm *kvm, unsigned int line, int level);

struct uart *uart__create(struct kvm *kvm, uint64_t base, uint64_t size, unsigned int irq_line,
			  uart_irq_fn irq, int out_fd);
/* Queue bytes from the user for the guest; blocks while the FIFO is full.
 * Returns false when the VM is stopping. */
bool uart__receive(struct uart *u, const uint8_t *buf, unsigned int len);
/* Wake a receiver blocked in uart__receive (VM stopping). */
void uart__shutdown(struct uart *u);

#endif
