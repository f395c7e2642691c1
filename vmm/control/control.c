/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "control"

#include "config.h"

#include "control-private.h"

#include <errno.h>
#include <stdbool.h>
#include <gio/gio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "control/terrarium-vmm-dbus.h"
#include "log.h"


/* `gdbus call --address` (GLib < 2.80) treats every address as a message
 * bus and says Hello first; answering it lets people use the stock tool. */
static const char bus_xml[] =
  "<node><interface name='org.freedesktop.DBus'>"
  "<method name='Hello'><arg direction='out' type='s'/></method>"
  "</interface></node>";

static void
control_bus_method (GDBusConnection *connection, const char *sender, const char *path,
                    const char *interface, const char *method, GVariant *params,
                    GDBusMethodInvocation *invocation, gpointer data)
{
  struct control *control = data;
  g_autofree char *name = g_strdup_printf (":1.%u", control->next_peer++);

  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(s)", name));
}

static const GDBusInterfaceVTable bus_vtable = { control_bus_method, NULL, NULL };

/* Another process listening on @path? Then a connect() succeeds. */
static bool
control_socket_is_live (const char *path)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  bool live;

  if (fd < 0)
    return false;
  g_strlcpy (addr.sun_path, path, sizeof addr.sun_path);
  live = connect (fd, (struct sockaddr *) &addr, sizeof addr) == 0 || errno == EAGAIN;
  close (fd);
  return live;
}

/* Clears the way for our socket: -errno with *why if something is in it. */
static int
control_claim_path (const char *path, char **why)
{
  struct stat st;

  if (strlen (path) >= sizeof ((struct sockaddr_un *) NULL)->sun_path)
    {
      *why = g_strdup_printf ("control socket %s: path too long for a Unix socket (at most %zu "
                              "bytes)", path,
                              sizeof ((struct sockaddr_un *) NULL)->sun_path - 1);
      return -ENAMETOOLONG;
    }
  if (lstat (path, &st) < 0)
    return errno == ENOENT ? 0 : -errno;
  if (!S_ISSOCK (st.st_mode))
    {
      *why = g_strdup_printf ("control socket %s: a file that is not a socket is in the way", path);
      return -EEXIST;
    }
  if (control_socket_is_live (path))
    {
      *why = g_strdup_printf ("control socket %s: another program is listening there (is this "
                              "virtual machine already running?)", path);
      return -EADDRINUSE;
    }
  /* Left behind by a VMM that died: nobody listens, so it is ours to replace. */
  if (unlink (path) < 0 && errno != ENOENT)
    {
      int err = errno;
      *why = g_strdup_printf ("control socket %s: cannot remove the stale socket: %s", path,
                              g_strerror (err));
      return -err;
    }
  return 0;
}

static gboolean
control_allow_mechanism (GDBusAuthObserver *observer, const char *mechanism, gpointer data)
{
  /* EXTERNAL proves the peer's uid through SO_PEERCRED; the others do not. */
  return g_strcmp0 (mechanism, "EXTERNAL") == 0;
}

static gboolean
control_authorize_peer (GDBusAuthObserver *observer, GIOStream *stream,
                        GCredentials *credentials, gpointer data)
{
  g_autoptr (GError) error = NULL;
  uid_t uid;

  if (!credentials)
    return FALSE;
  uid = g_credentials_get_unix_user (credentials, &error);
  if (uid == (uid_t) -1 || uid != getuid ())
    {
      vmm_error ("control: refused a connection from uid %d", (int) uid);
      return FALSE;
    }
  return TRUE;
}

static void
control_connection_closed (GDBusConnection *connection, gboolean remote_peer_vanished,
                           GError *error, gpointer data)
{
  struct control *control = data;

  guint bus_id = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (connection), "control-bus-id"));

  g_dbus_interface_skeleton_unexport_from_connection (G_DBUS_INTERFACE_SKELETON (control->skeleton),
                                                      connection);
  if (bus_id)
    g_dbus_connection_unregister_object (connection, bus_id);
  g_object_set_data (G_OBJECT (connection), "control-bus-id", NULL);
  g_signal_handlers_disconnect_by_data (connection, control);
  g_ptr_array_remove (control->connections, connection);
}

