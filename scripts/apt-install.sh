#!/bin/sh
# apt-install.sh WHAT PACKAGE...: install Debian packages for the test suite (as root, or with sudo).
# When neither is possible it says so and exits 0: the tests that need WHAT are skipped, not failed.
set -eu

what="$1"
shift
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "$what is missing and this user cannot install packages; the tests that need it will be skipped" >&2
        exit 0
    fi
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "$@"
