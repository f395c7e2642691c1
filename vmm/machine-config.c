/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "machine-config"

#include "config.h"

#include "machine-config.h"
#include "machine-config-private.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>

#define GROUP_MACHINE "machine"
#define GROUP_RNG     "rng"
#define GROUP_SOUND   "sound"
#define GROUP_DISPLAY "display"
#define GROUP_CDROM "cdrom"

G_DEFINE_QUARK (machine-config-error-quark, machine_config_error)

static const char *const machine_keys[] = {
  "name", "uuid", "memory", "cpus", "kernel", "initrd", "cmdline", "serial", "no-reboot",
  "control", "firmware", "uefi-vars", "boot-order",
};

void
machine_config_init (struct machine_config *cfg)
{
  memset (cfg, 0, sizeof *cfg);
  cfg->memory = MACHINE_CONFIG_MEMORY_DEFAULT;
  cfg->cpus = 1;
  cfg->serial = MACHINE_SERIAL_STDIO;
  cfg->rng = true;
  cfg->sound = true;
  cfg->scanouts = 1;
  cfg->gpu_memory = MACHINE_CONFIG_GPU_MEMORY_DEFAULT;
  cfg->window = MACHINE_WINDOW_NONE;
  net_config_init (&cfg->net);
  cfg->firmware = MACHINE_FIRMWARE_LINUX;
  cfg->n_boot = 2;
  cfg->boot_order[0] = MACHINE_BOOT_CDROM;
  cfg->boot_order[1] = MACHINE_BOOT_DISK;
}

void
machine_disk_clear (struct machine_disk *disk)
{
  g_clear_pointer (&disk->path, g_free);
  g_clear_pointer (&disk->serial, g_free);
  disk->readonly = false;
}

static void
machine_config_clear_disks (struct machine_config *cfg)
{
  for (unsigned i = 0; i < cfg->n_disks; i++)
    machine_disk_clear (&cfg->disks[i]);
  cfg->n_disks = 0;
}

void
machine_config_clear (struct machine_config *cfg)
{
  g_free (cfg->name);
  g_free (cfg->uuid);
  g_free (cfg->kernel);
  g_free (cfg->initrd);
  g_free (cfg->cmdline);
  g_free (cfg->serial_path);
  g_free (cfg->control);
  g_free (cfg->memory_origin);
  g_free (cfg->uefi_vars);
  g_free (cfg->cdrom_path);
  spice_config_clear (&cfg->spice);
  machine_config_clear_disks (cfg);
  if (cfg->keyfile)
    g_key_file_unref (cfg->keyfile);
  memset (cfg, 0, sizeof *cfg);
}

static void
set_string (char **field, const char *value)
{
  g_free (*field);
  *field = value && *value ? g_strdup (value) : NULL;
}

static int
machine_config_add_disk (struct machine_config *cfg, struct machine_disk *disk, GError **error)
{
  if (cfg->n_disks == MACHINE_CONFIG_MAX_DISKS)
    {
      g_set_error (error, MACHINE_CONFIG_ERROR, MACHINE_CONFIG_ERROR_INVALID,
                   "more than %d disks", MACHINE_CONFIG_MAX_DISKS);
      machine_disk_clear (disk);
      return -EINVAL;
    }
  cfg->disks[cfg->n_disks++] = *disk;
  memset (disk, 0, sizeof *disk);
  return 0;
}

