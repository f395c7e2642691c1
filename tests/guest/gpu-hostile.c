/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Guest test program: a hostile virtio-gpu driver in user space. With no
 * kernel driver on the device, it maps the device's BAR through sysfs, finds
 * its own pages' physical addresses in /proc/self/pagemap (root sees them),
 * sets the device up by hand and sends malformed requests on the control
 * queue, printing one line per case:
 *   gpu-hostile: CASE: resp=0xTTTT len=N     a response came back
 *   gpu-hostile: CASE: status=0xSS           no response; the device status
 * Requests that break the ring rules leave the device in NEEDS_RESET; each is
 * followed by a reset, a fresh set-up and a GET_DISPLAY_INFO that must work:
 *   gpu-hostile: CASE-then-reset: resp=0x1101 len=408
 * Ends with "gpu-hostile: done". Exits non-zero only when the device cannot
 * be driven at all; the host judges the codes.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/pci_regs.h>
#include <linux/virtio_config.h>
#include <linux/virtio_gpu.h>
#include <linux/virtio_pci.h>
#include <linux/virtio_ring.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PAGE           4096u
#define QSIZE          16u
#define TIMEOUT_S      30
/* Far beyond the 256 MiB test guest's RAM. */
#define OUTSIDE_RAM    0x40000000ull
#define VENDOR_VIRTIO  0x1af4
#define DEVICE_GPU     0x1050

/* One page of guest RAM the device reads or writes. */
struct dma_page {
  uint8_t *va;
  uint64_t pa;
};

/* The queue's rings, all in one page: descriptors, then avail, then used. */
#define AVAIL_OFF (16u * QSIZE)
#define USED_OFF  ((AVAIL_OFF + 6u + 2u * QSIZE + 3u) & ~3u)

struct gpu {
  char sysfs[300];
  int config_fd;
  volatile uint8_t *bar;
  size_t bar_len;
  uint32_t common, notify, isr, device;  /* offsets in the BAR */
  uint32_t notify_mult;
  uint16_t notify_off;                   /* queue 0's */

  struct dma_page ring, req, resp, backing;
  uint16_t avail_idx, used_seen;
};

static void
die (const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  fputs ("gpu-hostile: error: ", stdout);
  vprintf (fmt, ap);
  va_end (ap);
  putchar ('\n');
  exit (1);
}

static int
write_file (const char *path, const char *text)
{
  int fd = open (path, O_WRONLY);
  ssize_t n;

  if (fd < 0)
    return -1;
  n = write (fd, text, strlen (text));
  close (fd);
  return n == (ssize_t) strlen (text) ? 0 : -1;
}

static unsigned long
read_hex_file (const char *dir, const char *name)
{
  char path[400], buf[32] = "";
  FILE *f;

  snprintf (path, sizeof path, "%s/%s", dir, name);
  f = fopen (path, "r");
  if (!f)
    return 0;
  if (!fgets (buf, sizeof buf, f))
    buf[0] = 0;
  fclose (f);
  return strtoul (buf, NULL, 16);
}

/* ---- PCI through sysfs ---- */

static uint32_t
cfg_read (struct gpu *g, unsigned offset, unsigned size)
{
  uint32_t v = 0;

  if (pread (g->config_fd, &v, size, offset) != (ssize_t) size)
    die ("config read at %#x: %s", offset, strerror (errno));
  return v;
}

static void
cfg_write16 (struct gpu *g, unsigned offset, uint16_t v)
{
  if (pwrite (g->config_fd, &v, 2, offset) != 2)
    die ("config write at %#x: %s", offset, strerror (errno));
}

static void
find_device (struct gpu *g)
{
  DIR *dir = opendir ("/sys/bus/pci/devices");
  struct dirent *e;

  if (!dir)
    die ("/sys/bus/pci/devices: %s", strerror (errno));
  g->sysfs[0] = 0;
  while ((e = readdir (dir)))
    {
      char path[300];

      if (e->d_name[0] == '.')
        continue;
      snprintf (path, sizeof path, "/sys/bus/pci/devices/%s", e->d_name);
      if (read_hex_file (path, "vendor") == VENDOR_VIRTIO &&
          read_hex_file (path, "device") == DEVICE_GPU)
        {
          snprintf (g->sysfs, sizeof g->sysfs, "%s", path);
          printf ("gpu-hostile: device %s\n", e->d_name);
          break;
        }
    }
  closedir (dir);
  if (!g->sysfs[0])
    die ("no virtio-gpu PCI device (%04x:%04x)", VENDOR_VIRTIO, DEVICE_GPU);
}

