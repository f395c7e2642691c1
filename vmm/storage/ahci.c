/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The AHCI controller: PCI function, HBA and port registers, interrupts,
 * resets and the worker that runs issued commands (ahci-cmd.c). */
#define G_LOG_DOMAIN "ahci"

#include "config.h"

#include "ahci-private.h"

#include <errno.h>
#include <glib.h>
#include <string.h>

#include "atapi.h"
#include "log.h"

/* HBA registers. */
#define AHCI_CAP      0x00
#define AHCI_GHC      0x04
#define AHCI_IS       0x08
#define AHCI_PI       0x0c
#define AHCI_VS       0x10
#define AHCI_CAP2     0x24
#define AHCI_PORTS    0x100
#define AHCI_PORT_LEN 0x80

#define AHCI_GHC_HR   (1u << 0)
#define AHCI_GHC_IE   (1u << 1)
#define AHCI_GHC_AE   (1u << 31)

/* 64-bit addressing, command list override, Gen1, AHCI only, 32 slots. */
#define AHCI_CAP_BITS ((1u << 31) | (1u << 24) | (1u << 20) | (1u << 18) | \
                       ((AHCI_SLOTS - 1u) << 8))
#define AHCI_VERSION  0x00010301u   /* 1.3.1 */

/* Port registers. */
enum {
  PxCLB = 0x00, PxCLBU = 0x04, PxFB = 0x08, PxFBU = 0x0c, PxIS = 0x10, PxIE = 0x14,
  PxCMD = 0x18, PxTFD = 0x20, PxSIG = 0x24, PxSSTS = 0x28, PxSCTL = 0x2c, PxSERR = 0x30,
  PxSACT = 0x34, PxCI = 0x38, PxSNTF = 0x3c,
};

/* ICH9 config register: which ports are enabled; Linux sets the bits. */
#define ICH9_PCS 0x92

static uint64_t
ahci_port_clb (const struct ahci_port *p)
{
  return (uint64_t) p->clbu << 32 | p->clb;
}

/* --- Interrupts; lock held. ------------------------------------------- */

/* Recomputes the HBA's interrupt; @event: something new happened, which MSI
 * (edge-triggered) must signal even when an interrupt was already pending. */
static void
ahci_update_irq (struct ahci *hba, bool event)
{
  bool level;

  for (unsigned i = 0; i < hba->n_ports; i++)
    if (hba->ports[i].is & hba->ports[i].ie)
      hba->is |= 1u << i;
  level = (hba->ghc & AHCI_GHC_IE) && hba->is;
  if (hba->msi_up && msi_is_enabled (&hba->msi))
    {
      pci_device_set_intx (&hba->pci, 0);
      if (level && event)
        msi_notify (&hba->msi);
      return;
    }
  pci_device_set_intx (&hba->pci, level);
}

static void
ahci_port_raise (struct ahci_port *p, uint32_t bits)
{
  p->is |= bits;
  ahci_update_irq (p->hba, (bits & p->ie) != 0);
}

/* --- Resets; lock held. ------------------------------------------------ */

/* The device's reset ended: it sends its signature. */
static void
ahci_port_device_ready (struct ahci_port *p)
{
  if (!p->drive)
    {
      p->ssts = 0;
      p->sig = 0xffffffffu;
      p->tfd = 0x7f;
      return;
    }
  atapi_reset (p->drive);
  p->ssts = AHCI_SSTS_UP;
  p->sig = AHCI_SIG_ATAPI;
  p->tfd = 0x0100 | ATA_STATUS_DRDY | ATA_STATUS_DSC;
  ahci_cmd_post_signature (p->hba, p);
}

/* What ST going to 0 does: the command list stops and issued slots are forgotten. */
static void
ahci_port_stop (struct ahci_port *p)
{
  p->ci = 0;
  p->sact = 0;
  p->halted = false;
  p->gen++;
  p->cmd &= ~(0x1fu << AHCI_PxCMD_CCS_SHIFT);
}

