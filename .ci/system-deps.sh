#!/usr/bin/env bash
# Installs the Debian packages the test suite drives, where they are missing and we may install
# (root with apt). Elsewhere it says what is missing; the tests that need it skip with that reason.
set -u
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
[ -x /usr/sbin/dovecot ] || need+=(dovecot-imapd)
{ command -v nginx || test -x /usr/sbin/nginx; } >/dev/null 2>&1 || need+=(nginx)  # deployments/proxy check
command -v hunspell >/dev/null 2>&1 || need+=(hunspell)                      # the spelling gate
[ -f /usr/share/hunspell/da_DK.dic ] || need+=(hunspell-da)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing ${need[*]} from Debian's packages ..."
  export DEBIAN_FRONTEND=noninteractive
  (apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}") >/tmp/hoering-apt.log 2>&1 \
    || { echo "apt-get failed (see /tmp/hoering-apt.log); tests needing ${need[*]} will be skipped"; exit 0; }
else
  echo "Missing ${need[*]} (install them with apt as root); tests needing them will be skipped"
fi
