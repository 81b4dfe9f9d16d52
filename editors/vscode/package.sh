#!/bin/sh
# Packages the extension as tickmark-VERSION.vsix: the client library and vsce from the npm registry.
# Install it with `code --install-extension editors/vscode/tickmark-0.1.0.vsix`.
set -eu
cd "$(dirname "$0")"
npm install --no-audit --no-fund
npx --no-install vsce package --allow-missing-repository --skip-license
