/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The guest's displays for viewers in other processes (the GTK app): the
 * surface's memfd passed with GetSurface, then SurfaceChanged, Damage and
 * CursorChanged signals as the guest draws.
 *
 * The display notifies on the GPU's thread, which must never wait: the
 * notification only sets a GSource's ready time (thread-safe, no
 * allocation); the main thread then takes the coalesced changes and emits
 * the signals. Emission is limited to one round per CONTROL_SURFACE_INTERVAL
 * so a guest flushing thousands of tiny rectangles costs the viewer a few
 * merged ones.
 */
#define G_LOG_DOMAIN "control"

#include "config.h"

#include <gio/gunixfdlist.h>

#include "control-private.h"
#include "display/display.h"

#define CONTROL_SURFACE_INTERVAL_US 8000  /* at most ~120 rounds per second */

static void
control_surface_notify (void *opaque)
{
  struct control *control = opaque;

  g_source_set_ready_time (control->surface_source, 0);
}

static const struct display_consumer_ops control_surface_consumer_ops = {
  .notify = control_surface_notify,
};

static void
control_surface_emit_cursor (struct control *control, unsigned scanout)
{
  g_autofree struct display_cursor *cursor = g_new (struct display_cursor, 1);
  GVariant *pixels;
  gsize size;

  display_get_cursor (control->display, scanout, cursor);
  /* display.h bounds the image; a corrupt size must still not overread. */
  if (cursor->width > DISPLAY_CURSOR_MAX || cursor->height > DISPLAY_CURSOR_MAX)
    cursor->width = cursor->height = 0;
  size = (gsize) cursor->width * cursor->height * 4;
  pixels = g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, cursor->pixels, size, 1);
  terrarium_vmm1_emit_cursor_changed (control->skeleton, scanout, cursor->width, cursor->height,
                                      cursor->hot_x, cursor->hot_y, cursor->visible, pixels);
}

static gboolean
control_surface_dispatch (GSource *source, GSourceFunc callback, gpointer data)
{
  struct control *control = data;
  gint64 now = g_get_monotonic_time ();
  unsigned n = display_get_n_scanouts (control->display);

  if (now - control->surface_last < CONTROL_SURFACE_INTERVAL_US)
    {
      g_source_set_ready_time (source, control->surface_last + CONTROL_SURFACE_INTERVAL_US);
      return G_SOURCE_CONTINUE;
    }
  /* Before polling: a notification from now on schedules another round. */
  g_source_set_ready_time (source, -1);
  control->surface_last = now;

  for (unsigned i = 0; i < n; i++)
    {
      struct display_changes changes;

      display_consumer_poll (control->surface_consumer, i, &changes);
      if (changes.surface_changed)
        {
          struct display_surface *surface = display_get_surface (control->display, i);

          terrarium_vmm1_emit_surface_changed (control->skeleton, i, surface != NULL);
          display_surface_unref (surface);
        }
      if (changes.damaged)
        terrarium_vmm1_emit_damage (control->skeleton, i, changes.damage.x, changes.damage.y,
                                    changes.damage.width, changes.damage.height);
      if (changes.cursor_changed)
        control_surface_emit_cursor (control, i);
    }
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs control_surface_source_funcs = {
  .dispatch = control_surface_dispatch,
};

static gboolean
on_get_surface (TerrariumVmm1 *skeleton, GDBusMethodInvocation *invocation, GUnixFDList *fds,
                guint scanout, gpointer data)
{
  struct control *control = data;
  struct display_surface *surface;
  g_autoptr (GUnixFDList) out = NULL;
  g_autoptr (GError) error = NULL;
  int index;

  if (!control->display || scanout >= display_get_n_scanouts (control->display))
    {
      g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                                             "There is no display %u", scanout);
      return TRUE;
    }
  surface = display_get_surface (control->display, scanout);
  if (!surface)
    {
      g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_FAILED,
                                             "Display %u is off: the guest shows nothing on it",
                                             scanout);
      return TRUE;
    }
  out = g_unix_fd_list_new ();
  index = g_unix_fd_list_append (out, surface->memfd, &error);  /* dups it */
  if (index < 0)
    g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_FAILED,
                                           "Cannot pass the display: %s", error->message);
  else
    terrarium_vmm1_complete_get_surface (skeleton, invocation, out, g_variant_new_handle (index),
                                         surface->width, surface->height, surface->stride,
                                         surface->format);
  display_surface_unref (surface);
  return TRUE;
}

void
control_surface_connect (struct control *control)
{
  g_signal_connect (control->skeleton, "handle-get-surface", G_CALLBACK (on_get_surface), control);
}

void
control_attach_display (struct control *control, struct display *display)
{
  g_return_if_fail (control && display && !control->display);

  control->display = display;
  control->surface_source = g_source_new (&control_surface_source_funcs, sizeof (GSource));
  g_source_set_name (control->surface_source, "control display changes");
  g_source_set_callback (control->surface_source, NULL, control, NULL);
  g_source_set_ready_time (control->surface_source, -1);
  g_source_attach (control->surface_source, g_main_context_get_thread_default ());
  control->surface_consumer = display_subscribe (display, &control_surface_consumer_ops, control);
}

void
control_detach_display (struct control *control)
{
  if (!control || !control->display)
    return;
  /* Unsubscribing waits for a notification in progress; only then can the
   * source it pokes go away. */
  g_clear_pointer (&control->surface_consumer, display_unsubscribe);
  g_source_destroy (control->surface_source);
  g_clear_pointer (&control->surface_source, g_source_unref);
  control->display = NULL;
}
