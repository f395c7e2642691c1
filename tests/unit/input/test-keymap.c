/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-keymap"

#include "config.h"

#include <glib.h>
#include <linux/input-event-codes.h>

#include "input/keymap.h"

#define K(code) { code, #code }

/* Every key of a 105-key ISO keyboard, row by row. */
static const struct {
  int evdev;
  const char *name;
} iso105[] = {
  K (KEY_ESC), K (KEY_F1), K (KEY_F2), K (KEY_F3), K (KEY_F4), K (KEY_F5), K (KEY_F6),
  K (KEY_F7), K (KEY_F8), K (KEY_F9), K (KEY_F10), K (KEY_F11), K (KEY_F12),
  K (KEY_SYSRQ), K (KEY_SCROLLLOCK), K (KEY_PAUSE),

  K (KEY_GRAVE), K (KEY_1), K (KEY_2), K (KEY_3), K (KEY_4), K (KEY_5), K (KEY_6),
  K (KEY_7), K (KEY_8), K (KEY_9), K (KEY_0), K (KEY_MINUS), K (KEY_EQUAL),
  K (KEY_BACKSPACE),

  K (KEY_TAB), K (KEY_Q), K (KEY_W), K (KEY_E), K (KEY_R), K (KEY_T), K (KEY_Y),
  K (KEY_U), K (KEY_I), K (KEY_O), K (KEY_P), K (KEY_LEFTBRACE), K (KEY_RIGHTBRACE),

  K (KEY_CAPSLOCK), K (KEY_A), K (KEY_S), K (KEY_D), K (KEY_F), K (KEY_G), K (KEY_H),
  K (KEY_J), K (KEY_K), K (KEY_L), K (KEY_SEMICOLON), K (KEY_APOSTROPHE),
  K (KEY_BACKSLASH), K (KEY_ENTER),

  K (KEY_LEFTSHIFT), K (KEY_102ND), K (KEY_Z), K (KEY_X), K (KEY_C), K (KEY_V), K (KEY_B),
  K (KEY_N), K (KEY_M), K (KEY_COMMA), K (KEY_DOT), K (KEY_SLASH), K (KEY_RIGHTSHIFT),

  K (KEY_LEFTCTRL), K (KEY_LEFTMETA), K (KEY_LEFTALT), K (KEY_SPACE), K (KEY_RIGHTALT),
  K (KEY_RIGHTMETA), K (KEY_COMPOSE), K (KEY_RIGHTCTRL),

  K (KEY_INSERT), K (KEY_HOME), K (KEY_PAGEUP), K (KEY_DELETE), K (KEY_END),
  K (KEY_PAGEDOWN), K (KEY_UP), K (KEY_LEFT), K (KEY_DOWN), K (KEY_RIGHT),

  K (KEY_NUMLOCK), K (KEY_KPSLASH), K (KEY_KPASTERISK), K (KEY_KPMINUS), K (KEY_KP7),
  K (KEY_KP8), K (KEY_KP9), K (KEY_KPPLUS), K (KEY_KP4), K (KEY_KP5), K (KEY_KP6),
  K (KEY_KP1), K (KEY_KP2), K (KEY_KP3), K (KEY_KPENTER), K (KEY_KP0), K (KEY_KPDOT),
};

static int
decode_all (struct keymap_atset1_decoder *dec, const uint8_t *bytes, unsigned n,
            bool *pressed, unsigned *events)
{
  int evdev = 0, last = -1;

  *events = 0;
  for (unsigned i = 0; i < n; i++)
    if (keymap_atset1_decoder_feed (dec, bytes[i], &evdev, pressed))
      {
        last = evdev;
        (*events)++;
      }
  return last;
}

static void
test_iso105 (void)
{
  struct keymap_atset1_decoder dec = { 0 };

  g_assert_cmpuint (G_N_ELEMENTS (iso105), ==, 105);
  for (size_t i = 0; i < G_N_ELEMENTS (iso105); i++)
    {
      int evdev = iso105[i].evdev;
      int sdl = keymap_evdev_to_sdl (evdev);
      unsigned xkb = keymap_evdev_to_xkb (evdev);
      unsigned set1 = keymap_evdev_to_atset1 (evdev);
      uint8_t bytes[KEYMAP_ATSET1_MAX_BYTES];

      g_test_message ("%s", iso105[i].name);
      g_assert_true (keymap_evdev_is_known (evdev));
      g_assert_cmpint (sdl, >, 0);
      g_assert_cmpint (keymap_sdl_to_evdev (sdl), ==, evdev);
      g_assert_cmpuint (xkb, ==, evdev + 8);
      g_assert_cmpint (keymap_xkb_to_evdev (xkb), ==, evdev);
      g_assert_cmpuint (set1, !=, 0);
      g_assert_cmpint (keymap_atset1_to_evdev (set1), ==, evdev);

      for (int pressed = 1; pressed >= 0; pressed--)
        {
          unsigned n = keymap_atset1_encode (evdev, pressed, bytes), events;
          bool p = !pressed;

          g_assert_cmpuint (n, >=, 1);
          g_assert_cmpint (decode_all (&dec, bytes, n, &p, &events), ==, evdev);
          g_assert_cmpuint (events, ==, 1);
          g_assert_cmpint (p, ==, pressed);
        }
    }
}

