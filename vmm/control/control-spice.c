/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The control interface's SPICE methods and signals. */
#define G_LOG_DOMAIN "control"

#include "config.h"

#include <errno.h>

#include "control-private.h"

/* Answers with the callback's reason, which already says what to do. */
static void
control_spice_complete (GDBusMethodInvocation *invocation, int ret, char *why, GVariant *value)
{
  if (ret == 0)
    g_dbus_method_invocation_return_value (invocation, value);
  else
    {
      if (value)
        g_variant_unref (g_variant_ref_sink (value));
      g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR,
                                             ret == -ENOTSUP ? G_DBUS_ERROR_NOT_SUPPORTED
                                                             : G_DBUS_ERROR_FAILED,
                                             "%s", why ? why : g_strerror (-ret));
    }
  g_free (why);
}

static gboolean
on_start_spice (TerrariumVmm1 *skeleton, GDBusMethodInvocation *invocation, gpointer data)
{
  struct control *control = data;
  char *why = NULL;
  int ret = control->callbacks.spice_start ?
            control->callbacks.spice_start (control->opaque, &why) : -ENOTSUP;

  control_spice_complete (invocation, ret, why, NULL);
  return TRUE;
}

static gboolean
on_stop_spice (TerrariumVmm1 *skeleton, GDBusMethodInvocation *invocation, gpointer data)
{
  struct control *control = data;
  char *why = NULL;
  int ret = control->callbacks.spice_stop ?
            control->callbacks.spice_stop (control->opaque, &why) : -ENOTSUP;

  control_spice_complete (invocation, ret, why, NULL);
  return TRUE;
}

static gboolean
on_set_spice_password (TerrariumVmm1 *skeleton, GDBusMethodInvocation *invocation,
                       const char *password, gpointer data)
{
  struct control *control = data;
  char *why = NULL;
  int ret = control->callbacks.spice_set_password ?
            control->callbacks.spice_set_password (control->opaque, password, &why) : -ENOTSUP;

  control_spice_complete (invocation, ret, why, NULL);
  return TRUE;
}

static gboolean
on_get_spice_connection_file (TerrariumVmm1 *skeleton, GDBusMethodInvocation *invocation,
                              gpointer data)
{
  struct control *control = data;
  g_autofree char *contents = NULL;
  char *why = NULL;
  int ret = control->callbacks.spice_connection_file ?
            control->callbacks.spice_connection_file (control->opaque, &contents, &why) :
            -ENOTSUP;

  control_spice_complete (invocation, ret, why,
                          ret == 0 ? g_variant_new ("(s)", contents ? contents : "") : NULL);
  return TRUE;
}

void
control_spice_connect (struct control *control)
{
  g_signal_connect (control->skeleton, "handle-start-spice", G_CALLBACK (on_start_spice), control);
  g_signal_connect (control->skeleton, "handle-stop-spice", G_CALLBACK (on_stop_spice), control);
  g_signal_connect (control->skeleton, "handle-set-spice-password",
                    G_CALLBACK (on_set_spice_password), control);
  g_signal_connect (control->skeleton, "handle-get-spice-connection-file",
                    G_CALLBACK (on_get_spice_connection_file), control);
}

void
control_spice_client_event (struct control *control, bool connected, const char *address)
{
  if (!control)
    return;
  if (connected)
    terrarium_vmm1_emit_spice_client_connected (control->skeleton, address);
  else
    terrarium_vmm1_emit_spice_client_disconnected (control->skeleton, address);
}
