#!/bin/sh
# Install everything the project needs on a Debian 12 (bookworm) x86_64 or
# arm64 machine.  Run as root.  Idempotent: a second run on a ready machine
# does no network work and takes about a second.
#
# - bookworm-backports is added by deriving it from the Debian source this
#   machine already uses (no mirror host name lives in this repository);
# - linux-libc-dev 6.12 comes from backports (the SMCCC filter UAPI);
# - on x86_64, the aarch64 cross toolchain, the arm64 -dev libraries (for a
#   static vmm), qemu-system-arm, busybox-static:arm64 and Debian's arm64 6.12
#   kernel, unpacked into $CACHE (never installed on the host).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${VMM_CACHE:-$top/.cache}
host_arch=$(dpkg --print-architecture)

say() { echo "setup: $*"; }
die() { echo "setup: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (it installs Debian packages)"

# The Debian stanza (deb822 or one-line format) that carries plain
# "bookworm": its URI is where backports lives too.
debian_uri() {
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk 'BEGIN{RS=""; FS="\n"}
		     /(^|\n)Suites:[^\n]*[ \t]bookworm([ \t]|\n|$)/ ||
		     /(^|\n)Suites:[ \t]*bookworm([ \t]|\n|$)/ {
			for (i = 1; i <= NF; i++)
				if ($i ~ /^URIs:/) { sub(/^URIs:[ \t]*/, "", $i);
					split($i, u, /[ \t]+/); print u[1]; exit }
		     }' "$f"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		awk '$1 == "deb" && $0 ~ /[ \t]bookworm[ \t]/ {
			for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) { print $i; exit } }' "$f"
	done
}

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
      clang libclang-rt-14-dev cpio python3 xz-utils"
if [ "$host_arch" = amd64 ]; then
	if ! dpkg --print-foreign-architectures | grep -qx arm64; then
		dpkg --add-architecture arm64
		updated=0
	fi
	pkgs="$pkgs gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm"
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
	for p in libfdt-dev libseccomp-dev libinih-dev libyajl-dev busybox-static; do
		fetch_arm64 $p
	done
	if ! ls "$CACHE"/arm64/boot/vmlinuz-* >/dev/null 2>&1; then
		apt_update
		kpkg=$(apt-cache pkgnames linux-image-6.12 | grep -E -- '^linux-image-6\.12\.[0-9]+[^-]*-arm64-unsigned$' | sort -V | tail -n 1)
		[ -n "$kpkg" ] || die "no arm64 6.12 kernel package found in bookworm-backports"
		fetch_arm64 "$kpkg"
	fi
fi
say "ready"
