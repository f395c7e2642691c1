/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "firmware"

#include "config.h"

#include "debugcon.h"

#include <glib.h>
#include <string.h>

#include "log.h"

/* Called with the lock held. */
static void
debugcon_flush (struct debugcon *d)
{
  if (d->len == 0)
    return;
  d->line[d->len] = '\0';
  vmm_debug ("%s", d->line);
  d->len = 0;
}

static void
debugcon_read (void *opaque, uint64_t offset, void *data, unsigned size)
{
  memset (data, 0, size);
  if (offset == 0)
    *(uint8_t *) data = DEBUGCON_READBACK;
}

static void
debugcon_write (void *opaque, uint64_t offset, const void *data, unsigned size)
{
  struct debugcon *d = opaque;
  const uint8_t *in = data;

  pthread_mutex_lock (&d->lock);
  for (unsigned i = 0; i < size && offset == 0; i++)
    {
      uint8_t c = in[i];

      d->bytes++;
      if (c == '\n')
        debugcon_flush (d);
      /* Carriage returns and other control bytes would garble the log. */
      else if (c >= 0x20 && c != 0x7f)
        {
          d->line[d->len++] = c;
          if (d->len == DEBUGCON_LINE_MAX - 1)
            debugcon_flush (d);
        }
    }
  pthread_mutex_unlock (&d->lock);
}

static const struct bus_ops debugcon_ops = {
  .read = debugcon_read,
  .write = debugcon_write,
};

int
debugcon_init (struct debugcon *d, struct bus *pio)
{
  int ret;

  memset (d, 0, sizeof *d);
  pthread_mutex_init (&d->lock, NULL);
  ret = bus_register (pio, DEBUGCON_PORT, 1, &debugcon_ops, d, "debugcon");
  if (ret < 0)
    {
      vmm_error ("firmware debug console: cannot claim port %#x: %s", DEBUGCON_PORT,
                 g_strerror (-ret));
      pthread_mutex_destroy (&d->lock);
      return ret;
    }
  d->pio = pio;
  return 0;
}

void
debugcon_destroy (struct debugcon *d)
{
  if (!d->pio)
    return;
  bus_unregister (d->pio, DEBUGCON_PORT);
  pthread_mutex_lock (&d->lock);
  debugcon_flush (d);
  pthread_mutex_unlock (&d->lock);
  pthread_mutex_destroy (&d->lock);
  d->pio = NULL;
}