static void
ahci_port_reset_regs (struct ahci_port *p)
{
  ahci_port_stop (p);
  p->clb = p->clbu = p->fb = p->fbu = 0;
  p->is = p->ie = p->serr = p->sntf = p->sctl = 0;
  p->cmd = AHCI_PxCMD_SUD | AHCI_PxCMD_POD;
  ahci_port_device_ready (p);
}

static void
ahci_hba_reset (struct ahci *hba)
{
  hba->ghc = AHCI_GHC_AE;
  hba->is = 0;
  for (unsigned i = 0; i < hba->n_ports; i++)
    ahci_port_reset_regs (&hba->ports[i]);
  ahci_update_irq (hba, false);
}

/* --- Running commands. ------------------------------------------------ */

static bool
ahci_port_runnable (const struct ahci_port *p)
{
  return (p->cmd & AHCI_PxCMD_ST) && !p->halted && (p->ci & ~p->busy);
}

/* Runs what @p has issued, one slot at a time. Lock held; dropped while a
 * command runs, so vCPUs reading registers never wait for the image. */
static void
ahci_port_run (struct ahci *hba, struct ahci_port *p)
{
  while (ahci_port_runnable (p))
    {
      unsigned slot = __builtin_ctz (p->ci & ~p->busy);
      uint32_t bit = 1u << slot;
      uint64_t clb = ahci_port_clb (p);
      unsigned gen = p->gen;
      struct ahci_completion done;

      p->busy |= bit;
      p->cmd = (p->cmd & ~(0x1fu << AHCI_PxCMD_CCS_SHIFT)) | slot << AHCI_PxCMD_CCS_SHIFT;
      pthread_mutex_unlock (&hba->lock);
      ahci_cmd_execute (hba, p, clb, slot, &done);
      pthread_mutex_lock (&hba->lock);
      p->busy &= ~bit;
      if (gen != p->gen)
        continue;   /* stopped or reset meanwhile: the guest no longer waits for it */

      ahci_cmd_post (hba, p, clb, slot, &done);
      if (done.reset_device)
        {
          p->sig = AHCI_SIG_ATAPI;
          atapi_reset (p->drive);
        }
      if (done.outcome == AHCI_OUTCOME_DONE && (done.d2h || done.pio_setup))
        p->tfd = (uint32_t) done.error << 8 | done.status;
      if (done.outcome == AHCI_OUTCOME_HOST_ERROR)
        {
          /* The slot stays issued; the guest recovers by clearing ST. */
          p->halted = true;
          p->tfd = ATA_ERROR_ABRT << 8 | ATA_STATUS_DRDY | ATA_STATUS_ERR;
          ahci_port_raise (p, AHCI_PxIS_HBFS);
        }
      else if (done.outcome == AHCI_OUTCOME_BAD_COMMAND || (done.status & ATA_STATUS_ERR))
        {
          p->halted = true;
          p->tfd = (uint32_t) (done.error ? done.error : ATA_ERROR_ABRT) << 8 |
                   ATA_STATUS_DRDY | ATA_STATUS_ERR;
          ahci_port_raise (p, AHCI_PxIS_TFES | AHCI_PxIS_DHRS);
        }
      else
        {
          uint32_t bits = 0;

          p->ci &= ~bit;
          if (done.interrupt)
            bits |= (done.pio_setup ? AHCI_PxIS_PSS : 0) | (done.d2h ? AHCI_PxIS_DHRS : 0);
          if (done.dps)
            bits |= AHCI_PxIS_DPS;
          ahci_port_raise (p, bits);
        }
    }
}

static void *
ahci_worker (void *opaque)
{
  struct ahci *hba = opaque;

  pthread_mutex_lock (&hba->lock);
  while (!hba->quit)
    {
      bool ran = false;

      for (unsigned i = 0; i < hba->n_ports; i++)
        if (ahci_port_runnable (&hba->ports[i]))
          {
            ahci_port_run (hba, &hba->ports[i]);
            ran = true;
          }
      if (!ran)
        pthread_cond_wait (&hba->cond, &hba->lock);
    }
  pthread_mutex_unlock (&hba->lock);
  return NULL;
}

