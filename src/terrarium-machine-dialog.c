/* terrarium-machine-dialog.c
 *
 * The create dialog and the settings dialog: the same fields, checked by the
 * library's own validation so the messages match what would fail later.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "terrarium-machine-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "terrarium-machine-dialog.h"

#define MiB (1024ull * 1024)
#define GiB (1024ull * MiB)

struct _TerrariumMachineDialog
{
  AdwWindow         parent_instance;

  TerrariumLibrary *library;
  TerrariumMachine *machine;     /* NULL: creating */
  /* LINUX when creating; an edited machine keeps its own (the install
   * wizard's machines boot firmware and have no kernel to set). */
  enum machine_firmware firmware;
  GCancellable     *cancellable;
  gboolean          busy;

  /* Template widgets */
  GtkButton        *accept_button;
  AdwPreferencesPage *page;
  AdwEntryRow      *name_row;
  AdwPreferencesGroup *boot_group;
  AdwEntryRow      *kernel_row;
  AdwEntryRow      *initrd_row;
  AdwEntryRow      *cmdline_row;
  GtkAdjustment    *memory_adjustment;
  GtkAdjustment    *cpus_adjustment;
  GtkAdjustment    *disk_adjustment;
  AdwActionRow     *disk_row;
  /* Settings only: shown for an existing VM */
  AdwPreferencesGroup *display_group;
  AdwPreferencesGroup *network_group;
  AdwPreferencesGroup *sharing_group;
  GtkAdjustment    *scanouts_adjustment;
  GtkSwitch        *network_switch;
  GtkSwitch        *isolated_switch;
  AdwActionRow     *isolated_row;
  AdwEntryRow      *forwards_row;
  GtkSwitch        *spice_switch;
  GtkAdjustment    *spice_port_adjustment;
  AdwActionRow     *spice_port_row;
  GtkLabel         *message_label;
  GtkProgressBar   *progress_bar;
};

G_DEFINE_FINAL_TYPE (TerrariumMachineDialog, terrarium_machine_dialog, ADW_TYPE_WINDOW)

