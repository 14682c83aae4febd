"""What every CRM tap of this project shares, one job per module.

- ``http``: the base REST stream (auth hook, headers, HTTPS rule, sending through the gate);
  the redaction filter that keeps secrets out of every log handler.
- ``errors``: the exception classes and ``classify``, the pure table from an answer to data,
  retry, clean stop or failure.
- ``retry``: backoff waits with Retry-After and the caps (``max_retries``, ...).
- ``run_control``: the run-wide request gate, stop flag and thread pool, handed to streams.
- ``pagination``: the last-record cursor paginator and its repeated-cursor guard.
- ``incremental``: pure readers over page iterators (resumable full read, changed-since).
- ``custom_fields``: custom-field column naming, the stable mapping, typed value parsing.
- ``conform``: records to their schemas, with ``extra_fields`` for what does not fit.
- ``columns``: column types shared by stream schemas.
- ``isolation``: one failing stream does not cost the others; the quota stop (exit 75).
- ``selection``: the SDK's per-record selection pass, skipped when nothing is deselected.
- ``pipe``: the message writer; a loader that stopped reading ends the tap with one line.
"""
