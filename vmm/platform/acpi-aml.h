/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * A small AML encoder, enough for a static DSDT: scopes, devices, names,
 * integers, strings, packages, buffers (resource templates) and trivial
 * methods. Objects with a PkgLength are opened, filled and closed; the length
 * is encoded when they close. See the ACPI specification, "ACPI Source
 * Language Reference" and "AML Specification".
 */

#define AML_MAX_DEPTH 16

struct aml {
  GByteArray *buf;
  unsigned open[AML_MAX_DEPTH];  /* where each open object's body starts */
  unsigned depth;
  bool failed;                   /* nesting too deep or unbalanced */
};

void aml_init (struct aml *a);
/* Returns the encoded bytes (g_byte_array_unref) or NULL if misused. */
GByteArray *aml_finish (struct aml *a);

void aml_bytes (struct aml *a, const void *data, size_t len);
void aml_byte (struct aml *a, uint8_t v);
void aml_namestring (struct aml *a, const char *path);  /* "\\_SB.PCI0", "_HID" */
void aml_integer (struct aml *a, uint64_t v);
void aml_string (struct aml *a, const char *s);
void aml_eisaid (struct aml *a, const char *id);        /* "PNP0A03" */
void aml_buffer (struct aml *a, const void *data, size_t len);

void aml_scope_begin (struct aml *a, const char *path);
void aml_device_begin (struct aml *a, const char *name);
void aml_method_begin (struct aml *a, const char *name, unsigned n_args, bool serialized);
void aml_package_begin (struct aml *a, unsigned n_elements);
void aml_end (struct aml *a);

/* Name (NAME, <the object emitted next>) */
void aml_name (struct aml *a, const char *name);
/* Return (<the object emitted next>) */
void aml_return (struct aml *a);
void aml_arg (struct aml *a, unsigned n);               /* ArgN */

/* Resource descriptors, appended to a GByteArray that becomes a Buffer. */
void aml_res_io (GByteArray *r, uint16_t base, uint8_t len);
void aml_res_irq (GByteArray *r, unsigned irq);
void aml_res_memory32_fixed (GByteArray *r, uint32_t base, uint32_t len);
void aml_res_bus_numbers (GByteArray *r, uint16_t min, uint16_t max);
void aml_res_io_window (GByteArray *r, uint16_t min, uint16_t max);
void aml_res_memory32_window (GByteArray *r, uint32_t min, uint32_t max, bool cacheable);
void aml_res_memory64_window (GByteArray *r, uint64_t min, uint64_t max);
void aml_res_end (GByteArray *r);
