#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Install Handover's kiosk on a Raspberry Pi 4 or 5 running 64-bit Raspberry Pi OS (Bookworm).
# Run from a checkout of Handover, as root:
#
#     sudo deploy/raspberry-pi/install.sh [options]
#
#   --device NAME      this door's name (default: front-door)
#   --camera SPEC      v4l2:0 (USB webcam, default), picamera (Pi camera), none (USB scanner)
#   --rotate DEGREES   0, 90, 180 or 270: how the screen is turned (default: 0)
#   --with-hub         also run the office hub on this Pi (HTTPS on port 8080)
#   --wheel FILE       install this built wheel (default: build one from this checkout)
#   --dry-run          print every step, change nothing
#   --root DIR         write the files into DIR instead of / and skip what needs the real
#                      system (packages, the user, pip, systemctl, the boot settings); for checks
#
# Then pair it with the office: sudo handover-pair https://office-pc:8080 ABCD-EFGH-JKLM
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source_dir="$(cd "$here/../.." && pwd)"
device="front-door" camera="v4l2:0" rotate=0 with_hub=false dry_run=false root="" wheel=""
# Every package pinned with its hashes (./scripts/lock makes it): the Pi gets what was tested.
lock="$source_dir/requirements/pi.txt"

while (($#)); do
    case "$1" in
        --device) device="${2:?}" && shift 2 ;;
        --camera) camera="${2:?}" && shift 2 ;;
        --rotate) rotate="${2:?}" && shift 2 ;;
        --with-hub) with_hub=true && shift ;;
        --wheel) wheel="$(realpath "${2:?}")" && shift 2 ;;
        --dry-run) dry_run=true && shift ;;
        --root) root="$(realpath -m "${2:?}")" && shift 2 ;;
        -h | --help) sed -n '2,17p' "$0" && exit 0 ;;
        *) echo "install.sh: unknown option $1 (see --help)" >&2 && exit 2 ;;
    esac
done
[[ "$device" =~ ^[A-Za-z0-9._-]{1,64}$ ]] || { echo "install.sh: --device: letters, digits, dashes" >&2; exit 2; }
[[ "$camera" =~ ^(v4l2:[0-9]+|picamera|none)$ ]] || { echo "install.sh: --camera: v4l2:N, picamera or none" >&2; exit 2; }
[[ "$rotate" =~ ^(0|90|180|270)$ ]] || { echo "install.sh: --rotate: 0, 90, 180 or 270" >&2; exit 2; }
[[ -z "$wheel" || "$wheel" == *.whl ]] || { echo "install.sh: --wheel: a handover-*.whl file" >&2; exit 2; }

release="$(date -u +%Y%m%dT%H%M%SZ)"
base="$root/opt/handover"

# shellcheck source=../common/steps.sh
source "$here/../common/steps.sh"

if [[ -z "$root" ]] && ! $dry_run && ((EUID != 0)); then
    echo "install.sh: run as root (sudo)" >&2
    exit 1
fi

step "System packages: cage (the kiosk's one-window compositor) and what Kivy, the camera and the QR decoders need"
packages=(python3 python3-venv python3-pip cage xwayland wlr-randr libgl1 libegl1 libgles2
    libmtdev1 libzbar0 fonts-dejavu-core fonts-symbola sqlite3 util-linux) # Noto travels in the wheel
if [[ "$camera" == picamera ]]; then
    packages+=(python3-picamera2) # from Raspberry Pi OS; the venv sees it (--system-site-packages)
fi
system apt-get update
system apt-get install -y --no-install-recommends "${packages[@]}"

step "The handover user, in the groups that reach the screen, the touch panel and the camera"
if [[ -z "$root" ]] && id handover >/dev/null 2>&1; then # a second run
    system usermod --append --groups video,input,render,tty handover
else
    system useradd --system --home-dir /var/lib/handover --shell /usr/sbin/nologin \
        --groups video,input,render,tty handover
fi

step "Folders: the program, the data, the backups, the settings"
run mkdir -p "$base/releases" "$base/bin" "$base/share" "$root/var/lib/handover" \
    "$root/var/backups/handover" "$root/etc/handover" "$root/usr/local/bin"
system chown handover:handover /var/lib/handover /var/backups/handover
run chmod 750 "$root/var/lib/handover" "$root/var/backups/handover"

step "Handover itself, in a virtual environment: $base/releases/$release"
# As users install Python software: the built wheel (which carries its templates, translations
# and fonts), never the checkout, and its dependencies from the lock with their hashes checked.
if [[ -z "$wheel" ]]; then
    wheels="$base/wheels/$release"
    system python3 -m pip wheel --quiet --no-deps --wheel-dir "$wheels" "$source_dir"
    for wheel in "$wheels"/handover-*.whl; do :; done # the one just built (a pattern if not)
