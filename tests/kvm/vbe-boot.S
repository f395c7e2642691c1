/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A boot sector that sets VESA mode 0x101 (640x480, 256 colours, banked)
 * through the VGA BIOS, as bootloaders do, and fills the screen bank by
 * bank: 64 KiB stripes in palette colours 1..5 (the VGA BIOS's default
 * palette: blue, green, cyan, red, magenta), then says so on COM1.
 * Built by tests/kvm/test-vmm-vga.sh with as and ld. */
        .code16
        .globl _start
_start:
        cli
        xor %ax, %ax
        mov %ax, %ds
        mov %ax, %ss
        mov $0x7c00, %sp
        sti
        mov $0x4f02, %ax
        mov $0x0101, %bx
        int $0x10
        cmp $0x004f, %ax
        jne fail
        mov $0xa000, %ax
        mov %ax, %es
        xor %dx, %dx
1:      mov $0x4f05, %ax        /* window A to bank %dx */
        xor %bx, %bx
        push %dx
        int $0x10
        pop %dx
        xor %di, %di
        mov %dl, %al
        inc %al
        mov %al, %ah
        mov $0x8000, %cx
        cld
        rep stosw
        inc %dx
        cmp $5, %dx
        jb 1b
        mov $ok, %si
        jmp say
fail:   mov $bad, %si
say:    mov $0x3f8, %dx
2:      lodsb
        test %al, %al
        jz 3f
        out %al, %dx
        jmp 2b
3:      hlt
        jmp 3b
ok:     .asciz "vbe-boot: mode 0x101 drawn\n"
bad:    .asciz "vbe-boot: mode set failed\n"
        .org 510
        .word 0xaa55
