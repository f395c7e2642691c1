/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-sdl-geometry"

#include "config.h"

#include <glib.h>

#include "ui/sdl-geometry.h"

static void
check_letterbox (uint32_t sw, uint32_t sh, int ww, int wh, int x, int y, int w, int h)
{
  struct sdl_viewport v;

  sdl_geometry_letterbox (sw, sh, ww, wh, &v);
  g_assert_cmpint (v.x, ==, x);
  g_assert_cmpint (v.y, ==, y);
  g_assert_cmpint (v.width, ==, w);
  g_assert_cmpint (v.height, ==, h);
}

static void
test_letterbox (void)
{
  check_letterbox (640, 480, 640, 480, 0, 0, 640, 480);
  check_letterbox (640, 480, 1280, 960, 0, 0, 1280, 960);
  /* Wider window: bars left and right. */
  check_letterbox (640, 480, 1000, 480, 180, 0, 640, 480);
  /* Taller window: bars above and below. */
  check_letterbox (640, 480, 320, 1000, 0, 380, 320, 240);
  check_letterbox (1920, 1080, 800, 800, 0, 175, 800, 450);
  /* Degenerate sizes never divide by zero. */
  check_letterbox (0, 480, 800, 600, 0, 0, 0, 0);
  check_letterbox (640, 480, 0, 600, 0, 0, 0, 0);
  check_letterbox (640, 480, -5, 600, 0, 0, 0, 0);
  /* A sliver still gets a pixel. */
  check_letterbox (8192, 1, 10, 10, 0, 4, 10, 1);
}

static void
test_window_to_surface (void)
{
  struct sdl_viewport v;
  int32_t x, y;

  /* 640x480 shown at 2x in a 1280x960 window with 100 px bars on the left. */
  v = (struct sdl_viewport) { 100, 0, 1280, 960 };
  sdl_geometry_window_to_surface (&v, 640, 480, 100, 0, &x, &y);
  g_assert_cmpint (x, ==, 0);
  g_assert_cmpint (y, ==, 0);
  sdl_geometry_window_to_surface (&v, 640, 480, 101 + 2 * 320, 2 * 240 + 1, &x, &y);
  g_assert_cmpint (x, ==, 320);
  g_assert_cmpint (y, ==, 240);
  /* In the bars or outside the window: clamped to the edges. */
  sdl_geometry_window_to_surface (&v, 640, 480, 50, -20, &x, &y);
  g_assert_cmpint (x, ==, 0);
  g_assert_cmpint (y, ==, 0);
  sdl_geometry_window_to_surface (&v, 640, 480, 5000, 5000, &x, &y);
  g_assert_cmpint (x, ==, 639);
  g_assert_cmpint (y, ==, 479);
  sdl_geometry_window_to_surface (&v, 640, 480, G_MININT, G_MAXINT, &x, &y);
  g_assert_cmpint (x, ==, 0);
  g_assert_cmpint (y, ==, 479);

  v = (struct sdl_viewport) { 0, 0, 0, 0 };
  sdl_geometry_window_to_surface (&v, 640, 480, 10, 10, &x, &y);
  g_assert_cmpint (x, ==, 0);
  g_assert_cmpint (y, ==, 0);
}

static void
test_fit (void)
{
  int w, h;

  sdl_geometry_fit (1024, 768, 1920, 1080, &w, &h);
  g_assert_cmpint (w, ==, 1024);
  g_assert_cmpint (h, ==, 768);
  sdl_geometry_fit (3840, 2160, 1920, 1000, &w, &h);
  g_assert_cmpint (w, ==, 1778);
  g_assert_cmpint (h, ==, 1000);
}

static void
check_cursor (const struct sdl_viewport *v, uint32_t sw, uint32_t sh, uint32_t cw, uint32_t ch,
              uint32_t hx, uint32_t hy, int w, int h, int hot_x, int hot_y)
{
  struct sdl_cursor_geometry g;

  sdl_geometry_cursor (v, sw, sh, cw, ch, hx, hy, &g);
  g_assert_cmpint (g.width, ==, w);
  g_assert_cmpint (g.height, ==, h);
  g_assert_cmpint (g.hot_x, ==, hot_x);
  g_assert_cmpint (g.hot_y, ==, hot_y);
}

