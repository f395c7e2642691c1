/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "spice"

#include "config.h"

#include "spice-config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "machine-config.h"

#define SPICE_CONFIG_GROUP "spice"

void
spice_config_clear (struct spice_config *cfg)
{
  g_free (cfg->addr);
  g_free (cfg->password_file);
  g_free (cfg->x509_dir);
  memset (cfg, 0, sizeof *cfg);
}

void
spice_config_copy (struct spice_config *dst, const struct spice_config *src)
{
  *dst = *src;
  dst->addr = g_strdup (src->addr);
  dst->password_file = g_strdup (src->password_file);
  dst->x509_dir = g_strdup (src->x509_dir);
}

static int
spice_config_invalid (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static int
spice_config_invalid (GError **error, const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, MACHINE_CONFIG_ERROR, MACHINE_CONFIG_ERROR_INVALID, message);
  return -EINVAL;
}

static bool
spice_config_parse_port (const char *value, unsigned *port)
{
  guint64 u;

  if (!g_ascii_string_to_unsigned (value, 10, 1, 65535, &u, NULL))
    return false;
  *port = (unsigned) u;
  return true;
}

static bool
spice_config_parse_bool (const char *value, bool *out)
{
  if (!*value || !g_ascii_strcasecmp (value, "true") || !g_ascii_strcasecmp (value, "yes") ||
      !g_ascii_strcasecmp (value, "on") || g_str_equal (value, "1"))
    *out = true;
  else if (!g_ascii_strcasecmp (value, "false") || !g_ascii_strcasecmp (value, "no") ||
           !g_ascii_strcasecmp (value, "off") || g_str_equal (value, "0"))
    *out = false;
  else
    return false;
  return true;
}

static void
spice_config_set_string (char **field, const char *value)
{
  g_free (*field);
  *field = *value ? g_strdup (value) : NULL;
}

int
spice_config_set_key (struct spice_config *cfg, const char *key, const char *value,
                      GError **error)
{
  if (!value)
    value = "";
  if (g_str_equal (key, "port") || g_str_equal (key, "tls-port"))
    {
      unsigned *port = g_str_equal (key, "port") ? &cfg->port : &cfg->tls_port;

      if (!spice_config_parse_port (value, port))
        return spice_config_invalid (error, "%s '%s' is not a TCP port from 1 to 65535 "
                                     "(e.g. %s=5900)", key, value, key);
    }
  else if (g_str_equal (key, "addr"))
    {
      if (!*value)
        return spice_config_invalid (error, "addr is empty; leave it out to listen on "
                                     SPICE_CONFIG_DEFAULT_ADDR " only");
      spice_config_set_string (&cfg->addr, value);
    }
  else if (g_str_equal (key, "password-file"))
    {
      if (!*value)
        return spice_config_invalid (error, "password-file is empty; give the path of a file "
                                     "holding the password");
      spice_config_set_string (&cfg->password_file, value);
    }
  else if (g_str_equal (key, "x509-dir"))
    spice_config_set_string (&cfg->x509_dir, value);
  else if (g_str_equal (key, "disable-ticketing") || g_str_equal (key, "enabled"))
    {
      bool b;

      if (!spice_config_parse_bool (value, &b))
        return spice_config_invalid (error, "%s '%s' is not true or false", key, value);
      *(g_str_equal (key, "enabled") ? &cfg->enabled : &cfg->disable_ticketing) = b;
    }
  else if (g_str_equal (key, "password"))
    return spice_config_invalid (error, "a password on the command line or in the "
                                 "configuration is visible to others; put it in a file "
                                 "readable only by you and use password-file=FILE, or set it "
                                 "over D-Bus with SetSpicePassword");
  else
    return spice_config_invalid (error, "unknown SPICE option '%s' (known: port, addr, "
                                 "password-file, tls-port, x509-dir, disable-ticketing)", key);
  return 0;
}

bool
spice_config_addr_is_loopback (const char *addr)
{
  struct in_addr a4;
  struct in6_addr a6;

  if (g_ascii_strcasecmp (addr, "localhost") == 0)
    return true;
  if (inet_pton (AF_INET, addr, &a4) == 1)
    return (ntohl (a4.s_addr) >> 24) == 127;
  if (inet_pton (AF_INET6, addr, &a6) == 1)
    return IN6_IS_ADDR_LOOPBACK (&a6);
  return false;
}

