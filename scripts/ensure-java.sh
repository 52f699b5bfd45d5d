#!/bin/sh
# Install what the Spark re-screening tests need from Debian's packages, only what is missing: a Java 17
# runtime (when no java runs) and the PostgreSQL JDBC driver (/usr/share/java/postgresql.jar, for
# `rescreen --input postgresql://…` on Spark). Idempotent: with both present it does nothing, without
# apt. When they cannot be installed the tests that need them are skipped.
set -eu

JDBC_JAR=/usr/share/java/postgresql.jar
missing=""
if ! { command -v java >/dev/null 2>&1 && java -version >/dev/null 2>&1; }; then
    missing="openjdk-17-jre-headless"
fi
if [ ! -f "$JDBC_JAR" ]; then
    missing="$missing libpostgresql-jdbc-java"
fi
if [ -z "$missing" ]; then
    exit 0
fi
# shellcheck disable=SC2086 # one word per package
exec sh "$(dirname "$0")/apt-install.sh" "Java or the PostgreSQL JDBC driver" $missing
