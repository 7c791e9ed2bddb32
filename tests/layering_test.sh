#!/usr/bin/env bash
# Checks the directions of dependency fixed in DESIGN.md by looking at #include lines:
# core <- mechanisms <- envs <- agents (env API headers only) <- experiments; analysis <- core.
set -uo pipefail
src=$1
failures=0
check() {  # folder allowed-regex
  local folder=$1 allowed=$2
  while IFS= read -r line; do
    file=${line%%:*}
    header=$(sed -E 's/.*#include "([^"]+)".*/\1/' <<<"${line#*:}")
    if ! [[ $header =~ $allowed ]]; then
      echo "FAIL: $file includes $header"
      failures=$((failures + 1))
    fi
  done < <(cd "$src" && grep -HE '^#include "' "$folder"/**/*.h "$folder"/**/*.cc 2>/dev/null)
}
shopt -s globstar nullglob
check core '^core/'
check mechanisms '^(core|mechanisms)/'
check envs '^(core|mechanisms|envs)/'
check agents '^(core|agents)/|^envs/(env|space)\.h$'
check analysis '^(core|analysis)/'
[[ $failures -eq 0 ]] && echo "layering ok"
exit $((failures > 0))
