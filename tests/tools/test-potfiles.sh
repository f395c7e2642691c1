#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Every source file with translatable strings is in po/POTFILES.in (or a
# string never reaches translators), and every listed file exists.
set -uo pipefail
top=${TERRARIUM_SOURCE_ROOT:?}
cd "$top" || exit 1
listed=$(grep -v '^#' po/POTFILES.in | sed '/^$/d' | sort)
status=0
for f in $listed; do
  [ -f "$f" ] || { echo "po/POTFILES.in lists $f, which does not exist"; status=1; }
done
used=$(grep -rlE '(^|[^A-Za-z0-9_])(N?_|g_dngettext|C_)\(|translatable="yes"' src ui vmm \
         --include='*.c' --include='*.ui' | sort)
for f in $used; do
  grep -qx "$f" <<<"$listed" || { echo "$f has translatable strings but is not in po/POTFILES.in"; status=1; }
done
[ $status = 0 ] && echo "po/POTFILES.in lists all $(wc -l <<<"$used") files with translatable strings"
exit $status
