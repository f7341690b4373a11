/*
 * Entry points of the test guests: the arm64 Image header, the primary
 * boot path (self-relocation, .bss, stack, vectors) and the CPU_ON entry
 * for secondaries.  Everything here is PC-relative.
 */
#define GUEST_MAX_CPUS		128
#define GUEST_SEC_STACK_SHIFT	12	/* 4 KiB per secondary */
#define PRIMARY_STACK_SIZE	16384
#define CONTEXT_ID_BASE		0xC0DE0000
#define R_AARCH64_RELATIVE	1027

/*
 * The arm64 Image header (booting.rst).  text_offset and image_size are
 * emitted by guest.ld between .head.code and .head.rest: a PIE link would
 * otherwise turn image_size into a run-time relocation.
 */
	.section .head.code, "ax"
	.globl	_text
_text:
	b	primary_entry		/* code0: branch over the header */
	.long	0			/* code1 */

	.section .head.rest, "ax"
	.quad	0xa			/* flags: LE, 4K pages, anywhere in RAM */
	.quad	0			/* res2 */
	.quad	0			/* res3 */
	.quad	0			/* res4 */
	.long	0x644d5241		/* magic "ARM\x64" */
	.long	0			/* res5 */

	.text
primary_entry:
	mov	x19, x0			/* DTB physical address */
	msr	daifset, #0xf
	msr	spsel, #1

	/* Apply R_AARCH64_RELATIVE relocations (linked at 0). */
	adr	x0, _text
	adrp	x1, __rela_start
	add	x1, x1, :lo12:__rela_start
	adrp	x2, __rela_end
	add	x2, x2, :lo12:__rela_end
1:	cmp	x1, x2
	b.hs	2f
	ldp	x3, x4, [x1]		/* r_offset, r_info */
	ldr	x5, [x1, #16]		/* r_addend */
	add	x1, x1, #24
	cmp	w4, #R_AARCH64_RELATIVE
	b.ne	1b
	add	x5, x5, x0
	str	x5, [x0, x3]
	b	1b

	/* Zero .bss (16-byte aligned both ends). */
2:	adrp	x1, __bss_start
	add	x1, x1, :lo12:__bss_start
	adrp	x2, __bss_end
	add	x2, x2, :lo12:__bss_end
3:	cmp	x1, x2
	b.hs	4f
	stp	xzr, xzr, [x1], #16
	b	3b

4:	adrp	x1, primary_stack_top
	add	x1, x1, :lo12:primary_stack_top
	mov	sp, x1
	bl	install_vectors
	mov	x0, x19
	bl	guest_main
5:	wfi
	b	5b

/* CPU_ON entry: x0 = context id = CONTEXT_ID_BASE + cpu index. */
	.globl	secondary_entry
secondary_entry:
	msr	daifset, #0xf
	msr	spsel, #1
	mov	x19, x0
	mov	x1, #CONTEXT_ID_BASE
	sub	x2, x0, x1
	cmp	x2, #GUEST_MAX_CPUS
	b.hs	9f			/* unknown context id: no stack to use */
	adrp	x3, sec_stacks
	add	x3, x3, :lo12:sec_stacks
	add	x2, x2, #1
	lsl	x2, x2, #GUEST_SEC_STACK_SHIFT
	add	x3, x3, x2
	mov	sp, x3
	bl	install_vectors
	mov	x0, x19
	bl	guest_secondary
9:	wfe
	b	9b

install_vectors:
	adr	x0, vectors
	mrs	x1, CurrentEL
	cmp	x1, #(2 << 2)
	b.eq	1f
	msr	vbar_el1, x0
	isb
	ret
1:	msr	vbar_el2, x0
	isb
	ret

	.macro	vent n
	.balign	0x80
	mov	x0, #\n
	mov	x1, sp
	b	exc_common
	.endm

	.balign	0x800
vectors:
	vent	0
	vent	1
	vent	2
	vent	3
	vent	4
	vent	5
	vent	6
	vent	7
	vent	8
	vent	9
	vent	10
	vent	11
	vent	12
	vent	13
	vent	14
	vent	15
exc_common:
	bl	guest_exception
6:	wfi
	b	6b

	.bss
	.balign	16
primary_stack:
	.skip	PRIMARY_STACK_SIZE
primary_stack_top:
	.balign	16
sec_stacks:
	.skip	GUEST_MAX_CPUS << GUEST_SEC_STACK_SHIFT
