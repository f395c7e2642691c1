/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sdl"

#include "config.h"

#include <stdlib.h>

#include "log.h"
#include "sdl-private.h"

#define SDL_WINDOW_EVENT_DISPLAY 0
#define SDL_WINDOW_EVENT_QUIT    1
/* A window being dragged to a new size sends many sizes; the guest gets the
 * one it settles on. */
#define SDL_WINDOW_RESIZE_DEBOUNCE_US (200 * G_TIME_SPAN_MILLISECOND)
#define SDL_WINDOW_FORCE_OFF_US       (5 * G_TIME_SPAN_SECOND)
#define SDL_WINDOW_DEFAULT_WIDTH      640
#define SDL_WINDOW_DEFAULT_HEIGHT     480

/* Display notification, on the producer's thread: only queue a wakeup. */
static void
sdl_window_display_notify (void *opaque)
{
  struct sdl_window *w = opaque;

  if (!atomic_exchange (&w->event_queued, true))
    {
      SDL_Event event = { .user = { .type = w->event_type, .code = SDL_WINDOW_EVENT_DISPLAY } };

      if (SDL_PushEvent (&event) < 1)
        atomic_store (&w->event_queued, false);
    }
}

static const struct display_consumer_ops sdl_window_consumer_ops = {
  .notify = sdl_window_display_notify,
};

static void
sdl_window_update_viewport (struct sdl_window *w)
{
  int width, height;

  SDL_GL_GetDrawableSize (w->window, &width, &height);
  if (w->surface)
    sdl_geometry_letterbox (w->surface->width, w->surface->height, width, height, &w->viewport);
  else
    w->viewport = (struct sdl_viewport) { 0, 0, 0, 0 };
  w->redraw = true;
  /* The cursor scales with the picture. */
  sdl_input_rebuild_cursor (w);
}

/* The window follows the guest's mode unless the user is resizing it; a
 * mode larger than the screen gets a smaller window, letterboxed. */
static void
sdl_window_fit_to_surface (struct sdl_window *w)
{
  SDL_Rect usable;
  int width, height, cur_width, cur_height;

  if (!w->surface || w->resize_deadline)
    return;
  if (SDL_GetDisplayUsableBounds (SDL_GetWindowDisplayIndex (w->window), &usable) < 0)
    usable = (SDL_Rect) { 0, 0, DISPLAY_MAX_WIDTH, DISPLAY_MAX_HEIGHT };
  sdl_geometry_fit (w->surface->width, w->surface->height, usable.w, usable.h, &width,
                    &height);
  SDL_GetWindowSize (w->window, &cur_width, &cur_height);
  if (width == cur_width && height == cur_height)
    return;
  w->set_width = width;
  w->set_height = height;
  SDL_SetWindowSize (w->window, width, height);
}

static void
sdl_window_poll_display (struct sdl_window *w)
{
  struct display_changes changes;

  atomic_store (&w->event_queued, false);
  display_consumer_poll (w->consumer, 0, &changes);
  if (changes.surface_changed)
    {
      display_surface_unref (w->surface);
      w->surface = display_get_surface (w->display, 0);
      if (sdl_gl_set_surface (w->gl, w->surface) < 0)
        g_clear_pointer (&w->surface, display_surface_unref);
      sdl_window_fit_to_surface (w);
      sdl_window_update_viewport (w);
    }
  /* A surface_changed already uploaded all of it, damage included. */
  else if (changes.damaged && w->surface)
    {
      sdl_gl_update (w->gl, w->surface, &changes.damage);
      w->redraw = true;
    }
  if (changes.cursor_changed)
    sdl_input_update_cursor (w);
}

static void
sdl_window_close_requested (struct sdl_window *w)
{
  gint64 now = g_get_monotonic_time ();

  if (w->last_close && now - w->last_close < SDL_WINDOW_FORCE_OFF_US)
    {
      vmm_info ("window closed twice: forcing the VM off");
      if (w->ops.force_off)
        w->ops.force_off (w->opaque);
      w->last_close = 0;
      return;
    }
  vmm_info ("window closed: pressing the power button (close again within 5 s to force off)");
  w->last_close = now;
  if (w->ops.power_button)
    w->ops.power_button (w->opaque);
}

static void
sdl_window_resized (struct sdl_window *w, int width, int height)
{
  sdl_window_update_viewport (w);
  if (width == w->set_width && height == w->set_height)
    {
      /* Our own doing (following the guest's mode): not a wish. */
      w->set_width = w->set_height = 0;
      return;
    }
  w->want_width = width;
  w->want_height = height;
  w->resize_deadline = g_get_monotonic_time () + SDL_WINDOW_RESIZE_DEBOUNCE_US;
}

