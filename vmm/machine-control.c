/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the D-Bus control interface, SPICE and the SDL window ask of a
 * running machine: display, input, network, CD-ROM and sound requests, all
 * answered on the main thread. */
#define G_LOG_DOMAIN "machine"

#include "config.h"

#include <errno.h>
#include <glib.h>

#include "control/control.h"
#include "display/display.h"
#include "ui/sdl.h"
#include "audio/audio.h"
#include "audio/pulse.h"
#include "spice/spice-remote.h"
#include "storage/atapi.h"
#include "exit-status.h"
#include "machine-boot.h"
#include "machine-internal.h"
#include "net/slirp.h"
#include "virtio/virtio-net.h"

/* Display and input: D-Bus callbacks and the SDL window's, on the main thread. */

static int
machine_check_scanout (struct machine *m, unsigned scanout)
{
  return scanout < display_get_n_scanouts (m->display) ? 0 : -EINVAL;
}

static int
machine_screenshot (void *data, unsigned scanout, int fd)
{
  struct machine *m = data;

  if (machine_check_scanout (m, scanout) < 0)
    return -EINVAL;
  return display_screenshot_fd (m->display, scanout, fd);
}

static int
machine_screenshot_to_file (void *data, unsigned scanout, const char *path)
{
  struct machine *m = data;

  if (machine_check_scanout (m, scanout) < 0)
    return -EINVAL;
  return display_screenshot_path (m->display, scanout, path);
}

static int
machine_set_display_size (void *data, unsigned scanout, unsigned width, unsigned height)
{
  struct machine *m = data;

  if (machine_check_scanout (m, scanout) < 0 || width > DISPLAY_MAX_WIDTH ||
      height > DISPLAY_MAX_HEIGHT || (width == 0) != (height == 0))
    return -EINVAL;
  display_request_size (m->display, scanout, width, height);
  return 0;
}

static int
machine_key (void *data, unsigned code, bool pressed)
{
  struct machine *m = data;

  if (code > 0x2ff)
    return -EINVAL;
  input_key (&m->boot->input_router, (int) code, pressed);
  return 0;
}

static int
machine_pointer_motion (void *data, unsigned scanout, int x, int y)
{
  struct machine *m = data;
  struct display_surface *surface;

  if (machine_check_scanout (m, scanout) < 0)
    return -EINVAL;
  surface = display_get_surface (m->display, scanout);
  if (!surface)
    return -ENODEV;
  input_pointer_abs (&m->boot->input_router, x, y, surface->width, surface->height);
  display_surface_unref (surface);
  return 0;
}

static int
machine_pointer_motion_relative (void *data, int dx, int dy)
{
  struct machine *m = data;

  input_pointer_rel (&m->boot->input_router, dx, dy);
  return 0;
}

static int
machine_pointer_button (void *data, unsigned button, bool pressed)
{
  struct machine *m = data;

  /* BTN_LEFT .. BTN_TASK: what a mouse has. */
  if (button < 0x110 || button > 0x117)
    return -EINVAL;
  input_button (&m->boot->input_router, (int) button, pressed);
  return 0;
}

static int
machine_pointer_wheel (void *data, int steps)
{
  struct machine *m = data;

  input_wheel (&m->boot->input_router, steps);
  return 0;
}

/* SPICE: started at boot (--spice) or over D-Bus; its clients become signals. */

static struct input_router *
machine_spice_router (void *data)
{
  struct machine *m = data;

  return m->boot ? &m->boot->input_router : NULL;
}

static void
machine_spice_client_event (void *data, bool connected, const char *address)
{
  struct machine *m = data;

  control_spice_client_event (m->control, connected, address);
}

const struct spice_remote_ops machine_spice_ops = {
  .router = machine_spice_router,
  .client_event = machine_spice_client_event,
};

static int
machine_spice_start (void *data, char **why)
{
  struct machine *m = data;

  return spice_remote_start (m->spice, why);
}

