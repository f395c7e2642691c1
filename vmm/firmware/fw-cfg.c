/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fw-cfg"

#include "config.h"

#include "fw-cfg.h"

#include <errno.h>
#include <glib.h>
#include <string.h>

#include "log.h"

#define FW_CFG_DMA_DESC_SIZE 16

static void
put_be32 (uint8_t *p, uint32_t v)
{
  p[0] = v >> 24;
  p[1] = v >> 16;
  p[2] = v >> 8;
  p[3] = v;
}

static uint64_t
get_be (const uint8_t *p, unsigned n)
{
  uint64_t v = 0;

  for (unsigned i = 0; i < n; i++)
    v = v << 8 | p[i];
  return v;
}

/* The item behind @key, or NULL for a key that can never exist. */
static struct fw_cfg_item *
fw_cfg_slot (struct fw_cfg *c, uint16_t key)
{
  key &= ~FW_CFG_WRITE_CHANNEL;
  if (key & FW_CFG_ARCH_LOCAL)
    {
      key &= ~FW_CFG_ARCH_LOCAL;
      return key < FW_CFG_ARCH_ITEMS ? &c->arch[key] : NULL;
    }
  if (key < FW_CFG_FILE_FIRST)
    return &c->legacy[key];
  key -= FW_CFG_FILE_FIRST;
  return key < FW_CFG_MAX_FILES ? &c->files[key] : NULL;
}

static int
fw_cfg_set (struct fw_cfg_item *item, const void *data, size_t len, bool writable)
{
  if (len > FW_CFG_MAX_ITEM)
    return -EFBIG;
  g_free (item->data);
  /* Never NULL, even when empty: NULL means "no such item". */
  item->data = g_malloc0 (MAX (len, 1));
  if (len)
    memcpy (item->data, data, len);
  item->size = len;
  item->writable = writable;
  return 0;
}

/* The directory: be32 count, then {be32 size; be16 key; u16 0; name[56]}. */
static void
fw_cfg_update_dir (struct fw_cfg *c)
{
  size_t len = 4 + (size_t) c->n_files * FW_CFG_DIR_ENTRY_SIZE;
  g_autofree uint8_t *dir = g_malloc0 (len);

  put_be32 (dir, c->n_files);
  for (unsigned i = 0; i < c->n_files; i++)
    {
      uint8_t *e = dir + 4 + i * FW_CFG_DIR_ENTRY_SIZE;
      uint16_t key = FW_CFG_FILE_FIRST + i;

      put_be32 (e, c->files[i].size);
      e[4] = key >> 8;
      e[5] = key;
      memcpy (e + 8, c->files[i].name, FW_CFG_NAME_LEN);
    }
  fw_cfg_set (&c->legacy[FW_CFG_FILE_DIR], dir, len, false);
}

int
fw_cfg_add_bytes (struct fw_cfg *c, uint16_t key, const void *data, size_t len)
{
  struct fw_cfg_item *item;
  int ret;

  pthread_mutex_lock (&c->lock);
  item = fw_cfg_slot (c, key);
  if (!item || key == FW_CFG_FILE_DIR || (key & ~FW_CFG_ARCH_LOCAL) >= FW_CFG_FILE_FIRST)
    ret = -EINVAL;
  else
    ret = fw_cfg_set (item, data, len, false);
  pthread_mutex_unlock (&c->lock);
  if (ret < 0)
    vmm_error ("fw_cfg: cannot set item %#x: %s", key, g_strerror (-ret));
  return ret;
}

int
fw_cfg_add_u16 (struct fw_cfg *c, uint16_t key, uint16_t v)
{
  uint8_t b[2] = { v, v >> 8 };

  return fw_cfg_add_bytes (c, key, b, sizeof b);
}

int
fw_cfg_add_u32 (struct fw_cfg *c, uint16_t key, uint32_t v)
{
  uint8_t b[4] = { v, v >> 8, v >> 16, v >> 24 };

  return fw_cfg_add_bytes (c, key, b, sizeof b);
}

int
fw_cfg_add_u64 (struct fw_cfg *c, uint16_t key, uint64_t v)
{
  uint8_t b[8];

  for (unsigned i = 0; i < 8; i++)
    b[i] = v >> (8 * i);
  return fw_cfg_add_bytes (c, key, b, sizeof b);
}

