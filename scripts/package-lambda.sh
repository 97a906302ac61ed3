#!/usr/bin/env bash
# Builds the Lambda function's `bootstrap` (the `licence-lambda` executable: the licence API on the
# Runtime API, no local server or embedded ledger) as a fully static release executable and zips it
# for the provided.al2023 runtime: deploy/licence-service.zip. A static-stdlib build alone still
# needs glibc 2.35, newer than Amazon Linux 2023's 2.34, so the executable is linked fully static.
# Nothing in it links Foundation's CoreFoundation or ICU (FoundationEssentials only), which keeps
# the zip at about 12 MB; the script fails above 20 MB, which would mean they came back.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product licence-lambda --scratch-path .build-static \
    -Xswiftc -static-executable -Xlinker -s
staging=$(mktemp -d)
cp .build-static/release/licence-lambda "$staging/bootstrap"
chmod 755 "$staging/bootstrap"
rm -f deploy/licence-service.zip
(cd "$staging" && python3 -c 'import zipfile,sys; z=zipfile.ZipFile(sys.argv[1],"w",zipfile.ZIP_DEFLATED); z.write("bootstrap"); z.close()' "$OLDPWD/deploy/licence-service.zip")
rm -rf "$staging"
ls -l deploy/licence-service.zip
size=$(stat -c %s deploy/licence-service.zip)
if [ "$size" -gt $((20 * 1024 * 1024)) ]; then
    echo "package-lambda: the zip is $size bytes, over 20 MB: something in licence-lambda links Foundation's CoreFoundation or ICU again (link with -Xlinker -Map=FILE and look for libFoundation.a / lib_FoundationICU.a members)" >&2
    exit 1
fi
echo "upload it to S3 and deploy deploy/template.yaml with CodeBucket/CodeKey pointing at it"