static int
machine_spice_stop (void *data, char **why)
{
  struct machine *m = data;

  spice_remote_stop (m->spice);
  return 0;
}

static int
machine_spice_set_password (void *data, const char *password, char **why)
{
  struct machine *m = data;

  return spice_remote_set_password (m->spice, password, why);
}

static int
machine_spice_connection_file (void *data, char **contents, char **why)
{
  struct machine *m = data;

  return spice_remote_connection_file (m->spice, contents, why);
}

/* The guest's network over D-Bus. */

static int
machine_net_set_link (void *data, bool up)
{
  struct machine *m = data;

  if (!m->net || !m->boot || !m->boot->net)
    return -ENOTSUP;
  m->net_link_down = !up;
  virtio_net_set_link (m->boot->net, up);
  g_message ("the guest's network link is %s", up ? "up" : "down");
  return 0;
}

static int
machine_net_get_link (void *data, bool *up)
{
  struct machine *m = data;

  if (!m->net || !m->boot || !m->boot->net)
    return -ENOTSUP;
  *up = virtio_net_get_link (m->boot->net);
  return 0;
}

static int
machine_net_list_forwards (void *data, char ***specs)
{
  struct machine *m = data;
  const struct net_forward *f;
  unsigned n;

  if (!m->net)
    return -ENOTSUP;
  f = net_slirp_get_forwards (m->net, &n);
  *specs = g_new0 (char *, n + 1);
  for (unsigned i = 0; i < n; i++)
    (*specs)[i] = net_forward_to_string (&f[i]);
  return 0;
}

/* The CD-ROM over D-Bus: the guest is told, the configuration file is not. */

static int
machine_cdrom_change_media (void *data, const char *path, char **why)
{
  struct machine *m = data;

  if (!m->boot || !m->boot->cdrom)
    return -ENOTSUP;
  return atapi_change_medium (m->boot->cdrom, path, true, why);
}

static int
machine_cdrom_get_media (void *data, char **path)
{
  struct machine *m = data;

  if (!m->boot || !m->boot->cdrom)
    return -ENOTSUP;
  *path = atapi_dup_medium_path (m->boot->cdrom);
  return 0;
}

/* Sound on this computer over D-Bus. */

static int
machine_audio_set_volume (void *data, double volume)
{
  struct machine *m = data;

  if (!m->pulse)
    return -ENOTSUP;
  audio_pulse_set_volume (m->pulse, volume);
  return 0;
}

static int
machine_audio_get_volume (void *data, double *volume)
{
  struct machine *m = data;

  if (!m->pulse)
    return -ENOTSUP;
  *volume = audio_pulse_get_volume (m->pulse);
  return 0;
}

static int
machine_audio_set_mute (void *data, bool mute)
{
  struct machine *m = data;

  if (!m->pulse)
    return -ENOTSUP;
  audio_pulse_set_mute (m->pulse, mute);
  return 0;
}

static int
machine_audio_get_mute (void *data, bool *mute)
{
  struct machine *m = data;

  if (!m->pulse)
    return -ENOTSUP;
  *mute = audio_pulse_get_mute (m->pulse);
  return 0;
}

const struct control_callbacks machine_control_callbacks = {
  .power_button = machine_power_button,
  .reset = machine_reset,
  .force_off = machine_force_off,
  .pause = machine_pause,
  .resume = machine_resume,
  .screenshot = machine_screenshot,
  .screenshot_to_file = machine_screenshot_to_file,
  .set_display_size = machine_set_display_size,
  .key = machine_key,
  .pointer_motion = machine_pointer_motion,
  .pointer_motion_relative = machine_pointer_motion_relative,
  .pointer_button = machine_pointer_button,
  .pointer_wheel = machine_pointer_wheel,
  .spice_start = machine_spice_start,
  .spice_stop = machine_spice_stop,
  .spice_set_password = machine_spice_set_password,
  .spice_connection_file = machine_spice_connection_file,
  .net_set_link = machine_net_set_link,
  .net_get_link = machine_net_get_link,
  .net_list_forwards = machine_net_list_forwards,
  .cdrom_change_media = machine_cdrom_change_media,
  .cdrom_get_media = machine_cdrom_get_media,
  .audio_set_volume = machine_audio_set_volume,
  .audio_get_volume = machine_audio_get_volume,
  .audio_set_mute = machine_audio_set_mute,
  .audio_get_mute = machine_audio_get_mute,
};

