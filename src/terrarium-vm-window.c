/* terrarium-vm-window.c
 *
 * One running machine's window. It follows its TerrariumVmProcess: a
 * spinner while the VMM starts, the display while it runs, a status page
 * with the end of vmm.log when it stopped unexpectedly; it closes itself
 * when the guest shuts down.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "terrarium-vm-window"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gunixfdlist.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "terrarium-application.h"
#include "terrarium-display-view.h"
#include "terrarium-display-window.h"
#include "terrarium-vm-window.h"

/* Linux evdev codes: KEY_LEFTCTRL, KEY_LEFTALT, KEY_DELETE */
static const guint ctrl_alt_del[] = { 29, 56, 111 };

struct _TerrariumVmWindow
{
  AdwApplicationWindow  parent_instance;

  TerrariumVmProcess   *process;
  TerrariumMachine     *machine;
  /* The guest's other displays, each in its own window (scanout 1 and up) */
  GPtrArray            *displays;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  AdwHeaderBar         *header_bar;
  AdwWindowTitle       *window_title;
  GtkWidget            *pause_button;
  GtkWidget            *resume_button;
  GtkStack             *stack;
  TerrariumDisplayView *display;
  GtkRevealer          *capture_hint;
  AdwStatusPage        *failed_page;
  GtkLabel             *failed_log;
};

G_DEFINE_FINAL_TYPE (TerrariumVmWindow, terrarium_vm_window, ADW_TYPE_APPLICATION_WINDOW)

static void
terrarium_vm_window_toast (TerrariumVmWindow *self,
                           const char        *message)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

static gboolean
terrarium_vm_window_has_disc (TerrariumVmWindow *self)
{
  const struct machine_config *cfg = terrarium_machine_get_config (self->machine);

  return cfg && cfg->cdrom && cfg->cdrom_path && *cfg->cdrom_path;
}

static guint
terrarium_vm_window_n_scanouts (TerrariumVmWindow *self)
{
  const struct machine_config *cfg = terrarium_machine_get_config (self->machine);

  return cfg ? cfg->scanouts : 1;
}

static void
terrarium_vm_window_update (TerrariumVmWindow *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean running = terrarium_vm_process_is_running (self->process);
  gboolean connected = terrarium_vm_process_get_proxy (self->process) != NULL;
  gboolean paused = terrarium_machine_get_state (self->machine) == TERRARIUM_MACHINE_STATE_PAUSED;
  const char *failure = terrarium_vm_process_get_failure (self->process);
  const char *page;
  const char *subtitle = "";

  if (running && connected)
    page = "display";
  else if (running)
    {
      page = "starting";
      subtitle = _("Starting…");
    }
  else
    {
      page = "failed";
      subtitle = _("Stopped");
    }
  if (running && paused)
    subtitle = _("Paused");

  if (failure)
    {
      adw_status_page_set_description (self->failed_page, failure);
      const char *tail = terrarium_vm_process_get_failure_log (self->process);

      gtk_label_set_label (self->failed_log, tail);
      gtk_widget_set_visible (GTK_WIDGET (self->failed_log), tail && *tail);
    }
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), page) != 0)
    {
      gtk_stack_set_visible_child_name (self->stack, page);
      /* Keys go to the guest from the start, without a click first. */
      if (g_str_equal (page, "display"))
        gtk_widget_grab_focus (GTK_WIDGET (self->display));
    }

  gtk_window_set_title (GTK_WINDOW (self), terrarium_machine_get_name (self->machine));
  adw_window_title_set_title (self->window_title, terrarium_machine_get_name (self->machine));
  adw_window_title_set_subtitle (self->window_title, subtitle);

  gtk_widget_action_set_enabled (widget, "vm.pause", connected && !paused);
  gtk_widget_action_set_enabled (widget, "vm.resume", connected && paused);
  gtk_widget_set_visible (self->pause_button, running && !paused);
  gtk_widget_set_visible (self->resume_button, running && paused);
  gtk_widget_action_set_enabled (widget, "vm.shutdown", connected);
  gtk_widget_action_set_enabled (widget, "vm.force-off", running);
  gtk_widget_action_set_enabled (widget, "vm.reset", connected);
  gtk_widget_action_set_enabled (widget, "vm.ctrl-alt-del", connected && !paused);
  gtk_widget_action_set_enabled (widget, "vm.screenshot", connected);
  gtk_widget_action_set_enabled (widget, "vm.capture-pointer", connected && !paused);
  if (!connected || paused)
    terrarium_display_view_release_pointer (self->display);
  gtk_widget_action_set_enabled (widget, "vm.restart", !running);
  gtk_widget_action_set_enabled (widget, "vm.show-displays",
                                 connected &&
                                 self->displays->len + 1 < terrarium_vm_window_n_scanouts (self));
  gtk_widget_action_set_enabled (widget, "vm.eject", terrarium_vm_window_has_disc (self));
}

