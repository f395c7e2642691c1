/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <termios.h>

struct uart;

/*
 * Where a serial port's bytes go: `--serial stdio|file:PATH|pty|none`.
 *
 * The UART calls serial_backend_output() on a vCPU thread. It only copies into
 * a bounded ring (dropping the oldest bytes when the reader stalls) and wakes
 * the main loop, which writes to the non-blocking fd: a vCPU never blocks on a
 * terminal, a full pty or a slow disk.
 *
 * stdio: input is read only when stdin is open and not at EOF; a terminal is
 * put in raw mode (signals kept, so Ctrl-C still reaches the VMM) and restored
 * by serial_backend_close(). pty: the slave stays open here too, in raw mode,
 * so the master never sees a hang-up while no client is attached.
 */

#define SERIAL_BACKEND_RING_SIZE (64 * 1024)

typedef size_t (*serial_backend_receive_func) (void *opaque, const uint8_t *buf, size_t len);

enum serial_backend_kind {
  SERIAL_BACKEND_NONE,
  SERIAL_BACKEND_STDIO,
  SERIAL_BACKEND_FILE,
  SERIAL_BACKEND_PTY,
};

struct serial_backend {
  enum serial_backend_kind kind;
  int in_fd;                 /* -1: no input */
  int out_fd;                /* -1: output dropped */
  int pty_slave_fd;
  char *pty_path;
  bool restore_termios;
  struct termios saved_termios;
  int saved_out_flags;       /* stdout's flags before O_NONBLOCK, or -1 */
  int wake_fd;               /* eventfd: the ring went non-empty */

  pthread_mutex_t lock;      /* the ring */
  uint8_t *ring;
  uint64_t ring_head;        /* stream position of the oldest byte */
  size_t ring_len;
  uint64_t dropped;
  bool write_failed;
  bool wake_pending;

  serial_backend_receive_func receive;
  void *receive_opaque;
  uint8_t in_buf[256];       /* read but not yet taken by the device */
  size_t in_off, in_len;

  GMainContext *context;
  GSource *wake_source, *out_source, *in_source, *retry_source;
};

/* Parses @spec ("stdio", "file:PATH", "pty", "none") and opens it. Returns 0
 * or -errno with the reason logged. */
int serial_backend_open (struct serial_backend *sb, const char *spec)
  __attribute__ ((warn_unused_result));
void serial_backend_close (struct serial_backend *sb);

/* Where input goes (e.g. uart_receive); it returns how much it took. */
void serial_backend_set_receiver (struct serial_backend *sb, serial_backend_receive_func receive,
                                  void *opaque);
/* Shorthand: input to @uart (give the UART serial_backend_output at init). */
void serial_backend_connect_uart (struct serial_backend *sb, struct uart *uart);

/* From any thread, never blocks: a uart_output_func (opaque = the backend). */
void serial_backend_output (void *backend, const uint8_t *buf, size_t len);

/* Creates the GSources that read input and flush output on @context. */
int serial_backend_attach (struct serial_backend *sb, GMainContext *context)
  __attribute__ ((warn_unused_result));

/* Writes what the fd takes now (the main loop does this; tests call it). */
void serial_backend_flush (struct serial_backend *sb);
