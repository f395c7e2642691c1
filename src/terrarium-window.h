/* terrarium-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "terrarium-application.h"

G_BEGIN_DECLS

#define TERRARIUM_TYPE_WINDOW (terrarium_window_get_type ())

G_DECLARE_FINAL_TYPE (TerrariumWindow, terrarium_window, TERRARIUM, WINDOW, AdwApplicationWindow)

TerrariumWindow *terrarium_window_new      (TerrariumApplication *application);
/* Opens the install wizard on @file (an installer ISO). */
void             terrarium_window_open_iso (TerrariumWindow      *self,
                                            GFile                *file);

G_END_DECLS
