/* terrarium-library.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "terrarium-library"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "terrarium-library.h"

#define DISK_FILE_NAME "disk0.img"
#define SERIAL_LOG_NAME "serial.log"
#define MAX_NAME_LENGTH 100

struct _TerrariumLibrary
{
  GObject    parent_instance;

  char      *root;
  GPtrArray *machines;   /* TerrariumMachine, sorted by name */
};

static void terrarium_library_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TerrariumLibrary, terrarium_library, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      terrarium_library_list_model_init))

static GType
terrarium_library_get_item_type (GListModel *model)
{
  return TERRARIUM_TYPE_MACHINE;
}

static guint
terrarium_library_get_n_items (GListModel *model)
{
  return TERRARIUM_LIBRARY (model)->machines->len;
}

static gpointer
terrarium_library_get_item (GListModel *model,
                            guint       position)
{
  TerrariumLibrary *self = TERRARIUM_LIBRARY (model);

  if (position >= self->machines->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->machines, position));
}

static void
terrarium_library_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = terrarium_library_get_item_type;
  iface->get_n_items = terrarium_library_get_n_items;
  iface->get_item = terrarium_library_get_item;
}

static int
terrarium_library_compare (TerrariumMachine *a,
                           TerrariumMachine *b)
{
  int c = g_utf8_collate (terrarium_machine_get_name (a), terrarium_machine_get_name (b));

  /* Same names stay in a stable order. */
  return c ? c : g_strcmp0 (terrarium_machine_get_id (a), terrarium_machine_get_id (b));
}

static guint
terrarium_library_sorted_position (TerrariumLibrary *self,
                                   TerrariumMachine *machine)
{
  guint i;

  for (i = 0; i < self->machines->len; i++)
    if (terrarium_library_compare (machine, g_ptr_array_index (self->machines, i)) < 0)
      break;
  return i;
}

static void terrarium_library_name_changed (TerrariumMachine *machine,
                                            GParamSpec       *pspec,
                                            TerrariumLibrary *self);

static void
terrarium_library_insert (TerrariumLibrary *self,
                          TerrariumMachine *machine)
{
  guint position = terrarium_library_sorted_position (self, machine);

  g_ptr_array_insert (self->machines, (int) position, g_object_ref (machine));
  g_signal_connect_object (machine, "notify::name",
                           G_CALLBACK (terrarium_library_name_changed), self, 0);
  g_list_model_items_changed (G_LIST_MODEL (self), position, 0, 1);
}

static gboolean
terrarium_library_take_out (TerrariumLibrary *self,
                            TerrariumMachine *machine)
{
  guint position;

  if (!g_ptr_array_find (self->machines, machine, &position))
    return FALSE;
  g_signal_handlers_disconnect_by_func (machine, terrarium_library_name_changed, self);
  g_ptr_array_remove_index (self->machines, position);
  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
  return TRUE;
}

static void
terrarium_library_name_changed (TerrariumMachine *machine,
                                GParamSpec       *pspec,
                                TerrariumLibrary *self)
{
  g_autoptr(TerrariumMachine) keep = g_object_ref (machine);

  /* A rename can move the machine in the sorted list. */
  if (terrarium_library_take_out (self, machine))
    terrarium_library_insert (self, machine);
}

TerrariumLibrary *
terrarium_library_new (const char *root)
{
  TerrariumLibrary *self = g_object_new (TERRARIUM_TYPE_LIBRARY, NULL);

  self->root = root ? g_strdup (root)
                    : g_build_filename (g_get_user_data_dir (), "terrarium", "machines", NULL);
  return self;
}

const char *
terrarium_library_get_root (TerrariumLibrary *self)
{
  g_return_val_if_fail (TERRARIUM_IS_LIBRARY (self), NULL);
  return self->root;
}