static void
terrarium_machine_dialog_show_message (TerrariumMachineDialog *self,
                                       const char             *message)
{
  gtk_label_set_label (self->message_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
}

static TerrariumMachineSpec
terrarium_machine_dialog_spec (TerrariumMachineDialog *self)
{
  gboolean direct = self->firmware == MACHINE_FIRMWARE_LINUX;

  return (TerrariumMachineSpec) {
    .name = gtk_editable_get_text (GTK_EDITABLE (self->name_row)),
    .memory = (guint64) gtk_adjustment_get_value (self->memory_adjustment) * MiB,
    .cpus = (guint) gtk_adjustment_get_value (self->cpus_adjustment),
    .disk_size = self->machine ? 0
                               : (guint64) gtk_adjustment_get_value (self->disk_adjustment) * GiB,
    .kernel = direct ? gtk_editable_get_text (GTK_EDITABLE (self->kernel_row)) : NULL,
    .initrd = direct ? gtk_editable_get_text (GTK_EDITABLE (self->initrd_row)) : NULL,
    .cmdline = direct ? gtk_editable_get_text (GTK_EDITABLE (self->cmdline_row)) : NULL,
    .firmware = self->firmware,
  };
}

/* What the settings dialog adds to the spec: display, network and sharing. */
typedef struct {
  TerrariumMachineSpec spec;
  guint                scanouts;
  const char          *net;        /* "on", "off" or "isolated" */
  const char          *forwards;   /* ';'-separated, as in the key file */
  gboolean             spice;
  guint                spice_port;
} SettingsData;

static SettingsData
terrarium_machine_dialog_settings (TerrariumMachineDialog *self)
{
  gboolean network = gtk_switch_get_active (self->network_switch);

  return (SettingsData) {
    .spec = terrarium_machine_dialog_spec (self),
    .scanouts = (guint) gtk_adjustment_get_value (self->scanouts_adjustment),
    .net = !network ? "off" : gtk_switch_get_active (self->isolated_switch) ? "isolated" : "on",
    .forwards = gtk_editable_get_text (GTK_EDITABLE (self->forwards_row)),
    .spice = gtk_switch_get_active (self->spice_switch),
    .spice_port = (guint) gtk_adjustment_get_value (self->spice_port_adjustment),
  };
}

/* Puts the settings-only values into @cfg; the key file's own parsers check
 * them, so a forward is refused here with the words the VMM would use. */
static gboolean
terrarium_machine_dialog_apply_settings (struct machine_config *cfg,
                                         const SettingsData    *data,
                                         GError               **error)
{
  g_autofree char *scanouts = g_strdup_printf ("%u", data->scanouts);
  g_autofree char *port = g_strdup_printf ("%u", data->spice_port);
  g_auto(GStrv) forwards = g_strsplit (data->forwards, ";", -1);

  if (machine_config_set_option (cfg, "scanouts", scanouts, NULL, error) < 0 ||
      machine_config_set_option (cfg, "net", data->net, NULL, error) < 0)
    return FALSE;
  net_config_clear_forwards (&cfg->net);
  for (guint i = 0; forwards[i]; i++)
    {
      const char *forward = g_strstrip (forwards[i]);

      /* The parser's message quotes the forward and says what to write. */
      if (*forward && machine_config_set_option (cfg, "net-forward", forward, NULL, error) < 0)
        return FALSE;
    }
  if (net_config_check (&cfg->net, error) < 0)
    return FALSE;
  if (spice_config_set_key (&cfg->spice, "port", port, error) < 0)
    return FALSE;
  cfg->spice.enabled = data->spice;
  return spice_config_check (&cfg->spice, error) == 0;
}

/* Validation runs as the user types; the message appears once there is
 * something to say about what was entered, not on an untouched form. */
static gboolean
terrarium_machine_dialog_validate (TerrariumMachineDialog *self,
                                   gboolean                show)
{
  TerrariumMachineSpec spec = terrarium_machine_dialog_spec (self);
  g_autoptr(GError) error = NULL;
  gboolean ok = terrarium_library_validate_spec (self->library, &spec, &error);

  if (ok && self->machine)
    {
      /* A scratch copy: the VM's own config changes only on Save. */
      SettingsData data = terrarium_machine_dialog_settings (self);
      struct machine_config scratch;

      machine_config_init (&scratch);
      ok = terrarium_machine_dialog_apply_settings (&scratch, &data, &error);
      machine_config_clear (&scratch);
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->isolated_row),
                            gtk_switch_get_active (self->network_switch));
  gtk_widget_set_sensitive (GTK_WIDGET (self->spice_port_row),
                            gtk_switch_get_active (self->spice_switch));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.accept", ok && !self->busy);
  if (show)
    terrarium_machine_dialog_show_message (self, ok ? NULL : error->message);
  return ok;
}

static void
terrarium_machine_dialog_changed (TerrariumMachineDialog *self)
{
  terrarium_machine_dialog_validate (self, *gtk_editable_get_text (GTK_EDITABLE (self->name_row))
                                           != '\0');
}

static void
terrarium_machine_dialog_set_busy (TerrariumMachineDialog *self,
                                   gboolean                busy)
{
  self->busy = busy;
  gtk_widget_set_sensitive (GTK_WIDGET (self->page), !busy);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), busy);
  terrarium_machine_dialog_validate (self, FALSE);
}

static void
terrarium_machine_dialog_progress (double   fraction,
                                   gpointer user_data)
{
  TerrariumMachineDialog *self = user_data;

  gtk_progress_bar_set_fraction (self->progress_bar, fraction);
}

