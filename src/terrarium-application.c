/* terrarium-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "terrarium-application"

#include "config.h"

#include <glib/gi18n.h>

#include "terrarium-application.h"
#include "terrarium-window.h"

struct _TerrariumApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (TerrariumApplication, terrarium_application, ADW_TYPE_APPLICATION)

TerrariumApplication *
terrarium_application_new (void)
{
  return g_object_new (TERRARIUM_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       NULL);
}

static void
terrarium_application_activate (GApplication *app)
{
  TerrariumApplication *self = TERRARIUM_APPLICATION (app);
  GtkWindow *window;

  /* A second launch from the shell should raise the existing window rather
   * than open another one on the same (empty) machine list.
   */
  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  if (window == NULL)
    window = GTK_WINDOW (terrarium_window_new (self));

  gtk_window_present (window);
}

static void
terrarium_application_about_action (GSimpleAction *action,
                                    GVariant      *parameter,
                                    gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  GtkWindow *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (app),
                        "modal", TRUE,
                        "application-name", _("Terrarium"),
                        "application-icon", APP_ID,
                        "version", PACKAGE_VERSION,
                        "comments", _("Run other operating systems in a window"),
                        "developer-name", _("The Terrarium developers"),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "copyright", _("© The Terrarium developers"),
                        /* Translators: replace with your names, one per line */
                        "translator-credits", _("translator-credits"),
                        NULL);

  gtk_window_present (about);
}

static void
terrarium_application_quit_action (GSimpleAction *action,
                                   GVariant      *parameter,
                                   gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  GList *windows;

  /* Closing rather than destroying gives each window its close-request,
   * which is where it saves its size; the application exits on its own
   * once the last window is gone.
   */
  windows = gtk_application_get_windows (app);
  while (windows != NULL)
    {
      GtkWindow *window = windows->data;

      windows = windows->next;
      gtk_window_close (window);
    }
}

static const GActionEntry app_actions[] = {
  { .name = "about", .activate = terrarium_application_about_action },
  { .name = "quit", .activate = terrarium_application_quit_action },
};

static void
terrarium_application_startup (GApplication *app)
{
  static const char *quit_accels[] = { "<Control>q", NULL };

  G_APPLICATION_CLASS (terrarium_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app),
                                   app_actions,
                                   G_N_ELEMENTS (app_actions),
                                   app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
}

static void
terrarium_application_class_init (TerrariumApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = terrarium_application_activate;
  app_class->startup = terrarium_application_startup;
}

static void
terrarium_application_init (TerrariumApplication *self)
{
}
