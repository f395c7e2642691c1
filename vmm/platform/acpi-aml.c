/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "acpi"

#include "config.h"

#include "acpi-aml.h"

#include "log.h"

#include <string.h>

#define AML_ZERO_OP        0x00
#define AML_ONE_OP         0x01
#define AML_NAME_OP        0x08
#define AML_BYTE_PREFIX    0x0a
#define AML_WORD_PREFIX    0x0b
#define AML_DWORD_PREFIX   0x0c
#define AML_STRING_PREFIX  0x0d
#define AML_QWORD_PREFIX   0x0e
#define AML_SCOPE_OP       0x10
#define AML_BUFFER_OP      0x11
#define AML_PACKAGE_OP     0x12
#define AML_METHOD_OP      0x14
#define AML_DUAL_NAME      0x2e
#define AML_MULTI_NAME     0x2f
#define AML_EXT_OP         0x5b
#define AML_DEVICE_OP      0x82   /* after AML_EXT_OP */
#define AML_ARG0_OP        0x68
#define AML_RETURN_OP      0xa4

void
aml_init (struct aml *a)
{
  memset (a, 0, sizeof *a);
  a->buf = g_byte_array_new ();
}

GByteArray *
aml_finish (struct aml *a)
{
  GByteArray *buf = a->buf;

  a->buf = NULL;
  if (a->failed || a->depth != 0)
    {
      vmm_error ("AML encoder misused (depth %u)", a->depth);
      g_byte_array_unref (buf);
      return NULL;
    }
  return buf;
}

void
aml_bytes (struct aml *a, const void *data, size_t len)
{
  g_byte_array_append (a->buf, data, len);
}

void
aml_byte (struct aml *a, uint8_t v)
{
  aml_bytes (a, &v, 1);
}

static void
aml_le (struct aml *a, uint64_t v, unsigned n)
{
  unsigned i;

  for (i = 0; i < n; i++)
    aml_byte (a, v >> (8 * i));
}

static void
aml_nameseg (struct aml *a, const char *seg, size_t len)
{
  size_t i;

  if (len == 0 || len > 4)
    {
      a->failed = true;
      return;
    }
  for (i = 0; i < 4; i++)
    aml_byte (a, i < len ? seg[i] : '_');
}

void
aml_namestring (struct aml *a, const char *path)
{
  g_auto (GStrv) segs = NULL;
  unsigned n, i;

  while (*path == '\\' || *path == '^')
    aml_byte (a, *path++);
  if (*path == '\0')
    {
      aml_byte (a, 0x00); /* NullName */
      return;
    }
  segs = g_strsplit (path, ".", -1);
  n = g_strv_length (segs);
  if (n == 2)
    aml_byte (a, AML_DUAL_NAME);
  else if (n > 2)
    {
      aml_byte (a, AML_MULTI_NAME);
      aml_byte (a, n);
    }
  for (i = 0; i < n; i++)
    aml_nameseg (a, segs[i], strlen (segs[i]));
}

void
aml_integer (struct aml *a, uint64_t v)
{
  if (v == 0)
    aml_byte (a, AML_ZERO_OP);
  else if (v == 1)
    aml_byte (a, AML_ONE_OP);
  else if (v <= 0xff)
    aml_byte (a, AML_BYTE_PREFIX), aml_le (a, v, 1);
  else if (v <= 0xffff)
    aml_byte (a, AML_WORD_PREFIX), aml_le (a, v, 2);
  else if (v <= 0xffffffff)
    aml_byte (a, AML_DWORD_PREFIX), aml_le (a, v, 4);
  else
    aml_byte (a, AML_QWORD_PREFIX), aml_le (a, v, 8);
}

void
aml_string (struct aml *a, const char *s)
{
  aml_byte (a, AML_STRING_PREFIX);
  aml_bytes (a, s, strlen (s) + 1);
}

void
aml_eisaid (struct aml *a, const char *id)
{
  uint32_t v;
  unsigned i;

  if (strlen (id) != 7)
    {
      a->failed = true;
      return;
    }
  /* Three letters in 5 bits each, then four hex digits, big-endian. */
  v = (uint32_t) ((id[0] - '@') & 0x1f) << 26 | (uint32_t) ((id[1] - '@') & 0x1f) << 21 |
      (uint32_t) ((id[2] - '@') & 0x1f) << 16;
  for (i = 0; i < 4; i++)
    v |= (uint32_t) g_ascii_xdigit_value (id[3 + i]) << (12 - 4 * i);
  aml_byte (a, AML_DWORD_PREFIX);
  aml_byte (a, v >> 24);
  aml_byte (a, v >> 16);
  aml_byte (a, v >> 8);
  aml_byte (a, v);
}

static void
aml_begin (struct aml *a)
{
  if (a->depth >= AML_MAX_DEPTH)
    {
      a->failed = true;
      return;
    }
  a->open[a->depth++] = a->buf->len;
}

