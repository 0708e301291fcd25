"""The admin in French and English: complete catalogues, no string left out, the locale chosen.

The catalogue test extracts the messages afresh with pybabel (templates and Python) and compares
them with the French catalogue. The pseudo-locale test builds a catalogue whose every msgstr is
wrapped in ⟦…⟧, renders every admin page with it, and reports any visible text that came from
neither the catalogue nor the site's own data: a string the templates or views forgot to mark.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from datetime import UTC
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from babel import Locale
from babel.dates import format_datetime
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from flask import Flask

from server.admin import scan_words
from server.admin.i18n import TRANSLATIONS, babel, select_locale
from server.admin.labels import name
from server.admin.messages import KEYED, VERDICTS
from server.domain import verify  # noqa: F401  (declares the chain's wordings)
from server.domain.accounts import upsert_admin
from server.domain.catalogue import catalogue
from server.domain.drafts import draft_doc
from server.domain.paths import flatten
from server.domain.scan import accept, browser, crawl, drift, jobs, store, verdict  # noqa: F401
from server.domain.wording import WORDINGS
from server.extensions import db
from server.models import Admin, PolicyVersion, Site
from tests.admin.conftest import PASSWORD, csrf, login, post
from tests.support.records import choice_body
from tests.support.scans import catalogue_data, data_strings, scan_result, store_scan

ROOT = Path(__file__).resolve().parents[2]
FRENCH = TRANSLATIONS / "fr" / "LC_MESSAGES" / "messages.po"
PSEUDO = "eo"  # a real CLDR locale the admin does not offer, used as the pseudo-locale
OPEN, CLOSE = "⟦", "⟧"


def _pybabel() -> str:
    found = Path(sys.executable).with_name("pybabel")
    return str(found) if found.exists() else shutil.which("pybabel") or "pybabel"


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """The admin's messages as pybabel extracts them now from the templates and the code."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    cfg = TRANSLATIONS / "babel.cfg"
    subprocess.run(
        [_pybabel(), "-q", "extract", "-F", str(cfg), "-k", "lazy_gettext", "-k", "N_"]
        + ["--no-location", "-o", str(pot), "."],
        cwd=ROOT,
        check=True,
    )
    with pot.open("rb") as f:
        return read_po(f)


def _forms(message: Any) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple) else [message.string]


@pytest.mark.parametrize("locale", ["fr"])  # one run: the catalogue is the same for both
def test_french_catalogue_has_every_message_translated_and_none_fuzzy(extracted, locale):
    with FRENCH.open("rb") as f:
        french = read_po(f)
    assert not french.fuzzy, "the catalogue's header is marked fuzzy"
    wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in extracted if m.id}
    have = {m.id if isinstance(m.id, str) else m.id[0]: m for m in french if m.id}
    missing = sorted(wanted - set(have))
    assert not missing, f"{len(missing)} message(s) not in the French catalogue: {missing[:10]}"
    untranslated = sorted(k for k in wanted if not all(s.strip() for s in _forms(have[k])))
    assert not untranslated, f"untranslated: {untranslated[:10]}"
    fuzzy = sorted(k for k in wanted if have[k].fuzzy)
    assert not fuzzy, f"fuzzy: {fuzzy[:10]}"
    stale = sorted(set(have) - wanted)
    assert not stale, f"entries no code uses any more: {stale[:10]}"
    # Placeholders (python-format) agree between each msgid and its msgstr.
    problems = [(m.id, errs) for m, errs in french.check() if errs]
    assert not problems, problems[:5]


@pytest.mark.parametrize("locale", ["fr"])  # one run: the catalogue is the same for both
def test_french_typography(extracted, locale):
    """A non-breaking space before : ; ! ? and inside « », never an ordinary one."""
    with FRENCH.open("rb") as f:
        french = read_po(f)
    bad = []
    for m in french:
        for text in _forms(m) if m.id else []:
            if re.search(r" [:;!?]|« | »", text) or re.search(
                r"[^\s\u00a0\u202f(][:;!?](\s|$)", text
            ):
                if not re.search(r"https?:|\[:port\]|sha256\(|: $", text):
                    bad.append(text)
    assert not bad, bad[:5]


