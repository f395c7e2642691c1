/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Single values of the machine configuration: sizes, booleans, disk specs,
 * serial ports, firmware and boot devices. The key file and the options that
 * carry them are machine-config.c's. */
#define G_LOG_DOMAIN "machine-config"

#include "config.h"

#include "machine-config.h"
#include "machine-config-private.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const firmware_names[] = { "linux", "bios", "uefi" };
static const char *const boot_device_names[] = { "cdrom", "disk", "net" };

const char *
machine_firmware_name (enum machine_firmware firmware)
{
  return firmware < G_N_ELEMENTS (firmware_names) ? firmware_names[firmware] : "?";
}

bool
machine_config_parse_firmware (const char *text, enum machine_firmware *firmware)
{
  for (unsigned f = 0; f < G_N_ELEMENTS (firmware_names); f++)
    if (g_str_equal (text, firmware_names[f]))
      {
        *firmware = f;
        return true;
      }
  return false;
}

const char *
machine_boot_device_name (enum machine_boot_device device)
{
  return device < G_N_ELEMENTS (boot_device_names) ? boot_device_names[device] : "?";
}

/* "cdrom,disk": each device at most once. */
int
machine_config_parse_boot_order (struct machine_config *cfg, const char *value, GError **error)
{
  g_auto (GStrv) items = g_strsplit (value, ",", -1);
  enum machine_boot_device order[MACHINE_CONFIG_MAX_BOOT];
  unsigned n = 0;

  for (unsigned i = 0; items[i]; i++)
    {
      const char *item = g_strstrip (items[i]);
      unsigned d;

      if (!*item)
        continue;
      for (d = 0; d < G_N_ELEMENTS (boot_device_names); d++)
        if (g_str_equal (item, boot_device_names[d]))
          break;
      if (d == G_N_ELEMENTS (boot_device_names))
        {
          g_set_error (error, MACHINE_CONFIG_ERROR, MACHINE_CONFIG_ERROR_INVALID,
                       "'%s' is not cdrom, disk or net", item);
          return -EINVAL;
        }
      for (unsigned j = 0; j < n; j++)
        if (order[j] == d)
          {
            g_set_error (error, MACHINE_CONFIG_ERROR, MACHINE_CONFIG_ERROR_INVALID,
                         "'%s' is listed twice", item);
            return -EINVAL;
          }
      order[n++] = d;
    }
  if (n == 0)
    {
      g_set_error (error, MACHINE_CONFIG_ERROR, MACHINE_CONFIG_ERROR_INVALID,
                   "'%s' names no boot device: list cdrom, disk or net, like cdrom,disk", value);
      return -EINVAL;
    }
  memcpy (cfg->boot_order, order, sizeof order);
  cfg->n_boot = n;
  return 0;
}

bool
machine_config_parse_size (const char *text, uint64_t *bytes)
{
  const char *p = text;
  uint64_t value = 0;
  unsigned shift = 0;

  if (!g_ascii_isdigit (*p))
    return false;
  for (; g_ascii_isdigit (*p); p++)
    {
      if (value > (UINT64_MAX - 9) / 10)
        return false;
      value = value * 10 + (uint64_t) (*p - '0');
    }
  switch (g_ascii_toupper (*p))
    {
    case '\0': break;
    case 'K': shift = 10; break;
    case 'M': shift = 20; break;
    case 'G': shift = 30; break;
    case 'T': shift = 40; break;
    default: return false;
    }
  if (*p)
    {
      p++;
      /* 512M, 512MB, 512MiB all mean 512 * 2^20: nobody sizes RAM in 10^6. */
      if (g_ascii_strcasecmp (p, "") != 0 && g_ascii_strcasecmp (p, "B") != 0 &&
          g_ascii_strcasecmp (p, "iB") != 0)
        return false;
    }
  if (shift && value > UINT64_MAX >> shift)
    return false;
  *bytes = value << shift;
  return true;
}

char *
machine_config_format_size (uint64_t bytes)
{
  static const char units[] = "TGMK";

  for (unsigned i = 0; i < 4; i++)
    {
      unsigned shift = 40 - 10 * i;

      if (bytes && bytes % (1ull << shift) == 0)
        return g_strdup_printf ("%" G_GUINT64_FORMAT "%c", bytes >> shift, units[i]);
    }
  return g_strdup_printf ("%" G_GUINT64_FORMAT, bytes);
}