void
aml_end (struct aml *a)
{
  uint8_t enc[4];
  unsigned start, body, n, total;

  if (a->depth == 0 || a->failed)
    {
      a->failed = true;
      return;
    }
  start = a->open[--a->depth];
  body = a->buf->len - start;
  /* The length counts its own encoding: 1 byte up to 63, then 2-4 bytes. */
  if (body + 1 <= 0x3f)
    n = 1;
  else if (body + 2 <= 0xfff)
    n = 2;
  else if (body + 3 <= 0xfffff)
    n = 3;
  else
    n = 4;
  total = body + n;
  if (n == 1)
    enc[0] = total;
  else
    {
      unsigned i;

      enc[0] = (n - 1) << 6 | (total & 0xf);
      for (i = 1; i < n; i++)
        enc[i] = total >> (4 + 8 * (i - 1));
    }
  g_byte_array_set_size (a->buf, a->buf->len + n);
  memmove (a->buf->data + start + n, a->buf->data + start, body);
  memcpy (a->buf->data + start, enc, n);
}

void
aml_buffer (struct aml *a, const void *data, size_t len)
{
  aml_byte (a, AML_BUFFER_OP);
  aml_begin (a);
  aml_integer (a, len);
  aml_bytes (a, data, len);
  aml_end (a);
}

void
aml_scope_begin (struct aml *a, const char *path)
{
  aml_byte (a, AML_SCOPE_OP);
  aml_begin (a);
  aml_namestring (a, path);
}

void
aml_device_begin (struct aml *a, const char *name)
{
  aml_byte (a, AML_EXT_OP);
  aml_byte (a, AML_DEVICE_OP);
  aml_begin (a);
  aml_namestring (a, name);
}

void
aml_method_begin (struct aml *a, const char *name, unsigned n_args, bool serialized)
{
  aml_byte (a, AML_METHOD_OP);
  aml_begin (a);
  aml_namestring (a, name);
  aml_byte (a, (n_args & 7) | (serialized ? 0x08 : 0));
}

void
aml_package_begin (struct aml *a, unsigned n_elements)
{
  if (n_elements > 255)
    a->failed = true;
  aml_byte (a, AML_PACKAGE_OP);
  aml_begin (a);
  aml_byte (a, n_elements);
}

void
aml_name (struct aml *a, const char *name)
{
  aml_byte (a, AML_NAME_OP);
  aml_namestring (a, name);
}

void
aml_return (struct aml *a)
{
  aml_byte (a, AML_RETURN_OP);
}

void
aml_arg (struct aml *a, unsigned n)
{
  if (n > 6)
    a->failed = true;
  aml_byte (a, AML_ARG0_OP + n);
}

static void
aml_res_le (GByteArray *r, uint64_t v, unsigned n)
{
  unsigned i;

  for (i = 0; i < n; i++)
    {
      uint8_t b = v >> (8 * i);

      g_byte_array_append (r, &b, 1);
    }
}

void
aml_res_io (GByteArray *r, uint16_t base, uint8_t len)
{
  /* IO (Decode16, base, base, 1, len) */
  aml_res_le (r, 0x47, 1);
  aml_res_le (r, 0x01, 1);
  aml_res_le (r, base, 2);
  aml_res_le (r, base, 2);
  aml_res_le (r, 1, 1);
  aml_res_le (r, len, 1);
}

void
aml_res_irq (GByteArray *r, unsigned irq)
{
  /* IRQNoFlags () { irq }: edge, active high, exclusive */
  aml_res_le (r, 0x22, 1);
  aml_res_le (r, 1u << irq, 2);
}

void
aml_res_memory32_fixed (GByteArray *r, uint32_t base, uint32_t len)
{
  aml_res_le (r, 0x86, 1);
  aml_res_le (r, 9, 2);
  aml_res_le (r, 0x01, 1); /* read-write */
  aml_res_le (r, base, 4);
  aml_res_le (r, len, 4);
}

/* An address space descriptor a bridge produces (a window), fixed min and max. */
static void
aml_res_window (GByteArray *r, unsigned width, uint8_t type, uint8_t type_flags, uint64_t min,
                uint64_t max)
{
  static const uint8_t tags[] = { [2] = 0x88, [4] = 0x87, [8] = 0x8a };

  aml_res_le (r, tags[width], 1);
  aml_res_le (r, 3 + 5 * width, 2);
  aml_res_le (r, type, 1);
  aml_res_le (r, 0x0c, 1); /* producer, positive decode, min and max fixed */
  aml_res_le (r, type_flags, 1);
  aml_res_le (r, 0, width);             /* granularity */
  aml_res_le (r, min, width);
  aml_res_le (r, max, width);
  aml_res_le (r, 0, width);             /* translation */
  aml_res_le (r, max - min + 1, width); /* length */
}

void
aml_res_bus_numbers (GByteArray *r, uint16_t min, uint16_t max)
{
  aml_res_window (r, 2, 2, 0, min, max);
}

void
aml_res_io_window (GByteArray *r, uint16_t min, uint16_t max)
{
  aml_res_window (r, 2, 1, 0x03 /* entire range */, min, max);
}

void
aml_res_memory32_window (GByteArray *r, uint32_t min, uint32_t max, bool cacheable)
{
  aml_res_window (r, 4, 0, cacheable ? 0x03 : 0x01 /* read-write */, min, max);
}

void
aml_res_memory64_window (GByteArray *r, uint64_t min, uint64_t max)
{
  aml_res_window (r, 8, 0, 0x01, min, max);
}

void
aml_res_end (GByteArray *r)
{
  aml_res_le (r, 0x79, 1);
  aml_res_le (r, 0, 1); /* checksum 0: "treat as valid" */
}
