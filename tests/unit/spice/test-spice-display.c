/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Display changes as QXL commands, SPICE buttons, and the audio hub SPICE
 * playback registers with: everything that works without a client. */
#include "config.h"

#include <glib.h>
#include <linux/input-event-codes.h>
#include <string.h>

#include "audio/audio.h"
#include "display/display.h"
#include "spice/spice-display-cmd.h"
#include "spice/spice-input.h"

static struct display_surface *
make_surface (struct display *display, uint32_t width, uint32_t height)
{
  struct display_surface *s = display_set_mode (display, 0, width, height);

  for (uint32_t y = 0; y < height; y++)
    for (uint32_t x = 0; x < width; x++)
      ((uint32_t *) (s->data + (size_t) y * s->stride))[x] = y << 16 | x;
  return s;
}

static void
test_draw (void)
{
  struct display *display = display_new (1);
  struct display_surface *s = make_surface (display, 64, 48);
  struct display_rect rect = { 10, 5, 20, 7 };
  struct spice_display_cmd *cmd = spice_display_cmd_new_draw (s, &rect, 42, 1234);
  QXLDrawable *d;
  QXLImage *image;
  QXLReleaseInfoExt release;
  const uint32_t *px;

  g_assert_nonnull (cmd);
  g_assert_cmpuint (cmd->ext.cmd.type, ==, QXL_CMD_DRAW);
  g_assert_cmpuint (cmd->ext.group_id, ==, SPICE_DISPLAY_MEMSLOT_GROUP);
  d = (QXLDrawable *) (uintptr_t) cmd->ext.cmd.data;
  g_assert_true (d == &cmd->drawable);
  g_assert_cmpuint (d->type, ==, QXL_DRAW_COPY);
  g_assert_cmpuint (d->effect, ==, QXL_EFFECT_OPAQUE);
  g_assert_cmpuint (d->surface_id, ==, SPICE_DISPLAY_PRIMARY_ID);
  g_assert_cmpint (d->bbox.left, ==, 10);
  g_assert_cmpint (d->bbox.top, ==, 5);
  g_assert_cmpint (d->bbox.right, ==, 30);
  g_assert_cmpint (d->bbox.bottom, ==, 12);
  g_assert_cmpint (d->surfaces_dest[0], ==, -1);
  g_assert_cmpint (d->surfaces_dest[2], ==, -1);
  g_assert_cmpuint (d->clip.type, ==, SPICE_CLIP_TYPE_NONE);
  g_assert_cmpuint (d->mm_time, ==, 1234);
  g_assert_cmpuint (d->u.copy.rop_descriptor, ==, SPICE_ROPD_OP_PUT);
  g_assert_cmpint (d->u.copy.src_area.left, ==, 0);
  g_assert_cmpint (d->u.copy.src_area.right, ==, 20);
  g_assert_cmpint (d->u.copy.src_area.bottom, ==, 7);

  image = (QXLImage *) (uintptr_t) d->u.copy.src_bitmap;
  g_assert_true (image == &cmd->image);
  g_assert_cmpuint (image->descriptor.type, ==, SPICE_IMAGE_TYPE_BITMAP);
  g_assert_cmpuint (image->descriptor.id >> 32, ==, 42);
  g_assert_cmpuint (image->descriptor.width, ==, 20);
  g_assert_cmpuint (image->bitmap.format, ==, SPICE_BITMAP_FMT_32BIT);
  g_assert_cmpuint (image->bitmap.flags, ==, QXL_BITMAP_DIRECT | QXL_BITMAP_TOP_DOWN);
  g_assert_cmpuint (image->bitmap.stride, ==, 80);
  g_assert_cmpuint (image->bitmap.x, ==, 20);
  g_assert_cmpuint (image->bitmap.y, ==, 7);

  /* A copy of exactly those pixels, row 0 first. */
  px = (const uint32_t *) (uintptr_t) image->bitmap.data;
  for (uint32_t y = 0; y < 7; y++)
    for (uint32_t x = 0; x < 20; x++)
      g_assert_cmphex (px[y * 20 + x], ==, (y + 5) << 16 | (x + 10));
  /* The guest drawing on does not change a queued command. */
  memset (s->data, 0xff, s->size);
  g_assert_cmphex (px[0], ==, 5 << 16 | 10);

  /* The server gives it back by its release info. */
  release.info = &d->release_info;
  release.group_id = 0;
  g_assert_true (spice_display_cmd_from_release (release) == cmd);
  spice_display_cmd_free (spice_display_cmd_from_release (release));

  /* Nothing outside the surface, nothing empty. */
  g_assert_null (spice_display_cmd_new_draw (s, &(struct display_rect) { 60, 0, 5, 1 }, 1, 0));
  g_assert_null (spice_display_cmd_new_draw (s, &(struct display_rect) { 0, 40, 1, 9 }, 1, 0));
  g_assert_null (spice_display_cmd_new_draw (s, &(struct display_rect) { -1, 0, 1, 1 }, 1, 0));
  g_assert_null (spice_display_cmd_new_draw (s, &(struct display_rect) { 0, 0, 0, 1 }, 1, 0));
  cmd = spice_display_cmd_new_draw (s, &(struct display_rect) { 0, 0, 64, 48 }, 2, 0);
  g_assert_nonnull (cmd);
  spice_display_cmd_free (cmd);

  display_surface_unref (s);
  display_free (display);
}

