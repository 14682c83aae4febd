"""The EngageBay tap: settings, the stream list, and what streams share."""

from __future__ import annotations

import typing as t
from concurrent.futures import Future
from functools import cached_property

from singer_sdk import Tap
from singer_sdk import typing as th
from singer_sdk.exceptions import ConfigValidationError
from singer_sdk.singerlib import StateMessage

from crm_core.errors import (
    GLOBAL_ERRORS,
    QuotaExhaustedError,
    StreamsFailedError,
    endpoint_of,
    status_of,
)
from crm_core.http import SAFE_URL_PATTERN
from crm_core.isolation import run_cli
from crm_core.pipe import write_pending_records
from crm_core.retry import RETRY_SETTINGS
from crm_core.tap_base import CRMTap, frozen_heap
from crm_core.usage import check_catalog, check_state, read_json
from tap_engagebay.client import deprecated_settings
from tap_engagebay.streams import CUSTOM_SCOPES, STREAM_TYPES, UnpagedStream

if t.TYPE_CHECKING:
    from tap_engagebay.client import EngageBayStream

DEFAULT_API_URL = "https://app.engagebay.com"
#: A number written as text: how Meltano passes a `kind: string` setting.
NUMBER = r"^[0-9]+(\.[0-9]+)?$"
LOOKUP_SCHEMA: dict[str, t.Any] = {"type": "object", "properties": {}}
#: What streams share, read once per run: deal tracks and custom field definitions.
LOOKUPS: tuple[tuple[str, str], ...] = (
    ("tracks", "/tracks"),
    *((f"customfields:{scope}", f"/customfields/list/{scope}") for scope in CUSTOM_SCOPES),
)


def api_key_of(config: t.Mapping[str, t.Any]) -> str:
    """The ``api_key`` setting without surrounding whitespace (a header cannot carry it).

    Args:
        config: The tap's settings.

    Returns:
        The key, or "" when unset.
    """
    return str(config.get("api_key") or "").strip()


