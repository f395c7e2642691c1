/* terrarium-machine-dialog.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "terrarium-library.h"

G_BEGIN_DECLS

#define TERRARIUM_TYPE_MACHINE_DIALOG (terrarium_machine_dialog_get_type ())

G_DECLARE_FINAL_TYPE (TerrariumMachineDialog, terrarium_machine_dialog, TERRARIUM, MACHINE_DIALOG, AdwWindow)

/* Creates a machine in @library. */
GtkWidget *terrarium_machine_dialog_new_create (GtkWindow        *parent,
                                                TerrariumLibrary *library);
/* Changes @machine's settings (it must be stopped). */
GtkWidget *terrarium_machine_dialog_new_edit   (GtkWindow        *parent,
                                                TerrariumLibrary *library,
                                                TerrariumMachine *machine);

G_END_DECLS