static gboolean
control_new_connection (GDBusServer *server, GDBusConnection *connection, gpointer data)
{
  struct control *control = data;
  g_autoptr (GError) error = NULL;
  guint bus_id;

  if (!g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (control->skeleton),
                                         connection, CONTROL_OBJECT_PATH, &error))
    {
      vmm_error ("control: cannot export the interface: %s", error->message);
      return FALSE;
    }
  bus_id = g_dbus_connection_register_object (connection, "/org/freedesktop/DBus",
                                              control->bus_info->interfaces[0], &bus_vtable,
                                              control, NULL, NULL);
  g_object_set_data (G_OBJECT (connection), "control-bus-id", GUINT_TO_POINTER (bus_id));
  g_ptr_array_add (control->connections, g_object_ref (connection));
  g_signal_connect (connection, "closed", G_CALLBACK (control_connection_closed), control);
  return TRUE;
}

void
control_complete (GDBusMethodInvocation *invocation, int ret, const char *what)
{
  if (ret == 0)
    g_dbus_method_invocation_return_value (invocation, NULL);
  else
    g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR,
                                           ret == -ENOTSUP || ret == -ENOSYS ?
                                           G_DBUS_ERROR_NOT_SUPPORTED : G_DBUS_ERROR_FAILED,
                                           "Cannot %s: %s", what, g_strerror (-ret));
}

void
control_return_error (GDBusMethodInvocation *invocation, int ret, const char *why,
                      const char *missing)
{
  if (ret == -ENOTSUP)
    g_dbus_method_invocation_return_error_literal (invocation, G_DBUS_ERROR,
                                                   G_DBUS_ERROR_NOT_SUPPORTED, missing);
  else
    g_dbus_method_invocation_return_error_literal (invocation, G_DBUS_ERROR, G_DBUS_ERROR_FAILED,
                                                   why ? why : g_strerror (-ret));
}

/* Runs a callback and completes the call with its result. */
static gboolean
control_dispatch (struct control *control, int (*fn) (void *), const char *what,
                  GDBusMethodInvocation *invocation)
{
  g_autofree char *text = g_strdup_printf ("%s the virtual machine", what);

  control_complete (invocation, fn ? fn (control->opaque) : -ENOTSUP, text);
  return TRUE;  /* handled */
}

static gboolean
on_power_button (TerrariumVmm1 *skeleton, GDBusMethodInvocation *invocation, gpointer data)
{
  struct control *control = data;
  return control_dispatch (control, control->callbacks.power_button, "shut down", invocation);
}

static gboolean
on_reset (TerrariumVmm1 *skeleton, GDBusMethodInvocation *invocation, gpointer data)
{
  struct control *control = data;
  return control_dispatch (control, control->callbacks.reset, "reset", invocation);
}

static gboolean
on_force_off (TerrariumVmm1 *skeleton, GDBusMethodInvocation *invocation, gpointer data)
{
  struct control *control = data;
  return control_dispatch (control, control->callbacks.force_off, "turn off", invocation);
}

static gboolean
on_pause (TerrariumVmm1 *skeleton, GDBusMethodInvocation *invocation, gpointer data)
{
  struct control *control = data;
  return control_dispatch (control, control->callbacks.pause, "pause", invocation);
}

static gboolean
on_resume (TerrariumVmm1 *skeleton, GDBusMethodInvocation *invocation, gpointer data)
{
  struct control *control = data;
  return control_dispatch (control, control->callbacks.resume, "resume", invocation);
}

int
control_new (const char *socket_path, const struct control_callbacks *callbacks, void *opaque,
             struct control **out, char **why)
{
  g_autofree char *escaped = NULL;
  g_autofree char *address = NULL;
  g_autofree char *guid = NULL;
  g_autoptr (GError) error = NULL;
  struct control *control;
  int ret;

  *out = NULL;
  *why = NULL;
  ret = control_claim_path (socket_path, why);
  if (ret < 0)
    {
      if (!*why)
        *why = g_strdup_printf ("control socket %s: %s", socket_path, g_strerror (-ret));
      return ret;
    }

  control = g_new0 (struct control, 1);
  control->socket_path = g_strdup (socket_path);
  control->callbacks = *callbacks;
  control->opaque = opaque;
  control->connections = g_ptr_array_new_with_free_func (g_object_unref);

