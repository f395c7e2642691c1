/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "serial"

#include "config.h"

#include "serial-backend.h"

#include "log.h"
#include "platform/uart.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define SERIAL_FLUSH_CHUNK 4096
#define SERIAL_RETRY_MS    10

static int
serial_set_nonblock (int fd)
{
  int flags = fcntl (fd, F_GETFL);

  if (flags < 0 || fcntl (fd, F_SETFL, flags | O_NONBLOCK) < 0)
    return -errno;
  return 0;
}

static int
serial_open_stdio (struct serial_backend *sb)
{
  struct termios t;

  /* stdin may be closed (daemonized) or /dev/null: then there is no input. */
  if (fcntl (0, F_GETFD) != -1)
    {
      sb->in_fd = 0;
      if (isatty (0) && tcgetattr (0, &sb->saved_termios) == 0)
        {
          t = sb->saved_termios;
          t.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
          t.c_lflag &= ~(ECHO | ECHONL | ICANON | IEXTEN);
          t.c_cc[VMIN] = 1;
          t.c_cc[VTIME] = 0;
          if (tcsetattr (0, TCSANOW, &t) == 0)
            sb->restore_termios = true;
        }
    }
  if (fcntl (1, F_GETFD) != -1)
    {
      sb->saved_out_flags = fcntl (1, F_GETFL);
      if (serial_set_nonblock (1) == 0)
        sb->out_fd = 1;
      else
        sb->saved_out_flags = -1;
    }
  return 0;
}

static int
serial_open_file (struct serial_backend *sb, const char *path)
{
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0600);

  if (fd < 0)
    {
      int err = errno;

      vmm_error ("Cannot open the serial output file %s: %s", path, g_strerror (err));
      return -err;
    }
  sb->out_fd = fd;
  return 0;
}

