/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Guest test program: opens every /dev/input/event* device, prints each one's
 * name and absolute axis ranges, then echoes key, button and pointer events as
 *   input-echo: NAME type=T code=C value=V
 * until it has seen @argv[1] key/button presses and releases (default 10).
 */
#include <dirent.h>
#include <fcntl.h>
#include <linux/input.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define MAX_DEVICES 16

int
main (int argc, char **argv)
{
  int limit = argc > 1 ? atoi (argv[1]) : 10;
  struct pollfd fds[MAX_DEVICES];
  char names[MAX_DEVICES][64];
  int n = 0, keys = 0;
  DIR *dir = opendir ("/dev/input");
  struct dirent *e;

  if (!dir)
    return perror ("/dev/input"), 1;
  while ((e = readdir (dir)) && n < MAX_DEVICES)
    {
      char path[300];
      struct input_absinfo abs;

      if (strncmp (e->d_name, "event", 5) != 0)
        continue;
      snprintf (path, sizeof path, "/dev/input/%s", e->d_name);
      fds[n].fd = open (path, O_RDONLY | O_CLOEXEC);
      if (fds[n].fd < 0)
        continue;
      fds[n].events = POLLIN;
      memset (names[n], 0, sizeof names[n]);
      ioctl (fds[n].fd, EVIOCGNAME (sizeof names[n] - 1), names[n]);
      for (char *c = names[n]; *c; c++)
        if (*c == ' ')
          *c = '_';
      printf ("input-echo: device %s %s\n", e->d_name, names[n]);
      if (ioctl (fds[n].fd, EVIOCGABS (ABS_X), &abs) == 0)
        printf ("input-echo: %s abs-x %d..%d\n", names[n], abs.minimum, abs.maximum);
      n++;
    }
  closedir (dir);
  printf ("input-echo: ready\n");
  fflush (stdout);

  while (keys < limit)
    {
      if (poll (fds, n, -1) < 0)
        return perror ("poll"), 1;
      for (int i = 0; i < n; i++)
        {
          struct input_event ev;

          if (!(fds[i].revents & POLLIN) || read (fds[i].fd, &ev, sizeof ev) != sizeof ev)
            continue;
          if (ev.type != EV_KEY && ev.type != EV_ABS && ev.type != EV_REL)
            continue;
          printf ("input-echo: %s type=%u code=%u value=%d\n", names[i], ev.type, ev.code, ev.value);
          fflush (stdout);
          /* The kernel's autorepeat (value 2) is not an event the host sent. */
          if (ev.type == EV_KEY && ev.value != 2)
            keys++;
        }
    }
  return 0;
}
