/* terrarium-install-wizard.c
 *
 * Installing from an ISO in three pages: what the disc is (osinfo-db), what
 * the machine gets (prefilled from the OS's recommendations, limited by the
 * host), and a summary with Create. The machine it makes boots firmware,
 * CD-ROM first.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "terrarium-install-wizard"

#include "config.h"

#include <glib/gi18n.h>

#include "terrarium-install-wizard.h"
#include <string.h>

#include "terrarium-os-detect.h"

#define MiB (1024ull * 1024)
#define GiB (1024ull * MiB)

enum {
  FIRMWARE_UEFI,   /* positions in the firmware row's model */
  FIRMWARE_BIOS,
};

struct _TerrariumInstallWizard
{
  AdwWindow          parent_instance;

  TerrariumLibrary  *library;
  TerrariumOsInfo   *info;          /* NULL until a disc was recognised */
  GCancellable      *detect_cancellable;
  GCancellable      *create_cancellable;
  gboolean           detecting;
  gboolean           busy;          /* creating */
  gboolean           closed;

  /* Template widgets */
  AdwWindowTitle    *window_title;
  GtkButton         *back_button;
  GtkButton         *next_button;
  GtkButton         *create_button;
  GtkStack          *stack;
  GtkSpinner        *spinner;
  GtkLabel          *source_error_label;
  AdwPreferencesGroup *result_group;
  AdwActionRow      *os_row;
  AdwActionRow      *memory_info_row;
  AdwActionRow      *cpus_info_row;
  AdwActionRow      *disk_info_row;
  AdwActionRow      *firmware_info_row;
  AdwPreferencesPage *resources_page;
  AdwEntryRow       *name_row;
  GtkAdjustment     *memory_adjustment;
  GtkAdjustment     *cpus_adjustment;
  GtkAdjustment     *disk_adjustment;
  AdwComboRow       *firmware_row;
  GtkLabel          *resources_message_label;
  AdwPreferencesPage *review_page;
  AdwActionRow      *review_name_row;
  AdwActionRow      *review_os_row;
  AdwActionRow      *review_iso_row;
  AdwActionRow      *review_resources_row;
  AdwActionRow      *review_firmware_row;
  GtkLabel          *review_message_label;
  GtkProgressBar    *progress_bar;
};

enum {
  MACHINE_CREATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TerrariumInstallWizard, terrarium_install_wizard, ADW_TYPE_WINDOW)

/* "2 GiB", "512 MiB": whole units where they are whole. */
static char *
format_size (guint64 bytes)
{
  if (bytes >= GiB && bytes % GiB == 0)
    return g_strdup_printf (_("%llu GiB"), (unsigned long long) (bytes / GiB));
  if (bytes % MiB == 0)
    return g_strdup_printf (_("%llu MiB"), (unsigned long long) (bytes / MiB));
  return g_format_size_full (bytes, G_FORMAT_SIZE_IEC_UNITS);
}

/* Row titles and subtitles are markup; names and file names are text. */
static void
set_row_text (AdwActionRow *row,
              const char   *title,
              const char   *subtitle)
{
  if (title)
    {
      g_autofree char *escaped = g_markup_escape_text (title, -1);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), escaped);
    }
  if (subtitle)
    {
      g_autofree char *escaped = g_markup_escape_text (subtitle, -1);

      adw_action_row_set_subtitle (row, escaped);
    }
}

static const char *
terrarium_install_wizard_page (TerrariumInstallWizard *self)
{
  const char *name = gtk_stack_get_visible_child_name (self->stack);

  return name ? name : "source";
}

static TerrariumMachineSpec
terrarium_install_wizard_spec (TerrariumInstallWizard *self)
{
  gboolean uefi = adw_combo_row_get_selected (self->firmware_row) == FIRMWARE_UEFI;

  return (TerrariumMachineSpec) {
    .name = gtk_editable_get_text (GTK_EDITABLE (self->name_row)),
    .memory = (guint64) gtk_adjustment_get_value (self->memory_adjustment) * MiB,
    .cpus = (guint) gtk_adjustment_get_value (self->cpus_adjustment),
    .disk_size = (guint64) gtk_adjustment_get_value (self->disk_adjustment) * GiB,
    .firmware = uefi ? MACHINE_FIRMWARE_UEFI : MACHINE_FIRMWARE_BIOS,
    .cdrom = self->info ? terrarium_os_info_get_path (self->info) : NULL,
  };
}

static void
show_message (GtkLabel   *label,
              const char *message)
{
  gtk_label_set_label (label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (label), message != NULL);
}

