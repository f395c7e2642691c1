/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "ps2-kbd"

#include "config.h"

#include "ps2-kbd.h"

#include "log.h"

#include <glib.h>
#include <linux/input-event-codes.h>
#include <string.h>

#define PS2_ACK       0xfa
#define PS2_RESEND    0xfe
#define PS2_BAT_OK    0xaa
#define PS2_ECHO      0xee
#define PS2_BREAK     0xf0  /* set 2 break prefix */
#define PS2_EXT       0xe0

/* A key's codes in both sets; an extended key has the E0 prefix in both. */
struct ps2_kbd_code {
  uint16_t evdev;
  uint8_t set1;
  uint8_t set2;
  bool ext;
};

/* The evdev codes below 89 are set 1 make codes already (evdev was laid out
 * after the AT keyboard); the set 2 column is the one keyboards send. */
static const struct ps2_kbd_code ps2_kbd_codes[] = {
  { KEY_ESC, 0x01, 0x76 }, { KEY_1, 0x02, 0x16 }, { KEY_2, 0x03, 0x1e },
  { KEY_3, 0x04, 0x26 }, { KEY_4, 0x05, 0x25 }, { KEY_5, 0x06, 0x2e },
  { KEY_6, 0x07, 0x36 }, { KEY_7, 0x08, 0x3d }, { KEY_8, 0x09, 0x3e },
  { KEY_9, 0x0a, 0x46 }, { KEY_0, 0x0b, 0x45 }, { KEY_MINUS, 0x0c, 0x4e },
  { KEY_EQUAL, 0x0d, 0x55 }, { KEY_BACKSPACE, 0x0e, 0x66 }, { KEY_TAB, 0x0f, 0x0d },
  { KEY_Q, 0x10, 0x15 }, { KEY_W, 0x11, 0x1d }, { KEY_E, 0x12, 0x24 },
  { KEY_R, 0x13, 0x2d }, { KEY_T, 0x14, 0x2c }, { KEY_Y, 0x15, 0x35 },
  { KEY_U, 0x16, 0x3c }, { KEY_I, 0x17, 0x43 }, { KEY_O, 0x18, 0x44 },
  { KEY_P, 0x19, 0x4d }, { KEY_LEFTBRACE, 0x1a, 0x54 }, { KEY_RIGHTBRACE, 0x1b, 0x5b },
  { KEY_ENTER, 0x1c, 0x5a }, { KEY_LEFTCTRL, 0x1d, 0x14 }, { KEY_A, 0x1e, 0x1c },
  { KEY_S, 0x1f, 0x1b }, { KEY_D, 0x20, 0x23 }, { KEY_F, 0x21, 0x2b },
  { KEY_G, 0x22, 0x34 }, { KEY_H, 0x23, 0x33 }, { KEY_J, 0x24, 0x3b },
  { KEY_K, 0x25, 0x42 }, { KEY_L, 0x26, 0x4b }, { KEY_SEMICOLON, 0x27, 0x4c },
  { KEY_APOSTROPHE, 0x28, 0x52 }, { KEY_GRAVE, 0x29, 0x0e }, { KEY_LEFTSHIFT, 0x2a, 0x12 },
  { KEY_BACKSLASH, 0x2b, 0x5d }, { KEY_Z, 0x2c, 0x1a }, { KEY_X, 0x2d, 0x22 },
  { KEY_C, 0x2e, 0x21 }, { KEY_V, 0x2f, 0x2a }, { KEY_B, 0x30, 0x32 },
  { KEY_N, 0x31, 0x31 }, { KEY_M, 0x32, 0x3a }, { KEY_COMMA, 0x33, 0x41 },
  { KEY_DOT, 0x34, 0x49 }, { KEY_SLASH, 0x35, 0x4a }, { KEY_RIGHTSHIFT, 0x36, 0x59 },
  { KEY_KPASTERISK, 0x37, 0x7c }, { KEY_LEFTALT, 0x38, 0x11 }, { KEY_SPACE, 0x39, 0x29 },
  { KEY_CAPSLOCK, 0x3a, 0x58 }, { KEY_F1, 0x3b, 0x05 }, { KEY_F2, 0x3c, 0x06 },
  { KEY_F3, 0x3d, 0x04 }, { KEY_F4, 0x3e, 0x0c }, { KEY_F5, 0x3f, 0x03 },
  { KEY_F6, 0x40, 0x0b }, { KEY_F7, 0x41, 0x83 }, { KEY_F8, 0x42, 0x0a },
  { KEY_F9, 0x43, 0x01 }, { KEY_F10, 0x44, 0x09 }, { KEY_NUMLOCK, 0x45, 0x77 },
  { KEY_SCROLLLOCK, 0x46, 0x7e }, { KEY_KP7, 0x47, 0x6c }, { KEY_KP8, 0x48, 0x75 },
  { KEY_KP9, 0x49, 0x7d }, { KEY_KPMINUS, 0x4a, 0x7b }, { KEY_KP4, 0x4b, 0x6b },
  { KEY_KP5, 0x4c, 0x73 }, { KEY_KP6, 0x4d, 0x74 }, { KEY_KPPLUS, 0x4e, 0x79 },
  { KEY_KP1, 0x4f, 0x69 }, { KEY_KP2, 0x50, 0x72 }, { KEY_KP3, 0x51, 0x7a },
  { KEY_KP0, 0x52, 0x70 }, { KEY_KPDOT, 0x53, 0x71 }, { KEY_102ND, 0x56, 0x61 },
  { KEY_F11, 0x57, 0x78 }, { KEY_F12, 0x58, 0x07 },
  { KEY_KPENTER, 0x1c, 0x5a, true }, { KEY_RIGHTCTRL, 0x1d, 0x14, true },
  { KEY_KPSLASH, 0x35, 0x4a, true }, { KEY_SYSRQ, 0x37, 0x7c, true },
  { KEY_RIGHTALT, 0x38, 0x11, true }, { KEY_HOME, 0x47, 0x6c, true },
  { KEY_UP, 0x48, 0x75, true }, { KEY_PAGEUP, 0x49, 0x7d, true },
  { KEY_LEFT, 0x4b, 0x6b, true }, { KEY_RIGHT, 0x4d, 0x74, true },
  { KEY_END, 0x4f, 0x69, true }, { KEY_DOWN, 0x50, 0x72, true },
  { KEY_PAGEDOWN, 0x51, 0x7a, true }, { KEY_INSERT, 0x52, 0x70, true },
  { KEY_DELETE, 0x53, 0x71, true }, { KEY_LEFTMETA, 0x5b, 0x1f, true },
  { KEY_RIGHTMETA, 0x5c, 0x27, true }, { KEY_COMPOSE, 0x5d, 0x2f, true },
};

