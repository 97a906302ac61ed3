#!/usr/bin/env bash
# What deploy/Dockerfile's image runs, checked without a container engine: the `qldb` executable
# is statically linked, and it serves `GET /health` from an empty root (chroot, with only /proc
# mounted, as a container runtime mounts it; root needed), as it will from `FROM scratch`. Builds the static executable unless $QLDB_STATIC names one.
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${QLDB_STATIC:-.build-static/release/qldb}
if [ -z "${QLDB_STATIC:-}" ]; then
    swift build -c release --product qldb --scratch-path .build-static -Xswiftc -static-executable -Xlinker -s
fi
if file "$binary" | grep -q "dynamically linked"; then
    echo "qldb-image: $binary is dynamically linked" >&2
    exit 1
fi
file "$binary"
root=$(mktemp -d)
trap 'kill "${pid:-}" 2>/dev/null || true; umount "$root/proc" 2>/dev/null || true; rm -rf "$root"' EXIT
chmod 755 "$root"
cp "$binary" "$root/qldb"
# What every container has even FROM scratch: /proc (the Swift runtime reads /proc/self).
mkdir "$root/proc"
mount -t proc proc "$root/proc"
chroot --userspec=65532:65532 "$root" /qldb serve --host 127.0.0.1 --port 18531 --in-memory > "$root.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
    answer=$(curl -s http://127.0.0.1:18531/health || true)
    [ -n "$answer" ] && break
    sleep 0.1
done
[ "$answer" = '{"status":"ok"}' ] || { cat "$root.log"; echo "qldb-image: no answer from the empty root" >&2; exit 1; }
echo "qldb-image: $(du -h "$binary" | cut -f1) static executable; from an empty root: GET /health -> $answer"
rm -f "$root.log"
