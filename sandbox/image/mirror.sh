# Sourced by build.sh and sandbox/apt-cache.sh: the Debian mirror the sandbox hosts use,
# the one this machine uses unless DEBIAN_MIRROR says otherwise (and its security twin).
mirror=${DEBIAN_MIRROR:-$(awk '/^URIs:/ && $2 !~ /security/ {print $2; exit}' \
  /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)}
mirror=${mirror:-http://deb.debian.org/debian}
security_mirror=${DEBIAN_SECURITY_MIRROR:-${mirror%/debian}/debian-security}
