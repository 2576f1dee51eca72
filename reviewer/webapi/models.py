"""Response and request bodies of the HTTP API (they document the OpenAPI schema)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class ErrorBody(BaseModel):
    code: str = Field(description="stable machine-readable code, e.g. 'not_found', 'bad_input'")
    message: str = Field(description="zh-CN message for the user")


class ErrorResponse(BaseModel):
    error: ErrorBody


class LoginRequest(BaseModel):
    name: str = Field(min_length=1, max_length=64, description="user name")
    password: str = Field(min_length=1, max_length=512)


class UserOut(BaseModel):
    id: int
    name: str
    display_name: str
    role: Literal["expert", "consultant", "bureau"]
    group: str


class LoginResponse(BaseModel):
    token: str = Field(description="send as 'Authorization: Bearer <token>'")
    expires_in_s: float
    user: UserOut


class Progress(BaseModel):
    stage: str = Field(description="queued / parse / ocr / rules / retrieval / llm / store / done / failed")
    fraction: float = Field(ge=0, le=1)
    queue_position: int = Field(0, description="queued jobs ahead of this one")
    attempts: int = 0


class ReviewOut(BaseModel):
    id: str
    file_name: str
    status: Literal["queued", "running", "done", "failed"]
    created_at: float
    finished_at: float | None = None
    owner: str | None = None
    batch_id: str | None = None
    sha256: str
    title: str | None = None
    enterprise: str | None = None
    agency: str | None = None
    pages: int | None = None
    counts: dict[str, int] | None = Field(None, description="visible findings by severity")
    hidden_by_memory: int = Field(0, description="findings hidden by the group's false-positive memory")
    score: float | None = Field(None, description="default scoring sheet total (decisions applied)")
    error: ErrorBody | None = None
    progress: Progress | None = None


class SubmitResponse(BaseModel):
    review: ReviewOut
    created: bool = Field(description="False when the same file with the same options was already submitted")


class LocationOut(BaseModel):
    page: int | None = None
    section: str | None = None
    table: int | None = None
    row: int | None = None
    col: int | None = None


class BasisOut(BaseModel):
    item_id: str
    title: str = ""
    doc_number: str = ""
    clause: str = ""
    quote: str = ""


class FindingOut(BaseModel):
    id: int
    rule_id: str
    severity: Literal["error", "warning", "info"]
    family: str
    category: str
    chapter: str
    message: str
    quote: str
    location: LocationOut
    expected: Any = None
    found: Any = None
    basis: BasisOut | None = None
    other_places: list[dict[str, Any]] = Field(default_factory=list)
    source: str = "rule"
    status: Literal["open", "accept", "reject"]
    reason: str = ""
    hidden: bool = False


class DecisionIn(BaseModel):
    decision: Literal["accept", "reject"]
    reason: str = Field("", max_length=2000, description="required when rejecting")


class DecisionOut(BaseModel):
    id: int
    user: str
    decision: str
    reason: str
    created_at: float


class FindingDetail(FindingOut):
    history: list[DecisionOut] = Field(default_factory=list)


class RuleOut(BaseModel):
    id: str
    name: str
    severity: str
    family: str
    category: str
    sentence: str
    basis: BasisOut | None = None


class AdoptionOut(BaseModel):
    rule_id: str
    raised: int
    accepted: int
    rejected: int
    open: int
    adoption_rate: float | None = Field(None, description="accepted / (accepted + rejected)")


class HitOut(BaseModel):
    item_id: str
    title: str
    doc_number: str = ""
    clause: str = ""
    text: str
    score: float
    status: str = ""


class ScoreEdit(BaseModel):
    points: float | None = Field(None, ge=0, le=1000)
    veto: bool | None = None
    comment: str = Field("", max_length=2000)


class OpinionIn(BaseModel):
    text: str = Field(max_length=200_000)


class OpinionOut(BaseModel):
    text: str
    source: str = Field(description="template / llm / edited")
    updated_at: float | None = None
