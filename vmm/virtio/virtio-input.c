/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "virtio-input"

#include "config.h"

#include "virtio-input.h"

#include <glib.h>
#include <linux/input.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_input.h>
#include <string.h>

#include "input/keymap.h"
#include "log.h"

#define VIRTIO_INPUT_EVENTQ     0
#define VIRTIO_INPUT_STATUSQ    1
#define VIRTIO_INPUT_QUEUE_SIZE 64

/* Ours to choose on the virtual bus: the virtio vendor, one product each. */
#define VIRTIO_INPUT_VENDOR  0x1af4
#define VIRTIO_INPUT_VERSION 1

struct virtio_input {
  struct virtio_device vdev;
  enum virtio_input_kind kind;

  /* All below under vdev.lock. */
  uint8_t select, subsel;
  /* The answer to select/subsel, built when they change: drivers read it
   * a byte at a time. */
  struct virtio_input_config cfg;
  struct virtio_input_event_host ring[VIRTIO_INPUT_RING_SIZE];
  unsigned head, count;
  uint32_t leds;
  uint64_t dropped;
  bool overflow_logged;
};

static const struct {
  const char *name;
  const char *serial;
  const char *vdev_name;
  uint16_t product;
} virtio_input_ids[] = {
  [VIRTIO_INPUT_KEYBOARD] = { "Terrarium Keyboard", "terrarium-keyboard", "virtio-keyboard", 1 },
  [VIRTIO_INPUT_TABLET] = { "Terrarium Tablet", "terrarium-tablet", "virtio-tablet", 2 },
  [VIRTIO_INPUT_MOUSE] = { "Terrarium Mouse", "terrarium-mouse", "virtio-mouse", 3 },
};

static const uint16_t virtio_input_buttons[] = {
  BTN_LEFT, BTN_RIGHT, BTN_MIDDLE, BTN_SIDE, BTN_EXTRA,
};

/* ---- configuration space ---- */

static void
virtio_input_set_bit (uint8_t *bitmap, unsigned bit, unsigned *size)
{
  bitmap[bit / 8] |= 1u << (bit % 8);
  *size = MAX (*size, bit / 8 + 1);
}

/* The bitmap of codes @in produces for event type @type; returns its size. */
static unsigned
virtio_input_ev_bits (const struct virtio_input *in, unsigned type, uint8_t *bitmap)
{
  unsigned size = 0;

  switch (type)
    {
    case EV_KEY:
      if (in->kind == VIRTIO_INPUT_KEYBOARD)
        {
          for (unsigned code = 1; code <= KEY_MAX; code++)
            if (keymap_evdev_is_known (code))
              virtio_input_set_bit (bitmap, code, &size);
        }
      else
        for (size_t i = 0; i < G_N_ELEMENTS (virtio_input_buttons); i++)
          virtio_input_set_bit (bitmap, virtio_input_buttons[i], &size);
      break;
    case EV_REL:
      if (in->kind == VIRTIO_INPUT_MOUSE)
        {
          virtio_input_set_bit (bitmap, REL_X, &size);
          virtio_input_set_bit (bitmap, REL_Y, &size);
        }
      if (in->kind != VIRTIO_INPUT_KEYBOARD)
        {
          virtio_input_set_bit (bitmap, REL_WHEEL, &size);
          virtio_input_set_bit (bitmap, REL_HWHEEL, &size);
        }
      break;
    case EV_ABS:
      /* ABS_X/ABS_Y with buttons and no INPUT_PROP_DIRECT nor BTN_TOUCH:
       * guests (udev, libinput) take it for an absolute mouse. */
      if (in->kind == VIRTIO_INPUT_TABLET)
        {
          virtio_input_set_bit (bitmap, ABS_X, &size);
          virtio_input_set_bit (bitmap, ABS_Y, &size);
        }
      break;
    case EV_LED:
      if (in->kind == VIRTIO_INPUT_KEYBOARD)
        {
          virtio_input_set_bit (bitmap, LED_NUML, &size);
          virtio_input_set_bit (bitmap, LED_CAPSL, &size);
          virtio_input_set_bit (bitmap, LED_SCROLLL, &size);
        }
      break;
    case EV_REP:
      /* Any answer turns on the guest's own autorepeat, so front ends send
       * presses and releases only. */
      if (in->kind == VIRTIO_INPUT_KEYBOARD)
        size = 1;
      break;
    default:
      break;
    }
  return size;
}

