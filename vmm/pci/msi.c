/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "msi"

#include "config.h"

#include "msi.h"

#include <errno.h>
#include <glib.h>
#include <string.h>

#include "log.h"

#define PCI_CAP_ID_MSI     0x05
/* Header, control, 64-bit address, data (no per-vector masking). */
#define MSI_CAP_SIZE       14
#define MSI_CTRL           2
#define MSI_ADDR_LO        4
#define MSI_ADDR_HI        8
#define MSI_DATA           12
#define MSI_CTRL_ENABLE    0x0001
#define MSI_CTRL_64BIT     0x0080

int
msi_init (struct msi *msi, struct pci_device *dev, const struct msix_delivery *delivery)
{
  int ret;

  memset (msi, 0, sizeof *msi);
  msi->delivery = *delivery;
  ret = delivery->ops->setup (delivery->opaque, 1);
  if (ret < 0)
    {
      vmm_error ("%s: cannot set up an MSI vector: %s", dev->name, g_strerror (-ret));
      goto fail;
    }
  msi->cap = pci_device_add_capability (dev, PCI_CAP_ID_MSI, MSI_CAP_SIZE);
  if (!msi->cap)
    {
      ret = -ENOSPC;
      goto fail;
    }
  msi->dev = dev;
  pthread_mutex_init (&msi->lock, NULL);
  /* One vector (Multiple Message Capable 0): Multiple Message Enable stays 0. */
  pci_config_set16 (dev, msi->cap + MSI_CTRL, MSI_CTRL_64BIT);
  dev->wmask[msi->cap + MSI_CTRL] = MSI_CTRL_ENABLE;
  for (unsigned i = 0; i < 4; i++)
    {
      dev->wmask[msi->cap + MSI_ADDR_LO + i] = i == 0 ? 0xfc : 0xff;
      dev->wmask[msi->cap + MSI_ADDR_HI + i] = 0xff;
    }
  dev->wmask[msi->cap + MSI_DATA] = 0xff;
  dev->wmask[msi->cap + MSI_DATA + 1] = 0xff;
  return 0;

fail:
  if (delivery->ops->teardown)
    delivery->ops->teardown (delivery->opaque);
  msi->delivery.ops = NULL;
  return ret;
}

void
msi_destroy (struct msi *msi)
{
  if (msi->delivery.ops && msi->delivery.ops->teardown)
    msi->delivery.ops->teardown (msi->delivery.opaque);
  msi->delivery.ops = NULL;
  if (msi->dev)
    pthread_mutex_destroy (&msi->lock);
  msi->dev = NULL;
}

void
msi_config_written (struct msi *msi, unsigned offset, unsigned size)
{
  struct pci_device *dev = msi->dev;
  uint64_t address;
  uint32_t data;
  bool enabled;

  if (!dev || offset + size <= msi->cap || offset >= msi->cap + MSI_CAP_SIZE)
    return;
  enabled = pci_config_get16 (dev, msi->cap + MSI_CTRL) & MSI_CTRL_ENABLE;
  address = pci_config_get32 (dev, msi->cap + MSI_ADDR_LO) |
            (uint64_t) pci_config_get32 (dev, msi->cap + MSI_ADDR_HI) << 32;
  data = pci_config_get16 (dev, msi->cap + MSI_DATA);

  pthread_mutex_lock (&msi->lock);
  /* The route follows the registers so a later notify is one eventfd write. */
  if (enabled && (!msi->enabled || address != msi->address || data != msi->data) &&
      msi->delivery.ops->update)
    msi->delivery.ops->update (msi->delivery.opaque, 0, address, data);
  msi->enabled = enabled;
  msi->address = address;
  msi->data = data;
  pthread_mutex_unlock (&msi->lock);
}

bool
msi_is_enabled (struct msi *msi)
{
  bool enabled;

  if (!msi->dev)
    return false;
  pthread_mutex_lock (&msi->lock);
  enabled = msi->enabled;
  pthread_mutex_unlock (&msi->lock);
  return enabled;
}

bool
msi_notify (struct msi *msi)
{
  bool enabled;

  if (!msi->dev)
    return false;
  pthread_mutex_lock (&msi->lock);
  enabled = msi->enabled;
  if (enabled)
    msi->delivery.ops->fire (msi->delivery.opaque, 0, msi->address, msi->data);
  pthread_mutex_unlock (&msi->lock);
  return enabled;
}
