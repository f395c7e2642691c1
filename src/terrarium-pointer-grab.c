/* terrarium-pointer-grab.c
 *
 * Captured pointer for guests without an absolute pointer driver: the
 * pointer is confined to the window and hidden, and every motion becomes a
 * relative movement, after which the pointer is put back in the middle of
 * the widget so it never runs into an edge.
 *
 * GTK 4 has no pointer-lock API. On X11 we grab the pointer ourselves with
 * XInput 2 (GTK reads XI2 events; a core grab would turn them into core
 * events it ignores), so every pointer event comes to our toplevel, also over
 * the app's other windows, and we warp the pointer back; the keyboard goes to the
 * guest through gdk_toplevel_inhibit_system_shortcuts() so that Alt+Tab and
 * the like reach it. Wayland needs the pointer-constraints and
 * relative-pointer protocols, which GDK does not expose: there the capture
 * is refused with a message and the tablet keeps working.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "terrarium-pointer-grab"

#include "config.h"

#include <glib/gi18n.h>

#include "terrarium-pointer-grab.h"

#ifdef GDK_WINDOWING_X11
#include <X11/extensions/XInput2.h>
#include <gdk/x11/gdkx.h>
#endif

struct _TerrariumPointerGrab
{
  GtkWidget *widget;     /* not a reference: the widget owns us */
  gboolean   active;
  int        device;     /* the XI2 master pointer we grabbed */
  double     center_x;   /* widget coordinates of the warp target */
  double     center_y;
};

TerrariumPointerGrab *
terrarium_pointer_grab_new (GtkWidget *widget)
{
  TerrariumPointerGrab *grab = g_new0 (TerrariumPointerGrab, 1);

  grab->widget = widget;
  return grab;
}

void
terrarium_pointer_grab_free (TerrariumPointerGrab *grab)
{
  if (!grab)
    return;
  terrarium_pointer_grab_stop (grab);
  g_free (grab);
}

gboolean
terrarium_pointer_grab_is_active (TerrariumPointerGrab *grab)
{
  /* NULL once the widget has been disposed (it may be unrealized after). */
  return grab != NULL && grab->active;
}

#ifdef GDK_WINDOWING_X11
/* The toplevel's X window and the widget's centre in its coordinates. */
static gboolean
terrarium_pointer_grab_x11_target (TerrariumPointerGrab *grab,
                                   Display             **xdisplay,
                                   Window               *xwindow,
                                   int                  *x,
                                   int                  *y)
{
  GtkNative *native = gtk_widget_get_native (grab->widget);
  GdkSurface *surface = native ? gtk_native_get_surface (native) : NULL;
  double nx, ny, sx, sy;
  int scale;

  if (!surface || !GDK_IS_X11_SURFACE (surface))
    return FALSE;
  if (!gtk_widget_translate_coordinates (grab->widget, GTK_WIDGET (native), grab->center_x,
                                         grab->center_y, &nx, &ny))
    return FALSE;
  gtk_native_get_surface_transform (native, &sx, &sy);
  scale = gdk_surface_get_scale_factor (surface);
  *xdisplay = gdk_x11_display_get_xdisplay (gdk_surface_get_display (surface));
  *xwindow = gdk_x11_surface_get_xid (surface);
  *x = (int) ((nx + sx) * scale);
  *y = (int) ((ny + sy) * scale);
  return TRUE;
}

static void
terrarium_pointer_grab_warp (TerrariumPointerGrab *grab)
{
  Display *xdisplay;
  Window xwindow;
  int x, y;

  if (!terrarium_pointer_grab_x11_target (grab, &xdisplay, &xwindow, &x, &y))
    return;
  XWarpPointer (xdisplay, None, xwindow, 0, 0, 0, 0, x, y);
  XFlush (xdisplay);
}
#endif

gboolean
terrarium_pointer_grab_start (TerrariumPointerGrab *grab,
                              GError              **error)
{
  GtkNative *native = gtk_widget_get_native (grab->widget);
  GdkSurface *surface = native ? gtk_native_get_surface (native) : NULL;

  if (grab->active)
    return TRUE;
  if (!surface)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                   _("The window is not shown yet"));
      return FALSE;
    }
  grab->center_x = gtk_widget_get_width (grab->widget) / 2.0;
  grab->center_y = gtk_widget_get_height (grab->widget) / 2.0;

#ifdef GDK_WINDOWING_X11
  if (GDK_IS_X11_SURFACE (surface))
    {
      Display *xdisplay;
      Window xwindow;
      int x, y, status;

      if (!terrarium_pointer_grab_x11_target (grab, &xdisplay, &xwindow, &x, &y))
        goto unsupported;
      {
        unsigned char bits[XIMaskLen (XI_LASTEVENT)] = { 0 };
        XIEventMask mask = { .mask_len = sizeof bits, .mask = bits };

        if (!XIGetClientPointer (xdisplay, None, &grab->device))
          goto unsupported;
        mask.deviceid = grab->device;
        XISetMask (bits, XI_ButtonPress);
        XISetMask (bits, XI_ButtonRelease);
        XISetMask (bits, XI_Motion);
        /* owner_events False: every pointer event comes to this window. */
        status = XIGrabDevice (xdisplay, grab->device, xwindow, CurrentTime, None,
                               XIGrabModeAsync, XIGrabModeAsync, False, &mask);
      }
      if (status != GrabSuccess)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                       _("Another application holds the pointer; try again"));
          return FALSE;
        }
      grab->active = TRUE;
      if (GDK_IS_TOPLEVEL (surface))
        gdk_toplevel_inhibit_system_shortcuts (GDK_TOPLEVEL (surface), NULL);
      gtk_widget_set_cursor_from_name (grab->widget, "none");
      terrarium_pointer_grab_warp (grab);
      return TRUE;
    }
unsupported:
#endif
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
               _("Capturing the pointer works in X11 sessions only for now; the guest "
                 "follows the pointer without it when it has a tablet driver"));
  return FALSE;
}

void
terrarium_pointer_grab_stop (TerrariumPointerGrab *grab)
{
  GtkNative *native;
  GdkSurface *surface;

  if (!terrarium_pointer_grab_is_active (grab))
    return;
  grab->active = FALSE;
  native = gtk_widget_get_native (grab->widget);
  surface = native ? gtk_native_get_surface (native) : NULL;
  gtk_widget_set_cursor (grab->widget, NULL);
  if (surface && GDK_IS_TOPLEVEL (surface))
    gdk_toplevel_restore_system_shortcuts (GDK_TOPLEVEL (surface));
#ifdef GDK_WINDOWING_X11
  if (surface && GDK_IS_X11_SURFACE (surface))
    {
      Display *xdisplay = gdk_x11_display_get_xdisplay (gdk_surface_get_display (surface));

      XIUngrabDevice (xdisplay, grab->device, CurrentTime);
      XFlush (xdisplay);
    }
#endif
}

gboolean
terrarium_pointer_grab_motion (TerrariumPointerGrab *grab,
                               double                x,
                               double                y,
                               int                  *dx,
                               int                  *dy)
{
  if (!grab->active)
    return FALSE;
  *dx = (int) (x - grab->center_x);
  *dy = (int) (y - grab->center_y);
  /* The motion our own warp causes lands on the centre: nothing to send. */
  if (*dx == 0 && *dy == 0)
    return FALSE;
#ifdef GDK_WINDOWING_X11
  terrarium_pointer_grab_warp (grab);
#endif
  return TRUE;
}
