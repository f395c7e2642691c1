/* terrarium-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "terrarium-window"

#include "config.h"

#include <glib/gi18n.h>

#include "terrarium-install-wizard.h"
#include "terrarium-machine-dialog.h"
#include "terrarium-machine-tile.h"
#include "terrarium-window.h"

struct _TerrariumWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;
  TerrariumLibrary     *library;
  GtkFilterListModel   *filtered;
  GtkStringFilter      *filter;

  GtkWidget            *wizard;   /* the open install wizard, weak */

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  GtkMenuButton        *primary_menu_button;
  GtkSearchBar         *search_bar;
  GtkSearchEntry       *search_entry;
  GtkStack             *stack;
  AdwStatusPage        *empty_page;
  GtkGridView          *grid;
};

G_DEFINE_FINAL_TYPE (TerrariumWindow, terrarium_window, ADW_TYPE_APPLICATION_WINDOW)


static void
terrarium_window_toast (TerrariumWindow *self,
                        const char      *message)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

static void
terrarium_window_update_page (TerrariumWindow *self)
{
  const char *page;

  if (g_list_model_get_n_items (G_LIST_MODEL (self->library)) == 0)
    page = "empty";
  else if (g_list_model_get_n_items (G_LIST_MODEL (self->filtered)) == 0)
    page = "no-results";
  else
    page = "machines";
  gtk_stack_set_visible_child_name (self->stack, page);
}

