/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "i8042"

#include "config.h"

#include "i8042.h"

#include "log.h"

#include <errno.h>
#include <glib.h>
#include <linux/input-event-codes.h>
#include <string.h>

#define I8042_STS_OBF      0x01
#define I8042_STS_SYS      0x04
#define I8042_STS_CMD      0x08  /* last write went to the command port */
#define I8042_STS_UNLOCKED 0x10  /* keyboard not inhibited */
#define I8042_STS_AUXDATA  0x20  /* the output byte is from the aux port */

#define I8042_CB_KBD_INT   0x01
#define I8042_CB_SYS       0x04
#define I8042_CB_KBD_OFF   0x10
#define I8042_CB_XLATE     0x40

#define I8042_OUT_RESET    0x01  /* low resets the CPU */
#define I8042_OUT_A20      0x02

static void
i8042_update_irq (struct i8042 *kbc)
{
  bool level = (kbc->status & I8042_STS_OBF) && !(kbc->status & I8042_STS_AUXDATA) &&
               (kbc->command_byte & I8042_CB_KBD_INT);

  if (level != kbc->irq_level)
    {
      kbc->irq_level = level;
      irq_line_set (&kbc->irq, level);
    }
}

/* Moves the keyboard's next byte into an empty output buffer, unless the
 * keyboard port is disabled (the keyboard then keeps its bytes). */
static void
i8042_fill (struct i8042 *kbc)
{
  uint8_t v;

  if ((kbc->status & I8042_STS_OBF) || (kbc->command_byte & I8042_CB_KBD_OFF))
    goto out;
  if (kbc->has_held)
    {
      v = kbc->held;
      kbc->has_held = false;
      goto deliver;
    }
  if (!ps2_kbd_pop (&kbc->kbd, &v))
    goto out;
  if (kbc->command_byte & I8042_CB_XLATE)
    {
      /* The translator swallows the break prefix and sets bit 7 of the next
       * byte; the keyboard only queues whole sequences, so it is there. */
      if (v == 0xf0)
        {
          if (!ps2_kbd_pop (&kbc->kbd, &v))
            goto out;
          v = ps2_kbd_translate (v) | 0x80;
        }
      else
        v = ps2_kbd_translate (v);
    }
deliver:
  kbc->output = v;
  kbc->output_from_kbd = true;
  kbc->status = (kbc->status | I8042_STS_OBF) & ~I8042_STS_AUXDATA;
out:
  i8042_update_irq (kbc);
}

/* A reply of the controller itself. It goes first, as the driver reads it
 * right after its command; a keyboard byte not read yet comes next. */
static void
i8042_output (struct i8042 *kbc, uint8_t v, bool aux)
{
  if ((kbc->status & I8042_STS_OBF) && kbc->output_from_kbd && !kbc->has_held)
    {
      kbc->held = kbc->output;
      kbc->has_held = true;
    }
  kbc->output = v;
  kbc->output_from_kbd = false;
  kbc->status |= I8042_STS_OBF;
  if (aux)
    kbc->status |= I8042_STS_AUXDATA;
  else
    kbc->status &= ~I8042_STS_AUXDATA;
  /* A new byte is a new edge for the driver. */
  if (kbc->irq_level)
    {
      kbc->irq_level = false;
      irq_line_set (&kbc->irq, 0);
    }
  i8042_update_irq (kbc);
}

static void
i8042_reset_locked (struct i8042 *kbc)
{
  kbc->command_byte = 0x45;     /* translate, system flag, keyboard interrupt */
  kbc->status = I8042_STS_UNLOCKED | I8042_STS_SYS;
  kbc->output = 0;
  kbc->output_from_kbd = kbc->has_held = false;
  kbc->pending = 0;
  kbc->output_port = I8042_OUT_RESET | I8042_OUT_A20;
  ps2_kbd_reset (&kbc->kbd);
  i8042_update_irq (kbc);
}

void
i8042_reset (struct i8042 *kbc)
{
  pthread_mutex_lock (&kbc->lock);
  i8042_reset_locked (kbc);
  pthread_mutex_unlock (&kbc->lock);
}

/* Returns true when the command pulses the reset line. */
static bool
i8042_command (struct i8042 *kbc, uint8_t cmd)
{
  switch (cmd)
    {
    case 0x20: /* read command byte */
      i8042_output (kbc, kbc->command_byte, false);
      break;
    case 0x60: /* write command byte */
    case 0xd1: /* write output port */
    case 0xd2: /* write keyboard output buffer */
    case 0xd3: /* write aux output buffer */
    case 0xd4: /* write to aux device */
      kbc->pending = cmd;
      break;
    case 0xa7: /* disable aux */
      kbc->command_byte |= 0x20;
      break;
    case 0xa8: /* enable aux */
      kbc->command_byte &= ~0x20;
      break;
    case 0xa9: /* aux interface test: clock line stuck, nothing there */
      i8042_output (kbc, 0x01, false);
      break;
    case 0xaa: /* controller self-test */
      i8042_output (kbc, 0x55, false);
      break;
    case 0xab: /* keyboard interface test: passes */
      i8042_output (kbc, 0x00, false);
      break;
    case 0xad: /* disable keyboard */
      kbc->command_byte |= 0x10;
      break;
    case 0xae: /* enable keyboard */
      kbc->command_byte &= ~0x10;
      i8042_fill (kbc);
      break;
    case 0xc0: /* read input port */
      i8042_output (kbc, 0x80, false);
      break;
    case 0xd0: /* read output port */
      i8042_output (kbc, kbc->output_port, false);
      break;
    default:
      /* 0xF0-0xFF pulse output lines low where the low nibble is 0; bit 0 is reset. */
      if (cmd >= 0xf0)
        return !(cmd & 0x01);
      vmm_debug ("unhandled i8042 command 0x%02x", cmd);
      break;
    }
  return false;
}

