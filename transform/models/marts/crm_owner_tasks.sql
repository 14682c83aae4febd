-- Open and overdue tasks per owner of every source. Open: not completed. Overdue: open and due
-- before the reference time `as_of` (the var or the as_of setting; by default the time this
-- dbt run started, in UTC), which is kept in the as_of column.
with tasks as (
    select owner_key, is_completed, due_at, {{ as_of_timestamp() }} as as_of
    from {{ ref('crm_activities') }}
    where kind = 'task'
),

per_owner as (
    select
        owner_key,
        count(*) as total_tasks,
        sum(case when coalesce(is_completed, false) then 0 else 1 end) as open_tasks,
        sum(case when not coalesce(is_completed, false) and due_at < as_of then 1 else 0 end) as overdue_tasks,
        sum(case when coalesce(is_completed, false) then 1 else 0 end) as completed_tasks
    from tasks
    group by owner_key
)

select
    owners.owner_key,
    owners.source,
    owners.owner_id,
    owners.owner_name,
    owners.owner_email,
    coalesce(per_owner.total_tasks, 0) as total_tasks,
    coalesce(per_owner.open_tasks, 0) as open_tasks,
    coalesce(per_owner.overdue_tasks, 0) as overdue_tasks,
    coalesce(per_owner.completed_tasks, 0) as completed_tasks,
    {{ as_of_timestamp() }} as as_of
from {{ ref('crm_owners') }} as owners
left join per_owner on per_owner.owner_key = owners.owner_key
