/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sdl"

#include "config.h"

#include "sdl-geometry.h"

#include <glib.h>

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
