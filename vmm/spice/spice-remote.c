/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "spice"

#include "config.h"

#include "spice-remote.h"

#include <errno.h>
#include <netdb.h>
#include <spice.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "spice-config.h"
#include "spice-core.h"
#include "spice-display.h"
#include "spice-input.h"
#include "spice-playback.h"
#include "spice-vv.h"

struct spice_remote {
  struct spice_config cfg;
  struct display *display;
  struct audio *audio;
  char *name;
  char *uuid;
  struct spice_remote_ops ops;
  void *opaque;
  char *dbus_password;      /* set over D-Bus; wins over the file */
  bool dbus_password_set;   /* "" included: the file no longer counts */

  /* While sharing. */
  SpiceServer *server;
  struct spice_config running;   /* what it listens with */
  char *password;                /* in force; NULL: none */
  struct spice_display *sd;
  struct spice_input *si;
  struct spice_playback *sp;
};

struct spice_remote *
spice_remote_new (const struct spice_config *cfg, struct display *display, struct audio *audio,
                  const char *name, const char *uuid, const struct spice_remote_ops *ops,
                  void *opaque)
{
  struct spice_remote *r = g_new0 (struct spice_remote, 1);

  spice_config_copy (&r->cfg, cfg);
  r->display = display;
  r->audio = audio;
  r->name = g_strdup (name);
  r->uuid = g_strdup (uuid);
  r->ops = *ops;
  r->opaque = opaque;
  return r;
}

void
spice_remote_free (struct spice_remote *r)
{
  if (!r)
    return;
  spice_remote_stop (r);
  spice_config_clear (&r->cfg);
  g_free (r->name);
  g_free (r->uuid);
  g_free (r->dbus_password);
  g_free (r);
}

bool
spice_remote_is_running (struct spice_remote *r)
{
  return r->server != NULL;
}

/* Tries the port as the server will bind it, to say clearly what is wrong
 * (libspice-server only logs). A tiny race with another program remains. */
static int
spice_remote_check_port (const char *addr, unsigned port, const char *option, char **why)
{
  struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE };
  struct addrinfo *res = NULL;
  g_autofree char *service = g_strdup_printf ("%u", port);
  int ret, err = 0;

  ret = getaddrinfo (addr, service, &hints, &res);
  if (ret != 0)
    {
      *why = g_strdup_printf ("SPICE address %s cannot be used: %s; give an address of this "
                              "computer with --spice addr=A", addr, gai_strerror (ret));
      return -EINVAL;
    }
  for (struct addrinfo *ai = res; ai; ai = ai->ai_next)
    {
      int fd = socket (ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
      int on = 1;

      if (fd < 0)
        continue;
      setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
      if (bind (fd, ai->ai_addr, ai->ai_addrlen) < 0)
        err = errno;
      close (fd);
      if (err)
        break;
    }
  freeaddrinfo (res);
  if (err == EADDRINUSE)
    *why = g_strdup_printf ("SPICE %s %u is in use; choose another with --spice %s=N",
                            option, port, option);
  else if (err == EACCES)
    *why = g_strdup_printf ("SPICE %s %u needs privileges; choose one above 1023 with "
                            "--spice %s=N", option, port, option);
  else if (err == EADDRNOTAVAIL)
    *why = g_strdup_printf ("SPICE address %s is not an address of this computer; choose "
                            "another with --spice addr=A", addr);
  else if (err)
    *why = g_strdup_printf ("SPICE cannot listen on %s port %u: %s", addr, port,
                            g_strerror (err));
  return err ? -err : 0;
}

static void
spice_remote_client_event (void *opaque, bool connected, const char *address)
{
  struct spice_remote *r = opaque;

  if (r->ops.client_event)
    r->ops.client_event (r->opaque, connected, address);
}

static struct input_router *
spice_remote_router (void *opaque)
{
  struct spice_remote *r = opaque;

  return r->ops.router ? r->ops.router (r->opaque) : NULL;
}

