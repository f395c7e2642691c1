/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The adapter's PCI face, QEMU's "stdvga" (1234:1111): BAR0 the linear
 * framebuffer (a dirty-logged KVM memory slot), BAR2 the MMIO registers
 * bochs-drm and QemuVideoDxe prefer to ports, and the VGA BIOS as the
 * expansion ROM, which SeaBIOS runs for a VGA-class device. */
#define G_LOG_DOMAIN "vga"

#include "config.h"

#include <errno.h>
#include <glib.h>
#include <string.h>

#include "bus.h"
#include "log.h"
#include "vga-internal.h"
#include "vm.h"

#define VGA_PCI_VENDOR     0x1234
#define VGA_PCI_DEVICE     0x1111
#define VGA_PCI_CLASS      0x030000   /* display, VGA compatible */
#define VGA_PCI_REVISION   0x02       /* 2: BAR2 has the MMIO registers */
#define VGA_PCI_SUBVENDOR  0x1af4
#define VGA_PCI_SUBDEVICE  0x1100
#define PCI_ROM_ADDRESS    0x30
#define PCI_ROM_ENABLE     0x1u
/* Larger is no VGA BIOS (they are 32 to 64 KiB). */
#define VGA_ROM_MAX        (1u << 20)

/* BAR0 without a memory slot (tests, or the slot failed): every access
 * exits here. */
static void
vga_lfb_read (void *opaque, uint64_t offset, void *data, unsigned size)
{
  struct vga *vga = opaque;

  if (offset >= VGA_VRAM_SIZE || size > VGA_VRAM_SIZE - offset)
    memset (data, 0xff, size);
  else
    memcpy (data, vga->vram + offset, size);
}

static void
vga_lfb_write (void *opaque, uint64_t offset, const void *data, unsigned size)
{
  struct vga *vga = opaque;

  if (offset >= VGA_VRAM_SIZE || size > VGA_VRAM_SIZE - offset)
    return;
  memcpy (vga->vram + offset, data, size);
  _vga_mark_dirty (vga, offset, size);
}

static const struct bus_ops vga_lfb_ops = { vga_lfb_read, vga_lfb_write };

/* BAR2: 0 the EDID, 0x400 the VGA ports (bytes), 0x500 DISPI (16-bit
 * registers), 0x600 the extended registers. */
static uint64_t
vga_mmio_read_locked (struct vga *vga, uint64_t offset, unsigned size)
{
  uint64_t v = 0;

  if (offset < VGA_MMIO_EDID_SIZE)
    {
      for (unsigned i = 0; i < size; i++)
        if (offset + i < sizeof vga->edid)
          v |= (uint64_t) vga->edid[offset + i] << (8 * i);
      return v;
    }

  if (offset >= VGA_MMIO_VGA_BASE && offset < VGA_MMIO_VGA_BASE + 0x20)
    {
      for (unsigned i = 0; i < size; i++)
        v |= (uint64_t) (offset + i < VGA_MMIO_VGA_BASE + 0x20
                           ? _vga_port_read (vga, offset + i - VGA_MMIO_VGA_BASE)
                           : 0xff) << (8 * i);
      return v;
    }
  if (offset >= VGA_MMIO_DISPI && offset < VGA_MMIO_DISPI + 2 * DISPI_N_REGS)
    {
      unsigned index = (offset - VGA_MMIO_DISPI) / 2;
      uint32_t pair = _vga_dispi_read (vga, index);

      if (index + 1 < DISPI_N_REGS)
        pair |= (uint32_t) _vga_dispi_read (vga, index + 1) << 16;
      return pair >> (8 * (offset & 1));
    }
  if (offset == VGA_MMIO_QEXT)
    return VGA_QEXT_SIZE;
  if (offset == VGA_MMIO_QEXT + 4)
    return VGA_QEXT_LE;
  return 0;
}

static void
vga_mmio_read (void *opaque, uint64_t offset, void *data, unsigned size)
{
  struct vga *vga = opaque;
  uint64_t v;

  pthread_mutex_lock (&vga->lock);
  v = vga_mmio_read_locked (vga, offset, MIN (size, 8u));
  pthread_mutex_unlock (&vga->lock);
  memcpy (data, &v, MIN (size, 8u));
}