/* The firmware the OS can start with, and that is installed. */
static gboolean
terrarium_install_wizard_check_firmware (TerrariumInstallWizard  *self,
                                         enum machine_firmware    firmware,
                                         GError                 **error)
{
  const char *name = terrarium_os_info_get_name (self->info);

  if (firmware == MACHINE_FIRMWARE_BIOS && terrarium_os_info_needs_uefi (self->info))
    {
      /* Translators: %s is an operating system, "Microsoft Windows 11" */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("%s starts only with UEFI firmware"), name);
      return FALSE;
    }
  if (firmware == MACHINE_FIRMWARE_UEFI && terrarium_os_info_needs_bios (self->info))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("%s starts only with BIOS firmware"), name);
      return FALSE;
    }
  if (firmware == MACHINE_FIRMWARE_UEFI && !terrarium_os_detect_have_ovmf ())
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           _("UEFI firmware is not installed: install the ovmf package, or "
                             "choose BIOS under Advanced"));
      return FALSE;
    }
  return TRUE;
}

/* Enables what can be done on the current page; says what is wrong with
 * the resources once the user is on a page that shows them. */
static gboolean
terrarium_install_wizard_update (TerrariumInstallWizard *self)
{
  const char *page = terrarium_install_wizard_page (self);
  TerrariumMachineSpec spec = terrarium_install_wizard_spec (self);
  g_autoptr(GError) error = NULL;
  gboolean valid = self->info && terrarium_library_validate_spec (self->library, &spec, &error) &&
                   terrarium_install_wizard_check_firmware (self, spec.firmware, &error);
  gboolean on_source = g_str_equal (page, "source");
  gboolean on_review = g_str_equal (page, "review");

  gtk_widget_set_visible (GTK_WIDGET (self->back_button), !on_source);
  gtk_widget_set_visible (GTK_WIDGET (self->next_button), !on_review);
  gtk_widget_set_visible (GTK_WIDGET (self->create_button), on_review);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.back", !self->busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.choose", !self->busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.next",
                                 !self->busy && !self->detecting && self->info &&
                                 (on_source || valid));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "wizard.create", !self->busy && valid);
  if (!on_source && self->info)
    show_message (self->resources_message_label, valid ? NULL : error->message);
  return valid;
}

static void
terrarium_install_wizard_changed (TerrariumInstallWizard *self)
{
  terrarium_install_wizard_update (self);
}

static void
terrarium_install_wizard_fill_review (TerrariumInstallWizard *self)
{
  TerrariumMachineSpec spec = terrarium_install_wizard_spec (self);
  g_autofree char *memory = format_size (spec.memory);
  g_autofree char *disk = format_size (spec.disk_size);
  g_autofree char *cpus = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u virtual CPU",
                                                        "%u virtual CPUs", spec.cpus),
                                           spec.cpus);
  /* Translators: memory, virtual CPUs and disk size, e.g.
   * "2 GiB memory · 2 virtual CPUs · 20 GiB disk" */
  g_autofree char *resources = g_strdup_printf (_("%s memory · %s · %s disk"), memory, cpus, disk);
  g_autofree char *name = g_strstrip (g_strdup (spec.name));

  set_row_text (self->review_name_row, NULL, name);
  set_row_text (self->review_os_row, NULL, terrarium_os_info_get_name (self->info));
  set_row_text (self->review_iso_row, NULL, spec.cdrom);
  set_row_text (self->review_resources_row, NULL, resources);
  set_row_text (self->review_firmware_row, NULL,
                spec.firmware == MACHINE_FIRMWARE_UEFI ? _("UEFI") : _("BIOS"));
}

static void
terrarium_install_wizard_page_changed (TerrariumInstallWizard *self)
{
  GtkStackPage *page = gtk_stack_get_page (self->stack, gtk_stack_get_visible_child (self->stack));

  adw_window_title_set_subtitle (self->window_title, gtk_stack_page_get_title (page));
  if (g_str_equal (terrarium_install_wizard_page (self), "review"))
    terrarium_install_wizard_fill_review (self);
  terrarium_install_wizard_update (self);
}

static void
terrarium_install_wizard_back (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  TerrariumInstallWizard *self = TERRARIUM_INSTALL_WIZARD (widget);
  const char *page = terrarium_install_wizard_page (self);

  show_message (self->review_message_label, NULL);
  if (g_str_equal (page, "review"))
    gtk_stack_set_visible_child_name (self->stack, "resources");
  else if (g_str_equal (page, "resources"))
    gtk_stack_set_visible_child_name (self->stack, "source");
}

