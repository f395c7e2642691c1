/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "display/display.h"
#include "display/vga.h"
#include "pci/pci.h"

/* Shared by the VGA device's files (vga*.c); not for other layers. */

#define VGA_VRAM_SIZE      (16u << 20)
#define VGA_PAGE_SHIFT     12
#define VGA_VRAM_PAGES     (VGA_VRAM_SIZE >> VGA_PAGE_SHIFT)
/* The legacy planes interleave in the first 256 KiB of VRAM: plane p's byte
 * at offset o is vram[o * 4 + p], so chain-4 and DISPI banking see VRAM as
 * one linear array, the layout the firmware's VBE code expects. */
#define VGA_PLANE_SIZE     0x10000u

/* Legacy window: 0xA0000..0xBFFFF. */
#define VGA_WINDOW_BASE    0xA0000u
#define VGA_WINDOW_SIZE    0x20000u

/* Register file sizes. */
#define VGA_SEQ_REGS   8
#define VGA_GR_REGS    16
#define VGA_CRTC_REGS  64
#define VGA_AR_REGS    0x15
#define VGA_DAC_ENTRIES 256

/* Bochs DISPI ("VBE") registers. */
#define DISPI_INDEX_ID          0x0
#define DISPI_INDEX_XRES        0x1
#define DISPI_INDEX_YRES        0x2
#define DISPI_INDEX_BPP         0x3
#define DISPI_INDEX_ENABLE      0x4
#define DISPI_INDEX_BANK        0x5
#define DISPI_INDEX_VIRT_WIDTH  0x6
#define DISPI_INDEX_VIRT_HEIGHT 0x7
#define DISPI_INDEX_X_OFFSET    0x8
#define DISPI_INDEX_Y_OFFSET    0x9
#define DISPI_INDEX_VIDEO_MEMORY_64K 0xa
#define DISPI_N_REGS            0xb

#define DISPI_ID0          0xb0c0
#define DISPI_ID5          0xb0c5
#define DISPI_ENABLED      0x01
#define DISPI_GETCAPS      0x02
#define DISPI_8BIT_DAC     0x20
#define DISPI_LFB_ENABLED  0x40
#define DISPI_NOCLEARMEM   0x80
/* What we offer (GETCAPS): 2560x1600x32 is the largest mode that fits 16 MiB. */
#define DISPI_MAX_XRES     2560
#define DISPI_MAX_YRES     1600
#define DISPI_MAX_BPP      32

/* The stdvga MMIO BAR (BAR2): VGA ports, DISPI registers, QEMU-style
 * extended registers (size and framebuffer endianness). */
#define VGA_MMIO_BAR_SIZE  0x1000u
#define VGA_MMIO_VGA_BASE  0x400u   /* + (port - 0x3c0) */
#define VGA_MMIO_DISPI     0x500u   /* + index * 2 */
#define VGA_MMIO_QEXT      0x600u
#define VGA_QEXT_SIZE      8u
#define VGA_QEXT_LE        0x1e1e1e1eu
#define VGA_MMIO_EDID_SIZE 0x400u   /* the EDID blob at 0 */
/* The monitor's preferred mode until a viewer asks for another: what
 * bochs-drm also picks without EDID. */
#define VGA_EDID_DEFAULT_WIDTH  1024
#define VGA_EDID_DEFAULT_HEIGHT 768
#define VGA_EDID_MIN_WIDTH      640
#define VGA_EDID_MIN_HEIGHT     480

/* What the scanout thread shows. */
enum vga_scan_kind {
  VGA_SCAN_NONE,     /* blank or unsupported: a black surface */
  VGA_SCAN_TEXT,
  VGA_SCAN_GFX256,   /* chain-4 256 colours (mode 13h) */
  VGA_SCAN_PLANAR16, /* 16-colour planar (modes 0Dh..12h) */
  VGA_SCAN_LINEAR,   /* DISPI linear framebuffer */
};

/* A consistent copy of what decides the picture, taken under the lock. */
struct vga_scan {
  enum vga_scan_kind kind;
  uint32_t width, height;
  /* Text */
  unsigned cols, rows, char_width, char_height;
  uint32_t start;          /* CRTC start address (characters / bytes) */
  uint32_t line_offset;    /* characters (text) or bytes per row */
  uint32_t cursor;         /* character index; ~0 = hidden */
  unsigned cursor_start, cursor_end;
  uint32_t font_a, font_b; /* plane-2 offsets of the two character maps */
  bool line_graphics, blink, blanked;
  /* Graphics: dots per pixel across (2 in 320-wide modes), colour planes on. */
  unsigned hdiv, plane_enable;
  /* Linear */
  unsigned bpp;
  uint64_t lfb_start;      /* byte offset of the first shown pixel */
  uint32_t lfb_stride;
  /* Colours: the 16 attribute entries resolved and the DAC as XRGB. */
  uint32_t palette[VGA_DAC_ENTRIES];
  uint8_t attr_map[16];
};

struct vga {
  pthread_mutex_t lock;
  struct display *display;
  unsigned scanout;

  int vram_fd;
  uint8_t *vram;

