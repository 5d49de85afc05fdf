# Sourced by the install scripts: the Debian packages of the array
# PACKAGES that are not installed yet, one a line.
missing_packages() {
    local pkg status
    for pkg in "${PACKAGES[@]}"; do
        status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
        [ "$status" = installed ] || echo "$pkg"
    done
}
