/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "virtio-pci"

#include "config.h"

#include "virtio-pci.h"

#include <errno.h>
#include <glib.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_pci.h>
#include <linux/virtio_ring.h>
#include <poll.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "log.h"

#define VIRTIO_PCI_VENDOR_ID     0x1af4
#define VIRTIO_PCI_DEVICE_BASE   0x1040
#define VIRTIO_PCI_SUBSYSTEM_ID  0x1100
#define VIRTIO_PCI_COMMON_SIZE   0x38
#define VIRTIO_PCI_ISR_QUEUE_BIT  0x1
#define VIRTIO_PCI_ISR_CONFIG_BIT 0x2

/* Offsets in struct virtio_pci_common_cfg (virtio 1.x, 4.1.4.3). */
enum {
  CC_DFSELECT = 0x00, CC_DF = 0x04, CC_GFSELECT = 0x08, CC_GF = 0x0c,
  CC_MSIX = 0x10, CC_NUMQ = 0x12, CC_STATUS = 0x14, CC_CFGGEN = 0x15,
  CC_Q_SELECT = 0x16, CC_Q_SIZE = 0x18, CC_Q_MSIX = 0x1a, CC_Q_ENABLE = 0x1c,
  CC_Q_NOFF = 0x1e, CC_Q_DESC = 0x20, CC_Q_AVAIL = 0x28, CC_Q_USED = 0x30,
};

static void virtio_pci_bar_read (void *opaque, uint64_t offset, void *data, unsigned size);
static void virtio_pci_bar_write (void *opaque, uint64_t offset, const void *data,
                                  unsigned size);

static const struct bus_ops virtio_pci_bar_ops = {
  .read = virtio_pci_bar_read,
  .write = virtio_pci_bar_write,
};

/* ---- interrupts ---- */

static void
virtio_pci_raise (struct virtio_pci *vp, unsigned vector, uint8_t isr_bit)
{
  if (msix_notify (&vp->msix, vector))
    return;
  /* MSI-X off: INTx plus the ISR bit that says why. */
  pthread_mutex_lock (&vp->isr_lock);
  vp->isr |= isr_bit;
  pci_device_set_intx (&vp->pci, 1);
  pthread_mutex_unlock (&vp->isr_lock);
}

static void
virtio_pci_notify_queue (void *opaque, unsigned q)
{
  struct virtio_pci *vp = opaque;

  virtio_pci_raise (vp, atomic_load (&vp->queues[q].msix_vector), VIRTIO_PCI_ISR_QUEUE_BIT);
}

static void
virtio_pci_notify_config (void *opaque)
{
  struct virtio_pci *vp = opaque;

  virtio_pci_raise (vp, atomic_load (&vp->config_vector), VIRTIO_PCI_ISR_CONFIG_BIT);
}

static void virtio_pci_kick (struct virtio_pci *vp, unsigned q);

static void
virtio_pci_kick_queue (void *opaque, unsigned q)
{
  virtio_pci_kick (opaque, q);
}

static const struct virtio_transport_ops virtio_pci_transport_ops = {
  .notify_queue = virtio_pci_notify_queue,
  .notify_config = virtio_pci_notify_config,
  .kick_queue = virtio_pci_kick_queue,
};

/* ---- reset and queue work ---- */

/* With vdev->lock held and no queue work running. */
static void
virtio_pci_do_reset (struct virtio_pci *vp)
{
  uint64_t drain;

  virtio_device_reset (vp->vdev);
  vp->device_feature_select = vp->driver_feature_select = 0;
  vp->queue_select = 0;
  atomic_store (&vp->config_vector, VIRTIO_NO_VECTOR);
  for (unsigned q = 0; q < vp->num_queues; q++)
    {
      atomic_store (&vp->queues[q].msix_vector, VIRTIO_NO_VECTOR);
      /* Kicks from before the reset mean nothing any more. */
      while (read (vp->queues[q].kick_fd, &drain, sizeof drain) > 0)
        ;
    }
  pthread_mutex_lock (&vp->isr_lock);
  vp->isr = 0;
  pci_device_set_intx (&vp->pci, 0);
  pthread_mutex_unlock (&vp->isr_lock);
  vp->reset_pending = false;
}

