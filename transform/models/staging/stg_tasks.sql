-- Tasks. EngageBay keeps a task's due date in closed_date; task_milestone is its status.
select
    id as task_id,
    name as task_name,
    type as task_type,
    task_milestone as task_status,
    owner_id,
    {{ utc('closed_date') }} as due_at,
    task_milestone = 'completed' as is_completed,
    is_due as api_is_due,
    {{ utc('created_time') }} as created_at,
    {{ utc('updated_time') }} as updated_at
from {{ source('engagebay', 'tasks') }}
where {{ not_deleted() }}
