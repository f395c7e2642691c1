/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The machine's life: the main loop, guest requests (poweroff, reset,
 * crash), signals and power requests. What D-Bus and the window ask of the
 * devices is in machine-control.c. */
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
#include "machine-internal.h"
#include "net/slirp.h"
#include "virtio/virtio-net.h"

/* How long a guest gets to shut down after the power button (SIGTERM). */
#define MACHINE_SHUTDOWN_TIMEOUT_S 60

void
machine_set_state (struct machine *m, const char *state)
{
  if (m->control)
    control_set_state (m->control, state);
}

void
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

int
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

gboolean
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

int
machine_reset (void *data)
{
  struct machine *m = data;

  vm_request (&m->boot->vm, VM_REQUEST_RESET);
  return 0;
}

int
machine_force_off (void *data)
{
  struct machine *m = data;

  machine_stop (m, VMM_EXIT_FORCED_OFF);
  return 0;
}

int
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

int
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