static void
terrarium_install_wizard_next (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  TerrariumInstallWizard *self = TERRARIUM_INSTALL_WIZARD (widget);
  const char *page = terrarium_install_wizard_page (self);

  if (!self->info || self->busy)
    return;
  if (g_str_equal (page, "source"))
    gtk_stack_set_visible_child_name (self->stack, "resources");
  else if (g_str_equal (page, "resources") && terrarium_install_wizard_update (self))
    gtk_stack_set_visible_child_name (self->stack, "review");
}

/* --- Page 1: detection --- */

static void
terrarium_install_wizard_set_limits (TerrariumInstallWizard *self)
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
  gtk_adjustment_set_upper (self->disk_adjustment, (double) MAX (free_gib, 1));
}

/* The OS's recommendations, as far as this host can give them (the
 * adjustments clamp to their limits). */
static void
terrarium_install_wizard_prefill (TerrariumInstallWizard *self)
{
  TerrariumOsInfo *info = self->info;
  guint64 disk = terrarium_os_info_get_recommended_storage (info);

  terrarium_install_wizard_set_limits (self);
  if (terrarium_os_info_is_known (info))
    gtk_editable_set_text (GTK_EDITABLE (self->name_row), terrarium_os_info_get_name (info));
  else
    {
      g_autofree char *base = g_path_get_basename (terrarium_os_info_get_path (info));
      char *dot = strrchr (base, '.');

      if (dot && dot != base)
        *dot = '\0';
      gtk_editable_set_text (GTK_EDITABLE (self->name_row), base);
    }
  gtk_adjustment_set_value (self->memory_adjustment,
                            (double) (terrarium_os_info_get_recommended_memory (info) / MiB));
  gtk_adjustment_set_value (self->cpus_adjustment, terrarium_os_info_get_recommended_cpus (info));
  gtk_adjustment_set_value (self->disk_adjustment, (double) ((disk + GiB - 1) / GiB));
  adw_combo_row_set_selected (self->firmware_row, terrarium_os_info_prefers_uefi (info)
                                                  ? FIRMWARE_UEFI : FIRMWARE_BIOS);
}

static void
terrarium_install_wizard_show_info (TerrariumInstallWizard *self)
{
  TerrariumOsInfo *info = self->info;
  g_autofree char *file = g_filename_display_basename (terrarium_os_info_get_path (info));
  g_autofree char *rec_memory = format_size (terrarium_os_info_get_recommended_memory (info));
  g_autofree char *min_memory = format_size (terrarium_os_info_get_minimum_memory (info));
  g_autofree char *rec_disk = format_size (terrarium_os_info_get_recommended_storage (info));
  g_autofree char *min_disk = format_size (terrarium_os_info_get_minimum_storage (info));
  g_autofree char *memory = NULL;
  g_autofree char *disk = NULL;
  g_autofree char *cpus = NULL;
  const char *firmware;

  /* Translators: "2 GiB recommended, at least 1 GiB" */
  memory = g_strdup_printf (_("%s recommended, at least %s"), rec_memory, min_memory);
  disk = g_strdup_printf (_("%s recommended, at least %s"), rec_disk, min_disk);
  /* Translators: virtual CPUs, "2 recommended, at least 1" */
  cpus = g_strdup_printf (_("%u recommended, at least %u"),
                          terrarium_os_info_get_recommended_cpus (info),
                          terrarium_os_info_get_minimum_cpus (info));
  if (terrarium_os_info_needs_uefi (info) && !terrarium_os_detect_have_ovmf ())
    firmware = _("UEFI only: install the ovmf package first");
  else if (terrarium_os_info_needs_uefi (info))
    firmware = _("UEFI only");
  else if (terrarium_os_info_needs_bios (info))
    firmware = _("BIOS only");
  else
    firmware = _("UEFI or BIOS");

  set_row_text (self->os_row, terrarium_os_info_get_name (info), file);
  set_row_text (self->memory_info_row, NULL, memory);
  set_row_text (self->cpus_info_row, NULL, cpus);
  set_row_text (self->disk_info_row, NULL, disk);
  set_row_text (self->firmware_info_row, NULL, firmware);
  gtk_widget_set_visible (GTK_WIDGET (self->result_group), TRUE);
}

static void
terrarium_install_wizard_detected (GObject      *source,
                                   GAsyncResult *result,
                                   gpointer      user_data)
{
  g_autoptr(TerrariumInstallWizard) self = user_data;
  g_autoptr(TerrariumOsInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  info = terrarium_os_detect_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->closed)
    return;
  self->detecting = FALSE;
  gtk_spinner_stop (self->spinner);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), FALSE);
  if (!info)
    show_message (self->source_error_label, error->message);
  else
    {
      self->info = g_steal_pointer (&info);
      terrarium_install_wizard_show_info (self);
      terrarium_install_wizard_prefill (self);
    }
  terrarium_install_wizard_update (self);
}

