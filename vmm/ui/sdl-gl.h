/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>

#include "display/display.h"
#include "sdl-geometry.h"

/* The SDL window's OpenGL renderer: one texture holding the surface, drawn
 * as a quad, and one holding the guest's cursor for when the window draws
 * it. All calls on the thread whose GL context is current. */
struct sdl_gl;

/* Needs a current context. NULL with *@why set when the context cannot do it. */
struct sdl_gl *sdl_gl_new (char **why);
void sdl_gl_free (struct sdl_gl *gl);

/* Uploads @surface whole (NULL: nothing to show). */
int sdl_gl_set_surface (struct sdl_gl *gl, const struct display_surface *surface);
/* Uploads @rect of the surface last set (already clipped to it). */
void sdl_gl_update (struct sdl_gl *gl, const struct display_surface *surface,
                    const struct display_rect *rect);
/* Uploads the guest's cursor image (NULL or no image: none). */
void sdl_gl_set_cursor (struct sdl_gl *gl, const struct display_cursor *cursor);
/* Clears @drawable_width x @drawable_height to black, draws the surface in
 * @viewport (window coordinates, origin top left), then the cursor image
 * stretched over @cursor unless that is NULL. */
void sdl_gl_draw (struct sdl_gl *gl, int drawable_width, int drawable_height,
                  const struct sdl_viewport *viewport, const struct sdl_viewport *cursor);
