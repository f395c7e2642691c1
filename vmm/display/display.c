/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "display"

#include "config.h"

#include "display.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "log.h"

struct display_scanout {
  struct display_surface *surface;   /* NULL: disabled */
  struct display_cursor cursor;
};

struct display_consumer {
  struct display *display;
  struct display_consumer_ops ops;
  void *opaque;
  /* Under display->lock. */
  struct display_changes pending[DISPLAY_MAX_SCANOUTS];
  /* Set under display->lock when a change found nothing pending; taken by
   * display_notify(), so a consumer is woken once until it polls. */
  atomic_bool wake;
};

/*
 * Two locks, always taken in this order when both are needed:
 *   notify_lock: the consumer list's membership. Held while notify callbacks
 *     run, so display_unsubscribe() (which takes it too) cannot return while
 *     its consumer is being notified, and the consumer's memory stays valid.
 *   lock: scanouts, cursors, pending changes, producer. Never held while a
 *     callback runs, so a notify callback may call display_consumer_poll().
 * Notify callbacks must not call display_subscribe/unsubscribe.
 */
struct display {
  unsigned n_scanouts;
  pthread_mutex_t notify_lock;
  pthread_mutex_t lock;
  struct display_scanout scanouts[DISPLAY_MAX_SCANOUTS];
  GPtrArray *consumers;
  /* Held across calls into the producer, so that display_set_producer() (the
   * producer going away) waits for calls in progress. */
  pthread_mutex_t producer_lock;
  struct display_producer_ops producer;
  void *producer_opaque;
};

struct display *
display_new (unsigned n_scanouts)
{
  struct display *display;

  if (n_scanouts == 0 || n_scanouts > DISPLAY_MAX_SCANOUTS)
    {
      vmm_error ("display: %u scanouts requested, 1 to %u supported", n_scanouts,
                 DISPLAY_MAX_SCANOUTS);
      return NULL;
    }
  display = g_new0 (struct display, 1);
  display->n_scanouts = n_scanouts;
  pthread_mutex_init (&display->notify_lock, NULL);
  pthread_mutex_init (&display->lock, NULL);
  pthread_mutex_init (&display->producer_lock, NULL);
  display->consumers = g_ptr_array_new ();
  return display;
}

void
display_free (struct display *display)
{
  if (!display)
    return;
  if (display->consumers->len > 0)
    {
      /* A bug in the caller: consumers must unsubscribe first. */
      vmm_error ("display freed with %u consumers still subscribed", display->consumers->len);
      for (unsigned i = 0; i < display->consumers->len; i++)
        g_free (display->consumers->pdata[i]);
    }
  g_ptr_array_unref (display->consumers);
  for (unsigned i = 0; i < display->n_scanouts; i++)
    display_surface_unref (display->scanouts[i].surface);
  pthread_mutex_destroy (&display->lock);
  pthread_mutex_destroy (&display->producer_lock);
  pthread_mutex_destroy (&display->notify_lock);
  g_free (display);
}

unsigned
display_get_n_scanouts (struct display *display)
{
  return display->n_scanouts;
}

void
display_set_producer (struct display *display, const struct display_producer_ops *ops,
                      void *opaque)
{
  pthread_mutex_lock (&display->producer_lock);
  if (ops)
    display->producer = *ops;
  else
    memset (&display->producer, 0, sizeof display->producer);
  display->producer_opaque = opaque;
  pthread_mutex_unlock (&display->producer_lock);
}

/* --- Surfaces --- */

