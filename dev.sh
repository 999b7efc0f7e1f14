#!/usr/bin/env bash
# 长山 (chang-shan) developer entry point.
#
#   ./dev.sh run   [ARGS…]   set up, then open the program (.venv/bin/chang-shan ARGS…)
#   ./dev.sh test  [ARGS…]   set up, then run all tests offscreen (ARGS go to pytest)
#   ./dev.sh bench [ARGS…]   set up, then run the benchmarks (python -m bench ARGS…; or bench NAME …)
#   ./dev.sh build           set up, then build the one-folder app with PyInstaller (dist/chang-shan/)
#   ./dev.sh setup           only set up
#
# "Set up" means, each step only when it is not done yet (so a second run is silent and quick):
#   1. the Debian packages Qt, the fonts and the tests need (apt-get; as root, or through sudo);
#   2. a Python 3.11+ virtual environment in .venv;
#   3. the project installed in it (pip install -e '.[test]'), redone when pyproject.toml changes.
#
# Environment: PYTHON=/path/to/python3.11 picks the interpreter; CHANG_SHAN_SKIP_APT=1 skips step 1
# (for machines where someone else manages packages); CHANG_SHAN_VENV=DIR puts the venv elsewhere.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"
VENV="${CHANG_SHAN_VENV:-$ROOT/.venv}"

# Qt offscreen (what the tests use).
APT_QT_OFFSCREEN=(libgl1 libegl1 libfontconfig1 libglib2.0-0 libdbus-1-3 libxkbcommon0)
# Qt on a real X screen (the xcb platform plugin).
APT_QT_X11=(libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0
            libxcb-shape0 libxkbcommon-x11-0)
# Chinese text: Noto CJK for common characters, HanaMin for CJK Extension B (𠀀 U+20000 …).
APT_FONTS=(fonts-noto-cjk fonts-wqy-zenhei fonts-arphic-uming fonts-hanazono)
# Used by tests of badges and reports: QR decoding (zbar) and PDF text extraction (pdftotext).
APT_TOOLS=(zbar-tools libzbar0 poppler-utils)

say() { printf 'dev.sh: %s\n' "$*" >&2; }
die() { printf 'dev.sh: error: %s\n' "$*" >&2; exit 1; }