bool
machine_config_parse_bool (const char *text, bool *value)
{
  static const char *const yes[] = { "true", "yes", "on", "1" };
  static const char *const no[] = { "false", "no", "off", "0" };

  for (unsigned i = 0; i < G_N_ELEMENTS (yes); i++)
    {
      if (g_ascii_strcasecmp (text, yes[i]) == 0)
        {
          *value = true;
          return true;
        }
      if (g_ascii_strcasecmp (text, no[i]) == 0)
        {
          *value = false;
          return true;
        }
    }
  return false;
}

/* NULL when fine, else why not (static text). */
const char *
machine_config_check_serial_id (const char *id)
{
  if (strlen (id) > MACHINE_CONFIG_DISK_SERIAL_MAX)
    return "is longer than 20 characters";
  for (const char *p = id; *p; p++)
    if (*p < 0x20 || *p > 0x7e)
      return "may only contain printable ASCII characters";
  return NULL;
}

int
machine_config_parse_disk_spec (const char *spec, struct machine_disk *disk, GError **error)
{
  g_autoptr (GString) path = g_string_new (NULL);
  const char *p = spec;

  memset (disk, 0, sizeof *disk);
  /* The path runs to the first single comma; ",," stands for a comma in it. */
  for (; *p; p++)
    {
      if (*p == ',' && p[1] == ',')
        p++;
      else if (*p == ',')
        break;
      g_string_append_c (path, *p);
    }
  if (path->len == 0)
    {
      g_set_error (error, MACHINE_CONFIG_ERROR, MACHINE_CONFIG_ERROR_INVALID,
                   "'%s' has no disk image path (expected PATH[,readonly][,serial=ID])", spec);
      return -EINVAL;
    }

  while (*p == ',')
    {
      const char *start = ++p;
      g_autofree char *opt = NULL;
      const char *eq;
      const char *why;

      while (*p && *p != ',')
        p++;
      opt = g_strndup (start, (gsize) (p - start));
      eq = strchr (opt, '=');
      if (g_str_equal (opt, "readonly") || g_str_equal (opt, "ro"))
        disk->readonly = true;
      else if (g_str_has_prefix (opt, "readonly=") && machine_config_parse_bool (eq + 1, &disk->readonly))
        ;
      else if (g_str_has_prefix (opt, "serial="))
        {
          if ((why = machine_config_check_serial_id (eq + 1)) != NULL)
            {
              g_set_error (error, MACHINE_CONFIG_ERROR, MACHINE_CONFIG_ERROR_INVALID,
                           "'%s': serial '%s' %s", spec, eq + 1, why);
              goto fail;
            }
          g_free (disk->serial);
          disk->serial = *(eq + 1) ? g_strdup (eq + 1) : NULL;
        }
      else
        {
          g_set_error (error, MACHINE_CONFIG_ERROR, MACHINE_CONFIG_ERROR_INVALID,
                       "'%s': unknown disk option '%s' (known: readonly, serial=ID)", spec, opt);
          goto fail;
        }
    }
  disk->path = g_string_free (g_steal_pointer (&path), FALSE);
  return 0;

fail:
  machine_disk_clear (disk);
  return -EINVAL;
}

int
machine_config_parse_serial (const char *text, enum machine_serial *serial, char **path,
                             GError **error)
{
  *path = NULL;
  if (g_str_equal (text, "stdio"))
    *serial = MACHINE_SERIAL_STDIO;
  else if (g_str_equal (text, "pty"))
    *serial = MACHINE_SERIAL_PTY;
  else if (g_str_equal (text, "none"))
    *serial = MACHINE_SERIAL_NONE;
  else if (g_str_has_prefix (text, "file:") && text[5])
    {
      *serial = MACHINE_SERIAL_FILE;
      *path = g_strdup (text + 5);
    }
  else
    {
      g_set_error (error, MACHINE_CONFIG_ERROR, MACHINE_CONFIG_ERROR_INVALID,
                   "'%s' is not one of stdio, file:PATH, pty or none", text);
      return -EINVAL;
    }
  return 0;
}
