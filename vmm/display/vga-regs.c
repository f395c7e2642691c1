/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The VGA register file behind ports 0x3c0..0x3df: attribute controller,
 * sequencer, graphics controller, CRTC, DAC and the general registers. */
#define G_LOG_DOMAIN "vga"

#include "config.h"

#include <glib.h>
#include <string.h>

#include "vga-internal.h"

/* Port offsets from 0x3c0. */
enum {
  VGA_P_AR = 0x00,       /* 0x3c0: attribute index / data */
  VGA_P_AR_READ = 0x01,
  VGA_P_MISC_W = 0x02,   /* write misc output, read input status 0 */
  VGA_P_ENABLE = 0x03,
  VGA_P_SEQ_I = 0x04,
  VGA_P_SEQ_D = 0x05,
  VGA_P_PEL_MASK = 0x06,
  VGA_P_DAC_READ_I = 0x07,
  VGA_P_DAC_WRITE_I = 0x08,
  VGA_P_DAC_DATA = 0x09,
  VGA_P_FEATURE_R = 0x0a,
  VGA_P_MISC_R = 0x0c,
  VGA_P_GR_I = 0x0e,
  VGA_P_GR_D = 0x0f,
  VGA_P_CRTC_I = 0x14,
  VGA_P_CRTC_D = 0x15,
  VGA_P_ST01 = 0x1a,     /* read input status 1, write feature control */
};

/* Bits the hardware keeps in each register; the rest read back as zero. */
static const uint8_t vga_seq_mask[VGA_SEQ_REGS] = { 0x03, 0x3d, 0x0f, 0x3f, 0x0e, 0, 0, 0 };
static const uint8_t vga_gr_mask[VGA_GR_REGS] = {
  0x0f, 0x0f, 0x0f, 0x1f, 0x03, 0x7b, 0x0f, 0x0f, 0xff,
};
static const uint8_t vga_ar_mask[VGA_AR_REGS] = {
  0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f,
  0xff, 0xff, 0x0f, 0x0f, 0x0f,
};

/* 80x25 text (mode 3) as the standard BIOS programs it, so the adapter shows
 * text before any firmware touched it. */
static const uint8_t vga_mode3_seq[5] = { 0x03, 0x00, 0x03, 0x00, 0x02 };
static const uint8_t vga_mode3_crtc[0x19] = {
  0x5f, 0x4f, 0x50, 0x82, 0x55, 0x81, 0xbf, 0x1f, 0x00, 0x4f, 0x0d, 0x0e, 0x00,
  0x00, 0x00, 0x00, 0x9c, 0x8e, 0x8f, 0x28, 0x1f, 0x96, 0xb9, 0xa3, 0xff,
};
static const uint8_t vga_mode3_gr[9] = { 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0e, 0x0f, 0xff };
static const uint8_t vga_mode3_ar[VGA_AR_REGS] = {
  0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f,
  0x0c, 0x00, 0x0f, 0x08, 0x00,
};

void
_vga_regs_reset (struct vga *vga)
{
  vga->misc = 0x67;
  vga->feature = 0;
  vga->vga_enable = 1;
  vga->pel_mask = 0xff;
  memset (vga->seq, 0, sizeof vga->seq);
  memcpy (vga->seq, vga_mode3_seq, sizeof vga_mode3_seq);
  memset (vga->crtc, 0, sizeof vga->crtc);
  memcpy (vga->crtc, vga_mode3_crtc, sizeof vga_mode3_crtc);
  memset (vga->gr, 0, sizeof vga->gr);
  memcpy (vga->gr, vga_mode3_gr, sizeof vga_mode3_gr);
  memcpy (vga->ar, vga_mode3_ar, sizeof vga->ar);
  vga->ar_index = 0x20;  /* palette address source set: the screen shows */
  vga->ar_data_next = false;
  /* The 64 EGA colours: bits 2..0 are R, G, B at 2/3, bits 5..3 at 1/3. */
  for (unsigned i = 0; i < VGA_DAC_ENTRIES; i++)
    {
      unsigned rgb[3] = { 0, 0, 0 };

      if (i < 64)
        for (unsigned c = 0; c < 3; c++)
          rgb[c] = ((i >> (2 - c)) & 1) * 0x2a + ((i >> (5 - c)) & 1) * 0x15;
      for (unsigned c = 0; c < 3; c++)
        vga->dac[i * 3 + c] = rgb[c];
    }
  vga->dac_read = vga->dac_write = vga->dac_sub = vga->dac_state = 0;
  atomic_fetch_add (&vga->regs_gen, 1);
}

uint32_t
_vga_dac_color (const struct vga *vga, unsigned index)
{
  const uint8_t *e = &vga->dac[(index & vga->pel_mask & 0xff) * 3];
  uint32_t c[3];

  for (unsigned i = 0; i < 3; i++)
    c[i] = (vga->dispi[DISPI_INDEX_ENABLE] & DISPI_8BIT_DAC) ? e[i]
                                                             : (e[i] & 0x3f) * 255u / 63u;
  return 0xff000000u | c[0] << 16 | c[1] << 8 | c[2];
}

