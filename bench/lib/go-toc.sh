# Sourced by the benchmarks' run.sh: what Go reads of our output.
#   our_layer FIELD RESULT.json      the first layer's FIELD (digest, tocDigest) in a `convert --json` result
#   go_toc_digest DIR LAYER TAG      the TOC digest `ctr-remote images get-toc-digest` computes for LAYER of the OCI
#                                    layout DIR, imported into the benchmark's containerd as bench/ours:TAG and removed
#                                    again (its error text when it cannot)
# Needs CTR (the ctr-remote command line, as an array) and W (a work directory) set by the caller.
our_layer() {
  node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[2], "utf8")).manifests[0].layers[0][process.argv[1]])' "$1" "$2"
}

go_toc_digest() {
  local dir=$1 layer=$2 tag=$3
  tar -cf "$W/ours.tar" -C "$dir" oci-layout index.json blobs
  "${CTR[@]}" images rm --sync "bench/ours:$tag" >/dev/null 2>&1 || true
  "${CTR[@]}" images import --no-unpack --base-name bench/ours "$W/ours.tar" >/dev/null
  rm -f "$W/ours.tar"
  "${CTR[@]}" images get-toc-digest "$layer" 2>&1 || true
  "${CTR[@]}" images rm --sync "bench/ours:$tag" >/dev/null 2>&1 || true
}
