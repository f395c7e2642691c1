/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "pci.h"

/* Claims 0xCF8 (latch), 0xCFC..0xCFF (data) and the ECAM window for @pci. */
int pci_access_claim (struct pci_bus *pci, uint64_t ecam_base, uint64_t ecam_size)
  __attribute__ ((warn_unused_result));
void pci_access_release (struct pci_bus *pci, uint64_t ecam_base, uint64_t ecam_size);
