"""MeltanoLabs target-postgres 0.8.1, with `format: date-time` columns as timestamptz."""