static void
sdl_window_send_size_wish (struct sdl_window *w)
{
  uint32_t width = (uint32_t) MAX (w->want_width, 1), height = (uint32_t) MAX (w->want_height, 1);

  w->resize_deadline = 0;
  if (width == w->asked_width && height == w->asked_height)
    return;
  w->asked_width = width;
  w->asked_height = height;
  display_request_size (w->display, 0, width, height);
}

static void
sdl_window_handle_window_event (struct sdl_window *w, const SDL_WindowEvent *e)
{
  switch (e->event)
    {
    case SDL_WINDOWEVENT_CLOSE:
      sdl_window_close_requested (w);
      break;
    case SDL_WINDOWEVENT_SIZE_CHANGED:
      sdl_window_resized (w, e->data1, e->data2);
      break;
    case SDL_WINDOWEVENT_EXPOSED:
    case SDL_WINDOWEVENT_SHOWN:
      w->redraw = true;
      break;
    case SDL_WINDOWEVENT_FOCUS_LOST:
      sdl_input_release_all (w);
      break;
    default:
      break;
    }
}

static void
sdl_window_handle (struct sdl_window *w, const SDL_Event *event)
{
  if (event->type == w->event_type)
    {
      if (event->user.code == SDL_WINDOW_EVENT_QUIT)
        w->quit = true;
      else
        sdl_window_poll_display (w);
      return;
    }
  switch (event->type)
    {
    case SDL_WINDOWEVENT:
      sdl_window_handle_window_event (w, &event->window);
      break;
    /* SDL's own quit (last window closed) comes with the window's close
     * event, which is what counts; the VMM decides when this window goes. */
    case SDL_QUIT:
      break;
    default:
      sdl_input_handle (w, event);
      break;
    }
}

static void
sdl_window_draw (struct sdl_window *w)
{
  int width, height;
  struct sdl_viewport cursor;
  bool draw_cursor = w->grabbed && sdl_input_cursor_rect (w, &cursor);

  SDL_GL_GetDrawableSize (w->window, &width, &height);
  sdl_gl_draw (w->gl, width, height, &w->viewport, draw_cursor ? &cursor : NULL);
  SDL_GL_SwapWindow (w->window);
  w->redraw = false;
  atomic_fetch_add (&w->frames, 1);
}

static void
sdl_window_run (struct sdl_window *w)
{
  while (!w->quit)
    {
      SDL_Event event;
      int timeout = -1;
      bool got;

      if (w->resize_deadline)
        {
          gint64 left = w->resize_deadline - g_get_monotonic_time ();
          timeout = (int) CLAMP (left / 1000, 0, G_MAXINT);
        }
      got = timeout < 0 ? SDL_WaitEvent (&event) : SDL_WaitEventTimeout (&event, timeout);
      if (got)
        {
          /* Everything queued before drawing once. */
          do
            sdl_window_handle (w, &event);
          while (!w->quit && SDL_PollEvent (&event));
        }
      if (w->resize_deadline && g_get_monotonic_time () >= w->resize_deadline)
        sdl_window_send_size_wish (w);
      if (w->redraw && !w->quit)
        sdl_window_draw (w);
    }
}

