# Sourced by the benchmarks' run.sh from the repository root. bench_compile NAME compiles src/ with tsc into
# .cache/bench-NAME-build (inside the repository, so the compiled code finds node_modules; .cache is ignored by git)
# and sets CLI to its cli.js: the working tree is what is measured, whatever dist/ holds.
bench_compile() {
  echo "== compiling" >&2
  local build=.cache/bench-$1-build
  rm -rf "$build"
  npx tsc -p . --noEmit false --outDir "$build" >&2
  CLI="$build/src/cli.js"
}