static struct display_surface *
display_surface_new (uint32_t width, uint32_t height)
{
  struct display_surface *surface;
  uint32_t stride = width * DISPLAY_BYTES_PER_PIXEL;
  uint64_t size = (uint64_t) stride * height;
  int fd;
  void *data;

  fd = memfd_create ("terrarium-display", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0)
    {
      int err = errno;
      vmm_error ("display: memfd_create: %s", g_strerror (err));
      errno = err;
      return NULL;
    }
  /* Sealed to this size so a consumer in another process that mapped it can
   * never be handed SIGBUS by a shrink. ftruncate zeroes the pixels. */
  if (ftruncate (fd, (off_t) size) < 0
      || fcntl (fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0)
    {
      int err = errno;
      vmm_error ("display: cannot size a %ux%u surface: %s", width, height, g_strerror (err));
      close (fd);
      errno = err;
      return NULL;
    }
  data = mmap (NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (data == MAP_FAILED)
    {
      int err = errno;
      vmm_error ("display: cannot map a %ux%u surface: %s", width, height, g_strerror (err));
      close (fd);
      errno = err;
      return NULL;
    }

  surface = g_new0 (struct display_surface, 1);
  atomic_init (&surface->refcount, 1);
  surface->memfd = fd;
  surface->data = data;
  surface->width = width;
  surface->height = height;
  surface->stride = stride;
  surface->format = DISPLAY_FORMAT_XRGB8888;
  surface->size = size;
  return surface;
}

struct display_surface *
display_surface_ref (struct display_surface *surface)
{
  if (surface)
    atomic_fetch_add (&surface->refcount, 1);
  return surface;
}

void
display_surface_unref (struct display_surface *surface)
{
  if (!surface || atomic_fetch_sub (&surface->refcount, 1) != 1)
    return;
  munmap (surface->data, surface->size);
  close (surface->memfd);
  g_free (surface);
}

/* --- Notification --- */

static bool
changes_pending (const struct display_changes *c)
{
  return c->surface_changed || c->damaged || c->cursor_changed;
}

/* Called with display->lock held: records a change for every consumer.
 * Returns whether some consumer went from nothing pending on @scanout to
 * something, i.e. needs a wakeup; one already woken will see it on its poll. */
typedef void (*display_change_fn) (struct display_changes *c, const void *data);

static bool
display_record_locked (struct display *display, unsigned scanout, display_change_fn change,
                       const void *data)
{
  bool wake = false;

  for (unsigned i = 0; i < display->consumers->len; i++)
    {
      struct display_consumer *consumer = display->consumers->pdata[i];
      struct display_changes *c = &consumer->pending[scanout];

      if (!changes_pending (c))
        {
          atomic_store (&consumer->wake, true);
          wake = true;
        }
      change (c, data);
    }
  return wake;
}

static void
display_notify (struct display *display)
{
  pthread_mutex_lock (&display->notify_lock);
  for (unsigned i = 0; i < display->consumers->len; i++)
    {
      struct display_consumer *consumer = display->consumers->pdata[i];

      if (atomic_exchange (&consumer->wake, false) && consumer->ops.notify)
        consumer->ops.notify (consumer->opaque);
    }
  pthread_mutex_unlock (&display->notify_lock);
}

static void
change_surface (struct display_changes *c, const void *data)
{
  c->surface_changed = true;
  /* Damage was in the old surface's coordinates; the new one is whole news. */
  c->damaged = false;
  memset (&c->damage, 0, sizeof c->damage);
}

static void
change_damage (struct display_changes *c, const void *data)
{
  const struct display_rect *r = data;

  if (!c->damaged)
    {
      c->damage = *r;
      c->damaged = true;
      return;
    }
  int64_t x0 = MIN (c->damage.x, r->x);
  int64_t y0 = MIN (c->damage.y, r->y);
  int64_t x1 = MAX ((int64_t) c->damage.x + c->damage.width, (int64_t) r->x + r->width);
  int64_t y1 = MAX ((int64_t) c->damage.y + c->damage.height, (int64_t) r->y + r->height);
  c->damage.x = (int32_t) x0;
  c->damage.y = (int32_t) y0;
  c->damage.width = (uint32_t) (x1 - x0);
  c->damage.height = (uint32_t) (y1 - y0);
}

static void
change_cursor (struct display_changes *c, const void *data)
{
  c->cursor_changed = true;
}

static bool
display_check_scanout (struct display *display, unsigned scanout, const char *what)
{
  if (scanout < display->n_scanouts)
    return true;
  vmm_error ("display: %s on scanout %u, which does not exist", what, scanout);
  return false;
}

/* --- Producer side --- */

struct display_surface *
display_set_mode (struct display *display, unsigned scanout, uint32_t width, uint32_t height)
{
  struct display_surface *surface = NULL, *old;
  bool wake;

  if (!display_check_scanout (display, scanout, "mode change"))
    return NULL;
  if (width > DISPLAY_MAX_WIDTH || height > DISPLAY_MAX_HEIGHT)
    {
      vmm_error ("display: mode %ux%u is larger than %ux%u", width, height, DISPLAY_MAX_WIDTH,
                 DISPLAY_MAX_HEIGHT);
      return NULL;
    }
  if (width > 0 && height > 0)
    {
      surface = display_surface_new (width, height);
      if (!surface)
        return NULL;
    }

  pthread_mutex_lock (&display->lock);
  old = display->scanouts[scanout].surface;
  display->scanouts[scanout].surface = display_surface_ref (surface);
  wake = display_record_locked (display, scanout, change_surface, NULL);
  pthread_mutex_unlock (&display->lock);

  display_surface_unref (old);
  if (wake)
    display_notify (display);
  return surface;
}

void
display_damage (struct display *display, unsigned scanout, const struct display_rect *rect)
{
  struct display_rect clipped;
  bool wake = false;

  if (!display_check_scanout (display, scanout, "damage"))
    return;

  pthread_mutex_lock (&display->lock);
  struct display_surface *surface = display->scanouts[scanout].surface;
  if (surface)
    {
      int64_t x0 = CLAMP ((int64_t) rect->x, 0, (int64_t) surface->width);
      int64_t y0 = CLAMP ((int64_t) rect->y, 0, (int64_t) surface->height);
      int64_t x1 = CLAMP ((int64_t) rect->x + rect->width, 0, (int64_t) surface->width);
      int64_t y1 = CLAMP ((int64_t) rect->y + rect->height, 0, (int64_t) surface->height);

      if (x1 > x0 && y1 > y0)
        {
          clipped = (struct display_rect) { (int32_t) x0, (int32_t) y0, (uint32_t) (x1 - x0),
                                            (uint32_t) (y1 - y0) };
          wake = display_record_locked (display, scanout, change_damage, &clipped);
        }
    }
  pthread_mutex_unlock (&display->lock);

  if (wake)
    display_notify (display);
}

void
display_set_cursor (struct display *display, unsigned scanout, const struct display_cursor *c)
{
  struct display_cursor *cur;
  bool wake;

  if (!display_check_scanout (display, scanout, "cursor image"))
    return;
  if (c->width > DISPLAY_CURSOR_MAX || c->height > DISPLAY_CURSOR_MAX)
    {
      vmm_error ("display: %ux%u cursor is larger than %ux%u", c->width, c->height,
                 DISPLAY_CURSOR_MAX, DISPLAY_CURSOR_MAX);
      return;
    }

  pthread_mutex_lock (&display->lock);
  cur = &display->scanouts[scanout].cursor;
  *cur = *c;
  if (cur->width == 0 || cur->height == 0)
    cur->width = cur->height = 0;
  /* Viewers index the image with the hotspot. */
  cur->hot_x = cur->width ? MIN (cur->hot_x, cur->width - 1) : 0;
  cur->hot_y = cur->height ? MIN (cur->hot_y, cur->height - 1) : 0;
  wake = display_record_locked (display, scanout, change_cursor, NULL);
  pthread_mutex_unlock (&display->lock);

  if (wake)
    display_notify (display);
}

void
display_move_cursor (struct display *display, unsigned scanout, int32_t x, int32_t y,
                     bool visible)
{
  struct display_cursor *cur;
  bool wake;

  if (!display_check_scanout (display, scanout, "cursor move"))
    return;

  pthread_mutex_lock (&display->lock);
  cur = &display->scanouts[scanout].cursor;
  cur->x = x;
  cur->y = y;
  cur->visible = visible;
  wake = display_record_locked (display, scanout, change_cursor, NULL);
  pthread_mutex_unlock (&display->lock);

  if (wake)
    display_notify (display);
}

/* --- Consumer side --- */

struct display_consumer *
display_subscribe (struct display *display, const struct display_consumer_ops *ops, void *opaque)
{
  struct display_consumer *consumer = g_new0 (struct display_consumer, 1);

  consumer->display = display;
  if (ops)
    consumer->ops = *ops;
  consumer->opaque = opaque;
  /* A newcomer has seen nothing: every scanout's surface and cursor is news. */
  for (unsigned i = 0; i < display->n_scanouts; i++)
    {
      consumer->pending[i].surface_changed = true;
      consumer->pending[i].cursor_changed = true;
    }

  pthread_mutex_lock (&display->notify_lock);
  pthread_mutex_lock (&display->lock);
  g_ptr_array_add (display->consumers, consumer);
  pthread_mutex_unlock (&display->lock);
  /* Later changes wake it only when it has nothing pending, so it must be
   * woken for what is pending now. */
  if (consumer->ops.notify)
    consumer->ops.notify (consumer->opaque);
  pthread_mutex_unlock (&display->notify_lock);
  return consumer;
}

void
display_unsubscribe (struct display_consumer *consumer)
{
  struct display *display;

  if (!consumer)
    return;
  display = consumer->display;
  pthread_mutex_lock (&display->notify_lock);
  pthread_mutex_lock (&display->lock);
  g_ptr_array_remove_fast (display->consumers, consumer);
  pthread_mutex_unlock (&display->lock);
  pthread_mutex_unlock (&display->notify_lock);
  g_free (consumer);
}

void
display_consumer_poll (struct display_consumer *consumer, unsigned scanout,
                       struct display_changes *changes)
{
  struct display *display = consumer->display;

  memset (changes, 0, sizeof *changes);
  if (scanout >= display->n_scanouts)
    return;
  pthread_mutex_lock (&display->lock);
  *changes = consumer->pending[scanout];
  memset (&consumer->pending[scanout], 0, sizeof consumer->pending[scanout]);
  pthread_mutex_unlock (&display->lock);
}

struct display_surface *
display_get_surface (struct display *display, unsigned scanout)
{
  struct display_surface *surface;

  if (scanout >= display->n_scanouts)
    return NULL;
  pthread_mutex_lock (&display->lock);
  surface = display_surface_ref (display->scanouts[scanout].surface);
  pthread_mutex_unlock (&display->lock);
  return surface;
}

void
display_get_cursor (struct display *display, unsigned scanout, struct display_cursor *out)
{
  if (scanout >= display->n_scanouts)
    {
      memset (out, 0, sizeof *out);
      return;
    }
  pthread_mutex_lock (&display->lock);
  *out = display->scanouts[scanout].cursor;
  pthread_mutex_unlock (&display->lock);
}

void
display_request_size (struct display *display, unsigned scanout, uint32_t width,
                      uint32_t height)
{
  if (scanout >= display->n_scanouts)
    return;
  /* A viewer's window can be anything; the guest is only offered what a
   * surface can hold, and 0x0 (disconnected) only as a pair. */
  width = MIN (width, DISPLAY_MAX_WIDTH);
  height = MIN (height, DISPLAY_MAX_HEIGHT);
  if (width == 0 || height == 0)
    width = height = 0;

  pthread_mutex_lock (&display->producer_lock);
  if (display->producer.request_size)
    display->producer.request_size (display->producer_opaque, scanout, width, height);
  pthread_mutex_unlock (&display->producer_lock);
}
