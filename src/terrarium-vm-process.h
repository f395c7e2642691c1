/* terrarium-vm-process.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "terrarium-machine.h"
#include "terrarium-vmm-proxy.h"

G_BEGIN_DECLS

#define TERRARIUM_TYPE_VM_PROCESS (terrarium_vm_process_get_type ())

G_DECLARE_FINAL_TYPE (TerrariumVmProcess, terrarium_vm_process, TERRARIUM, VM_PROCESS, GObject)

/* One machine's terrarium-vmm: spawns it, connects to its control socket and
 * keeps the machine's state in sync with the process. Can be started again
 * after it stopped. */
TerrariumVmProcess *terrarium_vm_process_new          (TerrariumMachine   *machine);
TerrariumMachine   *terrarium_vm_process_get_machine  (TerrariumVmProcess *self);
gboolean            terrarium_vm_process_start        (TerrariumVmProcess *self,
                                                       GError            **error);
/* Takes over the VMM an earlier session of the app left running, if its
 * control socket answers; nothing happens otherwise. */
void                terrarium_vm_process_attach       (TerrariumVmProcess *self);
/* Whether the process is alive (from start until it exits). */
gboolean            terrarium_vm_process_is_running   (TerrariumVmProcess *self);
/* The control interface, NULL until connected and after the process ended. */
TerrariumVmm1      *terrarium_vm_process_get_proxy    (TerrariumVmProcess *self);
/* Why the last run ended unexpectedly, or NULL; and the end of its vmm.log. */
const char         *terrarium_vm_process_get_failure  (TerrariumVmProcess *self);
const char         *terrarium_vm_process_get_failure_log (TerrariumVmProcess *self);

void                terrarium_vm_process_power_button (TerrariumVmProcess *self);
void                terrarium_vm_process_force_off    (TerrariumVmProcess *self);
void                terrarium_vm_process_pause        (TerrariumVmProcess *self);
void                terrarium_vm_process_resume       (TerrariumVmProcess *self);
void                terrarium_vm_process_reset        (TerrariumVmProcess *self);
/* Sends what is queued for the VMM now: for a request made just before the
 * app exits. */
void                terrarium_vm_process_flush        (TerrariumVmProcess *self);

/* Pieces without a process, for tests. */
char               *terrarium_vm_process_socket_path  (const char *runtime_dir,
                                                       const char *id);
char               *terrarium_vm_process_find_vmm     (void);
/* The last @n_lines lines of the file at @path ("" when it is empty or
 * unreadable). */
char               *terrarium_vm_process_log_tail     (const char *path,
                                                       guint       n_lines);
/* What a wait status (as g_subprocess_get_status() gives) means, or NULL for
 * a normal end. @forced: the app asked for ForceOff. */
char               *terrarium_vm_process_exit_reason  (int         wait_status,
                                                       gboolean    forced);

G_END_DECLS