static const struct spice_input_ops spice_remote_input_ops = {
  .router = spice_remote_router,
};

static bool
spice_remote_needs_password (const struct spice_config *cfg)
{
  return !spice_config_addr_is_loopback (spice_config_get_addr (cfg)) && !cfg->tls_port;
}

/* The password to start with: the D-Bus one, else the file's. */
static int
spice_remote_load_password (struct spice_remote *r, char **why)
{
  g_autoptr (GError) error = NULL;

  g_clear_pointer (&r->password, g_free);
  if (r->dbus_password_set)
    r->password = g_strdup (r->dbus_password);
  else if (r->running.password_file &&
           spice_config_read_password (r->running.password_file, &r->password, &error) < 0)
    {
      *why = g_strdup (error->message);
      return -EINVAL;
    }
  if (!r->password && spice_remote_needs_password (&r->running))
    {
      *why = g_strdup_printf ("refusing to share the display on %s without a password or "
                              "TLS; set one with SetSpicePassword or password-file=FILE",
                              spice_config_get_addr (&r->running));
      return -EPERM;
    }
  return 0;
}

static int
spice_remote_set_tls (struct spice_remote *r, char **why)
{
  static const char *const names[] = { "ca-cert.pem", "server-cert.pem", "server-key.pem" };
  char *paths[G_N_ELEMENTS (names)];
  int ret = 0;

  for (unsigned i = 0; i < G_N_ELEMENTS (names); i++)
    paths[i] = g_build_filename (r->running.x509_dir, names[i], NULL);
  for (unsigned i = 0; i < G_N_ELEMENTS (names) && ret == 0; i++)
    if (access (paths[i], R_OK) < 0)
      {
        ret = -errno;
        *why = g_strdup_printf ("SPICE TLS: cannot read %s: %s; x509-dir needs ca-cert.pem, "
                                "server-cert.pem and server-key.pem", paths[i],
                                g_strerror (errno));
      }
  if (ret == 0 && spice_server_set_tls (r->server, (int) r->running.tls_port, paths[0], paths[1],
                                        paths[2], NULL, NULL, NULL) != 0)
    {
      *why = g_strdup_printf ("SPICE TLS: cannot use the certificates in %s",
                              r->running.x509_dir);
      ret = -EINVAL;
    }
  for (unsigned i = 0; i < G_N_ELEMENTS (names); i++)
    g_free (paths[i]);
  return ret;
}

int
spice_remote_start (struct spice_remote *r, char **why)
{
  const char *addr;
  int ret;

  *why = NULL;
  if (r->server)
    return 0;
  spice_config_clear (&r->running);
  spice_config_copy (&r->running, &r->cfg);
  r->running.enabled = true;
  if (!r->running.port && !r->running.tls_port)
    r->running.port = SPICE_CONFIG_DEFAULT_PORT;
  addr = spice_config_get_addr (&r->running);

  ret = spice_remote_load_password (r, why);
  if (ret == 0 && r->running.port)
    ret = spice_remote_check_port (addr, r->running.port, "port", why);
  if (ret == 0 && r->running.tls_port)
    ret = spice_remote_check_port (addr, r->running.tls_port, "tls-port", why);
  if (ret < 0)
    {
      g_clear_pointer (&r->password, g_free);
      spice_config_clear (&r->running);
      return ret;
    }

  r->server = spice_server_new ();
  if (r->running.port)
    spice_server_set_port (r->server, (int) r->running.port);
  spice_server_set_addr (r->server, addr, 0);
  if (r->running.tls_port && (ret = spice_remote_set_tls (r, why)) < 0)
    goto fail;
  if (r->password)
    spice_server_set_ticket (r->server, r->password, 0, 0, 0);
  else
    spice_server_set_noauth (r->server);
  spice_server_set_name (r->server, r->name ? r->name : "terrarium-vmm");
  /* Lossless frames, as QEMU's default: a desktop is not a video. */
  spice_server_set_streaming_video (r->server, SPICE_STREAM_VIDEO_OFF);
  if (r->uuid && g_uuid_string_is_valid (r->uuid))
    {
      uint8_t uuid[16];
      const char *p = r->uuid;

      for (unsigned i = 0; i < 16; i++, p += 2)
        {
          if (*p == '-')
            p++;
          uuid[i] = (uint8_t) (g_ascii_xdigit_value (p[0]) << 4 | g_ascii_xdigit_value (p[1]));
        }
      spice_server_set_uuid (r->server, uuid);
    }
  if (spice_server_init (r->server, spice_core_get (spice_remote_client_event, r)) != 0)
    {
      *why = g_strdup_printf ("SPICE cannot listen on %s port %u; choose another with "
                              "--spice port=N", addr, r->running.port ? r->running.port
                                                                      : r->running.tls_port);
      ret = -EADDRINUSE;
      goto fail;
    }
  r->sd = spice_display_new (r->server, r->display, why);
  r->si = r->sd ? spice_input_new (r->server, &spice_remote_input_ops, r, why) : NULL;
  r->sp = r->si ? spice_playback_new (r->server, r->audio, why) : NULL;
  if (!r->sp)
    {
      ret = -EIO;
      goto fail;
    }
  spice_server_vm_start (r->server);
  vmm_info ("sharing the display over SPICE on %s port %u%s", addr, r->running.port,
            r->password ? " with a password" : "");
  return 0;

fail:
  spice_remote_stop (r);
  return ret;
}

