/* terrarium-display-view.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "terrarium-vmm-proxy.h"

G_BEGIN_DECLS

#define TERRARIUM_TYPE_DISPLAY_VIEW (terrarium_display_view_get_type ())

G_DECLARE_FINAL_TYPE (TerrariumDisplayView, terrarium_display_view, TERRARIUM, DISPLAY_VIEW, GtkWidget)

/* Shows one of a VMM's displays and sends it keyboard and (tablet) pointer
 * input (tablet, or a relative mouse while the pointer is captured); its size becomes the guest's resolution. */
GtkWidget *terrarium_display_view_new               (void);
/* Which of the guest's displays to show (default 0); before set_proxy. */
void       terrarium_display_view_set_scanout       (TerrariumDisplayView *self,
                                                     guint                 scanout);
/* @proxy: the VMM to show, or NULL to show nothing. */
void       terrarium_display_view_set_proxy         (TerrariumDisplayView *self,
                                                     TerrariumVmm1        *proxy);
/* Whether the guest has its display on (a surface to show). */
gboolean   terrarium_display_view_get_has_surface   (TerrariumDisplayView *self);
/* Presses and releases a key combination (evdev codes), in order. */
void       terrarium_display_view_send_keys         (TerrariumDisplayView *self,
                                                     const guint          *codes,
                                                     guint                 n_codes);

/* Pointer capture: the pointer is hidden and confined, and its movements go
 * to the guest as a relative mouse until Left Ctrl + Left Alt, or release. */
gboolean   terrarium_display_view_capture_pointer   (TerrariumDisplayView *self,
                                                     GError              **error);
void       terrarium_display_view_release_pointer   (TerrariumDisplayView *self);
gboolean   terrarium_display_view_get_pointer_captured (TerrariumDisplayView *self);

G_END_DECLS
