"""One class per Epixel resource: leads (own and assigned, each once), appointments, overview.

No answer in the document carries a created or changed time and no list takes a
changed-since filter, so every run reads each list in full; a list read completely is
followed by ACTIVATE_VERSION, so the loaders mark the rows that did not come back deleted.
The overview is a snapshot: one row per run, keyed by the time it was taken.
"""

from __future__ import annotations

import datetime as dt
import typing as t
from http import HTTPStatus
from urllib.parse import urlparse

from singer_sdk import typing as th
from singer_sdk.exceptions import FatalAPIError

from crm_core.columns import columns, json_object, schema
from crm_core.errors import Vocabulary
from crm_core.token_auth import TokenLogin, TokenRenewingStream
from tap_epixel.paging import Listing, read_listing

if t.TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping

    import requests
    from singer_sdk.helpers.types import Context

    from tap_epixel.tap import TapEpixel

ID, TEXT, TIME = th.IntegerType, th.StringType, th.DateTimeType
OWN, ASSIGNED, BOTH = "own", "assigned", "both"
VOCABULARY = Vocabulary(
    vendor="Epixel",
    credentials_hint="Check `api_key` (the apikey header) and `access_token`, or `username` "
    "and `password` (with `login_path` and `token_field` if your install differs).",
    quota_markers=("api limit exceeded", "quota exceeded"),
    auth_markers=("token_not_valid", "authentication credentials were not provided"),
)


class EpixelStream(TokenRenewingStream):
    """Base of every Epixel stream: ``{api_url}/{leads_path_prefix}/...``, apikey and token."""

    vocabulary = VOCABULARY
    allow_redirects = False
    #: The path after the leads prefix (``list/``).
    endpoint = ""
    #: Whether the last read of this stream was complete (deletions may then be inferred).
    complete = True

    def __init__(self, tap: TapEpixel, **kwargs: t.Any) -> None:  # noqa: ANN401
        """Take the run's shared token login from the tap.

        Args:
            tap: The tap.
            kwargs: As for the SDK's RESTStream.
        """
        super().__init__(tap=tap, **kwargs)
        self._login = tap.token_login

    @property
    def authenticator(self) -> TokenLogin:
        """The run's token login, shared by every stream."""
        return self._login

    @property
    def path(self) -> str:  # type: ignore[override]
        """``/{leads_path_prefix}/{endpoint}``."""
        prefix = str(self.config.get("leads_path_prefix", "leads")).strip("/")
        return f"/{prefix}/{self.endpoint}" if prefix else f"/{self.endpoint}"

    def validate_response(self, response: requests.Response) -> None:
        """Refuse a redirect (it could take the apikey elsewhere); then as the core does.

        Args:
            response: The answer.

        Raises:
            FatalAPIError: On a redirect.
        """
        if HTTPStatus.MULTIPLE_CHOICES <= response.status_code < HTTPStatus.BAD_REQUEST:
            where = urlparse(response.url).path
            target = response.headers.get("Location", "?")
            msg = (
                f"Epixel redirected {where} to {self.redact(target)}; set `api_url` to the "
                f"address it redirects to (the tap does not follow redirects with the apikey)."
            )
            raise FatalAPIError(msg)
        super().validate_response(response)

    def fetch_url(self, url: str, context: Context | None) -> t.Any:  # noqa: ANN401
        """GET an absolute URL of the API (a ``next`` link) and decode it.

        Args:
            url: The URL (its host checked by the caller).
            context: The partition (for metrics).

        Returns:
            The decoded body.
        """
        request = self.build_prepared_request(method="GET", url=url, headers=self.http_headers)
        response = self.send(request, context)
        return getattr(response, "crm_payload", None)

    def listing(
        self, context: Context | None, extra: Mapping[str, t.Any], listing: Listing, key: str
    ) -> Iterator[dict[str, t.Any]]:
        """Every record of this stream's list (with ``extra`` parameters).

        Args:
            context: The partition.
            extra: Parameters of the first request (``list_type``).
            listing: Filled in with whether the read was complete.
            key: The record key telling records apart.

        Returns:
            The records.
        """
        params = dict(extra)
        if self.config.get("page_size"):
            params["page_size"] = int(self.config["page_size"])
        first, _ = self.fetch(context, extra=params)
        self.progress.page()
        where = self.path + (f"?list_type={extra['list_type']}" if extra.get("list_type") else "")

        def fetch_next(url: str) -> t.Any:  # noqa: ANN401
            self.progress.page()
            return self.fetch_url(url, context)

        return read_listing(first, fetch_next, api_url=self.api_root, where=where,
                            listing=listing, warn=self.logger.warning, key=key)  # fmt: skip

    @property
    def emit_activate_version_messages(self) -> bool:
        """Full lists: ACTIVATE_VERSION after a complete read (see ``activate_pass``)."""
        return True

    def activate_pass(self) -> None:
        """Send ACTIVATE_VERSION only when the read was complete; otherwise say so."""
        if not self.complete:
            self.logger.warning(
                "%s: the read was not complete, so rows missing from it are not marked "
                "deleted this run",
                self.name,
            )
            return
        super().activate_pass()


