/*
 * A 16550A UART (ns16550a) on the MMIO bus: output to the console's buffer
 * (never blocking the vCPU), input from the console when it is the input
 * device.  Its window and interrupt come from the board.
 */
#ifndef VMM_DEVICES_UART_H
#define VMM_DEVICES_UART_H

#include <stdbool.h>

struct kvm;

/* Setup: create the UART; it takes the console's input when input is set.
 * Its node becomes the device tree's stdout-path (early console). */
void uart__create(struct kvm *kvm, bool input);

#endif