static void
virtio_pci_process (struct virtio_pci *vp, unsigned q)
{
  struct virtio_device *vdev = vp->vdev;
  bool run;

  pthread_mutex_lock (&vdev->lock);
  run = !vp->reset_pending && !vp->busy && virtio_device_is_live (vdev) && vdev->queues[q].ready;
  vp->busy |= run;
  pthread_mutex_unlock (&vdev->lock);
  if (!run)
    return;

  vdev->ops->queue_notify (vdev, q);

  /* A reset the driver asked for meanwhile waited for us. */
  pthread_mutex_lock (&vdev->lock);
  vp->busy = false;
  if (vp->reset_pending)
    virtio_pci_do_reset (vp);
  pthread_mutex_unlock (&vdev->lock);
}

static void
virtio_pci_kick (struct virtio_pci *vp, unsigned q)
{
  uint64_t one = 1;

  if (!vp->threaded)
    {
      virtio_pci_process (vp, q);
      return;
    }
  if (write (vp->queues[q].kick_fd, &one, sizeof one) < 0 && errno != EAGAIN)
    vmm_error ("%s: cannot kick queue %u: %s", vp->vdev->name, q, g_strerror (errno));
}

static void *
virtio_pci_worker (void *opaque)
{
  struct virtio_pci *vp = opaque;
  g_autofree struct pollfd *fds = g_new0 (struct pollfd, vp->num_queues + 1);
  uint64_t count;

  fds[0].fd = vp->ctl_fd;
  fds[0].events = POLLIN;
  for (unsigned q = 0; q < vp->num_queues; q++)
    {
      fds[q + 1].fd = vp->queues[q].kick_fd;
      fds[q + 1].events = POLLIN;
    }

  while (!atomic_load (&vp->stop))
    {
      if (poll (fds, vp->num_queues + 1, -1) < 0)
        {
          if (errno != EINTR)
            {
              vmm_error ("%s: worker poll: %s", vp->vdev->name, g_strerror (errno));
              break;
            }
          continue;
        }
      if (fds[0].revents & POLLIN)
        {
          G_GNUC_UNUSED ssize_t r = read (vp->ctl_fd, &count, sizeof count);
        }
      for (unsigned q = 0; q < vp->num_queues; q++)
        if ((fds[q + 1].revents & POLLIN) &&
            read (vp->queues[q].kick_fd, &count, sizeof count) > 0)
          virtio_pci_process (vp, q);
    }
  return NULL;
}

/* ---- common configuration ---- */

static void
virtio_pci_common_image (struct virtio_pci *vp, uint8_t *img)
{
  struct virtio_device *vdev = vp->vdev;
  unsigned qs = vp->queue_select;
  uint32_t df = 0;

  if (vp->device_feature_select < 2)
    df = vdev->host_features >> (32 * vp->device_feature_select);
  memset (img, 0, VIRTIO_PCI_COMMON_SIZE);
  *(uint32_t *) (img + CC_DFSELECT) = vp->device_feature_select;
  *(uint32_t *) (img + CC_DF) = df;
  *(uint32_t *) (img + CC_GFSELECT) = vp->driver_feature_select;
  if (vp->driver_feature_select < 2)
    *(uint32_t *) (img + CC_GF) = vdev->guest_features >> (32 * vp->driver_feature_select);
  *(uint16_t *) (img + CC_MSIX) = atomic_load (&vp->config_vector);
  *(uint16_t *) (img + CC_NUMQ) = vp->num_queues;
  /* Non-zero until a pending reset is done. */
  img[CC_STATUS] = vp->reset_pending ? atomic_load (&vdev->status) | VIRTIO_STATUS_ACKNOWLEDGE
                                     : atomic_load (&vdev->status);
  img[CC_CFGGEN] = atomic_load (&vdev->config_generation);
  *(uint16_t *) (img + CC_Q_SELECT) = qs;
  if (qs < vp->num_queues)
    {
      const struct virtqueue *vq = &vdev->queues[qs];

      *(uint16_t *) (img + CC_Q_SIZE) = vq->size;
      *(uint16_t *) (img + CC_Q_MSIX) = atomic_load (&vp->queues[qs].msix_vector);
      *(uint16_t *) (img + CC_Q_ENABLE) = vq->ready;
      *(uint16_t *) (img + CC_Q_NOFF) = qs;
      *(uint64_t *) (img + CC_Q_DESC) = vq->desc_gpa;
      *(uint64_t *) (img + CC_Q_AVAIL) = vq->avail_gpa;
      *(uint64_t *) (img + CC_Q_USED) = vq->used_gpa;
    }
}

static uint16_t
virtio_pci_check_vector (struct virtio_pci *vp, uint32_t v)
{
  /* A vector the table lacks reads back as NO_VECTOR: the driver's check. */
  return v < vp->msix.n ? v : VIRTIO_NO_VECTOR;
}

