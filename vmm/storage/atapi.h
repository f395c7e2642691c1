/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

/*
 * An ATAPI CD/DVD-ROM drive (MMC): the packet commands Linux, SeaBIOS, OVMF
 * and Windows send, on a read-only ISO image with 2048-byte sectors. It knows
 * nothing of the transport: the AHCI port hands it a command and the guest's
 * data buffers as an iovec, and posts the status and error it returns.
 *
 * All calls lock the drive, so the host may change the medium (the main
 * thread) while the transport runs commands (its worker thread); a change
 * waits for a read in progress.
 */

#define ATAPI_SECTOR_SIZE 2048
#define ATAPI_CDB_SIZE    16

/* ATA status and error bits the transport reports. */
#define ATA_STATUS_ERR  0x01
#define ATA_STATUS_DRQ  0x08
#define ATA_STATUS_DSC  0x10
#define ATA_STATUS_DRDY 0x40
#define ATA_STATUS_BSY  0x80
#define ATA_ERROR_ABRT  0x04

/* ATA commands a packet device takes. */
#define ATA_CMD_PACKET            0xa0
#define ATA_CMD_IDENTIFY_PACKET   0xa1
#define ATA_CMD_IDENTIFY          0xec
#define ATA_CMD_DEVICE_RESET      0x08

/* SCSI sense keys. */
#define SENSE_NO_SENSE        0x0
#define SENSE_NOT_READY       0x2
#define SENSE_MEDIUM_ERROR    0x3
#define SENSE_ILLEGAL_REQUEST 0x5
#define SENSE_UNIT_ATTENTION  0x6
#define SENSE_DATA_PROTECT    0x7

struct atapi;

struct atapi_result {
  uint8_t status;       /* ATA status register */
  uint8_t error;        /* ATA error register (sense key in bits 7:4 for packets) */
  uint8_t count;        /* ATA count register (interrupt reason for packets) */
  uint64_t transferred; /* bytes written into the guest's buffers */
  bool pio_setup;       /* a PIO data-in command: the transport says so with a PIO Setup FIS */
};

/* An empty drive. @name is for logs (copied). */
struct atapi *atapi_new (const char *name);
void atapi_free (struct atapi *drive);

/*
 * Inserts the ISO at @path (opened read-only), replacing any medium; NULL or
 * "" ejects. With @notify the guest gets a unit attention and a media event,
 * as when a user swaps discs; without (before the guest runs) it does not.
 * On failure the drive keeps its old medium and *why (g_free) names the file.
 */
int atapi_change_medium (struct atapi *drive, const char *path, bool notify, char **why)
  __attribute__ ((warn_unused_result));

/* The inserted image's path (g_free), or NULL when the drive is empty. */
char *atapi_dup_medium_path (struct atapi *drive);

/* Whether the guest locked the tray (PREVENT ALLOW MEDIUM REMOVAL). */
bool atapi_is_locked (struct atapi *drive);

/* Device reset or COMRESET: sense cleared, lock released; the medium stays. */
void atapi_reset (struct atapi *drive);

/*
 * Runs an ATA command (a register FIS's command, features and count) with
 * the guest's buffers for a data-in phase. PACKET takes @cdb (the command
 * table's ATAPI command); @iov may be empty for commands without data.
 * @data_out says the command would move data to the device (always refused:
 * the medium is read-only).
 */
void atapi_ata_command (struct atapi *drive, uint8_t command, uint16_t features, uint16_t count,
                        const uint8_t cdb[ATAPI_CDB_SIZE], const struct iovec *iov, unsigned n_iov,
                        bool data_out, struct atapi_result *result);

/* Exposed for tests: the 256-word IDENTIFY PACKET DEVICE data, little-endian. */
void atapi_identify (struct atapi *drive, uint16_t id[256]);
