#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Usage: make-crash-kernel.py OUT

Writes a minimal bzImage (boot protocol 2.15, 64-bit entry) whose code loads an
empty IDT and executes ud2: the #UD cannot be delivered, nor the #DF after it,
so the CPU triple-faults. Tests use it to check terrarium-vmm's crash path."""
import struct
import sys

SETUP_SECTS = 1
setup = bytearray(512 * (SETUP_SECTS + 1))

# The 64-bit entry is 0x200 bytes into the protected-mode part.
code = bytes([
    0x6A, 0x00,              # push 0
    0x6A, 0x00,              # push 0      (16 zero bytes: limit 0, base 0)
    0x0F, 0x01, 0x1C, 0x24,  # lidt [rsp]
    0x0F, 0x0B,              # ud2
])
payload = bytearray(0x1000)
payload[0x200:0x200 + len(code)] = code


def put(fmt, off, value):
    struct.pack_into("<" + fmt, setup, off, value)


put("B", 0x1F1, SETUP_SECTS)
put("I", 0x1F4, len(payload) // 16)        # syssize
put("H", 0x1FE, 0xAA55)                     # boot_flag
setup[0x202:0x206] = b"HdrS"
put("H", 0x206, 0x020F)                     # protocol 2.15
put("B", 0x211, 0x01)                       # loadflags: LOADED_HIGH
put("I", 0x214, 0x100000)                   # code32_start
put("I", 0x22C, 0x7FFFFFFF)                 # initrd_addr_max
put("I", 0x230, 0x200000)                   # kernel_alignment
put("B", 0x234, 1)                          # relocatable
put("H", 0x236, 0x0001)                     # xloadflags: XLF_KERNEL_64
put("I", 0x238, 2048)                       # cmdline_size
put("Q", 0x258, 0x1000000)                  # pref_address
put("I", 0x260, 0x100000)                   # init_size

with open(sys.argv[1], "wb") as f:
    f.write(setup + payload)
