/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdint.h>

/*
 * The test image guest programs draw and host tests check, pixel for pixel:
 * a function of position and size only, with every channel varying so that a
 * swapped channel, an off-by-one row or a wrong stride shows.
 * Returns XRGB8888 (0x00RRGGBB).
 */
static inline uint32_t
test_pattern_pixel (uint32_t x, uint32_t y, uint32_t width, uint32_t height)
{
  uint32_t r, g, b;

  if (x == 0 || y == 0 || x == width - 1 || y == height - 1)
    return 0x00ffffff; /* a white frame marks the edges */
  r = (x * 255 / (width - 1)) & 0xff;
  g = (y * 255 / (height - 1)) & 0xff;
  b = ((x / 16 + y / 16) & 1) ? 0xc0 : 0x40;
  return (r << 16) | (g << 8) | b;
}
