-- EngageBay contacts ("subscribers"), with their SYSTEM property columns and typed custom fields
-- (cf_*). The first of companyIds is the contact's company.
{%- if crm_source_present('engagebay', ['contacts']) %}
{%- set raw = source('engagebay', 'contacts') %}
{%- set system_properties = ['phone', 'role', 'website', 'country'] %}
{%- set present = columns_starting_with(raw, system_properties) | select('in', system_properties) | list %}
select
    id as contact_id,
    firstname as first_name,
    lastname as last_name,
    fullname as full_name,
    email,
    {% if 'phone' in present %}phone{% else %}cast(null as {{ dbt.type_string() }}){% endif %} as phone,
    {{ json_text_at('"companyIds"', 0) }} as company_id,
    owner_id,
    score,
    status as subscription_status,
    {{ utc('created_time') }} as created_at,
    {{ utc('updated_time') }} as updated_at
    {{- select_columns(present | reject('equalto', 'phone') | list) }}
    {{- select_columns(columns_starting_with(raw, ['cf_'])) }}
from {{ raw }}
where {{ not_deleted() }}
{%- else %}
{{ crm_absent_source() }}
{%- endif %}
