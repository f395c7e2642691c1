/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-display"

#include "config.h"

#include <fcntl.h>
#include <glib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "display/display.h"
#include "../platform/test-log.h"

struct counter {
  atomic_int notified;
};

static void
count_notify (void *opaque)
{
  struct counter *c = opaque;

  atomic_fetch_add (&c->notified, 1);
}

static const struct display_consumer_ops counting_ops = { .notify = count_notify };

static void
drain (struct display_consumer *consumer, unsigned n)
{
  struct display_changes ch;

  for (unsigned i = 0; i < n; i++)
    display_consumer_poll (consumer, i, &ch);
}

static void
test_modes (void)
{
  struct display *display = display_new (2);
  struct display_surface *s;
  GLogLevelFlags saved = test_log_allow_warnings ();

  g_assert_null (display_new (0));
  g_assert_null (display_new (DISPLAY_MAX_SCANOUTS + 1));
  test_log_restore (saved);
  g_assert_cmpuint (display_get_n_scanouts (display), ==, 2);
  g_assert_null (display_get_surface (display, 0));
  g_assert_null (display_get_surface (display, 7));

  s = display_set_mode (display, 1, 640, 480);
  g_assert_nonnull (s);
  g_assert_cmpuint (s->width, ==, 640);
  g_assert_cmpuint (s->height, ==, 480);
  g_assert_cmpuint (s->stride, >=, 640 * 4);
  g_assert_cmpuint (s->size, ==, (uint64_t) s->stride * 480);
  g_assert_cmpuint (s->format, ==, DISPLAY_FORMAT_XRGB8888);
  for (uint64_t i = 0; i < s->size; i++)
    if (s->data[i] != 0)
      g_assert_not_reached ();
  display_surface_unref (s);

  s = display_get_surface (display, 1);
  g_assert_nonnull (s);
  g_assert_cmpuint (s->width, ==, 640);
  display_surface_unref (s);
  g_assert_null (display_get_surface (display, 0));

  /* Too large, or a scanout that does not exist: refused, nothing changes. */
  saved = test_log_allow_warnings ();
  g_assert_null (display_set_mode (display, 1, DISPLAY_MAX_WIDTH + 1, 10));
  g_assert_null (display_set_mode (display, 2, 10, 10));
  test_log_restore (saved);
  s = display_get_surface (display, 1);
  g_assert_cmpuint (s->width, ==, 640);
  display_surface_unref (s);

  /* 0 in either dimension disables. */
  g_assert_null (display_set_mode (display, 1, 0, 480));
  g_assert_null (display_get_surface (display, 1));

  s = display_set_mode (display, 0, DISPLAY_MAX_WIDTH, 1);
  g_assert_nonnull (s);
  display_surface_unref (s);
  display_free (display);
}

