-- Deals with their pipeline (track) and stage (milestone): stage order, won/lost flags, the
-- stage's probability and the weighted amount (amount x stage probability).
select
    deals.deal_id,
    deals.deal_name,
    deals.track_id,
    tracks.track_name as pipeline_name,
    deals.stage_name,
    stages.stage_position,
    coalesce(stages.is_won, false) as is_won,
    coalesce(stages.is_lost, false) as is_lost,
    not coalesce(stages.is_won or stages.is_lost, false) as is_open,
    stages.probability as stage_probability,
    deals.deal_probability,
    deals.amount,
    deals.amount * stages.probability as weighted_amount,
    deals.currency_type,
    deals.owner_id,
    owners.owner_name,
    owners.owner_email,
    deals.close_date,
    deals.created_at,
    deals.updated_at
from {{ ref('stg_deals') }} as deals
left join {{ ref('stg_tracks') }} as tracks on tracks.track_id = deals.track_id
left join {{ ref('stg_milestones') }} as stages
    on stages.track_id = deals.track_id and stages.stage_name = deals.stage_name
left join {{ ref('stg_owners') }} as owners on owners.owner_id = deals.owner_id
