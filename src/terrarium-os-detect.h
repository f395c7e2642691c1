/* terrarium-os-detect.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Where Debian's ovmf package puts the UEFI firmware the VMM loads. */
#define TERRARIUM_OVMF_CODE_PATH "/usr/share/OVMF/OVMF_CODE_4M.fd"

#define TERRARIUM_TYPE_OS_INFO (terrarium_os_info_get_type ())

G_DECLARE_FINAL_TYPE (TerrariumOsInfo, terrarium_os_info, TERRARIUM, OS_INFO, GObject)

/* What an installer ISO is, as far as osinfo-db knows, and what it needs. An
 * unknown OS has is_known FALSE, the name "Unknown operating system" and
 * defaults that suit most installers. Sizes in bytes. */
const char *terrarium_os_info_get_path               (TerrariumOsInfo *self);
gboolean    terrarium_os_info_is_known               (TerrariumOsInfo *self);
const char *terrarium_os_info_get_name               (TerrariumOsInfo *self);
/* NULL when unknown. */
const char *terrarium_os_info_get_version            (TerrariumOsInfo *self);
const char *terrarium_os_info_get_short_id           (TerrariumOsInfo *self);
const char *terrarium_os_info_get_logo               (TerrariumOsInfo *self);
/* The ISO's volume ID ("Debian 11.6.0 amd64 1"), or NULL. */
const char *terrarium_os_info_get_volume_id          (TerrariumOsInfo *self);
/* The OS boots only with UEFI (BIOS is marked unsupported). */
gboolean    terrarium_os_info_needs_uefi             (TerrariumOsInfo *self);
/* The OS cannot boot with UEFI (UEFI is marked unsupported). */
gboolean    terrarium_os_info_needs_bios             (TerrariumOsInfo *self);
guint64     terrarium_os_info_get_minimum_memory     (TerrariumOsInfo *self);
guint64     terrarium_os_info_get_recommended_memory (TerrariumOsInfo *self);
guint64     terrarium_os_info_get_minimum_storage    (TerrariumOsInfo *self);
guint64     terrarium_os_info_get_recommended_storage (TerrariumOsInfo *self);
guint       terrarium_os_info_get_minimum_cpus       (TerrariumOsInfo *self);
guint       terrarium_os_info_get_recommended_cpus   (TerrariumOsInfo *self);
/* TRUE: UEFI, FALSE: BIOS. UEFI unless the OS cannot use it or OVMF
 * (TERRARIUM_OVMF_CODE_PATH) is not installed while the OS can do without. */
gboolean    terrarium_os_info_prefers_uefi           (TerrariumOsInfo *self);

/* Whether OVMF is installed. TERRARIUM_OVMF_CODE overrides the path (tests). */
gboolean    terrarium_os_detect_have_ovmf            (void);

/* Identifies the OS on the ISO at @path in a worker thread (the osinfo
 * database is loaded once, on first use). Fails with a message for people
 * when the file is empty, unreadable, or not a bootable CD/DVD image. */
void             terrarium_os_detect_async  (const char           *path,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
TerrariumOsInfo *terrarium_os_detect_finish (GAsyncResult         *result,
                                             GError              **error);

G_END_DECLS
