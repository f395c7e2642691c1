/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct display;

/*
 * The SDL2 window of `terrarium-vmm --display sdl`: shows scanout 0 with
 * OpenGL, forwards keyboard and pointer, turns window resizes into size
 * wishes (display_request_size) and closing into the power button.
 *
 * Everything SDL runs on the window's own thread, so the VMM's main loop
 * never waits for the window system. The input callbacks below are called on
 * that thread: the machine must hand them to its own thread (e.g.
 * g_main_context_invoke) or make them thread-safe.
 */
struct sdl_window_input_ops {
  void (*key) (void *opaque, unsigned evdev_code, bool pressed);
  /* Absolute position on @scanout, in surface pixels (tablet). */
  void (*pointer_abs) (void *opaque, unsigned scanout, int32_t x, int32_t y);
  /* Relative motion while the pointer is grabbed (mouse). */
  void (*pointer_rel) (void *opaque, int32_t dx, int32_t dy);
  void (*button) (void *opaque, unsigned evdev_button /* BTN_LEFT... */, bool pressed);
  /* Wheel clicks, positive away from the user. */
  void (*wheel) (void *opaque, int32_t dy);
  /* The window was closed: ask the guest to shut down. */
  void (*power_button) (void *opaque);
  /* Closed again within a few seconds: the user means it. */
  void (*force_off) (void *opaque);
  /* Optional: the pointer was grabbed (relative motion, mouse) or released
   * (absolute, tablet); lets the machine route buttons to the right device. */
  void (*grab_changed) (void *opaque, bool grabbed);
};

/* Opens the window (on its own thread) and returns once it is up, or NULL
 * with the reason in *@why (g_free it). @ops and @opaque must outlive it. */
struct sdl_window *sdl_window_new (struct display *display,
                                   const struct sdl_window_input_ops *ops, void *opaque,
                                   char **why);
/* Closes the window and joins its thread. */
void sdl_window_free (struct sdl_window *window);

/* For tests: frames presented so far (each a buffer swap). */
unsigned sdl_window_frames_presented (struct sdl_window *window);
