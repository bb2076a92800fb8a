# bench/lib/build.sh — sourced by the bench scripts: the nmtd and nmtctl they measure.
#
# bench_build DIR: when BENCH_BUILD is unset, DIR (the tree's build/) is first brought up to the
# sources: `meson setup` when it was never configured (the build dependencies of scripts/setup,
# cmocka for the unit tests among them), then `meson compile` of nmtd and nmtctl, which does
# nothing when they are current. A failed build stops the run with meson's output, so a run never
# measures binaries older than the tree it reports (a build directory configured before a
# migration was added refuses to build until `meson setup --reconfigure DIR`, and says so).
# When BENCH_BUILD is set, that directory is measured as it is (the builds of two trees, A/B):
# only its two binaries must be there. Sets BUILD_STATE to what was done, for the scripts' header:
# "up to date", "rebuilt" or "as found".
bench_build() {
    local dir="$1" root out
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
    if [[ -n "${BENCH_BUILD:-}" ]]; then
        [[ -x "$dir/nmtd" && -x "$dir/nmtctl" ]] \
            || { echo "bench: ERROR: no nmtd/nmtctl in $dir (BENCH_BUILD is measured as it is)" >&2; exit 1; }
        BUILD_STATE="as found"
        return
    fi
    if [[ ! -f "$dir/build.ninja" ]]; then
        echo "bench: configuring $dir (meson setup)" >&2
        out="$(meson setup "$dir" "$root" 2>&1)" \
            || { echo "$out" >&2; echo "bench: ERROR: meson setup $dir failed (scripts/setup installs what it needs)" >&2; exit 1; }
    fi
    echo "bench: compiling nmtd and nmtctl in $dir" >&2
    out="$(meson compile -C "$dir" nmtd nmtctl 2>&1)" \
        || { echo "$out" | tail -n 40 >&2; echo "bench: ERROR: the build of $dir failed" >&2; exit 1; }
    if grep -q "no work to do" <<<"$out"; then BUILD_STATE="up to date"; else BUILD_STATE="rebuilt"; fi
}
