/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "virtio-net"

#include "config.h"

#include "virtio-net.h"

#include <glib.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_net.h>
#include <string.h>

#include "log.h"

/* VERSION_1 is always negotiated, so the header always has num_buffers. */
#define VIRTIO_NET_HDR_SIZE sizeof (struct virtio_net_hdr_v1)
#define VIRTIO_NET_CONFIG_SIZE offsetof (struct virtio_net_config, mtu)

struct virtio_net_frame {
  size_t len;
  uint8_t data[];
};

struct virtio_net {
  struct virtio_device vdev;
  uint8_t mac[6];
  atomic_bool link_up;

  /* The frame queues, between the worker and the backend's thread. */
  pthread_mutex_t lock;
  GQueue rx;                   /* for the guest, oldest first */
  GQueue tx;                   /* from the guest, for the backend */
  bool tx_stalled;             /* tx was full: the transmit queue waits for take */
  net_wake_fn wake;
  void *backend;

  atomic_uint_fast64_t rx_frames, rx_dropped, tx_frames, tx_dropped;
};

static void
virtio_net_flush_frames (GQueue *q)
{
  g_queue_clear_full (q, g_free);
}

/* ---- configuration space ---- */

static void
virtio_net_config_read (struct virtio_device *vdev, unsigned offset, void *data, unsigned size)
{
  struct virtio_net *net = vdev->opaque;
  struct virtio_net_config cfg = { 0 };

  memcpy (cfg.mac, net->mac, sizeof cfg.mac);
  cfg.status = GUINT16_TO_LE (atomic_load (&net->link_up) ? VIRTIO_NET_S_LINK_UP : 0);
  cfg.max_virtqueue_pairs = GUINT16_TO_LE (1);
  memcpy (data, (const uint8_t *) &cfg + offset, size);
}

/* The MAC is read-only in virtio 1.x; writes are a driver bug, not fatal. */
static void
virtio_net_config_write (struct virtio_device *vdev, unsigned offset, const void *data,
                         unsigned size)
{
  vmm_guest_error ("%s: write of %u bytes at config %#x ignored", vdev->name, size, offset);
}

/* ---- transmit: guest to backend ---- */

/* Completes a partial checksum the driver left (VIRTIO_NET_F_CSUM): the
 * 16-bit one's complement sum from @start to the end, stored at @start +
 * @offset, where the driver put the pseudo-header's sum. */
static bool
virtio_net_complete_csum (uint8_t *frame, size_t len, size_t start, size_t offset)
{
  uint32_t sum = 0;
  uint16_t folded;
  size_t i;

  if (start >= len || offset > len - start || len - start - offset < 2)
    return false;
  for (i = start; i + 1 < len; i += 2)
    sum += (uint32_t) frame[i] << 8 | frame[i + 1];
  if (i < len)
    sum += (uint32_t) frame[i] << 8;
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  folded = ~sum & 0xffff;
  /* 0 means "no checksum" to UDP; 0xffff is the same value for TCP. */
  if (folded == 0)
    folded = 0xffff;
  frame[start + offset] = folded >> 8;
  frame[start + offset + 1] = folded & 0xff;
  return true;
}

/* The frame in @elem, checked and completed, or NULL (dropped, logged). */
static struct virtio_net_frame *
virtio_net_tx_frame (struct virtio_net *net, const struct virtqueue_elem *elem)
{
  struct virtio_device *vdev = &net->vdev;
  struct virtio_net_hdr_v1 hdr;
  struct virtio_net_frame *frame;
  size_t len;

  if (elem->out_len < VIRTIO_NET_HDR_SIZE || elem->out_len - VIRTIO_NET_HDR_SIZE < 14 ||
      elem->out_len - VIRTIO_NET_HDR_SIZE > NET_FRAME_MAX)
    {
      vmm_guest_error ("%s: transmit buffer of %" G_GUINT64_FORMAT " bytes is not a header "
                       "and a frame of 14 to %d bytes", vdev->name, elem->out_len,
                       NET_FRAME_MAX);
      return NULL;
    }
  virtqueue_iov_to_buf (elem->iov, elem->out_num, 0, &hdr, sizeof hdr);
  if (hdr.gso_type != VIRTIO_NET_HDR_GSO_NONE)
    {
      /* No segmentation offload was offered. */
      vmm_guest_error ("%s: segmentation (gso_type %u) that was not negotiated", vdev->name,
                       hdr.gso_type);
      return NULL;
    }
  len = elem->out_len - VIRTIO_NET_HDR_SIZE;
  frame = g_malloc (sizeof *frame + len);
  frame->len = len;
  virtqueue_iov_to_buf (elem->iov, elem->out_num, VIRTIO_NET_HDR_SIZE, frame->data, len);
  if (hdr.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)
    {
      if (!virtio_device_has_feature (vdev, VIRTIO_NET_F_CSUM) ||
          !virtio_net_complete_csum (frame->data, len, GUINT16_FROM_LE (hdr.csum_start),
                                     GUINT16_FROM_LE (hdr.csum_offset)))
        {
          vmm_guest_error ("%s: partial checksum at %u+%u in a %zu-byte frame (offload %s)",
                           vdev->name, GUINT16_FROM_LE (hdr.csum_start),
                           GUINT16_FROM_LE (hdr.csum_offset), len,
                           virtio_device_has_feature (vdev, VIRTIO_NET_F_CSUM)
                           ? "negotiated" : "not negotiated");
          g_free (frame);
          return NULL;
        }
    }
  return frame;
}

