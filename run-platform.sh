#!/usr/bin/env bash
# The README's first command: builds the services (tests skipped) and starts the whole platform on
# real local infrastructure, then plays the demo. Ctrl-C stops everything.
# Options are passed to the launcher: --no-demo, --exit-after-demo.
set -euo pipefail
cd "$(dirname "$0")"
mvn -B -q -ntp -DskipTests -Dspotless.check.skip=true install
exec java -Dcdp.repository="$PWD" -cp "local-launcher/target/local-launcher.jar:local-launcher/target/lib/*" \
  org.opencdp.launcher.LocalPlatform "$@"
