#!/usr/bin/env bash
# Debian packages the real-service tests need: PostgreSQL server, Chromium, Java, Maven,
# npm; then axe-core (npm) for the accessibility browser tests.
set -euo pipefail
missing=()
command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)
command -v mvn >/dev/null 2>&1 || missing+=(maven)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "missing Debian packages: ${missing[*]} (run as root, or install them: apt-get install ${missing[*]})" >&2
    exit 1
  fi
  echo "installing ${missing[*]} with apt-get" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# axe-core as tests/browser/axe/package-lock.json pins it, from the npm registry (npm's
# cache in ~/.npm makes a second install offline); reinstalled only when the pin moves.
axe="$(cd "$(dirname "$0")/.." && pwd)/tests/browser/axe"
want=$(node -p "require('$axe/package-lock.json').packages['node_modules/axe-core'].version")
have=$(node -p "require('$axe/node_modules/axe-core/package.json').version" 2>/dev/null || true)
if [[ "$want" != "$have" ]]; then
  echo "installing axe-core $want with npm ci" >&2
  npm ci --prefix "$axe" --no-audit --no-fund --loglevel=error >/dev/null
fi
