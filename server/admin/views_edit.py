"""Editing the draft: settings and banner texts, categories, services and their cookies."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from server import texts
from server.admin import bp
from server.admin.access import actor, site_view
from server.admin.forms import blank, errors_of, lines, load_form, row_count, words
from server.admin.schemas import CategoriesForm, ServiceForm, SettingsForm
from server.domain.colours import DARK_FIELDS
from server.domain.drafts import draft_doc, draft_schema, save_draft
from server.domain.paths import flatten
from server.domain.schemas_admin import BANNER_KEYS
from server.extensions import db
from server.models import Site
from server.vocab import DARK_MODES, EDIT, LAYOUTS, POSITIONS

THEME = ("layout", "position", "primary", "background", "text", "dark", *DARK_FIELDS.values())
FLAGS = ("floating_button", "reload_on_withdraw", "store_user_agent")


def _clean_texts(texts: Any) -> dict[str, Any]:
    """Drop the empty texts a form sends for every language and key."""
    if not isinstance(texts, dict):
        return {}
    out = {}
    for lang, entries in texts.items():
        kept = {k: v.strip() for k, v in (entries or {}).items() if str(v or "").strip()}
        if kept:
            out[lang] = kept
    return out


def _save(site: Site, doc: dict[str, Any], what: str) -> dict[str, str] | None:
    """Save a draft document; return the field errors instead when it is invalid."""
    try:
        save_draft(site, doc, actor(), what)
    except ValidationError as err:
        db.session.rollback()
        return errors_of(err.messages)
    db.session.commit()
    return None


def _settings_values(doc: dict[str, Any]) -> dict[str, Any]:
    values = flatten({k: doc[k] for k in ("name", "default_language", "lifetime_days")})
    values["origins"] = "\n".join(doc["origins"])
    values["languages"] = ", ".join(doc["languages"])
    values.update({f"theme.{k}": v for k, v in (doc["theme"] or {}).items()})
    values.update({k: "on" if doc[k] else "" for k in FLAGS})
    values.update(flatten({"texts": doc["texts"]}))
    return values


def _save_settings(site: Site, doc: dict[str, Any]) -> dict[str, str]:
    """Save the posted settings in the draft; return the field errors instead."""
    try:
        raw = load_form(SettingsForm())
    except ValidationError as err:
        return errors_of(err.messages)
    new = {
        **doc,
        "name": raw["name"],
        "origins": lines(raw["origins"]),
        "languages": words(raw["languages"]),
        "default_language": raw["default_language"],
        "lifetime_days": raw["lifetime_days"],
        "theme": {k: v for k, v in raw["theme"].items() if v},
        "texts": _clean_texts(raw["texts"]),
        **{k: k in raw for k in FLAGS},
    }
    return _save(site, new, "settings") or {}


@bp.route("/sites/<key>/settings", methods=["GET", "POST"])
@site_view(EDIT)
def settings(site: Site) -> Any:
    """Edit the site's settings and its banner texts in each language."""
    doc = draft_doc(site)
    values, errors, status = _settings_values(doc), {}, 200
    if request.method == "POST":
        errors = _save_settings(site, doc)
        if not errors:
            flash(_("Settings saved in the draft. Publish to put them online."))
            return redirect(url_for("admin.settings", key=site.key))
        values, status = request.form.to_dict(), 422
    return (
        render_template(
            "admin/settings.html",
            site=site,
            values=values,
            errors=errors,
            languages=doc["languages"],
            banner_keys=BANNER_KEYS,
            language_names=texts.names(),
            layouts=LAYOUTS,
            positions=POSITIONS,
            dark_modes=DARK_MODES,
        ),
        status,
    )


@bp.route("/sites/<key>/categories", methods=["GET", "POST"])
@site_view(EDIT)
def categories(site: Site) -> Any:
    """Edit the texts and the order of the categories."""
    doc = draft_doc(site)
    values = flatten(
        {"categories": [{"position": i + 1, **c} for i, c in enumerate(doc["categories"])]}
    )
    errors: dict[str, str] = {}
    if request.method == "POST":
        errors = _save_categories(site, doc)
        if not errors:
            flash(_("Categories saved in the draft."))
            return redirect(url_for("admin.categories", key=site.key))
        values = request.form.to_dict()
    return (
        render_template("admin/categories.html", site=site, doc=doc, values=values, errors=errors),
        422 if errors else 200,
    )


def _save_categories(site: Site, doc: dict[str, Any]) -> dict[str, str]:
    """Save the posted texts and order of the categories; return the field errors instead."""
    try:
        rows = load_form(CategoriesForm())["categories"]
    except ValidationError as err:
        return errors_of(err.messages)
    if len(rows) != len(doc["categories"]):
        abort(400, _("The form does not hold one row per category: reload the page."))
    cats = [
        {**cat, "texts": _clean_texts(row["texts"])}
        for cat, row in zip(doc["categories"], rows, strict=True)
    ]
    try:
        draft_schema.load({**doc, "categories": cats})
    except ValidationError as err:
        return errors_of(err.messages)
    order = [(row["position"], i) for i, row in enumerate(rows)]
    ordered = [c for _, c in sorted(zip(order, cats, strict=True), key=lambda p: p[0])]
    return _save(site, {**doc, "categories": ordered}, "categories") or {}


