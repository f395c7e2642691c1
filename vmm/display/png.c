/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "display"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "display.h"
#include "log.h"

/* An RGB copy of a surface, taken before encoding so a slow encoder never
 * holds the display or sees a half-drawn mode change. */
struct display_png_image {
  uint32_t width, height;
  uint8_t *rgb;           /* width * 3 bytes per row */
};

struct display_png_writer {
  int fd;
  int err;                /* errno of the first failed write */
  char message[160];      /* libpng's complaint */
};

static int
display_png_copy (struct display *display, unsigned scanout, struct display_png_image *image)
{
  struct display_surface *surface;

  if (scanout >= display_get_n_scanouts (display))
    {
      vmm_error ("screenshot: scanout %u does not exist", scanout);
      return -EINVAL;
    }
  surface = display_get_surface (display, scanout);
  if (!surface)
    {
      vmm_error ("screenshot: scanout %u is disabled", scanout);
      return -ENODEV;
    }
  image->width = surface->width;
  image->height = surface->height;
  image->rgb = g_try_malloc ((size_t) surface->width * 3 * surface->height);
  if (!image->rgb)
    {
      display_surface_unref (surface);
      vmm_error ("screenshot: out of memory for %ux%u", image->width, image->height);
      return -ENOMEM;
    }
  for (uint32_t y = 0; y < surface->height; y++)
    {
      const uint8_t *src = surface->data + (size_t) y * surface->stride;
      uint8_t *dst = image->rgb + (size_t) y * surface->width * 3;

      /* XRGB8888 little-endian: bytes B, G, R, X. */
      for (uint32_t x = 0; x < surface->width; x++, src += 4, dst += 3)
        {
          dst[0] = src[2];
          dst[1] = src[1];
          dst[2] = src[0];
        }
    }
  display_surface_unref (surface);
  return 0;
}

static void
display_png_write_data (png_structp png, png_bytep data, png_size_t len)
{
  struct display_png_writer *w = png_get_io_ptr (png);

  while (len > 0)
    {
      ssize_t n = write (w->fd, data, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          w->err = n < 0 ? errno : EIO;
          png_error (png, "write failed");
        }
      data += n;
      len -= (size_t) n;
    }
}

static void
display_png_flush (png_structp png)
{
}

static void
display_png_error (png_structp png, png_const_charp message)
{
  struct display_png_writer *w = png_get_error_ptr (png);

  g_strlcpy (w->message, message, sizeof w->message);
  png_longjmp (png, 1);
}

static void
display_png_warning (png_structp png, png_const_charp message)
{
  vmm_debug ("libpng: %s", message);
}

/* Everything touched after setjmp lives in @w or @image, not in locals, so
 * a longjmp back leaves nothing indeterminate. */
static int
display_png_encode (const struct display_png_image *image, struct display_png_writer *w)
{
  png_structp png;
  png_infop info;

  png = png_create_write_struct (PNG_LIBPNG_VER_STRING, w, display_png_error,
                                 display_png_warning);
  if (!png)
    return -ENOMEM;
  info = png_create_info_struct (png);
  if (!info)
    {
      png_destroy_write_struct (&png, NULL);
      return -ENOMEM;
    }
  if (setjmp (png_jmpbuf (png)))
    {
      png_destroy_write_struct (&png, &info);
      vmm_error ("screenshot: %s%s%s", w->message, w->err ? ": " : "",
                 w->err ? g_strerror (w->err) : "");
      return w->err ? -w->err : -EIO;
    }
  png_set_write_fn (png, w, display_png_write_data, display_png_flush);
  /* Screenshots are taken while the VM runs: speed over the last few bytes. */
  png_set_compression_level (png, 3);
  png_set_IHDR (png, info, image->width, image->height, 8, PNG_COLOR_TYPE_RGB,
                PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info (png, info);
  for (uint32_t y = 0; y < image->height; y++)
    png_write_row (png, image->rgb + (size_t) y * image->width * 3);
  png_write_end (png, NULL);
  png_destroy_write_struct (&png, &info);
  return 0;
}

int
display_screenshot_fd (struct display *display, unsigned scanout, int fd)
{
  struct display_png_image image = { 0 };
  struct display_png_writer w = { .fd = fd };
  int ret;

  ret = display_png_copy (display, scanout, &image);
  if (ret < 0)
    return ret;
  ret = display_png_encode (&image, &w);
  g_free (image.rgb);
  return ret;
}

int
display_screenshot_path (struct display *display, unsigned scanout, const char *path)
{
  g_autofree char *tmp = g_strdup_printf ("%s.XXXXXX", path);
  int fd, ret;

  /* Into a temporary file next to @path, then renamed: whoever watches
   * @path sees no file or a complete one. */
  fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      ret = -errno;
      vmm_error ("screenshot: cannot create a file next to %s: %s", path, g_strerror (-ret));
      return ret;
    }
  ret = display_screenshot_fd (display, scanout, fd);
  if (ret == 0 && fsync (fd) < 0)
    {
      ret = -errno;
      vmm_error ("screenshot: %s: %s", tmp, g_strerror (-ret));
    }
  if (close (fd) < 0 && ret == 0)
    {
      ret = -errno;
      vmm_error ("screenshot: %s: %s", tmp, g_strerror (-ret));
    }
  if (ret == 0 && rename (tmp, path) < 0)
    {
      ret = -errno;
      vmm_error ("screenshot: cannot rename %s to %s: %s", tmp, path, g_strerror (-ret));
    }
  if (ret < 0)
    unlink (tmp);
  return ret;
}
