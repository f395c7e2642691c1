/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-virtio-input"

#include "config.h"

#include <glib.h>
#include <linux/input.h>
#include <linux/virtio_input.h>

#include "input/input.h"
#include "virtio/virtio-input.h"
#include "../platform/test-log.h"
#include "../virtio/virtio-test-driver.h"

#define MIB        (1ull << 20)
#define QSIZE      64
#define EVENT_BUFS 0x40000ull   /* eventq buffer i at EVENT_BUFS + 8 * i */
#define STATUS_BUF 0x50000ull

struct fixture {
  struct guest_memory mem;
  struct virtio_input *in;
  struct virtio_device *vdev;
  struct test_vq evq, stq;
  unsigned irqs;
  uint16_t next_desc;    /* eventq descriptors are used round robin */
};

static void
record_queue (void *opaque, unsigned q)
{
  struct fixture *f = opaque;

  f->irqs++;
}

static const struct virtio_transport_ops recorder = { .notify_queue = record_queue };

static void
fixture_start (struct fixture *f, enum virtio_input_kind kind, bool live)
{
  memset (f, 0, sizeof *f);
  g_assert_cmpint (guest_memory_init (&f->mem, 32 * MIB, 16 * MIB), ==, 0);
  f->in = virtio_input_new (&f->mem, kind);
  f->vdev = virtio_input_get_device (f->in);
  g_assert_cmpuint (f->vdev->ops->device_id, ==, 18);
  g_assert_cmpuint (f->vdev->ops->num_queues, ==, 2);
  virtio_device_set_transport (f->vdev, &recorder, f);
  f->vdev->guest_features = f->vdev->host_features;
  tvq_init (&f->evq, &f->mem, &f->vdev->queues[0], QSIZE, 0x10000);
  tvq_init (&f->stq, &f->mem, &f->vdev->queues[1], QSIZE, 0x20000);
  g_assert_cmpint (virtqueue_enable (&f->vdev->queues[0]), ==, 0);
  g_assert_cmpint (virtqueue_enable (&f->vdev->queues[1]), ==, 0);
  if (live)
    atomic_store (&f->vdev->status, VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_FEATURES_OK);
}

static void
fixture_stop (struct fixture *f)
{
  virtio_input_destroy (f->in);
  guest_memory_destroy (&f->mem);
}

/* Posts @n 8-byte writable buffers on the eventq and kicks. */
static void
post_events (struct fixture *f, unsigned n)
{
  for (unsigned i = 0; i < n; i++)
    {
      uint16_t d = f->next_desc++ % QSIZE;

      tvq_set_desc (&f->evq, d, EVENT_BUFS + 8ull * d, 8, VRING_DESC_F_WRITE, 0);
      tvq_publish (&f->evq, d);
    }
  f->vdev->ops->queue_notify (f->vdev, 0);
}

/* The next event the device returned; FALSE when there is none. */
static gboolean
get_event (struct fixture *f, uint16_t *type, uint16_t *code, int32_t *value)
{
  struct virtio_input_event ev;
  uint32_t id = 0, len = 0;

  if (!tvq_get_used (&f->evq, &id, &len))
    return FALSE;
  g_assert_cmpuint (id, <, QSIZE);
  g_assert_cmpuint (len, ==, 8);
  g_assert_cmpint (guest_memory_read (&f->mem, EVENT_BUFS + 8ull * id, &ev, 8), ==, 0);
  *type = GUINT16_FROM_LE (ev.type);
  *code = GUINT16_FROM_LE (ev.code);
  *value = (int32_t) GUINT32_FROM_LE (ev.value);
  return TRUE;
}

static void
expect_event (struct fixture *f, uint16_t type, uint16_t code, int32_t value)
{
  uint16_t t, c;
  int32_t v;

  g_assert_true (get_event (f, &t, &c, &v));
  g_assert_cmpuint (t, ==, type);
  g_assert_cmpuint (c, ==, code);
  g_assert_cmpint (v, ==, value);
}

static void
expect_no_event (struct fixture *f)
{
  uint16_t t, c;
  int32_t v;

  g_assert_false (get_event (f, &t, &c, &v));
}

/* ---- configuration space ---- */

static unsigned
cfg_select (struct fixture *f, uint8_t select, uint8_t subsel, struct virtio_input_config *cfg)
{
  uint8_t sel[2] = { select, subsel };

  /* The transport writes under the device lock. */
  pthread_mutex_lock (&f->vdev->lock);
  f->vdev->ops->config_write (f->vdev, 0, &sel[0], 1);
  f->vdev->ops->config_write (f->vdev, 1, &sel[1], 1);
  pthread_mutex_unlock (&f->vdev->lock);
  g_assert_cmpuint (f->vdev->ops->config_size, ==, sizeof *cfg);
  /* The driver reads byte by byte, as Linux does. */
  for (unsigned i = 0; i < sizeof *cfg; i++)
    f->vdev->ops->config_read (f->vdev, i, (uint8_t *) cfg + i, 1);
  g_assert_cmpuint (cfg->select, ==, select);
  g_assert_cmpuint (cfg->subsel, ==, subsel);
  return cfg->size;
}

