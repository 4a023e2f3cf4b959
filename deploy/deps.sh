#!/bin/sh
# Installs the Debian packages vaora needs to build, run and test; does nothing when all are present.
set -eu

# Build, run and test dependencies, one list so the README and CI agree. systemd is for
# systemd-analyze (the install test verifies the units offline; no systemd need run).
PACKAGES="
build-essential pkg-config
libfcgi-dev libfcgi-bin
mariadb-server mariadb-client libmariadb-dev
nginx-light
libqrencode-dev libjansson-dev libssl-dev
libcairo2-dev libpango1.0-dev fonts-noto-core fontconfig
libunistring-dev
libcmocka-dev
clang libclang-rt-14-dev
zbar-tools poppler-utils librsvg2-bin curl ca-certificates
python3 python3-cryptography wrk
galera-4 mariadb-backup socat
systemd openssl
prometheus logrotate
chromium
"
# The browser tests run on Node (playwright-core from npm). A machine that already has a
# `node` (e.g. from nodesource) keeps it; a fresh Debian 12 gets Debian's nodejs and npm.
if ! command -v node >/dev/null 2>&1; then
  PACKAGES="$PACKAGES nodejs npm"
fi

missing=""
for p in $PACKAGES; do
  # dpkg-query prints "install ok installed" only for a fully installed package.
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  case "$status" in
    "install ok installed") ;;
    *) missing="$missing $p" ;;
  esac
done
# nginx comes in flavours; any of them provides /usr/sbin/nginx with the FastCGI module.
if [ -x /usr/sbin/nginx ]; then
  missing=$(echo "$missing" | sed 's/ nginx-light//')
fi

[ -z "$(echo "$missing" | tr -d ' ')" ] && exit 0

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# Another process may hold the dpkg lock (unattended upgrades, a parallel run): wait for it.
$SUDO apt-get -o DPkg::Lock::Timeout=900 update -qq
# shellcheck disable=SC2086
$SUDO apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends $missing
