/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "spice"

#include "config.h"

#include "spice-core.h"

#include <glib-unix.h>
#include <netdb.h>
#include <string.h>

#include "log.h"

struct SpiceTimer {
  GSource *source;          /* NULL while not started */
  SpiceTimerFunc func;
  void *opaque;
};

struct SpiceWatch {
  GSource *source;
  gpointer tag;
  int fd;
  int mask;                 /* SPICE_WATCH_EVENT_* asked for */
  SpiceWatchFunc func;
  void *opaque;
};

struct spice_core_watch_source {
  GSource source;
  struct SpiceWatch *watch;
};

/* The main context the server was started from, and who hears of clients.
 * Timers and watches are tracked so that a destroyed server leaves nothing. */
static struct {
  GMainContext *context;
  spice_core_client_fn client_fn;
  void *client_opaque;
  GPtrArray *timers, *watches;
  GHashTable *initialized;  /* connection ids of main channels past auth */
} spice_core;

static gboolean
spice_core_timer_fire (gpointer data)
{
  SpiceTimer *timer = data;

  g_clear_pointer (&timer->source, g_source_unref);
  timer->func (timer->opaque);
  return G_SOURCE_REMOVE;
}

static SpiceTimer *
spice_core_timer_add (SpiceTimerFunc func, void *opaque)
{
  SpiceTimer *timer = g_new0 (SpiceTimer, 1);

  timer->func = func;
  timer->opaque = opaque;
  g_ptr_array_add (spice_core.timers, timer);
  return timer;
}

static void
spice_core_timer_cancel (SpiceTimer *timer)
{
  if (timer->source)
    {
      g_source_destroy (timer->source);
      g_clear_pointer (&timer->source, g_source_unref);
    }
}

static void
spice_core_timer_start (SpiceTimer *timer, uint32_t ms)
{
  spice_core_timer_cancel (timer);
  timer->source = g_timeout_source_new (ms);
  /* The source's ref is ours; the callback drops it before the timer may be
   * started again from within. */
  g_source_set_callback (timer->source, spice_core_timer_fire, timer, NULL);
  g_source_attach (timer->source, spice_core.context);
}

static void
spice_core_timer_remove (SpiceTimer *timer)
{
  spice_core_timer_cancel (timer);
  g_ptr_array_remove (spice_core.timers, timer);
  g_free (timer);
}

static GIOCondition
spice_core_condition (int event_mask)
{
  GIOCondition cond = 0;

  if (event_mask & SPICE_WATCH_EVENT_READ)
    cond |= G_IO_IN;
  if (event_mask & SPICE_WATCH_EVENT_WRITE)
    cond |= G_IO_OUT;
  return cond;
}