static void
test_damage_coalescing (void)
{
  struct display *display = display_new (1);
  struct counter counter = { 0 };
  struct display_consumer *consumer = display_subscribe (display, &counting_ops, &counter);
  struct display_changes ch;
  struct display_surface *s;

  /* Subscribing wakes it for the initial state. */
  g_assert_cmpint (atomic_load (&counter.notified), ==, 1);
  display_consumer_poll (consumer, 0, &ch);
  g_assert_true (ch.surface_changed);
  g_assert_true (ch.cursor_changed);
  g_assert_false (ch.damaged);

  s = display_set_mode (display, 0, 100, 50);
  g_assert_cmpint (atomic_load (&counter.notified), ==, 2);

  /* Damage on a consumer that does not poll: one wakeup, all merged. */
  for (int i = 0; i < 1000; i++)
    {
      struct display_rect r = { 10 + i % 20, 5 + i % 7, 3, 2 };
      display_damage (display, 0, &r);
    }
  g_assert_cmpint (atomic_load (&counter.notified), ==, 2);
  display_consumer_poll (consumer, 0, &ch);
  g_assert_true (ch.surface_changed);
  g_assert_true (ch.damaged);
  g_assert_cmpint (ch.damage.x, ==, 10);
  g_assert_cmpint (ch.damage.y, ==, 5);
  g_assert_cmpuint (ch.damage.width, ==, 19 + 3);
  g_assert_cmpuint (ch.damage.height, ==, 6 + 2);
  g_assert_false (ch.cursor_changed);

  /* Taken: nothing left. */
  display_consumer_poll (consumer, 0, &ch);
  g_assert_false (ch.surface_changed || ch.damaged || ch.cursor_changed);

  /* Clipped to the surface; outside entirely: ignored. */
  display_damage (display, 0, &(struct display_rect) { -5, -5, 10, 10 });
  g_assert_cmpint (atomic_load (&counter.notified), ==, 3);
  display_damage (display, 0, &(struct display_rect) { 95, 45, UINT32_MAX, UINT32_MAX });
  display_damage (display, 0, &(struct display_rect) { INT32_MAX, 0, UINT32_MAX, 1 });
  display_damage (display, 0, &(struct display_rect) { 100, 0, 1, 1 });
  display_damage (display, 0, &(struct display_rect) { 0, 0, 0, 10 });
  display_consumer_poll (consumer, 0, &ch);
  g_assert_true (ch.damaged);
  g_assert_cmpint (ch.damage.x, ==, 0);
  g_assert_cmpint (ch.damage.y, ==, 0);
  g_assert_cmpuint (ch.damage.width, ==, 100);
  g_assert_cmpuint (ch.damage.height, ==, 50);

  /* Damage before a mode change is dropped: the new surface is all news. */
  display_damage (display, 0, &(struct display_rect) { 0, 0, 100, 50 });
  display_surface_unref (s);
  s = display_set_mode (display, 0, 20, 10);
  display_consumer_poll (consumer, 0, &ch);
  g_assert_true (ch.surface_changed);
  g_assert_false (ch.damaged);
  display_surface_unref (s);

  /* Cursor changes. */
  struct display_cursor cursor = { .width = 2, .height = 2, .hot_x = 5, .hot_y = 1,
                                   .visible = true, .pixels = { 0xff00ff00 } };
  display_set_cursor (display, 0, &cursor);
  display_move_cursor (display, 0, 7, 8, true);
  display_consumer_poll (consumer, 0, &ch);
  g_assert_true (ch.cursor_changed);
  g_assert_false (ch.surface_changed);
  display_get_cursor (display, 0, &cursor);
  g_assert_cmpuint (cursor.width, ==, 2);
  g_assert_cmpuint (cursor.hot_x, ==, 1);
  g_assert_cmpuint (cursor.hot_y, ==, 1);
  g_assert_cmpint (cursor.x, ==, 7);
  g_assert_cmpint (cursor.y, ==, 8);
  g_assert_true (cursor.visible);
  g_assert_cmphex (cursor.pixels[0], ==, 0xff00ff00);
  cursor.width = DISPLAY_CURSOR_MAX + 1;
  GLogLevelFlags saved = test_log_allow_warnings ();
  display_set_cursor (display, 0, &cursor);
  test_log_restore (saved);
  display_consumer_poll (consumer, 0, &ch);
  g_assert_false (ch.cursor_changed);

  display_unsubscribe (consumer);
  display_free (display);
}

static void
test_two_consumers (void)
{
  struct display *display = display_new (2);
  struct counter ca = { 0 }, cb = { 0 };
  struct display_consumer *a = display_subscribe (display, &counting_ops, &ca);
  struct display_consumer *b = display_subscribe (display, &counting_ops, &cb);
  struct display_changes ch;
  struct display_surface *s;

  drain (a, 2);
  drain (b, 2);
  s = display_set_mode (display, 1, 64, 64);
  display_surface_unref (s);
  g_assert_cmpint (atomic_load (&ca.notified), ==, 2);
  g_assert_cmpint (atomic_load (&cb.notified), ==, 2);

  /* a polls, b does not: a is woken again, b's changes merge. */
  display_consumer_poll (a, 1, &ch);
  g_assert_true (ch.surface_changed);
  display_damage (display, 1, &(struct display_rect) { 1, 1, 1, 1 });
  g_assert_cmpint (atomic_load (&ca.notified), ==, 3);
  display_consumer_poll (a, 1, &ch);
  g_assert_true (ch.damaged);
  g_assert_false (ch.surface_changed);
  display_consumer_poll (b, 1, &ch);
  g_assert_true (ch.surface_changed);
  g_assert_true (ch.damaged);
  g_assert_cmpint (ch.damage.x, ==, 1);
  g_assert_cmpuint (ch.damage.width, ==, 1);

  /* Scanout 0 is unaffected. */
  display_consumer_poll (a, 0, &ch);
  g_assert_false (ch.surface_changed || ch.damaged || ch.cursor_changed);

  /* After unsubscribing, only the other is told. */
  display_unsubscribe (a);
  display_damage (display, 1, &(struct display_rect) { 2, 2, 1, 1 });
  g_assert_cmpint (atomic_load (&ca.notified), ==, 3);
  g_assert_cmpint (atomic_load (&cb.notified), ==, 3);
  display_consumer_poll (b, 1, &ch);
  g_assert_true (ch.damaged);
  display_unsubscribe (b);
  display_free (display);
}

/* A producer hammering the display while a consumer subscribes, polls and
 * unsubscribes over and over: no notification reaches a freed consumer
 * (ASan would say so) and nothing deadlocks. */
struct race {
  struct display *display;
  atomic_bool stop;
};

static gpointer
producer_thread (gpointer data)
{
  struct race *race = data;
  uint32_t n = 0;

  while (!atomic_load (&race->stop))
    {
      if (n++ % 64 == 0)
        display_surface_unref (display_set_mode (race->display, 0, 32 + n % 5, 32));
      display_damage (race->display, 0, &(struct display_rect) { 0, 0, 4, 4 });
      display_move_cursor (race->display, 0, (int32_t) n, 0, true);
    }
  return NULL;
}

