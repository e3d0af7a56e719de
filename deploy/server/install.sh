#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Install Handover's office hub on Debian 12 or Ubuntu 24.04: an office PC running Linux, a
# small server, or a second Raspberry Pi. Run from a checkout of Handover, as root:
#
#     sudo deploy/server/install.sh [options]
#
#   --name NAME        this nursery's hub (default: nursery); run again with another name for
#                      another nursery on the same machine: handover-hub@NAME, its own
#                      database, port and data folder
#   --port N           the port its panel and kiosks use (default: 8080, or the next one free)
#   --database URL     a postgresql:// URL (default: SQLite in /var/lib/handover/NAME/hub.db)
#   --wheel FILE       the Handover wheel to install (default: built from this checkout)
#   --lock FILE        pinned, hashed requirements to install first (default: the checkout's
#                      requirements lock for the hub, when there is one)
#   --dry-run          print every step, change nothing
#   --root DIR         write the files into DIR instead of / and skip what needs the real
#                      system (packages, the user, pip, systemctl); for checks
#
# Then open the address it prints in a browser to create the manager's account.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source_dir="$(cd "$here/../.." && pwd)"
name="nursery" port="" database="" wheel="" lock="" dry_run=false root=""

while (($#)); do
    case "$1" in
        --name) name="${2:?}" && shift 2 ;;
        --port) port="${2:?}" && shift 2 ;;
        --database) database="${2:?}" && shift 2 ;;
        --wheel) wheel="$(realpath -m "${2:?}")" && shift 2 ;;
        --lock) lock="$(realpath -m "${2:?}")" && shift 2 ;;
        --dry-run) dry_run=true && shift ;;
        --root) root="$(realpath -m "${2:?}")" && shift 2 ;;
        -h | --help) sed -n '2,20p' "$0" && exit 0 ;;
        *) echo "install.sh: unknown option $1 (see --help)" >&2 && exit 2 ;;
    esac
