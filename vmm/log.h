/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <stdatomic.h>

/*
 * Logging for the VMM library. Library code never exits: it returns -errno and
 * logs the reason with one of these.
 *
 * vmm_guest_error() is for things a guest did wrong (bad descriptor, address
 * outside RAM). A hostile guest could otherwise flood the log, so each call
 * site prints its first few occurrences only.
 */
#define vmm_error(...)   g_warning (__VA_ARGS__)
#define vmm_info(...)    g_info (__VA_ARGS__)
#define vmm_debug(...)   g_debug (__VA_ARGS__)

#define VMM_GUEST_ERROR_BURST 10

#define vmm_guest_error(...)                                                          \
  do                                                                                  \
    {                                                                                 \
      static atomic_uint vmm_guest_error_count_;                                      \
      unsigned vmm_guest_error_n_ = atomic_fetch_add (&vmm_guest_error_count_, 1);    \
      if (vmm_guest_error_n_ < VMM_GUEST_ERROR_BURST)                                 \
        g_message ("guest error: " __VA_ARGS__);                                      \
      else if (vmm_guest_error_n_ == VMM_GUEST_ERROR_BURST)                           \
        g_message ("guest error: (further messages from %s:%d suppressed)",           \
                   __FILE__, __LINE__);                                               \
    }                                                                                 \
  while (0)