void
spice_remote_stop (struct spice_remote *r)
{
  if (!r->server)
    return;
  if (r->sd)
    spice_server_vm_stop (r->server);
  g_clear_pointer (&r->sp, spice_playback_free);
  g_clear_pointer (&r->sd, spice_display_free);
  spice_server_destroy (r->server);
  r->server = NULL;
  /* The keyboard and mouse went with the server. */
  g_clear_pointer (&r->si, spice_input_free);
  spice_core_release ();
  g_clear_pointer (&r->password, g_free);
  spice_config_clear (&r->running);
}

int
spice_remote_set_password (struct spice_remote *r, const char *password, char **why)
{
  *why = NULL;
  if (strlen (password) > SPICE_CONFIG_PASSWORD_MAX)
    {
      *why = g_strdup_printf ("the password is longer than %d characters, more than SPICE "
                              "accepts", SPICE_CONFIG_PASSWORD_MAX);
      return -EINVAL;
    }
  if (!*password && r->server && spice_remote_needs_password (&r->running))
    {
      *why = g_strdup_printf ("the display is shared on %s without TLS: it keeps its "
                              "password; stop sharing first", spice_config_get_addr (&r->running));
      return -EPERM;
    }
  g_free (r->dbus_password);
  r->dbus_password = *password ? g_strdup (password) : NULL;
  r->dbus_password_set = true;
  if (!r->server)
    return 0;
  g_free (r->password);
  r->password = g_strdup (r->dbus_password);
  if (r->password)
    spice_server_set_ticket (r->server, r->password, 0, 0, 0);
  else
    spice_server_set_noauth (r->server);
  return 0;
}

int
spice_remote_connection_file (struct spice_remote *r, char **contents, char **why)
{
  g_autofree char *ca = NULL;
  struct spice_vv_params params = { 0 };

  *contents = NULL;
  *why = NULL;
  if (!r->server)
    {
      *why = g_strdup ("the display is not shared over SPICE; start sharing first "
                       "(StartSpice or --spice port=N)");
      return -ENOTCONN;
    }
  if (r->running.tls_port)
    {
      g_autofree char *path = g_build_filename (r->running.x509_dir, "ca-cert.pem", NULL);

      g_file_get_contents (path, &ca, NULL, NULL);
    }
  params.host = spice_config_get_addr (&r->running);
  params.port = r->running.port;
  params.tls_port = r->running.tls_port;
  params.password = r->password;
  params.title = r->name;
  params.ca_pem = ca;
  *contents = spice_vv_generate (&params);
  return 0;
}