static void
terrarium_vm_window_display_destroyed (TerrariumVmWindow *self,
                                       GtkWidget         *display)
{
  g_ptr_array_remove (self->displays, display);
  terrarium_vm_window_update (self);
}

/* Opens a window for each of the machine's other displays not shown yet. */
static void
terrarium_vm_window_show_displays (TerrariumVmWindow *self)
{
  TerrariumVmm1 *proxy = terrarium_vm_process_get_proxy (self->process);
  guint n = terrarium_vm_window_n_scanouts (self);

  if (!proxy)
    return;
  for (guint scanout = 1; scanout < n; scanout++)
    {
      TerrariumDisplayWindow *window = NULL;

      for (guint i = 0; i < self->displays->len && !window; i++)
        if (terrarium_display_window_get_scanout (self->displays->pdata[i]) == scanout)
          window = self->displays->pdata[i];
      if (!window)
        {
          window = terrarium_display_window_new (GTK_WINDOW (self),
                                                 terrarium_machine_get_name (self->machine),
                                                 scanout);
          g_ptr_array_add (self->displays, window);
          g_signal_connect_object (window, "destroy",
                                   G_CALLBACK (terrarium_vm_window_display_destroyed), self,
                                   G_CONNECT_SWAPPED);
        }
      terrarium_display_window_set_proxy (window, proxy);
      gtk_window_present (GTK_WINDOW (window));
    }
}

static void
terrarium_vm_window_close_displays (TerrariumVmWindow *self)
{
  g_autoptr(GPtrArray) displays = g_ptr_array_copy (self->displays, NULL, NULL);

  for (guint i = 0; i < displays->len; i++)
    gtk_window_destroy (displays->pdata[i]);
}

static void
terrarium_vm_window_show_displays_action (GtkWidget  *widget,
                                          const char *action_name,
                                          GVariant   *parameter)
{
  terrarium_vm_window_show_displays (TERRARIUM_VM_WINDOW (widget));
}

static void
terrarium_vm_window_proxy_changed (TerrariumVmWindow *self)
{
  TerrariumVmm1 *proxy = terrarium_vm_process_get_proxy (self->process);

  terrarium_display_view_set_proxy (self->display, proxy);
  /* The other monitors follow the VMM; without one they stay open, empty,
   * until a restart fills them again or this window closes (destroying
   * windows from inside this notification has upset GTK 4.8's
   * accessibility bridge). */
  if (proxy)
    terrarium_vm_window_show_displays (self);
  else
    for (guint i = 0; i < self->displays->len; i++)
      terrarium_display_window_set_proxy (self->displays->pdata[i], NULL);
  terrarium_vm_window_update (self);
}

static void
terrarium_vm_window_running_changed (TerrariumVmWindow *self)
{
  /* A guest that shut down takes its window with it; one that failed
   * leaves it, saying why. */
  if (!terrarium_vm_process_is_running (self->process) &&
      !terrarium_vm_process_get_failure (self->process))
    {
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }
  terrarium_vm_window_update (self);
}

