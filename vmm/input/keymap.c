/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "keymap"

#include "config.h"

#include "keymap.h"

#include <glib.h>
#include <linux/input-event-codes.h>

/*
 * One row per key: its evdev code, SDL scancode and set-1 scancode (0: none).
 * SDL scancodes are the USB HID keyboard usages (page 7) up to 231 and SDL's
 * own numbers from 257 on; set-1 codes are those of the PC AT keyboard in
 * translated mode, which Linux's evdev codes 1-88 were taken from. Each
 * column is unique, so every row translates both ways.
 */
struct keymap_key {
  uint16_t evdev;
  uint16_t sdl;
  uint32_t set1;
};

static const struct keymap_key keymap_keys[] = {
  { KEY_ESC, 41, 0x01 },
  { KEY_1, 30, 0x02 },
  { KEY_2, 31, 0x03 },
  { KEY_3, 32, 0x04 },
  { KEY_4, 33, 0x05 },
  { KEY_5, 34, 0x06 },
  { KEY_6, 35, 0x07 },
  { KEY_7, 36, 0x08 },
  { KEY_8, 37, 0x09 },
  { KEY_9, 38, 0x0a },
  { KEY_0, 39, 0x0b },
  { KEY_MINUS, 45, 0x0c },
  { KEY_EQUAL, 46, 0x0d },
  { KEY_BACKSPACE, 42, 0x0e },
  { KEY_TAB, 43, 0x0f },
  { KEY_Q, 20, 0x10 },
  { KEY_W, 26, 0x11 },
  { KEY_E, 8, 0x12 },
  { KEY_R, 21, 0x13 },
  { KEY_T, 23, 0x14 },
  { KEY_Y, 28, 0x15 },
  { KEY_U, 24, 0x16 },
  { KEY_I, 12, 0x17 },
  { KEY_O, 18, 0x18 },
  { KEY_P, 19, 0x19 },
  { KEY_LEFTBRACE, 47, 0x1a },
  { KEY_RIGHTBRACE, 48, 0x1b },
  { KEY_ENTER, 40, 0x1c },
  { KEY_LEFTCTRL, 224, 0x1d },
  { KEY_A, 4, 0x1e },
  { KEY_S, 22, 0x1f },
  { KEY_D, 7, 0x20 },
  { KEY_F, 9, 0x21 },
  { KEY_G, 10, 0x22 },
  { KEY_H, 11, 0x23 },
  { KEY_J, 13, 0x24 },
  { KEY_K, 14, 0x25 },
  { KEY_L, 15, 0x26 },
  { KEY_SEMICOLON, 51, 0x27 },
  { KEY_APOSTROPHE, 52, 0x28 },
  { KEY_GRAVE, 53, 0x29 },
  { KEY_LEFTSHIFT, 225, 0x2a },
  /* Also the ISO key left of Enter (HID "non-US #"): see the aliases. */
  { KEY_BACKSLASH, 49, 0x2b },
  { KEY_Z, 29, 0x2c },
  { KEY_X, 27, 0x2d },
  { KEY_C, 6, 0x2e },
  { KEY_V, 25, 0x2f },
  { KEY_B, 5, 0x30 },
  { KEY_N, 17, 0x31 },
  { KEY_M, 16, 0x32 },
  { KEY_COMMA, 54, 0x33 },
  { KEY_DOT, 55, 0x34 },
  { KEY_SLASH, 56, 0x35 },
  { KEY_RIGHTSHIFT, 229, 0x36 },
  { KEY_KPASTERISK, 85, 0x37 },
  { KEY_LEFTALT, 226, 0x38 },
  { KEY_SPACE, 44, 0x39 },
  { KEY_CAPSLOCK, 57, 0x3a },
  { KEY_F1, 58, 0x3b },
  { KEY_F2, 59, 0x3c },
  { KEY_F3, 60, 0x3d },
  { KEY_F4, 61, 0x3e },
  { KEY_F5, 62, 0x3f },
  { KEY_F6, 63, 0x40 },
  { KEY_F7, 64, 0x41 },
  { KEY_F8, 65, 0x42 },
  { KEY_F9, 66, 0x43 },
  { KEY_F10, 67, 0x44 },
  { KEY_NUMLOCK, 83, 0x45 },
  { KEY_SCROLLLOCK, 71, 0x46 },
  { KEY_KP7, 95, 0x47 },
  { KEY_KP8, 96, 0x48 },
  { KEY_KP9, 97, 0x49 },
  { KEY_KPMINUS, 86, 0x4a },
  { KEY_KP4, 92, 0x4b },
  { KEY_KP5, 93, 0x4c },
  { KEY_KP6, 94, 0x4d },
  { KEY_KPPLUS, 87, 0x4e },
  { KEY_KP1, 89, 0x4f },
  { KEY_KP2, 90, 0x50 },
  { KEY_KP3, 91, 0x51 },
  { KEY_KP0, 98, 0x52 },
  { KEY_KPDOT, 99, 0x53 },
  /* Japanese keyboards send set-1 0x29 for it, so it has no code of its own. */
  { KEY_ZENKAKUHANKAKU, 148, 0 },
  { KEY_102ND, 100, 0x56 },
  { KEY_F11, 68, 0x57 },
  { KEY_F12, 69, 0x58 },
  { KEY_RO, 135, 0x73 },
  { KEY_KATAKANA, 146, 0 },
  { KEY_HIRAGANA, 147, 0 },
  { KEY_HENKAN, 138, 0x79 },
  { KEY_KATAKANAHIRAGANA, 136, 0x70 },
  { KEY_MUHENKAN, 139, 0x7b },
  { KEY_KPENTER, 88, 0xe01c },
  { KEY_RIGHTCTRL, 228, 0xe01d },
  { KEY_KPSLASH, 84, 0xe035 },
  /* Print Screen: keyboards wrap it in fake shifts, which guests ignore. */
  { KEY_SYSRQ, 70, 0xe037 },
  { KEY_RIGHTALT, 230, 0xe038 },
  { KEY_HOME, 74, 0xe047 },
  { KEY_UP, 82, 0xe048 },
  { KEY_PAGEUP, 75, 0xe049 },
  { KEY_LEFT, 80, 0xe04b },
  { KEY_RIGHT, 79, 0xe04d },
  { KEY_END, 77, 0xe04f },
  { KEY_DOWN, 81, 0xe050 },
  { KEY_PAGEDOWN, 78, 0xe051 },
  { KEY_INSERT, 73, 0xe052 },
  { KEY_DELETE, 76, 0xe053 },
  { KEY_MUTE, 127, 0xe020 },
  { KEY_VOLUMEDOWN, 129, 0xe02e },
  { KEY_VOLUMEUP, 128, 0xe030 },
  { KEY_POWER, 102, 0xe05e },
  { KEY_KPEQUAL, 103, 0x59 },
  { KEY_KPPLUSMINUS, 215, 0 },
  { KEY_PAUSE, 72, KEYMAP_ATSET1_PAUSE },
  { KEY_KPCOMMA, 133, 0x7e },
  /* Hangeul and Hanja send one byte and no release: no set-1 code here. */
  { KEY_HANGEUL, 144, 0 },
  { KEY_HANJA, 145, 0 },
  { KEY_YEN, 137, 0x7d },
  { KEY_LEFTMETA, 227, 0xe05b },
  { KEY_RIGHTMETA, 231, 0xe05c },
  { KEY_COMPOSE, 101, 0xe05d },
  { KEY_STOP, 272, 0xe068 },
  { KEY_AGAIN, 121, 0 },
  { KEY_UNDO, 122, 0 },
  { KEY_COPY, 124, 0 },
  { KEY_PASTE, 125, 0 },
  { KEY_FIND, 126, 0 },
  { KEY_CUT, 123, 0 },
  { KEY_HELP, 117, 0 },
  { KEY_MENU, 118, 0 },
  { KEY_CALC, 266, 0xe021 },
  { KEY_SLEEP, 282, 0xe05f },
  { KEY_WAKEUP, 0, 0xe063 },
  { KEY_MAIL, 265, 0xe06c },
  { KEY_BOOKMARKS, 274, 0xe066 },
  { KEY_COMPUTER, 267, 0xe06b },
  { KEY_BACK, 270, 0xe06a },
  { KEY_FORWARD, 271, 0xe069 },
  { KEY_NEXTSONG, 258, 0xe019 },
  { KEY_PLAYPAUSE, 261, 0xe022 },
  { KEY_PREVIOUSSONG, 259, 0xe010 },
  { KEY_STOPCD, 260, 0xe024 },
  { KEY_HOMEPAGE, 269, 0xe032 },
  { KEY_REFRESH, 273, 0xe067 },
  { KEY_KPLEFTPAREN, 182, 0 },
  { KEY_KPRIGHTPAREN, 183, 0 },
  { KEY_F13, 104, 0x64 },
  { KEY_F14, 105, 0x65 },
  { KEY_F15, 106, 0x66 },
  { KEY_F16, 107, 0x67 },
  { KEY_F17, 108, 0x68 },
  { KEY_F18, 109, 0x69 },
  { KEY_F19, 110, 0x6a },
  { KEY_F20, 111, 0x6b },
  { KEY_F21, 112, 0x6c },
  { KEY_F22, 113, 0x6d },
  { KEY_F23, 114, 0x6e },
  { KEY_F24, 115, 0x76 },
  { KEY_SEARCH, 268, 0xe065 },
  { KEY_MEDIA, 263, 0xe06d },
};

