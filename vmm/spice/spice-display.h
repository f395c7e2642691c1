/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <spice.h>

struct display;

/*
 * The SPICE display and cursor channels, fed from the display's first
 * scanout as a QXL "simple display": a primary surface the size of the
 * scanout (re-created when the guest changes mode), a copy drawable for what
 * changed, and cursor commands from the virtio-gpu cursor.
 *
 * Threads: the display's producer only wakes the main context; the main
 * context handles mode changes (the server's surface calls wait for its
 * worker) and queues cursor commands; the worker thread pulls drawables and
 * copies the pixels itself. Damage the worker has not pulled yet is merged
 * into one rectangle, so a slow client costs frames, never guest time or
 * memory.
 */
struct spice_display;

/* Subscribes to @display and adds the QXL interface to @server (after
 * spice_server_init). Returns NULL with *why set on failure. */
struct spice_display *spice_display_new (SpiceServer *server, struct display *display,
                                         char **why);
/* Removes the interface (joining the worker) and unsubscribes. */
void spice_display_free (struct spice_display *sd);
