#!/bin/sh
# /usr/bin/dispool: dispool's command line as packaged. The command itself is deploy/dispool,
# installed unchanged as /usr/share/dispool/bin/dispool; it finds the app through DISPOOL_HOME.
# On a host where the service runs, the CLI talks to its socket /run/dispool/dispool.sock.
DISPOOL_HOME=${DISPOOL_HOME:-/usr/share/dispool/quarkus-app}
export DISPOOL_HOME
if [ -z "${DISPOOL_SOCKET:-}" ] && [ -S /run/dispool/dispool.sock ]; then
    export DISPOOL_SOCKET=/run/dispool/dispool.sock
fi
exec /usr/share/dispool/bin/dispool "$@"
