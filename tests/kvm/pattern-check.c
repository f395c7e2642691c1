/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Usage: pattern-check PNG WIDTH HEIGHT
 *        pattern-check --fbcon PNG
 *        pattern-check --same IMAGE IMAGE
 *        pattern-check --contains IMAGE WIDTH HEIGHT
 *        pattern-check --pixels IMAGE WIDTH HEIGHT X,Y,RRGGBB...
 *
 * Compares a screenshot with tests/guest/pattern.h pixel for pixel (exit 0
 * when equal, 1 with the first difference printed), or checks that a text
 * console screenshot shows console text: black background with the light grey
 * (0xaaaaaa) of the default text colour; or that two images are equal; or
 * that a window's screenshot shows the WIDTHxHEIGHT pattern somewhere (each
 * channel within 8, 99% of the pixels); or that an image has a size and
 * the given colours at the given points.
 * Images are PNG, or binary PPM (P6, what spicy-screenshot writes).
 */
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../guest/pattern.h"

/* A P6 PPM with maxval 255: RGB rows like the PNG path gives. */
static png_bytep *
load_ppm (FILE *f, const char *path, png_uint_32 *w, png_uint_32 *h)
{
  unsigned width, height, maxval;
  png_bytep *rows;

  if (fscanf (f, "P6 %u %u %u", &width, &height, &maxval) != 3 || maxval != 255 ||
      fgetc (f) == EOF || width == 0 || height == 0 || width > 16384 || height > 16384)
    {
      fprintf (stderr, "%s: not a binary PPM with 8-bit channels\n", path);
      return NULL;
    }
  rows = calloc (height, sizeof *rows);
  for (unsigned y = 0; y < height; y++)
    {
      rows[y] = malloc ((size_t) width * 3);
      if (fread (rows[y], 3, width, f) != width)
        {
          fprintf (stderr, "%s: truncated at row %u\n", path, y);
          return NULL;
        }
    }
  fclose (f);
  *w = width;
  *h = height;
  return rows;
}

static png_bytep *
load (const char *path, png_uint_32 *w, png_uint_32 *h)
{
  FILE *f = fopen (path, "rb");
  png_structp png;
  png_infop info;
  png_bytep *rows;
  int c;

  if (!f)
    {
      perror (path);
      return NULL;
    }
  c = fgetc (f);
  rewind (f);
  if (c == 'P')
    return load_ppm (f, path, w, h);
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

static int
near (png_bytep p, uint32_t want)
{
  return abs (p[0] - (int) (want >> 16 & 0xff)) <= 8 && abs (p[1] - (int) (want >> 8 & 0xff)) <= 8 &&
         abs (p[2] - (int) (want & 0xff)) <= 8;
}

/* Where the pattern lies in @rows: tries every offset against a few probe
 * pixels, then checks the whole pattern at the offsets that pass. */
static int
contains (png_bytep *rows, png_uint_32 w, png_uint_32 h, png_uint_32 pw, png_uint_32 ph)
{
  const png_uint_32 probes[][2] = { { 1, 1 }, { pw - 2, ph - 2 }, { pw / 2, ph / 3 },
                                    { pw / 3, ph / 2 }, { pw - 2, 1 }, { 1, ph - 2 } };

  for (png_uint_32 oy = 0; oy + ph <= h; oy++)
    for (png_uint_32 ox = 0; ox + pw <= w; ox++)
      {
        unsigned long close = 0, total = (unsigned long) pw * ph;
        unsigned i;

        for (i = 0; i < sizeof probes / sizeof probes[0]; i++)
          if (!near (rows[oy + probes[i][1]] + (ox + probes[i][0]) * 3,
                     test_pattern_pixel (probes[i][0], probes[i][1], pw, ph)))
            break;
        if (i < sizeof probes / sizeof probes[0])
          continue;
        for (png_uint_32 y = 0; y < ph; y++)
          for (png_uint_32 x = 0; x < pw; x++)
            close += near (rows[oy + y] + (ox + x) * 3, test_pattern_pixel (x, y, pw, ph));
        printf ("at (%u,%u): %lu of %lu pixels match the pattern\n", ox, oy, close, total);
        if (close * 100 >= total * 99)
          return 0;
      }
  printf ("no %ux%u pattern in the %ux%u image\n", pw, ph, w, h);
  return 1;
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
  if (argc == 5 && strcmp (argv[1], "--contains") == 0)
    {
      png_uint_32 pw = strtoul (argv[3], NULL, 10), ph = strtoul (argv[4], NULL, 10);

      if (!(rows = load (argv[2], &w, &h)))
        return 1;
      if (pw < 4 || ph < 4 || w < pw || h < ph)
        return printf ("image %ux%u cannot hold %ux%u\n", w, h, pw, ph), 1;
      return contains (rows, w, h, pw, ph);
    }
  if (argc >= 5 && strcmp (argv[1], "--pixels") == 0)
    {
      int bad = 0;

      if (!(rows = load (argv[2], &w, &h)))
        return 1;
      if (w != strtoul (argv[3], NULL, 10) || h != strtoul (argv[4], NULL, 10))
        return printf ("size %ux%u, expected %sx%s\n", w, h, argv[3], argv[4]), 1;
      for (int i = 5; i < argc; i++)
        {
          unsigned x, y, want, got;

          if (sscanf (argv[i], "%u,%u,%x", &x, &y, &want) != 3 || x >= w || y >= h)
            return fprintf (stderr, "bad point '%s'\n", argv[i]), 2;
          got = (unsigned) rows[y][x * 3] << 16 | (unsigned) rows[y][x * 3 + 1] << 8 |
                rows[y][x * 3 + 2];
          if (got != want)
            {
              printf ("pixel (%u,%u) is %06x, expected %06x\n", x, y, got, want);
              bad = 1;
            }
        }
      if (!bad)
        printf ("%ux%u: all %d points as expected\n", w, h, argc - 5);
      return bad;
    }
  if (argc == 4 && strcmp (argv[1], "--same") == 0)
    {
      png_uint_32 w2, h2;
      png_bytep *rows2;

      if (!(rows = load (argv[2], &w, &h)) || !(rows2 = load (argv[3], &w2, &h2)))
        return 1;
      if (w != w2 || h != h2)
        return printf ("sizes differ: %ux%u and %ux%u\n", w, h, w2, h2), 1;
      for (png_uint_32 y = 0; y < h; y++)
        for (png_uint_32 x = 0; x < w; x++)
          if (memcmp (rows[y] + x * 3, rows2[y] + x * 3, 3) != 0)
            {
              png_bytep a = rows[y] + x * 3, b = rows2[y] + x * 3;

              printf ("pixel (%u,%u) is %02x%02x%02x and %02x%02x%02x\n", x, y, a[0], a[1], a[2],
                      b[0], b[1], b[2]);
              return 1;
            }
      printf ("%ux%u: the images are equal\n", w, h);
      return 0;
    }
  if (argc != 4)
    {
      fprintf (stderr, "usage: pattern-check PNG WIDTH HEIGHT | --near PNG W H | --fbcon PNG | "
               "--same IMAGE IMAGE | --contains IMAGE W H | --pixels IMAGE W H X,Y,RRGGBB...\n");
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
