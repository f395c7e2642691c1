/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-virtio-net"

#include "config.h"

#include <glib.h>
#include <linux/virtio_net.h>

#include "virtio/virtio-net.h"
#include "virtio-test-driver.h"

/*
 * virtio-net played from the guest's side (rings in a memory buffer) and
 * from the backend's (net_nic_ops). Without a transport that can kick,
 * host-side work runs on the caller's thread, so each call completes here.
 */

#define MIB      (1ull << 20)
#define QSIZE    64
#define RX_RING  0x10000ull
#define TX_RING  0x20000ull
#define RX_BUFS  0x100000ull   /* receive buffer i at RX_BUFS + 0x1000 * i */
#define TX_BUFS  0x300000ull
#define HDR      sizeof (struct virtio_net_hdr_v1)

static const uint8_t test_mac[6] = { 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef };

struct fixture {
  struct guest_memory mem;
  struct virtio_net *net;
  struct virtio_device *vdev;
  struct test_vq rx, tx;
  unsigned queue_irqs, config_irqs, wakes;
  uint16_t rx_next, tx_next;
};

static void
record_queue (void *opaque, unsigned q)
{
  ((struct fixture *) opaque)->queue_irqs++;
}

static void
record_config (void *opaque)
{
  ((struct fixture *) opaque)->config_irqs++;
}

static const struct virtio_transport_ops recorder = {
  .notify_queue = record_queue,
  .notify_config = record_config,
};

static void
record_wake (void *opaque)
{
  ((struct fixture *) opaque)->wakes++;
}

