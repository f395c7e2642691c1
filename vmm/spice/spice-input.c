/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "spice"

#include "config.h"

#include "spice-input.h"

#include <glib.h>
#include <linux/input-event-codes.h>

#include "input/input.h"
#include "input/keymap.h"
#include "log.h"

/* How often the guest's keyboard LEDs are looked at for the client. */
#define SPICE_INPUT_LED_POLL_MS 250

struct spice_input {
  SpiceKbdInstance kbd;
  SpiceMouseInstance mouse;
  SpiceTabletInstance tablet;
  struct spice_input_ops ops;
  void *opaque;
  struct keymap_atset1_decoder decoder;
  int tablet_width, tablet_height;   /* the client's logical size */
  uint32_t buttons;                  /* evdev-side mask last seen */
  uint8_t leds;                      /* SPICE_KEYBOARD_MODIFIER_FLAGS_* last told */
  guint led_timer;
};

#define SPICE_INPUT(ptr, member) \
  ((struct spice_input *) ((char *) (ptr) - offsetof (struct spice_input, member)))

/* libspice-server's button state: left, right, middle, then (after a hole
 * where the wheel used to be) side and extra. */
static const struct {
  uint32_t bit;
  int evdev;
} spice_input_buttons[] = {
  { 1u << 0, BTN_LEFT }, { 1u << 1, BTN_RIGHT }, { 1u << 2, BTN_MIDDLE },
  { 1u << 6, BTN_SIDE }, { 1u << 7, BTN_EXTRA },
};

unsigned
spice_input_buttons_to_evdev (uint32_t mask, int evdev[8])
{
  unsigned n = 0;

  for (unsigned i = 0; i < G_N_ELEMENTS (spice_input_buttons); i++)
    if (mask & spice_input_buttons[i].bit)
      evdev[n++] = spice_input_buttons[i].evdev;
  return n;
}

static struct input_router *
spice_input_router (struct spice_input *si)
{
  return si->ops.router ? si->ops.router (si->opaque) : NULL;
}

/* Sends a button event for each button whose state changed. */
static void
spice_input_update_buttons (struct spice_input *si, uint32_t state)
{
  struct input_router *router = spice_input_router (si);
  uint32_t changed = state ^ si->buttons;

  si->buttons = state;
  if (!router)
    return;
  for (unsigned i = 0; i < G_N_ELEMENTS (spice_input_buttons); i++)
    if (changed & spice_input_buttons[i].bit)
      input_button (router, spice_input_buttons[i].evdev, state & spice_input_buttons[i].bit);
}

static void
spice_input_kbd_push (SpiceKbdInstance *sin, uint8_t byte)
{
  struct spice_input *si = SPICE_INPUT (sin, kbd);
  struct input_router *router = spice_input_router (si);
  bool pressed;
  int evdev;

  if (keymap_atset1_decoder_feed (&si->decoder, byte, &evdev, &pressed) && router)
    input_key (router, evdev, pressed);
}

static uint8_t
spice_input_leds_now (struct spice_input *si)
{
  struct input_router *router = spice_input_router (si);
  uint32_t leds = router ? input_get_leds (router) : 0;
  uint8_t flags = 0;

  if (leds & (1u << LED_SCROLLL))
    flags |= SPICE_KEYBOARD_MODIFIER_FLAGS_SCROLL_LOCK;
  if (leds & (1u << LED_NUML))
    flags |= SPICE_KEYBOARD_MODIFIER_FLAGS_NUM_LOCK;
  if (leds & (1u << LED_CAPSL))
    flags |= SPICE_KEYBOARD_MODIFIER_FLAGS_CAPS_LOCK;
  return flags;
}

static uint8_t
spice_input_kbd_get_leds (SpiceKbdInstance *sin)
{
  return spice_input_leds_now (SPICE_INPUT (sin, kbd));
}

/* virtio-input tells nobody when the guest sets its LEDs; a cheap look now
 * and then keeps the client's Caps Lock in step. */
static gboolean
spice_input_poll_leds (gpointer data)
{
  struct spice_input *si = data;
  uint8_t leds = spice_input_leds_now (si);

  if (leds != si->leds)
    {
      si->leds = leds;
      spice_server_kbd_leds (&si->kbd, leds);
    }
  return G_SOURCE_CONTINUE;
}

static void
spice_input_mouse_motion (SpiceMouseInstance *sin, int dx, int dy, int dz, uint32_t buttons)
{
  struct spice_input *si = SPICE_INPUT (sin, mouse);
  struct input_router *router = spice_input_router (si);

  if (router && (dx || dy))
    input_pointer_rel (router, dx, dy);
  /* SPICE's dz is positive towards the user; ours away from them. */
  if (router && dz)
    input_wheel (router, -dz);
  spice_input_update_buttons (si, buttons);
}

