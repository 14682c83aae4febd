-- ActiveCampaign accounts (companies) with their typed custom fields (cf_*). Accounts carry no
-- phone in the API.
{%- if crm_source_present('activecampaign', ['accounts']) %}
{%- set raw = source('activecampaign', 'accounts') %}
select
    id as company_id,
    name as company_name,
    nullif("accountUrl", '') as website,
    cast(null as {{ dbt.type_string() }}) as phone,
    nullif(owner, 0) as owner_id,
    "contactCount" as contact_count,
    "dealCount" as deal_count,
    {{ utc('"createdTimestamp"') }} as created_at,
    {{ utc('"updatedTimestamp"') }} as updated_at
    {{- select_columns(columns_starting_with(raw, ['cf_'])) }}
from {{ raw }}
where {{ not_deleted() }}
{%- else %}
{{ crm_absent_source() }}
{%- endif %}
