/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Guest test program: draws tests/guest/pattern.h on the first connected
 * DRM connector through a dumb buffer (plain KMS ioctls, no libdrm), prints
 * "drm-pattern: drew WxH", then keeps watching the connector: when its
 * preferred mode changes (the host resized the display), it sets the new mode
 * and draws again. Exits after drawing @argv[1] frames in total (default 1)
 * on the first display. The other connectors (the guest's other displays)
 * get the pattern too whenever they are connected or change size:
 * "drm-pattern: drew WxH on display N".
 */
#include <drm.h>
#include <drm_mode.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "pattern.h"

static int
xioctl (int fd, unsigned long request, void *arg)
{
  int ret;

  do
    ret = ioctl (fd, request, arg);
  while (ret < 0 && (errno == EINTR || errno == EAGAIN));
  return ret;
}

struct output {
  uint32_t connector_id, crtc_id;
  struct drm_mode_modeinfo mode;
};

#define MAX_OUTPUTS 4

/* Output 0: the first connected connector, with CRTC 0. Output N > 0: the
 * Nth connector if connected, with CRTC N (virtio-gpu has a CRTC per
 * scanout). Fills in its preferred mode. */
static int
find_output (int fd, uint32_t index, struct output *out)
{
  struct drm_mode_card_res res = { 0 };
  uint32_t *connectors, *crtcs;

  if (xioctl (fd, DRM_IOCTL_MODE_GETRESOURCES, &res) < 0)
    return -1;
  connectors = calloc (res.count_connectors + 1, sizeof (uint32_t));
  crtcs = calloc (res.count_crtcs + 1, sizeof (uint32_t));
  res.connector_id_ptr = (uintptr_t) connectors;
  res.crtc_id_ptr = (uintptr_t) crtcs;
  res.count_fbs = res.count_encoders = 0;
  if (xioctl (fd, DRM_IOCTL_MODE_GETRESOURCES, &res) < 0 || res.count_crtcs == 0)
    return -1;

  for (uint32_t i = 0; i < res.count_connectors; i++)
    {
      struct drm_mode_get_connector conn = { .connector_id = connectors[i] };

      if (index > 0 && (i != index || index >= res.count_crtcs))
        continue;
      struct drm_mode_modeinfo *modes;

      if (xioctl (fd, DRM_IOCTL_MODE_GETCONNECTOR, &conn) < 0)
        continue;
      if (conn.connection != 1 || conn.count_modes == 0)
        continue;
      modes = calloc (conn.count_modes, sizeof *modes);
      conn.modes_ptr = (uintptr_t) modes;
      conn.count_props = conn.count_encoders = 0;
      if (xioctl (fd, DRM_IOCTL_MODE_GETCONNECTOR, &conn) < 0)
        {
          free (modes);
          continue;
        }
      out->connector_id = connectors[i];
      out->crtc_id = crtcs[index];
      out->mode = modes[0];
      for (uint32_t m = 0; m < conn.count_modes; m++)
        if (modes[m].type & DRM_MODE_TYPE_PREFERRED)
          {
            out->mode = modes[m];
            break;
          }
      free (modes);
      free (connectors);
      free (crtcs);
      return 0;
    }
  free (connectors);
  free (crtcs);
  return -1;
}

static int
draw (int fd, const struct output *out, uint32_t index)
{
  uint32_t w = out->mode.hdisplay, h = out->mode.vdisplay;
  struct drm_mode_create_dumb create = { .width = w, .height = h, .bpp = 32 };
  struct drm_mode_fb_cmd fb = { 0 };
  struct drm_mode_map_dumb map = { 0 };
  struct drm_mode_crtc crtc = { 0 };
  struct drm_mode_fb_dirty_cmd dirty = { 0 };
  uint32_t connector = out->connector_id;
  uint8_t *pixels;

  if (xioctl (fd, DRM_IOCTL_MODE_CREATE_DUMB, &create) < 0)
    return perror ("CREATE_DUMB"), -1;
  fb.width = w;
  fb.height = h;
  fb.pitch = create.pitch;
  fb.bpp = 32;
  fb.depth = 24;
  fb.handle = create.handle;
  if (xioctl (fd, DRM_IOCTL_MODE_ADDFB, &fb) < 0)
    return perror ("ADDFB"), -1;
  map.handle = create.handle;
  if (xioctl (fd, DRM_IOCTL_MODE_MAP_DUMB, &map) < 0)
    return perror ("MAP_DUMB"), -1;
  pixels = mmap (NULL, create.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, map.offset);
  if (pixels == MAP_FAILED)
    return perror ("mmap"), -1;

  for (uint32_t y = 0; y < h; y++)
    {
      uint32_t *row = (uint32_t *) (pixels + (size_t) y * create.pitch);

      for (uint32_t x = 0; x < w; x++)
        row[x] = test_pattern_pixel (x, y, w, h);
    }

  crtc.crtc_id = out->crtc_id;
  crtc.fb_id = fb.fb_id;
  crtc.set_connectors_ptr = (uintptr_t) &connector;
  crtc.count_connectors = 1;
  crtc.mode = out->mode;
  crtc.mode_valid = 1;
  if (xioctl (fd, DRM_IOCTL_MODE_SETCRTC, &crtc) < 0)
    return perror ("SETCRTC"), -1;
  /* Dumb buffers reach the host only when flushed. */
  dirty.fb_id = fb.fb_id;
  xioctl (fd, DRM_IOCTL_MODE_DIRTYFB, &dirty);
  if (index == 0)
    printf ("drm-pattern: drew %ux%u\n", w, h);
  else
    printf ("drm-pattern: drew %ux%u on display %u\n", w, h, index + 1);
  fflush (stdout);
  return 0;
}

int
main (int argc, char **argv)
{
  int frames = argc > 1 ? atoi (argv[1]) : 1;
  struct output out[MAX_OUTPUTS] = { 0 }, now;
  int fd = open ("/dev/dri/card0", O_RDWR | O_CLOEXEC);

  if (fd < 0)
    return perror ("/dev/dri/card0"), 1;
  /* Become the DRM master, which fbcon otherwise is. */
  xioctl (fd, DRM_IOCTL_SET_MASTER, NULL);
  if (find_output (fd, 0, &out[0]) < 0)
    return fprintf (stderr, "drm-pattern: no connected output\n"), 1;
  if (draw (fd, &out[0], 0) < 0)
    return 1;

  for (int drawn = 1; drawn < frames;)
    {
      struct timespec pause = { 0, 100 * 1000 * 1000 };

      nanosleep (&pause, NULL);
      for (uint32_t i = 0; i < MAX_OUTPUTS; i++)
        {
          if (find_output (fd, i, &now) < 0)
            {
              if (i > 0)
                out[i].mode.hdisplay = out[i].mode.vdisplay = 0;  /* unplugged */
              continue;
            }
          if (now.mode.hdisplay == out[i].mode.hdisplay &&
              now.mode.vdisplay == out[i].mode.vdisplay)
            continue;
          out[i] = now;
          if (draw (fd, &out[i], i) < 0)
            return 1;
          if (i == 0)
            drawn++;
        }
    }
  return 0;
}