static bool
bit_set (const struct virtio_input_config *cfg, unsigned bit)
{
  return bit / 8 < cfg->size && (cfg->u.bitmap[bit / 8] >> (bit % 8)) & 1;
}

static void
test_config_keyboard (void)
{
  struct fixture f;
  struct virtio_input_config cfg;

  fixture_start (&f, VIRTIO_INPUT_KEYBOARD, false);
  g_assert_cmpuint (cfg_select (&f, VIRTIO_INPUT_CFG_ID_NAME, 0, &cfg), ==, 18);
  g_assert_cmpmem (cfg.u.string, 18, "Terrarium Keyboard", 18);
  g_assert_cmpuint (cfg_select (&f, VIRTIO_INPUT_CFG_ID_SERIAL, 0, &cfg), >, 0);
  g_assert_cmpuint (cfg_select (&f, VIRTIO_INPUT_CFG_ID_DEVIDS, 0, &cfg), ==, 8);
  g_assert_cmpuint (GUINT16_FROM_LE (cfg.u.ids.bustype), ==, BUS_VIRTUAL);
  g_assert_cmpuint (GUINT16_FROM_LE (cfg.u.ids.product), ==, 1);
  g_assert_cmpuint (cfg_select (&f, VIRTIO_INPUT_CFG_PROP_BITS, 0, &cfg), ==, 0);

  g_assert_cmpuint (cfg_select (&f, VIRTIO_INPUT_CFG_EV_BITS, EV_KEY, &cfg), >, 0);
  g_assert_true (bit_set (&cfg, KEY_A));
  g_assert_true (bit_set (&cfg, KEY_102ND));
  g_assert_true (bit_set (&cfg, KEY_PAUSE));
  g_assert_true (bit_set (&cfg, KEY_COMPOSE));
  g_assert_true (bit_set (&cfg, KEY_KPENTER));
  g_assert_false (bit_set (&cfg, 0));
  g_assert_false (bit_set (&cfg, BTN_LEFT));
  g_assert_cmpuint (cfg_select (&f, VIRTIO_INPUT_CFG_EV_BITS, EV_LED, &cfg), ==, 1);
  g_assert_true (bit_set (&cfg, LED_CAPSL));
  g_assert_true (bit_set (&cfg, LED_NUML));
  g_assert_true (bit_set (&cfg, LED_SCROLLL));
  g_assert_cmpuint (cfg_select (&f, VIRTIO_INPUT_CFG_EV_BITS, EV_REP, &cfg), >, 0);
  g_assert_cmpuint (cfg_select (&f, VIRTIO_INPUT_CFG_EV_BITS, EV_REL, &cfg), ==, 0);
  g_assert_cmpuint (cfg_select (&f, VIRTIO_INPUT_CFG_EV_BITS, EV_ABS, &cfg), ==, 0);
  g_assert_cmpuint (cfg_select (&f, VIRTIO_INPUT_CFG_ABS_INFO, ABS_X, &cfg), ==, 0);

  /* Nonsense selects answer nothing. */
  g_assert_cmpuint (cfg_select (&f, VIRTIO_INPUT_CFG_UNSET, 0, &cfg), ==, 0);
  g_assert_cmpuint (cfg_select (&f, 0x7f, 0xff, &cfg), ==, 0);
  g_assert_cmpuint (cfg_select (&f, VIRTIO_INPUT_CFG_ID_NAME, 9, &cfg), ==, 0);
  g_assert_cmpuint (cfg_select (&f, VIRTIO_INPUT_CFG_EV_BITS, 0xff, &cfg), ==, 0);

  /* A two-byte write sets both; writes elsewhere change nothing. */
  {
    uint8_t sel[2] = { VIRTIO_INPUT_CFG_ID_DEVIDS, 0 }, junk[8] = { 0xff };
    uint32_t word = 0;

    pthread_mutex_lock (&f.vdev->lock);
    f.vdev->ops->config_write (f.vdev, 0, sel, 2);
    f.vdev->ops->config_write (f.vdev, 2, junk, 8);
    pthread_mutex_unlock (&f.vdev->lock);
    f.vdev->ops->config_read (f.vdev, 0, &word, 4);
    g_assert_cmphex (word, ==, VIRTIO_INPUT_CFG_ID_DEVIDS | 8 << 16);
  }
  fixture_stop (&f);
}

