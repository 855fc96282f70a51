#!/usr/bin/env bash
# Build the sandbox base image for one Debian suite, offline (no registry):
# debootstrap a root filesystem from the Debian mirror, import it into podman,
# then apply the Containerfile. The tag carries a hash of this recipe, so an
# image is rebuilt only when its recipe changes.
#
#   sandbox/image/build.sh bookworm|trixie     prints the image name
set -euo pipefail

suite=${1:?usage: build.sh SUITE}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=sandbox/image/mirror.sh
. "$here/mirror.sh"
packages=systemd,systemd-sysv,dbus,python3,python3-apt,sudo,openssh-server,ca-certificates,procps,iproute2,gnupg

recipe=$( (cat "$0" "$here/Containerfile"; find "$here/rootfs" -type f -print0 | sort -z | xargs -0 cat; \
  echo "$suite $mirror $packages") | sha256sum | cut -c1-12)
image=localhost/djs-base:$suite-$recipe

if podman image exists "$image"; then
  # The plain tag (what sandbox/up.yml starts) may point at another recipe's image,
  # built from another checkout: point it back at this one.
  podman tag "$image" "localhost/djs-base:$suite"
  echo "$image"
  exit 0
fi

# The debootstrap layer is keyed by its own inputs, so a Containerfile change reuses it.
rootfs=localhost/djs-rootfs:$suite-$(echo "$suite $mirror $packages" | sha256sum | cut -c1-12)
echo "building $image from $mirror" >&2
if ! podman image exists "$rootfs"; then
  work=$(mktemp -d /var/tmp/djs-rootfs.XXXXXX)
  trap 'rm -rf "$work"' EXIT
  echo "debootstrap $suite (a minute or two)" >&2
  debootstrap --variant=minbase --include="$packages" "$suite" "$work/rootfs" "$mirror" \
    >"$work/debootstrap.log" 2>&1 || { tail -n 30 "$work/debootstrap.log" >&2; exit 1; }
  tar -C "$work/rootfs" -c . | podman import --quiet - "$rootfs" >/dev/null
fi
# Build containers get podman's default ulimits unless told: keep them within the hard
# limits, and processes within kernel.pid_max (runc is refused above it).
nofile=$(ulimit -Hn)
nproc=$(ulimit -Hu)
pid_max=$(cat /proc/sys/kernel/pid_max)
[ "$nproc" = unlimited ] || [ "$nproc" -gt "$pid_max" ] && nproc=$pid_max
podman build --quiet --ulimit "nofile=$nofile:$nofile" --ulimit "nproc=$nproc:$nproc" \
  --build-arg BASE="$rootfs" --build-arg SUITE="$suite" \
  --build-arg MIRROR="$mirror" --build-arg SECURITY_MIRROR="$security_mirror" \
  --tag "$image" --tag "localhost/djs-base:$suite" "$here" >/dev/null
echo "$image"
