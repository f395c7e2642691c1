/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Guest test program for the "hello" scenario: proves the test guest boots,
 * runs our static programs and sees its CPUs. Prints one line the host checks.
 */
#include <stdio.h>
#include <sys/utsname.h>
#include <unistd.h>

int
main (void)
{
  struct utsname u;
  long sum = 0;

  for (int i = 1; i <= 100; i++)
    sum += i;
  if (uname (&u) != 0)
    {
      perror ("uname");
      return 1;
    }
  printf ("guest-hello: kernel=%s cpus=%ld sum=%ld\n", u.release, sysconf (_SC_NPROCESSORS_ONLN), sum);
  return sum == 5050 ? 0 : 1;
}
