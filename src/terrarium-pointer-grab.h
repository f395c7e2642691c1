/* terrarium-pointer-grab.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef struct _TerrariumPointerGrab TerrariumPointerGrab;

/* Captures the pointer for @widget (which owns the grab object). */
TerrariumPointerGrab *terrarium_pointer_grab_new       (GtkWidget            *widget);
void                  terrarium_pointer_grab_free      (TerrariumPointerGrab *grab);
/* Confines and hides the pointer and sends system shortcuts to the window;
 * G_IO_ERROR_NOT_SUPPORTED where the windowing system offers no way. */
gboolean              terrarium_pointer_grab_start     (TerrariumPointerGrab *grab,
                                                        GError              **error);
void                  terrarium_pointer_grab_stop      (TerrariumPointerGrab *grab);
gboolean              terrarium_pointer_grab_is_active (TerrariumPointerGrab *grab);
/* A motion event at (@x, @y) in widget coordinates while captured: TRUE with
 * the movement in @dx/@dy to send, FALSE when there is nothing to send. */
gboolean              terrarium_pointer_grab_motion    (TerrariumPointerGrab *grab,
                                                        double                x,
                                                        double                y,
                                                        int                  *dx,
                                                        int                  *dy);

G_END_DECLS
