/* terrarium-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "terrarium-application"

#include "config.h"

#include <glib/gi18n.h>

#include "terrarium-application.h"
#include "terrarium-vm-window.h"
#include "terrarium-window.h"

struct _TerrariumApplication
{
  AdwApplication    parent_instance;

  TerrariumLibrary *library;
  GError           *library_error;
  GHashTable       *processes;   /* machine id -> TerrariumVmProcess */
  gboolean          quitting;
};

G_DEFINE_FINAL_TYPE (TerrariumApplication, terrarium_application, ADW_TYPE_APPLICATION)

TerrariumApplication *
terrarium_application_new (void)
{
  return g_object_new (TERRARIUM_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       /* `terrarium FILE.iso`, and "Open With" in the file
                        * manager, open the install wizard. */
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       NULL);
}

TerrariumLibrary *
terrarium_application_get_library (TerrariumApplication *self)
{
  g_return_val_if_fail (TERRARIUM_IS_APPLICATION (self), NULL);
  return self->library;
}

const GError *
terrarium_application_get_library_error (TerrariumApplication *self)
{
  g_return_val_if_fail (TERRARIUM_IS_APPLICATION (self), NULL);
  return self->library_error;
}

TerrariumVmProcess *
terrarium_application_get_process (TerrariumApplication *self,
                                   TerrariumMachine     *machine)
{
  TerrariumVmProcess *process;

  g_return_val_if_fail (TERRARIUM_IS_APPLICATION (self), NULL);
  g_return_val_if_fail (TERRARIUM_IS_MACHINE (machine), NULL);

  process = g_hash_table_lookup (self->processes, terrarium_machine_get_id (machine));
  /* A machine deleted and made again under the same folder name is a new
   * object: a stopped process of the old one is of no use. */
  if (process && terrarium_vm_process_get_machine (process) != machine &&
      !terrarium_vm_process_is_running (process))
    process = NULL;
  if (!process)
    {
      process = terrarium_vm_process_new (machine);
      g_hash_table_replace (self->processes, g_strdup (terrarium_machine_get_id (machine)),
                            process);
    }
  return process;
}

static TerrariumVmWindow *
terrarium_application_find_vm_window (TerrariumApplication *self,
                                      TerrariumVmProcess   *process)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; l = l->next)
    if (TERRARIUM_IS_VM_WINDOW (l->data) &&
        terrarium_vm_window_get_process (l->data) == process)
      return l->data;
  return NULL;
}

void
terrarium_application_show_machine (TerrariumApplication *self,
                                    TerrariumMachine     *machine)
{
  TerrariumVmProcess *process;
  TerrariumVmWindow *window;

  g_return_if_fail (TERRARIUM_IS_APPLICATION (self));
  g_return_if_fail (TERRARIUM_IS_MACHINE (machine));

  process = terrarium_application_get_process (self, machine);
  window = terrarium_application_find_vm_window (self, process);
  if (!window && terrarium_vm_process_is_running (process))
    window = terrarium_vm_window_new (GTK_APPLICATION (self), process);
  if (window)
    gtk_window_present (GTK_WINDOW (window));
}

gboolean
terrarium_application_run_machine (TerrariumApplication *self,
                                   TerrariumMachine     *machine,
                                   GError              **error)
{
  TerrariumVmProcess *process;

  g_return_val_if_fail (TERRARIUM_IS_APPLICATION (self), FALSE);
  g_return_val_if_fail (TERRARIUM_IS_MACHINE (machine), FALSE);

  process = terrarium_application_get_process (self, machine);
  if (!terrarium_vm_process_is_running (process) &&
      !terrarium_vm_process_start (process, error))
    return FALSE;
  terrarium_application_show_machine (self, machine);
  return TRUE;
}

gboolean
terrarium_application_has_running (TerrariumApplication *self)
{
  GHashTableIter iter;
  gpointer process;

  g_return_val_if_fail (TERRARIUM_IS_APPLICATION (self), FALSE);

  g_hash_table_iter_init (&iter, self->processes);
  while (g_hash_table_iter_next (&iter, NULL, &process))
    if (terrarium_vm_process_is_running (process))
      return TRUE;
  return FALSE;
}

gboolean
terrarium_application_is_quitting (TerrariumApplication *self)
{
  g_return_val_if_fail (TERRARIUM_IS_APPLICATION (self), FALSE);
  return self->quitting;
}

