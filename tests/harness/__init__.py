"""The test harness every source's tests share; a source's own test folder adds only its specifics.

- ``pipeline``: run a tap alone, or piped into the DuckDB loader (one schema per source), and
  read what it left: its messages and state, the warehouse's tables (``Source`` names a tap's
  executable and schema); kill a running pipeline once a state is confirmed; bad settings.
- ``simulators``: the pytest fixtures that start a small simulated account and stop it.
- ``scale``: a simulator's large account in flat memory, and its command line.
- ``logs``: the ``captured`` fixture (a pytest plugin of tests/conftest.py), progress lines,
  metrics and resume notes of a tap's log and states.
"""
