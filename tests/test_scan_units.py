"""The scanner's pure parts: the cookie database, URLs, classification, tag markup, compare."""

from __future__ import annotations

import pytest

from server.domain.scan import cookiedb
from server.domain.scan.classify import Classifier
from server.domain.scan.compare import compare
from server.domain.scan.crawl import sitemap_urls, start_urls
from server.domain.scan.hosts import match_host
from server.domain.scan.urls import ScanInputError, check_max_pages, check_url, same_origin
from server.domain.scan.verdict import marked_up

ORIGINS = ["https://shop.test", "https://www.shop.test:8443"]


def test_the_shipped_database_has_its_rows_licence_and_version():
    db = cookiedb.load(None)
    assert db.count == 2264
    assert db.version.startswith("jkwakman/Open-Cookie-Database@0ee5a17")
    licence = (cookiedb.PACKAGED.parent / "open-cookie-database.LICENSE").read_text()
    assert "Apache License" in licence and "Version 2.0" in licence
    notice = (cookiedb.PACKAGED.parent / "open-cookie-database.md").read_text()
    assert "0ee5a17fe1cb002943f89370d24fc26a4226061c" in notice


@pytest.mark.parametrize(
    ("name", "platform", "category", "pattern"),
    [
        ("_ga", "Google Analytics", "audience", "_ga"),
        ("_ga_TEST1234", "Google Analytics", "audience", "_ga_*"),
        ("_fbp", "Facebook", "sharing", "_fbp"),  # a social network
        ("_hjSessionUser_123", "Hotjar", "functional", "_hjSessionUser_*"),
        ("_gcl_au", "Google", "advertising", "_gcl_au"),
        ("IDE", "DoubleClick/Google Marketing", "advertising", "IDE"),
    ],
)
def test_names_and_prefixes_map_onto_the_sites_purposes(name, platform, category, pattern):
    entry = cookiedb.load(None).match(name)
    assert (entry.platform, entry.category, entry.pattern) == (platform, category, pattern)


def test_unknown_names_stay_unknown():
    assert cookiedb.load(None).match("zz_not_a_known_cookie_zz") is None
    cls = Classifier(None, ORIGINS, cookiedb.load(None))
    info = cls.classify_name("zz_not_a_known_cookie_zz", "shop.test")
    assert info["status"] == "unknown" and info["category"] is None
    assert cls.classify_host("cdn.unknown-vendor.test") == {"status": "unknown", "category": None}


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("2 years", 730),
        ("365 days", 365),
        ("30 minutes", 0),
        ("session", 0),
        ("", None),
        ("24 hours", 1),
        ("6 months", 180),
        ("whenever", None),
    ],
)
def test_retention_periods_become_days(text, days):
    assert cookiedb.retention_days(text) == days


def test_temoin_s_own_cookie_and_keys_are_necessary():
    cls = Classifier(None, ORIGINS, cookiedb.load(None))
    assert cls.classify_name("temoin", "shop.test")["category"] == "necessary"
    assert cls.classify_name("temoin:queue")["status"] == "temoin"


def test_declared_cookies_win_and_patterns_match():
    doc = {
        "categories": [
            {
                "slug": "audience",
                "services": [
                    {
                        "slug": "ga",
                        "name": "GA",
                        "cookies": [{"name": "_ga_*", "domain": "", "lifetime_days": 395}],
                    }
                ],
            }
        ]
    }
    cls = Classifier(doc, ORIGINS, cookiedb.load(None))
    info = cls.classify_name("_ga_ABC", "shop.test")
    assert (info["status"], info["service"], info["declared_as"]) == ("declared", "ga", "_ga_*")
    assert cls.classify_name("_gid", "shop.test")["status"] == "known"


