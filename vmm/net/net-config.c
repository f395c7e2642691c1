/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "net"

#include "config.h"

#include "net-config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "machine-config.h"

#define NET_CONFIG_GROUP "network"

void
net_config_init (struct net_config *cfg)
{
  memset (cfg, 0, sizeof *cfg);
  cfg->enabled = true;
}

void
net_config_clear_forwards (struct net_config *cfg)
{
  cfg->n_forwards = 0;
  memset (cfg->forwards, 0, sizeof cfg->forwards);
}

static int
net_config_invalid (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static int
net_config_invalid (GError **error, const char *format, ...)
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
net_config_parse_port (const char *text, uint16_t *port)
{
  guint64 u;

  if (!g_ascii_string_to_unsigned (text, 10, 1, 65535, &u, NULL))
    return false;
  *port = (uint16_t) u;
  return true;
}

/* "[ADDR:]PORT" into @addr (untouched when absent) and @port. */
static bool
net_config_parse_endpoint (const char *text, struct in_addr *addr, uint16_t *port)
{
  const char *colon = strrchr (text, ':');
  g_autofree char *host = NULL;

  if (!colon)
    return net_config_parse_port (text, port);
  host = g_strndup (text, colon - text);
  if (*host)
    {
      if (g_ascii_strcasecmp (host, "localhost") == 0)
        addr->s_addr = htonl (INADDR_LOOPBACK);
      else if (inet_pton (AF_INET, host, addr) != 1)
        return false;
    }
  return net_config_parse_port (colon + 1, port);
}

int
net_forward_parse (const char *spec, struct net_forward *fwd, GError **error)
{
  static const char example[] = "(e.g. tcp:127.0.0.1:2222-:22 forwards the host's port 2222 "
                                "to the guest's port 22)";
  struct net_forward f = { 0 };
  const char *rest = spec;
  const char *dash;
  g_autofree char *host_part = NULL;
  struct in_addr network;

  if (g_str_has_prefix (rest, "tcp:"))
    rest += 4;
  else if (g_str_has_prefix (rest, "udp:"))
    {
      f.udp = true;
      rest += 4;
    }
  inet_pton (AF_INET, NET_CONFIG_DEFAULT_HOST_ADDR, &f.host_addr);
  dash = strchr (rest, '-');
  if (!dash)
    return net_config_invalid (error, "'%s' is not a port forward: it needs HOSTPORT-GUESTPORT "
                               "%s", spec, example);
  host_part = g_strndup (rest, dash - rest);
  if (!net_config_parse_endpoint (host_part, &f.host_addr, &f.host_port))
    return net_config_invalid (error, "'%s': '%s' is not [IPv4 address:]port on the host %s",
                               spec, host_part, example);
  if (!net_config_parse_endpoint (dash + 1, &f.guest_addr, &f.guest_port))
    return net_config_invalid (error, "'%s': '%s' is not [IPv4 address:]port in the guest %s",
                               spec, dash + 1, example);
  inet_pton (AF_INET, NET_CONFIG_NETWORK, &network);
  if (f.guest_addr.s_addr &&
      (ntohl (f.guest_addr.s_addr) & 0xffffff00u) != ntohl (network.s_addr))
    return net_config_invalid (error, "'%s': the guest's address must be in 10.0.2.0/24 (or "
                               "left out for %s)", spec, NET_CONFIG_GUEST_ADDR);
  *fwd = f;
  return 0;
}

char *
net_forward_to_string (const struct net_forward *fwd)
{
  char host[INET_ADDRSTRLEN], guest[INET_ADDRSTRLEN] = "";

  inet_ntop (AF_INET, &fwd->host_addr, host, sizeof host);
  if (fwd->guest_addr.s_addr)
    inet_ntop (AF_INET, &fwd->guest_addr, guest, sizeof guest);
  return g_strdup_printf ("%s:%s:%u-%s:%u", fwd->udp ? "udp" : "tcp", host, fwd->host_port,
                          guest, fwd->guest_port);
}

int
net_config_parse_mac (const char *text, uint8_t mac[6], GError **error)
{
  unsigned b[6];
  char end;

  if (strlen (text) != 17 ||
      sscanf (text, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
              &end) != 6)
    return net_config_invalid (error, "'%s' is not a MAC address like 52:54:00:12:34:56", text);
  for (unsigned i = 0; i < 6; i++)
    if (!g_ascii_isxdigit (text[i * 3]) || !g_ascii_isxdigit (text[i * 3 + 1]) ||
        (i < 5 && text[i * 3 + 2] != ':'))
      return net_config_invalid (error, "'%s' is not a MAC address like 52:54:00:12:34:56",
                                 text);
  if (b[0] & 1)
    return net_config_invalid (error, "'%s' is a multicast address; the first byte must be "
                               "even (e.g. 52:54:00:...)", text);
  if (!(b[0] | b[1] | b[2] | b[3] | b[4] | b[5]))
    return net_config_invalid (error, "'%s' is not a usable MAC address", text);
  for (unsigned i = 0; i < 6; i++)
    mac[i] = (uint8_t) b[i];
  return 0;
}

char *
net_config_format_mac (const uint8_t mac[6])
{
  return g_strdup_printf ("%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
                          mac[4], mac[5]);
}

void
net_config_get_mac (const struct net_config *cfg, const char *uuid, uint8_t mac[6])
{
  static const uint8_t fallback[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

  if (cfg->has_mac)
    memcpy (mac, cfg->mac, 6);
  else if (uuid && *uuid)
    {
      g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
      uint8_t digest[32];
      gsize len = sizeof digest;

      /* 52:54:00 is locally administered unicast, the prefix QEMU users know. */
      g_checksum_update (sum, (const guchar *) uuid, -1);
      g_checksum_get_digest (sum, digest, &len);
      mac[0] = 0x52, mac[1] = 0x54, mac[2] = 0x00;
      memcpy (mac + 3, digest, 3);
    }
  else
    memcpy (mac, fallback, 6);
}

static int
net_config_add_forward (struct net_config *cfg, const char *spec, GError **error)
{
  struct net_forward fwd;

  if (net_forward_parse (spec, &fwd, error) < 0)
    return -EINVAL;
  if (cfg->n_forwards >= NET_CONFIG_MAX_FORWARDS)
    return net_config_invalid (error, "'%s': more than %d port forwards", spec,
                               NET_CONFIG_MAX_FORWARDS);
  for (unsigned i = 0; i < cfg->n_forwards; i++)
    {
      const struct net_forward *o = &cfg->forwards[i];

      /* 0.0.0.0 overlaps every address: the second bind would fail. */
      if (o->udp == fwd.udp && o->host_port == fwd.host_port &&
          (o->host_addr.s_addr == fwd.host_addr.s_addr || !o->host_addr.s_addr ||
           !fwd.host_addr.s_addr))
        return net_config_invalid (error, "'%s': host %s port %u is already forwarded", spec,
                                   fwd.udp ? "UDP" : "TCP", fwd.host_port);
    }
  cfg->forwards[cfg->n_forwards++] = fwd;
  return 0;
}

int
net_config_check (const struct net_config *cfg, GError **error)
{
  if (!cfg->enabled || !cfg->isolated)
    return 0;
  for (unsigned i = 0; i < cfg->n_forwards; i++)
    if (cfg->forwards[i].udp)
      {
        g_autofree char *spec = net_forward_to_string (&cfg->forwards[i]);

        /* libslirp's restricted mode drops every UDP datagram from the guest
         * but DHCP, the answers to a forwarded port included. */
        return net_config_invalid (error, "'%s': UDP port forwards cannot answer in isolated "
                                   "mode (it drops all of the guest's UDP); forward TCP "
                                   "instead or turn isolation off", spec);
      }
  return 0;
}

int
net_config_set_option (struct net_config *cfg, const char *option, const char *value,
                       GError **error)
{
  if (!value)
    value = "";
  if (g_str_equal (option, "net"))
    {
      if (g_str_equal (value, "on") || g_str_equal (value, "nat"))
        cfg->enabled = true, cfg->isolated = false;
      else if (g_str_equal (value, "off") || g_str_equal (value, "none"))
        cfg->enabled = false;
      else if (g_str_equal (value, "isolated"))
        cfg->enabled = true, cfg->isolated = true;
      else
        return net_config_invalid (error, "'%s' is not on, off or isolated", value);
      return 0;
    }
  if (g_str_equal (option, "net-forward"))
    return net_config_add_forward (cfg, value, error);
  if (g_str_equal (option, "mac"))
    {
      if (!*value)
        {
          cfg->has_mac = false;
          return 0;
        }
      if (net_config_parse_mac (value, cfg->mac, error) < 0)
        return -EINVAL;
      cfg->has_mac = true;
      return 0;
    }
  return net_config_invalid (error, "unknown network option '%s'", option);
}

static bool
net_config_parse_bool (const char *value, bool *out)
{
  if (!g_ascii_strcasecmp (value, "true") || !g_ascii_strcasecmp (value, "yes") ||
      !g_ascii_strcasecmp (value, "on") || g_str_equal (value, "1"))
    *out = true;
  else if (!g_ascii_strcasecmp (value, "false") || !g_ascii_strcasecmp (value, "no") ||
           !g_ascii_strcasecmp (value, "off") || g_str_equal (value, "0"))
    *out = false;
  else
    return false;
  return true;
}

int
net_config_load_keyfile (struct net_config *cfg, GKeyFile *kf, const char *source,
                         GError **error)
{
  static const char *const keys[] = { "enabled", "isolated", "mac", "forwards", NULL };
  struct net_config loaded;
  g_auto (GStrv) present = NULL;
  g_auto (GStrv) forwards = NULL;

  if (!g_key_file_has_group (kf, NET_CONFIG_GROUP))
    return 0;
  net_config_init (&loaded);
  present = g_key_file_get_keys (kf, NET_CONFIG_GROUP, NULL, NULL);
  for (unsigned i = 0; present && present[i]; i++)
    if (!g_strv_contains (keys, present[i]))
      g_message ("%s: [network] %s: unknown key, ignored", source, present[i]);
  for (unsigned i = 0; i < 2; i++)
    {
      g_autofree char *value = g_key_file_get_string (kf, NET_CONFIG_GROUP, keys[i], NULL);

      if (value && !net_config_parse_bool (value, i == 0 ? &loaded.enabled : &loaded.isolated))
        return net_config_invalid (error, "%s: [network] %s: '%s' is not true or false",
                                   source, keys[i], value);
    }
  {
    g_autofree char *mac = g_key_file_get_string (kf, NET_CONFIG_GROUP, "mac", NULL);

    if (mac && *mac && net_config_set_option (&loaded, "mac", mac, error) < 0)
      {
        g_prefix_error (error, "%s: [network] mac: ", source);
        return -EINVAL;
      }
  }
  forwards = g_key_file_get_string_list (kf, NET_CONFIG_GROUP, "forwards", NULL, NULL);
  for (unsigned i = 0; forwards && forwards[i]; i++)
    {
      g_strstrip (forwards[i]);
      if (*forwards[i] && net_config_add_forward (&loaded, forwards[i], error) < 0)
        {
          g_prefix_error (error, "%s: [network] forwards: ", source);
          return -EINVAL;
        }
    }
  *cfg = loaded;
  return 0;
}

void
net_config_save_keyfile (const struct net_config *cfg, GKeyFile *kf)
{
  g_autoptr (GPtrArray) specs = g_ptr_array_new_with_free_func (g_free);

  g_key_file_set_boolean (kf, NET_CONFIG_GROUP, "enabled", cfg->enabled);
  g_key_file_set_boolean (kf, NET_CONFIG_GROUP, "isolated", cfg->isolated);
  if (cfg->has_mac)
    {
      g_autofree char *mac = net_config_format_mac (cfg->mac);

      g_key_file_set_string (kf, NET_CONFIG_GROUP, "mac", mac);
    }
  else
    g_key_file_remove_key (kf, NET_CONFIG_GROUP, "mac", NULL);
  for (unsigned i = 0; i < cfg->n_forwards; i++)
    g_ptr_array_add (specs, net_forward_to_string (&cfg->forwards[i]));
  if (specs->len)
    g_key_file_set_string_list (kf, NET_CONFIG_GROUP, "forwards",
                                (const char *const *) specs->pdata, specs->len);
  else
    g_key_file_remove_key (kf, NET_CONFIG_GROUP, "forwards", NULL);
}
