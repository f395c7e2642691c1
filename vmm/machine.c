/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The machine's life: the main loop, guest requests (poweroff, reset,
 * crash), signals, and the D-Bus control methods. */
#define G_LOG_DOMAIN "machine"

#include "config.h"

#include "machine.h"

#include <errno.h>
#include <glib-unix.h>
#include <glib/gi18n.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "control/control.h"
#include "display/display.h"
#include "ui/sdl.h"
#include "audio/audio.h"
#include "audio/pulse.h"
#include "spice/spice-remote.h"
#include "storage/atapi.h"
#include "exit-status.h"
#include "log.h"
#include "machine-boot.h"
#include "net/slirp.h"
#include "virtio/virtio-net.h"

/* How long a guest gets to shut down after the power button (SIGTERM). */
#define MACHINE_SHUTDOWN_TIMEOUT_S 60

static void
machine_set_state (struct machine *m, const char *state)
{
  if (m->control)
    control_set_state (m->control, state);
}

static void
machine_stop (struct machine *m, int exit_status)
{
  m->exit_status = exit_status;
  g_main_loop_quit (m->loop);
}

static char *
machine_serial_spec (const struct machine_config *cfg)
{
  switch (cfg->serial)
    {
    case MACHINE_SERIAL_STDIO:
      return g_strdup ("stdio");
    case MACHINE_SERIAL_FILE:
      return g_strdup_printf ("file:%s", cfg->serial_path);
    case MACHINE_SERIAL_PTY:
      return g_strdup ("pty");
    case MACHINE_SERIAL_NONE:
    default:
      return g_strdup ("none");
    }
}

static gboolean machine_request_ready (int fd, GIOCondition condition, gpointer data);

/* Watches the current boot's requests and starts its vCPUs. */
static int
machine_attach_boot (struct machine *m, char **why)
{
  int ret;

  if (m->request_source)
    {
      g_source_destroy (m->request_source);
      g_clear_pointer (&m->request_source, g_source_unref);
    }
  m->request_source = g_unix_fd_source_new (m->boot->vm.request_eventfd, G_IO_IN);
  g_source_set_callback (m->request_source, G_SOURCE_FUNC (machine_request_ready), m, NULL);
  g_source_attach (m->request_source, NULL);

  ret = machine_boot_start (m->boot);
  if (ret < 0)
    {
      *why = g_strdup_printf (_("Cannot start the virtual CPUs: %s."), g_strerror (-ret));
      return ret;
    }
  m->paused = false;
  m->shutdown_requests = 0;
  machine_set_state (m, "running");
  return 0;
}

/* The disc in the CD-ROM outlives a reset, as in a real drive: the next boot
 * gets the disc the user or the guest left in the drive, not the configured
 * one (which may be gone by then). */
static const struct machine_config *
machine_next_boot_config (struct machine *m)
{
  if (!m->boot || !m->boot->cdrom)
    return m->cfg;
  g_free (m->cdrom_media);
  m->cdrom_media = atapi_dup_medium_path (m->boot->cdrom);
  m->boot_cfg = *m->cfg;
  m->boot_cfg.cdrom_path = m->cdrom_media;
  return &m->boot_cfg;
}

/* A guest reset: a fresh boot replaces the current one. */
static int
machine_reboot (struct machine *m, char **why)
{
  const struct machine_config *cfg;

  if (m->request_source)
    {
      g_source_destroy (m->request_source);
      g_clear_pointer (&m->request_source, g_source_unref);
    }
  cfg = machine_next_boot_config (m);
  g_clear_pointer (&m->boot, machine_boot_free);
  m->boot = machine_boot_new (cfg, m->kvm_device, &m->serial, m->display, m->net,
                              m->cfg->sound ? m->audio : NULL, why);
  if (!m->boot)
    return -EIO;
  if (m->boot->net && m->net_link_down)
    virtio_net_set_link (m->boot->net, false);
  return machine_attach_boot (m, why);
}