static unsigned
virtio_input_string (const char *s, struct virtio_input_config *cfg)
{
  size_t len = MIN (strlen (s), sizeof cfg->u.string);

  memcpy (cfg->u.string, s, len);
  return len;
}

/* Fills @cfg with the answer to the driver's select/subsel. */
static void
virtio_input_config_image (const struct virtio_input *in, struct virtio_input_config *cfg)
{
  unsigned size = 0;

  memset (cfg, 0, sizeof *cfg);
  cfg->select = in->select;
  cfg->subsel = in->subsel;

  switch (in->select)
    {
    case VIRTIO_INPUT_CFG_ID_NAME:
      if (in->subsel == 0)
        size = virtio_input_string (virtio_input_ids[in->kind].name, cfg);
      break;
    case VIRTIO_INPUT_CFG_ID_SERIAL:
      if (in->subsel == 0)
        size = virtio_input_string (virtio_input_ids[in->kind].serial, cfg);
      break;
    case VIRTIO_INPUT_CFG_ID_DEVIDS:
      if (in->subsel == 0)
        {
          cfg->u.ids.bustype = GUINT16_TO_LE (BUS_VIRTUAL);
          cfg->u.ids.vendor = GUINT16_TO_LE (VIRTIO_INPUT_VENDOR);
          cfg->u.ids.product = GUINT16_TO_LE (virtio_input_ids[in->kind].product);
          cfg->u.ids.version = GUINT16_TO_LE (VIRTIO_INPUT_VERSION);
          size = sizeof cfg->u.ids;
        }
      break;
    case VIRTIO_INPUT_CFG_PROP_BITS:
      break;  /* no properties: see EV_ABS */
    case VIRTIO_INPUT_CFG_EV_BITS:
      size = virtio_input_ev_bits (in, in->subsel, cfg->u.bitmap);
      break;
    case VIRTIO_INPUT_CFG_ABS_INFO:
      if (in->kind == VIRTIO_INPUT_TABLET && (in->subsel == ABS_X || in->subsel == ABS_Y))
        {
          cfg->u.abs.min = GUINT32_TO_LE (0);
          cfg->u.abs.max = GUINT32_TO_LE (VIRTIO_INPUT_ABS_MAX);
          size = sizeof cfg->u.abs;
        }
      break;
    default:
      break;
    }
  cfg->size = size;
}

static void
virtio_input_config_read (struct virtio_device *vdev, unsigned offset, void *data,
                          unsigned size)
{
  struct virtio_input *in = vdev->opaque;

  pthread_mutex_lock (&vdev->lock);
  memcpy (data, (const uint8_t *) &in->cfg + offset, size);
  pthread_mutex_unlock (&vdev->lock);
}

/* The transport holds vdev->lock. Only select and subsel are writable. */
static void
virtio_input_config_write (struct virtio_device *vdev, unsigned offset, const void *data,
                           unsigned size)
{
  struct virtio_input *in = vdev->opaque;
  const uint8_t *bytes = data;

  for (unsigned i = 0; i < size; i++)
    {
      if (offset + i == offsetof (struct virtio_input_config, select))
        in->select = bytes[i];
      else if (offset + i == offsetof (struct virtio_input_config, subsel))
        in->subsel = bytes[i];
    }
  virtio_input_config_image (in, &in->cfg);
}

/* ---- the event ring and the eventq ---- */

/* With the lock held: drops events up to and including the oldest
 * SYN_REPORT, so the guest never sees half a batch. */
static void
virtio_input_drop_oldest_batch (struct virtio_input *in)
{
  while (in->count > 0)
    {
      const struct virtio_input_event_host *ev = &in->ring[in->head];
      bool end = ev->type == EV_SYN && ev->code == SYN_REPORT;

      in->head = (in->head + 1) % VIRTIO_INPUT_RING_SIZE;
      in->count--;
      in->dropped++;
      if (end)
        break;
    }
}

