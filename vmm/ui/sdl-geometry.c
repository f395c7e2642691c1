/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sdl"

#include "config.h"

#include "sdl-geometry.h"

#include <glib.h>

/* For b > 0. */
static int64_t
ceil_div (int64_t a, int64_t b)
{
  return a / b + (a % b > 0);
}

void
sdl_geometry_letterbox (uint32_t surface_width, uint32_t surface_height, int window_width,
                        int window_height, struct sdl_viewport *out)
{
  int64_t sw = surface_width, sh = surface_height;
  int64_t ww = MAX (window_width, 0), wh = MAX (window_height, 0);

  if (sw == 0 || sh == 0 || ww == 0 || wh == 0)
    {
      *out = (struct sdl_viewport) { 0, 0, 0, 0 };
      return;
    }
  /* Compare ww/sw with wh/sh without division. */
  if (ww * sh <= wh * sw)
    {
      out->width = (int) ww;
      out->height = (int) MAX ((ww * sh + sw / 2) / sw, 1);
    }
  else
    {
      out->height = (int) wh;
      out->width = (int) MAX ((wh * sw + sh / 2) / sh, 1);
    }
  out->x = (int) ((ww - out->width) / 2);
  out->y = (int) ((wh - out->height) / 2);
}

void
sdl_geometry_window_to_surface (const struct sdl_viewport *viewport,
                                uint32_t surface_width, uint32_t surface_height,
                                int window_x, int window_y, int32_t *x, int32_t *y)
{
  int64_t sx, sy;

  if (viewport->width <= 0 || viewport->height <= 0 || surface_width == 0
      || surface_height == 0)
    {
      *x = *y = 0;
      return;
    }
  sx = ((int64_t) window_x - viewport->x) * surface_width / viewport->width;
  sy = ((int64_t) window_y - viewport->y) * surface_height / viewport->height;
  *x = (int32_t) CLAMP (sx, 0, (int64_t) surface_width - 1);
  *y = (int32_t) CLAMP (sy, 0, (int64_t) surface_height - 1);
}

void
sdl_geometry_fit (uint32_t surface_width, uint32_t surface_height, int max_width,
                  int max_height, int *width, int *height)
{
  struct sdl_viewport v;

  if ((int64_t) surface_width <= max_width && (int64_t) surface_height <= max_height)
    {
      *width = (int) surface_width;
      *height = (int) surface_height;
      return;
    }
  sdl_geometry_letterbox (surface_width, surface_height, max_width, max_height, &v);
  *width = v.width;
  *height = v.height;
}

void
sdl_geometry_cursor (const struct sdl_viewport *viewport, uint32_t surface_width,
                     uint32_t surface_height, uint32_t cursor_width, uint32_t cursor_height,
                     uint32_t hot_x, uint32_t hot_y, struct sdl_cursor_geometry *out)
{
  /* The scale as a fraction num/den, the same on both axes: the viewport
   * keeps the surface's aspect ratio up to rounding. */
  int64_t num = 1, den = 1, big;
  int64_t w, h;

  if (cursor_width == 0 || cursor_height == 0)
    {
      *out = (struct sdl_cursor_geometry) { 0, 0, 0, 0 };
      return;
    }
  if (viewport->width > 0 && viewport->height > 0 && surface_width && surface_height)
    {
      num = viewport->width;
      den = surface_width;
    }
  big = MAX (cursor_width, cursor_height);
  if (big * num > (int64_t) SDL_GEOMETRY_CURSOR_MAX * den)
    {
      num = SDL_GEOMETRY_CURSOR_MAX;
      den = big;
    }
  w = MAX ((cursor_width * num + den / 2) / den, 1);
  h = MAX ((cursor_height * num + den / 2) / den, 1);
  out->width = (int) w;
  out->height = (int) h;
  /* The hotspot stays on the pixel it marked. */
  out->hot_x = (int) MIN ((int64_t) MIN (hot_x, cursor_width - 1) * num / den, w - 1);
  out->hot_y = (int) MIN ((int64_t) MIN (hot_y, cursor_height - 1) * num / den, h - 1);
}

void
sdl_geometry_scale_pixels (const uint32_t *src, int src_width, int src_height, uint32_t *dst,
                           int dst_width, int dst_height)
{
  if (src_width <= 0 || src_height <= 0)
    return;
  for (int y = 0; y < dst_height; y++)
    {
      const uint32_t *row = src + (int64_t) y * src_height / dst_height * src_width;

      for (int x = 0; x < dst_width; x++)
        dst[(int64_t) y * dst_width + x] = row[(int64_t) x * src_width / dst_width];
    }
}

void
sdl_geometry_surface_to_window (const struct sdl_viewport *viewport, uint32_t surface_width,
                                uint32_t surface_height, int32_t x, int32_t y, int *window_x,
                                int *window_y)
{
  if (viewport->width <= 0 || viewport->height <= 0 || surface_width == 0
      || surface_height == 0)
    {
      *window_x = x;
      *window_y = y;
      return;
    }
  /* The first window pixel that maps back to (x, y); rounding up on both
   * sides of the origin (a cursor may hang off the surface). */
  *window_x = viewport->x + (int) ceil_div ((int64_t) x * viewport->width, surface_width);
  *window_y = viewport->y + (int) ceil_div ((int64_t) y * viewport->height, surface_height);
}
