-- Every deal is exactly one of open, won and lost.
select deal_key
from {{ ref('crm_deals') }}
where (case when is_open then 1 else 0 end) + (case when is_won then 1 else 0 end)
    + (case when is_lost then 1 else 0 end) <> 1