class TapEngageBay(CRMTap):
    """Singer tap for EngageBay CRM.

    On the core's ``CRMTap``: its secrets and ``redact``, ``run_control`` (request gate, stop
    flag, pool) and ``progress``; the SDK's sync loop, each stream isolated by the core
    (``crm_core.isolation``). EngageBay keeps its own settings checks, its failure report (a
    failed stream is told with its endpoint and how to deselect it) and its shared lookups.
    """

    default_url = DEFAULT_API_URL

    name = "tap-engagebay"
    #: msgspec writes the Singer messages several times faster than the default encoder; a
    #: loader that stops reading ends the run with one line (crm_core.pipe).
    #: Answers of the shared lookups known in advance (for offline schema generation).
    known_lookups: t.ClassVar[dict[str, list[dict[str, t.Any]]]] = {}

    config_jsonschema = th.PropertiesList(
        th.Property(
            "api_key",
            th.StringType(min_length=1),
            required=True,
            secret=True,
            title="API key",
            description="EngageBay REST API key (Account Settings -> API -> REST API Key). "
            "Sent raw in the Authorization header. Paid (Pro) plans only.",
        ),
        th.Property(
            "api_url",
            th.StringType(pattern=SAFE_URL_PATTERN),
            default=DEFAULT_API_URL,
            title="API URL",
            description="Root of the API; the tap calls {api_url}/dev/api/panel/... "
            "HTTPS only (plain HTTP is accepted for loopback hosts, i.e. the simulator).",
        ),
        th.Property(
            "start_date",
            th.DateTimeType,
            description="Skip records last modified before this time on the first sync; "
            "calendar events are read from here (default 2015-01-01).",
        ),
        th.Property(
            "page_size",
            th.IntegerType(minimum=1, maximum=100),
            default=100,
            description="Records per page (the API allows at most 100).",
        ),
        th.Property("user_agent", th.StringType, description="User-Agent header to send."),
        th.Property(
            "date_format",
            th.StringType,
            default="DD/MM/YYYY",
            description="The account's date format (EngageBay: Preferences -> Date format), "
            "used to read DATE custom fields, e.g. DD/MM/YYYY, MM/DD/YYYY, YYYY-MM-DD.",
        ),
        th.Property(
            "keep_raw_properties",
            th.BooleanType,
            default=True,
            description="Keep each record's raw properties array in a `properties` column. "
            "When false, only properties that did not fit a typed column are kept there.",
        ),
        th.Property(
            "lookback_window",
            th.IntegerType(minimum=0),
            default=600,
            description="Seconds before the bookmark that incremental syncs read again.",
        ),
        th.Property(
            "reconcile",
            th.BooleanType,
            default=False,
            description="Full pass (the nightly job): read every list in full, and every "
            "contact's notes and call logs, as FULL_TABLE with ACTIVATE_VERSION, so the loader "
            "marks records deleted in EngageBay (_sdc_deleted_at). Costs a full read.",
        ),
        th.Property(
            "events_window_days",
            th.IntegerType(minimum=1),
            default=30,
            description="Days per calendar-events request window.",
        ),
        th.Property(
            "events_lookback_days",
            th.IntegerType(minimum=0),
            default=30,
            description="Days of calendar events re-read before the bookmark.",
        ),
        th.Property(
            "events_lookahead_days",
            th.IntegerType(minimum=0),
            default=90,
            description="Days of upcoming calendar events read past now.",
        ),
        th.Property(
            "max_concurrent_requests",
            th.IntegerType(minimum=1, maximum=16),
            default=4,
            description="Requests in flight at once, across all streams: each stream's first "
            "pages, pages ahead of the one being written, calendar windows and each contact's "
            "notes and call logs are read concurrently. 1 reads strictly one request after "
            "another.",
        ),
        *RETRY_SETTINGS,
        th.Property(
            "retry_wait_base_ms",
            th.IntegerType(minimum=0),
            description="Deprecated, use retry_wait_base (seconds): the first retry wait in "
            "milliseconds. When set, it is used, with a warning.",
        ),
    ).to_dict()

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:  # noqa: ANN401
        """Validate the URL and hide the key from every log handler.

        Args:
            args: As for the SDK's Tap.
            kwargs: As for the SDK's Tap.

        Raises:
            ConfigValidationError: When ``api_url`` is not safe.
        """
        self._lookups: dict[str, t.Any] = dict(self.known_lookups)
        # The SDK sets up its mapper (which reads every stream's schema) before it loads the
        # state; custom-field columns depend on the state, so the mapper comes after it.
        setup_mapper = kwargs.pop("setup_mapper", True)
        super().__init__(*args, setup_mapper=False, **kwargs)
        if setup_mapper:
            self.setup_mapper()

    @cached_property
    def secret_values(self) -> tuple[str, ...]:
        """The key as set and as sent (without surrounding whitespace)."""
        raw = str(self.config.get("api_key") or "")
        return tuple(dict.fromkeys(v for v in (raw, api_key_of(self.config)) if v))

    def _validate_config(self, *, raise_errors: bool = True) -> list[str]:
        """Validate the settings, saying in words why an ``api_url`` is refused.

        The JSON schema already refuses a clear-text remote URL (before any request is made);
        this replaces its regular-expression message with one a person can act on.

        Args:
            raise_errors: Raise on errors (the SDK's contract).

        Returns:
            The errors.

        Raises:
            ConfigValidationError: When there are errors and ``raise_errors``.
        """
        try:
            # The core's checks: the JSON schema, the HTTPS rule in words (and metrics quiet).
            errors = super()._validate_config(raise_errors=True)
        except ConfigValidationError as exc:
            errors = list(exc.errors)
        if errors and raise_errors:
            summary = "Config validation failed"
            raise ConfigValidationError(summary, errors=errors)
        for warning in deprecated_settings(self.config):
            self.logger.warning("%s", warning)
        return errors

    def setup_mapper(self) -> None:
        """Set up the SDK's mapper once the streams have taken the input catalog.

        The streams rename the custom-field columns of an input catalog to this run's
        (``PropertiesMixin.apply_catalog``); the mapper, which writes the SCHEMA messages,
        must read the catalog after that.
        """
        if self.input_catalog is not None:
            _ = self.streams
        super().setup_mapper()

    @classmethod
    def invoke(  # type: ignore[override]
        cls,
        *,
        about: bool = False,
        about_format: str | None = None,
        config: t.Any = None,  # noqa: ANN401 - the SDK's private _ConfigInput
        state: t.IO[str] | None = None,
        catalog: t.IO[str] | None = None,
    ) -> None:
        """Run a sync as the SDK does; on an exhausted quota, save the state first.

        Args:
            about: Display package metadata and settings.
            about_format: Output style for ``--about``.
            config: Configuration inputs.
            state: A state file.
            catalog: A catalog file.

        Raises:
            QuotaExhaustedError: After writing the state reached so far.
            StreamsFailedError: Some streams failed; every other one synced to its end.
        """
        if about or config is None:
            super().invoke(
                about=about, about_format=about_format, config=config, state=state, catalog=catalog
            )
            return
        super(Tap, cls).invoke(about=about, about_format=about_format)  # --about, version
        cls.print_version(print_fn=cls.logger.info)
        state_dict = None if state is None else check_state(read_json(state, "State"), state)
        catalog_dict = None if catalog is None else read_json(catalog, "Catalog")
        if catalog is not None:
            known = [str(vars(stream_type)["name"]) for stream_type in STREAM_TYPES]
            check_catalog(catalog_dict, catalog, known, cls.name)
        tap = cls(
            config=config.config,
            state=state_dict,
            catalog=catalog_dict,
            parse_env_config=config.parse_env,
            validate_config=True,
        )
        tap.warm_up()
        try:
            with frozen_heap():
                tap.sync_all()
        except QuotaExhaustedError as exc:
            # Records already written are matched by the state reached with them: the
            # initial sync's resume cursor, or the untouched bookmarks of an incremental one.
            tap.finish_sync(exc)
            tap.write_message(StateMessage(value=tap.state))
            raise
        except BaseException as exc:
            tap.finish_sync(exc)
            raise
        finally:
            write_pending_records(tap.message_writer)
        tap.finish_sync()
        report = tap.failure_report()
        if report:
            # Printed outside logging (and its redacting filter): redacted here.
            raise StreamsFailedError(tap.redact(report))

    def failure_report(self) -> str:
        """One line per stream that failed in this run, then a summary (empty when none did).

        Returns:
            The lines: the stream, the endpoint, what it answered, how to deselect it.
        """
        lines = []
        streams = list(self.streams.values())
        for stream in streams:
            error = stream.failure  # type: ignore[attr-defined]
            if error is None:
                continue
            parent = next((p for p in streams if type(p) is stream.parent_stream_type), None)
            if parent is not None and parent.failure is error:  # type: ignore[attr-defined]
                continue  # told on its parent's line
            children = [c.name for c in stream.child_streams if c.failure is error]  # type: ignore[attr-defined]
            also = f" (and its child streams {', '.join(children)})" if children else ""
            endpoint = endpoint_of(error)
            # Not an answer (e.g. a record the tap could not handle): the error says what.
            cause = f"{endpoint} answered {status_of(error)}" if endpoint else repr(error)
            lines.append(
                f"stream {stream.name}{also} failed: {cause}; "
                f"to stop syncing it: meltano select {self.name} --exclude {stream.name} '*' "
                f"(select pattern !{stream.name}.*)"
            )
        if lines:
            selected = [s for s in streams if s.selected]
            failed = [s for s in selected if s.failure is not None]  # type: ignore[attr-defined]
            lines.append(
                f"{len(failed)} of {len(selected)} selected streams failed; the other "
                f"{len(selected) - len(failed)} synced to the end and their state is saved. "
                "The next run reads the failed ones again from their saved state."
            )
        return "\n".join(lines)

    def warm_up(self) -> None:
        """Start the first requests of every selected stream, once, before the sync begins.

        The SDK syncs streams one after another; their reads are independent, so with a
        thread pool each stream's first pages (and the calendar windows, and the unpaged
        lists) are requested now and wait, bounded, until the stream's turn comes.
        """
        if self._warmed or self.run_control.pool is None:
            return
        self._warmed = True
        for stream in self.streams.values():
            if stream.selected and not stream.parent_stream_type:
                try:
                    stream.warm_up()  # type: ignore[attr-defined]
                except Exception as exc:
                    # E.g. the deal tracks could not be read: the stream meets the same error
                    # at its turn, and fails alone then.
                    if isinstance(exc, GLOBAL_ERRORS):
                        raise
                    self.logger.warning("Could not start reading %s early: %s", stream.name, exc)

    _warmed = False

    def finish_sync(self, error: BaseException | None = None) -> None:
        """Cancel whatever was read ahead and not used, and stop the threads.

        Args:
            error: What ended the sync, if it failed: requests still queued or retrying
                then stop at their next attempt instead of being waited for.
        """
        if error is not None:
            self.run_control.halt(error)
        for stream in self.streams.values():
            stream.close_readers()  # type: ignore[attr-defined]
        self.run_control.shutdown(failed=error is not None)
        self._warmed = False

    def discover_streams(self) -> list[EngageBayStream]:
        """Every stream; nothing is fetched until a schema or a record is needed.

        Returns:
            The streams.
        """
        streams = [stream_type(tap=self) for stream_type in STREAM_TYPES]
        if self.config.get("reconcile"):
            for stream in streams:
                stream.forced_replication_method = "FULL_TABLE"
        return streams

    # ---- lookups shared between streams (one request each per run) -------------------------

    def _lookup(self, key: str, path: str) -> list[dict[str, t.Any]]:
        if key not in self._lookups:
            pool = self.run_control.pool
            if pool is not None:
                # The first lookup asks for all of them at once: they are independent.
                for other, other_path in LOOKUPS:
                    if other not in self._lookups:
                        self._lookups[other] = pool.submit(self._read_lookup, other, other_path)
            else:
                self._lookups[key] = self._read_lookup_now(key, path)
        found = self._lookups.get(key)
        if found is None:
            found = self._lookups[key] = self._read_lookup_now(key, path)
        if isinstance(found, Future):
            try:
                found = self._lookups[key] = found.result()
            except Exception as exc:
                # Only what ends the run stops the other lookups; any other failure is the
                # failure of the streams that need this one (the future keeps the error).
                if isinstance(exc, GLOBAL_ERRORS):
                    self._stop_lookups(exc)
                raise
        records: list[dict[str, t.Any]] = found
        return records

    def _read_lookup_now(self, key: str, path: str) -> Future[list[dict[str, t.Any]]]:
        """Read a lookup on this thread; its answer or its failure, kept like a pool's."""
        done: Future[list[dict[str, t.Any]]] = Future()
        try:
            done.set_result(self._read_lookup(key, path))
        except Exception as exc:  # noqa: BLE001 - kept, and raised to every stream that needs it
            done.set_exception(exc)
        return done

    def _stop_lookups(self, error: Exception) -> None:
        """A lookup failed and ends the run: the others stop at their next attempt."""
        self.run_control.halt(error)
        for value in self._lookups.values():
            if isinstance(value, Future):
                value.cancel()

    def _read_lookup(self, key: str, path: str) -> list[dict[str, t.Any]]:
        reader = UnpagedStream(tap=self, name=f"lookup:{key}", schema=LOOKUP_SCHEMA, path=path)
        payload, _ = reader.fetch(None)
        return reader.records_of(payload, path)

    def track_records(self) -> list[dict[str, t.Any]]:
        """The deal tracks (``GET /tracks``), fetched once."""
        return self._lookup(*LOOKUPS[0])

    def tracks(self) -> list[int]:
        """Ids of every deal track."""
        ids = []
        for track in self.track_records():
            try:
                ids.append(int(track["id"]))
            except (KeyError, TypeError, ValueError):
                self.logger.warning("Ignoring a deal track without a usable id: %r", track)
        return ids

    def custom_field_definitions(self, scope: str) -> list[dict[str, t.Any]]:
        """Custom field definitions of CONTACT, DEAL, COMPANY or TICKET, fetched once.

        Args:
            scope: The entity type.

        Returns:
            The definitions.
        """
        return self._lookup(f"customfields:{scope}", f"/customfields/list/{scope}")


def main() -> None:
    """Run the command line: exit 75 on a used-up quota, 1 with one line per failure."""
    run_cli(TapEngageBay, "tap-engagebay")
