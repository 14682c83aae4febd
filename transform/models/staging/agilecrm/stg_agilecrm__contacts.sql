-- Agile CRM contacts (type PERSON) with their SYSTEM property columns and typed custom fields
-- (cf_*); the owner is the embedded owner object, the company contact_company_id.
{%- if crm_source_present('agilecrm', ['contacts']) %}
{%- set raw = source('agilecrm', 'contacts') %}
select
    id as contact_id,
    first_name,
    last_name,
    nullif(trim(concat(coalesce(first_name, ''), ' ', coalesce(last_name, ''))), '') as full_name,
    email,
    phone,
    nullif(contact_company_id, '') as company_id,
    {{ json_text('owner', 'id') }} as owner_id,
    lead_score as score,
    star_value,
    company as company_name,
    title,
    website,
    tags,
    {{ utc('created_time') }} as created_at,
    {{ utc('updated_time') }} as updated_at
    {{- select_columns(columns_starting_with(raw, ['cf_'])) }}
from {{ raw }}
where {{ not_deleted() }}
{%- else %}
{{ crm_absent_source() }}
{%- endif %}
