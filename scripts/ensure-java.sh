#!/bin/sh
# Install Debian's Java 17 runtime for the Spark re-screening test, only when no java is on the PATH.
# Idempotent: does nothing when `java` runs. Without it (and no way to install) the Spark test is skipped.
set -eu

if command -v java >/dev/null 2>&1 && java -version >/dev/null 2>&1; then
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "ensure-java: java is missing and this user cannot install packages;" \
             "the Spark test will be skipped" >&2
        exit 0
    fi
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq openjdk-17-jre-headless
