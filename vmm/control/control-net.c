/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The control interface's network methods: the guest's link and forwards. */
#define G_LOG_DOMAIN "control"

#include "config.h"

#include <errno.h>

#include "control-private.h"

static void
control_net_error (GDBusMethodInvocation *invocation, int ret)
{
  control_return_error (invocation, ret, NULL, "The virtual machine has no network card");
}

static gboolean
on_set_link (TerrariumVmm1 *skeleton, GDBusMethodInvocation *invocation, gboolean up,
             gpointer data)
{
  struct control *control = data;
  int ret = control->callbacks.net_set_link ?
            control->callbacks.net_set_link (control->opaque, up) : -ENOTSUP;

  if (ret < 0)
    control_net_error (invocation, ret);
  else
    terrarium_vmm1_complete_set_link (skeleton, invocation);
  return TRUE;
}

static gboolean
on_get_link (TerrariumVmm1 *skeleton, GDBusMethodInvocation *invocation, gpointer data)
{
  struct control *control = data;
  bool up = false;
  int ret = control->callbacks.net_get_link ?
            control->callbacks.net_get_link (control->opaque, &up) : -ENOTSUP;

  if (ret < 0)
    control_net_error (invocation, ret);
  else
    terrarium_vmm1_complete_get_link (skeleton, invocation, up);
  return TRUE;
}

static gboolean
on_list_forwards (TerrariumVmm1 *skeleton, GDBusMethodInvocation *invocation, gpointer data)
{
  struct control *control = data;
  g_auto (GStrv) specs = NULL;
  int ret = control->callbacks.net_list_forwards ?
            control->callbacks.net_list_forwards (control->opaque, &specs) : -ENOTSUP;

  if (ret < 0)
    control_net_error (invocation, ret);
  else
    terrarium_vmm1_complete_list_forwards (skeleton, invocation,
                                           (const char *const *) specs);
  return TRUE;
}

void
control_net_connect (struct control *control)
{
  g_signal_connect (control->skeleton, "handle-set-link", G_CALLBACK (on_set_link), control);
  g_signal_connect (control->skeleton, "handle-get-link", G_CALLBACK (on_get_link), control);
  g_signal_connect (control->skeleton, "handle-list-forwards", G_CALLBACK (on_list_forwards),
                    control);
}
