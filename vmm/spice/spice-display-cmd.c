/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "spice"

#include "config.h"

#include "spice-display-cmd.h"

#include <glib.h>
#include <spice/enums.h>
#include <string.h>

struct spice_display_cmd *
spice_display_cmd_new_draw (const struct display_surface *surface,
                            const struct display_rect *rect, uint32_t image_id,
                            uint32_t mm_time)
{
  struct spice_display_cmd *cmd;
  QXLDrawable *d;
  uint32_t row_bytes;

  if (rect->x < 0 || rect->y < 0 || rect->width == 0 || rect->height == 0 ||
      (uint64_t) rect->x + rect->width > surface->width ||
      (uint64_t) rect->y + rect->height > surface->height)
    return NULL;

  cmd = g_new0 (struct spice_display_cmd, 1);
  d = &cmd->drawable;
  cmd->ext.cmd.type = QXL_CMD_DRAW;
  cmd->ext.cmd.data = (QXLPHYSICAL) (uintptr_t) d;
  cmd->ext.group_id = SPICE_DISPLAY_MEMSLOT_GROUP;
  d->release_info.id = (uint64_t) (uintptr_t) cmd;

  row_bytes = rect->width * DISPLAY_BYTES_PER_PIXEL;
  cmd->payload_size = (uint64_t) row_bytes * rect->height;
  cmd->payload = g_malloc (cmd->payload_size);
  for (uint32_t y = 0; y < rect->height; y++)
    memcpy (cmd->payload + (uint64_t) y * row_bytes,
            surface->data + (uint64_t) (rect->y + y) * surface->stride +
            (uint64_t) rect->x * DISPLAY_BYTES_PER_PIXEL, row_bytes);

  d->surface_id = SPICE_DISPLAY_PRIMARY_ID;
  d->type = QXL_DRAW_COPY;
  /* Opaque: the server may drop older drawables this one covers. */
  d->effect = QXL_EFFECT_OPAQUE;
  d->bbox.left = rect->x;
  d->bbox.top = rect->y;
  d->bbox.right = rect->x + (int32_t) rect->width;
  d->bbox.bottom = rect->y + (int32_t) rect->height;
  d->clip.type = SPICE_CLIP_TYPE_NONE;
  d->mm_time = mm_time;
  /* No other surface is read: -1 each. */
  for (unsigned i = 0; i < G_N_ELEMENTS (d->surfaces_dest); i++)
    d->surfaces_dest[i] = -1;
  d->u.copy.rop_descriptor = SPICE_ROPD_OP_PUT;
  d->u.copy.src_bitmap = (QXLPHYSICAL) (uintptr_t) &cmd->image;
  d->u.copy.src_area.right = (int32_t) rect->width;
  d->u.copy.src_area.bottom = (int32_t) rect->height;

  QXL_SET_IMAGE_ID (&cmd->image, QXL_IMAGE_GROUP_DEVICE, image_id);
  cmd->image.descriptor.type = SPICE_IMAGE_TYPE_BITMAP;
  cmd->image.descriptor.width = rect->width;
  cmd->image.descriptor.height = rect->height;
  /* DIRECT: data is the pixels themselves, not a chain of QXLDataChunks. */
  cmd->image.bitmap.flags = QXL_BITMAP_DIRECT | QXL_BITMAP_TOP_DOWN;
  cmd->image.bitmap.format = SPICE_BITMAP_FMT_32BIT;
  cmd->image.bitmap.x = rect->width;
  cmd->image.bitmap.y = rect->height;
  cmd->image.bitmap.stride = row_bytes;
  cmd->image.bitmap.data = (QXLPHYSICAL) (uintptr_t) cmd->payload;
  return cmd;
}

static int16_t
spice_display_cmd_clamp16 (int32_t v)
{
  return (int16_t) CLAMP (v, INT16_MIN, INT16_MAX);
}

