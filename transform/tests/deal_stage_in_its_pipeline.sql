-- Every live deal sits in a stage of its own pipeline (milestoneLabelName among the track's
-- milestones); a failure means the funnel would miss deals.
select deals.deal_id, deals.track_id, deals.stage_name
from {{ ref('stg_deals') }} as deals
left join {{ ref('stg_milestones') }} as stages
    on stages.track_id = deals.track_id and stages.stage_name = deals.stage_name
where stages.track_id is null
