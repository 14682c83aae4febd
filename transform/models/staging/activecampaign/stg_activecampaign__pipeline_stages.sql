-- ActiveCampaign pipelines (deal groups) and their stages, in the stages' `order` (then id).
-- A stage is neither won nor lost: ActiveCampaign marks a deal won or lost by its own status,
-- whatever its stage (stg_activecampaign__deals.deal_status). Stages carry no probability.
{%- if crm_source_present('activecampaign', ['deal_stages']) %}
{%- set has_groups = crm_source_present('activecampaign', ['deal_groups']) %}
select
    stages."group" as pipeline_id,
    {% if has_groups %}groups.title{% else %}cast(null as {{ dbt.type_string() }}){% endif %} as pipeline_name,
    row_number() over (partition by stages."group" order by stages."order", stages.id) as stage_position,
    stages.title as stage_name,
    false as is_won,
    false as is_lost,
    cast(null as double precision) as stage_probability,
    stages.id as stage_id,
    {% if has_groups %}groups.currency{% else %}cast(null as {{ dbt.type_string() }}){% endif %} as pipeline_currency
from {{ source('activecampaign', 'deal_stages') }} as stages
{%- if has_groups %}
left join {{ source('activecampaign', 'deal_groups') }} as groups
    on groups.id = stages."group" and groups.{{ not_deleted() }}
{%- endif %}
where stages.{{ not_deleted() }}
{%- else %}
{{ crm_absent_source() }}
{%- endif %}
