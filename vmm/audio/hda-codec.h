/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/*
 * An output-only HD Audio codec, as the controller's one codec at address
 * 0: the root node, an audio function group, a stereo DAC and a line-out pin
 * fed by the DAC. It speaks 16-bit PCM at 44.1 and 48 kHz. Drivers that know
 * no vendor quirks (Linux's generic codec driver, Windows' HDAudio class
 * driver) drive it from what its parameters say.
 *
 * No amplifier: Linux starts every amplifier it finds muted at zero volume
 * and leaves unmuting to user space, so a guest without a sound server
 * would play silence. Volume belongs to the guest's sound server (software)
 * and to the host (vmm/audio/pulse.c).
 *
 * Not thread-safe: the controller calls it with its own lock held.
 */

#define HDA_CODEC_NID_ROOT 0x00
#define HDA_CODEC_NID_AFG  0x01
#define HDA_CODEC_NID_DAC  0x02
#define HDA_CODEC_NID_PIN  0x03

struct hda_codec {
  uint32_t power_afg, power_dac, power_pin;   /* set states (D0..D3) */
  uint8_t stream_tag;         /* the stream the DAC takes, 0: none */
  uint8_t channel;
  uint16_t format;            /* stream format, as in SDnFMT */
  uint8_t pin_ctl;
  uint8_t unsol;
  uint8_t eapd;
};

void hda_codec_reset (struct hda_codec *codec);

/*
 * Runs @verb (a CORB entry's low 28 bits: node ID, verb and payload; the
 * codec address is the controller's business). Every verb gets a response,
 * 0 for what the codec does not know, as the specification asks.
 */
uint32_t hda_codec_command (struct hda_codec *codec, uint32_t verb);