static gboolean
spice_core_watch_dispatch (GSource *source, GSourceFunc callback, gpointer data)
{
  struct SpiceWatch *watch = ((struct spice_core_watch_source *) source)->watch;
  GIOCondition got = g_source_query_unix_fd (source, watch->tag);
  int event = 0;

  /* A hang-up or error is news to whichever side is watched: the server
   * finds out when it reads or writes. */
  if (got & (G_IO_IN | G_IO_HUP | G_IO_ERR))
    event |= SPICE_WATCH_EVENT_READ;
  if (got & (G_IO_OUT | G_IO_ERR))
    event |= SPICE_WATCH_EVENT_WRITE;
  event &= watch->mask;
  if (event)
    watch->func (watch->fd, event, watch->opaque);
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs spice_core_watch_funcs = {
  .dispatch = spice_core_watch_dispatch,
};

static SpiceWatch *
spice_core_watch_add (int fd, int event_mask, SpiceWatchFunc func, void *opaque)
{
  SpiceWatch *watch = g_new0 (SpiceWatch, 1);

  watch->fd = fd;
  watch->mask = event_mask;
  watch->func = func;
  watch->opaque = opaque;
  watch->source = g_source_new (&spice_core_watch_funcs, sizeof (struct spice_core_watch_source));
  ((struct spice_core_watch_source *) watch->source)->watch = watch;
  watch->tag = g_source_add_unix_fd (watch->source, fd, spice_core_condition (event_mask));
  g_source_attach (watch->source, spice_core.context);
  g_ptr_array_add (spice_core.watches, watch);
  return watch;
}

static void
spice_core_watch_update_mask (SpiceWatch *watch, int event_mask)
{
  watch->mask = event_mask;
  g_source_modify_unix_fd (watch->source, watch->tag, spice_core_condition (event_mask));
}

static void
spice_core_watch_remove (SpiceWatch *watch)
{
  g_source_destroy (watch->source);
  g_source_unref (watch->source);
  g_ptr_array_remove (spice_core.watches, watch);
  g_free (watch);
}

struct spice_core_event {
  int event;
  int connection_id;
  char *address;
};

static void
spice_core_event_free (gpointer data)
{
  struct spice_core_event *e = data;

  g_free (e->address);
  g_free (e);
}

static gboolean
spice_core_event_run (gpointer data)
{
  struct spice_core_event *e = data;
  gpointer key = GINT_TO_POINTER (e->connection_id);

  if (!spice_core.initialized)
    return G_SOURCE_REMOVE;
  /* A client that failed authentication was never "connected". */
  if (e->event == SPICE_CHANNEL_EVENT_INITIALIZED)
    {
      g_hash_table_add (spice_core.initialized, key);
      vmm_info ("SPICE client %s connected", e->address);
      if (spice_core.client_fn)
        spice_core.client_fn (spice_core.client_opaque, true, e->address);
    }
  else if (e->event == SPICE_CHANNEL_EVENT_DISCONNECTED &&
           g_hash_table_remove (spice_core.initialized, key))
    {
      vmm_info ("SPICE client %s disconnected", e->address);
      if (spice_core.client_fn)
        spice_core.client_fn (spice_core.client_opaque, false, e->address);
    }
  return G_SOURCE_REMOVE;
}

static char *
spice_core_format_address (const SpiceChannelEventInfo *info)
{
  char host[NI_MAXHOST], port[NI_MAXSERV];

  if (!(info->flags & SPICE_CHANNEL_EVENT_FLAG_ADDR_EXT) || info->plen_ext == 0 ||
      getnameinfo ((const struct sockaddr *) &info->paddr_ext, info->plen_ext, host,
                   sizeof host, port, sizeof port, NI_NUMERICHOST | NI_NUMERICSERV) != 0)
    return g_strdup ("unknown");
  return strchr (host, ':') ? g_strdup_printf ("[%s]:%s", host, port)
                            : g_strdup_printf ("%s:%s", host, port);
}

/* May run on the display worker's thread (its channels' events); only main
 * channels matter, and they are handed to the main context. */
static void
spice_core_channel_event (int event, SpiceChannelEventInfo *info)
{
  struct spice_core_event *e;

  if (info->type != SPICE_CHANNEL_MAIN || event == SPICE_CHANNEL_EVENT_CONNECTED)
    return;
  e = g_new0 (struct spice_core_event, 1);
  e->event = event;
  e->connection_id = info->connection_id;
  e->address = spice_core_format_address (info);
  g_main_context_invoke_full (spice_core.context, G_PRIORITY_DEFAULT, spice_core_event_run, e,
                              spice_core_event_free);
}

static SpiceCoreInterface spice_core_interface = {
  .base = {
    .type = SPICE_INTERFACE_CORE,
    .description = "terrarium-vmm main loop",
    .major_version = SPICE_INTERFACE_CORE_MAJOR,
    .minor_version = SPICE_INTERFACE_CORE_MINOR,
  },
  .timer_add = spice_core_timer_add,
  .timer_start = spice_core_timer_start,
  .timer_cancel = spice_core_timer_cancel,
  .timer_remove = spice_core_timer_remove,
  .watch_add = spice_core_watch_add,
  .watch_update_mask = spice_core_watch_update_mask,
  .watch_remove = spice_core_watch_remove,
  .channel_event = spice_core_channel_event,
};

SpiceCoreInterface *
spice_core_get (spice_core_client_fn fn, void *opaque)
{
  spice_core.context = g_main_context_ref_thread_default ();
  spice_core.client_fn = fn;
  spice_core.client_opaque = opaque;
  if (!spice_core.timers)
    {
      spice_core.timers = g_ptr_array_new ();
      spice_core.watches = g_ptr_array_new ();
      spice_core.initialized = g_hash_table_new (NULL, NULL);
    }
  return &spice_core_interface;
}

void
spice_core_release (void)
{
  if (!spice_core.timers)
    return;
  while (spice_core.timers->len)
    spice_core_timer_remove (spice_core.timers->pdata[0]);
  while (spice_core.watches->len)
    spice_core_watch_remove (spice_core.watches->pdata[0]);
  /* Clients of a stopped server are gone, whatever events were missed. */
  if (spice_core.client_fn)
    {
      GHashTableIter iter;
      gpointer key;

      g_hash_table_iter_init (&iter, spice_core.initialized);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        spice_core.client_fn (spice_core.client_opaque, false, "unknown");
    }
  g_clear_pointer (&spice_core.timers, g_ptr_array_unref);
  g_clear_pointer (&spice_core.watches, g_ptr_array_unref);
  g_clear_pointer (&spice_core.initialized, g_hash_table_unref);
  g_clear_pointer (&spice_core.context, g_main_context_unref);
  spice_core.client_fn = NULL;
}
