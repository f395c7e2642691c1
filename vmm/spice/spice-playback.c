/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "spice"

#include "config.h"

#include "spice-playback.h"

#include <glib.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>

#include "audio/audio.h"
#include "log.h"

/* At most this much sound waits for the client; older sound is dropped, so
 * a stalled client never makes the guest's audio (or memory) wait. */
#define SPICE_PLAYBACK_RING_FRAMES (AUDIO_RATE / 5)

struct spice_playback {
  SpicePlaybackInstance sin;
  struct audio_consumer *consumer;
  GSource *wake;

  /* Sound device thread and main context. */
  pthread_mutex_t lock;
  uint32_t ring[SPICE_PLAYBACK_RING_FRAMES];   /* one frame: L and R, 16 bits each */
  size_t head, count;
  bool want_playing;

  /* Main context only. */
  bool playing;
  uint32_t *buffer;        /* the server's buffer being filled, or NULL */
  uint32_t buffer_frames, buffer_pos;
};

static const SpicePlaybackInterface spice_playback_interface = {
  .base = {
    .type = SPICE_INTERFACE_PLAYBACK,
    .description = "terrarium-vmm playback",
    .major_version = SPICE_INTERFACE_PLAYBACK_MAJOR,
    .minor_version = SPICE_INTERFACE_PLAYBACK_MINOR,
  },
};

/* --- Sound device thread (audio lock held) --- */

static void
spice_playback_set_wanted (struct spice_playback *sp, bool playing)
{
  pthread_mutex_lock (&sp->lock);
  sp->want_playing = playing;
  if (!playing)
    sp->count = 0;
  pthread_mutex_unlock (&sp->lock);
  g_source_set_ready_time (sp->wake, 0);
}

static void
spice_playback_start (void *opaque)
{
  spice_playback_set_wanted (opaque, true);
}

static void
spice_playback_stop (void *opaque)
{
  spice_playback_set_wanted (opaque, false);
}

static void
spice_playback_write (void *opaque, const int16_t *frames, size_t n_frames)
{
  struct spice_playback *sp = opaque;

  pthread_mutex_lock (&sp->lock);
  for (size_t i = 0; i < n_frames; i++)
    {
      uint32_t frame;

      memcpy (&frame, frames + i * AUDIO_CHANNELS, sizeof frame);
      sp->ring[(sp->head + sp->count) % SPICE_PLAYBACK_RING_FRAMES] = frame;
      if (sp->count < SPICE_PLAYBACK_RING_FRAMES)
        sp->count++;
      else
        sp->head = (sp->head + 1) % SPICE_PLAYBACK_RING_FRAMES;
    }
  pthread_mutex_unlock (&sp->lock);
  g_source_set_ready_time (sp->wake, 0);
}

static const struct audio_consumer_ops spice_playback_audio_ops = {
  .start = spice_playback_start,
  .stop = spice_playback_stop,
  .write = spice_playback_write,
};

/* --- Main context --- */

static gboolean
spice_playback_drain (gpointer data)
{
  struct spice_playback *sp = data;
  bool want;

  pthread_mutex_lock (&sp->lock);
  want = sp->want_playing;
  pthread_mutex_unlock (&sp->lock);
  if (want && !sp->playing)
    spice_server_playback_start (&sp->sin);
  else if (!want && sp->playing)
    {
      spice_server_playback_stop (&sp->sin);
      sp->buffer = NULL;
    }
  sp->playing = want;

  while (sp->playing)
    {
      size_t n;

      if (!sp->buffer)
        {
          spice_server_playback_get_buffer (&sp->sin, &sp->buffer, &sp->buffer_frames);
          sp->buffer_pos = 0;
          if (!sp->buffer || sp->buffer_frames == 0)
            {
              /* No client, or all the server's buffers are still on their
               * way to it: the sound waits in the ring (bounded, oldest
               * dropped) and the next write tries again. */
              sp->buffer = NULL;
              break;
            }
        }
      pthread_mutex_lock (&sp->lock);
      n = MIN (sp->count, (size_t) (sp->buffer_frames - sp->buffer_pos));
      for (size_t i = 0; i < n; i++)
        sp->buffer[sp->buffer_pos + i] = sp->ring[(sp->head + i) % SPICE_PLAYBACK_RING_FRAMES];
      sp->head = (sp->head + n) % SPICE_PLAYBACK_RING_FRAMES;
      sp->count -= n;
      pthread_mutex_unlock (&sp->lock);
      sp->buffer_pos += (uint32_t) n;
      if (sp->buffer_pos < sp->buffer_frames)
        break;
      spice_server_playback_put_samples (&sp->sin, sp->buffer);
      sp->buffer = NULL;
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
spice_playback_wake_dispatch (GSource *source, GSourceFunc callback, gpointer data)
{
  g_source_set_ready_time (source, -1);
  return callback (data);
}

static GSourceFuncs spice_playback_wake_funcs = {
  .dispatch = spice_playback_wake_dispatch,
};

struct spice_playback *
spice_playback_new (SpiceServer *server, struct audio *audio, char **why)
{
  struct spice_playback *sp = g_new0 (struct spice_playback, 1);

  pthread_mutex_init (&sp->lock, NULL);
  sp->sin.base.sif = &spice_playback_interface.base;
  if (spice_server_add_interface (server, &sp->sin.base) != 0)
    {
      *why = g_strdup ("SPICE: cannot add the playback channel");
      pthread_mutex_destroy (&sp->lock);
      g_free (sp);
      return NULL;
    }
  spice_server_set_playback_rate (&sp->sin, AUDIO_RATE);
  sp->wake = g_source_new (&spice_playback_wake_funcs, sizeof (GSource));
  g_source_set_callback (sp->wake, spice_playback_drain, sp, NULL);
  g_source_set_name (sp->wake, "spice-playback");
  g_source_attach (sp->wake, g_main_context_get_thread_default ());
  if (audio)
    sp->consumer = audio_register (audio, &spice_playback_audio_ops, sp);
  return sp;
}

void
spice_playback_free (struct spice_playback *sp)
{
  if (!sp)
    return;
  audio_unregister (sp->consumer);
  g_source_destroy (sp->wake);
  g_source_unref (sp->wake);
  if (sp->playing)
    spice_server_playback_stop (&sp->sin);
  spice_server_remove_interface (&sp->sin.base);
  pthread_mutex_destroy (&sp->lock);
  g_free (sp);
}