static void
test_config_pointers (void)
{
  struct fixture f;
  struct virtio_input_config cfg;

  fixture_start (&f, VIRTIO_INPUT_TABLET, false);
  g_assert_cmpuint (cfg_select (&f, VIRTIO_INPUT_CFG_ID_NAME, 0, &cfg), ==, 16);
  g_assert_cmpmem (cfg.u.string, 16, "Terrarium Tablet", 16);
  g_assert_cmpuint (cfg_select (&f, VIRTIO_INPUT_CFG_PROP_BITS, 0, &cfg), ==, 0);
  g_assert_cmpuint (cfg_select (&f, VIRTIO_INPUT_CFG_EV_BITS, EV_ABS, &cfg), ==, 1);
  g_assert_true (bit_set (&cfg, ABS_X));
  g_assert_true (bit_set (&cfg, ABS_Y));
  g_assert_cmpuint (cfg_select (&f, VIRTIO_INPUT_CFG_EV_BITS, EV_KEY, &cfg), >, 0);
  g_assert_true (bit_set (&cfg, BTN_LEFT));
  g_assert_true (bit_set (&cfg, BTN_RIGHT));
  g_assert_true (bit_set (&cfg, BTN_MIDDLE));
  g_assert_true (bit_set (&cfg, BTN_SIDE));
  g_assert_true (bit_set (&cfg, BTN_EXTRA));
  g_assert_false (bit_set (&cfg, BTN_TOUCH));
  g_assert_false (bit_set (&cfg, KEY_A));
  g_assert_cmpuint (cfg_select (&f, VIRTIO_INPUT_CFG_EV_BITS, EV_REL, &cfg), >, 0);
  g_assert_true (bit_set (&cfg, REL_WHEEL));
  g_assert_false (bit_set (&cfg, REL_X));
  g_assert_cmpuint (cfg_select (&f, VIRTIO_INPUT_CFG_EV_BITS, EV_LED, &cfg), ==, 0);
  g_assert_cmpuint (cfg_select (&f, VIRTIO_INPUT_CFG_EV_BITS, EV_REP, &cfg), ==, 0);
  for (unsigned axis = ABS_X; axis <= ABS_Y; axis++)
    {
      g_assert_cmpuint (cfg_select (&f, VIRTIO_INPUT_CFG_ABS_INFO, axis, &cfg), ==, 20);
      g_assert_cmpuint (GUINT32_FROM_LE (cfg.u.abs.min), ==, 0);
      g_assert_cmpuint (GUINT32_FROM_LE (cfg.u.abs.max), ==, 32767);
      g_assert_cmpuint (cfg.u.abs.fuzz | cfg.u.abs.flat | cfg.u.abs.res, ==, 0);
    }
  g_assert_cmpuint (cfg_select (&f, VIRTIO_INPUT_CFG_ABS_INFO, ABS_Z, &cfg), ==, 0);
  fixture_stop (&f);

  fixture_start (&f, VIRTIO_INPUT_MOUSE, false);
  g_assert_cmpuint (cfg_select (&f, VIRTIO_INPUT_CFG_ID_NAME, 0, &cfg), ==, 15);
  g_assert_cmpmem (cfg.u.string, 15, "Terrarium Mouse", 15);
  g_assert_cmpuint (cfg_select (&f, VIRTIO_INPUT_CFG_EV_BITS, EV_REL, &cfg), >, 0);
  g_assert_true (bit_set (&cfg, REL_X));
  g_assert_true (bit_set (&cfg, REL_Y));
  g_assert_true (bit_set (&cfg, REL_WHEEL));
  g_assert_cmpuint (cfg_select (&f, VIRTIO_INPUT_CFG_EV_BITS, EV_KEY, &cfg), >, 0);
  g_assert_true (bit_set (&cfg, BTN_LEFT));
  g_assert_cmpuint (cfg_select (&f, VIRTIO_INPUT_CFG_EV_BITS, EV_ABS, &cfg), ==, 0);
  g_assert_cmpuint (cfg_select (&f, VIRTIO_INPUT_CFG_ABS_INFO, ABS_X, &cfg), ==, 0);
  fixture_stop (&f);
}

/* ---- events ---- */

