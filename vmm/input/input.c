/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "input"

#include "config.h"

#include "input.h"

#include <glib.h>

void
input_router_init (struct input_router *router, struct virtio_input *keyboard,
                   struct virtio_input *tablet, struct virtio_input *mouse)
{
  router->keyboard = keyboard;
  router->tablet = tablet;
  router->mouse = mouse;
  router->ps2 = NULL;
  for (unsigned i = 0; i < INPUT_KEY_WORDS; i++)
    atomic_init (&router->ps2_down[i], 0);
  atomic_init (&router->relative, tablet == NULL);
}

void
input_router_set_ps2 (struct input_router *router, struct i8042 *kbc)
{
  router->ps2 = kbc;
}

/* Whether the guest reads the virtio keyboard now; the virtio device drops
 * keys sent before its driver runs, so until then they go to PS/2. */
static bool
input_virtio_keyboard_live (struct input_router *router)
{
  return router->keyboard &&
         virtio_device_is_live (virtio_input_get_device (router->keyboard));
}

void
input_key (struct input_router *router, int evdev, bool pressed)
{
  bool ps2 = router->ps2 && !input_virtio_keyboard_live (router);

  if (router->ps2 && evdev > 0 && evdev <= KEY_MAX)
    {
      atomic_uint *word = &router->ps2_down[evdev / 32];
      unsigned bit = 1u << (evdev % 32);

      if (pressed && ps2)
        atomic_fetch_or (word, bit);
      else if (!pressed && (atomic_fetch_and (word, ~bit) & bit))
        ps2 = true;
    }
  if (ps2)
    i8042_key (router->ps2, evdev, pressed);
  else if (router->keyboard)
    virtio_input_key (router->keyboard, evdev, pressed);
}

int32_t
input_scale_abs (int32_t v, uint32_t size)
{
  int64_t max = (int64_t) size - 1;

  if (max <= 0 || v <= 0)
    return 0;
  if (v >= max)
    return VIRTIO_INPUT_ABS_MAX;
  /* Rounded to nearest, so a round trip through the guest's scaling lands
   * on the same pixel. */
  return (int32_t) (((int64_t) v * VIRTIO_INPUT_ABS_MAX + max / 2) / max);
}

void
input_pointer_abs (struct input_router *router, int32_t x, int32_t y, uint32_t width,
                   uint32_t height)
{
  if (!router->tablet)
    return;
  atomic_store (&router->relative, false);
  virtio_input_abs (router->tablet, input_scale_abs (x, width), input_scale_abs (y, height));
}

void
input_pointer_rel (struct input_router *router, int32_t dx, int32_t dy)
{
  if (!router->mouse)
    return;
  atomic_store (&router->relative, true);
  virtio_input_rel (router->mouse, dx, dy);
}

/* The device the guest's pointer follows now. */
static struct virtio_input *
input_pointer_device (struct input_router *router)
{
  if (atomic_load (&router->relative))
    return router->mouse ? router->mouse : router->tablet;
  return router->tablet ? router->tablet : router->mouse;
}

void
input_button (struct input_router *router, int btn, bool pressed)
{
  struct virtio_input *dev = input_pointer_device (router);

  if (dev)
    virtio_input_button (dev, btn, pressed);
}

void
input_wheel (struct input_router *router, int32_t dy)
{
  struct virtio_input *dev = input_pointer_device (router);

  if (dev)
    virtio_input_wheel (dev, dy);
}

void
input_hwheel (struct input_router *router, int32_t dx)
{
  struct virtio_input *dev = input_pointer_device (router);

  if (dev)
    virtio_input_hwheel (dev, dx);
}

uint32_t
input_get_leds (struct input_router *router)
{
  if (input_virtio_keyboard_live (router) || !router->ps2)
    return router->keyboard ? virtio_input_get_leds (router->keyboard) : 0;
  return i8042_get_leds (router->ps2);
}
