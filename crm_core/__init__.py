"""What every CRM tap of this project shares, one job per module.

- ``http``: the base REST stream (auth hook, headers, HTTPS rule, sending through the gate,
  the SDK's ``request_decorator``/``backoff_wait_generator``, a retry line naming the request
  sent (``retry_line``), ``CONNECT_TRIES``: a run whose ``api_url`` never answered stops
  naming it (``url_hint``, ``unreachable_message``), ``records_of``, ``write_activate_version``);
  the redaction filter that keeps secrets out of every log handler.
- ``errors``: the exception classes and ``classify``, the pure table from an answer to data,
  retry, clean stop or failure.
- ``retry``: backoff waits with Retry-After and the caps (``max_retries``, ...).
- ``settings``: settings every tap declares alike (``api_url``, secrets, ``page_size``, the
  run's own: ``user_agent``, concurrency, retries), and short forms for the rest.
- ``run_control``: the run-wide request gate, stop flag and thread pool, handed to streams.
- ``pagination``: the last-record cursor paginator and its repeated-cursor guard.
- ``prefetch``: reads started before they are needed (a page chain, independent calls), bounded,
  and a pool serving the stream being written first.
- ``children``: a parent page's child lists read ahead, handed out per parent in order.
- ``run_files``: Meltano's run files (settings with secrets) made private at start-up.
- ``incremental``: pure readers over page iterators (resumable full read, changed-since).
- ``page_paging``: the page-number reader (``page``/``limit`` over bare arrays, first page 0 or
  1 found out, a silent cap on the limit, a repeated page taken for the end).
- ``custom_fields``: custom-field column naming, the stable mapping, typed value parsing.
- ``conform``: records to their schemas, with ``extra_fields`` for what does not fit.
- ``columns``: column types shared by stream schemas.
- ``isolation``: one failing stream does not cost the others (a stream's ``isolated_errors``
  go to its ``stream_failed``); the quota stop (exit 75).
- ``token_auth``: a bearer token, given or from a login, renewed once on a 401 (an SDK
  authenticator and the stream that repeats the refused request).
- ``rate_limit``: no more than N requests in any one-second window, across streams and threads
  (a slot is held until a second after its answer; hooked into ``run_control``'s gate).
- ``offset_paging``: ``limit``/``offset`` over envelopes (records under a key, ``meta.total``
  as a string), on the SDK's offset paginator.
- ``forbidden``: the 403 policy of APIs whose 403s are not all about credentials (stop on a
  refused key, retry the others a few times, then fail the stream).
- ``selection``: the SDK's per-record selection pass, skipped when nothing is deselected.
- ``usage``: a user's mistake in the settings, state or catalog refused in one line naming it
  (a required setting not set, a ``start_date`` that is not a date, a state or catalog file
  that is not JSON, a bookmark of the wrong shape, a stream the tap does not have).
- ``pipe``: the message writer (records in ~64 KiB batches, any other message after the
  records before it); a loader that stopped reading ends the tap with one line.
"""