/* SDL scancodes for keys that already have one above: to evdev only. */
static const struct {
  uint16_t sdl;
  uint16_t evdev;
} keymap_sdl_aliases[] = {
  { 50, KEY_BACKSLASH },    /* NONUSHASH: the ISO key left of Enter */
  { 120, KEY_STOP },        /* STOP */
  { 154, KEY_SYSRQ },       /* SYSREQ */
  { 262, KEY_MUTE },        /* AUDIOMUTE */
};

/* X11 keycodes are 8-255; the evdev rules put evdev code N at N + 8. */
#define KEYMAP_XKB_OFFSET 8u
#define KEYMAP_XKB_MAX    255u

static const struct keymap_key *
keymap_find_evdev (int evdev)
{
  for (size_t i = 0; i < G_N_ELEMENTS (keymap_keys); i++)
    if (keymap_keys[i].evdev == evdev)
      return &keymap_keys[i];
  return NULL;
}

bool
keymap_evdev_is_known (int evdev)
{
  return evdev > 0 && keymap_find_evdev (evdev) != NULL;
}

int
keymap_sdl_to_evdev (int sdl_scancode)
{
  if (sdl_scancode <= 0)
    return -1;
  for (size_t i = 0; i < G_N_ELEMENTS (keymap_keys); i++)
    if (keymap_keys[i].sdl == sdl_scancode)
      return keymap_keys[i].evdev;
  for (size_t i = 0; i < G_N_ELEMENTS (keymap_sdl_aliases); i++)
    if (keymap_sdl_aliases[i].sdl == sdl_scancode)
      return keymap_sdl_aliases[i].evdev;
  return -1;
}