class LeadsStream(EpixelStream):
    """Leads (``GET leads/list/``): the user's own and those assigned to them, each once.

    The assigned list (``list_type=assigned``) is read first and held by slug; then the own
    list, each lead written with ``relation`` ``both`` when it was in the assigned list too,
    else ``own``; then the assigned leads not in the own list, as ``assigned``.
    """

    name = "leads"
    endpoint = "list/"
    primary_keys: t.ClassVar[list[str]] = ["slug"]
    epoch_seconds_fields = ()
    schema = schema(
        th.Property("slug", TEXT, required=True),
        th.Property("id", ID),
        *columns("first_name", "last_name", "email", "phone", "status", "source", kind=TEXT),
        *columns("location", "message", "assignee", "owner", kind=TEXT),
        th.Property("relation", TEXT, description="own, assigned or both"),
    )

    def get_records(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        """Assigned leads held by slug, then own leads, then the assigned ones left.

        Args:
            context: None.

        Yields:
            Raw leads with ``relation``.
        """
        self.complete = True
        list_type = str(self.config.get("assigned_list_type", "assigned") or "")
        assigned: dict[str, dict[str, t.Any]] = {}
        no_slug = 0
        if list_type:
            read = Listing()
            for record in self.listing(context, {"list_type": list_type}, read, "slug"):
                slug = record.get("slug")
                if isinstance(slug, str) and slug:
                    assigned.setdefault(slug, record)
                else:
                    no_slug += 1
            self.complete &= read.complete
        read = Listing()
        own: set[str] = set()
        for record in self.listing(context, {}, read, "slug"):
            slug = record.get("slug")
            if not isinstance(slug, str) or not slug:
                no_slug += 1
                continue
            if slug in own:
                continue
            own.add(slug)
            relation = BOTH if assigned.pop(slug, None) is not None else OWN
            yield {**record, "relation": relation}
        self.complete &= read.complete
        for record in assigned.values():
            yield {**record, "relation": ASSIGNED}
        if no_slug:
            self.complete = False
            self.logger.warning(
                "leads: %d leads came without a slug and were not written (the slug is the "
                "key); deletions are not inferred this run",
                no_slug,
            )
        self.log_value_problems()


class AppointmentsStream(EpixelStream):
    """Appointments (``GET leads/appointments/list/``), each once by ``id``.

    ``appointment_date`` and ``appointment_to`` stay text: the document writes them
    ``yyyy-mm-dd HH:MM`` with no time zone.
    """

    name = "appointments"
    endpoint = "appointments/list/"
    epoch_seconds_fields = ()
    schema = schema(
        th.Property("id", ID, required=True),
        th.Property("slug", TEXT, description="The lead's slug"),
        *columns("appointment_date", "appointment_to", kind=TEXT),
        *columns("appointment_note", "appointment_status", kind=TEXT),
    )

    def get_records(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        """Every appointment once (``appointment_id`` taken as ``id`` when that is missing).

        Args:
            context: None.

        Yields:
            Raw appointments.
        """
        read = Listing()
        seen: set[str] = set()
        no_id = 0
        for record in self.listing(context, {}, read, "id"):
            if record.get("id") is None and record.get("appointment_id") is not None:
                record = {**record, "id": record["appointment_id"]}  # noqa: PLW2901
            if record.get("id") is None:
                no_id += 1
            elif str(record["id"]) not in seen:
                seen.add(str(record["id"]))
                yield record
        self.complete = read.complete and not no_id
        if no_id:
            self.logger.warning(
                "appointments: %d came without an id and were not written (the id is the "
                "key); deletions are not inferred this run",
                no_id,
            )
        self.log_value_problems()


class LeadOverviewStream(EpixelStream):
    """The lead overview (``GET leads/overview/``): one snapshot per run, with its time.

    Its shape is not in the document: the whole answer is kept in ``overview`` (JSON).
    Snapshots accumulate (no deletions), keyed by ``snapshot_time``.
    """

    name = "lead_overview"
    endpoint = "overview/"
    primary_keys: t.ClassVar[list[str]] = ["snapshot_time"]
    epoch_seconds_fields = ()
    schema = schema(
        th.Property("snapshot_time", TIME, required=True, description="When it was read (UTC)"),
        th.Property("overview", json_object()),
    )

    @property
    def emit_activate_version_messages(self) -> bool:
        """Snapshots are history: never replaced."""
        return False

    def get_records(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        """One snapshot.

        Args:
            context: None.

        Yields:
            The snapshot.
        """
        taken = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
        payload, _ = self.fetch(context)
        self.progress.page()
        overview = payload if isinstance(payload, dict) else {"value": payload}
        yield {"snapshot_time": taken, "overview": overview}


STREAM_TYPES: tuple[type[EpixelStream], ...] = (
    LeadsStream,
    AppointmentsStream,
    LeadOverviewStream,
)
