-- The funnel per source and combined (source 'all'): every deal, then the open, won and lost
-- ones, with their amounts and weighted amounts (amounts added as they are, whatever their
-- currency). Every source present has its four rows, zeros included.
with deals as (
    select source, is_open, is_won, is_lost, amount, weighted_amount
    from {{ ref('crm_deals') }}
),

steps as (
    select 1 as step_order, 'deals' as step
    union all select 2, 'open'
    union all select 3, 'won'
    union all select 4, 'lost'
),

sources as (
    select distinct source from {{ ref('crm_pipeline_stages') }}
    union
    select distinct source from deals
    union
    select 'all'
),

per_step as (
    select
        sources.source,
        steps.step_order,
        steps.step,
        count(deals.source) as deal_count,
        coalesce(sum(deals.amount), 0) as amount,
        coalesce(sum(deals.weighted_amount), 0) as weighted_amount
    from sources
    cross join steps
    left join deals
        on (sources.source = 'all' or deals.source = sources.source)
        and (
            steps.step = 'deals'
            or (steps.step = 'open' and deals.is_open)
            or (steps.step = 'won' and deals.is_won)
            or (steps.step = 'lost' and deals.is_lost)
        )
    group by sources.source, steps.step_order, steps.step
)

select
    {{ dbt.concat(['source', "':'", 'step']) }} as funnel_key,
    source,
    step_order,
    step,
    deal_count,
    amount,
    weighted_amount
from per_step
