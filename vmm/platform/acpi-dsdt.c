/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "acpi"

#include "config.h"

#include "acpi-dsdt.h"

#include "platform/acpi-aml.h"
#include "platform/i8042.h"
#include "platform/pci-host.h"
#include "platform/pm.h"
#include "platform/rtc.h"
#include "platform/uart.h"
#include "vm.h"

/*
 * In ASL terms:
 *
 *   Scope (\_SB) {
 *     Device (PCI0) {            PCIe root bridge: bus 0, ECAM from MCFG
 *       _HID PNP0A08, _CID PNP0A03, _SEG 0, _BBN 0, _UID 0
 *       Method (_OSC, 4) { Return (Arg3) }   grants what the OS asks
 *       _CRS: buses 0-255, I/O 0-0xCF7 and 0xD00-0xFFFF, 0xA0000-0xBFFFF,
 *             the 32-bit and 64-bit MMIO windows of vm.h
 *       _PRT: slots 0-31, pins A-D, straight to GSIs (pci_host_intx_gsi)
 *     }
 *     Device (MRES) { PNP0C02: ECAM and the PM block, so Linux trusts MCFG }
 *     Device (COM1) { PNP0501: 0x3F8, IRQ 4 }
 *     Device (RTC)  { PNP0B00: 0x70, IRQ 8 }
 *     Device (KBD)  { PNP0303: 0x60, 0x64, IRQ 1 }   no PNP0F13: no mouse port
 *   }
 *   Name (\_S0, ...), Name (\_S5, Package { 7, 7, 0, 0 })
 *
 * The power button is the FADT's fixed-feature one, so no device here.
 */

static void
acpi_dsdt_name_resources (struct aml *a, const char *name, GByteArray *res)
{
  aml_res_end (res);
  aml_name (a, name);
  aml_buffer (a, res->data, res->len);
  g_byte_array_unref (res);
}

static void
acpi_dsdt_pci0 (struct aml *a)
{
  GByteArray *res = g_byte_array_new ();
  unsigned slot, pin;

  aml_device_begin (a, "PCI0");
  aml_name (a, "_HID");
  aml_eisaid (a, "PNP0A08");
  aml_name (a, "_CID");
  aml_eisaid (a, "PNP0A03");
  aml_name (a, "_SEG");
  aml_integer (a, 0);
  aml_name (a, "_BBN");
  aml_integer (a, 0);
  aml_name (a, "_UID");
  aml_integer (a, 0);

  /* No PCIe features to keep from the OS: hand back what it asked for. */
  aml_method_begin (a, "_OSC", 4, false);
  aml_return (a);
  aml_arg (a, 3);
  aml_end (a);

  aml_res_bus_numbers (res, 0, 255);
  aml_res_io_window (res, 0x0000, 0x0cf7);
  aml_res_io_window (res, 0x0d00, 0xffff);
  aml_res_memory32_window (res, 0xa0000, 0xbffff, true);
  aml_res_memory32_window (res, VM_MMIO32_BASE, VM_MMIO32_END - 1, false);
  aml_res_memory64_window (res, VM_MMIO64_BASE, VM_MMIO64_BASE + VM_MMIO64_SIZE - 1);
  acpi_dsdt_name_resources (a, "_CRS", res);

  aml_name (a, "_PRT");
  aml_package_begin (a, 32 * 4);
  for (slot = 0; slot < 32; slot++)
    for (pin = 1; pin <= 4; pin++)
      {
        aml_package_begin (a, 4);
        aml_integer (a, (uint64_t) slot << 16 | 0xffff); /* any function */
        aml_integer (a, pin - 1);                          /* 0 = INTA# */
        aml_integer (a, 0);                                /* no link device: a GSI */
        aml_integer (a, pci_host_intx_gsi (slot, pin));
        aml_end (a);
      }
  aml_end (a);
  aml_end (a);
}

static void
acpi_dsdt_isa_device (struct aml *a, const char *name, const char *hid, unsigned uid,
                      uint16_t port, uint8_t len, unsigned irq)
{
  GByteArray *res = g_byte_array_new ();

  aml_device_begin (a, name);
  aml_name (a, "_HID");
  aml_eisaid (a, hid);
  aml_name (a, "_UID");
  aml_integer (a, uid);
  aml_res_io (res, port, len);
  aml_res_irq (res, irq);
  acpi_dsdt_name_resources (a, "_CRS", res);
  aml_end (a);
}

/* SeaBIOS and Linux look for PNP0303 before they touch the 8042; the ports
 * are two single bytes four apart, so not acpi_dsdt_isa_device(). */
static void
acpi_dsdt_keyboard (struct aml *a)
{
  GByteArray *res = g_byte_array_new ();

  aml_device_begin (a, "KBD");
  aml_name (a, "_HID");
  aml_eisaid (a, "PNP0303");
  aml_name (a, "_UID");
  aml_integer (a, 0);
  aml_res_io (res, I8042_DATA_PORT, 1);
  aml_res_io (res, I8042_COMMAND_PORT, 1);
  aml_res_irq (res, I8042_KBD_IRQ);
  acpi_dsdt_name_resources (a, "_CRS", res);
  aml_end (a);
}

static void
acpi_dsdt_motherboard (struct aml *a)
{
  GByteArray *res = g_byte_array_new ();

  aml_device_begin (a, "MRES");
  aml_name (a, "_HID");
  aml_eisaid (a, "PNP0C02");
  aml_name (a, "_UID");
  aml_integer (a, 1);
  aml_res_memory32_fixed (res, VM_ECAM_BASE, VM_ECAM_SIZE);
  aml_res_io (res, PCI_HOST_PMBASE_DEFAULT, PM_BLOCK_LEN);
  aml_res_io (res, PM_RESET_PORT, 1);
  acpi_dsdt_name_resources (a, "_CRS", res);
  aml_end (a);
}

static void
acpi_dsdt_sleep_state (struct aml *a, const char *name, unsigned slp_typ)
{
  aml_name (a, name);
  aml_package_begin (a, 4);
  aml_integer (a, slp_typ); /* PM1a_CNT.SLP_TYP */
  aml_integer (a, slp_typ); /* PM1b_CNT.SLP_TYP (no PM1b) */
  aml_integer (a, 0);
  aml_integer (a, 0);
  aml_end (a);
}

GByteArray *
acpi_dsdt_build_aml (void)
{
  struct aml a;

  aml_init (&a);
  aml_scope_begin (&a, "\\_SB");
  acpi_dsdt_pci0 (&a);
  acpi_dsdt_motherboard (&a);
  acpi_dsdt_isa_device (&a, "COM1", "PNP0501", 1, UART_COM1_BASE, 8, UART_COM1_IRQ);
  acpi_dsdt_isa_device (&a, "RTC", "PNP0B00", 0, RTC_PORT_BASE, 2, RTC_IRQ);
  acpi_dsdt_keyboard (&a);
  aml_end (&a);
  acpi_dsdt_sleep_state (&a, "\\_S0", 0);
  acpi_dsdt_sleep_state (&a, "\\_S5", PM_SLP_TYP_S5);
  return aml_finish (&a);
}