gboolean
terrarium_library_load (TerrariumLibrary  *self,
                        GError           **error)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_object_unref);
  guint old_len;
  const char *entry;

  g_return_val_if_fail (TERRARIUM_IS_LIBRARY (self), FALSE);

  if (g_mkdir_with_parents (self->root, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot create the folder for virtual machines, %s: %s"), self->root,
                   g_strerror (saved));
      return FALSE;
    }
  dir = g_dir_open (self->root, 0, error);
  if (!dir)
    return FALSE;

  while ((entry = g_dir_read_name (dir)))
    {
      g_autofree char *folder = g_build_filename (self->root, entry, NULL);

      /* Half-made folders of an interrupted create start with a dot. */
      if (entry[0] == '.' || !g_file_test (folder, G_FILE_TEST_IS_DIR))
        continue;
      g_ptr_array_add (found, terrarium_machine_load (folder));
    }

  for (guint i = 0; i < self->machines->len; i++)
    g_signal_handlers_disconnect_by_func (g_ptr_array_index (self->machines, i),
                                          terrarium_library_name_changed, self);
  old_len = self->machines->len;
  g_ptr_array_set_size (self->machines, 0);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, old_len, 0);
  for (guint i = 0; i < found->len; i++)
    terrarium_library_insert (self, g_ptr_array_index (found, i));
  return TRUE;
}

TerrariumMachine *
terrarium_library_find (TerrariumLibrary *self,
                        const char       *id)
{
  g_return_val_if_fail (TERRARIUM_IS_LIBRARY (self), NULL);

  for (guint i = 0; i < self->machines->len; i++)
    {
      TerrariumMachine *machine = g_ptr_array_index (self->machines, i);

      if (g_strcmp0 (terrarium_machine_get_id (machine), id) == 0)
        return machine;
    }
  return NULL;
}

static guint64
terrarium_library_free_space (TerrariumLibrary *self)
{
  g_autoptr(GFile) file = g_file_new_for_path (self->root);
  g_autoptr(GFileInfo) info = NULL;

  info = g_file_query_filesystem_info (file, G_FILE_ATTRIBUTE_FILESYSTEM_FREE, NULL, NULL);
  if (!info || !g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_FILESYSTEM_FREE))
    return G_MAXUINT64;
  return g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_FILESYSTEM_FREE);
}