static void
vga_changed (struct vga *vga)
{
  atomic_fetch_add (&vga->regs_gen, 1);
}

uint8_t
_vga_port_read (struct vga *vga, unsigned port)
{
  uint8_t v;

  switch (port)
    {
    case VGA_P_AR:
      return vga->ar_index;
    case VGA_P_AR_READ:
      return (vga->ar_index & 0x1f) < VGA_AR_REGS ? vga->ar[vga->ar_index & 0x1f] : 0;
    case VGA_P_MISC_W:
      return 0x10;  /* input status 0: the monitor sense line reads "colour" */
    case VGA_P_ENABLE:
      return vga->vga_enable;
    case VGA_P_SEQ_I:
      return vga->seq_index;
    case VGA_P_SEQ_D:
      return vga->seq[vga->seq_index & (VGA_SEQ_REGS - 1)];
    case VGA_P_PEL_MASK:
      return vga->pel_mask;
    case VGA_P_DAC_READ_I:
      return vga->dac_state;
    case VGA_P_DAC_WRITE_I:
      return vga->dac_write;
    case VGA_P_DAC_DATA:
      v = vga->dac[vga->dac_read * 3 + vga->dac_sub];
      if (++vga->dac_sub == 3)
        {
          vga->dac_sub = 0;
          vga->dac_read++;
        }
      return v;
    case VGA_P_FEATURE_R:
      return vga->feature;
    case VGA_P_MISC_R:
      return vga->misc;
    case VGA_P_GR_I:
      return vga->gr_index;
    case VGA_P_GR_D:
      return vga->gr_index < VGA_GR_REGS ? vga->gr[vga->gr_index] : 0;
    case VGA_P_CRTC_I:
      return vga->crtc_index;
    case VGA_P_CRTC_D:
      return vga->crtc[vga->crtc_index & (VGA_CRTC_REGS - 1)];
    case VGA_P_ST01:
      /* Reading resets the attribute flip-flop. Retrace bits toggle so that
       * drivers waiting for a retrace edge see one. */
      vga->ar_data_next = false;
      vga->st01_toggle ^= 0x09;
      return vga->st01_toggle;
    default:
      return 0xff;
    }
}

static void
vga_crtc_write (struct vga *vga, uint8_t value)
{
  unsigned i = vga->crtc_index & (VGA_CRTC_REGS - 1);

  /* CR11 bit 7 protects the horizontal and vertical timing registers, all
   * but the line-compare bit of the overflow register. */
  if ((vga->crtc[0x11] & 0x80) && i <= 7)
    {
      if (i == 7)
        vga->crtc[7] = (vga->crtc[7] & ~0x10) | (value & 0x10);
      return;
    }
  vga->crtc[i] = value;
}

void
_vga_port_write (struct vga *vga, unsigned port, uint8_t value)
{
  switch (port)
    {
    case VGA_P_AR:
      if (!vga->ar_data_next)
        vga->ar_index = value & 0x3f;
      else if ((vga->ar_index & 0x1f) < VGA_AR_REGS)
        {
          unsigned i = vga->ar_index & 0x1f;

          vga->ar[i] = value & vga_ar_mask[i];
        }
      vga->ar_data_next = !vga->ar_data_next;
      vga_changed (vga);
      break;
    case VGA_P_MISC_W:
      vga->misc = value;
      break;
    case VGA_P_ENABLE:
      vga->vga_enable = value & 1;
      break;
    case VGA_P_SEQ_I:
      vga->seq_index = value & (VGA_SEQ_REGS - 1);
      break;
    case VGA_P_SEQ_D:
      vga->seq[vga->seq_index] = value & vga_seq_mask[vga->seq_index];
      break;
    case VGA_P_PEL_MASK:
      vga->pel_mask = value;
      vga_changed (vga);
      break;
    case VGA_P_DAC_READ_I:
      vga->dac_read = value;
      vga->dac_sub = 0;
      vga->dac_state = 3;
      break;
    case VGA_P_DAC_WRITE_I:
      vga->dac_write = value;
      vga->dac_sub = 0;
      vga->dac_state = 0;
      break;
    case VGA_P_DAC_DATA:
      vga->dac_rgb[vga->dac_sub++] = value;
      if (vga->dac_sub == 3)
        {
          memcpy (&vga->dac[vga->dac_write * 3], vga->dac_rgb, 3);
          vga->dac_write++;
          vga->dac_sub = 0;
          vga_changed (vga);
        }
      break;
    case VGA_P_GR_I:
      vga->gr_index = value & (VGA_GR_REGS - 1);
      break;
    case VGA_P_GR_D:
      if (vga->gr_index < G_N_ELEMENTS (vga_gr_mask))
        vga->gr[vga->gr_index] = value & vga_gr_mask[vga->gr_index];
      break;
    case VGA_P_CRTC_I:
      vga->crtc_index = value & (VGA_CRTC_REGS - 1);
      break;
    case VGA_P_CRTC_D:
      vga_crtc_write (vga, value);
      break;
    case VGA_P_ST01:
      vga->feature = value & 0x03;
      break;
    default:
      break;
    }
}
