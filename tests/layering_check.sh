#!/usr/bin/env bash
# Fails when an #include crosses the module diagram in DESIGN.md:
#   cli -> pipeline -> {storage, image, model, stats, io, dist, report} -> core
# Leaves never include each other; core includes only core.
set -euo pipefail
src=${1:?usage: layering_check.sh SRC_DIR}
leaves="storage image model stats io dist report"
status=0
allowed_for() {
  case "$1" in
    core) echo "core" ;;
    pipeline) echo "pipeline core $leaves" ;;
    cli) echo "cli pipeline core" ;;
    *) echo "$1 core" ;;
  esac
}
while IFS= read -r file; do
  rel=${file#"$src"/}
  case "$rel" in
    orchard/*) module=$(echo "$rel" | cut -d/ -f2) ;;
    cli/*) module=cli ;;
    *) continue ;;
  esac
  allowed=$(allowed_for "$module")
  while IFS= read -r target; do
    [ -n "$target" ] || continue
    ok=0
    for a in $allowed; do [ "$target" = "$a" ] && ok=1; done
    if [ "$ok" = 0 ]; then
      echo "layering violation: $rel ($module) includes orchard/$target/"
      status=1
    fi
  done < <(grep -oE '#include "orchard/[a-z_]+/' "$file" | sed -E 's|#include "orchard/([a-z_]+)/|\1|' | sort -u)
  if [ "$module" != cli ] && grep -qE '#include "cli/' "$file"; then
    echo "layering violation: $rel includes cli/"; status=1
  fi
done < <(find "$src" -name '*.h' -o -name '*.cc')
[ "$status" = 0 ] && echo "layering ok"
exit $status
