"""A walk of the admin in French in Chromium: every page the navigation reaches speaks French.

The English words looked for are those of the catalogue's English messages that the French
catalogue never uses; a page showing one of them, outside the site's own data (names, texts,
slugs, e-mails), left a string untranslated.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from babel.messages.pofile import read_po

from server.admin.i18n import TRANSLATIONS
from server.domain.accounts import upsert_admin
from server.domain.drafts import draft_doc
from server.domain.paths import flatten
from server.extensions import db
from server.models import Site
from server.texts import names
from tests.browser.temoin_page import banner_button
from tests.support.scans import catalogue_data, data_strings, scan_result, store_scan

PASSWORD = "browser test password"
WORD = re.compile(r"[^\W\d_]{3,}")


def _words(text: str) -> set[str]:
    return {w.lower() for w in WORD.findall(text)}


@pytest.fixture(scope="module")
def english_only() -> set[str]:
    """Words of the English messages that no French message uses."""
    with (TRANSLATIONS / "fr" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalogue = read_po(f)
    english: set[str] = set()
    french: set[str] = set()
    for m in catalogue:
        if not m.id:
            continue
        for text in m.id if isinstance(m.id, tuple) else [m.id]:
            english |= _words(re.sub(r"%\(\w+\)[sd]", " ", text))
        for text in m.string if isinstance(m.string, tuple) else [m.string]:
            french |= _words(text)
    return english - french


@pytest.fixture
def french_admin(browser: Any, demo: Any) -> Any:
    """A French-speaking browser profile signed in as the demo's owner."""
    with demo.app.app_context():
        upsert_admin("dpo@demo.test", PASSWORD, {"demo": "owner"})
        db.session.commit()
    ctx = browser.new_context(
        base_url=demo.url, locale="fr-FR", viewport={"width": 1280, "height": 900}
    )
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto("/admin/login")
    page.get_by_label("Adresse électronique").fill("dpo@demo.test")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/admin/sites/demo/")
    yield page
    ctx.close()
    assert errors == [], errors


def _user_data(demo: Any) -> set[str]:
    with demo.app.app_context():
        site = db.session.query(Site).filter_by(key="demo").one()
        values = [str(v) for v in flatten(draft_doc(site)).values()]
        values += [site.name, site.key, "dpo@demo.test", *site.origins]
        # A scan's findings (cookie names, hosts, URLs, the cookie database's purposes) and the
        # catalogue's services (names, providers, their French descriptions) are data too.
        values += data_strings(scan_result(site)) + data_strings(catalogue_data("fr"))
    # Each built-in language is named in its own language (« English », « Deutsch »…).
    values += list(names().values())
    words: set[str] = set()
    for value in values:
        words |= _words(value)
    return words


@pytest.fixture
def scans(demo: Any) -> tuple[int, int]:
    """Two finished scans of the demo, stored as the worker stores them: one not compliant
    (offences, every kind of drift, proposals, pages), then one compliant."""
    with demo.app.app_context():
        site = db.session.query(Site).filter_by(key="demo").one()
        first = store_scan(site).id
        second = store_scan(site, verdict="compliant", offences=[]).id
    return first, second


def _shown(page: Any) -> str:
    """What a reader sees, with the snapshots, hashes and code samples (data) left out."""
    return page.evaluate(
        """() => {
          const copy = document.body.cloneNode(true);
          const data = 'pre, code, textarea, iframe, input, svg';
          copy.querySelectorAll(data).forEach(e => e.remove());
          return copy.innerText;
        }"""
    )


