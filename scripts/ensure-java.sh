#!/bin/sh
# Install Debian's Java 17 runtime for the Spark re-screening test, only when no java runs.
# Idempotent: does nothing when `java -version` works. Without it the Spark test is skipped.
set -eu

if command -v java >/dev/null 2>&1 && java -version >/dev/null 2>&1; then
    exit 0
fi
exec sh "$(dirname "$0")/apt-install.sh" java openjdk-17-jre-headless