/* With vdev->lock held. */
static void
virtio_pci_write_status (struct virtio_pci *vp, uint8_t value)
{
  struct virtio_device *vdev = vp->vdev;
  unsigned old = atomic_load (&vdev->status);

  if (value == 0)
    {
      /* A request in flight may be waiting on the disk: rather than block
       * the vCPU, the worker resets once it is done, and the driver polls
       * status until it reads 0. */
      if (vp->busy)
        {
          vp->reset_pending = true;
          /* The device stops after its current request. */
          atomic_fetch_and (&vdev->status, ~(unsigned) VIRTIO_STATUS_DRIVER_OK);
        }
      else
        virtio_pci_do_reset (vp);
      return;
    }

  if ((value & VIRTIO_STATUS_FEATURES_OK) && !(old & VIRTIO_STATUS_FEATURES_OK) &&
      !virtio_device_has_feature (vdev, VIRTIO_F_VERSION_1))
    {
      /* Legacy drivers are not served; FEATURES_OK reads back clear. */
      vmm_guest_error ("%s: driver did not accept VIRTIO_F_VERSION_1", vdev->name);
      value &= ~VIRTIO_STATUS_FEATURES_OK;
    }
  /* NEEDS_RESET belongs to the device: only a reset clears it. */
  atomic_store (&vdev->status, (value & ~VIRTIO_STATUS_NEEDS_RESET) |
                               (old & VIRTIO_STATUS_NEEDS_RESET));

  /* Buffers may already wait; kicked once the lock is dropped. */
  if ((value & VIRTIO_STATUS_DRIVER_OK) && !(old & VIRTIO_STATUS_DRIVER_OK))
    vp->kick_all = true;
}

static void
virtio_pci_set_half (uint64_t *field, bool high, uint32_t value)
{
  if (high)
    *field = (*field & 0xffffffffull) | (uint64_t) value << 32;
  else
    *field = (*field & ~0xffffffffull) | value;
}

/* With vdev->lock held. Queues run with the lock dropped, so the driver's
 * view is only changed where the spec allows it. */
static void
virtio_pci_common_write (struct virtio_pci *vp, unsigned offset, uint32_t value, unsigned size)
{
  struct virtio_device *vdev = vp->vdev;
  unsigned status = atomic_load (&vdev->status);
  struct virtqueue *vq = vp->queue_select < vp->num_queues
                         ? &vdev->queues[vp->queue_select] : NULL;
  unsigned field_size;

  switch (offset)
    {
    case CC_DFSELECT: case CC_GFSELECT: case CC_GF:
    case CC_Q_DESC: case CC_Q_DESC + 4: case CC_Q_AVAIL: case CC_Q_AVAIL + 4:
    case CC_Q_USED: case CC_Q_USED + 4:
      field_size = 4;
      break;
    case CC_MSIX: case CC_Q_SELECT: case CC_Q_SIZE: case CC_Q_MSIX: case CC_Q_ENABLE:
      field_size = 2;
      break;
    case CC_STATUS:
      field_size = 1;
      break;
    default:
      field_size = 0;
      break;
    }
  if (field_size != size)
    {
      vmm_guest_error ("%s: write of %u bytes at common config %#x ignored", vdev->name, size,
                       offset);
      return;
    }
  if (vp->reset_pending)
    return;

  switch (offset)
    {
    case CC_DFSELECT:
      vp->device_feature_select = value;
      break;
    case CC_GFSELECT:
      vp->driver_feature_select = value;
      break;
    case CC_GF:
      if (vp->driver_feature_select < 2 && !(status & VIRTIO_STATUS_FEATURES_OK))
        {
          unsigned shift = 32 * vp->driver_feature_select;
          uint64_t mask = 0xffffffffull << shift;

          vdev->guest_features = (vdev->guest_features & ~mask) |
                                 (((uint64_t) value << shift) & vdev->host_features);
        }
      break;
    case CC_MSIX:
      atomic_store (&vp->config_vector, virtio_pci_check_vector (vp, value));
      break;
    case CC_STATUS:
      virtio_pci_write_status (vp, value);
      break;
    case CC_Q_SELECT:
      vp->queue_select = value;
      break;
    case CC_Q_MSIX:
      if (vq)
        atomic_store (&vp->queues[vp->queue_select].msix_vector,
                      virtio_pci_check_vector (vp, value));
      break;
    default:
      /* The queue's set-up is frozen once it is enabled. */
      if (!vq || vq->ready)
        break;
      switch (offset)
        {
        case CC_Q_SIZE:
          vq->size = value;
          break;
        case CC_Q_DESC: case CC_Q_DESC + 4:
          virtio_pci_set_half (&vq->desc_gpa, offset & 4, value);
          break;
        case CC_Q_AVAIL: case CC_Q_AVAIL + 4:
          virtio_pci_set_half (&vq->avail_gpa, offset & 4, value);
          break;
        case CC_Q_USED: case CC_Q_USED + 4:
          virtio_pci_set_half (&vq->used_gpa, offset & 4, value);
          break;
        case CC_Q_ENABLE:
          if (value != 1)
            break;
          vq->event_idx = virtio_device_has_feature (vdev, VIRTIO_RING_F_EVENT_IDX);
          vq->indirect = virtio_device_has_feature (vdev, VIRTIO_RING_F_INDIRECT_DESC);
          if (virtqueue_enable (vq) < 0)
            virtio_device_set_broken (vdev);
          break;
        }
      break;
    }
}