int
fw_cfg_add_file (struct fw_cfg *c, const char *name, const void *data, size_t len, bool writable)
{
  size_t name_len = name ? strlen (name) : 0;
  unsigned i;
  int ret;

  if (name_len == 0 || name_len >= FW_CFG_NAME_LEN)
    {
      vmm_error ("fw_cfg: file name “%s” is empty or longer than %u bytes", name ? name : "",
                 FW_CFG_NAME_LEN - 1);
      return -EINVAL;
    }
  pthread_mutex_lock (&c->lock);
  for (i = 0; i < c->n_files; i++)
    if (strcmp (c->files[i].name, name) == 0)
      break;
  if (i == FW_CFG_MAX_FILES)
    ret = -ENOSPC;
  else
    {
      ret = fw_cfg_set (&c->files[i], data, len, writable);
      if (ret == 0)
        {
          memset (c->files[i].name, 0, FW_CFG_NAME_LEN);
          memcpy (c->files[i].name, name, name_len);
          if (i == c->n_files)
            c->n_files++;
          fw_cfg_update_dir (c);
        }
    }
  pthread_mutex_unlock (&c->lock);
  if (ret < 0)
    vmm_error ("fw_cfg: cannot add the file “%s”: %s", name, g_strerror (-ret));
  return ret;
}

const uint8_t *
fw_cfg_get_file (struct fw_cfg *c, const char *name, size_t *len)
{
  for (unsigned i = 0; i < c->n_files; i++)
    if (strcmp (c->files[i].name, name) == 0)
      {
        *len = c->files[i].size;
        return c->files[i].data;
      }
  *len = 0;
  return NULL;
}

char *
fw_cfg_dup_requested (struct fw_cfg *c)
{
  GString *s = g_string_new (NULL);

  pthread_mutex_lock (&c->lock);
  for (unsigned i = 0; i < c->n_files; i++)
    if (c->files[i].requested)
      g_string_append_printf (s, "%s%s", s->len ? "," : "", c->files[i].name);
  pthread_mutex_unlock (&c->lock);
  return g_string_free (s, FALSE);
}

/* Called with the lock held. */
static void
fw_cfg_select (struct fw_cfg *c, uint16_t key)
{
  struct fw_cfg_item *item = fw_cfg_slot (c, key);

  c->selector = key;
  c->offset = 0;
  if (item && item->data && !item->requested)
    {
      item->requested = true;
      if (item->name[0])
        vmm_debug ("firmware reads fw_cfg file %s (%u bytes)", item->name, item->size);
      else
        vmm_debug ("firmware reads fw_cfg item %#x", key);
    }
}

static struct fw_cfg_item *
fw_cfg_current (struct fw_cfg *c)
{
  struct fw_cfg_item *item = fw_cfg_slot (c, c->selector);

  return item && item->data ? item : NULL;
}

/*
 * One DMA command. The descriptor is re-read from guest memory, every length
 * and address checked against RAM; failures set the error bit, as QEMU does:
 * reads past an item's end give zeros, writes need a writable item that holds
 * the whole write.
 */
static void
fw_cfg_dma (struct fw_cfg *c, uint64_t desc_addr)
{
  uint8_t desc[FW_CFG_DMA_DESC_SIZE];
  uint32_t control, length;
  uint64_t addr;
  struct fw_cfg_item *item;
  bool error = false;

  if (guest_memory_read (c->mem, desc_addr, desc, sizeof desc) < 0)
    {
      vmm_guest_error ("fw_cfg: DMA descriptor at %#" G_GINT64_MODIFIER "x is outside RAM",
                       desc_addr);
      return;
    }
  control = get_be (desc, 4);
  length = get_be (desc + 4, 4);
  addr = get_be (desc + 8, 8);

  if (control & FW_CFG_DMA_SELECT)
    fw_cfg_select (c, control >> 16);
  item = fw_cfg_current (c);

  if (control & (FW_CFG_DMA_READ | FW_CFG_DMA_WRITE))
    {
      uint8_t *mem = guest_memory_ptr (c->mem, addr, length);
      uint32_t avail = item && c->offset < item->size ? item->size - c->offset : 0;
      uint32_t n = MIN (length, avail);

      if (!mem)
        {
          vmm_guest_error ("fw_cfg: DMA buffer %#" G_GINT64_MODIFIER "x+%u is outside RAM",
                           addr, length);
          error = true;
        }
      else if (control & FW_CFG_DMA_READ)
        {
          if (n)
            memcpy (mem, item->data + c->offset, n);
          memset (mem + n, 0, length - n);
          c->offset += n;
        }
      else if (!item || !item->writable || n != length)
        {
          vmm_guest_error ("fw_cfg: DMA write of %u bytes to item %#x at %u refused", length,
                           c->selector, c->offset);
          error = true;
        }
      else
        {
          memcpy (item->data + c->offset, mem, n);
          c->offset += n;
        }
    }
  else if (control & FW_CFG_DMA_SKIP)
    {
      uint32_t avail = item && c->offset < item->size ? item->size - c->offset : 0;

      c->offset += MIN (length, avail);
    }

  put_be32 (desc, error ? FW_CFG_DMA_ERROR : 0);
  if (guest_memory_write (c->mem, desc_addr, desc, 4) < 0)
    vmm_guest_error ("fw_cfg: cannot complete the DMA descriptor");
}

