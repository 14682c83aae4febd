"""The EngageBay REST routes under ``/dev/api/panel/``, independent of the HTTP plumbing."""

from __future__ import annotations

import typing as t

from crm_sim.table import InvalidCursorError, UnknownRecordError
from engagebay_sim.data import CHILD_STREAMS, SCOPES
from engagebay_sim.store import SORT_KEYS

if t.TYPE_CHECKING:
    from engagebay_sim.config import SimConfig
    from engagebay_sim.store import Store

Params = dict[str, str]
Reply = tuple[int, t.Any]

MAX_PAGE_SIZE = 100
PAGED_PATHS = {
    "subscribers": "contacts",
    "companies": "companies",
    "deals": "deals",
    "tasks": "tasks",
    "tickets": "tickets",
    "products": "products",
}
SMALL_PATHS = {
    "tracks": "tracks",
    "users": "owners",
    "tags": "tags",
    "contactlist": "contact_lists",
    "forms": "forms",
}
INVALID_INPUT = {"error": "Invalid input. Please provide all the required fields."}
CURSOR_ERROR = {
    "error": "Internal Server Error",
    "message": "java.lang.IllegalArgumentException: Invalid cursor",
    "status": "500",
}


class BadRequestError(ValueError):
    """A 400: a missing or invalid parameter."""


def not_found(what: str = "Resource not found") -> Reply:
    """A 404 reply.

    Args:
        what: The message.

    Returns:
        ``(404, body)``.
    """
    return 404, {"error": what, "status": "404"}


