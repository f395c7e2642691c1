/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the legacy VGA shows, from its registers: text mode drawn with the
 * font in plane 2, and the 16- and 256-colour graphics modes. */
#define G_LOG_DOMAIN "vga"

#include "config.h"

#include <glib.h>
#include <string.h>

#include "vga-internal.h"

/* Larger than any mode the VGA timings can express sensibly. */
#define VGA_LEGACY_MAX_WIDTH  2048
#define VGA_LEGACY_MAX_HEIGHT 2048
#define VGA_CELL_CURSOR       (1u << 16)

/* Plane-2 offset of character map @sel (0..7), in the hardware's order. */
static uint32_t
vga_font_offset (unsigned sel)
{
  return (sel & 3) * 0x4000 + (sel >> 2) * 0x2000;
}

static inline uint8_t
vga_plane_byte (const struct vga *vga, unsigned plane, uint32_t offset)
{
  return vga->vram[((offset & (VGA_PLANE_SIZE - 1)) << 2) | plane];
}

void
_vga_legacy_scan (const struct vga *vga, struct vga_scan *scan)
{
  unsigned hde = vga->crtc[1] + 1u;
  unsigned vde = (vga->crtc[0x12] | (vga->crtc[7] & 0x02) << 7 | (vga->crtc[7] & 0x40) << 3) + 1u;
  unsigned max_scan = (vga->crtc[9] & 0x1f) + 1u;
  unsigned sr3 = vga->seq[3];

  scan->blanked = !(vga->ar_index & 0x20) || (vga->seq[1] & 0x20);
  for (unsigned i = 0; i < 16; i++)
    {
      unsigned idx = (vga->ar[0x10] & 0x80) ? (vga->ar[i] & 0x0f) | (vga->ar[0x14] & 3) << 4
                                            : vga->ar[i] & 0x3f;

      scan->attr_map[i] = idx | (vga->ar[0x14] & 0x0c) << 4;
    }
  for (unsigned i = 0; i < VGA_DAC_ENTRIES; i++)
    scan->palette[i] = _vga_dac_color (vga, i);
  scan->start = (uint32_t) vga->crtc[0x0c] << 8 | vga->crtc[0x0d];
  scan->line_offset = vga->crtc[0x13] * 2u;

  if (!(vga->gr[6] & 1))
    {
      scan->kind = VGA_SCAN_TEXT;
      scan->char_width = (vga->seq[1] & 1) ? 8 : 9;
      scan->char_height = max_scan;
      scan->cols = hde;
      scan->rows = vde / max_scan / ((vga->crtc[9] & 0x80) ? 2 : 1);
      scan->width = scan->cols * scan->char_width;
      scan->height = scan->rows * scan->char_height;
      scan->cursor = (vga->crtc[0x0a] & 0x20) ? ~0u
                                               : ((uint32_t) vga->crtc[0x0e] << 8 | vga->crtc[0x0f]);
      scan->cursor_start = vga->crtc[0x0a] & 0x1f;
      scan->cursor_end = vga->crtc[0x0b] & 0x1f;
      scan->font_a = vga_font_offset (((sr3 >> 2) & 3) | ((sr3 >> 5) & 1) << 2);
      scan->font_b = vga_font_offset ((sr3 & 3) | ((sr3 >> 4) & 1) << 2);
      scan->line_graphics = vga->ar[0x10] & 0x04;
      scan->blink = vga->ar[0x10] & 0x08;
    }
  else
    {
      scan->hdiv = (vga->seq[1] & 0x08) ? 2 : 1;
      scan->height = vde / max_scan / ((vga->crtc[9] & 0x80) ? 2 : 1);
      if (vga->gr[5] & 0x40)
        {
          /* 256 colours: two dots per pixel. */
          scan->kind = VGA_SCAN_GFX256;
          scan->width = hde * 8 / 2 / scan->hdiv;
        }
      else
        {
          scan->kind = VGA_SCAN_PLANAR16;
          scan->width = hde * 8 / scan->hdiv;
          scan->plane_enable = vga->ar[0x12] & 0x0f;
        }
    }
  if (scan->width == 0 || scan->height == 0 || scan->width > VGA_LEGACY_MAX_WIDTH ||
      scan->height > VGA_LEGACY_MAX_HEIGHT)
    scan->kind = VGA_SCAN_NONE;
}

