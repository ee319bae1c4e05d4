#!/usr/bin/env bash
# Regenerates the committed lock-file samples in this folder with the real package managers.
# Needs node, npm and the npm registry. Each project installs the same small set of packages so
# the tests can compare every lock parser with what npm itself reports (npm-ls.json).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

deps='{"name":"moat-fixture","version":"1.0.0","private":true,
  "dependencies":{"express":"4.19.2","lodash":"4.17.15","minimist":"1.2.0","@types/node":"20.11.30",
    "ms-alias":"npm:ms@2.0.0",
    "react":"18.2.0","react-dom":"18.2.0"},
  "devDependencies":{"ms":"2.1.3","is-number":"7.0.0"}}'

project() {  # project NAME: a fresh directory holding the fixture's package.json
  mkdir -p "$work/$1"
  printf '%s\n' "$deps" >"$work/$1/package.json"
  echo "$work/$1"
}

# npm 7+ (lockfileVersion 3) with a real node_modules tree, and what npm ls says about it.
d=$(project npm3)
(cd "$d" && npm install --no-audit --no-fund >/dev/null)
cp "$d/package.json" "$d/package-lock.json" "$here/"
mv "$here/package-lock.json" "$here/package-lock.v3.json"
(cd "$d" && npm ls --all --json) >"$here/npm-ls.json"
# A lock file v2 from the same tree.
(cd "$d" && rm package-lock.json && npm install --package-lock-only --lockfile-version 2 >/dev/null)
cp "$d/package-lock.json" "$here/package-lock.v2.json"
# An installed package.json as npm leaves it on disk.
cp "$d/node_modules/express/package.json" "$here/express.package.json"
cp "$d/node_modules/@types/node/package.json" "$here/types-node.package.json"

# npm 6 writes lockfileVersion 1 with nested "dependencies".
d=$(project npm1)
(cd "$d" && npx --yes npm@6 install --package-lock-only --no-audit >/dev/null 2>&1)
cp "$d/package-lock.json" "$here/package-lock.v1.json"

# yarn classic.
d=$(project yarn1)
(cd "$d" && npx --yes yarn@1.22.22 install --ignore-scripts --non-interactive --silent >/dev/null)
cp "$d/yarn.lock" "$here/yarn.v1.lock"

# yarn berry (lock format 8), with a workspace so the lock holds workspace entries to skip.
d=$(project berry)
(cd "$d" && node -e '
  const p = require("./package.json");
  p.workspaces = ["packages/*"]; p.packageManager = undefined;
  require("fs").writeFileSync("package.json", JSON.stringify(p, null, 2));'
 mkdir -p packages/inner
 printf '{"name":"inner","version":"0.1.0","dependencies":{"minimist":"1.2.0"}}\n' >packages/inner/package.json
 touch yarn.lock
 printf 'nodeLinker: node-modules\nenableGlobalCache: false\nenableTelemetry: false\n' >.yarnrc.yml
 npx --yes @yarnpkg/cli-dist@4.5.3 install --mode=update-lockfile >/dev/null)
cp "$d/yarn.lock" "$here/yarn.berry.lock"
# Berry rewrites some packages through its built-in patches ("patch:" protocol), resolve among them.
mkdir -p "$work/berry-patch"
(cd "$work/berry-patch"
 printf '{"name":"patched","version":"1.0.0","dependencies":{"resolve":"1.22.8"}}\n' >package.json
 touch yarn.lock
 printf 'nodeLinker: node-modules\nenableGlobalCache: false\nenableTelemetry: false\n' >.yarnrc.yml
 npx --yes @yarnpkg/cli-dist@4.5.3 install --mode=update-lockfile >/dev/null)
cp "$work/berry-patch/yarn.lock" "$here/yarn.berry-patch.lock"

# pnpm 7 (lockfileVersion 5.4), pnpm 8 (6.0) and pnpm 9 (9.0).
for v in 7 8 9; do
  d=$(project "pnpm$v")
  (cd "$d" && npx --yes "pnpm@$v" install --lockfile-only --ignore-scripts >/dev/null)
  cp "$d/pnpm-lock.yaml" "$here/pnpm-lock.v$v.yaml"
done
echo "samples written to $here"