  /* Legacy registers, under lock. */
  uint8_t misc, feature, vga_enable, pel_mask;
  uint8_t seq_index, seq[VGA_SEQ_REGS];
  uint8_t gr_index, gr[VGA_GR_REGS];
  uint8_t crtc_index, crtc[VGA_CRTC_REGS];
  uint8_t ar_index;
  bool ar_data_next;        /* the attribute flip-flop: next 0x3c0 write is data */
  uint8_t ar[VGA_AR_REGS];
  uint8_t dac_read, dac_write, dac_sub, dac_state;
  uint8_t dac_rgb[3];
  uint8_t dac[VGA_DAC_ENTRIES * 3];
  uint8_t st01_toggle;
  uint8_t latch[4];

  /* DISPI, under lock. */
  uint16_t dispi_index;
  uint16_t dispi[DISPI_N_REGS];
  /* The monitor's EDID in the MMIO BAR, under lock; its preferred mode
   * follows what viewers ask for (read when the guest's driver probes). */
  uint8_t edid[128];

  /* Change tracking: bumped under lock, read by the scanout thread. */
  atomic_uint regs_gen;     /* registers or palette: redraw everything */
  atomic_uint text_gen;     /* legacy memory written */
  atomic_uint font_gen;     /* plane 2 written */
  /* Pages of VRAM written through MMIO (the LFB without a memslot, banked
   * windows); the KVM dirty log adds its pages here too. */
  _Atomic uint64_t dirty[VGA_VRAM_PAGES / 64];

  /* PCI face (vga-pci.c). */
  struct pci_device pci;
  struct vm *vm;            /* NULL: no memslot, the LFB goes through MMIO exits */
  /* Set by vga_coalesce_window(): KVM queues the window's writes there, and
   * the scan-out applies them first. */
  struct vm *coalesced_vm;
  unsigned lfb_slot;
  bool lfb_slot_mapped;     /* under lock */
  uint64_t lfb_slot_gpa;
  uint8_t *rom;
  uint32_t rom_size, rom_bar_size;
  bool rom_mapped;
  uint64_t rom_addr;
  struct bus *mmio_bus;     /* where the ROM maps */

  /* ISA face (vga.c). */
  struct bus *mmio;
  struct bus *pio;
  bool ports_claimed, window_claimed;

  /* Scanout thread. */
  pthread_t thread;
  bool thread_running;
  pthread_mutex_t stop_lock;
  pthread_cond_t stop_cond;
  bool stop;
  /* Scanout-thread state. */
  struct display_surface *surface;
  struct vga_scan shown;
  bool shown_valid;
  unsigned shown_regs_gen, shown_text_gen, shown_font_gen;
  uint32_t *cells;          /* char | attr << 8 | cursor << 16 per shown cell */
  uint32_t n_cells;
};

/* vga-regs.c: the VGA ports 0x3c0..0x3df, offset from 0x3c0; lock held. */
uint8_t _vga_port_read (struct vga *vga, unsigned port);
void _vga_port_write (struct vga *vga, unsigned port, uint8_t value);
void _vga_regs_reset (struct vga *vga);

/* vga-mem.c: the legacy window, offset from 0xA0000; lock held. */
uint8_t _vga_mem_read (struct vga *vga, uint32_t addr);
void _vga_mem_write (struct vga *vga, uint32_t addr, uint8_t value);
void _vga_mark_dirty (struct vga *vga, uint64_t offset, uint64_t len);

/* vga-dispi.c; lock held. */
uint16_t _vga_dispi_read (struct vga *vga, unsigned index);
void _vga_dispi_write (struct vga *vga, unsigned index, uint16_t value);
void _vga_dispi_reset (struct vga *vga);
bool _vga_dispi_enabled (const struct vga *vga);
/* Fills the linear part of @scan; false when the mode is not valid. */
bool _vga_dispi_scan (const struct vga *vga, struct vga_scan *scan);
/* Converts rows [y0, y1) of the LFB into @surf. */
void _vga_dispi_render (const struct vga *vga, const struct vga_scan *scan,
                        struct display_surface *surf, uint32_t y0, uint32_t y1);

/* vga-pci.c: ORs the KVM dirty log of the framebuffer slot into vga->dirty;
 * drops the slot and ROM mapping (vga_free). */
void _vga_pci_sync_dirty (struct vga *vga);
void _vga_pci_release (struct vga *vga);

/* vga-text.c */
/* Fills the legacy part of @scan from the registers; lock held. */
void _vga_legacy_scan (const struct vga *vga, struct vga_scan *scan);
/* Draws the text screen into @surf; with @cells, only cells that differ from
 * it (updated), returning the damaged rectangle. */
bool _vga_text_render (const struct vga *vga, const struct vga_scan *scan,
                       struct display_surface *surf, uint32_t *cells, bool full,
                       struct display_rect *damage);
void _vga_gfx_render (const struct vga *vga, const struct vga_scan *scan,
                      struct display_surface *surf);

/* A DAC entry as XRGB8888. */
uint32_t _vga_dac_color (const struct vga *vga, unsigned index);