static void
vga_text_cell (const struct vga *vga, const struct vga_scan *scan, struct display_surface *surf,
               unsigned col, unsigned row, uint8_t ch, uint8_t attr, bool cursor)
{
  uint32_t font = (attr & 0x08) ? scan->font_a : scan->font_b;
  unsigned bg_index = scan->blink ? (attr >> 4) & 7 : attr >> 4;
  uint32_t fg = scan->palette[scan->attr_map[attr & 0x0f]];
  uint32_t bg = scan->palette[scan->attr_map[bg_index]];
  bool ninth = scan->char_width == 9 && scan->line_graphics && ch >= 0xc0 && ch <= 0xdf;

  for (unsigned line = 0; line < scan->char_height; line++)
    {
      /* Glyphs take 32 bytes each in the map, whatever the character height. */
      uint8_t bits = line < 32 ? vga_plane_byte (vga, 2, font + ch * 32u + line) : 0;
      uint32_t *dst = (uint32_t *) (surf->data + ((uint64_t) row * scan->char_height + line) *
                                                   surf->stride) + col * scan->char_width;

      bool cursor_line = cursor && line >= scan->cursor_start && line <= scan->cursor_end;

      if (cursor_line)
        bits = 0xff;
      for (unsigned x = 0; x < 8; x++)
        dst[x] = (bits & (0x80 >> x)) ? fg : bg;
      /* The ninth column repeats the eighth only for box-drawing characters. */
      if (scan->char_width == 9)
        dst[8] = (cursor_line || (ninth && (bits & 1))) ? fg : bg;
    }
}

bool
_vga_text_render (const struct vga *vga, const struct vga_scan *scan,
                  struct display_surface *surf, uint32_t *cells, bool full,
                  struct display_rect *damage)
{
  unsigned min_col = scan->cols, max_col = 0, min_row = scan->rows, max_row = 0;

  if (surf->width < scan->width || surf->height < scan->height)
    return false;
  if (scan->blanked)
    {
      if (!full)
        return false;
      memset (surf->data, 0, surf->size);
      memset (cells, 0xff, sizeof *cells * scan->cols * scan->rows);
      *damage = (struct display_rect) { 0, 0, scan->width, scan->height };
      return true;
    }
  for (unsigned row = 0; row < scan->rows; row++)
    for (unsigned col = 0; col < scan->cols; col++)
      {
        uint32_t addr = scan->start + row * scan->line_offset + col;
        /* Word mode: character i sits at plane offset 2i, in planes 0 and 1. */
        uint8_t ch = vga_plane_byte (vga, 0, addr * 2);
        uint8_t attr = vga_plane_byte (vga, 1, addr * 2);
        bool cursor = (addr & 0xffff) == scan->cursor;
        uint32_t key = ch | (uint32_t) attr << 8 | (cursor ? VGA_CELL_CURSOR : 0);
        uint32_t *cell = &cells[row * scan->cols + col];

        if (!full && *cell == key)
          continue;
        *cell = key;
        vga_text_cell (vga, scan, surf, col, row, ch, attr, cursor);
        min_col = MIN (min_col, col);
        max_col = MAX (max_col, col);
        min_row = MIN (min_row, row);
        max_row = MAX (max_row, row);
      }
  if (min_col > max_col)
    return false;
  damage->x = (int32_t) (min_col * scan->char_width);
  damage->y = (int32_t) (min_row * scan->char_height);
  damage->width = (max_col - min_col + 1) * scan->char_width;
  damage->height = (max_row - min_row + 1) * scan->char_height;
  return true;
}

void
_vga_gfx_render (const struct vga *vga, const struct vga_scan *scan, struct display_surface *surf)
{
  uint32_t w = MIN (scan->width, surf->width), h = MIN (scan->height, surf->height);

  for (uint32_t y = 0; y < h; y++)
    {
      uint32_t *dst = (uint32_t *) (surf->data + (uint64_t) y * surf->stride);

      if (scan->blanked)
        {
          memset (dst, 0, (size_t) w * 4);
          continue;
        }
      if (scan->kind == VGA_SCAN_GFX256)
        {
          /* Chain 4 makes VRAM linear; each row is 8 bytes per offset unit. */
          uint32_t base = scan->start * 4 + y * scan->line_offset * 4;

          for (uint32_t x = 0; x < w; x++)
            dst[x] = scan->palette[vga->vram[(base + x) & (4 * VGA_PLANE_SIZE - 1)]];
          continue;
        }
      for (uint32_t x = 0; x < w; x++)
        {
          uint32_t o = scan->start + y * scan->line_offset + x / 8;
          unsigned bit = 7 - (x & 7), c = 0;

          for (unsigned p = 0; p < 4; p++)
            c |= ((vga_plane_byte (vga, p, o) >> bit) & 1) << p;
          dst[x] = scan->palette[scan->attr_map[c & scan->plane_enable]];
        }
    }
}
