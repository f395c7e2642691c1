/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Display benchmark guest program (benchmarks/display): full-frame redraws
 * through a KMS dumb buffer on virtio-gpu (plain KMS ioctls, no libdrm).
 *
 *   fbbench [SECONDS] [WIDTH] [HEIGHT]      (default 10 1920 1080)
 *
 * Without arguments (run as a scenario) it also reads fbbench.seconds=S from
 * the kernel command line.
 * Takes the first connected connector, picks the WIDTHxHEIGHT mode from its
 * mode list (the preferred mode if the list has none), sets it with one dumb
 * buffer, then for SECONDS redraws every pixel of the frame (a colour that
 * changes each frame, plus a moving bar so consecutive frames differ
 * everywhere) and calls DRM_IOCTL_MODE_DIRTYFB with one full-frame clip. On
 * virtio-gpu that is a TRANSFER_TO_HOST_2D and a RESOURCE_FLUSH the driver
 * waits for (fenced), so the loop runs at the pace at which the VMM takes the
 * frames. Prints on stdout (the serial console):
 *   fbbench: mode WxH
 *   fbbench: begin                         (the host starts its CPU clock here)
 *   fbbench: frames=N seconds=S guest-fps=F
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

static int
xioctl (int fd, unsigned long request, void *arg)
{
  int ret;

  do
    ret = ioctl (fd, request, arg);
  while (ret < 0 && (errno == EINTR || errno == EAGAIN));
  return ret;
}

static double
now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct output {
  uint32_t connector_id, crtc_id;
  struct drm_mode_modeinfo mode;
};

static int
find_output (int fd, uint32_t want_w, uint32_t want_h, struct output *out)
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
      struct drm_mode_modeinfo *modes;
      int found = 0;

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
      out->crtc_id = crtcs[0];
      out->mode = modes[0];
      for (uint32_t m = 0; m < conn.count_modes; m++)
        if (modes[m].type & DRM_MODE_TYPE_PREFERRED)
          {
            out->mode = modes[m];
            break;
          }
      /* The wanted size, at 60 Hz if listed (nothing here waits for vblank:
       * the refresh rate only keeps the modes alike across VMMs). */
      for (uint32_t m = 0; m < conn.count_modes; m++)
        if (modes[m].hdisplay == want_w && modes[m].vdisplay == want_h &&
            (!found || (out->mode.vrefresh != 60 && modes[m].vrefresh == 60)))
          {
            out->mode = modes[m];
            found = 1;
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

int
main (int argc, char **argv)
{
  double seconds = argc > 1 ? atof (argv[1]) : 10;
  FILE *cmdline = argc > 1 ? NULL : fopen ("/proc/cmdline", "r");
  char word[256];

  while (cmdline && fscanf (cmdline, "%255s", word) == 1)
    if (strncmp (word, "fbbench.seconds=", 16) == 0)
      seconds = atof (word + 16);
  if (cmdline)
    fclose (cmdline);
  uint32_t want_w = argc > 2 ? (uint32_t) atoi (argv[2]) : 1920;
  uint32_t want_h = argc > 3 ? (uint32_t) atoi (argv[3]) : 1080;
  struct output out;
  int fd = open ("/dev/dri/card0", O_RDWR | O_CLOEXEC);

  if (fd < 0)
    return perror ("/dev/dri/card0"), 1;
  xioctl (fd, DRM_IOCTL_SET_MASTER, NULL);
  if (find_output (fd, want_w, want_h, &out) < 0)
    return fprintf (stderr, "fbbench: no connected output\n"), 1;

  uint32_t w = out.mode.hdisplay, h = out.mode.vdisplay;
  struct drm_mode_create_dumb create = { .width = w, .height = h, .bpp = 32 };
  struct drm_mode_fb_cmd fb = { 0 };
  struct drm_mode_map_dumb map = { 0 };
  struct drm_mode_crtc crtc = { 0 };
  uint32_t connector = out.connector_id;
  uint8_t *pixels;

  if (xioctl (fd, DRM_IOCTL_MODE_CREATE_DUMB, &create) < 0)
    return perror ("CREATE_DUMB"), 1;
  fb.width = w;
  fb.height = h;
  fb.pitch = create.pitch;
  fb.bpp = 32;
  fb.depth = 24;
  fb.handle = create.handle;
  if (xioctl (fd, DRM_IOCTL_MODE_ADDFB, &fb) < 0)
    return perror ("ADDFB"), 1;
  map.handle = create.handle;
  if (xioctl (fd, DRM_IOCTL_MODE_MAP_DUMB, &map) < 0)
    return perror ("MAP_DUMB"), 1;
  pixels = mmap (NULL, create.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, map.offset);
  if (pixels == MAP_FAILED)
    return perror ("mmap"), 1;
  memset (pixels, 0, create.size);
  crtc.crtc_id = out.crtc_id;
  crtc.fb_id = fb.fb_id;
  crtc.set_connectors_ptr = (uintptr_t) &connector;
  crtc.count_connectors = 1;
  crtc.mode = out.mode;
  crtc.mode_valid = 1;
  if (xioctl (fd, DRM_IOCTL_MODE_SETCRTC, &crtc) < 0)
    return perror ("SETCRTC"), 1;
  printf ("fbbench: mode %ux%u@%u\n", w, h, out.mode.vrefresh);
  printf ("fbbench: begin\n");
  fflush (stdout);

  struct drm_clip_rect clip = { 0, 0, (unsigned short) w, (unsigned short) h };
  struct drm_mode_fb_dirty_cmd dirty = {
    .fb_id = fb.fb_id, .num_clips = 1, .clips_ptr = (uintptr_t) &clip,
  };
  unsigned long frames = 0, failed = 0;
  double t0 = now (), t = t0;

  while (t - t0 < seconds)
    {
      uint32_t colour = (frames * 0x010307u) & 0xffffffu;
      uint32_t bar = (uint32_t) (frames * 8 % w);

      for (uint32_t y = 0; y < h; y++)
        {
          uint32_t *row = (uint32_t *) (pixels + (size_t) y * create.pitch);

          for (uint32_t x = 0; x < w; x++)
            row[x] = colour ^ (x - bar < 16 ? 0xffffffu : 0);
        }
      if (xioctl (fd, DRM_IOCTL_MODE_DIRTYFB, &dirty) < 0)
        failed++;
      frames++;
      t = now ();
    }
  printf ("fbbench: frames=%lu seconds=%.3f guest-fps=%.2f failed-dirtyfb=%lu\n", frames, t - t0,
          frames / (t - t0), failed);
  fflush (stdout);
  return 0;
}