static void
test_primary (void)
{
  QXLDevSurfaceCreate create;
  static uint8_t mem[16];

  spice_display_cmd_primary (1024, 768, mem, &create);
  g_assert_cmpuint (create.width, ==, 1024);
  g_assert_cmpuint (create.height, ==, 768);
  g_assert_cmpint (create.stride, ==, -4096);
  g_assert_cmpuint (create.format, ==, SPICE_SURFACE_FMT_32_xRGB);
  g_assert_cmpuint (create.mem, ==, (uintptr_t) mem);
  g_assert_cmpuint (create.mouse_mode, ==, 1);
}

static void
test_cursor (void)
{
  struct display_cursor *c = g_new0 (struct display_cursor, 1);
  struct spice_display_cmd *cmd;
  QXLCursor *shape;
  uint32_t px[6];

  c->width = 3;
  c->height = 2;
  c->hot_x = 1;
  c->hot_y = 1;
  c->x = 100;
  c->y = 70000;   /* beyond QXL's 16 bits: clamped */
  c->visible = true;
  for (unsigned i = 0; i < 6; i++)
    c->pixels[i] = 0x80000000u | i;

  cmd = spice_display_cmd_new_cursor_set (c);
  g_assert_cmpuint (cmd->ext.cmd.type, ==, QXL_CMD_CURSOR);
  g_assert_true ((QXLCursorCmd *) (uintptr_t) cmd->ext.cmd.data == &cmd->cursor);
  g_assert_cmpuint (cmd->cursor.type, ==, QXL_CURSOR_SET);
  g_assert_cmpint (cmd->cursor.u.set.position.x, ==, 100);
  g_assert_cmpint (cmd->cursor.u.set.position.y, ==, INT16_MAX);
  g_assert_cmpuint (cmd->cursor.u.set.visible, ==, 1);
  shape = (QXLCursor *) (uintptr_t) cmd->cursor.u.set.shape;
  g_assert_cmpuint (shape->header.type, ==, SPICE_CURSOR_TYPE_ALPHA);
  g_assert_cmpuint (shape->header.width, ==, 3);
  g_assert_cmpuint (shape->header.height, ==, 2);
  g_assert_cmpuint (shape->header.hot_spot_x, ==, 1);
  g_assert_cmpuint (shape->data_size, ==, 24);
  g_assert_cmpuint (shape->chunk.data_size, ==, 24);
  g_assert_cmpuint (shape->chunk.next_chunk, ==, 0);
  memcpy (px, (const uint8_t *) shape + sizeof *shape, sizeof px);
  for (unsigned i = 0; i < 6; i++)
    g_assert_cmphex (px[i], ==, 0x80000000u | i);
  spice_display_cmd_free (cmd);

  /* Hidden, or no image: a HIDE. Sizes past the maximum are cut, never read. */
  c->visible = false;
  cmd = spice_display_cmd_new_cursor_set (c);
  g_assert_cmpuint (cmd->cursor.type, ==, QXL_CURSOR_HIDE);
  spice_display_cmd_free (cmd);
  c->visible = true;
  c->width = 0;
  cmd = spice_display_cmd_new_cursor_set (c);
  g_assert_cmpuint (cmd->cursor.type, ==, QXL_CURSOR_HIDE);
  spice_display_cmd_free (cmd);
  c->width = c->height = 1000;
  c->hot_x = c->hot_y = 999;
  cmd = spice_display_cmd_new_cursor_set (c);
  shape = (QXLCursor *) (uintptr_t) cmd->cursor.u.set.shape;
  g_assert_cmpuint (shape->header.width, ==, DISPLAY_CURSOR_MAX);
  g_assert_cmpuint (shape->header.hot_spot_x, ==, DISPLAY_CURSOR_MAX - 1);
  spice_display_cmd_free (cmd);

  cmd = spice_display_cmd_new_cursor_move (-40000, 12);
  g_assert_cmpuint (cmd->cursor.type, ==, QXL_CURSOR_MOVE);
  g_assert_cmpint (cmd->cursor.u.position.x, ==, INT16_MIN);
  g_assert_cmpint (cmd->cursor.u.position.y, ==, 12);
  g_assert_true ((struct spice_display_cmd *) (uintptr_t) cmd->cursor.release_info.id == cmd);
  spice_display_cmd_free (cmd);
  g_free (c);
}

