-- ActiveCampaign deals: pipeline `group`, stage the title of stage id `stage`; won or lost by
-- the deal's status (0 open, 1 won, 2 lost; any other code leaves it open); the value in units
-- (the tap divides the API's cents), the currency upper-cased (`usd` -> `USD`); probability
-- `percent` / 100 (clamped to 0..100 first). Contact `contact`, company `account`, owner
-- `owner`; the expected close date is `edate`. Custom deal fields are the cf_* columns.
{%- if crm_source_present('activecampaign', ['deals']) %}
{%- set raw = source('activecampaign', 'deals') %}
{%- set has_stages = crm_source_present('activecampaign', ['deal_stages']) %}
select
    deals.id as deal_id,
    deals.title as deal_name,
    deals."group" as pipeline_id,
    {% if has_stages %}stages.title{% else %}cast(null as {{ dbt.type_string() }}){% endif %} as stage_name,
    case deals.status when 0 then 'open' when 1 then 'won' when 2 then 'lost' else 'open' end as deal_status,
    deals.status as status_code,
    deals.stage as stage_id,
    deals.value as amount,
    upper(nullif(trim(deals.currency), '')) as currency,
    least(greatest(cast(deals.percent as double precision), 0), 100) / 100.0 as deal_probability,
    nullif(deals.owner, 0) as owner_id,
    nullif(deals.contact, 0) as contact_id,
    nullif(coalesce(deals.account, deals.organization), 0) as company_id,
    {{ utc('deals.edate') }} as close_date,
    {{ utc('deals.cdate') }} as created_at,
    {{ utc('coalesce(deals.mdate, deals.cdate)') }} as updated_at,
    deals.description
    {{- select_columns(columns_starting_with(raw, ['cf_']), 'deals') }}
from {{ raw }} as deals
{%- if has_stages %}
left join {{ source('activecampaign', 'deal_stages') }} as stages
    on stages.id = deals.stage and stages.{{ not_deleted() }}
{%- endif %}
where deals.{{ not_deleted() }}
{%- else %}
{{ crm_absent_source() }}
{%- endif %}
