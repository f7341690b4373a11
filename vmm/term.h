/* The user's terminal: raw mode, restored on every exit; input to the UART. */
#ifndef VMM_TERM_H
#define VMM_TERM_H

struct kvm;
struct uart;

/* Raw mode when stdin is a terminal; start the input thread. */
int term__init(struct kvm *kvm, struct uart *uart);
/* Restore the terminal (idempotent; safe from any exit path). */
void term__restore(void);

#endif