  control->bus_info = g_dbus_node_info_new_for_xml (bus_xml, NULL);
  control->skeleton = terrarium_vmm1_skeleton_new ();
  terrarium_vmm1_set_state (control->skeleton, "created");
  g_signal_connect (control->skeleton, "handle-power-button", G_CALLBACK (on_power_button), control);
  g_signal_connect (control->skeleton, "handle-reset", G_CALLBACK (on_reset), control);
  g_signal_connect (control->skeleton, "handle-force-off", G_CALLBACK (on_force_off), control);
  g_signal_connect (control->skeleton, "handle-pause", G_CALLBACK (on_pause), control);
  g_signal_connect (control->skeleton, "handle-resume", G_CALLBACK (on_resume), control);
  control_display_connect (control);
  control_spice_connect (control);
  control_net_connect (control);
  control_cdrom_connect (control);
  control_audio_connect (control);
  control_surface_connect (control);

  control->observer = g_dbus_auth_observer_new ();
  g_signal_connect (control->observer, "allow-mechanism", G_CALLBACK (control_allow_mechanism), NULL);
  g_signal_connect (control->observer, "authorize-authenticated-peer",
                    G_CALLBACK (control_authorize_peer), NULL);

  escaped = g_dbus_address_escape_value (socket_path);
  address = g_strconcat ("unix:path=", escaped, NULL);
  guid = g_dbus_generate_guid ();
  control->server = g_dbus_server_new_sync (address, G_DBUS_SERVER_FLAGS_NONE, guid,
                                            control->observer, NULL, &error);
  if (!control->server)
    {
      *why = g_strdup_printf ("control socket %s: %s", socket_path, error->message);
      ret = error->domain == G_IO_ERROR && error->code == G_IO_ERROR_ADDRESS_IN_USE ?
            -EADDRINUSE : -EIO;
      control_free (control);
      return ret;
    }
  /* The uid check is what keeps others out; the mode says so to onlookers. */
  if (chmod (socket_path, 0600) < 0)
    {
      ret = -errno;
      *why = g_strdup_printf ("control socket %s: chmod: %s", socket_path, g_strerror (-ret));
      control_free (control);
      return ret;
    }
  g_signal_connect (control->server, "new-connection", G_CALLBACK (control_new_connection), control);
  g_dbus_server_start (control->server);
  *out = control;
  return 0;
}

void
control_free (struct control *control)
{
  if (!control)
    return;
  control_detach_display (control);
  if (control->server)
    {
      g_dbus_server_stop (control->server);
      g_signal_handlers_disconnect_by_data (control->server, control);
    }
  while (control->connections && control->connections->len)
    {
      GDBusConnection *connection = g_object_ref (control->connections->pdata[0]);

      control_connection_closed (connection, FALSE, NULL, control);
      g_dbus_connection_close (connection, NULL, NULL, NULL);
      g_object_unref (connection);
    }
  g_clear_pointer (&control->connections, g_ptr_array_unref);
  if (control->skeleton)
    g_signal_handlers_disconnect_by_data (control->skeleton, control);
  g_clear_object (&control->skeleton);
  if (control->server)
    {
      g_clear_object (&control->server);
      /* Only a socket we created: on a failed start the path is someone else's. */
      if (unlink (control->socket_path) < 0 && errno != ENOENT)
        vmm_error ("control: cannot remove %s: %s", control->socket_path, g_strerror (errno));
    }
  g_clear_object (&control->observer);
  g_clear_pointer (&control->bus_info, g_dbus_node_info_unref);
  g_free (control->socket_path);
  g_free (control);
}

void
control_set_state (struct control *control, const char *state)
{
  if (g_strcmp0 (terrarium_vmm1_get_state (control->skeleton), state) == 0)
    return;
  terrarium_vmm1_set_state (control->skeleton, state);
  /* The property change goes out from an idle; flush it now so clients see
   * PropertiesChanged and StateChanged in the same order as the changes. */
  g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (control->skeleton));
  terrarium_vmm1_emit_state_changed (control->skeleton, state);
}

const char *
control_get_state (struct control *control)
{
  return terrarium_vmm1_get_state (control->skeleton);
}
