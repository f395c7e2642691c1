/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>

struct audio;
struct display;
struct input_router;
struct spice_config;

/*
 * Sharing a VM over SPICE: libspice-server inside terrarium-vmm with the
 * display, cursor, inputs and playback channels. Lives as long as the
 * machine; sharing starts and stops (D-Bus StartSpice/StopSpice, or
 * --spice at start) and a password can be set at any time. Main context only.
 *
 * Connection policy: one client at a time. A second client that connects
 * (and authenticates) replaces the first, which is disconnected — what a
 * user reopening remote-viewer expects, and libspice-server's own rule.
 */

struct spice_remote_ops {
  /* The current boot's input router, or NULL during a reset. */
  struct input_router *(*router) (void *opaque);
  /* A client connected (after authentication) or disconnected. */
  void (*client_event) (void *opaque, bool connected, const char *address);
};

struct spice_remote;

/* @cfg is copied; @name and @uuid (may be NULL) name the VM to clients. */
struct spice_remote *spice_remote_new (const struct spice_config *cfg, struct display *display,
                                       struct audio *audio, const char *name, const char *uuid,
                                       const struct spice_remote_ops *ops, void *opaque);
/* Stops sharing first. NULL is fine. */
void spice_remote_free (struct spice_remote *r);

/* Starts listening with the configuration (port 5900 on 127.0.0.1 if it
 * names none). -errno with *why (g_free) for the user: busy port, unreadable
 * password file, a network address without a password... */
int spice_remote_start (struct spice_remote *r, char **why);
/* Disconnects the client and closes the port. */
void spice_remote_stop (struct spice_remote *r);
bool spice_remote_is_running (struct spice_remote *r);

/* Sets the password clients must give (replacing the password file's);
 * "" removes it, which is refused while listening beyond this computer
 * without TLS. Takes effect for the next connection. */
int spice_remote_set_password (struct spice_remote *r, const char *password, char **why);

/* A virt-viewer connection file (.vv) for the running server, password
 * included (g_free). -ENOTCONN with *why when not sharing. */
int spice_remote_connection_file (struct spice_remote *r, char **contents, char **why);
