"""The demo site, built from the seed cookie policy: French first, English second."""

from __future__ import annotations

from typing import Any

from server.domain import drafts, policy
from server.domain.default_texts import french
from server.domain.sites import apply_draft, create_site, get_site
from server.extensions import db
from server.models import Site

KEY = "demo"


def _fr(texts: dict[str, str]) -> dict[str, str]:
    return {key: french(value) for key, value in texts.items()}


SITE: dict[str, Any] = {
    "key": "demo",
    "name": "BonjourMaître (démo)",
    "languages": ["fr", "en"],
    "default_language": "fr",
    "lifetime_days": 182,
    "theme": {
        "layout": "bar",
        "position": "bottom",
        "primary": "#1f4fd1",
        "background": "#ffffff",
        "text": "#1a1a1a",
        "dark": "auto",
    },
    "floating_button": True,
    "reload_on_withdraw": False,
    "texts": {
        "fr": _fr(
            {
                "title": "Vos choix en matière de cookies",
                "description": (
                    "Avec votre accord, BonjourMaître et ses partenaires utilisent des "
                    "cookies pour améliorer les fonctionnalités du site, mesurer son "
                    "audience, vous permettre de partager ses contenus sur les réseaux "
                    "sociaux et vous proposer des publicités adaptées à vos centres "
                    "d'intérêt. Les cookies strictement nécessaires au fonctionnement du "
                    "site sont déposés sans votre accord."
                ),
                "withdraw": (
                    "Vous pouvez modifier vos choix ou retirer votre consentement à tout moment "
                    "grâce au lien « Gestion des cookies » présent sur chaque page."
                ),
                "accept_all": "Tout accepter",
                "reject_all": "Tout refuser",
                "customize": "Personnaliser",
                "save": "Enregistrer",
                "services_link": "Voir la liste des services et partenaires",
                "preferences_title": "Paramétrer les cookies",
                "close": "Fermer",
            }
        ),
        "en": {
            "title": "Your cookie choices",
            "description": (
                "With your agreement, BonjourMaître and its partners use cookies to improve the "
                "site's features, measure its audience, let you share its content on social "
                "networks and show you advertisements matched to your interests. Cookies "
                "strictly necessary for the site to work are set without your agreement."
            ),
            "withdraw": (
                "You can change your choices or withdraw your consent at any time with the "
                "“Gestion des cookies” (cookie settings) link on every page."
            ),
            "accept_all": "Accept all",
            "reject_all": "Reject all",
            "customize": "Customize",
            "save": "Save",
            "services_link": "See the list of services and partners",
            "preferences_title": "Cookie settings",
            "close": "Close",
        },
    },
}


def _ck(name: str, days: int, fr: str, en: str, domain: str = "") -> dict[str, Any]:
    return {
        "name": name,
        "domain": domain,
        "lifetime_days": days,
        "texts": {"fr": {"purpose": french(fr)}, "en": {"purpose": en}},
    }


def _svc(
    slug: str, name: str, provider: str, url: str, fr: str, en: str, cookies: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "slug": slug,
        "name": name,
        "provider": provider,
        "privacy_url": url,
        "texts": {"fr": {"description": french(fr)}, "en": {"description": en}},
        "cookies": cookies,
    }