static void
test_keys (void)
{
  struct fixture f;

  fixture_start (&f, VIRTIO_INPUT_KEYBOARD, true);
  post_events (&f, 8);
  g_assert_cmpuint (f.irqs, ==, 0);

  virtio_input_key (f.in, KEY_A, true);
  expect_event (&f, EV_KEY, KEY_A, 1);
  expect_event (&f, EV_SYN, SYN_REPORT, 0);
  expect_no_event (&f);
  g_assert_cmpuint (f.irqs, >=, 1);
  virtio_input_key (f.in, KEY_A, false);
  expect_event (&f, EV_KEY, KEY_A, 0);
  expect_event (&f, EV_SYN, SYN_REPORT, 0);

  /* Codes outside evdev's range go nowhere. */
  virtio_input_key (f.in, -1, true);
  virtio_input_key (f.in, KEY_MAX + 1, true);
  expect_no_event (&f);
  fixture_stop (&f);
}

static void
test_pointer_events (void)
{
  struct fixture f;

  fixture_start (&f, VIRTIO_INPUT_TABLET, true);
  post_events (&f, 16);
  virtio_input_abs (f.in, 100, 40000);
  expect_event (&f, EV_ABS, ABS_X, 100);
  expect_event (&f, EV_ABS, ABS_Y, 32767);
  expect_event (&f, EV_SYN, SYN_REPORT, 0);
  virtio_input_button (f.in, BTN_LEFT, true);
  expect_event (&f, EV_KEY, BTN_LEFT, 1);
  expect_event (&f, EV_SYN, SYN_REPORT, 0);
  virtio_input_wheel (f.in, -2);
  expect_event (&f, EV_REL, REL_WHEEL, -2);
  expect_event (&f, EV_SYN, SYN_REPORT, 0);
  virtio_input_hwheel (f.in, 1);
  expect_event (&f, EV_REL, REL_HWHEEL, 1);
  expect_event (&f, EV_SYN, SYN_REPORT, 0);
  virtio_input_wheel (f.in, 0);
  expect_no_event (&f);
  fixture_stop (&f);

  fixture_start (&f, VIRTIO_INPUT_MOUSE, true);
  post_events (&f, 16);
  virtio_input_rel (f.in, -5, 7);
  expect_event (&f, EV_REL, REL_X, -5);
  expect_event (&f, EV_REL, REL_Y, 7);
  expect_event (&f, EV_SYN, SYN_REPORT, 0);
  virtio_input_rel (f.in, 0, 3);
  expect_event (&f, EV_REL, REL_Y, 3);
  expect_event (&f, EV_SYN, SYN_REPORT, 0);
  virtio_input_rel (f.in, 0, 0);
  expect_no_event (&f);
  fixture_stop (&f);
}

static void
test_wait_for_buffers (void)
{
  struct fixture f;

  /* Before the driver runs, events are discarded. */
  fixture_start (&f, VIRTIO_INPUT_KEYBOARD, false);
  post_events (&f, 4);
  virtio_input_key (f.in, KEY_B, true);
  expect_no_event (&f);
  atomic_store (&f.vdev->status, VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_FEATURES_OK);
  f.vdev->ops->queue_notify (f.vdev, 0);
  expect_no_event (&f);

  /* Four buffers taken, four events wait. */
  virtio_input_key (f.in, KEY_C, true);
  virtio_input_key (f.in, KEY_C, false);
  virtio_input_key (f.in, KEY_D, true);
  virtio_input_key (f.in, KEY_D, false);
  expect_event (&f, EV_KEY, KEY_C, 1);
  expect_event (&f, EV_SYN, SYN_REPORT, 0);
  expect_event (&f, EV_KEY, KEY_C, 0);
  expect_event (&f, EV_SYN, SYN_REPORT, 0);
  expect_no_event (&f);

  post_events (&f, 3);
  expect_event (&f, EV_KEY, KEY_D, 1);
  expect_event (&f, EV_SYN, SYN_REPORT, 0);
  expect_event (&f, EV_KEY, KEY_D, 0);
  expect_no_event (&f);
  post_events (&f, 1);
  expect_event (&f, EV_SYN, SYN_REPORT, 0);
  expect_no_event (&f);
  g_assert_cmpuint (virtio_input_get_dropped (f.in), ==, 0);

  /* A reset forgets what waits. */
  virtio_input_key (f.in, KEY_E, true);
  pthread_mutex_lock (&f.vdev->lock);
  virtio_device_reset (f.vdev);
  pthread_mutex_unlock (&f.vdev->lock);
  virtio_input_key (f.in, KEY_E, false);
  fixture_stop (&f);
}

