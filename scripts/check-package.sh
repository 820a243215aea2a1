#!/usr/bin/env bash
# `npm run check:package`: the package as someone installs it. Packs it, checks what the tarball holds, installs it
# into an empty folder without devDependencies, then requires it and runs its command there.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "check:package: $*" >&2; exit 1; }

tarball="$work/$(npm pack --silent --pack-destination "$work" | tail -n 1)"

# dist/, the committed data, examples/, docs/ (which the command's --help names), README and LICENSE (and
# package.json), nothing else.
tar -tzf "$tarball" > "$work/contents"
extra=$(grep -vE '^package/(package\.json|README\.md|LICENSE|dist/.+|reference/.+|examples/.+|docs/.+)$' "$work/contents" || true)
[[ -z $extra ]] || fail "the tarball holds files it should not: $extra"
for need in package/dist/src/index.js package/dist/tools/runner/bin.js package/reference/drip-api-v2.json \
  package/examples/events.ndjson package/docs/backfill.md package/LICENSE package/README.md; do
  grep -qx "$need" "$work/contents" || fail "the tarball lacks $need"
done

app="$work/app"
mkdir "$app"
cd "$app"
npm init -y >/dev/null
npm install --omit=dev --no-audit --no-fund --loglevel=error "$tarball" >/dev/null
for dev in ts-node typescript jest yaml; do
  [[ ! -e node_modules/$dev ]] || fail "$dev was installed: it must not be a dependency of the package"
done

# require() loads the destination and its own dependencies only: nothing that actions-core does not load itself,
# but the package's dist/src and dayjs.
node -e '
  const definition = require("actions-drip").default
  if (definition.name !== "Drip (Actions)") throw new Error("require(\"actions-drip\").default is not the definition")
  console.log(`require: ${definition.name}, actions ${Object.keys(definition.actions).join(", ")}`)
'
node -e '
  const { execFileSync } = require("child_process")
  const cacheAfter = (name) =>
    JSON.parse(execFileSync(process.execPath, ["-e", `require(${JSON.stringify(name)}); console.log(JSON.stringify(Object.keys(require.cache)))`]))
  const core = new Set(cacheAfter("@segment/actions-core"))
  const own = /node_modules\/(actions-drip\/dist\/src|dayjs)\//
  const extra = cacheAfter("actions-drip").filter((file) => !core.has(file) && !own.test(file))
  if (extra.length > 0) { console.error(`require("actions-drip") loads tooling: ${extra.join(", ")}`); process.exit(1) }
  console.log("require: loads only the destination, actions-core and dayjs")
'

npx --no-install actions-drip --help | grep -q 'Usage: actions-drip' || fail 'npx actions-drip --help printed no usage'
npx --no-install actions-drip > sample.txt || fail "npx actions-drip (the bundled sample) exited $?"
grep -q 'What Drip now holds' sample.txt || fail 'npx actions-drip printed no summary of what Drip holds'
# --json is NDJSON and nothing else, line by line.
npx --no-install actions-drip --json > sample.ndjson || fail "npx actions-drip --json exited $?"
node -e '
  const lines = require("fs").readFileSync("sample.ndjson", "utf8").trim().split("\n")
  lines.forEach((line, i) => { try { JSON.parse(line) } catch { console.error(`line ${i + 1} is not JSON: ${line}`); process.exit(1) } })
  console.log(`npx actions-drip --json: ${lines.length} lines, each JSON`)
'
status=0
npx --no-install actions-drip --live 2> live.txt || status=$?
[[ $status == 2 ]] && grep -q 'needs DRIP_ACCOUNT_ID and DRIP_API_KEY' live.txt ||
  fail "npx actions-drip --live without credentials: exit $status, $(cat live.txt)"
echo "check:package: the packed package installs, requires and runs its command"
