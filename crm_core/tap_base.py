"""What every tap of the project adds to the SDK's Tap: secrets, run controls, isolation, progress.

A tap subclasses ``CRMTap``, names its secret settings and its URL setting, and lists its
streams; the run's ``RunControl`` is created here and handed to each stream.
"""

from __future__ import annotations

import contextlib
import gc
import typing as t
from functools import cached_property

from singer_sdk import Tap
from singer_sdk.exceptions import ConfigValidationError
from singer_sdk.singerlib import StateMessage

from crm_core.errors import QuotaExhaustedError, UnsafeURLError
from crm_core.http import check_api_url, install_redaction, redact
from crm_core.isolation import raise_if_failed
from crm_core.pipe import LoaderAwareWriter, write_pending_records
from crm_core.progress import Progress, quiet_sdk_metrics
from crm_core.run_control import RunControl
from crm_core.usage import (
    check_catalog,
    check_state,
    missing_setting,
    read_json,
    start_date_problem,
)

if t.TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from singer_sdk.streams import Stream

    from crm_core.http import CRMStream


@contextlib.contextmanager
def frozen_heap() -> Iterator[None]:
    """Keep the objects of the built tap out of the garbage collector's passes during a sync.

    The SDK, its imports and the tap's schemas are ~130,000 objects that live all run; each
    full pass of the collector (the decoded pages trigger them) scanned them all again: ~8% of
    the tap's CPU. ``gc.collect`` first, so only live objects are frozen; ``gc.unfreeze`` at the
    end, so a tap run inside a longer process (tests) is collectable again afterwards.
    """
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


class CRMTap(Tap):
    """Base of every tap: redacted logs, one ``RunControl`` per run, isolated streams."""

    #: Settings whose values must never show (keys, passwords, user names).
    #: Records written in batches; a loader that stopped reading ends the tap with one line.
    message_writer_class = LoaderAwareWriter
    secret_settings: t.ClassVar[tuple[str, ...]] = ("api_key",)
    #: The setting holding the API's root URL, and its default.
    url_setting: t.ClassVar[str] = "api_url"
    default_url: t.ClassVar[str] = ""

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:  # noqa: ANN401
        """Validate, then hide the secrets from every log handler.

        Args:
            args: As for the SDK's Tap.
            kwargs: As for the SDK's Tap.
        """
        super().__init__(*args, **kwargs)
        install_redaction(self.secret_values, self.logger)

    @cached_property
    def secret_values(self) -> tuple[str, ...]:
        """The values of the secret settings, and what is derived from them (tokens)."""
        return tuple(str(self.config[k]) for k in self.secret_settings if self.config.get(k))

    def redact(self, text: str) -> str:
        """Remove the secrets from a text.

        Args:
            text: Any text.

        Returns:
            The text, secrets replaced.
        """
        return redact(text, self.secret_values)

    @property
    def api_root(self) -> str:
        """The API's root URL: the URL setting, else the default (formatted with the settings).

        Returns:
            The URL, not yet checked.
        """
        configured = self.config.get(self.url_setting)
        if configured:
            return str(configured)
        try:
            return self.default_url.format(**self.config)
        except (KeyError, IndexError):
            return ""

    @cached_property
    def run_control(self) -> RunControl:
        """The run's request gate, stop flag and pool (``max_concurrent_requests``)."""
        return RunControl(int(self.config.get("max_concurrent_requests", 4)), name=self.name)

    @cached_property
    def progress(self) -> Progress:
        """Progress lines and summaries of the streams (see ``crm_core.progress``)."""
        return Progress(self.logger)

    #: The tap's stream classes, in the order the catalog lists them.
    stream_types: t.ClassVar[tuple[type[CRMStream], ...]] = ()

    def discover_streams(self) -> Sequence[Stream]:
        """One stream of each of ``stream_types``; nothing is fetched until it is needed.

        Returns:
            The streams.
        """
        return [stream_type(tap=self) for stream_type in self.stream_types]

    def extra_config_errors(self) -> list[str]:
        """Checks of the settings beyond their JSON schema (taps override this).

        Returns:
            One line per problem, naming the setting and what to do.
        """
        return []

    def _validate_config(self, *, raise_errors: bool = True) -> list[str]:
        """Validate the settings, saying in words why a URL is refused.

        Args:
            raise_errors: Raise on errors (the SDK's contract).

        Returns:
            The errors.

        Raises:
            ConfigValidationError: When there are errors and ``raise_errors``.
        """
        # The SDK has just set its metrics logger's level; discovery's first requests follow.
        quiet_sdk_metrics(self.metrics_logger)
        errors = [
            missing_setting(self.name, self.redact(e))
            for e in super()._validate_config(raise_errors=False)
        ]
        errors += self.extra_config_errors()
        start = self.config.get("start_date")
        if start and not any("start_date" in e for e in errors):
            errors += filter(None, [start_date_problem(start)])
        if self.api_root:
            try:
                check_api_url(self.api_root, self.url_setting)
            except UnsafeURLError as exc:
                errors = [e for e in errors if f"config['{self.url_setting}']" not in e]
                errors.append(str(exc))
        if errors and raise_errors:
            summary = "Config validation failed: " + "; ".join(errors)
            raise ConfigValidationError(summary, errors=errors)
        return errors

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
        """Run a sync as the SDK does; on a used-up quota, write the state reached first.

        Args:
            about: Display package metadata and settings.
            about_format: Output style for ``--about``.
            config: Configuration inputs.
            state: A state file.
            catalog: A catalog file.

        Raises:
            QuotaExhaustedError: After writing the state reached so far.
        """
        if about or config is None:
            super().invoke(
                about=about, about_format=about_format, config=config, state=state, catalog=catalog
            )
            return
        super(Tap, cls).invoke(about=about, about_format=about_format)
        cls.print_version(print_fn=cls.logger.info)
        # A state or catalog the tap cannot use is refused in one line, before any request.
        state_dict = None if state is None else check_state(read_json(state, "State"), state)
        catalog_dict = None if catalog is None else read_json(catalog, "Catalog")
        tap = cls(
            config=config.config,
            state=state_dict,
            catalog=catalog_dict,
            parse_env_config=config.parse_env,
            validate_config=True,
        )
        if catalog is not None:
            check_catalog(catalog_dict, catalog, tap.streams, tap.name)
        try:
            with frozen_heap():
                tap.sync_all()
        except QuotaExhaustedError:
            # The records written are matched by the state reached with them: a first
            # sync's resume cursor, or the untouched bookmarks of an incremental one.
            tap.write_message(StateMessage(value=tap.state))
            raise
        finally:
            write_pending_records(tap.message_writer)
            tap.run_control.shutdown(failed=tap.run_control.stop_error is not None)
        raise_if_failed(tap)


class CustomColumnsTap(CRMTap):
    """A tap whose streams' custom-field columns are partly remembered in the state.

    The SDK sets up its mapper (which reads every schema) before it loads the state; here it
    is set up after, so a schema holds the columns of earlier runs.
    """

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:  # noqa: ANN401
        """Set up the mapper once the state is loaded.

        Args:
            args: As for the SDK's Tap.
            kwargs: As for the SDK's Tap.
        """
        setup_mapper = kwargs.pop("setup_mapper", True)
        super().__init__(*args, setup_mapper=False, **kwargs)
        if setup_mapper:
            self.setup_mapper()