@pytest.mark.parametrize("locale", ["fr"])  # one run: the catalogue is the same for both
def test_compiled_catalogue_is_the_committed_one(locale):
    """The committed .mo holds exactly the .po's translations (run the `update` script)."""
    with FRENCH.open("rb") as f:
        po = read_po(f)
    with FRENCH.with_suffix(".mo").open("rb") as f:
        mo = read_mo(f)

    def said(catalogue: Catalog) -> dict[Any, Any]:
        return {_key(m.id): _key(m.string) for m in catalogue if m.id}

    assert said(po) == said(mo)


def _key(value: Any) -> Any:
    return tuple(value) if isinstance(value, list | tuple) else value


@pytest.mark.parametrize("locale", ["fr"])  # one run: the catalogue is the same for both
def test_every_sentence_of_the_domain_has_its_admin_message(locale):
    """Each wording the domain declares is said by the admin from a msgid of the same text."""
    found = {key: w.english for key, w in WORDINGS.items()}
    assert not sorted(set(found) - set(KEYED)), "wordings the admin cannot say"
    assert not sorted(set(KEYED) - set(found)), "admin messages no wording uses any more"
    differ = [k for k, msgid in KEYED.items() if re.sub(r"%\((\w+)\)s", r"{\1}", msgid) != found[k]]
    assert not differ, differ


@pytest.mark.parametrize("locale", ["fr"])  # one run: the vocabulary is the same for both
def test_the_scanners_vocabulary_is_all_said(locale):
    assert set(VERDICTS) == set(verdict.VERDICTS)
    assert scan_words.PASSES == browser.PASS_NAMES  # the same English, said in the admin's
    assert tuple(scan_words.DRIFT) == drift.KINDS
    assert tuple(scan_words.STATES) == store.STATES
    assert tuple(scan_words.STATUSES) == browser.STATUSES
    assert set(scan_words.KINDS) == set(verdict.KINDS)
    assert set(scan_words.SOURCES) == {drift.OPEN_COOKIE_DATABASE, drift.HOST_CATALOGUE}
    assert set(scan_words.NOTES) == {s.note for s in catalogue().values() if s.note}


# --- the pseudo-locale ------------------------------------------------------------------------


def _pseudo_catalogue(extracted: Catalog, where: Path) -> None:
    pseudo = Catalog(locale=PSEUDO, fuzzy=False)
    for m in extracted:
        if not m.id:
            continue
        if isinstance(m.id, tuple):
            pseudo.add(
                m.id, tuple(OPEN + s + CLOSE for s in m.id), flags=m.flags, context=m.context
            )
        else:
            pseudo.add(m.id, OPEN + m.id + CLOSE, flags=m.flags, context=m.context)
    out = where / PSEUDO / "LC_MESSAGES"
    out.mkdir(parents=True)
    with (out / "messages.mo").open("wb") as f:
        write_mo(f, pseudo)


class _Text(HTMLParser):
    """Collect the text a reader sees or hears: text nodes and the labelling attributes."""

    SKIP = ("script", "style", "pre", "code", "textarea", "svg")
    SPOKEN = ("title", "aria-label", "placeholder", "alt")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.depth += 1
        for key, value in attrs:
            if key in self.SPOKEN and value and tag != "svg":
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.depth:
            self.parts.append(data)


# Words that are the same in every language: the product, standards and formats.
UNIVERSAL = {"Témoin", "sha", "Other", "GPC", "UTC", "CSV", "JSON", "Lines", "Global", "Privacy"}
UNIVERSAL |= {"Control", "KEY", "rrggbb", "draft", "Gestion", "des", "cookies", "Cookie"}
UNIVERSAL |= {"SameSite", "HttpOnly", "Secure"}  # a cookie's attributes, as the standard names them
UNIVERSAL |= {
    "settings",
    "Recommencer",
    "Start",
    "again",
    "Werkzeug",
}  # the test's user agent  # the preview's visitor-side links