static void
ahci_port_kick (struct ahci *hba, struct ahci_port *p)
{
  if (!ahci_port_runnable (p))
    return;
  if (hba->threaded)
    pthread_cond_signal (&hba->cond);
  else
    ahci_port_run (hba, p);
}

/* --- Registers; lock held. ---------------------------------------------- */

static uint32_t
ahci_port_read (struct ahci_port *p, unsigned reg)
{
  switch (reg)
    {
    case PxCLB: return p->clb;
    case PxCLBU: return p->clbu;
    case PxFB: return p->fb;
    case PxFBU: return p->fbu;
    case PxIS: return p->is;
    case PxIE: return p->ie;
    case PxCMD:
      return p->cmd | ((p->cmd & AHCI_PxCMD_ST) || p->busy ? AHCI_PxCMD_CR : 0) |
             (p->cmd & AHCI_PxCMD_FRE ? AHCI_PxCMD_FR : 0);
    case PxTFD: return p->tfd;
    case PxSIG: return p->sig;
    case PxSSTS: return (p->sctl & 0xf) == 1 ? 0 : p->ssts;
    case PxSCTL: return p->sctl;
    case PxSERR: return p->serr;
    case PxSACT: return p->sact;
    case PxCI: return p->ci;
    case PxSNTF: return p->sntf;
    default: return 0;
    }
}

static void
ahci_port_write_cmd (struct ahci *hba, struct ahci_port *p, uint32_t v)
{
  uint32_t old = p->cmd;

  p->cmd = (old & ~AHCI_PxCMD_WRITABLE) | (v & AHCI_PxCMD_WRITABLE);
  if ((old & AHCI_PxCMD_ST) && !(p->cmd & AHCI_PxCMD_ST))
    ahci_port_stop (p);
  /* Command list override: the guest may issue commands while BSY/DRQ stick. */
  if (v & AHCI_PxCMD_CLO)
    p->tfd &= ~(uint32_t) (ATA_STATUS_BSY | ATA_STATUS_DRQ);
  ahci_port_kick (hba, p);
}

static void
ahci_port_write (struct ahci *hba, struct ahci_port *p, unsigned reg, uint32_t v)
{
  switch (reg)
    {
    case PxCLB: p->clb = v & ~0x3ffu; break;    /* 1 KiB aligned */
    case PxCLBU: p->clbu = v; break;
    case PxFB: p->fb = v & ~0xffu; break;       /* 256-byte aligned */
    case PxFBU: p->fbu = v; break;
    case PxIS:
      p->is &= ~v;
      ahci_update_irq (hba, false);
      break;
    case PxIE:
      {
        bool was = p->is & p->ie;

        p->ie = v & AHCI_PxIS_VALID;
        ahci_update_irq (hba, !was && (p->is & p->ie));
        break;
      }
    case PxCMD: ahci_port_write_cmd (hba, p, v); break;
    case PxSCTL:
      {
        bool was_reset = (p->sctl & 0xf) == 1;

        p->sctl = v & 0xfffu;
        if ((p->sctl & 0xf) == 1)
          {
            /* COMRESET: the link goes down and the device is busy until DET is released. */
            p->gen++;
            p->tfd = ATA_STATUS_BSY;
          }
        else if (was_reset)
          ahci_port_device_ready (p);
        break;
      }
    case PxSERR: p->serr &= ~v; break;
    case PxSACT:
      if (p->cmd & AHCI_PxCMD_ST)
        p->sact |= v;
      break;
    case PxCI:
      if (p->cmd & AHCI_PxCMD_ST)
        {
          p->ci |= v;
          ahci_port_kick (hba, p);
        }
      break;
    case PxSNTF: p->sntf &= ~v; break;
    default: break;   /* read-only or reserved */
    }
}