const char *
spice_config_get_addr (const struct spice_config *cfg)
{
  return cfg->addr ? cfg->addr : SPICE_CONFIG_DEFAULT_ADDR;
}

int
spice_config_check (const struct spice_config *cfg, GError **error)
{
  const char *addr = spice_config_get_addr (cfg);

  if (!cfg->enabled)
    return 0;
  if (!cfg->port && !cfg->tls_port)
    return spice_config_invalid (error, "no port to listen on; add port=N (e.g. port=%d)",
                                 SPICE_CONFIG_DEFAULT_PORT);
  if (cfg->port && cfg->port == cfg->tls_port)
    return spice_config_invalid (error, "port and tls-port are both %u; they need two "
                                 "different ports", cfg->port);
  if (cfg->tls_port && !cfg->x509_dir)
    return spice_config_invalid (error, "tls-port needs x509-dir=DIR, a folder with "
                                 "ca-cert.pem, server-cert.pem and server-key.pem");
  if (cfg->x509_dir && !cfg->tls_port)
    return spice_config_invalid (error, "x509-dir is set but tls-port is not; add tls-port=N");
  if (cfg->password_file && cfg->disable_ticketing)
    return spice_config_invalid (error, "password-file and disable-ticketing contradict each "
                                 "other; keep one");
  if (!spice_config_addr_is_loopback (addr) && !cfg->password_file && !cfg->tls_port)
    return spice_config_invalid (error, "refusing to share the display on %s without a "
                                 "password or TLS: anyone on the network could watch and "
                                 "control the virtual machine. Add password-file=FILE "
                                 "(or tls-port=N,x509-dir=DIR), or leave addr out to listen "
                                 "on " SPICE_CONFIG_DEFAULT_ADDR " only", addr);
  return 0;
}

int
spice_config_parse (const char *spec, struct spice_config *cfg, GError **error)
{
  struct spice_config parsed = { .enabled = true };
  g_auto (GStrv) parts = NULL;

  if (g_str_equal (spec, "off") || g_str_equal (spec, "none"))
    {
      spice_config_clear (cfg);
      return 0;
    }
  parts = g_strsplit (spec, ",", -1);
  for (unsigned i = 0; parts[i]; i++)
    {
      char *eq = strchr (parts[i], '=');
      const char *value = "";

      if (!*parts[i])
        continue;
      if (eq)
        {
          *eq = '\0';
          value = eq + 1;
        }
      else if (!g_str_equal (parts[i], "disable-ticketing"))
        {
          spice_config_clear (&parsed);
          return spice_config_invalid (error, "'%s' needs a value, like %s=...", parts[i],
                                       parts[i]);
        }
      /* "enabled" is the key file's switch; here the option itself is. */
      if (g_str_equal (parts[i], "enabled"))
        {
          spice_config_clear (&parsed);
          return spice_config_invalid (error, "unknown SPICE option 'enabled' (--spice off "
                                       "disables sharing)");
        }
      if (spice_config_set_key (&parsed, parts[i], value, error) < 0)
        {
          spice_config_clear (&parsed);
          return -EINVAL;
        }
    }
  if (spice_config_check (&parsed, error) < 0)
    {
      spice_config_clear (&parsed);
      return -EINVAL;
    }
  spice_config_clear (cfg);
  *cfg = parsed;
  return 0;
}

char *
spice_config_to_spec (const struct spice_config *cfg)
{
  GString *s = g_string_new (NULL);

  if (!cfg->enabled)
    return g_string_free (g_string_append (s, "off"), FALSE);
  if (cfg->port)
    g_string_append_printf (s, ",port=%u", cfg->port);
  if (cfg->addr)
    g_string_append_printf (s, ",addr=%s", cfg->addr);
  if (cfg->password_file)
    g_string_append_printf (s, ",password-file=%s", cfg->password_file);
  if (cfg->tls_port)
    g_string_append_printf (s, ",tls-port=%u", cfg->tls_port);
  if (cfg->x509_dir)
    g_string_append_printf (s, ",x509-dir=%s", cfg->x509_dir);
  if (cfg->disable_ticketing)
    g_string_append (s, ",disable-ticketing");
  if (s->len)
    g_string_erase (s, 0, 1);
  return g_string_free (s, FALSE);
}

