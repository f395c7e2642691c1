/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The control interface's CD-ROM methods: eject, change and query the disc. */
#define G_LOG_DOMAIN "control"

#include "config.h"

#include <errno.h>

#include "control-private.h"

static void
control_cdrom_error (GDBusMethodInvocation *invocation, int ret, const char *why)
{
  control_return_error (invocation, ret, why, "The virtual machine has no CD-ROM drive");
}

static int
control_cdrom_change (struct control *control, const char *path, char **why)
{
  if (!control->callbacks.cdrom_change_media)
    return -ENOTSUP;
  return control->callbacks.cdrom_change_media (control->opaque, path, why);
}

static gboolean
on_eject_media (TerrariumVmm1 *skeleton, GDBusMethodInvocation *invocation, gpointer data)
{
  g_autofree char *why = NULL;
  int ret = control_cdrom_change (data, NULL, &why);

  if (ret < 0)
    control_cdrom_error (invocation, ret, why);
  else
    terrarium_vmm1_complete_eject_media (skeleton, invocation);
  return TRUE;
}

static gboolean
on_change_media (TerrariumVmm1 *skeleton, GDBusMethodInvocation *invocation, const char *path,
                 gpointer data)
{
  g_autofree char *why = NULL;
  int ret = control_cdrom_change (data, path, &why);

  if (ret < 0)
    control_cdrom_error (invocation, ret, why);
  else
    terrarium_vmm1_complete_change_media (skeleton, invocation);
  return TRUE;
}

static gboolean
on_get_media (TerrariumVmm1 *skeleton, GDBusMethodInvocation *invocation, gpointer data)
{
  struct control *control = data;
  g_autofree char *path = NULL;
  int ret = control->callbacks.cdrom_get_media ?
            control->callbacks.cdrom_get_media (control->opaque, &path) : -ENOTSUP;

  if (ret < 0)
    control_cdrom_error (invocation, ret, NULL);
  else
    terrarium_vmm1_complete_get_media (skeleton, invocation, path ? path : "");
  return TRUE;
}

void
control_cdrom_connect (struct control *control)
{
  g_signal_connect (control->skeleton, "handle-eject-media", G_CALLBACK (on_eject_media),
                    control);
  g_signal_connect (control->skeleton, "handle-change-media", G_CALLBACK (on_change_media),
                    control);
  g_signal_connect (control->skeleton, "handle-get-media", G_CALLBACK (on_get_media), control);
}