/* ---- BAR 4 ---- */

static void
virtio_pci_bar_read (void *opaque, uint64_t offset, void *data, unsigned size)
{
  struct virtio_pci *vp = opaque;
  struct virtio_device *vdev = vp->vdev;
  uint8_t img[VIRTIO_PCI_COMMON_SIZE] __attribute__ ((aligned (8)));

  memset (data, 0, size);
  if (offset + size <= VIRTIO_PCI_COMMON_SIZE)
    {
      pthread_mutex_lock (&vdev->lock);
      virtio_pci_common_image (vp, img);
      pthread_mutex_unlock (&vdev->lock);
      memcpy (data, img + offset, size);
    }
  else if (offset == VIRTIO_PCI_ISR_OFF && size == 1)
    {
      /* Reading acknowledges: the line drops. */
      pthread_mutex_lock (&vp->isr_lock);
      *(uint8_t *) data = vp->isr;
      vp->isr = 0;
      pci_device_set_intx (&vp->pci, 0);
      pthread_mutex_unlock (&vp->isr_lock);
    }
  else if (offset >= VIRTIO_PCI_DEVICE_OFF &&
           offset - VIRTIO_PCI_DEVICE_OFF + size <= vdev->ops->config_size)
    {
      if (vdev->ops->config_read)
        vdev->ops->config_read (vdev, offset - VIRTIO_PCI_DEVICE_OFF, data, size);
    }
}

static void
virtio_pci_bar_write (void *opaque, uint64_t offset, const void *data, unsigned size)
{
  struct virtio_pci *vp = opaque;
  struct virtio_device *vdev = vp->vdev;
  uint64_t value = 0;
  bool kick_all;

  memcpy (&value, data, size);
  if (offset < VIRTIO_PCI_COMMON_SIZE)
    {
      pthread_mutex_lock (&vdev->lock);
      /* 64-bit fields may come in one access: two halves. */
      if (size == 8 && (offset == CC_Q_DESC || offset == CC_Q_AVAIL || offset == CC_Q_USED))
        {
          virtio_pci_common_write (vp, offset, (uint32_t) value, 4);
          virtio_pci_common_write (vp, offset + 4, value >> 32, 4);
        }
      else
        virtio_pci_common_write (vp, offset, value, size);
      kick_all = vp->kick_all;
      vp->kick_all = false;
      pthread_mutex_unlock (&vdev->lock);
      for (unsigned q = 0; kick_all && q < vp->num_queues; q++)
        virtio_pci_kick (vp, q);
    }
  else if (offset >= VIRTIO_PCI_NOTIFY_OFF &&
           offset < VIRTIO_PCI_NOTIFY_OFF + (uint64_t) vp->num_queues * VIRTIO_PCI_NOTIFY_MULT)
    {
      /* The exit path, when KVM's ioeventfd did not catch the write. */
      virtio_pci_kick (vp, (offset - VIRTIO_PCI_NOTIFY_OFF) / VIRTIO_PCI_NOTIFY_MULT);
    }
  else if (offset >= VIRTIO_PCI_DEVICE_OFF &&
           offset - VIRTIO_PCI_DEVICE_OFF + size <= vdev->ops->config_size)
    {
      if (vdev->ops->config_write)
        {
          pthread_mutex_lock (&vdev->lock);
          vdev->ops->config_write (vdev, offset - VIRTIO_PCI_DEVICE_OFF, data, size);
          pthread_mutex_unlock (&vdev->lock);
        }
    }
  else
    vmm_guest_error ("%s: write of %u bytes at BAR offset %#" G_GINT64_MODIFIER "x ignored",
                     vdev->name, size, offset);
}

