#!/usr/bin/env bash
# The test hosts' package cache (make apt-cache): apt-cacher-ng on port 3142 of this
# machine, fetching from the mirror the base images name (sandbox/image/mirror.sh) and
# keeping packages in /var/cache/apt-cacher-ng across runs and clones. The hosts use it
# when it answers on their network's gateway (sandbox/image/rootfs/usr/local/sbin/
# apt-proxy-detect) and go to the mirror otherwise, so without root this only says so.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=sandbox/image/mirror.sh
. "$here/image/mirror.sh"
port=3142

# The cache serves the mirror's release file (a cache remapped to another mirror does not).
serves() {
  python3 - "http://127.0.0.1:$port" "$mirror/dists/bookworm/InRelease" <<'PY'
import sys, urllib.request
opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": sys.argv[1]}))
try:
    sys.exit(0 if opener.open(sys.argv[2], timeout=20).status == 200 else 1)
except OSError:
    sys.exit(1)
PY
}

serves && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "apt-cache: no apt-cacher-ng serving $mirror on port $port; the test hosts download from the mirror"
  exit 0
fi
if [ ! -x /usr/sbin/apt-cacher-ng ]; then
  echo "apt-cache: installing apt-cacher-ng (apt-get)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq apt-cacher-ng >/dev/null
fi
# One started by the package (or by another mirror's run) fetches from elsewhere: replace it.
pkill -x apt-cacher-ng && sleep 1 || true
install -d -o apt-cacher-ng -g apt-cacher-ng /run/apt-cacher-ng
runuser -u apt-cacher-ng -- /usr/sbin/apt-cacher-ng -c /etc/apt-cacher-ng foreground=0 \
  pidfile=/run/apt-cacher-ng/pid SocketPath=/run/apt-cacher-ng/socket Port=$port \
  "Remap-debrep=file:deb_mirror*.gz /debian ; $mirror/" \
  "Remap-secdeb=security.debian.org deb.debian.org/debian-security /debian-security ; $security_mirror/"
for _ in $(seq 50); do serves && { echo "apt-cache: apt-cacher-ng serves $mirror on port $port"; exit 0; }; sleep 0.2; done
echo "apt-cache: apt-cacher-ng does not serve $mirror: see /var/log/apt-cacher-ng/apt-cacher.err" >&2
exit 1
