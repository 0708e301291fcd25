"""The texts a new site starts with: its banner and its five purposes, in French and English.

Written for a French (CNIL) site: each purpose says what it is for and what refusing costs,
the banner says that refusing is as easy as accepting and that consent can be withdrawn at
any time. A site owner reviews them, adapts them to the site and publishes.
"""

from __future__ import annotations

import re
from typing import Any

NBSP = "\u00a0"  # espace insécable: before « : » and inside « guillemets »
NNBSP = "\u202f"  # espace fine insécable: before « ; », « ! » and « ? »
_BEFORE_COLON = re.compile(r" +:")
_BEFORE_THIN = re.compile(r" +([;!?])")
_IN_QUOTES = re.compile(r"« *(.*?) *»")
_QUOTED = re.compile(r'"([^"\n]+)"|“([^”\n]+)”')


def french(text: str) -> str:
    """Apply French typography: « guillemets » with non-breaking spaces, the same before : ; ! ?,
    and curly apostrophes.

    The texts below are written with ordinary spaces, which keeps them readable here; what
    visitors get never breaks a line before a colon or inside guillemets.
    """
    text = _QUOTED.sub(lambda m: f"« {m.group(1) or m.group(2)} »", text)
    text = _IN_QUOTES.sub(lambda m: f"«{NBSP}{m.group(1)}{NBSP}»", text)
    text = _BEFORE_COLON.sub(f"{NBSP}:", text)
    text = _BEFORE_THIN.sub(lambda m: NNBSP + m.group(1), text)
    return text.replace("'", "’")


def _fr(texts: dict[str, str]) -> dict[str, str]:
    return {key: french(value) for key, value in texts.items()}


BANNER: dict[str, dict[str, str]] = {
    "fr": _fr(
        {
            "title": "Vos choix en matière de cookies",
            "description": (
                "Avec votre accord, nous et nos partenaires utilisons des cookies et des "
                "technologies similaires pour stocker et lire des informations sur votre "
                "terminal, aux fins indiquées ci-dessous. Les cookies strictement nécessaires "
                "au fonctionnement du site sont déposés sans votre accord. Refuser les autres "
                "ne vous empêche pas d'utiliser le site."
            ),
            "withdraw": (
                "Vous pouvez accepter ou refuser chaque finalité, et retirer votre "
                "consentement à tout moment, aussi simplement que vous l'avez donné, depuis le "
                "lien de gestion des cookies présent sur chaque page."
            ),
            "accept_all": "Tout accepter",
            "reject_all": "Tout refuser",
            "customize": "Personnaliser",
            "save": "Enregistrer mes choix",
            "services_link": "Voir la liste des partenaires",
            "preferences_title": "Paramétrer les cookies",
            "close": "Fermer",
        }
    ),
    "en": {
        "title": "Your cookie choices",
        "description": (
            "With your agreement, we and our partners use cookies and similar technologies to "
            "store and read information on your device, for the purposes listed below. Cookies "
            "strictly necessary for the site to work are set without your agreement. Refusing "
            "the others does not stop you from using the site."
        ),
        "withdraw": (
            "You can accept or refuse each purpose, and withdraw your consent at any time, as "
            "easily as you gave it, from the cookie settings link on every page."
        ),
        "accept_all": "Accept all",
        "reject_all": "Reject all",
        "customize": "Customize",
        "save": "Save my choices",
        "services_link": "See the list of partners",
        "preferences_title": "Cookie settings",
        "close": "Close",
    },
}

# Purpose names are short and are not "Cookies de …": the banner lists them after
# « Finalités : » and a blocked frame's placeholder says « (cookies « NAME ») ».
CATEGORIES: dict[str, dict[str, dict[str, str]]] = {
    "necessary": {
        "fr": _fr(
            {
                "name": "Strictement nécessaires",
                "description": (
                    "Indispensables au fonctionnement du site et à sa sécurité : maintien de "
                    "votre session, répartition de la charge, mémorisation de vos choix en "
                    "matière de cookies. Exemptés de consentement, ils ne peuvent pas être "
                    "désactivés."
                ),
            }
        ),
        "en": {
            "name": "Strictly necessary",
            "description": (
                "Needed for the site to work and to keep it secure: keeping your session, "
                "balancing the load, remembering your cookie choices. Exempt from consent, "
                "they cannot be switched off."
            ),
        },
    },
    "functional": {
        "fr": _fr(
            {
                "name": "Fonctionnalités",
                "description": (
                    "Ils améliorent votre confort de navigation et personnalisent le contenu "
                    "et l'expérience du site : préférences d'affichage, messagerie "
                    "instantanée, outils d'aide. Sans eux, certaines fonctionnalités peuvent "
                    "être indisponibles."
                ),
            }
        ),
        "en": {
            "name": "Functionality",
            "description": (
                "They make browsing easier and personalise the site's content and experience: "
                "display preferences, live chat, help tools. Without them, some features may "
                "be unavailable."
            ),
        },
    },
    "audience": {
        "fr": _fr(
            {
                "name": "Mesure d'audience",
                "description": (
                    "Ils mesurent la fréquentation du site et la façon dont il est utilisé "
                    "(pages consultées, parcours, durée des visites, erreurs rencontrées) afin "
                    "d'en améliorer le contenu et l'ergonomie. Les statistiques produites "
                    "sont agrégées."
                ),
            }
        ),
        "en": {
            "name": "Audience measurement",
            "description": (
                "They measure visits to the site and how it is used (pages viewed, paths, "
                "length of visits, errors met) to improve its content and ease of use. The "
                "statistics produced are aggregated."
            ),
        },
    },
    "sharing": {
        "fr": _fr(
            {
                "name": "Partage sur les réseaux sociaux",
                "description": (
                    "Ils permettent de partager des contenus du site grâce aux boutons des "
                    "réseaux sociaux. Le réseau social qui fournit un bouton peut vous "
                    "identifier et suivre votre navigation sur le site, même si vous ne "
                    "cliquez pas dessus, dès lors que vous êtes connecté à votre compte."
                ),
            }
        ),
        "en": {
            "name": "Social media sharing",
            "description": (
                "They let you share the site's content with the social networks' buttons. The "
                "network providing a button may identify you and follow your browsing on the "
                "site, even if you do not click it, whenever you are signed in to your account."
            ),
        },
    },
    "advertising": {
        "fr": _fr(
            {
                "name": "Publicité personnalisée",
                "description": (
                    "Déposés par nous ou par nos partenaires publicitaires, ils permettent de "
                    "vous présenter des publicités adaptées à vos centres d'intérêt, sur ce "
                    "site et en dehors, et d'en mesurer l'efficacité. Les refuser est sans "
                    "incidence sur votre utilisation du site."
                ),
            }
        ),
        "en": {
            "name": "Personalised advertising",
            "description": (
                "Set by us or by our advertising partners, they show you advertisements "
                "matched to your interests, on this site and elsewhere, and measure their "
                "effectiveness. Refusing them does not affect your use of the site."
            ),
        },
    },
}

LANGUAGES = ("fr", "en")


def banner_texts(languages: list[str]) -> dict[str, Any]:
    """Return the default banner texts for the languages that have them."""
    return {lang: dict(BANNER[lang]) for lang in languages if lang in BANNER}


def category_texts(slug: str, languages: list[str]) -> dict[str, Any]:
    """Return the default name and description of a purpose, in the languages that have them."""
    texts = CATEGORIES.get(slug, {})
    return {lang: dict(texts[lang]) for lang in languages if lang in texts}