/* Sets one option; errors say what is wrong with @value, without context. */
static int
machine_config_set_option_bare (struct machine_config *cfg, const char *option, const char *value,
                                const char *context, GError **error)
{
  uint64_t u;
  bool b;

  if (value == NULL && !g_str_equal (option, "no-reboot"))
    value = "";

  if (g_str_equal (option, "name"))
    set_string (&cfg->name, value);
  else if (g_str_equal (option, "uuid"))
    {
      if (*value && !g_uuid_string_is_valid (value))
        goto invalid_uuid;
      set_string (&cfg->uuid, value);
    }
  else if (g_str_equal (option, "memory"))
    {
      if (!machine_config_parse_size (value, &u))
        {
          g_set_error (error, MACHINE_CONFIG_ERROR, MACHINE_CONFIG_ERROR_INVALID,
                       "'%s' is not a size like 512M or 2G", value);
          return -EINVAL;
        }
      if (u < MACHINE_CONFIG_MEMORY_MIN || u > MACHINE_CONFIG_MEMORY_MAX || u % (1 << 20))
        {
          g_set_error (error, MACHINE_CONFIG_ERROR, MACHINE_CONFIG_ERROR_INVALID,
                       "'%s' is not a whole number of MiB from 32M to 256G", value);
          return -EINVAL;
        }
      cfg->memory = u;
      set_string (&cfg->memory_origin, context);
    }
  else if (g_str_equal (option, "cpus"))
    {
      if (!g_ascii_string_to_unsigned (value, 10, 1, MACHINE_CONFIG_MAX_CPUS, &u, NULL))
        {
          g_set_error (error, MACHINE_CONFIG_ERROR, MACHINE_CONFIG_ERROR_INVALID,
                       "'%s' is not a number of CPUs from 1 to %d", value,
                       MACHINE_CONFIG_MAX_CPUS);
          return -EINVAL;
        }
      cfg->cpus = (unsigned) u;
    }
  else if (g_str_equal (option, "kernel"))
    set_string (&cfg->kernel, value);
  else if (g_str_equal (option, "initrd"))
    set_string (&cfg->initrd, value);
  else if (g_str_equal (option, "cmdline"))
    set_string (&cfg->cmdline, value);
  else if (g_str_equal (option, "control"))
    set_string (&cfg->control, value);
  else if (g_str_equal (option, "firmware"))
    {
      if (!machine_config_parse_firmware (value, &cfg->firmware))
        {
          g_set_error (error, MACHINE_CONFIG_ERROR, MACHINE_CONFIG_ERROR_INVALID,
                       "'%s' is not linux, bios or uefi", value);
          return -EINVAL;
        }
    }
  else if (g_str_equal (option, "uefi-vars"))
    set_string (&cfg->uefi_vars, value);
  else if (g_str_equal (option, "boot-order"))
    return machine_config_parse_boot_order (cfg, value, error);
  else if (g_str_equal (option, "cdrom"))
    {
      /* "none": no drive; "": a drive with no disc in it. */
      cfg->cdrom = !g_str_equal (value, "none");
      g_clear_pointer (&cfg->cdrom_path, g_free);
      if (cfg->cdrom && *value)
        cfg->cdrom_path = g_strdup (value);
    }
  else if (g_str_equal (option, "serial"))
    {
      enum machine_serial serial;
      char *path;

      if (machine_config_parse_serial (value, &serial, &path, error) < 0)
        return -EINVAL;
      cfg->serial = serial;
      g_free (cfg->serial_path);
      cfg->serial_path = path;
    }
  else if (g_str_equal (option, "sound"))
    {
      if (!machine_config_parse_bool (value, &cfg->sound))
        {
          g_set_error (error, MACHINE_CONFIG_ERROR, MACHINE_CONFIG_ERROR_INVALID,
                       "'%s' is not on or off", value);
          return -EINVAL;
        }
    }
  else if (g_str_equal (option, "no-reboot") || g_str_equal (option, "rng"))
    {
      if (value == NULL)
        b = true;
      else if (!machine_config_parse_bool (value, &b))
        {
          g_set_error (error, MACHINE_CONFIG_ERROR, MACHINE_CONFIG_ERROR_INVALID,
                       "'%s' is not true or false", value);
          return -EINVAL;
        }
      *(g_str_equal (option, "rng") ? &cfg->rng : &cfg->no_reboot) = b;
    }
  else if (g_str_equal (option, "scanouts"))
    {
      if (!g_ascii_string_to_unsigned (value, 10, 1, MACHINE_CONFIG_MAX_SCANOUTS, &u, NULL))
        {
          g_set_error (error, MACHINE_CONFIG_ERROR, MACHINE_CONFIG_ERROR_INVALID,
                       "'%s' is not a number of displays from 1 to %d", value,
                       MACHINE_CONFIG_MAX_SCANOUTS);
          return -EINVAL;
        }
      cfg->scanouts = (unsigned) u;
    }
  else if (g_str_equal (option, "gpu-memory"))
    {
      if (!machine_config_parse_size (value, &u) || u < (16ull << 20) || u > (16ull << 30))
        {
          g_set_error (error, MACHINE_CONFIG_ERROR, MACHINE_CONFIG_ERROR_INVALID,
                       "'%s' is not a size from 16M to 16G", value);
          return -EINVAL;
        }
      cfg->gpu_memory = u;
    }
  else if (g_str_equal (option, "display-adapter"))
    {
      if (g_str_equal (value, "auto"))
        cfg->adapter = MACHINE_ADAPTER_AUTO;
      else if (g_str_equal (value, "virtio-gpu"))
        cfg->adapter = MACHINE_ADAPTER_VIRTIO_GPU;
      else if (g_str_equal (value, "vga"))
        cfg->adapter = MACHINE_ADAPTER_VGA;
      else
        {
          g_set_error (error, MACHINE_CONFIG_ERROR, MACHINE_CONFIG_ERROR_INVALID,
                       "'%s' is not auto, virtio-gpu or vga", value);
          return -EINVAL;
        }
    }
  else if (g_str_equal (option, "display"))
    {
      if (g_str_equal (value, "none"))
        cfg->window = MACHINE_WINDOW_NONE;
      else if (g_str_equal (value, "sdl"))
        cfg->window = MACHINE_WINDOW_SDL;
      else
        {
          g_set_error (error, MACHINE_CONFIG_ERROR, MACHINE_CONFIG_ERROR_INVALID,
                       "'%s' is not none or sdl", value);
          return -EINVAL;
        }
    }
  else if (g_str_equal (option, "spice"))
    return spice_config_parse (value, &cfg->spice, error);
  else if (g_str_equal (option, "net") || g_str_equal (option, "net-forward") ||
           g_str_equal (option, "mac"))
    return net_config_set_option (&cfg->net, option, value, error);
  else if (g_str_equal (option, "disk"))
    {
      struct machine_disk disk;

      if (machine_config_parse_disk_spec (value, &disk, error) < 0)
        return -EINVAL;
      return machine_config_add_disk (cfg, &disk, error);
    }
  else
    {
      g_set_error (error, MACHINE_CONFIG_ERROR, MACHINE_CONFIG_ERROR_INVALID,
                   "unknown option");
      return -EINVAL;
    }
  return 0;

invalid_uuid:
  g_set_error (error, MACHINE_CONFIG_ERROR, MACHINE_CONFIG_ERROR_INVALID,
               "'%s' is not a UUID like 0f8fad5b-d9cb-469f-a165-70867728950e", value);
  return -EINVAL;
}

