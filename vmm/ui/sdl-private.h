/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <SDL.h>
#include <glib.h>
#include <linux/input-event-codes.h>
#include <stdatomic.h>

#include "display/display.h"
#include "sdl-geometry.h"
#include "sdl-gl.h"
#include "sdl.h"

/* The window's state. Fields below "SDL thread only" are touched by the
 * window's thread alone. */
struct sdl_window {
  struct display *display;
  struct sdl_window_input_ops ops;
  void *opaque;
  GThread *thread;

  /* Start-up handshake with sdl_window_new(). */
  GMutex lock;
  GCond cond;
  int started;              /* 0: starting, 1: up, -1: failed (why set) */
  char *why;

  Uint32 event_type;        /* our SDL user event: code 0 display, 1 quit */
  atomic_bool event_queued; /* a display event is in SDL's queue already */
  atomic_uint frames;

  /* SDL thread only. */
  SDL_Window *window;
  SDL_GLContext context;
  struct sdl_gl *gl;
  struct display_consumer *consumer;
  struct display_surface *surface;
  struct sdl_viewport viewport;
  bool redraw;
  bool quit;

  bool grabbed;
  bool swallow_g_release;   /* the G of Ctrl+Alt+G is not the guest's */
  uint8_t keys_down[(KEY_MAX + 1) / 8];
  SDL_Cursor *cursor;
  struct display_cursor *guest_cursor;       /* the display's, as last read */
  struct sdl_cursor_geometry cursor_geometry;/* what @cursor was made with */

  gint64 last_close;        /* monotonic µs of the last close request, 0: none */
  int set_width, set_height;/* the size we gave the window: its resize event is ours */
  int want_width, want_height;
  gint64 resize_deadline;   /* when to pass the user's size wish on, 0: none */
  uint32_t asked_width, asked_height;
};

#define SDL_WINDOW_TITLE         "Terrarium"
#define SDL_WINDOW_TITLE_GRABBED "Terrarium — press Ctrl+Alt+G to release the pointer"

/* sdl-input.c */
void sdl_input_handle (struct sdl_window *w, const SDL_Event *event);
void sdl_input_release_all (struct sdl_window *w);
void sdl_input_set_grab (struct sdl_window *w, bool grabbed);
/* Reads the guest's cursor from the display. */
void sdl_input_update_cursor (struct sdl_window *w);
/* Makes the window system's cursor again if the viewport's scale changed. */
void sdl_input_rebuild_cursor (struct sdl_window *w);
/* Where the window draws the guest's cursor itself (while the pointer is
 * grabbed, the window system shows none); false when it is hidden. */
bool sdl_input_cursor_rect (struct sdl_window *w, struct sdl_viewport *rect);
