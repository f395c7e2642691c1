/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <spice.h>
#include <stdint.h>

#include "display/display.h"

/*
 * Display changes as QXL commands, the way libspice-server takes them from a
 * "simple display" (one without a QXL device in the guest): one host memory
 * slot spanning the whole address space, so every QXLPHYSICAL in a command is
 * a plain host pointer.
 *
 * A command owns its pixels (a copy, so the guest may go on drawing) and is
 * handed back by the server through release_resource, with its
 * QXLReleaseInfo.id pointing at it; spice_display_cmd_free() frees it there.
 * No libspice-server calls here: tests build and inspect commands alone.
 */

/* The memory slot group and the primary surface's id. */
#define SPICE_DISPLAY_MEMSLOT_GROUP 0
#define SPICE_DISPLAY_PRIMARY_ID    0

struct spice_display_cmd {
  QXLCommandExt ext;       /* what get_command hands out; points into this */
  union {
    QXLDrawable drawable;
    QXLCursorCmd cursor;
  };
  QXLImage image;          /* the drawable's source bitmap */
  uint8_t *payload;        /* pixels, or a QXLCursor followed by its image */
  uint64_t payload_size;
};

/*
 * A QXL_DRAW_COPY of @rect of @surface onto the primary surface: opaque, a
 * 32-bit top-down bitmap holding a copy of those pixels. @rect must lie
 * within the surface (NULL when it does not, or is empty). @image_id must be
 * unique among live images; @mm_time is the server's multimedia time.
 */
struct spice_display_cmd *spice_display_cmd_new_draw (const struct display_surface *surface,
                                                      const struct display_rect *rect,
                                                      uint32_t image_id, uint32_t mm_time);

/* QXL_CURSOR_SET with @cursor's image (ARGB, alpha), or QXL_CURSOR_HIDE when
 * it has none or is hidden. Positions are clamped to QXL's 16 bits. */
struct spice_display_cmd *spice_display_cmd_new_cursor_set (const struct display_cursor *cursor);
struct spice_display_cmd *spice_display_cmd_new_cursor_move (int32_t x, int32_t y);
struct spice_display_cmd *spice_display_cmd_new_cursor_hide (void);

/* The command a release_resource call hands back. */
struct spice_display_cmd *spice_display_cmd_from_release (QXLReleaseInfoExt release);
void spice_display_cmd_free (struct spice_display_cmd *cmd);

/* The primary surface for a @width x @height scanout backed by @mem
 * (width * height * 4 bytes, the server's own canvas). */
void spice_display_cmd_primary (uint32_t width, uint32_t height, void *mem,
                                QXLDevSurfaceCreate *out);