/* Pause has no break code and its own make sequence in each set. */
static const uint8_t ps2_kbd_pause_set1[] = { 0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5 };
static const uint8_t ps2_kbd_pause_set2[] = { 0xe1, 0x14, 0x77, 0xe1, 0xf0, 0x14, 0xf0, 0x77 };

static void
ps2_kbd_clear (struct ps2_kbd *kbd)
{
  kbd->head = 0;
  kbd->count = 0;
}

void
ps2_kbd_reset (struct ps2_kbd *kbd)
{
  ps2_kbd_clear (kbd);
  kbd->pending = 0;
  kbd->set = 2;
  kbd->leds = 0;
  kbd->scanning = true;
}

/* All of @bytes or nothing, so the guest never sees half a key. */
static bool
ps2_kbd_push (struct ps2_kbd *kbd, const uint8_t *bytes, unsigned n)
{
  if (n > PS2_KBD_QUEUE_SIZE - kbd->count)
    {
      kbd->dropped++;
      return false;
    }
  for (unsigned i = 0; i < n; i++)
    kbd->queue[(kbd->head + kbd->count++) % PS2_KBD_QUEUE_SIZE] = bytes[i];
  return true;
}

/* A reply to a command: the keyboard empties its buffer first, so the reply
 * is what the driver reads next. */
static void
ps2_kbd_reply (struct ps2_kbd *kbd, const uint8_t *bytes, unsigned n)
{
  ps2_kbd_clear (kbd);
  ps2_kbd_push (kbd, bytes, n);
}

static void
ps2_kbd_reply1 (struct ps2_kbd *kbd, uint8_t v)
{
  ps2_kbd_reply (kbd, &v, 1);
}

