/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

/* The DSDT's AML body (no table header), or NULL (logged). */
GByteArray *acpi_dsdt_build_aml (void);
