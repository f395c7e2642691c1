/* terrarium-display-stats.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef struct _TerrariumDisplayStats TerrariumDisplayStats;

/* TERRARIUM_DISPLAY_STATS set: measures @widget's frames and logs them every
 * 5 s; otherwise NULL, and every function below does nothing with NULL. */
TerrariumDisplayStats *terrarium_display_stats_new     (GtkWidget             *widget);
void                   terrarium_display_stats_free    (TerrariumDisplayStats *stats);
/* The frame clock to follow (once the widget is realized). */
void                   terrarium_display_stats_realize (TerrariumDisplayStats *stats,
                                                        GdkFrameClock         *clock);
void                   terrarium_display_stats_damage  (TerrariumDisplayStats *stats);
/* A frame with a new texture was drawn, @width x @height. */
void                   terrarium_display_stats_frame   (TerrariumDisplayStats *stats,
                                                        guint                  width,
                                                        guint                  height);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TerrariumDisplayStats, terrarium_display_stats_free)

G_END_DECLS