/* Every code any table knows goes back to where it came from. */
static void
test_all_round_trip (void)
{
  unsigned known = 0, aliases = 0;

  for (int evdev = 0; evdev <= KEY_MAX; evdev++)
    {
      int sdl = keymap_evdev_to_sdl (evdev);
      unsigned set1 = keymap_evdev_to_atset1 (evdev);
      unsigned xkb = keymap_evdev_to_xkb (evdev);

      if (!keymap_evdev_is_known (evdev))
        {
          g_assert_cmpint (sdl, ==, 0);
          g_assert_cmpuint (set1, ==, 0);
          g_assert_cmpuint (xkb, ==, 0);
          continue;
        }
      known++;
      if (sdl)
        g_assert_cmpint (keymap_sdl_to_evdev (sdl), ==, evdev);
      if (set1)
        {
          g_assert_true (set1 < 0x80 || (set1 >= 0xe001 && set1 < 0xe080) ||
                         set1 == KEYMAP_ATSET1_PAUSE);
          g_assert_cmpint (keymap_atset1_to_evdev (set1), ==, evdev);
        }
      g_assert_cmpuint (xkb, ==, evdev <= 247 ? evdev + 8 : 0);
    }
  g_assert_cmpuint (known, >, 105);

  for (int sdl = 0; sdl < 512; sdl++)
    {
      int evdev = keymap_sdl_to_evdev (sdl);

      if (evdev < 0)
        continue;
      g_assert_true (keymap_evdev_is_known (evdev));
      if (keymap_evdev_to_sdl (evdev) != sdl)
        aliases++;
    }
  g_assert_cmpuint (aliases, ==, 4);
  g_assert_cmpint (keymap_sdl_to_evdev (50), ==, KEY_BACKSLASH);  /* NONUSHASH */

  for (unsigned xkb = 0; xkb < 300; xkb++)
    {
      int evdev = keymap_xkb_to_evdev (xkb);

      if (evdev >= 0)
        g_assert_cmpuint (keymap_evdev_to_xkb (evdev), ==, xkb);
    }
  for (unsigned set1 = 0; set1 < 0x10000; set1++)
    {
      int evdev = keymap_atset1_to_evdev (set1);

      if (evdev >= 0)
        g_assert_cmpuint (keymap_evdev_to_atset1 (evdev), ==, set1);
    }
}

static void
test_known_values (void)
{
  g_assert_cmpint (keymap_sdl_to_evdev (4), ==, KEY_A);
  g_assert_cmpint (keymap_evdev_to_sdl (KEY_A), ==, 4);
  g_assert_cmpint (KEY_A, ==, 30);
  g_assert_cmpuint (keymap_evdev_to_xkb (KEY_A), ==, 38);
  g_assert_cmpint (keymap_xkb_to_evdev (38), ==, KEY_A);
  g_assert_cmpuint (keymap_evdev_to_atset1 (KEY_A), ==, 0x1e);
  g_assert_cmpint (keymap_atset1_to_evdev (0x1e), ==, KEY_A);

  g_assert_cmpuint (keymap_evdev_to_atset1 (KEY_RIGHTCTRL), ==, 0xe01d);
  g_assert_cmpuint (keymap_evdev_to_atset1 (KEY_KPENTER), ==, 0xe01c);
  g_assert_cmpuint (keymap_evdev_to_atset1 (KEY_102ND), ==, 0x56);
  g_assert_cmpuint (keymap_evdev_to_atset1 (KEY_SYSRQ), ==, 0xe037);
  g_assert_cmpuint (keymap_evdev_to_atset1 (KEY_LEFTMETA), ==, 0xe05b);
  g_assert_cmpuint (keymap_evdev_to_atset1 (KEY_COMPOSE), ==, 0xe05d);
  g_assert_cmpuint (keymap_evdev_to_atset1 (KEY_PAUSE), ==, KEYMAP_ATSET1_PAUSE);

  g_assert_cmpint (keymap_evdev_to_sdl (KEY_ENTER), ==, 40);       /* RETURN */
  g_assert_cmpint (keymap_evdev_to_sdl (KEY_102ND), ==, 100);      /* NONUSBACKSLASH */
  g_assert_cmpint (keymap_evdev_to_sdl (KEY_COMPOSE), ==, 101);    /* APPLICATION */
  g_assert_cmpint (keymap_evdev_to_sdl (KEY_RIGHTMETA), ==, 231);  /* RGUI */
  g_assert_cmpint (keymap_evdev_to_sdl (KEY_NUMLOCK), ==, 83);     /* NUMLOCKCLEAR */
  g_assert_cmpint (keymap_evdev_to_sdl (KEY_SYSRQ), ==, 70);       /* PRINTSCREEN */
  g_assert_cmpuint (keymap_evdev_to_xkb (KEY_ESC), ==, 9);
  g_assert_cmpuint (keymap_evdev_to_xkb (KEY_RIGHTCTRL), ==, 105);

  /* Unknown. */
  g_assert_cmpint (keymap_sdl_to_evdev (0), ==, -1);
  g_assert_cmpint (keymap_sdl_to_evdev (-5), ==, -1);
  g_assert_cmpint (keymap_sdl_to_evdev (100000), ==, -1);
  g_assert_cmpint (keymap_evdev_to_sdl (0), ==, 0);
  g_assert_cmpint (keymap_evdev_to_sdl (-1), ==, 0);
  g_assert_cmpint (keymap_evdev_to_sdl (KEY_MAX + 1), ==, 0);
  g_assert_cmpint (keymap_xkb_to_evdev (0), ==, -1);
  g_assert_cmpint (keymap_xkb_to_evdev (8), ==, -1);
  g_assert_cmpint (keymap_xkb_to_evdev (256), ==, -1);
  g_assert_cmpuint (keymap_evdev_to_xkb (-3), ==, 0);
  g_assert_cmpint (keymap_atset1_to_evdev (0), ==, -1);
  g_assert_cmpint (keymap_atset1_to_evdev (0xe0ff), ==, -1);
  g_assert_cmpint (keymap_atset1_to_evdev (0xffffffff), ==, -1);
  g_assert_cmpuint (keymap_evdev_to_atset1 (KEY_KPPLUSMINUS), ==, 0);
}

