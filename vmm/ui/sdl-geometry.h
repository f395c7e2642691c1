/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdint.h>

/* Where a surface is drawn in a window: scaled to fit, aspect ratio kept,
 * centred with black bars (letterbox or pillarbox). */
struct sdl_viewport {
  int x, y;              /* window coordinates, origin top left */
  int width, height;
};

void sdl_geometry_letterbox (uint32_t surface_width, uint32_t surface_height, int window_width,
                             int window_height, struct sdl_viewport *out);

/* A window point in surface pixels, clamped to the surface so the pointer
 * reaches the guest's edges from the bars. */
void sdl_geometry_window_to_surface (const struct sdl_viewport *viewport,
                                     uint32_t surface_width, uint32_t surface_height,
                                     int window_x, int window_y, int32_t *x, int32_t *y);

/* The largest size with the surface's aspect ratio that fits @max_width x
 * @max_height and is no larger than the surface. */
void sdl_geometry_fit (uint32_t surface_width, uint32_t surface_height, int max_width,
                       int max_height, int *width, int *height);
