/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The VGA adapter's life cycle, its ISA face on the buses, and the scanout
 * thread that turns VRAM into the display's surface. */
#define G_LOG_DOMAIN "vga"

#include "config.h"

#include <errno.h>
#include <glib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "bus.h"
#include "log.h"
#include "vga-internal.h"
#include "vm.h"
#include "virtio/gpu/edid.h"

#define VGA_DISPI_PORT 0x1ce
#define VGA_PORT_BASE  0x3c0
#define VGA_MONO_CRTC  0x3b4
#define VGA_MONO_ST01  0x3ba
/* Shown while the adapter displays nothing we can draw (blank, bad mode). */
#define VGA_BLANK_WIDTH  640
#define VGA_BLANK_HEIGHT 480

static uint64_t
vga_bytes_to_u64 (const void *data, unsigned size)
{
  uint64_t v = 0;

  memcpy (&v, data, MIN (size, sizeof v));
  return v;
}

static void
vga_u64_to_bytes (uint64_t v, void *data, unsigned size)
{
  memcpy (data, &v, MIN (size, sizeof v));
}

/* Ports 0x3c0..0x3df: wider accesses are byte accesses to consecutive ports
 * (an outw to 0x3c4 writes index and data at once). */
static void
vga_port_read (void *opaque, uint64_t offset, void *data, unsigned size)
{
  struct vga *vga = opaque;
  uint64_t v = 0;

  pthread_mutex_lock (&vga->lock);
  for (unsigned i = 0; i < size && i < 8; i++)
    v |= (uint64_t) (offset + i < 0x20 ? _vga_port_read (vga, offset + i) : 0xff) << (8 * i);
  pthread_mutex_unlock (&vga->lock);
  vga_u64_to_bytes (v, data, size);
}

static void
vga_port_write (void *opaque, uint64_t offset, const void *data, unsigned size)
{
  struct vga *vga = opaque;
  uint64_t v = vga_bytes_to_u64 (data, size);

  pthread_mutex_lock (&vga->lock);
  for (unsigned i = 0; i < size && i < 8; i++)
    if (offset + i < 0x20)
      _vga_port_write (vga, offset + i, v >> (8 * i));
  pthread_mutex_unlock (&vga->lock);
}

static const struct bus_ops vga_port_ops = { vga_port_read, vga_port_write };

/* The monochrome aliases 0x3b4/0x3b5 (CRTC) and 0x3ba (status). */
static void
vga_mono_read (void *opaque, uint64_t offset, void *data, unsigned size)
{
  vga_port_read (opaque, offset + (0x3d4 - VGA_PORT_BASE), data, size);
}

static void
vga_mono_write (void *opaque, uint64_t offset, const void *data, unsigned size)
{
  vga_port_write (opaque, offset + (0x3d4 - VGA_PORT_BASE), data, size);
}

static const struct bus_ops vga_mono_ops = { vga_mono_read, vga_mono_write };

static void
vga_mono_st01_read (void *opaque, uint64_t offset, void *data, unsigned size)
{
  vga_port_read (opaque, offset + (0x3da - VGA_PORT_BASE), data, size);
}

static void
vga_mono_st01_write (void *opaque, uint64_t offset, const void *data, unsigned size)
{
  vga_port_write (opaque, offset + (0x3da - VGA_PORT_BASE), data, size);
}

static const struct bus_ops vga_mono_st01_ops = { vga_mono_st01_read, vga_mono_st01_write };

/* 0x1ce: index; 0x1cf (and 0x1d0): data. Both 16-bit. */
static void
vga_dispi_port_read (void *opaque, uint64_t offset, void *data, unsigned size)
{
  struct vga *vga = opaque;
  uint16_t v;

  pthread_mutex_lock (&vga->lock);
  v = offset == 0 ? vga->dispi_index : _vga_dispi_read (vga, vga->dispi_index);
  pthread_mutex_unlock (&vga->lock);
  vga_u64_to_bytes (v, data, size);
}

