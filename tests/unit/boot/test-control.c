/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The D-Bus control interface, driven by a client on the same socket. */
#include "config.h"

#include <errno.h>
#include <gio/gio.h>
#include <gio/gunixfdlist.h>
#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "control/control.h"
#include "display/display.h"

struct recorder {
  unsigned power_button, reset, force_off, pause, resume;
  int fail_with;  /* what pause returns */
};

static int
rec_power_button (void *opaque)
{
  ((struct recorder *) opaque)->power_button++;
  return 0;
}

static int
rec_reset (void *opaque)
{
  ((struct recorder *) opaque)->reset++;
  return 0;
}

static int
rec_force_off (void *opaque)
{
  ((struct recorder *) opaque)->force_off++;
  return 0;
}

static int
rec_pause (void *opaque)
{
  struct recorder *r = opaque;

  r->pause++;
  return r->fail_with;
}

static const struct control_callbacks callbacks = {
  .power_button = rec_power_button,
  .reset = rec_reset,
  .force_off = rec_force_off,
  .pause = rec_pause,
  .resume = NULL,  /* unsupported */
};

struct client_call {
  GDBusConnection *connection;
  const char *method;
  GVariant *reply;
  GError *error;
  bool done;
};

static void
call_done (GObject *source, GAsyncResult *result, gpointer data)
{
  struct client_call *call = data;

  call->reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &call->error);
  call->done = true;
}

/* The server runs in this thread's main context, so the client calls
 * asynchronously and the test iterates until the reply is in. */
static GVariant *
call_at (GDBusConnection *connection, const char *path, const char *interface,
         const char *method, GVariant *params, GError **error)
{
  struct client_call c = { 0 };

  g_dbus_connection_call (connection, NULL, path, interface, method, params,
                          NULL, G_DBUS_CALL_FLAGS_NONE, 5000, NULL, call_done, &c);
  while (!c.done)
    g_main_context_iteration (NULL, TRUE);
  if (c.error)
    g_propagate_error (error, c.error);
  return c.reply;
}

static GVariant *
call (GDBusConnection *connection, const char *interface, const char *method,
      GVariant *params, GError **error)
{
  return call_at (connection, CONTROL_OBJECT_PATH, interface, method, params, error);
}

static void
on_signal (GDBusConnection *connection, const char *sender, const char *path,
           const char *interface, const char *signal, GVariant *params, gpointer data)
{
  GPtrArray *seen = data;
  const char *state;

  g_assert_cmpstr (path, ==, CONTROL_OBJECT_PATH);
  g_variant_get (params, "(&s)", &state);
  g_ptr_array_add (seen, g_strdup (state));
}

static void
communicate_done (GObject *source, GAsyncResult *result, gpointer data)
{
  struct client_call *call = data;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, NULL, NULL, &call->error);
  call->done = true;
}

struct connect_ctx {
  GDBusConnection *connection;
  GError *error;
  bool done;
};

static void
connect_done (GObject *source, GAsyncResult *result, gpointer data)
{
  struct connect_ctx *ctx = data;

  ctx->connection = g_dbus_connection_new_for_address_finish (result, &ctx->error);
  ctx->done = true;
}

static GDBusConnection *
client_connect (const char *socket_path)
{
  g_autofree char *address = g_strconcat ("unix:path=", socket_path, NULL);
  struct connect_ctx ctx = { 0 };

  g_dbus_connection_new_for_address (address, G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT,
                                     NULL, NULL, connect_done, &ctx);
  while (!ctx.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (ctx.error);
  return ctx.connection;
}

static char *
read_state (GDBusConnection *connection)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = call (connection, "org.freedesktop.DBus.Properties", "Get",
                                     g_variant_new ("(ss)", CONTROL_INTERFACE, "State"), &error);
  g_autoptr (GVariant) value = NULL;

  g_assert_no_error (error);
  g_variant_get (reply, "(v)", &value);
  return g_variant_dup_string (value, NULL);
}