static void
terrarium_vm_window_process_error (TerrariumVmWindow *self,
                                   const char        *message)
{
  terrarium_vm_window_toast (self, message);
}

static void
terrarium_vm_window_power_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *parameter)
{
  TerrariumVmWindow *self = TERRARIUM_VM_WINDOW (widget);

  if (g_str_equal (action_name, "vm.pause"))
    terrarium_vm_process_pause (self->process);
  else if (g_str_equal (action_name, "vm.resume"))
    terrarium_vm_process_resume (self->process);
  else if (g_str_equal (action_name, "vm.shutdown"))
    terrarium_vm_process_power_button (self->process);
  else if (g_str_equal (action_name, "vm.force-off"))
    terrarium_vm_process_force_off (self->process);
  else if (g_str_equal (action_name, "vm.reset"))
    terrarium_vm_process_reset (self->process);
  else
    g_return_if_reached ();
}

static void
terrarium_vm_window_restart_action (GtkWidget  *widget,
                                    const char *action_name,
                                    GVariant   *parameter)
{
  TerrariumVmWindow *self = TERRARIUM_VM_WINDOW (widget);
  g_autoptr(GError) error = NULL;

  if (!terrarium_vm_process_start (self->process, &error))
    terrarium_vm_window_toast (self, error->message);
}

static void
terrarium_vm_window_ctrl_alt_del_action (GtkWidget  *widget,
                                         const char *action_name,
                                         GVariant   *parameter)
{
  TerrariumVmWindow *self = TERRARIUM_VM_WINDOW (widget);

  terrarium_display_view_send_keys (self->display, ctrl_alt_del, G_N_ELEMENTS (ctrl_alt_del));
}

static void
terrarium_vm_window_capture_pointer_action (GtkWidget  *widget,
                                            const char *action_name,
                                            GVariant   *parameter)
{
  TerrariumVmWindow *self = TERRARIUM_VM_WINDOW (widget);
  g_autoptr(GError) error = NULL;

  if (terrarium_display_view_get_pointer_captured (self->display))
    terrarium_display_view_release_pointer (self->display);
  else if (!terrarium_display_view_capture_pointer (self->display, &error))
    terrarium_vm_window_toast (self, error->message);
}

static void
terrarium_vm_window_capture_changed (TerrariumVmWindow *self)
{
  gtk_revealer_set_reveal_child (self->capture_hint,
                                 terrarium_display_view_get_pointer_captured (self->display));
}

static void
terrarium_vm_window_fullscreen_action (GtkWidget  *widget,
                                       const char *action_name,
                                       GVariant   *parameter)
{
  if (gtk_window_is_fullscreen (GTK_WINDOW (widget)))
    gtk_window_unfullscreen (GTK_WINDOW (widget));
  else
    gtk_window_fullscreen (GTK_WINDOW (widget));
}

static void
terrarium_vm_window_fullscreen_changed (TerrariumVmWindow *self)
{
  /* The whole screen for the guest; F11 brings the header bar back. */
  gtk_widget_set_visible (GTK_WIDGET (self->header_bar),
                          !gtk_window_is_fullscreen (GTK_WINDOW (self)));
}

typedef struct {
  TerrariumVmWindow *window;
  char              *path;
} ScreenshotData;

static void
screenshot_data_free (ScreenshotData *data)
{
  g_object_unref (data->window);
  g_free (data->path);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScreenshotData, screenshot_data_free)

static void
terrarium_vm_window_screenshot_done (GObject      *source,
                                     GAsyncResult *result,
                                     gpointer      user_data)
{
  g_autoptr(ScreenshotData) data = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (!terrarium_vmm1_call_screenshot_finish (TERRARIUM_VMM1 (source), NULL, result, &error))
    {
      g_dbus_error_strip_remote_error (error);
      g_unlink (data->path);
      /* Translators: %s says why */
      message = g_strdup_printf (_("Could not take a screenshot: %s"), error->message);
    }
  else
    /* Translators: %s is a file name */
    message = g_strdup_printf (_("Screenshot saved to %s"), data->path);
  terrarium_vm_window_toast (data->window, message);
}

