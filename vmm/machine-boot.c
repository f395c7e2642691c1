/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Builds and tears down one boot of the machine: VM, platform, PCI devices,
 * ACPI tables, the kernel in RAM and the vCPUs. */
#define G_LOG_DOMAIN "machine"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <string.h>
#include <unistd.h>

#include "boot/linux.h"
#include "disk/disk.h"
#include "firmware/firmware.h"
#include "kvm/vcpu-boot.h"
#include "log.h"
#include "machine-boot.h"
#include "pci/msix.h"
#include "virtio/virtio-blk.h"
#include "virtio/virtio-pci.h"
#include "virtio/virtio-rng.h"
#include "virtio/virtio-input.h"
#include "virtio/virtio-net.h"
#include "net/slirp.h"
#include "virtio/gpu/virtio-gpu.h"
#include "display/vga.h"
#include "audio/hda-controller.h"
#include "storage/ahci.h"
#include "storage/atapi.h"

/* PCI slots: 0 is the host bridge, 31 the LPC bridge; disks from 1, then rng. */
#define MACHINE_FIRST_DEVICE_SLOT 1

static void
machine_boot_request (void *opaque, enum vm_request request)
{
  vm_request (opaque, request);
}

/* A readable file, or a message naming it and what is wrong. */
static int
machine_check_readable (const char *what, const char *path, char **why)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  int err;

  if (fd >= 0)
    {
      close (fd);
      return 0;
    }
  err = errno;
  *why = g_strdup_printf (_("Cannot read the %s “%s”: %s."), what, path, g_strerror (err));
  return -err;
}

static int
machine_boot_add_virtio (struct machine_boot *b, struct virtio_device *vdev, unsigned slot,
                         struct virtio_pci **out, char **why)
{
  struct msix_delivery delivery;
  struct virtio_pci *vp = g_new0 (struct virtio_pci, 1);
  int ret;

  ret = msix_kvm_delivery_new (&b->vm, &delivery);
  if (ret == 0)
    ret = virtio_pci_init (vp, vdev, &delivery, &virtio_pci_kvm_notifier_ops, &b->vm, true);
  if (ret < 0)
    {
      g_free (vp);
      *why = g_strdup_printf (_("Cannot set up a virtio device: %s."), g_strerror (-ret));
      return ret;
    }
  ret = pci_bus_add_device (&b->pci, &vp->pci, slot, 0);
  if (ret < 0)
    {
      virtio_pci_destroy (vp);
      g_free (vp);
      *why = g_strdup_printf (_("Cannot add a PCI device: %s."), g_strerror (-ret));
      return ret;
    }
  *out = vp;
  return 0;
}

/* The network card, on @net's NAT. */
static int
machine_boot_add_net (struct machine_boot *b, const struct machine_config *cfg,
                      struct net_slirp *net, unsigned slot, char **why)
{
  uint8_t mac[6];
  int ret;

  net_config_get_mac (&cfg->net, cfg->uuid, mac);
  b->net = virtio_net_new (&b->vm.mem, mac);
  virtio_net_set_backend (b->net, net_slirp_wake, net);
  ret = machine_boot_add_virtio (b, virtio_net_get_device (b->net), slot, &b->net_pci, why);
  if (ret < 0)
    return ret;
  net_slirp_attach (net, &virtio_net_nic_ops, b->net);
  b->net_backend = net;
  return 0;
}

static int
machine_boot_open_disks (struct disk **disks, const struct machine_config *cfg, char **why)
{
  for (unsigned i = 0; i < cfg->n_disks; i++)
    {
      const struct machine_disk *d = &cfg->disks[i];
      int ret = disk_raw_open (d->path, d->readonly, &disks[i], why);

      if (ret < 0)
        {
          while (i-- > 0)
            disks[i]->ops->close (disks[i]);
          return ret;
        }
    }
  return 0;
}