/* ---- PCI hooks ---- */

static void
virtio_pci_config_written (struct pci_device *dev, unsigned offset, unsigned size)
{
  struct virtio_pci *vp = dev->opaque;

  msix_config_written (&vp->msix, offset, size);
}

static void
virtio_pci_bar_mapped (struct pci_device *dev, unsigned bar, uint64_t addr, bool mapped)
{
  struct virtio_pci *vp = dev->opaque;

  if (bar != VIRTIO_PCI_BAR || !vp->notifier)
    return;
  pthread_mutex_lock (&vp->notifier_lock);
  for (unsigned q = 0; q < vp->num_queues; q++)
    {
      struct virtio_pci_queue *pq = &vp->queues[q];

      if (pq->notifier_added)
        {
          vp->notifier->remove (vp->notifier_opaque, pq->kick_fd, pq->notify_addr);
          pq->notifier_added = false;
        }
      if (mapped)
        {
          pq->notify_addr = addr + VIRTIO_PCI_NOTIFY_OFF + q * VIRTIO_PCI_NOTIFY_MULT;
          /* On failure kicks still arrive, through MMIO exits. */
          pq->notifier_added = vp->notifier->add (vp->notifier_opaque, pq->kick_fd,
                                                  pq->notify_addr) == 0;
        }
    }
  pthread_mutex_unlock (&vp->notifier_lock);
}

static const struct pci_device_ops virtio_pci_device_ops = {
  .config_written = virtio_pci_config_written,
  .bar_mapped = virtio_pci_bar_mapped,
};

/* ---- set-up ---- */

static void
virtio_pci_add_cap (struct virtio_pci *vp, uint8_t type, uint32_t offset, uint32_t length,
                    unsigned extra)
{
  struct pci_device *dev = &vp->pci;
  unsigned cap = pci_device_add_capability (dev, PCI_CAP_ID_VNDR, 16 + extra);

  if (!cap)
    return;
  dev->config[cap + 2] = 16 + extra;
  dev->config[cap + 3] = type;
  dev->config[cap + 4] = VIRTIO_PCI_BAR;
  pci_config_set32 (dev, cap + 8, offset);
  pci_config_set32 (dev, cap + 12, length);
  if (extra)
    pci_config_set32 (dev, cap + 16, VIRTIO_PCI_NOTIFY_MULT);
}

static uint32_t
virtio_pci_class (uint16_t device_id)
{
  switch (device_id)
    {
    case VIRTIO_ID_BLOCK: return 0x018000;  /* mass storage, other */
    case VIRTIO_ID_NET: return 0x020000;    /* Ethernet controller */
    case VIRTIO_ID_RNG: return 0x00ff00;
    default: return 0xff0000;
    }
}

