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

/* The largest cursor image the window gives the window system. */
#define SDL_GEOMETRY_CURSOR_MAX 256

/* A guest cursor image as the window shows it. */
struct sdl_cursor_geometry {
  int width, height;     /* 0: no image */
  int hot_x, hot_y;      /* inside the image */
};

/* The guest's cursor (@cursor_width x @cursor_height, hotspot @hot_x, @hot_y,
 * in surface pixels) scaled as the surface is in @viewport, so that it keeps
 * its size relative to the guest's screen; capped at SDL_GEOMETRY_CURSOR_MAX
 * with its aspect ratio kept. Unscaled while there is no viewport. */
void sdl_geometry_cursor (const struct sdl_viewport *viewport, uint32_t surface_width,
                          uint32_t surface_height, uint32_t cursor_width, uint32_t cursor_height,
                          uint32_t hot_x, uint32_t hot_y, struct sdl_cursor_geometry *out);

/* Resamples @src (@src_width x @src_height, packed rows) to @dst (@dst_width
 * x @dst_height, packed rows), nearest pixel: cursors are small, and
 * smoothing would blur their one-pixel outlines. */
void sdl_geometry_scale_pixels (const uint32_t *src, int src_width, int src_height,
                                uint32_t *dst, int dst_width, int dst_height);

/* A surface pixel in window coordinates (its first window pixel): where the guest's
 * cursor hotspot at (@x, @y) is drawn. The inverse of window_to_surface. */
void sdl_geometry_surface_to_window (const struct sdl_viewport *viewport,
                                     uint32_t surface_width, uint32_t surface_height,
                                     int32_t x, int32_t y, int *window_x, int *window_y);