static char *
terrarium_vm_window_screenshot_path (TerrariumVmWindow *self)
{
  const char *pictures = g_get_user_special_dir (G_USER_DIRECTORY_PICTURES);
  g_autofree char *folder = NULL;
  g_autofree char *name = NULL;
  g_autofree char *file = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y-%m-%d %H-%M-%S");

  folder = pictures ? g_strdup (pictures) : g_build_filename (g_get_home_dir (), "Pictures", NULL);
  g_mkdir_with_parents (folder, 0755);
  /* A machine's name is free text; a file name cannot hold a slash. */
  name = g_strdelimit (g_strdup (terrarium_machine_get_name (self->machine)), "/", '-');
  /* Translators: a screenshot's file name: machine name, then date and time */
  file = g_strdup_printf (_("%s %s.png"), name, stamp);
  return g_build_filename (folder, file, NULL);
}

static void
terrarium_vm_window_screenshot_action (GtkWidget  *widget,
                                       const char *action_name,
                                       GVariant   *parameter)
{
  TerrariumVmWindow *self = TERRARIUM_VM_WINDOW (widget);
  TerrariumVmm1 *proxy = terrarium_vm_process_get_proxy (self->process);
  g_autoptr(GUnixFDList) fd_list = g_unix_fd_list_new ();
  g_autoptr(GError) error = NULL;
  ScreenshotData *data;
  int index;
  int fd;

  if (!proxy)
    return;
  data = g_new0 (ScreenshotData, 1);
  data->window = g_object_ref (self);
  data->path = terrarium_vm_window_screenshot_path (self);
  /* The VMM writes into a file we opened: it needs no access to our
   * folders, and a name taken meanwhile is never overwritten. */
  fd = g_open (data->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      g_autofree char *message = NULL;
      int saved_errno = errno;

      /* Translators: %s is a file name, the second %s says why */
      message = g_strdup_printf (_("Could not save a screenshot to %s: %s"), data->path,
                                 g_strerror (saved_errno));
      terrarium_vm_window_toast (self, message);
      screenshot_data_free (data);
      return;
    }
  index = g_unix_fd_list_append (fd_list, fd, &error);
  close (fd);
  if (index < 0)
    {
      g_unlink (data->path);
      terrarium_vm_window_toast (self, error->message);
      screenshot_data_free (data);
      return;
    }
  terrarium_vmm1_call_screenshot (proxy, 0, g_variant_new_handle (index), fd_list, NULL,
                                  terrarium_vm_window_screenshot_done, data);
}

static gboolean
terrarium_vm_window_destroy_idle (gpointer user_data)
{
  gtk_window_destroy (GTK_WINDOW (user_data));
  return G_SOURCE_REMOVE;
}

static void
terrarium_vm_window_close_response (AdwMessageDialog  *dialog,
                                    const char        *response,
                                    TerrariumVmWindow *self)
{
  if (g_str_equal (response, "cancel"))
    return;
  if (g_str_equal (response, "shutdown"))
    terrarium_vm_process_power_button (self->process);
  else if (g_str_equal (response, "force-off"))
    terrarium_vm_process_force_off (self->process);
  /* The app may be exiting with this window. */
  terrarium_vm_process_flush (self->process);
  /* "keep": the machine runs on; the library grid brings the window back.
   * Not from inside the response: the dialog, transient for this window,
   * still has to close, and GTK 4.8 would then reach for a freed parent. */
  g_idle_add_full (G_PRIORITY_DEFAULT, terrarium_vm_window_destroy_idle, g_object_ref (self),
                   g_object_unref);
}