/* With the lock held: moves waiting events into the driver's buffers. */
static void
virtio_input_flush (struct virtio_input *in)
{
  struct virtio_device *vdev = &in->vdev;
  struct virtqueue *vq = &vdev->queues[VIRTIO_INPUT_EVENTQ];
  bool pushed = false;

  if (!virtio_device_is_live (vdev) || !vq->ready)
    return;
  while (in->count > 0)
    {
      const struct virtio_input_event_host *ev = &in->ring[in->head];
      struct virtio_input_event le;
      struct virtqueue_elem elem;
      int ret = virtqueue_pop (vq, &elem);

      if (ret < 0)
        {
          virtio_device_set_broken (vdev);
          return;
        }
      if (ret == 0)
        {
          /* Out of buffers: the driver kicks when it posts more. */
          if (virtqueue_enable_notify (vq))
            continue;
          break;
        }
      pushed = true;
      if (elem.out_num > 0 || elem.in_len < sizeof le)
        {
          /* Given back empty; the event waits for a proper buffer. */
          vmm_guest_error ("%s: eventq buffer is not a writable %zu bytes", vdev->name,
                           sizeof le);
          virtqueue_push (vq, &elem, 0);
          continue;
        }
      le.type = GUINT16_TO_LE (ev->type);
      le.code = GUINT16_TO_LE (ev->code);
      le.value = GUINT32_TO_LE ((uint32_t) ev->value);
      virtqueue_iov_from_buf (elem.iov + elem.out_num, elem.in_num, 0, &le, sizeof le);
      virtqueue_push (vq, &elem, sizeof le);
      in->head = (in->head + 1) % VIRTIO_INPUT_RING_SIZE;
      in->count--;
    }
  if (pushed)
    virtio_device_notify_queue (vdev, VIRTIO_INPUT_EVENTQ);
}

void
virtio_input_send (struct virtio_input *in, const struct virtio_input_event_host *events,
                   unsigned n)
{
  struct virtio_device *vdev = &in->vdev;

  if (n == 0)
    return;
  if (n > VIRTIO_INPUT_RING_SIZE)
    {
      vmm_error ("%s: a batch of %u events is more than the device holds; dropped",
                 vdev->name, n);
      return;
    }

  pthread_mutex_lock (&vdev->lock);
  if (!virtio_device_is_live (vdev))
    {
      pthread_mutex_unlock (&vdev->lock);
      return;
    }
  if (VIRTIO_INPUT_RING_SIZE - in->count < n)
    {
      if (!in->overflow_logged)
        vmm_info ("%s: the guest does not read its input events; dropping the oldest",
                  vdev->name);
      in->overflow_logged = true;
      while (VIRTIO_INPUT_RING_SIZE - in->count < n)
        virtio_input_drop_oldest_batch (in);
    }
  for (unsigned i = 0; i < n; i++)
    in->ring[(in->head + in->count + i) % VIRTIO_INPUT_RING_SIZE] = events[i];
  in->count += n;
  virtio_input_flush (in);
  pthread_mutex_unlock (&vdev->lock);
}

/* ---- the statusq ---- */

/* With the lock held. */
static void
virtio_input_status (struct virtio_input *in, const struct virtqueue_elem *elem)
{
  struct virtio_input_event le;

  if (virtqueue_iov_to_buf (elem->iov, elem->out_num, 0, &le, sizeof le) != sizeof le)
    {
      vmm_guest_error ("%s: statusq buffer shorter than an event", in->vdev.name);
      return;
    }
  if (GUINT16_FROM_LE (le.type) == EV_LED && GUINT16_FROM_LE (le.code) < 32)
    {
      uint32_t bit = 1u << GUINT16_FROM_LE (le.code);

      if (GUINT32_FROM_LE (le.value))
        in->leds |= bit;
      else
        in->leds &= ~bit;
    }
}

static void
virtio_input_statusq (struct virtio_input *in)
{
  struct virtio_device *vdev = &in->vdev;
  struct virtqueue *vq = &vdev->queues[VIRTIO_INPUT_STATUSQ];
  struct virtqueue_elem elem;
  int ret = 0;

  do
    {
      while (virtio_device_is_live (vdev) && (ret = virtqueue_pop (vq, &elem)) > 0)
        {
          virtio_input_status (in, &elem);
          virtqueue_push (vq, &elem, 0);
        }
      if (ret < 0)
        {
          virtio_device_set_broken (vdev);
          return;
        }
      virtio_device_notify_queue (vdev, VIRTIO_INPUT_STATUSQ);
    }
  while (virtio_device_is_live (vdev) && virtqueue_enable_notify (vq));
}

static void
virtio_input_queue_notify (struct virtio_device *vdev, unsigned q)
{
  struct virtio_input *in = vdev->opaque;

  pthread_mutex_lock (&vdev->lock);
  if (q == VIRTIO_INPUT_EVENTQ)
    virtio_input_flush (in);
  else if (q == VIRTIO_INPUT_STATUSQ)
    virtio_input_statusq (in);
  pthread_mutex_unlock (&vdev->lock);
}

