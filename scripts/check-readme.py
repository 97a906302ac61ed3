#!/usr/bin/env python3
"""Type-checks every ```swift block of README.md against the package's built modules.

The blocks are put, in order, into one async throwing function (they build on each other: the
hashing block uses the Ion block's `licence`), their imports hoisted, and the file is
type-checked with `swiftc -typecheck` against the modules of a finished `swift build`.

Usage: scripts/check-readme.py [BUILD_DIR]   (default .build/debug)
"""
import os
import re
import subprocess
import sys
import tempfile

build = sys.argv[1] if len(sys.argv) > 1 else ".build/debug"
readme = open("README.md", encoding="utf-8").read()
blocks = re.findall(r"```swift\n(.*?)```", readme, flags=re.S)
if not blocks:
    sys.exit("check-readme: README.md has no swift blocks")
imports, body = set(), []
for index, block in enumerate(blocks, 1):
    body.append(f"    // README swift block {index}")
    for line in block.splitlines():
        if line.startswith("import "):
            imports.add(line.strip())
        else:
            body.append("    " + line)
source = "\n".join(sorted(imports)) + "\n\nfunc readmeSnippets() async throws {\n" + "\n".join(body) + "\n}\n"
modules = os.path.join(build, "Modules")
if not os.path.isdir(modules):
    sys.exit(f"check-readme: {modules} not found; run `swift build` first")
with tempfile.TemporaryDirectory() as directory:
    path = os.path.join(directory, "ReadmeSnippets.swift")
    with open(path, "w", encoding="utf-8") as file:
        file.write(source)
    command = ["swiftc", "-typecheck", "-swift-version", "6", "-I", modules, "-I", build]
    # C modules the Swift ones import: SwiftPM's generated maps of C targets (not the -Swift.h
    # header maps under include/), the C targets' own maps, and this package's system library.
    maps = []
    for entry in sorted(os.listdir(build)):
        candidate = os.path.join(build, entry, "module.modulemap")
        if entry.endswith(".build") and os.path.isfile(candidate):
            maps.append(candidate)
    for root in ("Sources", ".build/checkouts"):
        for directory_path, directories, files in os.walk(root):
            directories[:] = [d for d in directories if d not in ("Benchmarks", "Tests", ".git")]
            if "module.modulemap" in files:
                maps.append(os.path.join(directory_path, "module.modulemap"))
    for path_ in maps:
        command += ["-Xcc", f"-fmodule-map-file={path_}"]
    result = subprocess.run(command + [path], capture_output=True, text=True)
    if result.returncode != 0:
        print(source)
        print(result.stdout + result.stderr)
        sys.exit(f"check-readme: the README's Swift blocks do not compile ({len(blocks)} blocks)")
print(f"check-readme: {len(blocks)} Swift blocks of README.md type-check against {build}")