static gboolean
machine_request_ready (int fd, GIOCondition condition, gpointer data)
{
  struct machine *m = data;
  uint64_t count;
  g_autofree char *why = NULL;
  enum vm_request request;

  if (read (fd, &count, sizeof count) < 0 && errno != EAGAIN)
    vmm_error ("reading the request eventfd: %s", g_strerror (errno));
  request = atomic_exchange (&m->boot->vm.request, VM_REQUEST_NONE);

  switch (request)
    {
    case VM_REQUEST_POWEROFF:
      g_message ("the guest powered off");
      machine_stop (m, VMM_EXIT_POWEROFF);
      break;
    case VM_REQUEST_RESET:
      if (m->cfg->no_reboot)
        {
          g_message ("the guest rebooted; stopping as --no-reboot asks");
          machine_stop (m, VMM_EXIT_REBOOT);
          break;
        }
      g_message ("the guest rebooted");
      if (machine_reboot (m, &why) < 0)
        {
          g_printerr ("terrarium-vmm: %s\n", why);
          machine_stop (m, VMM_EXIT_ERROR);
        }
      /* The old boot's source was destroyed with it. */
      return G_SOURCE_REMOVE;
    case VM_REQUEST_CRASH:
      g_printerr ("terrarium-vmm: the virtual machine crashed; its registers are above\n");
      machine_stop (m, VMM_EXIT_CRASH);
      break;
    case VM_REQUEST_NONE:
    default:
      break;
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
machine_shutdown_timed_out (gpointer data)
{
  struct machine *m = data;

  m->shutdown_timeout_id = 0;
  g_printerr ("terrarium-vmm: the guest did not shut down within %d s; forcing it off\n",
              MACHINE_SHUTDOWN_TIMEOUT_S);
  machine_stop (m, VMM_EXIT_FORCED_OFF);
  return G_SOURCE_REMOVE;
}

static int
machine_power_button (void *data)
{
  struct machine *m = data;

  if (!m->boot)
    return -ENODEV;
  if (!pm_power_button (&m->boot->pm))
    g_message ("power button pressed, but the guest has not enabled it (no ACPI?)");
  machine_set_state (m, "shutting-down");
  return 0;
}

static gboolean
machine_on_terminate (gpointer data)
{
  struct machine *m = data;

  /* First time: ask the guest nicely; second time, or after the timeout: pull the plug. */
  if (++m->shutdown_requests > 1)
    {
      g_printerr ("terrarium-vmm: second termination request; forcing the guest off\n");
      machine_stop (m, VMM_EXIT_FORCED_OFF);
      return G_SOURCE_CONTINUE;
    }
  if (m->paused)
    {
      vcpus_resume (&m->boot->vcpus);
      m->paused = false;
    }
  machine_power_button (m);
  if (!m->shutdown_timeout_id)
    m->shutdown_timeout_id = g_timeout_add_seconds (MACHINE_SHUTDOWN_TIMEOUT_S,
                                                    machine_shutdown_timed_out, m);
  return G_SOURCE_CONTINUE;
}

static int
machine_reset (void *data)
{
  struct machine *m = data;

  vm_request (&m->boot->vm, VM_REQUEST_RESET);
  return 0;
}

static int
machine_force_off (void *data)
{
  struct machine *m = data;

  machine_stop (m, VMM_EXIT_FORCED_OFF);
  return 0;
}

static int
machine_pause (void *data)
{
  struct machine *m = data;

  if (!m->paused)
    {
      vcpus_pause (&m->boot->vcpus);
      m->paused = true;
      machine_set_state (m, "paused");
    }
  return 0;
}

static int
machine_resume (void *data)
{
  struct machine *m = data;

  if (m->paused)
    {
      vcpus_resume (&m->boot->vcpus);
      m->paused = false;
      machine_set_state (m, m->shutdown_requests ? "shutting-down" : "running");
    }
  return 0;
}


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

static const struct spice_remote_ops machine_spice_ops = {
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

static const struct control_callbacks machine_control_callbacks = {
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

static const struct sdl_window_input_ops machine_ui_ops = {
  .key = machine_ui_key,
  .pointer_abs = machine_ui_pointer_abs,
  .pointer_rel = machine_ui_pointer_rel,
  .button = machine_ui_button,
  .wheel = machine_ui_wheel,
  .power_button = machine_ui_power_button,
  .force_off = machine_ui_force_off,
};

int
machine_create (struct machine *m, const struct machine_config *cfg, const char *kvm_device,
                char **why)
{
  int ret;

  memset (m, 0, sizeof *m);
  m->cfg = cfg;
  m->kvm_device = kvm_device;
  m->loop = g_main_loop_new (NULL, FALSE);
  m->serial_spec = machine_serial_spec (cfg);
  m->display = display_new (cfg->scanouts);

  /* A closed pipe on the serial console must not kill the VM. */
  signal (SIGPIPE, SIG_IGN);

  ret = serial_backend_open (&m->serial, m->serial_spec);
  if (ret < 0)
    {
      *why = g_strdup_printf (_("Cannot open the serial console “%s”: %s."), m->serial_spec,
                              g_strerror (-ret));
      return ret;
    }
  m->serial_up = true;
  ret = serial_backend_attach (&m->serial, NULL);
  if (ret < 0)
    {
      *why = g_strdup_printf (_("Cannot attach the serial console: %s."), g_strerror (-ret));
      return ret;
    }

  if (cfg->control)
    {
      ret = control_new (cfg->control, &machine_control_callbacks, m, &m->control, why);
      if (ret < 0)
        return ret;
      control_attach_display (m->control, m->display);
    }

  /* Before the boot: a busy forwarded port stops the VM before it starts. */
  if (cfg->net.enabled)
    {
      m->net = net_slirp_new (&cfg->net, NULL, why);
      if (!m->net)
        return -EADDRINUSE;
    }

  /* Before the boot: its sound card plays into it. */
  m->audio = audio_new ();
  if (cfg->sound)
    m->pulse = audio_pulse_new (m->audio, cfg->name);
  m->boot = machine_boot_new (cfg, kvm_device, &m->serial, m->display, m->net,
                              cfg->sound ? m->audio : NULL, why);
  if (!m->boot)
    return -EIO;

  if (cfg->window == MACHINE_WINDOW_SDL)
    {
      m->window = sdl_window_new (m->display, &machine_ui_ops, m, why);
      if (!m->window)
        return -EIO;
    }

  m->spice = spice_remote_new (&cfg->spice, m->display, m->audio, cfg->name, cfg->uuid,
                               &machine_spice_ops, m);
  if (cfg->spice.enabled)
    {
      ret = spice_remote_start (m->spice, why);
      if (ret < 0)
        return ret;
    }
  return 0;
}

int
machine_run (struct machine *m)
{
  g_autofree char *why = NULL;

  if (machine_attach_boot (m, &why) < 0)
    {
      g_printerr ("terrarium-vmm: %s\n", why);
      return VMM_EXIT_ERROR;
    }

  m->sigterm_id = g_unix_signal_add (SIGTERM, machine_on_terminate, m);
  m->sigint_id = g_unix_signal_add (SIGINT, machine_on_terminate, m);
  m->exit_status = VMM_EXIT_ERROR;
  g_main_loop_run (m->loop);

  machine_set_state (m, "stopped");
  if (m->boot)
    vcpus_stop (&m->boot->vcpus);
  if (m->screenshot_on_exit &&
      display_screenshot_path (m->display, 0, m->screenshot_on_exit) < 0)
    g_printerr ("terrarium-vmm: cannot write the screenshot %s\n", m->screenshot_on_exit);
  return m->exit_status;
}

void
machine_set_screenshot_on_exit (struct machine *m, const char *path)
{
  g_free (m->screenshot_on_exit);
  m->screenshot_on_exit = g_strdup (path);
}

void
machine_destroy (struct machine *m)
{
  if (m->sigterm_id)
    g_source_remove (m->sigterm_id);
  if (m->sigint_id)
    g_source_remove (m->sigint_id);
  if (m->shutdown_timeout_id)
    g_source_remove (m->shutdown_timeout_id);
  if (m->request_source)
    {
      g_source_destroy (m->request_source);
      g_source_unref (m->request_source);
    }
  /* The window first: it reads the display, which the GPU writes. */
  g_clear_pointer (&m->window, sdl_window_free);
  g_clear_pointer (&m->spice, spice_remote_free);
  g_clear_pointer (&m->pulse, audio_pulse_free);
  /* The sound card writes into the audio until its boot is gone. */
  g_clear_pointer (&m->boot, machine_boot_free);
  g_clear_pointer (&m->audio, audio_free);
  g_clear_pointer (&m->net, net_slirp_free);
  control_detach_display (m->control);
  g_clear_pointer (&m->display, display_free);
  g_free (m->screenshot_on_exit);
  /* After the devices: whatever the guest printed last still gets out. */
  if (m->serial_up)
    {
      serial_backend_flush (&m->serial);
      serial_backend_close (&m->serial);
    }
  g_clear_pointer (&m->control, control_free);
  g_clear_pointer (&m->loop, g_main_loop_unref);
  g_free (m->serial_spec);
  g_free (m->cdrom_media);
}