class Api:
    """Answer API requests from the store."""

    def __init__(self, store: Store, config: SimConfig) -> None:
        """Bind to an account.

        Args:
            store: The account state.
            config: Its config.
        """
        self.store = store
        self.config = config

    def handle(self, method: str, route: str, params: Params, body: t.Any) -> Reply:  # noqa: ANN401
        """Answer one request.

        Args:
            method: HTTP method.
            route: Path after ``/dev/api/panel/``, without surrounding slashes.
            params: Query string and form parameters, merged.
            body: The decoded JSON body, if any.

        Returns:
            ``(status, JSON data)``.
        """
        try:
            return self._route(method, route.strip("/").split("/"), params, body)
        except BadRequestError:
            return 400, INVALID_INPUT
        except InvalidCursorError:
            return 500, CURSOR_ERROR
        except UnknownRecordError:
            return not_found()

    def _route(  # noqa: C901, PLR0911, PLR0912 - a flat routing table reads best
        self,
        method: str,
        parts: list[str],
        params: Params,
        body: t.Any,  # noqa: ANN401
    ) -> Reply:
        head, rest = parts[0], parts[1:]
        store = self.store
        if head in PAGED_PATHS:
            stream = PAGED_PATHS[head]
            if not rest and method in {"POST", "GET"}:
                return 200, self._page(stream, params)
            if head == "subscribers" and rest == ["update-partial"] and method == "PUT":
                return self._update_partial("contacts", body)
            if head == "subscribers" and rest == ["subscriber"] and method == "POST":
                return self._create("contacts", body)
            if len(rest) == 1 and method == "PUT" and rest[0] == "update-partial":
                return self._update_partial(stream, body)
            if len(rest) == 1 and rest[0].isdigit():
                if method == "GET":
                    return 200, store.render(stream, store.index_for(stream, rest[0]))
                if method == "DELETE":
                    store.delete(stream, rest[0])
                    return 204, None
            if len(rest) == 1 and method == "GET":
                raise BadRequestError(rest[0])
            return not_found()
        if head == "notes" and not rest and method == "GET":
            return 200, self._children("notes", params, ("parentId", "contact_id", "contactId"))
        if head == "call-logs" and not rest and method == "GET":
            keys = ("contact_id", "contactId", "parentId")
            return 200, self._children("call_logs", params, keys)
        if parts == ["calendar", "event", "list"] and method == "GET":
            return 200, self._events(params)
        if head in SMALL_PATHS and method == "GET":
            stream = SMALL_PATHS[head]
            if not rest:
                return 200, store.small(stream)
            if head == "users" and rest == ["profile", "user-info"]:
                return 200, {"name": self.config.user_name, "email": self.config.user_email}
            if head == "tracks" and len(rest) == 1:
                if not rest[0].isdigit():
                    raise BadRequestError(rest[0])
                return 200, store.render(stream, store.index_for(stream, rest[0]))
            return not_found()
        if head == "customfields":
            return self._custom_fields(method, rest, body)
        return not_found()

    # ----------------------------------------------------------------- listing params

    def _page_params(self, params: Params) -> tuple[int, str, str | None]:
        raw = params.get("page_size", "").strip()
        if raw:
            try:
                size = int(raw)
            except ValueError:
                raise BadRequestError(raw) from None
            if size < 1:
                raise BadRequestError(raw)
        else:
            size = self.config.default_page_size
        sort_key = params.get("sort_key", "").strip() or "created_time"
        if sort_key not in SORT_KEYS:
            raise BadRequestError(sort_key)
        if self.config.ignore_sort_key:
            sort_key = "created_time"
        return min(size, MAX_PAGE_SIZE), sort_key, params.get("cursor") or None

    def _page(self, stream: str, params: Params) -> list[dict[str, t.Any]]:
        size, sort_key, cursor = self._page_params(params)
        group = -1
        if stream == "deals":
            raw = params.get("track_id", "").strip()
            if raw:
                if not raw.isdigit():
                    raise BadRequestError(raw)
                try:
                    group = self.store.index_for("tracks", raw)
                except UnknownRecordError:
                    return []
            else:
                group = 0
        return self.store.page(stream, sort_key=sort_key, cursor=cursor, size=size, group=group)

    def _children(
        self, stream: str, params: Params, keys: tuple[str, ...]
    ) -> list[dict[str, t.Any]]:
        assert stream in CHILD_STREAMS  # noqa: S101 - internal invariant
        size, sort_key, cursor = self._page_params(params)
        raw = next((params[k].strip() for k in keys if params.get(k, "").strip()), "")
        if not raw:
            raise BadRequestError(stream)
        if not raw.isdigit():
            raise BadRequestError(raw)
        index = self.store.data.index_of("contacts", int(raw))
        if index < 0:
            return []
        return self.store.children(stream, index, sort_key=sort_key, cursor=cursor, size=size)

    def _events(self, params: Params) -> list[dict[str, t.Any]]:
        try:
            start = int(params["start_time"])
            end = int(params["end_time"])
        except (KeyError, ValueError):
            raise BadRequestError from None
        return self.store.events(start, end)

    # ----------------------------------------------------------------- writes

    def _update_partial(self, stream: str, body: t.Any) -> Reply:  # noqa: ANN401
        if not isinstance(body, dict) or "id" not in body:
            raise BadRequestError
        props = body.get("properties") or []
        values = {str(p["name"]): str(p.get("value", "")) for p in props if isinstance(p, dict)}
        fields = {k: v for k, v in body.items() if k not in {"id", "properties"}}
        return 200, self.store.update(stream, body["id"], properties=values, **fields)

    def _create(self, stream: str, body: t.Any) -> Reply:  # noqa: ANN401
        if not isinstance(body, dict):
            raise BadRequestError
        fields = {k: v for k, v in body.items() if k not in {"id", "properties", "tags"}}
        record = self.store.create(stream, **fields)[0]
        props = body.get("properties") or []
        if props:
            values = {str(p["name"]): str(p.get("value", "")) for p in props}
            rid = record["id"]
            updated = record.get("updated_time", 0)
            record = self.store.update(stream, rid, properties=values, updated_time=updated)
        return 200, record

    def _custom_fields(self, method: str, rest: list[str], body: t.Any) -> Reply:  # noqa: ANN401
        if method == "GET" and len(rest) == 2 and rest[0] == "list":  # noqa: PLR2004
            scope = rest[1].upper()
            if scope not in SCOPES:
                raise BadRequestError(scope)
            return 200, self.store.custom_fields(scope)
        if method == "POST" and not rest:
            if not isinstance(body, dict):
                raise BadRequestError
            try:
                field = self.store.add_custom_field(
                    str(body.get("scope", "")).upper(),
                    str(body["field_label"]),
                    str(body.get("field_type", "TEXT")).upper(),
                    str(body.get("field_data", "")),
                )
            except (KeyError, ValueError):
                raise BadRequestError from None
            return 200, field
        if method == "DELETE" and len(rest) == 2:  # noqa: PLR2004
            self.store.delete("custom_fields", rest[1])
            return 204, None
        return not_found()
