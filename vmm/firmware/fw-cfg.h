/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bus.h"
#include "memory/guest-memory.h"

/*
 * QEMU's firmware configuration device, the way SeaBIOS and OVMF find it on
 * x86: a 16-bit selector port, a byte-wide data port, and the DMA address
 * register (big-endian, 8 bytes; writing its low half starts a transfer).
 * Items are numbered keys; named files get keys from FW_CFG_FILE_FIRST and are
 * listed in the directory item. Numbers in legacy items are little-endian;
 * the directory and the DMA descriptor are big-endian.
 */

#define FW_CFG_PORT_SEL        0x510
#define FW_CFG_PORT_DATA       0x511
#define FW_CFG_PORT_DMA        0x514  /* 8 bytes: high half, then low half */

#define FW_CFG_SIGNATURE       0x00
#define FW_CFG_ID              0x01
#define FW_CFG_UUID            0x02
#define FW_CFG_RAM_SIZE        0x03
#define FW_CFG_NOGRAPHIC       0x04
#define FW_CFG_NB_CPUS         0x05
#define FW_CFG_MACHINE_ID      0x06
#define FW_CFG_NUMA            0x0d
#define FW_CFG_BOOT_MENU       0x0e
#define FW_CFG_MAX_CPUS        0x0f
#define FW_CFG_FILE_DIR        0x19
#define FW_CFG_FILE_FIRST      0x20
#define FW_CFG_WRITE_CHANNEL   0x4000  /* ignored in keys, as QEMU does */
#define FW_CFG_ARCH_LOCAL      0x8000
#define FW_CFG_IRQ0_OVERRIDE   0x8002
#define FW_CFG_E820_TABLE      0x8003

#define FW_CFG_ID_TRADITIONAL  (1u << 0)
#define FW_CFG_ID_DMA          (1u << 1)

#define FW_CFG_DMA_ERROR       (1u << 0)
#define FW_CFG_DMA_READ        (1u << 1)
#define FW_CFG_DMA_SKIP        (1u << 2)
#define FW_CFG_DMA_SELECT      (1u << 3)
#define FW_CFG_DMA_WRITE       (1u << 4)
#define FW_CFG_DMA_SIGNATURE   0x51454d5520434647ull  /* "QEMU CFG" */

#define FW_CFG_MAX_FILES       64
#define FW_CFG_NAME_LEN        56
#define FW_CFG_DIR_ENTRY_SIZE  64
#define FW_CFG_ARCH_ITEMS      8
#define FW_CFG_MAX_ITEM        (64u << 20)  /* a sanity bound, far above any real item */

struct fw_cfg_item {
  uint8_t *data;       /* NULL: the key does not exist */
  uint32_t size;
  bool writable;       /* DMA WRITE may change it (in place, never its size) */
  bool requested;      /* the firmware selected it at least once */
  char name[FW_CFG_NAME_LEN];  /* files only */
};

struct fw_cfg {
  struct guest_memory *mem;
  struct bus *pio;
  pthread_mutex_t lock;
  struct fw_cfg_item legacy[FW_CFG_FILE_FIRST];
  struct fw_cfg_item files[FW_CFG_MAX_FILES];
  struct fw_cfg_item arch[FW_CFG_ARCH_ITEMS];
  unsigned n_files;
  uint16_t selector;
  uint32_t offset;
  uint8_t dma_addr[8];  /* the address register as the guest wrote it */
};

/* DMA reads and writes go to @mem; with @pio, the ports are registered there.
 * Starts with the signature, ID and an empty directory. */
int fw_cfg_init (struct fw_cfg *c, struct guest_memory *mem, struct bus *pio)
  __attribute__ ((warn_unused_result));
void fw_cfg_destroy (struct fw_cfg *c);

/* Copies @data into item @key (a legacy or arch key; replaces an old value). */
int fw_cfg_add_bytes (struct fw_cfg *c, uint16_t key, const void *data, size_t len)
  __attribute__ ((warn_unused_result));
int fw_cfg_add_u16 (struct fw_cfg *c, uint16_t key, uint16_t v) __attribute__ ((warn_unused_result));
int fw_cfg_add_u32 (struct fw_cfg *c, uint16_t key, uint32_t v) __attribute__ ((warn_unused_result));
int fw_cfg_add_u64 (struct fw_cfg *c, uint16_t key, uint64_t v) __attribute__ ((warn_unused_result));

/* Copies @data into a named file (replacing one of that name); -ENOSPC when
 * the directory is full, -EINVAL for an empty or over-long name. */
int fw_cfg_add_file (struct fw_cfg *c, const char *name, const void *data, size_t len,
                     bool writable) __attribute__ ((warn_unused_result));

/* The file @name as it is now (after guest writes), or NULL. */
const uint8_t *fw_cfg_get_file (struct fw_cfg *c, const char *name, size_t *len);

/* Names of the files the firmware selected, comma-separated (g_free). */
char *fw_cfg_dup_requested (struct fw_cfg *c);