static void
ps2_kbd_argument (struct ps2_kbd *kbd, uint8_t cmd, uint8_t v)
{
  switch (cmd)
    {
    case 0xed: /* set LEDs */
      kbd->leds = v & 0x07;
      ps2_kbd_reply1 (kbd, PS2_ACK);
      break;
    case 0xf0: /* scancode set: 0 asks, 1 and 2 select; set 3 is not offered */
      if (v == 0)
        ps2_kbd_reply (kbd, (const uint8_t[]) { PS2_ACK, kbd->set }, 2);
      else if (v == 1 || v == 2)
        {
          kbd->set = v;
          ps2_kbd_reply1 (kbd, PS2_ACK);
        }
      else
        ps2_kbd_reply1 (kbd, PS2_RESEND);
      break;
    case 0xf3: /* typematic rate: there is no autorepeat here, the host repeats */
      ps2_kbd_reply1 (kbd, PS2_ACK);
      break;
    default:
      break;
    }
}

void
ps2_kbd_write (struct ps2_kbd *kbd, uint8_t v)
{
  uint8_t cmd = kbd->pending;

  kbd->pending = 0;
  /* A command byte instead of the argument starts over, as keyboards do. */
  if (cmd && v < 0xed)
    {
      ps2_kbd_argument (kbd, cmd, v);
      return;
    }
  switch (v)
    {
    case 0xed:
    case 0xf0:
    case 0xf3:
      kbd->pending = v;
      ps2_kbd_reply1 (kbd, PS2_ACK);
      break;
    case 0xee:
      ps2_kbd_reply1 (kbd, PS2_ECHO);
      break;
    case 0xf2: /* identify: an MF2 keyboard */
      ps2_kbd_reply (kbd, (const uint8_t[]) { PS2_ACK, 0xab, 0x83 }, 3);
      break;
    case 0xf4:
      kbd->scanning = true;
      ps2_kbd_reply1 (kbd, PS2_ACK);
      break;
    case 0xf5: /* disable: also back to defaults */
    case 0xf6: /* defaults, scanning stays as it is */
      kbd->set = 2;
      kbd->leds = 0;
      kbd->scanning = v == 0xf6 ? kbd->scanning : false;
      ps2_kbd_reply1 (kbd, PS2_ACK);
      break;
    case 0xff:
      ps2_kbd_reset (kbd);
      ps2_kbd_reply (kbd, (const uint8_t[]) { PS2_ACK, PS2_BAT_OK }, 2);
      break;
    default:
      vmm_debug ("unknown keyboard command 0x%02x", v);
      ps2_kbd_reply1 (kbd, PS2_RESEND);
      break;
    }
}

static const struct ps2_kbd_code *
ps2_kbd_lookup (int evdev)
{
  for (unsigned i = 0; i < G_N_ELEMENTS (ps2_kbd_codes); i++)
    if (ps2_kbd_codes[i].evdev == evdev)
      return &ps2_kbd_codes[i];
  return NULL;
}

bool
ps2_kbd_key (struct ps2_kbd *kbd, int evdev, bool pressed)
{
  const struct ps2_kbd_code *code;
  uint8_t seq[4];
  unsigned n = 0;

  if (!kbd->scanning)
    return false;
  if (evdev == KEY_PAUSE)
    {
      if (!pressed)
        return true;
      return kbd->set == 1 ? ps2_kbd_push (kbd, ps2_kbd_pause_set1, sizeof ps2_kbd_pause_set1)
                           : ps2_kbd_push (kbd, ps2_kbd_pause_set2, sizeof ps2_kbd_pause_set2);
    }
  if (!(code = ps2_kbd_lookup (evdev)))
    return false;
  if (code->ext)
    seq[n++] = PS2_EXT;
  if (kbd->set == 1)
    seq[n++] = code->set1 | (pressed ? 0 : 0x80);
  else
    {
      if (!pressed)
        seq[n++] = PS2_BREAK;
      seq[n++] = code->set2;
    }
  return ps2_kbd_push (kbd, seq, n);
}

bool
ps2_kbd_pop (struct ps2_kbd *kbd, uint8_t *v)
{
  if (kbd->count == 0)
    return false;
  *v = kbd->queue[kbd->head];
  kbd->head = (kbd->head + 1) % PS2_KBD_QUEUE_SIZE;
  kbd->count--;
  return true;
}

uint8_t
ps2_kbd_translate (uint8_t set2)
{
  /* Only scancodes change; acks, prefixes and replies pass as they are. The
   * key table covers every set 2 byte this keyboard sends. */
  for (unsigned i = 0; i < G_N_ELEMENTS (ps2_kbd_codes); i++)
    if (ps2_kbd_codes[i].set2 == set2)
      return ps2_kbd_codes[i].set1;
  return set2;
}