static void
test_control_methods (void)
{
  g_autofree char *dir = g_dir_make_tmp ("test-control-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "vmm.sock", NULL);
  g_autofree char *why = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  struct recorder rec = { 0 };
  struct control *control = NULL;
  struct control *second = NULL;
  GDBusConnection *client;
  GDBusConnection *client2;
  GVariant *reply;
  g_autofree char *gdbus = NULL;
  GStatBuf st;
  guint sub;
  char *state;

  g_assert_cmpint (control_new (path, &callbacks, &rec, &control, &why), ==, 0);
  g_assert_null (why);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_true (S_ISSOCK (st.st_mode));
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  client = client_connect (path);
  client2 = client_connect (path);
  sub = g_dbus_connection_signal_subscribe (client, NULL, CONTROL_INTERFACE, "StateChanged",
                                            CONTROL_OBJECT_PATH, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                            on_signal, seen, NULL);

  state = read_state (client);
  g_assert_cmpstr (state, ==, "created");
  g_free (state);

  reply = call (client, CONTROL_INTERFACE, "PowerButton", NULL, &error);
  g_assert_no_error (error);
  g_variant_unref (reply);
  reply = call (client, CONTROL_INTERFACE, "Reset", NULL, &error);
  g_assert_no_error (error);
  g_variant_unref (reply);
  reply = call (client2, CONTROL_INTERFACE, "ForceOff", NULL, &error);
  g_assert_no_error (error);
  g_variant_unref (reply);
  reply = call (client, CONTROL_INTERFACE, "Pause", NULL, &error);
  g_assert_no_error (error);
  g_variant_unref (reply);
  g_assert_cmpuint (rec.power_button, ==, 1);
  g_assert_cmpuint (rec.reset, ==, 1);
  g_assert_cmpuint (rec.force_off, ==, 1);
  g_assert_cmpuint (rec.pause, ==, 1);

  /* A failing callback is a D-Bus error with its reason. */
  rec.fail_with = -EBUSY;
  reply = call (client, CONTROL_INTERFACE, "Pause", NULL, &error);
  g_assert_null (reply);
  g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "Cannot pause the virtual machine: "));
  g_assert_nonnull (strstr (error->message, g_strerror (EBUSY)));
  g_clear_error (&error);
  reply = call (client, CONTROL_INTERFACE, "Resume", NULL, &error);
  g_assert_null (reply);
  g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);

  /* State changes reach the property and the signal, in order. */
  control_set_state (control, "running");
  control_set_state (control, "running");  /* no change, no signal */
  control_set_state (control, "paused");
  g_assert_cmpstr (control_get_state (control), ==, "paused");
  while (seen->len < 2)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (seen->pdata[0], ==, "running");
  g_assert_cmpstr (seen->pdata[1], ==, "paused");
  state = read_state (client2);
  g_assert_cmpstr (state, ==, "paused");
  g_free (state);

  /* The Hello a message-bus client says first (gdbus call --address) is answered. */
  reply = call_at (client, "/org/freedesktop/DBus", "org.freedesktop.DBus", "Hello", NULL,
                   &error);
  g_assert_no_error (error);
  g_assert_true (g_variant_is_of_type (reply, G_VARIANT_TYPE ("(s)")));
  g_variant_unref (reply);

  /* The stock command-line tool works against it, as documented. */
  gdbus = g_find_program_in_path ("gdbus");
  if (gdbus)
    {
      g_autofree char *address = g_strconcat ("unix:path=", path, NULL);
      g_autoptr (GSubprocess) proc = NULL;
      struct client_call c = { 0 };

      proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, gdbus, "call",
                               "--address", address, "--dest", "org.terrarium.Terrarium.Vmm",
                               "--object-path", CONTROL_OBJECT_PATH, "--method",
                               CONTROL_INTERFACE ".Reset", NULL);
      g_assert_no_error (error);
      g_subprocess_communicate_utf8_async (proc, NULL, NULL, communicate_done, &c);
      while (!c.done)
        g_main_context_iteration (NULL, TRUE);
      g_assert_no_error (c.error);
      g_assert_true (g_subprocess_get_successful (proc));
      g_assert_cmpuint (rec.reset, ==, 2);
    }

  /* A second server on a live socket is refused and leaves it alone. */
  g_clear_pointer (&why, g_free);
  g_assert_cmpint (control_new (path, &callbacks, &rec, &second, &why), ==, -EADDRINUSE);
  g_assert_null (second);
  g_assert_nonnull (strstr (why, "another program is listening there"));
  g_clear_pointer (&why, g_free);

  /* A client that goes away does not disturb the others. */
  g_dbus_connection_signal_unsubscribe (client, sub);
  g_assert_true (g_dbus_connection_close_sync (client2, NULL, NULL));
  g_object_unref (client2);
  for (int i = 0; i < 10; i++)
    g_main_context_iteration (NULL, FALSE);
  control_set_state (control, "stopped");
  state = read_state (client);
  g_assert_cmpstr (state, ==, "stopped");
  g_free (state);

  control_free (control);
  g_assert_cmpint (g_stat (path, &st), ==, -1);  /* the socket is gone */
  g_object_unref (client);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_rmdir (dir);
}

