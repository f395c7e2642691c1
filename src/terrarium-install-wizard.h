/* terrarium-install-wizard.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "terrarium-library.h"

G_BEGIN_DECLS

#define TERRARIUM_TYPE_INSTALL_WIZARD (terrarium_install_wizard_get_type ())

G_DECLARE_FINAL_TYPE (TerrariumInstallWizard, terrarium_install_wizard, TERRARIUM, INSTALL_WIZARD, AdwWindow)

/* Creates a machine in @library that boots an installer ISO with BIOS or UEFI
 * firmware: Source, Resources, Review. Emits "machine-created" once the
 * machine is in the library (the caller starts it), then closes. */
GtkWidget *terrarium_install_wizard_new      (GtkWindow              *parent,
                                              TerrariumLibrary       *library);
/* Starts over on page 1 with @file (a dropped or opened ISO). */
void       terrarium_install_wizard_set_file (TerrariumInstallWizard *self,
                                              GFile                  *file);

G_END_DECLS
