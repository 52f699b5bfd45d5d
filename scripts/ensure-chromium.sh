#!/bin/sh
# Install Debian's Chromium and its driver for the console's browser tests, only when missing.
# Idempotent: does nothing when /usr/bin/chromium and /usr/bin/chromedriver are already present.
set -eu

if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] && fc-list 2>/dev/null | grep -qi wqy; then
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "ensure-chromium: chromium is missing and this user cannot install packages;" \
             "browser tests will be skipped" >&2
        exit 0
    fi
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# fonts-wqy-microhei: a CJK font, so that the Chinese interface renders in screenshots
$SUDO apt-get install -y -qq chromium chromium-driver fonts-wqy-microhei
