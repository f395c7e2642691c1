/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Usage: pattern-check PNG WIDTH HEIGHT
 *        pattern-check --fbcon PNG
 *
 * Compares a screenshot with tests/guest/pattern.h pixel for pixel (exit 0
 * when equal, 1 with the first difference printed), or checks that a text
 * console screenshot shows console text: black background with the light grey
 * (0xaaaaaa) of the default text colour.
 */
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../guest/pattern.h"

static png_bytep *
load (const char *path, png_uint_32 *w, png_uint_32 *h)
{
  FILE *f = fopen (path, "rb");
  png_structp png;
  png_infop info;
  png_bytep *rows;

  if (!f)
    {
      perror (path);
      return NULL;
    }
  png = png_create_read_struct (PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  info = png_create_info_struct (png);
  if (setjmp (png_jmpbuf (png)))
    {
      fprintf (stderr, "%s: not a readable PNG\n", path);
      return NULL;
    }
  png_init_io (png, f);
  png_set_strip_alpha (png);
  png_set_strip_16 (png);
  png_set_palette_to_rgb (png);
  png_set_expand (png);
  png_set_gray_to_rgb (png);
  png_read_info (png, info);
  *w = png_get_image_width (png, info);
  *h = png_get_image_height (png, info);
  png_read_update_info (png, info);
  if (png_get_channels (png, info) != 3)
    {
      fprintf (stderr, "%s: expected RGB\n", path);
      return NULL;
    }
  rows = calloc (*h, sizeof *rows);
  for (png_uint_32 y = 0; y < *h; y++)
    rows[y] = malloc (png_get_rowbytes (png, info));
  png_read_image (png, rows);
  fclose (f);
  return rows;
}

int
main (int argc, char **argv)
{
  png_uint_32 w, h;
  png_bytep *rows;

  if (argc == 3 && strcmp (argv[1], "--fbcon") == 0)
    {
      unsigned long black = 0, grey = 0;

      if (!(rows = load (argv[2], &w, &h)))
        return 1;
      for (png_uint_32 y = 0; y < h; y++)
        for (png_uint_32 x = 0; x < w; x++)
          {
            png_bytep p = rows[y] + x * 3;

            black += p[0] == 0 && p[1] == 0 && p[2] == 0;
            grey += p[0] == 0xaa && p[1] == 0xaa && p[2] == 0xaa;
          }
      printf ("%ux%u: %lu black, %lu light grey pixels\n", w, h, black, grey);
      return black > (unsigned long) w * h / 2 && grey > 100 ? 0 : 1;
    }
  /* --near: a window's pixels, which went through GL scaling: each channel
   * within 8 of the pattern for 99% of the pixels in the top-left WxH. */
  if (argc == 5 && strcmp (argv[1], "--near") == 0)
    {
      unsigned long close = 0, total;
      png_uint_32 want_w = strtoul (argv[3], NULL, 10), want_h = strtoul (argv[4], NULL, 10);

      if (!(rows = load (argv[2], &w, &h)))
        return 1;
      if (w < want_w || h < want_h)
        return printf ("image %ux%u is smaller than %ux%u\n", w, h, want_w, want_h), 1;
      total = (unsigned long) want_w * want_h;
      for (png_uint_32 y = 0; y < want_h; y++)
        for (png_uint_32 x = 0; x < want_w; x++)
          {
            uint32_t want = test_pattern_pixel (x, y, want_w, want_h);
            png_bytep p = rows[y] + x * 3;

            close += abs (p[0] - (int) (want >> 16 & 0xff)) <= 8 &&
                     abs (p[1] - (int) (want >> 8 & 0xff)) <= 8 &&
                     abs (p[2] - (int) (want & 0xff)) <= 8;
          }
      printf ("%lu of %lu pixels match the pattern\n", close, total);
      return close * 100 >= total * 99 ? 0 : 1;
    }
  if (argc != 4)
    {
      fprintf (stderr, "usage: pattern-check PNG WIDTH HEIGHT | --near PNG W H | --fbcon PNG\n");
      return 2;
    }
  if (!(rows = load (argv[1], &w, &h)))
    return 1;
  if (w != strtoul (argv[2], NULL, 10) || h != strtoul (argv[3], NULL, 10))
    {
      printf ("size %ux%u, expected %sx%s\n", w, h, argv[2], argv[3]);
      return 1;
    }
  for (png_uint_32 y = 0; y < h; y++)
    for (png_uint_32 x = 0; x < w; x++)
      {
        uint32_t want = test_pattern_pixel (x, y, w, h);
        png_bytep p = rows[y] + x * 3;
        uint32_t got = (uint32_t) p[0] << 16 | (uint32_t) p[1] << 8 | p[2];

        if (got != want)
          {
            printf ("pixel (%u,%u) is %06x, expected %06x\n", x, y, got, want);
            return 1;
          }
      }
  printf ("%ux%u: every pixel matches the pattern\n", w, h);
  return 0;
}
