/* terrarium-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "terrarium-window"

#include "config.h"

#include <glib/gi18n.h>

#include "terrarium-window.h"

struct _TerrariumWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;

  /* Template widgets */
  GtkMenuButton        *primary_menu_button;
  AdwStatusPage        *empty_page;
};

G_DEFINE_FINAL_TYPE (TerrariumWindow, terrarium_window, ADW_TYPE_APPLICATION_WINDOW)

TerrariumWindow *
terrarium_window_new (TerrariumApplication *application)
{
  g_return_val_if_fail (TERRARIUM_IS_APPLICATION (application), NULL);

  return g_object_new (TERRARIUM_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

static void
terrarium_window_create_machine_action (GtkWidget  *widget,
                                        const char *action_name,
                                        GVariant   *parameter)
{
  /* The action is disabled in init until the create dialog exists, so GTK
   * never gets here; reaching it means someone enabled it too early.
   */
  g_return_if_reached ();
}

static gboolean
terrarium_window_close_request (GtkWindow *window)
{
  TerrariumWindow *self = TERRARIUM_WINDOW (window);
  int width = 0;
  int height = 0;

  /* Saved once on close rather than bound live, so a drag-resize doesn't
   * turn into a stream of dconf writes.  The default size is the
   * unmaximized size, which is what we want to come back to.
   */
  gtk_window_get_default_size (window, &width, &height);

  g_settings_delay (self->settings);
  if (width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  g_settings_apply (self->settings);

  return GTK_WINDOW_CLASS (terrarium_window_parent_class)->close_request (window);
}

static void
terrarium_window_dispose (GObject *object)
{
  TerrariumWindow *self = TERRARIUM_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), TERRARIUM_TYPE_WINDOW);

  G_OBJECT_CLASS (terrarium_window_parent_class)->dispose (object);
}

static void
terrarium_window_finalize (GObject *object)
{
  TerrariumWindow *self = TERRARIUM_WINDOW (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (terrarium_window_parent_class)->finalize (object);
}

static void
terrarium_window_class_init (TerrariumWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = terrarium_window_dispose;
  object_class->finalize = terrarium_window_finalize;

  window_class->close_request = terrarium_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/terrarium/Terrarium/terrarium-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TerrariumWindow, primary_menu_button);
  gtk_widget_class_bind_template_child (widget_class, TerrariumWindow, empty_page);

  gtk_widget_class_install_action (widget_class, "win.create-machine", NULL,
                                   terrarium_window_create_machine_action);
}

static void
terrarium_window_init (TerrariumWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* Kept off, not faked: the create dialog (a later issue) enables this
   * once it can actually make a machine, and the empty state's button
   * follows the action's state for free.
   */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.create-machine", FALSE);

  self->settings = g_settings_new (APP_ID);

  /* Restored before the window is realized, so it maps at its final size
   * instead of visibly jumping to it.
   */
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}
