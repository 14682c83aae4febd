"""dlt's ``rest_api`` source into DuckDB, reading the same contact pages as the tap.

Run with the benchmark's own dlt environment (``.venv-dlt/bin/python``, see
``benchmarks.harness.ensure_dlt``), not the project's: ``python benchmarks/dlt_pipeline.py URL
WORKDIR``, with the API key in ``EB_API_KEY`` (and ``EB_DLT_WRITE_DISPOSITION=merge`` to merge
by id as the project's loader does, instead of dlt's default, append). It prints
``{"rows": N}`` (the contacts in the warehouse) when done.

The paginator reads the cursor from the last record of each page and sends it back in the POST
form body (``cursor=...``), as the tap does: none of dlt's built-in paginators does that.
"""

from __future__ import annotations

import json
import os
import sys
import typing as t
from pathlib import Path

import dlt
import duckdb
from dlt.sources.helpers.rest_client.paginators import BasePaginator
from dlt.sources.rest_api import rest_api_source

if t.TYPE_CHECKING:
    from requests import Request, Response


class LastRecordCursor(BasePaginator):  # type: ignore[misc]
    """The next page's cursor is the ``cursor`` field of this page's last record."""

    def __init__(self) -> None:
        """Start before the first page."""
        super().__init__()
        self.cursor: str | None = None

    def update_state(self, response: Response, data: list[t.Any] | None = None) -> None:  # noqa: ARG002
        """Take the cursor from the page just read.

        Args:
            response: The response.
            data: The page's records.
        """
        self.cursor = data[-1].get("cursor") if data else None
        self._has_next_page = bool(self.cursor)

    def update_request(self, request: Request) -> None:
        """Send the cursor in the form body.

        Args:
            request: The next request.
        """
        request.data = {**(request.data or {}), "cursor": self.cursor}


def main(argv: list[str]) -> int:
    """Run the pipeline once into ``WORKDIR/dlt.duckdb``.

    Args:
        argv: ``[URL, WORKDIR]``.

    Returns:
        The exit code.
    """
    url, workdir = argv[0], Path(argv[1])
    source = rest_api_source(
        {
            "client": {
                "base_url": f"{url}/dev/api/panel/",
                "headers": {
                    "Authorization": os.environ["EB_API_KEY"],
                    "Accept": "application/json",
                },
                "paginator": LastRecordCursor(),
            },
            "resources": [
                {
                    "name": "contacts",
                    "primary_key": "id",
                    # dlt's default (append): the tap's loader merges by id, which costs more
                    "write_disposition": os.environ.get("EB_DLT_WRITE_DISPOSITION", "append"),
                    "endpoint": {
                        "path": "subscribers",
                        "method": "POST",
                        "data": {"page_size": 100, "sort_key": "created_time"},
                        "data_selector": "$",
                    },
                }
            ],
        }
    )
    warehouse = workdir / "dlt.duckdb"
    pipeline = dlt.pipeline(
        pipeline_name="engagebay_bench",
        pipelines_dir=str(workdir / "dlt-pipelines"),
        destination=dlt.destinations.duckdb(str(warehouse)),
        dataset_name="engagebay",
    )
    pipeline.run(source, loader_file_format="jsonl")
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        row = con.execute("SELECT count(*) FROM engagebay.contacts").fetchone()
    finally:
        con.close()
    print(json.dumps({"rows": int(row[0]) if row else 0}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
