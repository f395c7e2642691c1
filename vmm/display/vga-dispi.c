/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Bochs DISPI ("VBE") registers: the mode the VESA BIOS, OVMF's QemuVideoDxe
 * and bochs-drm set, and the linear framebuffer's conversion to XRGB. */
#define G_LOG_DOMAIN "vga"

#include "config.h"

#include <glib.h>
#include <string.h>

#include "log.h"
#include "vga-internal.h"

static unsigned
vga_dispi_bytes_pp (unsigned bpp)
{
  switch (bpp)
    {
    case 8: return 1;
    case 15:
    case 16: return 2;
    case 24: return 3;
    case 32: return 4;
    default: return 0;
    }
}

void
_vga_dispi_reset (struct vga *vga)
{
  memset (vga->dispi, 0, sizeof vga->dispi);
  vga->dispi[DISPI_INDEX_ID] = DISPI_ID5;
  vga->dispi[DISPI_INDEX_BPP] = 8;
  vga->dispi_index = 0;
}

bool
_vga_dispi_enabled (const struct vga *vga)
{
  return vga->dispi[DISPI_INDEX_ENABLE] & DISPI_ENABLED;
}

/* Bytes per line the guest asked for: the virtual width, at least the mode's. */
static uint64_t
vga_dispi_stride (const struct vga *vga)
{
  unsigned bpp = vga_dispi_bytes_pp (vga->dispi[DISPI_INDEX_BPP]);

  return (uint64_t) MAX (vga->dispi[DISPI_INDEX_VIRT_WIDTH], vga->dispi[DISPI_INDEX_XRES]) * bpp;
}

uint16_t
_vga_dispi_read (struct vga *vga, unsigned index)
{
  bool caps = vga->dispi[DISPI_INDEX_ENABLE] & DISPI_GETCAPS;
  uint64_t stride;

  switch (index)
    {
    case DISPI_INDEX_XRES:
      return caps ? DISPI_MAX_XRES : vga->dispi[index];
    case DISPI_INDEX_YRES:
      return caps ? DISPI_MAX_YRES : vga->dispi[index];
    case DISPI_INDEX_BPP:
      return caps ? DISPI_MAX_BPP : vga->dispi[index];
    case DISPI_INDEX_VIRT_HEIGHT:
      stride = vga_dispi_stride (vga);
      return stride ? (uint16_t) MIN (VGA_VRAM_SIZE / stride, 0xffffu) : 0;
    case DISPI_INDEX_VIDEO_MEMORY_64K:
      return VGA_VRAM_SIZE >> 16;
    default:
      return index < DISPI_N_REGS ? vga->dispi[index] : 0;
    }
}

static void
vga_dispi_enable (struct vga *vga, uint16_t value)
{
  bool was = _vga_dispi_enabled (vga);

  vga->dispi[DISPI_INDEX_ENABLE] =
    value & (DISPI_ENABLED | DISPI_GETCAPS | DISPI_8BIT_DAC | DISPI_LFB_ENABLED | DISPI_NOCLEARMEM);
  if ((value & DISPI_ENABLED) && !was)
    {
      uint64_t len;

      /* A new mode starts at the top of VRAM, with no panning. */
      vga->dispi[DISPI_INDEX_VIRT_WIDTH] = vga->dispi[DISPI_INDEX_XRES];
      vga->dispi[DISPI_INDEX_X_OFFSET] = 0;
      vga->dispi[DISPI_INDEX_Y_OFFSET] = 0;
      vga->dispi[DISPI_INDEX_BANK] = 0;
      if (!(value & DISPI_NOCLEARMEM))
        {
          len = MIN (vga_dispi_stride (vga) * vga->dispi[DISPI_INDEX_YRES],
                     (uint64_t) VGA_VRAM_SIZE);
          memset (vga->vram, 0, len);
          _vga_mark_dirty (vga, 0, len);
        }
    }
  atomic_fetch_add (&vga->regs_gen, 1);
}

