#!/bin/sh
# No file of the source tree keeps a merge's conflict markers: a README once
# landed with them. Build directories inside the tree are not sources.
set -eu
cd "${1:?usage: check-conflict-markers.sh SOURCE_ROOT}"
found=$(grep -rInE --exclude-dir=.git --exclude-dir='build*' --exclude-dir=subprojects \
  '^(<<<<<<< |>>>>>>> |<<<<<<<$|>>>>>>>$)' . || true)
if [ -n "$found" ]; then
  echo "merge conflict markers left in:"
  echo "$found"
  exit 1
fi