static void
terrarium_machine_dialog_created (GObject      *source,
                                  GAsyncResult *result,
                                  gpointer      user_data)
{
  g_autoptr(TerrariumMachineDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TerrariumMachine) machine = NULL;

  machine = terrarium_library_create_finish (TERRARIUM_LIBRARY (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  terrarium_machine_dialog_set_busy (self, FALSE);
  if (!machine)
    {
      terrarium_machine_dialog_show_message (self, error->message);
      return;
    }
  gtk_window_destroy (GTK_WINDOW (self));
}

static gboolean
terrarium_machine_dialog_apply (struct machine_config  *cfg,
                                gpointer                user_data,
                                GError                **error)
{
  const SettingsData *data = user_data;
  const TerrariumMachineSpec *spec = &data->spec;
  g_autofree char *memory = machine_config_format_size (spec->memory);
  g_autofree char *cpus = g_strdup_printf ("%u", spec->cpus);
  g_autofree char *name = g_strstrip (g_strdup (spec->name));

  if (machine_config_set_option (cfg, "name", name, NULL, error) < 0 ||
      machine_config_set_option (cfg, "memory", memory, NULL, error) < 0 ||
      machine_config_set_option (cfg, "cpus", cpus, NULL, error) < 0)
    return FALSE;
  if (spec->firmware != MACHINE_FIRMWARE_LINUX)
    return TRUE;
  if (machine_config_set_option (cfg, "kernel", spec->kernel, NULL, error) < 0 ||
      machine_config_set_option (cfg, "cmdline", spec->cmdline, NULL, error) < 0)
    return FALSE;
  /* "initrd" has no empty value on the command line: clear it directly. */
  g_clear_pointer (&cfg->initrd, g_free);
  if (spec->initrd && *spec->initrd && machine_config_set_option (cfg, "initrd", spec->initrd, NULL, error) < 0)
    return FALSE;
  return terrarium_machine_dialog_apply_settings (cfg, data, error);
}

static void
terrarium_machine_dialog_accept (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  TerrariumMachineDialog *self = TERRARIUM_MACHINE_DIALOG (widget);
  TerrariumMachineSpec spec;
  g_autoptr(GError) error = NULL;

  if (self->busy || !terrarium_machine_dialog_validate (self, TRUE))
    return;
  spec = terrarium_machine_dialog_spec (self);

  if (self->machine)
    {
      SettingsData data = terrarium_machine_dialog_settings (self);

      if (!terrarium_machine_update (self->machine, terrarium_machine_dialog_apply, &data, &error))
        {
          terrarium_machine_dialog_show_message (self, error->message);
          return;
        }
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }

  terrarium_machine_dialog_set_busy (self, TRUE);
  terrarium_library_create_async (self->library, &spec, terrarium_machine_dialog_progress, self,
                                  self->cancellable, terrarium_machine_dialog_created,
                                  g_object_ref (self));
}

typedef struct {
  TerrariumMachineDialog *self;
  gboolean                initrd;
} ChooseData;

static void
terrarium_machine_dialog_file_chosen (GtkNativeDialog *native,
                                      int              response,
                                      gpointer         user_data)
{
  g_autofree ChooseData *data = user_data;
  TerrariumMachineDialog *self = data->self;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
      char *path = file ? g_file_get_path (file) : NULL;

      if (path)
        gtk_editable_set_text (GTK_EDITABLE (data->initrd ? self->initrd_row : self->kernel_row),
                               path);
      else if (file)
        terrarium_machine_dialog_show_message (self, _("Choose a local file"));
      g_free (path);
    }
  g_object_unref (native);
  g_object_unref (self);
}

static void
terrarium_machine_dialog_choose (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  TerrariumMachineDialog *self = TERRARIUM_MACHINE_DIALOG (widget);
  ChooseData *data = g_new0 (ChooseData, 1);
  GtkFileChooserNative *native;

  data->self = g_object_ref (self);
  data->initrd = g_str_equal (action_name, "dialog.choose-initrd");
  native = gtk_file_chooser_native_new (data->initrd ? _("Choose an Initial RAM Disk")
                                                     : _("Choose a Linux Kernel"),
                                        GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                        _("_Choose"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  g_signal_connect (native, "response", G_CALLBACK (terrarium_machine_dialog_file_chosen), data);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
terrarium_machine_dialog_set_limits (TerrariumMachineDialog *self)
{
  guint64 host = machine_config_host_memory ();
  guint64 max_memory = host ? MIN (host, MACHINE_CONFIG_MEMORY_MAX) : MACHINE_CONFIG_MEMORY_MAX;
  g_autoptr(GFile) root = g_file_new_for_path (terrarium_library_get_root (self->library));
  g_autoptr(GFileInfo) info = NULL;
  guint64 free_gib = 1024;

  gtk_adjustment_set_upper (self->memory_adjustment, (double) (max_memory / MiB));
  gtk_adjustment_set_upper (self->cpus_adjustment,
                            MIN (g_get_num_processors (), MACHINE_CONFIG_MAX_CPUS));
  info = g_file_query_filesystem_info (root, G_FILE_ATTRIBUTE_FILESYSTEM_FREE, NULL, NULL);
  if (info && g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_FILESYSTEM_FREE))
    free_gib = g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_FILESYSTEM_FREE) / GiB;
  gtk_adjustment_set_upper (self->disk_adjustment, (double) free_gib);
  gtk_adjustment_set_value (self->disk_adjustment, MIN (20.0, (double) free_gib));
  /* Half the host, at most 4 GiB: a guest that leaves the desktop usable. */
  gtk_adjustment_set_value (self->memory_adjustment,
                            (double) MIN (4 * GiB, MAX (max_memory / 2, 256 * MiB)) / MiB);
  gtk_adjustment_set_value (self->cpus_adjustment, MAX (1, MIN (g_get_num_processors () / 2, 4)));
}

static void
terrarium_machine_dialog_dispose (GObject *object)
{
  TerrariumMachineDialog *self = TERRARIUM_MACHINE_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), TERRARIUM_TYPE_MACHINE_DIALOG);
  G_OBJECT_CLASS (terrarium_machine_dialog_parent_class)->dispose (object);
}

