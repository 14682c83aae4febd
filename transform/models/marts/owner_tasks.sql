-- Open and overdue tasks per owner. Open: not completed. Overdue: open and due (closed_date)
-- before the reference time `as_of` (the var or the as_of setting; by default the time this dbt
-- run started, in UTC), which is kept in the as_of column.
with tasks as (
    select
        owner_id,
        is_completed,
        due_at,
        {{ as_of_timestamp() }} as as_of
    from {{ ref('stg_tasks') }}
),

per_owner as (
    select
        owner_id,
        count(*) as total_tasks,
        sum(case when is_completed then 0 else 1 end) as open_tasks,
        sum(case when not is_completed and due_at < as_of then 1 else 0 end) as overdue_tasks,
        sum(case when is_completed then 1 else 0 end) as completed_tasks
    from tasks
    group by owner_id
)

select
    owners.owner_id,
    owners.owner_name,
    owners.owner_email,
    coalesce(per_owner.total_tasks, 0) as total_tasks,
    coalesce(per_owner.open_tasks, 0) as open_tasks,
    coalesce(per_owner.overdue_tasks, 0) as overdue_tasks,
    coalesce(per_owner.completed_tasks, 0) as completed_tasks,
    {{ as_of_timestamp() }} as as_of
from {{ ref('stg_owners') }} as owners
left join per_owner on per_owner.owner_id = owners.owner_id