static void
test_cursor (void)
{
  struct sdl_viewport v;

  /* Shown 1:1, then at 2x with bars (the bars do not matter for the size). */
  v = (struct sdl_viewport) { 0, 0, 640, 480 };
  check_cursor (&v, 640, 480, 32, 32, 5, 7, 32, 32, 5, 7);
  v = (struct sdl_viewport) { 100, 0, 1280, 960 };
  check_cursor (&v, 640, 480, 32, 32, 5, 7, 64, 64, 10, 14);
  check_cursor (&v, 640, 480, 24, 12, 23, 11, 48, 24, 46, 22);
  /* Shrunk to half, and at 1.5x: the hotspot stays on its pixel. */
  v = (struct sdl_viewport) { 0, 60, 960, 540 };
  check_cursor (&v, 1920, 1080, 64, 64, 63, 63, 32, 32, 31, 31);
  v = (struct sdl_viewport) { 0, 0, 960, 720 };
  check_cursor (&v, 640, 480, 24, 24, 3, 3, 36, 36, 4, 4);
  /* A hotspot outside the image is pulled in. */
  v = (struct sdl_viewport) { 0, 0, 1280, 960 };
  check_cursor (&v, 640, 480, 32, 32, 100, 1000, 64, 64, 62, 62);
  /* Huge scales are capped, aspect kept. */
  v = (struct sdl_viewport) { 0, 0, 5120, 3840 };
  check_cursor (&v, 640, 480, 64, 32, 32, 16, 256, 128, 128, 64);
  /* Tiny ones keep a pixel. */
  v = (struct sdl_viewport) { 0, 0, 64, 48 };
  check_cursor (&v, 640, 480, 1, 1, 0, 0, 1, 1, 0, 0);
  /* No viewport yet: as the guest made it; no image: nothing. */
  v = (struct sdl_viewport) { 0, 0, 0, 0 };
  check_cursor (&v, 640, 480, 32, 32, 5, 7, 32, 32, 5, 7);
  check_cursor (&v, 0, 0, 32, 32, 5, 7, 32, 32, 5, 7);
  v = (struct sdl_viewport) { 0, 0, 1280, 960 };
  check_cursor (&v, 640, 480, 0, 0, 5, 7, 0, 0, 0, 0);
}

static void
test_scale_pixels (void)
{
  const uint32_t src[] = { 1, 2, 3, 4 };
  const uint32_t big[] = { 1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4 };
  uint32_t dst[16], back[4];

  sdl_geometry_scale_pixels (src, 2, 2, dst, 4, 4);
  g_assert_cmpmem (dst, sizeof dst, big, sizeof big);
  sdl_geometry_scale_pixels (big, 4, 4, back, 2, 2);
  g_assert_cmpmem (back, sizeof back, src, sizeof src);
  /* 3x1 from 2x1: nearest, left to right. */
  sdl_geometry_scale_pixels (src, 2, 1, dst, 3, 1);
  g_assert_cmpuint (dst[0], ==, 1);
  g_assert_cmpuint (dst[1], ==, 1);
  g_assert_cmpuint (dst[2], ==, 2);
}

static void
test_surface_to_window (void)
{
  struct sdl_viewport v = { 100, 0, 1280, 960 };
  int x, y;

  sdl_geometry_surface_to_window (&v, 640, 480, 0, 0, &x, &y);
  g_assert_cmpint (x, ==, 100);
  g_assert_cmpint (y, ==, 0);
  sdl_geometry_surface_to_window (&v, 640, 480, 320, 240, &x, &y);
  g_assert_cmpint (x, ==, 740);
  g_assert_cmpint (y, ==, 480);
  /* Off the surface (a cursor partly outside it) keeps its distance. */
  sdl_geometry_surface_to_window (&v, 640, 480, -3, 481, &x, &y);
  g_assert_cmpint (x, ==, 94);
  g_assert_cmpint (y, ==, 962);

  /* The inverse of window_to_surface when the picture is enlarged, odd
   * scales and bars included. */
  v = (struct sdl_viewport) { 7, 3, 1000, 750 };
  for (int32_t sx = 0; sx < 640; sx += 13)
    {
      int32_t bx, by;

      sdl_geometry_surface_to_window (&v, 640, 480, sx, sx * 3 / 4, &x, &y);
      sdl_geometry_window_to_surface (&v, 640, 480, x, y, &bx, &by);
      g_assert_cmpint (bx, ==, sx);
      g_assert_cmpint (by, ==, sx * 3 / 4);
    }

  v = (struct sdl_viewport) { 0, 0, 0, 0 };
  sdl_geometry_surface_to_window (&v, 640, 480, 12, 34, &x, &y);
  g_assert_cmpint (x, ==, 12);
  g_assert_cmpint (y, ==, 34);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/Vmm/sdl/geometry/letterbox", test_letterbox);
  g_test_add_func ("/Vmm/sdl/geometry/window-to-surface", test_window_to_surface);
  g_test_add_func ("/Vmm/sdl/geometry/fit", test_fit);
  g_test_add_func ("/Vmm/sdl/geometry/cursor", test_cursor);
  g_test_add_func ("/Vmm/sdl/geometry/scale-pixels", test_scale_pixels);
  g_test_add_func ("/Vmm/sdl/geometry/surface-to-window", test_surface_to_window);
  return g_test_run ();
}
