/*
 * 32-bit entry points and the switch to 64-bit long mode.
 *
 * Three ways in, one way on:
 *  - _start:    multiboot2 (GRUB). EAX = 0x36d76289, EBX = info structure.
 *  - pvh_start: PVH (QEMU -kernel with an ELF64 kernel, found through the
 *               XEN_ELFNOTE_PHYS32_ENTRY note). EBX = hvm_start_info.
 *  - start64:   boot/efi/BOOTX64.EFI, found through the MenuOS note below,
 *               after ExitBootServices: 64-bit mode on the firmware's
 *               identity page tables, interrupts off, EDI = 0x36d76289,
 *               ESI = multiboot2 information below 4 GiB.
 * The first two arrive in 32-bit protected mode with paging off.  We
 * identity-map the first 4 GiB with 2 MiB pages (RAM plus the LAPIC/IOAPIC
 * and PCI holes), enable PAE + long mode (Intel SDM vol. 3A 9.8.5) and jump
 * to kmain(); start64 builds the same tables and switches to them.
 */
#define MB2_MAGIC       0xe85250d6
#define MB2_ARCH_I386   0
#define PVH_BOOT_MAGIC  0x336ec578

#define CR0_PE          (1 << 0)
#define CR0_PG          (1 << 31)
#define CR4_PAE         (1 << 5)
#define MSR_EFER        0xc0000080
#define EFER_LME        (1 << 8)
#define EFER_NXE        (1 << 11)
#define PTE_P           0x1
#define PTE_W           0x2
#define PTE_PS          0x80

#define BOOT_STACK_SIZE 16384

/* ELF note "MenuOS", type 1: the 64-bit entry (read by boot/efi/elf.c) */
#define MENUOS_NOTE_ENTRY64 1

    .section .multiboot, "a"
    .align 8
mb2_header:
    .long MB2_MAGIC
    .long MB2_ARCH_I386
    .long mb2_header_end - mb2_header
    .long -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
    /* console flags tag (type 4): we support EGA text */
    .align 8
    .short 4, 0
    .long 12
    .long 2
    /*
     * framebuffer tag (type 5, optional): we draw on a framebuffer too.
     * GRUB sets one up only with this tag; boot/grub.cfg keeps text mode
     * under BIOS (gfxpayload=text after the multiboot2 command).
     */
    .align 8
    .short 5, 1
    .long 20
    .long 0, 0, 32                  /* width, height: no preference; 32 bpp */
    /* end tag */
    .align 8
    .short 0, 0
    .long 8
mb2_header_end:

    /* ELF note telling QEMU where the 32-bit PVH entry is. */
    .section .note.Xen, "a", @note
    .align 4
    .long 4                         /* name size: "Xen\0" */
    .long 4                         /* descriptor size */
    .long 18                        /* XEN_ELFNOTE_PHYS32_ENTRY */
    .asciz "Xen"
    .align 4
    .long pvh_start

    /* ELF note telling boot/efi/BOOTX64.EFI where the 64-bit entry is. */
    .section .note.menuos, "a", @note
    .align 4
    .long 7                         /* name size: "MenuOS\0" */
    .long 8                         /* descriptor size */
    .long MENUOS_NOTE_ENTRY64
    .asciz "MenuOS"
    .align 4
    .quad start64

    .section .boot.text, "ax"
    .code32
    .globl _start
_start:
    cli
    cld
    movl $boot_stack_top, %esp
    movl %eax, boot_magic
    movl %ebx, boot_info
    jmp common32

    .globl pvh_start
pvh_start:
    cli
    cld
    movl $boot_stack_top, %esp
    movl $PVH_BOOT_MAGIC, boot_magic
    movl %ebx, boot_info
    jmp common32

common32:
    /* PML4[0] -> PDPT; PDPT[0..3] -> four page directories of 2 MiB pages */
    movl $pdpt, %eax
    orl $(PTE_P | PTE_W), %eax
    movl %eax, pml4

    movl $0, %ecx
