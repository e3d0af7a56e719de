#!/usr/bin/env bash
# Make this clone runnable on a Debian 12 machine: the Debian packages it needs (only those
# missing), then .venv/ with the project (reinstalled only when pyproject.toml, setup.py or a
# translation changes). Safe to run again: a second run installs nothing and does not touch
# the network.
#
#     scripts/bootstrap.sh demo    what the demo needs: the hub and the kiosk (scripts/demo)
#     scripts/bootstrap.sh test    that, and the test tools, browsers and compositors (default;
#                                  scripts/test)
#
# Without root it installs no Debian package: where they are all present already it carries
# on; where some are missing it names them and stops.
set -euo pipefail

MODE="${1:-test}"
[[ "$MODE" == demo || "$MODE" == test ]] || {
    printf 'bootstrap: say demo or test, not %s\n' "$MODE" >&2
    exit 2
}

# Debian 12 (bookworm) packages. Add new ones here, one per line, to the list that needs them.
DEMO_PACKAGES=(
    python3 python3-venv python3-pip
    ca-certificates
    tzdata               # zoneinfo's time zone database
    libzbar0             # pyzbar: QR codes from the camera
    # Mesa, for Kivy's window (also offscreen, with no X server)
    libgl1 libgl1-mesa-dri libglx-mesa0 libegl1 libegl-mesa0 libgbm1 libmtdev1
    fonts-symbola        # emoji in names (Zoë 🌈), drawn by the kiosk in one colour
)
TEST_PACKAGES=(
    python3-dev git      # building any package without a wheel; the tests read git
    # Real-window end-to-end runs: a virtual screen, clicks, typing, screenshots
    xvfb xauth xdotool x11-utils imagemagick
    chromium chromium-driver # browser tests (Playwright drives Debian's chromium)
    libatomic1              # the Node.js that Playwright's Python package runs needs it
    fonts-dejavu-core fonts-noto-core # Chromium draws the panel's names in every script with them
    shellcheck           # lints these scripts
    systemd              # systemd-analyze verify, for the service units
    postgresql-client    # pg_dump/pg_restore/psql for hub backups (Debian 12's 15 dumps a 15 server)
    curl                 # the server's handover-update asks /healthz with it (its install.sh adds it)
    cage xwayland wlr-randr # the Pi's kiosk compositor, run headless by tests/deploy
)
SYSTEM_PACKAGES=("${DEMO_PACKAGES[@]}")
if [[ "$MODE" == test ]]; then
    SYSTEM_PACKAGES+=("${TEST_PACKAGES[@]}")
fi

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$REPO_ROOT/.venv"

say() { printf 'bootstrap: %s\n' "$*"; }
die() {
    local code="$1"
    shift
    printf 'bootstrap: %s\n' "$*" >&2
    exit "$code"
}

is_installed() {
    dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null | grep -qx 'install ok installed'
}

install_system_packages() {
    if ! command -v dpkg-query >/dev/null 2>&1; then
        say "not a Debian system (no dpkg-query): skipping system packages;" \
            "install the equivalents of: ${SYSTEM_PACKAGES[*]}"
        return 0
    fi
    local missing=() p
    for p in "${SYSTEM_PACKAGES[@]}"; do
        is_installed "$p" || missing+=("$p")
    done
    if ((${#missing[@]} == 0)); then
        return 0
    fi
    if [[ "$(id -u)" != 0 ]]; then
        die 2 "missing Debian packages: ${missing[*]}." \
            "Run this script as root to install them (apt-get install --no-install-recommends ...)."
    fi
    say "Installing system packages: ${missing[*]}"
    # apt's own output (hundreds of lines) goes to a log, shown only if it fails.
    local log status=0
    log="$(mktemp "${TMPDIR:-/tmp}/handover-apt.XXXXXX")"
    {
        apt-get update -q &&
            DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
                "${missing[@]}"
    } >"$log" 2>&1 || status=$?
    if ((status != 0)); then
        tail -n 40 "$log" >&2
        die "$status" "apt-get failed (exit $status); full output in $log"
    fi
    rm -f "$log"
}

venv_works() {
    [[ -x "$VENV/bin/python" ]] &&
        "$VENV/bin/python" -m pip --version >/dev/null 2>&1
}

create_venv() {
    if venv_works; then
        return 0
    fi
    command -v python3 >/dev/null 2>&1 ||
        die 1 "python3 not found: install Python 3.11 or newer (Debian: apt-get install python3 python3-venv)"
    if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
        die 1 "python3 is $(python3 -c 'import platform; print(platform.python_version())')" \
            "($(command -v python3)); Handover needs Python 3.11 or newer"
    fi
    if [[ -e "$VENV" ]]; then
        say "Recreating .venv (the one there has no working python/pip)"
        rm -rf "$VENV"
    else
        say "Creating .venv"
    fi
    python3 -m venv "$VENV"
}

install_project() {
    local sum extras
    # The editable install also compiles the translations (setup.py): a changed .po reinstalls.
    sum="$(cd "$REPO_ROOT" && cat pyproject.toml setup.py kiosk/locale/*/LC_MESSAGES/*.po admin/locale/*/LC_MESSAGES/*.po |
        sha256sum | cut -d' ' -f1)"
    # What the tests install is a superset of the demo's: either stamp serves the demo.
    if [[ -e "$VENV/.installed-test-$sum" || -e "$VENV/.installed-$MODE-$sum" ]]; then
        return 0
    fi
    extras="$([[ "$MODE" == test ]] && echo test || echo hub,kiosk)"
    say "Installing the project ($extras) into .venv (new .venv, or its files changed)"
    (cd "$REPO_ROOT" &&
        "$VENV/bin/python" -m pip install --disable-pip-version-check -q -e ".[$extras]")
    rm -f "$VENV"/.installed-*
    : >"$VENV/.installed-$MODE-$sum"
}

install_system_packages
create_venv
install_project
