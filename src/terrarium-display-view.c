/* terrarium-display-view.c
 *
 * The guest's first display, from the VMM in another process: GetSurface
 * hands over a memfd that we map read-only and shared, and each Damage
 * signal says which pixels changed in it. Every frame wraps the mapping in a
 * fresh GdkMemoryTexture (no copy on our side; GSK uploads it), scaled to
 * the widget with black bars.
 *
 * The surface is XRGB8888 (bytes B, G, R, X) and guests leave X at 0 or
 * garbage, while GTK 4.8 has no format that ignores a fourth byte. We hand
 * it over as premultiplied BGRA on top of an opaque black rectangle: "over"
 * with premultiplied colours gives colour + black * (1 - alpha), which is
 * the colour whatever X holds. benchmarks/app-display measures this against
 * a conversion copy and a GtkGLArea (BENCHMARKS.md).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "terrarium-display-view"

#include "config.h"

#include <gio/gunixfdlist.h>
#include <math.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "terrarium-display-stats.h"
#include "terrarium-display-view.h"
#include "terrarium-pointer-grab.h"

#define DRM_FORMAT_XRGB8888 0x34325258u
#define RESIZE_DELAY_MS 300
/* Linux input-event-codes.h */
#define BTN_LEFT 0x110
#define BTN_RIGHT 0x111
#define BTN_MIDDLE 0x112
#define BTN_SIDE 0x113
#define BTN_EXTRA 0x114
/* GDK's hardware keycode on X11 (and Wayland with evdev rules) is the XKB
 * keycode, which is the evdev code plus 8. */
#define XKB_EVDEV_OFFSET 8
#define MAX_KEY 256
/* evdev codes of the keys that end a pointer capture together */
#define KEY_LEFTCTRL 29
#define KEY_LEFTALT 56

struct _TerrariumDisplayView
{
  GtkWidget      parent_instance;

  TerrariumVmm1 *proxy;
  GCancellable  *cancellable;
  guint          scanout;       /* which of the guest's displays */
  guint          surface_serial;

  /* The current surface: a read-only shared mapping of the VMM's memfd. */
  GBytes        *mapping;
  guint          width;
  guint          height;
  guint          stride;
  GdkTexture    *texture;
  gboolean       dirty;

  /* Dynamic resolution: what the widget would like, what was asked. */
  guint          wanted_width;
  guint          wanted_height;
  guint          sent_width;
  guint          sent_height;
  guint          resize_id;

  guint8         pressed[MAX_KEY / 8];

  /* Relative pointer while captured (guests without a tablet driver). */
  TerrariumPointerGrab *grab;

  TerrariumDisplayStats *stats;   /* NULL unless TERRARIUM_DISPLAY_STATS */
};

G_DEFINE_FINAL_TYPE (TerrariumDisplayView, terrarium_display_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_HAS_SURFACE,
  PROP_POINTER_CAPTURED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GtkWidget *
terrarium_display_view_new (void)
{
  return g_object_new (TERRARIUM_TYPE_DISPLAY_VIEW, NULL);
}

gboolean
terrarium_display_view_get_has_surface (TerrariumDisplayView *self)
{
  g_return_val_if_fail (TERRARIUM_IS_DISPLAY_VIEW (self), FALSE);
  return self->mapping != NULL;
}

static void
terrarium_display_view_drop_surface (TerrariumDisplayView *self)
{
  gboolean had = self->mapping != NULL;

  g_clear_object (&self->texture);
  g_clear_pointer (&self->mapping, g_bytes_unref);
  self->width = self->height = self->stride = 0;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (had)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_SURFACE]);
}

/* Where the surface lies in the widget: as large as fits, aspect kept,
 * centred on whole pixels so that an unscaled surface stays sharp. */
static gboolean
terrarium_display_view_get_rect (TerrariumDisplayView *self,
                                 graphene_rect_t      *rect)
{
  int w = gtk_widget_get_width (GTK_WIDGET (self));
  int h = gtk_widget_get_height (GTK_WIDGET (self));
  double fit;

  if (!self->mapping || w <= 0 || h <= 0)
    return FALSE;
  fit = MIN ((double) w / self->width, (double) h / self->height);
  rect->size.width = self->width * fit;
  rect->size.height = self->height * fit;
  rect->origin.x = floor ((w - rect->size.width) / 2);
  rect->origin.y = floor ((h - rect->size.height) / 2);
  return TRUE;
}