int
virtio_pci_init (struct virtio_pci *vp, struct virtio_device *vdev,
                 const struct msix_delivery *delivery,
                 const struct virtio_pci_notifier_ops *notifier, void *notifier_opaque,
                 bool threaded)
{
  unsigned nq = vdev->ops->num_queues;
  int ret;

  memset (vp, 0, sizeof *vp);
  vp->vdev = vdev;
  vp->num_queues = nq;
  vp->notifier = notifier;
  vp->notifier_opaque = notifier_opaque;
  vp->threaded = threaded;
  vp->ctl_fd = -1;
  pthread_mutex_init (&vp->notifier_lock, NULL);
  pthread_mutex_init (&vp->isr_lock, NULL);
  atomic_store (&vp->config_vector, VIRTIO_NO_VECTOR);
  vp->queues = g_new0 (struct virtio_pci_queue, nq);
  for (unsigned q = 0; q < nq; q++)
    {
      atomic_store (&vp->queues[q].msix_vector, VIRTIO_NO_VECTOR);
      vp->queues[q].kick_fd = -1;
    }

  vp->pci.ops = &virtio_pci_device_ops;
  vp->pci.opaque = vp;
  pci_device_init (&vp->pci, vdev->name, VIRTIO_PCI_VENDOR_ID,
                   VIRTIO_PCI_DEVICE_BASE + vdev->ops->device_id,
                   virtio_pci_class (vdev->ops->device_id), 1, VIRTIO_PCI_VENDOR_ID,
                   VIRTIO_PCI_SUBSYSTEM_ID);
  pci_device_set_interrupt_pin (&vp->pci, 1);
  pci_device_set_bar (&vp->pci, VIRTIO_PCI_BAR, VIRTIO_PCI_BAR_SIZE, PCI_BAR_MEM64,
                      &virtio_pci_bar_ops, vp);

  /* A vector per queue plus one for config changes. */
  ret = msix_init (&vp->msix, &vp->pci, VIRTIO_PCI_MSIX_BAR, nq + 1, delivery);
  if (ret < 0)
    goto fail;

  virtio_pci_add_cap (vp, VIRTIO_PCI_CAP_COMMON_CFG, VIRTIO_PCI_COMMON_OFF,
                      VIRTIO_PCI_COMMON_SIZE, 0);
  virtio_pci_add_cap (vp, VIRTIO_PCI_CAP_ISR_CFG, VIRTIO_PCI_ISR_OFF, 1, 0);
  if (vdev->ops->config_size)
    virtio_pci_add_cap (vp, VIRTIO_PCI_CAP_DEVICE_CFG, VIRTIO_PCI_DEVICE_OFF,
                        vdev->ops->config_size, 0);
  virtio_pci_add_cap (vp, VIRTIO_PCI_CAP_NOTIFY_CFG, VIRTIO_PCI_NOTIFY_OFF,
                      nq * VIRTIO_PCI_NOTIFY_MULT, 4);

  for (unsigned q = 0; q < nq; q++)
    {
      vp->queues[q].kick_fd = eventfd (0, EFD_CLOEXEC | EFD_NONBLOCK);
      if (vp->queues[q].kick_fd < 0)
        {
          ret = -errno;
          vmm_error ("%s: eventfd: %s", vdev->name, g_strerror (-ret));
          goto fail;
        }
    }
  virtio_device_set_transport (vdev, &virtio_pci_transport_ops, vp);

  if (threaded)
    {
      vp->ctl_fd = eventfd (0, EFD_CLOEXEC | EFD_NONBLOCK);
      if (vp->ctl_fd < 0)
        {
          ret = -errno;
          vmm_error ("%s: eventfd: %s", vdev->name, g_strerror (-ret));
          goto fail;
        }
      ret = -pthread_create (&vp->worker, NULL, virtio_pci_worker, vp);
      if (ret < 0)
        {
          vmm_error ("%s: cannot start its worker thread: %s", vdev->name, g_strerror (-ret));
          goto fail;
        }
    }
  return 0;

fail:
  vp->threaded = false;
  virtio_pci_destroy (vp);
  return ret;
}

void
virtio_pci_destroy (struct virtio_pci *vp)
{
  uint64_t one = 1;

  if (!vp->queues)
    return;
  if (vp->threaded)
    {
      atomic_store (&vp->stop, true);
      if (write (vp->ctl_fd, &one, sizeof one) < 0)
        vmm_error ("%s: cannot stop its worker: %s", vp->vdev->name, g_strerror (errno));
      pthread_join (vp->worker, NULL);
      vp->threaded = false;
    }
  virtio_pci_bar_mapped (&vp->pci, VIRTIO_PCI_BAR, 0, false);
  for (unsigned q = 0; q < vp->num_queues; q++)
    if (vp->queues[q].kick_fd >= 0)
      close (vp->queues[q].kick_fd);
  if (vp->ctl_fd >= 0)
    close (vp->ctl_fd);
  msix_destroy (&vp->msix);
  virtio_device_set_transport (vp->vdev, NULL, NULL);
  g_clear_pointer (&vp->queues, g_free);
  pthread_mutex_destroy (&vp->notifier_lock);
  pthread_mutex_destroy (&vp->isr_lock);
}

void
virtio_pci_reset (struct virtio_pci *vp)
{
  struct virtio_device *vdev = vp->vdev;

  /* The vCPUs are stopped, but the worker may still finish a request. */
  pthread_mutex_lock (&vdev->lock);
  if (vp->busy)
    {
      vp->reset_pending = true;
      atomic_fetch_and (&vdev->status, ~(unsigned) VIRTIO_STATUS_DRIVER_OK);
    }
  else
    virtio_pci_do_reset (vp);
  while (vp->reset_pending)
    {
      pthread_mutex_unlock (&vdev->lock);
      g_usleep (1000);
      pthread_mutex_lock (&vdev->lock);
    }
  pthread_mutex_unlock (&vdev->lock);
  msix_reset (&vp->msix);
}