def _allowed(site: Site, admins: list[str]) -> set[str]:
    """Words of the site's own data and of the pseudo-locale's dates and language names."""
    words: set[str] = set(UNIVERSAL)
    values = [str(v) for v in flatten(draft_doc(site)).values()]
    values += [site.name, site.key, *admins]
    locale = Locale.parse(PSEUDO)
    values += list(locale.months["format"]["abbreviated"].values())
    values += list(locale.months["format"]["wide"].values())
    values += [locale.languages.get(tag, tag) for tag in ("fr", "en", "de", PSEUDO)]
    # The language picker names each language in itself (« Français », « English »).
    values += [Locale.parse(tag).get_display_name(tag) for tag in ("fr", "en")]
    for value in values:
        words.update(re.findall(r"[^\W\d_]{2,}", value))
    return words | {w.capitalize() for w in words}


def _leftovers(html: str, allowed: set[str]) -> list[str]:
    parser = _Text()
    parser.feed(html)
    text = " ".join(parser.parts)
    # Hashes and ids are evidence, in no language.
    text = re.sub(r"[0-9a-f]{8,}(-[0-9a-f]{4,})*", " ", text)
    # Everything the catalogue said is between the markers (nested ones included).
    while True:
        stripped = re.sub(OPEN + "[^" + OPEN + CLOSE + "]*" + CLOSE, " ", text)
        if stripped == text:
            break
        text = stripped
    words = re.findall(r"[^\W\d_]{2,}", text)
    return sorted({w for w in words if w not in allowed})


@pytest.fixture
def pseudo(app: Flask, extracted: Catalog, tmp_path: Path) -> Flask:
    """The app speaking the pseudo-locale to every admin."""
    _pseudo_catalogue(extracted, tmp_path)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = f"{TRANSLATIONS};{tmp_path}"
    app.config["TEMOIN_ADMIN_LOCALES"] = ("fr", "en", PSEUDO)
    app.config["BABEL_DEFAULT_LOCALE"] = PSEUDO
    babel.init_app(app, locale_selector=select_locale)  # read the directories again
    return app