static void
virtio_net_tx (struct virtio_net *net)
{
  struct virtio_device *vdev = &net->vdev;
  struct virtqueue *vq = &vdev->queues[VIRTIO_NET_TXQ];
  struct virtqueue_elem elem;
  bool wake = false;
  int ret = 0;

  do
    {
      while (virtio_device_is_live (vdev))
        {
          struct virtio_net_frame *frame;
          bool full;

          pthread_mutex_lock (&net->lock);
          full = g_queue_get_length (&net->tx) >= VIRTIO_NET_PENDING_MAX;
          net->tx_stalled = full;
          pthread_mutex_unlock (&net->lock);
          /* The backend is behind: the guest's buffers wait in the ring
           * (back pressure instead of drops) until take() kicks us again. */
          if (full)
            goto out;

          if ((ret = virtqueue_pop (vq, &elem)) <= 0)
            break;
          frame = virtio_net_tx_frame (net, &elem);
          virtqueue_push (vq, &elem, 0);
          if (!frame || !atomic_load (&net->link_up))
            {
              atomic_fetch_add (&net->tx_dropped, 1);
              g_free (frame);
              continue;
            }
          atomic_fetch_add (&net->tx_frames, 1);
          pthread_mutex_lock (&net->lock);
          /* Only the first frame needs a wake-up: the backend takes until empty. */
          wake |= g_queue_is_empty (&net->tx);
          g_queue_push_tail (&net->tx, frame);
          pthread_mutex_unlock (&net->lock);
        }
      if (ret < 0)
        {
          virtio_device_set_broken (vdev);
          goto out;
        }
      virtio_device_notify_queue (vdev, VIRTIO_NET_TXQ);
    }
  while (virtio_device_is_live (vdev) && virtqueue_enable_notify (vq));

out:
  virtio_device_notify_queue (vdev, VIRTIO_NET_TXQ);
  if (wake && net->wake)
    net->wake (net->backend);
}

static size_t
virtio_net_take (void *nic, void *buf, size_t size)
{
  struct virtio_net *net = nic;
  struct virtio_net_frame *frame;
  bool resume;
  size_t len = 0;

  pthread_mutex_lock (&net->lock);
  frame = g_queue_pop_head (&net->tx);
  resume = net->tx_stalled && g_queue_get_length (&net->tx) <= VIRTIO_NET_PENDING_MAX / 2;
  if (resume)
    net->tx_stalled = false;
  pthread_mutex_unlock (&net->lock);
  if (resume)
    virtio_device_kick_queue (&net->vdev, VIRTIO_NET_TXQ);
  if (frame)
    {
      len = MIN (frame->len, size);
      memcpy (buf, frame->data, len);
      g_free (frame);
    }
  return len;
}

/* ---- receive: backend to guest ---- */

enum { RX_NO_BUFFERS, RX_DONE, RX_DROPPED, RX_BROKEN };

/* Copies @len bytes of @frame from @pos on into @iov, from its byte @skip on. */
static void
virtio_net_rx_copy (const struct iovec *iov, unsigned n, size_t skip,
                    const struct virtio_net_frame *frame, size_t pos, size_t len)
{
  virtqueue_iov_from_buf (iov, n, skip, frame->data + pos, len);
}

/*
 * Puts @frame in the driver's receive buffers: one buffer, or as many as it
 * takes with VIRTIO_NET_F_MRG_RXBUF, published together once num_buffers in
 * the first one is right. Buffers are given back (unpopped) when too few
 * are posted yet, so the frame waits for the driver's next kick.
 */