def test_every_admin_page_reads_in_french(french_admin, demo, english_only, scans):
    page = french_admin
    allowed = _user_data(demo)
    first, second = scans
    # Record a decision through the real widget so the log, a record and the charts have data.
    visitor = page.context.new_page()
    visitor.goto("/demo/")
    with visitor.expect_response(lambda r: r.url.endswith("/consents")) as sent:
        banner_button(visitor, "Tout refuser").click()
    assert sent.value.status == 201
    visitor.close()
    page.goto("/admin/sites/demo/")
    assert page.locator("html").get_attribute("lang") == "fr"
    links = page.locator("nav.sitenav a, header.top a").evaluate_all(
        "els => els.map(e => e.getAttribute('href'))"
    )
    assert {"/admin/sites/demo/scans", "/admin/sites/demo/catalogue"} <= set(links)
    pages = sorted(set(links)) + [
        "/admin/sites/demo/consents/1",
        "/admin/sites/demo/versions/1",
        "/admin/sites/demo/diff?a=1&b=draft",
        "/admin/sites/demo/services/new?category=audience",
        "/admin/sites/demo/consents/999",
        f"/admin/sites/demo/scans/{first}",
        f"/admin/sites/demo/scans/compare?old={first}&new={second}",
        "/admin/sites/demo/scans/compare?old=x&new=1",
        "/admin/sites/demo/nope",
    ]
    found: dict[str, list[str]] = {}
    for href in pages:
        page.goto(href)
        assert page.locator("html").get_attribute("lang") == "fr", href
        english = sorted((_words(_shown(page)) & english_only) - allowed)
        if english:
            found[href] = english
    # The scan page shows its verdict, passes and proposals in French.
    page.goto(f"/admin/sites/demo/scans/{first}")
    assert page.locator("#verdict").inner_text() == "Verdict\u00a0: non conforme"
    assert page.get_by_role("cell", name="avant tout choix").count() == 1
    assert page.get_by_role("cell", name="après\u00a0«\u00a0Tout refuser\u00a0»").count() == 1
    # The demo declares Hotjar's and Google Analytics' cookies already: one proposal is left.
    assert page.get_by_text("Dans le brouillon.", exact=True).count() == 2
    assert page.get_by_role("button", name="Ajouter au brouillon").count() == 1
    # The downloaded HTML report follows the admin's language (its JSON stays as stored).
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le rapport (HTML)").click()
    assert download.value.suggested_filename == f"temoin-scan-demo-{first}.html"
    with open(download.value.path(), encoding="utf-8") as f:
        page.set_content(f.read())
    assert page.locator("html").get_attribute("lang") == "fr"
    english = sorted((_words(_shown(page)) & english_only) - allowed)
    if english:
        found["report.html"] = english
    stored = page.request.get(f"/admin/sites/demo/scans/{first}.json").json()
    assert stored["verdict"] == "not compliant" and stored["passes"]["a"] == "before any choice"
    # A proposal the domain refuses (no service named): its answer in French.
    page.goto(f"/admin/sites/demo/scans/{first}")
    form = page.locator("form.proposal").filter(has=page.get_by_role("button"))
    form.get_by_label("Finalité", exact=True).select_option("functional")
    form.get_by_role("button", name="Ajouter au brouillon").click()
    refused = page.locator("p.flash.error").inner_text()
    assert refused == "Indiquez le service auquel ce cookie appartient.", refused
    # A catalogue service added: the flash and the mark in French.
    page.goto("/admin/sites/demo/catalogue")
    page.get_by_role("button", name="Ajouter Matomo", exact=True).click()
    flash = page.locator("p.flash.ok").inner_text()
    assert flash.startswith("Matomo ajouté au brouillon (audience)"), flash
    assert page.locator("#svc-matomo").get_by_text("Dans le brouillon").count() == 1
    # A form refused: its error summary and messages, in French.
    page.goto("/admin/sites/demo/settings")
    page.get_by_label("Durée de validité du choix (jours)").fill("900")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.get_by_text("Rien n’a été enregistré").wait_for()
    summary = page.locator("div.flash.error").inner_text()
    assert "Durée de vie (jours)" in summary or "durée de vie (jours)" in summary, summary
    assert "Entre 1 et 395 jours (13 mois)." in summary, summary
    english = sorted((_words(summary) & english_only) - allowed)
    if english:
        found["settings (refused)"] = english
    assert not found, found
