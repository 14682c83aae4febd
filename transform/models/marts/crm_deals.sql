-- Deals of every source present, with pipeline, stage (position, won/lost/open), amount,
-- currency, probability (the deal's own, else its stage's), the weighted amount (amount x
-- probability while open; all of it once won, nothing once lost) and owner. Won or lost comes
-- from the deal's own status where the source has one (deal_status: ActiveCampaign), else from
-- its stage. A deal whose stage is not one of its pipeline's has no stage_key (a warning test)
-- and, without a status, counts as open.
with deals as (
{{ crm_union('deals') }}
),

pipelines as (
    select pipeline_key, max(pipeline_name) as pipeline_name
    from {{ ref('crm_pipeline_stages') }}
    group by pipeline_key
),

outcomes as (
    select
        deals.*,
        stages.stage_key,
        stages.stage_position,
        stages.stage_probability,
        case
            when deals.deal_status is not null then deals.deal_status = 'won'
            else coalesce(stages.is_won, false)
        end as is_won,
        case
            when deals.deal_status is not null then deals.deal_status = 'lost'
            else coalesce(stages.is_lost, false)
        end as is_lost
    from deals
    left join {{ ref('crm_pipeline_stages') }} as stages
        on stages.pipeline_key = deals.pipeline_key and stages.stage_name = deals.stage_name
)

select
    deals.source,
    deals.deal_key,
    deals.deal_id,
    deals.deal_name,
    deals.pipeline_key,
    pipelines.pipeline_name,
    deals.stage_key,
    deals.stage_name,
    deals.stage_position,
    deals.is_won,
    deals.is_lost,
    not (deals.is_won or deals.is_lost) as is_open,
    deals.amount,
    deals.currency,
    coalesce(deals.deal_probability, deals.stage_probability) as probability,
    deals.deal_probability,
    deals.stage_probability,
    deals.amount * case
        when deals.is_won then 1
        when deals.is_lost then 0
        else coalesce(deals.deal_probability, deals.stage_probability)
    end as weighted_amount,
    deals.owner_key,
    owners.owner_name,
    owners.owner_email,
    deals.contact_key,
    deals.company_key,
    deals.close_date,
    deals.created_at,
    deals.updated_at
from outcomes as deals
left join pipelines on pipelines.pipeline_key = deals.pipeline_key
left join {{ ref('crm_owners') }} as owners on owners.owner_key = deals.owner_key
