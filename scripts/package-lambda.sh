#!/usr/bin/env bash
# Builds licence-service as a fully static release executable and zips it as `bootstrap` for
# the provided.al2023 runtime: deploy/licence-service.zip. A static-stdlib build alone still needs
# glibc 2.35, newer than Amazon Linux 2023's 2.34, so the executable is linked fully static.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product licence-service --scratch-path .build-static \
    -Xswiftc -static-executable -Xlinker -s
staging=$(mktemp -d)
cp .build-static/release/licence-service "$staging/bootstrap"
chmod 755 "$staging/bootstrap"
rm -f deploy/licence-service.zip
(cd "$staging" && python3 -c 'import zipfile,sys; z=zipfile.ZipFile(sys.argv[1],"w",zipfile.ZIP_DEFLATED); z.write("bootstrap"); z.close()' "$OLDPWD/deploy/licence-service.zip")
rm -rf "$staging"
ls -l deploy/licence-service.zip
echo "upload it to S3 and deploy deploy/template.yaml with CodeBucket/CodeKey pointing at it"