static void
vga_dispi_port_write (void *opaque, uint64_t offset, const void *data, unsigned size)
{
  struct vga *vga = opaque;
  uint16_t v = vga_bytes_to_u64 (data, MIN (size, 2u));

  pthread_mutex_lock (&vga->lock);
  if (offset == 0)
    vga->dispi_index = v;
  else
    _vga_dispi_write (vga, vga->dispi_index, v);
  pthread_mutex_unlock (&vga->lock);
}

static const struct bus_ops vga_dispi_port_ops = { vga_dispi_port_read, vga_dispi_port_write };

static void
vga_window_read (void *opaque, uint64_t offset, void *data, unsigned size)
{
  struct vga *vga = opaque;
  uint64_t v = 0;

  pthread_mutex_lock (&vga->lock);
  for (unsigned i = 0; i < size && i < 8; i++)
    v |= (uint64_t) (offset + i < VGA_WINDOW_SIZE ? _vga_mem_read (vga, offset + i) : 0xff)
         << (8 * i);
  pthread_mutex_unlock (&vga->lock);
  vga_u64_to_bytes (v, data, size);
}

static void
vga_window_write (void *opaque, uint64_t offset, const void *data, unsigned size)
{
  struct vga *vga = opaque;
  uint64_t v = vga_bytes_to_u64 (data, size);

  pthread_mutex_lock (&vga->lock);
  for (unsigned i = 0; i < size && i < 8; i++)
    if (offset + i < VGA_WINDOW_SIZE)
      _vga_mem_write (vga, offset + i, v >> (8 * i));
  pthread_mutex_unlock (&vga->lock);
}

static const struct bus_ops vga_window_ops = { vga_window_read, vga_window_write };

/* A viewer's size wish becomes the EDID's preferred mode, within what a
 * DISPI mode can show. */
static void
vga_request_size (void *opaque, unsigned scanout, uint32_t width, uint32_t height)
{
  struct vga *vga = opaque;

  if (scanout != vga->scanout || width == 0 || height == 0)
    return;
  width = CLAMP (width, VGA_EDID_MIN_WIDTH, DISPI_MAX_XRES);
  height = CLAMP (height, VGA_EDID_MIN_HEIGHT, DISPI_MAX_YRES);
  pthread_mutex_lock (&vga->lock);
  virtio_gpu_edid_build (vga->edid, width, height, scanout);
  pthread_mutex_unlock (&vga->lock);
}

static const struct display_producer_ops vga_producer_ops = {
  .request_size = vga_request_size,
};

struct vga *
vga_new (struct display *display, unsigned scanout)
{
  struct vga *vga = g_new0 (struct vga, 1);
  int err;

  vga->display = display;
  vga->scanout = scanout;
  vga->vram_fd = memfd_create ("terrarium-vga-vram", MFD_CLOEXEC);
  if (vga->vram_fd < 0 || ftruncate (vga->vram_fd, VGA_VRAM_SIZE) < 0)
    goto fail;
  vga->vram = mmap (NULL, VGA_VRAM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, vga->vram_fd, 0);
  if (vga->vram == MAP_FAILED)
    {
      vga->vram = NULL;
      goto fail;
    }
  pthread_mutex_init (&vga->lock, NULL);
  pthread_mutex_init (&vga->stop_lock, NULL);
  pthread_cond_init (&vga->stop_cond, NULL);
  _vga_regs_reset (vga);
  _vga_dispi_reset (vga);
  G_STATIC_ASSERT (sizeof vga->edid == VIRTIO_GPU_EDID_SIZE);
  virtio_gpu_edid_build (vga->edid, VGA_EDID_DEFAULT_WIDTH, VGA_EDID_DEFAULT_HEIGHT, scanout);
  display_set_producer (display, &vga_producer_ops, vga);
  return vga;

fail:
  err = errno;
  vmm_error ("vga: cannot allocate %u MiB of video memory: %s", VGA_VRAM_SIZE >> 20,
             g_strerror (err));
  if (vga->vram_fd >= 0)
    close (vga->vram_fd);
  g_free (vga);
  return NULL;
}