/* Firmware boots what is on the disks and the CD-ROM: no kernel. */
static gboolean
terrarium_library_validate_firmware_spec (const TerrariumMachineSpec  *spec,
                                          GError                     **error)
{
  if (spec->kernel && *spec->kernel)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("A machine that starts with BIOS or UEFI firmware boots from its "
                             "disks, not from a kernel file"));
      return FALSE;
    }
  if (spec->cdrom && *spec->cdrom && g_access (spec->cdrom, R_OK) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot read the disc image %s: %s"), spec->cdrom, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

gboolean
terrarium_library_validate_spec (TerrariumLibrary            *self,
                                 const TerrariumMachineSpec  *spec,
                                 GError                     **error)
{
  g_autofree char *stripped = NULL;
  guint64 host_memory = machine_config_host_memory ();
  guint max_cpus = MIN ((guint) g_get_num_processors (), MACHINE_CONFIG_MAX_CPUS);

  g_return_val_if_fail (TERRARIUM_IS_LIBRARY (self), FALSE);
  g_return_val_if_fail (spec != NULL, FALSE);

  stripped = g_strstrip (g_strdup (spec->name ? spec->name : ""));
  if (*stripped == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Give the virtual machine a name"));
      return FALSE;
    }
  if (g_utf8_strlen (stripped, -1) > MAX_NAME_LENGTH)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The name is too long: at most %d characters"), MAX_NAME_LENGTH);
      return FALSE;
    }
  if (spec->memory < MACHINE_CONFIG_MEMORY_MIN || spec->memory % (1024 * 1024) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Memory must be a whole number of MiB, at least %u MiB"),
                   (unsigned) (MACHINE_CONFIG_MEMORY_MIN >> 20));
      return FALSE;
    }
  if ((host_memory && spec->memory > host_memory) || spec->memory > MACHINE_CONFIG_MEMORY_MAX)
    {
      g_autofree char *limit = g_format_size_full (host_memory ? MIN (host_memory,
                                                                      MACHINE_CONFIG_MEMORY_MAX)
                                                               : MACHINE_CONFIG_MEMORY_MAX,
                                                   G_FORMAT_SIZE_IEC_UNITS);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("This computer can give a virtual machine at most %s of memory"), limit);
      return FALSE;
    }
  if (spec->cpus < 1 || spec->cpus > max_cpus)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   g_dngettext (GETTEXT_PACKAGE, "This computer has %u CPU: choose 1",
                                "This computer has %u CPUs: choose between 1 and %u", max_cpus),
                   max_cpus, max_cpus);
      return FALSE;
    }
  if (spec->disk_size > 0)
    {
      guint64 free_space = terrarium_library_free_space (self);

      if (spec->disk_size % 512 != 0)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("The disk size must be a multiple of 512 bytes"));
          return FALSE;
        }
      /* The image is sparse, but a guest that fills it must not fill the
       * host's disk: the whole size must be free. */
      if (spec->disk_size > free_space)
        {
          g_autofree char *free_text = g_format_size_full (free_space, G_FORMAT_SIZE_IEC_UNITS);

          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                       _("Only %s are free on the disk that holds your virtual machines"),
                       free_text);
          return FALSE;
        }
    }
  if (spec->firmware != MACHINE_FIRMWARE_LINUX)
    return terrarium_library_validate_firmware_spec (spec, error);
  if (!spec->kernel || !*spec->kernel)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Choose a Linux kernel to boot"));
      return FALSE;
    }
  if (g_access (spec->kernel, R_OK) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot read the kernel %s: %s"), spec->kernel, g_strerror (saved));
      return FALSE;
    }
  if (spec->initrd && *spec->initrd && g_access (spec->initrd, R_OK) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot read the initial RAM disk %s: %s"), spec->initrd,
                   g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/* --- Creation, in a worker thread --- */

typedef struct {
  char                  *name;
  guint64                memory;
  guint                  cpus;
  guint64                disk_size;
  char                  *kernel;
  char                  *initrd;
  char                  *cmdline;
  enum machine_firmware  firmware;
  char                  *cdrom;
  char                  *root;
  char                  *folder;       /* the final folder */
  GMainContext          *context;
  TerrariumProgressFunc  progress;
  gpointer               progress_data;
} CreateData;

static void
create_data_free (CreateData *data)
{
  g_free (data->name);
  g_free (data->kernel);
  g_free (data->initrd);
  g_free (data->cmdline);
  g_free (data->cdrom);
  g_free (data->root);
  g_free (data->folder);
  g_main_context_unref (data->context);
  g_free (data);
}

typedef struct {
  TerrariumProgressFunc progress;
  gpointer              progress_data;
  double                fraction;
} ProgressReport;

static gboolean
report_progress_cb (gpointer user_data)
{
  ProgressReport *report = user_data;

  report->progress (report->fraction, report->progress_data);
  return G_SOURCE_REMOVE;
}

static void
create_report (CreateData *data,
               double      fraction)
{
  ProgressReport *report;

  if (!data->progress)
    return;
  report = g_new (ProgressReport, 1);
  report->progress = data->progress;
  report->progress_data = data->progress_data;
  report->fraction = fraction;
  g_main_context_invoke_full (data->context, G_PRIORITY_DEFAULT, report_progress_cb, report,
                              g_free);
}

static gboolean
create_disk (const char  *path,
             guint64      size,
             GError     **error)
{
  int fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  int saved;

  if (fd < 0)
    goto fail;
  /* Sparse: blocks are allocated as the guest writes them. */
  if (ftruncate (fd, (off_t) size) != 0 || fsync (fd) != 0)
    {
      saved = errno;
      close (fd);
      errno = saved;
      goto fail;
    }
  if (close (fd) != 0)
    goto fail;
  return TRUE;

fail:
  saved = errno;
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
               _("Cannot create the disk image %s: %s"), path, g_strerror (saved));
  return FALSE;
}

