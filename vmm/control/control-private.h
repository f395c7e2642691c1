/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "control.h"
#include "control/terrarium-vmm-dbus.h"

struct control {
  char *socket_path;
  struct control_callbacks callbacks;
  void *opaque;
  GDBusServer *server;
  GDBusAuthObserver *observer;
  TerrariumVmm1 *skeleton;
  GPtrArray *connections;  /* GDBusConnection, each with the skeleton exported */
  GDBusNodeInfo *bus_info;
  unsigned next_peer;
  /* Display sharing (control-surface.c); NULL until control_attach_display(). */
  struct display *display;
  struct display_consumer *surface_consumer;
  GSource *surface_source;
  gint64 surface_last;
};

/* Answers @invocation from a callback's result: nothing, or a D-Bus error
 * saying "Cannot @what: ...". */
void control_complete (GDBusMethodInvocation *invocation, int ret, const char *what);
/* Answers @invocation with the D-Bus error for a callback's negative @ret:
 * -ENOTSUP is NotSupported with @missing (which device the VM lacks), any
 * other is Failed with @why, or errno's text when there is no reason. */
void control_return_error (GDBusMethodInvocation *invocation, int ret, const char *why,
                           const char *missing);

/* Connects the display and input methods (control-display.c). */
void control_display_connect (struct control *control);
/* Connects GetSurface (control-surface.c). */
void control_surface_connect (struct control *control);
/* Connects the SPICE methods (control-spice.c). */
void control_spice_connect (struct control *control);
/* Connects the network methods (control-net.c). */
void control_net_connect (struct control *control);
/* Connects the volume and mute methods (control-audio.c). */
void control_audio_connect (struct control *control);
/* Connects the CD-ROM methods (control-cdrom.c). */
void control_cdrom_connect (struct control *control);