int
machine_config_set_option (struct machine_config *cfg, const char *option, const char *value,
                           const char *context, GError **error)
{
  int ret = machine_config_set_option_bare (cfg, option, value, context, error);

  if (ret < 0 && error && *error && context)
    g_prefix_error (error, "%s: ", context);
  return ret;
}

static int
machine_config_load_disk (struct machine_config *cfg, GKeyFile *kf, const char *group,
                          const char *source, GError **error)
{
  struct machine_disk disk = { 0 };
  g_auto (GStrv) keys = g_key_file_get_keys (kf, group, NULL, NULL);
  const char *why;

  for (unsigned i = 0; keys && keys[i]; i++)
    {
      g_autofree char *value = g_key_file_get_string (kf, group, keys[i], NULL);

      if (!value)
        continue;
      if (g_str_equal (keys[i], "path"))
        set_string (&disk.path, value);
      else if (g_str_equal (keys[i], "readonly"))
        {
          if (!machine_config_parse_bool (value, &disk.readonly))
            {
              g_set_error (error, MACHINE_CONFIG_ERROR, MACHINE_CONFIG_ERROR_INVALID,
                           "%s: [%s] readonly: '%s' is not true or false", source, group, value);
              goto fail;
            }
        }
      else if (g_str_equal (keys[i], "serial"))
        {
          if ((why = machine_config_check_serial_id (value)) != NULL)
            {
              g_set_error (error, MACHINE_CONFIG_ERROR, MACHINE_CONFIG_ERROR_INVALID,
                           "%s: [%s] serial: '%s' %s", source, group, value, why);
              goto fail;
            }
          set_string (&disk.serial, value);
        }
      else
        g_message ("%s: [%s] %s: unknown key, ignored", source, group, keys[i]);
    }
  if (!disk.path)
    {
      g_set_error (error, MACHINE_CONFIG_ERROR, MACHINE_CONFIG_ERROR_MISSING,
                   "%s: [%s] has no path", source, group);
      goto fail;
    }
  if (machine_config_add_disk (cfg, &disk, error) < 0)
    {
      g_prefix_error (error, "%s: [%s]: ", source, group);
      return -EINVAL;
    }
  return 0;

fail:
  machine_disk_clear (&disk);
  return -EINVAL;
}

