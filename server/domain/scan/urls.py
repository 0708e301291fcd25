"""What a scan may visit: http(s) URLs on the site's own origins, within a page budget."""

from __future__ import annotations

from urllib.parse import urldefrag, urljoin, urlsplit

from server.domain.wording import Message, wording

DEFAULT_MAX_PAGES = 20
MAX_PAGES = 200
MAX_URL = 2000

EMPTY_URL = wording("scan.empty_url", "an empty URL")
URL_TOO_LONG = wording("scan.url_too_long", "a URL over {max} characters")
NOT_HTTP = wording("scan.not_http", "not an http(s) URL: {url}")
NOT_ON_ORIGINS = wording("scan.not_on_origins", "{url} is not on the site's origins ({origins})")
NO_ORIGINS = wording("scan.no_origins", "none")
MAX_PAGES_RANGE = wording("scan.max_pages", "max pages is a whole number from 1 to {max}")


class ScanInputError(ValueError):
    """A scan request that cannot be run as given (nothing is stored)."""

    def __init__(self, message: Message) -> None:
        super().__init__(str(message))
        self.said = message


def origin_of(url: str) -> str | None:
    """Return scheme://host[:port] of an http(s) URL (default ports dropped), else None."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    default = {"http": 80, "https": 443}[parts.scheme]
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    suffix = f":{port}" if port and port != default else ""
    return f"{parts.scheme}://{host}{suffix}"


def normalise_origins(origins: list[str]) -> list[str]:
    """Return the site's origins in the form origin_of gives."""
    out = []
    for origin in origins:
        clean = origin_of(origin)
        if clean and clean not in out:
            out.append(clean)
    return out


def check_url(url: str, origins: list[str]) -> str:
    """Return the URL without its fragment, or refuse it: not http(s), or not the site's."""
    if not isinstance(url, str) or not url.strip():
        raise ScanInputError(EMPTY_URL())
    if len(url) > MAX_URL:
        raise ScanInputError(URL_TOO_LONG(max=MAX_URL))
    clean = url.strip()
    scheme = urlsplit(clean).scheme.lower()
    if scheme not in ("http", "https"):
        raise ScanInputError(NOT_HTTP(url=repr(url[:200])))
    origin = origin_of(clean)
    if origin is None:
        raise ScanInputError(NOT_HTTP(url=repr(url[:200])))
    if origin not in normalise_origins(origins):
        listed = ", ".join(origins) if origins else NO_ORIGINS()
        raise ScanInputError(NOT_ON_ORIGINS(url=repr(url[:200]), origins=listed))
    return urldefrag(clean).url


def check_max_pages(value: int) -> int:
    """Refuse a page budget below 1 or over MAX_PAGES."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_PAGES:
        raise ScanInputError(MAX_PAGES_RANGE(max=MAX_PAGES))
    return value


def same_origin(base: str, hrefs: list[str], origins: list[str]) -> list[str]:
    """Resolve links found on a page; keep the http(s) ones on the site's origins."""
    allowed = set(normalise_origins(origins))
    out = []
    for href in hrefs:
        if not isinstance(href, str) or len(href) > MAX_URL:
            continue
        try:
            url = urldefrag(urljoin(base, href.strip())).url
        except ValueError:
            continue
        if origin_of(url) in allowed and url not in out:
            out.append(url)
    return out


def host_of(url: str) -> str:
    """Return the lower-case host name of a URL ('' when there is none)."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
