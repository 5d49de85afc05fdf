"""Password hashes: scrypt from the standard library, parameters stored
with each hash so they can be raised later without breaking old ones."""
import base64
import hashlib
import hmac
import secrets

_N, _R, _P = 2 ** 14, 8, 1
_LENGTH = 32


def _b64(data):
    return base64.b64encode(data).decode("ascii")


def _scrypt(password, salt, n, r, p):
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p,
                          dklen=_LENGTH, maxmem=256 * 1024 * 1024)


def hash_password(password):
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, _N, _R, _P)
    return "scrypt$%d$%d$%d$%s$%s" % (_N, _R, _P, _b64(salt), _b64(digest))


def verify_password(password, stored):
    if not stored or password is None:
        return False
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        computed = _scrypt(password, base64.b64decode(salt), int(n), int(r),
                           int(p))
    except ValueError:
        return False
    return hmac.compare_digest(computed, base64.b64decode(digest))
