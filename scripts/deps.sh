#!/usr/bin/env bash
# Installs the Debian packages capsim builds and tests with, only those missing. Needs root
# (or sudo) only when something is missing. chromium and python3-pytest run the browser tests
# of the HTML reports (tests/browser/, docs/testing.md); slurm-wlm and munge a throwaway Slurm
# for scripts/slurm-sweep.sh (tests/scripts/real_slurm_test.sh: its own daemons, socket, ports
# and slurm.conf; a system munged the packages may start is left alone); python3-yaml reads the
# Kubernetes manifest scripts/k8s-sweep.yaml in its test, and python3-kubernetes's models of the
# Kubernetes API check its keys. pybind11-dev and python3-dev build the Python module,
# python3-pandas and python3-numpy are what it hands its tables over in (docs/python.md).
set -euo pipefail
packages=(g++ cmake ninja-build git libboost-graph-dev libeigen3-dev libyaml-cpp-dev libfmt-dev
          doctest-dev clang-format python3 python3-matplotlib python3-pytest chromium
          slurm-wlm munge python3-yaml python3-kubernetes pybind11-dev python3-dev
          python3-numpy python3-pandas)
missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing missing Debian packages: ${missing[*]}"
as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
