/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One AHCI command: the header in the command list, the command FIS, the
 * ATAPI command and the PRD table in the command table, all from guest memory
 * and all checked; then the FISes the device sends back. */
#define G_LOG_DOMAIN "ahci"

#include "config.h"

#include "ahci-private.h"

#include <glib.h>
#include <string.h>

#include "atapi.h"
#include "log.h"

#define AHCI_CMD_HEADER_SIZE 32
#define AHCI_CMD_CFL_MIN     5      /* a register FIS is 5 dwords */
#define AHCI_CMD_CFL_MAX     16
#define AHCI_CMD_WRITE       (1u << 6)
#define AHCI_CTBA_ALIGN      0x7fu  /* command tables are 128-byte aligned */
#define AHCI_ACMD_OFFSET     0x40
#define AHCI_PRDT_OFFSET     0x80
#define AHCI_PRD_SIZE        16
#define AHCI_PRD_DBC_MASK    0x3fffffu
#define AHCI_PRD_INTERRUPT   (1u << 31)

#define FIS_REG_H2D     0x27
#define FIS_REG_D2H     0x34
#define FIS_PIO_SETUP   0x5f
#define FIS_H2D_COMMAND 0x80        /* C bit: command, not device control */
#define FIS_INTERRUPT   0x40
#define FIS_PIO_TO_HOST 0x20
#define FIS_LEN         20
#define ATA_CONTROL_SRST 0x04

static uint32_t
le32_at (const uint8_t *p)
{
  return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 | (uint32_t) p[3] << 24;
}

static void
ahci_cmd_fail (struct ahci_completion *done, enum ahci_outcome outcome)
{
  done->outcome = outcome;
  done->status = ATA_STATUS_DRDY | ATA_STATUS_ERR;
  done->error = ATA_ERROR_ABRT;
  done->d2h = true;
  done->interrupt = true;
}

/* Maps the PRD table into @iov (n entries). False: an entry or the table lies
 * outside RAM. */
static bool
ahci_cmd_map_prdt (struct ahci *hba, struct ahci_port *p, uint64_t ctba, unsigned n,
                   struct iovec *iov, bool *interrupt)
{
  for (unsigned i = 0; i < n; i++)
    {
      uint8_t e[AHCI_PRD_SIZE];
      uint64_t dba;
      uint32_t dbc;

      /* Copied first: the guest may rewrite the table while we look at it. */
      if (guest_memory_read (hba->mem, ctba + AHCI_PRDT_OFFSET + (uint64_t) i * AHCI_PRD_SIZE,
                             e, sizeof e) < 0)
        {
          vmm_guest_error ("%s port %u: PRD table entry %u outside RAM", hba->pci.name, p->index,
                           i);
          return false;
        }
      dba = (le32_at (e) & ~1u) | (uint64_t) le32_at (e + 4) << 32;
      /* The count is zero-based and always even (bit 0 reads as 1): 2 B to 4 MiB. */
      dbc = ((le32_at (e + 12) & AHCI_PRD_DBC_MASK) | 1u) + 1;
      if (le32_at (e + 12) & AHCI_PRD_INTERRUPT)
        *interrupt = true;
      iov[i].iov_base = guest_memory_ptr (hba->mem, dba, dbc);
      iov[i].iov_len = dbc;
      if (!iov[i].iov_base)
        {
          vmm_guest_error ("%s port %u: PRD %u (%u bytes at 0x%" G_GINT64_MODIFIER "x) "
                           "outside RAM", hba->pci.name, p->index, i, dbc, dba);
          return false;
        }
    }
  return true;
}

void
ahci_cmd_execute (struct ahci *hba, struct ahci_port *p, uint64_t clb, unsigned slot,
                  struct ahci_completion *done)
{
  uint8_t hdr[AHCI_CMD_HEADER_SIZE], cfis[AHCI_CMD_CFL_MAX * 4], cdb[ATAPI_CDB_SIZE] = { 0 };
  g_autofree struct iovec *iov = NULL;
  struct atapi_result res;
  uint32_t dw0, cfl, prdtl;
  uint64_t ctba;
  uint16_t features, count;
  uint8_t command;
  bool prd_interrupt = false;

  memset (done, 0, sizeof *done);
  if (guest_memory_read (hba->mem, clb + slot * AHCI_CMD_HEADER_SIZE, hdr, sizeof hdr) < 0)
    {
      vmm_guest_error ("%s port %u: command list at 0x%" G_GINT64_MODIFIER "x outside RAM",
                       hba->pci.name, p->index, clb);
      return ahci_cmd_fail (done, AHCI_OUTCOME_HOST_ERROR);
    }
  dw0 = le32_at (hdr);
  cfl = dw0 & 0x1f;
  prdtl = dw0 >> 16;
  ctba = ((uint64_t) le32_at (hdr + 12) << 32 | le32_at (hdr + 8)) & ~(uint64_t) AHCI_CTBA_ALIGN;
  if (!p->drive || cfl < AHCI_CMD_CFL_MIN || cfl > AHCI_CMD_CFL_MAX)
    {
      vmm_guest_error ("%s port %u: command FIS of %u dwords%s", hba->pci.name, p->index, cfl,
                       p->drive ? "" : " to an empty port");
      return ahci_cmd_fail (done, AHCI_OUTCOME_BAD_COMMAND);
    }
  if (guest_memory_read (hba->mem, ctba, cfis, cfl * 4) < 0)
    {
      vmm_guest_error ("%s port %u: command table at 0x%" G_GINT64_MODIFIER "x outside RAM",
                       hba->pci.name, p->index, ctba);
      return ahci_cmd_fail (done, AHCI_OUTCOME_HOST_ERROR);
    }
  if (cfis[0] != FIS_REG_H2D)
    {
      vmm_guest_error ("%s port %u: command FIS of type 0x%02x", hba->pci.name, p->index,
                       cfis[0]);
      return ahci_cmd_fail (done, AHCI_OUTCOME_BAD_COMMAND);
    }

