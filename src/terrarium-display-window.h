/* terrarium-display-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "terrarium-vmm-proxy.h"

G_BEGIN_DECLS

#define TERRARIUM_TYPE_DISPLAY_WINDOW (terrarium_display_window_get_type ())

G_DECLARE_FINAL_TYPE (TerrariumDisplayWindow, terrarium_display_window, TERRARIUM, DISPLAY_WINDOW, AdwWindow)

/* A window for one more of a VM's displays (a second monitor): @scanout of
 * the VMM behind @proxy, titled after @machine_name. While it is open, the
 * guest sees that monitor connected at the window's size; closing it
 * unplugs the monitor. */
TerrariumDisplayWindow *terrarium_display_window_new         (GtkWindow     *parent,
                                                              const char    *machine_name,
                                                              guint          scanout);
void                    terrarium_display_window_set_proxy   (TerrariumDisplayWindow *self,
                                                              TerrariumVmm1          *proxy);
guint                   terrarium_display_window_get_scanout (TerrariumDisplayWindow *self);

G_END_DECLS