int
vga_claim_legacy (struct vga *vga, struct bus *pio, struct bus *mmio)
{
  int ret;

  if ((ret = bus_register (pio, VGA_PORT_BASE, 0x20, &vga_port_ops, vga, "vga")) < 0)
    goto fail;
  if ((ret = bus_register (pio, VGA_MONO_CRTC, 2, &vga_mono_ops, vga, "vga-mono")) < 0)
    goto fail_port;
  if ((ret = bus_register (pio, VGA_MONO_ST01, 1, &vga_mono_st01_ops, vga, "vga-mono")) < 0)
    goto fail_mono;
  if ((ret = bus_register (pio, VGA_DISPI_PORT, 3, &vga_dispi_port_ops, vga, "vga-dispi")) < 0)
    goto fail_st01;
  /* Where RAM backs this window (direct kernel boot) KVM never exits here. */
  if ((ret = bus_register (mmio, VGA_WINDOW_BASE, VGA_WINDOW_SIZE, &vga_window_ops, vga,
                           "vga-window")) < 0)
    goto fail_dispi;
  vga->pio = pio;
  vga->mmio = mmio;
  vga->ports_claimed = vga->window_claimed = true;
  return 0;

fail_dispi:
  bus_unregister (pio, VGA_DISPI_PORT);
fail_st01:
  bus_unregister (pio, VGA_MONO_ST01);
fail_mono:
  bus_unregister (pio, VGA_MONO_CRTC);
fail_port:
  bus_unregister (pio, VGA_PORT_BASE);
fail:
  vmm_error ("vga: cannot claim the VGA ports and window: %s", g_strerror (-ret));
  return ret;
}

static void
vga_set_surface (struct vga *vga, uint32_t width, uint32_t height)
{
  g_clear_pointer (&vga->surface, display_surface_unref);
  vga->surface = display_set_mode (vga->display, vga->scanout, width, height);
  g_free (vga->cells);
  vga->cells = NULL;
  vga->n_cells = 0;
}

/* Collects and clears the dirty pages in [start, start + len): returns
 * false when none. *first and *last are byte offsets. */
static bool
vga_take_dirty (struct vga *vga, uint64_t start, uint64_t len, uint64_t *first, uint64_t *last)
{
  bool any = false;

  for (unsigned w = 0; w < G_N_ELEMENTS (vga->dirty); w++)
    {
      uint64_t bits = atomic_exchange (&vga->dirty[w], 0);

      while (bits)
        {
          unsigned b = __builtin_ctzll (bits);
          uint64_t page = ((uint64_t) w * 64 + b) << VGA_PAGE_SHIFT;

          bits &= bits - 1;
          if (page + (1u << VGA_PAGE_SHIFT) <= start || page >= start + len)
            continue;
          if (!any || page < *first)
            *first = page;
          if (!any || page + (1u << VGA_PAGE_SHIFT) > *last)
            *last = page + (1u << VGA_PAGE_SHIFT);
          any = true;
        }
    }
  return any;
}

static void
vga_refresh_linear (struct vga *vga, const struct vga_scan *scan, bool full)
{
  uint64_t len = (uint64_t) scan->lfb_stride * (scan->height - 1) +
                 (uint64_t) scan->width * ((scan->bpp + 7) / 8);
  uint64_t first = 0, last = 0;
  uint32_t y0, y1;
  bool dirty;

  _vga_pci_sync_dirty (vga);
  dirty = vga_take_dirty (vga, scan->lfb_start, len, &first, &last);
  if (full)
    {
      y0 = 0;
      y1 = scan->height;
    }
  else if (dirty)
    {
      first = MAX (first, scan->lfb_start) - scan->lfb_start;
      last = MIN (last, scan->lfb_start + len) - scan->lfb_start;
      y0 = first / scan->lfb_stride;
      y1 = MIN ((uint64_t) scan->height, (last + scan->lfb_stride - 1) / scan->lfb_stride);
    }
  else
    return;
  if (y0 >= y1)
    return;
  _vga_dispi_render (vga, scan, vga->surface, y0, y1);
  display_damage (vga->display, vga->scanout,
                  &(struct display_rect) { 0, (int32_t) y0, scan->width, y1 - y0 });
}

