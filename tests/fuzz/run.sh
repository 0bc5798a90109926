#!/usr/bin/env bash
# Builds the libFuzzer target for the HTTP request parser with clang into build-fuzz/ and runs
# it for ${QUIVER_FUZZ_SECONDS:-30} s on a copy of tests/fuzz/corpus. `run.sh response` does the
# same for the outbound client's response parser, on tests/fuzz/corpus-response. Exits non-zero when the
# fuzzer finds a crash; the input that caused it is kept in build-fuzz/artifacts/.
# Without clang there is nothing to run: it says so and exits 0.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$root/tests/fuzz"
build="$root/build-fuzz"
seconds="${QUIVER_FUZZ_SECONDS:-30}"
target=http_parser_fuzz
corpus="$here/corpus"
if [ "${1:-}" = "response" ]; then
  target=http_response_parser_fuzz
  corpus="$here/corpus-response"
fi

if ! command -v clang++ >/dev/null 2>&1 || ! command -v clang >/dev/null 2>&1; then
  echo "fuzz: clang/clang++ not found, skipping"
  exit 0
fi

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DQUIVER_FUZZ_ONLY=ON >/dev/null
cmake --build "$build" --target "$target"

work="$(mktemp -d /tmp/quiver-fuzz-XXXXXX)"
trap 'rm -rf "$work"' EXIT
cp -R "$corpus" "$work/corpus"
mkdir -p "$build/artifacts"

echo "fuzz: running $target for ${seconds}s"
status=0
"$build/tests/fuzz/$target" "$work/corpus" \
  -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
  -dict="$here/http.dict" -artifact_prefix="$build/artifacts/" -print_final_stats=1 ||
  status=$?
if [ "$status" -ne 0 ]; then
  echo "fuzz: $target failed (exit $status); reproducer in $build/artifacts/" >&2
  exit "$status"
fi
echo "fuzz: no crash in ${seconds}s"
