/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "spice"

#include "config.h"

#include "spice-display.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>

#include "display/display.h"
#include "log.h"
#include "spice-display-cmd.h"

/* Bits of a QXLPHYSICAL that name the memory slot and its generation; a
 * host pointer has zeros there, i.e. slot 0, generation 0. */
#define SPICE_DISPLAY_MEMSLOT_ID_BITS  8
#define SPICE_DISPLAY_MEMSLOT_GEN_BITS 8
/* Cursor commands waiting for the worker; moves beyond this are merged. */
#define SPICE_DISPLAY_CURSOR_QUEUE_MAX 16

struct spice_display {
  QXLInstance qxl;
  SpiceServer *server;
  struct display *display;
  struct display_consumer *consumer;
  GSource *wake;              /* main context: poll the display */

  /* Main context only. */
  struct display_surface *primary;   /* what the primary surface shows */
  uint8_t *canvas;                   /* the server's memory for it */
  struct display_cursor cursor;      /* last sent */

  /* Shared with the worker thread; never held while calling the server. */
  pthread_mutex_t lock;
  struct display_surface *draw_surface;  /* NULL while the primary changes */
  bool damaged;
  struct display_rect damage;
  GQueue cursor_cmds;                    /* struct spice_display_cmd */
  uint32_t next_image_id;
};

#define SPICE_DISPLAY(qin) ((struct spice_display *) ((char *) (qin) - \
                                                      offsetof (struct spice_display, qxl)))

/* --- Worker thread --- */

static void
spice_display_attached_worker (QXLInstance *qin)
{
}

static void
spice_display_set_compression_level (QXLInstance *qin, int level)
{
}

static void
spice_display_get_init_info (QXLInstance *qin, QXLDevInitInfo *info)
{
  memset (info, 0, sizeof *info);
  info->num_memslots_groups = 1;
  info->num_memslots = 1;
  info->memslot_id_bits = SPICE_DISPLAY_MEMSLOT_ID_BITS;
  info->memslot_gen_bits = SPICE_DISPLAY_MEMSLOT_GEN_BITS;
  info->internal_groupslot_id = SPICE_DISPLAY_MEMSLOT_GROUP;
  info->qxl_ram_size = UINT32_MAX;
  info->n_surfaces = 1;
}

static int
spice_display_get_command (QXLInstance *qin, QXLCommandExt *ext)
{
  struct spice_display *sd = SPICE_DISPLAY (qin);
  struct display_surface *surface = NULL;
  struct spice_display_cmd *cmd;
  struct display_rect rect;
  uint32_t image_id;

  pthread_mutex_lock (&sd->lock);
  if (sd->damaged && sd->draw_surface)
    {
      surface = display_surface_ref (sd->draw_surface);
      rect = sd->damage;
      sd->damaged = false;
      image_id = ++sd->next_image_id;
    }
  pthread_mutex_unlock (&sd->lock);
  if (!surface)
    return 0;

  /* The copy, the expensive part, runs here on the worker's own thread. */
  cmd = spice_display_cmd_new_draw (surface, &rect, image_id,
                                    (uint32_t) (g_get_monotonic_time () / 1000));
  display_surface_unref (surface);
  if (!cmd)
    return 0;
  *ext = cmd->ext;
  return 1;
}

static int
spice_display_req_cmd_notification (QXLInstance *qin)
{
  struct spice_display *sd = SPICE_DISPLAY (qin);
  bool pending;

  pthread_mutex_lock (&sd->lock);
  pending = sd->damaged && sd->draw_surface;
  pthread_mutex_unlock (&sd->lock);
  /* Nothing pending: the main context calls spice_qxl_wakeup() on news. */
  return !pending;
}

static void
spice_display_release_resource (QXLInstance *qin, QXLReleaseInfoExt release)
{
  spice_display_cmd_free (spice_display_cmd_from_release (release));
}

static int
spice_display_get_cursor_command (QXLInstance *qin, QXLCommandExt *ext)
{
  struct spice_display *sd = SPICE_DISPLAY (qin);
  struct spice_display_cmd *cmd;

  pthread_mutex_lock (&sd->lock);
  cmd = g_queue_pop_head (&sd->cursor_cmds);
  pthread_mutex_unlock (&sd->lock);
  if (!cmd)
    return 0;
  *ext = cmd->ext;
  return 1;
}

static int
spice_display_req_cursor_notification (QXLInstance *qin)
{
  struct spice_display *sd = SPICE_DISPLAY (qin);
  bool empty;

  pthread_mutex_lock (&sd->lock);
  empty = g_queue_is_empty (&sd->cursor_cmds);
  pthread_mutex_unlock (&sd->lock);
  return empty;
}

static void
spice_display_notify_update (QXLInstance *qin, uint32_t update_id)
{
}

static int
spice_display_flush_resources (QXLInstance *qin)
{
  return 0;
}

static void
spice_display_async_complete (QXLInstance *qin, uint64_t cookie)
{
}

static void
spice_display_update_area_complete (QXLInstance *qin, uint32_t surface_id,
                                    struct QXLRect *updated_rects, uint32_t num_updated_rects)
{
}

