/* terrarium-machine-tile.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "terrarium-machine.h"

G_BEGIN_DECLS

#define TERRARIUM_TYPE_MACHINE_TILE (terrarium_machine_tile_get_type ())

G_DECLARE_FINAL_TYPE (TerrariumMachineTile, terrarium_machine_tile, TERRARIUM, MACHINE_TILE, GtkWidget)

GtkWidget        *terrarium_machine_tile_new         (void);
TerrariumMachine *terrarium_machine_tile_get_machine (TerrariumMachineTile *self);
void              terrarium_machine_tile_set_machine (TerrariumMachineTile *self,
                                                      TerrariumMachine     *machine);

G_END_DECLS