static void
terrarium_display_view_snapshot (GtkWidget   *widget,
                                 GtkSnapshot *snapshot)
{
  TerrariumDisplayView *self = TERRARIUM_DISPLAY_VIEW (widget);
  graphene_rect_t rect;

  gtk_snapshot_append_color (snapshot, &(GdkRGBA) { 0, 0, 0, 1 },
                             &GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (widget),
                                                  gtk_widget_get_height (widget)));
  if (!terrarium_display_view_get_rect (self, &rect))
    return;

  /* One texture per frame, however many Damage signals came: GTK 4.8 can
   * only upload whole textures, and a new object is what makes it upload. */
  if (self->dirty || !self->texture)
    {
      g_autoptr(GBytes) pixels = g_bytes_new_from_bytes (self->mapping, 0,
                                                         (gsize) self->stride * self->height);

      g_clear_object (&self->texture);
      self->texture = gdk_memory_texture_new (self->width, self->height,
                                              GDK_MEMORY_B8G8R8A8_PREMULTIPLIED, pixels,
                                              self->stride);
      self->dirty = FALSE;
    }
  gtk_snapshot_append_texture (snapshot, self->texture, &rect);
  terrarium_display_stats_frame (self->stats, self->width, self->height);
}


typedef struct {
  void  *addr;
  gsize  size;
} Mapping;

static void
mapping_free (gpointer data)
{
  Mapping *mapping = data;

  munmap (mapping->addr, mapping->size);
  g_free (mapping);
}

/* GetSurface's reply. The request holds the view and says which request it
 * was: only the latest one's surface is used. */
typedef struct {
  TerrariumDisplayView *self;
  guint                 serial;
} SurfaceRequest;

static void terrarium_display_view_maybe_resize (TerrariumDisplayView *self);

static gboolean
terrarium_display_view_map (TerrariumDisplayView  *self,
                            GVariant              *handle,
                            GUnixFDList           *fd_list,
                            guint                  width,
                            guint                  height,
                            guint                  stride,
                            guint                  format,
                            GError               **error)
{
  Mapping *mapping;
  struct stat st;
  gsize size;
  void *addr;
  int fd;

  if (format != DRM_FORMAT_XRGB8888 || width == 0 || height == 0 ||
      stride < (guint64) width * 4 || stride % 4 != 0 || !fd_list)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "unexpected surface %ux%u, stride %u, format 0x%x", width, height, stride,
                   format);
      return FALSE;
    }
  fd = g_unix_fd_list_get (fd_list, g_variant_get_handle (handle), error);
  if (fd < 0)
    return FALSE;
  size = (gsize) stride * height;
  if (fstat (fd, &st) < 0 || (guint64) st.st_size < size)
    {
      close (fd);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "the surface's memory is smaller than %ux%u", width, height);
      return FALSE;
    }
  /* Read-only: the VMM owns the pixels; we never write to the guest's
   * display memory, and it cannot shrink while mapped. */
  addr = mmap (NULL, size, PROT_READ, MAP_SHARED, fd, 0);
  close (fd);
  if (addr == MAP_FAILED)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "mmap: %s",
                   g_strerror (saved_errno));
      return FALSE;
    }

  mapping = g_new (Mapping, 1);
  mapping->addr = addr;
  mapping->size = size;
  g_clear_object (&self->texture);
  g_clear_pointer (&self->mapping, g_bytes_unref);
  /* Textures still in GSK's hands keep their own reference: the mapping
   * goes when the last of them does. */
  self->mapping = g_bytes_new_with_free_func (addr, size, mapping_free, mapping);
  self->width = width;
  self->height = height;
  self->stride = stride;
  self->dirty = TRUE;
  return TRUE;
}

static void
terrarium_display_view_got_surface (GObject      *source,
                                    GAsyncResult *result,
                                    gpointer      user_data)
{
  SurfaceRequest *request = user_data;
  g_autoptr(TerrariumDisplayView) self = request->self;
  guint serial = request->serial;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) handle = NULL;
  g_autoptr(GUnixFDList) fd_list = NULL;
  guint width = 0, height = 0, stride = 0, format = 0;

  g_free (request);
  if (!terrarium_vmm1_call_get_surface_finish (TERRARIUM_VMM1 (source), &handle, &width, &height,
                                               &stride, &format, &fd_list, result, &error))
    {
      /* Cancelled: the view follows another VMM or none. Otherwise the
       * display is off, and SurfaceChanged says when the guest sets a mode. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
          serial == self->surface_serial)
        {
          g_debug ("GetSurface: %s", error->message);
          terrarium_display_view_drop_surface (self);
        }
      return;
    }
  if (serial != self->surface_serial)
    return;   /* a newer request is on its way */

  if (!terrarium_display_view_map (self, handle, fd_list, width, height, stride, format, &error))
    {
      g_warning ("GetSurface: %s", error->message);
      terrarium_display_view_drop_surface (self);
      return;
    }
  g_debug ("surface %ux%u", width, height);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_SURFACE]);
  terrarium_display_view_maybe_resize (self);
}

