/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Guest side of benchmarks/net (static, for the test initramfs). Reads
 * netbench.echo=PORT, netbench.sink=PORT, netbench.pings=N and
 * netbench.mib=N from /proc/cmdline; the host is 10.0.2.2 (slirp).
 *
 * 1. Round trips: N times, 64 bytes to the host's echo server and back
 *    (TCP_NODELAY); prints the median and 90th percentile in microseconds.
 * 2. Throughput: N MiB to the host's sink in 64 KiB writes, then waits for
 *    the sink to close (it has read everything); prints MB/s as the guest
 *    saw it. The host measures its own side too.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static long
param (const char *cmdline, const char *key, long fallback)
{
  const char *p = strstr (cmdline, key);

  return p ? strtol (p + strlen (key), NULL, 10) : fallback;
}

static double
now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
connect_host (long port)
{
  struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons ((unsigned short) port) };
  int one = 1;
  int fd = socket (AF_INET, SOCK_STREAM, 0);

  inet_pton (AF_INET, "10.0.2.2", &a.sin_addr);
  if (fd < 0 || connect (fd, (struct sockaddr *) &a, sizeof a) < 0)
    {
      perror ("netbench: connect");
      exit (1);
    }
  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

static int
compare (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

int
main (void)
{
  char cmdline[4096] = "";
  FILE *f = fopen ("/proc/cmdline", "r");
  long echo_port, sink_port, pings, mib;
  static char buf[65536];
  double *rtt, t0, t;
  int fd;

  if (f)
    {
      if (!fgets (cmdline, sizeof cmdline, f))
        cmdline[0] = '\0';
      fclose (f);
    }
  echo_port = param (cmdline, "netbench.echo=", 0);
  sink_port = param (cmdline, "netbench.sink=", 0);
  pings = param (cmdline, "netbench.pings=", 1000);
  mib = param (cmdline, "netbench.mib=", 256);
  if (!echo_port || !sink_port || pings < 10 || mib < 1)
    {
      fprintf (stderr, "netbench: needs netbench.echo= and netbench.sink=\n");
      return 1;
    }

  fd = connect_host (echo_port);
  rtt = calloc (pings, sizeof *rtt);
  for (long i = 0; i < pings; i++)
    {
      size_t got = 0;

      t0 = now ();
      if (write (fd, buf, 64) != 64)
        return perror ("netbench: echo write"), 1;
      while (got < 64)
        {
          ssize_t n = read (fd, buf, 64 - got);

          if (n <= 0)
            return perror ("netbench: echo read"), 1;
          got += n;
        }
      rtt[i] = (now () - t0) * 1e6;
    }
  close (fd);
  qsort (rtt, pings, sizeof *rtt, compare);
  printf ("netbench: rtt_us median=%.1f p90=%.1f min=%.1f n=%ld\n", rtt[pings / 2],
          rtt[pings * 9 / 10], rtt[0], pings);

  fd = connect_host (sink_port);
  memset (buf, 0x5a, sizeof buf);
  t0 = now ();
  for (long left = mib * 16; left > 0; left--)
    {
      size_t done = 0;

      while (done < sizeof buf)
        {
          ssize_t n = write (fd, buf + done, sizeof buf - done);

          if (n <= 0)
            return perror ("netbench: sink write"), 1;
          done += n;
        }
    }
  shutdown (fd, SHUT_WR);
  while (read (fd, buf, sizeof buf) > 0)
    ;
  t = now () - t0;
  close (fd);
  printf ("netbench: tx mib=%ld seconds=%.3f mbps=%.1f\n", mib, t, mib * 1.048576 / t);
  fflush (stdout);
  return 0;
}
