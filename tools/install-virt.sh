#!/usr/bin/env bash
# Install what real guests need (QEMU, libvirt, dnsmasq, nftables, the
# tools that build the tiny guest image, noVNC's web files for the noVNC
# console proxy), fetch a Debian guest kernel
# package (the tiny guest's dropbear packages are fetched when it is built),
# install libvirt-python into ./.venv and start virtlogd and
# libvirtd. Idempotent: when everything is there it only checks (about a
# second). Needs root and Debian's packages; no systemd is assumed.
#
#   tools/install-virt.sh            install and start
#   tools/install-virt.sh --check    exit 0 only when all is in place
#
# STRATUS_GUEST_KERNEL_DIR  where the linux-image .deb is kept
#                           (default /var/cache/stratus/guest-kernel)
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(qemu-system-x86 qemu-utils busybox-static cpio
          libvirt-daemon-system libvirt-clients libvirt-dev pkg-config
          dnsmasq-base dnsmasq-utils nftables genisoimage
          dosfstools mtools syslinux syslinux-common binutils
          novnc)
KERNEL_DIR=${STRATUS_GUEST_KERNEL_DIR:-/var/cache/stratus/guest-kernel}
LIBVIRT_PYTHON='libvirt-python>=9.0,<12'

log() { echo "install-virt: $*" >&2; }

# shellcheck source=tools/debian_packages.sh
source tools/debian_packages.sh  # (the working directory is the root)

kernel_deb() {  # the newest downloaded guest kernel package, if any
    ls -1 "$KERNEL_DIR"/linux-image-*-amd64_*.deb 2>/dev/null | sort -V | tail -n 1
}

venv_has_libvirt() {
    [ -x .venv/bin/python ] && .venv/bin/python -c 'import libvirt' 2>/dev/null
}

daemon_running() {  # daemon_running NAME
    local pidfile=/run/$1.pid
    [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

if [ "${1:-}" = "--check" ]; then
    [ -z "$(missing_packages)" ] && [ -n "$(kernel_deb)" ] && venv_has_libvirt \
        && daemon_running virtlogd && daemon_running libvirtd
    exit $?
fi

if [ "$(id -u)" != 0 ]; then
    log "must run as root (apt-get, /dev/kvm, libvirtd)"
    exit 1
fi

updated=
apt_update_once() {
    if [ -z "$updated" ]; then
        log "apt-get update"
        apt-get update -qq >/dev/null
        updated=1
    fi
}

mapfile -t missing < <(missing_packages)
if [ ${#missing[@]} -gt 0 ]; then
    apt_update_once
    log "installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null
fi

# The guest kernel: only downloaded (never installed on this host); the
# image builder unpacks it with dpkg -x.
if [ -z "$(kernel_deb)" ]; then
    apt_update_once
    mkdir -p "$KERNEL_DIR"
    # apt downloads as _apt when it may write there (quieter, sandboxed).
    chown _apt "$KERNEL_DIR" 2>/dev/null || true
    version=$(apt-cache depends linux-image-amd64 2>/dev/null \
              | sed -n 's/.*Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -n 1)
    if [ -z "$version" ]; then
        log "cannot tell which linux-image package linux-image-amd64 names"
        exit 1
    fi
    log "downloading $version"
    (cd "$KERNEL_DIR" && apt-get download -qq "$version" >/dev/null)
fi

if ! venv_has_libvirt; then
    if [ ! -x .venv/bin/python ]; then
        bash tools/install.sh
    fi
    log "pip install libvirt-python (builds against the system libvirt)"
    .venv/bin/python -m pip install --quiet "$LIBVIRT_PYTHON"
fi

# libvirt re-probes QEMU on every call while /dev/kvm is root-only.
if [ -e /dev/kvm ]; then
    chgrp kvm /dev/kvm 2>/dev/null || true
    chmod 0660 /dev/kvm
fi

mkdir -p /run/libvirt
if ! daemon_running virtlogd; then
    log "starting virtlogd"
    virtlogd -d
fi
if ! daemon_running libvirtd; then
    log "starting libvirtd"
    libvirtd -d
fi
for _ in $(seq 1 60); do
    if virsh -c qemu:///system version >/dev/null 2>&1; then
        exit 0
    fi
    sleep 1
done
log "libvirtd did not answer on qemu:///system"
exit 1
