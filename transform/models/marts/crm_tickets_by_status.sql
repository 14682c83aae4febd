-- Tickets per source and status (as each source names it), oldest and last activity.
select
    {{ dbt.concat(['source', "':'", "coalesce(status, '')"]) }} as status_key,
    source,
    status,
    count(*) as ticket_count,
    min(created_at) as oldest_created_at,
    max(updated_at) as last_updated_at
from {{ ref('crm_tickets') }}
group by source, status
