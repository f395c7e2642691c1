/* terrarium-vm-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "terrarium-vm-process.h"

G_BEGIN_DECLS

#define TERRARIUM_TYPE_VM_WINDOW (terrarium_vm_window_get_type ())

G_DECLARE_FINAL_TYPE (TerrariumVmWindow, terrarium_vm_window, TERRARIUM, VM_WINDOW, AdwApplicationWindow)

/* A running machine's window: its display, and the buttons of a computer. */
TerrariumVmWindow  *terrarium_vm_window_new         (GtkApplication     *application,
                                                     TerrariumVmProcess *process);
TerrariumVmProcess *terrarium_vm_window_get_process (TerrariumVmWindow  *self);

G_END_DECLS