void
_vga_dispi_write (struct vga *vga, unsigned index, uint16_t value)
{
  switch (index)
    {
    case DISPI_INDEX_ID:
      if (value >= DISPI_ID0 && value <= DISPI_ID5)
        vga->dispi[index] = value;
      break;
    case DISPI_INDEX_XRES:
    case DISPI_INDEX_YRES:
    case DISPI_INDEX_VIRT_WIDTH:
    case DISPI_INDEX_X_OFFSET:
    case DISPI_INDEX_Y_OFFSET:
      /* Checked against VRAM when shown: a guest may set them in any order. */
      vga->dispi[index] = value;
      break;
    case DISPI_INDEX_BPP:
      vga->dispi[index] = value == 0 ? 8 : value;
      break;
    case DISPI_INDEX_ENABLE:
      vga_dispi_enable (vga, value);
      break;
    case DISPI_INDEX_BANK:
      if ((uint32_t) value * 0x10000u >= VGA_VRAM_SIZE)
        {
          vmm_guest_error ("vga: DISPI bank %u is beyond %u KiB of VRAM", value,
                           VGA_VRAM_SIZE >> 10);
          break;
        }
      vga->dispi[index] = value;
      break;
    default:
      /* VIRT_HEIGHT and VIDEO_MEMORY_64K follow from the rest. */
      break;
    }
}

bool
_vga_dispi_scan (const struct vga *vga, struct vga_scan *scan)
{
  unsigned xres = vga->dispi[DISPI_INDEX_XRES], yres = vga->dispi[DISPI_INDEX_YRES];
  unsigned bpp = vga->dispi[DISPI_INDEX_BPP], bytes = vga_dispi_bytes_pp (bpp);
  uint64_t stride, start, end;

  if (bytes == 0 || xres == 0 || yres == 0 || xres > DISPI_MAX_XRES || yres > DISPI_MAX_YRES)
    {
      vmm_guest_error ("vga: DISPI mode %ux%ux%u is not supported", xres, yres, bpp);
      return false;
    }
  stride = vga_dispi_stride (vga);
  start = (uint64_t) vga->dispi[DISPI_INDEX_Y_OFFSET] * stride +
          (uint64_t) vga->dispi[DISPI_INDEX_X_OFFSET] * bytes;
  end = start + stride * (yres - 1) + (uint64_t) xres * bytes;
  if (end > VGA_VRAM_SIZE)
    {
      vmm_guest_error ("vga: DISPI mode %ux%ux%u at offset %u,%u runs past VRAM", xres, yres,
                       bpp, vga->dispi[DISPI_INDEX_X_OFFSET], vga->dispi[DISPI_INDEX_Y_OFFSET]);
      return false;
    }
  scan->kind = VGA_SCAN_LINEAR;
  scan->width = xres;
  scan->height = yres;
  scan->bpp = bpp;
  scan->lfb_start = start;
  scan->lfb_stride = (uint32_t) stride;
  if (bpp == 8)
    for (unsigned i = 0; i < VGA_DAC_ENTRIES; i++)
      scan->palette[i] = _vga_dac_color (vga, i);
  return true;
}

void
_vga_dispi_render (const struct vga *vga, const struct vga_scan *scan,
                   struct display_surface *surf, uint32_t y0, uint32_t y1)
{
  for (uint32_t y = y0; y < y1 && y < surf->height; y++)
    {
      const uint8_t *src = vga->vram + scan->lfb_start + (uint64_t) y * scan->lfb_stride;
      uint32_t *dst = (uint32_t *) (surf->data + (uint64_t) y * surf->stride);
      uint32_t w = MIN (scan->width, surf->width);

      switch (scan->bpp)
        {
        case 32:
          /* VBE's 32 bpp is B, G, R, X in memory: the surface's own format. */
          memcpy (dst, src, (size_t) w * 4);
          break;
        case 24:
          for (uint32_t x = 0; x < w; x++, src += 3)
            dst[x] = 0xff000000u | (uint32_t) src[2] << 16 | (uint32_t) src[1] << 8 | src[0];
          break;
        case 16:
          for (uint32_t x = 0; x < w; x++, src += 2)
            {
              uint32_t p = src[0] | (uint32_t) src[1] << 8;
              uint32_t r = (p >> 11) & 0x1f, g = (p >> 5) & 0x3f, b = p & 0x1f;

              dst[x] = 0xff000000u | ((r << 3) | (r >> 2)) << 16 | ((g << 2) | (g >> 4)) << 8 |
                       ((b << 3) | (b >> 2));
            }
          break;
        case 15:
          for (uint32_t x = 0; x < w; x++, src += 2)
            {
              uint32_t p = src[0] | (uint32_t) src[1] << 8;
              uint32_t r = (p >> 10) & 0x1f, g = (p >> 5) & 0x1f, b = p & 0x1f;

              dst[x] = 0xff000000u | ((r << 3) | (r >> 2)) << 16 | ((g << 3) | (g >> 2)) << 8 |
                       ((b << 3) | (b >> 2));
            }
          break;
        default:
          for (uint32_t x = 0; x < w; x++)
            dst[x] = scan->palette[src[x]];
          break;
        }
    }
}
