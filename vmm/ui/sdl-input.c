/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sdl"

#include "config.h"

#include <string.h>

#include "input/keymap.h"
#include "sdl-private.h"

static void
sdl_input_key (struct sdl_window *w, unsigned code, bool pressed)
{
  bool was_down = w->keys_down[code / 8] & (1u << (code % 8));

  /* Only changes: a release the guest never saw pressed is noise. */
  if (was_down == pressed)
    return;
  if (pressed)
    w->keys_down[code / 8] |= (uint8_t) (1u << (code % 8));
  else
    w->keys_down[code / 8] &= (uint8_t) ~(1u << (code % 8));
  if (w->ops.key)
    w->ops.key (w->opaque, code, pressed);
}

/* Keys held when the window loses focus would stay down in the guest
 * forever: their releases go to another window. */
void
sdl_input_release_all (struct sdl_window *w)
{
  for (unsigned code = 0; code <= KEY_MAX; code++)
    if (w->keys_down[code / 8] & (1u << (code % 8)))
      sdl_input_key (w, code, false);
}

void
sdl_input_set_grab (struct sdl_window *w, bool grabbed)
{
  if (SDL_SetRelativeMouseMode (grabbed ? SDL_TRUE : SDL_FALSE) < 0)
    {
      g_message ("cannot %s the pointer: %s", grabbed ? "grab" : "release", SDL_GetError ());
      return;
    }
  w->grabbed = grabbed;
  SDL_SetWindowGrab (w->window, grabbed ? SDL_TRUE : SDL_FALSE);
  SDL_SetWindowTitle (w->window, grabbed ? SDL_WINDOW_TITLE_GRABBED : SDL_WINDOW_TITLE);
  if (w->ops.grab_changed)
    w->ops.grab_changed (w->opaque, grabbed);
  sdl_input_update_cursor (w);
  /* The cursor moves between the window system and our picture. */
  w->redraw = true;
}

/* The guest's pointer image as the window's cursor: it follows the host
 * pointer without lag, which is where the tablet puts the guest's anyway.
 * It is scaled like the guest's screen, so that it keeps its size on it. */
void
sdl_input_rebuild_cursor (struct sdl_window *w)
{
  const struct display_cursor *c = w->guest_cursor;
  SDL_Cursor *old = w->cursor;
  struct sdl_cursor_geometry geo;

  sdl_geometry_cursor (&w->viewport, w->surface ? w->surface->width : 0,
                       w->surface ? w->surface->height : 0, c->width, c->height, c->hot_x,
                       c->hot_y, &geo);
  if (w->cursor && memcmp (&geo, &w->cursor_geometry, sizeof geo) == 0)
    return;
  w->cursor = NULL;
  if (geo.width > 0 && geo.height > 0)
    {
      SDL_Surface *image = SDL_CreateRGBSurfaceWithFormat (0, geo.width, geo.height, 32,
                                                           SDL_PIXELFORMAT_ARGB8888);

      if (image && image->pitch == geo.width * 4)
        {
          sdl_geometry_scale_pixels (c->pixels, (int) c->width, (int) c->height, image->pixels,
                                     geo.width, geo.height);
          w->cursor = SDL_CreateColorCursor (image, geo.hot_x, geo.hot_y);
        }
      SDL_FreeSurface (image);
    }
  w->cursor_geometry = geo;
  /* No image from the guest: it draws its pointer itself, if at all. */
  SDL_SetCursor (w->cursor ? w->cursor : SDL_GetDefaultCursor ());
  if (old)
    SDL_FreeCursor (old);
}

void
sdl_input_update_cursor (struct sdl_window *w)
{
  struct display_cursor *c = g_new (struct display_cursor, 1);
  struct display_cursor *old = w->guest_cursor;
  bool same_image;

  display_get_cursor (w->display, 0, c);
  /* Moves are frequent; new images are not. */
  same_image = c->width == old->width && c->height == old->height && c->hot_x == old->hot_x &&
               c->hot_y == old->hot_y &&
               memcmp (c->pixels, old->pixels, (size_t) c->width * c->height * 4) == 0;
  w->guest_cursor = c;
  g_free (old);
  if (!same_image)
    {
      if (w->gl)
        sdl_gl_set_cursor (w->gl, c);
      /* Made again from the new image, even at the same size. */
      if (w->cursor)
        SDL_SetCursor (SDL_GetDefaultCursor ());
      g_clear_pointer (&w->cursor, SDL_FreeCursor);
    }
  sdl_input_rebuild_cursor (w);
  if (!w->grabbed)
    SDL_ShowCursor (c->width == 0 || c->visible ? SDL_ENABLE : SDL_DISABLE);
  else
    w->redraw = true;  /* the window draws the guest's cursor itself */
}