CATEGORIES: list[dict[str, Any]] = [
    {
        "slug": "necessary",
        "texts": {
            "fr": _fr(
                {
                    "name": "Strictement nécessaires",
                    "description": (
                        "Indispensables au fonctionnement du site, ils vous permettent "
                        "notamment de rester connecté à votre compte et contribuent à sa "
                        "sécurité. Exemptés de consentement, ils ne peuvent pas être désactivés."
                    ),
                }
            ),
            "en": {
                "name": "Strictly necessary",
                "description": (
                    "Needed for the site to work: they keep you signed in to your "
                    "account and serve security. They cannot be switched off."
                ),
            },
        },
        "services": [
            _svc(
                "site",
                "BonjourMaître",
                "BONJOURMAITRE",
                "/demo/politique",
                "Gestion de votre session sur le site.",
                "Your session on the site.",
                [
                    _ck(
                        "PHPSESSID",
                        0,
                        "Maintient la connexion du visiteur à son compte ; expire à la "
                        "fermeture du navigateur.",
                        "Keeps a visitor signed in to their account; expires when the "
                        "browser closes.",
                    )
                ],
            ),
        ],
    },
    {
        "slug": "functional",
        "texts": {
            "fr": _fr(
                {
                    "name": "Fonctionnalités",
                    "description": (
                        "Ils personnalisent les contenus et votre expérience sur le site : ils "
                        "comptent les sessions ouvertes, les clics et les conversions, et "
                        "permettent d'établir des cartes de chaleur. La plupart ne durent que "
                        "le temps de votre session, aucun plus de treize mois."
                    ),
                }
            ),
            "en": {
                "name": "Functionality",
                "description": (
                    "They personalise the content and your experience of the site: they count "
                    "sessions, clicks and conversions, and build heat maps. Most last only as "
                    "long as your session, none more than thirteen months."
                ),
            },
        },
        "services": [
            _svc(
                "sumome",
                "Sumome",
                "Sumo Group",
                "https://sumo.com/privacy",
                "Outils de partage et de conversion.",
                "Sharing and conversion tools.",
                [
                    _ck(
                        "__smToken",
                        395,
                        "Identifie le visiteur pour Sumo.",
                        "Identifies the visitor for Sumo.",
                    ),
                    _ck("__smVID", 395, "Identifiant du visiteur pour Sumo.", "Sumo visitor id."),
                ],
            ),
            _svc(
                "hotjar",
                "Hotjar",
                "Hotjar Ltd",
                "https://www.hotjar.com/legal/policies/privacy/",
                "Cartes de chaleur et enregistrement des sessions de navigation.",
                "Heat maps and session recordings.",
                [
                    _ck(
                        "_hjSessionUser_*",
                        365,
                        "Identifiant du visiteur pour Hotjar.",
                        "Hotjar visitor id.",
                    ),
                    _ck(
                        "_hjSession_*",
                        0,
                        "Données de la session en cours.",
                        "Current session data.",
                    ),
                ],
            ),
            _svc(
                "crisp",
                "Crisp",
                "Crisp IM SAS",
                "https://crisp.chat/fr/privacy/",
                "Messagerie instantanée avec le service client.",
                "Live chat with customer service.",
                [
                    _ck(
                        "crisp-client*",
                        182,
                        "Permet de reprendre la conversation en cours.",
                        "Resumes the ongoing conversation.",
                    )
                ],
            ),
            _svc(
                "agilecrm",
                "AgileCRM",
                "Agile CRM Inc.",
                "https://www.agilecrm.com/privacy-policy",
                "Suivi de la relation client.",
                "Customer relationship tracking.",
                [
                    _ck(
                        "agile-crm-session_id",
                        0,
                        "Session de suivi d'AgileCRM.",
                        "AgileCRM tracking session.",
                    ),
                    _ck(
                        "_agile_uid",
                        395,
                        "Identifiant du visiteur pour AgileCRM.",
                        "AgileCRM visitor id.",
                    ),
                ],
            ),
        ],
    },
    {
        "slug": "audience",
        "texts": {
            "fr": _fr(
                {
                    "name": "Mesure d'audience",
                    "description": (
                        "Ils collectent des informations sur la façon dont les visiteurs "
                        "utilisent le site (pages les plus consultées, fréquentation, "
                        "problèmes de fonctionnement) afin d'en améliorer l'intérêt et "
                        "l'ergonomie."
                    ),
                }
            ),
            "en": {
                "name": "Audience measurement",
                "description": (
                    "They collect information on how visitors use the site (most viewed "
                    "pages, traffic, malfunctions) to make it more useful and easier to use."
                ),
            },
        },
        "services": [
            _svc(
                "google-analytics",
                "Google Analytics",
                "Google Ireland Ltd",
                "https://policies.google.com/privacy",
                "Mesure d'audience.",
                "Audience measurement.",
                [
                    _ck("_ga", 395, "Distingue les visiteurs.", "Distinguishes visitors."),
                    _ck("_ga_*", 395, "Conserve l'état de la session.", "Keeps session state."),
                    _ck(
                        "_gid",
                        1,
                        "Distingue les visiteurs pendant 24 heures.",
                        "Distinguishes visitors over 24 hours.",
                    ),
                ],
            ),
        ],
    },
    {
        "slug": "sharing",
        "texts": {
            "fr": _fr(
                {
                    "name": "Partage sur les réseaux sociaux",
                    "description": (
                        "Les boutons « Partager » et « J'aime » des réseaux sociaux vous "
                        "permettent de partager nos contenus. Le réseau social peut vous "
                        "identifier grâce à ces boutons, même si vous ne les utilisez pas, dès "
                        "lors que vous êtes connecté à votre compte."
                    ),
                }
            ),
            "en": {
                "name": "Social media sharing",
                "description": (
                    "The social networks' “Share” and “Like” buttons let you share our "
                    "content. The network may identify you through these buttons, even if you "
                    "do not use them, whenever you are signed in to your account."
                ),
            },
        },
        "services": [
            _svc(
                "facebook",
                "Facebook",
                "Meta Platforms Ireland Ltd",
                "https://www.facebook.com/privacy/policy/",
                "Bouton de partage de Facebook.",
                "Facebook share button.",
                [
                    _ck(
                        "_fbp",
                        90,
                        "Identifie le navigateur pour Meta.",
                        "Identifies the browser for Meta.",
                    ),
                    _ck(
                        "fr",
                        90,
                        "Publicité et mesure d'audience de Meta.",
                        "Meta advertising and measurement.",
                        ".facebook.com",
                    ),
                ],
            ),
            _svc(
                "twitter",
                "Twitter / X",
                "X Corp.",
                "https://x.com/fr/privacy",
                "Bouton de partage de X.",
                "X share button.",
                [
                    _ck(
                        "guest_id",
                        395,
                        "Identifie le visiteur pour X.",
                        "Identifies the visitor for X.",
                        ".x.com",
                    ),
                    _ck(
                        "personalization_id",
                        395,
                        "Personnalisation des contenus par X.",
                        "X personalisation.",
                        ".x.com",
                    ),
                ],
            ),
            _svc(
                "linkedin",
                "LinkedIn",
                "LinkedIn Ireland",
                "https://www.linkedin.com/legal/privacy-policy",
                "Bouton de partage de LinkedIn.",
                "LinkedIn share button.",
                [
                    _ck(
                        "bcookie",
                        365,
                        "Identifie le navigateur pour LinkedIn.",
                        "Identifies the browser for LinkedIn.",
                        ".linkedin.com",
                    ),
                    _ck(
                        "lidc",
                        1,
                        "Choix du centre de données de LinkedIn.",
                        "Data centre selection.",
                        ".linkedin.com",
                    ),
                ],
            ),
        ],
    },
    {
        "slug": "advertising",
        "texts": {
            "fr": _fr(
                {
                    "name": "Publicité personnalisée",
                    "description": (
                        "Déposés par nos partenaires, ils identifient vos centres d'intérêt "
                        "afin de personnaliser les publicités qui vous sont proposées, sur "
                        "notre site et en dehors. Les refuser est sans incidence sur votre "
                        "utilisation du site."
                    ),
                }
            ),
            "en": {
                "name": "Personalised advertising",
                "description": (
                    "Set by our partners, they learn your interests to personalise the "
                    "advertisements you are shown, on our site and elsewhere. Refusing them "
                    "does not affect your use of the site."
                ),
            },
        },
        "services": [
            _svc(
                "google-ads",
                "Google Ads",
                "Google Ireland Ltd",
                "https://policies.google.com/technologies/ads",
                "Mesure et personnalisation publicitaires.",
                "Advertising measurement and personalisation.",
                [
                    _ck(
                        "_gcl_au",
                        90,
                        "Mesure les conversions publicitaires.",
                        "Measures advertising conversions.",
                    ),
                    _ck(
                        "IDE",
                        395,
                        "Publicité personnalisée.",
                        "Personalised advertising.",
                        ".doubleclick.net",
                    ),
                ],
            ),
        ],
    },
]


def load_demo(origins: list[str] | None = None) -> Site:
    """Create (once) and publish the demo site; add the given origins (the caller commits)."""
    site = get_site(KEY)
    if site is None:
        site = create_site(KEY, SITE["name"])
        apply_draft(
            site, {**{k: v for k, v in SITE.items() if k != "key"}, "categories": CATEGORIES}
        )
        db.session.flush()
        drafts.publish(site, reconsent=False, actor="temoin demo")
    for origin in origins or []:
        if origin not in site.origins:
            site.origins = [*site.origins, origin]
    policy.invalidate(KEY)
    return site