static void
terrarium_machine_dialog_finalize (GObject *object)
{
  TerrariumMachineDialog *self = TERRARIUM_MACHINE_DIALOG (object);

  g_clear_object (&self->library);
  g_clear_object (&self->machine);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (terrarium_machine_dialog_parent_class)->finalize (object);
}

static void
terrarium_machine_dialog_class_init (TerrariumMachineDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = terrarium_machine_dialog_dispose;
  object_class->finalize = terrarium_machine_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/terrarium/Terrarium/terrarium-machine-dialog.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, TerrariumMachineDialog, name)
  BIND (accept_button);
  BIND (page);
  BIND (name_row);
  BIND (boot_group);
  BIND (kernel_row);
  BIND (initrd_row);
  BIND (cmdline_row);
  BIND (memory_adjustment);
  BIND (cpus_adjustment);
  BIND (disk_adjustment);
  BIND (disk_row);
  BIND (display_group);
  BIND (network_group);
  BIND (sharing_group);
  BIND (scanouts_adjustment);
  BIND (network_switch);
  BIND (isolated_switch);
  BIND (isolated_row);
  BIND (forwards_row);
  BIND (spice_switch);
  BIND (spice_port_adjustment);
  BIND (spice_port_row);
  BIND (message_label);
  BIND (progress_bar);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, terrarium_machine_dialog_changed);

  gtk_widget_class_install_action (widget_class, "dialog.accept", NULL,
                                   terrarium_machine_dialog_accept);
  gtk_widget_class_install_action (widget_class, "dialog.choose-kernel", NULL,
                                   terrarium_machine_dialog_choose);
  gtk_widget_class_install_action (widget_class, "dialog.choose-initrd", NULL,
                                   terrarium_machine_dialog_choose);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