@pytest.mark.parametrize("locale", [PSEUDO])
def test_pseudo_locale_leaves_no_string_of_the_admin_unmarked(pseudo, client, shop, locale):
    upsert_admin("root@shop.test", PASSWORD, {"shop": "owner"}, superuser=True)
    db.session.commit()
    body = choice_body()
    api = client.post(
        "/api/v1/sites/shop/consents", json=body, headers={"Origin": "https://shop.test"}
    )
    assert api.status_code == 201
    cid = api.json["consent_id"]
    shop_site = db.session.query(Site).filter_by(key="shop").one()
    admins = [a.email for a in db.session.query(Admin)]
    allowed = _allowed(shop_site, admins) | set(re.findall(r"[^\W\d_]{2,}", cid))
    assert login(client, "root@shop.test").status_code == 302
    # An unpublished change, so the overview and the diff list something.
    service = {"category": "audience", "slug": "matomo", "name": "Matomo", "provider": "Inno"}
    assert post(client, "/admin/sites/shop/services/new", service).status_code in (302, 422)
    allowed |= {"Matomo", "Inno", "matomo"}
    # Scans: one finished, one compliant to compare it with, one failed; their data is allowed,
    # not their vocabulary (verdicts, passes, statuses, kinds), which the admin says.
    done, compliant = store_scan(shop_site), store_scan(shop_site, verdict="compliant", offences=[])
    failed = store_scan(shop_site, state="failed", error="the worker stopped during the scan")
    data = data_strings(scan_result(shop_site)) + data_strings(catalogue_data())
    words = set(re.findall(r"[^\W\d_]{2,}", " ".join(data)))
    allowed |= words | {w.capitalize() for w in words}
    pages = [
        "/admin/",
        "/admin/sites/new",
        "/admin/account/password",
        "/admin/sites/shop/",
        "/admin/sites/shop/settings",
        "/admin/sites/shop/categories",
        "/admin/sites/shop/services",
        "/admin/sites/shop/services/new?category=audience",
        "/admin/sites/shop/services/audience/audience-svc",
        "/admin/sites/shop/preview",
        "/admin/sites/shop/preview/fr",
        "/admin/sites/shop/versions",
        "/admin/sites/shop/versions/1",
        "/admin/sites/shop/diff?a=1&b=draft",
        "/admin/sites/shop/consents",
        "/admin/sites/shop/consents/1",
        "/admin/sites/shop/stats",
        "/admin/sites/shop/rights",
        "/admin/sites/shop/members",
        "/admin/sites/shop/audit",
        "/admin/sites/nope/",
        "/admin/sites/shop/consents?from=2024-13-01",
        "/admin/sites/shop/scans",
        f"/admin/sites/shop/scans/{done.id}",
        f"/admin/sites/shop/scans/{done.id}/report.html",
        f"/admin/sites/shop/scans/{failed.id}",
        f"/admin/sites/shop/scans/compare?old={done.id}&new={compliant.id}",
        "/admin/sites/shop/scans/compare?old=x&new=1",
        "/admin/sites/shop/catalogue",
        "/admin/nope",
    ]
    found: dict[str, list[str]] = {}
    for page in pages:
        resp = client.get(page)
        assert resp.status_code in (200, 404, 422), (page, resp.status_code)
        left = _leftovers(resp.get_data(as_text=True), allowed)
        if left:
            found[page] = left
    # Pages answering a post: form errors, a lookup, a verification, a refused publication.
    posts = [
        ("/admin/sites/shop/settings", {"name": "", "lifetime_days": "abc", "theme.primary": "x"}),
        ("/admin/sites/shop/services/new", {"category": "necessary", "slug": "B", "name": ""}),
        ("/admin/sites/shop/rights", {"consent_id": cid}),
        ("/admin/sites/shop/rights", {"consent_id": "not-a-uuid"}),
        ("/admin/sites/shop/verify", {}),
        ("/admin/sites/shop/members", {"email": "bad", "role": "god"}),
        ("/admin/account/password", {"current_password": "x", "new_password": "y"}),
        ("/admin/sites/shop/scans", {"urls": "https://evil.test/", "max_pages": "x"}),
        ("/admin/sites/shop/scans", {"urls": "file:///etc/passwd"}),
        (f"/admin/sites/shop/scans/{done.id}/accept", {"proposal": "cookie:_ga"}),
        ("/admin/sites/shop/catalogue", {"service": "audience-svc"}),
        ("/admin/sites/new", {"key": "Bad Key", "name": "", "origins": "nope"}),
    ]
    for url, data in posts:
        resp = post(client, url, data)
        left = _leftovers(resp.get_data(as_text=True), allowed | {"Key", "Bad", "nope"})
        if left:
            found[f"POST {url}"] = left
    resp = client.post("/admin/logout", data={"csrf_token": csrf(client, "/admin/")})
    login_page = client.get("/admin/login").get_data(as_text=True)
    if left := _leftovers(login_page, allowed):
        found["/admin/login"] = left
    assert not found, "\n".join(f"{page}: {words}" for page, words in found.items())


# --- humane names ------------------------------------------------------------------------------

DOC = {
    "default_language": "fr",
    "categories": [
        {
            "slug": "audience",
            "texts": {"fr": {"name": "Mesure d'audience"}, "en": {"name": "Audience"}},
            "services": [
                {
                    "slug": "google-analytics",
                    "name": "Google Analytics",
                    "cookies": [{"name": "_ga", "lifetime_days": 395}],
                }
            ],
        }
    ],
}
NAMES = {
    "categories[audience].services[google-analytics].cookies[_ga].domain": {
        "en": "Google Analytics › cookie _ga › domain",
        "fr": "Google Analytics › cookie _ga › domaine",
    },
    "categories.0.services.0.cookies.0.lifetime_days": {
        "en": "Google Analytics › cookie _ga › lifetime (days)",
        "fr": "Google Analytics › cookie _ga › durée de vie (jours)",
    },
    "categories.0.texts.en.name": {
        "en": "category Mesure d'audience › name (English)",
        "fr": "finalité Mesure d'audience › nom (anglais)",
    },
    "texts.fr.withdraw": {
        "en": "Banner › how to withdraw (French)",
        "fr": "Bandeau › modalités de retrait (français)",
    },
    "theme.primary": {"en": "look › button colour", "fr": "apparence › couleur des boutons"},
    "categories[video]": {"en": "category video", "fr": "finalité video"},
}


