/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <spice.h>
#include <stdbool.h>

/*
 * libspice-server's core interface (timers, fd watches, channel events) on
 * the VMM's GLib main context: the server's main-channel, inputs and sound
 * work then runs on the main loop beside D-Bus, and only the display worker
 * has a thread of its own.
 *
 * SpiceCoreInterface.channel_event carries no user data, so the events go to
 * the one handler set here; libspice-server keeps process-wide state too, and
 * the VMM runs one server at a time.
 */

/* A client connected (after authentication) or went away; @address is
 * "HOST:PORT" of its main channel. On the main context. */
typedef void (*spice_core_client_fn) (void *opaque, bool connected, const char *address);

/* The interface to pass to spice_server_init(); @fn gets the clients' events. */
SpiceCoreInterface *spice_core_get (spice_core_client_fn fn, void *opaque);
/* Stops events and removes every timer and watch the server left behind. */
void spice_core_release (void);