/* The VGA (stdvga) takes the GPU's place where the firmware must show its
 * screens: OVMF's virtio-gpu driver has no framebuffer to leave to the OS,
 * and SeaBIOS has no VGA BIOS for virtio-gpu. SeaBIOS gets the VGA BIOS as
 * the adapter's expansion ROM; OVMF has its own driver (QemuVideoDxe). */
#define MACHINE_VGA_BIOS "/usr/share/seabios/vgabios-stdvga.bin"

static bool
machine_boot_wants_vga (const struct machine_config *cfg)
{
  return cfg->adapter == MACHINE_ADAPTER_VGA ||
         (cfg->adapter == MACHINE_ADAPTER_AUTO && cfg->firmware != MACHINE_FIRMWARE_LINUX);
}

static int
machine_boot_add_vga (struct machine_boot *b, const struct machine_config *cfg,
                      struct display *display, unsigned slot, char **why)
{
  const char *rom = NULL;
  int ret;

  if (cfg->firmware == MACHINE_FIRMWARE_BIOS)
    {
      if (access (MACHINE_VGA_BIOS, R_OK) == 0)
        rom = MACHINE_VGA_BIOS;
      else
        vmm_error ("No VGA BIOS at %s (package seabios): the screen stays dark until the "
                   "guest's own driver starts", MACHINE_VGA_BIOS);
    }
  b->vga = vga_new (display, 0);
  if (!b->vga)
    ret = -ENOMEM;
  else if ((ret = vga_claim_legacy (b->vga, &b->vm.pio, &b->vm.mmio)) == 0 &&
           (ret = vga_pci_add (b->vga, &b->pci, slot, &b->vm, rom)) == 0)
    {
      /* Without it, only slower: a firmware's text screen costs thousands of exits. */
      if (vga_coalesce_window (b->vga, &b->vm) < 0)
        g_message ("the VGA window's writes exit one by one (no coalesced MMIO)");
      ret = vga_start (b->vga);
    }
  if (ret < 0)
    *why = g_strdup_printf (_("Cannot set up the display adapter: %s."), g_strerror (-ret));
  return ret;
}

/* The HD Audio card; its thread starts with the boot. */
static int
machine_boot_add_hda (struct machine_boot *b, struct audio *audio, unsigned slot, char **why)
{
  int ret;

  b->hda = hda_controller_new (&b->vm.mem, audio);
  ret = pci_bus_add_device (&b->pci, hda_controller_get_pci (b->hda), slot, 0);
  if (ret == 0)
    ret = hda_controller_start (b->hda);
  if (ret < 0)
    *why = g_strdup_printf (_("Cannot set up the sound card: %s."), g_strerror (-ret));
  return ret;
}

/* The CD-ROM: AHCI at 00:1f.2, beside the LPC bridge as on ICH9, its drive
 * on port 0 with the configured ISO or empty. */
#define MACHINE_AHCI_SLOT     0x1f
#define MACHINE_AHCI_FUNCTION 2

static int
machine_boot_open_cdrom (struct machine_boot *b, const struct machine_config *cfg, char **why)
{
  b->cdrom = atapi_new ("cdrom");
  return atapi_change_medium (b->cdrom, cfg->cdrom_path, false, why);
}

static int
machine_boot_add_cdrom (struct machine_boot *b, char **why)
{
  struct msix_delivery delivery;
  int ret;

  if ((ret = msix_kvm_delivery_new (&b->vm, &delivery)) < 0 ||
      !(b->ahci = ahci_new (&b->vm.mem, 1, &delivery, true)))
    {
      *why = g_strdup (_("Cannot set up the CD-ROM controller."));
      return ret < 0 ? ret : -EIO;
    }
  ahci_attach (b->ahci, 0, b->cdrom);
  ret = pci_bus_add_device (&b->pci, ahci_get_pci (b->ahci), MACHINE_AHCI_SLOT,
                            MACHINE_AHCI_FUNCTION);
  if (ret < 0)
    *why = g_strdup_printf (_("Cannot add a PCI device: %s."), g_strerror (-ret));
  return ret;
}