@pytest.mark.parametrize("path", sorted(NAMES))
def test_paths_are_named_as_a_dpo_reads_them(app, locale, path):
    with app.test_request_context(headers={"Accept-Language": locale}):
        assert name(path, DOC) == NAMES[path][locale]


def test_service_form_rows_are_named_by_what_was_typed(app, locale):
    typed = {"cookies.0.name": "_pk_id.*", "cookies.1.name": ""}
    expected = {
        "en": "cookie _pk_id.* › lifetime (days)",
        "fr": "cookie _pk_id.* › durée de vie (jours)",
    }
    with app.test_request_context(headers={"Accept-Language": locale}):
        assert name("cookies.0.lifetime_days", typed) == expected[locale]
        assert (
            name("cookies.1.domain", typed)
            == {"en": "cookie 2 › domain", "fr": "cookie 2 › domaine"}[locale]
        )


# --- choosing the locale -----------------------------------------------------------------------


def test_accept_language_then_the_admins_own_setting(app, client, shop):
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    fr = client.get("/admin/login", headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"})
    assert '<html lang="fr">' in fr.get_data(as_text=True) and "Se connecter" in fr.get_data(
        as_text=True
    )
    other = client.get("/admin/login", headers={"Accept-Language": "de, es"})
    assert '<html lang="en">' in other.get_data(as_text=True)
    assert login(client, "owner@shop.test").status_code == 302
    # The admin's choice wins over the browser's.
    resp = post(client, "/admin/account/locale", {"locale": "fr"})
    assert resp.status_code == 302
    page = client.get("/admin/sites/shop/", headers={"Accept-Language": "en"})
    html = page.get_data(as_text=True)
    assert '<html lang="fr">' in html and "Vue d’ensemble" in html
    assert db.session.query(Admin).filter_by(email="owner@shop.test").one().locale == "fr"
    # Back to the browser's language.
    assert post(client, "/admin/account/locale", {"locale": ""}).status_code == 302
    html = client.get("/admin/sites/shop/", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert '<html lang="en">' in html and "Overview" in html


@pytest.mark.parametrize("value", ["de", "xx", "fr' or 1=1", "e" * 300])
def test_a_locale_the_admin_does_not_offer_is_refused(app, client, shop, value):
    assert login(client, "owner@shop.test").status_code == 302
    resp = post(client, "/admin/account/locale", {"locale": value})
    assert resp.status_code == 422
    assert db.session.query(Admin).filter_by(email="owner@shop.test").one().locale is None


def test_choosing_a_locale_needs_csrf_and_a_session(app, client, shop):
    assert client.post("/admin/account/locale", data={"locale": "fr"}).status_code in (302, 400)
    assert login(client, "owner@shop.test").status_code == 302
    assert client.post("/admin/account/locale", data={"locale": "fr"}).status_code == 400
    assert db.session.query(Admin).filter_by(email="owner@shop.test").one().locale is None


def test_dates_and_numbers_follow_the_locale(app, client, shop, locale):
    for _ in range(3):
        body = choice_body()
        resp = client.post(
            "/api/v1/sites/shop/consents", json=body, headers={"Origin": "https://shop.test"}
        )
        assert resp.status_code == 201
    assert login(client, "viewer@shop.test").status_code == 302
    html = client.get("/admin/sites/shop/versions").get_data(as_text=True)
    # The shop's own first version: the other site's may have been published a second earlier.
    versions = db.session.query(PolicyVersion).filter_by(site_id=shop.id)
    moment = versions.order_by(PolicyVersion.version).first().published_at
    said = format_datetime(moment.replace(tzinfo=UTC), "medium", tzinfo=UTC, locale=locale)
    assert said in html
    # A count in the overview, and a rate on the statistics page, as the locale writes them.
    stats = client.get("/admin/sites/shop/stats").get_data(as_text=True)
    rate = {"en": r"<td>\d{1,3}\.\d%</td>", "fr": "<td>\\d{1,3},\\d\u00a0%</td>"}[locale]
    assert re.search(rate, stats), stats[:2000]