/* The N of a "diskN" group, or -1. */
static int
machine_config_disk_index (const char *group)
{
  guint64 n;

  if (!g_str_has_prefix (group, "disk") || !g_ascii_isdigit (group[4]) ||
      !g_ascii_string_to_unsigned (group + 4, 10, 0, 9999, &n, NULL))
    return -1;
  return (int) n;
}

static int
compare_disk_groups (gconstpointer a, gconstpointer b)
{
  return machine_config_disk_index (*(char *const *) a) -
         machine_config_disk_index (*(char *const *) b);
}

static int
machine_config_from_keyfile (struct machine_config *cfg, GKeyFile *kf, const char *source,
                             GError **error)
{
  g_auto (GStrv) keys = g_key_file_get_keys (kf, GROUP_MACHINE, NULL, NULL);
  g_auto (GStrv) groups = g_key_file_get_groups (kf, NULL);
  g_autoptr (GPtrArray) disks = g_ptr_array_new ();

  for (unsigned i = 0; keys && keys[i]; i++)
    {
      g_autofree char *value = NULL;
      g_autofree char *context = NULL;
      bool known = false;
      g_autoptr (GError) local = NULL;

      for (unsigned k = 0; k < G_N_ELEMENTS (machine_keys); k++)
        known = known || g_str_equal (keys[i], machine_keys[k]);
      if (!known)
        {
          g_message ("%s: [machine] %s: unknown key, ignored", source, keys[i]);
          continue;
        }
      context = g_strdup_printf ("%s: [machine] %s", source, keys[i]);
      value = g_key_file_get_string (kf, GROUP_MACHINE, keys[i], &local);
      if (!value)
        {
          g_set_error (error, MACHINE_CONFIG_ERROR, MACHINE_CONFIG_ERROR_INVALID, "%s: %s",
                       context, local->message);
          return -EINVAL;
        }
      if (machine_config_set_option (cfg, keys[i], value, context, error) < 0)
        return -EINVAL;
    }

  {
    static const struct { const char *key, *option; } display_keys[] = {
      { "scanouts", "scanouts" }, { "gpu-memory", "gpu-memory" }, { "window", "display" },
      { "adapter", "display-adapter" },
    };

    for (unsigned i = 0; i < G_N_ELEMENTS (display_keys); i++)
      if (g_key_file_has_key (kf, GROUP_DISPLAY, display_keys[i].key, NULL))
        {
          g_autofree char *value = g_key_file_get_string (kf, GROUP_DISPLAY, display_keys[i].key, NULL);
          g_autofree char *context = g_strdup_printf ("%s: [display] %s", source, display_keys[i].key);

          if (machine_config_set_option (cfg, display_keys[i].option, value ? value : "", context,
                                         error) < 0)
            return -EINVAL;
        }
  }

  if (spice_config_load_keyfile (&cfg->spice, kf, source, error) < 0)
    return -EINVAL;
  if (net_config_load_keyfile (&cfg->net, kf, source, error) < 0)
    return -EINVAL;

  if (g_key_file_has_key (kf, GROUP_RNG, "enabled", NULL))
    {
      g_autofree char *value = g_key_file_get_string (kf, GROUP_RNG, "enabled", NULL);
      g_autofree char *context = g_strdup_printf ("%s: [rng] enabled", source);

      if (machine_config_set_option (cfg, "rng", value ? value : "", context, error) < 0)
        return -EINVAL;
    }

  if (g_key_file_has_key (kf, GROUP_SOUND, "enabled", NULL))
    {
      g_autofree char *value = g_key_file_get_string (kf, GROUP_SOUND, "enabled", NULL);
      g_autofree char *context = g_strdup_printf ("%s: [sound] enabled", source);

      if (machine_config_set_option (cfg, "sound", value ? value : "", context, error) < 0)
        return -EINVAL;
    }

  if (g_key_file_has_group (kf, GROUP_CDROM))
    {
      g_autofree char *value = g_key_file_get_string (kf, GROUP_CDROM, "path", NULL);
      g_autofree char *context = g_strdup_printf ("%s: [cdrom] path", source);

      if (machine_config_set_option (cfg, "cdrom", value ? value : "", context, error) < 0)
        return -EINVAL;
    }

  for (unsigned i = 0; groups[i]; i++)
    if (machine_config_disk_index (groups[i]) >= 0)
      g_ptr_array_add (disks, groups[i]);
  g_ptr_array_sort (disks, compare_disk_groups);
  if (disks->len)
    machine_config_clear_disks (cfg);
  for (unsigned i = 0; i < disks->len; i++)
    if (machine_config_load_disk (cfg, kf, disks->pdata[i], source, error) < 0)
      return -EINVAL;
  return 0;
}