static void
test_buttons (void)
{
  int evdev[8];

  g_assert_cmpuint (spice_input_buttons_to_evdev (0, evdev), ==, 0);
  g_assert_cmpuint (spice_input_buttons_to_evdev (1, evdev), ==, 1);
  g_assert_cmpint (evdev[0], ==, BTN_LEFT);
  /* libspice-server swaps middle and right into PS/2 order. */
  g_assert_cmpuint (spice_input_buttons_to_evdev (2, evdev), ==, 1);
  g_assert_cmpint (evdev[0], ==, BTN_RIGHT);
  g_assert_cmpuint (spice_input_buttons_to_evdev (4, evdev), ==, 1);
  g_assert_cmpint (evdev[0], ==, BTN_MIDDLE);
  g_assert_cmpuint (spice_input_buttons_to_evdev (0xc7, evdev), ==, 5);
  g_assert_cmpint (evdev[3], ==, BTN_SIDE);
  g_assert_cmpint (evdev[4], ==, BTN_EXTRA);
  /* The wheel's old bits are no buttons. */
  g_assert_cmpuint (spice_input_buttons_to_evdev (0x18, evdev), ==, 0);
}

struct sink {
  int starts, stops;
  size_t frames;
  int16_t last[2];
};

static void sink_start (void *o) { ((struct sink *) o)->starts++; }
static void sink_stop (void *o) { ((struct sink *) o)->stops++; }

static void
sink_write (void *o, const int16_t *frames, size_t n)
{
  struct sink *s = o;

  s->frames += n;
  memcpy (s->last, frames + (n - 1) * AUDIO_CHANNELS, sizeof s->last);
}

static const struct audio_consumer_ops sink_ops = { sink_start, sink_stop, sink_write };

static void
test_audio (void)
{
  struct audio *audio = audio_new ();
  struct sink a = { 0 }, b = { 0 };
  struct audio_consumer *ca = audio_register (audio, &sink_ops, &a), *cb;
  int16_t pcm[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

  /* Nothing flows while the guest does not play. */
  audio_write (audio, pcm, 4);
  g_assert_cmpuint (a.frames, ==, 0);
  audio_start (audio);
  audio_start (audio);
  g_assert_cmpint (a.starts, ==, 1);
  audio_write (audio, pcm, 4);
  g_assert_cmpuint (a.frames, ==, 4);
  g_assert_cmpint (a.last[0], ==, 7);
  g_assert_cmpint (a.last[1], ==, 8);

  /* A latecomer (a client connecting mid-song) starts at once. */
  cb = audio_register (audio, &sink_ops, &b);
  g_assert_cmpint (b.starts, ==, 1);
  audio_write (audio, pcm, 2);
  g_assert_cmpuint (a.frames, ==, 6);
  g_assert_cmpuint (b.frames, ==, 2);
  audio_unregister (ca);
  audio_write (audio, pcm, 1);
  g_assert_cmpuint (a.frames, ==, 6);
  g_assert_cmpuint (b.frames, ==, 3);
  audio_stop (audio);
  g_assert_cmpint (b.stops, ==, 1);
  g_assert_cmpint (a.stops, ==, 0);
  audio_unregister (cb);
  audio_free (audio);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/Vmm/spice-display/draw", test_draw);
  g_test_add_func ("/Vmm/spice-display/primary", test_primary);
  g_test_add_func ("/Vmm/spice-display/cursor", test_cursor);
  g_test_add_func ("/Vmm/spice-input/buttons", test_buttons);
  g_test_add_func ("/Vmm/audio/consumers", test_audio);
  return g_test_run ();
}
