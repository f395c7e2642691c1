/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Guest test program for the "vga-text" scenario: plays a VGA BIOS without
 * one. Turns DISPI off, loads a font into plane 2 through the sequencer and
 * graphics controller, and writes a line of light grey text at 0xB8000, all
 * through the legacy window (/dev/mem) and the VGA ports, so the host's
 * screenshot shows text-mode rendering end to end.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/io.h>
#include <sys/mman.h>
#include <unistd.h>

#define WINDOW_BASE 0xa0000
#define WINDOW_SIZE 0x20000

int
main (void)
{
  static const char message[] = "TERRARIUM VGA TEXT MODE";
  volatile uint8_t *win;
  int fd;

  if (ioperm (0x3c0, 0x20, 1) < 0 || ioperm (0x1ce, 3, 1) < 0)
    return perror ("ioperm"), 1;
  fd = open ("/dev/mem", O_RDWR | O_SYNC);
  if (fd < 0)
    return perror ("/dev/mem"), 1;
  win = mmap (NULL, WINDOW_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, WINDOW_BASE);
  if (win == MAP_FAILED)
    return perror ("mmap"), 1;

  /* DISPI off (outw takes the value first). */
  outw (4, 0x1ce);
  outw (0, 0x1cf);
  /* Plane 2, sequential addressing, write mode 0, A0000 64 KiB. */
  outw (0x0402, 0x3c4);
  outw (0x0604, 0x3c4);
  outw (0x0005, 0x3ce);
  outw (0x0406, 0x3ce);
  /* Every character but the space is a box, 32 bytes per glyph. */
  for (unsigned c = 0; c < 256; c++)
    for (unsigned line = 0; line < 32; line++)
      win[c * 32 + line] = c != ' ' && line >= 2 && line < 14 ? 0x7e : 0x00;
  /* Back to text: planes 0 and 1, odd/even, B8000 32 KiB. */
  outw (0x0302, 0x3c4);
  outw (0x0204, 0x3c4);
  outw (0x1005, 0x3ce);
  outw (0x0e06, 0x3ce);
  for (unsigned i = 0; i < 80 * 25; i++)
    {
      win[0x18000 + 2 * i] = i < strlen (message) ? message[i] : ' ';
      win[0x18000 + 2 * i + 1] = 0x07;
    }
  /* The screen on: palette address source set in the attribute index. */
  (void) inb (0x3da);
  outb (0x20, 0x3c0);
  if (win[0x18000] != 'T' || win[0x18001] != 0x07)
    return fprintf (stderr, "vga-text: read back 0x%02x 0x%02x\n", win[0x18000], win[0x18001]), 1;
  printf ("vga-text: wrote %zu characters\n", strlen (message));
  fflush (stdout);
  return 0;
}
