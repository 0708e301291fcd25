"""A small built-in catalogue of third-party hosts, for requests that set no cookie."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Host:
    """A host suffix and the service it serves."""

    suffix: str
    service: str
    slug: str
    provider: str
    category: str
    privacy_url: str = ""


_GOOGLE = "https://policies.google.com/privacy"
_META = "https://www.facebook.com/privacy/policy/"
HOSTS: tuple[Host, ...] = (
    Host(
        "google-analytics.com",
        "Google Analytics",
        "google-analytics",
        "Google",
        "audience",
        _GOOGLE,
    ),
    Host(
        "analytics.google.com",
        "Google Analytics",
        "google-analytics",
        "Google",
        "audience",
        _GOOGLE,
    ),
    Host(
        "googletagmanager.com",
        "Google Analytics",
        "google-analytics",
        "Google",
        "audience",
        _GOOGLE,
    ),
    Host("doubleclick.net", "Google Ads", "google-ads", "Google", "advertising", _GOOGLE),
    Host("googleadservices.com", "Google Ads", "google-ads", "Google", "advertising", _GOOGLE),
    Host("googlesyndication.com", "Google Ads", "google-ads", "Google", "advertising", _GOOGLE),
    Host("connect.facebook.net", "Facebook", "facebook", "Meta Platforms", "sharing", _META),
    Host("facebook.com", "Facebook", "facebook", "Meta Platforms", "sharing", _META),
    Host(
        "static.hotjar.com",
        "Hotjar",
        "hotjar",
        "Hotjar Ltd",
        "functional",
        "https://www.hotjar.com/legal/policies/privacy/",
    ),
    Host(
        "hotjar.com",
        "Hotjar",
        "hotjar",
        "Hotjar Ltd",
        "functional",
        "https://www.hotjar.com/legal/policies/privacy/",
    ),
    Host("youtube.com", "YouTube", "youtube", "Google", "sharing", _GOOGLE),
    Host("youtube-nocookie.com", "YouTube", "youtube", "Google", "sharing", _GOOGLE),
    Host("ytimg.com", "YouTube", "youtube", "Google", "sharing", _GOOGLE),
    Host("vimeo.com", "Vimeo", "vimeo", "Vimeo", "sharing", "https://vimeo.com/privacy"),
    Host(
        "platform.twitter.com",
        "X (Twitter)",
        "twitter",
        "X Corp.",
        "sharing",
        "https://x.com/privacy",
    ),
    Host(
        "platform.linkedin.com",
        "LinkedIn",
        "linkedin",
        "LinkedIn",
        "sharing",
        "https://www.linkedin.com/legal/privacy-policy",
    ),
    Host(
        "snap.licdn.com",
        "LinkedIn Insight",
        "linkedin-insight",
        "LinkedIn",
        "advertising",
        "https://www.linkedin.com/legal/privacy-policy",
    ),
    Host(
        "clarity.ms",
        "Microsoft Clarity",
        "clarity",
        "Microsoft",
        "audience",
        "https://privacy.microsoft.com/privacystatement",
    ),
    Host(
        "bat.bing.com",
        "Microsoft Advertising",
        "microsoft-ads",
        "Microsoft",
        "advertising",
        "https://privacy.microsoft.com/privacystatement",
    ),
    Host(
        "analytics.tiktok.com",
        "TikTok Pixel",
        "tiktok",
        "TikTok",
        "advertising",
        "https://www.tiktok.com/legal/privacy-policy",
    ),
    Host(
        "client.crisp.chat",
        "Crisp",
        "crisp",
        "Crisp IM",
        "functional",
        "https://crisp.chat/en/privacy/",
    ),
    Host(
        "widget.intercom.io",
        "Intercom",
        "intercom",
        "Intercom",
        "functional",
        "https://www.intercom.com/legal/privacy",
    ),
    Host(
        "js.hs-scripts.com",
        "HubSpot",
        "hubspot",
        "HubSpot",
        "advertising",
        "https://legal.hubspot.com/privacy-policy",
    ),
    Host(
        "plausible.io",
        "Plausible",
        "plausible",
        "Plausible Insights",
        "audience",
        "https://plausible.io/privacy",
    ),
    Host("maps.googleapis.com", "Google Maps", "google-maps", "Google", "functional", _GOOGLE),
    Host("js.stripe.com", "Stripe", "stripe", "Stripe", "necessary", "https://stripe.com/privacy"),
)


def match_host(host: str) -> Host | None:
    """Return the entry whose suffix the host is or ends with (longest first); then the
    catalogue of common services."""
    clean = host.lower().rstrip(".")
    best = None
    for entry in HOSTS:
        if clean == entry.suffix or clean.endswith("." + entry.suffix):
            if best is None or len(entry.suffix) > len(best.suffix):
                best = entry
    if best is None:
        from server.domain.catalogue import match_host as in_catalogue

        svc = in_catalogue(clean)
        if svc is not None:
            best = Host(clean, svc.name, svc.slug, svc.provider, svc.category, svc.privacy_url)
    return best