void
terrarium_install_wizard_set_file (TerrariumInstallWizard *self,
                                   GFile                  *file)
{
  g_autofree char *path = NULL;

  g_return_if_fail (TERRARIUM_IS_INSTALL_WIZARD (self));
  g_return_if_fail (G_IS_FILE (file));

  if (self->busy)
    return;
  g_cancellable_cancel (self->detect_cancellable);
  g_clear_object (&self->detect_cancellable);
  g_clear_object (&self->info);
  gtk_widget_set_visible (GTK_WIDGET (self->result_group), FALSE);
  show_message (self->source_error_label, NULL);
  show_message (self->resources_message_label, NULL);
  gtk_stack_set_visible_child_name (self->stack, "source");

  /* In the Flatpak, dropped and chosen files come through the document
   * portal, which gives them a path too. */
  path = g_file_get_path (file);
  if (!path)
    {
      show_message (self->source_error_label, _("Choose a disc image on this computer"));
      terrarium_install_wizard_update (self);
      return;
    }
  self->detecting = TRUE;
  self->detect_cancellable = g_cancellable_new ();
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), TRUE);
  gtk_spinner_start (self->spinner);
  terrarium_install_wizard_update (self);
  terrarium_os_detect_async (path, self->detect_cancellable, terrarium_install_wizard_detected,
                             g_object_ref (self));
}

static void
terrarium_install_wizard_file_chosen (GtkNativeDialog        *native,
                                      int                     response,
                                      TerrariumInstallWizard *self)
{
  if (response == GTK_RESPONSE_ACCEPT && !self->closed)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));

      if (file)
        terrarium_install_wizard_set_file (self, file);
    }
  g_object_unref (native);
  g_object_unref (self);
}

static void
terrarium_install_wizard_choose (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  TerrariumInstallWizard *self = TERRARIUM_INSTALL_WIZARD (widget);
  GtkFileChooserNative *native;
  g_autoptr(GtkFileFilter) isos = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  gtk_file_filter_set_name (isos, _("Disc Images"));
  gtk_file_filter_add_mime_type (isos, "application/x-cd-image");
  gtk_file_filter_add_mime_type (isos, "application/x-iso9660-image");
  gtk_file_filter_add_suffix (isos, "iso");
  gtk_file_filter_set_name (all, _("All Files"));
  gtk_file_filter_add_pattern (all, "*");

  native = gtk_file_chooser_native_new (_("Choose a Disc Image"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), isos);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), all);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  g_signal_connect (native, "response", G_CALLBACK (terrarium_install_wizard_file_chosen),
                    g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static gboolean
terrarium_install_wizard_drop (GtkDropTarget          *target,
                               const GValue           *value,
                               double                  x,
                               double                  y,
                               TerrariumInstallWizard *self)
{
  GSList *files;

  if (self->busy || !G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;
  files = gdk_file_list_get_files (g_value_get_boxed (value));
  if (!files)
    return FALSE;
  terrarium_install_wizard_set_file (self, files->data);
  g_slist_free (files);
  return TRUE;
}

/* --- Page 3: creation --- */

static void
terrarium_install_wizard_set_busy (TerrariumInstallWizard *self,
                                   gboolean                busy)
{
  self->busy = busy;
  gtk_widget_set_sensitive (GTK_WIDGET (self->review_page), !busy);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), busy);
  terrarium_install_wizard_update (self);
}

static void
terrarium_install_wizard_progress (double   fraction,
                                   gpointer user_data)
{
  TerrariumInstallWizard *self = user_data;

  if (!self->closed)
    gtk_progress_bar_set_fraction (self->progress_bar, fraction);
}