static bool
sdl_window_open (struct sdl_window *w, char **why)
{
  struct display_surface *surface;
  int width = SDL_WINDOW_DEFAULT_WIDTH, height = SDL_WINDOW_DEFAULT_HEIGHT;

  /* The VMM's main loop handles SIGINT and SIGTERM. */
  SDL_SetHint (SDL_HINT_NO_SIGNAL_HANDLERS, "1");
  SDL_SetHint (SDL_HINT_APP_NAME, "Terrarium");
  if (SDL_Init (SDL_INIT_VIDEO) < 0)
    {
      *why = g_strdup_printf ("cannot start SDL video: %s", SDL_GetError ());
      return false;
    }
  w->event_type = SDL_RegisterEvents (1);
  if (w->event_type == (Uint32) -1)
    {
      *why = g_strdup ("SDL has no user events left");
      return false;
    }

  surface = display_get_surface (w->display, 0);
  if (surface)
    {
      width = (int) surface->width;
      height = (int) surface->height;
      display_surface_unref (surface);
    }

  /* GL 3.3 core where there is one (Mesa has it, llvmpipe included), else
   * whatever the driver gives; the renderer speaks both. */
  SDL_GL_SetAttribute (SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_CORE);
  SDL_GL_SetAttribute (SDL_GL_CONTEXT_MAJOR_VERSION, 3);
  SDL_GL_SetAttribute (SDL_GL_CONTEXT_MINOR_VERSION, 3);
  SDL_GL_SetAttribute (SDL_GL_DOUBLEBUFFER, 1);
  w->window = SDL_CreateWindow (SDL_WINDOW_TITLE, SDL_WINDOWPOS_UNDEFINED,
                                SDL_WINDOWPOS_UNDEFINED, width, height,
                                SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE);
  if (!w->window)
    {
      *why = g_strdup_printf ("cannot open the window: %s", SDL_GetError ());
      return false;
    }
  w->set_width = width;
  w->set_height = height;
  w->context = SDL_GL_CreateContext (w->window);
  if (!w->context)
    {
      vmm_debug ("no OpenGL 3.3 core context (%s), trying the default", SDL_GetError ());
      SDL_GL_ResetAttributes ();
      SDL_GL_SetAttribute (SDL_GL_DOUBLEBUFFER, 1);
      w->context = SDL_GL_CreateContext (w->window);
    }
  if (!w->context)
    {
      *why = g_strdup_printf ("cannot create an OpenGL context: %s", SDL_GetError ());
      return false;
    }
  SDL_GL_SetSwapInterval (1);
  w->gl = sdl_gl_new (why);
  if (!w->gl)
    return false;
  w->guest_cursor = g_new0 (struct display_cursor, 1);
  sdl_window_update_viewport (w);
  w->consumer = display_subscribe (w->display, &sdl_window_consumer_ops, w);
  return true;
}

static void
sdl_window_close (struct sdl_window *w)
{
  /* No notification can reach us after this returns. */
  g_clear_pointer (&w->consumer, display_unsubscribe);
  g_clear_pointer (&w->surface, display_surface_unref);
  g_clear_pointer (&w->gl, sdl_gl_free);
  if (w->grabbed)
    SDL_SetRelativeMouseMode (SDL_FALSE);
  if (w->context)
    SDL_GL_DeleteContext (w->context);
  if (w->window)
    SDL_DestroyWindow (w->window);
  if (w->cursor)
    SDL_FreeCursor (w->cursor);
  g_clear_pointer (&w->guest_cursor, g_free);
  w->context = NULL;
  w->window = NULL;
  w->cursor = NULL;
  SDL_Quit ();
}

static gpointer
sdl_window_thread (gpointer data)
{
  struct sdl_window *w = data;
  char *why = NULL;
  bool ok = sdl_window_open (w, &why);

  g_mutex_lock (&w->lock);
  w->started = ok ? 1 : -1;
  w->why = why;
  g_cond_signal (&w->cond);
  g_mutex_unlock (&w->lock);

  if (ok)
    sdl_window_run (w);
  sdl_window_close (w);
  return NULL;
}

struct sdl_window *
sdl_window_new (struct display *display, const struct sdl_window_input_ops *ops, void *opaque,
                char **why)
{
  struct sdl_window *w;
  const char *x11 = g_getenv ("DISPLAY"), *wayland = g_getenv ("WAYLAND_DISPLAY");

  if ((!x11 || !*x11) && (!wayland || !*wayland))
    {
      *why = g_strdup ("--display sdl needs a graphical session: "
                       "DISPLAY/WAYLAND_DISPLAY is not set");
      return NULL;
    }

  w = g_new0 (struct sdl_window, 1);
  w->display = display;
  if (ops)
    w->ops = *ops;
  w->opaque = opaque;
  g_mutex_init (&w->lock);
  g_cond_init (&w->cond);
  w->thread = g_thread_new ("sdl", sdl_window_thread, w);

  g_mutex_lock (&w->lock);
  while (w->started == 0)
    g_cond_wait (&w->cond, &w->lock);
  g_mutex_unlock (&w->lock);

  if (w->started < 0)
    {
      *why = g_steal_pointer (&w->why);
      g_thread_join (w->thread);
      g_mutex_clear (&w->lock);
      g_cond_clear (&w->cond);
      g_free (w);
      return NULL;
    }
  return w;
}

void
sdl_window_free (struct sdl_window *w)
{
  SDL_Event event;

  if (!w)
    return;
  event = (SDL_Event) { .user = { .type = w->event_type, .code = SDL_WINDOW_EVENT_QUIT } };
  /* The queue can be full of input; keep trying until the thread sees it. */
  while (SDL_PushEvent (&event) < 1)
    g_usleep (1000);
  g_thread_join (w->thread);
  g_mutex_clear (&w->lock);
  g_cond_clear (&w->cond);
  g_free (w);
}

unsigned
sdl_window_frames_presented (struct sdl_window *w)
{
  return atomic_load (&w->frames);
}