/* A cursor command of @type with nothing filled in but the plumbing. */
static struct spice_display_cmd *
spice_display_cmd_new_cursor (uint8_t type)
{
  struct spice_display_cmd *cmd = g_new0 (struct spice_display_cmd, 1);

  cmd->ext.cmd.type = QXL_CMD_CURSOR;
  cmd->ext.cmd.data = (QXLPHYSICAL) (uintptr_t) &cmd->cursor;
  cmd->ext.group_id = SPICE_DISPLAY_MEMSLOT_GROUP;
  cmd->cursor.release_info.id = (uint64_t) (uintptr_t) cmd;
  cmd->cursor.type = type;
  return cmd;
}

struct spice_display_cmd *
spice_display_cmd_new_cursor_hide (void)
{
  return spice_display_cmd_new_cursor (QXL_CURSOR_HIDE);
}

struct spice_display_cmd *
spice_display_cmd_new_cursor_move (int32_t x, int32_t y)
{
  struct spice_display_cmd *cmd = spice_display_cmd_new_cursor (QXL_CURSOR_MOVE);

  cmd->cursor.u.position.x = spice_display_cmd_clamp16 (x);
  cmd->cursor.u.position.y = spice_display_cmd_clamp16 (y);
  return cmd;
}

struct spice_display_cmd *
spice_display_cmd_new_cursor_set (const struct display_cursor *cursor)
{
  struct spice_display_cmd *cmd;
  QXLCursor *shape;
  uint32_t width = MIN (cursor->width, DISPLAY_CURSOR_MAX);
  uint32_t height = MIN (cursor->height, DISPLAY_CURSOR_MAX);
  uint32_t size = width * height * 4;

  if (!cursor->visible || width == 0 || height == 0)
    return spice_display_cmd_new_cursor_hide ();

  cmd = spice_display_cmd_new_cursor (QXL_CURSOR_SET);
  cmd->payload_size = sizeof (QXLCursor) + size;
  cmd->payload = g_malloc0 (cmd->payload_size);
  shape = (QXLCursor *) cmd->payload;
  shape->header.type = SPICE_CURSOR_TYPE_ALPHA;
  shape->header.width = (uint16_t) width;
  shape->header.height = (uint16_t) height;
  /* display.h keeps the hotspot inside the image; a bad one would index
   * outside it on the client. */
  shape->header.hot_spot_x = (uint16_t) MIN (cursor->hot_x, width - 1);
  shape->header.hot_spot_y = (uint16_t) MIN (cursor->hot_y, height - 1);
  shape->data_size = size;
  shape->chunk.data_size = size;
  for (uint32_t y = 0; y < height; y++)
    memcpy (shape->chunk.data + (uint64_t) y * width * 4, cursor->pixels + y * width,
            (size_t) width * 4);

  cmd->cursor.u.set.position.x = spice_display_cmd_clamp16 (cursor->x);
  cmd->cursor.u.set.position.y = spice_display_cmd_clamp16 (cursor->y);
  cmd->cursor.u.set.visible = 1;
  cmd->cursor.u.set.shape = (QXLPHYSICAL) (uintptr_t) shape;
  return cmd;
}

struct spice_display_cmd *
spice_display_cmd_from_release (QXLReleaseInfoExt release)
{
  return release.info ? (struct spice_display_cmd *) (uintptr_t) release.info->id : NULL;
}

void
spice_display_cmd_free (struct spice_display_cmd *cmd)
{
  if (!cmd)
    return;
  g_free (cmd->payload);
  g_free (cmd);
}

void
spice_display_cmd_primary (uint32_t width, uint32_t height, void *mem, QXLDevSurfaceCreate *out)
{
  memset (out, 0, sizeof *out);
  out->format = SPICE_SURFACE_FMT_32_xRGB;
  out->width = width;
  out->height = height;
  /* Negative: the server finds row 0 at the end of @mem and walks back, so
   * the canvas stays inside the width * height * 4 bytes either way. */
  out->stride = -(int32_t) (width * DISPLAY_BYTES_PER_PIXEL);
  out->mem = (uint64_t) (uintptr_t) mem;
  /* The client draws the pointer itself (client mouse mode allowed). */
  out->mouse_mode = 1;
  out->group_id = SPICE_DISPLAY_MEMSLOT_GROUP;
  out->type = 0;  /* QXL_SURF_TYPE_PRIMARY */
}
