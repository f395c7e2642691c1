/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "virtio-gpu"

#include "config.h"

#include "edid.h"

#include <string.h>

/* Layout of the base block (VESA E-EDID 1.4). */
#define EDID_VENDOR        8
#define EDID_PRODUCT       10
#define EDID_SERIAL        12
#define EDID_WEEK          16
#define EDID_YEAR          17
#define EDID_VERSION       18
#define EDID_INPUT         20
#define EDID_SIZE_CM       21
#define EDID_GAMMA         23
#define EDID_FEATURES      24
#define EDID_CHROMA        25
#define EDID_ESTABLISHED   35
#define EDID_STANDARD      38
#define EDID_DESCRIPTORS   54
#define EDID_DESCRIPTOR_SIZE 18
#define EDID_EXTENSIONS    126
#define EDID_CHECKSUM      127

/* Pixel density the physical size is derived from: a typical desktop monitor. */
#define EDID_DPI 96

/* Standard timing aspect codes (EDID 1.3+). */
enum { ASPECT_16_10 = 0, ASPECT_4_3 = 1, ASPECT_5_4 = 2, ASPECT_16_9 = 3 };

struct edid_std_mode {
  uint16_t width;
  uint8_t aspect;
};

/* The common modes a guest should find in its list, all at 60 Hz; 640x480,
 * 800x600 and 1024x768 are established timings instead. */
static const struct edid_std_mode edid_std_modes[8] = {
  { 1280, ASPECT_16_9 },  /* 1280x720 */
  { 1280, ASPECT_16_10 }, /* 1280x800 */
  { 1280, ASPECT_5_4 },   /* 1280x1024 */
  { 1440, ASPECT_16_10 }, /* 1440x900 */
  { 1600, ASPECT_16_9 },  /* 1600x900 */
  { 1680, ASPECT_16_10 }, /* 1680x1050 */
  { 1920, ASPECT_16_9 },  /* 1920x1080 */
  { 1920, ASPECT_16_10 }, /* 1920x1200 */
};

/* A chromaticity coordinate as EDID's 10-bit binary fraction. */
static uint16_t
edid_chroma (unsigned thousandths)
{
  return (uint16_t) ((thousandths * 1024u + 500u) / 1000u);
}

static void
edid_put_chromaticity (uint8_t *p)
{
  /* sRGB primaries and D65 white, in the order EDID stores them. */
  const unsigned xy[8] = { 640, 330, 300, 600, 150, 60, 313, 329 };
  uint16_t v[8];

  for (unsigned i = 0; i < 8; i++)
    v[i] = edid_chroma (xy[i]);
  p[0] = (uint8_t) (((v[0] & 3) << 6) | ((v[1] & 3) << 4) | ((v[2] & 3) << 2) | (v[3] & 3));
  p[1] = (uint8_t) (((v[4] & 3) << 6) | ((v[5] & 3) << 4) | ((v[6] & 3) << 2) | (v[7] & 3));
  for (unsigned i = 0; i < 8; i++)
    p[2 + i] = (uint8_t) (v[i] >> 2);
}

/*
 * A detailed timing with reduced blanking (CVT-RB-like: 160 pixels of
 * horizontal blanking, at least 460 us of vertical blanking) at 60 Hz; when
 * the pixel clock would not fit its 16-bit field the refresh rate drops
 * instead, which a virtual monitor does not mind.
 */
static void
edid_put_detailed_timing (uint8_t *d, uint32_t w, uint32_t h)
{
  const uint32_t h_blank = 160, h_front = 48, h_sync = 32;
  const uint32_t v_front = 3, v_sync = 6, v_back_min = 6;
  uint32_t v_blank, h_total, v_total, w_mm, h_mm;
  uint64_t clock;

  /* v_blank / v_total >= 460 us * 60 Hz = 2.76 %. */
  v_blank = (h * 276 + 9723) / 9724 + 1;
  if (v_blank < v_front + v_sync + v_back_min)
    v_blank = v_front + v_sync + v_back_min;
  h_total = w + h_blank;
  v_total = h + v_blank;
  clock = ((uint64_t) h_total * v_total * 60 + 5000) / 10000; /* 10 kHz units */
  if (clock > 0xffff)
    clock = 0xffff;

  w_mm = w * 254 / (EDID_DPI * 10);
  h_mm = h * 254 / (EDID_DPI * 10);
  if (w_mm > 0xfff)
    w_mm = 0xfff;
  if (h_mm > 0xfff)
    h_mm = 0xfff;

  d[0] = (uint8_t) clock;
  d[1] = (uint8_t) (clock >> 8);
  d[2] = (uint8_t) w;
  d[3] = (uint8_t) h_blank;
  d[4] = (uint8_t) (((w >> 8) & 0xf) << 4 | ((h_blank >> 8) & 0xf));
  d[5] = (uint8_t) h;
  d[6] = (uint8_t) v_blank;
  d[7] = (uint8_t) (((h >> 8) & 0xf) << 4 | ((v_blank >> 8) & 0xf));
  d[8] = (uint8_t) h_front;
  d[9] = (uint8_t) h_sync;
  d[10] = (uint8_t) ((v_front & 0xf) << 4 | (v_sync & 0xf));
  d[11] = (uint8_t) (((h_front >> 8) & 3) << 6 | ((h_sync >> 8) & 3) << 4 |
                     ((v_front >> 4) & 3) << 2 | ((v_sync >> 4) & 3));
  d[12] = (uint8_t) w_mm;
  d[13] = (uint8_t) h_mm;
  d[14] = (uint8_t) (((w_mm >> 8) & 0xf) << 4 | ((h_mm >> 8) & 0xf));
  d[15] = 0;
  d[16] = 0;
  /* Digital separate sync, +hsync -vsync as reduced blanking wants. */
  d[17] = 0x1a;
}