static bool
i8042_data (struct i8042 *kbc, uint8_t v)
{
  uint8_t cmd = kbc->pending;

  kbc->pending = 0;
  switch (cmd)
    {
    case 0x60:
      kbc->command_byte = v;
      kbc->status = (kbc->status & ~I8042_STS_SYS) | (v & I8042_CB_SYS);
      i8042_fill (kbc);
      break;
    case 0xd1:
      kbc->output_port = v;
      return !(v & I8042_OUT_RESET);
    case 0xd2:
    case 0xd3:
      i8042_output (kbc, v, cmd == 0xd3);
      break;
    case 0xd4:
      /* No mouse: the controller reports the missing device as a NAK. */
      i8042_output (kbc, 0xfe, true);
      break;
    default:
      ps2_kbd_write (&kbc->kbd, v);
      i8042_fill (kbc);
      break;
    }
  return false;
}

static void
i8042_port_read (struct i8042 *kbc, bool command_port, uint8_t *v)
{
  pthread_mutex_lock (&kbc->lock);
  if (command_port)
    *v = kbc->status;
  else
    {
      *v = kbc->output;
      kbc->status &= ~(I8042_STS_OBF | I8042_STS_AUXDATA);
      /* Lowered first, so a next byte raises a new edge. */
      i8042_update_irq (kbc);
      i8042_fill (kbc);
    }
  pthread_mutex_unlock (&kbc->lock);
}

static void
i8042_port_write (struct i8042 *kbc, bool command_port, uint8_t v)
{
  bool reset;

  pthread_mutex_lock (&kbc->lock);
  if (command_port)
    {
      kbc->status |= I8042_STS_CMD;
      reset = i8042_command (kbc, v);
    }
  else
    {
      kbc->status &= ~I8042_STS_CMD;
      reset = i8042_data (kbc, v);
    }
  pthread_mutex_unlock (&kbc->lock);
  if (reset && kbc->request)
    kbc->request (kbc->request_opaque, VM_REQUEST_RESET);
}

static void
i8042_data_read (void *opaque, uint64_t offset, void *data, unsigned size)
{
  memset (data, 0xff, size);
  i8042_port_read (opaque, false, data);
}

static void
i8042_data_write (void *opaque, uint64_t offset, const void *data, unsigned size)
{
  i8042_port_write (opaque, false, *(const uint8_t *) data);
}

static void
i8042_command_read (void *opaque, uint64_t offset, void *data, unsigned size)
{
  memset (data, 0xff, size);
  i8042_port_read (opaque, true, data);
}

static void
i8042_command_write (void *opaque, uint64_t offset, const void *data, unsigned size)
{
  i8042_port_write (opaque, true, *(const uint8_t *) data);
}

static const struct bus_ops i8042_data_ops = { i8042_data_read, i8042_data_write };
static const struct bus_ops i8042_command_ops = { i8042_command_read, i8042_command_write };

void
i8042_key (struct i8042 *kbc, int evdev, bool pressed)
{
  pthread_mutex_lock (&kbc->lock);
  ps2_kbd_key (&kbc->kbd, evdev, pressed);
  i8042_fill (kbc);
  pthread_mutex_unlock (&kbc->lock);
}

uint32_t
i8042_get_leds (struct i8042 *kbc)
{
  uint32_t leds = 0;
  uint8_t v;

  pthread_mutex_lock (&kbc->lock);
  v = kbc->kbd.leds;
  pthread_mutex_unlock (&kbc->lock);
  if (v & 0x01)
    leds |= 1u << LED_SCROLLL;
  if (v & 0x02)
    leds |= 1u << LED_NUML;
  if (v & 0x04)
    leds |= 1u << LED_CAPSL;
  return leds;
}

uint64_t
i8042_get_dropped (struct i8042 *kbc)
{
  uint64_t n;

  pthread_mutex_lock (&kbc->lock);
  n = kbc->kbd.dropped;
  pthread_mutex_unlock (&kbc->lock);
  return n;
}

int
i8042_init (struct i8042 *kbc, struct bus *pio, const struct irq_line *irq,
            i8042_request_func request, void *request_opaque)
{
  int ret;

  memset (kbc, 0, sizeof *kbc);
  pthread_mutex_init (&kbc->lock, NULL);
  kbc->pio = pio;
  if (irq)
    kbc->irq = *irq;
  kbc->request = request;
  kbc->request_opaque = request_opaque;
  i8042_reset_locked (kbc);
  if ((ret = bus_register (pio, I8042_DATA_PORT, 1, &i8042_data_ops, kbc, "i8042-data")) < 0)
    goto fail;
  if ((ret = bus_register (pio, I8042_COMMAND_PORT, 1, &i8042_command_ops, kbc,
                           "i8042-command")) < 0)
    {
      bus_unregister (pio, I8042_DATA_PORT);
      goto fail;
    }
  return 0;

fail:
  vmm_error ("Cannot claim the keyboard controller ports: %s", g_strerror (-ret));
  pthread_mutex_destroy (&kbc->lock);
  return ret;
}

void
i8042_destroy (struct i8042 *kbc)
{
  bus_unregister (kbc->pio, I8042_DATA_PORT);
  bus_unregister (kbc->pio, I8042_COMMAND_PORT);
  pthread_mutex_destroy (&kbc->lock);
}