static void
terrarium_display_view_fetch_surface (TerrariumDisplayView *self)
{
  SurfaceRequest *request = g_new (SurfaceRequest, 1);

  request->self = g_object_ref (self);
  request->serial = ++self->surface_serial;
  terrarium_vmm1_call_get_surface (self->proxy, self->scanout, NULL, self->cancellable,
                                   terrarium_display_view_got_surface, request);
}

static void
terrarium_display_view_on_surface_changed (TerrariumVmm1        *proxy,
                                           guint                 scanout,
                                           gboolean              enabled,
                                           TerrariumDisplayView *self)
{
  if (scanout != self->scanout)
    return;
  if (enabled)
    terrarium_display_view_fetch_surface (self);
  else
    {
      self->surface_serial++;
      terrarium_display_view_drop_surface (self);
    }
}

static void
terrarium_display_view_on_damage (TerrariumVmm1        *proxy,
                                  guint                 scanout,
                                  int                   x,
                                  int                   y,
                                  guint                 width,
                                  guint                 height,
                                  TerrariumDisplayView *self)
{
  if (scanout != self->scanout || !self->mapping)
    return;
  /* The pixels are already in the shared mapping; the next frame wraps them
   * in a new texture. Damage coming faster than frames costs nothing. */
  self->dirty = TRUE;
  terrarium_display_stats_damage (self->stats);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
terrarium_display_view_on_cursor_changed (TerrariumVmm1        *proxy,
                                          guint                 scanout,
                                          guint                 width,
                                          guint                 height,
                                          guint                 hot_x,
                                          guint                 hot_y,
                                          gboolean              visible,
                                          GVariant             *pixels,
                                          TerrariumDisplayView *self)
{
  g_autoptr(GdkCursor) cursor = NULL;

  if (scanout != self->scanout)
    return;
  if (!visible)
    cursor = gdk_cursor_new_from_name ("none", NULL);
  else if (width > 0 && height > 0 && width <= 512 && height <= 512 &&
           g_variant_get_size (pixels) >= (gsize) width * height * 4 &&
           hot_x < width && hot_y < height)
    {
      g_autoptr(GBytes) bytes = g_variant_get_data_as_bytes (pixels);
      g_autoptr(GdkTexture) texture = NULL;

      /* Straight (not premultiplied) BGRA, as the interface says. */
      texture = gdk_memory_texture_new (width, height, GDK_MEMORY_B8G8R8A8, bytes, width * 4);
      cursor = gdk_cursor_new_from_texture (texture, hot_x, hot_y, NULL);
    }
  /* No image: our own pointer, so the user still sees where it is. */
  gtk_widget_set_cursor (GTK_WIDGET (self), cursor);
}

static void
terrarium_display_view_send_size (TerrariumDisplayView *self)
{
  /* Display 0 is always connected; the others only while a view shows
   * them, so asking for a size is what plugs their monitor in. */
  if (!self->proxy || (!self->mapping && self->scanout == 0) ||
      self->wanted_width == 0 || self->wanted_height == 0 ||
      (self->wanted_width == self->sent_width && self->wanted_height == self->sent_height))
    return;
  self->sent_width = self->wanted_width;
  self->sent_height = self->wanted_height;
  g_debug ("asking for %ux%u", self->sent_width, self->sent_height);
  terrarium_vmm1_call_set_display_size (self->proxy, self->scanout, self->sent_width,
                                        self->sent_height,
                                        self->cancellable, NULL, NULL);
}

static gboolean
terrarium_display_view_resize_timeout (gpointer user_data)
{
  TerrariumDisplayView *self = user_data;

  self->resize_id = 0;
  terrarium_display_view_send_size (self);
  return G_SOURCE_REMOVE;
}

/* Called when the widget or the surface changes: the guest is asked for the
 * widget's size in device pixels once it has been still for a moment, and
 * only while it shows a surface (a guest without one has no mode to set),
 * except on the other displays, whose first size connects their monitor. */
static void
terrarium_display_view_maybe_resize (TerrariumDisplayView *self)
{
  g_clear_handle_id (&self->resize_id, g_source_remove);
  if (!self->mapping && self->scanout == 0)
    return;
  self->resize_id = g_timeout_add (RESIZE_DELAY_MS, terrarium_display_view_resize_timeout, self);
}

static void
terrarium_display_view_size_allocate (GtkWidget *widget,
                                      int        width,
                                      int        height,
                                      int        baseline)
{
  TerrariumDisplayView *self = TERRARIUM_DISPLAY_VIEW (widget);
  int scale = gtk_widget_get_scale_factor (widget);
  guint wanted_width = (guint) MAX (width, 0) * scale;
  guint wanted_height = (guint) MAX (height, 0) * scale;

  if (wanted_width == self->wanted_width && wanted_height == self->wanted_height)
    return;
  self->wanted_width = wanted_width;
  self->wanted_height = wanted_height;
  terrarium_display_view_maybe_resize (self);
}

static void
terrarium_display_view_key (TerrariumDisplayView *self,
                            guint                 code,
                            gboolean              pressed)
{
  if (code == 0 || code >= MAX_KEY)
    return;
  /* Held keys repeat in the guest, by its own settings: GDK's repeats would
   * be presses without releases. */
  if (pressed == !!(self->pressed[code / 8] & (1u << (code % 8))))
    return;
  if (pressed)
    self->pressed[code / 8] |= 1u << (code % 8);
  else
    self->pressed[code / 8] &= ~(1u << (code % 8));
  if (self->proxy)
    terrarium_vmm1_call_key_event (self->proxy, code, pressed, self->cancellable, NULL, NULL);
}

static void
terrarium_display_view_release_keys (TerrariumDisplayView *self)
{
  /* A key held when focus leaves would otherwise stay down in the guest. */
  for (guint code = 0; code < MAX_KEY; code++)
    terrarium_display_view_key (self, code, FALSE);
}

void
terrarium_display_view_send_keys (TerrariumDisplayView *self,
                                  const guint          *codes,
                                  guint                 n_codes)
{
  g_return_if_fail (TERRARIUM_IS_DISPLAY_VIEW (self));

  for (guint i = 0; i < n_codes; i++)
    terrarium_display_view_key (self, codes[i], TRUE);
  for (guint i = n_codes; i > 0; i--)
    terrarium_display_view_key (self, codes[i - 1], FALSE);
}

static gboolean
terrarium_display_view_key_pressed (GtkEventControllerKey *controller,
                                    guint                  keyval,
                                    guint                  keycode,
                                    GdkModifierType        state,
                                    TerrariumDisplayView  *self)
{
  guint code;

  if (keycode < XKB_EVDEV_OFFSET)
    return FALSE;
  code = keycode - XKB_EVDEV_OFFSET;
  if (terrarium_pointer_grab_is_active (self->grab) &&
      ((code == KEY_LEFTCTRL && (self->pressed[KEY_LEFTALT / 8] & (1u << (KEY_LEFTALT % 8)))) ||
       (code == KEY_LEFTALT && (self->pressed[KEY_LEFTCTRL / 8] & (1u << (KEY_LEFTCTRL % 8))))))
    {
      /* Left Ctrl + Left Alt: the release the hint promises, not the guest's. */
      terrarium_display_view_release_pointer (self);
      return TRUE;
    }
  terrarium_display_view_key (self, code, TRUE);
  /* Every key is the guest's: Tab must not move GTK's focus. */
  return TRUE;
}

static void
terrarium_display_view_key_released (GtkEventControllerKey *controller,
                                     guint                  keyval,
                                     guint                  keycode,
                                     GdkModifierType        state,
                                     TerrariumDisplayView  *self)
{
  if (keycode >= XKB_EVDEV_OFFSET)
    terrarium_display_view_key (self, keycode - XKB_EVDEV_OFFSET, FALSE);
}

static void
terrarium_display_view_motion (GtkEventControllerMotion *controller,
                               double                    x,
                               double                    y,
                               TerrariumDisplayView     *self)
{
  graphene_rect_t rect;
  int sx, sy, dx, dy;

  if (terrarium_pointer_grab_is_active (self->grab))
    {
      if (self->proxy && terrarium_pointer_grab_motion (self->grab, x, y, &dx, &dy))
        terrarium_vmm1_call_pointer_motion_relative (self->proxy, dx, dy, self->cancellable,
                                                     NULL, NULL);
      return;
    }
  if (!self->proxy || !terrarium_display_view_get_rect (self, &rect))
    return;
  /* Outside the picture (on the black bars) the pointer rests on its edge. */
  sx = (int) floor ((x - rect.origin.x) * self->width / rect.size.width);
  sy = (int) floor ((y - rect.origin.y) * self->height / rect.size.height);
  sx = CLAMP (sx, 0, (int) self->width - 1);
  sy = CLAMP (sy, 0, (int) self->height - 1);
  terrarium_vmm1_call_pointer_motion (self->proxy, self->scanout, sx, sy, self->cancellable,
                                      NULL, NULL);
}

static guint
terrarium_display_view_button_code (guint button)
{
  switch (button)
    {
    case GDK_BUTTON_PRIMARY:
      return BTN_LEFT;
    case GDK_BUTTON_MIDDLE:
      return BTN_MIDDLE;
    case GDK_BUTTON_SECONDARY:
      return BTN_RIGHT;
    case 8:
      return BTN_SIDE;
    case 9:
      return BTN_EXTRA;
    default:
      return 0;
    }
}

/* Buttons through the legacy controller: GtkGestureClick forgets a press
 * that turns into a drag, and the guest must see every release. */
static gboolean
terrarium_display_view_event (GtkEventControllerLegacy *controller,
                              GdkEvent                 *event,
                              TerrariumDisplayView     *self)
{
  GdkEventType type = gdk_event_get_event_type (event);
  gboolean pressed = type == GDK_BUTTON_PRESS;
  guint code;

  if (type != GDK_BUTTON_PRESS && type != GDK_BUTTON_RELEASE)
    return FALSE;
  if (pressed)
    gtk_widget_grab_focus (GTK_WIDGET (self));
  code = terrarium_display_view_button_code (gdk_button_event_get_button (event));
  if (code == 0 || !self->proxy)
    return TRUE;
  terrarium_vmm1_call_pointer_button (self->proxy, code, pressed, self->cancellable, NULL, NULL);
  return TRUE;
}

static gboolean
terrarium_display_view_scroll (GtkEventControllerScroll *controller,
                               double                    dx,
                               double                    dy,
                               TerrariumDisplayView     *self)
{
  int steps = (int) lround (-dy);

  /* GTK's dy grows towards the user; the wheel's steps away from them. */
  if (steps != 0 && self->proxy)
    terrarium_vmm1_call_pointer_wheel (self->proxy, steps, self->cancellable, NULL, NULL);
  return TRUE;
}

static void
terrarium_display_view_focus_leave (GtkEventControllerFocus *controller,
                                    TerrariumDisplayView    *self)
{
  terrarium_display_view_release_keys (self);
}

static void
terrarium_display_view_realize (GtkWidget *widget)
{
  TerrariumDisplayView *self = TERRARIUM_DISPLAY_VIEW (widget);

  GTK_WIDGET_CLASS (terrarium_display_view_parent_class)->realize (widget);
  terrarium_display_stats_realize (self->stats, gtk_widget_get_frame_clock (widget));
}

gboolean
terrarium_display_view_capture_pointer (TerrariumDisplayView *self,
                                        GError              **error)
{
  g_return_val_if_fail (TERRARIUM_IS_DISPLAY_VIEW (self), FALSE);

  if (terrarium_pointer_grab_is_active (self->grab))
    return TRUE;
  if (!terrarium_pointer_grab_start (self->grab, error))
    return FALSE;
  gtk_widget_grab_focus (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POINTER_CAPTURED]);
  return TRUE;
}

