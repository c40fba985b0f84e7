#!/bin/sh
# forge -- one file: this POSIX sh header, then the forge jar.  A zip is read from its end, so
# `java -jar` on this file skips the header; sh stops at the `exec`/`exit` below and never reads
# the jar bytes.
#
# Built by forge-cli's antrun execution "dist" from forge-cli/src/main/launcher/head.sh +
# scripts/lib/find-jdk.sh + a line with the build id + forge-cli/src/main/launcher/tail.sh + the shaded jar.
#
# Environment: JAVA_HOME (used when it is Java 25+, else the newest JDK 25+ under /usr/lib/jvm,
# else java on PATH); FORGE_JAVA_OPTS (extra JVM options, appended last: -Xmx8g there replaces
# the default -Xmx2g). Java runs under LC_ALL=C.UTF-8 when the locale is not a UTF-8 one, so that
# file names are read as UTF-8 (see tail.sh).