static uint32_t
ahci_reg_read (struct ahci *hba, unsigned off)
{
  if (off >= AHCI_PORTS)
    {
      unsigned port = (off - AHCI_PORTS) / AHCI_PORT_LEN;

      return port < hba->n_ports ?
             ahci_port_read (&hba->ports[port], (off - AHCI_PORTS) % AHCI_PORT_LEN) : 0;
    }
  switch (off)
    {
    case AHCI_CAP: return AHCI_CAP_BITS | (hba->n_ports - 1);
    case AHCI_GHC: return hba->ghc;
    case AHCI_IS: return hba->is;
    case AHCI_PI: return (1u << hba->n_ports) - 1;
    case AHCI_VS: return AHCI_VERSION;
    default: return 0;  /* no coalescing, enclosure management, CAP2 or handoff */
    }
}

static void
ahci_reg_write (struct ahci *hba, unsigned off, uint32_t v)
{
  if (off >= AHCI_PORTS)
    {
      unsigned port = (off - AHCI_PORTS) / AHCI_PORT_LEN;

      if (port < hba->n_ports)
        ahci_port_write (hba, &hba->ports[port], (off - AHCI_PORTS) % AHCI_PORT_LEN, v);
      return;
    }
  switch (off)
    {
    case AHCI_GHC:
      if (v & AHCI_GHC_HR)
        {
          ahci_hba_reset (hba);
          return;
        }
      {
        bool was = hba->ghc & AHCI_GHC_IE;

        hba->ghc = AHCI_GHC_AE | (v & AHCI_GHC_IE);
        ahci_update_irq (hba, !was && (v & AHCI_GHC_IE));
      }
      break;
    case AHCI_IS:
      hba->is &= ~v;
      /* Ports whose enabled status is still set keep their bit. */
      ahci_update_irq (hba, false);
      if (hba->is && hba->msi_up && msi_is_enabled (&hba->msi) && (hba->ghc & AHCI_GHC_IE))
        msi_notify (&hba->msi);
      break;
    default:
      break;
    }
}

static void
ahci_mmio_read (void *opaque, uint64_t offset, void *data, unsigned size)
{
  struct ahci *hba = opaque;
  uint64_t v = 0;

  if (offset + size > AHCI_BAR_SIZE || (offset & (size - 1)))
    {
      vmm_guest_error ("%s: bad read of %u bytes at 0x%" G_GINT64_MODIFIER "x",
                       hba->pci.name, size, offset);
      memset (data, 0xff, size);
      return;
    }
  pthread_mutex_lock (&hba->lock);
  v = ahci_reg_read (hba, offset & ~3u);
  if (size == 8)
    v |= (uint64_t) ahci_reg_read (hba, offset + 4) << 32;
  pthread_mutex_unlock (&hba->lock);
  v >>= 8 * (offset & 3);
  v = GUINT64_TO_LE (v);
  memcpy (data, &v, size);
}

static void
ahci_mmio_write (void *opaque, uint64_t offset, const void *data, unsigned size)
{
  struct ahci *hba = opaque;
  uint64_t v = 0;

  /* Drivers write whole dwords; narrower writes to write-1-to-clear
   * registers have no sensible meaning and are dropped. */
  if (offset + size > AHCI_BAR_SIZE || (offset & 3) || size < 4)
    {
      vmm_guest_error ("%s: unsupported write of %u bytes at 0x%" G_GINT64_MODIFIER "x",
                       hba->pci.name, size, offset);
      return;
    }
  memcpy (&v, data, size);
  v = GUINT64_FROM_LE (v);
  pthread_mutex_lock (&hba->lock);
  ahci_reg_write (hba, offset, (uint32_t) v);
  if (size == 8)
    ahci_reg_write (hba, offset + 4, v >> 32);
  pthread_mutex_unlock (&hba->lock);
}

