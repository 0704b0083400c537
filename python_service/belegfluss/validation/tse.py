"""KassenSichV: the TSE block must be well formed and, when the log message and public key come
along, its signature must verify (BSI TR-03151 transaction log, ECDSA plain r‖s).

Signed data = the DER TLVs of the log message from `version` up to `logTime`, i.e. the content of
the outer SEQUENCE without its trailing signatureValue. The hash comes from the algorithm OID,
the curve from the key: neither is hard-coded.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from ..model import ItemError, TseBlock
from . import codes

# bsi-de ecdsa-plain-* OIDs (0.4.0.127.0.7.1.1.4.1.x) → hash
_PLAIN_ECDSA_HASHES: dict[str, hashes.HashAlgorithm] = {
    "0.4.0.127.0.7.1.1.4.1.3": hashes.SHA256(),
    "0.4.0.127.0.7.1.1.4.1.4": hashes.SHA384(),
    "0.4.0.127.0.7.1.1.4.1.5": hashes.SHA512(),
    "0.4.0.127.0.7.1.1.4.1.9": hashes.SHA3_256(),
    "0.4.0.127.0.7.1.1.4.1.10": hashes.SHA3_384(),
    "0.4.0.127.0.7.1.1.4.1.11": hashes.SHA3_512(),
}


class DerError(ValueError):
    pass


@dataclass(frozen=True)
class Tlv:
    tag: int
    value: bytes
    start: int  # offset of the tag byte in the enclosing buffer
    end: int  # offset just past the value


def read_tlvs(data: bytes) -> list[Tlv]:
    """Split a DER buffer into its top-level TLVs (short and long length forms)."""
    items: list[Tlv] = []
    offset = 0
    while offset < len(data):
        start = offset
        if offset + 2 > len(data):
            raise DerError("truncated TLV header")
        tag = data[offset]
        length = data[offset + 1]
        offset += 2
        if length & 0x80:
            size = length & 0x7F
            if size == 0 or size > 4 or offset + size > len(data):
                raise DerError("unsupported or truncated DER length")
            length = int.from_bytes(data[offset:offset + size], "big")
            offset += size
        if offset + length > len(data):
            raise DerError("TLV runs past the end of its container")
        items.append(Tlv(tag, data[offset:offset + length], start, offset + length))
        offset += length
    return items


def decode_oid(value: bytes) -> str:
    first, parts, current = value[0], [], 0
    parts.extend([str(first // 40), str(first % 40)])
    for byte in value[1:]:
        current = (current << 7) | (byte & 0x7F)
        if not byte & 0x80:
            parts.append(str(current))
            current = 0
    return ".".join(parts)


@dataclass(frozen=True)
class TransactionLog:
    operation_type: str
    client_id: str
    process_data: bytes
    process_type: str
    transaction_number: int
    serial_number: bytes
    algorithm_oid: str
    signature_counter: int
    log_time: int
    signed_data: bytes
    signature: bytes


def parse_transaction_log(message: bytes) -> TransactionLog:
    outer = read_tlvs(message)
    if len(outer) != 1 or outer[0].tag != 0x30:
        raise DerError("a TSE log message is exactly one DER SEQUENCE")
    content = outer[0].value
    fields = read_tlvs(content)
    if len(fields) < 6 or fields[-1].tag != 0x04:
        raise DerError("the log message must end with its signatureValue OCTET STRING")
    tagged = {f.tag: f.value for f in fields if 0x80 <= f.tag <= 0x86}
    universal = [f for f in fields if f.tag < 0x80]
    # version, certifiedDataType, serialNumber, signatureAlgorithm, [seAuditData], signatureCounter, logTime, signature
    serial = next(f for f in universal[2:] if f.tag == 0x04)
    algorithm = next(f for f in universal if f.tag == 0x30)
    integers = [f for f in universal if f.tag == 0x02]
    if len(integers) < 3:
        raise DerError("missing signatureCounter or logTime")
    algorithm_oid = decode_oid(read_tlvs(algorithm.value)[0].value)
    return TransactionLog(
        operation_type=tagged.get(0x80, b"").decode("ascii", "replace"),
        client_id=tagged.get(0x81, b"").decode("ascii", "replace"),
        process_data=tagged.get(0x82, b""),
        process_type=tagged.get(0x83, b"").decode("ascii", "replace"),
        transaction_number=int.from_bytes(tagged.get(0x85, b"\x00"), "big"),
        serial_number=serial.value,
        algorithm_oid=algorithm_oid,
        signature_counter=int.from_bytes(integers[-2].value, "big"),
        log_time=int.from_bytes(integers[-1].value, "big"),
        signed_data=content[: fields[-1].start],
        signature=fields[-1].value,
    )


def verify_transaction_log(message: bytes, public_key_der: bytes) -> bool:
    log = parse_transaction_log(message)
    digest = _PLAIN_ECDSA_HASHES.get(log.algorithm_oid)
    if digest is None:
        raise DerError(f"unsupported signature algorithm {log.algorithm_oid}")
    key = serialization.load_der_public_key(public_key_der)
    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise DerError("the TSE public key is not an elliptic-curve key")
    half = len(log.signature) // 2
    r = int.from_bytes(log.signature[:half], "big")
    s = int.from_bytes(log.signature[half:], "big")
    try:
        key.verify(encode_dss_signature(r, s), log.signed_data, ec.ECDSA(digest))
    except InvalidSignature:
        return False
    return True


def _b64(value: str) -> bytes:
    return base64.b64decode(value, validate=True)


def check_tse_block(tse: TseBlock) -> Iterator[ItemError]:
    """Well-formedness, and the signature where the raw log message and key are supplied."""
    if tse.end < tse.start:
        yield ItemError(code=codes.TSE_MALFORMED, path="$.tse.end", value=tse.end.isoformat(),
                        message="TSE transaction end (TSE_TA_ENDE) lies before its start (TSE_TA_START)")
    if tse.transaction_number < 1 or tse.signature_counter < 1:
        yield ItemError(code=codes.TSE_MALFORMED, path="$.tse", value=tse.transaction_number,
                        message="TSE transaction number and signature counter must be positive")
    if not tse.signature.strip():
        yield ItemError(code=codes.TSE_MALFORMED, path="$.tse.signature", value=tse.signature,
                        message="TSE signature (TSE_TA_SIG) is empty")
    if not (tse.log_message and tse.public_key):
        return
    try:
        message, key = _b64(tse.log_message), _b64(tse.public_key)
        log = parse_transaction_log(message)
        valid = verify_transaction_log(message, key)
    except (DerError, binascii.Error, ValueError, StopIteration) as exc:
        yield ItemError(code=codes.TSE_MALFORMED, path="$.tse.log_message", value=None,
                        message=f"TSE log message cannot be read: {exc}")
        return
    if not valid:
        yield ItemError(code=codes.TSE_SIGNATURE_INVALID, path="$.tse.signature", value=tse.signature,
                        message="TSE signature does not verify against the TSE public key: the receipt data "
                                "was changed after signing")
    mismatches = [
        (name, expected) for name, expected, actual in (
            ("transaction_number", tse.transaction_number, log.transaction_number),
            ("signature_counter", tse.signature_counter, log.signature_counter),
            ("process_type", tse.process_type, log.process_type),
            ("process_data", tse.process_data, log.process_data.decode("utf-8", "replace")),
        ) if expected != actual
    ]
    for name, expected in mismatches:
        yield ItemError(code=codes.TSE_LOG_MISMATCH, path=f"$.tse.{name}", value=expected,
                        message=f"TSE {name.replace('_', ' ')} differs from the signed log message")
