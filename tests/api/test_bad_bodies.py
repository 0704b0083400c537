"""A body that is not JSON, of the wrong shape, or too large gets a clear 4xx; one bad item never
fails its batch."""

from __future__ import annotations

import pytest

from tests.builders import sale
from tests.conftest import Sidecar


@pytest.mark.parametrize("path", ["/v1/map", "/v1/validate", "/v1/quarantine"])
def test_body_that_is_not_json_is_400(sidecar: Sidecar, path: str) -> None:
    response = sidecar.client.post(path, content=b'{"items": [', headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "body.invalid_json"
    assert "not valid JSON" in error["message"]


@pytest.mark.parametrize("path", ["/v1/map", "/v1/validate"])
def test_empty_body_is_400(sidecar: Sidecar, path: str) -> None:
    assert sidecar.client.post(path, content=b"").json()["error"]["code"] == "body.invalid_json"


@pytest.mark.parametrize("body", [[1, 2], {"items": "not a list"}, {"source": "sumup"}, "text"])
def test_wrong_shape_is_422_with_details(sidecar: Sidecar, body: object) -> None:
    response = sidecar.client.post("/v1/validate", json=body)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "body.invalid"


def test_batch_over_the_limit_is_413(sidecar: Sidecar) -> None:
    response = sidecar.client.post("/v1/validate", json={"items": [{}] * 5001})
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "body.batch_too_large" and "5001" in error["message"] and "5000" in error["message"]


def test_unknown_source_is_422(sidecar: Sidecar) -> None:
    response = sidecar.client.post("/v1/map", json={"source": "lightspeed", "items": [{}]})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "source.unknown"


def test_one_bad_item_never_fails_its_batch(sidecar: Sidecar) -> None:
    good, also_good = sale(), sale()
    answers = sidecar.client.post("/v1/validate", json={"items": [good, "garbage", {}, also_good]}).json()["results"]
    assert [a["index"] for a in answers] == [0, 1, 2, 3]
    assert [a["ok"] for a in answers] == [True, False, False, True]
    assert answers[1]["errors"][0]["path"] == "$"


def test_unknown_profile_is_404(sidecar: Sidecar) -> None:
    response = sidecar.client.post("/v1/validate", json={"items": [sale()], "profile": "nowhere"})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "profile.unknown"


def test_openapi_documents_the_batch_endpoints(sidecar: Sidecar) -> None:
    spec = sidecar.client.get("/openapi.json").json()
    for path in ("/v1/map", "/v1/validate", "/v1/quarantine", "/v1/quarantine/{ticket_id}/retry"):
        assert path in spec["paths"]
    body = spec["paths"]["/v1/map"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert {"source", "items"} <= set(body["properties"])
    assert sidecar.client.get("/docs").status_code == 200
