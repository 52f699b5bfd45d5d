#!/bin/sh
# Install Debian's Chromium and its driver for the console's browser tests, only when missing.
# Idempotent: does nothing when /usr/bin/chromium and /usr/bin/chromedriver are already present.
set -eu

if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] && fc-list 2>/dev/null | grep -qi wqy; then
    exit 0
fi
# fonts-wqy-microhei: a CJK font, so that the Chinese interface renders in screenshots
exec sh "$(dirname "$0")/apt-install.sh" chromium chromium chromium-driver fonts-wqy-microhei
