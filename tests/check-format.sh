#!/bin/sh
# Every C, C++ and header file is formatted by the repository's .clang-format
# (clang-format 14, Debian 12). Prints the files that are not.
set -eu
cd "${1:?usage: check-format.sh SOURCE_ROOT}"
bad=0
for f in $(find src shim tests bench -name '*.c' -o -name '*.h' -o -name '*.cpp' 2>/dev/null | sort); do
  if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
    echo "not formatted: $f (clang-format -i $f)"
    bad=1
  fi
done
exit $bad