static int
serial_open_pty (struct serial_backend *sb)
{
  char name[256];
  struct termios t;
  int master, err;

  master = posix_openpt (O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0)
    {
      err = errno;
      vmm_error ("Cannot create a pseudo-terminal: %s", g_strerror (err));
      return -err;
    }
  if (grantpt (master) < 0 || unlockpt (master) < 0 || ptsname_r (master, name, sizeof name) != 0)
    goto fail;
  /* Holding the slave open keeps the master from hanging up between clients;
   * raw mode keeps it from echoing our own output back as input. */
  sb->pty_slave_fd = open (name, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (sb->pty_slave_fd < 0 || tcgetattr (sb->pty_slave_fd, &t) < 0)
    goto fail;
  cfmakeraw (&t);
  if (tcsetattr (sb->pty_slave_fd, TCSANOW, &t) < 0 || serial_set_nonblock (master) < 0)
    goto fail;
  sb->in_fd = master;
  sb->out_fd = master;
  sb->pty_path = g_strdup (name);
  fprintf (stderr, "serial console on %s\n", name);
  return 0;

fail:
  err = errno;
  vmm_error ("Cannot set up a pseudo-terminal: %s", g_strerror (err));
  close (master);
  return -err;
}

int
serial_backend_open (struct serial_backend *sb, const char *spec)
{
  int ret;

  memset (sb, 0, sizeof *sb);
  sb->in_fd = sb->out_fd = sb->pty_slave_fd = sb->wake_fd = -1;
  sb->saved_out_flags = -1;
  pthread_mutex_init (&sb->lock, NULL);
  sb->ring = g_malloc (SERIAL_BACKEND_RING_SIZE);

  if (g_str_equal (spec, "none"))
    {
      sb->kind = SERIAL_BACKEND_NONE;
      ret = 0;
    }
  else if (g_str_equal (spec, "stdio"))
    {
      sb->kind = SERIAL_BACKEND_STDIO;
      ret = serial_open_stdio (sb);
    }
  else if (g_str_has_prefix (spec, "file:") && spec[5] != '\0')
    {
      sb->kind = SERIAL_BACKEND_FILE;
      ret = serial_open_file (sb, spec + 5);
    }
  else if (g_str_equal (spec, "pty"))
    {
      sb->kind = SERIAL_BACKEND_PTY;
      ret = serial_open_pty (sb);
    }
  else
    {
      vmm_error ("Unknown serial back end \"%s\" (expected stdio, file:PATH, pty or none)", spec);
      ret = -EINVAL;
    }
  if (ret == 0 && sb->out_fd >= 0)
    {
      sb->wake_fd = eventfd (0, EFD_NONBLOCK | EFD_CLOEXEC);
      if (sb->wake_fd < 0)
        {
          ret = -errno;
          vmm_error ("Cannot create an eventfd: %s", g_strerror (-ret));
        }
    }
  if (ret < 0)
    serial_backend_close (sb);
  return ret;
}

static void
serial_source_destroy (GSource **source)
{
  if (*source)
    {
      g_source_destroy (*source);
      g_source_unref (*source);
      *source = NULL;
    }
}

void
serial_backend_close (struct serial_backend *sb)
{
  serial_source_destroy (&sb->wake_source);
  serial_source_destroy (&sb->out_source);
  serial_source_destroy (&sb->in_source);
  serial_source_destroy (&sb->retry_source);
  if (sb->ring && sb->out_fd >= 0)
    serial_backend_flush (sb); /* best effort: what the fd takes now */
  if (sb->restore_termios)
    tcsetattr (0, TCSANOW, &sb->saved_termios);
  if (sb->saved_out_flags >= 0)
    fcntl (1, F_SETFL, sb->saved_out_flags);
  if (sb->kind == SERIAL_BACKEND_FILE && sb->out_fd >= 0)
    close (sb->out_fd);
  if (sb->kind == SERIAL_BACKEND_PTY && sb->in_fd >= 0)
    close (sb->in_fd);
  if (sb->pty_slave_fd >= 0)
    close (sb->pty_slave_fd);
  if (sb->wake_fd >= 0)
    close (sb->wake_fd);
  sb->in_fd = sb->out_fd = sb->pty_slave_fd = sb->wake_fd = -1;
  sb->restore_termios = false;
  sb->saved_out_flags = -1;
  g_clear_pointer (&sb->pty_path, g_free);
  g_clear_pointer (&sb->ring, g_free);
  pthread_mutex_destroy (&sb->lock);
}

void
serial_backend_set_receiver (struct serial_backend *sb, serial_backend_receive_func receive,
                             void *opaque)
{
  sb->receive = receive;
  sb->receive_opaque = opaque;
}

static size_t
serial_uart_receive (void *opaque, const uint8_t *buf, size_t len)
{
  return uart_receive (opaque, buf, len);
}

void
serial_backend_connect_uart (struct serial_backend *sb, struct uart *uart)
{
  serial_backend_set_receiver (sb, serial_uart_receive, uart);
}

void
serial_backend_output (void *backend, const uint8_t *buf, size_t len)
{
  struct serial_backend *sb = backend;
  bool wake;

  if (sb->out_fd < 0 || len == 0)
    return;
  pthread_mutex_lock (&sb->lock);
  if (len > SERIAL_BACKEND_RING_SIZE)
    {
      sb->dropped += len - SERIAL_BACKEND_RING_SIZE;
      buf += len - SERIAL_BACKEND_RING_SIZE;
      len = SERIAL_BACKEND_RING_SIZE;
    }
  if (sb->ring_len + len > SERIAL_BACKEND_RING_SIZE)
    {
      /* The reader stalled: the oldest output goes, the vCPU goes on. */
      size_t drop = sb->ring_len + len - SERIAL_BACKEND_RING_SIZE;

      sb->ring_head += drop;
      sb->ring_len -= drop;
      sb->dropped += drop;
    }
  while (len > 0)
    {
      size_t pos = (sb->ring_head + sb->ring_len) % SERIAL_BACKEND_RING_SIZE;
      size_t n = MIN (len, SERIAL_BACKEND_RING_SIZE - pos);

      memcpy (sb->ring + pos, buf, n);
      sb->ring_len += n;
      buf += n;
      len -= n;
    }
  wake = !sb->wake_pending;
  sb->wake_pending = true;
  pthread_mutex_unlock (&sb->lock);

  if (wake && sb->wake_fd >= 0)
    {
      uint64_t one = 1;

      if (write (sb->wake_fd, &one, sizeof one) < 0 && errno != EAGAIN)
        vmm_error ("Cannot wake the serial writer: %s", g_strerror (errno));
    }
}

/* Returns true when output is left that the fd did not take. */
static bool
serial_flush_some (struct serial_backend *sb)
{
  uint8_t chunk[SERIAL_FLUSH_CHUNK];

  for (;;)
    {
      uint64_t head;
      size_t n, pos;
      ssize_t w;

      pthread_mutex_lock (&sb->lock);
      if (sb->ring_len == 0 || sb->out_fd < 0)
        {
          sb->ring_head += sb->ring_len;
          sb->ring_len = 0;
          sb->wake_pending = false;
          pthread_mutex_unlock (&sb->lock);
          return false;
        }
      head = sb->ring_head;
      pos = head % SERIAL_BACKEND_RING_SIZE;
      n = MIN (MIN (sb->ring_len, SERIAL_BACKEND_RING_SIZE - pos), sizeof chunk);
      memcpy (chunk, sb->ring + pos, n);
      pthread_mutex_unlock (&sb->lock);

      /* Outside the lock: a vCPU never waits for this write. */
      w = write (sb->out_fd, chunk, n);
      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0 && errno == EAGAIN)
        return true;
      if (w < 0)
        {
          if (!sb->write_failed)
            vmm_error ("Serial output failed, dropping it from now on: %s", g_strerror (errno));
          sb->write_failed = true;
          w = n; /* discard */
        }

      pthread_mutex_lock (&sb->lock);
      /* Bytes may have been dropped meanwhile; consume only what is still ours. */
      if (sb->ring_head < head + (uint64_t) w)
        {
          uint64_t done = head + w - sb->ring_head;

          sb->ring_head += done;
          sb->ring_len -= done;
        }
      pthread_mutex_unlock (&sb->lock);
    }
}

