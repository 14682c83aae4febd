-- EngageBay activities, one row each: notes (on a contact), call logs (on a contact), tasks
-- (due date in closed_date, status in task_milestone; the first of their contacts and deals)
-- and calendar events (their subscriber, else the first contact; the first deal). EngageBay's
-- API has no ticket messages. A stream that was not loaded contributes nothing.
{%- set string = dbt.type_string() %}
{%- set stamp = dbt.type_timestamp() %}
{%- set parts = [] %}
{%- for table in ['notes', 'call_logs', 'tasks', 'events'] %}
  {%- if crm_source_present('engagebay', [table]) %}{% do parts.append(table) %}{% endif %}
{%- endfor %}
{%- for table in parts %}
{%- if not loop.first %}
union all
{%- endif %}
{%- if table == 'notes' %}
select
    cast(id as {{ string }}) as activity_id,
    'note' as kind,
    type as activity_type,
    subject,
    content as body,
    cast(coalesce(contact_id, "parentId") as {{ string }}) as contact_id,
    cast(null as {{ string }}) as deal_id,
    cast(null as {{ string }}) as ticket_id,
    cast(owner_id as {{ string }}) as owner_id,
    {{ utc('created_time') }} as occurred_at,
    cast(null as {{ stamp }}) as due_at,
    cast(null as {{ string }}) as status,
    cast(null as boolean) as is_completed
from {{ source('engagebay', 'notes') }}
where {{ not_deleted() }}
{%- elif table == 'call_logs' %}
select
    cast(id as {{ string }}) as activity_id,
    'call' as kind,
    "callType" as activity_type,
    cast(null as {{ string }}) as subject,
    cast(null as {{ string }}) as body,
    cast(contact_id as {{ string }}) as contact_id,
    cast(null as {{ string }}) as deal_id,
    cast(null as {{ string }}) as ticket_id,
    cast(owner_id as {{ string }}) as owner_id,
    {{ utc('coalesce(started_at, created_time)') }} as occurred_at,
    cast(null as {{ stamp }}) as due_at,
    status,
    cast(null as boolean) as is_completed
from {{ source('engagebay', 'call_logs') }}
where {{ not_deleted() }}
{%- elif table == 'tasks' %}
select
    cast(id as {{ string }}) as activity_id,
    'task' as kind,
    type as activity_type,
    name as subject,
    description as body,
    {{ json_text_at('contact_ids', 0) }} as contact_id,
    {{ json_text_at('deal_ids', 0) }} as deal_id,
    cast(null as {{ string }}) as ticket_id,
    cast(owner_id as {{ string }}) as owner_id,
    {{ utc('created_time') }} as occurred_at,
    {{ utc('closed_date') }} as due_at,
    task_milestone as status,
    task_milestone = 'completed' as is_completed
from {{ source('engagebay', 'tasks') }}
where {{ not_deleted() }}
{%- elif table == 'events' %}
select
    cast(id as {{ string }}) as activity_id,
    'event' as kind,
    source_type as activity_type,
    name as subject,
    cast(null as {{ string }}) as body,
    coalesce(cast(subscriber_id as {{ string }}), {{ json_text_at('contact_ids', 0) }}) as contact_id,
    {{ json_text_at('deal_ids', 0) }} as deal_id,
    cast(null as {{ string }}) as ticket_id,
    cast(owner_id as {{ string }}) as owner_id,
    {{ utc('start_time') }} as occurred_at,
    cast(null as {{ stamp }}) as due_at,
    cast(null as {{ string }}) as status,
    cast(null as boolean) as is_completed
from {{ source('engagebay', 'events') }}
where {{ not_deleted() }}
{%- endif %}
{%- else %}
{{ crm_absent_source() }}
{%- endfor %}
