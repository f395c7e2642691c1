/* terrarium-display-stats.c
 *
 * TERRARIUM_DISPLAY_STATS: what the VM window's display costs. Every 5 s it
 * logs the frames shown, the Damage signals received, the paint time (frame
 * clock "before-paint" to "after-paint": snapshot, texture upload and
 * drawing of the whole window), the time from a Damage signal to the end of
 * the paint that showed it (the app's share of the guest-to-screen latency)
 * and the whole app's CPU time per frame. benchmarks/app-vm-display reads it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "terrarium-display-view"

#include "config.h"

#include <sys/resource.h>

#include "terrarium-display-stats.h"

struct _TerrariumDisplayStats
{
  GtkWidget     *widget;        /* not a reference: it owns us */
  GdkFrameClock *clock;         /* a reference: the surface's goes first */
  guint          timeout_id;
  guint          width;
  guint          height;
  guint          frames;
  guint          damage;
  gint64         since;
  gint64         cpu_us;        /* process CPU time at @since */
  gint64         paint_us;
  gint64         paint_start;
  gint64         damage_at;     /* first Damage not yet painted; 0: none */
  gint64         frame_damage_at; /* the one the current paint shows */
  gint64         latency_us;
  guint          latency_frames;
};

static gint64
terrarium_display_stats_cpu_us (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return (gint64) (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * G_USEC_PER_SEC +
         usage.ru_utime.tv_usec + usage.ru_stime.tv_usec;
}

static gboolean
terrarium_display_stats_tick (gpointer user_data)
{
  TerrariumDisplayStats *stats = user_data;
  gint64 now = g_get_monotonic_time ();
  gint64 cpu = terrarium_display_stats_cpu_us ();
  double seconds = (now - stats->since) / 1e6;

  if (stats->frames > 0)
    g_message ("display %ux%u: %.1f frames/s, %.1f damage/s, %.2f ms per paint, "
               "%.2f ms damage to screen, %.2f ms CPU per frame", stats->width, stats->height,
               stats->frames / seconds, stats->damage / seconds,
               stats->paint_us / 1e3 / stats->frames,
               stats->latency_frames ? stats->latency_us / 1e3 / stats->latency_frames : 0.0,
               (cpu - stats->cpu_us) / 1e3 / stats->frames);
  stats->frames = stats->damage = stats->latency_frames = 0;
  stats->paint_us = stats->latency_us = 0;
  stats->since = now;
  stats->cpu_us = cpu;
  return G_SOURCE_CONTINUE;
}

TerrariumDisplayStats *
terrarium_display_stats_new (GtkWidget *widget)
{
  TerrariumDisplayStats *stats;

  if (!g_getenv ("TERRARIUM_DISPLAY_STATS"))
    return NULL;
  stats = g_new0 (TerrariumDisplayStats, 1);
  stats->widget = widget;
  stats->since = g_get_monotonic_time ();
  stats->cpu_us = terrarium_display_stats_cpu_us ();
  stats->timeout_id = g_timeout_add_seconds (5, terrarium_display_stats_tick, stats);
  return stats;
}

static void
terrarium_display_stats_before_paint (GdkFrameClock         *clock,
                                      TerrariumDisplayStats *stats)
{
  stats->paint_start = g_get_monotonic_time ();
  /* What arrives while this frame paints waits for the next one. */
  stats->frame_damage_at = stats->damage_at;
  stats->damage_at = 0;
}

static void
terrarium_display_stats_after_paint (GdkFrameClock         *clock,
                                     TerrariumDisplayStats *stats)
{
  gint64 now = g_get_monotonic_time ();

  if (stats->paint_start)
    stats->paint_us += now - stats->paint_start;
  stats->paint_start = 0;
  if (stats->frame_damage_at)
    {
      stats->latency_us += now - stats->frame_damage_at;
      stats->latency_frames++;
      stats->frame_damage_at = 0;
    }
}

void
terrarium_display_stats_realize (TerrariumDisplayStats *stats,
                                 GdkFrameClock         *clock)
{
  if (!stats || stats->clock == clock)
    return;
  if (stats->clock)
    g_signal_handlers_disconnect_by_data (stats->clock, stats);
  g_set_object (&stats->clock, clock);
  /* GDK renders in a "paint" handler connected before any of ours, and
   * "layout" only comes when asked for: a frame starts at "before-paint". */
  g_signal_connect (clock, "before-paint", G_CALLBACK (terrarium_display_stats_before_paint),
                    stats);
  g_signal_connect (clock, "after-paint", G_CALLBACK (terrarium_display_stats_after_paint),
                    stats);
}

void
terrarium_display_stats_damage (TerrariumDisplayStats *stats)
{
  if (!stats)
    return;
  stats->damage++;
  if (!stats->damage_at)
    stats->damage_at = g_get_monotonic_time ();
}

void
terrarium_display_stats_frame (TerrariumDisplayStats *stats,
                               guint                  width,
                               guint                  height)
{
  if (!stats)
    return;
  stats->frames++;
  stats->width = width;
  stats->height = height;
}

void
terrarium_display_stats_free (TerrariumDisplayStats *stats)
{
  if (!stats)
    return;
  if (stats->clock)
    g_signal_handlers_disconnect_by_data (stats->clock, stats);
  g_clear_object (&stats->clock);
  g_clear_handle_id (&stats->timeout_id, g_source_remove);
  g_free (stats);
}
