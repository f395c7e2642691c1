/* terrarium-display-window.c
 *
 * The guest's second, third and fourth displays, each in a window of its
 * own next to the VM window (which shows the first). Keys typed here go to
 * the guest; the tablet maps onto the first display only (a tablet per
 * display would need the guest to know which monitor each one covers), so
 * the pointer reaches these displays by moving the guest's own pointer
 * across its desktop.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "terrarium-display-window"

#include "config.h"

#include <glib/gi18n.h>

#include "terrarium-display-view.h"
#include "terrarium-display-window.h"

struct _TerrariumDisplayWindow
{
  AdwWindow             parent_instance;

  TerrariumVmm1        *proxy;
  guint                 scanout;

  /* Template widgets */
  AdwWindowTitle       *window_title;
  TerrariumDisplayView *display;
};

G_DEFINE_FINAL_TYPE (TerrariumDisplayWindow, terrarium_display_window, ADW_TYPE_WINDOW)

void
terrarium_display_window_set_proxy (TerrariumDisplayWindow *self,
                                    TerrariumVmm1          *proxy)
{
  g_return_if_fail (TERRARIUM_IS_DISPLAY_WINDOW (self));

  g_set_object (&self->proxy, proxy);
  terrarium_display_view_set_proxy (self->display, proxy);
}

guint
terrarium_display_window_get_scanout (TerrariumDisplayWindow *self)
{
  g_return_val_if_fail (TERRARIUM_IS_DISPLAY_WINDOW (self), 0);
  return self->scanout;
}

static gboolean
terrarium_display_window_close_request (GtkWindow *window)
{
  TerrariumDisplayWindow *self = TERRARIUM_DISPLAY_WINDOW (window);

  /* A closed window is an unplugged monitor: the guest moves its windows. */
  if (self->proxy)
    terrarium_vmm1_call_set_display_size (self->proxy, self->scanout, 0, 0, NULL, NULL, NULL);
  terrarium_display_view_set_proxy (self->display, NULL);
  return GTK_WINDOW_CLASS (terrarium_display_window_parent_class)->close_request (window);
}

static void
terrarium_display_window_dispose (GObject *object)
{
  TerrariumDisplayWindow *self = TERRARIUM_DISPLAY_WINDOW (object);

  g_clear_object (&self->proxy);
  gtk_widget_dispose_template (GTK_WIDGET (self), TERRARIUM_TYPE_DISPLAY_WINDOW);
  G_OBJECT_CLASS (terrarium_display_window_parent_class)->dispose (object);
}

static void
terrarium_display_window_class_init (TerrariumDisplayWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = terrarium_display_window_dispose;
  GTK_WINDOW_CLASS (klass)->close_request = terrarium_display_window_close_request;

  g_type_ensure (TERRARIUM_TYPE_DISPLAY_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/terrarium/Terrarium/terrarium-display-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TerrariumDisplayWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, TerrariumDisplayWindow, display);
}

static void
terrarium_display_window_init (TerrariumDisplayWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

TerrariumDisplayWindow *
terrarium_display_window_new (GtkWindow  *parent,
                              const char *machine_name,
                              guint       scanout)
{
  TerrariumDisplayWindow *self;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;

  self = g_object_new (TERRARIUM_TYPE_DISPLAY_WINDOW,
                       "application", gtk_window_get_application (parent), NULL);
  self->scanout = scanout;
  terrarium_display_view_set_scanout (self->display, scanout);
  /* Translators: a window's title; %s is a virtual machine's name, %u a number from 2 to 4 */
  title = g_strdup_printf (_("%s — Display %u"), machine_name, scanout + 1);
  /* Translators: %u is a number from 2 to 4 */
  subtitle = g_strdup_printf (_("Display %u"), scanout + 1);
  gtk_window_set_title (GTK_WINDOW (self), title);
  adw_window_title_set_title (self->window_title, machine_name);
  adw_window_title_set_subtitle (self->window_title, subtitle);
  return self;
}