static void
test_decoder (void)
{
  struct keymap_atset1_decoder dec = { 0 };
  static const struct {
    uint8_t byte;
    int evdev;      /* 0: no event */
    bool pressed;
  } stream[] = {
    { 0x1e, KEY_A, true }, { 0x9e, KEY_A, false },
    { 0xe0, 0, 0 }, { 0x1d, KEY_RIGHTCTRL, true }, { 0xe0, 0, 0 }, { 0x9d, KEY_RIGHTCTRL, false },
    { 0x1d, KEY_LEFTCTRL, true }, { 0x9d, KEY_LEFTCTRL, false },
    { 0xe0, 0, 0 }, { 0x1c, KEY_KPENTER, true }, { 0xe0, 0, 0 }, { 0x9c, KEY_KPENTER, false },
    /* Print Screen with its fake shifts. */
    { 0xe0, 0, 0 }, { 0x2a, 0, 0 }, { 0xe0, 0, 0 }, { 0x37, KEY_SYSRQ, true },
    { 0xe0, 0, 0 }, { 0xb7, KEY_SYSRQ, false }, { 0xe0, 0, 0 }, { 0xaa, 0, 0 },
    /* Pause, as SPICE sends it: press, then release. */
    { 0xe1, 0, 0 }, { 0x1d, 0, 0 }, { 0x45, KEY_PAUSE, true },
    { 0xe1, 0, 0 }, { 0x9d, 0, 0 }, { 0xc5, KEY_PAUSE, false },
    /* Num Lock right after the Pause sequence is itself again. */
    { 0x45, KEY_NUMLOCK, true }, { 0xc5, KEY_NUMLOCK, false },
    { 0x56, KEY_102ND, true }, { 0xd6, KEY_102ND, false },
    /* Junk is skipped, and the stream goes on. */
    { 0x00, 0, 0 }, { 0xff, 0, 0 }, { 0xe0, 0, 0 }, { 0x7f, 0, 0 },
    { 0xe1, 0, 0 }, { 0x1e, 0, 0 }, { 0x1e, KEY_A, true },
    { 0xe1, 0, 0 }, { 0x1d, 0, 0 }, { 0xc5, 0, 0 },
    { 0xe0, 0, 0 }, { 0xe0, 0, 0 }, { 0x5b, KEY_LEFTMETA, true },
  };

  for (size_t i = 0; i < G_N_ELEMENTS (stream); i++)
    {
      int evdev = 12345;
      bool pressed = !stream[i].pressed;
      bool got = keymap_atset1_decoder_feed (&dec, stream[i].byte, &evdev, &pressed);

      g_test_message ("byte %zu: %#x", i, stream[i].byte);
      g_assert_cmpint (got, ==, stream[i].evdev != 0);
      if (got)
        {
          g_assert_cmpint (evdev, ==, stream[i].evdev);
          g_assert_cmpint (pressed, ==, stream[i].pressed);
        }
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/Vmm/keymap/iso105", test_iso105);
  g_test_add_func ("/Vmm/keymap/round-trip", test_all_round_trip);
  g_test_add_func ("/Vmm/keymap/known-values", test_known_values);
  g_test_add_func ("/Vmm/keymap/decoder", test_decoder);
  return g_test_run ();
}
