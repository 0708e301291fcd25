"""Fuzz every form the admin posts: no answer of 500 or above, whatever the fields hold.

Each form is read from its rendered page (its address, its field names and values, a
valid CSRF token) as an owner of `shop` sees it (the login form anonymously, *New site* as
a superuser), then posted in generated variations: values replaced by random text or huge
numbers, fields dropped, dotted names turned into groups, leaves, odd indexes or deep
paths, and fields added beside the ones rendered. The seed is fixed and the number of
cases bounded; the count per form is printed at the end.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from server.domain.accounts import upsert_admin
from server.domain.tokens import create_token
from server.extensions import db
from server.models import Site
from tests.admin.conftest import PASSWORD, csrf, login
from tests.support.fuzzreport import print_cases
from tests.support.html_forms import Form, post_forms
from tests.support.records import choice_body
from tests.support.scans import store_scan

MAX_EXAMPLES = 30
SITE = "/admin/sites/shop/"
LOOKUP = {"consent_id": "{consent}"}

# label: (who, page, data posted to render the page or None, the form's action, endpoint)
FORMS: dict[str, tuple[str, str, dict[str, str] | None, str, str]] = {
    "login": ("anonymous", "/admin/login", None, "/admin/login", "admin.login"),
    "logout": ("owner", "/admin/account/password", None, "/admin/logout", "admin.logout"),
    "password": ("owner", "/admin/account/password", None, r".*/password", "admin.password"),
    "locale": ("owner", "/admin/account/password", None, r".*/locale", "admin.account_locale"),
    "new site": ("superuser", "/admin/sites/new", None, r".*/sites/new", "admin.new_site"),
    "publish": ("owner", SITE, None, r".*/publish", "admin.publish"),
    "settings": ("owner", SITE + "settings", None, r".*/settings", "admin.settings"),
    "categories": ("owner", SITE + "categories", None, r".*/categories", "admin.categories"),
    "category add": ("owner", SITE + "categories", None, r".*/add", "admin.category_add"),
    "category delete": (
        "owner",
        SITE + "categories",
        None,
        r".*/categories/[^/]+/delete",
        "admin.category_delete",
    ),
    "new service": (
        "owner",
        SITE + "services/new?category=audience",
        None,
        r".*/services/new\?category=audience",
        "admin.service",
    ),
    "service": (
        "owner",
        SITE + "services/audience/audience-svc",
        None,
        r".*/services/audience/audience-svc",
        "admin.service",
    ),
    "service delete": ("owner", SITE + "services", None, r".*/delete", "admin.service_delete"),
    "verify": ("owner", SITE + "consents", None, r".*/verify", "admin.verify"),
    "rights": ("owner", SITE + "rights", None, r".*/rights", "admin.rights"),
    "rights export": ("owner", SITE + "rights", LOOKUP, r".*/export", "admin.rights_export"),
    "rights erase": ("owner", SITE + "rights", LOOKUP, r".*/erase", "admin.rights_erase"),
    "members": ("owner", SITE + "members", None, r".*/members", "admin.members"),
    "member remove": ("owner", SITE + "members", None, r".*/remove", "admin.member_remove"),
    "token create": ("owner", SITE + "members", None, r".*/tokens", "admin.token_create"),
    "token revoke": ("owner", SITE + "members", None, r".*/revoke", "admin.token_revoke"),
    "scan start": ("owner", SITE + "scans", None, r".*/scans", "admin.scan_start"),
    "scan accept": ("owner", SITE + "scans/{scan}", None, r".*/accept", "admin.scan_accept"),
    "catalogue add": ("owner", SITE + "catalogue", None, r".*/catalogue", "admin.catalogue_add"),
}

TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=80)
ODD_NUMBERS = ["1e999", "-1e999", "nan", "inf", "-0", "0x1f", "1_000", "\u00b2", "\u0663"]
NUMBER = st.one_of(
    st.integers(-(10**30), 10**30).map(str),
    st.sampled_from([*ODD_NUMBERS, str(2**63), str(2**64), "9" * 400]),
)
VALUE = st.one_of(TEXT, NUMBER, st.just(""))
SEGMENT = st.one_of(
    st.sampled_from(["0", "1", "x", "-1", "01", "499", "500", "100000", "9" * 20, "\u00b2", ""]),
    st.text("abcxyz0123456789_", min_size=1, max_size=6),
)


@st.composite
def mutated(draw: st.DrawFn, name: str) -> str:
    """Turn a field name into a group, a leaf, another index, or a deeper path."""
    parts = name.split(".")
    how = draw(st.sampled_from(("group", "leaf", "index", "deep", "same")))
    if how == "group":
        return f"{name}.{draw(SEGMENT)}"
    if how == "leaf" and len(parts) > 1:
        return ".".join(parts[: draw(st.integers(1, len(parts) - 1))])
    if how == "index":
        i = draw(st.integers(0, len(parts) - 1))
        return ".".join([*parts[:i], draw(SEGMENT), *parts[i + 1 :]])
    if how == "deep":
        return name + ".a" * draw(st.integers(1, 12))
    return name


@st.composite
def variation(draw: st.DrawFn, form: Form) -> list[tuple[str, str]]:
    """Post a form's fields changed, dropped or renamed, with a few fields added."""
    out = []
    # Some cases change a field or two of a valid form, others most of them.
    rate = draw(st.sampled_from((5, 20, 50, 90)))
    for name, value in form.fields:
        if name == "csrf_token" or draw(st.integers(0, 99)) >= rate:
            out.append((name, value))
            continue
        how = draw(st.sampled_from(("value", "drop", "name", "both")))
        if how != "drop":
            new_name = draw(mutated(name)) if how in ("name", "both") else name
            out.append((new_name, draw(VALUE) if how in ("value", "both") else value))
    # A form holding only its CSRF token still gets fields beside it.
    controls = [c for c in form.controls if c[0] != "csrf_token"] or [("x", ""), ("csrf_token", "")]
    extra = st.sampled_from(controls).flatmap(
        lambda c: st.tuples(mutated(c[0]), st.one_of(st.just(c[1]), VALUE))
    )
    return out + draw(st.lists(extra, max_size=4))