static void
test_unsubscribe_race (void)
{
  struct race race = { .display = display_new (1) };
  GThread *thread = g_thread_new ("producer", producer_thread, &race);

  for (int i = 0; i < 2000; i++)
    {
      struct counter *c = g_new0 (struct counter, 1);
      struct display_consumer *consumer = display_subscribe (race.display, &counting_ops, c);

      drain (consumer, 1);
      display_unsubscribe (consumer);
      /* Freed right away: a notify still running on it would be a bug. */
      g_free (c);
    }
  atomic_store (&race.stop, true);
  g_thread_join (thread);
  display_free (race.display);
}

static void
test_surface_outlives_mode (void)
{
  struct display *display = display_new (1);
  struct display_surface *s = display_set_mode (display, 0, 16, 16);
  struct display_surface *held = display_get_surface (display, 0);

  g_assert_true (s == held);
  display_surface_unref (s);
  memset (held->data, 0xab, held->size);

  display_surface_unref (display_set_mode (display, 0, 8, 8));
  /* The display dropped its reference, ours keeps the old pixels alive. */
  g_assert_cmpuint (held->width, ==, 16);
  g_assert_cmpuint (held->data[held->size - 1], ==, 0xab);
  display_surface_unref (held);

  held = display_get_surface (display, 0);
  display_free (display);
  /* And outlives the display too. */
  g_assert_cmpuint (held->width, ==, 8);
  g_assert_cmpuint (held->data[0], ==, 0);
  display_surface_unref (held);
}

static void
test_memfd_sealed (void)
{
  struct display *display = display_new (1);
  struct display_surface *s = display_set_mode (display, 0, 33, 7);
  g_autofree char *path = g_strdup_printf ("/proc/self/fd/%d", s->memfd);
  int seals, fd;
  uint8_t *map;

  seals = fcntl (s->memfd, F_GET_SEALS);
  g_assert_cmpint (seals, ==, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL);
  g_assert_cmpint (fcntl (s->memfd, F_GETFD) & FD_CLOEXEC, ==, FD_CLOEXEC);
  g_assert_cmpint (ftruncate (s->memfd, 0), <, 0);
  g_assert_cmpint (lseek (s->memfd, 0, SEEK_END), ==, (off_t) s->size);

  /* What a consumer in another process does with the fd it was passed. */
  fd = open (path, O_RDONLY | O_CLOEXEC);
  g_assert_cmpint (fd, >=, 0);
  map = mmap (NULL, s->size, PROT_READ, MAP_SHARED, fd, 0);
  g_assert_true (map != MAP_FAILED);
  s->data[s->stride * 6 + 32 * 4] = 0x42;
  g_assert_cmpuint (map[s->stride * 6 + 32 * 4], ==, 0x42);
  munmap (map, s->size);
  close (fd);

  display_surface_unref (s);
  display_free (display);
}

struct size_wish {
  unsigned calls, scanout;
  uint32_t width, height;
};

static void
record_size (void *opaque, unsigned scanout, uint32_t width, uint32_t height)
{
  struct size_wish *w = opaque;

  w->calls++;
  w->scanout = scanout;
  w->width = width;
  w->height = height;
}

static void
test_request_size (void)
{
  static const struct display_producer_ops producer = { .request_size = record_size };
  struct display *display = display_new (2);
  struct size_wish wish = { 0 };

  /* Nobody to tell yet: dropped. */
  display_request_size (display, 0, 800, 600);
  display_set_producer (display, &producer, &wish);
  display_request_size (display, 1, 800, 600);
  g_assert_cmpuint (wish.calls, ==, 1);
  g_assert_cmpuint (wish.scanout, ==, 1);
  g_assert_cmpuint (wish.width, ==, 800);
  g_assert_cmpuint (wish.height, ==, 600);
  display_request_size (display, 0, 100000, 5);
  g_assert_cmpuint (wish.width, ==, DISPLAY_MAX_WIDTH);
  g_assert_cmpuint (wish.height, ==, 5);
  display_request_size (display, 0, 0, 5);
  g_assert_cmpuint (wish.width, ==, 0);
  g_assert_cmpuint (wish.height, ==, 0);
  display_request_size (display, 2, 10, 10);
  g_assert_cmpuint (wish.calls, ==, 3);
  display_free (display);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/Vmm/display/modes", test_modes);
  g_test_add_func ("/Vmm/display/damage-coalescing", test_damage_coalescing);
  g_test_add_func ("/Vmm/display/two-consumers", test_two_consumers);
  g_test_add_func ("/Vmm/display/unsubscribe-race", test_unsubscribe_race);
  g_test_add_func ("/Vmm/display/surface-outlives-mode", test_surface_outlives_mode);
  g_test_add_func ("/Vmm/display/memfd-sealed", test_memfd_sealed);
  g_test_add_func ("/Vmm/display/request-size", test_request_size);
  return g_test_run ();
}