static gboolean
terrarium_vm_window_close_request (GtkWindow *window)
{
  TerrariumVmWindow *self = TERRARIUM_VM_WINDOW (window);
  GtkApplication *app = gtk_window_get_application (window);
  g_autofree char *heading = NULL;
  GtkWidget *dialog;

  /* Quitting asked about every machine at once already. */
  if (!terrarium_vm_process_is_running (self->process) ||
      (app && terrarium_application_is_quitting (TERRARIUM_APPLICATION (app))))
    return GTK_WINDOW_CLASS (terrarium_vm_window_parent_class)->close_request (window);

  /* Translators: %s is a virtual machine's name */
  heading = g_strdup_printf (_("“%s” is running"), terrarium_machine_get_name (self->machine));
  dialog = adw_message_dialog_new (window, heading,
                                   _("Shut it down, or keep it running in the background: "
                                     "opening it from the library brings its window back."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "keep", _("_Keep Running"),
                                    "force-off", _("_Force Off"),
                                    "shutdown", _("_Shut Down"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "force-off",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "shutdown",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "shutdown");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (terrarium_vm_window_close_response),
                           self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

TerrariumVmWindow *
terrarium_vm_window_new (GtkApplication     *application,
                         TerrariumVmProcess *process)
{
  TerrariumVmWindow *self;

  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (TERRARIUM_IS_VM_PROCESS (process), NULL);

  self = g_object_new (TERRARIUM_TYPE_VM_WINDOW, "application", application, NULL);
  self->process = g_object_ref (process);
  self->machine = g_object_ref (terrarium_vm_process_get_machine (process));
  g_signal_connect_object (process, "notify::proxy",
                           G_CALLBACK (terrarium_vm_window_proxy_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (process, "notify::running",
                           G_CALLBACK (terrarium_vm_window_running_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (process, "notify::failure",
                           G_CALLBACK (terrarium_vm_window_update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (process, "error", G_CALLBACK (terrarium_vm_window_process_error),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->machine, "notify",
                           G_CALLBACK (terrarium_vm_window_update), self, G_CONNECT_SWAPPED);
  terrarium_vm_window_proxy_changed (self);
  return self;
}

TerrariumVmProcess *
terrarium_vm_window_get_process (TerrariumVmWindow *self)
{
  g_return_val_if_fail (TERRARIUM_IS_VM_WINDOW (self), NULL);
  return self->process;
}

static void
terrarium_vm_window_dispose (GObject *object)
{
  TerrariumVmWindow *self = TERRARIUM_VM_WINDOW (object);

  /* Destroyed from a signal of the process: nothing may reach us after. */
  if (self->process)
    g_signal_handlers_disconnect_by_data (self->process, self);
  if (self->machine)
    g_signal_handlers_disconnect_by_data (self->machine, self);
  if (self->displays)
    {
      for (guint i = 0; i < self->displays->len; i++)
        g_signal_handlers_disconnect_by_data (self->displays->pdata[i], self);
      terrarium_vm_window_close_displays (self);
      g_clear_pointer (&self->displays, g_ptr_array_unref);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), TERRARIUM_TYPE_VM_WINDOW);
  g_clear_object (&self->process);
  g_clear_object (&self->machine);

  G_OBJECT_CLASS (terrarium_vm_window_parent_class)->dispose (object);
}

/* --- Eject: the installer's disc out, so the installed disk boots --- */

static gboolean
terrarium_vm_window_empty_drive (struct machine_config  *cfg,
                                 gpointer                user_data,
                                 GError                **error)
{
  /* The drive stays (the guest may want another disc); it is empty. */
  return machine_config_set_option (cfg, "cdrom", "", NULL, error) == 0;
}

static void
terrarium_vm_window_save_ejected (TerrariumVmWindow *self)
{
  g_autoptr(GError) error = NULL;

  if (!terrarium_machine_update (self->machine, terrarium_vm_window_empty_drive, NULL, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Could not eject the disc: %s"),
                                                  error->message);

      terrarium_vm_window_toast (self, message);
      return;
    }
  terrarium_vm_window_toast (self, _("Disc ejected"));
  terrarium_vm_window_update (self);
}

static void
terrarium_vm_window_eject_done (GObject      *source,
                                GAsyncResult *result,
                                gpointer      user_data)
{
  g_autoptr(TerrariumVmWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!terrarium_vmm1_call_eject_media_finish (TERRARIUM_VMM1 (source), result, &error) &&
      /* A VMM without EjectMedia, or without a drive, still takes the
       * change at its next start. */
      !g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD) &&
      !g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NOT_SUPPORTED))
    {
      g_autofree char *message = NULL;

      g_dbus_error_strip_remote_error (error);
      message = g_strdup_printf (_("Could not eject the disc: %s"), error->message);
      terrarium_vm_window_toast (self, message);
      return;
    }
  terrarium_vm_window_save_ejected (self);
}

static void
terrarium_vm_window_eject_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *parameter)
{
  TerrariumVmWindow *self = TERRARIUM_VM_WINDOW (widget);
  TerrariumVmm1 *proxy = terrarium_vm_process_get_proxy (self->process);

  if (!terrarium_vm_window_has_disc (self))
    return;
  if (!proxy)
    {
      terrarium_vm_window_save_ejected (self);
      return;
    }
  terrarium_vmm1_call_eject_media (proxy, NULL, terrarium_vm_window_eject_done,
                                   g_object_ref (self));
}

static void
terrarium_vm_window_class_init (TerrariumVmWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = terrarium_vm_window_dispose;
  window_class->close_request = terrarium_vm_window_close_request;

  g_type_ensure (TERRARIUM_TYPE_DISPLAY_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/terrarium/Terrarium/terrarium-vm-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TerrariumVmWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TerrariumVmWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, TerrariumVmWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, TerrariumVmWindow, pause_button);
  gtk_widget_class_bind_template_child (widget_class, TerrariumVmWindow, resume_button);
  gtk_widget_class_bind_template_child (widget_class, TerrariumVmWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, TerrariumVmWindow, display);
  gtk_widget_class_bind_template_child (widget_class, TerrariumVmWindow, capture_hint);
  gtk_widget_class_bind_template_child (widget_class, TerrariumVmWindow, failed_page);
  gtk_widget_class_bind_template_child (widget_class, TerrariumVmWindow, failed_log);

  gtk_widget_class_install_action (widget_class, "vm.pause", NULL,
                                   terrarium_vm_window_power_action);
  gtk_widget_class_install_action (widget_class, "vm.resume", NULL,
                                   terrarium_vm_window_power_action);
  gtk_widget_class_install_action (widget_class, "vm.shutdown", NULL,
                                   terrarium_vm_window_power_action);
  gtk_widget_class_install_action (widget_class, "vm.force-off", NULL,
                                   terrarium_vm_window_power_action);
  gtk_widget_class_install_action (widget_class, "vm.reset", NULL,
                                   terrarium_vm_window_power_action);
  gtk_widget_class_install_action (widget_class, "vm.restart", NULL,
                                   terrarium_vm_window_restart_action);
  gtk_widget_class_install_action (widget_class, "vm.ctrl-alt-del", NULL,
                                   terrarium_vm_window_ctrl_alt_del_action);
  gtk_widget_class_install_action (widget_class, "vm.screenshot", NULL,
                                   terrarium_vm_window_screenshot_action);
  gtk_widget_class_install_action (widget_class, "vm.fullscreen", NULL,
                                   terrarium_vm_window_fullscreen_action);
  gtk_widget_class_install_action (widget_class, "vm.show-displays", NULL,
                                   terrarium_vm_window_show_displays_action);
  gtk_widget_class_install_action (widget_class, "vm.capture-pointer", NULL,
                                   terrarium_vm_window_capture_pointer_action);
  gtk_widget_class_install_action (widget_class, "vm.eject", NULL,
                                   terrarium_vm_window_eject_action);
}

static void
terrarium_vm_window_init (TerrariumVmWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->displays = g_ptr_array_new ();
  g_signal_connect (self, "notify::fullscreened",
                    G_CALLBACK (terrarium_vm_window_fullscreen_changed), NULL);
  g_signal_connect_swapped (self->display, "notify::pointer-captured",
                            G_CALLBACK (terrarium_vm_window_capture_changed), self);
}
