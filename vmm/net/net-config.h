/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * The guest's network: the [network] group of the per-VM key file
 * (vmm/machine-config.md) and the --net, --net-forward and --mac options.
 * Plain GLib, no libslirp: the app links it too.
 *
 * The guest sits behind user-mode NAT (libslirp) on 10.0.2.0/24: the host
 * is 10.0.2.2, DNS 10.0.2.3, the guest gets 10.0.2.15 by DHCP. Isolated
 * mode keeps it from everything but the forwarded ports.
 */

#define NET_CONFIG_MAX_FORWARDS 32
#define NET_CONFIG_DEFAULT_HOST_ADDR "127.0.0.1"
#define NET_CONFIG_GUEST_ADDR  "10.0.2.15"
#define NET_CONFIG_NETWORK     "10.0.2.0"
#define NET_CONFIG_HOST        "10.0.2.2"
#define NET_CONFIG_DNS         "10.0.2.3"

/* A host port forwarded into the guest: "tcp:127.0.0.1:2222-:22". */
struct net_forward {
  bool udp;
  struct in_addr host_addr;    /* NET_CONFIG_DEFAULT_HOST_ADDR unless given */
  uint16_t host_port;
  struct in_addr guest_addr;   /* 0: the guest's DHCP address */
  uint16_t guest_port;
};

struct net_config {
  bool enabled;                /* a network card at all; default true */
  bool isolated;               /* only forwarded ports, no way out */
  bool has_mac;
  uint8_t mac[6];              /* when has_mac */
  unsigned n_forwards;
  struct net_forward forwards[NET_CONFIG_MAX_FORWARDS];
};

void net_config_init (struct net_config *cfg);

/*
 * "[tcp:|udp:][HOSTADDR:]HOSTPORT-[GUESTADDR:]GUESTPORT" (QEMU's hostfwd
 * form): the host address defaults to 127.0.0.1, the guest's to its DHCP
 * address; a guest address must be in 10.0.2.0/24. Returns 0 or -EINVAL
 * with @error saying what to write instead.
 */
int net_forward_parse (const char *spec, struct net_forward *fwd, GError **error);
/* The spec that net_forward_parse() reads back (g_free): "tcp:127.0.0.1:2222-:22". */
char *net_forward_to_string (const struct net_forward *fwd);

/* "52:54:00:12:34:56": unicast, not all zeros. */
int net_config_parse_mac (const char *text, uint8_t mac[6], GError **error);
char *net_config_format_mac (const uint8_t mac[6]);

/*
 * The MAC the guest gets: the configured one, else one derived from @uuid
 * (52:54:00 and three bytes of its SHA-256, so a VM keeps its address
 * across runs and two VMs differ), else 52:54:00:12:34:56.
 */
void net_config_get_mac (const struct net_config *cfg, const char *uuid, uint8_t mac[6]);

/*
 * Options by command-line name: "net" (on|off|isolated), "net-forward" (a
 * forward spec, appended; a host port given twice is an error) and "mac".
 * Returns 0 or -EINVAL with @error set.
 */
int net_config_set_option (struct net_config *cfg, const char *option, const char *value,
                           GError **error);
void net_config_clear_forwards (struct net_config *cfg);

/* What no single option shows: isolated mode with a UDP forward, which
 * could never answer. Run once all options are in. */
int net_config_check (const struct net_config *cfg, GError **error);

/* The key file's [network] group: enabled, isolated, mac, forwards (a list
 * of forward specs separated by ';'). @source names the file in messages. */
int net_config_load_keyfile (struct net_config *cfg, GKeyFile *kf, const char *source,
                             GError **error);
void net_config_save_keyfile (const struct net_config *cfg, GKeyFile *kf);