done
# The name becomes a unit instance, a folder and (for backups) part of a file name.
[[ "$name" =~ ^[a-z0-9][a-z0-9-]{0,39}$ ]] || { echo "install.sh: --name: lower-case letters, digits, dashes" >&2; exit 2; }
[[ -z "$port" || "$port" =~ ^[0-9]{2,5}$ && "$port" -ge 1024 && "$port" -le 65535 ]] || { echo "install.sh: --port: a number from 1024 to 65535" >&2; exit 2; }
[[ -z "$database" || "$database" =~ ^postgres(ql)?(\+psycopg)?:// ]] || { echo "install.sh: --database: a postgresql:// URL (or nothing, for SQLite)" >&2; exit 2; }
[[ -z "$wheel" || -f "$wheel" ]] || { echo "install.sh: --wheel: no file at $wheel" >&2; exit 2; }
[[ -z "$lock" || -f "$lock" ]] || { echo "install.sh: --lock: no file at $lock" >&2; exit 2; }
if [[ -z "$lock" ]]; then
    for candidate in "$source_dir"/requirements/hub.txt "$source_dir"/requirements-hub.txt "$source_dir"/requirements-hub.lock; do
        if [[ -f "$candidate" ]]; then lock="$candidate" && break; fi
    done
fi

# shellcheck source=../common/steps.sh
source "$here/../common/steps.sh"

if [[ -z "$root" ]] && ! $dry_run && ((EUID != 0)); then
    echo "install.sh: run as root (sudo)" >&2
    exit 1
fi

base="$root/opt/handover"
settings="/etc/handover/$name"
data="/var/lib/handover/$name"
backups="/var/backups/handover/$name"
port_taken() { # by another nursery's hub here, or (on the real machine) by anything listening
    grep -qsx "HANDOVER_PORT=$1" "$root"/etc/handover/*/hub.env ||
        { [[ -z "$root" ]] && ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }
}
if [[ -f "$root$settings/hub.env" ]]; then # a second run: the nursery keeps its port
    port="$(sed -n 's/^HANDOVER_PORT=//p' "$root$settings/hub.env")"
elif [[ -z "$port" ]]; then
    port=8080
    while port_taken "$port"; do port=$((port + 1)); done
elif port_taken "$port"; then
    echo "install.sh: --port $port: another nursery's hub or another program has it" >&2
    exit 2
fi

step "System packages: Python, and PostgreSQL's client tools for backups"
system apt-get update
system apt-get install -y --no-install-recommends python3 python3-venv python3-pip \
    postgresql-client sqlite3 curl ca-certificates

step "The handover user, which runs the hub and owns its data"
if [[ -n "$root" ]] || ! id handover >/dev/null 2>&1; then
    system useradd --system --home-dir /var/lib/handover --shell /usr/sbin/nologin handover
fi

step "Folders for $name: the data, the backups, the settings"
run mkdir -p "$base/releases" "$base/bin" "$base/share" "$root$data" "$root$backups" \
    "$root$settings" "$root/usr/local/bin"
system chown handover:handover /var/lib/handover "$data" /var/backups/handover "$backups"
run chmod 750 "$root$data" "$root$backups"

if [[ -e "$base/current" || -L "$base/current" ]]; then
    # Other nurseries' hubs may run from it: a new version goes in only through handover-update,
    # which backs up, migrates and restarts them all, and rolls back.
    step "Handover itself: already installed ($(readlink "$base/current")); to change it: handover-update${wheel:+ $wheel}"
else
    release="$base/releases/$(date -u +%Y%m%dT%H%M%SZ)"
    step "Handover itself, in a virtual environment: $release"
    if [[ -z "$wheel" ]]; then
        wheel_dir=/tmp/handover-wheel # a real install makes its own; checks make nothing
        if ! $dry_run && [[ -z "$root" ]]; then wheel_dir="$(mktemp -d)"; fi
        system python3 -m pip wheel --quiet --no-deps --wheel-dir "$wheel_dir" "$source_dir"
        wheel="$wheel_dir/handover-*.whl"
    fi
    system python3 -m venv "$release"
    if [[ -n "$lock" ]]; then # the versions that were tested, checked by their hashes
        system "$release/bin/pip" install --quiet --require-hashes -r "$lock"
    fi
    # The hub's extra leaves out the kiosk's Kivy and OpenCV (pip only warns if it is missing).
    # shellcheck disable=SC2086 # the wheel's name is a glob when it was built just now
    system "$release/bin/pip" install --quiet $wheel"[hub]"
    run ln -sfn "releases/$(basename "$release")" "$base/current"
fi

step "The update helper (handover-update) and this guide"
run install -m 755 "$here/handover-update" "$base/bin/handover-update"
run install -m 644 "$here/README.md" "$base/share/server-README.md"
run ln -sfn /opt/handover/bin/handover-update "$root/usr/local/bin/handover-update"

step "Settings: $settings/hub.env and a new secret key (both kept if they exist)"
if [[ -f "$root$settings/hub.env" ]]; then
    echo "    $root$settings/hub.env exists: left as it is"
else
    {
        echo "# The $name hub's settings (handover-hub@$name.service)."
        echo "HANDOVER_DB=${database:-$data/hub.db}"
        echo "HANDOVER_HOST=0.0.0.0"
        echo "HANDOVER_PORT=$port"
        echo "# Connections to PostgreSQL this hub may hold: pool + overflow (deploy/server/README.md)."
        echo "HANDOVER_DB_POOL_SIZE=2"
        echo "HANDOVER_DB_MAX_OVERFLOW=3"
        echo "HANDOVER_BACKUP_KEEP=14"
        echo "# HTTPS with the hub's own certificate authority, made on its first start in"
        echo "# $data/tls (the office's browsers trust it once: see the README)."
    } | write "$settings/hub.env" 640
    system chown root:handover "$settings/hub.env"
fi
if [[ -f "$root$settings/secret-key" ]]; then
    echo "    $root$settings/secret-key exists: left as it is"
else
    new_secret | write "$settings/secret-key" 600
    system chown handover:handover "$settings/secret-key"
fi

step "The database: made, or brought to the newest schema (a wrong URL or password shows here)"
system runuser -u handover -- /opt/handover/current/bin/handover migrate \
    --db "$(sed -n 's/^HANDOVER_DB=//p' "$root$settings/hub.env" 2>/dev/null || echo "${database:-$data/hub.db}")"

step "systemd: the hub and its nightly backup, one instance per nursery"
for unit in handover-hub@.service handover-hub-backup@.service handover-hub-backup@.timer; do
    write "/etc/systemd/system/$unit" 644 <"$here/$unit"
done

step "Start: the $name hub now and at every boot; backups every night"
system systemctl daemon-reload
system systemctl enable --now "handover-hub-backup@$name.timer"
system systemctl enable --now "handover-hub@$name.service"

address="$(hostname -I 2>/dev/null | awk '{print $1}')"
if ! $dry_run && [[ -z "$root" ]]; then # wait for it, so the page below is there when opened
    for _ in $(seq 60); do
        curl -fsSk -o /dev/null "https://127.0.0.1:$port/login" && break
        sleep 1
    done
fi
echo
echo "Installed. The $name hub answers on port $port. On the office's computer, open:"
echo "    https://${address:-THIS-MACHINE}:$port/setup"
echo "to create the manager's account (the first visit there makes it; do it now)."
if ! $dry_run && [[ -z "$root" ]]; then # a hub that asks for a one-time setup code logs it
    journalctl -u "handover-hub@$name" --no-pager -o cat | grep -i 'setup code' | tail -n 1 || true
fi
echo "Its log: journalctl -u handover-hub@$name    Backups: $backups"
