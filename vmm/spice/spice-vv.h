/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * Connection files for remote-viewer (virt-viewer's ".vv" format: a key file
 * with a [virt-viewer] group). Opening one connects without typing the
 * address or the password, so it is written for the VM's owner only.
 */
struct spice_vv_params {
  const char *host;         /* where the client connects */
  unsigned port;            /* 0: none */
  unsigned tls_port;        /* 0: none */
  const char *password;     /* NULL: none */
  const char *title;        /* NULL: none */
  const char *ca_pem;       /* the CA certificate's PEM text, for TLS; NULL: none */
};

/* The file's text (g_free). A listening address of "any" (0.0.0.0, ::)
 * becomes localhost: the file is for this computer's user. */
char *spice_vv_generate (const struct spice_vv_params *params);
