-- The funnels hold every deal once: per source, the stage funnel's counts and amounts add up
-- to the deals with a stage, and the 'deals' step of crm_funnel to every deal; 'all' is the sum
-- of the sources.
with deals as (
    select
        source,
        sum(case when stage_key is not null then 1 else 0 end) as staged_deals,
        coalesce(sum(case when stage_key is not null then amount end), 0) as staged_amount,
        count(*) as deals,
        coalesce(sum(amount), 0) as amount
    from {{ ref('crm_deals') }}
    group by source
),

stages as (
    select source, sum(deal_count) as deals, sum(total_amount) as amount
    from {{ ref('crm_deal_funnel') }}
    group by source
),

steps as (
    select source, deal_count as deals, amount
    from {{ ref('crm_funnel') }}
    where step = 'deals'
)

select 'stages' as funnel, deals.source
from deals left join stages on stages.source = deals.source
where coalesce(stages.deals, 0) <> deals.staged_deals
   or abs(coalesce(stages.amount, 0) - deals.staged_amount) > 0.005
union all
select 'steps', deals.source
from deals left join steps on steps.source = deals.source
where coalesce(steps.deals, 0) <> deals.deals or abs(coalesce(steps.amount, 0) - deals.amount) > 0.005
union all
select 'all', 'all'
from (select sum(deals) as deals, sum(amount) as amount from deals) as total
cross join (select deals, amount from steps where source = 'all') as combined
where combined.deals <> coalesce(total.deals, 0)
   or abs(combined.amount - coalesce(total.amount, 0)) > 0.005