int
vga_coalesce_window (struct vga *vga, struct vm *vm)
{
  int ret;

  if (!vga->window_claimed)
    return -EINVAL;
  ret = vm_coalesced_mmio_add (vm, VGA_WINDOW_BASE, VGA_WINDOW_SIZE);
  if (ret == 0)
    vga->coalesced_vm = vm;
  return ret;
}

void
vga_refresh (struct vga *vga)
{
  struct vga_scan scan, cmp_now, cmp_shown;
  unsigned regs_gen, text_gen, font_gen;
  struct display_rect damage;
  bool full;

  /* Writes KVM queued since the guest's last exit; not under vga->lock,
   * as applying them takes it. */
  if (vga->coalesced_vm)
    vm_coalesced_flush (vga->coalesced_vm);
  memset (&scan, 0, sizeof scan);
  pthread_mutex_lock (&vga->lock);
  if (!_vga_dispi_enabled (vga))
    _vga_legacy_scan (vga, &scan);
  else if (!_vga_dispi_scan (vga, &scan))
    scan.kind = VGA_SCAN_NONE;
  regs_gen = atomic_load (&vga->regs_gen);
  text_gen = atomic_load (&vga->text_gen);
  font_gen = atomic_load (&vga->font_gen);
  pthread_mutex_unlock (&vga->lock);

  if (scan.kind == VGA_SCAN_NONE || scan.width == 0 || scan.height == 0)
    {
      memset (&scan, 0, sizeof scan);
      scan.kind = VGA_SCAN_NONE;
      scan.width = VGA_BLANK_WIDTH;
      scan.height = VGA_BLANK_HEIGHT;
    }

  full = !vga->shown_valid || vga->shown_regs_gen != regs_gen;
  if (!vga->surface || vga->surface->width != scan.width || vga->surface->height != scan.height)
    {
      vga_set_surface (vga, scan.width, scan.height);
      full = true;
    }
  if (!vga->surface)
    {
      /* Out of memory for the surface: try again next time. */
      vga->shown_valid = false;
      return;
    }
  /* The cursor alone moving redraws two cells, not the screen. */
  cmp_now = scan;
  cmp_shown = vga->shown;
  cmp_now.cursor = cmp_shown.cursor = 0;
  if (memcmp (&cmp_now, &cmp_shown, sizeof cmp_now) != 0)
    full = true;

  switch (scan.kind)
    {
    case VGA_SCAN_LINEAR:
      vga_refresh_linear (vga, &scan, full);
      break;
    case VGA_SCAN_TEXT:
      if (full || font_gen != vga->shown_font_gen)
        full = true;
      else if (text_gen == vga->shown_text_gen && scan.cursor == vga->shown.cursor)
        break;
      if (!vga->cells || vga->n_cells != scan.cols * scan.rows)
        {
          g_free (vga->cells);
          vga->n_cells = scan.cols * scan.rows;
          vga->cells = g_new0 (uint32_t, vga->n_cells + 1);
          full = true;
        }
      if (_vga_text_render (vga, &scan, vga->surface, vga->cells, full, &damage))
        display_damage (vga->display, vga->scanout, &damage);
      break;
    case VGA_SCAN_GFX256:
    case VGA_SCAN_PLANAR16:
      if (!full && text_gen == vga->shown_text_gen)
        break;
      _vga_gfx_render (vga, &scan, vga->surface);
      display_damage (vga->display, vga->scanout,
                      &(struct display_rect) { 0, 0, scan.width, scan.height });
      break;
    case VGA_SCAN_NONE:
      if (full)
        {
          memset (vga->surface->data, 0, vga->surface->size);
          display_damage (vga->display, vga->scanout,
                          &(struct display_rect) { 0, 0, scan.width, scan.height });
        }
      break;
    }
  /* Pages written outside what is shown must not pile up. */
  if (scan.kind != VGA_SCAN_LINEAR)
    {
      uint64_t first, last;

      _vga_pci_sync_dirty (vga);
      vga_take_dirty (vga, 0, VGA_VRAM_SIZE, &first, &last);
    }
  vga->shown = scan;
  vga->shown_valid = true;
  vga->shown_regs_gen = regs_gen;
  vga->shown_text_gen = text_gen;
  vga->shown_font_gen = font_gen;
}