static void
terrarium_window_search_changed (TerrariumWindow *self)
{
  gtk_string_filter_set_search (self->filter,
                                gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
  terrarium_window_update_page (self);
}

static TerrariumMachine *
terrarium_window_lookup (TerrariumWindow *self,
                         GVariant        *parameter)
{
  TerrariumMachine *machine = terrarium_library_find (self->library,
                                                      g_variant_get_string (parameter, NULL));

  /* Gone meanwhile (deleted from another dialog): nothing to act on. */
  if (!machine)
    terrarium_window_toast (self, _("That virtual machine no longer exists"));
  return machine;
}

static TerrariumApplication *terrarium_window_get_app (TerrariumWindow *self);

static void
terrarium_window_install_created (TerrariumInstallWizard *wizard,
                                  TerrariumMachine       *machine,
                                  TerrariumWindow        *self)
{
  /* The installer boots through the same path as the grid's Run. */
  gtk_widget_activate_action (GTK_WIDGET (self), "win.run-machine", "s",
                              terrarium_machine_get_id (machine));
}

static void
terrarium_window_wizard_destroyed (TerrariumWindow *self)
{
  /* Gone from the screen, if not yet from memory (a pending callback may
   * hold it): the next ISO needs a new wizard. */
  g_clear_weak_pointer (&self->wizard);
}

/* One wizard at a time: another ISO goes to the one already open. */
static TerrariumInstallWizard *
terrarium_window_show_wizard (TerrariumWindow *self)
{
  if (!self->wizard)
    {
      GtkWidget *wizard = terrarium_install_wizard_new (GTK_WINDOW (self), self->library);

      g_signal_connect_object (wizard, "machine-created",
                               G_CALLBACK (terrarium_window_install_created), self, 0);
      g_signal_connect_object (wizard, "destroy",
                               G_CALLBACK (terrarium_window_wizard_destroyed), self,
                               G_CONNECT_SWAPPED);
      g_set_weak_pointer (&self->wizard, wizard);
    }
  gtk_window_present (GTK_WINDOW (self->wizard));
  return TERRARIUM_INSTALL_WIZARD (self->wizard);
}

void
terrarium_window_open_iso (TerrariumWindow *self,
                           GFile           *file)
{
  g_return_if_fail (TERRARIUM_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  /* No library folder, no machines: the empty page says why. */
  if (terrarium_application_get_library_error (terrarium_window_get_app (self)))
    return;
  terrarium_install_wizard_set_file (terrarium_window_show_wizard (self), file);
}

/* Installing from an ISO is the way most machines start. */
static void
terrarium_window_create_machine_action (GtkWidget  *widget,
                                        const char *action_name,
                                        GVariant   *parameter)
{
  terrarium_window_show_wizard (TERRARIUM_WINDOW (widget));
}

/* A Linux kernel (and initrd) booted directly, without firmware. */
static void
terrarium_window_create_linux_machine_action (GtkWidget  *widget,
                                              const char *action_name,
                                              GVariant   *parameter)
{
  TerrariumWindow *self = TERRARIUM_WINDOW (widget);

  gtk_window_present (GTK_WINDOW (terrarium_machine_dialog_new_create (GTK_WINDOW (self),
                                                                       self->library)));
}

static gboolean
terrarium_window_drop (GtkDropTarget   *target,
                       const GValue    *value,
                       double           x,
                       double           y,
                       TerrariumWindow *self)
{
  GSList *files;

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;
  files = gdk_file_list_get_files (g_value_get_boxed (value));
  if (!files)
    return FALSE;
  /* One machine per drop: the wizard takes one disc. */
  terrarium_window_open_iso (self, files->data);
  g_slist_free (files);
  return TRUE;
}

static void
terrarium_window_machine_settings_action (GtkWidget  *widget,
                                          const char *action_name,
                                          GVariant   *parameter)
{
  TerrariumWindow *self = TERRARIUM_WINDOW (widget);
  TerrariumMachine *machine = terrarium_window_lookup (self, parameter);

  if (!machine || !terrarium_machine_get_config (machine))
    return;
  gtk_window_present (GTK_WINDOW (terrarium_machine_dialog_new_edit (GTK_WINDOW (self),
                                                                     self->library, machine)));
}

typedef struct {
  TerrariumWindow  *window;
  TerrariumMachine *machine;
  GtkCheckButton   *keep;
} DeleteData;

static void
delete_data_free (DeleteData *data)
{
  g_object_unref (data->window);
  g_object_unref (data->machine);
  g_free (data);
}

static void
terrarium_window_delete_response (AdwMessageDialog *dialog,
                                  const char       *response,
                                  DeleteData       *data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *kept = NULL;
  gboolean keep = data->keep && gtk_check_button_get_active (data->keep);

  if (!g_str_equal (response, "delete"))
    return;
  if (!terrarium_library_delete (data->window->library, data->machine, keep, &kept, &error))
    {
      terrarium_window_toast (data->window, error->message);
      return;
    }
  if (kept)
    {
      /* Translators: %s is a folder */
      g_autofree char *message = g_strdup_printf (_("The disk image was kept in %s"), kept);

      terrarium_window_toast (data->window, message);
    }
}

static void
terrarium_window_delete_machine_action (GtkWidget  *widget,
                                        const char *action_name,
                                        GVariant   *parameter)
{
  TerrariumWindow *self = TERRARIUM_WINDOW (widget);
  TerrariumMachine *machine = terrarium_window_lookup (self, parameter);
  const struct machine_config *cfg;
  g_autofree char *heading = NULL;
  DeleteData *data;
  GtkWidget *dialog;

  if (!machine)
    return;
  cfg = terrarium_machine_get_config (machine);
  /* Translators: %s is a virtual machine's name */
  heading = g_strdup_printf (_("Delete “%s”?"), terrarium_machine_get_name (machine));
  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading,
                                   _("Its settings and the files in its folder are deleted for good."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");

  data = g_new0 (DeleteData, 1);
  data->window = g_object_ref (self);
  data->machine = g_object_ref (machine);
  if (cfg && cfg->n_disks > 0)
    {
      data->keep = GTK_CHECK_BUTTON (gtk_check_button_new_with_mnemonic (_("_Keep the disk image")));
      adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), GTK_WIDGET (data->keep));
    }
  g_signal_connect_data (dialog, "response", G_CALLBACK (terrarium_window_delete_response), data,
                         (GClosureNotify) (void (*) (void)) delete_data_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static TerrariumApplication *
terrarium_window_get_app (TerrariumWindow *self)
{
  return TERRARIUM_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
}

static void
terrarium_window_run_machine_action (GtkWidget  *widget,
                                     const char *action_name,
                                     GVariant   *parameter)
{
  TerrariumWindow *self = TERRARIUM_WINDOW (widget);
  TerrariumMachine *machine = terrarium_window_lookup (self, parameter);
  g_autoptr(GError) error = NULL;

  if (!machine)
    return;
  if (!terrarium_application_run_machine (terrarium_window_get_app (self), machine, &error))
    terrarium_window_toast (self, error->message);
}

static void
terrarium_window_show_machine_action (GtkWidget  *widget,
                                      const char *action_name,
                                      GVariant   *parameter)
{
  TerrariumWindow *self = TERRARIUM_WINDOW (widget);
  TerrariumMachine *machine = terrarium_window_lookup (self, parameter);

  if (machine)
    terrarium_application_show_machine (terrarium_window_get_app (self), machine);
}

/* The grid's power buttons, for machines running with or without a window. */
static void
terrarium_window_power_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  TerrariumWindow *self = TERRARIUM_WINDOW (widget);
  TerrariumMachine *machine = terrarium_window_lookup (self, parameter);
  TerrariumVmProcess *process;

  if (!machine)
    return;
  process = terrarium_application_get_process (terrarium_window_get_app (self), machine);
  if (g_str_equal (action_name, "win.pause-machine"))
    terrarium_vm_process_pause (process);
  else if (g_str_equal (action_name, "win.resume-machine"))
    terrarium_vm_process_resume (process);
  else if (g_str_equal (action_name, "win.shutdown-machine"))
    terrarium_vm_process_power_button (process);
  else if (g_str_equal (action_name, "win.force-off-machine"))
    terrarium_vm_process_force_off (process);
  else
    g_return_if_reached ();
}

static void
terrarium_window_setup_tile (GtkSignalListItemFactory *factory,
                             GtkListItem              *item,
                             gpointer                  user_data)
{
  gtk_list_item_set_child (item, terrarium_machine_tile_new ());
}

static void
terrarium_window_bind_tile (GtkSignalListItemFactory *factory,
                            GtkListItem              *item,
                            gpointer                  user_data)
{
  terrarium_machine_tile_set_machine (TERRARIUM_MACHINE_TILE (gtk_list_item_get_child (item)),
                                      gtk_list_item_get_item (item));
}

static void
terrarium_window_unbind_tile (GtkSignalListItemFactory *factory,
                              GtkListItem              *item,
                              gpointer                  user_data)
{
  terrarium_machine_tile_set_machine (TERRARIUM_MACHINE_TILE (gtk_list_item_get_child (item)),
                                      NULL);
}

static void
terrarium_window_activate_tile (GtkGridView *grid,
                                guint        position,
                                gpointer     user_data)
{
  TerrariumWindow *self = user_data;
  g_autoptr(TerrariumMachine) machine = g_list_model_get_item (G_LIST_MODEL (self->filtered),
                                                               position);

  if (!machine)
    return;
  /* Double-click: a stopped machine starts, a running one comes forward. */
  switch (terrarium_machine_get_state (machine))
    {
    case TERRARIUM_MACHINE_STATE_STOPPED:
      gtk_widget_activate_action (GTK_WIDGET (self), "win.run-machine", "s",
                                  terrarium_machine_get_id (machine));
      break;
    case TERRARIUM_MACHINE_STATE_RUNNING:
    case TERRARIUM_MACHINE_STATE_PAUSED:
      gtk_widget_activate_action (GTK_WIDGET (self), "win.show-machine", "s",
                                  terrarium_machine_get_id (machine));
      break;
    case TERRARIUM_MACHINE_STATE_BROKEN:
    default:
      break;
    }
}

static void
terrarium_window_items_changed (TerrariumWindow *self)
{
  terrarium_window_update_page (self);
}

static gboolean
terrarium_window_close_request (GtkWindow *window)
{
  TerrariumWindow *self = TERRARIUM_WINDOW (window);
  TerrariumApplication *app = terrarium_window_get_app (self);
  GList *windows = app ? gtk_application_get_windows (GTK_APPLICATION (app)) : NULL;
  int width = 0;
  int height = 0;

  /* The last window going is the app quitting: machines running in the
   * background make that a question. */
  if (app && !terrarium_application_is_quitting (app) && windows && !windows->next &&
      terrarium_application_has_running (app))
    {
      terrarium_application_request_quit (app);
      return TRUE;
    }

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

static gboolean
terrarium_window_start_search (GtkWidget *widget,
                               GVariant  *args,
                               gpointer   user_data)
{
  TerrariumWindow *self = TERRARIUM_WINDOW (widget);

  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  return TRUE;
}

/* "application" is not a construct property, so this runs after
 * g_object_new() rather than in constructed(). */
static void
terrarium_window_attach_library (TerrariumWindow      *self,
                                 TerrariumApplication *app)
{
  GtkListItemFactory *factory;
  GtkExpression *expression;
  const GError *library_error;

  self->library = g_object_ref (terrarium_application_get_library (app));

  expression = gtk_property_expression_new (TERRARIUM_TYPE_MACHINE, NULL, "name");
  self->filter = gtk_string_filter_new (expression);
  self->filtered = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->library)),
                                              g_object_ref (GTK_FILTER (self->filter)));
  g_signal_connect_object (self->filtered, "items-changed",
                           G_CALLBACK (terrarium_window_items_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->library, "items-changed",
                           G_CALLBACK (terrarium_window_items_changed), self, G_CONNECT_SWAPPED);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (terrarium_window_setup_tile), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (terrarium_window_bind_tile), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (terrarium_window_unbind_tile), NULL);
  gtk_grid_view_set_factory (self->grid, factory);
  g_object_unref (factory);
  gtk_grid_view_set_model (self->grid, GTK_SELECTION_MODEL (
                             gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->filtered)))));
  gtk_grid_view_set_single_click_activate (self->grid, FALSE);
  g_signal_connect_object (self->grid, "activate", G_CALLBACK (terrarium_window_activate_tile),
                           self, 0);

  terrarium_window_update_page (self);

  library_error = terrarium_application_get_library_error (app);
  if (library_error)
    {
      adw_status_page_set_title (self->empty_page, _("Virtual machines cannot be listed"));
      adw_status_page_set_description (self->empty_page, library_error->message);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.create-machine", FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.create-linux-machine", FALSE);
    }
}

