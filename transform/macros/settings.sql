{#- The reference time for "overdue", as a SQL timestamp (UTC, without time zone): the var
    `as_of`, else the env var DBT_AS_OF (the utilities' as_of setting), else the time this dbt
    run started. -#}
{% macro as_of_timestamp() -%}
  {%- set value = var('as_of', none) or env_var('DBT_AS_OF', '') -%}
  {%- if not value -%}
    {%- set value = run_started_at.strftime('%Y-%m-%d %H:%M:%S') -%}
  {%- endif -%}
  cast('{{ value }}' as timestamp)
{%- endmacro %}

{#- A loaded date-time column as a UTC timestamp without time zone, whatever the loader made of
    it: target-duckdb writes timestamptz; target-postgres writes timestamptz or, in some versions,
    timestamp holding UTC. Both sessions run in UTC (the DuckDB profile sets TimeZone, the
    dbt-postgres utility sets PGTZ), so a timestamp without zone is read as UTC here. -#}
{% macro utc(column) -%}
  {{ return(adapter.dispatch('utc')(column)) }}
{%- endmacro %}
{% macro default__utc(column) -%}
  (cast({{ column }} as timestamp with time zone) at time zone 'UTC')
{%- endmacro %}

{#- Keep only the rows the last reconcile run saw (not soft-deleted). -#}
{% macro not_deleted() -%}
  _sdc_deleted_at is null
{%- endmacro %}

{#- A text column holding 'yyyy-mm-dd HH:MM' (or with seconds), no time zone, as a timestamp
    without zone, the wall-clock time as written; null when it is not in that shape. -#}
{% macro text_timestamp(column) -%}
  {{ return(adapter.dispatch('text_timestamp')(column)) }}
{%- endmacro %}
{% macro duckdb__text_timestamp(column) -%}
  coalesce(try_strptime(trim({{ column }}), '%Y-%m-%d %H:%M'), try_strptime(trim({{ column }}), '%Y-%m-%d %H:%M:%S'))
{%- endmacro %}
{% macro postgres__text_timestamp(column) -%}
  case when trim({{ column }}) ~ '^\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?$'
      then cast(trim({{ column }}) as timestamp) end
{%- endmacro %}