static void
test_overflow (void)
{
  struct fixture f;
  unsigned batches = VIRTIO_INPUT_RING_SIZE, got = 0;
  int32_t first = -1, last = -1;
  uint16_t type, code;
  int32_t value;

  fixture_start (&f, VIRTIO_INPUT_MOUSE, true);
  /* Two events a batch: the ring holds the newest RING_SIZE / 2 batches. */
  for (int32_t i = 1; i <= (int32_t) batches; i++)
    virtio_input_rel (f.in, i, 0);
  g_assert_cmpuint (virtio_input_get_dropped (f.in), ==, VIRTIO_INPUT_RING_SIZE);

  /* A batch that can never fit is refused whole. */
  {
    g_autofree struct virtio_input_event_host *big =
      g_new0 (struct virtio_input_event_host, VIRTIO_INPUT_RING_SIZE + 1);

    GLogLevelFlags saved = test_log_allow_warnings ();

    virtio_input_send (f.in, big, VIRTIO_INPUT_RING_SIZE + 1);
    test_log_restore (saved);
    g_assert_cmpuint (virtio_input_get_dropped (f.in), ==, VIRTIO_INPUT_RING_SIZE);
  }

  for (;;)
    {
      post_events (&f, QSIZE);
      if (!get_event (&f, &type, &code, &value))
        break;
      do
        {
          got++;
          if (type == EV_REL)
            {
              g_assert_cmpuint (got % 2, ==, 1);
              if (first < 0)
                first = value;
              g_assert_cmpint (value, ==, last < 0 ? first : last + 1);
              last = value;
            }
          else
            {
              g_assert_cmpuint (got % 2, ==, 0);
              g_assert_cmpuint (type, ==, EV_SYN);
            }
        }
      while (get_event (&f, &type, &code, &value));
    }
  g_assert_cmpuint (got, ==, VIRTIO_INPUT_RING_SIZE);
  g_assert_cmpint (first, ==, batches / 2 + 1);
  g_assert_cmpint (last, ==, batches);

  /* An unterminated batch goes whole when room is needed. The drain above
   * left QSIZE buffers posted: those take the first events. */
  {
    struct virtio_input_event_host partial = { EV_REL, REL_X, 99 };

    for (unsigned i = 0; i < QSIZE + VIRTIO_INPUT_RING_SIZE; i++)
      virtio_input_send (f.in, &partial, 1);
    for (unsigned i = 0; i < QSIZE; i++)
      expect_event (&f, EV_REL, REL_X, 99);
    expect_no_event (&f);
    virtio_input_rel (f.in, 0, 5);
    g_assert_cmpuint (virtio_input_get_dropped (f.in), ==, 2 * VIRTIO_INPUT_RING_SIZE);
    post_events (&f, 2);
    expect_event (&f, EV_REL, REL_Y, 5);
    expect_event (&f, EV_SYN, SYN_REPORT, 0);
    expect_no_event (&f);
  }
  fixture_stop (&f);
}

static void
test_statusq (void)
{
  struct fixture f;
  struct virtio_input_event led = { GUINT16_TO_LE (EV_LED), GUINT16_TO_LE (LED_CAPSL),
                                    GUINT32_TO_LE (1) };
  uint32_t id = 0, len = 0;

  fixture_start (&f, VIRTIO_INPUT_KEYBOARD, true);
  g_assert_cmpuint (virtio_input_get_leds (f.in), ==, 0);

  g_assert_cmpint (guest_memory_write (&f.mem, STATUS_BUF, &led, 8), ==, 0);
  tvq_set_desc (&f.stq, 0, STATUS_BUF, 8, 0, 0);
  tvq_publish (&f.stq, 0);
  f.vdev->ops->queue_notify (f.vdev, 1);
  g_assert_true (tvq_get_used (&f.stq, &id, &len));
  g_assert_cmpuint (id, ==, 0);
  g_assert_cmpuint (len, ==, 0);
  g_assert_cmphex (virtio_input_get_leds (f.in), ==, 1u << LED_CAPSL);

  /* Num Lock on, in two pieces; then Caps Lock off. */
  led.code = GUINT16_TO_LE (LED_NUML);
  g_assert_cmpint (guest_memory_write (&f.mem, STATUS_BUF, &led, 8), ==, 0);
  tvq_set_desc (&f.stq, 1, STATUS_BUF, 3, VRING_DESC_F_NEXT, 2);
  tvq_set_desc (&f.stq, 2, STATUS_BUF + 3, 5, 0, 0);
  tvq_publish (&f.stq, 1);
  led.code = GUINT16_TO_LE (LED_CAPSL);
  led.value = 0;
  g_assert_cmpint (guest_memory_write (&f.mem, STATUS_BUF + 0x100, &led, 8), ==, 0);
  tvq_set_desc (&f.stq, 3, STATUS_BUF + 0x100, 8, 0, 0);
  tvq_publish (&f.stq, 3);
  /* Short, writable and unknown ones are returned and ignored. */
  tvq_set_desc (&f.stq, 4, STATUS_BUF, 4, 0, 0);
  tvq_publish (&f.stq, 4);
  tvq_set_desc (&f.stq, 5, STATUS_BUF + 0x200, 8, VRING_DESC_F_WRITE, 0);
  tvq_publish (&f.stq, 5);
  led.type = GUINT16_TO_LE (EV_LED);
  led.code = GUINT16_TO_LE (0xffff);
  led.value = GUINT32_TO_LE (1);
  g_assert_cmpint (guest_memory_write (&f.mem, STATUS_BUF + 0x300, &led, 8), ==, 0);
  tvq_set_desc (&f.stq, 6, STATUS_BUF + 0x300, 8, 0, 0);
  tvq_publish (&f.stq, 6);
  f.vdev->ops->queue_notify (f.vdev, 1);
  for (unsigned i = 0; i < 5; i++)
    g_assert_true (tvq_get_used (&f.stq, &id, &len));
  g_assert_false (tvq_get_used (&f.stq, &id, &len));
  g_assert_cmphex (virtio_input_get_leds (f.in), ==, 1u << LED_NUML);
  fixture_stop (&f);
}