static const struct bus_ops ahci_mmio_ops = {
  .read = ahci_mmio_read,
  .write = ahci_mmio_write,
};

static void
ahci_config_written (struct pci_device *dev, unsigned offset, unsigned size)
{
  struct ahci *hba = dev->opaque;

  if (hba->msi_up)
    msi_config_written (&hba->msi, offset, size);
}

static const struct pci_device_ops ahci_pci_ops = {
  .config_written = ahci_config_written,
};

/* --- Life cycle. ------------------------------------------------------ */

struct ahci *
ahci_new (const struct guest_memory *mem, unsigned n_ports, const struct msix_delivery *delivery,
          bool threaded)
{
  struct ahci *hba;
  int ret;

  if (n_ports == 0 || n_ports > AHCI_MAX_PORTS)
    {
      vmm_error ("AHCI: %u ports asked for; 1 to %u are possible", n_ports, AHCI_MAX_PORTS);
      if (delivery && delivery->ops->teardown)
        delivery->ops->teardown (delivery->opaque);
      return NULL;
    }
  hba = g_new0 (struct ahci, 1);
  hba->mem = mem;
  hba->n_ports = n_ports;
  hba->threaded = threaded;
  pthread_mutex_init (&hba->lock, NULL);
  pthread_cond_init (&hba->cond, NULL);
  for (unsigned i = 0; i < n_ports; i++)
    {
      hba->ports[i].hba = hba;
      hba->ports[i].index = i;
    }

  hba->pci.ops = &ahci_pci_ops;
  hba->pci.opaque = hba;
  pci_device_init (&hba->pci, "ahci", 0x8086, 0x2922, 0x010601, 0x02, 0x1af4, 0x1100);
  pci_device_set_bar (&hba->pci, AHCI_BAR, AHCI_BAR_SIZE, 0, &ahci_mmio_ops, hba);
  pci_device_set_interrupt_pin (&hba->pci, 1);
  hba->pci.config[ICH9_PCS] = (1u << n_ports) - 1;
  hba->pci.wmask[ICH9_PCS] = 0xff;
  hba->pci.wmask[ICH9_PCS + 1] = 0xff;
  if (delivery)
    {
      if ((ret = msi_init (&hba->msi, &hba->pci, delivery)) < 0)
        goto fail;
      hba->msi_up = true;
    }

  pthread_mutex_lock (&hba->lock);
  ahci_hba_reset (hba);
  pthread_mutex_unlock (&hba->lock);

  if (threaded)
    {
      if ((ret = -pthread_create (&hba->worker, NULL, ahci_worker, hba)) < 0)
        {
          vmm_error ("AHCI: cannot start the worker thread: %s", g_strerror (-ret));
          goto fail;
        }
      hba->worker_up = true;
    }
  return hba;

fail:
  ahci_destroy (hba);
  return NULL;
}

void
ahci_stop (struct ahci *hba)
{
  if (!hba || !hba->worker_up)
    return;
  pthread_mutex_lock (&hba->lock);
  hba->quit = true;
  pthread_cond_signal (&hba->cond);
  pthread_mutex_unlock (&hba->lock);
  pthread_join (hba->worker, NULL);
  hba->worker_up = false;
}

void
ahci_destroy (struct ahci *hba)
{
  if (!hba)
    return;
  ahci_stop (hba);
  if (hba->msi_up)
    msi_destroy (&hba->msi);
  pthread_cond_destroy (&hba->cond);
  pthread_mutex_destroy (&hba->lock);
  g_free (hba);
}

void
ahci_attach (struct ahci *hba, unsigned port, struct atapi *drive)
{
  g_return_if_fail (port < hba->n_ports);
  pthread_mutex_lock (&hba->lock);
  hba->ports[port].drive = drive;
  ahci_port_device_ready (&hba->ports[port]);
  pthread_mutex_unlock (&hba->lock);
}

struct pci_device *
ahci_get_pci (struct ahci *hba)
{
  return &hba->pci;
}