static void
spice_display_set_client_capabilities (QXLInstance *qin, uint8_t client_present,
                                       uint8_t caps[SPICE_CAPABILITIES_SIZE])
{
}

/* Without a vdagent in the guest no client sends a monitor layout; the
 * guest's size follows viewers through display_request_size() elsewhere. */
static int
spice_display_client_monitors_config (QXLInstance *qin, VDAgentMonitorsConfig *config)
{
  return 0;
}

static const QXLInterface spice_display_interface = {
  .base = {
    .type = SPICE_INTERFACE_QXL,
    .description = "terrarium-vmm display",
    .major_version = SPICE_INTERFACE_QXL_MAJOR,
    .minor_version = SPICE_INTERFACE_QXL_MINOR,
  },
  .attached_worker = spice_display_attached_worker,
  .set_compression_level = spice_display_set_compression_level,
  .get_init_info = spice_display_get_init_info,
  .get_command = spice_display_get_command,
  .req_cmd_notification = spice_display_req_cmd_notification,
  .release_resource = spice_display_release_resource,
  .get_cursor_command = spice_display_get_cursor_command,
  .req_cursor_notification = spice_display_req_cursor_notification,
  .notify_update = spice_display_notify_update,
  .flush_resources = spice_display_flush_resources,
  .async_complete = spice_display_async_complete,
  .update_area_complete = spice_display_update_area_complete,
  .set_client_capabilities = spice_display_set_client_capabilities,
  .client_monitors_config = spice_display_client_monitors_config,
};

/* --- Producer thread --- */

static void
spice_display_notify (void *opaque)
{
  struct spice_display *sd = opaque;

  /* Thread-safe and never waits for the main loop. */
  g_source_set_ready_time (sd->wake, 0);
}

static const struct display_consumer_ops spice_display_consumer_ops = {
  .notify = spice_display_notify,
};

/* --- Main context --- */

static void
spice_display_drop_primary (struct spice_display *sd)
{
  if (!sd->primary)
    return;
  pthread_mutex_lock (&sd->lock);
  g_clear_pointer (&sd->draw_surface, display_surface_unref);
  sd->damaged = false;
  pthread_mutex_unlock (&sd->lock);
  /* Waits for the worker, which renders what it holds into the canvas first. */
  spice_qxl_destroy_primary_surface (&sd->qxl, SPICE_DISPLAY_PRIMARY_ID);
  g_clear_pointer (&sd->primary, display_surface_unref);
  g_clear_pointer (&sd->canvas, g_free);
}

static void
spice_display_set_primary (struct spice_display *sd, struct display_surface *surface)
{
  QXLDevSurfaceCreate create;

  spice_display_drop_primary (sd);
  if (!surface)
    return;
  /* Bounded by display.h; a zero or huge size must never reach the server. */
  if (surface->width == 0 || surface->height == 0 || surface->width > DISPLAY_MAX_WIDTH ||
      surface->height > DISPLAY_MAX_HEIGHT)
    {
      vmm_error ("SPICE: ignoring a %ux%u surface", surface->width, surface->height);
      display_surface_unref (surface);
      return;
    }
  sd->primary = surface;
  sd->canvas = g_malloc0 ((gsize) surface->width * surface->height * DISPLAY_BYTES_PER_PIXEL);
  spice_display_cmd_primary (surface->width, surface->height, sd->canvas, &create);
  spice_qxl_create_primary_surface (&sd->qxl, SPICE_DISPLAY_PRIMARY_ID, &create);

  pthread_mutex_lock (&sd->lock);
  sd->draw_surface = display_surface_ref (surface);
  sd->damaged = true;
  sd->damage = (struct display_rect) { 0, 0, surface->width, surface->height };
  pthread_mutex_unlock (&sd->lock);
}

static void
spice_display_add_damage (struct spice_display *sd, const struct display_rect *r)
{
  pthread_mutex_lock (&sd->lock);
  if (!sd->damaged)
    sd->damage = *r;
  else
    {
      int64_t x0 = MIN (sd->damage.x, r->x), y0 = MIN (sd->damage.y, r->y);
      int64_t x1 = MAX ((int64_t) sd->damage.x + sd->damage.width, (int64_t) r->x + r->width);
      int64_t y1 = MAX ((int64_t) sd->damage.y + sd->damage.height, (int64_t) r->y + r->height);

      sd->damage = (struct display_rect) { (int32_t) x0, (int32_t) y0, (uint32_t) (x1 - x0),
                                           (uint32_t) (y1 - y0) };
    }
  sd->damaged = true;
  pthread_mutex_unlock (&sd->lock);
}

