-- Deals of every source present, with pipeline, stage (position, won/lost/open), amount,
-- currency, probability (the deal's own, else its stage's), the weighted amount (amount x
-- probability while open; all of it once won, nothing once lost) and owner. A deal whose stage is not one of its pipeline's has no stage_key
-- (a warning test) and counts as open.
with deals as (
{{ crm_union('deals') }}
),

pipelines as (
    select pipeline_key, max(pipeline_name) as pipeline_name
    from {{ ref('crm_pipeline_stages') }}
    group by pipeline_key
)

select
    deals.source,
    deals.deal_key,
    deals.deal_id,
    deals.deal_name,
    deals.pipeline_key,
    pipelines.pipeline_name,
    stages.stage_key,
    deals.stage_name,
    stages.stage_position,
    coalesce(stages.is_won, false) as is_won,
    coalesce(stages.is_lost, false) as is_lost,
    not coalesce(stages.is_won or stages.is_lost, false) as is_open,
    deals.amount,
    deals.currency,
    coalesce(deals.deal_probability, stages.stage_probability) as probability,
    deals.deal_probability,
    stages.stage_probability,
    deals.amount * case
        when stages.is_won then 1
        when stages.is_lost then 0
        else coalesce(deals.deal_probability, stages.stage_probability)
    end as weighted_amount,
    deals.owner_key,
    owners.owner_name,
    owners.owner_email,
    deals.contact_key,
    deals.company_key,
    deals.close_date,
    deals.created_at,
    deals.updated_at
from deals
left join pipelines on pipelines.pipeline_key = deals.pipeline_key
left join {{ ref('crm_pipeline_stages') }} as stages
    on stages.pipeline_key = deals.pipeline_key and stages.stage_name = deals.stage_name
left join {{ ref('crm_owners') }} as owners on owners.owner_key = deals.owner_key