/* ---- a hostile driver ---- */

static void
test_hostile (void)
{
  struct fixture f;
  uint32_t id = 0, len = 0;

  fixture_start (&f, VIRTIO_INPUT_KEYBOARD, true);
  /* Too small, then device-readable: both come back empty, the event waits. */
  tvq_set_desc (&f.evq, 0, EVENT_BUFS, 4, VRING_DESC_F_WRITE, 0);
  tvq_publish (&f.evq, 0);
  tvq_set_desc (&f.evq, 1, EVENT_BUFS + 8, 8, 0, 0);
  tvq_publish (&f.evq, 1);
  f.next_desc = 2;
  f.vdev->ops->queue_notify (f.vdev, 0);
  virtio_input_key (f.in, KEY_F, true);
  g_assert_true (tvq_get_used (&f.evq, &id, &len));
  g_assert_cmpuint (len, ==, 0);
  g_assert_true (tvq_get_used (&f.evq, &id, &len));
  g_assert_cmpuint (len, ==, 0);
  g_assert_false (tvq_get_used (&f.evq, &id, &len));
  post_events (&f, 2);
  expect_event (&f, EV_KEY, KEY_F, 1);
  expect_event (&f, EV_SYN, SYN_REPORT, 0);
  g_assert_true (virtio_device_is_live (f.vdev));

  /* A buffer outside RAM breaks the queue: the device stops, quietly. */
  tvq_set_desc (&f.evq, 9, 0xfffffff000ull, 8, VRING_DESC_F_WRITE, 0);
  tvq_publish (&f.evq, 9);
  virtio_input_key (f.in, KEY_G, true);
  g_assert_false (virtio_device_is_live (f.vdev));
  g_assert_cmpuint (atomic_load (&f.vdev->status) & VIRTIO_STATUS_NEEDS_RESET, !=, 0);
  virtio_input_key (f.in, KEY_G, false);
  f.vdev->ops->queue_notify (f.vdev, 0);
  f.vdev->ops->queue_notify (f.vdev, 1);
  fixture_stop (&f);

  /* The available index running ahead by more than the queue. */
  fixture_start (&f, VIRTIO_INPUT_KEYBOARD, true);
  tvq_set_avail_idx (&f.evq, QSIZE + 5);
  virtio_input_key (f.in, KEY_H, true);
  g_assert_false (virtio_device_is_live (f.vdev));
  tvq_set_avail_idx (&f.stq, QSIZE + 5);
  f.vdev->ops->queue_notify (f.vdev, 1);
  fixture_stop (&f);

  /* Kicks for queues that are not ready, or a statusq that breaks. */
  fixture_start (&f, VIRTIO_INPUT_TABLET, true);
  tvq_set_desc (&f.stq, 0, 0xfffffff000ull, 8, 0, 0);
  tvq_publish (&f.stq, 0);
  f.vdev->ops->queue_notify (f.vdev, 1);
  g_assert_false (virtio_device_is_live (f.vdev));
  fixture_stop (&f);
}

/* Injection from another thread while the driver keeps posting buffers. */
static gpointer
inject_thread (gpointer data)
{
  struct fixture *f = data;

  for (int i = 1; i <= 2000; i++)
    virtio_input_rel (f->in, i, 0);
  return NULL;
}