static void
edid_put_range_limits (uint8_t *d)
{
  d[3] = 0xfd;
  d[5] = 24;   /* vertical Hz, min and max */
  d[6] = 75;
  d[7] = 15;   /* horizontal kHz */
  d[8] = 255;
  d[9] = 66;   /* max pixel clock / 10 MHz: what a detailed timing can carry */
  d[10] = 0x01; /* range limits only */
  d[11] = 0x0a;
  memset (d + 12, 0x20, 6);
}

static void
edid_put_name (uint8_t *d, const char *name)
{
  size_t len = strlen (name);

  if (len > 13)
    len = 13;
  d[3] = 0xfc;
  memset (d + 5, 0x20, 13);
  memcpy (d + 5, name, len);
  if (len < 13)
    d[5 + len] = 0x0a;
}

void
virtio_gpu_edid_build (uint8_t edid[VIRTIO_GPU_EDID_SIZE], uint32_t width, uint32_t height,
                       uint32_t serial)
{
  static const uint8_t header[8] = { 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00 };
  /* "TRM": three 5-bit letters, 'A' = 1, big-endian. */
  const uint16_t vendor = ('T' - '@') << 10 | ('R' - '@') << 5 | ('M' - '@');
  uint32_t w_cm, h_cm;
  uint8_t sum = 0;

  if (width == 0 || height == 0)
    {
      width = 1024;
      height = 768;
    }
  if (width > VIRTIO_GPU_EDID_MAX_ACTIVE)
    width = VIRTIO_GPU_EDID_MAX_ACTIVE;
  if (height > VIRTIO_GPU_EDID_MAX_ACTIVE)
    height = VIRTIO_GPU_EDID_MAX_ACTIVE;

  memset (edid, 0, VIRTIO_GPU_EDID_SIZE);
  memcpy (edid, header, sizeof header);
  edid[EDID_VENDOR] = (uint8_t) (vendor >> 8);
  edid[EDID_VENDOR + 1] = (uint8_t) vendor;
  edid[EDID_PRODUCT] = 0x01;
  for (unsigned i = 0; i < 4; i++)
    edid[EDID_SERIAL + i] = (uint8_t) (serial >> (8 * i));
  edid[EDID_WEEK] = 1;
  edid[EDID_YEAR] = 2024 - 1990;
  edid[EDID_VERSION] = 1;
  edid[EDID_VERSION + 1] = 4;
  /* Digital, 8 bits per colour, DisplayPort. */
  edid[EDID_INPUT] = 0xa5;
  w_cm = width * 254 / (EDID_DPI * 100);
  h_cm = height * 254 / (EDID_DPI * 100);
  edid[EDID_SIZE_CM] = (uint8_t) (w_cm > 255 ? 255 : w_cm ? w_cm : 1);
  edid[EDID_SIZE_CM + 1] = (uint8_t) (h_cm > 255 ? 255 : h_cm ? h_cm : 1);
  edid[EDID_GAMMA] = 120;  /* 2.2 */
  /* DPMS active-off, RGB 4:4:4, sRGB default, preferred timing is native. */
  edid[EDID_FEATURES] = 0x26;
  edid_put_chromaticity (edid + EDID_CHROMA);

  edid[EDID_ESTABLISHED] = 0x21;     /* 640x480@60, 800x600@60 */
  edid[EDID_ESTABLISHED + 1] = 0x08; /* 1024x768@60 */
  for (unsigned i = 0; i < 8; i++)
    {
      edid[EDID_STANDARD + 2 * i] = (uint8_t) (edid_std_modes[i].width / 8 - 31);
      edid[EDID_STANDARD + 2 * i + 1] = (uint8_t) (edid_std_modes[i].aspect << 6 | (60 - 60));
    }

  edid_put_detailed_timing (edid + EDID_DESCRIPTORS, width, height);
  edid_put_range_limits (edid + EDID_DESCRIPTORS + EDID_DESCRIPTOR_SIZE);
  edid_put_name (edid + EDID_DESCRIPTORS + 2 * EDID_DESCRIPTOR_SIZE, "Terrarium");
  /* The fourth descriptor is a dummy (tag 0x10). */
  edid[EDID_DESCRIPTORS + 3 * EDID_DESCRIPTOR_SIZE + 3] = 0x10;

  edid[EDID_EXTENSIONS] = 0;
  for (unsigned i = 0; i < EDID_CHECKSUM; i++)
    sum += edid[i];
  edid[EDID_CHECKSUM] = (uint8_t) (0x100 - sum);
}
