-- Whautomate contacts (the API's only records) with their typed custom fields (cf_*). A contact
-- has one name (full_name; first and last name null), a phone number, no e-mail, owner, company,
-- score or times; its stage, tags (JSON array), location (id and title) and notes stay here.
{%- if crm_source_present('whautomate', ['contacts']) %}
{%- set raw = source('whautomate', 'contacts') %}
select
    id as contact_id,
    cast(null as {{ dbt.type_string() }}) as first_name,
    cast(null as {{ dbt.type_string() }}) as last_name,
    nullif(trim(name), '') as full_name,
    cast(null as {{ dbt.type_string() }}) as email,
    nullif("phoneNumber", '') as phone,
    cast(null as {{ dbt.type_string() }}) as company_id,
    cast(null as {{ dbt.type_string() }}) as owner_id,
    cast(null as {{ dbt.type_bigint() }}) as score,
    cast(null as {{ dbt.type_timestamp() }}) as created_at,
    cast(null as {{ dbt.type_timestamp() }}) as updated_at,
    stage,
    tags,
    {{ json_text('location', 'id') }} as location_id,
    {{ json_text('location', 'title') }} as location_title,
    notes
    {{- select_columns(columns_starting_with(raw, ['cf_'])) }}
from {{ raw }}
where {{ not_deleted() }}
{%- else %}
{{ crm_absent_source() }}
{%- endif %}
