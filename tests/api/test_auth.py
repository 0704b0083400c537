"""Every endpoint but /healthz needs an API key; keys are stored hashed."""

from __future__ import annotations

import httpx
import pytest

from belegfluss.store.keys import api_keys, create_key, find_key, hash_key
from tests.conftest import Sidecar

PROTECTED = [("POST", "/v1/map"), ("POST", "/v1/validate"), ("GET", "/v1/quarantine"),
             ("POST", "/v1/quarantine"), ("GET", "/v1/profiles"), ("GET", "/v1/auth/check"),
             ("GET", "/v1/events")]


def test_healthz_needs_no_key(sidecar: Sidecar) -> None:
    assert httpx.get(sidecar.url + "/healthz").json() == {"status": "ok"}


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_no_key_gives_401(sidecar: Sidecar, method: str, path: str) -> None:
    response = httpx.request(method, sidecar.url + path, json={"items": []})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "auth.missing_key"
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_wrong_key_gives_401(sidecar: Sidecar, method: str, path: str) -> None:
    response = httpx.request(method, sidecar.url + path, json={"items": []},
                             headers={"Authorization": "Bearer bf_nope_not-a-real-key"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "auth.invalid_key"


def test_basic_auth_is_not_a_bearer_key(sidecar: Sidecar) -> None:
    response = httpx.get(sidecar.url + "/v1/auth/check", auth=("admin", sidecar.key))
    assert response.status_code == 401


def test_credential_check_names_key_and_role(sidecar: Sidecar) -> None:
    answer = sidecar.client.get("/v1/auth/check").json()
    assert answer["ok"] is True and answer["role"] == "admin"


def test_keys_are_stored_hashed_never_in_the_clear(database) -> None:
    raw = create_key(database, "workflow", label="n8n production")
    with database.connect() as connection:
        rows = connection.execute(api_keys.select()).all()
    assert [row.key_hash for row in rows] == [hash_key(raw)]
    assert all(raw not in str(tuple(row)) for row in rows)
    found = find_key(database, raw)
    assert found is not None and found.role == "workflow" and found.label == "n8n production"
    assert find_key(database, raw + "x") is None


def test_unknown_role_is_refused(database) -> None:
    with pytest.raises(ValueError, match="unknown role"):
        create_key(database, "superuser")