@pytest.mark.parametrize(
    ("host", "service", "category"),
    [
        ("www.google-analytics.com", "Google Analytics", "audience"),
        ("www.googletagmanager.com", "Google Analytics", "audience"),
        ("connect.facebook.net", "Facebook", "sharing"),
        ("static.hotjar.com", "Hotjar", "functional"),
        ("www.youtube-nocookie.com", "YouTube", "sharing"),
    ],
)
def test_the_host_catalogue(host, service, category):
    entry = match_host(host)
    assert (entry.service, entry.category) == (service, category)
    assert match_host("notgoogle-analytics.com") is None


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.test/",
        "http://shop.test/",
        "https://shop.test.evil.test/",
        "https://www.shop.test/",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "ftp://shop.test/",
        "//shop.test/",
        "https://shop.test:notaport/",
        "",
        "https://shop.test/" + "a" * 3000,
    ],
)
def test_urls_outside_the_sites_origins_are_refused(url):
    with pytest.raises(ScanInputError):
        check_url(url, ORIGINS)


def test_urls_on_the_sites_origins_pass_without_their_fragment():
    assert check_url("https://SHOP.test:443/a?b=1#c", ORIGINS) == "https://SHOP.test:443/a?b=1"
    assert check_url("https://www.shop.test:8443/x", ORIGINS) == "https://www.shop.test:8443/x"


@pytest.mark.parametrize("value", [0, -1, 201, 10**12, True, "5", 2.5])
def test_page_budgets_outside_1_to_200_are_refused(value):
    with pytest.raises(ScanInputError):
        check_max_pages(value)


def test_links_and_sitemaps_keep_the_sites_own_pages():
    links = [
        "/a",
        "b#x",
        "https://evil.test/",
        "javascript:alert(1)",
        "mailto:x@y.z",
        "https://www.shop.test:8443/c",
        "/a",
    ]
    assert same_origin("https://shop.test/dir/", links, ORIGINS) == [
        "https://shop.test/a",
        "https://shop.test/dir/b",
        "https://www.shop.test:8443/c",
    ]
    xml = (
        "<urlset><url><loc>https://shop.test/p?a=1&amp;b=2</loc></url>"
        "<url><loc>https://evil.test/</loc></url></urlset>"
    )
    assert sitemap_urls(xml, ORIGINS) == ["https://shop.test/p?a=1&b=2"]
    assert sitemap_urls("<not xml", ORIGINS) == []
    assert start_urls(["https://shop.test/x"], ORIGINS) == [
        "https://shop.test/x",
        "https://shop.test/",
        "https://www.shop.test:8443/",
    ]


def test_a_tag_is_marked_up_the_way_temoin_gates_it():
    script = {
        "tag": "script",
        "html": '<script async src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>',
    }
    assert marked_up(script, "audience", "google-analytics") == (
        '<script type="text/plain" data-consent="audience" data-service="google-analytics" '
        'async data-src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>'
    )
    frame = {
        "tag": "iframe",
        "html": '<iframe width="560" src="https://www.youtube-nocookie.com/embed/x"></iframe>',
    }
    assert marked_up(frame, "sharing", None) == (
        '<iframe data-consent="sharing" width="560" '
        'data-src="https://www.youtube-nocookie.com/embed/x"></iframe>'
    )
    typed = {"tag": "script", "html": "<script type='text/javascript' src=/t.js></script>"}
    assert marked_up(typed, None, None) == (
        '<script type="text/plain" data-consent="CATEGORY" data-src=/t.js></script>'
    )


def test_two_results_compare():
    def res(scan, cookies):
        return {
            "scan": scan,
            "verdict": "x",
            "offences": [],
            "pages": [
                {
                    "passes": {
                        "c": {
                            "cookies": [{"name": n, "domain": "shop.test"} for n in cookies],
                            "storage": [],
                            "requests": [],
                        }
                    }
                }
            ],
        }

    diff = compare(res(1, ["_ga", "_fbp"]), res(2, ["_ga", "_hjSessionUser_1"]))
    assert [i["name"] for i in diff["appeared"]] == ["_hjSessionUser_1"]
    assert [i["name"] for i in diff["went_away"]] == ["_fbp"]
