"""TSE signatures checked against genuine logs signed by BSI's TSE simulator (tests/fixtures/tse)."""

from __future__ import annotations

import base64
from datetime import datetime, timezone

import pytest

from belegfluss.model import TseBlock
from belegfluss.validation import codes
from belegfluss.validation.tse import check_tse_block, parse_transaction_log, verify_transaction_log
from tests.builders import tse_vectors

VECTORS = tse_vectors()


def tse_block_of(vector: dict) -> TseBlock:
    return TseBlock(
        serial=vector["serial_number_hex"], transaction_number=vector["transaction_number"],
        signature_counter=vector["signature_counter"],
        start=datetime.fromtimestamp(vector["start_time_unix"], timezone.utc),
        end=datetime.fromtimestamp(vector["log_time_unix"], timezone.utc),
        process_type=vector["process_type"], process_data=vector["process_data"],
        signature=vector["signature_b64"], log_message=vector["log_message_b64"],
        public_key=vector["public_key_spki_der_b64"],
    )


@pytest.mark.parametrize("vector", VECTORS, ids=[v["id"] for v in VECTORS])
def test_signature_verifies_exactly_for_the_genuine_logs(vector: dict) -> None:
    message = base64.b64decode(vector["log_message_b64"])
    key = base64.b64decode(vector["public_key_spki_der_b64"])
    assert verify_transaction_log(message, key) is vector["verifies"]


@pytest.mark.parametrize("vector", VECTORS, ids=[v["id"] for v in VECTORS])
def test_log_fields_are_read_as_the_simulator_wrote_them(vector: dict) -> None:
    log = parse_transaction_log(base64.b64decode(vector["log_message_b64"]))
    assert log.transaction_number == vector["transaction_number"]
    assert log.signature_counter == vector["signature_counter"]
    assert log.log_time == vector["log_time_unix"]
    assert log.process_data.decode() == vector["process_data"]
    assert log.serial_number.hex() == vector["serial_number_hex"]
    assert log.signed_data == base64.b64decode(vector["signed_data_b64"])


def test_genuine_block_passes_and_tampered_block_is_reported() -> None:
    genuine = next(v for v in VECTORS if v["id"] == "main-01")
    tampered = next(v for v in VECTORS if v["id"] == "main-T1")
    assert list(check_tse_block(tse_block_of(genuine))) == []
    assert [e.code for e in check_tse_block(tse_block_of(tampered))] == [codes.TSE_SIGNATURE_INVALID]


def test_block_that_disagrees_with_its_signed_log_is_reported() -> None:
    vector = next(v for v in VECTORS if v["id"] == "main-02")
    block = tse_block_of(vector).model_copy(update={"signature_counter": 99})
    assert [e.code for e in check_tse_block(block)] == [codes.TSE_LOG_MISMATCH]


def test_end_before_start_is_malformed() -> None:
    block = tse_block_of(VECTORS[0])
    block = block.model_copy(update={"end": block.start.replace(year=2000), "log_message": None})
    assert [e.code for e in check_tse_block(block)] == [codes.TSE_MALFORMED]


def test_unreadable_log_message_is_malformed_not_a_crash() -> None:
    block = tse_block_of(VECTORS[0]).model_copy(update={"log_message": base64.b64encode(b"\x30\x05abc").decode()})
    assert [e.code for e in check_tse_block(block)] == [codes.TSE_MALFORMED]
