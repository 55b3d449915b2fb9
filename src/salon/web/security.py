"""The web app's locks: the access token, the cross-site request forgery token and the
headers every response carries.

``salon serve`` prints a URL with a random token once (as Jupyter does). The first request
that carries it (``?token=…``) gets it back as an HttpOnly, SameSite=Strict cookie and is
redirected to the same URL without it; later requests carry the cookie, or the token in an
``Authorization: Bearer …`` header (scripts, the benchmark). A request with neither is
refused: 401, as JSON under ``/api`` and as a page otherwise.

Forms are protected by a double-submit token: a second cookie holds a random value that each
form repeats in a hidden field (``csrf``) and each script in an ``X-CSRF-Token`` header; a
state-changing request authenticated by the cookie whose token does not match is refused
(403). A request authenticated by the ``Authorization`` header cannot be forged by another
site (a browser never adds that header on its own) and needs no CSRF token.

>>> len(new_token()) >= 32
True
>>> same("abc", "abc"), same("abc", "abd"), same(None, "abc")
(True, False, False)
"""

from __future__ import annotations

import hmac
import secrets

#: Every response: the pages load scripts, styles, images and data from this server only.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}

#: Methods that change nothing: no CSRF token needed.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def new_token() -> str:
    """A random token (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def same(given: str | None, expected: str | None) -> bool:
    """Whether two tokens are equal, compared in constant time (None never equals)."""
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


def cookie_names(port: int | None) -> tuple[str, str]:
    """The access and CSRF cookies' names: one pair per port, since browsers share cookies
    between the ports of one host (two servers never read each other's)."""
    suffix = f"_{port}" if port else ""
    return f"salon_token{suffix}", f"salon_csrf{suffix}"


def bearer(header: str | None) -> str | None:
    """The token of an ``Authorization: Bearer TOKEN`` header.

    >>> bearer("Bearer abc"), bearer("Basic abc"), bearer(None)
    ('abc', None, None)
    """
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    return value.strip() or None if scheme.lower() == "bearer" else None
