/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The control interface's sound methods: volume and mute on this computer. */
#define G_LOG_DOMAIN "control"

#include "config.h"

#include <errno.h>

#include "control-private.h"

static void
control_audio_error (GDBusMethodInvocation *invocation, int ret)
{
  control_return_error (invocation, ret, NULL, "The virtual machine has no sound card");
}

static gboolean
on_set_volume (TerrariumVmm1 *skeleton, GDBusMethodInvocation *invocation, gdouble volume,
               gpointer data)
{
  struct control *control = data;
  int ret = control->callbacks.audio_set_volume ?
            control->callbacks.audio_set_volume (control->opaque, volume) : -ENOTSUP;

  if (ret < 0)
    control_audio_error (invocation, ret);
  else
    terrarium_vmm1_complete_set_volume (skeleton, invocation);
  return TRUE;
}

static gboolean
on_get_volume (TerrariumVmm1 *skeleton, GDBusMethodInvocation *invocation, gpointer data)
{
  struct control *control = data;
  double volume = 0.0;
  int ret = control->callbacks.audio_get_volume ?
            control->callbacks.audio_get_volume (control->opaque, &volume) : -ENOTSUP;

  if (ret < 0)
    control_audio_error (invocation, ret);
  else
    terrarium_vmm1_complete_get_volume (skeleton, invocation, volume);
  return TRUE;
}

static gboolean
on_set_mute (TerrariumVmm1 *skeleton, GDBusMethodInvocation *invocation, gboolean mute,
             gpointer data)
{
  struct control *control = data;
  int ret = control->callbacks.audio_set_mute ?
            control->callbacks.audio_set_mute (control->opaque, mute) : -ENOTSUP;

  if (ret < 0)
    control_audio_error (invocation, ret);
  else
    terrarium_vmm1_complete_set_mute (skeleton, invocation);
  return TRUE;
}

static gboolean
on_get_mute (TerrariumVmm1 *skeleton, GDBusMethodInvocation *invocation, gpointer data)
{
  struct control *control = data;
  bool mute = false;
  int ret = control->callbacks.audio_get_mute ?
            control->callbacks.audio_get_mute (control->opaque, &mute) : -ENOTSUP;

  if (ret < 0)
    control_audio_error (invocation, ret);
  else
    terrarium_vmm1_complete_get_mute (skeleton, invocation, mute);
  return TRUE;
}

void
control_audio_connect (struct control *control)
{
  g_signal_connect (control->skeleton, "handle-set-volume", G_CALLBACK (on_set_volume), control);
  g_signal_connect (control->skeleton, "handle-get-volume", G_CALLBACK (on_get_volume), control);
  g_signal_connect (control->skeleton, "handle-set-mute", G_CALLBACK (on_set_mute), control);
  g_signal_connect (control->skeleton, "handle-get-mute", G_CALLBACK (on_get_mute), control);
}
