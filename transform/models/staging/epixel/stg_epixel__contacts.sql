-- Epixel leads as contacts, keyed by slug (the id appointments refer to; the numeric id is kept
-- as lead_id). The owner is the lead's `owner` (its assignee is kept beside it); a lead's
-- status, source, location and message stay here. The API gives no created or changed time.
{%- if crm_source_present('epixel', ['leads']) %}
select
    slug as contact_id,
    id as lead_id,
    nullif(first_name, '') as first_name,
    nullif(last_name, '') as last_name,
    nullif(trim(concat(coalesce(first_name, ''), ' ', coalesce(last_name, ''))), '') as full_name,
    nullif(email, '') as email,
    nullif(phone, '') as phone,
    cast(null as {{ dbt.type_string() }}) as company_id,
    nullif(trim(owner), '') as owner_id,
    nullif(trim(assignee), '') as assignee,
    cast(null as {{ dbt.type_bigint() }}) as score,
    status as lead_status,
    source as lead_source,
    location,
    message,
    relation,
    cast(null as {{ dbt.type_timestamp() }}) as created_at,
    cast(null as {{ dbt.type_timestamp() }}) as updated_at
from {{ source('epixel', 'leads') }}
where {{ not_deleted() }}
{%- else %}
{{ crm_absent_source() }}
{%- endif %}
