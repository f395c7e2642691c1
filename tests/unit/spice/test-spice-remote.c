/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A real SPICE server on loopback, fed by a display this test draws on, and
 * a real client (spicy-screenshot, from spice-client-gtk; skipped without
 * it): the image arrives pixel for pixel, a mode change reaches new clients,
 * passwords are enforced, clients are reported, and clear errors come for a
 * busy port or a network address without a password.
 */
#include "config.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "display/display.h"
#include "spice/spice-config.h"
#include "spice/spice-remote.h"
#include "../../guest/pattern.h"
#include "../platform/test-log.h"

struct fixture {
  struct display *display;
  struct spice_remote *remote;
  struct spice_config cfg;
  char *dir;
  int connected, disconnected;
};

static unsigned
free_port (void)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t len = sizeof addr;
  int fd = socket (AF_INET, SOCK_STREAM, 0);

  g_assert_cmpint (bind (fd, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &addr, &len), ==, 0);
  close (fd);
  return ntohs (addr.sin_port);
}

static void
draw_pattern (struct display *display, uint32_t width, uint32_t height)
{
  struct display_surface *s = display_set_mode (display, 0, width, height);

  for (uint32_t y = 0; y < height; y++)
    for (uint32_t x = 0; x < width; x++)
      ((uint32_t *) (s->data + (size_t) y * s->stride))[x] = test_pattern_pixel (x, y, width,
                                                                                  height);
  display_damage (display, 0, &(struct display_rect) { 0, 0, width, height });
  display_surface_unref (s);
}

static void
on_client (void *opaque, bool connected, const char *address)
{
  struct fixture *f = opaque;

  g_assert_true (g_str_has_prefix (address, "127.0.0.1:"));
  if (connected)
    f->connected++;
  else
    f->disconnected++;
}

static const struct spice_remote_ops fixture_ops = { .client_event = on_client };

static void
subprocess_done (GObject *source, GAsyncResult *result, gpointer data)
{
  *(bool *) data = true;
}

/* Runs spicy-screenshot while the main loop serves it; returns whether it
 * succeeded, and the PPM's path in *out. */
static bool
screenshot (struct fixture *f, const char *password, char **out)
{
  g_autofree char *port = g_strdup_printf ("%u", f->cfg.port);
  g_autofree char *path = g_build_filename (f->dir, "shot.ppm", NULL);
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GError) error = NULL;
  const char *argv[] = { "spicy-screenshot", "-h", "127.0.0.1", "-p", port, "-o", path,
                         password ? "-w" : NULL, password, NULL };
  gint64 deadline = g_get_monotonic_time () + 60 * G_TIME_SPAN_SECOND;
  bool done = false;

  g_unlink (path);
  proc = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
  g_assert_no_error (error);
  g_subprocess_wait_async (proc, NULL, subprocess_done, &done);
  while (!done)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
      if (g_get_monotonic_time () > deadline)
        g_error ("spicy-screenshot hung");
    }
  /* Let disconnect events reach the main loop. */
  for (int i = 0; i < 200; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  if (out)
    *out = g_steal_pointer (&path);
  return g_subprocess_get_if_exited (proc) && g_subprocess_get_exit_status (proc) == 0 &&
         g_file_test (out ? *out : path, G_FILE_TEST_EXISTS);
}

/* The PPM equals the pattern at @width x @height. */
static void
check_ppm (const char *path, uint32_t width, uint32_t height)
{
  g_autofree char *data = NULL;
  g_autofree char *header = g_strdup_printf ("P6\n%u %u\n255\n", width, height);
  gsize len;
  const uint8_t *p;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  g_assert_true (g_str_has_prefix (data, header));
  g_assert_cmpuint (len, ==, strlen (header) + (gsize) width * height * 3);
  p = (const uint8_t *) data + strlen (header);
  for (uint32_t y = 0; y < height; y++)
    for (uint32_t x = 0; x < width; x++, p += 3)
      {
        uint32_t want = test_pattern_pixel (x, y, width, height);
        uint32_t got = (uint32_t) p[0] << 16 | (uint32_t) p[1] << 8 | p[2];

        if (got != want)
          g_error ("pixel (%u,%u) is %06x, expected %06x", x, y, got, want);
      }
}

static void
fixture_setup (struct fixture *f, gconstpointer data)
{
  g_autofree char *spec = g_strdup_printf ("port=%u", free_port ());

  memset (f, 0, sizeof *f);
  f->dir = g_dir_make_tmp ("spice-remote-XXXXXX", NULL);
  f->display = display_new (1);
  g_assert_cmpint (spice_config_parse (spec, &f->cfg, NULL), ==, 0);
  f->remote = spice_remote_new (&f->cfg, f->display, NULL, "test VM", NULL, &fixture_ops, f);
}

static void
fixture_teardown (struct fixture *f, gconstpointer data)
{
  g_autofree char *shot = g_build_filename (f->dir, "shot.ppm", NULL);

  spice_remote_free (f->remote);
  display_free (f->display);
  spice_config_clear (&f->cfg);
  g_unlink (shot);
  g_rmdir (f->dir);
  g_free (f->dir);
}

static bool
have_client (void)
{
  g_autofree char *path = g_find_program_in_path ("spicy-screenshot");

  if (!path)
    g_test_skip ("spicy-screenshot is not installed (spice-client-gtk)");
  return path != NULL;
}

