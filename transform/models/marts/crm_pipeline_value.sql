-- Pipeline value: per pipeline of every source, its deals and amounts, open (with the
-- probability-weighted open amount), won and lost. currency is the pipeline's deals' one
-- currency, 'mixed' when they have several (amounts are added as they are, not converted), null
-- when the source gives none.
with pipelines as (
    select source, pipeline_key, max(pipeline_id) as pipeline_id, max(pipeline_name) as pipeline_name
    from {{ ref('crm_pipeline_stages') }}
    group by source, pipeline_key
),

per_pipeline as (
    select
        pipeline_key,
        case
            when count(distinct currency) > 1 then 'mixed'
            else max(currency)
        end as currency,
        count(*) as deal_count,
        sum(amount) as total_amount,
        sum(case when is_open then 1 else 0 end) as open_deal_count,
        sum(case when is_open then amount else 0 end) as open_amount,
        sum(case when is_open then weighted_amount else 0 end) as weighted_open_amount,
        sum(case when is_won then 1 else 0 end) as won_deal_count,
        sum(case when is_won then amount else 0 end) as won_amount,
        sum(case when is_lost then 1 else 0 end) as lost_deal_count,
        sum(case when is_lost then amount else 0 end) as lost_amount
    from {{ ref('crm_deals') }}
    group by pipeline_key
)

select
    pipelines.pipeline_key,
    pipelines.source,
    pipelines.pipeline_id,
    pipelines.pipeline_name,
    per_pipeline.currency,
    coalesce(per_pipeline.deal_count, 0) as deal_count,
    coalesce(per_pipeline.total_amount, 0) as total_amount,
    coalesce(per_pipeline.open_deal_count, 0) as open_deal_count,
    coalesce(per_pipeline.open_amount, 0) as open_amount,
    coalesce(per_pipeline.weighted_open_amount, 0) as weighted_open_amount,
    coalesce(per_pipeline.won_deal_count, 0) as won_deal_count,
    coalesce(per_pipeline.won_amount, 0) as won_amount,
    coalesce(per_pipeline.lost_deal_count, 0) as lost_deal_count,
    coalesce(per_pipeline.lost_amount, 0) as lost_amount
from pipelines
left join per_pipeline on per_pipeline.pipeline_key = pipelines.pipeline_key
