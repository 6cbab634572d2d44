#!/usr/bin/env bash
# Makes sure the C libraries Descent links (OpenBLAS, LAPACKE, zlib) and pkg-config are present, and with
# the argument `mpi` Open MPI too (for the MPI trait). Installs them with apt when missing and running
# as root; otherwise prints the exact command.
set -euo pipefail
packages=(libopenblas-dev liblapacke-dev zlib1g-dev pkg-config)
[ "${1:-}" = mpi ] && packages+=(libopenmpi-dev openmpi-bin)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
  echo "Installing ${missing[*]} ..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Descent needs these Debian/Ubuntu packages: ${missing[*]}" >&2
  echo "Install them with:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
