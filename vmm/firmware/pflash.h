/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bus.h"

/*
 * A CFI parallel flash with the Intel command set, byte wide, the way OVMF's
 * QemuFlash driver programs its variable store: 0x50 clear status, 0x70 read
 * status, 0x10/0x40 program a byte, 0x20 + 0xD0 erase a block, 0x90 read ID,
 * 0xFF (or 0x00) back to reading the array.
 *
 * The guest reads the contents straight from a read-only KVM memory slot;
 * only writes (commands) exit to us. Read-status (0x70) and read-ID (0x90)
 * need reads answered by the device, so they drop the slot until the guest
 * returns to array mode; set_mapped() does that for the machine (tests count
 * calls). The status a program or erase leaves is readable only after 0x70,
 * which is all OVMF relies on.
 *
 * The contents are a shared mapping of the backing file: a program or an
 * erase changes the file's pages, and returning to array mode after a change
 * (OVMF's last command after a write) flushes them to disk.
 */

#define PFLASH_BLOCK_SIZE 0x1000  /* OVMF's PcdOvmfFirmwareBlockSize */

#define PFLASH_CMD_PROGRAM        0x10
#define PFLASH_CMD_PROGRAM_ALT    0x40
#define PFLASH_CMD_ERASE          0x20
#define PFLASH_CMD_ERASE_CONFIRM  0xd0
#define PFLASH_CMD_CLEAR_STATUS   0x50
#define PFLASH_CMD_READ_STATUS    0x70
#define PFLASH_CMD_READ_ID        0x90
#define PFLASH_CMD_READ_ARRAY     0xff

#define PFLASH_STATUS_READY       0x80
#define PFLASH_STATUS_ERASE_ERROR 0x20
#define PFLASH_STATUS_PROGRAM_ERROR 0x10

#define PFLASH_ID_MANUFACTURER    0x89  /* Intel */
#define PFLASH_ID_DEVICE          0x18

enum pflash_mode {
  PFLASH_MODE_ARRAY,
  PFLASH_MODE_STATUS,
  PFLASH_MODE_ID,
  PFLASH_MODE_PROGRAM,      /* the next write is the byte to program */
  PFLASH_MODE_ERASE,        /* the next write must confirm the erase */
};

struct pflash_ops {
  /* Maps (true) or unmaps the read-only memory slot over the contents. */
  int (*set_mapped) (void *opaque, bool mapped);
};

struct pflash {
  pthread_mutex_t lock;
  uint8_t *data;            /* shared mapping of the backing file, or anonymous */
  size_t size;
  int fd;                   /* -1: contents in memory only */
  char *path;
  bool dirty;
  enum pflash_mode mode;
  uint8_t status;
  bool mapped;
  const struct pflash_ops *ops;
  void *opaque;
  struct bus *mmio;
  uint64_t base;
};

/*
 * Opens the flash contents from @path (read-write, created as a copy of
 * @template_path when missing; its size must then be @size) or, with a NULL
 * @path, a private copy of @template_path kept in memory. Returns 0 or -errno
 * with *why (g_free) saying which file and what is wrong.
 */
int pflash_open (struct pflash *f, const char *path, const char *template_path, size_t size,
                 char **why) __attribute__ ((warn_unused_result));
/* Claims [@base, @base + size) on @mmio and maps the array through @ops. */
int pflash_attach (struct pflash *f, struct bus *mmio, uint64_t base,
                   const struct pflash_ops *ops, void *opaque) __attribute__ ((warn_unused_result));
/* Flushes and closes. */
void pflash_destroy (struct pflash *f);

/* The device's MMIO handlers, exposed for tests. */
void pflash_read (struct pflash *f, uint64_t offset, void *data, unsigned size);
void pflash_write (struct pflash *f, uint64_t offset, const void *data, unsigned size);