static int
virtio_net_rx_one (struct virtio_net *net, const struct virtio_net_frame *frame,
                   unsigned *have)
{
  struct virtio_device *vdev = &net->vdev;
  struct virtqueue *vq = &vdev->queues[VIRTIO_NET_RXQ];
  bool mrg = virtio_device_has_feature (vdev, VIRTIO_NET_F_MRG_RXBUF);
  unsigned max_bufs = mrg ? vq->size : 1;
  struct virtio_net_hdr_v1 hdr = { 0 };
  /* The first buffer's iovecs: num_buffers is known only at the end, and
   * each pop reuses the queue's iovec scratch. */
  struct iovec first[VIRTIO_NET_HDR_SIZE];
  unsigned n_first = 0, n = 0;
  size_t total = VIRTIO_NET_HDR_SIZE + frame->len;
  size_t done = 0;

  if (virtio_device_has_feature (vdev, VIRTIO_NET_F_GUEST_CSUM))
    hdr.flags = VIRTIO_NET_HDR_F_DATA_VALID;
  hdr.gso_type = VIRTIO_NET_HDR_GSO_NONE;

  while (done < total)
    {
      struct virtqueue_elem elem;
      const struct iovec *in;
      size_t chunk;
      int ret;

      if (n == max_bufs)
        {
          vmm_guest_error ("%s: receive buffers too small for a %zu-byte frame; dropped",
                           vdev->name, frame->len);
          virtqueue_unpop (vq, n);
          return RX_DROPPED;
        }
      ret = virtqueue_pop (vq, &elem);
      if (ret < 0)
        return RX_BROKEN;
      if (ret == 0)
        {
          virtqueue_unpop (vq, n);
          *have = n;
          return RX_NO_BUFFERS;
        }
      in = elem.iov + elem.out_num;
      if (n == 0)
        {
          size_t covered = 0;

          if (elem.in_len < VIRTIO_NET_HDR_SIZE)
            {
              vmm_guest_error ("%s: receive buffer of %" G_GUINT64_FORMAT " bytes cannot "
                               "hold the %zu-byte header; frame dropped", vdev->name,
                               elem.in_len, VIRTIO_NET_HDR_SIZE);
              virtqueue_unpop (vq, 1);
              return RX_DROPPED;
            }
          /* Each iovec holds at least a byte: at most 12 cover the header. */
          while (covered < VIRTIO_NET_HDR_SIZE)
            {
              first[n_first] = in[n_first];
              covered += in[n_first++].iov_len;
            }
        }
      chunk = MIN (elem.in_len, total - done);
      /* The header goes in last, through first[]. */
      if (n == 0)
        virtio_net_rx_copy (in, elem.in_num, VIRTIO_NET_HDR_SIZE, frame, 0,
                            chunk - VIRTIO_NET_HDR_SIZE);
      else
        virtio_net_rx_copy (in, elem.in_num, 0, frame, done - VIRTIO_NET_HDR_SIZE, chunk);
      virtqueue_fill (vq, &elem, chunk, n);
      n++;
      done += chunk;
    }
  hdr.num_buffers = GUINT16_TO_LE (n);
  virtqueue_iov_from_buf (first, n_first, 0, &hdr, sizeof hdr);
  virtqueue_flush (vq, n);
  return RX_DONE;
}

static void
virtio_net_rx (struct virtio_net *net)
{
  struct virtio_device *vdev = &net->vdev;
  struct virtqueue *vq = &vdev->queues[VIRTIO_NET_RXQ];
  bool pushed = false;

  while (virtio_device_is_live (vdev))
    {
      struct virtio_net_frame *frame;
      unsigned have = 0;
      int ret;

      /* Only this thread takes frames out, so the head stays ours. */
      pthread_mutex_lock (&net->lock);
      frame = g_queue_peek_head (&net->rx);
      pthread_mutex_unlock (&net->lock);
      if (!frame)
        break;
      ret = virtio_net_rx_one (net, frame, &have);
      if (ret == RX_BROKEN)
        {
          virtio_device_set_broken (vdev);
          break;
        }
      if (ret == RX_NO_BUFFERS)
        {
          /* The driver kicks when it posts more than the @have too few. */
          if (virtqueue_notify_on_more (vq, have))
            continue;
          break;
        }
      pushed |= ret == RX_DONE;
      atomic_fetch_add (ret == RX_DONE ? &net->rx_frames : &net->rx_dropped, 1);
      pthread_mutex_lock (&net->lock);
      g_queue_pop_head (&net->rx);
      pthread_mutex_unlock (&net->lock);
      g_free (frame);
    }
  if (pushed)
    virtio_device_notify_queue (vdev, VIRTIO_NET_RXQ);
}

