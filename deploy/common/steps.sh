# shellcheck shell=bash
# The steps every Handover install script is made of (deploy/raspberry-pi/install.sh,
# deploy/server/install.sh), so --dry-run and --root mean the same everywhere. Sourced, not run;
# the script sets dry_run (true/false) and root ("" or a folder) first.
# shellcheck disable=SC2154 # dry_run and root are the sourcing script's

# Each step says what it does; --dry-run only says it, --root skips the system-wide ones.
step() { printf '==> %s\n' "$1"; }
run() {
    if $dry_run; then
        printf '    %s\n' "$*"
    else
        "$@"
    fi
}
system() { # a step that needs the real machine (packages, users, services, boot files)
    if $dry_run || [[ -n "$root" ]]; then
        printf '    %s%s\n' "$*" "$([[ -n "$root" ]] && ! $dry_run && echo '   [skipped: --root]')"
    else
        "$@"
    fi
}
write() { # write stdin to a file (under --root), with a mode
    local target="$root$1" mode="$2"
    if $dry_run; then
        printf '    write %s (mode %s)\n' "$target" "$mode"
        cat >/dev/null
    else
        mkdir -p "$(dirname "$target")"
        cat >"$target"
        chmod "$mode" "$target"
    fi
}
new_secret() { python3 -c 'import secrets; print(secrets.token_urlsafe(48))'; }