int
keymap_evdev_to_sdl (int evdev)
{
  const struct keymap_key *k = evdev > 0 ? keymap_find_evdev (evdev) : NULL;

  return k ? k->sdl : 0;
}

int
keymap_xkb_to_evdev (unsigned xkb_keycode)
{
  int evdev;

  if (xkb_keycode <= KEYMAP_XKB_OFFSET || xkb_keycode > KEYMAP_XKB_MAX)
    return -1;
  evdev = xkb_keycode - KEYMAP_XKB_OFFSET;
  return keymap_evdev_is_known (evdev) ? evdev : -1;
}

unsigned
keymap_evdev_to_xkb (int evdev)
{
  if (!keymap_evdev_is_known (evdev) || evdev > (int) (KEYMAP_XKB_MAX - KEYMAP_XKB_OFFSET))
    return 0;
  return evdev + KEYMAP_XKB_OFFSET;
}

int
keymap_atset1_to_evdev (unsigned scancode)
{
  if (scancode == 0)
    return -1;
  for (size_t i = 0; i < G_N_ELEMENTS (keymap_keys); i++)
    if (keymap_keys[i].set1 == scancode)
      return keymap_keys[i].evdev;
  return -1;
}

unsigned
keymap_evdev_to_atset1 (int evdev)
{
  const struct keymap_key *k = evdev > 0 ? keymap_find_evdev (evdev) : NULL;

  return k ? k->set1 : 0;
}

unsigned
keymap_atset1_encode (int evdev, bool pressed, uint8_t bytes[KEYMAP_ATSET1_MAX_BYTES])
{
  unsigned code = keymap_evdev_to_atset1 (evdev);
  uint8_t release = pressed ? 0 : 0x80;

  if (code == KEYMAP_ATSET1_PAUSE)
    {
      bytes[0] = 0xe1;
      bytes[1] = 0x1d | release;
      bytes[2] = 0x45 | release;
      return 3;
    }
  if (code >= 0xe000)
    {
      bytes[0] = 0xe0;
      bytes[1] = (code & 0x7f) | release;
      return 2;
    }
  if (code)
    {
      bytes[0] = code | release;
      return 1;
    }
  return 0;
}

/*
 * Keyboards send 0xe0 0x2a / 0xe0 0x36 (and their releases) around some
 * extended keys so that old software sees the shift state it expects; they
 * are not keys.
 */
static bool
keymap_atset1_is_fake_shift (uint8_t code)
{
  return code == 0x2a || code == 0x36;
}

bool
keymap_atset1_decoder_feed (struct keymap_atset1_decoder *dec, uint8_t byte, int *evdev,
                            bool *pressed)
{
  uint8_t code = byte & 0x7f;
  bool release = byte & 0x80;
  unsigned scancode;

  if (dec->prefix == 0xe1)
    {
      /* Pause: e1 1d 45 (press), e1 9d c5 (release). */
      if (dec->pause_step == 0 && code == 0x1d)
        {
          dec->pause_step = 1;
          dec->pause_release = release;
          return false;
        }
      dec->prefix = 0;
      dec->pause_step = 0;
      if (code != 0x45 || release != dec->pause_release)
        {
          *evdev = -1;
          return false;
        }
      *evdev = KEY_PAUSE;
      *pressed = !release;
      return true;
    }

  if (byte == 0xe0 || byte == 0xe1)
    {
      dec->prefix = byte;
      dec->pause_step = 0;
      return false;
    }

  if (dec->prefix == 0xe0)
    {
      dec->prefix = 0;
      if (keymap_atset1_is_fake_shift (code))
        return false;
      scancode = 0xe000 | code;
    }
  else
    scancode = code;

  *evdev = keymap_atset1_to_evdev (scancode);
  if (*evdev < 0)
    return false;
  *pressed = !release;
  return true;
}
