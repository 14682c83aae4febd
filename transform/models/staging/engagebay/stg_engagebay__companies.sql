-- EngageBay companies, with their typed custom fields (cf_*).
{%- if crm_source_present('engagebay', ['companies']) %}
{%- set raw = source('engagebay', 'companies') %}
{%- set present = columns_starting_with(raw, ['phone', 'website']) | select('in', ['phone', 'website']) | list %}
select
    id as company_id,
    name as company_name,
    {% if 'website' in present %}coalesce(url, website){% else %}url{% endif %} as website,
    {% if 'phone' in present %}phone{% else %}cast(null as {{ dbt.type_string() }}){% endif %} as phone,
    owner_id,
    score,
    {{ utc('created_time') }} as created_at,
    {{ utc('updated_time') }} as updated_at
    {{- select_columns(columns_starting_with(raw, ['cf_'])) }}
from {{ raw }}
where {{ not_deleted() }}
{%- else %}
{{ crm_absent_source() }}
{%- endif %}
