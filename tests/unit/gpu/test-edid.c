/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-edid"

#include "config.h"

#include <glib.h>
#include <stdbool.h>
#include <string.h>

#include "virtio/gpu/edid.h"

static void
check_valid (const uint8_t *e)
{
  static const uint8_t header[8] = { 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00 };
  uint8_t sum = 0;

  for (unsigned i = 0; i < VIRTIO_GPU_EDID_SIZE; i++)
    sum += e[i];
  g_assert_cmpuint (sum, ==, 0);
  g_assert_cmpmem (e, 8, header, 8);
  g_assert_cmpuint (e[18], ==, 1);
  g_assert_cmpuint (e[19], ==, 4);
  g_assert_cmpuint (e[126], ==, 0);
}

/* The preferred mode: the first descriptor, a detailed timing. */
static void
preferred_mode (const uint8_t *e, uint32_t *w, uint32_t *h, double *refresh)
{
  const uint8_t *d = e + 54;
  uint32_t clock = (d[0] | d[1] << 8) * 10000u;
  uint32_t h_blank = d[3] | (d[4] & 0xf) << 8, v_blank = d[6] | (d[7] & 0xf) << 8;

  g_assert_cmpuint (clock, !=, 0);
  *w = d[2] | (d[4] >> 4) << 8;
  *h = d[5] | (d[7] >> 4) << 8;
  *refresh = (double) clock / ((*w + h_blank) * (double) (*h + v_blank));
}

static const uint8_t *
find_descriptor (const uint8_t *e, uint8_t tag)
{
  for (unsigned i = 1; i < 4; i++)
    {
      const uint8_t *d = e + 54 + 18 * i;

      if (d[0] == 0 && d[1] == 0 && d[3] == tag)
        return d;
    }
  return NULL;
}

static void
test_edid_preferred (void)
{
  static const uint32_t sizes[][2] = {
    { 1024, 768 }, { 1920, 1080 }, { 1280, 800 }, { 333, 201 }, { 3840, 2160 },
  };
  uint8_t e[VIRTIO_GPU_EDID_SIZE];

  for (unsigned i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      uint32_t w, h;
      double refresh;

      virtio_gpu_edid_build (e, sizes[i][0], sizes[i][1], i);
      check_valid (e);
      preferred_mode (e, &w, &h, &refresh);
      g_assert_cmpuint (w, ==, sizes[i][0]);
      g_assert_cmpuint (h, ==, sizes[i][1]);
      g_assert_cmpfloat (refresh, >, 59.0);
      g_assert_cmpfloat (refresh, <, 61.0);
      g_assert_cmpuint (e[12], ==, i);  /* serial */
    }
}

static void
test_edid_clamped (void)
{
  uint8_t e[VIRTIO_GPU_EDID_SIZE];
  uint32_t w, h;
  double refresh;

  virtio_gpu_edid_build (e, 8192, 8192, 0);
  check_valid (e);
  preferred_mode (e, &w, &h, &refresh);
  g_assert_cmpuint (w, ==, VIRTIO_GPU_EDID_MAX_ACTIVE);
  g_assert_cmpuint (h, ==, VIRTIO_GPU_EDID_MAX_ACTIVE);
  g_assert_cmpfloat (refresh, >, 1.0);

  /* No size: the default monitor. */
  virtio_gpu_edid_build (e, 0, 0, 0);
  check_valid (e);
  preferred_mode (e, &w, &h, &refresh);
  g_assert_cmpuint (w, ==, 1024);
  g_assert_cmpuint (h, ==, 768);
}

static void
test_edid_name_and_modes (void)
{
  uint8_t e[VIRTIO_GPU_EDID_SIZE];
  const uint8_t *name, *range;
  bool have_1080p = false, have_720p = false, have_1280x800 = false;

  virtio_gpu_edid_build (e, 1600, 900, 0);
  name = find_descriptor (e, 0xfc);
  g_assert_nonnull (name);
  g_assert_cmpmem (name + 5, 10, "Terrarium\n", 10);
  range = find_descriptor (e, 0xfd);
  g_assert_nonnull (range);
  g_assert_cmpuint (range[5], <=, 60);
  g_assert_cmpuint (range[6], >=, 60);

  /* Established: 640x480@60, 800x600@60, 1024x768@60. */
  g_assert_true (e[35] & 0x20);
  g_assert_true (e[35] & 0x01);
  g_assert_true (e[36] & 0x08);

  for (unsigned i = 0; i < 8; i++)
    {
      const uint8_t *s = e + 38 + 2 * i;
      uint32_t w, h;

      if (s[0] == 0x01 && s[1] == 0x01)
        continue;
      w = (s[0] + 31) * 8;
      switch (s[1] >> 6)
        {
        case 0: h = w * 10 / 16; break;
        case 1: h = w * 3 / 4; break;
        case 2: h = w * 4 / 5; break;
        default: h = w * 9 / 16; break;
        }
      g_assert_cmpuint (s[1] & 0x3f, ==, 0);  /* 60 Hz */
      have_1080p |= w == 1920 && h == 1080;
      have_720p |= w == 1280 && h == 720;
      have_1280x800 |= w == 1280 && h == 800;
    }
  g_assert_true (have_1080p);
  g_assert_true (have_720p);
  g_assert_true (have_1280x800);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/Vmm/virtio-gpu/edid/preferred", test_edid_preferred);
  g_test_add_func ("/Vmm/virtio-gpu/edid/clamped", test_edid_clamped);
  g_test_add_func ("/Vmm/virtio-gpu/edid/name-and-modes", test_edid_name_and_modes);
  return g_test_run ();
}
