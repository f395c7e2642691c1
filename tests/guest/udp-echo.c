/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Guest test program for the "net" scenario: a UDP echo server, since
 * busybox's nc speaks TCP only. The host reaches it through a UDP port
 * forward; every datagram comes back prefixed with "echo:" so the host can
 * tell an answer from its own packet looped back by mistake.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int
main (int argc, char **argv)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_ANY) };
  int port = argc > 1 ? atoi (argv[1]) : 8081;
  int fd = socket (AF_INET, SOCK_DGRAM, 0);
  unsigned long count = 0;

  if (fd < 0 || port <= 0 || port > 65535)
    {
      perror ("udp-echo");
      return 1;
    }
  addr.sin_port = htons ((unsigned short) port);
  if (bind (fd, (struct sockaddr *) &addr, sizeof addr) < 0)
    {
      perror ("udp-echo: bind");
      return 1;
    }
  printf ("udp-echo: listening on %d\n", port);
  fflush (stdout);
  for (;;)
    {
      char buf[2048] = "echo:";
      struct sockaddr_in peer;
      socklen_t peer_len = sizeof peer;
      ssize_t n = recvfrom (fd, buf + 5, sizeof buf - 5, 0, (struct sockaddr *) &peer, &peer_len);

      if (n < 0)
        {
          perror ("udp-echo: recvfrom");
          return 1;
        }
      if (sendto (fd, buf, (size_t) n + 5, 0, (struct sockaddr *) &peer, peer_len) < 0)
        perror ("udp-echo: sendto");
      /* The first few only: a flood must not fill the console. */
      if (++count <= 3)
        {
          printf ("udp-echo: %zd bytes from %s:%u\n", n, inet_ntoa (peer.sin_addr), ntohs (peer.sin_port));
          fflush (stdout);
        }
    }
}
