-- Agile CRM companies (type COMPANY) with their typed custom fields (cf_*).
{%- if crm_source_present('agilecrm', ['companies']) %}
{%- set raw = source('agilecrm', 'companies') %}
select
    id as company_id,
    name as company_name,
    coalesce(url, website) as website,
    phone,
    {{ json_text('owner', 'id') }} as owner_id,
    lead_score as score,
    star_value,
    {{ utc('created_time') }} as created_at,
    {{ utc('updated_time') }} as updated_at
    {{- select_columns(columns_starting_with(raw, ['cf_'])) }}
from {{ raw }}
where {{ not_deleted() }}
{%- else %}
{{ crm_absent_source() }}
{%- endif %}
