/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The control interface's display and input methods. */
#define G_LOG_DOMAIN "control"

#include "config.h"

#include <errno.h>
#include <gio/gunixfdlist.h>
#include <unistd.h>

#include "control-private.h"

#define CONTROL_CALL(control, cb, ...) \
  ((control)->callbacks.cb ? (control)->callbacks.cb ((control)->opaque, __VA_ARGS__) : -ENOTSUP)

static gboolean
on_screenshot (TerrariumVmm1 *skeleton, GDBusMethodInvocation *invocation, GUnixFDList *fds,
               guint scanout, GVariant *handle, gpointer data)
{
  struct control *control = data;
  g_autoptr (GError) error = NULL;
  int index = g_variant_get_handle (handle);
  int fd = fds ? g_unix_fd_list_get (fds, index, &error) : -1;
  int ret;

  if (fd < 0)
    {
      g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                                             "Screenshot needs a file descriptor passed with the call");
      return TRUE;
    }
  ret = CONTROL_CALL (control, screenshot, scanout, fd);
  close (fd);
  control_complete (invocation, ret, "take the screenshot");
  return TRUE;
}

static gboolean
on_screenshot_to_file (TerrariumVmm1 *skeleton, GDBusMethodInvocation *invocation, guint scanout,
                       const char *path, gpointer data)
{
  struct control *control = data;

  control_complete (invocation, CONTROL_CALL (control, screenshot_to_file, scanout, path),
                    "take the screenshot");
  return TRUE;
}

static gboolean
on_set_display_size (TerrariumVmm1 *skeleton, GDBusMethodInvocation *invocation, guint scanout,
                     guint width, guint height, gpointer data)
{
  struct control *control = data;

  control_complete (invocation, CONTROL_CALL (control, set_display_size, scanout, width, height),
                    "resize the display");
  return TRUE;
}

static gboolean
on_key_event (TerrariumVmm1 *skeleton, GDBusMethodInvocation *invocation, guint code,
              gboolean pressed, gpointer data)
{
  struct control *control = data;

  control_complete (invocation, CONTROL_CALL (control, key, code, pressed), "send the key");
  return TRUE;
}

static gboolean
on_pointer_motion (TerrariumVmm1 *skeleton, GDBusMethodInvocation *invocation, guint scanout,
                   gint x, gint y, gpointer data)
{
  struct control *control = data;

  control_complete (invocation, CONTROL_CALL (control, pointer_motion, scanout, x, y),
                    "move the pointer");
  return TRUE;
}

static gboolean
on_pointer_motion_relative (TerrariumVmm1 *skeleton, GDBusMethodInvocation *invocation, gint dx,
                            gint dy, gpointer data)
{
  struct control *control = data;

  control_complete (invocation, CONTROL_CALL (control, pointer_motion_relative, dx, dy),
                    "move the pointer");
  return TRUE;
}

static gboolean
on_pointer_button (TerrariumVmm1 *skeleton, GDBusMethodInvocation *invocation, guint button,
                   gboolean pressed, gpointer data)
{
  struct control *control = data;

  control_complete (invocation, CONTROL_CALL (control, pointer_button, button, pressed),
                    "send the button");
  return TRUE;
}

static gboolean
on_pointer_wheel (TerrariumVmm1 *skeleton, GDBusMethodInvocation *invocation, gint steps,
                  gpointer data)
{
  struct control *control = data;

  control_complete (invocation, CONTROL_CALL (control, pointer_wheel, steps), "turn the wheel");
  return TRUE;
}

void
control_display_connect (struct control *control)
{
  static const struct {
    const char *signal;
    GCallback handler;
  } handlers[] = {
    { "handle-screenshot", G_CALLBACK (on_screenshot) },
    { "handle-screenshot-to-file", G_CALLBACK (on_screenshot_to_file) },
    { "handle-set-display-size", G_CALLBACK (on_set_display_size) },
    { "handle-key-event", G_CALLBACK (on_key_event) },
    { "handle-pointer-motion", G_CALLBACK (on_pointer_motion) },
    { "handle-pointer-motion-relative", G_CALLBACK (on_pointer_motion_relative) },
    { "handle-pointer-button", G_CALLBACK (on_pointer_button) },
    { "handle-pointer-wheel", G_CALLBACK (on_pointer_wheel) },
  };

  for (unsigned i = 0; i < G_N_ELEMENTS (handlers); i++)
    g_signal_connect (control->skeleton, handlers[i].signal, handlers[i].handler, control);
}
