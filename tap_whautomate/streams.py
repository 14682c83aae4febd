"""The Whautomate contacts stream: a full read each run, page by page, with typed custom fields."""

from __future__ import annotations

import typing as t
from functools import cached_property

from singer_sdk import typing as th
from singer_sdk.authenticators import APIKeyAuthenticator
from singer_sdk.exceptions import FatalAPIError, RetriableAPIError

from crm_core.columns import TEXT, columns, json_array, json_object, schema
from crm_core.custom_fields import columns_for_run
from crm_core.errors import BadRequestError, NotFoundError, UnreachableHostError, Vocabulary
from crm_core.http import CRMStream
from crm_core.page_paging import PageNumberReader
from tap_whautomate.fields import CustomColumns

if t.TYPE_CHECKING:
    from collections.abc import Iterable

    from singer_sdk.helpers.types import Context

VOCABULARY = Vocabulary(
    vendor="Whautomate",
    credentials_hint="Check the `api_key` setting (the key Whautomate shows for API access) "
    "and that `api_url` is your account's region (India accounts: "
    "https://api.in.whautomate.com).",
    quota_markers=("limit exceeded", "quota exceeded", "limit reached"),
    auth_markers=("forbidden", "unauthorized", "invalid api key"),
    quota_hint="The sync stopped and marked nothing deleted; the next run reads the contacts "
    "again from the start.",
)
#: The setting ``first_page`` -> the reader's ``first_page`` (None: find out).
FIRST_PAGE = {"auto": None, "0": 0, "1": 1}


class WhautomateStream(CRMStream):
    """Base of the Whautomate streams: ``{api_url}/v1``, the key in ``x-api-key``."""

    vocabulary = VOCABULARY
    api_prefix = "/v1"
    paging_keys = frozenset()
    url_hint = " (https://api.whautomate.com, or https://api.in.whautomate.com for India accounts)"

    @cached_property
    def authenticator(self) -> APIKeyAuthenticator:
        """The API key in the ``x-api-key`` header (never in a URL)."""
        return APIKeyAuthenticator(key="x-api-key", value=str(self.config["api_key"]))


class ContactsStream(WhautomateStream):
    """Contacts (``GET /v1/contacts?page=&limit=``), read in full each run.

    Contacts carry no timestamps, so there is no bookmark: every run reads the whole list
    (with the filters set) and sends ACTIVATE_VERSION only once it was read to its end, so a
    loader marks deleted exactly the rows that complete read did not see. A run stopped
    midway marks nothing deleted; the next run reads the whole list again.
    """

    name = "contacts"
    path = "/contacts"
    epoch_seconds_fields = ()
    resume_note = "Contacts are read in full each run: an interrupted run reads them again."
    base_columns: t.ClassVar[list[th.Property[t.Any]]] = [
        th.Property("id", TEXT),
        *columns("name", "phoneNumber", "stage", "notes", kind=TEXT),
        th.Property("location", json_object()),
        th.Property("tags", json_array()),
        th.Property("customFields", json_object()),
    ]

    @property
    def emit_activate_version_messages(self) -> bool:
        """Always: each run is a full read, and absent from a complete one means deleted."""
        return True

    def list_params(self, context: Context | None) -> dict[str, t.Any]:  # noqa: ARG002
        """The filters the document lists, when set.

        Args:
            context: Unused.

        Returns:
            ``locationId``, ``tags`` and ``channel``.
        """
        settings = {"locationId": "location_id", "tags": "tags", "channel": "channel"}
        return {param: self.config[key] for param, key in settings.items() if self.config.get(key)}

    def reader(self) -> PageNumberReader:
        """A reader of the whole list, one page per request.

        Returns:
            The reader.
        """

        def fetch(number: int, limit: int) -> list[dict[str, t.Any]]:
            payload, _ = self.fetch(None, extra={"page": number, "limit": limit})
            self.progress.page()
            return self.records_of(payload)

        return PageNumberReader(
            fetch,
            limit=self.page_size,
            first_page=FIRST_PAGE[str(self.config.get("first_page", "auto"))],
            warn=lambda message: self.logger.warning("%s: %s", self.name, message),
            note=lambda message: self.logger.info("%s: %s", self.name, message),
            page_zero_errors=(BadRequestError, NotFoundError),
        )

    def get_records(self, context: Context | None) -> Iterable[dict[str, t.Any]]:  # noqa: ARG002
        """Every contact, page by page, to the end of the list.

        Args:
            context: None.

        Yields:
            Raw contacts.
        """
        for page in self.reader().pages():
            yield from page.records
        self.note_late_fields()
        self.log_value_problems()

    # ---- typed custom fields ---------------------------------------------------------

    @cached_property
    def fields(self) -> CustomColumns:
        """This run's ``cf_`` columns: the state's, then those of a first page's values."""

        def build(known: dict[str, dict[str, t.Any]] | None) -> CustomColumns:
            sample = [r.get("customFields") for r in self.sample()]
            return CustomColumns(
                reserved=[p.name for p in self.base_columns] + ["extra_fields"],
                known=known,
                sample=[s for s in sample if isinstance(s, dict)],
            )

        return columns_for_run(self.stream_state, self.name, self.logger, build)

    def sample(self) -> list[dict[str, t.Any]]:
        """The first page of the list, read for the custom fields' names and types.

        Returns:
            Raw contacts (none when the page cannot be read: the state's columns serve).
        """
        try:
            first = next(iter(self.reader().pages()), None)
        except UnreachableHostError:
            raise
        except (FatalAPIError, RetriableAPIError) as exc:
            self.logger.warning(
                "%s: could not read a first page to type custom fields (%s); the columns of "
                "earlier runs serve, other fields stay in customFields",
                self.name,
                self.redact(str(exc)),
            )
            return []
        return first.records if first else []

    def note_late_fields(self) -> None:
        """Say which custom fields (or types) appeared after the schema was sent."""
        late = sorted(self.fields.late)
        if late:
            self.logger.warning(
                "%s: %d custom fields (or values of a new type) appeared after the schema was "
                "sent (%s); their values are in customFields this run, and get typed columns "
                "from the next run on",
                self.name,
                len(late),
                ", ".join(f"{name} ({kind})" for name, kind in late[:10]),
            )

    @cached_property
    def schema(self) -> dict[str, t.Any]:
        """Record columns, then one typed column per custom field and type."""
        base = schema(self.base_columns)
        base["properties"].update(self.fields.schema_properties())
        return base

    def post_process(
        self, row: dict[str, t.Any], context: Context | None = None
    ) -> dict[str, t.Any] | None:
        """Fit the contact to the schema, then add its typed custom fields.

        Args:
            row: The raw contact.
            context: Unused.

        Returns:
            The record.
        """
        record = super().post_process(row, context)
        if record is None:
            return None
        record.update(self.fields.flatten(row.get("customFields")))
        return record


STREAM_TYPES: tuple[type[WhautomateStream], ...] = (ContactsStream,)
