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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/Vmm/sdl/geometry/letterbox", test_letterbox);
  g_test_add_func ("/Vmm/sdl/geometry/window-to-surface", test_window_to_surface);
  g_test_add_func ("/Vmm/sdl/geometry/fit", test_fit);
  return g_test_run ();
}