/* The SDL window calls from its own thread; its events are replayed here. */
enum machine_ui_event_kind {
  MACHINE_UI_KEY, MACHINE_UI_ABS, MACHINE_UI_REL, MACHINE_UI_BUTTON, MACHINE_UI_WHEEL,
  MACHINE_UI_POWER_BUTTON, MACHINE_UI_FORCE_OFF,
};

struct machine_ui_event {
  struct machine *m;
  enum machine_ui_event_kind kind;
  int a, b, c;
};

static gboolean
machine_ui_event_run (gpointer data)
{
  struct machine_ui_event *e = data;
  struct machine *m = e->m;

  if (!m->boot)
    return G_SOURCE_REMOVE;
  switch (e->kind)
    {
    case MACHINE_UI_KEY:
      input_key (&m->boot->input_router, e->a, e->b);
      break;
    case MACHINE_UI_ABS:
      machine_pointer_motion (m, (unsigned) e->a, e->b, e->c);
      break;
    case MACHINE_UI_REL:
      input_pointer_rel (&m->boot->input_router, e->a, e->b);
      break;
    case MACHINE_UI_BUTTON:
      input_button (&m->boot->input_router, e->a, e->b);
      break;
    case MACHINE_UI_WHEEL:
      input_wheel (&m->boot->input_router, e->a);
      break;
    case MACHINE_UI_POWER_BUTTON:
      machine_on_terminate (m);
      break;
    case MACHINE_UI_FORCE_OFF:
      machine_stop (m, VMM_EXIT_FORCED_OFF);
      break;
    }
  return G_SOURCE_REMOVE;
}

static void
machine_ui_post (struct machine *m, enum machine_ui_event_kind kind, int a, int b, int c)
{
  struct machine_ui_event *e = g_new (struct machine_ui_event, 1);

  *e = (struct machine_ui_event) { m, kind, a, b, c };
  g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, machine_ui_event_run, e, g_free);
}

static void
machine_ui_key (void *m, unsigned code, bool pressed)
{
  machine_ui_post (m, MACHINE_UI_KEY, (int) code, pressed, 0);
}

static void
machine_ui_pointer_abs (void *m, unsigned scanout, int32_t x, int32_t y)
{
  machine_ui_post (m, MACHINE_UI_ABS, (int) scanout, x, y);
}

static void
machine_ui_pointer_rel (void *m, int32_t dx, int32_t dy)
{
  machine_ui_post (m, MACHINE_UI_REL, dx, dy, 0);
}

static void
machine_ui_button (void *m, unsigned button, bool pressed)
{
  machine_ui_post (m, MACHINE_UI_BUTTON, (int) button, pressed, 0);
}

static void
machine_ui_wheel (void *m, int32_t dy)
{
  machine_ui_post (m, MACHINE_UI_WHEEL, dy, 0, 0);
}

static void
machine_ui_power_button (void *m)
{
  machine_ui_post (m, MACHINE_UI_POWER_BUTTON, 0, 0, 0);
}

static void
machine_ui_force_off (void *m)
{
  machine_ui_post (m, MACHINE_UI_FORCE_OFF, 0, 0, 0);
}

const struct sdl_window_input_ops machine_ui_ops = {
  .key = machine_ui_key,
  .pointer_abs = machine_ui_pointer_abs,
  .pointer_rel = machine_ui_pointer_rel,
  .button = machine_ui_button,
  .wheel = machine_ui_wheel,
  .power_button = machine_ui_power_button,
  .force_off = machine_ui_force_off,
};
