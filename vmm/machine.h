/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <stdbool.h>

#include "kvm/vcpu.h"
#include "machine-config.h"
#include "pci/pci.h"
#include "platform/acpi.h"
#include "platform/i8042.h"
#include "platform/pci-host.h"
#include "platform/pm.h"
#include "platform/rtc.h"
#include "platform/serial-backend.h"
#include "platform/uart.h"
#include "vm.h"
#include "input/input.h"

struct control;
struct virtio_blk;
struct virtio_pci;
struct virtio_rng;
struct virtio_input;
struct virtio_gpu;
struct vga;
struct virtio_net;
struct net_slirp;
struct display;
struct sdl_window;
struct spice_remote;
struct audio;
struct firmware;
struct ahci;
struct atapi;
struct audio_pulse;
struct hda_controller;

/*
 * One boot of the machine: the VM, its devices and vCPUs. A guest reset tears
 * it down and builds a fresh one, so no device needs its own reset path and
 * nothing of the old boot survives except the disks' contents.
 */
struct machine_boot {
  struct vm vm;
  struct vcpus vcpus;
  struct pm pm;
  struct rtc rtc;
  struct uart com1;
  struct i8042 kbc;
  struct pci_bus pci;
  struct pci_host host;
  struct acpi_tables acpi;
  unsigned n_blk;
  struct virtio_blk *blk[MACHINE_CONFIG_MAX_DISKS];
  struct virtio_pci *blk_pci[MACHINE_CONFIG_MAX_DISKS];
  struct virtio_rng *rng;
  struct virtio_pci *rng_pci;
  struct virtio_gpu *gpu;
  struct virtio_pci *gpu_pci;
  struct vga *vga;                 /* instead of gpu: see machine_boot_add_vga */
  /* Keyboard, tablet, mouse, in that order; the router picks among them. */
  struct virtio_input *input[3];
  struct virtio_pci *input_pci[3];
  struct input_router input_router;
  /* The network card, attached to the machine's NAT; NULL: no network. */
  struct virtio_net *net;
  struct virtio_pci *net_pci;
  struct net_slirp *net_backend;
  /* The sound card, playing into the machine's audio; NULL: none. */
  struct hda_controller *hda;
  /* The CD-ROM drive and its AHCI controller; NULL: no [cdrom]. */
  struct ahci *ahci;
  struct atapi *cdrom;
  /* SeaBIOS or OVMF with fw_cfg and flash; NULL for a direct kernel boot. */
  struct firmware *firmware;
  /* How far setup got, for teardown. */
  bool vm_created, pm_up, rtc_up, com1_up, kbc_up, pci_up, host_up, vcpus_up;
};

/*
 * The machine: a configuration, what outlives a reset (serial console,
 * D-Bus control), the current boot, and the main loop's state.
 */
struct machine {
  const struct machine_config *cfg;
  const char *kvm_device;
  char *serial_spec;
  struct serial_backend serial;
  bool serial_up;
  struct control *control;
  struct display *display;         /* outlives boots, so viewers stay attached */
  struct sdl_window *window;
  struct audio *audio;             /* the guest's sound, for PulseAudio and SPICE */
  struct audio_pulse *pulse;       /* this computer's speakers; NULL: sound off */
  struct spice_remote *spice;      /* sharing over SPICE, started or not */
  struct net_slirp *net;           /* the guest's NAT; outlives boots, NULL: no network */
  bool net_link_down;              /* unplugged over D-Bus: each boot's card too */
  /* After a reset: cfg with the disc that was in the CD-ROM (cdrom_media). */
  struct machine_config boot_cfg;
  char *cdrom_media;
  char *screenshot_on_exit;
  struct machine_boot *boot;
  GMainLoop *loop;
  GSource *request_source;
  guint sigterm_id, sigint_id, shutdown_timeout_id;
  unsigned shutdown_requests;
  bool paused;
  int exit_status;
};

/* Opens what outlives a boot (serial, control socket) and makes the first
 * boot. Returns 0, or -errno with *why for the user (g_free). */
/* @kvm_device: NULL for /dev/kvm. */
int machine_create (struct machine *m, const struct machine_config *cfg, const char *kvm_device,
                    char **why)
  __attribute__ ((warn_unused_result));

/* Runs the guest until it powers off, crashes or is forced off; returns the
 * process exit status (enum vmm_exit_status). */
int machine_run (struct machine *m);

/* Writes a PNG of the first display when the machine stops (for tests). */
void machine_set_screenshot_on_exit (struct machine *m, const char *path);

void machine_destroy (struct machine *m);
