-- Tickets per status code, with how many of them per priority code (0 to 3 in EngageBay).
select
    status_code,
    count(*) as ticket_count,
    sum(case when priority_code = 0 then 1 else 0 end) as priority_0,
    sum(case when priority_code = 1 then 1 else 0 end) as priority_1,
    sum(case when priority_code = 2 then 1 else 0 end) as priority_2,
    sum(case when priority_code = 3 then 1 else 0 end) as priority_3,
    min(created_at) as oldest_created_at,
    max(updated_at) as last_updated_at
from {{ ref('stg_tickets') }}
group by status_code
