"""The demo site, built from the seed cookie policy: French first, English second."""

from __future__ import annotations

from typing import Any

SITE: dict[str, Any] = {
    "key": "demo",
    "name": "BonjourMaître (démo)",
    "languages": ["fr", "en"],
    "default_language": "fr",
    "lifetime_days": 182,
    "theme": {
        "position": "bottom",
        "primary": "#1f4fd1",
        "background": "#ffffff",
        "text": "#1a1a1a",
    },
    "floating_button": True,
    "reload_on_withdraw": False,
    "texts": {
        "fr": {
            "title": "Vos choix en matière de cookies",
            "description": (
                "BonjourMaître et ses partenaires utilisent des cookies pour faire fonctionner "
                "le site, améliorer ses fonctionnalités, mesurer son audience, permettre le "
                "partage sur les réseaux sociaux et personnaliser la publicité. Seuls les "
                "cookies strictement nécessaires sont déposés sans votre accord."
            ),
            "withdraw": (
                "Vous pouvez modifier ou retirer votre consentement à tout moment grâce au "
                "lien « Gestion des cookies » présent sur chaque page."
            ),
            "accept_all": "Tout accepter",
            "reject_all": "Tout refuser",
            "customize": "Personnaliser",
            "save": "Enregistrer",
            "services_link": "Voir la liste des services et partenaires",
            "preferences_title": "Paramétrer les cookies",
            "close": "Fermer",
        },
        "en": {
            "title": "Your cookie choices",
            "description": (
                "BonjourMaître and its partners use cookies to run the site, improve its "
                "features, measure its audience, let you share on social networks and "
                "personalise advertising. Only strictly necessary cookies are set without "
                "your agreement."
            ),
            "withdraw": (
                "You can change or withdraw your consent at any time with the « Cookie "
                "settings » link on every page."
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
        "texts": {"fr": {"purpose": fr}, "en": {"purpose": en}},
    }


def _svc(
    slug: str, name: str, provider: str, url: str, fr: str, en: str, cookies: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "slug": slug,
        "name": name,
        "provider": provider,
        "privacy_url": url,
        "texts": {"fr": {"description": fr}, "en": {"description": en}},
        "cookies": cookies,
    }


CATEGORIES: list[dict[str, Any]] = [
    {
        "slug": "necessary",
        "texts": {
            "fr": {
                "name": "Cookies strictement nécessaires",
                "description": (
                    "Indispensables au fonctionnement du site : ils vous permettent "
                    "d'accéder à votre compte et servent à la sécurité. Ils ne "
                    "peuvent pas être désactivés."
                ),
            },
            "en": {
                "name": "Strictly necessary cookies",
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
                "Session du site.",
                "The site's session.",
                [
                    _ck(
                        "PHPSESSID",
                        0,
                        "Garde un visiteur connecté à son compte ; expire à la fermeture du "
                        "navigateur.",
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
            "fr": {
                "name": "Cookies de fonctionnalités",
                "description": (
                    "Personnalisation des contenus et de l'expérience : ils comptent les "
                    "sessions, les clics et les conversions et permettent d'établir des "
                    "cartes de chaleur. Durée de vie de la session à treize mois au plus."
                ),
            },
            "en": {
                "name": "Functionality cookies",
                "description": (
                    "Content and experience personalisation: they count sessions, clicks "
                    "and conversions and build heat maps. They live from the session up "
                    "to thirteen months at most."
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
                    _ck("__smVID", 395, "Identifiant de visiteur Sumo.", "Sumo visitor id."),
                ],
            ),
            _svc(
                "hotjar",
                "Hotjar",
                "Hotjar Ltd",
                "https://www.hotjar.com/legal/policies/privacy/",
                "Cartes de chaleur et enregistrements de sessions.",
                "Heat maps and session recordings.",
                [
                    _ck(
                        "_hjSessionUser_*",
                        365,
                        "Identifiant de visiteur Hotjar.",
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
                        "Reprend la conversation en cours.",
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
                        "Session de suivi AgileCRM.",
                        "AgileCRM tracking session.",
                    ),
                    _ck(
                        "_agile_uid",
                        395,
                        "Identifiant de visiteur AgileCRM.",
                        "AgileCRM visitor id.",
                    ),
                ],
            ),
        ],
    },
    {
        "slug": "audience",
        "texts": {
            "fr": {
                "name": "Cookies de mesure d'audience",
                "description": (
                    "Ils collectent des informations sur la façon dont les visiteurs "
                    "utilisent le site : pages populaires, trafic, problèmes de "
                    "fonctionnement, afin d'améliorer le site."
                ),
            },
            "en": {
                "name": "Audience measurement cookies",
                "description": (
                    "They collect information on how visitors use the site: popular "
                    "pages, traffic, malfunctions, to improve the site."
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
                        "Distingue les visiteurs sur 24 heures.",
                        "Distinguishes visitors over 24 hours.",
                    ),
                ],
            ),
        ],
    },
    {
        "slug": "sharing",
        "texts": {
            "fr": {
                "name": "Cookies de partage",
                "description": (
                    "Boutons « Partager » et « J'aime » des réseaux sociaux. Le réseau "
                    "social peut vous identifier grâce à ce bouton, même si vous ne "
                    "l'utilisez pas."
                ),
            },
            "en": {
                "name": "Sharing cookies",
                "description": (
                    "The social networks' « Share » and « Like » buttons. The network may "
                    "identify you through the button even if you do not use it."
                ),
            },
        },
        "services": [
            _svc(
                "facebook",
                "Facebook",
                "Meta Platforms Ireland Ltd",
                "https://www.facebook.com/privacy/policy/",
                "Bouton de partage Facebook.",
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
                        "Publicité et mesure Meta.",
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
                "Bouton de partage X.",
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
                        "Personnalisation X.",
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
                "Bouton de partage LinkedIn.",
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
                        "Choix du centre de données.",
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
            "fr": {
                "name": "Cookies de publicité",
                "description": (
                    "Déposés par des partenaires pour identifier vos centres d'intérêt et "
                    "personnaliser la publicité sur et en dehors du site. Les refuser n'a "
                    "pas d'impact sur l'utilisation du site."
                ),
            },
            "en": {
                "name": "Advertising cookies",
                "description": (
                    "Set by partners to learn your interests and personalise advertising "
                    "on and off the site. Refusing them does not affect your use of the "
                    "site."
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