static gboolean
remove_tree (const char  *path,
             GError     **error)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *entry;

  while (dir && (entry = g_dir_read_name (dir)))
    {
      g_autofree char *child = g_build_filename (path, entry, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        {
          if (!remove_tree (child, error))
            return FALSE;
        }
      else if (g_unlink (child) != 0 && errno != ENOENT)
        {
          int saved = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("Cannot remove %s: %s"), child, g_strerror (saved));
          return FALSE;
        }
    }
  if (g_rmdir (path) != 0 && errno != ENOENT)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot remove %s: %s"), path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

static gboolean
create_firmware_config (CreateData             *data,
                        struct machine_config  *cfg,
                        GError                **error)
{
  g_autofree char *vars = NULL;
  g_autoptr(GString) order = g_string_new (NULL);

  if (machine_config_set_option (cfg, "firmware", machine_firmware_name (data->firmware), NULL,
                                 error) < 0)
    return FALSE;
  /* The VMM makes the store from OVMF_VARS on first boot; a file of our own
   * keeps the boot entries the installer writes. */
  if (data->firmware == MACHINE_FIRMWARE_UEFI)
    {
      vars = g_build_filename (data->folder, TERRARIUM_MACHINE_UEFI_VARS_FILE, NULL);
      if (machine_config_set_option (cfg, "uefi-vars", vars, NULL, error) < 0)
        return FALSE;
    }
  /* The installer first; once it is ejected, the installed disk. */
  if (data->cdrom)
    {
      g_string_append (order, "cdrom");
      if (machine_config_set_option (cfg, "cdrom", data->cdrom, NULL, error) < 0)
        return FALSE;
    }
  if (data->disk_size > 0)
    g_string_append (order, order->len ? ",disk" : "disk");
  return order->len == 0 ||
         machine_config_set_option (cfg, "boot-order", order->str, NULL, error) == 0;
}

static gboolean
create_write_config (CreateData  *data,
                     const char  *work,
                     const char  *uuid,
                     GError     **error)
{
  struct machine_config cfg;
  g_autofree char *config_path = g_build_filename (work, TERRARIUM_MACHINE_CONFIG_FILE, NULL);
  g_autofree char *serial = NULL;
  g_autofree char *memory = machine_config_format_size (data->memory);
  g_autofree char *cpus = g_strdup_printf ("%u", data->cpus);
  g_autofree char *mac = NULL;
  gboolean ok = FALSE;

  /* Chosen once, here, and kept in the file: the guest's network setup
   * (DHCP leases, udev's interface names) follows the MAC. 52:54:00 is the
   * prefix KVM guests conventionally use. */
  mac = g_strdup_printf ("52:54:00:%02x:%02x:%02x", g_random_int_range (0, 256),
                         g_random_int_range (0, 256), g_random_int_range (0, 256));
  /* Paths name the final folder: the rename below makes them true. */
  serial = g_strdup_printf ("file:%s/%s", data->folder, SERIAL_LOG_NAME);
  machine_config_init (&cfg);
  if (machine_config_set_option (&cfg, "name", data->name, NULL, error) < 0 ||
      machine_config_set_option (&cfg, "uuid", uuid, NULL, error) < 0 ||
      machine_config_set_option (&cfg, "memory", memory, NULL, error) < 0 ||
      machine_config_set_option (&cfg, "cpus", cpus, NULL, error) < 0 ||
      machine_config_set_option (&cfg, "serial", serial, NULL, error) < 0 ||
      machine_config_set_option (&cfg, "mac", mac, NULL, error) < 0)
    goto out;
  if (data->firmware == MACHINE_FIRMWARE_LINUX)
    {
      if (machine_config_set_option (&cfg, "kernel", data->kernel, NULL, error) < 0 ||
          (data->initrd && machine_config_set_option (&cfg, "initrd", data->initrd, NULL,
                                                      error) < 0) ||
          (data->cmdline && machine_config_set_option (&cfg, "cmdline", data->cmdline, NULL,
                                                       error) < 0))
        goto out;
    }
  else if (!create_firmware_config (data, &cfg, error))
    goto out;
  if (data->disk_size > 0)
    {
      g_autofree char *disk = g_build_filename (data->folder, DISK_FILE_NAME, NULL);
      g_autofree char *spec = NULL;
      g_auto(GStrv) parts = g_strsplit (disk, ",", -1);

      /* The disk syntax takes ",," for a comma inside a path. */
      spec = g_strjoinv (",,", parts);
      if (machine_config_set_option (&cfg, "disk", spec, NULL, error) < 0)
        goto out;
    }
  ok = machine_config_save (&cfg, config_path, error) == 0;

out:
  machine_config_clear (&cfg);
  return ok;
}

