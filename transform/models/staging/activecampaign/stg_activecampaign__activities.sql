-- ActiveCampaign activities: notes (kind note) and deal tasks (kind task; the API lists every
-- task under /dealTasks, on a deal or a contact). An activity belongs to the record its
-- reltype/relid names: `Subscriber` a contact, `Deal` a deal (other kinds, e.g. accounts,
-- leave both null). A note's owner is its author (`userid`), a task's its assignee (else
-- userid); a task's type is its task type's title, done when status is 1 (complete).
{%- set string = dbt.type_string() %}
{%- set stamp = dbt.type_timestamp() %}
{%- set has_types = crm_source_present('activecampaign', ['deal_tasktypes']) %}
{%- set parts = [] %}
{%- for table in ['notes', 'deal_tasks'] %}
  {%- if crm_source_present('activecampaign', [table]) %}{% do parts.append(table) %}{% endif %}
{%- endfor %}
{%- for part in parts %}
{%- if not loop.first %}
union all
{%- endif %}
{%- if part == 'notes' %}
select
    cast(notes.id as {{ string }}) as activity_id,
    'note' as kind,
    notes.reltype as activity_type,
    cast(null as {{ string }}) as subject,
    notes.note as body,
    case when lower(notes.reltype) = 'subscriber' then cast(notes.relid as {{ string }}) end as contact_id,
    case when lower(notes.reltype) = 'deal' then cast(notes.relid as {{ string }}) end as deal_id,
    cast(null as {{ string }}) as ticket_id,
    cast(nullif(coalesce(notes.userid, notes."user"), 0) as {{ string }}) as owner_id,
    {{ utc('notes.cdate') }} as occurred_at,
    cast(null as {{ stamp }}) as due_at,
    cast(null as {{ string }}) as status,
    cast(null as boolean) as is_completed
from {{ source('activecampaign', 'notes') }} as notes
where notes.{{ not_deleted() }}
{%- else %}
select
    cast(tasks.id as {{ string }}) as activity_id,
    'task' as kind,
    {% if has_types %}types.title{% else %}cast(tasks.d_tasktypeid as {{ string }}){% endif %} as activity_type,
    tasks.title as subject,
    tasks.note as body,
    case when lower(tasks.reltype) = 'subscriber' then cast(tasks.relid as {{ string }}) end as contact_id,
    case when lower(tasks.reltype) = 'deal' then cast(tasks.relid as {{ string }}) end as deal_id,
    cast(null as {{ string }}) as ticket_id,
    cast(nullif(coalesce(tasks.assignee, tasks.userid, tasks."user"), 0) as {{ string }}) as owner_id,
    {{ utc('tasks.cdate') }} as occurred_at,
    {{ utc('tasks.duedate') }} as due_at,
    case tasks.status when 1 then 'complete' when 0 then 'incomplete' else cast(tasks.status as {{ string }}) end as status,
    coalesce(tasks.status = 1, false) as is_completed
from {{ source('activecampaign', 'deal_tasks') }} as tasks
{%- if has_types %}
left join {{ source('activecampaign', 'deal_tasktypes') }} as types
    on types.id = coalesce(tasks.d_tasktypeid, tasks."dealTasktype") and types.{{ not_deleted() }}
{%- endif %}
where tasks.{{ not_deleted() }}
{%- endif %}
{%- else %}
{{ crm_absent_source() }}
{%- endfor %}
