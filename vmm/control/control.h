/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>

/*
 * The VMM's control interface: org.terrarium.Terrarium.Vmm1 (see
 * org.terrarium.Terrarium.Vmm.xml) served peer to peer on a Unix socket, to
 * the same user only. Everything runs in the main thread's GMainContext (the
 * thread-default context when control_new() is called): method handlers call
 * the machine's callbacks there, and control_set_state() must be called there.
 */

#define CONTROL_OBJECT_PATH "/org/terrarium/Terrarium/Vmm"
#define CONTROL_INTERFACE   "org.terrarium.Terrarium.Vmm1"

/* What the buttons do. Each returns 0, or -errno, which the caller gets as a
 * D-Bus error (-ENOTSUP: org.freedesktop.DBus.Error.NotSupported, else
 * org.freedesktop.DBus.Error.Failed) with a message. NULL: not supported. */
struct control_callbacks {
  int (*power_button) (void *opaque);
  int (*reset) (void *opaque);
  int (*force_off) (void *opaque);
  int (*pause) (void *opaque);
  int (*resume) (void *opaque);

  /* Displays and input (control-display.c). */
  int (*screenshot) (void *opaque, unsigned scanout, int fd);
  int (*screenshot_to_file) (void *opaque, unsigned scanout, const char *path);
  int (*set_display_size) (void *opaque, unsigned scanout, unsigned width, unsigned height);
  int (*key) (void *opaque, unsigned code, bool pressed);
  int (*pointer_motion) (void *opaque, unsigned scanout, int x, int y);
  int (*pointer_motion_relative) (void *opaque, int dx, int dy);
  int (*pointer_button) (void *opaque, unsigned button, bool pressed);
  int (*pointer_wheel) (void *opaque, int steps);

  /* SPICE (control-spice.c): these set *why (g_free) for the caller's error. */
  int (*spice_start) (void *opaque, char **why);
  int (*spice_stop) (void *opaque, char **why);
  int (*spice_set_password) (void *opaque, const char *password, char **why);
  int (*spice_connection_file) (void *opaque, char **contents, char **why);

  /* The guest's network (control-net.c); -ENOTSUP without a network card.
   * list_forwards fills *specs (a NULL-terminated strv, g_strfreev). */
  int (*net_set_link) (void *opaque, bool up);
  int (*net_get_link) (void *opaque, bool *up);
  int (*net_list_forwards) (void *opaque, char ***specs);

  /* The CD-ROM (control-cdrom.c); -ENOTSUP without a drive. change_media
   * inserts @path ("" or NULL: ejects) and sets *why (g_free) on failure;
   * get_media gives the inserted image (g_free; NULL when empty). */
  int (*cdrom_change_media) (void *opaque, const char *path, char **why);
  int (*cdrom_get_media) (void *opaque, char **path);

  /* Sound on this computer (control-audio.c); -ENOTSUP without a sound card. */
  int (*audio_set_volume) (void *opaque, double volume);
  int (*audio_get_volume) (void *opaque, double *volume);
  int (*audio_set_mute) (void *opaque, bool mute);
  int (*audio_get_mute) (void *opaque, bool *mute);
};

struct control;

/*
 * Listens on @socket_path: a stale socket file is replaced; a live one (another
 * VMM listening there) gives -EADDRINUSE. State starts as "created".
 * Returns 0, or -errno with *why (g_free) for the user.
 */
int control_new (const char *socket_path, const struct control_callbacks *callbacks,
                 void *opaque, struct control **out, char **why)
  __attribute__ ((warn_unused_result));

/* Closes all connections and deletes the socket. NULL is fine. */
void control_free (struct control *control);

/* "created", "running", "paused", "shutting-down" or "stopped": updates the
 * State property and emits StateChanged to every client when it changed. */
void control_set_state (struct control *control, const char *state);
const char *control_get_state (struct control *control);

/*
 * Shares @display with clients: GetSurface, and SurfaceChanged, Damage and
 * CursorChanged as the guest draws. Detach before the display is freed.
 */
struct display;
void control_attach_display (struct control *control, struct display *display);
void control_detach_display (struct control *control);

/* Emits SpiceClientConnected or SpiceClientDisconnected to every client. */
void control_spice_client_event (struct control *control, bool connected, const char *address);