static void
test_threads (void)
{
  struct fixture f;
  GThread *thread;
  unsigned got = 0;
  uint16_t type, code;
  int32_t value, last = 0;

  fixture_start (&f, VIRTIO_INPUT_MOUSE, true);
  thread = g_thread_new ("inject", inject_thread, &f);
  while (last < 2000)
    {
      post_events (&f, QSIZE - (uint16_t) (f.next_desc - f.evq.used_seen));
      while (get_event (&f, &type, &code, &value))
        {
          got++;
          if (type == EV_REL)
            {
              g_assert_cmpint (value, >, last);
              last = value;
            }
        }
      if (last < 2000)
        g_thread_yield ();
    }
  g_thread_join (thread);
  g_assert_cmpuint (got, ==, 2 * 2000 - virtio_input_get_dropped (f.in));
  fixture_stop (&f);
}

/* ---- the router ---- */

static void
test_router_scaling (void)
{
  g_assert_cmpint (input_scale_abs (0, 1920), ==, 0);
  g_assert_cmpint (input_scale_abs (1919, 1920), ==, 32767);
  g_assert_cmpint (input_scale_abs (1920, 1920), ==, 32767);
  g_assert_cmpint (input_scale_abs (100000, 1920), ==, 32767);
  g_assert_cmpint (input_scale_abs (-1, 1920), ==, 0);
  g_assert_cmpint (input_scale_abs (INT32_MIN, 1920), ==, 0);
  g_assert_cmpint (input_scale_abs (INT32_MAX, UINT32_MAX), <=, 32767);
  g_assert_cmpint (input_scale_abs (5, 1), ==, 0);
  g_assert_cmpint (input_scale_abs (5, 0), ==, 0);
  g_assert_cmpint (input_scale_abs (1, 2), ==, 32767);
  g_assert_cmpint (input_scale_abs (512, 1025), ==, 16384);

  /* Each pixel gets its own value, and the guest's scaling back finds it. */
  for (int32_t x = 0, prev = -1; x < 1024; x++)
    {
      int32_t v = input_scale_abs (x, 1024);

      g_assert_cmpint (v, >, prev);
      g_assert_cmpint ((v * 1023 + 32767 / 2) / 32767, ==, x);
      prev = v;
    }
}

static uint8_t
ps2_read (struct bus *pio)
{
  uint8_t v = 0;

  bus_read (pio, I8042_DATA_PORT, &v, 1);
  return v;
}

static bool
ps2_has_data (struct bus *pio)
{
  uint8_t v = 0;

  bus_read (pio, I8042_COMMAND_PORT, &v, 1);
  return v & 0x01;
}

/* Keys go to PS/2 until the virtio keyboard's driver is up, then only there. */
static void
test_router_ps2 (void)
{
  struct fixture kbd;
  struct input_router router;
  struct bus pio;
  struct i8042 kbc;

  bus_init (&pio, "pio");
  g_assert_cmpint (i8042_init (&kbc, &pio, NULL, NULL, NULL), ==, 0);
  fixture_start (&kbd, VIRTIO_INPUT_KEYBOARD, false);
  post_events (&kbd, 16);
  input_router_init (&router, kbd.in, NULL, NULL);
  input_router_set_ps2 (&router, &kbc);

  input_key (&router, KEY_A, true);
  g_assert_true (ps2_has_data (&pio));
  g_assert_cmphex (ps2_read (&pio), ==, 0x1e);   /* set 1, translated */
  g_assert_false (ps2_has_data (&pio));
  expect_no_event (&kbd);

  /* The guest sets Caps Lock on the PS/2 keyboard: FA, FA. */
  bus_write (&pio, I8042_DATA_PORT, &(uint8_t) { 0xed }, 1);
  g_assert_cmphex (ps2_read (&pio), ==, 0xfa);
  bus_write (&pio, I8042_DATA_PORT, &(uint8_t) { 0x04 }, 1);
  g_assert_cmphex (ps2_read (&pio), ==, 0xfa);
  g_assert_cmpuint (input_get_leds (&router), ==, 1u << LED_CAPSL);

  /* A key held while the virtio driver comes up is released on PS/2. */
  atomic_store (&kbd.vdev->status, VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_FEATURES_OK);
  input_key (&router, KEY_A, false);
  g_assert_cmphex (ps2_read (&pio), ==, 0x9e);
  expect_no_event (&kbd);
  input_key (&router, KEY_A, true);
  input_key (&router, KEY_A, false);
  expect_event (&kbd, EV_KEY, KEY_A, 1);
  expect_event (&kbd, EV_SYN, SYN_REPORT, 0);
  expect_event (&kbd, EV_KEY, KEY_A, 0);
  expect_event (&kbd, EV_SYN, SYN_REPORT, 0);
  g_assert_false (ps2_has_data (&pio));
  g_assert_cmpuint (input_get_leds (&router), ==, 0);

  fixture_stop (&kbd);
  i8042_destroy (&kbc);
  bus_destroy (&pio);
}

