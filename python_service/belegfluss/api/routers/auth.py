from __future__ import annotations

from fastapi import APIRouter

from ..deps import ApiKeyDep

router = APIRouter(prefix="/v1/auth", tags=["auth"])


@router.get("/check", summary="Check an API key (the n8n credential test)")
async def check(key: ApiKeyDep) -> dict[str, object]:
    return {"ok": True, "key_id": key.key_id, "role": key.role}