static void
terrarium_install_wizard_created (GObject      *source,
                                  GAsyncResult *result,
                                  gpointer      user_data)
{
  g_autoptr(TerrariumInstallWizard) self = user_data;
  g_autoptr(TerrariumMachine) machine = NULL;
  g_autoptr(GError) error = NULL;

  machine = terrarium_library_create_finish (TERRARIUM_LIBRARY (source), result, &error);
  if (self->closed)
    {
      /* Cancelled after the last point the worker looks: take it back. */
      if (machine && !terrarium_library_delete (self->library, machine, FALSE, NULL, &error))
        g_warning ("%s", error->message);
      return;
    }
  terrarium_install_wizard_set_busy (self, FALSE);
  if (!machine)
    {
      show_message (self->review_message_label, error->message);
      return;
    }
  g_signal_emit (self, signals[MACHINE_CREATED], 0, machine);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
terrarium_install_wizard_create (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  TerrariumInstallWizard *self = TERRARIUM_INSTALL_WIZARD (widget);
  TerrariumMachineSpec spec;

  if (self->busy || !terrarium_install_wizard_update (self))
    return;
  spec = terrarium_install_wizard_spec (self);
  show_message (self->review_message_label, NULL);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  terrarium_install_wizard_set_busy (self, TRUE);
  terrarium_library_create_async (self->library, &spec, terrarium_install_wizard_progress, self,
                                  self->create_cancellable, terrarium_install_wizard_created,
                                  g_object_ref (self));
}

/* --- Object --- */

static void
terrarium_install_wizard_dispose (GObject *object)
{
  TerrariumInstallWizard *self = TERRARIUM_INSTALL_WIZARD (object);

  /* Closing is cancelling: detection stops, a machine being made is
   * removed again. */
  self->closed = TRUE;
  g_cancellable_cancel (self->detect_cancellable);
  g_cancellable_cancel (self->create_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), TERRARIUM_TYPE_INSTALL_WIZARD);
  G_OBJECT_CLASS (terrarium_install_wizard_parent_class)->dispose (object);
}

static void
terrarium_install_wizard_finalize (GObject *object)
{
  TerrariumInstallWizard *self = TERRARIUM_INSTALL_WIZARD (object);

  g_clear_object (&self->library);
  g_clear_object (&self->info);
  g_clear_object (&self->detect_cancellable);
  g_clear_object (&self->create_cancellable);
  G_OBJECT_CLASS (terrarium_install_wizard_parent_class)->finalize (object);
}

static void
terrarium_install_wizard_class_init (TerrariumInstallWizardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = terrarium_install_wizard_dispose;
  object_class->finalize = terrarium_install_wizard_finalize;

  /**
   * TerrariumInstallWizard::machine-created:
   * @self: the wizard
   * @machine: the new machine, already in the library
   *
   * The machine was made; the wizard closes right after.
   */
  signals[MACHINE_CREATED] = g_signal_new ("machine-created", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 1, TERRARIUM_TYPE_MACHINE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/terrarium/Terrarium/terrarium-install-wizard.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, TerrariumInstallWizard, name)
  BIND (window_title);
  BIND (back_button);
  BIND (next_button);
  BIND (create_button);
  BIND (stack);
  BIND (spinner);
  BIND (source_error_label);
  BIND (result_group);
  BIND (os_row);
  BIND (memory_info_row);
  BIND (cpus_info_row);
  BIND (disk_info_row);
  BIND (firmware_info_row);
  BIND (resources_page);
  BIND (name_row);
  BIND (memory_adjustment);
  BIND (cpus_adjustment);
  BIND (disk_adjustment);
  BIND (firmware_row);
  BIND (resources_message_label);
  BIND (review_page);
  BIND (review_name_row);
  BIND (review_os_row);
  BIND (review_iso_row);
  BIND (review_resources_row);
  BIND (review_firmware_row);
  BIND (review_message_label);
  BIND (progress_bar);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, terrarium_install_wizard_changed);
  gtk_widget_class_bind_template_callback (widget_class, terrarium_install_wizard_page_changed);

  gtk_widget_class_install_action (widget_class, "wizard.choose", NULL,
                                   terrarium_install_wizard_choose);
  gtk_widget_class_install_action (widget_class, "wizard.back", NULL,
                                   terrarium_install_wizard_back);
  gtk_widget_class_install_action (widget_class, "wizard.next", NULL,
                                   terrarium_install_wizard_next);
  gtk_widget_class_install_action (widget_class, "wizard.create", NULL,
                                   terrarium_install_wizard_create);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
terrarium_install_wizard_init (TerrariumInstallWizard *self)
{
  GtkDropTarget *target;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->create_cancellable = g_cancellable_new ();

  target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (target, "drop", G_CALLBACK (terrarium_install_wizard_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));
}

GtkWidget *
terrarium_install_wizard_new (GtkWindow        *parent,
                              TerrariumLibrary *library)
{
  TerrariumInstallWizard *self;

  g_return_val_if_fail (TERRARIUM_IS_LIBRARY (library), NULL);

  self = g_object_new (TERRARIUM_TYPE_INSTALL_WIZARD, "transient-for", parent, NULL);
  self->library = g_object_ref (library);
  terrarium_install_wizard_set_limits (self);
  terrarium_install_wizard_page_changed (self);
  return GTK_WIDGET (self);
}