static void *
vga_thread (void *opaque)
{
  struct vga *vga = opaque;
  struct timespec next;

  clock_gettime (CLOCK_MONOTONIC, &next);
  pthread_mutex_lock (&vga->stop_lock);
  while (!vga->stop)
    {
      pthread_mutex_unlock (&vga->stop_lock);
      vga_refresh (vga);
      next.tv_nsec += 1000000000L / VGA_REFRESH_HZ;
      if (next.tv_nsec >= 1000000000L)
        {
          next.tv_sec++;
          next.tv_nsec -= 1000000000L;
        }
      pthread_mutex_lock (&vga->stop_lock);
      while (!vga->stop &&
             pthread_cond_timedwait (&vga->stop_cond, &vga->stop_lock, &next) != ETIMEDOUT)
        ;
    }
  pthread_mutex_unlock (&vga->stop_lock);
  return NULL;
}

int
vga_start (struct vga *vga)
{
  pthread_condattr_t attr;
  int ret;

  /* The wait above is on CLOCK_MONOTONIC. */
  pthread_condattr_init (&attr);
  pthread_condattr_setclock (&attr, CLOCK_MONOTONIC);
  pthread_cond_destroy (&vga->stop_cond);
  pthread_cond_init (&vga->stop_cond, &attr);
  pthread_condattr_destroy (&attr);
  ret = pthread_create (&vga->thread, NULL, vga_thread, vga);
  if (ret != 0)
    {
      vmm_error ("vga: cannot start the scanout thread: %s", g_strerror (ret));
      return -ret;
    }
  vga->thread_running = true;
  return 0;
}

void
vga_free (struct vga *vga)
{
  if (!vga)
    return;
  /* Waits for a size request in progress. */
  display_set_producer (vga->display, NULL, NULL);
  if (vga->thread_running)
    {
      pthread_mutex_lock (&vga->stop_lock);
      vga->stop = true;
      pthread_cond_signal (&vga->stop_cond);
      pthread_mutex_unlock (&vga->stop_lock);
      pthread_join (vga->thread, NULL);
    }
  _vga_pci_release (vga);
  if (vga->ports_claimed)
    {
      bus_unregister (vga->pio, VGA_PORT_BASE);
      bus_unregister (vga->pio, VGA_MONO_CRTC);
      bus_unregister (vga->pio, VGA_MONO_ST01);
      bus_unregister (vga->pio, VGA_DISPI_PORT);
    }
  if (vga->window_claimed)
    bus_unregister (vga->mmio, VGA_WINDOW_BASE);
  g_clear_pointer (&vga->surface, display_surface_unref);
  g_free (vga->cells);
  munmap (vga->vram, VGA_VRAM_SIZE);
  close (vga->vram_fd);
  pthread_cond_destroy (&vga->stop_cond);
  pthread_mutex_destroy (&vga->stop_lock);
  pthread_mutex_destroy (&vga->lock);
  g_free (vga);
}
