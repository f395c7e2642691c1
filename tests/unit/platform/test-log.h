/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * The VMM logs with structured logging, which g_test_expect_message() does not
 * see in GLib 2.74: around a call that is meant to warn, make warnings
 * non-fatal instead and check the call's result.
 */

#include <glib.h>

static inline GLogLevelFlags
test_log_allow_warnings (void)
{
  return g_log_set_always_fatal (G_LOG_FATAL_MASK);
}

static inline void
test_log_restore (GLogLevelFlags saved)
{
  g_log_set_always_fatal (saved);
}
