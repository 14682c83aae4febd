-- The deal funnel: every stage of every pipeline in milestone order, with its deals (count,
-- value, weighted value); stages without deals are kept, with zeros.
with per_stage as (
    select
        track_id,
        stage_name,
        count(*) as deal_count,
        sum(amount) as total_amount,
        sum(weighted_amount) as weighted_amount
    from {{ ref('deals') }}
    group by track_id, stage_name
)

select
    {{ dbt.concat(["cast(stages.track_id as " ~ dbt.type_string() ~ ")", "'-'", "cast(stages.stage_position as " ~ dbt.type_string() ~ ")"]) }} as funnel_key,
    stages.track_id,
    tracks.track_name as pipeline_name,
    stages.stage_position,
    stages.stage_name,
    stages.is_won,
    stages.is_lost,
    stages.probability as stage_probability,
    coalesce(per_stage.deal_count, 0) as deal_count,
    coalesce(per_stage.total_amount, 0) as total_amount,
    coalesce(per_stage.weighted_amount, 0) as weighted_amount,
    sum(coalesce(per_stage.deal_count, 0)) over (partition by stages.track_id) as pipeline_deal_count,
    sum(coalesce(per_stage.total_amount, 0)) over (partition by stages.track_id) as pipeline_amount
from {{ ref('stg_milestones') }} as stages
inner join {{ ref('stg_tracks') }} as tracks on tracks.track_id = stages.track_id
left join per_stage
    on per_stage.track_id = stages.track_id and per_stage.stage_name = stages.stage_name
order by tracks.track_name, stages.track_id, stages.stage_position
