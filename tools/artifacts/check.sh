#!/usr/bin/env bash
# Checks the built jars as a user's project would see them, after `mvn -B install` (or package/verify):
#   - each library module has its -sources.jar and -javadoc.jar;
#   - each main jar names its module (Automatic-Module-Name) as the README's table says;
#   - no package is in two main jars (two automatic modules with one package do not start on the module path).
# Usage: tools/artifacts/check.sh   (from anywhere; reads <root>/<module>/target)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
version="$(sed -n 's:^  <version>\(.*\)</version>:\1:p' "$root/pom.xml" | head -1)"
declare -A names=([samediff-graphs]=org.sentence4j.graphs [dl4j-losses]=org.sentence4j.losses
                  [trainer]=org.sentence4j.trainer [spark]=org.sentence4j.spark [examples]=org.sentence4j.examples)
libraries=(samediff-graphs dl4j-losses trainer spark)
failed=0
fail() { echo "FAIL: $*" >&2; failed=1; }

for m in "${libraries[@]}"; do
  for c in sources javadoc; do
    f="$root/$m/target/$m-$version-$c.jar"
    [[ -s "$f" ]] || fail "$m: no $c jar ($f)"
  done
done

packages="$(mktemp)"
trap 'rm -f "$packages"' EXIT
for m in "${!names[@]}"; do
  jar="$root/$m/target/$m-$version.jar"
  if [[ ! -f "$jar" ]]; then fail "$m: no jar ($jar)"; continue; fi
  name="$(unzip -p "$jar" META-INF/MANIFEST.MF | tr -d '\r' | sed -n 's/^Automatic-Module-Name: //p')"
  [[ "$name" == "${names[$m]}" ]] || fail "$m: Automatic-Module-Name '$name', expected '${names[$m]}'"
  # the packages the JVM derives for the jar as an automatic module
  jar --describe-module --file "$jar" | awk -v m="$m" '$1 == "contains" { print $2, m }' >> "$packages"
done
shared="$(awk '{ jars[$1] = jars[$1] " " $2; n[$1]++ } END { for (p in n) if (n[p] > 1) print p ":" jars[p] }' "$packages")"
[[ -z "$shared" ]] || fail "packages in more than one jar: $(echo "$shared" | tr '\n' ';')"

if (( failed )); then exit 1; fi
echo "ok: ${#libraries[@]} libraries with sources and javadoc jars; ${#names[@]} module names; $(wc -l < "$packages") packages, none shared"