/* A driver that accepts @features of what is offered. */
static void
fixture_start (struct fixture *f, uint64_t drop_features)
{
  memset (f, 0, sizeof *f);
  g_assert_cmpint (guest_memory_init (&f->mem, 32 * MIB, 16 * MIB), ==, 0);
  f->net = virtio_net_new (&f->mem, test_mac);
  f->vdev = virtio_net_get_device (f->net);
  virtio_device_set_transport (f->vdev, &recorder, f);
  virtio_net_set_backend (f->net, record_wake, f);
  f->vdev->guest_features = f->vdev->host_features & ~drop_features;
  tvq_init (&f->rx, &f->mem, &f->vdev->queues[VIRTIO_NET_RXQ], QSIZE, RX_RING);
  tvq_init (&f->tx, &f->mem, &f->vdev->queues[VIRTIO_NET_TXQ], QSIZE, TX_RING);
  g_assert_cmpint (virtqueue_enable (&f->vdev->queues[0]), ==, 0);
  g_assert_cmpint (virtqueue_enable (&f->vdev->queues[1]), ==, 0);
  atomic_store (&f->vdev->status, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
                VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
}

static void
fixture_stop (struct fixture *f)
{
  virtio_net_destroy (f->net);
  guest_memory_destroy (&f->mem);
}

static uint8_t *
gptr (struct fixture *f, uint64_t gpa, uint64_t len)
{
  return tvq_ptr (&f->rx, gpa, len);
}

/* Posts one writable receive buffer of @len bytes (descriptor = slot). */
static uint16_t
post_rx (struct fixture *f, uint32_t len)
{
  uint16_t d = f->rx_next++ % QSIZE;

  memset (gptr (f, RX_BUFS + 0x1000ull * d, 0x1000), 0xee, 0x1000);
  tvq_set_desc (&f->rx, d, RX_BUFS + 0x1000ull * d, len, VRING_DESC_F_WRITE, 0);
  tvq_publish (&f->rx, d);
  return d;
}

/* A frame of @len bytes with a recognisable pattern. */
static uint8_t *
make_frame (size_t len, uint8_t seed)
{
  uint8_t *frame = g_malloc (len);

  for (size_t i = 0; i < len; i++)
    frame[i] = (uint8_t) (i * 13 + seed);
  return frame;
}

/* Sends header + frame from the guest, split over two descriptors at @split. */
static void
send_tx (struct fixture *f, const struct virtio_net_hdr_v1 *hdr, const uint8_t *frame,
         size_t len, size_t split)
{
  uint16_t d = (f->tx_next += 2) % QSIZE;
  uint64_t buf = TX_BUFS + 0x20000ull * (d / 2);
  size_t total = HDR + len;
  uint8_t *p = gptr (f, buf, total);

  memcpy (p, hdr, HDR);
  memcpy (p + HDR, frame, len);
  split = MIN (split, total);
  tvq_set_desc (&f->tx, d, buf, split, VRING_DESC_F_NEXT, d + 1);
  tvq_set_desc (&f->tx, d + 1, buf + split, total - split, 0, 0);
  tvq_publish (&f->tx, d);
  f->vdev->ops->queue_notify (f->vdev, VIRTIO_NET_TXQ);
}

static size_t
take (struct fixture *f, uint8_t *buf)
{
  return virtio_net_nic_ops.take (f->net, buf, NET_FRAME_MAX);
}

static void
test_config (void)
{
  struct fixture f;
  struct virtio_net_config cfg = { 0 };

  fixture_start (&f, 0);
  g_assert_cmpuint (f.vdev->ops->device_id, ==, 1);
  g_assert_cmpuint (f.vdev->ops->num_queues, ==, 2);
  g_assert_cmpuint (f.vdev->ops->config_size, >=, 10);
  f.vdev->ops->config_read (f.vdev, 0, &cfg, f.vdev->ops->config_size);
  g_assert_cmpmem (cfg.mac, 6, test_mac, 6);
  g_assert_cmpuint (cfg.status, ==, VIRTIO_NET_S_LINK_UP);
  for (unsigned bit = 0; bit < 64; bit++)
    {
      static const unsigned offered[] = {
        VIRTIO_NET_F_CSUM, VIRTIO_NET_F_GUEST_CSUM, VIRTIO_NET_F_MAC, VIRTIO_NET_F_MRG_RXBUF,
        VIRTIO_NET_F_STATUS, 28, 29, 32,  /* INDIRECT_DESC, EVENT_IDX, VERSION_1 */
      };
      bool expect = false;

      for (unsigned i = 0; i < G_N_ELEMENTS (offered); i++)
        expect |= offered[i] == bit;
      /* No segmentation offload: the device would have to split frames. */
      g_assert_cmpint (!!(f.vdev->host_features & (1ull << bit)), ==, expect);
    }
  /* The MAC is read-only. */
  f.vdev->ops->config_write (f.vdev, 0, "\x01\x02", 2);
  f.vdev->ops->config_read (f.vdev, 0, &cfg, 6);
  g_assert_cmpmem (cfg.mac, 6, test_mac, 6);
  fixture_stop (&f);
}

static void
test_tx (void)
{
  struct fixture f;
  struct virtio_net_hdr_v1 hdr = { 0 };
  g_autofree uint8_t *frame = make_frame (1514, 1);
  g_autofree uint8_t *back = g_malloc (NET_FRAME_MAX);
  uint32_t id = 0, len = 0;

  fixture_start (&f, 0);
  /* The header split between descriptors, as any layout is allowed. */
  send_tx (&f, &hdr, frame, 1514, 5);
  g_assert_true (tvq_get_used (&f.tx, &id, &len));
  g_assert_cmpuint (len, ==, 0);
  g_assert_cmpuint (f.wakes, ==, 1);
  g_assert_cmpuint (take (&f, back), ==, 1514);
  g_assert_cmpmem (back, 1514, frame, 1514);
  g_assert_cmpuint (take (&f, back), ==, 0);
  g_assert_cmpint (f.queue_irqs, >=, 1);
  fixture_stop (&f);
}

static uint16_t
csum_fold (const uint8_t *p, size_t len, uint32_t sum)
{
  for (size_t i = 0; i + 1 < len; i += 2)
    sum += (uint32_t) p[i] << 8 | p[i + 1];
  if (len & 1)
    sum += (uint32_t) p[len - 1] << 8;
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (uint16_t) sum;
}

static void
test_tx_checksum (void)
{
  struct fixture f;
  struct virtio_net_hdr_v1 hdr = { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM };
  uint8_t frame[14 + 20 + 8 + 33] = { 0 };
  g_autofree uint8_t *back = g_malloc (NET_FRAME_MAX);
  const size_t l4 = 14 + 20, udp_len = 8 + 33;
  uint32_t pseudo;

  fixture_start (&f, 0);
  /* UDP over IPv4; the driver seeds the checksum with the pseudo header. */
  frame[12] = 0x08;
  frame[14] = 0x45;
  frame[14 + 9] = 17;
  memcpy (frame + 14 + 12, "\x0a\x00\x02\x0f\x0a\x00\x02\x02", 8);
  frame[l4 + 4] = 0;
  frame[l4 + 5] = udp_len;
  for (size_t i = 0; i < 33; i++)
    frame[l4 + 8 + i] = (uint8_t) (i * 7 + 1);
  pseudo = 0x0a00 + 0x020f + 0x0a00 + 0x0202 + 17 + udp_len;
  pseudo = (pseudo & 0xffff) + (pseudo >> 16);
  frame[l4 + 6] = pseudo >> 8;
  frame[l4 + 7] = pseudo & 0xff;
  hdr.csum_start = l4;
  hdr.csum_offset = 6;

  send_tx (&f, &hdr, frame, sizeof frame, HDR);
  g_assert_cmpuint (take (&f, back), ==, sizeof frame);
  /* Pseudo header + segment with the checksum in place sums to 0xffff. */
  pseudo = 0x0a00 + 0x020f + 0x0a00 + 0x0202 + 17 + udp_len;
  g_assert_cmphex (csum_fold (back + l4, udp_len, pseudo), ==, 0xffff);
  g_assert_cmpmem (back + l4 + 8, 33, frame + l4 + 8, 33);
  fixture_stop (&f);
}

static void
test_tx_hostile (void)
{
  struct fixture f;
  struct virtio_net_hdr_v1 hdr = { 0 };
  g_autofree uint8_t *frame = make_frame (NET_FRAME_MAX + 1, 3);
  g_autofree uint8_t *back = g_malloc (NET_FRAME_MAX);
  struct virtio_net_stats stats;
  uint32_t id = 0, len = 0;

  fixture_start (&f, 0);

  /* Checksum position past the end, at the very end, and start past the end. */
  hdr.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
  hdr.csum_start = 50;
  hdr.csum_offset = 60;
  send_tx (&f, &hdr, frame, 100, HDR);
  hdr.csum_start = 98;
  hdr.csum_offset = 1;
  send_tx (&f, &hdr, frame, 100, HDR);
  hdr.csum_start = 0xffff;
  hdr.csum_offset = 0xffff;
  send_tx (&f, &hdr, frame, 100, HDR);
  /* Segmentation that was never offered. */
  hdr = (struct virtio_net_hdr_v1) { .gso_type = VIRTIO_NET_HDR_GSO_TCPV4, .gso_size = 1448 };
  send_tx (&f, &hdr, frame, 3000, HDR);
  /* Too short for a header and an Ethernet header; too long for a frame. */
  hdr = (struct virtio_net_hdr_v1) { 0 };
  send_tx (&f, &hdr, frame, 0, 6);
  send_tx (&f, &hdr, frame, 13, HDR);
  send_tx (&f, &hdr, frame, NET_FRAME_MAX + 1, HDR);

  /* Every buffer came back; nothing reached the backend; the device lives. */
  for (unsigned i = 0; i < 7; i++)
    g_assert_true (tvq_get_used (&f.tx, &id, &len));
  g_assert_false (tvq_get_used (&f.tx, &id, &len));
  g_assert_cmpuint (take (&f, back), ==, 0);
  virtio_net_get_stats (f.net, &stats);
  g_assert_cmpuint (stats.tx_dropped, ==, 7);
  g_assert_true (virtio_device_is_live (f.vdev));

  /* The largest frame passes. */
  send_tx (&f, &hdr, frame, NET_FRAME_MAX, 100);
  g_assert_cmpuint (take (&f, back), ==, NET_FRAME_MAX);
  g_assert_cmpmem (back, NET_FRAME_MAX, frame, NET_FRAME_MAX);

  /* A descriptor outside RAM breaks the queue: the device needs a reset. */
  tvq_set_desc (&f.tx, 0, 0x7ffff000ull, 64, 0, 0);
  tvq_publish (&f.tx, 0);
  f.vdev->ops->queue_notify (f.vdev, VIRTIO_NET_TXQ);
  g_assert_true (atomic_load (&f.vdev->status) & VIRTIO_STATUS_NEEDS_RESET);
  g_assert_false (virtio_device_is_live (f.vdev));
  g_assert_cmpuint (f.config_irqs, ==, 1);
  fixture_stop (&f);
}

/* Partial checksums need VIRTIO_NET_F_CSUM. */
static void
test_tx_checksum_not_negotiated (void)
{
  struct fixture f;
  struct virtio_net_hdr_v1 hdr = { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM, .csum_start = 34,
                                   .csum_offset = 6 };
  g_autofree uint8_t *frame = make_frame (100, 5);
  g_autofree uint8_t *back = g_malloc (NET_FRAME_MAX);

  fixture_start (&f, 1ull << VIRTIO_NET_F_CSUM);
  send_tx (&f, &hdr, frame, 100, HDR);
  g_assert_cmpuint (take (&f, back), ==, 0);
  fixture_stop (&f);
}

/* The backend falls behind: the device stops taking the guest's buffers
 * instead of dropping frames, and goes on once the backend catches up. */
static void
test_tx_back_pressure (void)
{
  struct fixture f;
  struct virtio_net_hdr_v1 hdr = { 0 };
  g_autofree uint8_t *frame = make_frame (60, 9);
  g_autofree uint8_t *back = g_malloc (NET_FRAME_MAX);
  unsigned sent = 0, taken = 0, used = 0;
  uint32_t id = 0, len = 0;
  struct virtio_net_stats stats;

  fixture_start (&f, 0);
  /* Ring of 64: send in rounds, taking nothing, until the device stalls. */
  while (sent < VIRTIO_NET_PENDING_MAX + 16)
    {
      for (unsigned i = 0; i < 16; i++, sent++)
        {
          frame[0] = (uint8_t) sent;
          send_tx (&f, &hdr, frame, 60, HDR);
        }
      while (tvq_get_used (&f.tx, &id, &len))
        used++;
    }
  g_assert_cmpuint (used, ==, VIRTIO_NET_PENDING_MAX);
  /* The backend catches up: the stalled buffers move on, in order. */
  while (take (&f, back) == 60)
    {
      g_assert_cmpuint (back[0], ==, (uint8_t) taken);
      taken++;
    }
  while (tvq_get_used (&f.tx, &id, &len))
    used++;
  g_assert_cmpuint (used, ==, sent);
  g_assert_cmpuint (taken, ==, sent);
  virtio_net_get_stats (f.net, &stats);
  g_assert_cmpuint (stats.tx_dropped, ==, 0);
  fixture_stop (&f);
}

/* The next used receive buffer; its header and payload. */
static bool
get_rx (struct fixture *f, struct virtio_net_hdr_v1 *hdr, uint8_t **data, uint32_t *len)
{
  uint32_t id;

  if (!tvq_get_used (&f->rx, &id, len))
    return false;
  g_assert_cmpuint (id, <, QSIZE);
  *data = gptr (f, RX_BUFS + 0x1000ull * id, 0x1000);
  if (hdr)
    memcpy (hdr, *data, HDR);
  return true;
}

static void
test_rx (void)
{
  struct fixture f;
  struct virtio_net_hdr_v1 hdr;
  g_autofree uint8_t *frame = make_frame (1514, 7);
  uint8_t *data;
  uint32_t len = 0;

  fixture_start (&f, 1ull << VIRTIO_NET_F_MRG_RXBUF);
  post_rx (&f, HDR + 1514);
  g_assert_true (virtio_net_nic_ops.receive (f.net, frame, 1514));
  g_assert_true (get_rx (&f, &hdr, &data, &len));
  g_assert_cmpuint (len, ==, HDR + 1514);
  g_assert_cmpuint (hdr.num_buffers, ==, 1);
  g_assert_cmpuint (hdr.flags, ==, VIRTIO_NET_HDR_F_DATA_VALID);
  g_assert_cmpuint (hdr.gso_type, ==, VIRTIO_NET_HDR_GSO_NONE);
  g_assert_cmpmem (data + HDR, 1514, frame, 1514);
  g_assert_cmpint (f.queue_irqs, ==, 1);

  /* No buffer: the frame waits for one, then arrives. */
  g_assert_true (virtio_net_nic_ops.receive (f.net, frame, 100));
  g_assert_false (get_rx (&f, &hdr, &data, &len));
  post_rx (&f, 2048);
  f.vdev->ops->queue_notify (f.vdev, VIRTIO_NET_RXQ);
  g_assert_true (get_rx (&f, &hdr, &data, &len));
  g_assert_cmpuint (len, ==, HDR + 100);

  /* A buffer too small without mergeable buffers: the frame is dropped, the
   * buffer stays posted for the next one. */
  fixture_stop (&f);
  fixture_start (&f, (1ull << VIRTIO_NET_F_MRG_RXBUF) | (1ull << VIRTIO_NET_F_GUEST_CSUM));
  post_rx (&f, HDR + 200);
  g_assert_true (virtio_net_nic_ops.receive (f.net, frame, 1514));
  g_assert_false (get_rx (&f, &hdr, &data, &len));
  g_assert_true (virtio_net_nic_ops.receive (f.net, frame, 200));
  g_assert_true (get_rx (&f, &hdr, &data, &len));
  g_assert_cmpuint (len, ==, HDR + 200);
  g_assert_cmpuint (hdr.flags, ==, 0);
  g_assert_true (virtio_device_is_live (f.vdev));
  fixture_stop (&f);
}

static void
test_rx_mergeable (void)
{
  struct fixture f;
  struct virtio_net_hdr_v1 hdr;
  g_autofree uint8_t *frame = make_frame (1000, 11);
  g_autofree uint8_t *big = make_frame (1100, 12);
  g_autofree uint8_t *got = g_malloc (2000);
  uint8_t *data;
  uint32_t len = 0;
  size_t have = 0;

  fixture_start (&f, 0);
  /* 100-byte buffers: 1012 bytes take 11. Only 5 posted: nothing is used
   * (half a frame would confuse the driver), the frame waits. */
  for (unsigned i = 0; i < 5; i++)
    post_rx (&f, 100);
  g_assert_true (virtio_net_nic_ops.receive (f.net, frame, 1000));
  g_assert_cmpuint (tvq_used_idx (&f.rx), ==, 0);
  for (unsigned i = 0; i < 6; i++)
    post_rx (&f, 100);
  f.vdev->ops->queue_notify (f.vdev, VIRTIO_NET_RXQ);
  g_assert_cmpuint (tvq_used_idx (&f.rx), ==, 11);
  for (unsigned i = 0; i < 11; i++)
    {
      g_assert_true (get_rx (&f, i == 0 ? &hdr : NULL, &data, &len));
      g_assert_cmpuint (len, ==, i < 10 ? 100 : 12);
      memcpy (got + have, data, len);
      have += len;
    }
  g_assert_cmpuint (hdr.num_buffers, ==, 11);
  g_assert_cmpmem (got + HDR, have - HDR, frame, 1000);

  /* A first buffer that cannot hold the header: dropped frame, buffer kept. */
  post_rx (&f, 8);
  g_assert_true (virtio_net_nic_ops.receive (f.net, frame, 50));
  g_assert_false (get_rx (&f, &hdr, &data, &len));
  g_assert_true (virtio_device_is_live (f.vdev));

  /* A frame larger than the whole ring: dropped, not waiting forever. */
  fixture_stop (&f);
  fixture_start (&f, 0);
  for (unsigned i = 0; i < QSIZE; i++)
    post_rx (&f, 16);
  g_assert_true (virtio_net_nic_ops.receive (f.net, big, 1100));
  g_assert_cmpuint (tvq_used_idx (&f.rx), ==, 0);
  g_assert_true (virtio_net_nic_ops.receive (f.net, frame, 20));
  g_assert_true (get_rx (&f, &hdr, &data, &len));
  g_assert_true (get_rx (&f, NULL, &data, &len));
  g_assert_cmpuint (hdr.num_buffers, ==, 2);
  fixture_stop (&f);
}

static void
test_rx_hostile (void)
{
  struct fixture f;
  g_autofree uint8_t *frame = make_frame (300, 13);
  struct virtio_net_stats stats;

  /* A readable descriptor in a receive chain is never written. */
  fixture_start (&f, 0);
  memset (gptr (&f, RX_BUFS, 64), 0x5a, 64);
  tvq_set_desc (&f.rx, 0, RX_BUFS, 64, VRING_DESC_F_NEXT, 1);
  tvq_set_desc (&f.rx, 1, RX_BUFS + 0x1000, 1024, VRING_DESC_F_WRITE, 0);
  tvq_publish (&f.rx, 0);
  g_assert_true (virtio_net_nic_ops.receive (f.net, frame, 300));
  for (unsigned i = 0; i < 64; i++)
    g_assert_cmpuint (gptr (&f, RX_BUFS, 64)[i], ==, 0x5a);
  g_assert_cmpmem (gptr (&f, RX_BUFS + 0x1000 + HDR, 300), 300, frame, 300);
  fixture_stop (&f);

  /* A buffer outside RAM breaks the device; later frames are dropped. */
  fixture_start (&f, 0);
  tvq_set_desc (&f.rx, 0, 0x7ffff000ull, 2048, VRING_DESC_F_WRITE, 0);
  tvq_publish (&f.rx, 0);
  g_assert_true (virtio_net_nic_ops.receive (f.net, frame, 300));
  g_assert_true (atomic_load (&f.vdev->status) & VIRTIO_STATUS_NEEDS_RESET);
  g_assert_false (virtio_net_nic_ops.receive (f.net, frame, 300));
  g_assert_cmpuint (f.config_irqs, ==, 1);
  fixture_stop (&f);

  /* A guest that never posts buffers holds a bounded number of frames. */
  fixture_start (&f, 0);
  for (unsigned i = 0; i < VIRTIO_NET_PENDING_MAX + 10; i++)
    virtio_net_nic_ops.receive (f.net, frame, 300);
  virtio_net_get_stats (f.net, &stats);
  g_assert_cmpuint (stats.rx_dropped, ==, 10);
  /* Empty and oversized frames from a backend are refused. */
  g_assert_false (virtio_net_nic_ops.receive (f.net, frame, 0));
  fixture_stop (&f);
}

static void
test_link (void)
{
  struct fixture f;
  struct virtio_net_config cfg;
  struct virtio_net_hdr_v1 hdr = { 0 };
  g_autofree uint8_t *frame = make_frame (100, 17);
  g_autofree uint8_t *back = g_malloc (NET_FRAME_MAX);
  uint8_t *data;
  uint32_t len = 0;

  fixture_start (&f, 0);
  virtio_net_set_link (f.net, false);
  g_assert_false (virtio_net_get_link (f.net));
  g_assert_cmpuint (f.config_irqs, ==, 1);
  f.vdev->ops->config_read (f.vdev, 0, &cfg, 8);
  g_assert_cmpuint (cfg.status, ==, 0);
  /* Down: dropped both ways, the guest's buffers still come back. */
  post_rx (&f, 2048);
  g_assert_false (virtio_net_nic_ops.receive (f.net, frame, 100));
  g_assert_false (get_rx (&f, NULL, &data, &len));
  send_tx (&f, &hdr, frame, 100, HDR);
  g_assert_cmpuint (take (&f, back), ==, 0);
  g_assert_cmpuint (tvq_used_idx (&f.tx), ==, 1);
  /* Setting the same state again is no change. */
  virtio_net_set_link (f.net, false);
  g_assert_cmpuint (f.config_irqs, ==, 1);
  virtio_net_set_link (f.net, true);
  g_assert_cmpuint (f.config_irqs, ==, 2);
  f.vdev->ops->config_read (f.vdev, 0, &cfg, 8);
  g_assert_cmpuint (cfg.status, ==, VIRTIO_NET_S_LINK_UP);
  g_assert_true (virtio_net_nic_ops.receive (f.net, frame, 100));
  g_assert_true (get_rx (&f, NULL, &data, &len));
  fixture_stop (&f);
}

/* A reset forgets the frames of the old driver, both ways. */
static void
test_reset (void)
{
  struct fixture f;
  struct virtio_net_hdr_v1 hdr = { 0 };
  g_autofree uint8_t *frame = make_frame (100, 19);
  g_autofree uint8_t *back = g_malloc (NET_FRAME_MAX);

  fixture_start (&f, 0);
  send_tx (&f, &hdr, frame, 100, HDR);
  g_assert_true (virtio_net_nic_ops.receive (f.net, frame, 100));
  virtio_device_reset (f.vdev);
  g_assert_cmpuint (take (&f, back), ==, 0);
  /* Not live: frames for the guest are refused. */
  g_assert_false (virtio_net_nic_ops.receive (f.net, frame, 100));
  fixture_stop (&f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/Vmm/virtio-net/config", test_config);
  g_test_add_func ("/Vmm/virtio-net/tx", test_tx);
  g_test_add_func ("/Vmm/virtio-net/tx-checksum", test_tx_checksum);
  g_test_add_func ("/Vmm/virtio-net/tx-checksum-not-negotiated",
                   test_tx_checksum_not_negotiated);
  g_test_add_func ("/Vmm/virtio-net/tx-hostile", test_tx_hostile);
  g_test_add_func ("/Vmm/virtio-net/tx-back-pressure", test_tx_back_pressure);
  g_test_add_func ("/Vmm/virtio-net/rx", test_rx);
  g_test_add_func ("/Vmm/virtio-net/rx-mergeable", test_rx_mergeable);
  g_test_add_func ("/Vmm/virtio-net/rx-hostile", test_rx_hostile);
  g_test_add_func ("/Vmm/virtio-net/link", test_link);
  g_test_add_func ("/Vmm/virtio-net/reset", test_reset);
  return g_test_run ();
}
