/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The legacy window 0xA0000..0xBFFFF: planar memory with the graphics
 * controller's latches, write modes and logical operations, odd/even and
 * chain-4 addressing, and DISPI banking. */
#define G_LOG_DOMAIN "vga"

#include "config.h"

#include <string.h>

#include "vga-internal.h"

void
_vga_mark_dirty (struct vga *vga, uint64_t offset, uint64_t len)
{
  uint64_t first, last;

  if (len == 0 || offset >= VGA_VRAM_SIZE)
    return;
  if (len > VGA_VRAM_SIZE - offset)
    len = VGA_VRAM_SIZE - offset;
  first = offset >> VGA_PAGE_SHIFT;
  last = (offset + len - 1) >> VGA_PAGE_SHIFT;
  for (uint64_t p = first; p <= last; p++)
    atomic_fetch_or (&vga->dirty[p / 64], 1ull << (p % 64));
}

static inline uint8_t *
vga_plane (struct vga *vga, unsigned plane, uint32_t offset)
{
  return &vga->vram[((offset & (VGA_PLANE_SIZE - 1)) << 2) | plane];
}

/* The offset inside the memory map GR6 selects, or false outside it. */
static bool
vga_window_offset (const struct vga *vga, uint32_t addr, uint32_t *offset)
{
  static const uint32_t base[4] = { 0, 0, 0x10000, 0x18000 };
  static const uint32_t size[4] = { 0x20000, 0x10000, 0x8000, 0x8000 };
  unsigned map = (vga->gr[6] >> 2) & 3;

  if (addr < base[map] || addr - base[map] >= size[map])
    return false;
  *offset = addr - base[map];
  return true;
}

/* With DISPI on, the first 64 KiB of the window show VRAM bank by bank. */
static bool
vga_banked_offset (const struct vga *vga, uint32_t addr, uint32_t *offset)
{
  uint64_t o = (uint64_t) vga->dispi[DISPI_INDEX_BANK] * 0x10000 + addr;

  if (addr >= 0x10000 || o >= VGA_VRAM_SIZE)
    return false;
  *offset = (uint32_t) o;
  return true;
}

static void
vga_wrote (struct vga *vga, uint64_t vram_offset, bool font)
{
  _vga_mark_dirty (vga, vram_offset, 1);
  atomic_fetch_add (&vga->text_gen, 1);
  if (font)
    atomic_fetch_add (&vga->font_gen, 1);
}

uint8_t
_vga_mem_read (struct vga *vga, uint32_t addr)
{
  uint32_t off;
  uint8_t r;

  if (_vga_dispi_enabled (vga))
    return vga_banked_offset (vga, addr, &off) ? vga->vram[off] : 0xff;
  if (!vga_window_offset (vga, addr, &off))
    return 0xff;
  if (vga->seq[4] & 0x08)
    return vga->vram[off];
  if (vga->gr[5] & 0x10)
    return *vga_plane (vga, (vga->gr[4] & 2) | (off & 1), off & ~1u);

  for (unsigned p = 0; p < 4; p++)
    vga->latch[p] = *vga_plane (vga, p, off);
  if (!(vga->gr[5] & 0x08))
    return vga->latch[vga->gr[4] & 3];
  /* Read mode 1: a bit is set where every plane that counts (GR7) equals
   * the colour to compare (GR2). */
  r = 0xff;
  for (unsigned p = 0; p < 4; p++)
    if (vga->gr[7] & (1u << p))
      r &= ~(vga->latch[p] ^ ((vga->gr[2] >> p) & 1 ? 0xff : 0x00));
  return r;
}

static uint8_t
vga_rotate (uint8_t v, unsigned n)
{
  n &= 7;
  return n ? (uint8_t) ((v >> n) | (v << (8 - n))) : v;
}

void
_vga_mem_write (struct vga *vga, uint32_t addr, uint8_t value)
{
  unsigned mode = vga->gr[5] & 3, planes = vga->seq[2] & 0xf;
  uint8_t data[4], mask = vga->gr[8];
  uint32_t off;

  if (_vga_dispi_enabled (vga))
    {
      if (vga_banked_offset (vga, addr, &off))
        {
          vga->vram[off] = value;
          vga_wrote (vga, off, false);
        }
      return;
    }
  if (!vga_window_offset (vga, addr, &off))
    return;

  if (vga->seq[4] & 0x08)
    {
      /* Chain 4: the low address bits pick the plane. */
      if (planes & (1u << (off & 3)))
        {
          vga->vram[off] = value;
          vga_wrote (vga, off, (off & 3) == 2);
        }
      return;
    }
  if (!(vga->seq[4] & 0x04))
    {
      /* Odd/even: even addresses reach planes 0 and 2, odd ones 1 and 3. */
      planes &= (off & 1) ? 0xa : 0x5;
      for (unsigned p = 0; p < 4; p++)
        if (planes & (1u << p))
          {
            *vga_plane (vga, p, off & ~1u) = value;
            vga_wrote (vga, (((off & ~1u) & (VGA_PLANE_SIZE - 1)) << 2) | p, p == 2);
          }
      return;
    }

  switch (mode)
    {
    case 0:
      value = vga_rotate (value, vga->gr[3]);
      for (unsigned p = 0; p < 4; p++)
        data[p] = (vga->gr[1] & (1u << p)) ? ((vga->gr[0] >> p) & 1 ? 0xff : 0) : value;
      break;
    case 1:
      /* The latches go back unchanged. */
      memcpy (data, vga->latch, 4);
      mask = 0xff;
      break;
    case 2:
      for (unsigned p = 0; p < 4; p++)
        data[p] = (value >> p) & 1 ? 0xff : 0;
      break;
    default:
      mask &= vga_rotate (value, vga->gr[3]);
      for (unsigned p = 0; p < 4; p++)
        data[p] = (vga->gr[0] >> p) & 1 ? 0xff : 0;
      break;
    }
  if (mode != 1)
    for (unsigned p = 0; p < 4; p++)
      {
        switch ((vga->gr[3] >> 3) & 3)
          {
          case 1: data[p] &= vga->latch[p]; break;
          case 2: data[p] |= vga->latch[p]; break;
          case 3: data[p] ^= vga->latch[p]; break;
          default: break;
          }
        data[p] = (data[p] & mask) | (vga->latch[p] & ~mask);
      }
  for (unsigned p = 0; p < 4; p++)
    if (planes & (1u << p))
      {
        *vga_plane (vga, p, off) = data[p];
        vga_wrote (vga, ((off & (VGA_PLANE_SIZE - 1)) << 2) | p, p == 2);
      }
}