static void
create_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  CreateData *data = task_data;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *work_name = g_strconcat (".new-", uuid, NULL);
  g_autofree char *work = g_build_filename (data->root, work_name, NULL);
  g_autoptr(GError) error = NULL;

  data->folder = g_build_filename (data->root, uuid, NULL);
  create_report (data, 0.0);

  /* Built under a dot name and renamed at the end, so a crash midway never
   * leaves a half-made machine in the library. */
  if (g_mkdir_with_parents (data->root, 0700) != 0 || g_mkdir (work, 0700) != 0)
    {
      int saved = errno;

      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved),
                               _("Cannot create the folder %s: %s"), work, g_strerror (saved));
      return;
    }

  if (data->disk_size > 0)
    {
      g_autofree char *disk = g_build_filename (work, DISK_FILE_NAME, NULL);

      if (!create_disk (disk, data->disk_size, &error))
        goto fail;
    }
  create_report (data, 0.9);
  if (g_cancellable_set_error_if_cancelled (cancellable, &error) ||
      !create_write_config (data, work, uuid, &error))
    goto fail;
  if (g_rename (work, data->folder) != 0)
    {
      int saved = errno;

      g_set_error (&error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot create the folder %s: %s"), data->folder, g_strerror (saved));
      goto fail;
    }
  create_report (data, 1.0);
  g_task_return_pointer (task, terrarium_machine_load (data->folder), g_object_unref);
  return;

fail:
  remove_tree (work, NULL);
  g_task_return_error (task, g_steal_pointer (&error));
}

