#!/bin/sh
# Install everything the project needs on a Debian 12 (bookworm) x86_64 or
# arm64 machine.  Run as root.  Idempotent: a second run on a ready machine
# does no network work and takes about a second.
#
# - bookworm-backports is added by deriving it from the Debian source this
#   machine already uses (no mirror host name lives in this repository);
# - linux-libc-dev 6.12 comes from backports (the SMCCC filter UAPI);
# - on x86_64, the aarch64 cross toolchain, the arm64 -dev libraries (for a
#   static vmm), qemu-system-arm, and for make native-check qemu-user-static,
#   binfmt-support and debootstrap;
# - on both, busybox-static:arm64 and Debian's arm64 6.12 kernel, unpacked
#   into $CACHE (never installed on the host): the Linux test guest, and
#   the emulated host;
# - on arm64, a check of the running kernel and of /dev/kvm, each problem
#   with its fix in one line (warnings: the build and the unit tests need
#   neither).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${VMM_CACHE:-$top/.cache}
host_arch=$(dpkg --print-architecture)

say() { echo "setup: $*"; }
die() { echo "setup: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (it installs Debian packages)"

# This machine's own Debian mirror (tools/debian-uri): backports lives there too.
debian_uri() { sh "$top/tools/debian-uri"; }

BPO=/etc/apt/sources.list.d/vmm-bookworm-backports.sources
updated=0
apt_update() { [ $updated = 1 ] || { apt-get update -qq; updated=1; }; }

if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
	uri=$(debian_uri | head -n 1)
	[ -n "$uri" ] || die "no Debian bookworm source found in /etc/apt to derive backports from"
	say "adding bookworm-backports from $uri"
	cat > "$BPO" <<EOF
Types: deb
URIs: $uri
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
	updated=0
fi

pkgs="build-essential pkg-config check libfdt-dev libseccomp-dev libinih-dev libyajl-dev
      clang libclang-rt-14-dev cpio python3 xz-utils e2fsprogs"
if [ "$host_arch" = amd64 ]; then
	if ! dpkg --print-foreign-architectures | grep -qx arm64; then
		dpkg --add-architecture arm64
		updated=0
	fi
	pkgs="$pkgs gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm
	      qemu-user-static binfmt-support debootstrap"
fi

missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	say "installing:$missing"
	apt_update
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
fi

# The 6.12 UAPI: KVM_ARM_VM_SMCCC_CTRL appeared in 6.4.
if ! grep -qs KVM_ARM_VM_SMCCC_CTRL /usr/include/aarch64-linux-gnu/asm/kvm.h; then
	say "installing linux-libc-dev from bookworm-backports"
	apt_update
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -t bookworm-backports linux-libc-dev
fi

# arm64 packages are downloaded and unpacked into $CACHE/arm64, never
# installed: libfdt-dev and busybox-static cannot be co-installed with their
# amd64 twins, and the host must not get an arm64 kernel.  The .a files give
# the static vmm; busybox and the kernel make the emulated host.
fetch_arm64() {	# package-name
	stamp="$CACHE/arm64/.pkg-$1"
	[ -e "$stamp" ] && return 0
	apt_update
	say "fetching $1:arm64 into $CACHE/arm64"
	rm -rf "$CACHE/deb" && mkdir -p "$CACHE/deb" "$CACHE/arm64"
	(cd "$CACHE/deb" && apt-get download -q "$1:arm64" 2>&1 | grep -v '^W: Download is performed unsandboxed' || true)
	deb=$(ls "$CACHE"/deb/*.deb 2>/dev/null | head -n 1)
	[ -n "$deb" ] || die "apt-get download $1:arm64 fetched nothing"
	dpkg-deb -x "$deb" "$CACHE/arm64"
	rm -rf "$CACHE/deb"
	touch "$stamp"
}

if [ "$host_arch" = amd64 ]; then
	for p in libfdt-dev libseccomp-dev libinih-dev libyajl-dev; do
		fetch_arm64 $p
	done
fi
fetch_arm64 busybox-static
if ! ls "$CACHE"/arm64/boot/vmlinuz-* >/dev/null 2>&1; then
	apt_update
	kpkg=$(apt-cache pkgnames linux-image-6.12 | grep -E -- '^linux-image-6\.12\.[0-9]+[^-]*-arm64-unsigned$' | sort -V | tail -n 1)
	[ -n "$kpkg" ] || die "no arm64 6.12 kernel package found in bookworm-backports"
	fetch_arm64 "$kpkg"
fi

# An arm64 host runs the VMM on its own KVM: say what stands in the way,
# each with its fix.  Warnings only: make, make unit and make host-checks
# need no KVM, and make check says again (and skips or falls back to the
# emulated host) when e2e cannot use it.
if [ "$host_arch" = arm64 ]; then
	warn() { echo "setup: WARNING: $*"; }
	user=${SUDO_USER:-root}
	rel=$(uname -r)
	major=${rel%%.*}; minor=${rel#*.}; minor=${minor%%[!0-9]*}
	if [ "$major" -lt 6 ] || { [ "$major" = 6 ] && [ "${minor:-0}" -lt 4 ]; }; then
		warn "kernel $rel has no KVM SMCCC filter (Linux >= 6.4); fix: apt-get install -t bookworm-backports linux-image-arm64, then reboot into it"
	fi
	if [ ! -e /dev/kvm ]; then
		warn "/dev/kvm: missing; fix: boot with KVM where the kernel runs at EL2 (on a cloud: a bare-metal instance, e.g. Graviton *.metal)"
	elif [ "$user" != root ] && ! runuser -u "$user" -- test -r /dev/kvm -a -w /dev/kvm; then
		warn "/dev/kvm: $user cannot read and write it; fix: adduser $user $(stat -c %G /dev/kvm), then log in again"
	fi
	if [ -x "$top/build/aarch64/vmm" ]; then
		say "what this host's KVM offers (build/aarch64/vmm --probe):"
		"$top/build/aarch64/vmm" --probe | sed 's/^/setup:   /' || true
	else
		say "after make, build/aarch64/vmm --probe says what this host's KVM offers the VMM"
	fi
fi
say "ready"
