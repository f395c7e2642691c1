/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Guest test program for the "cdrom" scenario: ejects the disc in a CD-ROM
 * drive the way desktop tools do (CDROMEJECT, which unlocks the tray and sends
 * START STOP UNIT), since busybox has no eject applet.
 */
#include <fcntl.h>
#include <linux/cdrom.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

int
main (int argc, char **argv)
{
  const char *dev = argc > 1 ? argv[1] : "/dev/sr0";
  /* O_NONBLOCK opens the drive even without a medium, as eject(1) does. */
  int fd = open (dev, O_RDONLY | O_NONBLOCK);

  if (fd < 0)
    {
      perror (dev);
      return 1;
    }
  if (ioctl (fd, CDROMEJECT, 0) < 0)
    {
      perror ("CDROMEJECT");
      close (fd);
      return 1;
    }
  close (fd);
  return 0;
}
