-- The funnel holds every deal once: its counts and amounts add up to the deals mart's.
with funnel as (
    select sum(deal_count) as deals, sum(total_amount) as amount from {{ ref('deal_funnel') }}
),

deals as (
    select count(*) as deals, coalesce(sum(amount), 0) as amount from {{ ref('deals') }}
)

select *
from funnel cross join deals
where funnel.deals <> deals.deals or abs(funnel.amount - deals.amount) > 0.005