/* @now: the cursor @cmd brings about. */
static void
spice_display_queue_cursor (struct spice_display *sd, struct spice_display_cmd *cmd,
                            const struct display_cursor *now)
{
  struct spice_display_cmd *last;

  pthread_mutex_lock (&sd->lock);
  last = g_queue_peek_tail (&sd->cursor_cmds);
  /* A pointer moving faster than the client takes moves: keep the latest. */
  if (last && last->cursor.type == QXL_CURSOR_MOVE && cmd->cursor.type == QXL_CURSOR_MOVE)
    {
      last->cursor.u.position = cmd->cursor.u.position;
      spice_display_cmd_free (cmd);
      cmd = NULL;
    }
  else if (g_queue_get_length (&sd->cursor_cmds) >= SPICE_DISPLAY_CURSOR_QUEUE_MAX)
    {
      /* Only the latest state matters to a client that fell behind. */
      while (!g_queue_is_empty (&sd->cursor_cmds))
        spice_display_cmd_free (g_queue_pop_head (&sd->cursor_cmds));
      spice_display_cmd_free (cmd);
      cmd = spice_display_cmd_new_cursor_set (now);
    }
  if (cmd)
    g_queue_push_tail (&sd->cursor_cmds, cmd);
  pthread_mutex_unlock (&sd->lock);
}

static void
spice_display_update_cursor (struct spice_display *sd)
{
  struct display_cursor now;
  bool same_image;

  display_get_cursor (sd->display, 0, &now);
  same_image = now.width == sd->cursor.width && now.height == sd->cursor.height &&
               now.hot_x == sd->cursor.hot_x && now.hot_y == sd->cursor.hot_y &&
               memcmp (now.pixels, sd->cursor.pixels, (size_t) now.width * now.height * 4) == 0;
  if (!now.visible || now.width == 0)
    {
      if (sd->cursor.visible && sd->cursor.width)
        spice_display_queue_cursor (sd, spice_display_cmd_new_cursor_hide (), &now);
    }
  /* A hidden pointer comes back with a SET: a move alone does not show it. */
  else if (!same_image || !sd->cursor.visible)
    spice_display_queue_cursor (sd, spice_display_cmd_new_cursor_set (&now), &now);
  else if (now.x != sd->cursor.x || now.y != sd->cursor.y)
    spice_display_queue_cursor (sd, spice_display_cmd_new_cursor_move (now.x, now.y), &now);
  sd->cursor = now;
}

static gboolean
spice_display_wake_dispatch (GSource *source, GSourceFunc callback, gpointer data)
{
  g_source_set_ready_time (source, -1);
  return callback (data);
}

static GSourceFuncs spice_display_wake_funcs = {
  .dispatch = spice_display_wake_dispatch,
};

static gboolean
spice_display_poll (gpointer data)
{
  struct spice_display *sd = data;
  struct display_changes changes;
  bool wake = false;

  display_consumer_poll (sd->consumer, 0, &changes);
  if (changes.surface_changed)
    {
      spice_display_set_primary (sd, display_get_surface (sd->display, 0));
      wake = true;
    }
  else if (changes.damaged && sd->primary)
    {
      spice_display_add_damage (sd, &changes.damage);
      wake = true;
    }
  if (changes.cursor_changed)
    {
      spice_display_update_cursor (sd);
      wake = true;
    }
  if (wake)
    spice_qxl_wakeup (&sd->qxl);
  return G_SOURCE_CONTINUE;
}

struct spice_display *
spice_display_new (SpiceServer *server, struct display *display, char **why)
{
  struct spice_display *sd = g_new0 (struct spice_display, 1);
  QXLDevMemSlot slot = {
    .slot_group_id = SPICE_DISPLAY_MEMSLOT_GROUP,
    .slot_id = 0,
    .generation = 0,
    .virt_start = 0,
    .virt_end = UINTPTR_MAX,
    .addr_delta = 0,
    .qxl_ram_size = UINT32_MAX,
  };

  sd->server = server;
  sd->display = display;
  pthread_mutex_init (&sd->lock, NULL);
  g_queue_init (&sd->cursor_cmds);
  sd->qxl.base.sif = &spice_display_interface.base;
  sd->qxl.id = 0;
  if (spice_server_add_interface (server, &sd->qxl.base) != 0)
    {
      *why = g_strdup ("SPICE: cannot add the display channel");
      pthread_mutex_destroy (&sd->lock);
      g_free (sd);
      return NULL;
    }
  spice_qxl_add_memslot (&sd->qxl, &slot);

  sd->wake = g_source_new (&spice_display_wake_funcs, sizeof (GSource));
  g_source_set_callback (sd->wake, spice_display_poll, sd, NULL);
  g_source_set_name (sd->wake, "spice-display");
  g_source_attach (sd->wake, g_main_context_get_thread_default ());
  /* A new consumer is woken at once for the current surface and cursor. */
  sd->consumer = display_subscribe (display, &spice_display_consumer_ops, sd);
  return sd;
}

void
spice_display_free (struct spice_display *sd)
{
  if (!sd)
    return;
  /* No more wakeups from the producer, then none pending here. */
  display_unsubscribe (sd->consumer);
  g_source_destroy (sd->wake);
  g_source_unref (sd->wake);
  spice_display_drop_primary (sd);
  spice_server_remove_interface (&sd->qxl.base);
  while (!g_queue_is_empty (&sd->cursor_cmds))
    spice_display_cmd_free (g_queue_pop_head (&sd->cursor_cmds));
  pthread_mutex_destroy (&sd->lock);
  g_free (sd);
}