/* The transport holds vdev->lock. */
static void
virtio_input_reset (struct virtio_device *vdev)
{
  struct virtio_input *in = vdev->opaque;

  in->select = in->subsel = 0;
  virtio_input_config_image (in, &in->cfg);
  in->head = in->count = 0;
  in->leds = 0;
  in->overflow_logged = false;
}

static const struct virtio_device_ops virtio_input_ops = {
  .device_id = VIRTIO_ID_INPUT,
  .num_queues = 2,
  .queue_max_size = VIRTIO_INPUT_QUEUE_SIZE,
  .config_size = sizeof (struct virtio_input_config),
  .config_read = virtio_input_config_read,
  .config_write = virtio_input_config_write,
  .queue_notify = virtio_input_queue_notify,
  .reset = virtio_input_reset,
};

/* ---- life cycle and helpers ---- */

struct virtio_input *
virtio_input_new (const struct guest_memory *mem, enum virtio_input_kind kind)
{
  struct virtio_input *in;

  g_return_val_if_fail (kind <= VIRTIO_INPUT_MOUSE, NULL);
  in = g_new0 (struct virtio_input, 1);
  in->kind = kind;
  virtio_input_config_image (in, &in->cfg);
  virtio_device_init (&in->vdev, virtio_input_ids[kind].vdev_name, &virtio_input_ops, in, mem,
                      0);
  return in;
}

void
virtio_input_destroy (struct virtio_input *in)
{
  if (!in)
    return;
  virtio_device_destroy (&in->vdev);
  g_free (in);
}

struct virtio_device *
virtio_input_get_device (struct virtio_input *in)
{
  return &in->vdev;
}

enum virtio_input_kind
virtio_input_get_kind (const struct virtio_input *in)
{
  return in->kind;
}

uint32_t
virtio_input_get_leds (struct virtio_input *in)
{
  uint32_t leds;

  pthread_mutex_lock (&in->vdev.lock);
  leds = in->leds;
  pthread_mutex_unlock (&in->vdev.lock);
  return leds;
}

uint64_t
virtio_input_get_dropped (struct virtio_input *in)
{
  uint64_t dropped;

  pthread_mutex_lock (&in->vdev.lock);
  dropped = in->dropped;
  pthread_mutex_unlock (&in->vdev.lock);
  return dropped;
}

#define VIRTIO_INPUT_SYN { EV_SYN, SYN_REPORT, 0 }

void
virtio_input_key (struct virtio_input *in, int evdev_code, bool pressed)
{
  const struct virtio_input_event_host ev[] = {
    { EV_KEY, evdev_code, pressed }, VIRTIO_INPUT_SYN,
  };

  if (evdev_code <= 0 || evdev_code > KEY_MAX)
    return;
  virtio_input_send (in, ev, G_N_ELEMENTS (ev));
}

void
virtio_input_button (struct virtio_input *in, int btn, bool pressed)
{
  virtio_input_key (in, btn, pressed);
}

void
virtio_input_abs (struct virtio_input *in, int32_t x, int32_t y)
{
  const struct virtio_input_event_host ev[] = {
    { EV_ABS, ABS_X, CLAMP (x, 0, VIRTIO_INPUT_ABS_MAX) },
    { EV_ABS, ABS_Y, CLAMP (y, 0, VIRTIO_INPUT_ABS_MAX) },
    VIRTIO_INPUT_SYN,
  };

  virtio_input_send (in, ev, G_N_ELEMENTS (ev));
}

void
virtio_input_rel (struct virtio_input *in, int32_t dx, int32_t dy)
{
  struct virtio_input_event_host ev[3];
  unsigned n = 0;

  if (dx)
    ev[n++] = (struct virtio_input_event_host) { EV_REL, REL_X, dx };
  if (dy)
    ev[n++] = (struct virtio_input_event_host) { EV_REL, REL_Y, dy };
  if (n == 0)
    return;
  ev[n++] = (struct virtio_input_event_host) VIRTIO_INPUT_SYN;
  virtio_input_send (in, ev, n);
}

static void
virtio_input_rel_one (struct virtio_input *in, uint16_t code, int32_t value)
{
  const struct virtio_input_event_host ev[] = {
    { EV_REL, code, value }, VIRTIO_INPUT_SYN,
  };

  if (value)
    virtio_input_send (in, ev, G_N_ELEMENTS (ev));
}

void
virtio_input_wheel (struct virtio_input *in, int32_t dy)
{
  virtio_input_rel_one (in, REL_WHEEL, dy);
}

void
virtio_input_hwheel (struct virtio_input *in, int32_t dx)
{
  virtio_input_rel_one (in, REL_HWHEEL, dx);
}