COUNTS: dict[str, dict[str, int]] = defaultdict(dict)


@pytest.fixture(scope="module", autouse=True)
def report(request: pytest.FixtureRequest) -> Iterator[None]:
    """Print how many cases ran per form, once the module is done."""
    yield
    for backend, counts in sorted(COUNTS.items()):
        print_cases(request.config, backend, counts)


@pytest.fixture
def clients(app: Flask, shop: Site) -> dict[str, FlaskClient]:
    """Signed-in clients (owner of `shop`, superuser) and an anonymous one; a token, a consent."""
    upsert_admin("root@instance.test", PASSWORD, {}, superuser=True)
    create_token(shop, "viewer", "fuzz")
    db.session.commit()
    resp = app.test_client().post(
        "/api/v1/sites/shop/consents", json=choice_body(), headers={"Origin": "https://shop.test"}
    )
    assert resp.status_code == 201, resp.json
    app.config["FUZZ_CONSENT"] = resp.json["consent_id"]
    app.config["FUZZ_SCAN"] = store_scan(shop).id
    out = {"anonymous": app.test_client()}
    for who, email in (("owner", "owner@shop.test"), ("superuser", "root@instance.test")):
        out[who] = app.test_client()
        assert login(out[who], email).status_code == 302
    return out


def rendered_form(app: Flask, client: FlaskClient, label: str) -> Form:
    """Render the page of a form and return that form, checking it posts to its endpoint."""
    _, page, data, action, endpoint = FORMS[label]
    page = page.format(scan=app.config.get("FUZZ_SCAN"))
    if data is None:
        resp = client.get(page)
    else:
        body = {k: v.format(consent=app.config["FUZZ_CONSENT"]) for k, v in data.items()}
        resp = client.post(page, data={**body, "csrf_token": csrf(client, page)})
    assert resp.status_code == 200, (label, resp.status_code)
    html = resp.get_data(as_text=True)
    forms = [f for f in post_forms(html, page) if re.fullmatch(action, f.action)]
    assert forms, f"no form posting to {action} on {page}"
    path = forms[0].action.split("?")[0]
    assert app.url_map.bind("localhost").match(path, method="POST")[0] == endpoint
    return forms[0]


@pytest.mark.parametrize("label", FORMS)
def test_form_posts_never_fail(request: pytest.FixtureRequest, app, clients, label):
    who = FORMS[label][0]
    client = clients[who]
    form = rendered_form(app, client, label)
    backend = request.node.callspec.params["app"]
    counts = COUNTS[backend]
    counts[label] = 0

    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )
    @given(fields=variation(form))
    def post(fields: list[tuple[str, str]]) -> None:
        counts[label] += 1
        resp = client.post(form.action, data=MultiDict(fields))
        assert resp.status_code < 500, (fields, resp.get_data(as_text=True)[:300])

    post()


def test_every_form_post_of_the_admin_is_fuzzed(app: Any) -> None:
    posted = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("admin.") and "POST" in (rule.methods or ())
    }
    assert posted == {endpoint for *_, endpoint in FORMS.values()}
