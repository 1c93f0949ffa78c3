"""/api/v1/cases: the officers' queue, a case's file, its transitions and its bill; the bank's payment callback.

Thin handlers: authenticate (bot/api/auth.py), validate with pydantic, call
`services.cases` (bot/office/cases.py), map refusals to HTTP:
401 no/invalid token · 403 a move this role may not make · 404 unknown case ·
409 a move the state machine refuses (or the case changed meanwhile) · 422 a bad body.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, Response, status
from pydantic import AwareDatetime, BaseModel, Field, ValidationError, field_validator

from bot.api.auth import CurrentOfficer, services_of
from bot.office.cases import CaseConflict, CaseDetail, CaseNotFound, CaseSummary
from core.cases import Actor, CaseState, Refusal, RefusalCode
from integrations.payment.signature import verify_body

router = APIRouter(tags=["cases"])
HTTP_422 = 422  # starlette renamed the constant; the number is what clients see

REFUSAL_STATUS = {
    RefusalCode.forbidden: status.HTTP_403_FORBIDDEN,
    RefusalCode.not_allowed: status.HTTP_409_CONFLICT,
    RefusalCode.wrong_return: status.HTTP_409_CONFLICT,
    RefusalCode.unknown_state: HTTP_422,
    RefusalCode.documents_required: HTTP_422,
    RefusalCode.fee_required: HTTP_422,
    RefusalCode.bad_fee: HTTP_422,
}


class Problem(BaseModel):
    code: str
    reason: str


def _problem(status_code: int, code: str, reason: str) -> HTTPException:
    return HTTPException(status_code, detail={"code": code, "reason": reason})


def _refused(refusal: Refusal) -> HTTPException:
    return _problem(REFUSAL_STATUS[refusal.code], refusal.code.value, refusal.reason)


def _not_found(tracking: str) -> HTTPException:
    return _problem(status.HTTP_404_NOT_FOUND, "not_found", f"no case {tracking}")


# --- shapes ------------------------------------------------------------------------------
class CaseSummaryOut(BaseModel):
    tracking: str
    service_id: str
    service_title: str
    applicant_name: str | None
    state: str
    state_changed_at: datetime
    submitted_at: datetime
    waiting_for: str = Field(description="officer | citizen | nobody")
    fee_baht: Decimal | None
    fee_due: date | None

    @classmethod
    def of(cls, summary: CaseSummary) -> CaseSummaryOut:
        return cls(**summary.__dict__)


class DocumentOut(BaseModel):
    key: str
    name: str
    status: str
    content_type: str | None
    size_bytes: int | None
    updated_at: datetime
    url: str | None = Field(description="GET it with the same bearer token")


class HistoryOut(BaseModel):
    at: datetime
    from_state: str | None
    to_state: str
    actor_kind: str
    actor: str
    note: str | None
    documents: list[str]
    fee_baht: Decimal | None


class ApplicantOut(BaseModel):
    name: str | None
    national_id: str | None
    phone: str | None
    address: str | None


class CaseOut(CaseSummaryOut):
    applicant: ApplicantOut
    answers: list[dict[str, Any]]
    documents: list[DocumentOut]
    requested_documents: list[str]
    return_to: str | None
    history: list[HistoryOut]
    allowed: list[str] = Field(description="states an admin may move the case to now (officers: all but decisions)")
    version: int

    @classmethod
    def of_detail(cls, detail: CaseDetail, request: Request) -> CaseOut:
        tracking = detail.summary.tracking
        docs = [DocumentOut(key=d.key, name=d.name, status=d.status, content_type=d.content_type,
                            size_bytes=d.size_bytes, updated_at=d.updated_at,
                            url=str(request.url_for("case_document", tracking=tracking, key=d.key))
                            if d.file_key else None) for d in detail.documents]
        return cls(**CaseSummaryOut.of(detail.summary).model_dump(), applicant=ApplicantOut(**detail.applicant),
                   answers=detail.answers, documents=docs, requested_documents=detail.requested_documents,
                   return_to=detail.return_to, history=[HistoryOut(**h.__dict__) for h in detail.history],
                   allowed=detail.allowed, version=detail.version)


class TransitionIn(BaseModel):
    to: str = Field(description="the target state id, e.g. preliminary_check", max_length=40)
    note: str | None = Field(default=None, max_length=1000, description="shown to the citizen on the card")
    documents: list[Annotated[str, Field(min_length=1, max_length=300)]] = Field(
        default_factory=list, max_length=20,
        description="fix_uploads / more_documents: the documents asked for; documents_sent: 'name https://…' links",
    )
    fee_baht: Decimal | None = Field(default=None, gt=0, le=10_000_000, decimal_places=2,
                                     description="fee_due: the fee when the service's fee is set by formula")
    version: int | None = Field(default=None, description="refuse (409) if the case moved since this version")

    @field_validator("to")
    @classmethod
    def _state_id(cls, value: str) -> str:
        if value not in {s.value for s in CaseState}:
            raise ValueError(f"unknown state id {value!r}")
        return value


class BillOut(BaseModel):
    amount_baht: Decimal
    due: date
    qr_payload: str | None
    ref1: str
    ref2: str | None
    biller_id: str
    paid: bool


class PaymentIn(BaseModel):
    payment_ref: str = Field(min_length=1, max_length=64)
    ref1: str = Field(min_length=1, max_length=32)
    amount_baht: Decimal = Field(gt=0, le=10_000_000, decimal_places=2)
    paid_at: AwareDatetime


class PaymentOut(BaseModel):
    status: str = Field(description="accepted | flagged | duplicate | unknown_case")
    tracking: str | None
    reason: str | None


# --- handlers ----------------------------------------------------------------------------
ERRORS: dict[int | str, dict[str, Any]] = {401: {"description": "no or invalid token"},
                                           404: {"model": Problem, "description": "unknown case"}}


@router.get("/cases", response_model=list[CaseSummaryOut], summary="list cases, newest change first",
            responses=ERRORS)
async def list_cases(
    request: Request, officer: CurrentOfficer,
    state: Annotated[CaseState | None, Query(description="only this state")] = None,
    service: Annotated[str | None, Query(description="only this service id")] = None,
    waiting_for: Annotated[str | None, Query(pattern="^(officer|citizen|nobody)$")] = None,
    submitted_on: Annotated[date | None, Query(description="submitted on this day (Bangkok)")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[CaseSummaryOut]:
    found = await services_of(request).cases.list_cases(state=state.value if state else None, service=service,
                                                  waiting_for=waiting_for, submitted_on=submitted_on,
                                                  limit=limit, offset=offset)
    return [CaseSummaryOut.of(s) for s in found]


@router.get("/cases/{tracking}", response_model=CaseOut, summary="a case: applicant, answers, documents, history",
            responses=ERRORS)
async def get_case(request: Request, tracking: str, officer: CurrentOfficer) -> CaseOut:
    try:
        return CaseOut.of_detail(await services_of(request).cases.detail(tracking), request)
    except CaseNotFound:
        raise _not_found(tracking) from None


@router.get("/cases/{tracking}/documents/{key}", name="case_document", summary="one uploaded document's file",
            responses=ERRORS)
async def case_document(request: Request, tracking: str, key: str, officer: CurrentOfficer) -> Response:
    try:
        doc, data = await services_of(request).cases.document_file(tracking, key)
    except (CaseNotFound, FileNotFoundError):
        raise _not_found(tracking) from None
    return Response(data, media_type=doc.content_type or "application/octet-stream",
                    headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})


@router.post("/cases/{tracking}/transitions", response_model=CaseOut, summary="move a case to another state",
             responses={**ERRORS, 403: {"model": Problem}, 409: {"model": Problem}})
async def transition(request: Request, tracking: str, body: TransitionIn, officer: CurrentOfficer) -> CaseOut:
    cases = services_of(request).cases
    try:
        detail = await cases.transition(tracking, body.to, actor=Actor(officer.role), officer=officer,
                                        note=body.note, documents=body.documents, fee_baht=body.fee_baht,
                                        expected_version=body.version)
    except CaseNotFound:
        raise _not_found(tracking) from None
    except Refusal as refusal:
        raise _refused(refusal) from None
    except CaseConflict as conflict:
        raise _problem(status.HTTP_409_CONFLICT, "conflict", str(conflict)) from None
    return CaseOut.of_detail(detail, request)


@router.get("/cases/{tracking}/bill", response_model=BillOut, summary="the case's current bill and its QR payload",
            responses=ERRORS)
async def bill(request: Request, tracking: str, officer: CurrentOfficer) -> BillOut:
    cases = services_of(request).cases
    found = await cases.bill_for(tracking)
    if found is None:
        raise _problem(status.HTTP_404_NOT_FOUND, "no_bill", f"case {tracking} has no bill")
    return BillOut(amount_baht=found.amount_baht, due=found.due, qr_payload=cases.qr_payload(found), ref1=found.ref1,
                   ref2=found.ref2, biller_id=found.biller_id, paid=found.is_paid)


@router.post("/payments/callback", response_model=PaymentOut, tags=["payments"],
             summary="the bank's payment confirmation, signed: X-Signature = hex HMAC-SHA256(body)",
             responses={401: {"description": "missing or wrong signature"}, 422: {"description": "bad body"}})
async def payment_callback(request: Request) -> PaymentOut:
    services = services_of(request)
    secret = services.settings.payment_webhook_secret
    raw = await request.body()
    if secret is None or not verify_body(raw, request.headers.get("X-Signature"), secret.get_secret_value()):
        raise _problem(status.HTTP_401_UNAUTHORIZED, "bad_signature", "missing or wrong X-Signature")
    try:
        body = PaymentIn.model_validate(json.loads(raw))
    except (ValueError, ValidationError) as error:
        detail = error.errors(include_url=False) if isinstance(error, ValidationError) else str(error)
        raise HTTPException(HTTP_422, detail=detail) from None
    outcome = await services.cases.record_payment(payment_ref=body.payment_ref, ref1=body.ref1,
                                                  amount_baht=body.amount_baht, paid_at=body.paid_at)
    return PaymentOut(status=outcome.status, tracking=outcome.tracking, reason=outcome.reason)
