-- Agile CRM deals ("opportunities"): the stage is the milestone within the deal's pipeline,
-- the amount expected_value; probability is 0 to 100 (clamped, then 0 to 1). Agile CRM deals
-- carry no currency (the account has one) and no company; the contact is the first of
-- contact_ids. Custom data fields are the cf_* columns. A deal without a pipeline (id 0 or
-- none) is in the default track, as the API's own listings take it.
{%- if crm_source_present('agilecrm', ['deals']) %}
{%- set raw = source('agilecrm', 'deals') %}
{%- set has_tracks = crm_source_present('agilecrm', ['tracks']) %}
select
    deals.id as deal_id,
    name as deal_name,
    {% if has_tracks %}coalesce(nullif(pipeline_id, 0), default_track.id){% else %}pipeline_id{% endif %} as pipeline_id,
    milestone as stage_name,
    cast(null as {{ dbt.type_string() }}) as deal_status,
    expected_value as amount,
    cast(null as {{ dbt.type_string() }}) as currency,
    least(greatest(cast(probability as double precision), 0), 100) / 100.0 as deal_probability,
    coalesce(cast(owner_id as {{ dbt.type_string() }}), {{ json_text('owner', 'id') }}) as owner_id,
    {{ json_text_at('contact_ids', 0) }} as contact_id,
    cast(null as {{ dbt.type_string() }}) as company_id,
    {{ utc('close_date') }} as close_date,
    {{ utc('created_time') }} as created_at,
    {{ utc('updated_time') }} as updated_at,
    archived,
    description
    {{- select_columns(columns_starting_with(raw, ['cf_'])) }}
from {{ raw }} as deals
{%- if has_tracks %}
cross join (
    select min(id) as id
    from {{ source('agilecrm', 'tracks') }}
    where "isDefault" and {{ not_deleted() }}
) as default_track
{%- endif %}
where deals.{{ not_deleted() }}
{%- else %}
{{ crm_absent_source() }}
{%- endif %}
