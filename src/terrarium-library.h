/* terrarium-library.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "terrarium-machine.h"

G_BEGIN_DECLS

#define TERRARIUM_TYPE_LIBRARY (terrarium_library_get_type ())

G_DECLARE_FINAL_TYPE (TerrariumLibrary, terrarium_library, TERRARIUM, LIBRARY, GObject)

/* What the create dialog (direct kernel boot) or the install wizard
 * (firmware booting an ISO) asks for. */
typedef struct {
  const char *name;
  guint64     memory;      /* bytes */
  guint       cpus;
  guint64     disk_size;   /* bytes; 0: no disk */
  const char *kernel;      /* firmware LINUX only */
  const char *initrd;      /* NULL: none */
  const char *cmdline;     /* NULL: empty */
  /* LINUX (0) boots @kernel; BIOS and UEFI boot the CD-ROM, then the disk.
   * UEFI machines get their own variable store in their folder. */
  enum machine_firmware firmware;
  const char *cdrom;       /* the ISO in a CD-ROM drive; NULL: no drive */
} TerrariumMachineSpec;

/* The per-machine OVMF variable store, in the machine's folder. */
#define TERRARIUM_MACHINE_UEFI_VARS_FILE "uefi-vars.fd"

/* The machines in @root, one folder each (default:
 * $XDG_DATA_HOME/terrarium/machines when @root is NULL), sorted by name. A
 * GListModel of TerrariumMachine. */
TerrariumLibrary *terrarium_library_new           (const char        *root);
const char       *terrarium_library_get_root      (TerrariumLibrary  *self);
/* (Re)reads every folder; a folder that cannot be read becomes a broken
 * machine, it never hides the others. Fails only if @root cannot be made. */
gboolean          terrarium_library_load          (TerrariumLibrary  *self,
                                                   GError           **error);
TerrariumMachine *terrarium_library_find          (TerrariumLibrary  *self,
                                                   const char        *id);

/* Checks @spec against the limits of this host (memory, CPUs, free disk
 * space under the library). */
gboolean          terrarium_library_validate_spec (TerrariumLibrary            *self,
                                                   const TerrariumMachineSpec  *spec,
                                                   GError                     **error);

/* Makes the folder, the disk image (sparse) and machine.ini, then adds the
 * machine. @progress (0..1) is reported on the caller's main context. Nothing
 * is left behind on failure. */
typedef void (*TerrariumProgressFunc) (double fraction, gpointer user_data);
void              terrarium_library_create_async  (TerrariumLibrary            *self,
                                                   const TerrariumMachineSpec  *spec,
                                                   TerrariumProgressFunc        progress,
                                                   gpointer                     progress_data,
                                                   GCancellable                *cancellable,
                                                   GAsyncReadyCallback          callback,
                                                   gpointer                     user_data);
TerrariumMachine *terrarium_library_create_finish (TerrariumLibrary  *self,
                                                   GAsyncResult      *result,
                                                   GError           **error);

/* Removes the machine's folder. With @keep_disks, its disk images are first
 * moved to "kept-disks" beside the library's root; *kept_folder says where. */
gboolean          terrarium_library_delete        (TerrariumLibrary  *self,
                                                   TerrariumMachine  *machine,
                                                   gboolean           keep_disks,
                                                   char             **kept_folder,
                                                   GError           **error);

G_END_DECLS
