/* terrarium-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "terrarium-library.h"
#include "terrarium-vm-process.h"

G_BEGIN_DECLS

#define TERRARIUM_TYPE_APPLICATION (terrarium_application_get_type ())

G_DECLARE_FINAL_TYPE (TerrariumApplication, terrarium_application, TERRARIUM, APPLICATION, AdwApplication)

TerrariumApplication *terrarium_application_new (void);
/* The machines: loaded at startup, shared by every window. */
TerrariumLibrary     *terrarium_application_get_library (TerrariumApplication *self);
/* Why the library folder could not be read, or NULL. */
const GError         *terrarium_application_get_library_error (TerrariumApplication *self);

/* The machine's process object (one per machine, kept across runs). */
TerrariumVmProcess   *terrarium_application_get_process (TerrariumApplication *self,
                                                         TerrariumMachine     *machine);
/* Starts the machine and opens its window. */
gboolean              terrarium_application_run_machine (TerrariumApplication *self,
                                                         TerrariumMachine     *machine,
                                                         GError              **error);
/* Presents the window of a running machine, opening it again if it was
 * closed while the machine kept running. */
void                  terrarium_application_show_machine (TerrariumApplication *self,
                                                          TerrariumMachine     *machine);
/* Whether machines run (in windows or in the background). */
gboolean              terrarium_application_has_running (TerrariumApplication *self);
/* Asks what to do with running machines, then quits; quits at once when
 * none runs. */
void                  terrarium_application_request_quit (TerrariumApplication *self);
/* True once the user chose how to quit: windows then close without asking. */
gboolean              terrarium_application_is_quitting (TerrariumApplication *self);

G_END_DECLS
