/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "spice"

#include "config.h"

#include "spice-vv.h"

#include <glib.h>

#define SPICE_VV_GROUP "virt-viewer"

char *
spice_vv_generate (const struct spice_vv_params *params)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  const char *host = params->host;

  if (!host || !*host || g_str_equal (host, "0.0.0.0") || g_str_equal (host, "::"))
    host = "localhost";
  g_key_file_set_string (kf, SPICE_VV_GROUP, "type", "spice");
  g_key_file_set_string (kf, SPICE_VV_GROUP, "host", host);
  if (params->port)
    g_key_file_set_integer (kf, SPICE_VV_GROUP, "port", (int) params->port);
  if (params->tls_port)
    g_key_file_set_integer (kf, SPICE_VV_GROUP, "tls-port", (int) params->tls_port);
  if (params->password)
    g_key_file_set_string (kf, SPICE_VV_GROUP, "password", params->password);
  if (params->title)
    g_key_file_set_string (kf, SPICE_VV_GROUP, "title", params->title);
  /* virt-viewer reads the CA inline, its line ends written as \n. */
  if (params->ca_pem)
    g_key_file_set_string (kf, SPICE_VV_GROUP, "ca", params->ca_pem);
  /* The guest follows the client's window; fullscreen stays the user's choice. */
  g_key_file_set_integer (kf, SPICE_VV_GROUP, "resize-guest", 1);
  return g_key_file_to_data (kf, NULL, NULL);
}