struct display_signals {
  GPtrArray *names;       /* signal names in order */
  int damage[4];          /* last Damage rectangle */
  gboolean enabled;       /* last SurfaceChanged */
  guint cursor_w, cursor_h;
  guint32 cursor_first;   /* first cursor pixel */
};

static void
on_display_signal (GDBusConnection *connection, const char *sender, const char *path,
                   const char *interface, const char *signal, GVariant *params, gpointer data)
{
  struct display_signals *ds = data;
  guint scanout;

  g_ptr_array_add (ds->names, g_strdup (signal));
  if (g_str_equal (signal, "Damage"))
    {
      guint w, h;

      g_variant_get (params, "(uiiuu)", &scanout, &ds->damage[0], &ds->damage[1], &w, &h);
      ds->damage[2] = (int) w;
      ds->damage[3] = (int) h;
    }
  else if (g_str_equal (signal, "SurfaceChanged"))
    g_variant_get (params, "(ub)", &scanout, &ds->enabled);
  else if (g_str_equal (signal, "CursorChanged"))
    {
      g_autoptr (GVariant) pixels = NULL;
      guint hx, hy;
      gboolean visible;
      gsize n;
      const guint8 *p;

      g_variant_get (params, "(uuuuub@ay)", &scanout, &ds->cursor_w, &ds->cursor_h, &hx, &hy,
                     &visible, &pixels);
      p = g_variant_get_fixed_array (pixels, &n, 1);
      g_assert_cmpuint (n, ==, (gsize) ds->cursor_w * ds->cursor_h * 4);
      if (n >= 4)
        memcpy (&ds->cursor_first, p, 4);
    }
}

static gboolean
seen_signal (struct display_signals *ds, const char *name)
{
  for (guint i = 0; i < ds->names->len; i++)
    if (g_str_equal (ds->names->pdata[i], name))
      return TRUE;
  return FALSE;
}

static void
wait_signal (struct display_signals *ds, const char *name)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (!seen_signal (ds, name))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

struct fd_call {
  GVariant *reply;
  GUnixFDList *fds;
  GError *error;
  bool done;
};

static void
fd_call_done (GObject *source, GAsyncResult *result, gpointer data)
{
  struct fd_call *call = data;

  call->reply = g_dbus_connection_call_with_unix_fd_list_finish (G_DBUS_CONNECTION (source),
                                                                 &call->fds, result, &call->error);
  call->done = true;
}

static GVariant *
call_fds (GDBusConnection *connection, const char *method, GVariant *params, GUnixFDList **fds,
          GError **error)
{
  struct fd_call c = { 0 };

  g_dbus_connection_call_with_unix_fd_list (connection, NULL, CONTROL_OBJECT_PATH,
                                            CONTROL_INTERFACE, method, params, NULL,
                                            G_DBUS_CALL_FLAGS_NONE, 5000, NULL, NULL,
                                            fd_call_done, &c);
  while (!c.done)
    g_main_context_iteration (NULL, TRUE);
  if (c.error)
    g_propagate_error (error, c.error);
  *fds = c.fds;
  return c.reply;
}

/* A viewer in another process maps the surface it gets and sees what the
 * producer drew; damage and mode changes arrive as signals. */