terrarium_machine_dialog_init (TerrariumMachineDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

static TerrariumMachineDialog *
terrarium_machine_dialog_new (GtkWindow        *parent,
                              TerrariumLibrary *library)
{
  TerrariumMachineDialog *self = g_object_new (TERRARIUM_TYPE_MACHINE_DIALOG,
                                               "transient-for", parent, NULL);

  self->library = g_object_ref (library);
  terrarium_machine_dialog_set_limits (self);
  return self;
}

GtkWidget *
terrarium_machine_dialog_new_create (GtkWindow        *parent,
                                     TerrariumLibrary *library)
{
  TerrariumMachineDialog *self;

  g_return_val_if_fail (TERRARIUM_IS_LIBRARY (library), NULL);

  self = terrarium_machine_dialog_new (parent, library);
  gtk_window_set_title (GTK_WINDOW (self), _("New Virtual Machine"));
  gtk_button_set_label (self->accept_button, _("Create"));
  terrarium_machine_dialog_validate (self, FALSE);
  return GTK_WIDGET (self);
}

GtkWidget *
terrarium_machine_dialog_new_edit (GtkWindow        *parent,
                                   TerrariumLibrary *library,
                                   TerrariumMachine *machine)
{
  TerrariumMachineDialog *self;
  const struct machine_config *cfg;
  g_autofree char *title = NULL;

  g_return_val_if_fail (TERRARIUM_IS_LIBRARY (library), NULL);
  g_return_val_if_fail (TERRARIUM_IS_MACHINE (machine), NULL);
  cfg = terrarium_machine_get_config (machine);
  g_return_val_if_fail (cfg != NULL, NULL);

  self = terrarium_machine_dialog_new (parent, library);
  self->machine = g_object_ref (machine);
  self->firmware = cfg->firmware;
  gtk_widget_set_visible (GTK_WIDGET (self->boot_group), cfg->firmware == MACHINE_FIRMWARE_LINUX);
  /* Translators: the settings dialog's title; %s is the machine's name */
  title = g_strdup_printf (_("%s Settings"), terrarium_machine_get_name (machine));
  gtk_window_set_title (GTK_WINDOW (self), title);
  gtk_button_set_label (self->accept_button, _("Save"));
  gtk_widget_set_visible (GTK_WIDGET (self->disk_row), FALSE);

  gtk_editable_set_text (GTK_EDITABLE (self->name_row), terrarium_machine_get_name (machine));
  gtk_editable_set_text (GTK_EDITABLE (self->cmdline_row), cfg->cmdline ? cfg->cmdline : "");
  gtk_adjustment_set_value (self->memory_adjustment, (double) (cfg->memory / MiB));
  gtk_adjustment_set_value (self->cpus_adjustment, cfg->cpus);
  gtk_editable_set_text (GTK_EDITABLE (self->kernel_row), cfg->kernel ? cfg->kernel : "");
  gtk_editable_set_text (GTK_EDITABLE (self->initrd_row), cfg->initrd ? cfg->initrd : "");

  gtk_widget_set_visible (GTK_WIDGET (self->display_group), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->network_group), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->sharing_group), TRUE);
  gtk_adjustment_set_value (self->scanouts_adjustment, cfg->scanouts);
  gtk_switch_set_active (self->network_switch, cfg->net.enabled);
  gtk_switch_set_active (self->isolated_switch, cfg->net.isolated);
  {
    g_autoptr(GPtrArray) forwards = g_ptr_array_new_with_free_func (g_free);
    g_autofree char *text = NULL;

    for (guint i = 0; i < cfg->net.n_forwards; i++)
      g_ptr_array_add (forwards, net_forward_to_string (&cfg->net.forwards[i]));
    g_ptr_array_add (forwards, NULL);
    text = g_strjoinv ("; ", (char **) forwards->pdata);
    gtk_editable_set_text (GTK_EDITABLE (self->forwards_row), text);
  }
  gtk_switch_set_active (self->spice_switch, cfg->spice.enabled);
  if (cfg->spice.port)
    gtk_adjustment_set_value (self->spice_port_adjustment, cfg->spice.port);

  if (terrarium_machine_get_state (machine) != TERRARIUM_MACHINE_STATE_STOPPED)
    {
      gtk_widget_set_sensitive (GTK_WIDGET (self->name_row), FALSE);
      terrarium_machine_dialog_show_message (self, _("Shut the virtual machine down to change "
                                                     "its settings"));
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.accept", FALSE);
      return GTK_WIDGET (self);
    }
  terrarium_machine_dialog_validate (self, TRUE);
  return GTK_WIDGET (self);
}