usage() {
    sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

# --- 1. Debian packages ---------------------------------------------------------------------------

is_installed() {
    dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null | grep -q '^install ok installed$'
}

as_root() {
    if [[ "$(id -u)" -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        if [[ -t 0 ]]; then sudo "$@"; else sudo -n "$@"; fi
    else
        die "need root to install system packages (not root, and sudo is not installed): $*"
    fi
}

apt_install() {
    # Installs the given packages; apt-get update only runs because something is missing.
    local packages=("$@")
    say "installing system packages: ${packages[*]}"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get -o DPkg::Lock::Timeout=300 update -qq \
        || die "apt-get update failed (no network, or no permission?)"
    local log
    log="$(mktemp -t chang-shan-apt.XXXXXX)"
    if ! as_root apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends "${packages[@]}" \
        >"$log" 2>&1; then
        tail -n 20 "$log" >&2
        die "apt-get install failed for: ${packages[*]} (full log: $log)"
    fi
    rm -f "$log"
    local p
    for p in "${packages[@]}"; do
        is_installed "$p" || die "system package $p is still not installed after apt-get install"
    done
}

setup_system() {
    if [[ "${CHANG_SHAN_SKIP_APT:-}" == 1 ]]; then
        return 0
    fi
    if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
        # Not Debian/Ubuntu: Qt's wheels bring most of what they need; fonts are up to the system.
        if [[ "$(uname -s)" == Linux ]]; then
            say "note: not a Debian-like system; make sure the Qt libraries and CJK fonts are installed"
        fi
        return 0
    fi
    local wanted=("${APT_QT_OFFSCREEN[@]}" "${APT_QT_X11[@]}" "${APT_FONTS[@]}" "${APT_TOOLS[@]}")
    # A Python that can make virtual environments (Debian ships venv/ensurepip separately).
    local py
    if ! py="$(find_python)"; then
        wanted+=(python3 python3-venv)
    elif ! "$py" -c 'import ensurepip, venv' >/dev/null 2>&1; then
        wanted+=("python$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')-venv")
    fi
    local missing=() p
    for p in "${wanted[@]}"; do
        is_installed "$p" || missing+=("$p")
    done
    if ((${#missing[@]})); then
        apt_install "${missing[@]}"
    fi
}

# --- 2. Python and the virtual environment --------------------------------------------------------

python_ok() {
    "$1" -c 'import sys; raise SystemExit(sys.version_info < (3, 11))' >/dev/null 2>&1
}

find_python() {
    local candidate
    for candidate in "${PYTHON:-}" python3.11 python3 /usr/bin/python3.11 /usr/bin/python3; do
        [[ -n "$candidate" ]] || continue
        if command -v "$candidate" >/dev/null 2>&1 && python_ok "$candidate"; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

setup_venv() {
    if [[ -x "$VENV/bin/python" ]] && python_ok "$VENV/bin/python"; then
        return 0
    fi
    if [[ -e "$VENV" ]]; then
        [[ -f "$VENV/pyvenv.cfg" ]] || die "$VENV exists but is not a virtual environment; move it away"
        say "the virtual environment in $VENV is broken or too old; making it again"
        rm -rf "$VENV"
    fi
    local py
    py="$(find_python)" || die "Python 3.11 or newer is needed (set PYTHON=/path/to/python3.11)"
    say "creating the virtual environment $VENV with $py"
    "$py" -m venv "$VENV" || die "could not create $VENV with $py (on Debian: apt-get install python3-venv)"
}

# --- 3. The project and its Python dependencies ---------------------------------------------------

setup_packages() {
    # $1: the pip extras, e.g. "test" or "test,build".
    local extras="$1"
    local stamp="$VENV/.chang-shan-installed-${extras//,/-}"
    local key
    key="$("$VENV/bin/python" -c '
import hashlib, sys
digest = hashlib.sha256(open("pyproject.toml", "rb").read())
digest.update("\n".join([sys.argv[1], sys.argv[2], sys.version]).encode())
print(digest.hexdigest())' "$ROOT" "$extras")"
    # The stamp says pip ran for this pyproject.toml; the import (from outside the checkout, so the
    # folder itself does not count) says the editable install still points here.
    if [[ -f "$stamp" && "$(cat "$stamp")" == "$key" ]] && (cd / && "$VENV/bin/python" -c '
import sys, pathlib, chang_shan
sys.exit(pathlib.Path(chang_shan.__file__).resolve().parent.parent != pathlib.Path(sys.argv[1]).resolve())' \
        "$ROOT") >/dev/null 2>&1; then
        return 0
    fi
    say "installing the project and its Python packages into $VENV (first time: a few minutes)"
    local log="$VENV/.chang-shan-pip.log"
    if ! "$VENV/bin/python" -m pip install --disable-pip-version-check -e ".[$extras]" >"$log" 2>&1; then
        tail -n 30 "$log" >&2
        die "pip install -e '.[$extras]' failed (full log: $log)"
    fi
    printf '%s\n' "$key" >"$stamp"
}

setup() {
    setup_system
    setup_venv
    setup_packages "${1:-test}"
}

# --- commands -------------------------------------------------------------------------------------

opens_window() {
    # True when these chang-shan arguments open the window (no subcommand, or `gui`).
    while [[ $# -gt 0 ]]; do
        case "$1" in
            --data-dir) shift ;;
            --data-dir=*) ;;
            gui) return 0 ;;
            *) return 1 ;;  # a headless subcommand, --version, --help …
        esac
        [[ $# -gt 0 ]] && shift
    done
    return 0
}

cmd_run() {
    setup test
    if opens_window "$@" && [[ "$(uname -s)" == Linux && -z "${DISPLAY:-}" \
          && -z "${WAYLAND_DISPLAY:-}" && -z "${QT_QPA_PLATFORM:-}" ]]; then
        die "no screen to open the window on (neither DISPLAY nor WAYLAND_DISPLAY is set): run it \
on the desktop, or use a headless command such as ./dev.sh run stats --json (see ./dev.sh run --help)"
    fi
    exec "$VENV/bin/chang-shan" "$@"
}

cmd_test() {
    setup test
    export QT_QPA_PLATFORM=offscreen
    local status=0
    "$VENV/bin/python" -m pytest "$@" || status=$?
    case "$status" in
        0) ;;
        5) say "pytest collected no tests: that is a failure, not a pass" ;;
        *) say "tests failed (pytest exit code $status)" ;;
    esac
    return "$status"
}

cmd_bench() {
    # ./dev.sh bench [ARGS…] runs the benchmark suite (python -m bench); ./dev.sh bench NAME [ARGS…]
    # runs one module, bench/NAME.py (e.g. ./dev.sh bench synthetic --data-dir /tmp/x --scale 15).
    setup test
    export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
    if [[ $# -gt 0 && "$1" != -* && -f "bench/$1.py" ]]; then
        local module="bench.$1"
        shift
        exec "$VENV/bin/python" -m "$module" "$@"
    fi
    [[ -f bench/__main__.py ]] || die "no benchmark suite yet (bench/__main__.py); modules: \
$(cd bench && ls -- *.py 2>/dev/null | grep -v '^__' | sed 's/\.py$//' | tr '\n' ' ')"
    exec "$VENV/bin/python" -m bench "$@"
}

cmd_build() {
    setup test,build
    "$VENV/bin/python" -m PyInstaller --noconfirm --clean --log-level WARN build_installer.spec \
        || die "PyInstaller build failed"
    local app="$ROOT/dist/chang-shan/chang-shan"
    [[ -x "$app" ]] || app="$app.exe"
    "$app" --version >/dev/null || die "the built program does not start: $app --version failed"
    say "built $ROOT/dist/chang-shan/ ($(du -sh dist/chang-shan | cut -f1)); start it with $app"
}

command="${1:-help}"
[[ $# -gt 0 ]] && shift
case "$command" in
    run) cmd_run "$@" ;;
    test) cmd_test "$@" ;;
    bench) cmd_bench "$@" ;;
    build) cmd_build "$@" ;;
    setup) setup test ;;
    help | -h | --help) usage ;;
    *) usage >&2; die "unknown command: $command" ;;
esac