/* Direct kernel boot: the ACPI tables where Linux finds them, the kernel in
 * RAM, and the boot vCPU at its entry. */
static int
machine_boot_load_linux (struct machine_boot *b, const struct machine_config *cfg, char **why)
{
  struct linux_boot_state state;
  int ret;

  /* What firmware would do before handing over to the kernel. */
  if ((ret = pci_bus_assign_resources (&b->pci)) < 0 ||
      (ret = acpi_build_tables (&b->acpi, cfg->cpus, ACPI_DIRECT_BOOT_BASE)) < 0 ||
      (ret = guest_memory_write (&b->vm.mem, b->acpi.base, b->acpi.blob, b->acpi.size)) < 0)
    {
      *why = g_strdup_printf (_("Cannot set up the virtual machine's devices: %s."),
                              g_strerror (-ret));
      return ret;
    }
  if ((ret = linux_boot_load (&b->vm.mem, cfg->kernel, cfg->initrd, cfg->cmdline,
                              b->acpi.base + ACPI_RSDP_OFFSET, &state, why)) < 0)
    return ret;
  if ((ret = vcpus_create (&b->vcpus, &b->vm, cfg->cpus)) < 0)
    {
      *why = g_strdup_printf (_("Cannot create the virtual CPUs: %s."), g_strerror (-ret));
      return ret;
    }
  b->vcpus_up = true;
  if ((ret = vcpu_set_linux_boot_state (&b->vcpus.vcpu[0], &state)) < 0)
    *why = g_strdup_printf (_("Cannot set up the boot CPU: %s."), g_strerror (-ret));
  return ret;
}

/* Firmware boot: the firmware enumerates PCI itself and gets the ACPI tables
 * through fw_cfg; every vCPU keeps KVM's reset state (real mode at
 * F000:FFF0 for the first, the others waiting for INIT-SIPI). */
static int
machine_boot_load_firmware (struct machine_boot *b, const struct machine_config *cfg,
                            const struct bootorder_devices *devs, char **why)
{
  int ret;

  if ((ret = acpi_build_tables (&b->acpi, cfg->cpus, 0)) < 0)
    {
      *why = g_strdup_printf (_("Cannot set up the virtual machine's devices: %s."),
                              g_strerror (-ret));
      return ret;
    }
  b->firmware = g_new0 (struct firmware, 1);
  if ((ret = firmware_init (b->firmware, &b->vm, cfg, devs, &b->acpi, why)) < 0)
    return ret;
  if ((ret = vcpus_create (&b->vcpus, &b->vm, cfg->cpus)) < 0)
    {
      *why = g_strdup_printf (_("Cannot create the virtual CPUs: %s."), g_strerror (-ret));
      return ret;
    }
  b->vcpus_up = true;
  return 0;
}

struct machine_boot *
machine_boot_new (const struct machine_config *cfg, const char *kvm_device,
                  struct serial_backend *serial, struct display *display,
                  struct net_slirp *net, struct audio *audio, char **why)
{
  struct machine_boot *b = g_new0 (struct machine_boot, 1);
  struct disk *disks[MACHINE_CONFIG_MAX_DISKS];
  struct bootorder_devices devs = { .cdrom = cfg->cdrom };
  struct irq_line gsi, sci, com1, kbd;
  unsigned slot = MACHINE_FIRST_DEVICE_SLOT;
  uint64_t low, high;
  int ret;

  /* Files first: their errors are the likeliest and need no KVM to report. */
  if ((cfg->firmware == MACHINE_FIRMWARE_LINUX
       ? machine_check_readable (_("kernel"), cfg->kernel, why) < 0 ||
         (cfg->initrd && machine_check_readable (_("initrd"), cfg->initrd, why) < 0)
       : firmware_check (cfg, why) < 0) ||
      machine_boot_open_disks (disks, cfg, why) < 0)
    goto fail;