static void
test_image (struct fixture *f, gconstpointer data)
{
  g_autofree char *why = NULL;
  g_autofree char *ppm = NULL;

  if (!have_client ())
    return;
  draw_pattern (f->display, 320, 200);
  g_assert_cmpint (spice_remote_start (f->remote, &why), ==, 0);
  g_assert_true (spice_remote_is_running (f->remote));
  g_assert_true (screenshot (f, NULL, &ppm));
  check_ppm (ppm, 320, 200);
  g_assert_cmpint (f->connected, ==, 1);
  g_assert_cmpint (f->disconnected, ==, 1);

  /* A mode change: the next client sees the new size and picture. */
  draw_pattern (f->display, 400, 300);
  g_clear_pointer (&ppm, g_free);
  g_assert_true (screenshot (f, NULL, &ppm));
  check_ppm (ppm, 400, 300);

  /* Stopped and started again, it still serves. */
  spice_remote_stop (f->remote);
  g_assert_false (spice_remote_is_running (f->remote));
  g_assert_cmpint (spice_remote_start (f->remote, &why), ==, 0);
  g_clear_pointer (&ppm, g_free);
  g_assert_true (screenshot (f, NULL, &ppm));
  check_ppm (ppm, 400, 300);
}

static void
test_password (struct fixture *f, gconstpointer data)
{
  g_autofree char *why = NULL;
  g_autofree char *vv = NULL;

  if (!have_client ())
    return;
  draw_pattern (f->display, 64, 64);
  g_assert_cmpint (spice_remote_connection_file (f->remote, &vv, &why), ==, -ENOTCONN);
  g_assert_nonnull (strstr (why, "start sharing first"));
  g_clear_pointer (&why, g_free);

  g_assert_cmpint (spice_remote_set_password (f->remote, "right one", &why), ==, 0);
  g_assert_cmpint (spice_remote_start (f->remote, &why), ==, 0);
  g_assert_false (screenshot (f, "wrong", NULL));
  g_assert_false (screenshot (f, NULL, NULL));
  g_assert_cmpint (f->connected, ==, 0);
  g_assert_true (screenshot (f, "right one", NULL));
  g_assert_cmpint (f->connected, ==, 1);

  /* Changed while running: the next client needs the new one. */
  g_assert_cmpint (spice_remote_set_password (f->remote, "second", &why), ==, 0);
  g_assert_false (screenshot (f, "right one", NULL));
  g_assert_true (screenshot (f, "second", NULL));

  g_assert_cmpint (spice_remote_connection_file (f->remote, &vv, &why), ==, 0);
  g_assert_nonnull (strstr (vv, "password=second\n"));
  g_assert_nonnull (strstr (vv, "host=127.0.0.1\n"));

  /* Removed on loopback: anyone of this computer may connect again. */
  g_assert_cmpint (spice_remote_set_password (f->remote, "", &why), ==, 0);
  g_assert_true (screenshot (f, NULL, NULL));
}

static void
test_refusals (struct fixture *f, gconstpointer data)
{
  g_autofree char *why = NULL;
  g_autofree char *spec = g_strdup_printf ("port=%u", f->cfg.port);
  g_autofree char *pw = g_build_filename (f->dir, "missing-pw", NULL);
  g_autofree char *expected = NULL;
  struct spice_config cfg = { 0 };
  struct spice_remote *other;

  /* A busy port: the message says which and what to do. */
  g_assert_cmpint (spice_remote_start (f->remote, &why), ==, 0);
  other = spice_remote_new (&f->cfg, f->display, NULL, NULL, NULL, &fixture_ops, f);
  g_assert_cmpint (spice_remote_start (other, &why), ==, -EADDRINUSE);
  expected = g_strdup_printf ("SPICE port %u is in use; choose another with --spice port=N",
                              f->cfg.port);
  g_assert_cmpstr (why, ==, expected);
  g_clear_pointer (&why, g_free);
  spice_remote_free (other);

  /* A password file that cannot be read. */
  g_clear_pointer (&spec, g_free);
  spec = g_strdup_printf ("port=%u,password-file=%s", free_port (), pw);
  g_assert_cmpint (spice_config_parse (spec, &cfg, NULL), ==, 0);
  other = spice_remote_new (&cfg, f->display, NULL, NULL, NULL, &fixture_ops, f);
  g_assert_cmpint (spice_remote_start (other, &why), <, 0);
  g_assert_nonnull (strstr (why, "cannot read the SPICE password file"));
  g_clear_pointer (&why, g_free);
  spice_remote_free (other);

  /* A network address needs a password, even when started over D-Bus. */
  spice_config_clear (&cfg);
  cfg.port = free_port ();
  cfg.addr = g_strdup ("0.0.0.0");
  other = spice_remote_new (&cfg, f->display, NULL, NULL, NULL, &fixture_ops, f);
  g_assert_cmpint (spice_remote_start (other, &why), ==, -EPERM);
  g_assert_nonnull (strstr (why, "without a password or TLS"));
  g_clear_pointer (&why, g_free);
  spice_remote_free (other);
  spice_config_clear (&cfg);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* libspice-server warns about every client that goes away. */
  test_log_allow_warnings ();
  g_test_add ("/Vmm/spice-remote/image", struct fixture, NULL, fixture_setup, test_image,
              fixture_teardown);
  g_test_add ("/Vmm/spice-remote/password", struct fixture, NULL, fixture_setup, test_password,
              fixture_teardown);
  g_test_add ("/Vmm/spice-remote/refusals", struct fixture, NULL, fixture_setup, test_refusals,
              fixture_teardown);
  return g_test_run ();
}