static void
test_router (void)
{
  struct fixture kbd, tab, mouse;
  struct input_router router;

  fixture_start (&kbd, VIRTIO_INPUT_KEYBOARD, true);
  fixture_start (&tab, VIRTIO_INPUT_TABLET, true);
  fixture_start (&mouse, VIRTIO_INPUT_MOUSE, true);
  post_events (&kbd, 16);
  post_events (&tab, 16);
  post_events (&mouse, 16);
  input_router_init (&router, kbd.in, tab.in, mouse.in);

  input_key (&router, KEY_Z, true);
  expect_event (&kbd, EV_KEY, KEY_Z, 1);
  expect_event (&kbd, EV_SYN, SYN_REPORT, 0);

  /* The tablet is the default pointer. */
  input_button (&router, BTN_LEFT, true);
  expect_event (&tab, EV_KEY, BTN_LEFT, 1);
  expect_event (&tab, EV_SYN, SYN_REPORT, 0);
  input_pointer_abs (&router, 799, 300, 800, 601);
  expect_event (&tab, EV_ABS, ABS_X, 32767);
  expect_event (&tab, EV_ABS, ABS_Y, 16384);
  expect_event (&tab, EV_SYN, SYN_REPORT, 0);
  input_pointer_abs (&router, -10, 9999, 800, 600);
  expect_event (&tab, EV_ABS, ABS_X, 0);
  expect_event (&tab, EV_ABS, ABS_Y, 32767);
  expect_event (&tab, EV_SYN, SYN_REPORT, 0);

  /* Relative motion moves buttons and the wheel to the mouse. */
  input_pointer_rel (&router, 3, -4);
  expect_event (&mouse, EV_REL, REL_X, 3);
  expect_event (&mouse, EV_REL, REL_Y, -4);
  expect_event (&mouse, EV_SYN, SYN_REPORT, 0);
  input_button (&router, BTN_RIGHT, true);
  expect_event (&mouse, EV_KEY, BTN_RIGHT, 1);
  expect_event (&mouse, EV_SYN, SYN_REPORT, 0);
  input_wheel (&router, 1);
  expect_event (&mouse, EV_REL, REL_WHEEL, 1);
  expect_event (&mouse, EV_SYN, SYN_REPORT, 0);
  expect_no_event (&tab);

  /* And absolute motion back to the tablet. */
  input_pointer_abs (&router, 0, 0, 800, 600);
  expect_event (&tab, EV_ABS, ABS_X, 0);
  expect_event (&tab, EV_ABS, ABS_Y, 0);
  expect_event (&tab, EV_SYN, SYN_REPORT, 0);
  input_hwheel (&router, -1);
  expect_event (&tab, EV_REL, REL_HWHEEL, -1);
  expect_event (&tab, EV_SYN, SYN_REPORT, 0);
  expect_no_event (&mouse);
  g_assert_cmpuint (input_get_leds (&router), ==, 0);

  /* Missing devices drop their input. */
  input_router_init (&router, NULL, NULL, mouse.in);
  input_key (&router, KEY_A, true);
  input_pointer_abs (&router, 1, 1, 10, 10);
  input_button (&router, BTN_LEFT, false);
  expect_event (&mouse, EV_KEY, BTN_LEFT, 0);
  expect_event (&mouse, EV_SYN, SYN_REPORT, 0);
  g_assert_cmpuint (input_get_leds (&router), ==, 0);
  input_router_init (&router, NULL, NULL, NULL);
  input_button (&router, BTN_LEFT, false);
  input_wheel (&router, 1);
  input_pointer_rel (&router, 1, 1);

  fixture_stop (&kbd);
  fixture_stop (&tab);
  fixture_stop (&mouse);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/Vmm/virtio-input/config/keyboard", test_config_keyboard);
  g_test_add_func ("/Vmm/virtio-input/config/pointers", test_config_pointers);
  g_test_add_func ("/Vmm/virtio-input/keys", test_keys);
  g_test_add_func ("/Vmm/virtio-input/pointer-events", test_pointer_events);
  g_test_add_func ("/Vmm/virtio-input/wait-for-buffers", test_wait_for_buffers);
  g_test_add_func ("/Vmm/virtio-input/overflow", test_overflow);
  g_test_add_func ("/Vmm/virtio-input/statusq", test_statusq);
  g_test_add_func ("/Vmm/virtio-input/hostile", test_hostile);
  g_test_add_func ("/Vmm/virtio-input/threads", test_threads);
  g_test_add_func ("/Vmm/input/router-scaling", test_router_scaling);
  g_test_add_func ("/Vmm/input/router", test_router);
  g_test_add_func ("/Vmm/input/router-ps2", test_router_ps2);
  return g_test_run ();
}
