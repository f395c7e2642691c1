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
};

/* Answers @invocation from a callback's result: nothing, or a D-Bus error
 * saying "Cannot @what: ...". */
void control_complete (GDBusMethodInvocation *invocation, int ret, const char *what);

/* Connects the display and input methods (control-display.c). */
void control_display_connect (struct control *control);