static void
fw_cfg_pio_read (void *opaque, uint64_t offset, void *data, unsigned size)
{
  struct fw_cfg *c = opaque;
  uint8_t *out = data;
  uint64_t port = FW_CFG_PORT_SEL + offset;

  memset (data, 0, size);
  pthread_mutex_lock (&c->lock);
  if (port == FW_CFG_PORT_DATA)
    {
      /* Byte-wide on x86; wider reads just take the next bytes. */
      struct fw_cfg_item *item = fw_cfg_current (c);

      for (unsigned i = 0; i < size && item && c->offset < item->size; i++)
        out[i] = item->data[c->offset++];
    }
  else if (port >= FW_CFG_PORT_DMA)
    {
      unsigned at = port - FW_CFG_PORT_DMA;

      for (unsigned i = 0; i < size && at + i < 8; i++)
        out[i] = FW_CFG_DMA_SIGNATURE >> (8 * (7 - at - i));
    }
  pthread_mutex_unlock (&c->lock);
}

static void
fw_cfg_pio_write (void *opaque, uint64_t offset, const void *data, unsigned size)
{
  struct fw_cfg *c = opaque;
  const uint8_t *in = data;
  uint64_t port = FW_CFG_PORT_SEL + offset;

  pthread_mutex_lock (&c->lock);
  if (port == FW_CFG_PORT_SEL && size == 2)
    fw_cfg_select (c, in[0] | in[1] << 8);
  else if (port >= FW_CFG_PORT_DMA)
    {
      unsigned at = port - FW_CFG_PORT_DMA;

      /* The register holds the address big-endian, byte for byte as written. */
      for (unsigned i = 0; i < size && at + i < 8; i++)
        c->dma_addr[at + i] = in[i];
      if (at + size == 8)
        {
          uint64_t addr = get_be (c->dma_addr, 8);

          memset (c->dma_addr, 0, sizeof c->dma_addr);
          fw_cfg_dma (c, addr);
        }
    }
  else
    vmm_guest_error ("fw_cfg: %u-byte write to port %#" G_GINT64_MODIFIER "x ignored", size, port);
  pthread_mutex_unlock (&c->lock);
}

static const struct bus_ops fw_cfg_pio_ops = {
  .read = fw_cfg_pio_read,
  .write = fw_cfg_pio_write,
};

int
fw_cfg_init (struct fw_cfg *c, struct guest_memory *mem, struct bus *pio)
{
  static const uint8_t signature[4] = { 'Q', 'E', 'M', 'U' };
  int ret;

  memset (c, 0, sizeof *c);
  c->mem = mem;
  pthread_mutex_init (&c->lock, NULL);
  if ((ret = fw_cfg_add_bytes (c, FW_CFG_SIGNATURE, signature, sizeof signature)) < 0 ||
      (ret = fw_cfg_add_u32 (c, FW_CFG_ID, FW_CFG_ID_TRADITIONAL | FW_CFG_ID_DMA)) < 0)
    goto fail;
  fw_cfg_update_dir (c);
  if (pio)
    {
      /* 0x510..0x51b: selector, data, two unused ports, the DMA register. */
      ret = bus_register (pio, FW_CFG_PORT_SEL, FW_CFG_PORT_DMA + 8 - FW_CFG_PORT_SEL,
                          &fw_cfg_pio_ops, c, "fw_cfg");
      if (ret < 0)
        {
          vmm_error ("fw_cfg: cannot claim ports %#x-%#x: %s", FW_CFG_PORT_SEL,
                     FW_CFG_PORT_DMA + 7, g_strerror (-ret));
          goto fail;
        }
      c->pio = pio;
    }
  return 0;

fail:
  fw_cfg_destroy (c);
  return ret;
}

void
fw_cfg_destroy (struct fw_cfg *c)
{
  if (c->pio)
    bus_unregister (c->pio, FW_CFG_PORT_SEL);
  for (unsigned i = 0; i < G_N_ELEMENTS (c->legacy); i++)
    g_free (c->legacy[i].data);
  for (unsigned i = 0; i < G_N_ELEMENTS (c->files); i++)
    g_free (c->files[i].data);
  for (unsigned i = 0; i < G_N_ELEMENTS (c->arch); i++)
    g_free (c->arch[i].data);
  pthread_mutex_destroy (&c->lock);
  memset (c, 0, sizeof *c);
}
