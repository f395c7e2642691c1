/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "audio"

#include "config.h"

#include "audio.h"

#include <glib.h>
#include <pthread.h>
#include <stdbool.h>

#include "log.h"

struct audio_consumer {
  struct audio *audio;
  struct audio_consumer_ops ops;
  void *opaque;
};

/* One lock: consumers' ops only copy, so holding it across them is short,
 * and it is what makes audio_unregister() wait for a running op. */
struct audio {
  pthread_mutex_t lock;
  GPtrArray *consumers;
  bool playing;
};

struct audio *
audio_new (void)
{
  struct audio *audio = g_new0 (struct audio, 1);

  pthread_mutex_init (&audio->lock, NULL);
  audio->consumers = g_ptr_array_new ();
  return audio;
}

void
audio_free (struct audio *audio)
{
  if (!audio)
    return;
  if (audio->consumers->len)
    vmm_error ("audio freed with %u consumers registered", audio->consumers->len);
  g_ptr_array_unref (audio->consumers);
  pthread_mutex_destroy (&audio->lock);
  g_free (audio);
}

struct audio_consumer *
audio_register (struct audio *audio, const struct audio_consumer_ops *ops, void *opaque)
{
  struct audio_consumer *consumer = g_new0 (struct audio_consumer, 1);

  consumer->audio = audio;
  consumer->ops = *ops;
  consumer->opaque = opaque;
  pthread_mutex_lock (&audio->lock);
  g_ptr_array_add (audio->consumers, consumer);
  if (audio->playing && consumer->ops.start)
    consumer->ops.start (consumer->opaque);
  pthread_mutex_unlock (&audio->lock);
  return consumer;
}

void
audio_unregister (struct audio_consumer *consumer)
{
  struct audio *audio;

  if (!consumer)
    return;
  audio = consumer->audio;
  pthread_mutex_lock (&audio->lock);
  g_ptr_array_remove (audio->consumers, consumer);
  pthread_mutex_unlock (&audio->lock);
  g_free (consumer);
}

static void
audio_set_playing (struct audio *audio, bool playing)
{
  pthread_mutex_lock (&audio->lock);
  if (audio->playing != playing)
    {
      audio->playing = playing;
      for (unsigned i = 0; i < audio->consumers->len; i++)
        {
          struct audio_consumer *c = audio->consumers->pdata[i];
          void (*fn) (void *) = playing ? c->ops.start : c->ops.stop;

          if (fn)
            fn (c->opaque);
        }
    }
  pthread_mutex_unlock (&audio->lock);
}

void
audio_start (struct audio *audio)
{
  audio_set_playing (audio, true);
}

void
audio_stop (struct audio *audio)
{
  audio_set_playing (audio, false);
}

void
audio_write (struct audio *audio, const int16_t *frames, size_t n_frames)
{
  pthread_mutex_lock (&audio->lock);
  if (audio->playing)
    for (unsigned i = 0; i < audio->consumers->len; i++)
      {
        struct audio_consumer *c = audio->consumers->pdata[i];

        if (c->ops.write)
          c->ops.write (c->opaque, frames, n_frames);
      }
  pthread_mutex_unlock (&audio->lock);
}
