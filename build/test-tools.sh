#!/usr/bin/env bash
# Makes sure the real tools the integration tests start are installed: Prometheus (promtool too)
# and headless Chromium with ChromeDriver, from Debian's packages. Called by Maven (it-tests,
# pre-integration-test), so `mvn -B verify` alone prepares a fresh machine. Installs only what is
# missing; needs root (or password-less sudo) and Debian's package registry when something is.
# Packages are installed without their recommended extras and are not started as services.
set -euo pipefail

need=()
command -v prometheus   >/dev/null 2>&1 || need+=(prometheus)
command -v promtool     >/dev/null 2>&1 || need+=(prometheus)
command -v chromium     >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
[ ${#need[@]} -eq 0 ] && exit 0

mapfile -t need < <(printf '%s\n' "${need[@]}" | sort -u)
echo "test-tools: installing ${need[*]} from Debian's packages" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; else
    echo "test-tools: ${need[*]} missing and this user cannot install packages (run as root, or: apt-get install ${need[*]})" >&2
    exit 1
  fi
fi
install() {
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"
}
if ! install "${need[@]}" >/tmp/perfmon-test-tools.log 2>&1; then
  $sudo apt-get update -q >>/tmp/perfmon-test-tools.log 2>&1 || true
  install "${need[@]}" >>/tmp/perfmon-test-tools.log 2>&1 || {
    echo "test-tools: apt-get install ${need[*]} failed; see /tmp/perfmon-test-tools.log" >&2
    exit 1
  }
fi
# The package enables a prometheus service; the tests start their own on a free loopback port.
echo "test-tools: installed ${need[*]}" >&2
