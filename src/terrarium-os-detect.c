/* terrarium-os-detect.c
 *
 * What is on an installer ISO, through libosinfo and osinfo-db: the same
 * data GNOME Boxes and virt-manager use, so a distribution added there is
 * recognised here with no change to Terrarium.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "terrarium-os-detect"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <osinfo/osinfo.h>

#include "terrarium-os-detect.h"

#define GiB (1024ull * 1024 * 1024)

/* For an OS osinfo-db does not know, or one that leaves a value out. */
#define DEFAULT_MEMORY  (2 * GiB)
#define DEFAULT_CPUS    2
#define DEFAULT_STORAGE (20 * GiB)

/* The VMM runs x86-64 guests only. */
#define GUEST_ARCH "x86_64"

struct _TerrariumOsInfo
{
  GObject   parent_instance;

  char     *path;
  gboolean  known;
  char     *name;
  char     *version;
  char     *short_id;
  char     *logo;
  char     *volume_id;
  gboolean  needs_uefi;
  gboolean  needs_bios;
  guint64   min_memory;
  guint64   rec_memory;
  guint64   min_storage;
  guint64   rec_storage;
  guint     min_cpus;
  guint     rec_cpus;
};

G_DEFINE_FINAL_TYPE (TerrariumOsInfo, terrarium_os_info, G_TYPE_OBJECT)

static void
terrarium_os_info_finalize (GObject *object)
{
  TerrariumOsInfo *self = TERRARIUM_OS_INFO (object);

  g_free (self->path);
  g_free (self->name);
  g_free (self->version);
  g_free (self->short_id);
  g_free (self->logo);
  g_free (self->volume_id);
  G_OBJECT_CLASS (terrarium_os_info_parent_class)->finalize (object);
}

static void
terrarium_os_info_class_init (TerrariumOsInfoClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = terrarium_os_info_finalize;
}

static void
terrarium_os_info_init (TerrariumOsInfo *self)
{
  self->min_memory = self->rec_memory = DEFAULT_MEMORY;
  self->min_storage = self->rec_storage = DEFAULT_STORAGE;
  self->min_cpus = 1;
  self->rec_cpus = DEFAULT_CPUS;
}

#define GETTER(type, name, field)                                   \
  type                                                              \
  terrarium_os_info_##name (TerrariumOsInfo *self)                  \
  {                                                                 \
    g_return_val_if_fail (TERRARIUM_IS_OS_INFO (self), (type) 0);   \
    return self->field;                                             \
  }

GETTER (const char *, get_path, path)
GETTER (gboolean, is_known, known)
GETTER (const char *, get_name, name)
GETTER (const char *, get_version, version)
GETTER (const char *, get_short_id, short_id)
GETTER (const char *, get_logo, logo)
GETTER (const char *, get_volume_id, volume_id)
GETTER (gboolean, needs_uefi, needs_uefi)
GETTER (gboolean, needs_bios, needs_bios)
GETTER (guint64, get_minimum_memory, min_memory)
GETTER (guint64, get_recommended_memory, rec_memory)
GETTER (guint64, get_minimum_storage, min_storage)
GETTER (guint64, get_recommended_storage, rec_storage)
GETTER (guint, get_minimum_cpus, min_cpus)
GETTER (guint, get_recommended_cpus, rec_cpus)

#undef GETTER

gboolean
terrarium_os_detect_have_ovmf (void)
{
  const char *path = g_getenv ("TERRARIUM_OVMF_CODE");

  return g_file_test (path ? path : TERRARIUM_OVMF_CODE_PATH, G_FILE_TEST_IS_REGULAR);
}

gboolean
terrarium_os_info_prefers_uefi (TerrariumOsInfo *self)
{
  g_return_val_if_fail (TERRARIUM_IS_OS_INFO (self), FALSE);

  if (self->needs_uefi)
    return TRUE;
  if (self->needs_bios)
    return FALSE;
  return terrarium_os_detect_have_ovmf ();
}

/* --- The database: loaded once, read-only afterwards --- */

static gpointer
load_db (gpointer data)
{
  g_autoptr(OsinfoLoader) loader = osinfo_loader_new ();
  g_autoptr(GError) error = NULL;

  /* A partly broken database still knows most systems: use what loaded. */
  osinfo_loader_process_default_path (loader, &error);
  if (error)
    g_warning ("osinfo-db: %s", error->message);
  return g_object_ref (osinfo_loader_get_db (loader));
}

static OsinfoDb *
get_db (void)
{
  static GOnce once = G_ONCE_INIT;

  return g_once (&once, load_db, NULL);
}

/* --- Detection --- */

static gboolean
arch_matches (const char *arch)
{
  return arch == NULL || g_str_equal (arch, OSINFO_ARCHITECTURE_ALL) ||
         g_str_equal (arch, GUEST_ARCH);
}

static void
take_resources (OsinfoResourcesList *list,
                guint64             *memory,
                guint64             *storage,
                guint               *cpus)
{
  guint n = list ? (guint) osinfo_list_get_length (OSINFO_LIST (list)) : 0;

  for (guint i = 0; i < n; i++)
    {
      OsinfoResources *res = OSINFO_RESOURCES (osinfo_list_get_nth (OSINFO_LIST (list), i));
      gint64 ram = osinfo_resources_get_ram (res);
      gint64 disk = osinfo_resources_get_storage (res);
      gint n_cpus = osinfo_resources_get_n_cpus (res);

      if (!arch_matches (osinfo_resources_get_architecture (res)))
        continue;
      /* -1: not given. */
      if (ram > 0)
        *memory = (guint64) ram;
      if (disk > 0)
        *storage = (guint64) disk;
      if (n_cpus > 0)
        *cpus = (guint) n_cpus;
    }
}

