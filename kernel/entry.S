/*
 * Interrupt and exception entry.  Every vector has a stub that pushes a
 * dummy error code when the CPU does not (Intel SDM vol. 3A 6.13), then its
 * vector number, and jumps to a common path that saves all general
 * registers into a struct trap_frame (kernel/trap.h) and calls trap_dispatch.
 * We run in ring 0 only, so the CPU does not switch stacks: an interrupt is
 * taken on the current task's stack (double fault uses IST1).
 */
    .text
    .code64

.macro STUB vec
    .align 16
isr\vec:
    .if (\vec == 8) || (\vec >= 10 && \vec <= 14) || (\vec == 17) || (\vec == 21) || (\vec == 29) || (\vec == 30)
    .else
    pushq $0
    .endif
    pushq $\vec
    jmp trap_common
.endm

    .globl isr_stub_table
isr_stubs_start:
.altmacro
.set i, 0
.rept 256
    STUB %i
    .set i, i + 1
.endr

    .section .rodata
    .align 8
isr_stub_table:
.macro STUBADDR vec
    .quad isr\vec
.endm
.set i, 0
.rept 256
    STUBADDR %i
    .set i, i + 1
.endr

    .text
    .globl trap_common
trap_common:
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, %rdi
    cld
    call trap_dispatch
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
    addq $16, %rsp          /* vector and error code */
    iretq

/*
 * switch_to(uint64_t *save_rsp, uint64_t new_rsp): saves the callee-saved
 * registers and flags on the current stack, stores the stack pointer, and
 * resumes the other task where it called switch_to (or at task_trampoline).
 */
    .globl switch_to
switch_to:
    pushfq
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    popfq
    ret

/* First code a new task runs: r12 = fn, r13 = arg (set up by kthread_create). */
    .globl task_trampoline
    .cfi_sections .debug_frame
task_trampoline:
    .cfi_startproc
    .cfi_undefined rip              /* a task's call chain starts here */
    movq %r13, %rdi
    call *%r12
    call task_exit
    .cfi_endproc