int
machine_config_load_data (struct machine_config *cfg, const char *data, gsize len,
                          const char *source, GError **error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (GError) local = NULL;

  if (!g_key_file_load_from_data (kf, data, len, G_KEY_FILE_KEEP_COMMENTS |
                                  G_KEY_FILE_KEEP_TRANSLATIONS, &local))
    {
      g_set_error (error, MACHINE_CONFIG_ERROR, MACHINE_CONFIG_ERROR_INVALID, "%s: %s",
                   source, local->message);
      return -EINVAL;
    }
  if (machine_config_from_keyfile (cfg, kf, source, error) < 0)
    return -EINVAL;
  if (cfg->keyfile)
    g_key_file_unref (cfg->keyfile);
  cfg->keyfile = g_steal_pointer (&kf);
  return 0;
}

int
machine_config_load (struct machine_config *cfg, const char *path, GError **error)
{
  g_autofree char *data = NULL;
  g_autoptr (GError) local = NULL;
  gsize len;

  if (!g_file_get_contents (path, &data, &len, &local))
    {
      g_set_error (error, MACHINE_CONFIG_ERROR, MACHINE_CONFIG_ERROR_INVALID,
                   "%s", local->message);
      return local->domain == G_FILE_ERROR && local->code == G_FILE_ERROR_NOENT ? -ENOENT : -EIO;
    }
  return machine_config_load_data (cfg, data, len, path, error);
}

static void
kf_set (GKeyFile *kf, const char *group, const char *key, const char *value)
{
  if (value)
    g_key_file_set_string (kf, group, key, value);
  else
    g_key_file_remove_key (kf, group, key, NULL);
}

static void
machine_config_to_keyfile (struct machine_config *cfg)
{
  static const char *const serial_names[] = { "stdio", "file:", "pty", "none" };
  g_autofree char *memory = machine_config_format_size (cfg->memory);
  g_autofree char *serial = NULL;
  g_auto (GStrv) groups = NULL;
  GKeyFile *kf;

  if (!cfg->keyfile)
    cfg->keyfile = g_key_file_new ();
  kf = cfg->keyfile;

  serial = g_strconcat (serial_names[cfg->serial],
                        cfg->serial == MACHINE_SERIAL_FILE && cfg->serial_path ? cfg->serial_path : "",
                        NULL);
  kf_set (kf, GROUP_MACHINE, "name", cfg->name);
  kf_set (kf, GROUP_MACHINE, "uuid", cfg->uuid);
  kf_set (kf, GROUP_MACHINE, "memory", memory);
  g_key_file_set_integer (kf, GROUP_MACHINE, "cpus", (int) cfg->cpus);
  kf_set (kf, GROUP_MACHINE, "kernel", cfg->kernel);
  kf_set (kf, GROUP_MACHINE, "initrd", cfg->initrd);
  kf_set (kf, GROUP_MACHINE, "cmdline", cfg->cmdline);
  kf_set (kf, GROUP_MACHINE, "serial", serial);
  g_key_file_set_boolean (kf, GROUP_MACHINE, "no-reboot", cfg->no_reboot);
  kf_set (kf, GROUP_MACHINE, "control", cfg->control);
  kf_set (kf, GROUP_MACHINE, "firmware", machine_firmware_name (cfg->firmware));
  kf_set (kf, GROUP_MACHINE, "uefi-vars", cfg->uefi_vars);
  {
    const char *names[MACHINE_CONFIG_MAX_BOOT + 1] = { NULL };
    g_autofree char *order = NULL;

    for (unsigned i = 0; i < cfg->n_boot; i++)
      names[i] = machine_boot_device_name (cfg->boot_order[i]);
    order = g_strjoinv (",", (char **) names);
    kf_set (kf, GROUP_MACHINE, "boot-order", order);
  }
  if (cfg->cdrom)
    g_key_file_set_string (kf, GROUP_CDROM, "path", cfg->cdrom_path ? cfg->cdrom_path : "");
  else
    g_key_file_remove_group (kf, GROUP_CDROM, NULL);
  g_key_file_set_boolean (kf, GROUP_RNG, "enabled", cfg->rng);
  g_key_file_set_boolean (kf, GROUP_SOUND, "enabled", cfg->sound);
  {
    g_autofree char *gpu_memory = machine_config_format_size (cfg->gpu_memory);

    g_key_file_set_integer (kf, GROUP_DISPLAY, "scanouts", (int) cfg->scanouts);
    kf_set (kf, GROUP_DISPLAY, "gpu-memory", gpu_memory);
    kf_set (kf, GROUP_DISPLAY, "window", cfg->window == MACHINE_WINDOW_SDL ? "sdl" : "none");
    if (cfg->adapter == MACHINE_ADAPTER_AUTO)
      g_key_file_remove_key (kf, GROUP_DISPLAY, "adapter", NULL);
    else
      kf_set (kf, GROUP_DISPLAY, "adapter",
              cfg->adapter == MACHINE_ADAPTER_VGA ? "vga" : "virtio-gpu");
  }

  spice_config_save_keyfile (&cfg->spice, kf);
  net_config_save_keyfile (&cfg->net, kf);

  /* Disk i keeps group diskI and whatever unknown keys it had. */
  groups = g_key_file_get_groups (kf, NULL);
  for (unsigned i = 0; groups[i]; i++)
    {
      int n = machine_config_disk_index (groups[i]);

      if (n >= 0 && (unsigned) n >= cfg->n_disks)
        g_key_file_remove_group (kf, groups[i], NULL);
    }
  for (unsigned i = 0; i < cfg->n_disks; i++)
    {
      g_autofree char *group = g_strdup_printf ("disk%u", i);

      kf_set (kf, group, "path", cfg->disks[i].path);
      g_key_file_set_boolean (kf, group, "readonly", cfg->disks[i].readonly);
      kf_set (kf, group, "serial", cfg->disks[i].serial);
    }
}

