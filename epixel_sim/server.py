"""Epixel's Leads & CRM API on the simulator core: routes, apikey and bearer tokens, envelopes.

Served as the document gives it (``GET leads/overview/``, ``leads/list/``,
``leads/appointments/list/``, ``leads/view/lead/``; POST create/update/delete of leads and
appointments as form data) under ``/<api prefix>/<version>/``. Where the document is silent
the simulator takes the shapes of the Django REST framework the product's errors come from:

- every request needs the ``apikey`` header (else 403 ``{"detail": ...}``);
- API calls need ``Authorization: Bearer <access>``; the token comes from ``POST user/login/``
  (form ``username``, ``password``; the vendor's authentication page) as
  ``{"refresh": ..., "access": ...}``; an expired or unknown token gets 401
  ``{"detail": ..., "code": "token_not_valid"}``; tokens expire after ``token_ttl_requests``
  requests or ``token_ttl_seconds`` on the simulator clock;
- lists are a plain JSON array, or (``envelope``) pages ``{"count", "next", "previous",
  "results"}`` asked by ``page`` and ``page_size``, ``next`` an absolute URL;
- ``list_type=assigned`` lists the leads assigned to the user (own and assigned ones in both);
- validation errors are 400 ``{"<field>": ["<message>"]}``, request failures 401
  ``{"detail": "<message>"}`` as the document's tables list them.
"""

from __future__ import annotations

import hmac
import re
import threading
import typing as t
import urllib.parse
from collections import Counter

from crm_sim.account import AccountSimulator, compile_routes, header_matches
from crm_sim.server import ALLOWED_HOST, ApiRequest, Reply
from crm_sim.table import UnknownRecordError
from crm_sim.text import h64
from epixel_sim.config import EpixelConfig
from epixel_sim.data import APPOINTMENT_STATUSES, LEAD_SOURCES, LEAD_STATUSES, EpixelData

if t.TYPE_CHECKING:
    from collections.abc import Callable

    from crm_sim.table import Record

STREAMS = ("leads", "appointments")
APPOINTMENT_FILTERS = ("", "all", "today", "upcoming", "past")
BAD_TOKEN = {
    "detail": "Given token not valid for any token type",
    "code": "token_not_valid",
    "messages": [{"token_class": "AccessToken", "token_type": "access",
                  "message": "Token is invalid or expired"}],
}  # fmt: skip
THROTTLED = {"detail": "Request was throttled."}
NO_TOKEN = {"detail": "Authentication credentials were not provided."}
BAD_KEY = {"detail": "Invalid apikey."}
BAD_LOGIN = {"detail": "The supplied authentication credentials are invalid."}
PHONE = re.compile(r"^\+?\d{9,15}$")
PHONE_FORMAT = "Phone number must be entered in the format: '999999999'. Up to 15 digits allowed."
LEAD_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "status",
    "source",
    "location",
    "message",
)
DATE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$")


class _Token:
    """An issued token: when, and how often it was used."""

    def __init__(self, issued: float) -> None:
        self.issued = issued
        self.uses = 0
        self.expired = False