static void
vga_mmio_write (void *opaque, uint64_t offset, const void *data, unsigned size)
{
  struct vga *vga = opaque;
  uint64_t v = 0;

  memcpy (&v, data, MIN (size, 8u));
  pthread_mutex_lock (&vga->lock);
  if (offset >= VGA_MMIO_VGA_BASE && offset < VGA_MMIO_VGA_BASE + 0x20)
    {
      for (unsigned i = 0; i < size && offset + i < VGA_MMIO_VGA_BASE + 0x20; i++)
        _vga_port_write (vga, offset + i - VGA_MMIO_VGA_BASE, v >> (8 * i));
    }
  else if (offset >= VGA_MMIO_DISPI && offset < VGA_MMIO_DISPI + 2 * DISPI_N_REGS &&
           !(offset & 1) && size >= 2)
    {
      /* 16-bit registers; a 32-bit write sets two. */
      for (unsigned i = 0; i + 2 <= size && offset + i < VGA_MMIO_DISPI + 2 * DISPI_N_REGS;
           i += 2)
        _vga_dispi_write (vga, (offset + i - VGA_MMIO_DISPI) / 2, (uint16_t) (v >> (8 * i)));
    }
  else if (offset == VGA_MMIO_QEXT + 4 && (uint32_t) v != VGA_QEXT_LE)
    vmm_guest_error ("vga: big-endian framebuffer requested; only little-endian is supported");
  pthread_mutex_unlock (&vga->lock);
}

static const struct bus_ops vga_mmio_ops = { vga_mmio_read, vga_mmio_write };

static void
vga_rom_read (void *opaque, uint64_t offset, void *data, unsigned size)
{
  struct vga *vga = opaque;

  for (unsigned i = 0; i < size; i++)
    ((uint8_t *) data)[i] = offset + i < vga->rom_size ? vga->rom[offset + i] : 0;
}

static void
vga_rom_write (void *opaque, uint64_t offset, const void *data, unsigned size)
{
  (void) opaque;
  (void) offset;
  (void) data;
  (void) size;
}

static const struct bus_ops vga_rom_ops = { vga_rom_read, vga_rom_write };

/* The expansion ROM decodes with its enable bit and memory decoding on. The
 * PCI core knows only the six BARs, so the device maps it itself. */
static void
vga_rom_update (struct vga *vga)
{
  struct pci_device *dev = &vga->pci;
  uint32_t reg = pci_config_get32 (dev, PCI_ROM_ADDRESS);
  uint64_t addr = reg & ~(uint64_t) (vga->rom_bar_size - 1) & 0xfffff800u;
  bool decode = vga->rom && (reg & PCI_ROM_ENABLE) &&
                (pci_config_get16 (dev, PCI_COMMAND) & PCI_COMMAND_MEMORY) && addr != 0;
  int ret;

  if (vga->rom_mapped && decode && vga->rom_addr == addr)
    return;
  if (vga->rom_mapped)
    {
      bus_unregister (dev->bus->mmio, vga->rom_addr);
      vga->rom_mapped = false;
    }
  if (!decode)
    return;
  ret = bus_register (dev->bus->mmio, addr, vga->rom_bar_size, &vga_rom_ops, vga, "vga-rom");
  if (ret < 0)
    {
      /* Sizing with decoding on lands on something else: harmless. */
      vmm_debug ("vga: ROM at 0x%" G_GINT64_MODIFIER "x not mapped: %s", addr, g_strerror (-ret));
      return;
    }
  vga->rom_addr = addr;
  vga->rom_mapped = true;
}

static void
vga_pci_config_written (struct pci_device *dev, unsigned offset, unsigned size)
{
  (void) offset;
  (void) size;
  vga_rom_update (dev->opaque);
}

static void
vga_pci_bar_mapped (struct pci_device *dev, unsigned bar, uint64_t addr, bool mapped)
{
  struct vga *vga = dev->opaque;
  int slot;

  if (bar != 0 || !vga->vm)
    return;
  slot = (int) vga->lfb_slot;
  pthread_mutex_lock (&vga->lock);
  if (vga->lfb_slot_mapped)
    {
      if (vm_memslot_set_logged (vga->vm, slot, vga->lfb_slot_gpa, 0, vga->vram) < 0)
        vmm_error ("vga: cannot remove the framebuffer slot");
      vga->lfb_slot_mapped = false;
    }
  if (mapped)
    {
      /* Without the slot the framebuffer still works, one exit per access. */
      if (vm_memslot_set_logged (vga->vm, slot, addr, VGA_VRAM_SIZE, vga->vram) == 0)
        {
          vga->lfb_slot_mapped = true;
          vga->lfb_slot_gpa = addr;
        }
      /* What the guest wrote so far may not be on screen yet. */
      _vga_mark_dirty (vga, 0, VGA_VRAM_SIZE);
    }
  pthread_mutex_unlock (&vga->lock);
}

