-- The deal funnel: every stage of every pipeline of every source, in stage order, with its
-- deals (count, amount, weighted amount); stages without deals are kept, with zeros.
with per_stage as (
    select
        stage_key,
        count(*) as deal_count,
        sum(amount) as total_amount,
        sum(weighted_amount) as weighted_amount
    from {{ ref('crm_deals') }}
    where stage_key is not null
    group by stage_key
)

select
    stages.stage_key,
    stages.source,
    stages.pipeline_key,
    stages.pipeline_id,
    stages.pipeline_name,
    stages.stage_position,
    stages.stage_name,
    stages.is_won,
    stages.is_lost,
    stages.stage_probability,
    coalesce(per_stage.deal_count, 0) as deal_count,
    coalesce(per_stage.total_amount, 0) as total_amount,
    coalesce(per_stage.weighted_amount, 0) as weighted_amount,
    sum(coalesce(per_stage.deal_count, 0)) over (partition by stages.pipeline_key) as pipeline_deal_count,
    sum(coalesce(per_stage.total_amount, 0)) over (partition by stages.pipeline_key) as pipeline_amount
from {{ ref('crm_pipeline_stages') }} as stages
left join per_stage on per_stage.stage_key = stages.stage_key
