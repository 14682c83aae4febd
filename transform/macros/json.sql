{#- One row per element of a JSON array column, with its 1-based position.
    Use as a FROM item: `from {{ source(...) }} as t cross join {{ json_array_elements('t.col') }}`
    gives columns `position` and `value` (JSON; read fields with json_text). -#}
{% macro json_array_elements(column) -%}
  {{ return(adapter.dispatch('json_array_elements')(column)) }}
{%- endmacro %}
{% macro duckdb__json_array_elements(column) -%}
  lateral (select cast(e.key as integer) + 1 as position, e.value from json_each({{ column }}) as e) as elements
{%- endmacro %}
{% macro postgres__json_array_elements(column) -%}
  lateral jsonb_array_elements(cast({{ column }} as jsonb)) with ordinality as elements(value, position)
{%- endmacro %}

{#- A field of a JSON object, as text. -#}
{% macro json_text(value, key) -%}
  {{ return(adapter.dispatch('json_text')(value, key)) }}
{%- endmacro %}
{% macro default__json_text(value, key) -%}
  ({{ value }} ->> '{{ key }}')
{%- endmacro %}

{#- The element at a 0-based position of a JSON array column, as text (null past its end). -#}
{% macro json_text_at(value, index) -%}
  {{ return(adapter.dispatch('json_text_at')(value, index)) }}
{%- endmacro %}
{% macro default__json_text_at(value, index) -%}
  ({{ value }} ->> {{ index }})
{%- endmacro %}