char *
machine_config_to_data (struct machine_config *cfg, gsize *len)
{
  machine_config_to_keyfile (cfg);
  return g_key_file_to_data (cfg->keyfile, len, NULL);
}

int
machine_config_save (struct machine_config *cfg, const char *path, GError **error)
{
  gsize len;
  g_autofree char *data = machine_config_to_data (cfg, &len);

  /* CONSISTENT|DURABLE: write a temporary file, fsync it, rename over. */
  if (!g_file_set_contents_full (path, data, (gssize) len,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, error))
    return -EIO;
  return 0;
}

uint64_t
machine_config_host_memory (void)
{
  g_autofree char *meminfo = NULL;
  const char *p;

  if (!g_file_get_contents ("/proc/meminfo", &meminfo, NULL, NULL))
    return 0;
  p = strstr (meminfo, "MemTotal:");
  if (!p)
    return 0;
  return g_ascii_strtoull (p + strlen ("MemTotal:"), NULL, 10) * 1024;
}

int
machine_config_validate (const struct machine_config *cfg, GError **error)
{
  uint64_t host = machine_config_host_memory ();

  if (cfg->firmware == MACHINE_FIRMWARE_LINUX && !cfg->kernel)
    {
      g_set_error (error, MACHINE_CONFIG_ERROR, MACHINE_CONFIG_ERROR_MISSING,
                   "nothing to boot: pass --kernel FILE (or set kernel= in [machine]), "
                   "or boot firmware with --firmware bios|uefi");
      return -EINVAL;
    }
  if (cfg->firmware != MACHINE_FIRMWARE_LINUX && cfg->kernel)
    {
      g_set_error (error, MACHINE_CONFIG_ERROR, MACHINE_CONFIG_ERROR_INVALID,
                   "a kernel is set but firmware is %s: firmware boots from the disks and the "
                   "CD-ROM; remove kernel= or set firmware=linux",
                   machine_firmware_name (cfg->firmware));
      return -EINVAL;
    }
  if (net_config_check (&cfg->net, error) < 0)
    return -EINVAL;
  if (host && cfg->memory > host)
    {
      g_autofree char *want = machine_config_format_size (cfg->memory);

      g_set_error (error, MACHINE_CONFIG_ERROR, MACHINE_CONFIG_ERROR_INVALID,
                   "%s: %s is more than this computer's memory (%.1f GiB)",
                   cfg->memory_origin ? cfg->memory_origin : "memory", want,
                   (double) host / (1 << 30));
      return -EINVAL;
    }
  return 0;
}