static void
terrarium_application_close_all (TerrariumApplication *self)
{
  /* A copy with references: closing a VM window destroys its extra display
   * windows, which are further down the application's own list. */
  GList *windows = g_list_copy_deep (gtk_application_get_windows (GTK_APPLICATION (self)),
                                     (GCopyFunc) (void (*) (void)) g_object_ref, NULL);

  self->quitting = TRUE;
  /* Closing rather than destroying gives each window its close-request,
   * which is where it saves its size; the application exits on its own
   * once the last window is gone.
   */
  for (GList *l = windows; l; l = l->next)
    if (g_list_find (gtk_application_get_windows (GTK_APPLICATION (self)), l->data))
      gtk_window_close (l->data);
  g_list_free_full (windows, g_object_unref);
}

static gboolean
terrarium_application_close_all_idle (gpointer user_data)
{
  terrarium_application_close_all (user_data);
  return G_SOURCE_REMOVE;
}

static void
terrarium_application_quit_response (AdwMessageDialog     *dialog,
                                     const char           *response,
                                     TerrariumApplication *self)
{
  GHashTableIter iter;
  gpointer process;

  if (g_str_equal (response, "cancel"))
    return;
  g_hash_table_iter_init (&iter, self->processes);
  while (g_hash_table_iter_next (&iter, NULL, &process))
    {
      if (!terrarium_vm_process_is_running (process))
        continue;
      if (g_str_equal (response, "shutdown"))
        terrarium_vm_process_power_button (process);
      else if (g_str_equal (response, "force-off"))
        terrarium_vm_process_force_off (process);
      terrarium_vm_process_flush (process);
    }
  /* The VMMs are processes of their own: they finish shutting down (or run
   * on, for "keep") without the app. The windows close once this dialog,
   * transient for one of them, is gone. */
  self->quitting = TRUE;
  g_idle_add_full (G_PRIORITY_DEFAULT, terrarium_application_close_all_idle, g_object_ref (self),
                   g_object_unref);
}

