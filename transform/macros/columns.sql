{#- The columns of a relation whose names start with one of `prefixes`, as a list of names in
    table order (empty while dbt only parses). Used to carry the account's typed custom-field
    columns (cf_*), which differ from one EngageBay account to the next. -#}
{% macro columns_starting_with(relation, prefixes) -%}
  {%- if not execute -%}{{ return([]) }}{%- endif -%}
  {%- set names = [] -%}
  {%- for column in adapter.get_columns_in_relation(relation) -%}
    {%- for prefix in prefixes -%}
      {%- if column.name.startswith(prefix) and column.name not in names -%}
        {%- do names.append(column.name) -%}
      {%- endif -%}
    {%- endfor -%}
  {%- endfor -%}
  {{ return(names) }}
{%- endmacro %}

{#- `, "a", "b"` for a list of column names (nothing for an empty list), with an optional
    relation alias. -#}
{% macro select_columns(names, alias=none) -%}
  {%- for name in names -%}
    , {% if alias %}{{ alias }}.{% endif %}{{ adapter.quote(name) }}
  {%- endfor -%}
{%- endmacro %}