bool
sdl_input_cursor_rect (struct sdl_window *w, struct sdl_viewport *rect)
{
  const struct display_cursor *c = w->guest_cursor;
  int x, y;

  if (!w->surface || !c->visible || w->cursor_geometry.width <= 0)
    return false;
  sdl_geometry_surface_to_window (&w->viewport, w->surface->width, w->surface->height, c->x,
                                  c->y, &x, &y);
  rect->x = x - w->cursor_geometry.hot_x;
  rect->y = y - w->cursor_geometry.hot_y;
  rect->width = w->cursor_geometry.width;
  rect->height = w->cursor_geometry.height;
  return true;
}

static void
sdl_input_keyboard (struct sdl_window *w, const SDL_KeyboardEvent *e)
{
  bool pressed = e->type == SDL_KEYDOWN;
  SDL_Scancode sc = e->keysym.scancode;
  int code;

  if (sc == SDL_SCANCODE_G && pressed && (e->keysym.mod & KMOD_CTRL)
      && (e->keysym.mod & KMOD_ALT))
    {
      if (!e->repeat)
        sdl_input_set_grab (w, !w->grabbed);
      w->swallow_g_release = true;
      return;
    }
  if (sc == SDL_SCANCODE_G && !pressed && w->swallow_g_release)
    {
      w->swallow_g_release = false;
      return;
    }
  /* The guest repeats keys itself. */
  if (e->repeat)
    return;
  code = keymap_sdl_to_evdev ((int) sc);
  if (code <= 0 || code > KEY_MAX)
    {
      g_debug ("SDL scancode %d has no evdev code", (int) sc);
      return;
    }
  sdl_input_key (w, (unsigned) code, pressed);
}

static unsigned
sdl_input_button_code (Uint8 button)
{
  switch (button)
    {
    case SDL_BUTTON_LEFT: return BTN_LEFT;
    case SDL_BUTTON_MIDDLE: return BTN_MIDDLE;
    case SDL_BUTTON_RIGHT: return BTN_RIGHT;
    case SDL_BUTTON_X1: return BTN_SIDE;
    case SDL_BUTTON_X2: return BTN_EXTRA;
    default: return 0;
    }
}

static void
sdl_input_motion (struct sdl_window *w, const SDL_MouseMotionEvent *e)
{
  int32_t x, y;

  if (w->grabbed)
    {
      if (w->ops.pointer_rel && (e->xrel || e->yrel))
        w->ops.pointer_rel (w->opaque, e->xrel, e->yrel);
      return;
    }
  if (!w->surface || !w->ops.pointer_abs)
    return;
  sdl_geometry_window_to_surface (&w->viewport, w->surface->width, w->surface->height, e->x,
                                  e->y, &x, &y);
  w->ops.pointer_abs (w->opaque, 0, x, y);
}

void
sdl_input_handle (struct sdl_window *w, const SDL_Event *event)
{
  switch (event->type)
    {
    case SDL_KEYDOWN:
    case SDL_KEYUP:
      sdl_input_keyboard (w, &event->key);
      break;

    case SDL_MOUSEMOTION:
      sdl_input_motion (w, &event->motion);
      break;

    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP:
      {
        unsigned code = sdl_input_button_code (event->button.button);

        if (code && w->ops.button)
          w->ops.button (w->opaque, code, event->type == SDL_MOUSEBUTTONDOWN);
        break;
      }

    case SDL_MOUSEWHEEL:
      {
        int32_t dy = event->wheel.y;

        if (event->wheel.direction == SDL_MOUSEWHEEL_FLIPPED)
          dy = -dy;
        if (dy && w->ops.wheel)
          w->ops.wheel (w->opaque, dy);
        break;
      }

    default:
      break;
    }
}
