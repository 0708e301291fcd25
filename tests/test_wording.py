"""The domain's sentences under stable keys: English when said, recognised again when stored."""

from __future__ import annotations

import pytest

from server.domain.errors import Conflict, Invalid
from server.domain.scan import jobs, store, urls
from server.domain.scan.urls import ScanInputError, check_max_pages, check_url
from server.domain.verify import REMOVED, Problem
from server.domain.wording import WORDINGS, Message, recognise, wording


def test_a_message_says_its_english_template_with_its_values():
    said = urls.NOT_ON_ORIGINS(url="'https://evil.test/'", origins="https://shop.test")
    assert said.key == "scan.not_on_origins"
    assert str(said) == "'https://evil.test/' is not on the site's origins (https://shop.test)"
    assert said.values == {"url": "'https://evil.test/'", "origins": "https://shop.test"}


def test_a_wording_takes_exactly_its_values():
    with pytest.raises(TypeError):
        urls.URL_TOO_LONG()
    with pytest.raises(TypeError):
        urls.EMPTY_URL(url="x")


def test_one_key_has_one_english_text():
    assert wording("scan.empty_url", "an empty URL") is not None  # the same again is fine
    with pytest.raises(ValueError, match="two texts"):
        wording("scan.empty_url", "a blank URL")


def test_domain_errors_keep_the_message_and_its_key():
    err = Conflict(store.LAST_VERDICT(verdict="not compliant"))
    assert err.message == str(err) == "last scan: not compliant"
    assert isinstance(err.said, Message) and err.said.key == "scan.last_verdict"
    plain = Invalid("A plain sentence.")
    assert plain.message == "A plain sentence." and plain.said is None


def test_scan_input_errors_carry_their_wording():
    with pytest.raises(ScanInputError) as caught:
        check_url("ftp://shop.test/", ["https://shop.test"])
    assert caught.value.said.key == "scan.not_http"
    assert str(caught.value) == "not an http(s) URL: 'ftp://shop.test/'"
    with pytest.raises(ScanInputError) as caught:
        check_url("https://evil.test/", [])
    # A value may itself be a sentence of the domain ("none").
    assert caught.value.said.values["origins"].key == "scan.no_origins"
    assert str(caught.value) == "'https://evil.test/' is not on the site's origins (none)"
    with pytest.raises(ScanInputError) as caught:
        check_max_pages(0)
    assert caught.value.said == urls.MAX_PAGES_RANGE(max=200)


@pytest.mark.parametrize(
    ("text", "key", "values"),
    [
        ("the worker stopped during the scan", "scan.worker_stopped", {}),
        ("the scan stopped: KeyError: 'x'", "scan.stopped", {"error": "KeyError: 'x'"}),
        ("the job queue is unavailable: OSError", "scan.queue_down", {"error": "OSError"}),
        (
            "the job queue is unavailable: OSError; try again later.",
            "scan.queue_down_retry",
            {"error": "OSError"},
        ),
        ("the page did not finish loading in 15 s", "scan.page_timeout", {"seconds": "15"}),
    ],
)
def test_stored_english_is_recognised(text, key, values):
    found = recognise(text)
    assert found is not None and (found.key, dict(found.values)) == (key, values)
    assert str(found) == text


def test_text_no_wording_says_is_not_recognised():
    assert recognise("net::ERR_CONNECTION_REFUSED at https://shop.test/") is None
    assert recognise("") is None


def test_problems_of_the_chain_keep_their_english_kind():
    problem = Problem(7, None, REMOVED(first=7, last=9))
    assert problem.kind == "removed: records 7..9"
    assert str(problem) == "seq 7: removed: records 7..9"
    assert str(Problem(3, 12, REMOVED(first=1, last=2))).startswith("record 12 (seq 3): ")


def test_every_wording_is_declared_under_its_own_module_prefix():
    assert jobs.WORKER_STOPPED.key in WORDINGS
    assert all(k.split(".")[0] in ("scan", "catalogue", "verify") for k in WORDINGS)
