/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "ahci.h"
#include "pci/msi.h"

/* Port interrupt status bits (PxIS / PxIE). */
#define AHCI_PxIS_DHRS  (1u << 0)   /* D2H register FIS */
#define AHCI_PxIS_PSS   (1u << 1)   /* PIO setup FIS */
#define AHCI_PxIS_DPS   (1u << 5)   /* descriptor processed */
#define AHCI_PxIS_HBFS  (1u << 29)  /* host bus fatal error */
#define AHCI_PxIS_TFES  (1u << 30)  /* task file error */
#define AHCI_PxIS_VALID 0xfdc000ffu

/* PxCMD bits. */
#define AHCI_PxCMD_ST    (1u << 0)
#define AHCI_PxCMD_SUD   (1u << 1)
#define AHCI_PxCMD_POD   (1u << 2)
#define AHCI_PxCMD_CLO   (1u << 3)
#define AHCI_PxCMD_FRE   (1u << 4)
#define AHCI_PxCMD_CCS_SHIFT 8
#define AHCI_PxCMD_FR    (1u << 14)
#define AHCI_PxCMD_CR    (1u << 15)
#define AHCI_PxCMD_ATAPI (1u << 24)
/* What the guest may set: ST, CLO, FRE, the ATAPI LED bit, link power bits. */
#define AHCI_PxCMD_WRITABLE (AHCI_PxCMD_ST | AHCI_PxCMD_FRE | AHCI_PxCMD_ATAPI | (7u << 25))

#define AHCI_SIG_ATAPI   0xeb140101u
#define AHCI_SSTS_UP     0x113u     /* active, Gen1, device present and link up */
#define AHCI_SLOTS       32

/* Received FIS area offsets. */
#define AHCI_RFIS_PIO    0x20
#define AHCI_RFIS_D2H    0x40

struct ahci_port {
  struct ahci *hba;
  unsigned index;
  struct atapi *drive;     /* NULL: nothing attached */
  uint32_t clb, clbu, fb, fbu;
  uint32_t is, ie, cmd, tfd, sig, ssts, sctl, serr, sact, ci, sntf;
  uint32_t busy;           /* slots the worker is running now */
  unsigned gen;            /* bumped by stop and reset: running slots are dropped */
  bool halted;             /* after an error, until the guest clears ST */
};

struct ahci {
  struct pci_device pci;
  const struct guest_memory *mem;
  struct msi msi;
  bool msi_up;
  pthread_mutex_t lock;
  pthread_cond_t cond;
  bool threaded, worker_up, quit;
  pthread_t worker;
  uint32_t ghc, is;
  unsigned n_ports;
  struct ahci_port ports[AHCI_MAX_PORTS];
};

/* How a command ended, built without the lock and applied with it. */
enum ahci_outcome {
  AHCI_OUTCOME_DONE,        /* the device answered (its status may carry ERR) */
  AHCI_OUTCOME_HOST_ERROR,  /* a guest structure lay outside RAM */
  AHCI_OUTCOME_BAD_COMMAND, /* a malformed command header or FIS */
};

struct ahci_completion {
  enum ahci_outcome outcome;
  uint8_t status, error, count;
  bool signature;           /* registers carry the device signature (reset) */
  bool pio_setup;           /* data-in by PIO: a PIO Setup FIS */
  bool d2h;                 /* a D2H Register FIS */
  bool interrupt;           /* the FIS asks for an interrupt */
  bool dps;                 /* a PRD with the interrupt bit was used */
  bool reset_device;        /* the device was reset: new signature */
  uint32_t prdbc;
};

/* Runs slot @slot of @port's command list at @clb (ahci-cmd.c). Runs without
 * the HBA lock; touches guest memory and the drive only. */
void ahci_cmd_execute (struct ahci *hba, struct ahci_port *port, uint64_t clb, unsigned slot,
                       struct ahci_completion *done);

/* Writes the FISes @done asks for into the received-FIS area at @fb (if FIS
 * receive is on) and PRDBC into the command header; lock held (ahci-cmd.c). */
void ahci_cmd_post (struct ahci *hba, struct ahci_port *port, uint64_t clb, unsigned slot,
                    const struct ahci_completion *done);

/* Writes a D2H FIS with the device's signature (after a reset); lock held. */
void ahci_cmd_post_signature (struct ahci *hba, struct ahci_port *port);
