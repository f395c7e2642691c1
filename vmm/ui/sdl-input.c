/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sdl"

#include "config.h"

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
}

/* The guest's pointer image as the window's cursor: it follows the host
 * pointer without lag, which is where the tablet puts the guest's anyway. */
void
sdl_input_update_cursor (struct sdl_window *w)
{
  struct display_cursor *c = g_new (struct display_cursor, 1);
  SDL_Cursor *old = w->cursor;

  display_get_cursor (w->display, 0, c);
  w->cursor = NULL;
  if (c->width > 0 && c->height > 0)
    {
      SDL_Surface *image = SDL_CreateRGBSurfaceWithFormatFrom (
        c->pixels, (int) c->width, (int) c->height, 32, (int) c->width * 4,
        SDL_PIXELFORMAT_ARGB8888);

      if (image)
        {
          w->cursor = SDL_CreateColorCursor (image, (int) c->hot_x, (int) c->hot_y);
          SDL_FreeSurface (image);
        }
    }
  /* No image from the guest: it draws its pointer itself, if at all. */
  SDL_SetCursor (w->cursor ? w->cursor : SDL_GetDefaultCursor ());
  if (old)
    SDL_FreeCursor (old);
  if (!w->grabbed)
    SDL_ShowCursor (c->width == 0 || c->visible ? SDL_ENABLE : SDL_DISABLE);
  g_free (c);
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
