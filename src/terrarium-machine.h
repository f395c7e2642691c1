/* terrarium-machine.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "machine-config.h"

G_BEGIN_DECLS

typedef enum {
  TERRARIUM_MACHINE_STATE_STOPPED,
  TERRARIUM_MACHINE_STATE_RUNNING,
  TERRARIUM_MACHINE_STATE_PAUSED,
  /* machine.ini is missing, unreadable or invalid: see broken-reason */
  TERRARIUM_MACHINE_STATE_BROKEN,
} TerrariumMachineState;

GType terrarium_machine_state_get_type (void);
#define TERRARIUM_TYPE_MACHINE_STATE (terrarium_machine_state_get_type ())

#define TERRARIUM_MACHINE_CONFIG_FILE "machine.ini"
#define TERRARIUM_MACHINE_THUMBNAIL_FILE "thumbnail.png"

#define TERRARIUM_TYPE_MACHINE (terrarium_machine_get_type ())

G_DECLARE_FINAL_TYPE (TerrariumMachine, terrarium_machine, TERRARIUM, MACHINE, GObject)

/* Reads @folder/machine.ini. Never fails: a machine whose file cannot be
 * used is returned in the BROKEN state with the reason, so that it can still
 * be listed and removed. */
TerrariumMachine      *terrarium_machine_load              (const char        *folder);

const char            *terrarium_machine_get_id            (TerrariumMachine  *self);
const char            *terrarium_machine_get_folder        (TerrariumMachine  *self);
const char            *terrarium_machine_get_config_path   (TerrariumMachine  *self);
const char            *terrarium_machine_get_name          (TerrariumMachine  *self);
TerrariumMachineState  terrarium_machine_get_state         (TerrariumMachine  *self);
void                   terrarium_machine_set_state         (TerrariumMachine  *self,
                                                            TerrariumMachineState state);
const char            *terrarium_machine_get_broken_reason (TerrariumMachine  *self);
guint64                terrarium_machine_get_memory        (TerrariumMachine  *self);
guint                  terrarium_machine_get_cpus          (TerrariumMachine  *self);
/* Size in bytes of the first disk image as a file (its virtual size), or 0. */
guint64                terrarium_machine_get_disk_size     (TerrariumMachine  *self);
GFile                 *terrarium_machine_get_thumbnail     (TerrariumMachine  *self);
/* The running machine's thumbnail file was rewritten: notifies "thumbnail"
 * (the GFile stays the same, so viewers must load it again). */
void                   terrarium_machine_thumbnail_changed (TerrariumMachine  *self);
/* "2 GiB · 2 CPUs · 20 GiB disk": what the library grid shows. */
char                  *terrarium_machine_describe          (TerrariumMachine  *self);

/* The parsed configuration, NULL while broken. Changes take effect (and
 * notify) through terrarium_machine_update(). */
const struct machine_config *terrarium_machine_get_config  (TerrariumMachine  *self);

/* Applies @edit to a copy of the configuration, validates and saves it
 * atomically; on failure nothing changes, on disk or in memory. */
typedef gboolean (*TerrariumMachineEdit) (struct machine_config *cfg,
                                          gpointer               user_data,
                                          GError               **error);
gboolean               terrarium_machine_update            (TerrariumMachine     *self,
                                                            TerrariumMachineEdit  edit,
                                                            gpointer              user_data,
                                                            GError              **error);
gboolean               terrarium_machine_rename            (TerrariumMachine  *self,
                                                            const char        *name,
                                                            GError           **error);

G_END_DECLS
