-- EngageBay deals: the stage is milestoneLabelName within the deal's track; currency_type is
-- "<code>-<symbol>" (e.g. USD-$), whose code is the currency; probability is 0 to 1. The first
-- of contact_ids and company_ids are the deal's contact and company.
{%- if crm_source_present('engagebay', ['deals']) %}
{%- set raw = source('engagebay', 'deals') %}
select
    id as deal_id,
    name as deal_name,
    track_id as pipeline_id,
    "milestoneLabelName" as stage_name,
    cast(null as {{ dbt.type_string() }}) as deal_status,
    amount,
    upper(trim({{ dbt.split_part('currency_type', "'-'", 1) }})) as currency,
    currency_type,
    probability as deal_probability,
    owner_id,
    {{ json_text_at('contact_ids', 0) }} as contact_id,
    {{ json_text_at('company_ids', 0) }} as company_id,
    {{ utc('closed_date') }} as close_date,
    {{ utc('created_time') }} as created_at,
    {{ utc('updated_time') }} as updated_at
    {{- select_columns(columns_starting_with(raw, ['cf_'])) }}
from {{ raw }}
where {{ not_deleted() }}
{%- else %}
{{ crm_absent_source() }}
{%- endif %}