void
terrarium_application_request_quit (TerrariumApplication *self)
{
  GtkWidget *dialog;

  g_return_if_fail (TERRARIUM_IS_APPLICATION (self));

  if (!terrarium_application_has_running (self))
    {
      terrarium_application_close_all (self);
      return;
    }
  dialog = adw_message_dialog_new (gtk_application_get_active_window (GTK_APPLICATION (self)),
                                   _("Virtual machines are running"),
                                   _("Shut them down, or keep them running in the background: "
                                     "they do not need Terrarium to run."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "keep", _("_Keep Running"),
                                    "force-off", _("_Force Off All"),
                                    "shutdown", _("_Shut Down All"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "force-off",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "shutdown",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "shutdown");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (terrarium_application_quit_response),
                           self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
terrarium_application_activate (GApplication *app)
{
  TerrariumApplication *self = TERRARIUM_APPLICATION (app);
  GtkWindow *window;

  /* A second launch from the shell should raise the existing window rather
   * than open another one on the same (empty) machine list.
   */
  window = NULL;
  /* The library, not a machine's window (which may be all that is open). */
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l && !window; l = l->next)
    if (TERRARIUM_IS_WINDOW (l->data))
      window = l->data;
  if (window == NULL)
    window = GTK_WINDOW (terrarium_window_new (self));

  gtk_window_present (window);
}

static void
terrarium_application_open (GApplication  *app,
                            GFile        **files,
                            int            n_files,
                            const char    *hint)
{
  GtkWindow *window;

  g_application_activate (app);
  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  if (!TERRARIUM_IS_WINDOW (window))
    for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l; l = l->next)
      if (TERRARIUM_IS_WINDOW (l->data))
        window = l->data;
  /* One wizard, one disc: the first file. */
  if (TERRARIUM_IS_WINDOW (window) && n_files > 0)
    terrarium_window_open_iso (TERRARIUM_WINDOW (window), files[0]);
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

/* Runs a machine by its ID (its folder name) or its name and shows its
 * window: `terrarium --run ID`, `gapplication action org.terrarium.Terrarium
 * run-machine "'ID'"`, or a desktop shortcut. */
static void
terrarium_application_run_machine_action (GSimpleAction *action,
                                          GVariant      *parameter,
                                          gpointer       user_data)
{
  TerrariumApplication *self = TERRARIUM_APPLICATION (user_data);
  const char *wanted = g_variant_get_string (parameter, NULL);
  TerrariumMachine *machine = terrarium_library_find (self->library, wanted);
  GtkWindow *window;

  for (guint i = 0; !machine && i < g_list_model_get_n_items (G_LIST_MODEL (self->library)); i++)
    {
      g_autoptr(TerrariumMachine) item = g_list_model_get_item (G_LIST_MODEL (self->library), i);

      if (g_strcmp0 (terrarium_machine_get_name (item), wanted) == 0)
        machine = item;
    }
  g_application_activate (G_APPLICATION (self));
  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (!machine)
    {
      g_warning ("No virtual machine is called “%s”", wanted);
      return;
    }
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; l = l->next)
    if (TERRARIUM_IS_WINDOW (l->data))
      window = l->data;
  gtk_widget_activate_action (GTK_WIDGET (window), "win.run-machine", "s",
                              terrarium_machine_get_id (machine));
}

static int
terrarium_application_handle_local_options (GApplication *app,
                                            GVariantDict *options)
{
  const char *run = NULL;

  if (!g_variant_dict_lookup (options, "run", "&s", &run))
    return -1;
  /* In the running instance if there is one, else in this one. */
  if (!g_application_register (app, NULL, NULL))
    return 1;
  g_action_group_activate_action (G_ACTION_GROUP (app), "run-machine", g_variant_new_string (run));
  return g_application_get_is_remote (app) ? 0 : -1;
}

static void
terrarium_application_quit_action (GSimpleAction *action,
                                   GVariant      *parameter,
                                   gpointer       user_data)
{
  terrarium_application_request_quit (TERRARIUM_APPLICATION (user_data));
}

static const GActionEntry app_actions[] = {
  { .name = "about", .activate = terrarium_application_about_action },
  { .name = "quit", .activate = terrarium_application_quit_action },
  { .name = "run-machine", .activate = terrarium_application_run_machine_action,
    .parameter_type = "s" },
};

static void
terrarium_application_startup (GApplication *app)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *fullscreen_accels[] = { "F11", NULL };

  TerrariumApplication *self = TERRARIUM_APPLICATION (app);

  G_APPLICATION_CLASS (terrarium_application_parent_class)->startup (app);

  /* TERRARIUM_MACHINES_DIR lets tests (and people with several libraries)
   * point the app elsewhere than $XDG_DATA_HOME/terrarium/machines. */
  self->library = terrarium_library_new (g_getenv ("TERRARIUM_MACHINES_DIR"));
  if (!terrarium_library_load (self->library, &self->library_error))
    g_warning ("%s", self->library_error->message);
  /* Machines kept running when the app last quit are still running. */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->library)); i++)
    {
      g_autoptr(TerrariumMachine) machine = g_list_model_get_item (G_LIST_MODEL (self->library), i);

      if (terrarium_machine_get_config (machine))
        terrarium_vm_process_attach (terrarium_application_get_process (self, machine));
    }

  g_action_map_add_action_entries (G_ACTION_MAP (app),
                                   app_actions,
                                   G_N_ELEMENTS (app_actions),
                                   app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  /* An application accelerator, not a widget binding: those run before the
   * display, which otherwise sends every key to the guest. */
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "vm.fullscreen",
                                         fullscreen_accels);
}

static void
terrarium_application_finalize (GObject *object)
{
  TerrariumApplication *self = TERRARIUM_APPLICATION (object);

  g_clear_object (&self->library);
  g_clear_error (&self->library_error);
  g_clear_pointer (&self->processes, g_hash_table_unref);

  G_OBJECT_CLASS (terrarium_application_parent_class)->finalize (object);
}

static void
terrarium_application_class_init (TerrariumApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = terrarium_application_finalize;

  app_class->activate = terrarium_application_activate;
  app_class->open = terrarium_application_open;
  app_class->startup = terrarium_application_startup;
  app_class->handle_local_options = terrarium_application_handle_local_options;
}

static void
terrarium_application_init (TerrariumApplication *self)
{
  const GOptionEntry options[] = {
    { "run", 'r', 0, G_OPTION_ARG_STRING, NULL,
      N_("Run the virtual machine with this ID or name and show its window"), N_("MACHINE") },
    { NULL }
  };

  self->processes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  g_application_add_main_option_entries (G_APPLICATION (self), options);
}
