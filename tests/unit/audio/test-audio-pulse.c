/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The host side of sound without a PulseAudio server: the VM goes on, the
 * consumer takes what the device writes; and the [sound] settings. */
#define G_LOG_DOMAIN "test-audio-pulse"

#include "config.h"

#include <glib.h>
#include <stdlib.h>

#include "audio/audio.h"
#include "audio/pulse.h"
#include "machine-config.h"

static void
test_no_server (void)
{
  struct audio *audio = audio_new ();
  struct audio_pulse *pulse;
  int16_t frames[480 * 2] = { 0 };

  /* A socket nobody listens on: the connection fails at once. */
  g_setenv ("PULSE_SERVER", "unix:/nonexistent/terrarium-test/native", TRUE);
  pulse = audio_pulse_new (audio, "test");
  g_assert_nonnull (pulse);
  audio_start (audio);
  for (unsigned i = 0; i < 100; i++)
    audio_write (audio, frames, 480);
  g_usleep (100000);
  for (unsigned i = 0; i < 100; i++)
    audio_write (audio, frames, 480);
  audio_stop (audio);

  g_assert_cmpfloat (audio_pulse_get_volume (pulse), ==, 1.0);
  audio_pulse_set_volume (pulse, 0.25);
  g_assert_cmpfloat (audio_pulse_get_volume (pulse), ==, 0.25);
  audio_pulse_set_volume (pulse, 7.0);
  g_assert_cmpfloat (audio_pulse_get_volume (pulse), ==, 1.0);
  audio_pulse_set_volume (pulse, -1.0);
  g_assert_cmpfloat (audio_pulse_get_volume (pulse), ==, 0.0);
  g_assert_false (audio_pulse_get_mute (pulse));
  audio_pulse_set_mute (pulse, true);
  g_assert_true (audio_pulse_get_mute (pulse));

  audio_pulse_free (pulse);
  audio_free (audio);
}

static void
test_config (void)
{
  struct machine_config cfg;
  g_autoptr (GError) error = NULL;
  g_autofree char *data = NULL;

  machine_config_init (&cfg);
  g_assert_true (cfg.sound);
  g_assert_cmpint (machine_config_set_option (&cfg, "sound", "off", "--sound", &error), ==, 0);
  g_assert_false (cfg.sound);
  g_assert_cmpint (machine_config_set_option (&cfg, "sound", "loud", "--sound", &error), <, 0);
  g_assert_cmpstr (error->message, ==, "--sound: 'loud' is not on or off");
  g_clear_error (&error);
  data = machine_config_to_data (&cfg, NULL);
  g_assert_nonnull (strstr (data, "[sound]\nenabled=false\n"));
  machine_config_clear (&cfg);

  machine_config_init (&cfg);
  g_assert_cmpint (machine_config_load_data (&cfg, "[sound]\nenabled=false\n", -1, "t.ini",
                                             &error), ==, 0);
  g_assert_false (cfg.sound);
  g_assert_cmpint (machine_config_load_data (&cfg, "[sound]\nenabled=maybe\n", -1, "t.ini",
                                             &error), <, 0);
  g_assert_cmpstr (error->message, ==, "t.ini: [sound] enabled: 'maybe' is not on or off");
  machine_config_clear (&cfg);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* The missing server is worth a warning; here it is the point. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  g_test_add_func ("/Vmm/audio-pulse/no-server", test_no_server);
  g_test_add_func ("/Vmm/audio-pulse/config", test_config);
  return g_test_run ();
}