class EpixelSimulator(AccountSimulator[EpixelConfig, EpixelData]):
    """A simulated Epixel install served on 127.0.0.1 under ``api_prefix``."""

    name = "epixel-sim"
    redact_headers = frozenset({"authorization", "apikey"})

    config_class = EpixelConfig
    data_class = EpixelData
    fault_bodies: t.ClassVar[dict[str, tuple[int, dict[str, t.Any]]]] = {
        "quota": (429, {"detail": "Request was throttled. API limit exceeded."}),
        "429": (429, THROTTLED),
        "429_retry_after": (429, THROTTLED),
    }

    def __init__(self, config: EpixelConfig | None = None, *, host: str = ALLOWED_HOST,
                 port: int = 0) -> None:  # fmt: skip
        """Prepare (not start) the simulator (``config`` defaults to ``EpixelConfig()``)."""
        super().__init__(config, host=host, port=port)
        c = self.config
        self.api_prefix = c.api_prefix
        self.tokens: dict[str, _Token] = {}
        self.logins = 0
        self._token_lock = threading.Lock()
        self._why = threading.local()
        leads = re.escape(c.leads_prefix.strip("/"))
        self.routes = compile_routes([
            ("GET", rf"{leads}/overview/?", self._overview),
            ("GET", rf"{leads}/list/?", self._leads),
            ("GET", rf"{leads}/appointments/list/?", self._appointments),
            ("GET", rf"{leads}/view/lead/?", self._lead),
            ("POST", rf"(?:v1/)?{leads}/create/lead/?", self._create_lead),
            ("POST", rf"{leads}/update/lead/?", self._update_lead),
            ("POST", rf"{leads}/delete/lead/?", self._delete_lead),
            ("POST", rf"{leads}/create/appointment/?", self._create_appointment),
            ("POST", rf"{leads}/delete/appointment/?", self._delete_appointment),
        ])  # fmt: skip

    # ----------------------------------------------------------------- auth

    def _is_login(self, request: ApiRequest) -> bool:
        return request.method == "POST" and request.path.strip("/") == self.config.login_path.strip(
            "/"
        )

    def authenticate(self, request: ApiRequest) -> bool:
        """The ``apikey`` header always; a valid bearer token on every call but the login.

        Args:
            request: The request.

        Returns:
            True when accepted (``unauthorized`` answers why not).
        """
        if not header_matches(request, "apikey", self.config.api_key):
            self._why.reply = Reply(403, BAD_KEY)
            return False
        if self._is_login(request) or not self.route(request):
            return True  # the login, or an unknown path (404 before any token check)
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            self._why.reply = Reply(401, NO_TOKEN)
            return False
        if not self._token_ok(token):
            self._why.reply = Reply(401, BAD_TOKEN)
            return False
        return True

    def _token_ok(self, token: str) -> bool:
        c = self.config
        if c.refuse_tokens:
            return False
        with self._token_lock:
            issued = self.tokens.get(token)
            if issued is None:
                return bool(c.access_token) and hmac.compare_digest(token, str(c.access_token))
            issued.uses += 1
            if issued.expired:
                return False
            if c.token_ttl_requests and issued.uses > c.token_ttl_requests:
                return False
            return not (c.token_ttl_seconds and self.now() - issued.issued > c.token_ttl_seconds)

    def unauthorized(self) -> Reply:
        """Why the last check on this thread failed (403 for the key, 401 for the token).

        Returns:
            The reply.
        """
        return getattr(self._why, "reply", Reply(401, NO_TOKEN))

    def expire_tokens(self) -> None:
        """Make every token issued so far (and the configured one) expire now."""
        with self._token_lock:
            for token in self.tokens.values():
                token.expired = True
        self.config.access_token = None

    def secrets(self) -> tuple[str, ...]:
        """The key, the password, the user name and every token never reach the request log.

        Returns:
            The values.
        """
        c = self.config
        with self._token_lock:
            issued = tuple(self.tokens)
        return (c.api_key, c.password, c.username, c.access_token or "", *issued)

    def mutate_extra(self, op: dict[str, t.Any]) -> t.Any:  # noqa: ANN401
        """``/_sim/mutate`` ops of Epixel: ``expire_tokens``, ``set`` (a config switch).

        Args:
            op: The operation.

        Returns:
            What changed.
        """
        if op.get("op") == "expire_tokens":
            self.expire_tokens()
            return {"expired": True}
        if op.get("op") == "set" and op.get("field") in {
            "envelope", "token_ttl_requests", "token_ttl_seconds", "refuse_tokens",
            "repeat_page", "next_base", "page_size",
        }:  # fmt: skip
            setattr(self.config, op["field"], op.get("value"))
            return {op["field"]: op.get("value")}
        return super().mutate_extra(op)

    # ----------------------------------------------------------------- routing

    def handle(self, request: ApiRequest) -> Reply:
        """Route an authenticated request: the login, or a route of ``routes``."""
        if self._is_login(request):
            return self._login(request)
        route = self.route(request)
        return route(request) if route else Reply(404, {"detail": "Not found."})

    def _login(self, request: ApiRequest) -> Reply:
        c = self.config
        user, password = request.params.get("username", ""), request.params.get("password", "")
        if not user or not password:
            missing = "username" if not user else "password"
            return Reply(400, {missing: ["This field is required."]})
        good = hmac.compare_digest(user.encode(), c.username.encode()) and hmac.compare_digest(
            password.encode(), c.password.encode()
        )
        if not good:
            return Reply(401, BAD_LOGIN)
        with self._token_lock:
            self.logins += 1
            n = self.logins
            access = f"eyJhbGciOiJIUzI1NiJ9.acc{h64(self.seed, 'access', n):016x}{n}"
            refresh = f"eyJhbGciOiJIUzI1NiJ9.ref{h64(self.seed, 'refresh', n):016x}{n}"
            self.tokens[access] = _Token(self.now())
        return Reply(200, {"refresh": refresh, "access": access})

    # ----------------------------------------------------------------- listings

    def _listing(self, request: ApiRequest, records: list[Record]) -> Reply:
        """All records as a plain array, or one page of the envelope.

        Args:
            request: The request (``page``, ``page_size``).
            records: Every record of the listing, in order.

        Returns:
            The reply.
        """
        c = self.config
        if not c.envelope:
            return Reply(200, records)
        try:
            page = int(request.params.get("page") or 1)
            size = int(request.params.get("page_size") or c.page_size)
        except ValueError:
            return Reply(404, {"detail": "Invalid page."})
        size = max(1, min(size, c.max_page_size))
        last = max(1, -(-len(records) // size))
        if page < 1 or page > last:
            return Reply(404, {"detail": "Invalid page."})
        base = (c.next_base or self.url).rstrip("/") + self.api_prefix + request.path

        def link(number: int) -> str:
            query = {**request.query, "page": str(number)}
            return base + "?" + urllib.parse.urlencode(query)

        nxt = page if page == c.repeat_page else page + 1
        return Reply(200, {
            "count": len(records),
            "next": link(nxt) if page < last else None,
            "previous": link(page - 1) if page > 1 else None,
            "results": records[(page - 1) * size : page * size],
        })  # fmt: skip

    def _current_leads(self) -> list[Record]:
        table = self.tables["leads"]
        with table.lock:
            return [table.render(i) for i in table.indexes() if table.exists(i)]

    def _leads(self, request: ApiRequest) -> Reply:
        list_type = request.params.get("list_type", "")
        if list_type not in {"", "assigned"}:
            return Reply(400, {"list_type": ["Invalid list type."]})
        wanted = {"own", "both"} if list_type == "" else {"assigned", "both"}
        leads = [r for r in self._current_leads() if self.data.relation(r) in wanted]
        return self._listing(request, leads)

    def _appointments(self, request: ApiRequest) -> Reply:
        return self._listing(request, list(self.records("appointments")))

    def _lead(self, request: ApiRequest) -> Reply:
        slug = request.params.get("slug", "")
        if not slug:
            return Reply(400, {"slug": ["This field is required and this may not be blank."]})
        lead = self.lead_by_slug(slug)
        if lead is None:
            return Reply(400, {"slug": ["Requested slug is invalid."]})
        return Reply(200, lead)

    def _overview(self, request: ApiRequest) -> Reply:
        if request.params.get("appointment", "") not in APPOINTMENT_FILTERS:
            return Reply(400, {"appointment": ["Invalid appointment filter value."]})
        return Reply(200, self.overview())

    # ----------------------------------------------------------------- writes

    def _create_lead(self, request: ApiRequest) -> Reply:
        p = request.params
        errors = self._lead_errors(p, partial=False)
        if errors:
            return Reply(400, errors)
        fields: dict[str, t.Any] = {k: p[k] for k in LEAD_FIELDS if k in p}
        fields["owner"] = self.config.username
        fields["assignee"] = p.get("assignee", "")
        (record,) = self.create("leads", 1, **fields)
        return Reply(200, {"message": "Lead created successfully.", "slug": record["slug"]})

    def _update_lead(self, request: ApiRequest) -> Reply:
        p = request.params
        lead = self.lead_by_slug(p.get("slug", ""))
        if lead is None:
            if not p.get("slug"):
                return Reply(400, {"slug": ["This field is required."]})
            return Reply(401, {"detail": "Requested lead does not esixt."})
        if lead["owner"] != self.config.username:
            return Reply(401, {"detail": "You are not owner of this lead."})
        errors = self._lead_errors(p, partial=True)
        if errors:
            return Reply(400, errors)
        fields = {k: p[k] for k in (*LEAD_FIELDS, "assignee") if k in p}
        return Reply(
            200, {"message": "Lead updated.", "lead": self.update("leads", lead["id"], **fields)}
        )

    def _delete_lead(self, request: ApiRequest) -> Reply:
        slug = request.params.get("slug", "")
        if not slug:
            return Reply(400, {"slug": ["This field is required."]})
        lead = self.lead_by_slug(slug)
        if lead is None:
            return Reply(400, {"slug": ["Requested lead not found."]})
        if lead["owner"] != self.config.username:
            return Reply(401, {"detail": "You can't delete this lead."})
        self.delete("leads", lead["id"])
        return Reply(200, {"message": "Lead deleted."})

    def _create_appointment(self, request: ApiRequest) -> Reply:
        p = request.params
        if self.lead_by_slug(p.get("slug", "")) is None:
            return Reply(400, {"slug": ["Requested slug is invalid."]})
        for field in ("appointment_date", "appointment_to"):
            if not DATE.match(p.get(field, "")):
                return Reply(400, {field: ["Invalid date format."]})
        if p["appointment_to"] < p["appointment_date"]:
            return Reply(401, {"detail": "End Date Can't be prior to Start Date."})
        if len(p.get("appointment_note", "")) > 200:  # noqa: PLR2004
            return Reply(
                400, {"appointment_note": ["Ensure this field has no more than 200 characters."]}
            )
        status = p.get("appointment_status", "scheduled")
        if status not in APPOINTMENT_STATUSES:
            return Reply(400, {"appointment_status": ["Invalid appointment status."]})
        fields = {k: p.get(k, "") for k in ("slug", "appointment_date", "appointment_to",
                                            "appointment_note")}  # fmt: skip
        (record,) = self.create("appointments", 1, appointment_status=status, **fields)
        return Reply(200, {"message": "Appointment created.", "appointment_id": record["id"]})

    def _delete_appointment(self, request: ApiRequest) -> Reply:
        raw = request.params.get("appointment_id", "")
        if not raw:
            return Reply(400, {"appointment_id": ["This field is required."]})
        try:
            self.delete("appointments", raw)
        except UnknownRecordError:
            return Reply(400, {"appointment_id": ["Requested appointment not found."]})
        return Reply(200, {"message": "Appointment deleted."})

    @staticmethod
    def _lead_errors(p: dict[str, str], *, partial: bool) -> dict[str, list[str]]:
        errors: dict[str, list[str]] = {}
        for field in ("first_name", "last_name", "email", "phone"):
            if field not in p and not partial:
                errors[field] = ["This field is required."]
            elif field in p and not p[field]:
                errors[field] = ["This field may not be blank."]
            elif len(p.get(field, "")) > 255:  # noqa: PLR2004
                errors[field] = ["Ensure this field has no more than 255 characters."]
        if p.get("phone") and not PHONE.match(p["phone"]):
            errors["phone"] = [PHONE_FORMAT]
        if p.get("email") and "@" not in p["email"]:
            errors["email"] = ["Invalid email."]
        if "status" in p and p["status"] not in LEAD_STATUSES:
            errors["status"] = [f"{p['status']} is not a valid choice."]
        if "source" in p and p["source"] not in LEAD_SOURCES:
            errors["source"] = [f"{p['source']} is not a valid choice."]
        return errors

    # ----------------------------------------------------------------- ground truth

    def lead_by_slug(self, slug: str) -> Record | None:
        """The current lead with a slug, if any.

        Args:
            slug: The slug.

        Returns:
            The lead or None.
        """
        match = re.fullmatch(r"lead-[0-9a-f]+-(\d+)", slug)
        if not match:
            return None
        try:
            table = self.tables["leads"]
            with table.lock:
                lead = table.render(table.index_for(match.group(1)))
        except UnknownRecordError:
            return None
        return lead if lead["slug"] == slug else None

    def leads_truth(self) -> dict[str, str]:
        """Every lead the user sees, by slug, with own / assigned / both.

        Returns:
            ``{slug: relation}``.
        """
        out = {}
        for record in self._current_leads():
            relation = self.data.relation(record)
            if relation:
                out[str(record["slug"])] = relation
        return out

    def overview(self) -> dict[str, t.Any]:
        """The overview the API answers now (counts of the user's leads and appointments).

        Returns:
            The overview.
        """
        leads = [r for r in self._current_leads() if self.data.relation(r)]
        relations = Counter(self.data.relation(r) for r in leads)
        appointments = list(self.records("appointments"))
        return {
            "total_leads": len(leads),
            "own_leads": relations["own"] + relations["both"],
            "assigned_leads": relations["assigned"] + relations["both"],
            "lead_status": dict(sorted(Counter(str(r["status"]) for r in leads).items())),
            "total_appointments": len(appointments),
            "appointment_status": dict(
                sorted(Counter(str(r["appointment_status"]) for r in appointments).items())
            ),
        }

    def control_routes(self) -> dict[tuple[str, str], Callable[[], t.Any]]:
        """``GET /_sim/truth/leads/slugs`` (``leads_truth``) and ``GET /_sim/truth/overview``.

        Returns:
            The routes.
        """
        return {("GET", "truth/leads/slugs"): self.leads_truth,
                ("GET", "truth/overview"): self.overview}  # fmt: skip