int
spice_config_load_keyfile (struct spice_config *cfg, GKeyFile *kf, const char *source,
                           GError **error)
{
  static const char *const keys[] = {
    "enabled", "port", "addr", "password-file", "tls-port", "x509-dir", "disable-ticketing",
    "password", NULL,
  };
  struct spice_config loaded = { 0 };

  g_auto (GStrv) present = NULL;

  if (!g_key_file_has_group (kf, SPICE_CONFIG_GROUP))
    return 0;
  present = g_key_file_get_keys (kf, SPICE_CONFIG_GROUP, NULL, NULL);
  for (unsigned i = 0; present && present[i]; i++)
    if (!g_strv_contains (keys, present[i]))
      g_message ("%s: [spice] %s: unknown key, ignored", source, present[i]);
  for (unsigned i = 0; keys[i]; i++)
    {
      g_autofree char *value = NULL;

      if (!g_key_file_has_key (kf, SPICE_CONFIG_GROUP, keys[i], NULL))
        continue;
      value = g_key_file_get_string (kf, SPICE_CONFIG_GROUP, keys[i], NULL);
      if (spice_config_set_key (&loaded, keys[i], value ? value : "", error) < 0)
        {
          g_prefix_error (error, "%s: [spice] %s: ", source, keys[i]);
          spice_config_clear (&loaded);
          return -EINVAL;
        }
    }
  if (spice_config_check (&loaded, error) < 0)
    {
      g_prefix_error (error, "%s: [spice]: ", source);
      spice_config_clear (&loaded);
      return -EINVAL;
    }
  spice_config_clear (cfg);
  *cfg = loaded;
  return 0;
}

static void
spice_config_kf_set (GKeyFile *kf, const char *key, const char *value)
{
  if (value)
    g_key_file_set_string (kf, SPICE_CONFIG_GROUP, key, value);
  else
    g_key_file_remove_key (kf, SPICE_CONFIG_GROUP, key, NULL);
}

void
spice_config_save_keyfile (const struct spice_config *cfg, GKeyFile *kf)
{
  g_autofree char *port = cfg->port ? g_strdup_printf ("%u", cfg->port) : NULL;
  g_autofree char *tls_port = cfg->tls_port ? g_strdup_printf ("%u", cfg->tls_port) : NULL;

  /* A VM that never shared keeps its file free of a [spice] group. */
  if (!cfg->enabled && !cfg->port && !cfg->tls_port &&
      !g_key_file_has_group (kf, SPICE_CONFIG_GROUP))
    return;
  g_key_file_set_boolean (kf, SPICE_CONFIG_GROUP, "enabled", cfg->enabled);
  spice_config_kf_set (kf, "port", port);
  spice_config_kf_set (kf, "addr", cfg->addr);
  spice_config_kf_set (kf, "password-file", cfg->password_file);
  spice_config_kf_set (kf, "tls-port", tls_port);
  spice_config_kf_set (kf, "x509-dir", cfg->x509_dir);
  if (cfg->disable_ticketing)
    g_key_file_set_boolean (kf, SPICE_CONFIG_GROUP, "disable-ticketing", true);
  else
    g_key_file_remove_key (kf, SPICE_CONFIG_GROUP, "disable-ticketing", NULL);
}

int
spice_config_read_password (const char *path, char **password, GError **error)
{
  g_autofree char *data = NULL;
  g_autoptr (GError) local = NULL;
  gsize len;
  char *end;

  *password = NULL;
  if (!g_file_get_contents (path, &data, &len, &local))
    {
      g_set_error (error, MACHINE_CONFIG_ERROR, MACHINE_CONFIG_ERROR_INVALID,
                   "cannot read the SPICE password file: %s; create it (readable only by you) "
                   "with the password on its first line", local->message);
      return -EIO;
    }
  end = strpbrk (data, "\r\n");
  if (end)
    *end = '\0';
  if (strlen (data) != len && !end)
    return spice_config_invalid (error, "the SPICE password file %s holds a NUL byte; "
                                 "write the password as text on its first line", path);
  if (!*data)
    return spice_config_invalid (error, "the SPICE password file %s is empty; write the "
                                 "password on its first line", path);
  if (strlen (data) > SPICE_CONFIG_PASSWORD_MAX)
    return spice_config_invalid (error, "the password in %s is longer than %d characters, "
                                 "more than SPICE accepts", path, SPICE_CONFIG_PASSWORD_MAX);
  *password = g_steal_pointer (&data);
  return 0;
}