void
serial_backend_flush (struct serial_backend *sb)
{
  serial_flush_some (sb);
}

static gboolean
serial_out_ready (gint fd, GIOCondition condition, gpointer user_data)
{
  struct serial_backend *sb = user_data;

  if (serial_flush_some (sb) && !(condition & (G_IO_ERR | G_IO_HUP)))
    return G_SOURCE_CONTINUE;
  g_clear_pointer (&sb->out_source, g_source_unref);
  return G_SOURCE_REMOVE;
}

static gboolean
serial_wake (gint fd, GIOCondition condition, gpointer user_data)
{
  struct serial_backend *sb = user_data;
  uint64_t count;

  if (read (fd, &count, sizeof count) < 0 && errno != EAGAIN)
    vmm_error ("Cannot read the serial eventfd: %s", g_strerror (errno));
  if (serial_flush_some (sb) && !sb->out_source)
    {
      sb->out_source = g_unix_fd_source_new (sb->out_fd, G_IO_OUT);
      g_source_set_callback (sb->out_source, G_SOURCE_FUNC (serial_out_ready), sb, NULL);
      g_source_attach (sb->out_source, sb->context);
    }
  return G_SOURCE_CONTINUE;
}

/* Hands buffered input to the device; true when all of it went. */
static bool
serial_deliver (struct serial_backend *sb)
{
  if (!sb->receive)
    sb->in_off = sb->in_len; /* nobody listens */
  else if (sb->in_off < sb->in_len)
    sb->in_off += sb->receive (sb->receive_opaque, sb->in_buf + sb->in_off,
                               sb->in_len - sb->in_off);
  return sb->in_off >= sb->in_len;
}

static void serial_watch_input (struct serial_backend *sb);

static gboolean
serial_retry (gpointer user_data)
{
  struct serial_backend *sb = user_data;

  if (!serial_deliver (sb))
    return G_SOURCE_CONTINUE;
  g_clear_pointer (&sb->retry_source, g_source_unref);
  serial_watch_input (sb);
  return G_SOURCE_REMOVE;
}

static gboolean
serial_in_ready (gint fd, GIOCondition condition, gpointer user_data)
{
  struct serial_backend *sb = user_data;
  ssize_t n = read (fd, sb->in_buf, sizeof sb->in_buf);

  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return G_SOURCE_CONTINUE;
  if (n <= 0)
    {
      /* EOF or error (stdin at its end): no more input, output goes on. */
      if (n < 0)
        vmm_error ("Serial input failed: %s", g_strerror (errno));
      g_clear_pointer (&sb->in_source, g_source_unref);
      return G_SOURCE_REMOVE;
    }
  sb->in_off = 0;
  sb->in_len = n;
  if (serial_deliver (sb))
    return G_SOURCE_CONTINUE;
  /* The FIFO is full: stop reading until the guest drains it. */
  sb->retry_source = g_timeout_source_new (SERIAL_RETRY_MS);
  g_source_set_callback (sb->retry_source, serial_retry, sb, NULL);
  g_source_attach (sb->retry_source, sb->context);
  g_clear_pointer (&sb->in_source, g_source_unref);
  return G_SOURCE_REMOVE;
}

static void
serial_watch_input (struct serial_backend *sb)
{
  if (sb->in_fd < 0 || sb->in_source)
    return;
  sb->in_source = g_unix_fd_source_new (sb->in_fd, G_IO_IN | G_IO_HUP | G_IO_ERR);
  g_source_set_callback (sb->in_source, G_SOURCE_FUNC (serial_in_ready), sb, NULL);
  g_source_attach (sb->in_source, sb->context);
}

int
serial_backend_attach (struct serial_backend *sb, GMainContext *context)
{
  sb->context = context;
  if (sb->wake_fd >= 0)
    {
      sb->wake_source = g_unix_fd_source_new (sb->wake_fd, G_IO_IN);
      g_source_set_callback (sb->wake_source, G_SOURCE_FUNC (serial_wake), sb, NULL);
      g_source_attach (sb->wake_source, context);
    }
  serial_watch_input (sb);
  return 0;
}