TerrariumWindow *
terrarium_window_new (TerrariumApplication *application)
{
  TerrariumWindow *self;

  g_return_val_if_fail (TERRARIUM_IS_APPLICATION (application), NULL);

  self = g_object_new (TERRARIUM_TYPE_WINDOW, "application", application, NULL);
  terrarium_window_attach_library (self, application);
  return self;
}

static void
terrarium_window_dispose (GObject *object)
{
  TerrariumWindow *self = TERRARIUM_WINDOW (object);

  g_clear_weak_pointer (&self->wizard);
  gtk_widget_dispose_template (GTK_WIDGET (self), TERRARIUM_TYPE_WINDOW);

  G_OBJECT_CLASS (terrarium_window_parent_class)->dispose (object);
}

static void
terrarium_window_finalize (GObject *object)
{
  TerrariumWindow *self = TERRARIUM_WINDOW (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->filtered);
  g_clear_object (&self->filter);
  g_clear_object (&self->library);

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

  g_type_ensure (TERRARIUM_TYPE_MACHINE_TILE);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/terrarium/Terrarium/terrarium-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TerrariumWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TerrariumWindow, primary_menu_button);
  gtk_widget_class_bind_template_child (widget_class, TerrariumWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, TerrariumWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, TerrariumWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, TerrariumWindow, empty_page);
  gtk_widget_class_bind_template_child (widget_class, TerrariumWindow, grid);
  gtk_widget_class_bind_template_callback (widget_class, terrarium_window_search_changed);

  gtk_widget_class_install_action (widget_class, "win.create-machine", NULL,
                                   terrarium_window_create_machine_action);
  gtk_widget_class_install_action (widget_class, "win.create-linux-machine", NULL,
                                   terrarium_window_create_linux_machine_action);
  gtk_widget_class_install_action (widget_class, "win.machine-settings", "s",
                                   terrarium_window_machine_settings_action);
  gtk_widget_class_install_action (widget_class, "win.delete-machine", "s",
                                   terrarium_window_delete_machine_action);
  gtk_widget_class_install_action (widget_class, "win.run-machine", "s",
                                   terrarium_window_run_machine_action);
  gtk_widget_class_install_action (widget_class, "win.show-machine", "s",
                                   terrarium_window_show_machine_action);
  gtk_widget_class_install_action (widget_class, "win.pause-machine", "s",
                                   terrarium_window_power_action);
  gtk_widget_class_install_action (widget_class, "win.resume-machine", "s",
                                   terrarium_window_power_action);
  gtk_widget_class_install_action (widget_class, "win.shutdown-machine", "s",
                                   terrarium_window_power_action);
  gtk_widget_class_install_action (widget_class, "win.force-off-machine", "s",
                                   terrarium_window_power_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK,
                                       "win.create-machine", NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_f, GDK_CONTROL_MASK,
                                terrarium_window_start_search, NULL);
}

/* For benchmarks/app-start: when the first frame of the main window was
 * painted, as wall-clock time the benchmark compares with its own start. */
static void
terrarium_window_first_paint (GdkFrameClock *clock,
                              gpointer       user_data)
{
  g_signal_handlers_disconnect_by_func (clock, terrarium_window_first_paint, user_data);
  g_debug ("first frame painted at %" G_GINT64_FORMAT " us (real time)", g_get_real_time ());
}

static void
terrarium_window_realized (GtkWidget *widget)
{
  g_signal_connect (gtk_widget_get_frame_clock (widget), "after-paint",
                    G_CALLBACK (terrarium_window_first_paint), widget);
}

static void
terrarium_window_init (TerrariumWindow *self)
{
  GtkDropTarget *target;

  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self, "realize", G_CALLBACK (terrarium_window_realized), NULL);

  /* An ISO dropped anywhere on the window opens the install wizard. */
  target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (target, "drop", G_CALLBACK (terrarium_window_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));

  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
  gtk_search_bar_set_key_capture_widget (self->search_bar, GTK_WIDGET (self));

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
