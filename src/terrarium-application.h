/* terrarium-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TERRARIUM_TYPE_APPLICATION (terrarium_application_get_type ())

G_DECLARE_FINAL_TYPE (TerrariumApplication, terrarium_application, TERRARIUM, APPLICATION, AdwApplication)

TerrariumApplication *terrarium_application_new (void);

G_END_DECLS
