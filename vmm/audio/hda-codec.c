/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "hda"

#include "config.h"

#include "hda-codec.h"

#include <glib.h>

#include "log.h"

/* Red Hat's vendor ID (what virtual codecs use): no vendor driver claims it,
 * so the generic drivers take the codec. */
#define HDA_CODEC_VENDOR_ID    0x1af40021u
#define HDA_CODEC_REVISION_ID  0x00100101u
#define HDA_CODEC_SUBSYSTEM_ID 0x1af40021u

/* Parameters (verb F00). */
#define HDA_PARAM_VENDOR_ID        0x00
#define HDA_PARAM_REVISION_ID      0x02
#define HDA_PARAM_NODE_COUNT       0x04
#define HDA_PARAM_FUNCTION_TYPE    0x05
#define HDA_PARAM_AFG_CAPS         0x08
#define HDA_PARAM_WIDGET_CAPS      0x09
#define HDA_PARAM_PCM              0x0a
#define HDA_PARAM_STREAM_FORMATS   0x0b
#define HDA_PARAM_PIN_CAPS         0x0c
#define HDA_PARAM_AMP_IN_CAPS      0x0d
#define HDA_PARAM_CONN_LIST_LEN    0x0e
#define HDA_PARAM_POWER_STATES     0x0f

/* Widget capabilities: type in 23:20, then flags. */
#define HDA_WCAP_TYPE_OUTPUT   (0x0u << 20)
#define HDA_WCAP_TYPE_PIN      (0x4u << 20)
#define HDA_WCAP_STEREO        (1u << 0)
#define HDA_WCAP_FORMAT_OVERRIDE (1u << 4)
#define HDA_WCAP_CONN_LIST     (1u << 8)
#define HDA_WCAP_POWER         (1u << 10)

/* 16-bit samples at 44.1 and 48 kHz; PCM streams. */
#define HDA_PCM_CAPS   ((1u << 17) | (1u << 6) | (1u << 5))
/* Jack on the back panel, line out, 1/8" green, no presence detection; association 1. */
#define HDA_PIN_CONFIG 0x01014110u

void
hda_codec_reset (struct hda_codec *codec)
{
  *codec = (struct hda_codec) {
    .power_afg = 0, .power_dac = 0, .power_pin = 0,
    .format = 0x0011,   /* 48 kHz, 16 bits, stereo */
  };
}

static uint32_t
hda_codec_parameter (unsigned nid, unsigned param)
{
  switch (nid)
    {
    case HDA_CODEC_NID_ROOT:
      switch (param)
        {
        case HDA_PARAM_VENDOR_ID: return HDA_CODEC_VENDOR_ID;
        case HDA_PARAM_REVISION_ID: return HDA_CODEC_REVISION_ID;
        case HDA_PARAM_NODE_COUNT: return (HDA_CODEC_NID_AFG << 16) | 1;
        default: return 0;
        }
    case HDA_CODEC_NID_AFG:
      switch (param)
        {
        case HDA_PARAM_NODE_COUNT: return (HDA_CODEC_NID_DAC << 16) | 2;
        case HDA_PARAM_FUNCTION_TYPE: return 0x01;   /* audio function group */
        case HDA_PARAM_PCM: return HDA_PCM_CAPS;
        case HDA_PARAM_STREAM_FORMATS: return 0x1;
        case HDA_PARAM_POWER_STATES: return 0x9;      /* D0 and D3 */
        default: return 0;
        }
    case HDA_CODEC_NID_DAC:
      switch (param)
        {
        case HDA_PARAM_WIDGET_CAPS:
          return HDA_WCAP_TYPE_OUTPUT | HDA_WCAP_STEREO | HDA_WCAP_FORMAT_OVERRIDE |
                 HDA_WCAP_POWER;
        case HDA_PARAM_PCM: return HDA_PCM_CAPS;
        case HDA_PARAM_STREAM_FORMATS: return 0x1;
        case HDA_PARAM_POWER_STATES: return 0x9;
        default: return 0;
        }
    case HDA_CODEC_NID_PIN:
      switch (param)
        {
        case HDA_PARAM_WIDGET_CAPS:
          return HDA_WCAP_TYPE_PIN | HDA_WCAP_STEREO | HDA_WCAP_CONN_LIST | HDA_WCAP_POWER;
        case HDA_PARAM_PIN_CAPS: return 1u << 4;     /* output capable */
        case HDA_PARAM_CONN_LIST_LEN: return 1;
        case HDA_PARAM_POWER_STATES: return 0x9;
        default: return 0;
        }
    default:
      return 0;
    }
}

