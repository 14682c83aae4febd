"""The test harness every source's tests share; a source's own test folder adds only its specifics.

- ``pipeline``: run a tap alone, or piped into the DuckDB loader (one schema per source), and
  read what it left: its messages and state, the warehouse's tables (``Source`` names a tap's
  executable and schema).
- ``simulators``: the pytest fixtures that start a small simulated account and stop it.
- ``scale``: a simulator's large account in flat memory, and its command line.
"""
