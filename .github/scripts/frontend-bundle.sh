#!/usr/bin/env bash
# Downloads a built front end, refuses it unless it is the archive named (its SHA-256) and safe to
# publish, and unpacks it for upload:
#
#   bash .github/scripts/frontend-bundle.sh <https URL of a .tar.gz> <sha256> <work dir>
#
# Safe to publish: only regular files and directories (a link could reach outside the archive), no
# absolute path or `..`, index.html at the root, and top-level names CloudFront can invalidate as
# they are. Content-hashed build output lives under assets/ (Vite) or static/ (Create React App);
# everything else keeps its name from build to build. Prints the GitHub step outputs
# `site=<unpacked dir>` and `invalidate=<paths>` (index.html, each other top-level file, and
# `/<dir>/*` for each top-level directory other than assets/ and static/) on stdout; every message
# goes to stderr.
set -euo pipefail

url="${1:?usage: frontend-bundle.sh <url> <sha256> <work dir>}"
expected="${2:?usage: frontend-bundle.sh <url> <sha256> <work dir>}"
work="${3:?usage: frontend-bundle.sh <url> <sha256> <work dir>}"

fail() {
    echo "::error::$*" >&2
    exit 1
}

expected="$(printf '%s' "$expected" | tr 'A-F' 'a-f')"
[[ "$expected" =~ ^[0-9a-f]{64}$ ]] || fail "the expected SHA-256 must be 64 hexadecimal digits"
[[ "$url" =~ ^https:// ]] || fail "the bundle URL must be https://"

rm -rf "$work"
mkdir -p "$work/site"
archive="$work/bundle.tar.gz"
# HTTPS only, redirects included.
curl --fail --silent --show-error --location --proto '=https' --proto-redir '=https' --max-time 600 --output "$archive" "$url" >&2 \
    || fail "could not download the bundle from ${url}"

actual="$(sha256sum "$archive" | cut -d ' ' -f 1)"
[ "$actual" = "$expected" ] || fail "the bundle's SHA-256 is ${actual}, not ${expected}; refusing to publish it"

listing="$(tar -tvzf "$archive" 2>/dev/null)" || fail "the bundle is not a readable .tar.gz"
while IFS= read -r entry; do
    case "${entry:0:1}" in
        - | d) ;;
        *) fail "the bundle holds something other than files and directories: ${entry}" ;;
    esac
done <<<"$listing"
while IFS= read -r name; do
    case "/${name}/" in
        //* | */../*) fail "the bundle holds a path outside itself: ${name}" ;;
    esac
done < <(tar -tzf "$archive")

tar -xzf "$archive" -C "$work/site" --no-same-owner --no-same-permissions
[ -f "$work/site/index.html" ] || fail "the bundle has no index.html at its root (build output packed as: tar -czf bundle.tar.gz -C dist .)"

paths=(/index.html)
while IFS= read -r -d '' entry; do
    name="${entry##*/}"
    [[ "$name" =~ ^[A-Za-z0-9._-]+$ ]] \
        || fail "top-level name '${name}': use letters, digits, '.', '_' and '-' only"
    if [ -d "$entry" ]; then
        case "$name" in
            assets | static) ;;
            *) paths+=("/${name}/*") ;;
        esac
    elif [ "$name" != "index.html" ]; then
        paths+=("/${name}")
    fi
done < <(find "$work/site" -mindepth 1 -maxdepth 1 -print0 | sort -z)

echo "site=${work}/site"
echo "invalidate=${paths[*]}"
