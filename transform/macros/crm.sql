{#- The one CRM model: how per-source staging models become the crm_* marts.

    A source feeds a mart `crm_<entity>` with a staging model `stg_<source>__<entity>` that has
    the columns crm_contract(entity) names (source-native ids, any type: the union casts them),
    and is registered in dbt_project.yml (var crm_sources: the entities it feeds). The union adds
    `source` and the keys (`<source>:<id>`), and leaves out every staging model whose raw tables
    are absent (the model is then a stub, see crm_absent_source). See transform/README.md. -#}

{#- The columns each staging model provides for a mart, as (name, type); and the keys the union
    builds from them: key column -> the columns it joins after the source name. -#}
{% macro crm_contract(entity) -%}
  {%- set contracts = {
    'owners': {
      'keys': {'owner_key': ['owner_id']},
      'columns': [
        ('owner_id', 'string'), ('owner_name', 'string'), ('owner_email', 'string'),
        ('is_admin', 'boolean'),
      ],
    },
    'contacts': {
      'keys': {'contact_key': ['contact_id'], 'company_key': ['company_id'],
               'owner_key': ['owner_id']},
      'columns': [
        ('contact_id', 'string'), ('first_name', 'string'), ('last_name', 'string'),
        ('full_name', 'string'), ('email', 'string'), ('phone', 'string'),
        ('company_id', 'string'), ('owner_id', 'string'), ('score', 'integer'),
        ('created_at', 'timestamp'), ('updated_at', 'timestamp'),
      ],
    },
    'companies': {
      'keys': {'company_key': ['company_id'], 'owner_key': ['owner_id']},
      'columns': [
        ('company_id', 'string'), ('company_name', 'string'), ('website', 'string'),
        ('phone', 'string'), ('owner_id', 'string'), ('created_at', 'timestamp'),
        ('updated_at', 'timestamp'),
      ],
    },
    'pipeline_stages': {
      'keys': {'stage_key': ['pipeline_id', 'stage_position'], 'pipeline_key': ['pipeline_id']},
      'columns': [
        ('pipeline_id', 'string'), ('pipeline_name', 'string'), ('stage_position', 'integer'),
        ('stage_name', 'string'), ('is_won', 'boolean'), ('is_lost', 'boolean'),
        ('stage_probability', 'float'),
      ],
    },
    'deals': {
      'keys': {'deal_key': ['deal_id'], 'pipeline_key': ['pipeline_id'],
               'owner_key': ['owner_id'], 'contact_key': ['contact_id'],
               'company_key': ['company_id']},
      'columns': [
        ('deal_id', 'string'), ('deal_name', 'string'), ('pipeline_id', 'string'),
        ('stage_name', 'string'), ('deal_status', 'string'), ('amount', 'numeric'), ('currency', 'string'),
        ('deal_probability', 'float'), ('owner_id', 'string'), ('contact_id', 'string'),
        ('company_id', 'string'), ('close_date', 'timestamp'), ('created_at', 'timestamp'),
        ('updated_at', 'timestamp'),
      ],
    },
    'activities': {
      'keys': {'activity_key': ['kind', 'activity_id'], 'contact_key': ['contact_id'],
               'deal_key': ['deal_id'], 'ticket_key': ['ticket_id'], 'owner_key': ['owner_id']},
      'columns': [
        ('activity_id', 'string'), ('kind', 'string'), ('activity_type', 'string'),
        ('subject', 'string'), ('body', 'string'), ('contact_id', 'string'),
        ('deal_id', 'string'), ('ticket_id', 'string'), ('owner_id', 'string'),
        ('occurred_at', 'timestamp'), ('due_at', 'timestamp'), ('status', 'string'),
        ('is_completed', 'boolean'),
      ],
    },
    'tickets': {
      'keys': {'ticket_key': ['ticket_id'], 'contact_key': ['contact_id'],
               'owner_key': ['owner_id']},
      'columns': [
        ('ticket_id', 'string'), ('subject', 'string'), ('status', 'string'),
        ('priority', 'string'), ('ticket_type', 'string'), ('contact_id', 'string'),
        ('owner_id', 'string'), ('created_at', 'timestamp'), ('updated_at', 'timestamp'),
      ],
    },
  } -%}
  {%- if entity not in contracts -%}
    {{ exceptions.raise_compiler_error("crm_contract: no mart crm_" ~ entity ~ "; the entities are " ~ (contracts.keys() | join(', '))) }}
  {%- endif -%}
  {{ return(contracts[entity]) }}
{%- endmacro %}

{#- The SQL type of a contract type. -#}
{% macro crm_type(name) -%}
  {%- if name == 'string' -%}{{ dbt.type_string() }}
  {%- elif name == 'integer' -%}{{ dbt.type_bigint() }}
  {%- elif name == 'float' -%}double precision
  {%- elif name == 'numeric' -%}{{ dbt.type_numeric() }}
  {%- elif name == 'boolean' -%}{{ dbt.type_boolean() }}
  {%- elif name == 'timestamp' -%}{{ dbt.type_timestamp() }}
  {%- else -%}{{ exceptions.raise_compiler_error("crm_type: unknown type " ~ name) }}
  {%- endif -%}
{%- endmacro %}

{#- The sources registered for a mart's entity, in registration order. -#}
{% macro crm_sources_of(entity) -%}
  {%- set names = [] -%}
  {%- for source_name, entities in var('crm_sources', {}).items() -%}
    {%- if entity in entities -%}{%- do names.append(source_name) -%}{%- endif -%}
  {%- endfor -%}
  {{ return(names) }}
{%- endmacro %}

{#- True when every raw table a staging model reads exists (always true while dbt parses, so
    that dbt sees every source() the model may use). -#}
{% macro crm_source_present(source_name, tables) -%}
  {%- if not execute -%}{{ return(true) }}{%- endif -%}
  {%- for table in tables -%}
    {%- set raw = source(source_name, table) -%}
    {%- if adapter.get_relation(database=raw.database, schema=raw.schema, identifier=raw.identifier) is none -%}
      {{ return(false) }}
    {%- endif -%}
  {%- endfor -%}
  {{ return(true) }}
{%- endmacro %}

{#- What a staging model is when its source is absent: an empty view with one marker column;
    the marts leave it out. -#}
{% macro crm_absent_source() -%}
  select cast(null as {{ dbt.type_string() }}) as crm_absent_source where 1 = 0
{%- endmacro %}

{#- The source's name, then the key's columns, joined with ':' (null when one is null). -#}
{% macro crm_key(source_name, columns) -%}
  '{{ source_name }}'
  {%- for column in columns %} || ':' || cast({{ column }} as {{ dbt.type_string() }}){% endfor -%}
{%- endmacro %}

{#- One entity's rows from every source present: `source`, the keys, then the contract's
    columns, cast to their types. A staging model of an absent source is left out; with no source
    present the result is empty, with the same columns. -#}
{% macro crm_union(entity) -%}
  {%- set contract = crm_contract(entity) -%}
  {%- set parts = [] -%}
  {%- for source_name in crm_sources_of(entity) -%}
    {%- set staging = ref('stg_' ~ source_name ~ '__' ~ entity) -%}
    {%- if execute -%}
      {%- set relation = adapter.get_relation(database=staging.database, schema=staging.schema, identifier=staging.identifier) -%}
      {%- set names = [] -%}
      {%- if relation is not none -%}
        {%- for column in adapter.get_columns_in_relation(relation) -%}
          {%- do names.append(column.name | lower) -%}
        {%- endfor -%}
      {%- endif -%}
      {%- if names and 'crm_absent_source' not in names -%}
        {%- for name, type in contract['columns'] -%}
          {%- if name not in names -%}
            {{ exceptions.raise_compiler_error(staging.identifier ~ " has no column " ~ name ~ ": a staging model feeding crm_" ~ entity ~ " provides every column of crm_contract('" ~ entity ~ "') (transform/README.md)") }}
          {%- endif -%}
        {%- endfor -%}
        {%- do parts.append((source_name, staging)) -%}
      {%- endif -%}
    {%- endif -%}
  {%- endfor -%}
  {%- for source_name, staging in parts %}
    {%- if not loop.first %}
union all
    {%- endif %}
select
    cast('{{ source_name }}' as {{ dbt.type_string() }}) as source
    {%- for key, columns in contract['keys'].items() %},
    {{ crm_key(source_name, columns) }} as {{ key }}
    {%- endfor %}
    {%- for name, type in contract['columns'] %},
    cast({{ name }} as {{ crm_type(type) }}) as {{ name }}
    {%- endfor %}
from {{ staging }}
  {%- else %}
select
    cast(null as {{ dbt.type_string() }}) as source
    {%- for key in contract['keys'] %},
    cast(null as {{ dbt.type_string() }}) as {{ key }}
    {%- endfor %}
    {%- for name, type in contract['columns'] %},
    cast(null as {{ crm_type(type) }}) as {{ name }}
    {%- endfor %}
where 1 = 0
  {%- endfor %}
{%- endmacro %}