void
terrarium_display_view_release_pointer (TerrariumDisplayView *self)
{
  g_return_if_fail (TERRARIUM_IS_DISPLAY_VIEW (self));

  if (!terrarium_pointer_grab_is_active (self->grab))
    return;
  terrarium_pointer_grab_stop (self->grab);
  /* Ctrl and Alt went down in the guest on the way to the release keys. */
  terrarium_display_view_release_keys (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POINTER_CAPTURED]);
}

gboolean
terrarium_display_view_get_pointer_captured (TerrariumDisplayView *self)
{
  g_return_val_if_fail (TERRARIUM_IS_DISPLAY_VIEW (self), FALSE);
  return terrarium_pointer_grab_is_active (self->grab);
}

static void
terrarium_display_view_unrealize (GtkWidget *widget)
{
  terrarium_display_view_release_pointer (TERRARIUM_DISPLAY_VIEW (widget));
  GTK_WIDGET_CLASS (terrarium_display_view_parent_class)->unrealize (widget);
}

void
terrarium_display_view_set_scanout (TerrariumDisplayView *self,
                                    guint                 scanout)
{
  g_return_if_fail (TERRARIUM_IS_DISPLAY_VIEW (self));
  g_return_if_fail (self->proxy == NULL);

  self->scanout = scanout;
}

