/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * The VM's displays as every viewer sees them (SDL window, the GTK app over
 * D-Bus with fd passing, SPICE, screenshots). A display has up to
 * DISPLAY_MAX_SCANOUTS scanouts; each is
 *   - a surface: pixels in a memfd (XRGB8888 little-endian, i.e. bytes B,G,R,X;
 *     DRM_FORMAT_XRGB8888), width, height, stride; replaced, never resized, on
 *     a mode change;
 *   - damage: rectangles the producer changed, coalesced per consumer;
 *   - a cursor: ARGB8888 image up to 64x64, hotspot, position, visibility.
 *
 * The producer (the GPU device, on its own thread) writes pixels into the
 * surface and reports damage; consumers read the pixels (tearing is
 * acceptable) when notified. Notifications never block the producer: a
 * consumer's notify callback only wakes its own thread (an eventfd write,
 * g_main_context_wakeup...), and damage a slow consumer has not taken yet is
 * merged into what it already has.
 */

#define DISPLAY_MAX_SCANOUTS 4
#define DISPLAY_CURSOR_MAX   64
#define DISPLAY_MAX_WIDTH    8192
#define DISPLAY_MAX_HEIGHT   8192
#define DISPLAY_BYTES_PER_PIXEL 4
/* DRM_FORMAT_XRGB8888 ('XR24'), the only surface format. */
#define DISPLAY_FORMAT_XRGB8888 0x34325258u

struct display_rect {
  int32_t x, y;
  uint32_t width, height;
};

struct display_surface {
  atomic_int refcount;
  int memfd;                 /* consumers in other processes map this */
  uint8_t *data;
  uint32_t width, height, stride;
  uint32_t format;           /* DISPLAY_FORMAT_XRGB8888 */
  uint64_t size;             /* stride * height */
};

struct display_cursor {
  uint32_t width, height;    /* 0: no image */
  uint32_t hot_x, hot_y;
  int32_t x, y;              /* hotspot position in surface pixels */
  bool visible;
  /* ARGB8888, not premultiplied; rows are @width pixels apart. */
  uint32_t pixels[DISPLAY_CURSOR_MAX * DISPLAY_CURSOR_MAX];
};

/* What a consumer is told; each runs on the producer's thread and must not block. */
struct display_consumer_ops {
  void (*notify) (void *opaque);  /* something changed: call display_consumer_poll() */
};

/* What the display asks of its producer (the GPU device). */
struct display_producer_ops {
  /* A viewer wants @scanout to be @width x @height (0x0: disconnected). The
   * device updates its display info and tells the guest. */
  void (*request_size) (void *opaque, unsigned scanout, uint32_t width, uint32_t height);
};

/* The changes a consumer has not seen yet, per scanout. */
struct display_changes {
  bool surface_changed;      /* take the new surface with display_get_surface() */
  bool damaged;
  struct display_rect damage;/* bounding box of everything damaged since last poll */
  bool cursor_changed;
};

struct display;
struct display_consumer;

struct display *display_new (unsigned n_scanouts);
void display_free (struct display *display);
unsigned display_get_n_scanouts (struct display *display);

void display_set_producer (struct display *display, const struct display_producer_ops *ops,
                           void *opaque);

/* --- Producer side (any thread) --- */

/* Makes a new surface for @scanout (its pixels zeroed), or disables the
 * scanout when @width or @height is 0. Returns the surface (a reference the
 * caller owns; display_surface_unref) or NULL (disabled, or -errno logged). */
struct display_surface *display_set_mode (struct display *display, unsigned scanout,
                                          uint32_t width, uint32_t height);
/* The surface's pixels changed in @rect (clipped to the surface). */
void display_damage (struct display *display, unsigned scanout, const struct display_rect *rect);
void display_set_cursor (struct display *display, unsigned scanout, const struct display_cursor *c);
void display_move_cursor (struct display *display, unsigned scanout, int32_t x, int32_t y,
                          bool visible);

/* --- Consumer side --- */

struct display_consumer *display_subscribe (struct display *display,
                                            const struct display_consumer_ops *ops, void *opaque);
void display_unsubscribe (struct display_consumer *consumer);
/* Takes (and clears) what changed on @scanout since the last poll. */
void display_consumer_poll (struct display_consumer *consumer, unsigned scanout,
                            struct display_changes *changes);

/* The current surface of @scanout with a reference (NULL if disabled). */
struct display_surface *display_get_surface (struct display *display, unsigned scanout);
/* A copy of the current cursor of @scanout. */
void display_get_cursor (struct display *display, unsigned scanout, struct display_cursor *out);

/* A viewer's size wish, passed to the producer. */
void display_request_size (struct display *display, unsigned scanout, uint32_t width,
                           uint32_t height);

struct display_surface *display_surface_ref (struct display_surface *surface);
void display_surface_unref (struct display_surface *surface);

/* Writes @scanout's current pixels as a PNG (RGB, 8 bits) to @fd or @path.
 * Returns 0 or -errno (logged); -ENODEV when the scanout has no surface. */
int display_screenshot_fd (struct display *display, unsigned scanout, int fd);
int display_screenshot_path (struct display *display, unsigned scanout, const char *path);