/* A kernel driver would fight us for the device; the test guest loads none,
 * but a guest with virtio-pci would have bound it. */
static void
unbind_driver (struct gpu *g)
{
  char path[400];
  const char *name = strrchr (g->sysfs, '/') + 1;

  snprintf (path, sizeof path, "%s/driver/unbind", g->sysfs);
  if (access (path, W_OK) == 0)
    {
      if (write_file (path, name) < 0)
        die ("cannot unbind %s from its driver: %s", name, strerror (errno));
      printf ("gpu-hostile: unbound the kernel's driver\n");
    }
}

/* Walks the vendor capabilities for the virtio regions in BAR 4. */
static void
find_regions (struct gpu *g)
{
  unsigned found = 0, guard = 0;
  uint8_t pos;

  if (!(cfg_read (g, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST))
    die ("no capability list");
  for (pos = cfg_read (g, PCI_CAPABILITY_LIST, 1) & ~3u; pos && guard++ < 48;
       pos = cfg_read (g, pos + PCI_CAP_LIST_NEXT, 1) & ~3u)
    {
      uint8_t type, bar;
      uint32_t offset;

      if (cfg_read (g, pos, 1) != PCI_CAP_ID_VNDR)
        continue;
      type = cfg_read (g, pos + offsetof (struct virtio_pci_cap, cfg_type), 1);
      bar = cfg_read (g, pos + offsetof (struct virtio_pci_cap, bar), 1);
      offset = cfg_read (g, pos + offsetof (struct virtio_pci_cap, offset), 4);
      if (bar != 4)
        continue;
      switch (type)
        {
        case VIRTIO_PCI_CAP_COMMON_CFG:
          g->common = offset;
          found |= 1;
          break;
        case VIRTIO_PCI_CAP_NOTIFY_CFG:
          g->notify = offset;
          g->notify_mult = cfg_read (g, pos + sizeof (struct virtio_pci_cap), 4);
          found |= 2;
          break;
        case VIRTIO_PCI_CAP_ISR_CFG:
          g->isr = offset;
          found |= 4;
          break;
        case VIRTIO_PCI_CAP_DEVICE_CFG:
          g->device = offset;
          found |= 8;
          break;
        default:
          break;
        }
    }
  if (found != 15)
    die ("virtio capabilities incomplete (mask %#x)", found);
}

static void
open_device (struct gpu *g)
{
  char path[400];
  struct stat st;
  int fd;

  find_device (g);
  unbind_driver (g);
  snprintf (path, sizeof path, "%s/enable", g->sysfs);
  if (write_file (path, "1") < 0)
    die ("%s: %s", path, strerror (errno));
  snprintf (path, sizeof path, "%s/config", g->sysfs);
  g->config_fd = open (path, O_RDWR);
  if (g->config_fd < 0)
    die ("%s: %s", path, strerror (errno));
  /* DMA on; INTx off: we poll, and nobody in this guest handles the line. */
  cfg_write16 (g, PCI_COMMAND, cfg_read (g, PCI_COMMAND, 2) | PCI_COMMAND_MEMORY |
               PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE);
  find_regions (g);

  snprintf (path, sizeof path, "%s/resource4", g->sysfs);
  fd = open (path, O_RDWR | O_SYNC);
  if (fd < 0 || fstat (fd, &st) < 0)
    die ("%s: %s", path, strerror (errno));
  g->bar_len = st.st_size;
  g->bar = mmap (NULL, g->bar_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  close (fd);
  if (g->bar == MAP_FAILED)
    die ("mmap %s: %s", path, strerror (errno));
}

/* ---- DMA memory ---- */

static uint64_t
virt_to_phys (void *va)
{
  uint64_t entry = 0;
  int fd = open ("/proc/self/pagemap", O_RDONLY);
  off_t at = (off_t) ((uintptr_t) va / PAGE) * 8;

  if (fd < 0 || pread (fd, &entry, 8, at) != 8)
    die ("/proc/self/pagemap: %s", strerror (errno));
  close (fd);
  /* Bit 63: present; bits 0-54: the frame (zero for non-root). */
  if (!(entry >> 63) || !(entry & ((1ull << 55) - 1)))
    die ("no physical address for %p (not root?)", va);
  return (entry & ((1ull << 55) - 1)) * PAGE + ((uintptr_t) va % PAGE);
}

static void
dma_alloc (struct dma_page *p)
{
  p->va = mmap (NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p->va == MAP_FAILED)
    die ("mmap: %s", strerror (errno));
  memset (p->va, 0, PAGE);
  if (mlock (p->va, PAGE) < 0)
    die ("mlock: %s", strerror (errno));
  p->pa = virt_to_phys (p->va);
}

/* ---- the common configuration ---- */

#define CC(field) offsetof (struct virtio_pci_common_cfg, field)

static uint32_t
cc_read (struct gpu *g, unsigned offset, unsigned size)
{
  volatile uint8_t *p = g->bar + g->common + offset;

  switch (size)
    {
    case 1: return *p;
    case 2: return *(volatile uint16_t *) p;
    default: return *(volatile uint32_t *) p;
    }
}

static void
cc_write (struct gpu *g, unsigned offset, unsigned size, uint32_t v)
{
  volatile uint8_t *p = g->bar + g->common + offset;

  switch (size)
    {
    case 1: *p = (uint8_t) v; break;
    case 2: *(volatile uint16_t *) p = (uint16_t) v; break;
    default: *(volatile uint32_t *) p = v; break;
    }
}

static uint8_t
device_status (struct gpu *g)
{
  return (uint8_t) cc_read (g, CC (device_status), 1);
}

static double
now_s (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
reset (struct gpu *g)
{
  double deadline = now_s () + TIMEOUT_S;

  cc_write (g, CC (device_status), 1, 0);
  /* The device may finish a request first; it reads 0 once reset. */
  while (device_status (g) != 0)
    {
      if (now_s () > deadline)
        die ("the device does not reset (status %#x)", device_status (g));
      usleep (1000);
    }
}

static void
set_status (struct gpu *g, uint8_t bits)
{
  cc_write (g, CC (device_status), 1, device_status (g) | bits);
}

/* Reset and the whole set-up of the control queue with @qsize entries.
 * Returns the status after DRIVER_OK. */
static uint8_t
setup (struct gpu *g, uint16_t qsize)
{
  uint64_t ring = g->ring.pa;

  reset (g);
  set_status (g, VIRTIO_CONFIG_S_ACKNOWLEDGE);
  set_status (g, VIRTIO_CONFIG_S_DRIVER);
  cc_write (g, CC (device_feature_select), 4, 1);
  if (!(cc_read (g, CC (device_feature), 4) & (1u << (VIRTIO_F_VERSION_1 - 32))))
    die ("the device does not offer VERSION_1");
  /* VERSION_1 alone: no event index, no indirect descriptors. */
  cc_write (g, CC (guest_feature_select), 4, 0);
  cc_write (g, CC (guest_feature), 4, 0);
  cc_write (g, CC (guest_feature_select), 4, 1);
  cc_write (g, CC (guest_feature), 4, 1u << (VIRTIO_F_VERSION_1 - 32));
  set_status (g, VIRTIO_CONFIG_S_FEATURES_OK);
  if (!(device_status (g) & VIRTIO_CONFIG_S_FEATURES_OK))
    die ("FEATURES_OK refused");

  memset (g->ring.va, 0, PAGE);
  g->avail_idx = g->used_seen = 0;
  /* No interrupts: we poll the used ring. */
  ((struct vring_avail *) (g->ring.va + AVAIL_OFF))->flags = VRING_AVAIL_F_NO_INTERRUPT;
  cc_write (g, CC (msix_config), 2, VIRTIO_MSI_NO_VECTOR);
  cc_write (g, CC (queue_select), 2, 0);
  cc_write (g, CC (queue_size), 2, qsize);
  cc_write (g, CC (queue_msix_vector), 2, VIRTIO_MSI_NO_VECTOR);
  cc_write (g, CC (queue_desc_lo), 4, (uint32_t) ring);
  cc_write (g, CC (queue_desc_hi), 4, (uint32_t) (ring >> 32));
  cc_write (g, CC (queue_avail_lo), 4, (uint32_t) (ring + AVAIL_OFF));
  cc_write (g, CC (queue_avail_hi), 4, (uint32_t) ((ring + AVAIL_OFF) >> 32));
  cc_write (g, CC (queue_used_lo), 4, (uint32_t) (ring + USED_OFF));
  cc_write (g, CC (queue_used_hi), 4, (uint32_t) ((ring + USED_OFF) >> 32));
  cc_write (g, CC (queue_enable), 2, 1);
  g->notify_off = (uint16_t) cc_read (g, CC (queue_notify_off), 2);
  set_status (g, VIRTIO_CONFIG_S_DRIVER_OK);
  return device_status (g);
}

/* ---- requests ---- */

static struct vring_desc *
desc (struct gpu *g, unsigned i)
{
  return (struct vring_desc *) g->ring.va + i;
}

static void
set_desc (struct gpu *g, unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
  *desc (g, i) = (struct vring_desc) { .addr = addr, .len = len, .flags = flags, .next = next };
}

/* Publishes @head, moving the index by @step (1 unless the case lies), and
 * kicks the queue. */
static void
publish (struct gpu *g, uint16_t head, uint16_t step)
{
  struct vring_avail *avail = (struct vring_avail *) (g->ring.va + AVAIL_OFF);

  avail->ring[g->avail_idx % QSIZE] = head;
  g->avail_idx += step;
  __atomic_store_n (&avail->idx, g->avail_idx, __ATOMIC_RELEASE);
  __atomic_thread_fence (__ATOMIC_SEQ_CST);
  *(volatile uint16_t *) (g->bar + g->notify + (uint32_t) g->notify_off * g->notify_mult) = 0;
}

/* Waits for the device to use the request, or to give up on the queue.
 * Returns the used length, or -1 with the device's status in *@status. */
static int64_t
wait_used (struct gpu *g, uint8_t *status)
{
  struct vring_used *used = (struct vring_used *) (g->ring.va + USED_OFF);
  double deadline = now_s () + TIMEOUT_S;

  for (;;)
    {
      if (__atomic_load_n (&used->idx, __ATOMIC_ACQUIRE) != g->used_seen)
        {
          uint32_t len = used->ring[g->used_seen % QSIZE].len;

          g->used_seen++;
          return len;
        }
      *status = device_status (g);
      if (*status & VIRTIO_CONFIG_S_NEEDS_RESET)
        return -1;
      if (now_s () > deadline)
        return -1;
      usleep (200);
    }
}

/* Waits for the request in flight and prints its outcome as case @name;
 * the device may write @resp_len bytes of the response page. Returns the
 * response type, or 0 when none came. */
static uint32_t
outcome (struct gpu *g, const char *name, uint32_t resp_len)
{
  struct virtio_gpu_ctrl_hdr *resp = (struct virtio_gpu_ctrl_hdr *) g->resp.va;
  uint8_t status = 0;
  int64_t used = wait_used (g, &status);

  if (used < 0)
    {
      printf ("gpu-hostile: %s: status=0x%02x\n", name, status);
      return 0;
    }
  /* Past what the device may write, the page must be untouched. */
  for (uint32_t i = resp_len; i < PAGE; i++)
    if (g->resp.va[i] != 0xee)
      {
        printf ("gpu-hostile: %s: wrote past the response buffer at %u\n", name, i);
        break;
      }
  printf ("gpu-hostile: %s: resp=0x%04x len=%u\n", name, resp->type, (unsigned) used);
  return resp->type;
}

/* Sends @len bytes of @req (copied to the request page; @extra, when not
 * NULL, follows in a second buffer) with a @resp_len response buffer. */
static uint32_t
send (struct gpu *g, const char *name, const void *req, uint32_t len, const void *extra,
      uint32_t extra_len, uint32_t resp_len)
{
  unsigned d = 0;

  if (len)
    {
      memcpy (g->req.va, req, len);
      set_desc (g, d, g->req.pa, len, VRING_DESC_F_NEXT, d + 1);
      d++;
    }
  if (extra)
    {
      memcpy (g->req.va + PAGE / 2, extra, extra_len);
      set_desc (g, d, g->req.pa + PAGE / 2, extra_len, VRING_DESC_F_NEXT, d + 1);
      d++;
    }
  memset (g->resp.va, 0xee, PAGE);
  set_desc (g, d, g->resp.pa, resp_len, VRING_DESC_F_WRITE, 0);
  publish (g, 0, 1);
  return outcome (g, name, resp_len);
}

static uint32_t
ctrl (struct gpu *g, const char *name, const void *req, uint32_t len)
{
  return send (g, name, req, len, NULL, 0, sizeof (struct virtio_gpu_ctrl_hdr));
}

static void
display_info (struct gpu *g, const char *name)
{
  struct virtio_gpu_ctrl_hdr h = { .type = VIRTIO_GPU_CMD_GET_DISPLAY_INFO };

  send (g, name, &h, sizeof h, NULL, 0, sizeof (struct virtio_gpu_resp_display_info));
}

static void
create_2d (struct gpu *g, const char *name, uint32_t id, uint32_t format, uint32_t w,
           uint32_t h)
{
  struct virtio_gpu_resource_create_2d c = {
    .hdr.type = VIRTIO_GPU_CMD_RESOURCE_CREATE_2D,
    .resource_id = id, .format = format, .width = w, .height = h,
  };

  ctrl (g, name, &c, sizeof c);
}

static void
flush (struct gpu *g, const char *name, uint32_t id, uint32_t x, uint32_t y, uint32_t w,
       uint32_t h)
{
  struct virtio_gpu_resource_flush f = {
    .hdr.type = VIRTIO_GPU_CMD_RESOURCE_FLUSH, .r = { x, y, w, h }, .resource_id = id,
  };

  ctrl (g, name, &f, sizeof f);
}

static void
transfer (struct gpu *g, const char *name, uint32_t id, uint32_t x, uint32_t y, uint32_t w,
          uint32_t h, uint64_t offset)
{
  struct virtio_gpu_transfer_to_host_2d t = {
    .hdr.type = VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D,
    .r = { x, y, w, h }, .offset = offset, .resource_id = id,
  };

  ctrl (g, name, &t, sizeof t);
}

static void
set_scanout (struct gpu *g, const char *name, uint32_t scanout, uint32_t id, uint32_t w,
             uint32_t h)
{
  struct virtio_gpu_set_scanout s = {
    .hdr.type = VIRTIO_GPU_CMD_SET_SCANOUT, .r = { 0, 0, w, h },
    .scanout_id = scanout, .resource_id = id,
  };

  ctrl (g, name, &s, sizeof s);
}

static void
by_id (struct gpu *g, const char *name, uint32_t type, uint32_t id)
{
  /* UNREF and DETACH_BACKING share this layout. */
  struct virtio_gpu_resource_unref u = { .hdr.type = type, .resource_id = id };

  ctrl (g, name, &u, sizeof u);
}

static void
attach (struct gpu *g, const char *name, uint32_t id, uint32_t nr_entries,
        const struct virtio_gpu_mem_entry *e, uint32_t n_carried)
{
  struct virtio_gpu_resource_attach_backing a = {
    .hdr.type = VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING, .resource_id = id,
    .nr_entries = nr_entries,
  };

  send (g, name, &a, sizeof a, n_carried ? e : NULL, n_carried * sizeof *e,
        sizeof (struct virtio_gpu_ctrl_hdr));
}

/* ---- the cases ---- */

#define BGRX VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM
#define NEVER_CREATED 0xdead

static void
well_formed_but_wrong (struct gpu *g)
{
  struct virtio_gpu_ctrl_hdr h = { .type = 0x0123 };
  struct virtio_gpu_update_cursor cursor = { .hdr.type = VIRTIO_GPU_CMD_UPDATE_CURSOR };
  struct virtio_gpu_cmd_get_edid edid = { .hdr.type = VIRTIO_GPU_CMD_GET_EDID, .scanout = 9 };
  struct virtio_gpu_get_capset_info capset = { .hdr.type = VIRTIO_GPU_CMD_GET_CAPSET_INFO };

  display_info (g, "display-info");
  ctrl (g, "unknown-type", &h, sizeof h);
  ctrl (g, "cursor-command-on-control-queue", &cursor, sizeof cursor);
  send (g, "edid-bad-scanout", &edid, sizeof edid, NULL, 0,
        sizeof (struct virtio_gpu_resp_edid));
  ctrl (g, "capset-info", &capset, sizeof capset);

  flush (g, "flush-id0", 0, 0, 0, 1, 1);
  flush (g, "flush-unknown", NEVER_CREATED, 0, 0, 1, 1);
  transfer (g, "transfer-id0", 0, 0, 0, 1, 1, 0);
  transfer (g, "transfer-unknown", NEVER_CREATED, 0, 0, 1, 1, 0);
  set_scanout (g, "set-scanout-unknown", 0, NEVER_CREATED, 64, 64);
  set_scanout (g, "set-scanout-bad-scanout", 7, NEVER_CREATED, 64, 64);
  by_id (g, "unref-id0", VIRTIO_GPU_CMD_RESOURCE_UNREF, 0);
  by_id (g, "unref-unknown", VIRTIO_GPU_CMD_RESOURCE_UNREF, NEVER_CREATED);
  by_id (g, "detach-unknown", VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING, NEVER_CREATED);

  create_2d (g, "create-id0", 0, BGRX, 64, 64);
  create_2d (g, "create-width0", 2, BGRX, 0, 64);
  create_2d (g, "create-height0", 2, BGRX, 64, 0);
  create_2d (g, "create-bad-format", 2, 999, 64, 64);
  create_2d (g, "create-enormous", 2, BGRX, UINT32_MAX, UINT32_MAX);
  create_2d (g, "create-over-cap", 2, BGRX, 16384, 16384);
  create_2d (g, "create-ok", 1, BGRX, 64, 64);
  create_2d (g, "create-duplicate", 1, BGRX, 64, 64);
}

static void
bad_backing (struct gpu *g)
{
  struct virtio_gpu_mem_entry e[2] = {
    { .addr = g->backing.pa, .length = PAGE },
    { .addr = OUTSIDE_RAM, .length = PAGE },
  };

  transfer (g, "transfer-without-backing", 1, 0, 0, 64, 1, 0);
  attach (g, "attach-outside-ram", 1, 2, e, 2);
  e[1] = (struct virtio_gpu_mem_entry) { .addr = UINT64_MAX - 100, .length = PAGE };
  attach (g, "attach-wrapping", 1, 2, e, 2);
  e[1] = (struct virtio_gpu_mem_entry) { .addr = g->backing.pa, .length = 0x40000000 };
  attach (g, "attach-past-ram-end", 1, 2, e, 2);
  attach (g, "attach-zero-entries", 1, 0, e, 1);
  attach (g, "attach-huge-count", 1, UINT32_MAX, e, 1);
  attach (g, "attach-count-past-request", 1, 16384, e, 1);

  /* 4 KiB of backing: 16 of the 64x64 resource's rows. */
  attach (g, "attach-ok", 1, 1, e, 1);
  attach (g, "attach-twice", 1, 1, e, 1);
  transfer (g, "transfer-outside", 1, 60, 0, 8, 1, 0);
  transfer (g, "transfer-wrapping", 1, 1, 0, UINT32_MAX, 1, 0);
  transfer (g, "transfer-past-backing", 1, 0, 0, 64, 17, 0);
  transfer (g, "transfer-offset-overflow", 1, 0, 0, 1, 1, UINT64_MAX - 2);
  transfer (g, "transfer-ok", 1, 0, 0, 64, 16, 0);
  flush (g, "flush-outside", 1, 60, 60, 8, 8);
  flush (g, "flush-wrapping", 1, UINT32_MAX, 0, 2, 1);
  flush (g, "flush-ok", 1, 0, 0, 64, 64);
  set_scanout (g, "set-scanout-outside", 0, 1, 65, 64);
  set_scanout (g, "set-scanout-empty", 0, 1, 0, 0);
  by_id (g, "detach-ok", VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING, 1);
  by_id (g, "detach-twice", VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING, 1);
  by_id (g, "unref-ok", VIRTIO_GPU_CMD_RESOURCE_UNREF, 1);
}

static void
bad_buffers (struct gpu *g)
{
  struct virtio_gpu_resource_create_2d c = {
    .hdr.type = VIRTIO_GPU_CMD_RESOURCE_CREATE_2D,
    .resource_id = 3, .format = BGRX, .width = 8, .height = 8,
  };
  struct virtio_gpu_ctrl_hdr h = { .type = VIRTIO_GPU_CMD_GET_DISPLAY_INFO };

  ctrl (g, "truncated-header", &c, 8);
  ctrl (g, "truncated-create", &c, sizeof c - 4);
  send (g, "no-request", NULL, 0, NULL, 0, sizeof h);
  /* Room for a header, not for the display info. */
  send (g, "display-info-small-response", &h, sizeof h, NULL, 0, sizeof h);
  /* Nothing half-created above. */
  create_2d (g, "create-after-truncated", 3, BGRX, 8, 8);
}

/* Requests after which the device must stop until reset. Each prints the
 * device status, then resets and shows the device works again. */
static void
after_reset (struct gpu *g, const char *name)
{
  char what[96];

  snprintf (what, sizeof what, "%s-then-reset", name);
  setup (g, QSIZE);
  display_info (g, what);
}

static void
broken_rings (struct gpu *g)
{
  struct virtio_gpu_ctrl_hdr h = { .type = VIRTIO_GPU_CMD_GET_DISPLAY_INFO };

  /* No room for even a response header. */
  send (g, "response-under-header", &h, sizeof h, NULL, 0, 8);
  after_reset (g, "response-under-header");

  memcpy (g->req.va, &h, sizeof h);
  set_desc (g, 0, g->req.pa, sizeof h, VRING_DESC_F_NEXT, 0);
  publish (g, 0, 1);
  outcome (g, "desc-loop", 0);
  after_reset (g, "desc-loop");

  set_desc (g, 0, g->req.pa, sizeof h, 0, 0);
  publish (g, 200, 1);
  outcome (g, "head-out-of-range", 0);
  after_reset (g, "head-out-of-range");

  set_desc (g, 0, g->req.pa, sizeof h, VRING_DESC_F_NEXT, 1000);
  publish (g, 0, 1);
  outcome (g, "next-out-of-range", 0);
  after_reset (g, "next-out-of-range");

  set_desc (g, 0, OUTSIDE_RAM, sizeof h, VRING_DESC_F_NEXT, 1);
  set_desc (g, 1, g->resp.pa, sizeof h, VRING_DESC_F_WRITE, 0);
  publish (g, 0, 1);
  outcome (g, "buffer-outside-ram", 0);
  after_reset (g, "buffer-outside-ram");

  set_desc (g, 0, g->resp.pa, sizeof h, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1);
  set_desc (g, 1, g->req.pa, sizeof h, 0, 0);
  publish (g, 0, 1);
  outcome (g, "readable-after-writable", 0);
  after_reset (g, "readable-after-writable");

  set_desc (g, 0, g->req.pa, sizeof h, 0, 0);
  publish (g, 0, 100);
  outcome (g, "avail-index-jump", 0);
  after_reset (g, "avail-index-jump");

  /* Only VERSION_1 was accepted. */
  set_desc (g, 0, g->req.pa, 16, VRING_DESC_F_INDIRECT, 0);
  publish (g, 0, 1);
  outcome (g, "indirect-not-negotiated", 0);
  after_reset (g, "indirect-not-negotiated");

  /* Not a power of two: refused when the queue is enabled. */
  printf ("gpu-hostile: queue-size-3: status=0x%02x\n", setup (g, 3));
  after_reset (g, "queue-size-3");
}

int
main (void)
{
  static struct gpu g;
  uint8_t status;

  setvbuf (stdout, NULL, _IOLBF, 0);
  /* mlock keeps pages in RAM, but compaction may still move them. */
  write_file ("/proc/sys/vm/compact_unevictable_allowed", "0");
  open_device (&g);
  dma_alloc (&g.ring);
  dma_alloc (&g.req);
  dma_alloc (&g.resp);
  dma_alloc (&g.backing);

  status = setup (&g, QSIZE);
  printf ("gpu-hostile: setup: status=0x%02x\n", status);
  if (status != (VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
                 VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK))
    die ("the device did not take the set-up");

  well_formed_but_wrong (&g);
  bad_backing (&g);
  bad_buffers (&g);
  broken_rings (&g);

  reset (&g);
  printf ("gpu-hostile: done\n");
  return 0;
}