  if (cfg->cdrom && machine_boot_open_cdrom (b, cfg, why) < 0)
    {
      for (unsigned i = 0; i < cfg->n_disks; i++)
        disks[i]->ops->close (disks[i]);
      goto fail;
    }
  ret = vm_create (&b->vm, kvm_device, cfg->memory, why);
  if (ret < 0)
    {
      for (unsigned i = 0; i < cfg->n_disks; i++)
        disks[i]->ops->close (disks[i]);
      goto fail;
    }
  b->vm_created = true;
  for (unsigned i = 0; i < cfg->n_disks; i++)
    b->blk[i] = virtio_blk_new (&b->vm.mem, disks[i], cfg->disks[i].serial);
  b->n_blk = cfg->n_disks;

  gsi = (struct irq_line) { vm_irq_line_set_level, &b->vm, 0 };
  sci = (struct irq_line) { vm_irq_line_set_level, &b->vm, PM_SCI_IRQ };
  com1 = (struct irq_line) { vm_irq_line_set_level, &b->vm, UART_COM1_IRQ };
  kbd = (struct irq_line) { vm_irq_line_set_level, &b->vm, I8042_KBD_IRQ };

  if ((ret = pm_init (&b->pm, &b->vm.pio, &sci, machine_boot_request, &b->vm)) < 0)
    goto fail_platform;
  b->pm_up = true;
  if ((ret = rtc_init (&b->rtc, &b->vm.pio, NULL)) < 0)
    goto fail_platform;
  b->rtc_up = true;
  low = guest_memory_low_size (&b->vm.mem);
  high = b->vm.mem.size - low;
  rtc_set_machine_info (&b->rtc, low, high, cfg->cpus);
  if ((ret = uart_init (&b->com1, &b->vm.pio, UART_COM1_BASE, &com1, serial_backend_output,
                        serial)) < 0)
    goto fail_platform;
  b->com1_up = true;
  serial_backend_connect_uart (serial, &b->com1);
  if ((ret = i8042_init (&b->kbc, &b->vm.pio, &kbd, machine_boot_request, &b->vm)) < 0)
    goto fail_platform;
  b->kbc_up = true;
  if ((ret = pci_bus_init (&b->pci, &b->vm.pio, &b->vm.mmio, VM_ECAM_BASE, VM_ECAM_SIZE)) < 0)
    goto fail_platform;
  b->pci_up = true;
  if ((ret = pci_host_init (&b->host, &b->pci, &gsi, &b->pm)) < 0)
    goto fail_platform;
  b->host_up = true;
  if (b->cdrom && machine_boot_add_cdrom (b, why) < 0)
    goto fail;

  for (unsigned i = 0; i < b->n_blk; i++)
    {
      devs.disk_slot[devs.n_disks++] = slot;
      if (machine_boot_add_virtio (b, virtio_blk_get_device (b->blk[i]), slot++, &b->blk_pci[i],
                                   why) < 0)
        goto fail;
    }
  if (machine_boot_wants_vga (cfg))
    {
      if (machine_boot_add_vga (b, cfg, display, slot++, why) < 0)
        goto fail;
    }
  else if (!(b->gpu = virtio_gpu_new (&b->vm.mem, display, cfg->scanouts, cfg->gpu_memory)))
    {
      *why = g_strdup (_("Cannot set up the virtual GPU."));
      goto fail;
    }
  if (b->gpu &&
      machine_boot_add_virtio (b, virtio_gpu_get_device (b->gpu), slot++, &b->gpu_pci, why) < 0)
    goto fail;
  for (unsigned i = 0; i < G_N_ELEMENTS (b->input); i++)
    {
      static const enum virtio_input_kind kinds[] = {
        VIRTIO_INPUT_KEYBOARD, VIRTIO_INPUT_TABLET, VIRTIO_INPUT_MOUSE,
      };

      b->input[i] = virtio_input_new (&b->vm.mem, kinds[i]);
      if (machine_boot_add_virtio (b, virtio_input_get_device (b->input[i]), slot++,
                                   &b->input_pci[i], why) < 0)
        goto fail;
    }
  input_router_init (&b->input_router, b->input[0], b->input[1], b->input[2]);
  input_router_set_ps2 (&b->input_router, &b->kbc);
  if (cfg->rng)
    {
      b->rng = virtio_rng_new (&b->vm.mem);
      if (machine_boot_add_virtio (b, virtio_rng_get_device (b->rng), slot++, &b->rng_pci, why) < 0)
        goto fail;
    }
  devs.net = net != NULL;
  devs.net_slot = slot;
  if (net && machine_boot_add_net (b, cfg, net, slot++, why) < 0)
    goto fail;
  if (audio && machine_boot_add_hda (b, audio, slot++, why) < 0)
    goto fail;

