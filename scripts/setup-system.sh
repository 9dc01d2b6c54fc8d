#!/bin/sh
# Install the Debian packages named as arguments (NAME or NAME=VERSION) that are missing.
# Checks with dpkg-query first, so it is quick when everything is there; uses sudo when
# not run as root.
set -eu

missing=""
for spec in "$@"; do
    name=${spec%%=*}
    want=""
    [ "$name" != "$spec" ] && want=${spec#*=}
    have=$(dpkg-query -W -f='${Status} ${Version}' "$name" 2>/dev/null || true)
    case "$have" in
        "install ok installed "*)
            version=${have#install ok installed }
            if [ -n "$want" ] && [ "$version" != "$want" ]; then
                echo "setup: $name is $version; this project is pinned to $want" >&2
                missing="$missing $spec"
            fi ;;
        *) missing="$missing $spec" ;;
    esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    sudo=""
elif command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
else
    echo "setup: these Debian packages are missing and I am not root:$missing" >&2
    echo "setup: install them with: apt-get install$missing" >&2
    exit 1
fi
echo "setup: installing$missing"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
# shellcheck disable=SC2086
$sudo apt-get install -y -q --no-install-recommends $missing