void
terrarium_library_create_async (TerrariumLibrary            *self,
                                const TerrariumMachineSpec  *spec,
                                TerrariumProgressFunc        progress,
                                gpointer                     progress_data,
                                GCancellable                *cancellable,
                                GAsyncReadyCallback          callback,
                                gpointer                     user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  CreateData *data;

  g_return_if_fail (TERRARIUM_IS_LIBRARY (self));
  g_return_if_fail (spec != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, terrarium_library_create_async);
  /* The worker checks the cancellable itself, up to the rename that makes
   * the machine; after that it must reach the library, or its folder would
   * be left behind unlisted. */
  g_task_set_check_cancellable (task, FALSE);
  if (!terrarium_library_validate_spec (self, spec, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data = g_new0 (CreateData, 1);
  data->name = g_strstrip (g_strdup (spec->name));
  data->memory = spec->memory;
  data->cpus = spec->cpus;
  data->disk_size = spec->disk_size;
  data->kernel = g_strdup (spec->kernel);
  data->initrd = spec->initrd && *spec->initrd ? g_strdup (spec->initrd) : NULL;
  data->cmdline = spec->cmdline && *spec->cmdline ? g_strdup (spec->cmdline) : NULL;
  data->firmware = spec->firmware;
  data->cdrom = spec->cdrom && *spec->cdrom ? g_strdup (spec->cdrom) : NULL;
  data->root = g_strdup (self->root);
  data->context = g_main_context_ref_thread_default ();
  data->progress = progress;
  data->progress_data = progress_data;
  g_task_set_task_data (task, data, (GDestroyNotify) create_data_free);
  g_task_run_in_thread (task, create_thread);
}

TerrariumMachine *
terrarium_library_create_finish (TerrariumLibrary  *self,
                                 GAsyncResult      *result,
                                 GError           **error)
{
  TerrariumMachine *machine;

  g_return_val_if_fail (TERRARIUM_IS_LIBRARY (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  machine = g_task_propagate_pointer (G_TASK (result), error);
  if (machine)
    terrarium_library_insert (self, machine);
  return machine;
}

/* --- Deletion --- */

static gboolean
keep_disks (TerrariumLibrary  *self,
            TerrariumMachine  *machine,
            char             **kept_folder,
            GError           **error)
{
  const struct machine_config *cfg = terrarium_machine_get_config (machine);
  g_autofree char *parent = g_path_get_dirname (self->root);
  g_autofree char *kept = g_build_filename (parent, "kept-disks", NULL);
  const char *folder = terrarium_machine_get_folder (machine);

  if (!cfg)
    return TRUE;
  for (guint i = 0; i < cfg->n_disks; i++)
    {
      g_autofree char *dir = g_path_get_dirname (cfg->disks[i].path);
      g_autofree char *base = NULL;
      g_autofree char *target = NULL;

      /* Disks from elsewhere (a user's own image) are never touched. */
      if (g_strcmp0 (dir, folder) != 0)
        continue;
      if (g_mkdir_with_parents (kept, 0700) != 0)
        {
          int saved = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("Cannot create the folder %s: %s"), kept, g_strerror (saved));
          return FALSE;
        }
      base = g_strdup_printf ("%s-%.8s-disk%u.img", terrarium_machine_get_name (machine),
                              terrarium_machine_get_id (machine), i);
      g_strdelimit (base, "/", '-');
      target = g_build_filename (kept, base, NULL);
      if (g_rename (cfg->disks[i].path, target) != 0)
        {
          int saved = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("Cannot keep the disk image %s: %s"), cfg->disks[i].path,
                       g_strerror (saved));
          return FALSE;
        }
      if (kept_folder && !*kept_folder)
        *kept_folder = g_strdup (kept);
    }
  return TRUE;
}

gboolean
terrarium_library_delete (TerrariumLibrary  *self,
                          TerrariumMachine  *machine,
                          gboolean           keep,
                          char             **kept_folder,
                          GError           **error)
{
  g_autoptr(TerrariumMachine) hold = NULL;

  g_return_val_if_fail (TERRARIUM_IS_LIBRARY (self), FALSE);
  g_return_val_if_fail (TERRARIUM_IS_MACHINE (machine), FALSE);

  if (kept_folder)
    *kept_folder = NULL;
  if (terrarium_machine_get_state (machine) == TERRARIUM_MACHINE_STATE_RUNNING ||
      terrarium_machine_get_state (machine) == TERRARIUM_MACHINE_STATE_PAUSED)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                   _("“%s” is running; shut it down before deleting it"),
                   terrarium_machine_get_name (machine));
      return FALSE;
    }
  hold = g_object_ref (machine);
  if (keep && !keep_disks (self, machine, kept_folder, error))
    return FALSE;
  if (!remove_tree (terrarium_machine_get_folder (machine), error))
    return FALSE;
  terrarium_library_take_out (self, machine);
  return TRUE;
}

static void
terrarium_library_finalize (GObject *object)
{
  TerrariumLibrary *self = TERRARIUM_LIBRARY (object);

  for (guint i = 0; i < self->machines->len; i++)
    g_signal_handlers_disconnect_by_func (g_ptr_array_index (self->machines, i),
                                          terrarium_library_name_changed, self);
  g_ptr_array_unref (self->machines);
  g_free (self->root);

  G_OBJECT_CLASS (terrarium_library_parent_class)->finalize (object);
}

static void
terrarium_library_class_init (TerrariumLibraryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = terrarium_library_finalize;
}

static void
terrarium_library_init (TerrariumLibrary *self)
{
  self->machines = g_ptr_array_new_with_free_func (g_object_unref);
}