static bool
virtio_net_receive (void *nic, const void *data, size_t len)
{
  struct virtio_net *net = nic;
  struct virtio_net_frame *frame;
  bool was_empty;

  if (len == 0 || len > NET_FRAME_MAX || !virtio_device_is_live (&net->vdev) ||
      !atomic_load (&net->link_up))
    goto drop;
  pthread_mutex_lock (&net->lock);
  if (g_queue_get_length (&net->rx) >= VIRTIO_NET_PENDING_MAX)
    {
      pthread_mutex_unlock (&net->lock);
      goto drop;
    }
  frame = g_malloc (sizeof *frame + len);
  frame->len = len;
  memcpy (frame->data, data, len);
  was_empty = g_queue_is_empty (&net->rx);
  g_queue_push_tail (&net->rx, frame);
  pthread_mutex_unlock (&net->lock);
  /* A queue that was not empty is being drained, or waits for buffers. */
  if (was_empty)
    virtio_device_kick_queue (&net->vdev, VIRTIO_NET_RXQ);
  return true;

drop:
  atomic_fetch_add (&net->rx_dropped, 1);
  return false;
}

const struct net_nic_ops virtio_net_nic_ops = {
  .take = virtio_net_take,
  .receive = virtio_net_receive,
};

/* ---- device ---- */

static void
virtio_net_queue_notify (struct virtio_device *vdev, unsigned q)
{
  struct virtio_net *net = vdev->opaque;

  if (q == VIRTIO_NET_RXQ)
    virtio_net_rx (net);
  else if (q == VIRTIO_NET_TXQ)
    virtio_net_tx (net);
}

/* The transport holds vdev->lock and no queue work runs. */
static void
virtio_net_reset (struct virtio_device *vdev)
{
  struct virtio_net *net = vdev->opaque;

  pthread_mutex_lock (&net->lock);
  virtio_net_flush_frames (&net->rx);
  virtio_net_flush_frames (&net->tx);
  net->tx_stalled = false;
  pthread_mutex_unlock (&net->lock);
}

static const struct virtio_device_ops virtio_net_ops = {
  .device_id = VIRTIO_ID_NET,
  .num_queues = 2,
  .queue_max_size = VIRTIO_NET_QUEUE_SIZE,
  .config_size = VIRTIO_NET_CONFIG_SIZE,
  .config_read = virtio_net_config_read,
  .config_write = virtio_net_config_write,
  .queue_notify = virtio_net_queue_notify,
  .reset = virtio_net_reset,
};

struct virtio_net *
virtio_net_new (const struct guest_memory *mem, const uint8_t mac[6])
{
  struct virtio_net *net = g_new0 (struct virtio_net, 1);

  memcpy (net->mac, mac, sizeof net->mac);
  atomic_store (&net->link_up, true);
  pthread_mutex_init (&net->lock, NULL);
  g_queue_init (&net->rx);
  g_queue_init (&net->tx);
  virtio_device_init (&net->vdev, "virtio-net", &virtio_net_ops, net, mem,
                      (1ull << VIRTIO_NET_F_CSUM) | (1ull << VIRTIO_NET_F_GUEST_CSUM) |
                      (1ull << VIRTIO_NET_F_MAC) | (1ull << VIRTIO_NET_F_MRG_RXBUF) |
                      (1ull << VIRTIO_NET_F_STATUS));
  return net;
}

void
virtio_net_destroy (struct virtio_net *net)
{
  if (!net)
    return;
  virtio_device_destroy (&net->vdev);
  virtio_net_flush_frames (&net->rx);
  virtio_net_flush_frames (&net->tx);
  pthread_mutex_destroy (&net->lock);
  g_free (net);
}

struct virtio_device *
virtio_net_get_device (struct virtio_net *net)
{
  return &net->vdev;
}

void
virtio_net_set_backend (struct virtio_net *net, net_wake_fn wake, void *backend)
{
  pthread_mutex_lock (&net->lock);
  net->wake = wake;
  net->backend = backend;
  pthread_mutex_unlock (&net->lock);
}

void
virtio_net_set_link (struct virtio_net *net, bool up)
{
  if (atomic_exchange (&net->link_up, up) == up)
    return;
  if (virtio_device_is_live (&net->vdev))
    virtio_device_notify_config (&net->vdev);
  else
    atomic_fetch_add (&net->vdev.config_generation, 1);
}

bool
virtio_net_get_link (struct virtio_net *net)
{
  return atomic_load (&net->link_up);
}

void
virtio_net_get_stats (struct virtio_net *net, struct virtio_net_stats *stats)
{
  stats->rx_frames = atomic_load (&net->rx_frames);
  stats->rx_dropped = atomic_load (&net->rx_dropped);
  stats->tx_frames = atomic_load (&net->tx_frames);
  stats->tx_dropped = atomic_load (&net->tx_dropped);
}
