#!/bin/bash
# The README, --help and the man pages against the code: every option,
# every allowed syscall, every exit status is documented.  TAP.
#   usage: tests/host/docs.sh [MAN_PAGE...]
set -u
cd "$(dirname "$0")/../.."
n=0; failed=0
check() {	# DESC FILE TEXT
	n=$((n + 1))
	if grep -qF -- "$3" "$2"; then echo "ok $n - $1"
	else failed=$((failed + 1)); echo "not ok $n - $1"; echo "# '$3' not in $2"; fi
}
for opt in $(sed -n 's/^	{ "\([a-z-]*\)",.*/\1/p' vmm/cli.c | grep -v '^debug-'); do
	check "README documents --$opt" README.md "--$opt"
	n=$((n + 1))
	if grep '^"' vmm/cli.c | grep -qF -- "--$opt "; then echo "ok $n - --help documents --$opt"
	else failed=$((failed + 1)); echo "not ok $n - --help documents --$opt"; fi
done
for sc in $(sed -n 's/^	{ "\([a-z_0-9]*\)", "[^"]*" },$/\1/p' vmm/sandbox.c); do
	check "README lists the allowed syscall $sc" README.md "\`$sc\`"
done
# Syscalls allowed with argument checks (tgkill, mmap, openat, ...).
for sc in $(grep -o 'SCMP_SYS([a-z_0-9]*)' vmm/sandbox.c | sed 's/SCMP_SYS(\(.*\))/\1/' | sort -u); do
	check "README lists the syscall $sc, allowed with checks" README.md "\`$sc\`"
done
# ioctl requests, each registered by the code that owns the fd.
for io in $(grep -rho 'sandbox__allow_ioctl([^"]*"[A-Z_]*"' vmm | sed 's/.*"\([A-Z_]*\)"/\1/' | sort -u); do
	check "README lists the allowed ioctl $io" README.md "$io"
done
check "README documents exit status 128+N" README.md "| 128+N |"
for st in $(sed -n 's/^	VMM_EXIT_[A-Z]*[A-Z] = \([0-9]\),.*/\1/p' vmm/exit-status.h | sort -u); do
	check "README documents exit status $st" README.md "| $st |"
done
# The man pages (arguments: build/man/*.1): proper roff, every option of
# vmm in vmm.1, and make install puts them where man looks.
for page in "$@"; do
	n=$((n + 1))
	if ! command -v groff >/dev/null; then echo "ok $n - $page is roff # SKIP no groff"
	elif w=$(groff -man -ww -z "$page" 2>&1) && [ -z "$w" ]; then echo "ok $n - $page is roff groff reads without a warning"
	else failed=$((failed + 1)); echo "not ok $n - $page is roff without warnings"; echo "$w" | sed 's/^/# /'; fi
	case "$page" in */vmm.1)
		for opt in $(sed -n 's/^	{ "\([a-z-]*\)",.*/\1/p' vmm/cli.c | grep -v '^debug-'); do
			check "vmm.1 documents --$opt" "$page" "$(echo "--$opt" | sed 's/-/\\-/g')"
		done ;;
	esac
done
if [ $# -gt 0 ]; then
	dest=$(mktemp -d)
	n=$((n + 1))
	if make -s --no-print-directory install DESTDIR="$dest" PREFIX=/usr >/dev/null 2>&1 &&
	   [ -f "$dest/usr/share/man/man1/vmm.1" ] && [ -f "$dest/usr/share/man/man1/vmm-policy.1" ]; then
		echo "ok $n - make install puts vmm.1 and vmm-policy.1 in PREFIX/share/man/man1"
	else failed=$((failed + 1)); echo "not ok $n - make install installs the man pages"; fi
	rm -rf "$dest"
fi
echo "1..$n"
echo "docs: $((n - failed)) passed, $failed failed"
[ "$failed" = 0 ]