static const struct pci_device_ops vga_pci_ops = {
  .config_written = vga_pci_config_written,
  .bar_mapped = vga_pci_bar_mapped,
};

void
_vga_pci_sync_dirty (struct vga *vga)
{
  uint64_t bitmap[VGA_VRAM_PAGES / 64];

  pthread_mutex_lock (&vga->lock);
  if (vga->vm && vga->lfb_slot_mapped &&
      vm_memslot_get_dirty (vga->vm, (int) vga->lfb_slot, bitmap) == 0)
    for (unsigned i = 0; i < G_N_ELEMENTS (bitmap); i++)
      if (bitmap[i])
        atomic_fetch_or (&vga->dirty[i], bitmap[i]);
  pthread_mutex_unlock (&vga->lock);
}

void
_vga_pci_release (struct vga *vga)
{
  /* The bus is gone or going: it unmapped BAR0 (and the slot) already. */
  if (vga->rom_mapped)
    bus_unregister (vga->mmio_bus, vga->rom_addr);
  vga->rom_mapped = false;
  g_free (vga->rom);
  vga->rom = NULL;
}

static int
vga_load_rom (struct vga *vga, const char *path)
{
  g_autoptr (GError) error = NULL;
  gchar *data;
  gsize len;

  if (!g_file_get_contents (path, &data, &len, &error))
    {
      vmm_error ("vga: cannot read the VGA BIOS: %s", error->message);
      return -ENOENT;
    }
  if (len == 0 || len > VGA_ROM_MAX)
    {
      vmm_error ("vga: the VGA BIOS “%s” has %" G_GSIZE_FORMAT " bytes", path, len);
      g_free (data);
      return -EINVAL;
    }
  vga->rom = (uint8_t *) data;
  vga->rom_size = (uint32_t) len;
  /* The smallest ROM BAR is 2 KiB. */
  vga->rom_bar_size = 2048;
  while (vga->rom_bar_size < len)
    vga->rom_bar_size <<= 1;
  return 0;
}

int
vga_pci_add (struct vga *vga, struct pci_bus *pci, unsigned slot, struct vm *vm,
             const char *rom_path)
{
  struct pci_device *dev = &vga->pci;
  int ret;

  if (rom_path && (ret = vga_load_rom (vga, rom_path)) < 0)
    return ret;
  dev->ops = &vga_pci_ops;
  dev->opaque = vga;
  pci_device_init (dev, "vga", VGA_PCI_VENDOR, VGA_PCI_DEVICE, VGA_PCI_CLASS, VGA_PCI_REVISION,
                   VGA_PCI_SUBVENDOR, VGA_PCI_SUBDEVICE);
  pci_device_set_bar (dev, 0, VGA_VRAM_SIZE, PCI_BAR_PREFETCH, &vga_lfb_ops, vga);
  pci_device_set_bar (dev, 2, VGA_MMIO_BAR_SIZE, 0, &vga_mmio_ops, vga);
  if (vga->rom)
    {
      uint32_t mask = ~(vga->rom_bar_size - 1) | PCI_ROM_ENABLE;

      dev->wmask[PCI_ROM_ADDRESS] = mask;
      dev->wmask[PCI_ROM_ADDRESS + 1] = mask >> 8;
      dev->wmask[PCI_ROM_ADDRESS + 2] = mask >> 16;
      dev->wmask[PCI_ROM_ADDRESS + 3] = mask >> 24;
    }
  vga->vm = vm;
  if (vm)
    vga->lfb_slot = (unsigned) vm_memslot_new (vm);
  vga->mmio_bus = pci->mmio;
  ret = pci_bus_add_device (pci, dev, slot, 0);
  if (ret < 0)
    {
      vmm_error ("vga: cannot add the adapter at PCI slot %u: %s", slot, g_strerror (-ret));
      g_free (vga->rom);
      vga->rom = NULL;
    }
  return ret;
}

struct pci_device *
vga_get_pci_device (struct vga *vga)
{
  return &vga->pci;
}