fi
system python3 -m venv --system-site-packages "$base/releases/$release"
system "$base/releases/$release/bin/pip" install --quiet --require-hashes -r "$lock"
system "$base/releases/$release/bin/pip" install --quiet --no-deps "$wheel"
if [[ "$camera" == picamera ]]; then
    # Raspberry Pi OS's picamera2 imports simplejpeg, built there for Debian's numpy 1.24; the
    # venv's numpy is 2.x, and that simplejpeg then fails ("numpy.dtype size changed"). Its
    # wheel from PyPI is built for numpy 2 and, in the venv, comes first.
    system "$base/releases/$release/bin/pip" install --quiet simplejpeg
fi
run ln -sfn "releases/$release" "$base/current"

step "The kiosk's helpers (handover-cage, -launch, -touch-rotation, -pair, -update) and this guide"
for script in handover-cage handover-launch handover-touch-rotation handover-pair handover-update; do
    run install -m 755 "$here/$script" "$base/bin/$script"
done
run install -m 644 "$here/README.md" "$here/TROUBLESHOOTING.md" "$base/share/"
run install -m 644 "$lock" "$base/share/pi.txt" # what handover-update installs a wheel with
run ln -sfn /opt/handover/bin/handover-pair "$root/usr/local/bin/handover-pair"
run ln -sfn /opt/handover/bin/handover-update "$root/usr/local/bin/handover-update"

step "Settings: /etc/handover/kiosk.env (kept if it exists)"
if [[ -f "$root/etc/handover/kiosk.env" ]]; then
    echo "    $root/etc/handover/kiosk.env exists: left as it is"
else
    sed -e "s|^HANDOVER_DEVICE=.*|HANDOVER_DEVICE=$device|" \
        -e "s|^HANDOVER_CAMERA=.*|HANDOVER_CAMERA=$camera|" \
        -e "s|^HANDOVER_ROTATE=.*|HANDOVER_ROTATE=$rotate|" \
        "$here/kiosk.env" | write /etc/handover/kiosk.env 644
fi

if $with_hub; then
    step "The office hub on this Pi: /etc/handover/hub.env with a new secret key"
    if [[ -f "$root/etc/handover/hub.env" ]]; then
        echo "    $root/etc/handover/hub.env exists: left as it is"
    else
        {
            echo "# The office hub's settings (handover-hub.service). Keep the key secret."
            echo "HANDOVER_HUB_DB=/var/lib/handover/hub.db"
            echo "HANDOVER_SECRET_KEY=$(new_secret)"
            echo "# HTTPS with the hub's own certificate authority, made on its first start in"
            echo "# /var/lib/handover/tls (the office's browsers trust it once: see the README)."
        } | write /etc/handover/hub.env 600
        system chown handover:handover /etc/handover/hub.env
    fi
fi

step "systemd: the kiosk, the nightly backup$($with_hub && echo ', the hub'), and log rotation"
units=(handover-kiosk.service handover-backup.service handover-backup.timer)
if $with_hub; then
    units+=(handover-hub.service)
fi
for unit in "${units[@]}"; do
    write "/etc/systemd/system/$unit" 644 <"$here/$unit"
done
write /etc/systemd/journald.conf.d/handover.conf 644 <"$here/journald-handover.conf"

step "Boot settings: the console never blanks the screen"
cmdline="$root/boot/firmware/cmdline.txt"
if [[ -f "$cmdline" ]] && ! grep -q 'consoleblank=0' "$cmdline"; then
    run sed -i '1 s/$/ consoleblank=0/' "$cmdline"
else
    echo "    $cmdline: $([[ -f "$cmdline" ]] && echo 'already has consoleblank=0' || echo 'not found (not a Raspberry Pi?), consoleblank=0 not added')"
fi

step "No desktop: the kiosk has the screen to itself"
# A desktop's display manager (Raspberry Pi OS with desktop: lightdm) would hold the screen.
reboot_needed=false
if [[ -L "$root/etc/systemd/system/display-manager.service" ]]; then
    manager="$(basename "$(readlink "$root/etc/systemd/system/display-manager.service")")"
    system systemctl disable "$manager"
    reboot_needed=true
else
    echo "    no display manager is enabled (Raspberry Pi OS Lite): nothing to do"
fi

step "Start: the kiosk now and at every boot; backups every night"
system systemctl daemon-reload
system systemctl restart systemd-journald
system systemctl set-default graphical.target
system systemctl enable --now handover-backup.timer
if $with_hub; then
    system systemctl enable --now handover-hub.service
fi
system systemctl enable --now handover-kiosk.service

echo
if $reboot_needed; then
    echo "The desktop still holds the screen until the Pi restarts: sudo reboot"
fi
echo "Installed. Next: pair this kiosk with the office hub:"
echo "    sudo handover-pair https://OFFICE-HUB:8080 PAIRING-CODE"