  done->outcome = AHCI_OUTCOME_DONE;
  if (!(cfis[1] & FIS_H2D_COMMAND))
    {
      /* Device control: a soft reset is SRST set, then cleared; the device
       * answers the second with its signature. */
      done->status = ATA_STATUS_DRDY | ATA_STATUS_DSC;
      if (!(cfis[15] & ATA_CONTROL_SRST))
        {
          done->error = 0x01;
          done->d2h = done->signature = done->reset_device = true;
        }
      return;
    }

  command = cfis[2];
  features = cfis[3] | cfis[11] << 8;
  count = cfis[12] | cfis[13] << 8;
  iov = g_new (struct iovec, MAX (prdtl, 1u));
  if (!ahci_cmd_map_prdt (hba, p, ctba, prdtl, iov, &prd_interrupt))
    return ahci_cmd_fail (done, AHCI_OUTCOME_HOST_ERROR);
  if (command == ATA_CMD_PACKET &&
      guest_memory_read (hba->mem, ctba + AHCI_ACMD_OFFSET, cdb, sizeof cdb) < 0)
    return ahci_cmd_fail (done, AHCI_OUTCOME_HOST_ERROR);

  atapi_ata_command (p->drive, command, features, count, cdb, iov, prdtl,
                     dw0 & AHCI_CMD_WRITE, &res);
  done->status = res.status;
  done->error = res.error;
  done->count = res.count;
  done->prdbc = res.transferred;
  done->interrupt = true;
  done->dps = prd_interrupt && res.transferred > 0;
  if (res.status & ATA_STATUS_ERR)
    {
      done->d2h = true;
      /* A packet device aborts IDENTIFY DEVICE with its signature in the registers. */
      done->signature = command != ATA_CMD_PACKET;
      return;
    }
  done->pio_setup = res.pio_setup;
  /* PIO data-in ends with the data (PIO Setup carries the final status);
   * everything else, packets included, ends with a register FIS. */
  done->d2h = command == ATA_CMD_PACKET || !res.pio_setup;
  if (command == ATA_CMD_DEVICE_RESET)
    {
      done->status = ATA_STATUS_DRDY | ATA_STATUS_DSC;
      done->error = 0x01;
      done->signature = done->reset_device = true;
    }
}

static void
ahci_fis_signature (uint8_t *fis)
{
  fis[4] = 0x01;          /* LBA low */
  fis[5] = 0x14;          /* LBA mid */
  fis[6] = 0xeb;          /* LBA high */
  fis[12] = 0x01;         /* count */
}

static void
ahci_fis_write (struct ahci *hba, struct ahci_port *p, unsigned offset, const uint8_t *fis)
{
  uint64_t fb = (uint64_t) p->fbu << 32 | p->fb;

  if (!(p->cmd & AHCI_PxCMD_FRE))
    return;
  if (guest_memory_write (hba->mem, fb + offset, fis, FIS_LEN) < 0)
    vmm_guest_error ("%s port %u: received-FIS area at 0x%" G_GINT64_MODIFIER "x outside RAM",
                     hba->pci.name, p->index, fb);
}

void
ahci_cmd_post (struct ahci *hba, struct ahci_port *p, uint64_t clb, unsigned slot,
               const struct ahci_completion *done)
{
  uint8_t fis[FIS_LEN];
  uint32_t prdbc = GUINT32_TO_LE (done->prdbc);

  if (done->outcome != AHCI_OUTCOME_HOST_ERROR)
    guest_memory_write (hba->mem, clb + slot * AHCI_CMD_HEADER_SIZE + 4, &prdbc, sizeof prdbc);
  if (done->pio_setup)
    {
      memset (fis, 0, sizeof fis);
      fis[0] = FIS_PIO_SETUP;
      fis[1] = FIS_PIO_TO_HOST | (done->interrupt ? FIS_INTERRUPT : 0);
      fis[2] = (done->status & ~ATA_STATUS_BSY) | ATA_STATUS_DRQ;
      fis[12] = done->count;
      fis[15] = done->status;       /* the status once the data is through */
      fis[16] = MIN (done->prdbc, 0xffffu) & 0xff;
      fis[17] = MIN (done->prdbc, 0xffffu) >> 8;
      ahci_fis_write (hba, p, AHCI_RFIS_PIO, fis);
    }
  if (done->d2h)
    {
      memset (fis, 0, sizeof fis);
      fis[0] = FIS_REG_D2H;
      fis[1] = done->interrupt ? FIS_INTERRUPT : 0;
      fis[2] = done->status;
      fis[3] = done->error;
      fis[12] = done->count;
      if (done->signature)
        ahci_fis_signature (fis);
      ahci_fis_write (hba, p, AHCI_RFIS_D2H, fis);
    }
}

void
ahci_cmd_post_signature (struct ahci *hba, struct ahci_port *p)
{
  uint8_t fis[FIS_LEN] = { FIS_REG_D2H, 0, ATA_STATUS_DRDY | ATA_STATUS_DSC, 0x01 };

  ahci_fis_signature (fis);
  ahci_fis_write (hba, p, AHCI_RFIS_D2H, fis);
}
