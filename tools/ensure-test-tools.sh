#!/usr/bin/env bash
# Run by the build before the tests that talk to real Prometheus tools: promtool checks /metrics,
# prometheus-node-exporter is a real scrape target, prometheus-alertmanager (with amtool) takes
# Pipewatch's alerts and posts its webhook into Pipewatch; chromium and chromium-driver run the
# dashboard's browser test (DashboardIT) headless. Installs them with apt-get when missing
# and the build runs as root (CI, containers); otherwise stops with what to install.
set -euo pipefail
need=()
# kubectl with its built-in kustomize renders deploy/kubernetes offline (deploy-check's tests).
command -v kubectl >/dev/null 2>&1 || need+=(kubectl)
command -v promtool >/dev/null 2>&1 || [ -x /usr/bin/promtool ] || need+=(prometheus)
command -v prometheus-node-exporter >/dev/null 2>&1 || [ -x /usr/bin/prometheus-node-exporter ] \
  || need+=(prometheus-node-exporter)
{ [ -x /usr/bin/prometheus-alertmanager ] || command -v alertmanager >/dev/null 2>&1; } \
  && command -v amtool >/dev/null 2>&1 || need+=(prometheus-alertmanager)
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || [ -x /usr/bin/chromedriver ] || need+=(chromium-driver)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing the test tools: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
else
  echo "The tests need ${need[*]}: install them (Debian/Ubuntu: sudo apt-get install ${need[*]})" \
       "or skip the tests with -DskipTests." >&2
  exit 1
fi