static void
take_firmware (TerrariumOsInfo *info,
               OsinfoOs        *os)
{
  g_autoptr(OsinfoFirmwareList) list = osinfo_os_get_complete_firmware_list (os, NULL);
  guint n = list ? (guint) osinfo_list_get_length (OSINFO_LIST (list)) : 0;

  for (guint i = 0; i < n; i++)
    {
      OsinfoFirmware *fw = OSINFO_FIRMWARE (osinfo_list_get_nth (OSINFO_LIST (list), i));
      const char *type = osinfo_firmware_get_firmware_type (fw);

      if (!arch_matches (osinfo_firmware_get_architecture (fw)) ||
          osinfo_firmware_is_supported (fw))
        continue;
      /* One firmware unsupported leaves the other as the only way to boot. */
      if (g_strcmp0 (type, "bios") == 0)
        info->needs_uefi = TRUE;
      else if (g_strcmp0 (type, "efi") == 0)
        info->needs_bios = TRUE;
    }
}

static void
take_os (TerrariumOsInfo *info,
         OsinfoOs        *os)
{
  OsinfoProduct *product = OSINFO_PRODUCT (os);
  g_autoptr(OsinfoResourcesList) minimum = osinfo_os_get_minimum_resources (os);
  g_autoptr(OsinfoResourcesList) recommended = osinfo_os_get_recommended_resources (os);
  guint64 rec_memory = 0, rec_storage = 0;
  guint rec_cpus = 0;

  info->known = TRUE;
  g_free (info->name);
  info->name = g_strdup (osinfo_product_get_name (product));
  info->version = g_strdup (osinfo_product_get_version (product));
  info->short_id = g_strdup (osinfo_product_get_short_id (product));
  info->logo = g_strdup (osinfo_product_get_logo (product));

  take_resources (minimum, &info->min_memory, &info->min_storage, &info->min_cpus);
  take_resources (recommended, &rec_memory, &rec_storage, &rec_cpus);
  /* What the database leaves out: our defaults, never below its minimum. */
  info->rec_memory = rec_memory ? rec_memory : MAX (DEFAULT_MEMORY, info->min_memory);
  info->rec_storage = rec_storage ? rec_storage : MAX (DEFAULT_STORAGE, info->min_storage);
  info->rec_cpus = rec_cpus ? rec_cpus : MAX (DEFAULT_CPUS, info->min_cpus);
  take_firmware (info, os);
  if (!info->name)
    info->name = g_strdup (_("Unknown operating system"));
}

/* libosinfo's own errors speak of descriptors and extents; people need to
 * know which file is wrong and why. */
static gboolean
check_file (const char  *path,
            GError     **error)
{
  g_autofree char *display = g_filename_display_basename (path);
  GStatBuf st;

  if (g_stat (path, &st) != 0 || g_access (path, R_OK) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot read “%s”: %s"), display, g_strerror (saved));
      return FALSE;
    }
  if (!S_ISREG (st.st_mode) && !S_ISBLK (st.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a file"), display);
      return FALSE;
    }
  if (S_ISREG (st.st_mode) && st.st_size == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("“%s” is empty"), display);
      return FALSE;
    }
  return TRUE;
}

static void
detect_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  const char *path = task_data;
  g_autofree char *display = g_filename_display_basename (path);
  g_autoptr(TerrariumOsInfo) info = NULL;
  g_autoptr(OsinfoMedia) media = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *uri = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainContext) context = NULL;
  OsinfoDb *db;

  if (!check_file (path, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  file = g_file_new_for_path (path);
  uri = g_file_get_uri (file);
  /* libosinfo's synchronous call runs a main loop on the thread-default
   * context, which in a worker thread is the global default one that the
   * GUI thread is iterating: its callbacks then run on the GUI thread, and
   * when they finish before this thread's loop starts, the loop waits
   * forever (the wizard's "Detecting…" never ended). A context of our own
   * keeps the whole read on this thread. */
  context = g_main_context_new ();
  g_main_context_push_thread_default (context);
  media = osinfo_media_create_from_location_with_flags (uri, cancellable,
                                                        OSINFO_MEDIA_DETECT_REQUIRE_BOOTABLE,
                                                        &error);
  g_main_context_pop_thread_default (context);
  if (!media)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else if (g_error_matches (error, OSINFO_MEDIA_ERROR, OSINFO_MEDIA_ERROR_NOT_BOOTABLE))
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                 _("“%s” is a disc image that cannot start a computer: "
                                   "choose an installer image"), display);
      else if (error && error->domain == OSINFO_MEDIA_ERROR)
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                 _("“%s” is not a CD or DVD image (ISO)"), display);
      else
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                                 _("Cannot read “%s”: %s"), display,
                                 error ? error->message : _("unknown error"));
      return;
    }

  info = g_object_new (TERRARIUM_TYPE_OS_INFO, NULL);
  info->path = g_strdup (path);
  info->volume_id = g_strdup (osinfo_media_get_volume_id (media));
  info->name = g_strdup (_("Unknown operating system"));

  db = get_db ();
  if (osinfo_db_identify_media (db, media))
    {
      OsinfoOs *os = osinfo_media_get_os (media);

      if (os)
        {
          take_os (info, os);
          g_object_unref (os);
        }
    }
  g_debug ("%s: volume “%s” → %s", path, info->volume_id ? info->volume_id : "",
           info->short_id ? info->short_id : "unknown");
  g_task_return_pointer (task, g_steal_pointer (&info), g_object_unref);
}

void
terrarium_os_detect_async (const char          *path,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (path != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, terrarium_os_detect_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, detect_thread);
}

TerrariumOsInfo *
terrarium_os_detect_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
