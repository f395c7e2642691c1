/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <stdbool.h>

/*
 * Where and how terrarium-vmm shares its display over SPICE: the value of
 * `--spice port=N[,addr=A][,password-file=F][,tls-port=N,x509-dir=D]
 * [,disable-ticketing]` and of the [spice] group of the per-VM key file
 * (vmm/machine-config.md). Plain GLib, no libspice: the app links it too.
 *
 * A password never appears here, only the file it is read from: the command
 * line is visible to every user in `ps`.
 */

#define SPICE_CONFIG_DEFAULT_PORT   5900
#define SPICE_CONFIG_DEFAULT_ADDR   "127.0.0.1"
/* What SPICE's ticket holds (SPICE_MAX_PASSWORD_LENGTH). */
#define SPICE_CONFIG_PASSWORD_MAX   60

struct spice_config {
  bool enabled;             /* share at start; D-Bus StartSpice works either way */
  unsigned port;            /* 0: none (TLS only) */
  unsigned tls_port;        /* 0: no TLS */
  char *addr;               /* NULL: SPICE_CONFIG_DEFAULT_ADDR */
  char *password_file;      /* NULL: none */
  char *x509_dir;           /* ca-cert.pem, server-cert.pem, server-key.pem */
  bool disable_ticketing;   /* no password, said explicitly */
};

void spice_config_clear (struct spice_config *cfg);
void spice_config_copy (struct spice_config *dst, const struct spice_config *src);

/*
 * Parses "port=N,addr=A,..." (or "off"/"none", which disables sharing) into
 * @cfg, replacing what it held, then checks it with spice_config_check().
 * Errors say what to write instead. Returns 0 or -EINVAL with @error set.
 */
int spice_config_parse (const char *spec, struct spice_config *cfg, GError **error);

/* One key of the [spice] group or of the option (as in the spec). */
int spice_config_set_key (struct spice_config *cfg, const char *key, const char *value,
                          GError **error);

/*
 * Combinations single keys cannot show: a port or a TLS port; TLS needs
 * x509-dir; a password file contradicts disable-ticketing; and a
 * non-loopback address needs a password or TLS.
 */
int spice_config_check (const struct spice_config *cfg, GError **error);

/* The spec that spice_config_parse() reads back (g_free). */
char *spice_config_to_spec (const struct spice_config *cfg);

/* The listening address, defaulted. */
const char *spice_config_get_addr (const struct spice_config *cfg);
/* Whether @addr only reaches this computer (127.0.0.0/8, ::1, localhost). */
bool spice_config_addr_is_loopback (const char *addr);

/* The key file's [spice] group: enabled, port, addr, password-file, tls-port,
 * x509-dir, disable-ticketing. @source names the file in messages. */
int spice_config_load_keyfile (struct spice_config *cfg, GKeyFile *kf, const char *source,
                               GError **error);
void spice_config_save_keyfile (const struct spice_config *cfg, GKeyFile *kf);

/*
 * Reads the password from @path: the first line, without its line end.
 * Fails, saying why, if the file cannot be read, is empty, or the password is
 * longer than SPICE_CONFIG_PASSWORD_MAX. Returns 0 or -errno/-EINVAL.
 */
int spice_config_read_password (const char *path, char **password, GError **error);