static void
spice_input_mouse_buttons (SpiceMouseInstance *sin, uint32_t buttons)
{
  spice_input_update_buttons (SPICE_INPUT (sin, mouse), buttons);
}

static void
spice_input_tablet_set_logical_size (SpiceTabletInstance *sin, int width, int height)
{
  struct spice_input *si = SPICE_INPUT (sin, tablet);

  si->tablet_width = MAX (width, 1);
  si->tablet_height = MAX (height, 1);
}

static void
spice_input_tablet_position (SpiceTabletInstance *sin, int x, int y, uint32_t buttons)
{
  struct spice_input *si = SPICE_INPUT (sin, tablet);
  struct input_router *router = spice_input_router (si);

  if (router && si->tablet_width > 0)
    input_pointer_abs (router, x, y, (uint32_t) si->tablet_width, (uint32_t) si->tablet_height);
  spice_input_update_buttons (si, buttons);
}

static void
spice_input_tablet_wheel (SpiceTabletInstance *sin, int motion, uint32_t buttons)
{
  struct spice_input *si = SPICE_INPUT (sin, tablet);
  struct input_router *router = spice_input_router (si);

  if (router && motion)
    input_wheel (router, -motion);
  spice_input_update_buttons (si, buttons);
}

static void
spice_input_tablet_buttons (SpiceTabletInstance *sin, uint32_t buttons)
{
  spice_input_update_buttons (SPICE_INPUT (sin, tablet), buttons);
}

static const SpiceKbdInterface spice_input_kbd_interface = {
  .base = {
    .type = SPICE_INTERFACE_KEYBOARD,
    .description = "terrarium-vmm keyboard",
    .major_version = SPICE_INTERFACE_KEYBOARD_MAJOR,
    .minor_version = SPICE_INTERFACE_KEYBOARD_MINOR,
  },
  .push_scan_freg = spice_input_kbd_push,
  .get_leds = spice_input_kbd_get_leds,
};

static const SpiceMouseInterface spice_input_mouse_interface = {
  .base = {
    .type = SPICE_INTERFACE_MOUSE,
    .description = "terrarium-vmm mouse",
    .major_version = SPICE_INTERFACE_MOUSE_MAJOR,
    .minor_version = SPICE_INTERFACE_MOUSE_MINOR,
  },
  .motion = spice_input_mouse_motion,
  .buttons = spice_input_mouse_buttons,
};

static const SpiceTabletInterface spice_input_tablet_interface = {
  .base = {
    .type = SPICE_INTERFACE_TABLET,
    .description = "terrarium-vmm tablet",
    .major_version = SPICE_INTERFACE_TABLET_MAJOR,
    .minor_version = SPICE_INTERFACE_TABLET_MINOR,
  },
  .set_logical_size = spice_input_tablet_set_logical_size,
  .position = spice_input_tablet_position,
  .wheel = spice_input_tablet_wheel,
  .buttons = spice_input_tablet_buttons,
};

struct spice_input *
spice_input_new (SpiceServer *server, const struct spice_input_ops *ops, void *opaque,
                 char **why)
{
  struct spice_input *si = g_new0 (struct spice_input, 1);

  si->ops = *ops;
  si->opaque = opaque;
  si->kbd.base.sif = &spice_input_kbd_interface.base;
  si->mouse.base.sif = &spice_input_mouse_interface.base;
  si->tablet.base.sif = &spice_input_tablet_interface.base;
  /* With a tablet the server offers client mouse mode: the pointer is the
   * client's own, no grab, absolute positions. The mouse serves server mode. */
  if (spice_server_add_interface (server, &si->kbd.base) != 0 ||
      spice_server_add_interface (server, &si->mouse.base) != 0 ||
      spice_server_add_interface (server, &si->tablet.base) != 0)
    {
      *why = g_strdup ("SPICE: cannot add the inputs channel");
      /* The server still holds these until it is destroyed. */
      si->kbd.st = NULL;
      si->mouse.st = NULL;
      spice_input_free (si);
      return NULL;
    }
  si->led_timer = g_timeout_add (SPICE_INPUT_LED_POLL_MS, spice_input_poll_leds, si);
  return si;
}

void
spice_input_free (struct spice_input *si)
{
  if (!si)
    return;
  if (si->led_timer)
    g_source_remove (si->led_timer);
  /* libspice-server allocates a keyboard's and a mouse's state (plain
   * structs, g_new0) when they are added and frees neither with itself. */
  g_free (si->kbd.st);
  g_free (si->mouse.st);
  g_free (si);
}