static void
test_control_display_sharing (void)
{
  g_autofree char *dir = g_dir_make_tmp ("test-control-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "vmm.sock", NULL);
  g_autofree char *why = NULL;
  g_autoptr (GError) error = NULL;
  struct recorder rec = { 0 };
  struct control *control = NULL;
  struct display *display = display_new (2);
  struct display_surface *surface;
  struct display_signals ds = { .names = g_ptr_array_new_with_free_func (g_free) };
  g_autofree struct display_cursor *cursor = g_new0 (struct display_cursor, 1);
  GDBusConnection *client;
  g_autoptr (GUnixFDList) fds = NULL;
  GVariant *reply;
  guint sub;
  gint32 handle;
  guint w, h, stride, format;
  int fd;
  const guint8 *map;

  g_assert_cmpint (control_new (path, &callbacks, &rec, &control, &why), ==, 0);
  control_attach_display (control, display);
  client = client_connect (path);
  sub = g_dbus_connection_signal_subscribe (client, NULL, CONTROL_INTERFACE, NULL,
                                            CONTROL_OBJECT_PATH, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                            on_display_signal, &ds, NULL);

  /* Off until the guest sets a mode; a bad scanout is refused. */
  reply = call (client, CONTROL_INTERFACE, "GetSurface", g_variant_new ("(u)", 0), &error);
  g_assert_null (reply);
  g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_FAILED);
  g_clear_error (&error);
  reply = call (client, CONTROL_INTERFACE, "GetSurface", g_variant_new ("(u)", 7), &error);
  g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS);
  g_clear_error (&error);

  surface = display_set_mode (display, 0, 64, 32);
  g_assert_nonnull (surface);
  wait_signal (&ds, "SurfaceChanged");
  g_assert_true (ds.enabled);
  memset (surface->data + 5 * surface->stride + 7 * 4, 0xab, 4);
  display_damage (display, 0, &(struct display_rect) { 7, 5, 1, 1 });
  display_damage (display, 0, &(struct display_rect) { 10, 6, 2, 2 });
  wait_signal (&ds, "Damage");
  /* Merged while on the way, or the first of them. */
  g_assert_cmpint (ds.damage[0], ==, 7);
  g_assert_cmpint (ds.damage[1], ==, 5);

  reply = call_fds (client, "GetSurface", g_variant_new ("(u)", 0), &fds, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(huuuu)", &handle, &w, &h, &stride, &format);
  g_variant_unref (reply);
  g_assert_cmpuint (w, ==, 64);
  g_assert_cmpuint (h, ==, 32);
  g_assert_cmpuint (stride, >=, 64 * 4);
  g_assert_cmpuint (format, ==, DISPLAY_FORMAT_XRGB8888);
  fd = g_unix_fd_list_get (fds, handle, &error);
  g_assert_no_error (error);
  map = mmap (NULL, (size_t) stride * h, PROT_READ, MAP_SHARED, fd, 0);
  g_assert_true (map != MAP_FAILED);
  /* The same pixels, not a copy: a later change shows through. */
  g_assert_cmpuint (map[5 * stride + 7 * 4], ==, 0xab);
  surface->data[0] = 0x5c;
  g_assert_cmpuint (map[0], ==, 0x5c);
  /* Sealed: a viewer cannot shrink it under the producer. */
  g_assert_cmpint (ftruncate (fd, 0), ==, -1);
  munmap ((void *) map, (size_t) stride * h);
  close (fd);

  /* A cursor image reaches the viewer, bounded by its size. */
  cursor->width = 2;
  cursor->height = 2;
  cursor->pixels[0] = 0xff112233;
  cursor->visible = true;
  display_set_cursor (display, 0, cursor);
  wait_signal (&ds, "CursorChanged");
  g_assert_cmpuint (ds.cursor_w, ==, 2);
  g_assert_cmpuint (ds.cursor_first, ==, 0xff112233);

  /* A mode change: the viewer is told to fetch the new surface. */
  g_ptr_array_set_size (ds.names, 0);
  display_surface_unref (surface);
  surface = display_set_mode (display, 0, 0, 0);
  g_assert_null (surface);
  wait_signal (&ds, "SurfaceChanged");
  g_assert_false (ds.enabled);

  g_dbus_connection_signal_unsubscribe (client, sub);
  g_object_unref (client);
  display_surface_unref (surface);
  control_free (control);
  display_free (display);
  g_ptr_array_unref (ds.names);
  g_rmdir (dir);
}

static void
test_control_stale_socket (void)
{
  g_autofree char *dir = g_dir_make_tmp ("test-control-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "vmm.sock", NULL);
  g_autofree char *file = g_build_filename (dir, "file", NULL);
  g_autofree char *why = NULL;
  g_autoptr (GSocket) sock = NULL;
  g_autoptr (GSocketAddress) addr = NULL;
  struct recorder rec = { 0 };
  struct control *control = NULL;

  /* A socket nobody listens on any more, as a killed VMM leaves it. */
  sock = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT, NULL);
  addr = g_unix_socket_address_new (path);
  g_assert_true (g_socket_bind (sock, addr, FALSE, NULL));
  g_socket_close (sock, NULL);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpint (control_new (path, &callbacks, &rec, &control, &why), ==, 0);
  control_free (control);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  /* A regular file is not ours to delete. */
  g_assert_true (g_file_set_contents (file, "data", -1, NULL));
  g_assert_cmpint (control_new (file, &callbacks, &rec, &control, &why), ==, -EEXIST);
  g_assert_nonnull (strstr (why, "not a socket"));
  g_assert_true (g_file_test (file, G_FILE_TEST_EXISTS));
  g_unlink (file);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/Vmm/control/methods", test_control_methods);
  g_test_add_func ("/Vmm/control/stale-socket", test_control_stale_socket);
  g_test_add_func ("/Vmm/control/display-sharing", test_control_display_sharing);
  return g_test_run ();
}