void
terrarium_display_view_set_proxy (TerrariumDisplayView *self,
                                  TerrariumVmm1        *proxy)
{
  g_return_if_fail (TERRARIUM_IS_DISPLAY_VIEW (self));
  g_return_if_fail (proxy == NULL || TERRARIUM_IS_VMM1 (proxy));

  if (self->proxy == proxy)
    return;
  terrarium_display_view_release_keys (self);
  if (self->proxy)
    g_signal_handlers_disconnect_by_data (self->proxy, self);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->proxy);
  self->surface_serial++;
  self->sent_width = self->sent_height = 0;
  terrarium_display_view_drop_surface (self);
  gtk_widget_set_cursor (GTK_WIDGET (self), NULL);
  if (!proxy)
    return;

  self->proxy = g_object_ref (proxy);
  self->cancellable = g_cancellable_new ();
  g_signal_connect (proxy, "surface-changed",
                    G_CALLBACK (terrarium_display_view_on_surface_changed), self);
  g_signal_connect (proxy, "damage", G_CALLBACK (terrarium_display_view_on_damage), self);
  g_signal_connect (proxy, "cursor-changed",
                    G_CALLBACK (terrarium_display_view_on_cursor_changed), self);
  terrarium_display_view_fetch_surface (self);
  terrarium_display_view_maybe_resize (self);
}

