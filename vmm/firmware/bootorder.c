/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "firmware"

#include "config.h"

#include "bootorder.h"

#include <glib.h>

char *
bootorder_build (const enum machine_boot_device *order, unsigned n,
                 const struct bootorder_devices *devs, size_t *len)
{
  GString *s = g_string_new (NULL);

  for (unsigned i = 0; i < n; i++)
    switch (order[i])
      {
      case MACHINE_BOOT_CDROM:
        if (devs->cdrom)
          g_string_append (s, BOOTORDER_AHCI_CDROM "\n");
        break;
      case MACHINE_BOOT_DISK:
        for (unsigned d = 0; d < devs->n_disks; d++)
          g_string_append_printf (s, "/pci@i0cf8/scsi@%x/disk@0,0\n", devs->disk_slot[d]);
        break;
      case MACHINE_BOOT_NET:
        if (devs->net)
          g_string_append_printf (s, "/pci@i0cf8/ethernet@%x\n", devs->net_slot);
        break;
      default:
        break;
      }
  g_string_append (s, "HALT");
  *len = s->len + 1;
  return g_string_free (s, FALSE);
}