@bp.post("/sites/<key>/categories/add")
@site_view(EDIT)
def category_add(site: Site) -> Any:
    """Add an empty category at the end."""
    doc = draft_doc(site)
    slug = (request.form.get("slug") or "").strip()
    doc["categories"].append({"slug": slug, "texts": {}, "services": []})
    errors = _save(site, doc, "categories")
    if errors:
        flash(_("Category not added: %(why)s", why="; ".join(errors.values())), "error")
    else:
        flash(_("Category %(slug)s added to the draft.", slug=slug))
    return redirect(url_for("admin.categories", key=site.key))


@bp.post("/sites/<key>/categories/<slug>/delete")
@site_view(EDIT)
def category_delete(site: Site, slug: str) -> Any:
    """Remove a category (and its services) from the draft; `necessary` stays."""
    doc = draft_doc(site)
    kept = [c for c in doc["categories"] if c["slug"] != slug]
    if len(kept) == len(doc["categories"]):
        abort(404)
    errors = _save(site, {**doc, "categories": kept}, "categories")
    flash(
        "; ".join(errors.values())
        if errors
        else _("Category %(slug)s removed from the draft.", slug=slug),
        "error" if errors else "info",
    )
    return redirect(url_for("admin.categories", key=site.key))


@bp.get("/sites/<key>/services")
@site_view(EDIT)
def services(site: Site) -> Any:
    """List the services of each category."""
    return render_template("admin/services.html", site=site, doc=draft_doc(site))


def _find(doc: dict[str, Any], category: str, slug: str) -> tuple[int, int]:
    for i, cat in enumerate(doc["categories"]):
        if cat["slug"] == category:
            for j, svc in enumerate(cat["services"]):
                if svc["slug"] == slug:
                    return i, j
    abort(404)


@bp.route("/sites/<key>/services/new", methods=["GET", "POST"])
@bp.route("/sites/<key>/services/<category>/<slug>", methods=["GET", "POST"])
@site_view(EDIT)
def service(site: Site, category: str | None = None, slug: str | None = None) -> Any:
    """Create or edit a service and its cookies (a cleared cookie row removes the cookie)."""
    doc = draft_doc(site)
    where = _find(doc, category, slug) if category and slug else None
    if request.method == "GET":
        current = doc["categories"][where[0]]["services"][where[1]] if where else {}
        chosen = category or request.args.get("category", "")
        values = {**flatten(current), "category": chosen}
        return _service_page(site, doc, values, {}, where, 200)
    try:
        raw = load_form(ServiceForm())
    except ValidationError as err:
        return _service_page(site, doc, request.form.to_dict(), errors_of(err.messages), where, 422)
    target = raw.pop("category")
    raw["cookies"] = [c for c in raw["cookies"] if not blank(c)]
    raw["texts"] = _clean_texts(raw["texts"])
    for ck in raw["cookies"]:
        ck["texts"] = _clean_texts(ck["texts"])
    values = {**flatten(raw), "category": target}
    slugs = [c["slug"] for c in doc["categories"]]
    if target not in slugs:
        return _service_page(site, doc, values, {"category": _("Choose a category.")}, where, 422)
    if where:
        del doc["categories"][where[0]]["services"][where[1]]
    ci = slugs.index(target)
    services_list = doc["categories"][ci]["services"]
    sj = where[1] if where and where[0] == ci else len(services_list)
    services_list.insert(sj, raw)
    errors = _save(site, doc, "service " + str(raw.get("slug") or ""))
    if errors:
        prefix = f"categories.{ci}.services.{sj}."
        mine = {k[len(prefix) :]: v for k, v in errors.items() if k.startswith(prefix)}
        other = [v for k, v in errors.items() if not k.startswith(prefix)]
        if other:
            mine["_schema"] = "; ".join(other)
        return _service_page(site, doc, values, mine, where, 422)
    flash(_("Service %(slug)s saved in the draft. Publish to put it online.", slug=raw["slug"]))
    return redirect(url_for("admin.services", key=site.key))


def _service_page(
    site: Site,
    doc: dict[str, Any],
    values: dict[str, Any],
    errors: dict[str, str],
    where: tuple[int, int] | None,
    status: int,
) -> Any:
    rows = row_count(values, "cookies")
    return (
        render_template(
            "admin/service.html",
            site=site,
            categories=[c["slug"] for c in doc["categories"]],
            languages=doc["languages"],
            values=values,
            errors=errors,
            editing=where is not None,
            rows=rows + 2,
        ),
        status,
    )


@bp.post("/sites/<key>/services/<category>/<slug>/delete")
@site_view(EDIT)
def service_delete(site: Site, category: str, slug: str) -> Any:
    """Remove a service from the draft."""
    doc = draft_doc(site)
    i, j = _find(doc, category, slug)
    del doc["categories"][i]["services"][j]
    errors = _save(site, doc, f"service {slug}")
    flash(
        "; ".join(errors.values())
        if errors
        else _("Service %(slug)s removed from the draft.", slug=slug)
    )
    return redirect(url_for("admin.services", key=site.key))
