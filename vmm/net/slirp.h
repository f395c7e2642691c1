/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "net/net-config.h"
#include "net/net.h"

/*
 * User-mode NAT for the guest (libslirp): DHCP, DNS, TCP/UDP/ICMP out
 * through the host's own sockets, and host ports forwarded in. Slirp is not
 * thread-safe: everything here runs in one GMainContext, whose loop polls
 * slirp's sockets and runs its timers (no polling without events); only
 * net_slirp_wake() may be called from elsewhere.
 *
 * It outlives the guest's boots (connections and forwards survive a guest
 * reboot); each boot's card attaches to it.
 */

struct net_slirp;

/*
 * Sets up the NAT for @cfg (isolated or not) and binds every forward's host
 * port. Fails, naming the port and why, when one cannot be bound (in use,
 * not permitted): nothing is left half set up. @context: NULL for the
 * default one. Returns NULL with *why (g_free) set.
 */
struct net_slirp *net_slirp_new (const struct net_config *cfg, GMainContext *context,
                                 char **why);
void net_slirp_free (struct net_slirp *ns);

/* The card frames go to and come from; NULL ops detach it. Slirp's thread. */
void net_slirp_attach (struct net_slirp *ns, const struct net_nic_ops *ops, void *nic);

/* A net_wake_fn: frames from the guest wait. Any thread. */
void net_slirp_wake (void *ns);

/* The forwards in place, as in the configuration. */
const struct net_forward *net_slirp_get_forwards (struct net_slirp *ns, unsigned *n);
bool net_slirp_is_isolated (struct net_slirp *ns);
