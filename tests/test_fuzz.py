"""Fuzz every operation /api/v1/openapi.json lists: no 5xx, and every answer as documented.

The app runs in-process (WSGI) on SQLite and on PostgreSQL, holding the demo site, one
recorded consent and an owner token, so that generated requests reach real data as well
as the error paths. The number of cases is bounded and the seed fixed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from flask import Flask
from schemathesis import checks
from schemathesis.config import SchemathesisConfig

from server.domain.tokens import create_token
from server.extensions import db
from tests.support.apps import make_app
from tests.support.env import BACKENDS
from tests.support.fuzzreport import print_cases
from tests.support.records import choice_body

ORIGIN = "http://site.test"
MAX_EXAMPLES = 25
SEED = 20240601

checks.load_all_checks()
# Valid-looking input the schema cannot describe (choices must match the published
# categories, the action must agree with them) is rightly refused with 422, so only the
# checks that hold for every answer are run.
EXCLUDED = [checks.positive_data_acceptance]
# Invalid input may be refused for its size before anything else is read: 413 is a refusal
# too (schemathesis's own list, plus 413).
REFUSED = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429"]


def _config(consent_id: str) -> SchemathesisConfig:
    return SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "checks": {"negative_data_rejection": {"expected-statuses": [*REFUSED, "5xx"]}},
            "generation": {"max-examples": MAX_EXAMPLES, "database": "none"},
            "dictionaries": {
                "sites": {"values": ["demo"]},
                "consents": {"values": [consent_id]},
                "versions": {"values": [1]},
            },
            "parameters": {
                "path.key": {"dictionary": "sites", "probability": 0.9},
                "path.consent_id": {"dictionary": "consents", "probability": 0.5},
                "path.version": {"dictionary": "versions", "probability": 0.5},
            },
        }
    )


@pytest.fixture(scope="module", params=BACKENDS)
def fuzz_app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Flask, dict[str, str]]]:
    """The app with the demo site, one consent on record, and an owner token."""
    from server.domain.demo_site import load_demo

    app = make_app(request, tmp_path_factory.mktemp("fuzz"), CONFIG_CACHE_SECONDS=60.0)
    with app.app_context():
        site = load_demo([ORIGIN])
        _, token = create_token(site, "owner", "fuzz")
        db.session.commit()
        first = app.test_client().post(
            "/api/v1/sites/demo/consents", json=choice_body(), headers={"Origin": ORIGIN}
        )
        assert first.status_code == 201, first.json
        app.config["FUZZ_CONSENT_ID"] = first.json["consent_id"]
        db.session.remove()
    counts: dict[str, int] = {}
    app.config["FUZZ_CASES"] = counts
    # No app context is held across requests: each request gets its own, as in production.
    yield app, {"Origin": ORIGIN, "Authorization": f"Bearer {token}"}
    print_cases(request.config, request.param, counts)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def api_schema(fuzz_app: tuple[Flask, dict[str, str]]) -> Any:
    """The OpenAPI document the app serves, loaded for schemathesis."""
    app, _ = fuzz_app
    return schemathesis.openapi.from_wsgi(
        "/api/v1/openapi.json", app, config=_config(app.config["FUZZ_CONSENT_ID"])
    )


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
def test_api(case: Any, fuzz_app: tuple[Flask, dict[str, str]]) -> None:
    app, headers = fuzz_app
    counts = app.config["FUZZ_CASES"]
    counts[case.operation.label] = counts.get(case.operation.label, 0) + 1
    case.call_and_validate(headers=headers, excluded_checks=EXCLUDED)