1:  movl %ecx, %eax
    shll $12, %eax
    addl $page_dirs, %eax
    orl $(PTE_P | PTE_W), %eax
    movl %eax, pdpt(, %ecx, 8)
    incl %ecx
    cmpl $4, %ecx
    jne 1b

    /* 2048 PD entries, entry i maps physical i * 2 MiB */
    movl $0, %ecx
2:  movl %ecx, %eax
    shll $21, %eax
    orl $(PTE_P | PTE_W | PTE_PS), %eax
    movl %eax, page_dirs(, %ecx, 8)
    movl %ecx, %eax
    shrl $11, %eax                  /* high dword: bits 32+ of the address */
    movl %eax, page_dirs + 4(, %ecx, 8)
    incl %ecx
    cmpl $2048, %ecx
    jne 2b

    movl %cr4, %eax
    orl $CR4_PAE, %eax
    movl %eax, %cr4

    movl $pml4, %eax
    movl %eax, %cr3

    movl $MSR_EFER, %ecx
    rdmsr
    orl $EFER_LME, %eax
    wrmsr

    movl %cr0, %eax
    orl $(CR0_PG | CR0_PE), %eax
    movl %eax, %cr0

    lgdt gdt64_ptr
    ljmp $0x08, $long_mode

    .code64
start64:
    cli
    cld
    movl %edi, boot_magic
    movl %esi, boot_info
    movq $boot_stack_top, %rsp

    /* the tables of common32, written in 64-bit code; the firmware's go away */
    movq $pdpt, %rax
    orq $(PTE_P | PTE_W), %rax
    movq %rax, pml4
    xorl %ecx, %ecx
4:  movq %rcx, %rax
    shlq $12, %rax
    addq $page_dirs, %rax
    orq $(PTE_P | PTE_W), %rax
    movq %rax, pdpt(, %rcx, 8)
    incl %ecx
    cmpl $4, %ecx
    jne 4b
    xorl %ecx, %ecx
5:  movq %rcx, %rax
    shlq $21, %rax
    orq $(PTE_P | PTE_W | PTE_PS), %rax
    movq %rax, page_dirs(, %rcx, 8)
    incl %ecx
    cmpl $2048, %ecx
    jne 5b
    movq $pml4, %rax
    movq %rax, %cr3

    /* our GDT (the 64-bit form of LGDT takes an 8-byte base), then reload CS */
    lgdt gdt64_ptr64
    pushq $0x08
    pushq $long_mode
    lretq

    .cfi_sections .debug_frame
long_mode:
    .cfi_startproc
    .cfi_undefined rip              /* tells gdb the call chain starts here */
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    xorw %ax, %ax
    movw %ax, %fs
    movw %ax, %gs
    movq $boot_stack_top, %rsp
    xorq %rbp, %rbp                 /* ends the backtrace chain */
    movl boot_magic, %edi
    movl boot_info, %esi
    call kmain
3:  cli
    hlt
    jmp 3b
    .cfi_endproc

    /* Temporary GDT: null, 64-bit code, data. kernel/gdt.c installs the real one. */
    .align 16
gdt64:
    .quad 0
    .quad 0x00209a0000000000        /* code: P, DPL0, S, exec/read, L */
    .quad 0x0000920000000000        /* data: P, DPL0, S, read/write */
gdt64_end:
gdt64_ptr:
    .short gdt64_end - gdt64 - 1
    .long gdt64
gdt64_ptr64:
    .short gdt64_end - gdt64 - 1
    .quad gdt64

    .section .bss
    .align 4096
    .globl pml4, pdpt, page_dirs
pml4:       .skip 4096
pdpt:       .skip 4096
page_dirs:  .skip 4096 * 4
    .globl boot_stack_guard, boot_stack_bottom, boot_stack_top
boot_stack_guard:               /* unmapped by kernel/paging.c: an overflow faults */
    .skip 4096
boot_stack_bottom:
    .skip BOOT_STACK_SIZE
boot_stack_top:
    .globl boot_magic, boot_info
boot_magic: .long 0
boot_info:  .long 0
