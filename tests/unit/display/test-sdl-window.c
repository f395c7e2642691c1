/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-sdl-window"

#include "config.h"

#include <SDL.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <linux/input-event-codes.h>
#include <png.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "display/display.h"
#include "ui/sdl.h"

/*
 * The SDL window on its own Xvfb with Mesa's software OpenGL: what it shows
 * is read back from the X server (ImageMagick's import); input is injected
 * as SDL events, which take the same path as the window system's.
 */

#define W 320
#define H 240

#define RED    0xff0000u
#define GREEN  0x00ff00u
#define BLUE   0x0000ffu
#define WHITE  0xffffffu
#define YELLOW 0xffff00u
#define MAGENTA 0xff00ffu

struct recorder {
  GMutex lock;
  GString *log;
  unsigned size_calls;
  uint32_t size_width, size_height;
};

static void
record (struct recorder *r, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
record (struct recorder *r, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  g_mutex_lock (&r->lock);
  g_string_append_vprintf (r->log, format, args);
  g_string_append_c (r->log, ';');
  g_mutex_unlock (&r->lock);
  va_end (args);
}

static void
on_key (void *o, unsigned code, bool pressed)
{
  record (o, "key %u %d", code, pressed);
}

static void
on_abs (void *o, unsigned scanout, int32_t x, int32_t y)
{
  record (o, "abs %u %d %d", scanout, x, y);
}

static void
on_rel (void *o, int32_t dx, int32_t dy)
{
  record (o, "rel %d %d", dx, dy);
}

static void
on_button (void *o, unsigned code, bool pressed)
{
  record (o, "button %#x %d", code, pressed);
}

static void
on_wheel (void *o, int32_t dy)
{
  record (o, "wheel %d", dy);
}

static void
on_power (void *o)
{
  record (o, "power");
}

static void
on_force_off (void *o)
{
  record (o, "force-off");
}

static void
on_grab (void *o, bool grabbed)
{
  record (o, "grab %d", grabbed);
}

static const struct sdl_window_input_ops input_ops = {
  .key = on_key,
  .pointer_abs = on_abs,
  .pointer_rel = on_rel,
  .button = on_button,
  .wheel = on_wheel,
  .power_button = on_power,
  .force_off = on_force_off,
  .grab_changed = on_grab,
};

static void
on_request_size (void *opaque, unsigned scanout, uint32_t width, uint32_t height)
{
  struct recorder *r = opaque;

  g_mutex_lock (&r->lock);
  r->size_calls++;
  r->size_width = width;
  r->size_height = height;
  g_mutex_unlock (&r->lock);
}

static const struct display_producer_ops producer_ops = { .request_size = on_request_size };

/* Waits up to 10 s for @cond, polling. */
#define WAIT_FOR(cond)                                                          \
  G_STMT_START                                                                  \
  {                                                                             \
    for (int wait_ = 0; wait_ < 1000 && !(cond); wait_++)                       \
      g_usleep (10000);                                                         \
    g_assert_true (cond);                                                       \
  }                                                                             \
  G_STMT_END

static bool
log_contains (struct recorder *r, const char *what)
{
  bool found;

  g_mutex_lock (&r->lock);
  found = strstr (r->log->str, what) != NULL;
  g_mutex_unlock (&r->lock);
  return found;
}

/* How many times @what was recorded. */
static unsigned
log_count (struct recorder *r, const char *what)
{
  unsigned n = 0;

  g_mutex_lock (&r->lock);
  for (const char *p = r->log->str; (p = strstr (p, what)); p += strlen (what))
    n++;
  g_mutex_unlock (&r->lock);
  return n;
}

static void
fill (struct display_surface *s, uint32_t x0, uint32_t y0, uint32_t w, uint32_t h, uint32_t rgb)
{
  for (uint32_t y = y0; y < y0 + h; y++)
    for (uint32_t x = x0; x < x0 + w; x++)
      *(uint32_t *) (s->data + y * s->stride + x * 4) = rgb;
}

/* Counts the screen's pixels of each colour in @rgb. */
static void
count_screen (const char *dir, const uint32_t *rgb, unsigned n, unsigned *counts)
{
  g_autofree char *path = g_build_filename (dir, "screen.png", NULL);
  g_autofree char *out = g_strdup_printf ("png24:%s", path);
  const char *argv[] = { "import", "-window", "root", out, NULL };
  g_autoptr (GError) error = NULL;
  g_autofree uint8_t *row = NULL;
  png_structp png;
  png_infop info;
  int status;
  FILE *f;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  f = fopen (path, "rb");
  g_assert_nonnull (f);
  png = png_create_read_struct (PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  info = png_create_info_struct (png);
  if (setjmp (png_jmpbuf (png)))
    g_assert_not_reached ();
  png_init_io (png, f);
  png_read_info (png, info);
  png_set_strip_alpha (png);
  png_set_strip_16 (png);
  png_read_update_info (png, info);
  g_assert_cmpuint (png_get_color_type (png, info), ==, PNG_COLOR_TYPE_RGB);
  row = g_malloc (png_get_rowbytes (png, info));
  memset (counts, 0, n * sizeof *counts);
  for (uint32_t y = 0; y < png_get_image_height (png, info); y++)
    {
      png_read_row (png, row, NULL);
      for (uint32_t x = 0; x < png_get_image_width (png, info); x++)
        {
          uint32_t c = (uint32_t) row[x * 3] << 16 | row[x * 3 + 1] << 8 | row[x * 3 + 2];
          for (unsigned i = 0; i < n; i++)
            if (c == rgb[i])
              counts[i]++;
        }
    }
  png_destroy_read_struct (&png, &info, NULL);
  fclose (f);
  g_unlink (path);
}

/* Waits until the screen shows @n colours with at least @min pixels each
 * (and @absent not at all): swaps reach the X server asynchronously. */
static void
wait_for_colours (const char *dir, const uint32_t *rgb, unsigned n, unsigned min,
                  uint32_t absent)
{
  unsigned counts[8];
  uint32_t all[9];

  memcpy (all, rgb, n * sizeof *rgb);
  all[n] = absent;
  for (int tries = 0; tries < 50; tries++)
    {
      bool ok = true;

      count_screen (dir, all, n + 1, counts);
      for (unsigned i = 0; i < n; i++)
        ok = ok && counts[i] >= min;
      if (ok && (absent == 0 || counts[n] == 0))
        return;
      g_usleep (100000);
    }
  for (unsigned i = 0; i <= n; i++)
    g_printerr ("colour %06x: %u pixels\n", all[i], counts[i]);
  g_assert_not_reached ();
}

static void
push_event (SDL_Event *event)
{
  g_assert_cmpint (SDL_PushEvent (event), ==, 1);
}

static void
push_key (SDL_Scancode sc, bool down, Uint16 mod)
{
  SDL_Event e = { .key = { .type = down ? SDL_KEYDOWN : SDL_KEYUP,
                           .state = down ? SDL_PRESSED : SDL_RELEASED,
                           .keysym = { .scancode = sc, .mod = mod } } };
  push_event (&e);
}

static void
push_window_event (Uint8 what, int data1, int data2)
{
  SDL_Event e = { .window = { .type = SDL_WINDOWEVENT, .event = what, .data1 = data1,
                              .data2 = data2 } };
  push_event (&e);
}

struct fixture {
  char *dir;
  GPid xvfb;
};

static GPid start_xvfb (void);

static void
test_window (gconstpointer data)
{
  struct fixture *fixture = (struct fixture *) data;
  const char *dir;
  struct recorder rec = { .log = g_string_new ("") };
  struct display *display = display_new (1);
  struct display_surface *s;
  struct sdl_window *window;
  g_autofree char *why = NULL;
  unsigned frames;

  /* Started here, not in main(): setenv before any thread exists. */
  fixture->xvfb = start_xvfb ();
  fixture->dir = g_dir_make_tmp ("test-sdl-window-XXXXXX", NULL);
  dir = fixture->dir;
  g_mutex_init (&rec.lock);
  display_set_producer (display, &producer_ops, &rec);
  s = display_set_mode (display, 0, W, H);
  fill (s, 0, 0, W / 2, H / 2, RED);
  fill (s, W / 2, 0, W / 2, H / 2, GREEN);
  fill (s, 0, H / 2, W / 2, H / 2, BLUE);
  fill (s, W / 2, H / 2, W / 2, H / 2, WHITE);

  window = sdl_window_new (display, &input_ops, &rec, &why);
  if (!window)
    g_error ("no window: %s", why);
  WAIT_FOR (sdl_window_frames_presented (window) >= 1);

  /* The window is the surface's size: every pixel of each quarter shows. */
  const uint32_t quarters[] = { RED, GREEN, BLUE, WHITE };
  wait_for_colours (dir, quarters, 4, (W / 2) * (H / 2), 0);

  /* Damage: only the red quarter changes, and the change shows. */
  frames = sdl_window_frames_presented (window);
  fill (s, 0, 0, W / 2, H / 2, YELLOW);
  display_damage (display, 0, &(struct display_rect) { 0, 0, W / 2, H / 2 });
  WAIT_FOR (sdl_window_frames_presented (window) > frames);
  const uint32_t after[] = { YELLOW, GREEN, BLUE, WHITE };
  wait_for_colours (dir, after, 4, (W / 2) * (H / 2), RED);

  /* Keyboard, in evdev codes; the guest repeats keys itself. */
  push_key (SDL_SCANCODE_A, true, 0);
  push_key (SDL_SCANCODE_A, false, 0);
  push_key (SDL_SCANCODE_RETURN, true, 0);
  WAIT_FOR (log_contains (&rec, "key 28 1;"));
  g_assert_true (log_contains (&rec, "key 30 1;key 30 0;key 28 1;"));
  /* Focus loss releases what is held. */
  push_window_event (SDL_WINDOWEVENT_FOCUS_LOST, 0, 0);
  WAIT_FOR (log_contains (&rec, "key 28 0;"));

  /* Pointer: window pixels are surface pixels here. */
  SDL_Event motion = { .motion = { .type = SDL_MOUSEMOTION, .x = 100, .y = 50 } };
  push_event (&motion);
  SDL_Event press = { .button = { .type = SDL_MOUSEBUTTONDOWN, .button = SDL_BUTTON_RIGHT,
                                  .state = SDL_PRESSED } };
  push_event (&press);
  SDL_Event wheel = { .wheel = { .type = SDL_MOUSEWHEEL, .y = -2 } };
  push_event (&wheel);
  WAIT_FOR (log_contains (&rec, "wheel -2;"));
  g_assert_true (log_contains (&rec, "abs 0 100 50;button 0x111 1;wheel -2;"));

  /* Ctrl+Alt+G grabs: motion becomes relative; the G stays ours. */
  push_key (SDL_SCANCODE_G, true, KMOD_LCTRL | KMOD_LALT);
  push_key (SDL_SCANCODE_G, false, KMOD_LCTRL | KMOD_LALT);
  WAIT_FOR (log_contains (&rec, "grab 1;"));
  SDL_Event rel = { .motion = { .type = SDL_MOUSEMOTION, .x = 1, .y = 1, .xrel = 5,
                                .yrel = -3 } };
  push_event (&rel);
  WAIT_FOR (log_contains (&rec, "rel 5 -3;"));
  push_key (SDL_SCANCODE_G, true, KMOD_LCTRL | KMOD_LALT);
  WAIT_FOR (log_contains (&rec, "grab 0;"));
  g_assert_false (log_contains (&rec, "key 34 "));

  /* A resize becomes a size wish once it settles. */
  push_window_event (SDL_WINDOWEVENT_SIZE_CHANGED, 700, 500);
  push_window_event (SDL_WINDOWEVENT_SIZE_CHANGED, 800, 600);
  WAIT_FOR (rec.size_calls > 0);
  g_usleep (300000);
  g_mutex_lock (&rec.lock);
  g_assert_cmpuint (rec.size_calls, ==, 1);
  g_assert_cmpuint (rec.size_width, ==, 800);
  g_assert_cmpuint (rec.size_height, ==, 600);
  g_mutex_unlock (&rec.lock);

  /* The guest follows with a new mode: the window takes its size. */
  display_surface_unref (s);
  s = display_set_mode (display, 0, 400, 300);
  fill (s, 0, 0, 400, 300, GREEN);
  display_damage (display, 0, &(struct display_rect) { 0, 0, 400, 300 });
  const uint32_t green[] = { GREEN };
  wait_for_colours (dir, green, 1, 400 * 300, BLUE);

  /* A guest screen larger than the X screen (1024x768) is shown at half
   * size. While the pointer is grabbed the window draws the guest's cursor
   * itself, at the same scale: 8x8 becomes 4x4. */
  display_surface_unref (s);
  s = display_set_mode (display, 0, 2048, 1536);
  fill (s, 0, 0, 2048, 1536, GREEN);
  display_damage (display, 0, &(struct display_rect) { 0, 0, 2048, 1536 });
  /* Without a window manager the window may hang off the screen. */
  wait_for_colours (dir, green, 1, 100000, 0);
  struct display_cursor *cursor = g_new0 (struct display_cursor, 1);
  cursor->width = cursor->height = 8;
  cursor->hot_x = cursor->hot_y = 4;
  cursor->x = cursor->y = 200;
  cursor->visible = true;
  for (unsigned i = 0; i < 64; i++)
    cursor->pixels[i] = 0xff000000u | MAGENTA;
  display_set_cursor (display, 0, cursor);
  push_key (SDL_SCANCODE_G, true, KMOD_LCTRL | KMOD_LALT);
  push_key (SDL_SCANCODE_G, false, KMOD_LCTRL | KMOD_LALT);
  WAIT_FOR (log_count (&rec, "grab 1;") == 2);
  const uint32_t magenta[] = { MAGENTA };
  unsigned count;
  wait_for_colours (dir, magenta, 1, 16, 0);
  count_screen (dir, magenta, 1, &count);
  g_assert_cmpuint (count, ==, 16);
  /* Released, the window system draws it (and import does not see it). */
  push_key (SDL_SCANCODE_G, true, KMOD_LCTRL | KMOD_LALT);
  push_key (SDL_SCANCODE_G, false, KMOD_LCTRL | KMOD_LALT);
  WAIT_FOR (log_count (&rec, "grab 0;") == 2);
  wait_for_colours (dir, green, 1, 100000, MAGENTA);
  g_free (cursor);

  /* Closing presses the power button; closing again soon forces off. */
  push_window_event (SDL_WINDOWEVENT_CLOSE, 0, 0);
  WAIT_FOR (log_contains (&rec, "power;"));
  g_assert_false (log_contains (&rec, "force-off;"));
  push_window_event (SDL_WINDOWEVENT_CLOSE, 0, 0);
  WAIT_FOR (log_contains (&rec, "force-off;"));

  sdl_window_free (window);
  display_surface_unref (s);
  display_free (display);
  g_string_free (rec.log, TRUE);
  g_mutex_clear (&rec.lock);
}

/* Runs first, while main() has emptied DISPLAY and WAYLAND_DISPLAY. */
static void
test_no_display (void)
{
  struct display *display = display_new (1);
  char *why = NULL;

  g_assert_null (g_getenv ("DISPLAY"));
  g_assert_null (sdl_window_new (display, &input_ops, NULL, &why));
  g_assert_nonnull (strstr (why, "needs a graphical session"));
  g_free (why);
  display_free (display);
}

/* Xvfb picks a free display and writes its number to fd 3 once it accepts
 * connections. */
static GPid
start_xvfb (void)
{
  const char *argv[] = { "Xvfb", "-displayfd", "3", "-screen", "0", "1024x768x24",
                         "-nolisten", "tcp", "-noreset", NULL };
  g_autoptr (GError) error = NULL;
  char buf[32] = "";
  size_t len = 0;
  int fds[2];
  GPid pid;

  g_assert_cmpint (pipe2 (fds, O_CLOEXEC), ==, 0);
  if (!g_spawn_async_with_pipes_and_fds (NULL, argv, NULL,
                                         G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD
                                           | G_SPAWN_STDOUT_TO_DEV_NULL
                                           | G_SPAWN_STDERR_TO_DEV_NULL,
                                         NULL, NULL, -1, -1, -1, &fds[1], (int[]) { 3 }, 1, &pid,
                                         NULL, NULL, NULL, &error))
    g_error ("cannot start Xvfb: %s", error->message);
  close (fds[1]);
  while (len < sizeof buf - 1 && !memchr (buf, '\n', len))
    {
      struct pollfd p = { .fd = fds[0], .events = POLLIN };
      ssize_t n;

      if (poll (&p, 1, 10000) <= 0)
        g_error ("Xvfb did not report a display within 10 s");
      n = read (fds[0], buf + len, sizeof buf - 1 - len);
      if (n <= 0)
        g_error ("Xvfb exited without reporting a display");
      len += (size_t) n;
    }
  close (fds[0]);
  g_strchomp (buf);
  g_autofree char *display = g_strdup_printf (":%s", buf);
  g_setenv ("DISPLAY", display, TRUE);
  g_test_message ("Xvfb on %s", display);
  return pid;
}

int
main (int argc, char **argv)
{
  g_autofree char *xvfb = g_find_program_in_path ("Xvfb");
  g_autofree char *import = g_find_program_in_path ("import");
  struct fixture fixture = { 0 };
  int ret;

  g_test_init (&argc, &argv, NULL);
  if (!xvfb || !import)
    {
      g_printerr ("SKIP: needs Xvfb (xvfb) and import (imagemagick)\n");
      return 77;
    }
  /* Our own X server always: a desktop's would show the test, and its
   * compositor could change what the screen holds. */
  g_unsetenv ("DISPLAY");
  g_unsetenv ("WAYLAND_DISPLAY");
  g_setenv ("SDL_VIDEODRIVER", "x11", TRUE);
  g_setenv ("LIBGL_ALWAYS_SOFTWARE", "1", TRUE);

  g_test_add_func ("/Vmm/sdl/no-display", test_no_display);
  g_test_add_data_func ("/Vmm/sdl/window", &fixture, test_window);
  ret = g_test_run ();

  if (fixture.xvfb)
    {
      kill (fixture.xvfb, SIGTERM);
      waitpid (fixture.xvfb, NULL, 0);
      g_spawn_close_pid (fixture.xvfb);
    }
  if (fixture.dir)
    g_rmdir (fixture.dir);
  g_free (fixture.dir);
  return ret;
}