static void
terrarium_display_view_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  TerrariumDisplayView *self = TERRARIUM_DISPLAY_VIEW (object);

  switch (prop_id)
    {
    case PROP_HAS_SURFACE:
      g_value_set_boolean (value, self->mapping != NULL);
      break;
    case PROP_POINTER_CAPTURED:
      g_value_set_boolean (value, terrarium_pointer_grab_is_active (self->grab));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
terrarium_display_view_dispose (GObject *object)
{
  TerrariumDisplayView *self = TERRARIUM_DISPLAY_VIEW (object);

  terrarium_display_view_set_proxy (self, NULL);
  g_clear_pointer (&self->grab, terrarium_pointer_grab_free);
  g_clear_handle_id (&self->resize_id, g_source_remove);
  g_clear_pointer (&self->stats, terrarium_display_stats_free);

  G_OBJECT_CLASS (terrarium_display_view_parent_class)->dispose (object);
}

static void
terrarium_display_view_class_init (TerrariumDisplayViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = terrarium_display_view_get_property;
  object_class->dispose = terrarium_display_view_dispose;
  widget_class->snapshot = terrarium_display_view_snapshot;
  widget_class->size_allocate = terrarium_display_view_size_allocate;
  widget_class->realize = terrarium_display_view_realize;
  widget_class->unrealize = terrarium_display_view_unrealize;

  properties[PROP_HAS_SURFACE] =
    g_param_spec_boolean ("has-surface", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_POINTER_CAPTURED] =
    g_param_spec_boolean ("pointer-captured", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "terrarium-display-view");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
terrarium_display_view_init (TerrariumDisplayView *self)
{
  GtkEventController *controller;

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  self->grab = terrarium_pointer_grab_new (GTK_WIDGET (self));
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);

  controller = gtk_event_controller_key_new ();
  g_signal_connect (controller, "key-pressed", G_CALLBACK (terrarium_display_view_key_pressed),
                    self);
  g_signal_connect (controller, "key-released",
                    G_CALLBACK (terrarium_display_view_key_released), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_focus_new ();
  g_signal_connect (controller, "leave", G_CALLBACK (terrarium_display_view_focus_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "motion", G_CALLBACK (terrarium_display_view_motion), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_legacy_new ();
  g_signal_connect (controller, "event", G_CALLBACK (terrarium_display_view_event), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL |
                                                GTK_EVENT_CONTROLLER_SCROLL_DISCRETE);
  g_signal_connect (controller, "scroll", G_CALLBACK (terrarium_display_view_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  self->stats = terrarium_display_stats_new (GTK_WIDGET (self));

}