static uint32_t *
hda_codec_power (struct hda_codec *codec, unsigned nid)
{
  switch (nid)
    {
    case HDA_CODEC_NID_AFG: return &codec->power_afg;
    case HDA_CODEC_NID_DAC: return &codec->power_dac;
    case HDA_CODEC_NID_PIN: return &codec->power_pin;
    default: return NULL;
    }
}

/* Verbs with a 4-bit ID and a 16-bit payload: formats (and amplifiers,
 * which the codec has none of: their verbs do nothing). */
static uint32_t
hda_codec_verb4 (struct hda_codec *codec, unsigned nid, unsigned id, unsigned payload)
{
  if (nid != HDA_CODEC_NID_DAC)
    return 0;
  switch (id)
    {
    case 0x2:   /* set converter format */
      codec->format = payload;
      return 0;
    case 0xa:   /* get converter format */
      return codec->format;
    default:
      return 0;
    }
}

uint32_t
hda_codec_command (struct hda_codec *codec, uint32_t verb)
{
  unsigned nid = (verb >> 20) & 0xff;
  unsigned id12 = (verb >> 8) & 0xfff;
  unsigned payload = verb & 0xff;
  uint32_t *power;

  if (nid > HDA_CODEC_NID_PIN)
    return 0;
  /* 4-bit verbs: 0x2, 0x3, 0xa, 0xb in the top nibble of the verb field. */
  switch (id12 >> 8)
    {
    case 0x2: case 0x3: case 0xa: case 0xb:
      return hda_codec_verb4 (codec, nid, id12 >> 8, verb & 0xffff);
    default:
      break;
    }

  switch (id12)
    {
    case 0xf00:   /* get parameter */
      return hda_codec_parameter (nid, payload);
    case 0xf02:   /* connection list entries from @payload: the pin's one is the DAC */
      return nid == HDA_CODEC_NID_PIN && payload == 0 ? HDA_CODEC_NID_DAC : 0;
    case 0xf01: case 0x701:   /* connection select: one input only */
      return 0;
    case 0x705:   /* set power state */
      if ((power = hda_codec_power (codec, nid)))
        *power = payload & 0x3;
      return 0;
    case 0xf05:   /* the state actually reached is the one set, at once */
      if ((power = hda_codec_power (codec, nid)))
        return (*power << 4) | *power;
      return 0;
    case 0x706:
      if (nid == HDA_CODEC_NID_DAC)
        {
          codec->stream_tag = payload >> 4;
          codec->channel = payload & 0xf;
        }
      return 0;
    case 0xf06:
      return nid == HDA_CODEC_NID_DAC ? (uint32_t) (codec->stream_tag << 4 | codec->channel) : 0;
    case 0x707:
      if (nid == HDA_CODEC_NID_PIN)
        codec->pin_ctl = payload;
      return 0;
    case 0xf07:
      return nid == HDA_CODEC_NID_PIN ? codec->pin_ctl : 0;
    case 0x708:
      codec->unsol = payload;
      return 0;
    case 0xf08:
      return codec->unsol;
    case 0x70c:
      codec->eapd = payload;
      return 0;
    case 0xf0c:
      return codec->eapd;
    case 0xf1c:   /* configuration default */
      return nid == HDA_CODEC_NID_PIN ? HDA_PIN_CONFIG : 0;
    case 0xf20:   /* subsystem ID */
      return nid == HDA_CODEC_NID_AFG ? HDA_CODEC_SUBSYSTEM_ID : 0;
    case 0x7ff:   /* function group reset */
      if (nid == HDA_CODEC_NID_AFG)
        hda_codec_reset (codec);
      return 0;
    default:
      return 0;
    }
}