  if ((cfg->firmware == MACHINE_FIRMWARE_LINUX ? machine_boot_load_linux (b, cfg, why)
                                                : machine_boot_load_firmware (b, cfg, &devs, why)) < 0)
    goto fail;
  return b;

fail_platform:
  *why = g_strdup_printf (_("Cannot set up the virtual machine's devices: %s."), g_strerror (-ret));
fail:
  machine_boot_free (b);
  return NULL;
}

int
machine_boot_start (struct machine_boot *b)
{
  return vcpus_start (&b->vcpus);
}

void
machine_boot_free (struct machine_boot *b)
{
  if (!b)
    return;
  /* vCPUs first: after this no guest access reaches a device. */
  if (b->vcpus_up)
    vcpus_destroy (&b->vcpus);
  /* The sound thread raises INTx through the bus: it stops first. */
  hda_controller_stop (b->hda);
  /* The CD-ROM's worker raises INTx through the bus: it stops first too. */
  ahci_stop (b->ahci);
  /* The bus unmaps BARs through the devices' hooks: it goes while they live. */
  if (b->pci_up)
    pci_bus_destroy (&b->pci);
  ahci_destroy (b->ahci);
  atapi_free (b->cdrom);
  hda_controller_free (b->hda);
  for (unsigned i = 0; i < G_N_ELEMENTS (b->input); i++)
    {
      if (b->input_pci[i])
        {
          virtio_pci_destroy (b->input_pci[i]);
          g_free (b->input_pci[i]);
        }
      if (b->input[i])
        virtio_input_destroy (b->input[i]);
    }
  if (b->gpu_pci)
    {
      virtio_pci_destroy (b->gpu_pci);
      g_free (b->gpu_pci);
    }
  if (b->gpu)
    virtio_gpu_destroy (b->gpu);
  vga_free (b->vga);
  if (b->rng_pci)
    {
      virtio_pci_destroy (b->rng_pci);
      g_free (b->rng_pci);
    }
  if (b->rng)
    virtio_rng_destroy (b->rng);
  /* The worker is gone with net_pci: nothing else reaches the card. */
  if (b->net_backend)
    net_slirp_attach (b->net_backend, NULL, NULL);
  if (b->net_pci)
    {
      virtio_pci_destroy (b->net_pci);
      g_free (b->net_pci);
    }
  if (b->net)
    virtio_net_destroy (b->net);
  for (unsigned i = 0; i < b->n_blk; i++)
    {
      if (b->blk_pci[i])
        {
          virtio_pci_destroy (b->blk_pci[i]);
          g_free (b->blk_pci[i]);
        }
      /* Flushes and closes the image, releasing its lock. */
      virtio_blk_destroy (b->blk[i]);
    }
  if (b->firmware)
    {
      firmware_destroy (b->firmware);
      g_free (b->firmware);
    }
  acpi_tables_free (&b->acpi);
  if (b->host_up)
    pci_host_destroy (&b->host);
  if (b->kbc_up)
    i8042_destroy (&b->kbc);
  if (b->com1_up)
    uart_destroy (&b->com1);
  if (b->rtc_up)
    rtc_destroy (&b->rtc);
  if (b->pm_up)
    pm_destroy (&b->pm);
  if (b->vm_created)
    vm_destroy (&b->vm);
  g_free (b);
}
